// setsockopt/getsockopt for SOL_SOCKET and SOL_IP. Linux: net/core/sock.c
// (sk_setsockopt, sk_getsockopt) and net/ipv4/ip_sockglue.c (do_ip_setsockopt).
// Transports see an option first (struct proto setsockopt) and return -ENOPROTOOPT to
// pass it down here, as udp_setsockopt does for non-SOL_UDP levels.
import { TCP_ESTABLISHED, TCP_LISTEN } from "../abi/tcp_states";
import { EINVAL, ENOPROTOOPT, EOPNOTSUPP, EPERM, ENOTCONN } from "../abi/errno";
import { SOL_IP, SOL_SOCKET, SO_DEBUG, SO_REUSEADDR, SO_TYPE, SO_ERROR, SO_DONTROUTE, SO_BROADCAST, SO_SNDBUF, SO_RCVBUF, SO_KEEPALIVE, SO_OOBINLINE, SO_NO_CHECK, SO_PRIORITY, SO_REUSEPORT, SO_RCVLOWAT, SO_SNDLOWAT, SO_RCVTIMEO_OLD, SO_SNDTIMEO_OLD, SO_ACCEPTCONN, SO_SNDBUFFORCE, SO_RCVBUFFORCE, SO_MARK, SO_PROTOCOL, SO_DOMAIN, SOCK_STREAM } from "../abi/socket";
import { IP_TOS, IP_TTL, IP_MTU_DISCOVER, IP_RECVERR, IP_MTU, IP_FREEBIND, IP_BIND_ADDRESS_NO_PORT } from "../abi/in";
import { Sock, sk_prot, sock_error, sysctl_rmem_max, sysctl_wmem_max, SOCK_MIN_RCVBUF, SOCK_MIN_SNDBUF, SOCK_RCVBUF_LOCK, SOCK_SNDBUF_LOCK, SOCK_BROADCAST, SOCK_KEEPOPEN, SOCK_LINGER, SK_LINGER_FOREVER } from "../core/sock";
import { fib_lookup, fib_dev } from "../ip/route";
import { NetDevice } from "../link/netdevice";

// @ts-ignore: decorator
@inline const SK_FLAG_DEBUG: u32 = 0x100;
// @ts-ignore: decorator
@inline const SK_FLAG_DONTROUTE: u32 = 0x200;
// @ts-ignore: decorator
@inline const SK_FLAG_OOBINLINE: u32 = 0x400;
// @ts-ignore: decorator
@inline const SK_FLAG_NOCHECK: u32 = 0x800;

// @ts-ignore: decorator
@inline function flag(sk: Sock, f: u32, on: bool): void {
  if (on) sk.sk_flags |= f;
  else sk.sk_flags &= ~f;
}

/** sk_setsockopt(): `val` is the int argument; uid 0 has CAP_NET_ADMIN. */
function sock_setsockopt(sk: Sock, name: i32, val: i32, uid: u32): i32 {
  const on = val != 0;
  switch (name) {
    case SO_DEBUG: flag(sk, SK_FLAG_DEBUG, on); return 0;
    case SO_REUSEADDR: sk.sk_reuse = on ? 1 : 0; return 0;
    case SO_REUSEPORT: sk.sk_reuseport = on ? 1 : 0; return 0;
    case SO_DONTROUTE: flag(sk, SK_FLAG_DONTROUTE, on); return 0;
    case SO_BROADCAST: flag(sk, SOCK_BROADCAST, on); return 0;
    case SO_KEEPALIVE: flag(sk, SOCK_KEEPOPEN, on); return 0;
    case SO_OOBINLINE: flag(sk, SK_FLAG_OOBINLINE, on); return 0;
    case SO_NO_CHECK: flag(sk, SK_FLAG_NOCHECK, on); return 0;
    case SO_SNDBUF:
    case SO_SNDBUFFORCE: {
      // Compared as u32 (a negative value is huge), clamped by wmem_max unless forced,
      // then doubled for struct overhead: Linux's famous "getsockopt returns 2x".
      let v = <u32>val;
      if (name == SO_SNDBUF || uid != 0) { if (v > <u32>sysctl_wmem_max) v = <u32>sysctl_wmem_max; }
      if (name == SO_SNDBUFFORCE && uid != 0) return -EPERM;
      if (v > 0x3fffffff) v = 0x3fffffff;
      sk.sk_userlocks |= SOCK_SNDBUF_LOCK;
      const d = <i32>(v * 2);
      sk.sk_sndbuf = d > SOCK_MIN_SNDBUF ? d : SOCK_MIN_SNDBUF;
      return 0;
    }
    case SO_RCVBUF:
    case SO_RCVBUFFORCE: {
      let v = <u32>val;
      if (name == SO_RCVBUFFORCE && uid != 0) return -EPERM;
      if (name == SO_RCVBUF) { if (v > <u32>sysctl_rmem_max) v = <u32>sysctl_rmem_max; }
      if (v > 0x3fffffff) v = 0x3fffffff;
      sk.sk_userlocks |= SOCK_RCVBUF_LOCK;
      const d = <i32>(v * 2);
      sk.sk_rcvbuf = d > SOCK_MIN_RCVBUF ? d : SOCK_MIN_RCVBUF;
      return 0;
    }
    case SO_PRIORITY:
      if ((val < 0 || val > 6) && uid != 0) return -EPERM;
      sk.sk_priority = <u32>val;
      return 0;
    case SO_RCVLOWAT:
      // A negative value means INT_MAX; zero is stored as one (sk_setsockopt).
      sk.sk_rcvlowat = val < 0 ? 0x7fffffff : (val == 0 ? 1 : <u32>val);
      return 0;
    case SO_RCVTIMEO_OLD:
      if (val < 0) return -EINVAL;
      sk.sk_rcvtimeo = <u32>val;
      return 0;
    case SO_SNDTIMEO_OLD:
      if (val < 0) return -EINVAL;
      sk.sk_sndtimeo = <u32>val;
      return 0;
    case SO_MARK:
      if (uid != 0) return -EPERM;
      sk.sk_mark = <u32>val;
      return 0;
    default:
      // SO_TYPE, SO_ERROR, SO_SNDLOWAT, SO_PROTOCOL, ... cannot be set.
      return -ENOPROTOOPT;
  }
}

function sock_getsockopt(sk: Sock, name: i32): i32 {
  switch (name) {
    case SO_DEBUG: return (sk.sk_flags & SK_FLAG_DEBUG) != 0 ? 1 : 0;
    case SO_REUSEADDR: return <i32>sk.sk_reuse;
    case SO_REUSEPORT: return <i32>sk.sk_reuseport;
    case SO_TYPE: return <i32>sk.sk_type;
    case SO_PROTOCOL: return <i32>sk.sk_protocol;
    case SO_DOMAIN: return <i32>sk.sk_family;
    case SO_ERROR: return -sock_error(sk);
    case SO_DONTROUTE: return (sk.sk_flags & SK_FLAG_DONTROUTE) != 0 ? 1 : 0;
    case SO_BROADCAST: return (sk.sk_flags & SOCK_BROADCAST) != 0 ? 1 : 0;
    case SO_KEEPALIVE: return (sk.sk_flags & SOCK_KEEPOPEN) != 0 ? 1 : 0;
    case SO_OOBINLINE: return (sk.sk_flags & SK_FLAG_OOBINLINE) != 0 ? 1 : 0;
    case SO_NO_CHECK: return (sk.sk_flags & SK_FLAG_NOCHECK) != 0 ? 1 : 0;
    case SO_SNDBUF: return sk.sk_sndbuf;
    case SO_RCVBUF: return sk.sk_rcvbuf;
    case SO_PRIORITY: return <i32>sk.sk_priority;
    case SO_RCVLOWAT: return <i32>sk.sk_rcvlowat;
    case SO_SNDLOWAT: return 1;
    case SO_RCVTIMEO_OLD: return <i32>sk.sk_rcvtimeo;
    case SO_SNDTIMEO_OLD: return <i32>sk.sk_sndtimeo;
    case SO_ACCEPTCONN: return sk.sk_state == TCP_LISTEN ? 1 : 0;
    case SO_MARK: return <i32>sk.sk_mark;
    default: return -ENOPROTOOPT;
  }
}

/** do_ip_setsockopt(). */
function ip_setsockopt(sk: Sock, name: i32, val: i32): i32 {
  switch (name) {
    case IP_TTL:
      if (val != -1 && (val < 1 || val > 255)) return -EINVAL;
      sk.uc_ttl = val;
      return 0;
    case IP_TOS:
      // For stream sockets the ECN bits belong to TCP (ip_sock_set_tos keeps them).
      sk.tos = sk.sk_type == <u32>SOCK_STREAM ? ((<u32>val & 0xfc) | (sk.tos & 3)) : (<u32>val & 0xff);
      return 0;
    case IP_MTU_DISCOVER:
      if (val < 0 || val > 5) return -EINVAL;
      sk.pmtudisc = <u32>val;
      return 0;
    case IP_RECVERR: sk.recverr = val != 0 ? 1 : 0; return 0;
    case IP_FREEBIND: sk.freebind = val != 0 ? 1 : 0; return 0;
    case IP_BIND_ADDRESS_NO_PORT: sk.bind_address_no_port = val != 0 ? 1 : 0; return 0;
    default: return -ENOPROTOOPT;
  }
}

function ip_getsockopt(sk: Sock, name: i32): i32 {
  switch (name) {
    case IP_TTL: return sk.uc_ttl < 0 ? 64 : sk.uc_ttl;
    case IP_TOS: return <i32>sk.tos;
    case IP_MTU_DISCOVER: return <i32>sk.pmtudisc;
    case IP_RECVERR: return <i32>sk.recverr;
    case IP_FREEBIND: return <i32>sk.freebind;
    case IP_BIND_ADDRESS_NO_PORT: return <i32>sk.bind_address_no_port;
    case IP_MTU: {
      if (sk.sk_state != TCP_ESTABLISHED) return -ENOTCONN;
      const rt = fib_lookup(sk.inet_daddr);
      const dev: NetDevice | null = rt === null ? null : fib_dev(rt);
      return dev === null ? -ENOTCONN : <i32>dev.mtu;
    }
    default: return -ENOPROTOOPT;
  }
}

/** SO_LINGER (struct linger { l_onoff, l_linger }). */
export function sock_set_linger(sk: Sock, onoff: i32, linger: i32): i32 {
  if (onoff == 0) {
    sk.sk_flags &= ~SOCK_LINGER;
  } else {
    // l_linger is read as unsigned long seconds: a negative value is a huge timeout,
    // which Linux turns into MAX_SCHEDULE_TIMEOUT (linger forever).
    sk.sk_lingertime = linger < 0 ? SK_LINGER_FOREVER : <u32>linger;
    sk.sk_flags |= SOCK_LINGER;
  }
  return 0;
}
/** getsockopt(SO_LINGER): writes l_onoff, l_linger at out; returns sizeof(struct linger). */
export function sock_get_linger(sk: Sock, out: usize): i32 {
  store<i32>(out, (sk.sk_flags & SOCK_LINGER) != 0 ? 1 : 0);
  // Linux reports sk_lingertime / HZ in an int: "forever" is LONG_MAX / HZ truncated,
  // -1511828489 with kstack's HZ of 1000.
  store<i32>(out, sk.sk_lingertime == SK_LINGER_FOREVER ? <i32>(<i64>9223372036854775) : <i32>sk.sk_lingertime, 4);
  return 8;
}

/** sys_setsockopt's socket part: the transport first, then the generic levels. */
export function sock_common_setsockopt(sk: Sock, level: i32, name: i32, val: i32, uid: u32): i32 {
  const p = sk_prot(sk);
  if (p.setsockopt != 0) {
    const rc = call_indirect<i32>(p.setsockopt, changetype<usize>(sk), level, name, val);
    if (rc != -ENOPROTOOPT) return rc;
  }
  if (level == SOL_SOCKET) return sock_setsockopt(sk, name, val, uid);
  if (level == SOL_IP) return ip_setsockopt(sk, name, val);
  return -ENOPROTOOPT;
}

export function sock_common_getsockopt(sk: Sock, level: i32, name: i32, out: usize): i32 {
  const p = sk_prot(sk);
  if (p.getsockopt != 0) {
    const rc = call_indirect<i32>(p.getsockopt, changetype<usize>(sk), level, name, out);
    if (rc != -ENOPROTOOPT) return rc;
  }
  if (level == SOL_SOCKET) return sock_getsockopt(sk, name);
  if (level == SOL_IP) return ip_getsockopt(sk, name);
  // The protocol's own level: its default branch (-ENOPROTOOPT). Any other level reaches
  // ip_getsockopt(), where not SOL_IP is -EOPNOTSUPP (ip_setsockopt says -ENOPROTOOPT).
  if (level == <i32>sk.sk_protocol) return -ENOPROTOOPT;
  return -EOPNOTSUPP;
}
