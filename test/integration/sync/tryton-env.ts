/** Starts the shared Tryton 6.0 test ERP (../shared/erp-tryton/start-tryton.sh) or says why it cannot. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SHARED_DIR = process.env.CADENCE_SHARED_DIR ?? path.resolve(REPO_ROOT, '..', 'shared');
export const START_SCRIPT = path.join(SHARED_DIR, 'erp-tryton', 'start-tryton.sh');

export const TRYTON = {
  url: process.env.TRYTON_URL ?? `http://127.0.0.1:${process.env.TRYTON_PORT ?? '8765'}`,
  database: process.env.TRYTON_DB ?? 'erp',
  username: process.env.TRYTON_USER ?? 'admin',
  password: process.env.TRYTON_ADMIN_PASSWORD ?? 'admin',
};

/** Runs `start-tryton.sh start` (idempotent; ~30 s cold, longer the first time with apt). Returns null when up, else the reason. */
export function startTryton(timeoutMs = 900_000): Promise<string | null> {
  if (!existsSync(START_SCRIPT)) return Promise.resolve(`Tryton tests skipped: ${START_SCRIPT} is missing (set CADENCE_SHARED_DIR to the shared folder)`);
  return new Promise((resolve) => {
    const child = spawn('bash', [START_SCRIPT, 'start'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      resolve(`Tryton tests skipped: start-tryton.sh did not finish within ${timeoutMs / 1000} s:\n${out.slice(-2000)}`);
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve(`Tryton tests skipped: cannot run start-tryton.sh: ${e.message}`);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? null : `Tryton tests skipped: start-tryton.sh exited with ${code}:\n${out.slice(-2000)}`);
    });
  });
}
