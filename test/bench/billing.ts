/**
 * BENCH billing: a store seeded (raw inserts) with 100,000 customers and subscriptions of 3 items each (seats,
 * a flat add-on, metered API calls with February usage), billed through February; then ONE billing run on
 * 2026-03-01 in a worker thread (web mode), generating and finalizing (grace 0 h) one invoice per subscription.
 * While it runs, API calls are made through backend.invoke and their latency recorded: point reads
 * (customers.get, subscriptions.get, invoices.get, billing.status → api_p95_ms) and customers.list (api_list_p95_ms;
 * at 100,000 customers it is slow by itself: its idle p95 is printed too).
 * Baseline in the same run (ratio_vs_raw, the goal's figure): raw better-sqlite3 inserting the same invoice and line
 * rows into an empty store of the same schema in one transaction. For information, ratio_vs_raw_same_store: the same
 * raw insert into a copy of the store as the run found it (100,000 invoices already there).
 *
 * BENCH_SUBSCRIPTIONS=N overrides the size.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBackend } from '../../main/services/backend';
import { ManualClock } from '../../main/platform/clock';
import { migratedStore, seed } from './_billing-fixture';

const N = Number(process.env.BENCH_SUBSCRIPTIONS ?? 100_000);

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-bench-billing-'));
  const file = await migratedStore(path.join(dir, 'svc'));
  let t0 = performance.now();
  seed(file, N);
  console.error(`seeded ${N} subscriptions (${N * 3} items) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // A copy of the store as the run finds it, for the second baseline.
  const seededCopy = path.join(dir, 'seeded-copy.sqlite');
  for (const ext of ['', '-wal']) if (fs.existsSync(file + ext)) fs.copyFileSync(file + ext, seededCopy + ext);

  const clock = new ManualClock('2026-03-01T02:00:00Z');
  const backend = await createBackend({ dataDir: path.join(dir, 'svc'), clock, mode: 'web' });
  // API calls a user makes meanwhile: point reads (a customer, a subscription, an invoice, the run status) and a list.
  const sample = backend.base.raw.prepare(`SELECT s.id AS sub, s.customer_id AS cust, (SELECT id FROM invoices WHERE subscription_id = s.id LIMIT 1) AS inv FROM subscriptions s WHERE s.rowid IN (SELECT rowid FROM subscriptions ORDER BY random() LIMIT 100)`).all() as { sub: string; cust: string; inv: string }[];
  const timed = async (op: string, input: unknown) => {
    const t = performance.now();
    const r = await backend.invoke(op, input);
    if (!r.ok) throw new Error(`${op}: ${r.error.message}`);
    return performance.now() - t;
  };
  let k = 0;
  const pointRead = async () => {
    const x = sample[k++ % sample.length]!;
    const ops: [string, unknown][] = [['customers.get', { id: x.cust }], ['subscriptions.get', { id: x.sub }], ['invoices.get', { id: x.inv }], ['billing.status', {}]];
    const [op, input] = ops[k % ops.length]!;
    return timed(op, input);
  };
  const listCall = () => timed('customers.list', { limit: 50 });
  const idlePoint: number[] = [];
  const idleList: number[] = [];
  for (let i = 0; i < 40; i++) idlePoint.push(await pointRead());
  for (let i = 0; i < 10; i++) idleList.push(await listCall());
  t0 = performance.now();
  const started = await backend.call('billing.run', { mode: 'worker' });
  const point: number[] = [];
  const list: number[] = [];
  let status = await backend.call('billing.status', {});
  for (let i = 0; status.running; i++) {
    if (process.env.BENCH_QUIET) { await new Promise((r) => setTimeout(r, 200)); status = await backend.call('billing.status', {}); continue; }
    point.push(await pointRead());
    if (i % 10 === 0) list.push(await listCall());
    await new Promise((r) => setTimeout(r, 20));
    status = await backend.call('billing.status', {});
  }
  const wallS = (performance.now() - t0) / 1000;
  const run = status.lastRun!;
  if (run.id !== started.runId || run.status !== 'completed') throw new Error(`run ${started.runId} did not complete: ${JSON.stringify(run)}`);

  // Baseline: the same invoice and line rows, raw, one transaction, into an empty store of the same schema.
  const db = new Database(file, { readonly: true });
  const invoices = db.prepare('SELECT * FROM invoices WHERE billing_run_id = ?').all(run.id) as Record<string, unknown>[];
  const lines = db.prepare('SELECT l.* FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.billing_run_id = ?').all(run.id) as Record<string, unknown>[];
  db.close();
  await backend.close();
  const rawInsert = (target: string): number => {
    const raw = new Database(target);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = OFF');
    const cols = (r: Record<string, unknown>) => Object.keys(r);
    const insInv = raw.prepare(`INSERT INTO invoices (${cols(invoices[0]!).join(', ')}) VALUES (${cols(invoices[0]!).map((c) => '@' + c).join(', ')})`);
    const insLine = raw.prepare(`INSERT INTO invoice_lines (${cols(lines[0]!).join(', ')}) VALUES (${cols(lines[0]!).map((c) => '@' + c).join(', ')})`);
    const t = performance.now();
    raw.transaction(() => {
      for (const r of invoices) insInv.run(r);
      for (const r of lines) insLine.run(r);
    })();
    const s = (performance.now() - t) / 1000;
    raw.close();
    return s;
  };
  // The goal's baseline: an empty store of the same schema. For information: the store as the run found it.
  const rawS = rawInsert(await migratedStore(path.join(dir, 'raw')));
  const rawSameS = rawInsert(seededCopy);
  fs.rmSync(dir, { recursive: true, force: true });

  console.error(`run: ${run.invoicesCreated} invoices (${run.linesCreated} lines) generated and finalized, ${run.failed} failed, in ${wallS.toFixed(1)} s; ` +
    `raw insert of the same ${invoices.length} invoices + ${lines.length} lines: ${rawS.toFixed(2)} s into an empty store, ${rawSameS.toFixed(2)} s into the store as the run found it; ` +
    `API during the run: ${point.length} point reads (idle p95 ${percentile(idlePoint, 95).toFixed(1)} ms), ${list.length} customers.list (idle p95 ${percentile(idleList, 95).toFixed(1)} ms)`);
  console.log(`BENCH billing wall_s=${wallS.toFixed(2)} s`);
  console.log(`BENCH billing invoices_per_s=${Math.round(run.invoicesCreated / wallS)} invoices/s`);
  console.log(`BENCH billing ratio_vs_raw=${(wallS / rawS).toFixed(1)} x`);
  console.log(`BENCH billing ratio_vs_raw_same_store=${(wallS / rawSameS).toFixed(1)} x`);
  console.log(`BENCH billing api_p95_ms=${percentile(point, 95).toFixed(1)} ms`);
  console.log(`BENCH billing api_list_p95_ms=${percentile(list, 95).toFixed(1)} ms`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
