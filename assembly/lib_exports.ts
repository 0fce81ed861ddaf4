// Exports of layer 0 (assembly/lib) for the test suite and the benchmark: thin wrappers,
// no logic beyond the red-black self-check. index.ts re-exports this file
// (`export * from "./lib_exports"`), and it also compiles on its own as an entry for the
// lib tests. Names are prefixed test_/bench_ so that they cannot clash with the kernel ABI.

import {
  csum_partial, csum_partial_scalar, csum_partial_simd, csum_partial_copy_nocheck, csum_fold, csum_add, ip_fast_csum,
  csum_tcpudp_nofold, csum_tcpudp_magic, csum_replace2, csum_replace4,
} from "./lib/checksum";
import { before, after, between } from "./lib/seq";
import { ring_count, ring_free, ring_slot } from "./lib/ring";
import { minmax_get, minmax_reset, minmax_running_min } from "./lib/win_minmax";
import {
  INIT_LIST_HEAD, list_add, list_add_tail, list_del, list_del_init, list_empty, list_first,
  list_last, list_move_tail, list_splice_tail_init,
} from "./lib/list";
import {
  RB_LEFT, RB_RIGHT, rb_link_node, rb_erase, rb_first, rb_last, rb_next,
  rb_prev, rb_parent, rb_is_red, rb_left, rb_right, rb_root_node,
  RB_ROOT_CACHED_INIT, rb_insert_color_cached, rb_erase_cached, rb_first_cached,
} from "./lib/rbtree";

// ─── scratch memory ───────────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline const SCRATCH_SIZE: i32 = 131072;
const scratch: usize = memory.data(SCRATCH_SIZE, 16);

/** A static 128 KiB, 16-byte aligned buffer the host writes test data into. */
export function test_scratch(): usize { return scratch; }
/** Its size in bytes. */
export function test_scratch_size(): i32 { return SCRATCH_SIZE; }

// ─── checksum ─────────────────────────────────────────────────────────────────────

export function bench_csum(p: usize, n: i32): u32 { return csum_partial(p, n, 0); }
export function bench_csum_simd(p: usize, n: i32): u32 { return csum_partial_simd(p, n, 0); }
export function bench_csum_scalar(p: usize, n: i32): u32 { return csum_partial_scalar(p, n, 0); }
/** The memcpy the checksum bandwidth is compared with (memory.copy). */
export function bench_memcpy(dst: usize, src: usize, n: i32): void { memory.copy(dst, src, <usize>n); }
/** Runs a checksum `iters` times inside Wasm, so that call overhead does not count. */
export function bench_csum_loop(p: usize, n: i32, iters: i32, simd: i32): u32 {
  let s: u32 = 0;
  for (let i = 0; i < iters; i++) {
    s = csum_add(s, simd ? csum_partial_simd(p, n, 0) : csum_partial_scalar(p, n, 0));
  }
  return s;
}
export function bench_memcpy_loop(dst: usize, src: usize, n: i32, iters: i32): void {
  for (let i = 0; i < iters; i++) memory.copy(dst, src, <usize>n);
}

export function test_csum_partial(p: usize, n: i32, wsum: u32): u32 { return csum_partial(p, n, wsum); }
export function test_csum_partial_simd(p: usize, n: i32, wsum: u32): u32 { return csum_partial_simd(p, n, wsum); }
export function test_csum_partial_scalar(p: usize, n: i32, wsum: u32): u32 { return csum_partial_scalar(p, n, wsum); }
export function test_csum_partial_copy(src: usize, dst: usize, n: i32, wsum: u32): u32 { return csum_partial_copy_nocheck(src, dst, n, wsum); }
export function test_csum_fold(wsum: u32): u32 { return csum_fold(wsum); }
export function test_csum_add(a: u32, b: u32): u32 { return csum_add(a, b); }
export function test_ip_fast_csum(iph: usize, ihl_words: u32): u32 { return ip_fast_csum(iph, ihl_words); }
export function test_csum_tcpudp_nofold(saddr: u32, daddr: u32, len: u32, proto: u32, wsum: u32): u32 {
  return csum_tcpudp_nofold(saddr, daddr, len, proto, wsum);
}
export function test_csum_tcpudp_magic(saddr: u32, daddr: u32, len: u32, proto: u32, wsum: u32): u32 {
  return csum_tcpudp_magic(saddr, daddr, len, proto, wsum);
}
export function test_csum_replace2(sump: usize, from: u32, to: u32): void { csum_replace2(sump, from, to); }
export function test_csum_replace4(sump: usize, from: u32, to: u32): void { csum_replace4(sump, from, to); }

// ─── seq, ring ────────────────────────────────────────────────────────────────────

export function test_before(a: u32, b: u32): bool { return before(a, b); }
export function test_after(a: u32, b: u32): bool { return after(a, b); }
export function test_between(seq1: u32, seq2: u32, seq3: u32): bool { return between(seq1, seq2, seq3); }
export function test_ring_count(prod: u32, cons: u32): u32 { return ring_count(prod, cons); }
export function test_ring_free(prod: u32, cons: u32, size: u32): u32 { return ring_free(prod, cons, size); }
export function test_ring_slot(idx: u32, mask: u32): u32 { return ring_slot(idx, mask); }

// ─── win_minmax (one filter at a caller-chosen address, e.g. in the scratch area) ─────

export function test_minmax_reset(m: usize, t: u32, v: u32): u32 { return minmax_reset(m, t, v); }
export function test_minmax_running_min(m: usize, win: u32, t: u32, v: u32): u32 { return minmax_running_min(m, win, t, v); }
export function test_minmax_get(m: usize): u32 { return minmax_get(m); }

// ─── list (nodes are addresses the host picks inside the scratch area) ────────────────

export function test_list_init(head: usize): void { INIT_LIST_HEAD(head); }
export function test_list_add(node: usize, head: usize): void { list_add(node, head); }
export function test_list_add_tail(node: usize, head: usize): void { list_add_tail(node, head); }
export function test_list_del(node: usize): void { list_del(node); }
export function test_list_del_init(node: usize): void { list_del_init(node); }
export function test_list_move_tail(node: usize, head: usize): void { list_move_tail(node, head); }
export function test_list_splice_tail_init(list: usize, head: usize): void { list_splice_tail_init(list, head); }
export function test_list_empty(head: usize): bool { return list_empty(head); }
export function test_list_first(head: usize): usize { return list_first(head); }
export function test_list_last(head: usize): usize { return list_last(head); }

// ─── rbtree: a keyed test tree in its own static pool ────────────────────────────────
//
// Each test node is 16 bytes, the rb_node first, so the node address is the entry:
//   0               4               8               12              16
//   ├─ parent|color ┼─ rb_right ────┼─ rb_left ─────┼─ key ─────────┤
// Slots are handed out from a free stack. Equal keys go to the right, so duplicates
// keep insertion order, which the invariant check allows.

// @ts-ignore: decorator
@inline const RB_TEST_MAX: i32 = 16384;
// @ts-ignore: decorator
@inline const RB_TEST_SIZE: usize = 16;
// @ts-ignore: decorator
@inline const RB_TEST_KEY: usize = 12;
const rb_pool: usize = memory.data(RB_TEST_MAX * <i32>RB_TEST_SIZE, 16);
const rb_free: usize = memory.data(RB_TEST_MAX * 4, 4);
const rb_root: usize = memory.data(8, 8); // RbRootCached: the plain tree uses word 0 only
let rb_nfree: i32 = 0;
let rb_count: i32 = 0;

/** Empties the test tree and its pool. */
export function test_rb_reset(): void {
  RB_ROOT_CACHED_INIT(rb_root);
  for (let i = 0; i < RB_TEST_MAX; i++) {
    store<u32>(rb_free + (<usize>i << 2), <u32>(rb_pool + <usize>(RB_TEST_MAX - 1 - i) * RB_TEST_SIZE));
  }
  rb_nfree = RB_TEST_MAX;
  rb_count = 0;
}

/** Inserts `key` (the caller's search, as Linux callers do); returns the node or 0 when
 *  the pool is exhausted. Also keeps the leftmost cache, to test the _cached variants. */
export function test_rb_insert(key: u32): usize {
  if (rb_nfree == 0) return 0;
  const node = <usize>load<u32>(rb_free + (<usize>(--rb_nfree) << 2));
  store<u32>(node, key, RB_TEST_KEY);
  let link = rb_root; // the root's rb_node word
  let parent: usize = 0;
  let leftmost = true;
  let cur = rb_root_node(rb_root);
  while (cur) {
    parent = cur;
    if (key < load<u32>(cur, RB_TEST_KEY)) {
      link = cur + RB_LEFT;
    } else {
      link = cur + RB_RIGHT;
      leftmost = false;
    }
    cur = <usize>load<u32>(link);
  }
  rb_link_node(node, parent, link);
  rb_insert_color_cached(node, rb_root, leftmost);
  rb_count++;
  return node;
}

/** The node holding `key`, or 0. */
export function test_rb_find(key: u32): usize {
  let cur = rb_root_node(rb_root);
  while (cur) {
    const k = load<u32>(cur, RB_TEST_KEY);
    if (key == k) return cur;
    cur = key < k ? rb_left(cur) : rb_right(cur);
  }
  return 0;
}

/** Erases one node holding `key`; returns 1 if there was one. */
export function test_rb_erase(key: u32): i32 {
  const node = test_rb_find(key);
  if (!node) return 0;
  rb_erase_cached(node, rb_root);
  store<u32>(rb_free + (<usize>(rb_nfree++) << 2), <u32>node);
  rb_count--;
  return 1;
}

export function test_rb_count(): i32 { return rb_count; }

/** Writes the keys in order (rb_first/rb_next) to `out`; returns how many. */
export function test_rb_inorder(out: usize): i32 {
  let n = 0;
  for (let x = rb_first(rb_root); x; x = rb_next(x)) {
    store<u32>(out + (<usize>n << 2), load<u32>(x, RB_TEST_KEY));
    n++;
  }
  return n;
}

/** Writes the keys in reverse order (rb_last/rb_prev) to `out`; returns how many. */
export function test_rb_inorder_rev(out: usize): i32 {
  let n = 0;
  for (let x = rb_last(rb_root); x; x = rb_prev(x)) {
    store<u32>(out + (<usize>n << 2), load<u32>(x, RB_TEST_KEY));
    n++;
  }
  return n;
}

/**
 * Checks the test tree; 0 when it is a valid red-black tree, otherwise the first
 * violation found:
 *   1 root not black or root has a parent      5 in-order keys decrease
 *   2 a child's parent pointer is wrong        6 forward/backward walks differ in count
 *   3 a red node has a red child               7 node count differs from the inserts
 *   4 black heights differ                     8 rb_first_cached is not rb_first
 */
export function test_rb_verify(): i32 {
  const top = rb_root_node(rb_root);
  if (top) {
    if (rb_is_red(top) || rb_parent(top) != 0) return 1;
  }
  if (rb_first_cached(rb_root) != rb_first(rb_root)) return 8;
  let bh = -1; // black height seen at the first null leaf
  let n = 0;
  let prev_key: u32 = 0;
  for (let x = rb_first(rb_root); x; x = rb_next(x)) {
    const l = rb_left(x), r = rb_right(x);
    if (l && rb_parent(l) != x) return 2;
    if (r && rb_parent(r) != x) return 2;
    if (rb_is_red(x) && ((l && rb_is_red(l)) || (r && rb_is_red(r)))) return 3;
    if (!l || !r) {
      // x is next to a null leaf: count black nodes on the path up to the root.
      let h = 0;
      for (let y = x; y; y = rb_parent(y)) if (!rb_is_red(y)) h++;
      if (bh < 0) bh = h;
      else if (h != bh) return 4;
    }
    const k = load<u32>(x, RB_TEST_KEY);
    if (n > 0 && k < prev_key) return 5;
    prev_key = k;
    n++;
  }
  let m = 0;
  for (let x = rb_last(rb_root); x; x = rb_prev(x)) m++;
  if (m != n) return 6;
  if (n != rb_count) return 7;
  return 0;
}

/** The height of the test tree (longest root-to-node path, in nodes), without recursion. */
export function test_rb_height(): i32 {
  let best = 0;
  for (let x = rb_first(rb_root); x; x = rb_next(x)) {
    if (rb_left(x) || rb_right(x)) continue; // only leaves can be deepest
    let h = 0;
    for (let y = x; y; y = rb_parent(y)) h++;
    if (h > best) best = h;
  }
  return best;
}

/** Plain-root smoke path: erasing through rb_erase (not _cached) with RB_ROOT_INIT. */
export function test_rb_erase_plain(key: u32): i32 {
  const node = test_rb_find(key);
  if (!node) return 0;
  rb_erase(node, rb_root);
  store<u32>(rb_free + (<usize>(rb_nfree++) << 2), <u32>node);
  rb_count--;
  // Keep the cache honest for test_rb_verify.
  store<u32>(rb_root, <u32>rb_first(rb_root), 4);
  return 1;
}
