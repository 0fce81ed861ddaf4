// The control plane between the kernel thread and a process's worker, as a discriminated
// union (comlink carries it; the syscalls go through the channel, syscall/channel.ts).
// Killing is not a message: a worker blocked in Atomics.wait or in a loop reads none, so
// kill ends the thread from outside (Thread.terminate).
import type { RuntimeInit, RuntimeStats } from '../process/runtime.js';

export type ControlMessage =
  | { kind: 'start'; init: RuntimeInit }
  | { kind: 'stats' };

export type ControlReply =
  | { kind: 'started' }
  | { kind: 'stats'; stats: RuntimeStats };

/** What a worker exposes (rpc/worker-entry.ts). */
export interface WorkerControl {
  control(msg: ControlMessage): ControlReply;
}

/** The worker's first message, once it listens: the kernel thread waits for it before talking. */
export const READY = 'kstack:ready';
