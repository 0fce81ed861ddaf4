// net/ipv4/tcp_rate.c, simplified: the delivery-rate sample tcpi_delivery_rate reports, and
// whether it was application-limited (tcpi_delivery_rate_app_limited).
//
// Linux snapshots tp->delivered and a timestamp into every skb it sends (tcp_rate_skb_sent)
// and builds a sample per ACK from the newest skb acked. kstack takes one sample per round
// trip instead — the segments delivered since the round began, over its duration — and
// keeps one app-limited flag per round where Linux keeps tx.is_app_limited per skb, so the
// per-packet paths stay as they are.
import { after, before } from "../lib/seq";
import { jiffies } from "../kernel/clock";
import { TcpSock } from "./tcp_sock";
import { tcp_packets_in_flight } from "./tcp_output";

/**
 * tcp_rate_check_app_limited(), at the start of each sendmsg: less than a segment waits to
 * go, cwnd is not the limit and no lost segment waits for its retransmission, so whatever
 * is in flight now is a "bubble" the application left. app_limited marks where it ends (the
 * delivered count once it is acked; never 0), and the round now being sampled is flagged.
 * (Linux also requires its qdisc and NIC queues empty; kstack's devices queue nothing that
 * the socket still owns.)
 */
export function tcp_rate_check_app_limited(tp: TcpSock): void {
  const in_flight = tcp_packets_in_flight(tp);
  if (tp.write_seq - tp.snd_nxt < tp.mss_cache && in_flight < tp.snd_cwnd && tp.lost_out <= tp.retrans_out) {
    const mark = tp.delivered + in_flight;
    tp.app_limited = mark != 0 ? mark : 1;
    tp.rate_round_app_limited = 1;
  }
}

/**
 * tcp_rate_gen(), per ACK that acknowledged something with data in flight: the bubble is
 * gone once delivered passes its end; a round that ends makes a sample. As Linux, an
 * app-limited sample replaces the last one only when its rate is at least as high (the kept
 * sample is the latest non-app-limited one or the fastest app-limited one), and
 * tp->rate_app_limited says which kind it is (1 until the first: tcp_init_sock,
 * tcp_disconnect).
 */
export function tcp_rate_update(tp: TcpSock): void {
  if (tp.app_limited != 0 && after(tp.delivered, tp.app_limited)) tp.app_limited = 0;
  const now_us: u32 = jiffies * 1000;
  if (tp.rate_mark_us == 0 || !before(tp.snd_una, tp.rate_mark_seq)) {
    const interval = now_us - tp.rate_mark_us;
    if (tp.rate_mark_us != 0 && interval > 0 && tp.delivered != tp.rate_mark_delivered) {
      const delivered = tp.delivered - tp.rate_mark_delivered;
      const app_limited = tp.rate_round_app_limited;
      if (app_limited == 0 || <u64>delivered * <u64>tp.rate_interval_us >= <u64>tp.rate_delivered * <u64>interval) {
        tp.rate_delivered = delivered;
        tp.rate_interval_us = interval;
        tp.rate_app_limited = app_limited;
      }
    }
    tp.rate_mark_seq = tp.snd_nxt;
    tp.rate_mark_delivered = tp.delivered;
    tp.rate_mark_us = now_us == 0 ? 1 : now_us;
    // The next round is app-limited if it starts inside a bubble (tcp_rate_skb_sent's
    // tx.is_app_limited of the data sent from now on).
    tp.rate_round_app_limited = tp.app_limited != 0 ? 1 : 0;
  }
}
