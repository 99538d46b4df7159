/**
 * Order pricing at release: the prices of a sales order are fixed once, on its release (cut-off) date.
 *
 * 1. Each product line is priced with the contract model in force on the pricing date (`modelAt`), through
 *    `priceCharge` on the line's quantity: tiers by quantity come from the model (volume, graduated, package …).
 *    A line's unit price is the model's unit price for per-unit models, else its effective unit price.
 * 2. Volume discount (optional): the account's orders of the period (calendar month of the delivery date) add up a
 *    basis — units or goods amount — and the tier reached by (the other orders of the period + this order) gives a
 *    percentage off this order's goods. It is not retroactive: earlier orders keep their price. The discount is one
 *    negative line per tax category, allocated over the goods by amount (largest remainder), so tax stays exact.
 * 3. Shipping (optional): a fee per order, waived when the goods net of discount reach the free-shipping threshold.
 *    The fee follows the tax category of the largest goods amount (an ancillary cost follows the principal supply)
 *    unless the policy names one.
 * 4. Tax through `computeInvoiceTotals` (goods: supplyType 'goods', so intra-EU B2B is K, not AE).
 * All money is integer minor units. Pure.
 */
import { allocateMinor, dec, decStr, Decimal, fromMinor, toMinor, ZERO, type RoundingMode } from '../money';
import { priceCharge, type ChargeModel, type PriceLine } from '../pricing';
import { computeInvoiceTotals, type TaxBreakdownEntry, type TaxCategoryCode, type TaxOptions } from '../tax';
import type { IsoDate } from '../billing/dates';

export interface DatedModel {
  validFrom: IsoDate;
  /** Exclusive; null = open. */
  validTo: IsoDate | null;
  model: ChargeModel;
  /** Where it comes from ('catalog', a price book entry id …). */
  source?: string;
}

/** The entry of a price schedule in force on `date`, or null. When entries overlap, the one starting last wins. */
export function modelAt<T extends DatedModel>(schedule: readonly T[], date: IsoDate): T | null {
  let best: T | null = null;
  for (const p of schedule) {
    if (p.validFrom <= date && (p.validTo === null || date < p.validTo) && (!best || p.validFrom >= best.validFrom)) best = p;
  }
  return best;
}

export interface VolumeDiscountTier {
  /** Basis from which the tier applies (inclusive). */
  from: string;
  /** Percent off, e.g. "5". */
  percent: string;
}

export interface VolumeDiscountPolicy {
  /** What adds up across the account's orders of the period: units of all products, or the goods net amount. */
  basis: 'quantity' | 'amount';
  tiers: readonly VolumeDiscountTier[];
  description?: string;
}

export interface ShippingPolicy {
  /** Fee per order in major units (decimal string). */
  fee: string;
  /** Goods net (after discount, major units) from which shipping is free; null = never free. */
  freeFrom?: string | null;
  description?: string;
  taxCategory?: string;
}

export interface OrderPricingLine {
  key: string;
  productId: string;
  sku: string;
  description: string;
  quantity: string;
  /** The contract model in force on the pricing date. */
  model: ChargeModel;
  taxCategory?: string;
  /** Where the model comes from (shown in the order). */
  priceSource?: string;
  /**
   * The quantity that selects the tier when it is more than the line's own (a contract price whose tiers count the
   * account's volume of the period): the line is charged quantity × the unit price at that quantity.
   */
  tierQuantity?: string;
}

export interface PriceOrderInput {
  currency: string;
  lines: readonly OrderPricingLine[];
  volumeDiscount?: VolumeDiscountPolicy | null;
  /** The basis of the account's other orders of the period (units or major-unit amount). Default "0". */
  periodBasisBefore?: string;
  shipping?: ShippingPolicy | null;
  tax: TaxOptions;
  rounding?: RoundingMode;
}

export type PricedLineKind = 'product' | 'discount' | 'shipping';

export interface PricedOrderLine {
  key: string;
  kind: PricedLineKind;
  productId: string | null;
  sku: string | null;
  description: string;
  quantity: string;
  /** Unit price (net), decimal string. */
  unitPrice: string;
  amountMinor: number;
  taxCategory: string;
  taxCategoryCode: TaxCategoryCode;
  taxRate: string;
  taxMinor: number;
  /** The model's breakdown (tiers) for product lines. */
  priceLines: PriceLine[];
  priceSource: string | null;
}

export interface PricedOrder {
  currency: string;
  lines: PricedOrderLine[];
  goodsMinor: number;
  /** ≤ 0. */
  discountMinor: number;
  discountPercent: string;
  shippingMinor: number;
  netMinor: number;
  taxMinor: number;
  grossMinor: number;
  breakdown: TaxBreakdownEntry[];
  notes: string[];
  warnings: string[];
  /** This order's contribution to the period basis (units or major-unit goods amount). */
  periodBasis: string;
}

/** The percent of the highest tier whose `from` ≤ basis ("0" when none). */
export function discountPercentFor(policy: VolumeDiscountPolicy | null | undefined, basis: Decimal): string {
  if (!policy) return '0';
  let best: { from: Decimal; percent: string } | null = null;
  for (const t of policy.tiers) {
    const from = dec(t.from);
    if (basis.gte(from) && (!best || from.gte(best.from))) best = { from, percent: t.percent };
  }
  return best ? decStr(best.percent) : '0';
}

const unitPriceOf = (model: ChargeModel, amount: Decimal, quantity: Decimal): string => {
  if (model.type === 'per_unit') return decStr(model.unitPrice);
  if (quantity.isZero()) return '0';
  return decStr(amount.div(quantity).toDecimalPlaces(10, Decimal.ROUND_HALF_UP));
};

/** Prices one sales order (rules in the module comment). */
export function priceOrder(input: PriceOrderInput): PricedOrder {
  const { currency } = input;
  const rounding = input.rounding ?? 'half_up';
  type Draft = Omit<PricedOrderLine, 'taxCategoryCode' | 'taxRate' | 'taxMinor'>;
  const drafts: Draft[] = [];
  let units = ZERO;
  for (const l of input.lines) {
    const q = dec(l.quantity);
    units = units.plus(q);
    const tierQ = l.tierQuantity !== undefined ? dec(l.tierQuantity) : null;
    if (tierQ && tierQ.gt(q)) {
      const r = priceCharge(l.model, { quantity: tierQ, currency, rounding });
      const unitPrice = unitPriceOf(l.model, dec(r.preciseAmount), tierQ);
      const amountMinor = toMinor(dec(r.preciseAmount).div(tierQ).times(q), currency, rounding);
      drafts.push({
        key: l.key, kind: 'product', productId: l.productId, sku: l.sku, description: l.description, quantity: decStr(q), unitPrice, amountMinor,
        taxCategory: l.taxCategory ?? 'standard', priceSource: l.priceSource ?? null,
        priceLines: [{ description: `${decStr(q)} at the unit price of the period volume ${decStr(tierQ)}`, quantity: decStr(q), unitPrice, amount: decStr(fromMinor(amountMinor, currency)) }],
      });
      continue;
    }
    const r = priceCharge(l.model, { quantity: l.quantity, currency, rounding });
    drafts.push({
      key: l.key, kind: 'product', productId: l.productId, sku: l.sku, description: l.description, quantity: decStr(q),
      unitPrice: unitPriceOf(l.model, dec(r.preciseAmount), q), amountMinor: r.amountMinor, taxCategory: l.taxCategory ?? 'standard',
      priceLines: r.lines, priceSource: l.priceSource ?? null,
    });
  }
  const goods = drafts.slice();
  const goodsMinor = goods.reduce((a, l) => a + l.amountMinor, 0);
  const warnings: string[] = [];

  // volume discount
  const thisBasis = input.volumeDiscount?.basis === 'amount' ? fromMinor(goodsMinor, currency) : units;
  const before = dec(input.periodBasisBefore ?? '0');
  const discountPercent = discountPercentFor(input.volumeDiscount, before.plus(thisBasis));
  let discountMinor = 0;
  if (discountPercent !== '0' && goodsMinor > 0) {
    discountMinor = -toMinor(fromMinor(goodsMinor, currency).times(discountPercent).div(100), currency, rounding);
    const shares = allocateMinor(-discountMinor, goods.map((g) => g.amountMinor));
    const byCategory = new Map<string, number>();
    goods.forEach((g, i) => byCategory.set(g.taxCategory, (byCategory.get(g.taxCategory) ?? 0) + shares[i]!));
    const label = input.volumeDiscount?.description ?? 'Volume discount';
    for (const [cat, minor] of byCategory) {
      if (minor === 0) continue;
      drafts.push({
        key: `discount:${cat}`, kind: 'discount', productId: null, sku: null,
        description: `${label} ${discountPercent} %${byCategory.size > 1 ? ` (${cat})` : ''}`,
        quantity: '1', unitPrice: decStr(fromMinor(-minor, currency)), amountMinor: -minor, taxCategory: cat, priceLines: [], priceSource: null,
      });
    }
  }

  // shipping
  let shippingMinor = 0;
  const ship = input.shipping;
  if (ship && goods.length > 0) {
    const netGoods = fromMinor(goodsMinor + discountMinor, currency);
    const free = ship.freeFrom != null && netGoods.gte(dec(ship.freeFrom));
    const fee = toMinor(ship.fee, currency, rounding);
    if (!free && fee > 0) {
      shippingMinor = fee;
      drafts.push({
        key: 'shipping', kind: 'shipping', productId: null, sku: null, description: ship.description ?? 'Shipping',
        quantity: '1', unitPrice: decStr(fromMinor(fee, currency)), amountMinor: fee,
        taxCategory: ship.taxCategory ?? principalCategory(goods), priceLines: [], priceSource: null,
      });
    }
  }

  const totals = computeInvoiceTotals(
    drafts.map((d) => ({ ...d, currency, supplyType: 'goods' as const })),
    input.tax,
  );
  warnings.push(...totals.warnings);
  const lines: PricedOrderLine[] = totals.lines.map((t) => ({
    key: t.key, kind: t.kind, productId: t.productId, sku: t.sku, description: t.description, quantity: t.quantity,
    unitPrice: t.unitPrice, amountMinor: t.amountMinor, taxCategory: t.taxCategory, taxCategoryCode: t.taxCategoryCode,
    taxRate: t.taxRate, taxMinor: t.taxMinor, priceLines: t.priceLines, priceSource: t.priceSource,
  }));
  return {
    currency, lines, goodsMinor, discountMinor, discountPercent, shippingMinor,
    netMinor: totals.totals.netMinor, taxMinor: totals.totals.taxMinor, grossMinor: totals.totals.grossMinor,
    breakdown: totals.breakdown, notes: totals.notes, warnings,
    periodBasis: decStr(thisBasis),
  };
}

/** The tax category with the largest goods amount (first on ties); 'standard' without goods. */
function principalCategory(goods: readonly { taxCategory: string; amountMinor: number }[]): string {
  const sums = new Map<string, number>();
  for (const g of goods) sums.set(g.taxCategory, (sums.get(g.taxCategory) ?? 0) + g.amountMinor);
  let best: [string, number] | null = null;
  for (const e of sums) if (!best || e[1] > best[1]) best = e;
  return best?.[0] ?? 'standard';
}
