// `npm start -- web`: serves scripts/web/ (a page whose processes run in Web Workers) with
// the COOP/COEP headers SharedArrayBuffer needs. A plain static server over the repository:
// the only rewrite is comlink's bare specifier to its ES module file (Web Workers have no
// import maps).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.map': 'application/json', '.json': 'application/json' };
const ALLOWED = ['build/', 'scripts/web/', 'node_modules/comlink/'];
const COMLINK = '/node_modules/comlink/dist/esm/comlink.mjs';

/** `allow`: more repository folders to serve (the bench serves scripts/bench/). */
export function startWebServer(port = Number(process.env.PORT ?? 8080), { allow = [] } = {}) {
  const allowed = [...ALLOWED, ...allow];
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^\/+/, '');
    if (path === '' || path === '.') {
      res.writeHead(302, { Location: '/scripts/web/index.html' }).end();
      return;
    }
    const file = path;
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    if (file.includes('..') || !allowed.some((p) => file.startsWith(p))) {
      res.writeHead(404).end('not found');
      return;
    }
    try {
      let body = await readFile(join(root, file));
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      if (type === 'text/javascript') body = Buffer.from(body.toString('utf8').replace(/(from\s*|import\s*\()(['"])comlink\2/g, `$1$2${COMLINK}$2`));
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-cache' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await startWebServer();
  console.log(`kstack web demo: http://127.0.0.1:${server.address().port}/ (Ctrl-C to stop)`);
}
