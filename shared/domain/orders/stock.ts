/**
 * Stock awareness for upcoming orders.
 *
 * The catalog pull brings the available stock per product. Upcoming orders consume it in delivery order (earliest
 * delivery first, then order id, then line key): a line whose quantity exceeds what is left of its product is
 * flagged short (it consumes what is left). A product without a stock figure is never flagged.
 * For a short line, the suggested substitute is an active physical product of the same (non-empty) price group
 * whose free stock (available − its own demand in these orders − what earlier suggestions took) covers the line;
 * the one with the most free stock wins (then the SKU). Pure.
 */
import { dec, decStr, Decimal, ZERO } from '../money';
import type { IsoDate } from '../billing/dates';

export interface StockDemandLine {
  orderId: string;
  lineKey: string;
  productId: string;
  quantity: string;
  deliveryDate: IsoDate;
}

export interface StockProduct {
  productId: string;
  sku: string;
  /** Available quantity; null = unknown (never short). */
  available: string | null;
  priceGroup: string | null;
  active: boolean;
  kind: string;
}

export interface StockFlag {
  orderId: string;
  lineKey: string;
  short: boolean;
  /** What was left of the product for this line before it (null when unknown). */
  availableForLine: string | null;
  substituteProductId: string | null;
}

export function flagShortages(lines: readonly StockDemandLine[], products: ReadonlyMap<string, StockProduct>): StockFlag[] {
  const sorted = [...lines].sort((a, b) => (a.deliveryDate < b.deliveryDate ? -1 : a.deliveryDate > b.deliveryDate ? 1 : a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : a.lineKey < b.lineKey ? -1 : a.lineKey > b.lineKey ? 1 : 0));
  const left = new Map<string, Decimal>();
  const demand = new Map<string, Decimal>();
  for (const l of lines) demand.set(l.productId, (demand.get(l.productId) ?? ZERO).plus(dec(l.quantity)));
  const free = new Map<string, Decimal>();
  for (const p of products.values()) if (p.available !== null) free.set(p.productId, dec(p.available).minus(demand.get(p.productId) ?? ZERO));
  const byGroup = new Map<string, StockProduct[]>();
  for (const p of products.values()) {
    if (!p.priceGroup || !p.active || p.kind !== 'physical' || p.available === null) continue;
    const g = byGroup.get(p.priceGroup) ?? [];
    g.push(p);
    byGroup.set(p.priceGroup, g);
  }
  const out: StockFlag[] = [];
  for (const l of sorted) {
    const p = products.get(l.productId);
    if (!p || p.available === null) {
      out.push({ orderId: l.orderId, lineKey: l.lineKey, short: false, availableForLine: null, substituteProductId: null });
      continue;
    }
    const have = left.get(l.productId) ?? dec(p.available);
    const q = dec(l.quantity);
    const short = have.lt(q);
    left.set(l.productId, Decimal.max(ZERO, have.minus(q)));
    let substituteProductId: string | null = null;
    if (short && p.priceGroup) {
      let best: StockProduct | null = null;
      for (const c of byGroup.get(p.priceGroup) ?? []) {
        if (c.productId === p.productId) continue;
        const f = free.get(c.productId) ?? ZERO;
        if (f.lt(q)) continue;
        if (!best) { best = c; continue; }
        const cmp = f.comparedTo(free.get(best.productId) ?? ZERO);
        if (cmp > 0 || (cmp === 0 && c.sku < best.sku)) best = c;
      }
      if (best) {
        substituteProductId = best.productId;
        free.set(best.productId, (free.get(best.productId) ?? ZERO).minus(q));
      }
    }
    out.push({ orderId: l.orderId, lineKey: l.lineKey, short, availableForLine: decStr(have), substituteProductId });
  }
  return out;
}
