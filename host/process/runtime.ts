// The code that runs inside a process's worker thread: it imports the process's module and
// runs its default export main(sys, args) with the blocking syscalls (syscall/sys.ts) over
// the channel the kernel thread serves. It never sees kernel memory: only the channel.
import { ChannelClient } from '../syscall/channel.js';
import { BlockingSys } from '../syscall/sys.js';

export interface RuntimeInit {
  pid: number;
  name: string;
  moduleUrl: string;
  args: unknown[];
  channel: SharedArrayBuffer;
}

export interface RuntimeStats { pid: number; syscalls: number; running: boolean }

export class Runtime {
  private ch: ChannelClient | null = null;
  private pid = 0;
  private running = false;

  /** Starts main(sys, args); returns at once (its end is an exit syscall, not a reply). */
  start(init: RuntimeInit): void {
    const ch = new ChannelClient(init.channel);
    this.ch = ch;
    this.pid = init.pid;
    // Signal handlers run inside the call that meets the signal (BlockingSys installs
    // ch.onSignal): the kernel thread asks for each one before the call returns, which is
    // where signal(7) runs them, and decides -EINTR or a restart after it.
    const sys = new BlockingSys(ch, init.moduleUrl);
    this.running = true;
    void this.main(sys, init);
  }

  private async main(sys: BlockingSys, init: RuntimeInit): Promise<void> {
    let code = 0;
    let error: { message: string; stack?: string } | undefined;
    try {
      const mod = (await import(/* @vite-ignore */ init.moduleUrl)) as { default?: unknown };
      const main = mod.default;
      if (typeof main !== 'function') throw new TypeError(`kstack: ${init.moduleUrl} has no default export main(sys, args)`);
      const v: unknown = await main(sys, init.args);
      code = typeof v === 'number' ? v | 0 : 0;
    } catch (e) {
      // An uncaught exception ends the process with status 1 (as Node's own would).
      code = 1;
      error = e instanceof Error ? { message: e.message, stack: e.stack } : { message: String(e) };
    }
    this.running = false;
    this.ch!.call('exit', error ? [code, error] : [code]);
  }

  stats(): RuntimeStats { return { pid: this.pid, syscalls: this.ch?.calls ?? 0, running: this.running }; }
}
