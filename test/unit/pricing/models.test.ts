/** Worked examples, derived by hand, for every charge model and its boundaries. */
import { describe, expect, it } from 'vitest';
import { priceCharge, preciseAmountOf, type ChargeModel } from '../../../shared/domain/pricing';

const usd = (model: ChargeModel, quantity?: string) => priceCharge(model, { currency: 'USD', quantity });
const usdTx = (model: ChargeModel, transactions: string[]) => priceCharge(model, { currency: 'USD', transactions });

describe('flat', () => {
  const m: ChargeModel = { type: 'flat', price: '49.99' };
  it('charges the price whatever the quantity, and needs none', () => {
    expect(usd(m)).toStrictEqual({ currency: 'USD', amount: '49.99', amountMinor: 4999, preciseAmount: '49.99', lines: [{ description: 'Flat fee', amount: '49.99' }] });
    expect(usd(m, '0').preciseAmount).toBe('49.99');
    expect(usd(m, '1000').preciseAmount).toBe('49.99');
    expect(usd(m, '4').effectiveUnitPrice).toBe('12.4975');
  });
});

describe('per_unit', () => {
  const m: ChargeModel = { type: 'per_unit', unitPrice: '2.5' };
  it.each([
    ['0', '0', '0.00'],
    ['1', '2.5', '2.50'],
    ['3.3', '8.25', '8.25'],
  ])('quantity %s → %s', (q, precise, amount) => {
    const r = usd(m, q);
    expect(r.preciseAmount).toBe(precise);
    expect(r.amount).toBe(amount);
  });
  it('has one line with quantity and unit price', () => {
    expect(usd(m, '3.3').lines).toStrictEqual([{ description: 'Per unit', quantity: '3.3', unitPrice: '2.5', amount: '8.25' }]);
  });
});

describe('graduated', () => {
  // 0-5 at 5 + flat 10; 5-10 at 4 + flat 2; above 10 at 3
  const m: ChargeModel = {
    type: 'graduated',
    tiers: [{ upTo: '5', unitPrice: '5', flatFee: '10' }, { upTo: '10', unitPrice: '4', flatFee: '2' }, { upTo: null, unitPrice: '3' }],
  };
  it.each([
    ['0', '10'], // first tier's flat fee even at 0
    ['1', '15'],
    ['5', '35'], // exactly on the bound: tier 2 not entered, no flat fee 2
    ['5.5', '39'], // 35 + 0.5×4 + 2
    ['10', '57'], // 35 + 5×4 + 2
    ['10.25', '57.75'], // 57 + 0.25×3
    ['12', '63'],
  ])('quantity %s → %s', (q, precise) => {
    expect(usd(m, q).preciseAmount).toBe(precise);
    expect(preciseAmountOf(m, q).toFixed()).toBe(precise);
  });
  it('quantity 0 shows only the first tier', () => {
    expect(usd(m, '0').lines).toStrictEqual([{ description: 'Tier 1 (0-5)', quantity: '0', unitPrice: '5', flatFee: '10', amount: '10' }]);
  });
  it('lists one line per entered tier, flat fee only where the tier has one', () => {
    expect(usd(m, '12').lines).toStrictEqual([
      { description: 'Tier 1 (0-5)', quantity: '5', unitPrice: '5', flatFee: '10', amount: '35' },
      { description: 'Tier 2 (5-10)', quantity: '5', unitPrice: '4', flatFee: '2', amount: '22' },
      { description: 'Tier 3 (above 10)', quantity: '2', unitPrice: '3', amount: '6' },
    ]);
    expect(usd(m, '5.5').lines.map((l) => l.quantity)).toEqual(['5', '0.5']);
  });
  it('a first tier up to 0 is a pure fee tier', () => {
    const fee: ChargeModel = { type: 'graduated', tiers: [{ upTo: '0', unitPrice: '0', flatFee: '20' }, { upTo: null, unitPrice: '1' }] };
    expect(usd(fee, '0').preciseAmount).toBe('20');
    expect(usd(fee, '7').preciseAmount).toBe('27');
  });
});

describe('volume', () => {
  // whole quantity at the tier it reaches: ≤100 at 2; (100, 1000] at 1.5 + 20; above at 1
  const m: ChargeModel = {
    type: 'volume',
    tiers: [{ upTo: '100', unitPrice: '2' }, { upTo: '1000', unitPrice: '1.5', flatFee: '20' }, { upTo: null, unitPrice: '1' }],
  };
  it.each([
    ['0', '0'],
    ['100', '200'], // on the bound: still tier 1
    ['100.5', '170.75'], // fractional between bounds: next tier, 100.5 × 1.5 + 20
    ['1000', '1520'],
    ['1001', '1001'],
  ])('quantity %s → %s', (q, precise) => {
    expect(usd(m, q).preciseAmount).toBe(precise);
    expect(preciseAmountOf(m, q).toFixed()).toBe(precise);
  });
  it('has one line for the reached tier', () => {
    expect(usd(m, '100.5').lines).toStrictEqual([{ description: 'Tier 2 (100-1000)', quantity: '100.5', unitPrice: '1.5', flatFee: '20', amount: '170.75' }]);
    expect(usd(m, '1001').lines).toStrictEqual([{ description: 'Tier 3 (above 1000)', quantity: '1001', unitPrice: '1', amount: '1001' }]);
  });
});

describe('package', () => {
  const m: ChargeModel = { type: 'package', packageSize: '100', packagePrice: '50', freeUnits: '20' };
  it.each([
    ['0', '0'],
    ['20', '0'], // all free
    ['20.5', '50'], // a started package counts as full
    ['120', '50'], // exactly one package after the free units
    ['120.01', '100'],
    ['250', '150'], // 230 billable → 3 packages
  ])('quantity %s → %s', (q, precise) => {
    expect(usd(m, q).preciseAmount).toBe(precise);
    expect(preciseAmountOf(m, q).toFixed()).toBe(precise);
  });
  it('shows the free units and the packages', () => {
    expect(usd(m, '250').lines).toStrictEqual([
      { description: 'Free units', quantity: '20', amount: '0' },
      { description: 'Packages of 100', quantity: '3', unitPrice: '50', amount: '150' },
    ]);
  });
  it('without free units and with a fractional package size', () => {
    const p: ChargeModel = { type: 'package', packageSize: '0.5', packagePrice: '3' };
    expect(usd(p, '1').preciseAmount).toBe('6');
    expect(usd(p, '1.01').preciseAmount).toBe('9');
    expect(usd(p, '1.01').lines).toStrictEqual([{ description: 'Packages of 0.5', quantity: '3', unitPrice: '3', amount: '9' }]);
  });
});

describe('stairstep', () => {
  const m: ChargeModel = { type: 'stairstep', steps: [{ upTo: '10', price: '100' }, { upTo: '50', price: '400' }, { upTo: null, price: '1500' }] };
  it.each([
    ['0', '100'], // 0 is in the first step
    ['10', '100'],
    ['10.5', '400'],
    ['50', '400'],
    ['51', '1500'],
  ])('quantity %s → %s', (q, precise) => {
    expect(usd(m, q).preciseAmount).toBe(precise);
    expect(preciseAmountOf(m, q).toFixed()).toBe(precise);
  });
  it('a first step up to 0 makes zero usage free', () => {
    const z: ChargeModel = { type: 'stairstep', steps: [{ upTo: '0', price: '0' }, { upTo: null, price: '100' }] };
    expect(usd(z, '0').preciseAmount).toBe('0');
    expect(usd(z, '0.1').preciseAmount).toBe('100');
    expect(usd(z, '0.1').lines).toStrictEqual([{ description: 'Step 2 (above 0)', quantity: '0.1', amount: '100' }]);
  });
});

describe('percentage', () => {
  const card: ChargeModel = { type: 'percentage', rate: '2.9', fixedFee: '0.30' };
  it('rate on each transaction plus a fixed fee per transaction', () => {
    // 100 → 3.20, 10 → 0.59, 2000 → 58.30
    const r = usdTx(card, ['100', '10', '2000']);
    expect(r.preciseAmount).toBe('62.09');
    expect(r.lines).toStrictEqual([
      { description: '2.9% of 3 transactions', quantity: '2110', rate: '2.9', amount: '61.19' },
      { description: 'Fixed fee per transaction', quantity: '3', unitPrice: '0.3', amount: '0.9' },
    ]);
  });
  it('clamps each charged transaction fee to min/max', () => {
    // 3.20 stays; 0.59 → 1 (+0.41); 58.30 → 50 (−8.30)
    const r = usdTx({ ...card, minPerTransaction: '1', maxPerTransaction: '50' }, ['100', '10', '2000']);
    expect(r.preciseAmount).toBe('54.2');
    expect(r.lines.slice(2)).toStrictEqual([
      { description: 'Minimum fee per transaction adjustment', amount: '0.41' },
      { description: 'Maximum fee per transaction adjustment', amount: '-8.3' },
    ]);
  });
  it('no transactions cost nothing', () => {
    expect(usdTx(card, []).preciseAmount).toBe('0');
  });
  // Interpretation: free while count so far ≤ freeTransactions AND cumulative ≤ freeAmount (whichever are set);
  // the transaction that passes a limit is the first charged, in full, and all after it are charged.
  it('count limit: the transaction after the allowance is the first charged', () => {
    const m: ChargeModel = { type: 'percentage', rate: '2.9', freeTransactions: 2, freeAmount: '500' };
    // n1 S100 free, n2 S400 free, n3 (count 3 > 2) charged 50×2.9% = 1.45, n4 10 → 0.29
    const r = usdTx(m, ['100', '300', '50', '10']);
    expect(r.preciseAmount).toBe('1.74');
    expect(r.lines[0]).toStrictEqual({ description: 'Free transactions (total 400)', quantity: '2', amount: '0' });
  });
  it('amount limit: the transaction that passes it is charged in full, not only the excess', () => {
    const m: ChargeModel = { type: 'percentage', rate: '2.9', freeAmount: '500' };
    // S300 free; S550 > 500 → 250 × 2.9% = 7.25; 100 → 2.9
    expect(usdTx(m, ['300', '250', '100']).preciseAmount).toBe('10.15');
  });
  it('amount limit reached exactly stays free', () => {
    const m: ChargeModel = { type: 'percentage', rate: '2.9', freeAmount: '500' };
    const r = usdTx(m, ['200', '300', '1']);
    expect(r.preciseAmount).toBe('0.029');
    expect(r.amount).toBe('0.03');
  });
  it('freeTransactions 0 frees nothing; fixed fee applies only to charged ones', () => {
    expect(usdTx({ type: 'percentage', rate: '1', freeTransactions: 0 }, ['100']).preciseAmount).toBe('1');
    expect(usdTx({ type: 'percentage', rate: '1', fixedFee: '0.25', freeTransactions: 1 }, ['100', '100']).preciseAmount).toBe('1.25');
  });
});

describe('graduated_percentage', () => {
  const m: ChargeModel = {
    type: 'graduated_percentage',
    tiers: [{ upTo: '1000', rate: '3', flatFee: '5' }, { upTo: '10000', rate: '2', flatFee: '10' }, { upTo: null, rate: '1' }],
  };
  it.each([
    [[], '5'], // first tier's flat fee, as for graduated
    [['400', '600'], '35'], // 1000 × 3% + 5; tier 2 not entered
    [['400', '600', '0.5'], '45.01'], // + 0.5 × 2% + 10
    [['5000', '7000'], '245'], // 35 + 9000 × 2% + 10 + 2000 × 1%
  ])('transactions %j → %s', (txs, precise) => {
    expect(usdTx(m, txs).preciseAmount).toBe(precise);
  });
  it('lines show the rate and the amount in each tier', () => {
    expect(usdTx(m, ['5000', '7000']).lines).toStrictEqual([
      { description: 'Tier 1 (0-1000)', quantity: '1000', rate: '3', flatFee: '5', amount: '35' },
      { description: 'Tier 2 (1000-10000)', quantity: '9000', rate: '2', flatFee: '10', amount: '190' },
      { description: 'Tier 3 (above 10000)', quantity: '2000', rate: '1', amount: '20' },
    ]);
  });
});

describe('effective unit price', () => {
  it('is the precise amount over the quantity, 10 places, absent at 0', () => {
    const m: ChargeModel = { type: 'graduated', tiers: [{ upTo: '5', unitPrice: '5', flatFee: '10' }, { upTo: null, unitPrice: '3' }] };
    expect(usd(m, '12').effectiveUnitPrice).toBe('4.6666666667');
    expect(usd(m, '0').effectiveUnitPrice).toBeUndefined();
    expect('effectiveUnitPrice' in usd(m, '0')).toBe(false);
  });
});

describe('input errors', () => {
  const m: ChargeModel = { type: 'per_unit', unitPrice: '1' };
  const fieldOf = (f: () => unknown) => {
    try { f(); } catch (e) { return (e as { details?: { fields?: { path: string }[] } }).details?.fields?.[0]?.path; }
    return 'no error';
  };
  it('names the field', () => {
    expect(fieldOf(() => usd(m))).toBe('quantity');
    expect(fieldOf(() => usd(m, '-1'))).toBe('quantity');
    expect(fieldOf(() => usd(m, 'abc'))).toBe('quantity');
    expect(fieldOf(() => priceCharge({ type: 'percentage', rate: '1' }, { currency: 'USD' }))).toBe('transactions');
    expect(fieldOf(() => usdTx({ type: 'percentage', rate: '1' }, ['1', '-2']))).toBe('transactions.1');
    expect(fieldOf(() => preciseAmountOf(m, '-3'))).toBe('quantity');
    expect(fieldOf(() => usd(m, '1' + '0'.repeat(30)))).toBe('quantity'); // amount beyond the safe minor-unit range
  });
});
