/**
 * Minimum commitments: per charge (the model's `minimum`) and subscription-wide (over several charges),
 * with proration of the minimum for a partial period.
 */
import { AppError } from '../../api/errors';
import { Decimal, dec, decStr, formatMinor, fromMinor, roundToCurrency, toMinor, type DecimalInput, type RoundingMode } from '../money';
import type { PriceLine, PriceResult, Proration } from './types';

export const TRUE_UP_DESCRIPTION = 'Minimum commitment true-up';

/** The billed share of the period (0..1), or null for a whole period. Throws a validation error on bad input. */
export function prorationFactor(p: Proration): Decimal | null {
  const hasDays = p.daysInPeriod !== undefined || p.daysBilled !== undefined;
  if (p.periodFraction !== undefined && p.periodFraction !== null) {
    if (hasDays) throw AppError.validation('periodFraction', 'give either periodFraction or daysInPeriod/daysBilled, not both');
    const f = dec(p.periodFraction);
    if (f.lt(0) || f.gt(1)) throw AppError.validation('periodFraction', 'must be between 0 and 1');
    return f;
  }
  if (!hasDays) return null;
  const { daysInPeriod, daysBilled } = p;
  if (daysInPeriod === undefined || !Number.isInteger(daysInPeriod) || daysInPeriod < 1) throw AppError.validation('daysInPeriod', 'must be a whole number of days ≥ 1');
  if (daysBilled === undefined || !Number.isInteger(daysBilled) || daysBilled < 0 || daysBilled > daysInPeriod) {
    throw AppError.validation('daysBilled', 'must be a whole number of days between 0 and daysInPeriod');
  }
  return new Decimal(daysBilled).div(daysInPeriod);
}

/**
 * The minimum that applies: the full minimum for a whole period; for a partial period minimum × fraction
 * (days: minimum × daysBilled / daysInPeriod), rounded to the currency's minor unit so the true-up is a
 * clean money amount.
 */
export function proratedMinimum(minimum: DecimalInput, p: Proration, currency: string, rounding: RoundingMode = 'half_up'): Decimal {
  const m = dec(minimum);
  const f = prorationFactor(p);
  if (f === null) return m;
  // days: multiply before dividing so e.g. 100 × 10 / 30 is rounded once
  const prorated = p.periodFraction === undefined || p.periodFraction === null ? m.times(p.daysBilled!).div(p.daysInPeriod!) : m.times(f);
  return roundToCurrency(prorated, currency, rounding);
}

export const trueUpLine = (amount: Decimal): PriceLine => ({ description: TRUE_UP_DESCRIPTION, amount: decStr(amount) });

export interface SubscriptionMinimumResult {
  currency: string;
  /** Sum of the charges' rounded amounts, in minor units. */
  chargesMinor: number;
  /** The (prorated) minimum in minor units. */
  minimumMinor: number;
  /** 0 when the charges reach the minimum. */
  trueUpMinor: number;
  /** The true-up line to add to the invoice, or null. */
  trueUp: PriceLine | null;
  /** chargesMinor + trueUpMinor. */
  amountMinor: number;
  amount: string;
}

/**
 * A subscription-wide minimum over several priced charges (all in `currency`). It compares the minimum with
 * the sum of the charges' *rounded* amounts (what the invoice shows) so that charges + true-up equal the
 * minimum to the minor unit.
 */
export function applySubscriptionMinimum(
  charges: readonly Pick<PriceResult, 'currency' | 'amountMinor'>[],
  minimum: DecimalInput,
  opts: Proration & { currency: string; rounding?: RoundingMode },
): SubscriptionMinimumResult {
  const { currency } = opts;
  charges.forEach((c, i) => {
    if (c.currency !== currency) throw AppError.validation(`charges.${i}.currency`, `is ${c.currency}, expected ${currency}`);
  });
  if (dec(minimum).lt(0)) throw AppError.validation('minimum', 'must not be negative');
  const chargesMinor = charges.reduce((a, c) => a + c.amountMinor, 0);
  const minimumMinor = toMinor(proratedMinimum(minimum, opts, currency, opts.rounding), currency, opts.rounding);
  const trueUpMinor = Math.max(0, minimumMinor - chargesMinor);
  const amountMinor = chargesMinor + trueUpMinor;
  return {
    currency,
    chargesMinor,
    minimumMinor,
    trueUpMinor,
    trueUp: trueUpMinor > 0 ? trueUpLine(fromMinor(trueUpMinor, currency)) : null,
    amountMinor,
    amount: formatMinor(amountMinor, currency),
  };
}
