// Generic stream-socket helpers. Linux: net/core/stream.c.
import { TCPF_FIN_WAIT1, TCPF_CLOSING, TCPF_LAST_ACK } from "../abi/tcp_states";
import { Sock } from "./sock";

/**
 * sk_stream_closing(): our FIN (and the data before it) is not acknowledged yet. A close()
 * with SO_LINGER {1, t > 0} sleeps while this holds (sk_stream_wait_close).
 */
export function sk_stream_closing(sk: Sock): bool {
  return ((1 << sk.sk_state) & (TCPF_FIN_WAIT1 | TCPF_CLOSING | TCPF_LAST_ACK)) != 0;
}

/**
 * The sleep of sk_stream_wait_close() in ms for a timeout of `lingertime` seconds
 * (0 = forever, as the host's task_block reads it). Linux stores l_linger * HZ and takes
 * anything from MAX_SCHEDULE_TIMEOUT / HZ on as "forever" (sock_setsockopt SO_LINGER);
 * kstack's timer wheel counts ms in a u32, so values past ~23 days sleep forever too.
 */
export function sk_linger_ms(lingertime: u32): u32 {
  return lingertime >= 2_000_000 ? 0 : lingertime * 1000;
}
