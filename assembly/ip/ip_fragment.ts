// IPv4 reassembly. Linux: net/ipv4/ip_fragment.c (ip_defrag, ip_frag_queue, ip_expire,
// ip_frag_reasm) and net/ipv4/inet_fragment.c (inet_frag_queue_insert).
// Rules kept from Linux: a queue is keyed by (saddr, daddr, id, protocol); it lives
// net.ipv4.ipfrag_time (30 s); an overlap kills the whole queue (ReasmOverlaps and
// ReasmFails; RFC 5722's rule, which Linux applies to IPv4 too), an exact duplicate is
// only dropped; a datagram over 65535 bytes fails; on timeout the sender gets ICMP time
// exceeded (fragment reassembly) if the first fragment arrived.
import { ld16be, st16be } from "../lib/bytes";
import { jiffies } from "../kernel/clock";
import { TimerList, timer_setup, mod_timer, del_timer } from "../kernel/timer";
import { SNMP_INC_STATS, IPSTATS_MIB_REASMREQDS, IPSTATS_MIB_REASMOKS, IPSTATS_MIB_REASMFAILS, IPSTATS_MIB_REASMTIMEOUT, IPEXT_MIB_REASMOVERLAPS } from "../kernel/mib";
import { SKB_DROP_REASON_DUP_FRAG, SKB_DROP_REASON_FRAG_REASM_TIMEOUT, SKB_DROP_REASON_FRAG_TOO_FAR, SKB_DROP_REASON_NOMEM, SKB_DROP_REASON_IP_INHDR } from "../kernel/drop_reason";
import { alloc_skb, kfree_skb_reason, SkBuff, skb_cb, skb_put, skb_reserve, skb_reset_network_header, MAX_HEADER } from "../core/skbuff";
import { skb_dequeue, skb_queue_purge_reason, skb_peek, skb_peek_tail, skb_queue_after, skb_queue_tail, skb_queue_head_init, SIZEOF_SKB_QUEUE } from "../core/skb_queue";
import { iph_daddr, iph_id, iph_ihl, iph_protocol, iph_saddr, iph_tot_len, IPH_FRAG_OFF, IPH_TOT_LEN, IP_MF, IP_OFFSET, IP_DF } from "./iphdr";

/** net.ipv4.ipfrag_time (s), ipfrag_high_thresh (bytes). */
export let ipfrag_time: u32 = 30;
export let ipfrag_high_thresh: u32 = 4194304;
export function set_ipfrag_time(v: u32): void { ipfrag_time = v; }
export function set_ipfrag_high_thresh(v: u32): void { ipfrag_high_thresh = v; }
let ipfrag_pool_cap: u32 = 0xffffffff;
/** Called at boot with the bytes of half the small-buffer pool, at RX truesize. */
export function ipfrag_set_pool_cap(bytes: u32): void { ipfrag_pool_cap = bytes; }

// @ts-ignore: decorator
@inline const INET_FRAG_LAST_IN: u32 = 1;
// @ts-ignore: decorator
@inline const INET_FRAG_FIRST_IN: u32 = 2;
// @ts-ignore: decorator
@inline const MAX_IPQ: u32 = 64;

/** struct ipq: timer (24) │ in_use │ saddr │ daddr │ id │ protocol │ flags │ len │ meat │ mem │ fragments (16) */
@final @unmanaged class Ipq {
  t_next: usize;
  t_prev: usize;
  t_expires: u32;
  t_func: u32;
  t_data: usize;
  t_flags: u32;
  in_use: u32;
  saddr: u32;
  daddr: u32;
  id: u32;
  protocol: u32;
  flags: u32;
  len: u32;
  meat: u32;
  mem: u32;
  /** Head skb of the run at the tail (q->last_run_head). */
  last_run: usize;
  fragments: usize;
}
let ipqs: usize = 0;
let frag_mem: u32 = 0;

// FRAG_CB(skb): byte offset and end of this fragment's payload within the datagram.
// @ts-ignore: decorator
@inline function frag_offset(skb: SkBuff): u32 { return load<u32>(skb_cb(skb)); }
// @ts-ignore: decorator
@inline function frag_end(skb: SkBuff): u32 { return load<u32>(skb_cb(skb), 4); }

function ipq_at(i: u32): Ipq { return changetype<Ipq>(ipqs + <usize>i * (offsetof<Ipq>() + SIZEOF_SKB_QUEUE)); }

let time_exceeded_fn: u32 = 0;
/** ICMP registers how to send "time exceeded: fragment reassembly" (icmp_send). */
export function ipfrag_set_icmp(fn: u32): void { time_exceeded_fn = fn; }

export function ipfrag_init(): void {
  const stride = offsetof<Ipq>() + SIZEOF_SKB_QUEUE;
  ipqs = heap.alloc(<usize>MAX_IPQ * stride);
  memory.fill(ipqs, 0, <usize>MAX_IPQ * stride);
  for (let i: u32 = 0; i < MAX_IPQ; i++) {
    const q = ipq_at(i);
    q.fragments = changetype<usize>(q) + offsetof<Ipq>();
    skb_queue_head_init(q.fragments);
    timer_setup(changetype<TimerList>(q), ip_expire.index, changetype<usize>(q));
  }
}

/** Reassembly queues in use (the tests' leak check). */
export function ipfrag_queues(): u32 {
  let c: u32 = 0;
  for (let i: u32 = 0; i < MAX_IPQ; i++) if (ipq_at(i).in_use != 0) c++;
  return c;
}

/** inet_frag_kill() + destroy: frees every fragment and the queue. */
function ipq_kill(q: Ipq, reason: u32): void {
  del_timer(changetype<TimerList>(q));
  skb_queue_purge_reason(q.fragments, reason);
  frag_mem -= q.mem;
  q.in_use = 0;
}

function ip_expire(qp: usize): void {
  const q = changetype<Ipq>(qp);
  SNMP_INC_STATS(IPSTATS_MIB_REASMFAILS);
  SNMP_INC_STATS(IPSTATS_MIB_REASMTIMEOUT);
  if ((q.flags & INET_FRAG_FIRST_IN) != 0) {
    const head = skb_peek(q.fragments);
    if (head !== null && frag_offset(head) == 0 && time_exceeded_fn != 0) call_indirect<void>(time_exceeded_fn, changetype<usize>(head));
  }
  ipq_kill(q, SKB_DROP_REASON_FRAG_REASM_TIMEOUT);
}

function ipq_find(saddr: u32, daddr: u32, id: u32, protocol: u32): Ipq | null {
  let free: Ipq | null = null;
  for (let i: u32 = 0; i < MAX_IPQ; i++) {
    const q = ipq_at(i);
    if (q.in_use == 0) { if (free === null) free = q; continue; }
    if (q.saddr == saddr && q.daddr == daddr && q.id == id && q.protocol == protocol) return q;
  }
  if (free === null) return null;
  const q = free;
  q.in_use = 1;
  q.saddr = saddr;
  q.daddr = daddr;
  q.id = id;
  q.protocol = protocol;
  q.flags = 0;
  q.len = 0;
  q.meat = 0;
  q.mem = 0;
  q.last_run = 0;
  mod_timer(changetype<TimerList>(q), jiffies + ipfrag_time * 1000);
  return q;
}

/** ip_frag_reasm(): glues the fragments into one new skb. */
function ip_frag_reasm(q: Ipq): SkBuff | null {
  const first = skb_peek(q.fragments);
  if (first === null) return null;
  const ihl = iph_ihl(first.data);
  const total = ihl + q.len;
  if (total > 65535) {
    SNMP_INC_STATS(IPSTATS_MIB_REASMFAILS);
    ipq_kill(q, SKB_DROP_REASON_FRAG_TOO_FAR);
    return null;
  }
  const skb = alloc_skb(MAX_HEADER + total);
  if (skb === null) {
    SNMP_INC_STATS(IPSTATS_MIB_REASMFAILS);
    ipq_kill(q, SKB_DROP_REASON_NOMEM);
    return null;
  }
  skb_reserve(skb, MAX_HEADER);
  const h = skb_put(skb, total);
  memory.copy(h, first.data, ihl);
  let f = skb_peek(q.fragments);
  while (f !== null) {
    const off = frag_offset(f);
    memory.copy(h + ihl + off, f.data + iph_ihl(f.data), frag_end(f) - off);
    f = f.next == q.fragments ? null : changetype<SkBuff>(f.next);
  }
  st16be(h + IPH_TOT_LEN, total);
  st16be(h + IPH_FRAG_OFF, ld16be(h + IPH_FRAG_OFF) & IP_DF);
  skb_reset_network_header(skb);
  skb.dev = first.dev;
  skb.tstamp = first.tstamp;
  skb.pkt_type = first.pkt_type;
  SNMP_INC_STATS(IPSTATS_MIB_REASMOKS);
  ipq_kill(q, 1);
  return skb;
}

/**
 * ip_defrag(): queues a fragment (skb.data at its IP header, length trimmed to tot_len).
 * Returns the whole datagram when this fragment completes it, else null (the fragment
 * was queued or dropped). The returned header's checksum is stale: the caller no longer
 * checks it, as Linux does not re-verify a reassembled header.
 */
export function ip_defrag(skb: SkBuff): SkBuff | null {
  SNMP_INC_STATS(IPSTATS_MIB_REASMREQDS);
  const h = skb.data;
  // inet_frag_find(): over the memory threshold, no fragment is queued at all, whether it
  // starts a queue or joins one. kstack: the threshold is also capped by the skb pool —
  // half of it — so fragments can never starve the RX rings of buffers.
  const limit = ipfrag_high_thresh < ipfrag_pool_cap ? ipfrag_high_thresh : ipfrag_pool_cap;
  const q: Ipq | null = frag_mem > limit ? null : ipq_find(iph_saddr(h), iph_daddr(h), iph_id(h), iph_protocol(h));
  if (q === null) {
    SNMP_INC_STATS(IPSTATS_MIB_REASMFAILS);
    kfree_skb_reason(skb, SKB_DROP_REASON_NOMEM);
    return null;
  }
  const ihl = iph_ihl(h);
  const fo = ld16be(h + IPH_FRAG_OFF);
  const offset = (fo & IP_OFFSET) << 3;
  let end = offset + iph_tot_len(h) - ihl;
  if ((fo & IP_MF) == 0) {
    // The last fragment fixes the length; anything beyond it, or a second different
    // "last", means a corrupt datagram.
    if (end < q.len || ((q.flags & INET_FRAG_LAST_IN) != 0 && end != q.len)) return discard(q, skb);
    q.flags |= INET_FRAG_LAST_IN;
    q.len = end;
  } else {
    end &= ~7;
    if (end > q.len) {
      if ((q.flags & INET_FRAG_LAST_IN) != 0) return discard(q, skb);
      q.len = end;
    }
  }
  if (end <= offset) return discard(q, skb);
  store<u32>(skb_cb(skb), offset);
  store<u32>(skb_cb(skb), end, 4);
  store<u32>(skb_cb(skb), 0, 8);
  const rc = frag_queue_insert(q, skb, offset, end);
  if (rc == IPFRAG_DUP) {
    kfree_skb_reason(skb, SKB_DROP_REASON_DUP_FRAG);
    return null;
  }
  if (rc == IPFRAG_OVERLAP) {
    SNMP_INC_STATS(IPEXT_MIB_REASMOVERLAPS);
    return discard(q, skb);
  }
  q.meat += end - offset;
  q.mem += skb.truesize;
  frag_mem += skb.truesize;
  if (offset == 0) q.flags |= INET_FRAG_FIRST_IN;
  if (q.flags == (INET_FRAG_FIRST_IN | INET_FRAG_LAST_IN) && q.meat == q.len) return ip_frag_reasm(q);
  return null;
}

// @ts-ignore: decorator
@inline const IPFRAG_OK: i32 = 0;
// @ts-ignore: decorator
@inline const IPFRAG_DUP: i32 = 1;
// @ts-ignore: decorator
@inline const IPFRAG_OVERLAP: i32 = 2;
// @ts-ignore: decorator
@inline function run_len(skb: SkBuff): u32 { return load<u32>(skb_cb(skb), 8); }
// @ts-ignore: decorator
@inline function set_run_len(skb: SkBuff, v: u32): void { store<u32>(skb_cb(skb), v, 8); }

/**
 * inet_frag_queue_insert(): fragments form "runs" — a fragment that arrives exactly at
 * the tail extends the last run (fragrun_append_to_last), any other starts its own
 * (fragrun_create). A fragment lying inside one run is a duplicate (dropped alone); one
 * that straddles a run's edge, or reaches back into the tail run, is an overlap (RFC 5722
 * with Errata 3089, applied by Linux to IPv4 too).
 */
function frag_queue_insert(q: Ipq, skb: SkBuff, offset: u32, end: u32): i32 {
  const last = skb_peek_tail(q.fragments);
  if (last === null) {
    skb_queue_tail(q.fragments, skb);
    set_run_len(skb, end - offset);
    q.last_run = changetype<usize>(skb);
    return IPFRAG_OK;
  }
  const last_end = frag_end(last);
  if (last_end < end) {
    if (offset < last_end) return IPFRAG_OVERLAP;
    skb_queue_tail(q.fragments, skb);
    if (offset == last_end && q.last_run != 0) {
      const head = changetype<SkBuff>(q.last_run);
      set_run_len(head, run_len(head) + end - offset);
    } else {
      set_run_len(skb, end - offset);
      q.last_run = changetype<usize>(skb);
    }
    return IPFRAG_OK;
  }
  // Somewhere before the tail: find the run it falls in, or the gap before a run.
  let cur = skb_peek(q.fragments);
  while (cur !== null) {
    const rl = run_len(cur);
    if (rl != 0) {
      const rs = frag_offset(cur);
      const re = rs + rl;
      if (end <= rs) {
        skb_queue_after(q.fragments, cur.prev, skb);
        set_run_len(skb, end - offset);
        return IPFRAG_OK;
      }
      if (offset < re) return offset >= rs && end <= re ? IPFRAG_DUP : IPFRAG_OVERLAP;
    }
    cur = cur.next == q.fragments ? null : changetype<SkBuff>(cur.next);
  }
  return IPFRAG_OVERLAP;
}

function discard(q: Ipq, skb: SkBuff): SkBuff | null {
  SNMP_INC_STATS(IPSTATS_MIB_REASMFAILS);
  ipq_kill(q, SKB_DROP_REASON_IP_INHDR);
  kfree_skb_reason(skb, SKB_DROP_REASON_IP_INHDR);
  return null;
}
