// TCP output: building and sending segments, the send window and Nagle, window
// selection, ACKs, SYN/SYN-ACK/FIN/RST, retransmission and zero-window probes.
// Linux: net/ipv4/tcp_output.c (tcp_transmit_skb, tcp_write_xmit, __tcp_select_window,
// tcp_send_ack, tcp_send_fin, tcp_connect, tcp_retransmit_skb, tcp_send_probe0).
import { st8, st32be } from "../lib/bytes";
import { csum_partial, csum_tcpudp_magic } from "../lib/checksum";
import { after, before } from "../lib/seq";
import { jiffies, ktime_ns, time_after, time_after_eq } from "../kernel/clock";
import { mod_timer, del_timer, timer_pending } from "../kernel/timer";
import { SNMP_INC_STATS, TCP_MIB_OUTSEGS, TCP_MIB_RETRANSSEGS, TCP_MIB_OUTRSTS, LINUX_MIB_TCPWANTZEROWINDOWADV, LINUX_MIB_TCPTOZEROWINDOWADV, LINUX_MIB_TCPFROMZEROWINDOWADV, LINUX_MIB_TCPWINPROBE, LINUX_MIB_TCPORIGDATASENT, LINUX_MIB_TCPLOSTRETRANSMIT, LINUX_MIB_TCPFASTRETRANS, LINUX_MIB_TCPSLOWSTARTRETRANS, LINUX_MIB_TCPLOSSPROBES, LINUX_MIB_TCPABORTFAILED, LINUX_MIB_TCPRETRANSFAIL } from "../kernel/mib";
import { ENOMEM } from "../abi/errno";
import { skb_cloned, skb_copy, alloc_skb, consume_skb, skb_clone, skb_put, skb_push, skb_reserve, skb_reset_transport_header, SkBuff, MAX_HEADER, SKB_TRUESIZE } from "../core/skbuff";
import { skb_peek, skb_peek_tail, skb_queue_tail, skb_queue_after, SIZEOF_SKB_QUEUE } from "../core/skb_queue";
import { Sock, sysctl_rmem_max, SOCK_RCVBUF_LOCK } from "../core/sock";
import { ip_build_and_send_rt, IP_PMTUDISC_WANT } from "../ip/ip_output";
import { fib_lookup, fib_dev, FibEntry } from "../ip/route";
import { NetDevice } from "../link/netdevice";
import { IPDEFTTL, IP_MAX_MTU } from "../ip/iphdr";
import { IPPROTO_TCP } from "../abi/in";
import { TCP_SYN_SENT, TCP_SYN_RECV, TCP_ESTABLISHED, TCP_CLOSE_WAIT, TCP_FIN_WAIT1, TCP_LAST_ACK, TCP_CLOSING } from "../abi/tcp_states";
import { TcpSock, tcp_sk, tp_sk, retransmit_timer, delack_timer, ICSK_TIME_RETRANS, ICSK_TIME_PROBE0, ICSK_TIME_LOSS_PROBE, TCP_TIMEOUT_MIN_US, TCP_TIMEOUT_INIT, ICSK_ACK_SCHED, ICSK_ACK_TIMER, ICSK_ACK_PUSHED, TCP_RTO_MAX, TCP_RTO_MIN, TCP_MAX_WSCALE, MAX_TCP_WINDOW, TCP_ATO_MIN, TCP_DELACK_MIN, TCP_DELACK_MAX, inet_csk_ack_scheduled, inet_csk_in_pingpong_mode, inet_csk_inc_pingpong_cnt, TCP_INIT_CWND, sack_start, sack_end, TCP_FIN_QUEUED, TCP_FIN_OWED, TCP_RESOURCE_PROBE_INTERVAL } from "./tcp_sock";
import { cb_seq, cb_set_seq, cb_end_seq, cb_set_end_seq, cb_flags, cb_set_flags, cb_set_tx_time, cb_retrans, cb_set_retrans, cb_set_sacked, cb_tx_time, cb_sacked, TCPCB_SACKED_ACKED, TCPCB_SACKED_RETRANS, TCPCB_LOST, TCPCB_EVER_RETRANS } from "./tcp_skb_cb";
import { tcph_fill, TCPH_CHECK, TCPH_LEN_MIN, TCPHDR_ACK, TCPHDR_FIN, TCPHDR_PSH, TCPHDR_RST, TCPHDR_SYN, TCPOPT_MSS, TCPOPT_NOP, TCPOPT_SACK_PERM, TCPOPT_TIMESTAMP, TCPOPT_WINDOW, TCPOPT_SACK } from "./tcphdr";
import { tcp_rmem_max, tcp_notsent_lowat as sysctl_tcp_notsent_lowat, tcp_slow_start_after_idle, tcp_early_retrans } from "./tcp_sysctl";
import { tcp_ca_event, tcp_is_cwnd_limited, CA_EVENT_TX_START, CA_EVENT_CWND_RESTART } from "./tcp_cong";

/** sizeof(struct tcphdr) + options we may send, and MAX_TCP_HEADER's role for truesize. */
// @ts-ignore: decorator
@inline export const MAX_TCP_HEADER: u32 = 320;

/**
 * Memory a write-queue skb of `len` data bytes costs (sk_wmem_queued): the skb with its
 * MAX_TCP_HEADER head (SKB_TRUESIZE) plus the data, which Linux keeps in page fragments
 * counted byte for byte (tcp_sendmsg_locked: skb->truesize += copy).
 */
export function tcp_skb_truesize(len: u32): u32 { return SKB_TRUESIZE(MAX_TCP_HEADER) + len; }

/** The TCP timestamp clock: ms, offset per connection (tcp_time_stamp_ts + tsoffset). */
// @ts-ignore: decorator
@inline export function tcp_time_stamp(tp: TcpSock): u32 { return jiffies + tp.tsoffset; }

// ───── the route and the MSS ─────

export function tcp_route(sk: Sock): FibEntry | null { return fib_lookup(sk.inet_daddr); }

/**
 * dst_mtu() toward the peer (ipv4_mtu): the route's device MTU, never above IP_MAX_MTU — so
 * 65535 over loopback, whose device MTU is 65536.
 */
function tcp_path_mtu(sk: Sock): u32 {
  const rt = fib_lookup(sk.inet_daddr);
  const dev: NetDevice | null = rt === null ? null : fib_dev(rt);
  const mtu: u32 = dev === null ? 576 : <u32>dev.mtu;
  return mtu < IP_MAX_MTU ? mtu : IP_MAX_MTU;
}

/** ipv4_default_advmss(): the path MTU - 40 (at most 65535 - 40). */
export function tcp_advmss_for(sk: Sock): u32 { return tcp_path_mtu(sk) - 40; }

/**
 * tcp_sync_mss()/tcp_current_mss(): data per segment after options. Like tcp_sync_mss it
 * remembers the MTU it sized the segments for (icsk_pmtu_cookie, tcpi_pmtu).
 */
export function tcp_update_mss(tp: TcpSock): void {
  const sk = tp_sk(tp);
  const pmtu = tcp_path_mtu(sk);
  tp.pmtu_cookie = pmtu;
  let mss = pmtu - 40;
  if (tp.mss_clamp != 0 && mss > tp.mss_clamp) mss = tp.mss_clamp;
  if (tp.tstamp_ok != 0) mss -= 12;
  // tcp_bound_to_half_wnd(): never more than half the largest window the peer offered
  // (so two segments fit; over loopback the first mss is 32741, not 65483).
  const cutoff = tp.max_window > 536 ? tp.max_window >> 1 : tp.max_window;
  if (cutoff != 0 && mss > cutoff) mss = cutoff > 68 - 32 ? cutoff : 68 - 32;
  if (mss < 48) mss = 48;
  tp.mss_cache = mss;
}

// ───── the receive window (what we advertise) ─────

/** tcp_win_from_space(): the part of buffer space the window may offer (scaling_ratio/256). */
export function tcp_win_from_space(tp: TcpSock, space: i32): i32 {
  if (space <= 0) return 0;
  return <i32>((<u64>space * <u64>tp.scaling_ratio) >> 8);
}
/** tcp_space(): free receive-buffer space as window. */
export function tcp_space(tp: TcpSock): i32 {
  const sk = tp_sk(tp);
  return tcp_win_from_space(tp, sk.sk_rcvbuf - sk.sk_rmem_alloc);
}
export function tcp_full_space(tp: TcpSock): i32 { return tcp_win_from_space(tp, tp_sk(tp).sk_rcvbuf); }

/**
 * tcp_set_window_clamp() (net/ipv4/tcp.c, Linux 6.x): at least SOCK_MIN_RCVBUF / 2;
 * shrinking the clamp pulls rcv_ssthresh down with it (__tcp_adjust_rcv_ssthresh, no
 * reserved memory here), raising it lets rcv_ssthresh follow up to the current rcv_wnd.
 * The val == 0 case (only on a closed socket) is the setsockopt's.
 */
export function tcp_set_window_clamp(tp: TcpSock, val: i32): void {
  const old_clamp = tp.window_clamp;
  const new_clamp = <u32>(val > 1152 ? val : 1152);
  if (new_clamp == old_clamp) return;
  tp.window_clamp = new_clamp;
  if (new_clamp < old_clamp) {
    if (tp.rcv_ssthresh > new_clamp) tp.rcv_ssthresh = new_clamp;
  } else {
    const ss = tp.rcv_wnd < new_clamp ? tp.rcv_wnd : new_clamp;
    if (ss > tp.rcv_ssthresh) tp.rcv_ssthresh = ss;
  }
}

/**
 * "limit the window selection if the user enforce a smaller rx buffer": with SO_RCVBUF
 * locked, the clamp is at most the full space of that buffer, so the SYN's wscale and every
 * later window are sized from it (tcp_openreq_init_rwin for the passive side,
 * tcp_connect_init for the active one, Linux 6.x). Call before tcp_select_initial_window.
 */
export function tcp_clamp_window_to_locked_rcvbuf(tp: TcpSock): void {
  const sk = tp_sk(tp);
  if ((sk.sk_userlocks & SOCK_RCVBUF_LOCK) == 0) return;
  const full_space = <u32>tcp_full_space(tp);
  if (tp.window_clamp > full_space || tp.window_clamp == 0) tp.window_clamp = full_space;
}

/** tcp_receive_window(): what is left of the window last advertised. */
export function tcp_receive_window(tp: TcpSock): u32 {
  const w = <i32>(tp.rcv_wup + tp.rcv_wnd - tp.rcv_nxt);
  return w < 0 ? 0 : <u32>w;
}

/** __tcp_select_window(): the window free space allows, with RFC 1122's SWS avoidance. */
export function __tcp_select_window(tp: TcpSock): u32 {
  let mss = <i32>tp.rcv_mss;
  let free_space = tcp_space(tp);
  const allowed_space = tcp_full_space(tp);
  const full_space = <i32>tp.window_clamp < allowed_space ? <i32>tp.window_clamp : allowed_space;
  if (mss > full_space) {
    mss = full_space;
    if (mss <= 0) return 0;
  }
  const ws = tp.rcv_wscale;
  if (free_space < (full_space >> 1)) {
    tp.ack_quick = 0;
    free_space = free_space & ~((1 << ws) - 1);
    // Move to a zero window early rather than have data dropped for lack of memory.
    if (free_space < (allowed_space >> 4) || free_space < mss) return 0;
  }
  if (free_space > <i32>tp.rcv_ssthresh) free_space = <i32>tp.rcv_ssthresh;
  let window: i32;
  if (ws != 0) {
    window = (free_space + (1 << ws) - 1) & ~((1 << ws) - 1);
  } else {
    window = <i32>tp.rcv_wnd;
    if (window <= free_space - mss || window > free_space) window = mss > 0 ? (free_space / mss) * mss : free_space;
    else if (mss == full_space && free_space > window + (full_space >> 1)) window = free_space;
  }
  return <u32>window;
}

/** tcp_select_window(): never shrinks an offered window; returns the scaled 16-bit value. */
export function tcp_select_window(tp: TcpSock): u32 {
  const old_win = tp.rcv_wnd;
  const cur_win = tcp_receive_window(tp);
  let new_win = __tcp_select_window(tp);
  const ws = tp.rcv_wscale;
  if (new_win < cur_win) {
    if (new_win == 0) SNMP_INC_STATS(LINUX_MIB_TCPWANTZEROWINDOWADV);
    new_win = (cur_win + (1 << ws) - 1) & ~((1 << ws) - 1);
  }
  tp.rcv_wnd = new_win;
  tp.rcv_wup = tp.rcv_nxt;
  const cap: u32 = ws == 0 ? MAX_TCP_WINDOW : (<u32>65535 << ws);
  if (new_win > cap) new_win = cap;
  new_win >>= ws;
  if (new_win == 0) {
    if (old_win != 0) SNMP_INC_STATS(LINUX_MIB_TCPTOZEROWINDOWADV);
  } else if (old_win == 0) {
    SNMP_INC_STATS(LINUX_MIB_TCPFROMZEROWINDOWADV);
  }
  return new_win;
}

/** tcp_select_initial_window(): rcv_wnd, window_clamp and our wscale for the SYN. */
export function tcp_select_initial_window(tp: TcpSock, mss: u32, wscale_ok: bool): void {
  let space = <u32>tcp_full_space(tp);
  if (tp.window_clamp == 0) tp.window_clamp = <u32>65535 << TCP_MAX_WSCALE;
  if (space > tp.window_clamp) space = tp.window_clamp;
  if (space > mss) space = (space / mss) * mss;
  tp.rcv_wnd = space;
  tp.rcv_wscale = 0;
  if (wscale_ok) {
    let s = space;
    if (s < tcp_rmem_max) s = tcp_rmem_max;
    if (s < <u32>sysctl_rmem_max) s = <u32>sysctl_rmem_max;
    if (s > tp.window_clamp) s = tp.window_clamp;
    let ws = <i32>(31 - clz<u32>(s)) - 15;
    if (ws < 0) ws = 0;
    if (ws > <i32>TCP_MAX_WSCALE) ws = <i32>TCP_MAX_WSCALE;
    tp.rcv_wscale = <u32>ws;
  }
  const maxclamp = <u32>65535 << tp.rcv_wscale;
  if (tp.window_clamp > maxclamp) tp.window_clamp = maxclamp;
}

// ───── building and sending one segment ─────

/**
 * Options length for a segment: a SYN or SYN-ACK's options, or else the timestamp block.
 * Shared by full sockets and request socks (tcp_synack_options), as Linux's
 * tcp_options_write serves both through struct tcp_out_options.
 */
export function tcp_options_len(syn: bool, tstamp_ok: u32, sack_ok: u32, wscale_ok: u32): u32 {
  if (syn) {
    let n: u32 = 4; // MSS
    if (tstamp_ok != 0) n += 12; // (SACK_PERM + TS) or (NOP NOP TS)
    else if (sack_ok != 0) n += 4; // NOP NOP SACK_PERM
    if (wscale_ok != 0) n += 4; // NOP WSCALE
    return n;
  }
  return tstamp_ok != 0 ? 12 : 0;
}

/**
 * tcp_options_write(): SYN options in Linux's order — mss, then sackOK with the
 * timestamp (or nop nop ts), then nop wscale — so tcpdump prints
 * `[mss 1460,sackOK,TS val … ecr 0,nop,wscale 7]`; any other segment carries only the
 * timestamp block (nop nop ts). The length is tcp_options_len's.
 */
export function tcp_options_write(p: usize, syn: bool, mss: u32, tstamp_ok: u32, sack_ok: u32, wscale_ok: u32, rcv_wscale: u32, tsval: u32, tsecr: u32): void {
  if (syn) {
    st8(p, TCPOPT_MSS); st8(p + 1, 4); st8(p + 2, mss >> 8); st8(p + 3, mss & 255);
    p += 4;
    if (tstamp_ok != 0) {
      if (sack_ok != 0) {
        st8(p, TCPOPT_SACK_PERM); st8(p + 1, 2);
      } else {
        st8(p, TCPOPT_NOP); st8(p + 1, TCPOPT_NOP);
      }
      st8(p + 2, TCPOPT_TIMESTAMP); st8(p + 3, 10);
      st32be(p + 4, tsval);
      st32be(p + 8, tsecr);
      p += 12;
    } else if (sack_ok != 0) {
      st8(p, TCPOPT_NOP); st8(p + 1, TCPOPT_NOP); st8(p + 2, TCPOPT_SACK_PERM); st8(p + 3, 2);
      p += 4;
    }
    if (wscale_ok != 0) {
      st8(p, TCPOPT_NOP); st8(p + 1, TCPOPT_WINDOW); st8(p + 2, 3); st8(p + 3, rcv_wscale);
    }
    return;
  }
  if (tstamp_ok != 0) {
    st8(p, TCPOPT_NOP); st8(p + 1, TCPOPT_NOP); st8(p + 2, TCPOPT_TIMESTAMP); st8(p + 3, 10);
    st32be(p + 4, tsval);
    st32be(p + 8, tsecr);
  }
}

/**
 * tcp_dec_quickack_mode() (include/net/tcp.h, Linux 6.7+): an ACK of new data spends one
 * quick ACK; spending the last one deflates ato.
 */
function tcp_dec_quickack_mode(tp: TcpSock): void {
  if (tp.ack_quick == 0) return;
  const pkts: u32 = inet_csk_ack_scheduled(tp) ? 1 : 0;
  if (pkts >= tp.ack_quick) {
    tp.ack_quick = 0;
    tp.ack_ato = TCP_ATO_MIN;
  } else {
    tp.ack_quick -= pkts;
  }
}

/**
 * SACK blocks this segment carries (tcp_established_options): the D-SACK block, then the
 * remembered blocks, as many as fit in the 40 option bytes (3 beside a timestamp, 4
 * without). kstack: Linux shrinks the MSS while blocks are pending (tcp_current_mss); here
 * a data segment carries only the blocks that fit beside its payload.
 */
function tcp_sack_blocks_to_send(tp: TcpSock, flags: u32, datalen: u32): u32 {
  if ((flags & TCPHDR_SYN) != 0 || tp.sack_ok == 0) return 0;
  let n = tp.num_sacks + tp.dsack;
  if (n == 0) return 0;
  const room: u32 = (40 - (tp.tstamp_ok != 0 ? 12 : 0) - 4) / 8;
  if (n > room) n = room;
  while (n > 0 && datalen > 0 && datalen + 4 + 8 * n > tp.mss_cache) n--;
  return n;
}

/** Writes nop nop SACK with n blocks at p: D-SACK first (RFC 2883 §4), then the rest. */
function tcp_sack_write(p: usize, tp: TcpSock, n: u32): void {
  st8(p, TCPOPT_NOP); st8(p + 1, TCPOPT_NOP); st8(p + 2, TCPOPT_SACK); st8(p + 3, 2 + 8 * n);
  p += 4;
  let i: u32 = 0;
  if (tp.dsack != 0) {
    st32be(p, tp.dsack_start);
    st32be(p + 4, tp.dsack_end);
    p += 8;
    i = 1;
    tp.dsack = 0; // reported once
  }
  for (let b: u32 = 0; i < n; i++, b++) {
    st32be(p, sack_start(tp, b));
    st32be(p + 4, sack_end(tp, b));
    p += 8;
  }
}

/**
 * tcp_event_ack_sent(): an ACK went out (alone or on data), so no delayed ACK is owed
 * (inet_csk_clear_xmit_timer(ICSK_TIME_DACK) clears icsk_ack.pending).
 */
function tcp_event_ack_sent(tp: TcpSock): void {
  tcp_dec_quickack_mode(tp);
  tp.ack_pending = 0;
  tp.ack_retry = 0; // inet_csk_clear_xmit_timer(ICSK_TIME_DACK)
  tp.ack_rcv_segs = 0;
  if (timer_pending(delack_timer(tp))) del_timer(delack_timer(tp));
}

/**
 * tcp_event_data_sent(): data leaving within ato of the last data received is a reply —
 * one more step toward interactive (pingpong) mode, where ACKs wait to ride on replies.
 */
function tcp_event_data_sent(tp: TcpSock): void {
  if (jiffies - tp.ack_lrcvtime < tp.ack_ato) inet_csk_inc_pingpong_cnt(tp);
}

/**
 * tcp_transmit_skb(): pushes the TCP header (from TCP_SKB_CB) on skb — a clone when the
 * original must stay in the write queue — and hands it to IP. Returns 0 or -errno.
 */
export function tcp_transmit_skb(sk: Sock, skb: SkBuff, clone_it: bool): i32 {
  const tp = tcp_sk(sk);
  let out = skb;
  if (clone_it) {
    // __tcp_transmit_skb(): a copy still queued below us (a retransmission while the
    // previous one waits in a qdisc or netem) shares the buffer, and pushing a header into
    // it would rewrite that copy's header too: pskb_copy instead of skb_clone then.
    const c = skb_cloned(skb) ? skb_copy(skb) : skb_clone(skb);
    // kstack: -ENOMEM where Linux says -ENOBUFS, because -ENOBUFS here already means a
    // qdisc drop (NET_XMIT_DROP) that TCP counts as sent. Nothing left: skb stays queued
    // and a timer (RTO, persist, loss probe) or the next ACK sends it.
    if (c === null) return -ENOMEM;
    out = c;
    cb_set_tx_time(skb, ktime_ns);
  }
  const flags = cb_flags(skb);
  const sacks = tcp_sack_blocks_to_send(tp, flags, out.len);
  const syn = (flags & TCPHDR_SYN) != 0;
  const opts = tcp_options_len(syn, tp.tstamp_ok, tp.sack_ok, tp.wscale_ok) + (sacks != 0 ? 4 + 8 * sacks : 0);
  const thlen = TCPH_LEN_MIN + opts;
  const h = skb_push(out, thlen);
  skb_reset_transport_header(out);
  let window: u32;
  if ((flags & TCPHDR_SYN) != 0) {
    // RFC 7323 §2.2: the window in a SYN is never scaled.
    window = tp.rcv_wnd < 65535 ? tp.rcv_wnd : 65535;
  } else {
    window = tcp_select_window(tp);
  }
  const ack = (flags & TCPHDR_ACK) != 0 ? tp.rcv_nxt : 0;
  tcph_fill(h, sk.inet_sport, sk.inet_dport, cb_seq(skb), ack, thlen, flags, window);
  tcp_options_write(h + TCPH_LEN_MIN, syn, tp.advmss, tp.tstamp_ok, tp.sack_ok, tp.wscale_ok, tp.rcv_wscale, tcp_time_stamp(tp), tp.ts_recent);
  if (sacks != 0) tcp_sack_write(h + TCPH_LEN_MIN + opts - 4 - 8 * sacks, tp, sacks);
  const len = out.len;
  store<u16>(h + TCPH_CHECK, <u16>csum_tcpudp_magic(sk.inet_saddr, sk.inet_daddr, len, IPPROTO_TCP, csum_partial(h, <i32>len, 0)), 0, 1);
  if ((flags & TCPHDR_ACK) != 0) tcp_event_ack_sent(tp);
  const datalen = cb_end_seq(skb) - cb_seq(skb) - ((flags & (TCPHDR_SYN | TCPHDR_FIN)) != 0 ? 1 : 0);
  if (datalen > 0 && datalen < 0x80000000) {
    tcp_event_data_sent(tp);
    tp.data_segs_out++;
    tp.last_data_sent = jiffies;
    // tcp_event_data_sent(): the first data after idle tells the algorithm
    // (CA_EVENT_TX_START) before lsndtime moves; only data moves it.
    if (tcp_packets_in_flight(tp) == 0 && tp.ca_ops != 0) tcp_ca_event(tp, CA_EVENT_TX_START);
    tp.lsndtime = jiffies;
  }
  tp.segs_out++;
  SNMP_INC_STATS(TCP_MIB_OUTSEGS);
  const ttl = sk.uc_ttl < 0 ? IPDEFTTL : <u32>sk.uc_ttl;
  const id = <i32>(sk.inet_id++ & 0xffff);
  return ip_build_and_send_rt(out, tcp_route(sk), sk.inet_saddr, sk.inet_daddr, IPPROTO_TCP, ttl, sk.tos, IP_PMTUDISC_WANT, id);
}

/** An skb for TCP to fill: headroom for every header, `size` bytes of data room. */
export function tcp_alloc_skb(size: u32): SkBuff | null {
  const skb = alloc_skb(MAX_HEADER + size);
  if (skb === null) return null;
  skb_reserve(skb, MAX_HEADER);
  return skb;
}

/** Adds skb (data, SYN or FIN) to the tail of the write queue, charging the sender. */
export function tcp_queue_skb(sk: Sock, skb: SkBuff): void {
  const tp = tcp_sk(sk);
  skb.truesize = tcp_skb_truesize(skb.len);
  sk.sk_wmem_queued += <i32>skb.truesize;
  // tcp_skb_entail(): new data after an idle period restarts the window.
  if ((cb_flags(skb) & (TCPHDR_SYN | TCPHDR_FIN)) == 0) tcp_slow_start_after_idle_check(sk, tp);
  skb_queue_tail(sk.sk_write_queue, skb);
  if (tp.send_head == 0) tp.send_head = changetype<usize>(skb);
  tp.write_seq = cb_end_seq(skb);
}

// ───── timers armed by output ─────

/** inet_csk_reset_xmit_timer(). */
export function tcp_reset_xmit_timer(tp: TcpSock, what: u32, when: u32): void {
  tp.icsk_pending = what;
  mod_timer(retransmit_timer(tp), jiffies + (when > TCP_RTO_MAX ? TCP_RTO_MAX : when));
}
export function tcp_clear_xmit_timer(tp: TcpSock): void {
  tp.icsk_pending = 0;
  if (timer_pending(retransmit_timer(tp))) del_timer(retransmit_timer(tp));
}
/**
 * tcp_rearm_rto(): the RTO restarts from now while data is outstanding — except in place
 * of a loss probe, where it keeps the time the RTO already had (tcp_rto_delta_us).
 */
export function tcp_rearm_rto(tp: TcpSock): void {
  if (tp.packets_out == 0) {
    // kstack: a FIN owed for want of an skb keeps its retry (see tcp_send_fin).
    if (tp.fin_queued == TCP_FIN_OWED) {
      if (tp.icsk_pending != ICSK_TIME_RETRANS || !timer_pending(retransmit_timer(tp))) tcp_reset_xmit_timer(tp, ICSK_TIME_RETRANS, TCP_RESOURCE_PROBE_INTERVAL);
      return;
    }
    // inet_csk_clear_xmit_timer(ICSK_TIME_RETRANS) stops the timer whatever it serves; a
    // persist timer is re-armed fresh by tcp_check_probe_timer if still needed.
    tcp_clear_xmit_timer(tp);
    return;
  }
  let rto = tp.rto;
  if (tp.icsk_pending == ICSK_TIME_LOSS_PROBE) {
    // "Offset the time elapsed after installing regular RTO".
    const delta_us = tcp_rto_delta_us(tp);
    rto = usecs_to_jiffies(delta_us > 1 ? delta_us : 1);
  }
  tcp_reset_xmit_timer(tp, ICSK_TIME_RETRANS, rto);
}

/** usecs_to_jiffies(): rounds up (HZ = 1000). */
// @ts-ignore: decorator
@inline function usecs_to_jiffies(us: f64): u32 { return <u32>Math.ceil(us / 1000); }

/**
 * tcp_rto_delta_us() (include/net/tcp.h): how far in the future the RTO of the oldest
 * outstanding segment lies — its last transmission plus the RTO, minus now (µs; may be < 0).
 */
function tcp_rto_delta_us(tp: TcpSock): f64 {
  const head = tcp_rtx_head(tp_sk(tp));
  const rto_us = <f64>tp.rto * 1000;
  if (head === null) return rto_us;
  return Math.floor(cb_tx_time(head) / 1000) + rto_us - Math.floor(ktime_ns / 1000);
}

/**
 * tcp_schedule_loss_probe() (Linux 6.x; RFC 8985 §7.2): arm the probe timeout (PTO) in place
 * of the RTO for a SACK connection in Open or CWR with data out, when net.ipv4.tcp_early_retrans
 * is 3 or 4. PTO = 2·srtt, plus tcp_rto_min (200 ms, for the peer's delayed ACK) when one
 * segment is out or TCP_TIMEOUT_MIN (2 ms) otherwise; TCP_TIMEOUT_INIT without an RTT
 * sample; never later than the RTO would fire (`advancing_rto`: a full RTO from now, as
 * after an ACK; else what is left of the current one). Returns false when not armed.
 */
export function tcp_schedule_loss_probe(sk: Sock, advancing_rto: bool): bool {
  const tp = tcp_sk(sk);
  if ((tcp_early_retrans != 3 && tcp_early_retrans != 4) || tp.packets_out == 0 || tp.sack_ok == 0 ||
      (tp.ca_state != 0 /* TCP_CA_Open */ && tp.ca_state != 2 /* TCP_CA_CWR */)) return false;
  let timeout: u32;
  if (tp.srtt_us != 0) {
    // srtt_us holds 8·srtt: >> 2 is 2·srtt.
    let timeout_us = tp.srtt_us >> 2;
    timeout_us += tp.packets_out == 1 ? TCP_RTO_MIN * 1000 : TCP_TIMEOUT_MIN_US;
    timeout = usecs_to_jiffies(<f64>timeout_us);
  } else {
    timeout = TCP_TIMEOUT_INIT;
  }
  // "If the RTO formula yields an earlier time, then use that time." (A delta already in
  // the past is a huge u32 in Linux, so it leaves the PTO alone.)
  const rto_delta_us = advancing_rto ? <f64>tp.rto * 1000 : tcp_rto_delta_us(tp);
  if (rto_delta_us > 0) {
    const rto_j = usecs_to_jiffies(rto_delta_us);
    if (rto_j < timeout) timeout = rto_j;
  }
  tcp_reset_xmit_timer(tp, ICSK_TIME_LOSS_PROBE, timeout);
  return true;
}

/**
 * __tcp_retransmit_skb() for the loss probe: the segment goes again and counts as a
 * retransmission (RetransSegs, tcpi_total_retrans, TCPCB_EVER_RETRANS and Karn's rule) but
 * is not put on the scoreboard (no TCPCB_SACKED_RETRANS, retrans_out, undo_retrans or
 * retrans_stamp: those are tcp_retransmit_skb's, which the probe does not call).
 */
function tcp_retransmit_probe_skb(sk: Sock, skb: SkBuff): i32 {
  const tp = tcp_sk(sk);
  const rc = tcp_transmit_skb(sk, skb, true);
  cb_set_sacked(skb, cb_sacked(skb) | TCPCB_EVER_RETRANS);
  if (rc == 0) {
    cb_set_retrans(skb, cb_retrans(skb) + 1);
    tp.total_retrans++;
    tp.bytes_retrans += <f64>skb.len;
    SNMP_INC_STATS(TCP_MIB_RETRANSSEGS);
  }
  return rc;
}

/**
 * tcp_send_loss_probe() (Linux 6.x; RFC 8985 §7.3): the PTO fired. Send one new segment if
 * the peer's window allows (regardless of cwnd), else retransmit the last segment sent;
 * tlp_high_seq remembers snd_nxt so that tcp_process_tlp_ack can tell how the episode
 * ended. At most one probe is out at a time. The RTO is re-armed either way.
 */
export function tcp_send_loss_probe(sk: Sock): void {
  const tp = tcp_sk(sk);
  if (tp.tlp_high_seq != 0) {
    tcp_rearm_rto(tp);
    return;
  }
  tp.tlp_retrans = 0;
  if (tp.send_head != 0 && tcp_snd_wnd_test(tp, changetype<SkBuff>(tp.send_head))) {
    const pcount = tp.packets_out;
    tcp_write_xmit(sk, TCP_NAGLE_OFF, 2);
    if (tp.packets_out <= pcount) {
      tcp_rearm_rto(tp);
      return;
    }
  } else {
    // The last segment of the retransmit queue (skb_rb_last).
    const last = tp.send_head != 0 ? changetype<SkBuff>(tp.send_head).prev : load<usize>(sk.sk_write_queue, 4);
    if (tp.packets_out == 0 || last == sk.sk_write_queue) {
      tp.icsk_pending = 0;
      return;
    }
    // kstack: no skb_still_in_host_queue() check — a copy still below TCP is not told apart
    // from one the peer's queue holds over loopback, so the probe always goes (as a copy).
    if (tcp_retransmit_probe_skb(sk, changetype<SkBuff>(last)) != 0) {
      tcp_rearm_rto(tp);
      return;
    }
    tp.tlp_retrans = 1;
  }
  tp.tlp_high_seq = tp.snd_nxt;
  SNMP_INC_STATS(LINUX_MIB_TCPLOSSPROBES);
  // Reset, so that tcp_rearm_rto restarts the timer from now.
  tp.icsk_pending = 0;
  tcp_rearm_rto(tp);
}

/** The persist timer's interval: RTO << backoff, capped at TCP_RTO_MAX (tcp_probe0_when). */
export function tcp_probe0_when(tp: TcpSock): u32 {
  let when = tp.rto;
  for (let i: u32 = 0; i < tp.backoff && when < TCP_RTO_MAX; i++) when <<= 1;
  if (when < TCP_RTO_MIN) when = TCP_RTO_MIN;
  return when > TCP_RTO_MAX ? TCP_RTO_MAX : when;
}

/** tcp_check_probe_timer(): nothing in flight but data waits for window: arm persist. */
export function tcp_check_probe_timer(tp: TcpSock): void {
  if (tp.packets_out == 0 && tp.icsk_pending == 0 && tp.send_head != 0) {
    tcp_reset_xmit_timer(tp, ICSK_TIME_PROBE0, tcp_probe0_when(tp));
  }
}

// ───── the send loop ─────

/** Unsent bytes that have not yet left (tcp_notsent). */
export function tcp_notsent_bytes(tp: TcpSock): u32 { return tp.write_seq - tp.snd_nxt; }

/** tcp_notsent_lowat(): TCP_NOTSENT_LOWAT, or the sysctl when the socket has none (read live). */
export function tcp_notsent_lowat(tp: TcpSock): u32 { return tp.notsent_lowat != 0 ? tp.notsent_lowat : sysctl_tcp_notsent_lowat; }

/**
 * tcp_stream_memory_free(): the unsent part of the write queue is below the low-water mark;
 * `wake` (1 for poll and wake-ups) asks for it to be below half the mark, so a writer
 * woken has room for a useful write.
 */
export function tcp_stream_memory_free(tp: TcpSock, wake: u32): bool {
  return (<u64>tcp_notsent_bytes(tp) << wake) < <u64>tcp_notsent_lowat(tp);
}

/** tcp_snd_wnd_test(): the segment ends within the peer's window. */
// @ts-ignore: decorator
@inline function tcp_snd_wnd_test(tp: TcpSock, skb: SkBuff): bool {
  return !after(cb_end_seq(skb), tp.snd_una + tp.snd_wnd);
}

// How a short last segment is treated: Linux's nonagle argument (TCP_NAGLE_* bits).
/** Follow the socket's own settings (tp->nonagle: TCP_NODELAY, TCP_CORK, a pending push). */
export const TCP_NAGLE_NORMAL: u32 = 0;
/** TCP_NODELAY's bit in tp->nonagle. */
export const TCP_NAGLE_OFF: u32 = 1;
/** Hold it: MSG_MORE, or TCP_CORK. */
export const TCP_NAGLE_CORK: u32 = 2;
/** Send it now (setting TCP_NODELAY, uncorking with it). */
export const TCP_NAGLE_PUSH: u32 = 4;

/** tp->nonagle as Linux keeps it, from kstack's separate fields. */
function tcp_nonagle(tp: TcpSock): u32 {
  return (tp.nodelay != 0 ? TCP_NAGLE_OFF : 0) | (tp.cork != 0 ? TCP_NAGLE_CORK : 0) | (tp.nagle_push != 0 ? TCP_NAGLE_PUSH : 0);
}

/**
 * tcp_minshall_check(): Minshall's variant of Nagle — a short segment is held only while
 * an earlier short segment (the last one sent, snd_sml) is still unacknowledged.
 */
// @ts-ignore: decorator
@inline function tcp_minshall_check(tp: TcpSock): bool {
  return after(tp.snd_sml, tp.snd_una) && !after(tp.snd_sml, tp.snd_nxt);
}

/**
 * tcp_nagle_check(): true when a short (`partial`) segment must wait — corked (TCP_CORK,
 * MSG_MORE), or Nagle with no TCP_NODELAY while data is in flight and Minshall's check holds.
 */
// @ts-ignore: decorator
@inline function tcp_nagle_check(partial: bool, tp: TcpSock, nonagle: u32): bool {
  return partial && ((nonagle & TCP_NAGLE_CORK) != 0 || (nonagle == 0 && tp.packets_out != 0 && tcp_minshall_check(tp)));
}

/**
 * tcp_nagle_test(): may skb go now? A forced push and a FIN always go (no urgent mode
 * here). The caller passes TCP_NAGLE_PUSH for every segment but the last: segments in the
 * middle of the write queue can get no more data (tcp_write_xmit).
 */
function tcp_nagle_test(tp: TcpSock, skb: SkBuff, mss: u32, nonagle: u32): bool {
  if ((nonagle & TCP_NAGLE_PUSH) != 0) return true;
  if ((cb_flags(skb) & TCPHDR_FIN) != 0) return true;
  return !tcp_nagle_check(skb.len < mss, tp, nonagle);
}

/**
 * tcp_write_xmit(): sends what the congestion window, the peer's window and Nagle allow.
 * `nonagle` is a TCP_NAGLE_* mode for the last segment; `push_one` 2 sends one segment
 * whatever cwnd says (the loss probe's new data). Returns true when something is left unsent.
 */
export function tcp_write_xmit(sk: Sock, nonagle: u32, push_one: u32 = 0): bool {
  const tp = tcp_sk(sk);
  const mss = tp.mss_cache;
  if (nonagle == TCP_NAGLE_NORMAL) nonagle = tcp_nonagle(tp);
  let sent = false;
  let is_cwnd_limited = false;
  while (tp.send_head != 0) {
    const skb = changetype<SkBuff>(tp.send_head);
    // tcp_cwnd_test()
    if (tcp_packets_in_flight(tp) >= tp.snd_cwnd && push_one != 2) {
      is_cwnd_limited = true;
      break;
    }
    if (!tcp_snd_wnd_test(tp, skb)) break;
    if (!tcp_nagle_test(tp, skb, mss, skb.next != sk.sk_write_queue ? TCP_NAGLE_PUSH : nonagle)) break;
    const rc = tcp_transmit_skb(sk, skb, true);
    if (rc == -105 || rc == -ENOMEM) break;
    tcp_event_new_data_sent(sk, skb);
    // RFC 6937: PRR counts what leaves during a window reduction.
    if (tcp_in_cwnd_reduction(tp)) tp.prr_out++;
    sent = true;
    if (push_one != 0) break;
  }
  is_cwnd_limited = is_cwnd_limited || tcp_packets_in_flight(tp) >= tp.snd_cwnd;
  if (sent || is_cwnd_limited) tcp_cwnd_validate(sk, tp, is_cwnd_limited);
  // Send one loss probe per tail loss episode.
  if (sent && push_one != 2) tcp_schedule_loss_probe(sk, false);
  if (!sent && tp.send_head != 0) tcp_check_probe_timer(tp);
  return tp.send_head != 0;
}

/** tcp_packets_in_flight(): RFC 6675's pipe — sent, not acked, SACKed or lost, plus retransmitted. */
export function tcp_packets_in_flight(tp: TcpSock): u32 {
  return tp.packets_out - (tp.sacked_out + tp.lost_out) + tp.retrans_out;
}

/** tcp_in_cwnd_reduction(): CWR or Recovery, where PRR sets cwnd. */
export function tcp_in_cwnd_reduction(tp: TcpSock): bool {
  return tp.ca_state == 2 /* TCP_CA_CWR */ || tp.ca_state == 3 /* TCP_CA_Recovery */;
}

/** tcp_current_ssthresh(): ssthresh, or ¾ of cwnd if that is more (outside reductions). */
export function tcp_current_ssthresh(tp: TcpSock): u32 {
  if (tcp_in_cwnd_reduction(tp)) return tp.snd_ssthresh;
  const t = (tp.snd_cwnd >> 1) + (tp.snd_cwnd >> 2);
  return tp.snd_ssthresh > t ? tp.snd_ssthresh : t;
}

/**
 * tcp_cwnd_restart(): RFC 5681 §4.1 / RFC 2861 — after an idle period longer than the RTO
 * the window halves per RTO idle, down to the initial window.
 */
function tcp_cwnd_restart(tp: TcpSock, delta: i32): void {
  let restart_cwnd: u32 = TCP_INIT_CWND;
  let cwnd = tp.snd_cwnd;
  tcp_ca_event(tp, CA_EVENT_CWND_RESTART);
  tp.snd_ssthresh = tcp_current_ssthresh(tp);
  if (restart_cwnd > cwnd) restart_cwnd = cwnd;
  while ((delta -= <i32>tp.rto) > 0 && cwnd > restart_cwnd) cwnd >>= 1;
  tp.snd_cwnd = cwnd > restart_cwnd ? cwnd : restart_cwnd;
  tp.snd_cwnd_stamp = jiffies;
  tp.snd_cwnd_used = 0;
}

/** tcp_slow_start_after_idle_check(): net.ipv4.tcp_slow_start_after_idle (default 1). */
function tcp_slow_start_after_idle_check(sk: Sock, tp: TcpSock): void {
  if (tcp_slow_start_after_idle == 0 || tp.packets_out != 0 || tp.ca_ops == 0) return;
  if (sk.sk_state != <u32>TCP_ESTABLISHED && sk.sk_state != <u32>TCP_CLOSE_WAIT) return;
  const delta = <i32>(jiffies - tp.lsndtime);
  if (delta > <i32>tp.rto) tcp_cwnd_restart(tp, delta);
}

/**
 * tcp_cwnd_application_limited(): RFC 2861 — a window the application did not use shrinks
 * to halfway between what was used and what it was (Open state only).
 */
function tcp_cwnd_application_limited(tp: TcpSock): void {
  if (tp.ca_state == 0 /* TCP_CA_Open */) {
    const win_used = tp.snd_cwnd_used > TCP_INIT_CWND ? tp.snd_cwnd_used : TCP_INIT_CWND;
    if (win_used < tp.snd_cwnd) {
      tp.snd_ssthresh = tcp_current_ssthresh(tp);
      tp.snd_cwnd = (tp.snd_cwnd + win_used) >> 1;
    }
    tp.snd_cwnd_used = 0;
  }
  tp.snd_cwnd_stamp = jiffies;
}

/**
 * tcp_cwnd_validate() (RFC 7661 as Linux does it): remember whether this window was
 * cwnd-limited, and how much of it was used, so that cwnd only grows when it is used.
 */
function tcp_cwnd_validate(sk: Sock, tp: TcpSock, is_cwnd_limited: bool): void {
  if (!before(tp.snd_una, tp.cwnd_usage_seq) || is_cwnd_limited || (tp.is_cwnd_limited == 0 && tp.packets_out > tp.max_packets_out)) {
    tp.is_cwnd_limited = is_cwnd_limited ? 1 : 0;
    tp.max_packets_out = tp.packets_out;
    tp.cwnd_usage_seq = tp.snd_nxt;
  }
  if (tcp_is_cwnd_limited(tp)) {
    // Network is fed fully.
    tp.snd_cwnd_used = 0;
    tp.snd_cwnd_stamp = jiffies;
  } else {
    // Network starves.
    if (tp.packets_out > tp.snd_cwnd_used) tp.snd_cwnd_used = tp.packets_out;
    if (tcp_slow_start_after_idle != 0 && <i32>(jiffies - tp.snd_cwnd_stamp) >= <i32>tp.rto) tcp_cwnd_application_limited(tp);
  }
}

/** tcp_event_new_data_sent(): advance send_head and snd_nxt; start the RTO clock. */
export function tcp_event_new_data_sent(sk: Sock, skb: SkBuff): void {
  const tp = tcp_sk(sk);
  const prior_packets = tp.packets_out;
  tp.snd_nxt = cb_end_seq(skb);
  tp.send_head = skb.next == sk.sk_write_queue ? 0 : skb.next;
  tp.packets_out++;
  const len = skb.len;
  if (len > 0) {
    tp.bytes_sent += <f64>len;
    SNMP_INC_STATS(LINUX_MIB_TCPORIGDATASENT);
  }
  // tcp_minshall_update(): remember where the last short segment ends.
  if (len < tp.mss_cache) tp.snd_sml = cb_end_seq(skb);
  if (prior_packets == 0 || tp.icsk_pending == ICSK_TIME_PROBE0 || tp.icsk_pending == ICSK_TIME_LOSS_PROBE) tcp_rearm_rto(tp);
}

/** tcp_mark_push(): PSH on the segment that ends a write; pushed_seq remembers where. */
export function tcp_mark_push(tp: TcpSock, skb: SkBuff): void {
  cb_set_flags(skb, cb_flags(skb) | TCPHDR_PSH);
  tp.pushed_seq = tp.write_seq;
}

/** forced_push(): more than half the peer's largest window was written since the last PSH. */
export function forced_push(tp: TcpSock): bool {
  return after(tp.write_seq, tp.pushed_seq + (tp.max_window >> 1));
}

/**
 * tcp_push(): called at the end of sendmsg. The last segment gets PSH unless MSG_MORE
 * (`nonagle` TCP_NAGLE_CORK) says more is coming, and is sent if Nagle/cork allow.
 */
export function tcp_push(sk: Sock, nonagle: u32): void {
  const tp = tcp_sk(sk);
  if (tp.send_head == 0) return;
  if (nonagle != TCP_NAGLE_CORK || forced_push(tp)) {
    const tail = skb_peek_tail(sk.sk_write_queue);
    if (tail !== null) tcp_mark_push(tp, tail);
  }
  tcp_write_xmit(sk, nonagle);
}

/** tcp_push_pending_frames(): send what the socket's Nagle/cork state allows, no PSH marking. */
export function tcp_push_pending_frames(sk: Sock): void {
  if (tcp_sk(sk).send_head != 0) tcp_write_xmit(sk, TCP_NAGLE_NORMAL);
}

// ───── control segments ─────

/** Builds a segment with no data (not queued: ACK, RST, probes). */
function tcp_send_ctl(sk: Sock, seq: u32, flags: u32): i32 {
  const skb = tcp_alloc_skb(0);
  if (skb === null) return -105;
  cb_set_seq(skb, seq);
  cb_set_end_seq(skb, seq);
  cb_set_flags(skb, flags);
  cb_set_sacked(skb, 0);
  return tcp_transmit_skb(sk, skb, false);
}

/**
 * tcp_send_ack(): an immediate ACK of rcv_nxt with the current window. With no skb for
 * it, __tcp_send_ack() (Linux 6.x) keeps the ACK owed: scheduled, ato back to
 * TCP_ATO_MIN, and the delayed-ACK timer armed at TCP_DELACK_MAX << icsk_ack.retry, the
 * retry count growing while that stays below TCP_RTO_MAX.
 */
export function tcp_send_ack(sk: Sock): void {
  const tp = tcp_sk(sk);
  const skb = tcp_alloc_skb(0);
  if (skb === null) {
    const delay = TCP_DELACK_MAX << tp.ack_retry;
    if (delay < TCP_RTO_MAX) tp.ack_retry++;
    tp.ack_pending |= ICSK_ACK_SCHED | ICSK_ACK_TIMER;
    tp.ack_ato = TCP_ATO_MIN;
    tp.ack_timeout = jiffies + (delay < TCP_RTO_MAX ? delay : TCP_RTO_MAX);
    mod_timer(delack_timer(tp), tp.ack_timeout);
    return;
  }
  cb_set_seq(skb, tp.snd_nxt);
  cb_set_end_seq(skb, tp.snd_nxt);
  cb_set_flags(skb, TCPHDR_ACK);
  cb_set_sacked(skb, 0);
  tcp_transmit_skb(sk, skb, false);
}

/**
 * tcp_send_delayed_ack(): arm the delayed ACK at ato from now. Past TCP_DELACK_MIN, ato is
 * bounded by 500 ms (HZ/2), by TCP_DELACK_MAX when interactive or a push is owed, and by
 * the smoothed RTT (never below TCP_DELACK_MIN); always by icsk_delack_max (200 ms). An
 * armed timer is never pushed later, and one about to fire (within ato/4) is replaced by
 * an ACK now.
 */
export function tcp_send_delayed_ack(sk: Sock): void {
  const tp = tcp_sk(sk);
  let ato = tp.ack_ato;
  if (ato > TCP_DELACK_MIN) {
    let max_ato: u32 = 500;
    if (inet_csk_in_pingpong_mode(tp) || (tp.ack_pending & ICSK_ACK_PUSHED) != 0) max_ato = TCP_DELACK_MAX;
    if (tp.srtt_us != 0) {
      // usecs_to_jiffies() rounds up.
      let rtt = ((tp.srtt_us >> 3) + 999) / 1000;
      if (rtt < TCP_DELACK_MIN) rtt = TCP_DELACK_MIN;
      if (rtt < max_ato) max_ato = rtt;
    }
    if (ato > max_ato) ato = max_ato;
  }
  if (ato > TCP_DELACK_MAX) ato = TCP_DELACK_MAX;
  let timeout = jiffies + ato;
  if ((tp.ack_pending & ICSK_ACK_TIMER) != 0) {
    if (time_after_eq(jiffies + (ato >> 2), tp.ack_timeout)) {
      tcp_send_ack(sk);
      return;
    }
    if (time_after_eq(timeout, tp.ack_timeout)) timeout = tp.ack_timeout;
  }
  tp.ack_pending |= ICSK_ACK_SCHED | ICSK_ACK_TIMER;
  tp.ack_timeout = timeout;
  mod_timer(delack_timer(tp), timeout);
}

/**
 * tcp_send_active_reset(): RST|ACK at snd_nxt (close with unread data, SO_LINGER 0). One
 * that cannot be built or sent is counted (OutRsts, then TCPAbortFailed) and never
 * retried; the caller closes the socket all the same, and the peer learns of it from the
 * RST its next segment draws.
 */
export function tcp_send_active_reset(sk: Sock): void {
  const tp = tcp_sk(sk);
  SNMP_INC_STATS(TCP_MIB_OUTRSTS);
  if (tcp_send_ctl(sk, tp.snd_nxt, TCPHDR_RST | TCPHDR_ACK) != 0) SNMP_INC_STATS(LINUX_MIB_TCPABORTFAILED);
}

/**
 * tcp_send_fin(): the FIN rides on the last unsent segment if there is one (so close()
 * after send() sends data then FIN), else goes as its own segment. A FIN must never be
 * lost to an empty pool:
 * - with data in flight, it rides on the last segment sent, as Linux's does under memory
 *   pressure ("the FIN packet will be sent after a timeout, as TCP stack thinks it has
 *   already been transmitted": snd_nxt moves past it and the RTO or loss probe sends it);
 * - with nothing in flight it is owed (TCP_FIN_OWED) and the retransmit timer tries again
 *   every TCP_RESOURCE_PROBE_INTERVAL. kstack: Linux allocates this skb with
 *   sk->sk_allocation (GFP_KERNEL), which sleeps until memory is reclaimed; the timer is
 *   that sleep without holding the caller.
 */
export function tcp_send_fin(sk: Sock): void {
  const tp = tcp_sk(sk);
  const tail = skb_peek_tail(sk.sk_write_queue);
  if (tail !== null && tp.send_head != 0 && (cb_flags(tail) & (TCPHDR_SYN | TCPHDR_FIN)) == 0) {
    tp.fin_queued = TCP_FIN_QUEUED;
    cb_set_flags(tail, cb_flags(tail) | TCPHDR_FIN);
    cb_set_end_seq(tail, cb_end_seq(tail) + 1);
    tp.write_seq++;
  } else {
    const skb = tcp_alloc_skb(0);
    if (skb === null) {
      if (tail !== null && tp.send_head == 0 && (cb_flags(tail) & (TCPHDR_SYN | TCPHDR_FIN)) == 0) {
        tp.fin_queued = TCP_FIN_QUEUED;
        cb_set_flags(tail, cb_flags(tail) | TCPHDR_FIN);
        cb_set_end_seq(tail, cb_end_seq(tail) + 1);
        tp.write_seq++;
        tp.snd_nxt++;
        return;
      }
      tp.fin_queued = TCP_FIN_OWED;
      // An RTO already armed (a SYN-ACK in flight) keeps its time; tcp_write_timer retries
      // the FIN when it fires.
      if (tp.packets_out == 0) tcp_reset_xmit_timer(tp, ICSK_TIME_RETRANS, TCP_RESOURCE_PROBE_INTERVAL);
      return;
    }
    tp.fin_queued = TCP_FIN_QUEUED;
    cb_set_seq(skb, tp.write_seq);
    cb_set_end_seq(skb, tp.write_seq + 1);
    cb_set_flags(skb, TCPHDR_FIN | TCPHDR_ACK);
    tcp_queue_skb(sk, skb);
  }
  tcp_write_xmit(sk, TCP_NAGLE_NORMAL);
}

/** tcp_connect(): queues and sends the SYN (retransmitted by the RTO timer). */
export function tcp_connect(sk: Sock): i32 {
  const tp = tcp_sk(sk);
  const skb = tcp_alloc_skb(0);
  if (skb === null) return -105;
  cb_set_seq(skb, tp.write_seq);
  cb_set_end_seq(skb, tp.write_seq + 1);
  cb_set_flags(skb, TCPHDR_SYN);
  tp.snd_una = tp.write_seq;
  tp.snd_nxt = tp.write_seq;
  tp.pushed_seq = tp.write_seq; // tcp_connect_init / tcp_create_openreq_child
  tp.retrans_stamp = jiffies;
  tcp_queue_skb(sk, skb);
  // The SYN goes regardless of windows (there are none yet): tcp_connect() transmits it
  // directly.
  tcp_transmit_skb(sk, skb, true);
  tcp_event_new_data_sent(sk, skb);
  return 0;
}

/**
 * tcp_retransmit_skb(): sends a segment of the retransmit queue again. When no copy of it
 * can be made, __tcp_retransmit_skb counts TCPRetransFail and the segment is not marked
 * retransmitted; retrans_stamp and undo_retrans move all the same (the attempt counts).
 */
export function tcp_retransmit_skb(sk: Sock, skb: SkBuff): i32 {
  const tp = tcp_sk(sk);
  const rc = tcp_transmit_skb(sk, skb, true);
  if (rc == -ENOMEM) {
    SNMP_INC_STATS(LINUX_MIB_TCPRETRANSFAIL);
    if (tp.retrans_stamp == 0) tp.retrans_stamp = jiffies;
    if (tp.undo_retrans < 0) tp.undo_retrans = 0;
    tp.undo_retrans++;
    return rc;
  }
  if (rc == 0 || rc == -105) {
    // The scoreboard: this copy is in flight (retrans_out) until acked or lost again.
    const sacked = cb_sacked(skb);
    if ((sacked & TCPCB_SACKED_RETRANS) == 0) tp.retrans_out++;
    cb_set_sacked(skb, sacked | TCPCB_SACKED_RETRANS | TCPCB_EVER_RETRANS);
    if (tp.undo_retrans < 0) tp.undo_retrans = 0;
    tp.undo_retrans++;
    cb_set_retrans(skb, cb_retrans(skb) + 1);
    tp.total_retrans++;
    tp.bytes_retrans += <f64>skb.len;
    SNMP_INC_STATS(TCP_MIB_RETRANSSEGS);
    if (tp.retrans_stamp == 0) tp.retrans_stamp = jiffies;
  }
  return rc;
}

/**
 * tcp_send_probe0() via tcp_write_wakeup(): when the window is closed, a segment with an
 * old sequence number (snd_una - 1) and no data makes the peer answer with its window
 * (tcp_xmit_probe_skb). If the window opened meanwhile, real data goes instead.
 */
export function tcp_write_wakeup(sk: Sock): void {
  const tp = tcp_sk(sk);
  if (tp.send_head != 0) {
    let skb = changetype<SkBuff>(tp.send_head);
    const wnd_end = tp.snd_una + tp.snd_wnd;
    if (before(cb_seq(skb), wnd_end)) {
      // The window is open but smaller than the segment (the sender's SWS avoidance held
      // it back): send what fits, with PSH (tcp_write_wakeup + tcp_fragment).
      let seg = wnd_end - cb_seq(skb);
      if (seg > tp.mss_cache) seg = tp.mss_cache;
      // No skb for the rest: nothing goes (tcp_write_wakeup returns -1); the persist
      // timer tries again, never sending beyond the peer's window.
      if (seg < skb.len && !tcp_fragment(sk, skb, seg)) return;
      cb_set_flags(skb, cb_flags(skb) | TCPHDR_PSH);
      if (tcp_transmit_skb(sk, skb, true) == 0) tcp_event_new_data_sent(sk, skb);
      return;
    }
  }
  SNMP_INC_STATS(LINUX_MIB_TCPWINPROBE);
  tcp_send_ctl(sk, tp.snd_una - 1, TCPHDR_ACK);
}

/**
 * tcp_fragment(): splits an unsent skb after `len` data bytes; the rest becomes a new skb
 * right behind it in the write queue (each charged its own truesize).
 */
export function tcp_fragment(sk: Sock, skb: SkBuff, len: u32): bool {
  if (len >= skb.len) return true;
  const rest = skb.len - len;
  const n = tcp_alloc_skb(rest);
  if (n === null) return false;
  memory.copy(skb_put(n, rest), skb.data + len, rest);
  const flags = cb_flags(skb);
  cb_set_seq(n, cb_seq(skb) + len);
  cb_set_end_seq(n, cb_end_seq(skb));
  cb_set_flags(n, flags);
  cb_set_sacked(n, 0);
  // The FIN (and PSH) belong to the tail part.
  cb_set_flags(skb, flags & ~(TCPHDR_FIN | TCPHDR_PSH));
  cb_set_end_seq(skb, cb_seq(skb) + len);
  skb.len = len;
  skb.tail = skb.data + len;
  skb.truesize -= rest;
  n.truesize = tcp_skb_truesize(rest);
  sk.sk_wmem_queued += <i32>(n.truesize - rest);
  skb_queue_after(sk.sk_write_queue, changetype<usize>(skb), n);
  return true;
}

/**
 * tcp_mark_skb_lost(): the scoreboard counts skb lost; a retransmission of it that was in
 * flight is lost too (TCPLostRetransmit).
 */
export function tcp_mark_skb_lost(tp: TcpSock, skb: SkBuff): void {
  const sacked = cb_sacked(skb);
  if ((sacked & TCPCB_SACKED_ACKED) != 0) return;
  if ((sacked & TCPCB_LOST) != 0) {
    if ((sacked & TCPCB_SACKED_RETRANS) != 0) {
      cb_set_sacked(skb, sacked & ~TCPCB_SACKED_RETRANS);
      if (tp.retrans_out > 0) tp.retrans_out--;
      SNMP_INC_STATS(LINUX_MIB_TCPLOSTRETRANSMIT);
      tp.lost++;
    }
  } else {
    tp.lost_out++;
    cb_set_sacked(skb, sacked | TCPCB_LOST);
    tp.lost++;
  }
}

/**
 * tcp_xmit_retransmit_queue(): retransmits the segments marked lost and not yet
 * retransmitted, oldest first, as far as cwnd allows (RFC 6675 NextSeg rule 1; after an
 * RTO, go-back-N in slow start). TCPFastRetrans in recovery, TCPSlowStartRetrans in Loss.
 */
export function tcp_xmit_retransmit_queue(sk: Sock): void {
  const tp = tcp_sk(sk);
  if (tp.packets_out == 0) return;
  let rearm = false;
  const head = tcp_rtx_head(sk);
  let skb = head;
  while (skb !== null) {
    if (<i32>tp.snd_cwnd - <i32>tcp_packets_in_flight(tp) <= 0) break;
    if (tp.retrans_out >= tp.lost_out) break;
    const sacked = cb_sacked(skb);
    const next = tcp_rtx_next(sk, skb);
    if ((sacked & TCPCB_LOST) != 0 && (sacked & (TCPCB_SACKED_ACKED | TCPCB_SACKED_RETRANS)) == 0) {
      if (tcp_retransmit_skb(sk, skb) != 0) break;
      SNMP_INC_STATS(tp.ca_state != 4 /* TCP_CA_Loss */ ? LINUX_MIB_TCPFASTRETRANS : LINUX_MIB_TCPSLOWSTARTRETRANS);
      if (tcp_in_cwnd_reduction(tp)) tp.prr_out++;
      if (skb === head) rearm = true;
    }
    skb = next;
  }
  if (rearm) tcp_reset_xmit_timer(tp, ICSK_TIME_RETRANS, tp.rto);
}

/** The segment after skb in the retransmit queue (sent, not yet acked), or null. */
export function tcp_rtx_next(sk: Sock, skb: SkBuff): SkBuff | null {
  const n = skb.next;
  if (n == tcp_sk(sk).send_head || n == changetype<usize>(sk.sk_write_queue)) return null;
  return changetype<SkBuff>(n);
}

/** The first segment of the retransmit queue (sent, not yet acked), or null. */
export function tcp_rtx_head(sk: Sock): SkBuff | null {
  const tp = tcp_sk(sk);
  const skb = skb_peek(sk.sk_write_queue);
  if (skb === null || changetype<usize>(skb) == tp.send_head) return null;
  return skb;
}
