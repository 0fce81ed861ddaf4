// High-resolution timers: exact expiry in nanoseconds, kept in a red-black tree ordered
// by expiry with the leftmost cached, as Linux's timerqueue (kernel/time/hrtimer.c).
// nanosleep() uses these (Linux: hrtimer_nanosleep, so a 60 s sleep lasts 60 s), while
// socket timeouts use the jiffies wheel with its slack (schedule_timeout), as in Linux.
//
// struct hrtimer (32 bytes): 0 rb_node (12) │ 12 func │ 16 data │ 20 queued │ 24 expires (f64)
import { rb_link_node, rb_insert_color_cached, rb_erase_cached, rb_first_cached, rb_left, rb_right, RB_LEFT, RB_RIGHT, RB_ROOT_CACHED_INIT, SIZEOF_RB_ROOT_CACHED } from "../lib/rbtree";
import { ktime_ns } from "./clock";

@final @unmanaged export class HrTimer {
  rb_parent_color: u32;
  rb_right: u32;
  rb_left: u32;
  func: u32;
  data: usize;
  queued: u32;
  expires: f64;
}

const root: usize = memory.data(<i32>SIZEOF_RB_ROOT_CACHED, 4);
let nqueued: u32 = 0;

export function hrtimer_init_base(): void {
  RB_ROOT_CACHED_INIT(root);
  nqueued = 0;
}

export function hrtimer_setup(t: HrTimer, func: u32, data: usize): void {
  t.func = func;
  t.data = data;
  t.queued = 0;
  t.expires = 0;
}

export function hrtimer_active(t: HrTimer): bool { return t.queued != 0; }
export function hrtimers_queued(): u32 { return nqueued; }

/** hrtimer_cancel(). */
export function hrtimer_cancel(t: HrTimer): void {
  if (t.queued == 0) return;
  rb_erase_cached(changetype<usize>(t), root);
  t.queued = 0;
  nqueued--;
}

/** hrtimer_start(): absolute expiry in ns on the kernel clock. Equal expiries keep FIFO order. */
export function hrtimer_start(t: HrTimer, expires_ns: f64): void {
  hrtimer_cancel(t);
  t.expires = expires_ns;
  let link = root;
  let parent: usize = 0;
  let leftmost = true;
  let node = load<u32>(root);
  let slot = root;
  while (node != 0) {
    parent = <usize>node;
    if (expires_ns < changetype<HrTimer>(parent).expires) {
      slot = parent + RB_LEFT;
      node = <u32>rb_left(parent);
    } else {
      slot = parent + RB_RIGHT;
      node = <u32>rb_right(parent);
      leftmost = false;
    }
  }
  link = slot;
  rb_link_node(changetype<usize>(t), parent, link);
  rb_insert_color_cached(changetype<usize>(t), root, leftmost);
  t.queued = 1;
  nqueued++;
}

/** Expiry of the earliest timer (ns), or -1. */
export function hrtimer_next(): f64 {
  const first = rb_first_cached(root);
  return first == 0 ? -1 : changetype<HrTimer>(first).expires;
}

/** hrtimer_interrupt(): runs every timer whose expiry has come. */
export function hrtimer_run(): void {
  for (;;) {
    const first = rb_first_cached(root);
    if (first == 0) return;
    const t = changetype<HrTimer>(first);
    if (t.expires > ktime_ns) return;
    hrtimer_cancel(t);
    call_indirect<void>(t.func, t.data);
  }
}
