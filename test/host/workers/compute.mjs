// Computes for a while between two syscalls: the virtual clock must not move meanwhile,
// even with another process's timers due (time moves only when every process waits).
import { report } from './report.mjs';

export default function main(sys, [sab, spinMs]) {
  const t0 = sys.clock_gettime();
  const end = performance.now() + spinMs;
  let x = 0;
  while (performance.now() < end) x++;
  const t1 = sys.clock_gettime();
  sys.nanosleep(10);
  const t2 = sys.clock_gettime();
  report(sab, { t0, t1, t2, spun: x > 0 });
  return 0;
}
