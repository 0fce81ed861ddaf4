// Checksum bandwidth: the kernel's csum_partial (Wasm SIMD, Wasm scalar, and the same
// kernel through wasm2js) against a plain JavaScript RFC 1071 loop and the memcpy floor
// (Uint8Array.prototype.set), all over the same bytes.
import { loadKernel } from '../../build/host/kernel/load.js';
import { measure } from './timing.mjs';

const hooks = { kick() {}, tap() {}, wake() {} };

async function kernelFor(engine) {
  const x = (await loadKernel(engine)).instantiate(hooks);
  x.kernel_init(1, 64, 64, 4);
  return x;
}

/** RFC 1071 section 4.1, straight: 16-bit big-endian words into a 32-bit sum, fold at the end. */
export function rfc1071(buf, len) {
  let sum = 0;
  let i = 0;
  for (; i + 1 < len; i += 2) sum += (buf[i] << 8) | buf[i + 1];
  if (i < len) sum += buf[i] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 65536);
  return sum;
}

const fold = (s) => {
  s >>>= 0;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
};
const bswap16 = (v) => ((v & 0xff) << 8) | (v >>> 8);

function fill(u8, off, n) {
  let x = 0x12345678;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    u8[off + i] = x & 0xff;
  }
}

/** Returns rows { name, size, gbps } for each size. */
export async function benchCsum(sizes, opts = {}) {
  const wasm = await kernelFor('wasm');
  const js = await kernelFor('js');
  const rows = [];
  for (const n of sizes) {
    const pw = wasm.test_scratch();
    const pj = js.test_scratch();
    fill(new Uint8Array(wasm.memory.buffer), pw, n);
    fill(new Uint8Array(js.memory.buffer), pj, n);
    const plain = new Uint8Array(n);
    fill(plain, 0, n);
    const dst = new Uint8Array(n);

    // Every implementation must agree (the kernel sums little-endian words: byte-swapped).
    const ref = rfc1071(plain, n);
    const got = {
      'wasm simd': bswap16(fold(wasm.bench_csum_simd(pw, n))),
      'wasm scalar': bswap16(fold(wasm.bench_csum_scalar(pw, n))),
      'js engine': bswap16(fold(js.bench_csum_scalar(pj, n))),
    };
    for (const [k, v] of Object.entries(got)) {
      if (v !== ref && !(v === 0xffff && ref === 0) && !(v === 0 && ref === 0xffff)) {
        throw new Error(`checksum mismatch at ${n} B: ${k} 0x${v.toString(16)} vs RFC 1071 0x${ref.toString(16)}`);
      }
    }

    let sink = 0;
    const cases = [
      ['Wasm SIMD', (it) => { sink ^= wasm.bench_csum_loop(pw, n, it, 1); }],
      ['Wasm scalar', (it) => { sink ^= wasm.bench_csum_loop(pw, n, it, 0); }],
      ['JS engine (wasm2js)', (it) => { sink ^= js.bench_csum_loop(pj, n, it, 0); }],
      ['plain JS (RFC 1071)', (it) => { for (let i = 0; i < it; i++) sink ^= rfc1071(plain, n); }],
      ['memcpy floor (Uint8Array.set)', (it) => { for (let i = 0; i < it; i++) dst.set(plain); sink ^= dst[n - 1]; }],
      ['Wasm memory.copy (info)', (it) => { wasm.bench_memcpy_loop(pw + 65536, pw, Math.min(n, 65536), it); }],
    ];
    for (const [name, run] of cases) {
      const m = measure(run, opts);
      rows.push({ name, size: n, gbps: n / (m.msPerIter * 1e6), iters: m.iters });
    }
    if (sink === 0.5) console.log(sink); // keep the results alive
  }
  return rows;
}
