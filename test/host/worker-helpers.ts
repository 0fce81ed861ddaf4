// Helpers for the worker-process tests (Node and Chromium): fixture URLs and the
// SharedArrayBuffer a fixture reports its findings through (workers/report.mjs).
import { constants as C, type Host, type Process, type Sys } from '../../build/host/index.js';
export const fixture = (name: string): URL => new URL(`./workers/${name}`, import.meta.url);

export const newReport = (): SharedArrayBuffer => new SharedArrayBuffer(1 << 16);

export function readReport<T = Record<string, unknown>>(sab: SharedArrayBuffer): T {
  const len = new Uint32Array(sab, 0, 1)[0];
  if (!len) throw new Error('the worker reported nothing');
  return JSON.parse(new TextDecoder().decode(new Uint8Array(sab, 4, len).slice())) as T;
}

/** Waits (real time, a few ms at a time) until cond() holds; for steps the test must see happen. */
export async function until(cond: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * An async server on b:80 for the crash cases: reads the client's line, optionally
 * answers (the client leaves it unread), then records what its next recv sees (0 = FIN).
 */
export function crashPeer(b: Host, answer: boolean): { proc: Process; seen: { hello?: string; after?: number } } {
  const seen: { hello?: string; after?: number } = {};
  const proc = b.spawn(async (sys: Sys) => {
    const l = await sys.socket(C.AF_INET, C.SOCK_STREAM, 0);
    await sys.bind(l, { addr: '0.0.0.0', port: 80 });
    await sys.listen(l, 1);
    const c = await sys.accept(l);
    const buf = new Uint8Array(64);
    const n = await sys.recv(c, buf, 0);
    if (answer) await sys.send(c, 'reply');
    seen.hello = new TextDecoder().decode(buf.subarray(0, Math.max(0, n)));
    seen.after = await sys.recv(c, buf, 0);
    await sys.close(c);
    await sys.close(l);
  });
  return { proc, seen };
}
