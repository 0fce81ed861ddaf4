// TCP ABI numbers, Linux x86-64: socket options (level SOL_TCP), congestion-avoidance
// states and tcp_info option bits from include/uapi/linux/tcp.h. The struct tcp_info
// layout is in tcp_info.ts. Mirrored by scripts/gen-abi.mjs.

// SOL_TCP socket options (include/uapi/linux/tcp.h).
// @ts-ignore: decorator
@inline export const TCP_NODELAY: i32 = 1;
// @ts-ignore: decorator
@inline export const TCP_MAXSEG: i32 = 2;
// @ts-ignore: decorator
@inline export const TCP_CORK: i32 = 3;
// @ts-ignore: decorator
@inline export const TCP_KEEPIDLE: i32 = 4;
// @ts-ignore: decorator
@inline export const TCP_KEEPINTVL: i32 = 5;
// @ts-ignore: decorator
@inline export const TCP_KEEPCNT: i32 = 6;
// @ts-ignore: decorator
@inline export const TCP_SYNCNT: i32 = 7;
// @ts-ignore: decorator
@inline export const TCP_LINGER2: i32 = 8;
// @ts-ignore: decorator
@inline export const TCP_DEFER_ACCEPT: i32 = 9;
// @ts-ignore: decorator
@inline export const TCP_WINDOW_CLAMP: i32 = 10;
// @ts-ignore: decorator
@inline export const TCP_INFO: i32 = 11;
// @ts-ignore: decorator
@inline export const TCP_QUICKACK: i32 = 12;
// @ts-ignore: decorator
@inline export const TCP_CONGESTION: i32 = 13;
// @ts-ignore: decorator
@inline export const TCP_MD5SIG: i32 = 14;
// @ts-ignore: decorator
@inline export const TCP_THIN_LINEAR_TIMEOUTS: i32 = 16;
// @ts-ignore: decorator
@inline export const TCP_THIN_DUPACK: i32 = 17;
// @ts-ignore: decorator
@inline export const TCP_USER_TIMEOUT: i32 = 18;
// @ts-ignore: decorator
@inline export const TCP_REPAIR: i32 = 19;
// @ts-ignore: decorator
@inline export const TCP_REPAIR_QUEUE: i32 = 20;
// @ts-ignore: decorator
@inline export const TCP_QUEUE_SEQ: i32 = 21;
// @ts-ignore: decorator
@inline export const TCP_REPAIR_OPTIONS: i32 = 22;
// @ts-ignore: decorator
@inline export const TCP_FASTOPEN: i32 = 23;
// @ts-ignore: decorator
@inline export const TCP_TIMESTAMP: i32 = 24;
// @ts-ignore: decorator
@inline export const TCP_NOTSENT_LOWAT: i32 = 25;
// @ts-ignore: decorator
@inline export const TCP_CC_INFO: i32 = 26;
// @ts-ignore: decorator
@inline export const TCP_SAVE_SYN: i32 = 27;
// @ts-ignore: decorator
@inline export const TCP_SAVED_SYN: i32 = 28;
// @ts-ignore: decorator
@inline export const TCP_REPAIR_WINDOW: i32 = 29;
// @ts-ignore: decorator
@inline export const TCP_FASTOPEN_CONNECT: i32 = 30;
// @ts-ignore: decorator
@inline export const TCP_ULP: i32 = 31;
// @ts-ignore: decorator
@inline export const TCP_MD5SIG_EXT: i32 = 32;
// @ts-ignore: decorator
@inline export const TCP_FASTOPEN_KEY: i32 = 33;
// @ts-ignore: decorator
@inline export const TCP_FASTOPEN_NO_COOKIE: i32 = 34;
// @ts-ignore: decorator
@inline export const TCP_ZEROCOPY_RECEIVE: i32 = 35;
// @ts-ignore: decorator
@inline export const TCP_INQ: i32 = 36;
// @ts-ignore: decorator
@inline export const TCP_CM_INQ: i32 = TCP_INQ;
// @ts-ignore: decorator
@inline export const TCP_TX_DELAY: i32 = 37;

// Congestion-avoidance states, tcp_info.tcpi_ca_state (include/uapi/linux/tcp.h enum
// tcp_ca_state). Set only through tcp_set_ca_state() (DESIGN.md, state machines).
// no loss, reordering or ECN seen
// @ts-ignore: decorator
@inline export const TCP_CA_Open: i32 = 0;
// dupACKs or SACKs seen, not yet loss
// @ts-ignore: decorator
@inline export const TCP_CA_Disorder: i32 = 1;
// cwnd reduced after ECN or local congestion
// @ts-ignore: decorator
@inline export const TCP_CA_CWR: i32 = 2;
// fast retransmit (RFC 6582 / RFC 6675)
// @ts-ignore: decorator
@inline export const TCP_CA_Recovery: i32 = 3;
// RTO fired, or SACK reneging
// @ts-ignore: decorator
@inline export const TCP_CA_Loss: i32 = 4;
// @ts-ignore: decorator
@inline export const TCPF_CA_Open: i32 = 1 << TCP_CA_Open;
// @ts-ignore: decorator
@inline export const TCPF_CA_Disorder: i32 = 1 << TCP_CA_Disorder;
// @ts-ignore: decorator
@inline export const TCPF_CA_CWR: i32 = 1 << TCP_CA_CWR;
// @ts-ignore: decorator
@inline export const TCPF_CA_Recovery: i32 = 1 << TCP_CA_Recovery;
// @ts-ignore: decorator
@inline export const TCPF_CA_Loss: i32 = 1 << TCP_CA_Loss;

// tcp_info.tcpi_options bits (include/uapi/linux/tcp.h).
// @ts-ignore: decorator
@inline export const TCPI_OPT_TIMESTAMPS: i32 = 1;
// @ts-ignore: decorator
@inline export const TCPI_OPT_SACK: i32 = 2;
// @ts-ignore: decorator
@inline export const TCPI_OPT_WSCALE: i32 = 4;
// ECN negotiated in the handshake
// @ts-ignore: decorator
@inline export const TCPI_OPT_ECN: i32 = 8;
// an ECT packet was received
// @ts-ignore: decorator
@inline export const TCPI_OPT_ECN_SEEN: i32 = 16;
// data in SYN acked (Fast Open)
// @ts-ignore: decorator
@inline export const TCPI_OPT_SYN_DATA: i32 = 32;

// TCP_REPAIR values (include/uapi/linux/tcp.h).
// @ts-ignore: decorator
@inline export const TCP_REPAIR_ON: i32 = 1;
// @ts-ignore: decorator
@inline export const TCP_REPAIR_OFF: i32 = 0;
// @ts-ignore: decorator
@inline export const TCP_REPAIR_OFF_NO_WP: i32 = -1;

// Default MSS values (include/uapi/linux/tcp.h): RFC 1122/2581 for IPv4.
// @ts-ignore: decorator
@inline export const TCP_MSS_DEFAULT: i32 = 536;
// @ts-ignore: decorator
@inline export const TCP_MSS_DESIRED: i32 = 1220;
