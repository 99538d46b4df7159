/** orderSchedules.*: delivery schedules of physical products (per subscription, subscription item or standalone). */
import type { z } from 'zod';
import { AppError, type FieldIssue } from '../../../shared/api/errors';
import type { DeliveryPattern, ScheduleItemInput } from '../../../shared/api/ops/orders';
import { addDays, type IsoDate } from '../../../shared/domain/billing/dates';
import { checkQuantity, scheduleProblems, type DeliverySchedule } from '../../../shared/domain/orders';
import { newId } from '../../platform/ids';
import { type HandlerMap, nowIso, type ServiceContext } from '../context';
import { dateOf, type Db, loadSchedule, productInfo, type ScheduleRow, st, tableExists } from './db';
import { dropUpcoming, generateUpcoming } from './generate';
import { OrderPricer, policyFor } from './pricing';
import { toSchedule } from './views';

type ScheduleOps = 'orderSchedules.create' | 'orderSchedules.update' | 'orderSchedules.get' | 'orderSchedules.list';

export const todayOf = (ctx: ServiceContext): IsoDate => dateOf(ctx.clock.now());

export function mustLoadSchedule(db: Db, id: string): ScheduleRow {
  const s = loadSchedule(db, id);
  if (!s) throw AppError.notFound('delivery schedule', id);
  return s;
}

function validationOf(issues: FieldIssue[]): AppError {
  const first = issues[0]!;
  return new AppError('VALIDATION', `${first.path}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`, { fields: issues });
}

function patternRow(p: z.output<typeof DeliveryPattern>, defaultLead: number): DeliverySchedule {
  return {
    unit: p.unit, every: p.every, anchorDate: p.anchorDate, weekday: p.unit === 'week' ? (p.weekday ?? null) : null,
    dayOfMonth: p.unit === 'month' ? (p.dayOfMonth ?? null) : null, leadDays: p.leadDays ?? defaultLead, endDate: p.endDate ?? null,
  };
}

function checkPattern(p: DeliverySchedule): void {
  const problems = scheduleProblems(p);
  if (problems.length) throw validationOf(problems.map((x) => ({ path: `pattern.${x.path}`, message: x.message })));
}

/** Validates the items (physical, active, priced in the currency, pack size / MOQ) and returns them rounded to packs. */
function checkItems(db: Db, customerId: string, currency: string, items: readonly z.output<typeof ScheduleItemInput>[], path = 'items'): { productId: string; planId: string | null; quantity: string; description: string | null; subscriptionItemId: string | null }[] {
  const pricer = new OrderPricer(db);
  return items.map((it, i) => {
    const p = productInfo(db, it.productId);
    if (!p) throw AppError.validation(`${path}.${i}.productId`, `product ${it.productId} does not exist`);
    if (p.kind !== 'physical') throw AppError.validation(`${path}.${i}.productId`, `${p.sku} is a service; delivery schedules deliver physical products`);
    if (!p.active) throw AppError.validation(`${path}.${i}.productId`, `${p.sku} is not active`);
    const q = checkQuantity(it.quantity, { packSize: p.pack_size, moq: p.moq }, { sku: p.sku, unit: p.unit });
    if (q.problem) throw AppError.validation(`${path}.${i}.quantity`, q.problem);
    if (q.quantity === '0') throw AppError.validation(`${path}.${i}.quantity`, 'must be more than 0 (leave the item out instead)');
    if (it.planId) {
      const plan = st(db, 'SELECT product_id FROM plans WHERE id = ?').get(it.planId) as { product_id: string } | undefined;
      if (!plan) throw AppError.validation(`${path}.${i}.planId`, `plan ${it.planId} does not exist`);
    }
    try {
      const planId = pricer.planFor(it.productId, it.planId ?? null, currency);
      pricer.schedule(customerId, planId, currency);
    } catch (e) {
      if (e instanceof AppError) throw AppError.validation(`${path}.${i}.planId`, e.message.replace(/^\w+: /, ''));
      throw e;
    }
    if (it.subscriptionItemId && tableExists(db, 'subscription_items') && !st(db, 'SELECT 1 FROM subscription_items WHERE id = ?').get(it.subscriptionItemId)) {
      throw AppError.validation(`${path}.${i}.subscriptionItemId`, `subscription item ${it.subscriptionItemId} does not exist`);
    }
    return { productId: it.productId, planId: it.planId ?? null, quantity: q.quantity, description: it.description ?? null, subscriptionItemId: it.subscriptionItemId ?? null };
  });
}

function resolveLocation(db: Db, customerId: string, locationId: string | undefined, path = 'locationId'): string {
  if (locationId) {
    const l = st(db, 'SELECT customer_id, status FROM ship_to_locations WHERE id = ?').get(locationId) as { customer_id: string; status: string } | undefined;
    if (!l) throw AppError.validation(path, `location ${locationId} does not exist`);
    if (l.customer_id !== customerId) throw AppError.validation(path, 'belongs to another customer');
    if (l.status !== 'active') throw AppError.validation(path, 'is archived');
    return locationId;
  }
  const d = st(db, `SELECT id FROM ship_to_locations WHERE customer_id = ? AND status = 'active' ORDER BY is_default DESC, created_at, id LIMIT 1`).get(customerId) as { id: string } | undefined;
  if (!d) throw AppError.validation(path, 'the customer has no ship-to location: add one first (locations.create)');
  return d.id;
}

function insertItems(db: Db, scheduleId: string, items: ReturnType<typeof checkItems>, now: string, ids: (string | undefined)[] = []): void {
  const ins = st(db, `INSERT INTO order_schedule_items (id, schedule_id, position, product_id, plan_id, subscription_item_id, quantity, description, start_date, end_date, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)`);
  items.forEach((it, i) => ins.run(ids[i] ?? newId(), scheduleId, i + 1, it.productId, it.planId, it.subscriptionItemId, it.quantity, it.description, now, now));
}

/** Creates a schedule (used by the op and by the subscription link). Generates its upcoming orders. */
export function createSchedule(ctx: ServiceContext, input: {
  customerId: string; locationId?: string; currency?: string; name: string; subscriptionId?: string | null; subscriptionItemId?: string | null;
  pattern: z.output<typeof DeliveryPattern>; invoicingMode: ScheduleRow['invoicing_mode']; items: z.output<typeof ScheduleItemInput>[];
  poNumber?: string | null; notes: string;
}): ScheduleRow {
  const db = ctx.raw;
  const c = st(db, 'SELECT currency, status FROM customers WHERE id = ?').get(input.customerId) as { currency: string; status: string } | undefined;
  if (!c) throw AppError.validation('customerId', `customer ${input.customerId} does not exist`);
  if (c.status !== 'active') throw AppError.validation('customerId', 'the customer is archived');
  const currency = input.currency ?? c.currency;
  const locationId = resolveLocation(db, input.customerId, input.locationId);
  const pattern = patternRow(input.pattern, policyFor(db, input.customerId).defaultLeadDays);
  checkPattern(pattern);
  if (input.subscriptionId && tableExists(db, 'subscriptions')) {
    const sub = st(db, 'SELECT customer_id, currency FROM subscriptions WHERE id = ?').get(input.subscriptionId) as { customer_id: string; currency: string } | undefined;
    if (!sub) throw AppError.validation('subscriptionId', `subscription ${input.subscriptionId} does not exist`);
    if (sub.customer_id !== input.customerId) throw AppError.validation('subscriptionId', 'belongs to another customer');
    if (sub.currency !== currency) throw AppError.validation('currency', `must be the subscription's currency ${sub.currency}`);
  }
  const items = checkItems(db, input.customerId, currency, input.items);
  const now = nowIso(ctx);
  const today = todayOf(ctx);
  const row: ScheduleRow = {
    id: newId(), customer_id: input.customerId, subscription_id: input.subscriptionId ?? null, subscription_item_id: input.subscriptionItemId ?? null,
    location_id: locationId, name: input.name, currency, unit: pattern.unit, every: pattern.every, anchor_date: pattern.anchorDate,
    weekday: pattern.weekday ?? null, day_of_month: pattern.dayOfMonth ?? null, lead_days: pattern.leadDays, end_date: pattern.endDate ?? null,
    invoicing_mode: input.invoicingMode, status: 'active', generated_through: addDays(today, -1), po_number: input.poNumber ?? null, notes: input.notes,
    version: 1, created_at: now, updated_at: now,
  };
  st(db, `INSERT INTO order_schedules (id, customer_id, subscription_id, subscription_item_id, location_id, name, currency, unit, every, anchor_date, weekday, day_of_month,
    lead_days, end_date, invoicing_mode, status, generated_through, po_number, notes, version, created_at, updated_at)
    VALUES (@id, @customer_id, @subscription_id, @subscription_item_id, @location_id, @name, @currency, @unit, @every, @anchor_date, @weekday, @day_of_month,
    @lead_days, @end_date, @invoicing_mode, @status, @generated_through, @po_number, @notes, @version, @created_at, @updated_at)`).run(row);
  insertItems(db, row.id, items, now);
  generateUpcoming(db, new OrderPricer(db), today, now, { scheduleId: row.id });
  return mustLoadSchedule(db, row.id);
}

export const scheduleHandlers: HandlerMap<ScheduleOps> = {
  async 'orderSchedules.create'(input, ctx) {
    return toSchedule(ctx.raw, createSchedule(ctx, input), todayOf(ctx));
  },

  async 'orderSchedules.update'(input, ctx) {
    const db = ctx.raw;
    const s = mustLoadSchedule(db, input.id);
    if (input.expectedVersion !== undefined && input.expectedVersion !== s.version) {
      throw AppError.conflict(`delivery schedule ${s.name || s.id} was changed by someone else (version ${s.version}, you edited ${input.expectedVersion}); reload and apply your change again`, { currentVersion: s.version });
    }
    if (s.status === 'ended') throw AppError.conflict('the delivery schedule has ended; create a new one');
    const p = input.patch;
    const now = nowIso(ctx);
    const today = todayOf(ctx);
    const next: ScheduleRow = { ...s, version: s.version + 1, updated_at: now };
    let regenerate = false;
    let refresh = false;
    if (p.name !== undefined) next.name = p.name;
    if (p.notes !== undefined) next.notes = p.notes;
    if (p.poNumber !== undefined) next.po_number = p.poNumber;
    if (p.locationId !== undefined && p.locationId !== s.location_id) {
      next.location_id = resolveLocation(db, s.customer_id, p.locationId, 'patch.locationId');
      refresh = true;
    }
    if (p.invoicingMode !== undefined && p.invoicingMode !== s.invoicing_mode) {
      next.invoicing_mode = p.invoicingMode;
      refresh = true;
    }
    if (p.pattern !== undefined) {
      const pat = patternRow(p.pattern, s.lead_days);
      const problems = scheduleProblems(pat);
      if (problems.length) throw validationOf(problems.map((x) => ({ path: `patch.pattern.${x.path}`, message: x.message })));
      Object.assign(next, { unit: pat.unit, every: pat.every, anchor_date: pat.anchorDate, weekday: pat.weekday ?? null, day_of_month: pat.dayOfMonth ?? null, lead_days: pat.leadDays, end_date: pat.endDate ?? null });
      regenerate = true;
    }
    if (p.status !== undefined && p.status !== s.status) {
      next.status = p.status;
      regenerate = true;
    }
    if (p.items !== undefined) {
      const items = checkItems(db, s.customer_id, s.currency, p.items, 'patch.items');
      const known = new Set((st(db, 'SELECT id FROM order_schedule_items WHERE schedule_id = ?').all(s.id) as { id: string }[]).map((r) => r.id));
      p.items.forEach((it, i) => { if (it.id && !known.has(it.id)) throw AppError.validation(`patch.items.${i}.id`, 'is not an item of this schedule'); });
      st(db, 'DELETE FROM order_schedule_items WHERE schedule_id = ?').run(s.id);
      insertItems(db, s.id, items, now, p.items.map((it) => it.id));
      refresh = true;
    }
    st(db, `UPDATE order_schedules SET location_id = @location_id, name = @name, unit = @unit, every = @every, anchor_date = @anchor_date, weekday = @weekday,
      day_of_month = @day_of_month, lead_days = @lead_days, end_date = @end_date, invoicing_mode = @invoicing_mode, status = @status, po_number = @po_number,
      notes = @notes, version = @version, updated_at = @updated_at WHERE id = @id`).run(next);
    if (regenerate) dropUpcoming(db, s.id, today);
    if (refresh || regenerate) {
      st(db, `UPDATE sales_orders SET location_id = ?, invoicing_mode = ? WHERE schedule_id = ? AND status IN ('upcoming','skipped')`).run(next.location_id, next.invoicing_mode, s.id);
      if (next.status === 'active') generateUpcoming(db, new OrderPricer(db), today, now, { scheduleId: s.id });
    }
    return toSchedule(db, mustLoadSchedule(db, s.id), today);
  },

  async 'orderSchedules.get'(input, ctx) {
    return toSchedule(ctx.raw, mustLoadSchedule(ctx.raw, input.id), todayOf(ctx));
  },

  async 'orderSchedules.list'(input, ctx) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (input.customerId) { where.push('customer_id = ?'); params.push(input.customerId); }
    if (input.subscriptionId) { where.push('subscription_id = ?'); params.push(input.subscriptionId); }
    if (input.status !== 'all') { where.push('status = ?'); params.push(input.status); }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (ctx.raw.prepare(`SELECT COUNT(*) AS n FROM order_schedules ${w}`).get(...params) as { n: number }).n;
    const rows = ctx.raw.prepare(`SELECT * FROM order_schedules ${w} ORDER BY created_at, id LIMIT ? OFFSET ?`).all(...params, input.limit, input.offset) as ScheduleRow[];
    const today = todayOf(ctx);
    return { items: rows.map((r) => toSchedule(ctx.raw, r, today)), total, offset: input.offset, limit: input.limit };
  },
};

