// Blocking accept, recv and send: each call sleeps in the kernel until the peer acts.
// Reports the virtual time at which each returned.
import { AF_INET, SOCK_STREAM, SOL_SOCKET, SO_SNDBUF } from '../../../build/host/abi/constants.js';
import { report } from './report.mjs';

export default function main(sys, [sab, port, bulk]) {
  const l = sys.socket(AF_INET, SOCK_STREAM, 0);
  sys.bind(l, { addr: '0.0.0.0', port });
  sys.listen(l, 1);
  const out = { t0: sys.clock_gettime() };
  const c = sys.accept(l);
  out.accept = [c, sys.clock_gettime()];
  const buf = new Uint8Array(100);
  out.recv = [sys.recv(c, buf, 0), sys.clock_gettime(), new TextDecoder().decode(buf.subarray(0, 5))];
  // More than the send buffer holds: send sleeps until the peer reads (tcp_sendmsg).
  sys.setsockopt(c, SOL_SOCKET, SO_SNDBUF, 4096);
  out.send = [sys.send(c, new Uint8Array(bulk).fill(7), 0), sys.clock_gettime()];
  out.eof = [sys.recv(c, buf, 0), sys.clock_gettime()];
  sys.close(c);
  sys.close(l);
  report(sab, out);
  return 0;
}
