// assembly/lib/list.ts: intrusive circular doubly linked list (Linux list_head).
// Heads and nodes are 8-byte {next, prev} records the test places in the scratch area.
import { describe, it, expect, beforeEach } from 'vitest';
import { lib, scratchBytes } from '../../helpers/lib-wasm.js';

const e = lib();
let base = 0;
const node = (i: number) => base + 64 + i * 16; // 16-byte "structs", list node at offset 0
const HEAD = () => base;
const HEAD2 = () => base + 8;
const next = (n: number) => new DataView(e.memory.buffer).getUint32(n, true);
const prev = (n: number) => new DataView(e.memory.buffer).getUint32(n + 4, true);

/** Walks forward and backward from `head`, checking next/prev agree; returns node indices. */
function walk(head: number): number[] {
  const fwd: number[] = [];
  for (let n = next(head), guard = 0; n !== head; n = next(n)) {
    expect(next(prev(n))).toBe(n);
    fwd.push((n - base - 64) / 16);
    if (++guard > 1000) throw new Error('cycle without head');
  }
  const back: number[] = [];
  for (let n = prev(head); n !== head; n = prev(n)) back.push((n - base - 64) / 16);
  expect(back.reverse()).toEqual(fwd);
  return fwd;
}

beforeEach(() => {
  base = scratchBytes().base;
  scratchBytes().u8.fill(0, 0, 4096);
  e.test_list_init(HEAD());
  e.test_list_init(HEAD2());
});

describe('list', () => {
  it('INIT_LIST_HEAD makes an empty list pointing at itself', () => {
    expect(e.test_list_empty(HEAD())).toBe(1);
    expect(next(HEAD())).toBe(HEAD());
    expect(prev(HEAD())).toBe(HEAD());
    expect(e.test_list_first(HEAD())).toBe(0);
    expect(e.test_list_last(HEAD())).toBe(0);
  });

  it('list_add pushes at the front, list_add_tail appends', () => {
    e.test_list_add_tail(node(1), HEAD());
    e.test_list_add_tail(node(2), HEAD());
    e.test_list_add(node(0), HEAD());
    expect(walk(HEAD())).toEqual([0, 1, 2]);
    expect(e.test_list_empty(HEAD())).toBe(0);
    expect(e.test_list_first(HEAD())).toBe(node(0));
    expect(e.test_list_last(HEAD())).toBe(node(2));
  });

  it('list_del unlinks and poisons; list_del_init leaves an empty node', () => {
    for (let i = 0; i < 4; i++) e.test_list_add_tail(node(i), HEAD());
    e.test_list_del(node(1));
    expect(walk(HEAD())).toEqual([0, 2, 3]);
    expect(next(node(1))).toBe(0);
    expect(prev(node(1))).toBe(0);
    e.test_list_del_init(node(3));
    expect(walk(HEAD())).toEqual([0, 2]);
    expect(e.test_list_empty(node(3))).toBe(1);
    e.test_list_del(node(0));
    e.test_list_del(node(2));
    expect(e.test_list_empty(HEAD())).toBe(1);
  });

  it('list_move_tail moves a node to the end of another list', () => {
    for (let i = 0; i < 3; i++) e.test_list_add_tail(node(i), HEAD());
    e.test_list_add_tail(node(5), HEAD2());
    e.test_list_move_tail(node(0), HEAD2());
    expect(walk(HEAD())).toEqual([1, 2]);
    expect(walk(HEAD2())).toEqual([5, 0]);
    e.test_list_move_tail(node(1), HEAD()); // within the same list: LRU touch
    expect(walk(HEAD())).toEqual([2, 1]);
  });

  it('list_splice_tail_init appends a whole list and empties the source', () => {
    for (let i = 0; i < 3; i++) e.test_list_add_tail(node(i), HEAD());
    for (let i = 3; i < 6; i++) e.test_list_add_tail(node(i), HEAD2());
    e.test_list_splice_tail_init(HEAD2(), HEAD());
    expect(walk(HEAD())).toEqual([0, 1, 2, 3, 4, 5]);
    expect(e.test_list_empty(HEAD2())).toBe(1);
    e.test_list_splice_tail_init(HEAD2(), HEAD()); // empty source: no change
    expect(walk(HEAD())).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
