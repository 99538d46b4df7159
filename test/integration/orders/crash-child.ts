/**
 * Child process of the crash test: runs the release in batches (one transaction each) and dies in the middle of a
 * batch — SIGKILL (kill -9) or a thrown error — after CRASH_AFTER released orders. Without CRASH_AFTER it finishes.
 * Env: DATA_DIR, NOW, BATCH, CRASH_AFTER, CRASH_MODE ('kill' | 'throw').
 */
import { createBackend } from '../../../main/services/backend';
import { ManualClock } from '../../../main/platform/clock';

async function main() {
  const backend = await createBackend({ dataDir: process.env.DATA_DIR!, clock: new ManualClock(process.env.NOW!), mode: 'cli' });
  const crashAfter = process.env.CRASH_AFTER ? Number(process.env.CRASH_AFTER) : null;
  let seen = 0;
  backend.events.on('orders.progress', (p) => {
    const e = p as { phase: string; released: number };
    if (e.phase !== 'release') return;
    seen++;
    if (crashAfter !== null && seen === crashAfter) {
      if (process.env.CRASH_MODE === 'throw') throw new Error('simulated crash in the middle of a release batch');
      process.kill(process.pid, 'SIGKILL');
    }
  });
  const batch = Number(process.env.BATCH ?? '25');
  let released = 0;
  const failures: string[] = [];
  for (let first = true; ; first = false) {
    const r = await backend.invoke('orders.release', { limit: batch, progressEvery: 1, generate: first });
    if (!r.ok) {
      failures.push(r.error.message);
      break;
    }
    const out = r.data as { released: number; remaining: number };
    released += out.released;
    if (out.remaining === 0 || out.released === 0) break;
  }
  await backend.close();
  process.stdout.write(JSON.stringify({ released, failures }) + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
