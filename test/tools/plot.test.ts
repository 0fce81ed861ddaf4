// host/tools/plot.ts: the time-sequence graph and the cwnd plot are drawn from what was
// on the wire and from TCP_INFO; these tests pin what they show against the transfer
// that made them (bytes, retransmission counters, the flow's direction).
import { describe, it, expect } from 'vitest';
import { constants as C, timeSequence, timeSequenceSvg, cwndSvg, sampleTcpInfo, readPcap, type CwndSample, type Host, type Network } from '../../build/host/index.js';
import { boot, pair, expectNoLeaks } from '../helpers/machine.js';
import { pattern } from '../helpers/tcp.js';

/** b serves one connection that reads to EOF; a sends `total` bytes and closes. */
function transfer(net: Network, a: Host, b: Host, total: number): { got: () => number } {
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
    await sys.nanosleep(1);
    const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    expect(await sys.connect(fd, { addr: b.ip, port: 5001 })).toBe(0);
    expect(await sys.send(fd, pattern(total), 0)).toBe(total);
    await sys.close(fd);
  });
  void net;
  return { got: () => got };
}

/** Every element either closes itself or is closed, in order: a minimal well-formedness check. */
function wellFormed(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (m[1]) { if (stack.pop() !== m[2]) return false; } else stack.push(m[2]);
  }
  return stack.length === 0 && svg.startsWith('<svg');
}

describe('plots of a TCP flow', () => {
  it('time-sequence graph of a clean transfer: contiguous data, no retransmissions, the last ACK covers data and FIN', async () => {
    const { net, a, b } = await pair({ delayMs: 5, rateBps: 10e6 });
    const total = 200_000;
    const t = transfer(net, a, b, total);
    await net.run({ untilIdle: true });
    expect(t.got()).toBe(total);
    // The processes are gone; let the closing handshake (FIN, last ACK) cross the link.
    await net.run({ untilMs: net.now() + 100 });
    const frames = readPcap(net.pcap()).records;
    const ts = timeSequence(frames)!;
    expect(ts.from).toBe(`${a.ip}:${ts.from.split(':')[1]}`);
    expect(ts.to).toBe(`${b.ip}:5001`);
    expect(ts.segments.some((s) => s.retransmit)).toBe(false);
    // SYN (1) + data + FIN (1), each byte once, in order.
    let next = 0;
    for (const s of ts.segments) {
      expect(s.seq).toBe(next);
      next += s.len;
    }
    expect(next).toBe(total + 2);
    expect(ts.acks.at(-1)!.ack).toBe(total + 2);
    for (let i = 1; i < ts.acks.length; i++) expect(ts.acks[i].ack).toBeGreaterThanOrEqual(ts.acks[i - 1].ack);
    const svg = timeSequenceSvg(frames);
    expect(wellFormed(svg)).toBe(true);
    expect(svg.match(/class="segment"/g)!.length).toBe(ts.segments.length);
    expect(svg).not.toContain('class="retransmit"');
    await expectNoLeaks(net);
  });

  it('time-sequence graph on a lossy link: retransmissions drawn in red, no more than the sender counted', async () => {
    const { net, a, b } = await pair({ delayMs: 5, rateBps: 10e6, lossRate: 0.03 }, { seed: 7 });
    const total = 300_000;
    const t = transfer(net, a, b, total);
    await net.run({ untilIdle: true });
    expect(t.got()).toBe(total);
    const frames = readPcap(net.pcap()).records;
    const ts = timeSequence(frames, { to: `${b.ip}:5001` })!;
    const rtx = ts.segments.filter((s) => s.retransmit).length;
    expect(rtx).toBeGreaterThan(0);
    // A retransmission is a segment below the highest sequence already on the wire; the
    // kernel counts every retransmitted segment, including those whose original was lost
    // before it reached the capture point at the far end of the link.
    expect(rtx).toBeLessThanOrEqual(a.counters().Tcp.RetransSegs);
    const svg = timeSequenceSvg(frames, { to: `${b.ip}:5001` });
    expect(wellFormed(svg)).toBe(true);
    expect(svg.match(/class="retransmit"/g)!.length).toBe(rtx);
    await expectNoLeaks(net);
  });

  it('time-sequence graph through a router: a forwarded segment is drawn once, and every retransmission is seen', async () => {
    const net = await boot();
    const a = net.addHost({ name: 'a', ip: '10.0.0.1' });
    const r = net.addHost({ name: 'r', ip: '10.0.0.254' });
    const b = net.addHost({ name: 'b', ip: '10.0.1.2' });
    net.link(a, r, { delayMs: 1, rateBps: 1e9 });
    net.link(r, b, { ab: { delayMs: 9, rateBps: 20e6, queuePackets: 20 }, ba: { delayMs: 9 } });
    r.sysctl('net.ipv4.ip_forward', 1);
    a.addRoute('10.0.1.2', 32, a.ends[0]!.ifindex, '10.0.0.254');
    b.addRoute('10.0.0.1', 32, b.ends[0]!.ifindex, '10.0.0.254');
    const total = 400_000;
    const t = transfer(net, a, b, total);
    await net.run({ untilIdle: true });
    expect(t.got()).toBe(total);
    await net.run({ untilMs: net.now() + 200 });
    const frames = readPcap(net.pcap()).records;
    const ts = timeSequence(frames, { to: '10.0.1.2:5001' })!;
    // Each segment crosses two links; the capture has both copies, the graph one.
    const dataFrames = frames.filter((f) => f.frame.length > 66 && f.frame[23] === 6 && f.frame[34 + 2] === 0x13 && f.frame[34 + 3] === 0x89).length;
    expect(dataFrames).toBeGreaterThan(ts.segments.length);
    const rtx = ts.segments.filter((s) => s.retransmit).length;
    expect(r.linkStats(r.ends[1]!.ifindex).qdiscDrops).toBeGreaterThan(0);
    // The router's queue drops after the first link's capture point: every retransmission
    // follows an original that is in the capture.
    expect(rtx).toBe(a.counters().Tcp.RetransSegs);
    await expectNoLeaks(net);
  });

  it('cwnd plot: TCP_INFO samples over time become the cwnd line, ssthresh only once it is finite', async () => {
    const { net, a, b } = await pair({ delayMs: 10, rateBps: 20e6, lossRate: 0.02 }, { seed: 3 });
    const total = 400_000;
    const t = transfer(net, a, b, total);
    const samples: CwndSample[] = [];
    while (t.got() < total && net.now() < 60_000) {
      await net.run({ untilMs: net.now() + 2 });
      const s = sampleTcpInfo(a, net.now(), (e) => e.peer.endsWith(':5001') && e.state === 'ESTAB');
      if (s) samples.push(s);
    }
    await net.run({ untilIdle: true });
    expect(t.got()).toBe(total);
    expect(samples.length).toBeGreaterThan(10);
    expect(samples[0].cwnd).toBe(10); // RFC 6928 initial window
    expect(Math.max(...samples.map((s) => s.cwnd))).toBeGreaterThan(10);
    const svg = cwndSvg(samples);
    expect(wellFormed(svg)).toBe(true);
    expect(svg).toContain('class="cwnd"');
    const finite = samples.some((s) => s.ssthresh < 0x7fffffff);
    expect(svg.includes('class="ssthresh"')).toBe(finite);
    await expectNoLeaks(net);
  });

  it('plots of captures without TCP say so instead of failing', () => {
    expect(timeSequence([{ timeMs: 0, frame: new Uint8Array(10) }])).toBeNull();
    expect(timeSequenceSvg([])).toContain('no TCP data');
    expect(cwndSvg([])).toContain('no samples');
  });
});
