// CUBIC (RFC 9438) as Linux runs it: net/ipv4/tcp_cubic.c — beta 717/1024, C = 0.4 as
// bic_scale 41 (C·1024 ≈ 410 = cube_rtt_scale), time in 2^-10 s (BICTCP_HZ), fast
// convergence, TCP friendliness (the Reno-equivalent window, RFC 9438 §4.3), and HyStart
// (ACK-train and delay detection) ending slow start early. Linux's default algorithm.
//
// Per-connection state in icsk_ca_priv (struct bictcp, u32 each):
//   0 cnt │ 4 last_max_cwnd │ 8 last_cwnd │ 12 last_time │ 16 bic_origin_point │ 20 bic_K
//  24 delay_min (µs) │ 28 epoch_start │ 32 ack_cnt │ 36 tcp_cwnd │ 40 sample_cnt │ 44 found
//  48 round_start (µs) │ 52 end_seq │ 56 last_ack (µs) │ 60 curr_rtt (µs)
import { after } from "../lib/seq";
import { jiffies, ktime_ns } from "../kernel/clock";
import { SNMP_INC_STATS, SNMP_ADD_STATS, LINUX_MIB_TCPHYSTARTTRAINDETECT, LINUX_MIB_TCPHYSTARTTRAINCWND, LINUX_MIB_TCPHYSTARTDELAYDETECT, LINUX_MIB_TCPHYSTARTDELAYCWND } from "../kernel/mib";
import { TcpSock, inet_csk_ca } from "./tcp_sock";
import { TcpCongestionOps, tcp_register_congestion_control, tcp_reno_undo_cwnd, tcp_is_cwnd_limited, tcp_in_slow_start, tcp_slow_start, tcp_cong_avoid_ai, tcp_pacing_rate, SIZEOF_TCP_CONG_OPS, CA_EVENT_TX_START } from "./tcp_cong";

@final @unmanaged class Bictcp {
  cnt: u32;
  last_max_cwnd: u32;
  last_cwnd: u32;
  last_time: u32;
  bic_origin_point: u32;
  bic_K: u32;
  delay_min: u32;
  epoch_start: u32;
  ack_cnt: u32;
  tcp_cwnd: u32;
  sample_cnt: u32;
  found: u32;
  round_start: u32;
  end_seq: u32;
  last_ack: u32;
  curr_rtt: u32;
}
// @ts-ignore: decorator
@inline function ca_of(tp: TcpSock): Bictcp { return changetype<Bictcp>(inet_csk_ca(tp)); }

// Module parameters, Linux's defaults.
// @ts-ignore: decorator
@inline const BICTCP_BETA_SCALE: u32 = 1024;
// @ts-ignore: decorator
@inline const BICTCP_HZ: u32 = 10;
const fast_convergence = true;
const beta: u32 = 717; // = 0.7 · 1024 (RFC 9438 §4.6 β_cubic)
const bic_scale: u32 = 41;
const tcp_friendliness = true;
const hystart = true;
// @ts-ignore: decorator
@inline const HYSTART_ACK_TRAIN: u32 = 1;
// @ts-ignore: decorator
@inline const HYSTART_DELAY: u32 = 2;
const hystart_detect: u32 = HYSTART_ACK_TRAIN | HYSTART_DELAY;
const hystart_low_window: u32 = 16;
const hystart_ack_delta_us: u32 = 2000;
// @ts-ignore: decorator
@inline const HYSTART_MIN_SAMPLES: u32 = 8;
// @ts-ignore: decorator
@inline const HYSTART_DELAY_MIN: u32 = 4000;
// @ts-ignore: decorator
@inline const HYSTART_DELAY_MAX: u32 = 16000;
/** GSO_LEGACY_MAX_SIZE: sk_gso_max_size of an Ethernet device, for hystart_ack_delay. */
// @ts-ignore: decorator
@inline const GSO_MAX_SIZE: u64 = 65536;

// cubictcp_register(): the constants derived once.
/** beta_scale = 8·(1024 + 717) / 3 / (1024 − 717) = 15: the Reno-friendly window's slope. */
const beta_scale: u32 = 8 * (BICTCP_BETA_SCALE + beta) / 3 / (BICTCP_BETA_SCALE - beta);
/** cube_rtt_scale = bic_scale · 10 = 410 ≈ C (0.4) · 1024. */
const cube_rtt_scale: u64 = <u64>bic_scale * 10;
/** cube_factor = 2^(10 + 3·BICTCP_HZ) / cube_rtt_scale: K = cbrt(cube_factor · (Wmax − cwnd)). */
const cube_factor: u64 = (<u64>1 << (10 + 3 * BICTCP_HZ)) / cube_rtt_scale;

/** bictcp_clock_us(). */
// @ts-ignore: decorator
@inline function bictcp_clock_us(): u32 {
  // The µs clock modulo 2^32 (no f64→i64 conversion: wasm2js has none).
  const us = Math.floor(ktime_ns / 1000);
  return <u32>(us - Math.floor(us / 4294967296) * 4294967296);
}

/**
 * cubic_root(): floor(cbrt(a)). kstack: exact (an f64 estimate corrected in integers);
 * Linux uses a 64-entry table and one Newton step, within 0.2% of this.
 */
function cubic_root(a: u64): u32 {
  if (a == 0) return 0;
  let x = <u64><u32>Math.cbrt(<f64>a); // < 2^22 for any u64
  while (x > 0 && x * x * x > a) x--;
  while ((x + 1) * (x + 1) * (x + 1) <= a) x++;
  return <u32>x;
}

/** bictcp_reset(): a new epoch; the slow-start and delay state are kept. */
function bictcp_reset(ca: Bictcp): void {
  memory.fill(changetype<usize>(ca), 0, offsetof<Bictcp>("sample_cnt"));
  ca.found = 0;
}

/** bictcp_hystart_reset(): a new round of HyStart sampling starts at snd_nxt. */
function bictcp_hystart_reset(tp: TcpSock): void {
  const ca = ca_of(tp);
  ca.round_start = ca.last_ack = bictcp_clock_us();
  ca.end_seq = tp.snd_nxt;
  ca.curr_rtt = 0xffffffff;
  ca.sample_cnt = 0;
}

function cubictcp_init(tpp: usize): void {
  const tp = changetype<TcpSock>(tpp);
  bictcp_reset(ca_of(tp));
  if (hystart) bictcp_hystart_reset(tp);
}

/** cubictcp_cwnd_event(): after idle, the epoch moves on so cwnd does not leap (CA_EVENT_TX_START). */
function cubictcp_cwnd_event(tpp: usize, ev: u32): void {
  if (ev != CA_EVENT_TX_START) return;
  const tp = changetype<TcpSock>(tpp);
  const ca = ca_of(tp);
  const now = jiffies;
  const delta = <i32>(now - tp.lsndtime);
  // We were application limited (idle) for a while: shift epoch_start to keep cwnd growth
  // on the cubic curve.
  if (ca.epoch_start != 0 && delta > 0) {
    ca.epoch_start += <u32>delta;
    if (after(ca.epoch_start, now)) ca.epoch_start = now;
  }
}

/** bictcp_update(): the cubic target for the next RTT, as cnt (acks per cwnd increment). */
function bictcp_update(ca: Bictcp, cwnd: u32, acked: u32): void {
  ca.ack_cnt += acked; // count the number of ACKed packets
  const now = jiffies;
  if (!(ca.last_cwnd == cwnd && <i32>(now - ca.last_time) <= 1000 / 32)) {
    // The CUBIC function can update ca->cnt at most once per jiffy. On all cwnd reduction
    // events, ca->epoch_start is set to 0, which forces a recalculation of ca->cnt.
    if (!(ca.epoch_start != 0 && now == ca.last_time)) {
      ca.last_cwnd = cwnd;
      ca.last_time = now;
      if (ca.epoch_start == 0) {
        ca.epoch_start = now; // record beginning
        ca.ack_cnt = acked; // start counting
        ca.tcp_cwnd = cwnd; // sync with cubic
        if (ca.last_max_cwnd <= cwnd) {
          ca.bic_K = 0;
          ca.bic_origin_point = cwnd;
        } else {
          // K = cbrt((Wmax − cwnd) / C) in 2^-10 s (RFC 9438 eq. 2).
          ca.bic_K = cubic_root(cube_factor * <u64>(ca.last_max_cwnd - cwnd));
          ca.bic_origin_point = ca.last_max_cwnd;
        }
      }
      // cubic function: t is the time since the epoch plus one minimum RTT (the target is
      // where cwnd should be one RTT from now), in 2^-10 s.
      let t = <u64>(now - ca.epoch_start);
      t += <u64>((ca.delay_min + 999) / 1000); // usecs_to_jiffies()
      t = (t << BICTCP_HZ) / 1000;
      const K = <u64>ca.bic_K;
      const offs: u64 = t < K ? K - t : t - K; // |t − K|
      // C·|t − K|³ in segments: (cube_rtt_scale · offs³) >> (10 + 3·BICTCP_HZ)
      const delta = <u32>((cube_rtt_scale * offs * offs * offs) >> (10 + 3 * BICTCP_HZ));
      const bic_target = t < K ? ca.bic_origin_point - delta : ca.bic_origin_point + delta;
      // cubic function — calc bictcp_cnt
      if (bic_target > cwnd) ca.cnt = cwnd / (bic_target - cwnd);
      else ca.cnt = 100 * cwnd; // very small increment
      // The initial growth of the cubic function may be too conservative when the available
      // bandwidth is still unknown.
      if (ca.last_max_cwnd == 0 && ca.cnt > 20) ca.cnt = 20; // increase cwnd 5% per RTT
    }
    // TCP friendliness (RFC 9438 §4.3): the window Reno would have reached in this epoch.
    if (tcp_friendliness) {
      let d = (cwnd * beta_scale) >> 3;
      if (ca.ack_cnt > d && d != 0) {
        const n = ca.ack_cnt / d;
        ca.ack_cnt -= n * d;
        ca.tcp_cwnd += n;
      }
      if (ca.tcp_cwnd > cwnd) { // if bic is slower than tcp
        d = ca.tcp_cwnd - cwnd;
        const max_cnt = cwnd / d;
        if (ca.cnt > max_cnt) ca.cnt = max_cnt;
      }
    }
    // The maximum rate of cwnd increase CUBIC allows is 1 packet per 2 packets ACKed,
    // meaning cwnd grows at 1.5x per RTT.
    if (ca.cnt < 2) ca.cnt = 2;
  }
}

function cubictcp_cong_avoid(tpp: usize, ack: u32, acked: u32): void {
  const tp = changetype<TcpSock>(tpp);
  const ca = ca_of(tp);
  if (!tcp_is_cwnd_limited(tp)) return;
  if (tcp_in_slow_start(tp)) {
    acked = tcp_slow_start(tp, acked);
    if (acked == 0) return;
  }
  bictcp_update(ca, tp.snd_cwnd, acked);
  tcp_cong_avoid_ai(tp, ca.cnt, acked);
}

/** cubictcp_recalc_ssthresh(): Wmax, with fast convergence (RFC 9438 §4.7); cwnd · β. */
function cubictcp_recalc_ssthresh(tpp: usize): u32 {
  const tp = changetype<TcpSock>(tpp);
  const ca = ca_of(tp);
  ca.epoch_start = 0; // end of epoch
  // Wmax and fast convergence
  if (tp.snd_cwnd < ca.last_max_cwnd && fast_convergence) {
    ca.last_max_cwnd = <u32>((<u64>tp.snd_cwnd * (BICTCP_BETA_SCALE + beta)) / (2 * BICTCP_BETA_SCALE));
  } else {
    ca.last_max_cwnd = tp.snd_cwnd;
  }
  const s = <u32>((<u64>tp.snd_cwnd * beta) / BICTCP_BETA_SCALE);
  return s > 2 ? s : 2;
}

/** cubictcp_state(): an RTO starts everything over, HyStart included. */
function cubictcp_state(tpp: usize, new_state: u32): void {
  if (new_state == 4 /* TCP_CA_Loss */) {
    const tp = changetype<TcpSock>(tpp);
    bictcp_reset(ca_of(tp));
    bictcp_hystart_reset(tp);
  }
}

/**
 * hystart_ack_delay(): ACKs can be delayed by up to one GSO burst at the pacing rate
 * (Linux sets sk_pacing_rate for every flow: tcp_update_pacing_rate, 200% of cwnd/srtt in
 * slow start), at most 1 ms.
 */
function hystart_ack_delay(tp: TcpSock): u32 {
  const rate = tcp_pacing_rate(tp);
  if (rate == 0) return 0;
  const d = GSO_MAX_SIZE * 4 * 1000000 / rate;
  return d < 1000 ? <u32>d : 1000;
}

/** hystart_update(): leave slow start at the first sign of a full pipe (HyStart). */
function hystart_update(tp: TcpSock, delay: u32): void {
  const ca = ca_of(tp);
  if (after(tp.snd_una, ca.end_seq)) bictcp_hystart_reset(tp);
  if ((hystart_detect & HYSTART_ACK_TRAIN) != 0) {
    const now = bictcp_clock_us();
    // First detection parameter: ACK-train detection.
    if (<i32>(now - ca.last_ack) <= <i32>hystart_ack_delta_us) {
      ca.last_ack = now;
      let threshold = ca.delay_min + hystart_ack_delay(tp);
      // The ACK train is a round's worth past delay_min/2 (no pacing: sk_pacing_status
      // is SK_PACING_NONE without fq).
      threshold >>= 1;
      if (<i32>(now - ca.round_start) > <i32>threshold) {
        ca.found = 1;
        SNMP_INC_STATS(LINUX_MIB_TCPHYSTARTTRAINDETECT);
        SNMP_ADD_STATS(LINUX_MIB_TCPHYSTARTTRAINCWND, tp.snd_cwnd);
        tp.snd_ssthresh = tp.snd_cwnd;
      }
    }
  }
  if ((hystart_detect & HYSTART_DELAY) != 0) {
    // Obtain the minimum delay of more than sampling packets.
    if (ca.curr_rtt > delay) ca.curr_rtt = delay;
    if (ca.sample_cnt < HYSTART_MIN_SAMPLES) {
      ca.sample_cnt++;
    } else {
      let thresh = ca.delay_min >> 3; // HYSTART_DELAY_THRESH: clamp(delay_min/8, 4, 16 ms)
      if (thresh < HYSTART_DELAY_MIN) thresh = HYSTART_DELAY_MIN;
      if (thresh > HYSTART_DELAY_MAX) thresh = HYSTART_DELAY_MAX;
      if (ca.curr_rtt > ca.delay_min + thresh) {
        ca.found = 1;
        SNMP_INC_STATS(LINUX_MIB_TCPHYSTARTDELAYDETECT);
        SNMP_ADD_STATS(LINUX_MIB_TCPHYSTARTDELAYCWND, tp.snd_cwnd);
        tp.snd_ssthresh = tp.snd_cwnd;
      }
    }
  }
}

/** cubictcp_acked(): track the minimum delay and feed HyStart. */
function cubictcp_acked(tpp: usize, acked: u32, rtt_us: i32): void {
  const tp = changetype<TcpSock>(tpp);
  const ca = ca_of(tp);
  // Some calls are for duplicates without timestamps.
  if (rtt_us < 0) return;
  // Discard delay samples right after fast recovery.
  if (ca.epoch_start != 0 && <i32>(jiffies - ca.epoch_start) < 1000) return;
  const delay: u32 = rtt_us == 0 ? 1 : <u32>rtt_us;
  // First time call or link delay decreases.
  if (ca.delay_min == 0 || ca.delay_min > delay) ca.delay_min = delay;
  // HyStart triggers when cwnd is larger than some threshold.
  if (ca.found == 0 && tcp_in_slow_start(tp) && hystart && tp.snd_cwnd >= hystart_low_window) hystart_update(tp, delay);
}

const cubictcp: usize = memory.data(<i32>SIZEOF_TCP_CONG_OPS, 8);

export function tcp_cubic_register(): usize {
  const ops = changetype<TcpCongestionOps>(cubictcp);
  ops.init = cubictcp_init.index;
  ops.ssthresh = cubictcp_recalc_ssthresh.index;
  ops.cong_avoid = cubictcp_cong_avoid.index;
  ops.set_state = cubictcp_state.index;
  ops.undo_cwnd = tcp_reno_undo_cwnd.index;
  ops.cwnd_event = cubictcp_cwnd_event.index;
  ops.pkts_acked = cubictcp_acked.index;
  tcp_register_congestion_control(ops, "cubic");
  return cubictcp;
}
