// Delayed ACK as Linux does it, phase by phase: quick ACKs while a connection starts, then
// an interactive exchange where the receiver holds its ACK up to 40 ms hoping to send it
// with a reply, the ACK sent at once for every second full segment, and TCP_QUICKACK.
// Linux: tcp_event_data_recv, __tcp_ack_snd_check, tcp_send_delayed_ack, tcp_delack_timer.
import { constants as C } from '../../build/host/index.js';

const MSS = 1448;

export default {
  name: 'delack',
  order: 21,
  description: 'delayed ACKs: quick ACKs at the start, the 40 ms timer, every second full segment, TCP_QUICKACK',
  async run({ net, say }) {
    const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
    net.link(a, b, { delayMs: 5 });
    say('net', 'client 10.0.0.1 ── 5 ms ── server 10.0.0.2');

    const readN = async (sys, fd, n) => {
      const buf = new Uint8Array(n);
      for (let got = 0; got < n; ) got += await sys.recv(fd, buf.subarray(got), 0);
    };
    const ato = async (sys, fd) => (await sys.getsockopt(fd, C.IPPROTO_TCP, C.TCP_INFO)).tcpi_ato / 1000;
    const phase = (t) => say('--', t);

    b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 80 });
      await sys.listen(l, 8);
      const c = await sys.accept(l);
      await readN(sys, c, 3 * 100);
      // A request and its reply: a reply sent within ato of the data makes us interactive.
      await readN(sys, c, 4);
      await sys.send(c, 'pong');
      say('server', `replied; TCP_QUICKACK reads ${await sys.getsockopt(c, C.IPPROTO_TCP, C.TCP_QUICKACK)} (interactive: ACKs wait for data to ride on)`);
      await readN(sys, c, 4); // 'note': read, no reply
      say('server', `read the note and sends nothing: its ACK waits for the delayed-ACK timer (ato ${await ato(sys, c)} ms)`);
      await readN(sys, c, 4);
      await sys.send(c, 'pong');
      await readN(sys, c, 3 * MSS);
      await readN(sys, c, 4);
      await sys.send(c, 'pong');
      await readN(sys, c, 4);
      await sys.setsockopt(c, C.IPPROTO_TCP, C.TCP_QUICKACK, 1);
      say('server', 'read the second note, then setsockopt(TCP_QUICKACK, 1): the owed ACK goes at once');
      const buf = new Uint8Array(64);
      while ((await sys.recv(c, buf, 0)) > 0);
      say('server', `TcpExt.DelayedACKs ${b.counters().TcpExt.DelayedACKs}, tcpi_ato ${await ato(sys, c)} ms`);
      await sys.close(c);
      await sys.close(l);
    });

    a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.connect(fd, { addr: '10.0.0.2', port: 80 });
      await sys.setsockopt(fd, C.IPPROTO_TCP, C.TCP_NODELAY, 1);
      phase('1. a new connection: the receiver ACKs each of its first 16 segments at once (quick-ACK mode), so slow start is not held back');
      for (let i = 0; i < 3; i++) {
        await sys.send(fd, new Uint8Array(100));
        await sys.nanosleep(50);
      }
      phase('2. request/reply: both sides become interactive (pingpong); then a lone note with no reply is ACKed by the 40 ms timer');
      await sys.send(fd, 'ping');
      await readN(sys, fd, 4);
      await sys.send(fd, 'note');
      await sys.nanosleep(100);
      phase('3. interactive again; three full segments in one write: the second is ACKed at once (more than one full segment unacknowledged), the third after 40 ms');
      await sys.send(fd, 'ping');
      await readN(sys, fd, 4);
      await sys.send(fd, new Uint8Array(3 * MSS));
      await sys.nanosleep(100);
      phase('4. interactive again; a note, and the server asks for TCP_QUICKACK after reading it');
      await sys.send(fd, 'ping');
      await readN(sys, fd, 4);
      await sys.send(fd, 'note');
      await sys.nanosleep(100);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
  },
};
