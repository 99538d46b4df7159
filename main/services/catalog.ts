import { AppError } from '../../shared/api/errors';
import type { Plan, Product } from '../../shared/api/ops/catalog';
import { PlanEntity, type PlanRow, ProductEntity, type ProductRow } from '../db/entities';
import { newId } from '../platform/ids';
import { enqueueOutbox } from '../sync/outbox';
import { type HandlerMap, nowIso, type ServiceContext } from './context';

type CatalogOps =
  | 'products.create' | 'products.update' | 'products.get' | 'products.list' | 'products.archive'
  | 'plans.create' | 'plans.update' | 'plans.get' | 'plans.list' | 'plans.archive';

export const intervalMonthsOf = (interval: string, count: number): number =>
  interval === 'month' ? 1 : interval === 'quarter' ? 3 : interval === 'year' ? 12 : count;

export function toProduct(r: ProductRow): Product {
  return {
    id: r.id, sku: r.sku, name: r.name, description: r.description, unit: r.unit as Product['unit'],
    taxCategory: r.taxCategory as Product['taxCategory'], kind: r.kind as Product['kind'], active: !!r.active,
    version: r.version, createdAt: r.createdAt, updatedAt: r.updatedAt,
  };
}

export function toPlan(r: PlanRow): Plan {
  return {
    id: r.id, productId: r.productId, code: r.code, name: r.name, interval: r.interval as Plan['interval'],
    intervalCount: r.intervalCount, intervalMonths: intervalMonthsOf(r.interval, r.intervalCount),
    prices: r.prices as Plan['prices'], trialDays: r.trialDays, active: !!r.active, version: r.version,
    createdAt: r.createdAt, updatedAt: r.updatedAt,
  };
}

export async function loadProduct(ctx: ServiceContext, id: string): Promise<ProductRow> {
  const row = await ctx.em.getRepository(ProductEntity).findOneBy({ id });
  if (!row) throw AppError.notFound('product', id);
  return row;
}
export async function loadPlan(ctx: ServiceContext, id: string): Promise<PlanRow> {
  const row = await ctx.em.getRepository(PlanEntity).findOneBy({ id });
  if (!row) throw AppError.notFound('plan', id);
  return row;
}

function checkVersion(kind: string, label: string, current: number, expected?: number): void {
  if (expected !== undefined && expected !== current) {
    throw AppError.conflict(`${kind} ${label} was changed by someone else (version ${current}, you edited ${expected}); reload and apply your change again`, { currentVersion: current });
  }
}

/** `path`: the field as the caller sent it (`sku` on create, `patch.sku` on update). */
async function assertSkuFree(ctx: ServiceContext, sku: string, exceptId?: string, path = 'sku'): Promise<void> {
  const other = await ctx.em.getRepository(ProductEntity).findOneBy({ sku });
  if (other && other.id !== exceptId) throw new AppError('CONFLICT', `${path}: SKU ${sku} is already used by ${other.name}`, { fields: [{ path, message: `is already used by ${other.name}` }] });
}
async function assertCodeFree(ctx: ServiceContext, code: string, exceptId?: string, path = 'code'): Promise<void> {
  const other = await ctx.em.getRepository(PlanEntity).findOneBy({ code });
  if (other && other.id !== exceptId) throw new AppError('CONFLICT', `${path}: plan code ${code} is already used by ${other.name}`, { fields: [{ path, message: `is already used by ${other.name}` }] });
}

const productOutbox = (ctx: ServiceContext, r: ProductRow, eventType: string) =>
  enqueueOutbox(ctx.raw, nowIso(ctx), { aggregateType: 'product', aggregateId: r.id, eventType, payload: toProduct(r) });
const planOutbox = (ctx: ServiceContext, r: PlanRow, eventType: string) =>
  enqueueOutbox(ctx.raw, nowIso(ctx), { aggregateType: 'plan', aggregateId: r.id, eventType, payload: toPlan(r) });

function likeParam(s: string): string {
  return `%${s.replace(/[%_\\]/g, (m) => '\\' + m)}%`;
}

export const catalogHandlers: HandlerMap<CatalogOps> = {
  async 'products.create'(input, ctx) {
    await assertSkuFree(ctx, input.sku);
    const now = nowIso(ctx);
    const row: ProductRow = { id: newId(), ...input, version: 1, externalRef: null, createdAt: now, updatedAt: now };
    await ctx.em.getRepository(ProductEntity).insert(row);
    productOutbox(ctx, row, 'product.created');
    return toProduct(row);
  },
  async 'products.update'(input, ctx) {
    const row = await loadProduct(ctx, input.id);
    checkVersion('product', row.sku, row.version, input.expectedVersion);
    if (input.patch.sku && input.patch.sku !== row.sku) await assertSkuFree(ctx, input.patch.sku, row.id, 'patch.sku');
    const patch = Object.fromEntries(Object.entries(input.patch).filter(([, v]) => v !== undefined));
    const next: ProductRow = { ...row, ...patch, version: row.version + 1, updatedAt: nowIso(ctx) };
    await ctx.em.getRepository(ProductEntity).save(next);
    productOutbox(ctx, next, 'product.updated');
    return toProduct(next);
  },
  async 'products.get'(input, ctx) {
    return toProduct(await loadProduct(ctx, input.id));
  },
  async 'products.list'(input, ctx) {
    const qb = ctx.em.getRepository(ProductEntity).createQueryBuilder('p');
    if (input.active !== 'all') qb.andWhere('p.active = :a', { a: input.active === 'active' ? 1 : 0 });
    if (input.kind) qb.andWhere('p.kind = :k', { k: input.kind });
    if (input.search) qb.andWhere(`(p.name LIKE :s ESCAPE '\\' OR p.sku LIKE :s ESCAPE '\\' OR p.description LIKE :s ESCAPE '\\')`, { s: likeParam(input.search) });
    const col = { sku: 'p.sku', name: 'p.name', createdAt: 'p.created_at' }[input.sortBy];
    qb.orderBy(col, input.sortDir === 'desc' ? 'DESC' : 'ASC').addOrderBy('p.id', 'ASC');
    const [rows, total] = await qb.skip(input.offset).take(input.limit).getManyAndCount();
    return { items: rows.map(toProduct), total, offset: input.offset, limit: input.limit };
  },
  async 'products.archive'(input, ctx) {
    const row = await loadProduct(ctx, input.id);
    if (!row.active) return toProduct(row);
    const next: ProductRow = { ...row, active: false, version: row.version + 1, updatedAt: nowIso(ctx) };
    await ctx.em.getRepository(ProductEntity).save(next);
    productOutbox(ctx, next, 'product.archived');
    return toProduct(next);
  },

  async 'plans.create'(input, ctx) {
    const product = await ctx.em.getRepository(ProductEntity).findOneBy({ id: input.productId });
    if (!product) throw AppError.validation('productId', `product ${input.productId} does not exist`);
    await assertCodeFree(ctx, input.code);
    const now = nowIso(ctx);
    const row: PlanRow = {
      id: newId(), productId: input.productId, code: input.code, name: input.name, interval: input.interval,
      intervalCount: input.interval === 'every_n_months' ? input.intervalCount : 1, prices: input.prices,
      trialDays: input.trialDays, active: input.active, version: 1, createdAt: now, updatedAt: now,
    };
    await ctx.em.getRepository(PlanEntity).insert(row);
    planOutbox(ctx, row, 'plan.created');
    return toPlan(row);
  },
  async 'plans.update'(input, ctx) {
    const row = await loadPlan(ctx, input.id);
    checkVersion('plan', row.code, row.version, input.expectedVersion);
    if (input.patch.code && input.patch.code !== row.code) await assertCodeFree(ctx, input.patch.code, row.id, 'patch.code');
    const patch = Object.fromEntries(Object.entries(input.patch).filter(([, v]) => v !== undefined));
    const next: PlanRow = { ...row, ...patch, version: row.version + 1, updatedAt: nowIso(ctx) };
    // a count only means something for every_n_months (the patch's own interval is checked by its schema)
    if (input.patch.intervalCount !== undefined && input.patch.intervalCount !== 1 && next.interval !== 'every_n_months') {
      throw AppError.validation('patch.intervalCount', `must be 1 unless interval is every_n_months (the plan bills by ${next.interval})`);
    }
    if (next.interval !== 'every_n_months') next.intervalCount = 1;
    await ctx.em.getRepository(PlanEntity).save(next);
    planOutbox(ctx, next, 'plan.updated');
    return toPlan(next);
  },
  async 'plans.get'(input, ctx) {
    return toPlan(await loadPlan(ctx, input.id));
  },
  async 'plans.list'(input, ctx) {
    const qb = ctx.em.getRepository(PlanEntity).createQueryBuilder('p');
    if (input.active !== 'all') qb.andWhere('p.active = :a', { a: input.active === 'active' ? 1 : 0 });
    if (input.productId) qb.andWhere('p.product_id = :pid', { pid: input.productId });
    if (input.currency) qb.andWhere(`EXISTS (SELECT 1 FROM json_each(p.prices) x WHERE json_extract(x.value, '$.currency') = :cur)`, { cur: input.currency });
    if (input.search) qb.andWhere(`(p.name LIKE :s ESCAPE '\\' OR p.code LIKE :s ESCAPE '\\')`, { s: likeParam(input.search) });
    const col = { code: 'p.code', name: 'p.name', createdAt: 'p.created_at' }[input.sortBy];
    qb.orderBy(col, input.sortDir === 'desc' ? 'DESC' : 'ASC').addOrderBy('p.id', 'ASC');
    const [rows, total] = await qb.skip(input.offset).take(input.limit).getManyAndCount();
    return { items: rows.map(toPlan), total, offset: input.offset, limit: input.limit };
  },
  async 'plans.archive'(input, ctx) {
    const row = await loadPlan(ctx, input.id);
    if (!row.active) return toPlan(row);
    const next: PlanRow = { ...row, active: false, version: row.version + 1, updatedAt: nowIso(ctx) };
    await ctx.em.getRepository(PlanEntity).save(next);
    planOutbox(ctx, next, 'plan.archived');
    return toPlan(next);
  },
};
