// epoll ABI numbers, Linux x86-64 (include/uapi/linux/eventpoll.h). The event bits are
// __poll_t (u32); we hold them in i32, so EPOLLET (1U << 31) reads as -2147483648.
// EPOLLIN..EPOLLRDHUP equal the POLL* bits of poll.ts. Mirrored by scripts/gen-abi.mjs.

// epoll_ctl(2) ops.
// @ts-ignore: decorator
@inline export const EPOLL_CTL_ADD: i32 = 1;
// @ts-ignore: decorator
@inline export const EPOLL_CTL_DEL: i32 = 2;
// @ts-ignore: decorator
@inline export const EPOLL_CTL_MOD: i32 = 3;

// epoll_create1(2) flag: = O_CLOEXEC.
// @ts-ignore: decorator
@inline export const EPOLL_CLOEXEC: i32 = 0o2000000;

// Event bits.
// @ts-ignore: decorator
@inline export const EPOLLIN: i32 = 0x001;
// @ts-ignore: decorator
@inline export const EPOLLPRI: i32 = 0x002;
// @ts-ignore: decorator
@inline export const EPOLLOUT: i32 = 0x004;
// @ts-ignore: decorator
@inline export const EPOLLERR: i32 = 0x008;
// @ts-ignore: decorator
@inline export const EPOLLHUP: i32 = 0x010;
// @ts-ignore: decorator
@inline export const EPOLLNVAL: i32 = 0x020;
// @ts-ignore: decorator
@inline export const EPOLLRDNORM: i32 = 0x040;
// @ts-ignore: decorator
@inline export const EPOLLRDBAND: i32 = 0x080;
// @ts-ignore: decorator
@inline export const EPOLLWRNORM: i32 = 0x100;
// @ts-ignore: decorator
@inline export const EPOLLWRBAND: i32 = 0x200;
// @ts-ignore: decorator
@inline export const EPOLLMSG: i32 = 0x400;
// @ts-ignore: decorator
@inline export const EPOLLRDHUP: i32 = 0x2000;
// set by io_uring wake-ups (Linux 6.1)
// @ts-ignore: decorator
@inline export const EPOLL_URING_WAKE: i32 = 1 << 27;

// Input-only flags (epoll_ctl events field).
// @ts-ignore: decorator
@inline export const EPOLLEXCLUSIVE: i32 = 1 << 28;
// @ts-ignore: decorator
@inline export const EPOLLWAKEUP: i32 = 1 << 29;
// @ts-ignore: decorator
@inline export const EPOLLONESHOT: i32 = 1 << 30;
// as i32: -2147483648
// @ts-ignore: decorator
@inline export const EPOLLET: i32 = 1 << 31;
