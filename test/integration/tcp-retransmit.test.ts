// TCP retransmission and liveness across a link: RTO (RFC 6298) and its backoff, Karn's
// rule, fast retransmit (RFC 5681 §3.2), tcp_retries2 and keepalive. Losses are made
// deterministic by switching the sender's netem to lossRate 1 around the segments to drop
// (netem decides at enqueue, so a segment sent while the switch is on never reaches the wire).
// Linux: net/ipv4/tcp_timer.c (tcp_retransmit_timer, tcp_write_timeout, tcp_keepalive_timer),
// tcp_input.c (tcp_ack_update_rtt, tcp_fastretrans_alert).
import { describe, expect, it } from 'vitest';
import { constants as C, errnoName, type Host, type Link } from '../../build/host/index.js';
import { applyNetem } from '../../build/host/link.js';
import type { Sys } from '../../build/host/syscall/async.js';
import { expectNoLeaks, pair } from '../helpers/machine.js';
import { serverReadAll as serverReadAllOn, pairWithLink as pairWithLinkOf } from '../helpers/tcp.js';

const PORT = 5001;
const LINK = { delayMs: 5 };

/** Cuts (lossRate 1) or restores one direction of the link: a→b is link.a, b→a is link.b. */
function cut(link: Link, dir: 'ab' | 'ba' | 'both', on: boolean): void {
  const ends = dir === 'ab' ? [link.a] : dir === 'ba' ? [link.b] : [link.a, link.b];
  for (const e of ends) applyNetem(e, { ...LINK, lossRate: on ? 1 : 0 });
}

const pairWithLink = () => pairWithLinkOf(LINK);

const serverReadAll = (sys: Sys) => serverReadAllOn(sys, PORT);

async function connectTo(sys: Sys): Promise<number> {
  const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  expect(await sys.connect(fd, { addr: '10.0.0.2', port: PORT })).toBe(0);
  expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_NODELAY, 1)).toBe(0);
  return fd;
}

/** Data segments a sent, as [time s, first seq, length]. */
function dataSegs(lines: string[], from = '10.0.0.1'): [number, number, number][] {
  const re = new RegExp(`IP ${from.replace(/\./g, '\\.')}\\.\\d+ > .*seq (\\d+):\\d+.*length (\\d+)`);
  return lines.flatMap((l) => {
    const m = re.exec(l);
    return m && Number(m[2]) > 0 ? [[parseFloat(l), Number(m[1]), Number(m[2])] as [number, number, number]] : [];
  });
}

const info = async (sys: Sys, fd: number) => {
  const i = await sys.getsockopt(fd, C.IPPROTO_TCP, C.TCP_INFO);
  if (typeof i === 'number') throw new Error(errnoName(i));
  return i as Exclude<typeof i, number | { onoff: number }>;
};

const tcpext = (h: Host) => h.counters().TcpExt;

describe('retransmission timeout', () => {
  it('RTO starts at 1 s, then follows RFC 6298 once RTT is measured: srtt + max(4·rttvar, 200 ms)', async () => {
    const { net, a, b } = await pairWithLink();
    const server = b.spawn(serverReadAll);
    const client = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect((await info(sys, fd)).tcpi_rto).toBe(1_000_000); // TCP_TIMEOUT_INIT
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: PORT })).toBe(0);
      const i = await info(sys, fd);
      // tcp_set_rto(): srtt + rttvar, rttvar floored at tcp_rto_min (200 ms).
      expect(i.tcpi_rto).toBe(i.tcpi_rtt + 200_000);
      expect(i.tcpi_rto).toBeLessThan(300_000);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('a lost segment is retransmitted after one RTO, then with exponential backoff (RetransSegs, TCPTimeouts, tcpi_retransmits/backoff)', async () => {
    const { net, a, b, link } = await pairWithLink();
    // The RTO alone: with tail loss probes on (the default), a probe takes the first
    // timeout's place and the backoff starts one RTO later (tcp-tlp.test.ts).
    a.sysctl('net.ipv4.tcp_early_retrans', 0);
    const server = b.spawn(serverReadAll);
    let rto0 = 0;
    const client = a.spawn(async (sys) => {
      const fd = await connectTo(sys);
      rto0 = (await info(sys, fd)).tcpi_rto / 1000;
      cut(link, 'ab', true);
      expect(await sys.send(fd, new Uint8Array(1000).fill(1))).toBe(1000);
      const t0 = await sys.clock_gettime();
      // Let three timeouts pass: at rto, 3·rto and 7·rto after the send.
      await sys.nanosleep(7 * rto0 + 200 - ((await sys.clock_gettime()) - t0));
      const i = await info(sys, fd);
      expect({ retransmits: i.tcpi_retransmits, backoff: i.tcpi_backoff, rto: i.tcpi_rto }).toEqual({ retransmits: 3, backoff: 3, rto: rto0 * 8 * 1000 });
      expect(a.counters().Tcp.RetransSegs).toBe(3);
      expect(tcpext(a).TCPTimeouts).toBe(3);
      cut(link, 'ab', false);
      // The fourth try (at 15·rto) gets through; the ACK resets the backoff.
      await sys.nanosleep(8 * rto0 + 100);
      const j = await info(sys, fd);
      expect({ retransmits: j.tcpi_retransmits, backoff: j.tcpi_backoff, unacked: j.tcpi_unacked }).toEqual({ retransmits: 0, backoff: 0, unacked: 0 });
      expect(j.tcpi_total_retrans).toBe(4);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 1000 });
    // Only the fourth transmission reached the wire; it left 15 RTOs after the first.
    const segs = dataSegs(net.trace());
    expect(segs).toHaveLength(1);
    expect(a.counters().Tcp.RetransSegs).toBe(4);
    await expectNoLeaks(net);
  });

  it("Karn's rule: the ACK of a retransmitted segment gives no RTT sample (timestamps off)", async () => {
    const { net, a, b, link } = await pairWithLink();
    for (const h of [a, b]) h.sysctl('net.ipv4.tcp_timestamps', 0);
    const server = b.spawn(serverReadAll);
    const client = a.spawn(async (sys) => {
      const fd = await connectTo(sys);
      expect(await sys.send(fd, new Uint8Array(100))).toBe(100);
      await sys.nanosleep(100);
      const before = await info(sys, fd);
      cut(link, 'ab', true);
      expect(await sys.send(fd, new Uint8Array(1000))).toBe(1000);
      await sys.nanosleep(1000); // the original and two retransmissions are lost
      cut(link, 'ab', false);
      await sys.nanosleep(2000);
      const after = await info(sys, fd);
      expect(after.tcpi_total_retrans).toBeGreaterThanOrEqual(3);
      expect(after.tcpi_unacked).toBe(0);
      // Had the ACK been timed against the first transmission, srtt would be over a second.
      expect(after.tcpi_rtt).toBe(before.tcpi_rtt);
      expect(after.tcpi_rttvar).toBe(before.tcpi_rttvar);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 1100 });
    await expectNoLeaks(net);
  });

  it('tcp_retries2 = 3: a vanished peer fails the connection with ETIMEDOUT after tcp_model_timeout (3 s) and 3 retransmissions', async () => {
    const { net, a, b, link } = await pairWithLink();
    a.sysctl('net.ipv4.tcp_retries2', 3);
    a.sysctl('net.ipv4.tcp_early_retrans', 0); // the RTO alone, without a loss probe first
    const server = b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: PORT });
      await sys.listen(l, 4);
      const c = await sys.accept(l);
      // The server vanishes silently: its frames no longer arrive, nor do ours reach it.
      cut(link, 'both', true);
      await sys.nanosleep(10_000);
      await sys.close(c); // its RST is lost too
      await sys.close(l);
    });
    let elapsed = 0;
    const client = a.spawn(async (sys) => {
      const fd = await connectTo(sys);
      await sys.nanosleep(50);
      const t0 = await sys.clock_gettime();
      expect(await sys.send(fd, new Uint8Array(1000))).toBe(1000);
      expect(errnoName(await sys.recv(fd, new Uint8Array(10)))).toBe('ETIMEDOUT');
      elapsed = (await sys.clock_gettime()) - t0;
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    // tcp_model_timeout(3, TCP_RTO_MIN) = (2^4 - 1) · 200 ms = 3 s from the first transmission;
    // checked when the RTO fires: after retransmissions at rto, 3·rto, 7·rto, at 15·rto.
    expect(a.counters().Tcp.RetransSegs).toBe(3);
    expect(tcpext(a).TCPAbortOnTimeout).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(3000);
    expect(elapsed).toBeLessThan(3000 + 8 * 260);
    expect(a.ss()).toEqual([]);
    await expectNoLeaks(net);
  });
});

describe('fast retransmit', () => {
  it('three duplicate ACKs retransmit the lost segment before the RTO (TCPFastRetrans, TCPRenoRecovery without SACK)', async () => {
    const { net, a, b, link } = await pairWithLink();
    for (const h of [a, b]) h.sysctl('net.ipv4.tcp_sack', 0);
    const server = b.spawn(serverReadAll);
    let sentAt = 0;
    let rto0Fast = 0;
    const client = a.spawn(async (sys) => {
      const fd = await connectTo(sys);
      rto0Fast = (await info(sys, fd)).tcpi_rto / 1000;
      cut(link, 'ab', true);
      expect(await sys.send(fd, new Uint8Array(1000).fill(1))).toBe(1000);
      cut(link, 'ab', false);
      sentAt = await sys.clock_gettime();
      for (let k = 0; k < 5; k++) expect(await sys.send(fd, new Uint8Array(1000).fill(2 + k))).toBe(1000);
      await sys.nanosleep(1000);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 6000 });
    const segs = dataSegs(net.trace());
    const first = Math.min(...segs.map((s) => s[1]));
    const rtx = segs.find((s) => s[1] === first)!;
    // Retransmitted once the dup ACKs of the five came back, before any RTO (Linux: one RTT, 10 ms).
    expect(rtx[0] * 1000 - sentAt).toBeLessThan(rto0Fast);
    expect(a.counters().Tcp.RetransSegs).toBe(1);
    expect(tcpext(a)).toMatchObject({ TCPFastRetrans: 1, TCPRenoRecovery: 1, TCPTimeouts: 0 });
    await expectNoLeaks(net);
  });
});

describe('keepalive', () => {
  it('defaults read 7200/75/9 and SO_KEEPALIVE is off', async () => {
    const { net, a } = await pairWithLink();
    const p = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.getsockopt(fd, C.SOL_SOCKET, C.SO_KEEPALIVE)).toBe(0);
      expect(await sys.getsockopt(fd, C.IPPROTO_TCP, C.TCP_KEEPIDLE)).toBe(7200);
      expect(await sys.getsockopt(fd, C.IPPROTO_TCP, C.TCP_KEEPINTVL)).toBe(75);
      expect(await sys.getsockopt(fd, C.IPPROTO_TCP, C.TCP_KEEPCNT)).toBe(9);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('KEEPIDLE 10 / KEEPINTVL 5 / KEEPCNT 3: probes at seq snd_una-1 are answered; a dead peer gives ETIMEDOUT after 10 + 3·5 s', async () => {
    const { net, a, b, link } = await pairWithLink();
    const server = b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: PORT });
      await sys.listen(l, 4);
      const c = await sys.accept(l);
      await sys.nanosleep(23_000); // two probe rounds answered
      cut(link, 'both', true); // then the peer is gone
      await sys.nanosleep(60_000);
      await sys.close(c);
      await sys.close(l);
    });
    let failedAt = 0;
    let establishedAt = 0;
    const client = a.spawn(async (sys) => {
      const fd = await connectTo(sys);
      establishedAt = await sys.clock_gettime();
      expect(await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_KEEPALIVE, 1)).toBe(0);
      expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_KEEPIDLE, 10)).toBe(0);
      expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_KEEPINTVL, 5)).toBe(0);
      expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_KEEPCNT, 3)).toBe(0);
      expect(errnoName(await sys.recv(fd, new Uint8Array(10)))).toBe('ETIMEDOUT');
      failedAt = await sys.clock_gettime();
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    const probes = net.trace().filter((l) => /IP 10\.0\.0\.1\.\d+ > 10\.0\.0\.2\.5001: Flags \[\.\], seq \d+, ack \d+, win \d+.*length 0$/.test(l) || /IP 10\.0\.0\.1\.\d+ > 10\.0\.0\.2\.5001: Flags \[\.\], ack .*length 0$/.test(l));
    // Idle 10 s: a probe every 10 s while answered (t≈10, 20), then unanswered probes are
    // only on the sender's side of the cut; ETIMEDOUT after the last unanswered interval.
    const times = probes.map((l) => Math.round(parseFloat(l) - establishedAt / 1000));
    expect(times.filter((t) => t >= 9 && t <= 21)).toEqual([10, 20]);
    expect(tcpext(a).TCPKeepAlive).toBeGreaterThanOrEqual(5);
    // Last answered at ≈20 s: dead for 10 s idle-from-last-ACK, then 3 probes 5 s apart.
    expect(failedAt - establishedAt).toBeGreaterThanOrEqual(20_000 + 10_000 + 3 * 5000 - 100);
    // Keepalive timers run on the timer wheel (sk_reset_timer): each 5 s interval may end up
    // to 512 ms late (level 3 granularity), as on Linux.
    expect(failedAt - establishedAt).toBeLessThanOrEqual(20_000 + 10_000 + 3 * 5000 + 4 * 512 + 100);
    await expectNoLeaks(net);
  });
});
