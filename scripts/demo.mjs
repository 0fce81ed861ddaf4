// `npm start [-- <scenario>]`: runs one of the seeds' scenarios with a narrated,
// tcpdump-like trace on the screen and a pcap in out/ that Wireshark opens.
// With no argument it lists the scenarios and runs the first. `npm start -- web` serves a
// page whose processes run in Web Workers (scripts/web.mjs).
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const dir = join(here, 'scenarios');
const scenarios = [];
for (const f of readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort()) {
  const m = await import(pathToFileURL(join(dir, f)).href);
  scenarios.push(m.default);
}
scenarios.sort((a, b) => (a.order ?? 99) - (b.order ?? 99));

const want = process.argv[2];
if (want === 'web') {
  // A page whose processes run in Web Workers (scripts/web/), served with COOP/COEP.
  const { startWebServer } = await import('./web.mjs');
  const server = await startWebServer();
  console.log(`kstack web demo: http://127.0.0.1:${server.address().port}/ — open it in Chromium (Ctrl-C to stop)`);
  await new Promise(() => {});
}
if (!want) {
  console.log('kstack scenarios (npm start -- <name>):');
  for (const s of scenarios) console.log(`  ${s.name.padEnd(12)} ${s.description}`);
  console.log('');
}
const pick = want ? scenarios.find((s) => s.name === want) : scenarios[0];
if (!pick) {
  console.error(`unknown scenario ${JSON.stringify(want)}; try one of: ${scenarios.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const { Network, formatFrame } = await import(pathToFileURL(join(root, 'build/host/index.js')).href);
console.log(`── ${pick.name}: ${pick.description}\n`);
const say = (t, who, msg) => console.log(`${(t / 1000).toFixed(6)} ${who.padEnd(8)} │ ${msg}`);
const net = await Network.create({ clock: 'virtual', seed: 1 });
// A scenario with thousands of frames prints only those its `trace(t, frame)` keeps
// (`trace: false` or `quiet: true` prints none); the pcap always has them all.
if (pick.trace !== false && !pick.quiet) {
  net.onFrame((t, frame) => {
    if (typeof pick.trace !== 'function' || pick.trace(t, frame)) console.log(`${formatFrame(t, frame)}`);
  });
}
mkdirSync(join(root, 'out'), { recursive: true });
// Files a scenario writes (plots) go next to the pcap: `write(name, content)`.
const written = [];
const write = (name, content) => {
  const f = join(root, 'out', name);
  writeFileSync(f, content);
  written.push(f);
};
await pick.run({ net, say: (who, msg) => say(net.now(), who, msg), write });
const file = join(root, 'out', `${pick.name}.pcap`);
writeFileSync(file, net.pcap());
console.log(`\npcap: ${file} (open it with Wireshark or tshark -r)`);
for (const f of written) console.log(`wrote: ${f}`);
