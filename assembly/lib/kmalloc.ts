// Heap allocation that may fail. The stub runtime's heap.alloc grows linear memory when
// it must and traps (unreachable) when memory.grow refuses, which input must never reach
// (DESIGN.md: no trap from input). Code that grows a pool on demand asks here first: the
// memory is grown by exactly what the allocation needs, and a refusal (wasm32's 4 GiB, or
// an engine's own limit: the JS engine's memory.grow answers -1 when its ArrayBuffer
// cannot be had) becomes a null, which the caller counts as an allocation failure, as
// Linux's kmalloc returns NULL under GFP_ATOMIC.

// The stub allocator's largest block (its BLOCK_MAXSIZE, 1 GiB less its header): a larger
// request makes heap.alloc throw, so it is refused here first, as KMALLOC_MAX_SIZE bounds
// Linux's kmalloc.
// @ts-ignore: decorator
@inline const KMALLOC_MAX_SIZE: usize = (1 << 30) - 64;

/** Allocates `bytes` from the heap, or returns 0 when memory cannot grow that far. */
export function kmalloc_try(bytes: usize): usize {
  if (bytes > KMALLOC_MAX_SIZE) return 0;
  // The stub allocator's top: an empty allocation there, given back at once (the stub
  // frees the last block by moving its top back).
  const top = heap.alloc(0);
  heap.free(top);
  // Block header and alignment slack of the stub allocator stay well under 64 bytes.
  const end = <u64>top + <u64>bytes + 64;
  const have = <u64>memory.size() << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) return 0;
  }
  return heap.alloc(bytes);
}
