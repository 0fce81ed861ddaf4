// Worker processes (host.spawnWorker), real clock:
//   * one blocking syscall's round trip from a worker (getpid; a nonblocking recv that
//     answers EAGAIN) against a bare Atomics ping-pong over the same transport — the
//     worker Atomics.wait()s, the main thread answers from Atomics.waitAsync, as the kernel
//     thread does — and, for information, a ping-pong where both sides block;
//   * a TCP echo server in a worker with its client in another worker (127.0.0.1, one
//     kstack host), against the same ping-pong on Node's `net` over the real loopback:
//     request/response turns per second.
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { median, now } from './timing.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (f) => pathToFileURL(join(here, 'workers', f));
const host = () => import(pathToFileURL(join(here, '..', '..', 'build', 'host', 'index.js')).href);

/** µs per round trip: a worker pings, the main thread pongs from Atomics.waitAsync. */
export async function pingPongWaitAsync(n) {
  const sab = new SharedArrayBuffer(64);
  const i32 = new Int32Array(sab);
  const w = new Worker(fixture('pingpong.mjs'), { workerData: { sab, n, role: 'ping' } });
  const done = new Promise((r) => w.once('message', r));
  for (let i = 0; i < n; i++) {
    for (;;) {
      const v = Atomics.load(i32, 0);
      if (v === 1) break;
      const r = Atomics.waitAsync(i32, 0, v);
      if (r.async) await r.value;
    }
    Atomics.store(i32, 0, 0);
    Atomics.notify(i32, 0);
  }
  const ms = await done;
  await w.terminate();
  return (ms * 1000) / n;
}

/** µs per round trip between two workers that both block in Atomics.wait. */
export async function pingPongBlocking(n) {
  const sab = new SharedArrayBuffer(64);
  const echo = new Worker(fixture('pingpong.mjs'), { workerData: { sab, n, role: 'echo' } });
  const ping = new Worker(fixture('pingpong.mjs'), { workerData: { sab, n, role: 'ping' } });
  const ms = await new Promise((r) => ping.once('message', r));
  await Promise.all([echo.terminate(), ping.terminate()]);
  return (ms * 1000) / n;
}

/** µs per syscall from a worker on a real-clock network. */
export async function workerCalls(n, kind) {
  const { Network } = await host();
  const netw = await Network.create({ clock: 'real', capture: false });
  const h = netw.addHost({ name: 'h', ip: '10.0.0.1' });
  const sab = new SharedArrayBuffer(64);
  const p = h.spawnWorker(fixture('calls.mjs'), { args: [sab, n, kind] });
  const st = await p.exited;
  if (st.code !== 0) throw new Error(`calls worker: ${JSON.stringify(st)}`);
  return (new Float64Array(sab)[0] * 1000) / n;
}

export async function kstackEcho(n, size) {
  const { Network } = await host();
  const netw = await Network.create({ clock: 'real', capture: false });
  const h = netw.addHost({ name: 'h', ip: '10.0.0.1' });
  const sab = new SharedArrayBuffer(64);
  const server = h.spawnWorker(fixture('echo-server.mjs'), { args: [7000] });
  const client = h.spawnWorker(fixture('echo-client.mjs'), { args: [sab, 7000, n, size, 200] });
  const run = netw.run();
  const st = await client.exited;
  await server.exited;
  await run;
  const f = new Float64Array(sab);
  if (st.code !== 0 || f[1] !== 0) throw new Error(`echo client: ${JSON.stringify(st)}, ${f[1]} short echoes`);
  return n / (f[0] / 1000);
}

export function nodeEcho(n, size) {
  return new Promise((resolve, reject) => {
    const server = net.createServer({ noDelay: true }, (s) => {
      s.setNoDelay(true);
      s.on('data', (d) => s.write(d));
      s.on('error', () => {});
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const c = net.connect(server.address().port, '127.0.0.1');
      c.setNoDelay(true);
      const msg = Buffer.alloc(size, 0x5a);
      const warm = 200;
      let turns = 0;
      let got = 0;
      let t0 = 0;
      c.on('error', reject);
      c.on('connect', () => c.write(msg));
      c.on('data', (d) => {
        got += d.length;
        if (got < size) return;
        got -= size;
        turns++;
        if (turns === warm) t0 = now();
        if (turns === warm + n) {
          const ms = now() - t0;
          c.end();
          server.close();
          resolve(n / (ms / 1000));
          return;
        }
        c.write(msg);
      });
    });
  });
}

export async function benchWorkers({ quick = false, log = () => {} } = {}) {
  const rounds = quick ? 1 : 3;
  const calls = quick ? 50_000 : 100_000;
  const turns = quick ? 2_000 : 10_000;
  const rows = {};
  const med = async (f) => {
    const xs = [];
    for (let r = 0; r < rounds; r++) xs.push(await f());
    return median(xs);
  };
  log('  workers: ping-pong and syscalls…');
  // Interleaved round by round, so that a noisy neighbour weighs on all four alike.
  const xs = { pingWaitAsync: [], pingBlocking: [], getpid: [], recvEagain: [] };
  for (let r = 0; r < rounds + 2; r++) {
    xs.pingWaitAsync.push(await pingPongWaitAsync(calls));
    xs.pingBlocking.push(await pingPongBlocking(calls));
    xs.getpid.push(await workerCalls(calls, 'getpid'));
    xs.recvEagain.push(await workerCalls(calls, 'recv'));
  }
  for (const k of Object.keys(xs)) rows[k] = median(xs[k]);
  log('  workers: echo…');
  rows.size = 64;
  rows.nodeEcho = await med(() => nodeEcho(turns, rows.size));
  rows.kstackEcho = await med(() => kstackEcho(turns, rows.size));
  rows.calls = calls;
  rows.turns = turns;
  return rows;
}
