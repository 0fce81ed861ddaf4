// The browser's platform adapter for process threads: module Web Workers (their
// postMessage/addEventListener already are the Endpoint comlink speaks). Needs a
// cross-origin isolated page (COOP/COEP) for SharedArrayBuffer.
import type { Endpoint, Thread, ThreadPlatform } from './thread.js';

declare const self: Endpoint;

export const platform: ThreadPlatform = {
  spawn(name, onDeath): Thread {
    // The literal `new Worker(new URL(…, import.meta.url), { type: 'module' })` is the form
    // bundlers and dev servers (Vite, webpack, Parcel) recognise and serve as a worker.
    const w = new Worker(new URL('../rpc/worker-entry.js', import.meta.url), { type: 'module', name });
    // An uncaught error ends the process (code 1, as Node's worker does); the browser
    // keeps the thread, so it is terminated here. Web Workers have no exit(n).
    let dead = false;
    const die = (error: unknown): void => {
      if (dead) return;
      dead = true;
      w.terminate();
      onDeath({ code: 1, error });
    };
    w.addEventListener('error', (e) => die(e instanceof ErrorEvent ? new Error(e.message) : new Error('worker error')));
    w.addEventListener('messageerror', () => die(new Error('worker messageerror')));
    return { endpoint: w as unknown as Endpoint, terminate: () => { dead = true; w.terminate(); } };
  },
  parent(): Endpoint {
    return self;
  },
};
