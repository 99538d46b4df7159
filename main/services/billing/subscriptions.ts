/**
 * subscriptions.* handlers. Every change is expressed as data the pure generator understands (item rows with
 * start/end dates, dated item changes, pauses, a cancel date) and previewed with the very code that applies it.
 */
import {
  addDays, dateParts, discountReasonOf, maxDate, minDate, type IsoDate, type ItemDiscount,
} from '../../../shared/domain/billing';
import { dec } from '../../../shared/domain/money';
import { AppError } from '../../../shared/api/errors';
import type { ChangeAction, ChangeInput, Subscription, SubscriptionItem } from '../../../shared/api/ops/subscriptions';
import type { ChargeModel } from '../../../shared/api/ops/pricing';
import { newId } from '../../platform/ids';
import { enqueueOutbox } from '../../sync/outbox';
import { intervalMonthsOf } from '../catalog';
import { type HandlerMap, nowIso, type ServiceContext } from '../context';
import { priceScheduleFor } from '../pricebooks';
import { bundleById, quoteSavedBundle } from '../bundles';
import type { Bundle } from '../../../shared/api/ops/bundles';
import { json, readBillingSettings, st, type Db } from './db';
import { currentUsage, issueNow, previewChange, upcomingInvoice } from './generate';
import { catchUpLifecycle, saveSub, settleAfterChange, writeTimeline } from './lifecycle';
import {
  baseStatusAt, cloneState, currentTermEnd, discountOf, initialTermEnd, intervalAt, intervalChangesOf, loadStates, mustLoadState, nextEventDate, scheduleOfSub, termBoundary,
  type ChangeRow, type ItemRow, type SubRow, type SubState,
} from './state';

type SubscriptionOps =
  | 'subscriptions.create' | 'subscriptions.get' | 'subscriptions.list' | 'subscriptions.update' | 'subscriptions.timeline'
  | 'subscriptions.previewChange' | 'subscriptions.applyChange' | 'subscriptions.cancelScheduledChange' | 'subscriptions.pause'
  | 'subscriptions.resume' | 'subscriptions.cancel' | 'subscriptions.reactivate' | 'subscriptions.currentUsage' | 'subscriptions.upcomingInvoice';

const todayOf = (ctx: ServiceContext): IsoDate => nowIso(ctx).slice(0, 10);
const minNullable = (a: IsoDate | null, b: IsoDate | null): IsoDate | null => (a === null ? b : b === null ? a : minDate(a, b));

interface PlanRaw {
  id: string;
  product_id: string;
  code: string;
  name: string;
  interval: string;
  interval_count: number;
  trial_days: number;
  active: number;
}
interface ProductRaw {
  id: string;
  sku: string;
  name: string;
  tax_category: string;
  kind: string;
}

function planOf(db: Db, id: string, path: string): PlanRaw & { intervalMonths: number; product: ProductRaw } {
  const p = st(db, 'SELECT id, product_id, code, name, interval, interval_count, trial_days, active FROM plans WHERE id = ?').get(id) as PlanRaw | undefined;
  if (!p) throw AppError.validation(path, `plan ${id} does not exist`);
  const product = st(db, 'SELECT id, sku, name, tax_category, kind FROM products WHERE id = ?').get(p.product_id) as ProductRaw;
  return { ...p, intervalMonths: intervalMonthsOf(p.interval, p.interval_count), product };
}

/** Checks that the plan has a price for the customer in the currency (422 naming the field otherwise). */
function assertPriced(db: Db, customerId: string, planId: string, currency: string, path: string): void {
  try {
    priceScheduleFor(db, { customerId, planId, currency });
  } catch (e) {
    if (e instanceof AppError) throw AppError.validation(path, e.message.replace(/^[\w.]+: /, ''));
    throw e;
  }
}

/** A bundle sold as a subscription item: it must exist, be active and have a price in the currency (422 naming the field). */
function bundleOf(db: Db, id: string, currency: string, path: string): { bundle: Bundle } {
  let bundle: Bundle;
  try {
    bundle = bundleById(db, id);
  } catch {
    throw AppError.validation(path, `bundle ${id} does not exist`);
  }
  if (!bundle.active) throw AppError.validation(path, `bundle ${bundle.code} is not active`);
  try {
    quoteSavedBundle(db, id, currency);
  } catch (e) {
    if (e instanceof AppError) throw AppError.validation(path, e.message.replace(/^[\w.]+: /, ''));
    throw e;
  }
  return { bundle };
}

// ------------------------------------------------------------------------------------------------ output

export function toSubscriptions(db: Db, states: readonly SubState[], today: IsoDate): Subscription[] {
  const plans = new Map<string, { code: string; name: string }>();
  const products = new Map<string, string>();
  const planInfo = (id: string) => {
    let p = plans.get(id);
    if (!p) plans.set(id, (p = (st(db, 'SELECT code, name FROM plans WHERE id = ?').get(id) as { code: string; name: string } | undefined) ?? { code: '', name: '' }));
    return p;
  };
  const skuOf = (id: string) => {
    let s = products.get(id);
    if (s === undefined) products.set(id, (s = (st(db, 'SELECT sku FROM products WHERE id = ?').get(id) as { sku: string } | undefined)?.sku ?? ''));
    return s;
  };
  const bundleDetail = (id: string) => {
    try {
      const b = bundleById(db, id);
      return { bundleId: id, parts: b.items.map((p) => ({ planId: p.planId, planCode: p.planCode, planName: p.planName, quantity: p.quantity, addOn: p.addOn })) };
    } catch {
      return { bundleId: id, parts: [] };
    }
  };
  return states.map((s) => {
    const sub = s.sub;
    const c = st(db, 'SELECT name, number FROM customers WHERE id = ?').get(sub.customer_id) as { name: string; number: string };
    const sched = scheduleOfSub(sub);
    const period = sched.periodContaining(today);
    const items: SubscriptionItem[] = s.items.map((i) => {
      // terms in force today
      let quantity = i.quantity;
      let planId = i.plan_id;
      let productId = i.product_id;
      let description = i.description;
      for (const ch of s.changes) {
        if (ch.item_id !== i.id || ch.effective_date > today) continue;
        if (ch.quantity !== null) quantity = ch.quantity;
        if (ch.plan_id) planId = ch.plan_id;
        if (ch.product_id) productId = ch.product_id;
        if (ch.description) description = ch.description;
      }
      const d = discountInForce(i, s.changes, today);
      const p = planInfo(planId);
      const start = i.start_date ?? sub.start_date;
      return {
        id: i.id, position: i.position, kind: i.kind, role: i.role, timing: i.timing, planId, planCode: p.code, planName: p.name, productId,
        productSku: skuOf(productId), description, quantity, metric: i.metric, aggregation: i.aggregation, aggregationProperty: i.aggregation_property,
        model: i.model ? (JSON.parse(i.model) as ChargeModel) : null, taxCategory: i.tax_category, startDate: i.start_date, endDate: i.end_date,
        discount: d ? { percent: d.amount ? null : d.percent ?? null, amount: d.amount ?? null, reason: discountReasonOf(d) } : null,
        active: start <= today && (i.end_date === null || today < i.end_date) && (sub.cancel_at === null || today < sub.cancel_at),
        ...(i.bundle_id ? bundleDetail(i.bundle_id) : {}),
      };
    });
    const scheduledChanges = s.changes.filter((ch) => ch.effective_date > today).map((ch) => ({
      id: ch.id, itemId: ch.item_id, effectiveDate: ch.effective_date, quantity: ch.quantity, planId: ch.plan_id,
      planCode: ch.plan_id ? planInfo(ch.plan_id).code : null, discountPercent: ch.discount_percent, discountAmount: ch.discount_amount, discountReason: ch.discount_reason,
      createdAt: ch.created_at,
    }));
    return {
      id: sub.id, customerId: sub.customer_id, customerName: c.name, customerNumber: c.number, currency: sub.currency, status: sub.status,
      startDate: sub.start_date, billingAnchorDay: sub.anchor_day, intervalMonths: intervalAt(sub, today), intervalChanges: intervalChangesOf(sub), trialEnd: sub.trial_end,
      trialEndAction: sub.trial_end_action,
      term: sub.term_months && sub.term_end ? {
        months: sub.term_months, initialEnd: sub.term_end, currentEnd: currentTermEnd(sub, today) ?? sub.term_end, autoRenew: !!sub.auto_renew,
        renewalUpliftPct: sub.renewal_uplift_pct, noticeDays: sub.notice_days,
      } : null,
      cancelAt: sub.cancel_at, cancelCredit: sub.cancel_credit, cancelReason: sub.cancel_reason, prorationPolicy: sub.proration_policy,
      prorationInvoicing: sub.proration_invoicing, poNumber: sub.po_number, buyerReference: sub.buyer_reference, notes: sub.notes,
      nextBillingDate: sub.next_billing_date, currentPeriod: period ? { start: period.start, end: period.end } : null, items, scheduledChanges,
      pauses: s.pauses.map((p) => ({ id: p.id, from: p.from_date, until: p.until_date })), billingError: sub.billing_error,
      version: sub.version, createdAt: sub.created_at, updatedAt: sub.updated_at,
    };
  });
}

export const toSubscription = (db: Db, s: SubState, today: IsoDate): Subscription => toSubscriptions(db, [s], today)[0]!;

function outbox(ctx: ServiceContext, s: SubState, eventType: string): Subscription {
  const out = toSubscription(ctx.raw, s, todayOf(ctx));
  enqueueOutbox(ctx.raw, nowIso(ctx), { aggregateType: 'subscription', aggregateId: s.sub.id, eventType, payload: out });
  return out;
}

// ------------------------------------------------------------------------------------------------ writing

/** The discount of an item in force on a date: its own, then its changes up to that date (in date order). */
function discountInForce(item: ItemRow, changes: readonly ChangeRow[], date: IsoDate): ItemDiscount | null {
  let d = discountOf(item.discount_percent, item.discount_amount, item.discount_reason);
  const mine = changes.filter((c) => c.item_id === item.id && (c.discount_percent !== null || c.discount_amount !== null) && c.effective_date <= date && !c.canceled_at);
  mine.sort((a, b) => (a.effective_date < b.effective_date ? -1 : a.effective_date > b.effective_date ? 1 : 0));
  for (const c of mine) d = discountOf(c.discount_percent, c.discount_amount, c.discount_reason);
  return d;
}

const INSERT_SUB = `INSERT INTO subscriptions (id, customer_id, currency, status, start_date, anchor_day, interval_months, trial_end, trial_end_action, term_months,
  term_end, current_term_end, auto_renew, renewal_uplift_pct, notice_days, cancel_at, cancel_credit, cancel_reason, proration_policy, proration_invoicing,
  po_number, buyer_reference, notes, next_billing_date, bill_from, status_checked_through, price_locks, last_run_id, billing_error, version, created_at, updated_at)
  VALUES (@id, @customer_id, @currency, @status, @start_date, @anchor_day, @interval_months, @trial_end, @trial_end_action, @term_months,
  @term_end, @current_term_end, @auto_renew, @renewal_uplift_pct, @notice_days, @cancel_at, @cancel_credit, @cancel_reason, @proration_policy, @proration_invoicing,
  @po_number, @buyer_reference, @notes, @next_billing_date, @bill_from, @status_checked_through, @price_locks, @last_run_id, @billing_error, @version, @created_at, @updated_at)`;
const INSERT_ITEM = `INSERT INTO subscription_items (id, subscription_id, position, kind, role, timing, plan_id, product_id, description, quantity, metric, aggregation,
  aggregation_property, model, tax_category, start_date, end_date, created_at, bundle_id, discount_percent, discount_amount, discount_reason)
  VALUES (@id, @subscription_id, @position, @kind, @role, @timing, @plan_id, @product_id, @description, @quantity, @metric, @aggregation,
  @aggregation_property, @model, @tax_category, @start_date, @end_date, @created_at, @bundle_id, @discount_percent, @discount_amount, @discount_reason)`;
const INSERT_CHANGE = `INSERT INTO subscription_changes (id, subscription_id, item_id, effective_date, effective_at, quantity, plan_id, product_id, description, tax_category,
  discount_percent, discount_amount, discount_reason, created_at, canceled_at)
  VALUES (@id, @subscription_id, @item_id, @effective_date, @effective_at, @quantity, @plan_id, @product_id, @description, @tax_category,
  @discount_percent, @discount_amount, @discount_reason, @created_at, @canceled_at)`;

/** Persists the differences between a loaded state and its modified copy (new items / changes / pauses, updated rows). */
function persist(db: Db, before: SubState, after: SubState): void {
  const oldItems = new Map(before.items.map((i) => [i.id, i]));
  for (const i of after.items) {
    const o = oldItems.get(i.id);
    if (!o) st(db, INSERT_ITEM).run(i);
    else if (o.end_date !== i.end_date || o.start_date !== i.start_date) st(db, 'UPDATE subscription_items SET start_date = ?, end_date = ? WHERE id = ?').run(i.start_date, i.end_date, i.id);
  }
  const oldChanges = new Set(before.changes.map((c) => c.id));
  for (const c of after.changes) if (!oldChanges.has(c.id)) st(db, INSERT_CHANGE).run(c);
  const oldPauses = new Map(before.pauses.map((p) => [p.id, p]));
  for (const p of after.pauses) {
    const o = oldPauses.get(p.id);
    if (!o) st(db, 'INSERT INTO subscription_pauses (id, subscription_id, from_date, until_date, created_at) VALUES (?, ?, ?, ?, ?)').run(p.id, p.subscription_id, p.from_date, p.until_date, p.created_at);
    else if (o.until_date !== p.until_date) st(db, 'UPDATE subscription_pauses SET until_date = ? WHERE id = ?').run(p.until_date, p.id);
  }
  const kept = new Set(after.pauses.map((p) => p.id));
  for (const p of before.pauses) if (!kept.has(p.id)) st(db, 'DELETE FROM subscription_pauses WHERE id = ?').run(p.id);
  saveSub(db, after.sub);
}

/** Loads a subscription and records what took effect since it was last looked at (so transitions keep their dates). */
function loadCurrent(ctx: ServiceContext, id: string): SubState {
  const s = mustLoadState(ctx.raw, id);
  const today = todayOf(ctx);
  if ((s.sub.status_checked_through ?? '') < today) {
    catchUpLifecycle(ctx.raw, s, today, nowIso(ctx));
    saveSub(ctx.raw, s.sub);
  }
  return s;
}

function checkVersion(sub: SubRow, expected: number | undefined): void {
  if (expected !== undefined && expected !== sub.version) {
    throw AppError.conflict(`the subscription was changed by someone else (version ${sub.version}, you edited ${expected}); reload and apply your change again`, { currentVersion: sub.version });
  }
}

function assertOpen(s: SubState, today: IsoDate, what: string): void {
  const st0 = baseStatusAt(s, today);
  if (st0 === 'canceled' || st0 === 'expired') throw AppError.conflict(`the subscription is ${st0}; reactivate it before a ${what}`);
}

// ------------------------------------------------------------------------------------------------ changes

interface BuiltChange {
  after: SubState;
  effectiveDate: IsoDate;
  summary: Record<string, unknown>[];
}

function effectiveDateOf(s: SubState, input: Pick<ChangeInput, 'when' | 'effectiveDate'>, today: IsoDate): IsoDate {
  const sub = s.sub;
  if (input.when === 'date') {
    const d = input.effectiveDate!;
    if (d < sub.start_date) throw AppError.validation('effectiveDate', `is before the subscription start ${sub.start_date}`);
    return d;
  }
  if (today < sub.start_date) return sub.start_date;
  if (input.when === 'now') return today;
  const p = scheduleOfSub(sub).periodContaining(today)!;
  return p.end;
}

/** Applies the change actions to a copy of the state (validated; nothing saved). */
function buildChange(db: Db, s: SubState, input: ChangeInput, today: IsoDate, atIso: string): BuiltChange {
  assertOpen(s, today, 'change');
  const sub = s.sub;
  const E = effectiveDateOf(s, input, today);
  if (sub.cancel_at && E >= sub.cancel_at) throw AppError.validation('effectiveDate', `is on or after the cancellation date ${sub.cancel_at}`);
  const after = cloneState(s);
  const effectiveAt = input.when === 'now' && sub.proration_policy === 'second' && E === today ? atIso : null;
  const summary: Record<string, unknown>[] = [];
  const activeAt = (i: ItemRow, d: IsoDate) => (i.start_date ?? sub.start_date) <= d && (i.end_date === null || d < i.end_date);
  const itemOf = (id: string, path: string): ItemRow => {
    const it = after.items.find((i) => i.id === id);
    if (!it) throw AppError.validation(path, `item ${id} is not part of this subscription`);
    if (!activeAt(it, E) && !((it.start_date ?? sub.start_date) > E)) throw AppError.validation(path, `item ${id} has ended`);
    return it;
  };
  // A switch of the billing interval (monthly → annual …): every recurring plan of the change bills at the new
  // interval, from a period start (never backdated, never 'now' in the middle of a period).
  const current = intervalAt(sub, E);
  // the plans of the actions, read once (action index → plan)
  const plansOf = new Map<number, ReturnType<typeof planOf>>();
  input.actions.forEach((a: ChangeAction, i) => {
    if (a.type === 'change_plan' || a.type === 'add_addon') plansOf.set(i, planOf(db, a.planId, `actions.${i}.planId`));
  });
  const switchTo = new Set<number>();
  input.actions.forEach((a: ChangeAction, i) => {
    if (a.type !== 'change_plan' && a.type !== 'add_addon') return;
    const it = a.type === 'change_plan' ? after.items.find((x) => x.id === a.itemId) : null;
    if (it && it.kind !== 'recurring') return;
    const pl = plansOf.get(i)!;
    if (pl.intervalMonths !== current) switchTo.add(pl.intervalMonths);
  });
  if (switchTo.size > 1) throw AppError.validation('actions', 'the plans of one change must all bill at the same interval');
  const newInterval = switchTo.size === 1 ? [...switchTo][0]! : null;
  if (newInterval !== null) {
    const path = 'effectiveDate';
    if (input.when === 'now') throw AppError.validation('when', `switching to billing every ${newInterval} month(s) takes effect at a period end ('period_end' or the start date of a period), not in the middle of one`);
    if (E < today) throw AppError.validation(path, 'an interval switch cannot be backdated');
    if (scheduleOfSub(sub).periodContaining(E)?.start !== E) throw AppError.validation(path, `${E} does not start a billing period; an interval switch takes effect at a period start`);
  }
  const interval = newInterval ?? current;
  const change = (item: ItemRow, fields: Partial<ChangeRow>): void => {
    after.changes.push({
      id: newId(), subscription_id: sub.id, item_id: item.id, effective_date: E, effective_at: effectiveAt, quantity: null, plan_id: null,
      product_id: null, description: null, tax_category: null, discount_percent: null, discount_amount: null, discount_reason: null, created_at: atIso, canceled_at: null, ...fields,
    });
  };
  input.actions.forEach((a: ChangeAction, i) => {
    const path = `actions.${i}`;
    switch (a.type) {
      case 'change_plan': {
        const item = itemOf(a.itemId, `${path}.itemId`);
        if (item.bundle_id) throw AppError.validation(`${path}.itemId`, 'a bundle item cannot change plan (change its quantity, or remove it and add another)');
        const plan = plansOf.get(i)!;
        if (!plan.active) throw AppError.validation(`${path}.planId`, `plan ${plan.code} is not active`);
        if (item.kind === 'recurring' && plan.intervalMonths !== interval) {
          throw AppError.validation(`${path}.planId`, `plan ${plan.code} bills every ${plan.intervalMonths} month(s) but the subscription every ${interval}`);
        }
        if (!item.model) assertPriced(db, sub.customer_id, plan.id, sub.currency, `${path}.planId`);
        change(item, {
          plan_id: plan.id, product_id: plan.product.id, description: plan.name, tax_category: plan.product.tax_category,
          ...(a.quantity !== undefined ? { quantity: a.quantity } : {}),
        });
        summary.push({ type: a.type, itemId: item.id, planId: plan.id, planCode: plan.code, ...(a.quantity !== undefined ? { quantity: a.quantity } : {}) });
        break;
      }
      case 'change_quantity': {
        const item = itemOf(a.itemId, `${path}.itemId`);
        if (item.kind === 'usage') throw AppError.validation(`${path}.itemId`, 'a metered item has no quantity; its usage is recorded');
        change(item, { quantity: a.quantity });
        summary.push({ type: a.type, itemId: item.id, quantity: a.quantity });
        break;
      }
      case 'add_addon': {
        const plan = plansOf.get(i)!;
        if (!plan.active) throw AppError.validation(`${path}.planId`, `plan ${plan.code} is not active`);
        if (plan.intervalMonths !== interval) {
          throw AppError.validation(`${path}.planId`, `plan ${plan.code} bills every ${plan.intervalMonths} month(s) but the subscription every ${interval}`);
        }
        assertPriced(db, sub.customer_id, plan.id, sub.currency, `${path}.planId`);
        const id = newId();
        after.items.push({
          id, subscription_id: sub.id, position: Math.max(0, ...after.items.map((x) => x.position)) + 1, kind: 'recurring', role: 'addon', timing: 'advance',
          plan_id: plan.id, product_id: plan.product.id, description: a.description ?? plan.name, quantity: a.quantity, metric: null, aggregation: null,
          aggregation_property: null, model: null, tax_category: plan.product.tax_category, start_date: E > sub.start_date ? E : null, end_date: null, created_at: atIso, bundle_id: null,
          discount_percent: a.discountPercent ?? null, discount_amount: a.discountAmount ?? null, discount_reason: a.discountPercent || a.discountAmount ? a.discountReason ?? null : null,
        });
        summary.push({
          type: a.type, itemId: id, planId: plan.id, planCode: plan.code, quantity: a.quantity,
          ...(a.discountPercent ? { discountPercent: a.discountPercent } : {}), ...(a.discountAmount ? { discountAmount: a.discountAmount } : {}),
        });
        break;
      }
      case 'set_discount': {
        const item = itemOf(a.itemId, `${path}.itemId`);
        if (a.percent && a.amount) throw AppError.validation(`${path}.amount`, 'give either a percent or an amount, not both');
        const ends = !a.percent && !a.amount;
        if (ends && a.reason) throw AppError.validation(`${path}.reason`, 'a discount that ends has no reason');
        if (ends && discountInForce(item, after.changes, E) === null) throw AppError.validation(`${path}.percent`, `item "${item.description}" has no discount on ${E} to end`);
        change(item, { discount_percent: a.amount ? null : a.percent ?? '0', discount_amount: a.amount ?? null, discount_reason: ends ? null : a.reason ?? null });
        summary.push({ type: a.type, itemId: item.id, percent: a.percent ?? null, ...(a.amount ? { amount: a.amount } : {}), ...(a.reason ? { reason: a.reason } : {}) });
        break;
      }
      case 'remove_addon': {
        const item = itemOf(a.itemId, `${path}.itemId`);
        const others = after.items.filter((x) => x.id !== item.id && (x.end_date === null || x.end_date > E));
        if (others.length === 0) throw AppError.validation(`${path}.itemId`, 'is the last item; cancel the subscription instead');
        if (item.role === 'base' && !others.some((x) => x.role === 'base')) {
          throw AppError.validation(`${path}.itemId`, "is the subscription's base plan, not an add-on: change its plan, or cancel the subscription");
        }
        item.end_date = E;
        summary.push({ type: a.type, itemId: item.id, planId: item.plan_id });
        break;
      }
    }
  });
  if (newInterval !== null) {
    // every recurring item billed after E must move to the new interval in this change
    const changedAtE = new Set(after.changes.filter((c) => c.effective_date === E && c.plan_id).map((c) => c.item_id));
    after.items.forEach((it) => {
      if (it.kind !== 'recurring' || (it.end_date !== null && it.end_date <= E)) return;
      const added = (it.start_date ?? '') === E && !s.items.some((o) => o.id === it.id);
      if (!added && !changedAtE.has(it.id)) {
        throw AppError.validation('actions', `switching to billing every ${newInterval} month(s) moves every recurring item: "${it.description}" still bills every ${current} month(s) (change its plan, or remove it, in the same change)`);
      }
    });
    const switches = intervalChangesOf(sub).filter((c) => c.from < E);
    switches.push({ from: E, intervalMonths: newInterval });
    after.sub.interval_changes = json(switches);
    summary.push({ type: 'switch_interval', intervalMonths: newInterval, from: E });
  }
  after.sub.bill_from = minDate(sub.bill_from, E);
  return { after, effectiveDate: E, summary };
}

// ------------------------------------------------------------------------------------------------ handlers

export const subscriptionHandlers: HandlerMap<SubscriptionOps> = {
  async 'subscriptions.create'(input, ctx) {
    const db = ctx.raw;
    const at = nowIso(ctx);
    const today = todayOf(ctx);
    const customer = st(db, 'SELECT id, currency, status FROM customers WHERE id = ?').get(input.customerId) as { id: string; currency: string; status: string } | undefined;
    if (!customer) throw AppError.validation('customerId', `customer ${input.customerId} does not exist`);
    if (customer.status !== 'active') throw AppError.validation('customerId', 'the customer is archived');
    const currency = input.currency ?? customer.currency;
    const startDate = input.startDate ?? today;
    // a bundle item is billed at the bundle's quote; it keeps its first part's plan (interval, product, tax category)
    const bundles = input.items.map((it, i) => (it.bundleId ? bundleOf(db, it.bundleId, currency, `items.${i}.bundleId`) : null));
    const plans = input.items.map((it, i) => planOf(db, bundles[i]?.bundle.items[0]!.planId ?? it.planId!, `items.${i}.${bundles[i] ? 'bundleId' : 'planId'}`));
    plans.forEach((p, i) => {
      if (bundles[i]) return;
      if (!p.active) throw AppError.validation(`items.${i}.planId`, `plan ${p.code} is not active`);
      if (!input.items[i]!.model) assertPriced(db, customer.id, p.id, currency, `items.${i}.planId`);
    });
    const baseIdx = Math.max(0, input.items.findIndex((it) => !it.metric));
    const intervalMonths = plans[baseIdx]!.intervalMonths;
    input.items.forEach((it, i) => {
      if (!it.metric && plans[i]!.intervalMonths !== intervalMonths) {
        throw AppError.validation(`items.${i}.planId`, `plan ${plans[i]!.code} bills every ${plans[i]!.intervalMonths} month(s) but the subscription every ${intervalMonths}`);
      }
    });
    const trialDays = input.trialDays ?? plans[baseIdx]!.trial_days;
    const trialEnd = trialDays > 0 ? addDays(startDate, trialDays) : null;
    const termEnd = input.termMonths ? initialTermEnd(startDate, input.termMonths) : null;
    const id = newId();
    const sub: SubRow = {
      id, customer_id: customer.id, currency, status: 'active', start_date: startDate, anchor_day: input.billingAnchorDay ?? dateParts(startDate)[2],
      interval_months: intervalMonths, interval_changes: '[]', trial_end: trialEnd, trial_end_action: input.trialEndAction, term_months: input.termMonths, term_end: termEnd,
      current_term_end: termEnd, auto_renew: input.autoRenew ? 1 : 0, renewal_uplift_pct: input.renewalUpliftPct, notice_days: input.noticeDays,
      cancel_at: trialEnd && input.trialEndAction === 'cancel' ? trialEnd : null, cancel_credit: 'none', cancel_reason: trialEnd && input.trialEndAction === 'cancel' ? 'trial ends' : null,
      proration_policy: input.prorationPolicy, proration_invoicing: input.prorationInvoicing, po_number: input.poNumber ?? null,
      buyer_reference: input.buyerReference ?? null, notes: input.notes, next_billing_date: startDate, bill_from: startDate, status_checked_through: startDate,
      price_locks: '{}', last_run_id: null, billing_error: null, version: 1, created_at: at, updated_at: at,
    };
    const items: ItemRow[] = input.items.map((it, i) => {
      const p = plans[i]!;
      const metered = !!it.metric;
      return {
        id: newId(), subscription_id: id, position: i + 1, kind: metered ? 'usage' : 'recurring', role: it.addon ? 'addon' : 'base',
        timing: metered ? 'arrears' : it.timing ?? 'advance', plan_id: p.id, product_id: p.product.id, description: it.description ?? bundles[i]?.bundle.label ?? p.name,
        quantity: metered ? '0' : it.quantity, metric: it.metric ?? null, aggregation: metered ? it.aggregation ?? 'sum' : null,
        aggregation_property: it.aggregationProperty ?? null, model: it.model ? json(it.model) : null, tax_category: p.product.tax_category,
        start_date: null, end_date: null, created_at: at, bundle_id: it.bundleId ?? null,
        discount_percent: it.discountPercent ?? null, discount_amount: it.discountAmount ?? null,
        discount_reason: it.discountPercent || it.discountAmount ? it.discountReason ?? null : null,
      };
    });
    // an introductory discount: its end is a scheduled change of the item's terms (shown, and withdrawable, like any other)
    const changes: ChangeRow[] = [];
    input.items.forEach((it, i) => {
      if (!it.discountUntil) return;
      if (it.discountUntil <= startDate) throw AppError.validation(`items.${i}.discountUntil`, `must be after the start date ${startDate}`);
      changes.push({
        id: newId(), subscription_id: id, item_id: items[i]!.id, effective_date: it.discountUntil, effective_at: null, quantity: null, plan_id: null, product_id: null,
        description: null, tax_category: null, discount_percent: '0', discount_amount: null, discount_reason: null, created_at: at, canceled_at: null,
      });
    });
    const s: SubState = { sub, items, changes, pauses: [] };
    sub.status = baseStatusAt(s, startDate);
    sub.current_term_end = currentTermEnd(sub, startDate);
    st(db, INSERT_SUB).run(sub);
    for (const it of items) st(db, INSERT_ITEM).run(it);
    for (const c of changes) st(db, INSERT_CHANGE).run(c);
    writeTimeline(db, id, at, startDate, 'created', null, sub.status, { items: items.map((i) => ({ id: i.id, planId: i.plan_id, quantity: i.quantity, metric: i.metric })), trialEnd, termEnd });
    if (today > startDate) catchUpLifecycle(db, s, today, at);
    saveSub(db, sub);
    return outbox(ctx, s, 'subscription.created');
  },

  async 'subscriptions.get'(input, ctx) {
    return toSubscription(ctx.raw, mustLoadState(ctx.raw, input.id), todayOf(ctx));
  },

  async 'subscriptions.list'(input, ctx) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (input.customerId) { where.push('s.customer_id = ?'); params.push(input.customerId); }
    if (input.currency) { where.push('s.currency = ?'); params.push(input.currency); }
    if (input.status) {
      const ss = Array.isArray(input.status) ? input.status : [input.status];
      where.push(`s.status IN (${ss.map(() => '?').join(', ')})`);
      params.push(...ss);
    }
    if (input.planId) {
      where.push(`(EXISTS (SELECT 1 FROM subscription_items i WHERE i.subscription_id = s.id AND i.plan_id = ?) OR EXISTS (SELECT 1 FROM subscription_changes ch WHERE ch.subscription_id = s.id AND ch.plan_id = ? AND ch.canceled_at IS NULL))`);
      params.push(input.planId, input.planId);
    }
    if (input.renewalFrom) { where.push('s.current_term_end >= ?'); params.push(input.renewalFrom); }
    if (input.renewalTo) { where.push('s.current_term_end <= ?'); params.push(input.renewalTo); }
    if (input.nextBillingTo) { where.push('s.next_billing_date <= ?'); params.push(input.nextBillingTo); }
    if (input.search) {
      const q = `%${input.search.replace(/[%_\\]/g, (m) => '\\' + m)}%`;
      where.push(`(c.name LIKE ? ESCAPE '\\' OR c.number LIKE ? ESCAPE '\\' OR IFNULL(s.po_number, '') LIKE ? ESCAPE '\\' OR IFNULL(s.buyer_reference, '') LIKE ? ESCAPE '\\')`);
      params.push(q, q, q, q);
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const col = { createdAt: 's.created_at', startDate: 's.start_date', nextBillingDate: 's.next_billing_date', renewalDate: 's.current_term_end', customerName: 'c.name', status: 's.status' }[input.sortBy];
    const dir = input.sortDir === 'desc' ? 'DESC' : 'ASC';
    const { n } = ctx.raw.prepare(`SELECT COUNT(*) AS n FROM subscriptions s JOIN customers c ON c.id = s.customer_id ${w}`).get(...params) as { n: number };
    const ids = (ctx.raw.prepare(`SELECT s.id FROM subscriptions s JOIN customers c ON c.id = s.customer_id ${w} ORDER BY ${col} ${dir}, s.id ${dir} LIMIT ? OFFSET ?`)
      .all(...params, input.limit, input.offset) as { id: string }[]).map((r) => r.id);
    const states = loadStates(ctx.raw, ids);
    return { items: toSubscriptions(ctx.raw, ids.map((id) => states.get(id)!), todayOf(ctx)), total: n, offset: input.offset, limit: input.limit };
  },

  async 'subscriptions.update'(input, ctx) {
    const s = loadCurrent(ctx, input.id);
    checkVersion(s.sub, input.expectedVersion);
    const before = cloneState(s);
    const p = input.patch;
    const today = todayOf(ctx);
    const sub = s.sub;
    if (p.poNumber !== undefined) sub.po_number = p.poNumber;
    if (p.buyerReference !== undefined) sub.buyer_reference = p.buyerReference;
    if (p.notes !== undefined) sub.notes = p.notes;
    if (p.prorationInvoicing !== undefined) sub.proration_invoicing = p.prorationInvoicing;
    if (p.prorationPolicy !== undefined && p.prorationPolicy !== sub.proration_policy) {
      sub.proration_policy = p.prorationPolicy;
    }
    if (p.noticeDays !== undefined) sub.notice_days = p.noticeDays;
    if (p.renewalUpliftPct !== undefined || p.autoRenew !== undefined) {
      if (!sub.term_months) throw AppError.validation(p.autoRenew !== undefined ? 'patch.autoRenew' : 'patch.renewalUpliftPct', 'the subscription has no term');
      const renewed = (currentTermEnd(sub, today) ?? '') > (sub.term_end ?? '');
      if (p.autoRenew === false && sub.auto_renew) {
        if (renewed && dec(sub.renewal_uplift_pct).gt(0)) {
          throw AppError.validation('patch.autoRenew', 'the subscription has renewed with an uplift; end it with subscriptions.cancel (when: term_end) instead');
        }
        sub.term_end = currentTermEnd(sub, today);
        sub.auto_renew = 0;
      } else if (p.autoRenew === true && !sub.auto_renew) {
        if (sub.term_end && sub.term_end <= today) throw AppError.validation('patch.autoRenew', 'the subscription has expired; reactivate it');
        sub.auto_renew = 1;
      }
      if (p.renewalUpliftPct !== undefined && !dec(p.renewalUpliftPct).eq(sub.renewal_uplift_pct)) {
        if (renewed) throw AppError.validation('patch.renewalUpliftPct', 'applies from the next renewal only before the first renewal; the subscription has already renewed');
        sub.renewal_uplift_pct = p.renewalUpliftPct;
      }
      sub.current_term_end = currentTermEnd(sub, today);
      sub.next_billing_date = minNullable(sub.next_billing_date, nextEventDate(s, today));
    }
    sub.version += 1;
    sub.updated_at = nowIso(ctx);
    persist(ctx.raw, before, s);
    writeTimeline(ctx.raw, sub.id, nowIso(ctx), today, 'updated', sub.status, sub.status, { patch: p });
    return outbox(ctx, s, 'subscription.changed');
  },

  async 'subscriptions.timeline'(input, ctx) {
    mustLoadState(ctx.raw, input.id);
    const rows = ctx.raw.prepare('SELECT * FROM subscription_timeline WHERE subscription_id = ? ORDER BY rowid').all(input.id) as {
      id: string; subscription_id: string; at: string; effective_date: string; event: string; from_status: Subscription['status'] | null; to_status: Subscription['status'] | null; details: string;
    }[];
    return rows.map((r) => ({
      id: r.id, subscriptionId: r.subscription_id, at: r.at, effectiveDate: r.effective_date, event: r.event, fromStatus: r.from_status, toStatus: r.to_status,
      details: JSON.parse(r.details) as Record<string, unknown>,
    }));
  },

  async 'subscriptions.previewChange'(input, ctx) {
    const s = mustLoadState(ctx.raw, input.subscriptionId);
    const today = todayOf(ctx);
    const b = buildChange(ctx.raw, s, input, today, nowIso(ctx));
    const invoiceNow = input.invoiceNow ?? s.sub.proration_invoicing === 'immediately';
    return previewChange(ctx.raw, s, b.after, { today, effectiveDate: b.effectiveDate, invoiceNow, settings: readBillingSettings(ctx.raw) });
  },

  async 'subscriptions.applyChange'(input, ctx) {
    const db = ctx.raw;
    const at = nowIso(ctx);
    const today = todayOf(ctx);
    const s = loadCurrent(ctx, input.subscriptionId);
    const settings = readBillingSettings(db);
    const b = buildChange(db, s, input, today, at);
    const invoiceNow = input.invoiceNow ?? s.sub.proration_invoicing === 'immediately';
    const preview = previewChange(db, s, b.after, { today, effectiveDate: b.effectiveDate, invoiceNow, settings });
    const after = b.after;
    after.sub.version += 1;
    after.sub.updated_at = at;
    const documents = [];
    persist(db, s, after);
    if (invoiceNow && b.effectiveDate <= today) {
      const fin = issueNow(db, after, today, at, settings, 'change');
      if (fin) documents.push({ id: fin.id, number: fin.number, kind: fin.kind, status: fin.status, grossMinor: fin.grossMinor });
    } else {
      after.sub.next_billing_date = minNullable(after.sub.next_billing_date, nextEventDate(after, today)) ?? today;
    }
    const event = b.effectiveDate <= today ? 'changed' : 'change_scheduled';
    settleAfterChange(db, after, today, at, event, { effectiveDate: b.effectiveDate, classification: preview.classification, actions: b.summary, documents: documents.map((d) => d.number) });
    saveSub(db, after.sub);
    const subscription = outbox(ctx, after, 'subscription.changed');
    return { subscription, preview, documents };
  },

  async 'subscriptions.cancelScheduledChange'(input, ctx) {
    const s = loadCurrent(ctx, input.subscriptionId);
    const today = todayOf(ctx);
    const at = nowIso(ctx);
    const ch = s.changes.find((c) => c.id === input.changeId);
    const item = s.items.find((i) => i.id === input.changeId);
    // Part of an interval switch: the switch is withdrawn as a whole (every change of that day), so no item is left
    // billing at the other interval.
    const day = ch?.effective_date ?? (item && item.start_date && item.start_date > today ? item.start_date : item?.end_date ?? null);
    const switches = intervalChangesOf(s.sub);
    if (day && day > today && switches.some((w) => w.from === day)) {
      for (const c of s.changes.filter((x) => x.effective_date === day)) st(ctx.raw, 'UPDATE subscription_changes SET canceled_at = ? WHERE id = ?').run(at, c.id);
      s.changes = s.changes.filter((x) => x.effective_date !== day);
      for (const i of s.items.filter((x) => x.start_date === day)) st(ctx.raw, 'DELETE FROM subscription_items WHERE id = ?').run(i.id);
      s.items = s.items.filter((x) => x.start_date !== day);
      for (const i of s.items.filter((x) => x.end_date === day)) {
        st(ctx.raw, 'UPDATE subscription_items SET end_date = NULL WHERE id = ?').run(i.id);
        i.end_date = null;
      }
      s.sub.interval_changes = json(switches.filter((w) => w.from !== day));
      s.sub.version += 1;
      s.sub.updated_at = at;
      writeTimeline(ctx.raw, s.sub.id, at, today, 'interval_switch_withdrawn', s.sub.status, s.sub.status, { changeId: input.changeId, effectiveDate: day });
      saveSub(ctx.raw, s.sub);
      return outbox(ctx, s, 'subscription.changed');
    }
    if (ch) {
      if (ch.effective_date <= today) throw AppError.conflict('the change has already taken effect');
      st(ctx.raw, 'UPDATE subscription_changes SET canceled_at = ? WHERE id = ?').run(at, ch.id);
      s.changes = s.changes.filter((c) => c.id !== ch.id);
    } else if (item && item.start_date && item.start_date > today) {
      st(ctx.raw, 'DELETE FROM subscription_items WHERE id = ?').run(item.id);
      s.items = s.items.filter((i) => i.id !== item.id);
    } else if (item && item.end_date && item.end_date > today) {
      st(ctx.raw, 'UPDATE subscription_items SET end_date = NULL WHERE id = ?').run(item.id);
      item.end_date = null;
    } else throw AppError.notFound('scheduled change', input.changeId);
    s.sub.version += 1;
    s.sub.updated_at = at;
    writeTimeline(ctx.raw, s.sub.id, at, today, 'change_withdrawn', s.sub.status, s.sub.status, { changeId: input.changeId });
    saveSub(ctx.raw, s.sub);
    return outbox(ctx, s, 'subscription.changed');
  },

  async 'subscriptions.pause'(input, ctx) {
    const s = loadCurrent(ctx, input.id);
    const today = todayOf(ctx);
    const at = nowIso(ctx);
    assertOpen(s, today, 'pause');
    const from = input.from ?? today;
    const until = input.until ?? null;
    if (from < s.sub.start_date) throw AppError.validation('from', `is before the subscription start ${s.sub.start_date}`);
    if (until !== null && until <= from) throw AppError.validation('until', 'must be after from');
    for (const p of s.pauses) {
      if (p.until_date === null ? (until === null || until > p.from_date) : from < p.until_date && (until === null || until > p.from_date)) {
        throw AppError.conflict(`overlaps the pause from ${p.from_date}${p.until_date ? ` until ${p.until_date}` : ' (still open)'}`);
      }
    }
    const before = cloneState(s);
    s.pauses.push({ id: newId(), subscription_id: s.sub.id, from_date: from, until_date: until, created_at: at });
    s.sub.bill_from = minDate(s.sub.bill_from, from);
    s.sub.next_billing_date = minNullable(s.sub.next_billing_date, maxDate(from, today));
    s.sub.version += 1;
    s.sub.updated_at = at;
    if (from <= today) settleAfterChange(ctx.raw, s, today, at, 'paused', { from, until });
    else writeTimeline(ctx.raw, s.sub.id, at, today, 'pause_scheduled', s.sub.status, s.sub.status, { from, until });
    persist(ctx.raw, before, s);
    return outbox(ctx, s, 'subscription.changed');
  },

  async 'subscriptions.resume'(input, ctx) {
    const s = loadCurrent(ctx, input.id);
    const today = todayOf(ctx);
    const at = nowIso(ctx);
    const on = input.on ?? today;
    const open = s.pauses.find((p) => p.until_date === null || p.until_date > on);
    if (!open) throw AppError.conflict('the subscription is not paused');
    const before = cloneState(s);
    if (on <= open.from_date) s.pauses = s.pauses.filter((p) => p.id !== open.id);
    else s.pauses.find((p) => p.id === open.id)!.until_date = on;
    s.sub.bill_from = minDate(s.sub.bill_from, open.from_date);
    s.sub.next_billing_date = minNullable(s.sub.next_billing_date, maxDate(on, today)) ?? maxDate(on, today);
    s.sub.version += 1;
    s.sub.updated_at = at;
    if (on <= today) settleAfterChange(ctx.raw, s, today, at, 'resumed', { on, pausedFrom: open.from_date });
    else writeTimeline(ctx.raw, s.sub.id, at, today, 'resume_scheduled', s.sub.status, s.sub.status, { on, pausedFrom: open.from_date });
    persist(ctx.raw, before, s);
    return outbox(ctx, s, 'subscription.changed');
  },

  async 'subscriptions.cancel'(input, ctx) {
    const db = ctx.raw;
    const s = loadCurrent(ctx, input.id);
    const today = todayOf(ctx);
    const at = nowIso(ctx);
    assertOpen(s, today, 'cancellation');
    const sub = s.sub;
    let cancelAt: IsoDate;
    if (input.when === 'now') cancelAt = maxDate(today, sub.start_date);
    else if (input.when === 'date') cancelAt = input.date!;
    else if (input.when === 'term_end' && sub.term_months && sub.term_end) {
      let end = currentTermEnd(sub, today)!;
      // the notice period: too late for this term end → the next one
      if (sub.auto_renew && addDays(end, -sub.notice_days) < today) {
        for (let j = 0; j < 10_000; j++) {
          const b = termBoundary(sub, j)!;
          if (b > end) { end = b; break; }
        }
      }
      cancelAt = end;
    } else {
      const p = scheduleOfSub(sub).periodContaining(maxDate(today, sub.start_date))!;
      cancelAt = p.end;
    }
    if (cancelAt < sub.start_date) throw AppError.validation('date', `is before the subscription start ${sub.start_date}`);
    const before = cloneState(s);
    sub.cancel_at = cancelAt;
    sub.cancel_credit = input.credit;
    sub.cancel_reason = input.reason ?? null;
    sub.bill_from = minDate(sub.bill_from, cancelAt);
    sub.version += 1;
    sub.updated_at = at;
    const settings = readBillingSettings(db);
    persist(db, before, s);
    const documents = [];
    if (cancelAt <= today && input.invoiceNow) {
      const fin = issueNow(db, s, today, at, settings, 'cancel', input.reason);
      if (fin) documents.push({ id: fin.id, number: fin.number, kind: fin.kind, status: fin.status, grossMinor: fin.grossMinor });
    } else sub.next_billing_date = minNullable(sub.next_billing_date, maxDate(cancelAt, today)) ?? maxDate(cancelAt, today);
    if (cancelAt <= today) settleAfterChange(db, s, today, at, 'canceled', { cancelAt, credit: input.credit, reason: input.reason ?? null, documents: documents.map((d) => d.number) });
    else writeTimeline(db, sub.id, at, today, 'cancel_scheduled', sub.status, sub.status, { cancelAt, credit: input.credit, reason: input.reason ?? null, when: input.when });
    saveSub(db, sub);
    return { subscription: outbox(ctx, s, 'subscription.canceled'), documents };
  },

  async 'subscriptions.reactivate'(input, ctx) {
    const s = loadCurrent(ctx, input.id);
    const today = todayOf(ctx);
    const at = nowIso(ctx);
    const sub = s.sub;
    const before = cloneState(s);
    const base = baseStatusAt(s, today);
    let event: string;
    if (base === 'canceled') {
      const from = sub.cancel_at!;
      if (from < today) s.pauses.push({ id: newId(), subscription_id: sub.id, from_date: from, until_date: today, created_at: at });
      sub.bill_from = minDate(sub.bill_from, from);
      sub.cancel_at = null;
      sub.cancel_credit = 'none';
      sub.cancel_reason = null;
      event = 'reactivated';
    } else if (base === 'expired') {
      const from = sub.term_end!;
      if (from < today) s.pauses.push({ id: newId(), subscription_id: sub.id, from_date: from, until_date: today, created_at: at });
      sub.bill_from = minDate(sub.bill_from, from);
      sub.auto_renew = 1;
      event = 'reactivated';
    } else if (sub.cancel_at && sub.cancel_at > today) {
      sub.bill_from = minDate(sub.bill_from, sub.cancel_at);
      sub.cancel_at = null;
      sub.cancel_credit = 'none';
      sub.cancel_reason = null;
      if (sub.trial_end_action === 'cancel') sub.trial_end_action = 'convert';
      event = 'cancel_withdrawn';
    } else throw AppError.conflict('the subscription is neither canceled, expired nor scheduled to end');
    sub.next_billing_date = today;
    sub.version += 1;
    sub.updated_at = at;
    settleAfterChange(ctx.raw, s, today, at, event);
    persist(ctx.raw, before, s);
    return outbox(ctx, s, 'subscription.changed');
  },

  async 'subscriptions.currentUsage'(input, ctx) {
    const s = mustLoadState(ctx.raw, input.id);
    const items = currentUsage(ctx.raw, s, todayOf(ctx));
    return { subscriptionId: s.sub.id, asOf: nowIso(ctx), items, totalMinor: items.reduce((a, i) => a + i.amountMinor, 0) };
  },

  async 'subscriptions.upcomingInvoice'(input, ctx) {
    const s = mustLoadState(ctx.raw, input.id);
    return upcomingInvoice(ctx.raw, s, todayOf(ctx), readBillingSettings(ctx.raw));
  },
};
