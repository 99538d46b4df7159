import type { z } from 'zod';
import { AppError } from '../../shared/api/errors';
import type { Customer, CustomerListInput, CustomerPatch } from '../../shared/api/ops/customers';
import { checkVatId, normalizeVatId } from '../../shared/domain/vat';
import { CustomerEntity, type CustomerRow } from '../db/entities';
import { newId } from '../platform/ids';
import { enqueueOutbox } from '../sync/outbox';
import { type HandlerMap, nowIso, type ServiceContext } from './context';
import { takeNumber } from './numbering';

type CustomerOps = 'customers.create' | 'customers.update' | 'customers.get' | 'customers.list' | 'customers.archive' | 'customers.restore' | 'customers.delete';

export function toCustomer(r: CustomerRow): Customer {
  return {
    id: r.id,
    number: r.number,
    name: r.name,
    vatId: r.vatId,
    country: r.country,
    currency: r.currency,
    email: r.email,
    contacts: r.contacts as Customer['contacts'],
    billingAddress: (r.billingAddress as Customer['billingAddress']) ?? null,
    paymentTermsDays: r.paymentTermsDays,
    taxStatus: r.taxStatus as Customer['taxStatus'],
    parentId: r.parentId,
    tags: r.tags,
    notes: r.notes,
    status: r.status as Customer['status'],
    version: r.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export async function loadCustomer(ctx: ServiceContext, id: string): Promise<CustomerRow> {
  const row = await ctx.em.getRepository(CustomerEntity).findOneBy({ id });
  if (!row) throw AppError.notFound('customer', id);
  return row;
}

async function assertParent(ctx: ServiceContext, id: string, parentId: string | null | undefined): Promise<void> {
  if (!parentId) return;
  if (parentId === id) throw AppError.validation('parentId', 'a customer cannot be its own parent');
  const repo = ctx.em.getRepository(CustomerEntity);
  let cursor: string | null = parentId;
  for (let depth = 0; cursor; depth++) {
    const p: CustomerRow | null = await repo.findOneBy({ id: cursor });
    if (!p) throw AppError.validation('parentId', `parent customer ${cursor} does not exist`);
    if (p.id === id) throw AppError.validation('parentId', 'would create a cycle in the account hierarchy');
    if (depth > 20) throw AppError.validation('parentId', 'account hierarchy is too deep');
    cursor = p.parentId;
  }
}

/** `path`: the field as the caller sent it (`number` on create, `patch.number` on update). */
async function assertNumberFree(ctx: ServiceContext, number: string, exceptId?: string, path = 'number'): Promise<void> {
  const other = await ctx.em.getRepository(CustomerEntity).findOneBy({ number });
  if (other && other.id !== exceptId) throw new AppError('CONFLICT', `${path}: customer number ${number} is already used by ${other.name}`, { fields: [{ path, message: `is already used by ${other.name}` }] });
}

function writeOutbox(ctx: ServiceContext, row: CustomerRow, eventType: string): void {
  enqueueOutbox(ctx.raw, nowIso(ctx), { aggregateType: 'customer', aggregateId: row.id, eventType, payload: toCustomer(row) });
}

export const customerHandlers: HandlerMap<CustomerOps> = {
  async 'customers.create'(input, ctx) {
    const now = nowIso(ctx);
    const id = newId();
    await assertParent(ctx, id, input.parentId);
    const number = input.number ?? takeNumber(ctx.raw, 'customer', ctx.clock.now());
    await assertNumberFree(ctx, number);
    const row: CustomerRow = {
      id,
      number,
      name: input.name,
      vatId: input.vatId ?? null,
      country: input.country,
      currency: input.currency,
      email: input.email,
      contacts: input.contacts,
      billingAddress: input.billingAddress ?? null,
      paymentTermsDays: input.paymentTermsDays,
      taxStatus: input.taxStatus,
      parentId: input.parentId ?? null,
      tags: input.tags,
      notes: input.notes,
      status: 'active',
      version: 1,
      externalRef: null,
      createdAt: now,
      updatedAt: now,
    };
    await ctx.em.getRepository(CustomerEntity).insert(row);
    writeOutbox(ctx, row, 'customer.created');
    return toCustomer(row);
  },

  async 'customers.update'(input, ctx) {
    const row = await loadCustomer(ctx, input.id);
    if (input.expectedVersion !== undefined && input.expectedVersion !== row.version) {
      throw AppError.conflict(`customer ${row.number} was changed by someone else (version ${row.version}, you edited ${input.expectedVersion}); reload and apply your change again`, { currentVersion: row.version });
    }
    const patch: z.output<typeof CustomerPatch> = input.patch;
    const next: CustomerRow = { ...row };
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.country !== undefined) next.country = patch.country;
    if (patch.vatId !== undefined) next.vatId = patch.vatId ? normalizeVatId(patch.vatId) : null;
    if (next.vatId) {
      const problem = checkVatId(next.vatId, next.country);
      if (problem) throw AppError.validation('patch.vatId', problem);
    }
    if (patch.currency !== undefined) next.currency = patch.currency;
    if (patch.email !== undefined) next.email = patch.email;
    if (patch.contacts !== undefined) next.contacts = patch.contacts;
    if (patch.billingAddress !== undefined) next.billingAddress = patch.billingAddress;
    if (patch.paymentTermsDays !== undefined) next.paymentTermsDays = patch.paymentTermsDays;
    if (patch.taxStatus !== undefined) next.taxStatus = patch.taxStatus;
    if (patch.tags !== undefined) next.tags = patch.tags;
    if (patch.notes !== undefined) next.notes = patch.notes;
    if (patch.parentId !== undefined) {
      await assertParent(ctx, row.id, patch.parentId);
      next.parentId = patch.parentId;
    }
    if (patch.number !== undefined && patch.number !== row.number) {
      await assertNumberFree(ctx, patch.number, row.id, 'patch.number');
      next.number = patch.number;
    }
    next.version = row.version + 1;
    next.updatedAt = nowIso(ctx);
    await ctx.em.getRepository(CustomerEntity).save(next);
    writeOutbox(ctx, next, 'customer.updated');
    return toCustomer(next);
  },

  async 'customers.get'(input, ctx) {
    return toCustomer(await loadCustomer(ctx, input.id));
  },

  async 'customers.list'(input: z.output<typeof CustomerListInput>, ctx) {
    const qb = ctx.em.getRepository(CustomerEntity).createQueryBuilder('c');
    if (input.status !== 'all') qb.andWhere('c.status = :status', { status: input.status });
    if (input.country) qb.andWhere('c.country = :country', { country: input.country });
    if (input.currency) qb.andWhere('c.currency = :currency', { currency: input.currency });
    if (input.parentId) qb.andWhere('c.parent_id = :parentId', { parentId: input.parentId });
    if (input.tag) qb.andWhere('EXISTS (SELECT 1 FROM json_each(c.tags) t WHERE t.value = :tag)', { tag: input.tag });
    if (input.search) {
      const s = `%${input.search.replace(/[%_\\]/g, (m) => '\\' + m)}%`;
      qb.andWhere(`(c.name LIKE :s ESCAPE '\\' OR c.number LIKE :s ESCAPE '\\' OR c.email LIKE :s ESCAPE '\\' OR IFNULL(c.vat_id,'') LIKE :s ESCAPE '\\')`, { s });
    }
    const col: Record<string, string> = { name: 'c.name COLLATE NOCASE', number: 'c.number', country: 'c.country', currency: 'c.currency', createdAt: 'c.created_at', updatedAt: 'c.updated_at' };
    qb.orderBy(col[input.sortBy] ?? 'c.name COLLATE NOCASE', input.sortDir === 'desc' ? 'DESC' : 'ASC').addOrderBy('c.id', 'ASC');
    const [rows, total] = await qb.skip(input.offset).take(input.limit).getManyAndCount();
    return { items: rows.map(toCustomer), total, offset: input.offset, limit: input.limit };
  },

  async 'customers.archive'(input, ctx) {
    const row = await loadCustomer(ctx, input.id);
    if (row.status === 'archived') return toCustomer(row);
    const next: CustomerRow = { ...row, status: 'archived', version: row.version + 1, updatedAt: nowIso(ctx) };
    await ctx.em.getRepository(CustomerEntity).save(next);
    writeOutbox(ctx, next, 'customer.archived');
    return toCustomer(next);
  },

  async 'customers.restore'(input, ctx) {
    const row = await loadCustomer(ctx, input.id);
    if (row.status === 'active') return toCustomer(row);
    const next: CustomerRow = { ...row, status: 'active', version: row.version + 1, updatedAt: nowIso(ctx) };
    await ctx.em.getRepository(CustomerEntity).save(next);
    writeOutbox(ctx, next, 'customer.restored');
    return toCustomer(next);
  },

  async 'customers.delete'(input, ctx) {
    const row = await loadCustomer(ctx, input.id);
    const refs = customerReferences(ctx, row.id);
    if (refs.length > 0) {
      throw AppError.conflict(`customer ${row.number} is referenced by ${refs.join(', ')}; archive it instead`, { references: refs });
    }
    const synced = ctx.raw.prepare("SELECT COUNT(*) n FROM outbox WHERE aggregate_type = 'customer' AND aggregate_id = ? AND status = 'done'").get(row.id) as { n: number };
    if (synced.n > 0) throw AppError.conflict(`customer ${row.number} is already known to the ERP; archive it instead`);
    ctx.raw.prepare("DELETE FROM outbox WHERE aggregate_type = 'customer' AND aggregate_id = ? AND status = 'pending'").run(row.id);
    await ctx.em.getRepository(CustomerEntity).delete({ id: row.id });
    return { ok: true as const };
  },
};

/** Tables that refer to a customer (extended as subscriptions and invoices land). */
export const CUSTOMER_REFERENCES: { table: string; column: string; label: string }[] = [
  { table: 'customers', column: 'parent_id', label: 'child accounts' },
  { table: 'subscriptions', column: 'customer_id', label: 'subscriptions' },
  { table: 'invoices', column: 'customer_id', label: 'invoices' },
];

function customerReferences(ctx: ServiceContext, id: string): string[] {
  const out: string[] = [];
  for (const ref of CUSTOMER_REFERENCES) {
    const exists = ctx.raw.prepare(`SELECT name FROM sqlite_master WHERE type='table' AND name = ?`).get(ref.table);
    if (!exists) continue;
    const n = (ctx.raw.prepare(`SELECT COUNT(*) n FROM ${ref.table} WHERE ${ref.column} = ?`).get(id) as { n: number }).n;
    if (n > 0) out.push(`${n} ${ref.label}`);
  }
  return out;
}
