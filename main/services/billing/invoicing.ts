/**
 * Invoice documents in the store: drafts filled from proposed lines, tax totals, finalization (number, snapshots,
 * outbox), void, credit notes, payments. Raw better-sqlite3 on the caller's transaction (the billing run calls
 * these in its batches, services in their operation's transaction).
 *
 * Sign convention: amounts are stored AS PRINTED. An invoice's credit lines are negative (negative quantity,
 * positive unit price); a credit note's lines and totals are positive — `kind` gives the sign. A draft whose
 * total is negative at finalization becomes a credit note (its lines flipped) referencing the subscription's last
 * invoice. For the generator a credit note's line counts negative (state.ts existingLines).
 */
import { addDays, type IsoDate, type ProposedLine } from '../../../shared/domain/billing';
import { Decimal, dec, decStr, formatMinor, fromMinor, minorUnits } from '../../../shared/domain/money';
import { computeInvoiceTotals, taxOf, type TaxOptions } from '../../../shared/domain/tax';
import type { TaxBreakdownEntry, TaxCategoryCode } from '../../../shared/domain/documents';
import { AppError } from '../../../shared/api/errors';
import type { BillingSettings } from '../../../shared/api/ops/billing';
import { newId } from '../../platform/ids';
import { enqueueOutbox, registerPayloadRenderer, renderedPayload } from '../../sync/outbox';
import { takeNumber, type NumberingCache } from '../numbering';
import { json, parseJson, readAllSettings, st, type Db } from './db';
import { refreshDunningById } from './lifecycle';

export interface InvoiceRow {
  id: string;
  kind: 'invoice' | 'credit_note';
  number: string | null;
  status: 'draft' | 'finalized' | 'paid' | 'partially_paid' | 'void' | 'uncollectible';
  customer_id: string;
  subscription_id: string | null;
  currency: string;
  billing_date: string;
  issue_date: string | null;
  due_date: string | null;
  service_start: string | null;
  service_end: string | null;
  net_minor: number;
  tax_minor: number;
  gross_minor: number;
  paid_minor: number;
  credited_minor: number;
  tax_breakdown: string;
  notes: string;
  customer_snapshot: string | null;
  seller_snapshot: string | null;
  po_number: string | null;
  buyer_reference: string | null;
  preceding_invoice_id: string | null;
  billing_run_id: string | null;
  origin: 'run' | 'change' | 'cancel' | 'credit' | 'manual';
  finalize_after: string | null;
  reason: string | null;
  void_reason: string | null;
  created_at: string;
  updated_at: string;
  finalized_at: string | null;
  voided_at: string | null;
  version: number;
}

export interface LineRow {
  id: string;
  invoice_id: string;
  position: number;
  subscription_id: string | null;
  item_id: string | null;
  line_key: string | null;
  billed: number;
  kind: string;
  description: string;
  product_id: string | null;
  product_sku: string | null;
  plan_id: string | null;
  period_start: string | null;
  period_end: string | null;
  quantity: string;
  unit_price: string;
  period_unit_price: string;
  fraction: string;
  discount_minor: number;
  /** Printed with a line discount (EN 16931 BT-139); null without one. */
  discount_reason: string | null;
  amount_minor: number;
  tax_category: string;
  supply_type: 'services' | 'goods';
  tax_code: string | null;
  tax_rate: string | null;
  tax_minor: number;
  credited_line_id: string | null;
}

export interface CustomerRowRaw {
  id: string;
  number: string;
  name: string;
  vat_id: string | null;
  country: string;
  currency: string;
  email: string;
  billing_address: string | null;
  payment_terms_days: number;
  tax_status: string;
}

export interface PartySnapshot {
  name: string;
  number?: string;
  country: string;
  vatId: string | null;
  address: Record<string, string> | null;
  email?: string;
  taxStatus?: string;
  registrationNumber?: string;
  phone?: string;
  iban?: string;
  bic?: string;
  bankName?: string;
}

// ------------------------------------------------------------------------------------------------ lookups

export function invoiceRow(db: Db, id: string): InvoiceRow | undefined {
  return st(db, 'SELECT * FROM invoices WHERE id = ?').get(id) as InvoiceRow | undefined;
}
export function mustInvoice(db: Db, id: string): InvoiceRow {
  const r = invoiceRow(db, id);
  if (!r) throw AppError.notFound('invoice', id);
  return r;
}
export const linesOf = (db: Db, invoiceId: string): LineRow[] =>
  st(db, 'SELECT * FROM invoice_lines WHERE invoice_id = ? ORDER BY position').all(invoiceId) as LineRow[];

/** The customer columns billing needs (CustomerRowRaw). */
export const CUSTOMER_COLUMNS = 'id, number, name, vat_id, country, currency, email, billing_address, payment_terms_days, tax_status';

export function customerRow(db: Db, id: string): CustomerRowRaw {
  const c = st(db, `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id = ?`).get(id) as CustomerRowRaw | undefined;
  if (!c) throw AppError.notFound('customer', id);
  return c;
}

export interface ProductInfo {
  sku: string;
  kind: string;
  unit: string;
}
/** Product sku / kind lookups, cached for one unit of work. */
export class Products {
  private readonly m = new Map<string, ProductInfo>();
  constructor(private readonly db: Db) {}
  get(id: string): ProductInfo {
    let p = this.m.get(id);
    if (!p) {
      p = (st(this.db, 'SELECT sku, kind, unit FROM products WHERE id = ?').get(id) as ProductInfo | undefined) ?? { sku: '', kind: 'service', unit: 'each' };
      this.m.set(id, p);
    }
    return p;
  }
}

// ------------------------------------------------------------------------------------------------ snapshots and tax

export function customerSnapshot(c: CustomerRowRaw): PartySnapshot {
  return {
    name: c.name, number: c.number, country: c.country, vatId: c.vat_id, address: parseJson<Record<string, string> | null>(c.billing_address, null),
    email: c.email, taxStatus: c.tax_status,
  };
}

/** The seller as configured in settings (companyName, companyCountry, and companyVatId / companyAddress … when present). */
export function sellerSnapshot(db: Db): PartySnapshot {
  const s = readAllSettings(db);
  const str = (k: string): string | undefined => (typeof s[k] === 'string' && s[k] !== '' ? (s[k] as string) : undefined);
  const address = s.companyAddress && typeof s.companyAddress === 'object' ? (s.companyAddress as Record<string, string>) : null;
  return {
    name: str('companyName') ?? 'My Company',
    country: str('companyCountry') ?? 'DE',
    vatId: str('companyVatId') ?? null,
    address,
    ...(str('companyEmail') ? { email: str('companyEmail') } : {}),
    ...(str('companyRegistrationNumber') ? { registrationNumber: str('companyRegistrationNumber') } : {}),
    ...(str('companyPhone') ? { phone: str('companyPhone') } : {}),
    ...(str('bankIban') ? { iban: str('bankIban') } : {}),
    ...(str('bankBic') ? { bic: str('bankBic') } : {}),
    ...(str('bankName') ? { bankName: str('bankName') } : {}),
  };
}

export function taxOptionsFor(db: Db, c: Pick<CustomerRowRaw, 'country' | 'vat_id' | 'tax_status'>, settings: BillingSettings, taxDate: IsoDate, sellerCountry?: string): TaxOptions {
  return {
    sellerCountry: sellerCountry ?? sellerSnapshot(db).country,
    buyer: { country: c.country, vatId: c.vat_id, taxStatus: c.tax_status === 'exempt' ? 'exempt' : 'taxable' },
    rounding: settings.taxRoundingMode,
    mode: settings.taxRounding,
    taxDate,
  };
}

/** Totals of lines whose VAT category and rate are already fixed (credit notes copy the invoice's). */
export function totalsFromCodes(lines: readonly { amountMinor: number; taxCode: TaxCategoryCode; taxRate: string }[], settings: BillingSettings) {
  const groups = new Map<string, { code: TaxCategoryCode; rate: string; idx: number[] }>();
  lines.forEach((l, i) => {
    const k = `${l.taxCode}|${l.taxRate}`;
    const g = groups.get(k) ?? { code: l.taxCode, rate: l.taxRate, idx: [] };
    g.idx.push(i);
    groups.set(k, g);
  });
  const lineTax = lines.map((l) => taxOf(l.amountMinor, l.taxRate, settings.taxRoundingMode));
  const breakdown: TaxBreakdownEntry[] = [];
  for (const g of groups.values()) {
    const base = g.idx.reduce((a, i) => a + lines[i]!.amountMinor, 0);
    let tax = g.idx.reduce((a, i) => a + lineTax[i]!, 0);
    if (settings.taxRounding === 'per_invoice') {
      tax = taxOf(base, g.rate, settings.taxRoundingMode);
      let diff = tax - g.idx.reduce((a, i) => a + lineTax[i]!, 0);
      const order = [...g.idx].sort((a, b) => Math.abs(lines[b]!.amountMinor) - Math.abs(lines[a]!.amountMinor) || a - b);
      for (let k = 0; diff !== 0; k = (k + 1) % order.length) {
        const step = diff > 0 ? 1 : -1;
        lineTax[order[k]!]! += step;
        diff -= step;
      }
    }
    breakdown.push({ category: g.code, rate: g.rate, taxableMinor: base, taxMinor: tax });
  }
  const netMinor = breakdown.reduce((a, b) => a + b.taxableMinor, 0);
  const taxMinor = breakdown.reduce((a, b) => a + b.taxMinor, 0);
  return { lineTax, breakdown, totals: { netMinor, taxMinor, grossMinor: netMinor + taxMinor } };
}

/** Totals of lines whose VAT category, rate and tax are all fixed (a credit note of invoice lines): sums by category and rate. */
export function totalsFromLineTax(lines: readonly { amountMinor: number; taxCode: TaxCategoryCode; taxRate: string; taxMinor: number }[]) {
  const groups = new Map<string, TaxBreakdownEntry>();
  for (const l of lines) {
    const k = `${l.taxCode}|${l.taxRate}`;
    const g = groups.get(k) ?? { category: l.taxCode, rate: l.taxRate, taxableMinor: 0, taxMinor: 0 };
    g.taxableMinor += l.amountMinor;
    g.taxMinor += l.taxMinor;
    groups.set(k, g);
  }
  const breakdown = [...groups.values()];
  const netMinor = breakdown.reduce((a, b) => a + b.taxableMinor, 0);
  const taxMinor = breakdown.reduce((a, b) => a + b.taxMinor, 0);
  return { lineTax: lines.map((l) => l.taxMinor), breakdown, totals: { netMinor, taxMinor, grossMinor: netMinor + taxMinor } };
}

// ------------------------------------------------------------------------------------------------ lines

/** Document quantity and unit price for an amount: quantity × unitPrice = amount within half a minor unit; the sign on the quantity. */
export function docQuantityPrice(quantity: string, amountMinor: number, currency: string): { quantity: string; unitPrice: string } {
  const key = `${quantity}\u0001${amountMinor}\u0001${currency}`;
  const hit = docQpMemo.get(key);
  if (hit) return hit;
  const r = Object.freeze(computeDocQuantityPrice(quantity, amountMinor, currency));
  if (docQpMemo.size >= 20_000) docQpMemo.clear();
  docQpMemo.set(key, r);
  return r;
}

/** docQuantityPrice is pure and its inputs recur across a run's invoices. Frozen values; bounded. */
const docQpMemo = new Map<string, Readonly<{ quantity: string; unitPrice: string }>>();

function computeDocQuantityPrice(quantity: string, amountMinor: number, currency: string): { quantity: string; unitPrice: string } {
  const q = dec(quantity).abs();
  const neg = amountMinor < 0;
  const major = fromMinor(Math.abs(amountMinor), currency);
  if (q.isZero()) return { quantity: neg ? '-1' : '1', unitPrice: decStr(major) };
  let up = major.div(q).toDecimalPlaces(8, Decimal.ROUND_HALF_UP);
  const scale = new Decimal(10).pow(minorUnits(currency));
  let qq = q;
  if (q.times(up).minus(major).times(scale).abs().gt('0.5')) {
    qq = new Decimal(1);
    up = major;
  }
  return { quantity: decStr(neg ? qq.neg() : qq), unitPrice: decStr(up) };
}

const LINE_COLUMNS = ['id', 'invoice_id', 'position', 'subscription_id', 'item_id', 'line_key', 'billed', 'kind', 'description', 'product_id', 'product_sku', 'plan_id', 'period_start', 'period_end', 'quantity', 'unit_price', 'period_unit_price', 'fraction', 'discount_minor', 'discount_reason', 'amount_minor', 'tax_category', 'supply_type', 'tax_code', 'tax_rate', 'tax_minor', 'credited_line_id'] as const;
const INSERT_LINE = `INSERT INTO invoice_lines (${LINE_COLUMNS.join(', ')}) VALUES (${LINE_COLUMNS.map(() => '?').join(', ')})`;

/** Positional binding (a billing run inserts hundreds of thousands of lines; named binding costs more per row). */
export function insertLine(db: Db, row: LineRow): void {
  st(db, INSERT_LINE).run(LINE_COLUMNS.map((c) => row[c]));
}

export function lineFromProposal(p: ProposedLine, invoiceId: string, position: number, products: Products): LineRow {
  const prod = products.get(p.productId);
  // quantity × unit price = the amount before the discount; the discount is its own column (EN 16931 BT-136)
  const discount = p.discountMinor ?? 0;
  const { quantity, unitPrice } = docQuantityPrice(p.quantity, p.amountMinor + discount, p.currency);
  return {
    id: newId(), invoice_id: invoiceId, position, subscription_id: p.subscriptionId, item_id: p.itemId, line_key: p.key, billed: 1,
    kind: p.kind, description: p.description, product_id: p.productId, product_sku: prod.sku || null, plan_id: p.planId,
    period_start: p.periodStart, period_end: p.periodEnd, quantity, unit_price: unitPrice, period_unit_price: p.unitPrice, fraction: p.fraction,
    discount_minor: discount, discount_reason: discount ? p.discountReason ?? null : null, amount_minor: p.amountMinor, tax_category: p.taxCategory, supply_type: prod.kind === 'physical' ? 'goods' : 'services',
    tax_code: null, tax_rate: null, tax_minor: 0, credited_line_id: null,
  };
}

// ------------------------------------------------------------------------------------------------ drafts

export interface DraftSub {
  /** The subscription (null for documents without one). */
  id: string | null;
  customer_id: string;
  currency: string;
  po_number: string | null;
  buyer_reference: string | null;
}

const INSERT_INVOICE = `INSERT INTO invoices (id, kind, number, status, customer_id, subscription_id, currency, billing_date, po_number, buyer_reference,
  preceding_invoice_id, billing_run_id, origin, finalize_after, reason, created_at, updated_at)
  VALUES (?, ?, NULL, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export function insertDraft(
  db: Db, sub: DraftSub, o: { kind?: 'invoice' | 'credit_note'; billingDate: IsoDate; nowIso: string; origin: InvoiceRow['origin']; runId?: string | null; finalizeAfter?: string | null; precedingId?: string | null; reason?: string | null; customerId?: string },
): string {
  const id = newId();
  st(db, INSERT_INVOICE).run(id, o.kind ?? 'invoice', o.customerId ?? sub.customer_id, sub.id, sub.currency, o.billingDate, sub.po_number, sub.buyer_reference,
    o.precedingId ?? null, o.runId ?? null, o.origin, o.finalizeAfter ?? null, o.reason ?? null, o.nowIso, o.nowIso);
  return id;
}

/** The stored row insertDraft would write (the table's defaults for the other columns), not inserted. */
export function draftRow(sub: DraftSub, o: { billingDate: IsoDate; nowIso: string; origin: InvoiceRow['origin']; runId?: string | null; finalizeAfter?: string | null }): InvoiceRow {
  return {
    id: newId(), kind: 'invoice', number: null, status: 'draft', customer_id: sub.customer_id, subscription_id: sub.id, currency: sub.currency,
    billing_date: o.billingDate, issue_date: null, due_date: null, service_start: null, service_end: null, net_minor: 0, tax_minor: 0, gross_minor: 0,
    paid_minor: 0, credited_minor: 0, tax_breakdown: '[]', notes: '[]', customer_snapshot: null, seller_snapshot: null, po_number: sub.po_number,
    buyer_reference: sub.buyer_reference, preceding_invoice_id: null, billing_run_id: o.runId ?? null, origin: o.origin, finalize_after: o.finalizeAfter ?? null,
    reason: null, void_reason: null, created_at: o.nowIso, updated_at: o.nowIso, finalized_at: null, voided_at: null, version: 1,
  };
}

/**
 * The subscription's open run draft, or a new one. Returns its id and the next free line position. `deferNew`: a new
 * draft is not inserted but returned as `pending` (the caller finalizes it at once: finalizeInvoice's pendingDraft).
 */
export function openRunDraft(
  db: Db, sub: DraftSub & { id: string }, billingDate: IsoDate, nowIso: string, finalizeAfter: string, runId: string | null, deferNew = false,
): { id: string; position: number; created: boolean; pending?: InvoiceRow } {
  const open = st(db, `SELECT id FROM invoices WHERE subscription_id = ? AND status = 'draft' AND origin = 'run'`).get(sub.id) as { id: string } | undefined;
  if (open) {
    const { p } = st(db, 'SELECT COALESCE(MAX(position), 0) AS p FROM invoice_lines WHERE invoice_id = ?').get(open.id) as { p: number };
    st(db, 'UPDATE invoices SET billing_date = ?, finalize_after = ?, billing_run_id = COALESCE(?, billing_run_id), updated_at = ? WHERE id = ?').run(billingDate, finalizeAfter, runId, nowIso, open.id);
    return { id: open.id, position: p + 1, created: false };
  }
  if (deferNew) {
    const pending = draftRow(sub, { billingDate, nowIso, origin: 'run', runId, finalizeAfter });
    return { id: pending.id, position: 1, created: true, pending };
  }
  return { id: insertDraft(db, sub, { billingDate, nowIso, origin: 'run', runId, finalizeAfter }), position: 1, created: true };
}

const INVOICE_COLUMNS = ['id', 'kind', 'number', 'status', 'customer_id', 'subscription_id', 'currency', 'billing_date', 'issue_date', 'due_date', 'service_start', 'service_end', 'net_minor', 'tax_minor', 'gross_minor', 'paid_minor', 'credited_minor', 'tax_breakdown', 'notes', 'customer_snapshot', 'seller_snapshot', 'po_number', 'buyer_reference', 'preceding_invoice_id', 'billing_run_id', 'origin', 'finalize_after', 'reason', 'void_reason', 'created_at', 'updated_at', 'finalized_at', 'voided_at', 'version'] as const;
const INSERT_FULL_INVOICE = `INSERT INTO invoices (${INVOICE_COLUMNS.join(', ')}) VALUES (${INVOICE_COLUMNS.map(() => '?').join(', ')})`;

/** Tax of a draft's lines with the customer's current data (for display; finalization determines it again). */
function draftTax(db: Db, lines: LineRow[], customerId: string, currency: string, billingDate: IsoDate, settings: BillingSettings, sellerCountry?: string) {
  const c = customerRow(db, customerId);
  const t = computeInvoiceTotals(
    lines.map((l) => ({ amountMinor: l.amount_minor, taxCategory: l.tax_category, supplyType: l.supply_type, currency })),
    taxOptionsFor(db, c, settings, billingDate, sellerCountry),
  );
  t.lines.forEach((tl, i) => {
    const l = lines[i]!;
    l.tax_code = tl.taxCategoryCode;
    l.tax_rate = tl.taxRate;
    l.tax_minor = tl.taxMinor;
  });
  return t;
}

function saveDraftTotals(db: Db, invoiceId: string, lines: readonly LineRow[], t: ReturnType<typeof computeInvoiceTotals>): void {
  const span = serviceSpan(lines);
  st(db, `UPDATE invoices SET net_minor = ?, tax_minor = ?, gross_minor = ?, tax_breakdown = ?, notes = ?, service_start = ?, service_end = ? WHERE id = ?`)
    .run(t.totals.netMinor, t.totals.taxMinor, t.totals.grossMinor, json(t.breakdown), json(t.notes), span.start, span.end, invoiceId);
}

/** Recomputes a draft's totals and tax (with the customer's current data) for display. */
export function recomputeDraft(db: Db, invoiceId: string, settings: BillingSettings, sellerCountry?: string): void {
  const inv = mustInvoice(db, invoiceId);
  const lines = linesOf(db, invoiceId);
  const t = draftTax(db, lines, inv.customer_id, inv.currency, inv.billing_date, settings, sellerCountry);
  const upd = st(db, 'UPDATE invoice_lines SET tax_code = ?, tax_rate = ?, tax_minor = ? WHERE id = ?');
  for (const l of lines) upd.run(l.tax_code, l.tax_rate, l.tax_minor, l.id);
  saveDraftTotals(db, invoiceId, lines, t);
}

/**
 * Puts proposed lines on a document: on a fresh draft the lines are inserted with their (display) tax and the totals
 * written once; appended to an open draft, the whole draft is recomputed.
 */
export function addLinesToDraft(
  db: Db, draft: { id: string; position: number; created: boolean }, inv: { customer_id: string; currency: string; billing_date: IsoDate },
  lines: readonly ProposedLine[], products: Products, settings: BillingSettings, sellerCountry?: string,
): void {
  if (!draft.created) {
    writeLines(db, draft.id, draft.position, lines, products);
    recomputeDraft(db, draft.id, settings, sellerCountry);
    return;
  }
  const rows = lines.map((p, i) => lineFromProposal(p, draft.id, draft.position + i, products));
  const t = draftTax(db, rows, inv.customer_id, inv.currency, inv.billing_date, settings, sellerCountry);
  for (const r of rows) insertLine(db, r);
  saveDraftTotals(db, draft.id, rows, t);
}

function serviceSpan(lines: readonly Pick<LineRow, 'period_start' | 'period_end'>[]): { start: string | null; end: string | null } {
  let start: string | null = null;
  let end: string | null = null;
  for (const l of lines) {
    if (l.period_start && (start === null || l.period_start < start)) start = l.period_start;
    if (l.period_end && (end === null || l.period_end > end)) end = l.period_end;
  }
  return { start, end };
}

/** Writes proposed lines onto a document; returns the number written. */
export function writeLines(db: Db, invoiceId: string, firstPosition: number, lines: readonly ProposedLine[], products: Products): number {
  let pos = firstPosition;
  for (const p of lines) insertLine(db, lineFromProposal(p, invoiceId, pos++, products));
  return lines.length;
}

// ------------------------------------------------------------------------------------------------ finalization

export interface Finalized {
  id: string;
  kind: 'invoice' | 'credit_note';
  number: string;
  grossMinor: number;
  status: InvoiceRow['status'];
}

const ERP_TAX_CATEGORY: Partial<Record<string, string>> = { AE: 'reverse_charge', E: 'exempt', G: 'export', K: 'intra_community', O: 'not_subject', Z: 'zero' };

/**
 * invoice.finalized / credit_note.finalized rows store { $render: 'document', status }: the payload is the document
 * as finalized (number, lines, totals, snapshots are immutable), with the status it had at the event.
 */
const DOCUMENT_PAYLOAD = 'document';
registerPayloadRenderer(DOCUMENT_PAYLOAD, (raw, id, stored) => {
  const inv = mustInvoice(raw, id);
  const number = parseJson<{ number?: string } | null>(inv.customer_snapshot, null)?.number;
  return { ...invoicePayload(raw, inv, linesOf(raw, id), number ? { customerNumber: number } : {}), status: stored.status ?? inv.status };
});

/** The outbox payload of a finalized invoice / credit note (the ERP sync's shape, plus the document details). */
export function invoicePayload(
  db: Db, inv: InvoiceRow, lines: readonly LineRow[], known: { customerNumber?: string; taxBreakdown?: TaxBreakdownEntry[]; notes?: string[] } = {},
) {
  const c = known.customerNumber !== undefined ? { number: known.customerNumber } : (st(db, 'SELECT number FROM customers WHERE id = ?').get(inv.customer_id) as { number: string } | undefined);
  const preceding = inv.preceding_invoice_id ? (st(db, 'SELECT number FROM invoices WHERE id = ?').get(inv.preceding_invoice_id) as { number: string | null } | undefined) : undefined;
  return {
    id: inv.id,
    number: inv.number,
    kind: inv.kind,
    status: inv.status,
    customerId: inv.customer_id,
    customerNumber: c?.number ?? '',
    subscriptionId: inv.subscription_id,
    currency: inv.currency,
    issueDate: inv.issue_date,
    dueDate: inv.due_date,
    lines: lines.map((l) => ({
      description: l.description,
      productSku: l.product_sku,
      // ERPs price a line as quantity × unit price: a discounted line goes with its net unit price (the discount for information)
      ...(l.discount_minor ? { ...docQuantityPrice(l.quantity, l.amount_minor, inv.currency), listUnitPrice: l.unit_price, discountMinor: l.discount_minor, discountReason: l.discount_reason } : { quantity: l.quantity, unitPrice: l.unit_price }),
      netMinor: l.amount_minor,
      taxRate: l.tax_rate ?? '0',
      taxCategory: (l.tax_code && ERP_TAX_CATEGORY[l.tax_code]) ?? l.tax_category,
      periodStart: l.period_start,
      /** As printed: the last day of the service period (inclusive). */
      periodEnd: l.period_end ? addDays(l.period_end, -1) : null,
    })),
    netMinor: inv.net_minor,
    taxMinor: inv.tax_minor,
    grossMinor: inv.gross_minor,
    taxBreakdown: known.taxBreakdown ?? parseJson<TaxBreakdownEntry[]>(inv.tax_breakdown, []),
    notes: known.notes ?? parseJson<string[]>(inv.notes, []),
    poNumber: inv.po_number,
    buyerReference: inv.buyer_reference,
    ...(preceding?.number ? { precedingInvoiceNumber: preceding.number } : {}),
  };
}

/** Adds a credit note's amount to the invoice it corrects; an invoice with nothing left to pay becomes paid. */
function applyCredit(db: Db, invoiceId: string, amountMinor: number, nowIso: string): void {
  const inv = invoiceRow(db, invoiceId);
  if (!inv) return;
  const credited = inv.credited_minor + amountMinor;
  let status = inv.status;
  const due = inv.gross_minor - inv.paid_minor - credited;
  if ((status === 'finalized' || status === 'partially_paid') && due <= 0) status = 'paid';
  else if (status === 'paid' && due > 0) status = inv.paid_minor > 0 ? 'partially_paid' : 'finalized';
  st(db, 'UPDATE invoices SET credited_minor = ?, status = ?, updated_at = ?, version = version + 1 WHERE id = ?').run(credited, status, nowIso, invoiceId);
}

export interface FinalizeOptions {
  /** Keep the lines' VAT category and rate (credit notes of an invoice) instead of determining them again. */
  fixedTax?: boolean;
  /** Cached seller snapshot (the run finalizes many documents). */
  seller?: PartySnapshot;
  /**
   * The draft's lines, not inserted yet (a draft just created by the caller, with no stored lines): they are inserted
   * here with their final amounts and tax instead of being inserted, read back and updated (the billing run's path).
   */
  pendingLines?: LineRow[];
  /** The draft row itself, not inserted yet (with pendingLines): it is inserted here, finalized. */
  pendingDraft?: InvoiceRow;
  /** Number series lookups shared within the caller's transaction. */
  numbering?: NumberingCache;
  /** Customers already read in the caller's transaction (by id). */
  customers?: ReadonlyMap<string, CustomerRowRaw>;
  /** json(seller), when the caller finalizes many documents with the same seller. */
  sellerJson?: string;
  /**
   * With fixedTax: each line's tax_minor is its tax as it stands (a credit note credits the tax still left on the
   * invoice lines it corrects, so the credits of an invoice add up to its tax exactly, whatever the rounding settings).
   */
  lineTax?: boolean;
  /** With fixedTax: the corrected invoice's VAT breakdown, whose exemption reasons go to the same category and rate. */
  exemptionsFrom?: readonly TaxBreakdownEntry[];
}

/**
 * Finalizes a draft inside the caller's transaction: the number is taken here (gapless), the customer and seller
 * are snapshotted, tax computed, the outbox row written. A negative draft becomes a credit note.
 */
export function finalizeInvoice(db: Db, invoiceId: string, nowIso: string, settings: BillingSettings, opts: FinalizeOptions = {}): Finalized {
  if (opts.pendingDraft && (!opts.pendingLines || opts.pendingDraft.id !== invoiceId)) throw new Error('finalizeInvoice: a pending draft needs its pending lines');
  const inv = opts.pendingDraft ?? mustInvoice(db, invoiceId);
  if (inv.status !== 'draft') throw AppError.conflict(`invoice ${inv.number ?? inv.id} is ${inv.status}, not a draft`);
  const pending = opts.pendingLines;
  let lines = pending ?? linesOf(db, invoiceId);
  if (lines.length === 0) throw AppError.conflict(`invoice ${inv.id} has no lines`);
  const date = nowIso.slice(0, 10);
  const customer = opts.customers?.get(inv.customer_id) ?? customerRow(db, inv.customer_id);
  const seller = opts.seller ?? sellerSnapshot(db);
  let kind = inv.kind;
  let preceding = inv.preceding_invoice_id;
  const net = lines.reduce((a, l) => a + l.amount_minor, 0);
  if (kind === 'invoice' && net < 0) {
    kind = 'credit_note';
    lines = lines.map((l) => ({ ...l, amount_minor: -l.amount_minor, discount_minor: -l.discount_minor, quantity: decStr(dec(l.quantity).neg()) }));
    if (!preceding && inv.subscription_id) {
      const p = st(db, `SELECT id FROM invoices WHERE subscription_id = ? AND kind = 'invoice' AND number IS NOT NULL AND status != 'void' ORDER BY issue_date DESC, finalized_at DESC LIMIT 1`)
        .get(inv.subscription_id) as { id: string } | undefined;
      preceding = p?.id ?? null;
    }
  }
  let taxLines: { code: string; rate: string; tax: number }[];
  let breakdown: TaxBreakdownEntry[];
  let totals: { netMinor: number; taxMinor: number; grossMinor: number };
  let notes: string[];
  if (opts.fixedTax) {
    const coded = lines.map((l) => ({ amountMinor: l.amount_minor, taxCode: (l.tax_code ?? 'S') as TaxCategoryCode, taxRate: l.tax_rate ?? '0', taxMinor: l.tax_minor }));
    const t = opts.lineTax ? totalsFromLineTax(coded) : totalsFromCodes(coded, settings);
    taxLines = lines.map((l, i) => ({ code: l.tax_code ?? 'S', rate: l.tax_rate ?? '0', tax: t.lineTax[i]! }));
    breakdown = t.breakdown.map((b) => {
      const src = opts.exemptionsFrom?.find((e) => e.category === b.category && e.rate === b.rate);
      return src ? { ...b, ...(src.exemptionReason ? { exemptionReason: src.exemptionReason } : {}), ...(src.exemptionReasonCode ? { exemptionReasonCode: src.exemptionReasonCode } : {}) } : b;
    });
    totals = t.totals;
    notes = parseJson<string[]>(inv.notes, []);
  } else {
    const t = computeInvoiceTotals(
      lines.map((l) => ({ amountMinor: l.amount_minor, taxCategory: l.tax_category, supplyType: l.supply_type, currency: inv.currency })),
      taxOptionsFor(db, customer, settings, date, seller.country),
    );
    taxLines = t.lines.map((l) => ({ code: l.taxCategoryCode, rate: l.taxRate, tax: l.taxMinor }));
    breakdown = t.breakdown;
    totals = t.totals;
    notes = t.notes;
  }
  const number = takeNumber(db, kind === 'credit_note' ? 'credit_note' : 'invoice', new Date(`${date}T00:00:00Z`), opts.numbering);
  const dueDate = kind === 'invoice' ? addDays(date, customer.payment_terms_days) : date;
  const status: InvoiceRow['status'] = kind === 'invoice' && totals.grossMinor === 0 ? 'paid' : 'finalized';
  let finalLines: LineRow[] | null = null;
  const span = serviceSpan(lines);
  const taxBreakdown = json(breakdown);
  const notesJson = json(notes);
  const customerSnap = json(customerSnapshot(customer));
  const sellerSnap = opts.seller && opts.sellerJson ? opts.sellerJson : json(seller);
  const finalRow = (): InvoiceRow => ({
    ...inv, kind, number, status, issue_date: date, due_date: dueDate, service_start: span.start, service_end: span.end, net_minor: totals.netMinor,
    tax_minor: totals.taxMinor, gross_minor: totals.grossMinor, tax_breakdown: taxBreakdown, notes: notesJson, customer_snapshot: customerSnap,
    seller_snapshot: sellerSnap, preceding_invoice_id: preceding, finalized_at: nowIso, finalize_after: null, updated_at: nowIso, version: inv.version + 1,
  });
  if (opts.pendingDraft) {
    const row = finalRow();
    st(db, INSERT_FULL_INVOICE).run(INVOICE_COLUMNS.map((c) => row[c]));
  }
  if (pending) {
    finalLines = lines.map((l, i) => ({ ...l, tax_code: taxLines[i]!.code, tax_rate: taxLines[i]!.rate, tax_minor: taxLines[i]!.tax }));
    for (const l of finalLines) insertLine(db, l);
  } else {
    const upd = st(db, 'UPDATE invoice_lines SET amount_minor = ?, discount_minor = ?, quantity = ?, tax_code = ?, tax_rate = ?, tax_minor = ? WHERE id = ?');
    lines.forEach((l, i) => upd.run(l.amount_minor, l.discount_minor, l.quantity, taxLines[i]!.code, taxLines[i]!.rate, taxLines[i]!.tax, l.id));
  }
  if (!opts.pendingDraft) st(db, `UPDATE invoices SET kind = ?, number = ?, status = ?, issue_date = ?, due_date = ?, service_start = ?, service_end = ?, net_minor = ?, tax_minor = ?, gross_minor = ?,
      tax_breakdown = ?, notes = ?, customer_snapshot = ?, seller_snapshot = ?, preceding_invoice_id = ?, finalized_at = ?, finalize_after = NULL, updated_at = ?, version = version + 1 WHERE id = ?`)
    .run(kind, number, status, date, dueDate, span.start, span.end, totals.netMinor, totals.taxMinor, totals.grossMinor, taxBreakdown, notesJson,
      customerSnap, sellerSnap, preceding, nowIso, nowIso, invoiceId);
  if (kind === 'credit_note' && preceding) applyCredit(db, preceding, totals.grossMinor, nowIso);
  // The ERP's snapshot of the finalized document is rendered from it when the row is read (it never changes).
  enqueueOutbox(db, nowIso, {
    aggregateType: kind, aggregateId: invoiceId, eventType: `${kind}.finalized`, payload: renderedPayload(DOCUMENT_PAYLOAD, { status }), firstEvent: !!opts.pendingDraft,
  });
  if (kind === 'credit_note' && preceding) refreshDunningById(db, invoiceRow(db, preceding)?.subscription_id ?? null, date, nowIso, settings.dunningGraceDays);
  return { id: invoiceId, kind, number, grossMinor: totals.grossMinor, status };
}

// ------------------------------------------------------------------------------------------------ void, write-off, credit notes, payments

/** Voids a document (a finalized one keeps its number). With rebill, its service periods are billed again by the next run. */
export function voidInvoice(db: Db, invoiceId: string, reason: string, rebill: boolean, nowIso: string, settings: BillingSettings): void {
  const inv = mustInvoice(db, invoiceId);
  if (inv.status === 'void') throw AppError.conflict(`${inv.number ?? 'draft'} is already void`);
  if (inv.paid_minor > 0) throw AppError.conflict(`${inv.number} has payments (${inv.paid_minor} minor units); issue a credit note instead of voiding it`);
  if (inv.kind === 'invoice') {
    const cn = st(db, `SELECT COUNT(*) AS n FROM invoices WHERE preceding_invoice_id = ? AND kind = 'credit_note' AND status != 'void'`).get(invoiceId) as { n: number };
    if (cn.n > 0) throw AppError.conflict(`${inv.number} has credit notes; void them first or credit the rest instead`);
  }
  const today = nowIso.slice(0, 10);
  st(db, `UPDATE invoices SET status = 'void', voided_at = ?, void_reason = ?, finalize_after = NULL, updated_at = ?, version = version + 1 WHERE id = ?`).run(nowIso, reason, nowIso, invoiceId);
  if (rebill) {
    const spans = st(db, `SELECT subscription_id AS s, MIN(period_start) AS p FROM invoice_lines WHERE invoice_id = ? AND line_key IS NOT NULL AND billed = 1 GROUP BY subscription_id`).all(invoiceId) as { s: string; p: string }[];
    st(db, 'UPDATE invoice_lines SET billed = 0 WHERE invoice_id = ? AND line_key IS NOT NULL').run(invoiceId);
    for (const sp of spans) {
      st(db, `UPDATE subscriptions SET bill_from = MIN(bill_from, ?), next_billing_date = CASE WHEN next_billing_date IS NULL OR next_billing_date > ? THEN ? ELSE next_billing_date END, updated_at = ? WHERE id = ?`)
        .run(sp.p, today, today, nowIso, sp.s);
    }
  }
  if (inv.kind === 'credit_note' && inv.preceding_invoice_id && inv.number) applyCredit(db, inv.preceding_invoice_id, -inv.gross_minor, nowIso);
  if (inv.number) {
    const v = mustInvoice(db, invoiceId);
    enqueueOutbox(db, nowIso, { aggregateType: inv.kind, aggregateId: invoiceId, eventType: `${inv.kind}.voided`, payload: invoicePayload(db, v, linesOf(db, invoiceId)) });
  }
  refreshDunningById(db, inv.subscription_id, today, nowIso, settings.dunningGraceDays);
}

export function markUncollectible(db: Db, invoiceId: string, reason: string | undefined, nowIso: string, settings: BillingSettings): void {
  const inv = mustInvoice(db, invoiceId);
  if (inv.kind !== 'invoice' || (inv.status !== 'finalized' && inv.status !== 'partially_paid')) {
    throw AppError.conflict(`only an unpaid finalized invoice can be written off (${inv.number ?? 'draft'} is ${inv.status})`);
  }
  st(db, `UPDATE invoices SET status = 'uncollectible', reason = COALESCE(?, reason), updated_at = ?, version = version + 1 WHERE id = ?`).run(reason ?? null, nowIso, invoiceId);
  refreshDunningById(db, inv.subscription_id, nowIso.slice(0, 10), nowIso, settings.dunningGraceDays);
}

/** A credit note for a finalized invoice: every line (what is left of it) or the chosen lines. Finalized at once. */
const money = (minor: number, currency: string) => `${currency} ${formatMinor(minor, currency)}`;

export function createCreditNote(db: Db, invoiceId: string, lineIds: readonly string[] | undefined, reason: string | undefined, nowIso: string, settings: BillingSettings): string {
  const inv = mustInvoice(db, invoiceId);
  if (inv.kind !== 'invoice') throw AppError.validation('invoiceId', 'is a credit note; credit notes are issued for invoices');
  if (inv.status === 'draft' || inv.status === 'void') throw AppError.conflict(`a ${inv.status} invoice cannot be credited`);
  const all = linesOf(db, invoiceId);
  let chosen = all;
  if (lineIds) {
    const byId = new Map(all.map((l) => [l.id, l]));
    chosen = lineIds.map((id, i) => {
      if (lineIds.indexOf(id) !== i) throw AppError.validation(`lineIds.${i}`, `line ${id} is listed twice`);
      const l = byId.get(id);
      if (!l) throw AppError.validation(`lineIds.${i}`, `line ${id} is not on invoice ${inv.number}`);
      return l;
    });
  }
  const creditedOf = st(db, `SELECT COALESCE(SUM(l.amount_minor), 0) AS a, COALESCE(SUM(l.tax_minor), 0) AS t FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
    WHERE l.credited_line_id = ? AND i.status != 'void'`);
  // each line's amount and tax still left: the credits of an invoice add up to exactly what it charged
  const rows: { src: LineRow; amount: number; tax: number }[] = [];
  for (const l of chosen) {
    const credited = creditedOf.get(l.id) as { a: number; t: number };
    const remaining = l.amount_minor - credited.a;
    if (remaining === 0) {
      if (lineIds) throw AppError.validation('lineIds', `line "${l.description}" is already credited in full`);
      continue;
    }
    rows.push({ src: l, amount: remaining, tax: l.tax_minor - credited.t });
  }
  const total = rows.reduce((a, r) => a + r.amount, 0);
  if (rows.length === 0 || total <= 0) throw AppError.conflict(`nothing left to credit on ${inv.number}`);
  // credit notes that correct the invoice as a whole (a downgrade invoiced at once) are not tied to its lines:
  // never credit more than what is left of the invoice
  const gross = total + rows.reduce((a, r) => a + r.tax, 0);
  const left = inv.gross_minor - inv.credited_minor;
  if (gross > left) {
    const others = (st(db, `SELECT number FROM invoices WHERE preceding_invoice_id = ? AND kind = 'credit_note' AND status != 'void' AND number IS NOT NULL ORDER BY finalized_at, number`)
      .all(inv.id) as { number: string }[]).map((r) => r.number);
    throw AppError.conflict(
      `${inv.number} has ${money(inv.credited_minor, inv.currency)} credited already${others.length ? ` (${others.join(', ')})` : ''}: ` +
      `a credit note of ${money(gross, inv.currency)} would exceed the ${money(left, inv.currency)} left`,
    );
  }
  const id = insertDraft(db, { id: inv.subscription_id, customer_id: inv.customer_id, currency: inv.currency, po_number: inv.po_number, buyer_reference: inv.buyer_reference }, {
    kind: 'credit_note', billingDate: nowIso.slice(0, 10), nowIso, origin: 'credit', precedingId: inv.id, reason: reason ?? null,
  });
  st(db, 'UPDATE invoices SET notes = ? WHERE id = ?').run(inv.notes, id);
  rows.forEach((r, i) => {
    // the whole line: as invoiced, discount included; what is left of a partly credited line: its net amount
    const whole = r.amount === r.src.amount_minor;
    const qp = whole ? { quantity: r.src.quantity, unitPrice: r.src.unit_price } : docQuantityPrice(r.src.quantity, r.amount, inv.currency);
    insertLine(db, {
      ...r.src, id: newId(), invoice_id: id, position: i + 1, line_key: null, billed: 0, kind: r.src.kind, quantity: qp.quantity, unit_price: qp.unitPrice,
      discount_minor: whole ? r.src.discount_minor : 0, discount_reason: whole ? r.src.discount_reason : null,
      amount_minor: r.amount, tax_minor: r.tax, credited_line_id: r.src.id,
    });
  });
  finalizeInvoice(db, id, nowIso, settings, { fixedTax: true, lineTax: true, exemptionsFrom: parseJson<TaxBreakdownEntry[]>(inv.tax_breakdown, []) });
  return id;
}

export interface PaymentRow {
  id: string;
  invoice_id: string;
  customer_id: string;
  currency: string;
  amount_minor: number;
  paid_on: string;
  method: string;
  reference: string | null;
  created_at: string;
}

export function recordPayment(
  db: Db, invoiceId: string, p: { amountMinor: number; paidOn: IsoDate; method: string; reference?: string }, nowIso: string, settings: BillingSettings,
): PaymentRow {
  const inv = mustInvoice(db, invoiceId);
  if (inv.kind !== 'invoice') throw AppError.validation('invoiceId', 'payments are recorded against invoices, not credit notes');
  if (!['finalized', 'partially_paid', 'uncollectible'].includes(inv.status)) {
    throw AppError.conflict(`invoice ${inv.number ?? '(draft)'} is ${inv.status}; payments are recorded for finalized invoices`);
  }
  const due = inv.gross_minor - inv.paid_minor - inv.credited_minor;
  if (p.amountMinor > due) throw AppError.validation('amountMinor', `exceeds the amount due (${due} minor units)`);
  const row: PaymentRow = {
    id: newId(), invoice_id: invoiceId, customer_id: inv.customer_id, currency: inv.currency, amount_minor: p.amountMinor, paid_on: p.paidOn,
    method: p.method, reference: p.reference ?? null, created_at: nowIso,
  };
  st(db, 'INSERT INTO payments (id, invoice_id, customer_id, currency, amount_minor, paid_on, method, reference, created_at) VALUES (@id, @invoice_id, @customer_id, @currency, @amount_minor, @paid_on, @method, @reference, @created_at)').run(row);
  const paid = inv.paid_minor + p.amountMinor;
  const status = paid + inv.credited_minor >= inv.gross_minor ? 'paid' : 'partially_paid';
  st(db, 'UPDATE invoices SET paid_minor = ?, status = ?, updated_at = ?, version = version + 1 WHERE id = ?').run(paid, status, nowIso, invoiceId);
  const c = st(db, 'SELECT number FROM customers WHERE id = ?').get(inv.customer_id) as { number: string };
  enqueueOutbox(db, nowIso, {
    aggregateType: 'payment', aggregateId: row.id, eventType: 'payment.recorded',
    payload: {
      id: row.id, invoiceId, invoiceNumber: inv.number, customerId: inv.customer_id, customerNumber: c.number, currency: inv.currency,
      amountMinor: row.amount_minor, paidOn: row.paid_on, method: row.method, ...(row.reference ? { reference: row.reference } : {}),
      invoiceStatus: status,
    },
  });
  refreshDunningById(db, inv.subscription_id, nowIso.slice(0, 10), nowIso, settings.dunningGraceDays);
  return row;
}
