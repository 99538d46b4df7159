/**
 * Raw better-sqlite3 access for the orders module (tables of migration 0006). Statements run on ctx.raw, i.e. inside
 * the operation's transaction. Prepared statements are cached per connection.
 */
import type { IsoDate } from '../../../shared/domain/billing/dates';
import type { DeliverySchedule, InvoicingMode, OccurrenceOverrides, OrderStatus } from '../../../shared/domain/orders';

export { st, json, type Db } from '../../db/sql';
import { json, st, type Db } from '../../db/sql';
export function parseJson<T>(s: string | null | undefined, fallback: T): T {
  if (s === null || s === undefined || s === '') return fallback;
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
}

export const dateOf = (d: Date): IsoDate => d.toISOString().slice(0, 10);

export function tableExists(db: Db, name: string): boolean {
  return !!st(db, `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name);
}

// ------------------------------------------------------------------------------------------ rows

export interface LocationRow {
  id: string; customer_id: string; name: string; line1: string; line2: string; city: string; postal_code: string; region: string;
  country: string; contacts: string; delivery_notes: string; is_default: number; status: 'active' | 'archived'; external_ref: string | null;
  version: number; created_at: string; updated_at: string;
}

export interface ScheduleRow {
  id: string; customer_id: string; subscription_id: string | null; subscription_item_id: string | null; location_id: string; name: string;
  currency: string; unit: 'day' | 'week' | 'month'; every: number; anchor_date: string; weekday: number | null; day_of_month: number | null;
  lead_days: number; end_date: string | null; invoicing_mode: InvoicingMode; status: 'active' | 'paused' | 'ended';
  generated_through: string | null; po_number: string | null; notes: string; version: number; created_at: string; updated_at: string;
}

export interface ScheduleItemRow {
  id: string; schedule_id: string; position: number; product_id: string; plan_id: string | null; subscription_item_id: string | null;
  quantity: string; description: string | null; start_date: string | null; end_date: string | null; created_at: string; updated_at: string;
}

export interface OrderRow {
  id: string; number: string | null; customer_id: string; subscription_id: string | null; schedule_id: string | null; location_id: string;
  occurrence_date: string | null; delivery_date: string; release_date: string; status: OrderStatus; invoicing_mode: InvoicingMode;
  invoice_status: 'none' | 'partial' | 'invoiced'; currency: string; overrides: string; skip_reason: string | null; estimated: number;
  price_date: string | null; goods_minor: number; discount_minor: number; discount_percent: string; shipping_minor: number; net_minor: number;
  tax_minor: number; gross_minor: number; invoiced_minor: number; tax_breakdown: string; notes: string; ship_to: string | null;
  stock_short: number; release_error: string | null; release_run_id: string | null; erp_order_number: string | null; erp_status: string | null;
  erp_updated_at: string | null; shipment_reported_at: string | null; released_at: string | null; confirmed_at: string | null;
  shipped_at: string | null; canceled_at: string | null; cancel_reason: string | null; version: number; created_at: string; updated_at: string;
}

export interface LineRow {
  id: string; order_id: string; position: number; line_key: string; kind: 'product' | 'discount' | 'shipping'; schedule_item_id: string | null;
  product_id: string | null; plan_id: string | null; sku: string | null; description: string; unit: string | null; quantity: string;
  unit_price: string | null; amount_minor: number | null; tax_category: string; tax_code: string | null; tax_rate: string | null;
  tax_minor: number | null; price_source: string | null; price_lines: string | null; original_product_id: string | null;
  original_quantity: string | null; one_off: number; shipped_qty: string; backordered_qty: string; substitute_product_id: string | null;
  invoiced_qty: string; invoiced_minor: number; stock_short: number; available_qty: string | null; suggested_substitute_id: string | null;
}

export interface ProductInfo {
  id: string; sku: string; name: string; unit: string; tax_category: string; kind: string; active: number;
  price_group: string | null; pack_size: string | null; moq: string | null; available: string | null; as_of: string | null;
}

export const PRODUCT_INFO_SQL = `SELECT p.id, p.sku, p.name, p.unit, p.tax_category, p.kind, p.active, a.price_group, a.pack_size, a.moq, s.available, s.as_of
  FROM products p LEFT JOIN product_attributes a ON a.product_id = p.id LEFT JOIN product_stock s ON s.product_id = p.id`;

export function productInfo(db: Db, id: string): ProductInfo | undefined {
  return st(db, `${PRODUCT_INFO_SQL} WHERE p.id = ?`).get(id) as ProductInfo | undefined;
}

export function productBySku(db: Db, sku: string): ProductInfo | undefined {
  return st(db, `${PRODUCT_INFO_SQL} WHERE p.sku = ?`).get(sku) as ProductInfo | undefined;
}

export const patternOf = (s: Pick<ScheduleRow, 'unit' | 'every' | 'anchor_date' | 'weekday' | 'day_of_month' | 'lead_days' | 'end_date'>): DeliverySchedule => ({
  unit: s.unit, every: s.every, anchorDate: s.anchor_date, weekday: s.weekday, dayOfMonth: s.day_of_month, leadDays: s.lead_days, endDate: s.end_date,
});

export const overridesOf = (o: Pick<OrderRow, 'overrides'>): OccurrenceOverrides => parseJson<OccurrenceOverrides>(o.overrides, {});

export function loadOrderRow(db: Db, id: string): OrderRow | undefined {
  return st(db, 'SELECT * FROM sales_orders WHERE id = ?').get(id) as OrderRow | undefined;
}

export function loadLines(db: Db, orderId: string): LineRow[] {
  return st(db, 'SELECT * FROM sales_order_lines WHERE order_id = ? ORDER BY position, id').all(orderId) as LineRow[];
}

export function loadSchedule(db: Db, id: string): ScheduleRow | undefined {
  return st(db, 'SELECT * FROM order_schedules WHERE id = ?').get(id) as ScheduleRow | undefined;
}

export function loadScheduleItems(db: Db, scheduleId: string): ScheduleItemRow[] {
  return st(db, 'SELECT * FROM order_schedule_items WHERE schedule_id = ? ORDER BY position, id').all(scheduleId) as ScheduleItemRow[];
}

export function writeEvent(db: Db, id: string, orderId: string, at: string, event: string, details: Record<string, unknown> = {}, source = 'cadence', reference: string | null = null): void {
  st(db, 'INSERT INTO sales_order_events (id, order_id, at, event, source, reference, details) VALUES (?, ?, ?, ?, ?, ?, ?)').run(id, orderId, at, event, source, reference, json(details));
}
