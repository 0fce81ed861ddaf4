// Loads a module that exports the layer-0 library wrappers (assembly/lib_exports.ts).
// Prefers the real kernel, which re-exports them through assembly/index.ts; until that
// exists (or if it predates lib_exports), compiles assembly/lib_exports.ts alone with asc,
// once per source version, into the OS temp dir. Every import the module declares is
// satisfied with a no-op, so the loader does not depend on what the kernel imports.
//
//   KSTACK_ENGINE  kernel file used               fallback
//   wasm (default) build/kernel.debug.wasm        asc lib_exports.ts --enable simd
//   js             build/kernel.js (wasm2js)      asc lib_exports.ts (no SIMD) → wasm2js
//
// The js engine matters here: wasm2js trusts alignment hints, so a load that is fine in
// Wasm can read the wrong bytes in JS.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The wrappers of assembly/lib_exports.ts (pointers and u32s are JS numbers). */
export interface LibExports {
  memory: WebAssembly.Memory;
  test_scratch(): number;
  test_scratch_size(): number;
  bench_csum(p: number, n: number): number;
  bench_csum_simd(p: number, n: number): number;
  bench_csum_scalar(p: number, n: number): number;
  bench_memcpy(dst: number, src: number, n: number): void;
  bench_csum_loop(p: number, n: number, iters: number, simd: number): number;
  bench_memcpy_loop(dst: number, src: number, n: number, iters: number): void;
  test_csum_partial(p: number, n: number, wsum: number): number;
  test_csum_partial_simd(p: number, n: number, wsum: number): number;
  test_csum_partial_scalar(p: number, n: number, wsum: number): number;
  test_csum_partial_copy(src: number, dst: number, n: number, wsum: number): number;
  test_csum_fold(wsum: number): number;
  test_minmax_reset(m: number, t: number, v: number): number;
  test_minmax_running_min(m: number, win: number, t: number, v: number): number;
  test_minmax_get(m: number): number;
  test_csum_add(a: number, b: number): number;
  test_ip_fast_csum(iph: number, ihlWords: number): number;
  test_csum_tcpudp_nofold(saddr: number, daddr: number, len: number, proto: number, wsum: number): number;
  test_csum_tcpudp_magic(saddr: number, daddr: number, len: number, proto: number, wsum: number): number;
  test_csum_replace2(sump: number, from: number, to: number): void;
  test_csum_replace4(sump: number, from: number, to: number): void;
  test_before(a: number, b: number): number;
  test_after(a: number, b: number): number;
  test_between(seq1: number, seq2: number, seq3: number): number;
  test_ring_count(prod: number, cons: number): number;
  test_ring_free(prod: number, cons: number, size: number): number;
  test_ring_slot(idx: number, mask: number): number;
  test_list_init(head: number): void;
  test_list_add(node: number, head: number): void;
  test_list_add_tail(node: number, head: number): void;
  test_list_del(node: number): void;
  test_list_del_init(node: number): void;
  test_list_move_tail(node: number, head: number): void;
  test_list_splice_tail_init(list: number, head: number): void;
  test_list_empty(head: number): number;
  test_list_first(head: number): number;
  test_list_last(head: number): number;
  test_rb_reset(): void;
  test_rb_insert(key: number): number;
  test_rb_find(key: number): number;
  test_rb_erase(key: number): number;
  test_rb_erase_plain(key: number): number;
  test_rb_count(): number;
  test_rb_inorder(out: number): number;
  test_rb_inorder_rev(out: number): number;
  test_rb_verify(): number;
  test_rb_height(): number;
}

function libSources(): string[] {
  const dir = join(root, 'assembly', 'lib');
  return [
    join(root, 'assembly', 'lib_exports.ts'),
    ...readdirSync(dir).filter((f) => f.endsWith('.ts')).sort().map((f) => join(dir, f)),
  ];
}

const WASM2JS_FLAGS = ['-O2', '--enable-bulk-memory', '--enable-sign-ext', '--enable-mutable-globals', '--enable-nontrapping-float-to-int'];

/** Compiles assembly/lib_exports.ts alone (-O3; with SIMD for the wasm engine, without
 *  it plus wasm2js for the js engine) unless this exact source was compiled before;
 *  returns the .wasm path (and the .js path for the js engine). */
function compileLibEntry(simd: boolean): { wasm: string; js: string } {
  const h = createHash('sha256');
  for (const f of libSources()) h.update(f).update(readFileSync(f));
  const dir = join(tmpdir(), 'kstack-lib-wasm');
  mkdirSync(dir, { recursive: true });
  const stem = join(dir, `lib-${h.digest('hex').slice(0, 16)}${simd ? '' : '-nosimd'}`);
  const wasm = `${stem}.wasm`;
  const js = `${stem}.js`;
  if (existsSync(wasm) && (simd || existsSync(js))) return { wasm, js };
  // An empty config keeps asc from picking up asconfig.json (the kernel's entries).
  const config = join(dir, 'asconfig.empty.json');
  writeFileSync(config, '{}');
  const tmp = `${stem}.${process.pid}.tmp`;
  const args = ['assembly/lib_exports.ts', '--config', config, '--runtime', 'stub', '-O3', '--outFile', `${tmp}.wasm`];
  if (simd) args.push('--enable', 'simd');
  execFileSync(join(root, 'node_modules', '.bin', 'asc'), args, { cwd: root, stdio: 'pipe' });
  if (!simd) {
    execFileSync(join(root, 'node_modules', '.bin', 'wasm2js'), [`${tmp}.wasm`, ...WASM2JS_FLAGS, '-o', `${tmp}.js`], {
      cwd: root,
      stdio: 'pipe',
    });
    renameSync(`${tmp}.js`, js);
  }
  renameSync(`${tmp}.wasm`, wasm); // atomic, and last: parallel test files never see half a build
  return { wasm, js };
}

/** Evaluates wasm2js output (raw, or already rewritten by scripts/build.mjs into an
 *  `instantiate` factory) and returns its asmFunc(imports). */
function loadWasm2js(path: string): (imports: WebAssembly.Imports) => Record<string, unknown> {
  let src = readFileSync(path, 'utf8');
  const cut = src.indexOf('var retasmFunc = asmFunc(');
  if (cut >= 0) src = src.slice(0, cut);
  src = src
    .replace(/^import \* as env from 'env';\s*$/m, '')
    .replace(/^export function instantiate\(imports\)[^\n]*$/m, '');
  return new Function(`${src}\nreturn asmFunc;`)() as (imports: WebAssembly.Imports) => Record<string, unknown>;
}

const hasLibExports = (module: WebAssembly.Module) => {
  const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  return names.has('test_scratch') && names.has('test_rb_verify');
};

function stubImports(module: WebAssembly.Module, shared = false): WebAssembly.Imports {
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    const ns = (imports[imp.module] ??= {});
    switch (imp.kind) {
      case 'function':
        ns[imp.name] = () => 0;
        break;
      case 'memory':
        ns[imp.name] = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared });
        break;
      case 'table':
        ns[imp.name] = new WebAssembly.Table({ initial: 0, element: 'anyfunc' });
        break;
      case 'global':
        ns[imp.name] = new WebAssembly.Global({ value: 'i32', mutable: false }, 0);
        break;
    }
  }
  return imports;
}

let cached: { exports: LibExports; source: string } | undefined;

/** Instantiates with stub imports; an imported memory is tried unshared, then shared
 *  (Node 20 has no type reflection to tell which one the module wants). */
function instantiate(module: WebAssembly.Module): WebAssembly.Instance {
  try {
    return new WebAssembly.Instance(module, stubImports(module));
  } catch (err) {
    if (!(err instanceof WebAssembly.LinkError)) throw err;
    return new WebAssembly.Instance(module, stubImports(module, true));
  }
}

function loadWasm(): { exports: LibExports; source: string } {
  const kernel = join(root, 'build', 'kernel.debug.wasm');
  if (existsSync(kernel)) {
    try {
      const module = new WebAssembly.Module(readFileSync(kernel));
      if (hasLibExports(module)) {
        return { exports: instantiate(module).exports as unknown as LibExports, source: kernel };
      }
    } catch {
      // A stale or half-written kernel build: fall back to the library alone.
    }
  }
  const { wasm } = compileLibEntry(true);
  const module = new WebAssembly.Module(readFileSync(wasm));
  return { exports: instantiate(module).exports as unknown as LibExports, source: wasm };
}

function loadJs(): { exports: LibExports; source: string } {
  // build/kernel.js is wasm2js of build/kernel.nosimd.wasm; the .wasm tells what it imports.
  const kernelJs = join(root, 'build', 'kernel.js');
  const nosimd = join(root, 'build', 'kernel.nosimd.wasm');
  if (existsSync(kernelJs) && existsSync(nosimd)) {
    try {
      const module = new WebAssembly.Module(readFileSync(nosimd));
      if (hasLibExports(module)) {
        const exports = loadWasm2js(kernelJs)(stubImports(module));
        return { exports: exports as unknown as LibExports, source: kernelJs };
      }
    } catch {
      // Fall back to the library alone.
    }
  }
  const { wasm, js } = compileLibEntry(false);
  const module = new WebAssembly.Module(readFileSync(wasm));
  const exports = loadWasm2js(js)(stubImports(module));
  return { exports: exports as unknown as LibExports, source: js };
}

/** Instantiates the library module (once per test file) for the engine KSTACK_ENGINE
 *  names, and says where it came from. */
export function loadLib(): { exports: LibExports; source: string } {
  cached ??= process.env.KSTACK_ENGINE === 'js' ? loadJs() : loadWasm();
  return cached;
}

/** The exports, plus byte and word views over the scratch area (re-made on each call,
 *  since memory.grow detaches old views). */
export function lib(): LibExports {
  return loadLib().exports;
}

export function scratchBytes(): { base: number; u8: Uint8Array; size: number } {
  const e = lib();
  const base = e.test_scratch();
  const size = e.test_scratch_size();
  return { base, size, u8: new Uint8Array(e.memory.buffer, base, size) };
}
