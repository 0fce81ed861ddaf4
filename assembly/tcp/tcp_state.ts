// TCP state changes and the end of a connection. tcp_set_state() is the only writer of
// sk_state for TCP sockets (DESIGN.md): it keeps CurrEstab/EstabResets, the hash tables
// and the socket's reference for the protocol in step. Linux: net/ipv4/tcp.c
// (tcp_set_state, tcp_done), tcp_minisocks.c (tcp_time_wait).
import { SNMP_INC_STATS, SNMP_DEC_STATS, TCP_MIB_CURRESTAB, TCP_MIB_ESTABRESETS, TCP_MIB_ATTEMPTFAILS, LINUX_MIB_TCPTIMEWAITOVERFLOW } from "../kernel/mib";
import { jiffies } from "../kernel/clock";
import { skb_queue_purge } from "../core/skb_queue";
import { mod_timer, del_timer, timer_pending } from "../kernel/timer";
import { Sock, sock_hold, sock_put, sk_state_change, SOCK_DEAD, RCV_SHUTDOWN, SEND_SHUTDOWN, SOCK_BINDPORT_LOCK } from "../core/sock";
import { TCP_ESTABLISHED, TCP_CLOSE, TCP_CLOSE_WAIT, TCP_SYN_SENT, TCP_SYN_RECV, TCP_TIME_WAIT, TCP_LISTEN } from "../abi/tcp_states";
import { TcpSock, tcp_sk, retransmit_timer, delack_timer, keepalive_timer, TCP_TIMEWAIT_LEN } from "./tcp_sock";
import { inet_ehash_remove, inet_lhash_remove, inet_put_port } from "./inet_hashtables";
import { tcp_max_tw_buckets } from "./tcp_sysctl";
import { inet_twsk_hashdance, tcp_tw_count, tcp_tw_count_add, tcp_minisocks_register_put } from "./tcp_timewait";

@external("env", "host_tcp_state")
declare function host_trace_state(sk: usize, old: u32, state: u32): void;

/** Traces are off unless the host asks (a test hook). */
let trace_states: u32 = 0;
export function tcp_trace_states(on: u32): void { trace_states = on; }

/** The socket is in the established hash (any state but CLOSE and LISTEN). */
// @ts-ignore: decorator
@inline function in_ehash(state: u32): bool { return state != <u32>TCP_CLOSE && state != <u32>TCP_LISTEN; }

export function tcp_set_state(sk: Sock, state: u32): void {
  const old = sk.sk_state;
  if (old == state) return;
  if (trace_states != 0) host_trace_state(changetype<usize>(sk), old, state);
  if (state == <u32>TCP_ESTABLISHED) {
    SNMP_INC_STATS(TCP_MIB_CURRESTAB);
  } else if (state == <u32>TCP_CLOSE_WAIT) {
    if (old == <u32>TCP_SYN_RECV) SNMP_INC_STATS(TCP_MIB_CURRESTAB);
  }
  if (state == <u32>TCP_CLOSE) {
    if (old == <u32>TCP_CLOSE_WAIT || old == <u32>TCP_ESTABLISHED) SNMP_INC_STATS(TCP_MIB_ESTABRESETS);
    if (old == <u32>TCP_LISTEN) inet_lhash_remove(sk);
    else if (in_ehash(old)) inet_ehash_remove(sk);
    if ((sk.sk_userlocks & SOCK_BINDPORT_LOCK) == 0) inet_put_port(sk);
    tcp_tw_bucket_put(sk);
  }
  if ((old == <u32>TCP_ESTABLISHED || old == <u32>TCP_CLOSE_WAIT) && state != <u32>TCP_ESTABLISHED) {
    if (!(old == <u32>TCP_ESTABLISHED && state == <u32>TCP_CLOSE_WAIT)) SNMP_DEC_STATS(TCP_MIB_CURRESTAB);
  }
  sk.sk_state = state;
  // The protocol holds the socket while it is alive (not CLOSE), even after close().
  if (old == <u32>TCP_CLOSE) sock_hold(sk);
  else if (state == <u32>TCP_CLOSE) sock_put_later(sk);
}

// A socket leaving the protocol is released once the current event is done with it:
// the caller (a segment, a timer, a syscall) may still be using it.
let put_list: usize = 0;
function sock_put_later(sk: Sock): void {
  store<usize>(changetype<usize>(sk) + offsetof<Sock>("pool_next"), put_list);
  put_list = changetype<usize>(sk);
}
/** Drops the deferred references (called at the end of every kernel entry point). */
export function tcp_flush_puts(): void {
  while (put_list != 0) {
    const sk = changetype<Sock>(put_list);
    put_list = sk.pool_next;
    sk.pool_next = 0;
    sock_put(sk);
  }
}

export function tcp_clear_xmit_timers(tp: TcpSock): void {
  tp.icsk_pending = 0;
  if (timer_pending(retransmit_timer(tp))) del_timer(retransmit_timer(tp));
  tp.ack_pending = 0;
  if (timer_pending(delack_timer(tp))) del_timer(delack_timer(tp));
}

/** tcp_done(): the connection is over (RST, timeout, last ACK, TIME_WAIT expiry). */
export function tcp_done(sk: Sock): void {
  const tp = tcp_sk(sk);
  if (sk.sk_state == <u32>TCP_SYN_SENT || sk.sk_state == <u32>TCP_SYN_RECV) SNMP_INC_STATS(TCP_MIB_ATTEMPTFAILS);
  tcp_set_state(sk, TCP_CLOSE);
  tcp_clear_xmit_timers(tp);
  if (timer_pending(keepalive_timer(tp))) del_timer(keepalive_timer(tp));
  sk.sk_shutdown = RCV_SHUTDOWN | SEND_SHUTDOWN;
  if ((sk.sk_flags & SOCK_DEAD) == 0) sk_state_change(sk);
}

function tcp_tw_bucket_put(sk: Sock): void {
  const tp = tcp_sk(sk);
  if (changetype<usize>(tp) == 0 || tp.tw_bucket == 0) return;
  tp.tw_bucket = 0;
  tcp_tw_count_add(-1);
}

function sock_put_later_cb(skp: usize): void { sock_put_later(changetype<Sock>(skp)); }
export function tcp_state_init(): void { tcp_minisocks_register_put(sock_put_later_cb.index); }

/**
 * tcp_time_wait(): the connection enters TIME_WAIT (60 s, TCP_TIMEWAIT_LEN, whatever
 * `timeo` says), or an orphan waits in FIN_WAIT2 for `timeo` ms (at least one RTO). Both
 * move to a timewait mini-sock (tcp_minisocks.ts) and the sock itself is done
 * (tcp_done): a file still open on it sees CLOSE, as in Linux. Past tcp_max_tw_buckets
 * (inet_twsk_alloc fails) the socket is closed at once, without a RST, and
 * TCPTimeWaitOverflow counts it. kstack: a FIN_WAIT2 wait longer than TCP_TIMEWAIT_LEN
 * (tcp_fin_timeout > 60) keeps the full sock on its keepalive timer, counted alike (Linux
 * waits the excess on the full sock and then moves to a timewait sock).
 */
export function tcp_time_wait(sk: Sock, state: u32, timeo: u32): void {
  const tp = tcp_sk(sk);
  tcp_clear_xmit_timers(tp);
  if (tp.tw_bucket == 0) {
    if (tcp_tw_count >= tcp_max_tw_buckets) {
      SNMP_INC_STATS(LINUX_MIB_TCPTIMEWAITOVERFLOW);
      tcp_done(sk);
      return;
    }
  } else {
    tcp_tw_bucket_put(sk); // the count passes to the timewait sock
  }
  if (timeo < tp.rto) timeo = tp.rto;
  if (state == <u32>TCP_TIME_WAIT || timeo <= TCP_TIMEWAIT_LEN) {
    if (state == <u32>TCP_TIME_WAIT) timeo = TCP_TIMEWAIT_LEN;
    if (trace_states != 0) host_trace_state(changetype<usize>(sk), sk.sk_state, state);
    inet_twsk_hashdance(sk, tp, state, timeo);
    tcp_done(sk);
    return;
  }
  tcp_tw_count_add(1);
  // The orphan's queues can never be read; Linux's timewait sock has none.
  if ((sk.sk_flags & SOCK_DEAD) != 0) skb_queue_purge(sk.sk_receive_queue);
  tp.tw_bucket = 1;
  mod_timer(keepalive_timer(tp), jiffies + timeo);
}
