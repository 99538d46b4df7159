/**
 * THE column definitions of every tabular finance export (CSV and XLSX). One definition per table:
 * the CSV header is the column `key` (stable snake_case), XLSX uses `header` and `type`. Changing a key
 * or its order changes the file format: add columns at the end, never rename. README "Exports" lists
 * these tables (generated from this file by `columnsMarkdown`).
 *
 * CSV cell format: dates "YYYY-MM-DD"; money as a plain decimal with the currency's decimals and a dot
 * ("1946.45", "-74.06", JPY "75232"), no thousands separator; quantities/prices/rates as canonical
 * decimals ("1234.567", "0.0006", "19"); empty cell = no value.
 */
import { formatMinor } from '../money';
import type { AgingBucket } from './aging';

export type ColumnType = 'text' | 'date' | 'money' | 'decimal' | 'integer';

export interface ColumnDef<R> {
  /** CSV header, snake_case, stable. */
  key: string;
  /** XLSX header. */
  header: string;
  type: ColumnType;
  description: string;
  /** text/date/decimal: string; money: minor units; integer: number; null/undefined = empty. */
  get(row: R): string | number | null | undefined;
  /** money columns: the currency of the amount. */
  currency?(row: R): string;
  /** XLSX column width in characters. */
  width?: number;
}

/** A cell as CSV text (see the header comment for the formats). */
export function formatCell<R>(col: ColumnDef<R>, row: R): string {
  const v = col.get(row);
  if (v === null || v === undefined) return '';
  if (col.type === 'money') {
    if (typeof v !== 'number') throw new TypeError(`column ${col.key}: money must be minor units`);
    return formatMinor(v, col.currency!(row));
  }
  return String(v);
}

const money = <R extends { currency: string }>(key: string, header: string, description: string, get: (r: R) => number | null | undefined): ColumnDef<R> => ({
  key, header, type: 'money', description, get, currency: (r) => r.currency, width: 14,
});
const text = <R>(key: string, header: string, description: string, get: (r: R) => string | null | undefined, width = 16): ColumnDef<R> => ({ key, header, type: 'text', description, get, width });
const date = <R>(key: string, header: string, description: string, get: (r: R) => string | null | undefined): ColumnDef<R> => ({ key, header, type: 'date', description, get, width: 12 });
const decimal = <R>(key: string, header: string, description: string, get: (r: R) => string | null | undefined): ColumnDef<R> => ({ key, header, type: 'decimal', description, get, width: 12 });
const integer = <R>(key: string, header: string, description: string, get: (r: R) => number | null | undefined): ColumnDef<R> => ({ key, header, type: 'integer', description, get, width: 8 });

// ---------------------------------------------------------------------------------------------
// Row shapes (flat; built by tables.ts)

/** An invoice or credit note (the credit-note table adds the corrected invoice). */
export interface DocumentRow {
  documentId: string;
  kind: 'invoice' | 'credit_note';
  number: string;
  status: string;
  issueDate: string;
  dueDate?: string;
  customerId: string;
  customerNumber: string;
  customerName: string;
  customerVatId?: string;
  customerCountry: string;
  currency: string;
  servicePeriodStart?: string;
  servicePeriodEnd?: string;
  netMinor: number;
  taxMinor: number;
  grossMinor: number;
  /** Invoices: payments up to the as-of date; credit notes: refunds paid out of them. */
  paidMinor: number;
  /** Invoices: credit notes issued up to the as-of date that correct them; credit notes: the part applied to the corrected invoice. */
  creditedMinor: number;
  /** gross − paid − credited (billing's amount due; for a credit note, credit not yet used). */
  openMinor: number;
  buyerReference?: string;
  orderReference?: string;
  precedingNumber?: string;
  precedingIssueDate?: string;
  subscriptionId?: string;
}

export interface LineRow {
  documentId: string;
  documentKind: 'invoice' | 'credit_note';
  documentNumber: string;
  issueDate: string;
  customerNumber: string;
  currency: string;
  lineId: string;
  position: number;
  description: string;
  productSku?: string;
  quantity: string;
  unitCode: string;
  unitPrice: string;
  discountMinor?: number;
  netMinor: number;
  taxCategory: string;
  taxRate: string;
  periodStart?: string;
  periodEnd?: string;
}

export interface PaymentRow {
  paymentId: string;
  reference: string;
  date: string;
  customerId: string;
  customerNumber: string;
  customerName: string;
  currency: string;
  amountMinor: number;
  method: string;
  allocatedMinor: number;
  unallocatedMinor: number;
  /** Document numbers the payment is applied to, "INV-1;INV-2". */
  appliedTo: string;
}

export interface JournalRow {
  entryId: string;
  date: string;
  documentKind: string;
  documentNumber: string;
  customerNumber: string;
  customerName: string;
  account: string;
  accountName: string;
  debitMinor: number;
  creditMinor: number;
  currency: string;
  taxCategory?: string;
  taxRate?: string;
  description: string;
}

export interface ScheduleRow {
  documentNumber: string;
  documentKind: string;
  issueDate: string;
  customerNumber: string;
  customerName: string;
  lineId: string;
  description: string;
  currency: string;
  lineAmountMinor: number;
  serviceStart?: string;
  serviceEnd?: string;
  month: string;
  recognitionStart: string;
  recognitionEnd: string;
  days: number;
  recognisedMinor: number;
}

export interface DeferredReportRow {
  month: string;
  monthEnd: string;
  currency: string;
  billedToDateMinor: number;
  recognisedInMonthMinor: number;
  recognisedToDateMinor: number;
  deferredMinor: number;
}

export interface AgingExportRow {
  asOf: string;
  customerNumber: string;
  customerName: string;
  currency: string;
  buckets: Record<AgingBucket, number>;
  totalMinor: number;
}

// ---------------------------------------------------------------------------------------------
// Tables

const documentColumns = (what: string): ColumnDef<DocumentRow>[] => [
  text('document_id', 'Document id', `The ${what}'s id (UUID)`, (r) => r.documentId, 38),
  text('number', 'Number', `${what} number`, (r) => r.number),
  text('status', 'Status', 'Billing status at export time (open, paid, …)', (r) => r.status, 10),
  date('issue_date', 'Issue date', 'Issue date', (r) => r.issueDate),
  date('due_date', 'Due date', 'Payment due date (credit notes: refund date)', (r) => r.dueDate),
  text('customer_id', 'Customer id', 'Customer id (UUID)', (r) => r.customerId, 38),
  text('customer_number', 'Customer no.', 'Customer number', (r) => r.customerNumber, 14),
  text('customer_name', 'Customer', 'Customer legal name', (r) => r.customerName, 32),
  text('customer_vat_id', 'Customer VAT id', 'Customer VAT id', (r) => r.customerVatId, 16),
  text('customer_country', 'Country', 'Customer country (ISO 3166-1 alpha-2)', (r) => r.customerCountry, 8),
  text('currency', 'Currency', 'ISO 4217 currency of every amount in the row', (r) => r.currency, 8),
  date('service_period_start', 'Service from', 'Service period start (inclusive)', (r) => r.servicePeriodStart),
  date('service_period_end', 'Service to', 'Service period end (inclusive)', (r) => r.servicePeriodEnd),
  money('net', 'Net', 'Total without VAT', (r) => r.netMinor),
  money('tax', 'VAT', 'Total VAT', (r) => r.taxMinor),
  money('gross', 'Gross', 'Total with VAT', (r) => r.grossMinor),
  money('paid', 'Paid', 'Invoices: payments up to the as-of date (default: the period end); credit notes: refunds', (r) => r.paidMinor),
  money('credited', 'Credited', 'Invoices: credit notes correcting it up to the as-of date; credit notes: the part applied to the corrected invoice', (r) => r.creditedMinor),
  money('open', 'Open', 'Gross − paid − credited as of that date', (r) => r.openMinor),
  text('buyer_reference', 'Buyer reference', 'Buyer reference / PO given by the buyer', (r) => r.buyerReference),
  text('order_reference', 'Order reference', 'Purchase order reference', (r) => r.orderReference),
  text('subscription_id', 'Subscription id', 'The subscription billed, if any', (r) => r.subscriptionId, 38),
];

export const INVOICE_COLUMNS: ColumnDef<DocumentRow>[] = documentColumns('Invoice');

export const CREDIT_NOTE_COLUMNS: ColumnDef<DocumentRow>[] = [
  ...documentColumns('Credit note'),
  text('corrects_number', 'Corrects invoice', 'Number of the invoice the credit note corrects', (r) => r.precedingNumber),
  date('corrects_issue_date', 'Corrected invoice date', 'Issue date of that invoice', (r) => r.precedingIssueDate),
];

export const LINE_COLUMNS: ColumnDef<LineRow>[] = [
  text('document_id', 'Document id', 'Id of the invoice or credit note', (r) => r.documentId, 38),
  text('document_kind', 'Kind', '"invoice" or "credit_note"', (r) => r.documentKind, 11),
  text('document_number', 'Document no.', 'Invoice or credit note number', (r) => r.documentNumber),
  date('issue_date', 'Issue date', 'Issue date of the document', (r) => r.issueDate),
  text('customer_number', 'Customer no.', 'Customer number', (r) => r.customerNumber, 14),
  text('currency', 'Currency', 'ISO 4217 currency', (r) => r.currency, 8),
  text('line_id', 'Line id', 'Line identifier within the document', (r) => r.lineId, 8),
  integer('position', 'Pos.', '1-based position on the document', (r) => r.position),
  text('description', 'Description', 'Item description', (r) => r.description, 40),
  text('product_sku', 'SKU', 'Product SKU', (r) => r.productSku, 12),
  decimal('quantity', 'Quantity', 'Quantity (decimal)', (r) => r.quantity),
  text('unit_code', 'Unit', 'UN/ECE Rec. 20 unit code (C62, HUR, MON …)', (r) => r.unitCode, 6),
  decimal('unit_price', 'Unit price', 'Net unit price (decimal, up to 8 places)', (r) => r.unitPrice),
  money('discount', 'Discount', 'Line discount', (r) => r.discountMinor ?? null),
  money('net', 'Net', 'Line net amount = quantity × unit price − discount', (r) => r.netMinor),
  text('tax_category', 'VAT cat.', 'EN 16931 VAT category (S, Z, E, AE, K, G, O)', (r) => r.taxCategory, 6),
  decimal('tax_rate', 'VAT %', 'VAT rate in percent', (r) => r.taxRate),
  date('period_start', 'Period from', 'Line service period start (inclusive)', (r) => r.periodStart),
  date('period_end', 'Period to', 'Line service period end (inclusive)', (r) => r.periodEnd),
];

export const PAYMENT_COLUMNS: ColumnDef<PaymentRow>[] = [
  text('payment_id', 'Payment id', 'Payment id (UUID)', (r) => r.paymentId, 38),
  text('reference', 'Reference', 'Payment reference', (r) => r.reference, 20),
  date('date', 'Date', 'Value date', (r) => r.date),
  text('customer_id', 'Customer id', 'Customer id (UUID)', (r) => r.customerId, 38),
  text('customer_number', 'Customer no.', 'Customer number', (r) => r.customerNumber, 14),
  text('customer_name', 'Customer', 'Customer name', (r) => r.customerName, 32),
  text('currency', 'Currency', 'ISO 4217 currency', (r) => r.currency, 8),
  money('amount', 'Amount', 'Amount received (negative: refunded)', (r) => r.amountMinor),
  text('method', 'Method', 'Payment method', (r) => r.method, 14),
  money('allocated', 'Allocated', 'Part applied to invoices / credit notes', (r) => r.allocatedMinor),
  money('unallocated', 'Unallocated', 'Part not applied (on account)', (r) => r.unallocatedMinor),
  text('applied_to', 'Applied to', 'Document numbers the payment is applied to, separated by ";"', (r) => r.appliedTo, 30),
];

export const JOURNAL_COLUMNS: ColumnDef<JournalRow>[] = [
  text('entry_id', 'Entry', 'Journal entry id (= the document id); one entry per document', (r) => r.entryId, 38),
  date('date', 'Date', 'Posting date (the document issue date)', (r) => r.date),
  text('document_kind', 'Kind', '"invoice" or "credit_note"', (r) => r.documentKind, 11),
  text('document_number', 'Document no.', 'Invoice or credit note number', (r) => r.documentNumber),
  text('customer_number', 'Customer no.', 'Customer number', (r) => r.customerNumber, 14),
  text('customer_name', 'Customer', 'Customer name', (r) => r.customerName, 32),
  text('account', 'Account', 'GL account (from the GL mapping)', (r) => r.account, 10),
  text('account_name', 'Account name', 'Account name (from the GL mapping)', (r) => r.accountName, 24),
  money('debit', 'Debit', 'Debit amount (0 when credit)', (r) => r.debitMinor),
  money('credit', 'Credit', 'Credit amount (0 when debit)', (r) => r.creditMinor),
  text('currency', 'Currency', 'ISO 4217 currency', (r) => r.currency, 8),
  text('tax_category', 'VAT cat.', 'VAT category of revenue/tax postings', (r) => r.taxCategory, 6),
  decimal('tax_rate', 'VAT %', 'VAT rate of revenue/tax postings', (r) => r.taxRate),
  text('description', 'Text', 'Posting text', (r) => r.description, 24),
];

export const SCHEDULE_COLUMNS: ColumnDef<ScheduleRow>[] = [
  text('document_number', 'Document no.', 'Invoice or credit note number', (r) => r.documentNumber),
  text('document_kind', 'Kind', '"invoice" or "credit_note"', (r) => r.documentKind, 11),
  date('issue_date', 'Issue date', 'Issue date of the document', (r) => r.issueDate),
  text('customer_number', 'Customer no.', 'Customer number', (r) => r.customerNumber, 14),
  text('customer_name', 'Customer', 'Customer name', (r) => r.customerName, 32),
  text('line_id', 'Line', 'Line id ("AC1" … for document-level allowances/charges)', (r) => r.lineId, 6),
  text('description', 'Description', 'Line description', (r) => r.description, 36),
  text('currency', 'Currency', 'ISO 4217 currency', (r) => r.currency, 8),
  money('line_amount', 'Line amount', 'Net amount of the line (negative for credit notes and allowances)', (r) => r.lineAmountMinor),
  date('service_start', 'Service from', 'Line service period start (empty: recognised on the issue date)', (r) => r.serviceStart),
  date('service_end', 'Service to', 'Line service period end (inclusive)', (r) => r.serviceEnd),
  text('month', 'Month', 'Recognition month YYYY-MM', (r) => r.month, 8),
  date('recognition_start', 'From', 'First day recognised in the month', (r) => r.recognitionStart),
  date('recognition_end', 'To', 'Last day recognised in the month', (r) => r.recognitionEnd),
  integer('days', 'Days', 'Days recognised in the month', (r) => r.days),
  money('recognised', 'Recognised', 'Revenue recognised in the month (daily parts sum exactly to the line amount)', (r) => r.recognisedMinor),
];

export const DEFERRED_REPORT_COLUMNS: ColumnDef<DeferredReportRow>[] = [
  text('month', 'Month', 'Month YYYY-MM', (r) => r.month, 8),
  date('month_end', 'Month end', 'Last day of the month', (r) => r.monthEnd),
  text('currency', 'Currency', 'ISO 4217 currency', (r) => r.currency, 8),
  money('billed_to_date', 'Billed to date', 'Net amount of documents issued up to the month end', (r) => r.billedToDateMinor),
  money('recognised_in_month', 'Recognised in month', 'Recognised to date minus recognised to date at the previous month end', (r) => r.recognisedInMonthMinor),
  money('recognised_to_date', 'Recognised to date', 'Revenue recognised up to the month end', (r) => r.recognisedToDateMinor),
  money('deferred_balance', 'Deferred balance', 'Billed to date − recognised to date', (r) => r.deferredMinor),
];

export const AGING_COLUMNS: ColumnDef<AgingExportRow>[] = [
  date('as_of', 'As of', 'Aging date', (r) => r.asOf),
  text('customer_number', 'Customer no.', 'Customer number ("TOTAL" for the total row of a currency)', (r) => r.customerNumber, 14),
  text('customer_name', 'Customer', 'Customer name', (r) => r.customerName, 32),
  text('currency', 'Currency', 'ISO 4217 currency', (r) => r.currency, 8),
  money('current', 'Current', 'Not yet due (0 days or less past due)', (r) => r.buckets.current),
  money('days_1_30', '1–30', '1 to 30 days past due', (r) => r.buckets.d1_30),
  money('days_31_60', '31–60', '31 to 60 days past due', (r) => r.buckets.d31_60),
  money('days_61_90', '61–90', '61 to 90 days past due', (r) => r.buckets.d61_90),
  money('days_over_90', '90+', '91 days or more past due', (r) => r.buckets.d90_plus),
  money('total', 'Total', 'Total open (credit notes and unapplied payments negative)', (r) => r.totalMinor),
];

export type TableName = 'invoices' | 'invoice_lines' | 'credit_notes' | 'payments' | 'journal' | 'deferred_schedule' | 'deferred_report' | 'ar_aging';

/** Every table with its columns, in README order. */
export const TABLES: { name: TableName; title: string; columns: ColumnDef<never>[] }[] = [
  { name: 'invoices', title: 'Invoices', columns: INVOICE_COLUMNS as ColumnDef<never>[] },
  { name: 'invoice_lines', title: 'Invoice lines', columns: LINE_COLUMNS as ColumnDef<never>[] },
  { name: 'credit_notes', title: 'Credit notes', columns: CREDIT_NOTE_COLUMNS as ColumnDef<never>[] },
  { name: 'payments', title: 'Payments', columns: PAYMENT_COLUMNS as ColumnDef<never>[] },
  { name: 'journal', title: 'GL journal', columns: JOURNAL_COLUMNS as ColumnDef<never>[] },
  { name: 'deferred_schedule', title: 'Deferred revenue schedule', columns: SCHEDULE_COLUMNS as ColumnDef<never>[] },
  { name: 'deferred_report', title: 'Deferred revenue month-end report', columns: DEFERRED_REPORT_COLUMNS as ColumnDef<never>[] },
  { name: 'ar_aging', title: 'AR aging', columns: AGING_COLUMNS as ColumnDef<never>[] },
];

/** The column reference as Markdown (the README "Exports" tables are this output). */
export function columnsMarkdown(): string {
  const out: string[] = [];
  for (const t of TABLES) {
    out.push(`**${t.title}** (\`${t.name}.csv\`)`, '', '| column | type | meaning |', '| --- | --- | --- |');
    for (const c of t.columns) out.push(`| \`${c.key}\` | ${c.type} | ${c.description.replace(/\|/g, '\\|')} |`);
    out.push('');
  }
  return out.join('\n');
}
