// Scale: how many connections one kstack Network holds, and whether a segment's receive
// path (ehash lookup included) stays flat as they grow.
//   * N established connections between two hosts (client 10.0.0.1 → server 10.0.0.2,
//     spread over N / 5,000 listening ports so that no destination uses more than a fifth
//     of the ephemeral range: past half of it, Linux's __inet_hash_connect scans every
//     used port of the connect parity before each success, which is the port-choice cost
//     of Linux, not a table cost); reports heap bytes per connection on each host (the
//     stub allocator's top before and after, so memory.grow's doubling does not blur it),
//     the Wasm memory each host ended with, the ehash size, and the skbs still held.
//   * the kernel's receive path for one data segment on an established connection, with
//     10 and with N connections, measured like udp.mjs kernelTime(): the bench calls the
//     kernel exports itself, in batches of 32 segments round-robin over 10 "hot"
//     connections (TCP_NODELAY, 100 B each), timing only the receiver's interrupt and
//     kernel_poll (NAPI, Ethernet, IP, tcp_v4_rcv's lookup, tcp_rcv_established, the
//     ACK); sending, reading and the ACK's way back are untimed. The two networks live in
//     one process and the rounds alternate, so the ratio is side by side.
// Each engine runs in a child process (a million connections hold ~2 GiB until exit).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Network, constants as C } from '../../build/host/index.js';
import { drainTx } from '../../build/host/link.js';
import { median } from './timing.mjs';

const HOT = 10;
const PER_DEST = 5000;
const HOT_PORT = 9000;
const BASE_PORT = 10000;
const SIZE = 100;
const BATCH = 32;

/** A network with n established connections; the first HOT are on HOT_PORT, in order. */
async function build(engine, n, log) {
  const net = await Network.create({ clock: 'virtual', engine, capture: false });
  const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
  const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
  net.link(a, b, { delayMs: 0 });
  const top0 = [a.kernel.x.stat_heap_top(), b.kernel.x.stat_heap_top()];
  const ports = Math.max(1, Math.ceil((n - HOT) / PER_DEST));
  const bulk = n - HOT;
  let release;
  const gate = new Promise((r) => { release = r; });
  const hot = [];
  const sfds = [];
  let accepted = 0;
  let connected = 0;
  let failed = null;
  const t0 = performance.now();
  const pb = b.spawn(async (sys) => {
    await sys.setrlimit(C.RLIMIT_NOFILE, { cur: 1048576, max: 1048576 });
    const hl = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    await sys.bind(hl, { addr: '0.0.0.0', port: HOT_PORT });
    await sys.listen(hl, 128);
    const ls = [];
    for (let p = 0; p < ports; p++) {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM | C.SOCK_NONBLOCK, 0);
      if ((await sys.bind(l, { addr: '0.0.0.0', port: BASE_PORT + p })) !== 0) failed = 'bind';
      await sys.listen(l, 4096);
      ls.push(l);
    }
    for (let i = 0; i < HOT; i++) sfds.push(await sys.accept(hl));
    while (accepted < bulk && !failed) {
      let any = false;
      for (const l of ls) for (;;) { const c = await sys.accept(l); if (c < 0) break; accepted++; any = true; }
      if (!any) await sys.nanosleep(1);
    }
    await gate;
  });
  const pa = a.spawn(async (sys) => {
    await sys.setrlimit(C.RLIMIT_NOFILE, { cur: 1048576, max: 1048576 });
    for (let i = 0; i < HOT; i++) {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_NODELAY, 1);
      if ((await sys.connect(fd, { addr: '10.0.0.2', port: HOT_PORT })) !== 0) failed = 'hot connect';
      hot.push({ cfd: fd, sfd: -1 });
    }
    for (let i = 0; i < bulk && !failed; i++) {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      const r = await sys.connect(fd, { addr: '10.0.0.2', port: BASE_PORT + (i % ports) });
      if (r !== 0) { failed = `connect #${i}: ${r}`; break; }
      connected++;
      if (connected % 200000 === 0) log(`  scale ${engine}: ${connected} connected, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    await gate;
  });
  while ((accepted < bulk || sfds.length < HOT || hot.length < HOT) && !failed) await net.run({ untilMs: net.now() + 1000 });
  if (failed) throw new Error(`scale ${engine} n=${n}: ${failed}`);
  hot.forEach((h, i) => { h.sfd = sfds[i]; });
  const setupMs = performance.now() - t0;
  await net.run({ untilMs: net.now() + 1000 }); // let the last ACKs land
  const estab = [a, b].map((h) => h.counters().Tcp.CurrEstab);
  if (estab[0] !== n || estab[1] !== n) throw new Error(`scale ${engine} n=${n}: CurrEstab ${estab}`);
  const top1 = [a.kernel.x.stat_heap_top(), b.kernel.x.stat_heap_top()];
  return {
    net, a, b, pa, pb, hot, release, n, setupMs,
    perConn: [(top1[0] - top0[0]) / n, (top1[1] - top0[1]) / n],
    memBytes: [a.kernel.x.memory.buffer.byteLength, b.kernel.x.memory.buffer.byteLength],
    ehash: [a.kernel.x.stat_ehash(1), b.kernel.x.stat_ehash(1)],
    skbs: [a.stats().skbInUse, b.stats().skbInUse],
  };
}

/** One batch of BATCH segments over the hot connections; returns the receive-path ms. */
function batch(s) {
  const A = s.a.kernel.x;
  const B = s.b.kernel.x;
  const ea = s.a.ends[0];
  const eb = s.b.ends[0];
  const touched = new Set();
  for (let i = 0; i < BATCH; i++) {
    const h = s.hot[s.k++ % HOT];
    const r = A.sys_sendto(s.pa.pid, h.cfd, SIZE, 0, 0, 0, 0, 0);
    if (r !== SIZE) throw new Error(`scale: send ${r}`);
  }
  drainTx(ea, () => {}, touched);
  const now = s.net.now();
  const t0 = performance.now();
  B.netdev_interrupt(eb.ifindex);
  B.kernel_poll(now);
  const ms = performance.now() - t0;
  let got = 0;
  for (const h of s.hot) for (;;) { const r = B.sys_recvfrom(s.pb.pid, h.sfd, 4096, C.MSG_DONTWAIT); if (r <= 0) break; got += r; }
  if (got !== BATCH * SIZE) throw new Error(`scale: received ${got} of ${BATCH * SIZE} bytes`);
  drainTx(eb, () => {}, touched);
  A.netdev_interrupt(ea.ifindex);
  A.kernel_poll(now);
  B.netdev_interrupt(eb.ifindex);
  B.kernel_poll(now);
  return ms;
}

async function run(engine, n, { rounds = 7, windowMs = 200 } = {}, log = () => {}) {
  const small = await build(engine, HOT, log);
  const big = await build(engine, n, log);
  log(`  scale ${engine}: ${n} connections in ${(big.setupMs / 1000).toFixed(1)} s`);
  for (const s of [small, big]) {
    s.k = 0;
    s.a.kernel.u8().fill(0x5a, s.a.kernel.uarea, s.a.kernel.uarea + SIZE);
    for (let i = 0; i < 2000; i++) batch(s); // warm-up (JIT tiers)
  }
  const ns = { small: [], big: [] };
  for (let r = 0; r < rounds; r++) {
    for (const [key, s] of [['small', small], ['big', big]]) {
      let ms = 0;
      let segs = 0;
      const t = performance.now();
      while (performance.now() - t < windowMs) { ms += batch(s); segs += BATCH; }
      ns[key].push((ms / segs) * 1e6);
    }
  }
  return {
    engine, n, setupMs: big.setupMs, connPerSec: n / (big.setupMs / 1000),
    perConnClient: big.perConn[0], perConnServer: big.perConn[1],
    memClient: big.memBytes[0], memServer: big.memBytes[1],
    ehash: big.ehash, skbs: [big.skbs[0] - small.skbs[0], big.skbs[1] - small.skbs[1]],
    smallNs: median(ns.small), bigNs: median(ns.big),
  };
}

function runFresh(engine, n, opts) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--max-old-space-size=8192', fileURLToPath(import.meta.url), '--run', JSON.stringify({ engine, n, opts })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.on('close', (code) => {
      // A child that dies (out of memory, a trap) is a FAIL row, not the end of the bench.
      try { resolve(JSON.parse(out.trim().split('\n').pop())); } catch { resolve({ engine, n, error: `child exited ${code}` }); }
    });
  });
}

/** Rows: both engines at 1,000,000 connections (--quick: 200,000). */
export async function benchScale({ quick = false, log = () => {} } = {}) {
  const opts = quick ? { rounds: 3, windowMs: 100 } : {};
  const rows = [];
  for (const engine of ['wasm', 'js']) {
    const r = await runFresh(engine, quick ? 200000 : 1000000, opts);
    if (r.error) log(`  scale ${engine}: FAIL (${r.error})`);
    else log(`  scale ${engine}: ${r.n} connections, ${Math.round(r.perConnServer)} B each, receive path ${r.smallNs.toFixed(0)} / ${r.bigNs.toFixed(0)} ns`);
    rows.push(r);
  }
  return rows;
}

if (process.argv[2] === '--run') {
  const { engine, n, opts } = JSON.parse(process.argv[3]);
  const r = await run(engine, n, opts, (s) => process.stderr.write(s + '\n'));
  process.stdout.write(JSON.stringify(r) + '\n');
  process.exit(0);
}
