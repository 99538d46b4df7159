/**
 * Finance exports and reports.
 *
 * Exports run as jobs: `exports.run` checks the input, gathers the period's documents and payments and
 * builds what can fail (e.g. the GL journal's balance check: an unbalanced journal is refused with a
 * CONFLICT naming each entry) before it returns; the files are then rendered in the background with
 * `export.progress` {jobId, done, total} events and an `export.finished` {jobId, status} event
 * (`wait: true` returns the finished job). Files are kept in the data folder and fetched with
 * `exports.download` (base64) or, in web mode, `GET /api/download/<fileId>`.
 *
 * Periods: `from`/`to` are inclusive and select documents by issue date and payments by value date.
 * Amounts are integer minor units with their currency.
 */
import { z } from 'zod';
import { CurrencyCode, Id, IsoDate, IsoDateTime } from '../common';
import { op } from '../op';

export const ExportType = z.enum(['documents', 'tables', 'journal', 'deferred', 'aging', 'statement']);
export type ExportType = z.output<typeof ExportType>;
export const ExportFormat = z.enum(['pdf', 'ubl', 'cii', 'zip', 'csv', 'xlsx']);
export type ExportFormat = z.output<typeof ExportFormat>;
export const DocumentFormat = z.enum(['pdf', 'ubl', 'cii']);
export const TableName = z.enum(['invoices', 'invoice_lines', 'credit_notes', 'payments']);
export const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM');

/** The formats each export type can be written in. */
export const EXPORT_FORMATS: Record<ExportType, readonly ExportFormat[]> = {
  documents: ['pdf', 'ubl', 'cii', 'zip'],
  tables: ['csv', 'xlsx'],
  journal: ['csv', 'xlsx'],
  deferred: ['csv', 'xlsx'],
  aging: ['csv', 'xlsx'],
  statement: ['pdf'],
};

export const ExportRunInput = z
  .object({
    /**
     * documents: one PDF / UBL / CII per invoice and credit note of the period (zip: all in one archive);
     * tables: invoices, invoice lines, credit notes and payments (csv: four files; xlsx: one workbook);
     * journal: the GL journal; deferred: recognition schedule + month-end report; aging: AR aging as of
     * `asOf`; statement: a customer's statement of account (PDF).
     */
    type: ExportType,
    format: ExportFormat,
    from: IsoDate.optional(),
    to: IsoDate.optional(),
    /** aging: the as-of date (default `to`, else today); tables: paid/open amounts as of (default `to`). */
    asOf: IsoDate.optional(),
    /** Only this customer's documents (required for statement). */
    customerId: Id.optional(),
    /** statement: the currency (default the customer's); aging: only this currency. */
    currency: CurrencyCode.optional(),
    /** documents + zip: what goes into the archive. */
    documentFormats: z.array(DocumentFormat).min(1).default(['pdf', 'ubl', 'cii']),
    /** tables: which tables (default all four). */
    tables: z.array(TableName).min(1).optional(),
    /** deferred: the months of the month-end report (default: the months of from..to). */
    fromMonth: Month.optional(),
    toMonth: Month.optional(),
    /** PDF language. */
    locale: z.enum(['en', 'de']).default('en'),
    /** Write the files into this folder (CLI and tests only; the app downloads them instead). */
    outDir: z.string().min(1).optional(),
    /** Wait until the files are written and return the finished job. */
    wait: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if (!EXPORT_FORMATS[v.type].includes(v.format)) {
      ctx.addIssue({ code: 'custom', path: ['format'], message: `${v.type} exports are ${EXPORT_FORMATS[v.type].join(', ')}` });
    }
    if (v.from && v.to && v.from > v.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'is before from' });
    if (v.fromMonth && v.toMonth && v.fromMonth > v.toMonth) ctx.addIssue({ code: 'custom', path: ['toMonth'], message: 'is before fromMonth' });
    if (v.type === 'statement' && !v.customerId) ctx.addIssue({ code: 'custom', path: ['customerId'], message: 'is required for a statement' });
  });
export type ExportRunInput = z.output<typeof ExportRunInput>;

export const ExportFile = z.object({
  fileId: Id,
  name: z.string(),
  mediaType: z.string(),
  size: z.number().int(),
  /** Where the file was written when `outDir` was given (CLI), else null. */
  path: z.string().nullable(),
});
export type ExportFile = z.output<typeof ExportFile>;

export const ExportJobStatus = z.enum(['running', 'done', 'failed']);

export const ExportJob = z.object({
  jobId: Id,
  type: ExportType,
  format: ExportFormat,
  status: ExportJobStatus,
  /** Progress: files (documents) rendered of total. */
  done: z.number().int(),
  total: z.number().int(),
  files: z.array(ExportFile),
  /** e.g. "12 invoices, 2 credit notes, 2025-01-01 – 2025-03-31". */
  summary: z.string(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  params: z.object({ from: IsoDate.nullable(), to: IsoDate.nullable(), asOf: IsoDate.nullable(), customerId: Id.nullable() }),
  startedAt: IsoDateTime,
  finishedAt: IsoDateTime.nullable(),
});
export type ExportJob = z.output<typeof ExportJob>;

export const GlMappingSchema = z.object({
  receivable: z.string().trim().min(1, 'is required').max(40),
  revenueDefault: z.string().trim().min(1, 'is required').max(40),
  revenueByProduct: z.record(z.string(), z.string().trim().min(1).max(40)).default({}),
  revenueByCategory: z.record(z.string(), z.string().trim().min(1).max(40)).default({}),
  taxByRate: z
    .record(z.string().regex(/^([A-Z]{1,2}:)?\d+(\.\d+)?$/, 'must be a rate ("19") or CATEGORY:rate ("S:19", "AE:0")'), z.string().trim().min(1).max(40))
    .default({}),
  taxDefault: z.string().trim().min(1, 'is required').max(40),
  allowances: z.string().trim().min(1).max(40).optional(),
  charges: z.string().trim().min(1).max(40).optional(),
  rounding: z.string().trim().min(1).max(40).optional(),
  accountNames: z.record(z.string(), z.string().max(100)).default({}),
});

const ColumnInfo = z.object({ key: z.string(), header: z.string(), type: z.enum(['text', 'date', 'money', 'decimal', 'integer']), description: z.string() });

const Buckets = z.object({ current: z.number().int(), d1_30: z.number().int(), d31_60: z.number().int(), d61_90: z.number().int(), d90_plus: z.number().int() });

export const OpenItemSchema = z.object({
  id: Id,
  kind: z.enum(['invoice', 'credit_note', 'payment']),
  number: z.string(),
  currency: z.string(),
  date: IsoDate,
  dueDate: IsoDate,
  amountMinor: z.number().int(),
  openMinor: z.number().int(),
  daysPastDue: z.number().int(),
  bucket: z.enum(['current', 'd1_30', 'd31_60', 'd61_90', 'd90_plus']),
});

export const AgingReportSchema = z.object({
  asOf: IsoDate,
  buckets: z.array(z.object({ key: z.string(), label: z.string(), fromDays: z.number().int().nullable(), toDays: z.number().int().nullable() })),
  rows: z.array(
    z.object({
      customerId: Id,
      customerNumber: z.string(),
      customerName: z.string(),
      currency: z.string(),
      buckets: Buckets,
      totalMinor: z.number().int(),
      items: z.array(OpenItemSchema).optional(),
    }),
  ),
  totals: z.array(z.object({ currency: z.string(), buckets: Buckets, totalMinor: z.number().int() })),
});

/** One month of MRR in one currency (amounts in minor units; see shared/domain/finance/mrr.ts). */
const MrrMonthSchema = z.object({
  month: Month,
  currency: z.string(),
  startMinor: z.number().int(),
  newMinor: z.number().int(),
  expansionMinor: z.number().int(),
  reactivationMinor: z.number().int(),
  contractionMinor: z.number().int(),
  churnMinor: z.number().int(),
  endMinor: z.number().int(),
  customersStart: z.number().int(),
  customersEnd: z.number().int(),
  newCustomers: z.number().int(),
  churnedCustomers: z.number().int(),
  logoChurnPct: z.string().nullable(),
  revenueChurnPct: z.string().nullable(),
  netRetentionPct: z.string().nullable(),
  arpaMinor: z.number().int().nullable(),
});

const DeferredMonth = z.object({
  month: Month,
  monthEnd: IsoDate,
  currency: z.string(),
  billedToDateMinor: z.number().int(),
  recognisedInMonthMinor: z.number().int(),
  recognisedToDateMinor: z.number().int(),
  deferredMinor: z.number().int(),
});

const JournalPostingSchema = z.object({
  account: z.string(),
  accountName: z.string(),
  role: z.enum(['receivable', 'revenue', 'allowance', 'charge', 'tax', 'rounding']),
  debitMinor: z.number().int(),
  creditMinor: z.number().int(),
  taxCategory: z.string().optional(),
  taxRate: z.string().optional(),
  description: z.string(),
});

const JournalEntrySchema = z.object({
  entryId: Id,
  date: IsoDate,
  documentKind: z.enum(['invoice', 'credit_note']),
  documentNumber: z.string(),
  customerId: Id,
  customerNumber: z.string(),
  customerName: z.string(),
  currency: z.string(),
  postings: z.array(JournalPostingSchema),
});

const StatementSchema = z.object({
  customer: z.object({ id: Id, number: z.string(), name: z.string() }),
  currency: z.string(),
  from: IsoDate,
  to: IsoDate,
  openingBalanceMinor: z.number().int(),
  lines: z.array(
    z.object({
      date: IsoDate,
      kind: z.enum(['invoice', 'credit_note', 'payment', 'refund']),
      reference: z.string(),
      description: z.string(),
      dueDate: IsoDate.optional(),
      debitMinor: z.number().int(),
      creditMinor: z.number().int(),
      balanceMinor: z.number().int(),
    }),
  ),
  closingBalanceMinor: z.number().int(),
  invoicedMinor: z.number().int(),
  creditedMinor: z.number().int(),
  paidMinor: z.number().int(),
  refundedMinor: z.number().int(),
  aging: Buckets,
  openItems: z.array(OpenItemSchema),
});

export const DownloadedFile = z.object({ fileId: Id.nullable(), name: z.string(), mediaType: z.string(), size: z.number().int(), base64: z.string() });

const period = { from: IsoDate.optional(), to: IsoDate.optional() };

export const exportOps = {
  'exports.run': op({
    name: 'exports.run', summary: 'Export a period: documents (PDF/UBL/CII/ZIP), tables (CSV/XLSX), GL journal, deferred revenue, AR aging or a statement', mutating: true, selfManaged: true,
    input: ExportRunInput, output: ExportJob,
  }),
  'exports.status': op({ name: 'exports.status', summary: 'One export job with its progress and files', mutating: false, input: z.object({ jobId: Id }), output: ExportJob }),
  'exports.list': op({
    name: 'exports.list', summary: 'Recent export jobs, newest first', mutating: false,
    input: z.object({ limit: z.number().int().min(1).max(500).default(50) }), output: z.array(ExportJob),
  }),
  'exports.download': op({ name: 'exports.download', summary: 'The bytes of an exported file (base64)', mutating: false, input: z.object({ fileId: Id }), output: DownloadedFile }),
  'exports.columns': op({
    name: 'exports.columns', summary: 'The columns of every tabular export (CSV header keys, XLSX headers, meaning)', mutating: false, input: z.object({}),
    output: z.array(z.object({ name: z.string(), title: z.string(), columns: z.array(ColumnInfo) })),
  }),
  'exports.glMapping': op({ name: 'exports.glMapping', summary: 'The GL account mapping used by the journal export', mutating: false, input: z.object({}), output: GlMappingSchema }),
  'exports.setGlMapping': op({ name: 'exports.setGlMapping', summary: 'Replace the GL account mapping', mutating: true, input: GlMappingSchema, output: GlMappingSchema }),
  'reports.arAging': op({
    name: 'reports.arAging', summary: 'Accounts receivable aging (current, 1–30, 31–60, 61–90, 90+ days past due) per customer and in total', mutating: false,
    input: z.object({ asOf: IsoDate.optional(), currency: CurrencyCode.optional(), customerId: Id.optional(), includeItems: z.boolean().default(false) }),
    output: AgingReportSchema,
  }),
  'reports.deferredRevenue': op({
    name: 'reports.deferredRevenue', summary: 'Deferred revenue at month end: billed, recognised in month / to date, deferred balance (with the months before and per customer)', mutating: false,
    input: z.object({ month: Month, fromMonth: Month.optional(), currency: CurrencyCode.optional() }),
    output: z.object({ month: Month, monthEnd: IsoDate, months: z.array(DeferredMonth), byCustomer: z.array(DeferredMonth.omit({ month: true, monthEnd: true, recognisedInMonthMinor: true }).extend({ customerId: Id, customerNumber: z.string(), customerName: z.string() })) }),
  }),
  'reports.mrr': op({
    name: 'reports.mrr', summary: 'MRR per month and currency with its movements (new, expansion, reactivation, contraction, churn), customers, churn rates and net revenue retention', mutating: false,
    input: z.object({ fromMonth: Month, toMonth: Month, currency: CurrencyCode.optional() }),
    output: z.object({ fromMonth: Month, toMonth: Month, months: z.array(MrrMonthSchema) }),
  }),
  'reports.journal': op({
    name: 'reports.journal', summary: 'The GL journal of a period with its balance check (preview of the journal export)', mutating: false,
    input: z.object({ ...period, customerId: Id.optional() }),
    output: z.object({ entries: z.array(JournalEntrySchema), balanced: z.boolean(), problems: z.array(z.string()), totals: z.array(z.object({ currency: z.string(), debitMinor: z.number().int(), creditMinor: z.number().int() })) }),
  }),
  'reports.statement': op({
    name: 'reports.statement', summary: "A customer's statement of account: opening balance, transactions with running balance, aging", mutating: false,
    input: z.object({ customerId: Id, from: IsoDate, to: IsoDate, currency: CurrencyCode.optional() }),
    output: StatementSchema,
  }),
  'invoices.pdf': op({ name: 'invoices.pdf', summary: 'The PDF of a finalized invoice or credit note (base64)', mutating: false, input: z.object({ id: Id, locale: z.enum(['en', 'de']).default('en') }), output: DownloadedFile }),
  'invoices.reminderPdf': op({
    name: 'invoices.reminderPdf', summary: 'The letter of a dunning reminder (PDF, base64): the overdue invoice, the amount due, the payment details', mutating: false,
    input: z.object({ reminderId: Id }), output: DownloadedFile,
  }),
  'invoices.ubl': op({ name: 'invoices.ubl', summary: 'The EN 16931 UBL 2.1 XML of a finalized invoice or credit note (base64)', mutating: false, input: z.object({ id: Id }), output: DownloadedFile }),
  'invoices.cii': op({ name: 'invoices.cii', summary: 'The EN 16931 CII XML of a finalized invoice or credit note (base64)', mutating: false, input: z.object({ id: Id }), output: DownloadedFile }),
} as const;
