// Sleeps `ms` in nanosleep between two clock readings; reports both.
import { report } from './report.mjs';

export default function main(sys, [sab, ms]) {
  const t0 = sys.clock_gettime();
  const r = sys.nanosleep(ms);
  report(sab, { t0, r, t1: sys.clock_gettime() });
  return 0;
}
