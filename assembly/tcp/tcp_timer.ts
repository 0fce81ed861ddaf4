// TCP timers. Linux: net/ipv4/tcp_timer.c — tcp_retransmit_timer (RFC 6298 §5 backoff),
// tcp_probe_timer (zero-window probes), tcp_delack_timer, tcp_keepalive_timer (which also
// ends FIN_WAIT2 orphans), and the TIME_WAIT timer (inet_twsk's).
import { jiffies, time_after } from "../kernel/clock";
import { mod_timer } from "../kernel/timer";
import { SNMP_INC_STATS, LINUX_MIB_TCPTIMEOUTS, LINUX_MIB_TCPABORTONTIMEOUT, LINUX_MIB_TCPKEEPALIVE, LINUX_MIB_DELAYEDACKS, LINUX_MIB_TW, LINUX_MIB_TCPSACKRENEGING, LINUX_MIB_TCPTIMEOUTREHASH } from "../kernel/mib";
import { Sock, sock_hold, sock_put, SOCK_DEAD, SOCK_KEEPOPEN } from "../core/sock";
import { ETIMEDOUT } from "../abi/errno";
import { TCP_SYN_SENT, TCP_SYN_RECV, TCP_FIN_WAIT2, TCP_TIME_WAIT, TCP_CLOSE, TCP_LISTEN, TCP_ESTABLISHED, TCP_CLOSE_WAIT } from "../abi/tcp_states";
import { TcpSock, tp_sk, keepalive_timer, delack_timer, ICSK_TIME_RETRANS, ICSK_TIME_PROBE0, ICSK_TIME_LOSS_PROBE, ICSK_ACK_TIMER, TCP_RTO_MIN, TCP_RTO_MAX, TCP_TIMEOUT_INIT, TCP_ATO_MIN, inet_csk_ack_scheduled, inet_csk_in_pingpong_mode, inet_csk_exit_pingpong_mode, TCP_FIN_OWED } from "./tcp_sock";
import { tcp_retransmit_skb, tcp_rtx_head, tcp_reset_xmit_timer, tcp_send_ack, tcp_write_wakeup, tcp_probe0_when, tcp_send_active_reset, tcp_receive_window, tcp_mark_skb_lost, tcp_packets_in_flight, tcp_current_ssthresh, tcp_rtx_next, tcp_send_loss_probe, tcp_send_fin } from "./tcp_output";
import { tcp_done, tcp_flush_puts } from "./tcp_state";
import { tcp_write_queue_purge } from "./tcp_input";
import { tcp_ca_ssthresh, tcp_ca_event, tcp_set_ca_state, CA_EVENT_LOSS } from "./tcp_cong";
import { after } from "../lib/seq";
import { cb_sacked, cb_set_sacked, TCPCB_SACKED_ACKED } from "./tcp_skb_cb";
import { tcp_syn_retries, tcp_synack_retries, tcp_retries2, tcp_syn_linear_timeouts, tcp_orphan_retries, tcp_frto } from "./tcp_sysctl";

// @ts-ignore: decorator
@inline const TCP_CA_Disorder: u32 = 1;
// @ts-ignore: decorator
@inline const TCP_CA_Recovery: u32 = 3;
// @ts-ignore: decorator
@inline const TCP_CA_Loss: u32 = 4;

/**
 * tcp_model_timeout(): how long `boundary` retransmissions take with exponential backoff
 * from rto_base, capped at TCP_RTO_MAX — the retry limits are times, not counts.
 */
function tcp_model_timeout(boundary: u32, rto_base: u32): u32 {
  const thresh = <u32>(31 - clz<u32>(TCP_RTO_MAX / rto_base));
  if (boundary <= thresh) return ((<u32>2 << boundary) - 1) * rto_base;
  return ((<u32>2 << thresh) - 1) * rto_base + (boundary - thresh) * TCP_RTO_MAX;
}

/** retransmits_timed_out(). */
function retransmits_timed_out(tp: TcpSock, boundary: u32, rto_base: u32): bool {
  if (tp.retransmits == 0) return false;
  const timeout = tcp_model_timeout(boundary, rto_base);
  return <i32>(jiffies - tp.retrans_stamp - timeout) >= 0;
}

/** tcp_write_err(): the connection timed out. */
function tcp_write_err(sk: Sock): void {
  sk.sk_err = sk.sk_err_soft != 0 ? sk.sk_err_soft : ETIMEDOUT;
  tcp_write_queue_purge(sk);
  tcp_done(sk);
  SNMP_INC_STATS(LINUX_MIB_TCPABORTONTIMEOUT);
}

/** tcp_write_timeout(): true if the connection was given up. */
function tcp_write_timeout(sk: Sock, tp: TcpSock): bool {
  const state = sk.sk_state;
  if (state == <u32>TCP_SYN_SENT || state == <u32>TCP_SYN_RECV) {
    const retries = tp.syn_retries != 0 ? tp.syn_retries : (state == <u32>TCP_SYN_SENT ? tcp_syn_retries : tcp_synack_retries);
    if (retransmits_timed_out(tp, retries, TCP_TIMEOUT_INIT)) {
      tcp_write_err(sk);
      return true;
    }
    tcp_timeout_rehash(tp);
    return false;
  }
  let retry_until = tcp_retries2;
  if ((sk.sk_flags & SOCK_DEAD) != 0) {
    // tcp_orphan_retries(): an orphan gets tcp_orphan_retries, and 0 means 8 while it is
    // still "alive" (RTO below its maximum): about 100 s at the minimum RTO.
    const alive = tp.rto < TCP_RTO_MAX;
    retry_until = tcp_orphan_retries;
    if (sk.sk_err_soft != 0 && !alive) retry_until = 0;
    if (retry_until == 0 && alive) retry_until = 8;
  }
  if (retransmits_timed_out(tp, retry_until, TCP_RTO_MIN)) {
    tcp_write_err(sk);
    return true;
  }
  tcp_timeout_rehash(tp);
  return false;
}

/**
 * sk_rethink_txhash() on a timeout that does not give up: Linux picks a new flow hash (a
 * different ECMP path, net.core.txrehash = 1) and counts it — tcpi_rehash, TcpTimeoutRehash.
 * kstack has one path per peer, so only the counting is done.
 */
function tcp_timeout_rehash(tp: TcpSock): void {
  tp.timeout_rehash++;
  SNMP_INC_STATS(LINUX_MIB_TCPTIMEOUTREHASH);
}

/**
 * tcp_enter_loss(): an RTO (RFC 5681 §3.1, RFC 6298 §5): everything outstanding is
 * marked lost (tcp_timeout_mark_lost), ssthresh is cut once per episode, cwnd falls to one
 * segment above what is still in flight, and the queue is resent in slow start (go-back-N)
 * — unless F-RTO (tp->frto) finds the timeout spurious first (tcp_process_loss).
 */
function tcp_enter_loss(sk: Sock, tp: TcpSock): void {
  const new_recovery = tp.ca_state < TCP_CA_Recovery;
  // tcp_timeout_mark_lost(): a SACKed head means the receiver reneged (RFC 2018 §8):
  // forget every SACK. kstack: no RACK, so even recently sent segments are marked lost.
  const head = tcp_rtx_head(sk);
  const is_reneg = head !== null && (cb_sacked(head) & TCPCB_SACKED_ACKED) != 0;
  if (is_reneg) {
    SNMP_INC_STATS(LINUX_MIB_TCPSACKRENEGING);
    tp.sacked_out = 0;
  } else if (tp.sack_ok == 0) {
    tp.sacked_out = 0;
  }
  let skb = head;
  while (skb !== null) {
    if (is_reneg) cb_set_sacked(skb, cb_sacked(skb) & ~TCPCB_SACKED_ACKED);
    tcp_mark_skb_lost(tp, skb);
    skb = tcp_rtx_next(sk, skb);
  }
  // Reduce ssthresh if it has not yet been made inside this window.
  if (tp.ca_state <= TCP_CA_Disorder || !after(tp.high_seq, tp.snd_una) || (tp.ca_state == TCP_CA_Loss && tp.retransmits == 0)) {
    tp.prior_ssthresh = tcp_current_ssthresh(tp);
    tp.prior_cwnd = tp.snd_cwnd;
    tp.snd_ssthresh = tcp_ca_ssthresh(tp);
    tcp_ca_event(tp, CA_EVENT_LOSS);
    tp.undo_marker = tp.snd_una; // tcp_init_undo()
    tp.undo_retrans = tp.retrans_out != 0 ? <i32>tp.retrans_out : -1;
  }
  tp.snd_cwnd = tcp_packets_in_flight(tp) + 1;
  tp.snd_cwnd_cnt = 0;
  tp.snd_cwnd_stamp = jiffies;
  tcp_set_ca_state(tp, TCP_CA_Loss);
  tp.high_seq = tp.snd_nxt;
  // RFC 5682 §3.1 step 1: F-RTO only when no other loss recovery is under way, except a
  // timeout recurring on the same SND.UNA (§3.2: tcp_retransmit_timer counts retransmits
  // after this). kstack: no path MTU probing, which also turns it off in Linux.
  tp.frto = tcp_frto != 0 && (new_recovery || tp.retransmits != 0) ? 1 : 0;
}

/**
 * tcp_update_rto_stats(): one more timeout (tcpi_total_rto, SYN ones included); the first
 * of an episode — nothing acked since the last one, retransmits still 0 — opens an RTO
 * recovery (tcpi_total_rto_recoveries) whose time runs from now (rto_stamp).
 */
function tcp_update_rto_stats(tp: TcpSock): void {
  if (tp.retransmits == 0) {
    tp.total_rto_recoveries++;
    tp.rto_stamp = jiffies;
  }
  tp.retransmits++;
  tp.total_rto++;
}

/** tcp_retransmit_timer(). */
function tcp_retransmit_timer(sk: Sock, tp: TcpSock): void {
  if (tp.packets_out == 0) return;
  const head = tcp_rtx_head(sk);
  if (head === null) return;
  // The RTO ends any tail loss probe episode.
  tp.tlp_high_seq = 0;
  if (tcp_write_timeout(sk, tp)) return;
  if (sk.sk_state != <u32>TCP_SYN_SENT && sk.sk_state != <u32>TCP_SYN_RECV) {
    SNMP_INC_STATS(LINUX_MIB_TCPTIMEOUTS);
    tcp_enter_loss(sk, tp);
  } else if (tp.retransmits == 0) {
    // Linux runs tcp_enter_loss for a SYN timeout too; kstack keeps the handshake Open but
    // takes the tcp_init_undo() of its first timeout, which tcp_init_transfer reads (cwnd 1
    // after two or more SYN retransmissions).
    tp.undo_marker = tp.snd_una;
    tp.undo_retrans = tp.retrans_out != 0 ? <i32>tp.retrans_out : -1;
  }
  if (tp.retrans_stamp == 0) tp.retrans_stamp = jiffies;
  tcp_retransmit_skb(sk, head);
  tcp_update_rto_stats(tp);
  if (sk.sk_state == <u32>TCP_SYN_SENT && tp.retransmits <= tcp_syn_linear_timeouts) {
    // tcp_syn_linear_timeouts: the first SYN retransmits keep a 1 s RTO (no backoff).
    tp.backoff = 0;
  } else {
    // RFC 6298 §5.5: back off the timer.
    tp.backoff++;
    let rto = tp.rto << 1;
    if (rto > TCP_RTO_MAX || rto < tp.rto) rto = TCP_RTO_MAX;
    tp.rto = rto;
  }
  tcp_reset_xmit_timer(tp, ICSK_TIME_RETRANS, tp.rto);
}

/** tcp_probe_timer(): the persist timer — probe the closed window, backing off. */
function tcp_probe_timer(sk: Sock, tp: TcpSock): void {
  if (tp.packets_out != 0 || tp.send_head == 0) {
    tp.probes_out = 0;
    tp.backoff = 0;
    return;
  }
  // An orphan that keeps seeing a zero window is given up after tcp_retries2 probes.
  if ((sk.sk_flags & SOCK_DEAD) != 0 && tp.probes_out >= tcp_retries2) {
    tcp_write_err(sk);
    return;
  }
  tcp_write_wakeup(sk);
  // tcp_send_probe0(): if the probe carried the waiting data (a window that had opened, or
  // TCP_CORK's segment held past one RTO — the "200 ms ceiling" of tcp(7)), it is in
  // flight under the RTO timer now and probing is over.
  if (tp.packets_out != 0 || tp.send_head == 0) {
    tp.probes_out = 0;
    tp.backoff = 0;
    return;
  }
  tp.probes_out++;
  if (tp.backoff < 31) tp.backoff++;
  tcp_reset_xmit_timer(tp, ICSK_TIME_PROBE0, tcp_probe0_when(tp));
}

/** icsk_retransmit_timer's handler (tcp_write_timer_handler): RTO, persist or loss probe. */
export function tcp_write_timer(tpp: usize): void {
  const tp = changetype<TcpSock>(tpp);
  const sk = tp_sk(tp);
  sock_hold(sk);
  const what = tp.icsk_pending;
  tp.icsk_pending = 0;
  if (sk.sk_state != <u32>TCP_CLOSE && sk.sk_state != <u32>TCP_LISTEN) {
    if (what == ICSK_TIME_RETRANS) {
      tcp_retransmit_timer(sk, tp);
      // kstack: a FIN that found no skb is tried again (tcp_send_fin).
      if (tp.fin_queued == TCP_FIN_OWED && sk.sk_state != <u32>TCP_CLOSE) tcp_send_fin(sk);
    } else if (what == ICSK_TIME_PROBE0) tcp_probe_timer(sk, tp);
    else if (what == ICSK_TIME_LOSS_PROBE) {
      // Still pending while the probe goes: tcp_rearm_rto then keeps the RTO's own time
      // when no probe could be sent.
      tp.icsk_pending = what;
      tcp_send_loss_probe(sk);
    }
  }
  sock_put(sk);
  tcp_flush_puts();
}

/**
 * tcp_delack_timer() / tcp_delack_timer_handler(): the delayed ACK is due. It was "missed"
 * (no data went out to carry it): a bulk receiver doubles ato (up to the RTO); an
 * interactive one stops being interactive and goes back to TCP_ATO_MIN. DelayedACKs
 * counts these timer-sent ACKs. (DelayedACKLocked counts the ones deferred because the
 * socket was locked by its user, which never happens here.)
 */
export function tcp_delack_timer(tpp: usize): void {
  const tp = changetype<TcpSock>(tpp);
  const sk = tp_sk(tp);
  if (sk.sk_state == <u32>TCP_CLOSE || sk.sk_state == <u32>TCP_LISTEN) return;
  if ((tp.ack_pending & ICSK_ACK_TIMER) == 0) return;
  if (time_after(tp.ack_timeout, jiffies)) {
    mod_timer(delack_timer(tp), tp.ack_timeout);
    return;
  }
  tp.ack_pending &= ~ICSK_ACK_TIMER;
  if (!inet_csk_ack_scheduled(tp)) return;
  sock_hold(sk);
  if (!inet_csk_in_pingpong_mode(tp)) {
    tp.ack_ato <<= 1;
    if (tp.ack_ato > tp.rto) tp.ack_ato = tp.rto;
  } else {
    inet_csk_exit_pingpong_mode(tp);
    tp.ack_ato = TCP_ATO_MIN;
  }
  tcp_send_ack(sk);
  SNMP_INC_STATS(LINUX_MIB_DELAYEDACKS);
  sock_put(sk);
  tcp_flush_puts();
}

/** The keepalive timer: keepalive probes, FIN_WAIT2 timeout, TIME_WAIT expiry. */
export function tcp_keepalive_timer(tpp: usize): void {
  const tp = changetype<TcpSock>(tpp);
  const sk = tp_sk(tp);
  sock_hold(sk);
  const state = sk.sk_state;
  if (state == <u32>TCP_TIME_WAIT || (state == <u32>TCP_FIN_WAIT2 && (sk.sk_flags & SOCK_DEAD) != 0)) {
    // TIME_WAIT over, or an orphan's FIN_WAIT2 timeout (tcp_fin_timeout): gone quietly.
    // A long FIN_WAIT2 that Linux would have finished in a timewait sock: counted as TW.
    if (tp.tw_bucket != 0) SNMP_INC_STATS(LINUX_MIB_TW);
    tcp_done(sk);
  } else if ((sk.sk_flags & SOCK_KEEPOPEN) != 0 && (state == <u32>TCP_ESTABLISHED || state == <u32>TCP_CLOSE_WAIT)) {
    // tcp_keepalive_timer(): idle since the last received data → probe; too many → ETIMEDOUT.
    // keepalive_time_elapsed(): since the last data or ACK heard from the peer.
    const last = <i32>(tp.last_ack_recv - tp.ack_lrcvtime) > 0 ? tp.last_ack_recv : tp.ack_lrcvtime;
    const idle = jiffies - last;
    const keepidle = tp.keepalive_time * 1000;
    if (tp.packets_out != 0 || tp.send_head != 0) {
      mod_timer(keepalive_timer(tp), jiffies + keepidle);
    } else if (idle >= keepidle) {
      if (tp.probes_out >= tp.keepalive_probes) {
        tcp_send_active_reset(sk);
        tcp_write_err(sk);
      } else {
        tcp_write_wakeup(sk);
        SNMP_INC_STATS(LINUX_MIB_TCPKEEPALIVE);
        tp.probes_out++;
        mod_timer(keepalive_timer(tp), jiffies + tp.keepalive_intvl * 1000);
      }
    } else {
      mod_timer(keepalive_timer(tp), jiffies + keepidle - idle);
    }
  }
  sock_put(sk);
  tcp_flush_puts();
}
