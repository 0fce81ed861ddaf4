// struct tcp_sock (with inet_connection_sock's icsk_* fields): one per TCP connection,
// pointed to by sk->sk_private. Linux: include/linux/tcp.h, include/net/inet_connection_sock.h.
// Field names are Linux's, so tcp_info and `ss` read naturally. Sequence numbers are u32
// compared with before()/after(); times are jiffies (ms) unless named *_us or *_ns.
//
// Memory: the struct, then three timer_lists (retransmit/persist, delayed ACK,
// keepalive/FIN_WAIT2/TIME_WAIT), then the congestion control's private area
// (icsk_ca_priv, ICSK_CA_PRIV_SIZE bytes, zeroed by tcp_init_congestion_control).
import { TimerList, timer_setup, SIZEOF_TIMER_LIST } from "../kernel/timer";
import { Sock } from "../core/sock";
import { minmax_get } from "../lib/win_minmax";
import { kmem_cache_zalloc, kmem_cache_free, kmem_cache_inuse, SIZEOF_KMEM_CACHE } from "../lib/slab";

@final @unmanaged export class TcpSock {
  sk: usize;
  // ── send sequence space (RFC 9293 §3.3.1) ──
  snd_una: u32;
  snd_nxt: u32;
  snd_wnd: u32;
  snd_wl1: u32;
  max_window: u32;
  write_seq: u32;
  pushed_seq: u32;
  snd_sml: u32;
  // ── receive sequence space ──
  rcv_nxt: u32;
  rcv_wnd: u32;
  rcv_wup: u32;
  copied_seq: u32;
  rcv_ssthresh: u32;
  window_clamp: u32;
  /** rcvq_space: DRS autotuning state. */
  rcvq_space: u32;
  rcvq_seq: u32;
  rcvq_time: u32;
  scaling_ratio: u32;
  // ── MSS ──
  mss_cache: u32;
  advmss: u32;
  mss_clamp: u32;
  user_mss: u32;
  rcv_mss: u32;
  /** icsk_pmtu_cookie: the path MTU the MSS was last synced to (tcp_sync_mss; tcpi_pmtu). */
  pmtu_cookie: u32;
  // ── options negotiated (rx_opt) ──
  snd_wscale: u32;
  rcv_wscale: u32;
  wscale_ok: u32;
  tstamp_ok: u32;
  sack_ok: u32;
  ts_recent: u32;
  ts_recent_stamp: u32;
  tsoffset: u32;
  /** An orphan in a FIN_WAIT2 longer than 60 s, counted in tcp_max_tw_buckets (tcp_state.ts). */
  tw_bucket: u32;
  // ── RTT and RTO (RFC 6298, tcp_rtt_estimator) ──
  srtt_us: u32;
  mdev_us: u32;
  mdev_max_us: u32;
  rttvar_us: u32;
  rtt_seq: u32;
  rto: u32;
  backoff: u32;
  retransmits: u32;
  probes_out: u32;
  total_retrans: u32;
  retrans_stamp: u32;
  /** rtt_min: struct minmax (lib/win_minmax.ts, 6 u32s), the least RTT sample (µs) of the
   *  last tcp_min_rtt_wlen seconds; tcp_min_rtt() reads it (~0 before any sample). */
  rtt_min: u32;
  rtt_min_1: u32;
  rtt_min_2: u32;
  rtt_min_3: u32;
  rtt_min_4: u32;
  rtt_min_5: u32;
  /** Which event the retransmit timer is armed for (ICSK_TIME_RETRANS / PROBE0 / LOSS_PROBE). */
  icsk_pending: u32;
  /** Tail loss probe (RFC 8985 §7): snd_nxt when the probe went (0: no episode open), and
   *  whether it was a retransmission (tlp_retrans) rather than new data. */
  tlp_high_seq: u32;
  tlp_retrans: u32;
  /** F-RTO (RFC 5682) is running in this Loss episode (tp->frto, set by tcp_enter_loss). */
  frto: u32;
  // ── congestion control (tcp_cong.ts; the algorithm's own state is in icsk_ca_priv) ──
  /** icsk_ca_ops: the TcpCongestionOps in use. */
  ca_ops: usize;
  ca_initialized: u32;
  ca_setsockopt: u32;
  snd_cwnd_clamp: u32;
  /** tcp_cwnd_validate(): most packets in flight this window, and whether cwnd bound them. */
  snd_cwnd_used: u32;
  is_cwnd_limited: u32;
  max_packets_out: u32;
  cwnd_usage_seq: u32;
  prior_cwnd: u32;
  /** Retransmissions not yet shown spurious (-1: none made), for undo (tcp_init_undo). */
  undo_retrans: i32;
  reordering: u32;
  /** Proportional Rate Reduction (RFC 6937): delivered and sent since recovery began. */
  prr_delivered: u32;
  prr_out: u32;
  /** Total segments ever marked lost (tp->lost). */
  lost: u32;
  /** Delivery rate (tcp_rate.c, simplified): the last sample, segments per interval. */
  rate_delivered: u32;
  rate_interval_us: u32;
  rate_mark_seq: u32;
  rate_mark_delivered: u32;
  rate_mark_us: u32;
  /** tp->app_limited: the delivered count at which the application's last bubble ends (0: none). */
  app_limited: u32;
  /** tp->rate_app_limited: the kept sample (rate_delivered/rate_interval_us) was app-limited. */
  rate_app_limited: u32;
  /** The round being sampled carried app-limited data (Linux: tx.is_app_limited per skb). */
  rate_round_app_limited: u32;
  // ── SACK (RFC 2018 / RFC 2883), receiver side: rx_opt.num_sacks, dsack ──
  num_sacks: u32;
  dsack: u32;
  /** duplicate_sack[0] (D-SACK, sent first), then selective_acks[4], most recent first. */
  dsack_start: u32;
  dsack_end: u32;
  sack_blocks: u32; // selective_acks[0].start_seq; 8 u32s: start/end × TCP_NUM_SACKS
  sack_blocks_1: u32;
  sack_blocks_2: u32;
  sack_blocks_3: u32;
  sack_blocks_4: u32;
  sack_blocks_5: u32;
  sack_blocks_6: u32;
  sack_blocks_7: u32;
  snd_cwnd: u32;
  snd_ssthresh: u32;
  snd_cwnd_cnt: u32;
  packets_out: u32;
  retrans_out: u32;
  lost_out: u32;
  sacked_out: u32;
  high_seq: u32;
  ca_state: u32;
  undo_marker: u32;
  prior_ssthresh: u32;
  snd_cwnd_stamp: u32;
  lsndtime: u32;
  // ── delayed ACK (icsk_ack) ──
  ack_pending: u32;
  ack_ato: u32;
  ack_quick: u32;
  ack_pingpong: u32;
  ack_lrcvtime: u32;
  ack_rcv_segs: u32;
  /** icsk_ack.timeout: when the armed delayed ACK is due (jiffies). */
  ack_timeout: u32;
  /** icsk_ack.retry: ACKs that found no skb in a row; each waits TCP_DELACK_MAX << retry. */
  ack_retry: u32;
  /** icsk_ack.last_seg_size: the last short segment's size, for tcp_measure_rcv_mss. */
  ack_last_seg_size: u32;
  /** Segments charged as coalesced into the receive queue's current skb (≤ MAX_SKB_FRAGS). */
  rcv_frags: u32;
  // ── keepalive, linger, user settings ──
  keepalive_time: u32;
  keepalive_intvl: u32;
  keepalive_probes: u32;
  linger2: i32;
  syn_retries: u32;
  user_timeout: u32;
  nodelay: u32;
  cork: u32;
  /** TCP_NAGLE_PUSH in tp->nonagle: set by TCP_NODELAY (or uncorking with it), it sends the
   *  tail segment whatever Nagle or TCP_CORK say, until the next skb is queued (skb_entail). */
  nagle_push: u32;
  /** TCP_NOTSENT_LOWAT as set; 0 means net.ipv4.tcp_notsent_lowat (tcp_notsent_lowat()). */
  notsent_lowat: u32;
  // ── listen / accept ──
  /** For a listener: accept queue (children, FIFO) and SYN queue counts. */
  accept_head: usize;
  accept_tail: usize;
  accept_qlen: u32;
  syn_qlen: u32;
  /** Requests in the SYN queue that have not timed out yet (icsk_accept_queue.young). */
  syn_young: u32;
  max_ack_backlog: u32;
  /** TCP_DEFER_ACCEPT as a count of SYN-ACK timeouts (icsk_accept_queue.rskq_defer_accept):
   *  while a request has timed out fewer times, its bare final ACK makes no child. */
  defer_accept: u32;
  /** For a child: its listener while queued, and the next child in that queue. */
  parent: usize;
  accept_next: usize;
  /** A FIN has been queued (after the last data) / sent / received: TCP_FIN_QUEUED; or
   *  TCP_FIN_OWED, its skb could not be allocated yet (the retransmit timer retries). */
  fin_queued: u32;
  // ── statistics for tcp_info and ss ──
  bytes_acked: f64;
  bytes_received: f64;
  bytes_sent: f64;
  bytes_retrans: f64;
  segs_in: u32;
  segs_out: u32;
  data_segs_in: u32;
  data_segs_out: u32;
  delivered: u32;
  rcv_ooopack: u32;
  /** RTO statistics (Linux 6.7, tcp_update_rto_stats): timeouts including SYN ones; RTO
   *  episodes (a timeout with retransmits at 0 opens one); ms spent in finished episodes;
   *  and when the open episode began (rto_stamp, jiffies; 0: none open). */
  total_rto: u32;
  total_rto_recoveries: u32;
  total_rto_time: u32;
  rto_stamp: u32;
  /** Flow-hash changes after timeouts (tp->timeout_rehash; tcpi_rehash with PLB's, none here). */
  timeout_rehash: u32;
  /** D-SACKed segments received (tcp_dsack_seen; RFC 4898 tcpEStatsStackDSACKDups). */
  dsack_dups: u32;
  /** tcp_update_pacing_rate() has run (the handshake's last ACK): sk_pacing_rate is
   *  derived from cwnd and srtt from then on, ~0 before (tcp_get_info computes it). */
  pacing_rate_set: u32;
  last_data_recv: u32;
  last_data_sent: u32;
  last_ack_recv: u32;
  /** Out-of-order queue: rb_root of skbs keyed by seq (the tree nodes live in skb->cb). */
  ooo_root: u32;
  ooo_last: usize;
  /** Send buffer: the first skb of the write queue not yet sent (tcp_send_head). */
  send_head: usize;
}

/** ICSK_CA_PRIV_SIZE (include/net/inet_connection_sock.h): 13 u64s. */
// @ts-ignore: decorator
@inline export const ICSK_CA_PRIV_SIZE: usize = 104;
/** Rounded to 8: the f64 counters inside must stay 8-aligned in the slab (wasm2js). */
// @ts-ignore: decorator
@inline export const SIZEOF_TCP_SOCK: usize = (offsetof<TcpSock>() + SIZEOF_TIMER_LIST * 3 + ICSK_CA_PRIV_SIZE + 7) & ~7;
/** inet_csk_ca(): the algorithm's per-connection state. */
// @ts-ignore: decorator
@inline export function inet_csk_ca(tp: TcpSock): usize { return changetype<usize>(tp) + offsetof<TcpSock>() + SIZEOF_TIMER_LIST * 3; }

/** &tp->rtt_min: the struct minmax (lib/win_minmax.ts) inside the tcp_sock. */
// @ts-ignore: decorator
@inline export function rtt_min_filter(tp: TcpSock): usize { return changetype<usize>(tp) + offsetof<TcpSock>("rtt_min"); }
/** tcp_min_rtt(): the windowed minimum RTT (µs), ~0 when there has been no sample. */
// @ts-ignore: decorator
@inline export function tcp_min_rtt(tp: TcpSock): u32 { return minmax_get(rtt_min_filter(tp)); }
// @ts-ignore: decorator
@inline export function tcp_sk(sk: Sock): TcpSock { return changetype<TcpSock>(sk.sk_private); }
// @ts-ignore: decorator
@inline export function tp_sk(tp: TcpSock): Sock { return changetype<Sock>(tp.sk); }
// @ts-ignore: decorator
@inline export function retransmit_timer(tp: TcpSock): TimerList { return changetype<TimerList>(changetype<usize>(tp) + offsetof<TcpSock>()); }
// @ts-ignore: decorator
@inline export function delack_timer(tp: TcpSock): TimerList { return changetype<TimerList>(changetype<usize>(tp) + offsetof<TcpSock>() + SIZEOF_TIMER_LIST); }
// @ts-ignore: decorator
@inline export function keepalive_timer(tp: TcpSock): TimerList { return changetype<TimerList>(changetype<usize>(tp) + offsetof<TcpSock>() + SIZEOF_TIMER_LIST * 2); }

// ICSK_TIME_* (which event the retransmit timer serves)
// @ts-ignore: decorator
@inline export const ICSK_TIME_RETRANS: u32 = 1;
// @ts-ignore: decorator
@inline export const ICSK_TIME_PROBE0: u32 = 3;
// @ts-ignore: decorator
@inline export const ICSK_TIME_LOSS_PROBE: u32 = 5;
// fin_queued values.
// @ts-ignore: decorator
@inline export const TCP_FIN_QUEUED: u32 = 1;
// @ts-ignore: decorator
@inline export const TCP_FIN_OWED: u32 = 2;
// ICSK_ACK_* (ack_pending bits)
// @ts-ignore: decorator
@inline export const ICSK_ACK_SCHED: u32 = 1;
// @ts-ignore: decorator
@inline export const ICSK_ACK_TIMER: u32 = 2;
// @ts-ignore: decorator
@inline export const ICSK_ACK_PUSHED: u32 = 4;
// @ts-ignore: decorator
@inline export const ICSK_ACK_PUSHED2: u32 = 8;
// @ts-ignore: decorator
@inline export const ICSK_ACK_NOW: u32 = 16;

// icsk_ack.pingpong is a count of replies sent within ato of the last data received
// (inet_csk_inc_pingpong_cnt); the socket is interactive from net.ipv4.tcp_pingpong_thresh
// on, which Linux 6.x defaults to 1 (the revert of "tcp: change pingpong threshold to 3").
// @ts-ignore: decorator
@inline export const TCP_PINGPONG_THRESH: u32 = 1;
// @ts-ignore: decorator
@inline export function inet_csk_in_pingpong_mode(tp: TcpSock): bool { return tp.ack_pingpong >= TCP_PINGPONG_THRESH; }
// @ts-ignore: decorator
@inline export function inet_csk_enter_pingpong_mode(tp: TcpSock): void { tp.ack_pingpong = TCP_PINGPONG_THRESH; }
// @ts-ignore: decorator
@inline export function inet_csk_exit_pingpong_mode(tp: TcpSock): void { tp.ack_pingpong = 0; }
// @ts-ignore: decorator
@inline export function inet_csk_inc_pingpong_cnt(tp: TcpSock): void { if (tp.ack_pingpong < 255) tp.ack_pingpong++; }
// @ts-ignore: decorator
@inline export function inet_csk_ack_scheduled(tp: TcpSock): bool { return (tp.ack_pending & ICSK_ACK_SCHED) != 0; }

// Constants from include/net/tcp.h (HZ = 1000, so ms).
// @ts-ignore: decorator
@inline export const TCP_RTO_MIN: u32 = 200;
// @ts-ignore: decorator
@inline export const TCP_RTO_MAX: u32 = 120000;
/** TCP_TIMEOUT_MIN_US: the least timeout a TCP timer is given (2 ms). */
// @ts-ignore: decorator
@inline export const TCP_TIMEOUT_MIN_US: u32 = 2000;
// @ts-ignore: decorator
@inline export const TCP_TIMEOUT_INIT: u32 = 1000;
// @ts-ignore: decorator
@inline export const TCP_DELACK_MIN: u32 = 40;
// @ts-ignore: decorator
@inline export const TCP_DELACK_MAX: u32 = 200;
// @ts-ignore: decorator
@inline export const TCP_ATO_MIN: u32 = 40;
// @ts-ignore: decorator
@inline export const TCP_TIMEWAIT_LEN: u32 = 60000;
// @ts-ignore: decorator
@inline export const TCP_RESOURCE_PROBE_INTERVAL: u32 = 500;
// @ts-ignore: decorator
@inline export const TCP_INIT_CWND: u32 = 10;
/** TCP_NUM_SACKS: SACK blocks the receiver remembers. */
// @ts-ignore: decorator
@inline export const TCP_NUM_SACKS: u32 = 4;
/** selective_acks[i].start_seq / end_seq. */
// @ts-ignore: decorator
@inline export function sack_start(tp: TcpSock, i: u32): u32 { return load<u32>(changetype<usize>(tp) + offsetof<TcpSock>("sack_blocks") + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline export function sack_end(tp: TcpSock, i: u32): u32 { return load<u32>(changetype<usize>(tp) + offsetof<TcpSock>("sack_blocks") + (<usize>i << 3) + 4); }
// @ts-ignore: decorator
@inline export function sack_set(tp: TcpSock, i: u32, start: u32, end: u32): void {
  const p = changetype<usize>(tp) + offsetof<TcpSock>("sack_blocks") + (<usize>i << 3);
  store<u32>(p, start);
  store<u32>(p, end, 4);
}
// @ts-ignore: decorator
@inline export const TCP_INFINITE_SSTHRESH: u32 = 0x7fffffff;
// @ts-ignore: decorator
@inline export const TCP_MSS_DEFAULT: u32 = 536;
// @ts-ignore: decorator
@inline export const TCP_MIN_MSS: u32 = 88;
// @ts-ignore: decorator
@inline export const MAX_TCP_WINDOW: u32 = 32767;
// @ts-ignore: decorator
@inline export const TCP_MAX_WSCALE: u32 = 14;
// @ts-ignore: decorator
@inline export const MAX_TCP_KEEPIDLE: u32 = 32767;
// @ts-ignore: decorator
@inline export const MAX_TCP_KEEPINTVL: u32 = 32767;
// @ts-ignore: decorator
@inline export const MAX_TCP_KEEPCNT: u32 = 127;

const tp_cache: usize = memory.data(SIZEOF_KMEM_CACHE, 4);
export function tcp_socks_inuse(): u32 { return kmem_cache_inuse(tp_cache); }

/** Allocates and zeroes a tcp_sock for sk, its timers bound to the given handlers. */
export function tcp_sock_alloc(sk: Sock, retrans_fn: u32, delack_fn: u32, keepalive_fn: u32): TcpSock {
  const tp = changetype<TcpSock>(kmem_cache_zalloc(tp_cache, SIZEOF_TCP_SOCK));
  tp.sk = changetype<usize>(sk);
  sk.sk_private = changetype<usize>(tp);
  timer_setup(retransmit_timer(tp), retrans_fn, changetype<usize>(tp));
  timer_setup(delack_timer(tp), delack_fn, changetype<usize>(tp));
  timer_setup(keepalive_timer(tp), keepalive_fn, changetype<usize>(tp));
  return tp;
}

export function tcp_sock_free(tp: TcpSock): void {
  kmem_cache_free(tp_cache, changetype<usize>(tp));
}
