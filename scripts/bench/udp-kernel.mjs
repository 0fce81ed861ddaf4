// Kernel time per UDP datagram (scripts/bench/udp.mjs): browser-safe, so that the same
// procedure runs in a fresh Node process per engine and in a Chromium page
// (scripts/bench/udp-browser.mjs). Nothing here may import a Node module.
import { Network, constants as C } from '../../build/host/index.js';
import { drainTx } from '../../build/host/link.js';

const PORT = 9000;

/**
 * Kernel time per datagram, measured without the scheduler: the same two hosts and
 * link, but the bench calls the kernel exports itself, in batches of BATCH datagrams —
 * the sender's sys_sendto × BATCH, then (untimed: the wire, host code) the frames move
 * from its TX ring to the receiver's RX ring, then the receiver's interrupt and
 * kernel_poll (NAPI: Ethernet, IP, UDP, the socket queue), its sys_recvfrom × BATCH, and
 * the sender's interrupt and kernel_poll (TX completion frees the skbs). One pair of
 * performance.now() per batch half, so the timer's cost is spread over BATCH datagrams
 * (wrapping every export in a timer, as an earlier version did, charged ~40 ns per call
 * to the kernel and skewed the engines' ratio). Returns ns per datagram, sender side and
 * receiver side, median of `rounds` windows of `windowMs`. Run in a fresh process
 * (kernelTimeFresh).
 */
export async function kernelTime(engine, size, { rounds = 7, windowMs = 250 } = {}) {
  const BATCH = 32;
  const net = await Network.create({ clock: 'virtual', engine, capture: false });
  const a = net.addHost({ name: 'tx', ip: '10.0.0.1' });
  const b = net.addHost({ name: 'rx', ip: '10.0.0.2' });
  net.link(a, b, { delayMs: 0 });
  let release;
  const gate = new Promise((r) => { release = r; });
  let fa = -1;
  let fb = -1;
  // Two processes that open the sockets (and resolve ARP), then wait while the bench
  // drives their fds directly.
  const pa = a.spawn(async (sys) => {
    fa = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
    await sys.sendto(fa, new Uint8Array(2), 0, { addr: '10.0.0.2', port: 9 });
    await gate;
    await sys.close(fa);
  });
  const pb = b.spawn(async (sys) => {
    fb = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
    await sys.bind(fb, { addr: '0.0.0.0', port: PORT });
    await gate;
    await sys.close(fb);
  });
  await net.run({ untilMs: 50 });
  const A = a.kernel.x;
  const B = b.kernel.x;
  const ea = a.ends[0];
  const eb = b.ends[0];
  const dst = (10 << 24) | 2;
  a.kernel.u8().fill(0x5a, a.kernel.uarea, a.kernel.uarea + size);
  const touched = new Set();
  let txMs = 0;
  let rxMs = 0;
  let n = 0;
  const round = (timed) => {
    let t0 = performance.now();
    for (let i = 0; i < BATCH; i++) {
      const r = A.sys_sendto(pa.pid, fa, size, 0, 1, C.AF_INET, dst, PORT);
      if (r !== size) throw new Error(`kernel bench: sendto ${r}`);
    }
    let t1 = performance.now();
    if (timed) txMs += t1 - t0;
    drainTx(ea, () => {}, touched);
    touched.clear();
    const now = net.now();
    t0 = performance.now();
    B.netdev_interrupt(eb.ifindex);
    B.kernel_poll(now);
    for (let i = 0; i < BATCH; i++) {
      const r = B.sys_recvfrom(pb.pid, fb, 2048, C.MSG_DONTWAIT);
      if (r !== size) throw new Error(`kernel bench: recv ${r}`);
    }
    A.netdev_interrupt(ea.ifindex);
    A.kernel_poll(now);
    t1 = performance.now();
    if (timed) { rxMs += t1 - t0; n += BATCH; }
  };
  for (let i = 0; i < 2000; i++) round(false); // warm-up (JIT tiers)
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    txMs = 0; rxMs = 0; n = 0;
    const t = performance.now();
    while (performance.now() - t < windowMs) round(true);
    samples.push({ total: ((txMs + rxMs) / n) * 1e6, tx: (txMs / n) * 1e6, rx: (rxMs / n) * 1e6 });
  }
  release();
  await net.run({ untilIdle: true });
  samples.sort((p, q) => p.total - q.total);
  return samples[samples.length >> 1];
}
