// Differential tests for listen queues: kstack against this machine's Linux (python3 over
// loopback, test/helpers/linux.ts). This machine runs with net.ipv4.tcp_syncookies = 1 and
// net.core.somaxconn = 4096 (the defaults); the cases leave every sysctl alone, since other
// runs share the machine's loopback.

import { beforeAll, describe, expect, it } from 'vitest';
import { linuxRun, type LinuxCase, type LinuxResult, type Step } from '../helpers/linux.js';
import { kstackRun } from '../helpers/kstack-steps.js';
import { annotate, differentialTests, type PinnedCase } from '../helpers/differential.js';

const LO = '127.0.0.1';
const tcp = (n: string): Step => ['socket', n, 'AF_INET', 'SOCK_STREAM', 0];
const onLinux = process.platform === 'linux';

const clients = ['c1', 'c2', 'c3', 'c4', 'c5'];
const cases: PinnedCase[] = [
  {
    // sk_acceptq_is_full() is "> backlog": backlog 2 holds three; the 4th and 5th SYNs are
    // dropped (their connect()s stay in progress, retrying), so accept() finds three.
    name: 'listen(2): three connections complete without accept(), the 4th and 5th wait; accept() takes three, then EAGAIN',
    steps: [
      tcp('l'), ['bind', 'l', LO, 0], ['listen', 'l', 2],
      ...clients.flatMap((c): Step[] => [tcp(c), ['fcntl', c, 'F_SETFL', 'O_NONBLOCK'], ['connect', c, LO, '$portof:l'], ['sleep', 20]]),
      ['sleep', 100],
      ['fcntl', 'l', 'F_SETFL', 'O_NONBLOCK'],
      ['accept', 'l', 's1'], ['accept', 'l', 's2'], ['accept', 'l', 's3'], ['accept', 'l', 's4'],
      ['getsockopt', 'c4', 'SOL_SOCKET', 'SO_ERROR'],
      ...clients.map((c): Step => ['close', c]),
      ['close', 's1'], ['close', 's2'], ['close', 's3'], ['close', 'l'],
    ],
    linux: [
      'fd', 0, 0,
      ...clients.flatMap(() => ['fd', 0, '-EINPROGRESS', 0]),
      0, 0,
      'fd', 'fd', 'fd', '-EAGAIN',
      0,
      0, 0, 0, 0, 0,
      0, 0, 0, 0,
    ],
  },
  {
    // A reset child stays in the accept queue (inet_csk_accept does not look at its
    // state); its error comes with the first read.
    name: 'a connection reset before accept(): accept() returns it, recv() gives ECONNRESET, then 0',
    steps: [
      tcp('l'), ['bind', 'l', LO, 0], ['listen', 'l', 8],
      tcp('c'), ['connect', 'c', LO, '$portof:l'], ['setlinger', 'c', 1, 0], ['close', 'c'], ['sleep', 50],
      ['accept', 'l', 's'], ['recv', 's', 8, 0], ['recv', 's', 8, 0], ['close', 's'], ['close', 'l'],
    ],
    linux: ['fd', 0, 0, 'fd', 0, 0, 0, 0, 'fd', '-ECONNRESET', 0, 0, 0],
  },
  {
    // inet_shutdown → tcp_disconnect → inet_csk_listen_stop: queued children are reset.
    name: 'shutdown(SHUT_RDWR) of a listener with a queued connection: accept() gives EINVAL, the client reads ECONNRESET',
    steps: [
      tcp('l'), ['bind', 'l', LO, 0], ['listen', 'l', 8],
      tcp('c'), ['connect', 'c', LO, '$portof:l'], ['sleep', 20],
      ['shutdown', 'l', 'SHUT_RDWR'], ['sleep', 20], ['accept', 'l'], ['recv', 'c', 8, 0], ['close', 'c'], ['close', 'l'],
    ],
    linux: ['fd', 0, 0, 'fd', 0, 0, 0, 0, '-EINVAL', '-ECONNRESET', 0, 0],
  },
];

describe.skipIf(!onLinux)('listen queues: kstack vs Linux', () => {
  differentialTests(cases);
});

// SYN cookies need net.ipv4.tcp_syncookies = 2 on both kernels; Linux's half runs in a
// network namespace of its own (unshare -n: root only), so the setting stays there.
const cookieCases: LinuxCase[] = [
  {
    // cookie_v4_check: the child's mss_clamp is the msstab value the cookie carried (1460
    // for loopback's 65495), not the SYN's MSS; less 12 for timestamps.
    name: 'tcp_syncookies = 2 over loopback: the server side’s MSS is msstab’s 1460 less the timestamps (1448); data flows',
    steps: [
      tcp('l'), ['bind', 'l', LO, 0], ['listen', 'l', 8], tcp('c'), ['connect', 'c', LO, '$portof:l'], ['accept', 'l', 's'],
      ['getsockopt', 's', 'IPPROTO_TCP', 'TCP_MAXSEG'], ['getsockopt', 'c', 'IPPROTO_TCP', 'TCP_MAXSEG'],
      ['send', 'c', 'hello', 0], ['recvtext', 's', 16, 0], ['close', 'c'], ['close', 's'], ['close', 'l'],
    ],
  },
];
const isRoot = process.getuid?.() === 0;

describe.skipIf(!onLinux || !isRoot)('SYN cookies: kstack vs Linux (tcp_syncookies = 2 in a network namespace)', () => {
  const sysctls = { 'net.ipv4.tcp_syncookies': 2 };
  let linux: LinuxResult[];
  beforeAll(() => {
    linux = linuxRun(cookieCases, { sysctls });
  }, 60_000);
  it(cookieCases[0]!.name, async () => {
    expect(annotate(cookieCases[0]!, linux[0]!)).toEqual(annotate(cookieCases[0]!, ['fd', 0, 0, 'fd', 0, 'fd', 1448, 32741, 5, 'hello', 0, 0, 0]));
    const [k] = await kstackRun(cookieCases, { sysctls });
    expect(annotate(cookieCases[0]!, k!)).toEqual(annotate(cookieCases[0]!, linux[0]!));
  });
});
