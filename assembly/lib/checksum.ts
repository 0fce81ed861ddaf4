// The Internet checksum (RFC 1071; incremental update RFC 1624). Linux names and
// conventions: arch/x86/include/asm/checksum_64.h, include/net/checksum.h, lib/checksum.c.
//
// Byte-order convention (Linux's __wsum / __sum16 on a little-endian CPU):
//   * sums are taken over NATIVE little-endian 16-bit words. RFC 1071 §2(B): the one's
//     complement sum is byte-order independent, so summing swapped words gives the
//     swapped sum, and no bswap is needed on the hot path;
//   * a folded result (csum_fold, ip_fast_csum, csum_tcpudp_magic) is stored into the
//     packet with a raw `store<u16>` and is then correct on the wire;
//   * numbers the caller holds in host order (addresses, lengths, the `from`/`to` of
//     csum_replace*) are converted to that convention here, once.
//
// A __wsum is a u32 "partial" sum: any value congruent mod 0xffff to the true sum.
// One's complement addition is congruent mod 2^k - 1 for every k that is a multiple of
// 16 (2^16 - 1 divides 2^32 - 1 and 2^64 - 1), which is what lets the loops below add
// 8- or 16-byte chunks in wide accumulators and fold only at the end.

// ─── primitives ────────────────────────────────────────────────────────────────────

/** One's complement add of two 32-bit partial sums (end-around carry). Linux csum_add. */
// @ts-ignore: decorator
@inline export function csum_add(a: u32, b: u32): u32 {
  const s = a + b;
  return s + <u32>(s < b);
}

/** One's complement subtract: a + ~b. Linux csum_sub. */
// @ts-ignore: decorator
@inline export function csum_sub(a: u32, b: u32): u32 {
  return csum_add(a, ~b);
}

/** Folds a 64-bit one's complement accumulator to a 32-bit partial sum. */
// @ts-ignore: decorator
@inline function csum_fold64(s: u64): u32 {
  s = (s & 0xffffffff) + (s >> 32); // ≤ 2^33 - 2
  s = (s & 0xffffffff) + (s >> 32); // ≤ 2^32 - 1: no carry left
  return <u32>s;
}

/** Folds a 32-bit partial sum to 16 bits and complements it: the value for the checksum
 *  field, ready for `store<u16>`. Linux csum_fold. */
// @ts-ignore: decorator
@inline export function csum_fold(wsum: u32): u32 {
  let s = (wsum & 0xffff) + (wsum >> 16); // ≤ 0x1fffe
  s = (s & 0xffff) + (s >> 16);           // ≤ 0xffff
  return ~s & 0xffff;
}

/** Widens a folded 16-bit checksum back to a partial sum (Linux csum_unfold). */
// @ts-ignore: decorator
@inline export function csum_unfold(sum16: u32): u32 {
  return sum16 & 0xffff;
}

/** Converts a partial sum of big-endian words (host-order numbers) to the little-endian
 *  word convention. Swapping the bytes of every word swaps the bytes of the folded sum
 *  (RFC 1071 §2(B)), and that swap is x·2^8 mod 0xffff: a rotation by 8 in any width
 *  that is a multiple of 16. No bswap needed (DESIGN.md rule 2 keeps bswap in bytes.ts). */
// @ts-ignore: decorator
@inline function be_to_wsum(be: u32): u32 {
  return rotl<u32>(be, 8);
}

/**
 * The partial sum of 16-bit words the caller holds as host-order numbers (a header it
 * has just built, summed from the field values), added to `wsum`. Same result as
 * csum_partial over the stored words, but nothing is read back: a load of bytes just
 * written by narrower stores cannot be forwarded from the store buffer and stalls the
 * CPU until the stores retire. `sum_be` is the plain sum of the words (< 2^32).
 */
// @ts-ignore: decorator
@inline export function csum_add_be(wsum: u32, sum_be: u32): u32 {
  return csum_add(be_to_wsum(sum_be), wsum);
}

// ─── csum_partial ─────────────────────────────────────────────────────────────────

/**
 * Partial checksum of `len` bytes at `buf` added to `wsum`, scalar path.
 * Words are little-endian relative to `buf` (any alignment); an odd trailing byte is
 * the low byte of a last word, i.e. the wire's high byte padded with zero (RFC 1071 §4.1).
 */
export function csum_partial_scalar(buf: usize, len: i32, wsum: u32): u32 {
  // Every load below is at its natural alignment. Wasm would not care, but wasm2js (the
  // JS engine) trusts alignment hints and turns an i32 load into HEAP32[p >> 2]: an
  // unaligned load there silently reads the wrong bytes. So, as Linux lib/checksum.c
  // do_csum() does for speed, align first:
  //   * an odd start: sum from buf + 1 instead, which swaps the role of every byte
  //     (low ↔ high), then swap the result back. The byte at buf is the high byte of the
  //     word "before" buf + 1. A swap of a one's complement sum is a rotation by 8 bits
  //     in any width that is a multiple of 16 (RFC 1071 §2(B)), so rotl<u32>(s, 8);
  //   * then up to one u16 and one u32 to reach 8-byte alignment; offsets from the
  //     start stay even, so the word pairing is unchanged.
  let p = buf;
  let n = max(len, 0); // a negative length sums nothing rather than reading wild memory
  if (n == 0) return wsum;
  const odd = <bool>(p & 1);
  // Eight bytes per u64 load, split into its two 32-bit halves, each added into a u64
  // accumulator: the carries pile up in the top 32 bits instead of being folded at every
  // step (a per-step end-around carry costs a compare and an add: about half the speed).
  // A half is < 2^32 and len < 2^31, so an accumulator stays below 2^61: it cannot
  // overflow, and one fold at the end finishes the job (csum_fold64).
  let lo: u64 = 0, hi: u64 = 0;
  if (odd) {
    lo = <u64>load<u8>(p) << 8;
    p++;
    n--;
  }
  if ((p & 2) && n >= 2) { lo += <u64>load<u16>(p); p += 2; n -= 2; }
  if ((p & 4) && n >= 4) { lo += <u64>load<u32>(p); p += 4; n -= 4; }
  while (n >= 32) {
    const w0 = load<u64>(p), w1 = load<u64>(p, 8), w2 = load<u64>(p, 16), w3 = load<u64>(p, 24);
    lo += (w0 & 0xffffffff) + (w1 & 0xffffffff) + (w2 & 0xffffffff) + (w3 & 0xffffffff);
    hi += (w0 >> 32) + (w1 >> 32) + (w2 >> 32) + (w3 >> 32);
    p += 32;
    n -= 32;
  }
  while (n >= 8) {
    const w = load<u64>(p);
    lo += w & 0xffffffff;
    hi += w >> 32;
    p += 8;
    n -= 8;
  }
  // The tail (< 8 bytes) starts 8-aligned (or is short and merely even-aligned after
  // the head steps above, which then stopped for lack of bytes), so its loads are aligned.
  if (n & 4) { lo += <u64>load<u32>(p); p += 4; }
  if (n & 2) { lo += <u64>load<u16>(p); p += 2; }
  if (n & 1) { lo += <u64>load<u8>(p); }
  // lo + hi < 2^62: no overflow.
  let s = csum_fold64(lo + hi);
  if (odd) s = rotl<u32>(s, 8);
  return csum_add(s, wsum);
}

// The SIMD path adds 64 bytes per iteration: four 16-byte loads of eight u16 words each.
// A word w is biased to the signed i16 w - 32768 (xor 0x8000), so that i32x4.dot_i16x8_s
// against all-ones (one pmaddwd on x86) adds adjacent pairs into i32 lanes; the bias,
// 32768 per word, is added back once per block. An accumulator lane gains at most
// 2 · 2 · 32768 = 2^17 in magnitude per iteration, so CSUM_SIMD_BLOCK iterations
// (8192 · 2^17 = 2^30) cannot overflow it; after each block the lanes are drained,
// sign-extended, into a u64. The loads need no alignment: in Wasm an alignment
// immediate is only a hint, and wasm2js (which does trust hints) only ever sees the
// nosimd build, where this branch is not compiled.
// @ts-ignore: decorator
@inline const CSUM_SIMD_BLOCK: i32 = 8192; // iterations, i.e. 512 KiB

/**
 * The v128 loop of csum_partial_simd and csum_partial_copy_nocheck: `blocks` 64-byte
 * blocks from `p`, each also stored at `q` when `copy` (a literal at both call sites, so
 * inlining leaves one loop or the other), summed into a u64 with end-around carry.
 */
// @ts-ignore: decorator
@inline function csum_simd_blocks(p: usize, q: usize, blocks: i32, copy: bool): u64 {
  let s: u64 = 0;
  const bias = i16x8.splat(-32768);
  const ones = i16x8.splat(1);
  while (blocks > 0) {
    let iters = blocks;
    if (iters > CSUM_SIMD_BLOCK) iters = CSUM_SIMD_BLOCK;
    blocks -= iters;
    // 32 words per iteration, each biased by -32768: add the bias back in one go.
    const unbias = <u64>iters << 20;
    let acc0 = i32x4.splat(0);
    let acc1 = i32x4.splat(0);
    do {
      const r0 = v128.load(p), r1 = v128.load(p, 16), r2 = v128.load(p, 32), r3 = v128.load(p, 48);
      if (copy) {
        v128.store(q, r0); v128.store(q, r1, 16); v128.store(q, r2, 32); v128.store(q, r3, 48);
        q += 64;
      }
      acc0 = i32x4.add(acc0, i32x4.add(i32x4.dot_i16x8_s(v128.xor(r0, bias), ones), i32x4.dot_i16x8_s(v128.xor(r1, bias), ones)));
      acc1 = i32x4.add(acc1, i32x4.add(i32x4.dot_i16x8_s(v128.xor(r2, bias), ones), i32x4.dot_i16x8_s(v128.xor(r3, bias), ones)));
      p += 64;
    } while (--iters);
    // Drain: the eight signed lanes, widened to i64 and summed; then the bias.
    const w = i64x2.add(
      i64x2.add(i64x2.extend_low_i32x4_s(acc0), i64x2.extend_high_i32x4_s(acc0)),
      i64x2.add(i64x2.extend_low_i32x4_s(acc1), i64x2.extend_high_i32x4_s(acc1)),
    );
    const t = <u64>(i64x2.extract_lane(w, 0) + i64x2.extract_lane(w, 1)) + unbias;
    s += t; s += <u64>(s < t);
  }
  return s;
}

/**
 * The last `r` < 64 bytes of the SIMD paths, from `p` (also stored at `q` when `copy`):
 * 8 bytes per u64 load, then 4, 2, 1, each summed into a u64 (r < 64: no overflow).
 * Offsets from the start stay even until the last byte, which is the low byte of a last
 * word, as in csum_partial_scalar. Unaligned loads are fine here: only the SIMD build
 * (Wasm, where alignment is a hint) compiles this.
 */
// @ts-ignore: decorator
@inline function csum_tail64(p: usize, q: usize, r: i32, copy: bool): u64 {
  let s: u64 = 0;
  while (r >= 8) {
    const w = load<u64>(p);
    if (copy) { store<u64>(q, w); q += 8; }
    s += (w & 0xffffffff) + (w >> 32);
    p += 8;
    r -= 8;
  }
  if (r & 4) {
    const w = load<u32>(p);
    if (copy) { store<u32>(q, w); q += 4; }
    s += <u64>w;
    p += 4;
  }
  if (r & 2) {
    const w = load<u16>(p);
    if (copy) { store<u16>(q, w); q += 2; }
    s += <u64>w;
    p += 2;
  }
  if (r & 1) {
    const w = load<u8>(p);
    if (copy) store<u8>(q, w);
    s += <u64>w;
  }
  return s;
}

/**
 * Partial checksum of `len` bytes at `buf` added to `wsum`, v128 path; same result as
 * csum_partial_scalar once folded. Without SIMD (the nosimd/wasm2js target) it is the
 * scalar path. The tail (< 64 bytes) is summed here too, so that a short buffer (a
 * header, a small datagram) costs no second call.
 */
export function csum_partial_simd(buf: usize, len: i32, wsum: u32): u32 {
  if (ASC_FEATURE_SIMD) {
    const n = max(len, 0);
    const done = n & ~63;
    const s = csum_simd_blocks(buf, 0, n >> 6, false);
    const t = csum_tail64(buf + <usize>done, 0, n - done, false);
    return csum_add(csum_add(csum_fold64(s), csum_fold64(t)), wsum);
  } else {
    return csum_partial_scalar(buf, len, wsum);
  }
}

/**
 * Copies `len` bytes from `src` to `dst` and returns their partial sum added to `wsum`,
 * as Linux's csum_partial_copy_nocheck / csum_and_copy_from_user: with no checksum
 * offload on the device, __ip_append_data sums a datagram while copying it from the user
 * (ip_generic_getfrag), so the payload is read once. The sum is in `dst`'s word pairing.
 * SIMD: each 16-byte load is stored and summed (the loop of csum_partial_simd), and the
 * tail likewise. Without SIMD (the wasm2js engine) it is a copy and then the scalar sum:
 * wasm2js has no wide loads to share, and the scalar loop's aligned loads must read the
 * destination.
 */
export function csum_partial_copy_nocheck(src: usize, dst: usize, len: i32, wsum: u32): u32 {
  const n = max(len, 0);
  if (ASC_FEATURE_SIMD) {
    const done = n & ~63;
    const s = csum_simd_blocks(src, dst, n >> 6, true);
    // The rest (< 64 bytes) starts at an even offset of dst, so word pairing is kept.
    const t = csum_tail64(src + <usize>done, dst + <usize>done, n - done, true);
    return csum_add(csum_add(csum_fold64(s), csum_fold64(t)), wsum);
  } else {
    memory.copy(dst, src, n);
    return csum_partial_scalar(dst, n, wsum);
  }
}

/** Partial one's complement sum of `len` bytes at `buf`, added to `wsum`. Linux csum_partial. */
export function csum_partial(buf: usize, len: i32, wsum: u32): u32 {
  if (ASC_FEATURE_SIMD) return csum_partial_simd(buf, len, wsum);
  return csum_partial_scalar(buf, len, wsum);
}

// ─── headers ───────────────────────────────────────────────────────────────────────

/**
 * IPv4 header checksum over `ihl_words` 32-bit words (RFC 791 §3.1). Over a received
 * header (checksum field included) the result is 0 when the header is intact; over a
 * header whose check field is zero it is the value to `store<u16>`. Linux ip_fast_csum.
 */
export function ip_fast_csum(iph: usize, ihl_words: u32): u32 {
  // A header is 5..15 words. The kernel keeps it 4-byte aligned (Linux NET_IP_ALIGN
  // puts the 14-byte Ethernet header at offset 2), so add whole u32s; anything else
  // goes through csum_partial, which aligns its loads for the wasm2js engine.
  if (iph & 3) return csum_fold(csum_partial_scalar(iph, <i32>(ihl_words << 2), 0));
  let s: u64 = 0;
  let p = iph;
  let n = ihl_words;
  while (n >= 2) {
    s += <u64>load<u32>(p) + <u64>load<u32>(p, 4);
    p += 8;
    n -= 2;
  }
  if (n) s += <u64>load<u32>(p);
  return csum_fold(csum_fold64(s));
}

/**
 * The TCP/UDP pseudo-header (RFC 9293 §3.1, RFC 768) added to `wsum`, unfolded.
 * `saddr`, `daddr`, `len`, `proto` are host-order numbers (as read with ld32be); the
 * result follows the little-endian word convention of csum_partial. Linux csum_tcpudp_nofold.
 */
export function csum_tcpudp_nofold(saddr: u32, daddr: u32, len: u32, proto: u32, wsum: u32): u32 {
  // On the wire the pseudo-header is saddr, daddr, {0, proto}, len, big-endian. Summed
  // as host-order numbers that is the big-endian-word sum; a rotation by 8 turns it into
  // the little-endian-word sum that wsum is in (see be_to_wsum). Adding a whole u32 is
  // congruent to adding its two 16-bit halves.
  const s: u64 = <u64>saddr + <u64>daddr + <u64>len + <u64>proto;
  return csum_add(be_to_wsum(csum_fold64(s)), wsum);
}

/** Folded pseudo-header checksum, ready for `store<u16>` (see csum_tcpudp_nofold). Linux csum_tcpudp_magic. */
export function csum_tcpudp_magic(saddr: u32, daddr: u32, len: u32, proto: u32, wsum: u32): u32 {
  return csum_fold(csum_tcpudp_nofold(saddr, daddr, len, proto, wsum));
}

// ─── incremental update ────────────────────────────────────────────────────────────

/**
 * A 16-bit field covered by the checksum at `sump` changed from `from` to `to` (host
 * order): update the raw checksum in place. RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'):
 * unlike RFC 1141's HC + m + ~m' it agrees with a full recompute even when the sum
 * passes through -0 (RFC 1624 §3). Linux csum_replace2.
 */
export function csum_replace2(sump: usize, from: u32, to: u32): void {
  // ~m + m' summed as big-endian words, then moved to the packet's word convention.
  const d = be_to_wsum((~from & 0xffff) + (to & 0xffff));
  // The field may sit at any even offset of a header at any alignment; an align-1 hint
  // costs nothing in Wasm and keeps wasm2js from assuming an aligned address.
  const hc = <u32>load<u16>(sump, 0, 1);
  store<u16>(sump, <u16>csum_fold(csum_add(~hc & 0xffff, d)), 0, 1);
}

/**
 * As csum_replace2 for a 32-bit field (an address in IPv4/TCP/UDP, for NAT-like
 * rewrites): HC' = ~(~HC + ~m + m') with m, m' split into their two words. Linux csum_replace4.
 */
export function csum_replace4(sump: usize, from: u32, to: u32): void {
  // ~from as a u32 is the complement of both of its 16-bit words.
  const d = be_to_wsum(csum_add(~from, to));
  const hc = <u32>load<u16>(sump, 0, 1); // align 1: see csum_replace2
  store<u16>(sump, <u16>csum_fold(csum_add(~hc & 0xffff, d)), 0, 1);
}
