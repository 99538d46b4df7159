/**
 * PDF export: text content checked with pdftotext (poppler-utils), page 1 rendered with pdftoppm to
 * test-results/invoice-sample-1.png for a visual check.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasUnicodeFont, taxNotes, toPdf } from '../../../main/exports/pdf';
import { longDocument, scenarioDocuments } from './fixtures';
import { hasCommand, resultsDir } from './helpers';

const S = scenarioDocuments();
const outDir = path.join(resultsDir, 'pdf');
const poppler = hasCommand('pdftotext', ['-v']) && hasCommand('pdftoppm', ['-v']);
if (!poppler) console.warn('[exports] PDF text/render checks skipped: pdftotext/pdftoppm not found (apt-get install poppler-utils)');

function pdfText(file: string): string {
  const r = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
  return r.stdout;
}

function pageCount(pdf: Buffer): number {
  // count page objects (/Type /Page, not /Pages)
  return (pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g) ?? []).length;
}

describe('toPdf', () => {
  beforeAll(() => mkdirSync(outDir, { recursive: true }));

  it('returns a PDF buffer; a long invoice spans several pages', async () => {
    const one = await toPdf(S.domestic);
    expect(one.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pageCount(one)).toBe(1);
    const long = await toPdf(longDocument(70));
    expect(pageCount(long)).toBeGreaterThanOrEqual(3);
    writeFileSync(path.join(outDir, 'long.pdf'), long);
  });

  it('embeds a Unicode font when DejaVu is installed (€ glyph), Helvetica otherwise', async () => {
    const pdf = (await toPdf(S.domestic)).toString('latin1');
    if (hasUnicodeFont()) expect(pdf).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
    else expect(pdf).toContain('/BaseFont /Helvetica');
    expect((await toPdf(S.domestic, { fonts: null })).toString('latin1')).toContain('/BaseFont /Helvetica');
  });

  it('is deterministic for the same document (fixed creation date)', async () => {
    const a = await toPdf(S.usage);
    const b = await toPdf(S.usage);
    expect(a.equals(b)).toBe(true);
  });

  it('tax notes: reverse charge, exemption, none for standard rated', () => {
    const rc = taxNotes(S.reverseCharge);
    expect(rc).toHaveLength(1);
    expect(rc[0]!.text).toBe(
      'Reverse charge: VAT to be paid by the recipient (Art. 196 Directive 2006/112/EC). Customer VAT ID: FR12345678901 · Our VAT ID: DE123456789.',
    );
    expect(taxNotes(S.exempt)).toEqual([{ text: 'Exempt under § 4 Nr. 21 UStG (educational services).' }]);
    expect(taxNotes(S.domestic)).toEqual([]);
    // the short default reason (as the tax module sets it) is replaced by the full legal note
    const short = { ...S.reverseCharge, taxBreakdown: S.reverseCharge.taxBreakdown.map((t) => ({ ...t, exemptionReason: 'Reverse charge' })) };
    expect(taxNotes(short)[0]!.text).toBe(
      'Reverse charge: the recipient is liable for the VAT (Art. 196 Council Directive 2006/112/EC). Customer VAT ID: FR12345678901 · Our VAT ID: DE123456789.',
    );
    expect(taxNotes({ ...S.reverseCharge, taxBreakdown: S.reverseCharge.taxBreakdown.map((t) => ({ ...t, exemptionReason: undefined })) }, 'de')[0]!.text).toMatch(
      /^Steuerschuldnerschaft des Leistungsempfängers/,
    );
  });

  describe.skipIf(!poppler)('content (pdftotext) and rendering (pdftoppm)', () => {
    it('invoice text has number, dates, buyer, lines, VAT breakdown and totals', async () => {
      const file = path.join(outDir, 'domestic.pdf');
      writeFileSync(file, await toPdf(S.domestic));
      const t = pdfText(file);
      const euro = hasUnicodeFont() ? '€' : 'EUR ';
      for (const s of [
        'INVOICE', 'INV-2025-0001', '01 Jul 2025', '31 Jul 2025', '01 Jun 2025 – 30 Jun 2025',
        'Müller & Söhne Maschinenbau AG', 'DE987654321', 'PO-4711', 'PO-2025-881', 'C-10042',
        'Cadence Business plan (monthly)', '-23.88', '214.92', '7.5',
        '1,563.92', '297.14', '79.80', '5.59', // VAT breakdown 19 % and 7 %
        '1,688.77', '-50.00', '4.95', '1,643.72', '302.73', `${euro}1,946.45`,
        'DE89 3704 0044 0532 0130 00', 'COBADEFFXXX', 'HRB 123456 B', 'DE123456789', 'Page 1 of 1',
      ]) {
        expect(t, s).toContain(s);
      }
      expect(t).not.toMatch(/Reverse charge/i);
    });

    it('reverse-charge invoice carries the reverse-charge note and the total', async () => {
      const file = path.join(outDir, 'reverse-charge.pdf');
      writeFileSync(file, await toPdf(S.reverseCharge));
      const t = pdfText(file).replace(/\s+/g, ' ');
      expect(t).toContain('INV-2025-0002');
      expect(t).toContain('Reverse charge: VAT to be paid by the recipient');
      expect(t).toContain('Customer VAT ID: FR12345678901');
      expect(t).toContain('1,527.50');
      expect(t).toContain('0% AE');
    });

    it('credit note, JPY and USD amounts', async () => {
      const cases: [keyof typeof S, string[]][] = [
        ['creditNote', ['CREDIT NOTE', 'CN-2025-0001', 'INV-2025-0001', 'Amount credited', '74.06', '9.31']],
        ['jpy', ['80,232', '-5,000', hasUnicodeFont() ? '¥75,232' : 'JPY 75,232', 'Not subject to VAT', '1,234.567']],
        ['usd', ['$2,845.50', 'Export', 'VAT-exempt export outside the EU']],
      ];
      for (const [name, expected] of cases) {
        const file = path.join(outDir, `${name}.pdf`);
        writeFileSync(file, await toPdf(S[name]));
        const t = pdfText(file).replace(/[ \t]+/g, ' ');
        for (const s of expected) expect(t, `${name}: ${s}`).toContain(s);
      }
    });

    it('long invoice repeats the table header and numbers the pages', async () => {
      const file = path.join(outDir, 'long.pdf');
      writeFileSync(file, await toPdf(longDocument(70)));
      const pages = pdfText(file).split('\f').filter((p) => p.trim());
      expect(pages.length).toBeGreaterThanOrEqual(3);
      pages.forEach((p, i) => {
        expect(p).toContain(`Page ${i + 1} of ${pages.length}`);
        if (i > 0) expect(p).toContain('INV-2025-0100 · continued');
      });
      // the header row repeats on every page that carries lines
      const withLines = pages.filter((p) => /Usage: project \d{3}/.test(p));
      for (const p of withLines) expect(p).toMatch(/Description\s+Qty\s+Unit\s+Unit price\s+VAT\s+Amount EUR/);
      // all 70 lines, once each
      const all = pages.join('\n');
      for (let i = 1; i <= 70; i++) expect(all.match(new RegExp(`project ${String(i).padStart(3, '0')} `, 'g')) ?? [], `line ${i}`).toHaveLength(1);
      // the totals are on the last page together with at least one line
      expect(pages.at(-1)).toContain('Amount due');
      expect(pages.at(-1)).toMatch(/Usage: project 070/);
    });

    it('German labels', async () => {
      const file = path.join(outDir, 'domestic-de.pdf');
      writeFileSync(file, await toPdf(S.domestic, { locale: 'de' }));
      const t = pdfText(file);
      for (const s of ['RECHNUNG', 'Rechnungsdatum', '01.07.2025', '1.946,45', 'Leistungszeitraum', 'Seite 1 von 1']) expect(t, s).toContain(s);
    });

    it('Helvetica fallback writes currency codes', async () => {
      const file = path.join(outDir, 'domestic-helvetica.pdf');
      writeFileSync(file, await toPdf(S.domestic, { fonts: null }));
      const t = pdfText(file);
      expect(t).toContain('EUR 1,946.45');
      expect(t).toContain('Müller & Söhne');
    });

    it('renders page 1 to test-results/invoice-sample-1.png', async () => {
      const file = path.join(outDir, 'invoice-sample.pdf');
      writeFileSync(file, await toPdf(S.domestic));
      const r = spawnSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', file, path.join(resultsDir, 'invoice-sample')]);
      expect(r.status).toBe(0);
      // pdftoppm names the page "-1" (or "-01" for ≥10 pages)
      const png = path.join(resultsDir, 'invoice-sample-1.png');
      expect(statSync(png).size).toBeGreaterThan(10_000);
    });
  });
});
