/** Invoice document exports: UBL 2.1 / CII D16B XML, PDF, and ZIP batches of them. */
import type { InvoiceDocument } from '../../shared/domain/documents';
import { toUbl } from './ubl';
import { toCii } from './cii';
import { einvoiceProblem } from './einvoice-limits';
import { toPdf, type PdfOptions } from './pdf';
import { safeFileName, zipDocuments, type ZipEntry } from './zip';

export { toUbl, type UblOptions } from './ubl';
export { toCii, type CiiOptions } from './cii';
export { toPdf, taxNotes, hasUnicodeFont, type PdfOptions, type PdfLocale } from './pdf';
export { zipDocuments, safeFileName, type ZipEntry } from './zip';

export type ExportFormat = 'pdf' | 'ubl' | 'cii';

export { einvoiceProblem, EInvoiceUnsupported } from './einvoice-limits';

/** File name of one export, e.g. "INV-2025-0001.pdf", "INV-2025-0001.ubl.xml", "INV-2025-0001.cii.xml". */
export function exportFileName(doc: Pick<InvoiceDocument, 'number'>, format: ExportFormat): string {
  const base = safeFileName(doc.number);
  return format === 'pdf' ? `${base}.pdf` : `${base}.${format}.xml`;
}

/** Exports each document in each format and packs everything into one ZIP. */
export async function exportBatch(
  docs: readonly InvoiceDocument[],
  formats: readonly ExportFormat[] = ['pdf', 'ubl'],
  pdf: PdfOptions = {},
): Promise<Buffer> {
  const files: ZipEntry[] = [];
  for (const doc of docs) {
    for (const format of formats) {
      if (format !== 'pdf' && einvoiceProblem(doc)) continue;
      const name = exportFileName(doc, format);
      const data = format === 'pdf' ? await toPdf(doc, pdf) : format === 'ubl' ? toUbl(doc) : toCii(doc);
      files.push({ name, data });
    }
  }
  return zipDocuments(files);
}
