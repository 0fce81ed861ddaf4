// Import rules between layers (DESIGN.md, "What may import what"). The table below IS the
// rule: a file may import from its own folder or from a layer of lower rank. Equal ranks in
// different folders are siblings and may not import each other (tcp | udp, signal | process).
// Upward calls go through tables registered at init (dev_add_pack, inet_add_protocol,
// wait_queue_entry.func), never through an import.
//
//   kernel (assembly/):  lib → abi → kernel → core → link → ip → tcp | udp → socket → sys → *.ts
//   host   (host/):      abi → kernel → syscall → signal | process → rpc → tools → *.ts
//
// Narrower rules for single files:
//   assembly/lib_exports.ts   imports only assembly/lib/ (it re-exports layer 0, nothing else)
//   host/process/runtime.ts   imports only host/syscall/channel.ts, host/syscall/sys.ts and
//                             host/abi/ (worker-side code never gets kernel memory)
// Bare specifiers (node:*, comlink, assemblyscript std) are not layers and are not checked.
// A relative import that leaves its tree (host → assembly, assembly → host) is a violation.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Layer rank per folder; files directly in the tree root take TOP. */
const KERNEL_LAYERS: Record<string, number> = {
  lib: 0, abi: 1, kernel: 2, core: 3, link: 4, ip: 5, tcp: 6, udp: 6, socket: 7, sys: 8,
};
const HOST_LAYERS: Record<string, number> = {
  abi: 0, kernel: 1, syscall: 2, signal: 3, process: 3, rpc: 4, tools: 5,
};
const TOP = 100;
const TREES: Record<string, Record<string, number>> = { assembly: KERNEL_LAYERS, host: HOST_LAYERS };
/** Files allowed to import only from the listed files or folders (a trailing / is a folder). */
const ONLY: Record<string, string[]> = {
  'assembly/lib_exports.ts': ['assembly/lib/'],
  'host/process/runtime.ts': ['host/syscall/channel.ts', 'host/syscall/sys.ts', 'host/abi/'],
};

interface Place { tree: string; folder: string; rank: number }
/** Where a repo-relative path sits: its tree, its layer folder ('' = tree root) and rank. */
function place(path: string): Place | string {
  const parts = path.split('/');
  const tree = parts[0];
  const layers = TREES[tree];
  if (!layers) return `${path} is outside assembly/ and host/`;
  if (parts.length === 2) return { tree, folder: '', rank: TOP };
  const folder = parts[1];
  if (!(folder in layers)) return `${path}: folder ${tree}/${folder}/ is not in the layer table`;
  return { tree, folder, rank: layers[folder] };
}

/**
 * The rule for one edge, both paths repo-relative ('assembly/ip/ip_input.ts'). Returns null
 * when allowed, else the reason.
 */
export function checkEdge(from: string, to: string): string | null {
  const only = ONLY[from];
  if (only && !only.some((p) => (p.endsWith('/') ? to.startsWith(p) : to === p))) {
    return `${from} → ${to}: ${from} may import only ${only.join(', ')}`;
  }
  const a = place(from);
  const b = place(to);
  if (typeof a === 'string') return a;
  if (typeof b === 'string') return `${from} → ${to}: ${b}`;
  if (a.tree !== b.tree) return `${from} → ${to}: crosses from ${a.tree}/ into ${b.tree}/`;
  if (a.folder === b.folder) return null;
  if (b.rank < a.rank) return null;
  const kind = b.rank === a.rank ? 'sibling layers' : 'upward';
  const name = (p: Place) => p.folder || `${p.tree} root`;
  return `${from} → ${to}: ${kind} import (${name(a)} → ${name(b)})`;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  let entries;
  try { entries = readdirSync(join(root, dir), { withFileTypes: true }); } catch { return out; }
  for (const e of entries) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sources(p));
    else if (/\.(ts|mts|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Specifiers of every static `import … from`, side-effect `import '…'` and `export … from`. */
export function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const re = /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?(?:[\w*${}\s,]*?\s*from\s*)?['"]([^'"]+)['"]/g;
  return [...code.matchAll(re)].map((m) => m[1]);
}

/** A relative specifier → repo-relative target path ('.js' in host imports maps to '.ts'). */
function resolveImport(from: string, spec: string): string {
  let p = normalize(join(dirname(from), spec)).split('\\').join('/');
  if (/\.m?js$/.test(p)) p = p.replace(/\.(m?)js$/, '.$1ts');
  else if (!/\.m?ts$/.test(p)) p += '.ts';
  return p;
}

/** Checks every relative import edge in assembly/ and host/; returns the edge count too. */
function scan(): { edges: number; violations: string[] } {
  const out: string[] = [];
  let edges = 0;
  for (const file of [...sources('assembly'), ...sources('host')]) {
    for (const spec of importsOf(readFileSync(join(root, file), 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      edges++;
      const target = resolveImport(file, spec);
      if (relative(root, join(root, target)).startsWith('..')) {
        out.push(`${file} → ${spec}: leaves the repository`);
        continue;
      }
      const why = checkEdge(file, target);
      if (why) out.push(why);
    }
  }
  return { edges, violations: out };
}

describe('layers: imports follow DESIGN.md', () => {
  it('no file in assembly/ or host/ imports a layer to its right', () => {
    const { edges, violations } = scan();
    expect(violations).toEqual([]);
    expect(edges).toBeGreaterThan(0); // the scan saw the tree (a vacuous pass would hide rot)
  });

  it('the checker rejects bad edges (it can fail)', () => {
    const bad: [string, string][] = [
      ['assembly/ip/ip_input.ts', 'assembly/tcp/tcp_ipv4.ts'], // ip must not import tcp
      ['assembly/tcp/tcp_input.ts', 'assembly/udp/udp.ts'], // siblings
      ['assembly/udp/udp.ts', 'assembly/tcp/tcp_ipv4.ts'],
      ['assembly/core/sock.ts', 'assembly/sys/eventpoll.ts'], // wake-ups go via wait entries
      ['assembly/lib/list.ts', 'assembly/abi/errno.ts'], // lib imports nothing outside lib
      ['assembly/sys/fdtable.ts', 'assembly/index.ts'],
      ['assembly/lib_exports.ts', 'assembly/abi/errno.ts'], // lib_exports: lib/ only
      ['assembly/core/skbuff.ts', 'host/abi/constants.ts'], // crosses trees
      ['assembly/frob/x.ts', 'assembly/lib/bytes.ts'], // unknown folder
      ['host/abi/constants.ts', 'host/syscall/errno.ts'],
      ['host/kernel/memory.ts', 'host/syscall/channel.ts'],
      ['host/signal/delivery.ts', 'host/process/process.ts'], // siblings
      ['host/process/process.ts', 'host/signal/sigaction.ts'],
      ['host/rpc/protocol.ts', 'host/index.ts'],
      ['host/process/runtime.ts', 'host/kernel/memory.ts'], // worker code: no kernel memory
      ['host/process/runtime.ts', 'host/syscall/async.ts'],
      ['host/process/runtime.ts', 'host/process/process.ts'],
      ['host/kernel/load.ts', 'assembly/index.ts'],
    ];
    for (const [from, to] of bad) expect(checkEdge(from, to), `${from} → ${to}`).not.toBeNull();
  });

  it('the checker allows downward and same-folder edges', () => {
    const good: [string, string][] = [
      ['assembly/tcp/tcp_input.ts', 'assembly/ip/ip_output.ts'],
      ['assembly/tcp/tcp_input.ts', 'assembly/tcp/tcp_output.ts'],
      ['assembly/sys/eventpoll.ts', 'assembly/core/sock.ts'],
      ['assembly/index.ts', 'assembly/sys/sys_socket.ts'],
      ['assembly/index.ts', 'assembly/lib_exports.ts'],
      ['assembly/lib_exports.ts', 'assembly/lib/bytes.ts'],
      ['assembly/abi/nic.ts', 'assembly/lib/ring.ts'],
      ['host/syscall/errno.ts', 'host/abi/constants.ts'],
      ['host/process/process.ts', 'host/kernel/exports.ts'],
      ['host/process/runtime.ts', 'host/syscall/channel.ts'],
      ['host/process/runtime.ts', 'host/syscall/sys.ts'],
      ['host/process/runtime.ts', 'host/abi/constants.ts'],
      ['host/index.ts', 'host/tools/pcap.ts'],
    ];
    for (const [from, to] of good) expect(checkEdge(from, to), `${from} → ${to}`).toBeNull();
  });

  it('finds imports in every form the tree uses', () => {
    const text = [
      "import { a } from './a';",
      'import type { B } from "../b.js";',
      'import {\n  c,\n  d,\n} from "./c";',
      "import * as e from './e';",
      "import './side-effect';",
      "export { f } from './f';",
      "export * from './g';",
      "// import { x } from './commented';",
      "/* import { y } from './block'; */",
      "const s = 'import nothing';",
    ].join('\n');
    expect(importsOf(text)).toEqual(['./a', '../b.js', './c', './e', './side-effect', './f', './g']);
  });
});
