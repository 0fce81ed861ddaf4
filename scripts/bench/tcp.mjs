// TCP bulk transfer, one connection, 64 KiB writes:
//   * over loopback inside one kstack host on the real clock (127.0.0.1), both engines;
//   * over this machine's real loopback with Node's `net`, in the same run, as the yardstick;
//   * across a 1 Gbit/s, 5 ms link between two kstack hosts on the virtual clock: the
//     simulated throughput (bytes over virtual time) and how many simulated bytes one
//     wall-clock second moves.
// The sender does blocking 64 KiB sends; the receiver reads with a 64 KiB buffer until EOF.
// A rate is over the data phase: from the sender's first byte (connect done) to the
// receiver's EOF. Every run checks that the receiver got exactly what was sent.
//
// Each kstack case runs in a child process (a fresh isolate, like every other figure in a
// new process) with a stall watchdog: TCP is new, and a lost wake-up or a clock that stops
// must turn into a precise FAIL row, not a hung bench.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { median, now } from './timing.mjs';

const CHUNK = 65536;
const PORT = 5001;
const STALL_MS = 3000; // no progress for this long (wall) = a hang

// ───── Node's net over the real loopback ─────

function nodeNetOnce(total) {
  return new Promise((resolve, reject) => {
    let got = 0;
    let t0 = 0;
    const server = net.createServer((s) => {
      s.on('data', (d) => { got += d.length; });
      s.on('end', () => {
        const ms = now() - t0;
        s.end();
        server.close();
        resolve({ ms, sent: total, got });
      });
      s.on('error', reject);
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const buf = Buffer.alloc(CHUNK, 0x5a);
      const c = net.connect(server.address().port, '127.0.0.1');
      c.on('error', reject);
      c.on('connect', () => {
        t0 = now();
        let sent = 0;
        const pump = () => {
          while (sent < total) {
            sent += CHUNK;
            if (!c.write(buf)) { c.once('drain', pump); return; }
          }
          c.end();
        };
        pump();
      });
    });
  });
}

// ───── one kstack run (in the child) ─────

async function kstackOnce({ engine, mode, total }) {
  const { Network, constants: C } = await import('../../build/host/index.js');
  const virtual = mode === 'link';
  const nw = await Network.create({ clock: virtual ? 'virtual' : 'real', engine, capture: false });
  let tx; let rx; let dst;
  if (virtual) {
    tx = nw.addHost({ name: 'tx', ip: '10.0.0.1' });
    rx = nw.addHost({ name: 'rx', ip: '10.0.0.2' });
    nw.link(tx, rx, { rateBps: 1e9, delayMs: 5 });
    dst = '10.0.0.2';
  } else {
    tx = rx = nw.addHost({ name: 'lo', ip: '10.0.0.1' });
    dst = '127.0.0.1';
  }
  const st = { phase: 'start', sent: 0, got: 0, t0: 0, t1: 0, v0: 0, v1: 0, err: null };
  let listening = false;
  const server = rx.spawn(async (sys) => {
    const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    let r = await sys.bind(l, { addr: '0.0.0.0', port: PORT });
    if (r !== 0) { st.err = `bind → ${r}`; return 1; }
    r = await sys.listen(l, 16);
    if (r !== 0) { st.err = `listen → ${r}`; return 1; }
    listening = true;
    const c = await sys.accept(l);
    if (c < 0) { st.err = `accept → ${c}`; return 1; }
    const buf = new Uint8Array(CHUNK);
    for (;;) {
      const n = await sys.recv(c, buf, 0);
      if (n < 0) { st.err = `recv → ${n} after ${st.got} B`; return 1; }
      if (n === 0) break;
      st.got += n;
    }
    st.t1 = now(); st.v1 = nw.now();
    await sys.close(c);
    await sys.close(l);
    return 0;
  });
  const client = tx.spawn(async (sys) => {
    while (!listening) await sys.nanosleep(1);
    const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    st.phase = 'connect';
    const r = await sys.connect(fd, { addr: dst, port: PORT });
    if (r !== 0) { st.err = `connect → ${r}`; return 1; }
    st.phase = 'data';
    st.t0 = now(); st.v0 = nw.now();
    const data = new Uint8Array(CHUNK).fill(0x5a);
    while (st.sent < total) {
      const n = await sys.send(fd, data, 0);
      if (n !== CHUNK) { st.err = `send → ${n} after ${st.sent} B`; return 1; }
      st.sent += n;
    }
    st.phase = 'close';
    await sys.close(fd);
    return 0;
  });

  // Stall watchdog: progress is any change in (phase, sent, got, network clock).
  let last = '';
  let lastAt = now();
  let stalled = null;
  const stop = new Promise((resolve) => {
    const iv = setInterval(() => {
      // On the real clock time always moves: progress is bytes and phases only.
      const key = `${st.phase}/${st.sent}/${st.got}${virtual ? `/${nw.now()}` : ''}`;
      if (key !== last) { last = key; lastAt = now(); return; }
      if (now() - lastAt < STALL_MS) return;
      clearInterval(iv);
      stalled = diagnose(`stalled ${STALL_MS / 1000} s in ${st.phase}`);
      resolve();
    }, 100);
    const diagnose = (what) => {
      const ss = (h) => h.ss().filter((s) => s.proto === 'tcp' || s.proto === undefined).map((s) => `${s.state} ${s.local}→${s.peer} recvQ=${s.recvQ} sendQ=${s.sendQ}${s.timer ? ` timer=${s.timer}` : ''}`);
      const mib = (h) => { const t = h.counters().Tcp; return `${h.name ?? ''} InSegs ${t.InSegs} OutSegs ${t.OutSegs} RetransSegs ${t.RetransSegs} ActiveOpens ${t.ActiveOpens} PassiveOpens ${t.PassiveOpens}`; };
      return {
        error: `${what} (sent ${st.sent} B, received ${st.got} B, network clock ${nw.now().toFixed(6)} ms${virtual && what.startsWith('stalled') ? ', virtual time not advancing' : ''})`,
        sockets: [...new Set([...ss(tx), ...ss(rx)])],
        tcp: virtual ? `${mib(tx)}; ${mib(rx)}` : mib(tx),
      };
    };
    nw.run({ untilIdle: true }).then(() => {
      clearInterval(iv);
      // untilIdle returns when every process waits with nothing scheduled to wake it.
      if (!(st.t1 > 0)) stalled = diagnose(`net.run went idle with processes still blocked in ${st.phase}`);
      resolve();
    }, (e) => { clearInterval(iv); stalled = { error: `net.run threw: ${e?.message ?? e}` }; resolve(); });
  });
  await stop;
  if (stalled) return stalled;
  const [se, ce] = [await server.exited, await client.exited];
  if (st.err || se.code !== 0 || ce.code !== 0) return { error: st.err ?? `exited ${JSON.stringify([se, ce])}` };
  if (st.got !== st.sent || st.sent !== total) return { error: `byte count: sent ${st.sent}, received ${st.got}, wanted ${total}` };
  return { ms: st.t1 - st.t0, virtualMs: st.v1 - st.v0, sent: st.sent, got: st.got };
}

async function childMain(spec) {
  const out = { runs: [] };
  // Warm-up (JIT, pools) with a smaller transfer; a failure here is the answer.
  const w = await kstackOnce({ ...spec, total: spec.warm });
  if (w.error) { out.error = w; return out; }
  for (let i = 0; i < spec.rounds; i++) {
    const r = await kstackOnce(spec);
    if (r.error) { out.error = r; return out; }
    out.runs.push(r);
  }
  return out;
}

function runChild(spec, timeoutMs) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch {
        resolve({ runs: [], error: { error: signal ? `killed (${signal}) after ${timeoutMs / 1000} s` : `child exited ${code}: ${err.trim().split('\n').slice(-3).join(' / ')}` } });
      }
    });
  });
}

/**
 * Rows: { kind: 'node'|'lo'|'link', engine, total, mbps (MB/s wall), simMbitps, simBytesPerWallSec, error }.
 */
export async function benchTcp({ quick = false, log = () => {} } = {}) {
  const rounds = quick ? 1 : 3;
  const MiB = 1 << 20;
  const loTotal = { wasm: (quick ? 64 : 256) * MiB, js: (quick ? 16 : 64) * MiB };
  const linkTotal = { wasm: (quick ? 16 : 64) * MiB, js: (quick ? 8 : 32) * MiB };
  const rows = [];

  // Node's net: warm-up, then the median of `rounds` runs of the same size as kstack wasm.
  await nodeNetOnce(16 * MiB);
  const nodeRuns = [];
  for (let i = 0; i < rounds; i++) nodeRuns.push(await nodeNetOnce(loTotal.wasm));
  const bad = nodeRuns.find((r) => r.got !== r.sent);
  const nodeMBps = median(nodeRuns.map((r) => r.sent / r.ms / 1e3));
  rows.push({ kind: 'node', engine: 'node', total: loTotal.wasm, mbps: nodeMBps, error: bad ? `byte count: sent ${bad.sent}, received ${bad.got}` : null });
  log(`  tcp node net loopback: ${nodeMBps.toFixed(0)} MB/s`);

  for (const [mode, totals] of [['lo', loTotal], ['link', linkTotal]]) {
    for (const engine of ['wasm', 'js']) {
      const total = totals[engine];
      const res = await runChild({ engine, mode, total, warm: Math.min(total, 16 * MiB), rounds }, 30_000);
      if (res.error) {
        const e = res.error;
        rows.push({ kind: mode, engine, total, error: e.error, detail: [e.sockets?.length ? `sockets: ${e.sockets.join('; ')}` : '', e.tcp ?? ''].filter(Boolean).join('; ') });
        log(`  tcp kstack ${mode} ${engine}: FAIL ${e.error}`);
        continue;
      }
      const rates = res.runs.map((r) => r.got / r.ms / 1e3);
      const mbps = median(rates);
      const mid = res.runs[rates.indexOf(mbps)] ?? res.runs[0];
      const row = { kind: mode, engine, total, mbps, error: null };
      if (mode === 'link') {
        row.simMbitps = (mid.got * 8) / (mid.virtualMs / 1e3) / 1e6;
        row.simBytesPerWallSec = mbps * 1e6;
        row.virtualMs = mid.virtualMs;
        row.wallMs = mid.ms;
      }
      rows.push(row);
      log(`  tcp kstack ${mode} ${engine}: ${mbps.toFixed(1)} MB/s wall${row.simMbitps ? `, ${row.simMbitps.toFixed(0)} Mbit/s simulated` : ''}`);
    }
  }
  return rows;
}

if (process.argv[2] === '--child') {
  const spec = JSON.parse(process.argv[3]);
  const out = await childMain(spec);
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
}
