// The seeds' close experiments: close() with unread data resets the connection
// (close-rst); close() with unsent data sends it first, then FIN (close-fin).
import { constants as C, errnoName } from '../../build/host/index.js';

function pairOf(net, say) {
  const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
  const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
  net.link(a, b, { delayMs: 1 });
  say('net', 'client 10.0.0.1 ── 1 ms ── server 10.0.0.2');
  return { a, b };
}

async function listen(sys, port) {
  const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  await sys.bind(l, { addr: '0.0.0.0', port });
  await sys.listen(l, 16);
  return l;
}

export const closeRst = {
  name: 'close-rst',
  order: 20,
  description: 'the server close()s with unread data: RST instead of FIN (RFC 2525 §2.17), the client sees ECONNRESET',
  async run({ net, say }) {
    const { a, b } = pairOf(net, say);
    b.spawn(async (sys) => {
      const l = await listen(sys, 7000);
      const c = await sys.accept(l);
      await sys.nanosleep(50);
      say('server', `${await sys.ioctl(c, C.FIONREAD)} bytes unread; close()`);
      await sys.close(c);
      await sys.close(l);
    });
    a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.connect(fd, { addr: '10.0.0.2', port: 7000 });
      say('client', `send: ${await sys.send(fd, 'a request the server never reads')}`);
      const r = await sys.recv(fd, new Uint8Array(100), 0);
      say('client', `recv: ${r < 0 ? errnoName(r) : r}`);
      const s = await sys.send(fd, 'more', C.MSG_NOSIGNAL);
      say('client', `send after the reset: ${s < 0 ? errnoName(s) : s}`);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    say('net', `server TcpExt.TCPAbortOnClose ${b.counters().TcpExt.TCPAbortOnClose}, Tcp.OutRsts ${b.counters().Tcp.OutRsts}; client Tcp.EstabResets ${a.counters().Tcp.EstabResets}`);
  },
};

export const closeFin = {
  name: 'close-fin',
  order: 21,
  description: 'the client close()s right after a large send: the data goes first, then FIN; TIME_WAIT for 60 s',
  async run({ net, say }) {
    const { a, b } = pairOf(net, say);
    b.spawn(async (sys) => {
      const l = await listen(sys, 7000);
      const c = await sys.accept(l);
      const buf = new Uint8Array(65536);
      let total = 0;
      for (;;) {
        const n = await sys.recv(c, buf, 0);
        if (n <= 0) break;
        total += n;
      }
      say('server', `read ${total} bytes, then EOF; close()`);
      await sys.close(c);
      await sys.close(l);
    });
    a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.connect(fd, { addr: '10.0.0.2', port: 7000 });
      say('client', `send: ${await sys.send(fd, new Uint8Array(20000))}; close() at once`);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    for (const s of a.ss()) say('client', `ss: ${s.state} ${s.local} → ${s.peer} ${s.timer ?? ''}`);
    // TIME_WAIT is 60 s; the timer wheel may fire it up to 1/8 later (as on Linux).
    await net.run({ untilMs: net.now() + 59_000 });
    say('net', `after 59 s: client sockets ${JSON.stringify(a.ss().map((s) => `${s.state} ${s.timer}`))}`);
    await net.run({ untilMs: net.now() + 10_000 });
    say('net', `after 69 s: client sockets ${JSON.stringify(a.ss().map((s) => s.state))}`);
  },
};


export default closeRst;
