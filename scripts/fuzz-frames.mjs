// Frame fuzzer shared by `npm run fuzz` (scripts/fuzz.mjs) and the test suite
// (test/integration/fuzz.test.ts, through test/helpers/fuzz-frames.ts).
//
// makeFuzzer() is a seeded generator (its own PRNG: the same seed gives the same frames)
// of Ethernet frames aimed at the hosts of a pair() network: valid templates (ARP, ICMP
// echo, ICMP errors quoting our own or garbage datagrams, UDP to open/closed/connected
// ports, fragment trains with overlaps, duplicates, holes, too-far and inconsistent last
// fragments, IP options, TCP SYN, unknown protocols and ethertypes) and mutations of them
// (truncation, byte/bit flips, bad checksums and lengths, ihl/version garbage, padding,
// oversize frames, zero and one byte frames).
//
// runFuzz() injects them into the hosts (with a UDP server, a connected UDP socket and a
// ping socket on each host so the socket paths run), and accountFuzz() derives from the
// kernel's counters the identities that every frame must satisfy (see its comment).

import { RING_CONS, RING_DESCS, RING_MASK, RING_PROD, DESC_LEN, SIZEOF_DESC, SIZEOF_RING_HDR } from '../build/host/abi/constants.js';

// ───── PRNG: sfc32 seeded through splitmix32, deterministic per seed ─────

function splitmix32(x) {
  x = (x + 0x9e3779b9) >>> 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return [x, (z ^ (z >>> 16)) >>> 0];
}

export class Rng {
  /** @param {number} seed */
  constructor(seed) {
    let s = seed >>> 0;
    const out = [];
    for (let i = 0; i < 4; i++) {
      const [ns, v] = splitmix32(s);
      s = ns;
      out.push(v);
    }
    [this.a, this.b, this.c, this.d] = out;
    for (let i = 0; i < 12; i++) this.u32();
  }
  /** @returns {number} a uniform 32-bit unsigned integer */
  u32() {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }
  /** @param {number} n @returns {number} uniform in [0, n) */
  int(n) { return n <= 1 ? 0 : Math.floor((this.u32() / 4294967296) * n); }
  /** @param {number} lo @param {number} hi @returns {number} uniform in [lo, hi] */
  range(lo, hi) { return lo + this.int(hi - lo + 1); }
  /** @param {number} p */
  chance(p) { return this.u32() / 4294967296 < p; }
  /** @template T @param {readonly T[]} arr @returns {T} */
  pick(arr) { return arr[this.int(arr.length)]; }
  /** @param {number} n */
  bytes(n) {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.u32();
      b[i] = v;
      if (i + 1 < n) b[i + 1] = v >>> 8;
      if (i + 2 < n) b[i + 2] = v >>> 16;
      if (i + 3 < n) b[i + 3] = v >>> 24;
    }
    return b;
  }
  /** @template T @param {[number, T][]} table weighted choice */
  weighted(table) {
    let total = 0;
    for (const [w] of table) total += w;
    let r = (this.u32() / 4294967296) * total;
    for (const [w, v] of table) {
      if (r < w) return v;
      r -= w;
    }
    return table[table.length - 1][1];
  }
}

// ───── wire helpers ─────

export const ETH_HLEN = 14;
export const ETH_P_IP = 0x0800;
export const ETH_P_ARP = 0x0806;
/**
 * Bytes a posted RX buffer holds: SKB_SMALL_SIZE (2048 + 256) minus NET_IP_ALIGN (2),
 * assembly/link/netdevice.ts rx_refill. Longer frames are missed by the NIC (rx_dropped).
 */
export const RX_BUF_LEN = 2048 + 256 - 2;

/** The Internet checksum (RFC 1071) of b[off, off+len), folded and complemented. */
export function inetChecksum(b, off = 0, len = b.length - off, initial = 0) {
  let s = initial;
  const end = off + len;
  let i = off;
  for (; i + 1 < end; i += 2) s += (b[i] << 8) | b[i + 1];
  if (i < end) s += b[i] << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

function put16(b, o, v) { b[o] = (v >>> 8) & 255; b[o + 1] = v & 255; }
function get16(b, o) { return (b[o] << 8) | b[o + 1]; }
function ipBytes(n) { return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]; }
function ipNum(a) { return ((a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3]) >>> 0; }
/** @param {string} s */
export function parseIp(s) { return s.split('.').map((x) => Number(x)); }
/** @param {string} s */
export function parseMac(s) { return s.split(':').map((x) => parseInt(x, 16)); }

function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function ethHeader(dst, src, type) {
  const h = new Uint8Array(ETH_HLEN);
  h.set(dst, 0);
  h.set(src, 6);
  put16(h, 12, type);
  return h;
}

/** An IPv4 header (with options, padded to 4 bytes) and correct checksum. */
function ipHeader({ src, dst, proto, payloadLen, id = 0, frag = 0, ttl = 64, tos = 0, options = null }) {
  const optLen = options ? (options.length + 3) & ~3 : 0;
  const ihl = 20 + optLen;
  const h = new Uint8Array(ihl);
  h[0] = 0x40 | (ihl >> 2);
  h[1] = tos;
  put16(h, 2, ihl + payloadLen);
  put16(h, 4, id);
  put16(h, 6, frag);
  h[8] = ttl;
  h[9] = proto;
  h.set(src, 12);
  h.set(dst, 16);
  if (options) h.set(options, 20);
  put16(h, 10, inetChecksum(h));
  return h;
}

function pseudoSum(src, dst, proto, len) {
  return get16(src, 0) + get16(src, 2) + get16(dst, 0) + get16(dst, 2) + proto + len;
}

/** A UDP header + payload with a correct checksum (or 0 = none). */
function udpSegment(src, dst, sport, dport, payload, csum = true) {
  const u = new Uint8Array(8 + payload.length);
  put16(u, 0, sport);
  put16(u, 2, dport);
  put16(u, 4, u.length);
  u.set(payload, 8);
  if (csum) {
    let c = inetChecksum(u, 0, u.length, pseudoSum(src, dst, 17, u.length));
    if (c === 0) c = 0xffff;
    put16(u, 6, c);
  }
  return u;
}

function icmpMessage(type, code, rest, data) {
  const m = new Uint8Array(8 + data.length);
  m[0] = type;
  m[1] = code;
  m[4] = (rest >>> 24) & 255;
  m[5] = (rest >>> 16) & 255;
  m[6] = (rest >>> 8) & 255;
  m[7] = rest & 255;
  m.set(data, 8);
  put16(m, 2, inetChecksum(m));
  return m;
}

// ───── classification (for the accounting; mirrors eth_type_trans + the first checks) ─────

/**
 * What the receiving NIC and link layer do with `frame` on a host whose MAC is `mac`:
 * 'short' (< 14 bytes: rx_errors), 'giant' (longer than an RX buffer of `rxBufLen` bytes:
 * missed; runFuzz() asks rxWillMiss() instead, since the driver may post a large buffer
 * when the small pool is dry), 'other'
 * (unknown ethertype), 'ipOtherhost' / 'ipShort' (< 20 bytes of IP) / 'ip',
 * 'arpOtherhost' (a well-formed ARP header for another MAC) / 'arpShort' / 'arp'.
 * @param {Uint8Array} frame @param {ArrayLike<number>} mac
 */
export function classifyFrame(frame, mac, rxBufLen = RX_BUF_LEN) {
  const n = frame.length;
  if (n < ETH_HLEN) return 'short';
  if (n > rxBufLen) return 'giant';
  const type = get16(frame, 12);
  const group = (frame[0] & 1) !== 0;
  let ours = true;
  for (let i = 0; i < 6; i++) if (frame[i] !== mac[i]) { ours = false; break; }
  const otherhost = !group && !ours;
  if (type === ETH_P_IP) {
    if (otherhost) return 'ipOtherhost';
    return n - ETH_HLEN < 20 ? 'ipShort' : 'ip';
  }
  if (type === ETH_P_ARP) {
    if (n - ETH_HLEN < 28) return 'arpShort';
    const p = ETH_HLEN;
    const valid = get16(frame, p) === 1 && get16(frame, p + 2) === ETH_P_IP && frame[p + 4] === 6 && frame[p + 5] === 4;
    return otherhost && valid ? 'arpOtherhost' : 'arp';
  }
  return 'other';
}

/**
 * Whether the NIC of `host` will miss a frame of `len` bytes injected now: no posted RX
 * buffer (the skb pool ran dry, so the driver could not refill its ring) or a buffer too
 * small. Mirrors host/link.ts deliverRx, read-only.
 */
export function rxWillMiss(host, len) {
  const end = host.ends[0];
  const k = host.kernel;
  const ring = host.rxRing(end.ifindex);
  const u32 = k.u32();
  const prod = u32[(ring + RING_PROD) >>> 2];
  const cons = u32[(ring + RING_CONS) >>> 2];
  if (cons === prod) return true;
  const descs = u32[(ring + RING_DESCS) >>> 2] || ring + SIZEOF_RING_HDR;
  const d = descs + (cons & u32[(ring + RING_MASK) >>> 2]) * SIZEOF_DESC;
  return len > u32[(d + DESC_LEN) >>> 2];
}

export const FRAME_CLASSES = ['missed', 'short', 'giant', 'other', 'ipOtherhost', 'ipShort', 'ip', 'arpShort', 'arpOtherhost', 'arp'];

// ───── the generator ─────

/** The two hosts of test/helpers/machine.ts pair(): host index 1 and 2 (host.macFor). */
export const PAIR_TARGETS = [
  { ip: [10, 0, 0, 1], mac: [2, 0, 0, 1, 0, 1] },
  { ip: [10, 0, 0, 2], mac: [2, 0, 0, 2, 0, 1] },
];

/** Ports the services of runFuzz() use (on both hosts). */
export const SERVICE = { udpPort: 7, closedPort: 9, connectedPort: 5000, connectedPeerPort: 5001 };

const BCAST_MAC = [255, 255, 255, 255, 255, 255];

/**
 * @typedef {{ ip: number[]; mac: number[] }} FuzzTarget
 * @typedef {{ target: number; frame: Uint8Array; kind: string }} FuzzFrame
 */

/**
 * A seeded frame generator. `next()` returns the next frame and the index (in `targets`)
 * of the host it is meant for. Multi-frame templates (fragment trains) are queued and
 * interleaved with other frames.
 * @param {{ seed?: number; targets?: FuzzTarget[]; pingIds?: number[][]; mutateRate?: number }} [opts]
 */
export function makeFuzzer(opts = {}) {
  const rng = new Rng(opts.seed ?? 1);
  const targets = opts.targets ?? PAIR_TARGETS;
  const mutateRate = opts.mutateRate ?? 0.5;
  /** Ident(s) of each host's ping socket, set by the caller once known. */
  const pingIds = opts.pingIds ?? targets.map(() => []);
  /** @type {FuzzFrame[]} */
  const queue = [];
  let ipId = rng.int(65536);

  const randomUnicastMac = () => { const m = Array.from(rng.bytes(6)); m[0] &= 0xfe; return m; };
  const peerOf = (t) => targets[(t + 1) % targets.length];

  function dstMac(t) {
    return rng.weighted([[85, () => targets[t].mac], [6, () => BCAST_MAC], [3, () => [1, 0, 0x5e, 0, 0, rng.int(256)]], [6, randomUnicastMac]])();
  }
  function srcMac(t) {
    return rng.weighted([[80, () => peerOf(t).mac], [15, randomUnicastMac], [3, () => targets[t].mac], [2, () => BCAST_MAC]])();
  }
  /** Source address: mostly the peer (so answers cross the link), sometimes martians. */
  function srcIp(t) {
    return rng.weighted([
      [70, () => peerOf(t).ip], [8, () => [10, 0, 0, rng.int(256)]], [6, () => Array.from(rng.bytes(4))],
      [3, () => targets[t].ip], [2, () => [0, 0, 0, 0]], [2, () => [127, 0, 0, 1]], [2, () => [255, 255, 255, 255]],
      [2, () => [224, 0, 0, 1]], [1, () => [10, 0, 0, 255]],
    ])();
  }
  function dstIp(t) {
    return rng.weighted([
      [85, () => targets[t].ip], [4, () => [255, 255, 255, 255]], [3, () => Array.from(rng.bytes(4))], [2, () => peerOf(t).ip],
      [2, () => [127, 0, 0, 1]], [2, () => [224, 0, 0, 1]], [1, () => [0, 0, 0, 0]], [1, () => [10, 0, 0, 0]],
    ])();
  }
  function payload(max) {
    const n = rng.weighted([[50, () => rng.int(64)], [35, () => rng.int(Math.min(max, 600) + 1)], [15, () => rng.int(max + 1)]])();
    return rng.bytes(Math.min(n, max));
  }
  function ipOptions() {
    return rng.weighted([
      [3, () => new Uint8Array([1, 1, 1, 0])], // NOP NOP NOP EOL
      [2, () => { const n = 4 * rng.range(1, 9); const o = new Uint8Array(n - 1 > 38 ? 39 : n - 1); o[0] = 7; o[1] = o.length; o[2] = 4; return o; }], // record route
      [2, () => { const o = new Uint8Array(12); o[0] = 68; o[1] = 12; o[2] = 5; o[3] = 0; return o; }], // timestamp
      [3, () => rng.bytes(rng.range(1, 40))], // garbage
      [1, () => { const o = new Uint8Array(4); o[0] = 0x94; o[1] = 4; return o; }], // router alert
    ])();
  }

  function ipFrame(t, { proto, l4, src = srcIp(t), dst = dstIp(t), options = null, frag = 0, id = ipId++ & 0xffff, ttl = 64, dmac = dstMac(t), smac = srcMac(t) }) {
    const h = ipHeader({ src, dst, proto, payloadLen: l4.length, id, frag, ttl, tos: rng.chance(0.1) ? rng.int(256) : 0, options });
    return concat(ethHeader(dmac, smac, ETH_P_IP), h, l4);
  }

  // The inner datagram an ICMP error quotes: one of ours (reaches udp_err/ping_err) or garbage.
  function quotedInner(t) {
    const me = targets[t].ip;
    const peer = peerOf(t).ip;
    return rng.weighted([
      [4, () => { // our UDP socket's datagram (connected socket or server)
        const sport = rng.pick([SERVICE.connectedPort, SERVICE.udpPort, rng.int(65536)]);
        const dport = rng.pick([SERVICE.connectedPeerPort, rng.int(65536)]);
        const u = udpSegment(me, peer, sport, dport, rng.bytes(rng.int(32)));
        return concat(ipHeader({ src: me, dst: rng.chance(0.8) ? peer : Array.from(rng.bytes(4)), proto: 17, payloadLen: u.length, id: rng.int(65536) }), u);
      }],
      [3, () => { // our ping socket's echo request
        const ids = pingIds[t];
        const id = ids.length && rng.chance(0.7) ? rng.pick(ids) : rng.int(65536);
        const m = icmpMessage(8, 0, ((id << 16) | rng.int(65536)) >>> 0, rng.bytes(rng.int(32)));
        return concat(ipHeader({ src: me, dst: peer, proto: 1, payloadLen: m.length }), m);
      }],
      [2, () => { // inner header with garbage ihl/protocol, maybe cut short
        const h = concat(ipHeader({ src: me, dst: peer, proto: rng.pick([1, 17, 6, rng.int(256)]), payloadLen: 8 }), rng.bytes(8));
        h[0] = (rng.chance(0.5) ? 0x40 : rng.int(256) & 0xf0) | rng.int(16);
        return h.subarray(0, rng.chance(0.5) ? h.length : rng.int(h.length + 1));
      }],
      [2, () => rng.bytes(rng.int(80))],
    ])();
  }

  /** @type {[number, (t: number) => Uint8Array | null][]} */
  const templates = [
    [6, (t) => arp(t, 1, targets[t].ip)],
    [4, (t) => arp(t, 2, targets[t].ip)],
    [2, (t) => arp(t, rng.pick([1, 2]), Array.from(rng.bytes(4)))],
    [3, (t) => { // ARP garbage: bad hlen/plen/op/htype, short, long
      const f = arp(t, rng.int(65536), targets[t].ip);
      const p = ETH_HLEN;
      rng.weighted([[1, () => { f[p + 4] = rng.int(256); }], [1, () => { f[p + 5] = rng.int(256); }], [1, () => put16(f, p, rng.int(65536))],
        [1, () => put16(f, p + 2, rng.int(65536))], [1, () => f.set([1, 0, 0x5e, 0, 0, 1], p + 8)], [1, () => f.set([127, 0, 0, 1], p + 24)],
        [1, () => f.set([0, 0, 0, 0], p + 14)]])();
      return f;
    }],
    [8, (t) => ipFrame(t, { proto: 1, l4: icmpMessage(8, 0, rng.u32(), payload(1472)) })],
    [5, (t) => { // echo replies: random ids, or our ping socket's
      const ids = pingIds[t];
      const id = ids.length && rng.chance(0.5) ? rng.pick(ids) : rng.int(65536);
      return ipFrame(t, { proto: 1, l4: icmpMessage(0, 0, ((id << 16) | rng.int(65536)) >>> 0, payload(1472)) });
    }],
    [10, (t) => { // ICMP errors quoting our datagrams or garbage (udp_err / ping_err)
      const [type, code] = rng.weighted([[6, () => [3, rng.int(16)]], [2, () => [11, rng.int(2)]], [2, () => [12, 0]], [1, () => [4, 0]], [1, () => [5, rng.int(4)]]])();
      const rest = type === 3 && code === 4 ? rng.pick([0, 68, 576, 1280, 1500, rng.int(65536)]) : rng.chance(0.2) ? rng.u32() : 0;
      return ipFrame(t, { proto: 1, l4: icmpMessage(type, code, rest, quotedInner(t)) });
    }],
    [2, (t) => ipFrame(t, { proto: 1, l4: icmpMessage(rng.pick([13, 14, 15, 17, 9, 10, rng.int(256)]), rng.int(256), rng.u32(), payload(64)) })],
    [8, (t) => udp(t, SERVICE.udpPort)],
    [6, (t) => udp(t, SERVICE.closedPort)],
    [3, (t) => udp(t, rng.int(65536))],
    [2, (t) => { // to the connected socket, from its peer (or not)
      const src = rng.chance(0.8) ? peerOf(t).ip : srcIp(t);
      const sport = rng.chance(0.8) ? SERVICE.connectedPeerPort : rng.int(65536);
      const dst = targets[t].ip;
      return ipFrame(t, { proto: 17, src, dst, l4: udpSegment(src, dst, sport, SERVICE.connectedPort, payload(1400), rng.chance(0.9)) });
    }],
    [8, (t) => { fragments(t); return null; }],
    [4, (t) => { // IP options on UDP or ICMP
      const opt = ipOptions();
      const src = srcIp(t), dst = dstIp(t);
      return rng.chance(0.5)
        ? ipFrame(t, { proto: 17, src, dst, options: opt, l4: udpSegment(src, dst, rng.int(65536), rng.pick([SERVICE.udpPort, SERVICE.closedPort]), payload(1000)) })
        : ipFrame(t, { proto: 1, src, dst, options: opt, l4: icmpMessage(8, 0, rng.u32(), payload(1000)) });
    }],
    [4, (t) => ipFrame(t, { proto: 6, l4: tcpSyn(t) })],
    [2, (t) => ipFrame(t, { proto: rng.pick([0, 2, 4, 41, 47, 50, 58, 132, 255, rng.int(256)]), l4: payload(200) })],
    [3, (t) => concat(ethHeader(dstMac(t), srcMac(t), rng.pick([0x86dd, 0x8100, 0x88cc, 0x0842, 0x8035, 0x0000, 0x05dc, rng.int(65536)])), payload(1500))],
    [2, (t) => { const f = rng.bytes(rng.range(14, 200)); if (rng.chance(0.7)) f.set(targets[t].mac, 0); return f; }],
    [0.05, (t) => { bigDatagram(t); return null; }],
  ];

  function arp(t, op, tpa) {
    const f = new Uint8Array(ETH_HLEN + 28);
    const bcast = op === 1 && rng.chance(0.7);
    f.set(ethHeader(bcast ? BCAST_MAC : dstMac(t), srcMac(t), ETH_P_ARP), 0);
    const p = ETH_HLEN;
    put16(f, p, 1);
    put16(f, p + 2, ETH_P_IP);
    f[p + 4] = 6;
    f[p + 5] = 4;
    put16(f, p + 6, op);
    f.set(rng.chance(0.8) ? peerOf(t).mac : randomUnicastMac(), p + 8);
    f.set(rng.weighted([[80, () => peerOf(t).ip], [10, () => [10, 0, 0, rng.int(256)]], [5, () => [0, 0, 0, 0]], [5, () => Array.from(rng.bytes(4))]])(), p + 14);
    f.set(op === 2 ? targets[t].mac : [0, 0, 0, 0, 0, 0], p + 18);
    f.set(tpa, p + 24);
    return f;
  }

  function udp(t, dport) {
    const src = srcIp(t), dst = dstIp(t);
    return ipFrame(t, { proto: 17, src, dst, l4: udpSegment(src, dst, rng.int(65536), dport, payload(1472), rng.chance(0.9)) });
  }

  function tcpSyn(t) {
    const s = new Uint8Array(rng.chance(0.5) ? 20 : 40);
    put16(s, 0, rng.int(65536));
    put16(s, 2, rng.pick([80, 22, SERVICE.udpPort, rng.int(65536)]));
    s.set(rng.bytes(4), 4);
    s[12] = (s.length / 4) << 4;
    s[13] = rng.chance(0.8) ? 0x02 : rng.int(256);
    put16(s, 14, 64240);
    if (s.length > 20) s.set([2, 4, 5, 0xb4, 4, 2, 8, 10], 20);
    const src = peerOf(t).ip, dst = targets[t].ip;
    put16(s, 16, inetChecksum(s, 0, s.length, pseudoSum(src, dst, 6, s.length)));
    return s;
  }

  /** Splits a datagram into a fragment train with one of the fault variants. */
  function fragments(t) {
    const src = rng.chance(0.85) ? peerOf(t).ip : srcIp(t);
    const dst = rng.chance(0.9) ? targets[t].ip : dstIp(t);
    const dmac = rng.chance(0.95) ? targets[t].mac : dstMac(t);
    const smac = srcMac(t);
    const kind = rng.weighted([[5, 'udp'], [3, 'echo'], [1, 'tcp']]);
    const size = rng.weighted([[3, () => rng.range(9, 600)], [5, () => rng.range(600, 4000)], [1, () => rng.range(4000, 20000)]])();
    let proto = 17;
    let data;
    if (kind === 'udp') data = udpSegment(src, dst, rng.int(65536), rng.pick([SERVICE.udpPort, SERVICE.closedPort]), rng.bytes(size - 8), rng.chance(0.9));
    else if (kind === 'echo') { proto = 1; data = icmpMessage(8, 0, rng.u32(), rng.bytes(size - 8)); }
    else { proto = 6; data = concat(tcpSyn(t), rng.bytes(size)); }
    const fsz = 8 * rng.range(1, 185);
    const id = ipId++ & 0xffff;
    const options = rng.chance(0.05) ? ipOptions() : null;
    /** @type {{ off: number; len: number; mf: boolean }[]} */
    let parts = [];
    for (let off = 0; off < data.length; off += fsz) parts.push({ off, len: Math.min(fsz, data.length - off), mf: off + fsz < data.length });
    if (parts.length === 1 && data.length > 8) parts = [{ off: 0, len: 8, mf: true }, { off: 8, len: data.length - 8, mf: false }];
    const variant = rng.weighted([[6, 'inorder'], [3, 'reverse'], [3, 'shuffle'], [2, 'dup'], [2, 'overlap'], [2, 'missing'], [1, 'toofar'],
      [1, 'lastagain'], [1, 'beyondlast'], [1, 'odd'], [1, 'empty'], [2, 'mutate']]);
    const order = parts.slice();
    const extra = [];
    switch (variant) {
      case 'reverse': order.reverse(); break;
      case 'shuffle': for (let i = order.length - 1; i > 0; i--) { const j = rng.int(i + 1); [order[i], order[j]] = [order[j], order[i]]; } break;
      case 'dup': extra.push({ at: rng.int(order.length + 1), p: rng.pick(parts) }); break;
      case 'overlap': { const p = rng.pick(parts); const off = Math.max(0, p.off + 8 * rng.range(-2, 2)); extra.push({ at: rng.int(order.length + 1), p: { off, len: Math.max(1, Math.min(p.len + 8 * rng.range(-1, 2), data.length - off)), mf: p.mf } }); break; }
      case 'missing': order.splice(rng.int(order.length), 1); break;
      case 'toofar': extra.push({ at: rng.int(order.length + 1), p: { off: 8 * rng.range(8000, 8191), len: 8 * rng.range(1, 180), mf: rng.chance(0.5), fake: true } }); break;
      case 'lastagain': extra.push({ at: order.length, p: { off: 8 * rng.range(0, Math.ceil(data.length / 8)), len: rng.range(1, 100), mf: false, fake: true } }); break;
      case 'beyondlast': extra.push({ at: order.length, p: { off: data.length + 8 * rng.range(0, 20), len: 8 * rng.range(1, 20), mf: true, fake: true } }); break;
      case 'odd': { const p = rng.pick(parts.filter((x) => x.mf).concat(parts[0])); p.len = Math.max(1, p.len - rng.range(1, 7)); p.mf = true; break; }
      case 'empty': extra.push({ at: rng.int(order.length + 1), p: { off: rng.pick(parts).off, len: 0, mf: rng.chance(0.5) } }); break;
    }
    for (const e of extra.sort((a, b) => b.at - a.at)) order.splice(e.at, 0, e.p);
    const mutateAt = variant === 'mutate' ? rng.int(order.length) : -1;
    order.forEach((p, i) => {
      const body = p.fake ? rng.bytes(p.len) : data.subarray(p.off, p.off + p.len);
      let f = ipFrame(t, { proto, src, dst, id, dmac, smac, options: p.off === 0 ? options : null, frag: (p.mf ? 0x2000 : 0) | ((p.off >>> 3) & 0x1fff), l4: body });
      if (i === mutateAt) f = mutate(f);
      queue.push({ target: t, frame: f, kind: `frag-${variant}` });
    });
  }

  /** A train whose reassembled length exceeds 65535 (ping of death) or just fits. */
  function bigDatagram(t) {
    const src = peerOf(t).ip, dst = targets[t].ip;
    const id = ipId++ & 0xffff;
    const over = rng.chance(0.7);
    const total = over ? 65535 - 20 + 8 * rng.range(1, 200) : 65535 - 20;
    for (let off = 0; off < total; off += 1480) {
      const len = Math.min(1480, total - off);
      const mf = off + len < total;
      if ((off >>> 3) > 0x1fff) break;
      queue.push({ target: t, frame: ipFrame(t, { proto: 1, src, dst, id, dmac: targets[t].mac, smac: peerOf(t).mac, frag: (mf ? 0x2000 : 0) | (off >>> 3), l4: off === 0 ? icmpMessage(8, 0, rng.u32(), rng.bytes(len - 8)) : rng.bytes(len) }), kind: 'frag-big' });
    }
  }

  // ───── mutations ─────

  const IP = ETH_HLEN;
  function ihlOf(f) { return f.length > IP ? (f[IP] & 15) * 4 : 0; }
  function isIp(f) { return f.length >= IP + 20 && get16(f, 12) === ETH_P_IP; }
  function fixIpCsum(f) {
    const ihl = ihlOf(f);
    if (!isIp(f) || ihl < 20 || f.length < IP + ihl) return;
    put16(f, IP + 10, 0);
    put16(f, IP + 10, inetChecksum(f, IP, ihl));
  }
  function l4(f) { const ihl = ihlOf(f); return isIp(f) && ihl >= 20 ? IP + ihl : -1; }

  /** @param {Uint8Array} f */
  function mutate(f) {
    const steps = rng.weighted([[6, 1], [3, 2], [1, 3]]);
    for (let s = 0; s < steps; s++) {
      const m = rng.weighted([
        [8, 'truncate'], [5, 'truncateLayer'], [8, 'flipBytes'], [4, 'flipBits'], [4, 'ipCsum'], [4, 'l4Csum'], [4, 'ihl'], [3, 'version'],
        [5, 'totLen'], [4, 'udpLen'], [3, 'pad'], [2, 'oversize'], [1, 'zero'], [1, 'one'], [2, 'fragOff'], [2, 'ttl'], [2, 'proto'],
      ]);
      let fixIp = rng.chance(0.7);
      switch (m) {
        case 'truncate': f = f.slice(0, rng.int(f.length + 1)); fixIp = false; break;
        case 'truncateLayer': {
          const cuts = [0, 1, 6, 13, 14, 15, 20, IP + 19, IP + 20, IP + 21, IP + 27, IP + 28];
          const o = l4(f);
          if (o > 0) cuts.push(o, o + 1, o + 4, o + 7, o + 8, o + 9, o + 27, o + 28, o + 35, o + 36);
          f = f.slice(0, Math.min(f.length, rng.pick(cuts)));
          fixIp = false;
          break;
        }
        case 'flipBytes': { const n = rng.range(1, 4); f = f.slice(); for (let i = 0; i < n && f.length; i++) f[rng.int(Math.min(f.length, rng.chance(0.7) ? 80 : f.length))] = rng.int(256); break; }
        case 'flipBits': { f = f.slice(); if (f.length) { const i = rng.int(Math.min(f.length, 64)); f[i] ^= 1 << rng.int(8); } fixIp = rng.chance(0.3); break; }
        case 'ipCsum': if (isIp(f)) { f = f.slice(); put16(f, IP + 10, get16(f, IP + 10) ^ (1 + rng.int(0xffff))); } fixIp = false; break;
        case 'l4Csum': { const o = l4(f); if (o > 0 && f.length >= o + 8) { f = f.slice(); const at = f[IP + 9] === 17 ? o + 6 : o + 2; put16(f, at, get16(f, at) ^ (1 + rng.int(0xffff))); } break; }
        case 'ihl': if (f.length > IP) { f = f.slice(); f[IP] = (f[IP] & 0xf0) | rng.pick([0, 1, 4, 6, 7, 15, rng.int(16)]); } break;
        case 'version': if (f.length > IP) { f = f.slice(); f[IP] = (rng.pick([0, 6, 5, 15, rng.int(16)]) << 4) | (f[IP] & 15); } break;
        case 'totLen': if (f.length >= IP + 4) { f = f.slice(); put16(f, IP + 2, rng.pick([0, 1, 19, 20, 21, 28, f.length - IP - 1, f.length - IP + 1, 65535, rng.int(65536), get16(f, IP + 2) + rng.range(-8, 8)]) & 0xffff); } break;
        case 'udpLen': { const o = l4(f); if (o > 0 && f.length >= o + 6) { f = f.slice(); put16(f, o + 4, rng.pick([0, 1, 7, 8, 9, 65535, rng.int(65536), get16(f, o + 4) + rng.range(-8, 8)]) & 0xffff); } break; }
        case 'pad': f = concat(f, rng.chance(0.5) ? new Uint8Array(rng.range(1, 60)) : rng.bytes(rng.range(1, 60))); break;
        case 'oversize': f = concat(f, rng.bytes(Math.max(0, rng.pick([1514, 1515, 1518, 2048, RX_BUF_LEN, RX_BUF_LEN + 1, 4096, 9000, rng.range(1515, 9000)]) - f.length))); break;
        case 'zero': f = new Uint8Array(0); fixIp = false; break;
        case 'one': f = new Uint8Array([rng.int(256)]); fixIp = false; break;
        case 'fragOff': if (f.length >= IP + 8) { f = f.slice(); put16(f, IP + 6, rng.pick([0x2000, 0x4000, 0x8000, 0x1fff, 0x3fff, rng.int(65536)])); } break;
        case 'ttl': if (f.length >= IP + 9) { f = f.slice(); f[IP + 8] = rng.pick([0, 1, 255]); } break;
        case 'proto': if (f.length >= IP + 10) { f = f.slice(); f[IP + 9] = rng.pick([0, 1, 6, 17, rng.int(256)]); } break;
      }
      if (fixIp) fixIpCsum(f);
    }
    return f;
  }

  return {
    /** Idents of each host's ping socket; frames aimed at them reach ping_rcv/ping_err. */
    pingIds,
    /** @returns {FuzzFrame} */
    next() {
      if (queue.length && (queue.length > 64 || rng.chance(0.6))) return /** @type {FuzzFrame} */ (queue.shift());
      for (;;) {
        const t = rng.int(targets.length);
        const tpl = rng.weighted(templates);
        const f = tpl(t);
        if (f === null) {
          if (queue.length) return /** @type {FuzzFrame} */ (queue.shift());
          continue;
        }
        if (rng.chance(mutateRate)) return { target: t, frame: mutate(f), kind: 'mutated' };
        return { target: t, frame: f, kind: 'template' };
      }
    },
  };
}

// ───── running it against a network ─────

/**
 * Per-host tallies of what was injected, by classifyFrame() class.
 * @typedef {{ injected: number } & Record<string, number>} HostTally
 */

/**
 * Spawns on `host`: a UDP server on SERVICE.udpPort (IP_RECVERR on, so ICMP errors reach
 * it), a UDP socket connected to the peer, and a ping socket (one echo request sent, so
 * it has an ident). The server reads until it receives `magic`, then drains every socket
 * without blocking and exits (so Udp InDatagrams counts every queued datagram).
 */
export function startServices(host, peerIp, C, magic) {
  let pingId = -1;
  const ready = { done: false };
  const proc = host.spawn(async (sys) => {
    const srv = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
    if ((await sys.bind(srv, { addr: '0.0.0.0', port: SERVICE.udpPort })) !== 0) throw new Error('fuzz: bind failed');
    await sys.setsockopt(srv, C.IPPROTO_IP ?? 0, C.IP_RECVERR, 1);
    const con = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
    await sys.bind(con, { addr: '0.0.0.0', port: SERVICE.connectedPort });
    await sys.connect(con, { addr: peerIp, port: SERVICE.connectedPeerPort });
    const ping = await sys.socket(C.AF_INET, C.SOCK_DGRAM, C.IPPROTO_ICMP);
    const req = new Uint8Array(16);
    req[0] = 8;
    await sys.sendto(ping, req, 0, { addr: peerIp, port: 0 });
    const name = await sys.getsockname(ping);
    if (typeof name === 'object') pingId = name.port;
    ready.done = true;
    const buf = new Uint8Array(65536);
    for (;;) {
      const r = await sys.recvfrom(srv, buf, 0);
      if (typeof r === 'number') continue; // a reported ICMP error (IP_RECVERR)
      if (r.n === magic.length && buf.subarray(0, r.n).every((b, i) => b === magic[i])) break;
    }
    for (const fd of [srv, con, ping]) {
      for (let i = 0; i < 100000; i++) {
        const r = await sys.recvfrom(fd, buf, C.MSG_DONTWAIT);
        if (r === -C.EAGAIN) break;
      }
      await sys.close(fd);
    }
    return 0;
  }, { name: 'fuzz-services' });
  return { proc, ready, get pingId() { return pingId; } };
}

/** The frame that stops startServices() on the host `to` (from its peer). */
export function stopFrame(to, from, magic) {
  const u = udpSegment(from.ip, to.ip, 40000, SERVICE.udpPort, magic, true);
  return concat(ethHeader(to.mac, from.mac, ETH_P_IP), ipHeader({ src: from.ip, dst: to.ip, proto: 17, payloadLen: u.length, id: 1 }), u);
}

function targetOf(host) {
  const [hi, lo] = host.macFor(1);
  return { ip: parseIp(host.ip), mac: [(hi >>> 8) & 255, hi & 255, lo >>> 24, (lo >>> 16) & 255, (lo >>> 8) & 255, lo & 255] };
}

/**
 * Injects `frames` fuzz frames into the two hosts of `net` (hosts[0], hosts[1], linked),
 * `batch` at a time with 1 ms of virtual time between batches and, every `longEvery`
 * batches, a jump of up to 35 s (reassembly and ARP timers fire). Then stops the
 * services and runs out every timer (300 s). Throws whatever escapes the kernel.
 * @param {{ net: any; C: any; frames: number; seed?: number; batch?: number; longEvery?: number;
 *   onProgress?: (done: number) => void; progressMs?: number; shouldStop?: () => boolean }} o
 */
export async function runFuzz(o) {
  const { net, C } = o;
  const hosts = net.hosts.slice(0, 2);
  const targets = hosts.map(targetOf);
  const seed = o.seed ?? 1;
  const batch = o.batch ?? 32;
  const longEvery = o.longEvery ?? 50;
  const rng = new Rng(seed ^ 0x5eed);
  const magic = rng.bytes(24);
  /** @type {HostTally[]} */
  const tally = hosts.map(() => Object.fromEntries([['injected', 0], ...FRAME_CLASSES.map((c) => [c, 0])]));
  const inject = (i, frame) => {
    const t = tally[i];
    t.injected++;
    t[rxWillMiss(hosts[i], frame.length) ? 'missed' : classifyFrame(frame, targets[i].mac, Infinity)]++;
    try {
      hosts[i].inject(frame);
    } catch (err) {
      // A trap or abort: say which frame did it (the script prints it as hex).
      const e = err instanceof Error ? err : new Error(String(err));
      e.fuzzFrame = { index: tally[0].injected + tally[1].injected, host: hosts[i].name, frame };
      throw e;
    }
  };
  const services = hosts.map((h, i) => startServices(h, hosts[1 - i].ip, C, magic));
  await net.run({ untilMs: net.now() + 100 });
  const fuzzer = makeFuzzer({ seed, targets, pingIds: services.map((s) => (s.pingId >= 0 ? [s.pingId] : [])) });
  const t0 = Date.now();
  let lastReport = t0;
  let done = 0;
  let batches = 0;
  while (done < o.frames) {
    const n = Math.min(batch, o.frames - done);
    for (let k = 0; k < n; k++) {
      const f = fuzzer.next();
      inject(f.target, f.frame);
    }
    done += n;
    batches++;
    const long = batches % longEvery === 0;
    await net.run({ untilMs: net.now() + (long ? 1 + rng.int(35_000) : 1) });
    if (o.onProgress && Date.now() - lastReport >= (o.progressMs ?? 10_000)) {
      lastReport = Date.now();
      o.onProgress(done);
    }
    if (o.shouldStop?.()) break;
  }
  const fuzzMs = Date.now() - t0;
  // Let reassembly queues expire first (they may hold the whole skb pool, so that the NIC
  // has no posted buffer), then stop the services; a stop frame the NIC missed is resent.
  await net.run({ untilMs: net.now() + 60_000 });
  const exited = services.map(() => false);
  services.forEach((s, i) => s.proc.exited.then(() => { exited[i] = true; }));
  for (let attempt = 0; attempt < 5 && exited.some((x) => !x); attempt++) {
    hosts.forEach((h, i) => { if (!exited[i]) inject(i, stopFrame(targets[i], targets[1 - i], magic)); });
    await net.run({ untilMs: net.now() + 1000 });
  }
  const exits = await Promise.all(services.map((s) => Promise.race([s.proc.exited, Promise.resolve({ pending: true })])));
  await net.run({ untilMs: net.now() + 300_000 });
  return { frames: done, fuzzMs, tally, exits, pingIds: services.map((s) => s.pingId) };
}

/**
 * The identities every host's counters must satisfy after runFuzz(). Each entry is
 * `{ host, name, lhs, rhs }` and holds when lhs === rhs. `tally` counts injected frames by
 * class; `peer` is the other end of the link (its transmitted frames are our received ones).
 *
 *  NIC:   rxPackets + rxErrors + rxDropped          = injected + peer txPackets
 *         rxErrors                                  = injected 'short' (< 14 bytes)
 *         rxDropped (missed)                        = injected 'missed' (no RX buffer posted, or
 *                                                     frame > RX buffer) + peer frames missed
 *  L2:    drops UNHANDLED_PROTO                     = rxErrors + injected 'other' ethertypes
 *         drops OTHERHOST                           = injected 'ipOtherhost' + 'arpOtherhost'
 *                                                     + peer frames sent to a MAC an injected ARP
 *                                                       planted in its cache (<= peer txPackets)
 *  IP:    InReceives = InHdrErrors + InTruncatedPkts + InAddrErrors + InNoRoutes + InDiscards
 *                      + ForwDatagrams + InUnknownProtos + InDelivers + ReasmReqds - ReasmOKs
 *         drops IP_CSUM = InCsumErrors, IP_NOPROTO = InUnknownProtos, IP_INADDRERRORS = InAddrErrors
 *  Reasm: ReasmReqds = reassembled fragments (drop reason CONSUMED) + DUP_FRAG
 *                      + FRAG_REASM_TIMEOUT + FRAG_TOO_FAR + NOMEM
 *                      + IP_INHDR - (InHdrErrors - InCsumErrors - injected 'ipShort')
 *  UDP:   InDelivers(UDP) = InDatagrams + InErrors + NoPorts, and InErrors = UDP_CSUM + RcvbufErrors
 *         + short/bad-length datagrams; UDP_CSUM = Udp InCsumErrors
 *  TCP:   InDelivers(TCP) = InSegs (every segment tcp_v4_rcv counts), TCP_CSUM = InCsumErrors
 *  ICMP:  InDelivers - UDP - TCP deliveries lies in [InMsgs + InCsumErrors, InMsgs + InErrors];
 *         ICMP_CSUM = Icmp InCsumErrors
 *  Too small: PKT_TOO_SMALL = 'ipShort' + 'arpShort' + InTruncatedPkts
 *         + (Udp InErrors - InCsumErrors - RcvbufErrors) + (Icmp InErrors - InCsumErrors)
 *         + (Tcp InErrs - InCsumErrors)
 *  Not closable: ARP (no counter of ARP frames processed: Linux has no ARP MIB either), so
 *  ARP_INVALID stands alone; ping-socket NO_SOCKET/SOCKET_RCVBUFF have no counter of their own.
 * @param {any} net @param {HostTally[]} tally
 */
export function accountFuzz(net, tally) {
  const out = [];
  const hosts = net.hosts.slice(0, 2);
  hosts.forEach((h, i) => {
    const peer = hosts[1 - i];
    const t = tally[i];
    const ls = h.linkStats(h.ends[0].ifindex);
    const ps = peer.linkStats(peer.ends[0].ifindex);
    const c = h.counters();
    const ip = c.Ip, ipx = c.IpExt, udp = c.Udp, icmp = c.Icmp, tcp = c.Tcp;
    const d = h.drops();
    const dr = (name) => d[name] ?? 0;
    const consumedFrags = h.kernel.x.drop_reason_value(1);
    const eq = (name, lhs, rhs) => out.push({ host: h.name, name, lhs, rhs, ok: lhs === rhs });
    const within = (name, v, lo, hi) => out.push({ host: h.name, name, lhs: v, rhs: `[${lo}, ${hi}]`, ok: v >= lo && v <= hi });
    eq('NIC: rxPackets + rxErrors + rxDropped = injected + peer txPackets', ls.rxPackets + ls.rxErrors + ls.rxDropped, t.injected + ps.txPackets);
    eq('NIC: rxErrors = injected frames < 14 bytes', ls.rxErrors, t.short);
    // Frames the NIC missed (no posted buffer: the pool ran dry; or a giant frame) are
    // classified 'missed' at injection; the peer's frames may be missed too.
    within('NIC: rxDropped = injected frames missed + peer frames missed', ls.rxDropped, t.missed, t.missed + ps.txPackets);
    eq('L2: UNHANDLED_PROTO = rxErrors + injected unknown ethertypes', dr('UNHANDLED_PROTO'), ls.rxErrors + t.other);
    // The peer's frames count too when an injected ARP poisoned its cache (a random MAC for
    // our address): those go out on the link to a MAC that is not ours.
    within('L2: OTHERHOST = injected IP/ARP frames for another MAC (+ peer frames to a poisoned MAC)', dr('OTHERHOST'), t.ipOtherhost + t.arpOtherhost, t.ipOtherhost + t.arpOtherhost + ps.txPackets);
    eq('IP: InReceives = every disposition', ip.InReceives,
      ip.InHdrErrors + ipx.InTruncatedPkts + ip.InAddrErrors + ipx.InNoRoutes + ip.InDiscards + ip.ForwDatagrams + ip.InUnknownProtos + ip.InDelivers + ip.ReasmReqds - ip.ReasmOKs);
    eq('IP: IP_CSUM = InCsumErrors', dr('IP_CSUM'), ipx.InCsumErrors);
    eq('IP: IP_NOPROTO = InUnknownProtos', dr('IP_NOPROTO'), ip.InUnknownProtos);
    eq('IP: IP_INADDRERRORS = InAddrErrors', dr('IP_INADDRERRORS'), ip.InAddrErrors);
    const rcvInhdr = ip.InHdrErrors - ipx.InCsumErrors - t.ipShort;
    eq('Reasm: ReasmReqds = every fragment fate', ip.ReasmReqds,
      consumedFrags + dr('DUP_FRAG') + dr('FRAG_REASM_TIMEOUT') + dr('FRAG_TOO_FAR') + dr('NOMEM') + dr('IP_INHDR') - rcvInhdr);
    const udpDelivered = udp.InDatagrams + udp.InErrors + udp.NoPorts;
    eq('UDP: UDP_CSUM = Udp InCsumErrors', dr('UDP_CSUM'), udp.InCsumErrors);
    within('UDP: SOCKET_RCVBUFF >= RcvbufErrors (ping sockets drop there too)', dr('SOCKET_RCVBUFF'), udp.RcvbufErrors, Infinity);
    within('UDP: NO_SOCKET >= NoPorts (echo replies for no ping socket too)', dr('NO_SOCKET'), udp.NoPorts, Infinity);
    eq('TCP: TCP_CSUM = Tcp InCsumErrors', dr('TCP_CSUM'), tcp.InCsumErrors);
    const icmpDelivered = ip.InDelivers - udpDelivered - tcp.InSegs;
    within('ICMP: InDelivers - UDP - TCP deliveries', icmpDelivered, icmp.InMsgs + icmp.InCsumErrors, icmp.InMsgs + icmp.InErrors);
    eq('ICMP: ICMP_CSUM = Icmp InCsumErrors', dr('ICMP_CSUM'), icmp.InCsumErrors);
    eq('PKT_TOO_SMALL = IP/ARP short + truncated + UDP length errors + ICMP short + TCP short', dr('PKT_TOO_SMALL'),
      t.ipShort + t.arpShort + ipx.InTruncatedPkts + (udp.InErrors - udp.InCsumErrors - udp.RcvbufErrors) + (icmp.InErrors - icmp.InCsumErrors) + (tcp.InErrs - tcp.InCsumErrors));
  });
  return out;
}
