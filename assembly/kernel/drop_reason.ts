// Why a packet was dropped, after Linux include/net/dropreason-core.h. Every
// kfree_skb_reason() bumps one of these; the host shows them beside the SNMP counters,
// and the fuzz test checks that every injected frame is accounted for.
// @ts-ignore: decorator
@inline export const SKB_NOT_DROPPED_YET: u32 = 0;
// @ts-ignore: decorator
@inline export const SKB_CONSUMED: u32 = 1;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_NOT_SPECIFIED: u32 = 2;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_NO_SOCKET: u32 = 3;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_PKT_TOO_SMALL: u32 = 4;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_TCP_CSUM: u32 = 5;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_UDP_CSUM: u32 = 6;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_OTHERHOST: u32 = 7;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_IP_CSUM: u32 = 8;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_IP_INHDR: u32 = 9;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_IP_NOPROTO: u32 = 10;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_SOCKET_RCVBUFF: u32 = 11;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_NOMEM: u32 = 12;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_QDISC_DROP: u32 = 13;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_FULL_RING: u32 = 14;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_NEIGH_FAILED: u32 = 15;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_NEIGH_QUEUEFULL: u32 = 16;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_IP_OUTNOROUTES: u32 = 17;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_IP_INADDRERRORS: u32 = 18;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_IP_INNOROUTES: u32 = 19;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_FRAG_REASM_TIMEOUT: u32 = 20;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_FRAG_TOO_FAR: u32 = 21;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_DUP_FRAG: u32 = 22;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_UNHANDLED_PROTO: u32 = 23;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_NETEM_LOSS: u32 = 24;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_ICMP_CSUM: u32 = 25;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_PKT_TOO_BIG: u32 = 26;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_ARP_INVALID: u32 = 27;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_MAC_OTHERHOST: u32 = 28;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_IP_TTL_EXPIRED: u32 = 29;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_DEV_READY: u32 = 30;
// @ts-ignore: decorator
@inline export const SKB_DROP_REASON_MAX: u32 = 31;

export const DROP_REASON_NAMES: StaticArray<string> = [
  "NOT_DROPPED_YET", "CONSUMED", "NOT_SPECIFIED", "NO_SOCKET", "PKT_TOO_SMALL", "TCP_CSUM",
  "UDP_CSUM", "OTHERHOST", "IP_CSUM", "IP_INHDR", "IP_NOPROTO", "SOCKET_RCVBUFF", "NOMEM",
  "QDISC_DROP", "FULL_RING", "NEIGH_FAILED", "NEIGH_QUEUEFULL", "IP_OUTNOROUTES",
  "IP_INADDRERRORS", "IP_INNOROUTES", "FRAG_REASM_TIMEOUT", "FRAG_TOO_FAR", "DUP_FRAG",
  "UNHANDLED_PROTO", "NETEM_LOSS", "ICMP_CSUM", "PKT_TOO_BIG", "ARP_INVALID",
  "MAC_OTHERHOST", "IP_TTL_EXPIRED", "DEV_READY",
];

const drops: usize = memory.data(SKB_DROP_REASON_MAX * 4, 8);
export function drop_count(reason: u32): u32 {
  return reason < SKB_DROP_REASON_MAX ? load<u32>(drops + (<usize>reason << 2)) : 0;
}
export function drop_account(reason: u32): void {
  if (reason >= SKB_DROP_REASON_MAX) reason = SKB_DROP_REASON_NOT_SPECIFIED;
  const p = drops + (<usize>reason << 2);
  store<u32>(p, load<u32>(p) + 1);
}
