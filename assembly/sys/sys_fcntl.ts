// fcntl(2) and ioctl(2) on sockets. Linux: fs/fcntl.c (do_fcntl, setfl: only O_APPEND,
// O_NONBLOCK, O_ASYNC, O_DIRECT, O_NOATIME change), net/socket.c sock_ioctl.
import { EBADF, EINVAL, ESRCH, ENOTTY } from "../abi/errno";
import { F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_SETOWN, F_GETOWN, F_SETSIG, F_GETSIG, FD_CLOEXEC, O_NONBLOCK, O_ASYNC, O_APPEND } from "../abi/fcntl";
import { FIONBIO, FIOASYNC } from "../abi/ioctl";
import { Sock } from "../core/sock";
import { inet_ioctl } from "../socket/af_inet";
import { task_get } from "./task";
import { fget, fd_alloc, fd_get_cloexec, fd_set_cloexec, FILE_SOCKET, File } from "./fdtable";
import { f_setown_check } from "./signal";

// @ts-ignore: decorator
@inline const SETFL_MASK: u32 = <u32>O_APPEND | <u32>O_NONBLOCK | <u32>O_ASYNC;

export function sys_fcntl(pid: u32, fd: i32, cmd: i32, arg: i32): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  const f = fget(t, fd);
  if (f === null) return -EBADF;
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      if (arg < 0 || <u32>arg >= t.nofile_cur) return -EINVAL;
      const nfd = fd_alloc(t, f, cmd == F_DUPFD_CLOEXEC, <u32>arg);
      if (nfd >= 0) f.f_count++;
      return nfd;
    }
    case F_GETFD: return fd_get_cloexec(t, fd) ? FD_CLOEXEC : 0;
    case F_SETFD: fd_set_cloexec(t, fd, (arg & FD_CLOEXEC) != 0); return 0;
    case F_GETFL: return <i32>f.f_flags;
    case F_SETFL:
      f.f_flags = (f.f_flags & ~SETFL_MASK) | (<u32>arg & SETFL_MASK);
      fasync_update(f);
      return 0;
    case F_SETOWN: {
      const err = f_setown_check(arg);
      if (err != 0) return err;
      f.f_owner = arg;
      fasync_update(f);
      return 0;
    }
    case F_GETOWN: return f.f_owner;
    case F_SETSIG:
      if (arg < 0 || arg > 64) return -EINVAL;
      f.f_sig = <u32>arg;
      if (f.f_type == FILE_SOCKET) changetype<Sock>(f.private_data).sk_sig = <u32>arg;
      return 0;
    case F_GETSIG: return <i32>f.f_sig;
    default: return -EINVAL;
  }
}

/** sock_fasync(): the socket signals its owner only while the file has O_ASYNC. */
function fasync_update(f: File): void {
  if (f.f_type == FILE_SOCKET) changetype<Sock>(f.private_data).sk_owner = (f.f_flags & <u32>O_ASYNC) != 0 ? f.f_owner : 0;
}

/** ioctl(): `arg` is the int argument for FIONBIO/FIOASYNC; others return their value. */
export function sys_ioctl(pid: u32, fd: i32, cmd: u32, arg: i32): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  const f = fget(t, fd);
  if (f === null) return -EBADF;
  if (cmd == <u32>FIONBIO) {
    if (arg != 0) f.f_flags |= <u32>O_NONBLOCK;
    else f.f_flags &= ~<u32>O_NONBLOCK;
    return 0;
  }
  if (cmd == <u32>FIOASYNC) {
    if (arg != 0) f.f_flags |= <u32>O_ASYNC;
    else f.f_flags &= ~<u32>O_ASYNC;
    fasync_update(f);
    return 0;
  }
  if (f.f_type != FILE_SOCKET) return -ENOTTY;
  return inet_ioctl(changetype<Sock>(f.private_data), cmd);
}
