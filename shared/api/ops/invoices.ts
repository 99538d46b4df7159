/**
 * Invoices, credit notes and payments.
 *
 * Life cycle: draft → finalized → paid / partially_paid / uncollectible, or void. Numbers are assigned at
 * finalization from the number series (gapless, never reused: a void document keeps its number); credit notes
 * have their own series and reference the invoice they correct. Amounts are stored and returned AS PRINTED:
 * a credit note's lines and totals are positive, its kind gives the sign. A line's periodEnd is exclusive
 * (periodLastDay is the last day of the service period).
 */
import { z } from 'zod';
import { Id, IsoDate, IsoDateTime, pageOf, SortDir } from '../common';
import { op } from '../op';
import { LineKind, TaxBreakdownEntry } from './subscriptions';

export const InvoiceStatus = z.enum(['draft', 'finalized', 'paid', 'partially_paid', 'void', 'uncollectible']);
export type InvoiceStatus = z.output<typeof InvoiceStatus>;
export const InvoiceKind = z.enum(['invoice', 'credit_note']);

export const PartySnapshot = z.object({
  name: z.string(),
  number: z.string().optional(),
  country: z.string(),
  vatId: z.string().nullable(),
  address: z.record(z.string(), z.string()).nullable(),
  email: z.string().optional(),
  taxStatus: z.string().optional(),
  registrationNumber: z.string().optional(),
});

export const InvoiceLine = z.object({
  id: Id,
  position: z.number().int(),
  kind: LineKind,
  description: z.string(),
  subscriptionId: Id.nullable(),
  itemId: Id.nullable(),
  productId: Id.nullable(),
  productSku: z.string().nullable(),
  planId: Id.nullable(),
  periodStart: IsoDate.nullable(),
  /** Exclusive. */
  periodEnd: IsoDate.nullable(),
  periodLastDay: IsoDate.nullable(),
  /** Signed: a credit line on an invoice has a negative quantity (unit prices are never negative). */
  quantity: z.string(),
  /** Net price per unit such that quantity × unitPrice = amount (within half a minor unit). */
  unitPrice: z.string(),
  /** Price of one unit for a whole period (before proration). */
  periodUnitPrice: z.string(),
  /** Share of the period billed. */
  fraction: z.string(),
  discountMinor: z.number().int(),
  /** Why the line is discounted (printed with it); null without a discount. */
  discountReason: z.string().nullable(),
  amountMinor: z.number().int(),
  /** Product tax category (standard, reduced …). */
  taxCategory: z.string(),
  /** EN 16931 VAT category (S, AE, E …) and rate, set when totals are computed. */
  taxCode: z.string().nullable(),
  taxRate: z.string().nullable(),
  taxMinor: z.number().int(),
  /** Credit note lines: the invoice line they correct. */
  creditedLineId: Id.nullable(),
});
export type InvoiceLine = z.output<typeof InvoiceLine>;

export const InvoiceSummary = z.object({
  id: Id,
  kind: InvoiceKind,
  number: z.string().nullable(),
  status: InvoiceStatus,
  customerId: Id,
  customerName: z.string(),
  customerNumber: z.string(),
  subscriptionId: Id.nullable(),
  currency: z.string(),
  /** The day the lines were generated for. */
  billingDate: IsoDate,
  /** Set at finalization. */
  issueDate: IsoDate.nullable(),
  dueDate: IsoDate.nullable(),
  serviceStart: IsoDate.nullable(),
  /** Exclusive. */
  serviceEnd: IsoDate.nullable(),
  netMinor: z.number().int(),
  taxMinor: z.number().int(),
  grossMinor: z.number().int(),
  paidMinor: z.number().int(),
  creditedMinor: z.number().int(),
  /** gross − paid − credited (0 for credit notes, drafts count in full). */
  amountDueMinor: z.number().int(),
  overdue: z.boolean(),
  precedingInvoiceId: Id.nullable(),
  precedingInvoiceNumber: z.string().nullable(),
  /** Drafts: when the billing run finalizes it (grace period). */
  finalizeAfter: IsoDateTime.nullable(),
  billingRunId: Id.nullable(),
  createdAt: IsoDateTime,
  finalizedAt: IsoDateTime.nullable(),
  voidedAt: IsoDateTime.nullable(),
  /** Highest dunning reminder level issued for the invoice (null: none). */
  dunningLevel: z.number().int().nullable(),
});
export type InvoiceSummary = z.output<typeof InvoiceSummary>;

export const Payment = z.object({
  id: Id,
  invoiceId: Id,
  invoiceNumber: z.string().nullable(),
  customerId: Id,
  currency: z.string(),
  amountMinor: z.number().int(),
  paidOn: IsoDate,
  method: z.string(),
  reference: z.string().nullable(),
  createdAt: IsoDateTime,
});

export const Invoice = InvoiceSummary.extend({
  lines: z.array(InvoiceLine),
  taxBreakdown: z.array(TaxBreakdownEntry),
  /** Legal notes (reverse charge, exemption …). */
  notes: z.array(z.string()),
  /** Taken at finalization (null for drafts): later edits of the customer or settings do not change an issued invoice. */
  customerSnapshot: PartySnapshot.nullable(),
  sellerSnapshot: PartySnapshot.nullable(),
  poNumber: z.string().nullable(),
  buyerReference: z.string().nullable(),
  voidReason: z.string().nullable(),
  payments: z.array(Payment),
  creditNotes: z.array(z.object({ id: Id, number: z.string().nullable(), status: InvoiceStatus, grossMinor: z.number().int(), issueDate: IsoDate.nullable() })),
  /** Dunning reminders issued, by level. */
  reminders: z.array(z.object({ id: Id, level: z.number().int(), issuedOn: IsoDate, daysOverdue: z.number().int(), amountDueMinor: z.number().int(), currency: z.string() })),
});
export type Invoice = z.output<typeof Invoice>;

export const InvoiceListInput = z.object({
  status: z.union([InvoiceStatus, z.array(InvoiceStatus)]).optional(),
  kind: InvoiceKind.optional(),
  customerId: Id.optional(),
  subscriptionId: Id.optional(),
  /** Issue date (billing date for drafts) in [dateFrom, dateTo]. */
  dateFrom: IsoDate.optional(),
  dateTo: IsoDate.optional(),
  overdue: z.boolean().optional(),
  /** Number or customer name / number. */
  search: z.string().trim().max(200).optional(),
  billingRunId: Id.optional(),
  sortBy: z.enum(['number', 'issueDate', 'dueDate', 'grossMinor', 'createdAt', 'customerName']).default('createdAt'),
  sortDir: SortDir,
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(10000).default(100),
});

export const invoiceOps = {
  'invoices.list': op({ name: 'invoices.list', summary: 'List invoices and credit notes (status, customer, date range, kind)', mutating: false, input: InvoiceListInput, output: pageOf(InvoiceSummary) }),
  'invoices.get': op({ name: 'invoices.get', summary: 'An invoice or credit note with lines, tax breakdown, totals and payments', mutating: false, input: z.object({ id: Id }), output: Invoice }),
  'invoices.finalize': op({
    name: 'invoices.finalize', summary: 'Finalize a draft now: assigns the number, snapshots customer and seller, computes tax', mutating: true,
    input: z.object({ id: Id }), output: Invoice,
  }),
  'invoices.void': op({
    name: 'invoices.void', summary: 'Void an invoice (it keeps its number); its periods are billed again by the next run unless rebill is false', mutating: true,
    input: z.object({ id: Id, reason: z.string().trim().min(1, 'is required').max(500), rebill: z.boolean().default(true) }), output: Invoice,
  }),
  'invoices.markUncollectible': op({
    name: 'invoices.markUncollectible', summary: 'Write off an unpaid invoice as uncollectible', mutating: true,
    input: z.object({ id: Id, reason: z.string().trim().max(500).optional() }), output: Invoice,
  }),
  'invoices.createCreditNote': op({
    name: 'invoices.createCreditNote', summary: 'Credit note for a finalized invoice: all lines, or chosen lines', mutating: true,
    input: z.object({
      invoiceId: Id,
      /** Invoice line ids to credit in full; omitted = every line (what is left of it). */
      lineIds: z.array(Id).min(1).optional(),
      reason: z.string().trim().max(500).optional(),
    }),
    output: Invoice,
  }),
  'payments.record': op({
    name: 'payments.record', summary: 'Record money received for an invoice (partial → partially_paid, full → paid)', mutating: true,
    input: z.object({
      invoiceId: Id,
      amountMinor: z.number().int().positive('must be greater than 0'),
      /** Default today. */
      paidOn: IsoDate.optional(),
      method: z.string().trim().min(1).max(40).default('bank_transfer'),
      reference: z.string().trim().max(200).optional(),
    }),
    output: z.object({ payment: Payment, invoice: Invoice }),
  }),
  'payments.list': op({
    name: 'payments.list', summary: 'Payments, newest first', mutating: false,
    input: z.object({ invoiceId: Id.optional(), customerId: Id.optional(), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(10000).default(100) }),
    output: pageOf(Payment),
  }),
} as const;
