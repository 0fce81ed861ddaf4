// Windowed running minimum: the smallest measurement seen within the last `win` time units,
// kept as three samples (Kathleen Nichols' algorithm). Linux: lib/win_minmax.c, which
// tcp_sock's rtt_min uses (tcp_min_rtt, TCP_INFO's tcpi_min_rtt).
//
// Layout (u32 each), at a pointer the owner embeds in its own struct:
//   0 ├─ s[0].t ─┤ 4 ├─ s[0].v ─┤   the best sample: the current minimum
//   8 ├─ s[1].t ─┤12 ├─ s[1].v ─┤   the best one newer than s[0]
//  16 ├─ s[2].t ─┤20 ├─ s[2].v ─┤   the best one newer than s[1]
// so that when s[0] ages out of the window, s[1] (then s[2]) takes its place without a
// rescan. t is wrap-safe u32 time (jiffies): only differences are compared.

// @ts-ignore: decorator
@inline function mm_t(m: usize, i: usize): u32 { return load<u32>(m + (i << 3)); }
// @ts-ignore: decorator
@inline function mm_v(m: usize, i: usize): u32 { return load<u32>(m + (i << 3), 4); }
// @ts-ignore: decorator
@inline function mm_set(m: usize, i: usize, t: u32, v: u32): void {
  store<u32>(m + (i << 3), t);
  store<u32>(m + (i << 3), v, 4);
}

/** minmax_get(): the current minimum (s[0].v). */
// @ts-ignore: decorator
@inline export function minmax_get(m: usize): u32 { return mm_v(m, 0); }

/** minmax_reset(): forget every sample; (t, v) becomes all three choices. Returns v. */
export function minmax_reset(m: usize, t: u32, v: u32): u32 {
  mm_set(m, 0, t, v);
  mm_set(m, 1, t, v);
  mm_set(m, 2, t, v);
  return v;
}

/**
 * minmax_subwin_update(): as time passes without a new best, promote the later choices —
 * when s[0] is older than the whole window, and also refresh s[1] after a quarter and s[2]
 * after half of it, so that each stands for a different part of the window.
 */
function minmax_subwin_update(m: usize, win: u32, t: u32, v: u32): u32 {
  const dt = t - mm_t(m, 0);
  if (dt > win) {
    // s[0] left the window: s[1] and s[2] move up. s[2] was checked to be inside the
    // window on entry, but s[1] may be outside too, so this can take two steps.
    mm_set(m, 0, mm_t(m, 1), mm_v(m, 1));
    mm_set(m, 1, mm_t(m, 2), mm_v(m, 2));
    mm_set(m, 2, t, v);
    if (t - mm_t(m, 0) > win) {
      mm_set(m, 0, mm_t(m, 1), mm_v(m, 1));
      mm_set(m, 1, mm_t(m, 2), mm_v(m, 2));
      mm_set(m, 2, t, v);
    }
  } else if (mm_t(m, 1) == mm_t(m, 0) && dt > (win >> 2)) {
    // A quarter of the window without a new best: a second choice from the second quarter.
    mm_set(m, 1, t, v);
    mm_set(m, 2, t, v);
  } else if (mm_t(m, 2) == mm_t(m, 1) && dt > (win >> 1)) {
    // Half the window: a third choice from the last half.
    mm_set(m, 2, t, v);
  }
  return mm_v(m, 0);
}

/** minmax_running_min(): takes measurement v at time t; returns the windowed minimum. */
export function minmax_running_min(m: usize, win: u32, t: u32, v: u32): u32 {
  // A new minimum, or every sample older than the window: start over from this one.
  if (v <= mm_v(m, 0) || t - mm_t(m, 2) > win) return minmax_reset(m, t, v);
  if (v <= mm_v(m, 1)) {
    mm_set(m, 1, t, v);
    mm_set(m, 2, t, v);
  } else if (v <= mm_v(m, 2)) {
    mm_set(m, 2, t, v);
  }
  return minmax_subwin_update(m, win, t, v);
}
