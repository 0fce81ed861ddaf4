// TCP over IPv4: receive demux, listeners and passive open, resets for segments with no
// socket, TIME_WAIT, active open (ports, ISN). Linux: net/ipv4/tcp_ipv4.c (tcp_v4_rcv,
// tcp_v4_conn_request, tcp_v4_send_reset, tcp_v4_connect), tcp_minisocks.c
// (tcp_timewait_state_process), inet_hashtables.c (__inet_hash_connect).
import { ld8, ld16be, ld32be } from "../lib/bytes";
import { csum_fold, csum_partial, csum_tcpudp_nofold, csum_tcpudp_magic } from "../lib/checksum";
import { after, before } from "../lib/seq";
import { jiffies, ktime_ns } from "../kernel/clock";
import { prandom_u32 } from "../kernel/random";
import { mod_timer } from "../kernel/timer";
import { SNMP_INC_STATS, TCP_MIB_INSEGS, TCP_MIB_INERRS, TCP_MIB_INCSUMERRORS, TCP_MIB_OUTRSTS, TCP_MIB_OUTSEGS, TCP_MIB_ACTIVEOPENS, TCP_MIB_PASSIVEOPENS, LINUX_MIB_LISTENOVERFLOWS, LINUX_MIB_LISTENDROPS, LINUX_MIB_TCPACKSKIPPEDTIMEWAIT } from "../kernel/mib";
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
import { TcpSock, tcp_sk, keepalive_timer, TCP_TIMEWAIT_LEN } from "./tcp_sock";
import { cb_set_seq, cb_set_end_seq, cb_set_ack_seq, cb_set_flags, cb_set_wnd, cb_set_opts, cb_set_mss, cb_set_ts_val, cb_set_ts_ecr, cb_set_wscale, cb_set_sacked, cb_seq, cb_end_seq, cb_ack_seq, cb_flags, cb_opts, cb_ts_val, OPT_MSS, OPT_WSCALE, OPT_SACK_PERM, OPT_TSTAMP, OPT_SACK } from "./tcp_skb_cb";
import { tcph_doff, tcph_flags, tcph_seq, tcph_ack_seq, tcph_window, tcph_source, tcph_dest, tcph_fill, TCPH_LEN_MIN, TCPH_CHECK, TCPHDR_ACK, TCPHDR_FIN, TCPHDR_RST, TCPHDR_SYN, TCPOPT_EOL, TCPOPT_NOP, TCPOPT_MSS, TCPOPT_WINDOW, TCPOPT_SACK_PERM, TCPOPT_SACK, TCPOPT_TIMESTAMP } from "./tcphdr";
import { inet_lookup_established, inet_lookup_listener, inet_ehash_insert, inet_bhash_add, inet_tuple_taken } from "./inet_hashtables";
import { tcp_rcv_state_process, tcp_apply_syn_options, tcp_input_register, tcp_input_register_reset } from "./tcp_input";
import { tcp_send_synack, tcp_send_ack, tcp_send_active_reset, tcp_select_initial_window, tcp_update_mss, tcp_advmss_for, tcp_connect, tcp_alloc_skb, tcp_full_space, tcp_clamp_window_to_locked_rcvbuf } from "./tcp_output";
import { tcp_set_state, tcp_done, tcp_flush_puts } from "./tcp_state";
import { tcp_timestamps, tcp_window_scaling, tcp_sack, tcp_max_syn_backlog, tcp_abort_on_overflow } from "./tcp_sysctl";

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

/** tcp_v4_send_ack() for TIME_WAIT: an ACK from a socket that keeps only its numbers. */
function tcp_tw_send_ack(sk: Sock): void {
  tcp_send_ack(sk);
}

// ───── ISN and timestamps (RFC 6528, secure_tcp_seq / secure_tcp_ts_off) ─────

let isn_secret: u32 = 0;
let ts_secret: u32 = 0;
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

/** The listener's accept queue: FIFO of established children (inet_csk_reqsk_queue_add). */
function accept_queue_add(listener: Sock, child: Sock): void {
  const lp = tcp_sk(listener);
  const cp = tcp_sk(child);
  cp.accept_next = 0;
  if (lp.accept_tail != 0) tcp_sk(changetype<Sock>(lp.accept_tail)).accept_next = changetype<usize>(child);
  else lp.accept_head = changetype<usize>(child);
  lp.accept_tail = changetype<usize>(child);
  lp.accept_qlen++;
}

/** A child reached ESTABLISHED: from the SYN queue to the accept queue; wake accept(). */
function tcp_child_established(childp: usize): void {
  const child = changetype<Sock>(childp);
  const cp = tcp_sk(child);
  const listener = changetype<Sock>(cp.parent);
  if (changetype<usize>(listener) == 0) return;
  const lp = tcp_sk(listener);
  if (lp.syn_qlen > 0) lp.syn_qlen--;
  accept_queue_add(listener, child);
  sk_data_ready(listener);
}

/** sk_acceptq_is_full(): Linux lets the queue reach backlog + 1 (the check is '>'). */
function acceptq_is_full(lp: TcpSock): bool { return lp.accept_qlen > lp.max_ack_backlog; }

/** tcp_v4_conn_request() + tcp_create_openreq_child(): a SYN to a listener. */
function tcp_v4_conn_request(listener: Sock, skb: SkBuff): void {
  const lp = tcp_sk(listener);
  if (acceptq_is_full(lp)) {
    // No room to complete this connection: the SYN is dropped; the client retries.
    SNMP_INC_STATS(LINUX_MIB_LISTENOVERFLOWS);
    SNMP_INC_STATS(LINUX_MIB_LISTENDROPS);
    kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
    return;
  }
  if (lp.syn_qlen >= (tcp_max_syn_backlog > lp.max_ack_backlog ? tcp_max_syn_backlog : lp.max_ack_backlog) + 1) {
    SNMP_INC_STATS(LINUX_MIB_LISTENDROPS);
    kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
    return;
  }
  const iph = skb.network_header;
  const th = skb.transport_header;
  const child = sk_alloc(listener.sk_family, listener.sk_type, listener.sk_protocol, changetype<Proto>(listener.sk_prot));
  call_indirect<void>(init_fn, changetype<usize>(child));
  const cp = tcp_sk(child);
  // Inherit what a clone of the listener would (inet_csk_clone_lock).
  child.sk_uid = listener.sk_uid;
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
  cp.keepalive_time = lp.keepalive_time;
  cp.keepalive_intvl = lp.keepalive_intvl;
  cp.keepalive_probes = lp.keepalive_probes;
  cp.linger2 = lp.linger2;
  cp.user_mss = lp.user_mss;
  cp.window_clamp = lp.window_clamp;
  // tcp_ca_openreq_child(): the listener's TCP_CONGESTION choice, else the default.
  if (lp.ca_setsockopt != 0) {
    cp.ca_ops = lp.ca_ops;
    cp.ca_setsockopt = 1;
  }
  child.inet_rcv_saddr = iph_daddr(iph);
  child.inet_saddr = iph_daddr(iph);
  child.inet_daddr = iph_saddr(iph);
  child.inet_dport = tcph_source(th);
  inet_bhash_add(child, listener.inet_num);
  cp.parent = changetype<usize>(listener);
  cp.advmss = tcp_advmss_for(child);
  if (cp.user_mss != 0 && cp.user_mss < cp.advmss) cp.advmss = cp.user_mss;
  cp.tstamp_ok = tcp_timestamps;
  cp.sack_ok = tcp_sack;
  cp.wscale_ok = tcp_window_scaling;
  tcp_apply_syn_options(cp, skb, tcp_timestamps != 0, tcp_sack != 0, tcp_window_scaling != 0);
  if (cp.tstamp_ok != 0) cp.tsoffset = secure_tcp_ts_off(child.inet_saddr, child.inet_daddr);
  cp.rcv_mss = cp.advmss < 536 ? cp.advmss : 536;
  tcp_clamp_window_to_locked_rcvbuf(cp); // tcp_openreq_init_rwin()
  tcp_select_initial_window(cp, cp.advmss - (cp.tstamp_ok != 0 ? 12 : 0), cp.wscale_ok != 0);
  if (cp.wscale_ok == 0) cp.rcv_wscale = 0;
  cp.rcv_ssthresh = cp.rcv_wnd;
  cp.rcv_nxt = cb_seq(skb) + 1;
  cp.rcv_wup = cp.rcv_nxt;
  cp.copied_seq = cp.rcv_nxt;
  cp.snd_wnd = cb_wnd_raw(skb);
  cp.max_window = cp.snd_wnd;
  cp.snd_wl1 = cb_seq(skb);
  cp.write_seq = secure_tcp_seq(child.inet_saddr, child.inet_daddr, child.inet_sport, child.inet_dport);
  cp.snd_una = cp.write_seq;
  cp.snd_nxt = cp.write_seq;
  cp.pushed_seq = cp.write_seq;
  child.inet_id = prandom_u32() & 0xffff;
  child.sk_socket_state = 3; // SS_CONNECTED once accepted
  tcp_set_state(child, TCP_SYN_RECV);
  inet_ehash_insert(child);
  lp.syn_qlen++;
  SNMP_INC_STATS(TCP_MIB_PASSIVEOPENS);
  // The queue holds the child's owner reference (accept() hands it to a file); the
  // protocol took its own in tcp_set_state.
  tcp_send_synack(child);
  consume_skb(skb);
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

/**
 * tcp_timewait_state_process(): a bare ACK or RST in window is dropped (RST kills the
 * TIME_WAIT socket, tcp_rfc1337 = 0); a SYN with a higher sequence number may reopen
 * the connection; everything else is answered with an ACK and the timer restarts.
 * Returns a listener to hand a reopening SYN to, or null when consumed.
 */
function tcp_timewait_process(sk: Sock, skb: SkBuff): bool {
  const tp = tcp_sk(sk);
  const flags = cb_flags(skb);
  const paws_reject = tp.tstamp_ok != 0 && (cb_opts(skb) & OPT_TSTAMP) != 0 && <i32>(cb_ts_val(skb) - tp.ts_recent) < 0 && (flags & TCPHDR_RST) == 0;
  if (!paws_reject && cb_seq(skb) == tp.rcv_nxt && (cb_seq(skb) == cb_end_seq(skb) || (flags & TCPHDR_RST) != 0)) {
    if ((flags & TCPHDR_RST) != 0) tcp_done(sk); // TIME_WAIT assassination (RFC 1337 notwithstanding)
    else mod_timer(keepalive_timer(tp), jiffies + TCP_TIMEWAIT_LEN);
    consume_skb(skb);
    return false;
  }
  if ((flags & TCPHDR_SYN) != 0 && (flags & (TCPHDR_RST | TCPHDR_ACK)) == 0 && !paws_reject &&
      (after(cb_seq(skb), tp.rcv_nxt) || ((cb_opts(skb) & OPT_TSTAMP) != 0 && <i32>(tp.ts_recent - cb_ts_val(skb)) < 0))) {
    tcp_done(sk);
    return true;
  }
  if ((flags & TCPHDR_RST) == 0) {
    if (paws_reject || (flags & TCPHDR_ACK) != 0) mod_timer(keepalive_timer(tp), jiffies + TCP_TIMEWAIT_LEN);
    tcp_tw_send_ack(sk);
  }
  consume_skb(skb);
  return false;
}

// ───── tcp_v4_rcv ─────

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
    if (sk.sk_state == <u32>TCP_TIME_WAIT || (sk.sk_state == <u32>TCP_FIN_WAIT2 && (sk.sk_flags & SOCK_DEAD) != 0 && false)) {
      const reopen = tcp_timewait_process(sk, skb);
      sock_put(sk);
      tcp_flush_puts();
      if (!reopen) return;
      sk = null;
    } else {
      tcp_rcv_state_process(sk, skb);
      sock_put(sk);
      tcp_flush_puts();
      return;
    }
  }
  const listener = inet_lookup_listener(daddr, dport);
  if (listener !== null) {
    if ((flags & TCPHDR_RST) != 0) {
      consume_skb(skb);
      return;
    }
    if ((flags & TCPHDR_ACK) != 0) {
      // An ACK to a listener with no matching child (SYN cookies come later): reset it.
      tcp_v4_send_reset(skbp);
      kfree_skb_reason(skb, SKB_DROP_REASON_NO_SOCKET);
      return;
    }
    if ((flags & TCPHDR_SYN) == 0) {
      kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
      return;
    }
    sock_hold(listener);
    tcp_v4_conn_request(listener, skb);
    sock_put(listener);
    tcp_flush_puts();
    return;
  }
  // No socket: RST (RFC 9293 §3.10.7.1), and drop.
  tcp_v4_send_reset(skbp);
  kfree_skb_reason(skb, SKB_DROP_REASON_NO_SOCKET);
}

/** tcp_v4_err(): an ICMP error about one of our segments. */
function tcp_v4_err(skbp: usize, type: u32, code: u32, info: u32, inner: usize): void {
  const ihl = (<u32>load<u8>(inner) & 15) << 2;
  const th = inner + ihl;
  // Our segment, quoted: its source is us, its destination the peer.
  const sk = inet_lookup_established(iph_daddr(inner), ld16be(th + 2), iph_saddr(inner), ld16be(th));
  if (sk === null) return;
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

/**
 * __inet_hash_connect(): picks a local port for connect(). Since Linux 4.6, connect()
 * starts from an offset of the same parity as the range's low end (bind(0) takes the
 * other parity), stepping by two, then tries the other parity; a port is fine when the
 * 4-tuple is unused (another destination may share it).
 */
function tcp_hash_connect(sk: Sock): i32 {
  if (sk.inet_num != 0) {
    if (inet_tuple_taken(sk.inet_rcv_saddr, sk.inet_num, sk.inet_daddr, sk.inet_dport) !== null) return -EADDRNOTAVAIL;
    return 0;
  }
  const low = ip_local_port_low;
  const high = ip_local_port_high;
  let remaining = high - low + 1;
  if (remaining > 1) remaining &= ~1;
  let offset = mix4(sk.inet_rcv_saddr, sk.inet_daddr, sk.inet_dport, 0, isn_secret) % remaining;
  offset &= ~1;
  for (let pass = 0; pass < 2; pass++) {
    for (let i: u32 = 0; i < remaining; i += 2) {
      const port = low + ((offset + i) % remaining);
      if (port > high) continue;
      if (port_usable_for_connect(sk, port)) {
        inet_bhash_add(sk, port);
        return 0;
      }
    }
    offset++;
  }
  return -EADDRNOTAVAIL;
}

let bind_port_used_fn: u32 = 0;
/** tcp.ts registers the bind-hash test (a port held by a bound, non-connected socket). */
export function tcp_ipv4_register_port_check(fn: u32): void { bind_port_used_fn = fn; }
function port_usable_for_connect(sk: Sock, port: u32): bool {
  if (inet_tuple_taken(sk.inet_rcv_saddr, port, sk.inet_daddr, sk.inet_dport) !== null) return false;
  return bind_port_used_fn == 0 || call_indirect<bool>(bind_port_used_fn, changetype<usize>(sk), port);
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
  tp.write_seq = secure_tcp_seq(sk.inet_saddr, sk.inet_daddr, sk.inet_sport, sk.inet_dport);
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
  inet_add_protocol(IPPROTO_TCP, tcp_v4_rcv.index, tcp_v4_err.index);
  tcp_input_register(tcp_child_established.index, tcp_v4_send_reset.index);
  tcp_input_register_reset(tcp_send_active_reset_cb.index);
}
