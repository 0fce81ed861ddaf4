// The TIME_WAIT mini-sock (the TIME_WAIT half of Linux's tcp_minisocks.c; SYN_RECV's
// request socks are in tcp_minisocks.ts). Linux: net/ipv4/inet_timewait_sock.c (inet_twsk_alloc,
// inet_twsk_hashdance_schedule, inet_twsk_kill, tw_timer_handler), tcp_minisocks.c
// (tcp_time_wait, tcp_timewait_state_process).
//
// When a connection enters TIME_WAIT its struct sock and tcp_sock are done with
// (tcp_done); what must outlive them for 60 s is the 4-tuple and a few numbers. A
// timewait sock is a struct sock (sock_common's role: ehash, bhash and ss see it as any
// other sock, with sk_state TIME_WAIT) whose sk_prot is tcp_tw_prot and whose
// sk_private is a tcp_timewait_sock; no tcp_sock, no queues in use, no file:
//   0 tw_rcv_nxt │ 4 tw_snd_nxt │ 8 tw_rcv_wnd │ 12 tw_ts_recent │ 16 tw_ts_recent_stamp
//  20 tw_ts_offset │ 24 tw_entry_stamp │ 28 tw_last_oow_ack_time │ 32 tw_rcv_wscale
//  36 tw_tstamp_ok │ 40 tw_kill │ 44 tw_substate │ 48 sk │ 52 tw_timer (24)   (a kmem_cache object)
// An orphan in FIN_WAIT2 lives in one too (tw_substate FIN_WAIT2; ss shows the substate)
// unless its timeout is longer than TCP_TIMEWAIT_LEN.
import { SIZEOF_TCP_INFO } from "../abi/tcp_info";
import { jiffies } from "../kernel/clock";
import { mod_timer, del_timer, timer_pending, timer_setup, TimerList, SIZEOF_TIMER_LIST } from "../kernel/timer";
import { SNMP_INC_STATS, LINUX_MIB_TW, LINUX_MIB_TWKILLED } from "../kernel/mib";
import { Sock, Proto, sk_alloc, sock_put, SOCK_DEAD } from "../core/sock";
import { TCP_TIME_WAIT } from "../abi/tcp_states";
import { TcpSock, TCP_TIMEWAIT_LEN } from "./tcp_sock";
import { inet_ehash_insert, inet_ehash_remove, inet_bhash_add, inet_put_port } from "./inet_hashtables";
import { kmem_cache_zalloc, kmem_cache_free, SIZEOF_KMEM_CACHE } from "../lib/slab";

@final @unmanaged export class TcpTimewaitSock {
  tw_rcv_nxt: u32;
  tw_snd_nxt: u32;
  tw_rcv_wnd: u32;
  tw_ts_recent: u32;
  tw_ts_recent_stamp: u32;
  tw_ts_offset: u32;
  tw_entry_stamp: u32;
  tw_last_oow_ack_time: u32;
  tw_rcv_wscale: u32;
  tw_tstamp_ok: u32;
  /** inet_twsk_schedule: a timewait of at most 4 s ends as TWKilled rather than TW. */
  tw_kill: u32;
  /** TIME_WAIT, or FIN_WAIT2 for an orphan still waiting for the peer's FIN. */
  tw_substate: u32;
  sk: usize;
}
// @ts-ignore: decorator
@inline const SIZEOF_TW: usize = offsetof<TcpTimewaitSock>() + SIZEOF_TIMER_LIST;
// @ts-ignore: decorator
@inline function tw_timer(tw: TcpTimewaitSock): TimerList { return changetype<TimerList>(changetype<usize>(tw) + offsetof<TcpTimewaitSock>()); }

/** Timewait socks alive, plus orphans in FIN_WAIT2 (tcp_death_row.tw_refcount - 1). */
export let tcp_tw_count: u32 = 0;
export function tcp_tw_count_add(d: i32): void { tcp_tw_count += d; }

const tw_cache: usize = memory.data(SIZEOF_KMEM_CACHE, 4);
function tw_get(): TcpTimewaitSock {
  return changetype<TcpTimewaitSock>(kmem_cache_zalloc(tw_cache, SIZEOF_TW));
}

/** sk_free's hook for a timewait sock: its tcp_timewait_sock goes back to the slab. */
function tw_destroy(skp: usize): void {
  const sk = changetype<Sock>(skp);
  const tw = changetype<TcpTimewaitSock>(sk.sk_private);
  if (changetype<usize>(tw) == 0) return;
  kmem_cache_free(tw_cache, changetype<usize>(tw));
  sk.sk_private = 0;
}

const tcp_tw_prot: usize = memory.data(offsetof<Proto>(), 4);
let tw_prot_ready = false;
function tw_prot(): Proto {
  const p = changetype<Proto>(tcp_tw_prot);
  if (!tw_prot_ready) {
    p.destroy = tw_destroy.index;
    tw_prot_ready = true;
  }
  return p;
}

/** The sock is a timewait sock (inet_twsk). */
// @ts-ignore: decorator
@inline export function sk_is_tw(sk: Sock): bool { return sk.sk_prot == tcp_tw_prot; }
// @ts-ignore: decorator
@inline export function tcp_twsk(sk: Sock): TcpTimewaitSock { return changetype<TcpTimewaitSock>(sk.sk_private); }

let put_fn: u32 = 0;
/** tcp_state.ts registers its deferred sock_put (the caller may still be using the sock). */
export function tcp_minisocks_register_put(fn: u32): void { put_fn = fn; }

/**
 * inet_twsk_alloc() + tcp_time_wait()'s copy + inet_twsk_hashdance_schedule(): a
 * timewait sock takes sk's place in ehash and holds its port in bhash; its timer runs
 * timeo ms. The caller then ends sk (tcp_done). Preconditions: sk is in ehash
 * and holds its port; the caller checked tcp_max_tw_buckets.
 */
export function inet_twsk_hashdance(sk: Sock, tp: TcpSock, substate: u32, timeo: u32): void {
  const tw = tw_get();
  const t = sk_alloc(sk.sk_family, sk.sk_type, sk.sk_protocol, tw_prot());
  t.sk_private = changetype<usize>(tw);
  tw.sk = changetype<usize>(t);
  // sock_common: what lookups, bind conflicts and ss read.
  t.sk_state = TCP_TIME_WAIT; // tw_state: a timewait sock never changes state
  t.sk_flags = SOCK_DEAD;
  t.sk_reuse = sk.sk_reuse;
  t.sk_reuseport = sk.sk_reuseport;
  t.sk_uid = sk.sk_uid;
  t.sk_bound_dev_if = sk.sk_bound_dev_if;
  t.sk_mark = sk.sk_mark;
  t.sk_priority = sk.sk_priority;
  t.sk_rcvbuf = 0;
  t.sk_sndbuf = 0;
  t.tos = sk.tos;
  t.inet_saddr = sk.inet_saddr;
  t.inet_rcv_saddr = sk.inet_rcv_saddr;
  t.inet_daddr = sk.inet_daddr;
  t.inet_dport = sk.inet_dport;
  // tcp_timewait_sock
  tw.tw_rcv_nxt = tp.rcv_nxt;
  tw.tw_snd_nxt = tp.snd_nxt;
  const w = <i32>(tp.rcv_wup + tp.rcv_wnd - tp.rcv_nxt); // tcp_receive_window()
  tw.tw_rcv_wnd = w < 0 ? 0 : <u32>w;
  tw.tw_rcv_wscale = tp.rcv_wscale;
  tw.tw_tstamp_ok = tp.tstamp_ok;
  tw.tw_ts_recent = tp.ts_recent;
  tw.tw_ts_recent_stamp = tp.ts_recent_stamp;
  tw.tw_ts_offset = tp.tsoffset;
  tw.tw_entry_stamp = jiffies;
  tw.tw_substate = substate;
  // The hashdance: the tw enters bhash on sk's port and ehash in sk's place.
  inet_bhash_add(t, sk.inet_num);
  t.inet_sport = sk.inet_sport;
  inet_ehash_remove(sk);
  inet_ehash_insert(t);
  timer_setup(tw_timer(tw), tw_timer_handler.index, changetype<usize>(tw));
  inet_twsk_schedule(t, timeo);
  tcp_tw_count++;
}

/** inet_twsk_schedule() / inet_twsk_reschedule(). */
export function inet_twsk_schedule(sk: Sock, timeo: u32): void {
  const tw = tcp_twsk(sk);
  tw.tw_kill = timeo <= 4000 ? 1 : 0;
  mod_timer(tw_timer(tw), jiffies + timeo);
}

/**
 * inet_twsk_kill(): out of ehash and bhash, the count and the sock's reference dropped —
 * after the current event when a segment or a syscall may still hold it (deferred).
 */
function inet_twsk_kill(sk: Sock, deferred: bool): void {
  inet_ehash_remove(sk);
  inet_put_port(sk);
  tcp_tw_count--;
  if (deferred && put_fn != 0) call_indirect<void>(put_fn, changetype<usize>(sk));
  else sock_put(sk);
}

/** inet_twsk_deschedule_put(): ends a timewait sock now (RST, recycling, a new SYN). */
export function inet_twsk_deschedule_put(sk: Sock): void {
  const tw = tcp_twsk(sk);
  if (timer_pending(tw_timer(tw))) del_timer(tw_timer(tw));
  inet_twsk_kill(sk, true);
}

/** tw_timer_handler(): TIME_WAIT is over (TcpExt TW, or TWKilled for a short one). */
function tw_timer_handler(twp: usize): void {
  const tw = changetype<TcpTimewaitSock>(twp);
  SNMP_INC_STATS(tw.tw_kill != 0 ? LINUX_MIB_TWKILLED : LINUX_MIB_TW);
  inet_twsk_kill(changetype<Sock>(tw.sk), false);
}

/** inet_twsk_diag_fill(): ss shows no queues, the timewait timer and no tcp_info. */
export function inet_twsk_diag_fill(sk: Sock, out: usize): void {
  const tw = tcp_twsk(sk);
  store<u32>(out, 0, 20);
  store<u32>(out, 0, 24);
  store<u32>(out, 0, 48);
  store<u32>(out, 0, 52);
  store<u32>(out, 0, 56);
  store<u32>(out, 0, 60);
  store<u32>(out, 0, 64);
  if (timer_pending(tw_timer(tw))) {
    store<u32>(out, 3, 28);
    store<f64>(out, <f64>(<i32>(tw_timer(tw).expires - jiffies)), 32);
  }
  store<u32>(out, tw.tw_substate); // inet_twsk_diag_fill: idiag_state = tw_substate
  memory.fill(out + 128, 0, <usize>SIZEOF_TCP_INFO); // all of it: the area still holds the previous row
  store<u8>(out + 128, <u8>tw.tw_substate);
}
