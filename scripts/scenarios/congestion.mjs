// Congestion control on a link with a small tail-drop queue: slow start overshoots the
// queue, the losses are repaired (fast retransmit, recovery), and cwnd settles into the
// sawtooth. Writes the two plots the seeds use next to the pcap: a tcptrace-style
// time-sequence graph and cwnd/ssthresh over the congestion-avoidance states.
import { constants as C, timeSequenceSvg, cwndSvg, sampleTcpInfo, CA_STATE_NAMES, readPcap } from '../../build/host/index.js';

const TOTAL = 8_000_000;

export default {
  name: 'congestion',
  order: 40,
  description: '8 MB through a router with a 20 Mbit/s, 40 ms RTT bottleneck (netem limit 100 packets): slow start, losses, recovery, cwnd sawtooth (SVG plots)',
  // Thousands of data segments: print only the handshake, the FINs and any RST.
  trace: (_t, f) => f.length >= 54 && f[12] === 0x08 && f[13] === 0 && f[23] === 6 && (f[14 + (f[14] & 15) * 4 + 13] & 0x07) !== 0,
  async run({ net, say, write }) {
    // sender — router — receiver: the bottleneck queue is the router's (its drops are
    // losses TCP must repair). On the sender itself, a full qdisc would only push back
    // (Linux's tcp_transmit_skb sees NET_XMIT_DROP and keeps the segment unsent).
    const a = net.addHost({ name: 'sender', ip: '10.0.0.1' });
    const r = net.addHost({ name: 'router', ip: '10.0.0.254' });
    const b = net.addHost({ name: 'receiver', ip: '10.0.1.2' });
    net.link(a, r, { delayMs: 1, rateBps: 1e9 });
    // netem's limit counts the packets in its delay line too (as Linux's netem does): at
    // 20 Mbit/s the 19 ms hold ~33 packets, so 100 leaves ~67 for a standing queue.
    net.link(r, b, { ab: { delayMs: 19, rateBps: 20e6, queuePackets: 100 }, ba: { delayMs: 19 } });
    r.sysctl('net.ipv4.ip_forward', 1);
    a.addRoute('10.0.1.2', 32, a.ends[0].ifindex, '10.0.0.254');
    b.addRoute('10.0.0.1', 32, b.ends[0].ifindex, '10.0.0.254');
    say('net', `sender ─ 1 Gbit/s, 1 ms ─ router ─ 20 Mbit/s, 19 ms, netem limit 100 packets (delay line included) ─> receiver (BDP ${Math.round((20e6 / 8) * 0.04 / 1448)} segments)`);
    say('net', `congestion control: ${a.sysctl('net.ipv4.tcp_congestion_control')}`);
    let got = 0;
    b.spawn(async (sys) => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.bind(l, { addr: '0.0.0.0', port: 5001 });
      await sys.listen(l, 8);
      const c = await sys.accept(l);
      const buf = new Uint8Array(65536);
      for (;;) {
        const n = await sys.recv(c, buf, 0);
        if (n <= 0) break;
        got += n;
      }
      await sys.close(c);
      await sys.close(l);
    });
    a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      await sys.connect(fd, { addr: '10.0.1.2', port: 5001 });
      say('sender', `connected; send(${TOTAL} bytes)`);
      await sys.send(fd, new Uint8Array(TOTAL).fill(0x61));
      await sys.close(fd);
    });
    const samples = [];
    let last = null;
    const start = net.now();
    while (got < TOTAL && net.now() - start < 120_000) {
      await net.run({ untilMs: net.now() + 2 });
      const s = sampleTcpInfo(a, net.now(), (e) => e.peer === '10.0.1.2:5001' && e.info !== null);
      if (!s) continue;
      samples.push(s);
      if (!last || s.caState !== last.caState || (s.ssthresh !== last.ssthresh && s.ssthresh < 0x7fffffff)) {
        const ss = s.ssthresh < 0x7fffffff ? s.ssthresh : '∞';
        say('sender', `ca_state ${CA_STATE_NAMES[s.caState] ?? s.caState}: cwnd ${s.cwnd}, ssthresh ${ss}, total retransmits ${s.retrans}`);
      }
      last = s;
    }
    await net.run({ untilIdle: true });
    const ms = net.now() - start;
    say('receiver', `got ${got} bytes in ${Math.round(ms)} ms: ${(got * 8 / ms / 1000).toFixed(2)} Mbit/s of 20`);
    const x = a.counters();
    const pick = (g, names) => names.filter((n) => g[n] !== undefined).map((n) => `${n} ${g[n]}`).join(', ');
    say('sender', `Tcp: ${pick(x.Tcp, ['OutSegs', 'RetransSegs'])}`);
    say('sender', `TcpExt: ${pick(x.TcpExt, ['TCPFastRetrans', 'TCPSlowStartRetrans', 'TCPTimeouts', 'TCPRenoRecovery', 'TCPSackRecovery', 'TCPLossProbes', 'TCPSpuriousRTOs'])}`);
    say('router', `drops at the bottleneck queue: ${r.linkStats(r.ends[1].ifindex).qdiscDrops}`);
    const frames = readPcap(net.pcap()).records;
    write('congestion-tseq.svg', timeSequenceSvg(frames, { to: '10.0.1.2:5001', title: 'time-sequence graph: sender → receiver' }));
    write('congestion-cwnd.svg', cwndSvg(samples, { title: `cwnd and ssthresh (${a.sysctl('net.ipv4.tcp_congestion_control')})` }));
  },
};
