/**
 * Plans and builds the files of an export. `planExport` gathers the data and computes everything that
 * can fail (an unbalanced journal is refused here, before a job exists); the returned plan renders the
 * files (the slow part: PDFs, XML, ZIP, XLSX) and hands each one to a sink as it is made.
 */
import { AppError } from '../../../shared/api/errors';
import { addDays } from '../../../shared/domain/billing/dates';
import type { ExportRunInput } from '../../../shared/api/ops/exports';
import { agingReport, openItemsAsOf } from '../../../shared/domain/finance/aging';
import {
  AGING_COLUMNS,
  CREDIT_NOTE_COLUMNS,
  DEFERRED_REPORT_COLUMNS,
  INVOICE_COLUMNS,
  JOURNAL_COLUMNS,
  LINE_COLUMNS,
  PAYMENT_COLUMNS,
  SCHEDULE_COLUMNS,
  type ColumnDef,
} from '../../../shared/domain/finance/columns';
import { deferredRevenueReport, monthOf, recognitionSchedules, scheduleMonthRange, monthEnd } from '../../../shared/domain/finance/deferred';
import { buildJournal, checkJournal, JournalImbalanceError } from '../../../shared/domain/finance/journal';
import type { FinanceDocument } from '../../../shared/domain/finance/ledger';
import { buildStatement } from '../../../shared/domain/finance/statement';
import { agingRows, deferredReportRows, documentRows, journalRows, lineRows, paymentRows, scheduleRows } from '../../../shared/domain/finance/tables';
import { formatMinor } from '../../../shared/domain/money';
import { einvoiceProblem, exportFileName, safeFileName, toCii, toPdf, toUbl, zipDocuments, type ZipEntry } from '../../exports/index';
import { statementPdf } from '../../exports/statement';
import { toCsv, toXlsx, type Sheet } from '../../exports/tabular';
import type { ServiceContext } from '../context';
import { buyerOf, loadCategoryOfSku, loadCustomers, loadDocuments, loadPayments, sellerOf } from './data';
import { readGlMapping, type FileOut } from './store';

export interface ExportPlan {
  summary: string;
  /** Units of progress (documents or files). */
  total: number;
  render(sink: (f: FileOut) => void, progress: (done: number) => void): Promise<void>;
}

type Ctx = Pick<ServiceContext, 'raw' | 'clock'>;

export const todayOf = (ctx: Pick<ServiceContext, 'clock'>): string => ctx.clock.now().toISOString().slice(0, 10);

function periodLabel(from?: string, to?: string): string {
  if (!from && !to) return 'all';
  return `${from ?? 'start'}_${to ?? 'today'}`;
}

function periodText(from?: string, to?: string): string {
  if (!from && !to) return 'all dates';
  if (from && to) return `${from} – ${to}`;
  return from ? `from ${from}` : `up to ${to}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function countKinds(docs: readonly FinanceDocument[]): string {
  const inv = docs.filter((d) => d.doc.kind === 'invoice').length;
  return `${plural(inv, 'invoice')}, ${plural(docs.length - inv, 'credit note')}`;
}

const csvFile = <R>(name: string, columns: readonly ColumnDef<R>[], rows: readonly R[]): FileOut => ({ name, mediaType: 'text/csv; charset=utf-8', data: toCsv(columns, rows) });
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const sheet = <R>(name: string, columns: readonly ColumnDef<R>[], rows: readonly R[]): Sheet<never> => ({ name, columns, rows } as unknown as Sheet<never>);

/** Gathers the data and prepares the files of an export; throws AppErrors for what cannot be exported. */
export async function planExport(input: ExportRunInput, ctx: Ctx): Promise<ExportPlan> {
  const db = ctx.raw;
  const today = todayOf(ctx);
  const { from, to, customerId } = input;
  const label = periodLabel(from, to);
  const created = ctx.clock.now();

  switch (input.type) {
    case 'documents': {
      const docs = await loadDocuments(db, { from, to, customerId });
      const formats = input.format === 'zip' ? input.documentFormats : [input.format as 'pdf' | 'ubl' | 'cii'];
      // EN 16931 has two decimals: documents in three-decimal currencies get no UBL / CII (their PDF still goes)
      const noXml = formats.some((f) => f !== 'pdf') ? docs.filter((d) => einvoiceProblem(d.doc)) : [];
      const noXmlText = noXml.length
        ? `; ${plural(noXml.length, 'document')} in ${[...new Set(noXml.map((d) => d.doc.currency))].join(', ')} without UBL / CII (EN 16931 allows two decimals)`
        : '';
      return {
        summary: `${countKinds(docs)} as ${formats.map((f) => f.toUpperCase()).join(' + ')}${input.format === 'zip' ? ' in a ZIP' : ''}, ${periodText(from, to)}${noXmlText}`,
        total: docs.length,
        async render(sink, progress) {
          const entries: ZipEntry[] = [];
          let done = 0;
          for (const d of docs) {
            for (const f of formats) {
              if (f !== 'pdf' && einvoiceProblem(d.doc)) continue;
              const name = exportFileName(d.doc, f);
              const data = f === 'pdf' ? await toPdf(d.doc, { locale: input.locale }) : f === 'ubl' ? toUbl(d.doc) : toCii(d.doc);
              if (input.format === 'zip') entries.push({ name, data });
              else sink({ name, mediaType: f === 'pdf' ? 'application/pdf' : 'application/xml', data });
            }
            progress(++done);
          }
          if (input.format === 'zip') sink({ name: `documents_${label}.zip`, mediaType: 'application/zip', data: await zipDocuments(entries) });
        },
      };
    }

    case 'tables': {
      const asOf = input.asOf ?? to ?? today;
      const docs = await loadDocuments(db, { from, to, customerId });
      const periodPayments = loadPayments(db, { from, to, customerId });
      const paidByAsOf = loadPayments(db, { to: asOf, customerId });
      const customers = loadCustomers(db);
      const numbers = new Map(docs.map((d) => [d.id, d.doc.number]));
      for (const p of periodPayments) {
        for (const a of p.allocations) {
          if (!numbers.has(a.documentId)) {
            const r = db.prepare('SELECT number FROM invoices WHERE id = ?').get(a.documentId) as { number: string | null } | undefined;
            if (r?.number) numbers.set(a.documentId, r.number);
          }
        }
      }
      // credit notes issued after the period but by the as-of date still reduce what the period's invoices owe
      const later = to && asOf > to ? (await loadDocuments(db, { from: addDays(to, 1), to: asOf, customerId })).filter((d) => d.doc.kind === 'credit_note') : [];
      const docRows = documentRows(docs, paidByAsOf, asOf, [...docs, ...later]);
      const tables = input.tables ?? ['invoices', 'invoice_lines', 'credit_notes', 'payments'];
      const all = {
        invoices: () => sheet('Invoices', INVOICE_COLUMNS, docRows.filter((r) => r.kind === 'invoice')),
        invoice_lines: () => sheet('Invoice lines', LINE_COLUMNS, lineRows(docs)),
        credit_notes: () => sheet('Credit notes', CREDIT_NOTE_COLUMNS, docRows.filter((r) => r.kind === 'credit_note')),
        payments: () => sheet('Payments', PAYMENT_COLUMNS, paymentRows(periodPayments, (id) => customers.get(id), (id) => numbers.get(id))),
      } as const;
      const sheets = tables.map((t) => [t, all[t]()] as const);
      return {
        summary: `${countKinds(docs)}, ${plural(periodPayments.length, 'payment')} as ${input.format.toUpperCase()}, ${periodText(from, to)}`,
        total: sheets.length,
        async render(sink, progress) {
          if (input.format === 'xlsx') {
            sink({ name: `finance_${label}.xlsx`, mediaType: XLSX, data: await toXlsx(sheets.map(([, s]) => s), { created }) });
            progress(sheets.length);
            return;
          }
          sheets.forEach(([t, s], i) => {
            sink(csvFile(`${t}_${label}.csv`, s.columns, s.rows));
            progress(i + 1);
          });
        },
      };
    }

    case 'journal': {
      const docs = await loadDocuments(db, { from, to, customerId });
      const entries = buildJournal(docs, readGlMapping(ctx), { categoryOfSku: loadCategoryOfSku(db) });
      const check = checkJournal(entries, formatMinor);
      if (!check.balanced) {
        const err = new JournalImbalanceError(check);
        throw new AppError('CONFLICT', err.message, { problems: check.problems, unbalanced: check.unbalanced });
      }
      const rows = journalRows(entries);
      return {
        summary: `${plural(entries.length, 'journal entry', 'journal entries')} (${plural(rows.length, 'posting')}), balanced, ${periodText(from, to)}`,
        total: 1,
        async render(sink, progress) {
          if (input.format === 'xlsx') sink({ name: `journal_${label}.xlsx`, mediaType: XLSX, data: await toXlsx([sheet('Journal', JOURNAL_COLUMNS, rows)], { created }) });
          else sink(csvFile(`journal_${label}.csv`, JOURNAL_COLUMNS, rows));
          progress(1);
        },
      };
    }

    case 'deferred': {
      // the report needs every document issued up to its last month end; the schedule lists the period's documents
      const periodDocs = await loadDocuments(db, { from, to, customerId });
      const periodSchedules = recognitionSchedules(periodDocs);
      const range = scheduleMonthRange(periodSchedules);
      const toMonth = input.toMonth ?? (to ? monthOf(to) : (range?.to ?? monthOf(today)));
      const fromMonth = input.fromMonth ?? (from ? monthOf(from) : (range?.from ?? toMonth));
      const allDocs = await loadDocuments(db, { to: monthEnd(toMonth), customerId });
      const report = deferredRevenueReport(recognitionSchedules(allDocs), fromMonth, toMonth);
      const sRows = scheduleRows(periodSchedules);
      const rRows = deferredReportRows(report);
      return {
        summary: `recognition schedule of ${plural(periodSchedules.length, 'line')} (${periodText(from, to)}) and month-end report ${fromMonth} – ${toMonth}`,
        total: 2,
        async render(sink, progress) {
          if (input.format === 'xlsx') {
            sink({ name: `deferred_revenue_${label}.xlsx`, mediaType: XLSX, data: await toXlsx([sheet('Month-end report', DEFERRED_REPORT_COLUMNS, rRows), sheet('Schedule', SCHEDULE_COLUMNS, sRows)], { created }) });
            progress(2);
            return;
          }
          sink(csvFile(`deferred_schedule_${label}.csv`, SCHEDULE_COLUMNS, sRows));
          progress(1);
          sink(csvFile(`deferred_report_${fromMonth}_${toMonth}.csv`, DEFERRED_REPORT_COLUMNS, rRows));
          progress(2);
        },
      };
    }

    case 'aging': {
      const asOf = input.asOf ?? to ?? today;
      const report = await agingReportOf(ctx, asOf, { customerId, currency: input.currency });
      const rows = agingRows(report);
      return {
        summary: `AR aging as of ${asOf}: ${plural(report.rows.length, 'customer')} with open items`,
        total: 1,
        async render(sink, progress) {
          if (input.format === 'xlsx') sink({ name: `ar_aging_${asOf}.xlsx`, mediaType: XLSX, data: await toXlsx([sheet('AR aging', AGING_COLUMNS, rows)], { created }) });
          else sink(csvFile(`ar_aging_${asOf}.csv`, AGING_COLUMNS, rows));
          progress(1);
        },
      };
    }

    case 'statement': {
      const st = await statementOf(ctx, { customerId: customerId!, from, to, currency: input.currency });
      return {
        summary: `statement of account ${st.buyer.legalName} (${st.statement.currency}), ${st.statement.from} – ${st.statement.to}`,
        total: 1,
        async render(sink, progress) {
          const name = `statement_${safeFileName(st.statement.customer.number)}_${st.statement.from}_${st.statement.to}.pdf`;
          sink({ name, mediaType: 'application/pdf', data: await statementPdf(st) });
          progress(1);
        },
      };
    }
  }
}

/** AR aging as of a date, from every document issued and payment made by then. */
export async function agingReportOf(ctx: Ctx, asOf: string, f: { customerId?: string; currency?: string }) {
  const docs = await loadDocuments(ctx.raw, { to: asOf, customerId: f.customerId, currency: f.currency });
  const payments = loadPayments(ctx.raw, { to: asOf, customerId: f.customerId, currency: f.currency });
  const customers = loadCustomers(ctx.raw);
  return agingReport(openItemsAsOf(docs, payments, asOf, (id) => customers.get(id)), asOf);
}

/** The statement of a customer with the parties to print. */
export async function statementOf(ctx: Ctx, q: { customerId: string; from?: string; to?: string; currency?: string }) {
  const customer = loadCustomers(ctx.raw, [q.customerId]).get(q.customerId);
  if (!customer) throw AppError.notFound('customer', q.customerId);
  const to = q.to ?? todayOf(ctx);
  const from = q.from ?? `${to.slice(0, 4)}-01-01`;
  if (from > to) throw AppError.validation('to', 'is before from');
  const currency = q.currency ?? customer.currency ?? 'EUR';
  const docs = await loadDocuments(ctx.raw, { to, customerId: q.customerId, currency });
  const payments = loadPayments(ctx.raw, { to, customerId: q.customerId, currency });
  const statement = buildStatement({ customer, currency, from, to, documents: docs, payments });
  return { statement, seller: sellerOf(ctx.raw, docs), buyer: buyerOf(customer, docs) };
}
