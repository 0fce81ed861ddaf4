// Differential tests for listen queues: kstack against this machine's Linux (python3 over
// loopback, test/helpers/linux.ts). This machine runs with net.ipv4.tcp_syncookies = 1 and
// net.core.somaxconn = 4096 (the defaults); the cases leave every sysctl alone, since other
// runs share the machine's loopback.

import { describe } from 'vitest';
import { type Step } from '../helpers/linux.js';
import { differentialTests, type PinnedCase } from '../helpers/differential.js';

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
];

describe.skipIf(!onLinux)('listen queues: kstack vs Linux', () => {
  differentialTests(cases);
});
