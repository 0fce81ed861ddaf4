// Shared by the epoll and poll/select tests: one process on a fresh host, and a loopback
// TCP connection inside it.
import { expect } from 'vitest';
import { constants as C, type Host, type Network } from '../../build/host/index.js';
import type { Sys } from '../../build/host/syscall/async.js';
import { boot, expectNoLeaks } from './machine.js';

export const LO = '127.0.0.1';

/** Runs fn as one process on a fresh host; then every pool, epitem and poll entry is back. */
export async function inProcess<T>(fn: (sys: Sys, h: Host, net: Network) => Promise<T>): Promise<T> {
  const net = await boot();
  const h = net.addHost({ name: 'h', ip: '10.0.0.1' });
  let out: T | undefined;
  let err: unknown;
  let done = false;
  h.spawn(async (sys) => {
    try {
      out = await fn(sys, h, net);
    } catch (e) {
      err = e;
    }
    done = true;
  });
  await net.run({ untilIdle: true });
  if (err) throw err;
  expect(done).toBe(true);
  expect(h.kernel.x.stat_epitems()).toBe(0);
  expect(h.kernel.x.stat_poll_entries()).toBe(0);
  await expectNoLeaks(net);
  return out as T;
}

/** A loopback TCP connection inside one process: l listens, c connected to s. */
export async function tcpPair(sys: Sys, port: number): Promise<{ l: number; c: number; s: number }> {
  const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  expect(await sys.bind(l, { addr: LO, port })).toBe(0);
  expect(await sys.listen(l, 16)).toBe(0);
  const c = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
  expect(await sys.connect(c, { addr: LO, port })).toBe(0);
  const s = await sys.accept(l);
  expect(s).toBeGreaterThanOrEqual(0);
  return { l, c, s };
}
