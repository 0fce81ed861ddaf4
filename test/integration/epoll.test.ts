// epoll(7) at the syscall level: errors in do_epoll_ctl's order, level- vs edge-triggered
// reporting, EPOLLONESHOT re-armed by EPOLL_CTL_MOD, EPOLLEXCLUSIVE and the thundering
// herd, the always-reported EPOLLERR/EPOLLHUP, EPOLLRDHUP, EPOLLOUT from the send buffer,
// timeouts on the network clock, nested epoll, and items that go with the last reference
// to their file. Linux: fs/eventpoll.c; epoll_ctl(2), epoll_wait(2).
import { describe, expect, it } from 'vitest';
import { constants as C, type Host, type Network } from '../../build/host/index.js';
import type { Sys, EpollEvent } from '../../build/host/syscall/async.js';
import { boot, expectNoLeaks } from '../helpers/machine.js';
import { inProcess, tcpPair as tcpPairOn, LO } from '../helpers/readiness.js';

const IN = C.EPOLLIN;
const OUT = C.EPOLLOUT;

const tcpPair = (sys: Sys, port = 7000) => tcpPairOn(sys, port);

async function epollOn(sys: Sys, fd: number, events: number, data: number = fd): Promise<number> {
  const ep = await sys.epoll_create1(0);
  expect(ep).toBeGreaterThanOrEqual(0);
  expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, fd, { events, data })).toBe(0);
  return ep;
}

const datas = (r: EpollEvent[] | number): number[] | number => (typeof r === 'number' ? r : r.map((e) => e.data));

describe('epoll_create1', () => {
  it('refuses flags other than EPOLL_CLOEXEC with EINVAL; EPOLL_CLOEXEC sets FD_CLOEXEC', async () => {
    await inProcess(async (sys) => {
      expect(await sys.epoll_create1(1)).toBe(-C.EINVAL);
      expect(await sys.epoll_create1(C.O_NONBLOCK)).toBe(-C.EINVAL);
      const a = await sys.epoll_create1(0);
      const b = await sys.epoll_create1(C.EPOLL_CLOEXEC);
      expect([a, b]).toEqual([0, 1]);
      expect(await sys.fcntl(a, C.F_GETFD)).toBe(0);
      expect(await sys.fcntl(b, C.F_GETFD)).toBe(C.FD_CLOEXEC);
    });
  });

  it('EMFILE once the 1024 descriptors of RLIMIT_NOFILE are taken', async () => {
    await inProcess(async (sys) => {
      let last = 0;
      for (let i = 0; i < 1024; i++) last = await sys.epoll_create1(0);
      expect(last).toBe(1023);
      expect(await sys.epoll_create1(0)).toBe(-C.EMFILE);
    });
  });
});

describe('epoll_ctl errors (do_epoll_ctl order)', () => {
  it('EBADF for a bad epfd or fd, EINVAL for epfd == fd, a non-epoll epfd, or a bad op', async () => {
    await inProcess(async (sys) => {
      const ep = await sys.epoll_create1(0);
      const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      expect(await sys.epoll_ctl(99, C.EPOLL_CTL_ADD, u, { events: IN })).toBe(-C.EBADF);
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, 99, { events: IN })).toBe(-C.EBADF);
      // Both bad: the epoll fd is looked up first.
      expect(await sys.epoll_ctl(98, 7, 99, { events: IN })).toBe(-C.EBADF);
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, ep, { events: IN })).toBe(-C.EINVAL);
      expect(await sys.epoll_ctl(u, C.EPOLL_CTL_ADD, ep, { events: IN })).toBe(-C.EINVAL);
      expect(await sys.epoll_ctl(ep, 0, u, { events: IN })).toBe(-C.EINVAL);
      expect(await sys.epoll_ctl(ep, 4, u, { events: IN })).toBe(-C.EINVAL);
    });
  });

  it('EEXIST on a second ADD, ENOENT on DEL or MOD of what was never added', async () => {
    await inProcess(async (sys) => {
      const ep = await sys.epoll_create1(0);
      const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_DEL, u)).toBe(-C.ENOENT);
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_MOD, u, { events: IN })).toBe(-C.ENOENT);
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, u, { events: IN })).toBe(0);
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, u, { events: OUT })).toBe(-C.EEXIST);
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_MOD, u, { events: OUT })).toBe(0);
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_DEL, u)).toBe(0);
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_DEL, u)).toBe(-C.ENOENT);
      // A bad op on an existing item is EINVAL too (the switch's default).
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, u, { events: IN })).toBe(0);
      expect(await sys.epoll_ctl(ep, 9, u, { events: IN })).toBe(-C.EINVAL);
    });
  });

  it('EPOLLEXCLUSIVE: ADD only, with IN/OUT/ERR/HUP/ET only, never on an epoll target; MOD of such an item is EINVAL', async () => {
    await inProcess(async (sys) => {
      const ep = await sys.epoll_create1(0);
      const inner = await sys.epoll_create1(0);
      const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      const X = C.EPOLLEXCLUSIVE;
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, u, { events: IN | X | C.EPOLLONESHOT })).toBe(-C.EINVAL);
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, u, { events: IN | X | C.EPOLLRDHUP })).toBe(-C.EINVAL);
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, inner, { events: IN | X })).toBe(-C.EINVAL);
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, u, { events: IN | X | C.EPOLLET })).toBe(0);
      // MOD with the flag, and MOD of an exclusive item even without it.
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_MOD, u, { events: IN | X })).toBe(-C.EINVAL);
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_MOD, u, { events: IN })).toBe(-C.EINVAL);
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_DEL, u)).toBe(0);
    });
  });

  it('ELOOP for a cycle of epoll files, and beyond EPOLL_MAX_NESTS (4) levels counted up and down', async () => {
    await inProcess(async (sys) => {
      const e: number[] = [];
      for (let i = 0; i < 7; i++) e.push(await sys.epoll_create1(0));
      expect(await sys.epoll_ctl(e[0], C.EPOLL_CTL_ADD, e[1], { events: IN })).toBe(0);
      expect(await sys.epoll_ctl(e[1], C.EPOLL_CTL_ADD, e[0], { events: IN })).toBe(-C.ELOOP);
      expect(await sys.epoll_ctl(e[1], C.EPOLL_CTL_ADD, e[2], { events: IN })).toBe(0);
      expect(await sys.epoll_ctl(e[2], C.EPOLL_CTL_ADD, e[0], { events: IN })).toBe(-C.ELOOP);
      // e0 ⊃ e1 ⊃ e2 ⊃ e3 ⊃ e4 is four levels of nesting: allowed; a fifth is not.
      expect(await sys.epoll_ctl(e[2], C.EPOLL_CTL_ADD, e[3], { events: IN })).toBe(0);
      expect(await sys.epoll_ctl(e[3], C.EPOLL_CTL_ADD, e[4], { events: IN })).toBe(0);
      expect(await sys.epoll_ctl(e[4], C.EPOLL_CTL_ADD, e[5], { events: IN })).toBe(-C.ELOOP);
      // Built from the bottom up, the same chain hits the same limit.
      expect(await sys.epoll_ctl(e[5], C.EPOLL_CTL_ADD, e[6], { events: IN })).toBe(0);
      expect(await sys.epoll_ctl(e[4], C.EPOLL_CTL_ADD, e[5], { events: IN })).toBe(-C.ELOOP);
    });
  });
});

describe('epoll_wait errors', () => {
  it('EBADF for a bad fd (checked first, as Linux 6.18), EINVAL for maxevents <= 0 or a socket', async () => {
    await inProcess(async (sys) => {
      const ep = await sys.epoll_create1(0);
      const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      expect(await sys.epoll_wait(ep, 0, 0)).toBe(-C.EINVAL);
      expect(await sys.epoll_wait(ep, -1, 0)).toBe(-C.EINVAL);
      expect(await sys.epoll_wait(99, 0, 0)).toBe(-C.EBADF);
      expect(await sys.epoll_wait(u, 0, 0)).toBe(-C.EINVAL);
      expect(await sys.epoll_wait(99, 1, 0)).toBe(-C.EBADF);
      expect(await sys.epoll_wait(u, 1, 0)).toBe(-C.EINVAL);
      expect(await sys.epoll_wait(ep, 1, 0)).toEqual([]);
    });
  });
});

describe('level- and edge-triggered', () => {
  it('LT: readable data is reported on every wait until it is read', async () => {
    await inProcess(async (sys) => {
      const { c, s } = await tcpPair(sys);
      const ep = await epollOn(sys, s, IN);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([]);
      expect(await sys.send(c, 'hello')).toBe(5);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([{ events: IN, data: s }]);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([{ events: IN, data: s }]);
      expect(await sys.recv(s, new Uint8Array(2))).toBe(2);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([{ events: IN, data: s }]);
      expect(await sys.recv(s, new Uint8Array(10))).toBe(3);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([]);
    });
  });

  it('ET: one report per arrival; after a partial read the next wait times out (the classic ET bug)', async () => {
    await inProcess(async (sys, _h, net) => {
      const { c, s } = await tcpPair(sys);
      const ep = await epollOn(sys, s, IN | C.EPOLLET);
      expect(await sys.send(c, 'hello')).toBe(5);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([{ events: IN, data: s }]);
      expect(await sys.recv(s, new Uint8Array(2))).toBe(2);
      const t0 = net.now();
      expect(await sys.epoll_wait(ep, 8, 100)).toEqual([]);
      expect(net.now() - t0).toBe(100);
      // Three bytes still wait, unreported, until new data arrives.
      expect(await sys.ioctl(s, C.FIONREAD)).toBe(3);
      expect(await sys.send(c, '!')).toBe(1);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([{ events: IN, data: s }]);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([]);
      expect(await sys.recv(s, new Uint8Array(10))).toBe(4);
    });
  });

  it('LT with maxevents 1 hands the ready items out in turn (re-queued at the tail)', async () => {
    await inProcess(async (sys) => {
      const ep = await sys.epoll_create1(0);
      const us: number[] = [];
      for (let i = 0; i < 3; i++) {
        const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
        expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, u, { events: OUT, data: 100 + i })).toBe(0);
        us.push(u);
      }
      const order: number[] = [];
      for (let i = 0; i < 7; i++) {
        const r = await sys.epoll_wait(ep, 1, 0);
        expect(Array.isArray(r) && r.length).toBe(1);
        order.push((r as EpollEvent[])[0].data);
      }
      expect(order).toEqual([100, 101, 102, 100, 101, 102, 100]);
      const all = await sys.epoll_wait(ep, 8, 0);
      expect(datas(all)).toEqual([101, 102, 100]);
    });
  });

  it('EPOLLONESHOT: one report, then silence until EPOLL_CTL_MOD re-arms it', async () => {
    await inProcess(async (sys) => {
      const { c, s } = await tcpPair(sys);
      const ep = await epollOn(sys, s, IN | C.EPOLLONESHOT, 7);
      expect(await sys.send(c, 'a')).toBe(1);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([{ events: IN, data: 7 }]);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([]);
      expect(await sys.send(c, 'b')).toBe(1);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([]);
      // Still registered: ADD says EEXIST; MOD re-arms and the data waiting is reported.
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, s, { events: IN, data: 8 })).toBe(-C.EEXIST);
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_MOD, s, { events: IN | C.EPOLLONESHOT, data: 8 })).toBe(0);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([{ events: IN, data: 8 }]);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([]);
    });
  });

  it('data is the whole u64: large and negative integers come back unchanged', async () => {
    await inProcess(async (sys) => {
      const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      const ep = await epollOn(sys, u, OUT, 2 ** 40 + 5);
      expect(datas(await sys.epoll_wait(ep, 8, 0))).toEqual([2 ** 40 + 5]);
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_MOD, u, { events: OUT, data: -1 })).toBe(0);
      expect(datas(await sys.epoll_wait(ep, 8, 0))).toEqual([-1]);
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_MOD, u, { events: OUT, data: Number.MAX_SAFE_INTEGER })).toBe(0);
      expect(datas(await sys.epoll_wait(ep, 8, 0))).toEqual([Number.MAX_SAFE_INTEGER]);
    });
  });
});

describe('events', () => {
  it('EPOLLOUT while the send buffer has room (sk_stream_is_writeable), back when the peer reads', async () => {
    await inProcess(async (sys) => {
      const { c, s } = await tcpPair(sys);
      expect(await sys.fcntl(c, C.F_SETFL, C.O_NONBLOCK)).toBe(0);
      const ep = await epollOn(sys, c, OUT);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([{ events: OUT, data: c }]);
      const chunk = new Uint8Array(65536);
      while ((await sys.send(c, chunk)) > 0);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([]);
      // Reading frees the peer's window, ACKs free our buffer, and sk_write_space wakes us.
      const buf = new Uint8Array(1 << 20);
      let r: EpollEvent[] | number = [];
      while (Array.isArray(r) && r.length === 0) {
        expect(await sys.recv(s, buf, C.MSG_DONTWAIT)).toBeGreaterThan(0);
        r = await sys.epoll_wait(ep, 8, 0);
      }
      expect(r).toEqual([{ events: OUT, data: c }]);
    });
  });

  it('EPOLLRDHUP after the peer shuts down writing; EPOLLHUP once both directions are shut', async () => {
    await inProcess(async (sys) => {
      const { c, s } = await tcpPair(sys);
      const ep = await epollOn(sys, s, IN | C.EPOLLRDHUP);
      expect(await sys.shutdown(c, C.SHUT_WR)).toBe(0);
      await sys.nanosleep(1);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([{ events: IN | C.EPOLLRDHUP, data: s }]);
      expect(await sys.shutdown(s, C.SHUT_WR)).toBe(0);
      await sys.nanosleep(1);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([{ events: IN | C.EPOLLRDHUP | C.EPOLLHUP, data: s }]);
    });
  });

  it('EPOLLERR and EPOLLHUP are reported though not asked for (a reset connection)', async () => {
    await inProcess(async (sys) => {
      const { c, s } = await tcpPair(sys);
      // events 0: only what epoll always adds.
      const ep = await epollOn(sys, s, 0);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([]);
      expect(await sys.setsockopt(c, C.SOL_SOCKET, C.SO_LINGER, { onoff: 1, linger: 0 })).toBe(0);
      expect(await sys.close(c)).toBe(0);
      await sys.nanosleep(1);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([{ events: C.EPOLLERR | C.EPOLLHUP, data: s }]);
    });
  });

  it('a listener is readable (EPOLLIN) when a connection waits in its accept queue', async () => {
    await inProcess(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: LO, port: 7001 });
      await sys.listen(l, 4);
      const ep = await epollOn(sys, l, IN);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([]);
      const c = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(c, { addr: LO, port: 7001 })).toBe(0);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([{ events: IN, data: l }]);
      expect(await sys.accept(l)).toBeGreaterThan(0);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([]);
    });
  });

  it('UDP: EPOLLOUT at once (sock_writeable), EPOLLIN when a datagram arrives', async () => {
    await inProcess(async (sys) => {
      const a = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      const b = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(b, { addr: LO, port: 9000 });
      const ep = await epollOn(sys, b, IN | OUT);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([{ events: OUT, data: b }]);
      expect(await sys.sendto(a, 'x', 0, { addr: LO, port: 9000 })).toBe(1);
      expect(await sys.epoll_wait(ep, 8, 0)).toEqual([{ events: IN | OUT, data: b }]);
    });
  });
});

describe('sleeping in epoll_wait', () => {
  it('the timeout runs on the network clock: -1 waits for data, 0 returns at once, 250 ms returns [] after 250 ms', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const seen: { t: number; r: unknown }[] = [];
    h.spawn(async (sys) => {
      const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(u, { addr: LO, port: 9001 });
      const ep = await epollOn(sys, u, IN);
      const t0 = net.now();
      for (const timeout of [0, 250, -1]) {
        const r = await sys.epoll_wait(ep, 8, timeout);
        seen.push({ t: net.now() - t0, r });
      }
    });
    h.spawn(async (sys) => {
      await sys.nanosleep(1000);
      const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.sendto(u, 'wake', 0, { addr: LO, port: 9001 });
    });
    await net.run({ untilIdle: true });
    expect(seen).toEqual([
      { t: 0, r: [] },
      { t: 250, r: [] },
      { t: 1000, r: [{ events: IN, data: 0 }] },
    ]);
    await expectNoLeaks(net);
  });

  it('a wait across a link wakes when the peer sends', async () => {
    const net = await boot();
    const a = net.addHost({ name: 'a', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'b', ip: '10.0.0.2' });
    net.link(a, b, { delayMs: 5 });
    let got: unknown;
    let at = 0;
    b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 80 });
      await sys.listen(l, 4);
      const s = await sys.accept(l);
      const ep = await epollOn(sys, s, IN | C.EPOLLET, 42);
      got = await sys.epoll_wait(ep, 8, -1);
      at = net.now();
    });
    a.spawn(async (sys) => {
      const c = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.connect(c, { addr: '10.0.0.2', port: 80 });
      await sys.nanosleep(500);
      await sys.send(c, 'ping');
      await sys.nanosleep(100);
    });
    await net.run({ untilIdle: true });
    expect(got).toEqual([{ events: IN, data: 42 }]);
    // ARP and the handshake took 20 ms; the data left at 520 and landed 5 ms later.
    expect(at).toBeGreaterThanOrEqual(525);
    expect(at).toBeLessThan(526);
    await expectNoLeaks(net);
  });

  it('several processes on one shared epoll fd, level-triggered: each reporter wakes the next (ep_done_scan), so all see it', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const results: unknown[] = [];
    h.spawn(async (sys) => {
      const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(u, { addr: LO, port: 9004 });
      const ep = await epollOn(sys, u, IN, 7);
      const pids: number[] = [];
      for (let i = 0; i < 3; i++) pids.push(await sys.fork(async (cs) => { results.push(await cs.epoll_wait(ep, 8, 2000)); }));
      await sys.nanosleep(100);
      await sys.sendto(u, 'one', 0, { addr: LO, port: 9004 });
      for (const p of pids) await sys.waitpid(p);
    });
    await net.run({ untilIdle: true });
    expect(results).toEqual([[{ events: IN, data: 7 }], [{ events: IN, data: 7 }], [{ events: IN, data: 7 }]]);
    await expectNoLeaks(net);
  });

  it('several processes waiting on one shared epoll fd, edge-triggered: one event wakes one (ep->wq is exclusive)', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const results: unknown[] = [];
    let ep = -1;
    let sender = -1;
    const pids: number[] = [];
    h.spawn(async (sys) => {
      const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(u, { addr: LO, port: 9002 });
      ep = await epollOn(sys, u, IN | C.EPOLLET);
      sender = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      for (let i = 0; i < 3; i++) pids.push(await sys.fork(async (cs) => { results.push(await cs.epoll_wait(ep, 8, 2000)); }));
      await sys.nanosleep(100);
      await sys.sendto(sender, 'one', 0, { addr: LO, port: 9002 });
      for (const p of pids) await sys.waitpid(p);
    });
    await net.run({ untilIdle: true });
    expect(results.filter((r) => Array.isArray(r) && r.length === 1)).toHaveLength(1);
    expect(results.filter((r) => Array.isArray(r) && r.length === 0)).toHaveLength(2);
    await expectNoLeaks(net);
  });

  it('a process killed while in epoll_wait leaves no wait entry or timer behind', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const p = h.spawn(async (sys) => {
      const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      const ep = await epollOn(sys, u, IN);
      await sys.epoll_wait(ep, 8, 60_000);
    });
    await net.run({ untilMs: 100 });
    expect(h.stats().timers).toBe(1);
    p.kill(9);
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ signal: 9 });
    expect(h.kernel.x.stat_epitems()).toBe(0);
    await expectNoLeaks(net);
  });
});

describe('nested epoll', () => {
  it('an epoll fd inside another reports EPOLLIN when one of its items is ready, and wakes a sleeper', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const seen: unknown[] = [];
    h.spawn(async (sys) => {
      const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(u, { addr: LO, port: 9003 });
      const inner = await epollOn(sys, u, IN, 1);
      const outer = await epollOn(sys, inner, IN, 2);
      seen.push(await sys.epoll_wait(outer, 8, 0));
      seen.push(await sys.epoll_wait(outer, 8, -1));
      seen.push(await sys.epoll_wait(inner, 8, 0));
    });
    h.spawn(async (sys) => {
      await sys.nanosleep(50);
      const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.sendto(u, 'x', 0, { addr: LO, port: 9003 });
    });
    await net.run({ untilIdle: true });
    expect(seen).toEqual([[], [{ events: IN, data: 2 }], [{ events: IN, data: 1 }]]);
    await expectNoLeaks(net);
  });
});

describe('lifetime of items', () => {
  it('closing the last descriptor of a file removes it from every epoll (eventpoll_release)', async () => {
    await inProcess(async (sys, h) => {
      const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      const e1 = await epollOn(sys, u, OUT);
      const e2 = await epollOn(sys, u, OUT);
      expect(h.kernel.x.stat_epitems()).toBe(2);
      expect(await sys.close(u)).toBe(0);
      expect(h.kernel.x.stat_epitems()).toBe(0);
      expect(await sys.epoll_wait(e1, 8, 0)).toEqual([]);
      expect(await sys.epoll_wait(e2, 8, 0)).toEqual([]);
      expect(await sys.epoll_ctl(e1, C.EPOLL_CTL_DEL, u)).toBe(-C.EBADF);
      // Closing an epoll fd frees its items.
      const v = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      expect(await sys.epoll_ctl(e1, C.EPOLL_CTL_ADD, v, { events: OUT })).toBe(0);
      expect(h.kernel.x.stat_epitems()).toBe(1);
      expect(await sys.close(e1)).toBe(0);
      expect(h.kernel.x.stat_epitems()).toBe(0);
    });
  });

  it('after fork, a close in one process leaves the item while the other still holds the file', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const seen: unknown[] = [];
    h.spawn(async (sys) => {
      const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      const ep = await epollOn(sys, u, OUT, 5);
      const child = await sys.fork(async (cs) => { await cs.nanosleep(100); });
      expect(await sys.close(u)).toBe(0);
      // The child's reference keeps the file, so the item stays and keeps reporting.
      seen.push(await sys.epoll_wait(ep, 8, 0), h.kernel.x.stat_epitems());
      await sys.waitpid(child);
      seen.push(await sys.epoll_wait(ep, 8, 0), h.kernel.x.stat_epitems());
    });
    await net.run({ untilIdle: true });
    expect(seen).toEqual([[{ events: OUT, data: 5 }], 1, [], 0]);
    await expectNoLeaks(net);
  });
});

describe('thundering herd on a listener (4 forked processes)', () => {
  /** Four children wait on one listener in `mode`; one client connects. */
  async function herd(mode: 'accept' | 'epoll' | 'exclusive'): Promise<{ woke: number; accepted: number; eagain: number }> {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const outcome = { woke: 0, accepted: 0, eagain: 0 };
    const pids: number[] = [];
    const x = h.kernel.x;
    h.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: LO, port: 7100 });
      await sys.listen(l, 16);
      if (mode !== 'accept') await sys.fcntl(l, C.F_SETFL, C.O_NONBLOCK);
      for (let i = 0; i < 4; i++) {
        pids.push(await sys.fork(async (cs) => {
          const me = await cs.getpid();
          const w0 = x.task_wakeups(me);
          if (mode === 'accept') {
            const r = await cs.accept(l);
            if (x.task_wakeups(me) > w0) outcome.woke++;
            if (r >= 0) outcome.accepted++;
            return;
          }
          const ep = await cs.epoll_create1(0);
          await cs.epoll_ctl(ep, C.EPOLL_CTL_ADD, l, { events: IN | (mode === 'exclusive' ? C.EPOLLEXCLUSIVE : 0) });
          const ev = await cs.epoll_wait(ep, 1, 1000);
          if (x.task_wakeups(me) > w0) outcome.woke++;
          if (!Array.isArray(ev) || ev.length === 0) return;
          const r = await cs.accept(l);
          if (r >= 0) outcome.accepted++;
          else if (r === -C.EAGAIN) outcome.eagain++;
        }));
      }
      await sys.nanosleep(10);
      const c = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.connect(c, { addr: LO, port: 7100 });
      await sys.nanosleep(1);
      // Waiters that were not woken are still asleep: end them.
      for (const p of pids) h.processes.get(p)?.kill(9);
      for (const p of pids) await sys.waitpid(p);
    });
    await net.run({ untilIdle: true });
    await expectNoLeaks(net);
    return outcome;
  }

  it('blocking accept: the waiters sleep exclusively, one connection wakes one', async () => {
    expect(await herd('accept')).toEqual({ woke: 1, accepted: 1, eagain: 0 });
  });

  it('epoll without EPOLLEXCLUSIVE: every waiter wakes, one accepts, the rest get EAGAIN', async () => {
    expect(await herd('epoll')).toEqual({ woke: 4, accepted: 1, eagain: 3 });
  });

  it('epoll with EPOLLEXCLUSIVE: one waiter wakes and accepts', async () => {
    expect(await herd('exclusive')).toEqual({ woke: 1, accepted: 1, eagain: 0 });
  });
});

describe('EPOLLOUT and TCP_NOTSENT_LOWAT (tcp_poll: __sk_stream_is_writeable with wake = 1)', () => {
  it('a socket with unsent bytes at or above half its notsent mark is not writable; ACKs that send the rest make it so', async () => {
    const net = await boot();
    const a = net.addHost({ name: 'a', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'b', ip: '10.0.0.2' });
    net.link(a, b, { delayMs: 10, rateBps: 100e6 });
    b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 80 });
      await sys.listen(l, 4);
      const c = await sys.accept(l);
      const buf = new Uint8Array(65536);
      while ((await sys.recv(c, buf, 0)) > 0);
      await sys.close(c);
      await sys.close(l);
    });
    const p = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      // A send buffer far larger than what is queued: memory never decides writability here.
      expect(await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_SNDBUF, 1 << 20)).toBe(0);
      expect(await sys.connect(fd, { addr: b.ip, port: 80 })).toBe(0);
      expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_NOTSENT_LOWAT, 16384)).toBe(0);
      const ep = await sys.epoll_create1(0);
      expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, fd, { events: OUT, data: 1 })).toBe(0);
      expect(datas(await sys.epoll_wait(ep, 4, 0))).toEqual([1]); // nothing unsent yet
      // 10 segments leave at once (the initial window); the rest stays unsent.
      expect(await sys.send(fd, new Uint8Array(14480 + 9000), C.MSG_DONTWAIT)).toBeGreaterThan(14480);
      // 9000 unsent >= 16384 / 2: tcp_stream_memory_free(sk, 1) says no.
      expect(datas(await sys.epoll_wait(ep, 4, 0))).toEqual([]);
      const t0 = await sys.clock_gettime();
      expect(datas(await sys.epoll_wait(ep, 4, 1000))).toEqual([1]);
      // Writable again only after the first ACKs came back (one RTT) and let the rest go.
      expect(await sys.clock_gettime()).toBeGreaterThanOrEqual(t0 + 19);
      await sys.close(ep);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });
});
