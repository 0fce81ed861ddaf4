// F-RTO (RFC 5682 as Linux 6.x runs it, net.ipv4.tcp_frto = 2): how a retransmission
// timeout is found spurious. After the RTO resends the first segment, the first ACK that
// advances SND.UNA is answered with new data instead of more retransmissions; if the next
// ACK then acks data sent before the RTO and never retransmitted, the timeout was
// spurious — cwnd and ssthresh are undone, Loss is left (TCPSpuriousRTOs, TCPLossUndo).
// A duplicate ACK or a SACK of the new data instead says the loss was real: conventional
// go-back-N recovery. Read off the wire on the virtual clock; the spurious timeout is a
// delay spike on the ACK path (netem delay plus a rate limit, so the late ACKs stay in
// order and arrive one by one).
// Linux: net/ipv4/tcp_timer.c (tcp_retransmit_timer), tcp_input.c (tcp_enter_loss,
// tcp_process_loss, tcp_try_undo_loss, tcp_xmit_recovery, tcp_fastretrans_alert).
import { describe, expect, it } from 'vitest';
import { constants as C, type Host, type Network } from '../../build/host/index.js';
import { applyNetem } from '../../build/host/link.js';
import type { Sys } from '../../build/host/syscall/async.js';
import { expectNoLeaks, pair } from '../helpers/machine.js';
import { pairWithLink, segs, serverReadAll } from '../helpers/tcp.js';

const PORT = 5001;
const LINK = { delayMs: 5 };
/** The ACK path during the spike: 400 ms late, about 11 ms apart (a 54-byte frame at 40 kbit/s). */
const SPIKE = { delayMs: 400, rateBps: 40_000 };
const SEGS = 20;
const tcpext = (h: Host) => h.counters().TcpExt;

/** The wire as the client sees it: its data segments and the server's ACKs, seq/ack relative to the client's ISN + 1. */
type Ev = { data: number; len: number } | { ack: number; sack: boolean };
function wire(lines: string[]): Ev[] {
  const ss = segs(lines);
  const isn = ss.find((s) => s.flags === 'S')!.seq! + 1;
  return ss.flatMap((s): Ev[] => {
    if (s.src.startsWith('10.0.0.1.') && s.len > 0) return [{ data: (s.seq! - isn) >>> 0, len: s.len }];
    if (s.src.startsWith('10.0.0.2.') && s.ack !== null && s.flags !== 'S.') return [{ ack: (s.ack - isn) >>> 0, sack: (s.options ?? '').includes('sack ') }];
    return [];
  });
}
const isData = (e: Ev): e is { data: number; len: number } => 'data' in e;
const isAck = (e: Ev): e is { ack: number; sack: boolean } => 'ack' in e;

/** Sequence numbers sent more than once, in order of first retransmission. */
function resent(ev: Ev[]): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (const e of ev.filter(isData)) {
    if (seen.has(e.data) && !out.includes(e.data)) out.push(e.data);
    seen.add(e.data);
  }
  return out;
}

/** The data the client sent between the first ACK of `a1` and the first ACK of `a2`. */
function sentBetween(ev: Ev[], a1: number, a2: number): number[] {
  const i1 = ev.findIndex((e) => isAck(e) && e.ack === a1);
  const i2 = ev.findIndex((e) => isAck(e) && e.ack === a2);
  expect(i1).toBeGreaterThanOrEqual(0);
  expect(i2).toBeGreaterThan(i1);
  return ev.slice(i1 + 1, i2).filter(isData).map((e) => e.data);
}

interface CaSample { t: number; state: number; cwnd: number; ssthresh: number }

/**
 * Runs the network in 1 ms steps until the processes exit, recording the client's
 * congestion state (tcpi_ca_state, cwnd, ssthresh) each time tcpi_ca_state changes.
 */
async function watchCaState(net: Network, h: Host, procs: { exited: Promise<unknown> }[]): Promise<CaSample[]> {
  let done = false;
  void Promise.all(procs.map((p) => p.exited)).then(() => { done = true; });
  const out: CaSample[] = [];
  while (!done) {
    await net.run({ untilMs: net.now() + 1 });
    const i = h.ss().find((x) => x.info && x.peer.endsWith(`:${PORT}`) && x.state === 'ESTAB')?.info;
    if (i && out[out.length - 1]?.state !== i.tcpi_ca_state) out.push({ t: net.now(), state: i.tcpi_ca_state, cwnd: i.tcpi_snd_cwnd, ssthresh: i.tcpi_snd_ssthresh });
  }
  await net.run({ untilIdle: true });
  return out;
}

interface Opts { frto?: number; timestamps?: boolean; sack?: boolean; delayMs?: number; loseFirst?: boolean }

/**
 * The delay spike: SEGS full segments written at once (IW10 goes, the rest waits for
 * cwnd); the ACKs of the first flight are held past the RTO by SPIKE (or `delayMs`) on the
 * way back, for 1.2 s (plus the extra delay), then the path is clean again. `loseFirst`
 * also drops the first segment on the way out. The server reads everything.
 */
async function spike(o: Opts = {}) {
  const { net, a, b, link } = await pairWithLink(LINK);
  if (o.frto !== undefined) a.sysctl('net.ipv4.tcp_frto', o.frto);
  if (o.timestamps === false) for (const h of [a, b]) h.sysctl('net.ipv4.tcp_timestamps', 0);
  if (o.sack === false) for (const h of [a, b]) h.sysctl('net.ipv4.tcp_sack', 0);
  const mss = o.timestamps === false ? 1460 : 1448;
  const server = b.spawn((sys) => serverReadAll(sys, PORT));
  const client = a.spawn(async (sys: Sys) => {
    const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    expect(await sys.connect(fd, { addr: '10.0.0.2', port: PORT })).toBe(0);
    await sys.nanosleep(20);
    applyNetem(link.b, { ...SPIKE, delayMs: o.delayMs ?? SPIKE.delayMs });
    if (o.loseFirst) {
      applyNetem(link.a, { ...LINK, lossRate: 1 });
      expect(await sys.send(fd, new Uint8Array(mss))).toBe(mss);
      applyNetem(link.a, LINK);
      expect(await sys.send(fd, new Uint8Array((SEGS - 1) * mss))).toBe((SEGS - 1) * mss);
    } else {
      expect(await sys.send(fd, new Uint8Array(SEGS * mss))).toBe(SEGS * mss);
    }
    await sys.nanosleep(1200 + (o.delayMs ?? SPIKE.delayMs) - SPIKE.delayMs);
    applyNetem(link.b, LINK);
    await sys.nanosleep(200);
    await sys.close(fd);
  });
  const ca = await watchCaState(net, a, [client, server]);
  expect(await client.exited).toEqual({ code: 0 });
  expect(await server.exited).toEqual({ code: SEGS * mss });
  return { net, a, b, mss, ca, ev: wire(net.trace()) };
}

describe('F-RTO on a spurious timeout (a delay spike on the ACK path)', () => {
  it('tcp_frto 2 (the default): the first ACK after the RTO is answered with two new segments, the next one acks an original never resent — the RTO was spurious: undone at once (TCPSpuriousRTOs, TCPLossUndo), nothing else resent', async () => {
    const { net, a, mss, ca, ev } = await spike({ timestamps: false });
    const data = ev.filter(isData);
    // IW10, then the tail loss probe (the 11th segment, new data), then the RTO resends
    // the first — the probe's episode ends there, F-RTO starts.
    expect(data.slice(0, 12).map((d) => d.data / mss)).toEqual([...Array.from({ length: 11 }, (_, k) => k), 0]);
    expect(tcpext(a).TCPLossProbes).toBe(1);
    // RFC 5682 step 2.b: the ACK of the resent segment brings new data (cwnd 2 in slow
    // start), not the next retransmissions ...
    expect(sentBetween(ev, mss, 2 * mss)).toEqual([11 * mss, 12 * mss]);
    // ... step 3.b: the next ACK covers the second segment, sent once, before the RTO.
    // That was the only retransmission.
    expect(resent(ev)).toEqual([0]);
    expect(a.counters().Tcp.RetransSegs).toBe(1);
    expect(tcpext(a)).toMatchObject({ TCPTimeouts: 1, TCPSpuriousRTOs: 1, TCPLossUndo: 1, TCPSlowStartRetrans: 0, TCPDSACKUndo: 0 });
    // Loss with CUBIC's cut (0.7 · 10) and cwnd 1, then Open with the window before the
    // RTO restored at once — ssthresh back to "infinite", cwnd to 10 (grown since in slow
    // start) — long before the D-SACK of the retransmission could come back.
    expect(ca.map((s) => s.state)).toEqual([0, 4, 0]);
    expect(ca[1]).toMatchObject({ cwnd: 1, ssthresh: 7 });
    expect(ca[2]).toMatchObject({ ssthresh: 0x7fffffff });
    expect(ca[2]!.cwnd).toBeGreaterThanOrEqual(10);
    expect(ca[2]!.t - ca[1]!.t).toBeLessThan(400);
    await expectNoLeaks(net);
  });

  it('tcp_frto 0: the same spike is taken as loss — the window is resent in slow start (go-back-N, TCPSlowStartRetrans), TCPSpuriousRTOs stays 0, and only the D-SACKs a round trip later undo the cut (TCPDSACKUndo)', async () => {
    const { net, a, mss, ca, ev } = await spike({ timestamps: false, frto: 0 });
    // The first ACK after the RTO brings the next two retransmissions, not new data.
    expect(sentBetween(ev, mss, 2 * mss)).toEqual([mss, 2 * mss]);
    // Everything out before the RTO (IW10 and the probe) went twice.
    expect(resent(ev)).toEqual(Array.from({ length: 11 }, (_, k) => k * mss));
    expect(a.counters().Tcp.RetransSegs).toBe(11);
    expect(tcpext(a)).toMatchObject({ TCPTimeouts: 1, TCPSpuriousRTOs: 0, TCPLossUndo: 0, TCPSlowStartRetrans: 10, TCPDSACKUndo: 1 });
    // Each needless retransmission is D-SACKed, one segment per block: all 11 are counted.
    expect(tcpext(a)).toMatchObject({ TCPDSACKRecv: 11, TCPDSACKRecvSegs: 11, TCPDSACKIgnoredDubious: 0 });
    // Loss ends when the ACKs catch up with the RTO's snd_nxt, still with the cut
    // ssthresh: the undo comes later, in Open.
    expect(ca.map((s) => s.state)).toEqual([0, 4, 0]);
    expect(ca[1]).toMatchObject({ cwnd: 1, ssthresh: 7 });
    expect(ca[2]!.ssthresh).toBeLessThan(0x7fffffff);
    await expectNoLeaks(net);
  });

  it('tcp_frto 1 turns it on as 2 does (any non-zero value)', async () => {
    const { net, a, mss, ev } = await spike({ timestamps: false, frto: 1 });
    expect(sentBetween(ev, mss, 2 * mss)).toEqual([11 * mss, 12 * mss]);
    expect(resent(ev)).toEqual([0]);
    expect(tcpext(a)).toMatchObject({ TCPTimeouts: 1, TCPSpuriousRTOs: 1, TCPLossUndo: 1 });
    await expectNoLeaks(net);
  });

  it('with timestamps the first late ACK already echoes the original\'s timestamp: the RTO is undone on it (Eifel, tcp_try_undo_loss before F-RTO) — TCPLossUndo, no TCPSpuriousRTOs', async () => {
    const { net, a, mss, ca, ev } = await spike();
    // Undone on the first ACK, so what it sends is what the restored window holds: room
    // for one (cwnd 10, grown to 11 by this ACK in slow start, 10 still out) — not F-RTO's
    // two new segments in Loss.
    expect(sentBetween(ev, mss, 2 * mss)).toEqual([11 * mss]);
    expect(resent(ev)).toEqual([0]);
    expect(tcpext(a)).toMatchObject({ TCPTimeouts: 1, TCPSpuriousRTOs: 0, TCPLossUndo: 1 });
    expect(ca.map((s) => s.state)).toEqual([0, 4, 0]);
    expect(ca[2]!.ssthresh).toBe(0x7fffffff);
    await expectNoLeaks(net);
  });

  it('without SACK (NewReno) the same: new data after the first ACK, then the ACK of an original never resent undoes the RTO', async () => {
    const { net, a, mss, ev } = await spike({ timestamps: false, sack: false });
    // No tail loss probe without SACK: IW10, then the RTO.
    expect(ev.filter(isData).slice(0, 11).map((d) => d.data / mss)).toEqual([...Array.from({ length: 10 }, (_, k) => k), 0]);
    expect(sentBetween(ev, mss, 2 * mss)).toEqual([10 * mss, 11 * mss]);
    expect(resent(ev)).toEqual([0]);
    expect(tcpext(a)).toMatchObject({ TCPTimeouts: 1, TCPSpuriousRTOs: 1, TCPLossUndo: 1, TCPLossProbes: 0 });
    await expectNoLeaks(net);
  });
});

describe('F-RTO with SACK and recurring timeouts', () => {
  it('a timeout recurring on the same SND.UNA keeps F-RTO (RFC 5682 §3.2): two RTOs, one cut of ssthresh, and the late ACKs still undo it', async () => {
    const { net, a, mss, ca, ev } = await spike({ timestamps: false, delayMs: 900 });
    // The first segment goes three times (the original and two RTOs); after the first ACK,
    // new data, not the rest of the window.
    expect(resent(ev)).toEqual([0]);
    expect(ev.filter(isData).filter((d) => d.data === 0)).toHaveLength(3);
    expect(sentBetween(ev, mss, 2 * mss)).toEqual([11 * mss, 12 * mss]);
    expect(a.counters().Tcp.RetransSegs).toBe(2);
    expect(tcpext(a)).toMatchObject({ TCPTimeouts: 2, TCPSpuriousRTOs: 1, TCPLossUndo: 1 });
    expect(ca.map((s) => s.state)).toEqual([0, 4, 0]);
    expect(ca[2]!.ssthresh).toBe(0x7fffffff);
    await expectNoLeaks(net);
  });

  it('SACKs of originals never resent prove the RTO spurious too (step 3.b with SACK): undone, then the one real hole they show goes through fast recovery (TCPSackRecovery)', async () => {
    const { net, a, mss, ca, ev } = await spike({ timestamps: false, loseFirst: true });
    // Loss, undone on the first SACK to the window before the RTO (Disorder: a SACK and the
    // RTO's retransmission are out), then Recovery once three segments above the hole are
    // SACKed (RFC 6675's DupThresh; Linux's RACK would mark it sooner), with its own cut.
    expect(ca.map((s) => s.state)).toEqual([0, 4, 1, 3, 0]);
    expect(ca[2]).toMatchObject({ cwnd: 10, ssthresh: 0x7fffffff });
    expect(ca[3]!.ssthresh).toBe(7);
    // The RTO's retransmission of the lost first segment is the only one: the undo leaves it
    // in flight, and the SACKs then mark that very segment lost (no second copy needed).
    expect(tcpext(a)).toMatchObject({ TCPTimeouts: 1, TCPSpuriousRTOs: 1, TCPLossUndo: 1, TCPSackRecovery: 1 });
    const first = ev.findIndex((e) => isAck(e) && e.sack);
    expect(ev[first]).toMatchObject({ ack: 0, sack: true });
    // No go-back-N: nothing but the first segment is sent twice (its original was dropped
    // before the capture, so it shows once).
    expect(resent(ev)).toEqual([]);
    expect(a.counters().Tcp.RetransSegs).toBe(1);
    await expectNoLeaks(net);
  });
});

describe('F-RTO only starts outside loss recovery', () => {
  it('an RTO in fast recovery does not start it (RFC 5682 §3.1 step 1): the partial ACK of its retransmission brings the next hole\'s retransmission first, not new data', async () => {
    const { net, a, b, link } = await pairWithLink(LINK);
    for (const h of [a, b]) h.sysctl('net.ipv4.tcp_timestamps', 0);
    const mss = 1460;
    const cut = (on: boolean) => applyNetem(link.a, { ...LINK, lossRate: on ? 1 : 0 });
    const server = b.spawn((sys) => serverReadAll(sys, PORT));
    const client = a.spawn(async (sys: Sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: PORT })).toBe(0);
      await sys.nanosleep(20);
      // Two holes in the first flight (segments 0 and 5) ...
      cut(true);
      expect(await sys.send(fd, new Uint8Array(mss))).toBe(mss);
      cut(false);
      expect(await sys.send(fd, new Uint8Array(4 * mss))).toBe(4 * mss);
      cut(true);
      expect(await sys.send(fd, new Uint8Array(mss))).toBe(mss);
      cut(false);
      expect(await sys.send(fd, new Uint8Array((SEGS - 6) * mss))).toBe((SEGS - 6) * mss);
      // ... and the fast retransmissions the SACKs bring 10 ms later are lost too: the RTO
      // comes while in Recovery.
      await sys.nanosleep(8);
      cut(true);
      await sys.nanosleep(30);
      cut(false);
      await sys.nanosleep(1500);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: SEGS * mss });
    const ev = wire(net.trace());
    const partial = ev.findIndex((e) => isAck(e) && e.ack === 5 * mss);
    expect(partial).toBeGreaterThan(0);
    expect(ev.slice(partial + 1).find(isData)).toMatchObject({ data: 5 * mss });
    expect(tcpext(a)).toMatchObject({ TCPSackRecovery: 1, TCPTimeouts: 1, TCPSpuriousRTOs: 0, TCPLossUndo: 0 });
    await expectNoLeaks(net);
  });
});

/**
 * A genuine loss: the first flight is lost on the way out (lossRate 1 on a → b while it is
 * sent); the path is clean before the first timer fires.
 */
async function genuineLoss(o: Opts = {}) {
  const { net, a, b, link } = await pairWithLink(LINK);
  if (o.frto !== undefined) a.sysctl('net.ipv4.tcp_frto', o.frto);
  for (const h of [a, b]) h.sysctl('net.ipv4.tcp_timestamps', 0);
  if (o.sack === false) for (const h of [a, b]) h.sysctl('net.ipv4.tcp_sack', 0);
  const mss = 1460;
  const server = b.spawn((sys) => serverReadAll(sys, PORT));
  const client = a.spawn(async (sys: Sys) => {
    const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    expect(await sys.connect(fd, { addr: '10.0.0.2', port: PORT })).toBe(0);
    await sys.nanosleep(20);
    applyNetem(link.a, { ...LINK, lossRate: 1 });
    expect(await sys.send(fd, new Uint8Array(SEGS * mss))).toBe(SEGS * mss);
    applyNetem(link.a, LINK);
    await sys.nanosleep(1500);
    await sys.close(fd);
  });
  await net.run({ untilIdle: true });
  expect(await client.exited).toEqual({ code: 0 });
  expect(await server.exited).toEqual({ code: SEGS * mss });
  return { net, a, mss, ev: wire(net.trace()) };
}

describe('F-RTO on a genuine loss', () => {
  for (const sack of [true, false]) {
    it(`${sack ? 'SACK' : 'NewReno'}: the new data sent after the first ACK comes back as ${sack ? 'a SACK' : 'a duplicate ACK'}, not an ACK — the loss was real: conventional recovery resends the rest, no undo`, async () => {
      const { net, a, mss, ev } = await genuineLoss({ sack });
      // After the RTO's retransmission is acked, F-RTO tries new data first ...
      const firstAck = ev.findIndex((e) => isAck(e) && e.ack === mss);
      const after = ev.slice(firstAck + 1);
      const newData = after.filter(isData).slice(0, 2).map((d) => d.data);
      expect(newData.every((s) => s >= 10 * mss)).toBe(true);
      expect(newData).toHaveLength(2);
      // ... which the receiver can only report above the hole.
      const reply = after.find(isAck)!;
      expect(reply).toMatchObject({ ack: mss, sack });
      // Every segment of the lost flight goes again, once and in order (the originals were
      // dropped before the capture): the RTO's, then the conventional recovery's.
      expect(ev.filter(isData).map((d) => d.data).filter((s) => s < 10 * mss)).toEqual(Array.from({ length: 10 }, (_, k) => k * mss));
      expect(a.counters().Tcp.RetransSegs).toBe(10);
      expect(tcpext(a)).toMatchObject({ TCPTimeouts: 1, TCPSpuriousRTOs: 0, TCPLossUndo: 0, TCPDSACKUndo: 0 });
      await expectNoLeaks(net);
    });
  }

  it('tcp_frto 0: the ACK of the RTO\'s retransmission brings the next retransmissions at once', async () => {
    const { net, a, mss, ev } = await genuineLoss({ frto: 0 });
    const firstAck = ev.findIndex((e) => isAck(e) && e.ack === mss);
    const next = ev.slice(firstAck + 1).filter(isData).slice(0, 2).map((d) => d.data);
    expect(next).toEqual([mss, 2 * mss]);
    expect(tcpext(a)).toMatchObject({ TCPSpuriousRTOs: 0, TCPLossUndo: 0 });
    await expectNoLeaks(net);
  });
});

describe('net.ipv4.tcp_frto', () => {
  it('defaults to 2, takes any u8 (proc_dou8vec_minmax: 0..255) and refuses the rest', async () => {
    const { net, a } = await pair(LINK);
    expect(a.sysctl('net.ipv4.tcp_frto')).toBe(2);
    for (const v of [0, 1, 255, 2]) {
      a.sysctl('net.ipv4.tcp_frto', v);
      expect(a.sysctl('net.ipv4.tcp_frto')).toBe(v);
    }
    expect(() => a.sysctl('net.ipv4.tcp_frto', 256)).toThrow();
    expect(() => a.sysctl('net.ipv4.tcp_frto', -1)).toThrow();
    expect(a.sysctl('net.ipv4.tcp_frto')).toBe(2);
    await expectNoLeaks(net);
  });
});
