// getsockopt(TCP_INFO) against this machine's Linux (6.18): the same loopback scenarios run
// through python3's socket module and on one kstack host, and the members that do not
// depend on real time must agree — the struct's length (280), the ~0 markers of an
// unconnected socket, the zero counters of a clean connection (no ECN/AccECN on either
// side here), and the RTO statistics of a connect whose SYNs meet a full accept queue.
// RTTs, pacing rates and times in ms are real-time on Linux, so only their kind is
// compared (a sample taken or not; the RTO episode in whole seconds).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { constants as C } from '../../build/host/index.js';
import { expectNoLeaks, pair } from '../helpers/machine.js';
import { tcpInfo } from '../helpers/tcp.js';

const onLinux = process.platform === 'linux';
const U64_MAX = 2n ** 64n - 1n;

/** The members compared, as both sides report them. */
interface Facts {
  len: number; state: number; ca_state: number;
  pacing_unset: boolean; max_pacing_unset: boolean; min_rtt_unset: boolean;
  total_rto: number; total_rto_recoveries: number; total_rto_seconds: number; rehash: number;
  dsack_dups: number; reord_seen: number; delivered_ce: number; ecn: number[];
}

// Linux's side: raw struct tcp_info bytes, decoded at the offsets of include/uapi/linux/tcp.h.
const PY = String.raw`
import socket, struct, time, select, json
def facts(s):
    b = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 512)
    u16 = lambda o: struct.unpack_from('<H', b, o)[0]
    u32 = lambda o: struct.unpack_from('<I', b, o)[0]
    u64 = lambda o: struct.unpack_from('<Q', b, o)[0]
    return dict(len=len(b), state=b[0], ca_state=b[1], pacing_unset=u64(104) == 2**64 - 1,
        max_pacing_unset=u64(112) == 2**64 - 1, min_rtt_unset=u32(148) == 2**32 - 1,
        total_rto=u16(240), total_rto_recoveries=u16(242), total_rto_seconds=round(u32(244) / 1000),
        rehash=u32(236), dsack_dups=u32(216), reord_seen=u32(220), delivered_ce=u32(196),
        ecn=[u32(o) for o in range(248, 276, 4)] + [u16(276), u16(278)])
out = {}
u = socket.socket(); out['unconnected'] = facts(u); u.close()
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(0)
c1 = socket.socket(); c1.connect(l.getsockname())
out['client'] = facts(c1)
# The accept queue (backlog 0) holds c1: c2's SYNs are dropped until accept() at 1.5 s.
c2 = socket.socket(); c2.setblocking(False); c2.connect_ex(l.getsockname())
time.sleep(1.5)
a1, _ = l.accept(); out['server'] = facts(a1)
select.select([], [c2], [], 5)
out['syn_timeouts'] = facts(c2)
a2, _ = l.accept()
for s in (c1, c2, a1, a2, l): s.close()
print(json.dumps(out))
`;

function linuxFacts(): Record<string, Facts> {
  return JSON.parse(execFileSync('python3', ['-c', PY], { encoding: 'utf8', timeout: 30_000 }));
}

/** The same scenario on one kstack host's loopback. */
async function kstackFacts(): Promise<Record<string, Facts>> {
  const { net, a } = await pair();
  const out: Record<string, Facts> = {};
  const p = a.spawn(async (sys) => {
    const pid = await sys.getpid();
    const facts = async (fd: number): Promise<Facts> => {
      const len = a.kernel.x.sys_getsockopt(pid, fd, C.IPPROTO_TCP, C.TCP_INFO);
      const i = await tcpInfo(sys, fd);
      return {
        len, state: i.tcpi_state, ca_state: i.tcpi_ca_state,
        pacing_unset: BigInt(i.tcpi_pacing_rate) >= U64_MAX, max_pacing_unset: BigInt(i.tcpi_max_pacing_rate) >= U64_MAX,
        min_rtt_unset: i.tcpi_min_rtt === 0xffffffff,
        total_rto: i.tcpi_total_rto, total_rto_recoveries: i.tcpi_total_rto_recoveries,
        total_rto_seconds: Math.round(i.tcpi_total_rto_time / 1000), rehash: i.tcpi_rehash,
        dsack_dups: i.tcpi_dsack_dups, reord_seen: i.tcpi_reord_seen, delivered_ce: i.tcpi_delivered_ce,
        ecn: [i.tcpi_received_ce, i.tcpi_delivered_e1_bytes, i.tcpi_delivered_e0_bytes, i.tcpi_delivered_ce_bytes,
          i.tcpi_received_e1_bytes, i.tcpi_received_e0_bytes, i.tcpi_received_ce_bytes, i.tcpi_accecn_fail_mode, i.tcpi_accecn_opt_seen],
      };
    };
    const u = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    out.unconnected = await facts(u);
    await sys.close(u);
    const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    expect(await sys.bind(l, { addr: '127.0.0.1', port: 0 })).toBe(0);
    expect(await sys.listen(l, 0)).toBe(0);
    const addr = (await sys.getsockname(l)) as { addr: string; port: number };
    const c1 = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    expect(await sys.connect(c1, addr)).toBe(0);
    out.client = await facts(c1);
    const c2 = await sys.socket(C.AF_INET, C.SOCK_STREAM | C.SOCK_NONBLOCK, 0);
    expect(await sys.connect(c2, addr)).toBe(-C.EINPROGRESS);
    await sys.nanosleep(1500);
    const a1 = await sys.accept(l);
    out.server = await facts(a1);
    const ep = await sys.epoll_create1(0);
    await sys.epoll_ctl(ep, C.EPOLL_CTL_ADD, c2, { events: C.EPOLLOUT, data: 0 });
    await sys.epoll_wait(ep, 1, 5000);
    out.syn_timeouts = await facts(c2);
    const a2 = await sys.accept(l);
    for (const fd of [ep, c1, c2, a1, a2, l]) await sys.close(fd);
  });
  await net.run({ untilIdle: true });
  expect(await p.exited).toEqual({ code: 0 });
  await expectNoLeaks(net);
  return out;
}

describe.skipIf(!onLinux)('TCP_INFO: kstack vs Linux', () => {
  it('struct tcp_info is 280 bytes; unconnected, established and after SYN timeouts the time-independent members agree', async () => {
    const linux = linuxFacts();
    // Linux's answers, pinned: a change of this machine's kernel shows here first.
    const clean = { len: 280, state: 1, ca_state: 0, pacing_unset: false, max_pacing_unset: true, min_rtt_unset: false,
      total_rto: 0, total_rto_recoveries: 0, total_rto_seconds: 0, rehash: 0, dsack_dups: 0, reord_seen: 0, delivered_ce: 0, ecn: Array(9).fill(0) };
    expect(linux).toEqual({
      unconnected: { ...clean, state: 7, pacing_unset: true, min_rtt_unset: true },
      client: clean,
      server: clean,
      // Dropped SYN at 1 s, accepted one at 2 s: two timeouts (each rehashing the flow),
      // one episode of about a second.
      syn_timeouts: { ...clean, total_rto: 2, total_rto_recoveries: 1, total_rto_seconds: 1, rehash: 2 },
    });
    expect(await kstackFacts()).toEqual(linux);
  }, 60_000);
});
