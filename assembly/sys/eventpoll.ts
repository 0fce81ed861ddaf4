// epoll: an eventpoll file holds a red-black tree of epitems keyed by (file, fd) and a
// ready list filled by ep_poll_callback, which each epitem hooks on its target's wait
// queue. epoll_wait reads the ready list only, never the interest set, so its cost does
// not grow with the number of watched files. Linux: fs/eventpoll.c.
//
// struct eventpoll (40 bytes, from a kmem_cache):
//   0 wq (epoll_wait sleepers) │ 8 poll_wait (poll of the epoll file itself) │ 16 rdllist
//   24 rbr │ 28 file │ 32 gen │ 36 loop_check_depth
// struct epitem (76 bytes, from a kmem_cache):
//   0 rbn (12) │ 12 rdllink │ 20 fllink (file's f_ep) │ 28 wait (eppoll_entry, 20) │ 48 whead
//   52 file │ 56 fd │ 60 ep │ 64 events │ 68 data (u64, as two u32)
// A socket has one wait queue, so one eppoll_entry per epitem is enough (Linux keeps a
// list, nwait, for files that poll_wait on several queues).
import { EBADF, EEXIST, EINVAL, ELOOP, ENFILE, ENOENT, ESRCH } from "../abi/errno";
import { EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD, EPOLL_CLOEXEC, EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDNORM, EPOLLEXCLUSIVE, EPOLLWAKEUP, EPOLLONESHOT, EPOLLET } from "../abi/epoll";
import { O_RDWR } from "../abi/fcntl";
import { INIT_LIST_HEAD, list_add_tail, list_del_init, list_empty, list_next, list_splice_init } from "../lib/list";
import { rb_link_node, rb_insert_color, rb_erase, rb_first, rb_next, RB_LEFT, RB_RIGHT, RB_CLEAR_NODE } from "../lib/rbtree";
import { WaitQueueEntry, init_waitqueue_entry, add_wait_queue, add_wait_queue_exclusive, remove_wait_queue, waitqueue_active, __wake_up } from "../kernel/wait";
import { Sock } from "../core/sock";
import { inet_poll } from "../socket/af_inet";
import { task_get, task_block_poll, task_timed_out } from "./task";
import { alloc_file, fd_alloc, fget, free_file, File, FILE_SOCKET, FILE_EPOLL, FILE_F_EP } from "./fdtable";
import { sys_return } from "./common";
import { PollTable, poll_wait } from "./poll_table";
import { kmem_cache_zalloc, kmem_cache_free, kmem_cache_inuse, SIZEOF_KMEM_CACHE } from "../lib/slab";

// @ts-ignore: decorator
@inline const EP_PRIVATE_BITS: u32 = <u32>EPOLLWAKEUP | <u32>EPOLLONESHOT | <u32>EPOLLET | <u32>EPOLLEXCLUSIVE;
/** do_epoll_ctl: what may accompany EPOLLEXCLUSIVE (EPOLLEXCLUSIVE_OK_BITS). */
// @ts-ignore: decorator
@inline const EPOLLEXCLUSIVE_OK_BITS: u32 = <u32>EPOLLIN | <u32>EPOLLOUT | <u32>EPOLLERR | <u32>EPOLLHUP | <u32>EPOLLWAKEUP | <u32>EPOLLET | <u32>EPOLLEXCLUSIVE;
/** Linux's limit on nested epoll (include/linux/eventpoll.h EPOLL_MAX_NESTS). */
// @ts-ignore: decorator
@inline const EPOLL_MAX_NESTS: i32 = 4;
/** epoll_wait's maxevents bound: INT_MAX / sizeof(struct epoll_event) (12 on x86-64). */
// @ts-ignore: decorator
@inline export const EP_MAX_EVENTS: i32 = 178956970;
/** struct epoll_event on x86-64 is packed: u32 events, u64 data. */
// @ts-ignore: decorator
@inline export const SIZEOF_EPOLL_EVENT: u32 = 12;

@final @unmanaged export class EventPoll {
  wq_next: usize;
  wq_prev: usize;
  pw_next: usize;
  pw_prev: usize;
  rd_next: usize;
  rd_prev: usize;
  rbr: usize;
  file: usize;
  gen: u32;
  loop_check_depth: i32;
}
// @ts-ignore: decorator
@inline const EP_WQ: usize = 0;
// @ts-ignore: decorator
@inline const EP_POLL_WAIT: usize = 8;
// @ts-ignore: decorator
@inline const EP_RDLLIST: usize = 16;
// @ts-ignore: decorator
@inline const EP_RBR: usize = 24;

@final @unmanaged class Epitem {
  rb_parent_color: u32;
  rb_right: u32;
  rb_left: u32;
  rd_next: usize;
  rd_prev: usize;
  fl_next: usize;
  fl_prev: usize;
  w_next: usize;
  w_prev: usize;
  w_func: u32;
  w_private: usize;
  w_flags: u32;
  whead: usize;
  file: usize;
  fd: i32;
  ep: usize;
  events: u32;
  data_lo: u32;
  data_hi: u32;
}
// @ts-ignore: decorator
@inline const EPI_RDLLINK: usize = 12;
// @ts-ignore: decorator
@inline const EPI_FLLINK: usize = 20;
// @ts-ignore: decorator
@inline const EPI_WAIT: usize = 28;

// @ts-ignore: decorator
@inline function ep_at(ep: EventPoll, off: usize): usize { return changetype<usize>(ep) + off; }
// @ts-ignore: decorator
@inline function epi_at(epi: Epitem, off: usize): usize { return changetype<usize>(epi) + off; }
// @ts-ignore: decorator
@inline function ep_is_linked(epi: Epitem): bool { return !list_empty(epi_at(epi, EPI_RDLLINK)); }
// @ts-ignore: decorator
@inline function is_file_epoll(f: File): bool { return f.f_type == FILE_EPOLL; }

// ───── slabs (Linux: the eventpoll and epi caches) ─────
// Items are taken at EPOLL_CTL_ADD, as kmem_cache_alloc(epi_cache) is in ep_insert;
// epoll_wait allocates nothing.
const ep_cache: usize = memory.data(SIZEOF_KMEM_CACHE, 4);
const epi_cache: usize = memory.data(SIZEOF_KMEM_CACHE, 4);

function ep_alloc(): EventPoll {
  const ep = changetype<EventPoll>(kmem_cache_zalloc(ep_cache, offsetof<EventPoll>()));
  INIT_LIST_HEAD(ep_at(ep, EP_WQ));
  INIT_LIST_HEAD(ep_at(ep, EP_POLL_WAIT));
  INIT_LIST_HEAD(ep_at(ep, EP_RDLLIST));
  return ep;
}

function epi_alloc(): Epitem {
  const epi = changetype<Epitem>(kmem_cache_zalloc(epi_cache, offsetof<Epitem>()));
  INIT_LIST_HEAD(epi_at(epi, EPI_RDLLINK));
  return epi;
}

/** epitems and eventpolls allocated (leak checks). */
export function epitems_inuse(): u32 { return kmem_cache_inuse(epi_cache); }
export function eventpolls_inuse(): u32 { return kmem_cache_inuse(ep_cache); }

// ───── file poll (f_op->poll) ─────

/**
 * vfs_poll(): the file's ready mask; with a queueing table, the caller is also hooked on
 * the file's wait queue (sock_poll's poll_wait on sk_sleep, or ep->poll_wait).
 */
export function vfs_poll(f: File, pt: PollTable | null, depth: i32): u32 {
  if (f.f_type == FILE_SOCKET) {
    const sk = changetype<Sock>(f.private_data);
    poll_wait(sk.sk_wq, pt);
    return inet_poll(sk);
  }
  if (f.f_type == FILE_EPOLL) {
    const ep = changetype<EventPoll>(f.private_data);
    poll_wait(ep_at(ep, EP_POLL_WAIT), pt);
    return __ep_eventpoll_poll(ep, depth);
  }
  return 0;
}

/**
 * __ep_eventpoll_poll(): an epoll file is readable when an item on its ready list really
 * has events; items that no longer do are dropped from the list on the way.
 */
function __ep_eventpoll_poll(ep: EventPoll, depth: i32): u32 {
  const rdl = ep_at(ep, EP_RDLLIST);
  let p = list_next(rdl);
  while (p != rdl) {
    const next = list_next(p);
    const epi = changetype<Epitem>(p - EPI_RDLLINK);
    if (ep_item_poll(epi, null, depth + 1) != 0) return <u32>EPOLLIN | <u32>EPOLLRDNORM;
    list_del_init(p);
    p = next;
  }
  return 0;
}

/** ep_item_poll(): the item's target's events, restricted to those the item asked for. */
function ep_item_poll(epi: Epitem, pt: PollTable | null, depth: i32): u32 {
  if (pt !== null) pt.key = epi.events;
  return vfs_poll(changetype<File>(epi.file), pt, depth) & epi.events;
}

// ───── wake-ups ─────

/** ep_poll_safewake(): tell whoever polls this epoll file (nested epoll, poll, select). */
function ep_poll_safewake(ep: EventPoll): void {
  const pw = ep_at(ep, EP_POLL_WAIT);
  if (waitqueue_active(pw)) __wake_up(pw, 1, <u32>EPOLLIN);
}

/**
 * ep_poll_callback(): the target's wait queue woke with `key` events. Queue the item on
 * the ready list and wake one epoll_wait sleeper. Its return value is what an exclusive
 * wake-up counts: an EPOLLEXCLUSIVE item only "woke someone" when a task was waiting on
 * its epoll for those events, so __wake_up goes on to the next exclusive waiter otherwise.
 */
function ep_poll_callback(entry: usize, key: u32): i32 {
  const epi = changetype<Epitem>(entry - EPI_WAIT);
  const ep = changetype<EventPoll>(epi.ep);
  let ewake: i32 = 0;
  // An item disabled by EPOLLONESHOT (until EPOLL_CTL_MOD re-arms it), or events it did
  // not ask for: nothing to queue.
  if ((epi.events & ~EP_PRIVATE_BITS) != 0 && (key == 0 || (key & epi.events) != 0)) {
    if (!ep_is_linked(epi)) list_add_tail(epi_at(epi, EPI_RDLLINK), ep_at(ep, EP_RDLLIST));
    const wq = ep_at(ep, EP_WQ);
    if (waitqueue_active(wq)) {
      if ((epi.events & <u32>EPOLLEXCLUSIVE) != 0) {
        const inout = key & (<u32>EPOLLIN | <u32>EPOLLOUT);
        if (inout == <u32>EPOLLIN) { if ((epi.events & <u32>EPOLLIN) != 0) ewake = 1; }
        else if (inout == <u32>EPOLLOUT) { if ((epi.events & <u32>EPOLLOUT) != 0) ewake = 1; }
        else if (inout == 0) ewake = 1;
      }
      __wake_up(wq, 1, 0);
    }
    ep_poll_safewake(ep);
  }
  // A non-exclusive entry always counts as woken (it does not count against nr_exclusive anyway).
  if ((epi.events & <u32>EPOLLEXCLUSIVE) == 0) ewake = 1;
  return ewake;
}

/** ep_ptable_queue_proc(): the poll_table callback that hooks an item on its target's queue. */
function ep_ptable_queue_proc(wq: usize, ptp: usize): void {
  const epi = changetype<Epitem>(changetype<PollTable>(ptp).priv);
  const w = changetype<WaitQueueEntry>(epi_at(epi, EPI_WAIT));
  if (epi.whead != 0) return;
  init_waitqueue_entry(w, ep_poll_callback.index, changetype<usize>(epi));
  epi.whead = wq;
  if ((epi.events & <u32>EPOLLEXCLUSIVE) != 0) add_wait_queue_exclusive(wq, w);
  else add_wait_queue(wq, w);
}

// ───── the interest tree ─────

/** ep_cmp_ffd(): order by file, then fd. */
// @ts-ignore: decorator
@inline function ffd_cmp(f1: usize, fd1: i32, f2: usize, fd2: i32): i32 {
  return f1 > f2 ? 1 : f1 < f2 ? -1 : fd1 - fd2;
}

/** ep_find(). */
function ep_find(ep: EventPoll, f: File, fd: i32): Epitem | null {
  let n = <usize>load<u32>(ep_at(ep, EP_RBR));
  while (n != 0) {
    const epi = changetype<Epitem>(n);
    const c = ffd_cmp(changetype<usize>(f), fd, epi.file, epi.fd);
    if (c == 0) return epi;
    n = <usize>load<u32>(n + (c < 0 ? RB_LEFT : RB_RIGHT));
  }
  return null;
}

function ep_rbtree_insert(ep: EventPoll, epi: Epitem): void {
  const root = ep_at(ep, EP_RBR);
  let link = root;
  let parent: usize = 0;
  let n = <usize>load<u32>(root);
  while (n != 0) {
    parent = n;
    const e = changetype<Epitem>(n);
    const c = ffd_cmp(epi.file, epi.fd, e.file, e.fd);
    link = n + (c < 0 ? RB_LEFT : RB_RIGHT);
    n = <usize>load<u32>(link);
  }
  rb_link_node(changetype<usize>(epi), parent, link);
  rb_insert_color(changetype<usize>(epi), root);
}

/** ep_insert(): a new item; if its target is ready already it goes on the ready list. */
function ep_insert(ep: EventPoll, events: u32, data_lo: u32, data_hi: u32, tf: File, fd: i32): i32 {
  const epi = epi_alloc();
  epi.ep = changetype<usize>(ep);
  epi.file = changetype<usize>(tf);
  epi.fd = fd;
  epi.events = events;
  epi.data_lo = data_lo;
  epi.data_hi = data_hi;
  list_add_tail(epi_at(epi, EPI_FLLINK), changetype<usize>(tf) + FILE_F_EP);
  ep_rbtree_insert(ep, epi);
  const pt = changetype<PollTable>(pt_scratch);
  pt.qproc = ep_ptable_queue_proc.index;
  pt.priv = changetype<usize>(epi);
  const revents = ep_item_poll(epi, pt, 1);
  if (revents != 0 && !ep_is_linked(epi)) {
    list_add_tail(epi_at(epi, EPI_RDLLINK), ep_at(ep, EP_RDLLIST));
    if (waitqueue_active(ep_at(ep, EP_WQ))) __wake_up(ep_at(ep, EP_WQ), 1, 0);
    ep_poll_safewake(ep);
  }
  return 0;
}
const pt_scratch: usize = memory.data(offsetof<PollTable>(), 4);

/** ep_modify(): new events and data; re-polls, so a re-armed ONESHOT item reports again. */
function ep_modify(ep: EventPoll, epi: Epitem, events: u32, data_lo: u32, data_hi: u32): i32 {
  epi.events = events;
  epi.data_lo = data_lo;
  epi.data_hi = data_hi;
  if (ep_item_poll(epi, null, 1) != 0 && !ep_is_linked(epi)) {
    list_add_tail(epi_at(epi, EPI_RDLLINK), ep_at(ep, EP_RDLLIST));
    if (waitqueue_active(ep_at(ep, EP_WQ))) __wake_up(ep_at(ep, EP_WQ), 1, 0);
    ep_poll_safewake(ep);
  }
  return 0;
}

/** ep_remove(): unhooks the item from its target's queue, its file, the tree and the ready list. */
function ep_remove(ep: EventPoll, epi: Epitem): void {
  if (epi.whead != 0) {
    remove_wait_queue(changetype<WaitQueueEntry>(epi_at(epi, EPI_WAIT)));
    epi.whead = 0;
  }
  list_del_init(epi_at(epi, EPI_FLLINK));
  rb_erase(changetype<usize>(epi), ep_at(ep, EP_RBR));
  RB_CLEAR_NODE(changetype<usize>(epi));
  if (ep_is_linked(epi)) list_del_init(epi_at(epi, EPI_RDLLINK));
  kmem_cache_free(epi_cache, changetype<usize>(epi));
}

/**
 * eventpoll_release(): the last reference to a file is gone; every epoll watching it
 * forgets it. A close() while another reference lives (fork, dup) removes nothing: the
 * item stays and keeps reporting, which is epoll(7)'s "Q6" pitfall.
 */
export function eventpoll_release(f: File): void {
  const head = changetype<usize>(f) + FILE_F_EP;
  while (!list_empty(head)) {
    const epi = changetype<Epitem>(list_next(head) - EPI_FLLINK);
    ep_remove(changetype<EventPoll>(epi.ep), epi);
  }
}

/** ep_free(): the epoll file itself is released: every item goes. */
export function ep_free(f: File): void {
  const ep = changetype<EventPoll>(f.private_data);
  ep_poll_safewake(ep);
  for (;;) {
    const n = rb_first(ep_at(ep, EP_RBR));
    if (n == 0) break;
    ep_remove(ep, changetype<Epitem>(n));
  }
  kmem_cache_free(ep_cache, changetype<usize>(ep));
}

// ───── loop and depth checks ─────
let loop_check_gen: u32 = 0;
let inserting_into: usize = 0;

/**
 * ep_loop_check_proc(): how deep epoll files nest below `ep`; more than EPOLL_MAX_NESTS
 * when the walk reaches the epoll being inserted into (a cycle) or goes too deep.
 */
function ep_loop_check_proc(ep: EventPoll, depth: i32): i32 {
  if (ep.gen == loop_check_gen) return ep.loop_check_depth;
  ep.gen = loop_check_gen;
  let result: i32 = 0;
  for (let n = rb_first(ep_at(ep, EP_RBR)); n != 0; n = rb_next(n)) {
    const epi = changetype<Epitem>(n);
    const tf = changetype<File>(epi.file);
    if (!is_file_epoll(tf)) continue;
    const to = changetype<EventPoll>(tf.private_data);
    if (changetype<usize>(to) == inserting_into || depth > EPOLL_MAX_NESTS) result = EPOLL_MAX_NESTS + 1;
    else result = max(result, ep_loop_check_proc(to, depth + 1) + 1);
    if (result > EPOLL_MAX_NESTS) break;
  }
  ep.loop_check_depth = result;
  return result;
}

/** ep_get_upwards_depth_proc(): how many epolls sit above `ep` (items watching its file). */
function ep_get_upwards_depth_proc(ep: EventPoll, depth: i32): i32 {
  if (ep.gen == loop_check_gen) return ep.loop_check_depth;
  let result: i32 = 0;
  const head = ep.file + FILE_F_EP;
  for (let p = list_next(head); p != head; p = list_next(p)) {
    const epi = changetype<Epitem>(p - EPI_FLLINK);
    result = max(result, ep_get_upwards_depth_proc(changetype<EventPoll>(epi.ep), depth + 1) + 1);
  }
  ep.gen = loop_check_gen;
  ep.loop_check_depth = result;
  return result;
}

/**
 * ep_loop_check(): adding epoll `to` into `ep` must not close a cycle, and the whole chain
 * (above ep, ep, below to) must stay within EPOLL_MAX_NESTS (Linux 6.15+, which also
 * counts upwards: commit "eventpoll: Fix semi-unbounded recursion").
 */
function ep_loop_check(ep: EventPoll, to: EventPoll): i32 {
  loop_check_gen++;
  inserting_into = changetype<usize>(ep);
  const depth = ep_loop_check_proc(to, 0);
  if (depth > EPOLL_MAX_NESTS) return -1;
  const up = ep_get_upwards_depth_proc(ep, 0);
  return depth + 1 + up > EPOLL_MAX_NESTS ? -1 : 0;
}

// ───── syscalls ─────

/** epoll_create1(): flags may only be EPOLL_CLOEXEC. */
export function sys_epoll_create1(pid: u32, flags: i32): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  if ((flags & ~EPOLL_CLOEXEC) != 0) return -EINVAL;
  const ep = ep_alloc();
  const f = alloc_file(FILE_EPOLL, changetype<usize>(ep), <u32>O_RDWR);
  if (f === null) {
    kmem_cache_free(ep_cache, changetype<usize>(ep));
    return -ENFILE;
  }
  ep.file = changetype<usize>(f);
  const fd = fd_alloc(t, f, (flags & EPOLL_CLOEXEC) != 0, 0);
  if (fd < 0) {
    ep_free(f);
    free_file(f);
  }
  return fd;
}

/** epoll_ctl(): the checks in do_epoll_ctl's order, so the same errno wins as in Linux. */
export function sys_epoll_ctl(pid: u32, epfd: i32, op: i32, fd: i32, events: u32, data_lo: u32, data_hi: u32): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  const f = fget(t, epfd);
  if (f === null) return -EBADF;
  const tf = fget(t, fd);
  if (tf === null) return -EBADF;
  // EPERM (a target without ->poll, e.g. a regular file) cannot happen: every kstack file polls.
  const has_event = op != EPOLL_CTL_DEL;
  if (f === tf || !is_file_epoll(f)) return -EINVAL;
  if (has_event && (events & <u32>EPOLLEXCLUSIVE) != 0) {
    // EPOLLEXCLUSIVE is taken into account when the item joins the queue (ADD) only.
    if (op == EPOLL_CTL_MOD) return -EINVAL;
    if (op == EPOLL_CTL_ADD && (is_file_epoll(tf) || (events & ~EPOLLEXCLUSIVE_OK_BITS) != 0)) return -EINVAL;
  }
  const ep = changetype<EventPoll>(f.private_data);
  if (op == EPOLL_CTL_ADD && is_file_epoll(tf)) {
    if (ep_loop_check(ep, changetype<EventPoll>(tf.private_data)) != 0) return -ELOOP;
  }
  const epi = ep_find(ep, tf, fd);
  switch (op) {
    case EPOLL_CTL_ADD:
      if (epi !== null) return -EEXIST;
      return ep_insert(ep, events | <u32>EPOLLERR | <u32>EPOLLHUP, data_lo, data_hi, tf, fd);
    case EPOLL_CTL_DEL:
      if (epi === null) return -ENOENT;
      ep_remove(ep, epi);
      return 0;
    case EPOLL_CTL_MOD:
      if (epi === null) return -ENOENT;
      if ((epi.events & <u32>EPOLLEXCLUSIVE) != 0) return -EINVAL;
      return ep_modify(ep, epi, events | <u32>EPOLLERR | <u32>EPOLLHUP, data_lo, data_hi);
  }
  return -EINVAL;
}

/**
 * ep_send_events(): moves up to maxevents ready items to `out`. Each is polled again (a
 * level-triggered item whose data was read meanwhile drops out); a reported item is
 * disabled (ONESHOT), forgotten (ET), or re-queued at the tail (LT), and the items not
 * reached go back in front, so a small maxevents serves every ready item in turn.
 */
function ep_send_events(ep: EventPoll, out: usize, maxevents: i32): i32 {
  const txlist = txlist_head;
  INIT_LIST_HEAD(txlist);
  list_splice_init(ep_at(ep, EP_RDLLIST), txlist);
  let res: i32 = 0;
  let p = list_next(txlist);
  while (p != txlist) {
    if (res >= maxevents) break;
    const next = list_next(p);
    const epi = changetype<Epitem>(p - EPI_RDLLINK);
    list_del_init(p);
    const revents = ep_item_poll(epi, null, 1);
    if (revents != 0) {
      const o = out + <usize>res * SIZEOF_EPOLL_EVENT;
      store<u32>(o, revents);
      store<u32>(o, epi.data_lo, 4);
      store<u32>(o, epi.data_hi, 8);
      res++;
      if ((epi.events & <u32>EPOLLONESHOT) != 0) epi.events &= EP_PRIVATE_BITS;
      else if ((epi.events & <u32>EPOLLET) == 0) list_add_tail(p, ep_at(ep, EP_RDLLIST));
    }
    p = next;
  }
  // ep_done_scan(): what was not reached goes back in front of the ready list, and while
  // anything is ready another epoll_wait sleeper is woken (the level-triggered items just
  // re-queued, or what maxevents left) since each event woke only one.
  list_splice_init(txlist, ep_at(ep, EP_RDLLIST));
  if (!list_empty(ep_at(ep, EP_RDLLIST)) && waitqueue_active(ep_at(ep, EP_WQ))) __wake_up(ep_at(ep, EP_WQ), 1, 0);
  return res;
}
const txlist_head: usize = memory.data(8, 4);

/**
 * epoll_wait(): up to maxevents events at `out` (12 bytes each; `cap` bounds what fits).
 * timeout_ms < 0 waits forever, 0 only looks. The sleep is exclusive on ep->wq, as
 * ep_poll's __add_wait_queue_exclusive: one event wakes one of several waiters.
 */
export function sys_epoll_wait(pid: u32, epfd: i32, maxevents: i32, timeout_ms: i32, out: usize, cap: i32): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  // Linux 6.18 looks the file up before it checks maxevents (a bad fd with maxevents 0 is
  // EBADF there, pinned by test/integration/epoll.linux.test.ts), unlike the order of the
  // older do_epoll_wait that epoll_wait(2) describes.
  const f = fget(t, epfd);
  if (f === null) return -EBADF;
  if (maxevents <= 0 || maxevents > EP_MAX_EVENTS) return -EINVAL;
  if (!is_file_epoll(f)) return -EINVAL;
  const ep = changetype<EventPoll>(f.private_data);
  const timed_out = timeout_ms == 0 || task_timed_out(t);
  if (!list_empty(ep_at(ep, EP_RDLLIST))) {
    const res = ep_send_events(ep, out, min(maxevents, cap));
    if (res != 0) return sys_return(t, res);
  }
  if (timed_out) return sys_return(t, 0);
  return task_block_poll(t, ep_at(ep, EP_WQ), timeout_ms < 0 ? -1 : <f64>timeout_ms, true);
}
