// Object caches for the kernel's fixed-size structs (socks, tcp_socks, request and
// timewait socks, files, epoll items, poll-table entries), after Linux's kmem_cache
// reduced to what kstack needs. Objects are carved from the heap in chunks of
// SLAB_CHUNK when a cache runs empty and never given back (the stub allocator cannot free
// the middle of the heap). Free objects are linked through their first word, as SLUB
// keeps its freelist pointer inside the free object; a live object's fields are its own.
//
//   struct kmem_cache (8 bytes): 0 freelist │ 4 inuse
// Each cache is a static `memory.data(SIZEOF_KMEM_CACHE, 4)` of the module that owns the
// type; the object size is a constant at every call site.
import { memzero } from "./string";

@final @unmanaged export class KmemCache {
  freelist: usize;
  /** Objects handed out and not yet freed (the leak checks read it). */
  inuse: u32;
}
// @ts-ignore: decorator
@inline export const SIZEOF_KMEM_CACHE: i32 = 8;
// @ts-ignore: decorator
@inline const SLAB_CHUNK: u32 = 64;

/** Objects are 8-aligned and 8-strided (some hold u64 or f64 fields). */
// @ts-ignore: decorator
@inline function stride(size: usize): usize { return (size + 7) & ~<usize>7; }

function kmem_cache_grow(c: KmemCache, size: usize): void {
  const s = stride(size);
  const base = (heap.alloc(<usize>SLAB_CHUNK * s + 8) + 7) & ~<usize>7;
  for (let i: u32 = 0; i < SLAB_CHUNK; i++) {
    const p = base + <usize>i * s;
    store<usize>(p, c.freelist);
    c.freelist = p;
  }
}

/** kmem_cache_zalloc(): a zeroed object of `size` bytes. */
export function kmem_cache_zalloc(cache: usize, size: usize): usize {
  const c = changetype<KmemCache>(cache);
  if (c.freelist == 0) kmem_cache_grow(c, size);
  const p = c.freelist;
  c.freelist = load<usize>(p);
  memzero(p, size);
  c.inuse++;
  return p;
}

/** kmem_cache_free(): the object goes back to its cache. */
export function kmem_cache_free(cache: usize, p: usize): void {
  const c = changetype<KmemCache>(cache);
  store<usize>(p, c.freelist);
  c.freelist = p;
  c.inuse--;
}

export function kmem_cache_inuse(cache: usize): u32 { return changetype<KmemCache>(cache).inuse; }
