// struct sock: the protocol-independent socket (with inet_sock's fields, since every
// socket here is AF_INET), its memory accounting and wake-ups, and the struct proto table
// through which the socket layer calls UDP, ping and TCP without importing them.
// Linux: include/net/sock.h, net/core/sock.c, include/net/inet_sock.h.
//
// Buffers follow Linux: sk_rcvbuf/sk_sndbuf bound sk_rmem_alloc/sk_wmem_alloc, which
// are charged with skb->truesize (data plus struct overhead), so many small datagrams
// fill a buffer faster than their payload suggests.
import { EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDNORM, EPOLLWRNORM, EPOLLWRBAND, EPOLLRDHUP } from "../abi/epoll";
import { init_waitqueue_head, __wake_up, waitqueue_active } from "../kernel/wait";
import { skb_queue_head_init, skb_dequeue, skb_queue_purge_reason, SIZEOF_SKB_QUEUE } from "./skb_queue";
import { kfree_skb_reason, skb_destruct, SkBuff } from "./skbuff";
import { SKB_DROP_REASON_NOT_SPECIFIED } from "../kernel/drop_reason";
import { reuseport_detach_sock } from "./sock_reuseport";
import { kmem_cache_zalloc, kmem_cache_free, kmem_cache_inuse, SIZEOF_KMEM_CACHE } from "../lib/slab";

// sk_shutdown bits
// @ts-ignore: decorator
@inline export const RCV_SHUTDOWN: u32 = 1;
// @ts-ignore: decorator
@inline export const SEND_SHUTDOWN: u32 = 2;
// sk_userlocks
// @ts-ignore: decorator
@inline export const SOCK_SNDBUF_LOCK: u32 = 1;
// @ts-ignore: decorator
@inline export const SOCK_RCVBUF_LOCK: u32 = 2;
// @ts-ignore: decorator
@inline export const SOCK_BINDADDR_LOCK: u32 = 4;
// @ts-ignore: decorator
@inline export const SOCK_BINDPORT_LOCK: u32 = 8;
// sk_flags
// @ts-ignore: decorator
@inline export const SOCK_DEAD: u32 = 1;
// @ts-ignore: decorator
@inline export const SOCK_BROADCAST: u32 = 2;
// @ts-ignore: decorator
@inline export const SOCK_KEEPOPEN: u32 = 4;
/** The peer's FIN was received (tcp_fin's SOCK_DONE): reads return EOF before errors. */
// @ts-ignore: decorator
@inline export const SOCK_DONE: u32 = 16;
/** kstack: the last sendmsg found the socket's budget free but the skb pool empty. */
// @ts-ignore: decorator
@inline export const SOCK_ALLOC_FAIL: u32 = 32;
/** sk_lingertime for a negative l_linger: linger forever (MAX_SCHEDULE_TIMEOUT). */
export const SK_LINGER_FOREVER: u32 = 0xffffffff;
/** SO_LINGER is on (sk_lingertime holds l_linger, in seconds). */
// @ts-ignore: decorator
@inline export const SOCK_LINGER: u32 = 8;

/** SOCK_MIN_SNDBUF / SOCK_MIN_RCVBUF on x86-64 (2 * (2048 + SKB_TRUESIZE(...)) style). */
// @ts-ignore: decorator
@inline export const SOCK_MIN_SNDBUF: i32 = 4608;
// @ts-ignore: decorator
@inline export const SOCK_MIN_RCVBUF: i32 = 2304;

/** net.core.{r,w}mem_default 212992; {r,w}mem_max 4 MiB since Linux 6.x (commit a6d4f25888b8). */
export let sysctl_rmem_default: i32 = 212992;
export let sysctl_wmem_default: i32 = 212992;
export let sysctl_rmem_max: i32 = 4194304;
export let sysctl_wmem_max: i32 = 4194304;
export function set_core_mem(which: u32, v: i32): void {
  if (which == 0) sysctl_rmem_default = v;
  else if (which == 1) sysctl_wmem_default = v;
  else if (which == 2) sysctl_rmem_max = v;
  else sysctl_wmem_max = v;
}

/**
 * struct sock + inet_sock. Layout is plain host-order fields; the three list heads
 * (sk_wq 8 bytes, sk_receive_queue 16, sk_write_queue 16) follow the struct in memory.
 */
@final @unmanaged export class Sock {
  /** Chain in the protocol's port hash (udp_table, ping table). */
  hash_next: usize;
  /** TCP: chain in the established hash (ehash), or in the listening hash for a listener. */
  ehash_next: usize;
  /** TCP: chain in the bind hash (bhash: every socket holding a local port). */
  bind_next: usize;
  /** The link word pointing at this sock in its ehash/lhash and bhash chains (hlist's
   *  pprev), so unhashing is O(1) however long the chain: 0 = not hashed. */
  ehash_pprev: usize;
  bind_pprev: usize;
  sk_family: u32;
  sk_type: u32;
  sk_protocol: u32;
  sk_state: u32;
  sk_flags: u32;
  sk_shutdown: u32;
  /** struct socket's state: SS_UNCONNECTED 1, SS_CONNECTING 2, SS_CONNECTED 3, SS_DISCONNECTING 4. */
  sk_socket_state: u32;
  sk_err: i32;
  sk_err_soft: i32;
  sk_rcvbuf: i32;
  sk_sndbuf: i32;
  sk_rmem_alloc: i32;
  sk_wmem_alloc: i32;
  /** TCP: truesize of the write queue (sent-unacked and unsent skbs). */
  sk_wmem_queued: i32;
  sk_userlocks: u32;
  sk_reuse: u32;
  sk_reuseport: u32;
  /** The SO_REUSEPORT group (core/sock_reuseport.ts) a listener or UDP socket is in, or 0. */
  sk_reuseport_cb: usize;
  /** Timeouts in ms; 0 = wait forever (MAX_SCHEDULE_TIMEOUT). */
  sk_rcvtimeo: u32;
  sk_sndtimeo: u32;
  sk_rcvlowat: u32;
  /** SO_LINGER's l_linger (s), meaningful with SOCK_LINGER. */
  sk_lingertime: u32;
  sk_bound_dev_if: u32;
  sk_priority: u32;
  sk_mark: u32;
  sk_drops: u32;
  sk_uid: u32;
  /** The struct proto (ops table) of this socket. */
  sk_prot: usize;
  /** Number of files referring to this socket (struct file f_count lives in sys/). */
  sk_refcnt: u32;
  // inet_sock
  inet_saddr: u32;
  inet_rcv_saddr: u32;
  inet_daddr: u32;
  inet_sport: u32;
  inet_dport: u32;
  inet_num: u32;
  inet_id: u32;
  uc_ttl: i32;
  tos: u32;
  pmtudisc: u32;
  recverr: u32;
  bind_address_no_port: u32;
  freebind: u32;
  /** Protocol-private word (TCP's tcp_sock pointer, ...). */
  sk_private: usize;
  /** Async owner for SIGIO (F_SETOWN) and the signal (F_SETSIG). */
  sk_owner: i32;
  sk_sig: u32;
  sk_wq: usize;
  sk_receive_queue: usize;
  sk_write_queue: usize;
  pool_next: usize;
  /** Every allocated sock, for `ss` (inet_diag walks the hash tables; one list is simpler). */
  all_next: usize;
  all_prev: usize;
}
// @ts-ignore: decorator
@inline export const SIZEOF_SOCK: usize = offsetof<Sock>() + 8 + SIZEOF_SKB_QUEUE * 2;

/**
 * struct proto: the transport's operations, as table indices of top-level functions.
 * The socket layer (socket/af_inet.ts) calls these; the transport registers one per
 * (type, protocol) at init.
 */
@final @unmanaged export class Proto {
  /** (sk) → void: set up protocol state after inet_create. */
  init: u32;
  /**
   * (sk, timeout) → i32: the last reference is gone (close). `timeout` is SO_LINGER's
   * l_linger in s, or 0 (no linger, or the process is exiting: inet_release). Returns 0
   * when the close is done (the sock is an orphan now), or 1 when it stopped at
   * sk_stream_wait_close(): the caller sleeps until !sk_stream_closing(sk) or the time
   * runs out, then calls close_finish.
   */
  close: u32;
  /** (sk, port) → i32: take a local port (0 = pick one); -errno on failure. */
  get_port: u32;
  /** (sk, daddr, dport) → i32. */
  connect: u32;
  /** (sk) → i32: AF_UNSPEC connect. */
  disconnect: u32;
  /** (sk, buf, len, flags, daddr, dport, has_addr) → i32 bytes or -errno (-EAGAIN = would block). */
  sendmsg: u32;
  /** (sk, buf, len, flags, addr_out) → i32 bytes or -errno (-EAGAIN = would block). */
  recvmsg: u32;
  /** (sk) → u32 poll mask (EPOLLIN, EPOLLOUT, ...). */
  poll: u32;
  /** (sk, how) → i32. */
  shutdown: u32;
  /** (sk, cmd) → i32 (FIONREAD, SIOCOUTQ). */
  ioctl: u32;
  /** (sk, level, name, val) → i32; -ENOPROTOOPT passes to the generic layer. */
  setsockopt: u32;
  /** (sk, level, name, out) → i32 value or -errno. */
  getsockopt: u32;
  /** (sk, backlog) → i32 (stream only). */
  listen: u32;
  /** (sk, flags) → usize new sk, or 0 with the error in sk.sk_err_soft (stream only). */
  accept: u32;
  /** (sk) → void: frees protocol state when the sock itself is freed (tcp_v4_destroy_sock). */
  destroy: u32;
  /** (sk) → void: the rest of a close that lingered (__tcp_close from adjudge_to_death). */
  close_finish: u32;
}

// ───── the sock slab ─────
const sock_cache: usize = memory.data(SIZEOF_KMEM_CACHE, 4);
let all_head: usize = 0;

/** The next allocated sock after `sk` (0 = the first), or 0 at the end. */
export function sock_iter(sk: usize): usize {
  return sk == 0 ? all_head : changetype<Sock>(sk).all_next;
}

/** Sockets allocated (leak check). */
export function sock_inuse(): u32 { return kmem_cache_inuse(sock_cache); }

/** sk_alloc(): a zeroed sock with Linux's defaults (sock_init_data). */
export function sk_alloc(family: u32, type: u32, protocol: u32, prot: Proto): Sock {
  const sk = changetype<Sock>(kmem_cache_zalloc(sock_cache, SIZEOF_SOCK));
  sk.sk_family = family;
  sk.sk_type = type;
  sk.sk_protocol = protocol;
  sk.sk_state = 7; // TCP_CLOSE
  sk.sk_socket_state = 1; // SS_UNCONNECTED
  sk.sk_rcvbuf = sysctl_rmem_default;
  sk.sk_sndbuf = sysctl_wmem_default;
  sk.sk_rcvlowat = 1;
  sk.uc_ttl = -1;
  sk.pmtudisc = 1; // IP_PMTUDISC_WANT (net.ipv4.ip_no_pmtu_disc = 0)
  sk.sk_prot = changetype<usize>(prot);
  sk.sk_refcnt = 1;
  sk.sk_owner = 0;
  const tail = changetype<usize>(sk) + offsetof<Sock>();
  sk.sk_wq = tail;
  init_waitqueue_head(sk.sk_wq);
  sk.sk_receive_queue = tail + 8;
  skb_queue_head_init(sk.sk_receive_queue);
  sk.sk_write_queue = tail + 8 + SIZEOF_SKB_QUEUE;
  skb_queue_head_init(sk.sk_write_queue);
  sk.all_prev = 0;
  sk.all_next = all_head;
  if (all_head != 0) changetype<Sock>(all_head).all_prev = changetype<usize>(sk);
  all_head = changetype<usize>(sk);
  return sk;
}

/** sk_free(): returns the sock to the slab; queues must be empty. */
export function sk_free(sk: Sock): void {
  const prot = changetype<Proto>(sk.sk_prot);
  if (prot.destroy != 0) call_indirect<void>(prot.destroy, changetype<usize>(sk));
  if (sk.sk_reuseport_cb != 0) reuseport_detach_sock(sk); // sk_destruct
  skb_queue_purge_reason(sk.sk_receive_queue, SKB_DROP_REASON_NOT_SPECIFIED);
  if (sk.all_prev != 0) changetype<Sock>(sk.all_prev).all_next = sk.all_next;
  else all_head = sk.all_next;
  if (sk.all_next != 0) changetype<Sock>(sk.all_next).all_prev = sk.all_prev;
  kmem_cache_free(sock_cache, changetype<usize>(sk));
}

// @ts-ignore: decorator
@inline export function sk_prot(sk: Sock): Proto { return changetype<Proto>(sk.sk_prot); }

// ───── wake-ups (sk_data_ready, sk_write_space, sk_state_change, sk_error_report) ─────
// The poll key carries the events, so epoll items can filter as ep_poll_callback does.

/** The socket layer registers how to raise SIGIO for O_ASYNC sockets (sk_wake_async). */
let wake_async_fn: u32 = 0;
export function sk_set_wake_async(fn: u32): void { wake_async_fn = fn; }
// @ts-ignore: decorator
@inline function sk_wake_async(sk: Sock, band: u32): void {
  if (wake_async_fn != 0 && sk.sk_owner != 0) call_indirect<void>(wake_async_fn, changetype<usize>(sk), band);
}

/**
 * sk_wake_async(sk, SOCK_WAKE_IO / SOCK_WAKE_WAITD): TCP's own SIGIO when a connect
 * completes (band EPOLLOUT | EPOLLWRNORM: writable, raised whatever the buffer did) and
 * when the peer's FIN arrives (EPOLLIN). EPOLLOUT alone is SOCK_WAKE_SPACE, raised only
 * after a writer found no space (sys/signal.ts).
 */
export function sk_wake_async_io(sk: Sock, band: u32): void { sk_wake_async(sk, band); }

export function sk_data_ready(sk: Sock): void {
  if (waitqueue_active(sk.sk_wq)) __wake_up(sk.sk_wq, 1, EPOLLIN | EPOLLRDNORM);
  sk_wake_async(sk, EPOLLIN);
}
export function sk_write_space(sk: Sock): void {
  if (waitqueue_active(sk.sk_wq)) __wake_up(sk.sk_wq, 1, EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND);
  sk_wake_async(sk, EPOLLOUT);
}
export function sk_state_change(sk: Sock): void {
  if (waitqueue_active(sk.sk_wq)) __wake_up(sk.sk_wq, 0, EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLRDHUP);
}
export function sk_error_report(sk: Sock): void {
  if (waitqueue_active(sk.sk_wq)) __wake_up(sk.sk_wq, 0, EPOLLERR);
  sk_wake_async(sk, EPOLLERR);
}

/** sock_error(): takes and clears the pending error (as -errno), or 0. */
export function sock_error(sk: Sock): i32 {
  const e = sk.sk_err;
  if (e == 0) return 0;
  sk.sk_err = 0;
  return -e;
}

// ───── memory accounting ─────

/** sock_wfree(): the skb destructor that returns send-buffer space and wakes writers. */
export function sock_wfree(skbp: usize): void {
  const skb = changetype<SkBuff>(skbp);
  const sk = changetype<Sock>(skb.sk);
  if (changetype<usize>(sk) == 0) return;
  sk.sk_wmem_alloc -= <i32>skb.truesize;
  skb.sk = 0;
  // sock_def_write_space(): wake writers once half the buffer is free.
  if ((sk.sk_wmem_alloc << 1) <= sk.sk_sndbuf) sk_write_space(sk);
  sk_put_deferred(sk);
}

/** skb_set_owner_w(): charges skb to the sender's sk_wmem_alloc. */
export function skb_set_owner_w(skb: SkBuff, sk: Sock): void {
  skb.sk = changetype<usize>(sk);
  skb.destructor = sock_wfree.index;
  sk.sk_wmem_alloc += <i32>skb.truesize;
  sk.sk_refcnt++;
}

/** sock_rfree(): the receive-side destructor. */
export function sock_rfree(skbp: usize): void {
  const skb = changetype<SkBuff>(skbp);
  const sk = changetype<Sock>(skb.sk);
  if (changetype<usize>(sk) == 0) return;
  sk.sk_rmem_alloc -= <i32>skb.truesize;
  skb.sk = 0;
}

/**
 * skb_orphan(): the owner lets go (its destructor uncharges). Call it before changing
 * skb.truesize of a charged skb, or the uncharge will not match the charge.
 */
export function skb_orphan(skb: SkBuff): void {
  if (skb.destructor != 0) skb_destruct(skb);
}

/** skb_set_owner_r(): charges skb to the receiver's sk_rmem_alloc. */
export function skb_set_owner_r(skb: SkBuff, sk: Sock): void {
  // Whatever owned it before (a sender on loopback) lets go first.
  skb_orphan(skb);
  skb.sk = changetype<usize>(sk);
  skb.destructor = sock_rfree.index;
  sk.sk_rmem_alloc += <i32>skb.truesize;
}

/** sock_writeable(): poll reports EPOLLOUT while less than half the send buffer is used. */
export function sock_writeable(sk: Sock): bool { return (sk.sk_wmem_alloc << 1) < sk.sk_sndbuf; }

// A sock stays allocated while skbs it owns are in flight (sock_hold on send).
function sk_put_deferred(sk: Sock): void {
  sk.sk_refcnt--;
  if (sk.sk_refcnt == 0) sk_free(sk);
}
/** sock_put(): drops a reference; the last one frees the sock. */
export function sock_put(sk: Sock): void { sk_put_deferred(sk); }
export function sock_hold(sk: Sock): void { sk.sk_refcnt++; }
