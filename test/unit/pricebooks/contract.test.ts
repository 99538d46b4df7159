/** Pure contract pricing: discounts on every model, schedules with the catalog in the gaps, window overlap. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec } from '../../../shared/domain/money';
import { priceCharge, type ChargeModel } from '../../../shared/domain/pricing';
import { contractModel, contractTermsIssues, discountModel, mergeSchedule, pointAt, windowsOverlap } from '../../../shared/domain/pricing/contract';

describe('discountModel', () => {
  it('scales every price, fee, rate and the minimum; leaves bounds, sizes and free allowances alone', () => {
    const cases: [ChargeModel, ChargeModel][] = [
      [{ type: 'flat', price: '49.99' }, { type: 'flat', price: '44.991' }],
      [{ type: 'per_unit', unitPrice: '10', minimum: '100', rounding: 'half_even' }, { type: 'per_unit', unitPrice: '9', minimum: '90', rounding: 'half_even' }],
      [
        { type: 'volume', tiers: [{ upTo: '10', unitPrice: '5', flatFee: '20' }, { upTo: null, unitPrice: '4' }] },
        { type: 'volume', tiers: [{ upTo: '10', unitPrice: '4.5', flatFee: '18' }, { upTo: null, unitPrice: '3.6' }] },
      ],
      [{ type: 'package', packageSize: '100', packagePrice: '30', freeUnits: '50' }, { type: 'package', packageSize: '100', packagePrice: '27', freeUnits: '50' }],
      [{ type: 'stairstep', steps: [{ upTo: '5', price: '50' }, { upTo: null, price: '80' }] }, { type: 'stairstep', steps: [{ upTo: '5', price: '45' }, { upTo: null, price: '72' }] }],
      [
        { type: 'percentage', rate: '2.9', fixedFee: '0.30', freeTransactions: 3, freeAmount: '100', minPerTransaction: '0.5', maxPerTransaction: '10' },
        { type: 'percentage', rate: '2.61', fixedFee: '0.27', freeTransactions: 3, freeAmount: '100', minPerTransaction: '0.45', maxPerTransaction: '9' },
      ],
      [
        { type: 'graduated_percentage', tiers: [{ upTo: '1000', rate: '3', flatFee: '1' }, { upTo: null, rate: '2' }] },
        { type: 'graduated_percentage', tiers: [{ upTo: '1000', rate: '2.7', flatFee: '0.9' }, { upTo: null, rate: '1.8' }] },
      ],
    ];
    for (const [model, expected] of cases) expect(discountModel(model, '10')).toStrictEqual(expected);
  });

  it('a d% discount lowers every quote by exactly d% before rounding (graduated, any quantity)', () => {
    const model: ChargeModel = { type: 'graduated', tiers: [{ upTo: '5', unitPrice: '5', flatFee: '10' }, { upTo: '20', unitPrice: '3.5' }, { upTo: null, unitPrice: '1.25' }] };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 1000 }), (pct, q) => {
        const full = dec(priceCharge(model, { quantity: q, currency: 'EUR' }).preciseAmount);
        const disc = dec(priceCharge(discountModel(model, pct), { quantity: q, currency: 'EUR' }).preciseAmount);
        return disc.eq(full.times(100 - pct).div(100));
      }),
    );
  });

  it('0 % keeps the model; 100 % makes it free; beyond is refused', () => {
    const m: ChargeModel = { type: 'per_unit', unitPrice: '7' };
    expect(discountModel(m, '0')).toStrictEqual(m);
    expect(priceCharge(discountModel(m, '100'), { quantity: 9, currency: 'EUR' }).amount).toBe('0.00');
    expect(() => discountModel(m, '101')).toThrow(/discountPercent: must be between 0 and 100/);
  });
});

describe('contract terms', () => {
  const catalog: ChargeModel = { type: 'per_unit', unitPrice: '10' };
  it('resolves each kind to a model', () => {
    expect(contractModel({ kind: 'discount', discountPercent: '25' }, catalog)).toStrictEqual({ type: 'per_unit', unitPrice: '7.5' });
    expect(contractModel({ kind: 'fixed_price', model: { type: 'flat', price: '99' } }, catalog)).toStrictEqual({ type: 'flat', price: '99' });
    expect(() => contractModel({ kind: 'discount', discountPercent: '5' }, null)).toThrow(/no catalog price/);
  });
  it('names the offending field', () => {
    expect(contractTermsIssues({ kind: 'custom_tiers', model: catalog })).toEqual([{ path: 'model.type', message: expect.stringMatching(/takes a graduated, volume, stairstep, graduated_percentage model, not per_unit/) }]);
    expect(contractTermsIssues({ kind: 'discount', discountPercent: '10', validFrom: '2026-05-01', validTo: '2026-05-01' }).map((i) => i.path)).toEqual(['validTo']);
    expect(contractTermsIssues({ kind: 'model', model: { type: 'package', packageSize: '10', packagePrice: '1' }, validFrom: '2026-01-01', validTo: null })).toEqual([]);
  });
});

describe('schedules', () => {
  const cat = { model: { type: 'flat', price: '1' } as ChargeModel, source: 'catalog' };
  const w = (validFrom: string, validTo: string | null, price: string) => ({ validFrom, validTo, model: { type: 'flat', price } as ChargeModel, source: `c${price}` });

  it('fills the gaps before, between and after contract windows with the catalog price', () => {
    const s = mergeSchedule(cat, [w('2026-07-01', '2026-10-01', '3'), w('2026-01-01', '2026-04-01', '2')]);
    expect(s.map((p) => [p.validFrom, p.validTo, p.source])).toEqual([
      ['1900-01-01', '2026-01-01', 'catalog'],
      ['2026-01-01', '2026-04-01', 'c2'],
      ['2026-04-01', '2026-07-01', 'catalog'],
      ['2026-07-01', '2026-10-01', 'c3'],
      ['2026-10-01', null, 'catalog'],
    ]);
    expect(pointAt(s, '2026-03-31')!.source).toBe('c2');
    expect(pointAt(s, '2026-04-01')!.source).toBe('catalog');
    expect(pointAt(s, '2099-01-01')!.source).toBe('catalog');
  });

  it('adjacent and open-ended windows leave no gap; without a catalog price gaps stay unpriced', () => {
    const s = mergeSchedule(cat, [w('2026-01-01', '2026-02-01', '2'), w('2026-02-01', null, '3')]);
    expect(s.map((p) => p.source)).toEqual(['catalog', 'c2', 'c3']);
    const noCatalog = mergeSchedule(null, [w('2026-01-01', '2026-02-01', '2')]);
    expect(noCatalog.map((p) => p.source)).toEqual(['c2']);
    expect(pointAt(noCatalog, '2026-02-01')).toBeNull();
  });

  it('windows overlap when they share a day (validTo exclusive)', () => {
    expect(windowsOverlap({ validFrom: '2026-01-01', validTo: '2026-02-01' }, { validFrom: '2026-02-01', validTo: null })).toBe(false);
    expect(windowsOverlap({ validFrom: '2026-01-01', validTo: '2026-02-02' }, { validFrom: '2026-02-01', validTo: null })).toBe(true);
    expect(windowsOverlap({ validFrom: '2026-01-01', validTo: null }, { validFrom: '2020-01-01', validTo: null })).toBe(true);
    expect(windowsOverlap({ validFrom: '2026-03-01', validTo: '2026-04-01' }, { validFrom: '2026-01-01', validTo: '2026-12-01' })).toBe(true);
  });
});
