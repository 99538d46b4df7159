/** Invoice types, labels and status chips shared by the invoice, subscription and billing screens. */
import type { OpOutput } from '../../../../shared/api/index';

export type Invoice = OpOutput<'invoices.get'>;
export type InvoiceSummary = OpOutput<'invoices.list'>['items'][number];
export type InvoiceLine = Invoice['lines'][number];
export type InvoicePreview = NonNullable<OpOutput<'subscriptions.upcomingInvoice'>>;
export type PreviewLine = InvoicePreview['lines'][number];
export type TaxEntry = Invoice['taxBreakdown'][number];
export type InvoiceStatus = Invoice['status'];

/** A line as the tables show it (an invoice line or a preview line). */
export interface DisplayLine {
  key: string;
  kind: string;
  description: string;
  sku?: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  quantity: string;
  unitPrice: string;
  fraction: string;
  amountMinor: number;
  /** The line's discount (quantity × unit price − discount = amount) and why. */
  discountMinor?: number;
  discountReason?: string | null;
  taxRate?: string | null;
  taxCode?: string | null;
}

export const fromInvoiceLine = (l: InvoiceLine): DisplayLine => ({
  key: l.id, kind: l.kind, description: l.description, sku: l.productSku, periodStart: l.periodStart, periodEnd: l.periodEnd,
  quantity: l.quantity, unitPrice: l.unitPrice, fraction: l.fraction, amountMinor: l.amountMinor, taxRate: l.taxRate, taxCode: l.taxCode,
  discountMinor: l.discountMinor, discountReason: l.discountReason,
});
export const fromPreviewLine = (l: PreviewLine, i: number): DisplayLine => ({
  key: `${l.itemId}-${i}`, kind: l.kind, description: l.description, periodStart: l.periodStart, periodEnd: l.periodEnd,
  quantity: l.quantity, unitPrice: l.unitPrice, fraction: l.fraction, amountMinor: l.amountMinor,
  ...(l.discountMinor ? { discountMinor: l.discountMinor, discountReason: l.discountReason ?? null } : {}),
});

export const LINE_KIND_LABELS: Record<string, string> = {
  charge: 'Charge', credit: 'Credit', usage: 'Usage', trueup: 'Adjustment', proration_charge: 'Proration', proration_credit: 'Proration credit', manual: 'Manual',
};

export const STATUS_LABELS: Record<InvoiceStatus, string> = {
  draft: 'Draft', finalized: 'Open', paid: 'Paid', partially_paid: 'Partly paid', void: 'Void', uncollectible: 'Uncollectible',
};

/** TAX categories of EN 16931 → words. */
export const TAX_CATEGORY_LABELS: Record<string, string> = {
  S: 'Standard rate', Z: 'Zero rated', E: 'Exempt', AE: 'Reverse charge', K: 'Intra-EU supply', G: 'Export outside the EU', O: 'Not subject to VAT',
};

/** "INV-2027-00001", or "Draft" / "Draft credit note". */
export const documentTitle = (i: Pick<InvoiceSummary, 'number' | 'kind'>): string =>
  i.number ?? (i.kind === 'credit_note' ? 'Draft credit note' : 'Draft invoice');

export const kindLabel = (k: string): string => (k === 'credit_note' ? 'Credit note' : 'Invoice');
