import { describe, expect, it } from 'vitest';
import { discountPercentFor, modelAt, priceOrder, type OrderPricingLine, type PriceOrderInput } from '../../../shared/domain/orders';
import { dec } from '../../../shared/domain/money';

const de = { sellerCountry: 'DE', buyer: { country: 'DE' } };
const toner: OrderPricingLine = { key: 'A', productId: 'p-toner', sku: 'TONER-85A', description: 'Toner 85A', quantity: '24', model: { type: 'per_unit', unitPrice: '12.50' } };
const paper: OrderPricingLine = {
  key: 'B', productId: 'p-paper', sku: 'PAPER-A4', description: 'Paper A4 (box)', quantity: '20',
  model: { type: 'volume', tiers: [{ upTo: '10', unitPrice: '4' }, { upTo: null, unitPrice: '3.5' }] },
};

describe('contract model of a date', () => {
  it('picks the entry in force, later entries winning on overlap', () => {
    const s = [
      { validFrom: '1900-01-01', validTo: '2026-04-01', model: { type: 'per_unit' as const, unitPrice: '10' }, source: 'catalog' },
      { validFrom: '2026-04-01', validTo: null, model: { type: 'per_unit' as const, unitPrice: '11' }, source: 'pb-1' },
    ];
    expect(modelAt(s, '2026-03-31')?.source).toBe('catalog');
    expect(modelAt(s, '2026-04-01')?.source).toBe('pb-1');
    expect(modelAt(s, '1899-12-31')).toBeNull();
  });
});

describe('order pricing at release', () => {
  it('tiers by quantity, volume discount across the period, shipping below the threshold, 19 % VAT', () => {
    const input: PriceOrderInput = {
      currency: 'EUR', lines: [toner, paper],
      volumeDiscount: { basis: 'quantity', tiers: [{ from: '100', percent: '5' }, { from: '500', percent: '10' }] },
      periodBasisBefore: '60', // the account's other orders this month: 60 units; + 44 now = 104 → 5 %
      shipping: { fee: '9.90', freeFrom: '500' },
      tax: de,
    };
    const o = priceOrder(input);
    expect(o.lines.map((l) => [l.kind, l.description, l.quantity, l.unitPrice, l.amountMinor, l.taxRate, l.taxMinor])).toEqual([
      ['product', 'Toner 85A', '24', '12.5', 30000, '19', 5701],
      ['product', 'Paper A4 (box)', '20', '3.5', 7000, '19', 1330],
      ['discount', 'Volume discount 5 %', '1', '-18.5', -1850, '19', -352],
      ['shipping', 'Shipping', '1', '9.9', 990, '19', 188],
    ]);
    expect(o.goodsMinor).toBe(37000);
    expect(o.discountMinor).toBe(-1850);
    expect(o.discountPercent).toBe('5');
    expect(o.shippingMinor).toBe(990);
    // 370.00 − 18.50 + 9.90 = 361.40; × 19 % = 68.666 → 68.67
    expect([o.netMinor, o.taxMinor, o.grossMinor]).toEqual([36140, 6867, 43007]);
    expect(o.periodBasis).toBe('44');
    expect(o.lines[1]!.priceLines).toEqual([{ description: 'Tier 2 (above 10)', quantity: '20', unitPrice: '3.5', amount: '70' }]);
  });

  it('no discount below the first tier; free shipping from the threshold', () => {
    const o = priceOrder({ currency: 'EUR', lines: [toner, { ...paper, quantity: '60' }], volumeDiscount: { basis: 'amount', tiers: [{ from: '1000', percent: '3' }] }, shipping: { fee: '9.90', freeFrom: '500' }, tax: de });
    // goods 300 + 210 = 510 → free shipping; amount basis 510 < 1000 → no discount
    expect([o.goodsMinor, o.discountMinor, o.shippingMinor, o.netMinor]).toEqual([51000, 0, 0, 51000]);
    expect(o.lines.map((l) => l.kind)).toEqual(['product', 'product']);
    expect(o.periodBasis).toBe('510');
  });

  it('the discount splits per tax category and shipping follows the principal category', () => {
    const coffee: OrderPricingLine = { key: 'C', productId: 'p-coffee', sku: 'COFFEE-1KG', description: 'Coffee beans 1 kg', quantity: '10', model: { type: 'per_unit', unitPrice: '20' }, taxCategory: 'reduced' };
    const cups: OrderPricingLine = { key: 'D', productId: 'p-cups', sku: 'CUPS', description: 'Paper cups', quantity: '5', model: { type: 'per_unit', unitPrice: '10' } };
    const o = priceOrder({ currency: 'EUR', lines: [coffee, cups], volumeDiscount: { basis: 'quantity', tiers: [{ from: '10', percent: '10' }] }, shipping: { fee: '5' }, tax: de });
    // goods 200 (7 %) + 50 (19 %); 10 % off = 25.00 → 20.00 reduced, 5.00 standard; shipping 5.00 follows coffee (reduced)
    expect(o.lines.filter((l) => l.kind !== 'product').map((l) => [l.description, l.amountMinor, l.taxCategory])).toEqual([
      ['Volume discount 10 % (reduced)', -2000, 'reduced'],
      ['Volume discount 10 % (standard)', -500, 'standard'],
      ['Shipping', 500, 'reduced'],
    ]);
    // reduced: 200 − 20 + 5 = 185 × 7 % = 12.95; standard: 50 − 5 = 45 × 19 % = 8.55
    expect(o.breakdown.map((b) => [b.rate, b.taxableMinor, b.taxMinor])).toEqual([['19', 4500, 855], ['7', 18500, 1295]]);
    expect(o.taxMinor).toBe(2150);
  });

  it('goods to an EU business abroad are an intra-community supply (K, 0 %)', () => {
    const o = priceOrder({ currency: 'EUR', lines: [toner], tax: { sellerCountry: 'DE', buyer: { country: 'AT', vatId: 'ATU12345678' } } });
    expect(o.lines[0]!.taxCategoryCode).toBe('K');
    expect([o.netMinor, o.taxMinor]).toEqual([30000, 0]);
    expect(o.notes).toEqual(['Intra-community supply exempt from VAT, Article 138 Council Directive 2006/112/EC']);
  });

  it('JPY has no minor unit', () => {
    const o = priceOrder({ currency: 'JPY', lines: [{ ...toner, quantity: '3', model: { type: 'per_unit', unitPrice: '1234.5' } }], shipping: { fee: '800' }, tax: { sellerCountry: 'US', buyer: { country: 'JP' } } });
    expect([o.goodsMinor, o.shippingMinor, o.netMinor, o.taxMinor]).toEqual([3704, 800, 4504, 0]);
  });

  it('discount tiers: the highest reached', () => {
    const p = { basis: 'quantity' as const, tiers: [{ from: '500', percent: '10' }, { from: '100', percent: '5' }] };
    expect(discountPercentFor(p, dec(99))).toBe('0');
    expect(discountPercentFor(p, dec(100))).toBe('5');
    expect(discountPercentFor(p, dec(501))).toBe('10');
    expect(discountPercentFor(null, dec(1000))).toBe('0');
  });
});
