// assembly/lib/checksum.ts: RFC 1071 Internet checksum, Linux names and conventions.
// The wasm sums little-endian words and its folded result is stored raw (store<u16>), so
// the reference here is the textbook big-endian computation and the two meet on the wire
// bytes: `wireHex(result)` is what a store<u16> puts into the packet.
import { describe, it, expect, beforeEach } from 'vitest';
import { lib, loadLib, scratchBytes } from '../../helpers/lib-wasm.js';

const e = lib();
const u32 = (x: number) => x >>> 0;
const bswap16 = (x: number) => ((x & 0xff) << 8) | ((x >>> 8) & 0xff);

/** RFC 1071 §4.1 reference: one's complement sum of big-endian 16-bit words, odd byte
 *  padded with a zero, folded to 16 bits (not complemented). */
function refSum(b: Uint8Array, init = 0): number {
  let s = init;
  for (let i = 0; i + 1 < b.length; i += 2) s += (b[i] << 8) | b[i + 1];
  if (b.length & 1) s += b[b.length - 1] << 8;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}
const refChecksum = (b: Uint8Array, init = 0) => ~refSum(b, init) & 0xffff;

/** The folded (not complemented) 16-bit sum of a wasm partial sum, in wire (BE) order. */
const wireSum = (wsum: number) => bswap16(~e.test_csum_fold(wsum) & 0xffff);
/** A wasm folded checksum as the big-endian number its raw store puts on the wire. */
const wire = (sum16: number) => bswap16(sum16 & 0xffff);

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((x) => parseInt(x, 16)));

let seed = 0x2545f491;
function rand(): number {
  // xorshift32: deterministic data, no Math.random in tests.
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed;
}

function put(bytes: Uint8Array, at = 0): number {
  const { base, u8 } = scratchBytes();
  u8.set(bytes, at);
  return base + at;
}
function mem(): DataView {
  return new DataView(e.memory.buffer);
}

beforeEach(() => {
  seed = 0x2545f491;
});

describe('csum_partial', () => {
  it('runs on the engine KSTACK_ENGINE names (js: wasm2js output, whose loads trust alignment hints)', () => {
    expect(loadLib().source.endsWith(process.env.KSTACK_ENGINE === 'js' ? '.js' : '.wasm')).toBe(true);
  });

  it('csum_partial: RFC 1071 example sums to 0xddf2', () => {
    // RFC 1071 §3, "Numerical Examples": 00 01 f2 03 f4 f5 f6 f7 → sum 0xddf2.
    const p = put(hex('0001 f203 f4f5 f6f7'));
    expect(wireSum(e.test_csum_partial(p, 8, 0))).toBe(0xddf2);
    expect(wireSum(e.test_csum_partial_scalar(p, 8, 0))).toBe(0xddf2);
    expect(wireSum(e.test_csum_partial_simd(p, 8, 0))).toBe(0xddf2);
  });

  it('csum_partial: an odd trailing byte is the high byte on the wire (padded with zero)', () => {
    const p = put(hex('0001 f203 f4f5 f6f7 ab'));
    expect(wireSum(e.test_csum_partial(p, 9, 0))).toBe(refSum(hex('0001 f203 f4f5 f6f7 ab00')));
  });

  it('csum_partial: an empty buffer returns the incoming sum unchanged', () => {
    const p = put(hex('ffff'));
    expect(u32(e.test_csum_partial(p, 0, 0x12345678))).toBe(0x12345678);
    expect(u32(e.test_csum_partial(p, -5, 0x1234))).toBe(0x1234);
  });

  it('SIMD and scalar paths agree on every length 0..300 and every alignment 0..15', () => {
    const { base, u8 } = scratchBytes();
    for (let i = 0; i < 512; i++) u8[i] = rand() & 0xff;
    for (let align = 0; align < 16; align++) {
      for (let len = 0; len <= 300; len++) {
        const wsum = rand();
        const s = u32(e.test_csum_partial_scalar(base + align, len, wsum));
        const v = u32(e.test_csum_partial_simd(base + align, len, wsum));
        // Partial sums may differ as numbers; they must agree once folded.
        expect(e.test_csum_fold(v), `len ${len} align ${align}`).toBe(e.test_csum_fold(s));
        const ref = refSum(u8.subarray(align, align + len), wireSum(wsum));
        expect(wireSum(s), `len ${len} align ${align} vs reference`).toBe(ref);
      }
    }
  });

  it('csum_partial matches the reference on all-0xff data, where every add carries', () => {
    const { base, u8 } = scratchBytes();
    u8.fill(0xff, 0, 70000);
    for (const len of [1, 2, 63, 64, 65, 1024, 65535, 65536, 70000]) {
      const ref = refSum(u8.subarray(0, len));
      expect(wireSum(e.test_csum_partial_scalar(base, len, 0xffffffff)), `scalar ${len}`).toBe(
        refSum(u8.subarray(0, len), 0xffff),
      );
      expect(wireSum(e.test_csum_partial_simd(base, len, 0)), `simd ${len}`).toBe(ref);
      expect(wireSum(e.test_csum_partial(base, len, 0)), `dispatch ${len}`).toBe(ref);
    }
  });

  it('csum_partial matches the reference on 128 KiB of random data', () => {
    const { base, u8, size } = scratchBytes();
    for (let i = 0; i < size; i++) u8[i] = rand() & 0xff;
    for (const [off, len] of [[0, size], [1, size - 1], [3, 65536], [7, 12345]]) {
      const ref = refSum(u8.subarray(off, off + len));
      expect(wireSum(e.test_csum_partial_simd(base + off, len, 0))).toBe(ref);
      expect(wireSum(e.test_csum_partial_scalar(base + off, len, 0))).toBe(ref);
      expect(wireSum(e.bench_csum(base + off, len))).toBe(ref);
    }
  });

  it('csum_partial_copy_nocheck copies exactly len bytes and returns their sum, for every length 0..300 and alignment', () => {
    const { base, u8 } = scratchBytes();
    const src = 0;
    const dst = 4096;
    for (let i = 0; i < 512; i++) u8[src + i] = rand() & 0xff;
    for (const salign of [0, 1, 2, 5, 8, 15]) {
      for (const dalign of [0, 1, 2, 3, 4, 14]) {
        for (let len = 0; len <= 300; len++) {
          u8.fill(0xee, dst, dst + 400);
          const wsum = rand();
          const r = u32(e.test_csum_partial_copy(base + src + salign, base + dst + dalign, len, wsum));
          const copied = u8.subarray(dst + dalign, dst + dalign + len);
          expect(Buffer.from(copied).equals(Buffer.from(u8.subarray(src + salign, src + salign + len))), `copy len ${len} ${salign}/${dalign}`).toBe(true);
          expect(u8[dst + dalign + len], `no byte past len ${len}`).toBe(0xee);
          if (dalign > 0) expect(u8[dst + dalign - 1], `no byte before dst`).toBe(0xee);
          // The sum is of the destination's bytes in its own word pairing.
          expect(wireSum(r), `sum len ${len} ${salign}/${dalign}`).toBe(refSum(copied, wireSum(wsum)));
        }
      }
    }
  });

  it('csum_partial_copy_nocheck over 64 KiB matches csum_partial of the copy', () => {
    const { base, u8 } = scratchBytes();
    for (let i = 0; i < 65536; i++) u8[i] = rand() & 0xff;
    const r = e.test_csum_partial_copy(base, base + 65536 + 2, 65000, 0);
    expect(e.test_csum_fold(r)).toBe(e.test_csum_fold(e.test_csum_partial(base + 65536 + 2, 65000, 0)));
    expect(wireSum(r)).toBe(refSum(u8.subarray(0, 65000)));
  });

  it('csum_partial chains: summing two even-length halves equals summing the whole', () => {
    const { base, u8 } = scratchBytes();
    for (let i = 0; i < 1000; i++) u8[i] = rand() & 0xff;
    const whole = e.test_csum_partial(base, 1000, 0);
    const half = e.test_csum_partial(base + 400, 600, e.test_csum_partial(base, 400, 0));
    expect(e.test_csum_fold(half)).toBe(e.test_csum_fold(whole));
  });
});

describe('csum_fold and csum_add', () => {
  it('csum_fold folds 32 bits to 16 with end-around carry and complements', () => {
    for (const x of [0, 1, 0xffff, 0x10000, 0x1fffe, 0xffffffff, 0x8000ffff, 0xdeadbeef, 0x0001fffe]) {
      let s = x;
      while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
      expect(e.test_csum_fold(x), x.toString(16)).toBe(~s & 0xffff);
    }
    expect(e.test_csum_fold(0)).toBe(0xffff);
    expect(e.test_csum_fold(0xffffffff)).toBe(0);
  });

  it('csum_add wraps the carry out of bit 31 back into bit 0', () => {
    expect(u32(e.test_csum_add(0xffffffff, 1))).toBe(1);
    expect(u32(e.test_csum_add(0x80000000, 0x80000000))).toBe(1);
    expect(u32(e.test_csum_add(0x12345678, 0x11111111))).toBe(0x23456789);
    for (let i = 0; i < 1000; i++) {
      const a = rand(), b = rand();
      const s = a + b;
      expect(u32(e.test_csum_add(a, b))).toBe(s > 0xffffffff ? s - 0xffffffff : s);
    }
  });
});

describe('ip_fast_csum', () => {
  // A real IPv4 header: UDP from 192.168.0.1 to 192.168.0.199, tot_len 115, DF, TTL 64.
  const IPH = '4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7';

  it('ip_fast_csum: a received header with a correct checksum gives 0', () => {
    const p = put(hex(IPH));
    expect(e.test_ip_fast_csum(p, 5)).toBe(0);
  });

  it('ip_fast_csum: with the check field zeroed it computes 0xb861, stored raw as b8 61', () => {
    const p = put(hex(IPH));
    mem().setUint16(p + 10, 0);
    const sum = e.test_ip_fast_csum(p, 5);
    mem().setUint16(p + 10, sum, true); // the kernel's store<u16>
    expect([...scratchBytes().u8.subarray(10, 12)]).toEqual([0xb8, 0x61]);
    expect(wire(sum)).toBe(0xb861);
  });

  it('ip_fast_csum: a flipped bit is detected', () => {
    const b = hex(IPH);
    b[8] ^= 0x01; // TTL 64 → 65
    expect(e.test_ip_fast_csum(put(b), 5)).not.toBe(0);
  });

  it('ip_fast_csum matches the reference for headers with options (ihl 5..15)', () => {
    for (let ihl = 5; ihl <= 15; ihl++) {
      const b = new Uint8Array(ihl * 4);
      for (let i = 0; i < b.length; i++) b[i] = rand() & 0xff;
      b[0] = 0x40 | ihl;
      b[10] = b[11] = 0;
      expect(wire(e.test_ip_fast_csum(put(b), ihl)), `ihl ${ihl}`).toBe(refChecksum(b));
    }
  });
});

describe('csum_tcpudp_magic', () => {
  const SADDR = 0xc0a80001; // 192.168.0.1, host order (as ld32be reads it)
  const DADDR = 0xc0a800c7; // 192.168.0.199
  // UDP 12345 → 53, length 14, checksum 0, payload "kstack".
  const UDP = '3039 0035 000e 0000 6b73 7461 636b';

  it('UDP checksum of a real datagram is 0x0a0b (computed by hand from the pseudo-header)', () => {
    // Sum: c0a8+0001+c0a8+00c7 (addresses) + 0011 (proto) + 000e (length) + 3039+0035+000e
    // +0000+6b73+7461+636b = 0x2f5f2 → fold 0xf5f4 → complement 0x0a0b.
    const p = put(hex(UDP));
    const sum = e.test_csum_tcpudp_magic(SADDR, DADDR, 14, 17, e.test_csum_partial(p, 14, 0));
    expect(wire(sum)).toBe(0x0a0b);
    mem().setUint16(p + 6, sum, true);
    expect([...scratchBytes().u8.subarray(6, 8)]).toEqual([0x0a, 0x0b]);
    // Receive side: the sum over the datagram with its checksum in place folds to 0.
    expect(e.test_csum_tcpudp_magic(SADDR, DADDR, 14, 17, e.test_csum_partial(p, 14, 0))).toBe(0);
  });

  it('csum_tcpudp_magic matches a JS pseudo-header reference for random TCP segments', () => {
    for (let t = 0; t < 200; t++) {
      const len = 20 + (rand() % 1461);
      const seg = new Uint8Array(len);
      for (let i = 0; i < len; i++) seg[i] = rand() & 0xff;
      seg[16] = seg[17] = 0; // TCP check
      const saddr = rand(), daddr = rand();
      const ph = new Uint8Array(12);
      const dv = new DataView(ph.buffer);
      dv.setUint32(0, saddr);
      dv.setUint32(4, daddr);
      dv.setUint16(8, 6);
      dv.setUint16(10, len);
      const ref = refChecksum(seg, refSum(ph));
      const p = put(seg);
      const sum = e.test_csum_tcpudp_magic(saddr, daddr, len, 6, e.test_csum_partial(p, len, 0));
      expect(wire(sum), `len ${len}`).toBe(ref);
      // nofold then fold is the same thing.
      const nf = e.test_csum_tcpudp_nofold(saddr, daddr, len, 6, e.test_csum_partial(p, len, 0));
      expect(e.test_csum_fold(nf)).toBe(sum);
    }
  });
});

describe('csum_replace2 / csum_replace4 (RFC 1624)', () => {
  function randomHeader(): Uint8Array {
    const b = new Uint8Array(20);
    for (let i = 0; i < 20; i++) b[i] = rand() & 0xff;
    b[0] = 0x45;
    return b;
  }
  function withChecksum(b: Uint8Array): number {
    const p = put(b);
    mem().setUint16(p + 10, 0);
    mem().setUint16(p + 10, e.test_ip_fast_csum(p, 5), true);
    return p;
  }

  it('csum_replace2 equals a full recompute (TTL decrement and random 16-bit fields)', () => {
    for (let t = 0; t < 2000; t++) {
      const p = withChecksum(randomHeader());
      const off = [2, 4, 6, 8, 12, 14, 16, 18][t & 7];
      const from = mem().getUint16(p + off);
      const to = t % 3 === 0 ? (from - 0x0100) & 0xffff : t % 3 === 1 ? rand() & 0xffff : [0, 0xffff][t & 1];
      mem().setUint16(p + off, to);
      e.test_csum_replace2(p + 10, from, to);
      const incremental = mem().getUint16(p + 10, true);
      expect(e.test_ip_fast_csum(p, 5), `trial ${t}`).toBe(0);
      mem().setUint16(p + 10, 0);
      expect(incremental, `trial ${t}`).toBe(e.test_ip_fast_csum(p, 5));
    }
  });

  it('csum_replace4 equals a full recompute (address rewrite in the IP header)', () => {
    for (let t = 0; t < 2000; t++) {
      const p = withChecksum(randomHeader());
      const off = t & 1 ? 12 : 16;
      const from = mem().getUint32(p + off);
      const to = t % 5 === 0 ? [0, 0xffffffff][(t >> 1) & 1] : rand();
      mem().setUint32(p + off, to);
      e.test_csum_replace4(p + 10, from, to);
      const incremental = mem().getUint16(p + 10, true);
      mem().setUint16(p + 10, 0);
      expect(incremental, `trial ${t}`).toBe(e.test_ip_fast_csum(p, 5));
    }
  });

  it('csum_replace4 on a UDP checksum follows a pseudo-header address change (NAT)', () => {
    const udp = hex('3039 0035 000e 0000 6b73 7461 636b');
    const p = put(udp);
    const s0 = e.test_csum_tcpudp_magic(0xc0a80001, 0xc0a800c7, 14, 17, e.test_csum_partial(p, 14, 0));
    mem().setUint16(p + 6, s0, true);
    e.test_csum_replace4(p + 6, 0xc0a80001, 0x0a000002); // SNAT 192.168.0.1 → 10.0.0.2
    const incremental = mem().getUint16(p + 6, true);
    mem().setUint16(p + 6, 0);
    const full = e.test_csum_tcpudp_magic(0x0a000002, 0xc0a800c7, 14, 17, e.test_csum_partial(p, 14, 0));
    expect(incremental).toBe(full);
  });
});
