/**
 * Charge model values and the pricing result shapes. Pure data; decimals are canonical decimal strings
 * (the zod schemas in shared/api/ops/pricing.ts produce exactly these shapes).
 */
import type { DecimalInput, RoundingMode } from '../money';

/** A non-negative decimal carried as a string, e.g. "12.5" or "0.0006". */
export type DecimalText = string;

interface ModelBase {
  /** Commitment amount: a computed amount below it is trued up to it (prorated by `periodFraction`). */
  minimum?: DecimalText;
  /** Rounding of the final amount to the currency's minor unit; the input's `rounding` wins. */
  rounding?: RoundingMode;
}

export interface FlatModel extends ModelBase { type: 'flat'; price: DecimalText }
export interface PerUnitModel extends ModelBase { type: 'per_unit'; unitPrice: DecimalText }

/** Tier i covers quantities in (tiers[i-1].upTo, tiers[i].upTo]; the first tier starts at 0 inclusive, the last is open (upTo null). */
export interface PriceTier { upTo: DecimalText | null; unitPrice: DecimalText; flatFee?: DecimalText }
export interface GraduatedModel extends ModelBase { type: 'graduated'; tiers: readonly PriceTier[] }
export interface VolumeModel extends ModelBase { type: 'volume'; tiers: readonly PriceTier[] }

export interface PackageModel extends ModelBase { type: 'package'; packageSize: DecimalText; packagePrice: DecimalText; freeUnits?: DecimalText }

export interface StairStep { upTo: DecimalText | null; price: DecimalText }
export interface StairstepModel extends ModelBase { type: 'stairstep'; steps: readonly StairStep[] }

export interface PercentageModel extends ModelBase {
  type: 'percentage';
  /** Percent, e.g. "2.9" for 2.9 %. */
  rate: DecimalText;
  fixedFee?: DecimalText;
  freeTransactions?: number;
  freeAmount?: DecimalText;
  minPerTransaction?: DecimalText;
  maxPerTransaction?: DecimalText;
}

export interface RateTier { upTo: DecimalText | null; rate: DecimalText; flatFee?: DecimalText }
export interface GraduatedPercentageModel extends ModelBase { type: 'graduated_percentage'; tiers: readonly RateTier[] }

export type ChargeModel =
  | FlatModel
  | PerUnitModel
  | GraduatedModel
  | VolumeModel
  | PackageModel
  | StairstepModel
  | PercentageModel
  | GraduatedPercentageModel;

export type ChargeModelType = ChargeModel['type'];

/** Models priced on a list of transaction amounts instead of a quantity. */
export const TRANSACTION_MODELS: readonly ChargeModelType[] = ['percentage', 'graduated_percentage'];
export const isTransactionModel = (m: { type: string }): m is PercentageModel | GraduatedPercentageModel =>
  (TRANSACTION_MODELS as readonly string[]).includes(m.type);

export interface Proration {
  /** Share of the billing period billed, 0..1 (e.g. "0.5"). */
  periodFraction?: DecimalInput;
  /** Alternatively whole days: the minimum is multiplied by daysBilled / daysInPeriod. */
  daysInPeriod?: number;
  daysBilled?: number;
}

export interface PriceInput extends Proration {
  quantity?: DecimalInput;
  /** Transaction amounts in order (percentage models). */
  transactions?: readonly DecimalInput[];
  currency: string;
  rounding?: RoundingMode;
}

export interface PriceLine {
  description: string;
  quantity?: string;
  unitPrice?: string;
  flatFee?: string;
  rate?: string;
  amount: string;
}

export interface PriceResult {
  currency: string;
  /** Rounded to the currency's minor unit, fixed decimals ("56.00", JPY "1235", KWD "1.235"). */
  amount: string;
  amountMinor: number;
  /** Unrounded amount, canonical decimal string. */
  preciseAmount: string;
  lines: PriceLine[];
  /** preciseAmount / quantity (or / total transaction amount), 10 decimal places; absent when that is 0. */
  effectiveUnitPrice?: string;
}
