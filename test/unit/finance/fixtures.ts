/** Finance fixtures: FinanceDocuments and payments built with the export fixtures' makeDocument. */
import type { FinanceDocument, FinancePayment } from '../../../shared/domain/finance/ledger';
import { BUYER_DE, BUYER_FR, makeDocument, type DocSpec } from '../exports/fixtures';

let seq = 0;
/** A deterministic UUID-shaped id. */
export const fid = (n: number): string => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;

export function fdoc(spec: DocSpec & { id?: string; customerId?: string; status?: string; precedingInvoiceId?: string }): FinanceDocument {
  const { id, customerId, status, precedingInvoiceId, ...rest } = spec;
  return {
    id: id ?? fid(++seq + 1000),
    customerId: customerId ?? (rest.buyer === BUYER_FR ? fid(2) : fid(1)),
    status: status ?? 'finalized',
    doc: makeDocument(rest),
    ...(precedingInvoiceId ? { precedingInvoiceId } : {}),
  };
}

export function pay(args: { id: string; customerId: string; documentId?: string; date: string; amountMinor: number; reference?: string; currency?: string; method?: string }): FinancePayment {
  return {
    id: args.id,
    reference: args.reference ?? `PAY-${args.id.slice(-4)}`,
    customerId: args.customerId,
    date: args.date,
    currency: args.currency ?? 'EUR',
    amountMinor: args.amountMinor,
    method: args.method ?? 'bank_transfer',
    allocations: args.documentId ? [{ documentId: args.documentId, amountMinor: args.amountMinor }] : [],
  };
}

/**
 * A small ledger for Müller & Söhne (C-10042, EUR):
 * - INV-1 2025-01-15 annual licence 2025-01-01..2025-12-31, 1200.00 + 19% = 1428.00, due 2025-02-14
 * - INV-2 2025-02-01 onboarding (no period) 500.00 + 19% = 595.00, due 2025-03-03
 * - CN-1  2025-02-20 credit 100.00 + 19% = 119.00 on INV-2
 * - payment 2025-02-10 1428.00 on INV-1; payment 2025-03-15 200.00 on INV-2
 */
export function smallLedger(): { docs: FinanceDocument[]; payments: FinancePayment[] } {
  const cust = fid(1);
  const inv1 = fdoc({
    id: fid(101), customerId: cust, number: 'INV-1', issueDate: '2025-01-15', dueDate: '2025-02-14',
    servicePeriod: { start: '2025-01-01', end: '2025-12-31' },
    lines: [{ description: 'Annual licence', sku: 'LIC-Y', quantity: '1', unitPrice: '1200.00', unitCode: 'ANN', periodStart: '2025-01-01', periodEnd: '2025-12-31' }],
  });
  const inv2 = fdoc({
    id: fid(102), customerId: cust, number: 'INV-2', issueDate: '2025-02-01', dueDate: '2025-03-03',
    lines: [{ description: 'Onboarding', sku: 'SVC-ONB', quantity: '1', unitPrice: '500.00' }],
  });
  const cn1 = fdoc({
    id: fid(103), customerId: cust, kind: 'credit_note', number: 'CN-1', issueDate: '2025-02-20', dueDate: '2025-03-06',
    precedingInvoice: { number: 'INV-2', issueDate: '2025-02-01' }, precedingInvoiceId: fid(102),
    lines: [{ description: 'Onboarding: goodwill', sku: 'SVC-ONB', quantity: '1', unitPrice: '100.00' }],
  });
  const payments = [
    pay({ id: fid(201), customerId: cust, documentId: fid(101), date: '2025-02-10', amountMinor: 142800, reference: 'BANK-0001' }),
    pay({ id: fid(202), customerId: cust, documentId: fid(102), date: '2025-03-15', amountMinor: 20000, reference: 'BANK-0002' }),
  ];
  return { docs: [inv1, inv2, cn1], payments };
}

export { BUYER_DE, BUYER_FR };
