// In a Web Worker: a TCP echo server for one connection, blocking syscalls; returns the bytes echoed.
import { AF_INET, SOCK_STREAM } from '/build/host/abi/constants.js';

export default function main(sys, [port]) {
  const l = sys.socket(AF_INET, SOCK_STREAM, 0);
  sys.bind(l, { addr: '0.0.0.0', port });
  sys.listen(l, 1);
  const c = sys.accept(l);
  const buf = new Uint8Array(2048);
  let total = 0;
  for (let n; (n = sys.recv(c, buf, 0)) > 0; total += n) sys.send(c, buf.subarray(0, n), 0);
  sys.close(c);
  sys.close(l);
  return total;
}
