// Congestion control on a bottleneck: one CUBIC flow into a 20 Mbit/s link with a
// 40 ms RTT and a 100-packet netem queue (propagation included) and 0.2% random loss. Narrates the CA state changes
// (tcpi_ca_state: slow start ends by HyStart or by a drop, SACK recovery with PRR, back to
// Open) and writes two SVGs next to the pcap: cwnd/ssthresh/CA state over time, and a
// tcptrace-like time-sequence graph (data segments, ACKs, SACK blocks, retransmissions).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants as C } from '../../build/host/index.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'out');
const STATES = ['Open', 'Disorder', 'CWR', 'Recovery', 'Loss'];
const STATE_FILL = ['#ffffff', '#fff4c2', '#e0e0ff', '#ffd9b3', '#ffb3b3'];

/** A small SVG line plot: series of [x, y] with colours, optional background bands. */
function svgPlot({ title, xLabel, yLabel, xMax, yMax, series, bands = [], dots = [], segments = [] }) {
  const W = 960, H = 480, L = 70, R = 20, T = 40, B = 50;
  const sx = (x) => L + (x / xMax) * (W - L - R);
  const sy = (y) => H - B - (Math.min(y, yMax) / yMax) * (H - T - B);
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`];
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  for (const b of bands) out.push(`<rect x="${sx(b.x0).toFixed(1)}" y="${T}" width="${Math.max(0.5, sx(b.x1) - sx(b.x0)).toFixed(1)}" height="${H - T - B}" fill="${b.fill}"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${title}</text>`);
  out.push(`<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`);
  for (let i = 0; i <= 5; i++) {
    const x = (xMax * i) / 5, y = (yMax * i) / 5;
    out.push(`<text x="${sx(x)}" y="${H - B + 18}" text-anchor="middle">${x.toFixed(2)}</text>`);
    out.push(`<text x="${L - 6}" y="${sy(y) + 4}" text-anchor="end">${Math.round(y)}</text>`);
  }
  out.push(`<text x="${W / 2}" y="${H - 10}" text-anchor="middle">${xLabel}</text>`);
  out.push(`<text x="16" y="${H / 2}" transform="rotate(-90 16 ${H / 2})" text-anchor="middle">${yLabel}</text>`);
  for (const s of segments) out.push(`<line x1="${sx(s.x).toFixed(1)}" y1="${sy(s.y0).toFixed(1)}" x2="${sx(s.x).toFixed(1)}" y2="${sy(s.y1).toFixed(1)}" stroke="${s.color}" stroke-width="1"/>`);
  for (const s of series) {
    const d = s.points.map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`);
  }
  for (const d of dots) out.push(`<circle cx="${sx(d.x).toFixed(1)}" cy="${sy(d.y).toFixed(1)}" r="${d.r ?? 1.2}" fill="${d.color}"/>`);
  let ly = T + 14;
  for (const s of [...series, ...(dots.legend ?? [])]) {
    out.push(`<rect x="${W - R - 170}" y="${ly - 9}" width="12" height="4" fill="${s.color}"/><text x="${W - R - 152}" y="${ly - 4}">${s.name}</text>`);
    ly += 16;
  }
  out.push('</svg>');
  return out.join('\n');
}

export default {
  name: 'congestion',
  order: 20,
  quiet: true,
  description: 'CUBIC into a 20 Mbit/s bottleneck: slow start, HyStart, SACK recovery, PRR; SVG plots in out/',
  async run({ net, say }) {
    const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
    net.link(a, b, { ab: { delayMs: 20, rateBps: 20e6, queuePackets: 100, lossRate: 0.002 }, ba: { delayMs: 20 } });
    say('net', 'client 10.0.0.1 ── 20 Mbit/s, 20 ms, 100-packet netem queue, 0.2% random loss ──▶ server 10.0.0.2 (RTT 40 ms, BDP 69 packets)');
    // The time-sequence graph comes from the frames themselves (IPv4/TCP over Ethernet).
    let isn = null, high = 0;
    const data = [], acks = [], sacks = [];
    net.onFrame((t, f) => {
      if (f.length < 54 || f[12] !== 8 || f[13] !== 0 || f[23] !== 6) return;
      const ip = 14, ihl = (f[ip] & 15) * 4, tcp = ip + ihl, doff = (f[tcp + 12] >> 4) * 4;
      const u32 = (o) => ((f[o] << 24) | (f[o + 1] << 16) | (f[o + 2] << 8) | f[o + 3]) >>> 0;
      const fromClient = f[ip + 15] === 1;
      const len = ((f[ip + 2] << 8) | f[ip + 3]) - ihl - doff;
      if (fromClient && (f[tcp + 13] & 2)) isn = u32(tcp + 4) + 1;
      if (isn === null) return;
      const rel = (v) => ((v - isn) >>> 0) / 1448;
      const s = t / 1000;
      if (fromClient && len > 0) {
        const seq = rel(u32(tcp + 4));
        data.push({ x: s, y: seq, retrans: seq < high });
        high = Math.max(high, seq + len / 1448);
      } else if (!fromClient && (f[tcp + 13] & 16)) {
        acks.push([s, rel(u32(tcp + 8))]);
        for (let p = tcp + 20; p < tcp + doff; ) {
          const kind = f[p];
          if (kind === 0) break;
          if (kind === 1) { p++; continue; }
          if (kind === 5) for (let q = p + 2; q + 8 <= p + f[p + 1]; q += 8) sacks.push({ x: s, y0: rel(u32(q)), y1: rel(u32(q + 4)), color: '#2a9d2a' });
          p += f[p + 1] || 1;
        }
      }
    });
    const TOTAL = 12_000_000;
    b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 5001 });
      await sys.listen(l, 1);
      const c = await sys.accept(l);
      const buf = new Uint8Array(65536);
      while ((await sys.recv(c, buf)) > 0);
      await sys.close(c);
      await sys.close(l);
    });
    let t0 = 0, done = false;
    const client = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.connect(fd, { addr: '10.0.0.2', port: 5001 });
      say('client', `connected, TCP_CONGESTION ${await sys.getsockopt(fd, C.IPPROTO_TCP, C.TCP_CONGESTION)}; sending ${TOTAL / 1e6} MB`);
      t0 = await sys.clock_gettime();
      await sys.send(fd, new Uint8Array(TOTAL));
      while ((await sys.ioctl(fd, C.SIOCOUTQ)) > 0) await sys.nanosleep(5);
      const ms = (await sys.clock_gettime()) - t0;
      say('client', `all acked after ${(ms / 1000).toFixed(2)} s: ${((TOTAL * 8) / ms / 1000).toFixed(2)} Mbit/s goodput`);
      await sys.close(fd);
    });
    void client.exited.then(() => { done = true; });
    // Sample TCP_INFO every 2 ms of virtual time, as `ss -ti` in a loop would.
    const cwnd = [], ssthresh = [], bands = [];
    let last = -1;
    while (!done) {
      await net.run({ untilMs: net.now() + 2 });
      const s = a.ss().find((x) => x.info && x.peer === '10.0.0.2:5001' && x.state === 'ESTAB');
      if (!s || !t0) continue;
      const x = (net.now() - t0) / 1000, i = s.info;
      cwnd.push([x, i.tcpi_snd_cwnd]);
      ssthresh.push([x, i.tcpi_snd_ssthresh > 1e6 ? NaN : i.tcpi_snd_ssthresh]);
      if (i.tcpi_ca_state !== last) {
        say('client', `ca_state ${STATES[i.tcpi_ca_state]} (cwnd ${i.tcpi_snd_cwnd}, ssthresh ${i.tcpi_snd_ssthresh > 1e6 ? '∞' : i.tcpi_snd_ssthresh}, lost ${i.tcpi_lost}, sacked ${i.tcpi_sacked}, retrans ${i.tcpi_retrans})`);
        bands.push({ x0: x, x1: x, fill: STATE_FILL[i.tcpi_ca_state] });
        last = i.tcpi_ca_state;
      }
      bands[bands.length - 1].x1 = x;
    }
    await net.run({ untilIdle: true });
    const x = a.counters().TcpExt;
    say('net', `client: RetransSegs ${a.counters().Tcp.RetransSegs}, TCPSackRecovery ${x.TCPSackRecovery}, TCPFastRetrans ${x.TCPFastRetrans}, TCPTimeouts ${x.TCPTimeouts}, TCPHystartTrainDetect ${x.TCPHystartTrainDetect}, TCPHystartDelayDetect ${x.TCPHystartDelayDetect}, TCPDSACKRecv ${x.TCPDSACKRecv}`);
    mkdirSync(OUT, { recursive: true });
    const xMax = Math.max(...cwnd.map((p) => p[0]));
    const ss = ssthresh.filter((p) => !Number.isNaN(p[1]));
    writeFileSync(join(OUT, 'congestion-cwnd.svg'), svgPlot({
      title: 'CUBIC: cwnd and ssthresh (segments); background = CA state (white Open, yellow Disorder, orange Recovery, red Loss)',
      xLabel: 'time (s)', yLabel: 'segments', xMax, yMax: Math.max(...cwnd.map((p) => p[1])) * 1.1,
      series: [{ name: 'snd_cwnd', color: '#1f5fbf', points: cwnd }, { name: 'snd_ssthresh', color: '#c03030', points: ss }],
      bands,
    }));
    const t0s = data.length ? data[0].x : 0;
    const yMax = Math.max(...data.map((d) => d.y)) * 1.02;
    const dots = data.map((d) => ({ x: d.x - t0s, y: d.y, color: d.retrans ? '#d00000' : '#202020', r: d.retrans ? 2.2 : 0.9 }));
    writeFileSync(join(OUT, 'congestion-tseq.svg'), svgPlot({
      title: 'time-sequence: data (black), retransmissions (red), ACKs (blue), SACK blocks (green)',
      xLabel: 'time (s)', yLabel: 'sequence (segments of 1448 B)', xMax: Math.max(...data.map((d) => d.x - t0s)), yMax,
      series: [{ name: 'ACK', color: '#1f5fbf', points: acks.map(([s, y]) => [s - t0s, y]).filter((p) => p[0] >= 0) }],
      dots, segments: sacks.map((s) => ({ ...s, x: s.x - t0s })).filter((s) => s.x >= 0),
    }));
    say('net', `plots: ${join(OUT, 'congestion-cwnd.svg')}, ${join(OUT, 'congestion-tseq.svg')}`);
  },
};
