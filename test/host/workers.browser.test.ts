// Worker processes in both runtimes: this file runs in Node (worker_threads) and in
// Chromium (module Web Workers, vitest browser project): a TCP echo server and its client
// in two workers, blocking accept/recv/send, a worker that throws, one that loops until
// killed, and the same pcap twice on the virtual clock.
import { describe, expect, it } from 'vitest';
import { constants as C, Network } from '../../build/host/index.js';
import { ENGINE, expectNoLeaks, pair } from '../helpers/machine.js';
import { crashPeer, fixture, newReport, readReport, until } from './worker-helpers.js';

describe('worker processes', () => {
  it('a TCP echo server in one worker serves a client in another, across a 5 ms link', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    const server = b.spawnWorker(fixture('echo-server.mjs'), { args: [7] });
    const client = a.spawnWorker(fixture('echo-client.mjs'), { args: ['10.0.0.2', 7, 20] });
    await net.run();
    expect(await client.exited).toEqual({ code: 0 });
    let bytes = 0;
    for (let i = 0; i < 20; i++) bytes += `message ${i} from pid ${client.pid}`.length;
    expect(await server.exited).toEqual({ code: bytes });
    // 20 request/response turns of at least one RTT (10 ms) each, after the handshake.
    expect(net.now()).toBeGreaterThanOrEqual(20 * 10);
    await expectNoLeaks(net);
  });

  it('accept, recv and send block in the kernel until the peer acts', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    const sab = newReport();
    const server = b.spawnWorker(fixture('blocking.mjs'), { args: [sab, 80, 100_000] });
    const times: Record<string, number> = {};
    const client = a.spawn(async (sys) => {
      await sys.nanosleep(100);
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      // A small receive buffer: the server's 100000 bytes cannot all be in flight.
      await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_RCVBUF, 4096);
      times.connect = await sys.clock_gettime();
      await sys.connect(fd, { addr: '10.0.0.2', port: 80 });
      await sys.nanosleep(200);
      times.hello = await sys.clock_gettime();
      await sys.send(fd, 'hello');
      await sys.nanosleep(1000);
      times.read = await sys.clock_gettime();
      const buf = new Uint8Array(100_000);
      expect(await sys.recv(fd, buf, C.MSG_WAITALL)).toBe(100_000);
      await sys.shutdown(fd, C.SHUT_WR);
      times.fin = await sys.clock_gettime();
      await sys.close(fd);
    });
    await net.run();
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    const r = readReport<{ t0: number; accept: [number, number]; recv: [number, number, string]; send: [number, number]; eof: [number, number] }>(sab);
    expect(r.t0).toBe(0);
    expect(r.accept[0]).toBeGreaterThanOrEqual(0);
    expect(r.accept[1]).toBeGreaterThan(times.connect); // slept in accept until the handshake
    expect(r.recv).toEqual([5, expect.any(Number), 'hello']);
    expect(r.recv[1]).toBeGreaterThan(times.hello); // slept in recv until the data
    expect(r.send[0]).toBe(100_000);
    expect(r.send[1]).toBeGreaterThan(times.read); // slept in send until the peer read
    expect(r.eof[0]).toBe(0);
    expect(r.eof[1]).toBeGreaterThan(times.fin);
    await expectNoLeaks(net);
  });

  it('a worker whose main throws exits with status 1; its socket closes (FIN) and the peer reads 0', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    const { proc: server, seen } = crashPeer(b, false);
    const p = a.spawnWorker(fixture('crash.mjs'), { args: ['throw', '10.0.0.2', 80, false] });
    await net.run();
    const st = await p.exited;
    expect(st.code).toBe(1);
    expect(String(st.error)).toMatch(/boom/);
    expect(seen).toEqual({ hello: 'hello\n', after: 0 });
    expect(a.counters().TcpExt.TCPAbortOnClose).toBe(0);
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('a worker that loops forever holds the virtual clock until kill(SIGKILL); its unread data makes the close a RST', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    const { proc: server, seen } = crashPeer(b, true);
    const sab = newReport();
    const p = a.spawnWorker(fixture('crash.mjs'), { args: ['loop', '10.0.0.2', 80, true, sab] });
    const run = net.run();
    await until(() => new Uint32Array(sab)[0] !== 0, 'the worker to loop');
    expect(readReport(sab)).toEqual({ looping: true });
    expect(p.thread?.computing).toBe(true);
    const t = net.now();
    await new Promise((r) => setTimeout(r, 50));
    expect(net.now()).toBe(t); // nothing moves while it computes
    p.kill(C.SIGKILL);
    await run;
    expect(await p.exited).toEqual({ signal: C.SIGKILL });
    expect(seen.after).toBe(-C.ECONNRESET);
    expect(a.counters().TcpExt.TCPAbortOnClose).toBe(1);
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('the virtual clock makes a run with workers deterministic: three clients racing for real (random compute) against three servers over a lossy, jittery link give the same pcap twice', async () => {
    async function scenario(): Promise<Uint8Array> {
      const net = await Network.create({ clock: 'virtual', seed: 7, engine: ENGINE });
      const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
      const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
      net.link(a, b, { delayMs: 5, jitterMs: 3, lossRate: 0.05, reorderRate: 0.1 });
      const servers = [7, 8, 9].map((port) => b.spawnWorker(fixture('echo-server.mjs'), { args: [port] }));
      const clients = [7, 8, 9].map((port) => a.spawnWorker(fixture('echo-client.mjs'), { args: ['10.0.0.2', port, 12, 2] }));
      await net.run();
      for (const p of [...servers, ...clients]) expect((await p.exited).code).toBeGreaterThanOrEqual(0);
      for (const p of clients) expect(await p.exited).toEqual({ code: 0 });
      await expectNoLeaks(net);
      return net.pcap();
    }
    const one = await scenario();
    const two = await scenario();
    expect(one.length).toBeGreaterThan(60 * 100);
    expect(two).toEqual(one);
  });
});
