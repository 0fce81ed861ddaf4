// ioctl(2) request numbers that sockets answer, Linux x86-64: FIO*/TIOC* from
// include/uapi/asm-generic/ioctls.h, SIOC* from include/uapi/asm-generic/sockios.h and
// include/uapi/linux/sockios.h. Mirrored by scripts/gen-abi.mjs.

// @ts-ignore: decorator
@inline export const TIOCOUTQ: i32 = 0x5411;
// @ts-ignore: decorator
@inline export const FIONREAD: i32 = 0x541B;
// @ts-ignore: decorator
@inline export const TIOCINQ: i32 = FIONREAD;
// @ts-ignore: decorator
@inline export const FIONBIO: i32 = 0x5421;
// @ts-ignore: decorator
@inline export const FIONCLEX: i32 = 0x5450;
// @ts-ignore: decorator
@inline export const FIOCLEX: i32 = 0x5451;
// @ts-ignore: decorator
@inline export const FIOASYNC: i32 = 0x5452;

// Socket ioctls. For TCP, SIOCINQ is the unread bytes, SIOCOUTQ the bytes not yet acked,
// SIOCOUTQNSD the bytes not yet sent (tcp_ioctl in net/ipv4/tcp.c).
// @ts-ignore: decorator
@inline export const SIOCINQ: i32 = FIONREAD;
// @ts-ignore: decorator
@inline export const SIOCOUTQ: i32 = TIOCOUTQ;
// @ts-ignore: decorator
@inline export const SIOCOUTQNSD: i32 = 0x894B;
// @ts-ignore: decorator
@inline export const FIOSETOWN: i32 = 0x8901;
// @ts-ignore: decorator
@inline export const SIOCSPGRP: i32 = 0x8902;
// @ts-ignore: decorator
@inline export const FIOGETOWN: i32 = 0x8903;
// @ts-ignore: decorator
@inline export const SIOCGPGRP: i32 = 0x8904;
// @ts-ignore: decorator
@inline export const SIOCATMARK: i32 = 0x8905;
