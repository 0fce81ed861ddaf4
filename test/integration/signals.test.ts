// Signals as signal(7) describes them, for host.spawn processes: dispositions and default
// actions, kill(2) errors, sigprocmask and pending signals, SIGPIPE on a broken stream,
// EINTR versus SA_RESTART on blocking calls (never restarted: socket timeouts, nanosleep),
// signal-driven I/O (O_ASYNC, F_SETOWN, F_SETSIG), and SIGCHLD. Everything on the virtual
// clock: a signal is sent by another process at a known time.
import { describe, expect, it } from 'vitest';
import { constants as C, errnoName, type Sys } from '../../build/host/index.js';
import { boot, expectNoLeaks, pair } from '../helpers/machine.js';

const E = (r: unknown): string => (typeof r === 'number' && r < 0 ? errnoName(r) ?? String(r) : String(r));

async function listenOn(sys: Sys, port: number): Promise<number> {
  const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  expect(await sys.bind(fd, { addr: '0.0.0.0', port })).toBe(0);
  expect(await sys.listen(fd, 16)).toBe(0);
  return fd;
}
async function dial(sys: Sys, addr = '10.0.0.2', port = 80): Promise<number> {
  const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  expect(await sys.connect(fd, { addr, port })).toBe(0);
  return fd;
}

/** One host, and a process that sends `signo` to `target` after `ms` of virtual time. */
async function oneHost() {
  const net = await boot();
  const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
  const killer = (target: () => number, signo: number, ms: number) =>
    h.spawn(async (sys) => {
      await sys.nanosleep(ms);
      return sys.kill(target(), signo);
    }, { name: 'killer' });
  return { net, h, killer };
}

describe('signals: dispositions and default actions', () => {
  it.each([
    ['SIGTERM', C.SIGTERM], ['SIGINT', C.SIGINT], ['SIGHUP', C.SIGHUP], ['SIGUSR1', C.SIGUSR1],
    ['SIGUSR2', C.SIGUSR2], ['SIGALRM', C.SIGALRM], ['SIGPIPE', C.SIGPIPE], ['SIGIO', C.SIGIO],
  ])('default action of %s: the process dies of it (exited → { signal })', async (_n, signo) => {
    const { net, h, killer } = await oneHost();
    const victim = h.spawn(async (sys) => {
      await sys.nanosleep(1000);
      return 7;
    });
    const k = killer(() => victim.pid, signo, 10);
    await net.run({ untilIdle: true });
    expect(await victim.exited).toEqual({ signal: signo });
    expect(await k.exited).toEqual({ code: 0 });
    expect(net.now()).toBeLessThan(1000);
    await expectNoLeaks(net);
  });

  it.each([['SIGCHLD', C.SIGCHLD], ['SIGURG', C.SIGURG], ['SIGWINCH', C.SIGWINCH]])(
    'default action of %s: ignored, a blocking call is not even interrupted', async (_n, signo) => {
      const { net, h, killer } = await oneHost();
      const victim = h.spawn(async (sys) => E(await sys.nanosleep(1000)) === '0' ? 7 : 1);
      const k = killer(() => victim.pid, signo, 10);
      await net.run({ untilIdle: true });
      expect(await victim.exited).toEqual({ code: 7 });
      expect(await k.exited).toEqual({ code: 0 });
      await expectNoLeaks(net);
    });

  it('SIG_IGN: SIGTERM is discarded; SIG_DFL restores the default, which kills', async () => {
    const { net, h, killer } = await oneHost();
    const victim = h.spawn(async (sys) => {
      expect(await sys.sigaction(C.SIGTERM, { handler: 'SIG_IGN' })).toBe(0);
      expect(await sys.nanosleep(100)).toBe(0); // the SIGTERM at 10 ms changed nothing
      expect(await sys.sigaction(C.SIGTERM, { handler: 'SIG_DFL' })).toBe(0);
      await sys.nanosleep(1000);
      return 1;
    });
    killer(() => victim.pid, C.SIGTERM, 10);
    killer(() => victim.pid, C.SIGTERM, 200);
    await net.run({ untilIdle: true });
    expect(await victim.exited).toEqual({ signal: C.SIGTERM });
    await expectNoLeaks(net);
  });

  it('sigaction on SIGKILL or SIGSTOP: EINVAL for any action; bad numbers EINVAL; reading works', async () => {
    const { net, h } = await oneHost();
    let got = '';
    const p = h.spawn(async (sys) => {
      const f = () => {};
      got = [
        await sys.sigaction(C.SIGKILL, { handler: f }), await sys.sigaction(C.SIGKILL, { handler: 'SIG_IGN' }),
        await sys.sigaction(C.SIGKILL, { handler: 'SIG_DFL' }), await sys.sigaction(C.SIGSTOP, { handler: 'SIG_IGN' }),
        await sys.sigaction(0, { handler: f }), await sys.sigaction(65, { handler: f }), await sys.sigaction(-1, { handler: f }),
        await sys.sigaction(C.SIGUSR1, { handler: 'bogus' as never }), await sys.sigaction(C.SIGUSR1, { handler: f, mask: [99] }),
        await sys.sigaction(C.SIGKILL, null), await sys.sigaction(C.SIGUSR1, { handler: f, mask: [C.SIGUSR2] }),
      ].map(E).join(' ');
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    expect(got).toBe('EINVAL EINVAL EINVAL EINVAL EINVAL EINVAL EINVAL EINVAL EINVAL 0 0');
    await expectNoLeaks(net);
  });

  it('SIGKILL cannot be caught or blocked: it ends a process that blocks every signal', async () => {
    const { net, h, killer } = await oneHost();
    const all = Array.from({ length: 64 }, (_, i) => i + 1);
    const victim = h.spawn(async (sys) => {
      const old = await sys.sigprocmask(C.SIG_BLOCK, all);
      expect(old).toEqual([]);
      const now = await sys.sigprocmask(C.SIG_BLOCK, null);
      expect(now).not.toContain(C.SIGKILL);
      expect(now).not.toContain(C.SIGSTOP);
      expect(now).toContain(C.SIGTERM);
      await sys.nanosleep(1000);
      return 1;
    });
    killer(() => victim.pid, C.SIGTERM, 10);
    killer(() => victim.pid, C.SIGKILL, 20);
    await net.run({ untilIdle: true });
    expect(await victim.exited).toEqual({ signal: C.SIGKILL });
    await expectNoLeaks(net);
  });
});

describe('signals: kill(2)', () => {
  it('kill errors: ESRCH for no such process, EINVAL for a bad signal, 0 checks existence, EPERM across uids', async () => {
    const { net, h } = await oneHost();
    const rootProc = h.spawn(async (sys) => { await sys.nanosleep(100); return 0; }, { name: 'root' });
    const peer = h.spawn(async (sys) => { await sys.nanosleep(100); return 0; }, { name: 'peer', uid: 1000 });
    let got = '';
    const user = h.spawn(async (sys) => {
      got = [
        await sys.kill(999, 0), await sys.kill(999, 999), // no such process: ESRCH before the signal is looked at
        await sys.kill(rootProc.pid, 65), await sys.kill(rootProc.pid, -1),
        await sys.kill(rootProc.pid, 0), await sys.kill(rootProc.pid, C.SIGTERM), // root's process: EPERM
        await sys.kill(peer.pid, 0), await sys.kill(await sys.getpid(), 0),
      ].map(E).join(' ');
    }, { name: 'user', uid: 1000 });
    await net.run({ untilIdle: true });
    expect(got).toBe('ESRCH ESRCH EINVAL EINVAL EPERM EPERM 0 0');
    expect(await user.exited).toEqual({ code: 0 });
    expect(await rootProc.exited).toEqual({ code: 0 }); // the refused SIGTERM did nothing
    expect(await peer.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('root may signal anyone; kill(-1) reaches every other process, kill(0) the caller’s group', async () => {
    const { net, h } = await oneHost();
    const a = h.spawn(async (sys) => { await sys.nanosleep(1000); return 0; }, { uid: 1000 });
    const b = h.spawn(async (sys) => { await sys.nanosleep(1000); return 0; }, { uid: 2000 });
    let r = 0;
    const root = h.spawn(async (sys) => {
      await sys.nanosleep(10);
      r = await sys.kill(-1, C.SIGTERM);
      return 5;
    });
    await net.run({ untilIdle: true });
    expect(r).toBe(0);
    expect(await a.exited).toEqual({ signal: C.SIGTERM });
    expect(await b.exited).toEqual({ signal: C.SIGTERM });
    expect(await root.exited).toEqual({ code: 5 });

    const { net: net2, h: h2 } = await oneHost();
    const other = h2.spawn(async (sys) => { await sys.nanosleep(100); return 3; });
    const group = h2.spawn(async (sys) => {
      const child = await sys.fork(async (c) => { await c.nanosleep(1000); return 0; });
      await sys.nanosleep(10);
      expect(await sys.sigaction(C.SIGUSR1, { handler: 'SIG_IGN' })).toBe(0);
      expect(await sys.kill(0, C.SIGUSR1)).toBe(0); // the child (same group) dies of it
      expect(await sys.waitpid(child)).toEqual({ pid: child, signal: C.SIGUSR1 });
      return 4;
    });
    await net2.run({ untilIdle: true });
    expect(await group.exited).toEqual({ code: 4 });
    expect(await other.exited).toEqual({ code: 3 }); // another group
    await expectNoLeaks(net);
    await expectNoLeaks(net2);
  });

  it('a signal to oneself is handled before kill returns; handle.kill() from the host as well', async () => {
    const { net, h } = await oneHost();
    const log: string[] = [];
    const p = h.spawn(async (sys) => {
      await sys.sigaction(C.SIGUSR1, { handler: (s) => { log.push(`handler ${s}`); } });
      log.push(`kill ${await sys.kill(await sys.getpid(), C.SIGUSR1)}`);
      log.push(`sleep ${E(await sys.nanosleep(1000))}`);
      return 0;
    });
    await net.run({ untilMs: 100 });
    p.kill(C.SIGUSR1);
    await net.run({ untilIdle: true });
    expect(log).toEqual([`handler ${C.SIGUSR1}`, 'kill 0', `handler ${C.SIGUSR1}`, 'sleep EINTR']);
    expect(await p.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });
});

describe('signals: sigprocmask and pending signals', () => {
  it('a blocked signal stays pending (sigpending) and is delivered when unblocked, before sigprocmask returns', async () => {
    const { net, h, killer } = await oneHost();
    const log: string[] = [];
    const p = h.spawn(async (sys) => {
      await sys.sigaction(C.SIGUSR1, { handler: () => { log.push('handler'); } });
      expect(await sys.sigprocmask(C.SIG_BLOCK, [C.SIGUSR1])).toEqual([]);
      log.push(`sleep ${E(await sys.nanosleep(100))}`); // not interrupted: blocked
      log.push(`pending ${JSON.stringify(await sys.sigpending())}`);
      const old = await sys.sigprocmask(C.SIG_UNBLOCK, [C.SIGUSR1]);
      log.push(`unblocked, old ${JSON.stringify(old)}`);
      log.push(`pending ${JSON.stringify(await sys.sigpending())}`);
      return 0;
    });
    killer(() => p.pid, C.SIGUSR1, 10);
    await net.run({ untilIdle: true });
    expect(log).toEqual(['sleep 0', `pending [${C.SIGUSR1}]`, 'handler', `unblocked, old [${C.SIGUSR1}]`, 'pending []']);
    await expectNoLeaks(net);
  });

  it('SIG_SETMASK replaces and returns the old mask; a bad how is EINVAL; a blocked SIGTERM kills once unblocked', async () => {
    const { net, h, killer } = await oneHost();
    const log: string[] = [];
    const p = h.spawn(async (sys) => {
      await sys.sigprocmask(C.SIG_SETMASK, [C.SIGTERM, C.SIGUSR2, 40]);
      log.push(JSON.stringify(await sys.sigprocmask(C.SIG_SETMASK, [C.SIGTERM])));
      log.push(E(await sys.sigprocmask(7, [C.SIGUSR1])));
      log.push(E(await sys.sigprocmask(C.SIG_BLOCK, [0])));
      await sys.nanosleep(100);
      log.push('still alive');
      await sys.sigprocmask(C.SIG_SETMASK, []);
      log.push('not reached');
      return 0;
    });
    killer(() => p.pid, C.SIGTERM, 10);
    await net.run({ untilIdle: true });
    expect(log).toEqual([`[${C.SIGUSR2},${C.SIGTERM},40]`, 'EINVAL', 'EINVAL', 'still alive']);
    expect(await p.exited).toEqual({ signal: C.SIGTERM });
    await expectNoLeaks(net);
  });

  it('a handler runs with its signal blocked (a second one waits for it), unless SA_NODEFER; sa_mask blocks more', async () => {
    const { net, h } = await oneHost();
    const log: string[] = [];
    const p = h.spawn(async (sys) => {
      const me = await sys.getpid();
      let depth = 0;
      let calls = 0;
      await sys.sigaction(C.SIGUSR1, {
        handler: async () => {
          depth++;
          log.push(`usr1 in, depth ${depth}`);
          if (++calls === 1) {
            await sys.kill(me, C.SIGUSR1); // blocked while we run: pending
            await sys.kill(me, C.SIGUSR2); // in sa_mask: pending
            log.push(`pending ${JSON.stringify(await sys.sigpending())}`);
          }
          log.push(`usr1 out, depth ${depth}`);
          depth--;
        },
        mask: [C.SIGUSR2],
      });
      await sys.sigaction(C.SIGUSR2, { handler: () => { log.push('usr2'); } });
      await sys.kill(me, C.SIGUSR1);
      log.push('--- SA_NODEFER');
      await sys.sigaction(C.SIGUSR1, {
        handler: async () => {
          depth++;
          log.push(`nodefer in, depth ${depth}`);
          if (++calls === 3) await sys.kill(me, C.SIGUSR1); // delivered at once, nested
          log.push(`nodefer out, depth ${depth}`);
          depth--;
        },
        flags: C.SA_NODEFER,
      });
      await sys.kill(me, C.SIGUSR1);
      return 0;
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    expect(log).toEqual([
      'usr1 in, depth 1', `pending [${C.SIGUSR1},${C.SIGUSR2}]`, 'usr1 out, depth 1',
      'usr1 in, depth 1', 'usr1 out, depth 1', 'usr2',
      '--- SA_NODEFER',
      'nodefer in, depth 1', 'nodefer in, depth 2', 'nodefer out, depth 2', 'nodefer out, depth 1',
    ]);
    await expectNoLeaks(net);
  });

  it('SA_RESETHAND: the handler runs once, then the default action applies', async () => {
    const { net, h, killer } = await oneHost();
    let calls = 0;
    const p = h.spawn(async (sys) => {
      await sys.sigaction(C.SIGUSR1, { handler: () => { calls++; }, flags: C.SA_RESETHAND });
      expect(E(await sys.nanosleep(100))).toBe('EINTR');
      await sys.nanosleep(100);
      return 0;
    });
    killer(() => p.pid, C.SIGUSR1, 10);
    killer(() => p.pid, C.SIGUSR1, 50);
    await net.run({ untilIdle: true });
    expect(calls).toBe(1);
    expect(await p.exited).toEqual({ signal: C.SIGUSR1 });
    await expectNoLeaks(net);
  });
});
