/**
 * Recurring orders for physical goods: the handlers of locations.*, orderSchedules.*, orders.*, stock.*,
 * productAttributes.* and orderPolicies.* (ops in shared/api/ops/{orders,locations}.ts; rules in shared/domain/orders).
 */
import { AppError } from '../../../shared/api/errors';
import type { z } from 'zod';
import type { CalendarEntry, OrderPolicy } from '../../../shared/api/ops/orders';
import { addDays, type IsoDate } from '../../../shared/domain/billing/dates';
import { dec, decStr } from '../../../shared/domain/money';
import { describeSchedule, occurrencesBetween } from '../../../shared/domain/orders';
import { type HandlerMap, nowIso } from '../context';
import { CUSTOMER_REFERENCES } from '../customers';
import { dateOf, type Db, json, loadScheduleItems, type OrderRow, patternOf, PRODUCT_INFO_SQL, productBySku, productInfo, type ProductInfo, type ScheduleRow, st } from './db';
import { recordErp, recordShipment, cancelOrder } from './fulfilment';
import { generateUpcoming, reflagStock } from './generate';
import { locationHandlers } from './locations';
import { updateOccurrence } from './occurrences';
import { DEFAULT_POLICY, OrderPricer, policyFor } from './pricing';
import { releaseRun } from './release';
import { scheduleHandlers } from './schedules';
import { SUMMARY_SQL, toOrder, toSummary } from './views';

export { toTrytonSale, pushTrytonSale, cancelTrytonSale, salesOrderPayload } from './erp';
export { orderDeliveredItemIds, linkSubscriptions } from './billing-link';
export { applyErpStatus, recordErp, recordShipment } from './fulfilment';

/**
 * Sets the available stock of products (the catalog pull calls this inside its transaction) and re-flags upcoming
 * orders. Returns how many were set and how many upcoming order lines are short now.
 */
export function setProductStock(db: Db, items: readonly { productId: string; available: string; asOf?: string }[], source: string, nowIso: string): { updated: number; shortLines: number } {
  const up = st(db, `INSERT INTO product_stock (product_id, available, as_of, source, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (product_id) DO UPDATE SET available = excluded.available, as_of = excluded.as_of, source = excluded.source, updated_at = excluded.updated_at`);
  for (const it of items) up.run(it.productId, decStr(it.available), it.asOf ?? nowIso, source, nowIso);
  return { updated: items.length, shortLines: reflagStock(db) };
}
export type { ErpSalesOrderPayload, TrytonSaleDraft, TrytonSaleResult } from './erp';

CUSTOMER_REFERENCES.push(
  { table: 'ship_to_locations', column: 'customer_id', label: 'ship-to locations' },
  { table: 'order_schedules', column: 'customer_id', label: 'delivery schedules' },
  { table: 'sales_orders', column: 'customer_id', label: 'sales orders' },
);

type OrderOps =
  | 'orders.upcoming' | 'orders.list' | 'orders.get' | 'orders.calendar' | 'orders.updateOccurrence' | 'orders.release'
  | 'orders.recordShipment' | 'orders.recordErp' | 'orders.cancel'
  | 'stock.update' | 'stock.list' | 'productAttributes.set' | 'productAttributes.list' | 'orderPolicies.get' | 'orderPolicies.set';

const toAttributes = (p: ProductInfo) => ({
  productId: p.id, sku: p.sku, name: p.name, priceGroup: p.price_group, packSize: p.pack_size, moq: p.moq, available: p.available, stockAsOf: p.as_of,
});

const SORT: Record<string, string> = {
  deliveryDate: 'o.delivery_date', releaseDate: 'o.release_date', number: 'o.number', customer: 'c.name COLLATE NOCASE', status: 'o.status', gross: 'o.gross_minor',
};

const orderHandlersCore: HandlerMap<OrderOps> = {
  async 'orders.upcoming'(input, ctx) {
    const today = dateOf(ctx.clock.now());
    const r = generateUpcoming(ctx.raw, new OrderPricer(ctx.raw), today, nowIso(ctx), input);
    const where = input.customerId ? 'AND customer_id = ?' : '';
    const upcoming = (ctx.raw.prepare(`SELECT COUNT(*) AS n FROM sales_orders WHERE status = 'upcoming' ${where}`).get(...(input.customerId ? [input.customerId] : [])) as { n: number }).n;
    return { date: today, schedules: r.schedules, generated: r.generated, refreshed: r.refreshed, upcoming, shortLines: r.shortLines, problems: r.problems };
  },

  async 'orders.list'(input, ctx) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (input.status) {
      const s = Array.isArray(input.status) ? input.status : [input.status];
      where.push(`o.status IN (${s.map(() => '?').join(',')})`);
      params.push(...s);
    }
    if (input.customerId) { where.push('o.customer_id = ?'); params.push(input.customerId); }
    if (input.scheduleId) { where.push('o.schedule_id = ?'); params.push(input.scheduleId); }
    if (input.locationId) { where.push('o.location_id = ?'); params.push(input.locationId); }
    if (input.from) { where.push('o.delivery_date >= ?'); params.push(input.from); }
    if (input.to) { where.push('o.delivery_date <= ?'); params.push(input.to); }
    if (input.stockShort !== undefined) { where.push('o.stock_short = ?'); params.push(input.stockShort ? 1 : 0); }
    if (input.search) {
      const s = `%${input.search.replace(/[%_\\]/g, (m) => '\\' + m)}%`;
      where.push(`(IFNULL(o.number,'') LIKE ? ESCAPE '\\' OR c.name LIKE ? ESCAPE '\\' OR c.number LIKE ? ESCAPE '\\' OR IFNULL(o.erp_order_number,'') LIKE ? ESCAPE '\\')`);
      params.push(s, s, s, s);
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (ctx.raw.prepare(`SELECT COUNT(*) AS n FROM sales_orders o JOIN customers c ON c.id = o.customer_id ${w}`).get(...params) as { n: number }).n;
    const rows = ctx.raw.prepare(`${SUMMARY_SQL} ${w} ORDER BY ${SORT[input.sortBy]} ${input.sortDir === 'desc' ? 'DESC' : 'ASC'}, o.id LIMIT ? OFFSET ?`).all(...params, input.limit, input.offset) as Parameters<typeof toSummary>[0][];
    return { items: rows.map(toSummary), total, offset: input.offset, limit: input.limit };
  },

  async 'orders.get'(input, ctx) {
    return toOrder(ctx.raw, input.id);
  },

  async 'orders.calendar'(input, ctx) {
    const db = ctx.raw;
    if (!st(db, 'SELECT 1 FROM customers WHERE id = ?').get(input.customerId)) throw AppError.notFound('customer', input.customerId);
    const rows = st(db, `${SUMMARY_SQL} WHERE o.customer_id = ? AND o.delivery_date BETWEEN ? AND ? ORDER BY o.delivery_date, o.id`).all(input.customerId, input.from, input.to) as Parameters<typeof toSummary>[0][];
    const entries: { date: IsoDate; entry: z.output<typeof CalendarEntry> }[] = rows.map((r) => ({ date: r.delivery_date, entry: calendarEntryOf(toSummary(r)) }));
    const schedules = st(db, `SELECT s.*, l.name AS location_name FROM order_schedules s JOIN ship_to_locations l ON l.id = s.location_id WHERE s.customer_id = ? ORDER BY s.created_at, s.id`).all(input.customerId) as (ScheduleRow & { location_name: string })[];
    for (const s of schedules) {
      if (s.status !== 'active') continue;
      const from = s.generated_through && s.generated_through >= input.from ? addDays(s.generated_through, 1) : input.from;
      if (from > input.to) continue;
      const taken = new Set((st(db, 'SELECT occurrence_date FROM sales_orders WHERE schedule_id = ? AND occurrence_date BETWEEN ? AND ?').all(s.id, from, input.to) as { occurrence_date: string }[]).map((r) => r.occurrence_date));
      const items = loadScheduleItems(db, s.id);
      const units = decStr(items.reduce((a, i) => a.plus(dec(i.quantity)), dec(0)));
      for (const occ of occurrencesBetween(patternOf(s), from, addDays(input.to, 1))) {
        if (taken.has(occ.deliveryDate)) continue;
        entries.push({
          date: occ.deliveryDate,
          entry: {
            orderId: null, number: null, scheduleId: s.id, scheduleName: s.name, locationName: s.location_name, status: 'projected', deliveryDate: occ.deliveryDate,
            releaseDate: occ.releaseDate, moved: false, lineCount: items.length, units, netMinor: 0, grossMinor: 0, currency: s.currency, estimated: true,
            stockShort: false, hasOverrides: false, editable: false,
          },
        });
      }
    }
    const byDate = new Map<string, z.output<typeof CalendarEntry>[]>();
    for (const e of entries.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))) {
      const list = byDate.get(e.date) ?? [];
      list.push(e.entry);
      byDate.set(e.date, list);
    }
    return {
      customerId: input.customerId, from: input.from, to: input.to,
      days: [...byDate.entries()].map(([date, list]) => ({ date, entries: list })),
      schedules: schedules.map((s) => ({ id: s.id, name: s.name, description: describe(s), locationName: s.location_name, status: s.status, invoicingMode: s.invoicing_mode })),
    };
  },

  async 'orders.updateOccurrence'(input, ctx) {
    const r = updateOccurrence(ctx, input);
    return { ...toOrder(ctx.raw, r.order.id), messages: r.messages };
  },

  async 'orders.release'(input, ctx) {
    return releaseRun(ctx, input);
  },

  async 'orders.recordShipment'(input, ctx) {
    return toOrder(ctx.raw, recordShipment(ctx, input).id);
  },

  async 'orders.recordErp'(input, ctx) {
    return toOrder(ctx.raw, recordErp(ctx, input).id);
  },

  async 'orders.cancel'(input, ctx) {
    return toOrder(ctx.raw, cancelOrder(ctx, input.id, input.reason).id);
  },

  async 'stock.update'(input, ctx) {
    const db = ctx.raw;
    const items = input.items.map((it, i) => {
      const id = it.productId ?? productBySku(db, it.sku!)?.id;
      if (!id || !st(db, 'SELECT 1 FROM products WHERE id = ?').get(id)) throw AppError.validation(`items.${i}.${it.productId ? 'productId' : 'sku'}`, `no product ${it.productId ?? it.sku}`);
      return { productId: id, available: it.available, ...(it.asOf ? { asOf: it.asOf } : {}) };
    });
    return setProductStock(db, items, input.source, nowIso(ctx));
  },

  async 'stock.list'(input, ctx) {
    const rows = (input.productIds
      ? ctx.raw.prepare(`SELECT s.*, p.sku FROM product_stock s JOIN products p ON p.id = s.product_id WHERE s.product_id IN (SELECT value FROM json_each(?)) ORDER BY p.sku`).all(JSON.stringify(input.productIds))
      : ctx.raw.prepare(`SELECT s.*, p.sku FROM product_stock s JOIN products p ON p.id = s.product_id ORDER BY p.sku`).all()) as { product_id: string; sku: string; available: string; as_of: string; source: string }[];
    return rows.map((r) => ({ productId: r.product_id, sku: r.sku, available: r.available, asOf: r.as_of, source: r.source }));
  },

  async 'productAttributes.set'(input, ctx) {
    const db = ctx.raw;
    const p = productInfo(db, input.productId);
    if (!p) throw AppError.notFound('product', input.productId);
    const next = {
      price_group: input.priceGroup === undefined ? p.price_group : input.priceGroup,
      pack_size: input.packSize === undefined ? p.pack_size : input.packSize === null ? null : decStr(input.packSize),
      moq: input.moq === undefined ? p.moq : input.moq === null ? null : decStr(input.moq),
    };
    st(db, `INSERT INTO product_attributes (product_id, price_group, pack_size, moq, updated_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (product_id) DO UPDATE SET price_group = excluded.price_group, pack_size = excluded.pack_size, moq = excluded.moq, updated_at = excluded.updated_at`)
      .run(p.id, next.price_group, next.pack_size, next.moq, nowIso(ctx));
    reflagStock(db);
    return toAttributes(productInfo(db, p.id)!);
  },

  async 'productAttributes.list'(input, ctx) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (input.priceGroup) { where.push('a.price_group = ?'); params.push(input.priceGroup); }
    if (input.productIds) { where.push('p.id IN (SELECT value FROM json_each(?))'); params.push(JSON.stringify(input.productIds)); }
    if (!input.priceGroup && !input.productIds) where.push(`(a.product_id IS NOT NULL OR s.product_id IS NOT NULL OR p.kind = 'physical')`);
    const rows = ctx.raw.prepare(`${PRODUCT_INFO_SQL} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p.sku`).all(...params) as ProductInfo[];
    return rows.map(toAttributes);
  },

  async 'orderPolicies.get'(input, ctx) {
    return policyFor(ctx.raw, input.customerId ?? null);
  },

  async 'orderPolicies.set'(input, ctx) {
    const scope = input.customerId ?? 'default';
    if (input.customerId && !st(ctx.raw, 'SELECT 1 FROM customers WHERE id = ?').get(input.customerId)) throw AppError.validation('customerId', `customer ${input.customerId} does not exist`);
    const seen = new Set<string>();
    input.policy.shipping.forEach((s, i) => {
      if (seen.has(s.currency)) throw AppError.validation(`policy.shipping.${i}.currency`, `has a second shipping fee in ${s.currency}`);
      seen.add(s.currency);
    });
    const policy: OrderPolicy = { ...DEFAULT_POLICY, ...input.policy };
    st(ctx.raw, `INSERT INTO order_policies (scope, policy, updated_at) VALUES (?, ?, ?) ON CONFLICT (scope) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at`)
      .run(scope, json(policy), nowIso(ctx));
    return policyFor(ctx.raw, input.customerId ?? null);
  },
};

function calendarEntryOf(o: ReturnType<typeof toSummary>): z.output<typeof CalendarEntry> {
  return {
    orderId: o.id, number: o.number, scheduleId: o.scheduleId, scheduleName: o.scheduleName, locationName: o.locationName, status: o.status,
    deliveryDate: o.deliveryDate, releaseDate: o.releaseDate, moved: o.moved, lineCount: o.lineCount, units: o.units, netMinor: o.netMinor,
    grossMinor: o.grossMinor, currency: o.currency, estimated: o.estimated, stockShort: o.stockShort, hasOverrides: o.hasOverrides, editable: o.editable,
  };
}

function describe(s: ScheduleRow): string {
  try {
    return describeSchedule(patternOf(s));
  } catch {
    return '';
  }
}
export const orderHandlers = { ...locationHandlers, ...scheduleHandlers, ...orderHandlersCore };
export type { OrderRow };
