/** AR aging: bucket boundaries, open amounts as of a date, credit notes and the statement. */
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../shared/domain/billing/dates';
import { agingReport, bucketOf, daysPastDue, openItemsAsOf } from '../../../shared/domain/finance/aging';
import { buildStatement } from '../../../shared/domain/finance/statement';
import { BUYER_FR } from '../exports/fixtures';
import { fdoc, fid, pay, smallLedger } from './fixtures';

describe('aging buckets at the boundaries', () => {
  const due = '2025-03-31';
  const cases: [number, string][] = [
    [-5, 'current'],
    [0, 'current'],
    [1, 'd1_30'],
    [30, 'd1_30'],
    [31, 'd31_60'],
    [60, 'd31_60'],
    [61, 'd61_90'],
    [90, 'd61_90'],
    [91, 'd90_plus'],
    [400, 'd90_plus'],
  ];
  it.each(cases)('%i days past due → %s', (days, bucket) => {
    const asOf = addDays(due, days);
    expect(daysPastDue(due, asOf)).toBe(days);
    expect(bucketOf(days)).toBe(bucket);
    // through the whole pipeline: one invoice of 119.00 due on 2025-03-31
    const inv = fdoc({ id: fid(1), number: 'INV-B', issueDate: '2025-03-01', dueDate: due, lines: [{ description: 'x', quantity: '1', unitPrice: '100.00' }] });
    const items = openItemsAsOf([inv], [], asOf);
    if (asOf < '2025-03-01') return void expect(items).toEqual([]);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ number: 'INV-B', openMinor: 11900, daysPastDue: days, bucket });
    const report = agingReport(items, asOf);
    expect(report.totals[0]!.buckets[bucket as 'current']).toBe(11900);
    expect(report.totals[0]!.totalMinor).toBe(11900);
  });
});

describe('open items as of a date', () => {
  it('payments and credit notes count from their dates; credit notes reduce the invoice they correct', () => {
    const { docs, payments } = smallLedger();
    // 2025-02-05: INV-1 (1428.00, due 02-14) and INV-2 (595.00, due 03-03) open, nothing paid yet
    expect(openItemsAsOf(docs, payments, '2025-02-05').map((i) => [i.number, i.openMinor, i.bucket])).toEqual([
      ['INV-1', 142800, 'current'],
      ['INV-2', 59500, 'current'],
    ]);
    // 2025-02-20: INV-1 paid (02-10); CN-1 119.00 credits INV-2
    expect(openItemsAsOf(docs, payments, '2025-02-20').map((i) => [i.number, i.openMinor])).toEqual([['INV-2', 47600]]);
    // 2025-04-02: 200.00 paid on 03-15 → 276.00 open, 30 days past due
    expect(openItemsAsOf(docs, payments, '2025-04-02').map((i) => [i.number, i.openMinor, i.daysPastDue, i.bucket])).toEqual([['INV-2', 27600, 30, 'd1_30']]);
    expect(openItemsAsOf(docs, payments, '2025-04-03')[0]!.bucket).toBe('d31_60');
  });

  it('credit beyond the open amount and a stand-alone credit note are credit in the current bucket', () => {
    const cust = fid(1);
    const inv = fdoc({ id: fid(11), customerId: cust, number: 'INV-9', issueDate: '2025-01-01', dueDate: '2025-01-31', lines: [{ description: 'x', quantity: '1', unitPrice: '100.00' }] });
    const cn = fdoc({ id: fid(12), customerId: cust, kind: 'credit_note', number: 'CN-9', issueDate: '2025-03-01', precedingInvoiceId: fid(11), precedingInvoice: { number: 'INV-9', issueDate: '2025-01-01' }, lines: [{ description: 'x', quantity: '1', unitPrice: '40.00' }] });
    const loose = fdoc({ id: fid(13), customerId: cust, kind: 'credit_note', number: 'CN-10', issueDate: '2025-03-02', precedingInvoice: { number: 'OLD-1', issueDate: '2024-01-01' }, lines: [{ description: 'x', quantity: '1', unitPrice: '10.00' }] });
    const paid = pay({ id: fid(21), customerId: cust, documentId: fid(11), date: '2025-02-01', amountMinor: 11900 });
    const items = openItemsAsOf([inv, cn, loose], [paid], '2025-06-30');
    expect(items.map((i) => [i.number, i.kind, i.openMinor, i.bucket])).toEqual([
      ['CN-9', 'credit_note', -4760, 'current'],
      ['CN-10', 'credit_note', -1190, 'current'],
    ]);
    const report = agingReport(items, '2025-06-30');
    expect(report.rows).toHaveLength(1);
    expect(report.rows[0]!.totalMinor).toBe(-5950);
  });

  it('unapplied payments are credit; void, draft and uncollectible documents are not receivables', () => {
    const cust = fid(1);
    const mk = (n: number, status: string) => fdoc({ id: fid(n), customerId: cust, status, number: `INV-${n}`, issueDate: '2025-01-01', dueDate: '2025-01-31', lines: [{ description: 'x', quantity: '1', unitPrice: '10.00' }] });
    const docs = [mk(31, 'finalized'), mk(32, 'void'), mk(33, 'draft'), mk(34, 'uncollectible'), mk(35, 'partially_paid')];
    const onAccount = pay({ id: fid(41), customerId: cust, date: '2025-02-01', amountMinor: 500, reference: 'ADV-1' });
    const items = openItemsAsOf(docs, [onAccount], '2025-03-01', () => ({ number: 'C-1', name: 'Acme' }));
    expect(items.map((i) => [i.number, i.kind, i.openMinor, i.bucket])).toEqual([
      ['INV-31', 'invoice', 1190, 'd1_30'],
      ['INV-35', 'invoice', 1190, 'd1_30'],
      ['ADV-1', 'payment', -500, 'current'],
    ]);
    expect(items[2]).toMatchObject({ customerNumber: 'C-1', customerName: 'Acme' });
  });

  it('a credit note on a written-off invoice is applied to it: only credit beyond what it had open counts', () => {
    const cust = fid(1);
    const off = fdoc({ id: fid(61), customerId: cust, status: 'uncollectible', number: 'INV-61', issueDate: '2025-01-01', dueDate: '2025-01-31', lines: [{ description: 'x', quantity: '1', unitPrice: '30.00' }] });
    const open = fdoc({ id: fid(62), customerId: cust, number: 'INV-62', issueDate: '2025-02-01', dueDate: '2025-02-15', lines: [{ description: 'x', quantity: '1', unitPrice: '30.00' }] });
    const cn = (n: number, price: string) => fdoc({ id: fid(n), customerId: cust, kind: 'credit_note', number: `CN-${n}`, issueDate: '2025-02-06', precedingInvoiceId: fid(61), precedingInvoice: { number: 'INV-61', issueDate: '2025-01-01' }, lines: [{ description: 'x', quantity: '1', unitPrice: price }] });
    // the written-off 35.70 credited in full: nothing left over, the other invoice stays owed
    expect(openItemsAsOf([off, open, cn(63, '30.00')], [], '2025-02-06').map((i) => [i.number, i.openMinor])).toEqual([['INV-62', 3570]]);
    // 10.00 paid on it before the write-off: a full credit leaves 10.00 (+ VAT) of credit
    const paid = pay({ id: fid(64), customerId: cust, documentId: fid(61), date: '2025-01-20', amountMinor: 1190 });
    expect(openItemsAsOf([off, open, cn(63, '30.00')], [paid], '2025-02-06').map((i) => [i.number, i.openMinor])).toEqual([['INV-62', 3570], ['CN-63', -1190]]);
    // a written-off invoice without credit notes is simply not there
    expect(openItemsAsOf([off, open], [], '2025-02-06').map((i) => i.number)).toEqual(['INV-62']);
  });

  it('report per customer and currency with totals', () => {
    const { docs, payments } = smallLedger();
    const fr = fdoc({ id: fid(51), customerId: fid(2), buyer: BUYER_FR, number: 'INV-FR', issueDate: '2024-12-01', dueDate: '2024-12-31', lines: [{ description: 'x', quantity: '1', unitPrice: '250.00', taxCategory: 'AE' }] });
    const usd = fdoc({ id: fid(52), customerId: fid(2), buyer: BUYER_FR, currency: 'USD', number: 'INV-FRU', issueDate: '2025-04-01', dueDate: '2025-05-01', lines: [{ description: 'x', quantity: '1', unitPrice: '80.00', taxCategory: 'AE' }] });
    const r = agingReport(openItemsAsOf([...docs, fr, usd], payments, '2025-04-15'), '2025-04-15');
    expect(r.rows.map((x) => [x.customerNumber, x.currency, x.buckets.current, x.buckets.d1_30, x.buckets.d31_60, x.buckets.d61_90, x.buckets.d90_plus, x.totalMinor])).toEqual([
      ['C-10042', 'EUR', 0, 0, 27600, 0, 0, 27600],
      ['C-20007', 'EUR', 0, 0, 0, 0, 25000, 25000],
      ['C-20007', 'USD', 8000, 0, 0, 0, 0, 8000],
    ]);
    expect(r.totals).toEqual([
      { currency: 'EUR', buckets: { current: 0, d1_30: 0, d31_60: 27600, d61_90: 0, d90_plus: 25000 }, totalMinor: 52600 },
      { currency: 'USD', buckets: { current: 8000, d1_30: 0, d31_60: 0, d61_90: 0, d90_plus: 0 }, totalMinor: 8000 },
    ]);
  });
});

describe('statement of account', () => {
  it('opening balance, running balance, closing balance = aging total', () => {
    const { docs, payments } = smallLedger();
    const s = buildStatement({ customer: { id: fid(1), number: 'C-10042', name: 'Müller & Söhne Maschinenbau AG' }, currency: 'EUR', from: '2025-02-01', to: '2025-04-30', documents: docs, payments });
    expect(s.openingBalanceMinor).toBe(142800); // INV-1 issued 2025-01-15
    expect(s.lines.map((l) => [l.date, l.kind, l.reference, l.debitMinor, l.creditMinor, l.balanceMinor])).toEqual([
      ['2025-02-01', 'invoice', 'INV-2', 59500, 0, 202300],
      ['2025-02-10', 'payment', 'BANK-0001', 0, 142800, 59500],
      ['2025-02-20', 'credit_note', 'CN-1', 0, 11900, 47600],
      ['2025-03-15', 'payment', 'BANK-0002', 0, 20000, 27600],
    ]);
    expect(s.lines[1]).toMatchObject({ description: 'Payment (bank transfer), applied to INV-1', appliedTo: ['INV-1'], method: 'bank_transfer' });
    expect(s.lines[2]).toMatchObject({ corrects: 'INV-2' });
    expect(s.closingBalanceMinor).toBe(27600);
    expect([s.invoicedMinor, s.creditedMinor, s.paidMinor, s.refundedMinor]).toEqual([59500, 11900, 162800, 0]);
    expect(s.aging).toEqual({ current: 0, d1_30: 0, d31_60: 27600, d61_90: 0, d90_plus: 0 });
    expect(s.openItems.map((i) => i.number)).toEqual(['INV-2']);
  });

  it('a period before any activity has zero balances; other currencies are left out', () => {
    const { docs, payments } = smallLedger();
    const s = buildStatement({ customer: { id: fid(1), number: 'C-10042', name: 'M' }, currency: 'USD', from: '2025-01-01', to: '2025-12-31', documents: docs, payments });
    expect([s.openingBalanceMinor, s.lines.length, s.closingBalanceMinor]).toEqual([0, 0, 0]);
  });
});
