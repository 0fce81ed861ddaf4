// Congestion control at the syscall level, on the virtual clock: the algorithm choice
// (TCP_CONGESTION, net.ipv4.tcp_congestion_control), slow start from the initial window
// (RFC 6928), goodput on a clean long-fat link, loss recovery through Linux's CA states
// (tcp_fastretrans_alert: Open → Disorder → Recovery, NewReno partial ACKs, RTO → Loss),
// restart after idle (RFC 5681 §4.1), HyStart. Linux: net/ipv4/tcp_cong.c, tcp_cubic.c,
// tcp_input.c (tcp_fastretrans_alert, tcp_cwnd_reduction), tcp_output.c (tcp_cwnd_validate).
import { describe, expect, it } from 'vitest';
import { constants as C, errnoName, type Host, type Link, type Network } from '../../build/host/index.js';
import { applyNetem } from '../../build/host/link.js';
import type { Sys } from '../../build/host/syscall/async.js';
import { expectNoLeaks, pair } from '../helpers/machine.js';
import { serverReadAll as serverReadAllOn, pairWithLink } from '../helpers/tcp.js';

const PORT = 5001;

type Info = Exclude<Awaited<ReturnType<Sys['getsockopt']>>, number | string | { onoff: number }>;
const info = async (sys: Sys, fd: number): Promise<Info> => {
  const i = await sys.getsockopt(fd, C.IPPROTO_TCP, C.TCP_INFO);
  if (typeof i === 'number') throw new Error(errnoName(i));
  return i as Info;
};
const tcpext = (h: Host) => h.counters().TcpExt;


/** Cuts (lossRate 1) or restores client → server: netem decides at enqueue. */
function cut(link: Link, base: object, on: boolean): void {
  applyNetem(link.a, { ...base, lossRate: on ? 1 : 0 });
}

const serverReadAll = (sys: Sys) => serverReadAllOn(sys, PORT);

async function connectTo(sys: Sys, nodelay = true): Promise<number> {
  const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  expect(await sys.connect(fd, { addr: '10.0.0.2', port: PORT })).toBe(0);
  if (nodelay) expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_NODELAY, 1)).toBe(0);
  return fd;
}

/** Data segments the client sent, as [time s, first seq, length]. */
function dataSegs(lines: string[]): [number, number, number][] {
  const re = /IP 10\.0\.0\.1\.\d+ > .*seq (\d+):\d+.*length (\d+)/;
  return lines.flatMap((l) => {
    const m = re.exec(l);
    return m && Number(m[2]) > 0 ? [[parseFloat(l), Number(m[1]), Number(m[2])] as [number, number, number]] : [];
  });
}

/**
 * Runs the network in 1 ms steps until every process exits, recording the client's
 * tcpi_ca_state changes and the TCP_INFO first seen in each state.
 */
async function runWatchingCaState(net: Network, h: Host, procs: { exited: Promise<unknown> }[]): Promise<{ states: number[]; first: Record<number, Info> }> {
  let done = false;
  void Promise.all(procs.map((p) => p.exited)).then(() => { done = true; });
  const states: number[] = [];
  const first: Record<number, Info> = {};
  while (!done) {
    await net.run({ untilMs: net.now() + 1 });
    const s = h.ss().find((x) => x.info && x.peer.endsWith(`:${PORT}`) && x.state === 'ESTAB');
    const st = s?.info?.tcpi_ca_state;
    if (st !== undefined && states[states.length - 1] !== st) {
      states.push(st);
      first[st] ??= s!.info as Info;
    }
  }
  await net.run({ untilIdle: true });
  return { states, first };
}

/** Retransmissions on the wire (a cut drops the first copy before it is captured): segments below the highest seq already seen, as offsets from the first. */
function retransmitted(segs: [number, number, number][]): [number, number][] {
  const base = Math.min(...segs.map((s) => s[1]));
  let high = -1;
  const out: [number, number][] = [];
  for (const [t, seq] of segs) {
    if (seq - base < high) out.push([t, seq - base]);
    else high = seq - base;
  }
  return out;
}

describe('choosing the algorithm', () => {
  it('TCP_CONGESTION: getsockopt names the default (cubic), reno round-trips, an unknown name is ENOENT, an empty one EINVAL; on UDP ENOPROTOOPT / EOPNOTSUPP', async () => {
    const { net, a } = await pair();
    const p = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.getsockopt(fd, C.IPPROTO_TCP, C.TCP_CONGESTION)).toBe('cubic');
      expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_CONGESTION, 'reno')).toBe(0);
      expect(await sys.getsockopt(fd, C.IPPROTO_TCP, C.TCP_CONGESTION)).toBe('reno');
      expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_CONGESTION, 'bbr')).toBe(-C.ENOENT);
      expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_CONGESTION, 'cubicc')).toBe(-C.ENOENT);
      expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_CONGESTION, '')).toBe(-C.EINVAL);
      expect(await sys.getsockopt(fd, C.IPPROTO_TCP, C.TCP_CONGESTION)).toBe('reno');
      expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_CONGESTION, 'cubic')).toBe(0);
      expect(await sys.getsockopt(fd, C.IPPROTO_TCP, C.TCP_CONGESTION)).toBe('cubic');
      const u = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      expect(await sys.setsockopt(u, C.IPPROTO_TCP, C.TCP_CONGESTION, 'reno')).toBe(-C.ENOPROTOOPT);
      expect(await sys.getsockopt(u, C.IPPROTO_TCP, C.TCP_CONGESTION)).toBe(-C.EOPNOTSUPP);
      expect(await sys.setsockopt(99, C.IPPROTO_TCP, C.TCP_CONGESTION, 'reno')).toBe(-C.EBADF);
      await sys.close(fd);
      await sys.close(u);
    });
    await net.run({ untilIdle: true });
    expect(await p.exited).toEqual({ code: 0 });
    await expectNoLeaks(net);
  });

  it('the sysctl sets the default for new sockets; an accepted socket takes its listener\'s TCP_CONGESTION', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    a.sysctl('net.ipv4.tcp_congestion_control', 'reno');
    b.sysctl('net.ipv4.tcp_congestion_control', 'cubic');
    let accepted = '';
    const server = b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.setsockopt(l, C.IPPROTO_TCP, C.TCP_CONGESTION, 'reno')).toBe(0);
      await sys.bind(l, { addr: '0.0.0.0', port: PORT });
      await sys.listen(l, 4);
      const c = await sys.accept(l);
      accepted = String(await sys.getsockopt(c, C.IPPROTO_TCP, C.TCP_CONGESTION));
      await sys.close(c);
      await sys.close(l);
    });
    let client = '';
    const cl = a.spawn(async (sys) => {
      const fd = await connectTo(sys);
      client = String(await sys.getsockopt(fd, C.IPPROTO_TCP, C.TCP_CONGESTION));
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    await server.exited;
    await cl.exited;
    expect({ client, accepted }).toEqual({ client: 'reno', accepted: 'reno' });
    await expectNoLeaks(net);
  });
});

describe('slow start and the initial window', () => {
  for (const cc of ['cubic', 'reno']) {
    it(`${cc}: 10, 20, 40 segments in the first three round trips (RFC 6928 IW10, cwnd += acked)`, async () => {
      const LINK = { delayMs: 25, rateBps: 1e9 };
      const { net, a, b } = await pair(LINK);
      a.sysctl('net.ipv4.tcp_congestion_control', cc);
      const server = b.spawn(serverReadAll);
      const client = a.spawn(async (sys) => {
        const fd = await connectTo(sys);
        expect(await sys.send(fd, new Uint8Array(400_000))).toBe(400_000);
        await sys.close(fd);
      });
      await net.run({ untilIdle: true });
      expect(await server.exited).toEqual({ code: 400_000 });
      await client.exited;
      // Round trips are 50 ms apart; a round's segments leave within a few ms, the last
      // ones up to a delayed ACK (40 ms) later.
      const segs = dataSegs(net.trace());
      const t0 = segs[0][0];
      const rounds = [0, 1, 2].map((r) => segs.filter((s) => s[0] - t0 >= r * 0.05 - 0.005 && s[0] - t0 < r * 0.05 + 0.045).length);
      expect(rounds).toEqual([10, 20, 40]);
      await expectNoLeaks(net);
    });
  }
});

describe('goodput', () => {
  for (const cc of ['cubic', 'reno']) {
    it(`${cc}: a clean 100 Mbit/s, 40 ms RTT link carries 50 MB at more than 85% of line rate, no retransmission`, async () => {
      const { net, a, b } = await pair({ delayMs: 20, rateBps: 100e6, queuePackets: 1000 });
      a.sysctl('net.ipv4.tcp_congestion_control', cc);
      const TOTAL = 50_000_000;
      let t0 = 0;
      let t1 = 0;
      let rate = 0;
      const server = b.spawn(async (sys) => {
        const n = await serverReadAll(sys);
        return n;
      });
      const client = a.spawn(async (sys) => {
        const fd = await connectTo(sys, false);
        t0 = await sys.clock_gettime();
        const chunk = new Uint8Array(1 << 20);
        for (let sent = 0; sent < TOTAL; sent += chunk.length) expect(await sys.send(fd, chunk.subarray(0, Math.min(chunk.length, TOTAL - sent)))).toBeGreaterThan(0);
        // Wait until everything is acked (SIOCOUTQ 0).
        rate = (await info(sys, fd)).tcpi_delivery_rate * 8;
        while ((await sys.ioctl(fd, C.SIOCOUTQ)) > 0) await sys.nanosleep(1);
        t1 = await sys.clock_gettime();
        await sys.close(fd);
      });
      await net.run({ untilIdle: true });
      expect(await server.exited).toEqual({ code: TOTAL });
      await client.exited;
      // Goodput counts payload: 1448 of every 1514 bytes on the wire, so 95.6% is the
      // ceiling; slow start's first round trips (about 0.3 s of the 4.4 s) cost the rest.
      const goodput = (TOTAL * 8) / ((t1 - t0) / 1000);
      expect(goodput / 100e6).toBeGreaterThan(0.85);
      expect(goodput / 100e6).toBeLessThan(0.956);
      // The last round trip's delivery rate is the line rate's payload share.
      expect(rate / 100e6).toBeGreaterThan(0.9);
      expect(a.counters().Tcp.RetransSegs).toBe(0);
      await expectNoLeaks(net);
    }, 60_000);
  }
});

describe('loss recovery (NewReno: tcp_fastretrans_alert without SACK)', () => {
  // 1 Mbit/s spaces the duplicate ACKs 8 ms apart, so each state is seen. Without SACK
  // (net.ipv4.tcp_sack 0 on both ends), as tcp-sack.test.ts covers the SACK path.
  const LINK = { delayMs: 5, rateBps: 1e6 };
  const noSack = (...hs: Host[]) => { for (const h of hs) h.sysctl('net.ipv4.tcp_sack', 0); };

  it('one lost segment: tcpi_ca_state goes Open → Disorder → Recovery → Open (TCPRenoRecovery, TCPFastRetrans, no timeout)', async () => {
    const { net, a, b, link } = await pairWithLink(LINK);
    noSack(a, b);
    const server = b.spawn(serverReadAll);
    const client = a.spawn(async (sys) => {
      const fd = await connectTo(sys);
      cut(link, LINK, true);
      expect(await sys.send(fd, new Uint8Array(1000))).toBe(1000);
      cut(link, LINK, false);
      for (let k = 0; k < 8; k++) expect(await sys.send(fd, new Uint8Array(1000))).toBe(1000);
      await sys.nanosleep(200);
      // New data above high_seq is acked: Reno leaves Recovery only then (RFC 6582 §3.2 step 4).
      expect(await sys.send(fd, new Uint8Array(1000))).toBe(1000);
      await sys.nanosleep(100);
      await sys.close(fd);
    });
    const { states, first } = await runWatchingCaState(net, a, [client, server]);
    expect(await server.exited).toEqual({ code: 10_000 });
    expect(states).toEqual([0, 1, 3, 0]);
    // Disorder after the first duplicate ACK; in Recovery ssthresh = cwnd·β from cwnd 10
    // (CUBIC β = 717/1024 → 7), the head marked lost and retransmitted.
    expect(first[1]).toMatchObject({ tcpi_sacked: 1, tcpi_lost: 0, tcpi_snd_ssthresh: 0x7fffffff });
    expect(first[3]).toMatchObject({ tcpi_snd_ssthresh: 7, tcpi_lost: 1, tcpi_retrans: 1 });
    expect(a.counters().Tcp.RetransSegs).toBe(1);
    expect(tcpext(a)).toMatchObject({ TCPRenoRecovery: 1, TCPFastRetrans: 1, TCPTimeouts: 0, TCPSlowStartRetrans: 0 });
    await expectNoLeaks(net);
  });

  it('two losses in one window: the partial ACK retransmits the second hole at once, without a timeout (RFC 6582)', async () => {
    const { net, a, b, link } = await pairWithLink(LINK);
    noSack(a, b);
    a.sysctl('net.ipv4.tcp_congestion_control', 'reno');
    const server = b.spawn(serverReadAll);
    const client = a.spawn(async (sys) => {
      const fd = await connectTo(sys);
      for (let k = 0; k < 9; k++) {
        const lose = k === 0 || k === 4;
        if (lose) cut(link, LINK, true);
        expect(await sys.send(fd, new Uint8Array(1000))).toBe(1000);
        if (lose) cut(link, LINK, false);
      }
      await sys.nanosleep(300);
      expect(await sys.send(fd, new Uint8Array(1000))).toBe(1000);
      await sys.nanosleep(100);
      await sys.close(fd);
    });
    const { states } = await runWatchingCaState(net, a, [client, server]);
    expect(await server.exited).toEqual({ code: 10_000 });
    expect(states).toEqual([0, 1, 3, 0]);
    expect(a.counters().Tcp.RetransSegs).toBe(2);
    expect(tcpext(a)).toMatchObject({ TCPRenoRecovery: 1, TCPFastRetrans: 2, TCPTimeouts: 0 });
    // The partial ACK for the first hole sends the second at once: about one RTT (10 ms
    // plus 8 ms per segment at 1 Mbit/s) after the first, well before an RTO (≥ 200 ms).
    const rtx = retransmitted(dataSegs(net.trace()));
    expect(rtx.map((r) => r[1])).toEqual([0, 4000]);
    expect((rtx[1][0] - rtx[0][0]) * 1000).toBeLessThan(60);
    await expectNoLeaks(net);
  });

  it('an RTO: Loss state, every outstanding segment marked lost (tcpi_lost), resent in slow start (TCPSlowStartRetrans), then Open', async () => {
    const { net, a, b, link } = await pairWithLink(LINK);
    const server = b.spawn(serverReadAll);
    const client = a.spawn(async (sys) => {
      const fd = await connectTo(sys);
      const rto = (await info(sys, fd)).tcpi_rto / 1000;
      cut(link, LINK, true);
      for (let k = 0; k < 6; k++) expect(await sys.send(fd, new Uint8Array(1000))).toBe(1000);
      await sys.nanosleep(rto + 60);
      cut(link, LINK, false);
      await sys.nanosleep(3 * rto);
      // New data above high_seq is acked: Reno leaves Loss only then.
      expect(await sys.send(fd, new Uint8Array(1000))).toBe(1000);
      await sys.nanosleep(100);
      await sys.close(fd);
    });
    const { states, first } = await runWatchingCaState(net, a, [client, server]);
    expect(await server.exited).toEqual({ code: 7000 });
    expect(states).toEqual([0, 4, 0]);
    // All six marked lost, the head retransmitted (into the cut), cwnd = in flight + 1.
    expect(first[4]).toMatchObject({ tcpi_lost: 6, tcpi_retrans: 1, tcpi_unacked: 6, tcpi_snd_cwnd: 1 });
    // Before the first RTO, a tail loss probe (2·srtt after the sends) went into the cut too.
    expect(tcpext(a)).toMatchObject({ TCPTimeouts: 2, TCPRenoRecovery: 0, TCPLossProbes: 1 });
    expect(tcpext(a).TCPSlowStartRetrans).toBeGreaterThan(0);
    expect(a.counters().Tcp.RetransSegs).toBe(1 + 2 + tcpext(a).TCPSlowStartRetrans);
    await expectNoLeaks(net);
  });
});

describe('restart after idle (RFC 5681 §4.1, tcp_cwnd_restart)', () => {
  for (const idleOn of [1, 0]) {
    it(`tcp_slow_start_after_idle=${idleOn}: after 2 s idle cwnd is ${idleOn ? 'back to the initial window' : 'kept'}`, async () => {
      const { net, a, b } = await pair({ delayMs: 5, rateBps: 1e9 });
      a.sysctl('net.ipv4.tcp_slow_start_after_idle', idleOn);
      const server = b.spawn(serverReadAll);
      let before = 0;
      let after = 0;
      const client = a.spawn(async (sys) => {
        const fd = await connectTo(sys);
        expect(await sys.send(fd, new Uint8Array(300_000))).toBe(300_000);
        while ((await sys.ioctl(fd, C.SIOCOUTQ)) > 0) await sys.nanosleep(5);
        before = (await info(sys, fd)).tcpi_snd_cwnd;
        await sys.nanosleep(2000);
        expect(await sys.send(fd, new Uint8Array(1000))).toBe(1000);
        after = (await info(sys, fd)).tcpi_snd_cwnd;
        await sys.close(fd);
      });
      await net.run({ untilIdle: true });
      await client.exited;
      expect(await server.exited).toEqual({ code: 301_000 });
      expect(before).toBeGreaterThan(20);
      if (idleOn) expect(after).toBe(10);
      else expect(after).toBe(before);
      await expectNoLeaks(net);
    });
  }
});

describe('CUBIC HyStart', () => {
  it('a deep-buffered 10 Mbit/s bottleneck: delay detection ends slow start before any loss (TCPHystartDelayDetect)', async () => {
    const { net, a, b } = await pair({ ab: { delayMs: 20, rateBps: 10e6, queuePackets: 2000 }, ba: { delayMs: 20 } });
    const server = b.spawn(serverReadAll);
    let ssthresh = 0;
    const client = a.spawn(async (sys) => {
      const fd = await connectTo(sys, false);
      expect(await sys.send(fd, new Uint8Array(3_000_000))).toBe(3_000_000);
      ssthresh = (await info(sys, fd)).tcpi_snd_ssthresh;
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    await client.exited;
    expect(await server.exited).toEqual({ code: 3_000_000 });
    const x = tcpext(a);
    expect(x.TCPHystartDelayDetect + x.TCPHystartTrainDetect).toBe(1);
    expect(x.TCPHystartDelayCwnd + x.TCPHystartTrainCwnd).toBeGreaterThanOrEqual(16);
    expect(ssthresh).toBeLessThan(0x7fffffff);
    expect(a.counters().Tcp.RetransSegs).toBe(0);
    await expectNoLeaks(net);
  });
});

describe('undo of spurious reductions (tcp_try_undo_*)', () => {
  const LINK = { delayMs: 5 };

  it('reordering, not loss: the ACK echoes the original\'s timestamp, so recovery is undone — cwnd and ssthresh restored (TCPFullUndo)', async () => {
    const { net, a, b, link } = await pairWithLink(LINK);
    const server = b.spawn(serverReadAll);
    let after: Info | null = null;
    const client = a.spawn(async (sys) => {
      const fd = await connectTo(sys);
      // The first segment takes 14 ms instead of 5: the SACKs of the next seven make it
      // look lost (fast retransmit at 10 ms), but it arrives before its retransmission.
      applyNetem(link.a, { delayMs: 14 });
      expect(await sys.send(fd, new Uint8Array(1000))).toBe(1000);
      applyNetem(link.a, LINK);
      for (let k = 0; k < 7; k++) expect(await sys.send(fd, new Uint8Array(1000))).toBe(1000);
      await sys.nanosleep(100);
      after = await info(sys, fd);
      await sys.close(fd);
    });
    const { states } = await runWatchingCaState(net, a, [client, server]);
    expect(await server.exited).toEqual({ code: 8000 });
    // (Disorder lasts less than the 1 ms sampling step here: the SACKs arrive together.)
    expect(states).toEqual([0, 3, 0]);
    // Undone to the window before recovery (10), which the same full ACK then grows in slow
    // start (tcp_cong_control runs after tcp_fastretrans_alert): 11.
    expect(after).toMatchObject({ tcpi_ca_state: 0, tcpi_snd_cwnd: 11, tcpi_snd_ssthresh: 0x7fffffff });
    // The needless retransmission comes back as a D-SACK of one segment (tcp_dsack_seen:
    // TCPDSACKRecvSegs adds the segments an accepted D-SACK covers).
    expect(tcpext(a)).toMatchObject({ TCPSackRecovery: 1, TCPFullUndo: 1, TCPDSACKRecv: 1, TCPDSACKRecvSegs: 1, TCPDSACKIgnoredDubious: 0, TCPTimeouts: 0 });
    expect(tcpext(b).TCPDSACKOldSent).toBe(1);
    await expectNoLeaks(net);
  });

  it('reordering without timestamps: the original arrives after its retransmission, and its D-SACK undoes the reduction (TCPDSACKUndo)', async () => {
    const { net, a, b, link } = await pairWithLink(LINK);
    for (const h of [a, b]) h.sysctl('net.ipv4.tcp_timestamps', 0);
    const server = b.spawn(serverReadAll);
    let after: Info | null = null;
    const client = a.spawn(async (sys) => {
      const fd = await connectTo(sys);
      // 22 ms instead of 5: the fast retransmission (sent at 10 ms) overtakes it.
      applyNetem(link.a, { delayMs: 22 });
      expect(await sys.send(fd, new Uint8Array(1000))).toBe(1000);
      applyNetem(link.a, LINK);
      for (let k = 0; k < 7; k++) expect(await sys.send(fd, new Uint8Array(1000))).toBe(1000);
      await sys.nanosleep(100);
      after = await info(sys, fd);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    await client.exited;
    expect(await server.exited).toEqual({ code: 8000 });
    // Recovery ended with cwnd = ssthresh (7); the D-SACK then restored the prior window.
    expect(after).toMatchObject({ tcpi_ca_state: 0, tcpi_snd_ssthresh: 0x7fffffff });
    expect(after!.tcpi_snd_cwnd).toBeGreaterThanOrEqual(10);
    expect(tcpext(a)).toMatchObject({ TCPSackRecovery: 1, TCPDSACKUndo: 1, TCPFullUndo: 0, TCPDSACKRecv: 1, TCPDSACKRecvSegs: 1 });
    expect(tcpext(b).TCPDSACKOldSent).toBe(1);
    await expectNoLeaks(net);
  });

  it('a spurious RTO (the ACK was only late): the D-SACK of the retransmission undoes the Loss state (TCPLossUndo)', async () => {
    const { net, a, b, link } = await pairWithLink(LINK);
    // The RTO's own path: with tail loss probes on, a probe goes at this RTO's time instead
    // and its D-SACK ends the episode with no Loss state at all (tcp-tlp.test.ts).
    a.sysctl('net.ipv4.tcp_early_retrans', 0);
    const server = b.spawn(serverReadAll);
    let after: Info | null = null;
    const client = a.spawn(async (sys) => {
      const fd = await connectTo(sys);
      // The ACK of this segment is held 1 s on the way back, long past the RTO.
      applyNetem(link.b, { delayMs: 1000 });
      expect(await sys.send(fd, new Uint8Array(1000))).toBe(1000);
      await sys.nanosleep(8);
      applyNetem(link.b, LINK);
      await sys.nanosleep(1500);
      after = await info(sys, fd);
      await sys.close(fd);
    });
    const { states } = await runWatchingCaState(net, a, [client, server]);
    expect(await server.exited).toEqual({ code: 1000 });
    expect(states).toEqual([0, 4, 0]);
    expect(after).toMatchObject({ tcpi_ca_state: 0, tcpi_snd_cwnd: 10, tcpi_snd_ssthresh: 0x7fffffff });
    // The D-SACK (and the echoed timestamp) undo it before F-RTO has anything to decide:
    // TCPSpuriousRTOs, counted only on F-RTO's own path, stays 0, as in Linux.
    expect(tcpext(a)).toMatchObject({ TCPTimeouts: 1, TCPLossUndo: 1, TCPDSACKRecv: 1, TCPDSACKRecvSegs: 1, TCPSpuriousRTOs: 0 });
    await expectNoLeaks(net);
  });
});
