// socket(2), bind(2), connect(2), listen(2), accept4(2), getsockname(2), getpeername(2),
// shutdown(2), close(2). Linux: net/socket.c (__sys_socket, __sys_bind, ...), fs/open.c.
import { EBADF, EINVAL, ENFILE, EOPNOTSUPP, ESRCH } from "../abi/errno";
import { SOCK_NONBLOCK, SOCK_CLOEXEC, SOCK_TYPE_MASK, SOCK_STREAM } from "../abi/socket";
import { O_NONBLOCK } from "../abi/fcntl";
import { Sock, sk_prot } from "../core/sock";
import { inet_create, inet_bind, inet_dgram_connect, inet_getname, inet_shutdown, inet_release, inet_listen } from "../socket/af_inet";
import { task_get } from "./task";
import { alloc_file, fd_alloc, fd_remove, free_file, File, FILE_SOCKET } from "./fdtable";
import { sock_of, last_err, err_out, sys_return } from "./common";

/** socket(): type may carry SOCK_NONBLOCK | SOCK_CLOEXEC. */
export function sys_socket(pid: u32, family: u32, type: u32, protocol: u32): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  const flags = type & ~<u32>SOCK_TYPE_MASK;
  if ((flags & ~(<u32>SOCK_NONBLOCK | <u32>SOCK_CLOEXEC)) != 0) return -EINVAL;
  const sk = inet_create(family, type & <u32>SOCK_TYPE_MASK, protocol, t.uid, t.gid, err_out());
  if (sk === null) return -load<i32>(err_out());
  const f = alloc_file(FILE_SOCKET, changetype<usize>(sk), (flags & <u32>SOCK_NONBLOCK) != 0 ? <u32>O_NONBLOCK : 0);
  if (f === null) {
    inet_release(sk);
    return -ENFILE;
  }
  const fd = fd_alloc(t, f, (flags & <u32>SOCK_CLOEXEC) != 0, 0);
  if (fd < 0) {
    free_file(f);
    inet_release(sk);
    return fd;
  }
  return fd;
}

export function sys_bind(pid: u32, fd: i32, family: u32, addr: u32, port: u32): i32 {
  const sk = sock_of(pid, fd);
  if (sk === null) return last_err();
  if (port > 65535) return -EINVAL;
  const t = task_get(pid);
  return inet_bind(sk, family, addr, port, t === null ? 0 : t.uid);
}

export function sys_connect(pid: u32, fd: i32, family: u32, addr: u32, port: u32): i32 {
  const sk = sock_of(pid, fd);
  if (sk === null) return last_err();
  if (port > 65535) return -EINVAL;
  return sys_return(task_get(pid), inet_dgram_connect(sk, family, addr, port));
}

export function sys_listen(pid: u32, fd: i32, backlog: i32): i32 {
  const sk = sock_of(pid, fd);
  if (sk === null) return last_err();
  return inet_listen(sk, backlog);
}

export function sys_accept4(pid: u32, fd: i32, flags: u32): i32 {
  const sk = sock_of(pid, fd);
  if (sk === null) return last_err();
  if ((flags & ~(<u32>SOCK_NONBLOCK | <u32>SOCK_CLOEXEC)) != 0) return -EINVAL;
  if (sk.sk_type != <u32>SOCK_STREAM || sk_prot(sk).accept == 0) return -EOPNOTSUPP;
  return -EOPNOTSUPP;
}

/** getsockname()/getpeername(): writes (addr, port) at out. */
export function sys_getname(pid: u32, fd: i32, out: usize, peer: u32): i32 {
  const sk = sock_of(pid, fd);
  if (sk === null) return last_err();
  return inet_getname(sk, out, peer != 0);
}

export function sys_shutdown(pid: u32, fd: i32, how: u32): i32 {
  const sk = sock_of(pid, fd);
  if (sk === null) return last_err();
  return inet_shutdown(sk, how);
}

/** fput(): the last reference releases the socket. */
export function fput(f: File): void {
  if (--f.f_count != 0) return;
  if (f.f_type == FILE_SOCKET) inet_release(changetype<Sock>(f.private_data));
  free_file(f);
}

export function sys_close(pid: u32, fd: i32): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  const f = fd_remove(t, fd);
  if (f === null) return -EBADF;
  fput(f);
  return 0;
}
