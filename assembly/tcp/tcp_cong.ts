// Pluggable congestion control: struct tcp_congestion_ops, the registry of algorithms, the
// per-socket choice (TCP_CONGESTION, net.ipv4.tcp_congestion_control) and the Reno
// building blocks every algorithm shares. Linux: net/ipv4/tcp_cong.c, include/net/tcp.h.
// One file per algorithm registers itself at init: tcp_reno.ts, tcp_cubic.ts.
//
// Hooks are function-table indices (call_indirect), as Linux calls through the ops pointer.
// Each takes the tcp_sock address; 0 means "not provided".
//   ┌ init ┬ ssthresh ┬ cong_avoid ┬ set_state ┬ cwnd_event ┬ pkts_acked ┬ undo_cwnd ┬ next ┐
//   └ name[16] (NUL-padded, TCP_CA_NAME_MAX) ────────────────────────────────────────────────┘
import { EINVAL, ENOENT } from "../abi/errno";
import { TcpSock, inet_csk_ca, ICSK_CA_PRIV_SIZE } from "./tcp_sock";
import { tcp_pacing_ss_ratio, tcp_pacing_ca_ratio } from "./tcp_sysctl";

// @ts-ignore: decorator
@inline export const TCP_CA_NAME_MAX: u32 = 16;

// enum tcp_ca_event (include/net/tcp.h)
// @ts-ignore: decorator
@inline export const CA_EVENT_TX_START: u32 = 0;
// @ts-ignore: decorator
@inline export const CA_EVENT_CWND_RESTART: u32 = 1;
// @ts-ignore: decorator
@inline export const CA_EVENT_COMPLETE_CWR: u32 = 2;
// @ts-ignore: decorator
@inline export const CA_EVENT_LOSS: u32 = 3;

@final @unmanaged export class TcpCongestionOps {
  /** init(tp): void — a connection starts using the algorithm. */
  init: u32;
  /** ssthresh(tp): u32 — the slow-start threshold after a loss (required). */
  ssthresh: u32;
  /** cong_avoid(tp, ack, acked): void — grow cwnd on an ACK (required). */
  cong_avoid: u32;
  /** set_state(tp, new_state): void — before icsk_ca_state changes. */
  set_state: u32;
  /** cwnd_event(tp, ev): void — CA_EVENT_*. */
  cwnd_event: u32;
  /** pkts_acked(tp, acked, rtt_us): void — an ACK's sample (rtt_us < 0: none). */
  pkts_acked: u32;
  /** undo_cwnd(tp): u32 — cwnd when a reduction proves spurious (required). */
  undo_cwnd: u32;
  next: usize;
}
// @ts-ignore: decorator
@inline export const SIZEOF_TCP_CONG_OPS: usize = offsetof<TcpCongestionOps>() + TCP_CA_NAME_MAX;
// @ts-ignore: decorator
@inline export function tcp_ca_name(ops: TcpCongestionOps): usize { return changetype<usize>(ops) + offsetof<TcpCongestionOps>(); }

let tcp_cong_list: usize = 0;
let tcp_cong_tail: usize = 0;
/** The default for new sockets (net.ipv4.tcp_congestion_control). */
let tcp_ca_default: usize = 0;

/** tcp_register_congestion_control(): appends ops (named `name`) to the list. */
export function tcp_register_congestion_control(ops: TcpCongestionOps, name: string): void {
  const p = tcp_ca_name(ops);
  memory.fill(p, 0, TCP_CA_NAME_MAX);
  const n = name.length < <i32>TCP_CA_NAME_MAX - 1 ? name.length : <i32>TCP_CA_NAME_MAX - 1;
  for (let i = 0; i < n; i++) store<u8>(p + <usize>i, <u8>name.charCodeAt(i));
  ops.next = 0;
  if (tcp_cong_tail == 0) tcp_cong_list = changetype<usize>(ops);
  else changetype<TcpCongestionOps>(tcp_cong_tail).next = changetype<usize>(ops);
  tcp_cong_tail = changetype<usize>(ops);
  if (tcp_ca_default == 0) tcp_ca_default = changetype<usize>(ops);
}

/** The default before any sysctl: CONFIG_DEFAULT_TCP_CONG ("cubic" in Linux's defconfig). */
export function tcp_ca_set_default(ops: usize): void { tcp_ca_default = ops; }

/** tcp_ca_find(): the algorithm whose name is the `len` bytes at buf (up to a NUL), or 0. */
export function tcp_ca_find(buf: usize, len: u32): usize {
  let n: u32 = 0;
  while (n < len && load<u8>(buf + n) != 0) n++;
  if (n == 0 || n >= TCP_CA_NAME_MAX) return 0;
  for (let o = tcp_cong_list; o != 0; o = changetype<TcpCongestionOps>(o).next) {
    const name = tcp_ca_name(changetype<TcpCongestionOps>(o));
    let same = load<u8>(name + n) == 0;
    for (let i: u32 = 0; same && i < n; i++) same = load<u8>(name + i) == load<u8>(buf + i);
    if (same) return o;
  }
  return 0;
}

/** Writes the registered names, space-separated (tcp_get_available_congestion_control). */
export function tcp_get_available_congestion_control(out: usize): u32 {
  let w: u32 = 0;
  for (let o = tcp_cong_list; o != 0; o = changetype<TcpCongestionOps>(o).next) {
    if (w != 0) store<u8>(out + w++, 0x20);
    const name = tcp_ca_name(changetype<TcpCongestionOps>(o));
    for (let i: u32 = 0; load<u8>(name + i) != 0; i++) store<u8>(out + w++, load<u8>(name + i));
  }
  return w;
}

/** tcp_set_default_congestion_control(): by name; -ENOENT when no such algorithm. */
export function tcp_set_default_congestion_control(buf: usize, len: u32): i32 {
  const o = tcp_ca_find(buf, len);
  if (o == 0) return -ENOENT;
  tcp_ca_default = o;
  return 0;
}

/** Copies ops' name (no NUL) to out; returns its length. */
export function tcp_ca_name_copy(ops: TcpCongestionOps, out: usize): u32 {
  const name = tcp_ca_name(ops);
  let i: u32 = 0;
  for (; load<u8>(name + i) != 0; i++) store<u8>(out + i, load<u8>(name + i));
  return i;
}

// @ts-ignore: decorator
@inline export function ca_ops(tp: TcpSock): TcpCongestionOps { return changetype<TcpCongestionOps>(tp.ca_ops); }

/** tcp_assign_congestion_control(): a new socket takes the default. */
export function tcp_assign_congestion_control(tp: TcpSock): void {
  tp.ca_ops = tcp_ca_default;
}

/** tcp_init_congestion_control(): the connection is up; the algorithm starts clean. */
export function tcp_init_congestion_control(tp: TcpSock): void {
  memory.fill(inet_csk_ca(tp), 0, ICSK_CA_PRIV_SIZE);
  const ops = ca_ops(tp);
  if (ops.init != 0) call_indirect<void>(ops.init, changetype<usize>(tp));
  tp.ca_initialized = 1;
}

/**
 * tcp_set_congestion_control() for setsockopt(TCP_CONGESTION): -ENOENT for an unknown
 * name (no module to load here); on a live connection the new algorithm starts afresh
 * (tcp_reinit_congestion_control).
 */
export function tcp_set_congestion_control(tp: TcpSock, buf: usize, len: u32): i32 {
  if (len == 0) return -EINVAL;
  const o = tcp_ca_find(buf, len);
  if (o == 0) return -ENOENT;
  if (o == tp.ca_ops) return 0;
  tp.ca_ops = o;
  tp.ca_setsockopt = 1;
  if (tp.ca_initialized != 0) tcp_init_congestion_control(tp);
  return 0;
}

/**
 * tcp_set_ca_state(): the only writer of icsk_ca_state (Open, Disorder, CWR, Recovery,
 * Loss); the algorithm hears of the change first.
 */
export function tcp_set_ca_state(tp: TcpSock, state: u32): void {
  if (tp.ca_ops != 0) tcp_ca_set_state_hook(tp, state);
  tp.ca_state = state;
}

// ───── calls into the algorithm ─────

export function tcp_ca_ssthresh(tp: TcpSock): u32 { return call_indirect<u32>(ca_ops(tp).ssthresh, changetype<usize>(tp)); }
export function tcp_ca_undo_cwnd(tp: TcpSock): u32 { return call_indirect<u32>(ca_ops(tp).undo_cwnd, changetype<usize>(tp)); }
/** tcp_ca_event(). */
export function tcp_ca_event(tp: TcpSock, ev: u32): void {
  const f = ca_ops(tp).cwnd_event;
  if (f != 0) call_indirect<void>(f, changetype<usize>(tp), ev);
}
export function tcp_ca_pkts_acked(tp: TcpSock, acked: u32, rtt_us: i32): void {
  const f = ca_ops(tp).pkts_acked;
  if (f != 0) call_indirect<void>(f, changetype<usize>(tp), acked, rtt_us);
}
export function tcp_ca_set_state_hook(tp: TcpSock, state: u32): void {
  const f = ca_ops(tp).set_state;
  if (f != 0) call_indirect<void>(f, changetype<usize>(tp), state);
}
/** tcp_cong_avoid(): the algorithm grows cwnd; the cwnd was in use now. */
export function tcp_cong_avoid(tp: TcpSock, ack: u32, acked: u32, now: u32): void {
  call_indirect<void>(ca_ops(tp).cong_avoid, changetype<usize>(tp), ack, acked);
  tp.snd_cwnd_stamp = now;
}

// ───── the Reno building blocks (exported by tcp_cong.c for every algorithm) ─────

/** tcp_in_slow_start(). */
// @ts-ignore: decorator
@inline export function tcp_in_slow_start(tp: TcpSock): bool { return tp.snd_cwnd < tp.snd_ssthresh; }

/**
 * The rate tcp_update_pacing_rate() gives sk_pacing_rate (bytes/s): cwnd (or what is in
 * flight, if more) segments of mss per srtt, at 200% while cwnd is below half of ssthresh
 * (slow start well under way) and 120% after. Without an RTT sample it is not divided.
 * kstack: computed when asked (TCP_INFO, HyStart), not stored on every ACK.
 */
export function tcp_pacing_rate(tp: TcpSock): u64 {
  // srtt_us is scaled by 8, hence USEC_PER_SEC / 100 << 3 for a percentage per second.
  let rate = <u64>tp.mss_cache * ((1000000 / 100) << 3);
  rate *= <u64>(tp.snd_cwnd < (tp.snd_ssthresh >> 1) ? tcp_pacing_ss_ratio : tcp_pacing_ca_ratio);
  rate *= <u64>(tp.snd_cwnd > tp.packets_out ? tp.snd_cwnd : tp.packets_out);
  if (tp.srtt_us != 0) rate /= <u64>tp.srtt_us;
  return rate;
}

/**
 * tcp_is_cwnd_limited(): growth only when the window was used — fully in this flight
 * (is_cwnd_limited, set by tcp_cwnd_validate), or in slow start up to twice what was
 * in flight (RFC 7661's spirit, Linux's rule).
 */
export function tcp_is_cwnd_limited(tp: TcpSock): bool {
  if (tp.is_cwnd_limited != 0) return true;
  if (tcp_in_slow_start(tp)) return tp.snd_cwnd < 2 * tp.max_packets_out;
  return false;
}

/** tcp_slow_start(): cwnd += acked up to ssthresh (RFC 5681 §3.1, ABC L=∞ as Linux); returns the rest. */
export function tcp_slow_start(tp: TcpSock, acked: u32): u32 {
  let cwnd = tp.snd_cwnd + acked;
  if (cwnd > tp.snd_ssthresh) cwnd = tp.snd_ssthresh;
  acked -= cwnd - tp.snd_cwnd;
  tp.snd_cwnd = cwnd < tp.snd_cwnd_clamp ? cwnd : tp.snd_cwnd_clamp;
  return acked;
}

/** tcp_cong_avoid_ai(): one more segment per w segments acked (RFC 5681 §3.1 eq. 3, counted). */
export function tcp_cong_avoid_ai(tp: TcpSock, w: u32, acked: u32): void {
  // If credits accumulated at a higher w, apply them gently now.
  if (tp.snd_cwnd_cnt >= w) {
    tp.snd_cwnd_cnt = 0;
    tp.snd_cwnd++;
  }
  tp.snd_cwnd_cnt += acked;
  if (tp.snd_cwnd_cnt >= w) {
    const delta = tp.snd_cwnd_cnt / w;
    tp.snd_cwnd_cnt -= delta * w;
    tp.snd_cwnd += delta;
  }
  if (tp.snd_cwnd > tp.snd_cwnd_clamp) tp.snd_cwnd = tp.snd_cwnd_clamp;
}

/** tcp_reno_cong_avoid(): slow start, then one segment per RTT (RFC 5681). */
export function tcp_reno_cong_avoid(tpp: usize, ack: u32, acked: u32): void {
  const tp = changetype<TcpSock>(tpp);
  if (!tcp_is_cwnd_limited(tp)) return;
  if (tcp_in_slow_start(tp)) {
    acked = tcp_slow_start(tp, acked);
    if (acked == 0) return;
  }
  tcp_cong_avoid_ai(tp, tp.snd_cwnd, acked);
}

/** tcp_reno_ssthresh(): half the window, at least 2 (RFC 5681 §3.1 eq. 4 on cwnd). */
export function tcp_reno_ssthresh(tpp: usize): u32 {
  const h = changetype<TcpSock>(tpp).snd_cwnd >> 1;
  return h > 2 ? h : 2;
}

/** tcp_reno_undo_cwnd(): back to the window before the reduction. */
export function tcp_reno_undo_cwnd(tpp: usize): u32 {
  const tp = changetype<TcpSock>(tpp);
  return tp.snd_cwnd > tp.prior_cwnd ? tp.snd_cwnd : tp.prior_cwnd;
}
