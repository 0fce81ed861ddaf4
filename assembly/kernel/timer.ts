// The timer wheel, after Linux kernel/time/timer.c (the non-cascading wheel of 4.8+):
// 9 levels of 64 buckets; level n has a granularity of 8^n jiffies. A timer is filed once,
// in the level whose range covers its delay, at its expiry rounded UP to that level's
// granularity, so it never fires early and fires late by at most 1/8 of its delay — as on
// Linux, where a 60 s TIME_WAIT timer fires between 60.0 s and 64.1 s (HZ = 1000).
//
//   level  granularity  delays covered (HZ=1000)
//     0        1 ms        0 ..     63 ms
//     1        8 ms       64 ..    511 ms
//     2       64 ms      512 ..   4095 ms
//     3      512 ms    4 s   ..  32.7 s
//     4     4096 ms   32.7 s ..   4.4 min
//     5    32.8 s      ..  35 min   6: 4.4 min .. 4.7 h   7, 8: up to 12 days (clamped)
//
// struct timer_list (embedded in its owner; 24 bytes):
//   0 ├─ next ─┤ 4 ├─ prev ─┤ 8 ├─ expires (jiffies) ─┤ 12 ├─ func (table index) ─┤
//  16 ├─ data ─┤ 20 ├─ flags ─┤
import { INIT_LIST_HEAD, list_add_tail, list_del_init, list_empty } from "../lib/list";
import { jiffies, time_after, time_after_eq } from "./clock";

@final @unmanaged export class TimerList {
  next: usize;
  prev: usize;
  expires: u32;
  func: u32;
  data: usize;
  flags: u32;
}
// @ts-ignore: decorator
@inline export const SIZEOF_TIMER_LIST: usize = 24;

// @ts-ignore: decorator
@inline const LVL_CLK_SHIFT: u32 = 3;
// @ts-ignore: decorator
@inline const LVL_BITS: u32 = 6;
// @ts-ignore: decorator
@inline const LVL_SIZE: u32 = 64;
// @ts-ignore: decorator
@inline const LVL_MASK: u32 = 63;
// @ts-ignore: decorator
@inline const LVL_DEPTH: u32 = 9;
// @ts-ignore: decorator
@inline const WHEEL_SIZE: u32 = 576;
/** Longest delay the wheel holds; later timers are clamped, as Linux clamps them. */
// @ts-ignore: decorator
@inline const WHEEL_TIMEOUT_CUTOFF: u32 = (LVL_SIZE - 1) << (LVL_CLK_SHIFT * (LVL_DEPTH - 1));
// @ts-ignore: decorator
@inline const NEXT_TIMER_MAX_DELTA: u32 = (1 << 30) - 1;

// @ts-ignore: decorator
@inline function LVL_SHIFT(n: u32): u32 { return n * LVL_CLK_SHIFT; }
// @ts-ignore: decorator
@inline function LVL_GRAN(n: u32): u32 { return 1 << LVL_SHIFT(n); }
// @ts-ignore: decorator
@inline function LVL_START(n: u32): u32 { return (LVL_SIZE - 1) << ((n - 1) * LVL_CLK_SHIFT); }

/** Bucket heads: WHEEL_SIZE list heads of 8 bytes; pending bits: two u32 per level. */
const vectors: usize = memory.data(WHEEL_SIZE * 8, 8);
const pending: usize = memory.data(LVL_DEPTH * 8, 8);
let base_clk: u32 = 0;
let next_expiry: u32 = 0;
let timers_pending: u32 = 0;

/** Timers armed now (the tests' leak check). */
export function timers_armed(): u32 { return timers_pending; }

export function timer_init(): void {
  for (let i: u32 = 0; i < WHEEL_SIZE; i++) INIT_LIST_HEAD(vectors + (<usize>i << 3));
  memory.fill(pending, 0, LVL_DEPTH * 8);
  base_clk = jiffies;
  next_expiry = base_clk + NEXT_TIMER_MAX_DELTA;
  timers_pending = 0;
}

/** timer_setup(): binds the callback (a top-level function's table index) and its argument. */
export function timer_setup(t: TimerList, func: u32, data: usize): void {
  t.next = 0;
  t.prev = 0;
  t.func = func;
  t.data = data;
  t.flags = 0;
  t.expires = 0;
}

// @ts-ignore: decorator
@inline export function timer_pending(t: TimerList): bool { return t.next != 0; }

function calc_index(expires: u32, lvl: u32): u32 {
  // Round up (Linux adds a whole granule: the timer must not fire before `expires`).
  const e = (expires + LVL_GRAN(lvl)) >>> LVL_SHIFT(lvl);
  return lvl * LVL_SIZE + (e & LVL_MASK);
}

function bucket_expiry_of(expires: u32, lvl: u32): u32 {
  return ((expires + LVL_GRAN(lvl)) >>> LVL_SHIFT(lvl)) << LVL_SHIFT(lvl);
}

function enqueue(t: TimerList): void {
  const clk = base_clk;
  let expires = t.expires;
  let delta = expires - clk;
  let lvl: u32 = 0;
  let idx: u32;
  let bexp: u32;
  if (<i32>delta < 0) {
    // Already due: the next bucket to run, as Linux files an expired timer.
    idx = clk & LVL_MASK;
    bexp = clk;
  } else {
    if (delta >= WHEEL_TIMEOUT_CUTOFF) {
      expires = clk + WHEEL_TIMEOUT_CUTOFF - 1;
      delta = WHEEL_TIMEOUT_CUTOFF - 1;
    }
    if (delta < LVL_START(1)) {
      idx = expires & LVL_MASK;
      bexp = expires;
    } else {
      lvl = 1;
      while (lvl < LVL_DEPTH - 1 && delta >= LVL_START(lvl + 1)) lvl++;
      idx = calc_index(expires, lvl);
      bexp = bucket_expiry_of(expires, lvl);
    }
  }
  list_add_tail(changetype<usize>(t), vectors + (<usize>idx << 3));
  const w = pending + (<usize>(idx >>> 5) << 2);
  store<u32>(w, load<u32>(w) | (1 << (idx & 31)));
  t.flags = idx;
  timers_pending++;
  if (time_after(next_expiry, bexp)) next_expiry = bexp;
}

/** Brings an idle base's clock up to now before filing, as forward_timer_base() does. */
function forward_base(): void {
  if (time_after(jiffies, base_clk)) {
    base_clk = time_after(next_expiry, jiffies) ? jiffies : next_expiry;
  }
}

/** del_timer(): returns true if the timer was pending. */
export function del_timer(t: TimerList): bool {
  if (t.next == 0) return false;
  const idx = t.flags;
  const head = vectors + (<usize>idx << 3);
  list_del_init(changetype<usize>(t));
  t.next = 0;
  t.prev = 0;
  timers_pending--;
  if (list_empty(head)) {
    const w = pending + (<usize>(idx >>> 5) << 2);
    store<u32>(w, load<u32>(w) & ~(1 << (idx & 31)));
  }
  return true;
}

/** mod_timer(): (re)arms the timer to fire at `expires` (jiffies). */
export function mod_timer(t: TimerList, expires: u32): void {
  del_timer(t);
  forward_base();
  t.expires = expires;
  enqueue(t);
}

/** Earliest bucket that holds a timer, scanning each level from its clock position. */
function recalc_next_expiry(): void {
  let next = base_clk + NEXT_TIMER_MAX_DELTA;
  let clk = base_clk;
  for (let lvl: u32 = 0; lvl < LVL_DEPTH; lvl++) {
    const lw0 = load<u32>(pending + (<usize>lvl << 3));
    const lw1 = load<u32>(pending + (<usize>lvl << 3) + 4);
    if ((lw0 | lw1) != 0) {
      const pos0 = clk & LVL_MASK;
      // First pending bucket at or after pos0, wrapping around the 64 slots.
      let best: u32 = 64;
      for (let k: u32 = 0; k < 64; k++) {
        const b = (pos0 + k) & LVL_MASK;
        const bits = b < 32 ? lw0 : lw1;
        if ((bits & (1 << (b & 31))) != 0) { best = k; break; }
      }
      if (best < 64) {
        const e = (clk + best) << LVL_SHIFT(lvl);
        if (time_after(next, e)) next = e;
      }
    }
    // The next level's clock: where this level wraps (Linux's lvl_clk carry).
    const carry = (clk & ((1 << LVL_CLK_SHIFT) - 1)) != 0 ? 1 : 0;
    clk = (clk >>> LVL_CLK_SHIFT) + carry;
  }
  next_expiry = next;
}

/** Expiry of the next timer, in jiffies; `has` is false when no timer is armed. */
export function timer_next_expiry(): u32 { return next_expiry; }
export function timer_any_pending(): bool { return timers_pending != 0; }

const expired_head: usize = memory.data(8, 8);

/** run_timers(): fires every timer whose bucket is due at the current jiffies. */
export function run_timers(): void {
  while (timers_pending != 0 && time_after_eq(jiffies, next_expiry)) {
    let clk = next_expiry;
    base_clk = clk;
    INIT_LIST_HEAD(expired_head);
    // collect_expired_timers(): the due bucket of level 0 and of every level whose
    // lower clock bits are all zero at this clk.
    for (let lvl: u32 = 0; lvl < LVL_DEPTH; lvl++) {
      const idx = lvl * LVL_SIZE + (clk & LVL_MASK);
      const w = pending + (<usize>(idx >>> 5) << 2);
      const bit: u32 = 1 << (idx & 31);
      if ((load<u32>(w) & bit) != 0) {
        store<u32>(w, load<u32>(w) & ~bit);
        const head = vectors + (<usize>idx << 3);
        while (!list_empty(head)) {
          const node = load<usize>(head);
          list_del_init(node);
          list_add_tail(node, expired_head);
        }
      }
      if ((clk & ((1 << LVL_CLK_SHIFT) - 1)) != 0) break;
      clk >>>= LVL_CLK_SHIFT;
    }
    base_clk++;
    recalc_next_expiry();
    while (!list_empty(expired_head)) {
      const t = changetype<TimerList>(load<usize>(expired_head));
      list_del_init(changetype<usize>(t));
      t.next = 0;
      t.prev = 0;
      timers_pending--;
      call_indirect<void>(t.func, t.data);
    }
  }
  if (timers_pending == 0) next_expiry = base_clk + NEXT_TIMER_MAX_DELTA;
}
