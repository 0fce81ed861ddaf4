// Producer/consumer index math for power-of-two rings (NIC RX/TX descriptor rings, the
// io_uring-style SQ/CQ). Linux: include/linux/circ_buf.h, io_uring's head/tail scheme.
//
// Indices are free-running u32 counters that only ever increase (wrapping at 2^32); the
// slot is `idx & mask`. Because the size is a power of two dividing 2^32, the wrap is
// invisible: `prod - cons` is the fill level for any size ≤ 2^31, and a full ring and an
// empty ring are told apart without a wasted slot.
//
//   cons                       prod
//    │◄──── ring_count ────────►│◄──── ring_free ──────►│
//   ─┼──────────────────────────┼───────────────────────┼─  (mod size)
//    oldest filled slot         next slot to fill       cons + size

/** Entries produced but not yet consumed. */
// @ts-ignore: decorator
@inline export function ring_count(prod: u32, cons: u32): u32 {
  return prod - cons;
}

/** Slots the producer may still fill. Preconditions: size is a power of two. */
// @ts-ignore: decorator
@inline export function ring_free(prod: u32, cons: u32, size: u32): u32 {
  return size - (prod - cons);
}

/** The array slot of a free-running index. `mask` is size - 1. */
// @ts-ignore: decorator
@inline export function ring_slot(idx: u32, mask: u32): u32 {
  return idx & mask;
}

/** True when nothing is waiting to be consumed. */
// @ts-ignore: decorator
@inline export function ring_empty(prod: u32, cons: u32): bool {
  return prod == cons;
}

/** True when the producer must wait. */
// @ts-ignore: decorator
@inline export function ring_full(prod: u32, cons: u32, size: u32): bool {
  return prod - cons >= size;
}

/** A usable ring size: a non-zero power of two not above 2^31. Linux is_power_of_2. */
// @ts-ignore: decorator
@inline export function is_power_of_2(n: u32): bool {
  return n != 0 && (n & (n - 1)) == 0 && n <= 0x80000000;
}
