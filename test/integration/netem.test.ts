// Link impairments (each sender's egress netem, Linux net/sched/sch_netem.c) and the NIC
// device model (descriptor rings, NAPI), on the virtual clock. Frame times come from the
// pcap (ns resolution), counts from the hosts' counters and link statistics.
import { describe, expect, it } from 'vitest';
import { constants as C, errnoName, readPcap, type Host, type Network, type LinkOptions } from '../../build/host/index.js';
import { expectNoLeaks, pair } from '../helpers/machine.js';

const MAC_A = '02:00:00:01:00:01';
const mac = (f: Uint8Array, off: number) => Array.from(f.subarray(off, off + 6), (b) => b.toString(16).padStart(2, '0')).join(':');

/** UDP datagrams a → b:7 on the wire: time (ms), the 16-bit index in the first payload bytes, the frame. */
function udpFromA(net: Network): { t: number; idx: number; frame: Uint8Array }[] {
  return readPcap(net.pcap()).records
    .filter((r) => r.frame[12] === 0x08 && r.frame[13] === 0 && r.frame[23] === 17 && mac(r.frame, 6) === MAC_A && r.frame[36] === 0 && r.frame[37] === 7)
    .map((r) => ({ t: r.timeMs, idx: (r.frame[42]! << 8) | r.frame[43]!, frame: r.frame }));
}

const payload = (i: number, size: number) => {
  const d = new Uint8Array(size);
  for (let k = 0; k < size; k++) d[k] = (i * 31 + k) & 255;
  d[0] = i >> 8;
  d[1] = i & 255;
  return d;
};
const intact = (d: Uint8Array) => {
  const i = (d[0]! << 8) | d[1]!;
  const want = payload(i, d.length);
  return d.every((v, k) => v === want[k]);
};

/**
 * b binds port 7 and, every `pollMs`, drains its socket, until `untilMs`. It first sends one
 * datagram to a:9 (bound by the sender) so that a learns b's MAC from b's ARP request
 * (neigh_event_ns) and never has to resolve across an impaired direction.
 */
function receiver(b: Host, untilMs: number, got: { t: number; data: Uint8Array }[], opts: { warm?: boolean; pollMs?: number } = {}) {
  return b.spawn(async (sys) => {
    const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
    expect(await sys.bind(fd, { addr: '0.0.0.0', port: 7 })).toBe(0);
    if (opts.warm) await sys.sendto(fd, 'hi', 0, { addr: '10.0.0.1', port: 9 });
    const buf = new Uint8Array(2000);
    for (;;) {
      for (;;) {
        const n = await sys.recv(fd, buf, C.MSG_DONTWAIT);
        if (n < 0) break;
        got.push({ t: await sys.clock_gettime(), data: buf.slice(0, n) });
      }
      if ((await sys.clock_gettime()) >= untilMs) break;
      await sys.nanosleep(opts.pollMs ?? 5);
    }
    await sys.close(fd);
  });
}

/** a binds port 9, waits `startMs`, then sends n datagrams (index in the first 2 bytes), `perBatch` at a time every `gapMs`. */
function sender(a: Host, n: number, size: number, opts: { startMs?: number; gapMs?: number; perBatch?: number; sent?: number[]; results?: number[]; recverr?: boolean } = {}) {
  return a.spawn(async (sys) => {
    const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
    expect(await sys.bind(fd, { addr: '0.0.0.0', port: 9 })).toBe(0);
    if (opts.recverr) expect(await sys.setsockopt(fd, C.SOL_IP, C.IP_RECVERR, 1)).toBe(0);
    if (opts.startMs) await sys.nanosleep(opts.startMs);
    const per = opts.perBatch ?? n;
    for (let i = 0; i < n; i++) {
      if (i > 0 && i % per === 0 && opts.gapMs) await sys.nanosleep(opts.gapMs);
      opts.sent?.push(await sys.clock_gettime());
      const r = await sys.sendto(fd, payload(i, size), 0, { addr: '10.0.0.2', port: 7 });
      opts.results?.push(r);
      if (!opts.results) expect(r).toBe(size);
    }
    await sys.close(fd);
  });
}

async function runAll(net: Network, ...procs: { exited: Promise<unknown> }[]): Promise<void> {
  await net.run({ untilIdle: true });
  for (const p of procs) expect(await p.exited).toEqual({ code: 0 });
}

const ifA = (a: Host) => a.ends[0]!.ifindex;

describe('delay and jitter', () => {
  it('delayMs is an exact one-way delay', async () => {
    const { net, a, b } = await pair({ delayMs: 7 });
    const got: { t: number; data: Uint8Array }[] = [];
    const r = b.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(fd, { addr: '0.0.0.0', port: 7 });
      const buf = new Uint8Array(64);
      for (let i = 0; i < 2; i++) {
        const n = await sys.recv(fd, buf, 0);
        got.push({ t: await sys.clock_gettime(), data: buf.slice(0, n) });
      }
      await sys.close(fd);
    });
    const s = sender(a, 2, 4, { gapMs: 100, perBatch: 1 });
    await runAll(net, r, s);
    // First: ARP request 7 + reply 7 + datagram 7; second: sent at 100, in at 107.
    expect(got.map((g) => g.t)).toEqual([21, 107]);
    await expectNoLeaks(net);
  });

  it('per-direction options apply to each sender: ab 3 ms, ba 11 ms', async () => {
    const { net, a, b } = await pair({ ab: { delayMs: 3 }, ba: { delayMs: 11 } });
    const times: number[] = [];
    const r = b.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(fd, { addr: '0.0.0.0', port: 7 });
      const res = await sys.recvfrom(fd, new Uint8Array(8), 0);
      if (typeof res === 'number') throw new Error(errnoName(res));
      times.push(await sys.clock_gettime());
      await sys.sendto(fd, 'pong', 0, res.addr);
      await sys.close(fd);
    });
    const s = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.sendto(fd, 'ping', 0, { addr: '10.0.0.2', port: 7 });
      await sys.recv(fd, new Uint8Array(8), 0);
      times.push(await sys.clock_gettime());
      await sys.close(fd);
    });
    await runAll(net, r, s);
    // request 3 → reply 11 → datagram 3 = 17; answer 11 → 28.
    expect(times).toEqual([17, 28]);
    await expectNoLeaks(net);
  });

  it('jitterMs spreads each delay uniformly over [delay - jitter, delay + jitter)', async () => {
    const { net, a, b } = await pair({ delayMs: 10, jitterMs: 4 });
    const got: { t: number; data: Uint8Array }[] = [];
    const sent: number[] = [];
    const r = receiver(b, 2_300, got, { warm: true });
    // One datagram every 20 ms: jitter (< 8 ms of spread) cannot reorder them.
    const s = sender(a, 100, 16, { startMs: 100, gapMs: 20, perBatch: 1, sent });
    await runAll(net, r, s);
    const w = udpFromA(net);
    expect(w).toHaveLength(100);
    const delays = w.map((f) => f.t - sent[f.idx]!);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(6);
    expect(Math.max(...delays)).toBeLessThan(14);
    // Uniform: both halves of the range are used, and the values are not all alike.
    expect(delays.filter((d) => d < 8).length).toBeGreaterThan(10);
    expect(delays.filter((d) => d >= 12).length).toBeGreaterThan(10);
    expect(new Set(delays.map((d) => Math.round(d * 1e6))).size).toBeGreaterThan(90);
    expect(got).toHaveLength(100);
    await expectNoLeaks(net);
  });
});

describe('rate', () => {
  it('rateBps serializes back-to-back frames: 1042-byte frames at 1 Mbit/s leave 8.336 ms apart (skb->len, no FCS)', async () => {
    const { net, a, b } = await pair({ rateBps: 1e6 });
    const got: { t: number; data: Uint8Array }[] = [];
    const r = receiver(b, 200, got, { warm: true });
    const s = sender(a, 5, 1000, { startMs: 50 });
    await runAll(net, r, s);
    const w = udpFromA(net);
    expect(w.map((f) => f.frame.length)).toEqual([1042, 1042, 1042, 1042, 1042]);
    // The first frame also waits its own serialization time after the send at 50 ms.
    expect(Math.round((w[0]!.t - 50) * 1e6)).toBe(8_336_000);
    const gaps = w.slice(1).map((f, i) => Math.round((f.t - w[i]!.t) * 1e6));
    expect(gaps).toEqual([8_336_000, 8_336_000, 8_336_000, 8_336_000]);
    expect(got).toHaveLength(5);
    await expectNoLeaks(net);
  });

  it('serialization time is truncated to whole ns, as packet_time_ns() divides (1042 B at 3 Mbit/s: 2778666 ns)', async () => {
    const { net, a, b } = await pair({ rateBps: 3e6 });
    const got: { t: number; data: Uint8Array }[] = [];
    const r = receiver(b, 200, got, { warm: true });
    const s = sender(a, 4, 1000, { startMs: 50 });
    await runAll(net, r, s);
    const w = udpFromA(net);
    const gaps = w.slice(1).map((f, i) => Math.round((f.t - w[i]!.t) * 1e6));
    // div64_u64(1042 * NSEC_PER_SEC, 375000) = 2778666 (the exact value is 2778666.67).
    expect(gaps).toEqual([2_778_666, 2_778_666, 2_778_666]);
    await expectNoLeaks(net);
  });
});

describe('loss, duplication, reordering, corruption', () => {
  it('lossRate 0.5 over 2000 datagrams drops about half (1000 ± 5 sigma), counted as qdisc drops', async () => {
    const { net, a, b } = await pair({ ab: { lossRate: 0.5 } });
    const got: { t: number; data: Uint8Array }[] = [];
    const r = receiver(b, 300, got, { warm: true });
    const s = sender(a, 2000, 32, { startMs: 10, gapMs: 5, perBatch: 100 });
    await runAll(net, r, s);
    const n = got.length;
    expect(Math.abs(n - 1000)).toBeLessThan(5 * Math.sqrt(2000 * 0.25));
    expect(got.every((g) => intact(g.data))).toBe(true);
    expect(udpFromA(net)).toHaveLength(n);
    // netem reports success for a loss (it happens "on the wire"): the socket counted all.
    expect(a.counters().Udp.OutDatagrams).toBe(2000);
    expect(a.counters().Udp.SndbufErrors).toBe(0);
    const drops = a.linkStats(ifA(a)).qdiscDrops;
    expect(drops).toBeGreaterThanOrEqual(2000 - n);
    expect(drops).toBeLessThanOrEqual(2000 - n + 1); // + a's ARP reply, if it was lost
    expect(a.drops().NETEM_LOSS).toBe(drops);
    await expectNoLeaks(net);
  });

  it('duplicateRate 0.2 delivers about 20% extra copies, identical to their originals', async () => {
    const { net, a, b } = await pair({ ab: { duplicateRate: 0.2 } });
    const got: { t: number; data: Uint8Array }[] = [];
    const r = receiver(b, 200, got, { warm: true });
    const s = sender(a, 1000, 32, { startMs: 10, gapMs: 5, perBatch: 100 });
    await runAll(net, r, s);
    const dups = got.length - 1000;
    expect(Math.abs(dups - 200)).toBeLessThan(5 * Math.sqrt(1000 * 0.2 * 0.8));
    expect(got.every((g) => intact(g.data))).toBe(true);
    expect(new Set(got.map((g) => (g.data[0]! << 8) | g.data[1]!)).size).toBe(1000);
    expect(udpFromA(net)).toHaveLength(got.length);
    expect(b.counters().Udp.InDatagrams).toBe(got.length);
    await expectNoLeaks(net);
  });

  it('reorderRate 0.25 with a 10 ms delay sends about a quarter at once, ahead of earlier datagrams', async () => {
    const { net, a, b } = await pair({ delayMs: 10, ab: { reorderRate: 0.25 } });
    const got: { t: number; data: Uint8Array }[] = [];
    const sent: number[] = [];
    const r = receiver(b, 700, got, { warm: true, pollMs: 1 });
    const s = sender(a, 500, 16, { startMs: 30, gapMs: 1, perBatch: 1, sent });
    await runAll(net, r, s);
    const w = udpFromA(net);
    expect(w).toHaveLength(500);
    const delays = w.map((f) => Math.round((f.t - sent[f.idx]!) * 1e6) / 1e6);
    const early = delays.filter((d) => d === 0).length;
    expect(delays.every((d) => d === 0 || d === 10)).toBe(true);
    expect(Math.abs(early - 125)).toBeLessThan(5 * Math.sqrt(500 * 0.25 * 0.75));
    // Out of order on the wire and at the socket.
    const order = got.map((g) => (g.data[0]! << 8) | g.data[1]!);
    const inversions = order.filter((v, i) => i > 0 && v < order[i - 1]!).length;
    expect(inversions).toBeGreaterThan(50);
    expect(new Set(order).size).toBe(500);
    await expectNoLeaks(net);
  });

  it('corruptRate 0.1 flips one bit in about 10% of frames; checksums catch every one that reaches IP or UDP', async () => {
    const { net, a, b } = await pair({ ab: { corruptRate: 0.1 } });
    const got: { t: number; data: Uint8Array }[] = [];
    const r = receiver(b, 200, got, { warm: true });
    const s = sender(a, 1000, 64, { startMs: 10, gapMs: 5, perBatch: 100 });
    await runAll(net, r, s);
    // Nothing corrupted reaches the application.
    expect(got.every((g) => intact(g.data))).toBe(true);
    const lost = 1000 - new Set(got.map((g) => (g.data[0]! << 8) | g.data[1]!)).size;
    expect(got.length).toBe(1000 - lost);
    // One bit flip in an Ethernet source address, or the group bit of the destination
    // (drop_unicast_in_l2_multicast = 0), is harmless; anywhere else the frame is dropped.
    expect(Math.abs(lost - 100)).toBeLessThan(5 * Math.sqrt(1000 * 0.1 * 0.9));
    const c = b.counters();
    expect(c.IpExt.InCsumErrors).toBeGreaterThan(0);
    expect(c.Udp.InCsumErrors).toBeGreaterThan(0);
    expect(c.Ip.InHdrErrors).toBeGreaterThanOrEqual(c.IpExt.InCsumErrors!);
    // Every lost datagram is accounted for by a drop reason on b (so may a corrupted ARP
    // frame from a be: those are the only other frames a sends).
    const dropped = Object.values(b.drops()).reduce((x, y) => x + y, 0);
    const arpFromA = readPcap(net.pcap()).records.filter((x) => x.frame[12] === 0x08 && x.frame[13] === 0x06 && mac(x.frame, 6) === MAC_A).length;
    expect(dropped).toBeGreaterThanOrEqual(lost);
    expect(dropped).toBeLessThanOrEqual(lost + arpFromA);
    await expectNoLeaks(net);
  });
});

describe('queue limit', () => {
  const link: LinkOptions = { rateBps: 1e6, queuePackets: 10 };

  it('queuePackets tail-drops: the qdisc holds 10 frames, the rest count as qdiscDrops and UDP SndbufErrors (udp_send_skb)', async () => {
    const { net, a, b } = await pair(link);
    const got: { t: number; data: Uint8Array }[] = [];
    const r = receiver(b, 300, got, { warm: true });
    const s = sender(a, 50, 1000, { startMs: 50 });
    await runAll(net, r, s);
    expect(got.map((g) => (g.data[0]! << 8) | g.data[1]!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(a.linkStats(ifA(a)).qdiscDrops).toBe(40);
    expect(a.counters().Udp).toMatchObject({ OutDatagrams: 10, SndbufErrors: 40 });
    await expectNoLeaks(net);
  });

  it('with IP_RECVERR a tail-dropped datagram fails with ENOBUFS', async () => {
    const { net, a, b } = await pair(link);
    const got: { t: number; data: Uint8Array }[] = [];
    const results: number[] = [];
    const r = receiver(b, 300, got, { warm: true });
    const s = sender(a, 12, 1000, { startMs: 50, results, recverr: true });
    await runAll(net, r, s);
    expect(results.map((x) => (x < 0 ? errnoName(x) : x))).toEqual([...Array(10).fill(1000), 'ENOBUFS', 'ENOBUFS']);
    expect(a.counters().Udp).toMatchObject({ OutDatagrams: 10, SndbufErrors: 2 });
    await expectNoLeaks(net);
  });

  it('a tail-dropped datagram counts Ip OutDiscards (ip_send_skb: net_xmit_errno)', async () => {
    const { net, a, b } = await pair(link);
    const got: { t: number; data: Uint8Array }[] = [];
    const r = receiver(b, 300, got, { warm: true });
    const s = sender(a, 50, 1000, { startMs: 50 });
    await runAll(net, r, s);
    expect(a.counters().Ip.OutDiscards).toBe(40);
    await expectNoLeaks(net);
  });
});

describe('NIC rings and NAPI', () => {
  it('a burst larger than the RX ring: the NIC misses the excess, counted in rx_dropped (rx_missed_errors)', async () => {
    const { net, a, b } = await pair();
    b.setRings(b.ends[0]!.ifindex, { rx: 8, tx: 8 });
    const got: { t: number; data: Uint8Array }[] = [];
    const r = receiver(b, 100, got);
    // No delay: the ARP reply releases all 50 queued datagrams into a's TX ring at once.
    const s = sender(a, 50, 100);
    await runAll(net, r, s);
    expect(got).toHaveLength(8);
    expect(b.linkStats(b.ends[0]!.ifindex)).toMatchObject({ rxDropped: 42 });
    b.setRings(b.ends[0]!.ifindex, { rx: 256, tx: 256 }); // the leak check counts 256 posted RX buffers
    await expectNoLeaks(net);
  });

  it('no impairments: frames a full TX ring cannot take wait in the qdisc and leave in order, none dropped', async () => {
    const { net, a, b } = await pair();
    a.setRings(a.ends[0]!.ifindex, { rx: 256, tx: 8 });
    const got: { t: number; data: Uint8Array }[] = [];
    const r = receiver(b, 100, got);
    // The ARP reply releases all 50 queued datagrams at once: 8 fill the TX ring (the
    // empty qdisc is bypassed), the rest queue behind the stopped queue.
    const s = sender(a, 50, 100);
    await runAll(net, r, s);
    expect(got.map((g) => (g.data[0]! << 8) | g.data[1]!)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(got.every((g) => intact(g.data))).toBe(true);
    expect(a.linkStats(ifA(a))).toMatchObject({ qdiscDrops: 0, txDropped: 0 });
    a.setRings(a.ends[0]!.ifindex, { rx: 256, tx: 256 });
    await expectNoLeaks(net);
  });

  it('NAPI: 1000 frames at once are processed in polls of 64 within a 300-frame softirq budget (time_squeeze 3)', async () => {
    const { net, a, b } = await pair();
    a.setRings(a.ends[0]!.ifindex, { rx: 1024, tx: 1024 });
    b.setRings(b.ends[0]!.ifindex, { rx: 1024, tx: 1024 });
    a.sysctl('net.core.wmem_default', 4_000_000);
    b.sysctl('net.core.rmem_default', 4_000_000);
    const got: { t: number; data: Uint8Array }[] = [];
    const r = receiver(b, 100, got, { warm: true });
    const s = sender(a, 1000, 16, { startMs: 50 });
    await runAll(net, r, s);
    expect(got).toHaveLength(1000);
    expect(b.linkStats(b.ends[0]!.ifindex).rxDropped).toBe(0);
    // net_rx_action: 5 polls of 64 exhaust the budget of 300 three times (320 + 320 + 320 + 40);
    // softnet_stat's time_squeeze is kernel-internal (no public API), read through the ABI.
    expect((b.kernel.x as unknown as { stat_softnet(w: number): number }).stat_softnet(0)).toBe(3);
    for (const h of [a, b]) h.setRings(h.ends[0]!.ifindex, { rx: 256, tx: 256 }); // the leak check's baseline
    await expectNoLeaks(net);
  });
});
