// IPv4 across links: fragmentation and reassembly, header validation, forwarding, ICMP
// errors (Linux: net/ipv4/ip_output.c, ip_fragment.c, inet_fragment.c, ip_input.c,
// ip_forward.c, icmp.c), checked through syscalls, counters and the pcap.
import { describe, expect, it } from 'vitest';
import { constants as C, errnoName, readPcap, type Host, type Network } from '../../build/host/index.js';
import { boot, expectNoLeaks, pair } from '../helpers/machine.js';
import { inetChecksum, pseudoHeaderSum } from '../helpers/frames.js';

const MAC_A = [2, 0, 0, 1, 0, 1];
const MAC_B = [2, 0, 0, 2, 0, 1];
const ip4 = (s: string) => s.split('.').map(Number);

/** Timer expiry on Linux's wheel (see arp.test.ts): the level's granularity, rounded up. */
function wheel(now: number, delay: number): number {
  let lvl = 0;
  while (lvl < 8 && delay >= 63 * 8 ** lvl) lvl++;
  const g = 2 ** (3 * lvl);
  return (Math.floor((now + delay) / g) + 1) * g;
}

interface IpOpts { src?: string; dst?: string; proto?: number; id?: number; mf?: boolean; df?: boolean; offset?: number; ttl?: number; totLen?: number; badCsum?: boolean }

/** An Ethernet frame a → b carrying an IPv4 header (checksummed) and `payload`. */
function ipFrame(payload: Uint8Array, o: IpOpts = {}): Uint8Array {
  const f = new Uint8Array(14 + 20 + payload.length);
  f.set(MAC_B, 0);
  f.set(MAC_A, 6);
  f[12] = 0x08;
  const h = f.subarray(14, 34);
  h[0] = 0x45;
  const tot = o.totLen ?? 20 + payload.length;
  h[2] = tot >> 8; h[3] = tot & 255;
  const id = o.id ?? 0x1234;
  h[4] = id >> 8; h[5] = id & 255;
  const fo = ((o.offset ?? 0) >> 3) | (o.mf ? 0x2000 : 0) | (o.df ? 0x4000 : 0);
  h[6] = fo >> 8; h[7] = fo & 255;
  h[8] = o.ttl ?? 64;
  h[9] = o.proto ?? 17;
  h.set(ip4(o.src ?? '10.0.0.1'), 12);
  h.set(ip4(o.dst ?? '10.0.0.2'), 16);
  const c = inetChecksum(h) ^ (o.badCsum ? 0x0101 : 0);
  h[10] = c >> 8; h[11] = c & 255;
  f.set(payload, 34);
  return f;
}

/** A UDP datagram (header + data) from 10.0.0.1:sport to 10.0.0.2:dport, checksummed. */
function udpDatagram(data: Uint8Array, sport = 4000, dport = 7): Uint8Array {
  const u = new Uint8Array(8 + data.length);
  u[0] = sport >> 8; u[1] = sport & 255; u[2] = dport >> 8; u[3] = dport & 255;
  u[4] = u.length >> 8; u[5] = u.length & 255;
  u.set(data, 8);
  const pseudo = new Uint8Array(20);
  pseudo.set(ip4('10.0.0.1'), 12);
  pseudo.set(ip4('10.0.0.2'), 16);
  let c = inetChecksum(u, pseudoHeaderSum(pseudo, 0, 17, u.length));
  if (c === 0) c = 0xffff;
  u[6] = c >> 8; u[7] = c & 255;
  return u;
}

const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + (i >> 8)) & 255);

interface IpOnWire { t: number; id: number; df: boolean; mf: boolean; offset: number; totLen: number; ttl: number; proto: number; src: string; dst: string }
function ipFrames(net: Network | Host): IpOnWire[] {
  return readPcap(net.pcap()).records
    .filter((r) => r.frame[12] === 0x08 && r.frame[13] === 0x00)
    .map(({ timeMs, frame: f }) => {
      const fo = (f[20]! << 8) | f[21]!;
      return {
        t: timeMs, id: (f[18]! << 8) | f[19]!, df: (fo & 0x4000) !== 0, mf: (fo & 0x2000) !== 0, offset: (fo & 0x1fff) * 8,
        totLen: (f[16]! << 8) | f[17]!, ttl: f[22]!, proto: f[23]!, src: Array.from(f.subarray(26, 30)).join('.'), dst: Array.from(f.subarray(30, 34)).join('.'),
      };
    });
}

/** b listens on port 7 and collects every datagram until none arrives for `idleMs`. */
function collector(b: Host, out: Uint8Array[], opts: { recverr?: boolean } = {}) {
  return b.spawn(async (sys) => {
    const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
    expect(await sys.bind(fd, { addr: '0.0.0.0', port: 7 })).toBe(0);
    if (opts.recverr) await sys.setsockopt(fd, C.SOL_IP, C.IP_RECVERR, 1);
    const buf = new Uint8Array(70_000);
    for (;;) {
      await sys.nanosleep(50);
      let got = false;
      for (;;) {
        const n = await sys.recv(fd, buf, C.MSG_DONTWAIT);
        if (n < 0) break;
        out.push(buf.slice(0, n));
        got = true;
      }
      if (!got && (await sys.clock_gettime()) > 1_000) break;
    }
    await sys.close(fd);
  });
}

describe('fragmentation', () => {
  it('a 65507-byte datagram crosses an MTU-1500 link as 45 fragments and arrives intact', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    const got: Uint8Array[] = [];
    const server = collector(b, got);
    const data = pattern(65507);
    const client = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      expect(await sys.sendto(fd, data, 0, { addr: '10.0.0.2', port: 7 })).toBe(65507);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    expect(got).toHaveLength(1);
    expect(got[0]!.length).toBe(65507);
    expect(Buffer.compare(Buffer.from(got[0]!), Buffer.from(data))).toBe(0);
    // ip_do_fragment(): 65515 bytes of UDP in 1480-byte pieces.
    expect(a.counters().Ip).toMatchObject({ OutRequests: 1, FragOKs: 1, FragCreates: 45, FragFails: 0, OutTransmits: 45 });
    expect(b.counters().Ip).toMatchObject({ InReceives: 45, ReasmReqds: 45, ReasmOKs: 1, ReasmFails: 0, InDelivers: 1 });
    const frags = ipFrames(net).filter((f) => f.src === '10.0.0.1');
    expect(frags).toHaveLength(45);
    frags.forEach((f, i) => {
      expect(f).toMatchObject({ offset: i * 1480, mf: i < 44, df: false, id: frags[0]!.id, totLen: i < 44 ? 1500 : 20 + 65515 - 44 * 1480 });
    });
    // tcpdump: the first fragment shows the UDP header, later ones only the protocol.
    const lines = net.trace().filter((l) => l.includes(' IP 10.0.0.1'));
    expect(lines).toHaveLength(45);
    expect(lines[0]).toMatch(/IP 10\.0\.0\.1\.\d+ > 10\.0\.0\.2\.7: UDP, length 65507$/);
    expect(lines[1]).toMatch(/IP 10\.0\.0\.1 > 10\.0\.0\.2: ip-proto-17$/);
    await expectNoLeaks(net);
  });

  it('1473 bytes of payload (1501 bytes of IP) make exactly 2 fragments: 1480 and 1 byte of data', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    const got: Uint8Array[] = [];
    const server = collector(b, got);
    const client = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      expect(await sys.sendto(fd, pattern(1473), 0, { addr: '10.0.0.2', port: 7 })).toBe(1473);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    expect(got.map((g) => g.length)).toEqual([1473]);
    const frags = ipFrames(net).filter((f) => f.src === '10.0.0.1');
    expect(frags.map((f) => [f.offset, f.totLen, f.mf, f.df])).toEqual([[0, 1500, true, false], [1480, 21, false, false]]);
    expect(a.counters().Ip).toMatchObject({ FragOKs: 1, FragCreates: 2 });
    await expectNoLeaks(net);
  });

  it('DF is set on datagrams that fit; IP ID 0 on an unconnected socket, a per-socket counter on a connected one', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    const got: Uint8Array[] = [];
    const server = collector(b, got);
    const client = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      expect(await sys.sendto(fd, pattern(1472), 0, { addr: '10.0.0.2', port: 7 })).toBe(1472);
      expect(await sys.sendto(fd, 'small', 0, { addr: '10.0.0.2', port: 7 })).toBe(5);
      const cfd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      expect(await sys.connect(cfd, { addr: '10.0.0.2', port: 7 })).toBe(0);
      for (let i = 0; i < 3; i++) expect(await sys.send(cfd, 'c')).toBe(1);
      await sys.close(fd);
      await sys.close(cfd);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    expect(got).toHaveLength(5);
    const out = ipFrames(net).filter((f) => f.src === '10.0.0.1');
    expect(out).toHaveLength(5);
    // __ip_make_skb(): DF when it fits (IP_PMTUDISC_WANT); ip_select_ident_segs(): no socket
    // destination and DF → id 0.
    expect(out[0]).toMatchObject({ totLen: 1500, df: true, mf: false, id: 0 });
    expect(out[1]).toMatchObject({ totLen: 33, df: true, id: 0 });
    // A connected socket uses inet_id, incremented per datagram, DF or not.
    expect(out.slice(2).every((f) => f.df)).toBe(true);
    expect([(out[3]!.id - out[2]!.id) & 0xffff, (out[4]!.id - out[3]!.id) & 0xffff]).toEqual([1, 1]);
    await expectNoLeaks(net);
  });

  it('IP_MTU_DISCOVER=IP_PMTUDISC_DO: a datagram over the MTU fails with EMSGSIZE (FragFails not counted: ip_append_data refuses it)', async () => {
    const { net, a } = await pair({ delayMs: 1 });
    const client = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      expect(await sys.setsockopt(fd, C.SOL_IP, C.IP_MTU_DISCOVER, C.IP_PMTUDISC_DO)).toBe(0);
      expect(errnoName(await sys.sendto(fd, pattern(1473), 0, { addr: '10.0.0.2', port: 7 }))).toBe('EMSGSIZE');
      expect(await sys.sendto(fd, pattern(1472), 0, { addr: '10.0.0.2', port: 7 })).toBe(1472);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(a.counters().Ip.FragFails).toBe(0);
    await expectNoLeaks(net);
  });
});

describe('reassembly', () => {
  const data = pattern(3000);
  const udp = udpDatagram(data); // 3008 bytes: fragments [0,1480) [1480,2960) [2960,3008)
  const frag = (off: number, end: number, last = false) => ipFrame(udp.subarray(off, end), { offset: off, mf: !last });

  it('only the first fragment arrives: after ipfrag_time (30 s) ReasmTimeout and ReasmFails count 1 and the sender gets ICMP time exceeded (reassembly)', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    b.inject(frag(0, 1480));
    expect(b.stats().ipfragQueues).toBe(1);
    const expire = wheel(0, 30_000); // ip_expire on the timer wheel: 30.208 s
    await net.run({ untilMs: expire - 1 });
    expect(b.counters().Ip.ReasmTimeout).toBe(0);
    await net.run({ untilMs: expire + 10 });
    expect(b.counters().Ip).toMatchObject({ ReasmReqds: 1, ReasmTimeout: 1, ReasmFails: 1, ReasmOKs: 0 });
    expect(b.stats().ipfragQueues).toBe(0);
    expect(b.counters().Icmp.OutTimeExcds).toBe(1);
    expect(a.counters().Icmp.InTimeExcds).toBe(1);
    const icmp = net.trace().filter((l) => l.includes('ICMP'));
    // b first resolves a (ARP, 1 ms each way), then the error lands at expire + 3 ms.
    expect(icmp).toEqual([`${((expire + 3) / 1000).toFixed(6)} IP 10.0.0.2 > 10.0.0.1: ICMP ip reassembly time exceeded, length 556`]);
    await expectNoLeaks(net);
  });

  it('a queue without its first fragment expires silently (no ICMP: RFC 792, ip_expire checks INET_FRAG_FIRST_IN)', async () => {
    const { net, b } = await pair({ delayMs: 1 });
    b.inject(frag(1480, 2960));
    await net.run({ untilMs: 40_000 });
    expect(b.counters().Ip).toMatchObject({ ReasmTimeout: 1, ReasmFails: 1 });
    expect(b.counters().Icmp.OutMsgs).toBe(0);
    await expectNoLeaks(net);
  });

  it('fragments in any order reassemble into the datagram', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    const got: Uint8Array[] = [];
    const server = collector(b, got);
    await net.run({ untilMs: 10 });
    b.inject(frag(2960, 3008, true));
    b.inject(frag(0, 1480));
    b.inject(frag(1480, 2960));
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(got).toHaveLength(1);
    expect(Buffer.compare(Buffer.from(got[0]!), Buffer.from(data))).toBe(0);
    expect(b.counters().Ip).toMatchObject({ ReasmReqds: 3, ReasmOKs: 1, ReasmFails: 0 });
    void a;
    await expectNoLeaks(net);
  });

  it('an exact duplicate fragment is dropped alone; the datagram still completes', async () => {
    const { net, b } = await pair({ delayMs: 1 });
    const got: Uint8Array[] = [];
    const server = collector(b, got);
    await net.run({ untilMs: 10 });
    b.inject(frag(0, 1480));
    b.inject(frag(0, 1480));
    b.inject(frag(1480, 2960));
    b.inject(frag(2960, 3008, true));
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(got).toHaveLength(1);
    expect(Buffer.compare(Buffer.from(got[0]!), Buffer.from(data))).toBe(0);
    expect(b.counters().Ip).toMatchObject({ ReasmReqds: 4, ReasmOKs: 1, ReasmFails: 0 });
    expect(b.counters().IpExt.ReasmOverlaps).toBe(0);
    expect(b.drops().DUP_FRAG).toBe(1);
    await expectNoLeaks(net);
  });

  it('a fragment inside data already queued is a duplicate, dropped alone (inet_frag_queue_insert: IPFRAG_DUP)', async () => {
    const { net, b } = await pair({ delayMs: 1 });
    const got: Uint8Array[] = [];
    const server = collector(b, got);
    await net.run({ untilMs: 10 });
    b.inject(frag(0, 1480));
    b.inject(frag(1480, 2960)); // one run [0, 2960)
    b.inject(frag(1000, 2000)); // within the run: Linux says IPFRAG_DUP
    b.inject(frag(2960, 3008, true));
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(b.counters().IpExt.ReasmOverlaps).toBe(0);
    expect(b.counters().Ip).toMatchObject({ ReasmOKs: 1, ReasmFails: 0 });
    expect(got).toHaveLength(1);
    await expectNoLeaks(net);
  });

  it('an overlapping fragment kills the queue: ReasmOverlaps and ReasmFails, nothing delivered', async () => {
    const { net, b } = await pair({ delayMs: 1 });
    const got: Uint8Array[] = [];
    const server = collector(b, got);
    await net.run({ untilMs: 10 });
    b.inject(frag(0, 1480));
    b.inject(frag(1000, 2480)); // overlaps the tail of [0,1480) and goes beyond it
    expect(b.stats().ipfragQueues).toBe(0);
    expect(b.counters().IpExt.ReasmOverlaps).toBe(1);
    expect(b.counters().Ip).toMatchObject({ ReasmReqds: 2, ReasmFails: 1, ReasmOKs: 0 });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(got).toHaveLength(0);
    await expectNoLeaks(net);
  });
});

describe('input validation', () => {
  const dgram = udpDatagram(new TextEncoder().encode('hello'));

  it('a bad header checksum counts IpExt InCsumErrors and Ip InHdrErrors, and is dropped', async () => {
    const { net, b } = await pair();
    b.inject(ipFrame(dgram, { badCsum: true }));
    expect(b.counters().IpExt.InCsumErrors).toBe(1);
    expect(b.counters().Ip).toMatchObject({ InReceives: 1, InHdrErrors: 1, InDelivers: 0 });
    expect(b.drops().IP_CSUM).toBe(1);
    await expectNoLeaks(net);
  });

  it('tot_len beyond the frame counts IpExt InTruncatedPkts (not InHdrErrors)', async () => {
    const { net, b } = await pair();
    b.inject(ipFrame(dgram, { totLen: 200 }));
    expect(b.counters().IpExt.InTruncatedPkts).toBe(1);
    expect(b.counters().Ip).toMatchObject({ InReceives: 1, InHdrErrors: 0, InDelivers: 0 });
    await expectNoLeaks(net);
  });

  it('a datagram for another address on a host (ip_forward=0) counts InAddrErrors and gets no answer', async () => {
    const { net, b } = await pair({ delayMs: 1 });
    b.inject(ipFrame(dgram, { dst: '10.0.0.99' }));
    await net.run({ untilMs: 100 }); // no process: untilIdle would return at once
    expect(b.counters().Ip).toMatchObject({ InReceives: 1, InAddrErrors: 1, ForwDatagrams: 0, InDelivers: 0 });
    expect(b.counters().Icmp.OutMsgs).toBe(0);
    await expectNoLeaks(net);
  });

  it('an IP protocol without a handler gets ICMP protocol unreachable and counts InUnknownProtos', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    b.inject(ipFrame(new Uint8Array(16), { proto: 99 }));
    await net.run({ untilMs: 100 }); // b resolves a, then the error crosses the link
    expect(b.counters().Ip).toMatchObject({ InReceives: 1, InUnknownProtos: 1, InDelivers: 0 });
    expect(b.counters().Icmp).toMatchObject({ OutDestUnreachs: 1 });
    expect(a.counters().Icmp).toMatchObject({ InDestUnreachs: 1 });
    const icmp = net.trace().filter((l) => l.includes('ICMP'));
    expect(icmp).toHaveLength(1);
    expect(icmp[0]).toMatch(/IP 10\.0\.0\.2 > 10\.0\.0\.1: ICMP 10\.0\.0\.2 protocol 99 unreachable, length 44$/);
    await expectNoLeaks(net);
  });
});

describe('forwarding', () => {
  /** a (10.0.0.1) — r (10.0.0.254, a router) — b (10.0.1.2). */
  async function routed(mtuRB = 1500): Promise<{ net: Network; a: Host; r: Host; b: Host }> {
    const net = await boot();
    const a = net.addHost({ name: 'a', ip: '10.0.0.1' });
    const r = net.addHost({ name: 'r', ip: '10.0.0.254' });
    const b = net.addHost({ name: 'b', ip: '10.0.1.2' });
    net.link(a, r, { delayMs: 1 });
    net.link(r, b, { delayMs: 1, mtu: mtuRB });
    r.sysctl('net.ipv4.ip_forward', 1);
    a.addRoute('10.0.1.2', 32, a.ends[0]!.ifindex, '10.0.0.254');
    b.addRoute('10.0.0.1', 32, b.ends[0]!.ifindex, '10.0.0.254');
    return { net, a, r, b };
  }

  function sendFrom(a: Host, ttl: number | null, recverr: boolean, expectErr: string | null) {
    return a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      if (ttl !== null) expect(await sys.setsockopt(fd, C.SOL_IP, C.IP_TTL, ttl)).toBe(0);
      if (recverr) expect(await sys.setsockopt(fd, C.SOL_IP, C.IP_RECVERR, 1)).toBe(0);
      expect(await sys.sendto(fd, 'via r', 0, { addr: '10.0.1.2', port: 7 })).toBe(5);
      await sys.nanosleep(100);
      const r = await sys.recv(fd, new Uint8Array(16), C.MSG_DONTWAIT);
      expect(errnoName(r)).toBe(expectErr ?? 'EAGAIN');
      await sys.close(fd);
    });
  }

  it('a router forwards with TTL - 1 and counts ForwDatagrams', async () => {
    const { net, a, r, b } = await routed();
    const got: Uint8Array[] = [];
    const server = b.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(fd, { addr: '0.0.0.0', port: 7 });
      const buf = new Uint8Array(16);
      const n = await sys.recv(fd, buf, 0);
      got.push(buf.slice(0, n));
      await sys.close(fd);
    });
    const p = sendFrom(a, null, false, null);
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    expect(new TextDecoder().decode(got[0])).toBe('via r');
    expect(r.counters().Ip).toMatchObject({ ForwDatagrams: 1, InDelivers: 0, Forwarding: 1 });
    const hops = ipFrames(net).filter((f) => f.dst === '10.0.1.2').map((f) => f.ttl);
    expect(hops).toEqual([64, 63]);
    await expectNoLeaks(net);
  });

  it('TTL 1 expires at the router: ICMP time exceeded in-transit; with IP_RECVERR the sender reads EHOSTUNREACH', async () => {
    const { net, a, r } = await routed();
    const p = sendFrom(a, 1, true, 'EHOSTUNREACH');
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    expect(r.counters().Ip.ForwDatagrams).toBe(0);
    expect(r.counters().Icmp.OutTimeExcds).toBe(1);
    expect(a.counters().Icmp.InTimeExcds).toBe(1);
    expect(net.trace().filter((l) => l.includes('ICMP'))).toEqual([
      expect.stringMatching(/ IP 10\.0\.0\.254 > 10\.0\.0\.1: ICMP time exceeded in-transit, length 41$/),
    ]);
    await expectNoLeaks(net);
  });

  it('TTL 1 without IP_RECVERR: the sender hears nothing (time exceeded is a soft error)', async () => {
    const { net, a } = await routed();
    const p = sendFrom(a, 1, false, null);
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    expect(a.counters().Icmp.InTimeExcds).toBe(1);
    await expectNoLeaks(net);
  });

  it('a TTL expiry counts InHdrErrors on the router (ip_forward: too_many_hops)', async () => {
    const { net, a, r } = await routed();
    const p = sendFrom(a, 1, false, null);
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    expect(r.counters().Ip).toMatchObject({ InReceives: 1, InHdrErrors: 1, ForwDatagrams: 0 });
    await expectNoLeaks(net);
  });

  it('a DF datagram too big for the next hop: the router answers ICMP fragmentation needed with the MTU, counts FragFails; the sender reads EMSGSIZE', async () => {
    const { net, a, r, b } = await routed(1000);
    const p = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      expect(await sys.setsockopt(fd, C.SOL_IP, C.IP_RECVERR, 1)).toBe(0);
      // 1200 + 28 bytes fit a's 1500-byte link: DF is set (IP_PMTUDISC_WANT).
      expect(await sys.sendto(fd, pattern(1200), 0, { addr: '10.0.1.2', port: 7 })).toBe(1200);
      await sys.nanosleep(100);
      expect(errnoName(await sys.recv(fd, new Uint8Array(16), C.MSG_DONTWAIT))).toBe('EMSGSIZE');
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    // ip_forward(): ip_exceeds_mtu → FRAGFAILS + icmp_send(ICMP_FRAG_NEEDED, htonl(mtu)).
    expect(r.counters().Ip).toMatchObject({ FragFails: 1, ForwDatagrams: 0 });
    expect(net.trace().filter((l) => l.includes('ICMP'))).toEqual([
      expect.stringMatching(/ IP 10\.0\.0\.254 > 10\.0\.0\.1: ICMP 10\.0\.1\.2 unreachable - need to frag \(mtu 1000\), length 556$/),
    ]);
    expect(b.counters().Ip.InReceives).toBe(0);
    await expectNoLeaks(net);
  });
});
