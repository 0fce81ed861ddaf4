// Wait queues, after Linux include/linux/wait.h and kernel/sched/wait.c. A sleeper (a
// blocked syscall's task, an epoll item) puts an entry with a callback on a socket's
// queue; wake_up calls the callbacks. This is how lower layers reach upper ones without
// importing them: core/sock.ts never imports sys/eventpoll.ts (DESIGN.md).
//
// struct wait_queue_entry (16 bytes):  0 next │ 4 prev │ 8 func │ 12 private
//                                       16 flags (WQ_FLAG_EXCLUSIVE)
import { INIT_LIST_HEAD, list_add, list_add_tail, list_del_init, list_empty } from "../lib/list";

@final @unmanaged export class WaitQueueEntry {
  next: usize;
  prev: usize;
  /** Table index of `(wq_entry: usize, key: u32) => i32`; nonzero return = woke someone. */
  func: u32;
  private_: usize;
  flags: u32;
}
// @ts-ignore: decorator
@inline export const SIZEOF_WAIT_QUEUE_ENTRY: usize = 20;
// @ts-ignore: decorator
@inline export const WQ_FLAG_EXCLUSIVE: u32 = 1;

/** init_waitqueue_head(): a wait queue head is a bare list head (8 bytes). */
export function init_waitqueue_head(wq: usize): void { INIT_LIST_HEAD(wq); }

export function init_waitqueue_entry(e: WaitQueueEntry, func: u32, priv: usize): void {
  e.next = 0;
  e.prev = 0;
  e.func = func;
  e.private_ = priv;
  e.flags = 0;
}

/** add_wait_queue(): non-exclusive waiters go first, as in Linux. */
export function add_wait_queue(wq: usize, e: WaitQueueEntry): void {
  e.flags &= ~WQ_FLAG_EXCLUSIVE;
  list_add(changetype<usize>(e), wq);
}

/** add_wait_queue_exclusive(): exclusive waiters queue at the tail; one wakes per event. */
export function add_wait_queue_exclusive(wq: usize, e: WaitQueueEntry): void {
  e.flags |= WQ_FLAG_EXCLUSIVE;
  list_add_tail(changetype<usize>(e), wq);
}

export function remove_wait_queue(e: WaitQueueEntry): void {
  if (e.next != 0) {
    list_del_init(changetype<usize>(e));
    e.next = 0;
    e.prev = 0;
  }
}

// @ts-ignore: decorator
@inline export function waitqueue_active(wq: usize): bool { return !list_empty(wq); }

/**
 * __wake_up(): calls every non-exclusive entry and up to nr_exclusive exclusive ones
 * (nr_exclusive 0 = all). `key` carries the poll events that happened (EPOLLIN...).
 * The next pointer is read before the callback, which may remove its own entry.
 */
export function __wake_up(wq: usize, nr_exclusive: i32, key: u32): void {
  let pos = load<usize>(wq);
  while (pos != wq) {
    const next = load<usize>(pos);
    const e = changetype<WaitQueueEntry>(pos);
    const flags = e.flags;
    const ret = call_indirect<i32>(e.func, pos, key);
    if (ret != 0 && (flags & WQ_FLAG_EXCLUSIVE) != 0 && --nr_exclusive == 0) break;
    pos = next;
  }
}

// @ts-ignore: decorator
@inline export function wake_up_interruptible_poll(wq: usize, key: u32): void { __wake_up(wq, 1, key); }
// @ts-ignore: decorator
@inline export function wake_up_interruptible_all(wq: usize): void { __wake_up(wq, 0, 0); }
