// select(2). Linux: fs/select.c core_sys_select/do_select, with poll's readiness sets:
// readable = POLLIN_SET, writable = POLLOUT_SET, exceptional = POLLEX_SET.
//
// The three fd_sets (FD_SETSIZE bits, 128 bytes each) sit at the syscall arena: in at 0,
// out at 128, ex at 256; results are written over them.
import { EBADF, EINVAL, ESRCH } from "../abi/errno";
import { POLLIN, POLLOUT, POLLPRI, POLLERR, POLLHUP, POLLRDNORM, POLLRDBAND, POLLWRNORM, POLLWRBAND, FD_SETSIZE } from "../abi/poll";
import { task_get, task_block_poll, task_timed_out, RLIMIT_NOFILE } from "./task";
import { fget } from "./fdtable";
import { sys_return } from "./common";
import { PollTable, poll_initwait } from "./poll_table";
import { vfs_poll } from "./eventpoll";

// @ts-ignore: decorator
@inline const POLLIN_SET: u32 = <u32>(POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR);
// @ts-ignore: decorator
@inline const POLLOUT_SET: u32 = <u32>(POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR);
// @ts-ignore: decorator
@inline const POLLEX_SET: u32 = <u32>POLLPRI;
// @ts-ignore: decorator
@inline export const FDSET_BYTES: usize = <usize>FD_SETSIZE >> 3;

const pt_mem: usize = memory.data(offsetof<PollTable>(), 4);
/** The results, built apart from the request as do_select's res_in/out/ex. */
const res_mem: usize = memory.data(<i32>FDSET_BYTES * 3, 4);

// @ts-ignore: decorator
@inline function bit(set: usize, fd: u32): bool { return (load<u8>(set + (fd >> 3)) & (1 << (fd & 7))) != 0; }
// @ts-ignore: decorator
@inline function set_bit(set: usize, fd: u32): void { store<u8>(set + (fd >> 3), <u8>(<u32>load<u8>(set + (fd >> 3)) | (<u32>1 << (fd & 7)))); }

/** select(): the sets at `sets` are rewritten with the ready fds; returns their count or -errno. */
export function sys_select(pid: u32, n: i32, sets: usize, timeout_ms: i32): i32 {
  const t = task_get(pid);
  if (t === null) return -ESRCH;
  if (n < 0) return -EINVAL;
  // core_sys_select: n beyond the fd table (max_fds, here RLIMIT_NOFILE = FD_SETSIZE) is cut to it.
  if (<u32>n > RLIMIT_NOFILE) n = <i32>RLIMIT_NOFILE;
  const inp = sets;
  const outp = sets + FDSET_BYTES;
  const exp = sets + FDSET_BYTES * 2;
  // max_select_fd(): any fd in any set that is not open is EBADF, before anything else.
  for (let fd: u32 = 0; fd < <u32>n; fd++) {
    if ((bit(inp, fd) || bit(outp, fd) || bit(exp, fd)) && fget(t, <i32>fd) === null) return sys_return(t, -EBADF);
  }
  const pt = changetype<PollTable>(pt_mem);
  poll_initwait(pt, t, t.in_call == 0 && timeout_ms != 0);
  const timed_out = timeout_ms == 0 || task_timed_out(t);
  memory.fill(res_mem, 0, FDSET_BYTES * 3);
  let retval: i32 = 0;
  for (let fd: u32 = 0; fd < <u32>n; fd++) {
    const want_in = bit(inp, fd);
    const want_out = bit(outp, fd);
    const want_ex = bit(exp, fd);
    if (!want_in && !want_out && !want_ex) continue;
    const f = fget(t, <i32>fd);
    if (f === null) continue;
    // wait_key_set(): the events this fd's entry wakes for.
    pt.key = POLLEX_SET | (want_in ? POLLIN_SET : 0) | (want_out ? POLLOUT_SET : 0);
    const mask = vfs_poll(f, pt, 0);
    if (want_in && (mask & POLLIN_SET) != 0) { set_bit(res_mem, fd); retval++; pt.qproc = 0; }
    if (want_out && (mask & POLLOUT_SET) != 0) { set_bit(res_mem + FDSET_BYTES, fd); retval++; pt.qproc = 0; }
    if (want_ex && (mask & POLLEX_SET) != 0) { set_bit(res_mem + FDSET_BYTES * 2, fd); retval++; pt.qproc = 0; }
  }
  if (retval != 0 || timed_out) {
    memory.copy(sets, res_mem, FDSET_BYTES * 3);
    return sys_return(t, retval);
  }
  return task_block_poll(t, 0, timeout_ms < 0 ? -1 : <f64>timeout_ms, false);
}
