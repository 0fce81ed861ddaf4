// A process whose code runs in a worker thread (host.spawnWorker), seen from the kernel
// thread. Its body here is a server loop: take the worker's next syscall from its channel,
// make it through the pid's async Sys (the same code path, blocking and wake-ups as a
// process on this thread), write the reply. The worker sleeps in Atomics.wait meanwhile;
// this thread never blocks.
//
// Signals. The decisions are the kernel's, made by the same async Sys (deliverSignals):
// which signal, EINTR or restart. Only the handler function lives in the worker: its
// sigaction registers runHandler here, which asks the worker to run it (channel SIGP) and
// serves the calls it makes until its rt_sigreturn.
//
// Virtual time. Between two syscalls a worker computes, and the scheduler cannot know for
// how long, so it counts as running and net.run waits for it (network.ts settle()): time
// moves only when every process waits, as for processes on this thread. To keep a run a
// pure function of its seed although threads race for real, syscalls posted during a run
// on the virtual clock are let into the kernel in rounds: only once no worker computes,
// all posted calls in host and spawn order. A worker that loops forever therefore holds
// the virtual clock still until it is killed; one waiting on something outside kstack (a
// timer of its own, I/O) does as well — it should sleep with sys.nanosleep.
import { EINVAL, ENOSYS } from '../abi/constants.js';
import { ChannelServer, createChannel, CHANNEL_DATA_BYTES, WORKER_HANDLER, type Request } from '../syscall/channel.js';
import { atSyscallExit, type Sys, type SigAction } from '../syscall/async.js';
import type { Process, ProcThread } from './process.js';
import type { RuntimeInit, RuntimeStats } from './runtime.js';

/** The message-port shape comlink speaks (its Endpoint). */
export interface Endpoint {
  postMessage(message: unknown, transfer?: unknown[]): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: object): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: object): void;
  start?: () => void;
}

/** How a worker thread ended on its own: exit code, with the uncaught error if any. */
export interface ThreadDeath { code: number; error?: unknown }

export interface Thread {
  readonly endpoint: Endpoint;
  /** Stops the thread, also while it sleeps in Atomics.wait or loops. */
  terminate(): void;
}

/**
 * A platform's threads: worker-node.ts (worker_threads) or worker-browser.ts (Web Workers).
 * A thread starts in rpc/worker-entry.ts, which puts the control plane on its port.
 */
export interface ThreadPlatform {
  spawn(name: string, onDeath: (d: ThreadDeath) => void): Thread;
  /** Inside a worker: the port to the kernel thread. */
  parent(): Endpoint;
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;
let platformP: Promise<ThreadPlatform> | null = null;
export function threadPlatform(): Promise<ThreadPlatform> {
  platformP ??= isNode
    ? import('./worker-node.js').then((m) => m.platform)
    : import('./worker-browser.js').then((m) => m.platform);
  return platformP;
}

/** What a worker process needs from its host and network. */
export interface WorkerHooks {
  /** Creates the thread and starts its runtime (the control plane, rpc/expose.ts). */
  launch(init: RuntimeInit, onDeath: (d: ThreadDeath) => void): Promise<Thread>;
  /** fork(2) from the worker: a child process running `url`; → pid or -errno. */
  fork(url: string, args: unknown[]): number;
  /** A syscall was posted: true to let it in now, false to wait for serve() (a round). */
  request(): boolean;
  /** A syscall went into the kernel. */
  served(): void;
  /** The worker's own counters over the control plane (answered when its event loop is free). */
  stats(thread: Thread): Promise<RuntimeStats | null>;
}

/** The worker's handler threw: the call it interrupted ends, and the worker rethrows. */
class HandlerThrew extends Error {}
/** The thread ended (death, exit, kill) while the kernel side waited for it inside a call. */
class ThreadGone extends Error {}

export class WorkerThread implements ProcThread {
  computing = true;
  pending = false;
  /** Syscalls served (the kernel side's count, deterministic). */
  syscalls = 0;
  private readonly server: ChannelServer;
  private thread: Thread | null = null;
  private grant: (() => void) | null = null;
  private waiters: (() => void)[] = [];
  private death: ThreadDeath | null = null;
  private onDeath: (() => void) | null = null;
  private proc: Process | null = null;
  private ended = false;
  private sys: Sys | null = null;
  /** The request being served (innermost: a handler's own calls nest inside the call it interrupted). */
  private current: Request | null = null;
  /** A handler ran inside the call being served (what it queued moves before the reply). */
  private handled = false;
  /** What the kernel side registers as the handler of every signal the worker handles. */
  private readonly handler = (signo: number): Promise<void> => this.runHandler(signo);

  constructor(
    readonly moduleUrl: string,
    readonly args: unknown[],
    private readonly hooks: WorkerHooks,
    channelBytes = CHANNEL_DATA_BYTES,
  ) {
    this.server = new ChannelServer(createChannel(channelBytes));
  }

  /** Binds the process; when it ends (exit, crash, kill) the thread is stopped. */
  attach(proc: Process): void {
    this.proc = proc;
    proc.thread = this;
    void proc.exited.then(() => this.end());
  }

  /** The runtime's counters, asked over the control plane; null before it started or after it died. */
  stats(): Promise<RuntimeStats | null> {
    return this.thread && !this.death && !this.ended ? this.hooks.stats(this.thread) : Promise.resolve(null);
  }

  serve(): void {
    const g = this.grant;
    this.grant = null;
    this.pending = false;
    g?.();
  }

  nextEvent(): Promise<void> { return new Promise((r) => this.waiters.push(r)); }

  private event(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private died(d: ThreadDeath): void {
    if (this.death) return;
    this.death = d;
    this.computing = false;
    this.server.kill();
    this.onDeath?.();
    this.event();
  }

  private end(): void {
    this.ended = true;
    this.computing = false;
    this.pending = false;
    this.server.kill();
    this.thread?.terminate();
    this.event();
  }

  /** The process's body on the kernel thread (host.ts runs it with the pid's async Sys). */
  async run(sys: Sys): Promise<number> {
    const proc = this.proc!;
    const dead = new Promise<null>((r) => { this.onDeath = () => r(null); });
    const init: RuntimeInit = { pid: proc.pid, name: proc.name, moduleUrl: this.moduleUrl, args: this.args, channel: this.server.sab };
    try {
      const t = await Promise.race([this.hooks.launch(init, (d) => this.died(d)), dead]);
      if (t) {
        this.thread = t;
        if (proc.state === 'exited') t.terminate();
      }
    } catch (e) {
      this.died({ code: 1, error: e });
    }
    this.sys = sys;
    for (;;) {
      const req = await this.take();
      if (!req) return this.corpse();
      if (req.name === 'exit') {
        const [code, err] = req.args as [number, { message?: string; stack?: string } | undefined];
        if (err) throw Object.assign(new Error(err.message ?? 'worker error'), { stack: err.stack });
        return Number(code) | 0;
      }
      // (serve1, inlined at the top: no outer call to restore, no promise hop more per call.)
      this.current = req;
      const pending = this.dispatch(sys, req);
      this.hooks.served();
      let r: unknown;
      try {
        r = await pending;
      } catch (e) {
        if (e instanceof ThreadGone) return this.corpse();
        if (!(e instanceof HandlerThrew)) throw e;
        r = 0; // the worker rethrows its handler's exception instead
      }
      this.current = null;
      if (this.handled) {
        this.handled = false;
        this.hooks.served();
      }
      if (this.gone(proc)) return this.corpse();
      this.server.reply(req, r);
      this.computing = true;
    }
  }

  /** The worker's next call, once the scheduler lets it in; null when the process is gone. */
  private async take(): Promise<Request | null> {
    const proc = this.proc!;
    // (A death marks the channel dead, which ends this wait too.)
    const req = this.death ? null : await this.server.next();
    if (!req) return null;
    this.computing = false;
    this.pending = true;
    this.event();
    if (!this.hooks.request()) await new Promise<void>((r) => { this.grant = r; });
    this.pending = false;
    if (this.gone(proc)) return null;
    this.syscalls++;
    return req;
  }

  /** One call through the pid's async Sys; → its answer. */
  private async serve1(req: Request): Promise<unknown> {
    const outer = this.current;
    this.current = req;
    try {
      // The kernel call runs synchronously inside dispatch(); what it queued (frames,
      // wake-ups) moves at once, even if the call itself now sleeps.
      const pending = this.dispatch(this.sys!, req);
      this.hooks.served();
      const r = await pending;
      if (this.handled) {
        this.handled = false;
        this.hooks.served(); // what the handler's calls, or the call made again, queued
      }
      return r;
    } catch (e) {
      // The worker rethrows its handler's exception; this answer is never read.
      if (e instanceof HandlerThrew) return 0;
      throw e;
    } finally {
      this.current = outer;
    }
  }

  /**
   * A signal's handler, on the kernel side (deliverSignals calls it, between the call's
   * end and its answer): the worker runs the function and posts rt_sigreturn; the calls
   * it makes meanwhile are served here, nested in the call it interrupted.
   */
  private async runHandler(signo: number): Promise<void> {
    const req = this.current;
    // The interrupted call's buffers may sit in the channel (the data to send, a recv's
    // bytes copied in place) or in the server's spare buffer, which the handler's own calls
    // reuse: kept aside, for the answer and for the call made again (SA_RESTART).
    const bufs = req ? req.args.filter((x): x is Uint8Array => x instanceof Uint8Array) : [];
    const saved = bufs.map((b) => b.slice());
    this.handled = true;
    this.server.signal(signo);
    this.computing = true;
    try {
      for (;;) {
        const r = await this.take();
        if (!r) throw new ThreadGone();
        if (r.name === 'rt_sigreturn') {
          if (Number(r.args[0])) throw new HandlerThrew();
          return;
        }
        if (r.name === 'exit') await this.sys!.exit(Number(r.args[0]) | 0); // never returns
        const v = await this.serve1(r);
        if (this.gone(this.proc!)) throw new ThreadGone();
        this.server.reply(r, v);
        this.computing = true;
      }
    } finally {
      bufs.forEach((b, i) => b.set(saved[i]));
    }
  }

  private gone(proc: Process): boolean { return this.death !== null || proc.state === 'exited'; }

  /** The exit status of a thread that ended without an exit syscall. */
  private corpse(): number {
    const d = this.death;
    if (d?.error !== undefined) throw d.error;
    return d ? d.code : 0;
  }

  private async dispatch(sys: Sys, req: Request): Promise<unknown> {
    const a = req.args;
    switch (req.name) {
      case 'fork': return atSyscallExit(sys, typeof a[0] === 'string' ? this.hooks.fork(a[0], Array.isArray(a[1]) ? a[1] : []) : -EINVAL);
      case 'sigaction': {
        // The function stays in the worker; the kernel side registers runHandler for it.
        const act = a[1] as SigAction | null | undefined;
        if (act && typeof act === 'object' && (act.handler as unknown) === WORKER_HANDLER) return await sys.sigaction(Number(a[0]), { ...act, handler: this.handler });
        return await sys.sigaction(a[0] as number, act);
      }
      case 'rt_sigreturn': return -EINVAL; // outside a handler
      case undefined: return -ENOSYS;
      default: {
        const f = (sys as unknown as Record<string, unknown>)[req.name];
        if (typeof f !== 'function') return -ENOSYS; // a call whose milestone has not landed
        return await (f as (...x: unknown[]) => unknown).apply(sys, a);
      }
    }
  }
}
