// A TCP echo server for one connection, with blocking syscalls: accept, then recv and
// send back until the peer's FIN; returns the number of bytes echoed.
import { AF_INET, SOCK_STREAM } from '../../../build/host/abi/constants.js';

export default function main(sys, [port = 7]) {
  const l = sys.socket(AF_INET, SOCK_STREAM, 0);
  if (sys.bind(l, { addr: '0.0.0.0', port }) < 0) return 2;
  sys.listen(l, 8);
  const c = sys.accept(l);
  if (c < 0) return 3;
  const buf = new Uint8Array(2048);
  let total = 0;
  for (;;) {
    const n = sys.recv(c, buf, 0);
    if (n <= 0) break;
    let off = 0;
    while (off < n) off += sys.send(c, buf.subarray(off, n), 0);
    total += n;
  }
  sys.close(c);
  sys.close(l);
  return total;
}
