// IPv4 routing: a small FIB with longest-prefix match. Linux: net/ipv4/fib_*.c, route.c.
// Routes are added when the host brings up interfaces and links:
//   local     <own address>/32 and 127.0.0.0/8 → lo (RTN_LOCAL, Linux's "local" table)
//   unicast   <peer>/32 dev ethN (a point-to-point link), or a prefix with a gateway
// Source-address selection follows Linux: the outgoing device's primary address, or the
// destination itself for a local route.
import { dev_get_by_index, NetDevice } from "../link/netdevice";

// @ts-ignore: decorator
@inline export const RTN_UNICAST: u32 = 1;
// @ts-ignore: decorator
@inline export const RTN_LOCAL: u32 = 2;
// @ts-ignore: decorator
@inline export const RTN_BROADCAST: u32 = 3;
// @ts-ignore: decorator
@inline const MAX_ROUTES: u32 = 64;

/** struct fib_entry: 0 dst │ 4 prefixlen │ 8 type │ 12 ifindex │ 16 gateway │ 20 prefsrc */
@final @unmanaged export class FibEntry {
  dst: u32;
  prefixlen: u32;
  type: u32;
  ifindex: u32;
  gateway: u32;
  prefsrc: u32;
}
const fib: usize = memory.data(MAX_ROUTES * 24, 4);
let nroutes: u32 = 0;

/** net.ipv4.ip_forward (Linux default 0: a host, not a router). */
export let ip_forward: u32 = 0;
export function set_ip_forward(v: u32): void { ip_forward = v; }

// @ts-ignore: decorator
@inline function mask_of(prefixlen: u32): u32 { return prefixlen == 0 ? 0 : 0xffffffff << (32 - prefixlen); }

export function fib_add(dst: u32, prefixlen: u32, type: u32, ifindex: u32, gateway: u32, prefsrc: u32): i32 {
  if (prefixlen > 32) return -22;
  if (nroutes >= MAX_ROUTES) return -28; // ENOSPC
  const e = changetype<FibEntry>(fib + <usize>nroutes * 24);
  e.dst = dst & mask_of(prefixlen);
  e.prefixlen = prefixlen;
  e.type = type;
  e.ifindex = ifindex;
  e.gateway = gateway;
  e.prefsrc = prefsrc;
  nroutes++;
  return 0;
}
export function fib_count(): u32 { return nroutes; }
export function fib_get(i: u32): FibEntry { return changetype<FibEntry>(fib + <usize>i * 24); }

/** fib_lookup(): the longest matching prefix; local routes win ties (they are looked up
 *  first in Linux). Returns null when there is no route (ENETUNREACH). */
export function fib_lookup(daddr: u32): FibEntry | null {
  let best: FibEntry | null = null;
  for (let i: u32 = 0; i < nroutes; i++) {
    const e = changetype<FibEntry>(fib + <usize>i * 24);
    if ((daddr & mask_of(e.prefixlen)) != e.dst) continue;
    if (best === null || e.prefixlen > best.prefixlen || (e.prefixlen == best.prefixlen && e.type == RTN_LOCAL && best.type != RTN_LOCAL)) best = e;
  }
  return best;
}

/** An address is ours (inet_addr_type == RTN_LOCAL). */
export function ip_is_local(addr: u32): bool {
  const e = fib_lookup(addr);
  return e !== null && e.type == RTN_LOCAL;
}

/** The device a route leaves through. */
export function fib_dev(e: FibEntry): NetDevice | null { return dev_get_by_index(e.ifindex); }

/** The next hop for daddr on route e: the gateway, or daddr itself on a direct route. */
// @ts-ignore: decorator
@inline export function fib_nexthop(e: FibEntry, daddr: u32): u32 { return e.gateway != 0 ? e.gateway : daddr; }

/** inet_select_addr(): the source address Linux picks for a packet to daddr on route e. */
export function fib_saddr(e: FibEntry, daddr: u32): u32 {
  if (e.type == RTN_LOCAL) return (daddr >> 24) == 127 ? 0x7f000001 : daddr;
  if (e.prefsrc != 0) return e.prefsrc;
  const dev = dev_get_by_index(e.ifindex);
  return dev !== null ? dev.ip_addr : 0;
}
