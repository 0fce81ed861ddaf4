// kstack-internal syscall codes shared by the kernel and the host; never user-visible.
// Negative like -errno, but far past the last errno (EHWPOISON = 133), so they never
// collide with a real error; the host consumes them before a result reaches user code.
// Not part of the public `constants` (scripts/gen-abi.mjs leaves KSTACK_* names out).

// The syscall would block: the host waits on the task's wake-up and then retries the call
// (Linux puts the task to sleep inside the syscall instead; a Wasm kernel cannot).
// @ts-ignore: decorator
@inline export const KSTACK_EBLOCK: i32 = -1000;

/** Linux's kernel-internal "no such ioctl here" (include/linux/errno.h); sock_ioctl turns it
 *  into ENOTTY before user space sees it. */
// @ts-ignore: decorator
@inline export const ENOIOCTLCMD: i32 = 515;

/** Internal sendmsg flag: this call continues a send() that has already copied data (the
 *  host splits one blocking send into several kernel calls). An error then leaves sk_err
 *  for the next send(), as tcp_sendmsg returns the partial count without consuming it. */
// @ts-ignore: decorator
@inline export const KSTACK_MSG_CONT: i32 = 0x80000000;

// Linux's kernel-internal restart codes (include/linux/errno.h): a sleep cut short by a
// signal returns one of these, and signal delivery (handle_signal) turns it into -EINTR or
// a restart of the same call. Like ENOIOCTLCMD, user code never sees them.
// sock_intr_errno() with no timeout: restart if the handler has SA_RESTART, else EINTR.
// @ts-ignore: decorator
@inline export const ERESTARTSYS: i32 = 512;
// Always restart (kstack: also the delivery's "restart the call" answer).
// @ts-ignore: decorator
@inline export const ERESTARTNOINTR: i32 = 513;
// Restart only if no handler ran (poll, select).
// @ts-ignore: decorator
@inline export const ERESTARTNOHAND: i32 = 514;
// nanosleep: restart (with the time left) only if no handler ran, else EINTR.
// @ts-ignore: decorator
@inline export const ERESTART_RESTARTBLOCK: i32 = 516;
