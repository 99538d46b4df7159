/**
 * Customer statement of account for a period in one currency: opening balance, invoices (debit),
 * credit notes and payments (credit; refunds are debits), running balance, closing balance and an
 * aging summary as of the period end. Balance > 0 = the customer owes us.
 */
import { agingReport, emptyBuckets, openItemsAsOf, type BucketAmounts, type OpenItem } from './aging';
import { docAmountMinor, docSign, isPosted, type FinanceCustomer, type FinanceDocument, type FinancePayment } from './ledger';

export type StatementLineKind = 'invoice' | 'credit_note' | 'payment' | 'refund';

export interface StatementLine {
  date: string;
  kind: StatementLineKind;
  reference: string;
  description: string;
  dueDate?: string;
  /** Invoices: the service period; credit notes: the corrected invoice; payments: method and documents. */
  servicePeriod?: { start: string; end: string };
  corrects?: string;
  method?: string;
  appliedTo?: string[];
  debitMinor: number;
  creditMinor: number;
  balanceMinor: number;
}

export interface Statement {
  customer: FinanceCustomer;
  currency: string;
  from: string;
  to: string;
  openingBalanceMinor: number;
  lines: StatementLine[];
  closingBalanceMinor: number;
  invoicedMinor: number;
  creditedMinor: number;
  paidMinor: number;
  refundedMinor: number;
  aging: BucketAmounts;
  /** Items open at the period end (what the aging summary is made of). */
  openItems: OpenItem[];
}

const ORDER: Record<StatementLineKind, number> = { invoice: 0, credit_note: 1, refund: 2, payment: 3 };

/** Builds the statement from all of the customer's documents and payments (any date, any currency). */
export function buildStatement(args: {
  customer: FinanceCustomer;
  currency: string;
  from: string;
  to: string;
  documents: readonly FinanceDocument[];
  payments: readonly FinancePayment[];
}): Statement {
  const { customer, currency, from, to } = args;
  const docs = args.documents.filter((d) => d.customerId === customer.id && d.doc.currency === currency && isPosted(d));
  const pays = args.payments.filter((p) => p.customerId === customer.id && p.currency === currency);
  let opening = 0;
  const lines: Omit<StatementLine, 'balanceMinor'>[] = [];
  for (const d of docs) {
    const signed = docSign(d) * docAmountMinor(d);
    if (d.doc.issueDate < from) opening += signed;
    else if (d.doc.issueDate <= to) {
      const isCredit = d.doc.kind === 'credit_note';
      const corrects = d.doc.precedingInvoice ? ` (corrects ${d.doc.precedingInvoice.number})` : '';
      lines.push({
        date: d.doc.issueDate,
        kind: d.doc.kind,
        reference: d.doc.number,
        description: isCredit ? `Credit note${corrects}` : d.doc.servicePeriod ? `Invoice, service ${d.doc.servicePeriod.start} – ${d.doc.servicePeriod.end}` : 'Invoice',
        ...(d.doc.dueDate && !isCredit ? { dueDate: d.doc.dueDate } : {}),
        ...(d.doc.servicePeriod && !isCredit ? { servicePeriod: d.doc.servicePeriod } : {}),
        ...(d.doc.precedingInvoice ? { corrects: d.doc.precedingInvoice.number } : {}),
        debitMinor: Math.max(signed, 0),
        creditMinor: Math.max(-signed, 0),
      });
    }
  }
  const numberOf = new Map(docs.map((d) => [d.id, d.doc.number]));
  for (const p of pays) {
    if (p.date < from) opening -= p.amountMinor;
    else if (p.date <= to) {
      const applied = p.allocations.map((a) => numberOf.get(a.documentId)).filter((n): n is string => !!n);
      const refund = p.amountMinor < 0;
      lines.push({
        date: p.date,
        kind: refund ? 'refund' : 'payment',
        reference: p.reference,
        description: `${refund ? 'Refund' : 'Payment'}${p.method ? ` (${p.method.replace(/_/g, ' ')})` : ''}${applied.length ? `, applied to ${applied.join(', ')}` : ''}`,
        ...(p.method ? { method: p.method } : {}),
        ...(applied.length ? { appliedTo: applied } : {}),
        debitMinor: Math.max(-p.amountMinor, 0),
        creditMinor: Math.max(p.amountMinor, 0),
      });
    }
  }
  lines.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : ORDER[a.kind] - ORDER[b.kind] || a.reference.localeCompare(b.reference)));
  let balance = opening;
  const withBalance = lines.map((l) => {
    balance += l.debitMinor - l.creditMinor;
    return { ...l, balanceMinor: balance };
  });
  const openItems = openItemsAsOf(docs, pays, to, () => ({ number: customer.number, name: customer.name }));
  const report = agingReport(openItems, to);
  const sum = (k: StatementLineKind, f: 'debitMinor' | 'creditMinor') => withBalance.filter((l) => l.kind === k).reduce((s, l) => s + l[f], 0);
  return {
    customer,
    currency,
    from,
    to,
    openingBalanceMinor: opening,
    lines: withBalance,
    closingBalanceMinor: balance,
    invoicedMinor: sum('invoice', 'debitMinor') - sum('invoice', 'creditMinor'),
    creditedMinor: sum('credit_note', 'creditMinor') - sum('credit_note', 'debitMinor'),
    paidMinor: sum('payment', 'creditMinor'),
    refundedMinor: sum('refund', 'debitMinor'),
    aging: report.totals[0]?.buckets ?? emptyBuckets(),
    openItems,
  };
}
