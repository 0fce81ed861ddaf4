// `npm start -- web`: the static server for the Web Worker page sends the headers that make
// the page cross-origin isolated (SharedArrayBuffer), serves only what the page needs, and
// points comlink's bare specifier at its ES module (Web Workers have no import maps).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startWebServer } from '../../scripts/web.mjs';

let server: Server;
let base = '';
beforeAll(async () => {
  server = await startWebServer(0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('web demo server', () => {
  it('redirects / to the page, which loads its script', async () => {
    const r = await fetch(`${base}/`, { redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/scripts/web/index.html');
    const page = await (await fetch(`${base}/scripts/web/index.html`)).text();
    expect(page).toContain('src="./main.mjs"');
  });

  it('sends COOP/COEP, serves the kernel as application/wasm, and rewrites comlink imports', async () => {
    const js = await fetch(`${base}/build/host/rpc/expose.js`);
    expect(js.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(js.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const text = await js.text();
    expect(text).toContain("from '/node_modules/comlink/dist/esm/comlink.mjs'");
    expect(text).not.toMatch(/from ['"]comlink['"]/);
    const wasm = await fetch(`${base}/build/kernel.wasm`);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect((await fetch(`${base}/node_modules/comlink/dist/esm/comlink.mjs`)).status).toBe(200);
  });

  it('serves nothing outside build/, scripts/web/ and comlink', async () => {
    for (const p of ['/package.json', '/scripts/web/../../package.json', '/node_modules/vitest/package.json', '/%2e%2e/etc/passwd']) {
      expect((await fetch(`${base}${p}`)).status, p).toBe(404);
    }
  });
});
