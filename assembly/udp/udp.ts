// UDP (RFC 768) as Linux runs it. Linux: net/ipv4/udp.c (udp_sendmsg, udp_recvmsg,
// __udp4_lib_rcv, __udp4_lib_lookup, udp_lib_get_port, __udp4_lib_err) and
// net/ipv4/datagram.c (ip4_datagram_connect). Counters: /proc/net/snmp "Udp:".
import { EACCES, EADDRINUSE, EAGAIN, EDESTADDRREQ, EINVAL, EMSGSIZE, ENETUNREACH, ENOBUFS, ENOTCONN, EOPNOTSUPP, EPIPE } from "../abi/errno";
import { IPPROTO_UDP } from "../abi/in";
import { SIOCINQ, SIOCOUTQ } from "../abi/ioctl";
import { MSG_ERRQUEUE, MSG_OOB, MSG_PEEK, MSG_TRUNC } from "../abi/socket";
import { ENOIOCTLCMD } from "../abi/syscall";
import { TCP_CLOSE, TCP_ESTABLISHED } from "../abi/tcp_states";
import { csum_partial, csum_partial_copy_nocheck, csum_tcpudp_magic, csum_tcpudp_nofold, csum_fold, csum_add_be } from "../lib/checksum";
import { prandom_u32, prandom_u32_max } from "../kernel/random";
import { jhash_3words } from "../lib/jhash";
import { memcpy } from "../lib/string";
import { reuseport_alloc, reuseport_add_sock, reuseport_detach_sock, reuseport_select_sock } from "../core/sock_reuseport";
import { SNMP_INC_STATS, UDP_MIB_INDATAGRAMS, UDP_MIB_NOPORTS, UDP_MIB_INERRORS, UDP_MIB_OUTDATAGRAMS, UDP_MIB_RCVBUFERRORS, UDP_MIB_SNDBUFERRORS, UDP_MIB_INCSUMERRORS, IPSTATS_MIB_OUTNOROUTES } from "../kernel/mib";
import { SKB_DROP_REASON_NO_SOCKET, SKB_DROP_REASON_PKT_TOO_SMALL, SKB_DROP_REASON_UDP_CSUM, SKB_DROP_REASON_SOCKET_RCVBUFF } from "../kernel/drop_reason";
import { alloc_skb, consume_skb, kfree_skb_reason, SkBuff, skb_cb, skb_put, skb_push, skb_reserve, skb_trim, MAX_HEADER, PACKET_HOST, SKB_TRUESIZE } from "../core/skbuff";
import { skb_peek, skb_queue_tail, skb_unlink } from "../core/skb_queue";
import { datagram_poll } from "../core/datagram";
import { Sock, Proto, sk_data_ready, sk_error_report, sock_error, skb_set_owner_r, skb_set_owner_w, SEND_SHUTDOWN, RCV_SHUTDOWN, SOCK_BINDADDR_LOCK, SOCK_BINDPORT_LOCK, SOCK_BROADCAST } from "../core/sock";
import { register_proto } from "../core/proto_table";
import { inet_add_protocol } from "../ip/protocol";
import { ip_build_and_send_rt, IP_PMTUDISC_DO, IP_PMTUDISC_PROBE } from "../ip/ip_output";
import { fib_dev, fib_lookup, fib_saddr, RTN_LOCAL } from "../ip/route";
import { icmp_send, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH } from "../ip/icmp";
import { iph_daddr, iph_saddr, IPDEFTTL, ipv4_is_lbcast } from "../ip/iphdr";
import { ip4_datagram_connect } from "../ip/datagram";
import { udph_check_raw, udph_dest, udph_fill, udph_len, udph_source, UDPH_CHECK, UDPH_SIZE } from "./udphdr";
import { icmp_err_convert_errno, icmp_err_convert_fatal, ip_local_port_low, ip_local_port_high } from "../ip/inet_common";


// ───── the port table (udp_table): 256 chains keyed by port ─────
// @ts-ignore: decorator
@inline const UDP_HTABLE: u32 = 256;
const udp_hash: usize = memory.data(UDP_HTABLE * 4, 4);

// @ts-ignore: decorator
@inline function chain(port: u32): usize { return udp_hash + (<usize>(port & (UDP_HTABLE - 1)) << 2); }

/** udp_ehash_secret: keys the SO_REUSEPORT choice (udp_ehashfn). */
let udp_ehash_secret: u32 = 0;

/**
 * udp_reuseport_add_sock(): a SO_REUSEPORT socket joins the group of one bound to the
 * same address and port by the same uid, or starts one. Returns 0 or -ENOMEM.
 */
function udp_reuseport_add_sock(sk: Sock): i32 {
  let p = load<usize>(chain(sk.inet_num));
  while (p != 0) {
    const sk2 = changetype<Sock>(p);
    p = sk2.hash_next;
    if (sk2 !== sk && sk2.inet_num == sk.inet_num && sk2.sk_reuseport != 0 && sk2.sk_reuseport_cb != 0 &&
        sk2.sk_uid == sk.sk_uid && sk2.sk_bound_dev_if == sk.sk_bound_dev_if && sk2.inet_rcv_saddr == sk.inet_rcv_saddr) {
      return reuseport_add_sock(sk, sk2);
    }
  }
  reuseport_alloc(sk);
  return 0;
}

function udp_hash_add(sk: Sock): void {
  const c = chain(sk.inet_num);
  sk.hash_next = load<usize>(c);
  store<usize>(c, changetype<usize>(sk));
}

/** udp_lib_unhash(): forgets the port. */
export function udp_unhash(sk: Sock): void {
  if (sk.inet_num == 0) return;
  let p = chain(sk.inet_num);
  while (load<usize>(p) != 0) {
    if (load<usize>(p) == changetype<usize>(sk)) {
      store<usize>(p, sk.hash_next);
      break;
    }
    p = load<usize>(p); // &prev.hash_next is at offset 0 of the sock
  }
  sk.hash_next = 0;
  sk.inet_num = 0;
  sk.inet_sport = 0;
  reuseport_detach_sock(sk);
}

/** udp_lib_lport_inuse(): would binding sk to port conflict with a socket already there? */
function lport_inuse(sk: Sock, port: u32): bool {
  let p = load<usize>(chain(port));
  while (p != 0) {
    const sk2 = changetype<Sock>(p);
    if (sk2 !== sk && sk2.inet_num == port) {
      const reuse = sk2.sk_reuse != 0 && sk.sk_reuse != 0;
      const reuseport = sk2.sk_reuseport != 0 && sk.sk_reuseport != 0 && sk2.sk_uid == sk.sk_uid;
      const addr_overlap = sk2.inet_rcv_saddr == 0 || sk.inet_rcv_saddr == 0 || sk2.inet_rcv_saddr == sk.inet_rcv_saddr;
      const dev_overlap = sk2.sk_bound_dev_if == 0 || sk.sk_bound_dev_if == 0 || sk2.sk_bound_dev_if == sk.sk_bound_dev_if;
      if (!reuse && !reuseport && addr_overlap && dev_overlap) return true;
    }
    p = sk2.hash_next;
  }
  return false;
}

/** udp_lib_get_port(): port 0 picks a random free port in ip_local_port_range. */
function udp_get_port(skp: usize, snum: u32): i32 {
  const sk = changetype<Sock>(skp);
  if (snum == 0) {
    const low = ip_local_port_low;
    const high = ip_local_port_high;
    const remaining = high - low + 1;
    const first = low + prandom_u32_max(remaining);
    // An odd stride visits every port of the range once, in a seeded order.
    let stride = (prandom_u32() | 1) % remaining;
    if (stride == 0) stride = 1;
    let port = first;
    let found: u32 = 0;
    for (let i: u32 = 0; i < remaining; i++) {
      if (!lport_inuse(sk, port)) { found = port; break; }
      port = low + ((port - low + stride) % remaining);
    }
    if (found == 0) return -EADDRINUSE;
    snum = found;
  } else if (lport_inuse(sk, snum)) {
    return -EADDRINUSE;
  }
  sk.inet_num = snum;
  sk.inet_sport = snum;
  if (sk.sk_reuseport != 0 && udp_reuseport_add_sock(sk) != 0) {
    sk.inet_num = 0;
    sk.inet_sport = 0;
    return -EADDRINUSE;
  }
  udp_hash_add(sk);
  return 0;
}

/** __udp4_lib_lookup(): the best-scoring socket for a datagram (compute_score). */
function udp_lookup(saddr: u32, sport: u32, daddr: u32, dport: u32): Sock | null {
  let best: Sock | null = null;
  let best_score = -1;
  let p = load<usize>(chain(dport));
  while (p != 0) {
    const sk = changetype<Sock>(p);
    p = sk.hash_next;
    if (sk.inet_num != dport) continue;
    let score = 2;
    if (sk.inet_rcv_saddr != 0) {
      if (sk.inet_rcv_saddr != daddr) continue;
      score += 4;
    }
    if (sk.inet_daddr != 0) {
      if (sk.inet_daddr != saddr) continue;
      score += 4;
    }
    if (sk.inet_dport != 0) {
      if (sk.inet_dport != sport) continue;
      score += 4;
    }
    if (score > best_score) {
      best = sk;
      best_score = score;
      // udp4_lib_lookup2: an unconnected member of a SO_REUSEPORT group hands over to
      // the group's choice by udp_ehashfn. kstack: Linux goes on scoring when the group
      // has connected members (reuseport_has_conns); here the choice stands.
      if (sk.sk_state != <u32>TCP_ESTABLISHED && sk.sk_reuseport_cb != 0) {
        const sel = reuseport_select_sock(sk, jhash_3words(daddr, saddr, (dport << 16) | sport, udp_ehash_secret));
        if (sel !== null) return sel;
      }
    }
  }
  return best;
}

// The skb's cb while queued: the datagram's source (for recvfrom) and payload length.
// @ts-ignore: decorator
@inline function cb_saddr(skb: SkBuff): u32 { return load<u32>(skb_cb(skb)); }
// @ts-ignore: decorator
@inline function cb_sport(skb: SkBuff): u32 { return load<u32>(skb_cb(skb), 4); }

/** __udp4_lib_rcv(): the IPPROTO_UDP handler; skb.data at the UDP header. */
function udp_rcv(skbp: usize): void {
  const skb = changetype<SkBuff>(skbp);
  if (skb.len < UDPH_SIZE) {
    SNMP_INC_STATS(UDP_MIB_INERRORS);
    kfree_skb_reason(skb, SKB_DROP_REASON_PKT_TOO_SMALL);
    return;
  }
  const uh = skb.data;
  const ulen = udph_len(uh);
  if (ulen < UDPH_SIZE || ulen > skb.len) {
    SNMP_INC_STATS(UDP_MIB_INERRORS);
    kfree_skb_reason(skb, SKB_DROP_REASON_PKT_TOO_SMALL);
    return;
  }
  skb_trim(skb, ulen);
  const iph = skb.network_header;
  const saddr = iph_saddr(iph);
  const daddr = iph_daddr(iph);
  // A zero checksum means "none" (RFC 768); anything else must verify.
  if (udph_check_raw(uh) != 0 && csum_fold(csum_tcpudp_nofold(saddr, daddr, ulen, IPPROTO_UDP, csum_partial(uh, <i32>ulen, 0))) != 0) {
    SNMP_INC_STATS(UDP_MIB_INCSUMERRORS);
    SNMP_INC_STATS(UDP_MIB_INERRORS);
    kfree_skb_reason(skb, SKB_DROP_REASON_UDP_CSUM);
    return;
  }
  const sport = udph_source(uh);
  const dport = udph_dest(uh);
  const sk = udp_lookup(saddr, sport, daddr, dport);
  if (sk === null) {
    SNMP_INC_STATS(UDP_MIB_NOPORTS);
    // No port unreachable for broadcast/multicast (RFC 1122 §4.1.3.1).
    if (skb.pkt_type == PACKET_HOST && !ipv4_is_lbcast(daddr)) icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
    kfree_skb_reason(skb, SKB_DROP_REASON_NO_SOCKET);
    return;
  }
  // __udp_enqueue_schedule_skb() (Linux 6.x): a datagram fits if the queue stays within
  // rcvbuf after it, and an empty queue takes one datagram whatever its size.
  const ts = udp_truesize(ulen - UDPH_SIZE);
  if ((sk.sk_rmem_alloc != 0 && sk.sk_rmem_alloc + <i32>ts > sk.sk_rcvbuf) || (sk.sk_shutdown & RCV_SHUTDOWN) != 0) {
    SNMP_INC_STATS(UDP_MIB_RCVBUFERRORS);
    SNMP_INC_STATS(UDP_MIB_INERRORS);
    sk.sk_drops++;
    kfree_skb_reason(skb, SKB_DROP_REASON_SOCKET_RCVBUFF);
    return;
  }
  store<u32>(skb_cb(skb), saddr);
  store<u32>(skb_cb(skb), sport, 4);
  skb.truesize = ts;
  skb_set_owner_r(skb, sk);
  skb_queue_tail(sk.sk_receive_queue, skb);
  sk_data_ready(sk);
}

/**
 * The truesize Linux 6.x charges for a datagram of n payload bytes (measured on this
 * machine's kernel with SO_MEMINFO, and matching every size 0..65507). __ip_append_data
 * asks sock_alloc_send_skb for 28 (IP+UDP) + n + 16 (LL_RESERVED_SPACE) + 15 bytes;
 * kmalloc_reserve rounds that, plus the 320-byte skb_shared_info, up to the 576-byte
 * skbuff_small_head cache or a power-of-two kmalloc bucket; truesize is that bucket plus
 * the 256-byte sk_buff. From 16005 bytes on (SKB_MAX_ALLOC, with scatter-gather) the
 * payload goes to page fragments instead, each byte counted once: 576 + 256 + n.
 */
export function udp_truesize(n: u32): u32 {
  if (n + 28 + 31 < 16064) {
    const obj = ((n + 59 + 63) & ~63) + 320;
    let bucket: u32 = 576;
    if (obj > 576) {
      bucket = 1024;
      while (bucket < obj) bucket <<= 1;
    }
    return bucket + 256;
  }
  return 832 + n;
}

/** udp_sendmsg(). `buf` is kernel memory (the syscall arena). */
export function udp_sendmsg(skp: usize, buf: usize, len: u32, flags: u32, daddr: u32, dport: u32, has_addr: u32): i32 {
  const sk = changetype<Sock>(skp);
  if (len > 0xffff) return -EMSGSIZE;
  if ((flags & MSG_OOB) != 0) return -EOPNOTSUPP;
  if (has_addr != 0) {
    if (dport == 0) return -EINVAL;
  } else {
    if (sk.sk_state != TCP_ESTABLISHED) return -EDESTADDRREQ;
    daddr = sk.inet_daddr;
    dport = sk.inet_dport;
  }
  // ip_append_data(): the datagram must fit in one IPv4 packet.
  if (len > 0xffff - 20 - UDPH_SIZE) return -EMSGSIZE;
  const rt = fib_lookup(daddr);
  if (rt === null) {
    SNMP_INC_STATS(IPSTATS_MIB_OUTNOROUTES);
    return -ENETUNREACH;
  }
  let saddr = sk.inet_saddr;
  if (saddr == 0) saddr = fib_saddr(rt, daddr);
  // __ip_append_data(): with IP_PMTUDISC_DO/PROBE a datagram over the path MTU is refused
  // before anything is built (EMSGSIZE; FragFails stays untouched).
  if (sk.pmtudisc == IP_PMTUDISC_DO || sk.pmtudisc == IP_PMTUDISC_PROBE) {
    const odev = fib_dev(rt);
    if (odev !== null && len + 28 > odev.mtu) return -EMSGSIZE;
  }
  if (ipv4_is_lbcast(daddr) && (sk.sk_flags & SOCK_BROADCAST) == 0) return -EACCES;
  // sock_alloc_send_skb(): a pending error first, then shutdown, then buffer space.
  const err = sock_error(sk);
  if (err != 0) return err;
  if ((sk.sk_shutdown & SEND_SHUTDOWN) != 0) return -EPIPE;
  if (sk.sk_wmem_alloc >= sk.sk_sndbuf) return -EAGAIN;
  const skb = alloc_skb(MAX_HEADER + UDPH_SIZE + len);
  if (skb === null) {
    SNMP_INC_STATS(UDP_MIB_SNDBUFERRORS);
    return -ENOBUFS;
  }
  skb_reserve(skb, MAX_HEADER + UDPH_SIZE);
  // ip_generic_getfrag(): no checksum offload, so the payload is summed as it is copied.
  const psum = csum_partial_copy_nocheck(buf, skb_put(skb, len), <i32>len, 0);
  const uh = skb_push(skb, UDPH_SIZE);
  udph_fill(uh, sk.inet_sport, dport, len + UDPH_SIZE);
  // udp_csum(): the header added to the payload's sum (csum_partial over the 8 bytes just
  // written: source + dest + len + a zero check, taken from the values); a computed zero
  // is sent as all ones (RFC 768).
  const hsum = csum_add_be(psum, sk.inet_sport + dport + len + UDPH_SIZE);
  let check = csum_tcpudp_magic(saddr, daddr, len + UDPH_SIZE, IPPROTO_UDP, hsum);
  if (check == 0) check = 0xffff;
  store<u16>(uh + UDPH_CHECK, <u16>check, 0, 1);
  skb.truesize = udp_truesize(len);
  skb_set_owner_w(skb, sk);
  const ttl = sk.uc_ttl < 0 ? IPDEFTTL : <u32>sk.uc_ttl;
  const id: i32 = sk.inet_daddr != 0 ? <i32>(sk.inet_id++ & 0xffff) : -1;
  const rc = ip_build_and_send_rt(skb, rt, saddr, daddr, IPPROTO_UDP, ttl, sk.tos, sk.pmtudisc, id);
  if (rc == -ENOBUFS) {
    // udp_send_skb(): a full device queue is counted, not reported (unless IP_RECVERR).
    SNMP_INC_STATS(UDP_MIB_SNDBUFERRORS);
    if (sk.recverr != 0) return rc;
    return <i32>len;
  }
  if (rc < 0) return rc;
  SNMP_INC_STATS(UDP_MIB_OUTDATAGRAMS);
  return <i32>len;
}

/** udp_recvmsg(). Writes the source to addr_out (saddr, sport) when non-zero. */
export function udp_recvmsg(skp: usize, buf: usize, len: u32, flags: u32, addr_out: usize): i32 {
  const sk = changetype<Sock>(skp);
  if ((flags & MSG_ERRQUEUE) != 0) return -EAGAIN;
  const err = sock_error(sk);
  if (err != 0) return err;
  const skb = skb_peek(sk.sk_receive_queue);
  if (skb === null) return -EAGAIN;
  const ulen = skb.len - UDPH_SIZE;
  const copied = len < ulen ? len : ulen;
  memcpy(buf, skb.data + UDPH_SIZE, copied);
  if (addr_out != 0) {
    store<u32>(addr_out, cb_saddr(skb));
    store<u32>(addr_out, cb_sport(skb), 4);
  }
  if ((flags & MSG_PEEK) == 0) {
    SNMP_INC_STATS(UDP_MIB_INDATAGRAMS);
    skb_unlink(skb, sk.sk_receive_queue);
    consume_skb(skb);
  }
  return (flags & MSG_TRUNC) != 0 ? <i32>ulen : <i32>copied;
}

/**
 * __udp_disconnect(): connect(AF_UNSPEC) forgets the peer, and the local address and port
 * unless bind() fixed them (sk_userlocks). ping sockets share it (ping_prot.disconnect).
 */
export function __udp_disconnect(sk: Sock, unhash: (sk: Sock) => void): i32 {
  sk.sk_state = TCP_CLOSE;
  sk.inet_daddr = 0;
  sk.inet_dport = 0;
  if ((sk.sk_userlocks & SOCK_BINDADDR_LOCK) == 0) {
    sk.inet_saddr = 0;
    sk.inet_rcv_saddr = 0;
  }
  if ((sk.sk_userlocks & SOCK_BINDPORT_LOCK) == 0) unhash(sk);
  return 0;
}

function udp_disconnect(skp: usize): i32 { return __udp_disconnect(changetype<Sock>(skp), udp_unhash); }

/** udp_poll() via datagram_poll(). */
function udp_poll(skp: usize): u32 { return datagram_poll(changetype<Sock>(skp)); }

function udp_ioctl(skp: usize, cmd: u32): i32 {
  const sk = changetype<Sock>(skp);
  if (cmd == SIOCINQ) {
    // The size of the next datagram, not of the whole queue (udp_ioctl → first_packet_length).
    const skb = skb_peek(sk.sk_receive_queue);
    return skb === null ? 0 : <i32>(skb.len - UDPH_SIZE);
  }
  if (cmd == SIOCOUTQ) return sk.sk_wmem_alloc;
  return -ENOIOCTLCMD;
}

function udp_shutdown(skp: usize, how: u32): i32 {
  // inet_shutdown() recorded the bits and checked the state; datagrams need nothing more.
  return 0;
}

/** udp_lib_close(): datagram sockets never linger (the timeout is ignored, as in Linux). */
function udp_close(skp: usize, timeout: u32): i32 {
  udp_unhash(changetype<Sock>(skp));
  return 0;
}

/** __udp4_lib_err(): an ICMP error about a datagram we sent. */
function udp_err(skbp: usize, type: u32, code: u32, info: u32, inner: usize): void {
  const saddr = iph_saddr(inner);
  const daddr = iph_daddr(inner);
  const uh = inner + ((<u32>load<u8>(inner) & 15) << 2);
  const sport = udph_source(uh);
  const dport = udph_dest(uh);
  // The socket that sent it: our address/port are the inner source.
  const sk = udp_lookup(daddr, dport, saddr, sport);
  if (sk === null) return;
  let err: i32 = 0;
  let harderr = false;
  if (type == 3) {
    err = icmp_err_convert_errno(code);
    harderr = icmp_err_convert_fatal(code);
  } else if (type == 11) {
    err = 113; // EHOSTUNREACH
  } else if (type == 12) {
    err = 71; // EPROTO
    harderr = true;
  } else {
    return;
  }
  // Without IP_RECVERR only hard errors on connected sockets are reported (RFC 1122
  // §4.1.3.3 leaves it to the application; Linux chooses this).
  if (sk.recverr == 0 && (!harderr || sk.sk_state != TCP_ESTABLISHED)) return;
  sk.sk_err = err;
  sk_error_report(sk);
}

const udp_prot: usize = memory.data(offsetof<Proto>(), 4);

export function udp_init(): void {
  udp_ehash_secret = prandom_u32();
  const p = changetype<Proto>(udp_prot);
  p.close = udp_close.index;
  p.get_port = udp_get_port.index;
  p.connect = ip4_datagram_connect.index;
  p.disconnect = udp_disconnect.index;
  p.sendmsg = udp_sendmsg.index;
  p.recvmsg = udp_recvmsg.index;
  p.poll = udp_poll.index;
  p.shutdown = udp_shutdown.index;
  p.ioctl = udp_ioctl.index;
  register_proto(2 /* SOCK_DGRAM */, IPPROTO_UDP, p);
  inet_add_protocol(IPPROTO_UDP, udp_rcv.index, udp_err.index);
}
