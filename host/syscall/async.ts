// The promise flavour of the syscall API (API.md "Syscalls"): the raw Linux ABI, every
// call resolving to >= 0 or -errno (nothing throws for a bad argument). Each call runs
// the kernel's syscall at once; if the kernel answers KSTACK_EBLOCK the process sleeps
// until its task is woken and the same call is made again (the scheduler does that).
import { AF_INET, AF_UNSPEC, EINVAL, KSTACK_EBLOCK, SOL_SOCKET, SO_TYPE } from '../abi/constants.js';
import { Kernel, formatIPv4, parseIPv4 } from '../kernel/kernel.js';

export interface SockAddr { addr: string; port: number; family?: number }
export type Data = Uint8Array | string;

/** What a process's syscalls need from the scheduler that runs it. */
export interface SyscallPort {
  readonly kernel: Kernel;
  readonly pid: number;
  /** Runs `attempt` now and again after every wake-up until it returns anything but EBLOCK. */
  blocking(attempt: () => number): Promise<number>;
  now(): number;
  exit(code: number): Promise<never>;
  fork(fn: (sys: Sys) => unknown): Promise<number>;
  waitpid(pid: number): Promise<{ pid: number; code?: number; signal?: number } | number>;
}

const enc = new TextEncoder();
const toBytes = (d: Data): Uint8Array => (typeof d === 'string' ? enc.encode(d) : d);

export class Sys {
  constructor(private readonly port: SyscallPort) {}

  private get k(): Kernel { return this.port.kernel; }
  private get pid(): number { return this.port.pid; }

  private call(fn: () => number): Promise<number> {
    const r = fn();
    if (r !== KSTACK_EBLOCK) return Promise.resolve(r);
    return this.port.blocking(fn);
  }

  /** Copies data into the syscall arena; returns the length the kernel is told. */
  private put(data: Data): number {
    const b = toBytes(data);
    const n = Math.min(b.length, this.k.uareaSize);
    this.k.u8().set(b.subarray(0, n), this.k.uarea);
    return b.length;
  }

  private addrOf(a: SockAddr | undefined): [number, number, number] | null {
    if (!a || typeof a !== 'object') return null;
    const family = a.family ?? AF_INET;
    if (family === AF_UNSPEC) return [AF_UNSPEC, 0, 0];
    const ip = parseIPv4(a.addr);
    const port = Number(a.port);
    if (ip < 0 || !Number.isInteger(port) || port < 0 || port > 65535) return null;
    return [family, ip, port];
  }

  private readAddr(): SockAddr {
    const u32 = this.k.u32();
    const base = this.k.uaddr >>> 2;
    return { addr: formatIPv4(u32[base]), port: u32[base + 1] };
  }

  socket(domain: number, type: number, protocol = 0): Promise<number> {
    return Promise.resolve(this.k.x.sys_socket(this.pid, domain, type, protocol));
  }
  bind(fd: number, addr: SockAddr): Promise<number> {
    const a = this.addrOf(addr);
    if (!a) return Promise.resolve(-EINVAL);
    return Promise.resolve(this.k.x.sys_bind(this.pid, fd, a[0], a[1], a[2]));
  }
  listen(fd: number, backlog: number): Promise<number> {
    return Promise.resolve(this.k.x.sys_listen(this.pid, fd, backlog | 0));
  }
  accept(fd: number, flags = 0): Promise<number> { return this.accept4(fd, flags); }
  accept4(fd: number, flags: number): Promise<number> {
    return this.call(() => this.k.x.sys_accept4(this.pid, fd, flags));
  }
  connect(fd: number, addr: SockAddr): Promise<number> {
    const a = this.addrOf(addr);
    if (!a) return Promise.resolve(-EINVAL);
    return this.call(() => this.k.x.sys_connect(this.pid, fd, a[0], a[1], a[2]));
  }
  send(fd: number, data: Data, flags = 0): Promise<number> { return this.sendto(fd, data, flags, undefined); }
  write(fd: number, data: Data): Promise<number> { return this.sendto(fd, data, 0, undefined); }
  sendto(fd: number, data: Data, flags: number, addr?: SockAddr): Promise<number> {
    let a: [number, number, number] | null = null;
    if (addr !== undefined && addr !== null) {
      a = this.addrOf(addr);
      if (!a) return Promise.resolve(-EINVAL);
    }
    const bytes = toBytes(data);
    return this.call(() => {
      const len = this.put(bytes);
      return this.k.x.sys_sendto(this.pid, fd, len, flags >>> 0, a ? 1 : 0, a ? a[0] : 0, a ? a[1] : 0, a ? a[2] : 0);
    });
  }
  recv(fd: number, buf: Uint8Array, flags = 0): Promise<number> {
    return this.call(() => this.recvInto(fd, buf, flags));
  }
  read(fd: number, buf: Uint8Array): Promise<number> { return this.recv(fd, buf, 0); }
  private recvInto(fd: number, buf: Uint8Array, flags: number): number {
    const len = Math.min(buf.length, this.k.uareaSize);
    const r = this.k.x.sys_recvfrom(this.pid, fd, len, flags >>> 0);
    if (r > 0) buf.set(this.k.u8().subarray(this.k.uarea, this.k.uarea + Math.min(r, len)));
    return r;
  }
  async recvfrom(fd: number, buf: Uint8Array, flags = 0): Promise<{ n: number; addr: SockAddr } | number> {
    const r = await this.call(() => this.recvInto(fd, buf, flags));
    if (r < 0) return r;
    return { n: r, addr: this.readAddr() };
  }
  shutdown(fd: number, how: number): Promise<number> {
    return Promise.resolve(this.k.x.sys_shutdown(this.pid, fd, how));
  }
  close(fd: number): Promise<number> { return Promise.resolve(this.k.x.sys_close(this.pid, fd)); }
  getsockname(fd: number): Promise<SockAddr | number> {
    const r = this.k.x.sys_getsockname(this.pid, fd);
    return Promise.resolve(r < 0 ? r : this.readAddr());
  }
  getpeername(fd: number): Promise<SockAddr | number> {
    const r = this.k.x.sys_getpeername(this.pid, fd);
    return Promise.resolve(r < 0 ? r : this.readAddr());
  }
  setsockopt(fd: number, level: number, name: number, value: number | boolean | { onoff: number; linger: number } | string): Promise<number> {
    if (typeof value === 'object' || typeof value === 'string') {
      // Struct and string options (SO_LINGER, TCP_CONGESTION) arrive with TCP; until then
      // a bad descriptor still answers first, as in Linux.
      const probe = this.k.x.sys_getsockopt(this.pid, fd, SOL_SOCKET, SO_TYPE);
      return Promise.resolve(probe < 0 ? probe : -EINVAL);
    }
    return Promise.resolve(this.k.x.sys_setsockopt(this.pid, fd, level, name, Number(value) | 0));
  }
  getsockopt(fd: number, level: number, name: number): Promise<number> {
    return Promise.resolve(this.k.x.sys_getsockopt(this.pid, fd, level, name));
  }
  fcntl(fd: number, cmd: number, arg = 0): Promise<number> {
    return Promise.resolve(this.k.x.sys_fcntl(this.pid, fd, cmd, arg | 0));
  }
  ioctl(fd: number, request: number, arg = 0): Promise<number> {
    return Promise.resolve(this.k.x.sys_ioctl(this.pid, fd, request >>> 0, arg | 0));
  }
  nanosleep(ms: number): Promise<number> {
    if (!(ms >= 0)) return Promise.resolve(-EINVAL);
    return this.call(() => this.k.x.sys_nanosleep(this.pid, ms));
  }
  getpid(): Promise<number> { return Promise.resolve(this.pid); }
  clock_gettime(): Promise<number> { return Promise.resolve(this.port.now()); }
  exit(code = 0): Promise<never> { return this.port.exit(code); }
  fork(fn: (sys: Sys) => unknown): Promise<number> { return this.port.fork(fn); }
  waitpid(pid: number): Promise<{ pid: number; code?: number; signal?: number } | number> { return this.port.waitpid(pid); }
}
