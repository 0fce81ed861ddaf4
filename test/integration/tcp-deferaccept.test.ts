// TCP_DEFER_ACCEPT on a listener, on the virtual clock, as Linux 6.x keeps it: a bare
// final ACK makes no child during the defer period (TCPDeferAcceptDrop), the SYN-ACK timer
// runs silently until the period's last timeout, whose SYN-ACK is the client's last
// chance; data (or a FIN) makes the child at once. Linux: net/ipv4/tcp_minisocks.c
// (tcp_check_req), inet_connection_sock.c (reqsk_timer_handler, syn_ack_recalc).
// tcp-deferaccept.linux.test.ts checks the same behaviour against this machine's kernel.
import { describe, expect, it } from 'vitest';
import { constants as C, errnoName, type Sys } from '../../build/host/index.js';
import { applyNetem } from '../../build/host/link.js';
import { boot, expectNoLeaks, pair } from '../helpers/machine.js';
import { segs } from '../helpers/tcp.js';

const E = (r: unknown): string => (typeof r === 'number' && r < 0 ? errnoName(r) ?? String(r) : String(r));

/** A listener on port 80 with TCP_DEFER_ACCEPT `secs`. */
async function deferListener(sys: Sys, secs: number): Promise<number> {
  const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  expect(await sys.bind(l, { addr: '0.0.0.0', port: 80 })).toBe(0);
  expect(await sys.setsockopt(l, C.IPPROTO_TCP, C.TCP_DEFER_ACCEPT, secs)).toBe(0);
  expect(await sys.listen(l, 8)).toBe(0);
  return l;
}

/** The server's SYN-ACKs in the whole trace, as ms after the first. */
function synAckTimes(lines: string[]): number[] {
  const sa = segs(lines).filter((s) => s.flags === 'S.');
  return sa.map((s) => Math.round((s.t - sa[0]!.t) * 1000));
}

describe('TCP_DEFER_ACCEPT', () => {
  it('a client that sends nothing: accept() does not return during the 1 s period (SYN-RECV, TCPDeferAcceptDrop 1), the SYN-ACK is resent at 1 s, the client’s answer makes the child, and the connection carries data both ways', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    let acceptedAt = -1;
    const server = b.spawn(async (sys) => {
      const l = await deferListener(sys, 1);
      const s = await sys.accept(l);
      acceptedAt = await sys.clock_gettime();
      const buf = new Uint8Array(16);
      expect(await sys.recv(s, buf, 0)).toBe(4);
      expect(await sys.send(s, 'pong')).toBe(4);
      await sys.close(s);
      await sys.close(l);
    });
    let got = '';
    const cl = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: 80 })).toBe(0);
      await sys.nanosleep(1500);
      expect(await sys.send(fd, 'ping')).toBe(4);
      const buf = new Uint8Array(16);
      const n = await sys.recv(fd, buf, 0);
      got = new TextDecoder().decode(buf.subarray(0, n));
      await sys.close(fd);
    });
    await net.run({ untilMs: 900 });
    expect(acceptedAt).toBe(-1);
    expect(a.ss().filter((e) => e.state === 'ESTAB')).toHaveLength(1);
    expect(b.ss().filter((e) => e.state === 'SYN-RECV')).toHaveLength(1);
    expect(b.ss().find((e) => e.state === 'LISTEN')).toMatchObject({ recvQ: 0 });
    expect(b.counters().TcpExt).toMatchObject({ TCPDeferAcceptDrop: 1, TCPSynRetrans: 0 });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await cl.exited).toEqual({ code: 0 });
    expect(got).toBe('pong');
    const when = synAckTimes(net.trace());
    expect(when).toHaveLength(2);
    expect(when[1]).toBeGreaterThanOrEqual(1000);
    expect(when[1]).toBeLessThanOrEqual(1000 + 125 + 64); // the timer wheel adds up to 1/8
    // The child comes from the client's answer to that SYN-ACK: one round trip later.
    expect(acceptedAt).toBeGreaterThanOrEqual(1000);
    expect(acceptedAt).toBeLessThan(1300);
    expect(b.counters().TcpExt).toMatchObject({ TCPDeferAcceptDrop: 1, TCPSynRetrans: 1, TCPTimeouts: 1 });
    expect(b.counters().Tcp.PassiveOpens).toBe(1);
    await expectNoLeaks(net);
  });

  it('TCP_DEFER_ACCEPT 30 (5 timeouts, 31 s): the timer runs at 1, 3, 7 and 15 s without a SYN-ACK; the one SYN-ACK at 31 s makes the child from its answer', async () => {
    const { net, b } = await pair({ delayMs: 1 });
    let acceptedAt = -1;
    const server = b.spawn(async (sys) => {
      const l = await deferListener(sys, 30);
      expect(await sys.getsockopt(l, C.IPPROTO_TCP, C.TCP_DEFER_ACCEPT)).toBe(31);
      const s = await sys.accept(l);
      acceptedAt = await sys.clock_gettime();
      await sys.close(s);
      await sys.close(l);
    });
    const cl = net.hosts[0]!.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: 80 })).toBe(0);
      expect(await sys.recv(fd, new Uint8Array(8), 0)).toBe(0); // the server's close
      await sys.close(fd);
    });
    await net.run({ untilMs: 30_000 });
    expect(acceptedAt).toBe(-1);
    expect(b.counters().TcpExt).toMatchObject({ TCPDeferAcceptDrop: 1, TCPTimeouts: 4, TCPSynRetrans: 0 });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await cl.exited).toEqual({ code: 0 });
    const when = synAckTimes(net.trace());
    expect(when).toHaveLength(2);
    expect(when[1]).toBeGreaterThanOrEqual(31_000);
    expect(when[1]).toBeLessThanOrEqual(31_000 + 31_000 / 8 + 64);
    expect(acceptedAt).toBeGreaterThanOrEqual(31_000);
    expect(b.counters().TcpExt).toMatchObject({ TCPDeferAcceptDrop: 1, TCPTimeouts: 5, TCPSynRetrans: 1 });
    await expectNoLeaks(net);
  }, 20_000);

  it('the last chance lost: with tcp_synack_retries 2 and TCP_DEFER_ACCEPT 30, the request lives out the 5 timeouts, its one SYN-ACK at 31 s draws an ACK that is lost, and at 63 s it is dropped without a RST; accept() never returns and the client’s later data meets a RST', async () => {
    const net = await boot();
    const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
    const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
    // Keep the server's ARP entry usable while the client's frames are lost (as tcp-listen's
    // lost-ACK test does): DELAY, not PROBE.
    b.sysctl('net.ipv4.neigh.default.delay_first_probe_time', 100);
    b.sysctl('net.ipv4.tcp_synack_retries', 2);
    const link = net.link(a, b, { delayMs: 5 });
    const server = b.spawn(async (sys) => {
      const l = await deferListener(sys, 30);
      await sys.fcntl(l, C.F_SETFL, C.O_NONBLOCK);
      await sys.nanosleep(70_000);
      expect(E(await sys.accept(l))).toBe('EAGAIN');
      await sys.close(l);
    });
    const cl = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: 80 })).toBe(0);
      await sys.nanosleep(65_000);
      expect(await sys.send(fd, 'late')).toBe(4);
      expect(E(await sys.recv(fd, new Uint8Array(8), 0))).toBe('ECONNRESET');
      await sys.close(fd);
    });
    await net.run({ untilMs: 25 }); // the handshake is through, its ACK dropped (TCPDeferAcceptDrop)
    expect(b.counters().TcpExt.TCPDeferAcceptDrop).toBe(1);
    applyNetem(link.a, { delayMs: 5, lossRate: 1 }); // every client → server frame from now on
    await net.run({ untilMs: 62_000 });
    expect(b.ss().filter((e) => e.state === 'SYN-RECV')).toHaveLength(1);
    await net.run({ untilMs: 64_500 });
    expect(b.ss().filter((e) => e.state === 'SYN-RECV')).toHaveLength(0);
    const when = synAckTimes(net.trace());
    expect(when).toHaveLength(2);
    expect(when[1]).toBeGreaterThanOrEqual(31_000);
    expect(b.counters().TcpExt).toMatchObject({ TCPDeferAcceptDrop: 1, TCPTimeouts: 6, TCPSynRetrans: 1 });
    expect(b.counters().Tcp).toMatchObject({ PassiveOpens: 0, OutRsts: 0 });
    applyNetem(link.a, { delayMs: 5 });
    await net.run({ untilIdle: true });
    expect(await cl.exited).toEqual({ code: 0 });
    expect(await server.exited).toEqual({ code: 0 });
    expect(b.counters().Tcp.OutRsts).toBe(1);
    await expectNoLeaks(net);
  }, 20_000);

  it('a client that sends right after connect(): poll() on the listener reports nothing until the data arrives, then accept() returns at once with the data readable', async () => {
    const { net, a, b } = await pair({ delayMs: 1 });
    const seen: string[] = [];
    const server = b.spawn(async (sys) => {
      const l = await deferListener(sys, 30);
      const pfd = [{ fd: l, events: C.POLLIN }];
      expect(await sys.poll(pfd, 200)).toBe(0); // the connection is up, the bare ACK dropped
      seen.push(`${await sys.clock_gettime()} ${await sys.poll(pfd, 1000)}`);
      const s = await sys.accept(l);
      expect(await sys.ioctl(s, C.FIONREAD)).toBe(5);
      const buf = new Uint8Array(16);
      const n = await sys.recv(s, buf, 0);
      seen.push(`${await sys.clock_gettime()} ${new TextDecoder().decode(buf.subarray(0, n))}`);
      await sys.close(s);
      await sys.close(l);
    });
    const cl = a.spawn(async (sys) => {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.connect(fd, { addr: '10.0.0.2', port: 80 })).toBe(0);
      await sys.nanosleep(500);
      expect(await sys.send(fd, 'hello')).toBe(5);
      await sys.nanosleep(100);
      await sys.close(fd);
    });
    await net.run({ untilIdle: true });
    expect(await server.exited).toEqual({ code: 0 });
    expect(await cl.exited).toEqual({ code: 0 });
    // poll() began at 200 ms; the data left the client at ~500 ms and took 1 ms.
    const [t, hello] = seen[1]!.split(' ');
    expect(seen[0]).toBe('200 1');
    expect(hello).toBe('hello');
    expect(Number(t)).toBeGreaterThan(500);
    expect(Number(t)).toBeLessThan(520);
    expect(synAckTimes(net.trace())).toEqual([0]);
    expect(b.counters().TcpExt).toMatchObject({ TCPDeferAcceptDrop: 1, TCPSynRetrans: 0 });
    await expectNoLeaks(net);
  });
});
