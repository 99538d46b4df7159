/**
 * Proration of a mid-period change of terms (plan, quantity, price).
 *
 * Day-based (policy 'day', the default in Cadence):
 * - the unused days of the current period, from the change day (inclusive) to the period end (exclusive),
 *   are credited at the old terms and charged at the new terms: the change day counts on the new terms;
 * - the denominator is the number of days of the actual current period (28..31 for a monthly period; for a
 *   leading partial period, the days of the whole period it belongs to).
 *   Example: 30-day period [Jun 1, Jul 1), change on Jun 11: 20 unused days → credit 20/30 of the old price,
 *   charge 20/30 of the new price.
 * Second-based (policy 'second'): the same on ISO date-times, seconds instead of days, periods starting at
 * 00:00:00Z of their start date.
 * 'none': no proration lines; the new terms take effect at the next period start.
 *
 * Fractions are exact rationals (numerator/denominator); amounts keep the precise value and are rounded to the
 * currency's minor unit once, on the final amount. Pure.
 */
import { Decimal, dec, decStr, toMinor, type DecimalInput, type RoundingMode } from '../money';
import { daysBetween, epochSeconds, utcDateOf, type IsoDate } from './dates';

export type ProrationPolicy = 'none' | 'day' | 'second';
export type ChangeClass = 'upgrade' | 'downgrade' | 'lateral';

/** An exact fraction; `value` is its decimal expansion (50 significant digits) for display. */
export interface Fraction {
  numerator: number;
  denominator: number;
  value: string;
}

export const fraction = (numerator: number, denominator: number): Fraction => {
  if (!(denominator > 0)) throw new RangeError(`denominator must be > 0, got ${denominator}`);
  return { numerator, denominator, value: decStr(new Decimal(numerator).div(denominator)) };
};

/** amount × numerator / denominator, multiplying first so the result is exact whenever it can be. */
export const applyFraction = (amount: DecimalInput, f: Pick<Fraction, 'numerator' | 'denominator'>): Decimal =>
  dec(amount).times(f.numerator).div(f.denominator);

/** Recurring terms: the price of one whole period, and the period length (months, or days when known). */
export interface Terms {
  amount: DecimalInput;
  intervalMonths?: number;
  periodDays?: number;
}

/** Average Gregorian month (365.2425 / 12 days), used when a period's actual days are not known. */
const AVG_MONTH_DAYS = new Decimal('365.2425').div(12);

/** Price per day of the terms. */
export function dailyPrice(terms: Terms): Decimal {
  if (terms.periodDays !== undefined) return dec(terms.amount).div(terms.periodDays);
  const months = terms.intervalMonths ?? 1;
  return dec(terms.amount).div(AVG_MONTH_DAYS.times(months));
}

/** An upgrade costs more per day than before, a downgrade less; equal daily prices are a lateral change. */
export function classifyChange(oldTerms: Terms, newTerms: Terms): ChangeClass {
  const c = dailyPrice(newTerms).comparedTo(dailyPrice(oldTerms));
  return c > 0 ? 'upgrade' : c < 0 ? 'downgrade' : 'lateral';
}

export interface ProratedPeriod {
  start: IsoDate;
  /** Exclusive. */
  end: IsoDate;
  /** Start of the whole period when [start, end) is a leading partial period (the denominator's start). */
  nominalStart?: IsoDate;
}

/**
 * The share of the period from `changeAt` (a date, or a date-time for 'second') to its end.
 * 0 when the policy is 'none' or the change is at/after the end; the whole remaining part when it is before the start.
 */
export function remainingFraction(period: ProratedPeriod, changeAt: string, policy: ProrationPolicy = 'day'): Fraction {
  const denomStart = period.nominalStart ?? period.start;
  if (policy === 'none') return fraction(0, 1);
  if (policy === 'day') {
    const d = utcDateOf(changeAt);
    const from = d < period.start ? period.start : d;
    const remaining = Math.max(0, daysBetween(from, period.end));
    return fraction(remaining, daysBetween(denomStart, period.end));
  }
  const end = epochSeconds(period.end);
  const from = Math.max(epochSeconds(changeAt), epochSeconds(period.start));
  return fraction(Math.max(0, end - from), end - epochSeconds(denomStart));
}

export interface ProrationInput {
  period: ProratedPeriod;
  /** The change day (counted on the new terms), or a date-time for the 'second' policy. */
  changeAt: string;
  /** Price of one whole period on the old and on the new terms. */
  oldAmount: DecimalInput;
  newAmount: DecimalInput;
  currency: string;
  policy?: ProrationPolicy;
  rounding?: RoundingMode;
}

export interface ProrationResult {
  policy: ProrationPolicy;
  classification: ChangeClass;
  /** Unused share of the period, credited on the old and charged on the new terms. */
  fraction: Fraction;
  /** Negative (a credit) or "0". */
  creditPrecise: string;
  creditMinor: number;
  chargePrecise: string;
  chargeMinor: number;
  /** chargeMinor + creditMinor. */
  netMinor: number;
}

/** Credit for the unused part at the old terms and charge for it at the new terms. */
export function prorateChange(input: ProrationInput): ProrationResult {
  const policy = input.policy ?? 'day';
  const rounding = input.rounding ?? 'half_up';
  const f = remainingFraction(input.period, input.changeAt, policy);
  const credit = applyFraction(input.oldAmount, f).neg();
  const charge = applyFraction(input.newAmount, f);
  const creditMinor = toMinor(credit, input.currency, rounding);
  const chargeMinor = toMinor(charge, input.currency, rounding);
  const days = daysBetween(input.period.nominalStart ?? input.period.start, input.period.end);
  return {
    policy,
    classification: classifyChange({ amount: input.oldAmount, periodDays: days }, { amount: input.newAmount, periodDays: days }),
    fraction: f,
    creditPrecise: decStr(credit),
    creditMinor: creditMinor === 0 ? 0 : creditMinor,
    chargePrecise: decStr(charge),
    chargeMinor,
    netMinor: chargeMinor + creditMinor,
  };
}
