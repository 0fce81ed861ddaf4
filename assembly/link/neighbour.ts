// The neighbour table (ARP cache) and its state machine. Linux: net/core/neighbour.c,
// include/net/neighbour.h; timing per `ip -s neigh` defaults for IPv4:
//   base_reachable_time 30 s (reachable_time is random in [15 s, 45 s)), delay_first_probe
//   5 s, retrans_time 1 s, mcast_solicit 3, ucast_solicit 3, unres_qlen_bytes 212992.
//
//   NONE/FAILED ─output→ INCOMPLETE ─reply→ REACHABLE ─reachable_time→ STALE
//   INCOMPLETE ─3 probes unanswered→ FAILED (queued packets: error report → EHOSTUNREACH)
//   STALE ─output→ DELAY ─5 s, no confirmation→ PROBE ─3 unicast probes→ FAILED
//   DELAY/PROBE ─confirmation→ REACHABLE
import { jiffies, time_after } from "../kernel/clock";
import { prandom_u32_max } from "../kernel/random";
import { TimerList, timer_setup, mod_timer, del_timer } from "../kernel/timer";
import { SKB_DROP_REASON_NEIGH_FAILED, SKB_DROP_REASON_NEIGH_QUEUEFULL } from "../kernel/drop_reason";
import { kfree_skb_reason, SkBuff, skb_push } from "../core/skbuff";
import { skb_dequeue, skb_queue_head_init, skb_queue_len, skb_queue_tail, skb_queue_bytes, SIZEOF_SKB_QUEUE } from "../core/skb_queue";
import { dev_get_by_index, dev_queue_xmit, NetDevice, IFF_LOOPBACK, NET_XMIT_SUCCESS } from "./netdevice";
import { eth_header_fill, ETH_BROADCAST, ETH_HLEN, ETH_P_IP } from "./ethhdr";

// @ts-ignore: decorator
@inline export const NUD_NONE: u32 = 0x00;
// @ts-ignore: decorator
@inline export const NUD_INCOMPLETE: u32 = 0x01;
// @ts-ignore: decorator
@inline export const NUD_REACHABLE: u32 = 0x02;
// @ts-ignore: decorator
@inline export const NUD_STALE: u32 = 0x04;
// @ts-ignore: decorator
@inline export const NUD_DELAY: u32 = 0x08;
// @ts-ignore: decorator
@inline export const NUD_PROBE: u32 = 0x10;
// @ts-ignore: decorator
@inline export const NUD_FAILED: u32 = 0x20;
// @ts-ignore: decorator
@inline export const NUD_NOARP: u32 = 0x40;
// @ts-ignore: decorator
@inline export const NUD_PERMANENT: u32 = 0x80;
// @ts-ignore: decorator
@inline const NUD_VALID: u32 = NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY;
// @ts-ignore: decorator
@inline const NUD_CONNECTED: u32 = NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE;

/** neigh_parms of the IPv4 table, in ms (jiffies at HZ=1000); sysctl-settable. */
export let base_reachable_time: u32 = 30000;
export let delay_first_probe_time: u32 = 5000;
export let retrans_time: u32 = 1000;
export let mcast_solicit: u32 = 3;
export let ucast_solicit: u32 = 3;
export let unres_qlen_bytes: u32 = 212992;
export function neigh_set_parm(which: u32, v: u32): void {
  if (which == 0) base_reachable_time = v;
  else if (which == 1) delay_first_probe_time = v;
  else if (which == 2) retrans_time = v;
  else if (which == 3) mcast_solicit = v;
  else if (which == 4) ucast_solicit = v;
  else if (which == 5) unres_qlen_bytes = v;
}

/**
 * struct neighbour:
 *   timer (24) │ ip │ mac (u64) │ ifindex │ nud_state │ probes │ confirmed │ updated │ used
 *   │ reachable_time │ arp_queue (sk_buff_head, 16) │ unres_discards
 */
@final @unmanaged export class Neighbour {
  t_next: usize;
  t_prev: usize;
  t_expires: u32;
  t_func: u32;
  t_data: usize;
  t_flags: u32;
  ip: u32;
  mac: u64;
  ifindex: u32;
  nud_state: u32;
  probes: u32;
  confirmed: u32;
  updated: u32;
  used: u32;
  reachable_time: u32;
  in_use: u32;
  arp_queue: usize;
  /** Chain in the lookup hash (neigh_hash_table). */
  hash_next: usize;
  /** arp_queue_len_bytes: truesize of the queued packets (what unres_qlen_bytes bounds). */
  arp_queue_bytes: u32;
}

// @ts-ignore: decorator
@inline const NEIGH_MAX: u32 = 256;
let table: usize = 0;
// neigh_hash_table: 64 chains keyed by (ip, ifindex), so the per-packet lookup is O(1).
// @ts-ignore: decorator
@inline const NEIGH_HASH: u32 = 64;
const neigh_hash: usize = memory.data(<i32>(NEIGH_HASH * 4), 4);
// @ts-ignore: decorator
@inline function hash_chain(ip: u32, ifindex: u32): usize {
  const h = (ip ^ (ip >>> 16) ^ (ifindex * 0x9e3779b1)) * 0x85ebca6b;
  return neigh_hash + (<usize>((h >>> 26) & (NEIGH_HASH - 1)) << 2);
}

function hash_add(n: Neighbour): void {
  const c = hash_chain(n.ip, n.ifindex);
  n.hash_next = load<usize>(c);
  store<usize>(c, changetype<usize>(n));
}

function hash_del(n: Neighbour): void {
  let p = hash_chain(n.ip, n.ifindex);
  while (load<usize>(p) != 0) {
    const cur = changetype<Neighbour>(load<usize>(p));
    if (cur === n) {
      store<usize>(p, n.hash_next);
      break;
    }
    p = changetype<usize>(cur) + offsetof<Neighbour>("hash_next");
  }
  n.hash_next = 0;
}
export let neigh_unres_discards: u32 = 0;

/** Upcalls registered by upper layers (Linux neigh_ops): solicit = send an ARP probe,
 *  error_report = tell the sender of a queued packet that resolution failed. */
let solicit_fn: u32 = 0;
let error_report_fn: u32 = 0;
export function neigh_register(solicit: u32, error_report: u32): void {
  solicit_fn = solicit;
  error_report_fn = error_report;
}

function neigh_at(i: u32): Neighbour {
  return changetype<Neighbour>(table + <usize>i * (offsetof<Neighbour>() + SIZEOF_SKB_QUEUE));
}

export function neigh_init(): void {
  const stride = offsetof<Neighbour>() + SIZEOF_SKB_QUEUE;
  table = heap.alloc(<usize>NEIGH_MAX * stride);
  memory.fill(table, 0, <usize>NEIGH_MAX * stride);
  for (let i: u32 = 0; i < NEIGH_MAX; i++) {
    const n = neigh_at(i);
    n.arp_queue = changetype<usize>(n) + offsetof<Neighbour>();
    skb_queue_head_init(n.arp_queue);
    timer_setup(changetype<TimerList>(n), neigh_timer_handler.index, changetype<usize>(n));
  }
}

/** neigh_rand_reach_time(): uniform in [base/2, 3*base/2). */
function neigh_rand_reach_time(): u32 {
  return base_reachable_time == 0 ? 0 : (base_reachable_time >> 1) + prandom_u32_max(base_reachable_time);
}

// parms->reachable_time: one value for the table, drawn again every 300 s (Linux's
// neigh_periodic_work does it on its next run; here, on the next use after 300 s).
let reachable_time: u32 = 0;
let last_rand: u32 = 0;
let reach_drawn = false;
function rand_reach_time(): u32 {
  if (!reach_drawn || time_after(jiffies, last_rand + 300000)) {
    reach_drawn = true;
    last_rand = jiffies;
    reachable_time = neigh_rand_reach_time();
  }
  return reachable_time;
}

/** neigh_lookup(). */
export function neigh_lookup(ip: u32, ifindex: u32): Neighbour | null {
  let p = load<usize>(hash_chain(ip, ifindex));
  while (p != 0) {
    const n = changetype<Neighbour>(p);
    if (n.ip == ip && n.ifindex == ifindex) return n;
    p = n.hash_next;
  }
  return null;
}

/** neigh_create(): a fresh NUD_NONE entry; when full, recycles a FAILED or the oldest STALE
 *  entry (Linux's forced GC); null if every entry is busy resolving. */
export function neigh_create(ip: u32, ifindex: u32): Neighbour | null {
  let victim: Neighbour | null = null;
  for (let i: u32 = 0; i < NEIGH_MAX; i++) {
    const n = neigh_at(i);
    if (n.in_use == 0) { victim = n; break; }
    if ((n.nud_state & (NUD_FAILED | NUD_STALE)) != 0 || n.nud_state == NUD_NONE) {
      if (victim === null || time_after(victim.used, n.used)) victim = n;
    }
  }
  if (victim === null) return null;
  const n = victim;
  if (n.in_use != 0) neigh_release(n);
  n.in_use = 1;
  n.ip = ip;
  n.ifindex = ifindex;
  hash_add(n);
  n.mac = 0;
  n.nud_state = NUD_NONE;
  n.probes = 0;
  n.confirmed = jiffies - base_reachable_time;
  n.updated = jiffies;
  n.used = jiffies;
  n.reachable_time = rand_reach_time();
  n.arp_queue_bytes = 0;
  return n;
}

/** Takes the oldest queued packet, keeping arp_queue_bytes in step. */
function arp_dequeue(n: Neighbour): SkBuff | null {
  const skb = skb_dequeue(n.arp_queue);
  if (skb !== null) n.arp_queue_bytes -= skb.truesize;
  return skb;
}

function neigh_release(n: Neighbour): void {
  del_timer(changetype<TimerList>(n));
  let skb = arp_dequeue(n);
  while (skb !== null) {
    kfree_skb_reason(skb, SKB_DROP_REASON_NEIGH_FAILED);
    skb = arp_dequeue(n);
  }
  hash_del(n);
  n.in_use = 0;
}

/** Entries in use (for `ip neigh` and the leak check). */
export function neigh_count(): u32 {
  let c: u32 = 0;
  for (let i: u32 = 0; i < NEIGH_MAX; i++) if (neigh_at(i).in_use != 0) c++;
  return c;
}
export function neigh_get(i: u32): Neighbour | null {
  if (i >= NEIGH_MAX) return null;
  const n = neigh_at(i);
  return n.in_use != 0 ? n : null;
}
export function neigh_max(): u32 { return NEIGH_MAX; }

function neigh_set_timer(n: Neighbour, delay: u32): void {
  mod_timer(changetype<TimerList>(n), jiffies + delay);
}

function neigh_probe(n: Neighbour): void {
  n.probes++;
  call_indirect<void>(solicit_fn, changetype<usize>(n));
}

/** Sends every queued packet now that the address is known (neigh_connect + flush). */
function neigh_flush_queue(n: Neighbour): void {
  const dev = dev_get_by_index(n.ifindex);
  let skb = arp_dequeue(n);
  while (skb !== null) {
    if (dev !== null) neigh_fill_and_xmit(n, skb, dev);
    else kfree_skb_reason(skb, SKB_DROP_REASON_NEIGH_FAILED);
    skb = arp_dequeue(n);
  }
}

/** Resolution failed: every queued packet's sender hears about it, then the packet goes. */
function neigh_invalidate(n: Neighbour): void {
  let skb = arp_dequeue(n);
  while (skb !== null) {
    if (error_report_fn != 0) call_indirect<void>(error_report_fn, changetype<usize>(skb));
    kfree_skb_reason(skb, SKB_DROP_REASON_NEIGH_FAILED);
    skb = arp_dequeue(n);
  }
}

/** neigh_timer_handler(). */
function neigh_timer_handler(np: usize): void {
  const n = changetype<Neighbour>(np);
  const state = n.nud_state;
  const now = jiffies;
  if ((state & NUD_REACHABLE) != 0) {
    if (!time_after(now, n.confirmed + n.reachable_time)) {
      neigh_set_timer(n, n.confirmed + n.reachable_time - now);
    } else if (!time_after(now, n.used + delay_first_probe_time)) {
      n.nud_state = NUD_DELAY;
      n.updated = now;
      neigh_set_timer(n, delay_first_probe_time);
    } else {
      n.nud_state = NUD_STALE;
      n.updated = now;
    }
    return;
  }
  if ((state & NUD_DELAY) != 0) {
    if (!time_after(now, n.confirmed + delay_first_probe_time)) {
      // Confirmed while delayed: reachable until confirmed + reachable_time.
      n.nud_state = NUD_REACHABLE;
      n.updated = now;
      const until = n.confirmed + n.reachable_time;
      neigh_set_timer(n, time_after(until, now) ? until - now : 0);
      return;
    }
    n.nud_state = NUD_PROBE;
    n.updated = now;
    n.probes = 0;
  }
  if ((n.nud_state & (NUD_INCOMPLETE | NUD_PROBE)) != 0) {
    const max = n.nud_state == NUD_INCOMPLETE ? mcast_solicit : ucast_solicit;
    if (n.probes >= max) {
      n.nud_state = NUD_FAILED;
      n.updated = now;
      neigh_invalidate(n);
      return;
    }
    neigh_probe(n);
    neigh_set_timer(n, retrans_time);
  }
}

/** neigh_update(): a confirmed (reply to us) or unconfirmed (request) mapping. */
export function neigh_update(n: Neighbour, mac: u64, state: u32): void {
  const old = n.nud_state;
  const changed = n.mac != mac;
  n.mac = mac;
  n.updated = jiffies;
  if (state == NUD_REACHABLE) {
    n.confirmed = jiffies;
    n.nud_state = NUD_REACHABLE;
    n.reachable_time = rand_reach_time();
    neigh_set_timer(n, n.reachable_time);
  } else if ((old & NUD_VALID) == 0 || changed) {
    // A request told us the address: usable, but unconfirmed.
    n.nud_state = NUD_STALE;
    del_timer(changetype<TimerList>(n));
  }
  if ((old & NUD_VALID) == 0 && (n.nud_state & NUD_VALID) != 0) neigh_flush_queue(n);
}

function neigh_fill_and_xmit(n: Neighbour, skb: SkBuff, dev: NetDevice): i32 {
  const h = skb_push(skb, ETH_HLEN);
  eth_header_fill(h, n.mac, dev.mac, ETH_P_IP);
  return dev_queue_xmit(skb, dev);
}

/**
 * neigh_output() / neigh_resolve_output(): sends an IPv4 packet to the next hop on dev,
 * resolving its address first if needed. Returns NET_XMIT_* (queued counts as success).
 */
export function neigh_output(skb: SkBuff, dev: NetDevice, nexthop: u32): i32 {
  if ((dev.flags & IFF_LOOPBACK) != 0) {
    const h = skb_push(skb, ETH_HLEN);
    eth_header_fill(h, 0, 0, ETH_P_IP);
    return dev_queue_xmit(skb, dev);
  }
  if (nexthop == 0xffffffff) {
    const h = skb_push(skb, ETH_HLEN);
    eth_header_fill(h, ETH_BROADCAST, dev.mac, ETH_P_IP);
    return dev_queue_xmit(skb, dev);
  }
  let n = neigh_lookup(nexthop, dev.ifindex);
  if (n === null) n = neigh_create(nexthop, dev.ifindex);
  if (n === null) {
    kfree_skb_reason(skb, SKB_DROP_REASON_NEIGH_QUEUEFULL);
    return NET_XMIT_SUCCESS;
  }
  n.used = jiffies;
  const state = n.nud_state;
  if ((state & NUD_CONNECTED) != 0 || (state & (NUD_DELAY | NUD_PROBE)) != 0) {
    return neigh_fill_and_xmit(n, skb, dev);
  }
  if ((state & NUD_STALE) != 0) {
    // __neigh_event_send(): a stale entry is used at once and verified within 5 s.
    n.nud_state = NUD_DELAY;
    n.updated = jiffies;
    neigh_set_timer(n, delay_first_probe_time);
    return neigh_fill_and_xmit(n, skb, dev);
  }
  // NONE, FAILED or INCOMPLETE: queue (bounded by unres_qlen_bytes, oldest dropped first).
  // __neigh_event_send(): the oldest packets go first while the queue's truesize plus this
  // one exceeds unres_qlen_bytes.
  while (skb_queue_len(n.arp_queue) != 0 && n.arp_queue_bytes + skb.truesize > unres_qlen_bytes) {
    const old = arp_dequeue(n);
    if (old !== null) kfree_skb_reason(old, SKB_DROP_REASON_NEIGH_QUEUEFULL);
    neigh_unres_discards++;
  }
  skb_queue_tail(n.arp_queue, skb);
  n.arp_queue_bytes += skb.truesize;
  if (state != NUD_INCOMPLETE) {
    n.nud_state = NUD_INCOMPLETE;
    n.updated = jiffies;
    n.probes = 0;
    neigh_probe(n);
    neigh_set_timer(n, retrans_time);
  }
  return NET_XMIT_SUCCESS;
}

/**
 * neigh_confirm(): an upper layer saw proof that the neighbour is alive (TCP forward
 * progress: dst_confirm_neigh). A REACHABLE entry stays so; DELAY returns to REACHABLE
 * when its timer runs.
 */
export function neigh_confirm(ip: u32, ifindex: u32): void {
  const n = neigh_lookup(ip, ifindex);
  if (n !== null) n.confirmed = jiffies;
}

/** Forgets every entry (used when sysctls change or by tests). */
export function neigh_flush_all(): void {
  for (let i: u32 = 0; i < NEIGH_MAX; i++) {
    const n = neigh_at(i);
    if (n.in_use != 0) neigh_release(n);
  }
}
