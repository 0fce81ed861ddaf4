// A SYN flood against one listener: how many spoofed SYNs per wall second the kernel
// answers, keeping a request sock for each (tcp_syncookies 0 with a backlog that never
// fills) or keeping nothing (tcp_syncookies 2: a cookie per SYN). The server's answers are
// lost on the link (the spoofed sources never reply).
import { Network, constants as C } from '../../build/host/index.js';
import { applyNetem } from '../../build/host/link.js';
import { median, now } from './timing.mjs';

function synFrame(srcMac, dstMac, sport, seq) {
  const f = new Uint8Array(54);
  f.set(dstMac, 0); f.set(srcMac, 6); f[12] = 0x08;
  const h = f.subarray(14, 34);
  h.set([0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
  const sum = (b, s = 0) => { for (let i = 0; i < b.length; i += 2) s += (b[i] << 8) | b[i + 1]; while (s >> 16) s = (s & 0xffff) + (s >> 16); return ~s & 0xffff; };
  const ic = sum(h); h[10] = ic >> 8; h[11] = ic & 255;
  const t = f.subarray(34);
  const dv = new DataView(f.buffer, 34);
  dv.setUint16(0, sport); dv.setUint16(2, 80); dv.setUint32(4, seq >>> 0);
  t[12] = 0x50; t[13] = 0x02; dv.setUint16(14, 65535);
  const tc = sum(t, 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 6 + 20); t[16] = tc >> 8; t[17] = tc & 255;
  return f;
}

async function runOnce(engine, cookies, n) {
  const net = await Network.create({ clock: 'virtual', engine, capture: false });
  const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
  const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
  const link = net.link(a, b, { delayMs: 0 });
  b.sysctl('net.core.somaxconn', 1 << 20);
  b.sysctl('net.ipv4.tcp_max_syn_backlog', 1 << 20);
  b.sysctl('net.ipv4.tcp_syncookies', cookies ? 2 : 0);
  b.spawn(async (sys) => {
    const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    await sys.bind(l, { addr: '0.0.0.0', port: 80 });
    await sys.listen(l, 1 << 20);
    await sys.nanosleep(1000);
    await sys.close(l);
  });
  a.spawn(async (sys) => { // ARP both ways
    const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    await sys.connect(fd, { addr: '10.0.0.2', port: 9 });
    await sys.close(fd);
  });
  await net.run({ untilMs: 20 });
  const mac = (s) => s.split(':').map((h) => parseInt(h, 16));
  const srcMac = mac(b.neighbours().find((x) => x.ip === '10.0.0.1').mac);
  const dstMac = mac(a.neighbours().find((x) => x.ip === '10.0.0.2').mac);
  applyNetem(link.b, { lossRate: 1 });
  const frames = [];
  for (let i = 0; i < n; i++) frames.push(synFrame(srcMac, dstMac, 1024 + (i % 64000), i * 7919));
  const t0 = now();
  for (const f of frames) b.inject(f);
  const ms = now() - t0;
  const reqs = b.ss().filter((e) => e.state === 'SYN-RECV').length;
  const sent = b.counters().TcpExt.SyncookiesSent;
  return { ms, reqs, sent };
}

/** Rows: { engine, mode: 'requests' | 'cookies', n, synPerSec, reqs, cookies }. */
export async function benchListen({ quick = false, log = () => {} } = {}) {
  const n = quick ? 5000 : 20000;
  const rows = [];
  for (const engine of ['wasm', 'js']) {
    for (const cookies of [false, true]) {
      log(`listen: ${engine} ${cookies ? 'cookies' : 'requests'}…`);
      const runs = [];
      for (let r = 0; r < (quick ? 1 : 3); r++) runs.push(await runOnce(engine, cookies, n));
      const ms = median(runs.map((x) => x.ms));
      const last = runs[runs.length - 1];
      rows.push({ engine, mode: cookies ? 'cookies' : 'requests', n, synPerSec: (n / ms) * 1000, reqs: last.reqs, cookies: last.sent });
    }
  }
  return rows;
}
