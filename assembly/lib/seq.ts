// TCP sequence-number comparison in modulo-2^32 space (RFC 9293 §3.4, RFC 1982 serial
// number arithmetic). Linux: include/net/tcp.h before()/after()/between().
//
// `before(a, b)` is true when a precedes b on the circle, i.e. when the signed 32-bit
// distance a - b is negative. It is only meaningful for points less than 2^31 apart,
// which TCP guarantees by bounding windows (RFC 7323 §2.3: at most 2^30).

/** a precedes b (a < b mod 2^32). */
// @ts-ignore: decorator
@inline export function before(a: u32, b: u32): bool {
  return <i32>(a - b) < 0;
}

/** a follows b (a > b mod 2^32). */
// @ts-ignore: decorator
@inline export function after(a: u32, b: u32): bool {
  return before(b, a);
}

/** seq2 <= seq1 <= seq3 on the circle, i.e. seq1 lies in the arc starting at seq2 and
 *  ending at seq3 (inclusive), measured forward from seq2. */
// @ts-ignore: decorator
@inline export function between(seq1: u32, seq2: u32, seq3: u32): bool {
  // Shift the origin to seq2: both distances are then plain unsigned numbers.
  return seq1 - seq2 <= seq3 - seq2;
}

/** The later of two sequence numbers (Linux has no helper; tcp code open-codes it). */
// @ts-ignore: decorator
@inline export function seq_max(a: u32, b: u32): u32 {
  return after(a, b) ? a : b;
}

/** The earlier of two sequence numbers. */
// @ts-ignore: decorator
@inline export function seq_min(a: u32, b: u32): u32 {
  return before(a, b) ? a : b;
}
