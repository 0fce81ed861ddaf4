// Every kind of argument and result crosses the channel: numbers, addresses, data in,
// buffers out, objects out (recvfrom, getsockname, SO_LINGER, TCP_INFO), errnos.
import { AF_INET, SOCK_DGRAM, SOCK_STREAM, SOL_SOCKET, SO_LINGER, SO_RCVBUF, IPPROTO_TCP, TCP_INFO, MSG_DONTWAIT, F_GETFL, FIONREAD } from '../../../build/host/abi/constants.js';
import { report } from './report.mjs';

export default function main(sys, [sab]) {
  const out = {};
  out.badClose = sys.close(99);
  out.badBind = sys.bind(99, { addr: '0.0.0.0', port: 1 });
  const d = sys.socket(AF_INET, SOCK_DGRAM, 0);
  out.badAddr = sys.connect(d, { addr: 'nonsense', port: 1 });
  const u = sys.socket(AF_INET, SOCK_DGRAM, 0);
  out.bind = sys.bind(u, { addr: '127.0.0.1', port: 5353 });
  out.name = sys.getsockname(u);
  out.eagain = sys.recv(u, new Uint8Array(10), MSG_DONTWAIT);
  out.sendto = sys.sendto(u, 'to myself', 0, { addr: '127.0.0.1', port: 5353 });
  out.fionread = sys.ioctl(u, FIONREAD);
  const buf = new Uint8Array(64);
  const r = sys.recvfrom(u, buf, 0);
  out.recvfrom = { n: r.n, addr: r.addr, text: new TextDecoder().decode(buf.subarray(0, r.n)) };
  out.getfl = sys.fcntl(u, F_GETFL);
  const t = sys.socket(AF_INET, SOCK_STREAM, 0);
  out.linger = sys.setsockopt(t, SOL_SOCKET, SO_LINGER, { onoff: 1, linger: 7 });
  out.lingerGet = sys.getsockopt(t, SOL_SOCKET, SO_LINGER);
  out.rcvbuf = sys.setsockopt(t, SOL_SOCKET, SO_RCVBUF, 4096);
  out.rcvbufGet = sys.getsockopt(t, SOL_SOCKET, SO_RCVBUF);
  const info = sys.getsockopt(t, IPPROTO_TCP, TCP_INFO);
  out.tcpiState = info.tcpi_state;
  out.peer = sys.getpeername(t);
  out.pid = sys.getpid();
  out.t0 = sys.clock_gettime();
  out.sleep = sys.nanosleep(250);
  out.t1 = sys.clock_gettime();
  out.killNobody = sys.kill(999, 15);
  out.rlimit0 = sys.getrlimit(7); // RLIMIT_NOFILE
  out.setrlimit = sys.setrlimit(7, { cur: 2048, max: 524288 });
  out.rlimit1 = sys.getrlimit(7);
  out.closes = [sys.close(d), sys.close(u), sys.close(t)];
  report(sab, out);
  return 0;
}
