// Bench worker: `n` blocking syscalls (getpid, or a nonblocking recv that answers EAGAIN)
// back to back; reports the wall ms the loop took through the SharedArrayBuffer in args.
import { AF_INET, SOCK_DGRAM, MSG_DONTWAIT } from '../../../build/host/abi/constants.js';

export default function main(sys, [sab, n, kind]) {
  const f64 = new Float64Array(sab);
  const fd = sys.socket(AF_INET, SOCK_DGRAM, 0);
  const buf = new Uint8Array(64);
  for (let i = 0; i < 1000; i++) kind === 'recv' ? sys.recv(fd, buf, MSG_DONTWAIT) : sys.getpid(); // warm-up
  const t0 = performance.now();
  if (kind === 'recv') for (let i = 0; i < n; i++) sys.recv(fd, buf, MSG_DONTWAIT);
  else for (let i = 0; i < n; i++) sys.getpid();
  f64[0] = performance.now() - t0;
  sys.close(fd);
  return 0;
}
