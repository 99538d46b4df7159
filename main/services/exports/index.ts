/** Handlers of the finance export and report operations (shared/api/ops/exports.ts). */
import fs from 'node:fs';
import { AppError } from '../../../shared/api/errors';
import type { exportOps } from '../../../shared/api/ops/exports';
import { AGING_BUCKETS } from '../../../shared/domain/finance/aging';
import { TABLES } from '../../../shared/domain/finance/columns';
import { deferredByCustomer, deferredRevenueReport, monthEnd, monthsBetween, prevMonth, recognitionSchedules } from '../../../shared/domain/finance/deferred';
import { mrrReport } from '../billing/mrr';
import { buildJournal, checkJournal, validateGlMapping } from '../../../shared/domain/finance/journal';
import { formatMinor } from '../../../shared/domain/money';
import { einvoiceProblem, exportFileName, toCii, toPdf, toUbl } from '../../exports/index';
import { reminderPdf } from '../../exports/reminder';
import { readBillingSettings } from '../billing/db';
import { invoiceDocumentOf } from '../billing/documents';
import type { ReminderRow } from '../billing/dunning';
import type { HandlerMap, ServiceContext } from '../context';
import { agingReportOf, statementOf } from './build';
import { loadCategoryOfSku, loadDocuments } from './data';
import { runExport } from './jobs';
import { getJob, listJobs, readGlMapping, resolveFile, writeGlMapping } from './store';

export { settleExports } from './jobs';
export { resolveFile } from './store';

type ExportOps = keyof typeof exportOps;

/** The printed document of an issued invoice or credit note. */
async function issuedDocument(ctx: ServiceContext, id: string) {
  const row = ctx.raw.prepare('SELECT status, number FROM invoices WHERE id = ?').get(id) as { status: string; number: string | null } | undefined;
  if (!row) throw AppError.notFound('invoice', id);
  if (row.status === 'draft' || !row.number) throw AppError.conflict('a draft has no document yet: finalize it first');
  return invoiceDocumentOf(ctx.raw, id);
}

const b64 = (data: Buffer | string) => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);

/** A document EN 16931 cannot carry (three-decimal currencies) is refused with the reason, never exported rounded. */
function refuseUnsupportedEInvoice(doc: Parameters<typeof einvoiceProblem>[0]): void {
  const problem = einvoiceProblem(doc);
  if (problem) throw AppError.conflict(problem);
}

export const exportHandlers: HandlerMap<ExportOps> = {
  async 'exports.run'(input, ctx) {
    return runExport(input, ctx);
  },
  async 'exports.status'(input, ctx) {
    return getJob(ctx, input.jobId);
  },
  async 'exports.list'(input, ctx) {
    return listJobs(ctx, input.limit);
  },
  async 'exports.download'(input, ctx) {
    const f = resolveFile(ctx, input.fileId);
    const data = fs.readFileSync(f.path);
    return { fileId: input.fileId, name: f.name, mediaType: f.mediaType, size: data.length, base64: data.toString('base64') };
  },
  async 'exports.columns'() {
    return TABLES.map((t) => ({ name: t.name, title: t.title, columns: t.columns.map((c) => ({ key: c.key, header: c.header, type: c.type, description: c.description })) }));
  },
  async 'exports.glMapping'(_input, ctx) {
    return readGlMapping(ctx);
  },
  async 'exports.setGlMapping'(input, ctx) {
    const problems = validateGlMapping(input);
    if (problems.length) throw new AppError('VALIDATION', `Invalid ${problems[0]!.path}: ${problems[0]!.message}`, { fields: problems });
    return writeGlMapping(ctx, input);
  },

  async 'reports.arAging'(input, ctx) {
    const asOf = input.asOf ?? ctx.clock.now().toISOString().slice(0, 10);
    const r = await agingReportOf(ctx, asOf, { customerId: input.customerId, currency: input.currency });
    return {
      asOf,
      buckets: AGING_BUCKETS.map((b) => ({ ...b })),
      rows: r.rows.map(({ items, ...row }) => ({
        ...row,
        ...(input.includeItems ? { items: items.map(({ customerId: _c, customerName: _n, customerNumber: _u, ...it }) => it) } : {}),
      })),
      totals: r.totals,
    };
  },
  async 'reports.deferredRevenue'(input, ctx) {
    let from = input.fromMonth;
    if (!from) {
      from = input.month;
      for (let i = 0; i < 11; i++) from = prevMonth(from);
    }
    if (from > input.month) throw AppError.validation('fromMonth', 'is after month');
    const docs = await loadDocuments(ctx.raw, { to: monthEnd(input.month), currency: input.currency });
    const schedules = recognitionSchedules(docs);
    return {
      month: input.month,
      monthEnd: monthEnd(input.month),
      months: deferredRevenueReport(schedules, from, input.month),
      byCustomer: deferredByCustomer(schedules, input.month),
    };
  },
  async 'reports.mrr'(input, ctx) {
    if (input.fromMonth > input.toMonth) throw AppError.validation('fromMonth', `is after toMonth (${input.toMonth})`);
    if (monthsBetween(input.fromMonth, input.toMonth).length > 60) throw AppError.validation('toMonth', 'at most 60 months at once');
    return mrrReport(ctx.raw, input.fromMonth, input.toMonth, input.currency ? { currency: input.currency } : {});
  },
  async 'reports.journal'(input, ctx) {
    const docs = await loadDocuments(ctx.raw, { from: input.from, to: input.to, customerId: input.customerId });
    const entries = buildJournal(docs, readGlMapping(ctx), { categoryOfSku: loadCategoryOfSku(ctx.raw) });
    const check = checkJournal(entries, formatMinor);
    return { entries, balanced: check.balanced, problems: check.problems, totals: check.totals };
  },
  async 'reports.statement'(input, ctx) {
    const { statement } = await statementOf(ctx, input);
    const { customer } = statement;
    return { ...statement, customer: { id: customer.id, number: customer.number, name: customer.name } };
  },

  async 'invoices.pdf'(input, ctx) {
    const doc = await issuedDocument(ctx, input.id);
    const data = await toPdf(doc, { locale: input.locale });
    return { fileId: null, name: exportFileName(doc, 'pdf'), mediaType: 'application/pdf', size: data.length, base64: data.toString('base64') };
  },
  async 'invoices.reminderPdf'(input, ctx) {
    const m = ctx.raw.prepare('SELECT * FROM invoice_reminders WHERE id = ?').get(input.reminderId) as ReminderRow | undefined;
    if (!m) throw AppError.notFound('reminder', input.reminderId);
    const doc = await issuedDocument(ctx, m.invoice_id);
    const levels = Math.max(m.level, readBillingSettings(ctx.raw).dunningLevels.length);
    const gross = doc.totals.grossMinor;
    const data = await reminderPdf({
      seller: doc.seller, buyer: doc.buyer,
      reminder: { level: m.level, levels, issuedOn: m.issued_on, daysOverdue: m.days_overdue },
      invoice: { number: doc.number, issueDate: doc.issueDate, dueDate: doc.dueDate ?? doc.issueDate, currency: m.currency, grossMinor: gross, settledMinor: gross - m.amount_due_minor, amountDueMinor: m.amount_due_minor },
    });
    return { fileId: null, name: `reminder-${m.level}-${doc.number}.pdf`, mediaType: 'application/pdf', size: data.length, base64: data.toString('base64') };
  },
  async 'invoices.ubl'(input, ctx) {
    const doc = await issuedDocument(ctx, input.id);
    refuseUnsupportedEInvoice(doc);
    const data = b64(toUbl(doc));
    return { fileId: null, name: exportFileName(doc, 'ubl'), mediaType: 'application/xml', size: data.length, base64: data.toString('base64') };
  },
  async 'invoices.cii'(input, ctx) {
    const doc = await issuedDocument(ctx, input.id);
    refuseUnsupportedEInvoice(doc);
    const data = b64(toCii(doc));
    return { fileId: null, name: exportFileName(doc, 'cii'), mediaType: 'application/xml', size: data.length, base64: data.toString('base64') };
  },
};
