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
const isRoot = process.getuid?.() === 0;

const DEFER = (s: string, secs: number): Step => ['setsockopt', s, 'IPPROTO_TCP', 'TCP_DEFER_ACCEPT', secs];
const GET = (s: string): Step => ['getsockopt', s, 'IPPROTO_TCP', 'TCP_DEFER_ACCEPT'];
const mib = (name: string): Step => ['netstat', 'TcpExt', name];
/** A listener with TCP_DEFER_ACCEPT `secs`, non-blocking (accept() answers at once). */
const listener = (secs: number): Step[] => [
  tcp('l'), ['bind', 'l', LO, 0], DEFER('l', secs), ['listen', 'l', 8], ['fcntl', 'l', 'F_SETFL', 'O_NONBLOCK'],
];

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

// Harmless sysctls (the defaults) that put a case in a network namespace of its own.
const NS = { 'net.ipv4.tcp_synack_retries': 5 };
const timed: PinnedCase[] = [
  {
    // tcp_check_req drops the bare ACK (acked = 1); at 1 s syn_ack_recalc resends the
    // SYN-ACK (num_timeout 0 >= defer - 1), the client answers it with an ACK, and with
    // num_timeout 1 no longer < 1 that ACK makes the child.
    name: 'TCP_DEFER_ACCEPT 1 and a client that sends nothing: the bare ACK is dropped (TCPDeferAcceptDrop), the listener is not readable; at 1 s the SYN-ACK is resent, the client’s answer makes the child, and the connection works',
    sysctls: NS,
    steps: [
      ...listener(1), tcp('c'), ['connect', 'c', LO, '$portof:l'],
      ['poll', 'l:POLLIN', 600], ['accept', 'l'], mib('TCPDeferAcceptDrop'), mib('TCPSynRetrans'),
      ['poll', 'l:POLLIN', 1000], mib('TCPSynRetrans'), mib('TCPDeferAcceptDrop'),
      ['accept', 'l', 's'], ['send', 'c', 'ping', 0], ['recvtext', 's', 16, 0], ['send', 's', 'pong', 0], ['recvtext', 'c', 16, 0],
      ['close', 'c'], ['close', 's'], ['close', 'l'],
    ],
    linux: [
      'fd', 0, 0, 0, 0, 'fd', 0,
      '0 l=0x0', '-EAGAIN', 1, 0,
      '1 l=0x1', 1, 1,
      'fd', 4, 'ping', 4, 'pong',
      0, 0, 0,
    ],
  },
  {
    // Two timeouts (1 s + 2 s): at 1 s the timer runs (TCPTimeouts) but sends nothing
    // while it waits for data; only the defer period's last timeout, at 3 s, resends.
    name: 'TCP_DEFER_ACCEPT 3 and a client that sends nothing: no SYN-ACK at 1 s (the timer runs silently), one at 3 s, and its answer makes the child',
    sysctls: NS,
    steps: [
      ...listener(3), tcp('c'), ['connect', 'c', LO, '$portof:l'],
      ['poll', 'l:POLLIN', 2000], mib('TCPTimeouts'), mib('TCPSynRetrans'),
      ['poll', 'l:POLLIN', 2000], mib('TCPTimeouts'), mib('TCPSynRetrans'), mib('TCPDeferAcceptDrop'),
      ['accept', 'l', 's'], ['send', 's', 'hi', 0], ['recvtext', 'c', 16, 0],
      ['close', 'c'], ['close', 's'], ['close', 'l'],
    ],
    linux: [
      'fd', 0, 0, 0, 0, 'fd', 0,
      '0 l=0x0', 1, 0,
      '1 l=0x1', 2, 1, 1,
      'fd', 2, 'hi',
      0, 0, 0,
    ],
  },
  {
    // The data segment's end_seq is past rcv_isn + 1: tcp_check_req makes the child at once.
    name: 'TCP_DEFER_ACCEPT 30 and a client that sends right after connect(): epoll reports nothing until the data, then the listener is readable at once and accept() gives a socket with the data queued',
    sysctls: NS,
    steps: [
      ...listener(30), ['epoll_create', 'e', 0], ['epoll_ctl', 'e', 'EPOLL_CTL_ADD', 'l', 'EPOLLIN', 7],
      tcp('c'), ['connect', 'c', LO, '$portof:l'], ['sleep', 100], ['epoll_wait', 'e', 4, 0], ['accept', 'l'],
      ['send', 'c', 'hello', 0], ['epoll_wait', 'e', 4, 500], ['accept', 'l', 's'], ['ioctl', 's', 'FIONREAD'], ['recvtext', 's', 16, 0],
      mib('TCPDeferAcceptDrop'), mib('TCPSynRetrans'),
      ['close', 'c'], ['close', 's'], ['close', 'e'], ['close', 'l'],
    ],
    linux: [
      'fd', 0, 0, 0, 0, 'fd', 0,
      'fd', 0, 0, '', '-EAGAIN',
      5, '7:0x1', 'fd', 5, 'hello',
      1, 0,
      0, 0, 0, 0,
    ],
  },
  {
    // A FIN takes a sequence number: end_seq is rcv_isn + 2, not a bare ACK.
    name: 'TCP_DEFER_ACCEPT 30 and a client that closes without sending: its FIN makes the child, accept() returns it and recv() reads EOF',
    sysctls: NS,
    steps: [
      ...listener(30), tcp('c'), ['connect', 'c', LO, '$portof:l'], ['sleep', 100], ['accept', 'l'],
      ['close', 'c'], ['poll', 'l:POLLIN', 500], ['accept', 'l', 's'], ['recv', 's', 16, 0], mib('TCPDeferAcceptDrop'),
      ['close', 's'], ['close', 'l'],
    ],
    linux: ['fd', 0, 0, 0, 0, 'fd', 0, 0, '-EAGAIN', 0, '1 l=0x1', 'fd', 0, 1, 0, 0],
  },
  {
    // tcp_rcv_synsent_state_process: with rskq_defer_accept set on the connecting socket,
    // the handshake's ACK waits (delayed ACK, TCP_DELACK_MAX 200 ms) for data to ride on.
    name: 'TCP_DEFER_ACCEPT on the client too: the handshake’s ACK waits for the first data, so the server drops no bare ACK; a client that then stays silent sends it after 200 ms',
    sysctls: NS,
    steps: [
      ...listener(30), tcp('c'), DEFER('c', 1), ['connect', 'c', LO, '$portof:l'], ['send', 'c', 'now', 0],
      ['poll', 'l:POLLIN', 500], ['accept', 'l', 's'], ['recvtext', 's', 16, 0], mib('TCPDeferAcceptDrop'),
      tcp('d'), DEFER('d', 1), ['connect', 'd', LO, '$portof:l'], ['sleep', 100], mib('TCPDeferAcceptDrop'),
      ['sleep', 300], mib('TCPDeferAcceptDrop'), ['accept', 'l'],
      ['close', 'c'], ['close', 'd'], ['close', 's'], ['close', 'l'],
    ],
    linux: [
      'fd', 0, 0, 0, 0, 'fd', 0, 0, 3,
      '1 l=0x1', 'fd', 'now', 0,
      'fd', 0, 0, 0, 0,
      0, 1, '-EAGAIN',
      0, 0, 0, 0,
    ],
  },
  {
    // cookie_v4_check() knows no deferral: a good cookie ACK makes the child at once.
    name: 'TCP_DEFER_ACCEPT with tcp_syncookies = 2: the bare cookie ACK makes the child at once (no TCPDeferAcceptDrop)',
    sysctls: { 'net.ipv4.tcp_syncookies': 2 },
    steps: [
      ...listener(30), tcp('c'), ['connect', 'c', LO, '$portof:l'], ['poll', 'l:POLLIN', 500], ['accept', 'l', 's'],
      mib('TCPDeferAcceptDrop'), mib('SyncookiesRecv'), ['close', 'c'], ['close', 's'], ['close', 'l'],
    ],
    linux: ['fd', 0, 0, 0, 0, 'fd', 0, '1 l=0x1', 'fd', 0, 1, 0, 0, 0],
  },
];

describe.skipIf(!onLinux)('TCP_DEFER_ACCEPT values: kstack vs Linux', () => {
  differentialTests(roundTrip);
});

describe.skipIf(!onLinux || !isRoot)('TCP_DEFER_ACCEPT on the wire: kstack vs Linux (each case in a network namespace)', () => {
  differentialTests(timed);
});
