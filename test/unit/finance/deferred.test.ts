/** Deferred revenue: daily ratable schedules that sum exactly, and the month-end report. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, dayNumber } from '../../../shared/domain/billing/dates';
import {
  dailyRecognition,
  deferredByCustomer,
  deferredRevenueReport,
  monthsBetween,
  recognitionSchedules,
  recognitionSegments,
  scheduleMonthRange,
} from '../../../shared/domain/finance/deferred';
import { allocateMinor } from '../../../shared/domain/money';
import { BUYER_US } from '../exports/fixtures';
import { fdoc, fid, smallLedger } from './fixtures';

describe('recognition schedule of a line', () => {
  it('annual 1200.00 over 2025: 365 days of 3.28/3.29, the first 280 days get the extra cent', () => {
    const segs = recognitionSegments(120000, '2025-01-15', '2025-01-01', '2025-12-31');
    expect(segs.map((s) => [s.month, s.start, s.end, s.days, s.amountMinor])).toEqual([
      ['2025-01', '2025-01-01', '2025-01-31', 31, 31 * 329],
      ['2025-02', '2025-02-01', '2025-02-28', 28, 28 * 329],
      ['2025-03', '2025-03-01', '2025-03-31', 31, 31 * 329],
      ['2025-04', '2025-04-01', '2025-04-30', 30, 30 * 329],
      ['2025-05', '2025-05-01', '2025-05-31', 31, 31 * 329],
      ['2025-06', '2025-06-01', '2025-06-30', 30, 30 * 329],
      ['2025-07', '2025-07-01', '2025-07-31', 31, 31 * 329],
      ['2025-08', '2025-08-01', '2025-08-31', 31, 31 * 329],
      ['2025-09', '2025-09-01', '2025-09-30', 30, 30 * 329],
      // day 274..280 = Oct 1..7 still get 3.29
      ['2025-10', '2025-10-01', '2025-10-31', 31, 7 * 329 + 24 * 328],
      ['2025-11', '2025-11-01', '2025-11-30', 30, 30 * 328],
      ['2025-12', '2025-12-01', '2025-12-31', 31, 31 * 328],
    ]);
    expect(segs.reduce((s, g) => s + g.amountMinor, 0)).toBe(120000);
  });

  it('a mid-month period is split at month ends; a line without a period is recognised on the issue date', () => {
    expect(recognitionSegments(10000, '2025-03-01', '2025-03-20', '2025-04-19').map((s) => [s.month, s.days, s.amountMinor])).toEqual([
      ['2025-03', 12, 3876], // 10000 / 31 = 322.58…: 18 days of 323 first, then 322
      ['2025-04', 19, 6124],
    ]);
    expect(recognitionSegments(59500, '2025-02-01')).toEqual([{ month: '2025-02', start: '2025-02-01', end: '2025-02-01', days: 1, amountMinor: 59500 }]);
    expect(recognitionSegments(-3000, '2025-02-01', '2025-02-01', '2025-02-01')).toEqual([{ month: '2025-02', start: '2025-02-01', end: '2025-02-01', days: 1, amountMinor: -3000 }]);
    expect(() => dailyRecognition(100, '2025-02-02', '2025-02-01')).toThrow(/ends before it starts/);
  });

  it('negative amounts (credit notes) split exactly too', () => {
    const days = dailyRecognition(-1000, '2024-02-01', '2024-02-29');
    expect(days.length).toBe(29);
    expect(days.reduce((a, b) => a + b, 0)).toBe(-1000);
    expect(new Set(days)).toEqual(new Set([-35, -34]));
  });

  it('schedules of documents: line periods, document period, allowances; credit notes negative', () => {
    const { docs } = smallLedger();
    const disc = fdoc({
      id: fid(110), customerId: fid(1), number: 'INV-3', issueDate: '2025-03-01', servicePeriod: { start: '2025-03-01', end: '2025-03-31' },
      lines: [{ description: 'Seats', sku: 'SEAT', quantity: '10', unitPrice: '10.00' }],
      allowanceCharges: [{ reason: 'Promo', amountMinor: 1000, taxCategory: 'S', taxRate: '19', isCharge: false }],
    });
    const sch = recognitionSchedules([...docs, disc]);
    expect(sch.map((s) => [s.documentNumber, s.lineId, s.amountMinor, s.serviceStart ?? null, s.serviceEnd ?? null, s.segments.length])).toEqual([
      ['INV-1', '1', 120000, '2025-01-01', '2025-12-31', 12],
      ['INV-2', '1', 50000, null, null, 1],
      ['CN-1', '1', -10000, null, null, 1],
      // the line has no period of its own: the document's service period applies
      ['INV-3', '1', 10000, '2025-03-01', '2025-03-31', 1],
      ['INV-3', 'AC1', -1000, '2025-03-01', '2025-03-31', 1],
    ]);
    expect(scheduleMonthRange(sch)).toEqual({ from: '2025-01', to: '2025-12' });
  });
});

describe('month-end deferred revenue report', () => {
  it('billed, recognised in month / to date and the deferred balance at each month end', () => {
    const sch = recognitionSchedules(smallLedger().docs);
    const rows = deferredRevenueReport(sch, '2024-12', '2025-04');
    expect(rows.map((r) => [r.month, r.monthEnd, r.billedToDateMinor, r.recognisedInMonthMinor, r.recognisedToDateMinor, r.deferredMinor])).toEqual([
      // nothing issued by 2024-12-31: no row
      ['2025-01', '2025-01-31', 120000, 10199, 10199, 109801],
      // Feb: INV-2 500.00 at once, CN-1 −100.00 at once, licence 28 × 3.29
      ['2025-02', '2025-02-28', 160000, 9212 + 50000 - 10000, 59411, 100589],
      ['2025-03', '2025-03-31', 160000, 10199, 69610, 90390],
      ['2025-04', '2025-04-30', 160000, 9870, 79480, 80520],
    ]);
    expect(rows.every((r) => r.currency === 'EUR')).toBe(true);
  });

  it('an invoice issued after its service (arrears) is recognised with catch-up in its issue month', () => {
    const arrears = fdoc({
      id: fid(120), customerId: fid(1), number: 'INV-A', issueDate: '2025-02-03',
      lines: [{ description: 'January usage', quantity: '1', unitPrice: '310.00', periodStart: '2025-01-01', periodEnd: '2025-01-31' }],
    });
    const rows = deferredRevenueReport(recognitionSchedules([arrears]), '2025-01', '2025-03');
    expect(rows.map((r) => [r.month, r.billedToDateMinor, r.recognisedInMonthMinor, r.deferredMinor])).toEqual([
      ['2025-02', 31000, 31000, 0],
      ['2025-03', 31000, 0, 0],
    ]);
  });

  it('per customer and currency at a month end', () => {
    const { docs } = smallLedger();
    const usd = fdoc({ id: fid(130), customerId: fid(2), number: 'INV-U', currency: 'USD', buyer: BUYER_US, issueDate: '2025-03-10', lines: [{ description: 'Q2 support', quantity: '1', unitPrice: '900.00', periodStart: '2025-04-01', periodEnd: '2025-06-30', taxCategory: 'G' }] });
    const rows = deferredByCustomer(recognitionSchedules([...docs, usd]), '2025-03');
    expect(rows.map((r) => [r.customerNumber, r.currency, r.billedToDateMinor, r.recognisedToDateMinor, r.deferredMinor])).toEqual([
      ['C-10042', 'EUR', 160000, 69610, 90390],
      ['C-40011', 'USD', 90000, 0, 90000],
    ]);
    expect(monthsBetween('2024-11', '2025-02')).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
  });
});

// ------------------------------------------------------------------------------------------------

const dateArb = fc.integer({ min: dayNumber('2019-01-01'), max: dayNumber('2031-12-31') }).map((n) => addDays('1970-01-01', n));

describe('property: schedules sum exactly to the line amount', () => {
  it('daily parts = allocateMinor over the days; months partition the period; sums are exact', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50_000_000, max: 50_000_000 }), dateArb, fc.integer({ min: 1, max: 800 }), (amount, start, len) => {
        const end = addDays(start, len - 1);
        const daily = dailyRecognition(amount, start, end);
        expect(daily).toEqual(allocateMinor(amount, new Array(len).fill(1)));
        expect(daily.reduce((a, b) => a + b, 0)).toBe(amount);
        expect(Math.max(...daily) - Math.min(...daily)).toBeLessThanOrEqual(1);
        const segs = recognitionSegments(amount, start, start, end);
        expect(segs.reduce((s, g) => s + g.amountMinor, 0)).toBe(amount);
        // each month is the sum of its days
        let k = 0;
        for (const g of segs) {
          expect(g.amountMinor).toBe(daily.slice(k, k + g.days).reduce((a, b) => a + b, 0));
          k += g.days;
        }
        expect(segs.reduce((s, g) => s + g.days, 0)).toBe(len);
        expect(segs[0]!.start).toBe(start);
        expect(segs[segs.length - 1]!.end).toBe(end);
        for (let i = 1; i < segs.length; i++) {
          expect(segs[i]!.start).toBe(addDays(segs[i - 1]!.end, 1));
          expect(segs[i]!.month > segs[i - 1]!.month).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('the month-end report ends with nothing deferred once every service period is over', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ amount: fc.integer({ min: 1, max: 10_000_000 }), start: dateArb, len: fc.integer({ min: 1, max: 400 }), credit: fc.boolean() }), { minLength: 1, maxLength: 10 }),
        (specs) => {
          const docs = specs.map((s, i) =>
            fdoc({
              id: fid(500 + i), customerId: fid(1), number: `P-${i}`, kind: s.credit ? 'credit_note' : 'invoice', issueDate: s.start,
              lines: [{ description: 'x', quantity: '1', unitPrice: (s.amount / 100).toFixed(2), periodStart: s.start, periodEnd: addDays(s.start, s.len - 1) }],
            }),
          );
          const sch = recognitionSchedules(docs);
          const range = scheduleMonthRange(sch)!;
          const rows = deferredRevenueReport(sch, range.from, range.to);
          const last = rows[rows.length - 1]!;
          const total = specs.reduce((t, s) => t + (s.credit ? -s.amount : s.amount), 0);
          expect(last.billedToDateMinor).toBe(total);
          expect(last.recognisedToDateMinor).toBe(total);
          expect(last.deferredMinor).toBe(0);
          expect(rows.reduce((t, r) => t + r.recognisedInMonthMinor, 0)).toBe(total);
        },
      ),
      { numRuns: 150 },
    );
  });
});
