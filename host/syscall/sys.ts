// The blocking flavour of the syscall API (API.md "Syscalls"), as a process in a worker
// thread sees it: every call returns its result directly (>= 0 or -errno, or the value
// API.md names), sleeping in Atomics.wait() until the kernel thread has served it. The
// arguments and results are those of the promise flavour (syscall/async.ts), which serves
// them on the kernel thread.
import { WORKER_HANDLER, type ChannelClient } from './channel.js';

export interface SockAddr { addr: string; port: number; family?: number }
export type Data = Uint8Array | string;
export type WaitStatus = { pid: number; code?: number; signal?: number };
export type SigHandler = ((signo: number) => unknown) | 'SIG_IGN' | 'SIG_DFL';
/** sigaction()'s act: flags SA_*; mask the signals blocked while the handler runs. */
export interface SigAction { handler: SigHandler; flags?: number; mask?: readonly number[] }

export class BlockingSys {
  /** The handler functions, by signal number: they run here, in the worker (the kernel
   *  thread holds the rest of each sigaction and decides when one runs). */
  private readonly handlers: (((signo: number) => unknown) | undefined)[] = [];

  /** `base`: the process's module URL, against which fork() resolves a relative module. */
  constructor(private readonly ch: ChannelClient, private readonly base?: string) {
    // Synchronous, like the rest of this flavour: a promise the handler returns is not awaited.
    ch.onSignal = (signo) => { this.handlers[signo]?.(signo); };
  }

  private n(name: Parameters<ChannelClient['call']>[0], ...args: unknown[]): number { return this.ch.call(name, args) as number; }

  socket(domain: number, type: number, protocol = 0): number { return this.n('socket', domain, type, protocol); }
  bind(fd: number, addr: SockAddr): number { return this.n('bind', fd, addr); }
  listen(fd: number, backlog: number): number { return this.n('listen', fd, backlog); }
  accept(fd: number, flags = 0): number { return this.n('accept', fd, flags); }
  accept4(fd: number, flags: number): number { return this.n('accept4', fd, flags); }
  connect(fd: number, addr: SockAddr): number { return this.n('connect', fd, addr); }
  send(fd: number, data: Data, flags = 0): number { return this.n('send', fd, data, flags); }
  write(fd: number, data: Data): number { return this.n('write', fd, data); }
  sendto(fd: number, data: Data, flags: number, addr?: SockAddr): number { return this.n('sendto', fd, data, flags, addr); }
  recv(fd: number, buf: Uint8Array, flags = 0): number { return this.n('recv', fd, buf, flags); }
  read(fd: number, buf: Uint8Array): number { return this.n('read', fd, buf); }
  recvfrom(fd: number, buf: Uint8Array, flags = 0): { n: number; addr: SockAddr } | number {
    return this.ch.call('recvfrom', [fd, buf, flags]) as { n: number; addr: SockAddr } | number;
  }
  shutdown(fd: number, how: number): number { return this.n('shutdown', fd, how); }
  close(fd: number): number { return this.n('close', fd); }
  getsockname(fd: number): SockAddr | number { return this.ch.call('getsockname', [fd]) as SockAddr | number; }
  getpeername(fd: number): SockAddr | number { return this.ch.call('getpeername', [fd]) as SockAddr | number; }
  setsockopt(fd: number, level: number, name: number, value: number | boolean | { onoff: number; linger: number } | string): number {
    return this.n('setsockopt', fd, level, name, value);
  }
  getsockopt(fd: number, level: number, name: number): number | Record<string, number> | string {
    return this.ch.call('getsockopt', [fd, level, name]) as number | Record<string, number> | string;
  }
  fcntl(fd: number, cmd: number, arg = 0): number { return this.n('fcntl', fd, cmd, arg); }
  ioctl(fd: number, request: number, arg = 0): number { return this.n('ioctl', fd, request, arg); }
  epoll_create1(flags = 0): number { return this.n('epoll_create1', flags); }
  epoll_ctl(epfd: number, op: number, fd: number, ev?: { events: number; data?: unknown }): number { return this.n('epoll_ctl', epfd, op, fd, ev); }
  epoll_wait(epfd: number, maxevents: number, timeoutMs: number): { events: number; data: unknown }[] | number {
    return this.ch.call('epoll_wait', [epfd, maxevents, timeoutMs]) as { events: number; data: unknown }[] | number;
  }
  /** poll(): fills `revents` in the caller's objects, as poll(2) does in its array. */
  poll(fds: { fd: number; events: number; revents?: number }[], timeoutMs: number): number { return this.n('poll', fds, timeoutMs); }
  select(readfds: number[], writefds: number[], exceptfds: number[], timeoutMs: number): { n: number; readfds: number[]; writefds: number[]; exceptfds: number[] } | number {
    return this.ch.call('select', [readfds, writefds, exceptfds, timeoutMs]) as never;
  }
  nanosleep(ms: number): number { return this.n('nanosleep', ms); }
  getpid(): number { return this.n('getpid'); }
  /** setrlimit(RLIMIT_NOFILE, { cur, max }) / getrlimit → { cur, max } or -errno (see async.ts). */
  setrlimit(resource: number, lim: { cur: number; max: number }): number { return this.n('setrlimit', resource, lim); }
  getrlimit(resource: number): { cur: number; max: number } | number { return this.ch.call('getrlimit', [resource]) as never; }
  clock_gettime(): number { return this.n('clock_gettime'); }
  kill(pid: number, signo: number): number { return this.n('kill', pid, signo); }
  /**
   * sigaction(signo, { handler, flags?, mask? }) → 0 or -errno (no act: reads only). A
   * handler runs in this worker: between syscalls (before the call that met the signal
   * returns), or it interrupts a blocking call, which then returns -EINTR or is restarted
   * (SA_RESTART) as for processes on the kernel's thread.
   */
  sigaction(signo: number, act?: SigAction | null): number {
    const fn = act && typeof act === 'object' && typeof act.handler === 'function' ? act.handler : null;
    const r = this.n('sigaction', signo, fn ? { ...act, handler: WORKER_HANDLER } : act);
    if (r === 0 && act && typeof act === 'object') this.handlers[signo] = fn ?? undefined;
    return r;
  }
  /** sigprocmask(how, set) → the previous mask (an array of signal numbers), or -errno; a
   *  null set only reads. Signals it unblocks are handled before it returns. */
  sigprocmask(how: number, set?: readonly number[] | null): number[] | number {
    return this.ch.call('sigprocmask', [how, set]) as number[] | number;
  }
  /** sigpending() → the blocked signals waiting, as an array, or -errno. */
  sigpending(): number[] | number { return this.ch.call('sigpending', []) as number[] | number; }
  /** exit_group(2): never returns; the kernel thread ends the worker. */
  exit(code = 0): never {
    this.ch.call('exit', [code]);
    throw new Error('kstack: exit returned');
  }
  /**
   * fork(2) for a worker: the child runs `moduleUrl`'s main(sys, args) with a copy of this
   * fd table; a relative `moduleUrl` is taken from this process's own module.
   */
  fork(moduleUrl: string | URL, args: unknown[] = []): number {
    const url = moduleUrl instanceof URL ? moduleUrl.href : this.base ? new URL(String(moduleUrl), this.base).href : String(moduleUrl);
    return this.n('fork', url, args);
  }
  waitpid(pid: number): WaitStatus | number { return this.ch.call('waitpid', [pid]) as WaitStatus | number; }
}
