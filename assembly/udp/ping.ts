// Unprivileged ICMP echo sockets: socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP).
// Linux: net/ipv4/ping.c. The socket's "port" is the echo identifier: the kernel writes
// it into every request (replacing the user's), and replies are demultiplexed by it.
// send() takes an ICMP header + data (type must be ECHO, code 0); recv() returns the
// reply's ICMP header + data, and recvfrom() the replying address.
import { EACCES, EADDRINUSE, EAGAIN, EDESTADDRREQ, EINVAL, EMSGSIZE, ENETUNREACH, ENOBUFS, ENOTCONN, EOPNOTSUPP, EPIPE } from "../abi/errno";
import { IPPROTO_ICMP } from "../abi/in";
import { MSG_ERRQUEUE, MSG_OOB, MSG_PEEK, MSG_TRUNC } from "../abi/socket";
import { ENOIOCTLCMD } from "../abi/syscall";
import { TCP_ESTABLISHED } from "../abi/tcp_states";
import { csum_fold, csum_partial } from "../lib/checksum";
import { ld16be, ld8, st16be } from "../lib/bytes";
import { SNMP_INC_STATS, ICMP_MIB_OUTMSGS, ICMP_MIB_OUTECHOS, IPSTATS_MIB_OUTNOROUTES } from "../kernel/mib";
import { SKB_DROP_REASON_NO_SOCKET, SKB_DROP_REASON_SOCKET_RCVBUFF } from "../kernel/drop_reason";
import { alloc_skb, consume_skb, kfree_skb_reason, SkBuff, skb_cb, skb_put, skb_reserve, MAX_HEADER } from "../core/skbuff";
import { skb_peek, skb_queue_tail, skb_unlink } from "../core/skb_queue";
import { datagram_poll } from "../core/datagram";
import { Sock, Proto, sk_data_ready, sk_error_report, sock_error, skb_set_owner_r, skb_set_owner_w, SEND_SHUTDOWN, SOCK_BROADCAST } from "../core/sock";
import { register_proto } from "../core/proto_table";
import { ip_build_and_send_rt, IP_PMTUDISC_DO, IP_PMTUDISC_PROBE } from "../ip/ip_output";
import { fib_dev, fib_lookup, fib_saddr } from "../ip/route";
import { icmp_register_ping, ICMPH_LEN, ICMP_ECHO } from "../ip/icmp";
import { iph_daddr, iph_saddr, iph_ihl, IPDEFTTL, ipv4_is_lbcast } from "../ip/iphdr";
import { icmp_err_convert_errno, icmp_err_convert_fatal } from "../ip/inet_common";
import { udp_truesize, __udp_disconnect } from "./udp";
import { ip4_datagram_connect } from "../ip/datagram";


// ping_table: 64 chains keyed by identifier.
// @ts-ignore: decorator
@inline const PING_HTABLE: u32 = 64;
const ping_hash: usize = memory.data(PING_HTABLE * 4, 4);
let ping_port_rover: u32 = 0;
// @ts-ignore: decorator
@inline function chain(id: u32): usize { return ping_hash + (<usize>(id & (PING_HTABLE - 1)) << 2); }

function ping_unhash(sk: Sock): void {
  if (sk.inet_num == 0) return;
  let p = chain(sk.inet_num);
  while (load<usize>(p) != 0) {
    if (load<usize>(p) == changetype<usize>(sk)) {
      store<usize>(p, sk.hash_next);
      break;
    }
    p = load<usize>(p);
  }
  sk.hash_next = 0;
  sk.inet_num = 0;
  sk.inet_sport = 0;
}

function ident_inuse(sk: Sock, id: u32): bool {
  let p = load<usize>(chain(id));
  while (p != 0) {
    const sk2 = changetype<Sock>(p);
    if (sk2 !== sk && sk2.inet_num == id) {
      const addr_overlap = sk2.inet_rcv_saddr == 0 || sk.inet_rcv_saddr == 0 || sk2.inet_rcv_saddr == sk.inet_rcv_saddr;
      if (addr_overlap && !(sk2.sk_reuse != 0 && sk.sk_reuse != 0)) return true;
    }
    p = sk2.hash_next;
  }
  return false;
}

/** ping_get_port(): ident 0 takes the next free one after the rover (1..65535). */
function ping_get_port(skp: usize, ident: u32): i32 {
  const sk = changetype<Sock>(skp);
  if (ident == 0) {
    let found: u32 = 0;
    for (let i: u32 = 0; i < 65535; i++) {
      ping_port_rover = (ping_port_rover % 65535) + 1;
      if (!ident_inuse(sk, ping_port_rover)) { found = ping_port_rover; break; }
    }
    if (found == 0) return -EADDRINUSE;
    ident = found;
  } else if (ident_inuse(sk, ident)) {
    return -EADDRINUSE;
  }
  sk.inet_num = ident;
  sk.inet_sport = ident;
  const c = chain(ident);
  sk.hash_next = load<usize>(c);
  store<usize>(c, changetype<usize>(sk));
  return 0;
}

function ping_lookup(ident: u32, daddr: u32): Sock | null {
  let p = load<usize>(chain(ident));
  while (p != 0) {
    const sk = changetype<Sock>(p);
    if (sk.inet_num == ident && (sk.inet_rcv_saddr == 0 || sk.inet_rcv_saddr == daddr)) return sk;
    p = sk.hash_next;
  }
  return null;
}

function ping_sendmsg(skp: usize, buf: usize, len: u32, flags: u32, daddr: u32, dport: u32, has_addr: u32): i32 {
  const sk = changetype<Sock>(skp);
  if (len > 0xffff) return -EMSGSIZE;
  if ((flags & MSG_OOB) != 0) return -EOPNOTSUPP;
  if (has_addr == 0) {
    if (sk.sk_state != TCP_ESTABLISHED) return -EDESTADDRREQ;
    daddr = sk.inet_daddr;
  }
  // ping_common_sendmsg(): a whole ICMP echo request header, code 0.
  if (len < ICMPH_LEN) return -EINVAL;
  if (ld8(buf) != ICMP_ECHO || ld8(buf + 1) != 0) return -EINVAL;
  if (len > 0xffff - 20) return -EMSGSIZE;
  const rt = fib_lookup(daddr);
  if (rt === null) {
    SNMP_INC_STATS(IPSTATS_MIB_OUTNOROUTES);
    return -ENETUNREACH;
  }
  if (ipv4_is_lbcast(daddr) && (sk.sk_flags & SOCK_BROADCAST) == 0) return -EACCES;
  let saddr = sk.inet_saddr;
  if (saddr == 0) saddr = fib_saddr(rt, daddr);
  // __ip_append_data(): with IP_PMTUDISC_DO/PROBE a datagram over the path MTU is refused
  // before anything is built (EMSGSIZE; FragFails stays untouched).
  if (sk.pmtudisc == IP_PMTUDISC_DO || sk.pmtudisc == IP_PMTUDISC_PROBE) {
    const odev = fib_dev(rt);
    if (odev !== null && len + 20 > odev.mtu) return -EMSGSIZE;
  }
  const err = sock_error(sk);
  if (err != 0) return err;
  if ((sk.sk_shutdown & SEND_SHUTDOWN) != 0) return -EPIPE;
  if (sk.sk_wmem_alloc >= sk.sk_sndbuf) return -EAGAIN;
  const skb = alloc_skb(MAX_HEADER + len);
  if (skb === null) return -ENOBUFS;
  skb_reserve(skb, MAX_HEADER);
  const p = skb_put(skb, len);
  memory.copy(p, buf, len);
  st16be(p + 4, sk.inet_sport);
  store<u16>(p + 2, 0, 0, 1);
  store<u16>(p + 2, <u16>csum_fold(csum_partial(p, <i32>len, 0)), 0, 1);
  skb.truesize = udp_truesize(len);
  skb_set_owner_w(skb, sk);
  SNMP_INC_STATS(ICMP_MIB_OUTMSGS);
  SNMP_INC_STATS(ICMP_MIB_OUTECHOS);
  const ttl = sk.uc_ttl < 0 ? IPDEFTTL : <u32>sk.uc_ttl;
  const id: i32 = sk.inet_daddr != 0 ? <i32>(sk.inet_id++ & 0xffff) : -1;
  const rc = ip_build_and_send_rt(skb, rt, saddr, daddr, IPPROTO_ICMP, ttl, sk.tos, sk.pmtudisc, id);
  if (rc == -ENOBUFS && sk.recverr == 0) return <i32>len;
  if (rc < 0) return rc;
  return <i32>len;
}

function ping_recvmsg(skp: usize, buf: usize, len: u32, flags: u32, addr_out: usize): i32 {
  const sk = changetype<Sock>(skp);
  if ((flags & MSG_ERRQUEUE) != 0) return -EAGAIN;
  const err = sock_error(sk);
  if (err != 0) return err;
  const skb = skb_peek(sk.sk_receive_queue);
  if (skb === null) return -EAGAIN;
  const n = skb.len;
  const copied = len < n ? len : n;
  memory.copy(buf, skb.data, copied);
  if (addr_out != 0) {
    store<u32>(addr_out, load<u32>(skb_cb(skb)));
    store<u32>(addr_out, 0, 4);
  }
  if ((flags & MSG_PEEK) == 0) {
    skb_unlink(skb, sk.sk_receive_queue);
    consume_skb(skb);
  }
  return (flags & MSG_TRUNC) != 0 ? <i32>n : <i32>copied;
}

/** ping_rcv(): an echo reply; skb.data at the ICMP header. */
function ping_rcv(skbp: usize): void {
  const skb = changetype<SkBuff>(skbp);
  const ident = ld16be(skb.data + 4);
  const iph = skb.network_header;
  const sk = ping_lookup(ident, iph_daddr(iph));
  if (sk === null) {
    kfree_skb_reason(skb, SKB_DROP_REASON_NO_SOCKET);
    return;
  }
  const ts = udp_truesize(skb.len);
  if (sk.sk_rmem_alloc != 0 && sk.sk_rmem_alloc + <i32>ts > sk.sk_rcvbuf) {
    sk.sk_drops++;
    kfree_skb_reason(skb, SKB_DROP_REASON_SOCKET_RCVBUFF);
    return;
  }
  store<u32>(skb_cb(skb), iph_saddr(iph));
  skb.truesize = ts;
  skb_set_owner_r(skb, sk);
  skb_queue_tail(sk.sk_receive_queue, skb);
  sk_data_ready(sk);
}

/** ping_err(): an ICMP error quoting one of our echo requests. */
function ping_err(skbp: usize, type: u32, code: u32, info: u32, inner: usize): void {
  const ihl = iph_ihl(inner);
  const icmph = inner + ihl;
  if (ld8(icmph) != ICMP_ECHO) return;
  const sk = ping_lookup(ld16be(icmph + 4), iph_saddr(inner));
  if (sk === null) return;
  let err: i32 = 0;
  let harderr = false;
  if (type == 3) {
    err = icmp_err_convert_errno(code);
    harderr = icmp_err_convert_fatal(code);
  } else if (type == 11) {
    err = 113;
  } else if (type == 12) {
    err = 71;
    harderr = true;
  } else return;
  if (sk.recverr == 0 && (!harderr || sk.sk_state != TCP_ESTABLISHED)) return;
  sk.sk_err = err;
  sk_error_report(sk);
}

function ping_disconnect(skp: usize): i32 { return __udp_disconnect(changetype<Sock>(skp), ping_unhash); }

/** Ping sockets poll as UDP's (inet_dgram_ops.poll = udp_poll, i.e. datagram_poll). */
function ping_poll(skp: usize): u32 { return datagram_poll(changetype<Sock>(skp)); }

function ping_ioctl(skp: usize, cmd: u32): i32 {
  const sk = changetype<Sock>(skp);
  if (cmd == 0x541b) {
    const skb = skb_peek(sk.sk_receive_queue);
    return skb === null ? 0 : <i32>skb.len;
  }
  if (cmd == 0x5411) return sk.sk_wmem_alloc;
  return -ENOIOCTLCMD;
}

function ping_shutdown(skp: usize, how: u32): i32 {
  // inet_shutdown() recorded the bits and checked the state; datagrams need nothing more.
  return 0;
}

function ping_close(skp: usize, timeout: u32): i32 { ping_unhash(changetype<Sock>(skp)); return 0; }

const ping_prot: usize = memory.data(offsetof<Proto>(), 4);

export function ping_init(): void {
  const p = changetype<Proto>(ping_prot);
  p.close = ping_close.index;
  p.get_port = ping_get_port.index;
  p.connect = ip4_datagram_connect.index;
  p.disconnect = ping_disconnect.index;
  p.sendmsg = ping_sendmsg.index;
  p.recvmsg = ping_recvmsg.index;
  p.poll = ping_poll.index;
  p.shutdown = ping_shutdown.index;
  p.ioctl = ping_ioctl.index;
  register_proto(2 /* SOCK_DGRAM */, IPPROTO_ICMP, p);
  icmp_register_ping(ping_rcv.index, ping_err.index);
}
