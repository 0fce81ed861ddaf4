// Kernel time, passed in by the host (the kernel reads no clock of its own).
// Linux: kernel/time/jiffies.c. HZ = 1000, so one jiffy is one millisecond.
//
// Time is kept as f64 nanoseconds (exact for 104 days) rather than u64: the JS engine
// (wasm2js) emulates every i64 operation, and the hot path compares times per packet.

// @ts-ignore: decorator
@inline export const HZ: u32 = 1000;
// @ts-ignore: decorator
@inline export const NSEC_PER_JIFFY: f64 = 1e6;

/** Nanoseconds since the network started; monotonic. */
export let ktime_ns: f64 = 0;
/** Milliseconds since boot, wrapping u32 like Linux's jiffies; compare with time_after(). */
export let jiffies: u32 = 0;

/** Moves the clock forward (never back: a late host call cannot rewind the kernel). */
export function clock_advance(now_ns: f64): void {
  // Whole nanoseconds: the host passes ms, and ms → ns can land a hair short of a
  // deadline the kernel computed (16001264 ns → 16.001264 ms → 16001263.999999998 ns).
  const ns = Math.round(now_ns);
  if (ns > ktime_ns) ktime_ns = ns;
  // Wrap to 32 bits in f64 arithmetic: an f64 → i64 conversion is the one thing wasm2js
  // cannot lower.
  const ms = Math.floor(ktime_ns / NSEC_PER_JIFFY);
  jiffies = <u32>(ms - Math.floor(ms / 4294967296.0) * 4294967296.0);
}

/** time_after(a, b): a is later than b, wrap-safe (Linux include/linux/jiffies.h). */
// @ts-ignore: decorator
@inline export function time_after(a: u32, b: u32): bool { return <i32>(b - a) < 0; }
// @ts-ignore: decorator
@inline export function time_after_eq(a: u32, b: u32): bool { return <i32>(a - b) >= 0; }

/** Milliseconds to jiffies, rounding up as msecs_to_jiffies() does. */
// @ts-ignore: decorator
@inline export function msecs_to_jiffies(ms: u32): u32 { return ms; }
