// The seeds' "receiver never reads" experiment, phase by phase: the receive queue fills,
// the advertised window shrinks to zero, the sender's buffer fills and send() blocks,
// the persist timer probes with exponential backoff.
import { constants as C, errnoName } from '../../build/host/index.js';

export default {
  name: 'noread',
  order: 11,
  description: 'the client sends, the server never reads: window to zero, send buffer full, persist probes',
  async run({ net, say }) {
    const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
    net.link(a, b, { delayMs: 2 });
    say('net', 'client 10.0.0.1 ── 2 ms ── server 10.0.0.2');
    let lastWin = -1;
    net.onFrame((t, f) => {
      // Narrate the receiver's window as it changes (the TCP window field, scaled).
      if (f.length < 54 || f[23] !== 6 || f[26] !== 10 || f[29] !== 2) return;
      const win = (f[48] << 8) | f[49];
      if (win !== lastWin && (win === 0 || lastWin === 0 || lastWin < 0)) say('server', `advertises win ${win}${win === 0 ? ' (zero window)' : ''}`);
      lastWin = win;
    });
    b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 9000 });
      await sys.listen(l, 16);
      const c = await sys.accept(l);
      say('server', 'accepted; never reads. Sleeping 30 s, then exit (close with unread data → RST).');
      await sys.nanosleep(30_000);
      await sys.close(c);
      await sys.close(l);
    });
    a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.connect(fd, { addr: '10.0.0.2', port: 9000 });
      const watcher = a.spawn(async (w) => {
        for (const t of [100, 1000, 5000, 20000]) {
          await w.nanosleep(t - (await w.clock_gettime()));
          for (const s of a.ss()) say('client', `ss @${t} ms: ${s.state} Send-Q ${s.sendQ} ${s.timer ?? ''} snd_wnd ${s.info?.tcpi_snd_wnd} (sndbuf ${s.skmem.tb}, queued ${s.skmem.w})`);
        }
      });
      const chunk = new Uint8Array(65536);
      let total = 0;
      for (;;) {
        const n = await sys.send(fd, chunk, C.MSG_NOSIGNAL);
        if (n < 0) {
          say('client', `send: ${errnoName(n)} after ${total} bytes sent in all`);
          break;
        }
        total += n;
        say('client', `send returned ${n} (total ${total})`);
      }
      await watcher.exited;
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    say('net', `client TcpExt.TCPWinProbe ${a.counters().TcpExt.TCPWinProbe}; server TCPToZeroWindowAdv ${b.counters().TcpExt.TCPToZeroWindowAdv}, TCPAbortOnClose ${b.counters().TcpExt.TCPAbortOnClose}`);
  },
};
