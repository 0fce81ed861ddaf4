// TCP close semantics on the virtual clock: RST on close with unread data, data after
// close, FIN after queued data, SO_LINGER {1, 0} and {1, t}, half-close, FIN_WAIT2 and TIME_WAIT
// timers (ss), simultaneous close through CLOSING, and the errors a reset leaves behind.
// Linux's answers on this machine are in test/fixtures/linux/tcp-facts.json (5_close_*).
import { describe, expect, it } from 'vitest';
import { constants as C, errnoName, type Host, type Sys } from '../../build/host/index.js';
import { expectNoLeaks, pair } from '../helpers/machine.js';
import { findFrame, flow, pattern, segs } from '../helpers/tcp.js';

const dec = new TextDecoder();
const E = (r: unknown): string => (typeof r === 'number' && r < 0 ? errnoName(r) ?? String(r) : String(r));
const NOSIG = C.MSG_NOSIGNAL;

async function listenOn(sys: Sys, port: number, backlog = 128): Promise<number> {
  const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  expect(await sys.bind(fd, { addr: '0.0.0.0', port })).toBe(0);
  expect(await sys.listen(fd, backlog)).toBe(0);
  return fd;
}
async function dial(sys: Sys): Promise<number> {
  const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  expect(await sys.connect(fd, { addr: '10.0.0.2', port: 80 })).toBe(0);
  return fd;
}
const conn = (h: Host) => h.ss().find((e) => e.state !== 'LISTEN');

describe('close', () => {
  it('close() with unread data sends RST (TCPAbortOnClose); the peer reads ECONNRESET, then 0', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, 80);
      const c = await sys.accept(l);
      expect(await sys.send(c, 'unread')).toBe(6);
      const buf = new Uint8Array(16);
      expect(E(await sys.recv(c, buf, 0))).toBe('ECONNRESET');
      expect(await sys.recv(c, buf, 0)).toBe(0);
      expect(E(await sys.send(c, 'x', NOSIG))).toBe('EPIPE');
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      await sys.nanosleep(50);
      expect(await sys.ioctl(fd, C.FIONREAD)).toBe(6);
      await sys.close(fd);
      expect(a.ss()).toEqual([]); // no FIN_WAIT, no TIME_WAIT: gone at once
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    const s = segs(net.trace());
    expect(flow(s).filter((x) => x.startsWith('10.0.0.1')).at(-1)).toBe('10.0.0.1>10.0.0.2 R.');
    expect(s.some((x) => x.src.startsWith('10.0.0.1') && x.flags.includes('F'))).toBe(false);
    expect(a.counters().TcpExt.TCPAbortOnClose).toBe(1);
    expect(a.counters().Tcp).toMatchObject({ OutRsts: 1, EstabResets: 1, CurrEstab: 0 });
    expect(b.counters().Tcp).toMatchObject({ EstabResets: 1, CurrEstab: 0 });
    await expectNoLeaks(net);
  }, 10_000); // a hang shows as a timeout

  it('data reaching a closed socket in FIN_WAIT1 is answered with RST (TCPAbortOnData)', async () => {
    const { net, a, b } = await pair({ delayMs: 5 }); // the data arrives before the FIN's ACK
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, 80);
      const c = await sys.accept(l);
      expect(await sys.send(c, 'late!')).toBe(5); // crosses the client's FIN
      await sys.nanosleep(50);
      const buf = new Uint8Array(8);
      expect(await sys.recv(c, buf, 0)).toBe(0); // the FIN was read first (SOCK_DONE)
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      await sys.nanosleep(5); // the server's data leaves as the FIN does
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    const s = segs(net.trace());
    expect(flow(s).filter((x) => x.startsWith('10.0.0.1')).at(-1)).toMatch(/^10\.0\.0\.1>10\.0\.0\.2 R/);
    expect(a.counters().TcpExt.TCPAbortOnData).toBe(1);
    // Two: the abort's RST, then one (tcp_v4_send_reset) for the server's ACK of our FIN,
    // which crosses it and finds no socket. That ACK is not delayed: the server never
    // received data, so its ato is still 0 (tcp_send_delayed_ack arms the timer for now).
    expect(a.counters().Tcp.OutRsts).toBe(2);
    await expectNoLeaks(net);
  });

  it('data reaching an orphan in FIN_WAIT2 gets a RST but no TCPAbortOnData (Linux answers from the timewait sock); the peer then reads 0 and its next send says EPIPE', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, 80);
      const c = await sys.accept(l);
      await sys.nanosleep(100); // the client is in FIN_WAIT2 now, we in CLOSE_WAIT
      expect(conn(b)?.state).toBe('CLOSE-WAIT');
      expect(await sys.send(c, 'late data', NOSIG)).toBe(9);
      await sys.nanosleep(50);
      // tcp_recvmsg_locked: SOCK_DONE (the FIN) is tested before sk_err, so recv says 0
      // and the reset's EPIPE (tcp_reset in CLOSE_WAIT) waits for send.
      expect(await sys.recv(c, new Uint8Array(8), 0)).toBe(0);
      expect(E(await sys.send(c, 'x', NOSIG))).toBe('EPIPE');
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      await sys.nanosleep(10);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    const s = segs(net.trace());
    const rst = s.find((x) => x.flags.startsWith('R'))!;
    expect(rst.src.startsWith('10.0.0.1.')).toBe(true);
    // tcp-facts.json 5_close_behaviour.data_after_close: only TcpOutRsts and one EstabResets.
    expect(a.counters().Tcp.OutRsts).toBe(1);
    expect(a.counters().TcpExt.TCPAbortOnData).toBe(0);
    expect(b.counters().Tcp.EstabResets).toBe(1);
    await expectNoLeaks(net);
  });

  it('close() with unsent data sends FIN only after the last byte, and the peer reads it all, then EOF', async () => {
    const { net, a, b } = await pair({ delayMs: 5, rateBps: 10e6 });
    const data = pattern(200_000, 3);
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, 80);
      const c = await sys.accept(l);
      const buf = new Uint8Array(300_000);
      expect(await sys.recv(c, buf, C.MSG_WAITALL)).toBe(200_000);
      expect(Buffer.compare(Buffer.from(buf.subarray(0, 200_000)), Buffer.from(data))).toBe(0);
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      expect(await sys.send(fd, data)).toBe(200_000);
      expect(await sys.ioctl(fd, C.SIOCOUTQ)).toBeGreaterThan(0);
      await sys.close(fd);
      expect(conn(a)?.state).toBe('FIN-WAIT-1');
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    const out = segs(net.trace()).filter((x) => x.src.startsWith('10.0.0.1.'));
    const syn = out[0]!;
    const fins = out.filter((x) => x.flags.includes('F'));
    expect(fins).toHaveLength(1);
    const fin = fins[0]!;
    // The FIN sits at isn + 1 + 200000 (on the last data segment or right after it).
    expect(((fin.end! - syn.seq!) >>> 0)).toBe(1 + 200_000);
    const lastData = out.filter((x) => x.len > 0).at(-1)!;
    expect(out.indexOf(fin)).toBeGreaterThanOrEqual(out.indexOf(lastData));
    await expectNoLeaks(net);
  });

  it('SO_LINGER {1, 0}: close() resets at once (RST, no FIN, TCPAbortOnData as Linux counts it) and the peer reads ECONNRESET', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, 80);
      const c = await sys.accept(l);
      expect(E(await sys.recv(c, new Uint8Array(8), 0))).toBe('ECONNRESET');
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      expect(await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_LINGER, { onoff: 1, linger: 0 })).toBe(0);
      expect(await sys.getsockopt(fd, C.SOL_SOCKET, C.SO_LINGER)).toEqual({ onoff: 1, linger: 0 });
      await sys.nanosleep(20);
      const t = await sys.clock_gettime();
      await sys.close(fd);
      expect(await sys.clock_gettime()).toBe(t);
      expect(a.ss()).toEqual([]);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    const out = flow(segs(net.trace())).filter((x) => x.startsWith('10.0.0.1'));
    expect(out).toEqual(['10.0.0.1>10.0.0.2 S', '10.0.0.1>10.0.0.2 .', '10.0.0.1>10.0.0.2 R.']);
    // tcp-facts.json linger_1_0_close_no_unread: TCPAbortOnData 1, OutRsts 1, EstabResets 2 (both ends).
    expect(a.counters().TcpExt.TCPAbortOnData).toBe(1);
    expect(a.counters().Tcp).toMatchObject({ OutRsts: 1, EstabResets: 1 });
    expect(b.counters().Tcp.EstabResets).toBe(1);
    await expectNoLeaks(net);
  });

  /**
   * Fills the peer's receive window and our send buffer (the server does not read), so
   * data and a FIN stay unacknowledged after close(). Returns the bytes accepted.
   */
  async function fillUntilStuck(sys: Sys, fd: number): Promise<number> {
    const chunk = new Uint8Array(65536);
    let total = 0;
    for (let stuck = 0; stuck < 3;) {
      const r = await sys.send(fd, chunk, C.MSG_DONTWAIT);
      if (r > 0) { total += r; stuck = 0; } else { expect(E(r)).toBe('EAGAIN'); stuck++; }
      await sys.nanosleep(100);
    }
    return total;
  }
  /** A server that reads nothing until `readAtMs`, then reads to EOF; returns the byte count. */
  const slowReader = (readAtMs: number) => async (sys: Sys): Promise<number> => {
    const l = await listenOn(sys, 80);
    const c = await sys.accept(l);
    await sys.nanosleep(readAtMs - (await sys.clock_gettime()));
    const buf = new Uint8Array(65536);
    let n = 0;
    for (;;) {
      const r = await sys.recv(c, buf, 0);
      if (r <= 0) { expect(r).toBe(0); break; }
      n += r;
    }
    await sys.close(c);
    await sys.close(l);
    return n;
  };

  it('SO_LINGER {1, 5}: close() with data the peer does not take (zero window) sleeps the whole 5 s, then returns 0; the descriptor is gone at once and the connection goes on as an orphan', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    let sent = 0;
    const server = b.spawn(slowReader(8000));
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      expect(await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_LINGER, { onoff: 1, linger: 5 })).toBe(0);
      sent = await fillUntilStuck(sys, fd);
      expect(conn(a)).toMatchObject({ state: 'ESTAB', info: { tcpi_snd_wnd: 0 } });
      const t0 = await sys.clock_gettime();
      const closing = sys.close(fd);
      // file_close_fd() before the release: another caller finds no descriptor, and the
      // number is free again while close() still sleeps.
      expect(E(await sys.fcntl(fd, C.F_GETFL))).toBe('EBADF');
      expect(E(await sys.close(fd))).toBe('EBADF');
      expect(conn(a)).toMatchObject({ state: 'FIN-WAIT-1', pid: null, fd: null });
      const again = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(again).toBe(fd);
      expect(await sys.close(again)).toBe(0);
      expect(await closing).toBe(0); // Linux's close() says 0 when l_linger runs out
      const dt = (await sys.clock_gettime()) - t0;
      expect(dt).toBeGreaterThanOrEqual(5000);
      expect(dt).toBeLessThanOrEqual(5000 + 5000 / 8); // the timer wheel fires up to 1/8 late, as Linux's
      expect(conn(a)?.state).toBe('FIN-WAIT-1'); // still unacked: an orphan now
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    await net.run({ untilMs: 20_000 });
    // The server opens its window at 8 s; the orphan delivers the rest, then the FIN.
    expect(await server.exited).toEqual({ code: sent });
    await expectNoLeaks(net);
  }, 20_000);

  it('SO_LINGER {1, 5}: close() returns as soon as our FIN is acked (one round trip and the delayed ACK, not 5 s), in FIN-WAIT-2', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, 80);
      const c = await sys.accept(l);
      const buf = new Uint8Array(16);
      expect(await sys.recv(c, buf, 0)).toBe(5);
      expect(await sys.recv(c, buf, 0)).toBe(0);
      await sys.nanosleep(200);
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      expect(await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_LINGER, { onoff: 1, linger: 5 })).toBe(0);
      expect(await sys.send(fd, 'hello')).toBe(5);
      const t0 = await sys.clock_gettime();
      expect(await sys.close(fd)).toBe(0);
      const dt = (await sys.clock_gettime()) - t0;
      expect(dt).toBeGreaterThanOrEqual(10); // at least the round trip of the FIN
      expect(dt).toBeLessThan(500);
      expect(conn(a)).toMatchObject({ state: 'FIN-WAIT-2', pid: null, fd: null });
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    expect(a.counters().Tcp.OutRsts).toBe(0);
    await expectNoLeaks(net);
  });

  it('SO_LINGER with a negative l_linger lingers without a time limit: close() returns only after a reader that starts at 30 s took everything, and reads back as LONG_MAX / HZ in an int', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    const server = b.spawn(slowReader(30_000));
    let sent = 0;
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      expect(await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_LINGER, { onoff: 1, linger: -1 })).toBe(0);
      // sk_lingertime = MAX_SCHEDULE_TIMEOUT; getsockopt gives it / HZ (1000) as an int.
      expect(await sys.getsockopt(fd, C.SOL_SOCKET, C.SO_LINGER)).toEqual({ onoff: 1, linger: -1511828489 });
      sent = await fillUntilStuck(sys, fd);
      expect(await sys.clock_gettime()).toBeLessThan(5000);
      expect(await sys.close(fd)).toBe(0);
      expect(await sys.clock_gettime()).toBeGreaterThanOrEqual(30_000);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: sent }); // every byte arrived
    expect(await client.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('SO_LINGER {1, 5} on an O_NONBLOCK socket: close() sleeps all the same, as Linux does (inet_release passes sk_lingertime whatever the file flags), and returns 0', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    let sent = 0;
    const server = b.spawn(slowReader(8000));
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      expect(await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_LINGER, { onoff: 1, linger: 5 })).toBe(0);
      sent = await fillUntilStuck(sys, fd);
      expect(await sys.fcntl(fd, C.F_SETFL, C.O_NONBLOCK)).toBe(0);
      const t0 = await sys.clock_gettime();
      expect(await sys.close(fd)).toBe(0); // not EAGAIN/EWOULDBLOCK (BSD's answer)
      const dt = (await sys.clock_gettime()) - t0;
      expect(dt).toBeGreaterThanOrEqual(5000);
      expect(dt).toBeLessThanOrEqual(5000 + 5000 / 8);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    await net.run({ untilMs: 20_000 });
    expect(await server.exited).toEqual({ code: sent });
    await expectNoLeaks(net);
  }, 20_000);

  it('SO_LINGER {1, 5}: a process killed while close() lingers ends the wait; the connection finishes as an orphan', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    let sent = 0;
    const server = b.spawn(slowReader(8000));
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      expect(await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_LINGER, { onoff: 1, linger: 5 })).toBe(0);
      sent = await fillUntilStuck(sys, fd);
      await sys.close(fd);
      return 99; // not reached
    });
    await net.run({ untilMs: 3000 });
    expect(conn(a)).toMatchObject({ state: 'FIN-WAIT-1', pid: null });
    client.kill(C.SIGKILL);
    expect(await client.exited).toEqual({ signal: C.SIGKILL });
    expect(a.stats()).toMatchObject({ tasks: 0, files: 0 });
    expect(conn(a)?.state).toBe('FIN-WAIT-1');
    await net.run({ untilMs: 20_000 });
    expect(await server.exited).toEqual({ code: sent });
    await expectNoLeaks(net);
  }, 20_000);

  it('SO_LINGER {1, 5}: exit() with the socket still open does not linger (inet_release: never under PF_EXITING)', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    let sent = 0;
    const server = b.spawn(slowReader(8000));
    let t0 = 0;
    let exitAt = -1;
    let atExit: ReturnType<typeof conn>;
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      expect(await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_LINGER, { onoff: 1, linger: 5 })).toBe(0);
      sent = await fillUntilStuck(sys, fd);
      t0 = await sys.clock_gettime();
      return 0; // do_exit closes the descriptor
    });
    void client.exited.then(() => { exitAt = net.now(); atExit = conn(a); });
    await net.run({ untilMs: 3000 });
    expect(await client.exited).toEqual({ code: 0 });
    expect(exitAt).toBe(t0);
    expect(atExit).toMatchObject({ state: 'FIN-WAIT-1', pid: null });
    await net.run({ untilMs: 20_000 });
    expect(await server.exited).toEqual({ code: sent });
    await expectNoLeaks(net);
  }, 20_000);

  it('shutdown(SHUT_WR) half-closes: the peer reads EOF (CLOSE-WAIT) and can still send back to us (FIN-WAIT-2)', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, 80);
      const c = await sys.accept(l);
      const buf = new Uint8Array(16);
      expect(await sys.recv(c, buf, 0)).toBe(3);
      expect(await sys.recv(c, buf, 0)).toBe(0);
      expect(conn(b)?.state).toBe('CLOSE-WAIT');
      expect(await sys.send(c, 'back')).toBe(4);
      await sys.nanosleep(50);
      await sys.close(c);
      expect(conn(b)?.state).toBe('LAST-ACK');
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      expect(await sys.send(fd, 'req')).toBe(3);
      expect(await sys.shutdown(fd, C.SHUT_WR)).toBe(0);
      expect(E(await sys.send(fd, 'more', NOSIG))).toBe('EPIPE');
      const buf = new Uint8Array(16);
      expect(await sys.recv(fd, buf, 0)).toBe(4);
      expect(dec.decode(buf.subarray(0, 4))).toBe('back');
      expect(conn(a)).toMatchObject({ state: 'FIN-WAIT-2', pid: client.pid, fd, timer: null });
      expect(await sys.recv(fd, buf, 0)).toBe(0);
      await sys.nanosleep(20);
      expect(conn(a)?.state).toBe('TIME-WAIT');
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('an orphan in FIN_WAIT2 shows the timewait timer and is gone after tcp_fin_timeout (5 s here)', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    a.sysctl('net.ipv4.tcp_fin_timeout', 5);
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, 80);
      const c = await sys.accept(l);
      await sys.nanosleep(8000); // stays in CLOSE_WAIT
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      await sys.close(fd);
    });
    await net.run({ untilMs: 500 });
    expect(conn(a)).toMatchObject({ state: 'FIN-WAIT-2', pid: null, fd: null, timer: expect.stringMatching(/^\(timewait,4\.\d{3}ms,0\)$/) }); // ss prints 4570 ms as "4.570ms"
    expect(conn(b)?.state).toBe('CLOSE-WAIT');
    await net.run({ untilMs: 4900 });
    expect(conn(a)?.state).toBe('FIN-WAIT-2');
    // FIN_WAIT2 began at ~70 ms (the FIN's ACK is delayed: tcp_fin enters pingpong mode);
    // tcp_fin_time() = max(5 s, 3.5 RTO) = 5 s; allow timer slack.
    await net.run({ untilMs: 5500 });
    expect(conn(a)).toBeUndefined();
    // untilIdle would stop when the server exits, with its FIN still on the 5 ms link.
    await net.run({ untilMs: 9000 });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    // The server's late FIN finds no socket: RST.
    const late = segs(net.trace()).filter((x) => x.t >= 7.9);
    expect(flow(late).slice(0, 2), segs(net.trace()).map((x) => x.t + " " + x.flags).join("; ")).toEqual(['10.0.0.2>10.0.0.1 F.', '10.0.0.1>10.0.0.2 R']);
    await expectNoLeaks(net);
  });

  it('TIME_WAIT lasts 60 s (ss: TIME-WAIT, (timewait,59sec,0)), answers a retransmitted FIN with an ACK and restarts', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, 80);
      const c = await sys.accept(l);
      expect(await sys.recv(c, new Uint8Array(4), 0)).toBe(0);
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      await sys.close(fd);
    });
    await net.run({ untilMs: 1000 });
    expect(conn(a)).toMatchObject({ state: 'TIME-WAIT', pid: null, timer: '(timewait,59sec,0)', recvQ: 0, sendQ: 0 });
    // As a timewait mini-sock: no queue and no memory left (ss -m shows skmem r0).
    expect(conn(a)?.skmem.r).toBe(0);
    expect(conn(b)).toBeUndefined();
    await net.run({ untilMs: 30_000 });
    expect(conn(a)?.timer).toBe('(timewait,30sec,0)');
    // Replay the server's FIN: TIME_WAIT answers with an ACK (tcp_timewait_state_process:
    // TCP_TW_ACK) and restarts its 60 s (inet_twsk_reschedule). The server has no socket
    // left, so it answers that ACK with a RST, and the RST in window ends TIME_WAIT early:
    // "TIME-WAIT assassination", which Linux allows with net.ipv4.tcp_rfc1337 = 0.
    const finFrame = findFrame(net.pcap(), (x) => x.src.startsWith('10.0.0.2.') && x.flags.includes('F'));
    const n = segs(net.trace()).length;
    a.inject(finFrame);
    await net.run({ untilMs: 30_100 });
    const after = segs(net.trace()).slice(n + 1);
    expect(flow(after)).toEqual(['10.0.0.1>10.0.0.2 .', '10.0.0.2>10.0.0.1 R']);
    expect(conn(a)).toBeUndefined();
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('simultaneous close: crossing FINs take both ends through CLOSING to TIME-WAIT', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    const closeAt = (fdOf: (sys: Sys) => Promise<number>) => async (sys: Sys) => {
      const fd = await fdOf(sys);
      await sys.nanosleep(100 - (await sys.clock_gettime()));
      await sys.close(fd);
    };
    const server = b.spawn(closeAt(async (sys) => {
      const l = await listenOn(sys, 80);
      const c = await sys.accept(l);
      await sys.close(l);
      return c;
    }));
    const client = a.spawn(closeAt(dial));
    await net.run({ untilMs: 107 });
    expect(conn(a)?.state).toBe('CLOSING');
    expect(conn(b)?.state).toBe('CLOSING');
    await net.run({ untilMs: 120 });
    expect(conn(a)?.state).toBe('TIME-WAIT');
    expect(conn(b)?.state).toBe('TIME-WAIT');
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    const tail = flow(segs(net.trace()).filter((x) => x.t >= 0.1));
    expect(tail.sort()).toEqual(['10.0.0.1>10.0.0.2 .', '10.0.0.1>10.0.0.2 F.', '10.0.0.2>10.0.0.1 .', '10.0.0.2>10.0.0.1 F.']);
    await expectNoLeaks(net);
  });

  it('after the peer resets: the first send says ECONNRESET, the next EPIPE, recv 0 (as Linux here: tcp-facts and a python3 check)', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, 80);
      const c = await sys.accept(l);
      await sys.setsockopt(c, C.SOL_SOCKET, C.SO_LINGER, { onoff: 1, linger: 0 });
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      await sys.nanosleep(50);
      expect(E(await sys.send(fd, 'y', NOSIG))).toBe('ECONNRESET');
      expect(E(await sys.send(fd, 'y', NOSIG))).toBe('EPIPE');
      expect(await sys.recv(fd, new Uint8Array(4), 0)).toBe(0);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ code: 0 });
    expect(a.counters().Tcp.EstabResets).toBe(1);
    expect(b.counters().Tcp.OutRsts).toBe(1);
    await expectNoLeaks(net);
  });

  it('send after the peer reset without MSG_NOSIGNAL: SIGPIPE ends the process on the EPIPE', async () => {
    const { net, a, b } = await pair({ delayMs: 5 });
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, 80);
      const c = await sys.accept(l);
      await sys.setsockopt(c, C.SOL_SOCKET, C.SO_LINGER, { onoff: 1, linger: 0 });
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await dial(sys);
      await sys.nanosleep(50);
      expect(E(await sys.send(fd, 'y', 0))).toBe('ECONNRESET'); // no signal for ECONNRESET
      await sys.send(fd, 'y', 0);
      return 99; // not reached
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await client.exited).toEqual({ signal: C.SIGPIPE });
    await expectNoLeaks(net);
  });
});
