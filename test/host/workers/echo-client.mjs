// The echo server's client: sends `count` messages one by one and checks each echo;
// returns 0 when every byte came back, 1 otherwise. With `spinMs`, it also computes for a
// random real time (up to spinMs) before each send, so that threads race for real.
import { AF_INET, SOCK_STREAM, MSG_WAITALL } from '../../../build/host/abi/constants.js';

export default function main(sys, [addr, port = 7, count = 10, spinMs = 0]) {
  const fd = sys.socket(AF_INET, SOCK_STREAM, 0);
  const rc = sys.connect(fd, { addr, port });
  if (rc < 0) return 10 - rc;
  const buf = new Uint8Array(256);
  for (let i = 0; i < count; i++) {
    const msg = `message ${i} from pid ${sys.getpid()}`;
    const end = performance.now() + Math.random() * spinMs;
    while (performance.now() < end);
    sys.send(fd, msg, 0);
    const n = sys.recv(fd, buf.subarray(0, msg.length), MSG_WAITALL);
    if (n !== msg.length || new TextDecoder().decode(buf.subarray(0, n)) !== msg) return 1;
  }
  sys.close(fd);
  return 0;
}
