/**
 * Accounts receivable aging as of a date.
 *
 * Open items as of date A: every posted invoice and credit note issued on or before A, less the payment
 * allocations dated on or before A (credit notes are negative items: credit the customer still has);
 * payments not allocated to a document are negative "unapplied payment" items in the current bucket.
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

/** The open items as of `asOf` (items with nothing open are left out). */
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
        id: p.id,
        kind: 'payment',
        number: p.reference,
        customerId: p.customerId,
        customerNumber: c?.number ?? '',
        customerName: c?.name ?? '',
        currency: p.currency,
        date: p.date,
        dueDate: p.date,
        amountMinor: -p.amountMinor,
        openMinor: -unapplied,
        daysPastDue: 0,
        bucket: 'current',
      });
    }
  }
  for (const fd of docs) {
    if (!isPosted(fd) || fd.doc.issueDate > asOf) continue;
    const s = docSign(fd);
    const amount = docAmountMinor(fd);
    // allocations to a credit note are refunds paid out of it (negative payments): they close it
    const open = s * amount - (applied.get(fd.id) ?? 0);
    if (open === 0) continue;
    const due = fd.doc.dueDate ?? fd.doc.issueDate;
    const days = daysPastDue(due, asOf);
    items.push({
      id: fd.id,
      kind: fd.doc.kind,
      number: fd.doc.number,
      customerId: fd.customerId,
      customerNumber: fd.doc.buyer.customerNumber ?? customerOf(fd.customerId)?.number ?? '',
      customerName: fd.doc.buyer.legalName,
      currency: fd.doc.currency,
      date: fd.doc.issueDate,
      dueDate: due,
      amountMinor: s * amount,
      openMinor: open,
      daysPastDue: days,
      bucket: bucketOf(days),
    });
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
