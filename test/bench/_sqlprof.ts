/**
 * Profiling aid (not a bench): seeds the billing bench's store, runs ONE billing run inline with every SQL statement
 * timed (count and milliseconds per statement text), then the raw-insert baseline of the bench on the same rows.
 * `node --import tsx test/bench/_sqlprof.ts` (BENCH_SUBSCRIPTIONS=N, default 10,000). The per-statement wrapper
 * itself costs time: compare the shares, not the total.
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
const db0 = new Database(file);
const stats = new Map<string, { n: number; ms: number }>();
const origPrepare = db0.prepare.bind(db0);
(db0 as any).prepare = (sql: string) => {
  const st = origPrepare(sql);
  const key = sql.replace(/\s+/g, ' ').slice(0, 110);
  return new Proxy(st, {
    get(t, p) {
      const v = (t as any)[p];
      if (typeof v === 'function' && ['run', 'get', 'all'].includes(p as string)) {
        return (...a: unknown[]) => {
          const t0 = performance.now();
          try { return v.apply(t, a); } finally {
            const s = stats.get(key) ?? { n: 0, ms: 0 }; s.n++; s.ms += performance.now() - t0; stats.set(key, s);
          }
        };
      }
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
};
const db = cachePreparedStatements(db0);
db.pragma('journal_mode = WAL');
db.pragma('foreign_keys = ON');
db.pragma('synchronous = NORMAL');
db.pragma('temp_store = MEMORY');
const t0 = performance.now();
const run = await runBilling(db, { now: () => new Date('2026-03-01T02:00:00Z') }, { trigger: 'profile' });
const s = (performance.now() - t0) / 1000;
console.log(`${run.invoices_created} invoices in ${s.toFixed(2)} s`);
let tot = 0;
for (const [k, v] of [...stats].sort((a, b) => b[1].ms - a[1].ms)) { tot += v.ms; if (v.ms > 5) console.log(`${v.ms.toFixed(0).padStart(6)} ms ${String(v.n).padStart(7)}  ${k}`); }
console.log('sql total', tot.toFixed(0));
// raw baseline
const ro = new Database(file, { readonly: true });
const invoices = ro.prepare('SELECT * FROM invoices WHERE billing_run_id = ?').all(run.id) as Record<string, unknown>[];
const lines = ro.prepare('SELECT l.* FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.billing_run_id = ?').all(run.id) as Record<string, unknown>[];
const raw = new Database(await migratedStore(path.join(dir, 'raw')));
raw.pragma('journal_mode = WAL'); raw.pragma('synchronous = NORMAL'); raw.pragma('foreign_keys = OFF');
const cols = (r: Record<string, unknown>) => Object.keys(r);
const insInv = raw.prepare(`INSERT INTO invoices (${cols(invoices[0]!).join(', ')}) VALUES (${cols(invoices[0]!).map((c) => '@' + c).join(', ')})`);
const insLine = raw.prepare(`INSERT INTO invoice_lines (${cols(lines[0]!).join(', ')}) VALUES (${cols(lines[0]!).map((c) => '@' + c).join(', ')})`);
const t1 = performance.now();
raw.transaction(() => { for (const r of invoices) insInv.run(r); for (const r of lines) insLine.run(r); })();
const rs = (performance.now() - t1) / 1000;
console.log(`raw ${rs.toFixed(3)} s  ratio ${(s / rs).toFixed(2)}`);
fs.rmSync(dir, { recursive: true, force: true });
