/**
 * Profiling aid (not a bench): seeds the billing bench's store and runs ONE billing run inline on this thread, so
 * `node --cpu-prof --import tsx test/bench/_billing-profile.ts` profiles exactly the run. BENCH_SUBSCRIPTIONS=N.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cachePreparedStatements } from '../../main/db/statement-cache';
import { runBilling } from '../../main/services/billing/run';
import { migratedStore, seed } from './_billing-fixture';

const N = Number(process.env.BENCH_SUBSCRIPTIONS ?? 10_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-prof-billing-'));
const file = await migratedStore(path.join(dir, 'svc'));
seed(file, N);
const db = cachePreparedStatements(new Database(file));
db.pragma('journal_mode = WAL');
db.pragma('foreign_keys = ON');
db.pragma('synchronous = NORMAL');
db.pragma('temp_store = MEMORY');
if (process.env.WAL_PAGES) db.pragma(`wal_autocheckpoint = ${Number(process.env.WAL_PAGES)}`);
if (process.env.CACHE_MB) db.pragma(`cache_size = -${Number(process.env.CACHE_MB) * 1024}`);
if (process.env.MMAP_MB) db.pragma(`mmap_size = ${Number(process.env.MMAP_MB) * 1024 * 1024}`);
const t0 = performance.now();
const run = await runBilling(db, { now: () => new Date('2026-03-01T02:00:00Z') }, { trigger: 'profile', ...(process.env.BATCH ? { batchSize: Number(process.env.BATCH) } : {}) });
const s = (performance.now() - t0) / 1000;
console.log(`${run.invoices_created} invoices, ${run.lines_created} lines, ${run.failed} failed in ${s.toFixed(2)} s (${Math.round((s * 1e6) / N)} µs/subscription)`);
db.close();
fs.rmSync(dir, { recursive: true, force: true });
