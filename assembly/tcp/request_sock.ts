// struct request_sock (tcp_request_sock): what a listener remembers about a connection
// between its SYN and the final ACK — a few words, not a full sock, so a SYN flood costs
// little. Linux: include/net/request_sock.h, net/core/request_sock.c,
// net/ipv4/inet_connection_sock.c (reqsk queue accounting).
//
//   0 ├─ snt_synack_ns (f64: when the first SYN-ACK left, for the RTT sample) ─────────────┤
//   8 ├─ hash_next ─┤ 12 ├─ rsk_listener ─┤ 16 ├─ all_next ─┤ 20 ├─ all_prev ─┤
//  24 ├─ ir_loc_addr ─┤ 28 ├─ ir_rmt_addr ─┤ 32 ├─ ir_num (local port) ─┤ 36 ├─ ir_rmt_port ─┤
//  40 ├─ rcv_isn ─┤ 44 ├─ snt_isn ─┤ 48 ├─ ts_recent ─┤ 52 ├─ ts_off ─┤ 56 ├─ mss ─┤
//  60 ├─ rsk_rcv_wnd ─┤ 64 ├─ rsk_window_clamp ─┤ 68 ├─ num_timeout ─┤ 72 ├─ num_retrans ─┤
//  76 ├─ timeout ─┤ 80 ├─ last_oow_ack_time ─┤ 84 ├ snd_wscale│rcv_wscale│wscale_ok│tstamp_ok ┤
//  88 ├ sack_ok│ecn_ok│acked│syncookie ┤ 92 ├─ rsk_timer (timer_list, 24) ─┤
// 120 bytes in all (8-aligned, from a kmem_cache) (Linux's tcp_request_sock is about 300).
//
// Linux keeps request socks in ehash beside full sockets. kstack gives them a table of
// their own, of the same shape, which tcp_v4_rcv looks up right after ehash: a 4-tuple is
// never in both at once (inet_csk_complete_hashdance swaps the request for the child), so
// what a segment finds is the same.
import { TimerList, timer_setup, timer_pending, del_timer, SIZEOF_TIMER_LIST } from "../kernel/timer";
import { Sock, sock_hold, sock_put } from "../core/sock";
import { kmem_cache_zalloc, kmem_cache_free, kmem_cache_inuse, SIZEOF_KMEM_CACHE } from "../lib/slab";

@final @unmanaged export class RequestSock {
  snt_synack_ns: f64;
  hash_next: usize;
  rsk_listener: usize;
  all_next: usize;
  all_prev: usize;
  ir_loc_addr: u32;
  ir_rmt_addr: u32;
  ir_num: u32;
  ir_rmt_port: u32;
  rcv_isn: u32;
  snt_isn: u32;
  ts_recent: u32;
  ts_off: u32;
  /** The peer's MSS (rx_opt.mss_clamp); with a cookie, the msstab value encoded. */
  mss: u32;
  rsk_rcv_wnd: u32;
  rsk_window_clamp: u32;
  num_timeout: u32;
  num_retrans: u32;
  /** Initial SYN-ACK timeout (tcp_timeout_init: TCP_TIMEOUT_INIT), doubled per timeout. */
  timeout: u32;
  last_oow_ack_time: u32;
  snd_wscale: u8;
  rcv_wscale: u8;
  wscale_ok: u8;
  tstamp_ok: u8;
  sack_ok: u8;
  ecn_ok: u8;
  /** The final ACK came but made no child: the accept queue was full (listen_overflow),
   *  or it was bare while TCP_DEFER_ACCEPT waits for data (inet_rsk(req)->acked). */
  acked: u8;
  syncookie: u8;
}
// @ts-ignore: decorator
@inline export const SIZEOF_REQUEST_SOCK: usize = (offsetof<RequestSock>() + SIZEOF_TIMER_LIST + 7) & ~7;

// @ts-ignore: decorator
@inline export function rsk_timer(req: RequestSock): TimerList { return changetype<TimerList>(changetype<usize>(req) + offsetof<RequestSock>()); }
// @ts-ignore: decorator
@inline export function rsk_listener(req: RequestSock): Sock { return changetype<Sock>(req.rsk_listener); }

// ───── the slab ─────
const req_cache: usize = memory.data(SIZEOF_KMEM_CACHE, 4);
let req_all: usize = 0;
export function reqsk_inuse(): u32 { return kmem_cache_inuse(req_cache); }

/**
 * inet_reqsk_alloc(): a zeroed request for `listener`, which it holds a reference on (the
 * listener outlives its requests, as sock_hold in inet_reqsk_alloc).
 */
export function reqsk_alloc(listener: Sock, timer_fn: u32): RequestSock {
  const req = changetype<RequestSock>(kmem_cache_zalloc(req_cache, SIZEOF_REQUEST_SOCK));
  req.rsk_listener = changetype<usize>(listener);
  sock_hold(listener);
  timer_setup(rsk_timer(req), timer_fn, changetype<usize>(req));
  req.all_next = req_all;
  if (req_all != 0) changetype<RequestSock>(req_all).all_prev = changetype<usize>(req);
  req_all = changetype<usize>(req);
  return req;
}

/** reqsk_free(): back to the slab; lets go of the listener. Must be unhashed already. */
export function reqsk_free(req: RequestSock): void {
  if (timer_pending(rsk_timer(req))) del_timer(rsk_timer(req));
  if (req.all_prev != 0) changetype<RequestSock>(req.all_prev).all_next = req.all_next;
  else req_all = req.all_next;
  if (req.all_next != 0) changetype<RequestSock>(req.all_next).all_prev = req.all_prev;
  const listener = rsk_listener(req);
  kmem_cache_free(req_cache, changetype<usize>(req));
  sock_put(listener);
}

/** The next request after `req` (0 = the first), or 0 at the end (for ss). */
export function reqsk_iter(req: usize): usize {
  return req == 0 ? req_all : changetype<RequestSock>(req).all_next;
}

// ───── the request hash ─────
// @ts-ignore: decorator
@inline const RHASH_BITS: u32 = 16;
let rhash: usize = 0;

export function reqsk_hash_init(): void {
  rhash = heap.alloc(<usize>(1 << RHASH_BITS) << 2);
  memory.fill(rhash, 0, <usize>(1 << RHASH_BITS) << 2);
}

// kstack: an unkeyed mix (Linux keys inet_ehashfn with a boot secret); drawing a secret
// here would shift every later draw of the seeded PRNG.
// @ts-ignore: decorator
@inline function rbucket(laddr: u32, lport: u32, faddr: u32, fport: u32): usize {
  let h = laddr * 0x9e3779b1;
  h = (h ^ (h >>> 15) ^ faddr) * 0x85ebca77;
  h = (h ^ (h >>> 13) ^ ((lport << 16) | fport)) * 0xc2b2ae3d;
  h ^= h >>> 16;
  return rhash + (<usize>(h & ((1 << RHASH_BITS) - 1)) << 2);
}

/** inet_ehash_insert() for a request. */
export function reqsk_hash_add(req: RequestSock): void {
  const b = rbucket(req.ir_loc_addr, req.ir_num, req.ir_rmt_addr, req.ir_rmt_port);
  req.hash_next = load<usize>(b);
  store<usize>(b, changetype<usize>(req));
}

/** Unhashes the request; false if it was not hashed (someone else took it). */
export function reqsk_hash_del(req: RequestSock): bool {
  let p = rbucket(req.ir_loc_addr, req.ir_num, req.ir_rmt_addr, req.ir_rmt_port);
  while (load<usize>(p) != 0) {
    const cur = load<usize>(p);
    if (cur == changetype<usize>(req)) {
      store<usize>(p, req.hash_next);
      req.hash_next = 0;
      return true;
    }
    p = cur + offsetof<RequestSock>("hash_next");
  }
  return false;
}

/** The request for a segment from (saddr, sport) to (daddr, dport), or null. */
export function reqsk_lookup(saddr: u32, sport: u32, daddr: u32, dport: u32): RequestSock | null {
  let p = load<usize>(rbucket(daddr, dport, saddr, sport));
  while (p != 0) {
    const r = changetype<RequestSock>(p);
    if (r.ir_rmt_addr == saddr && r.ir_rmt_port == sport && r.ir_num == dport && r.ir_loc_addr == daddr) return r;
    p = r.hash_next;
  }
  return null;
}
