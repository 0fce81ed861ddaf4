// A run is a pure function of its seed (DESIGN.md: the kernel never reads a clock or a
// random source): same seed → byte-identical pcap, on either engine; another seed → another
// run. Every capture must also dissect cleanly in Wireshark (tshark).
import { describe, expect, it } from 'vitest';
import { constants as C, Network, readPcap, type LinkOptions } from '../../build/host/index.js';
import { ENGINE, expectNoLeaks } from '../helpers/machine.js';
import { tsharkCheck, tsharkRequired } from '../helpers/tshark.js';

/** Jitter, loss, duplication and reordering each way: the PRNG decides almost every frame. */
const IMPAIRED: LinkOptions = { delayMs: 5, jitterMs: 3, lossRate: 0.1, duplicateRate: 0.05, reorderRate: 0.1 };

/**
 * An echo scenario: the client sends 200 datagrams of varying size (some fragmented) from
 * an ephemeral port, 2 ms apart; the server echoes each one. Returns the network's pcap.
 */
async function scenario(seed: number, engine: 'wasm' | 'js', link: LinkOptions = IMPAIRED): Promise<{ net: Network; pcap: Uint8Array }> {
  const net = await Network.create({ clock: 'virtual', seed, engine });
  const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
  const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
  net.link(a, b, link);
  const server = b.spawn(async (sys) => {
    const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
    await sys.bind(fd, { addr: '0.0.0.0', port: 7 });
    const buf = new Uint8Array(4000);
    for (;;) {
      const r = await sys.recvfrom(fd, buf, C.MSG_DONTWAIT);
      if (typeof r === 'number') {
        if ((await sys.clock_gettime()) > 2_000) break;
        await sys.nanosleep(1);
        continue;
      }
      await sys.sendto(fd, buf.subarray(0, r.n), 0, r.addr);
    }
    await sys.close(fd);
  });
  const client = a.spawn(async (sys) => {
    const fd = await sys.socket(C.AF_INET, C.SOCK_DGRAM, 0);
    for (let i = 0; i < 200; i++) {
      const d = new Uint8Array(20 + ((i * 37) % 2000)).fill(i & 255);
      await sys.sendto(fd, d, 0, { addr: '10.0.0.2', port: 7 });
      await sys.nanosleep(2);
    }
    const buf = new Uint8Array(4000);
    await sys.nanosleep(1_000);
    while ((await sys.recv(fd, buf, C.MSG_DONTWAIT)) >= 0);
    await sys.close(fd);
  });
  await net.run({ untilIdle: true });
  expect(await server.exited).toEqual({ code: 0 });
  expect(await client.exited).toEqual({ code: 0 });
  return { net, pcap: net.pcap() };
}

/**
 * A TCP scenario: 1 MB one way over the impaired link (losses, duplicates, reordering:
 * retransmissions, SACK-less recovery, delayed ACKs, the OOO queue), then both ends close.
 */
async function tcpScenario(seed: number, engine: 'wasm' | 'js'): Promise<{ net: Network; pcap: Uint8Array }> {
  const net = await Network.create({ clock: 'virtual', seed, engine });
  const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
  const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
  net.link(a, b, IMPAIRED);
  const TOTAL = 1_000_000;
  const server = b.spawn(async (sys) => {
    const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    await sys.bind(l, { addr: '0.0.0.0', port: 5001 });
    await sys.listen(l, 1);
    const c = await sys.accept(l);
    const buf = new Uint8Array(10_000);
    let n = 0;
    for (;;) {
      const r = await sys.recv(c, buf);
      if (r <= 0) break;
      n += r;
    }
    await sys.close(c);
    await sys.close(l);
    return n === TOTAL ? 0 : 1;
  });
  const client = a.spawn(async (sys) => {
    const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    if ((await sys.connect(fd, { addr: '10.0.0.2', port: 5001 })) !== 0) return 2;
    const d = new Uint8Array(TOTAL).map((_, i) => (i * 13) & 255);
    const w = await sys.send(fd, d);
    await sys.close(fd);
    return w === TOTAL ? 0 : 1;
  });
  await net.run({ untilIdle: true });
  expect(await server.exited).toEqual({ code: 0 });
  expect(await client.exited).toEqual({ code: 0 });
  return { net, pcap: net.pcap() };
}

const same = (x: Uint8Array, y: Uint8Array) => Buffer.compare(Buffer.from(x), Buffer.from(y)) === 0;

describe('determinism', () => {
  it('two runs with the same seed produce byte-identical pcaps', async () => {
    const r1 = await scenario(7, ENGINE);
    const r2 = await scenario(7, ENGINE);
    // The scenario exercises the randomness: losses, duplicates and fragments happened.
    const frames = readPcap(r1.pcap).records.length;
    expect(frames).toBeGreaterThan(300);
    expect(r1.net.hosts[0]!.linkStats(r1.net.hosts[0]!.ends[0]!.ifindex).qdiscDrops).toBeGreaterThan(0);
    expect(r1.net.hosts[0]!.counters().Ip.FragCreates).toBeGreaterThan(0);
    expect(r1.pcap.length).toBe(r2.pcap.length);
    expect(same(r1.pcap, r2.pcap)).toBe(true);
    await expectNoLeaks(r1.net);
    await expectNoLeaks(r2.net);
  });

  it('different seeds produce different pcaps', async () => {
    const r1 = await scenario(7, ENGINE);
    const r2 = await scenario(8, ENGINE);
    expect(same(r1.pcap, r2.pcap)).toBe(false);
    // Not merely shifted: the sets of frame times differ.
    const times = (p: Uint8Array) => readPcap(p).records.map((r) => r.timeMs).join(',');
    expect(times(r1.pcap)).not.toBe(times(r2.pcap));
    await expectNoLeaks(r1.net);
    await expectNoLeaks(r2.net);
  });

  it('the Wasm and JS engines produce byte-identical pcaps for the same seed', async () => {
    const w = await scenario(11, 'wasm');
    const j = await scenario(11, 'js');
    expect(w.net.engine).toBe('wasm');
    expect(j.net.engine).toBe('js');
    expect(readPcap(w.pcap).records.length).toBe(readPcap(j.pcap).records.length);
    expect(same(w.pcap, j.pcap)).toBe(true);
    expect(w.net.hosts.map((h) => h.counters())).toEqual(j.net.hosts.map((h) => h.counters()));
    await expectNoLeaks(w.net);
    await expectNoLeaks(j.net);
  });

  it('TCP over an impaired link: the Wasm and JS engines produce byte-identical pcaps and counters', async () => {
    const w = await tcpScenario(5, 'wasm');
    const j = await tcpScenario(5, 'js');
    expect(w.net.hosts[0]!.counters().Tcp.RetransSegs).toBeGreaterThan(0);
    expect(readPcap(w.pcap).records.length).toBe(readPcap(j.pcap).records.length);
    expect(same(w.pcap, j.pcap)).toBe(true);
    expect(w.net.hosts.map((h) => h.counters())).toEqual(j.net.hosts.map((h) => h.counters()));
    await expectNoLeaks(w.net);
    await expectNoLeaks(j.net);
  });
});

describe.runIf(tsharkRequired())('captures dissect cleanly (tshark)', () => {
  it('a TCP transfer over an impaired link: no malformed frames, no bad checksums', async () => {
    const { net, pcap } = await tcpScenario(5, ENGINE);
    const t = tsharkCheck(pcap);
    expect(t.frames).toBe(readPcap(pcap).records.length);
    expect(t.perFrame.filter((f) => f.malformed || f.badChecksum)).toEqual([]);
    await expectNoLeaks(net);
  });

  it('an impaired run: no malformed frames, no bad checksums', async () => {
    const { net, pcap } = await scenario(7, ENGINE);
    const t = tsharkCheck(pcap);
    expect(t.frames).toBe(readPcap(pcap).records.length);
    expect(t.perFrame.filter((f) => f.malformed || f.badChecksum)).toEqual([]);
    expect(t.protocols.some((p) => p.includes('ip:udp'))).toBe(true);
    expect(t.protocols.some((p) => p.includes('arp'))).toBe(true);
    await expectNoLeaks(net);
  });

  it('a corrupting link: only frames from the corrupting sender are flagged, about as many as were corrupted', async () => {
    const link: LinkOptions = { delayMs: 1, ab: { corruptRate: 0.2 } };
    const { net, pcap } = await scenario(3, ENGINE, link);
    const t = tsharkCheck(pcap);
    const recs = readPcap(pcap).records;
    // Source MAC 02:00:00:02:00:01 is b; one flipped bit cannot turn a's 02:00:00:01:00:01 into it.
    const fromA = (i: number) => recs[i]!.frame[9] !== 2;
    const flagged = t.perFrame.map((f, i) => ({ f, i })).filter(({ f }) => f.malformed || f.badChecksum);
    expect(flagged.length).toBeGreaterThan(0);
    // b's frames are never corrupted.
    expect(flagged.filter(({ i }) => !fromA(i))).toEqual([]);
    const sentByA = recs.filter((_, i) => fromA(i)).length;
    expect(flagged.length).toBeLessThanOrEqual(sentByA * 0.2 + 5 * Math.sqrt(sentByA * 0.16));
    await expectNoLeaks(net);
  });
});
