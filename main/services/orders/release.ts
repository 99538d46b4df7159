/**
 * The release run: every upcoming order whose release (cut-off) date is on or before today becomes a released sales
 * order — lines recomputed from the schedule with the occurrence's overrides, prices fixed with the contract models of
 * its release date, number taken from the 'sales_order' series, ship-to address frozen, an outbox row
 * (aggregateType 'sales_order', 'sales_order.released') for the ERP and, for 'per_delivery' invoicing, the invoice
 * lines — all in the operation's one transaction.
 *
 * Crash safety: the run is one transaction (or several, when the caller passes `limit` and calls again). The status
 * moves 'upcoming' → 'released' with `WHERE status = 'upcoming'` and the number series advances inside the same
 * transaction: a crash rolls back numbers and statuses together, so a restarted run releases each order exactly once
 * and the numbers stay gapless. UNIQUE (schedule_id, occurrence_date) keeps one order per delivery.
 * Each order is released in a savepoint: one that cannot be priced is left upcoming with its error (release_error)
 * and the run goes on. Progress: 'orders.progress' events on ctx.events.
 */
import type { z } from 'zod';
import { ORDER_PROGRESS_EVENT, type OrderProgress, type ReleaseInput, type ReleaseOutput } from '../../../shared/api/ops/orders';
import type { IsoDate } from '../../../shared/domain/billing/dates';
import { newId } from '../../platform/ids';
import { enqueueOutbox } from '../../sync/outbox';
import { nowIso, type ServiceContext } from '../context';
import { takeNumber } from '../numbering';
import { dateOf, type Db, json, loadOrderRow, type LocationRow, overridesOf, type OrderRow, st, writeEvent } from './db';
import { salesOrderPayload } from './erp';
import { generateUpcoming, ScheduleCache } from './generate';
import { flushInvoices } from './billing-link';
import { applyInvoicing } from './invoicing';
import { buildLines, occurrenceLines, replaceLines } from './lines';
import { OrderPricer } from './pricing';

export type ReleaseProgress = OrderProgress;

class SkipOrder extends Error {}

const locationCache = new WeakMap<Db, Map<string, LocationRow>>();
function locationOf(db: Db, id: string): LocationRow {
  let m = locationCache.get(db);
  if (!m) locationCache.set(db, (m = new Map()));
  // cache only within a run: cleared by releaseRun
  let l = m.get(id);
  if (!l) m.set(id, (l = st(db, 'SELECT * FROM ship_to_locations WHERE id = ?').get(id) as LocationRow));
  return l;
}

export function shipToSnapshot(l: LocationRow): Record<string, unknown> {
  return {
    locationId: l.id, name: l.name, line1: l.line1, line2: l.line2, city: l.city, postalCode: l.postal_code, region: l.region, country: l.country,
    contacts: JSON.parse(l.contacts) as unknown[], deliveryNotes: l.delivery_notes,
  };
}

/** Releases one upcoming order (inside the caller's transaction). Returns the number, or null when it had nothing to deliver. */
export function releaseOne(db: Db, ctx: { nowIso: string; runId: string; now: Date }, pricer: OrderPricer, cache: ScheduleCache, o: OrderRow): { number: string; grossMinor: number; invoiceLines: number } | null {
  const s = o.schedule_id ? cache.schedule(o.schedule_id) : null;
  const ov = overridesOf(o);
  const occ = s
    ? occurrenceLines(db, s, cache.itemsOf(s.id), o.occurrence_date ?? o.delivery_date, ov)
    : (st(db, `SELECT line_key AS key, schedule_item_id AS itemId, product_id AS productId, plan_id AS planId, quantity, description,
        original_product_id AS originalProductId, original_quantity AS originalQuantity, one_off AS oneOff FROM sales_order_lines WHERE order_id = ? AND kind = 'product' ORDER BY position`)
        .all(o.id) as { key: string; itemId: string | null; productId: string; planId: string | null; quantity: string; description: string | null; originalProductId: string | null; originalQuantity: string | null; oneOff: number }[])
        .map((l) => ({ ...l, oneOff: !!l.oneOff }));
  if (occ.length === 0) {
    const r = st(db, `UPDATE sales_orders SET status = 'skipped', skip_reason = ?, release_error = NULL, version = version + 1, updated_at = ? WHERE id = ? AND status = 'upcoming'`)
      .run('nothing to deliver', ctx.nowIso, o.id);
    if (r.changes !== 1) throw new SkipOrder();
    writeEvent(db, newId(), o.id, ctx.nowIso, 'skipped', { reason: 'nothing to deliver', runId: ctx.runId });
    return null;
  }
  const loc = locationOf(db, o.location_id);
  const { priced, planIds } = pricer.price({
    orderId: o.id, customerId: o.customer_id, currency: o.currency, deliveryDate: o.delivery_date, priceDate: o.release_date,
    shipToCountry: loc.country, lines: occ, release: true,
  });
  const number = takeNumber(db, 'sales_order', ctx.now);
  const r = st(db, `UPDATE sales_orders SET status = 'released', number = ?, estimated = 0, price_date = ?, goods_minor = ?, discount_minor = ?, discount_percent = ?,
    shipping_minor = ?, net_minor = ?, tax_minor = ?, gross_minor = ?, tax_breakdown = ?, notes = ?, ship_to = ?, stock_short = 0, release_error = NULL,
    release_run_id = ?, released_at = ?, version = version + 1, updated_at = ? WHERE id = ? AND status = 'upcoming'`).run(
    number, o.release_date, priced.goodsMinor, priced.discountMinor, priced.discountPercent, priced.shippingMinor, priced.netMinor, priced.taxMinor,
    priced.grossMinor, json(priced.breakdown), json(priced.notes), json(shipToSnapshot(loc)), ctx.runId, ctx.nowIso, ctx.nowIso, o.id,
  );
  if (r.changes !== 1) throw new SkipOrder(); // released by someone else in the meantime: the savepoint rolls the number back
  const lines = replaceLines(db, o.id, buildLines(pricer, occ, priced, planIds).map((l) => ({ ...l, stock_short: 0, available_qty: null, suggested_substitute_id: null })), false);
  writeEvent(db, newId(), o.id, ctx.nowIso, 'released', { number, runId: ctx.runId, priceDate: o.release_date, grossMinor: priced.grossMinor });
  const order = loadOrderRow(db, o.id)!;
  enqueueOutbox(db, ctx.nowIso, { aggregateType: 'sales_order', aggregateId: o.id, eventType: 'sales_order.released', payload: salesOrderPayload(db, o.id, { order, lines }) });
  // per_delivery: invoiced now; billing_cycle: ledger rows wait for the period end; on_shipment: nothing until it ships
  const invoiceLines = applyInvoicing(db, o.id, ctx.nowIso, ctx.now, { order, lines });
  return { number, grossMinor: priced.grossMinor, invoiceLines };
}

export function releaseRun(ctx: ServiceContext, input: z.output<typeof ReleaseInput>): z.output<typeof ReleaseOutput> {
  const db = ctx.raw;
  locationCache.delete(db);
  const now = ctx.clock.now();
  const at = nowIso(ctx);
  const today: IsoDate = dateOf(now);
  const runId = newId();
  const pricer = new OrderPricer(db);
  const progress = (p: Omit<ReleaseProgress, 'runId'>) => ctx.events.emit(ORDER_PROGRESS_EVENT, { runId, ...p } satisfies ReleaseProgress);
  let generated = 0;
  if (input.generate) {
    progress({ phase: 'generate', done: 0, total: 0, released: 0, failed: 0, lastNumber: null });
    generated = generateUpcoming(db, pricer, today, at, { ...(input.customerId ? { customerId: input.customerId } : {}), refresh: false }).generated;
  }
  const where = `status = 'upcoming' AND release_date <= ?${input.customerId ? ' AND customer_id = ?' : ''}`;
  const params: unknown[] = input.customerId ? [today, input.customerId] : [today];
  const due = (db.prepare(`SELECT COUNT(*) AS n FROM sales_orders WHERE ${where}`).get(...params) as { n: number }).n;
  const limit = input.limit ?? due;
  const rows = db.prepare(`SELECT * FROM sales_orders WHERE ${where} ORDER BY release_date, delivery_date, id LIMIT ?`).all(...params, limit) as OrderRow[];
  const cache = new ScheduleCache(db);
  const failed: { orderId: string; message: string }[] = [];
  const grossByCurrency: Record<string, number> = {};
  let released = 0;
  let firstNumber: string | null = null;
  let lastNumber: string | null = null;
  let invoiceLines = 0;
  const total = rows.length;
  const every = input.progressEvery;
  const saveError = st(db, 'UPDATE sales_orders SET release_error = ?, updated_at = ? WHERE id = ?');
  const one = db.transaction((o: OrderRow) => releaseOne(db, { nowIso: at, runId, now }, pricer, cache, o));
  for (let i = 0; i < rows.length; i++) {
    const o = rows[i]!;
    try {
      const r = one(o);
      if (r) {
        released++;
        firstNumber ??= r.number;
        lastNumber = r.number;
        grossByCurrency[o.currency] = (grossByCurrency[o.currency] ?? 0) + r.grossMinor;
        invoiceLines += r.invoiceLines;
      }
    } catch (e) {
      if (!(e instanceof SkipOrder)) {
        const message = e instanceof Error ? e.message : String(e);
        failed.push({ orderId: o.id, message });
        saveError.run(message, at, o.id);
      }
    }
    // outside the per-order savepoint: a listener that throws aborts the whole run (and its transaction)
    if ((i + 1) % every === 0 || i + 1 === total) progress({ phase: 'release', done: i + 1, total, released, failed: failed.length, lastNumber });
  }
  // billing-cycle orders whose billing period has ended are invoiced now
  if (!input.limit || total >= due) flushInvoices(db, { billingCycle: { today, ...(input.customerId ? { customerId: input.customerId } : {}) } }, at, now);
  progress({ phase: 'done', done: total, total, released, failed: failed.length, lastNumber });
  locationCache.delete(db);
  return { runId, date: today, due, released, failed, remaining: Math.max(0, due - total), firstNumber, lastNumber, grossByCurrency, invoiceLines, generated };
}
