// Generates host/abi/constants.ts, the host's mirror of the ABI numbers declared once in
// assembly/abi/*.ts (DESIGN.md: "declared once in abi/; the host mirror is generated").
// It reads every `export const NAME: <int type> = <expr>;` line and evaluates <expr> itself
// with AssemblyScript's 32-bit integer semantics: a small parser over literals, names and
// operators, never eval(). The output is rewritten only when its text changes, so that the
// build's mtime checks stay quiet. test/arch/abi.test.ts re-runs parse + render and checks
// the committed file against it and against the values asc computes.
//
//   node scripts/gen-abi.mjs            write host/abi/constants.ts if it changed
//   node scripts/gen-abi.mjs --check    exit 1 if host/abi/constants.ts is stale
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ABI_DIR = join(root, 'assembly', 'abi');
export const OUT_FILE = join(root, 'host', 'abi', 'constants.ts');

/** Name of the per-file group object in constants.ts; default is `<camelStem>Abi`. */
const GROUP_NAMES = { errno: 'errnos', tcp_states: 'tcpStates' };
/**
 * Files whose names make up the public `constants` object (API.md): the Linux ABI, under
 * Linux's names. Any other file (kstack-internal codes such as syscall.ts, shared-memory
 * layouts such as nic.ts) is mirrored too, but stays out of `constants` unless listed here.
 */
export const PUBLIC_FILES = new Set([
  'epoll', 'errno', 'fcntl', 'in', 'ioctl', 'poll', 'resource', 'signal', 'socket', 'tcp', 'tcp_states',
]);
const isInternalName = (name) => name.startsWith('KSTACK_');

/** Integer types a declaration may use: wasm32, so usize/isize are 32-bit. */
const TYPES = {
  i32: { signed: true, wrap: (v) => v | 0 },
  isize: { signed: true, wrap: (v) => v | 0 },
  u32: { signed: false, wrap: (v) => v >>> 0 },
  usize: { signed: false, wrap: (v) => v >>> 0 },
  u16: { signed: false, wrap: (v) => v & 0xffff },
  u8: { signed: false, wrap: (v) => v & 0xff },
};

export function groupName(stem) {
  return GROUP_NAMES[stem] ?? stem.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase()) + 'Abi';
}

// One declaration per line, optionally decorated: `@inline export const X: i32 = 1 << 5;`
const DECL = /^\s*(?:@inline\s+)?export\s+const\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([a-z0-9]+)\s*=\s*(.+?)\s*;\s*(?:\/\/.*)?$/;

/** Splits an expression into number, name and operator tokens; throws on anything else. */
function tokenize(src) {
  const re = /\s*(?:(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)|([A-Za-z_][A-Za-z0-9_]*)|(>>>|<<|>>|[-+~*/%&|^()]))/y;
  const out = [];
  let i = 0;
  while (i < src.length) {
    if (/^\s*$/.test(src.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(src);
    if (!m) throw new Error(`unsupported text at "${src.slice(i)}"`);
    if (m[1] !== undefined) out.push({ k: 'num', v: m[1].replace(/_/g, '') });
    else if (m[2] !== undefined) out.push({ k: 'name', v: m[2] });
    else out.push({ k: 'op', v: m[3] });
    i = re.lastIndex;
  }
  return out;
}

/** Literal text → number; the value must fit 32 bits as asc would accept it for an int. */
function literal(text) {
  const big = BigInt(text.replace(/^0[oO]/, '0o').replace(/^0[xX]/, '0x').replace(/^0[bB]/, '0b'));
  if (big > 0xffffffffn) throw new Error(`literal ${text} does not fit 32 bits`);
  return Number(big);
}

// Binary operators by precedence, lowest first (JavaScript/AssemblyScript order).
const LEVELS = [['|'], ['^'], ['&'], ['<<', '>>', '>>>'], ['+', '-'], ['*', '/', '%']];

/**
 * Evaluates an expression with 32-bit wrapping semantics. `lookup(name)` returns the 32-bit
 * value of another declaration. `signed` chooses arithmetic (`>>`, `/`, `%`) as asc does for
 * the declared type.
 */
export function evaluate(src, lookup, signed = true) {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const s32 = (v) => (signed ? v | 0 : v >>> 0);
  function binary(level) {
    if (level === LEVELS.length) return unary();
    let left = binary(level + 1);
    while (peek()?.k === 'op' && LEVELS[level].includes(peek().v)) {
      const op = toks[p++].v;
      const right = binary(level + 1);
      left = apply(op, left, right);
    }
    return left;
  }
  function apply(op, a, b) {
    switch (op) {
      case '|': return s32(a | b);
      case '^': return s32(a ^ b);
      case '&': return s32(a & b);
      case '<<': return s32(a << b);
      case '>>': return signed ? (a | 0) >> b : (a >>> 0) >>> b;
      case '>>>': return s32((a >>> 0) >>> b);
      case '+': return s32(a + b);
      case '-': return s32(a - b);
      case '*': return s32(Math.imul(a, b));
      case '/':
      case '%': {
        if ((b | 0) === 0) throw new Error('division by zero');
        const [x, y] = signed ? [a | 0, b | 0] : [a >>> 0, b >>> 0];
        return s32(op === '/' ? Math.trunc(x / y) : x % y);
      }
    }
    throw new Error(`operator ${op}`);
  }
  function unary() {
    const t = toks[p++];
    if (!t) throw new Error('expression ends early');
    if (t.k === 'op' && t.v === '-') return s32(-unary());
    if (t.k === 'op' && t.v === '+') return s32(unary());
    if (t.k === 'op' && t.v === '~') return s32(~unary());
    if (t.k === 'op' && t.v === '(') {
      const v = binary(0);
      if (toks[p++]?.v !== ')') throw new Error('missing )');
      return v;
    }
    if (t.k === 'num') return s32(literal(t.v));
    if (t.k === 'name') return s32(lookup(t.v));
    throw new Error(`unexpected "${t.v}"`);
  }
  const v = binary(0);
  if (p !== toks.length) throw new Error(`unexpected "${toks[p].v}"`);
  return v;
}

/**
 * Reads every assembly/abi/*.ts. Returns the files in name order, each with its group name,
 * whether it is public (in `constants`) and its declarations
 * `{ name, type, expr, value, line }`. Throws (with file:line) on a duplicate name, an
 * unsupported type or expression, an unknown or cyclic reference, or an `export const`
 * that is not one whole declaration on one line.
 */
export function parseAbi(dir = ABI_DIR) {
  const files = [];
  const decls = new Map();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts')).sort()) {
    const stem = f.slice(0, -3);
    const file = { stem, file: f, group: groupName(stem), public: PUBLIC_FILES.has(stem) };
    file.decls = [];
    readFileSync(join(dir, f), 'utf8').split('\n').forEach((text, i) => {
      const where = `assembly/abi/${f}:${i + 1}`;
      const code = text.replace(/^\s*\/\/.*$/, '');
      if (!/\bexport\s+const\b/.test(code)) return;
      const m = DECL.exec(code);
      if (!m) throw new Error(`${where}: not a one-line \`export const NAME: <int> = <expr>;\``);
      const [, name, type, expr] = m;
      if (!TYPES[type]) throw new Error(`${where}: ${name}: type ${type} is not a 32-bit integer`);
      if (decls.has(name)) {
        throw new Error(`${where}: ${name} already declared at ${decls.get(name).where}`);
      }
      const d = { name, type, expr, value: undefined, line: i + 1, where, state: 0 };
      decls.set(name, d);
      file.decls.push(d);
    });
    files.push(file);
  }
  const resolveDecl = (d) => {
    if (d.state === 2) return d.value;
    if (d.state === 1) throw new Error(`${d.where}: ${d.name} is part of a reference cycle`);
    d.state = 1;
    const t = TYPES[d.type];
    try {
      d.value = t.wrap(
        evaluate(d.expr, (n) => {
          const ref = decls.get(n);
          if (!ref) throw new Error(`unknown name ${n}`);
          return resolveDecl(ref);
        }, t.signed),
      );
    } catch (e) {
      if (String(e.message).startsWith('assembly/abi/')) throw e;
      throw new Error(`${d.where}: ${d.name} = ${d.expr}: ${e.message}`);
    }
    d.state = 2;
    return d.value;
  };
  for (const d of decls.values()) resolveDecl(d);
  for (const d of decls.values()) delete d.state;
  return files;
}

/** The text of host/abi/constants.ts for parsed files. */
export function renderConstants(files) {
  const L = [
    '// GENERATED by scripts/gen-abi.mjs from assembly/abi/*.ts: do not edit. Run',
    '// `node scripts/gen-abi.mjs` (or the build) after changing a number there;',
    '// test/arch/abi.test.ts fails while this file is stale.',
    '//',
    '// Named exports for every declaration; one frozen object per source file (errno.ts →',
    '// `errnos`, tcp_states.ts → `tcpStates`, foo_bar.ts → `fooBarAbi`); and `constants`,',
    '// every name of the Linux ABI files:',
    `//   ${[...PUBLIC_FILES].map((s) => s + '.ts').join(' ')}`,
    '// kstack-internal codes and layouts (KSTACK_*, any other file) stay out of it.',
    '',
  ];
  const pub = [];
  for (const f of files) {
    L.push(`// assembly/abi/${f.file}`);
    for (const d of f.decls) {
      const plain = /^-?[0-9]+$/.test(d.expr) && Number(d.expr) === d.value;
      L.push(`export const ${d.name} = ${d.value};${plain ? '' : ` // ${d.expr}`}`);
      if (f.public && !isInternalName(d.name)) pub.push(d.name);
    }
    L.push(`export const ${f.group} = Object.freeze({`);
    for (const d of f.decls) L.push(`  ${d.name},`);
    L.push('} as const);', '');
  }
  L.push('/** Every public ABI number under its Linux C name (API.md, `constants`). */');
  L.push('export const constants = Object.freeze({');
  for (const n of pub) L.push(`  ${n},`);
  L.push('} as const);', '', 'export type ConstantName = keyof typeof constants;', '');
  return L.join('\n');
}

/** Regenerates OUT_FILE; returns true when it was (re)written. */
export function generate({ check = false } = {}) {
  const text = renderConstants(parseAbi());
  const old = existsSync(OUT_FILE) ? readFileSync(OUT_FILE, 'utf8') : null;
  if (old === text) return false;
  if (check) throw new Error('host/abi/constants.ts is stale: run node scripts/gen-abi.mjs');
  mkdirSync(dirname(OUT_FILE), { recursive: true });
  writeFileSync(OUT_FILE, text);
  return true;
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  try {
    const wrote = generate({ check: process.argv.includes('--check') });
    if (wrote) console.log('gen-abi: wrote host/abi/constants.ts');
  } catch (e) {
    console.error(`gen-abi: ${e.message}`);
    process.exit(1);
  }
}
