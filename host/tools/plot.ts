// SVG plots of a TCP flow, the two pictures the seeds use to explain congestion control:
//   - timeSequenceSvg: a time-sequence graph in the style of tcptrace/xplot (and
//     Wireshark's "TCP Stream Graphs → tcptrace"): sequence number against time, each
//     data segment a vertical bar from seq to seq+len, retransmissions in red, the
//     receiver's cumulative ACK as a step line, the advertised window's right edge above
//     it, SACK blocks as bars at the time of the ACK that carried them;
//   - cwndSvg: cwnd and ssthresh (in segments, as tcpi_snd_cwnd counts them) against time,
//     over bands coloured by the congestion-avoidance state (tcpi_ca_state: Open,
//     Disorder, CWR, Recovery, Loss), from samples of TCP_INFO (`sampleTcpInfo`).
// Input is a pcap's records (readPcap) or frames from net.onFrame; nothing is read from
// the kernel except by sampleTcpInfo. Untrusted frames are skipped, never thrown on.
import type { TcpInfo } from '../syscall/tcp-info.js';

/** What sampleTcpInfo needs of a host: its `ss` (host.ts sits above tools/). */
export interface SsSource { ss(): { local: string; peer: string; state: string; info: TcpInfo | null }[] }

export interface Frame { timeMs: number; frame: Uint8Array }

interface Seg {
  t: number;
  src: string;
  dst: string;
  seq: number;
  ack: number;
  flags: number;
  win: number;
  len: number;
  /** The IP identification: a forwarded copy keeps it, a retransmission gets a new one. */
  ipid: number;
  wscale: number | null;
  sack: [number, number][];
}

const FIN = 0x01;
const SYN = 0x02;
const ACK = 0x10;

/** Parses an Ethernet/IPv4/TCP frame into the fields the plots need, or null. */
function parseTcp(t: number, f: Uint8Array): Seg | null {
  if (f.length < 14 + 20 || ((f[12] << 8) | f[13]) !== 0x0800) return null;
  const ip = 14;
  if (f[ip] >> 4 !== 4) return null;
  const ihl = (f[ip] & 15) * 4;
  if (ihl < 20 || f[ip + 9] !== 6) return null;
  if ((((f[ip + 6] << 8) | f[ip + 7]) & 0x1fff) !== 0) return null; // a later fragment
  const totLen = (f[ip + 2] << 8) | f[ip + 3];
  const th = ip + ihl;
  if (f.length < th + 20) return null;
  const u16 = (o: number) => (f[o] << 8) | f[o + 1];
  const u32 = (o: number) => ((f[o] << 24) | (f[o + 1] << 16) | (f[o + 2] << 8) | f[o + 3]) >>> 0;
  const doff = (f[th + 12] >> 4) * 4;
  if (doff < 20 || f.length < th + doff) return null;
  const addr = (o: number) => `${f[o]}.${f[o + 1]}.${f[o + 2]}.${f[o + 3]}`;
  const seg: Seg = {
    t,
    src: `${addr(ip + 12)}:${u16(th)}`,
    dst: `${addr(ip + 16)}:${u16(th + 2)}`,
    seq: u32(th + 4),
    ack: u32(th + 8),
    flags: f[th + 13],
    win: u16(th + 14),
    len: Math.max(0, totLen - ihl - doff),
    ipid: u16(ip + 4),
    wscale: null,
    sack: [],
  };
  // Options (RFC 9293 §3.1): kind 3 window scale (SYN only), kind 5 SACK (RFC 2018).
  for (let o = th + 20; o < th + doff;) {
    const kind = f[o];
    if (kind === 0) break;
    if (kind === 1) { o++; continue; }
    const len = f[o + 1];
    if (len < 2 || o + len > th + doff) break;
    if (kind === 3 && len === 3) seg.wscale = Math.min(f[o + 2], 14);
    if (kind === 5) for (let b = o + 2; b + 8 <= o + len; b += 8) seg.sack.push([u32(b), u32(b + 4)]);
    o += len;
  }
  return seg;
}

/** seq − base in the 32-bit sequence space (RFC 9293 §3.4 arithmetic), as a plain number. */
const rel = (seq: number, base: number) => (seq - base) >>> 0;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: number) => (Math.round(v * 100) / 100).toString();

/** "Nice" tick step for a range: 1, 2 or 5 × 10^k, about `n` ticks. */
function tickStep(range: number, n: number): number {
  if (!(range > 0)) return 1;
  const raw = range / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

interface Axes { x0: number; x1: number; y0: number; y1: number }
const W = 960;
const H = 540;
const M = { l: 80, r: 20, t: 40, b: 50 };

function frame(title: string, ax: Axes, xLabel: string, yLabel: string, yFmt: (v: number) => string): { svg: string[]; X: (v: number) => number; Y: (v: number) => number } {
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const xs = ax.x1 > ax.x0 ? ax.x1 - ax.x0 : 1;
  const ys = ax.y1 > ax.y0 ? ax.y1 - ax.y0 : 1;
  const X = (v: number) => M.l + ((v - ax.x0) / xs) * pw;
  const Y = (v: number) => M.t + ph - ((v - ax.y0) / ys) * ph;
  const svg: string[] = [];
  svg.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  svg.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`);
  svg.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`);
  const xt = tickStep(xs, 10);
  for (let v = Math.ceil(ax.x0 / xt) * xt; v <= ax.x1 + 1e-9; v += xt) {
    svg.push(`<line x1="${num(X(v))}" y1="${M.t}" x2="${num(X(v))}" y2="${M.t + ph}" stroke="#eee"/>`);
    svg.push(`<text x="${num(X(v))}" y="${M.t + ph + 16}" text-anchor="middle">${num(v)}</text>`);
  }
  const yt = tickStep(ys, 8);
  for (let v = Math.ceil(ax.y0 / yt) * yt; v <= ax.y1 + 1e-9; v += yt) {
    svg.push(`<line x1="${M.l}" y1="${num(Y(v))}" x2="${M.l + pw}" y2="${num(Y(v))}" stroke="#eee"/>`);
    svg.push(`<text x="${M.l - 6}" y="${num(Y(v) + 4)}" text-anchor="end">${esc(yFmt(v))}</text>`);
  }
  svg.push(`<rect x="${M.l}" y="${M.t}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
  svg.push(`<text x="${M.l + pw / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)}</text>`);
  svg.push(`<text x="16" y="${M.t + ph / 2}" text-anchor="middle" transform="rotate(-90 16 ${M.t + ph / 2})">${esc(yLabel)}</text>`);
  return { svg, X, Y };
}

export interface TimeSequenceOptions {
  /** The data sender, 'ip:port'; default: the endpoint that sent the most payload. */
  from?: string;
  /** The peer, 'ip:port'; default: whoever that sender sent the most payload to. */
  to?: string;
  title?: string;
}

/** What a time-sequence graph shows, as numbers (for tests and for text summaries). */
export interface TimeSequence {
  from: string;
  to: string;
  isn: number;
  segments: { t: number; seq: number; len: number; retransmit: boolean }[];
  acks: { t: number; ack: number; win: number; sack: [number, number][] }[];
}

/** Extracts one direction of a TCP flow from captured frames (see TimeSequenceOptions). */
export function timeSequence(frames: Iterable<Frame>, opts: TimeSequenceOptions = {}): TimeSequence | null {
  const segs: Seg[] = [];
  // A capture of several links (net.pcap() through a router) holds a forwarded segment
  // once per link: keep its first sighting. The copies share the IP ID; a retransmission
  // is a new datagram with a new ID (Linux's ip_select_ident per packet).
  const seen = new Set<string>();
  for (const r of frames) {
    const s = parseTcp(r.timeMs, r.frame);
    if (!s) continue;
    const key = `${s.src}>${s.dst} ${s.ipid} ${s.seq} ${s.ack} ${s.len} ${s.flags}`;
    if (seen.has(key)) continue;
    seen.add(key);
    segs.push(s);
  }
  let from = opts.from;
  let to = opts.to;
  if (!from || !to) {
    const bytes = new Map<string, number>();
    for (const s of segs) {
      if (from && s.src !== from) continue;
      const k = `${s.src}>${s.dst}`;
      bytes.set(k, (bytes.get(k) ?? 0) + s.len);
    }
    let best = '';
    let bestN = -1;
    for (const [k, n] of bytes) if (n > bestN) { best = k; bestN = n; }
    if (!best) return null;
    [from, to] = best.split('>');
  }
  const data = segs.filter((s) => s.src === from && s.dst === to);
  const back = segs.filter((s) => s.src === to && s.dst === from);
  if (data.length === 0) return null;
  const syn = data.find((s) => s.flags & SYN);
  const isn = syn ? syn.seq : data[0].seq;
  // Window scale applies only when both SYNs carried the option (RFC 7323 §2.2).
  const peerSyn = back.find((s) => s.flags & SYN);
  const rcvScale = syn?.wscale != null && peerSyn?.wscale != null ? peerSyn.wscale : 0;
  const out: TimeSequence = { from: from!, to: to!, isn, segments: [], acks: [] };
  let high = 0; // highest relative sequence sent so far (snd_nxt as seen on the wire)
  for (const s of data) {
    const len = s.len + (s.flags & SYN ? 1 : 0) + (s.flags & FIN ? 1 : 0);
    if (len === 0) continue;
    const seq = rel(s.seq, isn);
    out.segments.push({ t: s.t, seq, len, retransmit: seq < high });
    if (seq + len > high) high = seq + len;
  }
  for (const s of back) {
    if (!(s.flags & ACK)) continue;
    const shift = s.flags & SYN ? 0 : rcvScale; // a SYN's window is never scaled
    out.acks.push({ t: s.t, ack: rel(s.ack, isn), win: s.win * 2 ** shift, sack: s.sack.map(([l, r]) => [rel(l, isn), rel(r, isn)] as [number, number]) });
  }
  return out;
}

const fmtBytes = (v: number) => (v >= 1e6 ? `${num(v / 1e6)} MB` : v >= 1e3 ? `${num(v / 1e3)} kB` : `${num(v)}`);

/** The time-sequence graph of one direction of a TCP flow, as an SVG document. */
export function timeSequenceSvg(frames: Iterable<Frame>, opts: TimeSequenceOptions = {}): string {
  const ts = timeSequence(frames, opts);
  if (!ts) return emptySvg('no TCP data in the capture');
  const times = [...ts.segments.map((s) => s.t), ...ts.acks.map((a) => a.t)];
  const x0 = Math.min(...times);
  const x1 = Math.max(...times);
  let yMax = 0;
  for (const s of ts.segments) yMax = Math.max(yMax, s.seq + s.len);
  const yTop = yMax * 1.05 + 1;
  const title = opts.title ?? `time-sequence graph ${ts.from} → ${ts.to}`;
  const { svg, X, Y } = frame(title, { x0, x1: x1 > x0 ? x1 : x0 + 1, y0: 0, y1: yTop }, 'time (ms, network clock)', 'relative sequence number (bytes)', fmtBytes);
  const clampY = (v: number) => Y(Math.min(v, yTop));
  // Advertised window's right edge and the cumulative ACK: step lines.
  const step = (pts: [number, number][], color: string, name: string) => {
    if (pts.length === 0) return;
    let d = `M${num(X(pts[0][0]))},${num(clampY(pts[0][1]))}`;
    for (let i = 1; i < pts.length; i++) d += `H${num(X(pts[i][0]))}V${num(clampY(pts[i][1]))}`;
    svg.push(`<path class="${name}" d="${d}" fill="none" stroke="${color}" stroke-width="1"/>`);
  };
  step(ts.acks.map((a) => [a.t, a.ack + a.win]), '#d4a017', 'window');
  step(ts.acks.map((a) => [a.t, a.ack]), '#2a9d2a', 'ack');
  for (const a of ts.acks) {
    for (const [l, r] of a.sack) {
      svg.push(`<line class="sack" x1="${num(X(a.t) + 2)}" y1="${num(clampY(l))}" x2="${num(X(a.t) + 2)}" y2="${num(clampY(r))}" stroke="#8e44ad" stroke-width="2"/>`);
    }
  }
  for (const s of ts.segments) {
    const x = num(X(s.t));
    const color = s.retransmit ? '#d62728' : '#1f3b73';
    svg.push(`<line class="${s.retransmit ? 'retransmit' : 'segment'}" x1="${x}" y1="${num(Y(s.seq))}" x2="${x}" y2="${num(Y(s.seq + s.len))}" stroke="${color}" stroke-width="${s.retransmit ? 2 : 1}"/>`);
  }
  const nRtx = ts.segments.filter((s) => s.retransmit).length;
  legend(svg, [
    ['#1f3b73', `data segments (${ts.segments.length - nRtx})`],
    ['#d62728', `retransmissions (${nRtx})`],
    ['#2a9d2a', 'cumulative ACK'],
    ['#d4a017', 'ACK + advertised window'],
    ['#8e44ad', 'SACK blocks'],
  ]);
  svg.push('</svg>');
  return svg.join('\n') + '\n';
}

function legend(svg: string[], items: [string, string][]): void {
  let y = M.t + 14;
  for (const [color, text] of items) {
    svg.push(`<line x1="${M.l + 12}" y1="${y - 4}" x2="${M.l + 32}" y2="${y - 4}" stroke="${color}" stroke-width="3"/>`);
    svg.push(`<text x="${M.l + 38}" y="${y}">${esc(text)}</text>`);
    y += 16;
  }
}

function emptySvg(msg: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="80"><text x="10" y="40" font-family="sans-serif">${esc(msg)}</text></svg>\n`;
}

// ───── cwnd / ssthresh / CA state over time ─────

/** One TCP_INFO sample (sampleTcpInfo). */
export interface CwndSample { t: number; cwnd: number; ssthresh: number; caState: number; lost?: number; retrans?: number }

/** Linux's tcp_ca_state (include/uapi/linux/tcp.h). */
export const CA_STATE_NAMES = ['Open', 'Disorder', 'CWR', 'Recovery', 'Loss'];
const CA_COLORS = ['#ffffff', '#fff6c2', '#dcecff', '#ffe0b3', '#ffd0d0'];
/** TCP_INFINITE_SSTHRESH: "no ssthresh yet" (include/net/tcp.h). */
const INFINITE_SSTHRESH = 0x7fffffff;

/**
 * One sample of the socket `pick` chooses among host.ss()'s TCP entries (default: the
 * established socket with the largest send queue or cwnd), or null when none matches.
 */
export function sampleTcpInfo(host: SsSource, t: number, pick?: (e: { local: string; peer: string; state: string; info: TcpInfo | null }) => boolean): CwndSample | null {
  const entries = host.ss().filter((e) => e.info && (pick ? pick(e) : e.state === 'ESTAB'));
  if (entries.length === 0) return null;
  const e = entries.reduce((a, b) => ((b.info!.tcpi_snd_cwnd ?? 0) > (a.info!.tcpi_snd_cwnd ?? 0) ? b : a));
  const i = e.info!;
  return { t, cwnd: i.tcpi_snd_cwnd, ssthresh: i.tcpi_snd_ssthresh, caState: i.tcpi_ca_state, lost: i.tcpi_lost, retrans: i.tcpi_total_retrans };
}

/** cwnd and ssthresh over time on CA-state bands, as an SVG document. */
export function cwndSvg(samples: CwndSample[], opts: { title?: string } = {}): string {
  if (samples.length === 0) return emptySvg('no samples');
  const x0 = samples[0].t;
  const x1 = samples[samples.length - 1].t;
  const finite = (v: number) => v > 0 && v < INFINITE_SSTHRESH;
  let yMax = 0;
  for (const s of samples) {
    yMax = Math.max(yMax, s.cwnd);
    if (finite(s.ssthresh)) yMax = Math.max(yMax, s.ssthresh);
  }
  const { svg, X, Y } = frame(opts.title ?? 'congestion window', { x0, x1: x1 > x0 ? x1 : x0 + 1, y0: 0, y1: yMax * 1.1 + 1 }, 'time (ms, network clock)', 'segments', (v) => num(v));
  // State bands first, under the lines.
  const seen = new Set<number>();
  let start = 0;
  for (let i = 1; i <= samples.length; i++) {
    if (i < samples.length && samples[i].caState === samples[start].caState) continue;
    const st = samples[start].caState;
    seen.add(st);
    if (st !== 0) {
      const xa = X(samples[start].t);
      const xb = X(i < samples.length ? samples[i].t : samples[samples.length - 1].t);
      svg.push(`<rect class="ca-${CA_STATE_NAMES[st] ?? st}" x="${num(xa)}" y="${M.t}" width="${num(Math.max(1, xb - xa))}" height="${H - M.t - M.b}" fill="${CA_COLORS[st] ?? '#eee'}"/>`);
    }
    start = i;
  }
  const line = (vals: (number | null)[], color: string, name: string) => {
    let d = '';
    let pen = false;
    vals.forEach((v, i) => {
      if (v === null) { pen = false; return; }
      d += `${pen ? 'H' : 'M'}${num(X(samples[i].t))}${pen ? '' : `,${num(Y(v))}`}`;
      if (pen) d += `V${num(Y(v))}`;
      pen = true;
    });
    if (d) svg.push(`<path class="${name}" d="${d}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
  };
  line(samples.map((s) => (finite(s.ssthresh) ? s.ssthresh : null)), '#d62728', 'ssthresh');
  line(samples.map((s) => s.cwnd), '#1f3b73', 'cwnd');
  legend(svg, [
    ['#1f3b73', 'cwnd (tcpi_snd_cwnd)'],
    ['#d62728', 'ssthresh (tcpi_snd_ssthresh)'],
    ...[...seen].filter((s) => s !== 0).sort().map((s) => [CA_COLORS[s] ?? '#eee', `state ${CA_STATE_NAMES[s] ?? s}`] as [string, string]),
  ]);
  svg.push('</svg>');
  return svg.join('\n') + '\n';
}
