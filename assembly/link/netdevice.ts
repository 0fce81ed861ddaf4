// Network devices: the device table, packet-type handlers, receive (netif_receive_skb),
// transmit (dev_queue_xmit through the device's qdisc into its TX ring) and NAPI.
// Linux: net/core/dev.c, include/linux/netdevice.h.
//
// struct net_device (fields in host order, one per interface; lo is ifindex 1):
//   ifindex, flags, type, mtu, mac, IPv4 address/prefix (the in_device), the two
//   descriptor rings, the NAPI context, the qdisc, statistics.
import { RING_CLEAN, RING_CONS, RING_DEFAULT, RING_DESCS, RING_IFINDEX, RING_MASK, RING_MAX, RING_MISSED, RING_PROD, RING_SIZE, SIZEOF_DESC, SIZEOF_RING_HDR, DESC_ADDR, DESC_FLAGS, DESC_LEN, DESC_OWN, DESC_SKB } from "../abi/nic";
import { skb_orphan } from "../core/sock";
import { ktime_ns } from "../kernel/clock";
import { SKB_DROP_REASON_FULL_RING, SKB_DROP_REASON_UNHANDLED_PROTO } from "../kernel/drop_reason";
import { alloc_skb_small, consume_skb, kfree_skb_reason, SkBuff, skb_put, skb_reserve, skb_reset_mac_header, skb_pull, PACKET_HOST, PACKET_BROADCAST, PACKET_OTHERHOST, PACKET_MULTICAST, SKB_SMALL_SIZE, SKB_TRUESIZE } from "../core/skbuff";
import { skb_queue_head_init, skb_queue_len, skb_dequeue, skb_queue_tail, SIZEOF_SKB_QUEUE } from "../core/skb_queue";
import { ld16be, ld48be } from "../lib/bytes";
import { raise_net_rx_softirq } from "../kernel/softirq";
import { ETH_HLEN, ETH_DEST, ETH_PROTO } from "./ethhdr";

@external("env", "host_nic_kick")
declare function host_nic_kick(ifindex: u32): void;
@external("env", "host_tap")
declare function host_tap(ifindex: u32, data: usize, len: u32, dir: u32): void;

// @ts-ignore: decorator
@inline export const IFF_UP: u32 = 0x1;
// @ts-ignore: decorator
@inline export const IFF_LOOPBACK: u32 = 0x8;
// @ts-ignore: decorator
@inline export const IFF_RUNNING: u32 = 0x40;
// @ts-ignore: decorator
@inline export const ARPHRD_ETHER: u32 = 1;
// @ts-ignore: decorator
@inline export const ARPHRD_LOOPBACK: u32 = 772;
// @ts-ignore: decorator
@inline export const MAX_NETDEV: u32 = 16;

@final @unmanaged export class NetDevice {
  ifindex: u32;
  flags: u32;
  type: u32;
  mtu: u32;
  mac: u64;
  /** in_device: one IPv4 address (host order) and prefix length. */
  ip_addr: u32;
  prefixlen: u32;
  tx_ring: usize;
  rx_ring: usize;
  /** NAPI: scheduled on the poll list; weight = packets per poll. */
  napi_state: u32;
  napi_weight: u32;
  napi_next: usize;
  /** The root qdisc (link/netem.ts); its state lives in the device. */
  qdisc: usize;
  queue_stopped: u32;
  /** Set by the host when a capture is running: every frame is copied to host_tap. */
  tap: u32;
  rx_packets: u32;
  rx_bytes: u32;
  rx_dropped: u32;
  rx_errors: u32;
  tx_packets: u32;
  tx_bytes: u32;
  tx_dropped: u32;
  tx_errors: u32;
  /** The root qdisc's packet queue (Qdisc->q) and flags (TCQ_F_*), set by the qdisc. */
  qdisc_q: usize;
  qdisc_flags: u32;
}

/** TCQ_F_CAN_BYPASS: the qdisc may be skipped while it is empty (include/net/sch_generic.h). */
// @ts-ignore: decorator
@inline export const TCQ_F_CAN_BYPASS: u32 = 4;

const devices: usize = memory.data(MAX_NETDEV * 4, 4);
let ndev: u32 = 0;

/** dev_get_by_index(): the device, or null. */
export function dev_get_by_index(ifindex: u32): NetDevice | null {
  if (ifindex == 0 || ifindex > ndev) return null;
  return changetype<NetDevice>(load<usize>(devices + (<usize>(ifindex - 1) << 2)));
}
export function dev_count(): u32 { return ndev; }

// ───── packet type handlers (dev_add_pack) ─────
// @ts-ignore: decorator
@inline const MAX_PTYPE: u32 = 8;
const ptype_type: usize = memory.data(MAX_PTYPE * 4, 4);
const ptype_func: usize = memory.data(MAX_PTYPE * 4, 4);
let nptype: u32 = 0;

/** dev_add_pack(): an upper layer registers `func(skb: usize, dev: usize)` for an ethertype. */
export function dev_add_pack(ethertype: u32, func: u32): void {
  store<u32>(ptype_type + (<usize>nptype << 2), ethertype);
  store<u32>(ptype_func + (<usize>nptype << 2), func);
  nptype++;
}

/** Per-device hook the host uses to see frames (AF_PACKET's dev_queue_xmit_nit). */
// @ts-ignore: decorator
@inline function tap(dev: NetDevice, skb: SkBuff, dir: u32): void {
  if (dev.tap != 0) host_tap(dev.ifindex, skb.data, skb.len, dir);
}

/** eth_type_trans(): classifies by destination MAC and pulls the Ethernet header. */
function eth_type_trans(skb: SkBuff, dev: NetDevice): u32 {
  skb_reset_mac_header(skb);
  const dst = ld48be(skb.data + ETH_DEST);
  const proto = ld16be(skb.data + ETH_PROTO);
  if ((dst >> 40) & 1) {
    skb.pkt_type = dst == 0xffffffffffff ? PACKET_BROADCAST : PACKET_MULTICAST;
  } else if (dst == dev.mac || (dev.flags & IFF_LOOPBACK) != 0) {
    skb.pkt_type = PACKET_HOST;
  } else {
    skb.pkt_type = PACKET_OTHERHOST;
  }
  skb_pull(skb, ETH_HLEN);
  skb.protocol = <u16>proto;
  return proto;
}

/** netif_receive_skb(): hands a frame to the handler of its ethertype. */
export function netif_receive_skb(skb: SkBuff, dev: NetDevice): void {
  if (skb.len < ETH_HLEN) {
    dev.rx_errors++;
    kfree_skb_reason(skb, SKB_DROP_REASON_UNHANDLED_PROTO);
    return;
  }
  // af_packet's packet_rcv drops PACKET_LOOPBACK: on lo, tcpdump sees each frame once,
  // when it is sent.
  if ((dev.flags & IFF_LOOPBACK) == 0) tap(dev, skb, 0);
  dev.rx_packets++;
  dev.rx_bytes += skb.len;
  skb.dev = dev.ifindex;
  skb.tstamp = ktime_ns;
  const proto = eth_type_trans(skb, dev);
  for (let i: u32 = 0; i < nptype; i++) {
    if (load<u32>(ptype_type + (<usize>i << 2)) == proto) {
      call_indirect<void>(load<u32>(ptype_func + (<usize>i << 2)), changetype<usize>(skb), changetype<usize>(dev));
      return;
    }
  }
  // Linux counts these in rx_nohandler; the frame is dropped as an unknown protocol.
  kfree_skb_reason(skb, SKB_DROP_REASON_UNHANDLED_PROTO);
}

// ───── descriptor rings ─────

function ring_alloc(ifindex: u32, size: u32): usize {
  const r = heap.alloc(<usize>SIZEOF_RING_HDR + <usize>RING_MAX * SIZEOF_DESC);
  memory.fill(r, 0, <usize>SIZEOF_RING_HDR + <usize>RING_MAX * SIZEOF_DESC);
  store<u32>(r + RING_SIZE, size);
  store<u32>(r + RING_MASK, size - 1);
  store<usize>(r + RING_DESCS, r + SIZEOF_RING_HDR);
  store<u32>(r + RING_IFINDEX, ifindex);
  return r;
}
// @ts-ignore: decorator
@inline function desc_at(r: usize, idx: u32): usize {
  return r + SIZEOF_RING_HDR + (<usize>(idx & load<u32>(r + RING_MASK)) * SIZEOF_DESC);
}

/** Posts empty receive buffers into every free RX slot (the driver's refill). */
function rx_refill(dev: NetDevice): void {
  const r = dev.rx_ring;
  const size = load<u32>(r + RING_SIZE);
  let prod = load<u32>(r + RING_PROD);
  const clean = load<u32>(r + RING_CLEAN);
  while (prod - clean < size) {
    const skb = alloc_skb_small();
    if (skb === null) break; // pool empty: the ring runs short (refilled on the next poll)
    skb_reserve(skb, 2); // NET_IP_ALIGN: the IP header lands 4-byte aligned
    const d = desc_at(r, prod);
    store<usize>(d + DESC_ADDR, skb.data);
    store<u32>(d + DESC_LEN, <u32>(skb.end - skb.data));
    store<usize>(d + DESC_SKB, changetype<usize>(skb));
    store<u32>(d + DESC_FLAGS, DESC_OWN);
    prod++;
  }
  store<u32>(r + RING_PROD, prod);
}

/** Frees the skbs of descriptors the device has sent (the driver's TX clean). */
function tx_clean(dev: NetDevice): void {
  const r = dev.tx_ring;
  let clean = load<u32>(r + RING_CLEAN);
  const cons = load<u32>(r + RING_CONS);
  while (clean != cons) {
    const d = desc_at(r, clean);
    const skb = changetype<SkBuff>(load<usize>(d + DESC_SKB));
    store<usize>(d + DESC_SKB, 0);
    consume_skb(skb);
    clean++;
  }
  store<u32>(r + RING_CLEAN, clean);
  if (dev.queue_stopped != 0 && load<u32>(r + RING_PROD) - clean < load<u32>(r + RING_SIZE)) {
    dev.queue_stopped = 0; // netif_wake_queue()
    qdisc_run(dev);
  }
}

/** Tops up a short RX ring (virtio-net's refill_work): after the pool ran dry, the ring
 *  is refilled on the next poll even if no frame arrives to trigger NAPI. */
export function netdev_refill(dev: NetDevice): void {
  if ((dev.flags & IFF_LOOPBACK) == 0) rx_refill(dev);
}

/** Sets ring sizes (ethtool -G); only while the rings are empty, as a driver resets them. */
export function netdev_set_ring(dev: NetDevice, rx: u32, tx: u32): i32 {
  if (rx < 8 || tx < 8 || rx > <u32>RING_MAX || tx > <u32>RING_MAX) return -22;
  if ((rx & (rx - 1)) != 0 || (tx & (tx - 1)) != 0) return -22;
  tx_clean(dev);
  const t = dev.tx_ring;
  if (load<u32>(t + RING_PROD) != load<u32>(t + RING_CLEAN)) return -16; // EBUSY
  // Give back posted RX buffers, then re-post at the new size.
  const r = dev.rx_ring;
  let clean = load<u32>(r + RING_CLEAN);
  const prod = load<u32>(r + RING_PROD);
  if (load<u32>(r + RING_CONS) != clean) return -16;
  while (clean != prod) {
    const d = desc_at(r, clean);
    consume_skb(changetype<SkBuff>(load<usize>(d + DESC_SKB)));
    store<usize>(d + DESC_SKB, 0);
    clean++;
  }
  store<u32>(r + RING_SIZE, rx);
  store<u32>(r + RING_MASK, rx - 1);
  store<u32>(r + RING_PROD, 0);
  store<u32>(r + RING_CONS, 0);
  store<u32>(r + RING_CLEAN, 0);
  store<u32>(t + RING_SIZE, tx);
  store<u32>(t + RING_MASK, tx - 1);
  store<u32>(t + RING_PROD, 0);
  store<u32>(t + RING_CONS, 0);
  store<u32>(t + RING_CLEAN, 0);
  rx_refill(dev);
  return 0;
}

// ───── NAPI ─────
/** net.core.netdev_budget (300) and the default NAPI weight (64), Linux's values. */
export let netdev_budget: u32 = 300;
export let napi_weight_default: u32 = 64;
/** net.core.netdev_max_backlog: the loopback/netif_rx backlog limit. */
export let netdev_max_backlog: u32 = 1000;
let poll_head: usize = 0;
let poll_tail: usize = 0;
/** softnet_stat: time_squeeze (budget ran out with work left) and backlog drops. */
export let softnet_time_squeeze: u32 = 0;
export let softnet_dropped: u32 = 0;
export function set_netdev_budget(v: u32): void { netdev_budget = v; }
export function set_netdev_max_backlog(v: u32): void { netdev_max_backlog = v; }

/** napi_schedule(): puts the device on the poll list once (NAPI_STATE_SCHED). */
export function napi_schedule(dev: NetDevice): void {
  if (dev.napi_state != 0) return;
  dev.napi_state = 1;
  dev.napi_next = 0;
  if (poll_tail != 0) changetype<NetDevice>(poll_tail).napi_next = changetype<usize>(dev);
  else poll_head = changetype<usize>(dev);
  poll_tail = changetype<usize>(dev);
  raise_net_rx_softirq();
}

/** Work is waiting on the poll list (the softirq is raised). */
export function napi_pending(): bool { return poll_head != 0; }

/** The per-device poll: TX clean, then up to `weight` received frames. */
function napi_poll(dev: NetDevice, weight: u32): u32 {
  if ((dev.flags & IFF_LOOPBACK) != 0) return process_backlog(dev, weight);
  tx_clean(dev);
  const r = dev.rx_ring;
  let clean = load<u32>(r + RING_CLEAN);
  let done: u32 = 0;
  while (done < weight && clean != load<u32>(r + RING_CONS)) {
    const d = desc_at(r, clean);
    const skb = changetype<SkBuff>(load<usize>(d + DESC_SKB));
    const len = load<u32>(d + DESC_LEN);
    store<usize>(d + DESC_SKB, 0);
    clean++;
    store<u32>(r + RING_CLEAN, clean);
    skb_put(skb, len);
    // An RX buffer costs its whole allocation (Linux drivers' truesize of a 2 KiB frag).
    skb.truesize = SKB_TRUESIZE(2048);
    netif_receive_skb(skb, dev);
    done++;
  }
  rx_refill(dev);
  return done;
}

/** net_rx_action(): polls scheduled devices within netdev_budget; true if work remains. */
export function net_rx_action(): bool {
  let budget = netdev_budget;
  while (poll_head != 0) {
    const dev = changetype<NetDevice>(poll_head);
    poll_head = dev.napi_next;
    if (poll_head == 0) poll_tail = 0;
    dev.napi_state = 0;
    const weight = dev.napi_weight;
    const work = napi_poll(dev, weight);
    // A device that used its whole weight has more: back on the tail of the list.
    if (work >= weight || rx_pending(dev)) napi_schedule(dev);
    budget = work >= budget ? 0 : budget - work;
    if (budget == 0) {
      // net_rx_action(): the budget ran out (whether or not work is left): time_squeeze.
      softnet_time_squeeze++;
      break;
    }
  }
  return poll_head != 0;
}

function rx_pending(dev: NetDevice): bool {
  if ((dev.flags & IFF_LOOPBACK) != 0) return skb_queue_len(dev.qdisc) != 0;
  const r = dev.rx_ring;
  return load<u32>(r + RING_CLEAN) != load<u32>(r + RING_CONS);
}

/** The device raised its interrupt (frames arrived or were sent): schedule NAPI. */
export function netdev_irq(dev: NetDevice): void { napi_schedule(dev); }

// ───── loopback: netif_rx into the backlog (drivers/net/loopback.c) ─────
// For lo, `qdisc` holds the backlog queue (sk_buff_head) instead of a qdisc.

function process_backlog(dev: NetDevice, weight: u32): u32 {
  let done: u32 = 0;
  while (done < weight) {
    const skb = skb_dequeue(dev.qdisc);
    if (skb === null) break;
    netif_receive_skb(skb, dev);
    done++;
  }
  return done;
}

function loopback_xmit(skb: SkBuff, dev: NetDevice): void {
  // skb_orphan(): the sender's buffer space is released as the frame leaves the socket.
  skb_orphan(skb);
  skb.sk = 0;
  tap(dev, skb, 1);
  dev.tx_packets++;
  dev.tx_bytes += skb.len;
  if (skb_queue_len(dev.qdisc) >= netdev_max_backlog) {
    softnet_dropped++;
    dev.rx_dropped++;
    kfree_skb_reason(skb, SKB_DROP_REASON_FULL_RING);
    return;
  }
  skb_queue_tail(dev.qdisc, skb);
  napi_schedule(dev);
}

// ───── transmit ─────
/** The qdisc layer (link/netem.ts) registers its enqueue and run functions here. */
let qdisc_enqueue_fn: u32 = 0;
let qdisc_run_fn: u32 = 0;
export function register_qdisc(enqueue: u32, run: u32): void {
  qdisc_enqueue_fn = enqueue;
  qdisc_run_fn = run;
}

// @ts-ignore: decorator
@inline export const NET_XMIT_SUCCESS: i32 = 0;
// @ts-ignore: decorator
@inline export const NET_XMIT_DROP: i32 = 1;

/**
 * dev_queue_xmit(): a complete frame (Ethernet header pushed) leaves through dev.
 * Returns NET_XMIT_SUCCESS or NET_XMIT_DROP (the qdisc was full), as Linux does.
 */
export function dev_queue_xmit(skb: SkBuff, dev: NetDevice): i32 {
  skb.dev = dev.ifindex;
  if ((dev.flags & IFF_LOOPBACK) != 0) {
    loopback_xmit(skb, dev);
    return NET_XMIT_SUCCESS;
  }
  // __dev_xmit_skb(): an empty qdisc that holds nothing back (TCQ_F_CAN_BYPASS) hands
  // the frame straight to the driver (sch_direct_xmit). If the ring is full, the queue
  // is now stopped and the frame waits in the qdisc, as it would have without the bypass.
  if ((dev.qdisc_flags & TCQ_F_CAN_BYPASS) != 0 && dev.queue_stopped == 0 && skb_queue_len(dev.qdisc_q) == 0) {
    if (dev_hard_start_xmit(skb, dev)) return NET_XMIT_SUCCESS;
  }
  const rc = call_indirect<i32>(qdisc_enqueue_fn, changetype<usize>(skb), changetype<usize>(dev));
  qdisc_run(dev);
  return rc;
}

/** qdisc_run(): moves due frames from the qdisc into the TX ring. */
export function qdisc_run(dev: NetDevice): void {
  if (dev.queue_stopped == 0) call_indirect<void>(qdisc_run_fn, changetype<usize>(dev));
}

/** TX ring has room for one more descriptor. */
export function netif_tx_room(dev: NetDevice): bool {
  const r = dev.tx_ring;
  if (load<u32>(r + RING_PROD) - load<u32>(r + RING_CLEAN) >= load<u32>(r + RING_SIZE)) tx_clean(dev);
  return load<u32>(r + RING_PROD) - load<u32>(r + RING_CLEAN) < load<u32>(r + RING_SIZE);
}

/** ndo_start_xmit(): posts the frame on the TX ring and rings the doorbell. */
export function dev_hard_start_xmit(skb: SkBuff, dev: NetDevice): bool {
  if (!netif_tx_room(dev)) {
    dev.queue_stopped = 1; // netif_stop_queue(): the qdisc holds the frame
    return false;
  }
  const r = dev.tx_ring;
  const prod = load<u32>(r + RING_PROD);
  const d = desc_at(r, prod);
  store<usize>(d + DESC_ADDR, skb.data);
  store<u32>(d + DESC_LEN, skb.len);
  store<usize>(d + DESC_SKB, changetype<usize>(skb));
  store<u32>(d + DESC_FLAGS, DESC_OWN);
  store<u32>(r + RING_PROD, prod + 1);
  tap(dev, skb, 1);
  dev.tx_packets++;
  dev.tx_bytes += skb.len;
  // The doorbell: only when the device had caught up (cons == old prod). A device still
  // working through the ring will find the new descriptor on its own, as a NIC walking
  // its ring does; drivers batch doorbells the same way (xmit_more).
  if (load<u32>(r + RING_CONS) == prod) host_nic_kick(dev.ifindex);
  return true;
}

// ───── device creation ─────

export function netdev_alloc(type: u32, flags: u32, mtu: u32, mac: u64): NetDevice | null {
  if (ndev >= MAX_NETDEV) return null;
  const dev = changetype<NetDevice>(heap.alloc(offsetof<NetDevice>()));
  memory.fill(changetype<usize>(dev), 0, offsetof<NetDevice>());
  ndev++;
  dev.ifindex = ndev;
  dev.type = type;
  dev.flags = flags | IFF_UP | IFF_RUNNING;
  dev.mtu = mtu;
  dev.mac = mac;
  dev.napi_weight = napi_weight_default;
  store<usize>(devices + (<usize>(ndev - 1) << 2), changetype<usize>(dev));
  if ((flags & IFF_LOOPBACK) != 0) {
    dev.qdisc = heap.alloc(SIZEOF_SKB_QUEUE);
    skb_queue_head_init(dev.qdisc);
  } else {
    dev.tx_ring = ring_alloc(dev.ifindex, RING_DEFAULT);
    dev.rx_ring = ring_alloc(dev.ifindex, RING_DEFAULT);
    rx_refill(dev);
  }
  return dev;
}

/** The RX ring missed a frame (no posted buffer): rx_missed_errors, counted in rx_dropped. */
export function netdev_rx_missed(dev: NetDevice): u32 { return load<u32>(dev.rx_ring + RING_MISSED); }

