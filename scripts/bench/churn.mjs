// Connection churn: connect, a 1-byte request, a 1-byte reply, close — connections per
// second, kstack (one host, 127.0.0.1, real clock) against Node's `net` over this
// machine's loopback, in the same run. The server closes first after its reply, so
// TIME_WAIT stays on the server side for both (no client port exhaustion over a
// long run: the client's ports come back at once).
import net from 'node:net';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Network, constants as C } from '../../build/host/index.js';
import { median } from './timing.mjs';

/** Node's net: sequential connections for `ms`, returns connections per second. */
async function nodeChurn(ms) {
  const server = net.createServer((s) => {
    s.once('data', () => { s.end('y'); });
    s.on('error', () => {});
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  const one = () => new Promise((resolve, reject) => {
    const c = net.connect({ port, host: '127.0.0.1' }, () => c.write('x'));
    c.once('data', () => { c.end(); });
    c.on('close', () => resolve());
    c.on('error', reject);
  });
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) { await one(); n++; }
  const sec = (performance.now() - t0) / 1000;
  await new Promise((r) => server.close(r));
  return n / sec;
}

/** kstack: a server process and a client process on one host, real clock. */
async function kstackChurn(engine, ms) {
  const knet = await Network.create({ clock: 'real', engine, capture: false });
  const h = knet.addHost({ name: 'h', ip: '10.0.0.1' });
  let n = 0;
  let stop = false;
  let t0 = 0;
  let sec = 0;
  const srv = h.spawn(async (sys) => {
    const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    await sys.setsockopt(l, C.SOL_SOCKET, C.SO_REUSEADDR, 1);
    await sys.bind(l, { addr: '127.0.0.1', port: 7 });
    await sys.listen(l, 128);
    const buf = new Uint8Array(1);
    for (;;) {
      const c = await sys.accept(l);
      if (c < 0) throw new Error(`accept ${c}`);
      const r = await sys.recv(c, buf, 0);
      if (r === 1 && buf[0] === 0x71) { await sys.close(c); break; } // 'q': the end
      await sys.send(c, 'y');
      await sys.close(c);
    }
    await sys.close(l);
  });
  const cli = h.spawn(async (sys) => {
    const buf = new Uint8Array(1);
    await sys.nanosleep(1); // the server is listening by then
    t0 = performance.now();
    while (!stop) {
      const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
      const rc = await sys.connect(fd, { addr: '127.0.0.1', port: 7 });
      if (rc !== 0) throw new Error(`connect ${rc} after ${n}`);
      await sys.send(fd, 'x');
      if ((await sys.recv(fd, buf, 0)) !== 1) throw new Error('recv');
      await sys.close(fd);
      n++;
      if (performance.now() - t0 >= ms) stop = true;
    }
    sec = (performance.now() - t0) / 1000;
    const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    await sys.connect(fd, { addr: '127.0.0.1', port: 7 });
    await sys.send(fd, 'q');
    await sys.close(fd);
  });
  await knet.run({ untilIdle: true });
  const [s, c] = [await srv.exited, await cli.exited];
  if (s.code !== 0 || c.code !== 0) throw new Error(`churn: ${JSON.stringify([s, c])}`);
  return { rate: n / sec, timeWait: h.ss().filter((e) => e.state === 'TIME-WAIT').length };
}

function inChild(spec) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.on('close', (code) => {
      try { resolve(JSON.parse(out.trim().split('\n').pop())); } catch { reject(new Error(`churn child exited ${code}`)); }
    });
  });
}

/** Rows: { kind: 'node' | 'wasm' | 'js', rate (connections/s), timeWait }. Each case in its own process. */
export async function benchChurn({ ms = 1500, rounds = 3, log = () => {} } = {}) {
  const rows = [];
  for (const kind of ['node', 'wasm', 'js']) {
    const runs = [];
    for (let r = 0; r < rounds; r++) runs.push(await inChild({ kind, ms }));
    const rate = median(runs.map((x) => x.rate));
    rows.push({ kind, rate, timeWait: runs[0].timeWait ?? null });
    log(`  churn ${kind}: ${Math.round(rate)} connections/s`);
  }
  return rows;
}

if (process.argv[2] === '--child') {
  const { kind, ms } = JSON.parse(process.argv[3]);
  const out = kind === 'node' ? { rate: await nodeChurn(ms) } : await kstackChurn(kind, ms);
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
}
