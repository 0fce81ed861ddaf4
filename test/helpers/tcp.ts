// Small helpers for TCP integration tests: tcpdump lines parsed into segments, a host's own
// capture as lines, crafted TCP frames (for RFC 5961 injections), and a byte pattern.
import { constants as C, errnoName, formatFrame, readPcap, type Host, type Link, type Network, type TcpInfo } from '../../build/host/index.js';
import type { Sys } from '../../build/host/syscall/async.js';
import { pair } from './machine.js';
import { inetChecksum, pseudoHeaderSum } from './frames.js';

/** One TCP line of net.trace() (tcpdump -n -S style), parsed. */
export interface Seg {
  t: number; // seconds
  src: string; // 'ip.port' as tcpdump prints it
  dst: string;
  sport: number;
  dport: number;
  flags: string; // 'S', 'S.', '.', 'P.', 'F.', 'FP.', 'R', 'R.'
  seq: number | null; // start of the sequence range (absent on pure ACKs)
  end: number | null; // end of the data range (seq when no data)
  ack: number | null;
  win: number;
  options: string | null;
  len: number;
  line: string;
}

const TCP_RE =
  /^(\d+\.\d+) IP (\d+\.\d+\.\d+\.\d+)\.(\d+) > (\d+\.\d+\.\d+\.\d+)\.(\d+): Flags \[([^\]]+)\](?:, seq (\d+)(?::(\d+))?)?(?:, ack (\d+))?, win (\d+)(?:, options \[([^\]]*)\])?, length (\d+)/;

export function parseSeg(line: string): Seg | null {
  const m = TCP_RE.exec(line);
  if (!m) return null;
  const seq = m[7] !== undefined ? Number(m[7]) : null;
  return {
    t: Number(m[1]),
    src: `${m[2]}.${m[3]}`,
    dst: `${m[4]}.${m[5]}`,
    sport: Number(m[3]),
    dport: Number(m[5]),
    flags: m[6]!,
    seq,
    end: m[8] !== undefined ? Number(m[8]) : seq,
    ack: m[9] !== undefined ? Number(m[9]) : null,
    win: Number(m[10]),
    options: m[11] ?? null,
    len: Number(m[12]),
    line,
  };
}

/** Every TCP segment of a trace, in order. */
export function segs(lines: string[]): Seg[] {
  return lines.map(parseSeg).filter((s): s is Seg => s !== null);
}

/** A compact picture of a trace: "10.0.0.1>10.0.0.2 S", "… P. 100", one per segment. */
export function flow(ss: Seg[]): string[] {
  return ss.map((s) => `${s.src.replace(/\.\d+$/, '')}>${s.dst.replace(/\.\d+$/, '')} ${s.flags}${s.len ? ` ${s.len}` : ''}`);
}

/** A host's own capture (every interface, lo included) as tcpdump lines. */
export function hostTrace(h: Host): string[] {
  return readPcap(h.pcap()).records.map((r) => formatFrame(r.timeMs, r.frame));
}

/** Raw frames of the whole network, with their time in ms. */
export function frames(pcap: Uint8Array): { timeMs: number; frame: Uint8Array }[] {
  return readPcap(pcap).records.map((r) => ({ timeMs: r.timeMs, frame: r.frame }));
}

export const TH_FIN = 0x01;
export const TH_SYN = 0x02;
export const TH_RST = 0x04;
export const TH_PSH = 0x08;
export const TH_ACK = 0x10;

const ip4 = (s: string): number[] => s.split('.').map(Number);

/**
 * An Ethernet/IPv4/TCP frame with correct IP and TCP checksums. MACs are taken from a
 * template frame travelling the same way (copy of its first 12 bytes).
 */
export function tcpFrame(o: {
  template: Uint8Array;
  src: string; dst: string; sport: number; dport: number;
  seq: number; ack: number; flags: number; win?: number;
  payload?: Uint8Array; ipId?: number;
}): Uint8Array {
  const payload = o.payload ?? new Uint8Array(0);
  const tcpLen = 20 + payload.length;
  const f = new Uint8Array(14 + 20 + tcpLen);
  f.set(o.template.subarray(0, 12), 0);
  f[12] = 0x08; f[13] = 0x00;
  const ip = 14;
  f[ip] = 0x45;
  const tot = 20 + tcpLen;
  f[ip + 2] = tot >> 8; f[ip + 3] = tot & 255;
  const id = o.ipId ?? 0x4242;
  f[ip + 4] = id >> 8; f[ip + 5] = id & 255;
  f[ip + 6] = 0x40; // DF
  f[ip + 8] = 64; f[ip + 9] = 6;
  f.set(ip4(o.src), ip + 12);
  f.set(ip4(o.dst), ip + 16);
  const ipc = inetChecksum(f.subarray(ip, ip + 20));
  f[ip + 10] = ipc >> 8; f[ip + 11] = ipc & 255;
  const t = ip + 20;
  const dv = new DataView(f.buffer);
  dv.setUint16(t, o.sport); dv.setUint16(t + 2, o.dport);
  dv.setUint32(t + 4, o.seq >>> 0); dv.setUint32(t + 8, o.ack >>> 0);
  f[t + 12] = 5 << 4; f[t + 13] = o.flags;
  dv.setUint16(t + 14, o.win ?? 502);
  f.set(payload, t + 20);
  const c = inetChecksum(f.subarray(t), pseudoHeaderSum(f, ip, 6, tcpLen));
  dv.setUint16(t + 16, c);
  return f;
}

/** The frame of the first captured TCP segment matching pred (for MACs, or to replay). */
export function findFrame(pcap: Uint8Array, pred: (s: Seg) => boolean): Uint8Array {
  for (const r of readPcap(pcap).records) {
    const s = parseSeg(formatFrame(r.timeMs, r.frame));
    if (s && pred(s)) return r.frame.slice();
  }
  throw new Error('findFrame: no such segment');
}

/** n bytes of a deterministic pattern (a cheap LCG) that catches reordering and loss. */
export function pattern(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/**
 * A server on `port` that accepts one connection and reads it to EOF; returns the bytes.
 * `onAccept` may set options on the accepted socket first.
 */
export async function serverReadAll(sys: Sys, port: number, onAccept?: (c: number) => Promise<void>): Promise<number> {
  const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  await sys.bind(l, { addr: '0.0.0.0', port });
  await sys.listen(l, 4);
  const c = await sys.accept(l);
  if (onAccept) await onAccept(c);
  const buf = new Uint8Array(65536);
  let total = 0;
  for (;;) {
    const n = await sys.recv(c, buf);
    if (n <= 0) break;
    total += n;
  }
  await sys.close(c);
  await sys.close(l);
  return total;
}

/** pair(), plus the Link object (whose ends' impairments a test changes with applyNetem). */
export async function pairWithLink(opts: Parameters<Network['link']>[2]): Promise<{ net: Network; a: Host; b: Host; link: Link }> {
  const { net, a, b } = await pair(opts);
  const link = (net as unknown as { links: Link[] }).links[0]!;
  return { net, a, b, link };
}

/** getsockopt(TCP_INFO), decoded; an error is thrown by name. */
export async function tcpInfo(sys: Sys, fd: number): Promise<TcpInfo> {
  const i = await sys.getsockopt(fd, C.IPPROTO_TCP, C.TCP_INFO);
  if (typeof i === 'number') throw new Error(errnoName(i));
  return i as TcpInfo;
}
