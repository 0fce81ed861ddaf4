// assembly/lib/win_minmax.ts: the windowed running minimum behind tcpi_min_rtt
// (Linux lib/win_minmax.c, three samples).
import { describe, it, expect } from 'vitest';
import { lib } from '../../helpers/lib-wasm.js';

const e = lib();
const m = e.test_scratch();
const WIN = 100;
const take = (t: number, v: number) => e.test_minmax_running_min(m, WIN, t >>> 0, v) >>> 0;

describe('win_minmax', () => {
  it('a smaller measurement is the new minimum at once; larger ones leave it', () => {
    e.test_minmax_reset(m, 0, 0xffffffff);
    expect(take(1, 500)).toBe(500);
    expect(take(2, 700)).toBe(500);
    expect(take(3, 300)).toBe(300);
    expect(e.test_minmax_get(m) >>> 0).toBe(300);
  });

  it('when the minimum ages out of the window, the best later sample takes over (not just the newest)', () => {
    e.test_minmax_reset(m, 0, 50);
    expect(take(10, 70)).toBe(50);
    expect(take(30, 60)).toBe(50); // a quarter of the window passed: second choice (30, 60)
    expect(take(60, 80)).toBe(50); // half passed: third choice (60, 80)
    expect(take(101, 90)).toBe(60); // (0, 50) left the window; (30, 60) is the minimum now
    expect(take(250, 95)).toBe(95); // every sample older than the window: start over
  });

  it('time is compared by difference, across the u32 wrap', () => {
    const t0 = 0xffffffc0;
    e.test_minmax_reset(m, t0, 50);
    expect(take(t0 + 96, 70)).toBe(50);
    expect(take(t0 + 202, 75)).toBe(75);
  });
});
