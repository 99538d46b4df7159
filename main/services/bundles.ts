/**
 * bundles.* handlers: plans and add-ons sold as one item (tables bundles + bundle_items of migration 0003).
 * Quoting prices every part at its catalog price in the currency, then the bundle: a fixed bundle price, or the list
 * total less the bundle's discount; the total is allocated back to the parts by list price (largest remainder) so the
 * parts' shares always sum to the total.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { AppError, type FieldIssue } from '../../shared/api/errors';
import { validationError } from '../../shared/api/op';
import { type Bundle, BundleDefinition, type BundleQuote } from '../../shared/api/ops/bundles';
import type { ChargeModel } from '../../shared/api/ops/pricing';
import { allocateMinor, Decimal, dec, formatMinor, fromMinor, toMinor } from '../../shared/domain/money';
import { priceCharge } from '../../shared/domain/pricing';
import { newId } from '../platform/ids';
import { enqueueOutbox } from '../sync/outbox';
import { type HandlerMap, nowIso, type ServiceContext } from './context';

type BundleOps = 'bundles.create' | 'bundles.update' | 'bundles.get' | 'bundles.list' | 'bundles.archive' | 'bundles.quote';

interface BundleRow {
  id: string;
  code: string;
  name: string;
  description: string;
  pricing: 'fixed' | 'discount';
  prices: string;
  discount_percent: string | null;
  active: number;
  version: number;
  created_at: string;
  updated_at: string;
}
interface ItemInput { planId: string; quantity: string; addOn: boolean }
interface PlanLite { id: string; code: string; name: string; prices: { currency: string; model: ChargeModel }[] }

const partsLabel = (name: string, parts: { planName: string }[]) => `${name} (parts: ${parts.map((p) => p.planName).join(', ')})`;

function plansById(raw: BetterSqlite3.Database, ids: string[]): Map<string, PlanLite> {
  const out = new Map<string, PlanLite>();
  if (ids.length === 0) return out;
  const rows = raw.prepare(`SELECT id, code, name, prices FROM plans WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids) as { id: string; code: string; name: string; prices: string }[];
  for (const r of rows) out.set(r.id, { ...r, prices: JSON.parse(r.prices) as PlanLite['prices'] });
  return out;
}

function assertPlans(raw: BetterSqlite3.Database, items: ItemInput[], prefix: string): Map<string, PlanLite> {
  const plans = plansById(raw, items.map((i) => i.planId));
  const missing: FieldIssue[] = items.flatMap((it, i) => (plans.has(it.planId) ? [] : [{ path: `${prefix}items.${i}.planId`, message: `plan ${it.planId} does not exist` }]));
  if (missing.length) throw new AppError('VALIDATION', `Invalid ${missing[0]!.path}: ${missing[0]!.message}`, { fields: missing });
  return plans;
}

/** Currencies a bundle can be quoted in. */
function currenciesOf(pricing: string, prices: { currency: string }[], plans: PlanLite[]): string[] {
  const partCurrencies = plans.map((p) => new Set(p.prices.map((x) => x.currency)));
  const all = pricing === 'fixed' ? prices.map((p) => p.currency) : [...new Set(plans.flatMap((p) => p.prices.map((x) => x.currency)))];
  return all.filter((c) => partCurrencies.every((s) => s.has(c))).sort();
}

function toBundle(raw: BetterSqlite3.Database, r: BundleRow): Bundle {
  const items = raw.prepare('SELECT plan_id, quantity, add_on FROM bundle_items WHERE bundle_id = ? ORDER BY position').all(r.id) as { plan_id: string; quantity: string; add_on: number }[];
  const plans = plansById(raw, items.map((i) => i.plan_id));
  const parts = items.map((i) => {
    const p = plans.get(i.plan_id)!;
    return { planId: i.plan_id, planCode: p.code, planName: p.name, quantity: i.quantity, addOn: !!i.add_on, currencies: p.prices.map((x) => x.currency) };
  });
  const prices = JSON.parse(r.prices) as { currency: string; price: string }[];
  return {
    id: r.id, code: r.code, name: r.name, description: r.description, pricing: r.pricing, prices, discountPercent: r.discount_percent,
    items: parts, currencies: currenciesOf(r.pricing, prices, [...plans.values()]), label: partsLabel(r.name, parts),
    active: !!r.active, version: r.version, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

function loadBundle(raw: BetterSqlite3.Database, id: string): BundleRow {
  const r = raw.prepare('SELECT * FROM bundles WHERE id = ?').get(id) as BundleRow | undefined;
  if (!r) throw AppError.notFound('bundle', id);
  return r;
}

function assertCodeFree(raw: BetterSqlite3.Database, code: string, exceptId?: string, path = 'code'): void {
  const other = raw.prepare('SELECT id, name FROM bundles WHERE code = ?').get(code) as { id: string; name: string } | undefined;
  if (other && other.id !== exceptId) throw new AppError('CONFLICT', `${path}: bundle code ${code} is already used by ${other.name}`, { fields: [{ path, message: `is already used by ${other.name}` }] });
}

function writeItems(raw: BetterSqlite3.Database, bundleId: string, items: ItemInput[]): void {
  raw.prepare('DELETE FROM bundle_items WHERE bundle_id = ?').run(bundleId);
  const ins = raw.prepare('INSERT INTO bundle_items (bundle_id, position, plan_id, quantity, add_on) VALUES (?, ?, ?, ?, ?)');
  items.forEach((it, i) => ins.run(bundleId, i, it.planId, it.quantity, it.addOn ? 1 : 0));
}

const bundleOutbox = (ctx: ServiceContext, b: Bundle, eventType: string) =>
  enqueueOutbox(ctx.raw, nowIso(ctx), { aggregateType: 'bundle', aggregateId: b.id, eventType, payload: b });

/** Quotes a bundle definition in a currency; `quantities` override parts' quantities by plan id. */
export function quoteBundle(
  raw: BetterSqlite3.Database,
  def: { pricing: 'fixed' | 'discount'; prices: { currency: string; price: string }[]; discountPercent: string | null | undefined; items: ItemInput[] },
  currency: string,
  quantities: Record<string, string> = {},
  meta: { id: string | null; code: string | null; name: string | null } = { id: null, code: null, name: null },
): BundleQuote {
  const plans = assertPlans(raw, def.items, meta.id ? '' : 'bundle.');
  const bundleName = meta.name ?? 'Bundle';
  for (const planId of Object.keys(quantities)) {
    if (!def.items.some((i) => i.planId === planId)) throw AppError.validation(`quantities.${planId}`, 'is not a part of this bundle');
  }
  let fixedPrice: string | null = null;
  if (def.pricing === 'fixed') {
    const p = def.prices.find((x) => x.currency === currency);
    if (!p) {
      const has = def.prices.map((x) => x.currency).join(', ') || 'none';
      throw AppError.validation('currency', `${bundleName} has no price in ${currency} (it has: ${has}); Cadence never converts currencies`);
    }
    fixedPrice = p.price;
  }
  const priced = def.items.map((it, i) => {
    const plan = plans.get(it.planId)!;
    const model = plan.prices.find((x) => x.currency === currency)?.model;
    if (!model) throw AppError.validation('currency', `${plan.name} (${plan.code}), part ${i + 1} of ${bundleName}, has no price in ${currency}; Cadence never converts currencies`);
    const quantity = quantities[it.planId] ?? it.quantity;
    const q = priceCharge(model, { quantity, currency });
    return { it, plan, quantity, q };
  });
  const listMinor = priced.map((p) => p.q.amountMinor);
  const listTotalMinor = listMinor.reduce((a, b) => a + b, 0);
  // the parts' list prices as quoted (each rounded to the currency), less the discount: a 0 % bundle costs its list total
  const totalMinor =
    fixedPrice !== null ? toMinor(fixedPrice, currency) : toMinor(fromMinor(listTotalMinor, currency).times(new Decimal(100).minus(def.discountPercent ?? '0')).div(100), currency);
  const shares = allocateMinor(totalMinor, listTotalMinor > 0 ? listMinor : priced.map(() => 1));
  const discountTotalMinor = listTotalMinor - totalMinor;
  const parts = priced.map((p, i) => ({
    planId: p.plan.id, planCode: p.plan.code, planName: p.plan.name, addOn: p.it.addOn, quantity: dec(p.quantity).toFixed(),
    listAmount: p.q.amount, listAmountMinor: p.q.amountMinor,
    amount: formatMinor(shares[i]!, currency), amountMinor: shares[i]!,
    discountAmount: formatMinor(p.q.amountMinor - shares[i]!, currency), discountMinor: p.q.amountMinor - shares[i]!,
  }));
  return {
    bundleId: meta.id, code: meta.code, name: meta.name, label: partsLabel(bundleName, parts), currency, pricing: def.pricing, parts,
    listTotal: formatMinor(listTotalMinor, currency), listTotalMinor,
    discountTotal: formatMinor(discountTotalMinor, currency), discountTotalMinor,
    discountPercent: listTotalMinor > 0 ? new Decimal(discountTotalMinor).times(100).div(listTotalMinor).toFixed(2) : '0.00',
    total: formatMinor(totalMinor, currency), totalMinor,
  };
}

/** A saved bundle with its parts (404 when it does not exist). Billing prices bundle subscription items with it. */
export const bundleById = (raw: BetterSqlite3.Database, id: string): Bundle => toBundle(raw, loadBundle(raw, id));

/** A saved bundle's quote for one bundle in `currency` (422 when it has no price there). */
export function quoteSavedBundle(raw: BetterSqlite3.Database, id: string, currency: string): BundleQuote {
  const b = bundleById(raw, id);
  return quoteBundle(raw, b, currency, {}, { id: b.id, code: b.code, name: b.name });
}

export const bundleHandlers: HandlerMap<BundleOps> = {
  async 'bundles.create'(input, ctx) {
    const raw = ctx.raw;
    assertCodeFree(raw, input.code);
    assertPlans(raw, input.items, '');
    const id = newId();
    const now = nowIso(ctx);
    raw.prepare(`INSERT INTO bundles (id, code, name, description, pricing, prices, discount_percent, active, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`)
      .run(id, input.code, input.name, input.description, input.pricing, JSON.stringify(input.pricing === 'fixed' ? input.prices : []),
        input.pricing === 'discount' ? (input.discountPercent ?? null) : null, input.active ? 1 : 0, now, now);
    writeItems(raw, id, input.items);
    const b = toBundle(raw, loadBundle(raw, id));
    bundleOutbox(ctx, b, 'bundle.created');
    return b;
  },

  async 'bundles.update'(input, ctx) {
    const raw = ctx.raw;
    const row = loadBundle(raw, input.id);
    if (input.expectedVersion !== undefined && input.expectedVersion !== row.version) {
      throw AppError.conflict(`bundle ${row.code} was changed by someone else (version ${row.version}, you edited ${input.expectedVersion}); reload and apply your change again`, { currentVersion: row.version });
    }
    const cur = toBundle(raw, row);
    const p = input.patch;
    if (p.code !== undefined && p.code !== row.code) assertCodeFree(raw, p.code, row.id, 'patch.code');
    const merged = {
      pricing: p.pricing ?? cur.pricing,
      prices: p.prices ?? cur.prices,
      discountPercent: p.discountPercent !== undefined ? p.discountPercent : cur.discountPercent,
      items: p.items ?? cur.items.map((i) => ({ planId: i.planId, quantity: i.quantity, addOn: i.addOn })),
    };
    const checked = BundleDefinition.safeParse(merged);
    if (!checked.success) {
      const e = validationError(checked.error);
      const fields = (e.details?.fields ?? []).map((f) => ({ ...f, path: `patch.${f.path}` }));
      throw new AppError('VALIDATION', `Invalid ${fields[0]?.path}: ${fields[0]?.message}`, { fields });
    }
    if (p.items) assertPlans(raw, p.items, 'patch.');
    const def = checked.data;
    raw.prepare(`UPDATE bundles SET code = ?, name = ?, description = ?, pricing = ?, prices = ?, discount_percent = ?, active = ?, version = version + 1, updated_at = ? WHERE id = ?`)
      .run(p.code ?? row.code, p.name ?? row.name, p.description ?? row.description, def.pricing, JSON.stringify(def.pricing === 'fixed' ? def.prices : []),
        def.pricing === 'discount' ? (def.discountPercent ?? null) : null, (p.active ?? !!row.active) ? 1 : 0, nowIso(ctx), row.id);
    if (p.items) writeItems(raw, row.id, def.items);
    const b = toBundle(raw, loadBundle(raw, row.id));
    bundleOutbox(ctx, b, 'bundle.updated');
    return b;
  },

  async 'bundles.get'(input, ctx) {
    return toBundle(ctx.raw, loadBundle(ctx.raw, input.id));
  },

  async 'bundles.list'(input, ctx) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (input.active !== 'all') { where.push('b.active = ?'); params.push(input.active === 'active' ? 1 : 0); }
    if (input.search) {
      where.push(`(b.name LIKE ? ESCAPE '\\' OR b.code LIKE ? ESCAPE '\\')`);
      const s = `%${input.search.replace(/[%_\\\\]/g, (m) => '\\' + m)}%`;
      params.push(s, s);
    }
    const sql = `FROM bundles b ${where.length ? 'WHERE ' + where.join(' AND ') : ''}`;
    const rows = ctx.raw.prepare(`SELECT b.* ${sql} ORDER BY b.name ${input.sortDir === 'desc' ? 'DESC' : 'ASC'}, b.id`).all(...params) as BundleRow[];
    let items = rows.map((r) => toBundle(ctx.raw, r));
    if (input.currency) items = items.filter((b) => b.currencies.includes(input.currency!));
    return { items: items.slice(input.offset, input.offset + input.limit), total: items.length, offset: input.offset, limit: input.limit };
  },

  async 'bundles.archive'(input, ctx) {
    const row = loadBundle(ctx.raw, input.id);
    if (!row.active) return toBundle(ctx.raw, row);
    ctx.raw.prepare('UPDATE bundles SET active = 0, version = version + 1, updated_at = ? WHERE id = ?').run(nowIso(ctx), row.id);
    const b = toBundle(ctx.raw, loadBundle(ctx.raw, row.id));
    bundleOutbox(ctx, b, 'bundle.archived');
    return b;
  },

  async 'bundles.quote'(input, ctx) {
    if (input.bundleId) {
      const b = toBundle(ctx.raw, loadBundle(ctx.raw, input.bundleId));
      return quoteBundle(ctx.raw, b, input.currency, input.quantities, { id: b.id, code: b.code, name: b.name });
    }
    const { pricing, prices, discountPercent, items } = input.bundle!;
    return quoteBundle(ctx.raw, { pricing, prices, discountPercent, items }, input.currency, input.quantities);
  },
};
