// assembly/lib/seq.ts: TCP sequence comparison modulo 2^32 (Linux include/net/tcp.h).
import { describe, it, expect } from 'vitest';
import { lib } from '../../helpers/lib-wasm.js';

const e = lib();
const before = (a: number, b: number) => e.test_before(a, b) === 1;
const after = (a: number, b: number) => e.test_after(a, b) === 1;
const between = (s1: number, s2: number, s3: number) => e.test_between(s1, s2, s3) === 1;

describe('seq', () => {
  it('before/after order nearby numbers like plain integers', () => {
    expect(before(1, 2)).toBe(true);
    expect(before(2, 1)).toBe(false);
    expect(before(5, 5)).toBe(false);
    expect(after(2, 1)).toBe(true);
    expect(after(1, 2)).toBe(false);
    expect(after(5, 5)).toBe(false);
  });

  it('before/after hold across the 2^32 wrap', () => {
    expect(before(0xfffffff0, 0x10)).toBe(true);
    expect(after(0x10, 0xfffffff0)).toBe(true);
    expect(before(0xffffffff, 0)).toBe(true);
    expect(after(0, 0xffffffff)).toBe(true);
  });

  it('before/after decide by the signed distance: 2^31 - 1 ahead is after, 2^31 is before', () => {
    expect(after(0x7fffffff, 0)).toBe(true);
    expect(before(0x80000000, 0)).toBe(true); // exactly half-way: the sign bit decides
    expect(after(0x80000001, 0)).toBe(false);
  });

  it('between(seq1, seq2, seq3) is seq2 <= seq1 <= seq3, inclusive at both ends', () => {
    expect(between(5, 1, 10)).toBe(true);
    expect(between(1, 1, 10)).toBe(true);
    expect(between(10, 1, 10)).toBe(true);
    expect(between(0, 1, 10)).toBe(false);
    expect(between(11, 1, 10)).toBe(false);
    expect(between(7, 7, 7)).toBe(true);
  });

  it('between works when the window straddles the wrap', () => {
    expect(between(0xfffffffe, 0xfffffff0, 0x10)).toBe(true);
    expect(between(0, 0xfffffff0, 0x10)).toBe(true);
    expect(between(0x10, 0xfffffff0, 0x10)).toBe(true);
    expect(between(0x11, 0xfffffff0, 0x10)).toBe(false);
    expect(between(0xffffffef, 0xfffffff0, 0x10)).toBe(false);
  });

  it('before agrees with the signed 32-bit difference for random pairs', () => {
    let s = 12345;
    for (let i = 0; i < 2000; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const a = s;
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const b = s;
      expect(before(a, b)).toBe(((a - b) | 0) < 0);
      expect(after(a, b)).toBe(((b - a) | 0) < 0);
    }
  });
});
