/**
 * Worker thread entry of the billing run (web / desktop mode): its own better-sqlite3 connection to the same WAL
 * file, so the run never blocks the UI's event loop; progress is posted to the parent, which re-emits it as
 * `billing.progress` events.
 */
import { cachePreparedStatements } from '../../db/statement-cache';
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { runBilling, toRun } from './run';

export interface WorkerInput {
  file: string;
  /** Clock offset from the wall clock (the backend's clock may be shifted with --now). */
  offsetMs: number;
  trigger: string;
  finalize: boolean;
  owner: string;
}

export type WorkerMessage =
  | { type: 'lock'; id: number }
  | { type: 'unlock'; id: number }
  | { type: 'start'; runId: string; resumed: boolean }
  | { type: 'progress'; progress: unknown }
  | { type: 'finished'; run: unknown }
  | { type: 'error'; message: string; busyRunId?: string };

/** Parent → worker: the backend's write lock is held for this worker until it sends 'unlock'. */
export type ParentMessage = { type: 'granted'; id: number };

const input = workerData as WorkerInput;
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

// Each batch transaction runs while the backend holds its write lock for us: an operation's transaction on the
// backend's connection never spans one of our commits (which SQLite would refuse with SQLITE_BUSY_SNAPSHOT).
let lockSeq = 0;
const granted = new Map<number, () => void>();
const onMessage = (m: ParentMessage) => {
  if (m.type === 'granted') granted.get(m.id)?.();
};
parentPort!.on('message', onMessage);
async function withBackendLock<T>(fn: () => T): Promise<T> {
  const id = ++lockSeq;
  await new Promise<void>((resolve) => {
    granted.set(id, resolve);
    post({ type: 'lock', id });
  });
  granted.delete(id);
  try {
    return fn();
  } finally {
    post({ type: 'unlock', id });
  }
}

const db = cachePreparedStatements(new Database(input.file));
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 30000');
db.pragma('foreign_keys = ON');
db.pragma('synchronous = NORMAL');
db.pragma('temp_store = MEMORY');
// Checkpoint every ~40 MB of WAL instead of every ~4 MB: pages rewritten batch after batch (index pages, counters) are
// copied back to the database file ten times less often. The backend's connection checkpoints as usual afterwards.
db.pragma('wal_autocheckpoint = 10000');

runBilling(db, { now: () => new Date(Date.now() + input.offsetMs) }, {
  trigger: input.trigger,
  finalize: input.finalize,
  owner: input.owner,
  lock: withBackendLock,
  onStart: (runId, resumed) => post({ type: 'start', runId, resumed }),
  onProgress: (progress) => post({ type: 'progress', progress }),
}).then(
  (run) => post({ type: 'finished', run: toRun(run) }),
  (e: Error & { run?: { id: string } }) => post({ type: 'error', message: e.message ?? String(e), ...(e.run ? { busyRunId: e.run.id } : {}) }),
).finally(() => {
  db.close();
  parentPort!.off('message', onMessage); // lets the thread end
});
