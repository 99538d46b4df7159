/** The billing area's handler maps (subscriptions, usage, invoices, payments, billing runs). */
import { AppError } from '../../../shared/api/errors';
import { type HandlerMap, nowIso } from '../context';
import { readBillingSettings, st, writeBillingSettings } from './db';
import { invoiceHandlers } from './invoices';
import { getRun, RunBusyError, toRun, type RunRow } from './run';
import { schedulerOf } from './scheduler';
import { subscriptionHandlers } from './subscriptions';
import { usageHandlers } from './usage';

type BillingOps = 'billing.run' | 'billing.runs' | 'billing.runLog' | 'billing.status' | 'billing.settings' | 'billing.updateSettings';

const billingRunHandlers: HandlerMap<BillingOps> = {
  async 'billing.run'(input, ctx) {
    const s = schedulerOf(ctx);
    let started;
    try {
      started = await s.start({ trigger: ctx.mode === 'cli' ? 'cli' : 'manual', mode: input.mode, finalize: input.finalize });
    } catch (e) {
      if (e instanceof RunBusyError) throw AppError.conflict(e.message, { runId: e.run.id });
      throw e;
    }
    if (!input.wait) {
      const r = getRun(ctx.raw, started.runId);
      return { runId: started.runId, alreadyRunning: started.alreadyRunning, run: r ? toRun(r) : null };
    }
    const run = await started.done;
    return { runId: started.runId, alreadyRunning: started.alreadyRunning, run };
  },

  async 'billing.runs'(input, ctx) {
    const { n } = st(ctx.raw, 'SELECT COUNT(*) AS n FROM billing_runs').get() as { n: number };
    const rows = st(ctx.raw, 'SELECT * FROM billing_runs ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?').all(input.limit, input.offset) as RunRow[];
    return { items: rows.map(toRun), total: n, offset: input.offset, limit: input.limit };
  },

  async 'billing.runLog'(input, ctx) {
    if (!getRun(ctx.raw, input.runId)) throw AppError.notFound('billing run', input.runId);
    const where = ['run_id = ?'];
    const params: unknown[] = [input.runId];
    if (input.outcome) { where.push('outcome = ?'); params.push(input.outcome); }
    if (input.subscriptionId) { where.push('subscription_id = ?'); params.push(input.subscriptionId); }
    const w = where.join(' AND ');
    const { n } = ctx.raw.prepare(`SELECT COUNT(*) AS n FROM billing_run_log WHERE ${w}`).get(...params) as { n: number };
    const rows = ctx.raw.prepare(`SELECT * FROM billing_run_log WHERE ${w} ORDER BY rowid LIMIT ? OFFSET ?`).all(...params, input.limit, input.offset) as {
      id: string; run_id: string; at: string; outcome: 'billed' | 'skipped' | 'failed' | 'finalized' | 'status' | 'past_due'; subscription_id: string | null; customer_id: string | null;
      invoice_id: string | null; lines: number; amount_minor: number | null; currency: string | null; message: string;
    }[];
    return {
      items: rows.map((r) => ({
        id: r.id, runId: r.run_id, at: r.at, outcome: r.outcome, subscriptionId: r.subscription_id, customerId: r.customer_id, invoiceId: r.invoice_id,
        lines: r.lines, amountMinor: r.amount_minor, currency: r.currency, message: r.message,
      })),
      total: n, offset: input.offset, limit: input.limit,
    };
  },

  async 'billing.status'(_input, ctx) {
    const s = schedulerOf(ctx);
    const today = nowIso(ctx).slice(0, 10);
    const settings = readBillingSettings(ctx.raw);
    const { due } = st(ctx.raw, 'SELECT COUNT(*) AS due FROM subscriptions WHERE next_billing_date <= ?').get(today) as { due: number };
    const { drafts } = st(ctx.raw, `SELECT COUNT(*) AS drafts FROM invoices WHERE status = 'draft'`).get() as { drafts: number };
    const current = s.currentRun();
    return {
      running: s.running || current?.status === 'running',
      current,
      progress: s.progress,
      lastRun: s.lastRun(),
      dueSubscriptions: due,
      drafts,
      scheduler: {
        enabled: ctx.runtime.background && settings.schedulerIntervalMinutes > 0,
        intervalMinutes: settings.schedulerIntervalMinutes,
        nextRunAt: s.nextScheduledAt?.toISOString() ?? null,
      },
    };
  },

  async 'billing.settings'(_input, ctx) {
    return readBillingSettings(ctx.raw);
  },

  async 'billing.updateSettings'(input, ctx) {
    return writeBillingSettings(ctx.raw, input);
  },
};

export const billingHandlers = {
  ...subscriptionHandlers,
  ...usageHandlers,
  ...invoiceHandlers,
  ...billingRunHandlers,
};
