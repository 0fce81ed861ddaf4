// SO_REUSEPORT: several listener processes on one port, each connection handed to one of
// them by a hash of its 4-tuple (reuseport_select_sock); another uid may not join.
import { constants as C, errnoName } from '../../build/host/index.js';

export default {
  name: 'reuseport',
  order: 31,
  description: 'four SO_REUSEPORT listeners share port 8080; 40 connections spread by the 4-tuple hash',
  async run({ net, say }) {
    const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
    net.link(a, b, { delayMs: 1 });
    const N = 4;
    const CONNS = 40;
    const counts = new Array(N).fill(0);
    const listening = [];
    for (let w = 0; w < N; w++) {
      listening.push(b.spawn(async (sys) => {
        const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
        await sys.setsockopt(l, C.SOL_SOCKET, C.SO_REUSEPORT, 1);
        await sys.bind(l, { addr: '0.0.0.0', port: 8080 });
        await sys.listen(l, 128);
        say(`worker${w}`, `listening on 0.0.0.0:8080 with SO_REUSEPORT (pid ${await sys.getpid()})`);
        await sys.setsockopt(l, C.SOL_SOCKET, C.SO_RCVTIMEO_OLD, 500);
        for (;;) {
          const c = await sys.accept(l);
          if (c < 0) break; // idle for 500 ms
          counts[w]++;
          await sys.close(c);
        }
        await sys.close(l);
      }, { name: `worker${w}` }));
    }
    const other = b.spawn(async (sys) => {
      await sys.nanosleep(1);
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.setsockopt(l, C.SOL_SOCKET, C.SO_REUSEPORT, 1);
      const rc = await sys.bind(l, { addr: '0.0.0.0', port: 8080 });
      say('uid1000', `bind(0.0.0.0:8080) with SO_REUSEPORT as another user: ${errnoName(rc)}`);
      await sys.close(l);
    }, { name: 'uid1000', uid: 1000 });
    const client = a.spawn(async (sys) => {
      await sys.nanosleep(5);
      for (let i = 0; i < CONNS; i++) {
        const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
        await sys.connect(fd, { addr: '10.0.0.2', port: 8080 });
        await sys.close(fd);
      }
      say('client', `${CONNS} connections made`);
    });
    await net.run({ untilIdle: true });
    await Promise.all([client.exited, other.exited, ...listening.map((p) => p.exited)]);
    say('server', `accepted per worker: ${counts.map((n, w) => `worker${w}=${n}`).join(' ')}`);
  },
};
