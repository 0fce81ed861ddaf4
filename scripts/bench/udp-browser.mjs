// The UDP kernel-time measure (udp-kernel.mjs) in Chromium, a fresh page per engine and
// size: the same kernel under a newer V8 than Node 20's (V8 11.3), which among other
// things inlines Wasm calls. Information beside the Node figures, not a target. Skipped
// (null) when no Chromium is installed (CHROMIUM_PATH or /usr/bin/chromium).
import { existsSync } from 'node:fs';
import { startWebServer } from '../web.mjs';

export async function benchUdpBrowser(engines, sizes, { log = () => {} } = {}) {
  const exe = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(exe)) return null;
  const { chromium } = await import('playwright-core');
  const server = await startWebServer(0, { allow: ['scripts/bench/'] });
  const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox'] });
  try {
    const version = browser.version();
    // Three fresh pages per engine and size, interleaved, and the median: a single page's
    // figure for the JS engine varied by a third between runs.
    const runs = new Map();
    for (let rep = 0; rep < 3; rep++) {
      for (const size of sizes) {
        for (const engine of engines) {
          const page = await browser.newPage();
          await page.goto(`http://127.0.0.1:${server.address().port}/scripts/bench/udp-browser.html`);
          const k = await page.evaluate(async ([engine, size]) => {
            const m = await import('/scripts/bench/udp-kernel.mjs');
            return m.kernelTime(engine, size);
          }, [engine, size]);
          await page.close();
          const key = `${engine} ${size}`;
          runs.set(key, [...(runs.get(key) ?? []), k]);
        }
      }
    }
    const rows = [];
    for (const engine of engines) {
      for (const size of sizes) {
        const ks = runs.get(`${engine} ${size}`).sort((p, q) => p.total - q.total);
        const k = ks[ks.length >> 1];
        log(`  udp (Chromium ${version}) ${engine} ${size} B: kernel ${k.total.toFixed(0)} ns/dgram (runs ${ks.map((x) => x.total.toFixed(0)).join(', ')})`);
        rows.push({ engine, size, version, kernelNsPerDgram: k.total, kernelTxNs: k.tx, kernelRxNs: k.rx });
      }
    }
    return rows;
  } finally {
    await browser.close();
    server.close();
  }
}
