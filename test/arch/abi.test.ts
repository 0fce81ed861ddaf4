// The ABI numbers are declared once, in assembly/abi/*.ts (DESIGN.md rule 5, anti-pattern 5).
// These tests hold the three copies together:
//   1. host/abi/constants.ts is exactly what scripts/gen-abi.mjs renders now (not stale);
//   2. the values gen-abi.mjs computed equal the values asc itself folds the same
//      declarations to (an independent evaluator: the real compiler);
//   3. every name this machine's Python also knows (errno, socket, signal, select, fcntl,
//      os, termios modules, i.e. glibc + Linux headers) has the same number, and
//      strerror() matches os.strerror().
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import asc from 'assemblyscript/asc';
import { describe, expect, it } from 'vitest';
import * as mirror from '../../host/abi/constants.js';
import { constants, errnos } from '../../host/abi/constants.js';
import { errnoName, strerror } from '../../host/syscall/errno.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface AbiDecl { name: string; type: string; expr: string; value: number; line: number }
interface AbiFile { stem: string; file: string; group: string; public: boolean; decls: AbiDecl[] }
interface GenAbi {
  OUT_FILE: string;
  parseAbi(dir?: string): AbiFile[];
  renderConstants(files: AbiFile[]): string;
  evaluate(src: string, lookup: (name: string) => number, signed?: boolean): number;
}
// A .mjs script without type declarations: import it through a URL so tsc leaves it alone.
const gen = (await import(pathToFileURL(join(root, 'scripts', 'gen-abi.mjs')).href)) as GenAbi;
const files = gen.parseAbi();
const decls = files.flatMap((f) => f.decls);
const declared = new Map(decls.map((d) => [d.name, d.value]));

describe('abi: host mirror of assembly/abi', () => {
  it('host/abi/constants.ts is up to date with assembly/abi (run node scripts/gen-abi.mjs)', () => {
    expect(readFileSync(gen.OUT_FILE, 'utf8')).toBe(gen.renderConstants(files));
  });

  it('every kernel declaration is exported by the host mirror with the same value', () => {
    const m = mirror as unknown as Record<string, unknown>;
    for (const d of decls) expect([d.name, m[d.name]]).toEqual([d.name, d.value]);
    const numeric = Object.keys(m).filter((k) => typeof m[k] === 'number');
    expect(numeric.sort()).toEqual([...declared.keys()].sort());
  });

  it('per-file groups hold exactly their file, and `constants` every public name', () => {
    const m = mirror as unknown as Record<string, Record<string, number>>;
    for (const f of files) expect(Object.keys(m[f.group])).toEqual(f.decls.map((d) => d.name));
    const pub = files
      .filter((f) => f.public)
      .flatMap((f) => f.decls.map((d) => d.name))
      .filter((n) => !n.startsWith('KSTACK_'));
    const linux = ['errno', 'socket', 'in', 'tcp', 'tcp_states', 'epoll', 'poll', 'signal', 'fcntl', 'ioctl'];
    for (const stem of linux) {
      expect(files.find((f) => f.stem === stem)?.public, stem).toBe(true);
    }
    expect(Object.keys(constants)).toEqual(pub);
    expect(Object.isFrozen(constants)).toBe(true);
    expect('KSTACK_EBLOCK' in constants).toBe(false);
    expect(mirror.KSTACK_EBLOCK).toBe(-1000);
  });

  it('asc folds every declaration to the value gen-abi.mjs computed', async () => {
    // An entry that imports every name and stores it to memory at 4 * index. It also proves
    // that assembly/abi compiles (an abi file compiled directly as an entry would export
    // its @inline consts, which crashes asc 0.28; importing them is how the kernel uses them).
    const imports = files
      .filter((f) => f.decls.length)
      .map((f) =>
        `import { ${f.decls.map((d) => d.name).join(', ')} } from './assembly/abi/${f.stem}';`);
    const stores = decls.map((d, i) => `  store<i32>(${i * 4}, ${d.name});`);
    const entry = `${imports.join('\n')}\nexport function fill(): void {\n${stores.join('\n')}\n}\n`;
    const out: { binary?: Uint8Array } = {};
    const errors: string[] = [];
    const res = await asc.main(
      ['abi_check.ts', '--runtime', 'stub', '--initialMemory', '1', '--outFile', 'abi_check.wasm', '--baseDir', root],
      {
        readFile: (name, baseDir) => {
          if (name === 'abi_check.ts') return entry;
          if (name.endsWith('asconfig.json')) return null; // not the kernel's build config
          try { return readFileSync(join(baseDir, name), 'utf8'); } catch { return null; }
        },
        writeFile: (_name, contents) => { if (typeof contents !== 'string') out.binary = contents; },
        listFiles: () => [],
        stdout: { write: () => true } as never,
        stderr: { write: (s: string) => (errors.push(String(s)), true) } as never,
      },
    );
    expect(res.error, errors.join('')).toBeNull();
    expect(out.binary).toBeDefined();
    const module = new WebAssembly.Module(new Uint8Array(out.binary!));
    const instance = new WebAssembly.Instance(module, { env: { abort() {} } });
    (instance.exports.fill as () => void)();
    const mem = new Int32Array((instance.exports.memory as WebAssembly.Memory).buffer);
    const fromAsc = decls.map((d, i) => [d.name, mem[i]]);
    expect(fromAsc).toEqual(decls.map((d) => [d.name, d.value | 0]));
  });

  it('gen-abi evaluates literals, shifts and names with i32 wrap-around, and rejects the rest', () => {
    const names: Record<string, number> = { A: 3 };
    const ev = (s: string) => gen.evaluate(s, (n) => { if (!(n in names)) throw new Error(n); return names[n]; });
    expect(ev('0o2000000')).toBe(524288);
    expect(ev('0x541B')).toBe(0x541b);
    expect(ev('1 << 31')).toBe(-2147483648);
    expect(ev('0x80000000')).toBe(-2147483648);
    expect(ev('~0')).toBe(-1);
    expect(ev('-1000')).toBe(-1000);
    expect(ev('1 << A | 1')).toBe(9);
    expect(ev('(A + 1) * 2 - 1')).toBe(7);
    expect(() => ev('B')).toThrow();
    expect(() => ev('eval("1")')).toThrow();
    expect(() => ev('0x100000000')).toThrow();
    expect(() => ev('1 +')).toThrow();
  });
});

// ---------------------------------------------------------------------------------------
// Differential check against this machine: Python's modules carry glibc's and the Linux
// headers' numbers. Run once; every name both sides know must agree (compared as i32, since
// the kernel holds EPOLLET, SA_RESETHAND, INADDR_BROADCAST in an i32).
const PY = String.raw`
import errno, fcntl, json, os, select, signal, socket, termios
out = {}
def take(mod, prefixes, skip=()):
    for k in dir(mod):
        if k.startswith(prefixes) and k not in skip:
            v = getattr(mod, k)
            try:
                v = int(v)
            except (TypeError, ValueError):
                continue
            if isinstance(getattr(mod, k), bool):
                continue
            out.setdefault(k, v)
take(errno, ('E',))
take(socket, ('AF_', 'PF_', 'SOCK_', 'SO_', 'SOL_', 'MSG_', 'SHUT_', 'SOMAXCONN', 'IPPROTO_', 'IP_', 'TCP_', 'INADDR_'))
take(signal, ('SIG', 'NSIG', 'SA_'))
take(select, ('EPOLL', 'POLL'))
take(fcntl, ('F_', 'FD_'))
take(os, ('O_',))
take(termios, ('FIO', 'TIOCINQ', 'TIOCOUTQ'))
strerror = {str(i): os.strerror(i) for i in range(0, 134)}
names = {}
for k in dir(errno):
    if k.startswith('E') and isinstance(getattr(errno, k), int):
        names.setdefault(str(getattr(errno, k)), []).append(k)
print(json.dumps({'values': out, 'strerror': strerror, 'errnoNames': names}))
`;

interface PyRef { values: Record<string, number>; strerror: Record<string, string>; errnoNames: Record<string, string[]> }
function runPython(): PyRef | null {
  try {
    return JSON.parse(execFileSync('python3', ['-c', PY], { encoding: 'utf8', timeout: 30_000 })) as PyRef;
  } catch {
    return null;
  }
}
const py = runPython();

describe.skipIf(py === null)('abi: differential against this machine (python3)', () => {
  const ref = py!;

  it('every name both sides know has the same number', () => {
    const both = Object.keys(ref.values).filter((k) => declared.has(k)).sort();
    const mismatches = both
      .filter((k) => (ref.values[k] | 0) !== (declared.get(k)! | 0))
      .map((k) => `${k}: kstack ${declared.get(k)} vs python ${ref.values[k]}`);
    expect(mismatches).toEqual([]);
    // Guard against a vacuous pass (python printing too little): the overlap must be wide
    // and must include one well-known name from each family.
    expect(both.length).toBeGreaterThan(300);
    for (const k of ['EAGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'AF_INET', 'SOCK_NONBLOCK', 'SO_REUSEPORT',
      'SOL_SOCKET', 'MSG_NOSIGNAL', 'IPPROTO_TCP', 'IP_TOS', 'TCP_NODELAY', 'SIGPIPE', 'SIGRTMIN', 'NSIG',
      'EPOLLET', 'EPOLLEXCLUSIVE', 'POLLRDHUP', 'F_SETFL', 'F_DUPFD_CLOEXEC', 'O_NONBLOCK', 'O_CLOEXEC',
      'FIONREAD', 'FIONBIO', 'SOMAXCONN', 'INADDR_LOOPBACK', 'SHUT_RDWR']) {
      expect(both).toContain(k);
    }
  });

  it('every errno 1..133 that Linux defines is declared', () => {
    const missing = Object.entries(ref.errnoNames)
      .flatMap(([n, names]) => (Number(n) >= 1 && Number(n) <= 133 ? names : []))
      .filter((name) => !(name in errnos));
    expect(missing).toEqual([]);
  });

  it('strerror(n) equals os.strerror(n) for 0..133, for n and -n', () => {
    for (let n = 0; n <= 133; n++) {
      expect([n, strerror(n)]).toEqual([n, ref.strerror[String(n)]]);
      expect([n, strerror(-n)]).toEqual([n, ref.strerror[String(n)]]);
    }
  });

  it('errnoName(n) is one of the names python gives that number', () => {
    for (const [n, names] of Object.entries(ref.errnoNames)) {
      if (!names.length || Number(n) > 133) continue;
      expect(names).toContain(errnoName(Number(n)));
    }
  });
});

describe('errno: names and messages', () => {
  it('names an errno by its canonical C name, for n and -n', () => {
    expect(errnoName(11)).toBe('EAGAIN');
    expect(errnoName(-11)).toBe('EAGAIN');
    expect(errnoName(95)).toBe('EOPNOTSUPP');
    expect(errnoName(35)).toBe('EDEADLK');
    expect(errnoName(104)).toBe('ECONNRESET');
    expect(errnoName(133)).toBe('EHWPOISON');
    expect(errnoName(41)).toBe('E?41');
    expect(errnoName(-5000)).toBe('E?5000');
  });

  it("gives glibc's messages", () => {
    expect(strerror(11)).toBe('Resource temporarily unavailable');
    expect(strerror(-104)).toBe('Connection reset by peer');
    expect(strerror(32)).toBe('Broken pipe');
    expect(strerror(0)).toBe('Success');
    expect(strerror(58)).toBe('Unknown error 58');
    expect(strerror(1000)).toBe('Unknown error 1000');
  });
});
