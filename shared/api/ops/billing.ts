/**
 * The billing run: selects what is due, writes draft invoices, finalizes drafts past their grace period and marks
 * overdue subscriptions past_due. Runs off the UI's path (a worker thread in web / desktop mode) and emits
 * `billing.progress` / `billing.finished` events.
 */
import { z } from 'zod';
import { Id, IsoDate, IsoDateTime, pageOf } from '../common';
import { op } from '../op';

export const BillingRunStatus = z.enum(['running', 'completed', 'failed']);

export const BillingRun = z.object({
  id: Id,
  status: BillingRunStatus,
  trigger: z.string(),
  /** The fixed timestamp of the run: everything is billed as of this instant (retries use the same one). */
  runAt: IsoDateTime,
  targetDate: IsoDate,
  phase: z.enum(['generate', 'finalize', 'dunning', 'done']),
  startedAt: IsoDateTime,
  finishedAt: IsoDateTime.nullable(),
  /** Subscriptions due when the run started (or resumed). */
  totalDue: z.number().int(),
  processed: z.number().int(),
  billed: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  invoicesCreated: z.number().int(),
  linesCreated: z.number().int(),
  finalized: z.number().int(),
  pastDue: z.number().int(),
  /** Dunning reminders issued by the run. */
  reminders: z.number().int(),
  /** How often the run was resumed after an interruption. */
  resumes: z.number().int(),
  error: z.string().nullable(),
});
export type BillingRun = z.output<typeof BillingRun>;

export const BillingLogEntry = z.object({
  id: Id,
  runId: Id,
  at: IsoDateTime,
  /**
   * billed: lines written for a subscription (the message names the invoice when it was finalized at once, with no
   * grace period); finalized: a draft finalized after its grace period; skipped / failed: with the reason.
   */
  outcome: z.enum(['billed', 'skipped', 'failed', 'finalized', 'status', 'past_due', 'reminder']),
  subscriptionId: Id.nullable(),
  customerId: Id.nullable(),
  invoiceId: Id.nullable(),
  lines: z.number().int(),
  amountMinor: z.number().int().nullable(),
  currency: z.string().nullable(),
  message: z.string(),
});

export const BillingSettings = z.object({
  /** Hours a generated draft waits (for review) before the run finalizes it. 0 = finalize in the same run. */
  graceHours: z.number().min(0).max(24 * 60),
  /** Tax rounding: once per invoice and rate (default), or per line. */
  taxRounding: z.enum(['per_invoice', 'per_line']),
  taxRoundingMode: z.enum(['half_up', 'half_even']),
  /** How often the scheduler starts a run (minutes); 0 disables the timer. */
  schedulerIntervalMinutes: z.number().int().min(0).max(7 * 24 * 60),
  /** Subscriptions per transaction. */
  batchSize: z.number().int().min(1).max(10_000),
  /** Days after an invoice's due date before its subscription turns past_due. */
  dunningGraceDays: z.number().int().min(0).max(3650),
  /**
   * Dunning reminder levels: reminder n is issued when an unpaid invoice is dunningLevels[n-1] days overdue
   * (ascending; empty = no reminders). The reminders go to the ERP/CRM through the outbox (event dunning_reminder.issued).
   */
  dunningLevels: z.array(z.number().int().min(1).max(3650)).max(6).superRefine((xs, ctx) => {
    for (let i = 1; i < xs.length; i++) {
      if (xs[i]! <= xs[i - 1]!) ctx.addIssue({ code: 'custom', path: [i], message: `must be more days than level ${i} (${xs[i - 1]})` });
    }
  }),
});
export type BillingSettings = z.output<typeof BillingSettings>;

export const BillingProgress = z.object({
  runId: Id,
  phase: z.enum(['generate', 'finalize', 'dunning', 'done']),
  processed: z.number().int(),
  total: z.number().int(),
  invoicesCreated: z.number().int(),
  finalized: z.number().int(),
  failed: z.number().int(),
});
export type BillingProgress = z.output<typeof BillingProgress>;

export const billingOps = {
  'billing.run': op({
    name: 'billing.run', summary: 'Start a billing run (returns its id; wait:true waits for the result)', mutating: true, selfManaged: true,
    input: z.object({
      wait: z.boolean().default(false),
      /** auto: a worker thread in web / desktop mode, inline in the CLI and tests. */
      mode: z.enum(['auto', 'inline', 'worker']).default('auto'),
      /** Skip finalizing drafts in this run. */
      finalize: z.boolean().default(true),
    }),
    output: z.object({ runId: Id, alreadyRunning: z.boolean(), run: BillingRun.nullable() }),
  }),
  'billing.runs': op({
    name: 'billing.runs', summary: 'Billing run history, newest first', mutating: false,
    input: z.object({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(50) }),
    output: pageOf(BillingRun),
  }),
  'billing.runLog': op({
    name: 'billing.runLog', summary: 'What a run billed, skipped and failed, and why', mutating: false,
    input: z.object({
      runId: Id,
      outcome: z.enum(['billed', 'skipped', 'failed', 'finalized', 'status', 'past_due', 'reminder']).optional(),
      subscriptionId: Id.optional(),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(10000).default(200),
    }),
    output: pageOf(BillingLogEntry),
  }),
  'billing.status': op({
    name: 'billing.status', summary: 'The current run and its progress, the last run, the scheduler', mutating: false,
    input: z.object({}),
    output: z.object({
      running: z.boolean(),
      current: BillingRun.nullable(),
      progress: BillingProgress.nullable(),
      lastRun: BillingRun.nullable(),
      /** Subscriptions due now (next billing date ≤ today) and drafts waiting. */
      dueSubscriptions: z.number().int(),
      drafts: z.number().int(),
      scheduler: z.object({ enabled: z.boolean(), intervalMinutes: z.number().int(), nextRunAt: IsoDateTime.nullable() }),
    }),
  }),
  'billing.settings': op({ name: 'billing.settings', summary: 'Billing settings (grace period, tax rounding, scheduler)', mutating: false, input: z.object({}), output: BillingSettings }),
  'billing.updateSettings': op({ name: 'billing.updateSettings', summary: 'Change billing settings', mutating: true, input: BillingSettings.partial(), output: BillingSettings }),
} as const;
