// A process whose code runs in a worker thread (host.spawnWorker), seen from the kernel
// thread. Its body here is a server loop: take the worker's next syscall from its channel,
// make it through the pid's async Sys (the same code path, blocking and wake-ups as a
// process on this thread), write the reply. The worker sleeps in Atomics.wait meanwhile;
// this thread never blocks.
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
import { ChannelServer, createChannel, CHANNEL_DATA_BYTES, type Request } from '../syscall/channel.js';
import type { Sys } from '../syscall/async.js';
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
  kill(pid: number, signo: number): number;
  /** A syscall was posted: true to let it in now, false to wait for serve() (a round). */
  request(): boolean;
  /** A syscall went into the kernel. */
  served(): void;
  /** The worker's own counters over the control plane (answered when its event loop is free). */
  stats(thread: Thread): Promise<RuntimeStats | null>;
}

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
    for (;;) {
      // (A death marks the channel dead, which ends this wait too.)
      const req = this.death ? null : await this.server.next();
      if (!req) return this.corpse();
      this.computing = false;
      this.pending = true;
      this.event();
      if (!this.hooks.request()) await new Promise<void>((r) => { this.grant = r; });
      this.pending = false;
      if (this.gone(proc)) return this.corpse();
      this.syscalls++;
      if (req.name === 'exit') {
        const [code, err] = req.args as [number, { message?: string; stack?: string } | undefined];
        if (err) throw Object.assign(new Error(err.message ?? 'worker error'), { stack: err.stack });
        return Number(code) | 0;
      }
      // The kernel call runs synchronously inside dispatch(); what it queued (frames,
      // wake-ups) moves at once, even if the call itself now sleeps.
      const pending = this.dispatch(sys, req);
      this.hooks.served();
      const r = await pending;
      if (this.gone(proc)) return this.corpse();
      this.server.reply(req, r);
      this.computing = true;
    }
  }

  private gone(proc: Process): boolean { return this.death !== null || proc.state === 'exited'; }

  /** The exit status of a thread that ended without an exit syscall. */
  private corpse(): number {
    const d = this.death;
    if (d?.error !== undefined) throw d.error;
    return d ? d.code : 0;
  }

  // Signals join here and in runtime.ts: a handler is a function of the worker, so
  // sigaction() will keep it there and register only its flags with the kernel; the reply
  // to every call carries the pending set (channel SIGP) and the worker runs the handlers
  // before the call returns — -EINTR or a restart decided here, as for async processes.
  private async dispatch(sys: Sys, req: Request): Promise<unknown> {
    const a = req.args;
    switch (req.name) {
      case 'fork': return typeof a[0] === 'string' ? this.hooks.fork(a[0], Array.isArray(a[1]) ? a[1] : []) : -EINVAL;
      case 'kill': return this.hooks.kill(Number(a[0]), Number(a[1]));
      case undefined: return -ENOSYS;
      default: {
        const f = (sys as unknown as Record<string, unknown>)[req.name];
        if (typeof f !== 'function') return -ENOSYS; // a call whose milestone has not landed
        return await (f as (...x: unknown[]) => unknown).apply(sys, a);
      }
    }
  }
}
