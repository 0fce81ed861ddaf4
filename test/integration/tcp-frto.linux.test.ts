// F-RTO against this machine's Linux: a spurious timeout on loopback cannot be made
// without privileges (no netem), so what is compared is what a user reads — the
// net.ipv4.tcp_frto default from /proc (2: on) and the TcpExt names of /proc/net/netstat
// that kstack's host.counters() reports for it (TCPSpuriousRTOs, TCPLossUndo). The
// behaviour itself is pinned in tcp-frto.test.ts.
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

describe.skipIf(!onLinux)('F-RTO: kstack vs Linux', () => {
  it('net.ipv4.tcp_frto reads the same default as /proc/sys/net/ipv4/tcp_frto (2)', async () => {
    const linux = Number(readFileSync('/proc/sys/net/ipv4/tcp_frto', 'utf8').trim());
    expect(linux).toBe(2);
    const { net, a } = await pair();
    expect(a.sysctl('net.ipv4.tcp_frto')).toBe(linux);
    await expectNoLeaks(net);
  });

  it('TcpExt has TCPLossUndo and TCPSpuriousRTOs in both, in the same order', async () => {
    const linux = linuxTcpExtNames();
    const { net, a } = await pair();
    const ours = Object.keys(a.counters().TcpExt);
    for (const name of ['TCPLossUndo', 'TCPSpuriousRTOs']) {
      expect(linux).toContain(name);
      expect(ours).toContain(name);
    }
    expect(ours.indexOf('TCPSpuriousRTOs') - ours.indexOf('TCPLossUndo')).toBe(linux.indexOf('TCPSpuriousRTOs') - linux.indexOf('TCPLossUndo'));
    await expectNoLeaks(net);
  });
});
