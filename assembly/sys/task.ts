// Processes as the kernel sees them: pid, credentials, fd table, and how a syscall
// blocks. The kernel never blocks: a syscall that would sleep puts the task's wait entry
// on the socket's wait queue (and arms its timeout), returns KSTACK_EBLOCK, and the host
// parks the process until host_task_wake(pid), then repeats the same call. The task
// remembers its armed timeout across those retries; any final answer clears it.
// Linux: include/linux/sched.h, kernel/sched/wait.c (prepare_to_wait/finish_wait).
import { KSTACK_EBLOCK, ERESTART_RESTARTBLOCK } from "../abi/syscall";
import { EAGAIN, EINTR, ESRCH } from "../abi/errno";
import { jiffies } from "../kernel/clock";
import { TimerList, timer_setup, mod_timer, del_timer, timer_pending } from "../kernel/timer";
import { HrTimer, hrtimer_setup, hrtimer_start, hrtimer_cancel } from "../kernel/hrtimer";
import { ktime_ns } from "../kernel/clock";
import { WaitQueueEntry, init_waitqueue_entry, add_wait_queue, add_wait_queue_exclusive, remove_wait_queue } from "../kernel/wait";
import { poll_freewait } from "./poll_table";

@external("env", "host_task_wake")
declare function host_task_wake(pid: u32): void;

// @ts-ignore: decorator
@inline export const MAX_TASKS: u32 = 1024;
/** RLIMIT_NOFILE as a login shell on Debian gets it from systemd: soft 1024, hard 524288
 *  (the kernel's own init values are 1024/4096; DefaultLimitNOFILE raises the hard one). */
// @ts-ignore: decorator
@inline export const RLIMIT_NOFILE: u32 = 1024;
// @ts-ignore: decorator
@inline export const RLIMIT_NOFILE_MAX: u32 = 524288;
/** fs.nr_open: no descriptor table grows past it, whatever the limit (Linux default 1048576). */
// @ts-ignore: decorator
@inline export const NR_OPEN: u32 = 1048576;

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
  /** fdt_size slots: file pointer | FD_CLOEXEC in bit 0. Grows by doubling up to the
   *  RLIMIT_NOFILE soft limit (expand_files), never shrinks. */
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
  /** Slots in fdt. */
  fdt_size: u32;
  /** files->next_fd: no descriptor below it is free (alloc_fd starts its search there). */
  next_fd: u32;
  /** RLIMIT_NOFILE: rlim_cur, rlim_max. */
  nofile_cur: u32;
  nofile_max: u32;
  /** poll()/select(): this task's poll_table_entry list (poll_wqueues), freed at the answer. */
  poll_list: usize;
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
  /** Sleeping in wait4() (do_wait's interruptible sleep), which the host runs: a signal
   *  wakes it as it wakes a task in a kernel wait. */
  host_wait: u32;
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

export function task_wake(t: Task): void {
  remove_wait_queue(changetype<WaitQueueEntry>(changetype<usize>(t) + 24));
  t.wakeups++;
  host_task_wake(t.pid);
}

/** signal_wake_up(): a task sleeping in a call wakes to see its signal (the host retries
 *  the call, which then answers with its interrupted code). */
export function task_signal_wake(t: Task): void {
  if (t.in_call != 0 || t.host_wait != 0) task_wake(t);
}

/** The host's wait4() sleeps (on) or ends (off) for pid; -ESRCH for an unknown task. */
export function task_set_host_wait(pid: u32, on: u32): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  t.host_wait = on != 0 ? 1 : 0;
  return 0;
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
    changetype<Task>(p).fdt_size = RLIMIT_NOFILE;
    changetype<Task>(p).hrtimer = heap.alloc(offsetof<HrTimer>());
    changetype<Task>(p).sighand = heap.alloc(SIZEOF_SIGHAND);
  }
  const t = changetype<Task>(p);
  if (t.in_use != 0) return -17; // EEXIST
  const fdt = t.fdt;
  const fdt_size = t.fdt_size;
  const hr = t.hrtimer;
  const sh = t.sighand;
  memory.fill(p, 0, offsetof<Task>());
  t.fdt = fdt;
  t.fdt_size = fdt_size;
  t.nofile_cur = RLIMIT_NOFILE;
  t.nofile_max = RLIMIT_NOFILE_MAX;
  t.hrtimer = hr;
  t.sighand = sh;
  memory.fill(sh, 0, SIZEOF_SIGHAND);
  t.pgid = pid;
  hrtimer_setup(changetype<HrTimer>(hr), task_timeout.index, p);
  memory.fill(fdt, 0, <usize>fdt_size << 2);
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

/**
 * The sleep of epoll_wait/poll/select: on `wq` (0 = none; poll's entries are already
 * queued), until a wake-up or, when timeout_ms >= 0, an hrtimer counted from the first
 * attempt (schedule_hrtimeout_range, as fs/select.c and ep_poll use). Returns KSTACK_EBLOCK.
 */
export function task_block_poll(t: Task, wq: usize, timeout_ms: f64, exclusive: bool): i32 {
  // ep_poll()/do_poll()/do_select(): a pending signal ends the wait with EINTR; these
  // calls are never restarted (signal(7)).
  if (signal_pending(t)) {
    task_wait_done(t);
    return -EINTR;
  }
  t.in_call = 1;
  const e = changetype<WaitQueueEntry>(changetype<usize>(t) + 24);
  if (e.next == 0 && wq != 0) {
    if (exclusive) add_wait_queue_exclusive(wq, e);
    else add_wait_queue(wq, e);
  }
  if (timeout_ms >= 0 && t.timer_armed == 0) {
    t.timer_armed = 1;
    hrtimer_start(changetype<HrTimer>(t.hrtimer), ktime_ns + timeout_ms * 1e6);
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
  if (t.poll_list != 0) poll_freewait(t);
  remove_wait_queue(changetype<WaitQueueEntry>(changetype<usize>(t) + 24));
  if (timer_pending(changetype<TimerList>(t))) del_timer(changetype<TimerList>(t));
  hrtimer_cancel(changetype<HrTimer>(t.hrtimer));
  t.timer_armed = 0;
  t.timed_out = 0;
  t.vm_wait = 0;
  t.in_call = 0;
}
