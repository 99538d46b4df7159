/**
 * The fast path: a charge model compiled once into a closure over scaled BigInt integers.
 *
 * Quantities are scaled by 10^12 (QUANTITY_SCALE) and prices by 10^PS, PS being the most decimals any
 * price, fee, minimum or rate/100 of the model has; amounts are computed exactly at scale 10^(12+PS).
 * A model with a value of more than 12 decimals (rates: 10), a quantity of more than 12 decimals, or a
 * result beyond decimal.js's 50 significant digits take the decimal.js path instead, so every result is
 * exactly the one of the Decimal reference implementation (evaluate.ts) — a property test checks it.
 *
 * Compiled models are cached per model object (WeakMap): models are immutable values; do not mutate a
 * model after pricing it.
 */
import { Decimal, ZERO, type DecimalInput } from '../money';
import { preciseDecimal } from './evaluate';
import type { ChargeModel } from './types';

export const QUANTITY_SCALE = 12;
const MAX_DECIMALS = 12;
const PLAIN = /^\d+(?:\.\d+)?$/;
const ZEROS = '0'.repeat(64);
const POW = Array.from({ length: 64 }, (_, i) => 10n ** BigInt(i));
/** decimal.js (precision 50) is exact below 10^50 significant digits: beyond, defer to it. */
const DIGITS_LIMIT = 10n ** 50n;

export interface CompiledModel {
  readonly model: ChargeModel;
  /** True when evaluations run on scaled integers; false when the model needs decimal.js for every evaluation. */
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

/** Quantity → integer scaled by 10^12, or null when it cannot take the integer path. */
function quantityScaled(q: DecimalInput): bigint | null {
  let s: string;
  if (typeof q === 'string') s = q;
  else if (typeof q === 'number') {
    if (Number.isSafeInteger(q) && q >= 0) return BigInt(q) * POW[QUANTITY_SCALE]!;
    s = String(q);
  } else s = q.toFixed();
  if (!PLAIN.test(s)) return null;
  const dot = s.indexOf('.');
  if (dot < 0) return BigInt(s + '000000000000');
  const fracLen = s.length - dot - 1;
  if (fracLen > QUANTITY_SCALE) return decimalsOf(s) <= QUANTITY_SCALE ? scaled(s, QUANTITY_SCALE) : null;
  return BigInt(s.slice(0, dot) + s.slice(dot + 1) + ZEROS.slice(0, QUANTITY_SCALE - fracLen));
}

function fromScaled(r: bigint, scale: number): Decimal {
  if (r === 0n) return ZERO;
  let s = r.toString();
  if (s.length <= scale) s = ZEROS.slice(0, scale - s.length + 1) + s;
  return new Decimal(s.slice(0, s.length - scale) + '.' + s.slice(s.length - scale));
}

type Kernel = (q: bigint) => bigint;

/** Builds the integer kernel, or returns null when some value of the model has too many decimals. */
function kernelOf(model: ChargeModel): { kernel: Kernel; scale: number } | null {
  // Collect every value with its role to find the price scale PS.
  const bounds: string[] = [];
  const prices: string[] = []; // multiplied by a quantity: need decimals <= PS
  const rates: string[] = []; // percent: rate/100 needs decimals + 2 <= PS
  const amounts: string[] = []; // added as they are
  if (model.minimum !== undefined) amounts.push(model.minimum);
  switch (model.type) {
    case 'flat': amounts.push(model.price); break;
    case 'per_unit': prices.push(model.unitPrice); break;
    case 'graduated': case 'volume':
      for (const t of model.tiers) {
        if (t.upTo !== null) bounds.push(t.upTo);
        prices.push(t.unitPrice);
        if (t.flatFee !== undefined) amounts.push(t.flatFee);
      }
      break;
    case 'package': bounds.push(model.packageSize, model.freeUnits ?? '0'); amounts.push(model.packagePrice); break;
    case 'stairstep': for (const s of model.steps) { if (s.upTo !== null) bounds.push(s.upTo); amounts.push(s.price); } break;
    case 'percentage':
      rates.push(model.rate);
      if (model.freeAmount !== undefined) bounds.push(model.freeAmount); // compared with the transaction amount
      for (const v of [model.fixedFee, model.minPerTransaction, model.maxPerTransaction]) if (v !== undefined) amounts.push(v);
      break;
    case 'graduated_percentage':
      for (const t of model.tiers) {
        if (t.upTo !== null) bounds.push(t.upTo);
        rates.push(t.rate);
        if (t.flatFee !== undefined) amounts.push(t.flatFee);
      }
      break;
  }
  let ps = 0;
  for (const v of bounds) { const d = decimalsOf(v); if (d < 0 || d > MAX_DECIMALS) return null; }
  for (const v of [...prices, ...amounts]) { const d = decimalsOf(v); if (d < 0 || d > MAX_DECIMALS) return null; ps = Math.max(ps, d); }
  for (const v of rates) { const d = decimalsOf(v); if (d < 0 || d + 2 > MAX_DECIMALS) return null; ps = Math.max(ps, d + 2); }
  const rs = QUANTITY_SCALE + ps;
  const Q = (s: string) => scaled(s, QUANTITY_SCALE);
  const P = (s: string) => scaled(s, ps);
  const R = (s: string) => scaled(s, rs);
  const rate = (s: string) => scaled(s, ps - 2); // percent → fraction at scale ps
  const A = (s: string | undefined) => (s === undefined ? 0n : R(s));

  let kernel: Kernel;
  switch (model.type) {
    case 'flat': { const price = R(model.price); kernel = () => price; break; }
    case 'per_unit': { const price = P(model.unitPrice); kernel = (q) => q * price; break; }
    case 'graduated': kernel = graduatedKernel(model.tiers.map((t) => ({ upTo: t.upTo === null ? -1n : Q(t.upTo), price: P(t.unitPrice), fee: A(t.flatFee) }))); break;
    case 'graduated_percentage': kernel = graduatedKernel(model.tiers.map((t) => ({ upTo: t.upTo === null ? -1n : Q(t.upTo), price: rate(t.rate), fee: A(t.flatFee) }))); break;
    case 'volume': {
      const ups = model.tiers.map((t) => (t.upTo === null ? -1n : Q(t.upTo)));
      const ps_ = model.tiers.map((t) => P(t.unitPrice));
      const fees = model.tiers.map((t) => A(t.flatFee));
      const last = ups.length - 1;
      kernel = (q) => {
        let i = 0;
        while (i < last && q > ups[i]!) i++;
        return q * ps_[i]! + fees[i]!;
      };
      break;
    }
    case 'stairstep': {
      const ups = model.steps.map((s) => (s.upTo === null ? -1n : Q(s.upTo)));
      const pr = model.steps.map((s) => R(s.price));
      const last = ups.length - 1;
      kernel = (q) => {
        let i = 0;
        while (i < last && q > ups[i]!) i++;
        return pr[i]!;
      };
      break;
    }
    case 'package': {
      const size = Q(model.packageSize);
      if (size === 0n) return null; // invalid model: let decimal.js report it
      const free = Q(model.freeUnits ?? '0');
      const price = R(model.packagePrice);
      kernel = (q) => {
        const billable = q - free;
        return billable > 0n ? ((billable + size - 1n) / size) * price : 0n;
      };
      break;
    }
    case 'percentage': {
      // One transaction of amount q: free when a limit is set and neither is passed (count 1, cumulative q).
      const r = rate(model.rate);
      const fixed = A(model.fixedFee);
      const hasLimit = model.freeTransactions !== undefined || model.freeAmount !== undefined;
      const countOk = model.freeTransactions === undefined || model.freeTransactions >= 1;
      const freeAmount = model.freeAmount === undefined ? -1n : Q(model.freeAmount);
      const min = model.minPerTransaction === undefined ? -1n : R(model.minPerTransaction);
      const max = model.maxPerTransaction === undefined ? -1n : R(model.maxPerTransaction);
      kernel = (q) => {
        if (hasLimit && countOk && (freeAmount < 0n || q <= freeAmount)) return 0n;
        let fee = q * r + fixed;
        if (min >= 0n && fee < min) fee = min;
        else if (max >= 0n && fee > max) fee = max;
        return fee;
      };
      break;
    }
  }
  if (model.minimum !== undefined) {
    const base = kernel;
    const minimum = R(model.minimum);
    kernel = (q) => { const r = base(q); return r < minimum ? minimum : r; };
  }
  return { kernel, scale: rs };
}

interface IntTier { upTo: bigint; price: bigint; fee: bigint }

/**
 * Graduated over integer tiers: base[i] is the amount at the lower bound of tier i with the flat fees of
 * tiers 0..i included, so a quantity q in tier i costs base[i] + (q - lower[i]) × price[i].
 */
function graduatedKernel(tiers: IntTier[]): Kernel {
  const n = tiers.length;
  const ups = tiers.map((t) => t.upTo);
  const prices = tiers.map((t) => t.price);
  const lowers: bigint[] = [];
  const bases: bigint[] = [];
  let lower = 0n;
  let base = 0n;
  for (let i = 0; i < n; i++) {
    base += tiers[i]!.fee;
    lowers.push(lower);
    bases.push(base);
    if (i < n - 1) {
      base += (ups[i]! - lower) * prices[i]!;
      lower = ups[i]!;
    }
  }
  const last = n - 1;
  return (q) => {
    let i = 0;
    while (i < last && q > ups[i]!) i++;
    return bases[i]! + (q - lowers[i]!) * prices[i]!;
  };
}

export function compileModel(model: ChargeModel): CompiledModel {
  const k = kernelOf(model);
  if (!k) return { model, integer: false, amountOf: (q) => preciseDecimal(model, q) };
  const { kernel, scale } = k;
  return {
    model,
    integer: true,
    amountOf(q) {
      const qs = quantityScaled(q);
      if (qs === null) return preciseDecimal(model, q);
      const r = kernel(qs);
      return r < DIGITS_LIMIT ? fromScaled(r, scale) : preciseDecimal(model, q);
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
