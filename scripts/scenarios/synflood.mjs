// A SYN flood: spoofed SYNs fill a listener's SYN queue; with net.ipv4.tcp_syncookies = 1
// (the default) the listener answers the overflow with SYN cookies and keeps no state, so a
// legitimate client still connects.
import { constants as C, errnoName } from '../../build/host/index.js';

const mac = (s) => s.split(':').map((h) => parseInt(h, 16));
const ip = (s) => s.split('.').map(Number);
function csum(bytes, sum = 0) {
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}
/** An Ethernet/IPv4/TCP SYN from src:sport to dst:dport, as a raw peer would send it. */
function syn(srcMac, dstMac, src, dst, sport, dport, seq) {
  const f = new Uint8Array(14 + 20 + 20);
  f.set(mac(dstMac), 0); f.set(mac(srcMac), 6); f[12] = 0x08;
  const h = f.subarray(14, 34);
  h[0] = 0x45; h[3] = 40; h[6] = 0x40; h[8] = 64; h[9] = 6;
  h.set(ip(src), 12); h.set(ip(dst), 16);
  const hc = csum(h); h[10] = hc >> 8; h[11] = hc & 255;
  const t = f.subarray(34);
  const dv = new DataView(f.buffer, 34);
  dv.setUint16(0, sport); dv.setUint16(2, dport); dv.setUint32(4, seq >>> 0);
  t[12] = 5 << 4; t[13] = 0x02; dv.setUint16(14, 65535);
  const pseudo = new Uint8Array(12);
  pseudo.set(ip(src), 0); pseudo.set(ip(dst), 4); pseudo[9] = 6; pseudo[11] = 20;
  let s = 0;
  for (let i = 0; i < 12; i += 2) s += (pseudo[i] << 8) | pseudo[i + 1];
  const tc = csum(t, s); t[16] = tc >> 8; t[17] = tc & 255;
  return f;
}

export default {
  name: 'synflood',
  order: 31,
  description: '200 spoofed SYNs against listen(fd, 16): 17 requests, the rest SYN cookies; a real client still connects',
  async run({ net, say }) {
    const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
    const link = net.link(a, b, { delayMs: 1 });
    say('net', 'client 10.0.0.1 ── 1 ms ── server 10.0.0.2; net.ipv4.tcp_syncookies = ' + b.sysctl('net.ipv4.tcp_syncookies'));
    b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 80 });
      await sys.listen(l, 16);
      const c = await sys.accept(l);
      const buf = new Uint8Array(64);
      const n = await sys.recv(c, buf, 0);
      say('server', `accepted a connection and read ${JSON.stringify(new TextDecoder().decode(buf.subarray(0, n)))}`);
      await sys.close(c);
      await sys.close(l);
    });
    // ARP both ways first, so the flood's frames can carry the right MACs.
    a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.connect(fd, { addr: '10.0.0.2', port: 9 });
      await sys.close(fd);
    });
    await net.run({ untilMs: 20 });
    const clientMac = b.neighbours().find((n) => n.ip === '10.0.0.1').mac;
    const serverMac = a.neighbours().find((n) => n.ip === '10.0.0.2').mac;
    // The attacker's source address is the client's; the server's answers to it are lost.
    const { applyNetem } = await import('../../build/host/link.js');
    applyNetem(link.b, { delayMs: 1, lossRate: 1 });
    say('attacker', 'injecting 200 SYNs from 10.0.0.1, ports 20000-20199');
    for (let i = 0; i < 200; i++) b.inject(syn(clientMac, serverMac, '10.0.0.1', '10.0.0.2', 20000 + i, 80, i * 7919));
    const x = b.counters().TcpExt;
    say('server', `SYN-RECV requests: ${b.ss().filter((s) => s.state === 'SYN-RECV').length}; TcpExt TCPReqQFullDoCookies ${x.TCPReqQFullDoCookies}, SyncookiesSent ${x.SyncookiesSent}, ListenDrops ${x.ListenDrops}`);
    await net.run({ untilMs: 100 });
    applyNetem(link.b, { delayMs: 1 });
    a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      const rc = await sys.connect(fd, { addr: '10.0.0.2', port: 80 });
      say('client', `connect() → ${rc < 0 ? errnoName(rc) : rc} (the SYN queue is still full: a cookie SYN-ACK)`);
      await sys.send(fd, 'hello through a cookie');
      await sys.close(fd);
    });
    await net.run({ untilMs: 400 });
    const y = b.counters().TcpExt;
    say('server', `TcpExt SyncookiesSent ${y.SyncookiesSent}, SyncookiesRecv ${y.SyncookiesRecv}, SyncookiesFailed ${y.SyncookiesFailed}; Tcp PassiveOpens ${b.counters().Tcp.PassiveOpens}`);
    await net.run({ untilIdle: true });
  },
};
