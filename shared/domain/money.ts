/**
 * Money: integer minor units per ISO 4217 currency, decimals through decimal.js.
 * Pure; no I/O. Every amount that is stored is an integer number of minor units.
 */
import DecimalBase from 'decimal.js';

/** A Decimal constructor with enough precision for money and 8+ place unit prices. */
export const Decimal = DecimalBase.clone({ precision: 50, rounding: DecimalBase.ROUND_HALF_UP, toExpNeg: -30, toExpPos: 40 });
export type Decimal = InstanceType<typeof Decimal>;
export type DecimalInput = Decimal | string | number;

/**
 * Decimals parsed from strings, remembered (Decimal values are immutable): prices and quantities such as "9.99" or
 * "17" are parsed again and again by a billing run. Bounded; cleared when full.
 */
const parsed = new Map<string, Decimal>();
export const dec = (v: DecimalInput): Decimal => {
  if (v instanceof Decimal) return v;
  if (typeof v !== 'string') return new Decimal(v);
  let d = parsed.get(v);
  if (d === undefined) {
    d = new Decimal(v);
    if (parsed.size >= 20_000) parsed.clear();
    parsed.set(v, d);
  }
  return d;
};
export const ZERO = new Decimal(0);

export type RoundingMode = 'half_up' | 'half_even';

export const roundingModeOf = (mode: RoundingMode): DecimalBase.Rounding =>
  mode === 'half_even' ? Decimal.ROUND_HALF_EVEN : Decimal.ROUND_HALF_UP;

/** ISO 4217 minor units (exponent). Currencies not listed have 2. */
const MINOR_UNITS: Record<string, number> = {
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0,
  UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  CLF: 4, UYW: 4,
};

/** Active ISO 4217 codes accepted by Cadence (the common trading currencies). */
export const CURRENCIES = [
  'AED', 'AUD', 'BGN', 'BHD', 'BRL', 'CAD', 'CHF', 'CLP', 'CNY', 'COP', 'CZK', 'DKK', 'EGP', 'EUR', 'GBP',
  'HKD', 'HUF', 'IDR', 'ILS', 'INR', 'ISK', 'JOD', 'JPY', 'KES', 'KRW', 'KWD', 'MAD', 'MXN', 'MYR', 'NGN',
  'NOK', 'NZD', 'OMR', 'PEN', 'PHP', 'PKR', 'PLN', 'QAR', 'RON', 'RSD', 'SAR', 'SEK', 'SGD', 'THB', 'TND',
  'TRY', 'TWD', 'UAH', 'USD', 'VND', 'XAF', 'XOF', 'ZAR',
] as const;
export type CurrencyCode = (typeof CURRENCIES)[number];

export const isCurrency = (code: string): code is CurrencyCode => (CURRENCIES as readonly string[]).includes(code);

export function minorUnits(currency: string): number {
  return MINOR_UNITS[currency] ?? 2;
}

/** 10^e as a Decimal (immutable; cached: toMinor / fromMinor run for every amount). */
const POW10: Decimal[] = [];
const pow10 = (e: number): Decimal => POW10[e] ?? (POW10[e] = new Decimal(10).pow(e));

/** Rounds a precise decimal amount to the currency's minor unit and returns integer minor units. */
export function toMinor(amount: DecimalInput, currency: string, mode: RoundingMode = 'half_up'): number {
  const e = minorUnits(currency);
  const scaled = dec(amount).times(pow10(e)).toDecimalPlaces(0, roundingModeOf(mode));
  const n = scaled.toNumber();
  if (!Number.isSafeInteger(n)) throw new RangeError(`amount ${dec(amount).toString()} ${currency} is out of range`);
  return n;
}

/** Rounds a precise amount to the currency's exponent, returning a Decimal. */
export function roundToCurrency(amount: DecimalInput, currency: string, mode: RoundingMode = 'half_up'): Decimal {
  return dec(amount).toDecimalPlaces(minorUnits(currency), roundingModeOf(mode));
}

/** Minor units → Decimal major units. */
export function fromMinor(minor: number, currency: string): Decimal {
  return new Decimal(minor).div(pow10(minorUnits(currency)));
}

/** Minor units → fixed string with exactly the currency's decimals, e.g. 5600 USD → "56.00". */
export function formatMinor(minor: number, currency: string): string {
  return fromMinor(minor, currency).toFixed(minorUnits(currency));
}

/** Decimal → fixed string with the currency's decimals after rounding. */
export function formatAmount(amount: DecimalInput, currency: string, mode: RoundingMode = 'half_up'): string {
  return roundToCurrency(amount, currency, mode).toFixed(minorUnits(currency));
}

/** Canonical decimal string: no exponent, no trailing zeros ("56", "0.0006"). */
export function decStr(v: DecimalInput): string {
  const d = dec(v);
  if (d.isZero()) return '0';
  return d.toFixed();
}

/**
 * Splits `totalMinor` over `weights` so the parts sum exactly to the total (largest remainder).
 * Used for allocating discounts or rounding differences across lines.
 */
export function allocateMinor(totalMinor: number, weights: readonly DecimalInput[]): number[] {
  const ws = weights.map(dec);
  const sum = ws.reduce((a, b) => a.plus(b), ZERO);
  if (ws.length === 0) return [];
  if (sum.isZero()) return ws.map((_, i) => (i === 0 ? totalMinor : 0));
  const raw = ws.map((w) => new Decimal(totalMinor).times(w).div(sum));
  const floors = raw.map((r) => r.toDecimalPlaces(0, Decimal.ROUND_FLOOR).toNumber());
  let rest = totalMinor - floors.reduce((a, b) => a + b, 0);
  const order = raw
    .map((r, i) => ({ i, frac: r.minus(floors[i]!) }))
    .sort((a, b) => b.frac.comparedTo(a.frac) || a.i - b.i);
  for (const { i } of order) {
    if (rest <= 0) break;
    floors[i]! += 1;
    rest -= 1;
  }
  return floors;
}
