/**
 * Pricing operations and the charge model schemas. The rules of each model live in shared/domain/pricing;
 * the parsed output of `ChargeModel` is exactly the domain's ChargeModel value.
 */
import { z } from 'zod';
import { dec, type Decimal } from '../../domain/money';
import { isTransactionModel, type ChargeModel as DomainChargeModel } from '../../domain/pricing/types';
import { CurrencyCode, NonNegDecimalString } from '../common';
import { op } from '../op';

const Dec = NonNegDecimalString;
const PLAIN = /^\d+(\.\d+)?$/;
/** A decimal as a Decimal, or null when the string is not a plain non-negative decimal (its own issue is already reported). */
const decOrNull = (s: string | null | undefined) => (typeof s === 'string' && PLAIN.test(s) ? dec(s) : null);

export const RoundingMode = z.enum(['half_up', 'half_even']);

const base = {
  /** Commitment amount: a lower computed amount is trued up to it. */
  minimum: Dec.optional(),
  rounding: RoundingMode.optional(),
};
/** Upper bound of a tier: a decimal, or null for the last (open) tier. */
const UpTo = Dec.nullable().default(null);

/** Tiers ordered strictly ascending; only the last is open (upTo null), and it must be. */
function checkRanges(ranges: readonly { upTo: string | null }[], key: string, ctx: z.RefinementCtx) {
  const last = ranges.length - 1;
  const noun = key === 'steps' ? 'step' : 'tier';
  let prev: { i: number; v: Decimal } | null = null;
  ranges.forEach((r, i) => {
    if (r.upTo === null) {
      if (i !== last) ctx.addIssue({ code: 'custom', path: [key, i, 'upTo'], message: `only the last ${noun} may be open (upTo null)` });
      return;
    }
    if (i === last) ctx.addIssue({ code: 'custom', path: [key, i, 'upTo'], message: `the last ${noun} must be open (upTo null)` });
    const v = decOrNull(r.upTo);
    if (!v) return;
    if (prev && !v.gt(prev.v)) {
      ctx.addIssue({ code: 'custom', path: [key, i, 'upTo'], message: `must be greater than the upTo of ${key}.${prev.i} (${prev.v.toFixed()}): ${noun}s ascend strictly and do not overlap` });
    }
    if (!prev || v.gt(prev.v)) prev = { i, v };
  });
}

export const FlatModel = z.object({ type: z.literal('flat'), price: Dec, ...base });
export const PerUnitModel = z.object({ type: z.literal('per_unit'), unitPrice: Dec, ...base });

export const PriceTier = z.object({ upTo: UpTo, unitPrice: Dec, flatFee: Dec.optional() });
const priceTiers = z.array(PriceTier).min(1, 'at least one tier is required').max(100);

export const GraduatedModel = z
  .object({ type: z.literal('graduated'), tiers: priceTiers, ...base })
  .superRefine((m, ctx) => checkRanges(m.tiers, 'tiers', ctx));
export const VolumeModel = z
  .object({ type: z.literal('volume'), tiers: priceTiers, ...base })
  .superRefine((m, ctx) => checkRanges(m.tiers, 'tiers', ctx));

export const PackageModel = z.object({
  type: z.literal('package'),
  packageSize: Dec.refine((s) => decOrNull(s)?.gt(0) ?? true, 'must be greater than 0'),
  packagePrice: Dec,
  freeUnits: Dec.optional(),
  ...base,
});

export const StairStep = z.object({ upTo: UpTo, price: Dec });
export const StairstepModel = z
  .object({ type: z.literal('stairstep'), steps: z.array(StairStep).min(1, 'at least one step is required').max(100), ...base })
  .superRefine((m, ctx) => checkRanges(m.steps, 'steps', ctx));

export const PercentageModel = z
  .object({
    type: z.literal('percentage'),
    /** Percent: "2.9" is 2.9 %. */
    rate: Dec,
    fixedFee: Dec.optional(),
    freeTransactions: z.number().int('must be a whole number').min(0, 'must not be negative').optional(),
    freeAmount: Dec.optional(),
    minPerTransaction: Dec.optional(),
    maxPerTransaction: Dec.optional(),
    ...base,
  })
  .superRefine((m, ctx) => {
    const min = decOrNull(m.minPerTransaction);
    const max = decOrNull(m.maxPerTransaction);
    if (min && max && max.lt(min)) ctx.addIssue({ code: 'custom', path: ['maxPerTransaction'], message: 'must not be below minPerTransaction' });
  });

export const RateTier = z.object({ upTo: UpTo, rate: Dec, flatFee: Dec.optional() });
export const GraduatedPercentageModel = z
  .object({ type: z.literal('graduated_percentage'), tiers: z.array(RateTier).min(1, 'at least one tier is required').max(100), ...base })
  .superRefine((m, ctx) => checkRanges(m.tiers, 'tiers', ctx));

export const ChargeModel = z.discriminatedUnion('type', [
  FlatModel, PerUnitModel, GraduatedModel, VolumeModel, PackageModel, StairstepModel, PercentageModel, GraduatedPercentageModel,
]);
export type ChargeModel = z.output<typeof ChargeModel>;
export const CHARGE_MODEL_TYPES = ChargeModel.options.map((o) => o.shape.type.value);

// The parsed schema is the domain value (compile-time check).
const _sameShape: (m: ChargeModel) => DomainChargeModel = (m) => m;
void _sameShape;

export const PriceLine = z.object({
  description: z.string(),
  quantity: z.string().optional(),
  unitPrice: z.string().optional(),
  flatFee: z.string().optional(),
  rate: z.string().optional(),
  amount: z.string(),
});

export const QuoteInput = z
  .object({
    currency: CurrencyCode,
    model: ChargeModel,
    /** Quantity for quantity models (flat ignores it). */
    quantity: Dec.optional(),
    /** Transaction amounts, in order, for the percentage models. */
    transactions: z.array(Dec).max(100_000).optional(),
    rounding: RoundingMode.optional(),
    /** Share of the period billed (0..1): prorates the minimum. */
    periodFraction: Dec.refine((s) => decOrNull(s)?.lte(1) ?? true, 'must be between 0 and 1').optional(),
    /** Alternatively, days: the minimum is prorated by daysBilled / daysInPeriod. */
    daysInPeriod: z.number().int('must be a whole number of days').min(1, 'must be at least 1').optional(),
    daysBilled: z.number().int('must be a whole number of days').min(0, 'must not be negative').optional(),
  })
  .superRefine((v, ctx) => {
    const type = (v.model as { type?: string } | undefined)?.type; // the model may be unparsed when it has issues
    if (type !== undefined) {
      if (isTransactionModel({ type })) {
        if (v.transactions === undefined) ctx.addIssue({ code: 'custom', path: ['transactions'], message: `is required for a ${type} model` });
      } else if (type !== 'flat' && v.quantity === undefined) {
        ctx.addIssue({ code: 'custom', path: ['quantity'], message: `is required for a ${type} model` });
      }
    }
    if (v.periodFraction !== undefined && (v.daysInPeriod !== undefined || v.daysBilled !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['periodFraction'], message: 'give either periodFraction or daysInPeriod/daysBilled, not both' });
    }
    if ((v.daysInPeriod === undefined) !== (v.daysBilled === undefined)) {
      ctx.addIssue({ code: 'custom', path: [v.daysInPeriod === undefined ? 'daysInPeriod' : 'daysBilled'], message: 'daysInPeriod and daysBilled go together' });
    } else if (v.daysInPeriod !== undefined && v.daysBilled !== undefined && v.daysBilled > v.daysInPeriod) {
      ctx.addIssue({ code: 'custom', path: ['daysBilled'], message: 'must not exceed daysInPeriod' });
    }
  });
export type QuoteInput = z.output<typeof QuoteInput>;

export const Quote = z.object({
  currency: z.string(),
  /** Rounded to the currency's minor unit, with exactly its decimals ("56.00"). */
  amount: z.string(),
  amountMinor: z.number().int(),
  /** Unrounded, canonical decimal ("56", "740.7402"). */
  preciseAmount: z.string(),
  lines: z.array(PriceLine),
  /** preciseAmount / quantity (percentage models: / total transaction amount); absent at 0. */
  effectiveUnitPrice: z.string().optional(),
});
export type Quote = z.output<typeof Quote>;

export const CurveInput = z.object({
  currency: CurrencyCode,
  model: ChargeModel,
  /** Percentage models: each quantity is the amount of one transaction. */
  quantities: z.array(Dec).min(1, 'at least one quantity is required').max(500, 'at most 500 quantities'),
  rounding: RoundingMode.optional(),
});
export const CurvePoint = z.object({
  quantity: z.string(),
  amount: z.string(),
  preciseAmount: z.string(),
  effectiveUnitPrice: z.string().nullable(),
});
export const Curve = z.object({ currency: z.string(), points: z.array(CurvePoint) });
export type Curve = z.output<typeof Curve>;

export const pricingOps = {
  'pricing.quote': op({
    name: 'pricing.quote', summary: 'Price a quantity (or transactions) under a charge model, with its breakdown lines', mutating: false,
    input: QuoteInput, output: Quote,
  }),
  'pricing.curve': op({
    name: 'pricing.curve', summary: 'Amounts of a charge model at many quantities (for a price chart)', mutating: false,
    input: CurveInput, output: Curve,
  }),
} as const;
