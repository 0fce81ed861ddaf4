// Bench worker: `n` request/response turns of `size` bytes against the echo server;
// reports the wall ms of the turns (after `warm` untimed ones), 0 in word 1 when every
// echo was whole.
import { AF_INET, SOCK_STREAM, IPPROTO_TCP, TCP_NODELAY, MSG_WAITALL } from '../../../build/host/abi/constants.js';

export default function main(sys, [sab, port, n, size, warm]) {
  const f64 = new Float64Array(sab);
  // The server worker may not listen yet (real clock): retry a refused connect.
  let fd = -1;
  for (let tries = 0; fd < 0 && tries < 1000; tries++) {
    fd = sys.socket(AF_INET, SOCK_STREAM, 0);
    if (sys.connect(fd, { addr: '127.0.0.1', port }) < 0) {
      sys.close(fd);
      fd = -1;
      sys.nanosleep(1);
    }
  }
  if (fd < 0) return 1;
  sys.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
  const msg = new Uint8Array(size).fill(0x5a);
  const buf = new Uint8Array(size);
  let bad = 0;
  let t0 = 0;
  for (let i = 0; i < warm + n; i++) {
    if (i === warm) t0 = performance.now();
    sys.send(fd, msg, 0);
    if (sys.recv(fd, buf, MSG_WAITALL) !== size) bad++;
  }
  f64[0] = performance.now() - t0;
  f64[1] = bad;
  sys.close(fd);
  return 0;
}
