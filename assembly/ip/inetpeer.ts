// Per-destination state for ICMP error rate limiting. Linux: net/ipv4/inetpeer.c
// (inet_getpeer_v4, inet_peer_xrlim_allow). Linux keeps inet_peer entries in an rbtree
// allocated per peer and reclaims the idle ones (inet_peer_gc); kstack keeps a fixed,
// preallocated table so that no packet allocates:
//
//   INET_PEER_BUCKETS (64) buckets × INET_PEER_WAYS (4) entries = 256 peers, 20 bytes each.
//   A destination hashes (jhash) to one bucket; it takes a free entry there, or else the
//   entry used least recently (smallest dtime) is reused for it.
//
// A reused entry starts with a full bucket, as a new Linux peer does. Linux falls back to
// "allow" when it cannot allocate a peer (inet_peer_xrlim_allow(NULL) is true); reuse is
// the same trade: more than 4 busy destinations in one bucket get more errors than
// icmp_ratelimit would give them, and the global limiter (icmp_msgs_per_sec) still caps
// the total.
import { jhash_3words } from "../lib/jhash";
import { HZ, jiffies } from "../kernel/clock";

// @ts-ignore: decorator
@inline const INET_PEER_BUCKETS: u32 = 64;
// @ts-ignore: decorator
@inline const INET_PEER_WAYS: u32 = 4;
// @ts-ignore: decorator
@inline const SIZEOF_INET_PEER: u32 = 20;
/** inetpeer.c: the burst is six messages' worth of tokens. */
// @ts-ignore: decorator
@inline const XRLIM_BURST_FACTOR: u32 = 6;

/** struct inet_peer (the fields rate limiting uses):
 *  0 daddr │ 4 rate_tokens │ 8 rate_last │ 12 dtime │ 16 in_use */
@final @unmanaged export class InetPeer {
  daddr: u32;
  /** Jiffies of credit; one message costs icmp_ratelimit of them. */
  rate_tokens: u32;
  rate_last: u32;
  /** Last use (inet_peer.dtime): picks the entry to reuse in a full bucket. */
  dtime: u32;
  in_use: u32;
}

const peers: usize = memory.data(INET_PEER_BUCKETS * INET_PEER_WAYS * SIZEOF_INET_PEER, 4);

/** inet_getpeer_v4(): daddr's entry, created (or taken over) if it has none. */
export function inet_getpeer_v4(daddr: u32): InetPeer {
  const bucket = peers + <usize>((jhash_3words(daddr, 0, 0, 0) & (INET_PEER_BUCKETS - 1)) * INET_PEER_WAYS * SIZEOF_INET_PEER);
  let victim = changetype<InetPeer>(bucket);
  for (let i: u32 = 0; i < INET_PEER_WAYS; i++) {
    const p = changetype<InetPeer>(bucket + <usize>(i * SIZEOF_INET_PEER));
    if (p.in_use != 0 && p.daddr == daddr) {
      p.dtime = jiffies;
      return p;
    }
    // A free entry first; among used ones the least recently used (wrap-safe age).
    if (victim.in_use != 0 && (p.in_use == 0 || jiffies - p.dtime > jiffies - victim.dtime)) victim = p;
  }
  victim.daddr = daddr;
  victim.in_use = 1;
  victim.dtime = jiffies;
  victim.rate_tokens = 0;
  // As inet_getpeer: a last-refill time a minute back, far enough that the first refill
  // fills the bucket to its cap (a new peer starts with a full burst).
  victim.rate_last = jiffies - 60 * HZ;
  return victim;
}

/**
 * inet_peer_xrlim_allow(): a token bucket filled at one token per jiffy up to
 * XRLIM_BURST_FACTOR × timeout; a message takes `timeout` tokens (RFC 1812 §4.3.2.8).
 * timeout 0 allows everything.
 */
export function inet_peer_xrlim_allow(peer: InetPeer, timeout: u32): bool {
  let token = peer.rate_tokens;
  const delta = jiffies - peer.rate_last;
  if (delta != 0) {
    peer.rate_last = jiffies;
    // kstack: saturating u32 arithmetic where Linux's unsigned long has room to spare.
    token = delta > 0xffffffff - token ? 0xffffffff : token + delta;
    const cap = timeout > 0xffffffff / XRLIM_BURST_FACTOR ? 0xffffffff : XRLIM_BURST_FACTOR * timeout;
    if (token > cap) token = cap;
  }
  let rc = false;
  if (token >= timeout) {
    token -= timeout;
    rc = true;
  }
  peer.rate_tokens = token;
  return rc;
}
