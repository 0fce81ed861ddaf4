// SACK (RFC 2018) and D-SACK (RFC 2883) on both sides, on the virtual clock, read off the
// wire (the tcpdump-style trace of the pcap): the receiver's blocks for out-of-order data,
// most recent first (tcp_sack_new_ofo_skb), 3 beside timestamps or 4 without; the D-SACK
// for a duplicate; the sender's scoreboard recovering several losses in one window
// without a timeout (RFC 6675 with PRR); a peer without SACK falls back to NewReno.
// Linux: net/ipv4/tcp_input.c (tcp_sacktag_write_queue, tcp_sack_new_ofo_skb, tcp_dsack_set),
// tcp_output.c (tcp_established_options).
import { describe, expect, it } from 'vitest';
import { constants as C, type Host, type Link } from '../../build/host/index.js';
import { applyNetem } from '../../build/host/link.js';
import type { Sys } from '../../build/host/syscall/async.js';
import { expectNoLeaks, pair } from '../helpers/machine.js';
import { serverReadAll as serverReadAllOn, pairWithLink as pairWithLinkOf } from '../helpers/tcp.js';

const PORT = 5001;
const LINK = { delayMs: 5 };
const tcpext = (h: Host) => h.counters().TcpExt;

const pairWithLink = () => pairWithLinkOf(LINK);

const serverReadAll = (sys: Sys) => serverReadAllOn(sys, PORT);

/** Sends `n` 1000-byte segments (TCP_NODELAY), those at the indices in `lose` into a cut link. */
function sender(link: Link, n: number, lose: number[], opts: { dup?: number[] } = {}) {
  return async (sys: Sys) => {
    const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    expect(await sys.connect(fd, { addr: '10.0.0.2', port: PORT })).toBe(0);
    expect(await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_NODELAY, 1)).toBe(0);
    for (let k = 0; k < n; k++) {
      const cut = lose.includes(k);
      const dup = opts.dup?.includes(k) ?? false;
      if (cut || dup) applyNetem(link.a, { ...LINK, lossRate: cut ? 1 : 0, duplicateRate: dup ? 1 : 0 });
      expect(await sys.send(fd, new Uint8Array(1000))).toBe(1000);
      if (cut || dup) applyNetem(link.a, { ...LINK });
    }
    await sys.nanosleep(500);
    await sys.close(fd);
  };
}

/** The server's ACKs as { ack, blocks } with sequence numbers relative to the client's ISN + 1. */
function serverAcks(lines: string[]): { t: number; ack: number; blocks: [number, number][] }[] {
  const syn = lines.find((l) => /IP 10\.0\.0\.1\.\d+ > .*Flags \[S\], seq (\d+)/.test(l))!;
  const isn = Number(/seq (\d+)/.exec(syn)![1]) + 1;
  const rel = (v: string) => (Number(v) - isn) >>> 0;
  return lines.flatMap((l) => {
    const m = /^([\d.]+) IP 10\.0\.0\.2\.\d+ > 10\.0\.0\.1\.\d+: Flags \[\.\], ack (\d+).*length 0$/.exec(l);
    if (!m) return [];
    const s = /sack \d+ ((?:\{\d+:\d+\})+)/.exec(l);
    const blocks = s ? [...s[1].matchAll(/\{(\d+):(\d+)\}/g)].map((b) => [rel(b[1]), rel(b[2])] as [number, number]) : [];
    return [{ t: Number(m[1]), ack: rel(m[2]), blocks }];
  });
}

/** Client data segments as [time, relative seq]. */
function clientData(lines: string[]): [number, number][] {
  const syn = lines.find((l) => /IP 10\.0\.0\.1\.\d+ > .*Flags \[S\], seq (\d+)/.test(l))!;
  const isn = Number(/seq (\d+)/.exec(syn)![1]) + 1;
  return lines.flatMap((l) => {
    const m = /^([\d.]+) IP 10\.0\.0\.1\.\d+ > .*seq (\d+):\d+.*length (\d+)/.exec(l);
    return m && Number(m[3]) > 0 ? [[Number(m[1]), (Number(m[2]) - isn) >>> 0] as [number, number]] : [];
  });
}

describe('the receiver: SACK blocks (RFC 2018 §4)', () => {
  it('out-of-order data is SACKed at once, the newest block first, at most 3 blocks beside a timestamp', async () => {
    const { net, a, b, link } = await pairWithLink();
    const server = b.spawn(serverReadAll);
    const client = a.spawn(sender(link, 9, [0, 2, 4, 6]));
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 9000 });
    await client.exited;
    const acks = serverAcks(net.trace()).filter((x) => x.blocks.length > 0);
    // Segments 1, 3, 5, 7, 8 arrive over holes at 0, 2, 4, 6.
    expect(acks.slice(0, 5).map((x) => x.blocks)).toEqual([
      [[1000, 2000]],
      [[3000, 4000], [1000, 2000]],
      [[5000, 6000], [3000, 4000], [1000, 2000]],
      [[7000, 8000], [5000, 6000], [3000, 4000]],
      [[7000, 9000], [5000, 6000], [3000, 4000]],
    ]);
    expect(acks.slice(0, 5).every((x) => x.ack === 0)).toBe(true);
    await expectNoLeaks(net);
  });

  it('without timestamps, 4 blocks fit (40 option bytes: 2 + 4 · 8 + 2 nops)', async () => {
    const { net, a, b, link } = await pairWithLink();
    for (const h of [a, b]) h.sysctl('net.ipv4.tcp_timestamps', 0);
    const server = b.spawn(serverReadAll);
    const client = a.spawn(sender(link, 9, [0, 2, 4, 6]));
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 9000 });
    await client.exited;
    const acks = serverAcks(net.trace()).filter((x) => x.blocks.length > 0);
    expect(acks[3].blocks).toEqual([[7000, 8000], [5000, 6000], [3000, 4000], [1000, 2000]]);
    await expectNoLeaks(net);
  });

  it('a duplicate segment is reported by a D-SACK block below the ACK (RFC 2883 §4.1; TCPDSACKOldSent, TCPDSACKRecv)', async () => {
    const { net, a, b, link } = await pairWithLink();
    const server = b.spawn(serverReadAll);
    const client = a.spawn(sender(link, 3, [], { dup: [1] }));
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 3000 });
    await client.exited;
    const dsack = serverAcks(net.trace()).filter((x) => x.blocks.length > 0);
    expect(dsack).toHaveLength(1);
    expect(dsack[0].blocks).toEqual([[1000, 2000]]);
    expect(dsack[0].ack).toBeGreaterThanOrEqual(2000);
    expect(tcpext(b).TCPDSACKOldSent).toBe(1);
    expect(tcpext(a).TCPDSACKRecv).toBe(1);
    await expectNoLeaks(net);
  });
});

describe('the sender: SACK-based loss recovery (RFC 6675, PRR)', () => {
  it('four losses in one window are each retransmitted once, within two round trips, without a timeout (TCPSackRecovery)', async () => {
    const { net, a, b, link } = await pairWithLink();
    const server = b.spawn(serverReadAll);
    const client = a.spawn(sender(link, 16, [0, 3, 6, 9]));
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 16_000 });
    await client.exited;
    const data = clientData(net.trace());
    const seen = new Set<number>();
    const rtx: [number, number][] = [];
    let high = -1;
    for (const [t, seq] of data) {
      if (seq < high) rtx.push([t, seq]);
      else high = seq;
      seen.add(seq);
    }
    expect(rtx.map((r) => r[1]).sort((x, y) => x - y)).toEqual([0, 3000, 6000, 9000]);
    // The last hole is filled two round trips (2 · 10 ms) after the first data left.
    expect(Math.max(...rtx.map((r) => r[0])) - data[0][0]).toBeLessThanOrEqual(0.021);
    expect(a.counters().Tcp.RetransSegs).toBe(4);
    expect(tcpext(a)).toMatchObject({ TCPSackRecovery: 1, TCPRenoRecovery: 0, TCPFastRetrans: 4, TCPTimeouts: 0 });
    await expectNoLeaks(net);
  });

  it('a peer without SACK-permitted: no SACK blocks on the wire, recovery is NewReno (TCPRenoRecovery)', async () => {
    const { net, a, b, link } = await pairWithLink();
    b.sysctl('net.ipv4.tcp_sack', 0);
    const server = b.spawn(serverReadAll);
    const client = a.spawn(sender(link, 8, [0]));
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 8000 });
    await client.exited;
    const lines = net.trace();
    expect(lines.some((l) => l.includes('sackOK') && l.includes('10.0.0.2.5001 >'))).toBe(false);
    expect(lines.some((l) => / sack \d/.test(l))).toBe(false);
    expect(tcpext(a)).toMatchObject({ TCPRenoRecovery: 1, TCPSackRecovery: 0, TCPFastRetrans: 1, TCPTimeouts: 0 });
    await expectNoLeaks(net);
  });
});
