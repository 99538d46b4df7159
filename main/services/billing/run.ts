/**
 * The billing run: a function over (a better-sqlite3 connection, a clock, options, a progress callback), so it runs
 * the same inline (CLI, tests, in-memory stores) and in a worker thread with its own connection (web / desktop).
 *
 * 1. Start — or resume the unfinished run, with ITS fixed timestamp (`run_at`): everything is billed as of that
 *    instant, so a retry computes exactly the same lines.
 * 2. generate — one indexed range scan selects the subscriptions due (`next_billing_date <= target date`); they are
 *    processed in batches (settings.batchSize, default 200), one transaction per batch. A failing subscription is
 *    logged and skips that subscription only: the batch is first billed without savepoints and, when one subscription
 *    fails, rolled back and billed again with one savepoint per subscription. A subscription gets one draft invoice per
 *    run (lines are appended to its open run draft: all periods due since it was last billed — catch-up after days
 *    offline). Each processed subscription gets its next billing date, so it drops out of the selection: a crash
 *    loses at most the uncommitted batch and the restarted run continues where it stopped.
 * 3. finalize — drafts whose grace period has passed (finalize_after ≤ run_at) are finalized, in batches; invoice
 *    numbers are taken inside the same transaction as the finalization (no gap, no reuse).
 * 4. dunning — subscriptions with an invoice overdue for settings.dunningGraceDays become past_due; unpaid invoices
 *    get reminder level n once settings.dunningLevels[n-1] days overdue (dunning.ts).
 * Everything is logged in billing_run_log (billed — naming the invoice when it was finalized at once —, skipped and
 * why, failed and why, finalized after the grace period, past_due, reminders).
 * Double billing is impossible regardless: invoice_lines.line_key is UNIQUE among billed lines.
 */
import { addDays, type IsoDate } from '../../../shared/domain/billing';
import type { BillingProgress, BillingRun, BillingSettings } from '../../../shared/api/ops/billing';
import type { Clock } from '../../platform/clock';
import { newId } from '../../platform/ids';
import { json, readBillingSettings, st, type Db } from './db';
import { billSubscription, type BillContext } from './generate';
import { finalizeInvoice, Products, sellerSnapshot } from './invoicing';
import { refreshDunning } from './lifecycle';
import { issueReminder, remindersDue } from './dunning';
import { numberingCache } from '../numbering';
import { batchLookups, loadStates, type SubRow } from './state';
import { enqueueOutbox } from '../../sync/outbox';
import { toSubscription } from './subscriptions';

export interface RunRow {
  id: string;
  status: 'running' | 'completed' | 'failed';
  trigger: string;
  run_at: string;
  target_date: string;
  phase: 'generate' | 'finalize' | 'dunning' | 'done';
  options: string;
  started_at: string;
  finished_at: string | null;
  heartbeat_at: string | null;
  owner: string | null;
  total_due: number;
  processed: number;
  billed: number;
  skipped: number;
  failed: number;
  invoices_created: number;
  lines_created: number;
  finalized: number;
  past_due: number;
  reminders: number;
  resumes: number;
  error: string | null;
}

export const toRun = (r: RunRow): BillingRun => ({
  id: r.id, status: r.status, trigger: r.trigger, runAt: r.run_at, targetDate: r.target_date, phase: r.phase, startedAt: r.started_at,
  finishedAt: r.finished_at, totalDue: r.total_due, processed: r.processed, billed: r.billed, skipped: r.skipped, failed: r.failed,
  invoicesCreated: r.invoices_created, linesCreated: r.lines_created, finalized: r.finalized, pastDue: r.past_due, reminders: r.reminders ?? 0, resumes: r.resumes, error: r.error,
});

export interface RunOptions {
  trigger: string;
  /** Finalize drafts past their grace period (default true). */
  finalize?: boolean;
  /** Override settings.batchSize. */
  batchSize?: number;
  /** Serialises each batch with other writers on the same connection (the backend's write lock). */
  lock?: <T>(fn: () => T) => Promise<T>;
  onProgress?: (p: BillingProgress) => void;
  /** Called when the run row exists (its id is known). */
  onStart?: (runId: string, resumed: boolean) => void;
  /** This process/thread's identity, to tell a crashed run (resume it) from one running elsewhere (leave it). */
  owner?: string;
  /** Decides whether an unfinished run owned by someone else may be taken over (default: its owner process is gone or silent for 5 min). */
  canTakeOver?: (run: RunRow, now: Date) => boolean;
}

/** A subscription failed on a batch's fast path: the batch is rolled back and billed again, carefully. */
class CarefulRetry extends Error {
  constructor(readonly failure: unknown) {
    super('retry the batch with a savepoint per subscription');
  }
}

export class RunBusyError extends Error {
  constructor(readonly run: RunRow) {
    super(`billing run ${run.id} is running in another process (${run.owner ?? 'unknown'})`);
  }
}

const direct = async <T>(fn: () => T): Promise<T> => fn();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function defaultCanTakeOver(run: RunRow, now: Date, self: string): boolean {
  if (!run.owner || run.owner === self) return true;
  const pid = Number(run.owner.split('@')[0]);
  if (!Number.isInteger(pid) || !processAlive(pid)) return true;
  const beat = run.heartbeat_at ? Date.parse(run.heartbeat_at) : 0;
  return now.getTime() - beat > 5 * 60_000;
}

export const processOwner = (): string => `${process.pid}@${process.env.HOSTNAME ?? 'local'}`;

interface LogEntry {
  outcome: 'billed' | 'skipped' | 'failed' | 'finalized' | 'status' | 'past_due' | 'reminder';
  subscriptionId?: string | null;
  customerId?: string | null;
  invoiceId?: string | null;
  lines?: number;
  amountMinor?: number | null;
  currency?: string | null;
  message: string;
}

function logEntry(db: Db, runId: string, at: string, e: LogEntry): void {
  st(db, `INSERT INTO billing_run_log (id, run_id, at, outcome, subscription_id, customer_id, invoice_id, lines, amount_minor, currency, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(newId(), runId, at, e.outcome, e.subscriptionId ?? null, e.customerId ?? null, e.invoiceId ?? null, e.lines ?? 0, e.amountMinor ?? null, e.currency ?? null, e.message);
}

export const getRun = (db: Db, id: string): RunRow | undefined => st(db, 'SELECT * FROM billing_runs WHERE id = ?').get(id) as RunRow | undefined;
export const unfinishedRun = (db: Db): RunRow | undefined => st(db, `SELECT * FROM billing_runs WHERE status = 'running'`).get() as RunRow | undefined;

/** Starts a run at clock.now(), or resumes the unfinished one (with its own fixed timestamp). */
function startOrResume(db: Db, clock: Clock, opts: RunOptions): { run: RunRow; resumed: boolean } {
  const owner = opts.owner ?? processOwner();
  return db.transaction(() => {
    const now = clock.now();
    const open = unfinishedRun(db);
    if (open) {
      const may = opts.canTakeOver ? opts.canTakeOver(open, now) : defaultCanTakeOver(open, now, owner);
      if (!may) throw new RunBusyError(open);
      st(db, 'UPDATE billing_runs SET resumes = resumes + 1, owner = ?, heartbeat_at = ? WHERE id = ?').run(owner, now.toISOString(), open.id);
      return { run: getRun(db, open.id)!, resumed: true };
    }
    const id = newId();
    const at = now.toISOString();
    st(db, `INSERT INTO billing_runs (id, status, trigger, run_at, target_date, phase, options, started_at, heartbeat_at, owner)
      VALUES (?, 'running', ?, ?, ?, 'generate', ?, ?, ?, ?)`).run(id, opts.trigger, at, at.slice(0, 10), JSON.stringify({ finalize: opts.finalize ?? true }), at, at, owner);
    return { run: getRun(db, id)!, resumed: false };
  })();
}

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/**
 * Runs (or resumes) a billing run to completion. Returns the finished run row.
 * Throws RunBusyError when another live process owns the unfinished run.
 */
export async function runBilling(db: Db, clock: Clock, opts: RunOptions): Promise<RunRow> {
  const lock = opts.lock ?? direct;
  const { run: started, resumed } = await lock(() => startOrResume(db, clock, opts));
  const runId = started.id;
  opts.onStart?.(runId, resumed);
  const runAt = started.run_at;
  const T: IsoDate = started.target_date;
  const finalize = (JSON.parse(started.options) as { finalize?: boolean }).finalize ?? true;
  const settings: BillingSettings = readBillingSettings(db);
  const batchSize = opts.batchSize ?? settings.batchSize;
  const counters = { ...started };
  const progress = (phase: BillingProgress['phase']) => opts.onProgress?.({
    runId, phase, processed: counters.processed, total: counters.total_due, invoicesCreated: counters.invoices_created, finalized: counters.finalized, failed: counters.failed,
  });
  const saveCounters = (phase: RunRow['phase']) => {
    st(db, `UPDATE billing_runs SET phase = ?, total_due = ?, processed = ?, billed = ?, skipped = ?, failed = ?, invoices_created = ?, lines_created = ?, finalized = ?,
      past_due = ?, reminders = ?, heartbeat_at = ? WHERE id = ?`).run(phase, counters.total_due, counters.processed, counters.billed, counters.skipped, counters.failed,
      counters.invoices_created, counters.lines_created, counters.finalized, counters.past_due, counters.reminders, clock.now().toISOString(), runId);
  };

  try {
    // ---------------------------------------------------------------------------------------- generate
    if (counters.phase === 'generate') {
      const due = (st(db, `SELECT id FROM subscriptions WHERE next_billing_date <= ? AND (last_run_id IS NULL OR last_run_id <> ?) ORDER BY next_billing_date, id`)
        .all(T, runId) as { id: string }[]).map((r) => r.id);
      counters.total_due = counters.processed + due.length;
      await lock(() => saveCounters('generate'));
      progress('generate');
      const seller = sellerSnapshot(db);
      // Without a grace period each invoice is finalized in the transaction that generates it.
      const ctx: BillContext = { db, nowIso: runAt, targetDate: T, settings, runId, products: new Products(db), seller, sellerJson: json(seller), finalizeNow: finalize && settings.graceHours === 0 };
      /**
       * One batch, one transaction. Fast path (careful = false): no savepoint per subscription; the first failure
       * aborts the attempt (the transaction rolls back, the counters are restored) and the batch is billed again with a
       * savepoint per subscription (careful = true), so the failing one is logged and skipped and the others billed.
       * Both attempts bill as of the run's fixed timestamp: the result is the same.
       */
      // A scheduled change (or add-on start / end) took effect: the ERP learns the terms now in force.
      const termsTookEffect = (id: string, s: Parameters<typeof billSubscription>[1]) =>
        enqueueOutbox(db, runAt, { aggregateType: 'subscription', aggregateId: id, eventType: 'subscription.changed', payload: toSubscription(db, s, T) });
      const billBatch = (batch: readonly string[], careful: boolean) => db.transaction(() => {
        const states = loadStates(db, batch);
        const bctx: BillContext = { ...ctx, batch: batchLookups(db, states.values(), { cacheCounters: !careful }) };
        for (const id of batch) {
          const s = states.get(id);
          if (!s || s.sub.next_billing_date === null || s.sub.next_billing_date > T || s.sub.last_run_id === runId) continue;
          counters.processed++;
          const sub = s.sub;
          try {
            const r = careful ? db.transaction(() => {
              const o = billSubscription(bctx, s);
              if (o.termsChanged) termsTookEffect(id, s);
              return o;
            })() : billSubscription(bctx, s);
            if (!careful && r.termsChanged) termsTookEffect(id, s);
            const unresolved = r.unresolved.length ? `; unresolved: ${r.unresolved.join('; ')}` : '';
            if (r.lines > 0) {
              counters.billed++;
              counters.lines_created += r.lines;
              counters.invoices_created += 1;
              if (r.finalized) counters.finalized++;
              // One entry per billed subscription: an invoice finalized at once (no grace period) is named in it.
              const fin = r.finalized ? `; ${r.finalized.kind === 'credit_note' ? 'credit note' : 'invoice'} ${r.finalized.number} finalized` : '';
              logEntry(db, runId, runAt, {
                outcome: 'billed', subscriptionId: id, customerId: sub.customer_id, invoiceId: r.invoiceId, lines: r.lines, amountMinor: r.amountMinor, currency: r.currency,
                message: `${r.lines} line(s) billed through ${T}${fin}; next billing ${r.nextBillingDate ?? 'none'}${unresolved}`,
              });
            } else {
              counters.skipped++;
              logEntry(db, runId, runAt, {
                outcome: 'skipped', subscriptionId: id, customerId: sub.customer_id, currency: sub.currency,
                message: `nothing due through ${T} (status ${s.sub.status}); next billing ${r.nextBillingDate ?? 'none'}${unresolved}`,
              });
            }
          } catch (e) {
            if (!careful) throw new CarefulRetry(e);
            counters.failed++;
            const msg = (e as Error).message ?? String(e);
            st(db, 'UPDATE subscriptions SET billing_error = ?, last_run_id = ? WHERE id = ?').run(msg.slice(0, 2000), runId, id);
            logEntry(db, runId, runAt, { outcome: 'failed', subscriptionId: id, customerId: sub.customer_id, currency: sub.currency, message: msg.slice(0, 2000) });
          }
        }
        saveCounters('generate');
      })();
      for (const batch of chunks(due, batchSize)) {
        const before = { ...counters };
        try {
          await lock(() => billBatch(batch, false));
        } catch (e) {
          if (!(e instanceof CarefulRetry)) throw e;
          Object.assign(counters, before);
          await lock(() => billBatch(batch, true));
        }
        progress('generate');
      }
      counters.phase = finalize ? 'finalize' : 'dunning';
      await lock(() => saveCounters(counters.phase));
    }

    // ---------------------------------------------------------------------------------------- finalize
    if (counters.phase === 'finalize') {
      const drafts = (st(db, `SELECT id FROM invoices WHERE status = 'draft' AND origin = 'run' AND finalize_after <= ? ORDER BY created_at, id`).all(runAt) as { id: string }[]).map((r) => r.id);
      const seller = sellerSnapshot(db);
      progress('finalize');
      for (const batch of chunks(drafts, batchSize)) {
        await lock(() => db.transaction(() => {
          const numbering = numberingCache();
          for (const id of batch) {
            const inv = st(db, 'SELECT status, subscription_id, customer_id, currency FROM invoices WHERE id = ?').get(id) as { status: string; subscription_id: string | null; customer_id: string; currency: string } | undefined;
            if (!inv || inv.status !== 'draft') continue;
            try {
              const f = db.transaction(() => finalizeInvoice(db, id, runAt, settings, { seller, numbering }))();
              counters.finalized++;
              logEntry(db, runId, runAt, {
                outcome: 'finalized', subscriptionId: inv.subscription_id, customerId: inv.customer_id, invoiceId: id, amountMinor: f.grossMinor, currency: inv.currency,
                message: `${f.kind === 'credit_note' ? 'credit note' : 'invoice'} ${f.number} finalized`,
              });
            } catch (e) {
              counters.failed++;
              logEntry(db, runId, runAt, { outcome: 'failed', subscriptionId: inv.subscription_id, customerId: inv.customer_id, invoiceId: id, message: `finalization failed: ${(e as Error).message}` });
            }
          }
          saveCounters('finalize');
        })());
        progress('finalize');
      }
      counters.phase = 'dunning';
      await lock(() => saveCounters('dunning'));
    }

    // ---------------------------------------------------------------------------------------- dunning
    if (counters.phase === 'dunning') {
      const cutoff = addDays(T, -settings.dunningGraceDays);
      const ids = (st(db, `SELECT DISTINCT subscription_id AS id FROM invoices WHERE kind = 'invoice' AND status IN ('finalized','partially_paid') AND due_date < ? AND subscription_id IS NOT NULL
          UNION SELECT id FROM subscriptions WHERE status = 'past_due'`).all(cutoff) as { id: string }[]).map((r) => r.id);
      for (const batch of chunks(ids, batchSize)) {
        await lock(() => db.transaction(() => {
          for (const id of batch) {
            const sub = st(db, 'SELECT * FROM subscriptions WHERE id = ?').get(id) as SubRow | undefined;
            if (!sub) continue;
            const before = sub.status;
            if (refreshDunning(db, sub, T, runAt, settings.dunningGraceDays)) {
              if (sub.status === 'past_due') counters.past_due++;
              logEntry(db, runId, runAt, { outcome: sub.status === 'past_due' ? 'past_due' : 'status', subscriptionId: id, customerId: sub.customer_id, message: `${before} → ${sub.status}` });
            }
          }
          saveCounters('dunning');
        })());
      }
      // Reminders: each unpaid invoice at most once per level; after days offline only the highest level due.
      for (const batch of chunks(remindersDue(db, T, settings.dunningLevels), batchSize)) {
        await lock(() => db.transaction(() => {
          for (const c of batch) {
            const r = issueReminder(db, c, T, runAt, runId);
            counters.reminders++;
            logEntry(db, runId, runAt, {
              outcome: 'reminder', subscriptionId: c.subscription_id, customerId: c.customer_id, invoiceId: c.id, amountMinor: c.due, currency: c.currency,
              message: `reminder ${r.level} for ${c.number}: ${r.daysOverdue} days overdue (due ${c.due_date})`,
            });
          }
          saveCounters('dunning');
        })());
      }
      progress('dunning');
    }

    await lock(() => {
      const at = clock.now().toISOString();
      st(db, `UPDATE billing_runs SET status = 'completed', phase = 'done', finished_at = ?, heartbeat_at = ? WHERE id = ?`).run(at, at, runId);
      saveCounters('done');
    });
    counters.phase = 'done';
    progress('done');
    return getRun(db, runId)!;
  } catch (e) {
    if (e instanceof RunBusyError) throw e;
    try {
      await lock(() => st(db, `UPDATE billing_runs SET status = 'failed', finished_at = ?, error = ? WHERE id = ? AND status = 'running'`).run(clock.now().toISOString(), String((e as Error).message ?? e).slice(0, 2000), runId));
    } catch {
      // the connection is gone: the run stays 'running' and is resumed next time
    }
    throw e;
  }
}
