// Intrusive circular doubly linked list, Linux include/linux/list.h (struct list_head).
//
// A node is two u32 fields embedded in a larger @unmanaged struct, `next` first:
//
//   0               4               8
//   ├─ next ────────┼─ prev ────────┤   SIZEOF_LIST_HEAD = 8
//
// A list is a head node of the same shape whose next/prev point at itself when empty.
// Nodes and heads are passed as their ADDRESS (struct address + field offset), so one
// struct may sit on several lists at once (EpItem.rdllink and EpItem.fllink). AS cannot
// embed a struct inline, so a struct declares the two fields itself and names the node
// by the first one:
//
//   @unmanaged class EpItem { rdllink_next: u32; rdllink_prev: u32; ... }
//   const node = changetype<usize>(epi) + offsetof<EpItem>("rdllink_next");
//   const epi = changetype<EpItem>(container_of(node, offsetof<EpItem>("rdllink_next")));
//
// Nothing here allocates; the caller owns the memory.

// @ts-ignore: decorator
@inline export const LIST_NEXT: usize = 0;
// @ts-ignore: decorator
@inline export const LIST_PREV: usize = 4;
// @ts-ignore: decorator
@inline export const SIZEOF_LIST_HEAD: usize = 8;

/** What list_del leaves in a removed node, so that a stale use is visible. Linux uses
 *  non-canonical addresses that fault; wasm memory has none, so kstack uses 0 (reads
 *  then land on the unused bottom of memory, which a debug assert can check). */
// @ts-ignore: decorator
@inline export const LIST_POISON: u32 = 0;

/** A view of a list node (or head) for code that prefers field syntax. */
@final @unmanaged export class ListHead {
  next: u32;
  prev: u32;
}

// @ts-ignore: decorator
@inline export function list_next(node: usize): usize { return <usize>load<u32>(node, LIST_NEXT); }
// @ts-ignore: decorator
@inline export function list_prev(node: usize): usize { return <usize>load<u32>(node, LIST_PREV); }

/** The struct that embeds the node at byte offset `offset`. Linux container_of/list_entry. */
// @ts-ignore: decorator
@inline export function container_of(node: usize, offset: usize): usize {
  return node - offset;
}

/** Makes `head` an empty list (next = prev = head). Linux INIT_LIST_HEAD. */
// @ts-ignore: decorator
@inline export function INIT_LIST_HEAD(head: usize): void {
  store<u32>(head, <u32>head, LIST_NEXT);
  store<u32>(head, <u32>head, LIST_PREV);
}

/** Links `node` between two known-consecutive nodes. Linux __list_add. */
// @ts-ignore: decorator
@inline function __list_add(node: usize, prev: usize, next: usize): void {
  store<u32>(next, <u32>node, LIST_PREV);
  store<u32>(node, <u32>next, LIST_NEXT);
  store<u32>(node, <u32>prev, LIST_PREV);
  store<u32>(prev, <u32>node, LIST_NEXT);
}

/** Inserts `node` right after `head` (stack order). Linux list_add. */
// @ts-ignore: decorator
@inline export function list_add(node: usize, head: usize): void {
  __list_add(node, head, list_next(head));
}

/** Inserts `node` right before `head`, i.e. at the tail (queue order). Linux list_add_tail. */
// @ts-ignore: decorator
@inline export function list_add_tail(node: usize, head: usize): void {
  __list_add(node, list_prev(head), head);
}

/** Unlinks whatever lies between prev and next. Linux __list_del. */
// @ts-ignore: decorator
@inline function __list_del(prev: usize, next: usize): void {
  store<u32>(next, <u32>prev, LIST_PREV);
  store<u32>(prev, <u32>next, LIST_NEXT);
}

/** Removes `entry` from its list and poisons it; list_empty() on it is then undefined,
 *  use list_del_init for a node that will be tested again. Linux list_del. */
// @ts-ignore: decorator
@inline export function list_del(entry: usize): void {
  __list_del(list_prev(entry), list_next(entry));
  store<u32>(entry, LIST_POISON, LIST_NEXT);
  store<u32>(entry, LIST_POISON, LIST_PREV);
}

/** Removes `entry` and leaves it an empty list, so list_empty(entry) is true afterwards
 *  (the "is it queued?" idiom of ep_is_linked). Linux list_del_init. */
// @ts-ignore: decorator
@inline export function list_del_init(entry: usize): void {
  __list_del(list_prev(entry), list_next(entry));
  INIT_LIST_HEAD(entry);
}

/** Moves `entry` from its list to the front of `head`. Linux list_move. */
// @ts-ignore: decorator
@inline export function list_move(entry: usize, head: usize): void {
  __list_del(list_prev(entry), list_next(entry));
  list_add(entry, head);
}

/** Moves `entry` from its list to the tail of `head` (LRU touch). Linux list_move_tail. */
// @ts-ignore: decorator
@inline export function list_move_tail(entry: usize, head: usize): void {
  __list_del(list_prev(entry), list_next(entry));
  list_add_tail(entry, head);
}

/** True when the list at `head` has no entries. Linux list_empty. */
// @ts-ignore: decorator
@inline export function list_empty(head: usize): bool {
  return list_next(head) == head;
}

/** True when `node` is the head itself, i.e. iteration from head has wrapped around.
 *  Linux list_is_head. */
// @ts-ignore: decorator
@inline export function list_is_head(node: usize, head: usize): bool {
  return node == head;
}

/** True when `node` is the last entry of the list at `head`. Linux list_is_last. */
// @ts-ignore: decorator
@inline export function list_is_last(node: usize, head: usize): bool {
  return list_next(node) == head;
}

/** The first node of the list, or 0 when empty. (Linux list_first_entry_or_null, as a node.) */
// @ts-ignore: decorator
@inline export function list_first(head: usize): usize {
  const n = list_next(head);
  return n == head ? 0 : n;
}

/** The last node of the list, or 0 when empty. (Linux list_last_entry, as a node, or null.) */
// @ts-ignore: decorator
@inline export function list_last(head: usize): usize {
  const n = list_prev(head);
  return n == head ? 0 : n;
}

/** Moves every entry of `list` to the front of `head` and leaves `list` empty.
 *  Linux list_splice_init. */
export function list_splice_init(list: usize, head: usize): void {
  if (list_empty(list)) return;
  const first = list_next(list);
  const last = list_prev(list);
  const at = list_next(head);
  store<u32>(first, <u32>head, LIST_PREV);
  store<u32>(head, <u32>first, LIST_NEXT);
  store<u32>(last, <u32>at, LIST_NEXT);
  store<u32>(at, <u32>last, LIST_PREV);
  INIT_LIST_HEAD(list);
}

/** Moves every entry of `list` to the tail of `head` and leaves `list` empty.
 *  Linux list_splice_tail_init. */
export function list_splice_tail_init(list: usize, head: usize): void {
  if (list_empty(list)) return;
  const first = list_next(list);
  const last = list_prev(list);
  const at = list_prev(head);
  store<u32>(first, <u32>at, LIST_PREV);
  store<u32>(at, <u32>first, LIST_NEXT);
  store<u32>(last, <u32>head, LIST_NEXT);
  store<u32>(head, <u32>last, LIST_PREV);
  INIT_LIST_HEAD(list);
}
