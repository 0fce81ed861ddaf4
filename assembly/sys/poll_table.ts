// poll_table and poll_wqueues: how a file's poll registers the caller on its wait queues.
// Linux: include/linux/poll.h (poll_table_struct, poll_wait), fs/select.c (__pollwait,
// pollwake, poll_freewait). epoll passes a poll_table whose _qproc hooks an epitem on the
// queue (ep_ptable_queue_proc); poll()/select() pass one that hooks a poll_table_entry
// of the sleeping task. A poll_table with qproc 0 only asks for the mask.
//
// struct poll_table_entry (36 bytes):
//   0 wait (wait_queue_entry, 20) │ 20 wait_address │ 24 key │ 28 task │ 32 next (task's list)
import { WaitQueueEntry, init_waitqueue_entry, add_wait_queue, remove_wait_queue } from "../kernel/wait";
import { Task, task_wake } from "./task";
import { kmem_cache_zalloc, kmem_cache_free, kmem_cache_inuse, SIZEOF_KMEM_CACHE } from "../lib/slab";

/** struct poll_table_struct: _qproc(wq, pt) (table index, 0 = none), _key, and its owner. */
@final @unmanaged export class PollTable {
  qproc: u32;
  key: u32;
  priv: usize;
}

/** poll_wait(): hands the file's wait queue to the table's queueing function. */
export function poll_wait(wq: usize, pt: PollTable | null): void {
  if (pt !== null && pt.qproc != 0 && wq != 0) call_indirect<void>(pt.qproc, wq, changetype<usize>(pt));
}

@final @unmanaged class PollTableEntry {
  w_next: usize;
  w_prev: usize;
  w_func: u32;
  w_private: usize;
  w_flags: u32;
  wait_address: usize;
  key: u32;
  task: usize;
  next: usize;
}

// Linux takes poll_table_entry pages with __get_free_page inside poll(); kstack keeps the
// freed entries on a list and grows it in chunks, so a steady state allocates nothing.
const pte_cache: usize = memory.data(SIZEOF_KMEM_CACHE, 4);

function pte_alloc(): PollTableEntry {
  return changetype<PollTableEntry>(kmem_cache_zalloc(pte_cache, offsetof<PollTableEntry>()));
}

/** Entries hooked on wait queues right now (leak check: 0 when no one sleeps in poll). */
export function poll_entries_inuse(): u32 { return kmem_cache_inuse(pte_cache); }

/**
 * pollwake(): a wake-up on one of the queues poll()/select() sleeps on. Events the
 * caller did not ask for do not wake it (the key filter of __pollwake).
 */
function pollwake(entry: usize, key: u32): i32 {
  const e = changetype<PollTableEntry>(entry);
  if (key != 0 && (key & e.key) == 0) return 0;
  task_wake(changetype<Task>(e.task));
  return 1;
}

/** __pollwait(): the _qproc of poll()/select(): a new entry of the task on `wq`. */
function __pollwait(wq: usize, ptp: usize): void {
  const pt = changetype<PollTable>(ptp);
  const t = changetype<Task>(pt.priv);
  const e = pte_alloc();
  init_waitqueue_entry(changetype<WaitQueueEntry>(e), pollwake.index, changetype<usize>(e));
  e.wait_address = wq;
  e.key = pt.key;
  e.task = changetype<usize>(t);
  e.next = t.poll_list;
  t.poll_list = changetype<usize>(e);
  add_wait_queue(wq, changetype<WaitQueueEntry>(e));
}

/** poll_initwait(): a table that queues the task (qproc 0 when it must not register). */
export function poll_initwait(pt: PollTable, t: Task, register: bool): void {
  pt.qproc = register ? __pollwait.index : 0;
  pt.key = 0;
  pt.priv = changetype<usize>(t);
}

/** poll_freewait(): takes every entry of the task off its queue (the call is over). */
export function poll_freewait(t: Task): void {
  let p = t.poll_list;
  while (p != 0) {
    const e = changetype<PollTableEntry>(p);
    p = e.next;
    remove_wait_queue(changetype<WaitQueueEntry>(e));
    kmem_cache_free(pte_cache, changetype<usize>(e));
  }
  t.poll_list = 0;
}
