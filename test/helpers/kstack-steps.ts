// The kstack half of the differential tests: interprets the step language documented in
// test/helpers/linux.ts on a kstack host, through the public API in /work/shared/API.md,
// and records results in exactly the shape linuxRun() records them.

import { ERRNO_ALIASES, type Arg, type LinuxCase, type LinuxResult, type StepResult } from './linux.js';

// Minimal shape of the built package (build/host/index.js) this file relies on. It is
// imported dynamically so that this file type-checks, and the Linux half of the tests
// still runs, before the package is built.
interface Addr {
  addr: string;
  port: number;
  family?: number;
}
interface Sys {
  socket(domain: number, type: number, protocol: number): Promise<number>;
  bind(fd: number, addr: Addr): Promise<number>;
  connect(fd: number, addr: Addr): Promise<number>;
  listen(fd: number, backlog: number): Promise<number>;
  accept(fd: number, flags?: number): Promise<number>;
  send(fd: number, data: Uint8Array | string, flags?: number): Promise<number>;
  sendto(fd: number, data: Uint8Array | string, flags: number, addr: Addr | undefined): Promise<number>;
  recv(fd: number, buf: Uint8Array, flags?: number): Promise<number>;
  recvfrom(fd: number, buf: Uint8Array, flags: number): Promise<{ n: number; addr: Addr } | number>;
  getsockname(fd: number): Promise<Addr | number>;
  getpeername(fd: number): Promise<Addr | number>;
  setsockopt(fd: number, level: number, name: number, value: number | { onoff: number; linger: number } | string): Promise<number>;
  getsockopt(fd: number, level: number, name: number): Promise<unknown>;
  fcntl(fd: number, cmd: number, arg?: number): Promise<number>;
  ioctl(fd: number, request: number): Promise<number>;
  shutdown(fd: number, how: number): Promise<number>;
  close(fd: number): Promise<number>;
  nanosleep(ms: number): Promise<number>;
  epoll_create1(flags: number): Promise<number>;
  epoll_ctl(epfd: number, op: number, fd: number, event?: { events: number; data?: number }): Promise<number>;
  epoll_wait(epfd: number, maxevents: number, timeoutMs: number): Promise<{ events: number; data: number }[] | number>;
  poll(fds: { fd: number; events: number; revents?: number }[], timeoutMs: number): Promise<number>;
  select(r: number[], w: number[], x: number[], timeoutMs?: number | null): Promise<{ n: number; readfds: number[]; writefds: number[]; exceptfds: number[] } | number>;
}
interface Proc {
  pid: number;
  exited: Promise<{ code?: number; signal?: number }>;
}
interface Host {
  spawn(fn: (sys: Sys) => Promise<unknown>, opts?: { name?: string }): Proc;
  sysctl(name: string, value?: string | number): unknown;
  counters(): Record<string, Record<string, number>>;
}
interface Net {
  addHost(opts: { name: string; ip: string }): Host;
  run(opts: { untilMs?: number; untilIdle?: boolean }): Promise<void>;
}
interface KstackModule {
  Network: { create(opts: { clock?: string; seed?: number; engine?: string }): Promise<Net> };
  constants: Record<string, number>;
  errnoName(errno: number): string | undefined;
}

let modPromise: Promise<KstackModule> | undefined;
export function loadKstack(): Promise<KstackModule> {
  const url = new URL('../../build/host/index.js', import.meta.url).href;
  modPromise ??= import(url) as Promise<KstackModule>;
  return modPromise;
}

// Linux x86-64 values, used only for names the package's `constants` does not export
// (API.md lists families of names, e.g. `SO_*`, `F_*`, not every one). The differential
// test separately checks that every name `constants` does export equals this machine's.
export const LINUX_FALLBACK: Record<string, number> = {
  AF_UNSPEC: 0,
  AF_INET: 2,
  SOCK_STREAM: 1,
  SOCK_DGRAM: 2,
  SOCK_NONBLOCK: 0o4000,
  SOCK_CLOEXEC: 0o2000000,
  IPPROTO_IP: 0,
  IPPROTO_TCP: 6,
  IPPROTO_UDP: 17,
  SOL_SOCKET: 1,
  SO_REUSEADDR: 2,
  SO_TYPE: 3,
  SO_ERROR: 4,
  SO_BROADCAST: 6,
  SO_SNDBUF: 7,
  SO_RCVBUF: 8,
  SO_LINGER: 13,
  SO_RCVLOWAT: 18,
  SO_SNDLOWAT: 19,
  SO_REUSEPORT: 15,
  SO_ACCEPTCONN: 30,
  SO_PROTOCOL: 38,
  SO_DOMAIN: 39,
  IP_TTL: 2,
  MSG_PEEK: 2,
  MSG_TRUNC: 0x20,
  MSG_DONTWAIT: 0x40,
  MSG_NOSIGNAL: 0x4000,
  O_RDWR: 2,
  O_NONBLOCK: 0o4000,
  F_GETFD: 1,
  F_SETFD: 2,
  F_GETFL: 3,
  F_SETFL: 4,
  FD_CLOEXEC: 1,
  FIONREAD: 0x541b,
  SIOCINQ: 0x541b,
  SIOCOUTQ: 0x5411,
  SHUT_RD: 0,
  SHUT_WR: 1,
  SHUT_RDWR: 2,
};

export interface KstackRunOptions {
  /** 'wasm' or 'js'; defaults to $KSTACK_ENGINE, then 'wasm'. */
  engine?: string;
  /** Address of the single host (the cases themselves use 127.0.0.1). */
  hostIp?: string;
  seed?: number;
  /** Sysctls set on the host before the case runs (linuxRun's `sysctls` twin). */
  sysctls?: Record<string, string | number>;
}

function payload(d: Arg): Uint8Array {
  if (typeof d === 'number') {
    const b = new Uint8Array(d);
    for (let i = 0; i < d; i++) b[i] = (i * 7 + 3) & 0xff;
    return b;
  }
  const b = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i++) b[i] = d.charCodeAt(i) & 0xff;
  return b;
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += String.fromCharCode(c);
  return s;
}

/** Runs each case on a fresh network holding one host, one process per case. */
export async function kstackRun(cases: LinuxCase[], opts: KstackRunOptions = {}): Promise<LinuxResult[]> {
  const out: LinuxResult[] = [];
  for (const c of cases) out.push(await runOne(c, opts));
  return out;
}

async function runOne(c: LinuxCase, opts: KstackRunOptions): Promise<LinuxResult> {
  const { Network, constants: C, errnoName } = await loadKstack();
  const net = await Network.create({
    clock: 'virtual',
    seed: opts.seed ?? 1,
    engine: opts.engine ?? process.env.KSTACK_ENGINE ?? 'wasm',
  });
  const h = net.addHost({ name: 'h', ip: opts.hostIp ?? '10.0.0.1' });
  // Run-wide sysctls (opts), then the case's own (linuxRun does the same on Linux).
  for (const [k, v] of Object.entries({ ...(opts.sysctls ?? {}), ...(c.sysctls ?? {}) })) h.sysctl(k, v);

  // Sysctls a getsockopt step divides by, read on the host before the process starts.
  // kstack's defaults must be Linux's (net.core.rmem_max = wmem_max = 212992); if the
  // host cannot report one, that default stands in.
  const SYSCTL_DEFAULTS: Record<string, number> = { 'net.core.rmem_max': 212992, 'net.core.wmem_max': 212992 };
  const sysctls: Record<string, number> = {};
  for (const s of c.steps) {
    if (s[0] === 'getsockopt' && s.length > 4) {
      const name = String(s[4]);
      let v: number;
      try {
        v = Number(String(h.sysctl(name)).trim().split(/\s+/)[0]);
      } catch {
        v = NaN;
      }
      sysctls[name] = Number.isFinite(v) && v > 0 ? v : SYSCTL_DEFAULTS[name];
    }
  }

  const konst = (v: Arg): number => {
    if (typeof v === 'number') return v;
    let total = 0;
    for (const part of v.split('|').map((p) => p.trim())) {
      const n = /^\d+$/.test(part) ? Number(part) : (C[part] ?? LINUX_FALLBACK[part]);
      if (n === undefined) throw new Error(`unknown constant ${part}`);
      total |= n;
    }
    return total;
  };
  const err = (r: number): string => {
    const name = errnoName(-r) ?? `E${-r}`;
    return '-' + (ERRNO_ALIASES[name] ?? name);
  };
  const num = (r: number): StepResult => (r < 0 ? err(r) : r);

  const fds = new Map<string, number>();
  const ports = new Map<number, string>();
  const lastPort = new Map<string, number>();
  const portArg = (p: Arg): number =>
    typeof p === 'string' && p.startsWith('$portof:') ? lastPort.get(p.slice(8))! : Number(p);
  const fmt = (a: Addr): string => {
    if (a.port === 0) return `${a.addr}:0`;
    const n = ports.get(a.port);
    return n !== undefined ? `${a.addr}:$${n}` : `${a.addr}:${a.port}`;
  };

  // The counters a 'netstat' step reports the growth of, as the case begins.
  const base = h.counters();
  const results: LinuxResult = [];
  let done = false;
  let failure: unknown;
  let at = 0;

  const proc = h.spawn(
    async (sys) => {
      const fdOf = (n: Arg): number => {
        const fd = fds.get(String(n));
        if (fd === undefined) throw new Error(`no socket named ${n}`);
        return fd;
      };
      const learn = async (n: string) => {
        const fd = fds.get(n);
        if (fd === undefined) return;
        const a = await sys.getsockname(fd);
        if (typeof a === 'object' && a.port) {
          lastPort.set(n, a.port);
          if (!ports.has(a.port)) ports.set(a.port, n);
        }
      };
      const step = async (s: (Arg)[]): Promise<StepResult> => {
        const op = s[0];
        switch (op) {
          case 'sleep':
            await sys.nanosleep(Number(s[1]));
            return 0;
          case 'netstat': {
            const [g, n] = [String(s[1]), String(s[2])];
            const v = h.counters()[g]?.[n];
            if (v === undefined) throw new Error(`no counter ${g} ${n}`);
            return v - (base[g]?.[n] ?? 0);
          }
          case 'socket': {
            const fd = await sys.socket(konst(s[2]), konst(s[3]), konst(s[4]));
            if (fd < 0) return err(fd);
            fds.set(String(s[1]), fd);
            return 'fd';
          }
          case 'badfd':
            fds.set(String(s[1]), Number(s[2]));
            return 0;
          case 'epoll_create': {
            const fd = await sys.epoll_create1(konst(s[2]));
            if (fd < 0) return err(fd);
            fds.set(String(s[1]), fd);
            return 'fd';
          }
          case 'poll': {
            const spec = String(s[1]).split(',').filter(Boolean).map((x) => x.split(':'));
            const pfds = spec.map(([n, ev]) => ({ fd: fdOf(n), events: konst(ev) }));
            const r = await sys.poll(pfds, Number(s[2]));
            if (r < 0) return err(r);
            return [String(r), ...spec.map(([n], i) => `${n}=0x${(pfds[i] as { revents?: number }).revents!.toString(16)}`)].join(' ');
          }
          case 'select': {
            const lists = [s[1], s[2], s[3]].map((l) => String(l).split(',').filter(Boolean));
            const r = await sys.select(lists[0].map(fdOf), lists[1].map(fdOf), lists[2].map(fdOf), Number(s[4]));
            if (typeof r === 'number') return err(r);
            const got = [r.readfds, r.writefds, r.exceptfds];
            const names = lists.map((l, i) => l.filter((n) => got[i].includes(fdOf(n))).join(','));
            return `${r.n} r=${names[0]} w=${names[1]} x=${names[2]}`;
          }
        }
        const fd = fdOf(s[1]);
        switch (op) {
          case 'close':
            return num(await sys.close(fd));
          case 'bind':
            return num(await sys.bind(fd, { addr: String(s[2]), port: portArg(s[3]) }));
          case 'connect':
            if (s[2] === 'AF_UNSPEC') {
              // connect(2) with sa_family = AF_UNSPEC: API.md addresses carry no family, so
              // this test asks for one with a `family` field.
              return num(await sys.connect(fd, { family: konst('AF_UNSPEC'), addr: '0.0.0.0', port: 0 }));
            }
            return num(await sys.connect(fd, { addr: String(s[2]), port: portArg(s[3]) }));
          case 'listen':
            return num(await sys.listen(fd, Number(s[2])));
          case 'accept': {
            const r = await sys.accept(fd);
            if (r < 0) return err(r);
            if (s.length > 2) fds.set(String(s[2]), r);
            else await sys.close(r);
            return 'fd';
          }
          case 'fill': {
            const data = payload(s[2]);
            const dontwait = konst('MSG_DONTWAIT');
            let total = 0;
            for (;;) {
              let got = 0;
              for (;;) {
                const r = await sys.send(fd, data, dontwait);
                if (r < 0) {
                  if (err(r) !== '-EAGAIN') return err(r);
                  break;
                }
                got += r;
              }
              total += got;
              if (got === 0) return total;
              await sys.nanosleep(300);
            }
          }
          case 'send':
            return num(await sys.send(fd, payload(s[2]), konst(s[3])));
          case 'sendto':
            if (s.length <= 4) return num(await sys.sendto(fd, payload(s[2]), konst(s[3]), undefined));
            return num(await sys.sendto(fd, payload(s[2]), konst(s[3]), { addr: String(s[4]), port: portArg(s[5]) }));
          case 'recv':
            return num(await sys.recv(fd, new Uint8Array(Number(s[2])), konst(s[3])));
          case 'recvtext': {
            const buf = new Uint8Array(Number(s[2]));
            const r = await sys.recv(fd, buf, konst(s[3]));
            return r < 0 ? err(r) : latin1(buf.subarray(0, Math.min(r, buf.length)));
          }
          case 'recvfrom': {
            const r = await sys.recvfrom(fd, new Uint8Array(Number(s[2])), konst(s[3]));
            return typeof r === 'number' ? err(r) : { n: r.n, addr: fmt(r.addr) };
          }
          case 'portparity': {
            const r = await sys.getsockname(fd);
            return typeof r === 'number' ? err(r) : r.port % 2 ? 'odd' : 'even';
          }
          case 'getsockname':
          case 'getpeername': {
            const r = op === 'getsockname' ? await sys.getsockname(fd) : await sys.getpeername(fd);
            return typeof r === 'number' ? err(r) : fmt(r);
          }
          case 'setsockopt':
            return num(await sys.setsockopt(fd, konst(s[2]), konst(s[3]), Number(s[4])));
          case 'getsockopt': {
            const r = await sys.getsockopt(fd, konst(s[2]), konst(s[3]));
            if (typeof r !== 'number') return `unexpected ${JSON.stringify(r)}`;
            if (r < 0) return err(r);
            return s.length > 4 ? r / sysctls[String(s[4])] : r;
          }
          case 'setcc':
            return num(await sys.setsockopt(fd, konst('IPPROTO_TCP'), konst('TCP_CONGESTION'), String(s[2])));
          case 'getcc': {
            const r = await sys.getsockopt(fd, konst('IPPROTO_TCP'), konst('TCP_CONGESTION'));
            return typeof r === 'number' ? err(r) : String(r);
          }
          case 'setlinger':
            return num(await sys.setsockopt(fd, konst('SOL_SOCKET'), konst('SO_LINGER'), { onoff: Number(s[2]), linger: Number(s[3]) }));
          case 'getlinger': {
            const r = await sys.getsockopt(fd, konst('SOL_SOCKET'), konst('SO_LINGER'));
            if (typeof r === 'number') return err(r);
            const l = r as { onoff: number; linger: number };
            return `${l.onoff},${l.linger}`;
          }
          case 'fcntl':
            return num(
              s.length > 3 ? await sys.fcntl(fd, konst(s[2]), konst(s[3])) : await sys.fcntl(fd, konst(s[2])),
            );
          case 'ioctl':
            return num(await sys.ioctl(fd, konst(s[2])));
          case 'shutdown':
            return num(await sys.shutdown(fd, konst(s[2])));
          case 'epoll_ctl':
            return num(await sys.epoll_ctl(fd, konst(s[2]), fdOf(s[3]), { events: s.length > 4 ? konst(s[4]) : 0, data: s.length > 5 ? Number(s[5]) : 0 }));
          case 'epoll_wait': {
            const r = await sys.epoll_wait(fd, Number(s[2]), Number(s[3]));
            if (typeof r === 'number') return err(r);
            return r.map((e) => `${e.data}:0x${(e.events >>> 0).toString(16)}`).join(' ');
          }
        }
        throw new Error(`unknown step ${op}`);
      };
      try {
        for (const s of c.steps) {
          results.push(await step(s));
          at++;
          if (['bind', 'connect', 'send', 'sendto', 'listen', 'socket'].includes(s[0])) await learn(String(s[1]));
          if (s[0] === 'accept' && s.length > 2) await learn(String(s[2]));
        }
      } catch (e) {
        failure = e;
      }
      done = true;
      return 0;
    },
    { name: c.name.slice(0, 15) },
  );

  await net.run({ untilIdle: true });
  if (!done) {
    // The network went idle with the process still inside a syscall: kstack blocked where
    // Linux answered (every step of these cases returns at once on Linux).
    throw new Error(`case "${c.name}": blocked in step ${at} ${JSON.stringify(c.steps[at])}; results so far ${JSON.stringify(results)}`);
  }
  await proc.exited;
  if (failure) throw failure;
  return results;
}
