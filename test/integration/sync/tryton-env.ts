/** Starts the shared Tryton 6.0 test ERP (../shared/erp-tryton/start-tryton.sh) or says why it cannot. */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
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

/**
 * The test ERP is one single-threaded Tryton on SQLite: test files that use it must not run at the same time (vitest
 * runs files in parallel workers). A lock directory serialises them across processes; it is released in afterAll
 * (releaseTryton) or when the process exits, and a lock left by a dead process is taken over.
 */
const LOCK_DIR = path.join(os.tmpdir(), 'cadence-tryton-tests.lock');
let lockHeld = false;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function acquireLock(timeoutMs: number): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(path.join(LOCK_DIR, 'pid'), String(process.pid));
      lockHeld = true;
      process.once('exit', releaseTryton);
      return true;
    } catch {
      let owner = NaN;
      try {
        owner = Number(readFileSync(path.join(LOCK_DIR, 'pid'), 'utf8'));
      } catch {}
      if (Number.isFinite(owner) && owner > 0 && !pidAlive(owner)) rmSync(LOCK_DIR, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return false;
}

/** Lets the next test file use the ERP. */
export function releaseTryton(): void {
  if (!lockHeld) return;
  lockHeld = false;
  rmSync(LOCK_DIR, { recursive: true, force: true });
}

/** Takes the ERP for this test file and runs `start-tryton.sh start` (idempotent; ~30 s cold). Null when up, else why not. */
export async function startTryton(timeoutMs = 900_000): Promise<string | null> {
  if (!existsSync(START_SCRIPT)) return `Tryton tests skipped: ${START_SCRIPT} is missing (set CADENCE_SHARED_DIR to the shared folder)`;
  if (!lockHeld && !(await acquireLock(timeoutMs))) return 'Tryton tests skipped: another test process kept the test ERP for too long';
  return runStartScript(timeoutMs);
}

function runStartScript(timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    // The script leaves the ERP running for later test runs: start it from a directory that outlives this checkout
    // (a daemon whose working directory was deleted fails in os.getcwd(), e.g. when Tryton renders an invoice report).
    const child = spawn('bash', [START_SCRIPT, 'start'], { stdio: ['ignore', 'pipe', 'pipe'], cwd: os.tmpdir() });
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
