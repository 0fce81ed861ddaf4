// The seed's muduo-style reactor (examples/reactor): two event loops in two processes
// share one listening socket (EPOLLEXCLUSIVE); an echo client is served at once, and a
// slow reader makes the output buffer pass its high-water mark. EPOLLOUT is watched only
// while output is queued.
import { constants as C } from '../../build/host/index.js';
import { listenTcp, forkLoops } from '../../examples/reactor/index.mjs';

const HIGH_WATER = 256 * 1024;
const DOWNLOAD = 1024 * 1024;

export default {
  name: 'reactor',
  order: 60,
  description: 'muduo-style reactor: 2 event loops, input/output buffers, EPOLLOUT only while output is queued, high-water mark on a slow reader',
  trace: (_t, f) => f.length >= 54 && f[23] === 6 && (f[14 + (f[14] & 15) * 4 + 13] & 0x07) !== 0, // SYN, FIN, RST only
  async run({ net, say }) {
    const a = net.addHost({ name: 'clients', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
    net.link(a, b, { delayMs: 2, rateBps: 100e6 });
    say('net', 'clients 10.0.0.1 ── 2 ms, 100 Mbit/s ── server 10.0.0.2');
    const server = b.spawn(async (sys) => {
      const lfd = await listenTcp(sys, { port: 7000 });
      const pids = await forkLoops(sys, lfd, 2, (srv, loop, i) => {
        srv.highWaterMark = HIGH_WATER;
        srv.onConnection = (c) => say(`loop${i}`, `${c.connected() ? 'connection from' : 'closed'} ${c.peer.addr}:${c.peer.port} (fd ${c.fd})`);
        srv.onMessage = async (c, buf) => {
          const text = buf.retrieveAllAsString();
          const m = /^GET (\d+)\n$/.exec(text);
          if (m) {
            say(`loop${i}`, `GET ${m[1]}: send() takes what fits, the output buffer holds the rest`);
            await c.send(new Uint8Array(Number(m[1])).fill(0x62));
            await c.shutdown();
          } else {
            await c.send(text); // echo
          }
        };
        srv.onWatchWrite = (c, on) => say(`loop${i}`, `${on ? 'watch EPOLLOUT' : 'stop watching EPOLLOUT'} on fd ${c.fd} (output buffer ${c.outputBuffer.readableBytes()} bytes)`);
        srv.onHighWaterMark = (c, n) => say(`loop${i}`, `high-water mark: ${n} bytes queued for ${c.peer.addr}:${c.peer.port} (> ${HIGH_WATER}); a real server would stop producing`);
        srv.onWriteComplete = (c) => { if (c.state === 'disconnecting') say(`loop${i}`, `write complete on fd ${c.fd}: shutdown(SHUT_WR) now`); };
      }, { idleExitMs: 1000 });
      say('server', `listening on 7000; loops in processes ${pids.join(', ')} (each ends after 1 s without events)`);
      for (const pid of pids) await sys.waitpid(pid);
      await sys.close(lfd);
    });
    const echo = a.spawn(async (sys) => {
      await sys.nanosleep(10);
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.connect(fd, { addr: '10.0.0.2', port: 7000 });
      const buf = new Uint8Array(100);
      for (const msg of ['hello\n', 'reactor\n']) {
        await sys.send(fd, msg);
        const n = await sys.recv(fd, buf, 0);
        say('echo', `sent ${JSON.stringify(msg)}, got back ${JSON.stringify(new TextDecoder().decode(buf.subarray(0, n)))}`);
      }
      await sys.close(fd);
    });
    const slow = a.spawn(async (sys) => {
      await sys.nanosleep(20);
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_RCVBUF, 16384);
      await sys.connect(fd, { addr: '10.0.0.2', port: 7000 });
      await sys.send(fd, `GET ${DOWNLOAD}\n`);
      const buf = new Uint8Array(32768);
      let total = 0;
      for (;;) {
        const n = await sys.recv(fd, buf, 0);
        if (n <= 0) break;
        total += n;
        await sys.nanosleep(5); // a slow reader: ~6 MB/s at most
      }
      say('slow', `read ${total} bytes, then EOF`);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    await Promise.all([server.exited, echo.exited, slow.exited]);
  },
};
