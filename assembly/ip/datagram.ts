// Connecting a datagram socket (UDP, ping). Linux: net/ipv4/datagram.c
// (__ip4_datagram_connect), which ping_prot and udp_prot share.
import { EACCES, ENETUNREACH } from "../abi/errno";
import { TCP_ESTABLISHED } from "../abi/tcp_states";
import { prandom_u32 } from "../kernel/random";
import { Sock, SOCK_BROADCAST } from "../core/sock";
import { fib_lookup, fib_saddr } from "./route";
import { ipv4_is_lbcast } from "./iphdr";

/**
 * ip4_datagram_connect(): routes to daddr, takes the route's source address for an
 * unbound socket, and remembers the peer. A broadcast peer needs SO_BROADCAST (EACCES,
 * as Linux's RTCF_BROADCAST check, for ping sockets too).
 */
export function ip4_datagram_connect(skp: usize, daddr: u32, dport: u32): i32 {
  const sk = changetype<Sock>(skp);
  const rt = fib_lookup(daddr);
  if (rt === null) return -ENETUNREACH;
  if (ipv4_is_lbcast(daddr) && (sk.sk_flags & SOCK_BROADCAST) == 0) return -EACCES;
  const src = fib_saddr(rt, daddr);
  if (sk.inet_saddr == 0) sk.inet_saddr = src;
  if (sk.inet_rcv_saddr == 0) sk.inet_rcv_saddr = src;
  sk.inet_daddr = daddr;
  sk.inet_dport = dport;
  sk.sk_state = TCP_ESTABLISHED;
  sk.inet_id = prandom_u32() & 0xffff;
  return 0;
}
