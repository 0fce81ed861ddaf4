// The skb pool grows in bursts (core/skbuff.ts): every unread receive queue keeps at
// least one skb, as in Linux, so more sockets holding unread data than the boot pool
// has buffers would leave the RX ring nothing to receive into, and a reader waiting on
// one of them would wait for good. Linux's memory overcommits there; kstack's headers
// and small buffers take another chunk of linear memory, up to pools.skbsMax/smallMax.
import { describe, expect, it } from 'vitest';
import { constants as C, type Host } from '../../build/host/index.js';
import { expectNoLeaks, pair } from '../helpers/machine.js';

const M = 1000; // connections, each with one unread 100-byte segment at the server
const POOLS = { skbs: 512, small: 256 }; // the RX ring alone posts 256 small buffers

/**
 * M clients connect and each send 100 bytes at once; the server accepts all M first and
 * only then reads them, in order. The listener and every connection have SO_RCVTIMEO 5 s,
 * so a starved server ends with EAGAIN instead of waiting for good. Returns how many
 * connections were accepted and read whole, the server's first error and the clients'.
 */
async function unreadBurst(a: Host, b: Host): Promise<{ accepted: number; read: number; err: number; clientErr: number }> {
  const out = { accepted: 0, read: 0, err: 0, clientErr: 0 };
  b.spawn(async (sys) => {
    expect(await sys.setrlimit(C.RLIMIT_NOFILE, { cur: 4096, max: 4096 })).toBe(0);
    const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    expect(await sys.bind(l, { addr: '0.0.0.0', port: 8000 })).toBe(0);
    expect(await sys.listen(l, 4096)).toBe(0);
    expect(await sys.setsockopt(l, C.SOL_SOCKET, C.SO_RCVTIMEO, 5000)).toBe(0);
    const conns: number[] = [];
    while (conns.length < M) {
      const c = await sys.accept(l);
      if (c < 0) { out.err = c; break; }
      conns.push(c);
    }
    out.accepted = conns.length;
    const buf = new Uint8Array(100);
    for (const c of conns) {
      if (out.err !== 0) break;
      expect(await sys.setsockopt(c, C.SOL_SOCKET, C.SO_RCVTIMEO, 5000)).toBe(0);
      const r = await sys.recv(c, buf, C.MSG_WAITALL);
      if (r !== 100) { out.err = r; break; }
      out.read++;
    }
    for (const c of conns) await sys.close(c);
    await sys.close(l);
  });
  a.spawn(async (sys) => {
    expect(await sys.setrlimit(C.RLIMIT_NOFILE, { cur: 4096, max: 4096 })).toBe(0);
    const fds: number[] = [];
    const data = new Uint8Array(100).fill(7);
    for (let i = 0; i < M; i++) {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      fds.push(fd);
      let r = await sys.connect(fd, { addr: '10.0.0.2', port: 8000 });
      if (r === 0) r = (await sys.send(fd, data)) - 100;
      if (r !== 0 && out.clientErr === 0) out.clientErr = r;
    }
    // Hold the connections until the server has read (or given up), then close.
    await sys.nanosleep(30_000);
    for (const fd of fds) await sys.close(fd);
  });
  return out;
}

describe('skb pool growth', () => {
  it('1,000 sockets each holding unread data past a 256-buffer boot pool: the pool grows and the last reader still gets its bytes', async () => {
    const { net, a, b } = await pair({}, { pools: POOLS });
    const before = b.stats().skbTotal;
    const res = unreadBurst(a, b);
    await net.run({ untilIdle: true });
    expect(await res).toEqual({ accepted: M, read: M, err: 0, clientErr: 0 });
    expect(before).toBe(POOLS.skbs);
    expect(b.stats().skbTotal).toBeGreaterThan(POOLS.skbs + 256);
    expect(b.stats().skbTotal).toBeLessThanOrEqual(65536);
    await expectNoLeaks(net);
  });

  it('pinned at the boot sizes (skbsMax, smallMax): the RX ring starves and a reader times out with EAGAIN — the fixed pool the growth avoids', async () => {
    const { net, a, b } = await pair({}, { pools: { ...POOLS, skbsMax: POOLS.skbs, smallMax: POOLS.small } });
    const res = unreadBurst(a, b);
    await net.run({ untilIdle: true });
    const r = await res;
    expect(r.read).toBeLessThan(M);
    expect(r.err).toBe(-C.EAGAIN);
    expect(b.linkStats(b.ends[0].ifindex).rxDropped).toBeGreaterThan(0);
    expect(b.stats().skbTotal).toBe(POOLS.skbs);
    await expectNoLeaks(net);
  });
});

describe('skb pool ceilings out of range', () => {
  // The small-buffer stack is sized for smallMax (4 bytes a buffer) when the host boots:
  // 2^29 asks for 2 GiB, past what the heap hands out in one block, and 2^30 for 4 GiB,
  // which wraps to 0 in wasm32. Either ceiling is refused (it stays at the boot size)
  // rather than trapping at boot or carving a stack too small for the buffers put on it.
  for (const smallMax of [2 ** 29, 2 ** 30]) {
    it(`smallMax ${smallMax}: refused, the host boots and runs pinned at its boot size`, async () => {
      const { net, a, b } = await pair({}, { pools: { ...POOLS, smallMax } });
      const res = unreadBurst(a, b);
      await net.run({ untilIdle: true });
      const r = await res;
      expect(r.read).toBeLessThan(M);
      expect(r.err).toBe(-C.EAGAIN);
      expect(b.stats().skbTotal).toBe(POOLS.skbs);
      await expectNoLeaks(net);
    });
  }
});
