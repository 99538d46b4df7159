/**
 * Profiling aid (not a bench): the floor of the billing run's writes. Seeds the billing bench's store, runs ONE billing
 * run inline, then writes the very rows the run wrote — raw better-sqlite3, prepared statements, in the run's batches
 * of 200 subscriptions, one transaction each — into copies of the store as the run found it, adding one kind of row
 * at a time (invoices and lines; + outbox; + run log; + the subscription rows the run updated, their changed columns). Each figure is printed
 * against the bench's baseline (the same invoices and lines in ONE transaction into an empty store).
 * `node --import tsx test/bench/_write-floor.ts` (BENCH_SUBSCRIPTIONS=N, default 10,000).
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cachePreparedStatements } from '../../main/db/statement-cache';
import { runBilling } from '../../main/services/billing/run';
import { migratedStore, seed } from './_billing-fixture';

type Row = Record<string, unknown>;
const N = Number(process.env.BENCH_SUBSCRIPTIONS ?? 10_000);
const BATCH = 200;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-write-floor-'));
const file = await migratedStore(path.join(dir, 'a'));
seed(file, N);
const template = path.join(dir, 'template.sqlite');
fs.copyFileSync(file, template);
const open = (f: string, fk = true) => {
  const d = cachePreparedStatements(new Database(f));
  d.pragma('journal_mode = WAL');
  d.pragma(`foreign_keys = ${fk ? 'ON' : 'OFF'}`);
  d.pragma('synchronous = NORMAL');
  return d;
};
const seeded = new Map((new Database(file, { readonly: true }).prepare('SELECT * FROM subscriptions').all() as Row[]).map((r) => [r.id, r]));
const db = open(file);
let t0 = performance.now();
const run = await runBilling(db, { now: () => new Date('2026-03-01T02:00:00Z') }, { trigger: 'profile' });
const runS = (performance.now() - t0) / 1000;
const invoices = db.prepare('SELECT * FROM invoices WHERE billing_run_id = ? ORDER BY rowid').all(run.id) as Row[];
const lines = db.prepare('SELECT l.* FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.billing_run_id = ? ORDER BY l.rowid').all(run.id) as Row[];
const outbox = db.prepare(`SELECT * FROM outbox WHERE aggregate_type IN ('invoice', 'credit_note') ORDER BY rowid`).all() as Row[];
const log = db.prepare('SELECT * FROM billing_run_log WHERE run_id = ? ORDER BY rowid').all(run.id) as Row[];
const subs = db.prepare('SELECT * FROM subscriptions WHERE last_run_id = ? ORDER BY next_billing_date, id').all(run.id) as Row[];
db.close();
const ins = (d: Database.Database, table: string, r: Row) => d.prepare(`INSERT INTO ${table} (${Object.keys(r).join(', ')}) VALUES (${Object.keys(r).map((c) => '@' + c).join(', ')})`);
const byKey = <T extends Row>(rows: T[], key: string) => {
  const m = new Map<unknown, T[]>();
  for (const r of rows) m.set(r[key], [...(m.get(r[key]) ?? []), r]);
  return m;
};
const linesOf = byKey(lines, 'invoice_id');
const outboxOf = byKey(outbox, 'aggregate_id');
const logOf = byKey(log, 'subscription_id');
const invoiceOf = new Map(invoices.map((i) => [i.subscription_id, i]));

const raw = open(await migratedStore(path.join(dir, 'raw')), false);
const a = ins(raw, 'invoices', invoices[0]!);
const b = ins(raw, 'invoice_lines', lines[0]!);
t0 = performance.now();
raw.transaction(() => {
  for (const r of invoices) a.run(r);
  for (const r of lines) b.run(r);
})();
const rawS = (performance.now() - t0) / 1000;
raw.close();
console.log(`run ${runS.toFixed(2)} s (${Math.round((runS * 1e6) / N)} µs/subscription) = ${(runS / rawS).toFixed(2)}x; baseline ${rawS.toFixed(3)} s`);
console.log(`rows: ${invoices.length} invoices, ${lines.length} lines, ${outbox.length} outbox, ${log.length} log, ${subs.length} subscriptions`);

const variants = ['invoices + lines', '+ outbox', '+ run log', '+ subscription rows'];
variants.forEach((variant, level) => {
  const f = path.join(dir, `v${level}.sqlite`);
  fs.copyFileSync(template, f);
  const d = open(f);
  d.prepare(`INSERT INTO billing_runs (id, status, trigger, run_at, target_date, phase, options, started_at) VALUES (?, 'completed', 'x', 'x', 'x', 'done', '{}', 'x')`).run(run.id);
  const ia = ins(d, 'invoices', invoices[0]!);
  const ib = ins(d, 'invoice_lines', lines[0]!);
  const io = ins(d, 'outbox', outbox[0]!);
  const il = ins(d, 'billing_run_log', log[0]!);
  // as the run saves them: the columns that changed (the run's own, a renewal's term end, a status)
  const updates = new Map<string, Database.Statement>();
  const update = (sub: Row) => {
    const before = seeded.get(sub.id)!;
    const cols = Object.keys(sub).filter((c) => c !== 'id' && sub[c] !== before[c]);
    const sql = `UPDATE subscriptions SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`;
    let u = updates.get(sql);
    if (!u) updates.set(sql, (u = d.prepare(sql)));
    return u;
  };
  t0 = performance.now();
  for (let s = 0; s < subs.length; s += BATCH) {
    d.transaction(() => {
      for (const sub of subs.slice(s, s + BATCH)) {
        const inv = invoiceOf.get(sub.id);
        if (inv) {
          ia.run(inv);
          for (const l of linesOf.get(inv.id) ?? []) ib.run(l);
          if (level >= 1) for (const o of outboxOf.get(inv.id) ?? []) io.run(o);
        }
        if (level >= 2) for (const e of logOf.get(sub.id) ?? []) il.run(e);
        if (level >= 3) update(sub).run(sub);
      }
    })();
  }
  const secs = (performance.now() - t0) / 1000;
  console.log(`${variant.padEnd(22)} ${secs.toFixed(3)} s = ${(secs / rawS).toFixed(2)}x the baseline`);
  d.close();
});
fs.rmSync(dir, { recursive: true, force: true });
