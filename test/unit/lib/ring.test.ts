// assembly/lib/ring.ts: power-of-two ring index math with free-running u32 indices.
import { describe, it, expect } from 'vitest';
import { lib } from '../../helpers/lib-wasm.js';

const e = lib();
const u32 = (x: number) => x >>> 0;

describe('ring', () => {
  it('ring_count and ring_free of an empty and a full ring', () => {
    expect(u32(e.test_ring_count(7, 7))).toBe(0);
    expect(u32(e.test_ring_free(7, 7, 256))).toBe(256);
    expect(u32(e.test_ring_count(7 + 256, 7))).toBe(256);
    expect(u32(e.test_ring_free(7 + 256, 7, 256))).toBe(0);
  });

  it('ring_count is right when the producer index has wrapped past 2^32', () => {
    const cons = 0xfffffff0;
    const prod = 0x00000010;
    expect(u32(e.test_ring_count(prod, cons))).toBe(0x20);
    expect(u32(e.test_ring_free(prod, cons, 64))).toBe(32);
  });

  it('ring_slot masks a free-running index onto the array', () => {
    expect(u32(e.test_ring_slot(0, 255))).toBe(0);
    expect(u32(e.test_ring_slot(256, 255))).toBe(0);
    expect(u32(e.test_ring_slot(0xffffffff, 255))).toBe(255);
    expect(u32(e.test_ring_slot(0x100000005, 1023))).toBe(5);
  });
});
