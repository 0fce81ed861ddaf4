// Network byte order, in one place. Wire bytes are read and written only through these
// (DESIGN.md rule 2): nothing else in the kernel calls bswap. Linux: include/linux/byteorder.
// Every access carries an alignment hint of 1: wire fields can sit at any offset (IP
// options, TCP options, injected frames), and wasm2js (the JS engine) trusts the hint —
// an i32 load hinted as aligned becomes HEAP32[p >> 2], which silently reads the wrong
// bytes at an odd address. In Wasm the hint costs nothing on x86.

// @ts-ignore: decorator
@inline export function ld16be(p: usize): u32 { return <u32>bswap<u16>(load<u16>(p, 0, 1)); }
// @ts-ignore: decorator
@inline export function ld32be(p: usize): u32 { return bswap<u32>(load<u32>(p, 0, 1)); }
// @ts-ignore: decorator
@inline export function st16be(p: usize, v: u32): void { store<u16>(p, bswap<u16>(<u16>v), 0, 1); }
// @ts-ignore: decorator
@inline export function st32be(p: usize, v: u32): void { store<u32>(p, bswap<u32>(v), 0, 1); }
// @ts-ignore: decorator
@inline export function ld8(p: usize): u32 { return <u32>load<u8>(p); }
// @ts-ignore: decorator
@inline export function st8(p: usize, v: u32): void { store<u8>(p, <u8>v); }

/** A 48-bit MAC address as a u64 (first octet most significant). */
// @ts-ignore: decorator
@inline export function ld48be(p: usize): u64 {
  return (<u64>ld16be(p) << 32) | <u64>ld32be(p + 2);
}
// @ts-ignore: decorator
@inline export function st48be(p: usize, v: u64): void {
  st16be(p, <u32>(v >> 32));
  st32be(p + 2, <u32>v);
}
