// Differential tests: epoll, poll and select on kstack against this machine's Linux
// kernel (python3 + libc's epoll_create1/epoll_ctl/epoll_wait/poll and select.select
// over loopback), in the step language of test/helpers/linux.ts. Errors in
// do_epoll_ctl's order, and the report sequences of level-triggered, edge-triggered and
// one-shot items on a TCP pair. epoll_wait results read 'data:0xevents'.
import { describe } from 'vitest';
import { type Step } from '../helpers/linux.js';
import { differentialTests, type PinnedCase } from '../helpers/differential.js';

const LO = '127.0.0.1';
const tcp = (n: string): Step => ['socket', n, 'AF_INET', 'SOCK_STREAM', 0];
const udp = (n: string): Step => ['socket', n, 'AF_INET', 'SOCK_DGRAM', 0];
const established = (): Step[] => [tcp('l'), ['bind', 'l', LO, 0], ['listen', 'l', 8], tcp('c'), ['connect', 'c', LO, '$portof:l'], ['accept', 'l', 's']];
const EST = ['fd', 0, 0, 'fd', 0, 'fd'];
const ADD = 'EPOLL_CTL_ADD';
const MOD = 'EPOLL_CTL_MOD';
const DEL = 'EPOLL_CTL_DEL';

const cases: PinnedCase[] = [
  {
    name: 'epoll_create1: a flag other than EPOLL_CLOEXEC is EINVAL; EPOLL_CLOEXEC sets FD_CLOEXEC',
    steps: [['epoll_create', 'e', 1], ['epoll_create', 'e', 'EPOLL_CLOEXEC'], ['fcntl', 'e', 'F_GETFD']],
    linux: ['-EINVAL', 'fd', 1],
  },
  {
    name: 'epoll_ctl: EEXIST on a second ADD, ENOENT on DEL/MOD of what is not there',
    steps: [['epoll_create', 'e', 0], udp('u'), ['epoll_ctl', 'e', DEL, 'u'], ['epoll_ctl', 'e', MOD, 'u', 'EPOLLIN'],
      ['epoll_ctl', 'e', ADD, 'u', 'EPOLLIN'], ['epoll_ctl', 'e', ADD, 'u', 'EPOLLOUT'], ['epoll_ctl', 'e', DEL, 'u'], ['epoll_ctl', 'e', DEL, 'u']],
    linux: ['fd', 'fd', '-ENOENT', '-ENOENT', 0, '-EEXIST', 0, '-ENOENT'],
  },
  {
    name: 'epoll_ctl: EBADF for a closed epfd or target, epfd looked up first',
    steps: [['epoll_create', 'e', 0], udp('u'), ['badfd', 'x', 900], ['epoll_ctl', 'x', ADD, 'u', 'EPOLLIN'],
      ['epoll_ctl', 'e', ADD, 'x', 'EPOLLIN'], ['epoll_ctl', 'x', 77, 'x', 'EPOLLIN']],
    linux: ['fd', 'fd', 0, '-EBADF', '-EBADF', '-EBADF'],
  },
  {
    name: 'epoll_ctl: EINVAL for epfd == fd, a socket as epfd, and a bad op',
    steps: [['epoll_create', 'e', 0], udp('u'), ['epoll_ctl', 'e', ADD, 'e', 'EPOLLIN'], ['epoll_ctl', 'u', ADD, 'e', 'EPOLLIN'],
      ['epoll_ctl', 'e', 0, 'u', 'EPOLLIN'], ['epoll_ctl', 'e', 4, 'u', 'EPOLLIN']],
    linux: ['fd', 'fd', '-EINVAL', '-EINVAL', '-EINVAL', '-EINVAL'],
  },
  {
    name: 'EPOLLEXCLUSIVE: EINVAL with ONESHOT, on an epoll target, and for any MOD',
    steps: [['epoll_create', 'e', 0], ['epoll_create', 'f', 0], udp('u'),
      ['epoll_ctl', 'e', ADD, 'u', 'EPOLLIN|EPOLLEXCLUSIVE|EPOLLONESHOT'], ['epoll_ctl', 'e', ADD, 'f', 'EPOLLIN|EPOLLEXCLUSIVE'],
      ['epoll_ctl', 'e', ADD, 'u', 'EPOLLIN|EPOLLEXCLUSIVE'], ['epoll_ctl', 'e', MOD, 'u', 'EPOLLIN'], ['epoll_ctl', 'e', MOD, 'u', 'EPOLLIN|EPOLLEXCLUSIVE']],
    linux: ['fd', 'fd', 'fd', '-EINVAL', '-EINVAL', 0, '-EINVAL', '-EINVAL'],
  },
  {
    name: 'ELOOP: a cycle of epoll files, and a sixth level of nesting',
    steps: [['epoll_create', 'a', 0], ['epoll_create', 'b', 0], ['epoll_create', 'c', 0], ['epoll_create', 'd', 0], ['epoll_create', 'e', 0], ['epoll_create', 'f', 0],
      ['epoll_ctl', 'a', ADD, 'b', 'EPOLLIN'], ['epoll_ctl', 'b', ADD, 'a', 'EPOLLIN'],
      ['epoll_ctl', 'b', ADD, 'c', 'EPOLLIN'], ['epoll_ctl', 'c', ADD, 'a', 'EPOLLIN'],
      ['epoll_ctl', 'c', ADD, 'd', 'EPOLLIN'], ['epoll_ctl', 'd', ADD, 'e', 'EPOLLIN'], ['epoll_ctl', 'e', ADD, 'f', 'EPOLLIN']],
    linux: ['fd', 'fd', 'fd', 'fd', 'fd', 'fd', 0, '-ELOOP', 0, '-ELOOP', 0, 0, '-ELOOP'],
  },
  {
    // Linux 6.18 checks the descriptor before maxevents.
    name: 'epoll_wait: EBADF for a bad fd even with maxevents 0, EINVAL for maxevents <= 0 or a socket',
    steps: [['epoll_create', 'e', 0], udp('u'), ['badfd', 'x', 900], ['epoll_wait', 'x', 0, 0], ['epoll_wait', 'x', 1, 0],
      ['epoll_wait', 'u', 1, 0], ['epoll_wait', 'u', 0, 0], ['epoll_wait', 'e', -1, 0], ['epoll_wait', 'e', 4, 0]],
    linux: ['fd', 'fd', 0, '-EBADF', '-EBADF', '-EINVAL', '-EINVAL', '-EINVAL', ''],
  },
  {
    name: 'LT on a TCP pair: reported until read, writable at once',
    steps: [...established(), ['epoll_create', 'e', 0], ['epoll_ctl', 'e', ADD, 's', 'EPOLLIN', 1], ['epoll_ctl', 'e', ADD, 'c', 'EPOLLOUT', 2],
      ['epoll_wait', 'e', 8, 0], ['send', 'c', 'hello', 0], ['sleep', 20], ['epoll_wait', 'e', 8, 0], ['recv', 's', 2, 0],
      ['epoll_wait', 'e', 8, 0], ['recv', 's', 10, 0], ['epoll_wait', 'e', 8, 0]],
    linux: [...EST, 'fd', 0, 0, '2:0x4', 5, 0, '2:0x4 1:0x1', 2, '2:0x4 1:0x1', 3, '2:0x4'],
  },
  {
    name: 'ET on a TCP pair: one report per arrival, a partial read is not reported again',
    steps: [...established(), ['epoll_create', 'e', 0], ['epoll_ctl', 'e', ADD, 's', 'EPOLLIN|EPOLLET|EPOLLRDHUP', 9],
      ['send', 'c', 'hello', 0], ['sleep', 20], ['epoll_wait', 'e', 8, 0], ['recv', 's', 2, 0], ['epoll_wait', 'e', 8, 30],
      ['send', 'c', '!', 0], ['sleep', 20], ['epoll_wait', 'e', 8, 0], ['epoll_wait', 'e', 8, 0],
      ['shutdown', 'c', 'SHUT_WR'], ['sleep', 20], ['epoll_wait', 'e', 8, 0]],
    linux: [...EST, 'fd', 0, 5, 0, '9:0x1', 2, '', 1, 0, '9:0x1', '', 0, 0, '9:0x2001'],
  },
  {
    name: 'EPOLLONESHOT on a TCP pair: one report, silence, MOD re-arms',
    steps: [...established(), ['epoll_create', 'e', 0], ['epoll_ctl', 'e', ADD, 's', 'EPOLLIN|EPOLLONESHOT', 3],
      ['send', 'c', 'a', 0], ['sleep', 20], ['epoll_wait', 'e', 8, 0], ['epoll_wait', 'e', 8, 0], ['send', 'c', 'b', 0], ['sleep', 20],
      ['epoll_wait', 'e', 8, 0], ['epoll_ctl', 'e', ADD, 's', 'EPOLLIN', 4], ['epoll_ctl', 'e', MOD, 's', 'EPOLLIN|EPOLLONESHOT', 4],
      ['epoll_wait', 'e', 8, 0], ['epoll_wait', 'e', 8, 0]],
    linux: [...EST, 'fd', 0, 1, 0, '3:0x1', '', 1, 0, '', '-EEXIST', 0, '4:0x1', ''],
  },
  {
    name: 'a reset connection: EPOLLERR|EPOLLHUP though not asked for, poll says the same',
    steps: [...established(), ['epoll_create', 'e', 0], ['epoll_ctl', 'e', ADD, 's', 0, 5], ['epoll_wait', 'e', 8, 0],
      ['setlinger', 'c', 1, 0], ['close', 'c'], ['sleep', 20], ['epoll_wait', 'e', 8, 0], ['poll', 's:0', 0]],
    linux: [...EST, 'fd', 0, '', 0, 0, 0, '5:0x18', '1 s=0x18'],
  },
  {
    name: 'poll: POLLNVAL for a closed fd; POLLIN and POLLOUT as asked',
    steps: [...established(), ['badfd', 'x', 900], ['send', 'c', 'x', 0], ['sleep', 20], ['poll', 'x:POLLIN,s:POLLIN|POLLOUT,c:POLLIN', 0]],
    linux: [...EST, 0, 1, 0, '2 x=0x20 s=0x5 c=0x0'],
  },
  {
    // tcp_poll: a socket in TCP_CLOSE is writable and hung up; a listener with an empty
    // accept queue is nothing. datagram_poll: shutdown() of an unconnected UDP socket says
    // ENOTCONN but still sets sk_shutdown ("hack to wake up other listeners"), so HUP.
    name: 'readiness of fresh sockets: TCP in CLOSE, an idle listener, a shut-down UDP socket',
    steps: [tcp('t'), tcp('l'), ['bind', 'l', LO, 0], ['listen', 'l', 4], udp('u'), ['epoll_create', 'e', 0],
      ['epoll_ctl', 'e', ADD, 't', 'EPOLLIN|EPOLLOUT|EPOLLRDHUP', 1], ['epoll_ctl', 'e', ADD, 'l', 'EPOLLIN|EPOLLOUT', 2],
      ['epoll_wait', 'e', 8, 0], ['poll', 't:POLLIN|POLLOUT,l:POLLIN|POLLOUT,u:POLLIN|POLLOUT|POLLRDHUP', 0],
      ['shutdown', 'u', 'SHUT_RDWR'], ['poll', 'u:POLLIN|POLLOUT|POLLRDHUP', 0]],
    linux: ['fd', 'fd', 0, 0, 'fd', 'fd', 0, 0, '1:0x14', '2 t=0x14 l=0x0 u=0x4', '-ENOTCONN', '1 u=0x2015'],
  },
  {
    name: 'select: EBADF for a closed fd in any set; readable, writable, and a pending connection',
    steps: [...established(), ['badfd', 'x', 900], ['select', '', '', 'x', 0], ['send', 'c', 'x', 0], tcp('d'), ['connect', 'd', LO, '$portof:l'],
      ['sleep', 20], ['select', 'l,s,c', 'c', 's', 0]],
    linux: [...EST, 0, '-EBADF', 1, 'fd', 0, 0, '3 r=l,s w=c x='],
  },
];

describe('epoll, poll, select vs this machine’s Linux', () => {
  differentialTests(cases);
});
