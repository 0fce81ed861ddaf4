// TIME_WAIT on the virtual clock: its 60 s (TCP_TIMEWAIT_LEN), tcp_max_tw_buckets,
// connect() taking a TIME_WAIT tuple over (tcp_tw_reuse 0/1/2, tcp_tw_reuse_delay,
// TWRecycled), a new SYN reopening the connection (tcp_timewait_state_process TW_SYN),
// and RST / ACK handling (RFC 1337, tcp_rfc1337). Linux: net/ipv4/tcp_minisocks.c,
// tcp_ipv4.c (tcp_twsk_unique), inet_hashtables.c (__inet_check_established).
import { describe, expect, it } from 'vitest';
import { constants as C, errnoName, type Host, type Network, type Sys } from '../../build/host/index.js';
import { boot, expectNoLeaks, pair } from '../helpers/machine.js';
import { findFrame, flow, hostTrace, segs, tcpFrame, TH_ACK, TH_RST } from '../helpers/tcp.js';

const E = (r: unknown): string => (typeof r === 'number' && r < 0 ? errnoName(r) ?? String(r) : String(r));

async function listenOn(sys: Sys, addr: string, port: number, reuseaddr = false): Promise<number> {
  const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  if (reuseaddr) expect(await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_REUSEADDR, 1)).toBe(0);
  expect(await sys.bind(fd, { addr, port })).toBe(0);
  expect(await sys.listen(fd, 128)).toBe(0);
  return fd;
}
/** Server side: accept `n` connections, wait for each client's FIN, close (passive close). */
function passiveServer(h: Host, addr: string, n: number, holdMs = 0) {
  return h.spawn(async (sys) => {
    const l = await listenOn(sys, addr, 80);
    const buf = new Uint8Array(16);
    for (let i = 0; i < n; i++) {
      const c = await sys.accept(l);
      expect(await sys.recv(c, buf, 0)).toBe(0);
      await sys.close(c);
    }
    if (holdMs) await sys.nanosleep(holdMs);
    await sys.close(l);
  });
}
/** Client side: connect, close first (active close: this end gets TIME_WAIT). */
async function activeClose(sys: Sys, addr: string): Promise<number | string> {
  const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  const rc = await sys.connect(fd, { addr, port: 80 });
  if (rc < 0) {
    await sys.close(fd);
    return E(rc);
  }
  const n = await sys.getsockname(fd);
  await sys.close(fd);
  return typeof n === 'number' ? E(n) : n.port;
}
const tw = (h: Host) => h.ss().filter((e) => e.state === 'TIME-WAIT');

describe('TIME_WAIT', () => {
  it('lasts 60 s (TCP_TIMEWAIT_LEN) with empty queues, then the socket is gone and TcpExt TW counts it', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    const server = passiveServer(b, '0.0.0.0', 1);
    const client = a.spawn(async (sys) => {
      await sys.nanosleep(1);
      expect(typeof (await activeClose(sys, '10.0.0.2'))).toBe('number');
    });
    await net.run({ untilMs: 100 });
    const t0 = net.now();
    expect(tw(a)).toMatchObject([{ recvQ: 0, sendQ: 0, peer: '10.0.0.2:80', timer: expect.stringMatching(/^\(timewait,/) }]);
    await net.run({ untilMs: t0 + 59_800 });
    expect(tw(a)).toHaveLength(1);
    expect(a.counters().TcpExt.TW).toBe(0);
    // The timer wheel may fire a 60 s timer up to one level-4 granule (4 s) late, as Linux's.
    await net.run({ untilMs: t0 + 64_100 });
    expect(tw(a)).toHaveLength(0);
    expect(a.counters().TcpExt.TW).toBe(1);
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('is a mini-sock: 50 connections in TIME_WAIT hold 50 socks and no tcp_sock', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    const server = passiveServer(b, '0.0.0.0', 50);
    const client = a.spawn(async (sys) => {
      await sys.nanosleep(1);
      for (let i = 0; i < 50; i++) expect(typeof (await activeClose(sys, '10.0.0.2'))).toBe('number');
    });
    await net.run({ untilMs: 2000 });
    expect(await client.exited).toEqual({ code: 0 });
    expect(tw(a)).toHaveLength(50);
    expect(tw(a).every((e) => e.pid === null && e.recvQ === 0 && e.sendQ === 0)).toBe(true);
    // inet_twsk_hashdance + tcp_done: the tcp_sock went back to its slab.
    expect(a.stats()).toMatchObject({ sockets: 50, tcpSocks: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('an orphan in FIN_WAIT2 is a timewait sock too; the peer’s FIN is ACKed and starts TIME_WAIT (tw_substate)', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, '0.0.0.0', 80);
      const c = await sys.accept(l);
      await sys.nanosleep(1000); // CLOSE_WAIT for a second
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      await sys.nanosleep(1);
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: 80 })).toBe(0);
      await sys.close(fd);
    });
    await net.run({ untilMs: 500 });
    expect(a.ss()).toMatchObject([{ state: 'FIN-WAIT-2', pid: null, recvQ: 0, timer: expect.stringMatching(/^\(timewait,/) }]);
    expect(a.stats()).toMatchObject({ sockets: 1, tcpSocks: 0 });
    const before = segs(net.trace()).length;
    await net.run({ untilMs: 1100 });
    const after = segs(net.trace()).slice(before);
    expect(flow(after)).toEqual(['10.0.0.2>10.0.0.1 F.', '10.0.0.1>10.0.0.2 .']);
    expect(a.ss()).toMatchObject([{ state: 'TIME-WAIT', timer: '(timewait,59sec,0)' }]);
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('ss: a TIME_WAIT row’s tcp_info is all zeros but the state, whatever row was filled before it', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    const server = passiveServer(b, '0.0.0.0', 2);
    const client = a.spawn(async (sys) => {
      await sys.nanosleep(1);
      expect(typeof (await activeClose(sys, '10.0.0.2'))).toBe('number');
      const open = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(open, { addr: '10.0.0.2', port: 80 })).toBe(0);
      await sys.nanosleep(1000);
      await sys.close(open);
    });
    await net.run({ untilMs: 500 });
    // Twice: the second pass fills the TIME_WAIT row over whatever the first left behind.
    a.ss();
    const rows = a.ss();
    expect(rows.find((e) => e.state === 'ESTAB')?.info?.tcpi_rcv_wnd).toBeGreaterThan(0);
    const row = rows.find((e) => e.state === 'TIME-WAIT');
    expect(row?.info).toMatchObject({ tcpi_rcv_wnd: 0, tcpi_snd_wnd: 0, tcpi_rehash: 0, tcpi_total_rto_time: 0 });
    await net.run({ untilMs: 2000 });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
  });

  it('tcp_max_tw_buckets: a connection past the limit closes at once (TCPTimeWaitOverflow)', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    a.sysctl('net.ipv4.tcp_max_tw_buckets', 2);
    const server = passiveServer(b, '0.0.0.0', 3);
    const client = a.spawn(async (sys) => {
      await sys.nanosleep(1);
      for (let i = 0; i < 3; i++) {
        expect(typeof (await activeClose(sys, '10.0.0.2'))).toBe('number');
        await sys.nanosleep(20);
      }
    });
    await net.run({ untilMs: 1000 });
    expect(tw(a)).toHaveLength(2);
    expect(a.ss()).toHaveLength(2);
    expect(a.counters().TcpExt.TCPTimeWaitOverflow).toBe(1);
    expect(a.counters().Tcp.OutRsts).toBe(0); // closed quietly
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });
});

describe('tcp_tw_reuse', () => {
  /** One host, loopback: a one-port range, so the second connect() needs the TIME_WAIT tuple. */
  async function loopback(reuse?: number): Promise<{ net: Network; h: Host }> {
    const net = await boot();
    const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
    h.sysctl('net.ipv4.ip_local_port_range', '40000 40000');
    if (reuse !== undefined) h.sysctl('net.ipv4.tcp_tw_reuse', reuse);
    return { net, h };
  }

  it('2 (default), over loopback: connect() takes the tuple over after tcp_tw_reuse_delay (1 s), not before (TWRecycled)', async () => {
    const { net, h } = await loopback();
    const server = passiveServer(h, '127.0.0.1', 2);
    const client = h.spawn(async (sys) => {
      await sys.nanosleep(1);
      expect(await activeClose(sys, '127.0.0.1')).toBe(40000);
      await sys.nanosleep(10);
      expect(tw(h)).toHaveLength(1);
      expect(await activeClose(sys, '127.0.0.1')).toBe('EADDRNOTAVAIL');
      await sys.nanosleep(1000);
      expect(await activeClose(sys, '127.0.0.1')).toBe(40000);
    });
    await net.run({ untilMs: 5000 });
    expect(await client.exited).toEqual({ code: 0 });
    expect(h.counters().TcpExt.TWRecycled).toBe(1);
    // The new connection starts above everything the old one sent: tw_snd_nxt + 65535 + 2.
    const s = segs(hostTrace(h)).filter((x) => x.sport === 40000);
    const syns = s.filter((x) => x.flags === 'S');
    const oldFin = s.find((x) => x.flags.includes('F'))!;
    expect(syns).toHaveLength(2);
    expect(syns[1]!.seq).toBe((oldFin.seq! + 1 + 65537) >>> 0);
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('0: never; the TIME_WAIT tuple blocks connect() for its 60 s', async () => {
    const { net, h } = await loopback(0);
    const server = passiveServer(h, '127.0.0.1', 2, 70_000);
    const client = h.spawn(async (sys) => {
      await sys.nanosleep(1);
      expect(await activeClose(sys, '127.0.0.1')).toBe(40000);
      await sys.nanosleep(5000);
      expect(await activeClose(sys, '127.0.0.1')).toBe('EADDRNOTAVAIL');
      await sys.nanosleep(60_000);
      expect(await activeClose(sys, '127.0.0.1')).toBe(40000);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    expect(h.counters().TcpExt.TWRecycled).toBe(0);
    await expectNoLeaks(net);
  });

  it('2 applies only to loopback addresses; 1 to every destination', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    a.sysctl('net.ipv4.ip_local_port_range', '40000 40000');
    const server = passiveServer(b, '0.0.0.0', 2);
    const client = a.spawn(async (sys) => {
      await sys.nanosleep(1);
      expect(await activeClose(sys, '10.0.0.2')).toBe(40000);
      await sys.nanosleep(2000);
      expect(await activeClose(sys, '10.0.0.2')).toBe('EADDRNOTAVAIL');
      a.sysctl('net.ipv4.tcp_tw_reuse', 1);
      expect(await activeClose(sys, '10.0.0.2')).toBe(40000);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    expect(a.counters().TcpExt.TWRecycled).toBe(1);
    await expectNoLeaks(net);
  });
});

describe('segments to a TIME_WAIT socket (tcp_timewait_state_process)', () => {
  /** The client closes first and ends in TIME_WAIT; returns what an injection needs. */
  async function timeWait() {
    const { net, a, b } = await pair({ delayMs: 1 });
    const server = passiveServer(b, '0.0.0.0', 1);
    const client = a.spawn(async (sys) => {
      await sys.nanosleep(1);
      await activeClose(sys, '10.0.0.2');
    });
    await net.run({ untilMs: 100 });
    const s = segs(net.trace());
    const fin = s.find((x) => x.flags.includes('F') && x.src.startsWith('10.0.0.2.'))!;
    const template = findFrame(net.pcap(), (x) => x.src.startsWith('10.0.0.2.'));
    const rst = (seq: number, flags = TH_RST) =>
      tcpFrame({ template, src: '10.0.0.2', dst: '10.0.0.1', sport: 80, dport: fin.dport, seq, ack: fin.ack!, flags, win: 0 });
    return { net, a, b, server, client, rcvNxt: fin.seq! + 1, rst };
  }

  it('an in-window RST kills it (tcp_rfc1337 = 0: TIME_WAIT assassination)', async () => {
    const { net, a, server, client, rcvNxt, rst } = await timeWait();
    expect(tw(a)).toHaveLength(1);
    a.inject(rst(rcvNxt));
    await net.run({ untilMs: 200 });
    expect(a.ss()).toEqual([]);
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('with tcp_rfc1337 = 1 the RST is ignored and TIME_WAIT runs its course', async () => {
    const { net, a, server, client, rcvNxt, rst } = await timeWait();
    a.sysctl('net.ipv4.tcp_rfc1337', 1);
    a.inject(rst(rcvNxt));
    await net.run({ untilMs: 200 });
    expect(tw(a)).toHaveLength(1);
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('an old segment is answered with an ACK and restarts the 60 s; a second within 500 ms is not (TCPACKSkippedTimeWait)', async () => {
    const { net, a, b, server, client, rcvNxt, rst } = await timeWait();
    // The peer has no socket left and answers the ACK with a RST at rcv_nxt, which would
    // assassinate the TIME_WAIT (the test above): RFC 1337's remedy keeps it.
    a.sysctl('net.ipv4.tcp_rfc1337', 1);
    await net.run({ untilMs: 30_000 });
    const before = segs(net.trace()).length;
    a.inject(rst(rcvNxt - 1, TH_ACK));
    a.inject(rst(rcvNxt - 1, TH_ACK));
    await net.run({ untilMs: 30_100 });
    const out = segs(net.trace()).slice(before).filter((x) => x.src.startsWith('10.0.0.1.'));
    expect(flow(out)).toEqual(['10.0.0.1>10.0.0.2 .']);
    expect(out[0]!.ack).toBe(rcvNxt);
    expect(a.counters().TcpExt.TCPACKSkippedTimeWait).toBe(1);
    expect(b.counters().Tcp.OutRsts).toBe(1);
    await net.run({ untilMs: 89_900 }); // 60 s from the ACK, not from the FIN
    expect(tw(a)).toHaveLength(1);
    await net.run({ untilMs: 94_200 });
    expect(tw(a)).toHaveLength(0);
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('a SYN with a higher sequence number opens a new connection; its ISN is tw_snd_nxt + 65535 + 2', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    // The server closes first, so the TIME_WAIT is on its side: (10.0.0.2:80, 10.0.0.1:P).
    let cport = 0;
    const server = b.spawn(async (sys) => {
      const l = await listenOn(sys, '0.0.0.0', 80);
      const c1 = await sys.accept(l);
      await sys.close(c1);
      const c2 = await sys.accept(l);
      expect(await sys.getpeername(c2)).toEqual({ addr: '10.0.0.1', port: cport });
      await sys.close(c2);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      await sys.nanosleep(1);
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: 80 })).toBe(0);
      cport = ((await sys.getsockname(fd)) as { port: number }).port;
      const buf = new Uint8Array(4);
      expect(await sys.recv(fd, buf, 0)).toBe(0);
      await sys.close(fd); // LAST_ACK, then CLOSED: the port is free on this side
      await sys.nanosleep(100);
      expect(tw(b)).toHaveLength(1);
      const fd2 = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.bind(fd2, { addr: '0.0.0.0', port: cport })).toBe(0);
      expect(await sys.connect(fd2, { addr: '10.0.0.2', port: 80 })).toBe(0);
      expect(await sys.recv(fd2, buf, 0)).toBe(0);
      await sys.close(fd2);
    });
    await net.run({ untilMs: 1000 });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    const s = segs(net.trace()).filter((x) => x.src === `10.0.0.2.80`);
    const synacks = s.filter((x) => x.flags === 'S.');
    const oldFin = s.find((x) => x.flags.includes('F'))!;
    expect(synacks).toHaveLength(2);
    expect(synacks[1]!.seq).toBe((oldFin.seq! + 1 + 65537) >>> 0);
    expect(b.counters().Tcp.PassiveOpens).toBe(2);
    await expectNoLeaks(net);
  });
});
