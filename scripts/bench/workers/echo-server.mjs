// Bench worker: a TCP echo server for one connection (TCP_NODELAY), until EOF.
import { AF_INET, SOCK_STREAM, IPPROTO_TCP, TCP_NODELAY } from '../../../build/host/abi/constants.js';

export default function main(sys, [port]) {
  const l = sys.socket(AF_INET, SOCK_STREAM, 0);
  sys.bind(l, { addr: '127.0.0.1', port });
  sys.listen(l, 1);
  const c = sys.accept(l);
  sys.setsockopt(c, IPPROTO_TCP, TCP_NODELAY, 1);
  const buf = new Uint8Array(4096);
  for (;;) {
    const n = sys.recv(c, buf, 0);
    if (n <= 0) break;
    sys.send(c, buf.subarray(0, n), 0);
  }
  sys.close(c);
  sys.close(l);
  return 0;
}
