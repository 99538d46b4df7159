/**
 * What EN 16931 (UBL / CII) cannot carry. Its amounts have at most two decimals (BR-DEC-01 … BR-DEC-23), so a
 * document in a currency with three minor units (KWD, BHD, JOD, OMR, TND …) cannot be expressed exactly: it is issued
 * as PDF and in the CSV / XLSX tables, never as a rounded — and so wrong — e-invoice.
 */
import type { InvoiceDocument } from '../../shared/domain/documents';
import { minorUnits } from '../../shared/domain/money';

export class EInvoiceUnsupported extends Error {
  override name = 'EInvoiceUnsupported';
}

/** Why the document cannot be an EN 16931 e-invoice, or null when it can. */
export function einvoiceProblem(doc: Pick<InvoiceDocument, 'currency' | 'number'>): string | null {
  const units = minorUnits(doc.currency);
  if (units <= 2) return null;
  return `EN 16931 e-invoices allow at most two decimals in amounts (BR-DEC), and ${doc.currency} amounts have ${units}: ` +
    `${doc.number} is available as PDF and in the CSV / XLSX tables, not as UBL or CII`;
}

export function assertEInvoiceable(doc: Pick<InvoiceDocument, 'currency' | 'number'>): void {
  const problem = einvoiceProblem(doc);
  if (problem) throw new EInvoiceUnsupported(problem);
}
