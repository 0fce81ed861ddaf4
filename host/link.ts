// A point-to-point Ethernet link: the "hardware" between two hosts' NICs. The device
// side of each NIC's descriptor rings lives here: frames the kernel posted on a TX ring
// are copied into buffers the peer kernel posted on its RX ring (one copy, memory to
// memory), descriptors change owner, and both kernels get an interrupt. Impairments
// (delay, rate, loss, ...) are each sender's egress netem qdisc, in the kernel, as
// `tc qdisc ... netem` would be on Linux; the wire itself is ideal.
import { RING_CONS, RING_DESCS, RING_MASK, RING_MISSED, RING_PROD, DESC_ADDR, DESC_LEN, DESC_FLAGS, SIZEOF_DESC, SIZEOF_RING_HDR } from './abi/constants.js';
import type { Host } from './host.js';

export interface LinkDirection {
  delayMs?: number;
  jitterMs?: number;
  rateBps?: number;
  lossRate?: number;
  duplicateRate?: number;
  reorderRate?: number;
  corruptRate?: number;
  queuePackets?: number;
}
export interface LinkOptions extends LinkDirection {
  mtu?: number;
  ab?: LinkDirection;
  ba?: LinkDirection;
}

/** One end of a link: a host's Ethernet device. */
export interface LinkEnd { host: Host; ifindex: number; peer: LinkEnd | null; link: Link | null }

export class Link {
  constructor(readonly a: LinkEnd, readonly b: LinkEnd, readonly mtu: number) {}
}

function checkRate(name: string, v: number | undefined): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new RangeError(`link option ${name} must be in [0, 1], got ${v}`);
  return v;
}
function checkNonNeg(name: string, v: number | undefined): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new RangeError(`link option ${name} must be a finite number >= 0, got ${v}`);
  return v;
}

/** Applies one direction's impairments to the sending end's netem. */
export function applyNetem(end: LinkEnd, d: LinkDirection): void {
  const k = end.host.kernel;
  const queue = d.queuePackets === undefined ? 1000 : Math.floor(checkNonNeg('queuePackets', d.queuePackets));
  if (queue < 1) throw new RangeError('link option queuePackets must be >= 1');
  const rc = k.x.netdev_set_netem(end.ifindex, checkNonNeg('delayMs', d.delayMs), checkNonNeg('jitterMs', d.jitterMs), checkNonNeg('rateBps', d.rateBps),
    checkRate('lossRate', d.lossRate), checkRate('duplicateRate', d.duplicateRate), checkRate('reorderRate', d.reorderRate), checkRate('corruptRate', d.corruptRate), queue);
  if (rc < 0) throw new Error(`kstack: netem setup failed (${rc})`);
}

/**
 * Moves every frame posted on end's TX ring to its peer's RX ring. Returns the frames
 * moved; `onWire` sees each one (pcap) while it is still in the sender's memory.
 */
export function drainTx(end: LinkEnd, onWire: (frame: Uint8Array) => void, interrupted: Set<LinkEnd>): number {
  const k = end.host.kernel;
  const ring = end.host.txRing(end.ifindex);
  let u32 = k.u32();
  const mask = u32[(ring + RING_MASK) >>> 2];
  const prod = u32[(ring + RING_PROD) >>> 2];
  let cons = u32[(ring + RING_CONS) >>> 2];
  const descs = u32[(ring + RING_DESCS) >>> 2] || ring + SIZEOF_RING_HDR;
  let moved = 0;
  while (cons !== prod) {
    const d = descs + (cons & mask) * SIZEOF_DESC;
    const addr = u32[(d + DESC_ADDR) >>> 2];
    const len = u32[(d + DESC_LEN) >>> 2];
    const frame = k.u8().subarray(addr, addr + len);
    onWire(frame);
    if (end.peer) deliverRx(end.peer, frame, interrupted);
    u32 = k.u32();
    u32[(d + DESC_FLAGS) >>> 2] = 0;
    cons = (cons + 1) >>> 0;
    moved++;
  }
  u32[(ring + RING_CONS) >>> 2] = cons;
  interrupted.add(end);
  return moved;
}

/** The receiving NIC: DMA into the next posted buffer, or count a missed frame. */
export function deliverRx(end: LinkEnd, frame: Uint8Array, interrupted: Set<LinkEnd>): boolean {
  const k = end.host.kernel;
  const ring = end.host.rxRing(end.ifindex);
  const u32 = k.u32();
  const mask = u32[(ring + RING_MASK) >>> 2];
  const prod = u32[(ring + RING_PROD) >>> 2];
  const cons = u32[(ring + RING_CONS) >>> 2];
  interrupted.add(end);
  if (cons === prod) {
    u32[(ring + RING_MISSED) >>> 2] = (u32[(ring + RING_MISSED) >>> 2] + 1) >>> 0;
    return false;
  }
  const descs = u32[(ring + RING_DESCS) >>> 2] || ring + SIZEOF_RING_HDR;
  const d = descs + (cons & mask) * SIZEOF_DESC;
  const cap = u32[(d + DESC_LEN) >>> 2];
  if (frame.length > cap) {
    // Longer than the buffer (a giant frame): the NIC drops it as a length error.
    u32[(ring + RING_MISSED) >>> 2] = (u32[(ring + RING_MISSED) >>> 2] + 1) >>> 0;
    return false;
  }
  k.u8().set(frame, u32[(d + DESC_ADDR) >>> 2]);
  u32[(d + DESC_LEN) >>> 2] = frame.length;
  u32[(d + DESC_FLAGS) >>> 2] = 0;
  u32[(ring + RING_CONS) >>> 2] = (cons + 1) >>> 0;
  return true;
}
