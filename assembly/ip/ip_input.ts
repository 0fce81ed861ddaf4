// IPv4 input: validation, local delivery (with reassembly), forwarding.
// Linux: net/ipv4/ip_input.c (ip_rcv_core, ip_rcv_finish, ip_local_deliver,
// ip_protocol_deliver_rcu) and ip_forward.c. Counters as /proc/net/snmp "Ip:".
import { ld16be, st8 } from "../lib/bytes";
import { ip_fast_csum, csum_replace2 } from "../lib/checksum";
import { SNMP_INC_STATS, IPSTATS_MIB_INRECEIVES, IPSTATS_MIB_INHDRERRORS, IPSTATS_MIB_INADDRERRORS, IPSTATS_MIB_INDELIVERS, IPSTATS_MIB_INUNKNOWNPROTOS, IPSTATS_MIB_FORWDATAGRAMS, IPSTATS_MIB_INDISCARDS, IPEXT_MIB_INCSUMERRORS, IPEXT_MIB_INTRUNCATEDPKTS, IPEXT_MIB_INNOROUTES, IPEXT_MIB_INOCTETS, IPEXT_MIB_INBCASTPKTS, IPSTATS_MIB_FRAGFAILS, SNMP_ADD_STATS } from "../kernel/mib";
import { SKB_DROP_REASON_IP_CSUM, SKB_DROP_REASON_IP_INHDR, SKB_DROP_REASON_OTHERHOST, SKB_DROP_REASON_IP_NOPROTO, SKB_DROP_REASON_IP_INADDRERRORS, SKB_DROP_REASON_PKT_TOO_SMALL, SKB_DROP_REASON_IP_TTL_EXPIRED, SKB_DROP_REASON_IP_INNOROUTES, SKB_DROP_REASON_PKT_TOO_BIG } from "../kernel/drop_reason";
import { kfree_skb_reason, SkBuff, skb_cloned, skb_copy, consume_skb, skb_pull, skb_trim, skb_reset_network_header, skb_reset_transport_header, PACKET_OTHERHOST, PACKET_BROADCAST, PACKET_HOST } from "../core/skbuff";
import { dev_add_pack, NetDevice, IFF_LOOPBACK } from "../link/netdevice";
import { ETH_P_IP } from "../link/ethhdr";
import { iph_daddr, iph_frag_off, iph_ihl, iph_protocol, iph_saddr, iph_tot_len, iph_ttl, iph_version, ipv4_is_lbcast, ipv4_is_loopback, ipv4_is_multicast, ipv4_is_zeronet, IPH_CHECK, IPH_TTL, IPH_LEN_MIN, IP_MF, IP_OFFSET, IP_DF } from "./iphdr";
import { fib_dev, fib_lookup, ip_forward, RTN_LOCAL } from "./route";
import { ip_defrag } from "./ip_fragment";
import { inet_protocol_handler } from "./protocol";
import { ip_output_route } from "./ip_output";
import { icmp_send, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, ICMP_FRAG_NEEDED } from "./icmp";

/** ip_local_deliver_finish(): the transport header starts after the IP header. */
function ip_local_deliver_finish(skb: SkBuff): void {
  const h = skb.network_header;
  const proto = iph_protocol(h);
  skb_pull(skb, iph_ihl(h));
  skb_reset_transport_header(skb);
  const handler = inet_protocol_handler(proto);
  if (handler == 0) {
    SNMP_INC_STATS(IPSTATS_MIB_INUNKNOWNPROTOS);
    icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
    kfree_skb_reason(skb, SKB_DROP_REASON_IP_NOPROTO);
    return;
  }
  SNMP_INC_STATS(IPSTATS_MIB_INDELIVERS);
  call_indirect<void>(handler, changetype<usize>(skb));
}

/** ip_local_deliver(): reassembles fragments first. */
function ip_local_deliver(skb: SkBuff): void {
  const fo = iph_frag_off(skb.data);
  if ((fo & (IP_MF | IP_OFFSET)) != 0) {
    const whole = ip_defrag(skb);
    if (whole === null) return;
    skb = whole;
  }
  ip_local_deliver_finish(skb);
}

/** ip_forward(): a router's path (net.ipv4.ip_forward = 1). */
function ip_forward_skb(skb: SkBuff, daddr: u32): void {
  if (skb.pkt_type != PACKET_HOST) {
    kfree_skb_reason(skb, SKB_DROP_REASON_OTHERHOST);
    return;
  }
  const h = skb.data;
  if (iph_ttl(h) <= 1) {
    // too_many_hops: counted as a header error, then time exceeded (RFC 1812 §5.3.1).
    SNMP_INC_STATS(IPSTATS_MIB_INHDRERRORS);
    icmp_send(skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
    kfree_skb_reason(skb, SKB_DROP_REASON_IP_TTL_EXPIRED);
    return;
  }
  const rt = fib_lookup(daddr);
  if (rt === null || rt.type == RTN_LOCAL) {
    SNMP_INC_STATS(IPEXT_MIB_INNOROUTES);
    kfree_skb_reason(skb, SKB_DROP_REASON_IP_INNOROUTES);
    return;
  }
  // ip_exceeds_mtu(): a DF datagram too big for the next link is refused with
  // "fragmentation needed" carrying that link's MTU (RFC 1191), before the TTL changes.
  const odev = fib_dev(rt);
  if (odev !== null && skb.len > odev.mtu && (iph_frag_off(h) & IP_DF) != 0) {
    SNMP_INC_STATS(IPSTATS_MIB_FRAGFAILS);
    icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, odev.mtu);
    kfree_skb_reason(skb, SKB_DROP_REASON_PKT_TOO_BIG);
    return;
  }
  if (skb_cloned(skb)) {
    const c = skb_copy(skb);
    consume_skb(skb);
    if (c === null) {
      SNMP_INC_STATS(IPSTATS_MIB_INDISCARDS);
      return;
    }
    skb = c;
  }
  const hh = skb.data;
  // ip_decrease_ttl(): RFC 1624 incremental update of the checksum.
  const old = ld16be(hh + IPH_TTL);
  st8(hh + IPH_TTL, iph_ttl(hh) - 1);
  csum_replace2(hh + IPH_CHECK, old, ld16be(hh + IPH_TTL));
  SNMP_INC_STATS(IPSTATS_MIB_FORWDATAGRAMS);
  skb.pkt_type = PACKET_HOST;
  // A DF datagram too big for the next link: "fragmentation needed" with the MTU.
  ip_output_route(skb, rt, daddr);
}

/** ip_rcv(): the ETH_P_IP handler. */
function ip_rcv(skbp: usize, devp: usize): void {
  const skb = changetype<SkBuff>(skbp);
  const dev = changetype<NetDevice>(devp);
  // Frames for another MAC are not ours; Linux drops them before counting InReceives.
  if (skb.pkt_type == PACKET_OTHERHOST) {
    kfree_skb_reason(skb, SKB_DROP_REASON_OTHERHOST);
    return;
  }
  SNMP_INC_STATS(IPSTATS_MIB_INRECEIVES);
  SNMP_ADD_STATS(IPEXT_MIB_INOCTETS, skb.len);
  if (skb.len < IPH_LEN_MIN) {
    SNMP_INC_STATS(IPSTATS_MIB_INHDRERRORS);
    kfree_skb_reason(skb, SKB_DROP_REASON_PKT_TOO_SMALL);
    return;
  }
  const h = skb.data;
  const ihl = iph_ihl(h);
  if (iph_version(h) != 4 || ihl < IPH_LEN_MIN || skb.len < ihl) {
    SNMP_INC_STATS(IPSTATS_MIB_INHDRERRORS);
    kfree_skb_reason(skb, SKB_DROP_REASON_IP_INHDR);
    return;
  }
  if (ip_fast_csum(h, ihl >> 2) != 0) {
    SNMP_INC_STATS(IPEXT_MIB_INCSUMERRORS);
    SNMP_INC_STATS(IPSTATS_MIB_INHDRERRORS);
    kfree_skb_reason(skb, SKB_DROP_REASON_IP_CSUM);
    return;
  }
  const tot = iph_tot_len(h);
  if (skb.len < tot) {
    SNMP_INC_STATS(IPEXT_MIB_INTRUNCATEDPKTS);
    kfree_skb_reason(skb, SKB_DROP_REASON_PKT_TOO_SMALL);
    return;
  }
  if (tot < ihl) {
    SNMP_INC_STATS(IPSTATS_MIB_INHDRERRORS);
    kfree_skb_reason(skb, SKB_DROP_REASON_IP_INHDR);
    return;
  }
  // Ethernet padding beyond tot_len is not part of the datagram (pskb_trim_rcsum).
  skb_trim(skb, tot);
  skb_reset_network_header(skb);
  const saddr = iph_saddr(h);
  const daddr = iph_daddr(h);
  // Martians (fib_validate_source): a multicast/broadcast source, or loopback addresses
  // arriving on a real device, are dropped.
  const on_lo = (dev.flags & IFF_LOOPBACK) != 0;
  if (ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr) || (!on_lo && (ipv4_is_loopback(saddr) || ipv4_is_loopback(daddr)))) {
    SNMP_INC_STATS(IPSTATS_MIB_INADDRERRORS);
    kfree_skb_reason(skb, SKB_DROP_REASON_IP_INADDRERRORS);
    return;
  }
  // ip_route_input(): local, broadcast, or someone else's.
  if (ipv4_is_lbcast(daddr) || (dev.ip_addr != 0 && dev.prefixlen < 31 && (daddr | (0xffffffff >> dev.prefixlen)) == daddr && ((daddr ^ dev.ip_addr) >> (32 - dev.prefixlen)) == 0)) {
    SNMP_INC_STATS(IPEXT_MIB_INBCASTPKTS);
    skb.pkt_type = PACKET_BROADCAST;
    ip_local_deliver(skb);
    return;
  }
  const rt = fib_lookup(daddr);
  if (rt !== null && rt.type == RTN_LOCAL) {
    ip_local_deliver(skb);
    return;
  }
  if (ipv4_is_multicast(daddr) || ipv4_is_zeronet(daddr)) {
    SNMP_INC_STATS(IPSTATS_MIB_INADDRERRORS);
    kfree_skb_reason(skb, SKB_DROP_REASON_IP_INADDRERRORS);
    return;
  }
  if (ip_forward == 0) {
    // Not a router: ip_error() counts InAddrErrors and answers nothing.
    SNMP_INC_STATS(IPSTATS_MIB_INADDRERRORS);
    kfree_skb_reason(skb, SKB_DROP_REASON_IP_INADDRERRORS);
    return;
  }
  if (rt === null) {
    SNMP_INC_STATS(IPEXT_MIB_INNOROUTES);
    kfree_skb_reason(skb, SKB_DROP_REASON_IP_INNOROUTES);
    return;
  }
  ip_forward_skb(skb, daddr);
}

export function ip_init(): void {
  dev_add_pack(ETH_P_IP, ip_rcv.index);
}
