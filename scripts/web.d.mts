// Types for scripts/web.mjs (the `npm start -- web` server), for the tests.
import type { Server } from 'node:http';
export function startWebServer(port?: number, opts?: { allow?: string[] }): Promise<Server>;
