// Signals in worker processes (host.spawnWorker), signal(7) as for host.spawn processes:
// the handler function runs in the worker, the kernel decides EINTR or SA_RESTART (the
// same decision as for async processes), kill/sigprocmask/sigpending from a worker, the
// default actions, and handlers at the next syscall when the signal came while the worker
// computed. Also: every syscall, sleeping or not, runs due handlers before it returns.
// The worker's side is workers/signals.mjs; the signals come from async processes at known
// virtual times. The cases that also run in Chromium are in worker-signals.browser.test.ts.
import { describe, expect, it } from 'vitest';
import { constants as C, type Host, type Sys } from '../../build/host/index.js';
import { boot, expectNoLeaks } from '../helpers/machine.js';
import { fixture, newReport, readReport, until } from './worker-helpers.js';

async function oneHost() {
  const net = await boot();
  const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
  return { net, h };
}
/** An async process on h that runs fn after `ms` of virtual time. */
const later = (h: Host, ms: number, fn: (sys: Sys) => Promise<unknown>) =>
  h.spawn(async (sys) => { await sys.nanosleep(ms); await fn(sys); return 0; }, { name: `at${ms}` });
/** A datagram to 127.0.0.1:port. */
async function datagram(sys: Sys, port: number, data: string): Promise<void> {
  const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
  expect(await sys.sendto(fd, data, 0, { addr: '127.0.0.1', port })).toBe(data.length);
  await sys.close(fd);
}
function spawnMode(h: Host, mode: string, opt: Record<string, unknown> = {}, channelBytes?: number) {
  const sab = newReport();
  const p = h.spawnWorker(fixture('signals.mjs'), { args: [sab, mode, opt], channelBytes });
  return { p, log: () => readReport<string[]>(sab) };
}

describe('worker signals: interrupted calls, EINTR or SA_RESTART', () => {
  it('blocking recv + handled signal without SA_RESTART: the handler runs in the worker, then recv returns EINTR', async () => {
    const { net, h } = await oneHost();
    const { p, log } = spawnMode(h, 'recv');
    later(h, 100, (sys) => sys.kill(p.pid, C.SIGUSR1));
    later(h, 200, (sys) => datagram(sys, 7, 'late'));
    await net.run();
    expect(await p.exited).toEqual({ code: 0 });
    expect(log()).toEqual([`handler ${C.SIGUSR1} at 100`, 'recv EINTR at 100', 'recv 4 late at 200']);
    await expectNoLeaks(net);
  });

  it('blocking recv + handler with SA_RESTART: the handler runs and recv goes on to return the datagram', async () => {
    const { net, h } = await oneHost();
    const { p, log } = spawnMode(h, 'recv', { flags: C.SA_RESTART });
    later(h, 100, (sys) => sys.kill(p.pid, C.SIGUSR1));
    later(h, 200, (sys) => datagram(sys, 7, 'late'));
    await net.run();
    expect(await p.exited).toEqual({ code: 0 });
    expect(log()).toEqual([`handler ${C.SIGUSR1} at 100`, 'recv 4 late at 200']);
    await expectNoLeaks(net);
  });

  it('recv with SO_RCVTIMEO is never restarted: EINTR even under SA_RESTART', async () => {
    const { net, h } = await oneHost();
    const { p, log } = spawnMode(h, 'recv', { flags: C.SA_RESTART, rcvtimeo: 10_000 });
    later(h, 100, (sys) => sys.kill(p.pid, C.SIGUSR1));
    later(h, 200, (sys) => datagram(sys, 7, 'late'));
    await net.run();
    expect(await p.exited).toEqual({ code: 0 });
    expect(log()).toEqual([`handler ${C.SIGUSR1} at 100`, 'recv EINTR at 100', 'recv 4 late at 200']);
    await expectNoLeaks(net);
  });

  const again: Record<string, string> = {
    epoll_wait: '[{"events":1,"data":42}] at 200',
    poll: '{"r":1,"revents":1} at 200',
    select: '{"n":1,"readfds":[0],"writefds":[],"exceptfds":[]} at 200',
    nanosleep: '0 at 1100',
  };
  for (const call of ['epoll_wait', 'poll', 'select', 'nanosleep']) {
    it(`${call} in a worker + handler with SA_RESTART: EINTR (never restarted); called again, it ${call === 'nanosleep' ? 'sleeps its time' : 'reports the datagram'}`, async () => {
      const { net, h } = await oneHost();
      const { p, log } = spawnMode(h, 'wait', { call });
      later(h, 100, (sys) => sys.kill(p.pid, C.SIGUSR1));
      later(h, 200, (sys) => datagram(sys, 7, 'ping'));
      await net.run();
      expect(await p.exited).toEqual({ code: 0 });
      expect(log()).toEqual([`handler ${C.SIGUSR1} at 100`, `${call} EINTR at 100`, `${call} ${again[call]}`]);
      await expectNoLeaks(net);
    });
  }

  it('a handler that makes its own recv on the way out of a recv that got data: each call keeps its bytes (in-place and chunked channel)', async () => {
    for (const bufLen of [64, 8192]) {
      const { net, h } = await oneHost();
      // 4 KiB of channel: the 8192-byte buffers go through the kernel side's spare buffer.
      const { p, log } = spawnMode(h, 'inplace', { bufLen }, 4096);
      // Both datagrams and the signal before the worker's recv is retried: it returns the
      // data, and the handler runs before that answer reaches the worker.
      later(h, 100, async (sys) => {
        await datagram(sys, 8, 'zzzz');
        await datagram(sys, 7, 'hello');
        expect(await sys.kill(p.pid, C.SIGUSR1)).toBe(0);
      });
      await net.run();
      expect(await p.exited).toEqual({ code: 0 });
      expect(log()).toEqual(['handler recv 4 zzzz', 'recv 5 hello at 100']);
      await expectNoLeaks(net);
    }
  });

  it('an exception from a worker handler comes out of the interrupted call, and the handler’s mask is lifted', async () => {
    const { net, h } = await oneHost();
    const { p, log } = spawnMode(h, 'throw');
    later(h, 100, (sys) => sys.kill(p.pid, C.SIGUSR1));
    await net.run();
    expect(await p.exited).toEqual({ code: 0 });
    expect(log()).toEqual(['caught from handler at 100', 'mask []']);
    await expectNoLeaks(net);
  });

  it('a blocking send restarted under SA_RESTART after a handler that used the channel still sends the caller’s bytes', async () => {
    const { net, h } = await oneHost();
    const len = 200_000;
    const chunks: Uint8Array[] = [];
    h.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.setsockopt(l, C.SOL_SOCKET, C.SO_RCVBUF, 4096); // inherited by the accepted socket
      await sys.bind(l, { addr: '127.0.0.1', port: 80 });
      await sys.listen(l, 1);
      const c = await sys.accept(l);
      await sys.nanosleep(100); // the sender fills the buffers and sleeps in send
      const buf = new Uint8Array(65536);
      for (let n; (n = await sys.recv(c, buf, 0)) > 0;) chunks.push(buf.slice(0, n));
      await sys.close(c);
      await sys.close(l);
    }, { name: 'reader' });
    const { p, log } = spawnMode(h, 'sendrestart', { len });
    later(h, 50, (sys) => sys.kill(p.pid, C.SIGUSR1));
    await net.run();
    expect(await p.exited).toEqual({ code: 0 });
    const [connect, filled, ...rest] = log();
    expect([connect, ...rest]).toEqual(['connect 0', 'handler send EMSGSIZE', `send ${len}`]);
    const f = Number(filled.split(' ')[1]);
    expect(f).toBeGreaterThan(0);
    const got = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    chunks.reduce((o, c) => { got.set(c, o); return o + c.length; }, 0);
    const want = new Uint8Array(f + len).map((_, i) => (i < f ? 0x55 : (i - f) % 251));
    expect(got.length).toBe(want.length);
    expect(got.findIndex((b, i) => b !== want[i])).toBe(-1);
    await expectNoLeaks(net);
  });

  it('a worker handler that calls exit() ends the process with that status, its socket closed', async () => {
    const { net, h } = await oneHost();
    const { p } = spawnMode(h, 'exit');
    later(h, 100, (sys) => sys.kill(p.pid, C.SIGUSR1));
    await net.run();
    expect(await p.exited).toEqual({ code: 5 });
    await expectNoLeaks(net);
  });
});

describe('worker signals: SIGPIPE, SIGIO, SIGCHLD, default actions', () => {
  it('SIGPIPE in a worker: a handler runs before send returns EPIPE; SIG_IGN gets EPIPE; the default kills it', async () => {
    for (const disp of ['handler', 'ignore', 'default']) {
      const { net, h } = await oneHost();
      const { p, log } = spawnMode(h, 'sigpipe', { disp });
      await net.run();
      if (disp === 'default') {
        expect(await p.exited).toEqual({ signal: C.SIGPIPE });
      } else {
        expect(await p.exited).toEqual({ code: 0 });
        expect(log()).toEqual(['connect 0', ...(disp === 'handler' ? [`handler ${C.SIGPIPE} at 0`] : []), 'send EPIPE']);
      }
      await expectNoLeaks(net);
    }
  });

  it('SIGIO reaches a worker that owns an O_ASYNC socket: its sleep is interrupted when a datagram arrives', async () => {
    const { net, h } = await oneHost();
    const { p, log } = spawnMode(h, 'sigio');
    later(h, 40, (sys) => datagram(sys, 7, 'hello'));
    await net.run();
    expect(await p.exited).toEqual({ code: 0 });
    expect(log()).toEqual([`handler ${C.SIGIO} at 40`, 'nanosleep EINTR at 40', 'recv 5']);
    await expectNoLeaks(net);
  });

  it('SIGCHLD reaches a worker when its forked worker exits: the handler runs, the sleep is EINTR, waitpid reaps', async () => {
    const { net, h } = await oneHost();
    const { p, log } = spawnMode(h, 'sigchld');
    await net.run();
    expect(await p.exited).toEqual({ code: 0 });
    expect(log()).toEqual([`handler ${C.SIGCHLD} at 50`, 'nanosleep EINTR at 50', 'waitpid code 3']);
    await expectNoLeaks(net);
  });

  it('SIGKILL ends a worker asleep in recv that blocks every signal and ignores SIGTERM', async () => {
    const { net, h } = await oneHost();
    const { p } = spawnMode(h, 'sigkill');
    await net.run();
    expect(p.state).toBe('blocked');
    p.kill(C.SIGTERM); // SIG_IGN and blocked: it stays pending, nothing happens
    p.kill(C.SIGUSR1); // blocked: pending, nothing happens
    await net.run();
    expect(p.state).toBe('blocked');
    p.kill(C.SIGKILL);
    await net.run();
    expect(await p.exited).toEqual({ signal: C.SIGKILL });
    await expectNoLeaks(net);
  });

  it('fork(moduleUrl) in a worker is fork + execve: the child’s handled signals are SIG_DFL again, SIG_IGN stays', async () => {
    const { net, h } = await oneHost();
    const { p, log } = spawnMode(h, 'exec');
    await net.run({ untilMs: 100 });
    const child = [...h.processes.values()].find((q) => q.pid !== p.pid)!;
    expect(child.state).toBe('blocked');
    child.kill(C.SIGHUP); // SIG_IGN, inherited
    await net.run({ untilMs: 200 });
    expect(child.state).toBe('blocked');
    child.kill(C.SIGUSR2); // handled in the parent, default in the child: it dies of it
    await net.run();
    expect(net.now()).toBe(200);
    expect(await child.exited).toEqual({ signal: C.SIGUSR2 });
    expect(await p.exited).toEqual({ code: 0 });
    expect(log()).toEqual([`waitpid signal ${C.SIGUSR2}`]);
    await expectNoLeaks(net);
  });
});

describe('worker signals: kill, process groups, sigprocmask', () => {
  it('kill between a worker and an async process, both ways; a non-root process may not signal the (root) worker', async () => {
    const { net, h } = await oneHost();
    const peerLog: string[] = [];
    let worker = 0;
    const peer = h.spawn(async (sys) => {
      await sys.sigaction(C.SIGUSR2, { handler: (s) => { peerLog.push(`handler ${s} at ${net.now()}`); } });
      peerLog.push(`nanosleep ${await sys.nanosleep(500)} at ${net.now()}`);
      await sys.nanosleep(100);
      peerLog.push(`kill ${await sys.kill(worker, C.SIGUSR1)}`);
    }, { name: 'peer' });
    const { p, log } = spawnMode(h, 'peer', { peer: peer.pid });
    worker = p.pid;
    const stranger = h.spawn(async (sys) => ((await sys.kill(p.pid, C.SIGUSR1)) === -C.EPERM ? 0 : 1), { uid: 1000 });
    await net.run();
    expect(await p.exited).toEqual({ code: 0 });
    expect(await peer.exited).toEqual({ code: 0 });
    expect(await stranger.exited).toEqual({ code: 0 });
    expect(peerLog).toEqual([`handler ${C.SIGUSR2} at 0`, `nanosleep ${-C.EINTR} at 0`, 'kill 0']);
    expect(log()).toEqual(['kill 0', `handler ${C.SIGUSR1} at 100`, 'nanosleep EINTR at 100']);
    await expectNoLeaks(net);
  });

  for (const how of ['zero', 'pgid', 'all']) {
    const target = { zero: 'kill(0)', pgid: 'kill(-pgid)', all: 'kill(-1)' }[how];
    it(`${target} from a worker: ${how === 'all' ? 'every other process (its forked child and an async one), not itself' : 'itself (before kill returns) and its forked child, not an async process of another group'}`, async () => {
      const { net, h } = await oneHost();
      const seen: string[] = [];
      const bystander = h.spawn(async (sys) => {
        await sys.sigaction(C.SIGUSR1, { handler: () => { seen.push(`handler at ${net.now()}`); } });
        seen.push(`nanosleep ${await sys.nanosleep(1000)}`);
      }, { name: 'bystander' });
      const { p, log } = spawnMode(h, 'group', { how });
      await net.run();
      expect(await p.exited).toEqual({ code: 0 });
      expect(await bystander.exited).toEqual({ code: 0 });
      const self = how === 'all' ? [] : [`handler ${C.SIGUSR1} at 100`];
      expect(log()).toEqual([...self, 'kill 0 at 100', 'waitpid code 7']);
      expect(seen).toEqual(how === 'all' ? ['handler at 100', `nanosleep ${-C.EINTR}`] : ['nanosleep 0']);
      await expectNoLeaks(net);
    });
  }

  it('sigprocmask in a worker: a blocked signal to itself waits in sigpending, and runs before the unblocking call returns', async () => {
    const { net, h } = await oneHost();
    const { p, log } = spawnMode(h, 'mask');
    await net.run();
    expect(await p.exited).toEqual({ code: 0 });
    expect(log()).toEqual([
      'sigprocmask []', 'kill 0', `sigpending [${C.SIGUSR1}]`, `handler ${C.SIGUSR1} at 0`, `sigprocmask [${C.SIGUSR1}]`, 'sigpending []',
    ]);
    await expectNoLeaks(net);
  });

  it('a signal sent while the worker computes runs its handler at the next syscall: before getpid returns, before nanosleep sleeps', async () => {
    const { net, h } = await oneHost();
    const flag = new SharedArrayBuffer(8);
    const f = new Int32Array(flag);
    const sab = newReport();
    const p = h.spawnWorker(fixture('signals.mjs'), { args: [sab, 'compute', { flag }] });
    for (const i of [1, 2]) {
      await until(() => Atomics.load(f, 0) === i, `the worker computing (${i})`);
      p.kill(C.SIGUSR1);
      Atomics.store(f, 1, i);
      Atomics.notify(f, 1);
    }
    await net.run();
    expect(await p.exited).toEqual({ code: 0 });
    expect(readReport(sab)).toEqual([`handler ${C.SIGUSR1} at 0`, 'getpid true', `handler ${C.SIGUSR1} at 0`, 'nanosleep 0 at 50']);
    await expectNoLeaks(net);
  });
});

describe('signals at the return of every syscall (exit_to_user_mode), async processes', () => {
  const calls: [string, (sys: Sys, fd: number) => Promise<unknown>][] = [
    ['getpid', (sys) => sys.getpid()],
    ['clock_gettime', (sys) => sys.clock_gettime()],
    ['socket', async (sys) => sys.close(await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0))],
    ['bind', (sys, fd) => sys.bind(fd, { addr: '127.0.0.1', port: 9 })],
    ['getsockopt', (sys, fd) => sys.getsockopt(fd, C.SOL_SOCKET, C.SO_TYPE)],
    ['setsockopt', (sys, fd) => sys.setsockopt(fd, C.SOL_SOCKET, C.SO_RCVBUF, 4096)],
    ['fcntl', (sys, fd) => sys.fcntl(fd, C.F_GETFL)],
    ['epoll_create1', async (sys) => sys.close(await sys.epoll_create1(0))],
    ['sigpending', (sys) => sys.sigpending()],
  ];
  for (const [name, call] of calls) {
    it(`a signal that came while the process was busy is handled before ${name} returns`, async () => {
      const { net, h } = await oneHost();
      const log: string[] = [];
      let go!: () => void;
      const gate = new Promise<void>((r) => { go = r; });
      const p = h.spawn(async (sys) => {
        await sys.sigaction(C.SIGUSR1, { handler: () => { log.push('handler'); } });
        const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
        await gate; // busy outside kstack: the signal comes now
        await call(sys, fd);
        log.push(name);
        await sys.close(fd);
      });
      h.spawn(async (sys) => { expect(await sys.kill(p.pid, C.SIGUSR1)).toBe(0); go(); });
      await net.run();
      expect(await p.exited).toEqual({ code: 0 });
      expect(log).toEqual(['handler', name]);
      await expectNoLeaks(net);
    });
  }
});
