/**
 * Contract prices (price books), pure: how a contract term turns into the charge model in force, and how contract
 * windows and the catalog price combine into a schedule over time.
 *
 * Dates are ISO days (YYYY-MM-DD); a window is [validFrom, validTo) — validTo exclusive, null = open-ended.
 * ISO days compare correctly as strings.
 */
import { AppError } from '../../api/errors';
import { Decimal, dec, decStr, type DecimalInput } from '../money';
import type { ChargeModel, ChargeModelType } from './types';

export type ContractKind = 'fixed_price' | 'discount' | 'custom_tiers' | 'model';

/** The model types each kind accepts (discount carries no model: it scales the catalog's). */
export const KIND_MODEL_TYPES: Record<ContractKind, readonly ChargeModelType[]> = {
  fixed_price: ['flat', 'per_unit'],
  discount: [],
  custom_tiers: ['graduated', 'volume', 'stairstep', 'graduated_percentage'],
  model: ['flat', 'per_unit', 'graduated', 'volume', 'package', 'stairstep', 'percentage', 'graduated_percentage'],
};

/** The start of the catalog price's validity in a schedule ("always"). */
export const SCHEDULE_START = '1900-01-01';

const HUNDRED = new Decimal(100);

/**
 * The catalog model with a percentage discount applied to every amount it charges: unit prices, flat fees, tier and
 * step prices, package prices, percentage rates and per-transaction fees/limits, and the minimum commitment.
 * Quantities, bounds, free units and free amounts are unchanged. Values stay exact (10 % of 49.99 → 44.991);
 * rounding happens once, on the final amount.
 */
export function discountModel(model: ChargeModel, percent: DecimalInput): ChargeModel {
  const p = dec(percent);
  if (p.lt(0) || p.gt(100)) throw AppError.validation('discountPercent', 'must be between 0 and 100');
  const factor = HUNDRED.minus(p).div(HUNDRED);
  const f = (v: string) => decStr(dec(v).times(factor));
  const fo = (v: string | undefined) => (v === undefined ? undefined : f(v));
  const base = { ...(model.minimum !== undefined ? { minimum: f(model.minimum) } : {}), ...(model.rounding ? { rounding: model.rounding } : {}) };
  const clean = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  switch (model.type) {
    case 'flat': return { type: 'flat', price: f(model.price), ...base };
    case 'per_unit': return { type: 'per_unit', unitPrice: f(model.unitPrice), ...base };
    case 'graduated': case 'volume':
      return { type: model.type, tiers: model.tiers.map((t) => clean({ upTo: t.upTo, unitPrice: f(t.unitPrice), flatFee: fo(t.flatFee) })), ...base };
    case 'package': return clean({ type: 'package', packageSize: model.packageSize, packagePrice: f(model.packagePrice), freeUnits: model.freeUnits, ...base });
    case 'stairstep': return { type: 'stairstep', steps: model.steps.map((s) => ({ upTo: s.upTo, price: f(s.price) })), ...base };
    case 'percentage':
      return clean({
        type: 'percentage', rate: f(model.rate), fixedFee: fo(model.fixedFee), freeTransactions: model.freeTransactions, freeAmount: model.freeAmount,
        minPerTransaction: fo(model.minPerTransaction), maxPerTransaction: fo(model.maxPerTransaction), ...base,
      });
    case 'graduated_percentage':
      return { type: 'graduated_percentage', tiers: model.tiers.map((t) => clean({ upTo: t.upTo, rate: f(t.rate), flatFee: fo(t.flatFee) })), ...base };
  }
}

export interface ContractTerms {
  kind: ContractKind;
  model?: ChargeModel | null;
  discountPercent?: string | null;
}

/**
 * The charge model a contract term puts in force. `catalog` is the plan's catalog model in the contract's currency
 * (null when the plan has none): a discount needs it, the other kinds stand alone.
 */
export function contractModel(terms: ContractTerms, catalog: ChargeModel | null): ChargeModel {
  if (terms.kind === 'discount') {
    if (!catalog) throw AppError.validation('discountPercent', 'the plan has no catalog price in this currency to discount');
    return discountModel(catalog, terms.discountPercent ?? '0');
  }
  if (!terms.model) throw AppError.validation('model', `is required for a ${terms.kind} contract price`);
  return terms.model;
}

/** A contract term's problems (field path → message), independent of any stored data. */
export function contractTermsIssues(t: ContractTerms & { validFrom?: string; validTo?: string | null }): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  if (t.kind === 'discount') {
    if (t.discountPercent === undefined || t.discountPercent === null || t.discountPercent === '') out.push({ path: 'discountPercent', message: 'is required for a discount' });
    else if (/^\d+(\.\d+)?$/.test(t.discountPercent) && dec(t.discountPercent).gt(100)) out.push({ path: 'discountPercent', message: 'must be between 0 and 100' });
  } else if (!t.model) {
    out.push({ path: 'model', message: `is required for a ${t.kind.replace('_', ' ')} contract price` });
  } else if (!KIND_MODEL_TYPES[t.kind].includes(t.model.type)) {
    out.push({ path: 'model.type', message: `a ${t.kind.replace('_', ' ')} contract price takes a ${KIND_MODEL_TYPES[t.kind].join(', ')} model, not ${t.model.type}` });
  }
  if (t.validFrom && t.validTo && t.validTo <= t.validFrom) out.push({ path: 'validTo', message: `must be after validFrom (${t.validFrom}); validTo is exclusive` });
  return out;
}

export interface Window {
  validFrom: string;
  validTo: string | null;
}

/** Whether [a.validFrom, a.validTo) and [b.validFrom, b.validTo) share at least one day. */
export const windowsOverlap = (a: Window, b: Window): boolean =>
  (b.validTo === null || a.validFrom < b.validTo) && (a.validTo === null || b.validFrom < a.validTo);

export const windowContains = (w: Window, day: string): boolean => w.validFrom <= day && (w.validTo === null || day < w.validTo);

export interface SchedulePoint<S = string> extends Window {
  model: ChargeModel;
  source: S;
}

/**
 * The price in force over all time: the contract windows (which must not overlap) and the catalog model in the gaps
 * before, between and after them (from SCHEDULE_START, open-ended). Without a catalog model the gaps are simply not
 * priced. Sorted by validFrom.
 */
export function mergeSchedule<S>(catalog: { model: ChargeModel; source: S } | null, windows: readonly SchedulePoint<S>[]): SchedulePoint<S>[] {
  const sorted = [...windows].sort((a, b) => (a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : 0));
  const out: SchedulePoint<S>[] = [];
  let cursor: string | null = SCHEDULE_START; // start of the next gap; null once a window is open-ended
  for (const w of sorted) {
    if (cursor === null) break;
    if (catalog && cursor < w.validFrom) out.push({ validFrom: cursor, validTo: w.validFrom, model: catalog.model, source: catalog.source });
    out.push(w);
    cursor = w.validTo;
  }
  if (catalog && cursor !== null) out.push({ validFrom: cursor, validTo: null, model: catalog.model, source: catalog.source });
  return out;
}

/** The schedule point in force on `day`, or null. */
export const pointAt = <P extends Window>(schedule: readonly P[], day: string): P | null => schedule.find((p) => windowContains(p, day)) ?? null;
