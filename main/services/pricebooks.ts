/**
 * Effective prices: what billing uses for a customer's plan in a currency over time — the customer's contract prices
 * (price book versions, table price_book_entries of migration 0003) where they are in force, the plan's catalog price
 * in the gaps — and the pricebooks.* handlers that maintain them.
 *
 * Versioning: a version row is never edited except to close its validity (a price change) or to mark it superseded
 * (a correction, or an end): every change inserts a new version with the next number of the same entry_id.
 * Raw better-sqlite3 on purpose: statements run inside the operation's transaction (ctx.raw is the same connection).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { AppError, type FieldIssue } from '../../shared/api/errors';
import type { EffectivePrice, PriceBookEntry, PriceBookPatch } from '../../shared/api/ops/pricebooks';
import type { ChargeModel } from '../../shared/api/ops/pricing';
import { dec, decStr, ZERO } from '../../shared/domain/money';
import { priceCharge } from '../../shared/domain/pricing';
import { contractModel, contractTermsIssues, type ContractKind, mergeSchedule, pointAt, type SchedulePoint, windowContains, windowsOverlap } from '../../shared/domain/pricing/contract';
import type { VolumePart, VolumeScope } from '../../shared/domain/pricing/volume';
import { newId } from '../platform/ids';
import { enqueueOutbox } from '../sync/outbox';
import { type HandlerMap, nowIso, type ServiceContext } from './context';
import { CUSTOMER_REFERENCES } from './customers';

CUSTOMER_REFERENCES.push({ table: 'price_book_entries', column: 'customer_id', label: 'contract prices' });

export interface PricePointRow {
  validFrom: string; // YYYY-MM-DD
  validTo: string | null; // exclusive
  model: ChargeModel;
  /** Where the price comes from: 'catalog' or a price book version id. */
  source: string;
  /** The contract price (all its versions share it); null for the catalog. */
  entryId?: string | null;
  kind?: ContractKind | null;
  /** Which quantity selects the tier (see accountVolumeQuantity). */
  volumeScope?: VolumeScope;
}

type PricebookOps =
  | 'pricebooks.list' | 'pricebooks.get' | 'pricebooks.create' | 'pricebooks.update' | 'pricebooks.end'
  | 'pricebooks.history' | 'pricebooks.effectivePrice' | 'pricebooks.schedule' | 'pricebooks.preview';

interface Row {
  id: string;
  entry_id: string;
  version: number;
  customer_id: string;
  plan_id: string;
  currency: string;
  kind: ContractKind;
  model: string | null;
  discount_percent: string | null;
  volume_scope: VolumeScope;
  valid_from: string;
  valid_to: string | null;
  note: string;
  status: 'active' | 'superseded';
  change: PriceBookEntry['change'];
  previous_id: string | null;
  replaced_by: string | null;
  created_at: string;
  updated_at: string;
  plan_code: string;
  plan_name: string;
}

interface Terms {
  kind: ContractKind;
  model: ChargeModel | null;
  discountPercent: string | null;
  volumeScope: VolumeScope;
  validFrom: string;
  validTo: string | null;
  note: string;
}

const SELECT = `SELECT e.*, p.code AS plan_code, p.name AS plan_name FROM price_book_entries e JOIN plans p ON p.id = e.plan_id`;

export const todayOf = (ctx: { clock: { now(): Date } }): string => ctx.clock.now().toISOString().slice(0, 10);

const tableCache = new WeakMap<BetterSqlite3.Database, Map<string, string[]>>();
/** Column names of a table, or null when it does not exist (cached per connection once found). */
function columnsOf(raw: BetterSqlite3.Database, table: string): string[] | null {
  let m = tableCache.get(raw);
  if (!m) tableCache.set(raw, (m = new Map()));
  const hit = m.get(table);
  if (hit) return hit;
  const cols = (raw.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name);
  if (cols.length === 0) return null;
  m.set(table, cols);
  return cols;
}

function toEntry(r: Row, today: string): PriceBookEntry {
  const timing: PriceBookEntry['timing'] =
    r.status === 'superseded' ? 'superseded' : r.valid_to !== null && r.valid_to <= today ? 'past' : r.valid_from > today ? 'future' : 'current';
  return {
    id: r.id, entryId: r.entry_id, version: r.version, customerId: r.customer_id, planId: r.plan_id, planCode: r.plan_code, planName: r.plan_name,
    currency: r.currency, kind: r.kind, model: r.model === null ? null : (JSON.parse(r.model) as ChargeModel), discountPercent: r.discount_percent,
    volumeScope: r.volume_scope, validFrom: r.valid_from, validTo: r.valid_to, note: r.note, status: r.status, change: r.change, timing,
    previousId: r.previous_id, replacedBy: r.replaced_by, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

const termsOf = (r: Row): Terms => ({
  kind: r.kind, model: r.model === null ? null : (JSON.parse(r.model) as ChargeModel), discountPercent: r.discount_percent,
  volumeScope: r.volume_scope, validFrom: r.valid_from, validTo: r.valid_to, note: r.note,
});

interface PlanInfo { code: string; name: string; prices: { currency: string; model: ChargeModel }[] }

function planInfo(raw: BetterSqlite3.Database, planId: string): PlanInfo | null {
  const p = raw.prepare('SELECT code, name, prices FROM plans WHERE id = ?').get(planId) as { code: string; name: string; prices: string } | undefined;
  return p ? { code: p.code, name: p.name, prices: JSON.parse(p.prices) as PlanInfo['prices'] } : null;
}
const catalogModelIn = (plan: PlanInfo, currency: string): ChargeModel | null => plan.prices.find((x) => x.currency === currency)?.model ?? null;

function loadRow(raw: BetterSqlite3.Database, id: string): Row {
  const r = raw.prepare(`${SELECT} WHERE e.id = ?`).get(id) as Row | undefined;
  if (!r) throw AppError.notFound('contract price', id);
  return r;
}

function activeRows(raw: BetterSqlite3.Database, t: { customerId: string; planId: string; currency: string }): Row[] {
  if (!columnsOf(raw, 'price_book_entries')) return [];
  return raw
    .prepare(`${SELECT} WHERE e.customer_id = ? AND e.plan_id = ? AND e.currency = ? AND e.status = 'active' ORDER BY e.valid_from`)
    .all(t.customerId, t.planId, t.currency) as Row[];
}

const fmtWindow = (w: { validFrom: string; validTo: string | null }) => `${w.validFrom} → ${w.validTo ?? 'open-ended'}`;

/**
 * A 409 when `w` overlaps an active version of the same (customer, plan, currency) other than `except`; the field named
 * is validFrom when w starts inside the other window, validTo otherwise.
 */
function assertNoOverlap(raw: BetterSqlite3.Database, t: { customerId: string; planId: string; currency: string }, w: { validFrom: string; validTo: string | null }, except: string[], prefix = ''): void {
  const other = activeRows(raw, t).find((r) => !except.includes(r.id) && windowsOverlap(w, { validFrom: r.valid_from, validTo: r.valid_to }));
  if (!other) return;
  const field = windowContains({ validFrom: other.valid_from, validTo: other.valid_to }, w.validFrom) ? 'validFrom' : 'validTo';
  const message = `overlaps the contract price for ${other.plan_code} in ${other.currency} valid ${fmtWindow({ validFrom: other.valid_from, validTo: other.valid_to })} (version ${other.version}); end or change that one first`;
  throw new AppError('CONFLICT', `${prefix}${field}: ${message}`, { fields: [{ path: `${prefix}${field}`, message }], conflictingId: other.id });
}

function termIssues(t: Terms, prefix: string): FieldIssue[] {
  return contractTermsIssues(t).map((i) => ({ path: prefix + i.path, message: i.message }));
}
function throwIssues(issues: FieldIssue[]): void {
  if (issues.length === 0) return;
  const first = issues[0]!;
  throw new AppError('VALIDATION', `Invalid ${first.path}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`, { fields: issues });
}

function checkDiscountable(plan: PlanInfo, currency: string, t: Terms, path: string): void {
  if (t.kind === 'discount' && !catalogModelIn(plan, currency)) {
    throwIssues([{ path, message: `plan ${plan.code} has no catalog price in ${currency} to discount: give a fixed price or a model instead (Cadence never converts currencies)` }]);
  }
}

function insertVersion(raw: BetterSqlite3.Database, v: {
  id: string; entryId: string; version: number; customerId: string; planId: string; currency: string; terms: Terms;
  change: PriceBookEntry['change']; previousId: string | null; now: string;
}): void {
  const t = v.terms;
  raw.prepare(
    `INSERT INTO price_book_entries (id, entry_id, version, customer_id, plan_id, currency, kind, model, discount_percent, volume_scope, valid_from, valid_to, note, status, change, previous_id, replaced_by, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, NULL, ?, ?)`,
  ).run(v.id, v.entryId, v.version, v.customerId, v.planId, v.currency, t.kind, t.kind === 'discount' ? null : JSON.stringify(t.model), t.kind === 'discount' ? t.discountPercent : null,
    t.volumeScope, t.validFrom, t.validTo, t.note, v.change, v.previousId, v.now, v.now);
}

function outbox(ctx: ServiceContext, entry: PriceBookEntry, eventType: string, previous?: PriceBookEntry): void {
  enqueueOutbox(ctx.raw, nowIso(ctx), { aggregateType: 'price_book', aggregateId: entry.entryId, eventType, payload: previous ? { ...entry, previous } : entry });
}

/**
 * Writes the next version of `old`'s entry. closeAt null: `old` is superseded (a correction or an end); a date: `old`
 * stays in force with its validity closed there (a price change from that date).
 */
function writeNextVersion(ctx: ServiceContext, old: Row, terms: Terms, change: PriceBookEntry['change'], closeAt: string | null): PriceBookEntry {
  const raw = ctx.raw;
  const now = nowIso(ctx);
  const id = newId();
  const { v } = raw.prepare('SELECT MAX(version) AS v FROM price_book_entries WHERE entry_id = ?').get(old.entry_id) as { v: number };
  if (closeAt === null) raw.prepare(`UPDATE price_book_entries SET status = 'superseded', updated_at = ? WHERE id = ?`).run(now, old.id);
  else raw.prepare(`UPDATE price_book_entries SET valid_to = ?, updated_at = ? WHERE id = ?`).run(closeAt, now, old.id);
  insertVersion(raw, { id, entryId: old.entry_id, version: v + 1, customerId: old.customer_id, planId: old.plan_id, currency: old.currency, terms, change, previousId: old.id, now });
  raw.prepare(`UPDATE price_book_entries SET replaced_by = ? WHERE id = ?`).run(id, old.id);
  const today = todayOf(ctx);
  const entry = toEntry(loadRow(raw, id), today);
  outbox(ctx, entry, change === 'ended' ? 'price_book.ended' : 'price_book.updated', toEntry(loadRow(raw, old.id), today));
  return entry;
}

function assertActive(r: Row): void {
  if (r.status === 'superseded') {
    throw AppError.conflict(`version ${r.version} of the contract price for ${r.plan_code} in ${r.currency} was already replaced (by ${r.replaced_by}); reload and apply your change again`, { replacedBy: r.replaced_by });
  }
}

/** A schedule point whose source is the contract version row (null: the catalog). */
type Point = SchedulePoint<Row | null> & { model: ChargeModel };

/**
 * Lookups shared by many priceScheduleFor calls within ONE transaction (the billing run's batch: it reads a consistent
 * store, so nothing inside it can change a plan or a contract price): plans by id, the customers that have active
 * contract prices (when known, the others skip that query), and the resulting schedules.
 */
export interface PriceScheduleCache {
  plans: Map<string, PlanInfo | null>;
  contractCustomers: Set<string> | null;
  schedules: Map<string, PricePointRow[]>;
}

/** A cache for one transaction; `customerIds`: the customers it will be asked about (their contracts are looked up at once). */
export function priceScheduleCache(raw: BetterSqlite3.Database, customerIds?: readonly string[]): PriceScheduleCache {
  let contractCustomers: Set<string> | null = null;
  if (customerIds) {
    if (!columnsOf(raw, 'price_book_entries')) contractCustomers = new Set();
    else {
      const rows = raw.prepare(`SELECT DISTINCT customer_id AS c FROM price_book_entries WHERE status = 'active' AND customer_id IN (SELECT value FROM json_each(?))`)
        .all(JSON.stringify(customerIds)) as { c: string }[];
      contractCustomers = new Set(rows.map((r) => r.c));
    }
  }
  return { plans: new Map(), contractCustomers, schedules: new Map() };
}

/** The catalog + contract schedule of (customer, plan, currency). */
function scheduleOf(raw: BetterSqlite3.Database, t: { customerId: string; planId: string; currency: string }, cache?: PriceScheduleCache): { plan: PlanInfo; catalog: ChargeModel | null; points: Point[] } {
  let plan: PlanInfo | null | undefined = cache?.plans.get(t.planId);
  if (plan === undefined) {
    plan = planInfo(raw, t.planId);
    cache?.plans.set(t.planId, plan);
  }
  if (!plan) throw AppError.notFound('plan', t.planId);
  const catalog = catalogModelIn(plan, t.currency);
  const noContracts = cache?.contractCustomers ? !cache.contractCustomers.has(t.customerId) : false;
  const windows = (noContracts ? [] : activeRows(raw, t)).map((r): Point => {
    if (r.kind === 'discount' && !catalog) {
      throw AppError.validation('currency', `plan ${plan.code} has no catalog price in ${t.currency} any more: the contract discount (version ${r.version}, ${fmtWindow({ validFrom: r.valid_from, validTo: r.valid_to })}) has nothing to discount`);
    }
    return { validFrom: r.valid_from, validTo: r.valid_to, model: contractModel(termsOf(r), catalog) as ChargeModel, source: r };
  });
  return { plan, catalog, points: mergeSchedule(catalog ? { model: catalog, source: null } : null, windows) as Point[] };
}

const noPrice = (plan: PlanInfo, currency: string) =>
  AppError.validation('currency', `plan ${plan.code} has no price in ${currency} (Cadence never converts currencies silently)`);

/**
 * The full price schedule of a customer's plan in a currency: contract windows where they are in force, the catalog
 * price (from 1900-01-01, open-ended) in the gaps. Billing uses it. Throws 422 when there is no price at all.
 */
export function priceScheduleFor(raw: BetterSqlite3.Database, args: { customerId: string; planId: string; currency: string }, cache?: PriceScheduleCache): PricePointRow[] {
  const key = `${args.customerId}|${args.planId}|${args.currency}`;
  const hit = cache?.schedules.get(key);
  if (hit) return hit;
  const { plan, points } = scheduleOf(raw, args, cache);
  if (points.length === 0) throw noPrice(plan, args.currency);
  const out = points.map(({ validFrom, validTo, model, source: row }) => ({
    validFrom, validTo, model, source: row?.id ?? 'catalog', entryId: row?.entry_id ?? null, kind: row?.kind ?? null, volumeScope: row?.volume_scope ?? 'subscription',
  }));
  cache?.schedules.set(key, out);
  return out;
}

/** The price in force on `date` and where it comes from. 422 when nothing is in force (no catalog price in the currency). */
export function effectivePrice(raw: BetterSqlite3.Database, args: { customerId: string; planId: string; currency: string; date: string }): EffectivePrice {
  const { plan, catalog, points } = scheduleOf(raw, args);
  const p = pointAt(points, args.date);
  const row = p?.source ?? null;
  if (!p) {
    if (points.length === 0) throw noPrice(plan, args.currency);
    throw AppError.validation('date', `no price for plan ${plan.code} in ${args.currency} is in force on ${args.date}: the plan has no catalog price in ${args.currency} and no contract price covers that day`);
  }
  return {
    customerId: args.customerId, planId: args.planId, currency: args.currency, date: args.date,
    source: row ? 'price_book' : 'catalog', entryId: row?.entry_id ?? null, versionId: row?.id ?? null, kind: row?.kind ?? null,
    discountPercent: row?.discount_percent ?? null, volumeScope: row?.volume_scope ?? 'subscription', model: p.model, catalogModel: catalog,
    validFrom: p.validFrom, validTo: p.validTo,
  };
}

// ------------------------------------------------------------------------------------------ account volume

/** The customers whose subscriptions count for a volume scope: the account, or its whole hierarchy (root and every descendant). */
export function volumeAccounts(raw: BetterSqlite3.Database, customerId: string, scope: VolumeScope): string[] {
  if (scope !== 'account_hierarchy') return [customerId];
  let root = customerId;
  for (let depth = 0; depth < 50; depth++) {
    const p = raw.prepare('SELECT parent_id FROM customers WHERE id = ?').get(root) as { parent_id: string | null } | undefined;
    if (!p?.parent_id) break;
    root = p.parent_id;
  }
  const rows = raw.prepare(
    `WITH RECURSIVE tree(id, depth) AS (SELECT ?, 0 UNION SELECT c.id, t.depth + 1 FROM customers c JOIN tree t ON c.parent_id = t.id WHERE t.depth < 50)
     SELECT id FROM tree ORDER BY id`,
  ).all(root) as { id: string }[];
  return rows.map((r) => r.id);
}

const pick = (cols: string[], names: string[]): string | undefined => names.find((n) => cols.includes(n));

/**
 * Quantities of the plan's active subscriptions of `customerIds` on `date`, read from the billing tables when they exist
 * (subscriptions + subscription_items, or subscriptions with plan_id/quantity); null when those tables do not exist yet.
 */
function subscriptionQuantities(raw: BetterSqlite3.Database, customerIds: string[], planId: string, date: string): VolumePart[] | null {
  const subs = columnsOf(raw, 'subscriptions');
  if (!subs || !subs.includes('id') || !subs.includes('customer_id')) return null;
  const items = columnsOf(raw, 'subscription_items');
  const where: string[] = [`s.customer_id IN (${customerIds.map(() => '?').join(',')})`];
  const params: unknown[] = [...customerIds];
  let from: string;
  let idExpr: string;
  let qtyExpr: string;
  const qtyParams: unknown[] = [];
  const dated = (alias: string, cols: string[]) => {
    const start = pick(cols, ['start_date', 'started_at', 'start_at']);
    if (start) { where.push(`(${alias}.${start} IS NULL OR substr(${alias}.${start}, 1, 10) <= ?)`); params.push(date); }
    for (const end of ['end_date', 'ended_at', 'cancel_at', 'canceled_at', 'cancelled_at'].filter((c) => cols.includes(c))) {
      where.push(`(${alias}.${end} IS NULL OR substr(${alias}.${end}, 1, 10) > ?)`);
      params.push(date);
    }
  };
  if (items && ['subscription_id', 'plan_id', 'quantity'].every((c) => items.includes(c))) {
    from = 'subscriptions s JOIN subscription_items i ON i.subscription_id = s.id';
    where.push('i.plan_id = ?');
    params.push(planId);
    if (items.includes('kind')) where.push(`i.kind <> 'usage'`);
    if (items.includes('bundle_id')) where.push('i.bundle_id IS NULL');
    dated('i', items);
    idExpr = 's.id';
    const changes = columnsOf(raw, 'subscription_changes');
    if (changes && ['item_id', 'quantity', 'effective_date'].every((c) => changes.includes(c))) {
      // the quantity in force on `date`: the latest dated change of the item, else the item's own
      qtyExpr = `COALESCE((SELECT c.quantity FROM subscription_changes c WHERE c.item_id = i.id AND c.quantity IS NOT NULL AND c.effective_date <= ?${changes.includes('canceled_at') ? ' AND c.canceled_at IS NULL' : ''} ORDER BY c.effective_date DESC${changes.includes('created_at') ? ', c.created_at DESC' : ''} LIMIT 1), i.quantity)`;
      qtyParams.push(date);
    } else qtyExpr = 'i.quantity';
  } else if (subs.includes('plan_id') && subs.includes('quantity')) {
    from = 'subscriptions s';
    where.push('s.plan_id = ?');
    params.push(planId);
    idExpr = 's.id';
    qtyExpr = 's.quantity';
  } else return null;
  if (subs.includes('status')) where.push(`s.status IN ('active', 'past_due')`);
  dated('s', subs);
  const rows = raw.prepare(`SELECT ${idExpr} AS id, ${qtyExpr} AS quantity FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${idExpr}`).all(...qtyParams, ...params) as { id: string; quantity: string | number | null }[];
  const byId = new Map<string, VolumePart>();
  for (const r of rows) {
    const prev = byId.get(r.id);
    const q = decStr(String(r.quantity ?? '0'));
    byId.set(r.id, { id: r.id, quantity: prev ? decStr(dec(prev.quantity).plus(q)) : q });
  }
  return [...byId.values()];
}

const canonical = (parts: VolumePart[]): string => decStr(parts.reduce((a, p) => a.plus(p.quantity), ZERO));

export interface AccountVolume {
  scope: VolumeScope;
  /** Sum of the parts' quantities: the quantity that selects the tier. */
  totalQuantity: string;
  /** Each subscription's quantity (feed them to allocateAccountVolume in shared/domain/pricing/volume.ts). */
  parts: VolumePart[];
  customerIds: string[];
  /** 'subscriptions' when read from the billing tables, 'own' when only the given subscription's quantity counts. */
  basis: 'subscriptions' | 'own';
}

/**
 * The quantity that selects the tier for a subscription of `planId` under a volume scope: its own quantity
 * ('subscription'), or the total over the account's (or the account hierarchy's) active subscriptions of that plan on
 * `date`. The subscription being priced counts with the `quantity` given (it may be a change not stored yet). Before
 * the subscription tables exist it is the subscription's own quantity.
 */
export function accountVolumeQuantity(
  raw: BetterSqlite3.Database,
  args: { customerId: string; planId: string; date: string; scope: VolumeScope; subscriptionId?: string; quantity: string },
): AccountVolume {
  const own: VolumePart = { id: args.subscriptionId ?? 'this', quantity: args.quantity };
  if (args.scope === 'subscription') return { scope: args.scope, totalQuantity: canonical([own]), parts: [own], customerIds: [args.customerId], basis: 'own' };
  const customerIds = volumeAccounts(raw, args.customerId, args.scope);
  const found = subscriptionQuantities(raw, customerIds, args.planId, args.date);
  if (found === null) return { scope: args.scope, totalQuantity: canonical([own]), parts: [own], customerIds, basis: 'own' };
  const parts = found.filter((p) => p.id !== own.id);
  parts.push(own);
  return { scope: args.scope, totalQuantity: canonical(parts), parts, customerIds, basis: 'subscriptions' };
}

// ------------------------------------------------------------------------------------------ handlers

function assertCustomer(raw: BetterSqlite3.Database, id: string): void {
  if (!raw.prepare('SELECT 1 FROM customers WHERE id = ?').get(id)) throw AppError.validation('customerId', `customer ${id} does not exist`);
}

function mergedTerms(old: Terms, patch: PriceBookPatch): Terms {
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<Terms>;
  const t: Terms = { ...old, ...defined };
  // a kind switch drops the other kind's value
  if (t.kind === 'discount') t.model = null;
  else t.discountPercent = null;
  return t;
}

export const pricebookHandlers: HandlerMap<PricebookOps> = {
  async 'pricebooks.list'(input, ctx) {
    assertCustomer(ctx.raw, input.customerId);
    const where = ['e.customer_id = ?'];
    const params: unknown[] = [input.customerId];
    if (input.planId) { where.push('e.plan_id = ?'); params.push(input.planId); }
    if (input.currency) { where.push('e.currency = ?'); params.push(input.currency); }
    if (!input.includeHistory) where.push(`e.status = 'active'`);
    const rows = ctx.raw.prepare(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY p.code, e.currency, e.valid_from, e.version`).all(...params) as Row[];
    const today = todayOf(ctx);
    return { items: rows.map((r) => toEntry(r, today)) };
  },

  async 'pricebooks.get'(input, ctx) {
    return toEntry(loadRow(ctx.raw, input.id), todayOf(ctx));
  },

  async 'pricebooks.create'(input, ctx) {
    const raw = ctx.raw;
    assertCustomer(raw, input.customerId);
    const plan = planInfo(raw, input.planId);
    if (!plan) throw AppError.validation('planId', `plan ${input.planId} does not exist`);
    const terms: Terms = {
      kind: input.kind, model: input.kind === 'discount' ? null : (input.model ?? null), discountPercent: input.kind === 'discount' ? (input.discountPercent ?? null) : null,
      volumeScope: input.volumeScope, validFrom: input.validFrom, validTo: input.validTo, note: input.note,
    };
    throwIssues(termIssues(terms, ''));
    checkDiscountable(plan, input.currency, terms, 'currency');
    assertNoOverlap(raw, input, terms, []);
    const id = newId();
    insertVersion(raw, { id, entryId: id, version: 1, customerId: input.customerId, planId: input.planId, currency: input.currency, terms, change: 'created', previousId: null, now: nowIso(ctx) });
    const entry = toEntry(loadRow(raw, id), todayOf(ctx));
    outbox(ctx, entry, 'price_book.created');
    return entry;
  },

  async 'pricebooks.update'(input, ctx) {
    const raw = ctx.raw;
    const old = loadRow(raw, input.id);
    assertActive(old);
    const terms = mergedTerms(termsOf(old), input.patch);
    const t = { customerId: old.customer_id, planId: old.plan_id, currency: old.currency };
    const plan = planInfo(raw, old.plan_id)!;
    if (input.effectiveFrom !== undefined) {
      const from = input.effectiveFrom;
      if (!(from > old.valid_from && (old.valid_to === null || from < old.valid_to))) {
        throwIssues([{ path: 'effectiveFrom', message: `must fall inside the edited version's validity (${fmtWindow({ validFrom: old.valid_from, validTo: old.valid_to })}) and after its first day` }]);
      }
      if (input.patch.validFrom !== undefined && input.patch.validFrom !== from) {
        throwIssues([{ path: 'patch.validFrom', message: 'a price change starts on effectiveFrom: leave validFrom out' }]);
      }
      terms.validFrom = from;
      if (input.patch.validTo === undefined) terms.validTo = old.valid_to;
      throwIssues(termIssues(terms, 'patch.'));
      checkDiscountable(plan, old.currency, terms, 'patch.kind');
      assertNoOverlap(raw, t, terms, [old.id], 'patch.');
      return writeNextVersion(ctx, old, terms, 'price_change', from);
    }
    throwIssues(termIssues(terms, 'patch.'));
    checkDiscountable(plan, old.currency, terms, 'patch.kind');
    assertNoOverlap(raw, t, terms, [old.id], 'patch.');
    return writeNextVersion(ctx, old, terms, 'corrected', null);
  },

  async 'pricebooks.end'(input, ctx) {
    const old = loadRow(ctx.raw, input.id);
    assertActive(old);
    if (input.validTo <= old.valid_from) throwIssues([{ path: 'validTo', message: `must be after the first day of the contract price (${old.valid_from}); validTo is exclusive` }]);
    if (old.valid_to !== null && input.validTo >= old.valid_to) {
      throwIssues([{ path: 'validTo', message: `the contract price already ends on ${old.valid_to}; to extend it, change it with pricebooks.update` }]);
    }
    return writeNextVersion(ctx, old, { ...termsOf(old), validTo: input.validTo }, 'ended', null);
  },

  async 'pricebooks.history'(input, ctx) {
    let rows: Row[];
    if ('id' in input) {
      const r = ctx.raw.prepare(`SELECT entry_id FROM price_book_entries WHERE id = ? OR entry_id = ? LIMIT 1`).get(input.id, input.id) as { entry_id: string } | undefined;
      if (!r) throw AppError.notFound('contract price', input.id);
      rows = ctx.raw.prepare(`${SELECT} WHERE e.entry_id = ? ORDER BY e.version`).all(r.entry_id) as Row[];
    } else {
      assertCustomer(ctx.raw, input.customerId);
      rows = ctx.raw.prepare(`${SELECT} WHERE e.customer_id = ? AND e.plan_id = ? AND e.currency = ? ORDER BY e.created_at, e.id`).all(input.customerId, input.planId, input.currency) as Row[];
    }
    const today = todayOf(ctx);
    return { items: rows.map((r) => toEntry(r, today)) };
  },

  async 'pricebooks.effectivePrice'(input, ctx) {
    assertCustomer(ctx.raw, input.customerId);
    return effectivePrice(ctx.raw, { ...input, date: input.date ?? todayOf(ctx) });
  },

  async 'pricebooks.schedule'(input, ctx) {
    assertCustomer(ctx.raw, input.customerId);
    return { items: priceScheduleFor(ctx.raw, input).map((p) => ({ ...p, entryId: p.entryId ?? null, kind: p.kind ?? null, volumeScope: p.volumeScope ?? 'subscription' })) };
  },

  async 'pricebooks.preview'(input, ctx) {
    assertCustomer(ctx.raw, input.customerId);
    const date = input.date ?? todayOf(ctx);
    const eff = effectivePrice(ctx.raw, { customerId: input.customerId, planId: input.planId, currency: input.currency, date });
    const quote = priceCharge(eff.model, { quantity: input.quantity, transactions: input.transactions, currency: input.currency, rounding: input.rounding });
    return { ...quote, source: eff.source, versionId: eff.versionId, model: eff.model, date };
  },
};
