/**
 * Order quantity rules of a physical product: pack size and minimum order quantity (MOQ).
 *
 * 1. A quantity is rounded UP to a whole number of packs (pack size 12: 13 → 24). Rounding is automatic and
 *    reported in `note`.
 * 2. The rounded quantity must reach the MOQ; a smaller one is refused with a message naming the SKU, the MOQ in
 *    units and packs, and what was asked (the caller turns it into a validation error).
 * 3. Zero means "none of it" (the line is left out of that delivery): no rounding, no MOQ.
 * Quantities are decimal strings (kg, litres …); pack size and MOQ too. Pure.
 */
import { dec, decStr, Decimal } from '../money';

export interface QuantityRules {
  /** Units per pack (decimal > 0); null/absent = any quantity. */
  packSize?: string | null;
  /** Minimum order quantity in units; null/absent = none. */
  moq?: string | null;
}

export interface QuantityCheck {
  /** The quantity to order (rounded up to packs), canonical decimal string. */
  quantity: string;
  /** The quantity asked for, when it was rounded. */
  roundedFrom: string | null;
  /** A note for the user when rounding happened. */
  note: string | null;
  /** Set when the quantity is refused (below the MOQ, negative, not a number). */
  problem: string | null;
}

const fmt = (d: Decimal, unit: string) => `${decStr(d)} ${unit}`;

/** Applies pack rounding and the MOQ to one quantity (rules in the module comment). */
export function checkQuantity(quantity: string, rules: QuantityRules, label: { sku: string; unit?: string }): QuantityCheck {
  const unit = label.unit ?? 'each';
  let q: Decimal;
  try {
    q = dec(quantity);
  } catch {
    return { quantity, roundedFrom: null, note: null, problem: `${label.sku}: quantity "${quantity}" is not a number` };
  }
  if (!q.isFinite() || q.isNeg()) return { quantity, roundedFrom: null, note: null, problem: `${label.sku}: quantity must not be negative` };
  if (q.isZero()) return { quantity: '0', roundedFrom: null, note: null, problem: null };
  let out = q;
  let note: string | null = null;
  const pack = rules.packSize ? dec(rules.packSize) : null;
  if (pack && pack.gt(0)) {
    const packs = q.div(pack).toDecimalPlaces(0, Decimal.ROUND_CEIL);
    out = packs.times(pack);
    if (!out.eq(q)) note = `${label.sku}: ${fmt(q, unit)} rounded up to ${fmt(out, unit)} (${decStr(packs)} pack${packs.eq(1) ? '' : 's'} of ${decStr(pack)})`;
  }
  const moq = rules.moq ? dec(rules.moq) : null;
  if (moq && out.lt(moq)) {
    const packsNote = pack && pack.gt(0) ? ` (${decStr(moq.div(pack).toDecimalPlaces(0, Decimal.ROUND_CEIL))} packs of ${decStr(pack)})` : '';
    const asked = out.eq(q) ? fmt(q, unit) : `${fmt(q, unit)} (${fmt(out, unit)} after rounding to packs)`;
    return { quantity: decStr(out), roundedFrom: out.eq(q) ? null : decStr(q), note, problem: `${label.sku}: the minimum order quantity is ${fmt(moq, unit)}${packsNote}; ${asked} requested` };
  }
  return { quantity: decStr(out), roundedFrom: out.eq(q) ? null : decStr(q), note, problem: null };
}

/** The smallest valid quantity ≥ 1 pack and ≥ MOQ (what a "+" button in an editor would jump to). */
export function minimumValidQuantity(rules: QuantityRules): string {
  const pack = rules.packSize ? dec(rules.packSize) : null;
  const moq = rules.moq ? dec(rules.moq) : new Decimal(pack ? 0 : 1);
  const base = Decimal.max(moq, pack ?? 1);
  if (!pack || pack.lte(0)) return decStr(base);
  return decStr(base.div(pack).toDecimalPlaces(0, Decimal.ROUND_CEIL).times(pack));
}
