// Process lifetime as the kernel sees it: creation, fork (dup_fd), exit (every fd
// closed with its protocol's close rules), nanosleep, and abandoning a blocked call when
// a signal interrupts it. Linux: kernel/fork.c, kernel/exit.c, kernel/time/hrtimer.c.
import { ESRCH, EINVAL } from "../abi/errno";
import { task_get, task_create, task_release, task_block_hr, task_timed_out, task_wait_done, NR_OPEN } from "./task";
import { fd_remove, fdtable_copy, fd_table_size } from "./fdtable";
import { RLIMIT_NOFILE } from "../abi/resource";
import { fput, close_linger_finish } from "./sys_socket";
import { signal_fork, signal_exit } from "./signal";

export function sys_task_create(pid: u32, uid: u32, gid: u32): i32 { return task_create(pid, uid, gid); }

export function sys_task_fork(parent: u32, child: u32): i32 {
  const p = task_get(parent);
  if (p === null) return -ESRCH;
  const rc = task_create(child, p.uid, p.gid);
  if (rc != 0) return rc;
  const c = task_get(child);
  if (c === null) return -ESRCH;
  fdtable_copy(c, p);
  signal_fork(c, p);
  return 0;
}

/** do_exit(): closes every descriptor, then forgets the task. */
export function sys_task_exit(pid: u32): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  close_linger_finish(t);
  const n = fd_table_size(t);
  for (let fd: i32 = 0; fd < n; fd++) {
    const f = fd_remove(t, fd);
    if (f !== null) fput(f);
  }
  signal_exit(t);
  task_release(t);
  return 0;
}

/**
 * A signal interrupted the task's blocked call: stop waiting (the host answers EINTR).
 * A lingering close() is finished instead (sk_stream_wait_close stops on a pending
 * signal; the close itself completes, and Linux's close() still returns 0).
 */
export function sys_task_interrupt(pid: u32): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  task_wait_done(t);
  close_linger_finish(t);
  return 0;
}

/** nanosleep(): an exact sleep on an hrtimer (hrtimer_nanosleep), in ms (fractions allowed). */
export function sys_nanosleep(pid: u32, ms: f64): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  if (!(ms >= 0)) return -EINVAL;
  if (ms == 0) return 0;
  if (task_timed_out(t)) {
    task_wait_done(t);
    return 0;
  }
  return task_block_hr(t, ms * 1e6);
}


/**
 * setrlimit(RLIMIT_NOFILE): do_prlimit(). cur > max is EINVAL; raising max needs
 * CAP_SYS_RESOURCE (uid 0 here) and never goes past fs.nr_open (EPERM). Other resources
 * are not modelled (EINVAL). Descriptors already open above a lowered limit stay open.
 */
export function sys_setrlimit(pid: u32, resource: u32, cur: u32, max: u32): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  if (resource != <u32>RLIMIT_NOFILE) return -EINVAL;
  if (cur > max) return -EINVAL;
  if (max > t.nofile_max && t.uid != 0) return -1; // EPERM
  if (max > NR_OPEN) return -1; // EPERM: "nr_open" caps even root
  t.nofile_cur = cur;
  t.nofile_max = max;
  return 0;
}

/** getrlimit(RLIMIT_NOFILE): cur in the low word of the result pair (see index.ts). */
export function sys_getrlimit(pid: u32, resource: u32, max_out: usize): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  if (resource != <u32>RLIMIT_NOFILE) return -EINVAL;
  store<u32>(max_out, t.nofile_max);
  return <i32>t.nofile_cur;
}
