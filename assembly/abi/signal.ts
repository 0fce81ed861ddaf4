// Signal ABI numbers, Linux x86-64: numbers from include/uapi/asm-generic/signal.h (x86
// uses the same list), SA_* and SIG_* from include/uapi/asm-generic/signal-defs.h.
// SIGRTMIN/NSIG follow glibc (what a program sees), not the kernel. Mirrored by gen-abi.mjs.

// @ts-ignore: decorator
@inline export const SIGHUP: i32 = 1;
// @ts-ignore: decorator
@inline export const SIGINT: i32 = 2;
// @ts-ignore: decorator
@inline export const SIGQUIT: i32 = 3;
// @ts-ignore: decorator
@inline export const SIGILL: i32 = 4;
// @ts-ignore: decorator
@inline export const SIGTRAP: i32 = 5;
// @ts-ignore: decorator
@inline export const SIGABRT: i32 = 6;
// @ts-ignore: decorator
@inline export const SIGBUS: i32 = 7;
// @ts-ignore: decorator
@inline export const SIGFPE: i32 = 8;
// @ts-ignore: decorator
@inline export const SIGKILL: i32 = 9;
// @ts-ignore: decorator
@inline export const SIGUSR1: i32 = 10;
// @ts-ignore: decorator
@inline export const SIGSEGV: i32 = 11;
// @ts-ignore: decorator
@inline export const SIGUSR2: i32 = 12;
// @ts-ignore: decorator
@inline export const SIGPIPE: i32 = 13;
// @ts-ignore: decorator
@inline export const SIGALRM: i32 = 14;
// @ts-ignore: decorator
@inline export const SIGTERM: i32 = 15;
// @ts-ignore: decorator
@inline export const SIGSTKFLT: i32 = 16;
// @ts-ignore: decorator
@inline export const SIGCHLD: i32 = 17;
// @ts-ignore: decorator
@inline export const SIGCONT: i32 = 18;
// @ts-ignore: decorator
@inline export const SIGSTOP: i32 = 19;
// @ts-ignore: decorator
@inline export const SIGTSTP: i32 = 20;
// @ts-ignore: decorator
@inline export const SIGTTIN: i32 = 21;
// @ts-ignore: decorator
@inline export const SIGTTOU: i32 = 22;
// @ts-ignore: decorator
@inline export const SIGURG: i32 = 23;
// @ts-ignore: decorator
@inline export const SIGXCPU: i32 = 24;
// @ts-ignore: decorator
@inline export const SIGXFSZ: i32 = 25;
// @ts-ignore: decorator
@inline export const SIGVTALRM: i32 = 26;
// @ts-ignore: decorator
@inline export const SIGPROF: i32 = 27;
// @ts-ignore: decorator
@inline export const SIGWINCH: i32 = 28;
// @ts-ignore: decorator
@inline export const SIGIO: i32 = 29;
// @ts-ignore: decorator
@inline export const SIGPWR: i32 = 30;
// @ts-ignore: decorator
@inline export const SIGSYS: i32 = 31;
// @ts-ignore: decorator
@inline export const SIGIOT: i32 = SIGABRT;
// @ts-ignore: decorator
@inline export const SIGPOLL: i32 = SIGIO;
// System V name kept by glibc
// @ts-ignore: decorator
@inline export const SIGCLD: i32 = SIGCHLD;
// @ts-ignore: decorator
@inline export const SIGUNUSED: i32 = SIGSYS;

// Real-time signals. The kernel's SIGRTMIN is 32; glibc keeps 32 and 33 for NPTL, so
// programs see SIGRTMIN = 34 (signal(7)). NSIG = _NSIG + 1 = 65 (glibc).
// @ts-ignore: decorator
@inline export const SIGRTMIN: i32 = 34;
// @ts-ignore: decorator
@inline export const SIGRTMAX: i32 = 64;
// @ts-ignore: decorator
@inline export const NSIG: i32 = 65;

// sigaction(2) sa_flags. SA_RESETHAND is 0x80000000, which reads as i32 -2147483648.
// @ts-ignore: decorator
@inline export const SA_NOCLDSTOP: i32 = 0x00000001;
// @ts-ignore: decorator
@inline export const SA_NOCLDWAIT: i32 = 0x00000002;
// @ts-ignore: decorator
@inline export const SA_SIGINFO: i32 = 0x00000004;
// x86: arch/x86/include/uapi/asm/signal.h
// @ts-ignore: decorator
@inline export const SA_RESTORER: i32 = 0x04000000;
// @ts-ignore: decorator
@inline export const SA_ONSTACK: i32 = 0x08000000;
// @ts-ignore: decorator
@inline export const SA_RESTART: i32 = 0x10000000;
// @ts-ignore: decorator
@inline export const SA_NODEFER: i32 = 0x40000000;
// @ts-ignore: decorator
@inline export const SA_RESETHAND: i32 = 1 << 31;
// @ts-ignore: decorator
@inline export const SA_NOMASK: i32 = SA_NODEFER;
// @ts-ignore: decorator
@inline export const SA_ONESHOT: i32 = SA_RESETHAND;

// sigprocmask(2) how.
// @ts-ignore: decorator
@inline export const SIG_BLOCK: i32 = 0;
// @ts-ignore: decorator
@inline export const SIG_UNBLOCK: i32 = 1;
// @ts-ignore: decorator
@inline export const SIG_SETMASK: i32 = 2;

// sa_handler special values (((__sighandler_t)0) and 1).
// @ts-ignore: decorator
@inline export const SIG_DFL: i32 = 0;
// @ts-ignore: decorator
@inline export const SIG_IGN: i32 = 1;

// kstack: the kernel knows only the kind of a disposition; the handler function itself
// lives in the host (host/signal/sigaction.ts). SIG_DFL and SIG_IGN as above.
// @ts-ignore: decorator
@inline export const KSTACK_SIG_HANDLER: i32 = 2;
// kstack: what signal_get() tells the host to do with the signal it dequeued.
// @ts-ignore: decorator
@inline export const KSTACK_SIGACT_NONE: i32 = 0;
// @ts-ignore: decorator
@inline export const KSTACK_SIGACT_HANDLER: i32 = 1;
// @ts-ignore: decorator
@inline export const KSTACK_SIGACT_TERMINATE: i32 = 2;
