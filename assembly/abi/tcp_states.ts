// TCP states numbered as Linux numbers them (include/net/tcp_states.h), so that ss,
// /proc/net/tcp and tcp_info.tcpi_state need no translation (DESIGN.md, state machines).
// Test state sets with the TCPF_* masks, `(1 << sk.sk_state) & (TCPF_CLOSE | TCPF_LISTEN)`,
// never with `<`/`>=` on state numbers. Mirrored by scripts/gen-abi.mjs.

// @ts-ignore: decorator
@inline export const TCP_ESTABLISHED: i32 = 1;
// @ts-ignore: decorator
@inline export const TCP_SYN_SENT: i32 = 2;
// @ts-ignore: decorator
@inline export const TCP_SYN_RECV: i32 = 3;
// @ts-ignore: decorator
@inline export const TCP_FIN_WAIT1: i32 = 4;
// @ts-ignore: decorator
@inline export const TCP_FIN_WAIT2: i32 = 5;
// @ts-ignore: decorator
@inline export const TCP_TIME_WAIT: i32 = 6;
// @ts-ignore: decorator
@inline export const TCP_CLOSE: i32 = 7;
// @ts-ignore: decorator
@inline export const TCP_CLOSE_WAIT: i32 = 8;
// @ts-ignore: decorator
@inline export const TCP_LAST_ACK: i32 = 9;
// @ts-ignore: decorator
@inline export const TCP_LISTEN: i32 = 10;
// @ts-ignore: decorator
@inline export const TCP_CLOSING: i32 = 11;
// a request sock in the ehash, not a full socket (Linux 4.4+)
// @ts-ignore: decorator
@inline export const TCP_NEW_SYN_RECV: i32 = 12;
// kstack: one past TCP_NEW_SYN_RECV, for per-state tables. Linux 6.8+ adds
// TCP_BOUND_INACTIVE = 13 (so its TCP_MAX_STATES is 14); kstack has no such state.
// @ts-ignore: decorator
@inline export const TCP_MAX_STATES: i32 = 13;

// State-set masks (include/net/tcp_states.h enum TCPF_*).
// @ts-ignore: decorator
@inline export const TCPF_ESTABLISHED: i32 = 1 << TCP_ESTABLISHED;
// @ts-ignore: decorator
@inline export const TCPF_SYN_SENT: i32 = 1 << TCP_SYN_SENT;
// @ts-ignore: decorator
@inline export const TCPF_SYN_RECV: i32 = 1 << TCP_SYN_RECV;
// @ts-ignore: decorator
@inline export const TCPF_FIN_WAIT1: i32 = 1 << TCP_FIN_WAIT1;
// @ts-ignore: decorator
@inline export const TCPF_FIN_WAIT2: i32 = 1 << TCP_FIN_WAIT2;
// @ts-ignore: decorator
@inline export const TCPF_TIME_WAIT: i32 = 1 << TCP_TIME_WAIT;
// @ts-ignore: decorator
@inline export const TCPF_CLOSE: i32 = 1 << TCP_CLOSE;
// @ts-ignore: decorator
@inline export const TCPF_CLOSE_WAIT: i32 = 1 << TCP_CLOSE_WAIT;
// @ts-ignore: decorator
@inline export const TCPF_LAST_ACK: i32 = 1 << TCP_LAST_ACK;
// @ts-ignore: decorator
@inline export const TCPF_LISTEN: i32 = 1 << TCP_LISTEN;
// @ts-ignore: decorator
@inline export const TCPF_CLOSING: i32 = 1 << TCP_CLOSING;
// @ts-ignore: decorator
@inline export const TCPF_NEW_SYN_RECV: i32 = 1 << TCP_NEW_SYN_RECV;
