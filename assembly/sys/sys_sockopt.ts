// setsockopt(2)/getsockopt(2). Linux: net/socket.c __sys_setsockopt.
import { ESRCH } from "../abi/errno";
import { sock_common_setsockopt, sock_common_getsockopt, sock_set_linger, sock_get_linger } from "../socket/sockopt";
import { task_get } from "./task";
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
