// Timing helpers shared by the benchmark parts: warm-up, iteration sizing, medians.

export const now = () => performance.now();

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Times `run(iters)` (which does `iters` units of work): warms it up, sizes `iters` so
 * one round takes about `targetMs`, then returns the median ms per unit over `rounds`.
 */
export function measure(run, { targetMs = 200, rounds = 5, minIters = 1 } = {}) {
  // Warm-up and calibration: double until a round takes at least 20 ms.
  let iters = minIters;
  let dt = 0;
  for (;;) {
    const t0 = now();
    run(iters);
    dt = now() - t0;
    if (dt >= 20) break;
    iters *= 2;
  }
  iters = Math.max(minIters, Math.round((iters * targetMs) / dt));
  run(iters); // one more warm-up at the final size
  const per = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = now();
    run(iters);
    per.push((now() - t0) / iters);
  }
  return { msPerIter: median(per), iters, rounds };
}
