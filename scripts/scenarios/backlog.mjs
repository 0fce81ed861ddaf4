// Listen queues: a server that is slow to accept() — backlog + 1 connections wait in the
// accept queue, further SYNs are dropped (ListenOverflows) and get in on their retry.
import { constants as C, errnoName } from '../../build/host/index.js';

export default {
  name: 'backlog',
  order: 30,
  description: 'listen(fd, 2) and no accept() for 2 s: three connections queue, two SYNs are dropped and retried; ss and the counters',
  async run({ net, say }) {
    const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
    net.link(a, b, { delayMs: 1 });
    say('net', 'client 10.0.0.1 ── 1 ms ── server 10.0.0.2');
    const ss = (h, who) => {
      for (const s of h.ss()) say(who, `ss: ${s.state.padEnd(8)} Recv-Q ${String(s.recvQ).padStart(2)} Send-Q ${String(s.sendQ).padStart(2)} ${s.local} ${s.peer} ${s.timer ?? ''}`);
    };
    b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 80 });
      await sys.listen(l, 2);
      say('server', 'listen(fd, 2); sleeping 2 s before accept()');
      await sys.nanosleep(2000);
      for (let i = 0; i < 5; i++) {
        const c = await sys.accept(l);
        say('server', `accept() → fd ${c}`);
        await sys.close(c);
      }
      await sys.close(l);
    });
    for (let i = 0; i < 5; i++) {
      a.spawn(async (sys) => {
        await sys.nanosleep(20 + 20 * i);
        const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
        const t = await sys.clock_gettime();
        const rc = await sys.connect(fd, { addr: '10.0.0.2', port: 80 });
        say(`client${i + 1}`, `connect() → ${rc < 0 ? errnoName(rc) : rc} after ${(await sys.clock_gettime()) - t} ms`);
        await sys.recv(fd, new Uint8Array(1), 0);
        await sys.close(fd);
      });
    }
    await net.run({ untilMs: 500 });
    say('net', '── at 0.5 s:');
    ss(b, 'server');
    ss(a, 'client');
    const x = b.counters().TcpExt;
    say('server', `TcpExt ListenOverflows ${x.ListenOverflows}, ListenDrops ${x.ListenDrops}`);
    await net.run({ untilIdle: true });
    const y = b.counters();
    say('server', `at the end: TcpExt ListenOverflows ${y.TcpExt.ListenOverflows}, ListenDrops ${y.TcpExt.ListenDrops}; Tcp PassiveOpens ${y.Tcp.PassiveOpens}`);
  },
};
