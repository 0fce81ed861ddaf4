// sk_buff_head: a doubly linked queue of skbs with a length, after include/linux/skbuff.h.
// The head is 16 bytes: 0 next │ 4 prev │ 8 qlen │ 12 bytes (sum of skb.len, for FIONREAD
// and SIOCOUTQ without a walk). An empty queue's next/prev point at the head itself.
import { SkBuff, consume_skb, kfree_skb_reason } from "./skbuff";

// @ts-ignore: decorator
@inline export const SIZEOF_SKB_QUEUE: usize = 16;

export function skb_queue_head_init(q: usize): void {
  store<usize>(q, q);
  store<usize>(q, q, 4);
  store<u32>(q, 0, 8);
  store<u32>(q, 0, 12);
}
// @ts-ignore: decorator
@inline export function skb_queue_len(q: usize): u32 { return load<u32>(q, 8); }
// @ts-ignore: decorator
@inline export function skb_queue_bytes(q: usize): u32 { return load<u32>(q, 12); }
// @ts-ignore: decorator
@inline export function skb_queue_empty(q: usize): bool { return load<usize>(q) == q; }

/** skb_peek(): the first skb, or null. */
export function skb_peek(q: usize): SkBuff | null {
  const n = load<usize>(q);
  return n == q ? null : changetype<SkBuff>(n);
}
/** skb_peek_tail(): the last skb, or null. */
export function skb_peek_tail(q: usize): SkBuff | null {
  const n = load<usize>(q, 4);
  return n == q ? null : changetype<SkBuff>(n);
}

/** __skb_insert(): links skb between prev and next. */
function insert(skb: SkBuff, prev: usize, next: usize, q: usize): void {
  skb.next = next;
  skb.prev = prev;
  store<usize>(prev, changetype<usize>(skb));
  store<usize>(next, changetype<usize>(skb), 4);
  store<u32>(q, load<u32>(q, 8) + 1, 8);
  store<u32>(q, load<u32>(q, 12) + skb.len, 12);
}

export function skb_queue_tail(q: usize, skb: SkBuff): void { insert(skb, load<usize>(q, 4), q, q); }
export function skb_queue_head(q: usize, skb: SkBuff): void { insert(skb, q, load<usize>(q), q); }
/** Inserts skb after `prev` (an skb in q, or q itself). */
export function skb_queue_after(q: usize, prev: usize, skb: SkBuff): void { insert(skb, prev, load<usize>(prev), q); }

/** skb_unlink(): removes skb from q. */
export function skb_unlink(skb: SkBuff, q: usize): void {
  const next = skb.next;
  const prev = skb.prev;
  store<usize>(prev, next);
  store<usize>(next, prev, 4);
  skb.next = 0;
  skb.prev = 0;
  store<u32>(q, load<u32>(q, 8) - 1, 8);
  store<u32>(q, load<u32>(q, 12) - skb.len, 12);
}

/** skb_dequeue(): removes and returns the first skb, or null. */
export function skb_dequeue(q: usize): SkBuff | null {
  const skb = skb_peek(q);
  if (skb !== null) skb_unlink(skb, q);
  return skb;
}

/** Adjusts the byte count after an skb in the queue was trimmed or pulled. */
export function skb_queue_adjust_bytes(q: usize, delta: i32): void {
  store<u32>(q, <u32>(<i32>load<u32>(q, 12) + delta), 12);
}

/** skb_queue_purge_reason(): frees every skb on q as a drop for `reason`. */
export function skb_queue_purge_reason(q: usize, reason: u32): void {
  let skb = skb_dequeue(q);
  while (skb !== null) {
    kfree_skb_reason(skb, reason);
    skb = skb_dequeue(q);
  }
}

/** skb_queue_purge(), kstack's flavour: frees every skb on q as consumed (no drop counted). */
export function skb_queue_purge(q: usize): void {
  let skb = skb_dequeue(q);
  while (skb !== null) {
    consume_skb(skb);
    skb = skb_dequeue(q);
  }
}
