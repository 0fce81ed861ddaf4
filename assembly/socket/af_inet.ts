// The AF_INET socket layer: creation, bind, connect, send/recv dispatch, getname,
// shutdown, release. Linux: net/ipv4/af_inet.c (inet_create, __inet_bind,
// inet_autobind, inet_dgram_connect, inet_getname, inet_shutdown, inet_release) and
// net/socket.c. Transports are reached through struct proto (core/sock.ts).
import { ENOIOCTLCMD } from "../abi/syscall";
import { TCP_CLOSE, TCP_ESTABLISHED } from "../abi/tcp_states";
import { EACCES, EADDRINUSE, EADDRNOTAVAIL, EAFNOSUPPORT, EAGAIN, EINVAL, ENOTCONN, EOPNOTSUPP, EPROTONOSUPPORT, ESOCKTNOSUPPORT, ENOTTY, EISCONN, EALREADY, EINPROGRESS, ECONNABORTED } from "../abi/errno";
import { AF_INET, AF_UNSPEC, SOCK_DGRAM, SOCK_STREAM, SOCK_RAW } from "../abi/socket";
import { IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP } from "../abi/in";
import { Sock, Proto, sk_alloc, sk_prot, sock_put, sock_error, SOCK_BINDADDR_LOCK, SOCK_BINDPORT_LOCK, RCV_SHUTDOWN, SEND_SHUTDOWN, SOCK_DEAD, SOCK_LINGER, sk_state_change } from "../core/sock";
import { find_proto, find_proto_number, type_known } from "../core/proto_table";
import { fib_lookup, FibEntry, RTN_LOCAL } from "../ip/route";
import { ipv4_is_lbcast, ipv4_is_multicast } from "../ip/iphdr";
import { ping_group_low, ping_group_high } from "../ip/inet_common";
import { udp_sendmsg, udp_recvmsg } from "../udp/udp";
import { tcp_sendmsg, tcp_recvmsg } from "../tcp/tcp";

// @ts-ignore: decorator
@inline const SOCK_MAX: u32 = 11;
/** net.ipv4.ip_unprivileged_port_start (1024). */
export let ip_unprivileged_port_start: u32 = 1024;

/**
 * __sock_create() + inet_create(). Returns the new sock, or 0 with the errno in *err
 * (written to err_out as a positive number).
 */
export function inet_create(family: u32, type: u32, protocol: u32, uid: u32, gid: u32, err_out: usize): Sock | null {
  if (type >= SOCK_MAX) { store<i32>(err_out, EINVAL); return null; }
  if (family != <u32>AF_INET) { store<i32>(err_out, EAFNOSUPPORT); return null; }
  if (protocol >= 256 && protocol != 262) { store<i32>(err_out, EINVAL); return null; }
  if (!type_known(type)) {
    // kstack: raw sockets are not implemented; a kernel without a handler for the type
    // answers ESOCKTNOSUPPORT, and SOCK_RAW needs CAP_NET_RAW anyway (EPROTONOSUPPORT for
    // protocols it has no raw handler for).
    store<i32>(err_out, type == <u32>SOCK_RAW ? EPROTONOSUPPORT : ESOCKTNOSUPPORT);
    return null;
  }
  const prot = find_proto(type, protocol);
  if (prot == 0) { store<i32>(err_out, EPROTONOSUPPORT); return null; }
  const proto_nr = find_proto_number(type, protocol);
  // ping_init_sock(): the caller's group must be in net.ipv4.ping_group_range.
  if (proto_nr == <u32>IPPROTO_ICMP && (gid < ping_group_low || gid > ping_group_high)) {
    store<i32>(err_out, EACCES);
    return null;
  }
  const sk = sk_alloc(family, type, proto_nr, changetype<Proto>(prot));
  sk.sk_uid = uid;
  const p = sk_prot(sk);
  if (p.init != 0) call_indirect<void>(p.init, changetype<usize>(sk));
  return sk;
}

/** __inet_bind(). */
export function inet_bind(sk: Sock, family: u32, addr: u32, port: u32, uid: u32): i32 {
  if (family != <u32>AF_INET) {
    // Compatibility: AF_UNSPEC with INADDR_ANY is accepted as AF_INET.
    if (family != <u32>AF_UNSPEC || addr != 0) return -EAFNOSUPPORT;
  }
  const rt: FibEntry | null = addr == 0 ? null : fib_lookup(addr);
  const is_local = addr == 0 || (rt !== null && rt.type == RTN_LOCAL);
  const is_bcast = ipv4_is_lbcast(addr) || ipv4_is_multicast(addr);
  if (!is_local && !is_bcast && sk.freebind == 0) return -EADDRNOTAVAIL;
  if (port != 0 && port < ip_unprivileged_port_start && uid != 0) return -EACCES;
  if (sk.sk_state != TCP_CLOSE || sk.inet_num != 0) return -EINVAL;
  sk.inet_rcv_saddr = addr;
  sk.inet_saddr = is_bcast ? 0 : addr;
  if (port != 0 || sk.bind_address_no_port == 0) {
    const rc = call_indirect<i32>(sk_prot(sk).get_port, changetype<usize>(sk), port);
    if (rc != 0) {
      sk.inet_saddr = 0;
      sk.inet_rcv_saddr = 0;
      return -EADDRINUSE;
    }
  }
  if (sk.inet_rcv_saddr != 0) sk.sk_userlocks |= SOCK_BINDADDR_LOCK;
  if (port != 0) sk.sk_userlocks |= SOCK_BINDPORT_LOCK;
  sk.inet_daddr = 0;
  sk.inet_dport = 0;
  return 0;
}

/** inet_autobind(): an unbound socket takes an ephemeral port before sending. */
export function inet_autobind(sk: Sock): i32 {
  if (sk.inet_num != 0) return 0;
  const rc = call_indirect<i32>(sk_prot(sk).get_port, changetype<usize>(sk), 0);
  return rc != 0 ? -EAGAIN : 0;
}

/** inet_dgram_connect(). */
export function inet_dgram_connect(sk: Sock, family: u32, addr: u32, port: u32): i32 {
  const p = sk_prot(sk);
  if (family == <u32>AF_UNSPEC) return call_indirect<i32>(p.disconnect, changetype<usize>(sk));
  if (family != <u32>AF_INET) return -EAFNOSUPPORT;
  if (inet_autobind(sk) != 0) return -EAGAIN;
  return call_indirect<i32>(p.connect, changetype<usize>(sk), addr, port);
}

/** inet_sendmsg(): autobinds first (a failed send still leaves the socket bound). */
export function inet_sendmsg(sk: Sock, buf: usize, len: u32, flags: u32, has_addr: u32, family: u32, addr: u32, port: u32): i32 {
  if (inet_autobind(sk) != 0) return -EAGAIN;
  if (has_addr != 0 && family != <u32>AF_INET && family != <u32>AF_UNSPEC) return -EAFNOSUPPORT;
  // INDIRECT_CALL_2(sk->sk_prot->sendmsg, tcp_sendmsg, udp_sendmsg, ...), as Linux's
  // inet_sendmsg: the two common protocols get a direct call (Linux: no retpoline; here:
  // no table load and signature check, and binaryen may inline), the rest the table.
  const fn = sk_prot(sk).sendmsg;
  const skp = changetype<usize>(sk);
  if (fn == udp_sendmsg.index) return udp_sendmsg(skp, buf, len, flags, addr, port, has_addr);
  if (fn == tcp_sendmsg.index) return tcp_sendmsg(skp, buf, len, flags, addr, port, has_addr);
  return call_indirect<i32>(fn, skp, buf, len, flags, addr, port, has_addr);
}

export function inet_recvmsg(sk: Sock, buf: usize, len: u32, flags: u32, addr_out: usize): i32 {
  // INDIRECT_CALL_2(sk->sk_prot->recvmsg, tcp_recvmsg, udp_recvmsg, ...), as Linux's inet_recvmsg.
  const fn = sk_prot(sk).recvmsg;
  const skp = changetype<usize>(sk);
  if (fn == udp_recvmsg.index) return udp_recvmsg(skp, buf, len, flags, addr_out);
  if (fn == tcp_recvmsg.index) return tcp_recvmsg(skp, buf, len, flags, addr_out);
  return call_indirect<i32>(fn, skp, buf, len, flags, addr_out);
}

/** inet_getname(): writes (addr, port) to out; peer=1 for getpeername. */
export function inet_getname(sk: Sock, out: usize, peer: bool): i32 {
  if (peer) {
    // Linux checks the port: a connected ping socket (port 0) still answers ENOTCONN.
    if (sk.inet_dport == 0 || sk.sk_state == TCP_CLOSE || sk.sk_state == 2 /* SYN_SENT */) return -ENOTCONN;
    store<u32>(out, sk.inet_daddr);
    store<u32>(out, sk.inet_dport, 4);
  } else {
    store<u32>(out, sk.inet_rcv_saddr != 0 ? sk.inet_rcv_saddr : sk.inet_saddr);
    store<u32>(out, sk.inet_sport, 4);
  }
  return 0;
}

/**
 * inet_shutdown(): how is SHUT_RD/WR/RDWR (0..2), mapped to RCV/SEND_SHUTDOWN bits. A
 * closed socket answers ENOTCONN but still records the shutdown (Linux's "hack to wake
 * up other listeners"); a connecting or listening socket is disconnected.
 */
export function inet_shutdown(sk: Sock, how: u32): i32 {
  if (how > 2) return -EINVAL;
  const bits = how + 1;
  if (sk.sk_socket_state == SS_CONNECTING) {
    const st = sk.sk_state;
    sk.sk_socket_state = st == TCP_SYN_SENT_U || st == TCP_SYN_RECV_U || st == TCP_CLOSE ? SS_DISCONNECTING : SS_CONNECTED;
  }
  let err: i32 = 0;
  const st = sk.sk_state;
  const p = sk_prot(sk);
  if (st == TCP_CLOSE) {
    err = -ENOTCONN;
    sk.sk_shutdown |= bits;
    if (p.shutdown != 0) call_indirect<i32>(p.shutdown, changetype<usize>(sk), bits);
  } else if (st == TCP_LISTEN_U && (bits & RCV_SHUTDOWN) != 0) {
    call_indirect<i32>(p.disconnect, changetype<usize>(sk));
    sk.sk_socket_state = SS_UNCONNECTED;
  } else if (st == TCP_LISTEN_U) {
    // SHUT_WR on a listener does nothing.
  } else if (st == TCP_SYN_SENT_U) {
    err = call_indirect<i32>(p.disconnect, changetype<usize>(sk));
    sk.sk_socket_state = err != 0 ? SS_DISCONNECTING : SS_UNCONNECTED;
  } else {
    sk.sk_shutdown |= bits;
    if (p.shutdown != 0) call_indirect<i32>(p.shutdown, changetype<usize>(sk), bits);
  }
  sk_state_change(sk);
  return err;
}

// struct socket states (include/uapi/linux/net.h)
// @ts-ignore: decorator
@inline export const SS_UNCONNECTED: u32 = 1;
// @ts-ignore: decorator
@inline export const SS_CONNECTING: u32 = 2;
// @ts-ignore: decorator
@inline export const SS_CONNECTED: u32 = 3;
// @ts-ignore: decorator
@inline export const SS_DISCONNECTING: u32 = 4;
// @ts-ignore: decorator
@inline const TCP_SYN_SENT_U: u32 = 2;
// @ts-ignore: decorator
@inline const TCP_SYN_RECV_U: u32 = 3;
// @ts-ignore: decorator
@inline const TCP_LISTEN_U: u32 = 10;

/**
 * inet_stream_connect(), the part that starts a connection. Returns 0 (connected),
 * -EINPROGRESS (the handshake is under way: the caller waits, or a nonblocking caller
 * reports it), or an error. A second call while connecting answers EALREADY; once the
 * handshake has finished, it answers 0 and then EISCONN.
 */
export function inet_stream_connect(sk: Sock, family: u32, addr: u32, port: u32): i32 {
  const p = sk_prot(sk);
  if (family == <u32>AF_UNSPEC) {
    const rc = call_indirect<i32>(p.disconnect, changetype<usize>(sk));
    sk.sk_socket_state = rc != 0 ? SS_DISCONNECTING : SS_UNCONNECTED;
    return rc;
  }
  switch (sk.sk_socket_state) {
    case SS_CONNECTED:
      return -EISCONN;
    case SS_CONNECTING: {
      const st = sk.sk_state;
      if (st == TCP_SYN_SENT_U || st == TCP_SYN_RECV_U) return -EALREADY;
      return inet_stream_connect_finish(sk);
    }
    case SS_UNCONNECTED: {
      if (family != <u32>AF_INET) return -EAFNOSUPPORT;
      if (sk.sk_state != TCP_CLOSE) return -EISCONN;
      const rc = call_indirect<i32>(p.connect, changetype<usize>(sk), addr, port);
      if (rc < 0) return rc;
      sk.sk_socket_state = SS_CONNECTING;
      const st = sk.sk_state;
      if (st == TCP_SYN_SENT_U || st == TCP_SYN_RECV_U) return -EINPROGRESS;
      return inet_stream_connect_finish(sk);
    }
    default:
      return -EINVAL;
  }
}

/** The end of inet_stream_connect(): connected, or the error that ended the attempt. */
export function inet_stream_connect_finish(sk: Sock): i32 {
  if (sk.sk_state == TCP_CLOSE) {
    let err = sock_error(sk);
    if (err == 0) err = -ECONNABORTED;
    sk.sk_socket_state = SS_UNCONNECTED;
    call_indirect<i32>(sk_prot(sk).disconnect, changetype<usize>(sk));
    return err;
  }
  sk.sk_socket_state = SS_CONNECTED;
  return 0;
}

export function inet_ioctl(sk: Sock, cmd: u32): i32 {
  const rc = call_indirect<i32>(sk_prot(sk).ioctl, changetype<usize>(sk), cmd);
  return rc == -ENOIOCTLCMD ? -ENOTTY : rc;
}

export function inet_poll(sk: Sock): u32 {
  return call_indirect<u32>(sk_prot(sk).poll, changetype<usize>(sk));
}

/**
 * inet_release(): the last file reference is gone. "If the close is due to the process
 * exiting, we never linger" (Linux: timeout = 0 under PF_EXITING); otherwise SO_LINGER's
 * time goes to the protocol. Returns true when the protocol lingers: the sock keeps the
 * file's reference until inet_release_finish(), which the caller (sys_close) makes after
 * sleeping in sk_stream_wait_close's place.
 */
export function inet_release(sk: Sock, exiting: bool): bool {
  const timeout = (sk.sk_flags & SOCK_LINGER) != 0 && !exiting ? sk.sk_lingertime : 0;
  if (call_indirect<i32>(sk_prot(sk).close, changetype<usize>(sk), timeout) != 0) return true;
  inet_release_done(sk);
  return false;
}

/** The second half of a release that lingered: the protocol orphans the sock, which lets go of it. */
export function inet_release_finish(sk: Sock): void {
  call_indirect<void>(sk_prot(sk).close_finish, changetype<usize>(sk));
  inet_release_done(sk);
}

function inet_release_done(sk: Sock): void {
  sk.sk_flags |= SOCK_DEAD;
  sk.sk_shutdown = RCV_SHUTDOWN | SEND_SHUTDOWN;
  sock_put(sk);
}

/** inet_listen(). */
export function inet_listen(sk: Sock, backlog: i32): i32 {
  // Datagram sockets have no listen (sock_no_listen: EOPNOTSUPP).
  if (sk.sk_type != <u32>SOCK_STREAM) return -EOPNOTSUPP;
  if (sk.sk_socket_state != SS_UNCONNECTED) return -EINVAL;
  if (sk.sk_state != TCP_CLOSE && sk.sk_state != TCP_LISTEN_U) return -EINVAL;
  return call_indirect<i32>(sk_prot(sk).listen, changetype<usize>(sk), backlog);
}
