// TCP input: segment processing for every state but LISTEN and TIME_WAIT (which
// tcp_ipv4.ts dispatches). Linux: net/ipv4/tcp_input.c — tcp_rcv_state_process (laid out
// in RFC 9293 §3.10.7.4's step order), tcp_rcv_synsent_state_process, tcp_ack,
// tcp_data_queue, tcp_ofo_queue, tcp_fin, tcp_reset, tcp_validate_incoming (RFC 5961,
// RFC 7323 PAWS), tcp_rtt_estimator (RFC 6298), __tcp_ack_snd_check.
import { after, before } from "../lib/seq";
import { ld32be } from "../lib/bytes";
import { rb_link_node, rb_insert_color, rb_erase, rb_first, rb_next, rb_left, rb_right, RB_LEFT, RB_RIGHT } from "../lib/rbtree";
import { minmax_running_min } from "../lib/win_minmax";
import { jiffies, ktime_ns, HZ } from "../kernel/clock";
import { del_timer, mod_timer, timer_pending } from "../kernel/timer";
import { SNMP_INC_STATS, SNMP_ADD_STATS, LINUX_MIB_TCPABORTONDATA, LINUX_MIB_TCPCHALLENGEACK, LINUX_MIB_TCPSYNCHALLENGE, LINUX_MIB_PAWSESTAB, LINUX_MIB_TCPOFOQUEUE, LINUX_MIB_TCPRCVQDROP, LINUX_MIB_TCPZEROWINDOWDROP, LINUX_MIB_TCPRENORECOVERY, LINUX_MIB_TCPFASTRETRANS, LINUX_MIB_DELAYEDACKLOST, LINUX_MIB_TCPPUREACKS, LINUX_MIB_TCPHPACKS, LINUX_MIB_TCPDSACKOLDSENT, LINUX_MIB_TCPDSACKOFOSENT, LINUX_MIB_TCPOFOMERGE, LINUX_MIB_TCPDSACKRECV, LINUX_MIB_TCPDSACKOFORECV, LINUX_MIB_TCPDSACKRECVSEGS, LINUX_MIB_TCPDSACKIGNOREDDUBIOUS, LINUX_MIB_TCPDSACKUNDO, LINUX_MIB_TCPSACKRENEGING, LINUX_MIB_TCPSACKRECOVERY, LINUX_MIB_TCPFULLUNDO, LINUX_MIB_TCPPARTIALUNDO, LINUX_MIB_TCPLOSSUNDO, LINUX_MIB_TCPSPURIOUSRTOS, LINUX_MIB_DELAYEDACKS, LINUX_MIB_TCPLOSSPROBERECOVERY } from "../kernel/mib";
import { SKB_DROP_REASON_NOT_SPECIFIED, SKB_DROP_REASON_SOCKET_RCVBUFF } from "../kernel/drop_reason";
import { consume_skb, kfree_skb_reason, SkBuff, skb_cb, skb_pull, skb_trim, SKB_CB_OFF, skb_cloned, skb_tailroom, skb_put, skb_copybreak, SKB_SMALL_SIZE, SKB_TRUESIZE } from "../core/skbuff";
import { skb_peek, skb_peek_tail, skb_queue_tail, skb_unlink, skb_dequeue } from "../core/skb_queue";
import { Sock, sk_data_ready, sk_state_change, sk_error_report, skb_set_owner_r, skb_orphan, SOCK_DEAD, SOCK_DONE, RCV_SHUTDOWN, SEND_SHUTDOWN, SOCK_KEEPOPEN, SOCK_SNDBUF_LOCK, sk_write_space } from "../core/sock";
import { ECONNREFUSED, ECONNRESET, EPIPE } from "../abi/errno";
import { TCP_ESTABLISHED, TCP_SYN_SENT, TCP_SYN_RECV, TCP_FIN_WAIT1, TCP_FIN_WAIT2, TCP_TIME_WAIT, TCP_CLOSE, TCP_CLOSE_WAIT, TCP_LAST_ACK, TCP_CLOSING } from "../abi/tcp_states";
import { TcpSock, tcp_sk, tp_sk, rtt_min_filter, tcp_min_rtt, keepalive_timer, ICSK_TIME_PROBE0, ICSK_TIME_RETRANS, ICSK_ACK_SCHED, ICSK_ACK_NOW, ICSK_ACK_PUSHED, ICSK_ACK_PUSHED2, ICSK_ACK_TIMER, TCP_DELACK_MAX, TCP_MSS_DEFAULT, TCP_MIN_MSS, inet_csk_in_pingpong_mode, inet_csk_enter_pingpong_mode, inet_csk_exit_pingpong_mode, delack_timer, TCP_RTO_MIN, TCP_RTO_MAX, TCP_ATO_MIN, TCP_TIMEWAIT_LEN, TCP_INIT_CWND, TCP_INFINITE_SSTHRESH, sack_start, sack_end, sack_set, TCP_NUM_SACKS, TCP_FIN_QUEUED } from "./tcp_sock";
import { cb_set_end_seq, cb_seq, cb_end_seq, cb_ack_seq, cb_flags, cb_wnd, cb_opts, cb_ts_val, cb_ts_ecr, cb_mss, cb_wscale, cb_tx_time, cb_retrans, cb_set_seq, OPT_MSS, OPT_WSCALE, OPT_SACK_PERM, OPT_TSTAMP, cb_sacked, cb_set_sacked, TCPCB_SACKED_ACKED, TCPCB_SACKED_RETRANS, TCPCB_LOST, TCPCB_EVER_RETRANS } from "./tcp_skb_cb";
import { TCPHDR_ACK, TCPHDR_FIN, TCPHDR_RST, TCPHDR_SYN, TCPHDR_PSH, TCPHDR_URG, TCPOLEN_TSTAMP_ALIGNED } from "./tcphdr";
import { tcp_send_ack, tcp_send_delayed_ack, tcp_write_xmit, tcp_rearm_rto, tcp_clear_xmit_timer, tcp_retransmit_skb, tcp_rtx_head, tcp_update_mss, tcp_select_initial_window, tcp_win_from_space, tcp_space, tcp_full_space, tcp_set_window_clamp, tcp_receive_window, __tcp_select_window, tcp_time_stamp, tcp_send_fin, tcp_stream_memory_free, tcp_notsent_lowat, TCP_NAGLE_NORMAL, TCP_NAGLE_OFF, tcp_packets_in_flight, tcp_in_cwnd_reduction, tcp_current_ssthresh, tcp_mark_skb_lost, tcp_xmit_retransmit_queue, tcp_rtx_next, tcp_schedule_loss_probe } from "./tcp_output";
import { tcp_set_state, tcp_done, tcp_time_wait, tcp_clear_xmit_timers } from "./tcp_state";
import { tcp_rate_update } from "./tcp_rate";
import { tcp_ca_ssthresh, tcp_ca_undo_cwnd, tcp_ca_event, tcp_cong_avoid, tcp_ca_pkts_acked, tcp_init_congestion_control, tcp_set_ca_state, CA_EVENT_COMPLETE_CWR } from "./tcp_cong";
import { fib_lookup, fib_nexthop } from "../ip/route";
import { neigh_confirm } from "../link/neighbour";
import { tcp_fin_timeout, tcp_wmem_max, tcp_rmem_max, tcp_min_rtt_wlen } from "./tcp_sysctl";
import { sk_wake_async_io } from "../core/sock";

// TCP_CA_* (Linux's congestion-avoidance states)
// @ts-ignore: decorator
@inline const TCP_CA_Open: u32 = 0;
// @ts-ignore: decorator
@inline const TCP_CA_Disorder: u32 = 1;
// @ts-ignore: decorator
@inline const TCP_CA_CWR: u32 = 2;
// @ts-ignore: decorator
@inline const TCP_CA_Recovery: u32 = 3;
// @ts-ignore: decorator
@inline const TCP_CA_Loss: u32 = 4;
// @ts-ignore: decorator
@inline const TCP_MAX_QUICKACKS: u32 = 16;

// ───── the out-of-order queue: an rbtree of skbs keyed by seq; nodes in skb->cb[44..56) ─────
// @ts-ignore: decorator
@inline const OOO_NODE: usize = 44;
// @ts-ignore: decorator
@inline function ooo_node(skb: SkBuff): usize { return skb_cb(skb) + OOO_NODE; }
// @ts-ignore: decorator
@inline function ooo_skb(node: usize): SkBuff { return changetype<SkBuff>(node - OOO_NODE - SKB_CB_OFF); }
// @ts-ignore: decorator
@inline function ooo_root(tp: TcpSock): usize { return changetype<usize>(tp) + offsetof<TcpSock>("ooo_root"); }

export function tcp_ooo_purge(tp: TcpSock): void {
  const root = ooo_root(tp);
  let n = rb_first(root);
  while (n != 0) {
    const next = rb_next(n);
    const skb = ooo_skb(n);
    rb_erase(n, root);
    kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
    n = next;
  }
  tp.ooo_last = 0;
  tp.num_sacks = 0; // tcp_sack_reset()
}

// ───── RTT and RTO (RFC 6298, as tcp_rtt_estimator) ─────

function tcp_rtt_estimator(tp: TcpSock, mrtt_us: i32): void {
  let m = mrtt_us;
  let srtt = <i32>tp.srtt_us;
  if (srtt != 0) {
    m -= srtt >> 3;
    srtt += m;
    if (m < 0) {
      m = -m;
      m -= <i32>(tp.mdev_us >> 2);
      if (m > 0) m >>= 3;
    } else {
      m -= <i32>(tp.mdev_us >> 2);
    }
    tp.mdev_us = <u32>(<i32>tp.mdev_us + m);
    if (tp.mdev_us > tp.mdev_max_us) {
      tp.mdev_max_us = tp.mdev_us;
      if (tp.mdev_max_us > tp.rttvar_us) tp.rttvar_us = tp.mdev_max_us;
    }
    if (after(tp.snd_una, tp.rtt_seq)) {
      if (tp.mdev_max_us < tp.rttvar_us) tp.rttvar_us -= (tp.rttvar_us - tp.mdev_max_us) >> 2;
      tp.rtt_seq = tp.snd_nxt;
      tp.mdev_max_us = TCP_RTO_MIN * 1000;
    }
  } else {
    srtt = m << 3;
    tp.mdev_us = <u32>(m << 1);
    tp.rttvar_us = tp.mdev_us > TCP_RTO_MIN * 1000 ? tp.mdev_us : TCP_RTO_MIN * 1000;
    tp.mdev_max_us = tp.rttvar_us;
    tp.rtt_seq = tp.snd_nxt;
  }
  tp.srtt_us = srtt > 1 ? <u32>srtt : 1;
}

/** tcp_set_rto(): srtt + max(4·rttvar-ish, rto_min), in jiffies rounded up, ≤ TCP_RTO_MAX. */
function tcp_set_rto(tp: TcpSock): void {
  const us = (tp.srtt_us >> 3) + tp.rttvar_us;
  let rto = (us + 999) / 1000;
  if (rto > TCP_RTO_MAX) rto = TCP_RTO_MAX;
  tp.rto = rto;
}

/**
 * tcp_update_rtt_min(): the windowed minimum behind tcpi_min_rtt takes the newest acked
 * segment's age (ca_rtt_us) — unless the ACK may have been delayed and the sample is above
 * the minimum, which would otherwise creep up to the delayed-ACK time once the true
 * minimum ages out. A 0 µs sample counts as one jiffy.
 */
function tcp_update_rtt_min(tp: TcpSock, rtt_us: u32, maybe_delayed: bool): void {
  if (maybe_delayed && rtt_us > tcp_min_rtt(tp)) return;
  minmax_running_min(rtt_min_filter(tp), tcp_min_rtt_wlen * HZ, jiffies, rtt_us != 0 ? rtt_us : 1000);
}

/**
 * tcp_ack_update_rtt(): an RTT sample (µs) from a segment sent once, or from TS ecr;
 * ca_rtt_us is the newest acked segment's age, for the minimum.
 */
function tcp_ack_update_rtt(tp: TcpSock, seq_rtt_us: i32, ca_rtt_us: i32, maybe_delayed: bool): void {
  if (seq_rtt_us < 0) return;
  // ca_rtt_us is taken whenever seq_rtt_us is (the same segment age or timestamp).
  tcp_update_rtt_min(tp, <u32>ca_rtt_us, maybe_delayed);
  // A 0 µs segment age goes in as it is: the estimator keeps srtt_us at least 1 (so
  // tcpi_rtt reads 0), and the RTO is then rto_min exactly.
  tcp_rtt_estimator(tp, seq_rtt_us);
  tcp_set_rto(tp);
  tp.backoff = 0;
}

/**
 * tcp_rtt_tsopt_us(): the RTT (µs) a timestamp echo measures on the ms clock, or -1 when the
 * echo is from the future or too old. An echo from this same ms counts as min_delta ms:
 * tcp_ack_update_rtt asks for 1 (Linux 6.16 on), so an RTT sample from timestamps alone is
 * never below 1 ms (0 ms would read as no RTT at all).
 */
export function tcp_rtt_tsopt_us(tp: TcpSock, tsecr: u32, min_delta: u32): i32 {
  let delta = tcp_time_stamp(tp) - tsecr;
  if (delta >= <u32>(0x7fffffff / 1000)) return -1;
  if (delta == 0) delta = min_delta;
  return <i32>(delta * 1000);
}

/** tcp_synack_rtt_meas(): a passive child's first RTT sample, from its request's SYN-ACK. */
export function tcp_synack_rtt_meas(tp: TcpSock, rtt_us: i32): void { tcp_ack_update_rtt(tp, rtt_us, rtt_us, false); }

// ───── ACK processing ─────

/** tcp_may_update_window() + tcp_ack_update_window(). */
function tcp_ack_update_window(sk: Sock, tp: TcpSock, skb: SkBuff, ack: u32): bool {
  let nwin = cb_wnd(skb);
  if ((cb_flags(skb) & TCPHDR_SYN) == 0) nwin <<= tp.snd_wscale;
  const seq = cb_seq(skb);
  if (after(ack, tp.snd_una) || after(seq, tp.snd_wl1) || (seq == tp.snd_wl1 && nwin > tp.snd_wnd)) {
    const changed = tp.snd_wnd != nwin;
    tp.snd_wl1 = seq;
    tp.snd_wnd = nwin;
    if (nwin > tp.max_window) {
      tp.max_window = nwin;
      tcp_update_mss(tp); // tcp_sync_mss(): the half-window bound moves with it
    }
    return changed;
  }
  return false;
}

/**
 * Frees fully acknowledged segments from the head of the write queue. Returns the segments
 * freed << 2, bit 1 when one of them was original data sent before the RTO (high_seq) and
 * never retransmitted nor SACKed (FLAG_ORIG_SACK_ACKED), bit 0 when one was retransmitted.
 */
function tcp_clean_rtx_queue(sk: Sock, tp: TcpSock, ack: u32, skb_in: SkBuff): u32 {
  let acked: u32 = 0;
  let orig_acked = false;
  let rtt_us: i32 = -1;
  let first_tx: f64 = -1;
  let last_tx: f64 = -1;
  let retrans_acked = false;
  let freed = false;
  let runt = false; // the last freed segment was short of mss (and not the SYN)
  for (;;) {
    const skb = tcp_rtx_head(sk);
    if (skb === null) break;
    if (after(cb_end_seq(skb), ack)) {
      // Partly acknowledged data (the peer took part of a segment): trim what it has.
      const seq = cb_seq(skb);
      if (after(ack, seq) && skb.len > 0 && (cb_flags(skb) & TCPHDR_SYN) == 0) {
        const n = ack - seq;
        if (n < skb.len) {
          skb_pull(skb, n);
          cb_set_seq(skb, ack);
          sk.sk_wmem_queued -= <i32>n;
          skb.truesize -= n;
        }
      }
      break;
    }
    // Karn's rule as Linux applies it (tcp_clean_rtx_queue): the sample is the oldest
    // newly acked segment's age (first_ackt), and none at all if any acked segment was
    // retransmitted (FLAG_RETRANS_DATA_ACKED) — the segments that waited behind a hole
    // would otherwise measure the whole recovery and inflate the RTO, loss after loss.
    if (cb_retrans(skb) != 0) retrans_acked = true;
    else {
      if (first_tx < 0) first_tx = cb_tx_time(skb);
      last_tx = cb_tx_time(skb);
    }
    if ((cb_sacked(skb) & (TCPCB_SACKED_RETRANS | TCPCB_EVER_RETRANS | TCPCB_SACKED_ACKED)) == 0 && !after(cb_end_seq(skb), tp.high_seq)) orig_acked = true;
    const flags = cb_flags(skb);
    let data = cb_end_seq(skb) - cb_seq(skb);
    if ((flags & TCPHDR_SYN) != 0) data--;
    if ((flags & TCPHDR_FIN) != 0) data--;
    runt = data < tp.mss_cache && (flags & TCPHDR_SYN) == 0;
    const sacked = cb_sacked(skb);
    if ((sacked & TCPCB_SACKED_RETRANS) != 0 && tp.retrans_out > 0) tp.retrans_out--;
    if ((sacked & TCPCB_LOST) != 0 && tp.lost_out > 0) tp.lost_out--;
    if ((sacked & TCPCB_SACKED_ACKED) != 0) { if (tp.sacked_out > 0) tp.sacked_out--; }
    else if (tcp_is_sack(tp)) tp.delivered++; // tcp_count_delivered (Reno counts in tcp_remove_reno_sacks)
    skb_unlink(skb, sk.sk_write_queue);
    sk.sk_wmem_queued -= <i32>skb.truesize;
    consume_skb(skb);
    if (tp.packets_out > 0) tp.packets_out--;
    acked++;
    freed = true;
  }
  // The congestion control's sample (ca_rtt_us) is the newest acked segment's age.
  let ca_rtt_us: i32 = -1;
  if (first_tx >= 0 && !retrans_acked) {
    rtt_us = <i32>((ktime_ns - first_tx) / 1000);
    ca_rtt_us = <i32>((ktime_ns - last_tx) / 1000);
  }
  // RFC 7323 §4.1: with timestamps, the echoed value measures even retransmitted data.
  if (rtt_us < 0 && (cb_opts(skb_in) & OPT_TSTAMP) != 0 && tp.tstamp_ok != 0 && cb_ts_ecr(skb_in) != 0 && acked > 0) {
    rtt_us = ca_rtt_us = tcp_rtt_tsopt_us(tp, cb_ts_ecr(skb_in), 1);
  }
  if (acked > 0) {
    // FLAG_ACK_MAYBE_DELAYED: the ACK of one lone runt, nothing SACKed, may have waited
    // for the receiver's delayed-ACK timer.
    const maybe_delayed = acked == 1 && runt && cb_sacked(skb_in) == 0 && tp.sacked_out == 0;
    tcp_ack_update_rtt(tp, rtt_us, ca_rtt_us, maybe_delayed);
  }
  if (acked > 0 && !tcp_is_sack(tp)) tcp_remove_reno_sacks(tp, acked);
  if (tp.ca_initialized != 0) tcp_ca_pkts_acked(tp, acked, ca_rtt_us);
  if (freed) tcp_check_space(sk);
  // Without SACK, a cumulative ACK that also covers a retransmission cannot show that the
  // originals got through (tcp_clean_rtx_queue: FLAG_RETRANS_DATA_ACKED clears the flag).
  if (retrans_acked && !tcp_is_sack(tp)) orig_acked = false;
  return (acked << 2) | (orig_acked ? 2 : 0) | (retrans_acked ? 1 : 0);
}

/**
 * tcp_check_space() / tcp_new_space(): freed send-buffer space wakes writers once it
 * clears sk_stream_min_wspace (a third of the buffer free), and lets the buffer grow
 * with the congestion window when the application did not fix SO_SNDBUF.
 */
export function tcp_check_space(sk: Sock): void {
  const tp = tcp_sk(sk);
  if ((sk.sk_userlocks & SOCK_SNDBUF_LOCK) == 0) tcp_sndbuf_expand(sk, tp);
  tcp_write_space(sk);
}

/**
 * sk_stream_write_space(): wake writers only when the socket is writable as poll sees it
 * (__sk_stream_is_writeable(sk, 1): a third of the buffer free, and unsent data below half
 * of TCP_NOTSENT_LOWAT).
 */
export function tcp_write_space(sk: Sock): void {
  const tp = tcp_sk(sk);
  const wspace = sk.sk_sndbuf - sk.sk_wmem_queued;
  if (wspace >= (sk.sk_wmem_queued >> 1) && tcp_stream_memory_free(tp, 1)) sk_write_space(sk);
}

/**
 * tcp_sndbuf_expand(): room for two windows of worst-case skbs (each MSS-sized frame in a
 * power-of-two allocation), at least TCP_INIT_CWND segments, capped by tcp_wmem[2].
 */
export function tcp_sndbuf_expand(sk: Sock, tp: TcpSock): void {
  let mss = tp.mss_clamp > tp.mss_cache ? tp.mss_clamp : tp.mss_cache;
  let per_mss = mss + 320 + 320; // + MAX_TCP_HEADER + skb_shared_info
  per_mss = (<u32>1 << (32 - clz<u32>(per_mss - 1))) + 256;
  let segs = tp.snd_cwnd > TCP_INIT_CWND ? tp.snd_cwnd : TCP_INIT_CWND;
  let sndmem = <u64>2 * <u64>segs * <u64>per_mss;
  if (sndmem > <u64>tcp_wmem_max) sndmem = <u64>tcp_wmem_max;
  if (<i64>sk.sk_sndbuf < <i64>sndmem) sk.sk_sndbuf = <i32>sndmem;
}

// FLAG_* results of tcp_ack
// @ts-ignore: decorator
@inline const FLAG_DATA: u32 = 0x01;
// @ts-ignore: decorator
@inline const FLAG_WIN_UPDATE: u32 = 0x02;
// @ts-ignore: decorator
@inline const FLAG_DATA_ACKED: u32 = 0x04;
// @ts-ignore: decorator
@inline const FLAG_RETRANS_DATA_ACKED: u32 = 0x08;
/** Never-retransmitted data sent before the RTO was (S)ACKed: what F-RTO looks for. */
// @ts-ignore: decorator
@inline const FLAG_ORIG_SACK_ACKED: u32 = 0x200;
// @ts-ignore: decorator
@inline const FLAG_SND_UNA_ADVANCED: u32 = 0x400;
// @ts-ignore: decorator
@inline const FLAG_NOT_DUP: u32 = FLAG_DATA | FLAG_WIN_UPDATE | FLAG_DATA_ACKED;

// ───── loss recovery: Linux's tcp_fastretrans_alert machine (NewReno without SACK) ─────

/** tcp_is_sack(): SACK-permitted was exchanged; else recovery is NewReno's (tcp_is_reno). */
// @ts-ignore: decorator
@inline function tcp_is_sack(tp: TcpSock): bool { return tp.sack_ok != 0; }

/** tcp_init_undo(): remember where this episode began, to undo it if it proves spurious. */
function tcp_init_undo(tp: TcpSock): void {
  tp.undo_marker = tp.snd_una;
  tp.undo_retrans = tp.retrans_out != 0 ? <i32>tp.retrans_out : -1;
}

/** tcp_init_cwnd_reduction(): PRR starts (RFC 6937 §3: ssthresh from the algorithm). */
function tcp_init_cwnd_reduction(tp: TcpSock): void {
  tp.high_seq = tp.snd_nxt;
  tp.tlp_high_seq = 0;
  tp.snd_cwnd_cnt = 0;
  tp.prior_cwnd = tp.snd_cwnd;
  tp.prr_delivered = 0;
  tp.prr_out = 0;
  tp.snd_ssthresh = tcp_ca_ssthresh(tp);
}

/**
 * tcp_cwnd_reduction(): Proportional Rate Reduction (RFC 6937), Linux's default — send in
 * proportion to what was delivered while pipe > ssthresh, then slow-start back up to
 * ssthresh (PRR-SSRB); at least the fast retransmit goes.
 */
function tcp_cwnd_reduction(tp: TcpSock, newly_acked_sacked: u32, flag: u32): void {
  if (newly_acked_sacked == 0 || tp.prior_cwnd == 0) return;
  const in_flight = tcp_packets_in_flight(tp);
  const delta = <i32>tp.snd_ssthresh - <i32>in_flight;
  tp.prr_delivered += newly_acked_sacked;
  let sndcnt: i32;
  if (delta < 0) {
    const dividend = <u64>tp.snd_ssthresh * <u64>tp.prr_delivered + <u64>tp.prior_cwnd - 1;
    sndcnt = <i32>(dividend / <u64>tp.prior_cwnd) - <i32>tp.prr_out;
  } else {
    sndcnt = <i32>tp.prr_delivered - <i32>tp.prr_out;
    if (sndcnt < <i32>newly_acked_sacked) sndcnt = <i32>newly_acked_sacked;
    if ((flag & FLAG_SND_UNA_ADVANCED) != 0 && sndcnt > delta) sndcnt = delta;
  }
  // Force a fast retransmit upon entering fast recovery.
  const floor = tp.prr_out != 0 ? 0 : 1;
  if (sndcnt < floor) sndcnt = floor;
  tp.snd_cwnd = in_flight + <u32>sndcnt;
}

/** tcp_end_cwnd_reduction(): cwnd = ssthresh when recovery (not undone) ends (RFC 6937 §3). */
function tcp_end_cwnd_reduction(tp: TcpSock): void {
  if (tp.snd_ssthresh < TCP_INFINITE_SSTHRESH && (tp.ca_state == TCP_CA_CWR || tp.undo_marker != 0)) {
    tp.snd_cwnd = tp.snd_ssthresh;
    tp.snd_cwnd_stamp = jiffies;
  }
  tcp_ca_event(tp, CA_EVENT_COMPLETE_CWR);
}

/** tcp_limit_reno_sacked(): dupACKs never count for more than the segments outstanding. */
function tcp_limit_reno_sacked(tp: TcpSock): void {
  let holes = tp.lost_out > 1 ? tp.lost_out : 1;
  if (holes > tp.packets_out) holes = tp.packets_out;
  if (tp.sacked_out + holes > tp.packets_out) tp.sacked_out = tp.packets_out - holes;
}

/** tcp_add_reno_sack(): without SACK, each duplicate ACK stands for one segment delivered. */
function tcp_add_reno_sack(tp: TcpSock, num_dupack: u32): void {
  if (num_dupack == 0) return;
  const prior = tp.sacked_out;
  tp.sacked_out += num_dupack;
  tcp_limit_reno_sacked(tp);
  if (tp.sacked_out > prior) tp.delivered += tp.sacked_out - prior;
}

/** tcp_remove_reno_sacks(): a cumulative ACK eats the duplicate ACKs it covers. */
function tcp_remove_reno_sacks(tp: TcpSock, acked: u32): void {
  tp.delivered += acked > tp.sacked_out + 1 ? acked - tp.sacked_out : 1;
  if (acked - 1 >= tp.sacked_out) tp.sacked_out = 0;
  else tp.sacked_out -= acked - 1;
  tcp_limit_reno_sacked(tp);
}

/** tcp_any_retrans_done(). */
function tcp_any_retrans_done(sk: Sock, tp: TcpSock): bool {
  if (tp.retrans_out != 0) return true;
  const head = tcp_rtx_head(sk);
  return head !== null && (cb_sacked(head) & TCPCB_EVER_RETRANS) != 0;
}

/**
 * tcp_packet_delayed(): the ACK echoes a timestamp older than our first retransmission,
 * so the original got through — the retransmission was spurious (RFC 7323 §4 / Eifel).
 */
function tcp_packet_delayed(tp: TcpSock, skb: SkBuff): bool {
  if (tp.retrans_stamp == 0 || tp.tstamp_ok == 0 || (cb_opts(skb) & OPT_TSTAMP) == 0) return false;
  const ecr = cb_ts_ecr(skb);
  return ecr != 0 && before(ecr - tp.tsoffset, tp.retrans_stamp);
}

/** tcp_may_undo(). */
function tcp_may_undo(tp: TcpSock, skb: SkBuff): bool {
  return tp.undo_marker != 0 && (tp.undo_retrans == 0 || tcp_packet_delayed(tp, skb));
}

/** tcp_undo_cwnd_reduction(): back to the window before the spurious reduction. */
function tcp_undo_cwnd_reduction(sk: Sock, tp: TcpSock, unmark_loss: bool): void {
  if (unmark_loss) {
    let skb = tcp_rtx_head(sk);
    while (skb !== null) {
      cb_set_sacked(skb, cb_sacked(skb) & ~TCPCB_LOST);
      skb = tcp_rtx_next(sk, skb);
    }
    tp.lost_out = 0;
  }
  if (tp.prior_ssthresh != 0) {
    tp.snd_cwnd = tcp_ca_undo_cwnd(tp);
    if (tp.prior_ssthresh > tp.snd_ssthresh) tp.snd_ssthresh = tp.prior_ssthresh;
  }
  tp.snd_cwnd_stamp = jiffies;
  tp.undo_marker = 0;
}

/** tcp_try_undo_recovery(): at the end of recovery; true to hold the state (Reno, RFC 6582 §3.2). */
function tcp_try_undo_recovery(sk: Sock, tp: TcpSock, skb: SkBuff): bool {
  if (tcp_may_undo(tp, skb)) {
    // Happy end! We did not retransmit anything or our original transmission succeeded.
    tcp_undo_cwnd_reduction(sk, tp, false);
    SNMP_INC_STATS(tp.ca_state == TCP_CA_Loss ? LINUX_MIB_TCPLOSSUNDO : LINUX_MIB_TCPFULLUNDO);
  }
  if (tp.snd_una == tp.high_seq && !tcp_is_sack(tp)) {
    // Hold old state until something *above* high_seq is ACKed: for Reno a MUST, to prevent
    // false fast retransmits (RFC 6582 §3.2 step 4).
    if (!tcp_any_retrans_done(sk, tp)) tp.retrans_stamp = 0;
    return true;
  }
  tcp_set_ca_state(tp, TCP_CA_Open);
  return false;
}

/**
 * tcp_try_undo_loss(): the RTO was spurious — shown by timestamps or D-SACKs (tcp_may_undo),
 * or by F-RTO (`frto_undo`: never-retransmitted data was acked, counted TCPSpuriousRTOs).
 */
function tcp_try_undo_loss(sk: Sock, tp: TcpSock, skb: SkBuff, frto_undo: bool): bool {
  if (!frto_undo && !tcp_may_undo(tp, skb)) return false;
  tcp_undo_cwnd_reduction(sk, tp, true);
  SNMP_INC_STATS(LINUX_MIB_TCPLOSSUNDO);
  if (frto_undo) SNMP_INC_STATS(LINUX_MIB_TCPSPURIOUSRTOS);
  tp.retransmits = 0;
  // tcp_is_non_sack_preventing_reopen()
  if (tp.snd_una == tp.high_seq && !tcp_is_sack(tp)) {
    if (!tcp_any_retrans_done(sk, tp)) tp.retrans_stamp = 0;
    return true;
  }
  if (frto_undo || tcp_is_sack(tp)) tcp_set_ca_state(tp, TCP_CA_Open);
  return true;
}

/** tcp_try_undo_partial(): a partial ACK of the original, not the retransmission. */
function tcp_try_undo_partial(sk: Sock, tp: TcpSock, skb: SkBuff): bool {
  if (tp.undo_marker != 0 && tcp_packet_delayed(tp, skb)) {
    // Plain luck! The hole was filled by a delayed packet rather than a retransmit.
    if (tp.retrans_out != 0) return true;
    if (!tcp_any_retrans_done(sk, tp)) tp.retrans_stamp = 0;
    tcp_undo_cwnd_reduction(sk, tp, true);
    SNMP_INC_STATS(LINUX_MIB_TCPPARTIALUNDO);
    tcp_try_keep_open(sk, tp);
  }
  return false;
}

/** tcp_try_keep_open(): Disorder while anything is out of order or retransmitted, else Open. */
function tcp_try_keep_open(sk: Sock, tp: TcpSock): void {
  let state = TCP_CA_Open;
  if (tp.sacked_out + tp.lost_out != 0 || tcp_any_retrans_done(sk, tp)) state = TCP_CA_Disorder;
  if (tp.ca_state != state) {
    tcp_set_ca_state(tp, state);
    tp.high_seq = tp.snd_nxt;
  }
}

/** tcp_try_to_open(). */
function tcp_try_to_open(sk: Sock, tp: TcpSock): void {
  if (!tcp_any_retrans_done(sk, tp)) tp.retrans_stamp = 0;
  if (tp.ca_state != TCP_CA_CWR) tcp_try_keep_open(sk, tp);
}

/**
 * tcp_newreno_mark_lost(): without SACK the head is lost once dupACKs reach the reordering
 * degree (RFC 5681 §3.2: three), or when a partial ACK arrives in recovery (RFC 6582).
 */
function tcp_newreno_mark_lost(sk: Sock, tp: TcpSock, snd_una_advanced: bool): void {
  const state = tp.ca_state;
  if ((state < TCP_CA_Recovery && tp.sacked_out >= tp.reordering) || (state == TCP_CA_Recovery && snd_una_advanced)) {
    const head = tcp_rtx_head(sk);
    if (head === null || (cb_sacked(head) & TCPCB_LOST) != 0) return;
    tcp_mark_skb_lost(tp, head);
  }
}

/**
 * tcp_sack_mark_lost(): RFC 6675 §4 IsLost — a segment not SACKed with at least DupThresh
 * (tp->reordering) SACKed segments above it is lost. kstack: Linux marks by time (RACK,
 * RFC 8985) by default; this is its pre-RACK rule (tcp_update_scoreboard).
 */
function tcp_sack_mark_lost(sk: Sock, tp: TcpSock): void {
  let above = tp.sacked_out;
  if (above < tp.reordering) return;
  let skb = tcp_rtx_head(sk);
  while (skb !== null && above >= tp.reordering) {
    const sacked = cb_sacked(skb);
    if ((sacked & TCPCB_SACKED_ACKED) != 0) above--;
    else if ((sacked & TCPCB_LOST) == 0) tcp_mark_skb_lost(tp, skb);
    skb = tcp_rtx_next(sk, skb);
  }
}

/** tcp_identify_packet_loss(). */
function tcp_identify_packet_loss(sk: Sock, tp: TcpSock, flag: u32): void {
  if (tcp_rtx_head(sk) === null) return;
  if (tcp_is_sack(tp)) tcp_sack_mark_lost(sk, tp);
  else tcp_newreno_mark_lost(sk, tp, (flag & FLAG_SND_UNA_ADVANCED) != 0);
}

/** tcp_try_undo_dsack(): D-SACKs showed every retransmission unnecessary (RFC 2883 §4.3). */
function tcp_try_undo_dsack(sk: Sock, tp: TcpSock): bool {
  if (tp.undo_marker != 0 && tp.undo_retrans == 0) {
    tcp_undo_cwnd_reduction(sk, tp, false);
    SNMP_INC_STATS(LINUX_MIB_TCPDSACKUNDO);
    return true;
  }
  return false;
}

// @ts-ignore: decorator
@inline const FLAG_DATA_SACKED: u32 = 0x20;
// @ts-ignore: decorator
@inline const FLAG_DSACKING_ACK: u32 = 0x800;
/** The D-SACK is for the tail loss probe (tcp_dsack_seen). */
// @ts-ignore: decorator
@inline const FLAG_DSACK_TLP: u32 = 0x20000;

/** tcp_dsack_seen()'s FLAG_DSACK_TLP: one segment's worth (or less), ending where the loss
 *  probe ended, is the probe's duplicate — the original got through too. */
function tcp_dsack_tlp_flag(tp: TcpSock, start: u32, end: u32): u32 {
  return before(start, end) && end - start <= tp.mss_cache && tp.tlp_high_seq != 0 && tp.tlp_high_seq == end ? FLAG_DSACK_TLP : 0;
}

/**
 * tcp_dsack_seen(): the segments a D-SACK block covers (tcpi_dsack_dups counts them all),
 * or 0 when it is dubious — reversed, longer than the peer's largest window, or claiming
 * more duplicates than this side ever retransmitted (a duplicate made by the network,
 * say): such a block has no say in undo.
 */
function tcp_dsack_seen(tp: TcpSock, start: u32, end: u32): u32 {
  if (!before(start, end)) return 0;
  const len = end - start;
  if (len > tp.max_window) return 0;
  const mss = tp.mss_cache;
  const dup_segs: u32 = len > mss && mss != 0 ? (len + mss - 1) / mss : 1;
  tp.dsack_dups += dup_segs;
  if (tp.dsack_dups > tp.total_retrans) return 0;
  return dup_segs;
}

/**
 * tcp_sacktag_write_queue(): the SACK blocks of an ACK (RFC 2018) onto the scoreboard.
 * A first block below the ACK, or inside the second, is a D-SACK (RFC 2883 §4): a
 * retransmission that was not needed, counted against undo_retrans. Newly SACKed
 * segments leave the pipe (sacked_out) and count as delivered. kstack: only whole
 * segments are tagged (Linux splits a partly SACKed skb: tcp_match_skb_to_sack).
 */
function tcp_sacktag_write_queue(sk: Sock, tp: TcpSock, ack_skb: SkBuff, prior_snd_una: u32): u32 {
  const off = cb_sacked(ack_skb);
  if (off == 0 || !tcp_is_sack(tp) || ack_skb.transport_header == 0) return 0;
  const p = ack_skb.transport_header + <usize>off;
  let n = (<u32>load<u8>(p, 1) - 2) >> 3;
  if (n > 4) n = 4;
  let flag: u32 = 0;
  const ack = cb_ack_seq(ack_skb);
  const s0 = ld32be(p + 2);
  const e0 = ld32be(p + 6);
  // tcp_check_dsack(): a first block below the ACK (TCPDSACKRecv), or inside the second
  // (TCPDSACKOfoRecv), reports a duplicate.
  let dup = false;
  if (before(s0, ack)) {
    SNMP_INC_STATS(LINUX_MIB_TCPDSACKRECV);
    dup = true;
  } else if (n > 1) {
    const s1 = ld32be(p + 10);
    const e1 = ld32be(p + 14);
    if (!after(e0, e1) && !before(s0, s1)) {
      SNMP_INC_STATS(LINUX_MIB_TCPDSACKOFORECV);
      dup = true;
    }
  }
  if (dup) {
    flag |= tcp_dsack_tlp_flag(tp, s0, e0);
    const dup_segs = tcp_dsack_seen(tp, s0, e0);
    if (dup_segs == 0) {
      // Dubious: the block is taken for an ordinary (and so discarded) one.
      SNMP_INC_STATS(LINUX_MIB_TCPDSACKIGNOREDDUBIOUS);
      dup = false;
    } else {
      // TCPDSACKRecvSegs: the segments the accepted D-SACKs covered.
      SNMP_ADD_STATS(LINUX_MIB_TCPDSACKRECVSEGS, dup_segs);
      flag |= FLAG_DSACKING_ACK;
      // A D-SACK wholly below the old snd_una still proves that many spurious
      // retransmissions of this episode ("dumb counting").
      if (tp.undo_marker != 0 && tp.undo_retrans > 0 && !after(e0, prior_snd_una) && after(e0, tp.undo_marker)) {
        const left = tp.undo_retrans - dup_segs;
        tp.undo_retrans = left > 0 ? left : 0;
      }
    }
  }
  for (let i: u32 = 0; i < n; i++) {
    const start = ld32be(p + 2 + 8 * i);
    const end = ld32be(p + 6 + 8 * i);
    const is_dsack = dup && i == 0;
    // tcp_is_sackblock_valid()
    if (!before(start, end) || after(end, tp.snd_nxt)) continue;
    if (!is_dsack && !after(start, tp.snd_una)) continue;
    let skb = tcp_rtx_head(sk);
    while (skb !== null) {
      const seq = cb_seq(skb);
      if (!before(seq, end)) break;
      const next = tcp_rtx_next(sk, skb);
      if (!before(seq, start) && !after(cb_end_seq(skb), end)) {
        let sacked = cb_sacked(skb);
        if (is_dsack) {
          if ((sacked & TCPCB_EVER_RETRANS) != 0 && tp.undo_marker != 0 && tp.undo_retrans > 0 && after(cb_end_seq(skb), tp.undo_marker)) tp.undo_retrans--;
        } else if ((sacked & TCPCB_SACKED_ACKED) == 0) {
          // tcp_sacktag_one()
          if ((sacked & TCPCB_SACKED_RETRANS) != 0) {
            // Not tagged lost: the retransmission is believed still in flight.
            if ((sacked & TCPCB_LOST) != 0) {
              sacked &= ~(TCPCB_LOST | TCPCB_SACKED_RETRANS);
              if (tp.lost_out > 0) tp.lost_out--;
              if (tp.retrans_out > 0) tp.retrans_out--;
            }
          } else {
            // A new SACK of an original never retransmitted, sent before the RTO.
            if ((sacked & TCPCB_EVER_RETRANS) == 0 && !after(cb_end_seq(skb), tp.high_seq)) flag |= FLAG_ORIG_SACK_ACKED;
            if ((sacked & TCPCB_LOST) != 0) {
              sacked &= ~TCPCB_LOST;
              if (tp.lost_out > 0) tp.lost_out--;
            }
          }
          sacked |= TCPCB_SACKED_ACKED;
          flag |= FLAG_DATA_SACKED;
          tp.sacked_out++;
          tp.delivered++;
        }
        // A D-SACKed or SACKed retransmission is no longer in flight.
        if (is_dsack && (sacked & TCPCB_SACKED_RETRANS) != 0) {
          sacked &= ~TCPCB_SACKED_RETRANS;
          if (tp.retrans_out > 0) tp.retrans_out--;
        }
        cb_set_sacked(skb, sacked);
      }
      skb = next;
    }
  }
  return flag;
}

/** tcp_enter_recovery(): fast retransmit and recovery begin (RFC 5681 §3.2, RFC 6675 §5). */
function tcp_enter_recovery(tp: TcpSock): void {
  SNMP_INC_STATS(tcp_is_sack(tp) ? LINUX_MIB_TCPSACKRECOVERY : LINUX_MIB_TCPRENORECOVERY);
  tp.prior_ssthresh = 0;
  tcp_init_undo(tp);
  if (!tcp_in_cwnd_reduction(tp)) {
    tp.prior_ssthresh = tcp_current_ssthresh(tp);
    tcp_init_cwnd_reduction(tp);
  }
  tcp_set_ca_state(tp, TCP_CA_Recovery);
}

// What tcp_ack sends once cwnd is updated (tcp_xmit_recovery).
// @ts-ignore: decorator
@inline const REXMIT_NONE: u32 = 0;
/** Retransmit what is marked lost. */
// @ts-ignore: decorator
@inline const REXMIT_LOST: u32 = 1;
/** F-RTO: new data instead (RFC 5682 §3.1 step 2.b). */
// @ts-ignore: decorator
@inline const REXMIT_NEW: u32 = 2;

/**
 * tcp_process_loss(): ACKs after an RTO, with F-RTO (RFC 5682 §3.1, in its SACK-enhanced
 * form, §4, as Linux runs it for SACK and NewReno alike). Returns a REXMIT_* decision.
 */
function tcp_process_loss(sk: Sock, tp: TcpSock, skb: SkBuff, flag: u32, num_dupack: u32): u32 {
  const recovered = !before(tp.snd_una, tp.high_seq);
  if ((flag & FLAG_SND_UNA_ADVANCED) != 0 && tcp_try_undo_loss(sk, tp, skb, false)) return REXMIT_NONE;
  if (tp.frto != 0) {
    // Step 3.b: the timeout was spurious if not everything was lost — data never
    // retransmitted was (S)ACKed.
    if ((flag & FLAG_ORIG_SACK_ACKED) != 0 && tcp_try_undo_loss(sk, tp, skb, true)) return REXMIT_NONE;
    if (after(tp.snd_nxt, tp.high_seq)) {
      // Step 3.a: new data went out (2.b) and a duplicate ACK or a SACK came instead: the
      // loss was real.
      if ((flag & FLAG_DATA_SACKED) != 0 || num_dupack != 0) tp.frto = 0;
    } else if ((flag & FLAG_SND_UNA_ADVANCED) != 0 && !recovered) {
      tp.high_seq = tp.snd_nxt;
      // Step 2.b: the first ACK after the RTO advanced SND.UNA — send new data (once
      // tcp_ack has set cwnd) if there is any and the peer's window takes it; otherwise
      // the conventional recovery.
      if (tp.send_head != 0 && after(tp.snd_una + tp.snd_wnd, tp.snd_nxt)) return REXMIT_NEW;
      tp.frto = 0;
    }
  }
  if (recovered) {
    // Step 2.a (the ACK covers everything sent before the RTO) and 3.a's end.
    tcp_try_undo_recovery(sk, tp, skb);
    return REXMIT_NONE;
  }
  if (!tcp_is_sack(tp)) {
    // A NewReno duplicate ACK says F-RTO's new data got there: lower what is in flight.
    if (after(tp.snd_nxt, tp.high_seq)) tcp_add_reno_sack(tp, num_dupack);
    else if ((flag & FLAG_SND_UNA_ADVANCED) != 0) tp.sacked_out = 0;
  }
  return REXMIT_LOST;
}

/**
 * tcp_update_rto_time(): an RTO episode is over (CA_Loss left, or the handshake finished
 * after SYN timeouts); its length joins tcpi_total_rto_time.
 */
function tcp_update_rto_time(tp: TcpSock): void {
  if (tp.rto_stamp == 0) return;
  tp.total_rto_time += jiffies - tp.rto_stamp;
  tp.rto_stamp = 0;
}

/**
 * tcp_fastretrans_alert(): the loss-recovery state machine, run on every dubious ACK
 * (duplicate, or while not Open). Returns what to send: REXMIT_NONE, REXMIT_LOST (the
 * segments marked lost) or REXMIT_NEW (F-RTO's new data).
 */
function tcp_fastretrans_alert(sk: Sock, tp: TcpSock, skb: SkBuff, num_dupack: u32, flag: u32): u32 {
  if (tp.packets_out == 0 && tp.sacked_out != 0) tp.sacked_out = 0;
  // D. Check state exit conditions. State can be terminated when high_seq is ACKed.
  if (tp.ca_state == TCP_CA_Open) {
    tp.retrans_stamp = 0;
  } else if (!before(tp.snd_una, tp.high_seq)) {
    if (tp.ca_state == TCP_CA_CWR) {
      if (tp.snd_una != tp.high_seq) {
        tcp_end_cwnd_reduction(tp);
        tcp_set_ca_state(tp, TCP_CA_Open);
      }
    } else if (tp.ca_state == TCP_CA_Recovery) {
      if (!tcp_is_sack(tp)) tp.sacked_out = 0;
      if (tcp_try_undo_recovery(sk, tp, skb)) return REXMIT_NONE;
      tcp_end_cwnd_reduction(tp);
    }
  }
  // E. Process state.
  let fallthrough = false;
  if (tp.ca_state == TCP_CA_Recovery) {
    if ((flag & FLAG_SND_UNA_ADVANCED) == 0) {
      if (!tcp_is_sack(tp)) tcp_add_reno_sack(tp, num_dupack);
    } else if (tcp_try_undo_partial(sk, tp, skb)) {
      return REXMIT_NONE;
    }
    if (tcp_try_undo_dsack(sk, tp)) tcp_try_keep_open(sk, tp);
    tcp_identify_packet_loss(sk, tp, flag);
    if (tp.ca_state != TCP_CA_Recovery) {
      if (tp.lost_out == 0) return REXMIT_NONE; // !tcp_time_to_recover()
      tcp_enter_recovery(tp);
    }
  } else if (tp.ca_state == TCP_CA_Loss) {
    const rexmit = tcp_process_loss(sk, tp, skb, flag, num_dupack);
    if (tp.ca_state != TCP_CA_Loss) tcp_update_rto_time(tp);
    tcp_identify_packet_loss(sk, tp, flag);
    // Still in Loss: go on as decided. Undone or recovered (Open): on to the Open state's
    // checks, which may find a loss among what is left (Linux also goes on when RACK sees a
    // retransmission lost again, FLAG_LOST_RETRANS; kstack has no RACK).
    if (tp.ca_state != TCP_CA_Open) return rexmit;
    fallthrough = true;
  } else {
    fallthrough = true;
  }
  if (fallthrough) {
    if (!tcp_is_sack(tp)) {
      if ((flag & FLAG_SND_UNA_ADVANCED) != 0) tp.sacked_out = 0;
      tcp_add_reno_sack(tp, num_dupack);
    }
    if (tp.ca_state <= TCP_CA_Disorder) tcp_try_undo_dsack(sk, tp);
    tcp_identify_packet_loss(sk, tp, flag);
    // tcp_time_to_recover(): something is marked lost.
    if (tp.lost_out == 0) {
      tcp_try_to_open(sk, tp);
      return REXMIT_NONE;
    }
    tcp_enter_recovery(tp);
  }
  return REXMIT_LOST;
}

/**
 * tcp_process_tlp_ack() (Linux 6.x; RFC 8985 §7.4): how a loss probe episode ends, once the
 * ACK reaches tlp_high_seq. A probe of new data proves nothing; a D-SACK of the probe, or a
 * pure duplicate ACK, says the original and the probe both arrived — no loss, cwnd kept; an
 * ACK beyond tlp_high_seq without one says the probe repaired a loss — a one-shot
 * reduction (CWR, cwnd = ssthresh), TCPLossProbeRecovery.
 */
function tcp_process_tlp_ack(sk: Sock, tp: TcpSock, ack: u32, flag: u32): void {
  if (before(ack, tp.tlp_high_seq)) return;
  if (tp.tlp_retrans == 0) {
    tp.tlp_high_seq = 0;
  } else if ((flag & FLAG_DSACK_TLP) != 0) {
    tp.tlp_high_seq = 0;
  } else if (after(ack, tp.tlp_high_seq)) {
    // tcp_init_cwnd_reduction() also ends the episode (tlp_high_seq = 0).
    tcp_init_cwnd_reduction(tp);
    tcp_set_ca_state(tp, TCP_CA_CWR);
    tcp_end_cwnd_reduction(tp);
    tcp_try_keep_open(sk, tp);
    SNMP_INC_STATS(LINUX_MIB_TCPLOSSPROBERECOVERY);
  } else if ((flag & (FLAG_SND_UNA_ADVANCED | FLAG_NOT_DUP | FLAG_DATA_SACKED)) == 0) {
    tp.tlp_high_seq = 0;
  }
}

/**
 * tcp_xmit_recovery(): with cwnd updated, send what loss recovery decided. F-RTO's new data
 * goes regardless of Nagle; if none could go after all, F-RTO gives way to the conventional
 * recovery.
 */
function tcp_xmit_recovery(sk: Sock, tp: TcpSock, rexmit: u32): void {
  if (rexmit == REXMIT_NONE) return;
  if (rexmit == REXMIT_NEW) {
    tcp_write_xmit(sk, TCP_NAGLE_OFF);
    if (after(tp.snd_nxt, tp.high_seq)) return;
    tp.frto = 0;
  }
  tcp_xmit_retransmit_queue(sk);
}

/**
 * tcp_ack(): processes the ACK field. Returns a FLAG_* set, or -1 for an ACK of data not
 * yet sent (the caller answers it) and -2 for an ACK too old to consider.
 */
function tcp_ack(sk: Sock, skb: SkBuff): i32 {
  const tp = tcp_sk(sk);
  const ack = cb_ack_seq(skb);
  const prior_snd_una = tp.snd_una;
  const prior_packets = tp.packets_out;
  const prior_delivered = tp.delivered;
  if (before(ack, prior_snd_una)) {
    // RFC 5961 §5.2: an ACK from before the window's history is answered (challenge ACK).
    if (before(ack, prior_snd_una - tp.max_window)) return -1;
    return -2;
  }
  if (after(ack, tp.snd_nxt)) return -1;
  // rcv_tstamp: any acceptable ACK shows the peer alive (keepalive_time_elapsed()).
  tp.last_ack_recv = jiffies;
  tp.probes_out = 0;
  let flag: u32 = 0;
  if (tcp_ack_update_window(sk, tp, skb, ack)) flag |= FLAG_WIN_UPDATE;
  const datalen = cb_end_seq(skb) - cb_seq(skb);
  if (datalen != 0) flag |= FLAG_DATA;
  if (after(ack, prior_snd_una)) {
    flag |= FLAG_SND_UNA_ADVANCED;
    // tcp_snd_una_update(): tcpi_bytes_acked is how far snd_una moved, so the SYN and the
    // FIN count a byte each, as their sequence numbers do (1 right after connect()).
    tp.bytes_acked += <f64>(ack - prior_snd_una);
    tp.snd_una = ack;
    tp.retransmits = 0;
    tp.probes_out = 0;
  }
  if (cb_sacked(skb) != 0) flag |= tcp_sacktag_write_queue(sk, tp, skb, prior_snd_una);
  const r = tcp_clean_rtx_queue(sk, tp, ack, skb);
  const acked = r >> 2;
  if (acked > 0) flag |= FLAG_DATA_ACKED;
  if ((r & 1) != 0) flag |= FLAG_RETRANS_DATA_ACKED;
  if ((r & 2) != 0) flag |= FLAG_ORIG_SACK_ACKED;
  // sk_dst_confirm(): forward progress, or a pure duplicate ACK (no data, no window
  // change: e.g. the answer to a keepalive probe), proves the next hop reachable, so the
  // neighbour entry is not re-probed with ARP (tcp_ack: FLAG_FORWARD_PROGRESS || !FLAG_NOT_DUP).
  if ((flag & FLAG_SND_UNA_ADVANCED) != 0 || ((flag & FLAG_WIN_UPDATE) == 0 && datalen == 0)) {
    const rt = fib_lookup(sk.inet_daddr);
    if (rt !== null) neigh_confirm(fib_nexthop(rt, sk.inet_daddr), rt.ifindex);
  }
  if (prior_packets != 0 && tp.ca_initialized != 0 && (cb_flags(skb) & TCPHDR_SYN) == 0) {
    if (tp.tlp_high_seq != 0) tcp_process_tlp_ack(sk, tp, ack, flag);
    // tcp_ack_is_dubious(): a duplicate ACK (RFC 5681 §2: no data, no window change,
    // nothing acked), or any ACK while not Open, goes through the recovery machine.
    let rexmit = REXMIT_NONE;
    if ((flag & FLAG_NOT_DUP) == 0 || (flag & (FLAG_DATA_SACKED | FLAG_DSACKING_ACK)) != 0 || tp.ca_state != TCP_CA_Open) {
      const num_dupack: u32 = (flag & (FLAG_SND_UNA_ADVANCED | FLAG_NOT_DUP | FLAG_DSACKING_ACK)) == 0 && (cb_flags(skb) & TCPHDR_FIN) == 0 ? 1 : 0;
      rexmit = tcp_fastretrans_alert(sk, tp, skb, num_dupack, flag);
    }
    // tcp_cong_control(): PRR sets cwnd in a reduction; otherwise the algorithm grows it
    // on in-order delivery (RFC 5681: not on duplicate ACKs).
    const delivered = tp.delivered - prior_delivered;
    if (tcp_in_cwnd_reduction(tp)) tcp_cwnd_reduction(tp, delivered, flag);
    else if ((flag & FLAG_DATA_ACKED) != 0) tcp_cong_avoid(tp, ack, delivered, jiffies);
    tcp_rate_update(tp);
    tcp_xmit_recovery(sk, tp, rexmit);
  } else if (prior_packets == 0 && (flag & FLAG_DSACKING_ACK) != 0 && tp.ca_initialized != 0) {
    // tcp_ack's no_queue: nothing in flight, but a D-SACK may still undo a reduction.
    tcp_fastretrans_alert(sk, tp, skb, 0, flag);
  }
  // no_queue: the D-SACK of a loss probe may come when nothing is left in flight.
  if (prior_packets == 0 && tp.tlp_high_seq != 0) tcp_process_tlp_ack(sk, tp, ack, flag);
  if ((flag & FLAG_SND_UNA_ADVANCED) != 0) {
    if (tp.packets_out == 0) tp.retrans_stamp = 0;
    // tcp_set_xmit_timer(): the loss probe if it may go, else the RTO.
    if (!tcp_schedule_loss_probe(sk, true)) tcp_rearm_rto(tp);
  }
  // tcp_ack_probe(): the persist timer ends once the peer opens its window. Linux asks
  // only when nothing is in flight (tcp_ack's no_queue path): a probe that carried new
  // data is in flight under this timer, and clearing it would leave that data with no
  // retransmission timer at all — it is re-armed as the RTO instead.
  if (tp.icsk_pending == ICSK_TIME_PROBE0 && tp.snd_wnd > 0) {
    tcp_clear_xmit_timer(tp);
    tp.backoff = 0;
    tp.probes_out = 0;
    if (tp.packets_out != 0) tcp_rearm_rto(tp);
  }
  return <i32>flag;
}

// ───── receiving data ─────

/** tcp_incr_quickack(): ACK the next few segments at once (start of transfer, after idle). */
function tcp_incr_quickack(tp: TcpSock, max_quickacks: u32): void {
  let quickacks = tp.rcv_mss > 0 ? tp.rcv_wnd / (2 * tp.rcv_mss) : 2;
  if (quickacks == 0) quickacks = 2;
  if (quickacks > max_quickacks) quickacks = max_quickacks;
  if (quickacks > tp.ack_quick) tp.ack_quick = quickacks;
}

/** tcp_enter_quickack_mode(): ACK at once for a while, and stop being interactive. */
export function tcp_enter_quickack_mode(tp: TcpSock, max_quickacks: u32): void {
  tcp_incr_quickack(tp, max_quickacks);
  inet_csk_exit_pingpong_mode(tp);
  tp.ack_ato = TCP_ATO_MIN;
}

/** tcp_in_quickack_mode(): quick ACKs left and the session is not interactive. */
// @ts-ignore: decorator
@inline function tcp_in_quickack_mode(tp: TcpSock): bool {
  return tp.ack_quick != 0 && !inet_csk_in_pingpong_mode(tp);
}

/**
 * tcp_measure_rcv_mss(): rcv_mss, the guess of the peer's segment size that the "ACK every
 * second full segment" rule counts in, and how data relates to truesize. A short segment
 * marks a push owed (ICSK_ACK_PUSHED, a second one PUSHED2) unless it looks like the
 * peer's real MSS: one of at least 536 bytes, or of at least 88 without PSH/FIN/URG/SYN,
 * seen twice in a row with the same size becomes rcv_mss (`thlen` is this segment's TCP
 * header length, tcp_header_len the usual one: SACK blocks make them differ).
 */
function tcp_measure_rcv_mss(sk: Sock, tp: TcpSock, len: u32, truesize: u32, flags: u32, thlen: u32): void {
  const lss = tp.ack_last_seg_size;
  tp.ack_last_seg_size = 0;
  if (len >= tp.rcv_mss) {
    // Linux 6.x: scaling_ratio (how much of a buffer's truesize is payload) is measured
    // only when rcv_mss changes; when the ratio moves, the clamp follows the buffer:
    // tcp_set_window_clamp(tcp_win_from_space(sk_rcvbuf)), and rcvq_space.space never
    // exceeds the clamp (the 6.14 fix "tcp: adjust rcvq_space after updating scaling ratio").
    if (len != tp.rcv_mss && truesize > 0) {
      const old_ratio = tp.scaling_ratio;
      const val = <u32>((<u64>len << 8) / <u64>truesize);
      tp.scaling_ratio = val != 0 ? (val > 255 ? 255 : val) : 1;
      if (old_ratio != tp.scaling_ratio) {
        tcp_set_window_clamp(tp, tcp_win_from_space(tp, sk.sk_rcvbuf));
        if (tp.window_clamp < tp.rcvq_space) tp.rcvq_space = tp.window_clamp;
      }
    }
    tp.rcv_mss = len < tp.advmss ? len : tp.advmss;
    // A full segment with PSH likely ends an application write: let tcp_cleanup_rbuf ACK
    // at once when the reader drains it (unless interactive).
    if ((flags & TCPHDR_PSH) != 0) tp.ack_pending |= ICSK_ACK_PUSHED;
  } else {
    let l = len + thlen;
    if (l >= TCP_MSS_DEFAULT + 20 || (l >= TCP_MIN_MSS + 20 && (flags & (TCPHDR_FIN | TCPHDR_URG | TCPHDR_SYN | TCPHDR_PSH)) == 0)) {
      l -= 20 + (tp.tstamp_ok != 0 ? 12 : 0); // tp->tcp_header_len
      tp.ack_last_seg_size = l;
      if (l == lss) {
        tp.rcv_mss = l;
        return;
      }
    }
    if ((tp.ack_pending & ICSK_ACK_PUSHED) != 0) tp.ack_pending |= ICSK_ACK_PUSHED2;
    tp.ack_pending |= ICSK_ACK_PUSHED;
  }
}

/**
 * tcp_grow_window() (Linux 6.x): raise rcv_ssthresh when data arrives in sensible sizes,
 * never past the clamp nor past what the free buffer space allows as window
 * (room = min(window_clamp, tcp_space) - rcv_ssthresh, the space counted after this skb
 * was charged).
 */
function tcp_grow_window(sk: Sock, tp: TcpSock, len: u32, truesize: u32): void {
  const space = tcp_space(tp);
  const room = (<i32>tp.window_clamp < space ? <i32>tp.window_clamp : space) - <i32>tp.rcv_ssthresh;
  if (room <= 0) return;
  let incr: i32 = 0;
  if (tcp_win_from_space(tp, <i32>truesize) <= <i32>len) incr = 2 * <i32>tp.advmss;
  else {
    // __tcp_grow_window(): only if a window of such segments could fit tcp_rmem[2].
    let ts = tcp_win_from_space(tp, <i32>truesize) >> 1;
    let window = tcp_win_from_space(tp, <i32>tcp_rmem_max) >> 1;
    while (tp.rcv_ssthresh <= <u32>window) {
      if (ts <= <i32>len) { incr = 2 * <i32>tp.rcv_mss; break; }
      ts >>= 1;
      window >>= 1;
    }
  }
  if (incr != 0) {
    if (incr < 2 * <i32>len) incr = 2 * <i32>len;
    tp.rcv_ssthresh += <u32>(incr < room ? incr : room);
    tp.ack_quick |= 1;
  }
}

/**
 * tcp_event_data_recv(): new in-order data owes an ACK. The delayed-ACK estimator: the
 * first data of a connection starts quick-ACK mode (up to TCP_MAX_QUICKACKS, so the
 * sender's slow start is not held back) with ato = TCP_ATO_MIN; afterwards ato follows
 * the inter-arrival time m (halving toward 20 ms + m/2 ...), and a gap longer than the RTO
 * (an idle sender restarting) starts quick ACKs again.
 */
function tcp_event_data_recv(sk: Sock, tp: TcpSock, len: u32, truesize: u32, flags: u32, thlen: u32): void {
  schedule_ack(tp);
  tcp_measure_rcv_mss(sk, tp, len, truesize, flags, thlen);
  const now = jiffies;
  if (tp.ack_ato == 0) {
    tcp_incr_quickack(tp, TCP_MAX_QUICKACKS);
    tp.ack_ato = TCP_ATO_MIN;
  } else {
    const m = now - tp.ack_lrcvtime;
    if (m <= TCP_ATO_MIN / 2) {
      tp.ack_ato = (tp.ack_ato >> 1) + TCP_ATO_MIN / 2;
    } else if (m < tp.ack_ato) {
      tp.ack_ato = (tp.ack_ato >> 1) + m;
      if (tp.ack_ato > tp.rto) tp.ack_ato = tp.rto;
    } else if (m > tp.rto) {
      tcp_incr_quickack(tp, TCP_MAX_QUICKACKS);
    }
  }
  tp.ack_lrcvtime = now;
  if (len >= 128) tcp_grow_window(sk, tp, len, truesize);
}

/**
 * tcp_ack_snd_check() / __tcp_ack_snd_check(): an owed ACK goes now when more than one
 * full segment (rcv_mss) is unacknowledged and the window's right edge would move (or
 * SO_RCVLOWAT is not yet met), in quick-ACK mode, when an immediate ACK was asked for
 * (ICSK_ACK_NOW: a filled hole, an out-of-window segment), or while out-of-order data is
 * held (RFC 5681 §4.2: duplicate ACKs at once); otherwise it is delayed.
 * kstack: Linux compresses the duplicate ACKs of a SACK peer after the third (tcp_comp_sack_*,
 * TCPAckCompressed); every one goes here.
 */
function tcp_ack_snd_check(sk: Sock, tp: TcpSock): void {
  if ((tp.ack_pending & ICSK_ACK_SCHED) == 0) return;
  if ((tp.rcv_nxt - tp.rcv_wup > tp.rcv_mss && (tp.rcv_nxt - tp.copied_seq < sk.sk_rcvlowat || __tcp_select_window(tp) >= tp.rcv_wnd)) ||
      tcp_in_quickack_mode(tp) || (tp.ack_pending & ICSK_ACK_NOW) != 0) {
    tcp_send_ack(sk);
    return;
  }
  if (tp.ooo_root == 0) {
    tcp_send_delayed_ack(sk);
    return;
  }
  tcp_send_ack(sk);
}

// @ts-ignore: decorator
@inline function schedule_ack(tp: TcpSock): void { tp.ack_pending |= ICSK_ACK_SCHED; }

/** tcp_fin(): the peer's FIN, in sequence. */
function tcp_fin(sk: Sock): void {
  const tp = tcp_sk(sk);
  schedule_ack(tp);
  sk.sk_shutdown |= RCV_SHUTDOWN;
  sk.sk_flags |= SOCK_DONE;
  switch (sk.sk_state) {
    case TCP_SYN_RECV:
    case TCP_ESTABLISHED:
      tcp_set_state(sk, TCP_CLOSE_WAIT);
      inet_csk_enter_pingpong_mode(tp);
      break;
    case TCP_CLOSE_WAIT:
    case TCP_CLOSING:
      break;
    case TCP_LAST_ACK:
      break;
    case TCP_FIN_WAIT1:
      // Simultaneous close (RFC 9293 §3.6): ACK the FIN and wait for ours to be acked.
      tp.ack_pending |= ICSK_ACK_NOW;
      tcp_set_state(sk, TCP_CLOSING);
      break;
    case TCP_FIN_WAIT2:
      tcp_send_ack(sk);
      tcp_time_wait(sk, TCP_TIME_WAIT, 0);
      break;
    default:
      break;
  }
  tcp_ooo_purge(tp);
  if ((sk.sk_flags & SOCK_DEAD) == 0) sk_state_change(sk);
  // tcp_fin(): sk_wake_async(SOCK_WAKE_WAITD, POLL_IN): end of file is readable.
  if ((sk.sk_flags & SOCK_DEAD) == 0) sk_wake_async_io(sk, 0x1); // EPOLLIN
}

// @ts-ignore: decorator
@inline const MAX_SKB_FRAGS: u32 = 17;

/**
 * What queueing skb in order adds to sk_rmem_alloc; tcp_queue_rcv() makes the same
 * choice. Linux's tcp_try_coalesce() joins an arriving segment to the tail skb of the
 * receive queue: bytes that fit the tail's tailroom (a tail whose buffer is not shared)
 * are copied and cost nothing more (skb_try_coalesce, delta_truesize 0); otherwise the
 * segment's page fragments are merged and only its data bytes are charged (its head is
 * freed), up to MAX_SKB_FRAGS per skb; otherwise it is queued at its full truesize.
 * kstack keeps merged segments as separate skbs but charges them the same way, so the
 * receive buffer fills as on Linux, and the window closes to zero rather than in-window
 * data being dropped for memory.
 */
function tcp_rcv_charge(sk: Sock, tp: TcpSock, skb: SkBuff): i32 {
  const tail = skb_peek_tail(sk.sk_receive_queue);
  if (tail === null || skb.len == 0 || tail.len == 0 || (cb_flags(tail) & TCPHDR_FIN) != 0) return <i32>skb.truesize;
  if (tcp_rcv_can_copy(tail, skb)) return 0;
  return tp.rcv_frags < MAX_SKB_FRAGS ? <i32>skb.len : <i32>skb.truesize;
}

/** Only a tail that owns its buffer and is charged for all of it (SKB_TRUESIZE of the
 *  buffer, as RX-ring and copybreak skbs are) takes bytes into its tailroom for free. */
function tcp_rcv_can_copy(tail: SkBuff, skb: SkBuff): bool {
  return (cb_flags(skb) & TCPHDR_FIN) == 0 && !skb_cloned(tail) && skb_tailroom(tail) >= skb.len &&
    tail.truesize >= SKB_TRUESIZE(<u32>(tail.end - tail.head));
}

/** tcp_queue_rcv(): charges and queues an in-order skb for the reader (see tcp_rcv_charge). */
function tcp_queue_rcv(sk: Sock, tp: TcpSock, skb: SkBuff): void {
  // An skb from the OOO tree is charged already: uncharge before truesize changes.
  skb_orphan(skb);
  const end = cb_end_seq(skb);
  const len = skb.len;
  tp.rcv_nxt = end;
  tp.bytes_received += <f64>len;
  const tail = skb_peek_tail(sk.sk_receive_queue);
  if (tail !== null && len > 0 && tail.len > 0 && (cb_flags(tail) & TCPHDR_FIN) == 0) {
    if (tcp_rcv_can_copy(tail, skb)) {
      memory.copy(skb_put(tail, len), skb.data, len);
      cb_set_end_seq(tail, end);
      consume_skb(skb);
      return;
    }
    if (tp.rcv_frags < MAX_SKB_FRAGS) {
      tp.rcv_frags++;
      skb.truesize = skb.len;
    } else {
      tp.rcv_frags = 1;
    }
  } else {
    tp.rcv_frags = 1;
  }
  skb_set_owner_r(skb, sk);
  skb_queue_tail(sk.sk_receive_queue, skb);
}

/**
 * A short segment on a big buffer (loopback hands the receiver a clone of the sender's
 * 64 KiB skb) moves to a small private one before it is queued: a reader that does not
 * read would otherwise pin one big buffer per segment and starve the pool. Linux keeps
 * such segments as page fragments of one skb (tcp_try_coalesce); this is the same cost.
 */
function tcp_rcv_unshare(skb: SkBuff): SkBuff {
  if (skb.len == 0 || skb.len > SKB_SMALL_SIZE || <u32>(skb.end - skb.head) <= SKB_SMALL_SIZE) return skb;
  const n = skb_copybreak(skb);
  if (n === null) return skb;
  consume_skb(skb);
  return n;
}

// ───── SACK blocks we send (RFC 2018 §4, RFC 2883; tcp_sack_new_ofo_skb and friends) ─────

/** tcp_sack_extend(): merges [seq, end_seq) into block i when they touch or overlap. */
function tcp_sack_extend(tp: TcpSock, i: u32, seq: u32, end_seq: u32): bool {
  const s = sack_start(tp, i);
  const e = sack_end(tp, i);
  if (!after(seq, e) && !after(s, end_seq)) {
    sack_set(tp, i, before(seq, s) ? seq : s, after(end_seq, e) ? end_seq : e);
    return true;
  }
  return false;
}

/** tcp_sack_maybe_coalesce(): the first block may now cover others; fold them in. */
function tcp_sack_maybe_coalesce(tp: TcpSock): void {
  let i: u32 = 1;
  while (i < tp.num_sacks) {
    if (tcp_sack_extend(tp, 0, sack_start(tp, i), sack_end(tp, i))) {
      tp.num_sacks--;
      for (let j = i; j < tp.num_sacks; j++) sack_set(tp, j, sack_start(tp, j + 1), sack_end(tp, j + 1));
      continue;
    }
    i++;
  }
}

/**
 * tcp_sack_new_ofo_skb(): RFC 2018 §4 — the block holding the newest segment goes first;
 * the others follow, most recent first; with all four in use the oldest is forgotten.
 */
function tcp_sack_new_ofo_skb(tp: TcpSock, seq: u32, end_seq: u32): void {
  const cur = tp.num_sacks;
  for (let i: u32 = 0; i < cur; i++) {
    if (tcp_sack_extend(tp, i, seq, end_seq)) {
      const s = sack_start(tp, i);
      const e = sack_end(tp, i);
      for (let j = i; j > 0; j--) sack_set(tp, j, sack_start(tp, j - 1), sack_end(tp, j - 1));
      sack_set(tp, 0, s, e);
      if (cur > 1) tcp_sack_maybe_coalesce(tp);
      return;
    }
  }
  const n = cur < TCP_NUM_SACKS ? cur : TCP_NUM_SACKS - 1;
  for (let j = n; j > 0; j--) sack_set(tp, j, sack_start(tp, j - 1), sack_end(tp, j - 1));
  sack_set(tp, 0, seq, end_seq);
  tp.num_sacks = n + 1;
}

/** tcp_sack_remove(): blocks that rcv_nxt has reached are no longer out of order. */
function tcp_sack_remove(tp: TcpSock): void {
  if (tp.ooo_root == 0) {
    tp.num_sacks = 0;
    return;
  }
  let n = tp.num_sacks;
  let i: u32 = 0;
  while (i < n) {
    if (!before(tp.rcv_nxt, sack_start(tp, i))) {
      for (let j = i + 1; j < n; j++) sack_set(tp, j - 1, sack_start(tp, j), sack_end(tp, j));
      n--;
      continue;
    }
    i++;
  }
  tp.num_sacks = n;
}

/** tcp_dsack_set(): RFC 2883 — report a duplicate in the first block of the next ACK. */
function tcp_dsack_set(tp: TcpSock, seq: u32, end_seq: u32): void {
  if (tp.sack_ok == 0) return;
  SNMP_INC_STATS(before(seq, tp.rcv_nxt) ? LINUX_MIB_TCPDSACKOLDSENT : LINUX_MIB_TCPDSACKOFOSENT);
  tp.dsack = 1;
  tp.dsack_start = seq;
  tp.dsack_end = end_seq;
}

/** tcp_ofo_queue(): moves segments that became in-order from the OOO tree. */
function tcp_ofo_queue(sk: Sock, tp: TcpSock): void {
  const root = ooo_root(tp);
  let n = rb_first(root);
  while (n != 0) {
    const skb = ooo_skb(n);
    if (after(cb_seq(skb), tp.rcv_nxt)) break;
    const next = rb_next(n);
    rb_erase(n, root);
    if (!after(cb_end_seq(skb), tp.rcv_nxt)) {
      kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED); // wholly duplicate
    } else {
      const over = tp.rcv_nxt - cb_seq(skb);
      if (over > 0) {
        skb_pull(skb, over);
        cb_set_seq(skb, tp.rcv_nxt);
      }
      const fin = (cb_flags(skb) & TCPHDR_FIN) != 0;
      tcp_queue_rcv(sk, tp, skb);
      if (fin) {
        tcp_fin(sk);
        break;
      }
    }
    n = next;
  }
  if (tp.ooo_root == 0) tp.ooo_last = 0;
}

/** tcp_data_queue_ofo(): keeps a future segment in the tree (dropping exact repeats). */
function tcp_data_queue_ofo(sk: Sock, tp: TcpSock, skb: SkBuff): void {
  SNMP_INC_STATS(LINUX_MIB_TCPOFOQUEUE);
  tp.rcv_ooopack++;
  // Out-of-order data: ACK at once so the sender sees the hole (RFC 5681 §4.2).
  tp.ack_pending |= ICSK_ACK_NOW;
  schedule_ack(tp);
  if (sk.sk_rmem_alloc + <i32>skb.truesize > sk.sk_rcvbuf) {
    SNMP_INC_STATS(LINUX_MIB_TCPRCVQDROP);
    kfree_skb_reason(skb, SKB_DROP_REASON_SOCKET_RCVBUFF);
    return;
  }
  const seq = cb_seq(skb);
  const end = cb_end_seq(skb);
  const root = ooo_root(tp);
  let link = root;
  let parent: usize = 0;
  let node = <usize>load<u32>(root);
  while (node != 0) {
    parent = node;
    const cur = ooo_skb(node);
    if (!before(seq, cb_seq(cur)) && !after(end, cb_end_seq(cur))) {
      // Already held: a duplicate, reported by D-SACK; its block moves to the front.
      SNMP_INC_STATS(LINUX_MIB_TCPOFOMERGE);
      tcp_dsack_set(tp, seq, end);
      if (tp.sack_ok != 0) tcp_sack_new_ofo_skb(tp, seq, end);
      kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
      return;
    }
    if (before(seq, cb_seq(cur))) {
      link = node + RB_LEFT;
      node = rb_left(node);
    } else {
      link = node + RB_RIGHT;
      node = rb_right(node);
    }
  }
  skb_set_owner_r(skb, sk);
  rb_link_node(ooo_node(skb), parent, link);
  rb_insert_color(ooo_node(skb), root);
  tp.ooo_last = changetype<usize>(skb);
  if (tp.sack_ok != 0) tcp_sack_new_ofo_skb(tp, seq, end);
}

/** tcp_data_queue(): data (and FIN) of an acceptable segment; consumes skb. */
function tcp_data_queue(sk: Sock, skb0: SkBuff): void {
  const tp = tcp_sk(sk);
  // This segment's TCP header length, for tcp_measure_rcv_mss (before a copy moves data).
  let thlen = <u32>(skb0.data - skb0.transport_header);
  if (thlen < 20 || thlen > 60) thlen = 20 + (tp.tstamp_ok != 0 ? 12 : 0);
  const skb = tcp_rcv_unshare(skb0);
  const seq = cb_seq(skb);
  const end = cb_end_seq(skb);
  if (seq == end) {
    consume_skb(skb);
    return;
  }
  if (seq == tp.rcv_nxt) {
    if (tcp_receive_window(tp) == 0 && skb.len > 0) {
      // A zero window: the data cannot be taken; ACK (the window again) and drop.
      SNMP_INC_STATS(LINUX_MIB_TCPZEROWINDOWDROP);
      tp.ack_pending |= ICSK_ACK_NOW;
      schedule_ack(tp);
      kfree_skb_reason(skb, SKB_DROP_REASON_SOCKET_RCVBUFF);
      return;
    }
    const charge = tcp_rcv_charge(sk, tp, skb);
    if (skb.len > 0 && sk.sk_rmem_alloc + charge > sk.sk_rcvbuf && sk.sk_rmem_alloc != 0) {
      SNMP_INC_STATS(LINUX_MIB_TCPRCVQDROP);
      tp.ack_pending |= ICSK_ACK_NOW;
      schedule_ack(tp);
      kfree_skb_reason(skb, SKB_DROP_REASON_SOCKET_RCVBUFF);
      return;
    }
    const flags = cb_flags(skb);
    const fin = (flags & TCPHDR_FIN) != 0;
    const len = skb.len;
    const truesize = skb.truesize;
    schedule_ack(tp);
    // Linux 6.x queues first (tcp_queue_rcv, the skb charged), then tcp_event_data_recv():
    // tcp_grow_window() sees the buffer space this segment has taken. The skb may be
    // consumed by queueing (copied into the tail), so its len and truesize go by value.
    tcp_queue_rcv(sk, tp, skb);
    if (len > 0) {
      tp.data_segs_in++;
      tp.last_data_recv = jiffies;
      tcp_event_data_recv(sk, tp, len, truesize, flags, thlen);
    }
    if (fin) tcp_fin(sk);
    if (tp.ooo_root != 0) {
      tcp_ofo_queue(sk, tp);
      // Filling a hole: ACK at once (RFC 5681 §4.2).
      if (tp.ooo_root == 0) tp.ack_pending |= ICSK_ACK_NOW;
    }
    if (tp.num_sacks != 0) tcp_sack_remove(tp);
    if ((sk.sk_flags & SOCK_DEAD) == 0) sk_data_ready(sk);
    return;
  }
  if (!after(end, tp.rcv_nxt)) {
    // A retransmission of data we have: ACK it at once (the sender may have lost ours,
    // or waited too long for a delayed one: DelayedACKLost), with a D-SACK for it
    // (RFC 2883 §4.1), as tcp_data_queue does.
    SNMP_INC_STATS(LINUX_MIB_DELAYEDACKLOST);
    tcp_dsack_set(tp, seq, end);
    tcp_enter_quickack_mode(tp, TCP_MAX_QUICKACKS);
    tp.ack_pending |= ICSK_ACK_NOW;
    schedule_ack(tp);
    consume_skb(skb);
    return;
  }
  if (!before(seq, tp.rcv_nxt + tcp_receive_window(tp))) {
    // Beyond the window: drop, and tell the sender where the window is.
    tp.ack_pending |= ICSK_ACK_NOW;
    schedule_ack(tp);
    kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
    return;
  }
  if (before(seq, tp.rcv_nxt)) {
    // Partly old: keep only the new part, then treat it as in order (D-SACK the old part).
    tcp_dsack_set(tp, seq, tp.rcv_nxt);
    skb_pull(skb, tp.rcv_nxt - seq);
    cb_set_seq(skb, tp.rcv_nxt);
    tcp_data_queue(sk, skb);
    return;
  }
  tcp_data_queue_ofo(sk, tp, skb);
}

// ───── errors and validation ─────

/** tcp_reset(): the peer reset the connection. */
export function tcp_reset(sk: Sock): void {
  const tp = tcp_sk(sk);
  let err: i32 = ECONNRESET;
  if (sk.sk_state == <u32>TCP_SYN_SENT) err = ECONNREFUSED;
  else if (sk.sk_state == <u32>TCP_CLOSE_WAIT) err = EPIPE;
  else if (sk.sk_state == <u32>TCP_CLOSE) return;
  sk.sk_err = err;
  tcp_write_queue_purge(sk);
  tcp_done(sk);
  if ((sk.sk_flags & SOCK_DEAD) == 0) sk_error_report(sk);
  void tp;
}

/** Frees the write queue (unsent and unacked data). */
export function tcp_write_queue_purge(sk: Sock): void {
  const tp = tcp_sk(sk);
  let skb = skb_dequeue(sk.sk_write_queue);
  while (skb !== null) {
    sk.sk_wmem_queued -= <i32>skb.truesize;
    consume_skb(skb);
    skb = skb_dequeue(sk.sk_write_queue);
  }
  tp.send_head = 0;
  tp.packets_out = 0;
  tp.sacked_out = 0;
  tp.lost_out = 0;
  tp.retrans_out = 0;
}

/** RFC 5961 §3.2/§4.2/§5.2: answer a suspicious segment with a challenge ACK. */
function tcp_send_challenge_ack(sk: Sock): void {
  SNMP_INC_STATS(LINUX_MIB_TCPCHALLENGEACK);
  tcp_send_ack(sk);
}

/** tcp_paws_discard(): RFC 7323 §5 — an old timestamp means an old duplicate. */
function tcp_paws_reject(tp: TcpSock, skb: SkBuff): bool {
  if (tp.tstamp_ok == 0 || (cb_opts(skb) & OPT_TSTAMP) == 0 || tp.ts_recent_stamp == 0) return false;
  if (<i32>(cb_ts_val(skb) - tp.ts_recent) >= 0) return false;
  // A timestamp older than 24 days since we last saw one is not trusted to reject.
  if (<i32>(jiffies - tp.ts_recent_stamp) > 24 * 24 * 3600 * 1000) return false;
  return (cb_flags(skb) & TCPHDR_RST) == 0;
}

/** tcp_sequence(): RFC 9293's acceptability test against the receive window. */
function tcp_sequence(tp: TcpSock, seq: u32, end_seq: u32): bool {
  return !before(end_seq, tp.rcv_wup) && !after(seq, tp.rcv_nxt + tcp_receive_window(tp));
}

/** tcp_store_ts_recent() under tcp_replace_ts_recent's rule (RFC 7323 §4.3). */
function tcp_replace_ts_recent(tp: TcpSock, skb: SkBuff): void {
  if (tp.tstamp_ok == 0 || (cb_opts(skb) & OPT_TSTAMP) == 0) return;
  if (!after(cb_seq(skb), tp.rcv_wup) && <i32>(cb_ts_val(skb) - tp.ts_recent) >= 0) {
    tp.ts_recent = cb_ts_val(skb);
    tp.ts_recent_stamp = jiffies;
  }
}

/**
 * tcp_validate_incoming(): steps 1–4 of RFC 9293 §3.10.7.4 (sequence, RST, SYN), with
 * PAWS and RFC 5961's challenge ACKs. Returns false when the segment was consumed.
 */
function tcp_validate_incoming(sk: Sock, skb: SkBuff): bool {
  const tp = tcp_sk(sk);
  const flags = cb_flags(skb);
  // RFC 7323 §5.3: PAWS.
  if (tcp_paws_reject(tp, skb)) {
    SNMP_INC_STATS(LINUX_MIB_PAWSESTAB);
    tcp_send_ack(sk);
    kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
    return false;
  }
  // Simultaneous open: in SYN_RECV the peer's SYN-ACK for our SYN passes (tcp_validate_incoming's
  // "goto pass" for a SYN with ACK that acknowledges exactly our SYN).
  if (sk.sk_state == <u32>TCP_SYN_RECV && (flags & (TCPHDR_SYN | TCPHDR_ACK)) == (TCPHDR_SYN | TCPHDR_ACK) &&
      cb_seq(skb) + 1 == cb_end_seq(skb) && cb_end_seq(skb) == tp.rcv_nxt && cb_ack_seq(skb) == tp.snd_nxt) {
    return true;
  }
  // First, check the sequence number.
  if (!tcp_sequence(tp, cb_seq(skb), cb_end_seq(skb))) {
    if ((flags & TCPHDR_SYN) != 0 && (flags & TCPHDR_RST) == 0) {
      // RFC 5961 §4.2: any SYN in a synchronized state gets a challenge ACK.
      SNMP_INC_STATS(LINUX_MIB_TCPSYNCHALLENGE);
      tcp_send_challenge_ack(sk);
    } else if ((flags & TCPHDR_RST) == 0) {
      // tcp_send_dupack(): old data again means our ACK was lost or late; it is reported
      // by a D-SACK (RFC 2883 §4.1).
      const seq = cb_seq(skb);
      const end = cb_end_seq(skb);
      if (end != seq && before(seq, tp.rcv_nxt)) {
        SNMP_INC_STATS(LINUX_MIB_DELAYEDACKLOST);
        tcp_enter_quickack_mode(tp, TCP_MAX_QUICKACKS);
        tcp_dsack_set(tp, seq, after(end, tp.rcv_nxt) ? tp.rcv_nxt : end);
      }
      tp.ack_pending |= ICSK_ACK_NOW;
      tcp_send_ack(sk);
    }
    kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
    return false;
  }
  // Second, check the RST bit (RFC 5961 §3.2: only an exact match resets).
  if ((flags & TCPHDR_RST) != 0) {
    if (cb_seq(skb) == tp.rcv_nxt) tcp_reset(sk);
    else tcp_send_challenge_ack(sk);
    kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
    return false;
  }
  tcp_replace_ts_recent(tp, skb);
  // Fourth, check the SYN bit (RFC 5961 §4.2: challenge, never reset).
  if ((flags & TCPHDR_SYN) != 0) {
    SNMP_INC_STATS(LINUX_MIB_TCPSYNCHALLENGE);
    tcp_send_challenge_ack(sk);
    kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
    return false;
  }
  return true;
}

// ───── connection establishment ─────

/** Adopts the options of the peer's SYN or SYN-ACK (tcp_parse_options results). */
export function tcp_apply_syn_options(tp: TcpSock, skb: SkBuff, our_ts: bool, our_sack: bool, our_ws: bool): void {
  const opts = cb_opts(skb);
  let mss_clamp = (opts & OPT_MSS) != 0 && cb_mss(skb) != 0 ? cb_mss(skb) : 536;
  // tcp_parse_options(): TCP_MAXSEG set before connect() caps the peer's MSS as well.
  if (tp.user_mss != 0 && tp.user_mss < mss_clamp) mss_clamp = tp.user_mss;
  tp.mss_clamp = mss_clamp;
  if ((opts & OPT_WSCALE) != 0 && our_ws) {
    tp.wscale_ok = 1;
    let ws = cb_wscale(skb);
    if (ws > 14) ws = 14; // RFC 7323 §2.3
    tp.snd_wscale = ws;
  } else {
    tp.wscale_ok = 0;
    tp.snd_wscale = 0;
    tp.rcv_wscale = 0;
  }
  if ((opts & OPT_TSTAMP) != 0 && our_ts) {
    tp.tstamp_ok = 1;
    tp.ts_recent = cb_ts_val(skb);
    tp.ts_recent_stamp = jiffies;
  } else {
    tp.tstamp_ok = 0;
  }
  tp.sack_ok = (opts & OPT_SACK_PERM) != 0 && our_sack ? 1 : 0;
  tcp_update_mss(tp);
}

// sysctl_tcp_app_win (default 31): reserve maxwin >> tcp_app_win of the window for the
// application's buffering.
const TCP_APP_WIN: i32 = 31;

/**
 * tcp_init_buffer_space() (net/ipv4/tcp_input.c, Linux 6.x): once established, the clamp
 * is at most the full space of the receive buffer (less a share for the application and
 * one segment reserved, when the buffer holds several), rcv_ssthresh at most the clamp,
 * and the autotuning's first measure min(rcv_ssthresh, rcv_wnd, TCP_INIT_CWND * advmss).
 */
function tcp_init_buffer_space(sk: Sock, tp: TcpSock): void {
  if ((sk.sk_userlocks & SOCK_SNDBUF_LOCK) == 0) tcp_sndbuf_expand(sk, tp);
  tp.rcvq_seq = tp.copied_seq;
  tp.rcvq_time = jiffies;
  const maxwin = tcp_full_space(tp);
  const advmss = <i32>tp.advmss;
  if (tp.window_clamp >= <u32>maxwin) {
    tp.window_clamp = <u32>maxwin;
    if (TCP_APP_WIN != 0 && maxwin > 4 * advmss) {
      const w = maxwin - (maxwin >> TCP_APP_WIN);
      tp.window_clamp = <u32>(w > 4 * advmss ? w : 4 * advmss);
    }
  }
  // Force reservation of one segment.
  if (TCP_APP_WIN != 0 && <i32>tp.window_clamp > 2 * advmss && <i32>tp.window_clamp + advmss > maxwin) {
    const w = maxwin - advmss;
    tp.window_clamp = <u32>(2 * advmss > w ? 2 * advmss : w);
  }
  if (tp.rcv_ssthresh > tp.window_clamp) tp.rcv_ssthresh = tp.window_clamp;
  let sp = tp.rcv_ssthresh < tp.rcv_wnd ? tp.rcv_ssthresh : tp.rcv_wnd;
  if (sp > TCP_INIT_CWND * tp.advmss) sp = TCP_INIT_CWND * tp.advmss;
  tp.rcvq_space = sp;
}

/**
 * tcp_init_transfer(): buffers and cwnd once the connection is up. Quick-ACK mode starts
 * with the first data received (tcp_event_data_recv, ato still 0), not here.
 */
export function tcp_init_transfer(sk: Sock, tp: TcpSock): void {
  // RFC 6928's initial window — or 1 when the handshake timed out more than once: RFC 5681
  // §3.1 cuts the window to one segment after a lost SYN or SYN-ACK, and Linux, whose
  // initial RTO is RFC 6298's 1 s, forgives a single retransmission (it may be spurious).
  // undo_marker is non-zero once a SYN/SYN-ACK timeout started an undo episode.
  tp.snd_cwnd = tp.total_retrans > 1 && tp.undo_marker != 0 ? 1 : TCP_INIT_CWND;
  // The handshake's last ACK ran tcp_update_pacing_rate (tcp_cong_control on the SYN-ACK,
  // tcp_rcv_state_process for SYN_RECV): sk_pacing_rate follows cwnd/srtt from now on.
  tp.pacing_rate_set = 1;
  tp.snd_cwnd_stamp = jiffies;
  if (tp.ca_initialized == 0) tcp_init_congestion_control(tp);
  tcp_init_buffer_space(sk, tp);
  if ((sk.sk_flags & SOCK_KEEPOPEN) != 0) mod_timer(keepalive_timer(tp), jiffies + tp.keepalive_time * 1000);
}

/**
 * What tcp_rcv_synsent takes from the peer's SYN on both of its paths (a SYN-ACK, or a
 * simultaneous open): its options, rcv_nxt past its ISN, and the send window, which a SYN
 * never scales (RFC 7323 §2.2).
 */
function tcp_synsent_take_syn(tp: TcpSock, skb: SkBuff): void {
  tcp_apply_syn_options(tp, skb, tp.tstamp_ok != 0, tp.sack_ok != 0, tp.wscale_ok != 0);
  tp.rcv_nxt = cb_seq(skb) + 1;
  tp.rcv_wup = tp.rcv_nxt;
  tp.copied_seq = tp.rcv_nxt;
  tp.snd_wl1 = cb_seq(skb);
  tp.snd_wnd = cb_wnd(skb);
  tp.max_window = tp.snd_wnd;
}

/** tcp_rcv_synsent_state_process(): the answer to our SYN. Consumes skb. */
function tcp_rcv_synsent(sk: Sock, skb: SkBuff): void {
  const tp = tcp_sk(sk);
  const flags = cb_flags(skb);
  if ((flags & TCPHDR_ACK) != 0) {
    // RFC 9293: an ACK outside (ISS, SND.NXT] gets a reset (unless it is one).
    if (!after(cb_ack_seq(skb), tp.snd_una) || after(cb_ack_seq(skb), tp.snd_nxt)) {
      if ((flags & TCPHDR_RST) == 0) tcp_v4_send_reset_for(skb);
      kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
      return;
    }
    if ((flags & TCPHDR_RST) != 0) {
      tcp_reset(sk); // ECONNREFUSED
      kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
      return;
    }
    if ((flags & TCPHDR_SYN) == 0) {
      kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
      return;
    }
    // SYN-ACK: the connection is established.
    tcp_synsent_take_syn(tp, skb);
    tcp_ack(sk, skb);
    // Linux enters CA_Loss on a SYN timeout, and this ACK of the SYN leaves it
    // (tcp_process_loss), ending the RTO episode. kstack keeps SYN_SENT Open: end it here.
    tcp_update_rto_time(tp);
    // The window of a SYN-ACK is not scaled (RFC 7323 §2.2): snd_wnd stays as tcp_ack set it.
    tp.snd_wnd = cb_wnd(skb);
    tcp_update_mss(tp);
    // tcp_rcv_synsent_state_process(): with timestamps every segment carries 12 option
    // bytes, so advmss (tcpi_advmss, the autotuning's unit) drops by TCPOLEN_TSTAMP_ALIGNED.
    if (tp.tstamp_ok != 0) tp.advmss -= TCPOLEN_TSTAMP_ALIGNED;
    tcp_set_state(sk, TCP_ESTABLISHED);
    tcp_init_transfer(sk, tp);
    if ((sk.sk_flags & SOCK_DEAD) == 0) sk_state_change(sk);
    // tcp_rcv_synsent_state_process(): sk_wake_async(SOCK_WAKE_IO, POLL_OUT).
    if ((sk.sk_flags & SOCK_DEAD) == 0) sk_wake_async_io(sk, 0x104); // EPOLLOUT | EPOLLWRNORM
    if (tp.defer_accept != 0 || inet_csk_in_pingpong_mode(tp)) {
      // TCP_DEFER_ACCEPT or TCP_QUICKACK 0 before connect(): no ACK of its own — the
      // handshake's ACK waits up to TCP_DELACK_MAX to ride on the first data
      // (tcp_rcv_synsent_state_process).
      tp.ack_pending |= ICSK_ACK_SCHED;
      tcp_enter_quickack_mode(tp, TCP_MAX_QUICKACKS);
      tp.ack_pending |= ICSK_ACK_TIMER;
      tp.ack_timeout = jiffies + TCP_DELACK_MAX;
      mod_timer(delack_timer(tp), tp.ack_timeout);
    } else {
      tcp_send_ack(sk);
    }
    tcp_write_xmit(sk, TCP_NAGLE_NORMAL);
    consume_skb(skb);
    return;
  }
  if ((flags & TCPHDR_RST) != 0) {
    kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
    return;
  }
  if ((flags & TCPHDR_SYN) != 0) {
    // Simultaneous open (RFC 9293 §3.5, Figure 8): answer with SYN-ACK, go to SYN_RECV.
    tcp_synsent_take_syn(tp, skb);
    tcp_set_state(sk, TCP_SYN_RECV);
    // The SYN we queued is resent as a SYN-ACK by flagging it.
    const head = tcp_rtx_head(sk);
    if (head !== null) {
      store<u8>(skb_cb(head), <u8>(TCPHDR_SYN | TCPHDR_ACK), 12);
      tcp_retransmit_skb(sk, head);
    }
  }
  kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
}

// The listener side completes in tcp_ipv4.ts; it registers how to move a child to the
// accept queue (upward call through a function table).
let child_established_fn: u32 = 0;
let send_reset_fn: u32 = 0;
export function tcp_input_register(child_established: u32, send_reset: u32): void {
  child_established_fn = child_established;
  send_reset_fn = send_reset;
}
function tcp_v4_send_reset_for(skb: SkBuff): void {
  if (send_reset_fn != 0) call_indirect<void>(send_reset_fn, changetype<usize>(skb));
}

/**
 * tcp_rcv_state_process(): every state but LISTEN and TIME_WAIT. skb.data is at the
 * payload and TCP_SKB_CB(skb) is filled. Consumes skb.
 */
export function tcp_rcv_state_process(sk: Sock, skb: SkBuff): void {
  const tp = tcp_sk(sk);
  const flags = cb_flags(skb);
  tp.segs_in++;
  switch (sk.sk_state) {
    case TCP_CLOSE:
      kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
      return;
    case TCP_SYN_SENT:
      tcp_rcv_synsent(sk, skb);
      return;
    default:
      break;
  }
  // Steps 1–4: sequence number, RST, (security), SYN.
  if (!tcp_validate_incoming(sk, skb)) return;
  // Fifth, check the ACK field.
  if ((flags & TCPHDR_ACK) == 0) {
    kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
    return;
  }
  if (sk.sk_state == <u32>TCP_SYN_RECV) {
    const ack = cb_ack_seq(skb);
    if (before(ack, tp.snd_una) || after(ack, tp.snd_nxt)) {
      tcp_v4_send_reset_for(skb);
      kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
      return;
    }
  }
  const rc = tcp_ack(sk, skb);
  if (rc == -1) {
    // RFC 5961 §5.2 / RFC 9293: an ACK for data never sent is answered and dropped.
    tcp_send_challenge_ack(sk);
    kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
    return;
  }
  if (rc >= 0 && cb_end_seq(skb) == cb_seq(skb) && (rc & FLAG_DATA_ACKED) != 0) SNMP_INC_STATS(LINUX_MIB_TCPHPACKS);
  else if (cb_end_seq(skb) == cb_seq(skb)) SNMP_INC_STATS(LINUX_MIB_TCPPUREACKS);
  const our_fin_acked = tp.fin_queued == TCP_FIN_QUEUED && tp.snd_una == tp.write_seq;
  switch (sk.sk_state) {
    case TCP_SYN_RECV: {
      tp.snd_wnd = cb_wnd(skb) << tp.snd_wscale;
      tp.snd_wl1 = cb_seq(skb);
      // A simultaneous open's SYN timeouts: the episode ends with the handshake, as above.
      tcp_update_rto_time(tp);
      // tcp_rcv_state_process(), TCP_SYN_RECV: the passive (and simultaneous) side takes the
      // timestamp option's bytes off advmss here, before tcp_init_transfer sizes rcv_space.
      if (tp.tstamp_ok != 0) tp.advmss -= TCPOLEN_TSTAMP_ALIGNED;
      tcp_set_state(sk, TCP_ESTABLISHED);
      tcp_init_transfer(sk, tp);
      tp.ack_pingpong = 0;
      if (tp.parent != 0 && child_established_fn != 0) call_indirect<void>(child_established_fn, changetype<usize>(sk));
      else if ((sk.sk_flags & SOCK_DEAD) == 0) sk_state_change(sk);
      break;
    }
    case TCP_FIN_WAIT1:
      if (our_fin_acked) {
        tcp_set_state(sk, TCP_FIN_WAIT2);
        sk.sk_shutdown |= SEND_SHUTDOWN;
        if ((sk.sk_flags & SOCK_DEAD) == 0) {
          sk_state_change(sk);
        } else {
          if (tp.linger2 < 0) {
            // TCP_LINGER2 < 0: no FIN_WAIT2 at all: reset (tcp_close's rule).
            tcp_done(sk);
            kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
            return;
          }
          // Orphaned: FIN_WAIT2 lasts tcp_fin_timeout (TCP_LINGER2 may change it).
          const tmo = tp.linger2 > 0 ? <u32>tp.linger2 * 1000 : tcp_fin_timeout * 1000;
          // With the peer's FIN in this segment the full sock stays (Linux: "Bad case. We
          // could lose such FIN otherwise"): tcp_fin ACKs it and then enters TIME_WAIT;
          // so does a segment with data, which the full sock answers. A bare ACK hands
          // over to a timewait sock (tcp_time_wait(FIN_WAIT2); "goto consume").
          if (cb_end_seq(skb) != cb_seq(skb)) {
            mod_timer(keepalive_timer(tp), jiffies + tmo);
          } else {
            tcp_time_wait(sk, TCP_FIN_WAIT2, tmo);
            consume_skb(skb);
            return;
          }
        }
      }
      break;
    case TCP_CLOSING:
      if (our_fin_acked) {
        tcp_time_wait(sk, TCP_TIME_WAIT, 0);
        consume_skb(skb);
        return;
      }
      break;
    case TCP_LAST_ACK:
      if (our_fin_acked) {
        tcp_done(sk);
        consume_skb(skb);
        return;
      }
      break;
    default:
      break;
  }
  // Sixth (URG) is not supported. Seventh, process the segment text.
  switch (sk.sk_state) {
    case TCP_CLOSE_WAIT:
    case TCP_CLOSING:
    case TCP_LAST_ACK:
      // The peer already sent FIN: anything more is a repeat (RFC 9293: ignore).
      if (!before(cb_seq(skb), tp.rcv_nxt)) {
        consume_skb(skb);
        tcp_data_snd_check(sk);
        return;
      }
      break;
    case TCP_FIN_WAIT1:
    case TCP_FIN_WAIT2:
      // After close(), new data cannot be delivered: reset (RFC 9293 §3.10.7.4 and
      // Linux's TCPAbortOnData).
      if ((sk.sk_shutdown & RCV_SHUTDOWN) != 0 && cb_end_seq(skb) != cb_seq(skb)) {
        const fin = (flags & TCPHDR_FIN) != 0 ? 1 : 0;
        if (after(cb_end_seq(skb) - fin, tp.rcv_nxt)) {
          // An orphan in FIN_WAIT2 is a timewait sock in Linux: it resets without counting.
          if (!(sk.sk_state == <u32>TCP_FIN_WAIT2 && (sk.sk_flags & SOCK_DEAD) != 0)) SNMP_INC_STATS(LINUX_MIB_TCPABORTONDATA);
          tcp_send_active_reset_and_done(sk);
          kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
          return;
        }
      }
      break;
    default:
      break;
  }
  if (sk.sk_state != <u32>TCP_CLOSE && sk.sk_state != <u32>TCP_TIME_WAIT) {
    tcp_data_queue(sk, skb);
    tcp_data_snd_check(sk);
    tcp_ack_snd_check(sk, tp);
  } else {
    consume_skb(skb);
  }
}

let active_reset_fn: u32 = 0;
export function tcp_input_register_reset(fn: u32): void { active_reset_fn = fn; }
function tcp_send_active_reset_and_done(sk: Sock): void {
  if (active_reset_fn != 0) call_indirect<void>(active_reset_fn, changetype<usize>(sk));
  tcp_done(sk);
}

/** tcp_data_snd_check(): after an ACK, new data may go. */
function tcp_data_snd_check(sk: Sock): void {
  const tp = tcp_sk(sk);
  if (tp.send_head == 0) return;
  tcp_write_xmit(sk, TCP_NAGLE_NORMAL);
  // tcp_check_space(): sending lowers the unsent count, which is what TCP_NOTSENT_LOWAT
  // writers wait on. kstack: without SOCK_NOSPACE bookkeeping, only a socket with a mark
  // is asked (sending alone frees no buffer memory).
  if (tcp_notsent_lowat(tp) != 0xffffffff) tcp_write_space(sk);
}

