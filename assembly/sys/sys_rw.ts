// sendto(2)/send(2)/write(2) and recvfrom(2)/recv(2)/read(2). Transports never block;
// here a blocking file (no O_NONBLOCK, no MSG_DONTWAIT) turns their -EAGAIN into a
// sleep on the socket's wait queue, bounded by SO_SNDTIMEO/SO_RCVTIMEO, as
// sock_sndtimeo()/sock_rcvtimeo() and the sk_wait_* helpers do in Linux.
import { EINVAL, ESRCH, EAGAIN } from "../abi/errno";
import { MSG_DONTWAIT } from "../abi/socket";
import { O_NONBLOCK } from "../abi/fcntl";
import { Sock, RCV_SHUTDOWN, SEND_SHUTDOWN, SOCK_ALLOC_FAIL } from "../core/sock";
import { SOCK_STREAM } from "../abi/socket";
import { inet_sendmsg, inet_recvmsg } from "../socket/af_inet";
import { task_get, task_block, task_disarm, signal_pending, Task } from "./task";
import { prandom_u32_max } from "../kernel/random";
import { jiffies } from "../kernel/clock";
import { KSTACK_MSG_CONT } from "../abi/syscall";
import { EPIPE } from "../abi/errno";
import { MSG_NOSIGNAL } from "../abi/socket";
import { sock_intr_errno, send_sigpipe, SOCKWQ_ASYNC_NOSPACE } from "./signal";
import { sockfd_lookup_light } from "./fdtable";
import { err_out, sys_return } from "./common";

/**
 * What is left of a socket timeout for the call in progress (sock_sndtimeo: computed once
 * per call, then counted down by every sleep, across the kernel calls one blocking call
 * is split into). 0 = no timeout; < 0 = over (or its timer fired).
 */
function remaining_timeo(t: Task, timeo: u32): i32 {
  if (timeo == 0) return 0;
  if (t.timed_out != 0) return -1;
  const left = <i32>timeo - <i32>(jiffies - t.call_start);
  return left <= 0 ? -1 : left;
}

/** sendto(): has_addr = 0 for send()/write(). Returns bytes sent or -errno. */
export function sys_sendto(pid: u32, fd: i32, buf: usize, len: u32, flags: u32, has_addr: u32, family: u32, addr: u32, port: u32): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  const f = sockfd_lookup_light(t, fd, err_out());
  if (f === null) return load<i32>(err_out());
  const sk = changetype<Sock>(f.private_data);
  if (<i32>len < 0) return -EINVAL;
  if (has_addr != 0 && port > 65535) return -EINVAL;
  if (t.in_call == 0 && (flags & <u32>KSTACK_MSG_CONT) == 0) t.call_start = jiffies;
  // A stream sender woken in sk_stream_wait_memory(): its loop checks, in this order, an
  // error or shutdown, the timeout, then a pending signal — before looking for space. So
  // space freed at the moment a signal arrives does not save the call from EINTR.
  if (t.in_call != 0 && sk.sk_type == <u32>SOCK_STREAM && signal_pending(t) && sk.sk_err == 0 && (sk.sk_shutdown & SEND_SHUTDOWN) == 0) {
    if (remaining_timeo(t, sk.sk_sndtimeo) < 0) return sys_return(t, -EAGAIN);
    return sys_return(t, sock_intr_errno(sk.sk_sndtimeo));
  }
  const rc = inet_sendmsg(sk, buf, len, flags, has_addr, family, addr, port);
  const nonblock = (flags & <u32>MSG_DONTWAIT) != 0 || (f.f_flags & <u32>O_NONBLOCK) != 0;
  // sk_stream_error(): EPIPE raises SIGPIPE unless MSG_NOSIGNAL, and not after a part of
  // the data went (tcp_sendmsg returns the count then, with no error and no signal).
  if (rc == -EPIPE && (flags & (<u32>MSG_NOSIGNAL | <u32>KSTACK_MSG_CONT)) == 0) send_sigpipe(t, sk);
  // sk_stream_wait_memory(): a writer out of space asks for SIGIO when space comes back.
  if (rc == -EAGAIN) sk.sk_flags |= SOCKWQ_ASYNC_NOSPACE;
  // An unbound socket after the call means inet_autobind found no port: EAGAIN at once,
  // never a sleep (nothing would wake it).
  if (rc == -EAGAIN && !nonblock && sk.inet_num != 0) {
    if (t.vm_wait != 0) {
      // The last sleep was a vm_wait: the socket timeout is counted from call_start again.
      task_disarm(t);
    }
    const timeo = remaining_timeo(t, sk.sk_sndtimeo);
    if (timeo < 0) return sys_return(t, -EAGAIN);
    if ((sk.sk_flags & SOCK_ALLOC_FAIL) != 0) {
      // sk_stream_wait_memory(): the socket's own budget has room but the allocator had
      // none (kstack: the skb pool ran dry). Linux sleeps vm_wait, 2 + a random number of
      // jiffies below HZ/5, and tries again: memory freed by another socket wakes no one
      // waiting on this one.
      task_disarm(t);
      const vm_wait: u32 = 2 + prandom_u32_max(200);
      const wait = timeo != 0 && <u32>timeo < vm_wait ? <u32>timeo : vm_wait;
      const r = task_block(t, sk.sk_wq, wait, false, sock_intr_errno(sk.sk_sndtimeo));
      t.vm_wait = 1;
      return r;
    }
    return task_block(t, sk.sk_wq, <u32>timeo, false, sock_intr_errno(sk.sk_sndtimeo));
  }
  return sys_return(t, rc);
}

/** recvfrom(): writes the source (addr, port) at addr_out when it is non-zero. */
export function sys_recvfrom(pid: u32, fd: i32, buf: usize, len: u32, flags: u32, addr_out: usize): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  const f = sockfd_lookup_light(t, fd, err_out());
  if (f === null) return load<i32>(err_out());
  const sk = changetype<Sock>(f.private_data);
  if (<i32>len < 0) return -EINVAL;
  if (t.in_call == 0 && (flags & <u32>KSTACK_MSG_CONT) == 0) t.call_start = jiffies;
  flags &= ~<u32>KSTACK_MSG_CONT;
  const nonblock = (flags & <u32>MSG_DONTWAIT) != 0 || (f.f_flags & <u32>O_NONBLOCK) != 0;
  // ____sys_recvmsg(): an O_NONBLOCK file reads as if MSG_DONTWAIT were given.
  const rc = inet_recvmsg(sk, buf, len, nonblock ? flags | <u32>MSG_DONTWAIT : flags, addr_out);
  if (rc == -EAGAIN && !nonblock) {
    // __skb_wait_for_more_packets(): a reader of a shut-down socket gets end of file.
    if ((sk.sk_shutdown & RCV_SHUTDOWN) != 0) return sys_return(t, 0);
    const timeo = remaining_timeo(t, sk.sk_rcvtimeo);
    if (timeo < 0) return sys_return(t, -EAGAIN);
    return task_block(t, sk.sk_wq, <u32>timeo, false, sock_intr_errno(sk.sk_rcvtimeo));
  }
  return sys_return(t, rc);
}
