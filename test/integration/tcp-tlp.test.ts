// Tail loss probes (RFC 8985 §7 as Linux 6.x runs them, net.ipv4.tcp_early_retrans = 3):
// the probe timeout (2·srtt, plus 200 ms when one segment is out, never past the RTO), the
// probe itself (new data if the peer's window allows, else the last segment again), and
// how the episode ends (tcp_process_tlp_ack: a D-SACK of the probe means nothing was lost;
// an ACK beyond it means the probe repaired a loss — CWR, TCPLossProbeRecovery). Read off
// the wire on the virtual clock; losses are scripted by switching a netem direction to
// lossRate 1 around the segments to drop.
// Linux: net/ipv4/tcp_output.c (tcp_schedule_loss_probe, tcp_send_loss_probe),
// tcp_input.c (tcp_process_tlp_ack, tcp_dsack_seen), tcp_timer.c (tcp_write_timer_handler).
import { describe, expect, it } from 'vitest';
import { constants as C, errnoName, type Host, type Link } from '../../build/host/index.js';
import { applyNetem } from '../../build/host/link.js';
import type { Sys } from '../../build/host/syscall/async.js';
import { expectNoLeaks, pair } from '../helpers/machine.js';
import { serverReadAll, pairWithLink as pairWithLinkOf } from '../helpers/tcp.js';

const PORT = 5001;
const LINK = { delayMs: 5 };
const MSS = 1448; // 1500 - 40 - 12 (timestamps)

/** Cuts (lossRate 1) or restores one direction of the link: a→b is link.a, b→a is link.b. */
function cut(link: Link, dir: 'ab' | 'ba', on: boolean): void {
  applyNetem(dir === 'ab' ? link.a : link.b, { ...LINK, lossRate: on ? 1 : 0 });
}

const pairWithLink = () => pairWithLinkOf(LINK);

/** Accepts one connection and reads it to the end; `delack` puts it in delayed-ACK mode first. */
function server(opts: { delack?: boolean } = {}) {
  // TCP_QUICKACK 0 (pingpong mode): a lone full-sized segment waits for the delayed ACK.
  const delack = async (sys: Sys, c: number) => { expect(await sys.setsockopt(c, C.IPPROTO_TCP, C.TCP_QUICKACK, 0)).toBe(0); };
  return (sys: Sys): Promise<number> => serverReadAll(sys, PORT, opts.delack ? (c) => delack(sys, c) : undefined);
}

async function connectTo(sys: Sys): Promise<number> {
  const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  expect(await sys.connect(fd, { addr: '10.0.0.2', port: PORT })).toBe(0);
  expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_NODELAY, 1)).toBe(0);
  return fd;
}

const info = async (sys: Sys, fd: number) => {
  const i = await sys.getsockopt(fd, C.IPPROTO_TCP, C.TCP_INFO);
  if (typeof i === 'number') throw new Error(errnoName(i));
  return i as Exclude<typeof i, number | { onoff: number }>;
};
type Info = Awaited<ReturnType<typeof info>>;

const tcpext = (h: Host) => h.counters().TcpExt;

/** The client's data segments as { t (ms), seq (relative to its ISN + 1), len }. */
function clientData(lines: string[]): { t: number; seq: number; len: number }[] {
  const syn = lines.find((l) => /IP 10\.0\.0\.1\.\d+ > .*Flags \[S\], seq (\d+)/.test(l))!;
  const isn = Number(/seq (\d+)/.exec(syn)![1]) + 1;
  return lines.flatMap((l) => {
    const m = /^([\d.]+) IP 10\.0\.0\.1\.\d+ > .*seq (\d+):\d+.*length (\d+)/.exec(l);
    return m && Number(m[3]) > 0 ? [{ t: Math.round(Number(m[1]) * 1e6) / 1e3, seq: (Number(m[2]) - isn) >>> 0, len: Number(m[3]) }] : [];
  });
}

/** PTO as tcp_schedule_loss_probe computes it from srtt (µs, tcpi_rtt) when it is not capped by the RTO. */
const pto = (srttUs: number, packetsOut: number) => Math.ceil(((srttUs << 3) >> 2) / 1000 + (packetsOut === 1 ? 200 : 2));

/**
 * The tail-loss scenario: a full segment and a short one (TCP_NODELAY), the short one lost
 * on the link; the receiver holds its ACK of the first (delayed ACK), so two are out when
 * the timer is armed. The client closes 200 ms later.
 */
async function tailLoss(earlyRetrans: number) {
  const { net, a, b, link } = await pairWithLink();
  a.sysctl('net.ipv4.tcp_early_retrans', earlyRetrans);
  const srv = b.spawn(server({ delack: true }));
  let before: Info | null = null;
  let afterProbe: Info | null = null;
  let end: Info | null = null;
  let extAfterProbe: Record<string, number> = {};
  let t0 = 0;
  const client = a.spawn(async (sys) => {
    const fd = await connectTo(sys);
    await sys.nanosleep(20);
    before = await info(sys, fd);
    t0 = await sys.clock_gettime();
    expect(await sys.send(fd, new Uint8Array(MSS))).toBe(MSS);
    cut(link, 'ab', true);
    expect(await sys.send(fd, new Uint8Array(500))).toBe(500);
    cut(link, 'ab', false);
    await sys.nanosleep(150);
    afterProbe = await info(sys, fd);
    extAfterProbe = { ...tcpext(a), RetransSegs: a.counters().Tcp.RetransSegs };
    await sys.nanosleep(250);
    expect(await sys.shutdown(fd, C.SHUT_WR)).toBe(0);
    await sys.nanosleep(50);
    end = await info(sys, fd);
    await sys.close(fd);
  });
  await net.run({ untilIdle: true });
  expect(await client.exited).toEqual({ code: 0 });
  expect(await srv.exited).toEqual({ code: MSS + 500 });
  return { net, a, b, before: before! as Info, afterProbe: afterProbe! as Info, extAfterProbe, end: end! as Info, t0, data: clientData(net.trace()) };
}

describe('the probe timeout (tcp_schedule_loss_probe)', () => {
  it('a lost last segment is probed 2·srtt + 2 ms after it left, not at the RTO: the probe repairs it (TCPLossProbes), and the ACK beyond it ends the episode in CWR (TCPLossProbeRecovery)', async () => {
    const { net, a, before, afterProbe, extAfterProbe, end, t0, data } = await tailLoss(3);
    // On the wire (the lost original never got there): the full segment, then the probe —
    // the short segment again, 2·srtt + 2 ms after it was sent.
    expect(data.map((d) => [d.seq, d.len])).toEqual([[0, MSS], [MSS, 500]]);
    // (The capture stamps frames as they leave the 5 ms netem delay: compare the two.)
    expect(data[0]!.t).toBe(t0 + 5);
    const probeAfter = data[1]!.t - data[0]!.t;
    expect(probeAfter).toBe(pto(before.tcpi_rtt, 2));
    expect(probeAfter).toBeLessThan(before.tcpi_rto / 1000 / 4);
    // Repaired by the probe: no RTO, no reduction yet (the ACK reached tlp_high_seq, not
    // beyond it), the connection still Open.
    expect(afterProbe).toMatchObject({ tcpi_unacked: 0, tcpi_ca_state: 0, tcpi_snd_cwnd: before.tcpi_snd_cwnd, tcpi_snd_ssthresh: 0x7fffffff, tcpi_total_retrans: 1 });
    expect(extAfterProbe).toMatchObject({ TCPLossProbes: 1, TCPLossProbeRecovery: 0, TCPTimeouts: 0, RetransSegs: 1 });
    // The FIN is acked beyond the probe with no D-SACK: a loss was repaired, so cwnd takes
    // one reduction (CWR ended at once: cwnd = ssthresh = CUBIC's 0.7 · 10) and back to Open.
    expect(tcpext(a)).toMatchObject({ TCPLossProbes: 1, TCPLossProbeRecovery: 1, TCPTimeouts: 0 });
    expect(end).toMatchObject({ tcpi_ca_state: 0, tcpi_snd_ssthresh: 7, tcpi_snd_cwnd: 7 });
    await expectNoLeaks(net);
  });

  it('tcp_early_retrans 0: the same loss waits for the RTO (TCPTimeouts, no probe)', async () => {
    const { net, a, before, t0, data } = await tailLoss(0);
    expect(data.map((d) => [d.seq, d.len])).toEqual([[0, MSS], [MSS, 500]]);
    // The delayed ACK of the first segment re-armed the RTO: it fires one RTO after that.
    expect(data[1]!.t - data[0]!.t).toBeGreaterThan(before.tcpi_rto / 1000);
    expect(tcpext(a)).toMatchObject({ TCPLossProbes: 0, TCPLossProbeRecovery: 0, TCPTimeouts: 1 });
    await expectNoLeaks(net);
  });

  for (const [v, probes] of [[1, 0], [2, 0], [4, 1]] as const) {
    it(`tcp_early_retrans ${v}: ${probes ? 'the probe goes (4 arms TLP as 3 does)' : 'no probe (only 3 and 4 arm TLP)'}`, async () => {
      const { net, a } = await tailLoss(v);
      expect(tcpext(a)).toMatchObject({ TCPLossProbes: probes, TCPTimeouts: 1 - probes });
      await expectNoLeaks(net);
    });
  }

  it('one segment out: the PTO adds 200 ms for the delayed ACK and is capped by the RTO, so the probe takes the first timeout\'s place; the RTO backs off from there', async () => {
    const { net, a, b, link } = await pairWithLink();
    const srv = b.spawn(server());
    let rto = 0;
    let srtt = 0;
    let t0 = 0;
    const seen: [number, number, number][] = []; // [TCPLossProbes, TCPTimeouts, tcpi_backoff]
    const client = a.spawn(async (sys) => {
      const fd = await connectTo(sys);
      await sys.nanosleep(20);
      ({ tcpi_rto: rto, tcpi_rtt: srtt } = await info(sys, fd));
      const r = rto / 1000;
      cut(link, 'ab', true);
      expect(await sys.send(fd, new Uint8Array(1000))).toBe(1000);
      t0 = await sys.clock_gettime();
      // Just before and after rto and 2·rto from the send (a timer this far out may fire up
      // to 8 ms late: the wheel's level-1 granularity, as Linux's).
      for (const at of [r - 1, r + 10, 2 * r - 1, 2 * r + 20]) {
        await sys.nanosleep(t0 + at - (await sys.clock_gettime()));
        seen.push([tcpext(a).TCPLossProbes, tcpext(a).TCPTimeouts, (await info(sys, fd)).tcpi_backoff]);
      }
      cut(link, 'ab', false);
      await sys.nanosleep(100);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await srv.exited).toEqual({ code: 1000 });
    expect(pto(srtt, 1)).toBeGreaterThan(rto / 1000);
    // The send, lost; the probe at rto (no backoff), lost; the RTO one rto after the probe
    // (backoff 1), lost; the next, two rto later, gets through — the only one on the wire.
    expect(seen).toEqual([[0, 0, 0], [1, 0, 0], [1, 0, 0], [1, 1, 1]]);
    const data = clientData(net.trace());
    expect(data).toHaveLength(1);
    expect(data[0]!.t - 5 - t0).toBeGreaterThanOrEqual(4 * (rto / 1000));
    expect(data[0]!.t - 5 - t0).toBeLessThan(4 * (rto / 1000) + 24);
    expect(tcpext(a)).toMatchObject({ TCPLossProbes: 1, TCPTimeouts: 2 });
    await expectNoLeaks(net);
  });

  it('ss shows the armed loss-probe timer as "on", due at the PTO rather than the RTO', async () => {
    const { net, a, b, link } = await pairWithLink();
    const srv = b.spawn(server());
    let timer: string | null = null;
    let srtt = 0;
    const client = a.spawn(async (sys) => {
      const fd = await connectTo(sys);
      await sys.nanosleep(20);
      srtt = (await info(sys, fd)).tcpi_rtt;
      cut(link, 'ba', true); // no ACK comes back: the timer stays as armed
      expect(await sys.send(fd, new Uint8Array(3000))).toBe(3000);
      timer = a.ss().find((s) => s.state === 'ESTAB' && s.local.endsWith(`:${PORT}`) === false)!.timer;
      cut(link, 'ba', false);
      await sys.nanosleep(500);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await srv.exited).toEqual({ code: 3000 });
    expect(timer).toBe(`(on,${String(pto(srtt, 3)).padStart(3, '0')}ms,0)`);
    await expectNoLeaks(net);
  });
});

describe('the probe (tcp_send_loss_probe)', () => {
  it('cwnd-limited with the ACKs lost: the probe is the next new segment, sent past cwnd; its ACK ends the episode with no reduction', async () => {
    const { net, a, b, link } = await pairWithLink();
    const srv = b.spawn(server());
    let srtt = 0;
    let after: Info | null = null;
    const client = a.spawn(async (sys) => {
      const fd = await connectTo(sys);
      await sys.nanosleep(20);
      srtt = (await info(sys, fd)).tcpi_rtt;
      cut(link, 'ba', true); // the first flight's ACKs are lost
      expect(await sys.send(fd, new Uint8Array(20 * 1000))).toBe(20_000);
      await sys.nanosleep(15);
      cut(link, 'ba', false);
      await sys.nanosleep(300);
      after = await info(sys, fd);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await srv.exited).toEqual({ code: 20_000 });
    const data = clientData(net.trace());
    // IW10, then the 11th segment alone at the PTO: new data, not a retransmission.
    const t0 = data[0]!.t;
    expect(data.slice(0, 11).map((d) => d.seq)).toEqual(Array.from({ length: 11 }, (_, k) => k * MSS));
    expect(data[9]!.t).toBe(t0);
    expect(data[10]!.t - t0).toBe(pto(srtt, 10));
    expect(new Set(data.map((d) => d.seq)).size).toBe(data.length); // nothing sent twice
    expect(tcpext(a)).toMatchObject({ TCPLossProbes: 1, TCPLossProbeRecovery: 0, TCPTimeouts: 0 });
    expect(a.counters().Tcp.RetransSegs).toBe(0);
    expect(after).toMatchObject({ tcpi_ca_state: 0, tcpi_snd_ssthresh: 0x7fffffff, tcpi_total_retrans: 0 });
    await expectNoLeaks(net);
  });

  it('a spurious probe (the ACKs were only late): its D-SACK ends the episode — no reduction, no RTO, and the FIN\'s ACK changes nothing', async () => {
    const { net, a, b, link } = await pairWithLink();
    const srv = b.spawn(server());
    let before: Info | null = null;
    let end: Info | null = null;
    const client = a.spawn(async (sys) => {
      const fd = await connectTo(sys);
      await sys.nanosleep(20);
      before = await info(sys, fd);
      // The ACKs of these two segments are held 100 ms on the way back, past the PTO.
      applyNetem(link.b, { delayMs: 100 });
      expect(await sys.send(fd, new Uint8Array(2000))).toBe(2000);
      await sys.nanosleep(8);
      applyNetem(link.b, LINK);
      await sys.nanosleep(300);
      expect(await sys.shutdown(fd, C.SHUT_WR)).toBe(0);
      await sys.nanosleep(50);
      end = await info(sys, fd);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await srv.exited).toEqual({ code: 2000 });
    const data = clientData(net.trace());
    expect(data.map((d) => [d.seq, d.len])).toEqual([[0, MSS], [MSS, 552], [MSS, 552]]);
    // The receiver reports the probe as a duplicate (RFC 2883 §4.1).
    expect(tcpext(b).TCPDSACKOldSent).toBe(1);
    expect(tcpext(a)).toMatchObject({ TCPLossProbes: 1, TCPLossProbeRecovery: 0, TCPDSACKRecv: 1, TCPTimeouts: 0, TCPDSACKUndo: 0, TCPLossUndo: 0 });
    expect(end).toMatchObject({ tcpi_ca_state: 0, tcpi_snd_cwnd: before!.tcpi_snd_cwnd, tcpi_snd_ssthresh: 0x7fffffff });
    await expectNoLeaks(net);
  });
});

describe('the episode (tcp_process_tlp_ack)', () => {
  it('at most one probe is out: while the ACK has only reached tlp_high_seq, the next tail loss gets no probe, and the RTO ends the episode', async () => {
    const { net, a, b, link } = await pairWithLink();
    const srv = b.spawn(server({ delack: true }));
    const seen: Record<string, number>[] = [];
    const snap = () => seen.push({ probes: tcpext(a).TCPLossProbes, recovered: tcpext(a).TCPLossProbeRecovery, timeouts: tcpext(a).TCPTimeouts });
    const client = a.spawn(async (sys) => {
      const fd = await connectTo(sys);
      await sys.nanosleep(20);
      expect(await sys.send(fd, new Uint8Array(MSS))).toBe(MSS);
      cut(link, 'ab', true);
      expect(await sys.send(fd, new Uint8Array(500))).toBe(500);
      cut(link, 'ab', false);
      await sys.nanosleep(150);
      snap(); // repaired by the probe; the ACK stopped at tlp_high_seq, so the episode is open
      cut(link, 'ab', true);
      expect(await sys.send(fd, new Uint8Array(500))).toBe(500);
      cut(link, 'ab', false);
      await sys.nanosleep(600);
      snap(); // the PTO found the episode open: the RTO resent it instead
      expect(await sys.shutdown(fd, C.SHUT_WR)).toBe(0);
      await sys.nanosleep(50);
      snap(); // the RTO ended the episode: the FIN's ACK counts no recovery
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await srv.exited).toEqual({ code: MSS + 1000 });
    expect(seen).toEqual([
      { probes: 1, recovered: 0, timeouts: 0 },
      { probes: 1, recovered: 0, timeouts: 1 },
      { probes: 1, recovered: 0, timeouts: 1 },
    ]);
    await expectNoLeaks(net);
  });
});

describe('net.ipv4.tcp_early_retrans', () => {
  it('defaults to 3 (TLP on), takes 0..4 and refuses anything else', async () => {
    const { net, a } = await pair(LINK);
    expect(a.sysctl('net.ipv4.tcp_early_retrans')).toBe(3);
    for (const v of [0, 1, 2, 4, 3]) {
      a.sysctl('net.ipv4.tcp_early_retrans', v);
      expect(a.sysctl('net.ipv4.tcp_early_retrans')).toBe(v);
    }
    expect(() => a.sysctl('net.ipv4.tcp_early_retrans', 5)).toThrow();
    expect(() => a.sysctl('net.ipv4.tcp_early_retrans', -1)).toThrow();
    expect(a.sysctl('net.ipv4.tcp_early_retrans')).toBe(3);
    await expectNoLeaks(net);
  });

  it('without SACK there is no probe: the tail loss waits for the RTO', async () => {
    const { net, a, b, link } = await pairWithLink();
    for (const h of [a, b]) h.sysctl('net.ipv4.tcp_sack', 0);
    const srv = b.spawn(server({ delack: true }));
    const client = a.spawn(async (sys) => {
      const fd = await connectTo(sys);
      await sys.nanosleep(20);
      expect(await sys.send(fd, new Uint8Array(MSS))).toBe(MSS);
      cut(link, 'ab', true);
      expect(await sys.send(fd, new Uint8Array(500))).toBe(500);
      cut(link, 'ab', false);
      await sys.nanosleep(600);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await client.exited).toEqual({ code: 0 });
    expect(await srv.exited).toEqual({ code: MSS + 500 });
    expect(tcpext(a)).toMatchObject({ TCPLossProbes: 0, TCPTimeouts: 1 });
    await expectNoLeaks(net);
  });
});
