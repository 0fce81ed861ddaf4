// Differential test: TCP_CONGESTION on kstack against this machine's Linux (python3 over
// loopback; socket.TCP_CONGESTION = 13). This machine's default is bbr, kstack's cubic, so
// the cases set an algorithm before reading one. Linux: net/ipv4/tcp.c do_tcp_setsockopt
// (optlen < 1 → EINVAL), tcp_cong.c tcp_set_congestion_control (unknown → ENOENT; no
// module autoload for an unprivileged caller), inet_csk_clone_lock (the child keeps the
// listener's choice).
import { describe } from 'vitest';
import { differentialTests, type PinnedCase } from '../helpers/differential.js';
import type { Step } from '../helpers/linux.js';

const LO = '127.0.0.1';
const tcp = (n: string): Step => ['socket', n, 'AF_INET', 'SOCK_STREAM', 0];

const cases: PinnedCase[] = [
  {
    name: 'TCP_CONGESTION: reno and cubic round-trip; an unknown name is ENOENT and changes nothing; an empty one EINVAL',
    steps: [tcp('c'), ['setcc', 'c', 'reno'], ['getcc', 'c'], ['setcc', 'c', 'cubic'], ['getcc', 'c'], ['setcc', 'c', 'nosuchcc'], ['getcc', 'c'], ['setcc', 'c', ''], ['getcc', 'c']],
    linux: ['fd', 0, 'reno', 0, 'cubic', '-ENOENT', 'cubic', '-EINVAL', 'cubic'],
  },
  {
    // udp_setsockopt → ip_setsockopt: ENOPROTOOPT; udp_getsockopt → ip_getsockopt: EOPNOTSUPP.
    name: 'TCP_CONGESTION on a UDP socket: setsockopt ENOPROTOOPT, getsockopt EOPNOTSUPP',
    steps: [['socket', 'u', 'AF_INET', 'SOCK_DGRAM', 0], ['setcc', 'u', 'reno'], ['getcc', 'u']],
    linux: ['fd', '-ENOPROTOOPT', '-EOPNOTSUPP'],
  },
  {
    name: 'TCP_CONGESTION: an accepted socket keeps its listener\'s algorithm; a connected one can change it',
    steps: [tcp('l'), ['setcc', 'l', 'reno'], ['bind', 'l', LO, 0], ['listen', 'l', 1], tcp('c'), ['setcc', 'c', 'cubic'], ['connect', 'c', LO, '$portof:l'], ['accept', 'l', 's'], ['getcc', 's'], ['getcc', 'c'], ['setcc', 'c', 'reno'], ['getcc', 'c']],
    linux: ['fd', 0, 0, 0, 'fd', 0, 0, 'fd', 'reno', 'cubic', 0, 'reno'],
  },
];

const onLinux = process.platform === 'linux';

describe.skipIf(!onLinux)('TCP_CONGESTION: kstack vs Linux', () => {
  differentialTests(cases);
});
