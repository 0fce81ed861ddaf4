// The kernel's only randomness: xoshiro128** seeded by the host, so a run is a pure
// function of its seed (DESIGN.md: the kernel never reads a random source). 32-bit
// arithmetic only, so the JS engine needs no i64 emulation. Linux: lib/random32.c
// (prandom_u32) plays this role.

let s0: u32 = 0x9e3779b9;
let s1: u32 = 0x243f6a88;
let s2: u32 = 0xb7e15162;
let s3: u32 = 0x85a308d3;

function splitmix32(x: u32): u32 {
  x += 0x9e3779b9;
  x = (x ^ (x >>> 16)) * 0x85ebca6b;
  x = (x ^ (x >>> 13)) * 0xc2b2ae35;
  return x ^ (x >>> 16);
}

export function prandom_seed(seed: u32): void {
  s0 = splitmix32(seed);
  s1 = splitmix32(s0 ^ 0x1234567);
  s2 = splitmix32(s1 ^ 0x89abcdef);
  s3 = splitmix32(s2 ^ 0x55555555);
  if ((s0 | s1 | s2 | s3) == 0) s0 = 1;
}

export function prandom_u32(): u32 {
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return result;
}

/** Uniform in [0, ep_ro) (Linux prandom_u32_max / get_random_u32_below). */
export function prandom_u32_max(ep_ro: u32): u32 {
  return <u32>((<u64>prandom_u32() * <u64>ep_ro) >> 32);
}

/** Uniform in [0, 1). */
export function prandom_f64(): f64 {
  return <f64>prandom_u32() * (1.0 / 4294967296.0);
}
