/**
 * Tabular exports: golden CSV output of every table for a small ledger, XLSX read back with exceljs,
 * and the statement of account PDF (text via pdftotext, page 1 rendered to test-results/finance/).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { toCsv, toXlsx, type Sheet } from '../../../main/exports/tabular';
import { statementPdf } from '../../../main/exports/statement';
import { agingReport, openItemsAsOf } from '../../../shared/domain/finance/aging';
import {
  AGING_COLUMNS,
  columnsMarkdown,
  CREDIT_NOTE_COLUMNS,
  DEFERRED_REPORT_COLUMNS,
  INVOICE_COLUMNS,
  JOURNAL_COLUMNS,
  LINE_COLUMNS,
  PAYMENT_COLUMNS,
  SCHEDULE_COLUMNS,
  TABLES,
} from '../../../shared/domain/finance/columns';
import { deferredRevenueReport, recognitionSchedules } from '../../../shared/domain/finance/deferred';
import { buildJournal, DEFAULT_GL_MAPPING } from '../../../shared/domain/finance/journal';
import { buildStatement } from '../../../shared/domain/finance/statement';
import { agingRows, documentRows, journalRows, lineRows, paymentRows, scheduleRows } from '../../../shared/domain/finance/tables';
import { SELLER, BUYER_DE, BUYER_JP } from '../exports/fixtures';
import { hasCommand, repoRoot, resultsDir } from '../exports/helpers';
import { fdoc, fid, pay, smallLedger } from './fixtures';

const { docs, payments } = smallLedger();
const customer = () => ({ number: 'C-10042', name: 'Müller & Söhne Maschinenbau AG' });
const numberOf = (id: string) => docs.find((d) => d.id === id)?.doc.number;
const lines = (csv: string) => csv.replace(/^\uFEFF/, '').split('\r\n');
const ID = (n: number) => fid(n);
const M = 'Müller & Söhne Maschinenbau AG';

describe('CSV (golden)', () => {
  it('format: BOM, CRLF, header of keys, quoting only where needed', () => {
    const csv = toCsv(LINE_COLUMNS, lineRows([fdoc({ id: fid(9), number: 'Q-1', lines: [{ description: 'Seats, "pro"', quantity: '2', unitPrice: '9.90' }] })]));
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(toCsv(LINE_COLUMNS, [], { bom: false })).toBe(`${LINE_COLUMNS.map((c) => c.key).join(',')}\r\n`);
    expect(lines(csv)[1]).toBe(`${fid(9)},invoice,Q-1,2025-07-01,C-10042,EUR,1,1,"Seats, ""pro""",,2,C62,9.90,,19.80,S,19,,`);
  });

  it('invoices and credit notes: paid, credited and open as of the period end', () => {
    const rows = documentRows(docs, payments, '2025-03-31');
    expect(lines(toCsv(INVOICE_COLUMNS, rows.filter((r) => r.kind === 'invoice')))).toEqual([
      'document_id,number,status,issue_date,due_date,customer_id,customer_number,customer_name,customer_vat_id,customer_country,currency,service_period_start,service_period_end,net,tax,gross,paid,credited,open,buyer_reference,order_reference,subscription_id',
      `${ID(101)},INV-1,finalized,2025-01-15,2025-02-14,${ID(1)},C-10042,${M},DE987654321,DE,EUR,2025-01-01,2025-12-31,1200.00,228.00,1428.00,1428.00,0.00,0.00,PO-4711,,`,
      `${ID(102)},INV-2,finalized,2025-02-01,2025-03-03,${ID(1)},C-10042,${M},DE987654321,DE,EUR,,,500.00,95.00,595.00,200.00,119.00,276.00,PO-4711,,`,
      '',
    ]);
    expect(lines(toCsv(CREDIT_NOTE_COLUMNS, rows.filter((r) => r.kind === 'credit_note')))).toEqual([
      'document_id,number,status,issue_date,due_date,customer_id,customer_number,customer_name,customer_vat_id,customer_country,currency,service_period_start,service_period_end,net,tax,gross,paid,credited,open,buyer_reference,order_reference,subscription_id,corrects_number,corrects_issue_date',
      `${ID(103)},CN-1,finalized,2025-02-20,2025-03-06,${ID(1)},C-10042,${M},DE987654321,DE,EUR,,,100.00,19.00,119.00,0.00,119.00,0.00,PO-4711,,,INV-2,2025-02-01`,
      '',
    ]);
    // as of 2025-02-15 INV-2 is neither paid nor credited yet
    const early = documentRows(docs, payments, '2025-02-15').find((r) => r.number === 'INV-2')!;
    expect([early.paidMinor, early.creditedMinor, early.openMinor]).toEqual([0, 0, 59500]);
  });

  it('invoice lines and payments', () => {
    expect(lines(toCsv(LINE_COLUMNS, lineRows(docs)))).toEqual([
      'document_id,document_kind,document_number,issue_date,customer_number,currency,line_id,position,description,product_sku,quantity,unit_code,unit_price,discount,net,tax_category,tax_rate,period_start,period_end',
      `${ID(101)},invoice,INV-1,2025-01-15,C-10042,EUR,1,1,Annual licence,LIC-Y,1,ANN,1200.00,,1200.00,S,19,2025-01-01,2025-12-31`,
      `${ID(102)},invoice,INV-2,2025-02-01,C-10042,EUR,1,1,Onboarding,SVC-ONB,1,C62,500.00,,500.00,S,19,,`,
      `${ID(103)},credit_note,CN-1,2025-02-20,C-10042,EUR,1,1,Onboarding: goodwill,SVC-ONB,1,C62,100.00,,100.00,S,19,,`,
      '',
    ]);
    expect(lines(toCsv(PAYMENT_COLUMNS, paymentRows(payments, customer, numberOf)))).toEqual([
      'payment_id,reference,date,customer_id,customer_number,customer_name,currency,amount,method,allocated,unallocated,applied_to',
      `${ID(201)},BANK-0001,2025-02-10,${ID(1)},C-10042,${M},EUR,1428.00,bank_transfer,1428.00,0.00,INV-1`,
      `${ID(202)},BANK-0002,2025-03-15,${ID(1)},C-10042,${M},EUR,200.00,bank_transfer,200.00,0.00,INV-2`,
      '',
    ]);
  });

  it('GL journal', () => {
    expect(lines(toCsv(JOURNAL_COLUMNS, journalRows(buildJournal(docs, DEFAULT_GL_MAPPING))))).toEqual([
      'entry_id,date,document_kind,document_number,customer_number,customer_name,account,account_name,debit,credit,currency,tax_category,tax_rate,description',
      `${ID(101)},2025-01-15,invoice,INV-1,C-10042,${M},1200,Accounts receivable,1428.00,0.00,EUR,,,Invoice INV-1`,
      `${ID(101)},2025-01-15,invoice,INV-1,C-10042,${M},4000,Revenue,0.00,1200.00,EUR,S,19,Revenue`,
      `${ID(101)},2025-01-15,invoice,INV-1,C-10042,${M},2200,VAT payable,0.00,228.00,EUR,S,19,VAT S 19%`,
      `${ID(102)},2025-02-01,invoice,INV-2,C-10042,${M},1200,Accounts receivable,595.00,0.00,EUR,,,Invoice INV-2`,
      `${ID(102)},2025-02-01,invoice,INV-2,C-10042,${M},4000,Revenue,0.00,500.00,EUR,S,19,Revenue`,
      `${ID(102)},2025-02-01,invoice,INV-2,C-10042,${M},2200,VAT payable,0.00,95.00,EUR,S,19,VAT S 19%`,
      `${ID(103)},2025-02-20,credit_note,CN-1,C-10042,${M},1200,Accounts receivable,0.00,119.00,EUR,,,Credit note CN-1`,
      `${ID(103)},2025-02-20,credit_note,CN-1,C-10042,${M},4000,Revenue,100.00,0.00,EUR,S,19,Revenue`,
      `${ID(103)},2025-02-20,credit_note,CN-1,C-10042,${M},2200,VAT payable,19.00,0.00,EUR,S,19,VAT S 19%`,
      '',
    ]);
  });

  it('deferred revenue schedule and month-end report', () => {
    const sch = recognitionSchedules(docs);
    const schedule = lines(toCsv(SCHEDULE_COLUMNS, scheduleRows(sch)));
    expect(schedule[0]).toBe('document_number,document_kind,issue_date,customer_number,customer_name,line_id,description,currency,line_amount,service_start,service_end,month,recognition_start,recognition_end,days,recognised');
    expect(schedule.slice(1, 3)).toEqual([
      `INV-1,invoice,2025-01-15,C-10042,${M},1,Annual licence,EUR,1200.00,2025-01-01,2025-12-31,2025-01,2025-01-01,2025-01-31,31,101.99`,
      `INV-1,invoice,2025-01-15,C-10042,${M},1,Annual licence,EUR,1200.00,2025-01-01,2025-12-31,2025-02,2025-02-01,2025-02-28,28,92.12`,
    ]);
    expect(schedule.slice(12)).toEqual([
      `INV-1,invoice,2025-01-15,C-10042,${M},1,Annual licence,EUR,1200.00,2025-01-01,2025-12-31,2025-12,2025-12-01,2025-12-31,31,101.68`,
      `INV-2,invoice,2025-02-01,C-10042,${M},1,Onboarding,EUR,500.00,,,2025-02,2025-02-01,2025-02-01,1,500.00`,
      `CN-1,credit_note,2025-02-20,C-10042,${M},1,Onboarding: goodwill,EUR,-100.00,,,2025-02,2025-02-20,2025-02-20,1,-100.00`,
      '',
    ]);
    expect(lines(toCsv(DEFERRED_REPORT_COLUMNS, deferredRevenueReport(sch, '2025-01', '2025-03')))).toEqual([
      'month,month_end,currency,billed_to_date,recognised_in_month,recognised_to_date,deferred_balance',
      '2025-01,2025-01-31,EUR,1200.00,101.99,101.99,1098.01',
      '2025-02,2025-02-28,EUR,1600.00,492.12,594.11,1005.89',
      '2025-03,2025-03-31,EUR,1600.00,101.99,696.10,903.90',
      '',
    ]);
  });

  it('AR aging with a total row per currency; JPY without decimals', () => {
    const jpy = fdoc({ id: fid(60), customerId: fid(3), buyer: BUYER_JP, currency: 'JPY', number: 'INV-JP', issueDate: '2025-01-10', dueDate: '2025-02-09', lines: [{ description: 'x', quantity: '1', unitPrice: '79800', taxCategory: 'O' }] });
    const report = agingReport(openItemsAsOf([...docs, jpy], payments, '2025-04-15'), '2025-04-15');
    expect(lines(toCsv(AGING_COLUMNS, agingRows(report)))).toEqual([
      'as_of,customer_number,customer_name,currency,current,days_1_30,days_31_60,days_61_90,days_over_90,total',
      `2025-04-15,C-10042,${M},EUR,0.00,0.00,276.00,0.00,0.00,276.00`,
      '2025-04-15,C-50003,Sakura Systems K.K.,JPY,0,0,0,79800,0,79800',
      '2025-04-15,TOTAL,,EUR,0.00,0.00,276.00,0.00,0.00,276.00',
      '2025-04-15,TOTAL,,JPY,0,0,0,79800,0,79800',
      '',
    ]);
  });

  it('the column reference for the README lists every table and column once', () => {
    const md = columnsMarkdown();
    for (const t of TABLES) {
      expect(md).toContain(`(\`${t.name}.csv\`)`);
      expect(new Set(t.columns.map((c) => c.key)).size).toBe(t.columns.length);
    }
    expect(md).toContain('| `credited` | money |');
    // README "Exports" documents exactly these columns
    expect(readFileSync(path.join(repoRoot, 'README.md'), 'utf8')).toContain(md.trim());
  });
});

describe('XLSX', () => {
  it('typed cells read back with exceljs: numbers with currency formats, dates, text', async () => {
    const rows = documentRows(docs, payments, '2025-03-31');
    const jpyDoc = fdoc({ id: fid(61), customerId: fid(3), buyer: BUYER_JP, currency: 'JPY', number: 'INV-JP', issueDate: '2025-01-10', lines: [{ description: 'x', quantity: '1234.567', unitPrice: '0.35', taxCategory: 'O' }] });
    const buf = await toXlsx([
      { name: 'Invoices', columns: INVOICE_COLUMNS, rows: rows.filter((r) => r.kind === 'invoice') } as unknown as Sheet<never>,
      { name: 'Invoice lines', columns: LINE_COLUMNS, rows: lineRows([...docs, jpyDoc]) } as unknown as Sheet<never>,
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Invoices', 'Invoice lines']);
    const inv = wb.getWorksheet('Invoices')!;
    expect(inv.rowCount).toBe(3);
    expect(inv.getRow(1).getCell(2).value).toBe('Number');
    const header = (inv.getRow(1).values as unknown[]).slice(1);
    const col = (name: string) => header.indexOf(name) + 1;
    const r2 = inv.getRow(3);
    expect(r2.getCell(col('Number')).value).toBe('INV-2');
    expect(r2.getCell(col('Gross')).value).toBe(595);
    expect(r2.getCell(col('Open')).value).toBe(276);
    expect(r2.getCell(col('Open')).numFmt).toBe('#,##0.00;-#,##0.00');
    expect((r2.getCell(col('Issue date')).value as Date).toISOString()).toBe('2025-02-01T00:00:00.000Z');
    expect(r2.getCell(col('Service from')).value).toBe(null);
    const ln = wb.getWorksheet('Invoice lines')!;
    const lh = (ln.getRow(1).values as unknown[]).slice(1);
    // lines are in issue-date order: the JPY invoice of 2025-01-10 comes first
    const jp = ln.getRow(2);
    expect(jp.getCell(lh.indexOf('Document no.') + 1).value).toBe('INV-JP');
    expect(jp.getCell(lh.indexOf('Quantity') + 1).value).toBe(1234.567);
    expect(jp.getCell(lh.indexOf('Net') + 1).value).toBe(432);
    expect(jp.getCell(lh.indexOf('Net') + 1).numFmt).toBe('#,##0;-#,##0');
    expect(ln.getRow(1).font?.bold).toBe(true);
  });

  it('a decimal that a number cannot hold exactly stays text', async () => {
    const d = fdoc({ id: fid(62), number: 'INV-P', lines: [{ description: 'x', quantity: '12345678901234.123456789', unitPrice: '0.00000001' }] });
    const buf = await toXlsx([{ name: 'L', columns: LINE_COLUMNS, rows: lineRows([d]) } as unknown as Sheet<never>]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as any);
    const ws = wb.worksheets[0]!;
    const h = (ws.getRow(1).values as unknown[]).slice(1);
    expect(ws.getRow(2).getCell(h.indexOf('Quantity') + 1).value).toBe('12345678901234.123456789');
    expect(ws.getRow(2).getCell(h.indexOf('Unit price') + 1).value).toBe(1e-8);
  });
});

// ------------------------------------------------------------------------------------------------

const poppler = hasCommand('pdftotext', ['-v']) && hasCommand('pdftoppm', ['-v']);
if (!poppler) console.warn('[finance] statement PDF text/render checks skipped: pdftotext/pdftoppm not found (apt-get install poppler-utils)');

describe('statement of account PDF', () => {
  const outDir = path.join(resultsDir, 'finance');

  it.skipIf(!poppler)('prints balances, transactions, aging and open items; long statements page-break', async () => {
    mkdirSync(outDir, { recursive: true });
    const s = buildStatement({ customer: { id: fid(1), ...customer() }, currency: 'EUR', from: '2025-02-01', to: '2025-04-30', documents: docs, payments });
    const pdf = await statementPdf({ statement: s, seller: SELLER, buyer: BUYER_DE });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const file = path.join(outDir, 'statement.pdf');
    writeFileSync(file, pdf);
    const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout;
    for (const s2 of ['STATEMENT OF ACCOUNT', 'Müller & Söhne Maschinenbau AG', 'C-10042', 'Opening balance', '1,428.00', 'INV-2', 'BANK-0001', 'CN-1', 'corrects INV-2', 'Closing balance 30 Apr 2025', '€276.00', '31–60 days', 'Page 1 of 1']) {
      expect(text).toContain(s2);
    }
    spawnSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', file, path.join(outDir, 'statement')]);

    // 80 invoices and payments → several pages with the table header repeated
    const many = Array.from({ length: 80 }, (_, i) => {
      const day = `2025-${String(1 + Math.floor(i / 28)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
      return fdoc({ id: fid(3000 + i), customerId: fid(1), number: `INV-L${i}`, issueDate: day, dueDate: day, lines: [{ description: 'Usage', quantity: '1', unitPrice: `${10 + i}.00` }] });
    });
    const pays = many.filter((_, i) => i % 2 === 0).map((d, i) => pay({ id: fid(4000 + i), customerId: fid(1), documentId: d.id, date: d.doc.issueDate, amountMinor: d.doc.totals.grossMinor }));
    const long = buildStatement({ customer: { id: fid(1), ...customer() }, currency: 'EUR', from: '2025-01-01', to: '2025-03-31', documents: many, payments: pays });
    const longPdf = await statementPdf({ statement: long, seller: SELLER, buyer: BUYER_DE });
    const longFile = path.join(outDir, 'statement-long.pdf');
    writeFileSync(longFile, longPdf);
    const longText = spawnSync('pdftotext', ['-layout', longFile, '-'], { encoding: 'utf8' }).stdout;
    const pages = Number(/Page 1 of (\d+)/.exec(longText)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(longText.match(/Reference\s+Description/g)!.length).toBeGreaterThanOrEqual(pages - 1);
    expect(long.closingBalanceMinor).toBe(long.openItems.reduce((t, i) => t + i.openMinor, 0));
    spawnSync('pdftoppm', ['-png', '-r', '60', longFile, path.join(outDir, 'statement-long')]);
  });

  it.skipIf(!poppler)('Helvetica fallback writes currency codes', async () => {
    const s = buildStatement({ customer: { id: fid(1), ...customer() }, currency: 'EUR', from: '2025-01-01', to: '2025-01-31', documents: [fdoc({ id: fid(70), number: 'X', issueDate: '2025-01-05', lines: [{ description: 'x', quantity: '1', unitPrice: '1.00' }] })], payments: [] });
    const pdf = await statementPdf({ statement: s, seller: SELLER, buyer: BUYER_DE }, { fonts: null });
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, 'statement-helvetica.pdf');
    writeFileSync(file, pdf);
    const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout;
    expect(text).toContain('EUR 1.19');
    expect(text).not.toContain('€');
  });
});
