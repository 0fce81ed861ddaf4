// struct tcp_info (include/uapi/linux/tcp.h) as Linux 6.18 lays it out: 280 bytes, the
// answer to getsockopt(TCP_INFO) and the tail of an `ss` record. Declared once here: the
// kernel writes at these offsets (assembly/tcp/tcp.ts tcp_get_info) and the host decodes
// from them (host/syscall/tcp-info.ts, through the generated mirror).
//
// Each TCPI_<MEMBER> is the byte offset of tcpi_<member>; u32 unless noted. kstack writes
// the u64 members as f64 (the host reads them as numbers; exact below 2^53, and ~0ULL
// comes out as 2^64), in little-endian order like everything else in kernel memory.
//
//   0 state │ 1 ca_state │ 2 retransmits │ 3 probes │ 4 backoff │ 5 options │ 6 wscales │ 7 bits
//   8 rto ········· 100 total_retrans (u32s, Linux 2.6 onwards)
// 104 pacing_rate │ 112 max_pacing_rate │ 120 bytes_acked │ 128 bytes_received (u64s)
// 136 segs_out ·· 156 data_segs_out │ 160 delivery_rate │ 168 busy_time │ 176 rwnd_limited
// 184 sndbuf_limited (u64s) │ 192 delivered │ 196 delivered_ce │ 200 bytes_sent │ 208 bytes_retrans
// 216 dsack_dups ·· 236 rehash │ 240 total_rto (u16) │ 242 total_rto_recoveries (u16)
// 244 total_rto_time │ 248 received_ce ·· 272 received_ce_bytes (AccECN, 6.18)
// 276 accecn_fail_mode (u16) │ 278 accecn_opt_seen (u16) │ 280
// @ts-ignore: decorator
@inline export const TCPI_STATE: i32 = 0;
// @ts-ignore: decorator
@inline export const TCPI_CA_STATE: i32 = 1;
// @ts-ignore: decorator
@inline export const TCPI_RETRANSMITS: i32 = 2;
// @ts-ignore: decorator
@inline export const TCPI_PROBES: i32 = 3;
// @ts-ignore: decorator
@inline export const TCPI_BACKOFF: i32 = 4;
// @ts-ignore: decorator
@inline export const TCPI_OPTIONS: i32 = 5;
/** The byte of tcpi_snd_wscale:4 (low nibble) and tcpi_rcv_wscale:4 (high nibble). */
// @ts-ignore: decorator
@inline export const TCPI_SND_WSCALE: i32 = 6;
/** The byte of tcpi_delivery_rate_app_limited:1 (bit 0) and tcpi_fastopen_client_fail:2. */
// @ts-ignore: decorator
@inline export const TCPI_DELIVERY_RATE_APP_LIMITED: i32 = 7;
// @ts-ignore: decorator
@inline export const TCPI_RTO: i32 = 8;
// @ts-ignore: decorator
@inline export const TCPI_ATO: i32 = 12;
// @ts-ignore: decorator
@inline export const TCPI_SND_MSS: i32 = 16;
// @ts-ignore: decorator
@inline export const TCPI_RCV_MSS: i32 = 20;
// @ts-ignore: decorator
@inline export const TCPI_UNACKED: i32 = 24;
// @ts-ignore: decorator
@inline export const TCPI_SACKED: i32 = 28;
// @ts-ignore: decorator
@inline export const TCPI_LOST: i32 = 32;
// @ts-ignore: decorator
@inline export const TCPI_RETRANS: i32 = 36;
// @ts-ignore: decorator
@inline export const TCPI_FACKETS: i32 = 40;
// @ts-ignore: decorator
@inline export const TCPI_LAST_DATA_SENT: i32 = 44;
// @ts-ignore: decorator
@inline export const TCPI_LAST_ACK_SENT: i32 = 48;
// @ts-ignore: decorator
@inline export const TCPI_LAST_DATA_RECV: i32 = 52;
// @ts-ignore: decorator
@inline export const TCPI_LAST_ACK_RECV: i32 = 56;
// @ts-ignore: decorator
@inline export const TCPI_PMTU: i32 = 60;
// @ts-ignore: decorator
@inline export const TCPI_RCV_SSTHRESH: i32 = 64;
// @ts-ignore: decorator
@inline export const TCPI_RTT: i32 = 68;
// @ts-ignore: decorator
@inline export const TCPI_RTTVAR: i32 = 72;
// @ts-ignore: decorator
@inline export const TCPI_SND_SSTHRESH: i32 = 76;
// @ts-ignore: decorator
@inline export const TCPI_SND_CWND: i32 = 80;
// @ts-ignore: decorator
@inline export const TCPI_ADVMSS: i32 = 84;
// @ts-ignore: decorator
@inline export const TCPI_REORDERING: i32 = 88;
// @ts-ignore: decorator
@inline export const TCPI_RCV_RTT: i32 = 92;
// @ts-ignore: decorator
@inline export const TCPI_RCV_SPACE: i32 = 96;
// @ts-ignore: decorator
@inline export const TCPI_TOTAL_RETRANS: i32 = 100;
/** tcpi_pacing_rate (u64). */
// @ts-ignore: decorator
@inline export const TCPI_PACING_RATE: i32 = 104;
/** tcpi_max_pacing_rate (u64). */
// @ts-ignore: decorator
@inline export const TCPI_MAX_PACING_RATE: i32 = 112;
/** tcpi_bytes_acked (u64). */
// @ts-ignore: decorator
@inline export const TCPI_BYTES_ACKED: i32 = 120;
/** tcpi_bytes_received (u64). */
// @ts-ignore: decorator
@inline export const TCPI_BYTES_RECEIVED: i32 = 128;
// @ts-ignore: decorator
@inline export const TCPI_SEGS_OUT: i32 = 136;
// @ts-ignore: decorator
@inline export const TCPI_SEGS_IN: i32 = 140;
// @ts-ignore: decorator
@inline export const TCPI_NOTSENT_BYTES: i32 = 144;
// @ts-ignore: decorator
@inline export const TCPI_MIN_RTT: i32 = 148;
// @ts-ignore: decorator
@inline export const TCPI_DATA_SEGS_IN: i32 = 152;
// @ts-ignore: decorator
@inline export const TCPI_DATA_SEGS_OUT: i32 = 156;
/** tcpi_delivery_rate (u64). */
// @ts-ignore: decorator
@inline export const TCPI_DELIVERY_RATE: i32 = 160;
/** tcpi_busy_time (u64). */
// @ts-ignore: decorator
@inline export const TCPI_BUSY_TIME: i32 = 168;
/** tcpi_rwnd_limited (u64). */
// @ts-ignore: decorator
@inline export const TCPI_RWND_LIMITED: i32 = 176;
/** tcpi_sndbuf_limited (u64). */
// @ts-ignore: decorator
@inline export const TCPI_SNDBUF_LIMITED: i32 = 184;
// @ts-ignore: decorator
@inline export const TCPI_DELIVERED: i32 = 192;
// @ts-ignore: decorator
@inline export const TCPI_DELIVERED_CE: i32 = 196;
/** tcpi_bytes_sent (u64). */
// @ts-ignore: decorator
@inline export const TCPI_BYTES_SENT: i32 = 200;
/** tcpi_bytes_retrans (u64). */
// @ts-ignore: decorator
@inline export const TCPI_BYTES_RETRANS: i32 = 208;
// @ts-ignore: decorator
@inline export const TCPI_DSACK_DUPS: i32 = 216;
// @ts-ignore: decorator
@inline export const TCPI_REORD_SEEN: i32 = 220;
// @ts-ignore: decorator
@inline export const TCPI_RCV_OOOPACK: i32 = 224;
// @ts-ignore: decorator
@inline export const TCPI_SND_WND: i32 = 228;
// @ts-ignore: decorator
@inline export const TCPI_RCV_WND: i32 = 232;
// @ts-ignore: decorator
@inline export const TCPI_REHASH: i32 = 236;
/** tcpi_total_rto (u16). */
// @ts-ignore: decorator
@inline export const TCPI_TOTAL_RTO: i32 = 240;
/** tcpi_total_rto_recoveries (u16). */
// @ts-ignore: decorator
@inline export const TCPI_TOTAL_RTO_RECOVERIES: i32 = 242;
// @ts-ignore: decorator
@inline export const TCPI_TOTAL_RTO_TIME: i32 = 244;
// @ts-ignore: decorator
@inline export const TCPI_RECEIVED_CE: i32 = 248;
// @ts-ignore: decorator
@inline export const TCPI_DELIVERED_E1_BYTES: i32 = 252;
// @ts-ignore: decorator
@inline export const TCPI_DELIVERED_E0_BYTES: i32 = 256;
// @ts-ignore: decorator
@inline export const TCPI_DELIVERED_CE_BYTES: i32 = 260;
// @ts-ignore: decorator
@inline export const TCPI_RECEIVED_E1_BYTES: i32 = 264;
// @ts-ignore: decorator
@inline export const TCPI_RECEIVED_E0_BYTES: i32 = 268;
// @ts-ignore: decorator
@inline export const TCPI_RECEIVED_CE_BYTES: i32 = 272;
/** tcpi_accecn_fail_mode (u16). */
// @ts-ignore: decorator
@inline export const TCPI_ACCECN_FAIL_MODE: i32 = 276;
/** tcpi_accecn_opt_seen (u16). */
// @ts-ignore: decorator
@inline export const TCPI_ACCECN_OPT_SEEN: i32 = 278;
/** sizeof(struct tcp_info) in Linux 6.18. */
// @ts-ignore: decorator
@inline export const SIZEOF_TCP_INFO: i32 = 280;
