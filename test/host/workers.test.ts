// Processes in worker threads (host.spawnWorker) whose syscalls block for real: the call
// surface across the channel, blocking calls, crashes and kills, fork + waitpid, large
// payloads in chunks, and the virtual clock with threads that compute. The cases that
// also run in Chromium (echo, blocking calls, throw, a loop killed, determinism) are in
// workers.browser.test.ts.
import { describe, expect, it } from 'vitest';
import { constants as C } from '../../build/host/index.js';
import { boot, expectNoLeaks, pair } from '../helpers/machine.js';
import type { WorkerThread } from '../../build/host/process/thread.js';
import { crashPeer, fixture, newReport, readReport, until } from './worker-helpers.js';

describe('worker processes: the syscall surface', () => {
  it('numbers, addresses, data, buffers and objects cross the channel; errors come back as -errno', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const sab = newReport();
    const p = h.spawnWorker(fixture('surface.mjs'), { args: [sab] });
    await net.run();
    expect(await p.exited).toEqual({ code: 0 });
    const r = readReport(sab);
    expect(r).toMatchObject({
      badClose: -C.EBADF, badBind: -C.EBADF, badAddr: -C.EINVAL,
      bind: 0, name: { addr: '127.0.0.1', port: 5353 }, eagain: -C.EAGAIN, sendto: 9, fionread: 9,
      recvfrom: { n: 9, addr: { addr: '127.0.0.1', port: 5353 }, text: 'to myself' },
      linger: 0, lingerGet: { onoff: 1, linger: 7 }, rcvbuf: 0, rcvbufGet: 8192, tcpiState: 7,
      peer: -C.ENOTCONN, pid: p.pid, sleep: 0, killNobody: -C.ESRCH, closes: [0, 0, 0],
      rlimit0: { cur: 1024, max: 524288 }, setrlimit: 0, rlimit1: { cur: 2048, max: 524288 },
    });
    expect(r.t1 as number).toBe((r.t0 as number) + 250);
    await expectNoLeaks(net);
  });

  it('payloads larger than the channel go in chunks: a 60000-byte send and MSG_WAITALL recv through 4 KiB', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const sab = newReport();
    const p = h.spawnWorker(fixture('bulk.mjs'), { args: [sab, 60_000], channelBytes: 4096 });
    await net.run();
    expect(await p.exited).toEqual({ code: 0 });
    expect(readReport(sab)).toEqual({ sent: 60_000, got: 60_000, same: true, epipe: -C.EPIPE });
    await expectNoLeaks(net);
  });

  it('a relative module path is refused at spawn (the worker could not resolve it)', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    expect(() => h.spawnWorker('./workers/surface.mjs')).toThrow(/must be absolute/);
    expect(h.processes.size).toBe(0);
    await expectNoLeaks(net);
  });

  it('a module that cannot be loaded is a process that exits with status 1', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const p = h.spawnWorker(fixture('no-such-module.mjs'));
    await net.run();
    const st = await p.exited;
    expect(st.code).toBe(1);
    expect(String(st.error)).toMatch(/no-such-module/);
    await expectNoLeaks(net);
  });
});

describe('worker processes: virtual time', () => {
  it('time does not move while a worker starts or computes between syscalls, though another process has timers due', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const sab = newReport();
    const p = h.spawnWorker(fixture('compute.mjs'), { args: [sab, 150] });
    let ticks = 0;
    const sleeper = h.spawn(async (sys) => {
      while (p.state !== 'exited' && ticks < 100_000) { await sys.nanosleep(1); ticks++; }
    });
    await net.run();
    expect(await p.exited).toEqual({ code: 0 });
    expect(await sleeper.exited).toEqual({ code: 0 });
    const r = readReport<{ t0: number; t1: number; t2: number; spun: boolean }>(sab);
    expect(r.spun).toBe(true);
    expect(r.t0).toBe(0); // loading the worker's module took real time, no virtual time
    expect(r.t1).toBe(0); // nor did 150 ms of real computing
    expect(r.t2).toBe(10);
    // The sleeper ticked only while the worker slept in nanosleep(10).
    expect(ticks).toBeGreaterThanOrEqual(10);
    expect(ticks).toBeLessThanOrEqual(11);
    await expectNoLeaks(net);
  });
});

describe('worker processes: the control plane', () => {
  it('stats come over comlink while the worker awaits: its pid and the syscalls it made', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const p = h.spawnWorker(fixture('idle.mjs'), { args: [300] });
    const run = net.run();
    const t = p.thread as WorkerThread;
    await until(() => t.syscalls === 3 && t.computing, 'three syscalls');
    expect(await t.stats()).toEqual({ pid: p.pid, syscalls: 3, running: true });
    await run;
    expect(await p.exited).toEqual({ code: 0 });
    expect(await t.stats()).toBeNull();
    await expectNoLeaks(net);
  });
});

describe('worker processes: the real clock', () => {
  it('run() waits for a worker that is still starting, and its nanosleep sleeps at least as long as asked', async () => {
    const net = await boot({ clock: 'real' });
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const sab = newReport();
    const p = h.spawnWorker(fixture('sleeper.mjs'), { args: [sab, 30] });
    await net.run();
    expect(p.state).toBe('exited');
    expect(await p.exited).toEqual({ code: 0 });
    const r = readReport<{ t0: number; r: number; t1: number }>(sab);
    expect(r.r).toBe(0);
    expect(r.t1 - r.t0).toBeGreaterThanOrEqual(30);
    expect(h.stats()).toMatchObject({ tasks: 0, files: 0 });
  });
});

describe('worker processes: death', () => {
  it('process.exit(3) inside the worker: exited { code: 3 }, its socket closes with a FIN', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    const { proc: server, seen } = crashPeer(b, false);
    const p = a.spawnWorker(fixture('crash.mjs'), { args: ['exit', '10.0.0.2', 80, false] });
    await net.run();
    expect(await p.exited).toEqual({ code: 3 });
    expect(seen).toEqual({ hello: 'hello\n', after: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('an error thrown outside main (uncaught in the worker) ends the process with status 1 and a FIN', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    const { proc: server, seen } = crashPeer(b, false);
    const p = a.spawnWorker(fixture('crash.mjs'), { args: ['uncaught', '10.0.0.2', 80, false] });
    await net.run();
    const st = await p.exited;
    expect(st.code).toBe(1);
    expect(String(st.error)).toMatch(/uncaught boom/);
    expect(seen).toEqual({ hello: 'hello\n', after: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('SIGTERM while the worker sleeps in recv ends it ({ signal: SIGTERM }) and closes its socket', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    const { proc: server, seen } = crashPeer(b, false);
    const p = a.spawnWorker(fixture('crash.mjs'), { args: ['block', '10.0.0.2', 80, false] });
    await net.run();
    expect(p.state).toBe('blocked');
    p.kill(C.SIGTERM);
    await net.run();
    expect(await p.exited).toEqual({ signal: C.SIGTERM });
    expect(seen).toEqual({ hello: 'hello\n', after: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });
});

describe('worker processes: fork and waitpid', () => {
  it('a forked worker (module path relative to the parent\'s) inherits the listening socket and serves; the parent reaps it with waitpid', async () => {
    const { net, a, b } = await pair({ delayMs: 2 });
    const sab = newReport();
    const parent = b.spawnWorker(fixture('fork-parent.mjs'), { args: [sab, 7] });
    const client = a.spawnWorker(fixture('echo-client.mjs'), { args: ['10.0.0.2', 7, 3] });
    await net.run();
    expect(await client.exited).toEqual({ code: 0 });
    expect(await parent.exited).toEqual({ code: 0 });
    const r = readReport<{ child: number; closed: number; st: unknown; again: number; notMine: number }>(sab);
    expect(r.child).toBeGreaterThan(parent.pid);
    expect(r.closed).toBe(0);
    // Three messages "message i from pid N" echoed by the child.
    const bytes = [0, 1, 2].reduce((s, i) => s + `message ${i} from pid ${client.pid}`.length, 0);
    expect(r.st).toEqual({ pid: r.child, code: bytes });
    expect(r.again).toBe(-C.ECHILD);
    expect(r.notMine).toBe(-C.ECHILD);
    await expectNoLeaks(net);
  });
});
