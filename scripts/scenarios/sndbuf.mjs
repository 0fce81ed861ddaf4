// The seeds' send-buffer experiment: a 16 KB SO_SNDBUF, a 70,000-byte blocking send, and
// a receiver that reads only later.
import { constants as C, errnoName } from '../../build/host/index.js';

export default {
  name: 'sndbuf',
  order: 10,
  description: '70,000-byte blocking send into a 16 KB send buffer; a 16 KB receiver reads only after 3 s',
  async run({ net, say }) {
    const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
    net.link(a, b, { delayMs: 1 });
    say('net', 'client 10.0.0.1 ── 1 ms ── server 10.0.0.2');
    const show = (h, who) => {
      for (const s of h.ss()) {
        if (s.state === 'LISTEN') continue;
        say(who, `ss: ${s.state} Recv-Q ${s.recvQ} Send-Q ${s.sendQ} ${s.local} → ${s.peer} ${s.timer ?? ''} skmem(r${s.skmem.r},rb${s.skmem.rb},w${s.skmem.w},tb${s.skmem.tb}) snd_wnd ${s.info?.tcpi_snd_wnd} rcv_wnd ${s.info?.tcpi_rcv_wnd}`);
      }
    };
    const server = b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      // A small receive buffer too (the accepted socket inherits it), so the window closes.
      await sys.setsockopt(l, C.SOL_SOCKET, C.SO_RCVBUF, 16384);
      await sys.bind(l, { addr: '0.0.0.0', port: 5001 });
      await sys.listen(l, 16);
      const c = await sys.accept(l);
      say('server', `accepted; not reading for 3 s (SO_RCVBUF ${await sys.getsockopt(c, C.SOL_SOCKET, C.SO_RCVBUF)})`);
      await sys.nanosleep(3000);
      show(b, 'server');
      const buf = new Uint8Array(8192);
      let total = 0;
      for (;;) {
        const n = await sys.recv(c, buf, 0);
        if (n <= 0) break;
        total += n;
      }
      say('server', `read ${total} bytes, then EOF`);
      await sys.close(c);
      await sys.close(l);
    });
    const client = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_SNDBUF, 16384);
      say('client', `SO_SNDBUF set to 16384, reads back ${await sys.getsockopt(fd, C.SOL_SOCKET, C.SO_SNDBUF)} (Linux doubles it)`);
      await sys.connect(fd, { addr: '10.0.0.2', port: 5001 });
      // Watch from the side while the blocking send sleeps.
      const watcher = a.spawn(async (w) => {
        for (const t of [50, 500, 1500]) {
          await w.nanosleep(t - (await w.clock_gettime()) + 20);
          show(a, 'client');
        }
      });
      say('client', 'send(70000 bytes), blocking…');
      const n = await sys.send(fd, new Uint8Array(70000).fill(0x61));
      say('client', `send returned ${n}`);
      await watcher.exited;
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    await server.exited;
    await client.exited;
    const c = a.counters().TcpExt;
    say('net', `client: TCPWinProbe ${c.TCPWinProbe}; server: TCPToZeroWindowAdv ${b.counters().TcpExt.TCPToZeroWindowAdv}, TCPFromZeroWindowAdv ${b.counters().TcpExt.TCPFromZeroWindowAdv}`);
  },
};
