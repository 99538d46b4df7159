/**
 * Pricing: pure charge models (see evaluate.ts for the exact rules of each model), minimum commitments
 * (minimum.ts) and the compiled fast path (compile.ts).
 */
import { AppError } from '../../api/errors';
import { Decimal, decStr, formatAmount, formatMinor, toMinor, ZERO, type DecimalInput, type RoundingMode } from '../money';
import { compiledModelOf } from './compile';
import { evaluate, quantityOf } from './evaluate';
import { proratedMinimum, trueUpLine } from './minimum';
import { isTransactionModel, type ChargeModel, type PriceInput, type PriceLine, type PriceResult } from './types';

export * from './types';
export { compileModel, compiledModelOf, QUANTITY_SCALE, type CompiledModel } from './compile';
export { evaluate, packagesFor, preciseDecimal, quantityOf, rangeLabel } from './evaluate';
export { applySubscriptionMinimum, prorationFactor, proratedMinimum, TRUE_UP_DESCRIPTION, type SubscriptionMinimumResult } from './minimum';

/** Decimal places of an effective unit price (amount / quantity). */
export const EFFECTIVE_PRICE_DECIMALS = 10;

const effectiveUnitPrice = (amount: Decimal, basis: Decimal): string =>
  decStr(amount.div(basis).toDecimalPlaces(EFFECTIVE_PRICE_DECIMALS, Decimal.ROUND_HALF_UP));

export const roundingOf = (model: ChargeModel, rounding?: RoundingMode): RoundingMode => rounding ?? model.rounding ?? 'half_up';

/**
 * Prices one charge with its breakdown lines. Quantity models need `quantity` (flat ignores it);
 * percentage models price `transactions` (or, without them, one transaction of amount `quantity`).
 * A model's `minimum` adds a true-up line; it is prorated by `periodFraction` or `daysBilled/daysInPeriod`.
 * Throws AppError VALIDATION naming the field for a missing or negative quantity/transaction.
 */
export function priceCharge(model: ChargeModel, input: PriceInput): PriceResult {
  const { currency } = input;
  const rounding = roundingOf(model, input.rounding);
  const lines: PriceLine[] = [];
  let basis: Decimal;
  let precise: Decimal;
  if (isTransactionModel(model)) {
    let txs: Decimal[];
    if (input.transactions) txs = input.transactions.map((t, i) => quantityOf(t, `transactions.${i}`));
    else if (input.quantity !== undefined) txs = [quantityOf(input.quantity)];
    else throw AppError.validation('transactions', `is required for a ${model.type} model`);
    basis = txs.reduce((a, b) => a.plus(b), ZERO);
    precise = evaluate(model, basis, txs, lines);
  } else {
    if (input.quantity === undefined && model.type !== 'flat') throw AppError.validation('quantity', `is required for a ${model.type} model`);
    basis = input.quantity === undefined ? ZERO : quantityOf(input.quantity);
    precise = evaluate(model, basis, null, lines);
  }
  if (model.minimum !== undefined) {
    const minimum = proratedMinimum(model.minimum, input, currency, rounding);
    if (precise.lt(minimum)) {
      lines.push(trueUpLine(minimum.minus(precise)));
      precise = minimum;
    }
  }
  let amountMinor: number;
  try {
    amountMinor = toMinor(precise, currency, rounding);
  } catch {
    throw AppError.validation(isTransactionModel(model) ? 'transactions' : 'quantity', `gives an amount (${precise.toExponential(3)} ${currency}) too large to bill`);
  }
  return {
    currency,
    amount: formatMinor(amountMinor, currency),
    amountMinor,
    preciseAmount: decStr(precise),
    lines,
    ...(basis.gt(0) ? { effectiveUnitPrice: effectiveUnitPrice(precise, basis) } : {}),
  };
}

/**
 * Fast path: the precise amount at a quantity, no lines, equal to priceCharge's preciseAmount for the same
 * quantity without proration. Percentage models price one transaction of amount `quantity`.
 */
export function preciseAmountOf(model: ChargeModel, quantity: DecimalInput): Decimal {
  return compiledModelOf(model).amountOf(quantity);
}

export interface CurvePoint {
  quantity: string;
  /** Rounded to the currency, fixed decimals. */
  amount: string;
  preciseAmount: string;
  /** null at quantity 0. */
  effectiveUnitPrice: string | null;
}

/** Amounts at many quantities (for a chart), on the fast path; minimum applied, not prorated. */
export function priceCurve(model: ChargeModel, quantities: readonly DecimalInput[], currency: string, rounding?: RoundingMode): CurvePoint[] {
  const mode = roundingOf(model, rounding);
  const c = compiledModelOf(model);
  return quantities.map((raw, i) => {
    const q = quantityOf(raw, `quantities.${i}`);
    const amount = c.amountOf(q);
    return {
      quantity: decStr(q),
      amount: formatAmount(amount, currency, mode),
      preciseAmount: decStr(amount),
      effectiveUnitPrice: q.gt(0) ? effectiveUnitPrice(amount, q) : null,
    };
  });
}
