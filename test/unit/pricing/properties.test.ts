/** Property tests (fast-check) over random models and quantities. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, dec, decStr } from '../../../shared/domain/money';
import { compileModel, preciseAmountOf, preciseDecimal, priceCharge, type ChargeModel } from '../../../shared/domain/pricing';

/** A non-negative decimal string with up to `maxDecimals` places (sometimes with trailing zeros, as users type them). */
const decimal = (maxInt: number, maxDecimals: number) =>
  fc.tuple(fc.integer({ min: 0, max: maxInt }), fc.integer({ min: 0, max: maxDecimals }), fc.bigInt({ min: 0n, max: 10n ** 14n - 1n }))
    .map(([i, d, f]) => (d === 0 ? String(i) : `${i}.${f.toString().padStart(14, '0').slice(0, d)}`));
const positive = (maxInt: number, maxDecimals: number) => decimal(maxInt, maxDecimals).filter((s) => dec(s).gt(0));

/** Strictly ascending bounds from positive increments; the first may be 0. */
const bounds = (n: number, maxDecimals: number) =>
  fc.tuple(decimal(50, maxDecimals), fc.array(positive(500, maxDecimals), { minLength: n, maxLength: n })).map(([first, incs]) => {
    const out = [dec(first)];
    for (const inc of incs) out.push(out[out.length - 1]!.plus(inc));
    return out.map((b) => b.toFixed());
  });

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const minimumOf = (maxDecimals: number) => maybe(decimal(2000, maxDecimals));

function tiersWith<T>(maxDecimals: number, tier: (upTo: string | null) => fc.Arbitrary<T>): fc.Arbitrary<T[]> {
  return fc.integer({ min: 0, max: 4 }).chain((n) =>
    bounds(n, maxDecimals).chain((bs) => fc.tuple(...bs.slice(0, n).map((b) => tier(b)), tier(null))),
  );
}

/** Every model type, with values of up to `d` decimals (beyond 12 the compiled model falls back to decimal.js). */
const model = (d: number, maxPrice = 100): fc.Arbitrary<ChargeModel> => {
  const price = decimal(maxPrice, d);
  const fee = maybe(decimal(maxPrice, d));
  return fc.oneof(
    fc.record({ type: fc.constant('flat' as const), price, minimum: minimumOf(d) }),
    fc.record({ type: fc.constant('per_unit' as const), unitPrice: price, minimum: minimumOf(d) }),
    fc.record({ type: fc.constant('graduated' as const), tiers: tiersWith(d, (upTo) => fc.record({ upTo: fc.constant(upTo), unitPrice: price, flatFee: fee })), minimum: minimumOf(d) }),
    fc.record({ type: fc.constant('volume' as const), tiers: tiersWith(d, (upTo) => fc.record({ upTo: fc.constant(upTo), unitPrice: price, flatFee: fee })), minimum: minimumOf(d) }),
    fc.record({ type: fc.constant('package' as const), packageSize: positive(200, d), packagePrice: price, freeUnits: maybe(decimal(100, d)), minimum: minimumOf(d) }),
    fc.record({ type: fc.constant('stairstep' as const), steps: tiersWith(d, (upTo) => fc.record({ upTo: fc.constant(upTo), price })), minimum: minimumOf(d) }),
    fc.record({
      type: fc.constant('percentage' as const), rate: decimal(30, d), fixedFee: fee, freeTransactions: maybe(fc.integer({ min: 0, max: 3 })),
      freeAmount: maybe(decimal(500, d)), minPerTransaction: maybe(decimal(5, d)), minimum: minimumOf(d),
    }).chain((m) => maybe(decimal(100, d)).map((extra) => ({
      ...m, maxPerTransaction: extra === undefined ? undefined : dec(m.minPerTransaction ?? 0).plus(extra).toFixed(),
    }))),
    fc.record({ type: fc.constant('graduated_percentage' as const), tiers: tiersWith(d, (upTo) => fc.record({ upTo: fc.constant(upTo), rate: decimal(30, d), flatFee: fee })), minimum: minimumOf(d) }),
  ).map((m) => JSON.parse(JSON.stringify(m)) as ChargeModel); // drop undefined keys, as zod does
};

const quantity = fc.oneof(
  { weight: 8, arbitrary: decimal(5000, 14) },
  { weight: 1, arbitrary: decimal(10_000_000, 3) },
  { weight: 1, arbitrary: fc.constantFrom('0', '1' + '0'.repeat(45), '123456789012345678901234567.5') },
);

describe('compiled fast path', () => {
  it('equals the Decimal path exactly, for every model', () => {
    fc.assert(
      fc.property(model(14), fc.array(quantity, { minLength: 1, maxLength: 8 }), (m, qs) => {
        const compiled = compileModel(m);
        for (const q of qs) {
          expect(decStr(compiled.amountOf(q))).toBe(decStr(preciseDecimal(m, q)));
          expect(decStr(preciseAmountOf(m, q))).toBe(decStr(preciseDecimal(m, q)));
        }
      }),
      { numRuns: 3000 },
    );
  });
  it('equals the Decimal path across the Number/BigInt boundary (large prices and quantities)', () => {
    fc.assert(
      fc.property(model(12, 1_000_000_000), fc.array(decimal(10_000_000, 6), { minLength: 1, maxLength: 8 }), (m, qs) => {
        for (const q of qs) expect(decStr(compileModel(m).amountOf(q))).toBe(decStr(preciseDecimal(m, q)));
      }),
      { numRuns: 2000 },
    );
    // 999999.999999 at quantity scale 4: the Number kernel holds up to q = 0.9007, BigInt beyond
    const m: ChargeModel = { type: 'per_unit', unitPrice: '999999.999999' };
    for (const q of ['0.9007', '0.9008', '9007', '900719925474.0991']) expect(decStr(preciseAmountOf(m, q))).toBe(decStr(preciseDecimal(m, q)));
    expect(preciseAmountOf(m, '0.9008').toFixed()).toBe('900799.9999990992');
  });
  it('takes the integer path for models of up to 12 decimals', () => {
    fc.assert(fc.property(model(8), (m) => { expect(compileModel(m).integer).toBe(true); }));
    expect(compileModel({ type: 'per_unit', unitPrice: '0.0000000000001' }).integer).toBe(false);
    expect(compileModel({ type: 'per_unit', unitPrice: '0.0000000000010' }).integer).toBe(true); // trailing zeros do not count
  });
  it('accepts numbers and Decimals as quantities', () => {
    const m: ChargeModel = { type: 'per_unit', unitPrice: '0.0006' };
    expect(preciseAmountOf(m, 1234567).toFixed()).toBe('740.7402');
    expect(preciseAmountOf(m, 0.5).toFixed()).toBe('0.0003');
    expect(preciseAmountOf(m, new Decimal('1e-13')).toFixed()).toBe('0.00000000000000006');
  });
});

describe('quotes', () => {
  it('lines sum to the precise amount, which is the fast path amount', () => {
    fc.assert(
      fc.property(model(10), decimal(5000, 14), (m, q) => {
        const transactional = m.type === 'percentage' || m.type === 'graduated_percentage';
        const r = priceCharge(m, transactional ? { currency: 'USD', transactions: [q] } : { currency: 'USD', quantity: q });
        const sum = r.lines.reduce((a, l) => a.plus(l.amount), new Decimal(0));
        expect(decStr(sum)).toBe(r.preciseAmount);
        expect(r.preciseAmount).toBe(decStr(preciseAmountOf(m, q)));
        expect(r.amountMinor).toBe(dec(r.preciseAmount).times(100).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber());
      }),
      { numRuns: 1000 },
    );
  });
});

describe('graduated', () => {
  const graduated = fc.integer({ min: 0, max: 5 }).chain((n) =>
    bounds(n, 4).chain((bs) => fc.tuple(...bs.slice(0, n).map((b) => fc.record({ upTo: fc.constant<string | null>(b), unitPrice: decimal(20, 6), flatFee: maybe(decimal(20, 2)) })),
      fc.record({ upTo: fc.constant<string | null>(null), unitPrice: decimal(20, 6), flatFee: maybe(decimal(20, 2)) }))),
  ).map((tiers) => JSON.parse(JSON.stringify({ type: 'graduated', tiers })) as ChargeModel);

  it('totals never decrease as the quantity grows', () => {
    fc.assert(
      fc.property(graduated, decimal(3000, 6), decimal(3000, 6), (m, a, b) => {
        const [lo, hi] = dec(a).lte(b) ? [a, b] : [b, a];
        expect(preciseAmountOf(m, lo).lte(preciseAmountOf(m, hi))).toBe(true);
        expect(dec(priceCharge(m, { currency: 'USD', quantity: lo }).preciseAmount).lte(priceCharge(m, { currency: 'USD', quantity: hi }).preciseAmount)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
  it('one open tier equals per_unit', () => {
    fc.assert(
      fc.property(decimal(1000, 10), decimal(1_000_000, 6), (unitPrice, q) => {
        const one = priceCharge({ type: 'graduated', tiers: [{ upTo: null, unitPrice }] }, { currency: 'EUR', quantity: q });
        const per = priceCharge({ type: 'per_unit', unitPrice }, { currency: 'EUR', quantity: q });
        expect(one.preciseAmount).toBe(per.preciseAmount);
        expect(one.amountMinor).toBe(per.amountMinor);
      }),
    );
  });
});

describe('package', () => {
  it('is a step function: constant within a package, jumping by one package price at each boundary', () => {
    fc.assert(
      fc.property(positive(500, 3), decimal(100, 2), maybe(decimal(100, 2)), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 1_000_000 }),
        (packageSize, packagePrice, freeUnits, k, j) => {
          const m: ChargeModel = freeUnits === undefined ? { type: 'package', packageSize, packagePrice } : { type: 'package', packageSize, packagePrice, freeUnits };
          const free = dec(freeUnits ?? 0);
          const size = dec(packageSize);
          const amount = (q: Decimal) => priceCharge(m, { currency: 'USD', quantity: q.toFixed() }).preciseAmount;
          const kPackages = decStr(dec(packagePrice).times(k));
          // anywhere in package k, i.e. (free + (k-1)·size, free + k·size]: k packages
          const inside = free.plus(size.times(k - 1)).plus(size.times(j).div(1_000_000));
          expect(amount(inside)).toBe(kPackages);
          const boundary = free.plus(size.times(k));
          expect(amount(boundary)).toBe(kPackages);
          expect(amount(boundary.plus('0.000000000001'))).toBe(decStr(dec(packagePrice).times(k + 1)));
          expect(amount(free)).toBe('0');
        }),
      { numRuns: 1000 },
    );
  });
});
