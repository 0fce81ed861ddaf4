// poll(2). Linux: fs/select.c do_sys_poll/do_poll/do_pollfd. The first pass hooks the
// task on every polled file's wait queue (until one is ready or when the timeout is 0);
// the entries stay through every retry after a wake-up and go with the final answer.
//
// struct pollfd (8 bytes, at the syscall arena): 0 fd (i32) │ 4 events (i16) │ 6 revents (i16)
import { EINVAL, ESRCH } from "../abi/errno";
import { POLLNVAL, POLLERR, POLLHUP } from "../abi/poll";
import { task_get, task_block_poll, task_timed_out, RLIMIT_NOFILE } from "./task";
import { fget } from "./fdtable";
import { sys_return } from "./common";
import { PollTable, poll_initwait } from "./poll_table";
import { vfs_poll } from "./eventpoll";

const pt_mem: usize = memory.data(offsetof<PollTable>(), 4);

/** poll(): fills revents in place; returns how many have any, or -errno. */
export function sys_poll(pid: u32, ufds: usize, nfds: u32, timeout_ms: i32): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  // do_sys_poll: more entries than RLIMIT_NOFILE is EINVAL.
  if (nfds > RLIMIT_NOFILE) return -EINVAL;
  const pt = changetype<PollTable>(pt_mem);
  // Register only on the first attempt, and never for a zero timeout (do_poll sets
  // _qproc = NULL in both cases); retries after a wake-up find the entries in place.
  poll_initwait(pt, t, t.in_call == 0 && timeout_ms != 0);
  const timed_out = timeout_ms == 0 || task_timed_out(t);
  let count: i32 = 0;
  for (let i: u32 = 0; i < nfds; i++) {
    const p = ufds + (<usize>i << 3);
    const fd = load<i32>(p);
    let mask: u32 = 0;
    if (fd >= 0) {
      const f = fget(t, fd);
      if (f === null) {
        mask = <u32>POLLNVAL;
      } else {
        // do_pollfd: POLLERR and POLLHUP are reported whether asked for or not.
        const filter = <u32>load<u16>(p, 4) | <u32>POLLERR | <u32>POLLHUP;
        pt.key = filter;
        mask = vfs_poll(f, pt, 0) & filter;
      }
      if (mask != 0) {
        count++;
        pt.qproc = 0;
      }
    }
    store<u16>(p, <u16>mask, 6);
  }
  if (count != 0 || timed_out) return sys_return(t, count);
  return task_block_poll(t, 0, timeout_ms < 0 ? -1 : <f64>timeout_ms, false);
}
