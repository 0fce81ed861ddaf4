// ICMP error rate limiting (Linux net/ipv4/icmp.c, inetpeer.c): the host-wide bucket
// (icmp_msgs_per_sec, icmp_msgs_burst), the per-destination bucket (icmp_ratelimit,
// a burst of XRLIM_BURST_FACTOR = 6), icmp_ratemask, and the loopback exemption. All on
// the virtual clock: 10.0.0.1 sends UDP to a closed port on 10.0.0.2, whose port
// unreachables are counted on both sides.
import { describe, expect, it } from 'vitest';
import { constants as C, type Host } from '../../build/host/index.js';
import { boot, expectNoLeaks, pair } from '../helpers/machine.js';

/** A burst of `count` datagrams, `gapMs` apart (0: all at once), after `pauseMs` of quiet. */
interface Phase { count: number; gapMs?: number; pauseMs?: number }

/** On `a`: UDP datagrams to 10.0.0.2:9 (nothing listens there), phase by phase. */
function sendUdpPhases(a: Host, phases: Phase[]) {
  return a.spawn(async (sys) => {
    const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
    for (const p of phases) {
      if (p.pauseMs) await sys.nanosleep(p.pauseMs);
      for (let i = 0; i < p.count; i++) {
        if (i > 0 && p.gapMs) await sys.nanosleep(p.gapMs);
        expect(await sys.sendto(fd, 'x', 0, { addr: '10.0.0.2', port: 9 })).toBe(1);
      }
    }
    await sys.nanosleep(100); // the last datagrams and their errors land
    await sys.close(fd);
  });
}

/** Port unreachables 10.0.0.2 sent and held back, and 10.0.0.1 received. */
function unreach(a: Host, b: Host) {
  const ib = b.counters().Icmp;
  return { sent: ib.OutDestUnreachs, host: ib.OutRateLimitHost, global: ib.OutRateLimitGlobal, received: a.counters().Icmp.InDestUnreachs };
}

describe('ICMP rate limiting across a link', () => {
  it('sysctl defaults are Linux 6.x’s: icmp_ratelimit 1000, icmp_ratemask 6168, icmp_msgs_per_sec 1000, icmp_msgs_burst 50', async () => {
    const { net, a } = await pair();
    expect(a.sysctl('net.ipv4.icmp_ratelimit')).toBe(1000);
    expect(a.sysctl('net.ipv4.icmp_ratemask')).toBe(0x1818);
    expect(a.sysctl('net.ipv4.icmp_msgs_per_sec')).toBe(1000);
    expect(a.sysctl('net.ipv4.icmp_msgs_burst')).toBe(50);
    // Ranges as sysctl_net_ipv4.c's: ms from 0; the mask any int; the bucket from 0.
    expect(() => a.sysctl('net.ipv4.icmp_ratelimit', -1)).toThrow();
    expect(() => a.sysctl('net.ipv4.icmp_msgs_per_sec', -1)).toThrow();
    expect(() => a.sysctl('net.ipv4.icmp_msgs_burst', -1)).toThrow();
    expect(a.sysctl('net.ipv4.icmp_ratemask', -1)).toBe(-1);
    await expectNoLeaks(net);
  });

  it('100 UDP datagrams to a closed port in one burst: the peer limiter lets 6 through (6 × icmp_ratelimit of credit), OutRateLimitHost counts the other 94', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    const p = sendUdpPhases(a, [{ count: 100 }]);
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    expect(b.counters().Udp.NoPorts).toBe(100);
    expect(unreach(a, b)).toEqual({ sent: 6, host: 94, global: 0, received: 6 });
    await expectNoLeaks(net);
  });

  it('after the burst, one error per icmp_ratelimit: 31 datagrams 100 ms apart (3 s) draw 3 errors, one in ten', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    const p = sendUdpPhases(a, [{ count: 100 }, { count: 31, gapMs: 100, pauseMs: 100 }]);
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    // The bucket is empty after the burst (which landed at 3 ms, after ARP's round trip);
    // each later datagram brings 100 ms of credit and an error costs 1000: the 11th, 21st
    // and 31st are answered.
    expect(unreach(a, b)).toEqual({ sent: 6 + 3, host: 94 + 28, global: 0, received: 9 });
    await expectNoLeaks(net);
  });

  it('after a quiet second the bucket holds one error; after six quiet seconds a full burst of 6 again', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    // 1010 ms: a little over a second after the first burst, which ARP delayed by 2 ms.
    const p = sendUdpPhases(a, [{ count: 100 }, { count: 100, pauseMs: 1010 }, { count: 100, pauseMs: 6000 }]);
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    expect(unreach(a, b)).toEqual({ sent: 6 + 1 + 6, host: 94 + 99 + 94, global: 0, received: 13 });
    await expectNoLeaks(net);
  });

  it('icmp_ratelimit 0 disables the per-peer limit; the global bucket (icmp_msgs_burst 50, 0-2 credits a message) still applies and OutRateLimitGlobal counts the rest', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    b.sysctl('net.ipv4.icmp_ratelimit', 0);
    const p = sendUdpPhases(a, [{ count: 100 }]);
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    const r = unreach(a, b);
    expect(r.host).toBe(0);
    expect(r.sent + r.global).toBe(100);
    // 50 credits at a mean cost of 1 (0, 1 or 2 drawn from the seeded PRNG): about 50.
    expect(r.sent).toBeGreaterThan(30);
    expect(r.sent).toBeLessThan(80);
    expect(r.received).toBe(r.sent);
    await expectNoLeaks(net);
  });

  it('the global bucket refills at icmp_msgs_per_sec: at 10 a second with a burst of 1, datagrams 100 ms apart are answered about one in each gap', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    b.sysctl('net.ipv4.icmp_ratelimit', 0);
    b.sysctl('net.ipv4.icmp_msgs_burst', 1);
    b.sysctl('net.ipv4.icmp_msgs_per_sec', 10);
    const p = sendUdpPhases(a, [{ count: 20 }, { count: 20, gapMs: 100, pauseMs: 100 }]);
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    const r = unreach(a, b);
    expect(r.host).toBe(0);
    expect(r.sent + r.global).toBe(40);
    // Each 100 ms earns one credit (10/s) and the burst caps the bucket at 1, so every
    // message spends at most what one gap earned: about one in each gap, never the burst.
    expect(r.sent).toBeGreaterThanOrEqual(20);
    expect(r.sent).toBeLessThan(30);
    await expectNoLeaks(net);
  });

  it('icmp_msgs_per_sec 0 shuts the global bucket across a link: no port unreachable at all, OutRateLimitGlobal counts each', async () => {
    // icmp_global_allow: no credit, and a refill of 0 × delta adds none.
    const { net, a, b } = await pair({ delayMs: 1 });
    b.sysctl('net.ipv4.icmp_msgs_per_sec', 0);
    const p = sendUdpPhases(a, [{ count: 10 }]);
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    expect(unreach(a, b)).toEqual({ sent: 0, host: 0, global: 10, received: 0 });
    await expectNoLeaks(net);
  });

  it('icmp_ratemask 0 turns limiting off: 100 datagrams, 100 port unreachables', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    b.sysctl('net.ipv4.icmp_ratemask', 0);
    const p = sendUdpPhases(a, [{ count: 100 }]);
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    expect(unreach(a, b)).toEqual({ sent: 100, host: 0, global: 0, received: 100 });
    await expectNoLeaks(net);
  });

  it('echo replies are never limited by default (type 0 is outside icmp_ratemask); with bit 0 in the mask they are, like errors', async () => {
    for (const [mask, replies] of [[0x1818, 100], [0x1819, 6]] as const) {
      const { net, a, b } = await pair({ delayMs: 1 });
      b.sysctl('net.ipv4.icmp_ratemask', mask);
      const p = a.spawn(async (sys) => {
        const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, C.IPPROTO_ICMP);
        const req = new Uint8Array(8);
        req[0] = 8; // echo request
        for (let i = 0; i < 100; i++) {
          req[7] = i;
          expect(await sys.sendto(fd, req, 0, { addr: '10.0.0.2', port: 0 })).toBe(8);
        }
        await sys.nanosleep(100);
        await sys.close(fd);
      });
      await net.run({ untilIdle: true });
      expect(await p.exited).toEqual({ code: 0 });
      expect(b.counters().Icmp).toMatchObject({ InEchos: 100, OutEchoReps: replies, OutRateLimitHost: 100 - replies, OutRateLimitGlobal: 0 });
      await expectNoLeaks(net);
    }
  });

  it('fragmentation needed is exempt (PMTU discovery is never limited, icmpv4_mask_allow)', async () => {
    // a (10.0.0.1) — r (10.0.0.254, a router) — c (10.0.1.2) over a 1000-byte MTU: every
    // DF datagram too big for the second link is answered, however many.
    const net = await boot();
    const a = net.addHost({ name: 'a', ip: '10.0.0.1' });
    const r = net.addHost({ name: 'r', ip: '10.0.0.254' });
    const c = net.addHost({ name: 'c', ip: '10.0.1.2' });
    net.link(a, r, { delayMs: 1 });
    net.link(r, c, { delayMs: 1, mtu: 1000 });
    r.sysctl('net.ipv4.ip_forward', 1);
    a.addRoute('10.0.1.2', 32, a.ends[0]!.ifindex, '10.0.0.254');
    c.addRoute('10.0.0.1', 32, c.ends[0]!.ifindex, '10.0.0.254');
    const p = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      // IP_PMTUDISC_PROBE: DF on every datagram whatever the learned path MTU.
      expect(await sys.setsockopt(fd, C.SOL_IP, C.IP_MTU_DISCOVER, C.IP_PMTUDISC_PROBE)).toBe(0);
      for (let i = 0; i < 20; i++) expect(await sys.sendto(fd, new Uint8Array(1200), 0, { addr: '10.0.1.2', port: 9 })).toBe(1200);
      await sys.nanosleep(100);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    expect(r.counters().Ip.FragFails).toBe(20);
    expect(r.counters().Icmp).toMatchObject({ OutDestUnreachs: 20, OutRateLimitHost: 0, OutRateLimitGlobal: 0 });
    await expectNoLeaks(net);
  });

  it('loopback is exempt: 100 sends on a connected UDP socket to a closed port on 127.0.0.1 each get ECONNREFUSED on the next recv', async () => {
    const { net, a } = await pair();
    const p = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      expect(await sys.connect(fd, { addr: '127.0.0.1', port: 9 })).toBe(0);
      const buf = new Uint8Array(16);
      let refused = 0;
      for (let i = 0; i < 100; i++) {
        expect(await sys.send(fd, 'x', 0)).toBe(1);
        if ((await sys.recv(fd, buf, C.MSG_DONTWAIT)) === -C.ECONNREFUSED) refused++;
      }
      await sys.close(fd);
      return refused;
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 100 });
    expect(a.counters().Icmp).toMatchObject({ OutDestUnreachs: 100, OutRateLimitHost: 0, OutRateLimitGlobal: 0 });
    await expectNoLeaks(net);
  });
});
