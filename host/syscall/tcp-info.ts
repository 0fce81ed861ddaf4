// struct tcp_info as getsockopt(TCP_INFO) returns it, decoded with Linux's tcpi_* names
// (include/uapi/linux/tcp.h). The kernel writes the struct at the offsets of the real one
// (assembly/tcp/tcp.ts tcp_get_info); byte counters are written as f64 there.

export interface TcpInfo {
  tcpi_state: number; tcpi_ca_state: number; tcpi_retransmits: number; tcpi_probes: number;
  tcpi_backoff: number; tcpi_options: number; tcpi_snd_wscale: number; tcpi_rcv_wscale: number;
  tcpi_rto: number; tcpi_ato: number; tcpi_snd_mss: number; tcpi_rcv_mss: number;
  tcpi_unacked: number; tcpi_sacked: number; tcpi_lost: number; tcpi_retrans: number; tcpi_fackets: number;
  tcpi_last_data_sent: number; tcpi_last_ack_sent: number; tcpi_last_data_recv: number; tcpi_last_ack_recv: number;
  tcpi_pmtu: number; tcpi_rcv_ssthresh: number; tcpi_rtt: number; tcpi_rttvar: number;
  tcpi_snd_ssthresh: number; tcpi_snd_cwnd: number; tcpi_advmss: number; tcpi_reordering: number;
  tcpi_rcv_rtt: number; tcpi_rcv_space: number; tcpi_total_retrans: number;
  tcpi_bytes_acked: number; tcpi_bytes_received: number; tcpi_segs_out: number; tcpi_segs_in: number;
  tcpi_notsent_bytes: number; tcpi_data_segs_in: number; tcpi_data_segs_out: number;
  tcpi_delivered: number; tcpi_bytes_sent: number; tcpi_bytes_retrans: number;
  tcpi_snd_wnd: number; tcpi_rcv_wnd: number; tcpi_delivery_rate: number; tcpi_rcv_ooopack: number;
}

export function decodeTcpInfo(mem: ArrayBuffer, at: number): TcpInfo {
  const dv = new DataView(mem, at, 240);
  const u8 = (o: number) => dv.getUint8(o);
  const u32 = (o: number) => dv.getUint32(o, true);
  const f64 = (o: number) => dv.getFloat64(o, true);
  return {
    tcpi_state: u8(0), tcpi_ca_state: u8(1), tcpi_retransmits: u8(2), tcpi_probes: u8(3),
    tcpi_backoff: u8(4), tcpi_options: u8(5), tcpi_snd_wscale: u8(6) & 15, tcpi_rcv_wscale: u8(6) >> 4,
    tcpi_rto: u32(8), tcpi_ato: u32(12), tcpi_snd_mss: u32(16), tcpi_rcv_mss: u32(20),
    tcpi_unacked: u32(24), tcpi_sacked: u32(28), tcpi_lost: u32(32), tcpi_retrans: u32(36), tcpi_fackets: u32(40),
    tcpi_last_data_sent: u32(44), tcpi_last_ack_sent: u32(48), tcpi_last_data_recv: u32(52), tcpi_last_ack_recv: u32(56),
    tcpi_pmtu: u32(60), tcpi_rcv_ssthresh: u32(64), tcpi_rtt: u32(68), tcpi_rttvar: u32(72),
    tcpi_snd_ssthresh: u32(76), tcpi_snd_cwnd: u32(80), tcpi_advmss: u32(84), tcpi_reordering: u32(88),
    tcpi_rcv_rtt: u32(92), tcpi_rcv_space: u32(96), tcpi_total_retrans: u32(100),
    tcpi_bytes_acked: f64(120), tcpi_bytes_received: f64(128), tcpi_segs_out: u32(136), tcpi_segs_in: u32(140),
    tcpi_notsent_bytes: u32(144), tcpi_data_segs_in: u32(152), tcpi_data_segs_out: u32(156),
    tcpi_delivery_rate: f64(160), tcpi_delivered: u32(192), tcpi_bytes_sent: f64(200), tcpi_bytes_retrans: f64(208),
    tcpi_rcv_ooopack: u32(224), tcpi_snd_wnd: u32(228), tcpi_rcv_wnd: u32(232),
  };
}
