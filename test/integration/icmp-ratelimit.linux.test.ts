// ICMP rate limiting against this machine's Linux. Loopback is all python3 can reach
// without privileges, and loopback is exactly what Linux exempts, so what is compared is:
// the four sysctls' defaults (/proc/sys/net/ipv4), the Icmp names of /proc/net/snmp that
// host.counters() reports, and the exemption itself (every send to a closed loopback port
// is refused, even with the global bucket shut in a namespace of its own). The limiting
// across a link is pinned in icmp-ratelimit.test.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Step } from '../helpers/linux.js';
import { differentialTests, type PinnedCase } from '../helpers/differential.js';
import { expectNoLeaks, pair } from '../helpers/machine.js';

const onLinux = process.platform === 'linux';
const NAMES = ['icmp_ratelimit', 'icmp_ratemask', 'icmp_msgs_per_sec', 'icmp_msgs_burst'] as const;

describe.skipIf(!onLinux)('ICMP rate limiting: kstack vs Linux', () => {
  it('the four sysctls read the same defaults as /proc/sys/net/ipv4 (1000, 6168, 1000, 50)', async () => {
    const linux = Object.fromEntries(NAMES.map((n) => [n, Number(readFileSync(`/proc/sys/net/ipv4/${n}`, 'utf8').trim())]));
    // Pinned: Linux 6.x (this machine: 6.18). Later kernels raise the global bucket.
    expect(linux).toEqual({ icmp_ratelimit: 1000, icmp_ratemask: 6168, icmp_msgs_per_sec: 1000, icmp_msgs_burst: 50 });
    const { net, a } = await pair();
    expect(Object.fromEntries(NAMES.map((n) => [n, a.sysctl(`net.ipv4.${n}`)]))).toEqual(linux);
    await expectNoLeaks(net);
  });

  it('Icmp has OutRateLimitGlobal and OutRateLimitHost in both, after OutErrors as in /proc/net/snmp', async () => {
    const header = readFileSync('/proc/net/snmp', 'utf8').split('\n').find((l) => l.startsWith('Icmp:'))!;
    const linux = header.split(/\s+/).slice(1);
    const { net, a } = await pair();
    const ours = Object.keys(a.counters().Icmp);
    const at = (names: string[]) => ['OutErrors', 'OutRateLimitGlobal', 'OutRateLimitHost'].map((n) => names.indexOf(n));
    expect(at(linux).every((i) => i >= 0)).toBe(true);
    expect(at(ours)).toEqual(at(linux));
    await expectNoLeaks(net);
  });

  // A connected UDP socket to a closed loopback port, N times: send, let the port
  // unreachable land, recv. icmp_send skips the global check for a datagram that came in
  // on loopback, and icmpv4_xrlim_allow never limits a route out through it.
  const N = 100;
  const refusedEachTime = (): { steps: Step[]; linux: (string | number)[] } => {
    const steps: Step[] = [
      ['socket', 'b', 'AF_INET', 'SOCK_DGRAM', 0],
      ['bind', 'b', '127.0.0.1', 0],
      ['close', 'b'],
      ['socket', 'a', 'AF_INET', 'SOCK_DGRAM', 0],
      ['connect', 'a', '127.0.0.1', '$portof:b'],
    ];
    const linux: (string | number)[] = ['fd', 0, 0, 'fd', 0];
    for (let i = 0; i < N; i++) {
      steps.push(['send', 'a', 'x', 0], ['sleep', 2], ['recv', 'a', 16, 'MSG_DONTWAIT']);
      linux.push(1, 0, '-ECONNREFUSED');
    }
    return { steps, linux };
  };
  const cases: PinnedCase[] = [
    { name: `loopback is exempt: ${N} sends to a closed port on 127.0.0.1, ${N} ECONNREFUSED`, ...refusedEachTime() },
    {
      // icmp_msgs_per_sec 0 would refuse every limited error (icmp_global_allow finds no
      // credit to add); loopback never asks it.
      name: `loopback is exempt from the global bucket: icmp_msgs_per_sec 0, still ${N} ECONNREFUSED`,
      sysctls: { 'net.ipv4.icmp_msgs_per_sec': 0, 'net.ipv4.icmp_msgs_burst': 0 },
      ...refusedEachTime(),
    },
  ];
  differentialTests(cases);
});
