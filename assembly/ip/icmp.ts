// ICMP (RFC 792). Linux: net/ipv4/icmp.c. Echo requests get replies; errors received
// are handed to the inner datagram's protocol (udp_err, ping_err) through the inet
// protocol table; icmp_send() builds errors about a datagram we received or could not
// deliver (port/protocol unreachable, time exceeded, host unreachable after ARP fails).
// Errors and replies pass the rate limiters first: icmp_msgs_per_sec for the whole host,
// icmp_ratelimit per destination (inetpeer.ts), for the types in icmp_ratemask.
//
//   0 ├ type ┼ code ┼─ checksum ──┤ 4 ├─ id / unused ──┼─ sequence / mtu ─┤ 8 ├ data ...
import { IPPROTO_ICMP } from "../abi/in";
import { ld16be, ld32be, ld8, st8, st32be } from "../lib/bytes";
import { csum_fold, csum_partial } from "../lib/checksum";
import { SNMP_INC_STATS, ICMP_MIB_OUTRATELIMITGLOBAL, ICMP_MIB_OUTRATELIMITHOST, ICMP_MIB_INMSGS, ICMP_MIB_INERRORS, ICMP_MIB_INCSUMERRORS, ICMP_MIB_INDESTUNREACHS, ICMP_MIB_INTIMEEXCDS, ICMP_MIB_INPARMPROBS, ICMP_MIB_INECHOS, ICMP_MIB_INECHOREPS, ICMP_MIB_OUTMSGS, ICMP_MIB_OUTDESTUNREACHS, ICMP_MIB_OUTTIMEEXCDS, ICMP_MIB_OUTECHOREPS, ICMP_MIB_OUTECHOS, ICMP_MIB_INSRCQUENCHS, ICMP_MIB_INREDIRECTS, ICMP_MIB_INTIMESTAMPS, ICMP_MIB_OUTPARMPROBS } from "../kernel/mib";
import { SKB_DROP_REASON_ICMP_CSUM, SKB_DROP_REASON_PKT_TOO_SMALL, SKB_DROP_REASON_NOT_SPECIFIED } from "../kernel/drop_reason";
import { alloc_skb, consume_skb, kfree_skb_reason, SkBuff, skb_put, skb_reserve, MAX_HEADER, PACKET_HOST } from "../core/skbuff";
import { HZ, jiffies } from "../kernel/clock";
import { prandom_u32_max } from "../kernel/random";
import { arp_set_error_report } from "../link/arp";
import { dev_get_by_index, IFF_LOOPBACK } from "../link/netdevice";
import { iph_daddr, iph_frag_off, iph_ihl, iph_protocol, iph_saddr, iph_tos, ipv4_is_lbcast, ipv4_is_multicast, ipv4_is_zeronet, IPH_LEN_MIN, IP_OFFSET, IPDEFTTL } from "./iphdr";
import { inet_add_protocol, inet_protocol_err_handler } from "./protocol";
import { ip_build_and_send, IP_PMTUDISC_DONT } from "./ip_output";
import { fib_dev, fib_lookup, fib_saddr, ip_is_local, FibEntry } from "./route";
import { inet_getpeer_v4, inet_peer_xrlim_allow } from "./inetpeer";
import { ipfrag_set_icmp } from "./ip_fragment";

// @ts-ignore: decorator
@inline export const ICMP_ECHOREPLY: u32 = 0;
// @ts-ignore: decorator
@inline export const ICMP_DEST_UNREACH: u32 = 3;
// @ts-ignore: decorator
@inline export const ICMP_SOURCE_QUENCH: u32 = 4;
// @ts-ignore: decorator
@inline export const ICMP_REDIRECT: u32 = 5;
// @ts-ignore: decorator
@inline export const ICMP_ECHO: u32 = 8;
// @ts-ignore: decorator
@inline export const ICMP_TIME_EXCEEDED: u32 = 11;
// @ts-ignore: decorator
@inline export const ICMP_PARAMETERPROB: u32 = 12;
// @ts-ignore: decorator
@inline export const ICMP_TIMESTAMP: u32 = 13;
// codes
// @ts-ignore: decorator
@inline export const ICMP_NET_UNREACH: u32 = 0;
// @ts-ignore: decorator
@inline export const ICMP_HOST_UNREACH: u32 = 1;
// @ts-ignore: decorator
@inline export const ICMP_PROT_UNREACH: u32 = 2;
// @ts-ignore: decorator
@inline export const ICMP_PORT_UNREACH: u32 = 3;
// @ts-ignore: decorator
@inline export const ICMP_FRAG_NEEDED: u32 = 4;
// @ts-ignore: decorator
@inline export const ICMP_EXC_TTL: u32 = 0;
// @ts-ignore: decorator
@inline export const ICMP_EXC_FRAGTIME: u32 = 1;
// @ts-ignore: decorator
@inline export const ICMPH_LEN: u32 = 8;
// @ts-ignore: decorator
@inline const NR_ICMP_TYPES: u32 = 18;

/** net.ipv4.icmp_echo_ignore_all / icmp_echo_ignore_broadcasts (Linux: 0 / 1). */
export let icmp_echo_ignore_all: u32 = 0;
export let icmp_echo_ignore_broadcasts: u32 = 1;
export function set_icmp_echo_ignore_all(v: u32): void { icmp_echo_ignore_all = v; }
export function set_icmp_echo_ignore_broadcasts(v: u32): void { icmp_echo_ignore_broadcasts = v; }

// ───── rate limiting (icmp.c: icmp_global_allow, icmpv4_mask_allow, icmpv4_xrlim_allow) ─────

/**
 * net.ipv4.icmp_ratelimit: jiffies of per-destination credit one message costs (Linux
 * 1 * HZ; the sysctl is in ms, and HZ = 1000 here). 0 turns the per-destination limit off.
 */
export let icmp_ratelimit: u32 = HZ;
/** net.ipv4.icmp_ratemask: the limited types, bit = 1 << type. Linux 0x1818: dest
 *  unreachable (3), source quench (4), time exceeded (11), parameter problem (12). */
export let icmp_ratemask: u32 = 0x1818;
/** net.ipv4.icmp_msgs_per_sec / icmp_msgs_burst: the host-wide token bucket (Linux 6.x
 *  defaults 1000 / 50, as this machine's 6.18 reports). */
export let icmp_msgs_per_sec: u32 = 1000;
export let icmp_msgs_burst: u32 = 50;
export function set_icmp_ratelimit(v: u32): void { icmp_ratelimit = v; }
export function set_icmp_ratemask(v: u32): void { icmp_ratemask = v; }
export function set_icmp_msgs_per_sec(v: u32): void { icmp_msgs_per_sec = v; }
export function set_icmp_msgs_burst(v: u32): void { icmp_msgs_burst = v; }

/** net->ipv4.icmp_global_credit: may go negative (icmp_global_consume takes 0-2). */
let icmp_global_credit: i32 = 0;
/** net->ipv4.icmp_global_stamp. kstack: it starts a second before boot; Linux's starts at
 *  0 against jiffies that are far from 0, so its first refill is a full second's worth. */
let icmp_global_stamp: u32 = 0 - HZ;

/**
 * icmp_global_allow(): may one more limited message go out? Credit left says yes; an
 * empty bucket is refilled at icmp_msgs_per_sec, at most a second's worth and at most
 * icmp_msgs_burst, but no more often than every HZ/50 jiffies.
 */
function icmp_global_allow(): bool {
  if (icmp_global_credit > 0) return true;
  let delta = jiffies - icmp_global_stamp;
  if (delta > HZ) delta = HZ;
  if (delta < HZ / 50) return false;
  // f64: msgs_per_sec × delta overflows 32 bits (Linux fixed the same overflow with div_u64).
  const incr = <u32>Math.floor(<f64>icmp_msgs_per_sec * <f64>delta / <f64>HZ);
  if (incr == 0) return false;
  icmp_global_stamp = jiffies;
  const credit = <f64>icmp_global_credit + <f64>incr;
  icmp_global_credit = <i32>(credit < <f64>icmp_msgs_burst ? credit : <f64>icmp_msgs_burst);
  return true;
}

/**
 * icmp_global_consume(): a message that went out takes a random 0, 1 or 2 credits (Linux
 * since 5.10, "icmp: randomize the global rate limiter", CVE-2020-25705: the exact count
 * was a side channel). The randomness is the seeded PRNG's, so runs stay reproducible.
 */
function icmp_global_consume(): void {
  icmp_global_credit -= <i32>prandom_u32_max(3);
}

/** icmpv4_mask_allow(): true for messages no limiter applies to. */
function icmpv4_mask_allow(type: u32, code: u32): bool {
  if (type > NR_ICMP_TYPES) return true;
  // Fragmentation needed is always allowed: PMTU discovery must not be starved.
  if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED) return true;
  return ((1 << type) & icmp_ratemask) == 0;
}

// icmpv4_global_allow's verdicts. RL_APPLY is Linux's apply_ratelimit out-parameter: the
// message passed the host-wide bucket and still faces the per-destination one. A return
// value rather than a module global, so that no state outlives the message it is about.
// @ts-ignore: decorator
@inline const RL_DENY: u32 = 0;
// @ts-ignore: decorator
@inline const RL_EXEMPT: u32 = 1;
// @ts-ignore: decorator
@inline const RL_APPLY: u32 = 2;

/** icmpv4_global_allow(): the host-wide check, made before any route lookup. */
function icmpv4_global_allow(type: u32, code: u32): u32 {
  if (icmpv4_mask_allow(type, code)) return RL_EXEMPT;
  if (icmp_global_allow()) return RL_APPLY;
  SNMP_INC_STATS(ICMP_MIB_OUTRATELIMITGLOBAL);
  return RL_DENY;
}

/**
 * icmpv4_xrlim_allow(): the per-destination check on the route the message takes. No limit
 * on loopback. A message allowed here is the one that consumes global credit (Linux 6.10,
 * "icmp: change the order of rate limits": a host-limited message costs no global credit).
 * Only for a message icmpv4_global_allow answered RL_APPLY.
 */
function icmpv4_xrlim_allow(rt: FibEntry, daddr: u32): bool {
  let rc = true;
  const dev = fib_dev(rt);
  if (dev === null || (dev.flags & IFF_LOOPBACK) == 0) rc = inet_peer_xrlim_allow(inet_getpeer_v4(daddr), icmp_ratelimit);
  if (!rc) SNMP_INC_STATS(ICMP_MIB_OUTRATELIMITHOST);
  else icmp_global_consume();
  return rc;
}

/** ICMP error types (icmp_pointers[type].error): errors are never answered with errors. */
// @ts-ignore: decorator
@inline function icmp_is_error(type: u32): bool {
  return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH || type == ICMP_REDIRECT || type == ICMP_TIME_EXCEEDED || type == ICMP_PARAMETERPROB;
}

function out_counter(type: u32): void {
  SNMP_INC_STATS(ICMP_MIB_OUTMSGS);
  if (type == ICMP_DEST_UNREACH) SNMP_INC_STATS(ICMP_MIB_OUTDESTUNREACHS);
  else if (type == ICMP_TIME_EXCEEDED) SNMP_INC_STATS(ICMP_MIB_OUTTIMEEXCDS);
  else if (type == ICMP_ECHOREPLY) SNMP_INC_STATS(ICMP_MIB_OUTECHOREPS);
  else if (type == ICMP_ECHO) SNMP_INC_STATS(ICMP_MIB_OUTECHOS);
  else if (type == ICMP_PARAMETERPROB) SNMP_INC_STATS(ICMP_MIB_OUTPARMPROBS);
}

/**
 * Sends an ICMP message: 8-byte header (rest = `rest`), then `len` bytes from `data`.
 * Used for echo replies and errors; ping sockets build their own requests.
 */
export function icmp_push_reply(type: u32, code: u32, rest: u32, data: usize, len: u32, saddr: u32, daddr: u32, tos: u32): i32 {
  const skb = alloc_skb(MAX_HEADER + ICMPH_LEN + len);
  if (skb === null) return -105;
  skb_reserve(skb, MAX_HEADER);
  const p = skb_put(skb, ICMPH_LEN + len);
  st8(p, type);
  st8(p + 1, code);
  store<u16>(p + 2, 0);
  st32be(p + 4, rest);
  memory.copy(p + ICMPH_LEN, data, len);
  store<u16>(p + 2, <u16>csum_fold(csum_partial(p, <i32>(ICMPH_LEN + len), 0)));
  out_counter(type);
  // The kernel's ICMP socket does not set DF (IP_PMTUDISC_DONT) and uses the default TTL.
  return ip_build_and_send(skb, saddr, daddr, IPPROTO_ICMP, IPDEFTTL, tos, IP_PMTUDISC_DONT, -1);
}

/**
 * icmp_send(): an error about skb_in, whose network_header is the offending datagram.
 * Not sent (RFC 1122 §3.2.2) about ICMP errors, non-first fragments, broadcast or
 * multicast datagrams, or a source that is not a unique host.
 */
export function icmp_send(skb_in: SkBuff, type: u32, code: u32, info: u32): void {
  const h = skb_in.network_header;
  if (h == 0) return;
  const saddr = iph_saddr(h);
  const daddr = iph_daddr(h);
  if (skb_in.pkt_type != PACKET_HOST && skb_in.pkt_type != 5 && skb_in.pkt_type != 4) return;
  if (ipv4_is_multicast(daddr) || ipv4_is_lbcast(daddr)) return;
  if (ipv4_is_zeronet(saddr) || ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr)) return;
  if ((iph_frag_off(h) & IP_OFFSET) != 0) return;
  const ihl = iph_ihl(h);
  if (iph_protocol(h) == IPPROTO_ICMP) {
    const avail = <u32>(skb_in.tail - h);
    if (avail < ihl + 1) return;
    if (icmp_is_error(ld8(h + ihl))) return;
  }
  // The host-wide limit (icmp_msgs_per_sec), except for a datagram that arrived on
  // loopback, which icmp_send exempts before it looks at the global bucket.
  const in_dev = dev_get_by_index(skb_in.dev);
  let rl = RL_EXEMPT;
  if (in_dev === null || (in_dev.flags & IFF_LOOPBACK) == 0) {
    rl = icmpv4_global_allow(type, code);
    if (rl == RL_DENY) return;
  }
  // icmp_route_lookup(): no route back to the source, no error.
  const rt = fib_lookup(saddr);
  if (rt === null) return;
  // Source: the address the datagram was sent to, if it is ours; else the route's.
  const src = ip_is_local(daddr) ? daddr : fib_saddr(rt, saddr);
  if (rl == RL_APPLY && !icmpv4_xrlim_allow(rt, saddr)) return;
  // Quote as much of the datagram as fits in 576 bytes (RFC 1812 §4.3.2.3, Linux).
  let qlen = <u32>(skb_in.tail - h);
  const room: u32 = 576 - IPH_LEN_MIN - ICMPH_LEN;
  if (qlen > room) qlen = room;
  const tos = (iph_tos(h) & 0x1e) | 0xc0; // IPTOS_PREC_INTERNETCONTROL
  icmp_push_reply(type, code, info, h, qlen, src, saddr, tos);
}

// Upcalls for ping sockets (udp/ping.ts registers them: ping_rcv and ping_err).
let echoreply_fn: u32 = 0;
let ping_err_fn: u32 = 0;
export function icmp_register_ping(echoreply: u32, err: u32): void {
  echoreply_fn = echoreply;
  ping_err_fn = err;
}

/** icmp_echo(): answers an echo request with the same id, sequence and data. */
function icmp_echo(skb: SkBuff): void {
  const h = skb.network_header;
  if (icmp_echo_ignore_all != 0) { consume_skb(skb); return; }
  if (skb.pkt_type != PACKET_HOST && icmp_echo_ignore_broadcasts != 0) { consume_skb(skb); return; }
  // icmp_reply(): the same two limiters (echo replies are outside the default ratemask),
  // without the loopback exemption on the way in; the route's loopback one still holds.
  const p = skb.data;
  const saddr = iph_saddr(h);
  const rl = icmpv4_global_allow(ICMP_ECHOREPLY, 0);
  if (rl == RL_DENY) { consume_skb(skb); return; }
  if (rl == RL_APPLY) {
    const rt = fib_lookup(saddr);
    if (rt !== null && !icmpv4_xrlim_allow(rt, saddr)) { consume_skb(skb); return; }
  }
  icmp_push_reply(ICMP_ECHOREPLY, 0, ld32be(p + 4), p + ICMPH_LEN, skb.len - ICMPH_LEN, iph_daddr(h), saddr, iph_tos(h));
  consume_skb(skb);
}

/** icmp_unreach(): checks the quoted header and calls the inner protocol's err_handler. */
function icmp_unreach(skb: SkBuff, type: u32, code: u32): void {
  if (skb.len < ICMPH_LEN + IPH_LEN_MIN) {
    SNMP_INC_STATS(ICMP_MIB_INERRORS);
    kfree_skb_reason(skb, SKB_DROP_REASON_PKT_TOO_SMALL);
    return;
  }
  const inner = skb.data + ICMPH_LEN;
  const ihl = iph_ihl(inner);
  if (ihl < IPH_LEN_MIN || skb.len < ICMPH_LEN + ihl + 8) {
    SNMP_INC_STATS(ICMP_MIB_INERRORS);
    kfree_skb_reason(skb, SKB_DROP_REASON_PKT_TOO_SMALL);
    return;
  }
  const info = ld16be(skb.data + 6); // the next-hop MTU for FRAG_NEEDED
  const proto = iph_protocol(inner);
  const handler = proto == IPPROTO_ICMP ? ping_err_fn : inet_protocol_err_handler(proto);
  if (handler != 0) call_indirect<void>(handler, changetype<usize>(skb), type, code, info, inner);
  consume_skb(skb);
}

/** icmp_rcv(): the IPPROTO_ICMP handler; skb.data at the ICMP header. */
function icmp_rcv(skbp: usize): void {
  const skb = changetype<SkBuff>(skbp);
  if (skb.len < ICMPH_LEN) {
    SNMP_INC_STATS(ICMP_MIB_INERRORS);
    kfree_skb_reason(skb, SKB_DROP_REASON_PKT_TOO_SMALL);
    return;
  }
  if (csum_fold(csum_partial(skb.data, <i32>skb.len, 0)) != 0) {
    SNMP_INC_STATS(ICMP_MIB_INCSUMERRORS);
    SNMP_INC_STATS(ICMP_MIB_INERRORS);
    kfree_skb_reason(skb, SKB_DROP_REASON_ICMP_CSUM);
    return;
  }
  SNMP_INC_STATS(ICMP_MIB_INMSGS);
  const type = ld8(skb.data);
  const code = ld8(skb.data + 1);
  switch (type) {
    case ICMP_ECHO:
      SNMP_INC_STATS(ICMP_MIB_INECHOS);
      icmp_echo(skb);
      return;
    case ICMP_ECHOREPLY:
      SNMP_INC_STATS(ICMP_MIB_INECHOREPS);
      if (echoreply_fn != 0) call_indirect<void>(echoreply_fn, skbp);
      else consume_skb(skb);
      return;
    case ICMP_DEST_UNREACH:
      SNMP_INC_STATS(ICMP_MIB_INDESTUNREACHS);
      icmp_unreach(skb, type, code);
      return;
    case ICMP_TIME_EXCEEDED:
      SNMP_INC_STATS(ICMP_MIB_INTIMEEXCDS);
      icmp_unreach(skb, type, code);
      return;
    case ICMP_PARAMETERPROB:
      SNMP_INC_STATS(ICMP_MIB_INPARMPROBS);
      icmp_unreach(skb, type, code);
      return;
    case ICMP_SOURCE_QUENCH:
      SNMP_INC_STATS(ICMP_MIB_INSRCQUENCHS);
      break;
    case ICMP_REDIRECT:
      SNMP_INC_STATS(ICMP_MIB_INREDIRECTS);
      break;
    case ICMP_TIMESTAMP:
      SNMP_INC_STATS(ICMP_MIB_INTIMESTAMPS);
      break;
    default:
      break;
  }
  // Types we do not act on are counted and consumed (Linux: icmp_discard).
  kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
}

/** ipv4_link_failure(): ARP gave up on the next hop of an outgoing datagram. */
function ipv4_link_failure(skbp: usize): void {
  const skb = changetype<SkBuff>(skbp);
  // The datagram is ours, outgoing: the error goes back to our own socket over lo.
  skb.pkt_type = PACKET_HOST;
  icmp_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
}

function ip_expire_icmp(skbp: usize): void {
  icmp_send(changetype<SkBuff>(skbp), ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0);
}

export function icmp_init(): void {
  inet_add_protocol(IPPROTO_ICMP, icmp_rcv.index, 0);
  arp_set_error_report(ipv4_link_failure.index);
  ipfrag_set_icmp(ip_expire_icmp.index);
}
