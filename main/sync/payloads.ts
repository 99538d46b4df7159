/**
 * What the outbox carries to ERPs: the full snapshot of the aggregate at the time of the event.
 * Money: integer minor units + ISO currency; unit prices, quantities and tax rates: decimal strings.
 */
import type { Customer } from '../../shared/api/ops/customers';
import type { Product } from '../../shared/api/ops/catalog';

export const AGGREGATE_TYPES = ['customer', 'product', 'plan', 'subscription', 'invoice', 'credit_note', 'payment', 'sales_order'] as const;
export type AggregateType = (typeof AGGREGATE_TYPES)[number];

/** customer.created / customer.updated / customer.archived: the Customer as the API returns it. */
export type ErpCustomerPayload = Customer;

/** product.created / product.updated: the Product as the API returns it, plus an optional list price for ERPs that want one. */
export type ErpProductPayload = Product & {
  /** Decimal string in `listPriceCurrency` (Tryton requires a list price; "0" when absent). */
  listPrice?: string;
  listPriceCurrency?: string;
};

export interface ErpInvoiceLine {
  description: string;
  /** Catalog SKU or null for free-text lines. */
  productSku: string | null;
  /** Decimal string, positive. */
  quantity: string;
  /** Decimal string, net (excl. tax), positive. */
  unitPrice: string;
  /** quantity × unitPrice rounded to the currency (integer minor units, positive). */
  netMinor: number;
  /** A discounted line (Cadence item discounts): unitPrice is net of it; the price before it, the discount and its reason, for information. */
  listUnitPrice?: string;
  discountMinor?: number;
  discountReason?: string | null;
  /** Tax rate as a percent decimal string: "19", "7", "0". */
  taxRate: string;
  /** 'standard' | 'reduced' | 'super_reduced' | 'zero' | 'exempt' | 'reverse_charge' … */
  taxCategory: string;
}

/**
 * invoice.finalized / credit_note.finalized.
 * All amounts are positive as printed on the document, also for credit notes: `kind` gives the sign.
 * `taxMinor` is the document tax: per rate, sum of line nets × rate, rounded once per document (half-even in Tryton).
 */
export interface ErpInvoicePayload {
  id: string;
  /** Cadence's invoice number (legal number), e.g. "INV-2026-00042"; the ERP's reference. */
  number: string;
  kind: 'invoice' | 'credit_note';
  customerId: string;
  customerNumber: string;
  currency: string;
  /** YYYY-MM-DD */
  issueDate: string;
  /** YYYY-MM-DD */
  dueDate: string;
  lines: ErpInvoiceLine[];
  netMinor: number;
  taxMinor: number;
  grossMinor: number;
  /** Credit notes: the number of the invoice they correct. */
  precedingInvoiceNumber?: string;
}

/** payment.recorded: money received against one invoice. */
export interface ErpPaymentPayload {
  id: string;
  invoiceId: string;
  invoiceNumber: string;
  customerId: string;
  customerNumber: string;
  currency: string;
  /** Positive, integer minor units. */
  amountMinor: number;
  /** YYYY-MM-DD */
  paidOn: string;
  /** e.g. 'bank_transfer', 'card', 'sepa_debit' */
  method: string;
  /** Bank reference / PSP id. */
  reference?: string;
}
