// One host's kernel instance and typed access to its memory. Views are re-made when the
// memory's buffer changes (a Wasm grow detaches it; wasm2js swaps in a new one).
import type { KernelExports, KernelHooks } from './exports.js';
import { readAsString, type KernelModule } from './load.js';

/**
 * skb pool sizes at boot, and the ceilings the headers and small (frame-sized) buffers
 * grow to on demand (kstack's "RAM": a burst past the boot sizes takes another chunk from
 * linear memory, as Linux's slab takes pages; large buffers stay fixed).
 */
export interface PoolSizes { skbs: number; small: number; large: number; skbsMax: number; smallMax: number }
// 160 large (64 KiB) buffers: one bulk connection at the default tcp_wmem[2] (4 MiB of
// ~46 KiB loopback segments) plus its receiver, as Linux's page allocator would allow.
// The ceilings: 65,536 headers and 32,768 small buffers (~90 MB if ever all used), far
// above what a host carries in a steady state, so that thousands of sockets each holding
// unread data never starve the RX rings.
export const DEFAULT_POOLS: PoolSizes = { skbs: 4096, small: 2048, large: 160, skbsMax: 65536, smallMax: 32768 };

export class Kernel {
  readonly x: KernelExports;
  readonly uarea: number;
  readonly uareaSize: number;
  readonly uaddr: number;
  private buf: ArrayBuffer;
  private view8: Uint8Array;
  private view32: Uint32Array;
  private readonly detaches: boolean;

  constructor(module: KernelModule, hooks: KernelHooks, seed: number, pools: PoolSizes = DEFAULT_POOLS) {
    this.x = module.instantiate(hooks);
    this.x.kernel_init(seed >>> 0, pools.skbs, pools.small, pools.large);
    this.x.kstack_pool_max((pools.skbsMax ?? DEFAULT_POOLS.skbsMax) >>> 0, (pools.smallMax ?? DEFAULT_POOLS.smallMax) >>> 0);
    this.detaches = typeof WebAssembly !== 'undefined' && this.x.memory instanceof WebAssembly.Memory;
    this.buf = this.x.memory.buffer;
    this.view8 = new Uint8Array(this.buf);
    this.view32 = new Uint32Array(this.buf);
    this.uarea = this.x.kstack_uarea();
    this.uareaSize = this.x.kstack_uarea_size();
    this.uaddr = this.x.kstack_uaddr();
  }

  /**
   * A byte view of kernel memory (valid until the next kernel call that could grow it).
   * A Wasm memory detaches its old buffer when it grows, so a non-empty view is current;
   * wasm2js swaps in a new ArrayBuffer without detaching the old one, so there the buffer
   * itself is compared (its getter is a plain JS property, cheap).
   */
  u8(): Uint8Array {
    if (this.detaches ? this.view8.byteLength === 0 : this.x.memory.buffer !== this.buf) this.refresh();
    return this.view8;
  }

  private refresh(): void {
    this.buf = this.x.memory.buffer;
    this.view8 = new Uint8Array(this.buf);
    this.view32 = new Uint32Array(this.buf);
  }

  u32(): Uint32Array {
    this.u8();
    return this.view32;
  }

  /** Reads the u32 at a 4-aligned kernel address. */
  load32(addr: number): number { return this.u32()[addr >>> 2]; }
  store32(addr: number, v: number): void { this.u32()[addr >>> 2] = v >>> 0; }

  string(ptr: number): string { return readAsString(this.x.memory.buffer, ptr); }
}

const ipCache = new Map<string, number>();

/** 'a.b.c.d' → host-order u32, or -1 if malformed. Parsed addresses are cached (a process
 *  sending to one peer parses its address on every sendto). */
export function parseIPv4(s: string): number {
  if (typeof s !== 'string') return -1;
  const hit = ipCache.get(s);
  if (hit !== undefined) return hit;
  const v = parseIPv4Slow(s);
  if (ipCache.size < 4096) ipCache.set(s, v);
  return v;
}

function parseIPv4Slow(s: string): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return -1;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return -1;
    v = v * 256 + o;
  }
  return v >>> 0;
}

export function formatIPv4(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}
