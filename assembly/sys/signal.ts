// Signals as signal(7) describes them: per-task pending and blocked sets, dispositions
// with sa_flags and sa_mask, generation (kill, SIGPIPE, SIGIO, SIGCHLD), and the choice
// between -EINTR and restarting an interrupted call. The handler is a host function: the
// kernel knows only that signo has one, with its flags and mask; the host asks signal_get()
// what to do at every syscall boundary and runs the handler itself.
// Linux: kernel/signal.c, arch/x86/kernel/signal.c (handle_signal's -ERESTART* cases),
// fs/fcntl.c (f_setown, send_sigio), net/socket.c (sock_wake_async).
//
// kstack: one thread per process, so the thread and process sets are the same set; standard
// and real-time signals alike are one pending bit (no siginfo queue, so a second RT signal
// of a number already pending is lost); stop signals (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU)
// have no job control to stop, so their default action does nothing.
import { EINVAL, EPERM, ESRCH, EINTR } from "../abi/errno";
import { ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK } from "../abi/syscall";
import {
  SIGKILL, SIGSTOP, SIGCONT, SIGPIPE, SIGCHLD, SIGWINCH, SIGURG, SIGTSTP, SIGTTIN, SIGTTOU, SIGIO, NSIG,
  SA_RESTART, SA_NODEFER, SA_RESETHAND, SA_NOCLDSTOP, SA_NOCLDWAIT, SA_SIGINFO, SA_ONSTACK,
  SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK, SIG_DFL, SIG_IGN, KSTACK_SIG_HANDLER,
  KSTACK_SIGACT_NONE, KSTACK_SIGACT_HANDLER, KSTACK_SIGACT_TERMINATE,
} from "../abi/signal";
import { SOCK_STREAM } from "../abi/socket";
import { EPOLLOUT } from "../abi/epoll";
import { Sock, sk_set_wake_async } from "../core/sock";
import { Task, task_get, task_signal_wake, signal_pending, MAX_TASKS } from "./task";

// Bit (sig - 1) of a 64-bit set: signals 1..64 (_NSIG = 64).
// @ts-ignore: decorator
@inline function sigmask(sig: i32): u64 { return (<u64>1) << <u64>(sig - 1); }

// sig_kernel_only / sig_kernel_ignore / sig_kernel_stop (include/linux/signal.h): the
// default-action classes of the standard signals. Every other signal terminates (the
// coredump class too: kstack writes no core, the process dies of the signal all the same).
// @ts-ignore: decorator
@inline function KERNEL_ONLY_MASK(): u64 { return sigmask(SIGKILL) | sigmask(SIGSTOP); }
// @ts-ignore: decorator
@inline function KERNEL_IGNORE_MASK(): u64 { return sigmask(SIGCONT) | sigmask(SIGCHLD) | sigmask(SIGWINCH) | sigmask(SIGURG); }
// @ts-ignore: decorator
@inline function KERNEL_STOP_MASK(): u64 { return sigmask(SIGSTOP) | sigmask(SIGTSTP) | sigmask(SIGTTIN) | sigmask(SIGTTOU); }

/** The sa_flags bits sigaction keeps (UAPI_SA_FLAGS, less SA_RESTORER which glibc sets). */
// @ts-ignore: decorator
@inline const SA_KNOWN: i32 = SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_NODEFER | SA_RESETHAND;

/**
 * struct k_sigaction, 16 bytes per signal at task.sighand + (sig - 1) * 16:
 *   0 kind (SIG_DFL 0 │ SIG_IGN 1 │ KSTACK_SIG_HANDLER 2) │ 4 sa_flags │ 8 sa_mask (u64)
 */
@final @unmanaged class KSigaction {
  kind: i32;
  sa_flags: i32;
  sa_mask: u64;
}
// @ts-ignore: decorator
@inline function k_sigaction(t: Task, sig: i32): KSigaction {
  return changetype<KSigaction>(t.sighand + (<usize>(sig - 1) << 4));
}

/** signal_get()'s answer (16 bytes), apart from the syscall arena, whose results (a
 *  recvfrom's address) the interrupted call has not read yet. */
const sig_out: usize = memory.data(16, 8);
export function signal_out(): usize { return sig_out; }

/** TIF_SIGPENDING per pid, one byte each, so the host tests it without a call. */
const sigpending_tab: usize = memory.data(MAX_TASKS + 1);
export function sigpending_table(): usize { return sigpending_tab; }

/** recalc_sigpending(): refreshes the host-visible flag after pending or blocked changed. */
function recalc_sigpending(t: Task): void {
  store<u8>(sigpending_tab + t.pid, signal_pending(t) ? 1 : 0);
}

// @ts-ignore: decorator
@inline function valid_signal(sig: i32): bool { return sig >= 0 && sig < NSIG; }

/** sig_handler_ignored(): SIG_IGN, or SIG_DFL whose default is to ignore (or, kstack, stop). */
function sig_handler_ignored(t: Task, sig: i32): bool {
  const kind = k_sigaction(t, sig).kind;
  if (kind == SIG_IGN) return true;
  return kind == SIG_DFL && (sigmask(sig) & (KERNEL_IGNORE_MASK() | KERNEL_STOP_MASK())) != 0;
}

/** sig_fatal(): the default action of an unhandled signal kills the process. */
function sig_fatal(t: Task, sig: i32): bool {
  return k_sigaction(t, sig).kind == SIG_DFL && (sigmask(sig) & (KERNEL_IGNORE_MASK() | KERNEL_STOP_MASK())) == 0;
}

/**
 * send_signal(): prepare_signal() drops a signal the task ignores (unless it is blocked:
 * the handler may change before it is unblocked); the rest is marked pending and, unless
 * blocked, wakes the task from an interruptible sleep (complete_signal). A fatal one is
 * noted for the host, which ends the process at once, as complete_signal's group exit.
 */
export function send_signal(t: Task, sig: i32): void {
  if (sig <= 0 || sig >= NSIG) return;
  const m = sigmask(sig);
  if (sig != SIGKILL && (t.sig_blocked & m) == 0 && sig_handler_ignored(t, sig)) return;
  t.sig_pending |= m;
  if ((t.sig_blocked & m) != 0) return;
  if (t.sig_fatal == 0 && (sig == SIGKILL || sig_fatal(t, sig))) t.sig_fatal = <u32>sig;
  recalc_sigpending(t);
  task_signal_wake(t);
}

/** kill_ok_by_cred(): same uid, or the sender is root (CAP_KILL). kstack tasks have one uid. */
function kill_ok(sender: Task | null, t: Task): bool {
  return sender === null || sender.uid == 0 || sender.uid == t.uid;
}

/** group_send_sig_info(): check_kill_permission, then send (signal 0 checks only). */
function group_send_sig_info(sender: Task | null, t: Task, sig: i32): i32 {
  if (!valid_signal(sig)) return -EINVAL;
  if (!kill_ok(sender, t)) return -EPERM;
  if (sig != 0) send_signal(t, sig);
  return 0;
}

/** __kill_pgrp_info(): every member of process group pgrp; 0 if any send succeeded. */
function kill_pgrp(sender: Task | null, pgrp: u32, sig: i32): i32 {
  let retval = -ESRCH;
  let success = false;
  for (let pid: u32 = 1; pid <= MAX_TASKS; pid++) {
    const t = task_get(pid);
    if (t === null || t.pgid != pgrp) continue;
    const err = group_send_sig_info(sender, t, sig);
    if (err == 0) success = true;
    retval = err;
  }
  return success ? 0 : retval;
}

/**
 * kill(2), kill_something_info(): pid > 0 that process; 0 the caller's process group;
 * -1 every process but init and the caller (EPERM ones do not count against success);
 * < -1 the process group -pid. `sender` null = the host (root, like a shell's kill).
 */
function kill_something(sender: Task | null, pid: i32, sig: i32): i32 {
  if (pid > 0) {
    const t = task_get(<u32>pid);
    if (t === null) return -ESRCH;
    return group_send_sig_info(sender, t, sig);
  }
  if (pid == i32.MIN_VALUE) return -ESRCH;
  if (pid != -1) {
    if (pid == 0 && sender === null) return -ESRCH;
    return kill_pgrp(sender, pid == 0 ? sender!.pgid : <u32>-pid, sig);
  }
  let retval = 0;
  let count = 0;
  for (let p: u32 = 2; p <= MAX_TASKS; p++) {
    const t = task_get(p);
    if (t === null || t === sender) continue;
    const err = group_send_sig_info(sender, t, sig);
    count++;
    if (err != -EPERM) retval = err;
  }
  return count != 0 ? retval : -ESRCH;
}

/** kill(2) from process `pid`. */
export function sys_kill(pid: u32, target: i32, sig: i32): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  return kill_something(t, target, sig);
}

/** A signal from outside every process (the host's process.kill(), a user at a shell as root). */
export function signal_kill(target: i32, sig: i32): i32 { return kill_something(null, target, sig); }

/** The fatal signal generated for pid (0 if none): the host ends the process with it. */
export function task_fatal_signal(pid: u32): i32 {
  const t = task_get(pid);
  return t === null ? 0 : <i32>t.sig_fatal;
}

/** Writes a 64-bit set as two u32 words (low: signals 1..32) at out. */
function put_set(out: usize, set: u64): void {
  store<u32>(out, <u32>set);
  store<u32>(out + 4, <u32>(set >> 32));
}

/**
 * rt_sigaction(2): kind SIG_DFL / SIG_IGN / KSTACK_SIG_HANDLER, or -1 to only read. The
 * old action is written at out (kind, flags, mask low, mask high). EINVAL for a number out
 * of 1..64, for glibc's reserved 32 and 33 (its sigaction refuses them), and for any change
 * to SIGKILL or SIGSTOP. Setting an action that ignores the signal discards it if pending
 * (do_sigaction, POSIX 3.3.1.3).
 */
export function sys_rt_sigaction(pid: u32, sig: i32, kind: i32, flags: i32, mask_lo: u32, mask_hi: u32, out: usize): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  if (sig < 1 || sig >= NSIG || sig == 32 || sig == 33) return -EINVAL;
  if (kind >= 0 && (sig == SIGKILL || sig == SIGSTOP)) return -EINVAL;
  if (kind > KSTACK_SIG_HANDLER) return -EINVAL;
  const ka = k_sigaction(t, sig);
  store<i32>(out, ka.kind);
  store<i32>(out + 4, ka.sa_flags);
  put_set(out + 8, ka.sa_mask);
  if (kind < 0) return 0;
  ka.kind = kind;
  ka.sa_flags = flags & SA_KNOWN;
  // sigdelsetmask(&act->sa.sa_mask, sigmask(SIGKILL) | sigmask(SIGSTOP))
  ka.sa_mask = ((<u64>mask_hi << 32) | <u64>mask_lo) & ~KERNEL_ONLY_MASK();
  if (sig_handler_ignored(t, sig)) {
    t.sig_pending &= ~sigmask(sig);
    recalc_sigpending(t);
  }
  return 0;
}

/**
 * rt_sigprocmask(2): SIG_BLOCK adds, SIG_UNBLOCK removes, SIG_SETMASK replaces; has_set 0
 * only reads. The old mask is written at out. SIGKILL and SIGSTOP cannot be blocked (they
 * are silently left out). A signal unblocked here is delivered before the call returns
 * (the host runs delivery at its exit).
 */
export function sys_rt_sigprocmask(pid: u32, how: i32, lo: u32, hi: u32, has_set: u32, out: usize): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  put_set(out, t.sig_blocked);
  if (has_set == 0) return 0;
  const set = ((<u64>hi << 32) | <u64>lo) & ~KERNEL_ONLY_MASK();
  if (how == SIG_BLOCK) t.sig_blocked |= set;
  else if (how == SIG_UNBLOCK) t.sig_blocked &= ~set;
  else if (how == SIG_SETMASK) t.sig_blocked = set;
  else return -EINVAL;
  recalc_sigpending(t);
  return 0;
}

/** rt_sigpending(2): the signals raised while blocked (do_sigpending), written at out. */
export function sys_rt_sigpending(pid: u32, out: usize): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  put_set(out, t.sig_pending & t.sig_blocked);
  return 0;
}

/**
 * rt_sigreturn(2): a handler is done; the mask saved in its frame comes back (the host
 * keeps the frame: the old mask signal_get() gave it).
 */
export function sys_rt_sigreturn(pid: u32, lo: u32, hi: u32): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  t.sig_blocked = ((<u64>hi << 32) | <u64>lo) & ~KERNEL_ONLY_MASK();
  recalc_sigpending(t);
  return 0;
}

/**
 * The -ERESTART* cases of handle_signal() (a handler is about to run) and of
 * arch_do_signal_or_restart() (no handler ran): returns the call's answer, or
 * -ERESTARTNOINTR for "make the same call again".
 */
function syscall_restart(rc: i32, handler: bool, sa_flags: i32): i32 {
  switch (-rc) {
    case ERESTART_RESTARTBLOCK:
    case ERESTARTNOHAND:
      return handler ? -EINTR : -ERESTARTNOINTR;
    case ERESTARTSYS:
      return !handler || (sa_flags & SA_RESTART) != 0 ? -ERESTARTNOINTR : -EINTR;
    case ERESTARTNOINTR:
      return -ERESTARTNOINTR;
    default:
      return rc;
  }
}

/**
 * get_signal() + handle_signal() at a syscall boundary of task pid; rc is the syscall's
 * answer (0 at a boundary with no call). Dequeues the lowest pending unblocked signal
 * (ignored ones are dropped on the way) and returns what the host must do:
 *   KSTACK_SIGACT_NONE      nothing left to deliver;
 *   KSTACK_SIGACT_HANDLER   run the handler for the signal, then sys_rt_sigreturn(old mask);
 *   KSTACK_SIGACT_TERMINATE the default action ends the process.
 * At out: 0 signo │ 4 the call's answer (-EINTR, -ERESTARTNOINTR = call again, or rc) │
 * 8 the mask to restore after the handler (two words). Entering a handler blocks its
 * sa_mask and, unless SA_NODEFER, the signal itself; SA_RESETHAND resets it to SIG_DFL.
 */
export function signal_get(pid: u32, rc: i32, out: usize): i32 {
  store<i32>(out, 0);
  store<i32>(out + 4, rc);
  const t = task_get(pid);
  if (t === null) return KSTACK_SIGACT_NONE;
  while ((t.sig_pending & ~t.sig_blocked) != 0) {
    const ready = t.sig_pending & ~t.sig_blocked;
    const sig = <i32>ctz(ready) + 1;
    t.sig_pending &= ~sigmask(sig);
    const ka = k_sigaction(t, sig);
    if (ka.kind == SIG_IGN) continue;
    if (ka.kind == SIG_DFL) {
      if (sig != SIGKILL && sig_handler_ignored(t, sig)) continue;
      // do_group_exit(): the process dies of the signal; nothing is restarted.
      recalc_sigpending(t);
      store<i32>(out, sig);
      return KSTACK_SIGACT_TERMINATE;
    }
    store<i32>(out, sig);
    store<i32>(out + 4, syscall_restart(rc, true, ka.sa_flags));
    put_set(out + 8, t.sig_blocked);
    // signal_delivered(): block sa_mask, and the signal itself unless SA_NODEFER.
    let blocked = t.sig_blocked | ka.sa_mask;
    if ((ka.sa_flags & SA_NODEFER) == 0) blocked |= sigmask(sig);
    t.sig_blocked = blocked & ~KERNEL_ONLY_MASK();
    if ((ka.sa_flags & SA_RESETHAND) != 0) {
      ka.kind = SIG_DFL;
      ka.sa_flags = 0;
      ka.sa_mask = 0;
    }
    recalc_sigpending(t);
    return KSTACK_SIGACT_HANDLER;
  }
  recalc_sigpending(t);
  store<i32>(out + 4, syscall_restart(rc, false, 0));
  return KSTACK_SIGACT_NONE;
}

/** sock_intr_errno(): a socket sleep with no timeout restarts under SA_RESTART; one with
 *  SO_RCVTIMEO/SO_SNDTIMEO set is never restarted (signal(7)). */
export function sock_intr_errno(timeo: u32): i32 { return timeo == 0 ? -ERESTARTSYS : -EINTR; }

/** sk_stream_error()'s SIGPIPE: a stream send that fails with EPIPE, without MSG_NOSIGNAL. */
export function send_sigpipe(t: Task, sk: Sock): void {
  if (sk.sk_type == <u32>SOCK_STREAM) send_signal(t, SIGPIPE);
}

// ───── fork, exit ─────

/** copy_sighand() and the inherited mask of fork(2); the child starts with nothing pending. */
export function signal_fork(child: Task, parent: Task): void {
  memory.copy(child.sighand, parent.sighand, 64 * 16);
  child.sig_blocked = parent.sig_blocked;
  child.sig_pending = 0;
  child.pgid = parent.pgid;
  child.ppid = parent.pid;
  recalc_sigpending(child);
}

/**
 * do_notify_parent(): SIGCHLD to the parent of an exiting child (whose default action
 * ignores it). The exiting task's own children lose their parent (reparented to init).
 */
export function signal_exit(t: Task): void {
  store<u8>(sigpending_tab + t.pid, 0);
  for (let p: u32 = 1; p <= MAX_TASKS; p++) {
    const c = task_get(p);
    if (c !== null && c.ppid == t.pid) c.ppid = 0;
  }
  if (t.ppid == 0) return;
  const parent = task_get(t.ppid);
  if (parent !== null) send_signal(parent, SIGCHLD);
}

// ───── signal-driven I/O (O_ASYNC, F_SETOWN, F_SETSIG) ─────

/** SOCKWQ_ASYNC_NOSPACE (kstack keeps it in sk_flags): a writer found the buffer full, so
 *  the next write-space wake-up raises SIGIO (sock_wake_async's SOCK_WAKE_SPACE case). */
// @ts-ignore: decorator
@inline export const SOCKWQ_ASYNC_NOSPACE: u32 = 1 << 16;

// SOCK_WAKE_SPACE comes as EPOLLOUT alone; a completed connect as EPOLLOUT | EPOLLWRNORM.

/**
 * sock_wake_async() → kill_fasync() → send_sigio(): the socket's owner (F_SETOWN: a pid,
 * or -pgid for a process group) gets F_SETSIG's signal, or SIGIO: on data (sk_data_ready),
 * a connection to accept (the listener's sk_data_ready), an error, a completed connect, the
 * peer's FIN, and write space, which raises it only after a writer found no space. kstack: sigio_perm's uid check is not made (every
 * F_SETOWN caller may signal its target here), and SOCK_WAKE_WAITD's "a reader is already
 * waiting in recv" exception is not modelled.
 */
function sock_wake_async(skp: usize, band: u32): void {
  const sk = changetype<Sock>(skp);
  if (sk.sk_owner == 0) return;
  if (band == EPOLLOUT) {
    if ((sk.sk_flags & SOCKWQ_ASYNC_NOSPACE) == 0) return;
    sk.sk_flags &= ~SOCKWQ_ASYNC_NOSPACE;
  }
  const sig = sk.sk_sig != 0 ? <i32>sk.sk_sig : SIGIO;
  if (sk.sk_owner > 0) {
    const t = task_get(<u32>sk.sk_owner);
    if (t !== null) send_signal(t, sig);
  } else {
    kill_pgrp(null, <u32>-sk.sk_owner, sig);
  }
}

/** f_setown(): 0 clears; a pid or -pgid must exist (ESRCH); INT_MIN is EINVAL. */
export function f_setown_check(who: i32): i32 {
  if (who == i32.MIN_VALUE) return -EINVAL;
  if (who > 0) return task_get(<u32>who) === null ? -ESRCH : 0;
  if (who < 0) {
    for (let p: u32 = 1; p <= MAX_TASKS; p++) {
      const t = task_get(p);
      if (t !== null && t.pgid == <u32>-who) return 0;
    }
    return -ESRCH;
  }
  return 0;
}

export function signal_init(): void {
  sk_set_wake_async(sock_wake_async.index);
}
