// The write-write-read stall: a client writes a small header, then a small body, then
// reads the reply. Nagle holds the body until the header is acknowledged; the server,
// interactive after its first reply, delays that ACK 40 ms hoping to send it with data —
// which only comes once the body has arrived. Then the fixes: TCP_NODELAY, or MSG_MORE
// (one segment for header and body). Linux: tcp_nagle_check, tcp_send_delayed_ack.
import { constants as C } from '../../build/host/index.js';

const N = 4;

export default {
  name: 'nagle',
  order: 20,
  description: 'write-write-read with Nagle + delayed ACK: a 40 ms stall per request, and its fixes (TCP_NODELAY, MSG_MORE)',
  async run({ net, say }) {
    const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
    net.link(a, b, { delayMs: 5 });
    say('net', 'client 10.0.0.1 ── 5 ms (RTT 10 ms) ── server 10.0.0.2');

    const readN = async (sys, fd, n) => {
      const buf = new Uint8Array(n);
      for (let got = 0; got < n; ) got += await sys.recv(fd, buf.subarray(got), 0);
    };
    b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 80 });
      await sys.listen(l, 8);
      for (let round = 0; round < 3; round++) {
        const c = await sys.accept(l);
        for (let i = 0; i < N; i++) {
          await readN(sys, c, 20);
          await sys.send(c, 'reply');
        }
        await sys.close(c);
      }
      await sys.close(l);
    });

    const modes = [
      ['Nagle (the default)', 0],
      ['TCP_NODELAY', 1],
      ['MSG_MORE on the header', 2],
    ];
    a.spawn(async (sys) => {
      for (const [label, mode] of modes) {
        say('client', `── ${label}: ${N} requests of header (10 bytes) + body (10 bytes), each answered by a 5-byte reply`);
        const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
        await sys.connect(fd, { addr: '10.0.0.2', port: 80 });
        if (mode === 1) await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_NODELAY, 1);
        const times = [];
        for (let i = 0; i < N; i++) {
          const t0 = await sys.clock_gettime();
          await sys.send(fd, 'header....', mode === 2 ? C.MSG_MORE : 0);
          await sys.send(fd, 'body......');
          await readN(sys, fd, 5);
          const dt = (await sys.clock_gettime()) - t0;
          times.push(dt);
          say('client', `request ${i + 1}: ${dt} ms${mode === 0 && i > 0 ? ' — the body waited for the delayed ACK of the header' : ''}`);
        }
        await sys.close(fd);
        say('client', `${label}: ${times.join(' + ')} ms`);
        await sys.nanosleep(300);
      }
    });
    await net.run({ untilIdle: true });
    const s = b.counters().TcpExt;
    say('net', `server TcpExt.DelayedACKs ${s.DelayedACKs} (ACKs the 40 ms timer had to send: one per stalled request)`);
    say('net', 'The first request of each connection is quick: a new connection ACKs its first 16 segments at once (quick-ACK mode).');
  },
};
