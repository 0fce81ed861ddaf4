// ARP and the neighbour state machine (Linux: net/ipv4/arp.c, net/core/neighbour.c), seen
// from syscalls, the wire (pcap) and `ip neigh` (host.neighbours()) on the virtual clock.
import { describe, expect, it } from 'vitest';
import { constants as C, errnoName, readPcap, type Host, type Network } from '../../build/host/index.js';
import { expectNoLeaks, pair } from '../helpers/machine.js';

const MAC_A = '02:00:00:01:00:01';
const MAC_B = '02:00:00:02:00:01';
const BCAST = 'ff:ff:ff:ff:ff:ff';

const mac = (f: Uint8Array, off: number) => Array.from(f.subarray(off, off + 6), (b) => b.toString(16).padStart(2, '0')).join(':');

interface WireFrame { t: number; dst: string; src: string; type: number; arpOp?: number; arpTpa?: string }

function wire(net: Network): WireFrame[] {
  return readPcap(net.pcap()).records.map(({ timeMs, frame }) => {
    const type = (frame[12]! << 8) | frame[13]!;
    const w: WireFrame = { t: Math.round(timeMs * 1000) / 1000, dst: mac(frame, 0), src: mac(frame, 6), type };
    if (type === 0x0806) {
      w.arpOp = (frame[20]! << 8) | frame[21]!;
      w.arpTpa = Array.from(frame.subarray(38, 42)).join('.');
    }
    return w;
  });
}

/**
 * When a timer armed at `now` for `delay` ms fires: Linux's timer wheel (kernel/time/timer.c
 * calc_wheel_index/calc_index, HZ=1000) files it in the level whose range covers the delay
 * and rounds the expiry up to that level's granularity (8^level jiffies), plus one bucket.
 */
export function wheel(now: number, delay: number): number {
  let lvl = 0;
  while (lvl < 8 && delay >= 63 * 8 ** lvl) lvl++;
  const shift = 3 * lvl;
  const expires = now + delay;
  return (Math.floor(expires / 2 ** shift) + 1) * 2 ** shift;
}

function state(h: Host, ip: string): string | undefined {
  return h.neighbours().find((n) => n.ip === ip)?.state;
}

/** One request/response: a sends 'hello' to b:53, b answers 'pong'; both close. */
async function exchange(net: Network, a: Host, b: Host): Promise<void> {
  const server = b.spawn(async (sys) => {
    const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
    await sys.bind(fd, { addr: '0.0.0.0', port: 53 });
    const r = await sys.recvfrom(fd, new Uint8Array(64), 0);
    if (typeof r === 'number') throw new Error(errnoName(r));
    await sys.sendto(fd, 'pong', 0, r.addr);
    await sys.close(fd);
  });
  const client = a.spawn(async (sys) => {
    const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
    await sys.sendto(fd, 'hello', 0, { addr: '10.0.0.2', port: 53 });
    const r = await sys.recv(fd, new Uint8Array(64), 0);
    if (r < 0) throw new Error(errnoName(r));
    await sys.close(fd);
  });
  await net.run({ untilIdle: true });
  expect(await server.exited).toEqual({ code: 0 });
  expect(await client.exited).toEqual({ code: 0 });
}

/** a sends one datagram to b:9 (discard) and exits. */
async function sendOne(net: Network, a: Host): Promise<void> {
  const p = a.spawn(async (sys) => {
    const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
    expect(await sys.sendto(fd, 'again', 0, { addr: '10.0.0.2', port: 9 })).toBe(5);
    await sys.close(fd);
  });
  await net.run({ untilMs: net.now() + 1 });
  expect(await p.exited).toEqual({ code: 0 });
}

describe('ARP resolution', () => {
  it('the first datagram triggers a broadcast request; the unicast reply releases the queued datagram', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    await exchange(net, a, b);
    const f = wire(net);
    expect(f[0]).toEqual({ t: 5, dst: BCAST, src: MAC_A, type: 0x0806, arpOp: 1, arpTpa: '10.0.0.2' });
    expect(f[1]).toEqual({ t: 10, dst: MAC_A, src: MAC_B, type: 0x0806, arpOp: 2, arpTpa: '10.0.0.1' });
    // The queued datagram leaves the moment the reply arrives (10 ms) and lands at 15 ms.
    expect(f[2]).toMatchObject({ t: 15, dst: MAC_B, src: MAC_A, type: 0x0800 });
    // b learnt a from the request itself (neigh_event_ns): its answer needs no ARP.
    expect(f[3]).toMatchObject({ t: 20, dst: MAC_A, src: MAC_B, type: 0x0800 });
    expect(f).toHaveLength(4);
    expect(a.neighbours()).toEqual([{ ip: '10.0.0.2', mac: MAC_B, state: 'REACHABLE', ifindex: a.ends[0]!.ifindex }]);
    await expectNoLeaks(net);
  });

  it('a request for our address creates a STALE entry for the asker (neigh_event_ns), not REACHABLE', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    await sendOne(net, a); // a's request reaches b at 5 ms
    await net.run({ untilMs: 6 });
    expect(b.neighbours()).toEqual([{ ip: '10.0.0.1', mac: MAC_A, state: 'STALE', ifindex: b.ends[0]!.ifindex }]);
    await expectNoLeaks(net);
  });
});

describe('neighbour states: REACHABLE, STALE, DELAY, PROBE', () => {
  it('a confirmed entry stays REACHABLE for reachable_time, uniform in [15 s, 45 s), then goes STALE', async () => {
    const seen = new Set<number>();
    for (const seed of [1, 2, 3]) {
      const { net, a, b } = await pair({ delayMs: 5 }, { seed });
      await exchange(net, a, b); // a's entry confirmed by the reply at 10 ms
      let staleAt = -1;
      // The REACHABLE timer (level 3 or 4 of the wheel) may fire up to 1/8 late.
      for (let t = 10; t <= 51_000; t += 100) {
        await net.run({ untilMs: t });
        const s = state(a, '10.0.0.2');
        if (s === 'STALE') { staleAt = t; break; }
        expect(s).toBe('REACHABLE');
      }
      // REACHABLE → STALE at confirmed + reachable_time (neigh_timer_handler), seen within 100 ms.
      expect(staleAt - 10).toBeGreaterThanOrEqual(15_000);
      expect(staleAt - 10).toBeLessThanOrEqual(wheel(0, 45_000) + 100);
      seen.add(staleAt);
      await expectNoLeaks(net);
    }
    // neigh_rand_reach_time(): the time is random, so seeds differ.
    expect(seen.size).toBeGreaterThan(1);
  });

  it('a STALE entry used by b goes DELAY, then PROBE after delay_first_probe_time (5 s) with a unicast probe, then REACHABLE on the reply', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    await exchange(net, a, b);
    // b's entry was STALE (learnt from a's request); b's answer at 15 ms made it DELAY.
    expect(state(b, '10.0.0.1')).toBe('DELAY');
    const probeAt = wheel(15, 5_000); // DELAY armed at 15 ms: 5.12 s on the wheel
    expect(probeAt).toBe(5_120);
    await net.run({ untilMs: probeAt - 1 });
    expect(state(b, '10.0.0.1')).toBe('DELAY');
    await net.run({ untilMs: probeAt });
    expect(state(b, '10.0.0.1')).toBe('PROBE');
    await net.run({ untilMs: probeAt + 10 });
    expect(state(b, '10.0.0.1')).toBe('REACHABLE');
    const probes = wire(net).filter((w) => w.t > 1000);
    expect(probes).toEqual([
      // The probe is unicast to the MAC b already has.
      { t: probeAt + 5, dst: MAC_A, src: MAC_B, type: 0x0806, arpOp: 1, arpTpa: '10.0.0.1' },
      { t: probeAt + 10, dst: MAC_B, src: MAC_A, type: 0x0806, arpOp: 2, arpTpa: '10.0.0.2' },
    ]);
    await expectNoLeaks(net);
  });

  it('using a STALE entry sends at once (no broadcast); the unicast probe 5 s later is answered and the entry is REACHABLE again', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    await exchange(net, a, b);
    await net.run({ untilMs: 46_000 }); // reachable_time < 45 s: STALE now
    expect(state(a, '10.0.0.2')).toBe('STALE');
    const before = wire(net).length;
    const t0 = net.now();
    await sendOne(net, a);
    expect(state(a, '10.0.0.2')).toBe('DELAY');
    const probeAt = wheel(t0, 5_000);
    await net.run({ untilMs: probeAt - 1 });
    expect(state(a, '10.0.0.2')).toBe('DELAY');
    await net.run({ untilMs: probeAt + 10 });
    expect(state(a, '10.0.0.2')).toBe('REACHABLE'); // probe answered
    const f = wire(net).slice(before);
    expect(f[0]).toMatchObject({ t: t0 + 5, dst: MAC_B, src: MAC_A, type: 0x0800 }); // the datagram, without waiting
    // a's probe and b's answer (b's own probe of a, after its port unreachable, is b's business).
    const arp = f.filter((w) => (w.arpOp === 1 && w.src === MAC_A) || (w.arpOp === 2 && w.dst === MAC_A));
    expect(arp).toEqual([
      { t: probeAt + 5, dst: MAC_B, src: MAC_A, type: 0x0806, arpOp: 1, arpTpa: '10.0.0.2' },
      { t: probeAt + 10, dst: MAC_A, src: MAC_B, type: 0x0806, arpOp: 2, arpTpa: '10.0.0.1' },
    ]);
    expect(f.some((w) => w.dst === BCAST)).toBe(false);
    await expectNoLeaks(net);
  });
});

describe('resolution failure', () => {
  // b hears a's requests, but everything b sends is lost: a never learns b's MAC.
  const deaf = { delayMs: 1, ba: { lossRate: 1 } };

  it('3 broadcast requests retrans_time (1 s) apart (mcast_solicit), then FAILED; the queued datagram is dropped', async () => {
    const { net, a } = await pair(deaf);
    await sendOne(net, a);
    expect(state(a, '10.0.0.2')).toBe('INCOMPLETE');
    // retrans_time 1 s on the wheel: probes at 0, 1.024 s, 2.048 s; FAILED at 3.072 s.
    const p2 = wheel(0, 1_000);
    const p3 = wheel(p2, 1_000);
    const failAt = wheel(p3, 1_000);
    expect([p2, p3, failAt]).toEqual([1_024, 2_048, 3_072]);
    await net.run({ untilMs: failAt - 1 });
    expect(state(a, '10.0.0.2')).toBe('INCOMPLETE');
    await net.run({ untilMs: failAt });
    expect(state(a, '10.0.0.2')).toBe('FAILED');
    const f = wire(net);
    expect(f.map((w) => [w.t, w.dst, w.arpOp])).toEqual([
      [1, BCAST, 1],
      [p2 + 1, BCAST, 1],
      [p3 + 1, BCAST, 1],
    ]);
    expect(a.drops().NEIGH_FAILED).toBe(1);
    expect(a.counters().Udp.OutDatagrams).toBe(1); // queued counts as sent, as in Linux
    await expectNoLeaks(net);
  });

  it('with IP_RECVERR the sender gets EHOSTUNREACH when resolution fails (arp_error_report → ipv4_link_failure)', async () => {
    const { net, a } = await pair(deaf);
    const p = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      expect(await sys.setsockopt(fd, C.SOL_IP, C.IP_RECVERR, 1)).toBe(0);
      expect(await sys.sendto(fd, 'x', 0, { addr: '10.0.0.2', port: 9 })).toBe(1);
      const r = await sys.recv(fd, new Uint8Array(8), 0);
      expect(errnoName(r)).toBe('EHOSTUNREACH');
      expect(await sys.clock_gettime()).toBe(3_072); // the third retrans_time expiry, on the wheel
      // sk_err is reported once.
      expect(errnoName(await sys.recv(fd, new Uint8Array(8), C.MSG_DONTWAIT))).toBe('EAGAIN');
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    // The ICMP host unreachable went from a to itself.
    expect(a.counters().Icmp).toMatchObject({ OutDestUnreachs: 1, InDestUnreachs: 1 });
    await expectNoLeaks(net);
  });

  for (const connected of [false, true]) {
    it(`without IP_RECVERR a${connected ? ' connected' : 'n unconnected'} socket hears nothing (host unreachable is not fatal in icmp_err_convert)`, async () => {
      const { net, a } = await pair(deaf);
      const p = a.spawn(async (sys) => {
        const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
        if (connected) {
          expect(await sys.connect(fd, { addr: '10.0.0.2', port: 9 })).toBe(0);
          expect(await sys.send(fd, 'x')).toBe(1);
        } else {
          expect(await sys.sendto(fd, 'x', 0, { addr: '10.0.0.2', port: 9 })).toBe(1);
        }
        await sys.nanosleep(4_000);
        expect(errnoName(await sys.recv(fd, new Uint8Array(8), C.MSG_DONTWAIT))).toBe('EAGAIN');
        expect(await sys.getsockopt(fd, C.SOL_SOCKET, C.SO_ERROR)).toBe(0);
        await sys.close(fd);
      });
      await net.run({ untilIdle: true });
      expect(await p.exited).toEqual({ code: 0 });
      // The error was generated and delivered to the socket layer, which ignored it.
      expect(a.counters().Icmp).toMatchObject({ OutDestUnreachs: 1, InDestUnreachs: 1 });
      await expectNoLeaks(net);
    });
  }

  it('every queued datagram is reported: 3 datagrams → 3 ICMP host unreachable to ourselves', async () => {
    const { net, a } = await pair(deaf);
    const p = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      for (let i = 0; i < 3; i++) expect(await sys.sendto(fd, 'x', 0, { addr: '10.0.0.2', port: 9 })).toBe(1);
      await sys.close(fd);
    });
    await net.run({ untilMs: 5_000 });
    expect(await p.exited).toEqual({ code: 0 });
    expect(a.drops().NEIGH_FAILED).toBe(3);
    expect(a.counters().Icmp).toMatchObject({ OutDestUnreachs: 3, InDestUnreachs: 3 });
    await expectNoLeaks(net);
  });
});

describe('the unresolved queue', () => {
  it('unres_qlen_bytes bounds the queue by truesize, dropping the oldest first (__neigh_event_send)', async () => {
    // 1 ms each way: the reply comes back at 2 ms, after all 20 datagrams were queued.
    const { net, a, b } = await pair({ delayMs: 1 });
    a.sysctl('net.ipv4.neigh.default.unres_qlen_bytes', 10_000);
    const got: number[] = [];
    const server = b.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(fd, { addr: '0.0.0.0', port: 7 });
      await sys.nanosleep(100);
      const buf = new Uint8Array(2000);
      for (;;) {
        const n = await sys.recv(fd, buf, C.MSG_DONTWAIT);
        if (n < 0) break;
        expect(n).toBe(1000);
        got.push(buf[0]!);
      }
      await sys.close(fd);
    });
    const client = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      for (let i = 0; i < 20; i++) {
        const d = new Uint8Array(1000).fill(i);
        expect(await sys.sendto(fd, d, 0, { addr: '10.0.0.2', port: 7 })).toBe(1000);
      }
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    // Linux charges each skb's truesize (2304 bytes for a 1000-byte UDP payload, see
    // udp_truesize) against unres_qlen_bytes: 4 fit in 10000, the newest 4 survive.
    expect(got).toEqual([16, 17, 18, 19]);
    expect(a.drops().NEIGH_QUEUEFULL).toBe(16);
    await expectNoLeaks(net);
  });
});
