// Reno with NewReno's recovery (RFC 5681, RFC 6582): slow start, then one segment per
// round trip; half the window on loss. Linux: net/ipv4/tcp_cong.c (tcp_reno, the built-in
// fallback every kernel has). Recovery itself (NewReno partial ACKs, PRR) is the
// algorithm-independent part in tcp_input.ts.
import { TcpCongestionOps, tcp_register_congestion_control, tcp_reno_cong_avoid, tcp_reno_ssthresh, tcp_reno_undo_cwnd, SIZEOF_TCP_CONG_OPS } from "./tcp_cong";

const tcp_reno: usize = memory.data(<i32>SIZEOF_TCP_CONG_OPS, 8);

export function tcp_reno_register(): void {
  const ops = changetype<TcpCongestionOps>(tcp_reno);
  ops.ssthresh = tcp_reno_ssthresh.index;
  ops.cong_avoid = tcp_reno_cong_avoid.index;
  ops.undo_cwnd = tcp_reno_undo_cwnd.index;
  tcp_register_congestion_control(ops, "reno");
}
