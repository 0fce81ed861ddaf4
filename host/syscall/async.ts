// The promise flavour of the syscall API (API.md "Syscalls"): the raw Linux ABI, every
// call resolving to >= 0 or -errno (nothing throws for a bad argument). Each call runs
// the kernel's syscall at once; if the kernel answers KSTACK_EBLOCK the process sleeps
// until its task is woken and the same call is made again (the scheduler does that).
import { AF_INET, AF_UNSPEC, EINVAL, EPIPE, F_GETFL, MSG_NOSIGNAL, SIGPIPE, IPPROTO_TCP, KSTACK_EBLOCK, KSTACK_MSG_CONT, MSG_DONTWAIT, MSG_WAITALL, O_NONBLOCK, SOCK_STREAM, SOL_SOCKET, SO_LINGER, SO_TYPE, TCP_CONGESTION, TCP_INFO } from '../abi/constants.js';
import { decodeTcpInfo, type TcpInfo } from './tcp-info.js';
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
  /** The network runs on the wall clock (the kernel's time is that of its last poll). */
  readonly realClock: boolean;
  exit(code: number): Promise<never>;
  /** Raises a signal on the calling process (SIGPIPE from a failed stream send). */
  raise(signo: number): Promise<never> | null;
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
    // A call that may sleep arms its timeout from "now": on the real clock the kernel's
    // time is that of its last poll, so bring it up to the caller's now first (Linux reads
    // the clock at the call). On the virtual clock the two are the same.
    if (this.port.realClock) this.k.x.kernel_clock_set(this.port.now());
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
  /**
   * sendto(): a stream socket in blocking mode takes everything (sleeping for buffer space
   * as often as needed, like tcp_sendmsg), in chunks of the syscall arena; a nonblocking
   * one returns what fit. A datagram goes whole or not at all.
   */
  sendto(fd: number, data: Data, flags: number, addr?: SockAddr): Promise<number> {
    return this.sendto1(fd, data, flags, addr).then((r) => this.sigpipe(fd, r, flags));
  }

  /**
   * sk_stream_error(): EPIPE on a stream socket raises SIGPIPE unless MSG_NOSIGNAL (whose
   * default action ends the process).
   */
  private sigpipe(fd: number, r: number, flags: number): number | Promise<number> {
    if (r !== -EPIPE || (flags & MSG_NOSIGNAL) !== 0) return r;
    if (this.k.x.sys_getsockopt(this.pid, fd, SOL_SOCKET, SO_TYPE) !== SOCK_STREAM) return r;
    return this.port.raise(SIGPIPE) ?? r;
  }

  private sendto1(fd: number, data: Data, flags: number, addr?: SockAddr): Promise<number> {
    let a: [number, number, number] | null = null;
    if (addr !== undefined && addr !== null) {
      a = this.addrOf(addr);
      if (!a) return Promise.resolve(-EINVAL);
    }
    const bytes = toBytes(data);
    const x = this.k.x;
    const total = bytes.length;
    let sent = 0;
    let stream = -1;
    if (total > this.k.uareaSize) stream = x.sys_getsockopt(this.pid, fd, SOL_SOCKET, SO_TYPE) === SOCK_STREAM ? 1 : 0;
    return this.call(() => {
      for (;;) {
        const chunk = bytes.subarray(sent, sent + this.k.uareaSize);
        this.k.u8().set(chunk, this.k.uarea);
        // A datagram's true length goes to the kernel (which refuses what is too big).
        const len = stream === 1 ? chunk.length : total - sent;
        const f = sent > 0 ? (flags | KSTACK_MSG_CONT) >>> 0 : flags >>> 0;
        const r = x.sys_sendto(this.pid, fd, len, f, a ? 1 : 0, a ? a[0] : 0, a ? a[1] : 0, a ? a[2] : 0);
        if (r === KSTACK_EBLOCK) return r;
        if (r < 0) return sent > 0 ? sent : r;
        sent += r;
        if (sent >= total || r === 0) return sent;
        if (stream < 0) stream = x.sys_getsockopt(this.pid, fd, SOL_SOCKET, SO_TYPE) === SOCK_STREAM ? 1 : 0;
        if (stream !== 1) return sent;
        const nonblock = (flags & MSG_DONTWAIT) !== 0 || (x.sys_fcntl(this.pid, fd, F_GETFL, 0) & O_NONBLOCK) !== 0;
        if (nonblock) return sent;
      }
    });
  }
  /** recv(): MSG_WAITALL keeps reading (and sleeping) until the buffer is full or EOF. */
  recv(fd: number, buf: Uint8Array, flags = 0): Promise<number> {
    if ((flags & MSG_WAITALL) === 0) return this.call(() => this.recvInto(fd, buf, flags));
    let got = 0;
    const f = flags & ~MSG_WAITALL;
    return this.call(() => {
      while (got < buf.length) {
        const r = this.recvInto(fd, buf.subarray(got), got > 0 ? (f | KSTACK_MSG_CONT) >>> 0 : f);
        if (r === KSTACK_EBLOCK) return r;
        if (r <= 0) return got > 0 ? got : r;
        got += r;
      }
      return got;
    });
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
  /**
   * close(): the descriptor goes at once; with SO_LINGER {1, t > 0} the release may sleep,
   * and after each wake-up the kernel continues it with sys_close_wait (not sys_close: the
   * number is no longer ours).
   */
  close(fd: number): Promise<number> {
    const r = this.k.x.sys_close(this.pid, fd);
    if (r !== KSTACK_EBLOCK) return Promise.resolve(r);
    return this.port.blocking(() => this.k.x.sys_close_wait(this.pid));
  }
  getsockname(fd: number): Promise<SockAddr | number> {
    const r = this.k.x.sys_getsockname(this.pid, fd);
    return Promise.resolve(r < 0 ? r : this.readAddr());
  }
  getpeername(fd: number): Promise<SockAddr | number> {
    const r = this.k.x.sys_getpeername(this.pid, fd);
    return Promise.resolve(r < 0 ? r : this.readAddr());
  }
  setsockopt(fd: number, level: number, name: number, value: number | boolean | { onoff: number; linger: number } | string): Promise<number> {
    if (level === SOL_SOCKET && name === SO_LINGER) {
      if (typeof value !== 'object' || value === null) return Promise.resolve(-EINVAL);
      return Promise.resolve(this.k.x.sys_setsockopt_linger(this.pid, fd, Number(value.onoff) | 0, Number(value.linger) | 0));
    }
    if (typeof value === 'string') {
      // The name's bytes go to the syscall arena, as optval/optlen (TCP_CONGESTION).
      const bytes = enc.encode(value).subarray(0, this.k.uareaSize);
      this.k.u8().set(bytes, this.k.uarea);
      return Promise.resolve(this.k.x.sys_setsockopt_str(this.pid, fd, level, name, bytes.length));
    }
    if (typeof value === 'object') {
      // A bad descriptor still answers first, as in Linux.
      const probe = this.k.x.sys_getsockopt(this.pid, fd, SOL_SOCKET, SO_TYPE);
      return Promise.resolve(probe < 0 ? probe : -EINVAL);
    }
    return Promise.resolve(this.k.x.sys_setsockopt(this.pid, fd, level, name, Number(value) | 0));
  }
  /** getsockopt(): a number, or { onoff, linger } for SO_LINGER, tcpi_* fields for TCP_INFO, the name for TCP_CONGESTION. */
  getsockopt(fd: number, level: number, name: typeof TCP_CONGESTION): Promise<number | string>;
  getsockopt(fd: number, level: number, name: number): Promise<number | { onoff: number; linger: number } | TcpInfo>;
  getsockopt(fd: number, level: number, name: number): Promise<number | { onoff: number; linger: number } | TcpInfo | string> {
    if (level === SOL_SOCKET && name === SO_LINGER) {
      const r = this.k.x.sys_getsockopt_linger(this.pid, fd);
      if (r < 0) return Promise.resolve(r);
      const u32 = this.k.u32();
      return Promise.resolve({ onoff: u32[this.k.uaddr >>> 2] | 0, linger: u32[(this.k.uaddr >>> 2) + 1] | 0 }); // struct linger holds ints
    }
    const r = this.k.x.sys_getsockopt(this.pid, fd, level, name);
    if (level === IPPROTO_TCP && name === TCP_INFO && r >= 0) return Promise.resolve(decodeTcpInfo(this.k.x.memory.buffer, this.k.uarea));
    if (level === IPPROTO_TCP && name === TCP_CONGESTION && r >= 0) return Promise.resolve(new TextDecoder().decode(this.k.u8().slice(this.k.uarea, this.k.uarea + r)));
    return Promise.resolve(r);
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
