/**
 * The finance view of billed documents: what the journal, deferred revenue, AR aging, statements and
 * the tabular exports read. Pure types and small helpers; the service layer maps the billing tables
 * into these values (a finalized invoice or credit note = an InvoiceDocument plus its ids and status).
 *
 * Conventions: amounts are integer minor units of `currency`, always positive on a document (the kind
 * gives the direction); dates are ISO calendar dates "YYYY-MM-DD"; periods are inclusive (as printed
 * on the document, EN 16931 BG-14 / BG-26).
 */
import type { InvoiceDocument } from '../documents';

/** A finalized invoice or credit note. */
export interface FinanceDocument {
  /** The billing record's id (UUIDv7). */
  id: string;
  customerId: string;
  /** Billing status, e.g. "open", "paid", "void". Void documents never reach the finance views. */
  status: string;
  /** The printed document (number, dates, lines, VAT breakdown, totals). */
  doc: InvoiceDocument;
  /** For a credit note: the id of the invoice it corrects, when known. */
  precedingInvoiceId?: string;
  subscriptionId?: string;
}

/** One part of a payment applied to a document. */
export interface PaymentAllocation {
  documentId: string;
  amountMinor: number;
}

/** Money received from (positive) or refunded to (negative) a customer. */
export interface FinancePayment {
  id: string;
  /** Human reference, e.g. a bank transaction id or payment number. */
  reference: string;
  customerId: string;
  /** Value date. */
  date: string;
  currency: string;
  /** Positive = received, negative = refunded. */
  amountMinor: number;
  method: string;
  /** How the payment is applied to invoices; the rest is unapplied cash on the customer's account. */
  allocations: PaymentAllocation[];
}

/** Customer master data the finance views print. */
export interface FinanceCustomer {
  id: string;
  number: string;
  name: string;
  vatId?: string | null;
  country?: string;
  email?: string;
  currency?: string;
}

/** +1 for invoices, −1 for credit notes: the direction of a document on the customer's balance. */
export const docSign = (d: Pick<FinanceDocument, 'doc'>): 1 | -1 => (d.doc.kind === 'credit_note' ? -1 : 1);

/** What the customer owes for the document: gross plus cash rounding (prepaid amounts are payments). */
export const docAmountMinor = (d: Pick<FinanceDocument, 'doc'>): number => d.doc.totals.grossMinor + (d.doc.totals.roundingMinor ?? 0);

/** Statuses that never reach the finance views. */
export const EXCLUDED_STATUSES: ReadonlySet<string> = new Set(['draft', 'void', 'voided', 'canceled', 'cancelled', 'deleted']);

export const isPosted = (d: Pick<FinanceDocument, 'status'>): boolean => !EXCLUDED_STATUSES.has(d.status);

/** Inclusive date range check on ISO dates (either bound may be absent). */
export const inRange = (date: string, from?: string, to?: string): boolean => (!from || date >= from) && (!to || date <= to);

/** Sorts documents by issue date, then number (stable, deterministic). */
export function byIssueDate<T extends Pick<FinanceDocument, 'doc'>>(a: T, b: T): number {
  return a.doc.issueDate < b.doc.issueDate ? -1 : a.doc.issueDate > b.doc.issueDate ? 1 : a.doc.number < b.doc.number ? -1 : a.doc.number > b.doc.number ? 1 : 0;
}

/** Adds `amount` to `map[key]` (creating it). */
export function addTo<K>(map: Map<K, number>, key: K, amount: number): void {
  map.set(key, (map.get(key) ?? 0) + amount);
}
