/** pricing.quote / pricing.curve: the exact contract, and validation failures with their field paths. */
import { describe, expect, it } from 'vitest';
import { parseInput, type OpDef } from '../../../shared/api/op';
import { pricingOps } from '../../../shared/api/ops/pricing';
import type { AppError } from '../../../shared/api/errors';
import { pricingHandlers } from '../../../main/services/pricing';

const quote = async (raw: unknown) => pricingOps['pricing.quote'].output.parse(await pricingHandlers['pricing.quote'](parseInput(pricingOps['pricing.quote'], raw), {} as never));
const curve = async (raw: unknown) => pricingOps['pricing.curve'].output.parse(await pricingHandlers['pricing.curve'](parseInput(pricingOps['pricing.curve'], raw), {} as never));

/** The field paths of the validation error raised for `raw`. */
function pathsOf(op: 'pricing.quote' | 'pricing.curve', raw: unknown): string[] {
  try {
    parseInput(pricingOps[op] as unknown as OpDef, raw);
  } catch (e) {
    expect((e as AppError).code).toBe('VALIDATION');
    return (e as AppError).details!.fields!.map((f) => f.path);
  }
  return [];
}

const graduated = { type: 'graduated', tiers: [{ upTo: '5', unitPrice: '5', flatFee: '10' }, { upTo: null, unitPrice: '3' }] };

describe('pricing.quote', () => {
  it('answers the example of the contract exactly', async () => {
    const out = await quote({ currency: 'USD', quantity: '12', model: graduated });
    expect(JSON.parse(JSON.stringify(out))).toStrictEqual({
      currency: 'USD', amount: '56.00', amountMinor: 5600, preciseAmount: '56',
      lines: [
        { description: 'Tier 1 (0-5)', quantity: '5', unitPrice: '5', flatFee: '10', amount: '35' },
        { description: 'Tier 2 (above 5)', quantity: '7', unitPrice: '3', amount: '21' },
      ],
      effectiveUnitPrice: '4.6666666667',
    });
    expect(Object.keys(out.lines[1]!)).not.toContain('flatFee');
  });
  it('accepts numbers for decimals and a lower-case currency', async () => {
    const out = await quote({ currency: 'usd', quantity: 12, model: { ...graduated, tiers: [{ upTo: 5, unitPrice: 5, flatFee: 10 }, { upTo: null, unitPrice: 3 }] } });
    expect(out).toMatchObject({ currency: 'USD', amount: '56.00', preciseAmount: '56' });
  });
  it('prices transactions for percentage models', async () => {
    const out = await quote({ currency: 'EUR', transactions: ['100', '10'], model: { type: 'percentage', rate: '2.9', fixedFee: '0.30' } });
    expect(out).toMatchObject({ amount: '3.79', amountMinor: 379, preciseAmount: '3.79' });
  });
  it('adds the true-up line with a prorated minimum', async () => {
    const out = await quote({ currency: 'USD', quantity: '1', periodFraction: '0.5', model: { type: 'per_unit', unitPrice: '10', minimum: '100' } });
    expect(out.amount).toBe('50.00');
    expect(out.lines.at(-1)).toStrictEqual({ description: 'Minimum commitment true-up', amount: '40' });
    const days = await quote({ currency: 'USD', quantity: '1', daysInPeriod: 30, daysBilled: 15, model: { type: 'per_unit', unitPrice: '10', minimum: '100' } });
    expect(days.amount).toBe('50.00');
  });
  it('rounds half_even on request (JPY)', async () => {
    const out = await quote({ currency: 'JPY', quantity: '3', rounding: 'half_even', model: { type: 'per_unit', unitPrice: '1.5' } });
    expect(out).toMatchObject({ amount: '4', amountMinor: 4, preciseAmount: '4.5' });
  });
});

describe('validation paths', () => {
  const q = (model: unknown, extra: Record<string, unknown> = { quantity: '1' }) => pathsOf('pricing.quote', { currency: 'USD', model, ...extra });
  it('tiers must ascend strictly', () => {
    expect(q({ type: 'graduated', tiers: [{ upTo: '10', unitPrice: '1' }, { upTo: '10', unitPrice: '1' }, { upTo: null, unitPrice: '1' }] })).toEqual(['model.tiers.1.upTo']);
    expect(q({ type: 'volume', tiers: [{ upTo: '10', unitPrice: '1' }, { upTo: '5', unitPrice: '1' }, { upTo: null, unitPrice: '1' }] })).toEqual(['model.tiers.1.upTo']);
  });
  it('only the last tier is open, and it must be', () => {
    expect(q({ type: 'graduated', tiers: [{ upTo: null, unitPrice: '1' }, { upTo: null, unitPrice: '1' }] })).toEqual(['model.tiers.0.upTo']);
    expect(q({ type: 'graduated', tiers: [{ upTo: '5', unitPrice: '1' }, { upTo: '10', unitPrice: '1' }] })).toEqual(['model.tiers.1.upTo']);
    expect(q({ type: 'stairstep', steps: [{ upTo: '5', price: '1' }, { upTo: '9', price: '2' }] })).toEqual(['model.steps.1.upTo']);
    expect(q({ type: 'graduated_percentage', tiers: [{ upTo: null, rate: '1' }, { upTo: '9', rate: '2' }] }, { transactions: [] }))
      .toEqual(['model.tiers.0.upTo', 'model.tiers.1.upTo']);
  });
  it('at least one tier', () => {
    expect(q({ type: 'volume', tiers: [] })).toEqual(['model.tiers']);
  });
  it('prices, rates and fees are non-negative decimals', () => {
    expect(q({ type: 'graduated', tiers: [{ upTo: '5', unitPrice: '-1' }, { upTo: null, unitPrice: '1', flatFee: '-2' }] })).toEqual(['model.tiers.0.unitPrice', 'model.tiers.1.flatFee']);
    expect(q({ type: 'per_unit', unitPrice: 'abc' })).toEqual(['model.unitPrice']);
    expect(q({ type: 'flat', price: '-5' })).toEqual(['model.price']);
    expect(q({ type: 'percentage', rate: '-1', fixedFee: '-0.3' }, { transactions: [] })).toEqual(['model.rate', 'model.fixedFee']);
    expect(q({ type: 'graduated_percentage', tiers: [{ upTo: null, rate: '-2' }] }, { transactions: [] })).toEqual(['model.tiers.0.rate']);
    expect(q({ type: 'flat', price: '5', minimum: '-1' })).toEqual(['model.minimum']);
  });
  it('packageSize > 0', () => {
    expect(q({ type: 'package', packageSize: '0', packagePrice: '5' })).toEqual(['model.packageSize']);
    expect(q({ type: 'package', packageSize: '10', packagePrice: '5', freeUnits: '-1' })).toEqual(['model.freeUnits']);
  });
  it('per-transaction max not below min; freeTransactions a whole count', () => {
    expect(q({ type: 'percentage', rate: '1', minPerTransaction: '2', maxPerTransaction: '1' }, { transactions: [] })).toEqual(['model.maxPerTransaction']);
    expect(q({ type: 'percentage', rate: '1', freeTransactions: 1.5 }, { transactions: [] })).toEqual(['model.freeTransactions']);
  });
  it('an unknown model type', () => {
    expect(q({ type: 'tiered' })).toEqual(['model.type']);
  });
  it('quantity: required for quantity models, not negative; transactions for percentage models', () => {
    expect(q({ type: 'per_unit', unitPrice: '1' }, {})).toEqual(['quantity']);
    expect(q({ type: 'graduated', tiers: [{ upTo: null, unitPrice: '1' }] }, { quantity: '-1' })).toEqual(['quantity']);
    expect(q({ type: 'percentage', rate: '1' }, { quantity: '5' })).toEqual(['transactions']);
    expect(q({ type: 'graduated_percentage', tiers: [{ upTo: null, rate: '1' }] }, {})).toEqual(['transactions']);
    expect(q({ type: 'percentage', rate: '1' }, { transactions: ['1', '-1'] })).toEqual(['transactions.1']);
    expect(q({ type: 'flat', price: '1' }, {})).toEqual([]); // flat needs no quantity
  });
  it('proration options', () => {
    expect(q({ type: 'flat', price: '1' }, { periodFraction: '1.1' })).toEqual(['periodFraction']);
    expect(q({ type: 'flat', price: '1' }, { daysInPeriod: 30 })).toEqual(['daysBilled']);
    expect(q({ type: 'flat', price: '1' }, { daysInPeriod: 30, daysBilled: 31 })).toEqual(['daysBilled']);
    expect(q({ type: 'flat', price: '1' }, { periodFraction: '0.5', daysInPeriod: 30, daysBilled: 1 })).toEqual(['periodFraction']);
  });
  it('curve: at most 500 quantities', () => {
    const quantities = Array.from({ length: 501 }, (_, i) => String(i));
    expect(pathsOf('pricing.curve', { currency: 'USD', model: graduated, quantities })).toEqual(['quantities']);
    expect(pathsOf('pricing.curve', { currency: 'USD', model: graduated, quantities: ['1', '-2'] })).toEqual(['quantities.1']);
  });
});

describe('pricing.curve', () => {
  it('gives amount and effective unit price per quantity', async () => {
    const out = await curve({ currency: 'USD', model: graduated, quantities: ['0', '5', '5.5', '12'] });
    expect(out).toStrictEqual({
      currency: 'USD',
      points: [
        { quantity: '0', amount: '10.00', preciseAmount: '10', effectiveUnitPrice: null },
        { quantity: '5', amount: '35.00', preciseAmount: '35', effectiveUnitPrice: '7' },
        { quantity: '5.5', amount: '36.50', preciseAmount: '36.5', effectiveUnitPrice: '6.6363636364' },
        { quantity: '12', amount: '56.00', preciseAmount: '56', effectiveUnitPrice: '4.6666666667' },
      ],
    });
  });
  it('prices one transaction per quantity for percentage models', async () => {
    const out = await curve({ currency: 'USD', model: { type: 'percentage', rate: '2.9', fixedFee: '0.30' }, quantities: ['100'] });
    expect(out.points[0]).toStrictEqual({ quantity: '100', amount: '3.20', preciseAmount: '3.2', effectiveUnitPrice: '0.032' });
  });
});
