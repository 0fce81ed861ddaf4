// poll(2) and select(2) at the syscall level: the same readiness as epoll (tcp_poll,
// datagram_poll), POLLNVAL and EBADF for bad descriptors, FD_SETSIZE, timeouts on the
// network clock, and sleeping on every polled file's wait queue at once (poll_table
// entries) until one of them wakes. Linux: fs/select.c.
import { describe, expect, it } from 'vitest';
import { constants as C, type Host, type Network } from '../../build/host/index.js';
import type { Sys, PollFd } from '../../build/host/syscall/async.js';
import { boot, expectNoLeaks } from '../helpers/machine.js';
import { inProcess, tcpPair as tcpPairOn, LO } from '../helpers/readiness.js';


const tcpPair = (sys: Sys, port = 7200) => tcpPairOn(sys, port);

const revents = (fds: PollFd[]) => fds.map((f) => f.revents);

describe('poll', () => {
  it('POLLNVAL for a closed descriptor, a negative fd is skipped, POLLOUT on a connected socket', async () => {
    await inProcess(async (sys) => {
      const { c, s } = await tcpPair(sys);
      const fds: PollFd[] = [
        { fd: c, events: C.POLLIN | C.POLLOUT },
        { fd: 77, events: C.POLLIN },
        { fd: -1, events: C.POLLIN },
        { fd: s, events: C.POLLIN },
      ];
      expect(await sys.poll(fds, 0)).toBe(2);
      expect(revents(fds)).toEqual([C.POLLOUT, C.POLLNVAL, 0, 0]);
    });
  });

  it('reports only the events asked for, plus POLLERR and POLLHUP always', async () => {
    await inProcess(async (sys) => {
      const { c, s } = await tcpPair(sys);
      expect(await sys.send(c, 'hi')).toBe(2);
      const fds: PollFd[] = [{ fd: s, events: C.POLLOUT }, { fd: s, events: C.POLLIN | C.POLLRDNORM }, { fd: s, events: 0 }];
      expect(await sys.poll(fds, 0)).toBe(2);
      expect(revents(fds)).toEqual([C.POLLOUT, C.POLLIN | C.POLLRDNORM, 0]);
      // A reset: POLLERR and POLLHUP reach even the entry that asked for nothing.
      expect(await sys.setsockopt(c, C.SOL_SOCKET, C.SO_LINGER, { onoff: 1, linger: 0 })).toBe(0);
      expect(await sys.close(c)).toBe(0);
      expect(await sys.poll(fds, 0)).toBe(3);
      expect(revents(fds)[2]).toBe(C.POLLERR | C.POLLHUP);
    });
  });

  it('more fds than RLIMIT_NOFILE (1024) is EINVAL', async () => {
    await inProcess(async (sys) => {
      const many: PollFd[] = Array.from({ length: 1025 }, () => ({ fd: -1, events: 0 }));
      expect(await sys.poll(many, 0)).toBe(-C.EINVAL);
      expect(await sys.poll(many.slice(0, 1024), 0)).toBe(0);
    });
  });

  it('sleeps on every polled socket at once and wakes for the one that gets data; the timeout is on the network clock', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const seen: unknown[] = [];
    h.spawn(async (sys) => {
      const us: number[] = [];
      for (let i = 0; i < 3; i++) {
        const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
        await sys.bind(u, { addr: LO, port: 9100 + i });
        us.push(u);
      }
      const fds: PollFd[] = us.map((fd) => ({ fd, events: C.POLLIN }));
      const t0 = net.now();
      const n1 = await sys.poll(fds, 300);
      seen.push([n1, net.now() - t0, revents(fds)]);
      // The entries went with the answer (poll_freewait).
      seen.push(h.kernel.x.stat_poll_entries());
      const n2 = await sys.poll(fds, -1);
      seen.push([n2, net.now() - t0, revents(fds)]);
      seen.push(h.kernel.x.stat_poll_entries());
    });
    h.spawn(async (sys) => {
      await sys.nanosleep(1000);
      const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.sendto(u, 'x', 0, { addr: LO, port: 9101 });
    });
    await net.run({ untilIdle: true });
    expect(seen).toEqual([[0, 300, [0, 0, 0]], 0, [1, 1000, [0, C.POLLIN, 0]], 0]);
    await expectNoLeaks(net);
  });

  it('an epoll fd polls readable when one of its items is ready', async () => {
    await inProcess(async (sys) => {
      const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(u, { addr: LO, port: 9110 });
      const ep = await sys.epoll_create1(0);
      await sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, u, { events: C.EPOLLIN });
      const fds: PollFd[] = [{ fd: ep, events: C.POLLIN | C.POLLOUT }];
      expect(await sys.poll(fds, 0)).toBe(0);
      await sys.sendto(u, 'x', 0, { addr: LO, port: 9110 });
      expect(await sys.poll(fds, 0)).toBe(1);
      // ep_eventpoll_poll says EPOLLIN | EPOLLRDNORM; poll keeps what was asked for.
      expect(fds[0].revents).toBe(C.POLLIN);
    });
  });

  it('task_interrupt (a signal\'s path) takes a sleeping poll off every queue and disarms its timer', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const p = h.spawn(async (sys) => {
      const a = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      const b = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.poll([{ fd: a, events: C.POLLIN }, { fd: b, events: C.POLLIN }], 60_000);
    });
    await net.run({ untilMs: 50 });
    expect([h.kernel.x.stat_poll_entries(), h.stats().timers]).toEqual([2, 1]);
    expect(h.kernel.x.task_interrupt(p.pid)).toBe(0);
    expect([h.kernel.x.stat_poll_entries(), h.stats().timers]).toEqual([0, 0]);
    p.kill(9);
    await net.run({ untilIdle: true });
    await expectNoLeaks(net);
  });

  it('a process killed in poll leaves no entry on any wait queue', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const p = h.spawn(async (sys) => {
      const a = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      const b = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.poll([{ fd: a, events: C.POLLIN }, { fd: b, events: C.POLLIN }], -1);
    });
    await net.run({ untilMs: 50 });
    expect(h.kernel.x.stat_poll_entries()).toBe(2);
    p.kill(9);
    await net.run({ untilIdle: true });
    expect(h.kernel.x.stat_poll_entries()).toBe(0);
    await expectNoLeaks(net);
  });
});

describe('nonblocking connect, the classic way', () => {
  async function connectAndPoll(port: number): Promise<unknown[]> {
    const net = await boot();
    const a = net.addHost({ name: 'a', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'b', ip: '10.0.0.2' });
    net.link(a, b, { delayMs: 10 });
    const seen: unknown[] = [];
    b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 80 });
      await sys.listen(l, 4);
      await sys.nanosleep(200);
    });
    a.spawn(async (sys) => {
      const c = await sys.socket(C.AF_INET, C.SOCK_STREAM | C.SOCK_NONBLOCK, 0);
      seen.push(await sys.connect(c, { addr: '10.0.0.2', port }));
      const t0 = net.now();
      // SYN_SENT: tcp_poll reports nothing until the handshake ends either way.
      const fds: PollFd[] = [{ fd: c, events: C.POLLOUT }];
      const n = await sys.poll(fds, -1);
      seen.push(n, fds[0].revents, Math.round(net.now() - t0), await sys.getsockopt(c, C.SOL_SOCKET, C.SO_ERROR));
    });
    await net.run({ untilIdle: true });
    await expectNoLeaks(net);
    return seen;
  }

  it('poll(POLLOUT) sleeps through SYN_SENT and wakes writable when the handshake completes', async () => {
    // ARP (20 ms) then SYN and SYN-ACK (20 ms).
    expect(await connectAndPoll(80)).toEqual([-C.EINPROGRESS, 1, C.POLLOUT, 40, 0]);
  });

  it('a refused connect wakes poll with POLLOUT|POLLERR|POLLHUP and SO_ERROR ECONNREFUSED', async () => {
    expect(await connectAndPoll(81)).toEqual([-C.EINPROGRESS, 1, C.POLLOUT | C.POLLERR | C.POLLHUP, 40, C.ECONNREFUSED]);
  });
});

describe('select', () => {
  it('EBADF when any set holds a descriptor that is not open; EINVAL past FD_SETSIZE or for a negative timeout', async () => {
    await inProcess(async (sys) => {
      const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      expect(await sys.select([], [u, 50], [], 0)).toBe(-C.EBADF);
      expect(await sys.select([], [], [50], 0)).toBe(-C.EBADF);
      expect(await sys.select([1024], [], [], 0)).toBe(-C.EINVAL);
      expect(await sys.select([-1], [], [], 0)).toBe(-C.EINVAL);
      expect(await sys.select([u], [], [], -5)).toBe(-C.EINVAL);
      expect(await sys.select([u], [u], [u], 0)).toEqual({ n: 1, readfds: [], writefds: [u], exceptfds: [] });
    });
  });

  it('readable, writable and a listener with a pending connection; nothing is ever exceptional without urgent data', async () => {
    await inProcess(async (sys) => {
      const { l, c, s } = await tcpPair(sys);
      expect(await sys.select([l, s], [], [l, s, c], 0)).toEqual({ n: 0, readfds: [], writefds: [], exceptfds: [] });
      expect(await sys.send(c, 'abc')).toBe(3);
      const c2 = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(c2, { addr: LO, port: 7200 })).toBe(0);
      expect(await sys.select([l, s, c], [c], [s], 0)).toEqual({ n: 3, readfds: [l, s], writefds: [c], exceptfds: [] });
    });
  });

  it('a peer\'s FIN makes the socket readable (POLLIN_SET holds POLLRDHUP\'s companions IN and HUP)', async () => {
    await inProcess(async (sys) => {
      const { c, s } = await tcpPair(sys);
      expect(await sys.shutdown(c, C.SHUT_WR)).toBe(0);
      await sys.nanosleep(1);
      expect(await sys.select([s], [], [], 0)).toEqual({ n: 1, readfds: [s], writefds: [], exceptfds: [] });
    });
  });

  it('blocks until a datagram arrives, or for exactly its timeout; no timeout (null) waits forever', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const seen: unknown[] = [];
    h.spawn(async (sys) => {
      const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(u, { addr: LO, port: 9200 });
      const t0 = net.now();
      const r1 = await sys.select([u], [], [], 120);
      seen.push([r1, net.now() - t0]);
      const r2 = await sys.select([u], [], [], null);
      seen.push([r2, net.now() - t0]);
    });
    h.spawn(async (sys) => {
      await sys.nanosleep(700);
      const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.sendto(u, 'x', 0, { addr: LO, port: 9200 });
    });
    await net.run({ untilIdle: true });
    expect(seen).toEqual([
      [{ n: 0, readfds: [], writefds: [], exceptfds: [] }, 120],
      [{ n: 1, readfds: [0], writefds: [], exceptfds: [] }, 700],
    ]);
    await expectNoLeaks(net);
  });

  it('empty sets with a timeout sleep for the timeout (the classic portable usleep)', async () => {
    await inProcess(async (sys, _h, net) => {
      const t0 = net.now();
      expect(await sys.select([], [], [], 40)).toEqual({ n: 0, readfds: [], writefds: [], exceptfds: [] });
      expect(net.now() - t0).toBe(40);
    });
  });
});
