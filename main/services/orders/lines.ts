/**
 * The lines of an order: what the schedule delivers on a date (with the billing subscription's quantities when the
 * schedule is linked to a subscription), with the occurrence's overrides, priced (estimate or release).
 */
import type { IsoDate } from '../../../shared/domain/billing/dates';
import { applyOverrides, type OccurrenceLine, type OccurrenceOverrides, type PricedOrder, type ScheduledItem } from '../../../shared/domain/orders';
import { newId } from '../../platform/ids';
import { type Db, json, type LineRow, type ScheduleItemRow, type ScheduleRow, st, tableExists } from './db';
import type { OrderPricer } from './pricing';

interface SubItemState { quantity: string; plan_id: string; product_id: string; start_date: string | null; end_date: string | null }

/** Whether the billing subscription delivers on `date` (not canceled/expired before it, not paused on it). */
function subscriptionDelivers(db: Db, subscriptionId: string, date: IsoDate): boolean {
  if (!tableExists(db, 'subscriptions')) return true;
  const s = st(db, 'SELECT status, cancel_at, start_date FROM subscriptions WHERE id = ?').get(subscriptionId) as { status: string; cancel_at: string | null; start_date: string } | undefined;
  if (!s) return true;
  if (s.start_date > date) return false;
  if (s.cancel_at && s.cancel_at.slice(0, 10) <= date) return false;
  if ((s.status === 'canceled' || s.status === 'expired') && !s.cancel_at) return false;
  if (tableExists(db, 'subscription_pauses')) {
    const p = st(db, 'SELECT 1 FROM subscription_pauses WHERE subscription_id = ? AND from_date <= ? AND (until_date IS NULL OR until_date > ?) LIMIT 1').get(subscriptionId, date, date);
    if (p) return false;
  }
  return true;
}

/** A billing subscription item's terms in force on `date` (its latest dated change applied), or null. */
function subscriptionItemAt(db: Db, itemId: string, date: IsoDate): SubItemState | null {
  if (!tableExists(db, 'subscription_items')) return null;
  const it = st(db, 'SELECT quantity, plan_id, product_id, start_date, end_date FROM subscription_items WHERE id = ?').get(itemId) as SubItemState | undefined;
  if (!it) return null;
  const out = { ...it };
  if (tableExists(db, 'subscription_changes')) {
    const changes = st(db, `SELECT quantity, plan_id, product_id FROM subscription_changes WHERE item_id = ? AND effective_date <= ? AND canceled_at IS NULL
      ORDER BY effective_date, created_at`).all(itemId, date) as { quantity: string | null; plan_id: string | null; product_id: string | null }[];
    for (const c of changes) {
      if (c.quantity !== null) out.quantity = c.quantity;
      if (c.plan_id !== null) out.plan_id = c.plan_id;
      if (c.product_id !== null) out.product_id = c.product_id;
    }
  }
  return out;
}

/**
 * The items a schedule delivers on `date`: its own items in force that day; an item linked to a billing subscription
 * item takes that item's quantity/plan/product of the day (the subscription is the truth), and nothing is delivered
 * while the subscription is paused or after it ended.
 */
export function scheduledItemsAt(db: Db, schedule: ScheduleRow, items: readonly ScheduleItemRow[], date: IsoDate): ScheduledItem[] {
  if (schedule.subscription_id && !subscriptionDelivers(db, schedule.subscription_id, date)) return [];
  const out: ScheduledItem[] = [];
  for (const i of items) {
    if ((i.start_date && i.start_date > date) || (i.end_date && i.end_date <= date)) continue;
    const subItemId = i.subscription_item_id ?? (items.length === 1 ? schedule.subscription_item_id : null);
    if (subItemId) {
      const s = subscriptionItemAt(db, subItemId, date);
      if (s) {
        if ((s.start_date && s.start_date.slice(0, 10) > date) || (s.end_date && s.end_date.slice(0, 10) <= date)) continue;
        out.push({ itemId: i.id, productId: s.product_id, planId: s.plan_id, quantity: s.quantity, description: i.description });
        continue;
      }
    }
    out.push({ itemId: i.id, productId: i.product_id, planId: i.plan_id, quantity: i.quantity, description: i.description });
  }
  return out;
}

export function occurrenceLines(db: Db, schedule: ScheduleRow, items: readonly ScheduleItemRow[], date: IsoDate, overrides: OccurrenceOverrides): OccurrenceLine[] {
  return applyOverrides(scheduledItemsAt(db, schedule, items, date), overrides);
}

/** A line as stored (the DB columns an insert needs). */
export type LineInsert = Omit<LineRow, 'id' | 'order_id' | 'position'>;

const blankProgress = { shipped_qty: '0', backordered_qty: '0', substitute_product_id: null, invoiced_qty: '0', invoiced_minor: 0, stock_short: 0, available_qty: null, suggested_substitute_id: null };

/** Lines for storage: the occurrence lines, with prices when `priced` (an estimate or the release). */
export function buildLines(pricer: OrderPricer, occ: readonly OccurrenceLine[], priced: PricedOrder | null, planIds: Map<string, string> | null): LineInsert[] {
  const byKey = new Map(occ.map((l) => [l.key, l]));
  if (!priced) {
    return occ.map((l) => {
      const p = pricer.product(l.productId);
      return {
        line_key: l.key, kind: 'product', schedule_item_id: l.itemId, product_id: l.productId, plan_id: l.planId, sku: p.sku, description: l.description ?? p.name,
        unit: p.unit, quantity: l.quantity, unit_price: null, amount_minor: null, tax_category: p.tax_category, tax_code: null, tax_rate: null, tax_minor: null,
        price_source: null, price_lines: null, original_product_id: l.originalProductId, original_quantity: l.originalQuantity, one_off: l.oneOff ? 1 : 0, ...blankProgress,
      };
    });
  }
  return priced.lines.map((pl) => {
    const l = byKey.get(pl.key);
    const p = l ? pricer.product(l.productId) : null;
    return {
      line_key: pl.key, kind: pl.kind, schedule_item_id: l?.itemId ?? null, product_id: pl.productId, plan_id: l ? (planIds?.get(l.key) ?? l.planId) : null,
      sku: pl.sku, description: pl.description, unit: p?.unit ?? null, quantity: pl.quantity, unit_price: pl.unitPrice, amount_minor: pl.amountMinor,
      tax_category: pl.taxCategory, tax_code: pl.taxCategoryCode, tax_rate: pl.taxRate, tax_minor: pl.taxMinor, price_source: pl.priceSource,
      price_lines: pl.priceLines.length ? json(pl.priceLines) : null, original_product_id: l?.originalProductId ?? null,
      original_quantity: l?.originalQuantity ?? null, one_off: l?.oneOff ? 1 : 0, ...blankProgress,
    };
  });
}

const INSERT_LINE = `INSERT INTO sales_order_lines (id, order_id, position, line_key, kind, schedule_item_id, product_id, plan_id, sku, description, unit,
  quantity, unit_price, amount_minor, tax_category, tax_code, tax_rate, tax_minor, price_source, price_lines, original_product_id, original_quantity,
  one_off, shipped_qty, backordered_qty, substitute_product_id, invoiced_qty, invoiced_minor, stock_short, available_qty, suggested_substitute_id)
  VALUES (@id, @order_id, @position, @line_key, @kind, @schedule_item_id, @product_id, @plan_id, @sku, @description, @unit, @quantity, @unit_price,
  @amount_minor, @tax_category, @tax_code, @tax_rate, @tax_minor, @price_source, @price_lines, @original_product_id, @original_quantity, @one_off,
  @shipped_qty, @backordered_qty, @substitute_product_id, @invoiced_qty, @invoiced_minor, @stock_short, @available_qty, @suggested_substitute_id)`;

/** Replaces an order's lines, keeping the id (and stock flags) of lines whose key stays. */
export function replaceLines(db: Db, orderId: string, lines: readonly LineInsert[], keepStockFlags = true): LineRow[] {
  const old = st(db, 'SELECT id, line_key, stock_short, available_qty, suggested_substitute_id FROM sales_order_lines WHERE order_id = ?').all(orderId) as
    { id: string; line_key: string; stock_short: number; available_qty: string | null; suggested_substitute_id: string | null }[];
  const byKey = new Map(old.map((o) => [o.line_key, o]));
  st(db, 'DELETE FROM sales_order_lines WHERE order_id = ?').run(orderId);
  const ins = st(db, INSERT_LINE);
  return lines.map((l, i) => {
    const prev = byKey.get(l.line_key);
    const row: LineRow = {
      ...l, id: prev?.id ?? newId(), order_id: orderId, position: i + 1,
      ...(keepStockFlags && prev && l.kind === 'product' ? { stock_short: prev.stock_short, available_qty: prev.available_qty, suggested_substitute_id: prev.suggested_substitute_id } : {}),
    };
    ins.run(row);
    return row;
  });
}
