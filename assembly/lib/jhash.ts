// Bob Jenkins' lookup3 hash for three words, as the kernel uses it to hash flows.
// Linux: include/linux/jhash.h (jhash_3words, __jhash_final).

// @ts-ignore: decorator
@inline const JHASH_INITVAL: u32 = 0xdeadbeef;

/** jhash_3words(): __jhash_nwords(a, b, c, initval + JHASH_INITVAL + (3 << 2)). */
export function jhash_3words(a: u32, b: u32, c: u32, initval: u32): u32 {
  const iv = initval + JHASH_INITVAL + (3 << 2);
  a += iv;
  b += iv;
  c += iv;
  // __jhash_final
  c ^= b; c -= rotl<u32>(b, 14);
  a ^= c; a -= rotl<u32>(c, 11);
  b ^= a; b -= rotl<u32>(a, 25);
  c ^= b; c -= rotl<u32>(b, 16);
  a ^= c; a -= rotl<u32>(c, 4);
  b ^= a; b -= rotl<u32>(a, 14);
  c ^= b; c -= rotl<u32>(b, 24);
  return c;
}
