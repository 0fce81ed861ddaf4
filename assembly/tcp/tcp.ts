// The TCP socket: struct proto tcp_prot's operations — what the socket layer calls for
// SOCK_STREAM. Linux: net/ipv4/tcp.c (tcp_init_sock, tcp_sendmsg_locked,
// tcp_recvmsg_locked, tcp_close, tcp_shutdown, tcp_poll, tcp_ioctl, do_tcp_setsockopt,
// do_tcp_getsockopt, tcp_get_info), inet_connection_sock.c (inet_csk_get_port,
// inet_csk_listen_start, inet_csk_listen_stop).
import { before } from "../lib/seq";
import { minmax_reset } from "../lib/win_minmax";
import { jiffies } from "../kernel/clock";
import { mod_timer, del_timer, timer_pending } from "../kernel/timer";
import { prandom_u32_max } from "../kernel/random";
import { SNMP_INC_STATS, LINUX_MIB_TCPABORTONCLOSE, LINUX_MIB_TCPABORTONDATA, LINUX_MIB_TCPABORTONLINGER } from "../kernel/mib";
import { SKB_DROP_REASON_NOT_SPECIFIED } from "../kernel/drop_reason";
import { consume_skb, kfree_skb_reason, SkBuff, skb_put } from "../core/skbuff";
import { skb_peek, skb_peek_tail, skb_unlink, skb_dequeue, skb_queue_len, skb_queue_purge } from "../core/skb_queue";
import { Sock, Proto, sock_hold, sock_put, sk_state_change, SOCK_DEAD, SOCK_DONE, SOCK_LINGER, SOCK_KEEPOPEN, RCV_SHUTDOWN, SEND_SHUTDOWN, SOCK_SNDBUF_LOCK, SOCK_RCVBUF_LOCK, SOCK_BINDPORT_LOCK, SOCK_ALLOC_FAIL } from "../core/sock";
import { register_proto } from "../core/proto_table";
import { sk_stream_closing } from "../core/stream";
import { ip_local_port_low, ip_local_port_high } from "../ip/inet_common";
import { EAGAIN, EINVAL, ENOTCONN, EPIPE, EISCONN, ENOPROTOOPT, EADDRINUSE, ENOENT, EOPNOTSUPP, ECONNRESET } from "../abi/errno";
import { ENOIOCTLCMD, KSTACK_MSG_CONT } from "../abi/syscall";
import { IPPROTO_TCP } from "../abi/in";
import { EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDNORM, EPOLLWRNORM, EPOLLRDHUP } from "../abi/epoll";
import { SOL_SOCKET, SOL_TCP, SO_KEEPALIVE, MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL, MSG_MORE, MSG_OOB, MSG_TRUNC, SOCK_STREAM } from "../abi/socket";
import { SIOCINQ, SIOCOUTQ, SIOCOUTQNSD } from "../abi/ioctl";
import { TCP_CONGESTION, TCP_NODELAY, TCP_MAXSEG, TCP_CORK, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, TCP_SYNCNT, TCP_LINGER2, TCP_DEFER_ACCEPT, TCP_INFO, TCP_QUICKACK, TCP_USER_TIMEOUT, TCP_NOTSENT_LOWAT, TCP_WINDOW_CLAMP, TCPI_OPT_TIMESTAMPS, TCPI_OPT_SACK, TCPI_OPT_WSCALE } from "../abi/tcp";
import { SIZEOF_TCP_INFO, TCPI_STATE, TCPI_CA_STATE, TCPI_RETRANSMITS, TCPI_PROBES, TCPI_BACKOFF, TCPI_OPTIONS, TCPI_SND_WSCALE, TCPI_RTO, TCPI_ATO, TCPI_SND_MSS, TCPI_RCV_MSS, TCPI_UNACKED, TCPI_SACKED, TCPI_LOST, TCPI_RETRANS, TCPI_LAST_DATA_SENT, TCPI_LAST_DATA_RECV, TCPI_LAST_ACK_RECV, TCPI_PMTU, TCPI_RCV_SSTHRESH, TCPI_RTT, TCPI_RTTVAR, TCPI_SND_SSTHRESH, TCPI_SND_CWND, TCPI_ADVMSS, TCPI_REORDERING, TCPI_RCV_SPACE, TCPI_TOTAL_RETRANS, TCPI_PACING_RATE, TCPI_MAX_PACING_RATE, TCPI_BYTES_ACKED, TCPI_BYTES_RECEIVED, TCPI_SEGS_OUT, TCPI_SEGS_IN, TCPI_NOTSENT_BYTES, TCPI_MIN_RTT, TCPI_DATA_SEGS_IN, TCPI_DATA_SEGS_OUT, TCPI_DELIVERY_RATE, TCPI_DELIVERY_RATE_APP_LIMITED, TCPI_DELIVERED, TCPI_BYTES_SENT, TCPI_BYTES_RETRANS, TCPI_DSACK_DUPS, TCPI_RCV_OOOPACK, TCPI_SND_WND, TCPI_RCV_WND, TCPI_REHASH, TCPI_TOTAL_RTO, TCPI_TOTAL_RTO_RECOVERIES, TCPI_TOTAL_RTO_TIME } from "../abi/tcp_info";
import { TCP_ESTABLISHED, TCP_SYN_SENT, TCP_SYN_RECV, TCP_FIN_WAIT1, TCP_FIN_WAIT2, TCP_TIME_WAIT, TCP_CLOSE, TCP_CLOSE_WAIT, TCP_LAST_ACK, TCP_LISTEN, TCP_CLOSING, TCPF_ESTABLISHED, TCPF_CLOSE_WAIT, TCPF_FIN_WAIT1, TCPF_FIN_WAIT2, TCPF_SYN_RECV, TCPF_CLOSING, TCPF_LAST_ACK } from "../abi/tcp_states";
import { TcpSock, tcp_sk, tcp_min_rtt, rtt_min_filter, tcp_sock_alloc, tcp_sock_free, retransmit_timer, delack_timer, keepalive_timer, TCP_TIMEOUT_INIT, TCP_RTO_MAX, TCP_INIT_CWND, TCP_INFINITE_SSTHRESH, TCP_MSS_DEFAULT, TCP_MIN_MSS, MAX_TCP_KEEPIDLE, MAX_TCP_KEEPINTVL, MAX_TCP_KEEPCNT, ICSK_ACK_SCHED, ICSK_ACK_PUSHED, ICSK_ACK_PUSHED2, TCP_TIMEWAIT_LEN, inet_csk_ack_scheduled, inet_csk_in_pingpong_mode, inet_csk_enter_pingpong_mode, inet_csk_exit_pingpong_mode } from "./tcp_sock";
import { cb_seq, cb_end_seq, cb_flags, cb_set_seq, cb_set_end_seq, cb_set_flags, cb_set_sacked } from "./tcp_skb_cb";
import { TCPHDR_ACK, TCPHDR_FIN, TCPHDR_PSH, TCPHDR_SYN } from "./tcphdr";
import { tcp_alloc_skb, tcp_queue_skb, tcp_push, tcp_write_xmit, tcp_send_fin, tcp_send_active_reset, tcp_send_ack, __tcp_select_window, tcp_receive_window, tcp_skb_truesize, tcp_update_mss, tcp_advmss_for, tcp_win_from_space, tcp_set_window_clamp, tcp_stream_memory_free, tcp_mark_push, forced_push, tcp_push_pending_frames, TCP_NAGLE_NORMAL, TCP_NAGLE_CORK, TCP_NAGLE_PUSH } from "./tcp_output";
import { tcp_set_state, tcp_done, tcp_clear_xmit_timers, tcp_flush_puts, tcp_time_wait, tcp_state_init } from "./tcp_state";
import { tcp_rate_check_app_limited } from "./tcp_rate";
import { tcp_write_queue_purge, tcp_ooo_purge, tcp_write_space } from "./tcp_input";
import { tcp_v4_connect, tcp_ipv4_init, tcp_ipv4_register_init, tcp_accept_dequeue } from "./tcp_ipv4";
import { tcp_write_timer, tcp_delack_timer, tcp_keepalive_timer } from "./tcp_timer";
import { inet_bhash_add, inet_bind_conflict, inet_lhash_insert, inet_put_port, inet_port_used, inet_csk_update_fastreuse } from "./inet_hashtables";
import { tcp_assign_congestion_control, tcp_set_congestion_control, tcp_ca_name_copy, ca_ops, tcp_ca_set_default, tcp_pacing_rate } from "./tcp_cong";
import { tcp_reno_register } from "./tcp_reno";
import { tcp_cubic_register } from "./tcp_cubic";
import { tcp_wmem_def, tcp_rmem_def, tcp_keepalive_time, tcp_keepalive_intvl, tcp_keepalive_probes, tcp_fin_timeout, tcp_rmem_max, somaxconn, tcp_notsent_lowat } from "./tcp_sysctl";

// @ts-ignore: decorator
@inline const SS_UNCONNECTED: u32 = 1;
// @ts-ignore: decorator
@inline const TCP_CA_Open: u32 = 0;
// @ts-ignore: decorator
@inline const TCP_REORDERING: u32 = 3;

/** tcp_init_sock(). */
function tcp_init_sock(skp: usize): void {
  const sk = changetype<Sock>(skp);
  const tp = tcp_sock_alloc(sk, tcp_write_timer.index, tcp_delack_timer.index, tcp_keepalive_timer.index);
  tp.rto = TCP_TIMEOUT_INIT;
  tp.mdev_us = TCP_TIMEOUT_INIT * 1000;
  tp.snd_cwnd = TCP_INIT_CWND;
  tp.snd_ssthresh = TCP_INFINITE_SSTHRESH;
  tp.mss_cache = TCP_MSS_DEFAULT;
  tp.scaling_ratio = 128; // TCP_DEFAULT_SCALING_RATIO: half of a buffer is window
  tp.keepalive_time = tcp_keepalive_time;
  tp.keepalive_intvl = tcp_keepalive_intvl;
  tp.keepalive_probes = tcp_keepalive_probes;
  tp.ca_state = TCP_CA_Open;
  tp.snd_cwnd_clamp = 0xffffffff;
  tp.reordering = TCP_REORDERING; // sysctl_tcp_reordering
  minmax_reset(rtt_min_filter(tp), jiffies, 0xffffffff); // no RTT sample yet: tcpi_min_rtt ~0U
  // As tcp_init_sock: nothing is in flight before the first ACK, so the connection counts
  // as app-limited until data flows (tcpi_delivery_rate_app_limited reads 1 before any sample).
  tp.app_limited = 0xffffffff;
  tp.rate_app_limited = 1;
  tcp_assign_congestion_control(tp);
  sk.sk_sndbuf = <i32>tcp_wmem_def;
  sk.sk_rcvbuf = <i32>tcp_rmem_def;
}

/** sk_free's hook: the tcp_sock goes back to its slab, with anything still queued. */
function tcp_destroy(skp: usize): void {
  const sk = changetype<Sock>(skp);
  // tcp_v4_destroy_sock(): "Clean up a referenced TCP bind bucket." A socket whose port
  // was bound explicitly (SOCK_BINDPORT_LOCK, which children inherit) kept it through
  // tcp_set_state(TCP_CLOSE) and gives it back only here.
  inet_put_port(sk);
  const tp = tcp_sk(sk);
  if (changetype<usize>(tp) == 0) return;
  tcp_clear_xmit_timers(tp);
  if (timer_pending(keepalive_timer(tp))) del_timer(keepalive_timer(tp));
  tcp_write_queue_purge(sk);
  tcp_ooo_purge(tp);
  tcp_sock_free(tp);
  sk.sk_private = 0;
}

// ───── ports ─────

/**
 * inet_csk_find_open_port() (Linux 6.x): bind(0) and listen() without bind. With
 * SO_REUSEADDR the lower half of ip_local_port_range is tried first, then the upper
 * half. Within a half: a random odd offset, stepping by two, then the even ports
 * (__inet_hash_connect starts on the range's own parity, so bind(0) and connect() use
 * different ports first). A port is taken only when no owner's address overlaps (relax
 * = false: not even SO_REUSEADDR/SO_REUSEPORT share it here; ip_autobind_reuse = 0).
 * Returns the port, or 0 when the range is exhausted.
 */
function inet_csk_find_open_port(sk: Sock): u32 {
  let attempt_half: u32 = sk.sk_reuse != 0 ? 1 : 0;
  for (;;) {
    let low = ip_local_port_low;
    let high = ip_local_port_high + 1; // [32768, 60999] -> [32768, 61000[
    if (high - low < 4) attempt_half = 0;
    if (attempt_half != 0) {
      const half = low + (((high - low) >> 2) << 1);
      if (attempt_half == 1) high = half;
      else low = half;
    }
    let remaining = high - low;
    if (remaining > 1) remaining &= ~1;
    let offset = prandom_u32_max(remaining) | 1;
    for (;;) {
      let port = low + offset;
      for (let i: u32 = 0; i < remaining; i += 2, port += 2) {
        if (port >= high) port -= remaining;
        if (!inet_bind_conflict(sk, port, false, false)) return port;
      }
      offset--;
      if ((offset & 1) != 0) break; // both parities scanned
    }
    if (attempt_half != 1) break;
    attempt_half = 2; // now the upper half
  }
  return 0;
}

/**
 * inet_csk_get_port(): bind(port) and listen()'s check. A given port is refused on an
 * inet_csk_bind_conflict(relax, reuseport_ok) — EADDRINUSE, as is an exhausted range
 * for port 0 (__inet_bind's err stays -EADDRINUSE).
 */
function tcp_get_port(skp: usize, snum: u32): i32 {
  const sk = changetype<Sock>(skp);
  if (snum == 0) {
    snum = inet_csk_find_open_port(sk);
    if (snum == 0) return -EADDRINUSE;
  } else if (inet_bind_conflict(sk, snum, true, true)) {
    return -EADDRINUSE;
  }
  inet_bhash_add(sk, snum);
  inet_csk_update_fastreuse(snum);
  return 0;
}

// ───── connect / listen / accept ─────

function tcp_connect_op(skp: usize, daddr: u32, dport: u32): i32 {
  return tcp_v4_connect(changetype<Sock>(skp), daddr, dport);
}

/** tcp_need_reset(): the states where RFC 793's ABORT call sends the peer a RST. */
function tcp_need_reset(state: u32): bool {
  return ((1 << state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT | TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2 | TCPF_SYN_RECV)) != 0;
}

/** tcp_disconnect(): back to CLOSE, as after a failed connect or AF_UNSPEC. */
function tcp_disconnect(skp: usize): i32 {
  const sk = changetype<Sock>(skp);
  const tp = tcp_sk(sk);
  const old = sk.sk_state;
  if (old != <u32>TCP_CLOSE) {
    // RFC 9293's ABORT: a RST where the peer may still hold the connection, and in CLOSING
    // or LAST_ACK only while data or our FIN is still unsent (Linux's own addition: its
    // FIN may still be queued there, unlike the RFC's); the socket then reads ECONNRESET from
    // SO_ERROR. A connect still in SYN_SENT sends nothing but is reset all the same.
    if (tcp_need_reset(old) || (tp.snd_nxt != tp.write_seq && ((1 << old) & (TCPF_CLOSING | TCPF_LAST_ACK)) != 0)) {
      tcp_send_active_reset(sk);
      sk.sk_err = ECONNRESET;
    } else if (old == <u32>TCP_SYN_SENT) {
      sk.sk_err = ECONNRESET;
    }
    tcp_set_state(sk, TCP_CLOSE);
    // A listener disconnected (shutdown(SHUT_RD), connect(AF_UNSPEC)): inet_csk_listen_stop.
    if (old == <u32>TCP_LISTEN) tcp_listen_stop(sk);
  }
  tcp_clear_xmit_timers(tp);
  tcp_write_queue_purge(sk);
  tcp_ooo_purge(tp);
  skb_queue_purge(sk.sk_receive_queue);
  tp.copied_seq = tp.rcv_nxt;
  sk.sk_shutdown = 0;
  sk.sk_flags &= ~SOCK_DONE;
  sk.inet_daddr = 0;
  sk.inet_dport = 0;
  tp.fin_queued = 0;
  // What tcp_disconnect() resets, in its order; what it leaves (the MSS and the path MTU,
  // min_rtt, the pacing rate, rcv_ssthresh/rcv_space, the windows, timeout_rehash) stays.
  tp.srtt_us = 0;
  tp.mdev_us = TCP_TIMEOUT_INIT * 1000;
  // The old sequence space plus a window: no segment of the last connection can land in
  // the next one's (and tcpi_notsent_bytes reads max_window + 2 meanwhile).
  let seq = tp.write_seq + tp.max_window + 2;
  if (seq == 0) seq = 1;
  tp.write_seq = seq;
  tp.backoff = 0;
  tp.probes_out = 0;
  tp.rto = TCP_TIMEOUT_INIT;
  tp.snd_ssthresh = TCP_INFINITE_SSTHRESH;
  tp.snd_cwnd = TCP_INIT_CWND;
  tp.snd_cwnd_cnt = 0;
  tp.is_cwnd_limited = 0;
  tp.max_packets_out = 0;
  tp.window_clamp = 0;
  tp.delivered = 0;
  // The congestion state starts over with the next connection (CA_Open, icsk_ca_priv
  // zeroed, icsk_ca_initialized = 0; the TCP_CONGESTION choice stays).
  tp.ca_state = TCP_CA_Open;
  tp.ca_initialized = 0;
  tp.prior_ssthresh = 0;
  // tcp_clear_retrans(), which forgets the RTO statistics too.
  tp.retrans_out = 0;
  tp.lost_out = 0;
  tp.undo_marker = 0;
  tp.undo_retrans = -1;
  tp.sacked_out = 0;
  tp.rto_stamp = 0;
  tp.total_rto = 0;
  tp.total_rto_recoveries = 0;
  tp.total_rto_time = 0;
  tp.total_retrans = 0;
  tp.retransmits = 0;
  // inet_csk_delack_init(): the delayed-ACK state (pingpong too) is zeroed, then rcv_mss is
  // TCP_MIN_MSS, so that __tcp_select_window() never divides by zero.
  tp.ack_pending = 0;
  tp.ack_ato = 0;
  tp.ack_quick = 0;
  tp.ack_pingpong = 0;
  tp.ack_lrcvtime = 0;
  tp.ack_timeout = 0;
  tp.ack_retry = 0;
  tp.ack_last_seg_size = 0;
  tp.rcv_mss = TCP_MIN_MSS;
  // memset(&tp->rx_opt, 0): the options the peer agreed to, its timestamps, the SACK
  // blocks, and TCP_MAXSEG's user_mss and mss_clamp.
  tp.tstamp_ok = 0;
  tp.sack_ok = 0;
  tp.wscale_ok = 0;
  tp.snd_wscale = 0;
  tp.rcv_wscale = 0;
  tp.ts_recent = 0;
  tp.ts_recent_stamp = 0;
  tp.user_mss = 0;
  tp.mss_clamp = 0;
  tp.num_sacks = 0;
  tp.dsack = 0;
  // The statistics tcp_info shows for this connection.
  tp.segs_in = 0;
  tp.segs_out = 0;
  tp.bytes_sent = 0;
  tp.bytes_acked = 0;
  tp.bytes_received = 0;
  tp.bytes_retrans = 0;
  tp.data_segs_in = 0;
  tp.data_segs_out = 0;
  tp.dsack_start = 0;
  tp.dsack_end = 0;
  tp.dsack_dups = 0; // (timeout_rehash stays: tcp_disconnect clears only plb_rehash)
  tp.tlp_high_seq = 0; // no loss probe episode carries over to the next connection
  tp.app_limited = 0xffffffff; // a bubble until the next connection's first ACK, as at init
  tp.rate_app_limited = 1;
  tp.rcv_ooopack = 0;
  tcp_flush_puts();
  return 0;
}

/** inet_csk_listen_start(). */
function tcp_listen(skp: usize, backlog: i32): i32 {
  const sk = changetype<Sock>(skp);
  const tp = tcp_sk(sk);
  // __sys_listen(): "if ((unsigned int)backlog > somaxconn) backlog = somaxconn", so a
  // negative backlog means somaxconn.
  tp.max_ack_backlog = <u32>backlog > somaxconn ? somaxconn : <u32>backlog;
  if (sk.sk_state == <u32>TCP_LISTEN) return 0;
  if (sk.inet_num == 0) {
    const rc = tcp_get_port(skp, 0);
    if (rc != 0) return -EADDRINUSE;
  } else if (inet_bind_conflict(sk, sk.inet_num, true, true)) {
    // inet_csk_listen_start asks get_port again, now as a listener: a SO_REUSEADDR
    // owner that listens already conflicts (no two listeners without SO_REUSEPORT).
    return -EADDRINUSE;
  }
  tcp_set_state(sk, TCP_LISTEN);
  const err = inet_lhash_insert(sk);
  if (err != 0) {
    tcp_set_state(sk, TCP_CLOSE);
    return err;
  }
  return 0;
}

/** inet_csk_accept()'s queue step: the next established child, or 0 (EAGAIN/EINVAL set). */
function tcp_accept(skp: usize, flags: u32): usize {
  const sk = changetype<Sock>(skp);
  if (sk.sk_state != <u32>TCP_LISTEN) {
    sk.sk_err_soft = EINVAL;
    return 0;
  }
  const child = tcp_accept_dequeue(sk);
  if (child === null) {
    sk.sk_err_soft = EAGAIN;
    return 0;
  }
  return changetype<usize>(child);
}

/**
 * inet_csk_listen_stop(): children never accepted are disconnected and disposed of
 * (inet_child_forget → tcp_disconnect: RST where tcp_need_reset says so). Requests still
 * in the SYN queue are left to their timers, which drop them once the listener is closed.
 */
function tcp_listen_stop(sk: Sock): void {
  for (;;) {
    const child = tcp_accept_dequeue(sk);
    if (child === null) break;
    child.sk_flags |= SOCK_DEAD;
    if (tcp_need_reset(child.sk_state)) tcp_send_active_reset(child);
    tcp_set_state(child, TCP_CLOSE);
    tcp_done(child);
    sock_put(child); // the queue's owner reference
  }
}

// ───── sending ─────

/** sk_stream_memory_free(): tcp_sendmsg's test before it queues a new skb (TCP_NOTSENT_LOWAT). */
function tcp_memory_free(sk: Sock, tp: TcpSock): bool {
  if (sk.sk_wmem_queued >= sk.sk_sndbuf) return false;
  return tcp_stream_memory_free(tp, 0);
}

/**
 * tcp_sendmsg_locked(). Copies what the send buffer takes, segment by segment; returns
 * the bytes taken, or -EAGAIN when none fit (the syscall layer then sleeps), or an error.
 */
export function tcp_sendmsg(skp: usize, buf: usize, len: u32, flags: u32, daddr: u32, dport: u32, has_addr: u32): i32 {
  const sk = changetype<Sock>(skp);
  const tp = tcp_sk(sk);
  if ((flags & <u32>MSG_OOB) != 0) return -EOPNOTSUPP;
  // tcp_sendmsg_locked() checks for an application-limited gap once per sendmsg, not for
  // the syscall layer's continuations of the same one.
  if ((flags & <u32>KSTACK_MSG_CONT) == 0) tcp_rate_check_app_limited(tp);
  const state = sk.sk_state;
  if (state != <u32>TCP_ESTABLISHED && state != <u32>TCP_CLOSE_WAIT) {
    // sk_stream_wait_connect(): an error, or a connection that is not coming.
    if (sk.sk_err != 0) return -sock_error_take(sk);
    if (state != <u32>TCP_SYN_SENT && state != <u32>TCP_SYN_RECV) return -EPIPE;
    return -EAGAIN;
  }
  if (sk.sk_err != 0 || (sk.sk_shutdown & SEND_SHUTDOWN) != 0) {
    // A continuation of a partly done send() reports nothing itself: the caller returns
    // the partial count and the error waits for the next send (tcp_sendmsg do_error).
    if ((flags & <u32>KSTACK_MSG_CONT) != 0) return -EPIPE;
    if (sk.sk_err != 0) return -sock_error_take(sk);
    return -EPIPE;
  }
  const mss = tp.mss_cache;
  sk.sk_flags &= ~SOCK_ALLOC_FAIL;
  let copied: u32 = 0;
  while (copied < len) {
    let skb = skb_peek_tail(sk.sk_write_queue);
    let room: u32 = 0;
    // Data joins the tail segment while it is unsent and not full (tcp_skb_can_collapse_to).
    if (skb !== null && unsent(tp, skb) && (cb_flags(skb) & (TCPHDR_SYN | TCPHDR_FIN)) == 0 && skb.len < mss) room = mss - skb.len;
    if (skb === null || room == 0) {
      if (!tcp_memory_free(sk, tp)) break;
      const nskb = tcp_alloc_skb(mss);
      if (nskb === null) {
        sk.sk_flags |= SOCK_ALLOC_FAIL; // the syscall layer retries after vm_wait
        break;
      }
      cb_set_seq(nskb, tp.write_seq);
      cb_set_end_seq(nskb, tp.write_seq);
      cb_set_flags(nskb, TCPHDR_ACK);
      cb_set_sacked(nskb, 0);
      tcp_queue_skb(sk, nskb);
      tp.nagle_push = 0; // skb_entail(): a new skb ends the push TCP_NODELAY asked for
      skb = nskb;
      room = mss;
    }
    let n = len - copied;
    if (n > room) n = room;
    memory.copy(skb_put(skb, n), buf + copied, n);
    skb.truesize += n;
    sk.sk_wmem_queued += <i32>n;
    cb_set_end_seq(skb, cb_end_seq(skb) + n);
    tp.write_seq += n;
    copied += n;
    // A full segment may leave at once (tcp_push_one), with PSH if half a window went
    // unpushed (forced_push); the rest waits for the push.
    if (skb.len >= mss && copied < len) {
      if (forced_push(tp)) {
        tcp_mark_push(tp, skb);
        tcp_write_xmit(sk, TCP_NAGLE_PUSH);
      } else if (changetype<usize>(skb) == tp.send_head) {
        tcp_write_xmit(sk, TCP_NAGLE_CORK);
      }
    }
  }
  if (copied > 0) {
    tcp_push(sk, (flags & <u32>MSG_MORE) != 0 ? TCP_NAGLE_CORK : TCP_NAGLE_NORMAL);
    return <i32>copied;
  }
  // Nothing fit: the caller sleeps for space (sk_stream_wait_memory).
  tcp_push_pending_frames(sk);
  return -EAGAIN;
}

/** The tail skb can take more data only while it is unsent. */
function unsent(tp: TcpSock, skb: SkBuff): bool {
  return tp.send_head != 0 && !before(cb_seq(skb), cb_seq(changetype<SkBuff>(tp.send_head)));
}

function sock_error_take(sk: Sock): i32 {
  const e = sk.sk_err;
  sk.sk_err = 0;
  return e;
}

// ───── receiving ─────

/** tcp_inq(): bytes the reader can take now (FIN excluded). */
function tcp_inq(sk: Sock, tp: TcpSock): u32 {
  let answ = tp.rcv_nxt - tp.copied_seq;
  // A FIN at the end of the queue occupies a sequence number, not a byte.
  const tail = skb_peek_tail(sk.sk_receive_queue);
  if (answ > 0 && tail !== null && (cb_flags(tail) & TCPHDR_FIN) != 0) answ--;
  return answ;
}

/**
 * tcp_cleanup_rbuf(): after reading, send a window update if the window can now open
 * "significantly" (at least double), or if a full segment's ACK was still owed.
 */
function tcp_cleanup_rbuf(sk: Sock, tp: TcpSock, copied: u32): void {
  let time_to_ack = false;
  if ((tp.ack_pending & ICSK_ACK_SCHED) != 0) {
    // Once-per-two-segments ACK not sent by input, or this read emptied the queue of a
    // small pushed segment on a connection that is not interactive (or of two of them).
    if (tp.rcv_nxt - tp.rcv_wup > tp.rcv_mss) time_to_ack = true;
    else if (copied > 0 && ((tp.ack_pending & ICSK_ACK_PUSHED2) != 0 || ((tp.ack_pending & ICSK_ACK_PUSHED) != 0 && !inet_csk_in_pingpong_mode(tp))) && sk.sk_rmem_alloc == 0) time_to_ack = true;
  }
  if (copied > 0 && !time_to_ack && (sk.sk_shutdown & RCV_SHUTDOWN) == 0) {
    const rcv_window_now = tcp_receive_window(tp);
    if (<u32>2 * rcv_window_now <= tp.window_clamp) {
      const new_window = __tcp_select_window(tp);
      if (new_window != 0 && new_window >= <u32>2 * rcv_window_now) time_to_ack = true;
    }
  }
  if (time_to_ack) tcp_send_ack(sk);
}

/**
 * tcp_rcv_space_adjust(): receive-buffer autotuning (DRS) — once per RTT, if the reader
 * took more than the current space, grow sk_rcvbuf toward twice that (up to tcp_rmem[2]).
 */
function tcp_rcv_space_adjust(sk: Sock, tp: TcpSock): void {
  const rtt_ms = tp.srtt_us != 0 ? (tp.srtt_us >> 3) / 1000 : 0;
  const elapsed = jiffies - tp.rcvq_time;
  if (elapsed < (rtt_ms > 0 ? rtt_ms : 1) || tp.rcvq_space == 0) return;
  const copied = tp.copied_seq - tp.rcvq_seq;
  if (copied > tp.rcvq_space && (sk.sk_userlocks & SOCK_RCVBUF_LOCK) == 0) {
    let rcvwin = (copied << 1) + 16 * tp.advmss;
    // From window back to buffer bytes (the inverse of scaling_ratio).
    let rcvbuf = <u64>rcvwin * 256 / <u64>(tp.scaling_ratio != 0 ? tp.scaling_ratio : 128);
    if (rcvbuf > <u64>tcp_rmem_max) rcvbuf = <u64>tcp_rmem_max;
    if (<i64>rcvbuf > <i64>sk.sk_rcvbuf) {
      sk.sk_rcvbuf = <i32>rcvbuf;
      // "Make the window clamp follow along" (Linux 6.x): the window the new buffer allows.
      tp.window_clamp = <u32>tcp_win_from_space(tp, <i32>rcvbuf);
    }
    tp.rcvq_space = copied;
  }
  tp.rcvq_seq = tp.copied_seq;
  tp.rcvq_time = jiffies;
}

/** tcp_recvmsg_locked(). MSG_DONTWAIT says "do not sleep" (O_NONBLOCK is folded in). */
export function tcp_recvmsg(skp: usize, buf: usize, len: u32, flags: u32, addr_out: usize): i32 {
  const sk = changetype<Sock>(skp);
  const tp = tcp_sk(sk);
  if (sk.sk_state == <u32>TCP_LISTEN) return -ENOTCONN;
  if ((flags & <u32>MSG_OOB) != 0) return -EINVAL;
  const peek = (flags & <u32>MSG_PEEK) != 0;
  const nonblock = (flags & <u32>MSG_DONTWAIT) != 0;
  // sock_rcvlowat(): MSG_WAITALL waits for everything, else for SO_RCVLOWAT bytes.
  let target = (flags & <u32>MSG_WAITALL) != 0 ? len : (sk.sk_rcvlowat < len ? sk.sk_rcvlowat : len);
  if (target == 0) target = 1;
  const avail = tcp_inq(sk, tp);
  const fin_seen = (sk.sk_shutdown & RCV_SHUTDOWN) != 0;
  if (avail == 0) {
    // tcp_recvmsg_locked(): SOCK_DONE (the peer's FIN) first, then a pending error, then
    // shutdown — after a reset, recv says ECONNRESET once and then 0.
    if ((sk.sk_flags & SOCK_DONE) != 0) {
      eat_fin(sk, tp, peek);
      return 0;
    }
    if (sk.sk_err != 0) return -sock_error_take(sk);
    if (fin_seen) {
      eat_fin(sk, tp, peek);
      return 0;
    }
    if (sk.sk_state == <u32>TCP_CLOSE) return -ENOTCONN;
    return -EAGAIN;
  }
  if (avail < target && !nonblock && !fin_seen && sk.sk_err == 0 && sk.sk_state != <u32>TCP_CLOSE) return -EAGAIN;
  let copied: u32 = 0;
  let seq = tp.copied_seq;
  let skb = skb_peek(sk.sk_receive_queue);
  while (skb !== null && copied < len) {
    const offset = seq - cb_seq(skb);
    if (offset < skb.len) {
      let used = skb.len - offset;
      if (used > len - copied) used = len - copied;
      memory.copy(buf + copied, skb.data + offset, used);
      copied += used;
      seq += used;
      if (offset + used < skb.len) break;
    }
    const next: SkBuff | null = skb.next == sk.sk_receive_queue ? null : changetype<SkBuff>(skb.next);
    if ((cb_flags(skb) & TCPHDR_FIN) != 0) {
      if (!peek) {
        seq++;
        skb_unlink(skb, sk.sk_receive_queue);
        consume_skb(skb);
      }
      break;
    }
    if (!peek) {
      skb_unlink(skb, sk.sk_receive_queue);
      consume_skb(skb);
    }
    skb = next;
  }
  if (!peek) {
    tp.copied_seq = seq;
    tcp_rcv_space_adjust(sk, tp);
    tcp_cleanup_rbuf(sk, tp, copied);
  }
  return (flags & <u32>MSG_TRUNC) != 0 ? <i32>len : <i32>copied;
}

/** Consumes a lone FIN skb left at the head of the receive queue. */
function eat_fin(sk: Sock, tp: TcpSock, peek: bool): void {
  if (peek) return;
  const skb = skb_peek(sk.sk_receive_queue);
  if (skb !== null && skb.len == 0 && (cb_flags(skb) & TCPHDR_FIN) != 0 && cb_seq(skb) == tp.copied_seq) {
    tp.copied_seq++;
    skb_unlink(skb, sk.sk_receive_queue);
    consume_skb(skb);
  }
}

// ───── close and shutdown ─────

/** tcp_close_state(): the state a close/shutdown moves to; true if a FIN must be sent. */
function tcp_close_state(sk: Sock): bool {
  switch (sk.sk_state) {
    case TCP_ESTABLISHED:
    case TCP_SYN_RECV:
      tcp_set_state(sk, TCP_FIN_WAIT1);
      return true;
    case TCP_CLOSE_WAIT:
      tcp_set_state(sk, TCP_LAST_ACK);
      return true;
    case TCP_SYN_SENT:
      tcp_set_state(sk, TCP_CLOSE);
      return false;
    default:
      return false;
  }
}

/** tcp_shutdown(): SHUT_WR sends FIN after the queued data. `how` holds RCV/SEND bits. */
function tcp_shutdown(skp: usize, how: u32): i32 {
  const sk = changetype<Sock>(skp);
  if ((how & SEND_SHUTDOWN) == 0) return 0;
  const st = sk.sk_state;
  if (st == <u32>TCP_ESTABLISHED || st == <u32>TCP_SYN_SENT || st == <u32>TCP_SYN_RECV || st == <u32>TCP_CLOSE_WAIT) {
    if (tcp_close_state(sk)) tcp_send_fin(sk);
  }
  tcp_flush_puts();
  return 0;
}

/**
 * tcp_close(): the last descriptor is gone. Unread data means RST (RFC 2525 §2.17,
 * TCPAbortOnClose); SO_LINGER {1, 0} means RST (abortive close); otherwise FIN after the
 * data. The socket lives on as an orphan until the protocol is done with it.
 *
 * `timeout` is SO_LINGER {1, t}'s t (s; 0 without linger or when the process exits).
 * Linux's __tcp_close then calls sk_stream_wait_close(sk, timeout), which sleeps while
 * the state is FIN_WAIT1/CLOSING/LAST_ACK, before it orphans the sock (adjudge_to_death).
 * The kernel never sleeps here: it answers 1 and the caller sleeps, then calls
 * tcp_close_finish(). Until then the sock is not SOCK_DEAD, as in Linux: the ACK of our
 * FIN wakes the close ("Wake up lingering close()" in tcp_rcv_state_process) and the
 * orphan rules (tcp_orphan_retries, the FIN_WAIT2 timer) start only afterwards.
 */
function tcp_close(skp: usize, timeout: u32): i32 {
  const sk = changetype<Sock>(skp);
  sk.sk_shutdown = RCV_SHUTDOWN | SEND_SHUTDOWN;
  if (sk.sk_state == <u32>TCP_LISTEN) {
    tcp_set_state(sk, TCP_CLOSE);
    tcp_listen_stop(sk);
  } else {
    let unread: u32 = 0;
    let skb = skb_dequeue(sk.sk_receive_queue);
    while (skb !== null) {
      let l = cb_end_seq(skb) - cb_seq(skb);
      if ((cb_flags(skb) & TCPHDR_FIN) != 0) l--;
      unread += l;
      consume_skb(skb);
      skb = skb_dequeue(sk.sk_receive_queue);
    }
    if (sk.sk_state != <u32>TCP_CLOSE) {
      if (unread > 0) {
        SNMP_INC_STATS(LINUX_MIB_TCPABORTONCLOSE);
        tcp_set_state(sk, TCP_CLOSE);
        tcp_send_active_reset(sk);
        tcp_write_queue_purge(sk);
      } else if ((sk.sk_flags & SOCK_LINGER) != 0 && sk.sk_lingertime == 0) {
        tcp_disconnect(skp);
        SNMP_INC_STATS(LINUX_MIB_TCPABORTONDATA);
      } else if (tcp_close_state(sk)) {
        tcp_send_fin(sk);
      }
    }
  }
  // sk_stream_wait_close(): only with a linger time, and only while our FIN is unacked.
  if (timeout != 0 && sk_stream_closing(sk)) {
    tcp_flush_puts();
    return 1;
  }
  tcp_close_finish(skp);
  return 0;
}

/**
 * __tcp_close from adjudge_to_death: orphan the sock; an orphan in FIN_WAIT2 waits
 * tcp_fin_timeout (TCP_LINGER2), one already closed is done.
 */
function tcp_close_finish(skp: usize): void {
  const sk = changetype<Sock>(skp);
  const tp = tcp_sk(sk);
  sk.sk_flags |= SOCK_DEAD;
  if (sk.sk_state == <u32>TCP_FIN_WAIT2) {
    if (tp.linger2 < 0) {
      tcp_set_state(sk, TCP_CLOSE);
      tcp_send_active_reset(sk);
      SNMP_INC_STATS(LINUX_MIB_TCPABORTONLINGER);
    } else {
      const tmo = tp.linger2 > 0 ? <u32>tp.linger2 * 1000 : tcp_fin_timeout * 1000;
      tcp_time_wait(sk, TCP_FIN_WAIT2, tmo);
    }
  }
  if (sk.sk_state == <u32>TCP_CLOSE) tcp_done(sk);
  tcp_flush_puts();
}

// ───── poll, ioctl ─────

/** sk_stream_is_writeable() with TCP's notsent rule (tcp_stream_memory_free, wake=1). */
function tcp_stream_is_writeable(sk: Sock, tp: TcpSock): bool {
  if (sk.sk_sndbuf - sk.sk_wmem_queued < (sk.sk_wmem_queued >> 1)) return false;
  if (sk.sk_wmem_queued >= sk.sk_sndbuf) return false;
  return tcp_stream_memory_free(tp, 1);
}

/** tcp_poll(). */
function tcp_poll(skp: usize): u32 {
  const sk = changetype<Sock>(skp);
  const tp = tcp_sk(sk);
  const state = sk.sk_state;
  if (state == <u32>TCP_LISTEN) return tp.accept_head != 0 ? EPOLLIN | EPOLLRDNORM : 0;
  let mask: u32 = 0;
  const shutdown = sk.sk_shutdown;
  if (shutdown == (RCV_SHUTDOWN | SEND_SHUTDOWN) || state == <u32>TCP_CLOSE) mask |= EPOLLHUP;
  if ((shutdown & RCV_SHUTDOWN) != 0) mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
  if (state != <u32>TCP_SYN_SENT && state != <u32>TCP_SYN_RECV) {
    let target = sk.sk_rcvlowat;
    if (target == 0) target = 1;
    if (tcp_inq(sk, tp) >= target) mask |= EPOLLIN | EPOLLRDNORM;
    if ((shutdown & SEND_SHUTDOWN) == 0) {
      if (tcp_stream_is_writeable(sk, tp)) mask |= EPOLLOUT | EPOLLWRNORM;
    } else {
      mask |= EPOLLOUT | EPOLLWRNORM;
    }
  }
  if (sk.sk_err != 0) mask |= EPOLLERR;
  return mask;
}

function tcp_ioctl(skp: usize, cmd: u32): i32 {
  const sk = changetype<Sock>(skp);
  const tp = tcp_sk(sk);
  const state = sk.sk_state;
  if (cmd == <u32>SIOCINQ) {
    if (state == <u32>TCP_LISTEN) return -EINVAL;
    return <i32>tcp_inq(sk, tp);
  }
  if (cmd == <u32>SIOCOUTQ) {
    if (state == <u32>TCP_LISTEN) return -EINVAL;
    if (state == <u32>TCP_SYN_SENT || state == <u32>TCP_SYN_RECV) return 0;
    return <i32>(tp.write_seq - tp.snd_una);
  }
  if (cmd == <u32>SIOCOUTQNSD) {
    if (state == <u32>TCP_LISTEN) return -EINVAL;
    if (state == <u32>TCP_SYN_SENT || state == <u32>TCP_SYN_RECV) return 0;
    return <i32>(tp.write_seq - tp.snd_nxt);
  }
  return -ENOIOCTLCMD;
}

// ───── options ─────

/** tcp_set_keepalive(). */
function tcp_set_keepalive(sk: Sock, tp: TcpSock, on: bool): void {
  if (on) {
    sk.sk_flags |= SOCK_KEEPOPEN;
    const st = sk.sk_state;
    if (st == <u32>TCP_ESTABLISHED || st == <u32>TCP_CLOSE_WAIT) mod_timer(keepalive_timer(tp), jiffies + tp.keepalive_time * 1000);
  } else {
    sk.sk_flags &= ~SOCK_KEEPOPEN;
    const st = sk.sk_state;
    if ((st == <u32>TCP_ESTABLISHED || st == <u32>TCP_CLOSE_WAIT) && timer_pending(keepalive_timer(tp))) del_timer(keepalive_timer(tp));
  }
}

/** do_tcp_setsockopt(); SOL_SOCKET options TCP must see first (SO_KEEPALIVE). */
function tcp_setsockopt(skp: usize, level: i32, name: i32, val: i32): i32 {
  const sk = changetype<Sock>(skp);
  const tp = tcp_sk(sk);
  if (level == SOL_SOCKET) {
    if (name == SO_KEEPALIVE) {
      tcp_set_keepalive(sk, tp, val != 0);
      return 0;
    }
    return -ENOPROTOOPT;
  }
  if (level != SOL_TCP) return -ENOPROTOOPT;
  switch (name) {
    case TCP_NODELAY:
      // __tcp_sock_set_nodelay(): TCP_NAGLE_OFF|TCP_NAGLE_PUSH, then push (even if corked);
      // turning it off leaves a pending push in place.
      if (val != 0) {
        tp.nodelay = 1;
        tp.nagle_push = 1;
        tcp_push_pending_frames(sk);
      } else {
        tp.nodelay = 0;
      }
      tcp_flush_puts();
      return 0;
    case TCP_CORK:
      if (val != 0) tp.cork = 1;
      else {
        // __tcp_sock_set_cork(false): what waited goes by Nagle's rule, or at once with
        // TCP_NODELAY (which sets TCP_NAGLE_PUSH).
        tp.cork = 0;
        if (tp.nodelay != 0) tp.nagle_push = 1;
        tcp_push_pending_frames(sk);
      }
      tcp_flush_puts();
      return 0;
    case TCP_MAXSEG:
      // Only before the connection exists; 0 clears it (tcp_sock_set_maxseg's bounds).
      if (val != 0 && (val < 88 || val > 32767)) return -EINVAL;
      tp.user_mss = <u32>val;
      return 0;
    case TCP_KEEPIDLE:
      if (val < 1 || val > <i32>MAX_TCP_KEEPIDLE) return -EINVAL;
      tp.keepalive_time = <u32>val;
      if ((sk.sk_flags & SOCK_KEEPOPEN) != 0) tcp_set_keepalive(sk, tp, true);
      return 0;
    case TCP_KEEPINTVL:
      if (val < 1 || val > <i32>MAX_TCP_KEEPINTVL) return -EINVAL;
      tp.keepalive_intvl = <u32>val;
      return 0;
    case TCP_KEEPCNT:
      if (val < 1 || val > <i32>MAX_TCP_KEEPCNT) return -EINVAL;
      tp.keepalive_probes = <u32>val;
      return 0;
    case TCP_SYNCNT:
      if (val < 1 || val > 127) return -EINVAL;
      tp.syn_retries = <u32>val;
      return 0;
    case TCP_LINGER2:
      if (val < 0) tp.linger2 = -1;
      else if (val > <i32>(TCP_TIMEWAIT_LEN / 1000)) tp.linger2 = <i32>(TCP_TIMEWAIT_LEN / 1000);
      else tp.linger2 = val;
      return 0;
    case TCP_DEFER_ACCEPT:
      // Any TCP socket takes it; a listener uses it (tcp_check_req, reqsk_timer_handler),
      // and so does connect() (tcp_rcv_synsent_state_process delays the handshake's ACK).
      tp.defer_accept = secs_to_retrans(val, TCP_TIMEOUT_INIT / 1000, TCP_RTO_MAX / 1000);
      return 0;
    case TCP_QUICKACK:
      // __tcp_sock_set_quickack(): 0 makes the socket interactive (delayed ACKs); non-zero
      // leaves interactive mode and sends an owed ACK at once (as tcp_cleanup_rbuf would
      // for a pushed segment); an even value re-enters it after that ACK. Not sticky: the
      // next reply sent within ato makes the socket interactive again.
      if (val == 0) {
        inet_csk_enter_pingpong_mode(tp);
      } else {
        inet_csk_exit_pingpong_mode(tp);
        const st = sk.sk_state;
        if ((st == <u32>TCP_ESTABLISHED || st == <u32>TCP_CLOSE_WAIT) && inet_csk_ack_scheduled(tp)) {
          tp.ack_pending |= ICSK_ACK_PUSHED;
          tcp_cleanup_rbuf(sk, tp, 1);
          if ((val & 1) == 0) inet_csk_enter_pingpong_mode(tp);
        }
      }
      tcp_flush_puts();
      return 0;
    case TCP_USER_TIMEOUT:
      if (val < 0) return -EINVAL;
      tp.user_timeout = <u32>val;
      return 0;
    case TCP_NOTSENT_LOWAT:
      // Stored as given (a u32: -1 is "no limit"); 0 defers to net.ipv4.tcp_notsent_lowat.
      // sk->sk_write_space(): a raised mark may make the socket writable now.
      tp.notsent_lowat = <u32>val;
      tcp_write_space(sk);
      return 0;
    case TCP_WINDOW_CLAMP:
      if (val == 0) {
        if (sk.sk_state != <u32>TCP_CLOSE) return -EINVAL;
        tp.window_clamp = 0;
      } else {
        // At least SOCK_MIN_RCVBUF / 2; rcv_ssthresh follows (tcp_set_window_clamp).
        tcp_set_window_clamp(tp, val);
      }
      return 0;
    default:
      return -ENOPROTOOPT;
  }
}

/**
 * secs_to_retrans() (tcp.c): TCP_DEFER_ACCEPT's seconds as the number of SYN-ACK timeouts
 * (the first after `timeout` s, each next one doubled up to `rto_max`) whose sum first
 * reaches them; at most 255 (a u8 in Linux), 0 for seconds <= 0.
 */
function secs_to_retrans(seconds: i32, timeout: u32, rto_max: u32): u32 {
  if (seconds <= 0) return 0;
  let res: u32 = 1;
  let period = timeout;
  while (<u32>seconds > period && res < 255) {
    res++;
    timeout <<= 1;
    if (timeout > rto_max) timeout = rto_max;
    period += timeout;
  }
  return res;
}

/** retrans_to_secs() (tcp.c): the seconds that `retrans` SYN-ACK timeouts add up to. */
function retrans_to_secs(retrans: u32, timeout: u32, rto_max: u32): i32 {
  if (retrans == 0) return 0;
  let period = timeout;
  while (--retrans != 0) {
    timeout <<= 1;
    if (timeout > rto_max) timeout = rto_max;
    period += timeout;
  }
  return <i32>period;
}

/** setsockopt(TCP_CONGESTION) with the name's `len` bytes at buf (do_tcp_setsockopt's string case). */
export function tcp_setsockopt_congestion(sk: Sock, buf: usize, len: u32): i32 {
  // strncpy_from_sockptr(name, optval, min(TCP_CA_NAME_MAX - 1, optlen)).
  return tcp_set_congestion_control(tcp_sk(sk), buf, len < 15 ? len : 15);
}

/** do_tcp_getsockopt(); TCP_INFO fills struct tcp_info at out (abi/tcp_info.ts layout). */
function tcp_getsockopt(skp: usize, level: i32, name: i32, out: usize): i32 {
  const sk = changetype<Sock>(skp);
  const tp = tcp_sk(sk);
  if (level == SOL_SOCKET) return -ENOPROTOOPT;
  if (level != SOL_TCP) return -ENOPROTOOPT;
  switch (name) {
    case TCP_NODELAY: return tp.nodelay != 0 ? 1 : 0;
    case TCP_CORK: return tp.cork != 0 ? 1 : 0;
    case TCP_MAXSEG: {
      let v = tp.mss_cache;
      if (tp.user_mss != 0 && (sk.sk_state == <u32>TCP_CLOSE || sk.sk_state == <u32>TCP_LISTEN)) v = tp.user_mss;
      return <i32>v;
    }
    case TCP_KEEPIDLE: return <i32>tp.keepalive_time;
    case TCP_KEEPINTVL: return <i32>tp.keepalive_intvl;
    case TCP_KEEPCNT: return <i32>tp.keepalive_probes;
    case TCP_SYNCNT: return tp.syn_retries != 0 ? <i32>tp.syn_retries : 6;
    // These two may be negative: the value goes to `out` (the host reads it there), as a
    // negative return would read as -errno.
    case TCP_LINGER2:
      store<i32>(out, tp.linger2 > 0 ? tp.linger2 : (tp.linger2 < 0 ? -1 : <i32>tcp_fin_timeout));
      return 0;
    // The seconds the retransmission count stands for, not the value set (5 reads as 7).
    case TCP_DEFER_ACCEPT: return retrans_to_secs(tp.defer_accept, TCP_TIMEOUT_INIT / 1000, TCP_RTO_MAX / 1000);
    case TCP_QUICKACK: return inet_csk_in_pingpong_mode(tp) ? 0 : 1;
    case TCP_USER_TIMEOUT: return <i32>tp.user_timeout;
    case TCP_NOTSENT_LOWAT:
      store<i32>(out, <i32>tp.notsent_lowat);
      return 0;
    case TCP_WINDOW_CLAMP: return <i32>tp.window_clamp;
    case TCP_INFO: return tcp_get_info(sk, tp, out);
    // The algorithm's name (the host reads it as a string; Linux pads to TCP_CA_NAME_MAX).
    case TCP_CONGESTION: return <i32>tcp_ca_name_copy(ca_ops(tp), out);
    default: return -ENOPROTOOPT;
  }
}

/** ~0ULL as an f64 (2^64): "no pacing rate", as tcp_get_info reports an unset one. */
// @ts-ignore: decorator
@inline const U64_MAX_F64: f64 = 18446744073709551616.0;

/** tcp_get_info() by sock pointer, for inet_diag. */
export function tcp_diag_get_info(skp: usize, out: usize): i32 {
  const sk = changetype<Sock>(skp);
  return tcp_get_info(sk, tcp_sk(sk), out);
}

/**
 * tcp_get_info(): struct tcp_info as Linux 6.18 fills it (abi/tcp_info.ts layout), u64
 * members as f64. Returns its size. Left 0: tcpi_fackets and tcpi_last_ack_sent (0 in
 * Linux too), and for want of the mechanism in kstack: rcv_rtt (no receiver RTT
 * estimate), busy_time/rwnd_limited/sndbuf_limited (no chrono accounting), reord_seen (no
 * reordering detection: tcpi_reordering stays 3),
 * and every ECN/AccECN counter — delivered_ce, received_ce, *_e1/e0/ce_bytes, accecn_*
 * (no ECN).
 */
function tcp_get_info(sk: Sock, tp: TcpSock, out: usize): i32 {
  memory.fill(out, 0, SIZEOF_TCP_INFO);
  store<u8>(out + TCPI_STATE, <u8>sk.sk_state);
  // Filled in whatever the state, listeners included (as tcp_get_info does): the pacing rates
  // (sk_pacing_rate is ~0UL until the handshake's last ACK sets it; there is no
  // SO_MAX_PACING_RATE, so sk_max_pacing_rate stays ~0UL and never caps it), reordering
  // and cwnd.
  store<f64>(out + TCPI_PACING_RATE, tp.pacing_rate_set != 0 ? <f64>tcp_pacing_rate(tp) : U64_MAX_F64);
  store<f64>(out + TCPI_MAX_PACING_RATE, U64_MAX_F64);
  store<u32>(out + TCPI_REORDERING, tp.reordering);
  store<u32>(out + TCPI_SND_CWND, tp.snd_cwnd);
  if (sk.sk_state == <u32>TCP_LISTEN) {
    // A listener aliases two members and stops there: tcpi_unacked is the accept queue's
    // length (sk_ack_backlog), tcpi_sacked the backlog listen() settled (sk_max_ack_backlog).
    store<u32>(out + TCPI_UNACKED, tp.accept_qlen);
    store<u32>(out + TCPI_SACKED, tp.max_ack_backlog);
    return SIZEOF_TCP_INFO;
  }
  store<u8>(out + TCPI_CA_STATE, <u8>tp.ca_state);
  store<u8>(out + TCPI_RETRANSMITS, <u8>tp.retransmits);
  store<u8>(out + TCPI_PROBES, <u8>tp.probes_out);
  store<u8>(out + TCPI_BACKOFF, <u8>tp.backoff);
  let opts: u8 = 0;
  if (tp.tstamp_ok != 0) opts |= <u8>TCPI_OPT_TIMESTAMPS;
  if (tp.sack_ok != 0) opts |= <u8>TCPI_OPT_SACK;
  if (tp.wscale_ok != 0) opts |= <u8>TCPI_OPT_WSCALE;
  store<u8>(out + TCPI_OPTIONS, opts);
  store<u8>(out + TCPI_SND_WSCALE, <u8>((tp.snd_wscale & 15) | ((tp.rcv_wscale & 15) << 4)));
  store<u32>(out + TCPI_RTO, tp.rto * 1000); // µs
  store<u32>(out + TCPI_ATO, tp.ack_ato * 1000);
  store<u32>(out + TCPI_SND_MSS, tp.mss_cache);
  store<u32>(out + TCPI_RCV_MSS, tp.rcv_mss);
  store<u32>(out + TCPI_UNACKED, tp.packets_out);
  store<u32>(out + TCPI_SACKED, tp.sacked_out);
  store<u32>(out + TCPI_LOST, tp.lost_out);
  store<u32>(out + TCPI_RETRANS, tp.retrans_out);
  const now = jiffies;
  store<u32>(out + TCPI_LAST_DATA_SENT, now - tp.last_data_sent);
  store<u32>(out + TCPI_LAST_DATA_RECV, now - tp.last_data_recv);
  store<u32>(out + TCPI_LAST_ACK_RECV, now - tp.last_ack_recv);
  store<u32>(out + TCPI_PMTU, tp.pmtu_cookie);
  store<u32>(out + TCPI_RCV_SSTHRESH, tp.rcv_ssthresh);
  store<u32>(out + TCPI_RTT, tp.srtt_us >> 3);
  store<u32>(out + TCPI_RTTVAR, tp.mdev_us >> 2);
  store<u32>(out + TCPI_SND_SSTHRESH, tp.snd_ssthresh);
  store<u32>(out + TCPI_ADVMSS, tp.advmss);
  store<u32>(out + TCPI_RCV_SPACE, tp.rcvq_space);
  store<u32>(out + TCPI_TOTAL_RETRANS, tp.total_retrans);
  store<f64>(out + TCPI_BYTES_ACKED, tp.bytes_acked);
  store<f64>(out + TCPI_BYTES_RECEIVED, tp.bytes_received);
  store<u32>(out + TCPI_SEGS_OUT, tp.segs_out);
  store<u32>(out + TCPI_SEGS_IN, tp.segs_in);
  store<u32>(out + TCPI_NOTSENT_BYTES, tp.write_seq - tp.snd_nxt);
  store<u32>(out + TCPI_MIN_RTT, tcp_min_rtt(tp));
  store<u32>(out + TCPI_DATA_SEGS_IN, tp.data_segs_in);
  store<u32>(out + TCPI_DATA_SEGS_OUT, tp.data_segs_out);
  // Bytes/s: the last rate sample, as tcp_compute_delivery_rate.
  let rate: f64 = 0;
  if (tp.rate_interval_us != 0) rate = <f64>tp.rate_delivered * <f64>tp.mss_cache * 1e6 / <f64>tp.rate_interval_us;
  store<f64>(out + TCPI_DELIVERY_RATE, Math.floor(rate));
  // tcpi_delivery_rate_app_limited:1, the low bit of byte 7 (tcpi_fastopen_client_fail
  // above it stays 0: no Fast Open here).
  store<u8>(out + TCPI_DELIVERY_RATE_APP_LIMITED, <u8>(tp.rate_app_limited != 0 ? 1 : 0));
  store<u32>(out + TCPI_DELIVERED, tp.delivered);
  store<f64>(out + TCPI_BYTES_SENT, tp.bytes_sent);
  store<f64>(out + TCPI_BYTES_RETRANS, tp.bytes_retrans);
  store<u32>(out + TCPI_DSACK_DUPS, tp.dsack_dups);
  store<u32>(out + TCPI_RCV_OOOPACK, tp.rcv_ooopack);
  store<u32>(out + TCPI_SND_WND, tp.snd_wnd);
  store<u32>(out + TCPI_RCV_WND, tp.rcv_wnd);
  store<u32>(out + TCPI_REHASH, tp.timeout_rehash); // + plb_rehash: no PLB here
  // Linux keeps the RTO counts in u16s; an episode still open counts up to now.
  store<u16>(out + TCPI_TOTAL_RTO, <u16>tp.total_rto);
  store<u16>(out + TCPI_TOTAL_RTO_RECOVERIES, <u16>tp.total_rto_recoveries);
  store<u32>(out + TCPI_TOTAL_RTO_TIME, tp.total_rto_time + (tp.rto_stamp != 0 ? now - tp.rto_stamp : 0));
  return SIZEOF_TCP_INFO;
}

// ───── registration ─────

const tcp_prot: usize = memory.data(offsetof<Proto>(), 4);

export function tcp_init(): void {
  const p = changetype<Proto>(tcp_prot);
  p.init = tcp_init_sock.index;
  p.close = tcp_close.index;
  p.get_port = tcp_get_port.index;
  p.connect = tcp_connect_op.index;
  p.disconnect = tcp_disconnect.index;
  p.sendmsg = tcp_sendmsg.index;
  p.recvmsg = tcp_recvmsg.index;
  p.poll = tcp_poll.index;
  p.shutdown = tcp_shutdown.index;
  p.ioctl = tcp_ioctl.index;
  p.setsockopt = tcp_setsockopt.index;
  p.getsockopt = tcp_getsockopt.index;
  p.listen = tcp_listen.index;
  p.accept = tcp_accept.index;
  p.destroy = tcp_destroy.index;
  p.close_finish = tcp_close_finish.index;
  register_proto(<u32>SOCK_STREAM, <u32>IPPROTO_TCP, p);
  // Reno is built in (tcp_cong.c), CUBIC registers after it and is the default.
  tcp_reno_register();
  tcp_ca_set_default(tcp_cubic_register());
  tcp_ipv4_register_init(tcp_init_sock.index);
  tcp_ipv4_init();
  tcp_state_init();
}
