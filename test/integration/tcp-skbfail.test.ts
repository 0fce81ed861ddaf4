// TCP when the skb pool runs dry (host pools of a few hundred skbs): every allocation that
// fails is a counted drop that TCP recovers from as Linux does — an ACK is rescheduled on
// the delayed-ACK timer, a FIN is retried, a retransmission waits on its timer, a segment
// that cannot be received is dropped and retransmitted by its sender — never a hang,
// lost data or a reset connection.
import { describe, expect, it } from 'vitest';
import { constants as C, errnoName } from '../../build/host/index.js';
import { expectNoLeaks, pair } from '../helpers/machine.js';

// Posted RX buffers take 256 small skbs of each host's pool; the rest is a few hundred.
const TINY = { skbs: 400, small: 320, large: 16 };
const N = 300;

describe('TCP under a tiny skb pool', () => {
  it('N connections send back to back, then both sides close at once: every byte and every FIN arrives, nothing is reset', async () => {
    const { net, a, b } = await pair({ delayMs: 1 }, { pools: TINY });
    let served = 0;
    let eofs = 0;
    const server = b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.bind(l, { addr: '0.0.0.0', port: 80 })).toBe(0);
      expect(await sys.listen(l, 4096)).toBe(0);
      const conns: number[] = [];
      for (let i = 0; i < N; i++) conns.push(await sys.accept(l));
      expect(conns.every((c) => c >= 0)).toBe(true);
      const buf = new Uint8Array(4096);
      for (const c of conns) {
        let got = 0;
        while (got < 1000) {
          const n = await sys.recv(c, buf, 0);
          if (n <= 0) break;
          got += n;
        }
        if (got === 1000) served++;
      }
      for (const c of conns) expect(await sys.close(c)).toBe(0);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      await sys.nanosleep(1);
      const fds: number[] = [];
      for (let i = 0; i < N; i++) {
        const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
        expect(await sys.connect(fd, { addr: '10.0.0.2', port: 80 })).toBe(0);
        fds.push(fd);
      }
      const data = new Uint8Array(1000).fill(7);
      for (const fd of fds) expect(await sys.send(fd, data, 0)).toBe(1000);
      const buf = new Uint8Array(64);
      for (const fd of fds) {
        if ((await sys.recv(fd, buf, 0)) === 0) eofs++;
        expect(await sys.close(fd)).toBe(0);
      }
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    expect({ served, eofs }).toEqual({ served: N, eofs: N });
    for (const h of [a, b]) {
      const t = h.counters().Tcp;
      expect({ host: h.name, resets: t.EstabResets, rsts: t.OutRsts }).toEqual({ host: h.name, resets: 0, rsts: 0 });
    }
    await expectNoLeaks(net);
  });
});

describe('each allocation that fails, as Linux handles it', () => {
  it('a FIN that finds no skb is owed, not lost: FIN-WAIT-1 until the pool has room, then sent by the retransmit timer (TCP_RESOURCE_PROBE_INTERVAL, 500 ms)', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    const seen: Record<string, unknown> = {};
    b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 80 });
      await sys.listen(l, 8);
      const c = await sys.accept(l);
      await sys.nanosleep(10);
      seen.held = b.kernel.x.kstack_skb_hold(1 << 20) > 0;
      const t0 = await sys.clock_gettime();
      expect(await sys.close(c)).toBe(0);
      await sys.nanosleep(1000);
      seen.whileHeld = b.ss().filter((s) => s.proto === 'tcp' && s.state !== 'LISTEN').map((s) => s.state);
      b.kernel.x.kstack_skb_release();
      seen.closedAt = t0;
      await sys.close(l);
    });
    a.spawn(async (sys) => {
      await sys.nanosleep(1);
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: 80 })).toBe(0);
      const buf = new Uint8Array(8);
      expect(await sys.recv(fd, buf, 0)).toBe(0);
      seen.eofAt = await sys.clock_gettime();
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(seen.held).toBe(true);
    expect(seen.whileHeld).toEqual(['FIN-WAIT-1']);
    // Retries every 500 ms, each rounded up by the timer wheel (8 ms granularity past
    // 63 ms, as Linux's): the one at ≈ 504 ms finds the pool still held, the one at
    // ≈ 1,008 ms (just after the release at 1,000 ms) sends the FIN across the 1 ms link.
    expect((seen.eofAt as number) - (seen.closedAt as number)).toBe(1009);
    expect(b.counters().Tcp.OutRsts).toBe(0);
    await expectNoLeaks(net);
  });

  it('a FIN that finds no skb with data in flight rides on the last segment sent, as Linux does under memory pressure: the retransmission carries it', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    let got = -1;
    let eof = -1;
    b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 80 });
      await sys.listen(l, 8);
      const c = await sys.accept(l);
      const buf = new Uint8Array(4096);
      got = await sys.recv(c, buf, 0);
      eof = await sys.recv(c, buf, 0);
      await sys.close(c);
      await sys.close(l);
    });
    a.spawn(async (sys) => {
      await sys.nanosleep(1);
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: 80 })).toBe(0);
      expect(await sys.send(fd, new Uint8Array(100), 0)).toBe(100);
      // The segment is on the wire; the pool is now empty, so the FIN cannot have its own.
      expect(a.kernel.x.kstack_skb_hold(1 << 20)).toBeGreaterThan(0);
      expect(await sys.close(fd)).toBe(0);
      a.kernel.x.kstack_skb_release();
    });
    await net.run({ untilIdle: true });
    expect({ got, eof }).toEqual({ got: 100, eof: 0 });
    await expectNoLeaks(net);
  });

  it('an ACK that finds no skb is rescheduled on the delayed-ACK timer (TCP_DELACK_MAX << retry) and goes once the pool has room', async () => {
    // 100 ms each way: the client's RTO (srtt + 2·srtt after one sample, 600 ms) comes
    // well after the rescheduled ACK (200 ms after the failed one), so only the server's
    // own retry can acknowledge the data in time.
    const { net, a, b } = await pair({ delayMs: 100 });
    const out: number[] = [];
    b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 80 });
      await sys.listen(l, 8);
      const c = await sys.accept(l);
      expect(b.kernel.x.kstack_skb_hold(1 << 20)).toBeGreaterThan(0);
      await sys.nanosleep(100); // the data arrives; its quick ACK finds no skb
      b.kernel.x.kstack_skb_release();
      // Not read yet: a read would send the owed ACK itself (tcp_cleanup_rbuf).
      await sys.nanosleep(300);
      const buf = new Uint8Array(4096);
      expect(await sys.recv(c, buf, 0)).toBe(100);
      expect(await sys.recv(c, buf, 0)).toBe(0);
      await sys.close(c);
      await sys.close(l);
    });
    a.spawn(async (sys) => {
      await sys.nanosleep(1);
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: 80 })).toBe(0);
      await sys.nanosleep(20); // sent after the server emptied its pool, arrives before it refills
      expect(await sys.send(fd, new Uint8Array(100), 0)).toBe(100);
      await sys.nanosleep(150);
      out.push(await sys.ioctl(fd, C.SIOCOUTQ) as number);
      await sys.nanosleep(350);
      out.push(await sys.ioctl(fd, C.SIOCOUTQ) as number);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    // Unacknowledged while the server's pool is held; acknowledged by the delayed-ACK
    // timer's retry (DelayedACKs), with no retransmission from the client.
    expect(out).toEqual([100, 0]);
    expect({ delayedAcks: b.counters().TcpExt.DelayedACKs, retrans: a.counters().Tcp.RetransSegs }).toEqual({ delayedAcks: 1, retrans: 0 });
    expect({ resets: b.counters().Tcp.EstabResets, rsts: b.counters().Tcp.OutRsts }).toEqual({ resets: 0, rsts: 0 });
    await expectNoLeaks(net);
  });

  it('an RST that finds no skb counts OutRsts and TCPAbortFailed; the socket closes all the same and the peer is reset by its next segment', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    let sendRc = 0;
    b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 80 });
      await sys.listen(l, 8);
      const c = await sys.accept(l);
      // SO_LINGER 0: close() aborts with an RST (tcp_disconnect), which has no skb.
      expect(await sys.setsockopt(c, C.SOL_SOCKET, C.SO_LINGER, { onoff: 1, linger: 0 })).toBe(0);
      expect(b.kernel.x.kstack_skb_hold(1 << 20)).toBeGreaterThan(0);
      expect(await sys.close(c)).toBe(0);
      b.kernel.x.kstack_skb_release();
      await sys.close(l);
    });
    a.spawn(async (sys) => {
      await sys.nanosleep(1);
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: 80 })).toBe(0);
      await sys.nanosleep(100);
      // Still ESTABLISHED here: its data draws the RST that the close could not send.
      expect(await sys.send(fd, new Uint8Array(10), 0)).toBe(10);
      await sys.nanosleep(100);
      sendRc = await sys.send(fd, new Uint8Array(10), C.MSG_NOSIGNAL);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    const t = b.counters();
    expect({ outRsts: t.Tcp.OutRsts, abortOnData: t.TcpExt.TCPAbortOnData, abortFailed: t.TcpExt.TCPAbortFailed })
      .toEqual({ outRsts: 2, abortOnData: 1, abortFailed: 1 });
    expect(errnoName(sendRc)).toBe('ECONNRESET');
    await expectNoLeaks(net);
  });

  it('a retransmission that finds no skb counts TCPRetransFail, not RetransSegs, and the RTO timer goes on as after a sent one (tcp_retransmit_timer: only a local-congestion error, > 0, re-arms at TCP_RESOURCE_PROBE_INTERVAL)', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    let rc = 1;
    b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 80 });
      await sys.listen(l, 8);
      await sys.close(await sys.accept(l)); // a first connection resolves ARP both ways
      await sys.nanosleep(50); // and is torn down: its skbs are back in the pools
      // The server's pool is empty: the SYN arrives (RX buffers were posted) but no
      // SYN-ACK can be built. The client's pool empties after its SYN left, before its
      // first RTO (1 s), and comes back before the second.
      expect(b.kernel.x.kstack_skb_hold(1 << 20)).toBeGreaterThan(0);
      await sys.nanosleep(500);
      expect(a.kernel.x.kstack_skb_hold(1 << 20)).toBeGreaterThan(0);
      await sys.nanosleep(1000);
      a.kernel.x.kstack_skb_release();
      await sys.nanosleep(1000);
      b.kernel.x.kstack_skb_release();
      const c = await sys.accept(l);
      await sys.close(c);
      await sys.close(l);
    });
    a.spawn(async (sys) => {
      await sys.nanosleep(1);
      const first = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(first, { addr: '10.0.0.2', port: 80 })).toBe(0);
      await sys.close(first);
      await sys.nanosleep(100);
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      rc = await sys.connect(fd, { addr: '10.0.0.2', port: 80 });
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(rc).toBe(0);
    const c = a.counters();
    // The SYN at ≈ 0.1 s; its RTOs are 1 s apart (tcp_syn_linear_timeouts): at ≈ 1.1 s
    // no copy can be made (TCPRetransFail, not RetransSegs); at ≈ 2.1 s one goes to a
    // server still without a SYN-ACK; at ≈ 3.1 s one goes and is answered.
    expect({ fail: c.TcpExt.TCPRetransFail, retrans: c.Tcp.RetransSegs }).toEqual({ fail: 1, retrans: 2 });
    await expectNoLeaks(net);
  });
});

describe('receiving with an empty pool', () => {
  it('a segment that finds no RX buffer is a counted drop (rx_dropped) that the sender retransmits: every byte arrives, nothing is reset', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    // With no ACK coming back, each sender stops at its initial window (10 segments):
    // 32 of them send more than the 256 buffers posted in the RX ring.
    const CONNS = 32;
    const SIZE = 20_000;
    const got: number[] = [];
    let dropped = 0;
    b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 80 });
      await sys.listen(l, 8);
      const conns: number[] = [];
      for (let i = 0; i < CONNS; i++) conns.push(await sys.accept(l));
      // Nothing is read while the pool is held: the RX ring cannot refill, runs dry, and
      // later frames are missed.
      expect(b.kernel.x.kstack_skb_hold(1 << 20)).toBeGreaterThan(0);
      await sys.nanosleep(500);
      dropped = b.linkStats(b.ends[0]!.ifindex).rxDropped;
      b.kernel.x.kstack_skb_release();
      const buf = new Uint8Array(65536);
      for (const c of conns) {
        let n = 0;
        for (;;) {
          const r = await sys.recv(c, buf, 0);
          if (r <= 0) break;
          n += r;
        }
        got.push(n);
        await sys.close(c);
      }
      await sys.close(l);
    });
    a.spawn(async (sys) => {
      await sys.nanosleep(1);
      const fds: number[] = [];
      for (let i = 0; i < CONNS; i++) {
        const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
        expect(await sys.connect(fd, { addr: '10.0.0.2', port: 80 })).toBe(0);
        fds.push(fd);
      }
      await sys.nanosleep(10);
      for (const fd of fds) expect(await sys.send(fd, new Uint8Array(SIZE), 0)).toBe(SIZE);
      for (const fd of fds) await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(got).toEqual(Array(CONNS).fill(SIZE));
    expect(dropped).toBeGreaterThan(0);
    expect(a.counters().Tcp.RetransSegs).toBeGreaterThan(0);
    for (const h of [a, b]) {
      const t = h.counters().Tcp;
      expect({ host: h.name, resets: t.EstabResets, rsts: t.OutRsts }).toEqual({ host: h.name, resets: 0, rsts: 0 });
    }
    await expectNoLeaks(net);
  });
});
