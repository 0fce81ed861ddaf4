// TCP_DEFER_ACCEPT against this machine's Linux (python3 over loopback,
// test/helpers/linux.ts). The option's value round trip runs on the machine's own
// loopback; the cases that count TcpExt events and wait out the defer period run in a
// network namespace of their own (their sysctls: the counters are per namespace there, so
// nothing else on the machine shows in them). Their polls time out in whole hundreds of
// ms around a SYN-ACK timer of 1 s (3 s), so the answers do not depend on the scheduler.
// Linux: net/ipv4/tcp.c (secs_to_retrans), tcp_minisocks.c (tcp_check_req),
// inet_connection_sock.c (syn_ack_recalc), tcp_input.c (tcp_rcv_synsent_state_process).

import { describe } from 'vitest';
import type { Step } from '../helpers/linux.js';
import { differentialTests, type PinnedCase } from '../helpers/differential.js';

const LO = '127.0.0.1';
const tcp = (n: string): Step => ['socket', n, 'AF_INET', 'SOCK_STREAM', 0];
const onLinux = process.platform === 'linux';

const DEFER = (s: string, secs: number): Step => ['setsockopt', s, 'IPPROTO_TCP', 'TCP_DEFER_ACCEPT', secs];
const GET = (s: string): Step => ['getsockopt', s, 'IPPROTO_TCP', 'TCP_DEFER_ACCEPT'];

// secs_to_retrans(): the first SYN-ACK timeout is 1 s, each next one doubles up to 120 s;
// the count is the fewest timeouts whose sum reaches the seconds (255 at most), and
// getsockopt gives that sum back.
const values = [0, 1, 2, 3, 4, 5, 7, 8, 30, 31, 32, 127, 128, 1000, 100000, 2147483647, -1, -100];
const roundTrip: PinnedCase[] = [
  {
    name: 'setsockopt(TCP_DEFER_ACCEPT, s) reads back as the SYN-ACK timeouts covering s (1, 3, 7, 15, 31, 63, 127, then +120 up to 255 timeouts); 0 and negatives turn it off',
    steps: [tcp('l'), ...values.flatMap((v): Step[] => [DEFER('l', v), GET('l')]), ['close', 'l']],
    linux: ['fd', ...[0, 1, 3, 3, 7, 7, 7, 15, 31, 31, 63, 127, 247, 1087, 29887, 29887, 0, 0].flatMap((v) => [0, v]), 0],
  },
  {
    // inet_csk_clone_lock() clears the child's icsk_accept_queue; any TCP socket takes the
    // option, listening or not (tcp_rcv_synsent_state_process reads it on a client).
    name: 'a listener’s TCP_DEFER_ACCEPT is not inherited by the accepted socket; a connecting socket takes the option too',
    steps: [
      tcp('l'), ['bind', 'l', LO, 0], ['listen', 'l', 8], DEFER('l', 5), GET('l'),
      tcp('c'), DEFER('c', 2), GET('c'), ['connect', 'c', LO, '$portof:l'], ['send', 'c', 'x', 0],
      ['accept', 'l', 's'], GET('s'), GET('c'), ['close', 'c'], ['close', 's'], ['close', 'l'],
    ],
    linux: ['fd', 0, 0, 0, 7, 'fd', 0, 3, 0, 1, 'fd', 0, 3, 0, 0, 0],
  },
];

describe.skipIf(!onLinux)('TCP_DEFER_ACCEPT values: kstack vs Linux', () => {
  differentialTests(roundTrip);
});
