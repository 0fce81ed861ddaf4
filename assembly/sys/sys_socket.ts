// socket(2), bind(2), connect(2), listen(2), accept4(2), getsockname(2), getpeername(2),
// shutdown(2), close(2). Linux: net/socket.c (__sys_socket, __sys_bind, ...), fs/open.c.
import { EBADF, EINVAL, ENFILE, EOPNOTSUPP, ESRCH, EAGAIN, EINPROGRESS, EALREADY } from "../abi/errno";
import { SOCK_NONBLOCK, SOCK_CLOEXEC, SOCK_TYPE_MASK, SOCK_STREAM } from "../abi/socket";
import { O_NONBLOCK } from "../abi/fcntl";
import { Sock, sk_prot } from "../core/sock";
import { sk_stream_closing, sk_linger_ms } from "../core/stream";
import { KSTACK_EBLOCK } from "../abi/syscall";
import { inet_create, inet_bind, inet_dgram_connect, inet_getname, inet_shutdown, inet_release, inet_release_finish, inet_listen, inet_stream_connect, inet_stream_connect_finish, SS_CONNECTED } from "../socket/af_inet";
import { TCP_SYN_SENT, TCP_SYN_RECV } from "../abi/tcp_states";
import { task_get, task_block, Task } from "./task";
import { alloc_file, fd_alloc, fd_remove, fget, free_file, File, FILE_SOCKET, FILE_EPOLL } from "./fdtable";
import { sock_of, last_err, err_out, sys_return } from "./common";
import { eventpoll_release, ep_free } from "./eventpoll";

/**
 * __fput()'s epoll part: epolls watching the file forget it (eventpoll_release), and an
 * epoll file frees its items (ep_eventpoll_release). True when the file is gone.
 */
function ep_fput(f: File): bool {
  eventpoll_release(f);
  if (f.f_type != FILE_EPOLL) return false;
  ep_free(f);
  free_file(f);
  return true;
}
import { sock_intr_errno } from "./signal";

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
    inet_release(sk, true);
    return -ENFILE;
  }
  const fd = fd_alloc(t, f, (flags & <u32>SOCK_CLOEXEC) != 0, 0);
  if (fd < 0) {
    free_file(f);
    inet_release(sk, true);
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
      rc = task_block(t, sk.sk_wq, sk.sk_sndtimeo, false, sock_intr_errno(sk.sk_sndtimeo));
      // SO_SNDTIMEO ran out: the handshake goes on; connect() says EINPROGRESS.
      return rc == -EAGAIN ? sys_return(t, -EINPROGRESS) : rc;
    }
    return sys_return(t, inet_stream_connect_finish(sk));
  }
  rc = inet_stream_connect(sk, family, addr, port);
  const f = fget(t, fd);
  const nonblock = f !== null && (f.f_flags & <u32>O_NONBLOCK) != 0;
  // __inet_stream_connect(): a blocking connect() made again while the handshake runs (after
  // EINTR, or restarted by SA_RESTART) waits for it, as the first one did; EALREADY is only
  // the nonblocking answer.
  if ((rc == -EINPROGRESS || rc == -EALREADY) && !nonblock) return task_block(t, sk.sk_wq, sk.sk_sndtimeo, false, sock_intr_errno(sk.sk_sndtimeo));
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
    return task_block(t, sk.sk_wq, sk.sk_rcvtimeo, true, sock_intr_errno(sk.sk_rcvtimeo));
  }
  const child = changetype<Sock>(child_p);
  const nf = alloc_file(FILE_SOCKET, child_p, (flags & <u32>SOCK_NONBLOCK) != 0 ? <u32>O_NONBLOCK : 0);
  if (nf === null) {
    inet_release(child, true);
    return sys_return(t, -ENFILE);
  }
  const nfd = fd_alloc(t, nf, (flags & <u32>SOCK_CLOEXEC) != 0, 0);
  if (nfd < 0) {
    free_file(nf);
    inet_release(child, true);
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

/**
 * fput() on behalf of an exiting process (do_exit): the last reference releases the
 * socket, never lingering (inet_release: no SO_LINGER wait under PF_EXITING).
 */
export function fput(f: File): void {
  if (--f.f_count != 0) return;
  if (ep_fput(f)) return;
  if (f.f_type == FILE_SOCKET) inet_release(changetype<Sock>(f.private_data), true);
  free_file(f);
}

/**
 * close(): the descriptor goes at once (file_close_fd: another thread's call on it gets
 * EBADF, and the number is free for reuse), then the reference is dropped. When that was
 * the last one and SO_LINGER {1, t > 0} is set, TCP's release sleeps until our FIN is
 * acknowledged or t runs out (sk_stream_wait_close); close() returns 0 either way, and a
 * connection whose time ran out goes on as an orphan. Linux waits on an O_NONBLOCK file
 * too: inet_release passes sk_lingertime whatever the file flags (only PF_EXITING turns
 * it off), so a nonblocking close() with linger blocks.
 * After every wake-up the host calls sys_close_wait; the task remembers the file it releases.
 */
export function sys_close(pid: u32, fd: i32): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  const f = fd_remove(t, fd);
  if (f === null) return -EBADF;
  if (--f.f_count != 0) return 0;
  if (ep_fput(f)) return 0;
  // kstack: a task is one thread, with one wait; a second close() issued while another
  // lingers (a concurrent caller) releases without lingering.
  const no_linger = t.close_file != 0;
  if (f.f_type == FILE_SOCKET && inet_release(changetype<Sock>(f.private_data), no_linger)) {
    t.close_file = changetype<usize>(f);
    return sys_close_wait(pid);
  }
  free_file(f);
  return 0;
}

/**
 * The rest of a close() that answered KSTACK_EBLOCK, which the host calls after every
 * wake-up in place of repeating sys_close (its descriptor is gone, and its number may be
 * in use again): sk_stream_wait_close(), a sleep on the socket while it is closing, for
 * at most l_linger. Returns 0 (or KSTACK_EBLOCK); 0 also when there is nothing to wait for.
 */
export function sys_close_wait(pid: u32): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  if (t.close_file == 0) return sys_return(t, 0);
  const sk = changetype<Sock>(changetype<File>(t.close_file).private_data);
  if (sk_stream_closing(sk)) {
    // -EAGAIN: the linger time ran out; close() still says 0 (its task_block cleared the wait).
    const rc = task_block(t, sk.sk_wq, sk_linger_ms(sk.sk_lingertime), false);
    if (rc == KSTACK_EBLOCK) return rc;
  }
  close_linger_finish(t);
  return sys_return(t, 0);
}

/**
 * Ends a lingering close: the sock is orphaned and the file freed. Also for a task that
 * stops waiting early (a signal, exit): Linux leaves sk_stream_wait_close on a pending
 * signal and finishes the close all the same.
 */
export function close_linger_finish(t: Task): void {
  if (t.close_file == 0) return;
  const f = changetype<File>(t.close_file);
  t.close_file = 0;
  inet_release_finish(changetype<Sock>(f.private_data));
  free_file(f);
}
