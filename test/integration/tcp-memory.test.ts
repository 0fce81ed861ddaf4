// The skb pool is kstack's page allocator: when it runs dry, TCP senders wait as Linux's
// do under memory pressure (sk_stream_wait_memory) — and, as there, they retry on their
// own after a short random sleep (vm_wait, 2..200 ms), because memory freed by another
// socket wakes nobody on theirs.
import { describe, expect, it } from 'vitest';
import { constants as C } from '../../build/host/index.js';
import { boot, expectNoLeaks } from '../helpers/machine.js';

describe('TCP under skb pool exhaustion', () => {
  it('a sender starved by another connection’s unread data proceeds once that data is read (vm_wait retry)', async () => {
    const net = await boot({ pools: { large: 12 } });
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const TOTAL2 = 300_000;
    let sent1 = -1;
    let read1 = 0;
    let got2 = 0;
    let sent2 = 0;
    // Connection 1: the sender fills every large buffer; its receiver reads only at 1 s.
    const p1 = h.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.bind(l, { addr: '127.0.0.1', port: 7001 })).toBe(0);
      expect(await sys.listen(l, 1)).toBe(0);
      const c = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(c, { addr: '127.0.0.1', port: 7001 })).toBe(0);
      const s = await sys.accept(l);
      const chunk = new Uint8Array(65536);
      let n = 0;
      for (;;) {
        const r = await sys.send(c, chunk, C.MSG_DONTWAIT);
        if (r < 0) break;
        n += r;
      }
      sent1 = n;
      await sys.nanosleep(1000 - (await sys.clock_gettime()));
      const buf = new Uint8Array(65536);
      while (read1 < n) {
        const r = await sys.recv(s, buf);
        if (r <= 0) break;
        read1 += r;
      }
      for (const fd of [c, s, l]) await sys.close(fd);
    });
    // Connection 2 starts after connection 1 has taken the pool: its blocking send finds
    // no buffer and must not sleep forever.
    const p2 = h.spawn(async (sys) => {
      await sys.nanosleep(100);
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.bind(l, { addr: '127.0.0.1', port: 7002 })).toBe(0);
      expect(await sys.listen(l, 1)).toBe(0);
      const c = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(c, { addr: '127.0.0.1', port: 7002 })).toBe(0);
      const s = await sys.accept(l);
      sent2 = await sys.send(c, new Uint8Array(TOTAL2));
      await sys.close(c);
      const buf = new Uint8Array(65536);
      for (;;) {
        const r = await sys.recv(s, buf);
        if (r <= 0) break;
        got2 += r;
      }
      await sys.close(s);
      await sys.close(l);
    });
    await net.run({ untilMs: 60_000 });
    expect(sent1).toBeGreaterThan(0);
    expect(read1).toBe(sent1);
    expect(sent2).toBe(TOTAL2);
    expect(got2).toBe(TOTAL2);
    expect(await p1.exited).toEqual({ code: 0 });
    expect(await p2.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });
});
