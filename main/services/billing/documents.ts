/**
 * A stored (finalized) invoice or credit note as the document model of shared/domain/documents.ts, for the UBL / CII
 * / PDF exporters and the finance exports. Everything comes from what was frozen at finalization (customer and
 * seller snapshots, line tax), so later edits of the customer or the settings never change an issued document.
 * Amounts as printed (a credit note's lines are positive); line periods are inclusive (EN 16931 BT-134/135).
 */
import { addDays } from '../../../shared/domain/billing';
import type { DocumentLine, InvoiceDocument, PostalAddress, TaxBreakdownEntry, TaxCategoryCode } from '../../../shared/domain/documents';
import { UNITS } from '../../../shared/api/ops/catalog';
import { AppError } from '../../../shared/api/errors';
import { parseJson, st, type Db } from './db';
import { linesOf, mustInvoice, type PartySnapshot } from './invoicing';

function addressOf(a: Record<string, string> | null | undefined, country: string): PostalAddress {
  return {
    line1: a?.line1 ?? '',
    ...(a?.line2 ? { line2: a.line2 } : {}),
    city: a?.city ?? '',
    postalCode: a?.postalCode ?? '',
    country: a?.country ?? country,
  };
}

/** Maps a finalized invoice / credit note to an InvoiceDocument (404 for an unknown id, 409 for a draft). */
export function invoiceDocumentOf(raw: Db, invoiceId: string): InvoiceDocument {
  const inv = mustInvoice(raw, invoiceId);
  if (!inv.number || !inv.issue_date) throw AppError.conflict(`invoice ${inv.id} is a draft: only finalized documents have a document form`);
  const seller = parseJson<PartySnapshot | null>(inv.seller_snapshot, null) ?? { name: '', country: '', vatId: null, address: null };
  const buyer = parseJson<PartySnapshot | null>(inv.customer_snapshot, null) ?? { name: '', country: '', vatId: null, address: null };
  const units = new Map<string, string>();
  const unitOf = (productId: string | null): string => {
    if (!productId) return 'C62';
    let u = units.get(productId);
    if (!u) {
      const p = st(raw, 'SELECT unit FROM products WHERE id = ?').get(productId) as { unit: keyof typeof UNITS } | undefined;
      u = (p && UNITS[p.unit]) || 'C62';
      units.set(productId, u);
    }
    return u;
  };
  const lines: DocumentLine[] = linesOf(raw, invoiceId).map((l) => ({
    id: String(l.position),
    description: l.description,
    ...(l.product_sku ? { productSku: l.product_sku } : {}),
    quantity: l.quantity,
    unitCode: unitOf(l.product_id),
    unitPrice: l.unit_price,
    ...(l.discount_minor ? { discountMinor: l.discount_minor, ...(l.discount_reason ? { discountReason: l.discount_reason } : {}) } : {}),
    netAmountMinor: l.amount_minor,
    ...(l.period_start ? { periodStart: l.period_start } : {}),
    ...(l.period_end ? { periodEnd: addDays(l.period_end, -1) } : {}),
    taxCategory: (l.tax_code ?? 'S') as TaxCategoryCode,
    taxRate: l.tax_rate ?? '0',
  }));
  const lineTotal = lines.reduce((a, l) => a + l.netAmountMinor, 0);
  const preceding = inv.preceding_invoice_id ? (st(raw, 'SELECT number, issue_date FROM invoices WHERE id = ?').get(inv.preceding_invoice_id) as { number: string | null; issue_date: string | null } | undefined) : undefined;
  const paid = inv.kind === 'invoice' ? inv.paid_minor : 0;
  const notes = parseJson<string[]>(inv.notes, []);
  if (inv.reason) notes.push(inv.reason);
  return {
    kind: inv.kind,
    number: inv.number,
    issueDate: inv.issue_date,
    ...(inv.due_date ? { dueDate: inv.due_date } : {}),
    currency: inv.currency,
    seller: {
      legalName: seller.name,
      address: addressOf(seller.address, seller.country),
      ...(seller.vatId ? { vatId: seller.vatId } : {}),
      ...(seller.registrationNumber ? { registrationNumber: seller.registrationNumber } : {}),
      ...(seller.email ? { email: seller.email } : {}),
      ...(seller.phone ? { phone: seller.phone } : {}),
      ...(seller.iban ? { iban: seller.iban } : {}),
      ...(seller.bic ? { bic: seller.bic } : {}),
      ...(seller.bankName ? { bankName: seller.bankName } : {}),
    },
    buyer: {
      legalName: buyer.name,
      address: addressOf(buyer.address, buyer.country),
      ...(buyer.vatId ? { vatId: buyer.vatId } : {}),
      ...(buyer.email ? { email: buyer.email } : {}),
      ...(buyer.number ? { customerNumber: buyer.number } : {}),
    },
    ...(inv.buyer_reference ? { buyerReference: inv.buyer_reference } : {}),
    ...(inv.po_number ? { orderReference: inv.po_number } : {}),
    ...(preceding?.number && preceding.issue_date ? { precedingInvoice: { number: preceding.number, issueDate: preceding.issue_date } } : {}),
    ...(inv.service_start && inv.service_end ? { servicePeriod: { start: inv.service_start, end: addDays(inv.service_end, -1) } } : {}),
    lines,
    allowanceCharges: [],
    taxBreakdown: parseJson<TaxBreakdownEntry[]>(inv.tax_breakdown, []),
    totals: {
      lineTotalMinor: lineTotal,
      allowanceTotalMinor: 0,
      chargeTotalMinor: 0,
      netMinor: inv.net_minor,
      taxMinor: inv.tax_minor,
      grossMinor: inv.gross_minor,
      paidMinor: paid,
      payableMinor: inv.gross_minor - paid,
    },
    ...(inv.due_date && inv.kind === 'invoice' ? { paymentTerms: `Payable by ${inv.due_date}` } : {}),
    notes,
  };
}
