// The yardstick for a worker's syscall round trip: the same transport with nothing on it.
// This worker flips word 0 to 1, notifies, and Atomics.wait()s until the other side flips
// it back; `n` times. The other side is the main thread (Atomics.waitAsync, as the kernel
// thread serves) or, for the both-sides-blocking figure, another worker.
import { workerData, parentPort } from 'node:worker_threads';

const { sab, n, role } = workerData;
const i32 = new Int32Array(sab);
if (role === 'echo') {
  for (let i = 0; i < n; i++) {
    while (Atomics.load(i32, 0) !== 1) Atomics.wait(i32, 0, 0);
    Atomics.store(i32, 0, 0);
    Atomics.notify(i32, 0);
  }
  parentPort.postMessage(0);
} else {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    Atomics.store(i32, 0, 1);
    Atomics.notify(i32, 0);
    while (Atomics.load(i32, 0) === 1) Atomics.wait(i32, 0, 1);
  }
  parentPort.postMessage(performance.now() - t0);
}
