/**
 * Accounts receivable aging as of a date.
 *
 * Open items as of date A: every posted invoice issued on or before A, less the payments dated on or
 * before A and the credit notes issued on or before A that correct it; credit left over (and credit notes
 * that correct no invoice) and payments not allocated to a document are negative items in the current bucket.
 * Days past due = A − due date (the issue date when there is no due date). Buckets:
 *   current (≤ 0 days: not yet due), 1–30, 31–60, 61–90, 90+ (91 days and more).
 */
import { dayNumber } from '../billing/dates';
import { docAmountMinor, docSign, isPosted, type FinanceDocument, type FinancePayment } from './ledger';

export type AgingBucket = 'current' | 'd1_30' | 'd31_60' | 'd61_90' | 'd90_plus';

export const AGING_BUCKETS: readonly { key: AgingBucket; label: string; fromDays: number | null; toDays: number | null }[] = [
  { key: 'current', label: 'Current', fromDays: null, toDays: 0 },
  { key: 'd1_30', label: '1–30 days', fromDays: 1, toDays: 30 },
  { key: 'd31_60', label: '31–60 days', fromDays: 31, toDays: 60 },
  { key: 'd61_90', label: '61–90 days', fromDays: 61, toDays: 90 },
  { key: 'd90_plus', label: '90+ days', fromDays: 91, toDays: null },
];

export type BucketAmounts = Record<AgingBucket, number>;

export const emptyBuckets = (): BucketAmounts => ({ current: 0, d1_30: 0, d31_60: 0, d61_90: 0, d90_plus: 0 });

/** Days from the due date to `asOf` (0 on the due date, negative before it). */
export const daysPastDue = (dueDate: string, asOf: string): number => dayNumber(asOf) - dayNumber(dueDate);

export function bucketOf(daysPast: number): AgingBucket {
  if (daysPast <= 0) return 'current';
  if (daysPast <= 30) return 'd1_30';
  if (daysPast <= 60) return 'd31_60';
  if (daysPast <= 90) return 'd61_90';
  return 'd90_plus';
}

export type OpenItemKind = 'invoice' | 'credit_note' | 'payment';

export interface OpenItem {
  /** Document id, or the payment id for unapplied payments. */
  id: string;
  kind: OpenItemKind;
  number: string;
  customerId: string;
  customerNumber: string;
  customerName: string;
  currency: string;
  date: string;
  dueDate: string;
  /** Signed: the document's amount (negative for credit notes and payments). */
  amountMinor: number;
  /** Signed: what is still open as of the date. */
  openMinor: number;
  daysPastDue: number;
  bucket: AgingBucket;
}

/** Customer number/name per customer id, used for payment items (documents carry their own). */
export type CustomerLookup = (customerId: string) => { number: string; name: string } | undefined;

/** Statuses whose documents are written off and leave the receivables (the journal still has them). */
export const WRITTEN_OFF_STATUSES: ReadonlySet<string> = new Set(['uncollectible', 'written_off']);

/**
 * The open items as of `asOf` (items with nothing open are left out):
 * - an invoice is open for its amount − payments allocated to it by `asOf` − credit notes issued by `asOf`
 *   that correct it (precedingInvoiceId); bucketed by its due date;
 * - credit beyond what the corrected invoice still owed, and credit notes that correct no invoice, are
 *   negative items of the credit note in the current bucket (credit the customer has);
 * - payment amounts not allocated to a document are negative "payment" items in the current bucket.
 * Written-off (uncollectible) documents are not receivables.
 */
export function openItemsAsOf(
  docs: readonly FinanceDocument[],
  payments: readonly FinancePayment[],
  asOf: string,
  customerOf: CustomerLookup = () => undefined,
): OpenItem[] {
  const applied = new Map<string, number>();
  const items: OpenItem[] = [];
  for (const p of payments) {
    if (p.date > asOf) continue;
    let allocated = 0;
    for (const a of p.allocations) {
      applied.set(a.documentId, (applied.get(a.documentId) ?? 0) + a.amountMinor);
      allocated += a.amountMinor;
    }
    const unapplied = p.amountMinor - allocated;
    if (unapplied !== 0) {
      const c = customerOf(p.customerId);
      items.push({
        id: p.id, kind: 'payment', number: p.reference, customerId: p.customerId, customerNumber: c?.number ?? '', customerName: c?.name ?? '',
        currency: p.currency, date: p.date, dueDate: p.date, amountMinor: -p.amountMinor, openMinor: -unapplied, daysPastDue: 0, bucket: 'current',
      });
    }
  }
  const live = docs.filter((d) => isPosted(d) && !WRITTEN_OFF_STATUSES.has(d.status) && d.doc.issueDate <= asOf);
  const invoices = new Map(live.filter((d) => d.doc.kind === 'invoice').map((d) => [d.id, d]));
  // written off (uncollectible) invoices are no receivable, but a credit note correcting one is applied to it first:
  // only what exceeds what it still had open is credit the customer has
  const writtenOff = new Map(docs.filter((d) => isPosted(d) && WRITTEN_OFF_STATUSES.has(d.status) && d.doc.kind === 'invoice' && d.doc.issueDate <= asOf).map((d) => [d.id, d]));
  const corrects = (d: FinanceDocument): boolean => !!d.precedingInvoiceId && (invoices.has(d.precedingInvoiceId) || writtenOff.has(d.precedingInvoiceId));
  // credit notes applied to the invoice they correct
  const creditsOf = new Map<string, FinanceDocument[]>();
  for (const d of live) {
    if (d.doc.kind === 'credit_note' && d.precedingInvoiceId && corrects(d)) {
      const list = creditsOf.get(d.precedingInvoiceId) ?? [];
      list.push(d);
      creditsOf.set(d.precedingInvoiceId, list);
    }
  }
  const item = (fd: FinanceDocument, open: number, dueDate: string): OpenItem => {
    const days = fd.doc.kind === 'credit_note' ? 0 : daysPastDue(dueDate, asOf);
    return {
      id: fd.id, kind: fd.doc.kind, number: fd.doc.number, customerId: fd.customerId,
      customerNumber: fd.doc.buyer.customerNumber ?? customerOf(fd.customerId)?.number ?? '', customerName: fd.doc.buyer.legalName,
      currency: fd.doc.currency, date: fd.doc.issueDate, dueDate, amountMinor: docSign(fd) * docAmountMinor(fd), openMinor: open,
      daysPastDue: days, bucket: bucketOf(days),
    };
  };
  for (const fd of [...live, ...writtenOff.values()]) {
    if (fd.doc.kind === 'invoice') {
      const credits = creditsOf.get(fd.id) ?? [];
      if (writtenOff.has(fd.id) && credits.length === 0) continue;
      const credited = credits.reduce((s, c) => s + docAmountMinor(c), 0);
      const open = docAmountMinor(fd) - (applied.get(fd.id) ?? 0) - credited;
      if (open > 0) {
        if (!writtenOff.has(fd.id)) items.push(item(fd, open, fd.doc.dueDate ?? fd.doc.issueDate));
      }
      else if (open < 0) {
        // over-credited: the excess is credit the customer has, shown on the latest credit note
        const last = [...credits].sort((a, b) => (a.doc.issueDate < b.doc.issueDate ? -1 : a.doc.issueDate > b.doc.issueDate ? 1 : a.doc.number.localeCompare(b.doc.number))).pop();
        items.push(last ? item(last, open, last.doc.issueDate) : item(fd, open, fd.doc.dueDate ?? fd.doc.issueDate));
      }
    } else if (!corrects(fd)) {
      // a stand-alone credit note; allocations to it are refunds paid out of it (negative payments)
      const open = -docAmountMinor(fd) - (applied.get(fd.id) ?? 0);
      if (open !== 0) items.push(item(fd, open, fd.doc.issueDate));
    }
  }
  return items.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.number.localeCompare(b.number)));
}

export interface AgingRow {
  customerId: string;
  customerNumber: string;
  customerName: string;
  currency: string;
  buckets: BucketAmounts;
  totalMinor: number;
  items: OpenItem[];
}

export interface AgingTotal {
  currency: string;
  buckets: BucketAmounts;
  totalMinor: number;
}

export interface AgingReport {
  asOf: string;
  rows: AgingRow[];
  totals: AgingTotal[];
}

/** Aging per customer and currency, and in total per currency. */
export function agingReport(items: readonly OpenItem[], asOf: string): AgingReport {
  const rows = new Map<string, AgingRow>();
  const totals = new Map<string, AgingTotal>();
  for (const it of items) {
    const k = `${it.customerId}|${it.currency}`;
    let r = rows.get(k);
    if (!r) rows.set(k, (r = { customerId: it.customerId, customerNumber: it.customerNumber, customerName: it.customerName, currency: it.currency, buckets: emptyBuckets(), totalMinor: 0, items: [] }));
    if (!r.customerName && it.customerName) r.customerName = it.customerName;
    if (!r.customerNumber && it.customerNumber) r.customerNumber = it.customerNumber;
    r.buckets[it.bucket] += it.openMinor;
    r.totalMinor += it.openMinor;
    r.items.push(it);
    let t = totals.get(it.currency);
    if (!t) totals.set(it.currency, (t = { currency: it.currency, buckets: emptyBuckets(), totalMinor: 0 }));
    t.buckets[it.bucket] += it.openMinor;
    t.totalMinor += it.openMinor;
  }
  return {
    asOf,
    rows: [...rows.values()].sort((a, b) => a.currency.localeCompare(b.currency) || a.customerName.localeCompare(b.customerName) || a.customerId.localeCompare(b.customerId)),
    totals: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
  };
}
