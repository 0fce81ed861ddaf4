// Big payloads through a small channel (staged in, drained out): sends `size` bytes over
// loopback to itself and reads them back with one MSG_WAITALL recv.
import { AF_INET, SOCK_STREAM, MSG_WAITALL, MSG_NOSIGNAL } from '../../../build/host/abi/constants.js';
import { report } from './report.mjs';

export default function main(sys, [sab, size]) {
  const l = sys.socket(AF_INET, SOCK_STREAM, 0);
  sys.bind(l, { addr: '127.0.0.1', port: 9000 });
  sys.listen(l, 1);
  const a = sys.socket(AF_INET, SOCK_STREAM, 0);
  sys.connect(a, { addr: '127.0.0.1', port: 9000 });
  const b = sys.accept(l);
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 7 + (i >> 8)) & 255;
  const sent = sys.send(a, data, 0);
  const back = new Uint8Array(size + 10);
  sys.shutdown(a, 1);
  const got = sys.recv(b, back, MSG_WAITALL);
  let same = got === size;
  for (let i = 0; same && i < size; i++) same = back[i] === data[i];
  const epipe = sys.send(a, 'x'.repeat(10), MSG_NOSIGNAL);
  [a, b, l].forEach((fd) => sys.close(fd));
  report(sab, { sent, got, same, epipe });
  return 0;
}
