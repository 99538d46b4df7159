/**
 * Export throughput: generated invoices (1–8 lines, EUR/USD/JPY, 19 %/7 %, reverse charge, exempt,
 * credit notes) to UBL 2.1 and to PDF.
 *
 *   npx tsx test/bench/export.ts
 *
 * 10,000 documents to UBL and 10,000 to PDF (one PDF with an embedded DejaVu subset takes 9-20 ms on this 2-core
 * machine, so the PDF half runs 90-200 s; BENCH_PDF_DOCS / BENCH_UBL_DOCS make it smaller). Generation is not timed.
 */
import { toUbl } from '../../main/exports/ubl';
import { toPdf, hasUnicodeFont } from '../../main/exports/pdf';
import { generateDocuments } from '../unit/exports/fixtures';

async function main(): Promise<void> {
  const nUbl = Number(process.env.BENCH_UBL_DOCS ?? 10_000);
  const nPdf = Number(process.env.BENCH_PDF_DOCS ?? 10_000);
  const docs = generateDocuments(Math.max(nUbl, nPdf), 20250701);

  // warm-up (JIT, font parsing)
  for (const d of docs.slice(0, 50)) toUbl(d);
  for (const d of docs.slice(0, 5)) await toPdf(d);

  let bytes = 0;
  let t0 = performance.now();
  for (let i = 0; i < nUbl; i++) bytes += toUbl(docs[i]!).length;
  let secs = (performance.now() - t0) / 1000;
  console.log(`# UBL: ${nUbl} documents in ${secs.toFixed(2)} s, avg ${(bytes / nUbl / 1024).toFixed(1)} KiB`);
  console.log(`BENCH export ubl_docs_per_s=${Math.round(nUbl / secs)} docs/s`);

  bytes = 0;
  t0 = performance.now();
  for (let i = 0; i < nPdf; i++) bytes += (await toPdf(docs[i]!)).length;
  secs = (performance.now() - t0) / 1000;
  console.log(`# PDF: ${nPdf} documents in ${secs.toFixed(2)} s, avg ${(bytes / nPdf / 1024).toFixed(1)} KiB, font=${hasUnicodeFont() ? 'DejaVu Sans' : 'Helvetica'}`);
  console.log(`BENCH export pdf_docs_per_s=${Math.round(nPdf / secs)} docs/s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
