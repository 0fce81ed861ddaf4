// Signal delivery at a syscall boundary (signal(7) "Signal mask and pending signals",
// "Interruption of system calls and library functions by signal handlers"). The kernel
// decides (signal_get: which signal, which action, EINTR or restart); this file only runs
// what it says: the handler function, the sigreturn after it, the call made again, or the
// end of the process. A handler runs before the interrupted call returns to its caller.
//
// kstack: a process is an async function (or a worker computing on its own thread), so
// signals are acted on only at syscall boundaries (the entry of a call that may sleep,
// the exit of every call); a sleeping call is woken by the kernel and ends with its
// -ERESTART* code first. Several pending signals run one after the other, lowest number
// first (Linux stacks their frames, so the last one set up runs first).
import { EINTR, ERESTARTNOINTR, KSTACK_SIGACT_NONE, KSTACK_SIGACT_TERMINATE } from '../abi/constants.js';
import type { Kernel } from '../kernel/kernel.js';
import type { SignalHandlers } from './sigaction.js';

export interface DeliveryContext {
  readonly kernel: Kernel;
  readonly pid: number;
  readonly handlers: SignalHandlers;
  /** The default action ends the process with the signal (exited → { signal }). */
  terminate(signo: number): void;
}

/** TIF_SIGPENDING for pid, read from the kernel's table without a call. */
export function signalPending(k: Kernel, table: number, pid: number): boolean {
  return k.u8()[table + pid] !== 0;
}

/**
 * Acts on every deliverable signal; rc is the call's answer (0 when no call ended here).
 * Returns the answer the caller sees: rc, -EINTR, or whatever `restart` (the same call
 * made again) answers. Never resolves if a signal ends the process.
 */
export async function deliverSignals(ctx: DeliveryContext, rc: number, restart: (() => Promise<number>) | null): Promise<number> {
  const k = ctx.kernel;
  const o = k.x.signal_get_out() >>> 2;
  let answer = rc;
  for (;;) {
    const act = k.x.signal_get(ctx.pid, answer);
    const u32 = k.u32();
    const signo = u32[o];
    answer = u32[o + 1] | 0;
    if (act === KSTACK_SIGACT_NONE) break;
    if (act === KSTACK_SIGACT_TERMINATE) {
      ctx.terminate(signo);
      return new Promise<number>(() => {});
    }
    // The frame: the mask to restore once the handler returns (rt_sigreturn).
    const lo = u32[o + 2];
    const hi = u32[o + 3];
    const fn = ctx.handlers.fns[signo];
    try {
      if (fn) await fn(signo);
    } finally {
      // A handler that throws leaves like one that returns (the exception goes on to the
      // interrupted call's caller), so that its mask does not stay in force.
      k.x.sys_rt_sigreturn(ctx.pid, lo, hi);
    }
  }
  if (answer === -ERESTARTNOINTR) return restart ? restart() : -EINTR;
  return answer;
}
