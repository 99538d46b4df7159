/**
 * Gathers the finance values from the billing tables: finalized invoices and credit notes (as printed,
 * through billing's invoiceDocumentOf), payments, customers and product categories.
 * Reads only; runs on the raw better-sqlite3 handle.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { DocumentBuyer, DocumentParty } from '../../../shared/domain/documents';
import type { FinanceCustomer, FinanceDocument, FinancePayment } from '../../../shared/domain/finance/ledger';
import { invoiceDocumentOf } from '../billing/documents';

type Db = BetterSqlite3.Database;

export interface FinanceQuery {
  /** Issue dates (documents) and value dates (payments), inclusive; absent = unbounded. */
  from?: string;
  to?: string;
  customerId?: string;
  currency?: string;
}

interface InvoiceIdRow {
  id: string;
  customer_id: string;
  status: string;
  preceding_invoice_id: string | null;
  subscription_id: string | null;
}

/** Statuses of documents that were issued (void documents keep their number but are not booked). */
const ISSUED = ['finalized', 'paid', 'partially_paid', 'uncollectible'];

function where(q: FinanceQuery, dateCol: string, prefix = ''): { sql: string; args: unknown[] } {
  const parts: string[] = [];
  const args: unknown[] = [];
  if (q.from) {
    parts.push(`${prefix}${dateCol} >= ?`);
    args.push(q.from);
  }
  if (q.to) {
    parts.push(`${prefix}${dateCol} <= ?`);
    args.push(q.to);
  }
  if (q.customerId) {
    parts.push(`${prefix}customer_id = ?`);
    args.push(q.customerId);
  }
  if (q.currency) {
    parts.push(`${prefix}currency = ?`);
    args.push(q.currency);
  }
  return { sql: parts.length ? ` AND ${parts.join(' AND ')}` : '', args };
}

/** Number of issued invoices and credit notes matching the query (cheap, for planning). */
export function countDocuments(db: Db, q: FinanceQuery): number {
  const w = where(q, 'issue_date');
  const r = db.prepare(`SELECT COUNT(*) AS n FROM invoices WHERE status IN (${ISSUED.map(() => '?').join(', ')}) AND issue_date IS NOT NULL${w.sql}`).get(...ISSUED, ...w.args) as { n: number };
  return r.n;
}

/** Issued invoices and credit notes by issue date, then number. */
export async function loadDocuments(db: Db, q: FinanceQuery): Promise<FinanceDocument[]> {
  const w = where(q, 'issue_date');
  const rows = db
    .prepare(
      `SELECT id, customer_id, status, preceding_invoice_id, subscription_id FROM invoices
       WHERE status IN (${ISSUED.map(() => '?').join(', ')}) AND issue_date IS NOT NULL${w.sql}
       ORDER BY issue_date, number`,
    )
    .all(...ISSUED, ...w.args) as InvoiceIdRow[];
  const out: FinanceDocument[] = [];
  for (const r of rows) {
    const doc = await invoiceDocumentOf(db, r.id);
    out.push({
      id: r.id,
      customerId: r.customer_id,
      status: r.status,
      doc,
      ...(r.preceding_invoice_id ? { precedingInvoiceId: r.preceding_invoice_id } : {}),
      ...(r.subscription_id ? { subscriptionId: r.subscription_id } : {}),
    });
  }
  return out;
}

interface PaymentDbRow {
  id: string;
  invoice_id: string;
  customer_id: string;
  currency: string;
  amount_minor: number;
  paid_on: string;
  method: string;
  reference: string | null;
  invoice_number: string | null;
}

/** Payments by value date; each is allocated to its invoice. The reference defaults to "payment <invoice no.>". */
export function loadPayments(db: Db, q: FinanceQuery): FinancePayment[] {
  const w = where(q, 'paid_on', 'p.');
  const rows = db
    .prepare(
      `SELECT p.id, p.invoice_id, p.customer_id, p.currency, p.amount_minor, p.paid_on, p.method, p.reference, i.number AS invoice_number
       FROM payments p JOIN invoices i ON i.id = p.invoice_id
       WHERE i.status != 'void'${w.sql}
       ORDER BY p.paid_on, p.created_at, p.id`,
    )
    .all(...w.args) as PaymentDbRow[];
  return rows.map((r) => ({
    id: r.id,
    reference: r.reference ?? `Payment ${r.invoice_number ?? ''}`.trim(),
    customerId: r.customer_id,
    date: r.paid_on,
    currency: r.currency,
    amountMinor: r.amount_minor,
    method: r.method,
    allocations: [{ documentId: r.invoice_id, amountMinor: r.amount_minor }],
  }));
}

interface CustomerDbRow {
  id: string;
  number: string;
  name: string;
  vat_id: string | null;
  country: string;
  email: string;
  currency: string;
  billing_address: string | null;
}

export function loadCustomers(db: Db, ids?: readonly string[]): Map<string, FinanceCustomer & { billingAddress: Record<string, string> | null }> {
  const rows = (ids
    ? ids.map((id) => db.prepare('SELECT id, number, name, vat_id, country, email, currency, billing_address FROM customers WHERE id = ?').get(id)).filter(Boolean)
    : db.prepare('SELECT id, number, name, vat_id, country, email, currency, billing_address FROM customers').all()) as CustomerDbRow[];
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        number: r.number,
        name: r.name,
        vatId: r.vat_id,
        country: r.country,
        email: r.email,
        currency: r.currency,
        billingAddress: r.billing_address ? (JSON.parse(r.billing_address) as Record<string, string>) : null,
      },
    ]),
  );
}

/** Product category (its kind: service / physical) per SKU, for the GL mapping's revenueByCategory. */
export function loadCategoryOfSku(db: Db): Record<string, string> {
  const rows = db.prepare('SELECT sku, kind FROM products').all() as { sku: string; kind: string }[];
  return Object.fromEntries(rows.map((r) => [r.sku, r.kind]));
}

/** The customer as a document buyer: from its latest document (as printed), else from the customer record. */
export function buyerOf(customer: FinanceCustomer & { billingAddress: Record<string, string> | null }, docs: readonly FinanceDocument[]): DocumentBuyer {
  const latest = [...docs].filter((d) => d.customerId === customer.id).pop();
  if (latest) return latest.doc.buyer;
  const a = customer.billingAddress ?? {};
  return {
    legalName: customer.name,
    customerNumber: customer.number,
    ...(customer.vatId ? { vatId: customer.vatId } : {}),
    ...(customer.email ? { email: customer.email } : {}),
    address: { line1: a.line1 ?? '', line2: a.line2 || undefined, city: a.city ?? '', postalCode: a.postalCode ?? '', country: a.country ?? customer.country ?? '' },
  };
}

/** The seller as printed on the latest document, else from the installation settings. */
export function sellerOf(db: Db, docs: readonly FinanceDocument[]): DocumentParty {
  const latest = docs[docs.length - 1];
  if (latest) return latest.doc.seller;
  const rows = db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
  const s: Record<string, unknown> = {};
  for (const r of rows) {
    try {
      s[r.key] = JSON.parse(r.value);
    } catch {
      s[r.key] = r.value;
    }
  }
  const str = (k: string) => (typeof s[k] === 'string' ? (s[k] as string) : undefined);
  return {
    legalName: str('companyName') ?? 'My Company',
    address: (() => {
      const a = (s.companyAddress && typeof s.companyAddress === 'object' ? s.companyAddress : {}) as Record<string, string>;
      return { line1: a.line1 ?? '', line2: a.line2 || undefined, city: a.city ?? '', postalCode: a.postalCode ?? '', country: str('companyCountry') ?? 'DE' };
    })(),
    vatId: str('companyVatId'),
    email: str('companyEmail'),
    ...(str('companyRegistrationNumber') ? { registrationNumber: str('companyRegistrationNumber') } : {}),
    ...(str('companyPhone') ? { phone: str('companyPhone') } : {}),
    ...(str('bankIban') ? { iban: str('bankIban') } : {}),
    ...(str('bankBic') ? { bic: str('bankBic') } : {}),
    ...(str('bankName') ? { bankName: str('bankName') } : {}),
  };
}
