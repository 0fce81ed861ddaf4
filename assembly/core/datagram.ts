// datagram_poll() (Linux net/core/datagram.c): the poll mask of a datagram socket, shared
// by UDP and ping sockets (both use inet_dgram_ops' udp_poll, which is datagram_poll plus
// nothing kstack models).
import { EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDNORM, EPOLLWRNORM, EPOLLWRBAND, EPOLLRDHUP } from "../abi/epoll";
import { skb_queue_len } from "./skb_queue";
import { Sock, sock_writeable, RCV_SHUTDOWN, SEND_SHUTDOWN } from "./sock";

export function datagram_poll(sk: Sock): u32 {
  let mask: u32 = 0;
  if (sk.sk_err != 0) mask |= EPOLLERR;
  if ((sk.sk_shutdown & RCV_SHUTDOWN) != 0) mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
  if (sk.sk_shutdown == (RCV_SHUTDOWN | SEND_SHUTDOWN)) mask |= EPOLLHUP;
  if (skb_queue_len(sk.sk_receive_queue) != 0) mask |= EPOLLIN | EPOLLRDNORM;
  if (sock_writeable(sk)) mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
  return mask;
}
