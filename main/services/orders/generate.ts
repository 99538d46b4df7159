/**
 * Upcoming orders: every active schedule keeps one 'upcoming' sales order per delivery up to today + horizon
 * (UNIQUE (schedule_id, occurrence_date) makes generation idempotent). A refresh recomputes the lines of upcoming
 * orders from the schedule (and the billing subscription) with their overrides, estimates their totals with the
 * prices of their release date, and re-flags stock shortages.
 */
import { addDays, type IsoDate } from '../../../shared/domain/billing/dates';
import { flagShortages, hasOverrides, occurrencesToGenerate, type StockProduct } from '../../../shared/domain/orders';
import { newId } from '../../platform/ids';
import { type Db, json, loadScheduleItems, overridesOf, type OrderRow, patternOf, PRODUCT_INFO_SQL, type ProductInfo, type ScheduleItemRow, type ScheduleRow, st } from './db';
import { linkSubscriptions } from './billing-link';
import { buildLines, occurrenceLines, replaceLines } from './lines';
import { type OrderPricer, policyFor } from './pricing';

export interface GenerateResult {
  schedules: number;
  generated: number;
  refreshed: number;
  problems: { scheduleId: string; message: string }[];
}

export class ScheduleCache {
  private readonly schedules = new Map<string, ScheduleRow | null>();
  private readonly items = new Map<string, ScheduleItemRow[]>();
  private readonly locations = new Map<string, { country: string; name: string }>();
  constructor(private readonly db: Db) {}
  schedule(id: string): ScheduleRow | null {
    if (!this.schedules.has(id)) this.schedules.set(id, (st(this.db, 'SELECT * FROM order_schedules WHERE id = ?').get(id) as ScheduleRow | undefined) ?? null);
    return this.schedules.get(id)!;
  }
  itemsOf(id: string): ScheduleItemRow[] {
    let i = this.items.get(id);
    if (!i) this.items.set(id, (i = loadScheduleItems(this.db, id)));
    return i;
  }
  location(id: string): { country: string; name: string } {
    let l = this.locations.get(id);
    if (!l) this.locations.set(id, (l = (st(this.db, 'SELECT country, name FROM ship_to_locations WHERE id = ?').get(id) as { country: string; name: string } | undefined) ?? { country: '', name: '' }));
    return l;
  }
}

const INSERT_ORDER = `INSERT OR IGNORE INTO sales_orders (id, customer_id, subscription_id, schedule_id, location_id, occurrence_date, delivery_date, release_date,
  status, invoicing_mode, currency, overrides, estimated, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'upcoming', ?, ?, '{}', 1, ?, ?)`;

/** Creates the missing upcoming orders of active schedules up to today + horizon. Returns the ids created. */
export function generateOccurrences(db: Db, schedules: readonly ScheduleRow[], today: IsoDate, nowIso: string, horizonDays: number | null, problems: GenerateResult['problems']): string[] {
  const created: string[] = [];
  const ins = st(db, INSERT_ORDER);
  for (const s of schedules) {
    if (s.status !== 'active') continue;
    const horizon = horizonDays ?? policyFor(db, s.customer_id).horizonDays;
    let occ;
    try {
      occ = occurrencesToGenerate(patternOf(s), { today, horizonDays: horizon, after: s.generated_through });
    } catch (e) {
      problems.push({ scheduleId: s.id, message: (e as Error).message });
      continue;
    }
    if (occ.length === 0) continue;
    for (const o of occ) {
      const id = newId();
      const r = ins.run(id, s.customer_id, s.subscription_id, s.id, s.location_id, o.deliveryDate, o.deliveryDate, o.releaseDate, s.invoicing_mode, s.currency, nowIso, nowIso);
      if (r.changes === 1) created.push(id);
    }
    const last = occ[occ.length - 1]!.deliveryDate;
    st(db, 'UPDATE order_schedules SET generated_through = ? WHERE id = ?').run(last, s.id);
    s.generated_through = last;
  }
  return created;
}

/**
 * Recomputes an upcoming (or skipped) order's lines from its schedule with its overrides and estimates its totals.
 * A pricing problem is kept in release_error (shown in the grid) instead of failing the refresh.
 */
export function refreshUpcoming(db: Db, pricer: OrderPricer, cache: ScheduleCache, o: OrderRow, nowIso: string): void {
  if (o.status !== 'upcoming' && o.status !== 'skipped') return;
  const s = o.schedule_id ? cache.schedule(o.schedule_id) : null;
  if (!s) return;
  const ov = overridesOf(o);
  const occ = occurrenceLines(db, s, cache.itemsOf(s.id), o.occurrence_date ?? o.delivery_date, ov);
  let error: string | null = null;
  let priced = null;
  let planIds = null;
  if (occ.length > 0) {
    try {
      const r = pricer.price({
        orderId: o.id, customerId: o.customer_id, currency: o.currency, deliveryDate: o.delivery_date, priceDate: o.release_date,
        shipToCountry: cache.location(o.location_id).country, lines: occ, release: false,
      });
      priced = r.priced;
      planIds = r.planIds;
    } catch (e) {
      error = (e as Error).message;
    }
  }
  replaceLines(db, o.id, buildLines(pricer, occ, priced, planIds));
  st(db, `UPDATE sales_orders SET goods_minor = ?, discount_minor = ?, discount_percent = ?, shipping_minor = ?, net_minor = ?, tax_minor = ?, gross_minor = ?,
    tax_breakdown = ?, notes = ?, release_error = ?, estimated = 1, updated_at = ? WHERE id = ?`).run(
    priced?.goodsMinor ?? 0, priced?.discountMinor ?? 0, priced?.discountPercent ?? '0', priced?.shippingMinor ?? 0, priced?.netMinor ?? 0,
    priced?.taxMinor ?? 0, priced?.grossMinor ?? 0, json(priced?.breakdown ?? []), json(priced?.notes ?? []), error, nowIso, o.id,
  );
}

/** Re-flags stock shortages over every upcoming order (earliest delivery first). Returns the number of short lines. */
export function reflagStock(db: Db): number {
  const lines = st(db, `SELECT l.id, l.order_id, l.line_key, l.product_id, l.quantity, o.delivery_date, l.stock_short, l.available_qty, l.suggested_substitute_id
    FROM sales_order_lines l JOIN sales_orders o ON o.id = l.order_id
    WHERE o.status = 'upcoming' AND l.kind = 'product' AND l.product_id IS NOT NULL`).all() as
    { id: string; order_id: string; line_key: string; product_id: string; quantity: string; delivery_date: string; stock_short: number; available_qty: string | null; suggested_substitute_id: string | null }[];
  const products = new Map<string, StockProduct>();
  const ids = [...new Set(lines.map((l) => l.product_id))];
  if (ids.length) {
    const groups = new Set<string>();
    const rows = st(db, `${PRODUCT_INFO_SQL} WHERE p.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as ProductInfo[];
    for (const r of rows) if (r.price_group) groups.add(r.price_group);
    const peers = groups.size ? (st(db, `${PRODUCT_INFO_SQL} WHERE a.price_group IN (SELECT value FROM json_each(?))`).all(JSON.stringify([...groups])) as ProductInfo[]) : [];
    for (const r of [...rows, ...peers]) {
      products.set(r.id, { productId: r.id, sku: r.sku, available: r.available, priceGroup: r.price_group, active: !!r.active, kind: r.kind });
    }
  }
  const flags = flagShortages(lines.map((l) => ({ orderId: l.order_id, lineKey: l.line_key, productId: l.product_id, quantity: l.quantity, deliveryDate: l.delivery_date })), products);
  const byKey = new Map(lines.map((l) => [`${l.order_id}|${l.line_key}`, l]));
  const upd = st(db, 'UPDATE sales_order_lines SET stock_short = ?, available_qty = ?, suggested_substitute_id = ? WHERE id = ?');
  const shortOrders = new Set<string>();
  let short = 0;
  for (const f of flags) {
    const l = byKey.get(`${f.orderId}|${f.lineKey}`)!;
    if (f.short) {
      short++;
      shortOrders.add(f.orderId);
    }
    if (l.stock_short !== (f.short ? 1 : 0) || l.available_qty !== f.availableForLine || l.suggested_substitute_id !== f.substituteProductId) {
      upd.run(f.short ? 1 : 0, f.availableForLine, f.substituteProductId, l.id);
    }
  }
  st(db, `UPDATE sales_orders SET stock_short = 0 WHERE status = 'upcoming' AND stock_short = 1 AND id NOT IN (SELECT value FROM json_each(?))`).run(JSON.stringify([...shortOrders]));
  if (shortOrders.size) st(db, `UPDATE sales_orders SET stock_short = 1 WHERE id IN (SELECT value FROM json_each(?)) AND stock_short = 0`).run(JSON.stringify([...shortOrders]));
  return short;
}

export interface GenerateOptions {
  customerId?: string;
  scheduleId?: string;
  horizonDays?: number;
  /** Refresh the lines/estimates of existing upcoming orders too (default true). */
  refresh?: boolean;
}

/** orders.upcoming: generate what is missing, refresh upcoming orders, re-flag stock. */
export function generateUpcoming(db: Db, pricer: OrderPricer, today: IsoDate, nowIso: string, opts: GenerateOptions): GenerateResult & { shortLines: number } {
  const problems: GenerateResult['problems'] = [];
  if (!opts.scheduleId) {
    const link = linkSubscriptions(db, today, nowIso, opts.customerId);
    for (const p of link.problems) problems.push({ scheduleId: p.subscriptionId, message: `subscription ${p.subscriptionId}: ${p.message}` });
  }
  const where: string[] = [`status = 'active'`];
  const params: unknown[] = [];
  if (opts.customerId) { where.push('customer_id = ?'); params.push(opts.customerId); }
  if (opts.scheduleId) { where.push('id = ?'); params.push(opts.scheduleId); }
  const schedules = db.prepare(`SELECT * FROM order_schedules WHERE ${where.join(' AND ')} ORDER BY id`).all(...params) as ScheduleRow[];
  const created = generateOccurrences(db, schedules, today, nowIso, opts.horizonDays ?? null, problems);
  const cache = new ScheduleCache(db);
  let refreshed = 0;
  const ids = opts.refresh === false ? created : null;
  const orders = ids
    ? ids.map((id) => st(db, 'SELECT * FROM sales_orders WHERE id = ?').get(id) as OrderRow)
    : (db.prepare(`SELECT * FROM sales_orders WHERE status IN ('upcoming','skipped') AND schedule_id IN (SELECT value FROM json_each(?)) ORDER BY delivery_date, id`).all(JSON.stringify(schedules.map((s) => s.id))) as OrderRow[]);
  for (const o of orders) {
    refreshUpcoming(db, pricer, cache, o, nowIso);
    refreshed++;
  }
  const shortLines = reflagStock(db);
  return { schedules: schedules.length, generated: created.length, refreshed, problems, shortLines };
}

/**
 * When a schedule's pattern or items change: deletes its upcoming/skipped orders not yet due (release date after
 * today) so they are generated again under the new terms; returns how many went and how many carried overrides.
 * generated_through moves back to the last remaining occurrence (never before yesterday: no past deliveries appear).
 */
export function dropUpcoming(db: Db, scheduleId: string, today: IsoDate): { dropped: number; lostOverrides: number } {
  const rows = st(db, `SELECT id, overrides FROM sales_orders WHERE schedule_id = ? AND status IN ('upcoming','skipped') AND release_date > ?`).all(scheduleId, today) as Pick<OrderRow, 'id' | 'overrides'>[];
  let lostOverrides = 0;
  for (const r of rows) {
    if (hasOverrides(overridesOf(r))) lostOverrides++;
    st(db, 'DELETE FROM sales_order_lines WHERE order_id = ?').run(r.id);
    st(db, 'DELETE FROM sales_order_events WHERE order_id = ?').run(r.id);
    st(db, 'DELETE FROM sales_orders WHERE id = ?').run(r.id);
  }
  const last = st(db, 'SELECT MAX(occurrence_date) AS d FROM sales_orders WHERE schedule_id = ?').get(scheduleId) as { d: string | null };
  const floor = addDays(today, -1);
  st(db, 'UPDATE order_schedules SET generated_through = ? WHERE id = ?').run(last.d && last.d > floor ? last.d : floor, scheduleId);
  return { dropped: rows.length, lostOverrides };
}
