// One-line frame decoder in the style of `tcpdump -n` (and `-e` for the link header).
// Mirrors what tcpdump 4.99 prints without -v (print-ether.c, print-arp.c, print-ip.c,
// print-icmp.c, print-udp.c, print-tcp.c), byte for byte on the golden frames and their
// variants in test/tools/trace.test.ts (checked against tcpdump 4.99.3 `-n -S -tt`), with
// these kstack differences:
//   - timestamps are seconds since the network clock started (what `-tt` shows for a
//     capture whose clock starts at 0), and TCP sequence numbers are absolute (like `-S`);
//   - nothing above the transport is dissected: UDP is always `UDP, length N` and TCP data
//     is not named (tcpdump would decode port 53 as DNS, or add `: HTTP` on port 80);
//   - IP protocols other than ICMP, TCP and UDP (GRE, IGMP, ...), ICMPv6, LLC and the TCP
//     options MPTCP/TFO are not decoded, only named or numbered;
//   - the hex dump tcpdump adds for unknown ethertypes and ARP ops is left out (one line
//     per frame), and with it the trailing `: `.
// Truncation markers keep tcpdump's spacing: ` [|udp]` follows the text before it, hence
// the double space in `IP  [|ip]`.
// Input is untrusted (fuzzers feed it garbage): every read is bounds-checked and nothing
// throws.

export interface FormatOptions {
  /** Interface name printed after the timestamp, as `tcpdump -i any` does. */
  ifname?: string;
  /** Print the link-level header (source and destination MAC, ethertype), as `tcpdump -e`. */
  link?: boolean;
}

/** Formats one Ethernet frame captured at `timeMs` on the network clock as a tcpdump line. */
export function formatFrame(timeMs: number, frame: Uint8Array, opts: FormatOptions = {}): string {
  let body: string;
  try {
    body = formatEther(frame, opts.link === true);
  } catch (e) {
    // Unreachable by design; kept so that a decoder bug costs one line, not a capture.
    // Tests assert that this text never appears.
    body = `[|internal error: ${e instanceof Error ? e.message : String(e)}]`;
  }
  const ts = formatTimestamp(timeMs);
  return opts.ifname ? `${ts} ${opts.ifname} ${body}` : `${ts} ${body}`;
}

/** `S.uuuuuu`: milliseconds on the network clock as seconds, rounded to the microsecond. */
export function formatTimestamp(timeMs: number): string {
  if (!Number.isFinite(timeMs)) return String(timeMs);
  const us = Math.round(Math.abs(timeMs) * 1000);
  const sec = Math.floor(us / 1e6);
  const frac = us - sec * 1e6;
  return `${timeMs < 0 && us !== 0 ? '-' : ''}${sec}.${String(frac).padStart(6, '0')}`;
}

// ── byte access ──────────────────────────────────────────────────────────────────────
// Callers check `has(b, off, n)` first; the readers themselves return 0 past the end so
// that a missed check yields a wrong number, never an exception or NaN.

function has(b: Uint8Array, off: number, n: number): boolean {
  return off >= 0 && off + n <= b.length;
}
function u8(b: Uint8Array, off: number): number {
  return b[off] ?? 0;
}
function u16(b: Uint8Array, off: number): number {
  return (u8(b, off) << 8) | u8(b, off + 1);
}
function u32(b: Uint8Array, off: number): number {
  return ((u8(b, off) << 24) | (u8(b, off + 1) << 16) | (u8(b, off + 2) << 8) | u8(b, off + 3)) >>> 0;
}
function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}
function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/** `aa:bb:cc:dd:ee:ff` (any length; tcpdump's linkaddr_string). */
export function formatMac(b: Uint8Array, off = 0, len = 6): string {
  const parts: string[] = [];
  for (let i = 0; i < len; i++) parts.push(hex2(u8(b, off + i)));
  return parts.join(':');
}

/** Dotted quad of the 4 bytes at `off`. */
export function formatIPv4(b: Uint8Array, off = 0): string {
  return `${u8(b, off)}.${u8(b, off + 1)}.${u8(b, off + 2)}.${u8(b, off + 3)}`;
}

/** RFC 5952 text form of the 16 bytes at `off` (longest run of >= 2 zero groups as `::`). */
export function formatIPv6(b: Uint8Array, off = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(u16(b, off + 2 * i));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const txt = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  if (best < 0) return txt(g);
  return `${txt(g.slice(0, best))}::${txt(g.slice(best + bestLen))}`;
}

// ── Ethernet (IEEE 802.3; tcpdump print-ether.c) ─────────────────────────────────────
//   0                6                12       14
//   ├─ h_dest ───────┼─ h_source ─────┼─ h_proto ┤ payload

export const ETH_HLEN = 14;
export const ETH_P_IP = 0x0800;
export const ETH_P_ARP = 0x0806;
export const ETH_P_8021Q = 0x8100;
export const ETH_P_IPV6 = 0x86dd;

/** The names tcpdump's ethertype_values table gives; anything else is "Unknown". */
const ETHERTYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0800, 'IPv4'],
  [0x0806, 'ARP'],
  [0x8035, 'Reverse ARP'],
  [0x8100, '802.1Q'],
  [0x86dd, 'IPv6'],
  [0x8847, 'MPLS unicast'],
  [0x8848, 'MPLS multicast'],
  [0x888e, 'EAPOL'],
  [0x88a8, '802.1Q-QinQ'],
  [0x88cc, 'LLDP'],
  [0x8863, 'PPPoE D'],
  [0x8864, 'PPPoE S'],
]);

export interface EthHeader {
  dst: string;
  src: string;
  /** h_proto: an ethertype when > 1500, else an 802.3 length field. */
  proto: number;
}

/** Parses the 14-byte Ethernet header, or null when fewer bytes were captured. */
export function parseEth(frame: Uint8Array): EthHeader | null {
  if (!has(frame, 0, ETH_HLEN)) return null;
  return { dst: formatMac(frame, 0), src: formatMac(frame, 6), proto: u16(frame, 12) };
}

function ethertypeText(t: number): string {
  return `ethertype ${ETHERTYPE_NAMES.get(t) ?? 'Unknown'} (0x${hex4(t)})`;
}

function formatEther(frame: Uint8Array, link: boolean): string {
  const eth = parseEth(frame);
  if (!eth) return ' [|ether]';
  const linkHdr = (what: string, len = frame.length) => `${eth.src} > ${eth.dst}, ${what}, length ${len}: `;
  let type = eth.proto;
  let off = ETH_HLEN;
  // 802.3 frames carry a length, not a type, in h_proto (values up to 1500; IEEE 802.3
  // §3.2.6). tcpdump hands those to its LLC printer, which we do not have.
  if (type <= 1500) return `${linkHdr('802.3', type)}LLC, length ${type}`;
  let out = link ? linkHdr(ethertypeText(type)) : '';
  // 802.1Q tags (and QinQ stacks): tcpdump prints them only with -e and then carries on
  // with the encapsulated type (print-ether.c "recurse").
  while (type === ETH_P_8021Q || type === 0x88a8) {
    if (!has(frame, off, 4)) return `${out} [|vlan]`;
    const tci = u16(frame, off);
    type = u16(frame, off + 2);
    if (link) {
      out += `vlan ${tci & 0x0fff}, p ${tci >> 13}${tci & 0x1000 ? ', DEI' : ''}, `;
      if (type > 1500) out += `${ethertypeText(type)}, `;
    }
    off += 4;
  }
  const payload = frame.subarray(off);
  switch (type) {
    case ETH_P_ARP:
      return out + formatArp(payload, link ? '' : 'ARP, ');
    case ETH_P_IP:
      return out + formatIPv4Packet(payload, link ? '' : 'IP ');
    case ETH_P_IPV6:
      return out + formatIPv6Packet(payload, link ? '' : 'IP6 ');
    default:
      // Unknown ethertypes get the link header even without -e (print-ether.c), so that the
      // line says what the frame was.
      return (link ? out : linkHdr(ethertypeText(type))).replace(/[,:]?\s*$/, '');
  }
}

// ── ARP (RFC 826; tcpdump print-arp.c) ───────────────────────────────────────────────
//   0        2        4     5     6        8
//   ├─ hrd ──┼─ pro ──┼ hln ┼ pln ┼─ op ───┤ sha[hln] spa[pln] tha[hln] tpa[pln]

const ARP_OPS: ReadonlyMap<number, string> = new Map([
  [1, 'Request'],
  [2, 'Reply'],
  [3, 'Reverse Request'],
  [4, 'Reverse Reply'],
  [8, 'Inverse Request'],
  [9, 'Inverse Reply'],
  [10, 'NACK Reply'],
]);
const ARP_HRD: ReadonlyMap<number, string> = new Map([
  [1, 'Ethernet'],
  [6, 'TokenRing'],
  [15, 'Frame Relay'],
  [19, 'ATM'],
  [24, 'IEEE1394'],
]);

/** `prefix` ("ARP, " without -e) is printed only once the fixed fields are known to be there. */
function formatArp(b: Uint8Array, prefix: string): string {
  // `length` is the whole Ethernet payload, padding included: a 60-byte padded request
  // prints "length 46", as tcpdump does.
  const length = b.length;
  if (!has(b, 0, 8)) return ' [|arp]';
  const hrd = u16(b, 0);
  const pro = u16(b, 2);
  const hln = u8(b, 4);
  const pln = u8(b, 5);
  const op = u16(b, 6);
  const sha = 8;
  const spa = sha + hln;
  const tha = spa + pln;
  const tpa = tha + hln;
  if (!has(b, tpa, pln)) return ' [|arp]';
  // Without -v tcpdump decodes only IPv4-over-something ARP; otherwise it names the types.
  if (pro !== ETH_P_IP || pln !== 4 || hln === 0) {
    const h = ARP_HRD.get(hrd) ?? `Unknown Hardware (${hrd})`;
    const p = ETHERTYPE_NAMES.get(pro) ?? `Unknown Protocol (0x${hex4(pro)})`;
    return `${prefix}${h} (len ${hln}), ${p} (len ${pln}), length ${length}`;
  }
  const opName = ARP_OPS.get(op) ?? `Unknown (${op})`;
  let what: string;
  switch (op) {
    case 1: {
      // RFC 826 leaves tha unspecified in a request; tcpdump shows it when it is not zero.
      let nonzero = false;
      for (let i = 0; i < hln; i++) if (u8(b, tha + i) !== 0) nonzero = true;
      what = `who-has ${formatIPv4(b, tpa)}${nonzero ? ` (${formatMac(b, tha, hln)})` : ''} tell ${formatIPv4(b, spa)}`;
      break;
    }
    case 2:
      what = `${formatIPv4(b, spa)} is-at ${formatMac(b, sha, hln)}`;
      break;
    case 3:
      what = `who-is ${formatMac(b, tha, hln)} tell ${formatMac(b, sha, hln)}`;
      break;
    case 4:
      what = `${formatMac(b, tha, hln)} at ${formatIPv4(b, tpa)}`;
      break;
    case 8: // Inverse ARP (RFC 2390): the protocol address of a known hardware address
      what = `who-is ${formatMac(b, tha, hln)} tell ${formatMac(b, sha, hln)}`;
      break;
    case 9:
      what = `${formatMac(b, sha, hln)} at ${formatIPv4(b, spa)}`;
      break;
    default:
      return `${prefix}${opName}`;
  }
  return `${prefix}${opName} ${what}, length ${length}`;
}

// ── IPv4 (RFC 791; tcpdump print-ip.c) ───────────────────────────────────────────────
//   0               1               2               3
//   ├ ver │ ihl ────┼─ tos ─────────┼─ tot_len ─────────────────────┤ 0
//   ├─ id ──────────────────────────┼ flags│ frag_off ──────────────┤ 4
//   ├─ ttl ─────────┼─ protocol ────┼─ check ───────────────────────┤ 8
//   ├─ saddr ───────────────────────────────────────────────────────┤ 12
//   ├─ daddr ───────────────────────────────────────────────────────┤ 16

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
const IP_MF = 0x2000;
const IP_DF = 0x4000;
const IP_OFFMASK = 0x1fff;

export interface IPv4Header {
  version: number;
  /** Header length in bytes (ihl * 4). */
  ihl: number;
  tos: number;
  totLen: number;
  id: number;
  df: boolean;
  mf: boolean;
  /** Fragment offset in bytes (the field counts 8-byte units). */
  fragOff: number;
  ttl: number;
  protocol: number;
  check: number;
  saddr: string;
  daddr: string;
}

/**
 * Parses the IPv4 header at `off`, or returns null when it cannot be read: fewer than 20
 * bytes (or fewer than ihl*4) captured, version not 4, or ihl below 5.
 */
export function parseIPv4(b: Uint8Array, off = 0): IPv4Header | null {
  if (!has(b, off, 20)) return null;
  const version = u8(b, off) >> 4;
  const ihl = (u8(b, off) & 0x0f) * 4;
  if (version !== 4 || ihl < 20 || !has(b, off, ihl)) return null;
  const frag = u16(b, off + 6);
  return {
    version,
    ihl,
    tos: u8(b, off + 1),
    totLen: u16(b, off + 2),
    id: u16(b, off + 4),
    df: (frag & IP_DF) !== 0,
    mf: (frag & IP_MF) !== 0,
    fragOff: (frag & IP_OFFMASK) * 8,
    ttl: u8(b, off + 8),
    protocol: u8(b, off + 9),
    check: u16(b, off + 10),
    saddr: formatIPv4(b, off + 12),
    daddr: formatIPv4(b, off + 16),
  };
}

/** An IPv4 packet (`b` = Ethernet payload); `prefix` is "IP " without -e. */
function formatIPv4Packet(b: Uint8Array, prefix: string): string {
  if (!has(b, 0, 1)) return ' [|ip]';
  const version = u8(b, 0) >> 4;
  if (version !== 4) {
    // tcpdump 4.99: the version it found instead of the "IP" label, then "(invalid)".
    return version === 6 ? 'IP6, wrong link-layer encapsulation (invalid)' : `IP${version} (invalid)`;
  }
  if (!has(b, 0, 20)) return `${prefix} [|ip]`;
  const hlen = (u8(b, 0) & 0x0f) * 4;
  if (hlen < 20) return `${prefix}bad-hlen ${hlen}`;
  const ipLen = u16(b, 2);
  if (ipLen < hlen) return `${prefix}bad-len ${ipLen}`;
  // The link layer may pad (Ethernet's 60-byte minimum): tot_len is authoritative. If the
  // frame is shorter than tot_len, tcpdump says so, still hands the transport printer the
  // length the header claims, and that printer stops where the captured bytes end.
  let out = prefix;
  if (b.length < ipLen) out += `truncated-ip - ${ipLen - b.length} bytes missing! `;
  const ip = parseIPv4(b, 0);
  if (!ip) {
    // Options cut off by the end of the capture (tcpdump 4.99 wording).
    const addrs = `${formatIPv4(b, 12)} > ${formatIPv4(b, 16)}: `;
    return `${out}${addrs} [remaining caplen(${b.length}) < header length(${hlen})] [|ip]`;
  }
  const payload = b.subarray(hlen, Math.min(ipLen, b.length));
  if (ip.fragOff !== 0) {
    // A later fragment has no transport header to show (print-ip.c).
    return `${out}${ip.saddr} > ${ip.daddr}: ip-proto-${ip.protocol}`;
  }
  return out + formatTransport(ip.protocol, ip.saddr, ip.daddr, payload, ipLen - hlen, true, ip.mf);
}

/**
 * Demultiplexes on the IP protocol number. `plen` is the payload length the IP header
 * claims (`p` may hold fewer bytes); `fragmented` marks a first fragment (MF set).
 */
function formatTransport(
  proto: number,
  src: string,
  dst: string,
  p: Uint8Array,
  plen: number,
  v4: boolean,
  fragmented = false,
): string {
  switch (proto) {
    case IPPROTO_TCP:
      return formatTcp(src, dst, p, plen);
    case IPPROTO_UDP:
      return formatUdp(src, dst, p, plen, fragmented);
    case IPPROTO_ICMP:
      // Protocol 1 inside IPv6 is not ICMPv6 (58), which we do not decode.
      if (v4) return `${src} > ${dst}: ${formatIcmp(p, plen)}`;
      return `${src} > ${dst}:  ip-proto-${proto} ${plen}`;
    default:
      return `${src} > ${dst}:  ip-proto-${proto} ${plen}`;
  }
}

// ── IPv6 (RFC 8200), only enough to name the endpoints ───────────────────────────────
//   0 ver/tc/flow (4) │ 4 payload_len (2) │ 6 nexthdr │ 7 hop_limit │ 8 saddr │ 24 daddr

function formatIPv6Packet(b: Uint8Array, prefix: string): string {
  if (!has(b, 0, 40)) return `${prefix} [|ip6]`;
  if (u8(b, 0) >> 4 !== 6) return `IP${u8(b, 0) >> 4} (invalid)`;
  const plen = u16(b, 4);
  const nh = u8(b, 6);
  const src = formatIPv6(b, 8);
  const dst = formatIPv6(b, 24);
  let out = prefix;
  if (b.length - 40 < plen) out += `truncated-ip6 - ${plen - (b.length - 40)} bytes missing! `;
  // Extension headers are not walked: their next-header number is shown as is.
  return out + formatTransport(nh, src, dst, b.subarray(40, 40 + plen), plen, false);
}

// ── UDP (RFC 768; tcpdump print-udp.c) ───────────────────────────────────────────────
//   0 source │ 2 dest │ 4 len │ 6 check

function formatUdp(src: string, dst: string, u: Uint8Array, length: number, fragmented: boolean): string {
  if (!has(u, 0, 4)) return `${src} > ${dst}:  [|udp]`;
  const addrs = `${src}.${u16(u, 0)} > ${dst}.${u16(u, 2)}: `;
  if (length < 8) return `${addrs}truncated-udp ${length}`;
  if (!has(u, 0, 8)) return `${addrs} [|udp]`;
  const ulen = u16(u, 4);
  if (ulen < 8) return `${addrs}truncated-udplength ${ulen}`;
  // A uh_len past the end of the IP packet is "bad", unless the packet is a first fragment
  // and the rest of the datagram follows in later ones (print-udp.c).
  if (ulen - 8 > length - 8 && !fragmented) return `${addrs}UDP, bad length ${ulen - 8} > ${length - 8}`;
  return `${addrs}UDP, length ${ulen - 8}`;
}

// ── TCP (RFC 9293 §3.1; tcpdump print-tcp.c) ─────────────────────────────────────────
//   0 source │ 2 dest │ 4 seq │ 8 ack_seq │ 12 doff/res │ 13 flags │ 14 window │ 16 check │ 18 urg_ptr

const TCP_FIN = 0x01;
const TCP_SYN = 0x02;
const TCP_RST = 0x04;
const TCP_ACK = 0x10;
const TCP_URG = 0x20;
/** tcpdump's tcp_flag_values, in its order: that order is why SYN|ACK prints as "S.". */
const TCP_FLAG_CHARS: ReadonlyArray<[number, string]> = [
  [0x01, 'F'],
  [0x02, 'S'],
  [0x04, 'R'],
  [0x08, 'P'],
  [0x10, '.'],
  [0x20, 'U'],
  [0x40, 'E'],
  [0x80, 'W'],
];

/** tcpdump's "Flags [...]" letters for a TCP flags byte ("none" when zero). */
export function tcpFlagsText(flags: number): string {
  let s = '';
  for (const [bit, c] of TCP_FLAG_CHARS) if (flags & bit) s += c;
  return s || 'none';
}

function formatTcp(src: string, dst: string, t: Uint8Array, length: number): string {
  if (!has(t, 0, 4)) return `${src} > ${dst}: [|tcp]`; // one space here, two for UDP: as tcpdump
  const addrs = `${src}.${u16(t, 0)} > ${dst}.${u16(t, 2)}: `;
  if (!has(t, 0, 20)) return `${addrs} [|tcp]`;
  const hlen = (u8(t, 12) >> 4) * 4;
  if (hlen < 20) return `${addrs} tcp ${length - hlen} [bad hdr length ${hlen} - too short, < 20]`;
  const seq = u32(t, 4);
  const ack = u32(t, 8);
  const flags = u8(t, 13);
  const win = u16(t, 14);
  const urp = u16(t, 18);
  let out = `${addrs}Flags [${tcpFlagsText(flags)}]`;
  if (hlen > length) return `${out} [bad hdr length ${hlen} - too long, > ${length}]`;
  const dlen = length - hlen;
  // A sequence number is shown only when the segment occupies sequence space or resets
  // (print-tcp.c); with data, as the range start:end.
  if (dlen > 0 || flags & (TCP_SYN | TCP_FIN | TCP_RST)) {
    out += `, seq ${seq}`;
    if (dlen > 0) out += `:${(seq + dlen) >>> 0}`;
  }
  if (flags & TCP_ACK) out += `, ack ${ack}`;
  out += `, win ${win}`;
  if (flags & TCP_URG) out += `, urg ${urp}`;
  if (hlen > 20) {
    // Options end the line early when cut short or malformed, as in print-tcp.c, where the
    // separator is printed before the next option is read.
    const opts = formatTcpOptions(t, 20, hlen);
    const sep = opts.parts.length > 0 ? ',' : '';
    out += `, options [${opts.parts.join(',')}`;
    if (opts.end === 'truncated') return `${out}${sep}${opts.partial} [|tcp]`;
    if (opts.end === 'bad') return `${out}${sep}${opts.partial}[bad opt]${sep ? ']' : ''}`;
    out += ']';
  }
  out += `, length ${dlen}`;
  // Options that stopped at EOL before the end of the capture still leave the header short.
  if (!has(t, 0, hlen)) out += ` [remaining caplen(${t.length}) < header length(${hlen})] [|tcp]`;
  return out;
}

/** tcpdump's tcp_option_values names (print-tcp.c). */
const TCP_OPTION_NAMES: ReadonlyMap<number, string> = new Map([
  [2, 'mss'],
  [3, 'wscale'],
  [4, 'sackOK'],
  [5, 'sack'],
  [6, 'echo'],
  [7, 'echoreply'],
  [8, 'TS'],
  [11, 'cc'],
  [12, 'ccnew'],
  [13, ''], // tcpdump names ccecho with an empty string
  [19, 'md5'],
  [28, 'uto'],
  [29, 'tcp-ao'],
  [30, 'mptcp'],
  [34, 'tfo'],
  [254, 'exp'],
]);
/** Data sizes fixed by the option's RFC; print-tcp.c reads exactly this much whatever the length byte says. */
const TCP_OPTION_DATALEN: ReadonlyMap<number, number> = new Map([
  [2, 2], // mss, RFC 9293 §3.2
  [3, 1], // wscale, RFC 7323 §2.2
  [4, 0], // sackOK, RFC 2018 §2
  [6, 4], // echo, echoreply, cc, ccnew, ccecho: obsolete 32-bit options (RFC 1072, RFC 1644)
  [7, 4],
  [8, 8], // TS val/ecr, RFC 7323 §3.2
  [11, 4],
  [12, 4],
  [13, 4],
  [19, 16], // md5 signature, RFC 2385
]);

interface TcpOptions {
  parts: string[];
  end: 'ok' | 'truncated' | 'bad';
  /** The name of the option being read when the walk stopped early ('' if none yet). */
  partial: string;
}

/**
 * Walks the options as print-tcp.c does: stop at EOL, at a length byte that does not fit
 * the header ("[bad opt]") or at the end of the captured bytes ("[|tcp]"). An option whose
 * length byte disagrees with its RFC size is read at the RFC size, flagged "[len N]", and
 * the walk resumes after the RFC size, exactly like tcpdump (so its output stays comparable).
 */
function formatTcpOptions(t: Uint8Array, start: number, end: number): TcpOptions {
  const parts: string[] = [];
  const stop = (how: 'truncated' | 'bad', partial = ''): TcpOptions => ({ parts, end: how, partial });
  let o = start;
  while (o < end) {
    if (!has(t, o, 1)) return stop('truncated');
    const kind = u8(t, o);
    if (kind === 0) {
      parts.push('eol');
      return { parts, end: 'ok', partial: '' };
    }
    if (kind === 1) {
      parts.push('nop');
      o++;
      continue;
    }
    if (!has(t, o + 1, 1)) return stop('truncated');
    const len = u8(t, o + 1);
    if (len < 2 || o + len > end) return stop('bad');
    const name = TCP_OPTION_NAMES.get(kind) ?? `unknown-${kind}`;
    const d = o + 2;
    const datalen = TCP_OPTION_DATALEN.get(kind) ?? len - 2;
    if (d + datalen > end) return stop('bad', name);
    if (!has(t, d, datalen)) {
      // Undecoded options show the data bytes that were captured before the marker.
      let partial = name;
      if (!TCP_OPTION_DATALEN.has(kind) && kind !== 5 && kind !== 254 && has(t, d, 1)) {
        partial += ' 0x';
        for (let i = d; i < t.length; i++) partial += hex2(u8(t, i));
      }
      return stop('truncated', partial);
    }
    let text: string;
    switch (kind) {
      case 2:
        text = `mss ${u16(t, d)}`;
        break;
      case 3:
        text = `wscale ${u8(t, d)}`;
        break;
      case 5: {
        // RFC 2018 §3: blocks of left:right edges, printed as "sack N {l:r}{l:r}"
        if (datalen % 8 !== 0) {
          text = 'sack invalid sack';
          break;
        }
        text = `sack ${datalen / 8} `;
        for (let i = 0; i < datalen; i += 8) text += `{${u32(t, d + i)}:${u32(t, d + i + 4)}}`;
        break;
      }
      case 8:
        text = `TS val ${u32(t, d)} ecr ${u32(t, d + 4)}`;
        break;
      case 6:
      case 7:
      case 11:
      case 12:
      case 13:
        text = `${name} ${u32(t, d)}`;
        break;
      case 19: // without the shared secret, the digest cannot be checked: show it
        text = 'md5 0x';
        for (let i = 0; i < 16; i++) text += hex2(u8(t, d + i));
        break;
      case 254:
        // RFC 6994 shared experimental option: named by its 16-bit ExID
        if (datalen < 2) return stop('bad', name);
        text = `exp-${hex4(u16(t, d))}`;
        break;
      default:
        // sackOK has no data; others are named but not decoded here (tcpdump decodes
        // MPTCP and TFO further).
        text = name;
        if (datalen > 0) {
          text += ' 0x';
          for (let i = 0; i < datalen; i++) text += hex2(u8(t, d + i));
        }
    }
    if (datalen + 2 !== len) text += `[len ${len}]`;
    parts.push(text);
    o = d + datalen;
  }
  return { parts, end: 'ok', partial: '' };
}

// ── ICMP (RFC 792; tcpdump print-icmp.c) ─────────────────────────────────────────────
//   0 type │ 1 code │ 2 checksum │ 4 rest-of-header (id/seq, unused/mtu, pointer...) │ 8 data
// Errors carry the offending IP header plus 8 bytes at offset 8 (RFC 792, RFC 1812 §4.3.2.3).

/** tcpdump's unreach2str for codes without their own format. */
const UNREACH_TEXT: ReadonlyMap<number, string> = new Map([
  [0, 'net %s unreachable'],
  [1, 'host %s unreachable'],
  [5, '%s unreachable - source route failed'],
  [6, 'net %s unreachable - unknown'],
  [7, 'host %s unreachable - unknown'],
  [8, '%s unreachable - source host isolated'],
  [9, 'net %s unreachable - admin prohibited'],
  [10, 'host %s unreachable - admin prohibited'],
  [11, 'net %s unreachable - tos prohibited'],
  [12, 'host %s unreachable - tos prohibited'],
  [13, 'host %s unreachable - admin prohibited filter'],
  [14, 'host %s unreachable - host precedence violation'],
  [15, 'host %s unreachable - precedence cutoff'],
]);
const ICMP_TYPE_TEXT: ReadonlyMap<number, string> = new Map([
  [4, 'source quench'],
  [9, 'router advertisement'],
  [10, 'router solicitation'],
  [15, 'information request'],
  [16, 'information reply'],
  [17, 'address mask request'],
  [18, 'address mask reply'],
]);

/** `b` = ICMP message as captured, `plen` = its length per the IP header. */
function formatIcmp(b: Uint8Array, plen: number): string {
  if (!has(b, 0, 2)) return ' [|icmp]';
  const type = u8(b, 0);
  const code = u8(b, 1);
  const trunc = ' [|icmp]';
  let str: string;
  switch (type) {
    case 0:
    case 8:
      if (!has(b, 4, 4)) return trunc;
      str = `echo ${type === 8 ? 'request' : 'reply'}, id ${u16(b, 4)}, seq ${u16(b, 6)}`;
      break;
    case 3: {
      // The embedded header: its destination names what was unreachable.
      if (!has(b, 8 + 16, 4)) return trunc;
      const odst = formatIPv4(b, 8 + 16);
      if (code === 2) {
        str = `${odst} protocol ${u8(b, 8 + 9)} unreachable`;
      } else if (code === 3) {
        // tcpdump prints the inner destination port only (print-icmp.c ICMP_UNREACH_PORT).
        const ohl = (u8(b, 8) & 0x0f) * 4;
        if (!has(b, 8 + ohl + 2, 2)) return trunc;
        const oproto = u8(b, 8 + 9);
        const dport = u16(b, 8 + ohl + 2);
        if (oproto === IPPROTO_TCP) str = `${odst} tcp port ${dport} unreachable`;
        else if (oproto === IPPROTO_UDP) str = `${odst} udp port ${dport} unreachable`;
        else str = `${odst} protocol ${oproto} port ${dport} unreachable`;
      } else if (code === 4) {
        // RFC 1191 §4: next-hop MTU in the low 16 bits of the second word.
        const mtu = u16(b, 6);
        str = `${odst} unreachable - need to frag${mtu ? ` (mtu ${mtu})` : ''}`;
      } else {
        str = (UNREACH_TEXT.get(code) ?? `%s unreachable - #${code}`).replace('%s', odst);
      }
      break;
    }
    case 5: {
      if (!has(b, 8 + 16, 4)) return trunc;
      const odst = formatIPv4(b, 8 + 16);
      const gw = formatIPv4(b, 4);
      const kinds = ['redirect %s to net %s', 'redirect %s to host %s', 'redirect-tos %s to net %s', 'redirect-tos %s to host %s'];
      str = (kinds[code] ?? `redirect-#${code} %s to %s`).replace('%s', odst).replace('%s', gw);
      break;
    }
    case 11:
      if (!has(b, 8 + 16, 4)) return trunc;
      str = code === 0 ? 'time exceeded in-transit' : code === 1 ? 'ip reassembly time exceeded' : `time exceeded-#${code}`;
      break;
    case 12:
      if (code !== 0) str = `parameter problem - code ${code}`;
      else if (!has(b, 4, 1)) return trunc;
      else str = `parameter problem - octet ${u8(b, 4)}`;
      break;
    case 13:
    case 14:
      if (!has(b, 4, 4)) return trunc;
      str = `time stamp ${type === 13 ? 'query' : 'reply'} id ${u16(b, 4)} seq ${u16(b, 6)}`;
      break;
    default:
      str = ICMP_TYPE_TEXT.get(type) ?? `type-#${type}`;
  }
  return `ICMP ${str}, length ${plen}`;
}
