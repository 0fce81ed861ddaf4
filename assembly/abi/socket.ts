// Socket-level ABI numbers, Linux x86-64: address families and MSG_* flags from
// include/linux/socket.h, SOCK_* from include/linux/net.h, SOL_SOCKET and SO_* from
// include/uapi/asm-generic/socket.h (x86-64 uses the generic list), SHUT_* from
// include/linux/net.h. Mirrored to host/abi/constants.ts by scripts/gen-abi.mjs.

// Address families (include/linux/socket.h); PF_* equal AF_* on Linux.
// @ts-ignore: decorator
@inline export const AF_UNSPEC: i32 = 0;
// @ts-ignore: decorator
@inline export const AF_UNIX: i32 = 1;
// @ts-ignore: decorator
@inline export const AF_LOCAL: i32 = 1;
// @ts-ignore: decorator
@inline export const AF_INET: i32 = 2;
// @ts-ignore: decorator
@inline export const AF_INET6: i32 = 10;
// @ts-ignore: decorator
@inline export const AF_NETLINK: i32 = 16;
// @ts-ignore: decorator
@inline export const AF_PACKET: i32 = 17;
// one past the highest family this machine's headers know (AF_MCTP = 45)
// @ts-ignore: decorator
@inline export const AF_MAX: i32 = 46;

// @ts-ignore: decorator
@inline export const PF_UNSPEC: i32 = AF_UNSPEC;
// @ts-ignore: decorator
@inline export const PF_UNIX: i32 = AF_UNIX;
// @ts-ignore: decorator
@inline export const PF_LOCAL: i32 = AF_LOCAL;
// @ts-ignore: decorator
@inline export const PF_INET: i32 = AF_INET;
// @ts-ignore: decorator
@inline export const PF_INET6: i32 = AF_INET6;
// @ts-ignore: decorator
@inline export const PF_NETLINK: i32 = AF_NETLINK;
// @ts-ignore: decorator
@inline export const PF_PACKET: i32 = AF_PACKET;
// @ts-ignore: decorator
@inline export const PF_MAX: i32 = AF_MAX;

// Socket types (include/linux/net.h enum sock_type). The type argument of socket(2) also
// carries SOCK_NONBLOCK/SOCK_CLOEXEC, which reuse the O_NONBLOCK/O_CLOEXEC bits (fcntl.ts).
// @ts-ignore: decorator
@inline export const SOCK_STREAM: i32 = 1;
// @ts-ignore: decorator
@inline export const SOCK_DGRAM: i32 = 2;
// @ts-ignore: decorator
@inline export const SOCK_RAW: i32 = 3;
// @ts-ignore: decorator
@inline export const SOCK_RDM: i32 = 4;
// @ts-ignore: decorator
@inline export const SOCK_SEQPACKET: i32 = 5;
// @ts-ignore: decorator
@inline export const SOCK_DCCP: i32 = 6;
// @ts-ignore: decorator
@inline export const SOCK_PACKET: i32 = 10;
// socket(2) masks the type with this before looking it up
// @ts-ignore: decorator
@inline export const SOCK_TYPE_MASK: i32 = 0xf;
// = O_NONBLOCK
// @ts-ignore: decorator
@inline export const SOCK_NONBLOCK: i32 = 0o4000;
// = O_CLOEXEC
// @ts-ignore: decorator
@inline export const SOCK_CLOEXEC: i32 = 0o2000000;

// Option levels (include/linux/socket.h; SOL_IP/SOL_TCP/SOL_UDP are the protocol numbers).
// @ts-ignore: decorator
@inline export const SOL_IP: i32 = 0;
// @ts-ignore: decorator
@inline export const SOL_SOCKET: i32 = 1;
// @ts-ignore: decorator
@inline export const SOL_TCP: i32 = 6;
// @ts-ignore: decorator
@inline export const SOL_UDP: i32 = 17;
// @ts-ignore: decorator
@inline export const SOL_IPV6: i32 = 41;
// @ts-ignore: decorator
@inline export const SOL_RAW: i32 = 255;
// @ts-ignore: decorator
@inline export const SOL_PACKET: i32 = 263;

// SOL_SOCKET options (include/uapi/asm-generic/socket.h).
// @ts-ignore: decorator
@inline export const SO_DEBUG: i32 = 1;
// @ts-ignore: decorator
@inline export const SO_REUSEADDR: i32 = 2;
// @ts-ignore: decorator
@inline export const SO_TYPE: i32 = 3;
// @ts-ignore: decorator
@inline export const SO_ERROR: i32 = 4;
// @ts-ignore: decorator
@inline export const SO_DONTROUTE: i32 = 5;
// @ts-ignore: decorator
@inline export const SO_BROADCAST: i32 = 6;
// @ts-ignore: decorator
@inline export const SO_SNDBUF: i32 = 7;
// @ts-ignore: decorator
@inline export const SO_RCVBUF: i32 = 8;
// @ts-ignore: decorator
@inline export const SO_KEEPALIVE: i32 = 9;
// @ts-ignore: decorator
@inline export const SO_OOBINLINE: i32 = 10;
// @ts-ignore: decorator
@inline export const SO_NO_CHECK: i32 = 11;
// @ts-ignore: decorator
@inline export const SO_PRIORITY: i32 = 12;
// @ts-ignore: decorator
@inline export const SO_LINGER: i32 = 13;
// @ts-ignore: decorator
@inline export const SO_BSDCOMPAT: i32 = 14;
// @ts-ignore: decorator
@inline export const SO_REUSEPORT: i32 = 15;
// @ts-ignore: decorator
@inline export const SO_PASSCRED: i32 = 16;
// @ts-ignore: decorator
@inline export const SO_PEERCRED: i32 = 17;
// @ts-ignore: decorator
@inline export const SO_RCVLOWAT: i32 = 18;
// @ts-ignore: decorator
@inline export const SO_SNDLOWAT: i32 = 19;
// @ts-ignore: decorator
@inline export const SO_RCVTIMEO_OLD: i32 = 20;
// @ts-ignore: decorator
@inline export const SO_SNDTIMEO_OLD: i32 = 21;
// @ts-ignore: decorator
@inline export const SO_SECURITY_AUTHENTICATION: i32 = 22;
// @ts-ignore: decorator
@inline export const SO_SECURITY_ENCRYPTION_TRANSPORT: i32 = 23;
// @ts-ignore: decorator
@inline export const SO_SECURITY_ENCRYPTION_NETWORK: i32 = 24;
// @ts-ignore: decorator
@inline export const SO_BINDTODEVICE: i32 = 25;
// @ts-ignore: decorator
@inline export const SO_ATTACH_FILTER: i32 = 26;
// @ts-ignore: decorator
@inline export const SO_DETACH_FILTER: i32 = 27;
// @ts-ignore: decorator
@inline export const SO_GET_FILTER: i32 = SO_ATTACH_FILTER;
// @ts-ignore: decorator
@inline export const SO_PEERNAME: i32 = 28;
// @ts-ignore: decorator
@inline export const SO_TIMESTAMP_OLD: i32 = 29;
// @ts-ignore: decorator
@inline export const SO_ACCEPTCONN: i32 = 30;
// @ts-ignore: decorator
@inline export const SO_PEERSEC: i32 = 31;
// @ts-ignore: decorator
@inline export const SO_SNDBUFFORCE: i32 = 32;
// @ts-ignore: decorator
@inline export const SO_RCVBUFFORCE: i32 = 33;
// @ts-ignore: decorator
@inline export const SO_PASSSEC: i32 = 34;
// @ts-ignore: decorator
@inline export const SO_TIMESTAMPNS_OLD: i32 = 35;
// @ts-ignore: decorator
@inline export const SO_MARK: i32 = 36;
// @ts-ignore: decorator
@inline export const SO_TIMESTAMPING_OLD: i32 = 37;
// @ts-ignore: decorator
@inline export const SO_PROTOCOL: i32 = 38;
// @ts-ignore: decorator
@inline export const SO_DOMAIN: i32 = 39;
// @ts-ignore: decorator
@inline export const SO_RXQ_OVFL: i32 = 40;
// @ts-ignore: decorator
@inline export const SO_WIFI_STATUS: i32 = 41;
// @ts-ignore: decorator
@inline export const SO_PEEK_OFF: i32 = 42;
// @ts-ignore: decorator
@inline export const SO_NOFCS: i32 = 43;
// @ts-ignore: decorator
@inline export const SO_LOCK_FILTER: i32 = 44;
// @ts-ignore: decorator
@inline export const SO_SELECT_ERR_QUEUE: i32 = 45;
// @ts-ignore: decorator
@inline export const SO_BUSY_POLL: i32 = 46;
// @ts-ignore: decorator
@inline export const SO_MAX_PACING_RATE: i32 = 47;
// @ts-ignore: decorator
@inline export const SO_BPF_EXTENSIONS: i32 = 48;
// @ts-ignore: decorator
@inline export const SO_INCOMING_CPU: i32 = 49;
// @ts-ignore: decorator
@inline export const SO_ATTACH_BPF: i32 = 50;
// @ts-ignore: decorator
@inline export const SO_DETACH_BPF: i32 = SO_DETACH_FILTER;
// @ts-ignore: decorator
@inline export const SO_ATTACH_REUSEPORT_CBPF: i32 = 51;
// @ts-ignore: decorator
@inline export const SO_ATTACH_REUSEPORT_EBPF: i32 = 52;
// @ts-ignore: decorator
@inline export const SO_CNX_ADVICE: i32 = 53;
// @ts-ignore: decorator
@inline export const SO_MEMINFO: i32 = 55;
// @ts-ignore: decorator
@inline export const SO_INCOMING_NAPI_ID: i32 = 56;
// @ts-ignore: decorator
@inline export const SO_COOKIE: i32 = 57;
// @ts-ignore: decorator
@inline export const SO_PEERGROUPS: i32 = 59;
// @ts-ignore: decorator
@inline export const SO_ZEROCOPY: i32 = 60;
// @ts-ignore: decorator
@inline export const SO_TXTIME: i32 = 61;
// @ts-ignore: decorator
@inline export const SO_BINDTOIFINDEX: i32 = 62;
// @ts-ignore: decorator
@inline export const SO_TIMESTAMP_NEW: i32 = 63;
// @ts-ignore: decorator
@inline export const SO_TIMESTAMPNS_NEW: i32 = 64;
// @ts-ignore: decorator
@inline export const SO_TIMESTAMPING_NEW: i32 = 65;
// @ts-ignore: decorator
@inline export const SO_RCVTIMEO_NEW: i32 = 66;
// @ts-ignore: decorator
@inline export const SO_SNDTIMEO_NEW: i32 = 67;
// @ts-ignore: decorator
@inline export const SO_DETACH_REUSEPORT_BPF: i32 = 68;
// @ts-ignore: decorator
@inline export const SO_PREFER_BUSY_POLL: i32 = 69;
// @ts-ignore: decorator
@inline export const SO_BUSY_POLL_BUDGET: i32 = 70;
// @ts-ignore: decorator
@inline export const SO_NETNS_COOKIE: i32 = 71;
// @ts-ignore: decorator
@inline export const SO_BUF_LOCK: i32 = 72;
// @ts-ignore: decorator
@inline export const SO_RESERVE_MEM: i32 = 73;
// @ts-ignore: decorator
@inline export const SO_TXREHASH: i32 = 74;
// @ts-ignore: decorator
@inline export const SO_RCVMARK: i32 = 75;
// x86-64 has a 64-bit time_t equal to __kernel_long_t, so the plain names select the _OLD
// numbers (asm-generic/socket.h picks by sizeof(time_t)).
// @ts-ignore: decorator
@inline export const SO_RCVTIMEO: i32 = SO_RCVTIMEO_OLD;
// @ts-ignore: decorator
@inline export const SO_SNDTIMEO: i32 = SO_SNDTIMEO_OLD;
// @ts-ignore: decorator
@inline export const SO_TIMESTAMP: i32 = SO_TIMESTAMP_OLD;
// @ts-ignore: decorator
@inline export const SO_TIMESTAMPNS: i32 = SO_TIMESTAMPNS_OLD;
// @ts-ignore: decorator
@inline export const SO_TIMESTAMPING: i32 = SO_TIMESTAMPING_OLD;

// send/recv flags (include/linux/socket.h).
// @ts-ignore: decorator
@inline export const MSG_OOB: i32 = 0x01;
// @ts-ignore: decorator
@inline export const MSG_PEEK: i32 = 0x02;
// @ts-ignore: decorator
@inline export const MSG_DONTROUTE: i32 = 0x04;
// synonym kept by glibc for DECnet
// @ts-ignore: decorator
@inline export const MSG_TRYHARD: i32 = MSG_DONTROUTE;
// @ts-ignore: decorator
@inline export const MSG_CTRUNC: i32 = 0x08;
// kernel name; glibc calls it MSG_PROXY
// @ts-ignore: decorator
@inline export const MSG_PROBE: i32 = 0x10;
// @ts-ignore: decorator
@inline export const MSG_PROXY: i32 = MSG_PROBE;
// @ts-ignore: decorator
@inline export const MSG_TRUNC: i32 = 0x20;
// @ts-ignore: decorator
@inline export const MSG_DONTWAIT: i32 = 0x40;
// @ts-ignore: decorator
@inline export const MSG_EOR: i32 = 0x80;
// @ts-ignore: decorator
@inline export const MSG_WAITALL: i32 = 0x100;
// @ts-ignore: decorator
@inline export const MSG_FIN: i32 = 0x200;
// @ts-ignore: decorator
@inline export const MSG_SYN: i32 = 0x400;
// @ts-ignore: decorator
@inline export const MSG_CONFIRM: i32 = 0x800;
// @ts-ignore: decorator
@inline export const MSG_RST: i32 = 0x1000;
// @ts-ignore: decorator
@inline export const MSG_ERRQUEUE: i32 = 0x2000;
// @ts-ignore: decorator
@inline export const MSG_NOSIGNAL: i32 = 0x4000;
// @ts-ignore: decorator
@inline export const MSG_MORE: i32 = 0x8000;
// @ts-ignore: decorator
@inline export const MSG_WAITFORONE: i32 = 0x10000;
// @ts-ignore: decorator
@inline export const MSG_BATCH: i32 = 0x40000;
// @ts-ignore: decorator
@inline export const MSG_ZEROCOPY: i32 = 0x4000000;
// @ts-ignore: decorator
@inline export const MSG_FASTOPEN: i32 = 0x20000000;
// @ts-ignore: decorator
@inline export const MSG_CMSG_CLOEXEC: i32 = 0x40000000;

// shutdown(2) how (include/linux/net.h enum sock_shutdown_cmd).
// @ts-ignore: decorator
@inline export const SHUT_RD: i32 = 0;
// @ts-ignore: decorator
@inline export const SHUT_WR: i32 = 1;
// @ts-ignore: decorator
@inline export const SHUT_RDWR: i32 = 2;

// Default net.core.somaxconn, the listen(2) backlog cap (include/linux/socket.h; 4096
// since Linux 5.4).
// @ts-ignore: decorator
@inline export const SOMAXCONN: i32 = 4096;
