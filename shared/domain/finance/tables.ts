/** Flat rows of the tabular exports (see columns.ts), built from the finance values. */
import type { AgingReport } from './aging';
import type { AgingExportRow, DeferredReportRow, DocumentRow, JournalRow, LineRow, PaymentRow, ScheduleRow } from './columns';
import type { DeferredMonthRow, LineSchedule } from './deferred';
import type { JournalEntry } from './journal';
import { byIssueDate, docAmountMinor, type FinanceCustomer, type FinanceDocument, type FinancePayment } from './ledger';

/** Payments applied to each document by `asOf` (inclusive). */
export function appliedByDocument(payments: readonly FinancePayment[], asOf?: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const p of payments) {
    if (asOf && p.date > asOf) continue;
    for (const a of p.allocations) m.set(a.documentId, (m.get(a.documentId) ?? 0) + a.amountMinor);
  }
  return m;
}

/**
 * One row per document; paid / credited / open as of `asOf`: payments by their allocations, credit notes
 * applied to the invoice they correct (`creditNotes`: every credit note that may correct one of `docs`,
 * default `docs` itself).
 */
export function documentRows(
  docs: readonly FinanceDocument[],
  payments: readonly FinancePayment[],
  asOf?: string,
  creditNotes: readonly FinanceDocument[] = docs,
): DocumentRow[] {
  const applied = appliedByDocument(payments, asOf);
  const creditedOf = new Map<string, number>();
  for (const c of creditNotes) {
    if (c.doc.kind !== 'credit_note' || !c.precedingInvoiceId || (asOf && c.doc.issueDate > asOf)) continue;
    creditedOf.set(c.precedingInvoiceId, (creditedOf.get(c.precedingInvoiceId) ?? 0) + docAmountMinor(c));
  }
  return [...docs].sort(byIssueDate).map((fd) => {
    const d = fd.doc;
    const amount = docAmountMinor(fd);
    const credit = d.kind === 'credit_note';
    // a refund paid out of a credit note is a negative allocation: it settles the credit
    const paid = credit ? -(applied.get(fd.id) ?? 0) : (applied.get(fd.id) ?? 0);
    const credited = credit ? (fd.precedingInvoiceId && (!asOf || d.issueDate <= asOf) ? amount - paid : 0) : (creditedOf.get(fd.id) ?? 0);
    return {
      documentId: fd.id,
      kind: d.kind,
      number: d.number,
      status: fd.status,
      issueDate: d.issueDate,
      dueDate: d.dueDate,
      customerId: fd.customerId,
      customerNumber: d.buyer.customerNumber ?? '',
      customerName: d.buyer.legalName,
      customerVatId: d.buyer.vatId,
      customerCountry: d.buyer.address.country,
      currency: d.currency,
      servicePeriodStart: d.servicePeriod?.start,
      servicePeriodEnd: d.servicePeriod?.end,
      netMinor: d.totals.netMinor,
      taxMinor: d.totals.taxMinor,
      grossMinor: d.totals.grossMinor,
      paidMinor: paid,
      creditedMinor: credited,
      openMinor: amount - paid - credited,
      buyerReference: d.buyerReference,
      orderReference: d.orderReference,
      precedingNumber: d.precedingInvoice?.number,
      precedingIssueDate: d.precedingInvoice?.issueDate,
      subscriptionId: fd.subscriptionId,
    };
  });
}

export function lineRows(docs: readonly FinanceDocument[]): LineRow[] {
  const out: LineRow[] = [];
  for (const fd of [...docs].sort(byIssueDate)) {
    const d = fd.doc;
    d.lines.forEach((l, i) => {
      out.push({
        documentId: fd.id,
        documentKind: d.kind,
        documentNumber: d.number,
        issueDate: d.issueDate,
        customerNumber: d.buyer.customerNumber ?? '',
        currency: d.currency,
        lineId: l.id,
        position: i + 1,
        description: l.description,
        productSku: l.productSku,
        quantity: l.quantity,
        unitCode: l.unitCode,
        unitPrice: l.unitPrice,
        discountMinor: l.discountMinor || undefined,
        netMinor: l.netAmountMinor,
        taxCategory: l.taxCategory,
        taxRate: l.taxRate,
        periodStart: l.periodStart,
        periodEnd: l.periodEnd,
      });
    });
  }
  return out;
}

export function paymentRows(
  payments: readonly FinancePayment[],
  customerOf: (id: string) => Pick<FinanceCustomer, 'number' | 'name'> | undefined,
  numberOf: (documentId: string) => string | undefined,
): PaymentRow[] {
  return [...payments]
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.reference.localeCompare(b.reference) || a.id.localeCompare(b.id)))
    .map((p) => {
      const allocated = p.allocations.reduce((s, a) => s + a.amountMinor, 0);
      const c = customerOf(p.customerId);
      return {
        paymentId: p.id,
        reference: p.reference,
        date: p.date,
        customerId: p.customerId,
        customerNumber: c?.number ?? '',
        customerName: c?.name ?? '',
        currency: p.currency,
        amountMinor: p.amountMinor,
        method: p.method,
        allocatedMinor: allocated,
        unallocatedMinor: p.amountMinor - allocated,
        appliedTo: p.allocations.map((a) => numberOf(a.documentId) ?? a.documentId).join(';'),
      };
    });
}

export function journalRows(entries: readonly JournalEntry[]): JournalRow[] {
  const out: JournalRow[] = [];
  for (const e of entries) {
    for (const p of e.postings) {
      out.push({
        entryId: e.entryId,
        date: e.date,
        documentKind: e.documentKind,
        documentNumber: e.documentNumber,
        customerNumber: e.customerNumber,
        customerName: e.customerName,
        account: p.account,
        accountName: p.accountName,
        debitMinor: p.debitMinor,
        creditMinor: p.creditMinor,
        currency: e.currency,
        taxCategory: p.taxCategory,
        taxRate: p.taxRate,
        description: p.description,
      });
    }
  }
  return out;
}

export function scheduleRows(schedules: readonly LineSchedule[]): ScheduleRow[] {
  const out: ScheduleRow[] = [];
  for (const s of schedules) {
    for (const g of s.segments) {
      out.push({
        documentNumber: s.documentNumber,
        documentKind: s.documentKind,
        issueDate: s.issueDate,
        customerNumber: s.customerNumber,
        customerName: s.customerName,
        lineId: s.lineId,
        description: s.description,
        currency: s.currency,
        lineAmountMinor: s.amountMinor,
        serviceStart: s.serviceStart,
        serviceEnd: s.serviceEnd,
        month: g.month,
        recognitionStart: g.start,
        recognitionEnd: g.end,
        days: g.days,
        recognisedMinor: g.amountMinor,
      });
    }
  }
  return out;
}

export const deferredReportRows = (rows: readonly DeferredMonthRow[]): DeferredReportRow[] => rows.map((r) => ({ ...r }));

/** Customer rows, then one "TOTAL" row per currency. */
export function agingRows(report: AgingReport): AgingExportRow[] {
  return [
    ...report.rows.map((r) => ({ asOf: report.asOf, customerNumber: r.customerNumber, customerName: r.customerName, currency: r.currency, buckets: r.buckets, totalMinor: r.totalMinor })),
    ...report.totals.map((t) => ({ asOf: report.asOf, customerNumber: 'TOTAL', customerName: '', currency: t.currency, buckets: t.buckets, totalMinor: t.totalMinor })),
  ];
}
