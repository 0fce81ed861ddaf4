// SYN cookies and the SYN queue's limits, on the virtual clock: net.ipv4.tcp_syncookies
// 0/1/2, the MSS the cookie can carry (msstab), window scale and SACK carried in the
// timestamp, a flood of spoofed SYNs with a legitimate client still getting in, and
// cookies that do not check out. Linux: net/ipv4/syncookies.c, tcp_input.c
// (tcp_conn_request, tcp_syn_flood_action).
import { describe, expect, it } from 'vitest';
import { constants as C, errnoName, type Host, type Network, type Sys } from '../../build/host/index.js';
import { applyNetem } from '../../build/host/link.js';
import { boot, expectNoLeaks } from '../helpers/machine.js';
import { findFrame, segs, tcpFrame, TH_ACK, TH_SYN } from '../helpers/tcp.js';

const E = (r: unknown): string => (typeof r === 'number' && r < 0 ? errnoName(r) ?? String(r) : String(r));
const TCPI_OPT_TIMESTAMPS = 1;
const TCPI_OPT_SACK = 2;
const TCPI_OPT_WSCALE = 4;

async function setup(delayMs = 1) {
  const net = await boot();
  const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
  const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
  const link = net.link(a, b, { delayMs });
  return { net, a, b, link };
}

interface Info { tcpi_options: number; tcpi_snd_wscale: number; tcpi_snd_mss: number; tcpi_rcv_wscale: number }

/**
 * A server that accepts one connection, reads "ping", answers "pong" and returns the
 * accepted socket's TCP_INFO; a client that connects (with `clientSetup` first).
 */
async function pingPong(net: Network, a: Host, b: Host, clientSetup: (sys: Sys, fd: number) => Promise<void> = async () => {}) {
  let info: Info | null = null;
  const server = b.spawn(async (sys) => {
    const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    expect(await sys.bind(l, { addr: '0.0.0.0', port: 80 })).toBe(0);
    expect(await sys.listen(l, 16)).toBe(0);
    const c = await sys.accept(l);
    const buf = new Uint8Array(4);
    expect(await sys.recv(c, buf, C.MSG_WAITALL)).toBe(4);
    expect(await sys.send(c, 'pong')).toBe(4);
    info = (await sys.getsockopt(c, C.IPPROTO_TCP, C.TCP_INFO)) as unknown as Info;
    expect(await sys.recv(c, buf, 0)).toBe(0);
    await sys.close(c);
    await sys.close(l);
  });
  const client = a.spawn(async (sys) => {
    await sys.nanosleep(10);
    const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    await clientSetup(sys, fd);
    expect(await sys.connect(fd, { addr: '10.0.0.2', port: 80 })).toBe(0);
    expect(await sys.send(fd, 'ping')).toBe(4);
    const buf = new Uint8Array(4);
    expect(await sys.recv(fd, buf, C.MSG_WAITALL)).toBe(4);
    await sys.close(fd);
  });
  let sawSynRecv = false;
  for (let t = 1; t <= 60; t++) {
    await net.run({ untilMs: t });
    if (b.ss().some((e) => e.state === 'SYN-RECV')) sawSynRecv = true;
  }
  await net.run({ untilIdle: true });
  expect(await server.exited).toEqual({ code: 0 });
  expect(await client.exited).toEqual({ code: 0 });
  return { info: info as unknown as Info, sawSynRecv };
}

describe('net.ipv4.tcp_syncookies = 2: every SYN is answered with a cookie', () => {
  it('the connection is made from the cookie alone (no SYN-RECV request), and window scale and SACK come back through the timestamp', async () => {
    const { net, a, b } = await setup();
    b.sysctl('net.ipv4.tcp_syncookies', 2);
    const { info, sawSynRecv } = await pingPong(net, a, b);
    expect(sawSynRecv).toBe(false);
    expect(info.tcpi_options).toBe(TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK | TCPI_OPT_WSCALE);
    expect(info.tcpi_snd_wscale).toBe(10); // the client's, decoded from the echoed tsval
    expect(info.tcpi_snd_mss).toBe(1448); // msstab 1460, less the timestamp option
    expect(b.counters().TcpExt).toMatchObject({ SyncookiesSent: 1, SyncookiesRecv: 1, SyncookiesFailed: 0, TCPReqQFullDoCookies: 1, ListenDrops: 0 });
    expect(b.counters().Tcp.PassiveOpens).toBe(1);
    const sa = segs(net.trace()).find((s) => s.flags === 'S.');
    expect(sa?.options).toMatch(/^mss 1460,sackOK,TS val \d+ ecr \d+,nop,wscale 10$/);
    await expectNoLeaks(net);
  });

  it('without timestamps in the SYN the cookie cannot carry options: no window scale, no SACK on either side', async () => {
    const { net, a, b } = await setup();
    b.sysctl('net.ipv4.tcp_syncookies', 2);
    a.sysctl('net.ipv4.tcp_timestamps', 0);
    const { info } = await pingPong(net, a, b);
    expect(info.tcpi_options).toBe(0);
    expect(info.tcpi_snd_wscale).toBe(0);
    expect(info.tcpi_rcv_wscale).toBe(0);
    expect(info.tcpi_snd_mss).toBe(1460);
    const sa = segs(net.trace()).find((s) => s.flags === 'S.');
    expect(sa?.options).toBe('mss 1460');
    expect(b.counters().TcpExt).toMatchObject({ SyncookiesSent: 1, SyncookiesRecv: 1 });
    await expectNoLeaks(net);
  });

  it('the MSS is rounded down to msstab {536, 1300, 1440, 1460}: the client’s 1400 becomes 1300, its 500 becomes 536', async () => {
    for (const [maxseg, mss] of [[1400, 1300], [500, 536]] as const) {
      const { net, a, b } = await setup();
      b.sysctl('net.ipv4.tcp_syncookies', 2);
      const { info } = await pingPong(net, a, b, async (sys, fd) => {
        expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_MAXSEG, maxseg)).toBe(0);
      });
      expect(info.tcpi_snd_mss).toBe(mss - 12);
      await expectNoLeaks(net);
    }
  });
});

/** Spoofed SYNs from the client's address (ports 2000...), as a raw peer puts them on the wire. */
function flood(net: Network, b: Host, n: number): void {
  const template = findFrame(net.pcap(), (s) => s.src.startsWith('10.0.0.1.'));
  for (let i = 0; i < n; i++) {
    b.inject(tcpFrame({ template, src: '10.0.0.1', dst: '10.0.0.2', sport: 2000 + i, dport: 80, seq: 1000 * i, ack: 0, flags: TH_SYN, win: 65535 }));
  }
}

/** A listener with `backlog`; the client's first connect (to a closed port) primes ARP and the capture. */
async function floodSetup(backlog: number, lifeMs = 1000) {
  const { net, a, b, link } = await setup();
  b.sysctl('net.ipv4.neigh.default.delay_first_probe_time', 100);
  const server = b.spawn(async (sys) => {
    const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    expect(await sys.bind(l, { addr: '0.0.0.0', port: 80 })).toBe(0);
    expect(await sys.listen(l, backlog)).toBe(0);
    await sys.nanosleep(lifeMs);
    await sys.close(l);
  });
  const primer = a.spawn(async (sys) => {
    const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    expect(E(await sys.connect(fd, { addr: '10.0.0.2', port: 9 }))).toBe('ECONNREFUSED');
    await sys.close(fd);
  });
  await net.run({ untilMs: 50 });
  expect(await primer.exited).toEqual({ code: 0 });
  applyNetem(link.b, { delayMs: 1, lossRate: 1 }); // the server's answers to the spoofed SYNs are lost
  return { net, a, b, link, server };
}

describe('a SYN flood', () => {
  it('tcp_syncookies = 1: the SYN queue takes backlog + 1 requests, the rest get cookies (TCPReqQFullDoCookies, SyncookiesSent), and a legitimate client still connects through a cookie', async () => {
    const { net, a, b, link, server } = await floodSetup(4);
    flood(net, b, 12);
    expect(b.ss().filter((e) => e.state === 'SYN-RECV')).toHaveLength(5);
    expect(b.counters().TcpExt).toMatchObject({ TCPReqQFullDoCookies: 7, SyncookiesSent: 7, ListenDrops: 0 });
    await net.run({ untilMs: 100 });
    applyNetem(link.b, { delayMs: 1 });
    let connected = '';
    const legit = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      connected = E(await sys.connect(fd, { addr: '10.0.0.2', port: 80 }));
      await sys.close(fd);
    });
    await net.run({ untilMs: 300 });
    expect(connected).toBe('0');
    expect(b.counters().TcpExt).toMatchObject({ SyncookiesSent: 8, SyncookiesRecv: 1, SyncookiesFailed: 0 });
    expect(b.counters().Tcp.PassiveOpens).toBe(1);
    await net.run({ untilIdle: true });
    expect(await legit.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('tcp_syncookies = 0: SYNs beyond the full SYN queue are dropped (TCPReqQFullDrop, ListenDrops) and a legitimate client waits in SYN-SENT', async () => {
    const { net, a, b, link, server } = await floodSetup(4);
    b.sysctl('net.ipv4.tcp_syncookies', 0);
    flood(net, b, 12);
    expect(b.ss().filter((e) => e.state === 'SYN-RECV')).toHaveLength(5);
    expect(b.counters().TcpExt).toMatchObject({ TCPReqQFullDrop: 7, ListenDrops: 7, SyncookiesSent: 0 });
    await net.run({ untilMs: 100 });
    applyNetem(link.b, { delayMs: 1 });
    const legit = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.fcntl(fd, C.F_SETFL, C.O_NONBLOCK)).toBe(0);
      expect(E(await sys.connect(fd, { addr: '10.0.0.2', port: 80 }))).toBe('EINPROGRESS');
      await sys.nanosleep(300);
      expect(a.ss().find((e) => e.peer === '10.0.0.2:80')?.state).toBe('SYN-SENT');
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(b.counters().TcpExt.TCPReqQFullDrop).toBe(8);
    expect(await legit.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('tcp_syncookies = 0 keeps the last quarter of tcp_max_syn_backlog for proven peers: with 8, the 8th SYN is dropped however large the backlog', async () => {
    const { net, b, link, server } = await floodSetup(128);
    b.sysctl('net.ipv4.tcp_syncookies', 0);
    b.sysctl('net.ipv4.tcp_max_syn_backlog', 8);
    flood(net, b, 10);
    expect(b.ss().filter((e) => e.state === 'SYN-RECV')).toHaveLength(7);
    expect(b.counters().TcpExt).toMatchObject({ ListenDrops: 3, TCPReqQFullDrop: 0 });
    applyNetem(link.b, { delayMs: 1 });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('an ACK with a cookie that does not check out is answered with RST (SyncookiesFailed); with no cookie sent lately it is not even checked', async () => {
    const { net, b, link, server } = await floodSetup(0);
    const template = findFrame(net.pcap(), (s) => s.src.startsWith('10.0.0.1.'));
    const ack = (port: number) => b.inject(tcpFrame({ template, src: '10.0.0.1', dst: '10.0.0.2', sport: port, dport: 80, seq: 5001, ack: 12345, flags: TH_ACK }));
    ack(3000);
    expect(b.counters().TcpExt.SyncookiesFailed).toBe(0);
    expect(b.counters().Tcp.OutRsts).toBe(2); // the primer's RST, and this one
    flood(net, b, 2); // the second SYN overflows backlog 0: a cookie
    expect(b.counters().TcpExt.SyncookiesSent).toBe(1);
    ack(3001);
    expect(b.counters().TcpExt).toMatchObject({ SyncookiesFailed: 1, SyncookiesRecv: 0 });
    expect(b.counters().Tcp.OutRsts).toBe(3);
    applyNetem(link.b, { delayMs: 1 });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });
});

describe('cookie age', () => {
  it('a cookie is good in the minute it was made and the next (MAX_SYNCOOKIE_AGE 2): its ACK makes the connection at 1.5 min, fails at 3 min', async () => {
    for (const [waitMs, ok] of [[90_000, true], [180_000, false]] as const) {
      const { net, b, link, server } = await floodSetup(8, waitMs + 1000);
      applyNetem(link.b, { delayMs: 1 });
      b.sysctl('net.ipv4.tcp_syncookies', 2);
      const template = findFrame(net.pcap(), (s) => s.src.startsWith('10.0.0.1.'));
      const inject = (sport: number, seq: number, ack: number, flags: number) =>
        b.inject(tcpFrame({ template, src: '10.0.0.1', dst: '10.0.0.2', sport, dport: 80, seq, ack, flags, win: 65535 }));
      inject(4000, 7000, 0, TH_SYN);
      await net.run({ untilMs: net.now() + 5 });
      const sa = segs(net.trace()).find((s) => s.flags === 'S.' && s.dport === 4000)!;
      expect(sa.ack).toBe(7001);
      // Keep the listener "under flood" (tcp_synq_no_recent_overflow) with a cookie a minute.
      for (let t = 60_000; t < waitMs; t += 60_000) {
        await net.run({ untilMs: t });
        inject(5000 + t / 60_000, 1, 0, TH_SYN);
      }
      await net.run({ untilMs: waitMs });
      inject(4000, 7001, sa.seq! + 1, TH_ACK);
      expect(b.counters().TcpExt).toMatchObject(ok ? { SyncookiesRecv: 1, SyncookiesFailed: 0 } : { SyncookiesRecv: 0, SyncookiesFailed: 1 });
      expect(b.counters().Tcp.PassiveOpens).toBe(ok ? 1 : 0);
      await net.run({ untilIdle: true });
      expect(await server.exited).toEqual({ code: 0 });
      await expectNoLeaks(net);
    }
  }, 20_000);
});
