/**
 * The link with billing (main/services/billing, tables of migration 0004).
 *
 * 1. Invoices: pending ledger rows (sales_order_invoicing) become invoice lines through billing's own invoice-writing
 *    functions (insertDraft → insertLine → finalizeInvoice, one transaction, gapless numbers, outbox 'invoice.finalized'):
 *    - per_delivery / on_shipment: one invoice per order and flush (at release, at a shipment report);
 *    - billing_cycle: when the billing period of the delivery has ended (the subscription's periods, or calendar
 *      months without a subscription), one invoice per (customer, subscription, currency, period) with every
 *      delivery of the period;
 *    A flush whose lines sum up negative becomes a credit note (billing's rule) referring to the order's invoice.
 *    Lines keep the VAT category and rate fixed at release (ship-to based: goods shipped abroad are exports).
 *    Each line has line_key `order:<ledger row id>` (UNIQUE among billed lines: a ledger row is never invoiced twice).
 * 2. Subscriptions: an active subscription item whose product is physical gets delivered by an order schedule: one
 *    schedule per subscription (delivering every billing period on its anchor day, invoiced with the billing cycle,
 *    to the customer's default ship-to location) is created for its physical items that no schedule delivers yet.
 *    `orderDeliveredItemIds` tells billing which items it must not charge itself.
 */
import { addDays, addMonthsClamped, type IsoDate } from '../../../shared/domain/billing/dates';
import { resolveSchedule } from '../../../shared/domain/billing/periods';
import type { TaxCategoryCode } from '../../../shared/domain/documents';
import { newId } from '../../platform/ids';
import { readBillingSettings } from '../billing/db';
import { docQuantityPrice, finalizeInvoice, insertDraft, insertLine } from '../billing/invoicing';
import { scheduleOfSub } from '../billing/state';
import { type Db, json, loadOrderRow, type OrderRow, parseJson, st, tableExists } from './db';
import { policyFor } from './pricing';
import { updateInvoiceStatus } from './status';

export interface FlushScope {
  /** Invoice what is pending for this order (per_delivery / on_shipment). */
  orderId?: string;
  /** Invoice the billing-cycle orders whose period has ended by `today`. */
  billingCycle?: { today: IsoDate; customerId?: string };
}

interface PendingRow {
  id: string; order_id: string; order_line_id: string; type: 'charge' | 'credit'; reason: string; description: string; product_id: string | null;
  quantity: string; unit_price: string; amount_minor: number; tax_category: string;
}

interface Group {
  customerId: string;
  subscriptionId: string | null;
  currency: string;
  periodStart: IsoDate;
  periodEnd: IsoDate;
  orders: OrderRow[];
  rows: PendingRow[];
}

export const billingAvailable = (db: Db): boolean => tableExists(db, 'invoices') && tableExists(db, 'invoice_lines');

/** The billing period [start, end) containing a delivery: the subscription's, else the calendar month. */
export function billingPeriodOf(db: Db, o: Pick<OrderRow, 'subscription_id' | 'delivery_date'>): { start: IsoDate; end: IsoDate } {
  if (o.subscription_id && tableExists(db, 'subscriptions')) {
    const s = st(db, 'SELECT start_date, anchor_day, interval_months, interval_changes FROM subscriptions WHERE id = ?').get(o.subscription_id) as { start_date: string; anchor_day: number; interval_months: number; interval_changes: string } | undefined;
    if (s) {
      const p = scheduleOfSub(s).periodContaining(o.delivery_date);
      if (p) return { start: p.start, end: p.end };
    }
  }
  const start = `${o.delivery_date.slice(0, 7)}-01`;
  return { start, end: addMonthsClamped(start, 1) };
}

/** Invoices pending ledger rows in scope (see the module comment). Returns the number of invoices written. */
export function flushInvoices(db: Db, scope: FlushScope, nowIso: string, _now: Date): number {
  if (!billingAvailable(db)) return 0;
  const groups = new Map<string, Group>();
  const add = (o: OrderRow, rows: PendingRow[], period: { start: IsoDate; end: IsoDate }, key: string) => {
    const g = groups.get(key) ?? { customerId: o.customer_id, subscriptionId: o.subscription_id, currency: o.currency, periodStart: period.start, periodEnd: period.end, orders: [], rows: [] };
    g.orders.push(o);
    g.rows.push(...rows);
    groups.set(key, g);
  };
  const pendingOf = (orderId: string) => st(db, `SELECT * FROM sales_order_invoicing WHERE order_id = ? AND status = 'pending' ORDER BY id`).all(orderId) as PendingRow[];
  if (scope.orderId) {
    const o = loadOrderRow(db, scope.orderId);
    if (o && o.invoicing_mode !== 'billing_cycle') {
      const rows = pendingOf(o.id);
      if (rows.length) add(o, rows, { start: o.delivery_date, end: addDays(o.delivery_date, 1) }, o.id);
    }
  }
  if (scope.billingCycle) {
    const { today, customerId } = scope.billingCycle;
    const orders = db.prepare(`SELECT * FROM sales_orders o WHERE o.invoicing_mode = 'billing_cycle' ${customerId ? 'AND o.customer_id = ?' : ''}
      AND EXISTS (SELECT 1 FROM sales_order_invoicing v WHERE v.order_id = o.id AND v.status = 'pending') ORDER BY o.delivery_date, o.id`).all(...(customerId ? [customerId] : [])) as OrderRow[];
    for (const o of orders) {
      const period = billingPeriodOf(db, o);
      if (period.end > today) continue;
      add(o, pendingOf(o.id), period, `${o.customer_id}|${o.subscription_id ?? '-'}|${o.currency}|${period.start}`);
    }
  }
  if (groups.size === 0) return 0;
  const settings = readBillingSettings(db);
  let written = 0;
  for (const g of groups.values()) {
    writeInvoice(db, g, nowIso, settings);
    written++;
  }
  return written;
}

function writeInvoice(db: Db, g: Group, nowIso: string, settings: ReturnType<typeof readBillingSettings>): string {
  const first = g.orders[0]!;
  const po = first.schedule_id ? (st(db, 'SELECT po_number FROM order_schedules WHERE id = ?').get(first.schedule_id) as { po_number: string | null } | undefined)?.po_number ?? null : null;
  const net = g.rows.reduce((a, r) => a + r.amount_minor, 0);
  // a credit refers to the last invoice that charged these orders
  const preceding = net < 0
    ? ((st(db, `SELECT v.invoice_id AS id FROM sales_order_invoicing v JOIN invoices i ON i.id = v.invoice_id
        WHERE v.order_id IN (SELECT value FROM json_each(?)) AND v.type = 'charge' AND i.kind = 'invoice' AND i.number IS NOT NULL AND i.status <> 'void'
        ORDER BY v.invoiced_at DESC LIMIT 1`).get(JSON.stringify(g.orders.map((o) => o.id))) as { id: string } | undefined)?.id ?? null)
    : null;
  const today = nowIso.slice(0, 10);
  const invoiceId = insertDraft(db, { id: g.subscriptionId, customer_id: g.customerId, currency: g.currency, po_number: po, buyer_reference: null }, {
    billingDate: today, nowIso, origin: 'manual', precedingId: preceding,
    reason: g.orders.length === 1 ? `Sales order ${first.number}` : `Deliveries ${g.periodStart} – ${addDays(g.periodEnd, -1)}`,
  });
  const lineInfo = st(db, 'SELECT l.tax_code, l.tax_rate, l.plan_id, l.schedule_item_id, p.sku, p.kind FROM sales_order_lines l LEFT JOIN products p ON p.id = l.product_id WHERE l.id = ?');
  const sku = st(db, 'SELECT sku FROM products WHERE id = ?');
  const orderOf = new Map(g.orders.map((o) => [o.id, o]));
  const notes = new Set<string>();
  const lineIds = new Map<string, string>();
  g.rows.forEach((r, i) => {
    const o = orderOf.get(r.order_id)!;
    const lineId = newId();
    lineIds.set(r.id, lineId);
    for (const n of parseJson<string[]>(o.notes, [])) notes.add(n);
    const li = lineInfo.get(r.order_line_id) as { tax_code: string | null; tax_rate: string | null; plan_id: string | null; schedule_item_id: string | null; sku: string | null } | undefined;
    const { quantity, unitPrice } = docQuantityPrice(r.quantity, r.amount_minor, g.currency);
    insertLine(db, {
      id: lineId, invoice_id: invoiceId, position: i + 1, subscription_id: o.subscription_id, item_id: null, line_key: `order:${r.id}`, billed: 1,
      kind: r.amount_minor < 0 ? 'credit' : 'charge', description: r.description, product_id: r.product_id,
      product_sku: r.product_id ? ((sku.get(r.product_id) as { sku: string } | undefined)?.sku ?? li?.sku ?? null) : null,
      plan_id: li?.plan_id ?? null, period_start: o.delivery_date, period_end: addDays(o.delivery_date, 1), quantity, unit_price: unitPrice,
      period_unit_price: r.unit_price, fraction: '1', discount_minor: 0, discount_reason: null, amount_minor: r.amount_minor, tax_category: r.tax_category, supply_type: 'goods',
      tax_code: (li?.tax_code ?? 'S') as TaxCategoryCode, tax_rate: li?.tax_rate ?? '0', tax_minor: 0, credited_line_id: null,
    });
  });
  st(db, 'UPDATE invoices SET notes = ? WHERE id = ?').run(json([...notes]), invoiceId);
  finalizeInvoice(db, invoiceId, nowIso, settings, { fixedTax: true });
  const mark = st(db, `UPDATE sales_order_invoicing SET status = 'invoiced', invoice_id = ?, invoice_line_id = ?, invoiced_at = ? WHERE id = ?`);
  for (const r of g.rows) mark.run(invoiceId, lineIds.get(r.id)!, nowIso, r.id);
  for (const o of g.orders) updateInvoiceStatus(db, o.id);
  return invoiceId;
}

// ------------------------------------------------------------------------------------------ subscriptions

/** Subscription items delivered (and so charged) by order schedules: billing must not charge them as recurring fees. */
export function orderDeliveredItemIds(db: Db, subscriptionIds: readonly string[]): Set<string> {
  if (!tableExists(db, 'order_schedule_items')) return new Set();
  const rows = st(db, `SELECT i.subscription_item_id AS id FROM order_schedule_items i JOIN order_schedules s ON s.id = i.schedule_id
    WHERE s.status <> 'ended' AND i.subscription_item_id IS NOT NULL AND s.subscription_id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(subscriptionIds)) as { id: string }[];
  return new Set(rows.map((r) => r.id));
}

export interface LinkResult {
  created: string[];
  extended: string[];
  problems: { subscriptionId: string; message: string }[];
}

/**
 * Gives the physical items of active subscriptions an order schedule (see the module comment). Returns the schedules
 * created or extended; a subscription whose customer has no ship-to location is reported, not linked.
 */
export function linkSubscriptions(db: Db, today: IsoDate, nowIso: string, customerId?: string): LinkResult {
  const out: LinkResult = { created: [], extended: [], problems: [] };
  if (!tableExists(db, 'subscription_items') || !tableExists(db, 'subscriptions')) return out;
  const items = db.prepare(`SELECT i.id, i.subscription_id, i.product_id, i.plan_id, i.quantity, i.description, i.position,
      s.customer_id, s.currency, s.start_date, s.anchor_day, s.interval_months
    FROM subscription_items i JOIN subscriptions s ON s.id = i.subscription_id JOIN products p ON p.id = i.product_id
    WHERE p.kind = 'physical' AND i.kind = 'recurring' AND s.status IN ('trial','active','past_due','paused') ${customerId ? 'AND s.customer_id = ?' : ''}
      AND (i.end_date IS NULL OR i.end_date > ?)
      AND NOT EXISTS (SELECT 1 FROM order_schedule_items x JOIN order_schedules y ON y.id = x.schedule_id WHERE x.subscription_item_id = i.id AND y.status <> 'ended')
    ORDER BY s.id, i.position`).all(...(customerId ? [customerId, today] : [today])) as
    { id: string; subscription_id: string; product_id: string; plan_id: string; quantity: string; description: string; position: number; customer_id: string; currency: string; start_date: string; anchor_day: number; interval_months: number }[];
  const bySub = new Map<string, typeof items>();
  for (const i of items) bySub.set(i.subscription_id, [...(bySub.get(i.subscription_id) ?? []), i]);
  for (const [subId, list] of bySub) {
    const s = list[0]!;
    let schedule = st(db, `SELECT id FROM order_schedules WHERE subscription_id = ? AND subscription_item_id IS NULL AND status <> 'ended' ORDER BY created_at LIMIT 1`).get(subId) as { id: string } | undefined;
    if (!schedule) {
      const loc = st(db, `SELECT id FROM ship_to_locations WHERE customer_id = ? AND status = 'active' ORDER BY is_default DESC, created_at, id LIMIT 1`).get(s.customer_id) as { id: string } | undefined;
      if (!loc) {
        out.problems.push({ subscriptionId: subId, message: 'the customer has no ship-to location: its physical items are not delivered until one is added' });
        continue;
      }
      const lead = policyFor(db, s.customer_id).defaultLeadDays;
      // deliveries on the billing anchor day, every billing period, from the first anchor day the lead time still allows
      const anchor = resolveSchedule({ startDate: s.start_date, anchorDay: s.anchor_day, intervalMonths: s.interval_months });
      const earliest = addDays(today, lead) > s.start_date ? addDays(today, lead) : s.start_date;
      const period = anchor.periodContaining(earliest);
      const anchorDate = period ? (period.start >= earliest ? period.start : period.end) : s.start_date;
      const id = newId();
      st(db, `INSERT INTO order_schedules (id, customer_id, subscription_id, subscription_item_id, location_id, name, currency, unit, every, anchor_date, weekday, day_of_month,
        lead_days, end_date, invoicing_mode, status, generated_through, po_number, notes, version, created_at, updated_at)
        VALUES (?, ?, ?, NULL, ?, ?, ?, 'month', ?, ?, NULL, ?, ?, NULL, 'billing_cycle', 'active', ?, NULL, '', 1, ?, ?)`).run(
        id, s.customer_id, subId, loc.id, 'Subscription deliveries', s.currency, Math.min(24, s.interval_months), anchorDate, s.anchor_day, lead, addDays(today, -1), nowIso, nowIso,
      );
      schedule = { id };
      out.created.push(id);
    } else out.extended.push(schedule.id);
    const { p } = st(db, 'SELECT COALESCE(MAX(position), 0) AS p FROM order_schedule_items WHERE schedule_id = ?').get(schedule.id) as { p: number };
    const ins = st(db, `INSERT INTO order_schedule_items (id, schedule_id, position, product_id, plan_id, subscription_item_id, quantity, description, start_date, end_date, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)`);
    list.forEach((i, k) => ins.run(newId(), schedule!.id, p + k + 1, i.product_id, i.plan_id, i.id, i.quantity, i.description, nowIso, nowIso));
  }
  return out;
}
