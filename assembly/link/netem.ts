// The root qdisc of every Ethernet device: netem, as `tc qdisc add dev eth0 root netem
// delay D jitter J rate R loss L duplicate P reorder Q corrupt C limit N` configures it.
// Linux: net/sched/sch_netem.c. Impairments happen on egress, where netem sits in Linux;
// the link itself (the host moving frames between rings) is ideal.
//
// Frames wait in a "tfifo" ordered by time_to_send (a list: almost every frame appends at
// the tail; jitter may insert earlier). Decisions follow netem_enqueue():
//   duplicate → loss → corrupt → limit → reorder (sent at once, at the head) or
//   delay = uniform(latency ± jitter), plus, with a rate, the serialization time of the
//   frame counted from the time the previous frame finishes.
import { ktime_ns } from "../kernel/clock";
import { skb_orphan } from "../core/sock";
import { prandom_u32, prandom_u32_max } from "../kernel/random";
import { SKB_DROP_REASON_NETEM_LOSS, SKB_DROP_REASON_QDISC_DROP, SKB_DROP_REASON_NOMEM } from "../kernel/drop_reason";
import { kfree_skb_reason, skb_cb, skb_clone, skb_cloned, skb_copy, SkBuff, consume_skb } from "../core/skbuff";
import { skb_peek, skb_peek_tail, skb_queue_after, skb_queue_head, skb_queue_head_init, skb_queue_len, skb_queue_tail, skb_unlink, SIZEOF_SKB_QUEUE } from "../core/skb_queue";
import { dev_hard_start_xmit, NetDevice, NET_XMIT_DROP, NET_XMIT_SUCCESS, register_qdisc, TCQ_F_CAN_BYPASS } from "./netdevice";

/** struct netem_sched_data, plus the tfifo head. */
@final @unmanaged export class Netem {
  latency_ns: f64;
  jitter_ns: f64;
  /** Bytes per second; 0 = unlimited. */
  rate_Bps: f64;
  /** Probabilities scaled to 2^32 (netem's u32 percentages). */
  loss: u32;
  duplicate: u32;
  reorder: u32;
  corrupt: u32;
  limit: u32;
  drops: u32;
  requeues: u32;
  /** sk_buff_head of the tfifo (16 bytes follow the struct). */
  q: usize;
}

/** time_to_send lives in the last 8 bytes of skb->cb, as netem_skb_cb does. */
// @ts-ignore: decorator
@inline function time_to_send(skb: SkBuff): f64 { return load<f64>(skb_cb(skb) + 40); }
// @ts-ignore: decorator
@inline function set_time_to_send(skb: SkBuff, t: f64): void { store<f64>(skb_cb(skb) + 40, t); }

/** Creates the device's netem with no impairments and txqueuelen 1000 as its limit. */
export function netem_alloc(dev: NetDevice): void {
  const q = changetype<Netem>(heap.alloc(offsetof<Netem>() + SIZEOF_SKB_QUEUE));
  memory.fill(changetype<usize>(q), 0, offsetof<Netem>());
  q.q = changetype<usize>(q) + offsetof<Netem>();
  skb_queue_head_init(q.q);
  q.limit = 1000;
  dev.qdisc = changetype<usize>(q);
  dev.qdisc_q = q.q;
  netem_set_bypass(dev, q);
}

/**
 * With every impairment at zero, netem sends each frame at once and in order (a zero
 * delay, time_to_send = now): it is a plain FIFO, as the pfifo_fast/noqueue a Linux device
 * has without `tc qdisc`, and dev_queue_xmit may bypass it while it is empty.
 */
function netem_set_bypass(dev: NetDevice, q: Netem): void {
  const idle = q.latency_ns == 0 && q.jitter_ns == 0 && q.rate_Bps == 0 && (q.loss | q.duplicate | q.reorder | q.corrupt) == 0;
  if (idle) dev.qdisc_flags |= TCQ_F_CAN_BYPASS;
  else dev.qdisc_flags &= ~TCQ_F_CAN_BYPASS;
}

export function netem_change(dev: NetDevice, latency_ns: f64, jitter_ns: f64, rate_bps: f64, loss: u32, duplicate: u32, reorder: u32, corrupt: u32, limit: u32): void {
  const q = changetype<Netem>(dev.qdisc);
  q.latency_ns = latency_ns;
  q.jitter_ns = jitter_ns;
  q.rate_Bps = rate_bps / 8;
  q.loss = loss;
  q.duplicate = duplicate;
  q.reorder = reorder;
  q.corrupt = corrupt;
  q.limit = limit == 0 ? 1000 : limit;
  netem_set_bypass(dev, q);
}

// @ts-ignore: decorator
@inline function chance(p: u32): bool { return p != 0 && prandom_u32() < p; }

/** tabledist() without a distribution table: uniform in [mu - sigma, mu + sigma). */
function tabledist(mu: f64, sigma: f64): f64 {
  if (sigma <= 0) return mu;
  // Integer nanoseconds, as netem's s64 arithmetic: rnd % (2σ) + μ − σ.
  const rnd = <f64>prandom_u32() * (1.0 / 4294967296.0);
  return Math.floor(mu - sigma + rnd * 2 * sigma);
}

/** Inserts by time_to_send, scanning from the tail (the common case appends). */
function tfifo_enqueue(q: Netem, skb: SkBuff): void {
  const t = time_to_send(skb);
  let pos = skb_peek_tail(q.q);
  while (pos !== null && time_to_send(pos) > t) {
    const prev = pos.prev;
    pos = prev == q.q ? null : changetype<SkBuff>(prev);
  }
  if (pos === null) skb_queue_head(q.q, skb);
  else skb_queue_after(q.q, changetype<usize>(pos), skb);
}

function netem_enqueue(skbp: usize, devp: usize): i32 {
  let skb = changetype<SkBuff>(skbp);
  const dev = changetype<NetDevice>(devp);
  const q = changetype<Netem>(dev.qdisc);
  let count: u32 = 1;
  if (chance(q.duplicate)) count++;
  if (chance(q.loss)) count--;
  if (count == 0) {
    q.drops++;
    kfree_skb_reason(skb, SKB_DROP_REASON_NETEM_LOSS);
    return NET_XMIT_SUCCESS; // netem reports success: the loss happens "on the wire"
  }
  if (count > 1) {
    // The duplicate goes through the same steps once, without being duplicated again.
    const dup = skb_clone(skb);
    if (dup !== null) {
      const saved = q.duplicate;
      q.duplicate = 0;
      netem_enqueue(changetype<usize>(dup), devp);
      q.duplicate = saved;
    }
  }
  if (chance(q.corrupt) && skb.len > 0) {
    if (skb_cloned(skb)) {
      const c = skb_copy(skb);
      if (c === null) {
        q.drops++;
        kfree_skb_reason(skb, SKB_DROP_REASON_NOMEM);
        return NET_XMIT_DROP;
      }
      consume_skb(skb);
      skb = c;
    }
    const at = skb.data + <usize>prandom_u32_max(skb.len);
    store<u8>(at, load<u8>(at) ^ <u8>(<u32>1 << prandom_u32_max(8)));
  }
  // netem_enqueue(): "if a delay is expected, orphan the skb" — the sender's buffer space
  // is given back now rather than after the transit delay (skb_orphan_partial; for
  // datagram sockets a full orphan).
  if (q.latency_ns > 0 || q.jitter_ns > 0 || q.rate_Bps > 0) skb_orphan(skb);
  if (skb_queue_len(q.q) >= q.limit) {
    q.drops++;
    kfree_skb_reason(skb, SKB_DROP_REASON_QDISC_DROP);
    return NET_XMIT_DROP;
  }
  const now = ktime_ns;
  if (q.reorder != 0 && chance(q.reorder)) {
    // netem with gap 1 (tc's default once reorder is given): this frame skips the delay
    // and goes to the head of the queue.
    set_time_to_send(skb, now);
    q.requeues++;
    skb_queue_head(q.q, skb);
    return NET_XMIT_SUCCESS;
  }
  let delay = tabledist(q.latency_ns, q.jitter_ns);
  let base = now;
  if (q.rate_Bps > 0) {
    const last = skb_peek_tail(q.q);
    if (last !== null) {
      const tl = time_to_send(last);
      delay -= tl - now;
      if (delay < 0) delay = 0;
      base = tl;
    }
    // packet_time_ns(): len * NSEC_PER_SEC / rate, an integer division (truncates).
    delay += Math.floor(<f64>skb.len * 1e9 / q.rate_Bps);
  }
  set_time_to_send(skb, Math.ceil(base + delay));
  tfifo_enqueue(q, skb);
  return NET_XMIT_SUCCESS;
}

/** Moves every due frame to the TX ring while the ring has room. */
function netem_run(devp: usize): void {
  const dev = changetype<NetDevice>(devp);
  const q = changetype<Netem>(dev.qdisc);
  const now = ktime_ns;
  let skb = skb_peek(q.q);
  while (skb !== null && time_to_send(skb) <= now) {
    skb_unlink(skb, q.q);
    if (!dev_hard_start_xmit(skb, dev)) {
      skb_queue_head(q.q, skb); // ring full: back to the head; tx_clean restarts us
      return;
    }
    skb = skb_peek(q.q);
  }
}

/** When the device's next frame is due (the qdisc watchdog), or -1. */
export function netem_next(dev: NetDevice): f64 {
  const q = changetype<Netem>(dev.qdisc);
  const skb = skb_peek(q.q);
  if (skb === null || dev.queue_stopped != 0) return -1;
  return time_to_send(skb);
}
export function netem_drops(dev: NetDevice): u32 { return changetype<Netem>(dev.qdisc).drops; }
export function netem_qlen(dev: NetDevice): u32 { return skb_queue_len(changetype<Netem>(dev.qdisc).q); }

export function netem_init(): void {
  register_qdisc(netem_enqueue.index, netem_run.index);
}
