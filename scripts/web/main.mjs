// The page's script: a network on the virtual clock whose two processes run in Web Workers.
import { Network, formatFrame, constants as C } from '/build/host/index.js';

const trace = document.getElementById('trace');
const status = document.getElementById('status');
const line = (s) => { trace.textContent += s + '\n'; };

try {
  if (!crossOriginIsolated) throw new Error('this page is not cross-origin isolated (COOP/COEP): no SharedArrayBuffer');
  const net = await Network.create({ clock: 'virtual', seed: 1 });
  const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
  const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
  net.link(a, b, { delayMs: 10, lossRate: 0.05 });
  net.onFrame((t, f) => line(formatFrame(t, f)));
  const server = b.spawnWorker(new URL('./echo-server.mjs', import.meta.url), { args: [7] });
  const client = a.spawnWorker(new URL('./echo-client.mjs', import.meta.url), { args: ['10.0.0.2', 7, 5] });
  status.textContent = 'running…';
  await net.run();
  const cs = await client.exited;
  const ss = await server.exited;
  line('');
  line(`client (pid ${client.pid}, a Web Worker): exited ${JSON.stringify(cs)}`);
  line(`server (pid ${server.pid}, a Web Worker): exited ${JSON.stringify(ss)} — bytes echoed`);
  const c = a.counters();
  line(`client Tcp: ActiveOpens ${c.Tcp.ActiveOpens}, OutSegs ${c.Tcp.OutSegs}, RetransSegs ${c.Tcp.RetransSegs}`);
  status.textContent = `done: ${net.now()} ms of virtual time`;
  document.title += ' (done)';
} catch (e) {
  status.innerHTML = `<span class="err">${String(e?.stack ?? e)}</span>`;
  document.title += ' (failed)';
}
void C;
