/**
 * A subscription as stored (rows) and as the pure billing core sees it (SubscriptionSnapshot), the effective
 * price schedules (priceScheduleFor, with the prices of already billed periods frozen), the existing lines of the
 * window, the usage aggregates and the call to proposeLines.
 */
import {
  addDays, addMonthsClamped, dateParts, daysInMonth, maxDate, proposeLines, resolveSchedule,
  type IntervalChange, type ItemChange, type ItemDiscount, type PricePoint, type ResolvedSchedule, type ProposeResult, type SubscriptionSnapshot, type UsageAggregate,
  usageWindowsDue, type ExistingLine, type IsoDate, type SubscriptionStatus as CoreStatus,
} from '../../../shared/domain/billing';
import { Decimal, dec, decStr, minorUnits } from '../../../shared/domain/money';
import { isTransactionModel, type ChargeModel } from '../../../shared/domain/pricing';
import { AppError } from '../../../shared/api/errors';
import type { SubscriptionStatus } from '../../../shared/api/ops/subscriptions';
import { allocateAccountVolume } from '../../../shared/domain/pricing/volume';
import { quoteSavedBundle } from '../bundles';
import { accountVolumeQuantity, priceScheduleCache, priceScheduleFor, type PricePointRow, type PriceScheduleCache } from '../pricebooks';
import { json, parseJson, st, type Db } from './db';
import { applyWindow } from './window';
import { orderDeliveredItemIds } from '../orders/billing-link';
import { numberingCache, type NumberingCache } from '../numbering';
import { CUSTOMER_COLUMNS, type CustomerRowRaw } from './invoicing';

export interface SubRow {
  id: string;
  customer_id: string;
  currency: string;
  status: SubscriptionStatus;
  start_date: string;
  anchor_day: number;
  interval_months: number;
  /** JSON [{from, intervalMonths}]: switches of the billing interval (migration 0011). */
  interval_changes: string;
  trial_end: string | null;
  trial_end_action: 'convert' | 'cancel';
  term_months: number | null;
  term_end: string | null;
  current_term_end: string | null;
  auto_renew: number;
  renewal_uplift_pct: string;
  notice_days: number;
  cancel_at: string | null;
  cancel_credit: 'none' | 'prorated';
  cancel_reason: string | null;
  proration_policy: 'none' | 'day' | 'second';
  proration_invoicing: 'next_invoice' | 'immediately';
  po_number: string | null;
  buyer_reference: string | null;
  notes: string;
  next_billing_date: string | null;
  bill_from: string;
  status_checked_through: string | null;
  price_locks: string;
  last_run_id: string | null;
  billing_error: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ItemRow {
  id: string;
  subscription_id: string;
  position: number;
  kind: 'recurring' | 'usage';
  role: 'base' | 'addon';
  timing: 'advance' | 'arrears';
  plan_id: string;
  product_id: string;
  description: string;
  quantity: string;
  metric: string | null;
  aggregation: 'sum' | 'count' | 'max' | 'unique_count' | 'last' | null;
  aggregation_property: string | null;
  model: string | null;
  tax_category: string;
  start_date: string | null;
  end_date: string | null;
  created_at: string;
  /** A bundle sold as one item (plan_id is then its first part's plan); priced at the bundle's quote per bundle. */
  bundle_id: string | null;
  /** The discount the item starts with: a percent or an amount off each period (both NULL = none), and its printed reason. */
  discount_percent: string | null;
  discount_amount: string | null;
  discount_reason: string | null;
}

export interface ChangeRow {
  id: string;
  subscription_id: string;
  item_id: string;
  effective_date: string;
  effective_at: string | null;
  quantity: string | null;
  plan_id: string | null;
  product_id: string | null;
  description: string | null;
  tax_category: string | null;
  /** The item's new discount: a percent ('0' = the discount ends) or an amount per period (both NULL = unchanged), and its printed reason. */
  discount_percent: string | null;
  discount_amount: string | null;
  discount_reason: string | null;
  created_at: string;
  canceled_at: string | null;
}

export interface PauseRow {
  id: string;
  subscription_id: string;
  from_date: string;
  until_date: string | null;
  created_at: string;
}

/** Everything stored about one subscription. Mutable copies: changes are applied to a state, then saved. */
export interface SubState {
  sub: SubRow;
  items: ItemRow[];
  changes: ChangeRow[];
  pauses: PauseRow[];
}

// ------------------------------------------------------------------------------------------------ loading

const SQL_SUB = 'SELECT * FROM subscriptions WHERE id = ?';
const SQL_ITEMS = 'SELECT * FROM subscription_items WHERE subscription_id = ? ORDER BY position';
const SQL_CHANGES = 'SELECT * FROM subscription_changes WHERE subscription_id = ? AND canceled_at IS NULL ORDER BY effective_date, created_at, id';
const SQL_PAUSES = 'SELECT * FROM subscription_pauses WHERE subscription_id = ? ORDER BY from_date, id';

export function loadState(db: Db, id: string): SubState | null {
  const sub = st(db, SQL_SUB).get(id) as SubRow | undefined;
  if (!sub) return null;
  return {
    sub,
    items: st(db, SQL_ITEMS).all(id) as ItemRow[],
    changes: st(db, SQL_CHANGES).all(id) as ChangeRow[],
    pauses: st(db, SQL_PAUSES).all(id) as PauseRow[],
  };
}

export function mustLoadState(db: Db, id: string): SubState {
  const s = loadState(db, id);
  if (!s) throw AppError.notFound('subscription', id);
  return s;
}

/** Loads many subscriptions with four queries (the billing run's batches). */
export function loadStates(db: Db, ids: readonly string[]): Map<string, SubState> {
  const out = new Map<string, SubState>();
  if (ids.length === 0) return out;
  const arg = JSON.stringify(ids);
  for (const sub of st(db, 'SELECT * FROM subscriptions WHERE id IN (SELECT value FROM json_each(?))').all(arg) as SubRow[]) {
    out.set(sub.id, { sub, items: [], changes: [], pauses: [] });
  }
  for (const r of st(db, 'SELECT * FROM subscription_items WHERE subscription_id IN (SELECT value FROM json_each(?)) ORDER BY subscription_id, position').all(arg) as ItemRow[]) {
    out.get(r.subscription_id)?.items.push(r);
  }
  for (const r of st(db, 'SELECT * FROM subscription_changes WHERE subscription_id IN (SELECT value FROM json_each(?)) AND canceled_at IS NULL ORDER BY subscription_id, effective_date, created_at, id').all(arg) as ChangeRow[]) {
    out.get(r.subscription_id)?.changes.push(r);
  }
  for (const r of st(db, 'SELECT * FROM subscription_pauses WHERE subscription_id IN (SELECT value FROM json_each(?)) ORDER BY subscription_id, from_date, id').all(arg) as PauseRow[]) {
    out.get(r.subscription_id)?.pauses.push(r);
  }
  return out;
}

export const cloneState = (s: SubState): SubState => ({
  sub: { ...s.sub },
  items: s.items.map((i) => ({ ...i })),
  changes: s.changes.map((c) => ({ ...c })),
  pauses: s.pauses.map((p) => ({ ...p })),
});

// ------------------------------------------------------------------------------------------------ schedule

type ScheduleCols = Pick<SubRow, 'start_date' | 'anchor_day' | 'interval_months'> & { interval_changes?: string | null };

/** The subscription's interval switches, ascending. */
export const intervalChangesOf = (sub: { interval_changes?: string | null }): IntervalChange[] =>
  parseJson<IntervalChange[]>(sub.interval_changes, []).slice().sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));

/** The subscription's billing periods (with its interval switches). */
export const scheduleOfSub = (sub: ScheduleCols): ResolvedSchedule =>
  resolveSchedule({ startDate: sub.start_date, anchorDay: sub.anchor_day, intervalMonths: sub.interval_months, intervalChanges: intervalChangesOf(sub) });

/** The billing interval (months) in force on `date`. */
export function intervalAt(sub: ScheduleCols, date: IsoDate): number {
  let n = sub.interval_months;
  for (const c of intervalChangesOf(sub)) if (c.from <= date) n = c.intervalMonths;
  return n;
}

// ------------------------------------------------------------------------------------------------ terms and status

/** Renewal boundaries of the term: the initial end + j × months (keeping a clamped month-end day), j ≥ 0. */
export function termBoundary(sub: Pick<SubRow, 'term_end' | 'term_months' | 'start_date'>, j: number): IsoDate | null {
  if (!sub.term_end || !sub.term_months) return null;
  const end = sub.term_end;
  const [ey, em, ed] = dateParts(end);
  const startDay = dateParts(sub.start_date)[2];
  const anchor = ed === daysInMonth(ey, em) && startDay > ed ? startDay : ed;
  return addMonthsClamped(`${end.slice(0, 8)}01`, j * sub.term_months, anchor);
}

/** The exclusive end of the term in force on `d` (the renewal date); the initial end when it does not renew. */
export function currentTermEnd(sub: SubRow, d: IsoDate): IsoDate | null {
  if (!sub.term_end || !sub.term_months) return null;
  if (!sub.auto_renew) return sub.term_end;
  for (let j = 0; j < 10_000; j++) {
    const b = termBoundary(sub, j)!;
    if (b > d) return b;
  }
  return null;
}

/** Initial term end for a start date and length (the generator's rule: start + months, clamped). */
export const initialTermEnd = (startDate: IsoDate, months: number): IsoDate => addMonthsClamped(startDate, months);

export type BaseStatus = Exclude<SubscriptionStatus, 'past_due'>;

/** The state on day `d`, from the dates alone (past_due is an overlay decided by dunning). */
export function baseStatusAt(s: SubState, d: IsoDate): BaseStatus {
  const sub = s.sub;
  if (sub.cancel_at && sub.cancel_at <= d) return 'canceled';
  if (sub.term_end && sub.term_months && !sub.auto_renew && sub.term_end <= d) return 'expired';
  if (s.pauses.some((p) => p.from_date <= d && (p.until_date === null || d < p.until_date))) return 'paused';
  if (sub.trial_end && d < sub.trial_end) return 'trial';
  return 'active';
}

/** The stored status a subscription should have on `d`, keeping the past_due overlay on an active one. */
export function statusAt(s: SubState, d: IsoDate, pastDue = s.sub.status === 'past_due'): SubscriptionStatus {
  const base = baseStatusAt(s, d);
  return base === 'active' && pastDue ? 'past_due' : base;
}

const coreStatus = (s: SubscriptionStatus): CoreStatus =>
  s === 'trial' ? 'trialing' : s === 'past_due' ? 'active' : s;

/** Dates (ascending, unique) at which something about the subscription takes effect (status, term, change). */
export function eventDates(s: SubState, after: IsoDate, upTo: IsoDate | null): IsoDate[] {
  const sub = s.sub;
  const ds = new Set<IsoDate>();
  const add = (d: string | null | undefined) => {
    if (d && d > after && (upTo === null || d <= upTo)) ds.add(d);
  };
  add(sub.trial_end);
  add(sub.cancel_at);
  if (sub.term_end && sub.term_months) {
    if (!sub.auto_renew) add(sub.term_end);
    else {
      for (let j = 0; j < 10_000; j++) {
        const b = termBoundary(sub, j)!;
        if (b <= after) continue;
        if (upTo !== null && b > upTo) break;
        add(b);
        if (upTo === null) break;
      }
    }
  }
  for (const p of s.pauses) {
    add(p.from_date);
    add(p.until_date);
  }
  for (const c of s.changes) add(c.effective_date);
  for (const i of s.items) {
    add(i.start_date);
    add(i.end_date);
  }
  return [...ds].sort();
}

/** The first event date after `d` (the billing run must look at the subscription again then), or null. */
export function nextEventDate(s: SubState, d: IsoDate): IsoDate | null {
  const all = eventDates(s, d, null);
  return all.length ? all[0]! : null;
}

// ------------------------------------------------------------------------------------------------ prices

interface PriceLocks {
  /** Periods starting before this day are priced with the locked schedules. */
  until?: string;
  schedules?: Record<string, PricePoint[]>;
}

const priceKeyOf = (item: Pick<ItemRow, 'id' | 'model' | 'plan_id' | 'bundle_id'>): string =>
  item.bundle_id ? `bundle:${item.bundle_id}` : item.model ? `item:${item.id}` : item.plan_id;

/** Entries of `sched` clipped to [lo, hi) (null = unbounded). */
function clip(sched: readonly PricePoint[], lo: IsoDate | null, hi: IsoDate | null): PricePoint[] {
  const out: PricePoint[] = [];
  for (const p of sched) {
    const from = lo !== null && p.validFrom < lo ? lo : p.validFrom;
    const to = hi === null ? p.validTo : p.validTo === null || p.validTo > hi ? hi : p.validTo;
    if (to === null || from < to) out.push({ validFrom: from, validTo: to, model: p.model });
  }
  return out;
}

/** Merges consecutive entries with the same model (keeps locks short). */
function compact(sched: PricePoint[]): PricePoint[] {
  const sorted = [...sched].sort((a, b) => (a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : 0));
  const out: PricePoint[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last && last.validTo === p.validFrom && json(last.model) === json(p.model)) out[out.length - 1] = { ...last, validTo: p.validTo };
    else out.push(p);
  }
  return out;
}

/**
 * Account volume: for a contract price whose volumeScope is 'account' or 'account_hierarchy', the tier is selected by
 * the total quantity of the plan over the account's (hierarchy's) active subscriptions at each period start, and this
 * subscription pays its share (allocateAccountVolume). The entry is replaced, period by period, with a per-unit model
 * at the account's effective unit price (share = unit price × own quantity), from the entry's start to one period past
 * `horizon`; the last computed price stays in force after it (the next run, with a later horizon, recomputes it).
 * Billed periods are frozen by the price locks like any other price.
 */
function accountVolumePoints(db: Db, s: SubState, planId: string, row: PricePointRow, horizon: IsoDate): PricePoint[] {
  const model = row.model;
  const scope = row.volumeScope ?? 'subscription';
  if (scope === 'subscription' || isTransactionModel(model)) return [{ validFrom: row.validFrom, validTo: row.validTo, model }];
  const sub = s.sub;
  const sched = scheduleOfSub(sub);
  const from = maxDate(row.validFrom, sub.start_date);
  if (row.validTo !== null && row.validTo <= from) return [{ validFrom: row.validFrom, validTo: row.validTo, model }];
  const priced = (date: IsoDate): ChargeModel => {
    const own = ownQuantity(s, planId, date);
    const vol = accountVolumeQuantity(db, { customerId: sub.customer_id, planId, date, scope, subscriptionId: sub.id, quantity: own });
    const r = allocateAccountVolume(model, vol.parts, sub.currency, model.rounding);
    const total = dec(r.totalQuantity);
    const mine = r.allocations.find((a) => a.id === sub.id);
    if (total.isZero() || !mine) return { type: 'flat', price: mine ? mine.preciseAmount : '0', ...(model.rounding ? { rounding: model.rounding } : {}) };
    const unit = dec(r.account.preciseAmount).div(total).toDecimalPlaces(10);
    return { type: 'per_unit', unitPrice: decStr(unit), ...(model.rounding ? { rounding: model.rounding } : {}) };
  };
  const out: PricePoint[] = from > row.validFrom ? [{ validFrom: row.validFrom, validTo: from, model }] : [];
  let i = sched.periodContaining(from)?.index ?? 0;
  let start = from;
  for (let n = 0; n < 10_000; n++) {
    const p = sched.periodAt(i++);
    const end = row.validTo !== null && row.validTo < p.end ? row.validTo : p.end;
    const last = start > horizon || (row.validTo !== null && end >= row.validTo);
    out.push({ validFrom: start, validTo: last ? row.validTo : end, model: priced(start) });
    if (last) break;
    start = end;
  }
  return out;
}

/** The subscription's own quantity of `planId` on `date` (recurring items in force, latest dated quantity change). */
function ownQuantity(s: SubState, planId: string, date: IsoDate): string {
  let total = new Decimal(0);
  for (const i of s.items) {
    if (i.kind !== 'recurring' || i.plan_id !== planId || i.bundle_id) continue;
    if (i.start_date && i.start_date > date) continue;
    if (i.end_date && i.end_date <= date) continue;
    let q = i.quantity;
    for (const c of s.changes) if (c.item_id === i.id && c.quantity !== null && c.effective_date <= date) q = c.quantity;
    total = total.plus(dec(q));
  }
  return decStr(total);
}

/** Resolves the price schedules a subscription needs, honouring its price locks. */
export class PriceResolver {
  private readonly locks: PriceLocks;
  private readonly resolved = new Map<string, PricePoint[]>();
  private readonly horizon: IsoDate;
  /** `horizon`: the date billed up to (account volume prices are computed period by period up to it). */
  constructor(private readonly db: Db, private readonly s: SubState, horizon?: IsoDate, private readonly cache?: PriceScheduleCache) {
    this.locks = parseJson<PriceLocks>(s.sub.price_locks, {});
    this.horizon = horizon ?? maxDate(s.sub.bill_from, s.sub.next_billing_date ?? s.sub.bill_from);
  }

  private current(planId: string, model: ChargeModel | null): PricePoint[] {
    if (model) return [{ validFrom: '1900-01-01', validTo: null, model }];
    return priceScheduleFor(this.db, { customerId: this.s.sub.customer_id, planId, currency: this.s.sub.currency }, this.cache)
      .flatMap((p) => accountVolumePoints(this.db, this.s, planId, p, this.horizon));
  }

  /** The effective schedule: locked entries before `until`, today's prices after. */
  schedule(key: string, planId: string, model: ChargeModel | null): PricePoint[] {
    const hit = this.resolved.get(key);
    if (hit) return hit;
    const cur = this.current(planId, model);
    const until = this.locks.until ?? null;
    const locked = this.locks.schedules?.[key];
    const eff = until && locked ? [...clip(locked, null, until), ...clip(cur, until, null)] : cur;
    this.resolved.set(key, eff);
    return eff;
  }

  forItem(item: ItemRow): PricePoint[] {
    if (item.bundle_id) return this.forBundle(item.bundle_id);
    return this.schedule(priceKeyOf(item), item.plan_id, item.model ? (JSON.parse(item.model) as ChargeModel) : null);
  }

  /**
   * A bundle item: a per-unit model at bundles.quote's total for one bundle in the subscription's currency (the
   * bundle price, or the parts' list prices less the discount), so quantity = number of bundles. Locked like a plan.
   */
  forBundle(bundleId: string): PricePoint[] {
    const key = `bundle:${bundleId}`;
    const hit = this.resolved.get(key);
    if (hit) return hit;
    const q = quoteSavedBundle(this.db, bundleId, this.s.sub.currency);
    const unitPrice = decStr(new Decimal(q.totalMinor).div(new Decimal(10).pow(minorUnits(this.s.sub.currency))));
    return this.schedule(key, '', { type: 'per_unit', unitPrice });
  }

  forPlan(planId: string): PricePoint[] {
    return this.schedule(planId, planId, null);
  }

  /** The locks after billing through `targetDate`: periods starting on or before it keep today's prices. */
  lockedThrough(targetDate: IsoDate): string {
    const until = maxDate(this.locks.until ?? '0000-01-01', addDays(targetDate, 1));
    const schedules: Record<string, PricePoint[]> = {};
    for (const [key, eff] of this.resolved) schedules[key] = compact(clip(eff, null, until));
    for (const [key, old] of Object.entries(this.locks.schedules ?? {})) if (!schedules[key]) schedules[key] = old;
    return json({ until, schedules });
  }
}

// ------------------------------------------------------------------------------------------------ snapshot

/** A stored discount (percent or amount, reason) as the generator's ItemDiscount; null for none (both NULL, or percent '0'). */
export function discountOf(percent: string | null | undefined, amount: string | null | undefined, reason: string | null | undefined): ItemDiscount | null {
  if (amount) return { amount, reason: reason ?? null };
  if (percent === null || percent === undefined || Number(percent) === 0) return null;
  return { percent, reason: reason ?? null };
}

export function toSnapshot(s: SubState, prices: PriceResolver): SubscriptionSnapshot {
  const sub = s.sub;
  const byId = new Map(s.items.map((i) => [i.id, i]));
  const changes: ItemChange[] = [];
  for (const c of s.changes) {
    if (!byId.has(c.item_id)) continue;
    changes.push({
      id: c.id,
      itemId: c.item_id,
      effectiveDate: c.effective_date,
      ...(c.effective_at ? { effectiveAt: c.effective_at } : {}),
      ...(c.quantity !== null ? { quantity: c.quantity } : {}),
      ...(c.plan_id ? { planId: c.plan_id, priceSchedule: prices.forPlan(c.plan_id) } : {}),
      ...(c.product_id ? { productId: c.product_id } : {}),
      ...(c.description ? { description: c.description } : {}),
      ...(c.tax_category ? { taxCategory: c.tax_category } : {}),
      ...(c.discount_percent !== null || c.discount_amount !== null ? { discount: discountOf(c.discount_percent, c.discount_amount, c.discount_reason) } : {}),
    });
  }
  return {
    id: sub.id,
    customerId: sub.customer_id,
    currency: sub.currency,
    startDate: sub.start_date,
    anchorDay: sub.anchor_day,
    intervalMonths: sub.interval_months,
    intervalChanges: intervalChangesOf(sub),
    alignment: 'prorate',
    status: coreStatus(sub.status),
    trialEnd: sub.trial_end,
    pauses: s.pauses.map((p) => ({ from: p.from_date, until: p.until_date })),
    cancelAt: sub.cancel_at,
    cancelCredit: sub.cancel_credit,
    term: sub.term_months && sub.term_end
      ? { months: sub.term_months, endDate: sub.term_end, autoRenew: !!sub.auto_renew, renewalUpliftPct: sub.renewal_uplift_pct }
      : null,
    items: s.items.map((i) => ({
      id: i.id,
      kind: i.kind,
      timing: i.timing,
      planId: i.plan_id,
      productId: i.product_id,
      description: i.description,
      quantity: i.quantity,
      priceSchedule: prices.forItem(i),
      ...(i.metric ? { metric: i.metric } : {}),
      ...(i.aggregation ? { aggregation: i.aggregation } : {}),
      taxCategory: i.tax_category,
      startDate: i.start_date,
      endDate: i.end_date,
      discount: discountOf(i.discount_percent, i.discount_amount, i.discount_reason),
    })),
    changes,
    prorationPolicy: sub.proration_policy,
  };
}

// ------------------------------------------------------------------------------------------------ existing lines and usage

/** Lines already billed for the subscription in the window (credit notes count negative). */
export function existingLines(db: Db, subscriptionId: string, windowStart: IsoDate | null, batch?: BatchLookups): ExistingLine[] {
  const pre = batch && windowStart !== null && windowStart >= batch.billedFrom ? batch.billedLines.get(subscriptionId) : undefined;
  const rows = pre
    ? pre.filter((r) => r.e! > windowStart!)
    : (st(db, `SELECT l.line_key AS k, l.amount_minor AS a, i.kind AS kind FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
      WHERE l.subscription_id = ? AND l.line_key IS NOT NULL AND l.billed = 1 AND l.period_end > ?`).all(subscriptionId, windowStart ?? '0000-01-01') as BilledLine[]);
  return rows.map((r) => ({ key: r.k, amountMinor: r.kind === 'credit_note' ? -r.a : r.a }));
}

interface BilledLine {
  k: string;
  a: number;
  kind: string;
  /** period_end (only read by the batch query). */
  e?: string;
}

export interface Aggregated {
  quantity: string;
  records: number;
  transactions?: string[];
}

/** Aggregates an item's usage records in [from, to) (dates; `to` exclusive). */
export function aggregateUsage(
  db: Db, item: Pick<ItemRow, 'id' | 'aggregation' | 'aggregation_property'>, from: IsoDate, to: IsoDate, wantTransactions: boolean,
): Aggregated {
  const agg = item.aggregation ?? 'sum';
  if (agg === 'count') {
    const { n } = st(db, 'SELECT COUNT(*) AS n FROM usage_records WHERE item_id = ? AND occurred_at >= ? AND occurred_at < ?').get(item.id, from, to) as { n: number };
    return { quantity: String(n), records: n };
  }
  if (agg === 'unique_count') {
    const path = `$."${(item.aggregation_property ?? '').replace(/"/g, '')}"`;
    const r = st(db, `SELECT COUNT(DISTINCT json_extract(properties, ?)) AS u, COUNT(*) AS n FROM usage_records WHERE item_id = ? AND occurred_at >= ? AND occurred_at < ?`)
      .get(path, item.id, from, to) as { u: number; n: number };
    return { quantity: String(r.u), records: r.n };
  }
  if (agg === 'last') {
    const r = st(db, 'SELECT quantity FROM usage_records WHERE item_id = ? AND occurred_at >= ? AND occurred_at < ? ORDER BY occurred_at DESC, id DESC LIMIT 1').get(item.id, from, to) as { quantity: string } | undefined;
    const { n } = st(db, 'SELECT COUNT(*) AS n FROM usage_records WHERE item_id = ? AND occurred_at >= ? AND occurred_at < ?').get(item.id, from, to) as { n: number };
    return { quantity: r ? decStr(dec(r.quantity)) : '0', records: n };
  }
  const rows = st(db, 'SELECT quantity FROM usage_records WHERE item_id = ? AND occurred_at >= ? AND occurred_at < ? ORDER BY occurred_at, id').all(item.id, from, to) as { quantity: string }[];
  return { quantity: sumOrMax(rows, agg === 'max'), records: rows.length, ...(wantTransactions && agg === 'sum' ? { transactions: rows.map((r) => r.quantity) } : {}) };
}

const INTEGER = /^-?\d{1,15}$/;

/** The sum (or the maximum, at least 0) of usage quantities: in integers when they all are (the usual case), else decimals. */
export function sumOrMax(rows: readonly { quantity: string }[], max: boolean): string {
  let n = 0;
  let exact = true;
  for (const r of rows) {
    if (!INTEGER.test(r.quantity)) {
      exact = false;
      break;
    }
    n = max ? Math.max(n, Number(r.quantity)) : n + Number(r.quantity);
    if (!Number.isSafeInteger(n)) {
      exact = false;
      break;
    }
  }
  if (exact) return String(n === 0 ? 0 : n);
  let acc = new Decimal(0);
  for (const r of rows) {
    const q = dec(r.quantity);
    acc = max ? (q.gt(acc) ? q : acc) : acc.plus(q);
  }
  return decStr(acc);
}

const modelAt = (sched: readonly PricePoint[], date: IsoDate): ChargeModel | null => {
  let best: PricePoint | null = null;
  for (const p of sched) if (p.validFrom <= date && (p.validTo === null || date < p.validTo) && (!best || p.validFrom > best.validFrom)) best = p;
  return best?.model ?? null;
};

export const isTransactionPriced = (sched: readonly PricePoint[], date: IsoDate): boolean => {
  const m = modelAt(sched, date);
  return !!m && isTransactionModel(m);
};

// ------------------------------------------------------------------------------------------------ proposal

export interface Proposal {
  result: ProposeResult;
  snapshot: SubscriptionSnapshot;
  windowStart: IsoDate | null;
  existing: ExistingLine[];
  prices: PriceResolver;
}

export interface ProposeOptions {
  /** Lines already billed (default: read from the store for the window). */
  existing?: ExistingLine[];
  /** Override the settled point (default: the subscription's bill_from). */
  billFrom?: IsoDate | null;
  prices?: PriceResolver;
  rounding?: 'half_up' | 'half_even';
  /** Lookups shared within the caller's transaction (the billing run's batch). */
  batch?: BatchLookups;
}

/**
 * What the billing run looks up once for a whole batch (one transaction, a consistent store): price schedules and the
 * order-delivered items of the batch's subscriptions.
 */
export interface BatchLookups {
  prices: PriceScheduleCache;
  /** Item ids delivered by recurring orders, over every subscription of the batch. */
  delivered: ReadonlySet<string>;
  /** Number series lookups (the batch's finalizations). */
  numbering: NumberingCache;
  /** The batch's customers (their billing columns), read once. */
  customers: Map<string, CustomerRowRaw>;
  /**
   * Billed lines of the batch's subscriptions ending after each one's settled point (bill_from), by subscription: one
   * query per batch; existingLines filters them by the window, which starts on or before bill_from.
   */
  billedLines: Map<string, BilledLine[]>;
  /** billedLines holds every billed line ending after this date (a window starting earlier reads the store). */
  billedFrom: IsoDate;
}

/**
 * `cacheCounters`: the caller rolls back the whole transaction on any failure (no savepoints), so number counters may
 * be cached within it (see NumberingCache.counters).
 */
export function batchLookups(db: Db, batch: Iterable<SubState>, o: { cacheCounters?: boolean } = {}): BatchLookups {
  // walked several times below (an iterator, such as a Map's values(), only once)
  const states = [...batch];
  const subs: string[] = [];
  const customers = new Set<string>();
  for (const s of states) {
    subs.push(s.sub.id);
    customers.add(s.sub.customer_id);
  }
  const ids = [...customers];
  const billedLines = new Map<string, BilledLine[]>();
  for (const s of states) billedLines.set(s.sub.id, []);
  // From before the earliest window start any of them should have (the period containing bill_from starts less than
  // one billing interval before it); existingLines checks the window against billedFrom anyway.
  let from: IsoDate | null = null;
  for (const s of states) {
    const longest = Math.max(s.sub.interval_months, ...intervalChangesOf(s.sub).map((c) => c.intervalMonths));
    const lo = addMonthsClamped(s.sub.bill_from, -longest - 1);
    if (from === null || lo < from) from = lo;
  }
  const billed = st(db, `SELECT l.subscription_id AS s, l.line_key AS k, l.amount_minor AS a, i.kind AS kind, l.period_end AS e FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
      WHERE l.subscription_id IN (SELECT value FROM json_each(?)) AND l.line_key IS NOT NULL AND l.billed = 1 AND l.period_end > ?`).all(JSON.stringify(subs), from ?? '0000-01-01') as (BilledLine & { s: string })[];
  for (const r of billed) billedLines.get(r.s)?.push(r);
  const rows = st(db, `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as CustomerRowRaw[];
  return {
    prices: priceScheduleCache(db, ids), delivered: orderDeliveredItemIds(db, subs), numbering: numberingCache(o),
    customers: new Map(rows.map((c) => [c.id, c])), billedLines, billedFrom: from ?? '0000-01-01',
  };
}

/**
 * Physical items that recurring orders deliver are charged by their orders (per delivery, per cycle or on shipment:
 * main/services/orders/billing-link.ts), never as recurring fees as well.
 */
function withoutOrderDeliveredItems(db: Db, snap: SubscriptionSnapshot, known?: ReadonlySet<string>): SubscriptionSnapshot {
  const delivered = known ?? orderDeliveredItemIds(db, [snap.id]);
  if (delivered.size === 0) return snap;
  return { ...snap, items: snap.items.filter((i) => !delivered.has(i.id)), changes: (snap.changes ?? []).filter((c) => !delivered.has(c.itemId)) };
}

/** Every line due by `targetDate` that is not billed yet (windowed), with the next date something is due. */
export function propose(db: Db, s: SubState, targetDate: IsoDate, opts: ProposeOptions = {}): Proposal {
  const prices = opts.prices ?? new PriceResolver(db, s, targetDate, opts.batch?.prices);
  const full = withoutOrderDeliveredItems(db, toSnapshot(s, prices), opts.batch?.delivered);
  const { snapshot, windowStart } = applyWindow(full, opts.billFrom === undefined ? s.sub.bill_from : opts.billFrom);
  const existing = opts.existing ?? existingLines(db, s.sub.id, windowStart, opts.batch);
  // Every usage window of the visited periods, billed ones included: the generator compares what a billed period
  // should cost with what was billed (late usage is trued up), so it needs the aggregate of each.
  const windows = usageWindowsDue([snapshot], targetDate, []);
  const usage: UsageAggregate[] = [];
  if (windows.length) {
    const itemById = new Map(s.items.map((i) => [i.id, i]));
    const snapItem = new Map(snapshot.items.map((i) => [i.id, i]));
    for (const w of windows) {
      const item = itemById.get(w.itemId)!;
      const a = aggregateUsage(db, item, w.periodStart, w.periodEnd, isTransactionPriced(snapItem.get(w.itemId)!.priceSchedule, w.periodStart));
      usage.push({ subscriptionId: s.sub.id, itemId: w.itemId, periodStart: w.periodStart, periodEnd: w.periodEnd, quantity: a.quantity, ...(a.transactions ? { transactions: a.transactions } : {}) });
    }
  }
  const result = proposeLines({ subscriptions: [snapshot], usage, existing, targetDate, ...(opts.rounding ? { rounding: opts.rounding } : {}) });
  return { result, snapshot, windowStart, existing, prices };
}
