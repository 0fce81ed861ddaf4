// Many connections at once (tcp/inet_hashtables.ts): ehash doubles while connections are
// live and every segment still finds its socket; bhash chains thousands of owners long
// still detect bind conflicts and unlink from the middle; 20,000 connections between
// two hosts open, carry data and close cleanly with nothing left over. Figures (a
// million connections, bytes each, lookup cost) are in `npm run bench -- --only=scale`.
import { describe, expect, it } from 'vitest';
import { constants as C, errnoName, type Sys } from '../../build/host/index.js';
import { expectNoLeaks, pair } from '../helpers/machine.js';

const E = (r: number): string => (r < 0 ? errnoName(r) ?? String(r) : String(r));
const N = 20_000;
const PORTS = [10000, 10001, 10002, 10003]; // 5,000 per destination: a fifth of the range
// Every process runs until it waits, so a loop of sends or closes is one burst: pause
// every CHUNK so that the FINs stay within the link's 1,000-packet queue, as a real
// server's event loop would, and TIME_WAIT peaks at N (unpaced, the burst of closes
// outruns the queue and the peak stays far below N). Unread
// segments no longer need the pause: the skb pool grows past its boot size
// (skb-pool-growth.test.ts).
const CHUNK = 500;
const pace = (sys: Sys, i: number): Promise<unknown> | undefined => (i % CHUNK === CHUNK - 1 ? sys.nanosleep(1) : undefined);

async function raiseNofile(sys: Sys): Promise<void> {
  expect(await sys.setrlimit(C.RLIMIT_NOFILE, { cur: 65536, max: 65536 })).toBe(0);
}
async function bindRc(sys: Sys, addr: string, port: number, reuse: boolean): Promise<string> {
  const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  if (reuse) expect(await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_REUSEADDR, 1)).toBe(0);
  const rc = await sys.bind(fd, { addr, port });
  await sys.close(fd);
  return E(rc);
}

describe('scale: 20,000 connections between two hosts', () => {
  it('ehash grows from 1,024 buckets while connections are live; every segment reaches its own socket; all close cleanly', async () => {
    const { net, a, b } = await pair();
    // thash_entries=1024: five doublings happen under live connections.
    for (const h of [a, b]) expect(h.kernel.x.kstack_thash_entries(1024)).toBe(0);
    const peak: Record<string, number> = {};
    const conflicts: Record<string, string> = {};
    let served = 0;
    let wrong = 0;
    const server = b.spawn(async (sys) => {
      await raiseNofile(sys);
      const ls: number[] = [];
      for (const port of PORTS) {
        const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
        expect(await sys.setsockopt(l, C.SOL_SOCKET, C.SO_REUSEADDR, 1)).toBe(0);
        expect(await sys.bind(l, { addr: '0.0.0.0', port })).toBe(0);
        expect(await sys.listen(l, 4096)).toBe(0);
        ls.push(l);
      }
      const conns: number[] = [];
      for (let i = 0; i < N; i++) conns.push(await sys.accept(ls[i % PORTS.length]));
      expect(conns.every((c) => c >= 0)).toBe(true);
      // 5,000 children hold each port, the listener last in the chain (head insertion).
      conflicts.wildcard = await bindRc(sys, '0.0.0.0', PORTS[0], false);
      conflicts.reuseVsListener = await bindRc(sys, '10.0.0.2', PORTS[0], true);
      conflicts.freePort = await bindRc(sys, '0.0.0.0', 10004, false);
      // Each client wrote its own port: the segment was looked up to the right child.
      const buf = new Uint8Array(8);
      for (const c of conns) {
        const n = await sys.recv(c, buf, 0);
        const peer = await sys.getpeername(c);
        if (n !== 2 || typeof peer === 'number' || ((buf[0] << 8) | buf[1]) !== peer.port) wrong++;
        else served++;
      }
      peak.serverEstab = b.counters().Tcp.CurrEstab;
      peak.serverEhash = b.kernel.x.stat_ehash(1);
      peak.ssEstab = b.ss().filter((s) => s.proto === 'tcp' && s.state === 'ESTAB').length;
      // The server closes first: 20,000 TIME_WAIT socks on the listeners' ports, unlinked
      // from the middle of their bind chains as their children go.
      for (let i = 0; i < N; i++) {
        expect(await sys.close(conns[i])).toBe(0);
        await pace(sys, i);
      }
      await sys.nanosleep(1000);
      peak.serverTw = b.ss().filter((s) => s.state === 'TIME-WAIT').length;
      for (const l of ls) await sys.close(l);
      // Only TIME_WAIT owners are left: a wildcard bind conflicts, SO_REUSEADDR binds over them.
      conflicts.overTw = await bindRc(sys, '0.0.0.0', PORTS[0], false);
      conflicts.reuseOverTw = await bindRc(sys, '0.0.0.0', PORTS[0], true);
    });
    const client = a.spawn(async (sys) => {
      await raiseNofile(sys);
      await sys.nanosleep(1);
      const fds: number[] = [];
      for (let i = 0; i < N; i++) {
        const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
        const rc = await sys.connect(fd, { addr: '10.0.0.2', port: PORTS[i % PORTS.length] });
        if (rc !== 0) throw new Error(`connect #${i}: ${E(rc)}`);
        fds.push(fd);
      }
      peak.clientEstab = a.counters().Tcp.CurrEstab;
      peak.clientEhash = a.kernel.x.stat_ehash(1);
      for (let i = 0; i < N; i++) {
        const name = await sys.getsockname(fds[i]);
        if (typeof name === 'number') throw new Error('getsockname');
        expect(await sys.send(fds[i], new Uint8Array([name.port >> 8, name.port & 0xff]), 0)).toBe(2);
        await pace(sys, i);
      }
      const buf = new Uint8Array(8);
      for (let i = 0; i < N; i++) {
        expect(await sys.recv(fds[i], buf, 0)).toBe(0); // the server's FIN
        expect(await sys.close(fds[i])).toBe(0);
        await pace(sys, i);
      }
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    expect({ served, wrong }).toEqual({ served: N, wrong: 0 });
    expect(peak).toEqual({ clientEstab: N, clientEhash: 32768, serverEstab: N, serverEhash: 32768, ssEstab: N, serverTw: N });
    expect(conflicts).toEqual({ wildcard: 'EADDRINUSE', reuseVsListener: 'EADDRINUSE', freePort: '0', overTw: 'EADDRINUSE', reuseOverTw: '0' });
    for (const h of [a, b]) {
      const t = h.counters().Tcp;
      expect({ host: h.name, estab: t.CurrEstab, resets: t.EstabResets, rsts: t.OutRsts }).toEqual({ host: h.name, estab: 0, resets: 0, rsts: 0 });
    }
    expect(a.counters().Tcp.ActiveOpens).toBe(N);
    expect(b.counters().Tcp.PassiveOpens).toBe(N);
    await expectNoLeaks(net);
    // The 60 s TIME_WAIT ran out inside expectNoLeaks: ehash is empty again, still grown.
    expect([a.kernel.x.stat_ehash(0), b.kernel.x.stat_ehash(0)]).toEqual([0, 0]);
    expect(b.kernel.x.stat_ehash(1)).toBe(32768);
  });

  it('a port bound explicitly comes back when its socket is freed: after a bound-only close and after a child of the listener is gone', async () => {
    const { net, a, b } = await pair();
    const got: string[] = [];
    b.spawn(async (sys) => {
      // Bound, never listened, closed: tcp_v4_destroy_sock puts the port (SOCK_BINDPORT_LOCK
      // kept it through TCP_CLOSE). Three rounds: a stale owner would refuse the second.
      for (let i = 0; i < 3; i++) got.push(await bindRc(sys, '0.0.0.0', 7000, false));
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 7001 });
      await sys.listen(l, 8);
      const c = await sys.accept(l);
      await sys.close(l);
      got.push(await bindRc(sys, '0.0.0.0', 7001, false)); // the child still holds it
      await sys.nanosleep(10);
      got.push(await bindRc(sys, '0.0.0.0', 7001, false)); // the client closed: the child, in CLOSE_WAIT, still holds it
      await sys.close(c);
      await sys.nanosleep(10);
      got.push(await bindRc(sys, '0.0.0.0', 7001, false));
    });
    a.spawn(async (sys) => {
      await sys.nanosleep(1);
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: 7001 })).toBe(0);
      await sys.nanosleep(2);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(got).toEqual(['0', '0', '0', 'EADDRINUSE', 'EADDRINUSE', '0']);
    await expectNoLeaks(net);
  });

  it('thash_entries: a power of two of at least 16, only while ehash is empty', async () => {
    const { net, a, b } = await pair();
    const x = a.kernel.x;
    expect([x.kstack_thash_entries(1000), x.kstack_thash_entries(8), x.kstack_thash_entries(64)].map(E)).toEqual(['EINVAL', 'EINVAL', '0']);
    expect(x.stat_ehash(1)).toBe(64);
    let busy = 0;
    b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 80 });
      await sys.listen(l, 8);
      const c = await sys.accept(l);
      await sys.close(c);
      await sys.close(l);
    });
    a.spawn(async (sys) => {
      await sys.nanosleep(1);
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: 80 })).toBe(0);
      busy = x.kstack_thash_entries(128);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(E(busy)).toBe('EBUSY');
    expect(x.stat_ehash(1)).toBe(64);
    await expectNoLeaks(net);
  });
});
