/**
 * The reference implementation of every charge model on decimal.js. Pure functions: each returns the
 * precise (unrounded) amount before any minimum commitment and, when given a `lines` array, appends the
 * breakdown lines to it (their amounts sum to the returned amount). Passing null skips building lines.
 *
 * Conventions shared by all tiered models:
 * - tier i covers the quantity range (tiers[i-1].upTo, tiers[i].upTo]; the first tier starts at 0
 *   inclusive, the last tier is open (upTo null). So a fractional quantity between two bounds, e.g.
 *   5.5 with bounds 5 | 10, belongs to the next tier (the one with upTo 10), and exactly 5 to the first.
 * - graduated: every tier is priced separately and summed. The first tier's flat fee is always charged,
 *   even at quantity 0; any other tier's flat fee only once the quantity enters it (quantity > previous bound).
 * - volume / stairstep: the whole quantity is priced by the one tier (step) that contains it; at quantity 0
 *   that is the first tier (step), so a stairstep charges its first step's price at 0 — add a first step
 *   {upTo: "0", price: "0"} to make zero usage free.
 */
import { AppError } from '../../api/errors';
import { Decimal, dec, decStr, ZERO, type DecimalInput } from '../money';
import type {
  ChargeModel, FlatModel, GraduatedModel, GraduatedPercentageModel, PackageModel, PercentageModel, PerUnitModel, PriceLine, StairstepModel,
  VolumeModel,
} from './types';

export type Lines = PriceLine[] | null;

const HUNDRED = new Decimal(100);

/** "Tier 1 (0-5)", "Tier 2 (5-10)", "Tier 3 (above 10)". */
export function rangeLabel(noun: string, index: number, lower: DecimalInput, upTo: DecimalInput | null): string {
  return upTo === null ? `${noun} ${index + 1} (above ${decStr(lower)})` : `${noun} ${index + 1} (${decStr(lower)}-${decStr(upTo)})`;
}

/** Index of the range containing q: the first with q <= upTo, else the last (open) one. */
function rangeIndexOf(ranges: readonly { upTo: string | null }[], q: Decimal): number {
  const last = ranges.length - 1;
  for (let i = 0; i < last; i++) {
    const up = ranges[i]!.upTo;
    if (up === null || q.lte(up)) return i;
  }
  return last;
}

const lowerBoundOf = (ranges: readonly { upTo: string | null }[], i: number): string => (i === 0 ? '0' : ranges[i - 1]!.upTo ?? '0');

/** Graduated pricing of q; `priceOf` gives a tier's price per unit, `priceKey` names the line field showing `priceText`. */
function graduated<T extends { upTo: string | null; flatFee?: string }>(
  tiers: readonly T[], q: Decimal, priceOf: (t: T) => Decimal, priceKey: 'unitPrice' | 'rate', priceText: (t: T) => string, lines: Lines,
): Decimal {
  let total = ZERO;
  let prev = ZERO;
  for (let i = 0; i < tiers.length; i++) {
    const t = tiers[i]!;
    if (i > 0 && !q.gt(prev)) break; // the quantity never entered this tier
    const up = t.upTo === null ? null : dec(t.upTo);
    const units = (up !== null && q.gt(up) ? up : q).minus(prev);
    let amount = units.times(priceOf(t));
    if (t.flatFee !== undefined) amount = amount.plus(t.flatFee);
    total = total.plus(amount);
    lines?.push({
      description: rangeLabel('Tier', i, prev, t.upTo),
      quantity: decStr(units),
      [priceKey]: priceText(t),
      ...(t.flatFee !== undefined ? { flatFee: decStr(t.flatFee) } : {}),
      amount: decStr(amount),
    });
    if (up === null || q.lte(up)) break;
    prev = up;
  }
  return total;
}

export function evalFlat(m: FlatModel, lines: Lines): Decimal {
  const amount = dec(m.price);
  lines?.push({ description: 'Flat fee', amount: decStr(amount) });
  return amount;
}

export function evalPerUnit(m: PerUnitModel, q: Decimal, lines: Lines): Decimal {
  const amount = q.times(m.unitPrice);
  lines?.push({ description: 'Per unit', quantity: decStr(q), unitPrice: decStr(m.unitPrice), amount: decStr(amount) });
  return amount;
}

export function evalGraduated(m: GraduatedModel, q: Decimal, lines: Lines): Decimal {
  return graduated(m.tiers, q, (t) => dec(t.unitPrice), 'unitPrice', (t) => decStr(t.unitPrice), lines);
}

export function evalVolume(m: VolumeModel, q: Decimal, lines: Lines): Decimal {
  const i = rangeIndexOf(m.tiers, q);
  const t = m.tiers[i]!;
  let amount = q.times(t.unitPrice);
  if (t.flatFee !== undefined) amount = amount.plus(t.flatFee);
  lines?.push({
    description: rangeLabel('Tier', i, lowerBoundOf(m.tiers, i), t.upTo),
    quantity: decStr(q),
    unitPrice: decStr(t.unitPrice),
    ...(t.flatFee !== undefined ? { flatFee: decStr(t.flatFee) } : {}),
    amount: decStr(amount),
  });
  return amount;
}

/** Whole packages needed for q: free units first, then every started package counts as full. */
export function packagesFor(m: PackageModel, q: Decimal): Decimal {
  const billable = q.minus(m.freeUnits ?? 0);
  if (!billable.gt(0)) return ZERO;
  const whole = billable.divToInt(m.packageSize); // exact truncating division
  return billable.mod(m.packageSize).isZero() ? whole : whole.plus(1);
}

export function evalPackage(m: PackageModel, q: Decimal, lines: Lines): Decimal {
  const packages = packagesFor(m, q);
  const amount = packages.times(m.packagePrice);
  if (lines) {
    const free = dec(m.freeUnits ?? 0);
    if (free.gt(0)) lines.push({ description: 'Free units', quantity: decStr(Decimal.min(q, free)), amount: '0' });
    lines.push({ description: `Packages of ${decStr(m.packageSize)}`, quantity: decStr(packages), unitPrice: decStr(m.packagePrice), amount: decStr(amount) });
  }
  return amount;
}

export function evalStairstep(m: StairstepModel, q: Decimal, lines: Lines): Decimal {
  const i = rangeIndexOf(m.steps, q);
  const s = m.steps[i]!;
  const amount = dec(s.price);
  lines?.push({ description: rangeLabel('Step', i, lowerBoundOf(m.steps, i), s.upTo), quantity: decStr(q), amount: decStr(amount) });
  return amount;
}

/**
 * Percentage of each transaction, plus a fixed fee per charged transaction; the fee of each charged
 * transaction (rate part + fixed fee) is clamped to [minPerTransaction, maxPerTransaction].
 *
 * Free transactions — exact interpretation: walking the transactions in order, with n = the transaction's
 * position (1-based) and S = the cumulative amount including it, the transaction is free while
 *   (freeTransactions is unset or n <= freeTransactions) AND (freeAmount is unset or S <= freeAmount),
 * provided at least one of the two limits is set. The first transaction that passes either limit is charged
 * in full (not only its part above freeAmount), and so is every transaction after it: free status never returns.
 */
export function evalPercentage(m: PercentageModel, transactions: readonly Decimal[], lines: Lines): Decimal {
  const rate = dec(m.rate).div(HUNDRED);
  const fixed = m.fixedFee === undefined ? null : dec(m.fixedFee);
  const min = m.minPerTransaction === undefined ? null : dec(m.minPerTransaction);
  const max = m.maxPerTransaction === undefined ? null : dec(m.maxPerTransaction);
  const freeCountLimit = m.freeTransactions;
  const freeAmountLimit = m.freeAmount === undefined ? null : dec(m.freeAmount);
  let free = freeCountLimit !== undefined || freeAmountLimit !== null;
  let n = 0;
  let cumulative = ZERO;
  let freeCount = 0;
  let freeSum = ZERO;
  let charged = 0;
  let chargedSum = ZERO;
  let minAdjust = ZERO;
  let maxAdjust = ZERO;
  for (const amount of transactions) {
    n += 1;
    cumulative = cumulative.plus(amount);
    if (free) free = (freeCountLimit === undefined || n <= freeCountLimit) && (freeAmountLimit === null || cumulative.lte(freeAmountLimit));
    if (free) {
      freeCount += 1;
      freeSum = freeSum.plus(amount);
      continue;
    }
    charged += 1;
    chargedSum = chargedSum.plus(amount);
    if (min || max) {
      const fee = fixed ? amount.times(rate).plus(fixed) : amount.times(rate);
      if (min && fee.lt(min)) minAdjust = minAdjust.plus(min.minus(fee));
      else if (max && fee.gt(max)) maxAdjust = maxAdjust.plus(max.minus(fee));
    }
  }
  const rateAmount = chargedSum.times(rate);
  const fixedAmount = fixed ? fixed.times(charged) : ZERO;
  if (lines) {
    if (freeCount > 0) lines.push({ description: `Free transactions (total ${decStr(freeSum)})`, quantity: String(freeCount), amount: '0' });
    lines.push({
      description: `${decStr(m.rate)}% of ${charged} transaction${charged === 1 ? '' : 's'}`,
      quantity: decStr(chargedSum), rate: decStr(m.rate), amount: decStr(rateAmount),
    });
    if (fixed) lines.push({ description: 'Fixed fee per transaction', quantity: String(charged), unitPrice: decStr(fixed), amount: decStr(fixedAmount) });
    if (!minAdjust.isZero()) lines.push({ description: 'Minimum fee per transaction adjustment', amount: decStr(minAdjust) });
    if (!maxAdjust.isZero()) lines.push({ description: 'Maximum fee per transaction adjustment', amount: decStr(maxAdjust) });
  }
  return rateAmount.plus(fixedAmount).plus(minAdjust).plus(maxAdjust);
}

/**
 * Graduated rates over the cumulative transaction amount: the part of the total in each tier is charged at
 * that tier's rate (percent); a tier's flat fee is charged once when the total enters the tier (the first
 * tier's always, as for graduated).
 */
export function evalGraduatedPercentage(m: GraduatedPercentageModel, transactions: readonly Decimal[], lines: Lines): Decimal {
  const total = transactions.reduce((a, b) => a.plus(b), ZERO);
  return graduated(m.tiers, total, (t) => dec(t.rate).div(HUNDRED), 'rate', (t) => decStr(t.rate), lines);
}

/**
 * Precise amount of a model before the minimum. `q` is the quantity; `transactions` feed the percentage
 * models (when absent they price one transaction of amount q).
 */
export function evaluate(model: ChargeModel, q: Decimal, transactions: readonly Decimal[] | null, lines: Lines): Decimal {
  switch (model.type) {
    case 'flat': return evalFlat(model, lines);
    case 'per_unit': return evalPerUnit(model, q, lines);
    case 'graduated': return evalGraduated(model, q, lines);
    case 'volume': return evalVolume(model, q, lines);
    case 'package': return evalPackage(model, q, lines);
    case 'stairstep': return evalStairstep(model, q, lines);
    case 'percentage': return evalPercentage(model, transactions ?? [q], lines);
    case 'graduated_percentage': return evalGraduatedPercentage(model, transactions ?? [q], lines);
  }
}

/** Parses a quantity or transaction amount, rejecting what is not a finite non-negative decimal. */
export function quantityOf(v: DecimalInput, path = 'quantity'): Decimal {
  let d: Decimal;
  try {
    d = dec(v);
  } catch {
    throw AppError.validation(path, 'must be a decimal number such as "12.5"');
  }
  if (!d.isFinite()) throw AppError.validation(path, 'must be a finite decimal number');
  if (d.isNegative()) throw AppError.validation(path, 'must not be negative');
  return d;
}

/** Precise amount for quantity q with the (unprorated) minimum applied, without lines: the plain Decimal path. */
export function preciseDecimal(model: ChargeModel, q: DecimalInput): Decimal {
  const amount = evaluate(model, quantityOf(q), null, null);
  return model.minimum !== undefined && amount.lt(model.minimum) ? dec(model.minimum) : amount;
}
