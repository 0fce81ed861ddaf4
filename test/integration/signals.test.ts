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

describe('signals: interrupted calls, EINTR or SA_RESTART', () => {
  /** Server b: listens on 80, accepts, waits `delay` ms, sends "late", closes. */
  function lateServer(b: import('../../build/host/index.js').Host, delay: number) {
    return b.spawn(async (sys) => {
      const l = await listenOn(sys, 80);
      const c = await sys.accept(l);
      await sys.nanosleep(delay);
      await sys.send(c, 'late');
      const buf = new Uint8Array(8);
      await sys.recv(c, buf, 0); // until the client closes
      await sys.close(c);
      await sys.close(l);
    }, { name: 'server' });
  }

  it('blocking recv + handled signal without SA_RESTART: the handler runs, then recv returns EINTR', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    lateServer(b, 500);
    const log: string[] = [];
    const client = a.spawn(async (sys) => {
      await sys.sigaction(C.SIGUSR1, { handler: () => { log.push('handler'); } });
      const fd = await dial(sys);
      const buf = new Uint8Array(8);
      log.push(`recv ${E(await sys.recv(fd, buf, 0))} at ${net.now()}`);
      log.push(`recv ${E(await sys.recv(fd, buf, 0))} at ${net.now()}`); // the data, later
      await sys.close(fd);
    });
    a.spawn(async (sys) => { await sys.nanosleep(100); return sys.kill(client.pid, C.SIGUSR1); });
    await net.run({ untilIdle: true });
    expect(log[0]).toBe('handler');
    expect(log[1]).toMatch(/^recv EINTR at 100(\.\d+)?$/);
    expect(log[2]).toMatch(/^recv 4 at 50\d/);
    expect(await client.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('blocking recv + handler with SA_RESTART: the handler runs and recv goes on to return the data', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    lateServer(b, 500);
    const log: string[] = [];
    const client = a.spawn(async (sys) => {
      await sys.sigaction(C.SIGUSR1, { handler: () => { log.push(`handler at ${net.now()}`); }, flags: C.SA_RESTART });
      const fd = await dial(sys);
      const buf = new Uint8Array(8);
      log.push(`recv ${E(await sys.recv(fd, buf, 0))}`);
      await sys.close(fd);
    });
    a.spawn(async (sys) => { await sys.nanosleep(100); return sys.kill(client.pid, C.SIGUSR1); });
    await net.run({ untilIdle: true });
    expect(log).toEqual([expect.stringMatching(/^handler at 100/), 'recv 4']);
    await expectNoLeaks(net);
  });

  it('recv with SO_RCVTIMEO is never restarted: EINTR even under SA_RESTART', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    lateServer(b, 500);
    const log: string[] = [];
    const client = a.spawn(async (sys) => {
      await sys.sigaction(C.SIGUSR1, { handler: () => { log.push('handler'); }, flags: C.SA_RESTART });
      const fd = await dial(sys);
      await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_RCVTIMEO_OLD, 10_000);
      const buf = new Uint8Array(8);
      log.push(`recv ${E(await sys.recv(fd, buf, 0))}`);
      log.push(`recv ${E(await sys.recv(fd, buf, 0))}`);
      await sys.close(fd);
    });
    a.spawn(async (sys) => { await sys.nanosleep(100); return sys.kill(client.pid, C.SIGUSR1); });
    await net.run({ untilIdle: true });
    expect(log).toEqual(['handler', 'recv EINTR', 'recv 4']);
    await expectNoLeaks(net);
  });

  it('blocking accept: EINTR without SA_RESTART; restarted with it, returning the connection that comes later', async () => {
    for (const flags of [0, C.SA_RESTART]) {
      const { net, a, b } = await pair({ delayMs: 1 });
      const log: string[] = [];
      const server = b.spawn(async (sys) => {
        await sys.sigaction(C.SIGUSR2, { handler: () => { log.push('handler'); }, flags });
        const l = await listenOn(sys, 80);
        let c = await sys.accept(l);
        log.push(`accept ${c >= 0 ? 'fd' : E(c)} at ${Math.round(net.now())}`);
        if (c < 0) c = await sys.accept(l);
        await sys.close(c);
        await sys.close(l);
      });
      b.spawn(async (sys) => { await sys.nanosleep(100); return sys.kill(server.pid, C.SIGUSR2); });
      a.spawn(async (sys) => {
        await sys.nanosleep(300);
        const fd = await dial(sys);
        await sys.close(fd);
      });
      await net.run({ untilIdle: true });
      // The connection completes after 300 ms (plus ARP and the handshake on the 1 ms link).
      expect(log).toEqual(flags ? ['handler', expect.stringMatching(/^accept fd at 30\d$/)] : ['handler', 'accept EINTR at 100']);
      expect(await server.exited).toEqual({ code: 0 });
      await expectNoLeaks(net);
    }
  });

  it('blocking connect interrupted: EINTR, the handshake goes on, and connect again waits for it (0)', async () => {
    const { net, a, b } = await pair({ delayMs: 50 });
    const log: string[] = [];
    b.spawn(async (sys) => {
      const l = await listenOn(sys, 80);
      const c = await sys.accept(l);
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      await sys.sigaction(C.SIGUSR1, { handler: () => { log.push('handler'); } });
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      log.push(`connect ${E(await sys.connect(fd, { addr: '10.0.0.2', port: 80 }))}`);
      log.push(`connect ${E(await sys.connect(fd, { addr: '10.0.0.2', port: 80 }))} at ${Math.round(net.now())}`);
      log.push(`connect ${E(await sys.connect(fd, { addr: '10.0.0.2', port: 80 }))}`);
      await sys.close(fd);
    });
    a.spawn(async (sys) => { await sys.nanosleep(20); return sys.kill(client.pid, C.SIGUSR1); });
    await net.run({ untilIdle: true });
    // ARP's round trip, then the SYN's: the handshake completes at 200 ms.
    expect(log).toEqual(['handler', 'connect EINTR', 'connect 0 at 200', 'connect EISCONN']);
    await expectNoLeaks(net);
  });

  it('nanosleep interrupted: EINTR even under SA_RESTART (never restarted)', async () => {
    const { net, h, killer } = await oneHost();
    const log: string[] = [];
    const p = h.spawn(async (sys) => {
      await sys.sigaction(C.SIGALRM, { handler: () => { log.push('handler'); }, flags: C.SA_RESTART });
      log.push(`sleep ${E(await sys.nanosleep(1000))} at ${net.now()}`);
      return 0;
    });
    killer(() => p.pid, C.SIGALRM, 30);
    await net.run({ untilIdle: true });
    expect(log).toEqual(['handler', 'sleep EINTR at 30']);
    expect(await p.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('a blocking send into a full buffer: SO_SNDTIMEO makes it EINTR even under SA_RESTART; without it, it restarts', async () => {
    for (const sndtimeo of [true, false]) {
      const { net, a, b } = await pair({ delayMs: 1 });
      b.spawn(async (sys) => {
        const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
        await sys.setsockopt(l, C.SOL_SOCKET, C.SO_RCVBUF, 4096); // a window that closes soon
        await sys.bind(l, { addr: '0.0.0.0', port: 80 });
        await sys.listen(l, 4);
        const c = await sys.accept(l);
        await sys.nanosleep(500); // then drains everything
        const buf = new Uint8Array(65536);
        while ((await sys.recv(c, buf, 0)) > 0);
        await sys.close(c);
        await sys.close(l);
      });
      const log: string[] = [];
      const client = a.spawn(async (sys) => {
        await sys.sigaction(C.SIGUSR1, { handler: () => { log.push('handler'); }, flags: C.SA_RESTART });
        const fd = await dial(sys);
        if (sndtimeo) await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_SNDTIMEO_OLD, 10_000);
        // Fill both buffers: the peer's window closes, so nothing frees space until 500 ms.
        while ((await sys.send(fd, new Uint8Array(65536), C.MSG_DONTWAIT)) > 0);
        await sys.nanosleep(50);
        while ((await sys.send(fd, new Uint8Array(65536), C.MSG_DONTWAIT)) > 0);
        log.push(`send ${E(await sys.send(fd, 'x', 0))} at ${Math.round(net.now())}`);
        await sys.close(fd);
      });
      a.spawn(async (sys) => { await sys.nanosleep(200); return sys.kill(client.pid, C.SIGUSR1); });
      await net.run({ untilIdle: true });
      // Restarted, the send runs again from the top: it takes the byte as soon as the
      // buffer has room for it — at once if autotuning grew sk_sndbuf meanwhile (less than
      // sk_stream_write_space needs to wake a sleeper), else when the reader drains at 500.
      expect(log).toEqual(sndtimeo ? ['handler', 'send EINTR at 200'] : ['handler', expect.stringMatching(/^send 1 at (200|5\d\d)$/)]);
      await expectNoLeaks(net);
    }
  });

  it('a blocking send interrupted after part of the data went returns the bytes sent, not EINTR', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    let release = 0;
    b.spawn(async (sys) => {
      const l = await listenOn(sys, 80);
      const c = await sys.accept(l);
      await sys.nanosleep(500); // not reading: the client's send fills both buffers
      const buf = new Uint8Array(65536);
      let n;
      while ((n = await sys.recv(c, buf, 0)) > 0) release += n;
      await sys.close(c);
      await sys.close(l);
    });
    let sent = 0;
    const log: string[] = [];
    const client = a.spawn(async (sys) => {
      await sys.sigaction(C.SIGUSR1, { handler: () => { log.push('handler'); } });
      const fd = await dial(sys);
      await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_SNDBUF, 16384);
      sent = await sys.send(fd, new Uint8Array(4 << 20), 0);
      await sys.close(fd);
    });
    a.spawn(async (sys) => { await sys.nanosleep(100); return sys.kill(client.pid, C.SIGUSR1); });
    await net.run({ untilIdle: true });
    expect(log).toEqual(['handler']);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(4 << 20);
    expect(release).toBe(sent);
    await expectNoLeaks(net);
  });
});

describe('signals: epoll_wait, poll and select are never restarted', () => {
  for (const call of ['epoll_wait', 'poll', 'select'] as const) {
    it(`${call} sleeping on an idle socket + handler with SA_RESTART: the handler runs, then ${call} returns EINTR`, async () => {
      const net = await boot();
      const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
      const log: string[] = [];
      const p = h.spawn(async (sys) => {
        await sys.sigaction(C.SIGUSR1, { handler: () => { log.push(`handler at ${net.now()}`); }, flags: C.SA_RESTART });
        const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
        await sys.bind(fd, { addr: '127.0.0.1', port: 9 });
        let r: unknown;
        if (call === 'epoll_wait') {
          const ep = await sys.epoll_create1(0);
          await sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, fd, { events: C.EPOLLIN, data: fd });
          r = await sys.epoll_wait(ep, 4, 1000);
          await sys.close(ep);
        } else if (call === 'poll') {
          r = await sys.poll([{ fd, events: C.POLLIN }], 1000);
        } else {
          r = await sys.select([fd], [], [], 1000);
        }
        log.push(`${call} ${E(r)} at ${net.now()}`);
        await sys.close(fd);
      });
      h.spawn(async (sys) => { await sys.nanosleep(100); return sys.kill(p.pid, C.SIGUSR1); });
      await net.run({ untilIdle: true });
      expect(log).toEqual([expect.stringMatching(/^handler at 100/), expect.stringMatching(new RegExp(`^${call} EINTR at 100`))]);
      expect(await p.exited).toEqual({ code: 0 });
      await expectNoLeaks(net);
    });
  }
});

describe('signals: SIGPIPE', () => {
  /** Server: accepts one connection and resets it (SO_LINGER {1, 0}), or shuts it down. */
  function resetter(b: import('../../build/host/index.js').Host) {
    return b.spawn(async (sys) => {
      const l = await listenOn(sys, 80);
      const c = await sys.accept(l);
      await sys.setsockopt(c, C.SOL_SOCKET, C.SO_LINGER, { onoff: 1, linger: 0 });
      await sys.close(c);
      await sys.close(l);
    });
  }

  it('a careless writer to a reset stream dies of SIGPIPE; MSG_NOSIGNAL gets EPIPE and lives', async () => {
    for (const flags of [0, C.MSG_NOSIGNAL]) {
      const { net, a, b } = await pair({ delayMs: 5 });
      resetter(b);
      const log: string[] = [];
      const client = a.spawn(async (sys) => {
        const fd = await dial(sys);
        await sys.nanosleep(50);
        log.push(E(await sys.send(fd, 'y', flags))); // ECONNRESET: no signal
        log.push(E(await sys.send(fd, 'y', flags)));
        await sys.close(fd);
        return 3;
      });
      await net.run({ untilIdle: true });
      if (flags) {
        expect(log).toEqual(['ECONNRESET', 'EPIPE']);
        expect(await client.exited).toEqual({ code: 3 });
      } else {
        expect(log).toEqual(['ECONNRESET']);
        expect(await client.exited).toEqual({ signal: C.SIGPIPE });
      }
      await expectNoLeaks(net);
    }
  });

  it('SIG_IGN for SIGPIPE: write after shutdown(SHUT_WR) returns EPIPE; a handler runs, then EPIPE', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    b.spawn(async (sys) => {
      const l = await listenOn(sys, 80);
      const c = await sys.accept(l);
      const buf = new Uint8Array(8);
      await sys.recv(c, buf, 0);
      await sys.close(c);
      await sys.close(l);
    });
    const log: string[] = [];
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      await sys.shutdown(fd, C.SHUT_WR);
      await sys.sigaction(C.SIGPIPE, { handler: 'SIG_IGN' });
      log.push(E(await sys.write(fd, 'x')));
      await sys.sigaction(C.SIGPIPE, { handler: (s) => { log.push(`handler ${s}`); } });
      log.push(E(await sys.send(fd, 'x', 0)));
      log.push(E(await sys.send(fd, 'x', C.MSG_NOSIGNAL)));
      await sys.close(fd);
      return 0;
    });
    await net.run({ untilIdle: true });
    expect(log).toEqual(['EPIPE', `handler ${C.SIGPIPE}`, 'EPIPE', 'EPIPE']);
    expect(await client.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('a UDP send never raises SIGPIPE', async () => {
    const { net, h } = await oneHost();
    const p = h.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.connect(fd, { addr: '127.0.0.1', port: 9 });
      await sys.shutdown(fd, C.SHUT_WR);
      const r = await sys.send(fd, 'x', 0);
      await sys.close(fd);
      return r === -C.EPIPE ? 0 : 1;
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });
});

describe('signals: signal-driven I/O (O_ASYNC, F_SETOWN, F_SETSIG)', () => {
  it('SIGIO to the owner when a datagram makes an O_ASYNC socket readable; F_GETOWN/F_GETSIG; F_SETOWN checks the pid', async () => {
    const { net, h } = await oneHost();
    const log: string[] = [];
    const p = h.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(fd, { addr: '127.0.0.1', port: 5000 });
      await sys.sigaction(C.SIGIO, { handler: (s) => { log.push(`handler ${s}`); } });
      log.push(`setown bad ${E(await sys.fcntl(fd, C.F_SETOWN, 999))}`);
      await sys.fcntl(fd, C.F_SETOWN, await sys.getpid());
      await sys.fcntl(fd, C.F_SETFL, C.O_ASYNC | C.O_NONBLOCK);
      log.push(`getown ${(await sys.fcntl(fd, C.F_GETOWN)) === (await sys.getpid())} getsig ${await sys.fcntl(fd, C.F_GETSIG)}`);
      log.push(`sleep ${E(await sys.nanosleep(1000))} at ${net.now()}`);
      const buf = new Uint8Array(16);
      log.push(`recv ${await sys.recv(fd, buf, 0)}`);
      await sys.close(fd);
      return 0;
    });
    h.spawn(async (sys) => {
      await sys.nanosleep(40);
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.sendto(fd, 'hello', 0, { addr: '127.0.0.1', port: 5000 });
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(log).toEqual(['setown bad ESRCH', 'getown true getsig 0', `handler ${C.SIGIO}`, 'sleep EINTR at 40', 'recv 5']);
    expect(await p.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('SIGIO when a connection arrives on an O_ASYNC listener; without O_ASYNC nothing is raised', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    const log: string[] = [];
    const server = b.spawn(async (sys) => {
      await sys.sigaction(C.SIGIO, { handler: () => { log.push(`SIGIO at ${Math.round(net.now())}`); } });
      const l = await listenOn(sys, 80);
      await sys.fcntl(l, C.F_SETOWN, await sys.getpid());
      log.push(`sleep ${E(await sys.nanosleep(100))}`); // owner set, O_ASYNC not: no signal
      await sys.fcntl(l, C.F_SETFL, C.O_ASYNC);
      log.push(`sleep ${E(await sys.nanosleep(1000))}`);
      const c = await sys.accept(l);
      await sys.close(c);
      await sys.close(l);
    });
    a.spawn(async (sys) => {
      await sys.close(await dial(sys));
      await sys.nanosleep(200);
      await sys.close(await dial(sys));
    });
    await net.run({ untilIdle: true });
    expect(log).toEqual(['sleep 0', expect.stringMatching(/^SIGIO at 20\d$/), 'sleep EINTR']);
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('F_SETSIG chooses the signal; with no handler, SIGIO’s default action kills the owner', async () => {
    const { net, h } = await oneHost();
    const log: string[] = [];
    const owner = (setsig: number) => h.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(fd, { addr: '127.0.0.1', port: 6000 + setsig });
      await sys.sigaction(C.SIGUSR1, { handler: (s) => { log.push(`handler ${s}`); } });
      await sys.fcntl(fd, C.F_SETOWN, await sys.getpid());
      if (setsig) log.push(`setsig ${await sys.fcntl(fd, C.F_SETSIG, setsig)} getsig ${await sys.fcntl(fd, C.F_GETSIG)}`);
      await sys.fcntl(fd, C.F_SETFL, C.O_ASYNC);
      log.push(`sleep ${E(await sys.nanosleep(1000))}`);
      await sys.close(fd);
      return 0;
    });
    const p1 = owner(C.SIGUSR1);
    const p2 = owner(0);
    h.spawn(async (sys) => {
      await sys.nanosleep(10);
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.sendto(fd, 'a', 0, { addr: '127.0.0.1', port: 6000 + C.SIGUSR1 });
      await sys.sendto(fd, 'b', 0, { addr: '127.0.0.1', port: 6000 });
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(log).toEqual([`setsig 0 getsig ${C.SIGUSR1}`, `handler ${C.SIGUSR1}`, 'sleep EINTR']);
    expect(await p1.exited).toEqual({ code: 0 });
    expect(await p2.exited).toEqual({ signal: C.SIGIO });
    await expectNoLeaks(net);
  });

  it('write space raises SIGIO only after a writer found the buffer full', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    b.spawn(async (sys) => {
      const l = await listenOn(sys, 80);
      const c = await sys.accept(l);
      await sys.nanosleep(300);
      const buf = new Uint8Array(65536);
      while ((await sys.recv(c, buf, 0)) > 0);
      await sys.close(c);
      await sys.close(l);
    });
    const log: string[] = [];
    const client = a.spawn(async (sys) => {
      await sys.sigaction(C.SIGIO, { handler: () => { log.push(`SIGIO at ${Math.round(net.now())}`); } });
      const fd = await dial(sys);
      await sys.fcntl(fd, C.F_SETOWN, await sys.getpid());
      await sys.fcntl(fd, C.F_SETFL, C.O_ASYNC | C.O_NONBLOCK);
      log.push(`small send ${await sys.send(fd, 'x', 0)}`);
      log.push(`sleep ${E(await sys.nanosleep(100))}`); // its ACK frees space: no SIGIO
      let n = 0;
      while ((await sys.send(fd, new Uint8Array(65536), 0)) > 0) n++;
      log.push(`full after ${n > 0 ? 'some' : 'no'} sends`);
      log.push(`sleep ${E(await sys.nanosleep(10_000))}`);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    // The peer's receive buffer still takes data in flight, so space comes back soon after
    // the buffer filled (tcp_new_space), long before the reader wakes at 300 ms.
    expect(log).toEqual(['small send 1', 'sleep 0', 'full after some sends', expect.stringMatching(/^SIGIO at 1\d\d$/), 'sleep EINTR']);
    expect(await client.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('F_SETOWN with -pgid signals the whole process group', async () => {
    const { net, h } = await oneHost();
    const log: string[] = [];
    const p = h.spawn(async (sys) => {
      // One handler function for both (fork copies the disposition); both run it.
      await sys.sigaction(C.SIGIO, { handler: () => { log.push('SIGIO'); } });
      const child = await sys.fork(async (c) => {
        log.push(`child sleep ${E(await c.nanosleep(1000))}`);
      });
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(fd, { addr: '127.0.0.1', port: 7000 });
      const pg = -(await sys.getpid());
      await sys.fcntl(fd, C.F_SETOWN, pg);
      log.push(`getown ${(await sys.fcntl(fd, C.F_GETOWN)) === pg}`);
      await sys.fcntl(fd, C.F_SETFL, C.O_ASYNC);
      log.push(`parent sleep ${E(await sys.nanosleep(1000))}`);
      await sys.waitpid(child);
      await sys.close(fd);
      return 0;
    });
    h.spawn(async (sys) => {
      await sys.nanosleep(10);
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.sendto(fd, 'a', 0, { addr: '127.0.0.1', port: 7000 });
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(log.slice(0, 1)).toEqual(['getown true']);
    expect(log.slice(1).sort()).toEqual(['SIGIO', 'SIGIO', 'child sleep EINTR', 'parent sleep EINTR']);
    expect(await p.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });
});

describe('signals: SIGCHLD', () => {
  it('SIGCHLD is ignored by default: the parent’s sleep is not interrupted when its child exits', async () => {
    const { net, h } = await oneHost();
    let slept = '';
    const p = h.spawn(async (sys) => {
      const child = await sys.fork(async (c) => { await c.nanosleep(10); return 3; });
      slept = E(await sys.nanosleep(100));
      return (await sys.waitpid(child) as { code: number }).code;
    });
    await net.run({ untilIdle: true });
    expect(slept).toBe('0');
    expect(await p.exited).toEqual({ code: 3 });
    await expectNoLeaks(net);
  });

  it('a SIGCHLD handler runs when a forked child exits, interrupting the parent’s blocking call', async () => {
    const { net, h } = await oneHost();
    const log: string[] = [];
    const p = h.spawn(async (sys) => {
      await sys.sigaction(C.SIGCHLD, { handler: (s) => { log.push(`handler ${s} at ${net.now()}`); } });
      const child = await sys.fork(async (c) => { await c.nanosleep(10); return 3; });
      log.push(`sleep ${E(await sys.nanosleep(100))}`);
      log.push(JSON.stringify(await sys.waitpid(child)));
      return 0;
    });
    await net.run({ untilIdle: true });
    expect(log).toEqual([`handler ${C.SIGCHLD} at 10`, 'sleep EINTR', expect.stringMatching(/"code":3/)]);
    expect(await p.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('a child killed by a signal: waitpid says { signal }, and the child inherits handlers and mask', async () => {
    const { net, h } = await oneHost();
    const log: string[] = [];
    const p = h.spawn(async (sys) => {
      await sys.sigaction(C.SIGUSR1, { handler: () => { log.push('usr1 handler'); } });
      await sys.sigprocmask(C.SIG_BLOCK, [C.SIGUSR2]);
      const child = await sys.fork(async (c) => {
        log.push(`child mask ${JSON.stringify(await c.sigprocmask(C.SIG_BLOCK, null))}`);
        await c.kill(await c.getpid(), C.SIGUSR1);
        await c.nanosleep(1000);
      });
      await sys.nanosleep(10);
      expect(await sys.kill(child, C.SIGTERM)).toBe(0);
      log.push(JSON.stringify(await sys.waitpid(child)));
      return 0;
    });
    await net.run({ untilIdle: true });
    expect(log).toEqual([`child mask [${C.SIGUSR2}]`, 'usr1 handler', JSON.stringify({ pid: p.pid + 1, signal: C.SIGTERM })]);
    await expectNoLeaks(net);
  });
});

describe('signals: SIGIO on TCP state changes', () => {
  it('SIGIO when a nonblocking connect completes, and when the peer’s FIN arrives', async () => {
    const { net, a, b } = await pair({ delayMs: 10 });
    b.spawn(async (sys) => {
      const l = await listenOn(sys, 80);
      const c = await sys.accept(l);
      await sys.nanosleep(200);
      await sys.close(c); // FIN
      await sys.close(l);
    });
    const log: string[] = [];
    const client = a.spawn(async (sys) => {
      await sys.sigaction(C.SIGIO, { handler: () => { log.push(`SIGIO at ${Math.round(net.now())}`); } });
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM | C.SOCK_NONBLOCK, 0);
      await sys.fcntl(fd, C.F_SETOWN, await sys.getpid());
      await sys.fcntl(fd, C.F_SETFL, C.O_ASYNC | C.O_NONBLOCK);
      log.push(`connect ${E(await sys.connect(fd, { addr: '10.0.0.2', port: 80 }))}`);
      log.push(`sleep ${E(await sys.nanosleep(10_000))}`);
      log.push(`sleep ${E(await sys.nanosleep(10_000))}`);
      log.push(`recv ${await sys.recv(fd, new Uint8Array(4), 0)}`);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    // ARP and the handshake: established at 40 ms; the server accepts at 50 (our ACK), its
    // FIN leaves at 250 and lands at 260.
    expect(log).toEqual(['connect EINPROGRESS', 'SIGIO at 40', 'sleep EINTR', 'SIGIO at 260', 'sleep EINTR', 'recv 0']);
    expect(await client.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });
});

describe('signals: SIGCHLD ignored explicitly', () => {
  it('SIG_IGN (or SA_NOCLDWAIT) for SIGCHLD: children leave no zombie, waitpid answers ECHILD once they exit', async () => {
    for (const act of [{ handler: 'SIG_IGN' as const }, { handler: () => {}, flags: C.SA_NOCLDWAIT }]) {
      const { net, h } = await oneHost();
      let got = '';
      const p = h.spawn(async (sys) => {
        await sys.sigaction(C.SIGCHLD, act);
        const child = await sys.fork(async (c) => { await c.nanosleep(10); return 3; });
        got = E(await sys.waitpid(child));
        return 0;
      });
      await net.run({ untilIdle: true });
      expect(got).toBe('ECHILD');
      expect(await p.exited).toEqual({ code: 0 });
      await expectNoLeaks(net);
    }
  });
});

describe('signals: results survive a handler', () => {
  it('recvfrom’s source address is the datagram’s even when a handler that makes calls runs before it returns', async () => {
    const { net, h } = await oneHost();
    const log: string[] = [];
    const p = h.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(fd, { addr: '127.0.0.1', port: 5300 });
      const other = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(other, { addr: '127.0.0.1', port: 5301 });
      // The datagram raises SIGIO as it makes fd readable: the handler runs as recvfrom
      // returns, and its own call writes another address where the kernel keeps results.
      await sys.sigaction(C.SIGIO, { handler: async () => { log.push(`handler sees ${JSON.stringify(await sys.getsockname(other))}`); } });
      await sys.fcntl(fd, C.F_SETOWN, await sys.getpid());
      await sys.fcntl(fd, C.F_SETFL, C.O_ASYNC);
      const r = await sys.recvfrom(fd, new Uint8Array(8), 0);
      log.push(typeof r === 'number' ? E(r) : `${r.n} from ${r.addr.addr}:${r.addr.port}`);
      await sys.close(fd);
      await sys.close(other);
      return 0;
    });
    h.spawn(async (sys) => {
      await sys.nanosleep(10);
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(fd, { addr: '127.0.0.1', port: 5999 });
      await sys.sendto(fd, 'hi', 0, { addr: '127.0.0.1', port: 5300 });
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(log).toEqual(['handler sees {"addr":"127.0.0.1","port":5301}', '2 from 127.0.0.1:5999']);
    expect(await p.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });
});

describe('signals: handlers that throw, lingering close', () => {
  it('an exception from a handler reaches the interrupted call’s caller, and the handler’s mask is lifted', async () => {
    const { net, h, killer } = await oneHost();
    const log: string[] = [];
    const p = h.spawn(async (sys) => {
      await sys.sigaction(C.SIGUSR1, { handler: () => { throw new Error('from the handler'); }, mask: [C.SIGUSR2] });
      try {
        await sys.nanosleep(1000);
        log.push('no exception');
      } catch (e) {
        log.push(`caught ${(e as Error).message}`);
      }
      log.push(`mask ${JSON.stringify(await sys.sigprocmask(C.SIG_BLOCK, null))}`);
      return 0;
    });
    killer(() => p.pid, C.SIGUSR1, 10);
    await net.run({ untilIdle: true });
    expect(log).toEqual(['caught from the handler', 'mask []']);
    await expectNoLeaks(net);
  });

  it('a signal ends a lingering close early: the handler runs, then close() returns 0', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.setsockopt(l, C.SOL_SOCKET, C.SO_RCVBUF, 4096); // inherited by the child
      await sys.bind(l, { addr: '0.0.0.0', port: 80 });
      await sys.listen(l, 4);
      const c = await sys.accept(l);
      await sys.nanosleep(1000); // reads nothing: the window closes, our FIN cannot go
      await sys.close(c);
      await sys.close(l);
    });
    const log: string[] = [];
    const client = a.spawn(async (sys) => {
      await sys.sigaction(C.SIGUSR1, { handler: () => { log.push(`handler at ${Math.round(net.now())}`); } });
      const fd = await dial(sys);
      await sys.fcntl(fd, C.F_SETFL, C.O_NONBLOCK);
      while ((await sys.send(fd, new Uint8Array(65536), 0)) > 0);
      await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_LINGER, { onoff: 1, linger: 10 });
      log.push(`close ${await sys.close(fd)} at ${Math.round(net.now())}`);
    });
    a.spawn(async (sys) => { await sys.nanosleep(200); return sys.kill(client.pid, C.SIGUSR1); });
    await net.run({ untilIdle: true });
    expect(log).toEqual(['handler at 200', 'close 0 at 200']);
    expect(await client.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });
});
