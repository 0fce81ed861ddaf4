// TCP over IPv4: receive demux, listeners and passive open, resets for segments with no
// socket, TIME_WAIT, active open (ports, ISN). Linux: net/ipv4/tcp_ipv4.c (tcp_v4_rcv,
// tcp_v4_syn_recv_sock, tcp_v4_send_reset, tcp_v4_connect), tcp_input.c (tcp_conn_request),
// syncookies.c (cookie_v4_check), tcp_minisocks.c (tcp_timewait_state_process,
// tcp_create_openreq_child), inet_hashtables.c (__inet_hash_connect).
import { ld8, ld16be, ld32be, st32be } from "../lib/bytes";
import { jhash_3words } from "../lib/jhash";
import { csum_fold, csum_partial, csum_tcpudp_nofold, csum_tcpudp_magic } from "../lib/checksum";
import { after, before } from "../lib/seq";
import { jiffies, ktime_ns, NSEC_PER_JIFFY } from "../kernel/clock";
import { prandom_u32, prandom_u32_max } from "../kernel/random";
import { mod_timer } from "../kernel/timer";
import { SNMP_INC_STATS, TCP_MIB_INSEGS, TCP_MIB_INERRS, TCP_MIB_INCSUMERRORS, TCP_MIB_OUTRSTS, TCP_MIB_OUTSEGS, TCP_MIB_ACTIVEOPENS, TCP_MIB_PASSIVEOPENS, LINUX_MIB_LISTENOVERFLOWS, LINUX_MIB_LISTENDROPS, LINUX_MIB_TCPACKSKIPPEDTIMEWAIT, LINUX_MIB_TCPREQQFULLDOCOOKIES, LINUX_MIB_TCPREQQFULLDROP, LINUX_MIB_SYNCOOKIESSENT, LINUX_MIB_SYNCOOKIESRECV, LINUX_MIB_SYNCOOKIESFAILED, LINUX_MIB_OUTOFWINDOWICMPS, LINUX_MIB_TWRECYCLED, LINUX_MIB_PAWSTIMEWAIT, LINUX_MIB_TCPACKSKIPPEDFINWAIT2 } from "../kernel/mib";
import { SKB_DROP_REASON_NO_SOCKET, SKB_DROP_REASON_PKT_TOO_SMALL, SKB_DROP_REASON_TCP_CSUM, SKB_DROP_REASON_NOT_SPECIFIED, SKB_DROP_REASON_OTHERHOST } from "../kernel/drop_reason";
import { consume_skb, kfree_skb_reason, SkBuff, skb_cb, skb_pull, skb_trim, PACKET_HOST, skb_put } from "../core/skbuff";
import { Sock, Proto, sk_alloc, sk_data_ready, sock_hold, sock_put, SOCK_DEAD, SOCK_KEEPOPEN, RCV_SHUTDOWN, SEND_SHUTDOWN } from "../core/sock";
import { inet_add_protocol } from "../ip/protocol";
import { ip_build_and_send } from "../ip/ip_output";
import { fib_lookup, fib_saddr } from "../ip/route";
import { iph_daddr, iph_saddr, IPDEFTTL } from "../ip/iphdr";
import { ip_local_port_low, ip_local_port_high } from "../ip/inet_common";
import { IPPROTO_TCP } from "../abi/in";
import { EADDRNOTAVAIL, ENETUNREACH, ECONNREFUSED, EHOSTUNREACH } from "../abi/errno";
import { TCP_LISTEN, TCP_TIME_WAIT, TCP_SYN_RECV, TCP_SYN_SENT, TCP_CLOSE, TCP_FIN_WAIT2, TCP_ESTABLISHED } from "../abi/tcp_states";
import { TcpSock, tcp_sk, keepalive_timer, TCP_TIMEWAIT_LEN, TCP_TIMEOUT_INIT } from "./tcp_sock";
import { cb_set_seq, cb_set_end_seq, cb_set_ack_seq, cb_set_flags, cb_set_wnd, cb_set_opts, cb_set_mss, cb_set_ts_val, cb_set_ts_ecr, cb_set_wscale, cb_set_sacked, cb_seq, cb_end_seq, cb_ack_seq, cb_flags, cb_opts, cb_ts_val, cb_ts_ecr, cb_mss, cb_wscale, OPT_MSS, OPT_WSCALE, OPT_SACK_PERM, OPT_TSTAMP, OPT_SACK } from "./tcp_skb_cb";
import { tcph_doff, tcph_flags, tcph_seq, tcph_ack_seq, tcph_window, tcph_source, tcph_dest, tcph_fill, TCPH_LEN_MIN, TCPH_CHECK, TCPHDR_ACK, TCPHDR_FIN, TCPHDR_RST, TCPHDR_SYN, TCPOPT_EOL, TCPOPT_NOP, TCPOPT_MSS, TCPOPT_WINDOW, TCPOPT_SACK_PERM, TCPOPT_SACK, TCPOPT_TIMESTAMP } from "./tcphdr";
import { inet_lookup_established, inet_lookup_listener, inet_ehash_insert, inet_bhash_add, inet_tuple_taken, inet_port_used, inet_bucket_connect_only, inet_bucket_set_connect, table_perturb, INET_TABLE_PERTURB_SIZE } from "./inet_hashtables";
import { tcp_rcv_state_process, tcp_apply_syn_options, tcp_input_register, tcp_input_register_reset, tcp_synack_rtt_meas, tcp_rtt_tsopt_us } from "./tcp_input";
import { tcp_send_ack, tcp_send_active_reset, tcp_select_initial_window, tcp_update_mss, tcp_advmss_for, tcp_connect, tcp_alloc_skb, tcp_full_space, tcp_clamp_window_to_locked_rcvbuf } from "./tcp_output";
import { tcp_set_state, tcp_done, tcp_flush_puts } from "./tcp_state";
import { TcpTimewaitSock, tcp_twsk, inet_twsk_schedule, inet_twsk_deschedule_put } from "./tcp_timewait";
import { tcp_timestamps, tcp_window_scaling, tcp_sack, tcp_max_syn_backlog, tcp_syncookies, tcp_abort_on_overflow, tcp_tw_reuse, tcp_tw_reuse_delay, tcp_rfc1337 } from "./tcp_sysctl";
import { RequestSock, rsk_timer, rsk_listener, reqsk_alloc, reqsk_free, reqsk_hash_init, reqsk_hash_add, reqsk_hash_del, reqsk_lookup } from "./request_sock";
import { tcp_check_req, tcp_req_send, tcp_req_advmss, reqsk_timer_handler, reqsk_queue_removed, inet_csk_reqsk_queue_drop, tcp_minisocks_register } from "./tcp_minisocks";
import { cookie_v4_init_sequence, cookie_mss_encoded, cookie_v4_check_mss, tcp_synq_overflow, tcp_synq_no_recent_overflow, TS_OPT_SACK, TS_OPT_WSCALE_MASK } from "./tcp_syncookies";

// ───── parsing ─────

/** tcp_parse_options(): MSS, window scale, SACK-permitted, timestamps into TCP_SKB_CB. */
function tcp_parse_options(skb: SkBuff, h: usize, doff: u32): void {
  let opts: u32 = 0;
  let p = h + TCPH_LEN_MIN;
  const end = h + doff;
  const syn = (tcph_flags(h) & TCPHDR_SYN) != 0;
  while (p < end) {
    const kind = ld8(p);
    if (kind == TCPOPT_EOL) break;
    if (kind == TCPOPT_NOP) { p++; continue; }
    if (p + 1 >= end) break;
    const len = ld8(p + 1);
    if (len < 2 || p + len > end) break; // malformed: stop, as tcp_parse_options does
    if (kind == TCPOPT_MSS && len == 4 && syn) {
      opts |= OPT_MSS;
      cb_set_mss(skb, ld16be(p + 2));
    } else if (kind == TCPOPT_WINDOW && len == 3 && syn) {
      opts |= OPT_WSCALE;
      cb_set_wscale(skb, ld8(p + 2));
    } else if (kind == TCPOPT_SACK_PERM && len == 2 && syn) {
      opts |= OPT_SACK_PERM;
    } else if (kind == TCPOPT_TIMESTAMP && len == 10) {
      opts |= OPT_TSTAMP;
      cb_set_ts_val(skb, ld32be(p + 2));
      cb_set_ts_ecr(skb, ld32be(p + 6));
    } else if (kind == TCPOPT_SACK) {
      opts |= OPT_SACK;
      // Whole blocks only: Linux keeps the option's offset in TCP_SKB_CB(skb)->sacked for
      // tcp_sacktag_write_queue (TCPOLEN_SACK_BASE 2 + TCPOLEN_SACK_PERBLOCK 8 · n).
      if (len >= 10 && ((len - 2) & 7) == 0 && !syn) cb_set_sacked(skb, <u32>(p - h));
    }
    p += len;
  }
  cb_set_opts(skb, opts);
}

// ───── resets without a socket ─────

/**
 * tcp_v4_send_reset(): answers a segment no socket wants (RFC 9293 §3.10.7.1): if it
 * carried an ACK, RST with seq = its ack; else RST|ACK acknowledging all it occupied.
 */
export function tcp_v4_send_reset(skbp: usize): void {
  const skb = changetype<SkBuff>(skbp);
  const flags = cb_flags(skb);
  if ((flags & TCPHDR_RST) != 0) return;
  const iph = skb.network_header;
  const th = skb.transport_header;
  const out = tcp_alloc_skb(0);
  if (out === null) return;
  const h = skb_push_hdr(out);
  if ((flags & TCPHDR_ACK) != 0) {
    tcph_fill(h, tcph_dest(th), tcph_source(th), cb_ack_seq(skb), 0, TCPH_LEN_MIN, TCPHDR_RST, 0);
  } else {
    tcph_fill(h, tcph_dest(th), tcph_source(th), 0, cb_end_seq(skb), TCPH_LEN_MIN, TCPHDR_RST | TCPHDR_ACK, 0);
  }
  const saddr = iph_daddr(iph);
  const daddr = iph_saddr(iph);
  store<u16>(h + TCPH_CHECK, <u16>csum_tcpudp_magic(saddr, daddr, TCPH_LEN_MIN, IPPROTO_TCP, csum_partial(h, <i32>TCPH_LEN_MIN, 0)), 0, 1);
  SNMP_INC_STATS(TCP_MIB_OUTSEGS);
  SNMP_INC_STATS(TCP_MIB_OUTRSTS);
  // The kernel's control socket: ID 0 with DF, like any unconnected sender.
  ip_build_and_send(out, saddr, daddr, IPPROTO_TCP, IPDEFTTL, 0, 1, -1);
}

function skb_push_hdr(skb: SkBuff): usize {
  skb.data -= TCPH_LEN_MIN;
  skb.len += TCPH_LEN_MIN;
  skb.transport_header = skb.data;
  return skb.data;
}

// ───── ISN and timestamps (RFC 6528, secure_tcp_seq / secure_tcp_ts_off) ─────

let isn_secret: u32 = 0;
let ts_secret: u32 = 0;
/** net_secret's role for secure_ipv4_port_ephemeral. */
let port_secret: u32 = 0;
function mix4(a: u32, b: u32, c: u32, d: u32, key: u32): u32 {
  let h = a ^ key;
  h = (h ^ (h >>> 16)) * 0x7feb352d;
  h ^= b;
  h = (h ^ (h >>> 15)) * 0x846ca68b;
  h ^= c;
  h = (h ^ (h >>> 16)) * 0x7feb352d;
  h ^= d;
  return h ^ (h >>> 15);
}
/** ISN = F(4-tuple, secret) + a clock ticking every 64 ns (Linux secure_tcp_seq). */
export function secure_tcp_seq(saddr: u32, daddr: u32, sport: u32, dport: u32): u32 {
  // Wrapped to 32 bits in f64 arithmetic (an f64 → i64 conversion is what wasm2js cannot lower).
  const t = Math.floor(ktime_ns / 64.0);
  const ticks = <u32>(t - Math.floor(t / 4294967296.0) * 4294967296.0);
  return mix4(saddr, daddr, (sport << 16) | dport, 0, isn_secret) + ticks;
}
export function secure_tcp_ts_off(saddr: u32, daddr: u32): u32 {
  return mix4(saddr, daddr, 0, 0, ts_secret);
}

// ───── child sockets (passive open) ─────

let init_fn: u32 = 0;
/** tcp.ts registers how a fresh sock gets its tcp_sock (tcp_init_sock). */
export function tcp_ipv4_register_init(fn: u32): void { init_fn = fn; }

/** The listener's accept queue: FIFO of children (inet_csk_reqsk_queue_add). */
function accept_queue_add(listener: Sock, child: Sock): void {
  const lp = tcp_sk(listener);
  const cp = tcp_sk(child);
  cp.accept_next = 0;
  if (lp.accept_tail != 0) tcp_sk(changetype<Sock>(lp.accept_tail)).accept_next = changetype<usize>(child);
  else lp.accept_head = changetype<usize>(child);
  lp.accept_tail = changetype<usize>(child);
  lp.accept_qlen++;
}

/**
 * A queued child reached ESTABLISHED: wake one accept() (tcp_child_process: the parent's
 * sk_data_ready once the child leaves SYN_RECV). It joined the queue when it was made.
 */
function tcp_child_established(childp: usize): void {
  const listener = changetype<Sock>(tcp_sk(changetype<Sock>(childp)).parent);
  if (changetype<usize>(listener) == 0) return;
  sk_data_ready(listener);
}

/** sk_acceptq_is_full(): Linux lets the queue reach backlog + 1 (the check is '>'). */
function acceptq_is_full(lp: TcpSock): bool { return lp.accept_qlen > lp.max_ack_backlog; }

/**
 * inet_csk_reqsk_queue_is_full(): '>' since the off-by-one fix of late 6.x (this machine's
 * 6.18 has it), the same test as the accept queue's.
 */
function reqsk_queue_is_full(lp: TcpSock): bool { return lp.syn_qlen > lp.max_ack_backlog; }

/**
 * tcp_conn_request(): a SYN to a listener (net/ipv4/tcp_input.c, Linux 6.x). In order:
 * a full SYN queue (or tcp_syncookies = 2) means a cookie, or a drop without cookies
 * (TCPReqQFullDoCookies / TCPReqQFullDrop); a full accept queue drops the SYN
 * (ListenOverflows); without cookies the last quarter of tcp_max_syn_backlog is kept for
 * proven peers (kstack keeps no tcp_metrics: no peer is proven). Every drop counts in
 * ListenDrops (tcp_listendrop). Otherwise a request sock answers with a SYN-ACK, or the
 * cookie SYN-ACK leaves and nothing is kept.
 */
function tcp_conn_request(listener: Sock, skb: SkBuff): void {
  const lp = tcp_sk(listener);
  const syncookies = tcp_syncookies;
  let want_cookie = false;
  if (syncookies == 2 || reqsk_queue_is_full(lp)) {
    // tcp_syn_flood_action(); kstack does not log "Possible SYN flooding on port".
    if (syncookies != 0) {
      SNMP_INC_STATS(LINUX_MIB_TCPREQQFULLDOCOOKIES);
      want_cookie = true;
    } else {
      SNMP_INC_STATS(LINUX_MIB_TCPREQQFULLDROP);
      tcp_listendrop(skb);
      return;
    }
  }
  if (acceptq_is_full(lp)) {
    SNMP_INC_STATS(LINUX_MIB_LISTENOVERFLOWS);
    tcp_listendrop(skb);
    return;
  }
  const iph = skb.network_header;
  const th = skb.transport_header;
  const daddr = iph_saddr(iph);
  if (fib_lookup(daddr) === null) { // route_req()
    tcp_listendrop(skb);
    return;
  }
  if (!want_cookie && syncookies == 0 && tcp_max_syn_backlog - lp.syn_qlen < (tcp_max_syn_backlog >> 2)) {
    tcp_listendrop(skb);
    return;
  }
  const req = reqsk_alloc(listener, reqsk_timer_handler.index);
  req.ir_loc_addr = iph_daddr(iph);
  req.ir_rmt_addr = daddr;
  req.ir_num = listener.inet_num;
  req.ir_rmt_port = tcph_source(th);
  // tcp_parse_options() + tcp_openreq_init(): what this host's sysctls let us use.
  const opts = cb_opts(skb);
  let mss: u32 = (opts & OPT_MSS) != 0 && cb_mss(skb) != 0 ? cb_mss(skb) : 536;
  if (lp.user_mss != 0 && lp.user_mss < mss) mss = lp.user_mss;
  req.mss = mss;
  const saw_tstamp = (opts & OPT_TSTAMP) != 0 && tcp_timestamps != 0;
  // A cookie can carry window scale and SACK only in the timestamp.
  if (!want_cookie || saw_tstamp) {
    if ((opts & OPT_WSCALE) != 0 && tcp_window_scaling != 0) {
      req.wscale_ok = 1;
      req.snd_wscale = <u8>(cb_wscale(skb) > 14 ? 14 : cb_wscale(skb)); // RFC 7323 §2.3
    }
    req.sack_ok = (opts & OPT_SACK_PERM) != 0 && tcp_sack != 0 ? 1 : 0;
    if (saw_tstamp) {
      req.tstamp_ok = 1;
      req.ts_recent = cb_ts_val(skb);
      req.ts_off = secure_tcp_ts_off(req.ir_loc_addr, req.ir_rmt_addr);
    }
  }
  req.rcv_isn = cb_seq(skb);
  if (want_cookie) {
    lp.ts_recent_stamp = tcp_synq_overflow(lp.ts_recent_stamp);
    SNMP_INC_STATS(LINUX_MIB_SYNCOOKIESSENT);
    req.snt_isn = cookie_v4_init_sequence(req.ir_rmt_addr, req.ir_loc_addr, req.ir_rmt_port, req.ir_num, req.rcv_isn, req.mss);
    req.mss = cookie_mss_encoded();
    req.syncookie = 1;
  } else {
    // A SYN that reopened a TIME_WAIT connection brings its ISN (tcp_conn_request's
    // tcp_tw_isn, set by tcp_timewait_state_process): past the old connection's snd_nxt.
    req.snt_isn = tcp_tw_isn != 0 ? tcp_tw_isn : secure_tcp_seq(req.ir_loc_addr, req.ir_rmt_addr, req.ir_num, req.ir_rmt_port);
  }
  tcp_openreq_init_rwin(listener, req, tcp_req_advmss(listener, daddr) - (req.tstamp_ok != 0 ? 12 : 0));
  if (!want_cookie) {
    req.timeout = TCP_TIMEOUT_INIT; // tcp_timeout_init()
    reqsk_hash_add(req);
    mod_timer(rsk_timer(req), jiffies + req.timeout);
    lp.syn_qlen++;
    lp.syn_young++;
  }
  req.snt_synack_ns = ktime_ns;
  tcp_req_send(listener, req, TCPHDR_SYN | TCPHDR_ACK, want_cookie);
  if (want_cookie) reqsk_free(req);
  consume_skb(skb);
}

/** tcp_listendrop(): a SYN (or final ACK) the listener could not take. */
function tcp_listendrop(skb: SkBuff): void {
  SNMP_INC_STATS(LINUX_MIB_LISTENDROPS);
  kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
}

/**
 * tcp_openreq_init_rwin(): the request's window, clamp and scale, from the listener's
 * buffer and clamp (tcp_select_initial_window over the listener's numbers, which are put
 * back: a listener sends no window of its own).
 */
function tcp_openreq_init_rwin(listener: Sock, req: RequestSock, mss: u32): void {
  const lp = tcp_sk(listener);
  const clamp = lp.window_clamp;
  const wnd = lp.rcv_wnd;
  const ws = lp.rcv_wscale;
  tcp_clamp_window_to_locked_rcvbuf(lp);
  tcp_select_initial_window(lp, mss, req.wscale_ok != 0);
  req.rsk_rcv_wnd = lp.rcv_wnd;
  req.rsk_window_clamp = lp.window_clamp;
  req.rcv_wscale = req.wscale_ok != 0 ? <u8>lp.rcv_wscale : 0;
  lp.window_clamp = clamp;
  lp.rcv_wnd = wnd;
  lp.rcv_wscale = ws;
}

/**
 * tcp_v4_syn_recv_sock() + tcp_create_openreq_child() + inet_csk_complete_hashdance():
 * the final ACK is good — make the full sock from the request, put it in ehash in the
 * request's place and in the accept queue, and free the request. 0 (ListenOverflows,
 * ListenDrops) when the accept queue is full; the request then stays.
 */
function tcp_v4_syn_recv_sock(listenerp: usize, skbp: usize, reqp: usize): usize {
  const listener = changetype<Sock>(listenerp);
  const skb = changetype<SkBuff>(skbp);
  const req = changetype<RequestSock>(reqp);
  const lp = tcp_sk(listener);
  if (acceptq_is_full(lp)) {
    SNMP_INC_STATS(LINUX_MIB_LISTENOVERFLOWS);
    SNMP_INC_STATS(LINUX_MIB_LISTENDROPS);
    return 0;
  }
  const child = sk_alloc(listener.sk_family, listener.sk_type, listener.sk_protocol, changetype<Proto>(listener.sk_prot));
  call_indirect<void>(init_fn, changetype<usize>(child));
  const cp = tcp_sk(child);
  // Inherit what a clone of the listener would (inet_csk_clone_lock).
  child.sk_uid = listener.sk_uid;
  child.sk_reuse = listener.sk_reuse; // so its TIME_WAIT has tw_reuse / tw_reuseport
  child.sk_reuseport = listener.sk_reuseport;
  child.sk_bound_dev_if = listener.sk_bound_dev_if;
  child.sk_sndbuf = listener.sk_sndbuf;
  child.sk_rcvbuf = listener.sk_rcvbuf;
  child.sk_userlocks = listener.sk_userlocks;
  child.sk_flags = listener.sk_flags & ~SOCK_DEAD;
  child.sk_rcvtimeo = listener.sk_rcvtimeo;
  child.sk_sndtimeo = listener.sk_sndtimeo;
  child.sk_rcvlowat = listener.sk_rcvlowat;
  child.uc_ttl = listener.uc_ttl;
  child.tos = listener.tos;
  cp.nodelay = lp.nodelay;
  cp.cork = lp.cork;
  cp.notsent_lowat = lp.notsent_lowat;
  cp.keepalive_time = lp.keepalive_time;
  cp.keepalive_intvl = lp.keepalive_intvl;
  cp.keepalive_probes = lp.keepalive_probes;
  cp.linger2 = lp.linger2;
  cp.user_mss = lp.user_mss;
  // tcp_ca_openreq_child(): the listener's TCP_CONGESTION choice, else the default.
  if (lp.ca_setsockopt != 0) {
    cp.ca_ops = lp.ca_ops;
    cp.ca_setsockopt = 1;
  }
  child.inet_rcv_saddr = req.ir_loc_addr;
  child.inet_saddr = req.ir_loc_addr;
  child.inet_daddr = req.ir_rmt_addr;
  child.inet_dport = req.ir_rmt_port;
  inet_bhash_add(child, listener.inet_num);
  cp.advmss = tcp_advmss_for(child);
  if (cp.user_mss != 0 && cp.user_mss < cp.advmss) cp.advmss = cp.user_mss;
  // The options the handshake settled (the request's rx_opt).
  cp.tstamp_ok = req.tstamp_ok;
  cp.sack_ok = req.sack_ok;
  cp.wscale_ok = req.wscale_ok;
  cp.snd_wscale = req.wscale_ok != 0 ? req.snd_wscale : 0;
  cp.rcv_wscale = req.wscale_ok != 0 ? req.rcv_wscale : 0;
  if (cp.tstamp_ok != 0) {
    cp.ts_recent = req.ts_recent;
    cp.ts_recent_stamp = jiffies;
    cp.tsoffset = req.ts_off;
  }
  cp.mss_clamp = req.mss;
  cp.rcv_wnd = req.rsk_rcv_wnd;
  cp.window_clamp = req.rsk_window_clamp;
  cp.rcv_ssthresh = req.rsk_rcv_wnd;
  cp.rcv_nxt = req.rcv_isn + 1;
  cp.segs_in = 1; // tcp_create_openreq_child(): the SYN was this connection's first segment
  cp.rcv_wup = cp.rcv_nxt;
  cp.copied_seq = cp.rcv_nxt;
  cp.snd_wl1 = req.rcv_isn;
  cp.write_seq = req.snt_isn + 1;
  cp.snd_una = cp.write_seq;
  cp.snd_nxt = cp.write_seq;
  cp.snd_sml = cp.write_seq;
  cp.pushed_seq = cp.write_seq;
  cp.snd_wnd = cb_wnd_raw(skb) << cp.snd_wscale;
  cp.max_window = cp.snd_wnd;
  tcp_update_mss(cp); // tcp_sync_mss()
  cp.rcv_mss = cp.advmss < 536 ? cp.advmss : 536;
  cp.total_retrans = req.num_retrans;
  // tcp_create_openreq_child(): SYN-ACK timeouts were one RTO episode, from the first
  // SYN-ACK until this ACK (Linux 6.7's RTO statistics).
  if (req.num_timeout != 0) {
    cp.undo_marker = req.snt_isn; // tcp_init_transfer: cwnd 1 after 2+ SYN-ACK retransmissions
    cp.total_rto = req.num_timeout;
    cp.total_rto_recoveries = 1;
    // tcp_clock_ms() - snt_synack in ms, both rounded down (in f64: no wrap to trap on).
    cp.total_rto_time = <u32>(Math.floor(ktime_ns / NSEC_PER_JIFFY) - Math.floor(req.snt_synack_ns / NSEC_PER_JIFFY));
  }
  // tcp_rcv_state_process counts the SYN-ACK's delivery ("isn't tracked in tcp_ack").
  cp.delivered = 1;
  // tcp_synack_rtt_meas(): a sample from a SYN-ACK sent once (Karn).
  if (req.num_retrans == 0 && req.syncookie == 0) tcp_synack_rtt_meas(cp, <i32>((ktime_ns - req.snt_synack_ns) / 1000.0));
  // A retransmitted SYN-ACK gives no sample, and a cookie child has no SYN-ACK time:
  // tcp_rcv_state_process's tcp_synack_rtt_meas(sk, NULL) falls back on the echoed
  // timestamp — the last SYN-ACK's, or the cookie's (rounded down by up to 63 ms) — as
  // tcp_ack_update_rtt does with rcv_tsecr, at least 1 ms.
  else if (req.tstamp_ok != 0 && (cb_opts(skb) & OPT_TSTAMP) != 0 && cb_ts_ecr(skb) != 0) {
    const rtt_us = tcp_rtt_tsopt_us(cp, cb_ts_ecr(skb), 1);
    if (rtt_us >= 0) tcp_synack_rtt_meas(cp, rtt_us);
  }
  child.inet_id = prandom_u32() & 0xffff;
  child.sk_socket_state = 3; // SS_CONNECTED once accepted
  tcp_set_state(child, TCP_SYN_RECV);
  // inet_ehash_nolisten(): the child takes the request's place.
  if (reqsk_hash_del(req)) reqsk_queue_removed(req);
  reqsk_free(req);
  inet_ehash_insert(child);
  SNMP_INC_STATS(TCP_MIB_PASSIVEOPENS); // tcp_create_openreq_child()
  // inet_csk_reqsk_queue_add(): the queue holds the child's owner reference (accept()
  // hands it to a file); the protocol took its own in tcp_set_state.
  cp.parent = changetype<usize>(listener);
  accept_queue_add(listener, child);
  return changetype<usize>(child);
}

/**
 * cookie_v4_check() for a non-SYN segment to a listener: a good cookie in the ACK makes
 * the connection now (SyncookiesRecv); a bad one counts SyncookiesFailed. Returns the
 * child, the listener (not a cookie ACK: the listener answers it), or 0 (drop: no room).
 */
function cookie_v4_check(listener: Sock, skb: SkBuff): usize {
  const flags = cb_flags(skb);
  if (tcp_syncookies == 0 || (flags & TCPHDR_ACK) == 0 || (flags & TCPHDR_RST) != 0) return changetype<usize>(listener);
  const lp = tcp_sk(listener);
  if (tcp_synq_no_recent_overflow(lp.ts_recent_stamp)) return changetype<usize>(listener);
  const iph = skb.network_header;
  const th = skb.transport_header;
  const saddr = iph_saddr(iph);
  const daddr = iph_daddr(iph);
  const mss = cookie_v4_check_mss(saddr, daddr, tcph_source(th), tcph_dest(th), cb_seq(skb), cb_ack_seq(skb));
  if (mss == 0) {
    SNMP_INC_STATS(LINUX_MIB_SYNCOOKIESFAILED);
    return changetype<usize>(listener);
  }
  SNMP_INC_STATS(LINUX_MIB_SYNCOOKIESRECV);
  // cookie_timestamp_decode(): the echoed tsval's low bits are the SYN's options.
  const saw_tstamp = (cb_opts(skb) & OPT_TSTAMP) != 0 && tcp_timestamps != 0;
  let tsoff: u32 = 0;
  let tsecr = cb_ts_ecr(skb);
  if (saw_tstamp && tsecr != 0) {
    tsoff = secure_tcp_ts_off(daddr, saddr);
    tsecr -= tsoff;
  }
  let sack_ok = false;
  let wscale_ok = false;
  let snd_wscale: u32 = 0;
  if (saw_tstamp) {
    sack_ok = (tsecr & TS_OPT_SACK) != 0;
    if (sack_ok && tcp_sack == 0) return changetype<usize>(listener);
    if ((tsecr & TS_OPT_WSCALE_MASK) != TS_OPT_WSCALE_MASK) {
      wscale_ok = true;
      snd_wscale = tsecr & TS_OPT_WSCALE_MASK;
      if (tcp_window_scaling == 0) return changetype<usize>(listener);
    }
  }
  // A bare cookie ACK makes the child even with TCP_DEFER_ACCEPT: cookie_v4_check has no
  // deferral (there is no request to wait in), so the connection is accepted at once.
  // cookie_tcp_reqsk_alloc(): a request rebuilt from the cookie, never hashed.
  const req = reqsk_alloc(listener, reqsk_timer_handler.index);
  req.ir_loc_addr = daddr;
  req.ir_rmt_addr = saddr;
  req.ir_num = tcph_dest(th);
  req.ir_rmt_port = tcph_source(th);
  req.rcv_isn = cb_seq(skb) - 1;
  req.snt_isn = cb_ack_seq(skb) - 1;
  req.mss = mss;
  req.ts_recent = saw_tstamp ? cb_ts_val(skb) : 0;
  req.tstamp_ok = saw_tstamp ? 1 : 0;
  req.sack_ok = sack_ok ? 1 : 0;
  req.wscale_ok = wscale_ok ? 1 : 0;
  req.snd_wscale = <u8>snd_wscale;
  req.ts_off = tsoff;
  req.syncookie = 1;
  // "Try to redo what tcp_v4_send_synack did": the window from the cookie's MSS.
  tcp_openreq_init_rwin(listener, req, mss);
  const child = tcp_v4_syn_recv_sock(changetype<usize>(listener), changetype<usize>(skb), changetype<usize>(req));
  if (child == 0) reqsk_free(req);
  return child;
}

function cb_wnd_raw(skb: SkBuff): u32 { return <u32>load<u16>(skb_cb(skb), 14); }

/** Takes the first established child off a listener's accept queue, or null. */
export function tcp_accept_dequeue(listener: Sock): Sock | null {
  const lp = tcp_sk(listener);
  const c = lp.accept_head;
  if (c == 0) return null;
  const cp = tcp_sk(changetype<Sock>(c));
  lp.accept_head = cp.accept_next;
  if (lp.accept_head == 0) lp.accept_tail = 0;
  lp.accept_qlen--;
  cp.accept_next = 0;
  cp.parent = 0;
  return changetype<Sock>(c);
}

// ───── TIME_WAIT ─────

// @ts-ignore: decorator
@inline const TCP_TW_SUCCESS: u32 = 0;
// @ts-ignore: decorator
@inline const TCP_TW_SYN: u32 = 1;
// @ts-ignore: decorator
@inline const TCP_TW_ACK: u32 = 2;
// @ts-ignore: decorator
@inline const TCP_TW_RST: u32 = 3;
/** TCP_PAWS_MSL (s): a RST whose timestamp is this much older is still accepted. */
// @ts-ignore: decorator
@inline const TCP_PAWS_MSL_MS: u32 = 60000;

/**
 * The ISN for a connection that a SYN reopens out of TIME_WAIT (Linux: the per-cpu
 * tcp_tw_isn, written by tcp_v4_rcv and read once by tcp_conn_request); 0 = none.
 */
let tcp_tw_isn: u32 = 0;

/**
 * tcp_timewait_state_process() for the TIME_WAIT substate (RFC 1122 §4.2.2.13, RFC 7323
 * PAWS). An in-window bare ACK restarts the 60 s; an in-window RST kills the socket
 * (TIME_WAIT assassination; with tcp_rfc1337 = 1 it is ignored instead); a SYN with a
 * higher sequence number or a newer timestamp may open a new connection (TCP_TW_SYN,
 * with an ISN above everything sent: tw_snd_nxt + 65535 + 2); anything else is ACKed
 * (TCP_TW_ACK, at most one per tcp_invalid_ratelimit) and restarts the timer if it
 * carried an ACK or failed PAWS.
 */
function tcp_timewait_state_process(sk: Sock, skb: SkBuff): u32 {
  const tw = tcp_twsk(sk);
  const flags = cb_flags(skb);
  const rst = (flags & TCPHDR_RST) != 0;
  const saw_tstamp = tw.tw_tstamp_ok != 0 && (cb_opts(skb) & OPT_TSTAMP) != 0;
  // tcp_paws_reject(): an older timestamp than ts_recent, unless this is a RST and
  // ts_recent is more than TCP_PAWS_MSL old.
  let paws_reject = false;
  if (saw_tstamp && tw.tw_ts_recent != 0 && <i32>(tw.tw_ts_recent - cb_ts_val(skb)) > 0) {
    paws_reject = !(rst && <i32>(jiffies - tw.tw_ts_recent_stamp) >= <i32>TCP_PAWS_MSL_MS);
  }
  if (tw.tw_substate == <u32>TCP_FIN_WAIT2) {
    // "Just repeat all the checks of tcp_rcv_state_process()".
    const seq = cb_seq(skb);
    const end_seq = cb_end_seq(skb);
    const s_win = tw.tw_rcv_nxt;
    const e_win = tw.tw_rcv_nxt + tw.tw_rcv_wnd;
    const in_window = seq == s_win || (after(end_seq, s_win) && before(seq, e_win)) || (seq == e_win && seq == end_seq);
    if (paws_reject || !in_window) return tcp_tw_oow_ack(tw, LINUX_MIB_TCPACKSKIPPEDFINWAIT2);
    if (rst) {
      inet_twsk_deschedule_put(sk);
      return TCP_TW_SUCCESS;
    }
    if ((flags & TCPHDR_SYN) != 0 && !before(seq, s_win)) return TCP_TW_RST;
    // A duplicate ACK.
    if ((flags & TCPHDR_ACK) == 0 || !after(end_seq, s_win) || end_seq == seq) return TCP_TW_SUCCESS;
    // New data after the half-duplex close, or anything but the FIN: reset.
    if ((flags & TCPHDR_FIN) == 0 || end_seq != s_win + 1) return TCP_TW_RST;
    // The FIN: true TIME_WAIT now.
    tw.tw_substate = TCP_TIME_WAIT;
    tw.tw_rcv_nxt = end_seq;
    if (saw_tstamp) {
      tw.tw_ts_recent_stamp = jiffies;
      tw.tw_ts_recent = cb_ts_val(skb);
    }
    inet_twsk_schedule(sk, TCP_TIMEWAIT_LEN);
    return TCP_TW_ACK;
  }
  if (!paws_reject && cb_seq(skb) == tw.tw_rcv_nxt && (cb_seq(skb) == cb_end_seq(skb) || rst)) {
    // In window: only a bare ACK or a RST can be here.
    if (rst) {
      if (tcp_rfc1337 == 0) {
        inet_twsk_deschedule_put(sk);
        return TCP_TW_SUCCESS;
      }
    } else {
      inet_twsk_schedule(sk, TCP_TIMEWAIT_LEN);
    }
    if (saw_tstamp) {
      tw.tw_ts_recent = cb_ts_val(skb);
      tw.tw_ts_recent_stamp = jiffies;
    }
    return TCP_TW_SUCCESS;
  }
  if ((flags & TCPHDR_SYN) != 0 && !rst && (flags & TCPHDR_ACK) == 0 && !paws_reject &&
      (after(cb_seq(skb), tw.tw_rcv_nxt) || (saw_tstamp && <i32>(tw.tw_ts_recent - cb_ts_val(skb)) < 0))) {
    let isn = tw.tw_snd_nxt + 65535 + 2;
    if (isn == 0) isn++;
    tcp_tw_isn = isn;
    return TCP_TW_SYN;
  }
  if (paws_reject) SNMP_INC_STATS(LINUX_MIB_PAWSTIMEWAIT);
  if (!rst) {
    // A SYN without ACK may be an old duplicate or a new SYN below rcv_nxt: no restart.
    if (paws_reject || (flags & TCPHDR_ACK) != 0) inet_twsk_schedule(sk, TCP_TIMEWAIT_LEN);
    return tcp_tw_oow_ack(tw, LINUX_MIB_TCPACKSKIPPEDTIMEWAIT);
  }
  return TCP_TW_SUCCESS;
}

/**
 * tcp_timewait_check_oow_rate_limit(): an ACK, unless one went out less than
 * tcp_invalid_ratelimit (500 ms) ago (tcp_oow_rate_limited; `mib` counts the skip).
 */
function tcp_tw_oow_ack(tw: TcpTimewaitSock, mib: u32): u32 {
  if (tw.tw_last_oow_ack_time != 0 && <i32>(jiffies - tw.tw_last_oow_ack_time) < 500) {
    SNMP_INC_STATS(mib);
    return TCP_TW_SUCCESS;
  }
  tw.tw_last_oow_ack_time = jiffies != 0 ? jiffies : 1;
  return TCP_TW_ACK;
}

/**
 * tcp_v4_timewait_ack() → tcp_v4_send_ack(): an ACK from the numbers a timewait sock
 * kept, sent like a RST from the control socket; the timestamp option goes along when
 * there is a ts_recent to echo.
 */
function tcp_v4_timewait_ack(sk: Sock): void {
  const tw = tcp_twsk(sk);
  const out = tcp_alloc_skb(0);
  if (out === null) return;
  const ts = tw.tw_ts_recent != 0;
  const len: u32 = TCPH_LEN_MIN + (ts ? 12 : 0);
  out.data -= len;
  out.len += len;
  out.transport_header = out.data;
  const h = out.data;
  tcph_fill(h, sk.inet_sport, sk.inet_dport, tw.tw_snd_nxt, tw.tw_rcv_nxt, len, TCPHDR_ACK, tw.tw_rcv_wnd >> tw.tw_rcv_wscale);
  if (ts) {
    store<u8>(h + 20, TCPOPT_NOP);
    store<u8>(h + 21, TCPOPT_NOP);
    store<u8>(h + 22, TCPOPT_TIMESTAMP);
    store<u8>(h + 23, 10);
    st32be(h + 24, jiffies + tw.tw_ts_offset);
    st32be(h + 28, tw.tw_ts_recent);
  }
  const saddr = sk.inet_rcv_saddr != 0 ? sk.inet_rcv_saddr : sk.inet_saddr;
  store<u16>(h + TCPH_CHECK, <u16>csum_tcpudp_magic(saddr, sk.inet_daddr, len, IPPROTO_TCP, csum_partial(h, <i32>len, 0)), 0, 1);
  SNMP_INC_STATS(TCP_MIB_OUTSEGS);
  ip_build_and_send(out, saddr, sk.inet_daddr, IPPROTO_TCP, IPDEFTTL, sk.tos, 1, -1);
}

// ───── tcp_v4_rcv ─────

/**
 * tcp_v4_do_rcv() for a listener: a non-SYN may carry a SYN cookie (tcp_v4_cookie_check);
 * otherwise tcp_rcv_state_process()'s TCP_LISTEN case — an ACK gets a RST, a RST is
 * dropped, a SYN (without FIN) is a connection request.
 */
function tcp_v4_listen_rcv(listener: Sock, skb: SkBuff): void {
  const flags = cb_flags(skb);
  if ((flags & TCPHDR_SYN) == 0) {
    const nsk = cookie_v4_check(listener, skb);
    if (nsk == 0) {
      kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
      return;
    }
    if (nsk != changetype<usize>(listener)) {
      tcp_rcv_state_process(changetype<Sock>(nsk), skb); // tcp_child_process()
      return;
    }
  }
  if ((flags & TCPHDR_ACK) != 0) {
    tcp_v4_send_reset(changetype<usize>(skb));
    kfree_skb_reason(skb, SKB_DROP_REASON_NO_SOCKET);
    return;
  }
  if ((flags & TCPHDR_RST) != 0 || (flags & TCPHDR_SYN) == 0 || (flags & TCPHDR_FIN) != 0) {
    kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
    return;
  }
  tcp_conn_request(listener, skb);
}

/** tcp_v4_rcv(): the IPPROTO_TCP handler; skb.data at the TCP header. */
function tcp_v4_rcv(skbp: usize): void {
  const skb = changetype<SkBuff>(skbp);
  if (skb.pkt_type != PACKET_HOST) {
    kfree_skb_reason(skb, SKB_DROP_REASON_OTHERHOST);
    return;
  }
  SNMP_INC_STATS(TCP_MIB_INSEGS);
  if (skb.len < TCPH_LEN_MIN) {
    SNMP_INC_STATS(TCP_MIB_INERRS);
    kfree_skb_reason(skb, SKB_DROP_REASON_PKT_TOO_SMALL);
    return;
  }
  const th = skb.data;
  const doff = tcph_doff(th);
  if (doff < TCPH_LEN_MIN || doff > skb.len) {
    SNMP_INC_STATS(TCP_MIB_INERRS);
    kfree_skb_reason(skb, SKB_DROP_REASON_PKT_TOO_SMALL);
    return;
  }
  const iph = skb.network_header;
  const saddr = iph_saddr(iph);
  const daddr = iph_daddr(iph);
  if (csum_fold(csum_tcpudp_nofold(saddr, daddr, skb.len, IPPROTO_TCP, csum_partial(th, <i32>skb.len, 0))) != 0) {
    SNMP_INC_STATS(TCP_MIB_INCSUMERRORS);
    SNMP_INC_STATS(TCP_MIB_INERRS);
    kfree_skb_reason(skb, SKB_DROP_REASON_TCP_CSUM);
    return;
  }
  // Parse once into TCP_SKB_CB; from here on TCP reads the control block only.
  const flags = tcph_flags(th);
  const seq = tcph_seq(th);
  const datalen = skb.len - doff;
  cb_set_seq(skb, seq);
  cb_set_end_seq(skb, seq + datalen + ((flags & TCPHDR_SYN) != 0 ? 1 : 0) + ((flags & TCPHDR_FIN) != 0 ? 1 : 0));
  cb_set_ack_seq(skb, tcph_ack_seq(th));
  cb_set_flags(skb, flags);
  cb_set_wnd(skb, tcph_window(th));
  cb_set_sacked(skb, 0);
  tcp_parse_options(skb, th, doff);
  skb.transport_header = th;
  skb_pull(skb, doff);
  // A received skb costs what the sender's did (loopback and veth hand the same skb over).
  skb.truesize = 256 + 320 + ((320 + 63) & ~63) + datalen;
  const sport = tcph_source(th);
  const dport = tcph_dest(th);
  let sk = inet_lookup_established(saddr, sport, daddr, dport);
  if (sk !== null) {
    sock_hold(sk);
    if (sk.sk_state == <u32>TCP_TIME_WAIT) {
      const st = tcp_timewait_state_process(sk, skb);
      if (st == TCP_TW_SYN) {
        // A new incarnation: the listener takes the SYN and the TIME_WAIT socket goes.
        const l = inet_lookup_listener(daddr, dport, saddr, sport);
        if (l !== null) {
          inet_twsk_deschedule_put(sk);
          sock_put(sk);
          tcp_flush_puts();
          sock_hold(l);
          tcp_v4_listen_rcv(l, skb);
          tcp_tw_isn = 0; // not taken if the SYN was dropped
          sock_put(l);
          tcp_flush_puts();
          return;
        }
        tcp_tw_isn = 0;
      }
      if (st == TCP_TW_RST) {
        tcp_v4_send_reset(skbp);
        inet_twsk_deschedule_put(sk);
      } else if (st != TCP_TW_SUCCESS) {
        tcp_v4_timewait_ack(sk); // TCP_TW_ACK (and a SYN no one listens for)
      }
      consume_skb(skb);
      sock_put(sk);
      tcp_flush_puts();
      return;
    } else {
      tcp_rcv_state_process(sk, skb);
      sock_put(sk);
      tcp_flush_puts();
      return;
    }
  }
  // A request sock (SYN_RECV): tcp_check_req decides (the TCP_NEW_SYN_RECV branch).
  const req = reqsk_lookup(saddr, sport, daddr, dport);
  if (req !== null) {
    const rl = rsk_listener(req);
    if (rl.sk_state != <u32>TCP_LISTEN) {
      // Its listener is gone: drop the request and look again (no reuseport migration).
      inet_csk_reqsk_queue_drop(req);
    } else {
      sock_hold(rl);
      const nsk = tcp_check_req(rl, skb, req);
      if (nsk == 0) kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
      else if (nsk != changetype<usize>(rl)) tcp_rcv_state_process(changetype<Sock>(nsk), skb); // tcp_child_process()
      else tcp_v4_listen_rcv(rl, skb);
      sock_put(rl);
      tcp_flush_puts();
      return;
    }
  }
  const listener = inet_lookup_listener(daddr, dport, saddr, sport);
  if (listener !== null) {
    sock_hold(listener);
    tcp_v4_listen_rcv(listener, skb);
    sock_put(listener);
    tcp_flush_puts();
    return;
  }
  // No socket: RST (RFC 9293 §3.10.7.1), and drop.
  tcp_v4_send_reset(skbp);
  kfree_skb_reason(skb, SKB_DROP_REASON_NO_SOCKET);
}

/**
 * tcp_req_err(): an ICMP error about a request's SYN-ACK. Only one quoting our ISN counts
 * (else OutOfWindowIcmps); parameter problem, time exceeded and net/host unreachable drop
 * the request silently (ListenDrops): accept() never reports network errors (POSIX).
 */
function tcp_req_err(req: RequestSock, seq: u32, abort: bool): void {
  if (seq != req.snt_isn) {
    SNMP_INC_STATS(LINUX_MIB_OUTOFWINDOWICMPS);
  } else if (abort) {
    inet_csk_reqsk_queue_drop(req);
    SNMP_INC_STATS(LINUX_MIB_LISTENDROPS);
  }
}

/** tcp_v4_err(): an ICMP error about one of our segments. */
function tcp_v4_err(skbp: usize, type: u32, code: u32, info: u32, inner: usize): void {
  const ihl = (<u32>load<u8>(inner) & 15) << 2;
  const th = inner + ihl;
  // Our segment, quoted: its source is us, its destination the peer.
  const sk = inet_lookup_established(iph_daddr(inner), ld16be(th + 2), iph_saddr(inner), ld16be(th));
  if (sk === null) {
    const req = reqsk_lookup(iph_daddr(inner), ld16be(th + 2), iph_saddr(inner), ld16be(th));
    if (req !== null) tcp_req_err(req, ld32be(th + 4), type == 12 || type == 11 || (type == 3 && (code == 0 || code == 1)));
    return;
  }
  if (sk.sk_state == <u32>TCP_TIME_WAIT || sk.sk_state == <u32>TCP_LISTEN) return;
  if (type != 3 && type != 11) return;
  let err: i32 = EHOSTUNREACH;
  if (type == 3) {
    if (code == 4) return; // FRAG_NEEDED: PMTU discovery is not modelled yet
    err = code == 3 || code == 2 ? ECONNREFUSED : EHOSTUNREACH;
  }
  const tp = tcp_sk(sk);
  if (sk.sk_state == <u32>TCP_SYN_SENT || sk.sk_state == <u32>TCP_SYN_RECV) {
    // A hard error while connecting ends the attempt (tcp_v4_err: tcp_done).
    if (type == 3 && (code == 2 || code == 3 || code == 1 || code == 0)) {
      sk.sk_err = err;
      tcp_done(sk);
      tcp_flush_puts();
      return;
    }
  }
  // Otherwise a soft error, reported if the connection later times out.
  sk.sk_err_soft = err;
  void tp;
}

// ───── active open ─────

/** The write_seq a TIME_WAIT takeover hands to tcp_v4_connect (0 = none). */
let connect_tw_seq: u32 = 0;

// @ts-ignore: decorator
@inline function ipv4_is_loopback(a: u32): bool { return (a >>> 24) == 127; }

/**
 * tcp_twsk_unique(): may sk take over the 4-tuple of TIME_WAIT socket tw? Only if tw
 * used timestamps (Linux tests tw_ts_recent_stamp; kstack's stamps are jiffies, which
 * may be 0, so it asks tstamp_ok), and either the port was bound by the caller (bind
 * before connect: twp == NULL), or tcp_tw_reuse allows it (2: only with a loopback
 * address at either end) and tcp_tw_reuse_delay ms have passed since TIME_WAIT began.
 * The new connection starts above anything tw sent (tw_snd_nxt + 65535 + 2) and
 * inherits its ts_recent.
 */
function tcp_twsk_unique(sk: Sock, sktw: Sock, twp: bool): bool {
  const tw = tcp_twsk(sktw);
  let reuse = tcp_tw_reuse;
  if (tw.tw_substate == <u32>TCP_FIN_WAIT2) reuse = 0;
  if (reuse == 2 && !ipv4_is_loopback(sktw.inet_daddr) && !ipv4_is_loopback(sktw.inet_rcv_saddr)) reuse = 0;
  if (tw.tw_tstamp_ok == 0) return false;
  if (twp && (reuse == 0 || <i32>(jiffies - (tw.tw_entry_stamp + tcp_tw_reuse_delay)) <= 0)) return false;
  const tp = tcp_sk(sk);
  let seq = tw.tw_snd_nxt + 65535 + 2;
  if (seq == 0) seq = 1;
  connect_tw_seq = seq;
  tp.ts_recent = tw.tw_ts_recent;
  tp.ts_recent_stamp = tw.tw_ts_recent_stamp;
  return true;
}

/**
 * __inet_check_established(): is (rcv_saddr, lport, daddr, dport) free? A TIME_WAIT
 * socket on it may be taken over (tcp_twsk_unique): it is killed at once (no RST) and
 * TcpExt TWRecycled counts it. Anything else there: EADDRNOTAVAIL.
 */
function __inet_check_established(sk: Sock, lport: u32, twp: bool): i32 {
  const sk2 = inet_tuple_taken(sk.inet_rcv_saddr, lport, sk.inet_daddr, sk.inet_dport);
  if (sk2 === null) return 0;
  if (sk2.sk_state != <u32>TCP_TIME_WAIT || !tcp_twsk_unique(sk, sk2, twp)) return -EADDRNOTAVAIL;
  SNMP_INC_STATS(LINUX_MIB_TWRECYCLED);
  inet_twsk_deschedule_put(sk2);
  return 0;
}

/**
 * __inet_hash_connect() (Linux 6.x): picks connect()'s local port, or checks the one
 * bind() gave. The scan starts at an offset drawn from the destination,
 * table_perturb[secure_port_ephemeral(saddr, daddr, dport) & (SIZE - 1)] + its upper 32
 * bits, rounded to the range's own parity, steps by two, then does the other parity. A
 * port whose bucket bind() made (fastreuse or fastreuseport >= 0) is skipped; one that
 * only connect() holds is shared when this 4-tuple is unique; a free one is taken. The
 * perturbation then moves by max(i, random(8) * 2) + 2, so the next connect to the same
 * destination class starts past this port. EADDRNOTAVAIL when every port is used.
 */
function tcp_hash_connect(sk: Sock): i32 {
  if (sk.inet_num != 0) return __inet_check_established(sk, sk.inet_num, false);
  const low = ip_local_port_low;
  const high = ip_local_port_high + 1; // [32768, 60999] -> [32768, 61000[
  let remaining = high - low;
  if (remaining > 1) remaining &= ~1;
  // inet_sk_port_offset(): a keyed 64-bit hash of (rcv_saddr, daddr, dport) (siphash in
  // Linux's secure_ipv4_port_ephemeral; two jhashes here).
  const po_lo = jhash_3words(sk.inet_rcv_saddr, sk.inet_daddr, sk.inet_dport, port_secret);
  const po_hi = jhash_3words(sk.inet_rcv_saddr, sk.inet_daddr, sk.inet_dport, ~port_secret);
  const index = po_lo & (INET_TABLE_PERTURB_SIZE - 1);
  const pslot = table_perturb + (<usize>index << 2);
  let offset = (load<u32>(pslot) + po_hi) % remaining;
  offset &= ~1; // the range's own parity first; inet_csk_get_port does the opposite
  for (;;) {
    let port = low + offset;
    for (let i: u32 = 0; i < remaining; i += 2, port += 2) {
      if (port >= high) port -= remaining;
      let ok = false;
      if (inet_port_used(port)) {
        if (!inet_bucket_connect_only(port)) continue;
        ok = __inet_check_established(sk, port, true) == 0;
        if (!ok) continue;
      } else {
        inet_bucket_set_connect(port);
      }
      let step = prandom_u32_max(8) * 2;
      if (i > step) step = i;
      store<u32>(pslot, load<u32>(pslot) + step + 2);
      inet_bhash_add(sk, port);
      return 0;
    }
    offset++;
    if ((offset & 1) == 0 || remaining <= 1) break;
  }
  return -EADDRNOTAVAIL;
}

/** tcp_v4_connect(). */
export function tcp_v4_connect(sk: Sock, daddr: u32, dport: u32): i32 {
  const tp = tcp_sk(sk);
  const rt = fib_lookup(daddr);
  if (rt === null) return -ENETUNREACH;
  if (sk.inet_saddr == 0) sk.inet_saddr = fib_saddr(rt, daddr);
  if (sk.inet_rcv_saddr == 0) sk.inet_rcv_saddr = sk.inet_saddr;
  sk.inet_daddr = daddr;
  sk.inet_dport = dport;
  connect_tw_seq = 0;
  const rc = tcp_hash_connect(sk);
  if (rc != 0) {
    sk.inet_daddr = 0;
    sk.inet_dport = 0;
    return rc;
  }
  tp.advmss = tcp_advmss_for(sk);
  if (tp.user_mss != 0 && tp.user_mss < tp.advmss) tp.advmss = tp.user_mss;
  tp.tstamp_ok = tcp_timestamps;
  tp.sack_ok = tcp_sack;
  tp.wscale_ok = tcp_window_scaling;
  tp.mss_clamp = tp.advmss;
  tcp_update_mss(tp);
  tp.rcv_mss = tp.advmss < 536 ? tp.advmss : 536;
  // tcp_connect_init(): the active side sizes its first window in whole advmss units
  // (no timestamp seen yet: 64240 on Ethernet), the passive side in advmss - 12 (65160).
  tcp_clamp_window_to_locked_rcvbuf(tp); // tcp_connect_init()
  tcp_select_initial_window(tp, tp.advmss, tp.wscale_ok != 0);
  tp.rcv_ssthresh = tp.rcv_wnd;
  // A TIME_WAIT takeover (tcp_twsk_unique) chose write_seq already. Otherwise a fresh ISN
  // only for a socket that never had one: after tcp_disconnect (connect(AF_UNSPEC), a
  // failed connect) write_seq sits max_window + 2 past the last connection's, and the next
  // SYN starts there (tcp_v4_connect: "if (!tp->write_seq)").
  if (connect_tw_seq != 0) tp.write_seq = connect_tw_seq;
  else if (tp.write_seq == 0) tp.write_seq = secure_tcp_seq(sk.inet_saddr, sk.inet_daddr, sk.inet_sport, sk.inet_dport);
  connect_tw_seq = 0;
  if (tp.tstamp_ok != 0) tp.tsoffset = secure_tcp_ts_off(sk.inet_saddr, sk.inet_daddr);
  sk.inet_id = prandom_u32() & 0xffff;
  tcp_set_state(sk, TCP_SYN_SENT);
  inet_ehash_insert(sk);
  SNMP_INC_STATS(TCP_MIB_ACTIVEOPENS);
  return tcp_connect(sk);
}

function tcp_send_active_reset_cb(skp: usize): void { tcp_send_active_reset(changetype<Sock>(skp)); }

export function tcp_ipv4_init(): void {
  isn_secret = prandom_u32();
  ts_secret = prandom_u32();
  port_secret = prandom_u32();
  inet_add_protocol(IPPROTO_TCP, tcp_v4_rcv.index, tcp_v4_err.index);
  tcp_input_register(tcp_child_established.index, tcp_v4_send_reset.index);
  reqsk_hash_init();
  tcp_minisocks_register(tcp_v4_syn_recv_sock.index, tcp_v4_send_reset.index);
  tcp_input_register_reset(tcp_send_active_reset_cb.index);
}
