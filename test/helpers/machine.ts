// Boots networks for tests on the engine the vitest project names (KSTACK_ENGINE: 'wasm'
// or 'js'), on the virtual clock, and checks for leaks afterwards.
import { expect } from 'vitest';
import { Network, type Host, type NetworkOptions } from '../../build/host/index.js';

// In Chromium (the browser project) there is no process: the Wasm engine.
export const ENGINE = (typeof process !== 'undefined' && process.env.KSTACK_ENGINE === 'js' ? 'js' : 'wasm') as 'wasm' | 'js';

export function boot(opts: NetworkOptions = {}): Promise<Network> {
  return Network.create({ clock: 'virtual', seed: 1, engine: ENGINE, ...opts });
}

/** Two hosts, client 10.0.0.1 and server 10.0.0.2, on one link with the given options. */
export async function pair(link: Parameters<Network['link']>[2] = {}, opts: NetworkOptions = {}): Promise<{ net: Network; a: Host; b: Host }> {
  const net = await boot(opts);
  const a = net.addHost({ name: 'client', ip: '10.0.0.1' });
  const b = net.addHost({ name: 'server', ip: '10.0.0.2' });
  net.link(a, b, link);
  return { net, a, b };
}

/** RX descriptors every interface keeps posted (each holds an skb). */
function ringBaseline(h: Host): number {
  return h.ends.length * 256;
}

/**
 * After a test: let virtual time run out the kernel's timers (ARP entries go STALE,
 * reassembly queues expire), then require the skb pool back at its baseline (posted RX
 * buffers only), no armed timers, and no sockets, files, tasks or reassembly queues.
 */
export async function expectNoLeaks(net: Network): Promise<void> {
  await net.run({ untilMs: net.now() + 300_000 });
  for (const h of net.hosts) {
    const s = h.stats();
    expect({ host: h.name, ...s, skbInUse: s.skbInUse - ringBaseline(h) }).toMatchObject({
      host: h.name, skbInUse: 0, timers: 0, sockets: 0, files: 0, tasks: 0, ipfragQueues: 0,
    });
  }
}
