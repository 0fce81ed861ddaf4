// examples/reactor, the muduo-style library: echo through a loop, a slow reader that
// makes the output buffer pass its high-water mark, EPOLLOUT watched only while output is
// queued (no busy loop), shutdown after the output drains, and loops in forked processes
// sharing one listener with EPOLLEXCLUSIVE.
import { describe, it, expect } from 'vitest';
import { constants as C } from '../../build/host/index.js';
import { listenTcp, forkLoops, EventLoop, TcpServer, Buffer } from '../../examples/reactor/index.mjs';
import { pair, expectNoLeaks } from '../helpers/machine.js';

describe('examples/reactor (muduo style)', () => {
  it('Buffer: append, peek, retrieve, and growth keep the bytes in order', () => {
    const b = new Buffer(16);
    b.append('hello ');
    b.append(new Uint8Array(40).fill(0x61));
    expect(b.readableBytes()).toBe(46);
    b.retrieve(6);
    expect(b.peek()[0]).toBe(0x61);
    b.retrieve(40);
    expect(b.readableBytes()).toBe(0);
    b.append('x'.repeat(10));
    b.retrieve(8);
    b.append('y'.repeat(12)); // moves the 2 left to the front instead of growing
    expect(b.retrieveAllAsString()).toBe('xx' + 'y'.repeat(12));
  });

  it('echo and a slow reader: high-water mark once, EPOLLOUT watched only while output is queued, EOF after all bytes', async () => {
    const { net, a, b } = await pair({ delayMs: 2, rateBps: 100e6 });
    const log: string[] = [];
    let iterations = 0;
    b.spawn(async (sys) => {
      const loop = await new EventLoop(sys).init();
      const srv = new TcpServer(loop, { port: 7000, highWaterMark: 64 * 1024 });
      srv.onMessage = async (c: any, buf: any) => {
        const text = buf.retrieveAllAsString();
        const m = /^GET (\d+)\n$/.exec(text);
        if (!m) return c.send(text);
        await c.send(new Uint8Array(Number(m[1])).fill(0x62));
        await c.shutdown();
      };
      // A small kernel send buffer, so the output buffer drains only as the reader reads.
      srv.onConnection = async (c: any) => { if (c.connected()) await sys.setsockopt(c.fd, C.SOL_SOCKET, C.SO_SNDBUF, 16384); };
      srv.onWatchWrite = (_c: any, on: boolean) => { log.push(on ? 'watch' : 'unwatch'); };
      srv.onHighWaterMark = (_c: any, n: number) => { log.push(`hwm ${n}`); };
      await srv.start();
      loop.onIdle = () => { if (srv.accepted >= 2 && srv.connections.size === 0) loop.stop(); };
      await loop.loop({ timeoutMs: 500 });
      iterations = loop.iterations;
      await sys.close(srv.listenFd);
    });
    let echoed = '';
    let got = 0;
    a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(fd, { addr: b.ip, port: 7000 })).toBe(0);
      await sys.send(fd, 'ping\n');
      const buf = new Uint8Array(16);
      const n = await sys.recv(fd, buf, 0);
      echoed = new TextDecoder().decode(buf.subarray(0, n));
      await sys.close(fd);
    });
    a.spawn(async (sys) => {
      await sys.nanosleep(10);
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_RCVBUF, 8192);
      expect(await sys.connect(fd, { addr: b.ip, port: 7000 })).toBe(0);
      await sys.send(fd, 'GET 2000000\n');
      const buf = new Uint8Array(8192);
      for (;;) {
        const n = await sys.recv(fd, buf, 0);
        if (n <= 0) break;
        got += n;
        await sys.nanosleep(2);
      }
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(echoed).toBe('ping\n');
    expect(got).toBe(2_000_000);
    // One crossing of the mark, one watch/unwatch pair: the socket was writable many
    // times in between, but EPOLLOUT was only asked for while bytes were queued.
    expect(log.filter((l) => l.startsWith('hwm'))).toHaveLength(1);
    expect(log.filter((l) => l === 'watch')).toHaveLength(1);
    expect(log.at(-1)).toBe('unwatch');
    // No busy loop: a level-triggered EPOLLOUT left on would wake the loop on every pass.
    expect(iterations).toBeGreaterThan(50);
    expect(iterations).toBeLessThan(2000);
    await expectNoLeaks(net);
  });

  it('one loop per process: forked loops share the listener with EPOLLEXCLUSIVE and serve every client', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    const served: number[] = [0, 0, 0];
    b.spawn(async (sys) => {
      const lfd = await listenTcp(sys, { port: 7001 });
      const pids = await forkLoops(sys, lfd, 3, (srv: any, _loop: any, i: number) => {
        srv.onMessage = async (c: any, buf: any) => { served[i]++; await c.send(buf.retrieveAllAsString()); };
      }, { idleExitMs: 300 });
      for (const pid of pids) expect(await sys.waitpid(pid)).toEqual({ pid, code: 0 });
      await sys.close(lfd);
    });
    const replies: string[] = [];
    for (let k = 0; k < 6; k++) {
      a.spawn(async (sys) => {
        await sys.nanosleep(5 + k);
        const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
        expect(await sys.connect(fd, { addr: b.ip, port: 7001 })).toBe(0);
        await sys.send(fd, `c${k}`);
        const buf = new Uint8Array(8);
        const n = await sys.recv(fd, buf, 0);
        replies.push(new TextDecoder().decode(buf.subarray(0, n)));
        await sys.close(fd);
      });
    }
    await net.run({ untilIdle: true });
    expect(replies.sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
    expect(served.reduce((x, y) => x + y, 0)).toBe(6);
    await expectNoLeaks(net);
  });
});
