// The kernel's abort handler (asconfig `use abort=`). Reaching it is a kernel bug, never a
// reaction to input: the host reports it with the message and source position, like a
// Linux oops. Linux: kernel/panic.c.

@external("env", "host_panic")
declare function host_panic(msg: usize, file: usize, line: u32, col: u32): void;

export function kernel_abort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  host_panic(changetype<usize>(message), changetype<usize>(fileName), line, column);
  unreachable();
}

/** BUG_ON(): a debug-build invariant check; compiled out of release builds. */
// @ts-ignore: decorator
@inline export function BUG_ON(cond: bool, msg: string): void {
  if (isDefined(KSTACK_DEBUG)) {
    if (cond) kernel_abort(msg, null, 0, 0);
  }
}
