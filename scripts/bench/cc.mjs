// Congestion-control simulation speed: one CUBIC (or Reno) flow across a 1 Gbit/s, 10 ms
// one-way link between two kstack hosts on the virtual clock, capture off. Reports how
// many simulated seconds pass per wall-clock second, per engine (the figure that says how
// long a netsim table or a long-fat-pipe experiment takes to run).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Rows: { engine, cc, total, simSeconds, wallSeconds, simPerWall, simMbitps, error }. */
export async function benchCc({ quick = false, log = () => {} } = {}) {
  const { Network, constants: C } = await import(join(root, 'build/host/index.js'));
  const rows = [];
  for (const engine of ['wasm', 'js'])
    for (const cc of ['cubic', 'reno']) {
      const total = (engine === 'wasm' ? 64 : 16) * 1048576 / (quick ? 4 : 1);
      log(`  cc ${engine} ${cc}…`);
      try {
        const net = await Network.create({ clock: 'virtual', seed: 1, engine, capture: false });
        const a = net.addHost({ name: 'tx', ip: '10.0.0.1' });
        const b = net.addHost({ name: 'rx', ip: '10.0.0.2' });
        net.link(a, b, { rateBps: 1e9, delayMs: 10, queuePackets: 2000 });
        a.sysctl('net.ipv4.tcp_congestion_control', cc);
        b.spawn(async (sys) => {
          const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
          await sys.bind(l, { addr: '0.0.0.0', port: 5001 });
          await sys.listen(l, 1);
          const c = await sys.accept(l);
          const buf = new Uint8Array(1 << 16);
          while ((await sys.recv(c, buf)) > 0);
          await sys.close(c);
          await sys.close(l);
        });
        let simMs = 0;
        a.spawn(async (sys) => {
          const fd = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
          await sys.connect(fd, { addr: '10.0.0.2', port: 5001 });
          const t0 = await sys.clock_gettime();
          const chunk = new Uint8Array(1 << 16);
          for (let sent = 0; sent < total; sent += chunk.length) await sys.send(fd, chunk);
          while ((await sys.ioctl(fd, C.SIOCOUTQ)) > 0) await sys.nanosleep(1);
          simMs = (await sys.clock_gettime()) - t0;
          await sys.close(fd);
        });
        const w0 = performance.now();
        await net.run({ untilIdle: true });
        const wallMs = performance.now() - w0;
        rows.push({ engine, cc, total, simSeconds: simMs / 1000, wallSeconds: wallMs / 1000, simPerWall: simMs / wallMs, simMbitps: (total * 8) / (simMs / 1000) / 1e6 });
      } catch (e) {
        rows.push({ engine, cc, total, error: String(e?.message ?? e) });
      }
    }
  return rows;
}
