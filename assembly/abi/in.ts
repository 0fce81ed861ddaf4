// IPv4 ABI numbers, Linux x86-64: IPPROTO_*, IP_* socket options (level SOL_IP),
// IP_PMTUDISC_* and INADDR_* from include/uapi/linux/in.h. Addresses are host-order u32
// values held in an i32 (0xffffffff reads as -1). Mirrored by scripts/gen-abi.mjs.

// Protocol numbers (include/uapi/linux/in.h enum; IANA assigned numbers).
// @ts-ignore: decorator
@inline export const IPPROTO_IP: i32 = 0;
// @ts-ignore: decorator
@inline export const IPPROTO_ICMP: i32 = 1;
// @ts-ignore: decorator
@inline export const IPPROTO_IGMP: i32 = 2;
// @ts-ignore: decorator
@inline export const IPPROTO_IPIP: i32 = 4;
// @ts-ignore: decorator
@inline export const IPPROTO_TCP: i32 = 6;
// @ts-ignore: decorator
@inline export const IPPROTO_EGP: i32 = 8;
// @ts-ignore: decorator
@inline export const IPPROTO_PUP: i32 = 12;
// @ts-ignore: decorator
@inline export const IPPROTO_UDP: i32 = 17;
// @ts-ignore: decorator
@inline export const IPPROTO_IDP: i32 = 22;
// @ts-ignore: decorator
@inline export const IPPROTO_TP: i32 = 29;
// @ts-ignore: decorator
@inline export const IPPROTO_DCCP: i32 = 33;
// @ts-ignore: decorator
@inline export const IPPROTO_IPV6: i32 = 41;
// @ts-ignore: decorator
@inline export const IPPROTO_RSVP: i32 = 46;
// @ts-ignore: decorator
@inline export const IPPROTO_GRE: i32 = 47;
// @ts-ignore: decorator
@inline export const IPPROTO_ESP: i32 = 50;
// @ts-ignore: decorator
@inline export const IPPROTO_AH: i32 = 51;
// @ts-ignore: decorator
@inline export const IPPROTO_MTP: i32 = 92;
// @ts-ignore: decorator
@inline export const IPPROTO_BEETPH: i32 = 94;
// @ts-ignore: decorator
@inline export const IPPROTO_ENCAP: i32 = 98;
// @ts-ignore: decorator
@inline export const IPPROTO_PIM: i32 = 103;
// @ts-ignore: decorator
@inline export const IPPROTO_COMP: i32 = 108;
// @ts-ignore: decorator
@inline export const IPPROTO_L2TP: i32 = 115;
// @ts-ignore: decorator
@inline export const IPPROTO_SCTP: i32 = 132;
// @ts-ignore: decorator
@inline export const IPPROTO_UDPLITE: i32 = 136;
// @ts-ignore: decorator
@inline export const IPPROTO_MPLS: i32 = 137;
// @ts-ignore: decorator
@inline export const IPPROTO_ETHERNET: i32 = 143;
// @ts-ignore: decorator
@inline export const IPPROTO_RAW: i32 = 255;
// socket(2) protocol only; never on the wire (IP protocol numbers are 8 bits)
// @ts-ignore: decorator
@inline export const IPPROTO_MPTCP: i32 = 262;

// IP-level socket options (include/uapi/linux/in.h).
// @ts-ignore: decorator
@inline export const IP_TOS: i32 = 1;
// @ts-ignore: decorator
@inline export const IP_TTL: i32 = 2;
// @ts-ignore: decorator
@inline export const IP_HDRINCL: i32 = 3;
// @ts-ignore: decorator
@inline export const IP_OPTIONS: i32 = 4;
// @ts-ignore: decorator
@inline export const IP_ROUTER_ALERT: i32 = 5;
// @ts-ignore: decorator
@inline export const IP_RECVOPTS: i32 = 6;
// @ts-ignore: decorator
@inline export const IP_RETOPTS: i32 = 7;
// @ts-ignore: decorator
@inline export const IP_PKTINFO: i32 = 8;
// @ts-ignore: decorator
@inline export const IP_PKTOPTIONS: i32 = 9;
// @ts-ignore: decorator
@inline export const IP_MTU_DISCOVER: i32 = 10;
// @ts-ignore: decorator
@inline export const IP_RECVERR: i32 = 11;
// @ts-ignore: decorator
@inline export const IP_RECVTTL: i32 = 12;
// @ts-ignore: decorator
@inline export const IP_RECVTOS: i32 = 13;
// @ts-ignore: decorator
@inline export const IP_MTU: i32 = 14;
// @ts-ignore: decorator
@inline export const IP_FREEBIND: i32 = 15;
// @ts-ignore: decorator
@inline export const IP_IPSEC_POLICY: i32 = 16;
// @ts-ignore: decorator
@inline export const IP_XFRM_POLICY: i32 = 17;
// @ts-ignore: decorator
@inline export const IP_PASSSEC: i32 = 18;
// @ts-ignore: decorator
@inline export const IP_TRANSPARENT: i32 = 19;
// @ts-ignore: decorator
@inline export const IP_RECVRETOPTS: i32 = IP_RETOPTS;
// @ts-ignore: decorator
@inline export const IP_ORIGDSTADDR: i32 = 20;
// @ts-ignore: decorator
@inline export const IP_RECVORIGDSTADDR: i32 = IP_ORIGDSTADDR;
// @ts-ignore: decorator
@inline export const IP_MINTTL: i32 = 21;
// @ts-ignore: decorator
@inline export const IP_NODEFRAG: i32 = 22;
// @ts-ignore: decorator
@inline export const IP_CHECKSUM: i32 = 23;
// @ts-ignore: decorator
@inline export const IP_BIND_ADDRESS_NO_PORT: i32 = 24;
// @ts-ignore: decorator
@inline export const IP_RECVFRAGSIZE: i32 = 25;
// @ts-ignore: decorator
@inline export const IP_RECVERR_RFC4884: i32 = 26;
// @ts-ignore: decorator
@inline export const IP_MULTICAST_IF: i32 = 32;
// @ts-ignore: decorator
@inline export const IP_MULTICAST_TTL: i32 = 33;
// @ts-ignore: decorator
@inline export const IP_MULTICAST_LOOP: i32 = 34;
// @ts-ignore: decorator
@inline export const IP_ADD_MEMBERSHIP: i32 = 35;
// @ts-ignore: decorator
@inline export const IP_DROP_MEMBERSHIP: i32 = 36;
// @ts-ignore: decorator
@inline export const IP_UNBLOCK_SOURCE: i32 = 37;
// @ts-ignore: decorator
@inline export const IP_BLOCK_SOURCE: i32 = 38;
// @ts-ignore: decorator
@inline export const IP_ADD_SOURCE_MEMBERSHIP: i32 = 39;
// @ts-ignore: decorator
@inline export const IP_DROP_SOURCE_MEMBERSHIP: i32 = 40;
// @ts-ignore: decorator
@inline export const IP_MSFILTER: i32 = 41;
// @ts-ignore: decorator
@inline export const IP_MULTICAST_ALL: i32 = 49;
// @ts-ignore: decorator
@inline export const IP_UNICAST_IF: i32 = 50;
// @ts-ignore: decorator
@inline export const IP_LOCAL_PORT_RANGE: i32 = 51;
// @ts-ignore: decorator
@inline export const IP_PROTOCOL: i32 = 52;

// IP_MTU_DISCOVER values (include/uapi/linux/in.h).
// never set DF
// @ts-ignore: decorator
@inline export const IP_PMTUDISC_DONT: i32 = 0;
// use per-route hints (Linux default, sysctl ip_no_pmtu_disc=0)
// @ts-ignore: decorator
@inline export const IP_PMTUDISC_WANT: i32 = 1;
// always set DF
// @ts-ignore: decorator
@inline export const IP_PMTUDISC_DO: i32 = 2;
// set DF, ignore the path MTU
// @ts-ignore: decorator
@inline export const IP_PMTUDISC_PROBE: i32 = 3;
// @ts-ignore: decorator
@inline export const IP_PMTUDISC_INTERFACE: i32 = 4;
// @ts-ignore: decorator
@inline export const IP_PMTUDISC_OMIT: i32 = 5;

// Multicast defaults (include/uapi/linux/in.h).
// @ts-ignore: decorator
@inline export const IP_DEFAULT_MULTICAST_TTL: i32 = 1;
// @ts-ignore: decorator
@inline export const IP_DEFAULT_MULTICAST_LOOP: i32 = 1;

// Special addresses, host order (include/uapi/linux/in.h).
// @ts-ignore: decorator
@inline export const INADDR_ANY: i32 = 0;
// 0xffffffff
// @ts-ignore: decorator
@inline export const INADDR_BROADCAST: i32 = ~0;
// 0xffffffff
// @ts-ignore: decorator
@inline export const INADDR_NONE: i32 = ~0;
// 127.0.0.1
// @ts-ignore: decorator
@inline export const INADDR_LOOPBACK: i32 = 0x7f000001;
// the class-A loopback network, 127.0.0.0/8
// @ts-ignore: decorator
@inline export const IN_LOOPBACKNET: i32 = 127;
