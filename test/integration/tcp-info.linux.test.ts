// getsockopt(TCP_INFO) against this machine's Linux (6.18): the same loopback scenarios run
// through python3's socket module and on one kstack host, and the members that do not
// depend on real time must agree — the struct's length (280), the ~0 markers of an
// unconnected socket, the zero counters of a clean connection (no ECN/AccECN on either
// side here), the path MTU, and the RTO statistics, cwnd and timestamp-only RTT sample of
// a connect whose SYNs meet a full accept queue; a listener's few members (its queue in
// tcpi_unacked/tcpi_sacked); what connect(AF_UNSPEC) resets (tcp_disconnect) and where the
// next connect() starts; and what the handshake sets (advmss, rcv_space, the SYN in the
// byte and segment counts, delivery_rate_app_limited).
// RTTs, pacing rates and times in ms are real-time on Linux, so only their kind is
// compared (a sample taken or not; the RTO episode in whole seconds), except the RTT of
// the timed-out connect: a timestamp echo of the same millisecond, which is 1 ms.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { constants as C, type TcpInfo } from '../../build/host/index.js';
import { expectNoLeaks, pair } from '../helpers/machine.js';
import { hostTrace, segs, tcpInfo } from '../helpers/tcp.js';

const onLinux = process.platform === 'linux';
const U64_MAX = 2n ** 64n - 1n;

/** The members compared, as both sides report them. */
interface Facts {
  len: number; state: number; ca_state: number;
  pacing_unset: boolean; max_pacing_unset: boolean; min_rtt_unset: boolean;
  total_rto: number; total_rto_recoveries: number; total_rto_seconds: number; rehash: number;
  dsack_dups: number; reord_seen: number; delivered_ce: number; ecn: number[];
  pmtu: number; snd_cwnd: number; total_retrans: number;
  /** [tcpi_rtt, tcpi_rttvar], asked for where they do not depend on real time. */
  ts_rtt?: number[];
}

// Linux's side: raw struct tcp_info bytes, decoded at the offsets of include/uapi/linux/tcp.h.
const PY = String.raw`
import socket, struct, time, select, json
def facts(s, ts_rtt=False):
    b = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 512)
    u16 = lambda o: struct.unpack_from('<H', b, o)[0]
    u32 = lambda o: struct.unpack_from('<I', b, o)[0]
    u64 = lambda o: struct.unpack_from('<Q', b, o)[0]
    return dict(len=len(b), state=b[0], ca_state=b[1], pacing_unset=u64(104) == 2**64 - 1,
        max_pacing_unset=u64(112) == 2**64 - 1, min_rtt_unset=u32(148) == 2**32 - 1,
        total_rto=u16(240), total_rto_recoveries=u16(242), total_rto_seconds=round(u32(244) / 1000),
        rehash=u32(236), dsack_dups=u32(216), reord_seen=u32(220), delivered_ce=u32(196),
        ecn=[u32(o) for o in range(248, 276, 4)] + [u16(276), u16(278)],
        pmtu=u32(60), snd_cwnd=u32(80), total_retrans=u32(100), **({'ts_rtt': [u32(68), u32(72)]} if ts_rtt else {}))
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
out['syn_timeouts'] = facts(c2, True)
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
    const facts = async (fd: number, ts_rtt = false): Promise<Facts> => {
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
        pmtu: i.tcpi_pmtu, snd_cwnd: i.tcpi_snd_cwnd, total_retrans: i.tcpi_total_retrans,
        ...(ts_rtt ? { ts_rtt: [i.tcpi_rtt, i.tcpi_rttvar] } : {}),
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
    out.syn_timeouts = await facts(c2, true);
    const a2 = await sys.accept(l);
    for (const fd of [ep, c1, c2, a1, a2, l]) await sys.close(fd);
  });
  await net.run({ untilIdle: true });
  expect(await p.exited).toEqual({ code: 0 });
  await expectNoLeaks(net);
  return out;
}

// A listener (listen(5), two connections not accepted yet), and a connection reset by
// connect(AF_UNSPEC) after some data each way (TCP_MAXSEG 1000 set before connect): the
// members of struct tcp_info by name, decoded at include/uapi/linux/tcp.h's offsets.
const PY_MORE = String.raw`
import socket, struct, time, ctypes, json
libc = ctypes.CDLL(None, use_errno=True)
U8 = ['state', 'ca_state', 'retransmits', 'probes', 'backoff', 'options', 'wscale']
U32 = ['rto', 'ato', 'snd_mss', 'rcv_mss', 'unacked', 'sacked', 'lost', 'retrans', 'pmtu', 'rcv_ssthresh',
       'rtt', 'rttvar', 'snd_ssthresh', 'snd_cwnd', 'advmss', 'reordering', 'rcv_space', 'total_retrans']
OFF = dict(rto=8, ato=12, snd_mss=16, rcv_mss=20, unacked=24, sacked=28, lost=32, retrans=36, pmtu=60,
           rcv_ssthresh=64, rtt=68, rttvar=72, snd_ssthresh=76, snd_cwnd=80, advmss=84, reordering=88,
           rcv_space=96, total_retrans=100, segs_out=136, segs_in=140, notsent_bytes=144, min_rtt=148,
           data_segs_in=152, data_segs_out=156, delivered=192, dsack_dups=216, rcv_ooopack=224, snd_wnd=228)
def info(s):
    b = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 512)
    d = {n: b[i] for i, n in enumerate(U8)}
    d.update({n: struct.unpack_from('<I', b, o)[0] for n, o in OFF.items()})
    q = lambda o: struct.unpack_from('<Q', b, o)[0]
    d.update(pacing_unset=q(104) == 2**64 - 1, max_pacing_unset=q(112) == 2**64 - 1, bytes_acked=q(120),
             bytes_received=q(128), bytes_sent=q(200), bytes_retrans=q(208))
    return d
out = {}
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(5)
c1 = socket.socket(); c1.connect(l.getsockname())
c2 = socket.socket(); c2.connect(l.getsockname())
out['listener'] = info(l)
l2 = socket.socket(); l2.bind(('127.0.0.1', 0)); l2.listen(5)
c = socket.socket(); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 1000); c.connect(l2.getsockname())
a, _ = l2.accept()
c.send(b'x' * 3000); n = 0
while n < 3000: n += len(a.recv(5000))
a.send(b'y' * 100); c.recv(100); time.sleep(0.05)
out['before'] = info(c)
libc.connect(c.fileno(), ctypes.c_char_p(bytes(16)), 16)
out['disconnected'] = info(c)
out['maxseg'] = c.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG)
for s in (c1, c2, c, a, l, l2): s.close()
print(json.dumps(out))
`;

type Info = Record<string, number | boolean>;

/** The same members as kstack's TcpInfo names them. */
function infoOf(i: TcpInfo): Info {
  const d: Info = {
    state: i.tcpi_state, ca_state: i.tcpi_ca_state, retransmits: i.tcpi_retransmits, probes: i.tcpi_probes, backoff: i.tcpi_backoff,
    options: i.tcpi_options, wscale: i.tcpi_snd_wscale | (i.tcpi_rcv_wscale << 4),
    pacing_unset: BigInt(i.tcpi_pacing_rate) >= U64_MAX, max_pacing_unset: BigInt(i.tcpi_max_pacing_rate) >= U64_MAX,
    bytes_acked: i.tcpi_bytes_acked, bytes_received: i.tcpi_bytes_received, bytes_sent: i.tcpi_bytes_sent, bytes_retrans: i.tcpi_bytes_retrans,
  };
  for (const n of ['rto', 'ato', 'snd_mss', 'rcv_mss', 'unacked', 'sacked', 'lost', 'retrans', 'pmtu', 'rcv_ssthresh', 'rtt', 'rttvar',
    'snd_ssthresh', 'snd_cwnd', 'advmss', 'reordering', 'rcv_space', 'total_retrans', 'segs_out', 'segs_in', 'notsent_bytes',
    'min_rtt', 'data_segs_in', 'data_segs_out', 'delivered', 'dsack_dups', 'rcv_ooopack', 'snd_wnd']) {
    d[n] = (i as unknown as Record<string, number>)[`tcpi_${n}`]!;
  }
  return d;
}

/** The same scenario on one kstack host's loopback. */
async function kstackMore(): Promise<Record<string, Info | number>> {
  const { net, a } = await pair();
  const out: Record<string, Info | number> = {};
  const p = a.spawn(async (sys) => {
    const info = async (fd: number) => infoOf(await tcpInfo(sys, fd));
    const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    expect(await sys.bind(l, { addr: '127.0.0.1', port: 0 })).toBe(0);
    expect(await sys.listen(l, 5)).toBe(0);
    const addr = (await sys.getsockname(l)) as { addr: string; port: number };
    const fds: number[] = [];
    for (let k = 0; k < 2; k++) {
      fds.push(await sys.socket(C.AF_INET, C.SOCK_STREAM, 0));
      expect(await sys.connect(fds[k]!, addr)).toBe(0);
    }
    out.listener = await info(l);
    const l2 = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    expect(await sys.bind(l2, { addr: '127.0.0.1', port: 0 })).toBe(0);
    expect(await sys.listen(l2, 5)).toBe(0);
    const c = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    expect(await sys.setsockopt(c, C.IPPROTO_TCP, C.TCP_MAXSEG, 1000)).toBe(0);
    expect(await sys.connect(c, (await sys.getsockname(l2)) as { addr: string; port: number })).toBe(0);
    const s = await sys.accept(l2);
    expect(await sys.send(c, new Uint8Array(3000))).toBe(3000);
    const buf = new Uint8Array(5000);
    for (let n = 0; n < 3000;) n += await sys.recv(s, buf, 0);
    expect(await sys.send(s, new Uint8Array(100))).toBe(100);
    expect(await sys.recv(c, buf.subarray(0, 100), 0)).toBe(100);
    await sys.nanosleep(50);
    out.before = await info(c);
    // connect(2) with sa_family AF_UNSPEC (0): tcp_disconnect.
    expect(await sys.connect(c, { family: 0, addr: '0.0.0.0', port: 0 })).toBe(0);
    out.disconnected = await info(c);
    out.maxseg = (await sys.getsockopt(c, C.IPPROTO_TCP, C.TCP_MAXSEG)) as number;
    for (const fd of [...fds, c, s, l, l2]) await sys.close(fd);
  });
  await net.run({ untilIdle: true });
  expect(await p.exited).toEqual({ code: 0 });
  await expectNoLeaks(net);
  return out;
}

// The handshake and one small request/response (5 bytes each way), with and without
// TCP_MAXSEG 1000 on both ends: the members the handshake sets. Then the ISN a connect()
// after connect(AF_UNSPEC) starts from, read on Linux through TCP_REPAIR's TCP_QUEUE_SEQ
// (write_seq; root on this machine) and on kstack from the SYNs of the host's capture.
const PY_HANDSHAKE = String.raw`
import socket, struct, time, ctypes, json
libc = ctypes.CDLL(None, use_errno=True)
def info(s):
    b = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 512)
    u32 = lambda o: struct.unpack_from('<I', b, o)[0]
    q = lambda o: struct.unpack_from('<Q', b, o)[0]
    return dict(advmss=u32(84), rcv_space=u32(96), bytes_acked=q(120), bytes_received=q(128), segs_out=u32(136),
                segs_in=u32(140), data_segs_in=u32(152), data_segs_out=u32(156), delivered=u32(192), app_limited=b[7] & 1)
def write_seq(s):
    s.setsockopt(socket.IPPROTO_TCP, 19, 1)   # TCP_REPAIR on
    s.setsockopt(socket.IPPROTO_TCP, 20, 2)   # TCP_REPAIR_QUEUE = TCP_SEND_QUEUE
    v = struct.unpack('<I', s.getsockopt(socket.IPPROTO_TCP, 21, 4))[0]   # TCP_QUEUE_SEQ
    s.setsockopt(socket.IPPROTO_TCP, 19, -1)  # TCP_REPAIR_OFF_NO_WP
    return v
def unspec(s): return libc.connect(s.fileno(), ctypes.c_char_p(bytes(16)), 16)
out = {}
for maxseg in (0, 1000):
    k = str(maxseg)
    l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(5)
    c = socket.socket()
    if maxseg:
        l.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, maxseg); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, maxseg)
    out['unconnected' + k] = info(c)
    c.connect(l.getsockname()); a, _ = l.accept()
    out['client' + k] = info(c); out['child' + k] = info(a)
    c.send(b'hello'); a.recv(100); a.send(b'world'); c.recv(100); time.sleep(0.05)
    out['client_rr' + k] = info(c); out['child_rr' + k] = info(a)
    for s in (c, a, l): s.close()
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(5)
c = socket.socket(); c.connect(l.getsockname()); a, _ = l.accept()
isn1 = write_seq(c) - 1
c.send(b'x' * 3000); n = 0
while n < 3000: n += len(a.recv(5000))
time.sleep(0.05)
snd_wnd = struct.unpack_from('<I', c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 512), 228)[0]
unspec(c); c.connect(l.getsockname()); a2, _ = l.accept()
isn2 = write_seq(c) - 1
f = socket.socket(); unspec(f); f.connect(l.getsockname()); a3, _ = l.accept()
out['reconnect'] = dict(jump=(isn2 - (isn1 + 1 + 3000) - snd_wnd) % 2**32, fresh_isn=write_seq(f) - 1)
for s in (c, a, a2, f, a3, l): s.close()
print(json.dumps(out))
`;

/** The same scenario on one kstack host's loopback. */
async function kstackHandshake(): Promise<Record<string, Info>> {
  const { net, a } = await pair();
  const out: Record<string, Info> = {};
  const p = a.spawn(async (sys) => {
    const info = async (fd: number): Promise<Info> => {
      const i = await tcpInfo(sys, fd);
      return { advmss: i.tcpi_advmss, rcv_space: i.tcpi_rcv_space, bytes_acked: i.tcpi_bytes_acked, bytes_received: i.tcpi_bytes_received,
        segs_out: i.tcpi_segs_out, segs_in: i.tcpi_segs_in, data_segs_in: i.tcpi_data_segs_in, data_segs_out: i.tcpi_data_segs_out,
        delivered: i.tcpi_delivered, app_limited: i.tcpi_delivery_rate_app_limited };
    };
    const listenOn = async () => {
      const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      expect(await sys.bind(l, { addr: '127.0.0.1', port: 0 })).toBe(0);
      expect(await sys.listen(l, 5)).toBe(0);
      return { l, addr: (await sys.getsockname(l)) as { addr: string; port: number } };
    };
    const buf = new Uint8Array(5000);
    for (const maxseg of [0, 1000]) {
      const { l, addr } = await listenOn();
      const c = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      if (maxseg) {
        expect(await sys.setsockopt(l, C.IPPROTO_TCP, C.TCP_MAXSEG, maxseg)).toBe(0);
        expect(await sys.setsockopt(c, C.IPPROTO_TCP, C.TCP_MAXSEG, maxseg)).toBe(0);
      }
      out[`unconnected${maxseg}`] = await info(c);
      expect(await sys.connect(c, addr)).toBe(0);
      const s = await sys.accept(l);
      out[`client${maxseg}`] = await info(c);
      out[`child${maxseg}`] = await info(s);
      expect(await sys.send(c, 'hello')).toBe(5);
      expect(await sys.recv(s, buf, 0)).toBe(5);
      expect(await sys.send(s, 'world')).toBe(5);
      expect(await sys.recv(c, buf, 0)).toBe(5);
      await sys.nanosleep(50);
      out[`client_rr${maxseg}`] = await info(c);
      out[`child_rr${maxseg}`] = await info(s);
      for (const fd of [c, s, l]) await sys.close(fd);
    }
    const { l, addr } = await listenOn();
    const c = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    expect(await sys.connect(c, addr)).toBe(0);
    const s = await sys.accept(l);
    expect(await sys.send(c, new Uint8Array(3000))).toBe(3000);
    for (let n = 0; n < 3000;) n += await sys.recv(s, buf, 0);
    await sys.nanosleep(50);
    const snd_wnd = (await tcpInfo(sys, c)).tcpi_snd_wnd;
    const unspec = { family: 0, addr: '0.0.0.0', port: 0 };
    expect(await sys.connect(c, unspec)).toBe(0);
    expect(await sys.connect(c, addr)).toBe(0);
    const s2 = await sys.accept(l);
    const f = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    expect(await sys.connect(f, unspec)).toBe(0);
    expect(await sys.connect(f, addr)).toBe(0);
    const s3 = await sys.accept(l);
    // The SYNs in order: c's first connect, c's second, f's.
    const syns = segs(hostTrace(a)).filter((g) => g.flags === 'S' && g.dport === addr.port).map((g) => g.seq!);
    expect(syns).toHaveLength(3);
    out.reconnect = { jump: (syns[1]! - (syns[0]! + 1 + 3000) - snd_wnd) >>> 0, fresh_isn: syns[2]! };
    for (const fd of [c, s, s2, f, s3, l]) await sys.close(fd);
  });
  await net.run({ untilIdle: true });
  expect(await p.exited).toEqual({ code: 0 });
  await expectNoLeaks(net);
  return out;
}

describe.skipIf(!onLinux)('TCP_INFO: kstack vs Linux', () => {
  it('struct tcp_info is 280 bytes; unconnected, established and after SYN timeouts the time-independent members agree (tcpi_pmtu the loopback route\'s 65535; cwnd 1 and a 1 ms timestamp RTT after two SYN retransmissions)', async () => {
    const linux = linuxFacts();
    // Linux's answers, pinned: a change of this machine's kernel shows here first.
    const clean = { len: 280, state: 1, ca_state: 0, pacing_unset: false, max_pacing_unset: true, min_rtt_unset: false,
      total_rto: 0, total_rto_recoveries: 0, total_rto_seconds: 0, rehash: 0, dsack_dups: 0, reord_seen: 0, delivered_ce: 0, ecn: Array(9).fill(0),
      // dst_mtu() of the loopback route: lo's MTU 65536 capped at IP_MAX_MTU.
      pmtu: 65535, snd_cwnd: 10, total_retrans: 0 };
    expect(linux).toEqual({
      // No route yet: icsk_pmtu_cookie is 0; cwnd is tcp_init_sock's TCP_INIT_CWND.
      unconnected: { ...clean, state: 7, pacing_unset: true, min_rtt_unset: true, pmtu: 0 },
      client: clean,
      server: clean,
      // Dropped SYN at 1 s, accepted one at 2 s: two timeouts (each rehashing the flow),
      // one episode of about a second. Two retransmitted SYNs: tcp_init_transfer starts at
      // cwnd 1 (RFC 5681 §3.1; one alone is forgiven, RFC 6298's 1 s initial RTO). Karn:
      // no sample from the SYN's age; the SYN-ACK's echo of the last SYN's timestamp is
      // 0 ms old, counted as 1 ms (tcp_rtt_tsopt_us(tp, 1)): srtt 1000 µs, mdev 2000 µs.
      syn_timeouts: { ...clean, total_rto: 2, total_rto_recoveries: 1, total_rto_seconds: 1, rehash: 2, snd_cwnd: 1, total_retrans: 2, ts_rtt: [1000, 500] },
    });
    expect(await kstackFacts()).toEqual(linux);
  }, 60_000);

  it('a listener reports its accept queue in tcpi_unacked and its backlog in tcpi_sacked, and besides only cwnd, reordering and the pacing rates', async () => {
    const linux = JSON.parse(execFileSync('python3', ['-c', PY_MORE], { encoding: 'utf8', timeout: 30_000 })) as Record<string, Info>;
    const zero = Object.fromEntries(Object.keys(linux.listener!).map((k) => [k, 0]));
    // tcp_get_info(): "listeners aliased fields"; everything else stays memset 0.
    expect(linux.listener).toEqual({ ...zero, state: 10, unacked: 2, sacked: 5, snd_cwnd: 10, reordering: 3, pacing_unset: true, max_pacing_unset: true });
    expect((await kstackMore()).listener).toEqual(linux.listener);
  }, 60_000);

  // One run of each side serves the four cases below.
  let both: Promise<{ linux: Record<string, Info>; ks: Record<string, Info> }> | undefined;
  const handshake = () => (both ??= (async () => ({
    linux: JSON.parse(execFileSync('python3', ['-c', PY_HANDSHAKE], { encoding: 'utf8', timeout: 30_000 })) as Record<string, Info>,
    ks: await kstackHandshake(),
  }))());
  const SCENES = ['unconnected', 'client', 'child', 'client_rr', 'child_rr'].flatMap((n) => [`${n}0`, `${n}1000`]);
  /** The named members of every scene, as one side reports them. */
  const pick = (side: Record<string, Info>, keys: string[]) =>
    Object.fromEntries(SCENES.map((n) => [n, Object.fromEntries(keys.map((k) => [k, side[n]![k]]))]));

  it('after the handshake tcpi_advmss is less the timestamp option (65483 on loopback, 988 under TCP_MAXSEG 1000), and rcv_space is min(rcv_wnd, 10 of those)', async () => {
    const { linux, ks } = await handshake();
    // Linux's answers, pinned: tcp_rcv_synsent_state_process and tcp_rcv_state_process's
    // SYN_RECV case take TCPOLEN_TSTAMP_ALIGNED off advmss before tcp_init_transfer, whose
    // tcp_init_buffer_space sets rcv_space = min(rcv_wnd, TCP_INIT_CWND * advmss).
    const want = (advmss: number, client: number, child: number) => ({ unconnected: { advmss: 0, rcv_space: 0 },
      client: { advmss, rcv_space: client }, child: { advmss, rcv_space: child } });
    const w0 = want(65483, 65495, 65483);
    const w1 = want(988, 9880, 9880);
    expect(pick(linux, ['advmss', 'rcv_space'])).toEqual({
      unconnected0: w0.unconnected, client0: w0.client, child0: w0.child, client_rr0: w0.client, child_rr0: w0.child,
      unconnected1000: w1.unconnected, client1000: w1.client, child1000: w1.child, client_rr1000: w1.client, child_rr1000: w1.child,
    });
    expect(pick(ks, ['advmss', 'rcv_space'])).toEqual(pick(linux, ['advmss', 'rcv_space']));
  }, 60_000);

  it('the SYN counts: bytes_acked is 1 after connect (the SYN-ACK acks its sequence number) and a passive child\'s segs_in is 2 (the SYN and the final ACK)', async () => {
    const { linux, ks } = await handshake();
    const keys = ['bytes_acked', 'bytes_received', 'segs_out', 'segs_in', 'data_segs_in', 'data_segs_out', 'delivered'];
    const zero = Object.fromEntries(keys.map((k) => [k, 0]));
    // tcp_snd_una_update: bytes_acked is how far snd_una moved. The SYN-ACK went from the
    // request sock (child segs_out 0); tcp_create_openreq_child sets segs_in = 1.
    const counts = {
      unconnected: zero,
      client: { ...zero, bytes_acked: 1, segs_out: 2, segs_in: 1, delivered: 1 },
      child: { ...zero, segs_in: 2, delivered: 1 },
      client_rr: { bytes_acked: 6, bytes_received: 5, segs_out: 4, segs_in: 3, data_segs_in: 1, data_segs_out: 1, delivered: 2 },
      child_rr: { bytes_acked: 5, bytes_received: 5, segs_out: 2, segs_in: 4, data_segs_in: 1, data_segs_out: 1, delivered: 2 },
    };
    expect(pick(linux, keys)).toEqual(Object.fromEntries(SCENES.map((n) => [n, counts[n.replace(/\d+$/, '') as keyof typeof counts]])));
    expect(pick(ks, keys)).toEqual(pick(linux, keys));
  }, 60_000);

  it('tcpi_delivery_rate_app_limited is set before any rate sample and stays set after a small request/response (an app-limited sample)', async () => {
    const { linux, ks } = await handshake();
    // tcp_init_sock: rate_app_limited = 1 ("a bubble in the pipe until at least the first
    // ACK"); tcp_rate_gen keeps an app-limited sample's flag.
    expect(pick(linux, ['app_limited'])).toEqual(Object.fromEntries(SCENES.map((n) => [n, { app_limited: 1 }])));
    expect(pick(ks, ['app_limited'])).toEqual(pick(linux, ['app_limited']));
  }, 60_000);

  it('connect() after connect(AF_UNSPEC) starts from write_seq, max_window + 2 past the last connection (a fresh socket disconnected once: ISN 2)', async () => {
    const { linux, ks } = await handshake();
    // tcp_disconnect: write_seq += max_window + 2; tcp_v4_connect picks secure_tcp_seq()
    // only "if (!tp->write_seq)".
    expect(linux.reconnect).toEqual({ jump: 2, fresh_isn: 2 });
    expect(ks.reconnect).toEqual(linux.reconnect);
  }, 60_000);

  it('connect(AF_UNSPEC) resets what tcp_disconnect resets: the options, RTT/RTO, cwnd, delayed-ACK state, TCP_MAXSEG and the per-connection counters, and moves write_seq a window on', async () => {
    const linux = JSON.parse(execFileSync('python3', ['-c', PY_MORE], { encoding: 'utf8', timeout: 30_000 })) as Record<string, Info | number>;
    const ks = await kstackMore();
    // Reset (tcp_disconnect's list), as Linux shows it.
    const reset = {
      state: 7, ca_state: 0, retransmits: 0, probes: 0, backoff: 0, options: 0, wscale: 0,
      rto: 1_000_000, ato: 0, rcv_mss: 88, unacked: 0, sacked: 0, lost: 0, retrans: 0, rtt: 0, rttvar: 250_000,
      snd_ssthresh: 0x7fffffff, snd_cwnd: 10, total_retrans: 0, segs_out: 0, segs_in: 0, data_segs_in: 0, data_segs_out: 0,
      delivered: 0, dsack_dups: 0, rcv_ooopack: 0, bytes_acked: 0, bytes_received: 0, bytes_sent: 0, bytes_retrans: 0,
    };
    const pick = (i: Info) => Object.fromEntries(Object.keys(reset).map((k) => [k, i[k]]));
    // Kept: the path MTU, the MSS, min_rtt and the pacing rate of the connection just gone.
    const kept = (i: Info) => ({ pmtu: i.pmtu, snd_mss: i.snd_mss, min_rtt_set: i.min_rtt !== 0xffffffff, pacing_unset: i.pacing_unset });
    // write_seq += max_window + 2: tcpi_notsent_bytes (write_seq - snd_nxt) is the peer's
    // largest window (its last one here) + 2.
    const seqJump = (i: Info) => (i.notsent_bytes as number) - (i.snd_wnd as number);
    for (const side of [linux, ks]) {
      const before = side.before as Info;
      const after = side.disconnected as Info;
      expect(before).toMatchObject({ state: 1, options: 7, bytes_sent: 3000, bytes_received: 100, data_segs_out: 4, snd_mss: 988 });
      expect(pick(after)).toEqual(reset);
      expect(kept(after)).toEqual({ pmtu: 65535, snd_mss: 988, min_rtt_set: true, pacing_unset: false });
      expect(seqJump(after)).toBe(2);
      // rx_opt.user_mss is cleared too: TCP_MAXSEG reads mss_cache again, not the 1000 set.
      expect(side.maxseg).toBe(988);
    }
  }, 60_000);
});
