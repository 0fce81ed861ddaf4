// Installs dependencies when node_modules is missing, so that `npm start` and `npm test`
// work on a fresh clone with nothing installed.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const need = ['assemblyscript', 'typescript', 'vitest', 'comlink'];
if (need.some((p) => !existsSync(join(root, 'node_modules', p, 'package.json')))) {
  console.log('kstack: installing dependencies (npm ci)…');
  execSync(existsSync(join(root, 'package-lock.json')) ? 'npm ci --no-audit --no-fund' : 'npm install --no-audit --no-fund', {
    cwd: root,
    stdio: 'inherit',
  });
}
