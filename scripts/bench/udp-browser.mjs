// The UDP kernel-time measure (udp-kernel.mjs) in Chromium, a fresh page per engine and
// size: the same kernel under a newer V8 than Node 20's (V8 11.3), which among other
// things inlines Wasm calls. Information beside the Node figures, not a target. Skipped
// (null) when no Chromium is installed (CHROMIUM_PATH or /usr/bin/chromium). Runs in a
// child process: playwright's connection in the bench's own process slowed the
// host-bound benchmarks that came after it (the promise API's epoll_wait 290 → 700 ns).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startWebServer } from '../web.mjs';

const chromiumPath = () => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function benchUdpBrowser(engines, sizes, { log = () => {} } = {}) {
  if (!existsSync(chromiumPath())) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--run', JSON.stringify({ engines, sizes })], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { for (const line of String(d).split('\n')) if (line) log(line); });
    p.on('close', (code) => {
      try { resolve(JSON.parse(out.trim().split('\n').pop())); } catch { reject(new Error(`udp-browser child exited ${code}`)); }
    });
  });
}

async function run(engines, sizes, log) {
  const exe = chromiumPath();
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

if (process.argv[2] === '--run') {
  const { engines, sizes } = JSON.parse(process.argv[3]);
  const rows = await run(engines, sizes, (line) => process.stderr.write(line + '\n'));
  process.stdout.write(JSON.stringify(rows) + '\n');
  process.exit(0);
}
