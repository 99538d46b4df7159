/** invoices.* and payments.* handlers: read models over invoices / invoice_lines / payments and the document actions. */
import { addDays } from '../../../shared/domain/billing';
import type { Invoice, InvoiceLine, InvoiceSummary } from '../../../shared/api/ops/invoices';
import type { TaxBreakdownEntry } from '../../../shared/domain/documents';
import { type HandlerMap, nowIso, type ServiceContext } from '../context';
import { parseJson, readBillingSettings, st, type Db } from './db';
import { remindersOf } from './dunning';
import {
  createCreditNote, finalizeInvoice, linesOf, markUncollectible, mustInvoice, recordPayment, voidInvoice, type InvoiceRow, type LineRow, type PaymentRow,
} from './invoicing';

type InvoiceOps =
  | 'invoices.list' | 'invoices.get' | 'invoices.finalize' | 'invoices.void' | 'invoices.markUncollectible' | 'invoices.createCreditNote'
  | 'payments.record' | 'payments.list';

type SummaryRow = InvoiceRow & { customer_name: string; customer_number: string; preceding_number: string | null; dunning_level: number | null };

const SUMMARY_SELECT = `SELECT i.*, c.name AS customer_name, c.number AS customer_number, p.number AS preceding_number,
  (SELECT MAX(r.level) FROM invoice_reminders r WHERE r.invoice_id = i.id) AS dunning_level
  FROM invoices i JOIN customers c ON c.id = i.customer_id LEFT JOIN invoices p ON p.id = i.preceding_invoice_id`;

export function toSummary(r: SummaryRow, today: string): InvoiceSummary {
  const open = r.kind === 'invoice' && (r.status === 'finalized' || r.status === 'partially_paid' || r.status === 'draft');
  const due = open ? r.gross_minor - r.paid_minor - r.credited_minor : 0;
  return {
    id: r.id, kind: r.kind, number: r.number, status: r.status, customerId: r.customer_id, customerName: r.customer_name, customerNumber: r.customer_number,
    subscriptionId: r.subscription_id, currency: r.currency, billingDate: r.billing_date, issueDate: r.issue_date, dueDate: r.due_date,
    serviceStart: r.service_start, serviceEnd: r.service_end, netMinor: r.net_minor, taxMinor: r.tax_minor, grossMinor: r.gross_minor, paidMinor: r.paid_minor,
    creditedMinor: r.credited_minor, amountDueMinor: due, overdue: r.status !== 'draft' && open && due > 0 && !!r.due_date && r.due_date < today,
    precedingInvoiceId: r.preceding_invoice_id, precedingInvoiceNumber: r.preceding_number, finalizeAfter: r.finalize_after, billingRunId: r.billing_run_id,
    createdAt: r.created_at, finalizedAt: r.finalized_at, voidedAt: r.voided_at, dunningLevel: r.dunning_level ?? null,
  };
}

export function toLine(l: LineRow): InvoiceLine {
  return {
    id: l.id, position: l.position, kind: l.kind as InvoiceLine['kind'], description: l.description, subscriptionId: l.subscription_id, itemId: l.item_id,
    productId: l.product_id, productSku: l.product_sku, planId: l.plan_id, periodStart: l.period_start, periodEnd: l.period_end,
    periodLastDay: l.period_end ? addDays(l.period_end, -1) : null, quantity: l.quantity, unitPrice: l.unit_price, periodUnitPrice: l.period_unit_price,
    fraction: l.fraction, discountMinor: l.discount_minor, discountReason: l.discount_reason, amountMinor: l.amount_minor, taxCategory: l.tax_category, taxCode: l.tax_code, taxRate: l.tax_rate,
    taxMinor: l.tax_minor, creditedLineId: l.credited_line_id,
  };
}

const toPayment = (p: PaymentRow & { invoice_number: string | null }) => ({
  id: p.id, invoiceId: p.invoice_id, invoiceNumber: p.invoice_number, customerId: p.customer_id, currency: p.currency, amountMinor: p.amount_minor,
  paidOn: p.paid_on, method: p.method, reference: p.reference, createdAt: p.created_at,
});

export function getInvoice(db: Db, id: string, today: string): Invoice {
  mustInvoice(db, id);
  const r = st(db, `${SUMMARY_SELECT} WHERE i.id = ?`).get(id) as SummaryRow;
  const payments = st(db, 'SELECT p.*, i.number AS invoice_number FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE p.invoice_id = ? ORDER BY p.paid_on, p.id').all(id) as (PaymentRow & { invoice_number: string | null })[];
  const credits = st(db, `SELECT id, number, status, gross_minor, issue_date FROM invoices WHERE preceding_invoice_id = ? AND kind = 'credit_note' ORDER BY created_at`).all(id) as {
    id: string; number: string | null; status: InvoiceRow['status']; gross_minor: number; issue_date: string | null;
  }[];
  return {
    ...toSummary(r, today),
    lines: linesOf(db, id).map(toLine),
    taxBreakdown: parseJson<TaxBreakdownEntry[]>(r.tax_breakdown, []),
    notes: parseJson<string[]>(r.notes, []),
    customerSnapshot: parseJson(r.customer_snapshot, null),
    sellerSnapshot: parseJson(r.seller_snapshot, null),
    poNumber: r.po_number,
    buyerReference: r.buyer_reference,
    voidReason: r.void_reason,
    payments: payments.map(toPayment),
    creditNotes: credits.map((c) => ({ id: c.id, number: c.number, status: c.status, grossMinor: c.gross_minor, issueDate: c.issue_date })),
    reminders: remindersOf(db, id).map((m) => ({ id: m.id, level: m.level, issuedOn: m.issued_on, daysOverdue: m.days_overdue, amountDueMinor: m.amount_due_minor, currency: m.currency })),
  };
}

const todayOf = (ctx: ServiceContext) => nowIso(ctx).slice(0, 10);

export const invoiceHandlers: HandlerMap<InvoiceOps> = {
  async 'invoices.list'(input, ctx) {
    const where: string[] = [];
    const params: unknown[] = [];
    const today = todayOf(ctx);
    if (input.status) {
      const ss = Array.isArray(input.status) ? input.status : [input.status];
      where.push(`i.status IN (${ss.map(() => '?').join(', ')})`);
      params.push(...ss);
    }
    if (input.kind) { where.push('i.kind = ?'); params.push(input.kind); }
    if (input.customerId) { where.push('i.customer_id = ?'); params.push(input.customerId); }
    if (input.subscriptionId) { where.push('i.subscription_id = ?'); params.push(input.subscriptionId); }
    if (input.billingRunId) { where.push('i.billing_run_id = ?'); params.push(input.billingRunId); }
    if (input.dateFrom) { where.push('COALESCE(i.issue_date, i.billing_date) >= ?'); params.push(input.dateFrom); }
    if (input.dateTo) { where.push('COALESCE(i.issue_date, i.billing_date) <= ?'); params.push(input.dateTo); }
    if (input.overdue !== undefined) {
      const cond = `(i.kind = 'invoice' AND i.status IN ('finalized','partially_paid') AND i.due_date < ? AND i.gross_minor - i.paid_minor - i.credited_minor > 0)`;
      where.push(input.overdue ? cond : `NOT ${cond}`);
      params.push(today);
    }
    if (input.search) {
      const q = `%${input.search.replace(/[%_\\]/g, (m) => '\\' + m)}%`;
      where.push(`(IFNULL(i.number, '') LIKE ? ESCAPE '\\' OR c.name LIKE ? ESCAPE '\\' OR c.number LIKE ? ESCAPE '\\')`);
      params.push(q, q, q);
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const col = { number: 'i.number', issueDate: 'COALESCE(i.issue_date, i.billing_date)', dueDate: 'i.due_date', grossMinor: 'i.gross_minor', createdAt: 'i.created_at', customerName: 'c.name' }[input.sortBy];
    const dir = input.sortDir === 'desc' ? 'DESC' : 'ASC';
    const { n } = ctx.raw.prepare(`SELECT COUNT(*) AS n FROM invoices i JOIN customers c ON c.id = i.customer_id ${w}`).get(...params) as { n: number };
    const rows = ctx.raw.prepare(`${SUMMARY_SELECT} ${w} ORDER BY ${col} ${dir}, i.id ${dir} LIMIT ? OFFSET ?`).all(...params, input.limit, input.offset) as SummaryRow[];
    return { items: rows.map((r) => toSummary(r, today)), total: n, offset: input.offset, limit: input.limit };
  },

  async 'invoices.get'(input, ctx) {
    return getInvoice(ctx.raw, input.id, todayOf(ctx));
  },

  async 'invoices.finalize'(input, ctx) {
    finalizeInvoice(ctx.raw, input.id, nowIso(ctx), readBillingSettings(ctx.raw));
    return getInvoice(ctx.raw, input.id, todayOf(ctx));
  },

  async 'invoices.void'(input, ctx) {
    voidInvoice(ctx.raw, input.id, input.reason, input.rebill, nowIso(ctx), readBillingSettings(ctx.raw));
    return getInvoice(ctx.raw, input.id, todayOf(ctx));
  },

  async 'invoices.markUncollectible'(input, ctx) {
    markUncollectible(ctx.raw, input.id, input.reason, nowIso(ctx), readBillingSettings(ctx.raw));
    return getInvoice(ctx.raw, input.id, todayOf(ctx));
  },

  async 'invoices.createCreditNote'(input, ctx) {
    const id = createCreditNote(ctx.raw, input.invoiceId, input.lineIds, input.reason, nowIso(ctx), readBillingSettings(ctx.raw));
    return getInvoice(ctx.raw, id, todayOf(ctx));
  },

  async 'payments.record'(input, ctx) {
    const p = recordPayment(ctx.raw, input.invoiceId, { amountMinor: input.amountMinor, paidOn: input.paidOn ?? todayOf(ctx), method: input.method, reference: input.reference }, nowIso(ctx), readBillingSettings(ctx.raw));
    const invoice = getInvoice(ctx.raw, input.invoiceId, todayOf(ctx));
    return { payment: toPayment({ ...p, invoice_number: invoice.number }), invoice };
  },

  async 'payments.list'(input, ctx) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (input.invoiceId) { where.push('p.invoice_id = ?'); params.push(input.invoiceId); }
    if (input.customerId) { where.push('p.customer_id = ?'); params.push(input.customerId); }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const { n } = ctx.raw.prepare(`SELECT COUNT(*) AS n FROM payments p ${w}`).get(...params) as { n: number };
    const rows = ctx.raw.prepare(`SELECT p.*, i.number AS invoice_number FROM payments p JOIN invoices i ON i.id = p.invoice_id ${w} ORDER BY p.paid_on DESC, p.id DESC LIMIT ? OFFSET ?`)
      .all(...params, input.limit, input.offset) as (PaymentRow & { invoice_number: string | null })[];
    return { items: rows.map(toPayment), total: n, offset: input.offset, limit: input.limit };
  },
};
