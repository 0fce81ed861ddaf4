// assembly/lib/rbtree.ts: intrusive red-black tree with Linux lib/rbtree.c semantics.
// The wasm side keeps a keyed test tree (assembly/lib_exports.ts) and checks the
// invariants itself (test_rb_verify: 0 = valid); here a sorted JS array is the model.
import { describe, it, expect, beforeEach } from 'vitest';
import { lib, scratchBytes } from '../../helpers/lib-wasm.js';

const e = lib();

let seed = 0x9e3779b9;
function rand(): number {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed;
}

function inorder(): number[] {
  const { base } = scratchBytes();
  const n = e.test_rb_inorder(base);
  return [...new Uint32Array(e.memory.buffer, base, n)];
}
function inorderRev(): number[] {
  const { base } = scratchBytes();
  const n = e.test_rb_inorder_rev(base);
  return [...new Uint32Array(e.memory.buffer, base, n)];
}
/** A red-black tree of n nodes is at most 2·log2(n + 1) high (CLRS lemma 13.1). */
const maxHeight = (n: number) => Math.floor(2 * Math.log2(n + 1));

beforeEach(() => {
  e.test_rb_reset();
  seed = 0x9e3779b9;
});

describe('rbtree', () => {
  it('an empty tree is valid and iterates to nothing', () => {
    expect(e.test_rb_verify()).toBe(0);
    expect(e.test_rb_count()).toBe(0);
    expect(inorder()).toEqual([]);
    expect(e.test_rb_find(1)).toBe(0);
    expect(e.test_rb_erase(1)).toBe(0);
  });

  it('rb_insert_color keeps invariants for ascending, descending and random inserts', () => {
    for (const order of ['asc', 'desc', 'random'] as const) {
      e.test_rb_reset();
      const keys: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const k = order === 'asc' ? i : order === 'desc' ? 2000 - i : rand() % 100000;
        keys.push(k);
        expect(e.test_rb_insert(k)).not.toBe(0);
        if (i % 97 === 0) expect(e.test_rb_verify(), `${order} after ${i}`).toBe(0);
      }
      expect(e.test_rb_verify(), order).toBe(0);
      keys.sort((a, b) => a - b);
      expect(inorder(), order).toEqual(keys);
      expect(inorderRev(), order).toEqual([...keys].reverse());
      expect(e.test_rb_height(), order).toBeLessThanOrEqual(maxHeight(2000));
    }
  });

  it('rb_first/rb_next and rb_last/rb_prev walk the keys in order, duplicates included', () => {
    for (const k of [5, 3, 5, 9, 1, 5, 7]) e.test_rb_insert(k);
    expect(inorder()).toEqual([1, 3, 5, 5, 5, 7, 9]);
    expect(inorderRev()).toEqual([9, 7, 5, 5, 5, 3, 1]);
    expect(e.test_rb_verify()).toBe(0);
  });

  it('rb_erase keeps red-black invariants over 10,000 random inserts/erases', () => {
    const model: number[] = [];
    for (let op = 0; op < 10000; op++) {
      const r = rand();
      const k = r % 3000;
      // Bias towards inserts early and erases late, so the size sweeps up and down.
      const insert = model.length === 0 || (r >>> 20) % 100 < (op < 5000 ? 65 : 35);
      if (insert) {
        expect(e.test_rb_insert(k)).not.toBe(0);
        model.splice(lowerBound(model, k + 1), 0, k);
      } else {
        const victim = model[(r >>> 12) % model.length];
        expect(e.test_rb_erase(victim)).toBe(1);
        model.splice(lowerBound(model, victim), 1);
      }
      const v = e.test_rb_verify();
      if (v !== 0) expect(v, `invariant broken after op ${op}`).toBe(0);
    }
    expect(inorder()).toEqual(model);
    expect(e.test_rb_height()).toBeLessThanOrEqual(maxHeight(model.length));
  });

  it('rb_erase of every node, in random order, leaves an empty tree', () => {
    const keys = Array.from({ length: 1500 }, (_, i) => i * 7);
    for (const k of keys) e.test_rb_insert(k);
    for (let i = keys.length - 1; i > 0; i--) {
      const j = rand() % (i + 1);
      [keys[i], keys[j]] = [keys[j], keys[i]];
    }
    for (const k of keys) {
      expect(e.test_rb_erase(k)).toBe(1);
      const v = e.test_rb_verify();
      if (v !== 0) expect(v).toBe(0);
    }
    expect(e.test_rb_count()).toBe(0);
    expect(inorder()).toEqual([]);
  });

  it('rb_erase (uncached root) also keeps invariants, erasing the root repeatedly', () => {
    for (let i = 0; i < 1000; i++) e.test_rb_insert(i);
    // Erasing the median each time removes nodes with two children at the top.
    const model = Array.from({ length: 1000 }, (_, i) => i);
    while (model.length) {
      const k = model[model.length >> 1];
      expect(e.test_rb_erase_plain(k)).toBe(1);
      model.splice(model.length >> 1, 1);
      expect(e.test_rb_verify()).toBe(0);
    }
    expect(inorder()).toEqual([]);
  });

  it('the test pool hands out 16384 nodes and then refuses instead of trapping', () => {
    for (let i = 0; i < 16384; i++) e.test_rb_insert(i);
    expect(e.test_rb_insert(99999)).toBe(0);
    expect(e.test_rb_count()).toBe(16384);
    expect(e.test_rb_verify()).toBe(0);
    expect(e.test_rb_height()).toBeLessThanOrEqual(maxHeight(16384));
  });
});

function lowerBound(a: number[], k: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
