// Ethernet II header view (IEEE 802.3 / RFC 894). Linux: include/uapi/linux/if_ether.h.
//   0 ├─ h_dest (6) ─────────────┤ 6 ├─ h_source (6) ───────────┤ 12 ├─ h_proto ─┤ 14
import { ld16be, ld48be, st16be, st48be } from "../lib/bytes";

// @ts-ignore: decorator
@inline export const ETH_DEST: usize = 0;
// @ts-ignore: decorator
@inline export const ETH_SOURCE: usize = 6;
// @ts-ignore: decorator
@inline export const ETH_PROTO: usize = 12;
// @ts-ignore: decorator
@inline export const ETH_HLEN: u32 = 14;
// @ts-ignore: decorator
@inline export const ETH_ZLEN: u32 = 60;
// @ts-ignore: decorator
@inline export const ETH_DATA_LEN: u32 = 1500;
// @ts-ignore: decorator
@inline export const ETH_P_IP: u32 = 0x0800;
// @ts-ignore: decorator
@inline export const ETH_P_ARP: u32 = 0x0806;
// @ts-ignore: decorator
@inline export const ETH_P_IPV6: u32 = 0x86dd;
// @ts-ignore: decorator
@inline export const ETH_BROADCAST: u64 = 0xffffffffffff;

// @ts-ignore: decorator
@inline export function eth_dest(h: usize): u64 { return ld48be(h + ETH_DEST); }
// @ts-ignore: decorator
@inline export function eth_source(h: usize): u64 { return ld48be(h + ETH_SOURCE); }
// @ts-ignore: decorator
@inline export function eth_proto(h: usize): u32 { return ld16be(h + ETH_PROTO); }

/** Fills an Ethernet header at h (eth_header()). */
// @ts-ignore: decorator
@inline export function eth_header_fill(h: usize, dst: u64, src: u64, proto: u32): void {
  st48be(h + ETH_DEST, dst);
  st48be(h + ETH_SOURCE, src);
  st16be(h + ETH_PROTO, proto);
}
