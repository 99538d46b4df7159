/**
 * orders.updateOccurrence: edits of one upcoming delivery (quantity, skip, swap, one-off item, move date). The
 * subscription (the schedule's items) changes only with `applyToSchedule`.
 */
import type { z } from 'zod';
import { AppError } from '../../../shared/api/errors';
import type { UpdateOccurrenceInput } from '../../../shared/api/ops/orders';
import { addDays } from '../../../shared/domain/billing/dates';
import {
  applyChange, checkQuantity, moveProblem, nextOccurrence, ONE_OFF_PREFIX, OverrideError, swapProblem, type OccurrenceChange,
} from '../../../shared/domain/orders';
import { newId } from '../../platform/ids';
import { nowIso, type ServiceContext } from '../context';
import { dateOf, json, loadOrderRow, loadScheduleItems, overridesOf, type OrderRow, patternOf, productInfo, type ProductInfo, st, writeEvent } from './db';
import { reflagStock, refreshUpcoming, ScheduleCache } from './generate';
import { scheduledItemsAt } from './lines';
import { OrderPricer } from './pricing';
import { mustLoadSchedule } from './schedules';

type Input = z.output<typeof UpdateOccurrenceInput>;

function physicalProduct(db: ServiceContext['raw'], id: string, path: string): ProductInfo {
  const p = productInfo(db, id);
  if (!p) throw AppError.validation(path, `product ${id} does not exist`);
  if (p.kind !== 'physical') throw AppError.validation(path, `${p.sku} is a service, not a physical product`);
  if (!p.active) throw AppError.validation(path, `${p.sku} is not active`);
  return p;
}

/** The upcoming order to edit: by id, or the schedule's next upcoming delivery. */
function targetOrder(ctx: ServiceContext, input: Input): OrderRow {
  const db = ctx.raw;
  let o: OrderRow | undefined;
  if (input.orderId) o = loadOrderRow(db, input.orderId);
  else {
    mustLoadSchedule(db, input.scheduleId!);
    o = st(db, `SELECT * FROM sales_orders WHERE schedule_id = ? AND status = 'upcoming' ORDER BY delivery_date, id LIMIT 1`).get(input.scheduleId) as OrderRow | undefined;
    if (!o) throw AppError.conflict('the schedule has no upcoming delivery (run orders.upcoming, or it has ended)');
  }
  if (!o) throw AppError.notFound('order', input.orderId!);
  if (o.status !== 'upcoming' && o.status !== 'skipped') {
    throw AppError.conflict(`order ${o.number ?? o.id} is ${o.status}: only upcoming deliveries can be edited${o.number ? ' (it was released)' : ''}`);
  }
  if (input.expectedVersion !== undefined && input.expectedVersion !== o.version) {
    throw AppError.conflict(`this delivery was changed by someone else (version ${o.version}, you edited ${input.expectedVersion}); reload and apply your change again`, { currentVersion: o.version });
  }
  return o;
}

export function updateOccurrence(ctx: ServiceContext, input: Input): { order: OrderRow; messages: string[] } {
  const db = ctx.raw;
  const o = targetOrder(ctx, input);
  if (!o.schedule_id) throw AppError.conflict('this order has no delivery schedule');
  const s = mustLoadSchedule(db, o.schedule_id);
  const today = dateOf(ctx.clock.now());
  const at = nowIso(ctx);
  const items = loadScheduleItems(db, s.id);
  const scheduled = scheduledItemsAt(db, s, items, o.occurrence_date ?? o.delivery_date);
  const ov = overridesOf(o);
  const c = input.change;
  const messages: string[] = [];
  const pricer = new OrderPricer(db);
  let change: OccurrenceChange;
  let scheduleChanged = false;

  const quantityFor = (productId: string, quantity: string, path: string) => {
    const p = productInfo(db, productId)!;
    const q = checkQuantity(quantity, { packSize: p.pack_size, moq: p.moq }, { sku: p.sku, unit: p.unit });
    if (q.problem) throw AppError.validation(path, q.problem);
    if (q.note) messages.push(q.note);
    return q.quantity;
  };
  const currentProduct = (key: string): string | null => {
    const added = (ov.added ?? []).find((a) => ONE_OFF_PREFIX + a.id === key || a.id === key);
    if (added) return added.productId;
    const it = scheduled.find((i) => i.itemId === key);
    return it ? (ov.items?.[key]?.productId ?? it.productId) : null;
  };

  switch (c.type) {
    case 'quantity': {
      const productId = currentProduct(c.itemKey);
      if (!productId) throw AppError.validation('change.itemKey', `no line ${c.itemKey} in this delivery`);
      const quantity = quantityFor(productId, c.quantity, 'change.quantity');
      if (c.applyToSchedule) {
        const item = items.find((i) => i.id === c.itemKey);
        if (!item) throw AppError.validation('change.applyToSchedule', 'only a scheduled item (not a one-off) can change the schedule');
        if (item.subscription_item_id ?? (items.length === 1 ? s.subscription_item_id : null)) {
          throw AppError.validation('change.applyToSchedule', "this item's quantity comes from the subscription: change the subscription item instead");
        }
        if (quantity === '0') throw AppError.validation('change.quantity', 'a schedule item needs a quantity; end the item instead');
        st(db, 'UPDATE order_schedule_items SET quantity = ?, updated_at = ? WHERE id = ?').run(quantity, at, item.id);
        scheduleChanged = true;
        change = { type: 'reset', itemId: c.itemKey };
        messages.push(`the schedule now delivers ${quantity} of this item every time`);
      } else change = { type: 'quantity', itemId: c.itemKey, quantity };
      break;
    }
    case 'swap': {
      const from = currentProduct(c.itemKey);
      const it = scheduled.find((i) => i.itemId === c.itemKey);
      if (!from || !it) throw AppError.validation('change.itemKey', `no scheduled line ${c.itemKey} in this delivery`);
      const orig = productInfo(db, it.productId)!;
      const to = physicalProduct(db, c.productId, 'change.productId');
      const problem = swapProblem({ sku: orig.sku, priceGroup: orig.price_group }, { sku: to.sku, priceGroup: to.price_group, active: !!to.active, kind: to.kind });
      if (problem && c.productId !== it.productId) throw AppError.validation('change.productId', problem);
      const planId = c.productId === it.productId ? it.planId : pricer.planFor(c.productId, c.planId ?? null, o.currency);
      const qty = ov.items?.[c.itemKey]?.quantity ?? it.quantity;
      // the new product's pack size and minimum apply to this delivery's quantity
      const quantity = quantityFor(c.productId, qty, 'change.productId');
      if (c.applyToSchedule) {
        const item = items.find((i) => i.id === c.itemKey)!;
        if (item.subscription_item_id ?? (items.length === 1 ? s.subscription_item_id : null)) {
          throw AppError.validation('change.applyToSchedule', "this item's product comes from the subscription: change the subscription item instead");
        }
        // the schedule's own quantity, rounded to the new product's pack size (this delivery's override stays as it is)
        const sq = checkQuantity(it.quantity, { packSize: to.pack_size, moq: to.moq }, { sku: to.sku, unit: to.unit });
        if (sq.problem) throw AppError.validation('change.applyToSchedule', `the schedule's quantity does not fit ${to.sku}: ${sq.problem}`);
        const scheduledQty = sq.quantity;
        st(db, 'UPDATE order_schedule_items SET product_id = ?, plan_id = ?, quantity = ?, updated_at = ? WHERE id = ?').run(c.productId, c.planId ?? null, scheduledQty, at, item.id);
        scheduleChanged = true;
        change = { type: 'reset', itemId: c.itemKey };
        messages.push(`the schedule now delivers ${to.sku} instead of ${orig.sku}`);
      } else change = { type: 'swap', itemId: c.itemKey, productId: c.productId, planId, quantity };
      break;
    }
    case 'add': {
      const p = physicalProduct(db, c.productId, 'change.productId');
      const quantity = quantityFor(c.productId, c.quantity, 'change.quantity');
      if (quantity === '0') throw AppError.validation('change.quantity', 'must be more than 0');
      const planId = pricer.planFor(p.id, c.planId ?? null, o.currency);
      change = { type: 'add', id: newId(), productId: p.id, planId, quantity, description: c.description ?? null };
      break;
    }
    case 'remove_added':
      change = { type: 'remove_added', id: c.itemKey };
      break;
    case 'skip':
      change = { type: 'skip', reason: c.reason };
      break;
    case 'unskip':
      change = { type: 'unskip' };
      break;
    case 'move': {
      const occ = o.occurrence_date ?? o.delivery_date;
      const prev = st(db, `SELECT MAX(delivery_date) AS d FROM sales_orders WHERE schedule_id = ? AND occurrence_date < ? AND status <> 'canceled'`).get(s.id, occ) as { d: string | null };
      const nextRow = st(db, `SELECT MIN(delivery_date) AS d FROM sales_orders WHERE schedule_id = ? AND occurrence_date > ? AND status <> 'canceled'`).get(s.id, occ) as { d: string | null };
      const next = nextRow.d ?? nextOccurrence(patternOf(s), addDays(occ, 1))?.deliveryDate ?? null;
      const problem = c.deliveryDate === occ ? null : moveProblem(c.deliveryDate, { today, previous: prev.d, next });
      if (problem) throw AppError.validation('change.deliveryDate', problem);
      change = { type: 'move', deliveryDate: c.deliveryDate };
      const release = addDays(c.deliveryDate, -s.lead_days);
      if (release < today) messages.push(`the cut-off of ${c.deliveryDate} (${release}) has passed: the order is released by the next release run`);
      break;
    }
    case 'reset':
      change = c.itemKey === undefined ? { type: 'reset' } : { type: 'reset', itemId: c.itemKey };
      break;
  }

  let next;
  try {
    next = applyChange(scheduled, ov, change);
  } catch (e) {
    if (e instanceof OverrideError) throw AppError.validation(`change.${e.path === 'id' || e.path === 'itemId' ? 'itemKey' : e.path}`, e.message.slice(e.path.length + 2));
    throw e;
  }
  const occDate = o.occurrence_date ?? o.delivery_date;
  const deliveryDate = next.deliveryDate && next.deliveryDate !== occDate ? next.deliveryDate : occDate;
  if (next.deliveryDate === occDate) delete next.deliveryDate;
  const status = next.skip ? 'skipped' : 'upcoming';
  st(db, `UPDATE sales_orders SET overrides = ?, delivery_date = ?, release_date = ?, status = ?, skip_reason = ?, version = version + 1, updated_at = ? WHERE id = ?`).run(
    json(next), deliveryDate, addDays(deliveryDate, -s.lead_days), status, next.skip ? next.skip.reason : null, at, o.id,
  );
  writeEvent(db, newId(), o.id, at, 'occurrence_changed', { change: input.change, applyToSchedule: scheduleChanged });
  const cache = new ScheduleCache(db);
  if (scheduleChanged) {
    st(db, 'UPDATE order_schedules SET version = version + 1, updated_at = ? WHERE id = ?').run(at, s.id);
    for (const u of st(db, `SELECT * FROM sales_orders WHERE schedule_id = ? AND status IN ('upcoming','skipped')`).all(s.id) as OrderRow[]) refreshUpcoming(db, pricer, cache, u, at);
  } else refreshUpcoming(db, pricer, cache, loadOrderRow(db, o.id)!, at);
  reflagStock(db);
  return { order: loadOrderRow(db, o.id)!, messages };
}
