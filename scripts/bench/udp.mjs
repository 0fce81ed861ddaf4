// UDP datagrams through two kernels across a zero-delay link: a sender process blasts N
// datagrams with blocking sendto (it sleeps on SO_SNDBUF like Linux), a receiver process
// reads them as fast as the scheduler lets it. Datagrams the receiver's rcvbuf drops are
// not counted: the rate is of datagrams delivered to the receiving process.
//
// Two passes per engine and size: plain runs for the wall-clock rate, and a profiling run
// with every kernel export wrapped in performance.now() for the time spent inside the
// kernel (corrected for the cost of the timer itself).
import { Network, constants as C } from '../../build/host/index.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, now } from './timing.mjs';
import { kernelTime } from './udp-kernel.mjs';

const PORT = 9000;

/** One run: returns { ms, sent, delivered, dropped }. */
async function runOnce(engine, size, n, onStart = () => {}) {
  const net = await Network.create({ clock: 'virtual', engine, capture: false });
  const a = net.addHost({ name: 'tx', ip: '10.0.0.1' });
  const b = net.addHost({ name: 'rx', ip: '10.0.0.2' });
  net.link(a, b, { delayMs: 0 });
  let done = false;
  let delivered = 0;
  let sent = 0;
  const rx = b.spawn(async (sys) => {
    const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
    if ((await sys.bind(fd, { addr: '0.0.0.0', port: PORT })) !== 0) throw new Error('bind');
    const buf = new Uint8Array(2048);
    for (;;) {
      const r = await sys.recv(fd, buf, 0);
      if (r === 1) break; // the end marker
      if (r === 2) continue; // the ARP warm-up
      if (r !== size) throw new Error(`recv: ${r}`);
      delivered++;
    }
    done = true;
    await sys.close(fd);
  });
  const tx = a.spawn(async (sys) => {
    const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
    const data = new Uint8Array(size).fill(0x5a);
    const to = { addr: '10.0.0.2', port: PORT };
    // Resolve the peer first: a blast into an unresolved neighbour is mostly dropped by
    // unres_qlen_bytes (as on Linux), which is not what this measures. The receiver takes
    // the 1-byte warm-up as a datagram of another size and ignores it.
    await sys.sendto(fd, new Uint8Array(2), 0, to);
    await sys.nanosleep(1);
    for (let i = 0; i < n; i++) {
      const r = await sys.sendto(fd, data, 0, to);
      if (r !== size) throw new Error(`sendto: ${r}`);
      sent++;
    }
    // The end marker; the receiver may drop it like any datagram, so repeat until seen.
    const end = new Uint8Array(1);
    while (!done) {
      await sys.sendto(fd, end, 0, to);
      await sys.nanosleep(1);
    }
    await sys.close(fd);
  });
  onStart();
  const t0 = now();
  await net.run({ untilIdle: true });
  const ms = now() - t0;
  const rs = await rx.exited;
  const ts = await tx.exited;
  if (rs.code !== 0 || ts.code !== 0) throw new Error(`udp bench: processes exited ${JSON.stringify([rs, ts])}`);
  const udp = b.counters().Udp;
  return { ms, sent, delivered, dropped: udp.RcvbufErrors ?? 0 };
}

/**
 * Rows per (engine, size): { engine, size, dgramPerSec, wallNsPerDgram, kernelNsPerDgram,
 * kernelTxNs, kernelRxNs, deliveredPct }.
 */
export { runOnce };
export async function benchUdp(engines, sizes, { targetMs = 400, rounds = 3, log = () => {} } = {}) {
  const rows = [];
  for (const engine of engines) {
    for (const size of sizes) {
      // Warm-up and sizing: N so that one run takes about targetMs.
      await runOnce(engine, size, 5000);
      const w = await runOnce(engine, size, 20000);
      const n = Math.max(20000, Math.round((20000 * targetMs) / w.ms / 1000) * 1000);
      const runs = [];
      for (let r = 0; r < rounds; r++) runs.push(await runOnce(engine, size, n));
      const rates = runs.map((r) => (r.delivered / r.ms) * 1000);
      const rate = median(rates);
      const mid = runs[rates.indexOf(rate)] ?? runs[0];

      const k = await kernelTimeFresh(engine, size, rounds > 1 ? {} : { rounds: 3, windowMs: 100 });
      const row = {
        engine, size, n,
        dgramPerSec: rate,
        wallNsPerDgram: 1e9 / rate,
        kernelNsPerDgram: k.total,
        kernelTxNs: k.tx,
        kernelRxNs: k.rx,
        deliveredPct: (100 * mid.delivered) / mid.sent,
      };
      log(`  udp ${engine} ${size} B: n=${n} ${Math.round(rate)} dgram/s, kernel ${row.kernelNsPerDgram.toFixed(0)} ns/dgram`);
      rows.push(row);
    }
  }
  return rows;
}

/**
 * kernelTime() in a fresh Node process: each engine measured at its best, with no JIT
 * state left by earlier runs (in the parent, a JS engine that has been instantiated for
 * many networks runs ~25% slower, which would flatter the ratio).
 */
function kernelTimeFresh(engine, size, opts) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--kernel-time', JSON.stringify({ engine, size, opts })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.on('close', (code) => {
      try { resolve(JSON.parse(out.trim().split('\n').pop())); } catch { reject(new Error(`udp kernel-time child exited ${code}`)); }
    });
  });
}

if (process.argv[2] === '--kernel-time') {
  const { engine, size, opts } = JSON.parse(process.argv[3]);
  process.stdout.write(JSON.stringify(await kernelTime(engine, size, opts)) + '\n');
  process.exit(0);
}
