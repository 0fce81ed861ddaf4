// Connects, sends a line, and then dies the way args say: 'throw', 'exit' (process.exit),
// 'uncaught' (an error thrown outside main), 'loop' (never returns), 'block' (sleeps in
// recv forever), or 'return'. With `unread`, it first waits for the server's reply and
// leaves it unread, so closing the socket must reset the connection (tcp_close). `sab`
// (optional) gets a report just before the loop starts.
import { AF_INET, SOCK_STREAM, FIONREAD } from '../../../build/host/abi/constants.js';
import { report } from './report.mjs';

export default async function main(sys, [mode, addr, port, unread, sab]) {
  const fd = sys.socket(AF_INET, SOCK_STREAM, 0);
  if (sys.connect(fd, { addr, port }) < 0) return 9;
  sys.send(fd, 'hello\n', 0);
  if (unread) while (sys.ioctl(fd, FIONREAD) <= 0) sys.nanosleep(1);
  switch (mode) {
    case 'throw': throw new Error('boom');
    case 'exit': process.exit(3); break;
    case 'uncaught':
      setTimeout(() => { throw new Error('uncaught boom'); }, 0);
      await new Promise(() => {});
      break;
    case 'loop':
      if (sab) report(sab, { looping: true });
      for (;;);
    case 'block': sys.recv(fd, new Uint8Array(1), 0); return 8;
  }
  return 0;
}
