// Signals in worker processes, in both runtimes: this file runs in Node (worker_threads)
// and in Chromium (module Web Workers, vitest browser project). The handler runs in the
// worker; EINTR or SA_RESTART as the kernel decides; a signal that came while the worker
// computed runs at its next call; a default action ends the worker. The rest of the cases
// are in worker-signals.test.ts.
import { describe, expect, it } from 'vitest';
import { constants as C, type Host, type Sys } from '../../build/host/index.js';
import { boot, expectNoLeaks } from '../helpers/machine.js';
import { fixture, newReport, readReport, until } from './worker-helpers.js';

async function oneHost() {
  const net = await boot();
  const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
  return { net, h };
}
const later = (h: Host, ms: number, fn: (sys: Sys) => Promise<unknown>) =>
  h.spawn(async (sys) => { await sys.nanosleep(ms); await fn(sys); return 0; });
async function datagram(sys: Sys, port: number, data: string): Promise<void> {
  const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
  await sys.sendto(fd, data, 0, { addr: '127.0.0.1', port });
  await sys.close(fd);
}

describe('worker signals (Node and Chromium)', () => {
  it('a handled signal interrupts recv in a worker: the handler runs there, recv returns EINTR; under SA_RESTART recv goes on', async () => {
    for (const flags of [0, C.SA_RESTART]) {
      const { net, h } = await oneHost();
      const sab = newReport();
      const p = h.spawnWorker(fixture('signals.mjs'), { args: [sab, 'recv', { flags }] });
      later(h, 100, (sys) => sys.kill(p.pid, C.SIGUSR1));
      later(h, 200, (sys) => datagram(sys, 7, 'late'));
      await net.run();
      expect(await p.exited).toEqual({ code: 0 });
      expect(readReport(sab)).toEqual(flags
        ? [`handler ${C.SIGUSR1} at 100`, 'recv 4 late at 200']
        : [`handler ${C.SIGUSR1} at 100`, 'recv EINTR at 100', 'recv 4 late at 200']);
      await expectNoLeaks(net);
    }
  });

  it('epoll_wait in a worker is interrupted (EINTR even under SA_RESTART), then reports the datagram', async () => {
    const { net, h } = await oneHost();
    const sab = newReport();
    const p = h.spawnWorker(fixture('signals.mjs'), { args: [sab, 'wait', { call: 'epoll_wait' }] });
    later(h, 100, (sys) => sys.kill(p.pid, C.SIGUSR1));
    later(h, 200, (sys) => datagram(sys, 7, 'ping'));
    await net.run();
    expect(await p.exited).toEqual({ code: 0 });
    expect(readReport(sab)).toEqual([`handler ${C.SIGUSR1} at 100`, 'epoll_wait EINTR at 100', 'epoll_wait [{"events":1,"data":42}] at 200']);
    await expectNoLeaks(net);
  });

  it('a signal sent while the worker computes runs its handler at the next syscall', async () => {
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

  it('SIGPIPE with no handler ends the worker ({ signal: SIGPIPE }); with SIG_IGN send returns EPIPE', async () => {
    for (const disp of ['default', 'ignore']) {
      const { net, h } = await oneHost();
      const sab = newReport();
      const p = h.spawnWorker(fixture('signals.mjs'), { args: [sab, 'sigpipe', { disp }] });
      await net.run();
      if (disp === 'default') expect(await p.exited).toEqual({ signal: C.SIGPIPE });
      else {
        expect(await p.exited).toEqual({ code: 0 });
        expect(readReport(sab)).toEqual(['connect 0', 'send EPIPE']);
      }
      await expectNoLeaks(net);
    }
  });
});
