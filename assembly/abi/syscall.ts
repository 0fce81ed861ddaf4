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
