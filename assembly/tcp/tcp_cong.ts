// Congestion control, Reno/NewReno for now (RFC 5681, RFC 6582); the pluggable
// tcp_congestion_ops interface and CUBIC arrive with the congestion milestone.
// Linux: net/ipv4/tcp_cong.c (tcp_reno_cong_avoid, tcp_reno_ssthresh, tcp_slow_start).
import { TcpSock } from "./tcp_sock";

/** tcp_slow_start(): cwnd grows by the segments acked, up to ssthresh; returns the rest. */
function tcp_slow_start(tp: TcpSock, acked: u32): u32 {
  let cwnd = tp.snd_cwnd + acked;
  if (cwnd > tp.snd_ssthresh) cwnd = tp.snd_ssthresh;
  const rest = acked - (cwnd - tp.snd_cwnd);
  tp.snd_cwnd = cwnd;
  return rest;
}

/** tcp_cong_avoid_ai(): one more segment per cwnd segments acked. */
function tcp_cong_avoid_ai(tp: TcpSock, w: u32, acked: u32): void {
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
}

/** tcp_reno_cong_avoid(): ABC-style growth per acked segment (RFC 3465 L=2 as Linux). */
export function tcp_reno_cong_avoid(tp: TcpSock, acked: u32): void {
  if (tp.snd_cwnd < tp.snd_ssthresh) {
    acked = tcp_slow_start(tp, acked);
    if (acked == 0) return;
  }
  tcp_cong_avoid_ai(tp, tp.snd_cwnd, acked);
}

/** tcp_reno_ssthresh(): half the window, at least 2. */
export function tcp_reno_ssthresh(tp: TcpSock): u32 {
  const h = tp.snd_cwnd >> 1;
  return h > 2 ? h : 2;
}
