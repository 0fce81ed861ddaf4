// Local ports on the virtual clock: how connect() and bind(0) pick them from
// net.ipv4.ip_local_port_range (Linux 6.x __inet_hash_connect / inet_csk_find_open_port),
// when the range runs out (EADDRNOTAVAIL for connect, EADDRINUSE for bind),
// IP_BIND_ADDRESS_NO_PORT, and SO_REUSEPORT listener groups (uid, spread, close).
// The errno rules are checked against this machine's Linux in tcp-ports.linux.test.ts.
import { describe, expect, it } from 'vitest';
import { constants as C, errnoName, type Sys } from '../../build/host/index.js';
import { expectNoLeaks, pair } from '../helpers/machine.js';

const E = (r: unknown): string => (typeof r === 'number' && r < 0 ? errnoName(r) ?? String(r) : String(r));
const SERVER = '10.0.0.2';

async function listenOn(sys: Sys, port: number, opts: { reuseport?: boolean; backlog?: number } = {}): Promise<number> {
  const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  if (opts.reuseport) expect(await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_REUSEPORT, 1)).toBe(0);
  expect(await sys.bind(fd, { addr: '0.0.0.0', port })).toBe(0);
  expect(await sys.listen(fd, opts.backlog ?? 128)).toBe(0);
  return fd;
}
/** Connects a new socket; returns [fd, local port] or the -errno. */
async function dial(sys: Sys, port: number, bind?: { addr: string; noPort?: boolean }): Promise<[number, number] | string> {
  const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  if (bind?.noPort) expect(await sys.setsockopt(fd, C.SOL_IP, C.IP_BIND_ADDRESS_NO_PORT, 1)).toBe(0);
  if (bind) {
    const rc = await sys.bind(fd, { addr: bind.addr, port: 0 });
    if (rc < 0) {
      await sys.close(fd);
      return `bind ${E(rc)}`;
    }
  }
  const rc = await sys.connect(fd, { addr: SERVER, port });
  if (rc < 0) {
    await sys.close(fd);
    return E(rc);
  }
  const name = await sys.getsockname(fd);
  if (typeof name === 'number') throw new Error('getsockname');
  return [fd, name.port];
}
const range = (lo: number, hi: number) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);

describe('ephemeral ports', () => {
  it('connect() takes even ports first, then odd ones, then EADDRNOTAVAIL; another destination shares them', async () => {
    const { net, a, b } = await pair();
    a.sysctl('net.ipv4.ip_local_port_range', '40000 40009');
    const server = b.spawn(async (sys) => {
      const l80 = await listenOn(sys, 80);
      const l81 = await listenOn(sys, 81);
      await sys.nanosleep(1000);
      await sys.close(l80);
      await sys.close(l81);
    });
    const client = a.spawn(async (sys) => {
      await sys.nanosleep(1);
      const got: [number, number][] = [];
      for (let i = 0; i < 10; i++) got.push((await dial(sys, 80)) as [number, number]);
      const ports = got.map(([, p]) => p);
      // __inet_hash_connect: the range's own parity (40000: even), stepping by two.
      expect(ports.slice(0, 5).every((p) => p % 2 === 0)).toBe(true);
      expect(ports.slice(5).every((p) => p % 2 === 1)).toBe(true);
      expect([...ports].sort()).toEqual(range(40000, 40009));
      expect(await dial(sys, 80)).toBe('EADDRNOTAVAIL');
      // The 4-tuple only has to be unique: :81 may reuse every port.
      const other = (await dial(sys, 81)) as [number, number];
      expect(ports).toContain(other[1]);
      // bind(0) shares nothing (relax = false): the range is exhausted for it.
      const s = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(E(await sys.bind(s, { addr: '0.0.0.0', port: 0 }))).toBe('EADDRINUSE');
      await sys.close(s);
      for (const [fd] of [...got, other]) await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    expect(a.counters().Tcp.ActiveOpens).toBe(11);
    await expectNoLeaks(net);
  });

  it('bind(0) takes odd ports; with SO_REUSEADDR the lower half of the range first', async () => {
    const { net, a } = await pair();
    a.sysctl('net.ipv4.ip_local_port_range', '40000 40099');
    const p = a.spawn(async (sys) => {
      const plain: number[] = [];
      const reuse: number[] = [];
      const fds: number[] = [];
      for (let i = 0; i < 20; i++) {
        const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
        if (i >= 10) expect(await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_REUSEADDR, 1)).toBe(0);
        expect(await sys.bind(fd, { addr: '0.0.0.0', port: 0 })).toBe(0);
        const n = await sys.getsockname(fd);
        if (typeof n === 'number') throw new Error('getsockname');
        (i >= 10 ? reuse : plain).push(n.port);
        fds.push(fd);
      }
      expect(plain.every((x) => x % 2 === 1 && x >= 40000 && x <= 40099)).toBe(true);
      // inet_csk_find_open_port: half = low + ((high - low) >> 2 << 1) = 40050.
      expect(reuse.every((x) => x % 2 === 1 && x >= 40000 && x < 40050)).toBe(true);
      expect(new Set([...plain, ...reuse]).size).toBe(20);
      for (const fd of fds) await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('bind-before-connect exhausts the range at its size; IP_BIND_ADDRESS_NO_PORT shares ports across destinations', async () => {
    const { net, a, b } = await pair();
    a.sysctl('net.ipv4.ip_local_port_range', '40000 40009');
    const server = b.spawn(async (sys) => {
      const l80 = await listenOn(sys, 80);
      const l81 = await listenOn(sys, 81);
      await sys.nanosleep(1000);
      await sys.close(l80);
      await sys.close(l81);
    });
    const client = a.spawn(async (sys) => {
      await sys.nanosleep(1);
      const fds: number[] = [];
      // bind(0) then connect: each socket holds its port alone.
      for (let i = 0; i < 10; i++) fds.push(((await dial(sys, 80 + (i % 2), { addr: '0.0.0.0' })) as [number, number])[0]);
      expect(await dial(sys, 81, { addr: '0.0.0.0' })).toBe('bind EADDRINUSE');
      // And connect() skips ports bind() made (tb->fastreuse >= 0).
      expect(await dial(sys, 80)).toBe('EADDRNOTAVAIL');
      for (const fd of fds.splice(0)) await sys.close(fd);
      // (Those ports stay held a while: FIN_WAIT2 orphans. A fresh range for the rest.)
      a.sysctl('net.ipv4.ip_local_port_range', '40100 40109');
      // IP_BIND_ADDRESS_NO_PORT: the address now, the port at connect(), shared.
      const s = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.setsockopt(s, C.SOL_IP, C.IP_BIND_ADDRESS_NO_PORT, 1)).toBe(0);
      expect(await sys.bind(s, { addr: '10.0.0.1', port: 0 })).toBe(0);
      expect(await sys.getsockname(s)).toEqual({ addr: '10.0.0.1', port: 0 });
      await sys.close(s);
      const ports: number[] = [];
      for (let i = 0; i < 20; i++) {
        const r = (await dial(sys, 80 + (i % 2), { addr: '10.0.0.1', noPort: true })) as [number, number];
        fds.push(r[0]);
        ports.push(r[1]);
      }
      expect(new Set(ports).size).toBe(10);
      expect(await dial(sys, 80, { addr: '10.0.0.1', noPort: true })).toBe('EADDRNOTAVAIL');
      for (const fd of fds) await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });
});

describe('SO_REUSEPORT', () => {
  it('listeners of one uid share a port; another uid gets EADDRINUSE', async () => {
    const { net, b } = await pair();
    const root = b.spawn(async (sys) => {
      const l1 = await listenOn(sys, 8080, { reuseport: true });
      const l2 = await listenOn(sys, 8080, { reuseport: true });
      await sys.nanosleep(100);
      await sys.close(l1);
      await sys.close(l2);
    });
    const user = b.spawn(async (sys) => {
      await sys.nanosleep(10);
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_REUSEPORT, 1)).toBe(0);
      expect(E(await sys.bind(fd, { addr: '0.0.0.0', port: 8080 }))).toBe('EADDRINUSE');
      expect(await sys.bind(fd, { addr: '0.0.0.0', port: 8081 })).toBe(0);
      await sys.close(fd);
    }, { uid: 1000 });
    await net.run({ untilIdle: true });
    expect(await root.exited).toEqual({ code: 0 });
    expect(await user.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('connections spread across the group by the 4-tuple hash; a closed listener resets its queue', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    const N = 4;
    const CONNS = 40;
    let queued: number[] = [];
    const server = b.spawn(async (sys) => {
      const ls: number[] = [];
      for (let i = 0; i < N; i++) ls.push(await listenOn(sys, 8080, { reuseport: true }));
      await sys.nanosleep(200); // every client is queued somewhere
      const listen = b.ss().filter((e) => e.state === 'LISTEN');
      expect(listen).toHaveLength(N);
      queued = ls.map((fd) => listen.find((e) => e.fd === fd)!.recvQ);
      // With tcp_migrate_req = 0 the closed listener's children are reset.
      await sys.close(ls[0]!);
      await sys.nanosleep(100);
      for (const fd of ls.slice(1)) {
        await sys.fcntl(fd, C.F_SETFL, C.O_NONBLOCK);
        for (;;) {
          const c = await sys.accept(fd);
          if (c < 0) break;
          await sys.close(c);
        }
        await sys.close(fd);
      }
    });
    let resets = 0;
    const client = a.spawn(async (sys) => {
      await sys.nanosleep(10);
      const fds: number[] = [];
      for (let i = 0; i < CONNS; i++) fds.push(((await dial(sys, 8080)) as [number, number])[0]);
      await sys.nanosleep(400);
      const buf = new Uint8Array(4);
      for (const fd of fds) {
        if (E(await sys.recv(fd, buf, 0)) === 'ECONNRESET') resets++;
        await sys.close(fd);
      }
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    expect(queued.reduce((x, y) => x + y, 0)).toBe(CONNS);
    expect(queued.every((q) => q > 0)).toBe(true); // no listener is left out
    expect(Math.max(...queued)).toBeLessThan(CONNS / 2); // nor is one favoured
    expect(resets).toBe(queued[0]);
    await expectNoLeaks(net);
  });
});

describe('SO_REUSEPORT for UDP', () => {
  it('a group of bound sockets shares the datagrams by the 4-tuple hash: one sender always reaches the same member', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    const N = 3;
    const SENDERS = 30;
    const got: number[][] = [];
    const server = b.spawn(async (sys) => {
      const fds: number[] = [];
      for (let i = 0; i < N; i++) {
        const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM | C.SOCK_NONBLOCK, 0);
        expect(await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_REUSEPORT, 1)).toBe(0);
        expect(await sys.bind(fd, { addr: '0.0.0.0', port: 5353 })).toBe(0);
        fds.push(fd);
      }
      // Without SO_REUSEPORT, or as another uid: no.
      const plain = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      expect(E(await sys.bind(plain, { addr: '0.0.0.0', port: 5353 }))).toBe('EADDRINUSE');
      await sys.close(plain);
      await sys.nanosleep(500);
      const buf = new Uint8Array(16);
      for (const fd of fds) {
        const from: number[] = [];
        for (;;) {
          const r = await sys.recvfrom(fd, buf, 0);
          if (typeof r === 'number') break;
          from.push(r.addr.port);
        }
        got.push(from);
        await sys.close(fd);
      }
    });
    const client = a.spawn(async (sys) => {
      await sys.nanosleep(10);
      for (let i = 0; i < SENDERS; i++) {
        const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
        for (let k = 0; k < 2; k++) expect(await sys.sendto(fd, 'hi', 0, { addr: '10.0.0.2', port: 5353 })).toBe(2);
        await sys.close(fd);
      }
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    expect(got.map((g) => g.length).reduce((x, y) => x + y, 0)).toBe(SENDERS * 2);
    expect(got.every((g) => g.length > 0)).toBe(true);
    // Both datagrams of a sender went to one member.
    for (const g of got) for (const port of g) expect(g.filter((p) => p === port)).toHaveLength(2);
    await expectNoLeaks(net);
  });
});
