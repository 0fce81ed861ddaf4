// socket(2), bind(2), connect(2), listen(2), accept4(2), getsockname(2), getpeername(2),
// shutdown(2), close(2). Linux: net/socket.c (__sys_socket, __sys_bind, ...), fs/open.c.
import { EBADF, EINVAL, ENFILE, EOPNOTSUPP, ESRCH, EAGAIN, EINPROGRESS } from "../abi/errno";
import { SOCK_NONBLOCK, SOCK_CLOEXEC, SOCK_TYPE_MASK, SOCK_STREAM } from "../abi/socket";
import { O_NONBLOCK } from "../abi/fcntl";
import { Sock, sk_prot } from "../core/sock";
import { inet_create, inet_bind, inet_dgram_connect, inet_getname, inet_shutdown, inet_release, inet_listen, inet_stream_connect, inet_stream_connect_finish, SS_CONNECTED } from "../socket/af_inet";
import { TCP_SYN_SENT, TCP_SYN_RECV } from "../abi/tcp_states";
import { task_get, task_block } from "./task";
import { alloc_file, fd_alloc, fd_remove, fget, free_file, File, FILE_SOCKET } from "./fdtable";
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
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  if (port > 65535) return -EINVAL;
  if (sk.sk_type != <u32>SOCK_STREAM) return sys_return(t, inet_dgram_connect(sk, family, addr, port));
  let rc: i32;
  if (t.in_call != 0) {
    // Woken (or timed out) while the handshake ran: where did it get to?
    const st = sk.sk_state;
    if (st == <u32>TCP_SYN_SENT || st == <u32>TCP_SYN_RECV) {
      rc = task_block(t, sk.sk_wq, sk.sk_sndtimeo, false);
      // SO_SNDTIMEO ran out: the handshake goes on; connect() says EINPROGRESS.
      return rc == -EAGAIN ? sys_return(t, -EINPROGRESS) : rc;
    }
    return sys_return(t, inet_stream_connect_finish(sk));
  }
  rc = inet_stream_connect(sk, family, addr, port);
  const f = fget(t, fd);
  const nonblock = f !== null && (f.f_flags & <u32>O_NONBLOCK) != 0;
  if (rc == -EINPROGRESS && !nonblock) return task_block(t, sk.sk_wq, sk.sk_sndtimeo, false);
  return sys_return(t, rc);
}

export function sys_listen(pid: u32, fd: i32, backlog: i32): i32 {
  const sk = sock_of(pid, fd);
  if (sk === null) return last_err();
  return inet_listen(sk, backlog);
}

/**
 * accept4(): the next established connection on a listener, as a new descriptor. Blocking
 * callers sleep exclusively (one connection wakes one waiter: inet_csk_wait_for_connect).
 */
export function sys_accept4(pid: u32, fd: i32, flags: u32): i32 {
  const sk = sock_of(pid, fd);
  if (sk === null) return last_err();
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  if ((flags & ~(<u32>SOCK_NONBLOCK | <u32>SOCK_CLOEXEC)) != 0) return sys_return(t, -EINVAL);
  if (sk.sk_type != <u32>SOCK_STREAM || sk_prot(sk).accept == 0) return sys_return(t, -EOPNOTSUPP);
  const child_p = call_indirect<usize>(sk_prot(sk).accept, changetype<usize>(sk), flags);
  if (child_p == 0) {
    const err = sk.sk_err_soft;
    sk.sk_err_soft = 0;
    if (err != EAGAIN) return sys_return(t, -err);
    const f = fget(t, fd);
    const nonblock = f !== null && (f.f_flags & <u32>O_NONBLOCK) != 0;
    if (nonblock) return sys_return(t, -EAGAIN);
    return task_block(t, sk.sk_wq, sk.sk_rcvtimeo, true);
  }
  const child = changetype<Sock>(child_p);
  const nf = alloc_file(FILE_SOCKET, child_p, (flags & <u32>SOCK_NONBLOCK) != 0 ? <u32>O_NONBLOCK : 0);
  if (nf === null) {
    inet_release(child);
    return sys_return(t, -ENFILE);
  }
  const nfd = fd_alloc(t, nf, (flags & <u32>SOCK_CLOEXEC) != 0, 0);
  if (nfd < 0) {
    free_file(nf);
    inet_release(child);
    return sys_return(t, nfd);
  }
  // The accept queue's reference on the child now belongs to the new file.
  child.sk_socket_state = SS_CONNECTED;
  return sys_return(t, nfd);
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
