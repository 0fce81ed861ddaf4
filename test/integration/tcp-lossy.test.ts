// A bulk TCP transfer through a bad link — 2% loss, 1% duplication, 2% reordering, 5 ms
// delay with jitter — arrives byte-exact. Both ends keep a running FNV-1a checksum of the
// byte stream (no 100 MB buffer). Reordered segments wait in the out-of-order tree, so
// this also pins that their receive-memory charge is returned in full when they move to
// the receive queue (a drift leaves the window shut for good).
import { describe, expect, it } from 'vitest';
import { constants as C, errnoName } from '../../build/host/index.js';
import { ENGINE, expectNoLeaks, pair } from '../helpers/machine.js';

const TOTAL = 100_000_000;

function fnv(h: number, buf: Uint8Array, n: number): number {
  for (let i = 0; i < n; i++) h = Math.imul(h ^ buf[i], 16777619);
  return h >>> 0;
}

describe('TCP over a lossy link', () => {
  it(`${TOTAL / 1e6} MB through 2% loss, 1% duplication and 2% reordering arrive byte-exact`, async () => {
    const { net, a, b } = await pair(
      { delayMs: 5, jitterMs: 2, lossRate: 0.02, duplicateRate: 0.01, reorderRate: 0.02 },
      { capture: false },
    );
    let rx = { n: 0, h: 0 };
    let tx = { n: 0, h: 0 };
    let srtt = -1;
    const server = b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 5001 });
      await sys.listen(l, 1);
      const c = await sys.accept(l);
      const buf = new Uint8Array(65536);
      let n = 0;
      let h = 2166136261;
      for (;;) {
        const r = await sys.recv(c, buf);
        if (r < 0) throw new Error(`recv: ${errnoName(r)}`);
        if (r === 0) break;
        h = fnv(h, buf, r);
        n += r;
      }
      rx = { n, h };
      // Everything read: the receive memory is all returned (no charge drift).
      const conn = b.ss().find((e) => e.proto === 'tcp' && e.fd === c);
      expect(conn?.recvQ).toBe(0);
      expect(conn?.skmem.r).toBe(0);
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: 5001 })).toBe(0);
      const buf = new Uint8Array(65536);
      let n = 0;
      let h = 2166136261;
      let x = 1;
      while (n < TOTAL) {
        const len = Math.min(buf.length, TOTAL - n);
        for (let i = 0; i < len; i++) {
          x = (Math.imul(x, 1103515245) + 12345) | 0;
          buf[i] = x >>> 24;
        }
        expect(await sys.send(fd, buf.subarray(0, len))).toBe(len);
        h = fnv(h, buf, len);
        n += len;
      }
      tx = { n, h };
      // Karn's rule: segments that waited behind a hole give no RTT sample, so the
      // smoothed RTT stays near the path's ~10 ms rather than growing loss after loss.
      const info = (await sys.getsockopt(fd, C.IPPROTO_TCP, C.TCP_INFO)) as { tcpi_rtt: number; tcpi_rto: number };
      srtt = info.tcpi_rtt;
      await sys.close(fd);
    });
    const t0 = Date.now();
    await net.run({ untilIdle: true });
    console.log(`tcp-lossy ${ENGINE}: ${TOTAL} bytes in ${(net.now() / 1000).toFixed(1)} s virtual, ${((Date.now() - t0) / 1000).toFixed(1)} s wall`);
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    expect(rx).toEqual(tx);
    expect(srtt).toBeGreaterThan(5_000);
    expect(srtt).toBeLessThan(50_000);
    expect(tx.n).toBe(TOTAL);
    // The losses were repaired by retransmission.
    expect(a.counters().Tcp.RetransSegs).toBeGreaterThan(0);
    await expectNoLeaks(net);
  }, 600_000);
});
