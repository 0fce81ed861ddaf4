// npm run bench: one table, every figure measured side by side in the same run.
//   * checksum bandwidth over 1500 B and 64 KiB: Wasm SIMD, Wasm scalar, the JS engine
//     (wasm2js), plain JS over a Uint8Array, and the memcpy floor (Uint8Array.set);
//   * UDP datagrams per second through two kernels across a zero-delay link, both
//     engines, with the ns of kernel time per datagram.
// Targets: SIMD checksum >= 0.5x memcpy bandwidth; Wasm engine >= 3x the JS engine.
// The table is printed and written to docs/bench-latest.md (the README includes it).
//
//   node scripts/bench.mjs [--only=csum|udp] [--quick] [--no-write]
// Nothing here is a test: no figure is asserted, the PASS/MISS column is information.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchCsum } from './bench/csum.mjs';
import { benchUdp } from './bench/udp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--only='))?.slice(7);
const quick = args.includes('--quick');
const write = !args.includes('--no-write') && !only && !quick;
const log = (s) => process.stderr.write(s + '\n');

const SIMD_TARGET = 0.5; // x memcpy
const ENGINE_TARGET = 3; // Wasm / JS

const fmt = (v, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : '—');
const int = (v) => Math.round(v).toLocaleString('en-US');
const kib = (n) => (n >= 1024 && n % 1024 === 0 ? `${n / 1024} KiB` : `${n} B`);
const mark = (ok) => (ok ? 'PASS' : 'MISS');

function gitRev() {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'assembly', 'host'], { cwd: root, encoding: 'utf8' }).trim();
    return dirty ? `${rev}+dirty` : rev;
  } catch {
    return 'unknown';
  }
}

const started = performance.now();
const header = [
  `kstack benchmark — ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
  `node ${process.version} (V8 ${process.versions.v8}), ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, ${os.platform()}/${os.arch()}, kstack ${gitRev()}`,
];
log(header.join('\n'));

const lines = [];
lines.push('| Benchmark | Size | Result | Ratio | Target | |');
lines.push('|---|---|---:|---:|---|---|');

let csumRows = [];
if (!only || only === 'csum') {
  log('checksum…');
  csumRows = await benchCsum([1500, 65536], quick ? { targetMs: 50, rounds: 3 } : { targetMs: 200, rounds: 5 });
  for (const size of [1500, 65536]) {
    const at = csumRows.filter((r) => r.size === size);
    const floor = at.find((r) => r.name.startsWith('memcpy floor')).gbps;
    for (const r of at) {
      const ratio = r.gbps / floor;
      const isSimd = r.name === 'Wasm SIMD';
      const isFloor = r.name.startsWith('memcpy floor');
      lines.push(`| checksum: ${r.name} | ${kib(size)} | ${fmt(r.gbps)} GB/s | ${isFloor ? '1.00 (floor)' : fmt(ratio)}× memcpy | ${isSimd ? `≥ ${SIMD_TARGET}× memcpy` : ''} | ${isSimd ? mark(ratio >= SIMD_TARGET) : ''} |`);
    }
  }
}

let udpRows = [];
if (!only || only === 'udp') {
  log('udp…');
  udpRows = await benchUdp(['wasm', 'js'], [64, 1472], { ...(quick ? { targetMs: 150, rounds: 1 } : { targetMs: 400, rounds: 3 }), log });
  for (const size of [64, 1472]) {
    const w = udpRows.find((r) => r.engine === 'wasm' && r.size === size);
    const j = udpRows.find((r) => r.engine === 'js' && r.size === size);
    for (const r of [w, j]) {
      lines.push(`| UDP ${r.engine === 'wasm' ? 'Wasm engine' : 'JS engine'}: delivered datagrams/s | ${size} B | ${int(r.dgramPerSec)}/s (${int(r.wallNsPerDgram)} ns wall) | | | |`);
      lines.push(`| UDP ${r.engine === 'wasm' ? 'Wasm engine' : 'JS engine'}: kernel ns per datagram | ${size} B | ${int(r.kernelNsPerDgram)} ns (${fmt(r.callsPerDgram, 1)} calls) | ${fmt((100 * r.kernelNsPerDgram) / r.wallNsPerDgram, 0)}% of wall | | |`);
    }
    const kr = j.kernelNsPerDgram / w.kernelNsPerDgram;
    const tr = w.dgramPerSec / j.dgramPerSec;
    lines.push(`| UDP Wasm / JS: kernel time | ${size} B | | ${fmt(kr)}× | ≥ ${ENGINE_TARGET}× | ${mark(kr >= ENGINE_TARGET)} |`);
    lines.push(`| UDP Wasm / JS: datagrams/s (end to end) | ${size} B | | ${fmt(tr)}× | ≥ ${ENGINE_TARGET}× | ${mark(tr >= ENGINE_TARGET)} |`);
  }
}

const elapsed = (performance.now() - started) / 1000;
const notes = [];
if (csumRows.length) {
  notes.push('Checksum: `bench_csum_loop` runs the loop inside the kernel (no call per buffer); the JS engine is the no-SIMD kernel through wasm2js; plain JS is a straightforward RFC 1071 loop over a `Uint8Array`; the memcpy floor is `Uint8Array.prototype.set` between two `Uint8Array`s of the same size; "Wasm memory.copy" (`bench_memcpy_loop`) is for information. Median of rounds of ~200 ms after warm-up; every implementation is checked against RFC 1071 first.');
}
if (udpRows.length) {
  const any = udpRows[0];
  notes.push(`UDP: two hosts on a zero-delay link (virtual clock, capture off); a sender process does blocking \`sendto\` of N datagrams (it sleeps on its sndbuf as on Linux), a receiver process \`recv\`s as fast as it is scheduled; datagrams/s counts those delivered to the receiver (rcvbuf drops, if any, excluded: ${udpRows.map((r) => `${r.engine} ${r.size} B ${fmt(r.deliveredPct, 1)}%`).join(', ')} delivered) over the wall time of the whole \`net.run\`, median of runs of ~400 ms. Kernel ns per datagram comes from a separate profiling run with every kernel export wrapped in \`performance.now()\`, minus the timer's own cost (${fmt(any.timerNs, 0)} ns per call measured on an empty export); the rest of the wall time is the host: scheduler, promises, ring copies.`);
  const tops = udpRows.map((r) => `${r.engine} ${r.size} B: ${r.top.map((t) => `${t.name} ${fmt(t.ns, 0)} ns (${fmt(t.calls, 2)}/dgram)`).join(', ')}`);
  notes.push('Kernel time by export, per delivered datagram — ' + tops.join('; ') + '.');
}
notes.push(`Whole bench: ${fmt(elapsed, 0)} s.`);

const out = [...header.map((h, i) => (i === 0 ? `**${h}**` : h)), '', ...lines, '', ...notes.map((n) => `- ${n}`)].join('\n');
console.log('\n' + header.join('\n') + '\n\n' + lines.join('\n') + '\n\n' + notes.map((n) => `- ${n}`).join('\n'));
if (write) {
  mkdirSync(join(root, 'docs'), { recursive: true });
  writeFileSync(join(root, 'docs', 'bench-latest.md'), `<!-- written by npm run bench (scripts/bench.mjs); do not edit -->\n${out}\n`);
  log('wrote docs/bench-latest.md');
}
