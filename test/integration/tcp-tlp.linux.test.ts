// Tail loss probes against this machine's Linux: a tail loss on loopback cannot be made
// without privileges, so what is compared is the setting and the counters a user reads —
// net.ipv4.tcp_early_retrans from /proc (3: TLP on) and the TcpExt names of
// /proc/net/netstat that kstack's host.counters() reports (TCPLossProbes,
// TCPLossProbeRecovery). The probe itself is pinned in tcp-tlp.test.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks, pair } from '../helpers/machine.js';

const onLinux = process.platform === 'linux';

/** TcpExt field names of /proc/net/netstat (a header line, then a values line). */
function linuxTcpExtNames(): string[] {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const header = lines.find((l) => l.startsWith('TcpExt:'))!;
  return header.split(/\s+/).slice(1);
}

describe.skipIf(!onLinux)('tail loss probes: kstack vs Linux', () => {
  it('net.ipv4.tcp_early_retrans reads the same default as /proc/sys/net/ipv4/tcp_early_retrans (3)', async () => {
    const linux = Number(readFileSync('/proc/sys/net/ipv4/tcp_early_retrans', 'utf8').trim());
    expect(linux).toBe(3);
    const { net, a } = await pair();
    expect(a.sysctl('net.ipv4.tcp_early_retrans')).toBe(linux);
    await expectNoLeaks(net);
  });

  it('TcpExt has TCPLossProbes and TCPLossProbeRecovery in both, in the same order', async () => {
    const linux = linuxTcpExtNames();
    const { net, a } = await pair();
    const ours = Object.keys(a.counters().TcpExt);
    for (const name of ['TCPLossProbes', 'TCPLossProbeRecovery']) {
      expect(linux).toContain(name);
      expect(ours).toContain(name);
    }
    expect(ours.indexOf('TCPLossProbeRecovery') - ours.indexOf('TCPLossProbes')).toBe(linux.indexOf('TCPLossProbeRecovery') - linux.indexOf('TCPLossProbes'));
    await expectNoLeaks(net);
  });
});
