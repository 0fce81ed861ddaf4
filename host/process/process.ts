// A process handle (API.md: { pid, exited, kill(signo) }) and its scheduling state.
// The scheduler (host/network.ts) moves a process between running, blocked and exited;
// a blocked process holds the syscall to repeat when its task is woken.

export interface ExitStatus { code?: number; signal?: number; error?: unknown }

export type ProcState = 'running' | 'blocked' | 'exited';

/**
 * A process whose code runs on another thread (host.spawnWorker, process/thread.ts). The
 * scheduler serves its syscalls and, on the virtual clock, counts it as running while it
 * computes between two of them: time moves only when every process waits.
 */
export interface ProcThread {
  /** The worker runs its own code (no syscall posted, none in the kernel). */
  readonly computing: boolean;
  /** A posted syscall waits for the scheduler. */
  readonly pending: boolean;
  /** Lets the posted syscall into the kernel. */
  serve(): void;
  /** Resolves when the worker next posts a syscall or dies. */
  nextEvent(): Promise<void>;
}

export class Process {
  state: ProcState = 'running';
  /** The syscall to repeat after a wake-up, and how to answer it. */
  retry: (() => number) | null = null;
  resolveBlocked: ((v: number) => void) | null = null;
  /** Woken by the kernel since it blocked. */
  woken = false;
  /** Waiting on something the host resolves (waitpid): counts as blocked, not running. */
  hostWait = false;
  /** Ends that wait early: a signal woke the task (do_wait's signal_pending check). */
  interruptHostWait: (() => void) | null = null;
  /** Set for a process in a worker thread. */
  thread: ProcThread | null = null;
  readonly exited: Promise<ExitStatus>;
  private resolveExit!: (s: ExitStatus) => void;
  status: ExitStatus | null = null;

  constructor(
    readonly pid: number,
    readonly name: string,
    private readonly onKill: (p: Process, signo: number) => void,
  ) {
    this.exited = new Promise((r) => { this.resolveExit = r; });
  }

  /** Ends the process with a status (first call wins). */
  finish(status: ExitStatus): boolean {
    if (this.state === 'exited') return false;
    this.state = 'exited';
    this.retry = null;
    this.resolveBlocked = null;
    this.status = status;
    this.resolveExit(status);
    return true;
  }

  kill(signo: number): void { this.onKill(this, signo); }
}
