// Listen queues as Linux 6.x keeps them, on the virtual clock: backlog sizing, the SYN
// queue of request socks and its SYN-ACK timer, the accept queue and its overflow rules,
// accept() of a reset connection, one waiter woken per connection, and a listener closed
// with connections queued. Linux: net/ipv4/tcp_input.c (tcp_conn_request),
// tcp_minisocks.c (tcp_check_req), inet_connection_sock.c (reqsk_timer_handler,
// inet_csk_accept, inet_csk_listen_stop).
import { describe, expect, it } from 'vitest';
import { constants as C, errnoName, type Sys } from '../../build/host/index.js';
import { applyNetem } from '../../build/host/link.js';
import { boot, expectNoLeaks, pair } from '../helpers/machine.js';
import { findFrame, segs } from '../helpers/tcp.js';
import { inetChecksum } from '../helpers/frames.js';

const E = (r: unknown): string => (typeof r === 'number' && r < 0 ? errnoName(r) ?? String(r) : String(r));

async function listenOn(sys: Sys, port: number, backlog: number): Promise<number> {
  const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  expect(await sys.bind(fd, { addr: '0.0.0.0', port })).toBe(0);
  expect(await sys.listen(fd, backlog)).toBe(0);
  return fd;
}

/** A client that connects at `atMs`, then reads until EOF or error; records connect()'s and recv()'s answers. */
function client(sys: Sys, atMs: number, out: string[][], port = 80): Promise<number> {
  return (async () => {
    await sys.nanosleep(atMs);
    const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    const rc = E(await sys.connect(fd, { addr: '10.0.0.2', port }));
    const r = E(await sys.recv(fd, new Uint8Array(16), 0));
    await sys.close(fd);
    out.push([rc, r]);
    return 0;
  })();
}

describe('backlog', () => {
  it('listen(fd, 2): three connections complete without accept() (the accept queue holds backlog + 1), the 4th and 5th SYNs are dropped (ListenOverflows, ListenDrops) and get in on their 1 s retry once accept() made room', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    const accepted: number[] = [];
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, 80, 2);
      await sys.nanosleep(500);
      const cs: number[] = [];
      for (let i = 0; i < 5; i++) {
        cs.push(await sys.accept(l));
        accepted.push(await sys.clock_gettime());
      }
      for (const c of cs) await sys.close(c);
      await sys.close(l);
    });
    const answers: string[][] = [];
    const clients = [0, 1, 2, 3, 4].map((i) => a.spawn((sys) => client(sys, 50 + 50 * i, answers)));
    await net.run({ untilMs: 400 });
    const ls = b.ss().find((e) => e.state === 'LISTEN');
    expect(ls).toMatchObject({ recvQ: 3, sendQ: 2 });
    expect(a.ss().map((e) => e.state).sort()).toEqual(['ESTAB', 'ESTAB', 'ESTAB', 'SYN-SENT', 'SYN-SENT']);
    expect(b.counters().TcpExt).toMatchObject({ ListenOverflows: 2, ListenDrops: 2 });
    expect(b.counters().Tcp.PassiveOpens).toBe(3);
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    for (const c of clients) expect(await c.exited).toEqual({ code: 0 });
    expect(answers).toEqual(Array(5).fill(['0', '0']));
    // The first three at once when accept() starts; the others after their SYN retry (1 s later).
    expect(accepted.slice(0, 3)).toEqual([500, 500, 500]);
    expect(accepted[3]).toBeGreaterThan(1200);
    expect(b.counters().TcpExt).toMatchObject({ ListenOverflows: 2, ListenDrops: 2 });
    expect(b.counters().Tcp.PassiveOpens).toBe(5);
    await expectNoLeaks(net);
  });

  it('the backlog is min(backlog, net.core.somaxconn): a negative backlog means somaxconn, listen() again changes it (ss Send-Q)', async () => {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    const p = h.spawn(async (sys) => {
      const l1 = await listenOn(sys, 80, -1);
      const l2 = await listenOn(sys, 81, 100000);
      h.sysctl('net.core.somaxconn', 64);
      const l3 = await listenOn(sys, 82, 100);
      const l4 = await listenOn(sys, 83, 7);
      const q = (port: number) => h.ss().find((e) => e.local === `0.0.0.0:${port}`)?.sendQ;
      expect([q(80), q(81), q(82), q(83)]).toEqual([4096, 4096, 64, 7]);
      expect(await sys.listen(l4, 3)).toBe(0);
      expect(q(83)).toBe(3);
      for (const fd of [l1, l2, l3, l4]) await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });
});

describe('the SYN queue', () => {
  it('a lost final ACK: the request retransmits its SYN-ACK at 1, 3, 7, 15 and 31 s (tcp_synack_retries 5, doubling), shows in ss as SYN-RECV, and is gone at 63 s; the client’s later data then meets a RST', async () => {
    const net = await boot();
    const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
    // The server's ARP entry for the client must stay usable while the client's frames are
    // lost (a re-probe would go unanswered and take the SYN-ACKs with it): DELAY, not PROBE.
    b.sysctl('net.ipv4.neigh.default.delay_first_probe_time', 100);
    const link = net.link(a, b, { delayMs: 5 });
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, 80, 8);
      await sys.nanosleep(70_000);
      await sys.close(l);
    });
    const cl = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: 80 })).toBe(0);
      await sys.nanosleep(65_000);
      expect(await sys.send(fd, 'late')).toBe(4);
      expect(E(await sys.recv(fd, new Uint8Array(8), 0))).toBe('ECONNRESET');
      await sys.close(fd);
    });
    await net.run({ untilMs: 17 }); // the SYN is through (ARP 10 ms, then 5 ms)
    applyNetem(link.a, { delayMs: 5, lossRate: 1 }); // every client → server frame from now on
    await net.run({ untilMs: 2500 });
    const req = b.ss().filter((e) => e.state === 'SYN-RECV');
    expect(req).toHaveLength(1);
    expect(req[0]).toMatchObject({ local: '10.0.0.2:80', peer: expect.stringMatching(/^10\.0\.0\.1:\d+$/), pid: null, info: null });
    expect(req[0]!.timer).toMatch(/^\(on,[^,]+,1\)$/); // one retransmission so far
    expect(b.ss().find((e) => e.state === 'LISTEN')).toMatchObject({ recvQ: 0 });
    await net.run({ untilMs: 62_000 });
    expect(b.ss().filter((e) => e.state === 'SYN-RECV')).toHaveLength(1);
    await net.run({ untilMs: 64_500 });
    expect(b.ss().filter((e) => e.state === 'SYN-RECV')).toHaveLength(0);
    const sa = segs(net.trace()).filter((s) => s.flags === 'S.');
    expect(new Set(sa.map((s) => s.seq)).size).toBe(1);
    const t0 = sa[0]!.t * 1000;
    const when = sa.map((s) => s.t * 1000 - t0);
    // Linux (HZ 1000): reqsk_timeout = 1 s << num_timeout; the timer wheel adds up to 1/8.
    expect(when).toHaveLength(6);
    [0, 1000, 3000, 7000, 15000, 31000].forEach((ms, i) => {
      expect(when[i]).toBeGreaterThanOrEqual(ms);
      expect(when[i]).toBeLessThanOrEqual(ms + ms / 8 + 64);
    });
    expect(b.counters().TcpExt).toMatchObject({ TCPSynRetrans: 5, TCPTimeouts: 6, ListenDrops: 0 });
    expect(b.counters().Tcp).toMatchObject({ PassiveOpens: 0, RetransSegs: 5 });
    applyNetem(link.a, { delayMs: 5 });
    await net.run({ untilIdle: true });
    expect(await cl.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  }, 20_000);
});

describe('the accept queue', () => {
  /**
   * backlog 1: client 0 fills one of the two places; clients 1 and 2 start together, so
   * both SYNs find room, but only the first final ACK does.
   */
  async function overflow(abortOnOverflow: boolean) {
    const { net, a, b } = await pair({ delayMs: 5 });
    if (abortOnOverflow) b.sysctl('net.ipv4.tcp_abort_on_overflow', 1);
    const times: number[] = [];
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, 80, 1);
      await sys.nanosleep(500);
      const cs: number[] = [];
      for (let i = 0; i < (abortOnOverflow ? 2 : 3); i++) {
        cs.push(await sys.accept(l));
        times.push(await sys.clock_gettime());
      }
      for (const c of cs) await sys.close(c);
      await sys.close(l);
    });
    const answers: string[][] = [];
    const clients = [0, 100, 100].map((t) => a.spawn((sys) => client(sys, t, answers)));
    await net.run({ untilMs: 300 });
    return { net, a, b, server, clients, times, answers };
  }

  it('a final ACK that finds the accept queue full is dropped (ListenOverflows, ListenDrops); the request stays, its SYN-ACK retransmit draws the client’s ACK again, and the connection completes once accept() made room', async () => {
    const { net, b, server, clients, times, answers } = await overflow(false);
    expect(b.ss().find((e) => e.state === 'LISTEN')).toMatchObject({ recvQ: 2, sendQ: 1 });
    expect(b.ss().filter((e) => e.state === 'SYN-RECV')).toHaveLength(1);
    expect(b.counters().TcpExt).toMatchObject({ ListenOverflows: 1, ListenDrops: 1 });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    for (const c of clients) expect(await c.exited).toEqual({ code: 0 });
    expect(answers).toEqual([['0', '0'], ['0', '0'], ['0', '0']]);
    expect(times[0]).toBe(500);
    expect(times[1]).toBe(500);
    expect(times[2]).toBeGreaterThanOrEqual(1100); // the SYN-ACK timer (1 s after the SYN at ~115 ms)
    expect(times[2]).toBeLessThan(1300);
    expect(b.counters().TcpExt).toMatchObject({ ListenOverflows: 1, ListenDrops: 1, TCPSynRetrans: 1 });
    expect(b.counters().Tcp.PassiveOpens).toBe(3);
    await expectNoLeaks(net);
  });

  it('with net.ipv4.tcp_abort_on_overflow = 1 that final ACK is answered with RST (EmbryonicRsts): the client, connected already, reads ECONNRESET', async () => {
    const { net, b, server, clients, answers } = await overflow(true);
    expect(b.ss().filter((e) => e.state === 'SYN-RECV')).toHaveLength(0);
    expect(b.counters().TcpExt).toMatchObject({ ListenOverflows: 1, ListenDrops: 1, EmbryonicRsts: 1 });
    expect(b.counters().Tcp.OutRsts).toBe(1);
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    for (const c of clients) expect(await c.exited).toEqual({ code: 0 });
    expect(answers.sort()).toEqual([['0', '0'], ['0', '0'], ['0', 'ECONNRESET']]);
    await expectNoLeaks(net);
  });

  it('a connection reset while it waits in the accept queue is still returned by accept(); its first recv() gives ECONNRESET, the next 0', async () => {
    const { net, a, b } = await pair({ delayMs: 2 });
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, 80, 8);
      await sys.nanosleep(200);
      expect(b.ss().find((e) => e.state === 'LISTEN')).toMatchObject({ recvQ: 1 });
      const c = await sys.accept(l);
      expect(c).toBeGreaterThanOrEqual(0);
      expect(E(await sys.recv(c, new Uint8Array(8), 0))).toBe('ECONNRESET');
      expect(await sys.recv(c, new Uint8Array(8), 0)).toBe(0);
      await sys.close(c);
      await sys.close(l);
    });
    const cl = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: 80 })).toBe(0);
      expect(await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_LINGER, { onoff: 1, linger: 0 })).toBe(0);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await cl.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('three processes blocked in accept() on one listener (fork): each connection wakes exactly one of them (exclusive wait)', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    const x = b.kernel.x as unknown as { stat_task_wakeups(pid: number): number };
    const kids: number[] = [];
    let got = 0;
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, 80, 8);
      for (let i = 0; i < 3; i++) {
        kids.push(await sys.fork(async (child) => {
          const c = await child.accept(l);
          got++;
          await child.close(c);
          await child.close(l);
          return 0;
        }));
      }
      await sys.close(l);
      for (const pid of kids) expect(await sys.waitpid(pid)).toMatchObject({ pid, code: 0 });
    });
    const cl = a.spawn(async (sys) => {
      for (let i = 0; i < 3; i++) {
        await sys.nanosleep(100);
        const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
        expect(await sys.connect(fd, { addr: '10.0.0.2', port: 80 })).toBe(0);
        await sys.close(fd);
      }
    });
    await net.run({ untilMs: 50 });
    expect(kids).toHaveLength(3);
    expect(kids.map((p) => x.stat_task_wakeups(p))).toEqual([0, 0, 0]);
    // The woken child has exited (its task is gone); the others were never woken — a
    // non-exclusive wake-up would have counted one for each of them too.
    await net.run({ untilMs: 150 }); // the first connection
    expect(got).toBe(1);
    expect(kids.map((p) => x.stat_task_wakeups(p)).filter((w) => w > 0)).toEqual([]);
    await net.run({ untilMs: 250 });
    expect(got).toBe(2);
    expect(kids.map((p) => x.stat_task_wakeups(p)).filter((w) => w > 0)).toEqual([]);
    await net.run({ untilIdle: true });
    expect(got).toBe(3);
    expect(await server.exited).toEqual({ code: 0 });
    expect(await cl.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('an ICMP error quoting a request’s SYN-ACK: host unreachable drops it silently (ListenDrops), port unreachable does not, a wrong sequence number counts OutOfWindowIcmps (tcp_req_err)', async () => {
    const net = await boot();
    const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
    const link = net.link(a, b, { delayMs: 5 });
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, 80, 8);
      await sys.nanosleep(500);
      await sys.close(l);
    });
    const cl = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: 80 })).toBe(0);
      await sys.close(fd);
    });
    await net.run({ untilMs: 17 });
    applyNetem(link.a, { delayMs: 5, lossRate: 1 }); // the final ACK is lost
    await net.run({ untilMs: 100 });
    const synack = findFrame(net.pcap(), (x) => x.flags === 'S.');
    const toServer = findFrame(net.pcap(), (x) => x.src.startsWith('10.0.0.1.'));
    /** ICMP type/code from the client to the server, quoting the SYN-ACK (seq + delta). */
    const icmp = (type: number, code: number, seqDelta = 0): Uint8Array => {
      const quoted = synack.slice(14, 14 + 28);
      const dv = new DataView(quoted.buffer);
      dv.setUint32(24, (dv.getUint32(24) + seqDelta) >>> 0);
      const f = new Uint8Array(14 + 20 + 8 + quoted.length);
      f.set(toServer.subarray(0, 14), 0);
      const ip = f.subarray(14, 34);
      ip.set([0x45, 0, 0, 20 + 8 + quoted.length, 0, 1, 0, 0, 64, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
      const ipc = inetChecksum(ip);
      ip[10] = ipc >> 8; ip[11] = ipc & 255;
      const ic = f.subarray(34);
      ic[0] = type; ic[1] = code;
      ic.set(quoted, 8);
      const c = inetChecksum(ic);
      ic[2] = c >> 8; ic[3] = c & 255;
      return f;
    };
    const reqs = () => b.ss().filter((e) => e.state === 'SYN-RECV').length;
    expect(reqs()).toBe(1);
    b.inject(icmp(3, 1, 1)); // not our ISN
    expect(b.counters().TcpExt.OutOfWindowIcmps).toBe(1);
    b.inject(icmp(3, 3)); // port unreachable: not fatal for a request
    expect(reqs()).toBe(1);
    b.inject(icmp(3, 1)); // host unreachable
    expect(reqs()).toBe(0);
    expect(b.counters().TcpExt).toMatchObject({ ListenDrops: 1, OutOfWindowIcmps: 1 });
    applyNetem(link.a, { delayMs: 5 });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await cl.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('close() of a listener leaves its SYN-RECV requests to their timers, which drop them silently at the next expiry (inet_csk_listen_stop; reqsk_timer_handler)', async () => {
    const net = await boot();
    const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
    const link = net.link(a, b, { delayMs: 5 });
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, 80, 8);
      await sys.nanosleep(500);
      await sys.close(l);
    });
    const cl = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: 80 })).toBe(0);
      await sys.nanosleep(2000);
      await sys.close(fd);
    });
    await net.run({ untilMs: 17 });
    applyNetem(link.a, { delayMs: 5, lossRate: 1 }); // the final ACK is lost
    await net.run({ untilMs: 600 });
    expect(b.ss().map((e) => e.state)).toEqual(['SYN-RECV']);
    await net.run({ untilMs: 1100 }); // the SYN-ACK timer (1 s after the SYN at 15 ms)
    expect(b.ss()).toEqual([]);
    expect(b.counters().TcpExt.TCPSynRetrans).toBe(0);
    expect(b.counters().Tcp).toMatchObject({ OutRsts: 0, PassiveOpens: 0 });
    applyNetem(link.a, { delayMs: 5 });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await cl.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('close() of a listener with connections never accepted resets them (RST, EstabResets) and frees them; the clients read ECONNRESET', async () => {
    const { net, a, b } = await pair({ delayMs: 2 });
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, 80, 8);
      await sys.nanosleep(200);
      expect(b.ss().find((e) => e.state === 'LISTEN')).toMatchObject({ recvQ: 2 });
      await sys.close(l);
      expect(b.ss()).toEqual([]);
    });
    const answers: string[][] = [];
    const clients = [10, 20].map((t) => a.spawn((sys) => client(sys, t, answers)));
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    for (const c of clients) expect(await c.exited).toEqual({ code: 0 });
    expect(answers).toEqual([['0', 'ECONNRESET'], ['0', 'ECONNRESET']]);
    expect(b.counters().Tcp).toMatchObject({ OutRsts: 2, EstabResets: 2, PassiveOpens: 2 });
    await expectNoLeaks(net);
  });
});
