// errno values, Linux x86-64 (include/uapi/asm-generic/errno-base.h for 1..34,
// include/uapi/asm-generic/errno.h for 35..133). Syscalls return -errno (DESIGN.md,
// "Errors"), so these numbers are what users see; they must equal Linux exactly.
// Mirrored into host/abi/constants.ts by scripts/gen-abi.mjs: one declaration per line.

// asm-generic/errno-base.h
// @ts-ignore: decorator
@inline export const EPERM: i32 = 1;
// @ts-ignore: decorator
@inline export const ENOENT: i32 = 2;
// @ts-ignore: decorator
@inline export const ESRCH: i32 = 3;
// @ts-ignore: decorator
@inline export const EINTR: i32 = 4;
// @ts-ignore: decorator
@inline export const EIO: i32 = 5;
// @ts-ignore: decorator
@inline export const ENXIO: i32 = 6;
// @ts-ignore: decorator
@inline export const E2BIG: i32 = 7;
// @ts-ignore: decorator
@inline export const ENOEXEC: i32 = 8;
// @ts-ignore: decorator
@inline export const EBADF: i32 = 9;
// @ts-ignore: decorator
@inline export const ECHILD: i32 = 10;
// @ts-ignore: decorator
@inline export const EAGAIN: i32 = 11;
// @ts-ignore: decorator
@inline export const ENOMEM: i32 = 12;
// @ts-ignore: decorator
@inline export const EACCES: i32 = 13;
// @ts-ignore: decorator
@inline export const EFAULT: i32 = 14;
// @ts-ignore: decorator
@inline export const ENOTBLK: i32 = 15;
// @ts-ignore: decorator
@inline export const EBUSY: i32 = 16;
// @ts-ignore: decorator
@inline export const EEXIST: i32 = 17;
// @ts-ignore: decorator
@inline export const EXDEV: i32 = 18;
// @ts-ignore: decorator
@inline export const ENODEV: i32 = 19;
// @ts-ignore: decorator
@inline export const ENOTDIR: i32 = 20;
// @ts-ignore: decorator
@inline export const EISDIR: i32 = 21;
// @ts-ignore: decorator
@inline export const EINVAL: i32 = 22;
// @ts-ignore: decorator
@inline export const ENFILE: i32 = 23;
// @ts-ignore: decorator
@inline export const EMFILE: i32 = 24;
// @ts-ignore: decorator
@inline export const ENOTTY: i32 = 25;
// @ts-ignore: decorator
@inline export const ETXTBSY: i32 = 26;
// @ts-ignore: decorator
@inline export const EFBIG: i32 = 27;
// @ts-ignore: decorator
@inline export const ENOSPC: i32 = 28;
// @ts-ignore: decorator
@inline export const ESPIPE: i32 = 29;
// @ts-ignore: decorator
@inline export const EROFS: i32 = 30;
// @ts-ignore: decorator
@inline export const EMLINK: i32 = 31;
// @ts-ignore: decorator
@inline export const EPIPE: i32 = 32;
// @ts-ignore: decorator
@inline export const EDOM: i32 = 33;
// @ts-ignore: decorator
@inline export const ERANGE: i32 = 34;

// asm-generic/errno.h
// @ts-ignore: decorator
@inline export const EDEADLK: i32 = 35;
// @ts-ignore: decorator
@inline export const ENAMETOOLONG: i32 = 36;
// @ts-ignore: decorator
@inline export const ENOLCK: i32 = 37;
// @ts-ignore: decorator
@inline export const ENOSYS: i32 = 38;
// @ts-ignore: decorator
@inline export const ENOTEMPTY: i32 = 39;
// @ts-ignore: decorator
@inline export const ELOOP: i32 = 40;
// EWOULDBLOCK is EAGAIN on Linux; host errnoName() prints 'EAGAIN'.
// @ts-ignore: decorator
@inline export const EWOULDBLOCK: i32 = EAGAIN;
// @ts-ignore: decorator
@inline export const ENOMSG: i32 = 42;
// @ts-ignore: decorator
@inline export const EIDRM: i32 = 43;
// @ts-ignore: decorator
@inline export const ECHRNG: i32 = 44;
// @ts-ignore: decorator
@inline export const EL2NSYNC: i32 = 45;
// @ts-ignore: decorator
@inline export const EL3HLT: i32 = 46;
// @ts-ignore: decorator
@inline export const EL3RST: i32 = 47;
// @ts-ignore: decorator
@inline export const ELNRNG: i32 = 48;
// @ts-ignore: decorator
@inline export const EUNATCH: i32 = 49;
// @ts-ignore: decorator
@inline export const ENOCSI: i32 = 50;
// @ts-ignore: decorator
@inline export const EL2HLT: i32 = 51;
// @ts-ignore: decorator
@inline export const EBADE: i32 = 52;
// @ts-ignore: decorator
@inline export const EBADR: i32 = 53;
// @ts-ignore: decorator
@inline export const EXFULL: i32 = 54;
// @ts-ignore: decorator
@inline export const ENOANO: i32 = 55;
// @ts-ignore: decorator
@inline export const EBADRQC: i32 = 56;
// @ts-ignore: decorator
@inline export const EBADSLT: i32 = 57;
// @ts-ignore: decorator
@inline export const EDEADLOCK: i32 = EDEADLK;
// @ts-ignore: decorator
@inline export const EBFONT: i32 = 59;
// @ts-ignore: decorator
@inline export const ENOSTR: i32 = 60;
// @ts-ignore: decorator
@inline export const ENODATA: i32 = 61;
// @ts-ignore: decorator
@inline export const ETIME: i32 = 62;
// @ts-ignore: decorator
@inline export const ENOSR: i32 = 63;
// @ts-ignore: decorator
@inline export const ENONET: i32 = 64;
// @ts-ignore: decorator
@inline export const ENOPKG: i32 = 65;
// @ts-ignore: decorator
@inline export const EREMOTE: i32 = 66;
// @ts-ignore: decorator
@inline export const ENOLINK: i32 = 67;
// @ts-ignore: decorator
@inline export const EADV: i32 = 68;
// @ts-ignore: decorator
@inline export const ESRMNT: i32 = 69;
// @ts-ignore: decorator
@inline export const ECOMM: i32 = 70;
// @ts-ignore: decorator
@inline export const EPROTO: i32 = 71;
// @ts-ignore: decorator
@inline export const EMULTIHOP: i32 = 72;
// @ts-ignore: decorator
@inline export const EDOTDOT: i32 = 73;
// @ts-ignore: decorator
@inline export const EBADMSG: i32 = 74;
// @ts-ignore: decorator
@inline export const EOVERFLOW: i32 = 75;
// @ts-ignore: decorator
@inline export const ENOTUNIQ: i32 = 76;
// @ts-ignore: decorator
@inline export const EBADFD: i32 = 77;
// @ts-ignore: decorator
@inline export const EREMCHG: i32 = 78;
// @ts-ignore: decorator
@inline export const ELIBACC: i32 = 79;
// @ts-ignore: decorator
@inline export const ELIBBAD: i32 = 80;
// @ts-ignore: decorator
@inline export const ELIBSCN: i32 = 81;
// @ts-ignore: decorator
@inline export const ELIBMAX: i32 = 82;
// @ts-ignore: decorator
@inline export const ELIBEXEC: i32 = 83;
// @ts-ignore: decorator
@inline export const EILSEQ: i32 = 84;
// @ts-ignore: decorator
@inline export const ERESTART: i32 = 85;
// @ts-ignore: decorator
@inline export const ESTRPIPE: i32 = 86;
// @ts-ignore: decorator
@inline export const EUSERS: i32 = 87;
// @ts-ignore: decorator
@inline export const ENOTSOCK: i32 = 88;
// @ts-ignore: decorator
@inline export const EDESTADDRREQ: i32 = 89;
// @ts-ignore: decorator
@inline export const EMSGSIZE: i32 = 90;
// @ts-ignore: decorator
@inline export const EPROTOTYPE: i32 = 91;
// @ts-ignore: decorator
@inline export const ENOPROTOOPT: i32 = 92;
// @ts-ignore: decorator
@inline export const EPROTONOSUPPORT: i32 = 93;
// @ts-ignore: decorator
@inline export const ESOCKTNOSUPPORT: i32 = 94;
// @ts-ignore: decorator
@inline export const EOPNOTSUPP: i32 = 95;
// @ts-ignore: decorator
@inline export const EPFNOSUPPORT: i32 = 96;
// @ts-ignore: decorator
@inline export const EAFNOSUPPORT: i32 = 97;
// @ts-ignore: decorator
@inline export const EADDRINUSE: i32 = 98;
// @ts-ignore: decorator
@inline export const EADDRNOTAVAIL: i32 = 99;
// @ts-ignore: decorator
@inline export const ENETDOWN: i32 = 100;
// @ts-ignore: decorator
@inline export const ENETUNREACH: i32 = 101;
// @ts-ignore: decorator
@inline export const ENETRESET: i32 = 102;
// @ts-ignore: decorator
@inline export const ECONNABORTED: i32 = 103;
// @ts-ignore: decorator
@inline export const ECONNRESET: i32 = 104;
// @ts-ignore: decorator
@inline export const ENOBUFS: i32 = 105;
// @ts-ignore: decorator
@inline export const EISCONN: i32 = 106;
// @ts-ignore: decorator
@inline export const ENOTCONN: i32 = 107;
// @ts-ignore: decorator
@inline export const ESHUTDOWN: i32 = 108;
// @ts-ignore: decorator
@inline export const ETOOMANYREFS: i32 = 109;
// @ts-ignore: decorator
@inline export const ETIMEDOUT: i32 = 110;
// @ts-ignore: decorator
@inline export const ECONNREFUSED: i32 = 111;
// @ts-ignore: decorator
@inline export const EHOSTDOWN: i32 = 112;
// @ts-ignore: decorator
@inline export const EHOSTUNREACH: i32 = 113;
// @ts-ignore: decorator
@inline export const EALREADY: i32 = 114;
// @ts-ignore: decorator
@inline export const EINPROGRESS: i32 = 115;
// @ts-ignore: decorator
@inline export const ESTALE: i32 = 116;
// @ts-ignore: decorator
@inline export const EUCLEAN: i32 = 117;
// @ts-ignore: decorator
@inline export const ENOTNAM: i32 = 118;
// @ts-ignore: decorator
@inline export const ENAVAIL: i32 = 119;
// @ts-ignore: decorator
@inline export const EISNAM: i32 = 120;
// @ts-ignore: decorator
@inline export const EREMOTEIO: i32 = 121;
// @ts-ignore: decorator
@inline export const EDQUOT: i32 = 122;
// @ts-ignore: decorator
@inline export const ENOMEDIUM: i32 = 123;
// @ts-ignore: decorator
@inline export const EMEDIUMTYPE: i32 = 124;
// @ts-ignore: decorator
@inline export const ECANCELED: i32 = 125;
// @ts-ignore: decorator
@inline export const ENOKEY: i32 = 126;
// @ts-ignore: decorator
@inline export const EKEYEXPIRED: i32 = 127;
// @ts-ignore: decorator
@inline export const EKEYREVOKED: i32 = 128;
// @ts-ignore: decorator
@inline export const EKEYREJECTED: i32 = 129;
// @ts-ignore: decorator
@inline export const EOWNERDEAD: i32 = 130;
// @ts-ignore: decorator
@inline export const ENOTRECOVERABLE: i32 = 131;
// @ts-ignore: decorator
@inline export const ERFKILL: i32 = 132;
// @ts-ignore: decorator
@inline export const EHWPOISON: i32 = 133;

// glibc bits/errno.h: ENOTSUP is EOPNOTSUPP on Linux; errnoName() prints 'EOPNOTSUPP'.
// @ts-ignore: decorator
@inline export const ENOTSUP: i32 = EOPNOTSUPP;
