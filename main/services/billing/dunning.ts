/**
 * Dunning reminders. billing_settings.dunningLevels = [d1, d2, …] (ascending days after the due date): an unpaid
 * invoice (finalized or partially paid, amount due > 0) gets reminder level n once it is d_n days overdue. Each level is
 * issued at most once per invoice (UNIQUE (invoice_id, level)); a run that finds an invoice past several levels at once
 * (the laptop was closed for a week) issues only the highest one — nobody wants three letters in one envelope.
 * A payment, a credit note or a write-off takes the invoice out of dunning; reminders already issued stay on record.
 *
 * Cadence records the reminder and tells the ERP/CRM through the outbox (dunning_reminder.issued, with what a letter
 * needs: customer, invoice, level, days overdue, amount due); sending the letter or e-mail is the receiving system's
 * job. Raw better-sqlite3 inside the caller's transaction.
 */
import { addDays, daysBetween, type IsoDate } from '../../../shared/domain/billing';
import { newId } from '../../platform/ids';
import { enqueueOutbox } from '../../sync/outbox';
import { st, type Db } from './db';

export interface ReminderCandidate {
  id: string;
  number: string;
  customer_id: string;
  subscription_id: string | null;
  currency: string;
  due_date: string;
  /** Amount still due (minor units). */
  due: number;
  /** Highest level already issued (0 = none). */
  last: number;
  /** The level to issue now. */
  level: number;
}

export interface ReminderRow {
  id: string;
  invoice_id: string;
  customer_id: string;
  subscription_id: string | null;
  level: number;
  issued_on: string;
  days_overdue: number;
  amount_due_minor: number;
  currency: string;
  run_id: string | null;
  created_at: string;
}

/** The level an invoice `daysOverdue` days overdue has reached (0 = none yet). */
export function levelReached(levels: readonly number[], daysOverdue: number): number {
  let n = 0;
  for (const d of levels) if (daysOverdue >= d) n++;
  return n;
}

/** Unpaid invoices that have reached a reminder level not issued yet on `today`, oldest due first. */
export function remindersDue(db: Db, today: IsoDate, levels: readonly number[]): ReminderCandidate[] {
  if (levels.length === 0) return [];
  const rows = st(db, `SELECT i.id, i.number, i.customer_id, i.subscription_id, i.currency, i.due_date, i.gross_minor - i.paid_minor - i.credited_minor AS due,
      COALESCE((SELECT MAX(r.level) FROM invoice_reminders r WHERE r.invoice_id = i.id), 0) AS last
    FROM invoices i WHERE i.kind = 'invoice' AND i.status IN ('finalized','partially_paid') AND i.due_date <= ? AND i.number IS NOT NULL
    ORDER BY i.due_date, i.id`).all(addDays(today, -levels[0]!)) as Omit<ReminderCandidate, 'level'>[];
  const out: ReminderCandidate[] = [];
  for (const r of rows) {
    const level = levelReached(levels, daysBetween(r.due_date, today));
    if (r.due > 0 && level > r.last) out.push({ ...r, level });
  }
  return out;
}

/** Records reminder `c.level` for the invoice and tells the ERP/CRM (outbox), in the caller's transaction. */
export function issueReminder(db: Db, c: ReminderCandidate, today: IsoDate, nowIso: string, runId: string | null): { level: number; daysOverdue: number; id: string } {
  const daysOverdue = daysBetween(c.due_date, today);
  const row: ReminderRow = {
    id: newId(), invoice_id: c.id, customer_id: c.customer_id, subscription_id: c.subscription_id, level: c.level, issued_on: today, days_overdue: daysOverdue,
    amount_due_minor: c.due, currency: c.currency, run_id: runId, created_at: nowIso,
  };
  st(db, `INSERT INTO invoice_reminders (id, invoice_id, customer_id, subscription_id, level, issued_on, days_overdue, amount_due_minor, currency, run_id, created_at)
    VALUES (@id, @invoice_id, @customer_id, @subscription_id, @level, @issued_on, @days_overdue, @amount_due_minor, @currency, @run_id, @created_at)`).run(row);
  const cust = st(db, 'SELECT number, name, email FROM customers WHERE id = ?').get(c.customer_id) as { number: string; name: string; email: string } | undefined;
  enqueueOutbox(db, nowIso, {
    aggregateType: 'dunning_reminder', aggregateId: row.id, eventType: 'dunning_reminder.issued',
    payload: {
      id: row.id, level: row.level, issuedOn: today, invoiceId: c.id, invoiceNumber: c.number, dueDate: c.due_date, daysOverdue,
      amountDueMinor: c.due, currency: c.currency, customerId: c.customer_id, customerNumber: cust?.number ?? '', customerName: cust?.name ?? '',
      customerEmail: cust?.email ?? '', subscriptionId: c.subscription_id,
    },
  });
  return { level: row.level, daysOverdue, id: row.id };
}

/** An invoice's reminders, oldest first. */
export function remindersOf(db: Db, invoiceId: string): ReminderRow[] {
  return st(db, 'SELECT * FROM invoice_reminders WHERE invoice_id = ? ORDER BY level').all(invoiceId) as ReminderRow[];
}
