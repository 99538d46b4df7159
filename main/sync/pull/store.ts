/** Bookkeeping of pulls (tables of migration 0007): snapshots, watermarks, conflicts, ERP product data. Raw SQL. */
import type BetterSqlite3 from 'better-sqlite3';
import type { PullEntity, SyncConflict } from '../../../shared/api/ops/sync';
import { newId } from '../../platform/ids';

// ---------------------------------------------------------------- snapshots
export interface PullSnapshot {
  recordId: string;
  externalCode: string | null;
  hash: string;
  erp: Record<string, unknown>;
  cadence: Record<string, unknown>;
  erpUpdatedAt: string | null;
  createdByPull: boolean;
}

export function getSnapshot(raw: BetterSqlite3.Database, connector: string, entity: PullEntity, externalId: string): PullSnapshot | null {
  const r = raw.prepare('SELECT * FROM sync_pull_records WHERE connector = ? AND entity = ? AND external_id = ?').get(connector, entity, externalId) as Record<string, string | number | null> | undefined;
  if (!r) return null;
  return {
    recordId: r.record_id as string, externalCode: (r.external_code as string) ?? null, hash: r.hash as string,
    erp: JSON.parse(r.erp_data as string) as Record<string, unknown>, cadence: JSON.parse(r.cadence_data as string) as Record<string, unknown>,
    erpUpdatedAt: (r.erp_updated_at as string) ?? null, createdByPull: r.created_by_pull === 1,
  };
}

export function saveSnapshot(
  raw: BetterSqlite3.Database, connector: string, entity: PullEntity, externalId: string,
  s: { recordId: string; externalCode: string | null; hash: string; erp: unknown; cadence: unknown; erpUpdatedAt: string | null; createdByPull?: boolean },
  nowIso: string,
): void {
  raw.prepare(`INSERT INTO sync_pull_records (connector, entity, external_id, record_id, external_code, hash, erp_data, cadence_data, erp_updated_at, created_by_pull, pulled_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (connector, entity, external_id) DO UPDATE SET record_id = excluded.record_id, external_code = excluded.external_code,
                 hash = excluded.hash, erp_data = excluded.erp_data, cadence_data = excluded.cadence_data, erp_updated_at = excluded.erp_updated_at,
                 created_by_pull = MAX(sync_pull_records.created_by_pull, excluded.created_by_pull), pulled_at = excluded.pulled_at`)
    .run(connector, entity, externalId, s.recordId, s.externalCode, s.hash, JSON.stringify(s.erp), JSON.stringify(s.cadence), s.erpUpdatedAt || null, s.createdByPull ? 1 : 0, nowIso);
}

/** The ERP record (of this connector) a Cadence record is linked to, if any. */
export function linkedExternalId(raw: BetterSqlite3.Database, connector: string, entity: PullEntity, recordId: string): string | null {
  const r = raw.prepare('SELECT external_id FROM sync_pull_records WHERE connector = ? AND entity = ? AND record_id = ?').get(connector, entity, recordId) as { external_id: string } | undefined;
  return r?.external_id ?? null;
}

/** Cadence record linked to an ERP id by an earlier push (external_refs). */
export function recordByExternalRef(raw: BetterSqlite3.Database, connector: string, entity: PullEntity, externalId: string): string | null {
  const r = raw.prepare('SELECT aggregate_id FROM external_refs WHERE connector = ? AND aggregate_type = ? AND external_id = ? ORDER BY updated_at DESC LIMIT 1').get(connector, entity, externalId) as { aggregate_id: string } | undefined;
  return r?.aggregate_id ?? null;
}

// ---------------------------------------------------------------- watermarks
export interface PullState { watermark: string | null; lastPullAt: string | null }
export function getPullState(raw: BetterSqlite3.Database, connector: string, entity: PullEntity): PullState | null {
  const r = raw.prepare('SELECT watermark, last_pull_at FROM sync_pull_state WHERE connector = ? AND entity = ?').get(connector, entity) as { watermark: string | null; last_pull_at: string | null } | undefined;
  return r ? { watermark: r.watermark, lastPullAt: r.last_pull_at } : null;
}
export function savePullState(raw: BetterSqlite3.Database, connector: string, entity: PullEntity, watermark: string | null, summary: unknown, nowIso: string): void {
  raw.prepare(`INSERT INTO sync_pull_state (connector, entity, watermark, last_pull_at, last_summary) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (connector, entity) DO UPDATE SET watermark = excluded.watermark, last_pull_at = excluded.last_pull_at, last_summary = excluded.last_summary`)
    .run(connector, entity, watermark, nowIso, JSON.stringify(summary));
}

// ---------------------------------------------------------------- conflicts
const enc = (v: unknown): string => JSON.stringify(v === undefined ? null : v);
const decode = (s: string | null): unknown => (s === null ? null : (JSON.parse(s) as unknown));

export interface ConflictRow {
  id: string; connector: string; entity: PullEntity; recordId: string; externalId: string; field: string;
  cadenceValue: unknown; erpValue: unknown; baseValue: unknown; detectedAt: string; updatedAt: string;
  status: 'open' | 'resolved'; resolution: SyncConflict['resolution']; resolvedValue: unknown; resolvedBy: string | null; resolvedAt: string | null;
}

function mapConflict(r: Record<string, string | null>): ConflictRow {
  return {
    id: r.id!, connector: r.connector!, entity: r.entity as PullEntity, recordId: r.record_id!, externalId: r.external_id!, field: r.field!,
    cadenceValue: decode(r.cadence_value), erpValue: decode(r.erp_value), baseValue: decode(r.base_value), detectedAt: r.detected_at!, updatedAt: r.updated_at!,
    status: r.status as 'open' | 'resolved', resolution: (r.resolution as SyncConflict['resolution']) ?? null, resolvedValue: decode(r.resolved_value),
    resolvedBy: r.resolved_by ?? null, resolvedAt: r.resolved_at ?? null,
  };
}

export function openConflictFields(raw: BetterSqlite3.Database, entity: PullEntity, recordId: string): Set<string> {
  const rows = raw.prepare("SELECT field FROM sync_conflicts WHERE entity = ? AND record_id = ? AND status = 'open'").all(entity, recordId) as { field: string }[];
  return new Set(rows.map((r) => r.field));
}

/** Opens a conflict, or refreshes the values of the open one on the same field. Returns true when it is new. */
export function upsertConflict(
  raw: BetterSqlite3.Database,
  c: { connector: string; entity: PullEntity; recordId: string; externalId: string; field: string; cadence: unknown; erp: unknown; base: unknown },
  nowIso: string,
): boolean {
  const open = raw.prepare("SELECT id FROM sync_conflicts WHERE entity = ? AND record_id = ? AND field = ? AND status = 'open'").get(c.entity, c.recordId, c.field) as { id: string } | undefined;
  if (open) {
    raw.prepare('UPDATE sync_conflicts SET cadence_value = ?, erp_value = ?, external_id = ?, updated_at = ? WHERE id = ?').run(enc(c.cadence), enc(c.erp), c.externalId, nowIso, open.id);
    return false;
  }
  raw.prepare(`INSERT INTO sync_conflicts (id, connector, entity, record_id, external_id, field, cadence_value, erp_value, base_value, detected_at, updated_at, status)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')`)
    .run(newId(), c.connector, c.entity, c.recordId, c.externalId, c.field, enc(c.cadence), enc(c.erp), enc(c.base), nowIso, nowIso);
  return true;
}

export function closeConflict(
  raw: BetterSqlite3.Database, id: string,
  r: { resolution: NonNullable<SyncConflict['resolution']>; value: unknown; by: string }, nowIso: string,
): void {
  raw.prepare("UPDATE sync_conflicts SET status = 'resolved', resolution = ?, resolved_value = ?, resolved_by = ?, resolved_at = ?, updated_at = ? WHERE id = ? AND status = 'open'")
    .run(r.resolution, enc(r.value), r.by, nowIso, nowIso, id);
}

export function closeAgreed(raw: BetterSqlite3.Database, entity: PullEntity, recordId: string, field: string, value: unknown, nowIso: string): void {
  const open = raw.prepare("SELECT id FROM sync_conflicts WHERE entity = ? AND record_id = ? AND field = ? AND status = 'open'").get(entity, recordId, field) as { id: string } | undefined;
  if (open) closeConflict(raw, open.id, { resolution: 'agreed', value, by: 'pull' }, nowIso);
}

export function getConflict(raw: BetterSqlite3.Database, id: string): ConflictRow | null {
  const r = raw.prepare('SELECT * FROM sync_conflicts WHERE id = ?').get(id) as Record<string, string | null> | undefined;
  return r ? mapConflict(r) : null;
}

/** Conflicts with a label of their record (SKU / customer number and the name), newest first. */
export function listConflicts(raw: BetterSqlite3.Database, f: { status: 'open' | 'resolved' | 'all'; entity?: PullEntity; limit: number }): SyncConflict[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.status !== 'all') { where.push('c.status = ?'); args.push(f.status); }
  if (f.entity) { where.push('c.entity = ?'); args.push(f.entity); }
  const rows = raw.prepare(`SELECT c.*, CASE c.entity
        WHEN 'customer' THEN (SELECT number || ' ' || name FROM customers WHERE id = c.record_id)
        ELSE (SELECT sku || ' ' || name FROM products WHERE id = c.record_id) END AS label
      FROM sync_conflicts c ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.detected_at DESC, c.id DESC LIMIT ?`).all(...args, f.limit) as Record<string, string | null>[];
  return rows.map((r) => ({ ...mapConflict(r), recordLabel: r.label ?? r.record_id! }));
}

export function conflictView(raw: BetterSqlite3.Database, id: string): SyncConflict {
  const c = getConflict(raw, id)!;
  const label = raw.prepare(c.entity === 'customer' ? "SELECT number || ' ' || name AS l FROM customers WHERE id = ?" : "SELECT sku || ' ' || name AS l FROM products WHERE id = ?").get(c.recordId) as { l: string } | undefined;
  return { ...c, recordLabel: label?.l ?? c.recordId };
}

// ---------------------------------------------------------------- ERP product data (list price, stock)
export interface ProductErpRow { listPrice: string | null; currency: string | null; stockAvailable: string | null; stockAsOf: string | null }

export function getProductErp(raw: BetterSqlite3.Database, productId: string): ProductErpRow | null {
  const r = raw.prepare('SELECT list_price, currency, stock_available, stock_as_of FROM products_erp WHERE product_id = ?').get(productId) as Record<string, string | null> | undefined;
  return r ? { listPrice: r.list_price ?? null, currency: r.currency ?? null, stockAvailable: r.stock_available ?? null, stockAsOf: r.stock_as_of ?? null } : null;
}

/** Writes the given columns (others unchanged). */
export function upsertProductErp(
  raw: BetterSqlite3.Database, productId: string, connector: string,
  v: { listPrice?: string | null; currency?: string | null; stockAvailable?: string | null; stockAsOf?: string | null }, nowIso: string,
): void {
  const cur = getProductErp(raw, productId);
  const next = { ...(cur ?? { listPrice: null, currency: null, stockAvailable: null, stockAsOf: null }) };
  for (const k of ['listPrice', 'currency', 'stockAvailable', 'stockAsOf'] as const) if (v[k] !== undefined) next[k] = v[k]!;
  raw.prepare(`INSERT INTO products_erp (product_id, connector, list_price, currency, stock_available, stock_as_of, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (product_id) DO UPDATE SET connector = excluded.connector, list_price = excluded.list_price, currency = excluded.currency,
                 stock_available = excluded.stock_available, stock_as_of = excluded.stock_as_of, updated_at = excluded.updated_at`)
    .run(productId, connector, next.listPrice, next.currency, next.stockAvailable, next.stockAsOf, nowIso);
}

export function listProductErp(raw: BetterSqlite3.Database, productIds?: string[]) {
  const rows = raw.prepare(`SELECT e.*, p.sku, p.name FROM products_erp e JOIN products p ON p.id = e.product_id ORDER BY p.sku`).all() as Record<string, string | null>[];
  const want = productIds ? new Set(productIds) : null;
  return rows.filter((r) => !want || want.has(r.product_id!)).map((r) => ({
    productId: r.product_id!, sku: r.sku!, name: r.name!, connector: r.connector!, listPrice: r.list_price ?? null, currency: r.currency ?? null,
    stockAvailable: r.stock_available ?? null, stockAsOf: r.stock_as_of ?? null, updatedAt: r.updated_at!,
  }));
}

// ---------------------------------------------------------------- outbox echo suppression
export function maxOutboxSeq(raw: BetterSqlite3.Database, aggregateType: string, aggregateId: string): number {
  const r = raw.prepare('SELECT MAX(aggregate_seq) AS m FROM outbox WHERE aggregate_type = ? AND aggregate_id = ?').get(aggregateType, aggregateId) as { m: number | null };
  return r.m ?? 0;
}

/**
 * Drops the outbox rows a service appended (seq > seqBefore) for a change that came from the ERP: the ERP already has
 * those values, so nothing is echoed. Exception: while Cadence still has unsent rows for the aggregate (pending or
 * parked), the new row is kept, because it carries the merged state (Cadence's unsent edits + the ERP's values) and the
 * older unsent snapshot alone would push stale ERP-owned values back. Returns the number of dropped rows.
 */
export function suppressEcho(raw: BetterSqlite3.Database, aggregateType: string, aggregateId: string, seqBefore: number): number {
  const unsent = raw.prepare("SELECT COUNT(*) AS n FROM outbox WHERE aggregate_type = ? AND aggregate_id = ? AND aggregate_seq <= ? AND status IN ('pending','parked')")
    .get(aggregateType, aggregateId, seqBefore) as { n: number };
  if (unsent.n > 0) return 0;
  return raw.prepare("DELETE FROM outbox WHERE aggregate_type = ? AND aggregate_id = ? AND aggregate_seq > ? AND status = 'pending'").run(aggregateType, aggregateId, seqBefore).changes;
}
