// Bad input must never trap: random and mutated frames (test/helpers/fuzz-frames.ts) into
// both hosts of a linked pair, with a UDP server, a connected UDP socket and a ping socket
// on each host. The kernel never throws, the skb pool returns to its baseline once the
// timers have run out, and the counters account for every frame (accountFuzz()).
// The 10-million-frame run is `npm run fuzz`.
import { describe, expect, it } from 'vitest';
import { constants as C } from '../../build/host/index.js';
import { ENGINE, expectNoLeaks, pair } from '../helpers/machine.js';
import { accountFuzz, classifyFrame, makeFuzzer, PAIR_TARGETS, RX_BUF_LEN, runFuzz, inetChecksum } from '../helpers/fuzz-frames.js';

const FRAMES = 100_000;

describe('fuzz: bad input never traps', () => {
  it('the generator is deterministic per seed and aims at both hosts', () => {
    const take = (seed: number) => {
      const f = makeFuzzer({ seed });
      return Array.from({ length: 2000 }, () => f.next());
    };
    const x = take(42);
    const y = take(42);
    const z = take(43);
    expect(x.map((f) => [f.target, Array.from(f.frame)])).toEqual(y.map((f) => [f.target, Array.from(f.frame)]));
    expect(x.map((f) => Array.from(f.frame))).not.toEqual(z.map((f) => Array.from(f.frame)));
    const classes = new Set(x.map((f) => classifyFrame(f.frame, PAIR_TARGETS[f.target]!.mac)));
    for (const c of ['short', 'giant', 'other', 'ipOtherhost', 'ipShort', 'ip', 'arpShort', 'arp']) expect(classes).toContain(c);
    expect(new Set(x.map((f) => f.target))).toEqual(new Set([0, 1]));
    expect(x.some((f) => f.kind.startsWith('frag-'))).toBe(true);
    expect(Math.max(...x.map((f) => f.frame.length))).toBeGreaterThan(RX_BUF_LEN);
  });

  it('unmutated IPv4 templates carry a valid header checksum', () => {
    const f = makeFuzzer({ seed: 5, mutateRate: 0 });
    let checked = 0;
    for (let i = 0; i < 3000; i++) {
      const { frame, kind } = f.next();
      if (kind === 'frag-mutate' || frame.length < 34 || frame[12] !== 8 || frame[13] !== 0) continue;
      const ihl = (frame[14]! & 15) * 4;
      if (frame.length < 14 + ihl) continue;
      expect(inetChecksum(frame, 14, ihl)).toBe(0);
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it(`${FRAMES.toLocaleString('en')} frames on ${ENGINE}: no exception, no leak, every frame accounted for`, async () => {
    const { net, a, b } = await pair({}, { capture: false });
    const r = await runFuzz({ net, C, frames: FRAMES, seed: 1 });
    expect(r.frames).toBe(FRAMES);
    expect(r.exits).toEqual([{ code: 0 }, { code: 0 }]);
    expect(r.tally[0]!.injected + r.tally[1]!.injected).toBeGreaterThanOrEqual(FRAMES + 2); // + the stop frames
    // Every template family reached the kernel.
    for (const h of [a, b]) {
      const c = h.counters();
      expect(c.Ip!.ReasmOKs).toBeGreaterThan(0);
      expect(c.IpExt!.ReasmOverlaps).toBeGreaterThan(0);
      expect(c.Ip!.InUnknownProtos).toBeGreaterThan(0);
      expect(c.Icmp!.InEchos).toBeGreaterThan(0);
      expect(c.Icmp!.InDestUnreachs).toBeGreaterThan(0);
      expect(c.Udp!.InDatagrams).toBeGreaterThan(0);
      expect(c.Udp!.NoPorts).toBeGreaterThan(0);
      expect(h.drops()).toMatchObject({ ARP_INVALID: expect.any(Number), FRAG_TOO_FAR: expect.any(Number), DUP_FRAG: expect.any(Number), FRAG_REASM_TIMEOUT: expect.any(Number) });
    }
    const failed = accountFuzz(net, r.tally).filter((c) => !c.ok);
    expect(failed).toEqual([]);
    // runFuzz already ran 300 s out; this checks the pool, timers, sockets and queues.
    await expectNoLeaks(net);
  }, 120_000);

  // Linux's inet_frag_find() refuses every fragment once the queues hold more than
  // ipfrag_high_thresh, so one queue of 8-byte fragments cannot grow until the skb pool is
  // empty and the driver can no longer refill its RX ring (found by this fuzzer).
  it('a reassembly queue of tiny fragments cannot starve the RX ring (ipfrag_high_thresh on every fragment)', async () => {
    const { net, b } = await pair({}, { capture: false });
    const frag = (i: number): Uint8Array => {
      const f = new Uint8Array(14 + 20 + 8);
      f.set([2, 0, 0, 2, 0, 1, 2, 0, 0, 1, 0, 1, 8, 0], 0);
      f.set([0x45, 0, 0, 28, 0x42, 0x42, 0x20 | (i >> 8), i & 255, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
      const c = inetChecksum(f, 14, 20);
      f[24] = c >> 8;
      f[25] = c & 255;
      return f;
    };
    for (let i = 0; i < 3000; i++) b.inject(frag(i));
    expect(b.linkStats(b.ends[0]!.ifindex).rxDropped).toBe(0);
    await net.run({ untilMs: net.now() + 31_000 });
    await expectNoLeaks(net);
  });
});
