// Socket buffers: a pool of sk_buff headers and data buffers.
// Linux: net/core/skbuff.c, include/linux/skbuff.h. The pools are carved at boot; when
// the headers or the small (frame-sized) buffers run out, they grow by a chunk, up to a
// ceiling (the host's pools.skbsMax / smallMax: kstack's "RAM"), as Linux's slab takes
// pages from the page allocator when skbuff_head_cache is empty. Growth happens only in
// bursts that outrun the pool, never in a steady state, so it is no allocation per
// packet. At the ceiling, or when linear memory cannot grow, alloc_skb returns null and
// the caller counts a drop (SKB_DROP_REASON_NOMEM). Large buffers stay fixed.
//
// Why grow at all: every unread receive queue keeps at least one skb (as in Linux), so
// a fixed pool smaller than the number of sockets holding unread data leaves the RX rings
// no buffer for the segment a reader waits on, and the reader waits for good. Linux's
// memory overcommits there; the ceiling only has to be far above any pool at boot.
//
// A data buffer and the pointers into it (as in Linux and gVisor packet_buffer.go):
//
//   buf ─┬─ shinfo (16 B: dataref, size class) ─┐
//        head                data                tail                end
//         │◄──── headroom ────►│◄────── len ──────►│◄──── tailroom ───►│
//         │  (headers pushed   │  packet bytes     │  (skb_put grows   │
//         │   in front here)   │                   │   the data here)  │
//
// skb_reserve() moves data and tail forward on an empty buffer; skb_push() prepends a
// header (data moves back); skb_pull() consumes one (data moves forward); skb_put()
// appends (tail moves forward). A clone shares the buffer (dataref counts its users),
// which is how TCP keeps a retransmit copy while a frame sits in a TX ring.
import { drop_account, SKB_CONSUMED } from "../kernel/drop_reason";
import { BUG_ON } from "../kernel/panic";
import { memzero } from "../lib/string";
import { kmalloc_try } from "../lib/kmalloc";
import { sock_wfree, sock_rfree } from "./sock";

@final @unmanaged export class SkBuff {
  next: usize;
  prev: usize;
  /** Arrival or send time, ns on the kernel clock. */
  tstamp: f64;
  head: usize;
  data: usize;
  tail: usize;
  end: usize;
  len: u32;
  /** Memory charged to a socket for this skb: data + struct overheads (SKB_TRUESIZE). */
  truesize: u32;
  users: u32;
  /** ifindex of the device it came in on or goes out of. */
  dev: u32;
  protocol: u16;
  pkt_type: u8;
  ip_summed: u8;
  mac_header: usize;
  network_header: usize;
  transport_header: usize;
  sk: usize;
  /** Table index of `(skb: usize) => void`, run when the skb is freed (sock_wfree...). */
  destructor: u32;
  buf: usize;
  /** Next hop (IPv4, host order) chosen by routing; used by neighbour output. */
  nexthop: u32;
  hash: u32;
  mark: u32;
  pool_next: usize;
}
// @ts-ignore: decorator
@inline export const SKB_CB_SIZE: usize = 56;
/** Where cb starts: 8-aligned, because TCP keeps f64 times in it and wasm2js (the JS
 *  engine) turns an f64 access into HEAPF64[p >> 3], silently wrong at other offsets. */
// @ts-ignore: decorator
@inline export const SKB_CB_OFF: usize = (offsetof<SkBuff>() + 7) & ~7;
// @ts-ignore: decorator
@inline export const SIZEOF_SKBUFF: usize = SKB_CB_OFF + SKB_CB_SIZE;
/** The protocol-private control block (Linux skb->cb[48]): TCP_SKB_CB, IPCB, FRAG_CB. */
// @ts-ignore: decorator
@inline export function skb_cb(skb: SkBuff): usize { return changetype<usize>(skb) + SKB_CB_OFF; }

// pkt_type (Linux include/uapi/linux/if_packet.h)
// @ts-ignore: decorator
@inline export const PACKET_HOST: u8 = 0;
// @ts-ignore: decorator
@inline export const PACKET_BROADCAST: u8 = 1;
// @ts-ignore: decorator
@inline export const PACKET_MULTICAST: u8 = 2;
// @ts-ignore: decorator
@inline export const PACKET_OTHERHOST: u8 = 3;
// @ts-ignore: decorator
@inline export const PACKET_OUTGOING: u8 = 4;
// @ts-ignore: decorator
@inline export const PACKET_LOOPBACK: u8 = 5;

// ip_summed
// @ts-ignore: decorator
@inline export const CHECKSUM_NONE: u8 = 0;
// @ts-ignore: decorator
@inline export const CHECKSUM_UNNECESSARY: u8 = 1;

/** Room every transmit skb keeps in front for headers (Linux MAX_TCP_HEADER-ish). */
// @ts-ignore: decorator
@inline export const MAX_HEADER: u32 = 128;
/** sizeof(struct sk_buff) and sizeof(struct skb_shared_info), SKB_DATA_ALIGNed (x86-64). */
// @ts-ignore: decorator
@inline const SKB_STRUCT_TRUESIZE: u32 = 256 + 320;
/** SKB_TRUESIZE(X): what a buffer of X data bytes costs a socket (Linux skbuff.h). */
// @ts-ignore: decorator
@inline export function SKB_TRUESIZE(x: u32): u32 { return ((x + 63) & ~63) + SKB_STRUCT_TRUESIZE; }

// Data buffer size classes: a "small" one holds an Ethernet frame plus headroom, a "large"
// one a 64 KiB loopback packet or a reassembled datagram.
// @ts-ignore: decorator
@inline const SHINFO: usize = 16;
// @ts-ignore: decorator
@inline export const SKB_SMALL_SIZE: u32 = 2048 + 256;
// @ts-ignore: decorator
@inline export const SKB_LARGE_SIZE: u32 = 65536 + 512;

let skb_free: usize = 0;
let skb_total: u32 = 0;
let skb_inuse: u32 = 0;
let skb_max: u32 = 0;
let small_stack: usize = 0;
let small_top: u32 = 0;
let small_total: u32 = 0;
let small_max: u32 = 0;
/** Growth is off while a test holds skbs (skb_pool_hold): it wants the pool dry. */
let grow_frozen = false;
/** Headers or small buffers added by growth at once (a slab's worth of pages). */
// @ts-ignore: decorator
@inline const SKB_GROW_CHUNK: u32 = 256;
let large_stack: usize = 0;
let large_top: u32 = 0;
let large_total: u32 = 0;

/** Carves `count` buffers of `size` at `base` onto `stack` from slot `at`. */
function carve_at(base: usize, count: u32, size: u32, stack: usize, at: u32): void {
  const stride = (<usize>size + SHINFO + 15) & ~15;
  for (let i: u32 = 0; i < count; i++) {
    const b = base + <usize>i * stride;
    store<u32>(b, 0); // dataref
    store<u32>(b, size, 4);
    store<usize>(stack + (<usize>(at + i) << 2), b);
  }
}

function carve(count: u32, size: u32, stack: usize): void {
  const stride = (<usize>size + SHINFO + 15) & ~15;
  carve_at(heap.alloc(stride * count), count, size, stack, 0);
}

/** Threads `count` zeroed headers at `base` onto the free list. */
function skb_heads_add(base: usize, count: u32): void {
  memory.fill(base, 0, <usize>count * SIZEOF_SKBUFF);
  for (let i: u32 = count; i > 0; i--) {
    const s = changetype<SkBuff>(base + <usize>(i - 1) * SIZEOF_SKBUFF);
    s.pool_next = skb_free;
    skb_free = changetype<usize>(s);
  }
}

/** Another chunk of headers, if the ceiling and memory allow; false otherwise. */
function skb_heads_grow(): bool {
  if (grow_frozen || skb_total >= skb_max) return false;
  const n = min(SKB_GROW_CHUNK, skb_max - skb_total);
  const base = kmalloc_try(<usize>n * SIZEOF_SKBUFF);
  if (base == 0) return false;
  skb_heads_add(base, n);
  skb_total += n;
  return true;
}

/** Another chunk of small buffers (the stack already has room for small_max). */
function small_grow(): bool {
  if (grow_frozen || small_total >= small_max) return false;
  const n = min(SKB_GROW_CHUNK, small_max - small_total);
  const stride = (<usize>SKB_SMALL_SIZE + SHINFO + 15) & ~15;
  const base = kmalloc_try(stride * n);
  if (base == 0) return false;
  // Every small buffer is free or out: the free ones sit below small_top, so the new
  // ones go on top of them.
  carve_at(base, n, SKB_SMALL_SIZE, small_stack, small_top);
  small_top += n;
  small_total += n;
  return true;
}

/**
 * Sets the ceilings growth stops at (never below what is carved). The small-buffer stack
 * is sized for the ceiling here, once, so that buf_put never needs room it lacks.
 */
export function skb_pool_set_max(nskb_max: u32, nsmall_max: u32): bool {
  const smax = max(nsmall_max, small_total);
  // A stack of 4-byte slots: a ceiling whose stack would pass 4 GiB wraps in wasm32's
  // usize, and a stack smaller than the buffers put on it would be overrun.
  if (smax > <u32>0xffffffff >> 2) return false;
  if (smax > small_max) {
    const st = kmalloc_try(<usize>smax << 2);
    if (st == 0) return false;
    memory.copy(st, small_stack, <usize>small_top << 2);
    small_stack = st;
    small_max = smax;
  }
  skb_max = max(nskb_max, skb_total);
  return true;
}

/** Carves the pools out of linear memory; called once from kernel_init. */
export function skb_init(nskb: u32, nsmall: u32, nlarge: u32): void {
  skb_free = 0;
  skb_heads_add(heap.alloc(<usize>nskb * SIZEOF_SKBUFF), nskb);
  skb_total = skb_max = nskb;
  small_stack = heap.alloc(<usize>nsmall << 2);
  carve(nsmall, SKB_SMALL_SIZE, small_stack);
  small_top = small_total = small_max = nsmall;
  large_stack = heap.alloc(<usize>nlarge << 2);
  carve(nlarge, SKB_LARGE_SIZE, large_stack);
  large_top = large_total = nlarge;
}

/** sk_buffs and data buffers currently allocated (the tests' leak check). */
export function skb_pool_inuse(): u32 { return skb_inuse; }
export function skb_pool_free_small(): u32 { return small_top; }
export function skb_pool_free_large(): u32 { return large_top; }
export function skb_pool_total(): u32 { return skb_total; }

function buf_get(size: u32): usize {
  if (size <= SKB_SMALL_SIZE) {
    if (small_top > 0 || small_grow()) {
      small_top--;
      return load<usize>(small_stack + (<usize>small_top << 2));
    }
    // A small request may borrow a large buffer rather than fail.
  }
  if (size <= SKB_LARGE_SIZE && large_top > 0) {
    large_top--;
    return load<usize>(large_stack + (<usize>large_top << 2));
  }
  return 0;
}

function buf_put(b: usize): void {
  if (load<u32>(b, 4) == SKB_SMALL_SIZE) {
    store<usize>(small_stack + (<usize>small_top << 2), b);
    small_top++;
  } else {
    store<usize>(large_stack + (<usize>large_top << 2), b);
    large_top++;
  }
}

function skb_head_get(): SkBuff | null {
  if (skb_free == 0 && !skb_heads_grow()) return null;
  const s = skb_free;
  const skb = changetype<SkBuff>(s);
  skb_free = skb.pool_next;
  memzero(s, SIZEOF_SKBUFF);
  skb.users = 1;
  skb_inuse++;
  return skb;
}

/** alloc_skb(): an skb with at least `size` bytes of data room, or null (pool empty). */
export function alloc_skb(size: u32): SkBuff | null {
  return alloc_skb_from(buf_get(size), size);
}

/** An skb with a small (Ethernet-frame) buffer only, never borrowing a large one: RX rings
 *  post these, so a burst cannot drain the buffers big datagrams need. */
export function alloc_skb_small(): SkBuff | null {
  if (small_top == 0 && !small_grow()) return null;
  small_top--;
  return alloc_skb_from(load<usize>(small_stack + (<usize>small_top << 2)), SKB_SMALL_SIZE);
}

export function skb_pool_small_total(): u32 { return small_total; }

function alloc_skb_from(b: usize, size: u32): SkBuff | null {
  if (b == 0) return null;
  const skb = skb_head_get();
  if (skb === null) { buf_put(b); return null; }
  store<u32>(b, 1); // dataref
  skb.buf = b;
  skb.head = b + SHINFO;
  skb.data = skb.head;
  skb.tail = skb.head;
  skb.end = skb.head + <usize>load<u32>(b, 4);
  skb.truesize = SKB_TRUESIZE(size);
  return skb;
}

/** skb_clone(): a new header sharing the data buffer; null if the pool is empty. */
export function skb_clone(skb: SkBuff): SkBuff | null {
  const n = skb_head_get();
  if (n === null) return null;
  memory.copy(changetype<usize>(n) + 8, changetype<usize>(skb) + 8, SIZEOF_SKBUFF - 8);
  n.next = 0;
  n.prev = 0;
  n.users = 1;
  n.sk = 0;
  n.destructor = 0;
  n.pool_next = 0;
  store<u32>(skb.buf, load<u32>(skb.buf) + 1);
  return n;
}

/** skb_cloned(): the data buffer is shared, so its bytes must not be written. */
// @ts-ignore: decorator
@inline export function skb_cloned(skb: SkBuff): bool { return load<u32>(skb.buf) > 1; }

/** skb_copy(): a private copy of header and data (for a clone that must be modified). */
export function skb_copy(skb: SkBuff): SkBuff | null {
  const n = alloc_skb(<u32>(skb.end - skb.head));
  if (n === null) return null;
  const headroom = skb.data - skb.head;
  n.data = n.head + headroom;
  memory.copy(n.data, skb.data, skb.len);
  n.tail = n.data + skb.len;
  n.len = skb.len;
  copy_skb_header(n, skb);
  const delta = n.head - skb.head;
  n.mac_header = skb.mac_header != 0 ? skb.mac_header + delta : 0;
  n.network_header = skb.network_header != 0 ? skb.network_header + delta : 0;
  n.transport_header = skb.transport_header != 0 ? skb.transport_header + delta : 0;
  return n;
}

/** __copy_skb_header(): the metadata a copy carries over (not the data, not the owner). */
function copy_skb_header(n: SkBuff, skb: SkBuff): void {
  n.tstamp = skb.tstamp;
  n.dev = skb.dev;
  n.protocol = skb.protocol;
  n.pkt_type = skb.pkt_type;
  n.ip_summed = skb.ip_summed;
  n.nexthop = skb.nexthop;
  memory.copy(skb_cb(n), skb_cb(skb), SKB_CB_SIZE);
}

/**
 * A private copy of just skb's data, in the smallest buffer that holds it (drivers call
 * this copybreak). A short segment that would otherwise wait in a socket queue on a
 * 64 KiB buffer (or on a buffer it shares with its sender's retransmit queue) lets that
 * buffer go. Header offsets are not kept: the copy is for a socket queue, past the stack.
 */
export function skb_copybreak(skb: SkBuff): SkBuff | null {
  const n = alloc_skb(skb.len);
  if (n === null) return null;
  memory.copy(n.data, skb.data, skb.len);
  n.tail = n.data + skb.len;
  n.len = skb.len;
  // The whole buffer is charged: bytes later copied into its tailroom cost nothing more.
  n.truesize = SKB_TRUESIZE(<u32>(n.end - n.head));
  copy_skb_header(n, skb);
  return n;
}

/** skb_get(): takes another reference on the header. */
export function skb_get(skb: SkBuff): SkBuff { skb.users++; return skb; }

/**
 * Runs and clears skb.destructor (set). The two socket destructors are called directly
 * (Linux's skbuff.c also names sock_wfree where it must know the owner's kind,
 * skb_orphan_partial); any other goes through the table. A direct call lets V8 skip the
 * table check and binaryen inline, where the JS engine's V8 already speculates on the
 * one target it keeps seeing.
 */
export function skb_destruct(skb: SkBuff): void {
  const d = skb.destructor;
  skb.destructor = 0;
  const p = changetype<usize>(skb);
  if (d == sock_wfree.index) sock_wfree(p);
  else if (d == sock_rfree.index) sock_rfree(p);
  else call_indirect<void>(d, p);
}

function __kfree_skb(skb: SkBuff): void {
  if (skb.destructor != 0) skb_destruct(skb);
  const b = skb.buf;
  const ref = load<u32>(b) - 1;
  store<u32>(b, ref);
  if (ref == 0) buf_put(b);
  skb.pool_next = skb_free;
  skb_free = changetype<usize>(skb);
  skb_inuse--;
}

/** kfree_skb_reason(): drops a reference; the last one frees and records why. */
export function kfree_skb_reason(skb: SkBuff, reason: u32): void {
  BUG_ON(skb.users == 0, "kfree_skb: users == 0");
  if (--skb.users != 0) return;
  drop_account(reason);
  __kfree_skb(skb);
}

/** consume_skb(): frees an skb that did its job (not a drop). */
export function consume_skb(skb: SkBuff): void {
  BUG_ON(skb.users == 0, "consume_skb: users == 0");
  if (--skb.users != 0) return;
  __kfree_skb(skb);
}

// @ts-ignore: decorator
@inline export function kfree_skb(skb: SkBuff): void { kfree_skb_reason(skb, SKB_CONSUMED + 1); }

// @ts-ignore: decorator
@inline export function skb_headroom(skb: SkBuff): u32 { return <u32>(skb.data - skb.head); }
// @ts-ignore: decorator
@inline export function skb_tailroom(skb: SkBuff): u32 { return <u32>(skb.end - skb.tail); }

/** skb_reserve(): makes headroom on an empty skb. */
// @ts-ignore: decorator
@inline export function skb_reserve(skb: SkBuff, len: u32): void {
  skb.data += len;
  skb.tail += len;
}

/** skb_put(): extends the data at the tail; returns where the new bytes go. */
// @ts-ignore: decorator
@inline export function skb_put(skb: SkBuff, len: u32): usize {
  const t = skb.tail;
  BUG_ON(t + len > skb.end, "skb_put: over end");
  skb.tail = t + len;
  skb.len += len;
  return t;
}

/** skb_push(): prepends len bytes of header; returns the new data pointer. */
// @ts-ignore: decorator
@inline export function skb_push(skb: SkBuff, len: u32): usize {
  BUG_ON(skb.data - len < skb.head, "skb_push: under head");
  skb.data -= len;
  skb.len += len;
  return skb.data;
}

/** skb_pull(): consumes len bytes at the front; the caller checked len <= skb.len. */
// @ts-ignore: decorator
@inline export function skb_pull(skb: SkBuff, len: u32): usize {
  skb.data += len;
  skb.len -= len;
  return skb.data;
}

/** skb_trim(): cuts the data to len bytes (len <= skb.len). */
// @ts-ignore: decorator
@inline export function skb_trim(skb: SkBuff, len: u32): void {
  skb.len = len;
  skb.tail = skb.data + len;
}

// @ts-ignore: decorator
@inline export function skb_reset_network_header(skb: SkBuff): void { skb.network_header = skb.data; }
// @ts-ignore: decorator
@inline export function skb_reset_transport_header(skb: SkBuff): void { skb.transport_header = skb.data; }
// @ts-ignore: decorator
@inline export function skb_reset_mac_header(skb: SkBuff): void { skb.mac_header = skb.data; }

// ───── fault injection (tests) ─────
// Linux's failslab in spirit: a test takes buffers out of the pool so that the next
// allocations fail on cue, then gives them back.
let held: usize = 0;

/** Takes up to n skbs out of the pool (buffers first, then bare heads); returns how many. */
export function skb_pool_hold(n: u32): u32 {
  grow_frozen = true;
  let k: u32 = 0;
  while (k < n) {
    let skb = alloc_skb(0);
    if (skb === null && held != 0) skb = skb_clone(changetype<SkBuff>(held));
    if (skb === null) break;
    skb.pool_next = held;
    held = changetype<usize>(skb);
    k++;
  }
  return k;
}

/** Gives back every skb skb_pool_hold took; returns how many. */
export function skb_pool_release(): u32 {
  let k: u32 = 0;
  while (held != 0) {
    const skb = changetype<SkBuff>(held);
    held = skb.pool_next;
    consume_skb(skb);
    k++;
  }
  grow_frozen = false;
  return k;
}
