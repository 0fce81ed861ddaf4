// ARP for IPv4 over Ethernet (RFC 826). Linux: net/ipv4/arp.c (arp_rcv, arp_process,
// arp_solicit, arp_send). Requests for our address create a STALE entry for the asker and
// get a reply; a reply to us confirms (REACHABLE) an entry we created; unsolicited replies
// create nothing (net.ipv4.conf.*.arp_accept = 0).
//
//   0 ├ htype ┼ ptype ┤ 4 ├hlen┼plen┼ oper ┤ 8 ├ sha (6) ┤ 14 ├ spa ┤ 18 ├ tha (6) ┤ 24 ├ tpa ┤ 28
import { ld16be, ld32be, ld48be, st16be, st32be, st48be, ld8, st8 } from "../lib/bytes";
import { SKB_DROP_REASON_ARP_INVALID, SKB_DROP_REASON_PKT_TOO_SMALL, SKB_DROP_REASON_OTHERHOST } from "../kernel/drop_reason";
import { alloc_skb, consume_skb, kfree_skb_reason, SkBuff, skb_put, skb_push, skb_reserve, MAX_HEADER, PACKET_OTHERHOST } from "../core/skbuff";
import { dev_add_pack, dev_get_by_index, dev_queue_xmit, NetDevice } from "./netdevice";
import { eth_header_fill, ETH_BROADCAST, ETH_HLEN, ETH_P_ARP, ETH_P_IP } from "./ethhdr";
import { Neighbour, neigh_create, neigh_lookup, neigh_register, neigh_update, NUD_REACHABLE, NUD_STALE, NUD_PROBE } from "./neighbour";

// @ts-ignore: decorator
@inline const ARP_HTYPE: usize = 0;
// @ts-ignore: decorator
@inline const ARP_PTYPE: usize = 2;
// @ts-ignore: decorator
@inline const ARP_HLEN: usize = 4;
// @ts-ignore: decorator
@inline const ARP_PLEN: usize = 5;
// @ts-ignore: decorator
@inline const ARP_OPER: usize = 6;
// @ts-ignore: decorator
@inline const ARP_SHA: usize = 8;
// @ts-ignore: decorator
@inline const ARP_SPA: usize = 14;
// @ts-ignore: decorator
@inline const ARP_THA: usize = 18;
// @ts-ignore: decorator
@inline const ARP_TPA: usize = 24;
// @ts-ignore: decorator
@inline const ARP_LEN: u32 = 28;
// @ts-ignore: decorator
@inline const ARPOP_REQUEST: u32 = 1;
// @ts-ignore: decorator
@inline const ARPOP_REPLY: u32 = 2;

/** arp_send(): builds and transmits one ARP packet. */
function arp_send(op: u32, dev: NetDevice, dst_mac: u64, tha: u64, tip: u32): void {
  const skb = alloc_skb(MAX_HEADER + ARP_LEN);
  if (skb === null) return; // counted as NOMEM by the pool; ARP retries on its timer
  skb_reserve(skb, MAX_HEADER);
  const p = skb_put(skb, ARP_LEN);
  st16be(p + ARP_HTYPE, 1);
  st16be(p + ARP_PTYPE, ETH_P_IP);
  st8(p + ARP_HLEN, 6);
  st8(p + ARP_PLEN, 4);
  st16be(p + ARP_OPER, op);
  st48be(p + ARP_SHA, dev.mac);
  st32be(p + ARP_SPA, dev.ip_addr);
  st48be(p + ARP_THA, tha);
  st32be(p + ARP_TPA, tip);
  const h = skb_push(skb, ETH_HLEN);
  eth_header_fill(h, dst_mac, dev.mac, ETH_P_ARP);
  dev_queue_xmit(skb, dev);
}

/** arp_solicit(): a broadcast request while INCOMPLETE, a unicast probe in PROBE. */
function arp_solicit(np: usize): void {
  const n = changetype<Neighbour>(np);
  const dev = dev_get_by_index(n.ifindex);
  if (dev === null) return;
  const unicast = n.nud_state == NUD_PROBE;
  arp_send(ARPOP_REQUEST, dev, unicast ? n.mac : ETH_BROADCAST, 0, n.ip);
}

/** arp_rcv() + arp_process(). */
function arp_rcv(skbp: usize, devp: usize): void {
  const skb = changetype<SkBuff>(skbp);
  const dev = changetype<NetDevice>(devp);
  if (skb.len < ARP_LEN) {
    kfree_skb_reason(skb, SKB_DROP_REASON_PKT_TOO_SMALL);
    return;
  }
  const p = skb.data;
  if (ld16be(p + ARP_HTYPE) != 1 || ld16be(p + ARP_PTYPE) != ETH_P_IP || ld8(p + ARP_HLEN) != 6 || ld8(p + ARP_PLEN) != 4) {
    kfree_skb_reason(skb, SKB_DROP_REASON_ARP_INVALID);
    return;
  }
  const op = ld16be(p + ARP_OPER);
  const sha = ld48be(p + ARP_SHA);
  const sip = ld32be(p + ARP_SPA);
  const tip = ld32be(p + ARP_TPA);
  if ((op != ARPOP_REQUEST && op != ARPOP_REPLY) || skb.pkt_type == PACKET_OTHERHOST) {
    kfree_skb_reason(skb, skb.pkt_type == PACKET_OTHERHOST ? SKB_DROP_REASON_OTHERHOST : SKB_DROP_REASON_ARP_INVALID);
    return;
  }
  // A sender claiming a multicast/broadcast MAC or a zero/loopback/multicast IP is bogus
  // (arp_process checks ipv4_is_multicast(tip), ipv4_is_loopback(tip), and the sha).
  if ((sha >> 40) & 1 || (tip >> 24) == 127 || (tip >> 28) == 14) {
    kfree_skb_reason(skb, SKB_DROP_REASON_ARP_INVALID);
    return;
  }
  const for_us = dev.ip_addr != 0 && tip == dev.ip_addr;
  if (op == ARPOP_REQUEST && for_us) {
    if (sip != 0) {
      let n = neigh_lookup(sip, dev.ifindex);
      if (n === null) n = neigh_create(sip, dev.ifindex);
      if (n !== null) neigh_update(n, sha, NUD_STALE);
    }
    arp_send(ARPOP_REPLY, dev, sha, sha, sip);
  } else if (sip != 0) {
    // A reply (or a request not for us, e.g. gratuitous): update only what we already know.
    const n = neigh_lookup(sip, dev.ifindex);
    if (n !== null) neigh_update(n, sha, op == ARPOP_REPLY && for_us ? NUD_REACHABLE : NUD_STALE);
  }
  consume_skb(skb);
}

let error_report_fn: u32 = 0;
function arp_error_report(skbp: usize): void {
  if (error_report_fn != 0) call_indirect<void>(error_report_fn, skbp);
}
/** The IPv4 layer registers its link-failure handler (ipv4_link_failure → ICMP host unreachable). */
export function arp_set_error_report(func: u32): void { error_report_fn = func; }

export function arp_init(): void {
  dev_add_pack(ETH_P_ARP, arp_rcv.index);
  neigh_register(arp_solicit.index, arp_error_report.index);
}
