// poll(2)/select(2) ABI numbers, Linux x86-64: event bits from
// include/uapi/asm-generic/poll.h, FD_SETSIZE from include/uapi/linux/posix_types.h
// (__FD_SETSIZE). Mirrored by scripts/gen-abi.mjs.

// @ts-ignore: decorator
@inline export const POLLIN: i32 = 0x0001;
// @ts-ignore: decorator
@inline export const POLLPRI: i32 = 0x0002;
// @ts-ignore: decorator
@inline export const POLLOUT: i32 = 0x0004;
// @ts-ignore: decorator
@inline export const POLLERR: i32 = 0x0008;
// @ts-ignore: decorator
@inline export const POLLHUP: i32 = 0x0010;
// @ts-ignore: decorator
@inline export const POLLNVAL: i32 = 0x0020;
// @ts-ignore: decorator
@inline export const POLLRDNORM: i32 = 0x0040;
// @ts-ignore: decorator
@inline export const POLLRDBAND: i32 = 0x0080;
// @ts-ignore: decorator
@inline export const POLLWRNORM: i32 = 0x0100;
// @ts-ignore: decorator
@inline export const POLLWRBAND: i32 = 0x0200;
// @ts-ignore: decorator
@inline export const POLLMSG: i32 = 0x0400;
// @ts-ignore: decorator
@inline export const POLLREMOVE: i32 = 0x1000;
// @ts-ignore: decorator
@inline export const POLLRDHUP: i32 = 0x2000;

// select(2) fd_set capacity in bits.
// @ts-ignore: decorator
@inline export const FD_SETSIZE: i32 = 1024;
