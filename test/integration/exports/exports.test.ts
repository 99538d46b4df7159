/**
 * Finance exports end to end: customers, plans and subscriptions created through the operations, billed
 * month by month on a manual clock, paid and credited; then every export format is run and its content
 * checked (CSV parsed, XLSX read back with exceljs, UBL/CII of the billed invoices validated with
 * ../shared/einvoice/validate.sh when it is available), the journal refusal, jobs with progress events,
 * the web download route and the CLI.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../main/services/backend';
import { ManualClock } from '../../../main/platform/clock';
import { startWebServer } from '../../../main/server/http';
import { runCli } from '../../../main/cli/index';
import { settleExports } from '../../../main/services/exports/index';
import type { ExportJob, ExportRunInput } from '../../../shared/api/ops/exports';
import type { InvoiceSummary } from '../../../shared/api/ops/invoices';
import { runValidator, validatorMissing } from '../../unit/exports/helpers';

const at = (date: string) => `${date}T06:00:00.000Z`;
const FROM = '2025-01-01';
const TO = '2025-03-31';

let dir: string;
let out: string;
let clock: ManualClock;
let b: Backend;
const plans: Record<string, string> = {};
const cust: Record<'a' | 'b' | 'fr', { id: string; number: string }> = {} as never;
let invoices: InvoiceSummary[] = [];
let frFeb: InvoiceSummary;
let creditNote: InvoiceSummary;

type RunInput = Partial<ExportRunInput> & Pick<ExportRunInput, 'type' | 'format'>;
const run = (input: RunInput) => b.call('exports.run', { from: FROM, to: TO, outDir: out, wait: true, ...input } as never) as Promise<ExportJob>;
const read = (p: string) => fs.readFileSync(p, 'utf8').replace(/^\uFEFF/, '');
const csvRecords = (p: string) => parse(read(p), { columns: true }) as Record<string, string>[];
const setting = (key: string, value: unknown) =>
  b.base.raw.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));

async function runBilling(date: string) {
  clock.set(at(date));
  const r = await b.call('billing.run', { wait: true });
  if (r.run?.status !== 'completed') throw new Error(`billing run ${r.run?.status}: ${r.run?.error}`);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-exports-'));
  out = path.join(dir, 'out');
  clock = new ManualClock(at(FROM));
  b = await createBackend({ dataDir: path.join(dir, 'data'), clock, mode: 'test' });
  await b.call('settings.update', { companyName: 'Cadence Test GmbH', companyCountry: 'DE' });
  setting('companyVatId', 'DE123456789');
  setting('companyAddress', { line1: 'Friedrichstraße 123', city: 'Berlin', postalCode: '10117', country: 'DE' });
  await b.call('billing.updateSettings', { graceHours: 0, dunningGraceDays: 3650 });
  const core = await b.call('products.create', { sku: 'CORE', name: 'Core platform', unit: 'seat' });
  const training = await b.call('products.create', { sku: 'TRAIN', name: 'Training', unit: 'month' });
  const plan = async (code: string, productId: string, interval: 'month' | 'year', model: Record<string, unknown>) => {
    plans[code] = (await b.call('plans.create', { productId, code, name: code, interval, prices: [{ currency: 'EUR', model: model as never }] })).id;
  };
  await plan('BASIC-M', core.id, 'month', { type: 'flat', price: '30' });
  await plan('SEAT-M', core.id, 'month', { type: 'per_unit', unitPrice: '10' });
  await plan('ANNUAL', core.id, 'year', { type: 'flat', price: '1200' });
  await plan('TRAIN-M', training.id, 'month', { type: 'flat', price: '60' });
  const customer = async (key: 'a' | 'b' | 'fr', over: Record<string, unknown>) => {
    const c = await b.call('customers.create', {
      country: 'DE', currency: 'EUR', paymentTermsDays: 14, billingAddress: { line1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' }, ...over,
    } as never);
    cust[key] = { id: c.id, number: c.number };
  };
  await customer('a', { name: 'Alpha Maschinenbau GmbH', email: 'ap@alpha.example' });
  await customer('b', { name: 'Beta Logistik AG', email: 'ap@beta.example' });
  await customer('fr', { name: 'Société Exemple SARL', email: 'compta@exemple.example', country: 'FR', vatId: 'FR12345678901', taxStatus: 'reverse_charge_eligible', billingAddress: { line1: '12 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' } });
  await b.call('subscriptions.create', { customerId: cust.a.id, items: [{ planId: plans['BASIC-M']! }, { planId: plans['SEAT-M']!, quantity: '5', addon: true }], buyerReference: 'PO-ALPHA' });
  await b.call('subscriptions.create', { customerId: cust.b.id, items: [{ planId: plans['ANNUAL']! }], buyerReference: 'PO-BETA' });
  await b.call('subscriptions.create', { customerId: cust.fr.id, items: [{ planId: plans['TRAIN-M']! }], buyerReference: 'BC-17' });

  await runBilling('2025-01-01');
  clock.set(at('2025-01-10'));
  const list = async () => (await b.call('invoices.list', { limit: 1000, sortBy: 'number', kind: 'invoice', status: ['finalized', 'paid', 'partially_paid'] })).items;
  const janA = (await list()).find((i) => i.customerId === cust.a.id)!;
  await b.call('payments.record', { invoiceId: janA.id, amountMinor: janA.grossMinor, paidOn: '2025-01-10', reference: 'BANK-A-01' });
  await runBilling('2025-02-01');
  clock.set(at('2025-02-15'));
  const annual = (await list()).find((i) => i.customerId === cust.b.id)!;
  await b.call('payments.record', { invoiceId: annual.id, amountMinor: 71400, paidOn: '2025-02-15', reference: 'BANK-B-01' });
  clock.set(at('2025-02-20'));
  frFeb = (await list()).find((i) => i.customerId === cust.fr.id && i.issueDate === '2025-02-01')!;
  const cn = await b.call('invoices.createCreditNote', { invoiceId: frFeb.id, reason: 'Training cancelled' });
  await runBilling('2025-03-01');
  clock.set(at('2025-04-02'));
  invoices = (await b.call('invoices.list', { limit: 1000, sortBy: 'number', status: ['finalized', 'paid', 'partially_paid'] })).items;
  creditNote = invoices.find((i) => i.id === cn.id)!;
}, 120_000);

afterAll(async () => {
  await b?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the billed period', () => {
  it('has 3 customers × 3 months of invoices (annual billed once) and one credit note', () => {
    const inv = invoices.filter((i) => i.kind === 'invoice');
    expect(inv.map((i) => [i.customerId === cust.a.id ? 'a' : i.customerId === cust.b.id ? 'b' : 'fr', i.issueDate, i.grossMinor])).toEqual(
      expect.arrayContaining([
        ['a', '2025-01-01', 9520], ['b', '2025-01-01', 142800], ['fr', '2025-01-01', 6000],
        ['a', '2025-02-01', 9520], ['fr', '2025-02-01', 6000],
        ['a', '2025-03-01', 9520], ['fr', '2025-03-01', 6000],
      ]),
    );
    expect(inv).toHaveLength(7);
    expect(creditNote).toMatchObject({ kind: 'credit_note', issueDate: '2025-02-20', grossMinor: 6000, precedingInvoiceId: frFeb.id });
  });
});

describe('documents', () => {
  it('one PDF per invoice and credit note; ZIP with PDF + UBL + CII', async () => {
    const pdf = await run({ type: 'documents', format: 'pdf', outDir: path.join(out, 'pdf') });
    expect(pdf.status).toBe('done');
    expect(pdf.files).toHaveLength(8);
    expect(pdf.files.map((f) => f.name).sort()).toEqual(invoices.map((i) => `${i.number}.pdf`).sort());
    expect(fs.readFileSync(pdf.files[0]!.path!).subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.summary).toBe('7 invoices, 1 credit note as PDF, 2025-01-01 – 2025-03-31');

    const zip = await run({ type: 'documents', format: 'zip' });
    expect(zip.files.map((f) => f.name)).toEqual(['documents_2025-01-01_2025-03-31.zip']);
    const z = await JSZip.loadAsync(fs.readFileSync(zip.files[0]!.path!));
    const names = Object.keys(z.files).sort();
    expect(names).toHaveLength(24);
    expect(names).toContain(`${creditNote.number}.ubl.xml`);
    const cnXml = await z.file(`${creditNote.number}.ubl.xml`)!.async('string');
    expect(cnXml).toContain('<CreditNote');
    expect(cnXml).toContain(`<cbc:ID>${frFeb.number}</cbc:ID>`);

    // a shorter period and one customer
    const feb = await run({ type: 'documents', format: 'ubl', from: '2025-02-01', to: '2025-02-28', customerId: cust.fr.id, outDir: path.join(out, 'feb') });
    expect(feb.files.map((f) => f.name).sort()).toEqual([`${creditNote.number}.ubl.xml`, `${frFeb.number}.ubl.xml`].sort());
  });

  const missing = validatorMissing();
  if (missing) console.warn(`[exports] EN 16931 validation of billed invoices skipped: ${missing}`);
  it.skipIf(!!missing)('UBL and CII of the billed invoices and the credit note pass the EN 16931 rules', async () => {
    const ubl = await run({ type: 'documents', format: 'ubl', outDir: path.join(out, 'validate') });
    const cii = await run({ type: 'documents', format: 'cii', outDir: path.join(out, 'validate') });
    const files = [...ubl.files, ...cii.files].map((f) => f.path!);
    expect(files).toHaveLength(16);
    const r = runValidator(files);
    for (const f of files) {
      const v = r.byFile.get(f);
      expect(v, `no verdict for ${f}:\n${r.output.slice(0, 2000)}`).toBeDefined();
      expect(v!.fatal, `${path.basename(f)}:\n${v!.findings.join('\n')}`).toBe(0);
    }
  }, 180_000);
});

describe('tables', () => {
  it('CSV: invoices, lines, credit notes and payments with paid / credited / open at the period end', async () => {
    const job = await run({ type: 'tables', format: 'csv' });
    expect(job.files.map((f) => f.name)).toEqual([
      'invoices_2025-01-01_2025-03-31.csv', 'invoice_lines_2025-01-01_2025-03-31.csv', 'credit_notes_2025-01-01_2025-03-31.csv', 'payments_2025-01-01_2025-03-31.csv',
    ]);
    expect(fs.readFileSync(job.files[0]!.path!).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const [inv, lines, cns, pays] = job.files.map((f) => csvRecords(f.path!));
    expect(inv).toHaveLength(7);
    const byNumber = new Map(invoices.map((i) => [i.number, i]));
    for (const r of inv!) {
      const i = byNumber.get(r.number!)!;
      expect(r.gross).toBe((i.grossMinor / 100).toFixed(2));
      expect(r.customer_id).toBe(i.customerId);
    }
    const annual = inv!.find((r) => r.customer_id === cust.b.id)!;
    expect([annual.net, annual.tax, annual.gross, annual.paid, annual.credited, annual.open, annual.status]).toEqual(['1200.00', '228.00', '1428.00', '714.00', '0.00', '714.00', 'partially_paid']);
    expect([annual.service_period_start, annual.service_period_end, annual.buyer_reference]).toEqual(['2025-01-01', '2025-12-31', 'PO-BETA']);
    const feb = inv!.find((r) => r.number === frFeb.number)!;
    expect([feb.gross, feb.paid, feb.credited, feb.open]).toEqual(['60.00', '0.00', '60.00', '0.00']);
    expect(cns).toHaveLength(1);
    expect(cns![0]).toMatchObject({ number: creditNote.number, corrects_number: frFeb.number, gross: '60.00', credited: '60.00', open: '0.00' });
    // lines: A has 2 per month, B 1, FR 1 per month, credit note 1
    expect(lines).toHaveLength(3 * 2 + 1 + 3 + 1);
    const seats = lines!.find((l) => l.customer_number === cust.a.number && l.quantity === '5')!;
    expect([seats.unit_price, seats.net, seats.tax_category, seats.tax_rate, seats.period_start, seats.period_end]).toEqual(['10', '50.00', 'S', '19', '2025-01-01', '2025-01-31']);
    expect(lines!.filter((l) => l.tax_category === 'AE')).toHaveLength(4);
    expect(pays!.map((p) => [p.reference, p.date, p.amount, p.customer_number])).toEqual([
      ['BANK-A-01', '2025-01-10', '95.20', cust.a.number],
      ['BANK-B-01', '2025-02-15', '714.00', cust.b.number],
    ]);
  });

  it('XLSX: the same four tables as typed sheets', async () => {
    const job = await run({ type: 'tables', format: 'xlsx' });
    expect(job.files.map((f) => [f.name, f.mediaType])).toEqual([['finance_2025-01-01_2025-03-31.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(job.files[0]!.path!);
    expect(wb.worksheets.map((w) => [w.name, w.rowCount])).toEqual([['Invoices', 8], ['Invoice lines', 12], ['Credit notes', 2], ['Payments', 3]]);
    const ws = wb.getWorksheet('Invoices')!;
    const h = (ws.getRow(1).values as unknown[]).slice(1);
    const rows = Array.from({ length: 7 }, (_, i) => ws.getRow(i + 2));
    const annual = rows.find((r) => r.getCell(h.indexOf('Customer id') + 1).value === cust.b.id)!;
    expect(annual.getCell(h.indexOf('Gross') + 1).value).toBe(1428);
    expect(annual.getCell(h.indexOf('Open') + 1).value).toBe(714);
    expect((annual.getCell(h.indexOf('Issue date') + 1).value as Date).toISOString().slice(0, 10)).toBe('2025-01-01');
    const total = rows.reduce((s, r) => s + Math.round((r.getCell(h.indexOf('Gross') + 1).value as number) * 100), 0);
    expect(total).toBe(invoices.filter((i) => i.kind === 'invoice').reduce((s, i) => s + i.grossMinor, 0));
  });
});

describe('GL journal', () => {
  it('balanced entries per document: receivable, revenue per account and rate, VAT', async () => {
    await b.call('exports.setGlMapping', {
      receivable: '1400', revenueDefault: '8400', revenueByProduct: { TRAIN: '8338' }, revenueByCategory: {}, taxByRate: { '19': '1776' }, taxDefault: '1770',
      accountNames: { '1400': 'Forderungen aLuL', '8400': 'Erlöse 19 % USt', '8338': 'Erlöse §13b UStG', '1776': 'Umsatzsteuer 19 %' },
    });
    const job = await run({ type: 'journal', format: 'csv' });
    expect(job.summary).toMatch(/^8 journal entries \(\d+ postings\), balanced, 2025-01-01 – 2025-03-31$/);
    const rows = csvRecords(job.files[0]!.path!);
    const cents = (s: string) => Math.round(Number(s) * 100);
    expect(rows.reduce((s, r) => s + cents(r.debit!), 0)).toBe(rows.reduce((s, r) => s + cents(r.credit!), 0));
    const byAccount = (acc: string, side: 'debit' | 'credit') => rows.filter((r) => r.account === acc).reduce((s, r) => s + cents(r[side]!), 0);
    // receivables: 7 invoices debit, the credit note credit
    expect(byAccount('1400', 'debit')).toBe(3 * 9520 + 142800 + 3 * 6000);
    expect(byAccount('1400', 'credit')).toBe(6000);
    expect(byAccount('8338', 'credit') - byAccount('8338', 'debit')).toBe(2 * 6000); // 3 training months − 1 credited
    expect(byAccount('8400', 'credit')).toBe(3 * 8000 + 120000);
    expect(byAccount('1776', 'credit')).toBe(3 * 1520 + 22800);
    const cn = rows.filter((r) => r.document_number === creditNote.number);
    expect(cn.map((r) => [r.account, r.account_name, r.debit, r.credit, r.tax_category])).toEqual([
      ['1400', 'Forderungen aLuL', '0.00', '60.00', ''],
      ['8338', 'Erlöse §13b UStG', '60.00', '0.00', 'AE'],
    ]);
    const preview = await b.call('reports.journal', { from: FROM, to: TO });
    expect(preview.balanced).toBe(true);
    expect(preview.entries).toHaveLength(8);
    expect(preview.totals).toEqual([{ currency: 'EUR', debitMinor: 195360, creditMinor: 195360 }]); // 189360 invoiced + 6000 credit note
  });

  it('refuses to export an unbalanced journal, naming the entry', async () => {
    const victim = invoices.find((i) => i.customerId === cust.a.id && i.issueDate === '2025-03-01')!;
    const raw = b.base.raw;
    raw.prepare('UPDATE invoices SET gross_minor = gross_minor + 1 WHERE id = ?').run(victim.id);
    try {
      const before = (await b.call('exports.list', {})).length;
      const err = await run({ type: 'journal', format: 'csv' }).then(() => null, (e) => e);
      expect(err).toMatchObject({ code: 'CONFLICT' });
      expect(err.message).toContain(`The journal does not balance, nothing was exported: ${victim.number}: debits 95.21 ≠ credits 95.20 EUR`);
      expect(err.details.unbalanced).toEqual([{ entryId: victim.id, documentNumber: victim.number, currency: 'EUR', debitMinor: 9521, creditMinor: 9520 }]);
      expect((await b.call('exports.list', {})).length).toBe(before);
      expect((await b.call('reports.journal', { from: FROM, to: TO })).balanced).toBe(false);
    } finally {
      raw.prepare('UPDATE invoices SET gross_minor = gross_minor - 1 WHERE id = ?').run(victim.id);
    }
  });
});

describe('deferred revenue', () => {
  it('schedule sums to each line; month-end report: only the annual licence is deferred at 31 March', async () => {
    const job = await run({ type: 'deferred', format: 'csv' });
    const [schedule, report] = job.files.map((f) => csvRecords(f.path!));
    expect(job.files.map((f) => f.name)).toEqual(['deferred_schedule_2025-01-01_2025-03-31.csv', 'deferred_report_2025-01_2025-03.csv']);
    const annual = schedule!.filter((r) => r.customer_number === cust.b.number);
    expect(annual).toHaveLength(12);
    expect(annual.reduce((s, r) => s + Math.round(Number(r.recognised) * 100), 0)).toBe(120000);
    // 1200.00 over 365 days: 3.29 for the first 280 days, then 3.28
    expect(annual.slice(0, 3).map((r) => [r.month, r.days, r.recognised])).toEqual([['2025-01', '31', '101.99'], ['2025-02', '28', '92.12'], ['2025-03', '31', '101.99']]);
    expect(report!.map((r) => [r.month, r.billed_to_date, r.recognised_in_month, r.recognised_to_date, r.deferred_balance])).toEqual([
      ['2025-01', '1340.00', '241.99', '241.99', '1098.01'], // 80.00 + 1200.00 + 60.00 billed; 80 + 60 + 31 days of the licence recognised
      ['2025-02', '1420.00', '172.12', '414.11', '1005.89'], // + 80.00 + 60.00 − 60.00 credit note (for February)
      ['2025-03', '1560.00', '241.99', '656.10', '903.90'],
    ]);
    const r = await b.call('reports.deferredRevenue', { month: '2025-03' });
    expect(r.months.at(-1)).toMatchObject({ month: '2025-03', deferredMinor: 90390, recognisedToDateMinor: 65610 });
    expect(r.byCustomer.filter((c) => c.deferredMinor !== 0)).toEqual([
      { customerId: cust.b.id, customerNumber: cust.b.number, customerName: 'Beta Logistik AG', currency: 'EUR', billedToDateMinor: 120000, recognisedToDateMinor: 29610, deferredMinor: 90390 },
    ]);
  });

  it('XLSX with both sheets', async () => {
    const job = await run({ type: 'deferred', format: 'xlsx' });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(job.files[0]!.path!);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Month-end report', 'Schedule']);
    expect(wb.getWorksheet('Month-end report')!.getRow(4).getCell(7).value).toBe(903.9);
  });
});

describe('accounts receivable', () => {
  it('aging buckets as of 31 March per customer and in total', async () => {
    const r = await b.call('reports.arAging', { asOf: TO, includeItems: true });
    const row = (id: string) => r.rows.find((x) => x.customerId === id)!;
    // A: Feb 95.20 due 02-15 (44 days) and Mar 95.20 due 03-15 (16 days); Jan paid
    expect(row(cust.a.id).buckets).toEqual({ current: 0, d1_30: 9520, d31_60: 9520, d61_90: 0, d90_plus: 0 });
    // B: 714.00 of the annual invoice due 01-15 (75 days)
    expect(row(cust.b.id).buckets).toEqual({ current: 0, d1_30: 0, d31_60: 0, d61_90: 71400, d90_plus: 0 });
    // FR: Jan 60.00 (75 days), Feb credited in full, Mar 60.00 (16 days)
    expect(row(cust.fr.id).buckets).toEqual({ current: 0, d1_30: 6000, d31_60: 0, d61_90: 6000, d90_plus: 0 });
    expect(row(cust.fr.id).items!.map((i) => i.number)).not.toContain(frFeb.number);
    expect(r.totals).toEqual([{ currency: 'EUR', buckets: { current: 0, d1_30: 15520, d31_60: 9520, d61_90: 77400, d90_plus: 0 }, totalMinor: 102440 }]);
    // on 2025-01-14 nothing is overdue yet
    const early = await b.call('reports.arAging', { asOf: '2025-01-14' });
    expect(early.totals[0]!.buckets).toEqual({ current: 142800 + 6000, d1_30: 0, d31_60: 0, d61_90: 0, d90_plus: 0 });

    const job = await run({ type: 'aging', format: 'csv', asOf: TO });
    const rows = csvRecords(job.files[0]!.path!);
    expect(rows.at(-1)).toEqual({ as_of: TO, customer_number: 'TOTAL', customer_name: '', currency: 'EUR', current: '0.00', days_1_30: '155.20', days_31_60: '95.20', days_61_90: '774.00', days_over_90: '0.00', total: '1024.40' });
  });

  it('statement of account PDF for a customer', async () => {
    const s = await b.call('reports.statement', { customerId: cust.fr.id, from: '2025-02-01', to: TO });
    expect(s.openingBalanceMinor).toBe(6000);
    expect(s.lines.map((l) => [l.date, l.kind, l.debitMinor, l.creditMinor, l.balanceMinor])).toEqual([
      ['2025-02-01', 'invoice', 6000, 0, 12000],
      ['2025-02-20', 'credit_note', 0, 6000, 6000],
      ['2025-03-01', 'invoice', 6000, 0, 12000],
    ]);
    expect(s.closingBalanceMinor).toBe(12000);
    const job = await run({ type: 'statement', format: 'pdf', customerId: cust.fr.id, from: '2025-02-01' });
    expect(job.files.map((f) => f.name)).toEqual([`statement_${cust.fr.number}_2025-02-01_2025-03-31.pdf`]);
    expect(fs.readFileSync(job.files[0]!.path!).subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('jobs, downloads and single documents', () => {
  it('runs in the background with progress events; status, list and download', async () => {
    const progress: { done: number; total: number }[] = [];
    const offP = b.events.on('export.progress', (p) => progress.push(p as never));
    const finished = new Promise<{ jobId: string; status: string }>((resolve) => {
      const off = b.events.on('export.finished', (p) => {
        off();
        resolve(p as never);
      });
    });
    const job = await b.call('exports.run', { type: 'documents', format: 'zip', from: FROM, to: TO, documentFormats: ['pdf'] });
    expect(job.status).toBe('running');
    expect(job.total).toBe(8);
    expect(job.files).toEqual([]);
    const fin = await finished;
    offP();
    expect(fin).toMatchObject({ jobId: job.jobId, status: 'done' });
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const done = await b.call('exports.status', { jobId: job.jobId });
    expect(done).toMatchObject({ status: 'done', done: 8, total: 8, error: null });
    expect(done.files[0]).toMatchObject({ name: 'documents_2025-01-01_2025-03-31.zip', mediaType: 'application/zip', path: null });
    const list = await b.call('exports.list', { limit: 5 });
    expect(list[0]!.jobId).toBe(job.jobId);
    const dl = await b.call('exports.download', { fileId: done.files[0]!.fileId });
    expect(dl.size).toBe(done.files[0]!.size);
    const z = await JSZip.loadAsync(Buffer.from(dl.base64, 'base64'));
    expect(Object.keys(z.files)).toHaveLength(8);

    // web mode: GET /api/download/<fileId> behind the token
    const web = await startWebServer({ backend: b, staticDir: path.join(dir, 'none') });
    try {
      const url = `http://127.0.0.1:${web.port}/api/download/${done.files[0]!.fileId}`;
      expect((await fetch(url)).status).toBe(401);
      const r = await fetch(url, { headers: { Authorization: `Bearer ${web.token}` } });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/zip');
      expect(r.headers.get('content-disposition')).toContain('attachment; filename="documents_2025-01-01_2025-03-31.zip"');
      expect(Buffer.from(await r.arrayBuffer()).equals(Buffer.from(dl.base64, 'base64'))).toBe(true);
      const missing = await fetch(`http://127.0.0.1:${web.port}/api/download/00000000-0000-7000-8000-000000000000`, { headers: { Authorization: `Bearer ${web.token}` } });
      expect(missing.status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${web.port}/api/download/..%2F..%2Fetc`, { headers: { Authorization: `Bearer ${web.token}` } })).status).toBe(422);
    } finally {
      await web.close();
    }
  });

  it('outDir is refused outside the CLI; invalid type/format combinations are validation errors', async () => {
    const app = await createBackend({ dataDir: path.join(dir, 'app'), inMemory: true, clock, mode: 'web' });
    try {
      const r = await app.invoke('exports.run', { type: 'aging', format: 'csv', outDir: '/tmp' });
      expect(r.ok ? null : r.error).toMatchObject({ code: 'VALIDATION', message: 'outDir: is only available from the CLI; the app downloads the files instead' });
    } finally {
      await app.close();
    }
    const bad = await b.invoke('exports.run', { type: 'journal', format: 'pdf' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ code: 'VALIDATION', message: 'Invalid format: journal exports are csv, xlsx' });
    const noCustomer = await b.invoke('exports.run', { type: 'statement', format: 'pdf' });
    expect(noCustomer.ok || noCustomer.error.details?.fields?.[0]?.path).toBe('customerId');
  });

  it('invoices.pdf / ubl / cii return the document of one invoice', async () => {
    const inv = invoices.find((i) => i.customerId === cust.fr.id)!;
    const ubl = await b.call('invoices.ubl', { id: inv.id });
    expect(ubl).toMatchObject({ name: `${inv.number}.ubl.xml`, mediaType: 'application/xml', fileId: null });
    const xml = Buffer.from(ubl.base64, 'base64').toString('utf8');
    expect(xml).toContain(`<cbc:ID>${inv.number}</cbc:ID>`);
    expect(xml).toContain('VATEX-EU-AE');
    const cii = await b.call('invoices.cii', { id: inv.id });
    expect(Buffer.from(cii.base64, 'base64').toString('utf8')).toContain('<rsm:CrossIndustryInvoice');
    const pdf = await b.call('invoices.pdf', { id: inv.id, locale: 'de' });
    expect(Buffer.from(pdf.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    const none = await b.invoke('invoices.pdf', { id: '00000000-0000-7000-8000-000000000000' });
    expect(none.ok ? null : none.error.code).toBe('NOT_FOUND');
  });

  it('GL mapping round trip and validation', async () => {
    const m = await b.call('exports.glMapping', {});
    expect(m.receivable).toBe('1400');
    const bad = await b.invoke('exports.setGlMapping', { ...m, taxByRate: { nineteen: '1776' } });
    expect(bad.ok ? null : bad.error.code).toBe('VALIDATION');
  });
});

describe('CLI', () => {
  it('export journal / csv / pdf --zip / deferred / aging / statement print what they wrote', async () => {
    await settleExports(b.base);
    await b.close();
    const data = path.join(dir, 'data');
    const cliOut = path.join(dir, 'cli');
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (lines.push(String(s)), true)) as typeof process.stdout.write;
    const cli = async (...args: string[]) => {
      lines.length = 0;
      const code = await runCli(['export', ...args, '--data', data, '--out', cliOut, '--now', '2025-04-02']);
      return { code, text: lines.join('') };
    };
    try {
      const j = await cli('journal', '--from', FROM, '--to', TO);
      expect(j.code).toBe(0);
      expect(j.text).toContain(`wrote ${path.join(cliOut, 'journal_2025-01-01_2025-03-31.csv')}`);
      expect(j.text).toMatch(/8 journal entries \(\d+ postings\), balanced, 2025-01-01 – 2025-03-31: 1 file/);
      const c = await cli('csv', '--from', FROM, '--to', TO);
      expect(c.text.match(/^wrote /gm)).toHaveLength(4);
      const z = await cli('pdf', '--zip', '--from', '2025-03-01', '--to', TO);
      expect(z.text).toContain('documents_2025-03-01_2025-03-31.zip');
      expect(z.text).toContain('2 invoices, 0 credit notes as PDF in a ZIP'); // A and FR; the annual invoice was in January
      const d = await cli('deferred', '--from', FROM, '--to', TO);
      expect(d.text).toContain('deferred_report_2025-01_2025-03.csv');
      const a = await cli('aging', '--as-of', TO, '--xlsx');
      expect(a.text).toContain(`wrote ${path.join(cliOut, 'ar_aging_2025-03-31.xlsx')}`);
      const s = await cli('statement', '--customer', cust.a.number, '--from', FROM, '--to', TO);
      expect(s.text).toContain(`statement_${cust.a.number}_2025-01-01_2025-03-31.pdf`);
      expect(fs.existsSync(path.join(cliOut, `statement_${cust.a.number}_2025-01-01_2025-03-31.pdf`))).toBe(true);
      await expect(runCli(['export', 'journal', '--data', data])).rejects.toThrow(/--out DIR is required/);
      await expect(runCli(['export', 'nonsense', '--data', data, '--out', cliOut])).rejects.toThrow(/one of pdf, ubl, cii, zip/);
    } finally {
      process.stdout.write = write;
    }
  }, 60_000);
});
