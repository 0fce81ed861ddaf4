// fork(2) in workers: the parent listens, forks a child that inherits the listening
// socket, closes its own copy, and reaps the child with waitpid; it reports the status.
import { AF_INET, SOCK_STREAM } from '../../../build/host/abi/constants.js';
import { report } from './report.mjs';

export default function main(sys, [sab, port]) {
  const l = sys.socket(AF_INET, SOCK_STREAM, 0);
  sys.bind(l, { addr: '0.0.0.0', port });
  sys.listen(l, 4);
  const child = sys.fork('./fork-child.mjs', [l]); // relative to this module
  const closed = sys.close(l);
  const st = sys.waitpid(child);
  const again = sys.waitpid(child);
  report(sab, { child, closed, st, again, notMine: sys.waitpid(1) });
  return 0;
}
