// Processes as the kernel sees them: pid, credentials, fd table, and how a syscall
// blocks. The kernel never blocks: a syscall that would sleep puts the task's wait entry
// on the socket's wait queue (and arms its timeout), returns KSTACK_EBLOCK, and the host
// parks the process until host_task_wake(pid), then repeats the same call. The task
// remembers its armed timeout across those retries; any final answer clears it.
// Linux: include/linux/sched.h, kernel/sched/wait.c (prepare_to_wait/finish_wait).
import { KSTACK_EBLOCK, ERESTART_RESTARTBLOCK } from "../abi/syscall";
import { EAGAIN, EINTR } from "../abi/errno";
import { jiffies } from "../kernel/clock";
import { TimerList, timer_setup, mod_timer, del_timer, timer_pending } from "../kernel/timer";
import { HrTimer, hrtimer_setup, hrtimer_start, hrtimer_cancel } from "../kernel/hrtimer";
import { ktime_ns } from "../kernel/clock";
import { WaitQueueEntry, init_waitqueue_entry, add_wait_queue, add_wait_queue_exclusive, remove_wait_queue } from "../kernel/wait";

@external("env", "host_task_wake")
declare function host_task_wake(pid: u32): void;

// @ts-ignore: decorator
@inline export const MAX_TASKS: u32 = 1024;
// @ts-ignore: decorator
@inline export const RLIMIT_NOFILE: u32 = 1024;

/**
 * struct task:
 *   0 timer (24) │ 24 wait entry (20) │ 44 pid │ uid │ gid │ fdt │ in_use │ flags │ …
 */
@final @unmanaged export class Task {
  t_next: usize;
  t_prev: usize;
  t_expires: u32;
  t_func: u32;
  t_data: usize;
  t_flags: u32;
  w_next: usize;
  w_prev: usize;
  w_func: u32;
  w_private: usize;
  w_flags: u32;
  pid: u32;
  uid: u32;
  gid: u32;
  /** RLIMIT_NOFILE slots: file pointer | FD_CLOEXEC in bit 0. */
  fdt: usize;
  in_use: u32;
  /** The armed timeout fired (TASK_WAKEKILL-free "timed out" flag for the retry). */
  timed_out: u32;
  /** A timeout is armed for the syscall in progress. */
  timer_armed: u32;
  /** Wake-ups delivered since the task last blocked (for the herd counters). */
  wakeups: u32;
  /** The task's hrtimer (nanosleep), allocated with the task. */
  hrtimer: usize;
  /** A syscall answered KSTACK_EBLOCK and has not had its final answer yet. */
  in_call: u32;
  /** When the current send()/recv() began (jiffies): SO_SNDTIMEO/SO_RCVTIMEO count from
   *  here across the kernel calls one blocking call is split into. */
  call_start: u32;
  /** A close() lingering (SO_LINGER {1, t}): the struct file being released, whose
   *  reference keeps the sock. Its descriptor is already gone (file_close_fd before
   *  fput), so sys_close_wait finds the wait here, not in the fd table. */
  close_file: usize;
  /** The armed timer is a vm_wait retry (sk_stream_wait_memory), not the socket timeout. */
  vm_wait: u32;
  // Signals (sys/signal.ts): pending and blocked sets, bit (signo - 1) for 1..64.
  sig_pending: u64;
  sig_blocked: u64;
  /** struct k_sigaction[64] (sys/signal.ts), allocated with the task. */
  sighand: usize;
  /** Parent (SIGCHLD) and process group (kill(0), kill(-pgid), F_SETOWN -pgid). */
  ppid: u32;
  pgid: u32;
  /** A fatal signal was generated (SIGNAL_GROUP_EXIT): its number, for the host to end us. */
  sig_fatal: u32;
}

/** signal_pending(): an unblocked signal waits (TIF_SIGPENDING). */
// @ts-ignore: decorator
@inline export function signal_pending(t: Task): bool { return (t.sig_pending & ~t.sig_blocked) != 0; }

/** k_sigaction[] size: 64 entries of 16 bytes (sys/signal.ts draws the layout). */
// @ts-ignore: decorator
@inline export const SIZEOF_SIGHAND: usize = 64 * 16;

const tasks: usize = memory.data(MAX_TASKS * 4, 4);
let ntasks_live: u32 = 0;

function task_timeout(tp: usize): void {
  const t = changetype<Task>(tp);
  t.timed_out = 1;
  task_wake(t);
}

function task_wake(t: Task): void {
  remove_wait_queue(changetype<WaitQueueEntry>(changetype<usize>(t) + 24));
  t.wakeups++;
  host_task_wake(t.pid);
}

/** signal_wake_up(): a task sleeping in a call wakes to see its signal (the host retries
 *  the call, which then answers with its interrupted code). */
export function task_signal_wake(t: Task): void {
  if (t.in_call != 0) task_wake(t);
}

/** The wait-queue callback (autoremove_wake_function). */
function task_wake_fn(entry: usize, key: u32): i32 {
  task_wake(changetype<Task>(entry - 24));
  return 1;
}

export function task_get(pid: u32): Task | null {
  if (pid == 0 || pid > MAX_TASKS) return null;
  const p = load<usize>(tasks + (<usize>(pid - 1) << 2));
  if (p == 0) return null;
  const t = changetype<Task>(p);
  return t.in_use != 0 ? t : null;
}

/** Creates the task for pid (chosen by the host); its fd table starts empty. */
export function task_create(pid: u32, uid: u32, gid: u32): i32 {
  if (pid == 0 || pid > MAX_TASKS) return -22;
  let p = load<usize>(tasks + (<usize>(pid - 1) << 2));
  if (p == 0) {
    p = heap.alloc(offsetof<Task>());
    store<usize>(tasks + (<usize>(pid - 1) << 2), p);
    changetype<Task>(p).fdt = heap.alloc(<usize>RLIMIT_NOFILE << 2);
    changetype<Task>(p).hrtimer = heap.alloc(offsetof<HrTimer>());
    changetype<Task>(p).sighand = heap.alloc(SIZEOF_SIGHAND);
  }
  const t = changetype<Task>(p);
  if (t.in_use != 0) return -17; // EEXIST
  const fdt = t.fdt;
  const hr = t.hrtimer;
  const sh = t.sighand;
  memory.fill(p, 0, offsetof<Task>());
  t.fdt = fdt;
  t.hrtimer = hr;
  t.sighand = sh;
  memory.fill(sh, 0, SIZEOF_SIGHAND);
  t.pgid = pid;
  hrtimer_setup(changetype<HrTimer>(hr), task_timeout.index, p);
  memory.fill(fdt, 0, <usize>RLIMIT_NOFILE << 2);
  t.pid = pid;
  t.uid = uid;
  t.gid = gid;
  t.in_use = 1;
  timer_setup(changetype<TimerList>(t), task_timeout.index, p);
  init_waitqueue_entry(changetype<WaitQueueEntry>(p + 24), task_wake_fn.index, p);
  ntasks_live++;
  return 0;
}

export function task_release(t: Task): void {
  task_wait_done(t);
  t.in_use = 0;
  ntasks_live--;
}
export function tasks_live(): u32 { return ntasks_live; }

/**
 * Blocks the task on wait queue `wq` for at most timeo_ms (0 = forever): returns
 * KSTACK_EBLOCK, or -EAGAIN once the timeout has fired (SO_RCVTIMEO/SO_SNDTIMEO answer
 * EAGAIN in Linux). `exclusive` queues as add_wait_queue_exclusive (accept's herd rule).
 * A pending signal ends the sleep with `intr` (TASK_INTERRUPTIBLE): -EINTR unless the
 * caller passes a restart code (socket calls pass sock_intr_errno(), sys/signal.ts).
 */
export function task_block(t: Task, wq: usize, timeo_ms: u32, exclusive: bool, intr: i32 = -EINTR): i32 {
  // tcp_recvmsg's order: a timeout that ran out answers EAGAIN before a pending signal.
  if (t.timed_out != 0) {
    task_wait_done(t);
    return -EAGAIN;
  }
  if (signal_pending(t)) {
    task_wait_done(t);
    return intr;
  }
  t.in_call = 1;
  const e = changetype<WaitQueueEntry>(changetype<usize>(t) + 24);
  if (e.next == 0 && wq != 0) {
    if (exclusive) add_wait_queue_exclusive(wq, e);
    else add_wait_queue(wq, e);
  }
  if (timeo_ms != 0 && t.timer_armed == 0) {
    t.timer_armed = 1;
    mod_timer(changetype<TimerList>(t), jiffies + timeo_ms);
  }
  return KSTACK_EBLOCK;
}

/** Blocks the task until an exact time (hrtimer), for nanosleep: KSTACK_EBLOCK until then. */
export function task_block_hr(t: Task, delay_ns: f64): i32 {
  // do_nanosleep(): a signal ends the sleep; handle_signal makes it EINTR.
  if (signal_pending(t)) {
    task_wait_done(t);
    return -ERESTART_RESTARTBLOCK;
  }
  t.in_call = 1;
  if (t.timer_armed == 0) {
    t.timer_armed = 1;
    hrtimer_start(changetype<HrTimer>(t.hrtimer), ktime_ns + delay_ns);
  }
  return KSTACK_EBLOCK;
}

/** Forgets the armed timer (and its having fired) so the next block arms a fresh one. */
export function task_disarm(t: Task): void {
  if (timer_pending(changetype<TimerList>(t))) del_timer(changetype<TimerList>(t));
  t.timer_armed = 0;
  t.timed_out = 0;
  t.vm_wait = 0;
}

/** True once the armed timeout has fired (nanosleep, poll timeouts). */
export function task_timed_out(t: Task): bool { return t.timed_out != 0; }

/** finish_wait(): the syscall has its answer (or was interrupted): forget the wait. */
export function task_wait_done(t: Task): void {
  remove_wait_queue(changetype<WaitQueueEntry>(changetype<usize>(t) + 24));
  if (timer_pending(changetype<TimerList>(t))) del_timer(changetype<TimerList>(t));
  hrtimer_cancel(changetype<HrTimer>(t.hrtimer));
  t.timer_armed = 0;
  t.timed_out = 0;
  t.vm_wait = 0;
  t.in_call = 0;
}
