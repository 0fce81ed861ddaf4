// TCP header view (RFC 9293 §3.1). Linux: include/uapi/linux/tcp.h.
//   0               1               2               3
//  ├─ source ──────────────────────┼─ dest ────────────────────────┤ 0
//  ├─ seq ─────────────────────────────────────────────────────────┤ 4
//  ├─ ack_seq ─────────────────────────────────────────────────────┤ 8
//  ├ doff│res│ flags ──────────────┼─ window ──────────────────────┤ 12
//  ├─ check ───────────────────────┼─ urg_ptr ─────────────────────┤ 16
//  ├─ options (doff > 5) ... ──────────────────────────────────────┤ 20..60
import { ld16be, ld32be, ld8, st16be, st32be, st8 } from "../lib/bytes";

// @ts-ignore: decorator
@inline export const TCPH_SOURCE: usize = 0;
// @ts-ignore: decorator
@inline export const TCPH_DEST: usize = 2;
// @ts-ignore: decorator
@inline export const TCPH_SEQ: usize = 4;
// @ts-ignore: decorator
@inline export const TCPH_ACK_SEQ: usize = 8;
// @ts-ignore: decorator
@inline export const TCPH_DOFF: usize = 12;
// @ts-ignore: decorator
@inline export const TCPH_FLAGS: usize = 13;
// @ts-ignore: decorator
@inline export const TCPH_WINDOW: usize = 14;
// @ts-ignore: decorator
@inline export const TCPH_CHECK: usize = 16;
// @ts-ignore: decorator
@inline export const TCPH_URG_PTR: usize = 18;
// @ts-ignore: decorator
@inline export const TCPH_LEN_MIN: u32 = 20;

// Flags (TCPHDR_* in include/net/tcp.h).
// @ts-ignore: decorator
@inline export const TCPHDR_FIN: u32 = 0x01;
// @ts-ignore: decorator
@inline export const TCPHDR_SYN: u32 = 0x02;
// @ts-ignore: decorator
@inline export const TCPHDR_RST: u32 = 0x04;
// @ts-ignore: decorator
@inline export const TCPHDR_PSH: u32 = 0x08;
// @ts-ignore: decorator
@inline export const TCPHDR_ACK: u32 = 0x10;
// @ts-ignore: decorator
@inline export const TCPHDR_URG: u32 = 0x20;
// @ts-ignore: decorator
@inline export const TCPHDR_ECE: u32 = 0x40;
// @ts-ignore: decorator
@inline export const TCPHDR_CWR: u32 = 0x80;

// Options (TCPOPT_*).
// @ts-ignore: decorator
@inline export const TCPOPT_EOL: u32 = 0;
// @ts-ignore: decorator
@inline export const TCPOPT_NOP: u32 = 1;
// @ts-ignore: decorator
@inline export const TCPOPT_MSS: u32 = 2;
// @ts-ignore: decorator
@inline export const TCPOPT_WINDOW: u32 = 3;
// @ts-ignore: decorator
@inline export const TCPOPT_SACK_PERM: u32 = 4;
// @ts-ignore: decorator
@inline export const TCPOPT_SACK: u32 = 5;
// @ts-ignore: decorator
@inline export const TCPOPT_TIMESTAMP: u32 = 8;
// @ts-ignore: decorator
@inline export const TCPOLEN_TSTAMP_ALIGNED: u32 = 12;

// @ts-ignore: decorator
@inline export function tcph_source(h: usize): u32 { return ld16be(h + TCPH_SOURCE); }
// @ts-ignore: decorator
@inline export function tcph_dest(h: usize): u32 { return ld16be(h + TCPH_DEST); }
// @ts-ignore: decorator
@inline export function tcph_seq(h: usize): u32 { return ld32be(h + TCPH_SEQ); }
// @ts-ignore: decorator
@inline export function tcph_ack_seq(h: usize): u32 { return ld32be(h + TCPH_ACK_SEQ); }
/** Header length in bytes (data offset × 4). */
// @ts-ignore: decorator
@inline export function tcph_doff(h: usize): u32 { return (ld8(h + TCPH_DOFF) >> 4) << 2; }
// @ts-ignore: decorator
@inline export function tcph_flags(h: usize): u32 { return ld8(h + TCPH_FLAGS); }
// @ts-ignore: decorator
@inline export function tcph_window(h: usize): u32 { return ld16be(h + TCPH_WINDOW); }

/** Fills the fixed 20 bytes; doff covers the options the caller writes after them. */
// @ts-ignore: decorator
@inline export function tcph_fill(h: usize, source: u32, dest: u32, seq: u32, ack_seq: u32, doff: u32, flags: u32, window: u32): void {
  st16be(h + TCPH_SOURCE, source);
  st16be(h + TCPH_DEST, dest);
  st32be(h + TCPH_SEQ, seq);
  st32be(h + TCPH_ACK_SEQ, ack_seq);
  st8(h + TCPH_DOFF, (doff >> 2) << 4);
  st8(h + TCPH_FLAGS, flags);
  st16be(h + TCPH_WINDOW, window);
  store<u16>(h + TCPH_CHECK, 0, 0, 1);
  store<u16>(h + TCPH_URG_PTR, 0, 0, 1);
}
