/**
 * The reference implementation of every charge model on decimal.js. Each function is pure and
 * returns the breakdown lines and the precise (unrounded) amount, before any minimum commitment.
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
import { Decimal, dec, decStr, ZERO, type DecimalInput } from '../money';
import type {
  FlatModel, GraduatedModel, GraduatedPercentageModel, PackageModel, PercentageModel, PerUnitModel, PriceLine, StairstepModel, VolumeModel,
} from './types';

/**
 * Every evaluator returns the precise amount and, when given a `lines` array, appends the breakdown lines
 * to it (their amounts sum to the returned amount). Passing null skips building lines (the fast Decimal path).
 */
export type Lines = PriceLine[] | null;

const HUNDRED = new Decimal(100);

/** "Tier 1 (0-5)", "Tier 2 (5-10)", "Tier 3 (above 10)". */
export function rangeLabel(noun: string, index: number, lower: Decimal, upTo: DecimalInput | null): string {
  return upTo === null ? `${noun} ${index + 1} (above ${decStr(lower)})` : `${noun} ${index + 1} (${decStr(lower)}-${decStr(upTo)})`;
}

/** Index of the tier containing q: the first with q <= upTo, else the last (open) one. */
export function tierIndexOf(bounds: readonly (string | null)[], q: Decimal): number {
  for (let i = 0; i < bounds.length - 1; i++) {
    const up = bounds[i];
    if (up === null || q.lte(up)) return i;
  }
  return bounds.length - 1;
}

interface GradTier { upTo: string | null; price: Decimal; priceText: string; flatFee?: string }

/** Graduated pricing over q; `priceKey` names the line field carrying the tier's price ('unitPrice' or 'rate'). */
function graduated(tiers: readonly GradTier[], q: Decimal, priceKey: 'unitPrice' | 'rate'): Evaluation {
  const lines: PriceLine[] = [];
  let total = ZERO;
  let prev = ZERO;
  for (let i = 0; i < tiers.length; i++) {
    const t = tiers[i]!;
    if (i > 0 && !q.gt(prev)) break; // the quantity never entered this tier
    const up = t.upTo === null ? null : dec(t.upTo);
    const top = up !== null && q.gt(up) ? up : q;
    const units = top.minus(prev);
    let amount = units.times(t.price);
    if (t.flatFee !== undefined) amount = amount.plus(t.flatFee);
    total = total.plus(amount);
    lines.push({
      description: rangeLabel('Tier', i, prev, t.upTo),
      quantity: decStr(units),
      [priceKey]: t.priceText,
      ...(t.flatFee !== undefined ? { flatFee: decStr(t.flatFee) } : {}),
      amount: decStr(amount),
    });
    if (up === null || q.lte(up)) break;
    prev = up;
  }
  return { lines, precise: total };
}

export function evalFlat(m: FlatModel): Evaluation {
  const amount = dec(m.price);
  return { lines: [{ description: 'Flat fee', amount: decStr(amount) }], precise: amount };
}

export function evalPerUnit(m: PerUnitModel, q: Decimal): Evaluation {
  const amount = q.times(m.unitPrice);
  return { lines: [{ description: 'Per unit', quantity: decStr(q), unitPrice: decStr(m.unitPrice), amount: decStr(amount) }], precise: amount };
}

export function evalGraduated(m: GraduatedModel, q: Decimal): Evaluation {
  return graduated(
    m.tiers.map((t) => ({ upTo: t.upTo, price: dec(t.unitPrice), priceText: decStr(t.unitPrice), flatFee: t.flatFee })),
    q,
    'unitPrice',
  );
}

export function evalVolume(m: VolumeModel, q: Decimal): Evaluation {
  const i = tierIndexOf(m.tiers.map((t) => t.upTo), q);
  const t = m.tiers[i]!;
  const lower = i === 0 ? ZERO : dec(m.tiers[i - 1]!.upTo!);
  let amount = q.times(t.unitPrice);
  if (t.flatFee !== undefined) amount = amount.plus(t.flatFee);
  return {
    lines: [{
      description: rangeLabel('Tier', i, lower, t.upTo),
      quantity: decStr(q),
      unitPrice: decStr(t.unitPrice),
      ...(t.flatFee !== undefined ? { flatFee: decStr(t.flatFee) } : {}),
      amount: decStr(amount),
    }],
    precise: amount,
  };
}

/** Whole packages needed for q: free units first, then every started package counts as full. */
export function packagesFor(m: PackageModel, q: Decimal): Decimal {
  const billable = q.minus(m.freeUnits ?? 0);
  if (!billable.gt(0)) return ZERO;
  const whole = billable.divToInt(m.packageSize); // exact truncating division
  return billable.mod(m.packageSize).isZero() ? whole : whole.plus(1);
}

export function evalPackage(m: PackageModel, q: Decimal): Evaluation {
  const lines: PriceLine[] = [];
  const free = dec(m.freeUnits ?? 0);
  if (free.gt(0)) lines.push({ description: 'Free units', quantity: decStr(Decimal.min(q, free)), amount: '0' });
  const packages = packagesFor(m, q);
  const amount = packages.times(m.packagePrice);
  lines.push({
    description: `Packages of ${decStr(m.packageSize)}`,
    quantity: decStr(packages),
    unitPrice: decStr(m.packagePrice),
    amount: decStr(amount),
  });
  return { lines, precise: amount };
}

export function evalStairstep(m: StairstepModel, q: Decimal): Evaluation {
  const i = tierIndexOf(m.steps.map((s) => s.upTo), q);
  const s = m.steps[i]!;
  const lower = i === 0 ? ZERO : dec(m.steps[i - 1]!.upTo!);
  const amount = dec(s.price);
  return { lines: [{ description: rangeLabel('Step', i, lower, s.upTo), quantity: decStr(q), amount: decStr(amount) }], precise: amount };
}

/**
 * Percentage of each transaction, plus a fixed fee per charged transaction, each charged transaction's fee
 * clamped to [minPerTransaction, maxPerTransaction].
 *
 * Free transactions — exact interpretation: walking the transactions in order, with n = the transaction's
 * position (1-based) and S = the cumulative amount including it, the transaction is free while
 *   (freeTransactions is unset or n <= freeTransactions) AND (freeAmount is unset or S <= freeAmount),
 * and at least one of the two limits is set. The first transaction that passes either limit is charged in
 * full (not only the part above freeAmount), and so is every transaction after it: free status never returns.
 */
export function evalPercentage(m: PercentageModel, transactions: readonly Decimal[]): Evaluation {
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
    let fee = amount.times(rate);
    if (fixed) fee = fee.plus(fixed);
    if (min && fee.lt(min)) minAdjust = minAdjust.plus(min.minus(fee));
    else if (max && fee.gt(max)) maxAdjust = maxAdjust.plus(max.minus(fee));
  }
  const lines: PriceLine[] = [];
  if (freeCount > 0) lines.push({ description: `Free transactions (total ${decStr(freeSum)})`, quantity: String(freeCount), amount: '0' });
  const rateAmount = chargedSum.times(rate);
  lines.push({ description: `${decStr(m.rate)}% of ${charged} transaction${charged === 1 ? '' : 's'}`, quantity: decStr(chargedSum), rate: decStr(m.rate), amount: decStr(rateAmount) });
  let total = rateAmount;
  if (fixed) {
    const fixedAmount = fixed.times(charged);
    total = total.plus(fixedAmount);
    lines.push({ description: 'Fixed fee per transaction', quantity: String(charged), unitPrice: decStr(fixed), amount: decStr(fixedAmount) });
  }
  if (!minAdjust.isZero()) {
    total = total.plus(minAdjust);
    lines.push({ description: 'Minimum fee per transaction adjustment', amount: decStr(minAdjust) });
  }
  if (!maxAdjust.isZero()) {
    total = total.plus(maxAdjust);
    lines.push({ description: 'Maximum fee per transaction adjustment', amount: decStr(maxAdjust) });
  }
  return { lines, precise: total };
}

/**
 * Graduated rates over the cumulative transaction amount: the part of the total in each tier is charged at
 * that tier's rate; a tier's flat fee is charged once when the total enters the tier (the first tier's always,
 * as for graduated).
 */
export function evalGraduatedPercentage(m: GraduatedPercentageModel, transactions: readonly Decimal[]): Evaluation {
  const total = transactions.reduce((a, b) => a.plus(b), ZERO);
  return graduated(
    m.tiers.map((t) => ({ upTo: t.upTo, price: dec(t.rate).div(HUNDRED), priceText: decStr(t.rate), flatFee: t.flatFee })),
    total,
    'rate',
  );
}
