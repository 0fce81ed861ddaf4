// Small copies and clears on the per-packet path (Linux lib/string.c memcpy/memset, and
// the inline versions x86 builds for constant sizes). In Wasm, memory.copy and
// memory.fill are single instructions, but V8 runs them as a call out of the module into
// C (memory_copy_wrapper / memory_fill_wrapper, then memmove/memset): for the 64-152
// bytes of an sk_buff head or a short datagram the call costs more than the bytes. With
// SIMD these helpers move 16 bytes per v128 load/store inside the module instead; large
// sizes still take memory.copy/memory.fill, where the C routines win. Without SIMD (the
// no-SIMD build that wasm2js turns into the JS engine) they are plain memory.copy and
// memory.fill, as before.

/** Up to this many bytes are moved inline (v128) rather than by memory.copy/fill. */
// @ts-ignore: decorator
@inline const INLINE_MAX: usize = 256;

/**
 * memcpy() for buffers that do not overlap (memory.copy semantics otherwise).
 * v128 accesses carry no alignment promise: in Wasm the hint is only a hint.
 */
// @ts-ignore: decorator
@inline export function memcpy(dst: usize, src: usize, n: usize): void {
  if (ASC_FEATURE_SIMD) {
    if (n <= INLINE_MAX) {
      while (n >= 16) {
        v128.store(dst, v128.load(src));
        dst += 16;
        src += 16;
        n -= 16;
      }
      if (n & 8) { store<u64>(dst, load<u64>(src)); dst += 8; src += 8; }
      if (n & 4) { store<u32>(dst, load<u32>(src)); dst += 4; src += 4; }
      if (n & 2) { store<u16>(dst, load<u16>(src)); dst += 2; src += 2; }
      if (n & 1) store<u8>(dst, load<u8>(src));
      return;
    }
  }
  memory.copy(dst, src, n);
}

/** memset(p, 0, n). */
// @ts-ignore: decorator
@inline export function memzero(p: usize, n: usize): void {
  if (ASC_FEATURE_SIMD) {
    if (n <= INLINE_MAX) {
      const z = i64x2.splat(0);
      while (n >= 16) {
        v128.store(p, z);
        p += 16;
        n -= 16;
      }
      if (n & 8) { store<u64>(p, 0); p += 8; }
      if (n & 4) { store<u32>(p, 0); p += 4; }
      if (n & 2) { store<u16>(p, 0); p += 2; }
      if (n & 1) store<u8>(p, 0);
      return;
    }
  }
  memory.fill(p, 0, n);
}
