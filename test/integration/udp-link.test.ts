// UDP and ICMP across an Ethernet link, end to end through ARP, IPv4 and the NIC rings.
import { describe, expect, it } from 'vitest';
import { constants as C, errnoName } from '../../build/host/index.js';
import { expectNoLeaks, pair } from '../helpers/machine.js';

const dec = new TextDecoder();

describe('UDP across a link', () => {
  it('request/response: ARP resolves first, the datagrams arrive after one link delay each', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    const server = b.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      expect(await sys.bind(fd, { addr: '0.0.0.0', port: 53 })).toBe(0);
      const buf = new Uint8Array(100);
      const r = await sys.recvfrom(fd, buf, 0);
      if (typeof r === 'number') throw new Error(errnoName(r));
      expect(dec.decode(buf.subarray(0, r.n))).toBe('hello');
      expect(r.addr.addr).toBe('10.0.0.1');
      expect(await sys.clock_gettime()).toBe(15); // ARP request 5 + reply 5 + datagram 5
      expect(await sys.sendto(fd, 'pong', 0, r.addr)).toBe(4);
      await sys.close(fd);
      return 7;
    });
    const client = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      expect(await sys.sendto(fd, 'hello', 0, { addr: '10.0.0.2', port: 53 })).toBe(5);
      const buf = new Uint8Array(100);
      const r = await sys.recvfrom(fd, buf, 0);
      if (typeof r === 'number') throw new Error(errnoName(r));
      expect(dec.decode(buf.subarray(0, r.n))).toBe('pong');
      expect(await sys.clock_gettime()).toBe(20);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 7 });
    expect(await client.exited).toEqual({ code: 0 });
    expect(net.trace()).toEqual([
      '0.005000 ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28',
      '0.010000 ARP, Reply 10.0.0.2 is-at 02:00:00:02:00:01, length 28',
      expect.stringMatching(/^0\.015000 IP 10\.0\.0\.1\.\d+ > 10\.0\.0\.2\.53: UDP, length 5$/),
      expect.stringMatching(/^0\.020000 IP 10\.0\.0\.2\.53 > 10\.0\.0\.1\.\d+: UDP, length 4$/),
    ]);
    expect(a.counters().Udp).toMatchObject({ OutDatagrams: 1, InDatagrams: 1 });
    expect(b.counters().Ip).toMatchObject({ InReceives: 1, InDelivers: 1, OutRequests: 1 });
    await expectNoLeaks(net);
  });

  it('ping socket: echo request and reply carry the socket ident and the caller sequence', async () => {
    const { net, a } = await pair({ delayMs: 1 });
    const p = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, C.IPPROTO_ICMP);
      expect(fd).toBeGreaterThanOrEqual(0);
      const req = new Uint8Array(16);
      req[0] = 8; // echo request
      req[7] = 42; // sequence 42
      expect(await sys.sendto(fd, req, 0, { addr: '10.0.0.2', port: 0 })).toBe(16);
      const buf = new Uint8Array(64);
      const r = await sys.recvfrom(fd, buf, 0);
      if (typeof r === 'number') throw new Error(errnoName(r));
      expect(r.n).toBe(16);
      expect(buf[0]).toBe(0); // echo reply
      expect(buf[7]).toBe(42);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    expect(a.counters().Icmp).toMatchObject({ OutEchos: 1, InEchoReps: 1 });
    await expectNoLeaks(net);
  });

  it('ping socket connect() is ip4_datagram_connect: the peer keeps its port, broadcast needs SO_BROADCAST, AF_UNSPEC forgets it', async () => {
    // Measured on this machine's Linux 6.18 (ping_group_range opened for the check):
    // connect(('127.0.0.1', 77)) → getpeername ('127.0.0.1', 77);
    // connect(('255.255.255.255', 0)) without SO_BROADCAST → EACCES.
    const { net, a } = await pair({ delayMs: 1 });
    a.addRoute('0.0.0.0', 0, a.ends[0]!.ifindex); // a route for 255.255.255.255, as a default route gives
    const p = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, C.IPPROTO_ICMP);
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: 77 })).toBe(0);
      expect(await sys.getpeername(fd)).toEqual({ addr: '10.0.0.2', port: 77 });
      expect(await sys.connect(fd, { family: C.AF_UNSPEC, addr: '0.0.0.0', port: 0 })).toBe(0);
      expect(errnoName(-(await sys.getpeername(fd) as number))).toBe('ENOTCONN');
      const b = await sys.socket(C.AF_INET, C.SOCK_DGRAM, C.IPPROTO_ICMP);
      expect(errnoName(-(await sys.connect(b, { addr: '255.255.255.255', port: 0 }) as number))).toBe('EACCES');
      await sys.close(fd);
      await sys.close(b);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('connected socket to a closed port: ICMP port unreachable becomes ECONNREFUSED', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    const p = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: 9 })).toBe(0);
      expect(await sys.send(fd, 'x')).toBe(1);
      const buf = new Uint8Array(8);
      expect(errnoName(await sys.recv(fd, buf, 0))).toBe('ECONNREFUSED');
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    expect(b.counters().Udp.NoPorts).toBe(1);
    expect(b.counters().Icmp.OutDestUnreachs).toBe(1);
    await expectNoLeaks(net);
  });
});
