// The thundering herd on a listening socket: four forked workers wait for one
// connection, three ways. Blocking accept() sleeps exclusively (one wake-up); epoll
// without EPOLLEXCLUSIVE wakes every worker (one accept wins, the rest get EAGAIN);
// EPOLLEXCLUSIVE (Linux 4.5) wakes one. Wake-ups are counted by the kernel per task.
// Linux: inet_csk_wait_for_connect (prepare_to_wait_exclusive), fs/eventpoll.c
// ep_poll_callback (ewake for EPOLLEXCLUSIVE items).
import { constants as C } from '../../build/host/index.js';

export default {
  name: 'herd',
  order: 21,
  description: 'thundering herd: blocking accept vs epoll vs EPOLLEXCLUSIVE, with wake-up counts',
  async run({ net, say }) {
    const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
    net.link(a, b, { delayMs: 1 });
    const x = b.kernel.x;
    const modes = [
      ['accept', 'blocking accept()'],
      ['epoll', 'epoll_wait, EPOLLIN'],
      ['exclusive', 'epoll_wait, EPOLLIN | EPOLLEXCLUSIVE'],
    ];
    for (const [i, [mode, title]] of modes.entries()) {
      const port = 8000 + i;
      const tally = { woke: 0, accepted: 0, eagain: 0 };
      say('server', `── ${title}: 4 workers wait on one listener (port ${port})`);
      b.spawn(async (sys) => {
        const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
        await sys.bind(l, { addr: '0.0.0.0', port });
        await sys.listen(l, 16);
        if (mode !== 'accept') await sys.fcntl(l, C.F_SETFL, C.O_NONBLOCK);
        const pids = [];
        for (let w = 0; w < 4; w++) {
          pids.push(await sys.fork(async (ws) => {
            const me = await ws.getpid();
            const w0 = x.task_wakeups(me);
            let r;
            if (mode === 'accept') {
              r = await ws.accept(l);
            } else {
              const ep = await ws.epoll_create1(0);
              await ws.epoll_ctl(ep, C.EPOLL_CTL_ADD, l, { events: C.EPOLLIN | (mode === 'exclusive' ? C.EPOLLEXCLUSIVE : 0) });
              await ws.epoll_wait(ep, 1, -1);
              r = await ws.accept(l);
            }
            tally.woke++;
            if (r >= 0) tally.accepted++;
            else tally.eagain++;
            say(`w${w + 1}`, `pid ${me} woke (${x.task_wakeups(me) - w0} wake-up): accept → ${r >= 0 ? `fd ${r}` : r === -C.EAGAIN ? 'EAGAIN' : r}`);
          }));
        }
        await sys.nanosleep(50);
        // Workers still asleep: the herd that did not stampede. End them.
        for (const p of pids) b.processes.get(p)?.kill(C.SIGTERM ?? 15);
        for (const p of pids) await sys.waitpid(p);
        say('server', `${title}: ${tally.woke} of 4 woke, ${tally.accepted} accepted, ${tally.eagain} got EAGAIN`);
        await sys.close(l);
      });
      a.spawn(async (sys) => {
        await sys.nanosleep(10);
        const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
        await sys.connect(fd, { addr: '10.0.0.2', port });
        say('client', 'connected once');
        await sys.nanosleep(60);
        await sys.close(fd);
      });
      await net.run({ untilIdle: true });
    }
  },
};
