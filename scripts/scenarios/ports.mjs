// Ephemeral ports run out: a 10-port ip_local_port_range, connections that close first
// pile up in TIME_WAIT, connect() fails with EADDRNOTAVAIL, and tcp_tw_reuse lifts it.
import { constants as C, errnoName } from '../../build/host/index.js';

export default {
  name: 'ports',
  order: 30,
  description: 'a 10-port range runs out (EADDRNOTAVAIL) as TIME_WAIT piles up; tcp_tw_reuse = 1 lifts it',
  async run({ net, say }) {
    const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
    net.link(a, b, { delayMs: 1 });
    a.sysctl('net.ipv4.ip_local_port_range', '40000 40009');
    say('client', `ip_local_port_range = ${a.sysctl('net.ipv4.ip_local_port_range').replace('\t', ' ')}, tcp_tw_reuse = ${a.sysctl('net.ipv4.tcp_tw_reuse')} (loopback only)`);

    const server = b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 80 });
      await sys.listen(l, 128);
      const buf = new Uint8Array(64);
      for (let i = 0; i < 11; i++) {
        const c = await sys.accept(l);
        while ((await sys.recv(c, buf, 0)) > 0);
        await sys.close(c); // after the client's FIN: the client keeps the TIME_WAIT
      }
      await sys.close(l);
    });

    const client = a.spawn(async (sys) => {
      await sys.nanosleep(1);
      const once = async () => {
        const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
        const rc = await sys.connect(fd, { addr: '10.0.0.2', port: 80 });
        if (rc < 0) {
          await sys.close(fd);
          return errnoName(rc);
        }
        const { port } = await sys.getsockname(fd);
        await sys.send(fd, 'GET /\n');
        await sys.close(fd); // active close: this end waits 60 s in TIME_WAIT
        await sys.nanosleep(10);
        return port;
      };
      const ports = [];
      for (let i = 0; i < 10; i++) ports.push(await once());
      say('client', `10 connections from ports ${ports.join(' ')} (even ones first: __inet_hash_connect)`);
      const tw = a.ss().filter((e) => e.state === 'TIME-WAIT');
      say('client', `ss: ${tw.length} sockets in TIME-WAIT, e.g. ${tw[0].local} → ${tw[0].peer} ${tw[0].timer}`);
      say('client', `connect() #11: ${await once()} — every port's 4-tuple toward 10.0.0.2:80 is in TIME_WAIT`);
      await sys.nanosleep(2000);
      say('client', `2 s later, connect(): ${await once()} — tcp_tw_reuse = 2 only reuses loopback tuples`);
      a.sysctl('net.ipv4.tcp_tw_reuse', 1);
      say('client', 'sysctl net.ipv4.tcp_tw_reuse = 1');
      say('client', `connect(): port ${await once()} — taken over from TIME_WAIT (TcpExt TWRecycled = ${a.counters().TcpExt.TWRecycled})`);
    });
    await net.run({ untilMs: 10_000 });
    await client.exited;
    await server.exited;
    await net.run({ untilMs: 75_000 });
    say('client', `75 s in: ${a.ss().filter((e) => e.state === 'TIME-WAIT').length} TIME-WAIT left (TcpExt TW = ${a.counters().TcpExt.TW})`);
  },
};
