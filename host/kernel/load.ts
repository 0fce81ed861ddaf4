// Loads the kernel for an engine: 'wasm' (build/kernel.wasm, SIMD) or 'js' (build/kernel.js,
// the same kernel through wasm2js). The platform difference (Node reads the file, a
// browser fetches it) lives only here. Raw exports are used rather than asc's generated
// bindings: the ABI is integers and f64 only, bindings would add a wrapper per call on
// the hot path, and they do not exist for the wasm2js engine.
import type { KernelExports, KernelHooks } from './exports.js';

export type Engine = 'wasm' | 'js';

interface JsKernelModule { instantiate(imports: object): KernelExports }

/** A compiled kernel, ready to instantiate once per host. */
export interface KernelModule {
  engine: Engine;
  instantiate(hooks: KernelHooks): KernelExports;
}

const cache = new Map<string, Promise<KernelModule>>();
const isNode = typeof process !== 'undefined' && !!process.versions?.node;

async function readBytes(url: URL): Promise<Uint8Array> {
  if (isNode && url.protocol === 'file:') {
    const fs = await import('node:fs/promises');
    return new Uint8Array(await fs.readFile(url));
  }
  const r = await fetch(url);
  if (!r.ok) throw new Error(`kstack: cannot load ${url}: ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

/** Reads an AssemblyScript string (UTF-16, byte length in the header word before it). */
export function readAsString(mem: ArrayBuffer, ptr: number): string {
  if (!ptr) return '';
  const len = new Uint32Array(mem, ptr - 4, 1)[0];
  const u16 = new Uint16Array(mem.slice(ptr, ptr + len));
  let s = '';
  for (let i = 0; i < u16.length; i += 4096) s += String.fromCharCode(...u16.subarray(i, i + 4096));
  return s;
}

function imports(hooks: KernelHooks, memRef: { exports?: KernelExports }): object {
  const mem = () => memRef.exports!.memory.buffer;
  return {
    env: {
      abort(msg: number, file: number, line: number, col: number) {
        throw new Error(`kstack kernel abort: ${readAsString(mem(), msg)} at ${readAsString(mem(), file)}:${line}:${col}`);
      },
      host_panic(msg: number, file: number, line: number, col: number) {
        throw new Error(`kstack kernel panic: ${readAsString(mem(), msg)} at ${readAsString(mem(), file)}:${line}:${col}`);
      },
      host_nic_kick: (ifindex: number) => hooks.kick(ifindex),
      host_tap: (ifindex: number, ptr: number, len: number, dir: number) => hooks.tap(ifindex, new Uint8Array(mem(), ptr, len), dir),
      host_task_wake: (pid: number) => hooks.wake(pid),
      host_tcp_state: (sk: number, oldState: number, state: number) => hooks.tcpState?.(sk, oldState, state),
    },
  };
}

/** Compiles (once per engine and process) the kernel module. */
export function loadKernel(engine: Engine = 'wasm'): Promise<KernelModule> {
  let p = cache.get(engine);
  if (!p) {
    p = (async (): Promise<KernelModule> => {
      if (engine === 'js') {
        const url = new URL('../../kernel.js', import.meta.url);
        const mod = (await import(/* @vite-ignore */ url.href)) as JsKernelModule;
        return {
          engine,
          instantiate(hooks) {
            const ref: { exports?: KernelExports } = {};
            ref.exports = mod.instantiate(imports(hooks, ref));
            return ref.exports;
          },
        };
      }
      const bytes = await readBytes(new URL('../../kernel.wasm', import.meta.url));
      const module = await WebAssembly.compile(bytes as BufferSource);
      return {
        engine,
        instantiate(hooks) {
          const ref: { exports?: KernelExports } = {};
          const inst = new WebAssembly.Instance(module, imports(hooks, ref) as WebAssembly.Imports);
          ref.exports = inst.exports as unknown as KernelExports;
          return ref.exports;
        },
      };
    })();
    cache.set(engine, p);
  }
  return p;
}
