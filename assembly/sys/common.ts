// Helpers every syscall file shares: the caller's task, the socket behind an fd, and
// the end of a syscall (forget any wait). Errors: ESRCH for an unknown pid (a host bug,
// never a user's), EBADF/ENOTSOCK for bad descriptors, as Linux's sockfd_lookup.
import { ESRCH } from "../abi/errno";
import { KSTACK_EBLOCK } from "../abi/syscall";
import { Sock } from "../core/sock";
import { Task, task_get, task_wait_done } from "./task";
import { sockfd_lookup } from "./fdtable";

const err_slot: usize = memory.data(8, 4);

/** The socket for (pid, fd), or null with the -errno in `last_err()`. */
export function sock_of(pid: u32, fd: i32): Sock | null {
  const t = task_get(pid);
  if (t === null) { store<i32>(err_slot, -ESRCH); return null; }
  return sockfd_lookup(t, fd, err_slot);
}
export function last_err(): i32 { return load<i32>(err_slot); }
export function err_out(): usize { return err_slot; }

/** Every syscall's exit: a final answer ends any wait the task had armed. */
export function sys_return(t: Task | null, rc: i32): i32 {
  if (t !== null && rc != KSTACK_EBLOCK) task_wait_done(t);
  return rc;
}
