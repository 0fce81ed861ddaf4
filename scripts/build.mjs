// Builds everything: the kernel (asc: release with SIMD, debug, and a no-SIMD release
// that wasm2js turns into the JS engine) and the host (tsc → build/host).
// Skips a step whose outputs are newer than all of its inputs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const force = process.argv.includes('--force');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
const stale = (outs, inputsTime) => force || outs.some((o) => !existsSync(o) || statSync(o).mtimeMs < inputsTime);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

mkdirSync(join(root, 'build'), { recursive: true });

// ABI mirror for the host, generated from assembly/abi (declared once, DESIGN.md).
if (existsSync(join(root, 'scripts', 'gen-abi.mjs'))) run(process.execPath, [join(root, 'scripts', 'gen-abi.mjs')]);

const asmTime = Math.max(newest(join(root, 'assembly')), statSync(join(root, 'asconfig.json')).mtimeMs);
for (const target of ['release', 'debug', 'nosimd']) {
  const out = join(root, 'build', target === 'release' ? 'kernel.wasm' : `kernel.${target}.wasm`);
  if (stale([out], asmTime)) {
    console.log(`asc: ${target}`);
    run(bin('asc'), ['assembly/index.ts', '--config', 'asconfig.json', '--target', target]);
    if (target !== 'debug') inline(out, target === 'release');
  }
}

// A second binaryen pass over the release modules, with inlining limits asc does not
// expose. asc's -O3 inlines only tiny functions (binaryen's "always" limit is 2) unless
// they make no calls, so the per-packet path stays a chain of ~30 calls, and V8 (Node 20)
// does not inline one Wasm function into another: every call spills live registers
// (V8's Wasm calls have no callee-saved registers) and reloads the memory base. Inlining
// functions of up to 120 binaryen nodes, loops included, takes about 8% off a 64-byte
// datagram's kernel time. Both engines get it (the JS engine is wasm2js of the nosimd
// module), so they keep running identical code; the JS engine gains about as much.
function inline(file, simd) {
  const features = ['--enable-bulk-memory', '--enable-sign-ext', '--enable-mutable-globals', '--enable-nontrapping-float-to-int'];
  if (simd) features.push('--enable-simd');
  run(bin('wasm-opt'), [file, ...features, '--always-inline-max-function-size=120', '--flexible-inline-max-function-size=200', '--inline-functions-with-loops', '--inlining-optimizing', '-O3', '-o', file]);
}

// The JS engine: wasm2js of the no-SIMD release module. wasm2js emits an ES module that
// instantiates itself once at import, with helpers (memory.fill/copy, data segments)
// bound to one module-level `bufferView`. Every kstack host needs its own kernel, so the
// whole body goes inside a factory, `export function instantiate(imports) → exports`:
// each call gets its own memory and its own helpers.
const jsOut = join(root, 'build', 'kernel.js');
const nosimd = join(root, 'build', 'kernel.nosimd.wasm');
if (force || !existsSync(jsOut) || statSync(jsOut).mtimeMs < statSync(nosimd).mtimeMs) {
  console.log('wasm2js: kernel.js');
  const tmp = join(root, 'build', 'kernel.wasm2js.mjs');
  run(bin('wasm2js'), [nosimd, '-O2', '--enable-bulk-memory', '--enable-bulk-memory-opt', '--enable-sign-ext', '--enable-mutable-globals', '--enable-nontrapping-float-to-int', '-o', tmp]);
  let src = readFileSync(tmp, 'utf8');
  const cut = src.indexOf('var retasmFunc = asmFunc(');
  if (cut < 0) throw new Error('wasm2js output changed shape: no retasmFunc');
  src = src.slice(0, cut).replace(/^import \* as env from 'env';\s*$/m, '');
  // wasm2js's memory.grow computes the new size as `newPages << 16`, which overflows past
  // 2 GiB (32768 pages) into a negative length, and lets `new ArrayBuffer` throw when the
  // allocation fails. Wasm's memory.grow returns -1 instead, and the kernel handles that
  // as an allocation failure. Make the JS engine do the same.
  const grow = 'var newBuffer = new ArrayBuffer(newPages << 16);';
  if (!src.includes(grow)) throw new Error('wasm2js output changed shape: memory.grow');
  src = src.replace(grow, 'var newBuffer; try { newBuffer = new ArrayBuffer(newPages * 65536); } catch (e) { return -1; }');
  src = `export function instantiate(imports) {\n${src}\nreturn asmFunc(imports);\n}\n`;
  writeFileSync(jsOut, src);
}

const hostTime = Math.max(newest(join(root, 'host')), statSync(join(root, 'tsconfig.json')).mtimeMs);
if (stale([join(root, 'build', 'host', 'index.js')], hostTime)) {
  console.log('tsc: host');
  run(bin('tsc'), ['-p', 'tsconfig.json']);
}
