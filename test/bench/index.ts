/**
 * `npm run bench [-- NAME]`: runs test/bench/NAME.ts (or every bench) and passes through its
 * `BENCH <name> <figure>=<value> <unit>` lines.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const all = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.startsWith('_')).map((f) => f.replace(/\.ts$/, '')).sort();
const wanted = process.argv.slice(2).filter((a) => a !== '--');
const names = wanted.length ? wanted : all;
let failed = 0;
for (const name of names) {
  if (!all.includes(name)) {
    console.error(`unknown bench ${name}; known: ${all.join(', ')}`);
    failed++;
    continue;
  }
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, `${name}.ts`)], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
