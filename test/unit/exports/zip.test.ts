import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { safeFileName, zipDocuments } from '../../../main/exports/zip';
import { toUbl } from '../../../main/exports/ubl';
import { toCii } from '../../../main/exports/cii';
import { toPdf } from '../../../main/exports/pdf';
import { scenarioDocuments } from './fixtures';

describe('zipDocuments', () => {
  it('packs UBL, CII and PDF of several documents; entries read back byte-identical', async () => {
    const docs = Object.values(scenarioDocuments()).slice(0, 3);
    const files: { name: string; data: Buffer | string }[] = [];
    for (const d of docs) {
      files.push({ name: `ubl/${d.number}.xml`, data: toUbl(d) });
      files.push({ name: `cii/${d.number}.xml`, data: toCii(d) });
      files.push({ name: `pdf/${d.number}.pdf`, data: await toPdf(d) });
    }
    const zip = await zipDocuments(files);
    expect(zip.subarray(0, 2).toString()).toBe('PK');
    const back = await JSZip.loadAsync(zip);
    const names = Object.values(back.files).filter((f) => !f.dir).map((f) => f.name).sort();
    expect(names).toEqual(files.map((f) => f.name).sort());
    expect(names).toContain('ubl/INV-2025-0001.xml');
    const pdf = await back.file('pdf/INV-2025-0002.pdf')!.async('nodebuffer');
    expect(pdf.equals(files[5]!.data as Buffer)).toBe(true);
    const xml = await back.file('cii/INV-2025-0003.xml')!.async('string');
    expect(xml).toBe(files[7]!.data);
  });

  it('renames duplicates and unsafe names instead of overwriting', async () => {
    const zip = await zipDocuments([
      { name: 'INV-1.xml', data: 'a' },
      { name: 'INV-1.xml', data: 'b' },
      { name: 'INV-1.xml', data: 'c' },
      { name: 'INV/2025:07.pdf', data: 'd' },
    ]);
    const back = await JSZip.loadAsync(zip);
    expect(await back.file('INV-1.xml')!.async('string')).toBe('a');
    expect(await back.file('INV-1 (2).xml')!.async('string')).toBe('b');
    expect(await back.file('INV-1 (3).xml')!.async('string')).toBe('c');
    expect(await back.file('INV/2025_07.pdf')!.async('string')).toBe('d');
    expect(safeFileName('a/b\\c:d*e?"f<g>h|')).toBe('a_b_c_d_e_f_g_h_');
    expect(safeFileName('..')).toBe('_');
  });

  it('is deterministic', async () => {
    const files = [{ name: 'x.txt', data: 'hello' }];
    expect((await zipDocuments(files)).equals(await zipDocuments(files))).toBe(true);
  });
});

describe('exportBatch', () => {
  it('exports every document in every format into one ZIP', async () => {
    const { exportBatch, exportFileName } = await import('../../../main/exports/index');
    const docs = Object.values(scenarioDocuments()).slice(0, 2);
    const back = await JSZip.loadAsync(await exportBatch(docs, ['pdf', 'ubl', 'cii']));
    expect(Object.keys(back.files).sort()).toEqual([
      'INV-2025-0001.cii.xml', 'INV-2025-0001.pdf', 'INV-2025-0001.ubl.xml',
      'INV-2025-0002.cii.xml', 'INV-2025-0002.pdf', 'INV-2025-0002.ubl.xml',
    ]);
    expect(await back.file('INV-2025-0002.ubl.xml')!.async('string')).toBe(toUbl(docs[1]!));
    expect(exportFileName({ number: 'RE/2025/7' }, 'pdf')).toBe('RE_2025_7.pdf');
  });
});
