/**
 * locations.*: ship-to locations per customer. At most one active default per customer (unique index). Locations have
 * no outbox events of their own: every released sales order carries its ship-to address (snapshot) to the ERP.
 */
import { AppError } from '../../../shared/api/errors';
import { newId } from '../../platform/ids';
import { type HandlerMap, nowIso, type ServiceContext } from '../context';
import { json, type LocationRow, st } from './db';
import { toLocation } from './views';

type LocationOps = 'locations.create' | 'locations.update' | 'locations.get' | 'locations.list' | 'locations.archive';

export function loadLocation(ctx: ServiceContext, id: string): LocationRow {
  const r = st(ctx.raw, 'SELECT * FROM ship_to_locations WHERE id = ?').get(id) as LocationRow | undefined;
  if (!r) throw AppError.notFound('location', id);
  return r;
}

function clearDefault(ctx: ServiceContext, customerId: string, exceptId: string): void {
  st(ctx.raw, `UPDATE ship_to_locations SET is_default = 0, version = version + 1, updated_at = ? WHERE customer_id = ? AND is_default = 1 AND id <> ?`).run(nowIso(ctx), customerId, exceptId);
}


const UPDATE = `UPDATE ship_to_locations SET name = @name, line1 = @line1, line2 = @line2, city = @city, postal_code = @postal_code, region = @region,
  country = @country, contacts = @contacts, delivery_notes = @delivery_notes, is_default = @is_default, status = @status, version = @version,
  updated_at = @updated_at WHERE id = @id`;

export const locationHandlers: HandlerMap<LocationOps> = {
  async 'locations.create'(input, ctx) {
    const c = st(ctx.raw, 'SELECT id, status FROM customers WHERE id = ?').get(input.customerId) as { id: string; status: string } | undefined;
    if (!c) throw AppError.validation('customerId', `customer ${input.customerId} does not exist`);
    const now = nowIso(ctx);
    const id = newId();
    const first = !st(ctx.raw, `SELECT 1 FROM ship_to_locations WHERE customer_id = ? AND status = 'active' LIMIT 1`).get(input.customerId);
    const isDefault = input.isDefault || first;
    if (isDefault) clearDefault(ctx, input.customerId, id);
    const row: LocationRow = {
      id, customer_id: input.customerId, name: input.name, line1: input.line1, line2: input.line2, city: input.city, postal_code: input.postalCode,
      region: input.region, country: input.country, contacts: json(input.contacts), delivery_notes: input.deliveryNotes, is_default: isDefault ? 1 : 0,
      status: 'active', external_ref: null, version: 1, created_at: now, updated_at: now,
    };
    st(ctx.raw, `INSERT INTO ship_to_locations (id, customer_id, name, line1, line2, city, postal_code, region, country, contacts, delivery_notes, is_default, status, external_ref, version, created_at, updated_at)
      VALUES (@id, @customer_id, @name, @line1, @line2, @city, @postal_code, @region, @country, @contacts, @delivery_notes, @is_default, @status, @external_ref, @version, @created_at, @updated_at)`).run(row);
    return toLocation(ctx.raw, row);
  },

  async 'locations.update'(input, ctx) {
    const row = loadLocation(ctx, input.id);
    if (input.expectedVersion !== undefined && input.expectedVersion !== row.version) {
      throw AppError.conflict(`location ${row.name} was changed by someone else (version ${row.version}, you edited ${input.expectedVersion}); reload and apply your change again`, { currentVersion: row.version });
    }
    const p = input.patch;
    const next: LocationRow = { ...row };
    if (p.name !== undefined) next.name = p.name;
    if (p.line1 !== undefined) next.line1 = p.line1;
    if (p.line2 !== undefined) next.line2 = p.line2;
    if (p.city !== undefined) next.city = p.city;
    if (p.postalCode !== undefined) next.postal_code = p.postalCode;
    if (p.region !== undefined) next.region = p.region;
    if (p.country !== undefined) next.country = p.country;
    if (p.contacts !== undefined) next.contacts = json(p.contacts);
    if (p.deliveryNotes !== undefined) next.delivery_notes = p.deliveryNotes;
    if (p.isDefault !== undefined) {
      if (p.isDefault && row.status !== 'active') throw AppError.validation('patch.isDefault', 'an archived location cannot be the default');
      if (!p.isDefault && row.is_default) throw AppError.validation('patch.isDefault', 'make another location the default instead');
      next.is_default = p.isDefault ? 1 : 0;
      if (p.isDefault) clearDefault(ctx, row.customer_id, row.id);
    }
    next.version = row.version + 1;
    next.updated_at = nowIso(ctx);
    st(ctx.raw, UPDATE).run(next);
    return toLocation(ctx.raw, next);
  },

  async 'locations.get'(input, ctx) {
    return toLocation(ctx.raw, loadLocation(ctx, input.id));
  },

  async 'locations.list'(input, ctx) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (input.customerId) { where.push('customer_id = ?'); params.push(input.customerId); }
    if (input.status !== 'all') { where.push('status = ?'); params.push(input.status); }
    if (input.search) {
      where.push(`(name LIKE ? ESCAPE '\\' OR city LIKE ? ESCAPE '\\' OR line1 LIKE ? ESCAPE '\\')`);
      const s = `%${input.search.replace(/[%_\\]/g, (m) => '\\' + m)}%`;
      params.push(s, s, s);
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (ctx.raw.prepare(`SELECT COUNT(*) AS n FROM ship_to_locations ${w}`).get(...params) as { n: number }).n;
    const rows = ctx.raw.prepare(`SELECT * FROM ship_to_locations ${w} ORDER BY is_default DESC, name COLLATE NOCASE, id LIMIT ? OFFSET ?`).all(...params, input.limit, input.offset) as LocationRow[];
    return { items: rows.map((r) => toLocation(ctx.raw, r)), total, offset: input.offset, limit: input.limit };
  },

  async 'locations.archive'(input, ctx) {
    const row = loadLocation(ctx, input.id);
    if (row.status === 'archived') return toLocation(ctx.raw, row);
    const used = st(ctx.raw, `SELECT COUNT(*) AS n FROM order_schedules WHERE location_id = ? AND status <> 'ended'`).get(row.id) as { n: number };
    if (used.n > 0) throw AppError.conflict(`location ${row.name} is used by ${used.n} delivery schedule${used.n === 1 ? '' : 's'}; move ${used.n === 1 ? 'it' : 'them'} to another location first`, { schedules: used.n });
    const open = st(ctx.raw, `SELECT COUNT(*) AS n FROM sales_orders WHERE location_id = ? AND status IN ('upcoming','released','confirmed','partially_shipped')`).get(row.id) as { n: number };
    if (open.n > 0) throw AppError.conflict(`location ${row.name} has ${open.n} open order${open.n === 1 ? '' : 's'}`, { orders: open.n });
    const next: LocationRow = { ...row, status: 'archived', is_default: 0, version: row.version + 1, updated_at: nowIso(ctx) };
    st(ctx.raw, UPDATE).run(next);
    if (row.is_default) {
      const other = st(ctx.raw, `SELECT id FROM ship_to_locations WHERE customer_id = ? AND status = 'active' ORDER BY created_at, id LIMIT 1`).get(row.customer_id) as { id: string } | undefined;
      if (other) st(ctx.raw, 'UPDATE ship_to_locations SET is_default = 1, version = version + 1, updated_at = ? WHERE id = ?').run(nowIso(ctx), other.id);
    }
    return toLocation(ctx.raw, next);
  },
};
