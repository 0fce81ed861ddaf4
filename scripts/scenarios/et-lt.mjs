// Level- vs edge-triggered epoll on one connection: the server watches the same socket
// from two epoll instances, one level-triggered and one EPOLLET, and reads 4 bytes after
// each report. LT reports again while bytes remain; ET reports once per arrival, so the
// partial reader's next epoll_wait times out with data still queued (the classic ET bug).
// Linux: fs/eventpoll.c ep_send_events (LT items go back on the ready list; ET ones do not).
import { constants as C } from '../../build/host/index.js';

export default {
  name: 'et-lt',
  order: 20,
  description: 'epoll level- vs edge-triggered: partial reads, re-reports, and the ET bug',
  async run({ net, say }) {
    const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
    net.link(a, b, { delayMs: 5 });
    say('net', 'client 10.0.0.1 ── 5 ms ── server 10.0.0.2');
    const ev = (r) => (typeof r === 'number' ? `error ${r}` : r.length === 0 ? 'nothing (timed out)' : r.map((e) => `${e.data === 1 ? 'sock' : e.data}: ${e.events & C.EPOLLIN ? 'EPOLLIN' : e.events}`).join(', '));
    b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 7000 });
      await sys.listen(l, 8);
      const s = await sys.accept(l);
      await sys.fcntl(s, C.F_SETFL, C.O_NONBLOCK);
      const buf = new Uint8Array(4);
      for (const [mode, flags] of [['LT', 0], ['ET', C.EPOLLET]]) {
        const ep = await sys.epoll_create1(0);
        await sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, s, { events: C.EPOLLIN | flags, data: 1 });
        say('server', `── ${mode}: epoll_ctl(ADD, sock, EPOLLIN${flags ? ' | EPOLLET' : ''}); waiting for 10 bytes`);
        for (let round = 0; round < 4; round++) {
          const r = await sys.epoll_wait(ep, 8, round === 0 ? -1 : 200);
          say('server', `${mode} epoll_wait → ${ev(r)}; FIONREAD ${await sys.ioctl(s, C.FIONREAD)}`);
          if (!Array.isArray(r) || r.length === 0) {
            const left = await sys.ioctl(s, C.FIONREAD);
            if (left === 0) say('server', `${mode}: everything read; a level-triggered item reports only while data is there`);
            else say('server', `${mode}: ${left} bytes still queued, but no new arrival, so no new edge: the reader is stuck`);
            break;
          }
          const n = await sys.recv(s, buf);
          say('server', `${mode} read 4 → ${n} ("${new TextDecoder().decode(buf.subarray(0, n))}")`);
        }
        if (mode === 'ET') {
          let n;
          let total = 0;
          while ((n = await sys.recv(s, buf)) > 0) total += n;
          say('server', `ET done right: read until EAGAIN (${total} more bytes, then ${n === -C.EAGAIN ? 'EAGAIN' : n})`);
        }
        await sys.close(ep);
        // The client sends the second 10 bytes after the LT round.
        if (mode === 'LT') await sys.send(s, 'next');
      }
      await sys.close(s);
      await sys.close(l);
    });
    a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.connect(fd, { addr: '10.0.0.2', port: 7000 });
      await sys.send(fd, '0123456789');
      say('client', 'sent 10 bytes');
      await sys.recv(fd, new Uint8Array(4));
      await sys.send(fd, 'abcdefghij');
      say('client', 'sent 10 more bytes');
      await sys.recv(fd, new Uint8Array(16));
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
  },
};
