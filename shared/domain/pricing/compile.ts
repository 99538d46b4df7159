/**
 * The fast path: a charge model compiled once into integer closures.
 *
 * Every value is scaled to an integer: quantities (and tier bounds) by 10^QS, unit prices by 10^PS — PS being
 * the most decimals any price, fee, minimum or rate/100 of the model has — so amounts are exact integers at
 * scale 10^(QS+PS). Two integer kernels are built:
 * - a Number kernel (QS = max(bound decimals, 4)), used while the quantity has at most QS decimals and is
 *   small enough that every intermediate value stays below 2^53 (checked against a precomputed bound);
 * - a BigInt kernel (QS = 12) for everything else up to 12 decimals.
 * A model value with more than 12 decimals (rates: 10), a quantity with more than 12 decimals, or a result
 * beyond decimal.js's 50 significant digits take the decimal.js path (evaluate.ts), so every result is
 * exactly the Decimal reference result — a property test checks it.
 *
 * Compiled models are cached per model object (WeakMap): models are immutable values; do not mutate a
 * model after pricing it.
 */
import { Decimal, dec, ZERO, type DecimalInput } from '../money';
import { preciseDecimal } from './evaluate';
import type { ChargeModel } from './types';

/** Quantity scale of the BigInt kernel: quantities with up to 12 decimals take an integer path. */
export const QUANTITY_SCALE = 12;
const MAX_DECIMALS = 12;
const MIN_SMALL_QUANTITY_SCALE = 4;
const PLAIN = /^\d+(?:\.\d+)?$/;
const ZEROS = '0'.repeat(64);
const POW_N = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact up to 10^22
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** decimal.js (precision 50) is exact below 10^50 significant digits: beyond, defer to it. */
const DIGITS_LIMIT = 10n ** 50n;

export interface CompiledModel {
  readonly model: ChargeModel;
  /** True when evaluations run on integers; false when the model needs decimal.js for every evaluation. */
  readonly integer: boolean;
  /**
   * Precise amount at quantity q, the model's minimum applied (not prorated). For the percentage models q is
   * the amount of one transaction (graduated_percentage: the cumulative amount).
   */
  amountOf(q: DecimalInput): Decimal;
}

/** Decimals of a plain decimal string, ignoring trailing zeros ("1.50" → 1); -1 when it is not plain. */
function decimalsOf(s: string): number {
  if (!PLAIN.test(s)) return -1;
  const dot = s.indexOf('.');
  if (dot < 0) return 0;
  let end = s.length;
  while (end > dot + 1 && s.charCodeAt(end - 1) === 48) end--;
  return end - dot - 1;
}

/** A plain decimal string scaled to an integer; the caller guarantees decimalsOf(s) <= scale. */
function scaled(s: string, scale: number): bigint {
  const dot = s.indexOf('.');
  if (dot < 0) return BigInt(s + ZEROS.slice(0, scale));
  const frac = s.slice(dot + 1, Math.min(s.length, dot + 1 + scale));
  return BigInt(s.slice(0, dot) + frac + ZEROS.slice(0, scale - frac.length));
}

/** The integer digits `digits` (no sign) divided by 10^scale, as a Decimal built from the shortest string. */
function decimalOfDigits(digits: string, scale: number): Decimal {
  const intEnd = digits.length - scale;
  let end = digits.length;
  while (end > intEnd && end > 0 && digits.charCodeAt(end - 1) === 48) end--;
  if (end === 0) return ZERO;
  if (intEnd <= 0) return new Decimal('0.' + ZEROS.slice(0, -intEnd) + digits.slice(0, end));
  return new Decimal(end === intEnd ? digits.slice(0, intEnd) : digits.slice(0, intEnd) + '.' + digits.slice(intEnd, end));
}

// ---------------------------------------------------------------------------------------------------------
// Integer tables of a model at a quantity scale (prices at scale ps, amounts at scale qs + ps).

type Tables =
  | { kind: 'const'; value: bigint }
  | { kind: 'linear'; price: bigint }
  /** q in tier i (ups[i-1] < q <= ups[i]) costs bases[i] + (q - lowers[i]) × prices[i]; bases include the flat fees of tiers 0..i. */
  | { kind: 'graduated'; ups: bigint[]; prices: bigint[]; lowers: bigint[]; bases: bigint[] }
  | { kind: 'volume'; ups: bigint[]; prices: bigint[]; fees: bigint[] }
  | { kind: 'steps'; ups: bigint[]; values: bigint[] }
  | { kind: 'package'; size: bigint; free: bigint; price: bigint }
  | { kind: 'percentage'; rate: bigint; fixed: bigint; freeWhole: boolean; freeAmount: bigint; min: bigint; max: bigint };

function tablesOf(model: ChargeModel, qs: number, ps: number): Tables {
  const Q = (s: string) => scaled(s, qs);
  const P = (s: string) => scaled(s, ps);
  const A = (s: string | undefined) => (s === undefined ? 0n : scaled(s, qs + ps));
  const rate = (s: string) => scaled(s, ps - 2); // percent → fraction at scale ps
  const bounds = (rs: readonly { upTo: string | null }[]) => rs.slice(0, -1).map((r) => Q(r.upTo!));
  switch (model.type) {
    case 'flat': return { kind: 'const', value: A(model.price) };
    case 'per_unit': return { kind: 'linear', price: P(model.unitPrice) };
    case 'graduated': case 'graduated_percentage': {
      const ups = bounds(model.tiers);
      const prices = model.type === 'graduated' ? model.tiers.map((t) => P(t.unitPrice)) : model.tiers.map((t) => rate(t.rate));
      const lowers: bigint[] = [];
      const bases: bigint[] = [];
      let lower = 0n;
      let base = 0n;
      model.tiers.forEach((t, i) => {
        base += A(t.flatFee);
        lowers.push(lower);
        bases.push(base);
        if (i < ups.length) {
          base += (ups[i]! - lower) * prices[i]!;
          lower = ups[i]!;
        }
      });
      return { kind: 'graduated', ups, prices, lowers, bases };
    }
    case 'volume': return { kind: 'volume', ups: bounds(model.tiers), prices: model.tiers.map((t) => P(t.unitPrice)), fees: model.tiers.map((t) => A(t.flatFee)) };
    case 'stairstep': return { kind: 'steps', ups: bounds(model.steps), values: model.steps.map((s) => A(s.price)) };
    case 'package': return { kind: 'package', size: Q(model.packageSize), free: Q(model.freeUnits ?? '0'), price: A(model.packagePrice) };
    case 'percentage': return {
      kind: 'percentage',
      rate: rate(model.rate),
      fixed: A(model.fixedFee),
      // one transaction (count 1, cumulative q) is free when a limit is set and neither is passed
      freeWhole: (model.freeTransactions !== undefined || model.freeAmount !== undefined) && (model.freeTransactions === undefined || model.freeTransactions >= 1),
      freeAmount: model.freeAmount === undefined ? -1n : Q(model.freeAmount),
      min: model.minPerTransaction === undefined ? -1n : A(model.minPerTransaction),
      max: model.maxPerTransaction === undefined ? -1n : A(model.maxPerTransaction),
    };
  }
}

function withMinimum<N extends number | bigint>(kernel: (q: N) => N, minimum: N | null): (q: N) => N {
  if (minimum === null) return kernel;
  return (q) => { const r = kernel(q); return r < minimum ? minimum : r; };
}

function bigKernel(t: Tables): (q: bigint) => bigint {
  switch (t.kind) {
    case 'const': { const { value } = t; return () => value; }
    case 'linear': { const { price } = t; return (q) => q * price; }
    case 'graduated': {
      const { ups, prices, lowers, bases } = t;
      const n = ups.length;
      return (q) => { let i = 0; while (i < n && q > ups[i]!) i++; return bases[i]! + (q - lowers[i]!) * prices[i]!; };
    }
    case 'volume': {
      const { ups, prices, fees } = t;
      const n = ups.length;
      return (q) => { let i = 0; while (i < n && q > ups[i]!) i++; return q * prices[i]! + fees[i]!; };
    }
    case 'steps': {
      const { ups, values } = t;
      const n = ups.length;
      return (q) => { let i = 0; while (i < n && q > ups[i]!) i++; return values[i]!; };
    }
    case 'package': {
      const { size, free, price } = t;
      return (q) => { const billable = q - free; return billable > 0n ? ((billable + size - 1n) / size) * price : 0n; };
    }
    case 'percentage': {
      const { rate, fixed, freeWhole, freeAmount, min, max } = t;
      return (q) => {
        if (freeWhole && (freeAmount < 0n || q <= freeAmount)) return 0n;
        let fee = q * rate + fixed;
        if (fee >= DIGITS_LIMIT) return fee; // beyond decimal.js precision: the caller defers to it
        if (min >= 0n && fee < min) fee = min;
        else if (max >= 0n && fee > max) fee = max;
        return fee;
      };
    }
  }
}

/**
 * The Number kernel and the largest scaled quantity for which every intermediate value stays an exact
 * integer below 2^53 (intermediates are bounded by offset + q × slope), or null when not worth it.
 */
function smallKernel(t: Tables, minimum: bigint | null): { fn: (q: number) => number; qMax: number } | null {
  const N = (b: bigint) => Number(b);
  const max = (xs: bigint[]) => xs.reduce((a, b) => (b > a ? b : a), 0n);
  let fn: (q: number) => number;
  let offset: bigint;
  let slope: bigint;
  switch (t.kind) {
    case 'const': { const value = N(t.value); fn = () => value; offset = t.value; slope = 0n; break; }
    case 'linear': { const price = N(t.price); fn = (q) => q * price; offset = 0n; slope = t.price; break; }
    case 'graduated': {
      const ups = t.ups.map(N), prices = t.prices.map(N), lowers = t.lowers.map(N), bases = t.bases.map(N);
      const n = ups.length;
      fn = (q) => { let i = 0; while (i < n && q > ups[i]!) i++; return bases[i]! + (q - lowers[i]!) * prices[i]!; };
      offset = max(t.bases); slope = max(t.prices);
      if (max(t.ups) > MAX_SAFE) return null;
      break;
    }
    case 'volume': {
      const ups = t.ups.map(N), prices = t.prices.map(N), fees = t.fees.map(N);
      const n = ups.length;
      fn = (q) => { let i = 0; while (i < n && q > ups[i]!) i++; return q * prices[i]! + fees[i]!; };
      offset = max(t.fees); slope = max(t.prices);
      if (max(t.ups) > MAX_SAFE) return null;
      break;
    }
    case 'steps': {
      const ups = t.ups.map(N), values = t.values.map(N);
      const n = ups.length;
      fn = (q) => { let i = 0; while (i < n && q > ups[i]!) i++; return values[i]!; };
      offset = max(t.values); slope = 0n;
      if (max(t.ups) > MAX_SAFE) return null;
      break;
    }
    case 'package': {
      // packages <= billable <= q (size >= 1 at this scale); % and the exact division keep integers exact
      const size = N(t.size), free = N(t.free), price = N(t.price);
      fn = (q) => {
        const billable = q - free;
        if (billable <= 0) return 0;
        const rest = billable % size;
        return ((billable - rest) / size + (rest > 0 ? 1 : 0)) * price;
      };
      offset = 0n; slope = t.price;
      if (t.size > MAX_SAFE || t.free > MAX_SAFE) return null;
      break;
    }
    case 'percentage':
      return null;
  }
  if (minimum !== null && minimum > offset) offset = minimum;
  if (offset > MAX_SAFE) return null;
  const qMax = slope === 0n ? MAX_SAFE : (MAX_SAFE - offset) / slope;
  return { fn: withMinimum(fn, minimum === null ? null : N(minimum)), qMax: N(qMax) };
}

/** The decimals of every value of the model by role, or null when one is not a plain decimal of at most 12 decimals. */
function scalesOf(model: ChargeModel): { boundDecimals: number; ps: number } | null {
  const bounds: (string | null | undefined)[] = [];
  const amounts: (string | undefined)[] = [model.minimum]; // prices and fees
  const rates: string[] = [];
  switch (model.type) {
    case 'flat': amounts.push(model.price); break;
    case 'per_unit': amounts.push(model.unitPrice); break;
    case 'graduated': case 'volume': for (const t of model.tiers) { bounds.push(t.upTo); amounts.push(t.unitPrice, t.flatFee); } break;
    case 'stairstep': for (const s of model.steps) { bounds.push(s.upTo); amounts.push(s.price); } break;
    case 'package': bounds.push(model.packageSize, model.freeUnits); amounts.push(model.packagePrice); break;
    case 'percentage': bounds.push(model.freeAmount); rates.push(model.rate); amounts.push(model.fixedFee, model.minPerTransaction, model.maxPerTransaction); break;
    case 'graduated_percentage': for (const t of model.tiers) { bounds.push(t.upTo); rates.push(t.rate); amounts.push(t.flatFee); } break;
  }
  let boundDecimals = 0;
  let ps = 0;
  for (const v of bounds) {
    if (v === null || v === undefined) continue;
    const d = decimalsOf(v);
    if (d < 0 || d > MAX_DECIMALS) return null;
    boundDecimals = Math.max(boundDecimals, d);
  }
  for (const v of amounts) {
    if (v === undefined) continue;
    const d = decimalsOf(v);
    if (d < 0 || d > MAX_DECIMALS) return null;
    ps = Math.max(ps, d);
  }
  for (const v of rates) {
    const d = decimalsOf(v);
    if (d < 0 || d + 2 > MAX_DECIMALS) return null;
    ps = Math.max(ps, d + 2);
  }
  return { boundDecimals, ps };
}

export function compileModel(model: ChargeModel): CompiledModel {
  const scales = scalesOf(model);
  // (a zero package size is invalid; decimal.js answers it without dividing by zero)
  if (!scales || (model.type === 'package' && dec(model.packageSize).isZero())) return { model, integer: false, amountOf: (q) => preciseDecimal(model, q) };
  const { ps } = scales;
  const bigScale = QUANTITY_SCALE + ps;
  const big = withMinimum(bigKernel(tablesOf(model, QUANTITY_SCALE, ps)), model.minimum === undefined ? null : scaled(model.minimum, bigScale));
  const qs = Math.max(scales.boundDecimals, MIN_SMALL_QUANTITY_SCALE);
  const smallScale = qs + ps;
  const small = smallKernel(tablesOf(model, qs, ps), model.minimum === undefined ? null : scaled(model.minimum, smallScale));
  // flat and stairstep take a handful of values: their Decimals are worth caching
  const memo = small && (model.type === 'flat' || model.type === 'stairstep') ? new Map<number, Decimal>() : null;
  const qPow = POW_N[qs]!;

  function viaBig(s: string, q: DecimalInput): Decimal {
    const dot = s.indexOf('.');
    let b: bigint;
    if (dot < 0) b = BigInt(s + '000000000000');
    else {
      const fracLen = s.length - dot - 1;
      if (fracLen <= QUANTITY_SCALE) b = BigInt(s.slice(0, dot) + s.slice(dot + 1) + ZEROS.slice(0, QUANTITY_SCALE - fracLen));
      else if (decimalsOf(s) <= QUANTITY_SCALE) b = scaled(s, QUANTITY_SCALE);
      else return preciseDecimal(model, q);
    }
    const r = big(b);
    return r < DIGITS_LIMIT ? decimalOfDigits(r.toString(), bigScale) : preciseDecimal(model, q);
  }
  function fromSmall(r: number): Decimal {
    if (!memo) return decimalOfDigits(String(r), smallScale);
    let d = memo.get(r);
    if (!d) memo.set(r, (d = decimalOfDigits(String(r), smallScale)));
    return d;
  }

  return {
    model,
    integer: true,
    amountOf(q) {
      let s: string;
      if (typeof q === 'string') s = q;
      else if (typeof q === 'number') {
        if (small && Number.isSafeInteger(q) && q >= 0 && q * qPow <= small.qMax) return fromSmall(small.fn(q * qPow));
        s = String(q);
      } else s = q.toFixed();
      if (!PLAIN.test(s)) return preciseDecimal(model, q); // validates (throws) or handles exponent forms
      if (small) {
        // digits of at most 15 characters parse exactly into a Number; scaled it stays exact below 2^53
        const dot = s.indexOf('.');
        const fracLen = dot < 0 ? 0 : s.length - dot - 1;
        if (fracLen <= qs && (dot < 0 ? s.length : s.length - 1) <= 15) {
          const v = (dot < 0 ? Number(s) : Number(s.slice(0, dot) + s.slice(dot + 1))) * POW_N[qs - fracLen]!;
          if (v <= small.qMax) return fromSmall(small.fn(v));
        }
      }
      return viaBig(s, q);
    },
  };
}

const compiled = new WeakMap<ChargeModel, CompiledModel>();

/** The compiled form of a model, compiled on first use and cached per model object. */
export function compiledModelOf(model: ChargeModel): CompiledModel {
  let c = compiled.get(model);
  if (!c) compiled.set(model, (c = compileModel(model)));
  return c;
}
