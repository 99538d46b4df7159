/**
 * Crash safety: the billing CLI runs as a child process on a seeded store and is killed with SIGKILL at random
 * points of the run — while generating drafts, while finalizing them (numbers being taken), and while generating and
 * finalizing in one transaction (no grace period) — twice per run; each restart resumes the unfinished run with its
 * own fixed timestamp. At the end: every run completed, no service period is billed twice, invoice numbers are
 * gapless and never reused, every total adds up, and each invoice has exactly one outbox row.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../../main/services/backend';
import { ManualClock } from '../../../main/platform/clock';

const ROOT = path.resolve(__dirname, '../../..');
const N = 1000;
let dir: string;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-billing-crash-'));
  const b = await createBackend({ dataDir: dir, clock: new ManualClock('2026-01-01T00:00:00Z'), mode: 'cli' });
  await b.call('billing.updateSettings', { graceHours: 1, batchSize: 20 });
  const p = await b.call('products.create', { sku: 'CORE', name: 'Core' });
  const addon = await b.call('products.create', { sku: 'SUP', name: 'Support' });
  const seat = await b.call('plans.create', { productId: p.id, code: 'SEAT-M', name: 'Seats', interval: 'month', prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice: '9.99' } }] });
  const sup = await b.call('plans.create', { productId: addon.id, code: 'SUP-M', name: 'Support', interval: 'month', prices: [{ currency: 'EUR', model: { type: 'flat', price: '19' } }] });
  const r = rng(7);
  for (let i = 0; i < N; i++) {
    const c = await b.call('customers.create', { name: `Customer ${i}`, country: 'DE', currency: 'EUR', email: `c${i}@example.com` });
    await b.call('subscriptions.create', {
      customerId: c.id, startDate: `2026-01-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`, billingAnchorDay: 1,
      items: [{ planId: seat.id, quantity: String(1 + Math.floor(r() * 9)) }, { planId: sup.id }],
    });
  }
  await b.close();
}, 120_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `billing run` in a child process; kills it with SIGKILL once `killWhen` says so (polling the store). */
function runCli(now: string, killWhen: ((db: Database.Database) => boolean) | null): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'billing', 'run', '--data', dir, '--now', now], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    let timer: NodeJS.Timeout | null = null;
    if (killWhen) {
      const probe = new Database(path.join(dir, 'cadence.sqlite'), { readonly: true, fileMustExist: true });
      probe.pragma('busy_timeout = 5000');
      timer = setInterval(() => {
        try {
          if (killWhen(probe)) {
            child.kill('SIGKILL');
            clearInterval(timer!);
          }
        } catch {
          // the store is being written: look again
        }
      }, 5);
      child.on('exit', () => {
        clearInterval(timer!);
        probe.close();
      });
    }
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

describe('billing run killed with SIGKILL at random points', () => {
  it('resumes to completion: no duplicate period, gapless numbers, consistent totals, one outbox row per invoice', async () => {
    const r = rng(42);
    const running = (db: Database.Database) => db.prepare(`SELECT phase, processed, finalized FROM billing_runs WHERE status = 'running'`).get() as { phase: string; processed: number; finalized: number } | undefined;
    const inGenerate = (from: number, span: number) => { const at = from + Math.floor(r() * span); return (db: Database.Database) => (running(db)?.processed ?? 0) >= at; };
    const inFinalize = (from: number, span: number) => { const at = from + Math.floor(r() * span); return (db: Database.Database) => { const x = running(db); return !!x && x.phase === 'finalize' && x.finalized >= at; }; };
    const setGrace = (hours: number) => {
      const db = new Database(path.join(dir, 'cadence.sqlite'));
      db.prepare(`INSERT INTO billing_settings (key, value) VALUES ('graceHours', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(JSON.stringify(hours));
      db.close();
    };
    /** Runs with kills at the given points, then once more to completion; returns how many kills hit. */
    const attempt = async (firstNow: string, laterNows: string[], points: ((db: Database.Database) => boolean)[]) => {
      let kills = 0;
      for (const [i, when] of points.entries()) {
        const res = await runCli(i === 0 ? firstNow : laterNows[i - 1]!, when);
        if (res.signal === 'SIGKILL') kills++;
      }
      const done = await runCli(laterNows.at(-1)!, null);
      expect(done.code, done.out).toBe(0);
      expect(done.out).toContain(`as of ${firstNow.slice(0, 16)}`); // the resumed run keeps the first attempt's timestamp
      return kills;
    };

    // A. March, 1 h grace: killed twice while generating drafts
    setGrace(1);
    expect(await attempt('2026-03-01T06:00:00Z', ['2026-03-01T06:05:00Z', '2026-03-01T06:10:00Z'], [inGenerate(1, 300), inGenerate(400, 500)])).toBe(2);
    // B. two hours later: the drafts are finalized; killed twice while finalizing (numbers taken)
    expect(await attempt('2026-03-01T08:00:00Z', ['2026-03-01T08:05:00Z', '2026-03-01T08:10:00Z'], [inFinalize(1, 300), inFinalize(500, 500)])).toBe(2);
    // C. April, no grace (each invoice generated and finalized in one transaction): killed twice
    setGrace(0);
    expect(await attempt('2026-04-01T06:00:00Z', ['2026-04-01T06:05:00Z', '2026-04-01T06:10:00Z'], [inGenerate(1, 400), inGenerate(600, 400)])).toBe(2);

    const db = new Database(path.join(dir, 'cadence.sqlite'), { readonly: true });
    try {
      const runs = db.prepare('SELECT status, processed, invoices_created, finalized, resumes, run_at FROM billing_runs ORDER BY run_at').all() as { status: string; processed: number; invoices_created: number; finalized: number; resumes: number; run_at: string }[];
      expect(runs.map((x) => [x.run_at.slice(0, 16), x.status, x.processed, x.invoices_created, x.finalized, x.resumes])).toEqual([
        ['2026-03-01T06:00', 'completed', N, N, 0, 2],
        ['2026-03-01T08:00', 'completed', 0, 0, N, 2],
        ['2026-04-01T06:00', 'completed', N, N, N, 2],
      ]);
      // no service period billed twice (the unique index guarantees it; check the data anyway)
      expect(db.prepare('SELECT line_key, COUNT(*) n FROM invoice_lines WHERE billed = 1 GROUP BY line_key HAVING n > 1').all()).toEqual([]);
      expect(db.prepare(`SELECT item_id, period_start, COUNT(*) n FROM invoice_lines WHERE kind = 'charge' GROUP BY item_id, period_start HAVING n > 1`).all()).toEqual([]);
      // every subscription: March (Jan partial, Feb, Mar for both items) and April
      const perSub = db.prepare(`SELECT subscription_id, COUNT(*) n, SUM((SELECT COUNT(*) FROM invoice_lines l WHERE l.invoice_id = i.id)) lines FROM invoices i GROUP BY subscription_id`).all() as { n: number; lines: number }[];
      expect(perSub).toHaveLength(N);
      expect(perSub.every((x) => x.n === 2 && x.lines === 8)).toBe(true);
      // gapless numbers 1..2N, never reused; the counter is at 2N + 1
      const nums = (db.prepare(`SELECT number FROM invoices WHERE status = 'finalized'`).all() as { number: string }[]).map((x) => Number(x.number.split('-').pop())).sort((a, b) => a - b);
      expect(nums).toEqual(Array.from({ length: 2 * N }, (_, i) => i + 1));
      expect((db.prepare(`SELECT next_value FROM number_counters WHERE series_key = 'invoice'`).get() as { next_value: number }).next_value).toBe(2 * N + 1);
      // totals consistent with the lines
      const bad = db.prepare(`SELECT i.number FROM invoices i JOIN (SELECT invoice_id, SUM(amount_minor) net, SUM(tax_minor) tax FROM invoice_lines GROUP BY invoice_id) l ON l.invoice_id = i.id
        WHERE i.net_minor != l.net OR i.tax_minor != l.tax OR i.gross_minor != i.net_minor + i.tax_minor`).all();
      expect(bad).toEqual([]);
      // exactly one outbox row per finalized invoice
      const ob = db.prepare(`SELECT aggregate_id, COUNT(*) n FROM outbox WHERE event_type = 'invoice.finalized' GROUP BY aggregate_id`).all() as { n: number }[];
      expect(ob).toHaveLength(2 * N);
      expect(ob.every((x) => x.n === 1)).toBe(true);
      // every subscription is billed up to the run date and due next on May 1
      expect(db.prepare(`SELECT COUNT(*) n FROM subscriptions WHERE next_billing_date = '2026-05-01'`).get()).toEqual({ n: N });
    } finally {
      db.close();
    }
  }, 180_000);
});
