// Node's platform adapter for process threads: node:worker_threads behind the small
// Endpoint shape comlink speaks (postMessage + add/removeEventListener of 'message'), as
// comlink's node-adapter does. The only place that knows worker_threads.
import { Worker, parentPort } from 'node:worker_threads';
import type { Endpoint, Thread, ThreadPlatform } from './thread.js';

interface NodePort {
  postMessage(m: unknown, transfer?: readonly Transferable[]): void;
  on(type: 'message', l: (data: unknown) => void): void;
  off(type: 'message', l: (data: unknown) => void): void;
}

function endpoint(port: NodePort): Endpoint {
  const wrapped = new Map<EventListenerOrEventListenerObject, (data: unknown) => void>();
  return {
    postMessage: (m, transfer) => port.postMessage(m, transfer as Transferable[] | undefined),
    addEventListener(_type, l) {
      const h = (data: unknown): void => {
        const ev = { data } as MessageEvent;
        if (typeof l === 'function') l(ev);
        else l.handleEvent(ev);
      };
      wrapped.set(l, h);
      port.on('message', h);
    },
    removeEventListener(_type, l) {
      const h = wrapped.get(l);
      if (h) port.off('message', h);
      wrapped.delete(l);
    },
  };
}

export const platform: ThreadPlatform = {
  spawn(name, onDeath): Thread {
    const w = new Worker(new URL('../rpc/worker-entry.js', import.meta.url), { name });
    // A process blocked forever (a server in accept) must not keep Node alive, just as a
    // pending promise does not for an async process.
    w.unref();
    let error: unknown;
    w.on('error', (e) => { error = e; });
    // process.exit(n) inside the worker, an uncaught error (code 1), or terminate().
    w.on('exit', (code) => onDeath(error === undefined ? { code } : { code: 1, error }));
    return { endpoint: endpoint(w as unknown as NodePort), terminate: () => { void w.terminate(); } };
  },
  parent(): Endpoint {
    if (!parentPort) throw new Error('kstack: not in a worker thread');
    return endpoint(parentPort as unknown as NodePort);
  },
};
