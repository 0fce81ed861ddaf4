// SYN_RECV as Linux keeps it: request socks answer for a listener between the SYN and
// the final ACK — SYN-ACKs and their retransmission timer, the final ACK's checks, and the
// listen overflow rules. Linux: net/ipv4/tcp_minisocks.c (tcp_check_req),
// inet_connection_sock.c (reqsk_timer_handler, inet_csk_reqsk_queue_drop,
// inet_rtx_syn_ack), tcp_output.c (tcp_make_synack, tcp_rtx_synack), tcp_ipv4.c
// (tcp_v4_send_synack, tcp_v4_reqsk_send_ack), tcp_input.c (tcp_oow_rate_limited).
import { csum_partial, csum_tcpudp_magic } from "../lib/checksum";
import { after, before } from "../lib/seq";
import { jiffies, ktime_ns } from "../kernel/clock";
import { mod_timer, timer_pending } from "../kernel/timer";
import { SNMP_INC_STATS, TCP_MIB_OUTSEGS, TCP_MIB_RETRANSSEGS, TCP_MIB_ATTEMPTFAILS, LINUX_MIB_TCPSYNRETRANS, LINUX_MIB_TCPTIMEOUTS, LINUX_MIB_TCPACKSKIPPEDSYNRECV, LINUX_MIB_EMBRYONICRSTS, LINUX_MIB_PAWSESTAB, LINUX_MIB_TCPDEFERACCEPTDROP } from "../kernel/mib";
import { SkBuff } from "../core/skbuff";
import { Sock } from "../core/sock";
import { ip_build_and_send, IP_PMTUDISC_WANT } from "../ip/ip_output";
import { fib_lookup, fib_dev } from "../ip/route";
import { IPDEFTTL } from "../ip/iphdr";
import { NetDevice } from "../link/netdevice";
import { IPPROTO_TCP } from "../abi/in";
import { TCP_LISTEN } from "../abi/tcp_states";
import { tcp_sk, TCP_RTO_MAX } from "./tcp_sock";
import { cb_seq, cb_end_seq, cb_ack_seq, cb_flags, cb_opts, cb_ts_val, OPT_TSTAMP } from "./tcp_skb_cb";
import { tcph_fill, TCPH_CHECK, TCPH_LEN_MIN, TCPHDR_ACK, TCPHDR_RST, TCPHDR_SYN } from "./tcphdr";
import { tcp_alloc_skb, tcp_options_len, tcp_options_write } from "./tcp_output";
import { RequestSock, rsk_timer, rsk_listener, reqsk_free, reqsk_hash_del } from "./request_sock";
import { cookie_init_timestamp } from "./tcp_syncookies";
import { tcp_synack_retries, tcp_abort_on_overflow } from "./tcp_sysctl";

/** net.ipv4.tcp_invalid_ratelimit: at most one out-of-window answer per 500 ms. */
// @ts-ignore: decorator
@inline const TCP_INVALID_RATELIMIT: u32 = 500;
// @ts-ignore: decorator
@inline const TCP_PAWS_MSL: u32 = 60000;

// ───── sending for a request ─────

/** ipv4_default_advmss() toward daddr, clamped by the listener's TCP_MAXSEG (tcp_mss_clamp). */
export function tcp_req_advmss(listener: Sock, daddr: u32): u32 {
  const rt = fib_lookup(daddr);
  const dev: NetDevice | null = rt === null ? null : fib_dev(rt);
  let mss: u32 = (dev === null ? 576 : dev.mtu) - 40;
  if (mss > 65535 - 40) mss = 65535 - 40;
  const user_mss = tcp_sk(listener).user_mss;
  if (user_mss != 0 && user_mss < mss) mss = user_mss;
  return mss;
}

/** reqsk_timeout(): the request's timeout doubled per expiry, at most `max`. */
export function reqsk_timeout(req: RequestSock, max: u32): u32 {
  let t = req.timeout;
  for (let i: u32 = 0; i < req.num_timeout && t < max; i++) t <<= 1;
  return t < max ? t : max;
}

/**
 * tcp_make_synack() + tcp_v4_send_synack() for SYN|ACK, tcp_v4_reqsk_send_ack() for a bare
 * ACK: a segment from the request's numbers, options in Linux's order (tcp_synack_options).
 * A cookie SYN-ACK's tsval carries the options (cookie_init_timestamp). Returns 0 or -errno.
 */
export function tcp_req_send(listener: Sock, req: RequestSock, flags: u32, cookie: bool): i32 {
  const syn = (flags & TCPHDR_SYN) != 0;
  const optlen = tcp_options_len(syn, req.tstamp_ok, req.sack_ok, req.wscale_ok);
  const skb = tcp_alloc_skb(0);
  if (skb === null) return -105;
  const thlen = TCPH_LEN_MIN + optlen;
  skb.data -= thlen;
  skb.len += thlen;
  skb.transport_header = skb.data;
  const h = skb.data;
  // The SYN-ACK's window is never scaled (RFC 7323 §2.2); a later ACK's is (tcp_synack_window).
  const wnd = req.rsk_rcv_wnd < 65535 ? req.rsk_rcv_wnd : 65535;
  const seq = syn ? req.snt_isn : req.snt_isn + 1;
  tcph_fill(h, req.ir_num, req.ir_rmt_port, seq, req.rcv_isn + 1, thlen, flags, syn ? wnd : wnd >> req.rcv_wscale);
  let tsval = jiffies + req.ts_off;
  if (syn && cookie && req.tstamp_ok != 0) {
    tsval = cookie_init_timestamp(req.wscale_ok != 0, req.snd_wscale, req.sack_ok != 0, req.ecn_ok != 0) + req.ts_off;
  }
  const mss = syn ? tcp_req_advmss(listener, req.ir_rmt_addr) : 0;
  tcp_options_write(h + TCPH_LEN_MIN, syn, mss, req.tstamp_ok, req.sack_ok, req.wscale_ok, req.rcv_wscale, tsval, req.ts_recent);
  store<u16>(h + TCPH_CHECK, <u16>csum_tcpudp_magic(req.ir_loc_addr, req.ir_rmt_addr, thlen, IPPROTO_TCP, csum_partial(h, <i32>thlen, 0)), 0, 1);
  SNMP_INC_STATS(TCP_MIB_OUTSEGS);
  const ttl = listener.uc_ttl < 0 ? IPDEFTTL : <u32>listener.uc_ttl;
  // ip_build_and_send_pkt(): DF and IP ID 0, as for every SYN-ACK.
  return ip_build_and_send(skb, req.ir_loc_addr, req.ir_rmt_addr, IPPROTO_TCP, ttl, listener.tos, IP_PMTUDISC_WANT, -1);
}

/** inet_rtx_syn_ack() → tcp_rtx_synack(): the SYN-ACK again; 0 when it left. */
function inet_rtx_syn_ack(listener: Sock, req: RequestSock): i32 {
  const rc = tcp_req_send(listener, req, TCPHDR_SYN | TCPHDR_ACK, false);
  if (rc == 0) {
    SNMP_INC_STATS(TCP_MIB_RETRANSSEGS);
    SNMP_INC_STATS(LINUX_MIB_TCPSYNRETRANS);
    req.num_retrans++;
  }
  return rc;
}

/**
 * tcp_oow_rate_limited(): answers to out-of-window segments (and repeated SYNs) go at most
 * once per tcp_invalid_ratelimit; data without SYN is never limited.
 */
function tcp_oow_rate_limited(skb: SkBuff, req: RequestSock): bool {
  if (cb_seq(skb) != cb_end_seq(skb) && (cb_flags(skb) & TCPHDR_SYN) == 0) return false;
  const val = req.last_oow_ack_time;
  if (val != 0) {
    const elapsed = <i32>(jiffies - val);
    if (elapsed >= 0 && elapsed < <i32>TCP_INVALID_RATELIMIT) {
      SNMP_INC_STATS(LINUX_MIB_TCPACKSKIPPEDSYNRECV);
      return true;
    }
  }
  req.last_oow_ack_time = jiffies != 0 ? jiffies : 1;
  return false;
}

// ───── the listener's SYN queue ─────

/**
 * inet_csk_reqsk_queue_drop(): unhash the request and take it off the listener's count
 * (reqsk_queue_removed: qlen, and young while it never timed out), then free it. Returns
 * whether it was still hashed.
 */
export function inet_csk_reqsk_queue_drop(req: RequestSock): bool {
  const unlinked = reqsk_hash_del(req);
  if (unlinked) reqsk_queue_removed(req);
  reqsk_free(req);
  return unlinked;
}

/** reqsk_queue_removed(): the count side of taking a request off the SYN queue. */
export function reqsk_queue_removed(req: RequestSock): void {
  const lp = tcp_sk(rsk_listener(req));
  if (lp.syn_qlen > 0) lp.syn_qlen--;
  if (req.num_timeout == 0 && lp.syn_young > 0) lp.syn_young--;
}

/**
 * reqsk_timer_handler(): the SYN-ACK timer. Resend with backoff (1 s, 2 s, 4 s, ...) until
 * tcp_synack_retries timeouts; a crowded queue (more than half of max(8, backlog) used)
 * gives old requests fewer retries, keeping room for young ones. A request whose listener
 * has closed is dropped here (inet_csk_listen_stop leaves the SYN queue to the timers).
 */
export function reqsk_timer_handler(reqp: usize): void {
  const req = changetype<RequestSock>(reqp);
  const listener = rsk_listener(req);
  if (listener.sk_state != <u32>TCP_LISTEN) {
    inet_csk_reqsk_queue_drop(req);
    return;
  }
  const lp = tcp_sk(listener);
  let max_retries = lp.syn_retries != 0 ? lp.syn_retries : tcp_synack_retries;
  const qlen = lp.syn_qlen;
  const backlog = lp.max_ack_backlog > 8 ? lp.max_ack_backlog : 8;
  if ((qlen << 1) > backlog) {
    let young = lp.syn_young << 1;
    while (max_retries > 2) {
      if (qlen < young) break;
      max_retries--;
      young <<= 1;
    }
  }
  // syn_ack_recalc(). With TCP_DEFER_ACCEPT, a request whose bare ACK came (acked) lives
  // for max(max_retries, defer) timeouts, and gets no SYN-ACK until the defer period's
  // last one: that SYN-ACK is the client's last chance, its answer then makes the child.
  const defer = lp.defer_accept;
  let expire = req.num_timeout >= max_retries;
  let resend = true;
  if (defer != 0) {
    expire = expire && (req.acked == 0 || req.num_timeout >= defer);
    resend = req.acked == 0 || req.num_timeout + 1 >= defer;
  }
  SNMP_INC_STATS(LINUX_MIB_TCPTIMEOUTS); // tcp_syn_ack_timeout()
  // Keep going while the SYN-ACK leaves (a failed send ends the request) or the ACK came.
  if (!expire && (!resend || inet_rtx_syn_ack(listener, req) == 0 || req.acked != 0)) {
    if (req.num_timeout++ == 0 && lp.syn_young > 0) lp.syn_young--;
    mod_timer(rsk_timer(req), jiffies + reqsk_timeout(req, TCP_RTO_MAX));
    return;
  }
  inet_csk_reqsk_queue_drop(req);
}

// ───── the final ACK ─────

let syn_recv_sock_fn: u32 = 0;
let send_reset_fn: u32 = 0;
/** tcp_ipv4.ts registers tcp_v4_syn_recv_sock and tcp_v4_send_reset. */
export function tcp_minisocks_register(syn_recv_sock: u32, send_reset: u32): void {
  syn_recv_sock_fn = syn_recv_sock;
  send_reset_fn = send_reset;
}

/** tcp_in_window(). */
function tcp_in_window(seq: u32, end_seq: u32, s_win: u32, e_win: u32): bool {
  if (seq == s_win) return true;
  if (after(end_seq, s_win) && before(seq, e_win)) return true;
  return seq == e_win && seq == end_seq;
}

/**
 * tcp_check_req(): a segment for a request sock, under RFC 9293's SYN-RECEIVED rules as
 * Linux reads them. Returns the new child (already in the accept queue, still in
 * SYN_RECV for tcp_rcv_state_process to finish), the listener (an ACK for another ISN:
 * the listener answers with RST), or 0 when the segment is to be dropped. Never consumes
 * skb.
 */
export function tcp_check_req(listener: Sock, skb: SkBuff, req: RequestSock): usize {
  let flg = cb_flags(skb) & (TCPHDR_RST | TCPHDR_SYN | TCPHDR_ACK);
  const saw_tstamp = (cb_opts(skb) & OPT_TSTAMP) != 0;
  let paws_reject = false;
  if (saw_tstamp && req.ts_recent != 0 && <i32>(req.ts_recent - cb_ts_val(skb)) > 0) {
    // tcp_paws_reject() with ts_recent_stamp = now - reqsk_timeout: an old RST passes
    // once that is TCP_PAWS_MSL old.
    paws_reject = !((flg & TCPHDR_RST) != 0 && reqsk_timeout(req, TCP_RTO_MAX) >= TCP_PAWS_MSL);
  }
  // A retransmitted SYN: SYN-ACK again (RFC 793 figure 8 as fixed by RFC 1122), and the
  // timer starts over from this one.
  if (cb_seq(skb) == req.rcv_isn && flg == TCPHDR_SYN && !paws_reject) {
    if (!tcp_oow_rate_limited(skb, req) && inet_rtx_syn_ack(listener, req) == 0) {
      if (timer_pending(rsk_timer(req))) mod_timer(rsk_timer(req), jiffies + reqsk_timeout(req, TCP_RTO_MAX));
    }
    return 0;
  }
  // RFC 793: an unacceptable ACK in a non-synchronized state gets a reset (from the listener).
  if ((flg & TCPHDR_ACK) != 0 && cb_ack_seq(skb) != req.snt_isn + 1) return changetype<usize>(listener);
  // First, check the sequence number.
  const rcv_nxt = req.rcv_isn + 1;
  const win = req.rsk_rcv_wnd < 65535 ? req.rsk_rcv_wnd : 65535; // tcp_synack_window()
  if (paws_reject || !tcp_in_window(cb_seq(skb), cb_end_seq(skb), rcv_nxt, rcv_nxt + win)) {
    if ((flg & TCPHDR_RST) == 0 && !tcp_oow_rate_limited(skb, req)) tcp_req_send(listener, req, TCPHDR_ACK, false);
    if (paws_reject) SNMP_INC_STATS(LINUX_MIB_PAWSESTAB); // PAWSEstab ("PAWSESTABREJECTED")
    return 0;
  }
  if (saw_tstamp && !after(cb_seq(skb), rcv_nxt)) req.ts_recent = cb_ts_val(skb);
  // A SYN at rcv_isn is out of window from rcv_isn + 1 on: ignore its SYN bit.
  if (cb_seq(skb) == req.rcv_isn) flg &= ~TCPHDR_SYN;
  // Second, the RST bit; fourth, the SYN bit.
  if ((flg & (TCPHDR_RST | TCPHDR_SYN)) != 0) {
    SNMP_INC_STATS(TCP_MIB_ATTEMPTFAILS);
    return embryonic_reset(listener, skb, req, flg);
  }
  if ((flg & TCPHDR_ACK) == 0) return 0;
  // TCP_DEFER_ACCEPT: a bare ACK (no data, no FIN) makes no child while the request has
  // timed out fewer times than the option's count; remember it came, so that the timer
  // keeps the request for the rest of the period (syn_ack_recalc).
  if (req.num_timeout < tcp_sk(listener).defer_accept && cb_end_seq(skb) == req.rcv_isn + 1) {
    req.acked = 1;
    SNMP_INC_STATS(LINUX_MIB_TCPDEFERACCEPTDROP);
    return 0;
  }
  const child = call_indirect<usize>(syn_recv_sock_fn, changetype<usize>(listener), changetype<usize>(skb), changetype<usize>(req));
  if (child != 0) return child;
  // listen_overflow: the accept queue is full. Remember the ACK came; the client's next
  // retransmission (or our SYN-ACK retransmits, which it answers) finds room later.
  if (tcp_abort_on_overflow == 0) {
    req.acked = 1;
    return 0;
  }
  return embryonic_reset(listener, skb, req, flg);
}

function embryonic_reset(listener: Sock, skb: SkBuff, req: RequestSock, flg: u32): usize {
  if ((flg & TCPHDR_RST) == 0) call_indirect<void>(send_reset_fn, changetype<usize>(skb));
  if (inet_csk_reqsk_queue_drop(req)) SNMP_INC_STATS(LINUX_MIB_EMBRYONICRSTS);
  void listener;
  return 0;
}
