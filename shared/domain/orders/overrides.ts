/**
 * Occurrence overrides: edits of ONE upcoming delivery that leave the subscription (its schedule items) alone.
 *
 * An upcoming order's lines are always `applyOverrides(scheduled items, overrides)`: when the subscription changes
 * (a new quantity, an item added), a refresh recomputes the lines of every upcoming order and keeps its overrides.
 * - quantity: a different quantity for this delivery (0 = leave the item out of this delivery);
 * - swap: another product of the same price group for this delivery (the caller checks the group);
 * - add: a one-off item added to this delivery only;
 * - skip / unskip: no delivery this time (the order stays in the calendar as 'skipped');
 * - move: another delivery date for this delivery (its release date moves with it);
 * - reset: drop the overrides of one item (or all of them).
 * Overrides are a plain JSON value stored with the order. Pure.
 */
import type { IsoDate } from '../billing/dates';

/** A line of the subscription's delivery schedule. */
export interface ScheduledItem {
  itemId: string;
  productId: string;
  /** The plan whose (contract) price prices this product; null = the product's own plan in the currency. */
  planId: string | null;
  quantity: string;
  description?: string | null;
}

export interface ItemOverride {
  quantity?: string;
  productId?: string;
  planId?: string | null;
}

export interface OneOffItem {
  id: string;
  productId: string;
  planId: string | null;
  quantity: string;
  description?: string | null;
}

export interface OccurrenceOverrides {
  skip?: { reason: string } | null;
  /** The moved delivery date; absent = the scheduled date. */
  deliveryDate?: IsoDate | null;
  items?: Record<string, ItemOverride>;
  added?: OneOffItem[];
}

export type OccurrenceChange =
  | { type: 'quantity'; itemId: string; quantity: string }
  /** `quantity`: the delivery's quantity rounded to the new product's pack size (when the caller rounded it). */
  | { type: 'swap'; itemId: string; productId: string; planId?: string | null; quantity?: string }
  | { type: 'add'; id: string; productId: string; quantity: string; planId?: string | null; description?: string | null }
  | { type: 'remove_added'; id: string }
  | { type: 'skip'; reason?: string }
  | { type: 'unskip' }
  | { type: 'move'; deliveryDate: IsoDate }
  | { type: 'reset'; itemId?: string };

export interface OccurrenceLine {
  /** Stable within the order: the schedule item id, or `oneoff:<id>`. */
  key: string;
  itemId: string | null;
  productId: string;
  planId: string | null;
  quantity: string;
  description: string | null;
  /** The scheduled product when this delivery swaps it for another. */
  originalProductId: string | null;
  /** The scheduled quantity when this delivery changes it. */
  originalQuantity: string | null;
  oneOff: boolean;
}

export class OverrideError extends Error {
  override name = 'OverrideError';
  constructor(public readonly path: string, message: string) {
    super(`${path}: ${message}`);
  }
}

export const ONE_OFF_PREFIX = 'oneoff:';

const isZero = (q: string) => /^0*(\.0*)?$/.test(q.trim());
const canon = (q: string) => {
  const t = q.trim();
  if (!t.includes('.')) return t.replace(/^0+(?=\d)/, '');
  return t.replace(/^0+(?=\d)/, '').replace(/\.?0+$/, '') || '0';
};

/** The lines of one delivery: scheduled items with their overrides, then the one-off items. Zero quantities drop out. */
export function applyOverrides(items: readonly ScheduledItem[], o: OccurrenceOverrides): OccurrenceLine[] {
  const out: OccurrenceLine[] = [];
  for (const it of items) {
    const ov = o.items?.[it.itemId] ?? {};
    const quantity = ov.quantity ?? it.quantity;
    if (isZero(quantity)) continue;
    const swapped = ov.productId !== undefined && ov.productId !== it.productId;
    out.push({
      key: it.itemId,
      itemId: it.itemId,
      productId: swapped ? ov.productId! : it.productId,
      planId: swapped ? (ov.planId ?? null) : it.planId,
      quantity: canon(quantity),
      description: swapped ? null : (it.description ?? null),
      originalProductId: swapped ? it.productId : null,
      originalQuantity: ov.quantity !== undefined && canon(ov.quantity) !== canon(it.quantity) ? canon(it.quantity) : null,
      oneOff: false,
    });
  }
  for (const a of o.added ?? []) {
    if (isZero(a.quantity)) continue;
    out.push({
      key: ONE_OFF_PREFIX + a.id, itemId: null, productId: a.productId, planId: a.planId ?? null, quantity: canon(a.quantity),
      description: a.description ?? null, originalProductId: null, originalQuantity: null, oneOff: true,
    });
  }
  return out;
}

/**
 * The overrides after one change (a new value; the input is not modified). Throws OverrideError naming the field
 * for a change that does not fit (unknown item, swap to the same product …).
 */
export function applyChange(items: readonly ScheduledItem[], o: OccurrenceOverrides, change: OccurrenceChange): OccurrenceOverrides {
  const next: OccurrenceOverrides = { ...o, items: { ...(o.items ?? {}) }, added: [...(o.added ?? [])] };
  const item = (id: string) => items.find((i) => i.itemId === id);
  switch (change.type) {
    case 'quantity': {
      const added = next.added!.findIndex((a) => a.id === change.itemId || ONE_OFF_PREFIX + a.id === change.itemId);
      if (added >= 0) {
        next.added![added] = { ...next.added![added]!, quantity: canon(change.quantity) };
        break;
      }
      const it = item(change.itemId);
      if (!it) throw new OverrideError('itemId', `no item ${change.itemId} in this delivery`);
      const cur = { ...(next.items![it.itemId] ?? {}) };
      if (canon(change.quantity) === canon(it.quantity)) delete cur.quantity;
      else cur.quantity = canon(change.quantity);
      setItem(next, it.itemId, cur);
      break;
    }
    case 'swap': {
      const it = item(change.itemId);
      if (!it) throw new OverrideError('itemId', `no item ${change.itemId} in this delivery`);
      const cur = { ...(next.items![it.itemId] ?? {}) };
      if (change.productId === it.productId) {
        delete cur.productId;
        delete cur.planId;
      } else {
        cur.productId = change.productId;
        cur.planId = change.planId ?? null;
      }
      if (change.quantity !== undefined) {
        if (canon(change.quantity) === canon(it.quantity)) delete cur.quantity;
        else cur.quantity = canon(change.quantity);
      }
      setItem(next, it.itemId, cur);
      break;
    }
    case 'add': {
      if (next.added!.some((a) => a.id === change.id)) throw new OverrideError('id', `one-off item ${change.id} is already on this delivery`);
      next.added!.push({ id: change.id, productId: change.productId, planId: change.planId ?? null, quantity: canon(change.quantity), description: change.description ?? null });
      break;
    }
    case 'remove_added': {
      const before = next.added!.length;
      next.added = next.added!.filter((a) => a.id !== change.id && ONE_OFF_PREFIX + a.id !== change.id);
      if (next.added.length === before) throw new OverrideError('id', `no one-off item ${change.id} on this delivery`);
      break;
    }
    case 'skip':
      next.skip = { reason: change.reason ?? '' };
      break;
    case 'unskip':
      next.skip = null;
      break;
    case 'move':
      next.deliveryDate = change.deliveryDate;
      break;
    case 'reset':
      if (change.itemId === undefined) return {};
      delete next.items![change.itemId];
      break;
  }
  return compact(next);
}

function setItem(o: OccurrenceOverrides, itemId: string, ov: ItemOverride): void {
  if (Object.keys(ov).length === 0) delete o.items![itemId];
  else o.items![itemId] = ov;
}

/** Drops empty parts so "no overrides" is always `{}`. */
export function compact(o: OccurrenceOverrides): OccurrenceOverrides {
  const out: OccurrenceOverrides = {};
  if (o.skip) out.skip = o.skip;
  if (o.deliveryDate) out.deliveryDate = o.deliveryDate;
  if (o.items && Object.keys(o.items).length) out.items = o.items;
  if (o.added && o.added.length) out.added = o.added;
  return out;
}

export const hasOverrides = (o: OccurrenceOverrides): boolean => Object.keys(compact(o)).length > 0;

/**
 * Where a delivery may be moved: not into the past, and strictly between the neighbouring deliveries of the same
 * schedule (so deliveries keep their order and two never share a day). Returns a problem text or null.
 */
export function moveProblem(newDate: IsoDate, ctx: { today: IsoDate; previous: IsoDate | null; next: IsoDate | null }): string | null {
  if (newDate < ctx.today) return `${newDate} is in the past (today is ${ctx.today})`;
  if (ctx.previous && newDate <= ctx.previous) return `must be after the previous delivery (${ctx.previous})`;
  if (ctx.next && newDate >= ctx.next) return `must be before the next delivery (${ctx.next}); skip this one instead or move the next one first`;
  return null;
}

/** A swap is allowed only within one non-empty price group. Returns a problem text or null. */
export function swapProblem(from: { sku: string; priceGroup: string | null }, to: { sku: string; priceGroup: string | null; active: boolean; kind: string }): string | null {
  if (!to.active) return `${to.sku} is not active`;
  if (to.kind !== 'physical') return `${to.sku} is not a physical product`;
  if (!from.priceGroup) return `${from.sku} has no price group, so it cannot be swapped`;
  if (to.priceGroup !== from.priceGroup) return `${to.sku} is not in price group "${from.priceGroup}" of ${from.sku}${to.priceGroup ? ` (it is in "${to.priceGroup}")` : ''}`;
  return null;
}
