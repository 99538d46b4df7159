/**
 * Pricing bench: evaluations per second of the compiled fast path (preciseAmountOf) per charge model,
 * against the plain decimal.js path (preciseDecimal, no lines) in the same run, and the ratio between them;
 * quantities are strings, a third with 2 decimals, from 0 to 10^6. Also full quotes with lines (priceCharge).
 * Run: npx tsx test/bench/pricing.ts [seconds-per-case]
 */
import { priceCharge, preciseAmountOf, preciseDecimal, type ChargeModel } from '../../shared/domain/pricing';

const SECONDS = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 1);

const models: Record<string, ChargeModel> = {
  flat: { type: 'flat', price: '49.99' },
  per_unit: { type: 'per_unit', unitPrice: '0.0006' },
  graduated: {
    type: 'graduated',
    tiers: [
      { upTo: '1000', unitPrice: '0.05', flatFee: '10' },
      { upTo: '10000', unitPrice: '0.04' },
      { upTo: '100000', unitPrice: '0.025', flatFee: '5' },
      { upTo: null, unitPrice: '0.0125' },
    ],
  },
  volume: {
    type: 'volume',
    tiers: [
      { upTo: '1000', unitPrice: '0.05', flatFee: '10' },
      { upTo: '10000', unitPrice: '0.04' },
      { upTo: '100000', unitPrice: '0.025' },
      { upTo: null, unitPrice: '0.0125' },
    ],
  },
  package: { type: 'package', packageSize: '1000', packagePrice: '7.5', freeUnits: '500' },
  stairstep: { type: 'stairstep', steps: [{ upTo: '10', price: '100' }, { upTo: '50', price: '400' }, { upTo: '250', price: '1500' }, { upTo: null, price: '5000' }] },
  percentage: { type: 'percentage', rate: '2.9', fixedFee: '0.30', minPerTransaction: '0.50', maxPerTransaction: '25' },
  graduated_percentage: {
    type: 'graduated_percentage',
    tiers: [{ upTo: '10000', rate: '3', flatFee: '2' }, { upTo: '100000', rate: '2' }, { upTo: null, rate: '1.5' }],
  },
};

// Deterministic quantities: whole numbers and decimals spread over every tier.
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const quantities: string[] = Array.from({ length: 4096 }, (_, i) => {
  const magnitude = 10 ** Math.floor(rnd() * 7);
  const v = rnd() * magnitude;
  return i % 3 === 0 ? v.toFixed(2) : String(Math.floor(v));
});

/** Evaluations per second: the best of 5 windows (SECONDS / 5 each), so a busy neighbour on the machine distorts less. */
function measure(fn: (q: string) => unknown): number {
  let sink = 0;
  for (let i = 0; i < 20_000; i++) if (fn(quantities[i & 4095]!)) sink++; // warm-up
  let best = 0;
  for (let w = 0; w < 5; w++) {
    let n = 0;
    const start = performance.now();
    const deadline = start + (SECONDS * 1000) / 5;
    let now = start;
    while (now < deadline) {
      for (let i = 0; i < 4096; i++) if (fn(quantities[i]!)) sink++;
      n += 4096;
      now = performance.now();
    }
    best = Math.max(best, n / ((now - start) / 1000));
  }
  if (sink < 0) console.log(sink);
  return best;
}

const fmt = (x: number) => Math.round(x).toString();
for (const [name, model] of Object.entries(models)) {
  // the two paths must agree on the bench's own inputs
  for (const q of quantities.slice(0, 256)) {
    if (!preciseAmountOf(model, q).eq(preciseDecimal(model, q))) throw new Error(`${name}: fast path differs at ${q}`);
  }
  const fast = measure((q) => preciseAmountOf(model, q));
  const plain = measure((q) => preciseDecimal(model, q));
  console.log(`BENCH pricing ${name}_evals_per_s=${fmt(fast)} evals/s`);
  console.log(`BENCH pricing ${name}_decimal_evals_per_s=${fmt(plain)} evals/s`);
  console.log(`BENCH pricing ${name}_speedup=${(fast / plain).toFixed(1)} x`);
}
const quoteModel = models.graduated!;
const quotes = measure((q) => priceCharge(quoteModel, { currency: 'USD', quantity: q }));
console.log(`BENCH pricing graduated_quote_with_lines_per_s=${fmt(quotes)} quotes/s`);
