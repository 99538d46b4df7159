/**
 * Subscription state over time: every transition (trial → active, pause, resume, cancel, expiry, renewal,
 * past_due) is written to subscription_timeline with the day it took effect. The state itself is derived from
 * the subscription's dates (baseStatusAt) plus the past_due overlay decided by dunning; the billing run walks the
 * dates it has not seen yet (status_checked_through) so transitions that happened while offline are recorded
 * with their own dates.
 */
import { addDays, type IsoDate } from '../../../shared/domain/billing';
import type { SubscriptionStatus } from '../../../shared/api/ops/subscriptions';
import { newId } from '../../platform/ids';
import { json, st, type Db } from './db';
import { baseStatusAt, currentTermEnd, eventDates, termBoundary, type BaseStatus, type SubRow, type SubState } from './state';

export function writeTimeline(
  db: Db, subscriptionId: string, atIso: string, effectiveDate: IsoDate, event: string,
  from: SubscriptionStatus | null, to: SubscriptionStatus | null, details: Record<string, unknown> = {},
): void {
  st(db, `INSERT INTO subscription_timeline (id, subscription_id, at, effective_date, event, from_status, to_status, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(newId(), subscriptionId, atIso, effectiveDate, event, from, to, json(details));
}

export function transitionEvent(from: BaseStatus, to: BaseStatus): string {
  switch (to) {
    case 'canceled':
      return from === 'trial' ? 'trial_canceled' : 'canceled';
    case 'expired':
      return 'expired';
    case 'paused':
      return 'paused';
    case 'trial':
      return 'trial_started';
    default:
      return from === 'trial' ? 'trial_converted' : from === 'paused' ? 'resumed' : 'reactivated';
  }
}

const baseOf = (s: SubscriptionStatus): BaseStatus => (s === 'past_due' ? 'active' : s);

/**
 * Records what took effect in (status_checked_through, through]: state transitions, renewals, scheduled changes.
 * Updates s.sub (status, current_term_end, status_checked_through) in memory; the caller saves the row.
 * Returns true when scheduled terms took effect (a change — quantity, plan, discount, interval switch — or an add-on
 * starting or ending): what the ERP was told when they were scheduled is then out of date.
 */
export function catchUpLifecycle(db: Db, s: SubState, through: IsoDate, atIso: string): boolean {
  const sub = s.sub;
  const after = sub.status_checked_through ?? addDays(sub.start_date, -1);
  if (through <= after) return false;
  let termsChanged = false;
  let prev = baseOf(sub.status);
  const renewals = new Set<IsoDate>();
  if (sub.term_end && sub.term_months && sub.auto_renew) {
    for (let j = 0; j < 10_000; j++) {
      const b = termBoundary(sub, j)!;
      if (b > through) break;
      if (b > after) renewals.add(b);
    }
  }
  for (const d of eventDates(s, after, through)) {
    const now = baseStatusAt(s, d);
    if (now !== prev) {
      writeTimeline(db, sub.id, atIso, d, transitionEvent(prev, now), prev === 'active' && sub.status === 'past_due' ? 'past_due' : prev, now);
      prev = now;
    }
    if (renewals.has(d) && now !== 'canceled' && now !== 'expired') {
      const next = currentTermEnd(sub, d);
      writeTimeline(db, sub.id, atIso, d, 'renewed', now, now, { termStart: d, termEnd: next, upliftPct: sub.renewal_uplift_pct });
    }
    for (const c of s.changes) {
      if (c.effective_date === d && c.created_at.slice(0, 10) < d) {
        writeTimeline(db, sub.id, atIso, d, 'change_effective', now, now, {
          changeId: c.id, itemId: c.item_id, quantity: c.quantity, planId: c.plan_id,
          ...(c.discount_percent !== null ? { discountPercent: c.discount_percent } : {}), ...(c.discount_amount !== null ? { discountAmount: c.discount_amount } : {}),
        });
        termsChanged = true;
      }
    }
    for (const i of s.items) {
      if (i.start_date === d && i.created_at.slice(0, 10) < d) {
        writeTimeline(db, sub.id, atIso, d, 'addon_started', now, now, { itemId: i.id, planId: i.plan_id });
        termsChanged = true;
      }
      if (i.end_date === d) {
        writeTimeline(db, sub.id, atIso, d, 'addon_ended', now, now, { itemId: i.id, planId: i.plan_id });
        termsChanged = true;
      }
    }
  }
  sub.status = prev === 'active' && sub.status === 'past_due' ? 'past_due' : prev;
  sub.current_term_end = currentTermEnd(sub, through);
  sub.status_checked_through = through;
  return termsChanged;
}

/** Sets the state as of `today` after a change made by an operation, recording the transition as `event`. */
export function settleAfterChange(db: Db, s: SubState, today: IsoDate, atIso: string, event: string, details: Record<string, unknown> = {}): void {
  const before = s.sub.status;
  const base = baseStatusAt(s, today);
  const after: SubscriptionStatus = base === 'active' && before === 'past_due' ? 'past_due' : base;
  writeTimeline(db, s.sub.id, atIso, today, event, before, after, details);
  s.sub.status = after;
  s.sub.current_term_end = currentTermEnd(s.sub, today);
  s.sub.status_checked_through = today;
}

// ------------------------------------------------------------------------------------------------ dunning

/** Unpaid invoices of the subscription due before `cutoff`. */
export function overdueInvoices(db: Db, subscriptionId: string, cutoff: IsoDate): number {
  const r = st(db, `SELECT COUNT(*) AS n FROM invoices WHERE subscription_id = ? AND kind = 'invoice' AND status IN ('finalized','partially_paid') AND due_date < ?`)
    .get(subscriptionId, cutoff) as { n: number };
  return r.n;
}

/**
 * The day the subscription became past due, for a run that notices it later (after days offline): for each overdue
 * invoice, the first day past its grace period — or the day it last changed (a voided credit note reopening it),
 * when that was later — and the earliest of those; never after `today`.
 */
function pastDueSince(db: Db, subscriptionId: string, today: IsoDate, graceDays: number): IsoDate {
  const rows = st(db, `SELECT due_date AS d, substr(updated_at, 1, 10) AS u FROM invoices WHERE subscription_id = ? AND kind = 'invoice' AND status IN ('finalized','partially_paid') AND due_date < ?`)
    .all(subscriptionId, addDays(today, -graceDays)) as { d: IsoDate; u: IsoDate }[];
  let since = today;
  for (const r of rows) {
    const overdueFrom = addDays(r.d, graceDays + 1);
    const day = r.u > overdueFrom ? r.u : overdueFrom;
    if (day < since) since = day;
  }
  return since;
}

/** past_due when an invoice is overdue (dunningGraceDays after its due date), back to active when none is. */
export function refreshDunning(db: Db, sub: SubRow, today: IsoDate, atIso: string, graceDays: number): boolean {
  if (sub.status !== 'active' && sub.status !== 'past_due') return false;
  const n = overdueInvoices(db, sub.id, addDays(today, -graceDays));
  if (sub.status === 'active' && n > 0) {
    writeTimeline(db, sub.id, atIso, pastDueSince(db, sub.id, today, graceDays), 'past_due', 'active', 'past_due', { overdueInvoices: n });
    sub.status = 'past_due';
    st(db, 'UPDATE subscriptions SET status = ?, updated_at = ? WHERE id = ?').run('past_due', atIso, sub.id);
    return true;
  }
  if (sub.status === 'past_due' && n === 0) {
    writeTimeline(db, sub.id, atIso, today, 'payment_recovered', 'past_due', 'active');
    sub.status = 'active';
    st(db, 'UPDATE subscriptions SET status = ?, updated_at = ? WHERE id = ?').run('active', atIso, sub.id);
    return true;
  }
  return false;
}

/** Re-evaluates dunning for a subscription by id (after a payment, credit note, void …). */
export function refreshDunningById(db: Db, subscriptionId: string | null, today: IsoDate, atIso: string, graceDays: number): void {
  if (!subscriptionId) return;
  const sub = st(db, 'SELECT * FROM subscriptions WHERE id = ?').get(subscriptionId) as SubRow | undefined;
  if (sub) refreshDunning(db, sub, today, atIso, graceDays);
}

// ------------------------------------------------------------------------------------------------ saving

const SAVE_SQL = `UPDATE subscriptions SET status = @status, trial_end = @trial_end, trial_end_action = @trial_end_action, term_months = @term_months,
  term_end = @term_end, current_term_end = @current_term_end, auto_renew = @auto_renew, renewal_uplift_pct = @renewal_uplift_pct,
  notice_days = @notice_days, cancel_at = @cancel_at, cancel_credit = @cancel_credit, cancel_reason = @cancel_reason,
  proration_policy = @proration_policy, proration_invoicing = @proration_invoicing, po_number = @po_number, buyer_reference = @buyer_reference,
  notes = @notes, interval_changes = @interval_changes, next_billing_date = @next_billing_date, bill_from = @bill_from, status_checked_through = @status_checked_through,
  price_locks = @price_locks, last_run_id = @last_run_id, billing_error = @billing_error, version = @version, updated_at = @updated_at
  WHERE id = @id`;

export function saveSub(db: Db, sub: SubRow): void {
  // rows built before migration 0011's column was read (or by hand) save no switch
  st(db, SAVE_SQL).run({ ...sub, interval_changes: sub.interval_changes ?? '[]' });
}

/** The columns a billing run moves on every subscription it bills (none of them indexed but next_billing_date). */
const RUN_COLUMNS = ['next_billing_date', 'bill_from', 'status_checked_through', 'price_locks', 'last_run_id', 'billing_error', 'updated_at'] as const;
const RUN_SET: ReadonlySet<string> = new Set(RUN_COLUMNS);
/** The other columns saveSub writes (the ones a subscription's lifecycle may change). */
const OTHER_COLUMNS = [...SAVE_SQL.matchAll(/(\w+) = @/g)].map((m) => m[1]! as keyof SubRow).filter((c) => c !== 'id' && !RUN_SET.has(c));
/** The UPDATE of the run's columns plus some others, by the others' names (a handful of shapes: renewals, status changes). */
const runUpdates = new Map<string, { sql: string; columns: readonly string[] }>();

/**
 * Saves a subscription the billing run has processed: the run's own columns and whichever others changed since
 * `before` (the row as loaded; typically the current term end at a renewal, or the status), so SQLite leaves the
 * indexes of unchanged columns (customer, status, renewal date) alone.
 */
export function saveSubAfterRun(db: Db, before: Readonly<SubRow>, sub: SubRow): void {
  let others = '';
  for (const k of OTHER_COLUMNS) if (sub[k] !== before[k]) others += others ? `,${k}` : k;
  let u = runUpdates.get(others);
  if (!u) {
    const columns = [...RUN_COLUMNS, ...(others ? others.split(',') : [])];
    u = { columns, sql: `UPDATE subscriptions SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id` };
    if (runUpdates.size < 64) runUpdates.set(others, u);
  }
  const row: Record<string, unknown> = { id: sub.id };
  for (const c of u.columns) row[c] = c === 'interval_changes' ? (sub.interval_changes ?? '[]') : sub[c as keyof SubRow];
  st(db, u.sql).run(row);
}
