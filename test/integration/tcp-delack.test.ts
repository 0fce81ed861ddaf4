// Delayed ACKs and small segments, on the virtual clock, checked on the capture: quick
// ACKs at the start and after idle, the 40 ms delayed ACK, the ACK every second full
// segment, immediate ACKs for out-of-order data, the write-write-read stall of Nagle plus
// delayed ACK, TCP_QUICKACK, TCP_CORK's 200 ms ceiling and TCP_NOTSENT_LOWAT.
// Linux: net/ipv4/tcp_input.c (tcp_event_data_recv, __tcp_ack_snd_check), tcp_output.c
// (tcp_send_delayed_ack, tcp_nagle_check, tcp_minshall_check), tcp_timer.c
// (tcp_delack_timer_handler), tcp.c (TCP_QUICKACK, TCP_NOTSENT_LOWAT, tcp_poll).
import { describe, expect, it } from 'vitest';
import { constants as C, type Network } from '../../build/host/index.js';
import { applyNetem } from '../../build/host/link.js';
import type { Sys } from '../../build/host/syscall/async.js';
import { expectNoLeaks, pair } from '../helpers/machine.js';
import { segs, type Seg } from '../helpers/tcp.js';

const PORT = 5001;
const ONE_WAY = 1; // ms: every test link has delayMs 1, so a frame is stamped 1 ms after it left
const MSS = 1448; // 1500 - 40 - 12 (timestamps)

async function listenAccept(sys: Sys): Promise<{ l: number; c: number }> {
  const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  expect(await sys.bind(l, { addr: '0.0.0.0', port: PORT })).toBe(0);
  expect(await sys.listen(l, 8)).toBe(0);
  const c = await sys.accept(l);
  expect(c).toBeGreaterThanOrEqual(0);
  return { l, c };
}

async function dial(sys: Sys, before: (fd: number) => Promise<void> = async () => {}): Promise<number> {
  const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  await before(fd);
  expect(await sys.connect(fd, { addr: '10.0.0.2', port: PORT })).toBe(0);
  return fd;
}

/** Reads exactly n bytes (or fails). */
async function readN(sys: Sys, fd: number, n: number): Promise<void> {
  const buf = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await sys.recv(fd, buf.subarray(got), 0);
    if (r <= 0) throw new Error(`recv: ${r}`);
    got += r;
  }
}

async function drain(sys: Sys, fd: number): Promise<number> {
  const buf = new Uint8Array(65536);
  let total = 0;
  for (;;) {
    const n = await sys.recv(fd, buf, 0);
    if (n <= 0) return total;
    total += n;
  }
}

const fromClient = (s: Seg) => s.src.startsWith('10.0.0.1.');
const fromServer = (s: Seg) => s.src.startsWith('10.0.0.2.');
const ms = (t: number) => Math.round(t * 1e6) / 1e3;

/**
 * For each data segment the client sent (after `from` seconds), how long the server took
 * to acknowledge it: the server's first segment acking its end, less the one-way delay.
 */
function ackDelays(net: Network, from = 0): number[] {
  const all = segs(net.trace());
  return all
    .filter((s) => fromClient(s) && s.len > 0 && s.t >= from)
    .map((d) => {
      const a = all.find((s) => fromServer(s) && s.t >= d.t && s.ack !== null && s.ack - d.end! >= 0 && s.ack - d.end! < 2 ** 31);
      if (!a) throw new Error(`no ACK for ${d.line}`);
      return Math.round((a.t - d.t) * 1000) - ONE_WAY;
    });
}

describe('delayed ACK: quick ACKs, the 40 ms timer, every second full segment (tcp_event_data_recv, __tcp_ack_snd_check)', () => {
  it('the first 16 data segments (TCP_MAX_QUICKACKS) are acked at once, later ones after 40 ms (TCP_ATO_MIN) by the timer, counted in DelayedACKs; after an idle gap longer than the RTO, quick ACKs start again', async () => {
    const { net, a, b } = await pair({ delayMs: ONE_WAY });
    const server = b.spawn(async (sys) => {
      const { l, c } = await listenAccept(sys);
      await sys.nanosleep(5000); // not reading: a read would ACK a pushed segment at once (tcp_cleanup_rbuf)
      expect(await drain(sys, c)).toBe(20);
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      for (let i = 0; i < 19; i++) {
        expect(await sys.send(fd, 'x')).toBe(1);
        await sys.nanosleep(100);
      }
      await sys.nanosleep(1000); // > RTO: tcp_event_data_recv calls tcp_incr_quickack
      expect(await sys.send(fd, 'y')).toBe(1);
      await sys.nanosleep(100);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    expect(ackDelays(net)).toEqual([...Array(16).fill(0), 40, 40, 40, 0]);
    // Three, and the ACK of the FIN: tcp_fin makes the socket interactive, which delays it.
    expect(b.counters().TcpExt.DelayedACKs).toBe(4);
    expect(b.counters().TcpExt.DelayedACKLocked).toBe(0);
    await expectNoLeaks(net);
  });

  it('ato: TCP_ATO_MIN once quick ACKs are spent, doubled by a delayed ACK the timer had to send, then pulled toward the inter-arrival time (tcp_event_data_recv), as TCP_INFO shows', async () => {
    const { net, a, b } = await pair({ delayMs: ONE_WAY });
    const atos: number[] = [];
    const server = b.spawn(async (sys) => {
      const { l, c } = await listenAccept(sys);
      const info = async () => ((await sys.getsockopt(c, C.IPPROTO_TCP, C.TCP_INFO)) as { tcpi_ato: number }).tcpi_ato / 1000;
      atos.push(await info()); // no data yet: ato 0
      for (const t of [1650, 1675, 1705]) {
        await sys.nanosleep(t - (await sys.clock_gettime()));
        atos.push(await info());
      }
      expect(await drain(sys, c)).toBe(20);
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_NODELAY, 1)).toBe(0);
      await sys.nanosleep(20); // after the server's first look
      for (let i = 0; i < 17; i++) {
        if (i > 0) await sys.nanosleep(100); // less than the RTO: no new quick ACKs
        await sys.send(fd, 'x');
      }
      for (const t of [1680, 1690, 1700]) {
        await sys.nanosleep(t - (await sys.clock_gettime()));
        await sys.send(fd, 'y');
      }
      await sys.nanosleep(100);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    // Arrival times (ms) of the 17th segment and the three quick ones.
    const arr = segs(net.trace()).filter((x) => fromClient(x) && x.len > 0).map((x) => ms(x.t)).slice(16);
    const m = arr.slice(1).map((t, i) => t - arr[i]!); // inter-arrival times
    // m <= 20: ato/2 + 20; m < ato: ato/2 + m.
    let ato = 80;
    for (const x of m) ato = x <= 20 ? (ato >> 1) + 20 : x < ato ? (ato >> 1) + x : ato;
    expect(m.slice(1)).toEqual([10, 10]);
    expect(atos).toEqual([0, 40, 80, ato]);
    expect(ato).toBeLessThan(80);
    await expectNoLeaks(net);
  });

  it('an interactive receiver that reads: a lone full segment waits 40 ms, but of two or three in one write the second is acked at once (more than one rcv_mss unacknowledged)', async () => {
    const { net, a, b } = await pair({ delayMs: ONE_WAY });
    const server = b.spawn(async (sys) => {
      const { l, c } = await listenAccept(sys);
      for (const k of [1, 2, 3]) {
        await readN(sys, c, 4);
        expect(await sys.send(c, 'pong')).toBe(4); // a reply within ato: interactive again
        await readN(sys, c, k * MSS);
      }
      expect(await drain(sys, c)).toBe(0);
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      for (const k of [1, 2, 3]) {
        expect(await sys.send(fd, 'ping')).toBe(4);
        await readN(sys, fd, 4);
        expect(await sys.send(fd, new Uint8Array(k * MSS))).toBe(k * MSS);
        await sys.nanosleep(100);
      }
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    const full = segs(net.trace()).filter((x) => fromClient(x) && x.len === MSS);
    const delays = ackDelays(net).filter((_, i) => segs(net.trace()).filter((x) => fromClient(x) && x.len > 0)[i]!.len === MSS);
    expect(full.length).toBe(6);
    // One segment: 40 ms (an interactive reader's read does not ACK a pushed segment). Two:
    // the ACK sent at once for the second covers the first. Three: the pair at once, the
    // third alone after 40 ms.
    expect(delays).toEqual([40, 0, 0, 0, 0, 40]);
    await expectNoLeaks(net);
  });

  it('a receiver that does not read delays even the second full segment: its window would not move (tcp_recvmsg ACKs when the reader frees space)', async () => {
    const { net, a, b } = await pair({ delayMs: ONE_WAY });
    // The receiver's timing is pinned: with tail loss probes on, the sender's probe (2·srtt
    // + 2 ms after the two segments) would come before this delayed ACK and draw a D-SACK.
    a.sysctl('net.ipv4.tcp_early_retrans', 0);
    let t0 = 0;
    const server = b.spawn(async (sys) => {
      const { l, c } = await listenAccept(sys);
      await sys.nanosleep(5000);
      expect(await drain(sys, c)).toBe(16 + 10 * MSS);
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      for (let i = 0; i < 16; i++) {
        await sys.send(fd, 'x'); // spends the 16 quick ACKs
        await sys.nanosleep(50);
      }
      for (let i = 0; i < 8; i++) {
        await sys.send(fd, new Uint8Array(MSS)); // the window grows (quick |= 1), then stops
        await sys.nanosleep(100);
      }
      t0 = (await sys.clock_gettime()) / 1000;
      expect(await sys.send(fd, new Uint8Array(2 * MSS))).toBe(2 * MSS);
      await sys.nanosleep(100);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    expect(ackDelays(net, t0)).toEqual([40, 40]);
    await expectNoLeaks(net);
  });

  it('out-of-order data is acked at once with a duplicate ACK, and so is the retransmission that fills the hole (RFC 5681 §4.2)', async () => {
    const { net, a, b } = await pair({ delayMs: ONE_WAY });
    // The receiver's answers are pinned: with tail loss probes on, the sender (without RACK,
    // as Linux with tcp_recovery 0) would probe B again before the RTO resends A.
    a.sysctl('net.ipv4.tcp_early_retrans', 0);
    const link = net.links[0]!;
    let t0 = 0;
    const server = b.spawn(async (sys) => {
      const { l, c } = await listenAccept(sys);
      await sys.nanosleep(5000);
      expect(await drain(sys, c)).toBe(16 + 200);
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_NODELAY, 1)).toBe(0);
      for (let i = 0; i < 16; i++) {
        await sys.send(fd, 'x');
        await sys.nanosleep(50);
      }
      t0 = net.now() / 1000;
      applyNetem(link.a, { delayMs: ONE_WAY, lossRate: 1 });
      expect(await sys.send(fd, 'A'.repeat(100))).toBe(100); // lost
      applyNetem(link.a, { delayMs: ONE_WAY });
      expect(await sys.send(fd, 'B'.repeat(100))).toBe(100); // arrives out of order
      await sys.nanosleep(1000); // the RTO resends the first
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    const s = segs(net.trace()).filter((x) => x.t >= t0 && !(x.flags.includes('F')));
    const data = s.filter((x) => fromClient(x) && x.len > 0);
    expect(data.map((x) => x.len)).toEqual([100, 100]); // B, then A resent
    const [ooo, resent] = data as [Seg, Seg];
    const acks = s.filter((x) => fromServer(x) && x.t < resent.t + (ONE_WAY + 0.5) / 1000);
    // A duplicate ACK (still asking for A) 1 ms after B arrived; then, as the resent A
    // arrives, an ACK for everything.
    expect(acks.map((x) => [ms(x.t - ooo.t), x.ack === ooo.seq! - 100, x.ack === ooo.end])).toEqual([
      [ONE_WAY, true, false],
      [ms(resent.t - ooo.t) + ONE_WAY, false, true],
    ]);
    expect(b.counters().TcpExt.TCPOFOQueue).toBe(1);
    expect(b.counters().TcpExt.DelayedACKs).toBe(1); // only the FIN's, later
    await expectNoLeaks(net);
  });

  it('a retransmission of data already received (our ACK was lost) is acked at once and counted in DelayedACKLost', async () => {
    const { net, a, b } = await pair({ delayMs: ONE_WAY });
    const link = net.links[0]!;
    const server = b.spawn(async (sys) => {
      const { l, c } = await listenAccept(sys);
      applyNetem(link.b, { delayMs: ONE_WAY, lossRate: 1 }); // the server's ACKs are lost...
      await sys.nanosleep(100);
      applyNetem(link.b, { delayMs: ONE_WAY }); // ...until the client's RTO resends
      expect(await drain(sys, c)).toBe(5);
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      await sys.nanosleep(20); // once the server's ACKs are being lost
      expect(await sys.send(fd, 'hello')).toBe(5);
      await sys.nanosleep(1000);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    const s = segs(net.trace());
    const data = s.filter((x) => fromClient(x) && x.len > 0);
    expect(data.length).toBe(2); // sent, resent
    const ack = s.find((x) => fromServer(x) && x.t >= data[1]!.t && x.ack === data[1]!.end)!;
    expect(ms(ack.t - data[1]!.t)).toBe(ONE_WAY);
    expect(b.counters().TcpExt.DelayedACKLost).toBe(1);
    await expectNoLeaks(net);
  });
});

describe('Nagle and delayed ACK together: the write-write-read stall', () => {
  /**
   * N requests of a 10-byte header and a 10-byte body written separately, each answered
   * by a 5-byte reply; returns each request's time (ms) as the client sees it.
   */
  async function requests(n: number, opts: { nodelay?: boolean; quickackAfterRead?: boolean } = {}) {
    const { net, a, b } = await pair({ delayMs: ONE_WAY });
    const times: number[] = [];
    const server = b.spawn(async (sys) => {
      const { l, c } = await listenAccept(sys);
      for (let i = 0; i < n; i++) {
        await readN(sys, c, 10);
        if (opts.quickackAfterRead) expect(await sys.setsockopt(c, C.IPPROTO_TCP, C.TCP_QUICKACK, 1)).toBe(0);
        await readN(sys, c, 10);
        expect(await sys.send(c, 'reply')).toBe(5);
      }
      // Not sticky: the reply (within ato of the data) makes the socket interactive again.
      expect(await sys.getsockopt(c, C.IPPROTO_TCP, C.TCP_QUICKACK)).toBe(0);
      expect(await drain(sys, c)).toBe(0);
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      if (opts.nodelay) expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_NODELAY, 1)).toBe(0);
      for (let i = 0; i < n; i++) {
        const t = await sys.clock_gettime();
        expect(await sys.send(fd, 'header....')).toBe(10);
        expect(await sys.send(fd, 'body......')).toBe(10);
        await readN(sys, fd, 5);
        times.push((await sys.clock_gettime()) - t);
      }
      // Both ends replied within ato of what they received: interactive (pingpong) mode.
      expect(await sys.getsockopt(fd, C.IPPROTO_TCP, C.TCP_QUICKACK)).toBe(0);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    const s = segs(net.trace());
    const counters = b.counters().TcpExt;
    await expectNoLeaks(net);
    return { times, clientData: s.filter((x) => fromClient(x) && x.len > 0).length, delayedAcks: counters.DelayedACKs };
  }

  it('with Nagle, every request after the first waits for the delayed ACK of its header: 2 RTT + 40 ms', async () => {
    const r = await requests(10);
    // The first request is answered in quick-ACK mode; then the server is interactive and
    // holds the header's ACK 40 ms, while Nagle holds the body until that ACK comes.
    expect(r.times).toEqual([4, ...Array(9).fill(44)]);
    expect(r.clientData).toBe(20);
    expect(r.delayedAcks).toBe(9);
  });

  it('with TCP_NODELAY, header and body leave together and each request takes one RTT', async () => {
    const r = await requests(10, { nodelay: true });
    expect(r.times).toEqual(Array(10).fill(2));
    expect(r.clientData).toBe(20);
    // The reply carries the ACK: the delayed-ACK timer never has to fire.
    expect(r.delayedAcks).toBe(0);
  });

  it('TCP_QUICKACK 1 after the server reads the header sends its ACK at once: 2 RTT per request', async () => {
    const r = await requests(10, { quickackAfterRead: true });
    expect(r.times).toEqual(Array(10).fill(4));
    expect(r.delayedAcks).toBe(0);
  });
});

describe('TCP_QUICKACK', () => {
  it('reads back 1 on a fresh socket, 0 after setting 0, 1 after setting 1 (not in pingpong mode)', async () => {
    const { net, a } = await pair();
    const p = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      const get = () => sys.getsockopt(fd, C.IPPROTO_TCP, C.TCP_QUICKACK);
      expect(await get()).toBe(1);
      expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_QUICKACK, 0)).toBe(0);
      expect(await get()).toBe(0);
      expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_QUICKACK, 7)).toBe(0);
      expect(await get()).toBe(1);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('set to 0 before connect(), the handshake ACK waits (TCP_DELACK_MAX, 200 ms) to ride on the first data', async () => {
    const { net, a, b } = await pair({ delayMs: ONE_WAY });
    const server = b.spawn(async (sys) => {
      const { l, c } = await listenAccept(sys);
      expect(await drain(sys, c)).toBe(4);
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys, async (fd) => {
        expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_QUICKACK, 0)).toBe(0);
      });
      await sys.nanosleep(10);
      expect(await sys.send(fd, 'data')).toBe(4);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    const s = segs(net.trace()).filter(fromClient);
    // SYN, then the data carrying the ACK 10 ms later: no bare ACK in between.
    expect(s.slice(0, 2).map((x) => `${x.flags} ${x.len}`)).toEqual(['S 0', 'P. 4']);
    await expectNoLeaks(net);
  });

  it('set to 0 before connect() with nothing to send, the handshake ACK leaves after 200 ms', async () => {
    const { net, a, b } = await pair({ delayMs: ONE_WAY });
    const server = b.spawn(async (sys) => {
      const { l, c } = await listenAccept(sys);
      expect(await drain(sys, c)).toBe(0);
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys, async (fd) => {
        await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_QUICKACK, 0);
      });
      await sys.nanosleep(500);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    const s = segs(net.trace());
    const synack = s.find((x) => x.flags === 'S.')!;
    const ack = s.find((x) => fromClient(x) && x.flags === '.')!;
    // 200 ms, rounded up to the timer wheel's 8 ms granularity at that range (as Linux's
    // level-1 timers are): at most 7 ms late, never early.
    const late = ms(ack.t - synack.t) - ONE_WAY - 200;
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(8);
    await expectNoLeaks(net);
  });
});

describe('Nagle (Minshall) and TCP_CORK on the wire', () => {
  async function clientSegs(client: (sys: Sys, fd: number) => Promise<void>) {
    const { net, a, b } = await pair({ delayMs: ONE_WAY });
    const server = b.spawn(async (sys) => {
      const { l, c } = await listenAccept(sys);
      await drain(sys, c);
      await sys.close(c);
      await sys.close(l);
    });
    const cl = a.spawn(async (sys) => {
      const fd = await dial(sys);
      await client(sys, fd);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await cl.exited).toEqual({ code: 0 });
    const s = segs(net.trace()).filter((x) => fromClient(x) && x.len > 0);
    await expectNoLeaks(net);
    return { net, a, s };
  }

  it('Minshall: a short tail behind a full segment goes at once (no short segment in flight); a second short write waits for the first one’s ACK', async () => {
    const { s } = await clientSegs(async (sys, fd) => {
      expect(await sys.send(fd, new Uint8Array(MSS + 10))).toBe(MSS + 10);
      await sys.nanosleep(100);
      expect(await sys.send(fd, 'a')).toBe(1);
      expect(await sys.send(fd, 'b')).toBe(1);
      expect(await sys.send(fd, 'c')).toBe(1);
      await sys.nanosleep(50); // a close() now would send "bc" at once with the FIN
    });
    const t = s.map((x) => x.t);
    expect(s.map((x) => x.len)).toEqual([MSS, 10, 1, 2]);
    expect(t[1]).toBe(t[0]); // the 10-byte tail did not wait
    expect(ms(t[3]! - t[2]!)).toBe(2 * ONE_WAY); // "bc" waited one RTT for the ACK of "a"
    // PSH marks the end of each write that left (tcp_mark_push).
    expect(s.map((x) => x.flags)).toEqual(['.', 'P.', 'P.', 'P.']);
  });

  it('TCP_CORK: full segments leave, the short tail leaves by itself one RTO after the last ACK (the persist timer: the 200 ms ceiling of tcp(7)), not as a window probe', async () => {
    let sentAt = 0;
    let rto = 0;
    const { s, a } = await clientSegs(async (sys, fd) => {
      expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_CORK, 1)).toBe(0);
      sentAt = (await sys.clock_gettime()) / 1000;
      expect(await sys.send(fd, new Uint8Array(2 * MSS + 100))).toBe(2 * MSS + 100);
      await sys.nanosleep(10); // the full segments are acked: nothing in flight
      rto = ((await sys.getsockopt(fd, C.IPPROTO_TCP, C.TCP_INFO)) as { tcpi_rto: number }).tcpi_rto / 1000;
      await sys.nanosleep(1000);
      expect(await sys.getsockopt(fd, C.IPPROTO_TCP, C.TCP_CORK)).toBe(1);
    });
    expect(rto).toBeGreaterThanOrEqual(200);
    expect(s.map((x) => x.len)).toEqual([MSS, MSS, 100]);
    expect(ms(s[1]!.t - sentAt)).toBe(ONE_WAY);
    // The ACK of the full segments came back one RTT after they left; the persist timer
    // (tcp_check_probe_timer) started then, and tcp_write_wakeup sent the tail with PSH.
    const late = ms(s[2]!.t - sentAt) - 2 * ONE_WAY - rto - ONE_WAY;
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(8); // the timer wheel's granularity at 200 ms
    expect(s[2]!.flags).toBe('P.');
    expect(a.counters().TcpExt.TCPWinProbe).toBe(0);
  });

  it('TCP_NODELAY set while corked pushes what is queued at once', async () => {
    let sentAt = 0;
    const { s } = await clientSegs(async (sys, fd) => {
      expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_CORK, 1)).toBe(0);
      expect(await sys.send(fd, 'corked')).toBe(6);
      await sys.nanosleep(50);
      sentAt = (await sys.clock_gettime()) / 1000;
      expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_NODELAY, 1)).toBe(0);
      await sys.nanosleep(50);
    });
    expect(s.map((x) => x.len)).toEqual([6]);
    expect(ms(s[0]!.t - sentAt)).toBe(ONE_WAY);
  });
});

describe('TCP_NOTSENT_LOWAT (tcp_stream_memory_free)', () => {
  it('reads back 0 by default (the sysctl is not copied), then what was set, -1 included', async () => {
    const { net, a } = await pair();
    a.sysctl('net.ipv4.tcp_notsent_lowat', 20000);
    const p = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      const get = () => sys.getsockopt(fd, C.IPPROTO_TCP, C.TCP_NOTSENT_LOWAT);
      expect(await get()).toBe(0);
      expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_NOTSENT_LOWAT, 16384)).toBe(0);
      expect(await get()).toBe(16384);
      expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_NOTSENT_LOWAT, -1)).toBe(0);
      expect(await get()).toBe(-1);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    expect(a.sysctl('net.ipv4.tcp_notsent_lowat')).toBe(20000);
    await expectNoLeaks(net);
  });

  /**
   * A nonblocking send of 200 KB right after connect: cwnd (10 segments) sends 10 at once;
   * what else the call takes stays unsent. Then a blocking send of 100 KB more, which has
   * to sleep until sending brings the unsent bytes below half the mark.
   */
  async function burst(lowat: number | null, sysctl?: number) {
    const { net, a, b } = await pair({ delayMs: ONE_WAY });
    if (sysctl !== undefined) a.sysctl('net.ipv4.tcp_notsent_lowat', sysctl);
    let took = 0;
    let blocking = 0;
    const server = b.spawn(async (sys) => {
      const { l, c } = await listenAccept(sys);
      await drain(sys, c);
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys, async (fd) => {
        if (lowat !== null) expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_NOTSENT_LOWAT, lowat)).toBe(0);
      });
      took = await sys.send(fd, new Uint8Array(200_000), C.MSG_DONTWAIT);
      blocking = await sys.send(fd, new Uint8Array(100_000));
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
    return { took, blocking };
  }

  it('a nonblocking send stops queueing new segments once the unsent bytes reach the mark: 10 sent (cwnd) + what reaches it', async () => {
    // Mark 1: one unsent segment is already too many. Mark 5000: four (5792 ≥ 5000).
    expect((await burst(1)).took).toBe(11 * MSS);
    expect((await burst(5000)).took).toBe(14 * MSS);
    // Without a mark, the send buffer is the limit.
    expect((await burst(null)).took).toBeGreaterThan(30 * MSS);
  });

  it('net.ipv4.tcp_notsent_lowat applies to a socket that set none', async () => {
    expect((await burst(null, 5000)).took).toBe(14 * MSS);
  });

  it('a blocking send with a mark sleeps and is woken as sending lowers the unsent bytes (sk_stream_write_space), until all is taken', async () => {
    expect((await burst(5000)).blocking).toBe(100_000);
    expect((await burst(1)).blocking).toBe(100_000);
  });
});
