// A process handle (API.md: { pid, exited, kill(signo) }) and its scheduling state.
// The scheduler (host/network.ts) moves a process between running, blocked and exited;
// a blocked process holds the syscall to repeat when its task is woken.

export interface ExitStatus { code?: number; signal?: number; error?: unknown }

export type ProcState = 'running' | 'blocked' | 'exited';

export class Process {
  state: ProcState = 'running';
  /** The syscall to repeat after a wake-up, and how to answer it. */
  retry: (() => number) | null = null;
  resolveBlocked: ((v: number) => void) | null = null;
  /** Woken by the kernel since it blocked. */
  woken = false;
  /** Waiting on something the host resolves (waitpid): counts as blocked, not running. */
  hostWait = false;
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
