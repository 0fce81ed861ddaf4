// npm run fuzz -- [--frames N] [--seed S] [--engine wasm|js] [--batch B]
//
// Injects N random and mutated Ethernet frames (scripts/fuzz-frames.mjs) into both hosts
// of a two-host network, with a UDP server, a connected UDP socket and a ping socket on
// each. After every batch, virtual time moves 1 ms (now and then up to 35 s, so the
// reassembly and ARP timers fire); any exception (a Wasm trap, a kernel abort) stops the
// run with the frame that was being injected. At the end the services stop, 300 s of
// virtual time run out every timer, and the skb pool must be back at its baseline, no
// timer, socket, file, task or reassembly queue left, and every counter identity of
// accountFuzz() must hold. Prints progress every 10 s; Ctrl-C stops early and still
// checks and prints the summary. Exit code 0 = clean, 1 = a check failed, 2 = a trap.
import { Network, constants as C } from '../build/host/index.js';
import { runFuzz, accountFuzz } from './fuzz-frames.mjs';

function parseArgs(argv) {
  const o = { frames: 10_000_000, seed: 1, engine: 'wasm', batch: 32 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [k, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const val = () => inline ?? argv[++i];
    switch (k) {
      case '--frames': o.frames = Number(String(val()).replace(/_/g, '')); break;
      case '--seed': o.seed = Number(val()); break;
      case '--engine': o.engine = String(val()); break;
      case '--batch': o.batch = Number(val()); break;
      case '-h': case '--help':
        console.log('usage: npm run fuzz -- [--frames N] [--seed S] [--engine wasm|js] [--batch B]');
        process.exit(0);
      default: throw new Error(`fuzz: unknown argument ${a}`);
    }
  }
  if (!Number.isInteger(o.frames) || o.frames < 0) throw new Error('fuzz: --frames must be a non-negative integer');
  if (!Number.isInteger(o.seed)) throw new Error('fuzz: --seed must be an integer');
  if (o.engine !== 'wasm' && o.engine !== 'js') throw new Error('fuzz: --engine must be wasm or js');
  if (!Number.isInteger(o.batch) || o.batch < 1) throw new Error('fuzz: --batch must be >= 1');
  return o;
}

const hex = (f) => Array.from(f, (b) => b.toString(16).padStart(2, '0')).join('');

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const net = await Network.create({ clock: 'virtual', seed: o.seed, engine: o.engine, capture: false });
  const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
  const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
  net.link(a, b, {});
  console.log(`fuzz: ${o.frames.toLocaleString('en')} frames, seed ${o.seed}, engine ${o.engine}, batch ${o.batch}`);

  let stop = false;
  process.on('SIGINT', () => {
    if (stop) process.exit(130);
    stop = true;
    console.log('\nfuzz: interrupted; finishing the batch and checking (Ctrl-C again to quit now)');
  });

  const t0 = Date.now();
  let r;
  try {
    r = await runFuzz({
      net, C, frames: o.frames, seed: o.seed, batch: o.batch,
      progressMs: 10_000,
      onProgress: (done) => {
        const s = (Date.now() - t0) / 1000;
        const pct = o.frames ? ((100 * done) / o.frames).toFixed(1) : '100';
        console.log(`  ${done.toLocaleString('en')} frames (${pct}%), ${Math.round(done / s).toLocaleString('en')} frames/s, virtual ${(net.now() / 1000).toFixed(1)} s`);
      },
      shouldStop: () => stop,
    });
  } catch (err) {
    const at = err && err.fuzzFrame ? err.fuzzFrame : null;
    console.error('fuzz: EXCEPTION escaped the kernel:', err && err.stack ? err.stack : err);
    if (at) console.error(`fuzz: while injecting frame #${at.index} into ${at.host}: ${hex(at.frame)}`);
    process.exit(2);
  }
  const secs = (Date.now() - t0) / 1000;

  let failed = false;
  console.log(`\nfuzz: ${r.frames.toLocaleString('en')} frames in ${secs.toFixed(1)} s (${Math.round(r.frames / (r.fuzzMs / 1000)).toLocaleString('en')} frames/s while injecting), virtual time ${(net.now() / 1000).toFixed(1)} s`);
  for (const [i, h] of net.hosts.entries()) {
    const s = h.stats();
    const leak = { skbInUse: s.skbInUse - h.ends.length * 256, timers: s.timers, sockets: s.sockets, files: s.files, tasks: s.tasks, ipfragQueues: s.ipfragQueues };
    const leaked = Object.values(leak).some((v) => v !== 0);
    if (leaked) failed = true;
    const c = h.counters();
    console.log(`\n${h.name} (${h.ip}): injected ${JSON.stringify(r.tally[i])}`);
    console.log(`  services exit: ${JSON.stringify(r.exits[i])}, ping ident ${r.pingIds[i]}`);
    if (!('code' in Object(r.exits[i])) || r.exits[i].code !== 0) failed = true;
    console.log(`  after 300 s: ${leaked ? 'LEAK ' : ''}${JSON.stringify(leak)} (neighbours ${s.neighbours})`);
    console.log(`  link: ${JSON.stringify(h.linkStats(h.ends[0].ifindex))}`);
    console.log(`  drops: ${JSON.stringify(h.drops())}`);
    const nz = (g) => JSON.stringify(Object.fromEntries(Object.entries(g ?? {}).filter(([, v]) => v !== 0)));
    console.log(`  Ip: ${nz(c.Ip)}`);
    console.log(`  IpExt: ${nz(c.IpExt)}`);
    console.log(`  Icmp: ${nz(c.Icmp)}`);
    console.log(`  Udp: ${nz(c.Udp)}`);
  }
  console.log('\naccounting:');
  for (const chk of accountFuzz(net, r.tally)) {
    if (!chk.ok) failed = true;
    console.log(`  ${chk.ok ? 'ok  ' : 'FAIL'} ${chk.host}: ${chk.name}: ${chk.lhs} vs ${chk.rhs}`);
  }
  console.log(failed ? '\nfuzz: FAILED' : '\nfuzz: clean');
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(2);
});
