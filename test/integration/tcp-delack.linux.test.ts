// Differential tests for the small-segment options and the Nagle + delayed-ACK stall,
// against this machine's Linux over loopback (python3). The option read-backs use the step
// language of test/helpers/linux.ts; the stall is timed with time.monotonic() around
// write-write-read requests on Linux and on the virtual clock on kstack. The real machine
// is measured loosely (two noisy cores, CONFIG_HZ=250: its 40 ms delayed-ACK minimum is
// 10 jiffies, and a timer fires up to a jiffy late); kstack's figure is exact.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { constants as C } from '../../build/host/index.js';
import type { Sys } from '../../build/host/syscall/async.js';
import type { Step } from '../helpers/linux.js';
import { differentialTests, type PinnedCase } from '../helpers/differential.js';
import { boot, expectNoLeaks } from '../helpers/machine.js';

const LO = '127.0.0.1';
const tcp = (n: string): Step => ['socket', n, 'AF_INET', 'SOCK_STREAM', 0];
const established = (): Step[] => [tcp('l'), ['bind', 'l', LO, 0], ['listen', 'l', 8], tcp('c'), ['connect', 'c', LO, '$portof:l'], ['accept', 'l', 's']];
const EST = ['fd', 0, 0, 'fd', 0, 'fd'];
const get = (s: string, name: string): Step => ['getsockopt', s, 'IPPROTO_TCP', name];
const set = (s: string, name: string, v: number): Step => ['setsockopt', s, 'IPPROTO_TCP', name, v];

const cases: PinnedCase[] = [
  {
    // do_tcp_getsockopt: TCP_QUICKACK is !inet_csk_in_pingpong_mode; 0 enters it, any
    // other value leaves it (__tcp_sock_set_quickack).
    name: 'TCP_QUICKACK reads 1 on a fresh socket, 0 after setting 0, 1 after setting 7',
    steps: [tcp('a'), get('a', 'TCP_QUICKACK'), set('a', 'TCP_QUICKACK', 0), get('a', 'TCP_QUICKACK'), set('a', 'TCP_QUICKACK', 7), get('a', 'TCP_QUICKACK')],
    linux: ['fd', 1, 0, 0, 0, 1],
  },
  {
    // tcp_event_data_sent: a reply within ato of the data received enters pingpong mode;
    // the side that only received has not.
    name: 'after a request and its reply, the replier reads TCP_QUICKACK 0 (interactive), the requester still 1',
    steps: [...established(), ['send', 'c', 'ping', 0], ['sleep', 20], ['recvtext', 's', 10, 0], ['send', 's', 'pong', 0], ['sleep', 20], get('s', 'TCP_QUICKACK'), get('c', 'TCP_QUICKACK'), ['recvtext', 'c', 10, 0]],
    linux: [...EST, 4, 0, 'ping', 4, 0, 0, 1, 'pong'],
  },
  {
    // TCP_NOTSENT_LOWAT is kept as given (tp->notsent_lowat, a u32 read back as an int);
    // 0 means "use net.ipv4.tcp_notsent_lowat", which is never copied into the socket.
    // (-1 reads back as -1 too, but a step result of -1 means -EPERM here: see
    // tcp-delack.test.ts for that read-back.)
    name: 'TCP_NOTSENT_LOWAT reads 0 by default, then what was set: 16384, 1, 0',
    steps: [tcp('a'), get('a', 'TCP_NOTSENT_LOWAT'), set('a', 'TCP_NOTSENT_LOWAT', 16384), get('a', 'TCP_NOTSENT_LOWAT'), set('a', 'TCP_NOTSENT_LOWAT', 1), get('a', 'TCP_NOTSENT_LOWAT'), set('a', 'TCP_NOTSENT_LOWAT', 0), get('a', 'TCP_NOTSENT_LOWAT')],
    linux: ['fd', 0, 0, 16384, 0, 1, 0, 0],
  },
  {
    // TCP_NODELAY and TCP_CORK are bits of tp->nonagle: any non-zero value sets them, and
    // they read back as 0 or 1.
    name: 'TCP_NODELAY and TCP_CORK read back 0/1 whatever non-zero value was set',
    steps: [tcp('a'), set('a', 'TCP_NODELAY', 5), get('a', 'TCP_NODELAY'), set('a', 'TCP_CORK', 9), get('a', 'TCP_CORK'), set('a', 'TCP_CORK', 0), get('a', 'TCP_CORK'), set('a', 'TCP_NODELAY', 0), get('a', 'TCP_NODELAY')],
    linux: ['fd', 0, 1, 0, 1, 0, 0, 0, 0],
  },
  {
    // Setting TCP_NODELAY while corked pushes the queued bytes out (__tcp_sock_set_nodelay
    // sets TCP_NAGLE_PUSH); TCP_CORK still reads 1.
    name: 'a corked short write is pushed out by TCP_NODELAY, and the peer reads it',
    steps: [...established(), set('c', 'TCP_CORK', 1), ['send', 'c', 'corked', 0], ['sleep', 50], ['recv', 's', 10, 'MSG_DONTWAIT'], set('c', 'TCP_NODELAY', 1), ['sleep', 20], ['recvtext', 's', 10, 'MSG_DONTWAIT'], get('c', 'TCP_CORK')],
    linux: [...EST, 0, 6, 0, '-EAGAIN', 0, 0, 'corked', 1],
  },
];

const N = 20;

/** Per-request seconds of N write-write-read requests over Linux loopback (python3). */
function linuxRequests(): { nagle: number[]; nodelay: number[] } {
  const py = String.raw`
import json, socket, threading, time
N = ${N}
def run(nodelay):
    l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1)
    def server():
        c, _ = l.accept()
        for i in range(N):
            got = 0
            while got < 20: got += len(c.recv(20 - got))
            c.send(b'reply')
        c.close()
    t = threading.Thread(target=server); t.start()
    s = socket.create_connection(('127.0.0.1', l.getsockname()[1]))
    if nodelay: s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    out = []
    for i in range(N):
        t0 = time.monotonic()
        s.send(b'header....'); s.send(b'body......')
        got = 0
        while got < 5: got += len(s.recv(5 - got))
        out.append(time.monotonic() - t0)
    s.close(); t.join(); l.close()
    return out
print(json.dumps({'nagle': run(False), 'nodelay': run(True)}))
`;
  return JSON.parse(execFileSync('python3', ['-c', py], { encoding: 'utf8', timeout: 60_000 }));
}

/** The same requests on kstack over its loopback, in virtual ms. */
async function kstackRequests(nodelay: boolean): Promise<number[]> {
  const net = await boot();
  const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
  const times: number[] = [];
  const readN = async (sys: Sys, fd: number, n: number) => {
    const buf = new Uint8Array(n);
    for (let got = 0; got < n; ) {
      const r = await sys.recv(fd, buf.subarray(got), 0);
      if (r <= 0) throw new Error(`recv ${r}`);
      got += r;
    }
  };
  const server = h.spawn(async (sys) => {
    const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    await sys.bind(l, { addr: LO, port: 7000 });
    await sys.listen(l, 1);
    const c = await sys.accept(l);
    for (let i = 0; i < N; i++) {
      await readN(sys, c, 20);
      await sys.send(c, 'reply');
    }
    await sys.close(c);
    await sys.close(l);
  });
  const client = h.spawn(async (sys) => {
    await sys.nanosleep(1); // the server listens first
    const s = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    expect(await sys.connect(s, { addr: LO, port: 7000 })).toBe(0);
    if (nodelay) await sys.setsockopt(s, C.IPPROTO_TCP, C.TCP_NODELAY, 1);
    for (let i = 0; i < N; i++) {
      const t0 = await sys.clock_gettime();
      await sys.send(s, 'header....');
      await sys.send(s, 'body......');
      await readN(sys, s, 5);
      times.push((await sys.clock_gettime()) - t0);
    }
    await sys.close(s);
  });
  await net.run({ untilIdle: true });
  expect(await server.exited).toEqual({ code: 0 });
  expect(await client.exited).toEqual({ code: 0 });
  await expectNoLeaks(net);
  return times;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

describe('small-segment options against Linux (differential)', () => {
  differentialTests(cases);
});

describe('the write-write-read stall against Linux loopback (timed)', () => {
  it('with Nagle each request after the first waits for the delayed ACK (kstack: exactly 40 ms; Linux: over 30 ms); with TCP_NODELAY well under 5 ms on both', async () => {
    const linux = linuxRequests();
    const nagle = await kstackRequests(false);
    const nodelay = await kstackRequests(true);
    // kstack, on its loopback (no delay): the first request rides on quick ACKs, then
    // every one waits TCP_ATO_MIN for the header's ACK.
    expect(nagle).toEqual([0, ...Array(N - 1).fill(40)]);
    expect(nodelay).toEqual(Array(N).fill(0));
    // Linux, loosely: the same stall in the median request, and none without Nagle.
    const lNagle = median(linux.nagle.slice(1)) * 1000;
    const lNodelay = median(linux.nodelay) * 1000;
    expect(lNagle, `Linux per-request ms: ${linux.nagle.map((x) => (x * 1000).toFixed(1)).join(' ')}`).toBeGreaterThan(30);
    expect(lNagle).toBeLessThan(100);
    expect(lNodelay, `Linux TCP_NODELAY per-request ms: ${linux.nodelay.map((x) => (x * 1000).toFixed(2)).join(' ')}`).toBeLessThan(5);
  }, 60_000);
});
