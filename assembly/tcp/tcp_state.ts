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

/** Timewait sockets alive (Linux: tcp_death_row.tw_refcount - 1). */
export let tcp_tw_count: u32 = 0;

function tcp_tw_bucket_put(sk: Sock): void {
  const tp = tcp_sk(sk);
  if (changetype<usize>(tp) == 0 || tp.tw_bucket == 0) return;
  tp.tw_bucket = 0;
  tcp_tw_count--;
}

/**
 * tcp_time_wait(): enter TIME_WAIT (or stay in FIN_WAIT2 as an orphan) for `timeo` ms.
 * Linux allocates an inet_timewait_sock for both and refuses one past
 * tcp_max_tw_buckets (inet_twsk_alloc): the socket is then closed at once, without a
 * RST, and TCPTimeWaitOverflow counts it. kstack keeps the full socket rather than a
 * smaller inet_timewait_sock; the rules it answers by are tcp_timewait_state_process's.
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
    tcp_tw_count++;
  }
  if (state == <u32>TCP_TIME_WAIT) {
    tcp_set_state(sk, TCP_TIME_WAIT);
    tp.tw_entry_stamp = jiffies;
  }
  // Linux hands an orphan over to a timewait mini-sock that has no queues (ss shows
  // Recv-Q 0, skmem r0); kstack keeps the full sock, so it lets go of what no reader
  // will ever take (the FIN, late data).
  if ((sk.sk_flags & SOCK_DEAD) != 0) skb_queue_purge(sk.sk_receive_queue);
  // tcp_time_wait: TIME_WAIT always lasts TCP_TIMEWAIT_LEN; inet_twsk_schedule marks a
  // timewait sock of at most 4 s as tw_kill (counted TWKilled, not TW, when it ends).
  const tmo = state == <u32>TCP_TIME_WAIT ? TCP_TIMEWAIT_LEN : timeo;
  tp.tw_bucket = tmo <= 4000 ? 2 : 1;
  mod_timer(keepalive_timer(tp), jiffies + tmo);
}
