// getsockopt(TCP_INFO) as Linux 6.18 fills it: 280 bytes (include/uapi/linux/tcp.h), and the
// members past the old 232/240-byte struct that kstack can know — the RTO statistics of
// Linux 6.7 (tcpi_total_rto, tcpi_total_rto_recoveries, tcpi_total_rto_time, tcp_timer.c
// tcp_update_rto_stats / tcp_input.c tcp_update_rto_time), tcpi_rehash (a flow rehash per
// timeout), tcpi_min_rtt (lib/win_minmax.c), tcpi_dsack_dups (tcp_dsack_seen) and
// tcpi_pacing_rate (tcp_update_pacing_rate). Everything on the virtual clock, so times are
// exact. The comparison with this machine's Linux is in tcp-info.linux.test.ts.
import { describe, expect, it } from 'vitest';
import { constants as C, type Host, type Link, type Network, type TcpInfo as Info } from '../../build/host/index.js';
import { applyNetem } from '../../build/host/link.js';
import type { Sys } from '../../build/host/syscall/async.js';
import { expectNoLeaks, pair } from '../helpers/machine.js';
import { pairWithLink, segs, serverReadAll, tcpInfo } from '../helpers/tcp.js';

const PORT = 5001;
const LINK = { delayMs: 5 };
const MSS = 1448; // 1500 - 40 - 12 (timestamps)
const U64_MAX = 2 ** 64; // ~0ULL as the host reads a u64 (an f64)

const tcpext = (h: Host) => h.counters().TcpExt;

/** Cuts (lossRate 1) or restores the client → server direction. */
const cut = (link: Link, on: boolean) => applyNetem(link.a, { ...LINK, lossRate: on ? 1 : 0 });

/** A listener on the server's PORT. */
async function listenOn(sys: Sys, backlog: number): Promise<number> {
  const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  expect(await sys.bind(l, { addr: '0.0.0.0', port: PORT })).toBe(0);
  expect(await sys.listen(l, backlog)).toBe(0);
  return l;
}

async function connectTo(sys: Sys, flags = 0): Promise<number> {
  const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM | flags, 0);
  const rc = await sys.connect(fd, { addr: '10.0.0.2', port: PORT });
  expect(flags & C.SOCK_NONBLOCK ? -rc : rc).toBe(flags & C.SOCK_NONBLOCK ? C.EINPROGRESS : 0);
  expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_NODELAY, 1)).toBe(0);
  return fd;
}

/**
 * The common run: b reads one connection to the end (expecting `bytes`), a connects to it
 * (TCP_NODELAY), runs `client` on the socket, and closes it.
 */
async function exchange(net: Network, a: Host, b: Host, bytes: number, client: (sys: Sys, fd: number) => Promise<void>): Promise<void> {
  const srv = b.spawn((sys) => serverReadAll(sys, PORT));
  const p = a.spawn(async (sys) => {
    const fd = await connectTo(sys);
    await client(sys, fd);
    await sys.close(fd);
  });
  await net.run({ untilIdle: true });
  expect(await p.exited).toEqual({ code: 0 });
  expect(await srv.exited).toEqual({ code: bytes });
}

describe('TCP_INFO: the struct', () => {
  it('getsockopt writes Linux 6.18\'s 280 bytes; an unconnected socket has no pacing rate, no max (~0ULL), no min_rtt (~0U) and no RTO history', async () => {
    const { net, a } = await pair();
    let len = 0;
    let i: Info | null = null;
    const p = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      len = a.kernel.x.sys_getsockopt(await sys.getpid(), fd, C.IPPROTO_TCP, C.TCP_INFO);
      i = await tcpInfo(sys, fd);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    expect(len).toBe(280);
    expect(i).toMatchObject({
      tcpi_state: 7, tcpi_pacing_rate: U64_MAX, tcpi_max_pacing_rate: U64_MAX, tcpi_min_rtt: 0xffffffff,
      tcpi_total_rto: 0, tcpi_total_rto_recoveries: 0, tcpi_total_rto_time: 0, tcpi_rehash: 0, tcpi_dsack_dups: 0,
      // No ECN in kstack: the AccECN members (6.18) stay 0.
      tcpi_received_ce: 0, tcpi_delivered_e1_bytes: 0, tcpi_delivered_e0_bytes: 0, tcpi_delivered_ce_bytes: 0,
      tcpi_received_e1_bytes: 0, tcpi_received_e0_bytes: 0, tcpi_received_ce_bytes: 0, tcpi_accecn_fail_mode: 0, tcpi_accecn_opt_seen: 0,
    });
    await expectNoLeaks(net);
  });

  it('established: min_rtt is the handshake\'s RTT sample, pacing_rate 200% of cwnd·mss/srtt (slow start), and ss shows the same fields', async () => {
    const { net, a, b } = await pair(LINK);
    let i: Info | null = null;
    let ss: Info | null = null;
    await exchange(net, a, b, 0, async (sys, fd) => {
      await sys.nanosleep(20);
      i = await tcpInfo(sys, fd);
      ss = a.ss().find((s) => s.state === 'ESTAB')!.info;
    });
    // The SYN waited 10 ms for ARP: its sample is 20 ms (the RTT of a 5 ms link is 10).
    expect(i).toMatchObject({ tcpi_state: 1, tcpi_rtt: 20_000, tcpi_min_rtt: 20_000, tcpi_snd_cwnd: 10, tcpi_snd_mss: MSS, tcpi_max_pacing_rate: U64_MAX });
    // tcp_update_pacing_rate: mss · cwnd · 200% per srtt, in bytes per second.
    expect(i!.tcpi_pacing_rate).toBe((MSS * 10 * 2) / 0.020);
    expect(ss).toEqual(i);
    await expectNoLeaks(net);
  });
});

describe('TCP_INFO: RTO statistics (tcp_update_rto_stats)', () => {
  it('total_rto counts SYN retransmissions; the unanswered connect is one open episode whose time runs from the first timeout; each timeout rehashes (TcpTimeoutRehash)', async () => {
    const { net, a, b, link } = await pairWithLink(LINK);
    const srv = b.spawn(async (sys) => {
      const l = await listenOn(sys, 4);
      await sys.close(await sys.accept(l));
      await sys.close(l);
    });
    let i: Info | null = null;
    let stamp = 0;
    const p = a.spawn(async (sys) => {
      // A first connection resolves ARP; then the link drops everything the client sends.
      await sys.close(await connectTo(sys));
      cut(link, true);
      const fd = await connectTo(sys, C.SOCK_NONBLOCK);
      const t0 = Math.floor(await sys.clock_gettime());
      // SYN at t0, then one retransmission a second (tcp_syn_linear_timeouts 4).
      await sys.nanosleep(3500);
      i = await tcpInfo(sys, fd);
      stamp = Math.floor(await sys.clock_gettime()) - i.tcpi_total_rto_time - t0;
      await sys.close(fd);
      cut(link, false);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    expect(await srv.exited).toEqual({ code: 0 });
    expect(i).toMatchObject({ tcpi_state: 2, tcpi_retransmits: 3, tcpi_total_rto: 3, tcpi_total_rto_recoveries: 1, tcpi_rehash: 3 });
    // Still open: tcp_get_info adds now - rto_stamp, and rto_stamp is the first timeout,
    // one initial RTO (1 s, plus the timer wheel's rounding) after the SYN.
    expect(stamp).toBeGreaterThanOrEqual(1000);
    expect(stamp).toBeLessThan(1100);
    expect(a.counters().TcpExt.TcpTimeoutRehash).toBe(3);
    await expectNoLeaks(net);
  });

  it('SYN timeouts against a full accept queue: the episode ends with the SYN-ACK (its time fixed from then on), and the server\'s child counts none', async () => {
    const { net, a, b } = await pair(LINK);
    let first: Info | null = null;
    let later: Info | null = null;
    let child: Info | null = null;
    let port = 0;
    const srv = b.spawn(async (sys) => {
      const l = await listenOn(sys, 0); // the queue holds one: the second client's SYNs are dropped
      await sys.nanosleep(1500);
      await sys.close(await sys.accept(l));
      const c = await sys.accept(l);
      child = await tcpInfo(sys, c);
      await sys.nanosleep(1000);
      await sys.close(c);
      await sys.close(l);
    });
    const cli = a.spawn(async (sys) => {
      const fd1 = await connectTo(sys);
      const fd2 = await connectTo(sys, C.SOCK_NONBLOCK);
      port = ((await sys.getsockname(fd2)) as { port: number }).port;
      const ep = await epollOut(sys, fd2);
      const [ev] = (await sys.epoll_wait(ep, 1, 5000)) as { events: number }[];
      expect(ev!.events & C.EPOLLOUT).toBe(C.EPOLLOUT);
      await sys.close(ep);
      first = await tcpInfo(sys, fd2);
      await sys.nanosleep(500);
      later = await tcpInfo(sys, fd2);
      await sys.close(fd1);
      await sys.close(fd2);
    });
    await net.run({ untilIdle: true });
    expect(await cli.exited).toEqual({ code: 0 });
    expect(await srv.exited).toEqual({ code: 0 });
    // SYN, a retransmission at the first timeout (dropped: the queue is still full), one at
    // the second (accepted: room since 1.5 s), and the SYN-ACK.
    const ss = segs(net.trace()).filter((x) => x.sport === port || x.dport === port);
    expect(ss.slice(0, 4).map((x) => x.flags)).toEqual(['S', 'S', 'S', 'S.']);
    // The episode ran from the first timeout (the first retransmission left then; the
    // capture stamps it 5 ms later, as it leaves the link) to the SYN-ACK's arrival.
    const ms = (t: number) => Math.round(t * 1000);
    const episode = ms(ss[3]!.t) - (ms(ss[1]!.t) - LINK.delayMs);
    expect(first).toMatchObject({ tcpi_state: 1, tcpi_total_rto: 2, tcpi_total_rto_recoveries: 1, tcpi_total_rto_time: episode, tcpi_rehash: 2 });
    // Two SYN retransmissions: tcp_init_transfer starts the connection at cwnd 1.
    expect(first).toMatchObject({ tcpi_total_retrans: 2, tcpi_snd_cwnd: 1 });
    expect(later!.tcpi_total_rto_time).toBe(episode);
    expect(child).toMatchObject({ tcpi_total_rto: 0, tcpi_total_rto_recoveries: 0, tcpi_total_rto_time: 0, tcpi_snd_cwnd: 10 });
    await expectNoLeaks(net);
  });

  it('total_rto_recoveries counts one per RTO episode (backed-off timeouts on the same data are one), total_rto_time covers each until its ACK', async () => {
    const { net, a, b, link } = await pairWithLink(LINK);
    a.sysctl('net.ipv4.tcp_early_retrans', 0); // no loss probe before the RTO
    const seen: { t: number; i: Info }[] = [];
    let port = 0;
    await exchange(net, a, b, 200, async (sys, fd) => {
      port = ((await sys.getsockname(fd)) as { port: number }).port;
      await sys.nanosleep(20);
      // jiffies: whole milliseconds of the clock.
      const look = async () => { seen.push({ t: Math.floor(await sys.clock_gettime()), i: await tcpInfo(sys, fd) }); };
      // Two episodes alike: the segment and its first retransmission are lost; the link is
      // back before the second timeout (backed off: two RTOs later), which is acked.
      for (let k = 0; k < 2; k++) {
        const rto = (await tcpInfo(sys, fd)).tcpi_rto / 1000;
        cut(link, true);
        expect(await sys.send(fd, new Uint8Array(100))).toBe(100);
        await sys.nanosleep(rto * 2);
        await look();
        cut(link, false);
        await sys.nanosleep(rto * 3);
        await look();
      }
    });
    const [during1, after1, during2, after2] = seen.map((x) => x.i);
    expect(during1).toMatchObject({ tcpi_ca_state: 4, tcpi_total_rto: 1, tcpi_total_rto_recoveries: 1 });
    expect(after1).toMatchObject({ tcpi_ca_state: 0, tcpi_total_rto: 2, tcpi_total_rto_recoveries: 1 });
    expect(during2).toMatchObject({ tcpi_ca_state: 4, tcpi_total_rto: 3, tcpi_total_rto_recoveries: 2 });
    expect(after2).toMatchObject({ tcpi_ca_state: 0, tcpi_total_rto: 4, tcpi_total_rto_recoveries: 2 });
    // Each episode began at its first timeout (rto_stamp: read back from the open episode's
    // running time) and ended when the ACK of the retransmission arrived (the capture's
    // time for the server's ACK is its arrival).
    const stamp1 = seen[0]!.t - during1!.tcpi_total_rto_time;
    const stamp2 = seen[2]!.t - (during2!.tcpi_total_rto_time - after1!.tcpi_total_rto_time);
    const acks = segs(net.trace()).filter((x) => x.dport === port && x.flags === '.' && x.len === 0).map((x) => Math.round(x.t * 1000));
    const ackAfter = (t: number) => acks.find((x) => x > t)!;
    expect(after1!.tcpi_total_rto_time).toBe(ackAfter(stamp1) - stamp1);
    expect(after2!.tcpi_total_rto_time).toBe(after1!.tcpi_total_rto_time + ackAfter(stamp2) - stamp2);
    await expectNoLeaks(net);
  });
});

describe('TCP_INFO: the handshake\'s cwnd and RTT sample, the path MTU', () => {
  it('cwnd after SYN-ACK timeouts: one retransmission keeps the initial window, two cut it to 1 (tcp_init_transfer); the child\'s RTT comes from the echoed timestamp', async () => {
    const seen: Info[] = [];
    for (const holdMs of [500, 1500]) {
      const { net, a, b, link } = await pairWithLink(LINK);
      const srv = b.spawn(async (sys) => {
        const l = await listenOn(sys, 4);
        await sys.close(await sys.accept(l));
        const c = await sys.accept(l);
        seen.push(await tcpInfo(sys, c));
        await sys.close(c);
        await sys.close(l);
      });
      const cli = a.spawn(async (sys) => {
        await sys.close(await connectTo(sys)); // ARP resolved
        const fd = await connectTo(sys, C.SOCK_NONBLOCK);
        // The SYN is through (5 ms); the ACK of the SYN-ACK (at 10 ms) is lost, and so is
        // the one answering the SYN-ACK retransmitted at 1 s while the link is still cut.
        await sys.nanosleep(7);
        cut(link, true);
        await sys.nanosleep(holdMs);
        cut(link, false);
        await sys.nanosleep(3000);
        await sys.close(fd);
      });
      await net.run({ untilIdle: true });
      expect(await cli.exited).toEqual({ code: 0 });
      expect(await srv.exited).toEqual({ code: 0 });
      await expectNoLeaks(net);
    }
    expect(seen.map((i) => [i.tcpi_total_retrans, i.tcpi_total_rto, i.tcpi_snd_cwnd])).toEqual([[1, 1, 10], [2, 2, 1]]);
    // Karn: no sample from a retransmitted SYN-ACK's age; tcp_synack_rtt_meas falls back on
    // the timestamp the ACK echoes.
    for (const i of seen) expect(i.tcpi_rtt).toBeGreaterThan(0);
  });

  it('a 0 µs RTT sample (loopback on the virtual clock) is taken as it is: srtt_us 1, so tcpi_rtt 0, rttvar 0 and an RTO of rto_min exactly', async () => {
    const { net, a } = await pair();
    const seen: Info[] = [];
    const p = a.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '127.0.0.1', port: PORT });
      await sys.listen(l, 4);
      const c = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(c, { addr: '127.0.0.1', port: PORT })).toBe(0);
      const s = await sys.accept(l);
      seen.push(await tcpInfo(sys, c), await tcpInfo(sys, s));
      for (const fd of [c, s, l]) await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    // tcp_rtt_estimator(0): srtt = max(1, 0 << 3), mdev = 0, rttvar = rto_min; the RTO is
    // usecs_to_jiffies(srtt >> 3 + rttvar) = 200 ms. min_rtt counts it as one jiffy.
    for (const i of seen) expect(i).toMatchObject({ tcpi_rtt: 0, tcpi_rttvar: 0, tcpi_rto: 200_000, tcpi_min_rtt: 1000 });
    await expectNoLeaks(net);
  });

  it('tcpi_pmtu is the route\'s MTU the MSS was synced to (icsk_pmtu_cookie): the link\'s 1500 or 9000, 0 before a route', async () => {
    const seen: number[] = [];
    for (const mtu of [1500, 9000]) {
      const { net, a, b } = await pair({ ...LINK, mtu });
      await exchange(net, a, b, 0, async (sys, fd) => {
        seen.push((await tcpInfo(sys, fd)).tcpi_pmtu);
        const u = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
        seen.push((await tcpInfo(sys, u)).tcpi_pmtu);
        await sys.close(u);
      });
      await expectNoLeaks(net);
    }
    expect(seen).toEqual([1500, 0, 9000, 0]);
  });
});

describe('TCP_INFO: min_rtt and dsack_dups', () => {
  it('min_rtt is the smallest RTT sample: a longer path leaves it while srtt grows, a shorter one lowers it', async () => {
    const { net, a, b, link } = await pairWithLink(LINK);
    const seen: Info[] = [];
    const both = (delayMs: number) => { applyNetem(link.a, { delayMs }); applyNetem(link.b, { delayMs }); };
    await exchange(net, a, b, 3 * 5 * 2 * MSS, async (sys, fd) => {
      const round = async () => {
        for (let k = 0; k < 5; k++) {
          expect(await sys.send(fd, new Uint8Array(2 * MSS))).toBe(2 * MSS);
          await sys.nanosleep(200);
        }
        seen.push(await tcpInfo(sys, fd));
      };
      await round();
      both(25);
      await round();
      both(1);
      await round();
    });
    expect(seen.map((i) => i.tcpi_min_rtt)).toEqual([10_000, 10_000, 2_000]);
    expect(seen[1]!.tcpi_rtt).toBeGreaterThan(10_000);
    await expectNoLeaks(net);
  });

  it('dsack_dups counts D-SACKed segments: a duplicated segment comes back as one D-SACK block (TCPDSACKRecv), dubious without a retransmission (TCPDSACKIgnoredDubious, no TCPDSACKRecvSegs)', async () => {
    const { net, a, b, link } = await pairWithLink(LINK);
    let before: Info | null = null;
    let after: Info | null = null;
    await exchange(net, a, b, 1000, async (sys, fd) => {
      await sys.nanosleep(20);
      before = await tcpInfo(sys, fd);
      applyNetem(link.a, { ...LINK, duplicateRate: 1 });
      expect(await sys.send(fd, new Uint8Array(1000))).toBe(1000);
      applyNetem(link.a, LINK);
      await sys.nanosleep(300);
      after = await tcpInfo(sys, fd);
    });
    // tcp_dsack_seen(): more D-SACKed segments (1) than retransmissions (0) — the network
    // made the copy, not us — so the block is ignored for undo and not counted in segments.
    expect(tcpext(a)).toMatchObject({ TCPDSACKRecv: 1, TCPDSACKIgnoredDubious: 1, TCPDSACKRecvSegs: 0 });
    expect(before!.tcpi_dsack_dups).toBe(0);
    expect(after).toMatchObject({ tcpi_dsack_dups: 1, tcpi_total_retrans: 0, tcpi_reord_seen: 0 });
    await expectNoLeaks(net);
  });
});

describe('TCP_INFO: delivery_rate_app_limited (tcp_rate.c)', () => {
  it('a cwnd-limited bulk send clears the bit; a later small request is an app-limited sample of lower rate, which does not replace the kept one', async () => {
    const { net, a, b } = await pairWithLink({ delayMs: 10, rateBps: 10e6 });
    const seen: Info[] = [];
    const BULK = 400 * MSS;
    await exchange(net, a, b, BULK + 10, async (sys, fd) => {
      seen.push(await tcpInfo(sys, fd));
      // One write larger than what cwnd lets out: no bubble while it drains.
      expect(await sys.send(fd, new Uint8Array(BULK))).toBe(BULK);
      await sys.nanosleep(2000);
      seen.push(await tcpInfo(sys, fd));
      // Idle, then a small write: tcp_rate_check_app_limited marks the bubble, and the
      // round it starts is app-limited.
      expect(await sys.send(fd, new Uint8Array(10))).toBe(10);
      await sys.nanosleep(500);
      seen.push(await tcpInfo(sys, fd));
    });
    // Set after the handshake (no sample yet), clear once a cwnd-limited round was sampled,
    // and still clear after the app-limited one: its rate is lower (tcp_rate_gen keeps "the
    // last non-app-limited or the highest app-limited bw").
    expect(seen.map((i) => i.tcpi_delivery_rate_app_limited)).toEqual([1, 0, 0]);
    expect(seen[1]!.tcpi_delivery_rate).toBeGreaterThan(0);
    expect(seen[2]!.tcpi_delivery_rate).toBe(seen[1]!.tcpi_delivery_rate);
    await expectNoLeaks(net);
  });
});

/** An epoll fd watching fd for EPOLLOUT (the nonblocking connect's completion). */
async function epollOut(sys: Sys, fd: number): Promise<number> {
  const ep = await sys.epoll_create1(0);
  expect(await sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, fd, { events: C.EPOLLOUT, data: fd })).toBe(0);
  return ep;
}
