// UDP header view (RFC 768). Linux: include/uapi/linux/udp.h.
//   0 ├─ source ──────┼─ dest ───────┤ 4 ├─ len ─────────┼─ check ──────┤ 8
import { ld16be, st16be } from "../lib/bytes";

// @ts-ignore: decorator
@inline export const UDPH_SOURCE: usize = 0;
// @ts-ignore: decorator
@inline export const UDPH_DEST: usize = 2;
// @ts-ignore: decorator
@inline export const UDPH_LEN: usize = 4;
// @ts-ignore: decorator
@inline export const UDPH_CHECK: usize = 6;
// @ts-ignore: decorator
@inline export const UDPH_SIZE: u32 = 8;

// @ts-ignore: decorator
@inline export function udph_source(h: usize): u32 { return ld16be(h + UDPH_SOURCE); }
// @ts-ignore: decorator
@inline export function udph_dest(h: usize): u32 { return ld16be(h + UDPH_DEST); }
// @ts-ignore: decorator
@inline export function udph_len(h: usize): u32 { return ld16be(h + UDPH_LEN); }
// @ts-ignore: decorator
@inline export function udph_check_raw(h: usize): u32 { return <u32>load<u16>(h + UDPH_CHECK, 0, 1); }
// @ts-ignore: decorator
@inline export function udph_fill(h: usize, source: u32, dest: u32, len: u32): void {
  st16be(h + UDPH_SOURCE, source);
  st16be(h + UDPH_DEST, dest);
  st16be(h + UDPH_LEN, len);
  store<u16>(h + UDPH_CHECK, 0, 0, 1);
}
