// The promise flavour of the syscall API (API.md "Syscalls"): the raw Linux ABI, every
// call resolving to >= 0 or -errno (nothing throws for a bad argument). Each call runs
// the kernel's syscall at once; if the kernel answers KSTACK_EBLOCK the process sleeps
// until its task is woken and the same call is made again (the scheduler does that).
import { AF_INET, AF_UNSPEC, EINVAL, ENOSYS, F_GETFL, IPPROTO_TCP, KSTACK_EBLOCK, KSTACK_MSG_CONT, MSG_DONTWAIT, MSG_WAITALL, O_NONBLOCK, SOCK_STREAM, SOL_SOCKET, SO_LINGER, SO_TYPE, TCP_INFO } from '../abi/constants.js';
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
  /** The process's signals (host/signal/): absent, the calls answer ENOSYS. */
  readonly signals?: SignalPort;
  fork(fn: (sys: Sys) => unknown): Promise<number>;
  waitpid(pid: number): Promise<{ pid: number; code?: number; signal?: number } | number>;
}

export type SigHandler = ((signo: number) => unknown) | 'SIG_IGN' | 'SIG_DFL';
/** sigaction()'s act: flags SA_*; mask the signals blocked while the handler runs. */
export interface SigAction { handler: SigHandler; flags?: number; mask?: readonly number[] }

/** What Sys needs from the signal layer (host/signal/), bound to one process. */
export interface SignalPort {
  /** An unblocked signal is pending (the kernel's TIF_SIGPENDING). */
  pending(): boolean;
  /** Acts on pending signals at a boundary; rc the call's answer, restart makes it again. */
  deliver(rc: number, restart: (() => Promise<number>) | null): Promise<number>;
  sigaction(signo: number, act: SigAction | null | undefined): number;
  sigprocmask(how: number, set: readonly number[] | null | undefined): number[] | number;
  sigpending(): number[] | number;
  kill(pid: number, signo: number): number;
}

/** handle_signal() may have to turn these into EINTR or a restart (abi/syscall.ts). */
const isRestart = (r: number): boolean => r <= -512 && r >= -516;

const enc = new TextEncoder();
const toBytes = (d: Data): Uint8Array => (typeof d === 'string' ? enc.encode(d) : d);

export class Sys {
  constructor(private readonly port: SyscallPort) {}

  private get k(): Kernel { return this.port.kernel; }
  private get pid(): number { return this.port.pid; }

  private call(fn: () => number): Promise<number> {
    // Signals that arrived while the process ran are acted on before it enters the call.
    const sig = this.port.signals;
    if (sig !== undefined && sig.pending()) return sig.deliver(0, null).then(() => this.call1(fn));
    return this.call1(fn);
  }

  private call1(fn: () => number): Promise<number> {
    // A call that may sleep arms its timeout from "now": on the real clock the kernel's
    // time is that of its last poll, so bring it up to the caller's now first (Linux reads
    // the clock at the call). On the virtual clock the two are the same.
    if (this.port.realClock) this.k.x.kernel_clock_set(this.port.now());
    const r = fn();
    if (r !== KSTACK_EBLOCK) return Promise.resolve(this.callExit(r, fn));
    return this.port.blocking(fn).then((v) => this.callExit(v, fn));
  }

  /** At a call's exit: handlers run before it returns, and decide EINTR or restart. */
  private callExit(r: number, fn: () => number): number | Promise<number> {
    const sig = this.port.signals;
    if (sig === undefined || (!sig.pending() && !isRestart(r))) return r;
    return sig.deliver(r, () => this.call(fn));
  }

  /** Handlers due after a call that cannot be interrupted run before it returns. */
  private after<T>(v: T): T | Promise<T> {
    const sig = this.port.signals;
    if (sig === undefined || !sig.pending()) return v;
    return sig.deliver(0, null).then(() => v);
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
    // EPIPE raises SIGPIPE in the kernel (sk_stream_error); it is acted on at the exit.
    return this.sendto1(fd, data, flags, addr);
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
    // The source address is read at once: a signal handler may make calls before we resume.
    let addr: SockAddr = { addr: '0.0.0.0', port: 0 };
    const r = await this.call(() => {
      const n = this.recvInto(fd, buf, flags);
      if (n >= 0) addr = this.readAddr();
      return n;
    });
    if (r < 0) return r;
    return { n: r, addr };
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
    // A signal ends the linger early (close still says 0); its handler runs before return.
    return this.port.blocking(() => this.k.x.sys_close_wait(this.pid)).then((v) => this.after(v));
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
    if (typeof value === 'object' || typeof value === 'string') {
      // String options (TCP_CONGESTION) arrive with congestion control; a bad descriptor
      // still answers first, as in Linux.
      const probe = this.k.x.sys_getsockopt(this.pid, fd, SOL_SOCKET, SO_TYPE);
      return Promise.resolve(probe < 0 ? probe : -EINVAL);
    }
    return Promise.resolve(this.k.x.sys_setsockopt(this.pid, fd, level, name, Number(value) | 0));
  }
  /** getsockopt(): a number, or { onoff, linger } for SO_LINGER, or tcpi_* fields for TCP_INFO. */
  getsockopt(fd: number, level: number, name: number): Promise<number | { onoff: number; linger: number } | TcpInfo> {
    if (level === SOL_SOCKET && name === SO_LINGER) {
      const r = this.k.x.sys_getsockopt_linger(this.pid, fd);
      if (r < 0) return Promise.resolve(r);
      const u32 = this.k.u32();
      return Promise.resolve({ onoff: u32[this.k.uaddr >>> 2] | 0, linger: u32[(this.k.uaddr >>> 2) + 1] | 0 }); // struct linger holds ints
    }
    const r = this.k.x.sys_getsockopt(this.pid, fd, level, name);
    if (level === IPPROTO_TCP && name === TCP_INFO && r >= 0) return Promise.resolve(decodeTcpInfo(this.k.x.memory.buffer, this.k.uarea));
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
  waitpid(pid: number): Promise<{ pid: number; code?: number; signal?: number } | number> { return this.port.waitpid(pid).then((r) => this.after(r)); }
  /** sigaction(signo, { handler, flags?, mask? }) → 0 or -errno (no act: reads only). */
  sigaction(signo: number, act?: SigAction | null): Promise<number> {
    const sig = this.port.signals;
    return Promise.resolve(sig ? sig.sigaction(signo, act) : -ENOSYS);
  }
  /**
   * sigprocmask(how, set): SIG_BLOCK / SIG_UNBLOCK / SIG_SETMASK with set an array of
   * signal numbers (null: only read) → the previous mask as an array, or -errno. Signals
   * it unblocks are delivered before it returns.
   */
  sigprocmask(how: number, set?: readonly number[] | null): Promise<number[] | number> {
    const sig = this.port.signals;
    return Promise.resolve(sig ? this.after(sig.sigprocmask(how, set)) : -ENOSYS);
  }
  /** sigpending() → the blocked signals waiting, as an array, or -errno. */
  sigpending(): Promise<number[] | number> {
    const sig = this.port.signals;
    return Promise.resolve(sig ? sig.sigpending() : -ENOSYS);
  }
  /** kill(pid, signo): pid > 0, 0 (own group), -1 (all others), -pgid. A signal to the
   *  caller itself is delivered before kill returns. */
  kill(pid: number, signo: number): Promise<number> {
    const sig = this.port.signals;
    return Promise.resolve(sig ? this.after(sig.kill(Number(pid) | 0, Number(signo) | 0)) : -ENOSYS);
  }
}
