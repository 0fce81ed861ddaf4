// Two hosts on a link with 20 ms of delay and 10% loss: ARP, ping, and UDP.
import { constants as C, errnoName } from '../../build/host/index.js';

export default {
  name: 'basics',
  order: 0,
  description: 'two hosts resolve each other with ARP, ping, and trade UDP datagrams over a lossy 20 ms link',
  async run({ net, say }) {
    const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
    net.link(a, b, { delayMs: 20, lossRate: 0.1, rateBps: 10e6 });
    say('net', 'client 10.0.0.1 ── 20 ms, 10 Mbit/s, 10% loss ── server 10.0.0.2');

    const server = b.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.bind(fd, { addr: '0.0.0.0', port: 7 });
      // Echo until nothing arrives for 10 s (SO_RCVTIMEO).
      await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_RCVTIMEO_OLD, 10000);
      say('server', 'echo server listening on UDP port 7');
      const buf = new Uint8Array(2048);
      for (;;) {
        const r = await sys.recvfrom(fd, buf, 0);
        if (typeof r === 'number') {
          say('server', `recvfrom: ${errnoName(r)} (idle for 10 s), closing`);
          break;
        }
        await sys.sendto(fd, buf.subarray(0, r.n), 0, r.addr);
      }
      await sys.close(fd);
    });

    const client = a.spawn(async (sys) => {
      const ping = await sys.socket(C.AF_INET, C.SOCK_DGRAM, C.IPPROTO_ICMP);
      await sys.setsockopt(ping, C.SOL_SOCKET, C.SO_RCVTIMEO_OLD, 1500);
      const reply = new Uint8Array(128);
      for (let seq = 1; seq <= 3; seq++) {
        const req = new Uint8Array(64);
        req[0] = 8;
        req[7] = seq;
        const t0 = await sys.clock_gettime();
        await sys.sendto(ping, req, 0, { addr: '10.0.0.2', port: 0 });
        const r = await sys.recvfrom(ping, reply, 0);
        const t1 = await sys.clock_gettime();
        say('client', typeof r === 'number' ? `ping seq ${seq}: ${errnoName(r)} after 1.5 s (lost)` : `ping seq ${seq}: reply seq ${reply[7]} from ${r.addr.addr}, time ${(t1 - t0).toFixed(1)} ms`);
      }
      await sys.close(ping);

      const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
      await sys.connect(fd, { addr: '10.0.0.2', port: 7 });
      await sys.setsockopt(fd, C.SOL_SOCKET, C.SO_RCVTIMEO_OLD, 200);
      const buf = new Uint8Array(2048);
      let echoed = 0;
      for (let i = 1; i <= 10; i++) {
        await sys.send(fd, `datagram ${i}`);
        const n = await sys.recv(fd, buf, 0);
        if (n > 0) echoed++;
        else say('client', `datagram ${i}: no echo within 200 ms (${errnoName(n)})`);
      }
      say('client', `${echoed}/10 datagrams echoed`);
      await sys.close(fd);
    });

    await net.run({ untilIdle: true });
    await server.exited;
    await client.exited;
    const ca = a.counters();
    say('net', `client Udp: OutDatagrams ${ca.Udp.OutDatagrams}, InDatagrams ${ca.Udp.InDatagrams}; Icmp: OutEchos ${ca.Icmp.OutEchos}, InEchoReps ${ca.Icmp.InEchoReps}`);
    say('net', `link drops (netem loss): client→server ${a.linkStats(a.ends[0].ifindex).qdiscDrops}, server→client ${b.linkStats(b.ends[0].ifindex).qdiscDrops}`);
    say('net', `client neighbours: ${a.neighbours().map((n) => `${n.ip} ${n.mac} ${n.state}`).join(', ')}`);
  },
};
