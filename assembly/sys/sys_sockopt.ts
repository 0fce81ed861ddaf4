// setsockopt(2)/getsockopt(2). Linux: net/socket.c __sys_setsockopt.
import { ESRCH } from "../abi/errno";
import { sock_common_setsockopt, sock_common_getsockopt, sock_set_linger, sock_get_linger } from "../socket/sockopt";
import { task_get } from "./task";
import { EINVAL, ENOPROTOOPT } from "../abi/errno";
import { IPPROTO_TCP } from "../abi/in";
import { SOL_TCP, SOCK_STREAM } from "../abi/socket";
import { TCP_CONGESTION } from "../abi/tcp";
import { tcp_setsockopt_congestion } from "../tcp/tcp";
import { sock_of, last_err } from "./common";

export function sys_setsockopt(pid: u32, fd: i32, level: i32, name: i32, val: i32): i32 {
  const sk = sock_of(pid, fd);
  if (sk === null) return last_err();
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  return sock_common_setsockopt(sk, level, name, val, t.uid);
}

/** Returns the option's int value (>= 0) or -errno; struct options write to out. */
export function sys_getsockopt(pid: u32, fd: i32, level: i32, name: i32, out: usize): i32 {
  const sk = sock_of(pid, fd);
  if (sk === null) return last_err();
  return sock_common_getsockopt(sk, level, name, out);
}

export function sys_setsockopt_linger(pid: u32, fd: i32, onoff: i32, linger: i32): i32 {
  const sk = sock_of(pid, fd);
  if (sk === null) return last_err();
  return sock_set_linger(sk, onoff, linger);
}

export function sys_getsockopt_linger(pid: u32, fd: i32, out: usize): i32 {
  const sk = sock_of(pid, fd);
  if (sk === null) return last_err();
  return sock_get_linger(sk, out);
}

/**
 * setsockopt() with a string value (`len` bytes at buf): TCP_CONGESTION on a TCP socket;
 * at SOL_TCP on another protocol, -ENOPROTOOPT (ip_setsockopt's answer); otherwise the
 * option takes an int, and a string is -EINVAL.
 */
export function sys_setsockopt_str(pid: u32, fd: i32, level: i32, name: i32, buf: usize, len: u32): i32 {
  const sk = sock_of(pid, fd);
  if (sk === null) return last_err();
  const tcp = sk.sk_protocol == <u32>IPPROTO_TCP && sk.sk_type == <u32>SOCK_STREAM;
  if (level == SOL_TCP && !tcp) return -ENOPROTOOPT;
  if (level == SOL_TCP && name == TCP_CONGESTION) return tcp_setsockopt_congestion(sk, buf, len);
  return -EINVAL;
}
