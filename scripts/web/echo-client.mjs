// In a Web Worker: sends `count` lines to the echo server and checks each echo; 0 = all came back.
import { AF_INET, SOCK_STREAM, MSG_WAITALL } from '/build/host/abi/constants.js';

export default function main(sys, [addr, port, count]) {
  const fd = sys.socket(AF_INET, SOCK_STREAM, 0);
  if (sys.connect(fd, { addr, port }) < 0) return 2;
  const buf = new Uint8Array(256);
  let bad = 0;
  for (let i = 0; i < count; i++) {
    const msg = `hello ${i} from a Web Worker\n`;
    sys.send(fd, msg, 0);
    if (sys.recv(fd, buf.subarray(0, msg.length), MSG_WAITALL) !== msg.length) bad++;
  }
  sys.close(fd);
  return bad ? 1 : 0;
}
