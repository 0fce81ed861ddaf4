// The promise flavour of the syscall API (API.md "Syscalls"): the raw Linux ABI, every
// call resolving to >= 0 or -errno (nothing throws for a bad argument). Each call runs
// the kernel's syscall at once; if the kernel answers KSTACK_EBLOCK the process sleeps
// until its task is woken and the same call is made again (the scheduler does that).
import { AF_INET, AF_UNSPEC, EINVAL, ENOSYS, F_GETFL, IPPROTO_TCP, KSTACK_EBLOCK, KSTACK_MSG_CONT, MSG_DONTWAIT, MSG_WAITALL, O_NONBLOCK, SOCK_STREAM, SOL_SOCKET, SO_LINGER, SO_TYPE, TCP_INFO, FD_SETSIZE, TCP_LINGER2, TCP_NOTSENT_LOWAT, TCP_CONGESTION } from '../abi/constants.js';
import { decodeTcpInfo, type TcpInfo } from './tcp-info.js';
import { Kernel, formatIPv4, parseIPv4 } from '../kernel/kernel.js';

export interface SockAddr { addr: string; port: number; family?: number }
/** struct epoll_event: `data` is the u64 epoll_data, kept whole for integers up to 2^53. */
export interface EpollEvent { events: number; data: number }
/** struct pollfd; poll() fills `revents`. */
export interface PollFd { fd: number; events: number; revents?: number }
export interface SelectResult { n: number; readfds: number[]; writefds: number[]; exceptfds: number[] }
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
/** A timeout in ms as the kernel takes it: an int, -1 for "forever". */
const msArg = (ms: number): number => (ms === undefined || ms === null || !(ms >= 0) || ms === Infinity ? -1 : Math.min(Math.floor(ms), 0x7fffffff));
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
        // The common case, a whole datagram or write that fits the arena, needs no view.
        const chunk = sent === 0 && total <= this.k.uareaSize ? bytes : bytes.subarray(sent, sent + this.k.uareaSize);
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
    if (r !== KSTACK_EBLOCK) return Promise.resolve(this.after(r));
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
    // Int options that may be negative (TCP_NOTSENT_LOWAT -1, TCP_LINGER2 -1) come back in
    // the user area, as a negative return would read as -errno.
    if (level === IPPROTO_TCP && (name === TCP_NOTSENT_LOWAT || name === TCP_LINGER2) && r === 0) return Promise.resolve(this.k.load32(this.k.uarea) | 0);
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
  /**
   * setrlimit(resource, { cur, max }) / getrlimit(resource) → { cur, max } or -errno.
   * RLIMIT_NOFILE only (the descriptor table: soft 1024, hard 524288 as systemd sets them;
   * uid 0 may raise the hard limit up to fs.nr_open, 1048576). Limits are u32 here:
   * RLIM_INFINITY (2^64 - 1) is not representable, and any value past nr_open is EPERM.
   */
  setrlimit(resource: number, lim: { cur: number; max: number }): Promise<number> {
    if (typeof lim !== 'object' || lim === null) return Promise.resolve(-EINVAL);
    const clamp = (v: number) => (Number.isFinite(v) && v >= 0 ? Math.min(Math.floor(v), 0xffffffff) : 0xffffffff);
    return Promise.resolve(this.k.x.sys_setrlimit(this.pid, resource | 0, clamp(Number(lim.cur)), clamp(Number(lim.max))));
  }
  getrlimit(resource: number): Promise<{ cur: number; max: number } | number> {
    const r = this.k.x.sys_getrlimit(this.pid, resource | 0);
    if (r < 0) return Promise.resolve(r);
    return Promise.resolve({ cur: r >>> 0, max: this.k.u32()[this.k.uaddr >>> 2] });
  }
  // ───── epoll(7), poll(2), select(2) (assembly/sys/eventpoll.ts, poll.ts, select.ts) ─────
  epoll_create1(flags = 0): Promise<number> {
    return Promise.resolve(this.k.x.sys_epoll_create1(this.pid, flags | 0));
  }
  /** epoll_ctl(): `event` may be omitted for EPOLL_CTL_DEL, as Linux allows a NULL event there. */
  epoll_ctl(epfd: number, op: number, fd: number, event?: { events: number; data?: number }): Promise<number> {
    const events = event ? Number(event.events) >>> 0 : 0;
    // epoll_data is a u64: two's complement for negative integers, as a C caller's cast.
    const raw = Math.trunc(Number(event?.data ?? 0));
    const d = BigInt.asUintN(64, BigInt(Number.isFinite(raw) ? raw : 0));
    const lo = Number(d & 0xffffffffn);
    const hi = Number(d >> 32n);
    return Promise.resolve(this.k.x.sys_epoll_ctl(this.pid, epfd, op, fd, events, lo, hi));
  }
  /** epoll_wait(): timeoutMs < 0 waits forever, 0 only looks; → events, or -errno. */
  async epoll_wait(epfd: number, maxevents: number, timeoutMs = -1): Promise<EpollEvent[] | number> {
    const to = msArg(timeoutMs);
    let got: EpollEvent[] = [];
    const r = await this.call(() => {
      const n = this.k.x.sys_epoll_wait(this.pid, epfd, maxevents | 0, to);
      // The arena is shared: take the events before any other call runs.
      if (n > 0) got = this.readEpollEvents(n);
      return n;
    });
    return r < 0 ? r : got;
  }
  private readEpollEvents(n: number): EpollEvent[] {
    const dv = new DataView(this.k.x.memory.buffer, this.k.uarea, n * 12);
    const out: EpollEvent[] = [];
    for (let i = 0; i < n; i++) {
      const lo = dv.getUint32(i * 12 + 4, true);
      const hi = dv.getUint32(i * 12 + 8, true);
      const data = Number(BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)));
      out.push({ events: dv.getUint32(i * 12, true), data });
    }
    return out;
  }
  /** poll(): fills each entry's `revents`; → how many have any, or -errno. timeoutMs < 0: forever. */
  poll(fds: PollFd[], timeoutMs = -1): Promise<number> {
    const to = msArg(timeoutMs);
    const cap = Math.floor(this.k.uareaSize / 8);
    const n = Math.min(fds.length, cap);
    return this.call(() => {
      const dv = new DataView(this.k.x.memory.buffer, this.k.uarea, n * 8);
      for (let i = 0; i < n; i++) {
        dv.setInt32(i * 8, fds[i].fd | 0, true);
        dv.setUint16(i * 8 + 4, fds[i].events & 0xffff, true);
        dv.setUint16(i * 8 + 6, 0, true);
      }
      const r = this.k.x.sys_poll(this.pid, fds.length, to);
      if (r >= 0) {
        const rv = new DataView(this.k.x.memory.buffer, this.k.uarea, n * 8);
        for (let i = 0; i < n; i++) fds[i].revents = rv.getUint16(i * 8 + 6, true);
      }
      return r;
    });
  }
  /**
   * select(): arrays of fds in, the ready ones out. timeoutMs null/undefined waits forever
   * (a NULL timeval); a negative one is EINVAL, as Linux's poll_select_set_timeout. An fd
   * outside 0..FD_SETSIZE-1 cannot be put in an fd_set: EINVAL here (glibc's FD_SET would
   * overflow the set; python raises ValueError).
   */
  select(readfds: number[], writefds: number[], exceptfds: number[], timeoutMs?: number | null): Promise<SelectResult | number> {
    const sets = [readfds ?? [], writefds ?? [], exceptfds ?? []];
    let nfds = 0;
    for (const s of sets) for (const fd of s) {
      if (!Number.isInteger(fd) || fd < 0 || fd >= FD_SETSIZE) return Promise.resolve(-EINVAL);
      nfds = Math.max(nfds, fd + 1);
    }
    if (timeoutMs !== undefined && timeoutMs !== null && !(timeoutMs >= 0)) return Promise.resolve(-EINVAL);
    const to = timeoutMs === undefined || timeoutMs === null ? -1 : msArg(timeoutMs);
    const bytes = FD_SETSIZE >> 3;
    let res: SelectResult | null = null;
    return this.call(() => {
      const u8 = this.k.u8();
      const base = this.k.uarea;
      u8.fill(0, base, base + 3 * bytes);
      sets.forEach((s, i) => { for (const fd of s) u8[base + i * bytes + (fd >> 3)] |= 1 << (fd & 7); });
      const r = this.k.x.sys_select(this.pid, nfds, to);
      if (r >= 0) {
        const pick = (i: number) => sets[i].filter((fd, j, a) => a.indexOf(fd) === j && (u8[base + i * bytes + (fd >> 3)] & (1 << (fd & 7))) !== 0).sort((a, b) => a - b);
        res = { n: r, readfds: pick(0), writefds: pick(1), exceptfds: pick(2) };
      }
      return r;
    }).then((r) => (r < 0 || !res ? r : res));
  }
  getpid(): Promise<number> { return Promise.resolve(this.pid); }
  clock_gettime(): Promise<number> { return Promise.resolve(this.port.now()); }
  exit(code = 0): Promise<never> { return this.port.exit(code); }
  fork(fn: (sys: Sys) => unknown): Promise<number> { return this.port.fork(fn); }
  /**
   * waitpid(): a signal that arrives while it sleeps interrupts it (-EINTR), or restarts
   * it under SA_RESTART, as wait4's -ERESTARTSYS; pending signals are acted on first, as
   * at the entry of any call that may sleep.
   */
  waitpid(pid: number): Promise<{ pid: number; code?: number; signal?: number } | number> {
    const sig = this.port.signals;
    if (sig !== undefined && sig.pending()) return sig.deliver(0, null).then(() => this.waitpid1(pid));
    return this.waitpid1(pid);
  }
  private waitpid1(pid: number): Promise<{ pid: number; code?: number; signal?: number } | number> {
    return this.port.waitpid(pid).then((r) => {
      const sig = this.port.signals;
      if (typeof r !== 'number' || sig === undefined || (!sig.pending() && !isRestart(r))) return this.after(r);
      return sig.deliver(r, () => this.waitpid1(pid) as Promise<number>);
    });
  }
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

/**
 * Handlers due when a call returns run before its caller sees the answer: Linux looks at
 * pending signals on the way out of every syscall (exit_to_user_mode_loop), not only of
 * those that may sleep. `v` is the answer (or its promise).
 */
export function atSyscallExit<T>(sys: Sys, v: T): T | Promise<T> {
  return (sys as unknown as { after(v: T): T | Promise<T> }).after(v);
}
// The calls that never sleep get it here, once for the class (the others: call(),
// callExit(), and close/waitpid/kill/sigprocmask themselves). Each answers synchronously,
// so a signal its kernel call raised or found pending is seen at once.
for (const m of ['socket', 'bind', 'listen', 'shutdown', 'getsockname', 'getpeername', 'setsockopt', 'getsockopt',
  'fcntl', 'ioctl', 'setrlimit', 'getrlimit', 'epoll_create1', 'epoll_ctl', 'getpid', 'clock_gettime', 'fork',
  'sigaction', 'sigpending'] as const) {
  const f = Sys.prototype[m] as (this: Sys, ...a: unknown[]) => unknown;
  (Sys.prototype as unknown as Record<string, unknown>)[m] = function (this: Sys, ...a: unknown[]) { return atSyscallExit(this, f.apply(this, a)); };
}
