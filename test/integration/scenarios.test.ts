// Every `npm start -- <scenario>` demo runs to completion on both engines and leaves a
// pcap behind, as scripts/demo.mjs runs it (a virtual clock, seed 1). The narration and
// any written files (plots) are collected instead of printed.
import { describe, it, expect } from 'vitest';
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Network, readPcap } from '../../build/host/index.js';
import { ENGINE } from '../helpers/machine.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort();

describe('npm start scenarios', () => {
  it('there are scenarios to run', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const f of files) {
    it(`scenario ${f.replace(/\.mjs$/, '')} runs to the end and writes a readable pcap`, async () => {
      const s = (await import(pathToFileURL(join(dir, f)).href)).default;
      expect(typeof s.name).toBe('string');
      expect(typeof s.run).toBe('function');
      const net = await Network.create({ clock: 'virtual', seed: 1, engine: ENGINE });
      const lines: string[] = [];
      const written = new Map<string, string>();
      await s.run({ net, say: (who: string, msg: string) => lines.push(`${who}: ${msg}`), write: (name: string, content: string) => written.set(name, content) });
      expect(lines.length).toBeGreaterThan(0);
      expect(readPcap(net.pcap()).records.length).toBeGreaterThan(0);
      for (const [name, content] of written) if (name.endsWith('.svg')) expect(content.startsWith('<svg'), name).toBe(true);
    });
  }
});
