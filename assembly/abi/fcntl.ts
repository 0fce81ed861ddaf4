// fcntl(2) and open flags, Linux x86-64 (include/uapi/asm-generic/fcntl.h, x86 uses the
// generic values; F_DUPFD_CLOEXEC from include/uapi/linux/fcntl.h). Octal as in the header.
// Only the subset a socket fd table needs. Mirrored by scripts/gen-abi.mjs.

// Commands.
// @ts-ignore: decorator
@inline export const F_DUPFD: i32 = 0;
// @ts-ignore: decorator
@inline export const F_GETFD: i32 = 1;
// @ts-ignore: decorator
@inline export const F_SETFD: i32 = 2;
// @ts-ignore: decorator
@inline export const F_GETFL: i32 = 3;
// @ts-ignore: decorator
@inline export const F_SETFL: i32 = 4;
// SIGIO/SIGURG target
// @ts-ignore: decorator
@inline export const F_SETOWN: i32 = 8;
// @ts-ignore: decorator
@inline export const F_GETOWN: i32 = 9;
// signal sent instead of SIGIO
// @ts-ignore: decorator
@inline export const F_SETSIG: i32 = 10;
// @ts-ignore: decorator
@inline export const F_GETSIG: i32 = 11;
// @ts-ignore: decorator
@inline export const F_SETOWN_EX: i32 = 15;
// @ts-ignore: decorator
@inline export const F_GETOWN_EX: i32 = 16;
// @ts-ignore: decorator
@inline export const F_LINUX_SPECIFIC_BASE: i32 = 1024;
// @ts-ignore: decorator
@inline export const F_DUPFD_CLOEXEC: i32 = F_LINUX_SPECIFIC_BASE + 6;

// F_GETFD/F_SETFD flag.
// @ts-ignore: decorator
@inline export const FD_CLOEXEC: i32 = 1;

// F_SETOWN_EX owner types.
// @ts-ignore: decorator
@inline export const F_OWNER_TID: i32 = 0;
// @ts-ignore: decorator
@inline export const F_OWNER_PID: i32 = 1;
// @ts-ignore: decorator
@inline export const F_OWNER_PGRP: i32 = 2;

// File status flags (F_GETFL/F_SETFL).
// @ts-ignore: decorator
@inline export const O_ACCMODE: i32 = 0o3;
// @ts-ignore: decorator
@inline export const O_RDONLY: i32 = 0o0;
// @ts-ignore: decorator
@inline export const O_WRONLY: i32 = 0o1;
// @ts-ignore: decorator
@inline export const O_RDWR: i32 = 0o2;
// @ts-ignore: decorator
@inline export const O_APPEND: i32 = 0o2000;
// @ts-ignore: decorator
@inline export const O_NONBLOCK: i32 = 0o4000;
// @ts-ignore: decorator
@inline export const O_NDELAY: i32 = O_NONBLOCK;
// FASYNC: deliver SIGIO (F_SETOWN) on readiness
// @ts-ignore: decorator
@inline export const O_ASYNC: i32 = 0o20000;
// @ts-ignore: decorator
@inline export const O_CLOEXEC: i32 = 0o2000000;
