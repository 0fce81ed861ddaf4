// Differential tests: UDP and socket-layer syscalls on kstack against this machine's Linux
// kernel (python3's socket module over loopback). The step language is documented in
// test/helpers/linux.ts. Each case also pins Linux's answer (`linux`), so that a change
// in this machine's kernel shows up as a failure of the Linux half, not as a kstack bug.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Step } from '../helpers/linux.js';
import { differentialTests, type PinnedCase } from '../helpers/differential.js';

const LO = '127.0.0.1';
const udp = (n: string): Step => ['socket', n, 'AF_INET', 'SOCK_DGRAM', 0];
const bound = (n: string): Step[] => [udp(n), ['bind', n, LO, 0]];

const cases: PinnedCase[] = [
  // ---- bind ----
  {
    // __inet_bind: a socket that already has a local port (inet_num) gets -EINVAL.
    name: 'bind twice on one UDP socket: EINVAL',
    steps: [...bound('a'), ['bind', 'a', LO, 0], ['getsockname', 'a']],
    linux: ['fd', 0, '-EINVAL', '127.0.0.1:$a'],
  },
  {
    // udp_lib_get_port → udp_lib_lport_inuse: same port, same address, no SO_REUSEADDR.
    name: 'bind to a port in use: EADDRINUSE',
    steps: [...bound('a'), udp('b'), ['bind', 'b', LO, '$portof:a'], ['getsockname', 'b']],
    linux: ['fd', 0, 'fd', '-EADDRINUSE', '0.0.0.0:0'],
  },
  {
    // udp_lib_lport_inuse: a wildcard bind conflicts with a specific address on the port.
    name: 'bind 0.0.0.0 to a port bound on 127.0.0.1: EADDRINUSE',
    steps: [...bound('a'), udp('b'), ['bind', 'b', '0.0.0.0', '$portof:a']],
    linux: ['fd', 0, 'fd', '-EADDRINUSE'],
  },
  {
    // udp_lib_lport_inuse: no conflict when both sockets have sk_reuse set.
    name: 'SO_REUSEADDR on both UDP sockets lets them share a port',
    steps: [
      udp('a'),
      ['setsockopt', 'a', 'SOL_SOCKET', 'SO_REUSEADDR', 1],
      ['bind', 'a', LO, 0],
      udp('b'),
      ['setsockopt', 'b', 'SOL_SOCKET', 'SO_REUSEADDR', 1],
      ['bind', 'b', LO, '$portof:a'],
      ['getsockname', 'b'],
    ],
    linux: ['fd', 0, 0, 'fd', 0, 0, '127.0.0.1:$a'],
  },
  {
    // udp_lib_lport_inuse needs sk_reuse on both sides, not only on the newcomer.
    name: 'SO_REUSEADDR on only the second socket: EADDRINUSE',
    steps: [
      ...bound('a'),
      udp('b'),
      ['setsockopt', 'b', 'SOL_SOCKET', 'SO_REUSEADDR', 1],
      ['bind', 'b', LO, '$portof:a'],
    ],
    linux: ['fd', 0, 'fd', 0, '-EADDRINUSE'],
  },
  {
    // __inet_bind → inet_addr_valid_or_nonlocal: the address is on no interface and
    // ip_nonlocal_bind is off.
    name: 'bind to a non-local address: EADDRNOTAVAIL',
    steps: [udp('a'), ['bind', 'a', '10.255.255.1', 0], ['getsockname', 'a']],
    linux: ['fd', '-EADDRNOTAVAIL', '0.0.0.0:0'],
  },
  {
    // connect autobinds (inet_autobind from inet_dgram_connect), so a later bind finds
    // inet_num set: __inet_bind's -EINVAL.
    name: 'bind after connect: EINVAL',
    steps: [...bound('b'), udp('a'), ['connect', 'a', LO, '$portof:b'], ['bind', 'a', LO, 0]],
    linux: ['fd', 0, 'fd', 0, '-EINVAL'],
  },

  // ---- socket ----
  {
    // inet_create: no inetsw entry pairs SOCK_DGRAM with IPPROTO_TCP.
    name: 'socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP): EPROTONOSUPPORT',
    steps: [['socket', 'a', 'AF_INET', 'SOCK_DGRAM', 'IPPROTO_TCP']],
    linux: ['-EPROTONOSUPPORT'],
  },
  {
    name: 'socket(AF_INET, SOCK_STREAM, IPPROTO_UDP): EPROTONOSUPPORT',
    steps: [['socket', 'a', 'AF_INET', 'SOCK_STREAM', 'IPPROTO_UDP']],
    linux: ['-EPROTONOSUPPORT'],
  },
  {
    // __sock_create: family >= NPROTO.
    name: 'socket(12345, SOCK_DGRAM, 0): EAFNOSUPPORT',
    steps: [['socket', 'a', 12345, 'SOCK_DGRAM', 0]],
    linux: ['-EAFNOSUPPORT'],
  },
  {
    // __sock_create: type >= SOCK_MAX; __sys_socket: flag bits other than
    // SOCK_CLOEXEC|SOCK_NONBLOCK.
    name: 'socket with bad type: EINVAL',
    steps: [
      ['socket', 'a', 'AF_INET', 15, 0],
      ['socket', 'b', 'AF_INET', 2 | 0x40000, 0],
    ],
    linux: ['-EINVAL', '-EINVAL'],
  },
  {
    // sk_getsockopt: SO_TYPE, SO_PROTOCOL, SO_DOMAIN; protocol 0 picks IPPROTO_UDP.
    name: 'SO_TYPE is SOCK_DGRAM, SO_PROTOCOL is UDP, SO_DOMAIN is AF_INET',
    steps: [
      udp('a'),
      ['getsockopt', 'a', 'SOL_SOCKET', 'SO_TYPE'],
      ['getsockopt', 'a', 'SOL_SOCKET', 'SO_PROTOCOL'],
      ['getsockopt', 'a', 'SOL_SOCKET', 'SO_DOMAIN'],
      ['getsockopt', 'a', 'SOL_SOCKET', 'SO_ACCEPTCONN'],
      ['socket', 'b', 'AF_INET', 'SOCK_DGRAM', 'IPPROTO_UDP'],
      ['getsockopt', 'b', 'SOL_SOCKET', 'SO_PROTOCOL'],
    ],
    linux: ['fd', 2, 17, 2, 0, 'fd', 17],
  },
  {
    // __sys_socket → sock_alloc_file: SOCK_NONBLOCK becomes O_NONBLOCK on the file,
    // SOCK_CLOEXEC the fd's close-on-exec flag.
    name: 'SOCK_NONBLOCK|SOCK_CLOEXEC: F_GETFL shows O_NONBLOCK, F_GETFD FD_CLOEXEC, recv EAGAIN',
    steps: [
      ['socket', 'a', 'AF_INET', 'SOCK_DGRAM|SOCK_NONBLOCK|SOCK_CLOEXEC', 0],
      ['fcntl', 'a', 'F_GETFL'],
      ['fcntl', 'a', 'F_GETFD'],
      ['bind', 'a', LO, 0],
      ['recv', 'a', 100, 0],
    ],
    linux: ['fd', 2050, 1, 0, '-EAGAIN'],
  },

  // ---- send / sendto ----
  {
    // udp_sendmsg: no msg_name and sk_state != TCP_ESTABLISHED.
    // The socket is autobound on the way (inet_send_prepare), as getsockname shows.
    name: 'sendto without address on an unconnected UDP socket: EDESTADDRREQ',
    steps: [udp('a'), ['sendto', 'a', 'x', 0], ['getsockname', 'a']],
    linux: ['fd', '-EDESTADDRREQ', '0.0.0.0:$a'],
  },
  {
    name: 'send on an unconnected UDP socket: EDESTADDRREQ',
    steps: [...bound('a'), ['send', 'a', 'x', 0]],
    linux: ['fd', 0, '-EDESTADDRREQ'],
  },
  {
    // udp_sendmsg: usin->sin_port == 0.
    name: 'sendto port 0: EINVAL',
    steps: [udp('a'), ['sendto', 'a', 'x', 0, LO, 0]],
    linux: ['fd', '-EINVAL'],
  },
  {
    // __ip_append_data: length beyond 0xFFFF - IP header - UDP header (65507) is
    // -EMSGSIZE; loopback's MTU (65536) carries 65507 unfragmented, and the default
    // receive buffer holds it.
    name: 'sendto 65508 bytes: EMSGSIZE; 65507 fits on loopback',
    steps: [
      ...bound('b'),
      udp('a'),
      ['sendto', 'a', 65508, 0, LO, '$portof:b'],
      ['sendto', 'a', 65507, 0, LO, '$portof:b'],
      ['sleep', 10],
      ['recvfrom', 'b', 70000, 'MSG_DONTWAIT'],
    ],
    linux: ['fd', 0, 'fd', '-EMSGSIZE', 65507, 0, { n: 65507, addr: '127.0.0.1:$a' }],
  },
  {
    // Linux allows a destination in sendto on a connected UDP socket (udp_sendmsg uses
    // msg_name when given).
    name: 'sendto on a connected UDP socket may name another destination',
    steps: [
      ...bound('b'),
      ...bound('c'),
      udp('a'),
      ['connect', 'a', LO, '$portof:b'],
      ['sendto', 'a', 'to c', 0, LO, '$portof:c'],
      ['sleep', 10],
      ['recvfrom', 'c', 100, 'MSG_DONTWAIT'],
      ['recv', 'b', 100, 'MSG_DONTWAIT'],
    ],
    linux: ['fd', 0, 'fd', 0, 'fd', 0, 4, 0, { n: 4, addr: '127.0.0.1:$a' }, '-EAGAIN'],
  },

  // ---- recv ----
  {
    // __skb_recv_udp → __skb_wait_for_more_packets is skipped with MSG_DONTWAIT (timeo 0).
    name: 'recv MSG_DONTWAIT with nothing queued: EAGAIN',
    steps: [...bound('a'), ['recv', 'a', 100, 'MSG_DONTWAIT'], udp('b'), ['recv', 'b', 100, 'MSG_DONTWAIT']],
    linux: ['fd', 0, '-EAGAIN', 'fd', '-EAGAIN'],
  },
  {
    // sock_alloc_file gives O_RDWR; setfl() changes O_NONBLOCK; sock_rcvtimeo is 0 then.
    name: 'O_NONBLOCK via fcntl F_SETFL then recv: EAGAIN; F_GETFL shows O_NONBLOCK|O_RDWR',
    steps: [
      ...bound('a'),
      ['fcntl', 'a', 'F_GETFL'],
      ['fcntl', 'a', 'F_SETFL', 'O_NONBLOCK'],
      ['fcntl', 'a', 'F_GETFL'],
      ['recv', 'a', 100, 0],
      ['fcntl', 'a', 'F_SETFL', 0],
      ['fcntl', 'a', 'F_GETFL'],
    ],
    linux: ['fd', 0, 2, 0, 2050, '-EAGAIN', 0, 2],
  },
  {
    // udp_recvmsg copies min(len, ulen) and sets MSG_TRUNC; the datagram is consumed
    // whole. With MSG_TRUNC in flags it returns ulen, the real length.
    name: 'recv with a buffer smaller than the datagram truncates and discards the rest (and MSG_TRUNC returns the real length)',
    steps: [
      ...bound('b'),
      udp('a'),
      ['sendto', 'a', 'hello world', 0, LO, '$portof:b'],
      ['sendto', 'a', 'hello world', 0, LO, '$portof:b'],
      ['sendto', 'a', 'xyz', 0, LO, '$portof:b'],
      ['sleep', 10],
      ['recvtext', 'b', 5, 'MSG_DONTWAIT'],
      ['recv', 'b', 5, 'MSG_DONTWAIT|MSG_TRUNC'],
      ['recvtext', 'b', 100, 'MSG_DONTWAIT'],
      ['recv', 'b', 100, 'MSG_DONTWAIT'],
    ],
    linux: ['fd', 0, 'fd', 11, 11, 3, 0, 'hello', 11, 'xyz', '-EAGAIN'],
  },
  {
    // udp_recvmsg with MSG_PEEK leaves the skb on the queue.
    name: 'MSG_PEEK leaves the datagram queued',
    steps: [
      ...bound('b'),
      udp('a'),
      ['sendto', 'a', 'peek me', 0, LO, '$portof:b'],
      ['sleep', 10],
      ['recvtext', 'b', 100, 'MSG_DONTWAIT|MSG_PEEK'],
      ['recvtext', 'b', 4, 'MSG_DONTWAIT|MSG_PEEK'],
      ['recvtext', 'b', 100, 'MSG_DONTWAIT'],
      ['recv', 'b', 100, 'MSG_DONTWAIT'],
    ],
    linux: ['fd', 0, 'fd', 7, 0, 'peek me', 'peek', 'peek me', '-EAGAIN'],
  },
  {
    name: 'zero-length datagram is delivered and recv returns 0',
    steps: [
      ...bound('b'),
      ...bound('a'),
      ['sendto', 'a', '', 0, LO, '$portof:b'],
      ['sleep', 10],
      ['ioctl', 'b', 'FIONREAD'],
      ['recvfrom', 'b', 100, 'MSG_DONTWAIT'],
      ['recv', 'b', 100, 'MSG_DONTWAIT'],
    ],
    linux: ['fd', 0, 'fd', 0, 0, 0, 0, { n: 0, addr: '127.0.0.1:$a' }, '-EAGAIN'],
  },
  {
    // inet_getname for the source; udp_recvmsg fills msg_name from the skb.
    name: "recvfrom reports the sender's address",
    steps: [
      ...bound('b'),
      udp('a'),
      ['sendto', 'a', 'hi', 0, LO, '$portof:b'],
      ['getsockname', 'a'],
      ['sleep', 10],
      ['recvfrom', 'b', 100, 'MSG_DONTWAIT'],
    ],
    linux: ['fd', 0, 'fd', 2, '0.0.0.0:$a', 0, { n: 2, addr: '127.0.0.1:$a' }],
  },
  {
    // udp_ioctl SIOCINQ → first_packet_length: the next datagram's payload length.
    name: 'FIONREAD returns the size of the next datagram, not the total queued',
    steps: [
      ...bound('b'),
      udp('a'),
      ['ioctl', 'b', 'FIONREAD'],
      ['sendto', 'a', 3, 0, LO, '$portof:b'],
      ['sendto', 'a', 5, 0, LO, '$portof:b'],
      ['sleep', 10],
      ['ioctl', 'b', 'FIONREAD'],
      ['recv', 'b', 100, 'MSG_DONTWAIT'],
      ['ioctl', 'b', 'FIONREAD'],
      ['recv', 'b', 100, 'MSG_DONTWAIT'],
      ['ioctl', 'b', 'FIONREAD'],
    ],
    linux: ['fd', 0, 'fd', 0, 3, 5, 0, 3, 3, 5, 5, 0],
  },
  {
    // udp_ioctl SIOCOUTQ: sk_wmem_alloc_get; loopback frees the skb on transmit.
    name: 'SIOCOUTQ on an idle UDP socket is 0',
    steps: [...bound('b'), ...bound('a'), ['ioctl', 'a', 'SIOCOUTQ'], ['sendto', 'a', 100, 0, LO, '$portof:b'], ['sleep', 10], ['ioctl', 'a', 'SIOCOUTQ']],
    linux: ['fd', 0, 'fd', 0, 0, 100, 0, 0],
  },

  // ---- connect ----
  {
    // ip4_datagram_connect autobinds with the route's source address.
    name: 'connect autobinds: getsockname shows 127.0.0.1 and a port, getpeername the peer',
    steps: [
      ...bound('b'),
      udp('a'),
      ['connect', 'a', LO, '$portof:b'],
      ['getsockname', 'a'],
      ['getpeername', 'a'],
      ['send', 'a', 'hey', 0],
      ['sleep', 10],
      ['recvfrom', 'b', 100, 'MSG_DONTWAIT'],
    ],
    linux: ['fd', 0, 'fd', 0, '127.0.0.1:$a', '127.0.0.1:$b', 3, 0, { n: 3, addr: '127.0.0.1:$a' }],
  },
  {
    // __udp4_lib_err: ICMP port unreachable on a connected socket sets sk_err =
    // ECONNREFUSED (icmp_err_convert); the next recv reports it via sock_error and clears it.
    name: 'connected UDP socket to a closed port: the next recv gets ECONNREFUSED',
    steps: [
      ...bound('b'),
      ['close', 'b'],
      udp('a'),
      ['connect', 'a', LO, '$portof:b'],
      ['send', 'a', 'x', 0],
      ['sleep', 10],
      ['recv', 'a', 100, 'MSG_DONTWAIT'],
      ['recv', 'a', 100, 'MSG_DONTWAIT'],
    ],
    linux: ['fd', 0, 0, 'fd', 0, 1, 0, '-ECONNREFUSED', '-EAGAIN'],
  },
  {
    // udp_sendmsg → ... sock_error reports a pending sk_err on the next send.
    name: 'connected UDP socket to a closed port: the next send gets ECONNREFUSED',
    steps: [
      ...bound('b'),
      ['close', 'b'],
      udp('a'),
      ['connect', 'a', LO, '$portof:b'],
      ['send', 'a', 'x', 0],
      ['sleep', 10],
      ['send', 'a', 'x', 0],
      ['send', 'a', 'x', 0],
    ],
    linux: ['fd', 0, 0, 'fd', 0, 1, 0, '-ECONNREFUSED', 1],
  },
  {
    // sk_getsockopt SO_ERROR: sock_error() returns and clears sk_err.
    name: 'SO_ERROR reports ECONNREFUSED once and then 0',
    steps: [
      ...bound('b'),
      ['close', 'b'],
      udp('a'),
      ['connect', 'a', LO, '$portof:b'],
      ['send', 'a', 'x', 0],
      ['sleep', 10],
      ['getsockopt', 'a', 'SOL_SOCKET', 'SO_ERROR'],
      ['getsockopt', 'a', 'SOL_SOCKET', 'SO_ERROR'],
      ['recv', 'a', 100, 'MSG_DONTWAIT'],
    ],
    linux: ['fd', 0, 0, 'fd', 0, 1, 0, 111, 0, '-EAGAIN'],
  },
  {
    // __udp4_lib_err: without IP_RECVERR, an unconnected socket ignores ICMP errors
    // (harderr only reported when sk_state == TCP_ESTABLISHED).
    name: 'unconnected UDP socket ignores ICMP port unreachable',
    steps: [
      ...bound('b'),
      ['close', 'b'],
      ...bound('a'),
      ['sendto', 'a', 'x', 0, LO, '$portof:b'],
      ['sleep', 10],
      ['recv', 'a', 100, 'MSG_DONTWAIT'],
      ['getsockopt', 'a', 'SOL_SOCKET', 'SO_ERROR'],
      ['sendto', 'a', 'x', 0, LO, '$portof:b'],
    ],
    linux: ['fd', 0, 0, 'fd', 0, 1, 0, '-EAGAIN', 0, 1],
  },
  {
    // udp_disconnect: AF_UNSPEC clears the peer; without SOCK_BINDADDR_LOCK the source
    // address is reset and without SOCK_BINDPORT_LOCK the autobound port released. The
    // failing send autobinds again (inet_send_prepare → inet_autobind runs before
    // udp_sendmsg returns -EDESTADDRREQ), so the last getsockname shows a port.
    name: 'connect to AF_UNSPEC dissolves the association',
    steps: [
      ...bound('b'),
      udp('a'),
      ['connect', 'a', LO, '$portof:b'],
      ['getpeername', 'a'],
      ['connect', 'a', 'AF_UNSPEC'],
      ['getpeername', 'a'],
      ['getsockname', 'a'],
      ['send', 'a', 'x', 0],
      ['getsockname', 'a'],
    ],
    linux: ['fd', 0, 'fd', 0, '127.0.0.1:$b', 0, '-ENOTCONN', '0.0.0.0:0', '-EDESTADDRREQ', '0.0.0.0:$a'],
  },
  {
    // udp_disconnect keeps what bind() locked: the address (SOCK_BINDADDR_LOCK) but,
    // after a bind to port 0, not the kernel-chosen port (no SOCK_BINDPORT_LOCK).
    name: 'connect to AF_UNSPEC keeps a bound address but releases a kernel-chosen port',
    steps: [
      ...bound('b'),
      ...bound('a'),
      ['connect', 'a', LO, '$portof:b'],
      ['connect', 'a', 'AF_UNSPEC'],
      ['getsockname', 'a'],
      ['getpeername', 'a'],
    ],
    linux: ['fd', 0, 'fd', 0, 0, 0, '127.0.0.1:0', '-ENOTCONN'],
  },
  {
    // bind() with a nonzero port sets SOCK_BINDPORT_LOCK, so udp_disconnect keeps it.
    name: 'connect to AF_UNSPEC keeps an explicitly bound port',
    steps: [
      ...bound('t'),
      ['close', 't'],
      udp('a'),
      ['bind', 'a', LO, '$portof:t'],
      ...bound('b'),
      ['connect', 'a', LO, '$portof:b'],
      ['connect', 'a', 'AF_UNSPEC'],
      ['getsockname', 'a'],
      ['getpeername', 'a'],
    ],
    linux: ['fd', 0, 0, 'fd', 0, 'fd', 0, 0, 0, '127.0.0.1:$t', '-ENOTCONN'],
  },
  {
    // __udp4_lib_lookup scores a connected socket only for its peer (compute_score
    // rejects a different saddr/sport), so other senders' datagrams are not delivered.
    name: 'connected UDP socket receives only from its peer',
    steps: [
      ...bound('b'),
      ...bound('c'),
      ...bound('a'),
      ['connect', 'a', LO, '$portof:b'],
      ['sendto', 'c', 'from c', 0, LO, '$portof:a'],
      ['sendto', 'b', 'from b', 0, LO, '$portof:a'],
      ['sleep', 10],
      ['recvfrom', 'a', 100, 'MSG_DONTWAIT'],
      ['recv', 'a', 100, 'MSG_DONTWAIT'],
    ],
    linux: ['fd', 0, 'fd', 0, 'fd', 0, 0, 6, 6, 0, { n: 6, addr: '127.0.0.1:$b' }, '-EAGAIN'],
  },
  {
    // inet_getname(peer=1): no inet_dport → -ENOTCONN.
    name: 'getpeername on an unconnected socket: ENOTCONN',
    steps: [...bound('a'), ['getpeername', 'a']],
    linux: ['fd', 0, '-ENOTCONN'],
  },
  {
    name: 'getsockname before bind: 0.0.0.0:0',
    steps: [udp('a'), ['getsockname', 'a']],
    linux: ['fd', '0.0.0.0:0'],
  },

  // ---- shutdown / listen / accept ----
  {
    // inet_shutdown: TCP_CLOSE → -ENOTCONN (though sk_shutdown is still updated).
    name: 'shutdown on an unconnected UDP socket: ENOTCONN',
    steps: [...bound('a'), ['shutdown', 'a', 'SHUT_RDWR'], ['shutdown', 'a', 'SHUT_RD']],
    linux: ['fd', 0, '-ENOTCONN', '-ENOTCONN'],
  },
  {
    // inet_shutdown: how+1 must be within SHUTDOWN_MASK, checked before the state.
    name: 'shutdown with a bad how: EINVAL',
    steps: [...bound('a'), ['shutdown', 'a', 5]],
    linux: ['fd', 0, '-EINVAL'],
  },
  {
    // inet_shutdown on a connected UDP socket succeeds and sets RCV_SHUTDOWN. With
    // MSG_DONTWAIT the empty queue still answers -EAGAIN (__skb_try_recv_datagram);
    // a blocking recv returns 0 at once (__skb_wait_for_more_packets sees RCV_SHUTDOWN).
    name: 'shutdown SHUT_RD on a connected UDP socket: recv MSG_DONTWAIT EAGAIN, blocking recv 0',
    steps: [
      ...bound('b'),
      udp('a'),
      ['connect', 'a', LO, '$portof:b'],
      ['shutdown', 'a', 'SHUT_RD'],
      ['recv', 'a', 100, 'MSG_DONTWAIT'],
      ['recv', 'a', 100, 0],
    ],
    linux: ['fd', 0, 'fd', 0, 0, '-EAGAIN', 0],
  },
  {
    // inet_dgram_ops: .listen = sock_no_listen, .accept = sock_no_accept.
    name: 'listen and accept on a UDP socket: EOPNOTSUPP',
    steps: [...bound('a'), ['listen', 'a', 5], ['accept', 'a']],
    linux: ['fd', 0, '-EOPNOTSUPP', '-EOPNOTSUPP'],
  },

  // ---- socket options ----
  {
    // __sock_set_rcvbuf: max(val * 2, SOCK_MIN_RCVBUF) with SOCK_MIN_RCVBUF =
    // 2048 + SKB_DATA_ALIGN(sizeof(struct sk_buff)) = 2304.
    name: 'SO_RCVBUF set 1000 reads back the minimum 2304',
    steps: [udp('a'), ['setsockopt', 'a', 'SOL_SOCKET', 'SO_RCVBUF', 1000], ['getsockopt', 'a', 'SOL_SOCKET', 'SO_RCVBUF']],
    linux: ['fd', 0, 2304],
  },
  {
    // __sock_set_rcvbuf doubles the value to account for struct sk_buff overhead.
    name: 'SO_RCVBUF set 100000 reads back 200000',
    steps: [udp('a'), ['setsockopt', 'a', 'SOL_SOCKET', 'SO_RCVBUF', 100000], ['getsockopt', 'a', 'SOL_SOCKET', 'SO_RCVBUF']],
    linux: ['fd', 0, 200000],
  },
  {
    // sk_setsockopt SO_RCVBUF: min(val, sysctl_rmem_max) before doubling. Compared as a
    // multiple of net.core.rmem_max because this machine's value (here 4194304) need not
    // be kstack's default (Linux's default, 212992, which kstack must also use).
    name: 'SO_RCVBUF above rmem_max is clamped to 2*rmem_max',
    steps: [
      udp('a'),
      ['setsockopt', 'a', 'SOL_SOCKET', 'SO_RCVBUF', 1 << 30],
      ['getsockopt', 'a', 'SOL_SOCKET', 'SO_RCVBUF', 'net.core.rmem_max'],
    ],
    linux: ['fd', 0, 2],
  },
  {
    // __sock_set_sndbuf: max(val * 2, SOCK_MIN_SNDBUF = 2 * 2304).
    name: 'SO_SNDBUF set 1000 reads back 4608',
    steps: [udp('a'), ['setsockopt', 'a', 'SOL_SOCKET', 'SO_SNDBUF', 1000], ['getsockopt', 'a', 'SOL_SOCKET', 'SO_SNDBUF']],
    linux: ['fd', 0, 4608],
  },
  {
    name: 'SO_SNDBUF set 100000 reads back 200000; above wmem_max it is 2*wmem_max',
    steps: [
      udp('a'),
      ['setsockopt', 'a', 'SOL_SOCKET', 'SO_SNDBUF', 100000],
      ['getsockopt', 'a', 'SOL_SOCKET', 'SO_SNDBUF'],
      ['setsockopt', 'a', 'SOL_SOCKET', 'SO_SNDBUF', 1 << 30],
      ['getsockopt', 'a', 'SOL_SOCKET', 'SO_SNDBUF', 'net.core.wmem_max'],
    ],
    linux: ['fd', 0, 200000, 0, 2],
  },
  {
    // sock_init_data: sk_rcvbuf = sysctl_rmem_default, sk_sndbuf = sysctl_wmem_default
    // (both 212992 by default, on this machine and in kstack).
    name: 'default SO_RCVBUF/SO_SNDBUF of a UDP socket are 212992',
    steps: [udp('a'), ['getsockopt', 'a', 'SOL_SOCKET', 'SO_RCVBUF'], ['getsockopt', 'a', 'SOL_SOCKET', 'SO_SNDBUF']],
    linux: ['fd', 212992, 212992],
  },
  {
    name: 'SO_ERROR is 0 on a fresh socket',
    steps: [udp('a'), ['getsockopt', 'a', 'SOL_SOCKET', 'SO_ERROR']],
    linux: ['fd', 0],
  },
  {
    // sk_setsockopt: SO_REUSEADDR stores valbool ? SK_CAN_REUSE : SK_NO_REUSE.
    name: 'SO_REUSEADDR reads back 1 after set',
    steps: [
      udp('a'),
      ['getsockopt', 'a', 'SOL_SOCKET', 'SO_REUSEADDR'],
      ['setsockopt', 'a', 'SOL_SOCKET', 'SO_REUSEADDR', 5],
      ['getsockopt', 'a', 'SOL_SOCKET', 'SO_REUSEADDR'],
      ['setsockopt', 'a', 'SOL_SOCKET', 'SO_REUSEADDR', 0],
      ['getsockopt', 'a', 'SOL_SOCKET', 'SO_REUSEADDR'],
    ],
    linux: ['fd', 0, 0, 1, 0, 0],
  },
  {
    // sk_setsockopt: SO_SNDLOWAT is not changeable (-ENOPROTOOPT); SO_RCVLOWAT is 1 by
    // default and 0 is stored as 1.
    name: 'SO_SNDLOWAT cannot be set: ENOPROTOOPT; SO_RCVLOWAT defaults to 1',
    steps: [
      udp('a'),
      ['setsockopt', 'a', 'SOL_SOCKET', 'SO_SNDLOWAT', 10],
      ['getsockopt', 'a', 'SOL_SOCKET', 'SO_SNDLOWAT'],
      ['getsockopt', 'a', 'SOL_SOCKET', 'SO_RCVLOWAT'],
      ['setsockopt', 'a', 'SOL_SOCKET', 'SO_RCVLOWAT', 0],
      ['getsockopt', 'a', 'SOL_SOCKET', 'SO_RCVLOWAT'],
    ],
    linux: ['fd', '-ENOPROTOOPT', 1, 1, 0, 1],
  },
  {
    // sk_setsockopt / sk_getsockopt default branch: -ENOPROTOOPT; udp_lib_setsockopt
    // and udp_lib_getsockopt likewise.
    name: 'setsockopt with unknown option: ENOPROTOOPT',
    steps: [
      udp('a'),
      ['setsockopt', 'a', 'SOL_SOCKET', 9999, 1],
      ['getsockopt', 'a', 'SOL_SOCKET', 9999],
      ['setsockopt', 'a', 'IPPROTO_UDP', 9999, 1],
      ['getsockopt', 'a', 'IPPROTO_UDP', 9999],
    ],
    linux: ['fd', '-ENOPROTOOPT', '-ENOPROTOOPT', '-ENOPROTOOPT', '-ENOPROTOOPT'],
  },
  {
    // do_ip_setsockopt IP_TTL: -1 means sysctl_ip_default_ttl; outside 1..255 -EINVAL.
    name: 'IP_TTL defaults to 64; 0 and 256 are EINVAL; -1 restores the default',
    steps: [
      udp('a'),
      ['getsockopt', 'a', 'IPPROTO_IP', 'IP_TTL'],
      ['setsockopt', 'a', 'IPPROTO_IP', 'IP_TTL', 0],
      ['setsockopt', 'a', 'IPPROTO_IP', 'IP_TTL', 256],
      ['setsockopt', 'a', 'IPPROTO_IP', 'IP_TTL', 7],
      ['getsockopt', 'a', 'IPPROTO_IP', 'IP_TTL'],
      ['setsockopt', 'a', 'IPPROTO_IP', 'IP_TTL', -1],
      ['getsockopt', 'a', 'IPPROTO_IP', 'IP_TTL'],
    ],
    linux: ['fd', 64, '-EINVAL', '-EINVAL', 0, 7, 0, 64],
  },
  {
    // sk_rcvbuf bounds the receive queue: __udp_enqueue_schedule_skb charges each skb's
    // truesize to sk_rmem_alloc and drops (UDP RcvbufErrors) a datagram arriving while
    // the queue is already over sk_rcvbuf. SO_RCVBUF 1 gives the minimum 2304, and two
    // 100-byte loopback datagrams fit: this pins Linux's truesize accounting, which
    // kstack reproduces rather than tolerating a different count.
    name: 'a full receive buffer (SO_RCVBUF 2304) drops further datagrams',
    steps: [
      udp('b'),
      ['setsockopt', 'b', 'SOL_SOCKET', 'SO_RCVBUF', 1],
      ['bind', 'b', LO, 0],
      ...bound('a'),
      ...Array.from({ length: 8 }, (): Step => ['sendto', 'a', 100, 0, LO, '$portof:b']),
      ['sleep', 10],
      ...Array.from({ length: 8 }, (): Step => ['recv', 'b', 200, 'MSG_DONTWAIT']),
    ],
    linux: ['fd', 0, 0, 'fd', 0, 100, 100, 100, 100, 100, 100, 100, 100, 0, 100, 100, '-EAGAIN', '-EAGAIN', '-EAGAIN', '-EAGAIN', '-EAGAIN', '-EAGAIN'],
  },

  // ---- fcntl / ioctl ----
  {
    // do_fcntl default: -EINVAL.
    name: 'fcntl with an unknown command: EINVAL',
    steps: [udp('a'), ['fcntl', 'a', 9999]],
    linux: ['fd', '-EINVAL'],
  },
  {
    // sock_do_ioctl: udp_ioctl answers -ENOIOCTLCMD and the request is not a socket
    // ioctl (is_socket_ioctl_cmd), so -ENOTTY.
    name: 'ioctl with an unknown request on a UDP socket: ENOTTY',
    steps: [udp('a'), ['ioctl', 'a', 0x1234]],
    linux: ['fd', '-ENOTTY'],
  },

  // ---- bad descriptors ----
  {
    // close_fd: the second close finds no file.
    name: 'close twice: EBADF',
    steps: [udp('a'), ['close', 'a'], ['close', 'a']],
    linux: ['fd', 0, '-EBADF'],
  },
  {
    // sockfd_lookup / fdget fail before any protocol code runs.
    name: 'getsockopt SO_RCVBUF on a closed fd: EBADF',
    steps: [udp('a'), ['close', 'a'], ['getsockopt', 'a', 'SOL_SOCKET', 'SO_RCVBUF']],
    linux: ['fd', 0, '-EBADF'],
  },
  {
    name: 'operations on fd 999: EBADF',
    steps: [
      ['badfd', 'x', 999],
      ['bind', 'x', LO, 0],
      ['connect', 'x', LO, 9],
      ['listen', 'x', 1],
      ['accept', 'x'],
      ['send', 'x', 'x', 0],
      ['sendto', 'x', 'x', 0, LO, 9],
      ['recv', 'x', 10, 'MSG_DONTWAIT'],
      ['recvfrom', 'x', 10, 'MSG_DONTWAIT'],
      ['getsockname', 'x'],
      ['getpeername', 'x'],
      ['setsockopt', 'x', 'SOL_SOCKET', 'SO_RCVBUF', 1000],
      ['getsockopt', 'x', 'SOL_SOCKET', 'SO_RCVBUF'],
      ['fcntl', 'x', 'F_GETFL'],
      ['ioctl', 'x', 'FIONREAD'],
      ['shutdown', 'x', 'SHUT_RDWR'],
      ['close', 'x'],
    ],
    linux: [0, '-EBADF', '-EBADF', '-EBADF', '-EBADF', '-EBADF', '-EBADF', '-EBADF', '-EBADF', '-EBADF', '-EBADF', '-EBADF', '-EBADF', '-EBADF', '-EBADF', '-EBADF', '-EBADF'],
  },
];

const onLinux = process.platform === 'linux';

describe.skipIf(!onLinux)('UDP and socket errnos: kstack vs Linux', () => {
  it('this machine: rmem_max/wmem_max are readable (the clamp cases compare in multiples of them)', () => {
    for (const f of ['rmem_max', 'wmem_max', 'rmem_default', 'wmem_default']) {
      expect(Number(readFileSync(`/proc/sys/net/core/${f}`, 'utf8').trim())).toBeGreaterThan(0);
    }
  });
  differentialTests(cases);
});
