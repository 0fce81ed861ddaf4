// sigaction(2), sigprocmask(2), sigpending(2) on the host side. The kernel keeps every
// disposition (SIG_DFL, SIG_IGN, or "has a handler" with sa_flags and sa_mask); the handler
// functions themselves, which the kernel cannot hold, live here, one table per process.
// Signal sets are arrays of signal numbers at the API (sorted, as sigset iteration gives
// them) and two u32 words (signals 1..32, 33..64) at the kernel ABI.
import { EINVAL, KSTACK_SIG_HANDLER, SIG_DFL, SIG_IGN } from '../abi/constants.js';
import type { Kernel } from '../kernel/kernel.js';

export type SigHandlerFn = (signo: number) => unknown;
export type SigHandler = SigHandlerFn | 'SIG_IGN' | 'SIG_DFL';
export interface SigAction { handler: SigHandler; flags?: number; mask?: readonly number[] }

/** The handler functions of one process, by signal number (copied by fork, as sighand is). */
export class SignalHandlers {
  readonly fns: (SigHandlerFn | undefined)[] = new Array(65);
  clone(): SignalHandlers {
    const c = new SignalHandlers();
    for (let i = 0; i < 65; i++) c.fns[i] = this.fns[i];
    return c;
  }
}

/** A set as two words, or null if it holds something that is not a signal number 1..64. */
export function sigsetToWords(set: unknown): [number, number] | null {
  if (!Array.isArray(set)) return null;
  let lo = 0;
  let hi = 0;
  for (const s of set) {
    if (!Number.isInteger(s) || s < 1 || s > 64) return null;
    if (s <= 32) lo |= 1 << (s - 1);
    else hi |= 1 << (s - 33);
  }
  return [lo >>> 0, hi >>> 0];
}

export function wordsToSigset(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 32; i++) if ((lo >>> i) & 1) out.push(i + 1);
  for (let i = 0; i < 32; i++) if ((hi >>> i) & 1) out.push(i + 33);
  return out;
}

/**
 * sigaction(signo, { handler, flags?, mask? }) → 0 or -errno. EINVAL for a malformed
 * action (no handler, a mask that is not an array of 1..64) as for a bad signal number, or
 * SIGKILL/SIGSTOP (the kernel decides those).
 */
export function sigaction(k: Kernel, pid: number, table: SignalHandlers, signo: number, act: SigAction | null | undefined): number {
  if (!Number.isInteger(signo)) return -EINVAL;
  if (act === null || act === undefined) return k.x.sys_rt_sigaction(pid, signo, -1, 0, 0, 0);
  if (typeof act !== 'object') return -EINVAL;
  const h = act.handler;
  const kind = h === 'SIG_DFL' ? SIG_DFL : h === 'SIG_IGN' ? SIG_IGN : typeof h === 'function' ? KSTACK_SIG_HANDLER : -2;
  if (kind < 0) return -EINVAL;
  const mask = sigsetToWords(act.mask ?? []);
  if (!mask) return -EINVAL;
  const r = k.x.sys_rt_sigaction(pid, signo, kind, Number(act.flags ?? 0) | 0, mask[0], mask[1]);
  if (r === 0) table.fns[signo] = kind === KSTACK_SIG_HANDLER ? (h as SigHandlerFn) : undefined;
  return r;
}

/** sigprocmask(how, set) → the old mask (an array), or -errno. A null set only reads it. */
export function sigprocmask(k: Kernel, pid: number, how: number, set: readonly number[] | null | undefined): number[] | number {
  let w: [number, number] = [0, 0];
  if (set !== null && set !== undefined) {
    const s = sigsetToWords(set);
    if (!s) return -EINVAL;
    w = s;
  }
  const r = k.x.sys_rt_sigprocmask(pid, Number(how) | 0, w[0], w[1], set === null || set === undefined ? 0 : 1);
  if (r < 0) return r;
  const u32 = k.u32();
  const o = k.uaddr >>> 2;
  return wordsToSigset(u32[o], u32[o + 1]);
}

/** sigpending() → the signals raised while blocked, or -errno. */
export function sigpending(k: Kernel, pid: number): number[] | number {
  const r = k.x.sys_rt_sigpending(pid);
  if (r < 0) return r;
  const u32 = k.u32();
  const o = k.uaddr >>> 2;
  return wordsToSigset(u32[o], u32[o + 1]);
}
