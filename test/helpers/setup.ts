// Runs before every test file (vitest setupFiles). A failed `expect` inside a process
// (host.spawn, sys.fork) does not fail the test by itself: the host turns the throw into
// the process's exit ({ code: 1, error }). That would make such assertions unable to
// fail, so every process end is watched here, and a test whose processes swallowed an
// assertion error fails with that error after it ends.
import { afterEach } from 'vitest';
import { Process } from '../../build/host/index.js';

const swallowed: unknown[] = [];
const finish = Process.prototype.finish;
Process.prototype.finish = function (this: Process, status) {
  const e = status.error as { name?: string } | undefined;
  if (e && typeof e === 'object' && e.name === 'AssertionError') swallowed.push(e);
  return finish.call(this, status);
};

afterEach(() => {
  if (swallowed.length === 0) return;
  const first = swallowed[0];
  const n = swallowed.length;
  swallowed.length = 0;
  if (first instanceof Error && n > 1) first.message += ` (and ${n - 1} more assertion failure(s) inside processes)`;
  throw first;
});
