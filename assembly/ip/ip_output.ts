// IPv4 output: header, routing, fragmentation, hand-off to the neighbour layer.
// Linux: net/ipv4/ip_output.c (ip_queue_xmit, __ip_make_skb, ip_finish_output,
// ip_do_fragment, ip_finish_output2).
import { EMSGSIZE, ENETUNREACH, ENOBUFS } from "../abi/errno";
import { ip_fast_csum, csum_add_be, csum_fold } from "../lib/checksum";
import { ld16be, st16be } from "../lib/bytes";
import { prandom_u32, prandom_u32_max } from "../kernel/random";
import { jiffies } from "../kernel/clock";
import { SNMP_INC_STATS, IPSTATS_MIB_OUTREQUESTS, IPSTATS_MIB_OUTNOROUTES, IPSTATS_MIB_FRAGOKS, IPSTATS_MIB_FRAGCREATES, IPSTATS_MIB_FRAGFAILS, IPSTATS_MIB_OUTTRANSMITS, IPSTATS_MIB_OUTDISCARDS } from "../kernel/mib";
import { SKB_DROP_REASON_IP_OUTNOROUTES, SKB_DROP_REASON_NOMEM, SKB_DROP_REASON_PKT_TOO_BIG } from "../kernel/drop_reason";
import { alloc_skb, consume_skb, kfree_skb_reason, SkBuff, skb_push, skb_put, skb_reserve, skb_reset_network_header, MAX_HEADER } from "../core/skbuff";
import { NetDevice, NET_XMIT_DROP } from "../link/netdevice";
import { neigh_output } from "../link/neighbour";
import { iph_fill, iph_ihl, iph_tot_len, IPH_CHECK, IPH_FRAG_OFF, IPH_TOT_LEN, IP_DF, IP_MF, IP_OFFSET, IPH_LEN_MIN } from "./iphdr";
import { fib_dev, fib_lookup, fib_nexthop, FibEntry } from "./route";


/** IP_PMTUDISC_* (socket option IP_MTU_DISCOVER); WANT is the default (ip_no_pmtu_disc 0). */
// @ts-ignore: decorator
@inline export const IP_PMTUDISC_DONT: u32 = 0;
// @ts-ignore: decorator
@inline export const IP_PMTUDISC_WANT: u32 = 1;
// @ts-ignore: decorator
@inline export const IP_PMTUDISC_DO: u32 = 2;
// @ts-ignore: decorator
@inline export const IP_PMTUDISC_PROBE: u32 = 3;

// __ip_select_ident(): IDs for packets that may be fragmented come from a table of
// counters indexed by a keyed hash of (daddr, saddr, protocol), as Linux's ip_idents.
// @ts-ignore: decorator
@inline const IP_IDENTS_SZ: u32 = 2048;
const ip_idents: usize = memory.data(IP_IDENTS_SZ * 4, 4);
const ip_tstamps: usize = memory.data(IP_IDENTS_SZ * 4, 4);
let ip_idents_key: u32 = 0;

export function ip_output_init(): void {
  ip_idents_key = prandom_u32();
  for (let i: u32 = 0; i < IP_IDENTS_SZ; i++) {
    store<u32>(ip_idents + (<usize>i << 2), prandom_u32());
    store<u32>(ip_tstamps + (<usize>i << 2), jiffies);
  }
}

function ip_select_ident(daddr: u32, saddr: u32, proto: u32): u32 {
  let h = (daddr ^ ip_idents_key) * 0x9e3779b1;
  h ^= (saddr + proto) * 0x85ebca77;
  h ^= h >>> 15;
  const slot = <usize>(h & (IP_IDENTS_SZ - 1)) << 2;
  // ip_idents_reserve(): the counter also jumps by a random amount below the jiffies
  // elapsed since the bucket was last used, so IDs do not reveal the traffic in between.
  const old = load<u32>(ip_tstamps + slot);
  const now = jiffies;
  let delta: u32 = 0;
  if (old != now) {
    store<u32>(ip_tstamps + slot, now);
    delta = prandom_u32_max(now - old);
  }
  const id = load<u32>(ip_idents + slot) + 1 + delta;
  store<u32>(ip_idents + slot, id);
  return id & 0xffff;
}

/** Recomputes the header checksum of the IPv4 header at h (ip_send_check). */
export function ip_send_check(h: usize): void {
  store<u16>(h + IPH_CHECK, 0);
  store<u16>(h + IPH_CHECK, <u16>ip_fast_csum(h, iph_ihl(h) >> 2));
}

/**
 * ip_finish_output2(): the last IP step; OutTransmits counts each packet (fragment) here.
 */
function ip_finish_output2(skb: SkBuff, dev: NetDevice, nexthop: u32): i32 {
  SNMP_INC_STATS(IPSTATS_MIB_OUTTRANSMITS);
  const rc = neigh_output(skb, dev, nexthop);
  return rc == NET_XMIT_DROP ? -ENOBUFS : 0;
}

/**
 * ip_do_fragment(): splits a datagram into MTU-sized fragments (data in multiples of 8),
 * copying the header into each; the original is consumed.
 */
function ip_fragment(skb: SkBuff, dev: NetDevice, nexthop: u32, mtu: u32): i32 {
  const h = skb.data;
  const hlen = iph_ihl(h);
  const total = iph_tot_len(h);
  const base_off = (ld16be(h + IPH_FRAG_OFF) & IP_OFFSET) << 3;
  const more_after = (ld16be(h + IPH_FRAG_OFF) & IP_MF) != 0;
  const chunk = (mtu - hlen) & ~7;
  if (chunk < 8) {
    SNMP_INC_STATS(IPSTATS_MIB_FRAGFAILS);
    kfree_skb_reason(skb, SKB_DROP_REASON_PKT_TOO_BIG);
    return -EMSGSIZE;
  }
  let off: u32 = hlen;
  let err: i32 = 0;
  while (off < total) {
    let len = total - off;
    if (len > chunk) len = chunk;
    const last = off + len >= total;
    const f = alloc_skb(MAX_HEADER + hlen + len);
    if (f === null) {
      SNMP_INC_STATS(IPSTATS_MIB_FRAGFAILS);
      kfree_skb_reason(skb, SKB_DROP_REASON_NOMEM);
      return -ENOBUFS;
    }
    skb_reserve(f, MAX_HEADER);
    const fh = skb_put(f, hlen + len);
    // Options would be copied only into the first fragment (ip_options_fragment); we emit
    // none, so the header copies as is.
    memory.copy(fh, h, hlen);
    memory.copy(fh + hlen, h + off, len);
    skb_reset_network_header(f);
    f.dev = skb.dev;
    f.tstamp = skb.tstamp;
    st16be(fh + IPH_TOT_LEN, hlen + len);
    let fo = ((base_off + off - hlen) >> 3) & IP_OFFSET;
    if (!last || more_after) fo |= IP_MF;
    fo |= ld16be(h + IPH_FRAG_OFF) & ~(IP_OFFSET | IP_MF) & 0xffff;
    st16be(fh + IPH_FRAG_OFF, fo);
    ip_send_check(fh);
    SNMP_INC_STATS(IPSTATS_MIB_FRAGCREATES);
    const rc = ip_finish_output2(f, dev, nexthop);
    if (rc != 0) err = rc;
    off += len;
  }
  SNMP_INC_STATS(IPSTATS_MIB_FRAGOKS);
  consume_skb(skb);
  return err;
}

/**
 * ip_finish_output(): sends a complete datagram (skb.data at the IP header) out of dev,
 * fragmenting it when it exceeds the MTU and DF is clear.
 */
export function ip_finish_output(skb: SkBuff, dev: NetDevice, nexthop: u32): i32 {
  const h = skb.data;
  if (skb.len > dev.mtu) {
    if ((ld16be(h + IPH_FRAG_OFF) & IP_DF) != 0) {
      SNMP_INC_STATS(IPSTATS_MIB_FRAGFAILS);
      kfree_skb_reason(skb, SKB_DROP_REASON_PKT_TOO_BIG);
      return -EMSGSIZE;
    }
    return ip_fragment(skb, dev, nexthop, dev.mtu);
  }
  return ip_finish_output2(skb, dev, nexthop);
}

/**
 * Builds the IPv4 header in front of the transport data in skb and sends it.
 * `id` < 0 asks for Linux's ID choice (0 with DF, else the per-destination counter).
 * Returns 0, or -ENETUNREACH (no route), -EMSGSIZE (DF and too big), -ENOBUFS.
 */
export function ip_build_and_send(skb: SkBuff, saddr: u32, daddr: u32, proto: u32, ttl: u32, tos: u32, pmtudisc: u32, id: i32): i32 {
  return ip_build_and_send_rt(skb, fib_lookup(daddr), saddr, daddr, proto, ttl, tos, pmtudisc, id);
}

/** The same, on a route the caller already looked up (udp_sendmsg's flowi4 route). */
export function ip_build_and_send_rt(skb: SkBuff, rt: FibEntry | null, saddr: u32, daddr: u32, proto: u32, ttl: u32, tos: u32, pmtudisc: u32, id: i32): i32 {
  SNMP_INC_STATS(IPSTATS_MIB_OUTREQUESTS);
  const dev: NetDevice | null = rt === null ? null : fib_dev(rt);
  if (rt === null || dev === null) {
    SNMP_INC_STATS(IPSTATS_MIB_OUTNOROUTES);
    kfree_skb_reason(skb, SKB_DROP_REASON_IP_OUTNOROUTES);
    return -ENETUNREACH;
  }
  const tot = skb.len + IPH_LEN_MIN;
  // __ip_make_skb(): DF when the socket insists, or wants PMTU discovery and it fits.
  let frag_off: u32 = 0;
  if (pmtudisc == IP_PMTUDISC_DO || pmtudisc == IP_PMTUDISC_PROBE || (pmtudisc == IP_PMTUDISC_WANT && tot <= dev.mtu)) frag_off = IP_DF;
  let ident: u32;
  if (id >= 0) ident = <u32>id & 0xffff;
  else if (frag_off != 0) ident = 0;
  else ident = ip_select_ident(daddr, saddr, proto);
  const h = skb_push(skb, IPH_LEN_MIN);
  skb_reset_network_header(skb);
  iph_fill(h, tos, tot, ident, frag_off, ttl, proto, saddr, daddr);
  // ip_send_check(): ip_fast_csum over the header, summed here from the values just
  // stored (version/ihl|tos, tot_len, id, frag_off, ttl|protocol, a zero check, the two
  // addresses) rather than read back (csum_add_be says why).
  const hsum = (0x4500 | (tos & 0xff)) + (tot & 0xffff) + (ident & 0xffff) + (frag_off & 0xffff) + (((ttl & 0xff) << 8) | (proto & 0xff)) +
    (saddr >>> 16) + (saddr & 0xffff) + (daddr >>> 16) + (daddr & 0xffff);
  store<u16>(h + IPH_CHECK, <u16>csum_fold(csum_add_be(0, hsum)));
  const rc = ip_finish_output(skb, dev, fib_nexthop(rt, daddr));
  // ip_send_skb(): a datagram the device queue refused counts as an output discard.
  if (rc == -ENOBUFS) SNMP_INC_STATS(IPSTATS_MIB_OUTDISCARDS);
  return rc;
}

/** Sends an already-built datagram (forwarding, ICMP replies that keep their header). */
export function ip_output_route(skb: SkBuff, rt: FibEntry, daddr: u32): i32 {
  const dev = fib_dev(rt);
  if (dev === null) {
    SNMP_INC_STATS(IPSTATS_MIB_OUTDISCARDS);
    kfree_skb_reason(skb, SKB_DROP_REASON_IP_OUTNOROUTES);
    return -ENETUNREACH;
  }
  return ip_finish_output(skb, dev, fib_nexthop(rt, daddr));
}
