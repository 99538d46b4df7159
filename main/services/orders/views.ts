/** Rows → API shapes (shared/api/ops/orders.ts, locations.ts). */
import { AppError } from '../../../shared/api/errors';
import type { Location } from '../../../shared/api/ops/locations';
import type { Order, OrderLine, OrderSummary, Schedule } from '../../../shared/api/ops/orders';
import { dec, decStr, ZERO } from '../../../shared/domain/money';
import { describeSchedule, hasOverrides, lineFulfilment, nextOccurrence } from '../../../shared/domain/orders';
import { type Db, type LineRow, type LocationRow, loadLines, loadOrderRow, loadScheduleItems, overridesOf, type OrderRow, parseJson, patternOf, type ScheduleRow, st } from './db';

export function toLocation(db: Db, r: LocationRow): Location {
  const n = st(db, `SELECT COUNT(*) AS n FROM order_schedules WHERE location_id = ? AND status <> 'ended'`).get(r.id) as { n: number };
  return {
    id: r.id, customerId: r.customer_id, name: r.name, line1: r.line1, line2: r.line2, city: r.city, postalCode: r.postal_code, region: r.region,
    country: r.country, contacts: parseJson(r.contacts, []), deliveryNotes: r.delivery_notes, isDefault: !!r.is_default, status: r.status,
    activeSchedules: n.n, version: r.version, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export function toSchedule(db: Db, s: ScheduleRow, today: string): Schedule {
  const items = loadScheduleItems(db, s.id).map((i) => {
    const p = st(db, 'SELECT sku, name, unit FROM products WHERE id = ?').get(i.product_id) as { sku: string; name: string; unit: string } | undefined;
    return {
      id: i.id, productId: i.product_id, sku: p?.sku ?? '?', productName: p?.name ?? '?', unit: p?.unit ?? 'each', planId: i.plan_id, quantity: i.quantity,
      description: i.description, subscriptionItemId: i.subscription_item_id,
    };
  });
  const loc = st(db, 'SELECT name FROM ship_to_locations WHERE id = ?').get(s.location_id) as { name: string } | undefined;
  let next: string | null = null;
  if (s.status === 'active') {
    const pending = st(db, `SELECT MIN(delivery_date) AS d FROM sales_orders WHERE schedule_id = ? AND status = 'upcoming'`).get(s.id) as { d: string | null };
    next = pending.d ?? nextOccurrence(patternOf(s), today > s.anchor_date ? today : s.anchor_date)?.deliveryDate ?? null;
  }
  return {
    id: s.id, customerId: s.customer_id, subscriptionId: s.subscription_id, subscriptionItemId: s.subscription_item_id, locationId: s.location_id,
    locationName: loc?.name ?? '', name: s.name, currency: s.currency, unit: s.unit, every: s.every, anchorDate: s.anchor_date, weekday: s.weekday,
    dayOfMonth: s.day_of_month, leadDays: s.lead_days, endDate: s.end_date, description: describeSchedule(patternOf(s)), invoicingMode: s.invoicing_mode,
    status: s.status, generatedThrough: s.generated_through, nextDelivery: next, poNumber: s.po_number, notes: s.notes, items, version: s.version,
    createdAt: s.created_at, updatedAt: s.updated_at,
  };
}

const EDITABLE = new Set(['upcoming', 'skipped']);

interface SummaryExtras { customer_number: string; customer_name: string; schedule_name: string | null; location_name: string; line_count: number; units: string | null }

export const SUMMARY_SQL = `SELECT o.*, c.number AS customer_number, c.name AS customer_name, s.name AS schedule_name, l.name AS location_name,
  (SELECT COUNT(*) FROM sales_order_lines x WHERE x.order_id = o.id AND x.kind = 'product') AS line_count,
  (SELECT GROUP_CONCAT(x.quantity, '|') FROM sales_order_lines x WHERE x.order_id = o.id AND x.kind = 'product') AS units
  FROM sales_orders o JOIN customers c ON c.id = o.customer_id LEFT JOIN order_schedules s ON s.id = o.schedule_id JOIN ship_to_locations l ON l.id = o.location_id`;

export function toSummary(r: OrderRow & SummaryExtras): OrderSummary {
  const units = (r.units ?? '').split('|').filter(Boolean).reduce((a, q) => a.plus(dec(q)), ZERO);
  return {
    id: r.id, number: r.number, customerId: r.customer_id, customerNumber: r.customer_number, customerName: r.customer_name, subscriptionId: r.subscription_id,
    scheduleId: r.schedule_id, scheduleName: r.schedule_name, locationId: r.location_id, locationName: r.location_name, occurrenceDate: r.occurrence_date,
    deliveryDate: r.delivery_date, releaseDate: r.release_date, moved: r.occurrence_date !== null && r.occurrence_date !== r.delivery_date, status: r.status,
    invoicingMode: r.invoicing_mode, invoiceStatus: r.invoice_status, currency: r.currency, estimated: !!r.estimated, goodsMinor: r.goods_minor,
    discountMinor: r.discount_minor, discountPercent: r.discount_percent, shippingMinor: r.shipping_minor, netMinor: r.net_minor, taxMinor: r.tax_minor,
    grossMinor: r.gross_minor, invoicedMinor: r.invoiced_minor, lineCount: r.line_count, units: decStr(units), hasOverrides: hasOverrides(overridesOf(r)),
    skipReason: r.skip_reason, stockShort: !!r.stock_short, releaseError: r.release_error, erpOrderNumber: r.erp_order_number, erpStatus: r.erp_status,
    editable: EDITABLE.has(r.status), releasedAt: r.released_at, version: r.version, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export function toLine(db: Db, l: LineRow, reported: boolean): OrderLine {
  const sub = l.suggested_substitute_id ? (st(db, 'SELECT sku FROM products WHERE id = ?').get(l.suggested_substitute_id) as { sku: string } | undefined) : undefined;
  return {
    id: l.id, key: l.line_key, kind: l.kind, productId: l.product_id, sku: l.sku, description: l.description, unit: l.unit, quantity: l.quantity,
    unitPrice: l.unit_price, amountMinor: l.amount_minor, taxCategory: l.tax_category, taxRate: l.tax_rate, taxMinor: l.tax_minor, priceSource: l.price_source,
    scheduleItemId: l.schedule_item_id, originalProductId: l.original_product_id, originalQuantity: l.original_quantity, oneOff: !!l.one_off,
    shippedQty: l.shipped_qty, backorderedQty: l.backordered_qty, substituteProductId: l.substitute_product_id,
    fulfilment: l.kind === 'product' ? lineFulfilment({ lineId: l.id, orderedQty: l.quantity, shippedQty: l.shipped_qty, backorderedQty: l.backordered_qty, substituteProductId: l.substitute_product_id }, reported) : 'pending',
    invoicedQty: l.invoiced_qty, invoicedMinor: l.invoiced_minor, stockShort: !!l.stock_short, availableQty: l.available_qty,
    suggestedSubstituteId: l.suggested_substitute_id, suggestedSubstituteSku: sub?.sku ?? null,
  };
}

export function summaryOf(db: Db, id: string): OrderSummary {
  const r = st(db, `${SUMMARY_SQL} WHERE o.id = ?`).get(id) as (OrderRow & SummaryExtras) | undefined;
  if (!r) throw AppError.notFound('order', id);
  return toSummary(r);
}

export function toOrder(db: Db, id: string): Order {
  const row = loadOrderRow(db, id);
  if (!row) throw AppError.notFound('order', id);
  const summary = summaryOf(db, id);
  const reported = row.shipment_reported_at !== null;
  const events = (st(db, 'SELECT * FROM sales_order_events WHERE order_id = ? ORDER BY id').all(id) as { id: string; at: string; event: string; source: string; reference: string | null; details: string }[])
    .map((e) => ({ id: e.id, at: e.at, event: e.event, source: e.source, reference: e.reference, details: parseJson<Record<string, unknown>>(e.details, {}) }));
  const invoicing = (st(db, 'SELECT * FROM sales_order_invoicing WHERE order_id = ? ORDER BY id').all(id) as
    { id: string; type: 'charge' | 'credit'; reason: string; description: string; quantity: string; unit_price: string; amount_minor: number; status: 'pending' | 'invoiced'; invoice_id: string | null; created_at: string }[])
    .map((v) => ({ id: v.id, type: v.type, reason: v.reason, description: v.description, quantity: v.quantity, unitPrice: v.unit_price, amountMinor: v.amount_minor, status: v.status, invoiceId: v.invoice_id, createdAt: v.created_at }));
  return {
    ...summary,
    lines: loadLines(db, id).map((l) => toLine(db, l, reported)),
    taxBreakdown: parseJson(row.tax_breakdown, []),
    notes: parseJson(row.notes, []),
    overrides: overridesOf(row),
    shipTo: parseJson<Record<string, unknown> | null>(row.ship_to, null),
    events,
    invoicing,
  };
}
