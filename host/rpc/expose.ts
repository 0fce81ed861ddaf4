// comlink on both ends of the control plane: the worker exposes its Runtime; the kernel
// thread spawns the thread through the platform adapter and starts it.
import * as Comlink from 'comlink';
import { Runtime } from '../process/runtime.js';
import { threadPlatform, type Endpoint, type Thread, type ThreadDeath } from '../process/thread.js';
import type { RuntimeInit, RuntimeStats } from '../process/runtime.js';
import { READY, type ControlMessage, type ControlReply, type WorkerControl } from './protocol.js';

/** Inside the worker: answers control messages, then says it is ready. */
export function exposeRuntime(ep: Endpoint): void {
  const runtime = new Runtime();
  const api: WorkerControl = {
    control(msg: ControlMessage): ControlReply {
      switch (msg.kind) {
        case 'start':
          runtime.start(msg.init);
          return { kind: 'started' };
        case 'stats':
          return { kind: 'stats', stats: runtime.stats() };
      }
    },
  };
  Comlink.expose(api, ep as Comlink.Endpoint);
  ep.postMessage(READY);
}

function ready(ep: Endpoint): Promise<void> {
  return new Promise((resolve) => {
    const l = (ev: Event): void => {
      if ((ev as MessageEvent).data !== READY) return;
      ep.removeEventListener('message', l);
      resolve();
    };
    ep.addEventListener('message', l);
    ep.start?.();
  });
}

const controls = new WeakMap<Thread, Comlink.Remote<WorkerControl>>();

/** On the kernel thread: a new worker thread running the process described by `init`. */
export async function launchWorker(init: RuntimeInit, onDeath: (d: ThreadDeath) => void): Promise<Thread> {
  const platform = await threadPlatform();
  const thread = platform.spawn(init.name, onDeath);
  await ready(thread.endpoint);
  const remote = Comlink.wrap<WorkerControl>(thread.endpoint as Comlink.Endpoint);
  controls.set(thread, remote);
  await remote.control({ kind: 'start', init });
  return thread;
}

/** A worker's runtime counters (answered when its event loop is free, e.g. while main awaits). */
export async function workerStats(thread: Thread): Promise<RuntimeStats | null> {
  const r = await controls.get(thread)?.control({ kind: 'stats' });
  return r?.kind === 'stats' ? r.stats : null;
}
