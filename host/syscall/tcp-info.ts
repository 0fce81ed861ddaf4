// struct tcp_info as getsockopt(TCP_INFO) returns it (Linux 6.18, 280 bytes), decoded with
// Linux's tcpi_* names (include/uapi/linux/tcp.h). The layout is declared once, in
// assembly/abi/tcp_info.ts (TCPI_* offsets, mirrored in abi/constants.ts); the kernel writes
// it in assembly/tcp/tcp.ts tcp_get_info. The u64 members are written as f64 there, so they
// read here as plain numbers (exact below 2^53; ~0ULL, "no limit", reads as 2^64).
import {
  SIZEOF_TCP_INFO, TCPI_STATE, TCPI_CA_STATE, TCPI_RETRANSMITS, TCPI_PROBES, TCPI_BACKOFF, TCPI_OPTIONS,
  TCPI_SND_WSCALE, TCPI_DELIVERY_RATE_APP_LIMITED, TCPI_RTO, TCPI_ATO, TCPI_SND_MSS, TCPI_RCV_MSS,
  TCPI_UNACKED, TCPI_SACKED, TCPI_LOST, TCPI_RETRANS, TCPI_FACKETS, TCPI_LAST_DATA_SENT, TCPI_LAST_ACK_SENT,
  TCPI_LAST_DATA_RECV, TCPI_LAST_ACK_RECV, TCPI_PMTU, TCPI_RCV_SSTHRESH, TCPI_RTT, TCPI_RTTVAR,
  TCPI_SND_SSTHRESH, TCPI_SND_CWND, TCPI_ADVMSS, TCPI_REORDERING, TCPI_RCV_RTT, TCPI_RCV_SPACE,
  TCPI_TOTAL_RETRANS, TCPI_PACING_RATE, TCPI_MAX_PACING_RATE, TCPI_BYTES_ACKED, TCPI_BYTES_RECEIVED,
  TCPI_SEGS_OUT, TCPI_SEGS_IN, TCPI_NOTSENT_BYTES, TCPI_MIN_RTT, TCPI_DATA_SEGS_IN, TCPI_DATA_SEGS_OUT,
  TCPI_DELIVERY_RATE, TCPI_BUSY_TIME, TCPI_RWND_LIMITED, TCPI_SNDBUF_LIMITED, TCPI_DELIVERED,
  TCPI_DELIVERED_CE, TCPI_BYTES_SENT, TCPI_BYTES_RETRANS, TCPI_DSACK_DUPS, TCPI_REORD_SEEN,
  TCPI_RCV_OOOPACK, TCPI_SND_WND, TCPI_RCV_WND, TCPI_REHASH, TCPI_TOTAL_RTO, TCPI_TOTAL_RTO_RECOVERIES,
  TCPI_TOTAL_RTO_TIME, TCPI_RECEIVED_CE, TCPI_DELIVERED_E1_BYTES, TCPI_DELIVERED_E0_BYTES,
  TCPI_DELIVERED_CE_BYTES, TCPI_RECEIVED_E1_BYTES, TCPI_RECEIVED_E0_BYTES, TCPI_RECEIVED_CE_BYTES,
  TCPI_ACCECN_FAIL_MODE, TCPI_ACCECN_OPT_SEEN,
} from '../abi/constants.js';

export interface TcpInfo {
  tcpi_state: number; tcpi_ca_state: number; tcpi_retransmits: number; tcpi_probes: number;
  tcpi_backoff: number; tcpi_options: number; tcpi_snd_wscale: number; tcpi_rcv_wscale: number;
  tcpi_delivery_rate_app_limited: number; tcpi_fastopen_client_fail: number;
  tcpi_rto: number; tcpi_ato: number; tcpi_snd_mss: number; tcpi_rcv_mss: number;
  tcpi_unacked: number; tcpi_sacked: number; tcpi_lost: number; tcpi_retrans: number; tcpi_fackets: number;
  tcpi_last_data_sent: number; tcpi_last_ack_sent: number; tcpi_last_data_recv: number; tcpi_last_ack_recv: number;
  tcpi_pmtu: number; tcpi_rcv_ssthresh: number; tcpi_rtt: number; tcpi_rttvar: number;
  tcpi_snd_ssthresh: number; tcpi_snd_cwnd: number; tcpi_advmss: number; tcpi_reordering: number;
  tcpi_rcv_rtt: number; tcpi_rcv_space: number; tcpi_total_retrans: number;
  tcpi_pacing_rate: number; tcpi_max_pacing_rate: number;
  tcpi_bytes_acked: number; tcpi_bytes_received: number; tcpi_segs_out: number; tcpi_segs_in: number;
  tcpi_notsent_bytes: number; tcpi_min_rtt: number; tcpi_data_segs_in: number; tcpi_data_segs_out: number;
  tcpi_delivery_rate: number; tcpi_busy_time: number; tcpi_rwnd_limited: number; tcpi_sndbuf_limited: number;
  tcpi_delivered: number; tcpi_delivered_ce: number; tcpi_bytes_sent: number; tcpi_bytes_retrans: number;
  tcpi_dsack_dups: number; tcpi_reord_seen: number; tcpi_rcv_ooopack: number;
  tcpi_snd_wnd: number; tcpi_rcv_wnd: number; tcpi_rehash: number;
  tcpi_total_rto: number; tcpi_total_rto_recoveries: number; tcpi_total_rto_time: number;
  tcpi_received_ce: number; tcpi_delivered_e1_bytes: number; tcpi_delivered_e0_bytes: number;
  tcpi_delivered_ce_bytes: number; tcpi_received_e1_bytes: number; tcpi_received_e0_bytes: number;
  tcpi_received_ce_bytes: number; tcpi_accecn_fail_mode: number; tcpi_accecn_opt_seen: number;
}

export function decodeTcpInfo(mem: ArrayBuffer, at: number): TcpInfo {
  const dv = new DataView(mem, at, SIZEOF_TCP_INFO);
  const u8 = (o: number) => dv.getUint8(o);
  const u16 = (o: number) => dv.getUint16(o, true);
  const u32 = (o: number) => dv.getUint32(o, true);
  const f64 = (o: number) => dv.getFloat64(o, true);
  return {
    tcpi_state: u8(TCPI_STATE), tcpi_ca_state: u8(TCPI_CA_STATE), tcpi_retransmits: u8(TCPI_RETRANSMITS),
    tcpi_probes: u8(TCPI_PROBES), tcpi_backoff: u8(TCPI_BACKOFF), tcpi_options: u8(TCPI_OPTIONS),
    tcpi_snd_wscale: u8(TCPI_SND_WSCALE) & 15, tcpi_rcv_wscale: u8(TCPI_SND_WSCALE) >> 4,
    tcpi_delivery_rate_app_limited: u8(TCPI_DELIVERY_RATE_APP_LIMITED) & 1,
    tcpi_fastopen_client_fail: (u8(TCPI_DELIVERY_RATE_APP_LIMITED) >> 1) & 3,
    tcpi_rto: u32(TCPI_RTO), tcpi_ato: u32(TCPI_ATO), tcpi_snd_mss: u32(TCPI_SND_MSS), tcpi_rcv_mss: u32(TCPI_RCV_MSS),
    tcpi_unacked: u32(TCPI_UNACKED), tcpi_sacked: u32(TCPI_SACKED), tcpi_lost: u32(TCPI_LOST),
    tcpi_retrans: u32(TCPI_RETRANS), tcpi_fackets: u32(TCPI_FACKETS),
    tcpi_last_data_sent: u32(TCPI_LAST_DATA_SENT), tcpi_last_ack_sent: u32(TCPI_LAST_ACK_SENT),
    tcpi_last_data_recv: u32(TCPI_LAST_DATA_RECV), tcpi_last_ack_recv: u32(TCPI_LAST_ACK_RECV),
    tcpi_pmtu: u32(TCPI_PMTU), tcpi_rcv_ssthresh: u32(TCPI_RCV_SSTHRESH), tcpi_rtt: u32(TCPI_RTT),
    tcpi_rttvar: u32(TCPI_RTTVAR), tcpi_snd_ssthresh: u32(TCPI_SND_SSTHRESH), tcpi_snd_cwnd: u32(TCPI_SND_CWND),
    tcpi_advmss: u32(TCPI_ADVMSS), tcpi_reordering: u32(TCPI_REORDERING), tcpi_rcv_rtt: u32(TCPI_RCV_RTT),
    tcpi_rcv_space: u32(TCPI_RCV_SPACE), tcpi_total_retrans: u32(TCPI_TOTAL_RETRANS),
    tcpi_pacing_rate: f64(TCPI_PACING_RATE), tcpi_max_pacing_rate: f64(TCPI_MAX_PACING_RATE),
    tcpi_bytes_acked: f64(TCPI_BYTES_ACKED), tcpi_bytes_received: f64(TCPI_BYTES_RECEIVED),
    tcpi_segs_out: u32(TCPI_SEGS_OUT), tcpi_segs_in: u32(TCPI_SEGS_IN), tcpi_notsent_bytes: u32(TCPI_NOTSENT_BYTES),
    tcpi_min_rtt: u32(TCPI_MIN_RTT), tcpi_data_segs_in: u32(TCPI_DATA_SEGS_IN), tcpi_data_segs_out: u32(TCPI_DATA_SEGS_OUT),
    tcpi_delivery_rate: f64(TCPI_DELIVERY_RATE), tcpi_busy_time: f64(TCPI_BUSY_TIME),
    tcpi_rwnd_limited: f64(TCPI_RWND_LIMITED), tcpi_sndbuf_limited: f64(TCPI_SNDBUF_LIMITED),
    tcpi_delivered: u32(TCPI_DELIVERED), tcpi_delivered_ce: u32(TCPI_DELIVERED_CE),
    tcpi_bytes_sent: f64(TCPI_BYTES_SENT), tcpi_bytes_retrans: f64(TCPI_BYTES_RETRANS),
    tcpi_dsack_dups: u32(TCPI_DSACK_DUPS), tcpi_reord_seen: u32(TCPI_REORD_SEEN), tcpi_rcv_ooopack: u32(TCPI_RCV_OOOPACK),
    tcpi_snd_wnd: u32(TCPI_SND_WND), tcpi_rcv_wnd: u32(TCPI_RCV_WND), tcpi_rehash: u32(TCPI_REHASH),
    tcpi_total_rto: u16(TCPI_TOTAL_RTO), tcpi_total_rto_recoveries: u16(TCPI_TOTAL_RTO_RECOVERIES),
    tcpi_total_rto_time: u32(TCPI_TOTAL_RTO_TIME), tcpi_received_ce: u32(TCPI_RECEIVED_CE),
    tcpi_delivered_e1_bytes: u32(TCPI_DELIVERED_E1_BYTES), tcpi_delivered_e0_bytes: u32(TCPI_DELIVERED_E0_BYTES),
    tcpi_delivered_ce_bytes: u32(TCPI_DELIVERED_CE_BYTES), tcpi_received_e1_bytes: u32(TCPI_RECEIVED_E1_BYTES),
    tcpi_received_e0_bytes: u32(TCPI_RECEIVED_E0_BYTES), tcpi_received_ce_bytes: u32(TCPI_RECEIVED_CE_BYTES),
    tcpi_accecn_fail_mode: u16(TCPI_ACCECN_FAIL_MODE), tcpi_accecn_opt_seen: u16(TCPI_ACCECN_OPT_SEEN),
  };
}
