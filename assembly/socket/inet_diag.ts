// What `ss -tanmi` shows about a socket: Linux's inet_diag (net/ipv4/inet_diag.c,
// tcp_diag.c) as a flat record the host formats.
//
// Record (u32 each unless noted), written at `out`:
//   0 state │ 4 saddr │ 8 sport │ 12 daddr │ 16 dport │ 20 recv_q │ 24 send_q
//  28 timer (0 none, 1 on, 2 keepalive, 3 timewait, 4 persist) │ 32 timer expires (ms, f64 at 32)
//  40 retransmits │ 44 protocol │ 48 rmem_alloc │ 52 rcvbuf │ 56 wmem_alloc │ 60 sndbuf
//  64 wmem_queued │ 68 type │ 72 drops │ 76 backlog (listeners) │ 80 probes
//  128.. struct tcp_info (SIZEOF_TCP_INFO, 280 bytes) for TCP sockets
import { jiffies } from "../kernel/clock";
import { timer_pending, TimerList } from "../kernel/timer";
import { Sock, SOCK_DEAD } from "../core/sock";
import { IPPROTO_TCP } from "../abi/in";
import { TCP_LISTEN, TCP_TIME_WAIT, TCP_FIN_WAIT2, TCP_SYN_SENT, TCP_SYN_RECV } from "../abi/tcp_states";
import { sk_is_tw, inet_twsk_diag_fill } from "../tcp/tcp_timewait";
import { tcp_sk, retransmit_timer, keepalive_timer, ICSK_TIME_RETRANS, ICSK_TIME_PROBE0 } from "../tcp/tcp_sock";
import { RequestSock, rsk_timer } from "../tcp/request_sock";

let info_fn: u32 = 0;
/** TCP registers tcp_get_info for the record's tail. */
export function inet_diag_register_info(fn: u32): void { info_fn = fn; }

function timer_left(t: TimerList): f64 {
  return <f64>(<i32>(t.expires - jiffies));
}

export function inet_diag_fill(skp: usize, out: usize): void {
  const sk = changetype<Sock>(skp);
  memory.fill(out, 0, 128);
  store<u32>(out, sk.sk_state);
  store<u32>(out, sk.inet_rcv_saddr != 0 ? sk.inet_rcv_saddr : sk.inet_saddr, 4);
  store<u32>(out, sk.inet_sport, 8);
  store<u32>(out, sk.inet_daddr, 12);
  store<u32>(out, sk.inet_dport, 16);
  store<u32>(out, sk.sk_protocol, 44);
  store<u32>(out, <u32>sk.sk_rmem_alloc, 48);
  store<u32>(out, <u32>sk.sk_rcvbuf, 52);
  store<u32>(out, <u32>sk.sk_wmem_alloc, 56);
  store<u32>(out, <u32>sk.sk_sndbuf, 60);
  store<u32>(out, <u32>sk.sk_wmem_queued, 64);
  store<u32>(out, sk.sk_type, 68);
  store<u32>(out, sk.sk_drops, 72);
  if (sk.sk_protocol == <u32>IPPROTO_TCP && sk_is_tw(sk)) {
    inet_twsk_diag_fill(sk, out);
    return;
  }
  if (sk.sk_protocol != <u32>IPPROTO_TCP || sk.sk_private == 0) {
    store<u32>(out, <u32>sk.sk_rmem_alloc, 20);
    store<u32>(out, <u32>sk.sk_wmem_alloc, 24);
    return;
  }
  const tp = tcp_sk(sk);
  if (sk.sk_state == <u32>TCP_LISTEN) {
    // For a listener, Recv-Q is the accept queue and Send-Q the backlog (tcp_diag).
    store<u32>(out, tp.accept_qlen, 20);
    store<u32>(out, tp.max_ack_backlog, 24);
  } else if (sk.sk_state == <u32>TCP_TIME_WAIT || (sk.sk_state == <u32>TCP_FIN_WAIT2 && (sk.sk_flags & SOCK_DEAD) != 0)) {
    // Linux holds these in a timewait mini-sock, which inet_diag reports with empty
    // queues (inet_twsk_diag_fill: idiag_rqueue = idiag_wqueue = 0).
    store<u32>(out, 0, 20);
    store<u32>(out, 0, 24);
  } else {
    // tcp_diag_get_info: rcv_nxt - copied_seq, so an unread FIN counts (CLOSE-WAIT 1).
    const rq = <i32>(tp.rcv_nxt - tp.copied_seq);
    store<u32>(out, rq < 0 ? 0 : <u32>rq, 20);
    const st = sk.sk_state;
    store<u32>(out, st == <u32>TCP_SYN_SENT || st == <u32>TCP_SYN_RECV ? 0 : tp.write_seq - tp.snd_una, 24);
  }
  // The timer column (inet_diag's idiag_timer): 1 retransmit, 4 persist, 2 keepalive,
  // 3 TIME_WAIT (and an orphan's FIN_WAIT2, which Linux holds in a timewait sock).
  if (timer_pending(retransmit_timer(tp))) {
    store<u32>(out, tp.icsk_pending == ICSK_TIME_PROBE0 ? 4 : 1, 28);
    store<f64>(out, timer_left(retransmit_timer(tp)), 32);
    store<u32>(out, tp.icsk_pending == ICSK_TIME_PROBE0 ? tp.probes_out : tp.retransmits, 40);
  } else if (timer_pending(keepalive_timer(tp))) {
    const tw = sk.sk_state == <u32>TCP_TIME_WAIT || sk.sk_state == <u32>TCP_FIN_WAIT2;
    store<u32>(out, tw ? 3 : 2, 28);
    store<f64>(out, timer_left(keepalive_timer(tp)), 32);
    store<u32>(out, tp.probes_out, 40);
  }
  store<u32>(out, tp.probes_out, 80);
  if (info_fn != 0) call_indirect<i32>(info_fn, skp, out + 128);
  void ICSK_TIME_RETRANS;
}

/**
 * inet_req_diag_fill(): a request sock shows as SYN-RECV with its SYN-ACK timer and
 * retransmit count, empty queues, no owner and no tcp_info (84: 1 marks "no info").
 */
export function inet_req_diag_fill(reqp: usize, out: usize): void {
  const req = changetype<RequestSock>(reqp);
  memory.fill(out, 0, 128);
  store<u32>(out, TCP_SYN_RECV);
  store<u32>(out, req.ir_loc_addr, 4);
  store<u32>(out, req.ir_num, 8);
  store<u32>(out, req.ir_rmt_addr, 12);
  store<u32>(out, req.ir_rmt_port, 16);
  store<u32>(out, 1, 28);
  store<f64>(out, timer_left(rsk_timer(req)), 32);
  store<u32>(out, req.num_retrans, 40);
  store<u32>(out, IPPROTO_TCP, 44);
  store<u32>(out, 1, 68); // SOCK_STREAM
  store<u32>(out, 1, 84);
}
