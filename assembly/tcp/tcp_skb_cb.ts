// TCP_SKB_CB(skb): what TCP knows about a segment, parsed once from the header into
// skb->cb and read from there ever after (DESIGN.md rule 1; Linux struct tcp_skb_cb).
//   0 seq │ 4 end_seq │ 8 ack_seq │ 12 tcp_flags (u8) │ 13 sacked (u8) │ 14 wnd (u16, raw)
//  16 tx_time (f64 ns: when last sent) │ 24 retrans (u8) │ 25 opts (u8: seen options)
//  26 mss (u16) │ 28 ts_val │ 32 ts_ecr │ 36 wscale (u8) │ 37 ts_first (u8)
//  40..47: free on received skbs; netem's time_to_send on transmitted clones
import { SkBuff, skb_cb } from "../core/skbuff";

// @ts-ignore: decorator
@inline export function cb_seq(skb: SkBuff): u32 { return load<u32>(skb_cb(skb)); }
// @ts-ignore: decorator
@inline export function cb_set_seq(skb: SkBuff, v: u32): void { store<u32>(skb_cb(skb), v); }
// @ts-ignore: decorator
@inline export function cb_end_seq(skb: SkBuff): u32 { return load<u32>(skb_cb(skb), 4); }
// @ts-ignore: decorator
@inline export function cb_set_end_seq(skb: SkBuff, v: u32): void { store<u32>(skb_cb(skb), v, 4); }
// @ts-ignore: decorator
@inline export function cb_ack_seq(skb: SkBuff): u32 { return load<u32>(skb_cb(skb), 8); }
// @ts-ignore: decorator
@inline export function cb_set_ack_seq(skb: SkBuff, v: u32): void { store<u32>(skb_cb(skb), v, 8); }
// @ts-ignore: decorator
@inline export function cb_flags(skb: SkBuff): u32 { return <u32>load<u8>(skb_cb(skb), 12); }
// @ts-ignore: decorator
@inline export function cb_set_flags(skb: SkBuff, v: u32): void { store<u8>(skb_cb(skb), <u8>v, 12); }
// @ts-ignore: decorator
@inline export function cb_sacked(skb: SkBuff): u32 { return <u32>load<u8>(skb_cb(skb), 13); }
// @ts-ignore: decorator
@inline export function cb_set_sacked(skb: SkBuff, v: u32): void { store<u8>(skb_cb(skb), <u8>v, 13); }
// @ts-ignore: decorator
@inline export function cb_wnd(skb: SkBuff): u32 { return <u32>load<u16>(skb_cb(skb), 14); }
// @ts-ignore: decorator
@inline export function cb_set_wnd(skb: SkBuff, v: u32): void { store<u16>(skb_cb(skb), <u16>v, 14); }
// @ts-ignore: decorator
@inline export function cb_tx_time(skb: SkBuff): f64 { return load<f64>(skb_cb(skb), 16); }
// @ts-ignore: decorator
@inline export function cb_set_tx_time(skb: SkBuff, v: f64): void { store<f64>(skb_cb(skb), v, 16); }
// @ts-ignore: decorator
@inline export function cb_retrans(skb: SkBuff): u32 { return <u32>load<u8>(skb_cb(skb), 24); }
// @ts-ignore: decorator
@inline export function cb_set_retrans(skb: SkBuff, v: u32): void { store<u8>(skb_cb(skb), <u8>v, 24); }

// The scoreboard: TCP_SKB_CB(skb)->sacked bits of a sent segment (include/net/tcp.h).
/** SACKed by the peer (RFC 2018). */
// @ts-ignore: decorator
@inline export const TCPCB_SACKED_ACKED: u32 = 0x01;
/** Retransmitted, and that copy not yet acked or lost. */
// @ts-ignore: decorator
@inline export const TCPCB_SACKED_RETRANS: u32 = 0x02;
/** Counted lost (lost_out). */
// @ts-ignore: decorator
@inline export const TCPCB_LOST: u32 = 0x04;
// @ts-ignore: decorator
@inline export const TCPCB_TAGBITS: u32 = 0x07;
/** Retransmitted at least once. */
// @ts-ignore: decorator
@inline export const TCPCB_EVER_RETRANS: u32 = 0x80;

// Options seen on a received segment (bits of cb+25).
// @ts-ignore: decorator
@inline export const OPT_MSS: u32 = 1;
// @ts-ignore: decorator
@inline export const OPT_WSCALE: u32 = 2;
// @ts-ignore: decorator
@inline export const OPT_SACK_PERM: u32 = 4;
// @ts-ignore: decorator
@inline export const OPT_TSTAMP: u32 = 8;
// @ts-ignore: decorator
@inline export const OPT_SACK: u32 = 16;
// @ts-ignore: decorator
@inline export function cb_opts(skb: SkBuff): u32 { return <u32>load<u8>(skb_cb(skb), 25); }
// @ts-ignore: decorator
@inline export function cb_set_opts(skb: SkBuff, v: u32): void { store<u8>(skb_cb(skb), <u8>v, 25); }
// @ts-ignore: decorator
@inline export function cb_mss(skb: SkBuff): u32 { return <u32>load<u16>(skb_cb(skb), 26); }
// @ts-ignore: decorator
@inline export function cb_set_mss(skb: SkBuff, v: u32): void { store<u16>(skb_cb(skb), <u16>v, 26); }
// @ts-ignore: decorator
@inline export function cb_ts_val(skb: SkBuff): u32 { return load<u32>(skb_cb(skb), 28); }
// @ts-ignore: decorator
@inline export function cb_set_ts_val(skb: SkBuff, v: u32): void { store<u32>(skb_cb(skb), v, 28); }
// @ts-ignore: decorator
@inline export function cb_ts_ecr(skb: SkBuff): u32 { return load<u32>(skb_cb(skb), 32); }
// @ts-ignore: decorator
@inline export function cb_set_ts_ecr(skb: SkBuff, v: u32): void { store<u32>(skb_cb(skb), v, 32); }
// @ts-ignore: decorator
@inline export function cb_wscale(skb: SkBuff): u32 { return <u32>load<u8>(skb_cb(skb), 36); }
// @ts-ignore: decorator
@inline export function cb_set_wscale(skb: SkBuff, v: u32): void { store<u8>(skb_cb(skb), <u8>v, 36); }
