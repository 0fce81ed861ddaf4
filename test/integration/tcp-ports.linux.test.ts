// Differential tests for ports: bind conflicts with and without SO_REUSEADDR/SO_REUSEPORT,
// binding over TIME_WAIT, IP_BIND_ADDRESS_NO_PORT and the parity rule of bind(0) and
// connect(), on kstack against this machine's Linux (python3 over loopback). Each case
// pins Linux's answer too (see test/helpers/differential.ts).
import { describe } from 'vitest';
import type { Step } from '../helpers/linux.js';
import { differentialTests, type PinnedCase } from '../helpers/differential.js';

const LO = '127.0.0.1';
const tcp = (n: string): Step => ['socket', n, 'AF_INET', 'SOCK_STREAM', 0];
const reuseaddr = (n: string): Step => ['setsockopt', n, 'SOL_SOCKET', 'SO_REUSEADDR', 1];
const reuseport = (n: string): Step => ['setsockopt', n, 'SOL_SOCKET', 'SO_REUSEPORT', 1];
const listener = (n: string, opts: Step[] = []): Step[] => [tcp(n), ...opts, ['bind', n, LO, 0], ['listen', n, 8]];
/**
 * c connects to l and closes first, after the accepted s: c ends in TIME_WAIT on its
 * port (FIN_WAIT2, then s's FIN). `copts` are set on c before connect.
 */
const timeWait = (copts: Step[] = []): Step[] => [
  ...listener('l'), tcp('c'), ...copts, ['connect', 'c', LO, '$portof:l'], ['accept', 'l', 's'],
  ['close', 'c'], ['sleep', 20], ['close', 's'], ['sleep', 50],
];
const noPort = (n: string): Step => ['setsockopt', n, 'SOL_IP', 'IP_BIND_ADDRESS_NO_PORT', 1];
/** Ten copies of the steps (or results) f(i) gives, flattened. */
function range10<T>(f: (i: number) => T[]): T[] {
  return Array.from({ length: 10 }, (_, i) => f(i)).flat();
}
const TW = (copts: number) => ['fd', 0, 0, 'fd', ...Array(copts).fill(0), 0, 'fd', 0, 0, 0, 0];

const cases: PinnedCase[] = [
  {
    // inet_bind_conflict: without SO_REUSEADDR on both, an overlapping owner conflicts;
    // a wildcard bind overlaps every address.
    name: 'bind to a bound port: EADDRINUSE unless both set SO_REUSEADDR; 0.0.0.0 overlaps 127.0.0.1',
    steps: [
      tcp('a'), ['bind', 'a', LO, 0],
      tcp('b'), ['bind', 'b', LO, '$portof:a'],
      tcp('c'), reuseaddr('c'), ['bind', 'c', LO, '$portof:a'],
      tcp('d'), ['bind', 'd', '0.0.0.0', '$portof:a'],
      tcp('e'), reuseaddr('e'), ['bind', 'e', LO, 0],
      tcp('f'), reuseaddr('f'), ['bind', 'f', '0.0.0.0', '$portof:e'],
    ],
    linux: ['fd', 0, 'fd', '-EADDRINUSE', 'fd', 0, '-EADDRINUSE', 'fd', '-EADDRINUSE', 'fd', 0, 0, 'fd', 0, 0],
  },
  {
    // inet_csk_listen_start → get_port as a listener: a SO_REUSEADDR owner that listens
    // conflicts, so two sockets may share the port but only one may listen; nor may a
    // third bind to the listening port.
    name: 'SO_REUSEADDR: two bind one port, only one listens (EADDRINUSE), none binds to the listener',
    steps: [
      tcp('a'), reuseaddr('a'), ['bind', 'a', LO, 0],
      tcp('b'), reuseaddr('b'), ['bind', 'b', LO, '$portof:a'],
      ['listen', 'a', 8], ['listen', 'b', 8],
      tcp('c'), reuseaddr('c'), ['bind', 'c', LO, '$portof:a'],
    ],
    linux: ['fd', 0, 0, 'fd', 0, 0, 0, '-EADDRINUSE', 'fd', 0, '-EADDRINUSE'],
  },
  {
    // SO_REUSEPORT on both (same uid): bind and listen together; a socket without it
    // conflicts, even with SO_REUSEADDR.
    name: 'SO_REUSEPORT: both listen on one port; without SO_REUSEPORT: EADDRINUSE',
    steps: [
      tcp('a'), reuseport('a'), ['bind', 'a', LO, 0], ['listen', 'a', 8],
      tcp('b'), reuseport('b'), ['bind', 'b', LO, '$portof:a'], ['listen', 'b', 8],
      tcp('c'), reuseaddr('c'), ['bind', 'c', LO, '$portof:a'],
      tcp('d'), ['bind', 'd', '0.0.0.0', '$portof:a'],
      tcp('e'), reuseport('e'), ['bind', 'e', '0.0.0.0', '$portof:a'], ['listen', 'e', 8],
    ],
    linux: ['fd', 0, 0, 0, 'fd', 0, 0, 0, 'fd', 0, '-EADDRINUSE', 'fd', '-EADDRINUSE', 'fd', 0, 0, 0],
  },
  {
    name: 'bind over TIME_WAIT: EADDRINUSE, also with SO_REUSEADDR when the TIME_WAIT socket had none',
    steps: [...timeWait(), tcp('n'), ['bind', 'n', LO, '$portof:c'], tcp('r'), reuseaddr('r'), ['bind', 'r', LO, '$portof:c']],
    linux: [...TW(0), 'fd', '-EADDRINUSE', 'fd', 0, '-EADDRINUSE'],
  },
  {
    // tw_reuse is the old socket's sk_reuse; with it on both, the bind succeeds, and
    // connect() to the same peer takes the TIME_WAIT tuple over (tcp_twsk_unique with
    // twp == NULL: a bound port needs only timestamps, not tcp_tw_reuse).
    name: 'bind over TIME_WAIT with SO_REUSEADDR on both: 0; connect to the same peer takes the tuple over',
    steps: [...timeWait([reuseaddr('c')]), tcp('n'), ['bind', 'n', LO, '$portof:c'], tcp('r'), reuseaddr('r'), ['bind', 'r', LO, '$portof:c'], ['connect', 'r', LO, '$portof:l'], ['getsockname', 'r']],
    linux: [...TW(1), 'fd', '-EADDRINUSE', 'fd', 0, 0, 0, '127.0.0.1:$c'],
  },
  {
    // The accepted socket inherits the listener's SO_REUSEADDR (sk_clone_lock), so a
    // server that set it can bind its port again over its own TIME_WAIT connections.
    name: 'server restart: the listener’s SO_REUSEADDR passes to its TIME_WAIT children',
    steps: [
      ...listener('l', [reuseaddr('l')]), tcp('c'), ['connect', 'c', LO, '$portof:l'], ['accept', 'l', 's'],
      ['close', 's'], ['sleep', 20], ['close', 'c'], ['sleep', 50], ['close', 'l'],
      tcp('n'), reuseaddr('n'), ['bind', 'n', LO, '$portof:l'], ['listen', 'n', 8],
    ],
    linux: ['fd', 0, 0, 0, 'fd', 0, 'fd', 0, 0, 0, 0, 0, 'fd', 0, 0, 0],
  },
  {
    name: 'server restart: without SO_REUSEADDR on the old listener, its TIME_WAIT children block the port',
    steps: [
      ...listener('l'), tcp('c'), ['connect', 'c', LO, '$portof:l'], ['accept', 'l', 's'],
      ['close', 's'], ['sleep', 20], ['close', 'c'], ['sleep', 50], ['close', 'l'],
      tcp('n'), reuseaddr('n'), ['bind', 'n', LO, '$portof:l'],
      tcp('p'), reuseaddr('p'), reuseport('p'), ['bind', 'p', LO, '$portof:l'],
    ],
    linux: ['fd', 0, 0, 'fd', 0, 'fd', 0, 0, 0, 0, 0, 'fd', 0, '-EADDRINUSE', 'fd', 0, 0, '-EADDRINUSE'],
  },
  {
    // __inet_bind: with IP_BIND_ADDRESS_NO_PORT and port 0 the port waits for connect().
    name: 'IP_BIND_ADDRESS_NO_PORT: getsockname says port 0 until connect() picks one',
    steps: [
      ...listener('l'), tcp('a'), ['setsockopt', 'a', 'SOL_IP', 'IP_BIND_ADDRESS_NO_PORT', 1], ['getsockopt', 'a', 'SOL_IP', 'IP_BIND_ADDRESS_NO_PORT'],
      ['bind', 'a', LO, 0], ['getsockname', 'a'], ['connect', 'a', LO, '$portof:l'], ['getsockname', 'a'], ['portparity', 'a'],
    ],
    linux: ['fd', 0, 0, 'fd', 0, 1, 0, '127.0.0.1:0', 0, '127.0.0.1:$a', 'even'],
  },
  {
    // inet_csk_find_open_port starts at an odd offset, __inet_hash_connect at the range's
    // own parity (32768: even), so bind(0) and connect() use different ports first.
    name: 'bind(0) and listen() without bind take odd ports, connect() even ones',
    steps: [
      tcp('a'), ['bind', 'a', LO, 0], ['portparity', 'a'],
      tcp('b'), reuseaddr('b'), ['bind', 'b', '0.0.0.0', 0], ['portparity', 'b'],
      tcp('l'), ['listen', 'l', 8], ['portparity', 'l'],
      tcp('c'), ['connect', 'c', LO, '$portof:l'], ['portparity', 'c'],
      tcp('d'), ['connect', 'd', LO, '$portof:l'], ['portparity', 'd'],
    ],
    linux: ['fd', 0, 'odd', 'fd', 0, 0, 'odd', 'fd', 0, 'odd', 'fd', 0, 'even', 'fd', 0, 'even'],
  },
  // ---- a small ip_local_port_range (Linux: in a network namespace of its own) ----
  {
    // __inet_hash_connect: the range's parity first (40000: even), then the other one;
    // a port only connect() holds is shared by another destination; bind(0) shares
    // nothing (relax = false) and reports EADDRINUSE, as __inet_bind's err says.
    name: 'a 10-port range: connect() takes 5 even then 5 odd ports, then EADDRNOTAVAIL; bind(0) EADDRINUSE; another destination shares',
    sysctls: { 'net.ipv4.ip_local_port_range': '40000 40009' },
    steps: [
      tcp('l'), ['bind', 'l', LO, 5000], ['listen', 'l', 64], tcp('m'), ['bind', 'm', LO, 5001], ['listen', 'm', 8],
      ...range10<Step>((i) => [tcp(`c${i}`), ['connect', `c${i}`, LO, 5000], ['portparity', `c${i}`]]),
      tcp('x'), ['connect', 'x', LO, 5000],
      tcp('b'), ['bind', 'b', LO, 0],
      tcp('d'), ['connect', 'd', LO, 5001],
    ],
    linux: ['fd', 0, 0, 'fd', 0, 0, ...range10((i) => ['fd', 0, i < 5 ? 'even' : 'odd']), 'fd', '-EADDRNOTAVAIL', 'fd', '-EADDRINUSE', 'fd', 0],
  },
  {
    // Bind before connect: each bind(0) holds a port alone, and connect() skips ports
    // bind() made (tb->fastreuse >= 0), so the range ends after 10 sockets whatever the
    // destinations; IP_BIND_ADDRESS_NO_PORT leaves the choice to connect(), which shares.
    name: 'a 10-port range: bind(0)+connect() ends at 10 sockets; IP_BIND_ADDRESS_NO_PORT reaches 20',
    sysctls: { 'net.ipv4.ip_local_port_range': '40000 40009' },
    steps: [
      tcp('l'), ['bind', 'l', LO, 5000], ['listen', 'l', 64], tcp('m'), ['bind', 'm', LO, 5001], ['listen', 'm', 64],
      ...range10<Step>((i) => [tcp(`b${i}`), ['bind', `b${i}`, LO, 0], ['connect', `b${i}`, LO, 5000 + (i % 2)]]),
      tcp('x'), ['bind', 'x', LO, 0], ['connect', 'x', LO, 5001],
      ...range10<Step>((i) => [['close', `b${i}`] as Step]),
      ['sleep', 20],
    ],
    linux: ['fd', 0, 0, 'fd', 0, 0, ...range10(() => ['fd', 0, 0]), 'fd', '-EADDRINUSE', '-EADDRNOTAVAIL', ...range10(() => [0]), 0],
  },
  {
    name: 'IP_BIND_ADDRESS_NO_PORT in a 10-port range: 10 connections to each of two destinations',
    sysctls: { 'net.ipv4.ip_local_port_range': '40000 40009' },
    steps: [
      tcp('l'), ['bind', 'l', LO, 5000], ['listen', 'l', 64], tcp('m'), ['bind', 'm', LO, 5001], ['listen', 'm', 64],
      ...range10<Step>((i) => [tcp(`a${i}`), noPort(`a${i}`), ['bind', `a${i}`, LO, 0], ['connect', `a${i}`, LO, 5000]]),
      ...range10<Step>((i) => [tcp(`b${i}`), noPort(`b${i}`), ['bind', `b${i}`, LO, 0], ['connect', `b${i}`, LO, 5001]]),
      tcp('x'), noPort('x'), ['bind', 'x', LO, 0], ['connect', 'x', LO, 5000],
    ],
    linux: ['fd', 0, 0, 'fd', 0, 0, ...range10(() => ['fd', 0, 0, 0]), ...range10(() => ['fd', 0, 0, 0]), 'fd', 0, 0, '-EADDRNOTAVAIL'],
  },
  {
    // tcp_twsk_unique: tcp_tw_reuse = 2 admits loopback, after tcp_tw_reuse_delay (1 s)
    // from the start of TIME_WAIT; the new connection takes the same port.
    name: 'tcp_tw_reuse = 2 over loopback: the TIME_WAIT port is taken over after 1 s, not before',
    sysctls: { 'net.ipv4.ip_local_port_range': '40000 40000' },
    steps: [
      tcp('l'), ['bind', 'l', LO, 5000], ['listen', 'l', 8],
      tcp('c'), ['connect', 'c', LO, 5000], ['accept', 'l', 's'], ['close', 'c'], ['sleep', 20], ['close', 's'], ['sleep', 50],
      tcp('d'), ['connect', 'd', LO, 5000],
      ['sleep', 1100],
      tcp('e'), ['connect', 'e', LO, 5000], ['getsockname', 'e'],
    ],
    linux: ['fd', 0, 0, 'fd', 0, 'fd', 0, 0, 0, 0, 'fd', '-EADDRNOTAVAIL', 0, 'fd', 0, '127.0.0.1:$c'],
  },
  {
    name: 'tcp_tw_reuse = 0: the TIME_WAIT port stays taken',
    sysctls: { 'net.ipv4.ip_local_port_range': '40000 40000', 'net.ipv4.tcp_tw_reuse': 0 },
    steps: [
      tcp('l'), ['bind', 'l', LO, 5000], ['listen', 'l', 8],
      tcp('c'), ['connect', 'c', LO, 5000], ['accept', 'l', 's'], ['close', 'c'], ['sleep', 20], ['close', 's'], ['sleep', 1100],
      tcp('d'), ['connect', 'd', LO, 5000],
    ],
    linux: ['fd', 0, 0, 'fd', 0, 'fd', 0, 0, 0, 0, 'fd', '-EADDRNOTAVAIL'],
  },
];

describe('TCP ports vs Linux', () => {
  differentialTests(cases);
});
