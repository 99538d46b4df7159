import { describe, expect, test } from 'vitest';
import { classifyChange, prorateChange, remainingFraction } from '../../../shared/domain/billing';

describe('day-based proration', () => {
  test('30-day period, change on day 11: credit 20/30 of old, charge 20/30 of new', () => {
    // June 2025 has 30 days; Jun 11..Jun 30 = 20 days on the new terms (the change day counts as new).
    // credit = 30.00 × 20/30 = 20.00; charge = 60.00 × 20/30 = 40.00; net +20.00
    const r = prorateChange({
      period: { start: '2025-06-01', end: '2025-07-01' }, changeAt: '2025-06-11', oldAmount: '30.00', newAmount: '60.00', currency: 'EUR',
    });
    expect(r.fraction).toMatchObject({ numerator: 20, denominator: 30 });
    expect(r.fraction.value.startsWith('0.66666666')).toBe(true);
    expect([r.creditPrecise, r.creditMinor, r.chargePrecise, r.chargeMinor, r.netMinor]).toEqual(['-20', -2000, '40', 4000, 2000]);
    expect(r.classification).toBe('upgrade');
  });
  test('rounding keeps the precise amount: 100.00 × 20/30 = 66.666… → 66.67', () => {
    const r = prorateChange({
      period: { start: '2025-06-01', end: '2025-07-01' }, changeAt: '2025-06-11', oldAmount: '100', newAmount: '50', currency: 'EUR',
    });
    expect(r.creditMinor).toBe(-6667);
    expect(r.creditPrecise.startsWith('-66.6666666666')).toBe(true);
    expect(r.chargeMinor).toBe(3333); // 50 × 20/30 = 33.333…
    expect(r.classification).toBe('downgrade');
  });
  test('the denominator is the actual period: February of a leap year has 29 days', () => {
    // [2028-01-31, 2028-02-29): 29 days; change 2028-02-15 → 14 days left: 29.00 × 14/29 = 14.00
    expect(remainingFraction({ start: '2028-01-31', end: '2028-02-29' }, '2028-02-15')).toMatchObject({ numerator: 14, denominator: 29 });
    const r = prorateChange({
      period: { start: '2028-01-31', end: '2028-02-29' }, changeAt: '2028-02-15', oldAmount: '29', newAmount: '58', currency: 'EUR',
    });
    expect([r.creditMinor, r.chargeMinor]).toEqual([-1400, 2800]);
  });
  test('leading partial period: the denominator is the whole period', () => {
    // partial [Mar 15, Apr 1) of [Mar 1, Apr 1) (31 days); change Mar 25 → 7 days / 31
    expect(remainingFraction({ start: '2025-03-15', end: '2025-04-01', nominalStart: '2025-03-01' }, '2025-03-25')).toMatchObject({
      numerator: 7, denominator: 31,
    });
  });
  test('JPY has no minor unit', () => {
    const r = prorateChange({
      period: { start: '2025-06-01', end: '2025-07-01' }, changeAt: '2025-06-11', oldAmount: '1000', newAmount: '2000', currency: 'JPY',
    });
    expect([r.creditMinor, r.chargeMinor]).toEqual([-667, 1333]);
  });
});

describe('second-based and none', () => {
  test('second policy: change at noon on Jun 16 leaves 14.5 of 30 days', () => {
    const f = remainingFraction({ start: '2025-06-01', end: '2025-07-01' }, '2025-06-16T12:00:00Z', 'second');
    expect(f).toMatchObject({ numerator: 14.5 * 86400, denominator: 30 * 86400 });
    const r = prorateChange({
      period: { start: '2025-06-01', end: '2025-07-01' }, changeAt: '2025-06-16T14:00:00+02:00', oldAmount: '30', newAmount: '60',
      currency: 'EUR', policy: 'second',
    });
    // 30 × 14.5/30 = 14.50, 60 × 14.5/30 = 29.00
    expect([r.creditMinor, r.chargeMinor]).toEqual([-1450, 2900]);
  });
  test("'none' prorates nothing", () => {
    const r = prorateChange({
      period: { start: '2025-06-01', end: '2025-07-01' }, changeAt: '2025-06-11', oldAmount: '30', newAmount: '60', currency: 'EUR', policy: 'none',
    });
    expect([r.creditMinor, r.chargeMinor, r.netMinor]).toEqual([0, 0, 0]);
  });
});

describe('classifyChange compares daily prices', () => {
  test('monthly 30 → monthly 45 is an upgrade; monthly 30 → annual 300 a downgrade; equal daily price lateral', () => {
    expect(classifyChange({ amount: '30', intervalMonths: 1 }, { amount: '45', intervalMonths: 1 })).toBe('upgrade');
    // 30 / 30.44 days = 0.986/day vs 300 / 365.24 days = 0.821/day
    expect(classifyChange({ amount: '30', intervalMonths: 1 }, { amount: '300', intervalMonths: 12 })).toBe('downgrade');
    expect(classifyChange({ amount: '30', intervalMonths: 1 }, { amount: '360', intervalMonths: 12 })).toBe('lateral');
    expect(classifyChange({ amount: '28', periodDays: 28 }, { amount: '31', periodDays: 31 })).toBe('lateral');
  });
});
