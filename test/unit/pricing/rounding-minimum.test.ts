/** Currency rounding (JPY/KWD, half_up vs half_even) and minimum commitments with proration. */
import { describe, expect, it } from 'vitest';
import { applySubscriptionMinimum, priceCharge, proratedMinimum, type ChargeModel } from '../../../shared/domain/pricing';

describe('rounding', () => {
  it('0.0006 per API call × 1,234,567 calls', () => {
    const r = priceCharge({ type: 'per_unit', unitPrice: '0.0006' }, { currency: 'USD', quantity: '1234567' });
    expect(r).toMatchObject({ amount: '740.74', amountMinor: 74074, preciseAmount: '740.7402' });
    expect(r.lines[0]).toStrictEqual({ description: 'Per unit', quantity: '1234567', unitPrice: '0.0006', amount: '740.7402' });
  });
  it('JPY has no decimals: 1.5 × 3 = 4.5 → 5 half_up, 4 half_even', () => {
    const m: ChargeModel = { type: 'per_unit', unitPrice: '1.5' };
    expect(priceCharge(m, { currency: 'JPY', quantity: '3' })).toMatchObject({ amount: '5', amountMinor: 5, preciseAmount: '4.5' });
    expect(priceCharge(m, { currency: 'JPY', quantity: '3', rounding: 'half_even' })).toMatchObject({ amount: '4', amountMinor: 4, preciseAmount: '4.5' });
    // 7.5 → 8 either way (8 is even)
    expect(priceCharge(m, { currency: 'JPY', quantity: '5', rounding: 'half_even' }).amount).toBe('8');
  });
  it('KWD has three decimals: 0.0005 × 5 = 0.0025 → 0.003 half_up, 0.002 half_even', () => {
    const m: ChargeModel = { type: 'per_unit', unitPrice: '0.0005' };
    expect(priceCharge(m, { currency: 'KWD', quantity: '5' })).toMatchObject({ amount: '0.003', amountMinor: 3, preciseAmount: '0.0025' });
    expect(priceCharge(m, { currency: 'KWD', quantity: '5', rounding: 'half_even' })).toMatchObject({ amount: '0.002', amountMinor: 2 });
    expect(priceCharge({ type: 'flat', price: '12' }, { currency: 'KWD' }).amount).toBe('12.000');
  });
  it('USD half_even vs half_up on an exact half cent', () => {
    const m: ChargeModel = { type: 'per_unit', unitPrice: '0.125' };
    expect(priceCharge(m, { currency: 'USD', quantity: '1' }).amount).toBe('0.13');
    expect(priceCharge(m, { currency: 'USD', quantity: '1', rounding: 'half_even' }).amount).toBe('0.12');
    expect(priceCharge(m, { currency: 'USD', quantity: '3', rounding: 'half_even' }).amount).toBe('0.38'); // 0.375 → 0.38
  });
  it("the model's rounding applies unless the input names one", () => {
    const m: ChargeModel = { type: 'per_unit', unitPrice: '0.125', rounding: 'half_even' };
    expect(priceCharge(m, { currency: 'USD', quantity: '1' }).amount).toBe('0.12');
    expect(priceCharge(m, { currency: 'USD', quantity: '1', rounding: 'half_up' }).amount).toBe('0.13');
  });
  it('keeps 8+ place unit prices exact', () => {
    const r = priceCharge({ type: 'per_unit', unitPrice: '0.00000125' }, { currency: 'EUR', quantity: '3000001' });
    expect(r.preciseAmount).toBe('3.75000125');
    expect(r.amount).toBe('3.75');
  });
});

describe('minimum commitment', () => {
  const m: ChargeModel = { type: 'per_unit', unitPrice: '2', minimum: '100' };
  it('trues up an amount below the minimum', () => {
    const r = priceCharge(m, { currency: 'USD', quantity: '30' });
    expect(r).toMatchObject({ amount: '100.00', amountMinor: 10000, preciseAmount: '100' });
    expect(r.lines).toStrictEqual([
      { description: 'Per unit', quantity: '30', unitPrice: '2', amount: '60' },
      { description: 'Minimum commitment true-up', amount: '40' },
    ]);
  });
  it('adds nothing at or above the minimum', () => {
    expect(priceCharge(m, { currency: 'USD', quantity: '50' }).lines).toHaveLength(1);
    expect(priceCharge(m, { currency: 'USD', quantity: '60' }).preciseAmount).toBe('120');
  });
  it('prorates by periodFraction', () => {
    const r = priceCharge(m, { currency: 'USD', quantity: '10', periodFraction: '0.5' });
    expect(r.preciseAmount).toBe('50');
    expect(r.lines[1]).toStrictEqual({ description: 'Minimum commitment true-up', amount: '30' });
  });
  it('prorates by days, rounded to the currency', () => {
    // 100 × 10 / 30 = 33.333… → 33.33; usage 20 → true-up 13.33
    const r = priceCharge(m, { currency: 'USD', quantity: '10', daysInPeriod: 30, daysBilled: 10 });
    expect(r.preciseAmount).toBe('33.33');
    expect(r.lines[1]!.amount).toBe('13.33');
    expect(proratedMinimum('1000', { daysInPeriod: 30, daysBilled: 10 }, 'JPY').toFixed()).toBe('333');
    expect(proratedMinimum('1000', { daysInPeriod: 31, daysBilled: 31 }, 'JPY').toFixed()).toBe('1000');
  });
  it('rejects a fraction above 1 and half-given days', () => {
    expect(() => priceCharge(m, { currency: 'USD', quantity: '1', periodFraction: '1.5' })).toThrow(/periodFraction/);
    expect(() => priceCharge(m, { currency: 'USD', quantity: '1', daysInPeriod: 30 })).toThrow(/daysBilled/);
  });
  it('works on every model, e.g. graduated_percentage with no volume', () => {
    const g: ChargeModel = { type: 'graduated_percentage', tiers: [{ upTo: null, rate: '1' }], minimum: '25' };
    const r = priceCharge(g, { currency: 'EUR', transactions: ['100'] });
    expect(r.preciseAmount).toBe('25');
    expect(r.lines.at(-1)).toStrictEqual({ description: 'Minimum commitment true-up', amount: '24' });
  });
});

describe('subscription-wide minimum', () => {
  const flat = priceCharge({ type: 'flat', price: '30' }, { currency: 'USD' });
  const usage = priceCharge({ type: 'per_unit', unitPrice: '0.333' }, { currency: 'USD', quantity: '10' }); // 3.33
  it('trues up the sum of the charges to the minimum', () => {
    expect(applySubscriptionMinimum([flat, usage], '50', { currency: 'USD' })).toStrictEqual({
      currency: 'USD', chargesMinor: 3333, minimumMinor: 5000, trueUpMinor: 1667,
      trueUp: { description: 'Minimum commitment true-up', amount: '16.67' }, amountMinor: 5000, amount: '50.00',
    });
  });
  it('prorated: 15 of 30 days of 50 is 25, already reached', () => {
    const r = applySubscriptionMinimum([flat, usage], '50', { currency: 'USD', daysInPeriod: 30, daysBilled: 15 });
    expect(r).toMatchObject({ minimumMinor: 2500, trueUpMinor: 0, trueUp: null, amount: '33.33' });
  });
  it('compares the rounded invoice amounts so charges + true-up equal the minimum', () => {
    const a = priceCharge({ type: 'flat', price: '0.005' }, { currency: 'USD' }); // 0.01
    const b = priceCharge({ type: 'flat', price: '0.004' }, { currency: 'USD' }); // 0.00
    const r = applySubscriptionMinimum([a, b], '0.02', { currency: 'USD' });
    expect(r).toMatchObject({ chargesMinor: 1, trueUpMinor: 1, amountMinor: 2 });
    expect(r.trueUp).toStrictEqual({ description: 'Minimum commitment true-up', amount: '0.01' });
  });
  it('refuses a charge in another currency', () => {
    expect(() => applySubscriptionMinimum([flat, { currency: 'EUR', amountMinor: 1 }], '50', { currency: 'USD' })).toThrow(/charges\.1\.currency/);
  });
});
