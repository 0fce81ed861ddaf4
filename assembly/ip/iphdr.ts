// IPv4 header view (RFC 791 §3.1). Linux: include/uapi/linux/ip.h.
//   0               1               2               3
//  ├ver│ihl├─ tos ─┼─ tot_len ─────────────────────┤ 0
//  ├─ id ──────────────────────────┼flg┤ frag_off ─┤ 4
//  ├─ ttl ─┼─ protocol ─┼─ check ───────────────────┤ 8
//  ├─ saddr ───────────────────────────────────────┤ 12
//  ├─ daddr ───────────────────────────────────────┤ 16
//  ├─ options (ihl > 5) ... ───────────────────────┤ 20..60
import { ld16be, ld32be, ld8, st16be, st32be, st8 } from "../lib/bytes";

// @ts-ignore: decorator
@inline export const IPH_VER_IHL: usize = 0;
// @ts-ignore: decorator
@inline export const IPH_TOS: usize = 1;
// @ts-ignore: decorator
@inline export const IPH_TOT_LEN: usize = 2;
// @ts-ignore: decorator
@inline export const IPH_ID: usize = 4;
// @ts-ignore: decorator
@inline export const IPH_FRAG_OFF: usize = 6;
// @ts-ignore: decorator
@inline export const IPH_TTL: usize = 8;
// @ts-ignore: decorator
@inline export const IPH_PROTOCOL: usize = 9;
// @ts-ignore: decorator
@inline export const IPH_CHECK: usize = 10;
// @ts-ignore: decorator
@inline export const IPH_SADDR: usize = 12;
// @ts-ignore: decorator
@inline export const IPH_DADDR: usize = 16;
// @ts-ignore: decorator
@inline export const IPH_LEN_MIN: u32 = 20;
// @ts-ignore: decorator
@inline export const IP_CE: u32 = 0x8000;
// @ts-ignore: decorator
@inline export const IP_DF: u32 = 0x4000;
// @ts-ignore: decorator
@inline export const IP_MF: u32 = 0x2000;
// @ts-ignore: decorator
@inline export const IP_OFFSET: u32 = 0x1fff;
/** Largest IPv4 datagram; UDP payload max is 65535 - 20 - 8 = 65507. */
// @ts-ignore: decorator
@inline export const IP_MAX_MTU: u32 = 65535;
// @ts-ignore: decorator
@inline export const IPDEFTTL: u32 = 64;

// @ts-ignore: decorator
@inline export function iph_ihl(h: usize): u32 { return (ld8(h) & 15) << 2; }
// @ts-ignore: decorator
@inline export function iph_version(h: usize): u32 { return ld8(h) >> 4; }
// @ts-ignore: decorator
@inline export function iph_tos(h: usize): u32 { return ld8(h + IPH_TOS); }
// @ts-ignore: decorator
@inline export function iph_tot_len(h: usize): u32 { return ld16be(h + IPH_TOT_LEN); }
// @ts-ignore: decorator
@inline export function iph_id(h: usize): u32 { return ld16be(h + IPH_ID); }
// @ts-ignore: decorator
@inline export function iph_frag_off(h: usize): u32 { return ld16be(h + IPH_FRAG_OFF); }
// @ts-ignore: decorator
@inline export function iph_ttl(h: usize): u32 { return ld8(h + IPH_TTL); }
// @ts-ignore: decorator
@inline export function iph_protocol(h: usize): u32 { return ld8(h + IPH_PROTOCOL); }
// @ts-ignore: decorator
@inline export function iph_saddr(h: usize): u32 { return ld32be(h + IPH_SADDR); }
// @ts-ignore: decorator
@inline export function iph_daddr(h: usize): u32 { return ld32be(h + IPH_DADDR); }

/** Fills a 20-byte header (no options); the checksum is computed by the caller last. */
// @ts-ignore: decorator
@inline export function iph_fill(h: usize, tos: u32, tot_len: u32, id: u32, frag_off: u32, ttl: u32, proto: u32, saddr: u32, daddr: u32): void {
  st8(h, 0x45);
  st8(h + IPH_TOS, tos);
  st16be(h + IPH_TOT_LEN, tot_len);
  st16be(h + IPH_ID, id);
  st16be(h + IPH_FRAG_OFF, frag_off);
  st8(h + IPH_TTL, ttl);
  st8(h + IPH_PROTOCOL, proto);
  store<u16>(h + IPH_CHECK, 0);
  st32be(h + IPH_SADDR, saddr);
  st32be(h + IPH_DADDR, daddr);
}

// @ts-ignore: decorator
@inline export function ipv4_is_multicast(a: u32): bool { return (a >> 28) == 14; }
// @ts-ignore: decorator
@inline export function ipv4_is_loopback(a: u32): bool { return (a >> 24) == 127; }
// @ts-ignore: decorator
@inline export function ipv4_is_lbcast(a: u32): bool { return a == 0xffffffff; }
// @ts-ignore: decorator
@inline export function ipv4_is_zeronet(a: u32): bool { return (a >> 24) == 0; }

/** IPCB(skb): the IPv4 part of skb->cb (Linux struct inet_skb_parm), after TCP/UDP use. */
// @ts-ignore: decorator
@inline export const IPCB_FLAGS: usize = 32;
