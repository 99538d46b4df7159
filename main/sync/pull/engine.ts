/**
 * The pull engine: fetches changed master data from the connector, links each ERP record to a Cadence record
 * (snapshot → external_refs from pushes → natural key → new record), merges field by field (merge.ts, by the
 * configured ownership) and applies the result through the services (customers.* / products.*: validation, versions,
 * outbox) in one transaction per batch, under the backend's write lock.
 *
 * No echo: the outbox row a service appends for a change that came from the ERP is removed in the same transaction
 * (see store.ts `suppressEcho`), so nothing pulled is pushed back. Changes the user decides on (resolveConflict with
 * 'cadence' or 'custom') do go to the ERP.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../../shared/api/errors';
import { getOp, isOpName, type OpName } from '../../../shared/api/index';
import { parseInput } from '../../../shared/api/op';
import type { FieldOwner, PullEntity, PullSummary, SyncConflict } from '../../../shared/api/ops/sync';
import type { ServiceContext } from '../../services/context';
import type { Connector, PulledRecord } from '../connector';
import { getExternalRef, setExternalRef } from '../outbox';
import { isCustomerNumber, isSku, normalizeErp, normalizeFieldValue, PullDataError, readOwnership } from './fields';
import { canonical, mergeRecord } from './merge';
import {
  closeAgreed, closeConflict, conflictView, getConflict, getProductErp, getPullState, getSnapshot, linkedExternalId, maxOutboxSeq,
  openConflictFields, recordByExternalRef, savePullState, saveSnapshot, suppressEcho, upsertConflict, upsertProductErp,
} from './store';

/** What the engine needs of a backend: a ServiceContext without its transaction (backend.base, or a handler's ctx). */
export type PullEnv = Omit<ServiceContext, 'em' | 'call'>;

export interface PullOptions {
  entities?: PullEntity[];
  /** Records per transaction (default 200). */
  batchSize?: number;
}

/** Tag put on customers a pull created (tags are Cadence's, so the ERP never removes it). */
export const PULLED_TAG = 'pulled-from-erp';
/** Product fields stored beside the product (products_erp), not on it. */
const ERP_SIDE_PRODUCT_FIELDS = new Set(['price', 'stock']);

type Outcome = 'unchanged' | 'created' | 'updated' | 'kept';
interface Counts { fetched: number; unchanged: number; created: number; updated: number; kept: number; conflicts: number; skipped: number }
const zero = (): Counts => ({ fetched: 0, unchanged: 0, created: 0, updated: 0, kept: 0, conflicts: 0, skipped: 0 });

const running = new WeakSet<object>();

/** A ServiceContext inside the pull's transaction: handlers called through it behave as in any mutating operation. */
function txContext(env: PullEnv, em: ServiceContext['em']): ServiceContext {
  const ctx: ServiceContext = {
    ...env,
    em,
    call: async (name, input) => {
      const { handlers } = await import('../../services/registry');
      const handler = handlers[name as OpName] as unknown as (i: unknown, c: ServiceContext) => Promise<unknown>;
      return (await handler(parseInput(getOp(name), input), ctx)) as never;
    },
  };
  return ctx;
}

const hashOf = (erp: Record<string, unknown>): string => createHash('sha256').update(canonical(erp)).digest('hex');
const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function setting(env: PullEnv, key: string): unknown {
  const r = env.raw.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return r ? (JSON.parse(r.value) as unknown) : undefined;
}

/** Cadence's current values of the pulled fields (plus the product's ERP currency), or null when the record is gone. */
export function cadenceValues(env: Pick<PullEnv, 'raw'>, entity: PullEntity, id: string): { values: Record<string, unknown>; version: number } | null {
  if (entity === 'product') {
    const r = env.raw.prepare('SELECT sku, name, description, active, version FROM products WHERE id = ?').get(id) as
      { sku: string; name: string; description: string; active: number; version: number } | undefined;
    if (!r) return null;
    const pe = getProductErp(env.raw, id);
    return {
      version: r.version,
      values: { sku: r.sku, name: r.name, description: r.description, active: !!r.active, price: pe?.listPrice ?? null, currency: pe?.currency ?? null, stock: pe?.stockAvailable ?? null },
    };
  }
  const r = env.raw.prepare('SELECT number, name, vat_id, email, country, billing_address, currency, payment_terms_days, tags, notes, version FROM customers WHERE id = ?').get(id) as
    Record<string, string | number | null> | undefined;
  if (!r) return null;
  const addr = r.billing_address ? (JSON.parse(r.billing_address as string) as Record<string, string>) : null;
  return {
    version: r.version as number,
    values: {
      number: r.number, name: r.name, vatId: r.vat_id ?? null, email: r.email, country: r.country,
      billingAddress: addr ? { line1: addr.line1 ?? '', line2: addr.line2 ?? '', city: addr.city ?? '', postalCode: addr.postalCode ?? '', region: addr.region ?? '', country: addr.country ?? '' } : null,
      currency: r.currency, paymentTermsDays: r.payment_terms_days, tags: JSON.parse((r.tags as string) ?? '[]') as string[], notes: r.notes ?? '',
    },
  };
}

/**
 * Writes values into a Cadence record the way a user edit would (the service update, with the version it read), plus
 * the ERP-side product data. With `fromErp` the outbox row of the change is dropped (no echo). Returns dropped rows.
 */
async function writeValues(
  tx: ServiceContext, connector: string, entity: PullEntity, id: string, version: number, patch: Record<string, unknown>, erp: Record<string, unknown>,
  fromErp: boolean, stock?: StockItem[],
): Promise<number> {
  const now = tx.clock.now().toISOString();
  const servicePatch = Object.fromEntries(Object.entries(patch).filter(([k]) => !(entity === 'product' && ERP_SIDE_PRODUCT_FIELDS.has(k))));
  let dropped = 0;
  if (Object.keys(servicePatch).length) {
    const before = maxOutboxSeq(tx.raw, entity, id);
    if (entity === 'product') await tx.call('products.update', { id, expectedVersion: version, patch: servicePatch as never });
    else await tx.call('customers.update', { id, expectedVersion: version, patch: servicePatch as never });
    if (fromErp) dropped = suppressEcho(tx.raw, entity, id, before);
  }
  if (entity === 'product' && ('price' in patch || 'stock' in patch)) {
    upsertProductErp(tx.raw, id, connector, {
      ...('price' in patch ? { listPrice: patch.price as string | null, currency: (erp.currency as string | undefined) ?? null } : {}),
      ...('stock' in patch ? { stockAvailable: patch.stock as string | null, stockAsOf: now } : {}),
    }, now);
    if ('stock' in patch && patch.stock !== null) stock?.push({ productId: id, available: patch.stock as string, asOf: now });
  }
  return dropped;
}

/** A product's available stock for the recurring orders (`stock.update`, main/services/orders), when that area is present. */
export interface StockItem { productId: string; available: string; asOf: string }

/**
 * Stock awareness of recurring orders: the ERP's available quantities go through the `stock.update` operation (which
 * writes `product_stock` of migration 0006 and re-flags upcoming orders), once per batch, in the batch's transaction.
 * A backend without that operation keeps the figures in products_erp only.
 */
async function pushStock(tx: ServiceContext, items: StockItem[]): Promise<boolean> {
  if (items.length === 0 || !isOpName('stock.update')) return false;
  const { handlers } = await import('../../services/registry');
  if (typeof (handlers as Record<string, unknown>)['stock.update'] !== 'function') return false;
  await tx.call('stock.update' as OpName, { items, source: 'erp_pull' } as never);
  return true;
}

/** The Cadence record an ERP record belongs to: snapshot, then external_refs (pushes), then the natural key. */
function findRecord(tx: ServiceContext, connector: string, entity: PullEntity, rec: PulledRecord, erp: Record<string, unknown>): string | null {
  const exists = (id: string | null): id is string =>
    !!id && !!tx.raw.prepare(`SELECT 1 FROM ${entity === 'product' ? 'products' : 'customers'} WHERE id = ?`).get(id);
  const snap = getSnapshot(tx.raw, connector, entity, rec.externalId);
  if (exists(snap?.recordId ?? null)) return snap!.recordId;
  const byRef = recordByExternalRef(tx.raw, connector, entity, rec.externalId);
  if (exists(byRef)) return byRef;
  const free = (id: string) => {
    const other = linkedExternalId(tx.raw, connector, entity, id);
    return other === null || other === rec.externalId;
  };
  if (entity === 'product') {
    const sku = erp.sku as string | undefined;
    if (!sku) return null;
    const r = tx.raw.prepare('SELECT id FROM products WHERE sku = ?').get(sku) as { id: string } | undefined;
    if (!r) return null;
    if (!free(r.id)) throw new PullDataError(`SKU ${sku} already belongs to the product linked to ERP record ${linkedExternalId(tx.raw, connector, entity, r.id)}`);
    return r.id;
  }
  const number = erp.number as string | undefined;
  if (number) {
    const r = tx.raw.prepare('SELECT id FROM customers WHERE number = ?').get(number) as { id: string } | undefined;
    if (r) {
      if (!free(r.id)) throw new PullDataError(`customer number ${number} already belongs to the customer linked to ERP record ${linkedExternalId(tx.raw, connector, entity, r.id)}`);
      return r.id;
    }
  }
  const vat = erp.vatId as string | null | undefined;
  if (vat) {
    const rows = tx.raw.prepare('SELECT id FROM customers WHERE vat_id = ?').all(vat) as { id: string }[];
    const candidates = rows.filter((r) => free(r.id));
    if (candidates.length === 1) return candidates[0]!.id;
  }
  return null;
}

async function createRecord(tx: ServiceContext, connector: string, entity: PullEntity, erp: Record<string, unknown>, stock: StockItem[]): Promise<{ id: string; dropped: number }> {
  const now = tx.clock.now().toISOString();
  if (entity === 'product') {
    if (!isSku(erp.sku)) throw new PullDataError(erp.sku ? `"${String(erp.sku)}" cannot be a Cadence SKU` : 'the ERP product has no code to use as SKU');
    if (!erp.name) throw new PullDataError('the ERP product has no name');
    const p = await tx.call('products.create', {
      sku: erp.sku, name: erp.name as string, description: (erp.description as string | undefined) ?? '', active: (erp.active as boolean | undefined) ?? true,
      ...(erp.kind === 'service' || erp.kind === 'physical' ? { kind: erp.kind } : {}),
      ...(typeof erp.unit === 'string' ? { unit: erp.unit as never } : {}),
    });
    const dropped = suppressEcho(tx.raw, 'product', p.id, 0);
    if (erp.price !== undefined || erp.stock !== undefined) {
      upsertProductErp(tx.raw, p.id, connector, {
        ...(erp.price !== undefined ? { listPrice: erp.price as string | null, currency: (erp.currency as string | undefined) ?? null } : {}),
        ...(erp.stock !== undefined ? { stockAvailable: erp.stock as string, stockAsOf: now } : {}),
      }, now);
      if (erp.stock !== undefined && erp.stock !== null) stock.push({ productId: p.id, available: erp.stock as string, asOf: now });
    }
    return { id: p.id, dropped };
  }
  if (!erp.name) throw new PullDataError('the ERP party has no name');
  if (!erp.email) throw new PullDataError('the ERP party has no e-mail address (Cadence needs one to invoice): add one in the ERP');
  const vat = erp.vatId as string | null | undefined;
  const vatCountry = vat && /^[A-Z]{2}/.test(vat) ? (vat.startsWith('EL') ? 'GR' : vat.slice(0, 2)) : undefined;
  const c = await tx.call('customers.create', {
    name: erp.name as string,
    ...(isCustomerNumber(erp.number) ? { number: erp.number } : {}),
    vatId: vat ?? null,
    country: (erp.country as string | null | undefined) ?? vatCountry ?? (setting(tx, 'companyCountry') as string | undefined) ?? 'DE',
    currency: (erp.currency as string | null | undefined) ?? (setting(tx, 'defaultCurrency') as string | undefined) ?? 'EUR',
    email: erp.email as string,
    billingAddress: (erp.billingAddress as never) ?? null,
    ...(erp.paymentTermsDays !== undefined ? { paymentTermsDays: erp.paymentTermsDays as number } : {}),
    tags: [...new Set([...((erp.tags as string[] | undefined) ?? []), PULLED_TAG])],
    ...(erp.notes !== undefined ? { notes: erp.notes as string } : {}),
  });
  return { id: c.id, dropped: suppressEcho(tx.raw, 'customer', c.id, 0) };
}

interface ApplyResult { outcome: Outcome; conflicts: number; dropped: number }

/** Applies one pulled record (inside the batch transaction). */
async function applyRecord(tx: ServiceContext, connector: string, entity: PullEntity, rec: PulledRecord, ownership: Record<string, FieldOwner>, stock: StockItem[]): Promise<ApplyResult> {
  const now = tx.clock.now().toISOString();
  const erp = normalizeErp(entity, rec);
  const hash = hashOf(erp);
  const snap = getSnapshot(tx.raw, connector, entity, rec.externalId);
  const recordId = findRecord(tx, connector, entity, rec, erp);
  // the ERP record is as last pulled: nothing to do — unless a conflict is open on it (Cadence may have come to agree)
  if (snap && recordId === snap.recordId && snap.hash === hash && openConflictFields(tx.raw, entity, recordId).size === 0) return { outcome: 'unchanged', conflicts: 0, dropped: 0 };
  const code = rec.externalCode ?? ((entity === 'product' ? erp.sku : erp.number) as string | undefined) ?? null;

  if (!recordId) {
    const made = await createRecord(tx, connector, entity, erp, stock);
    if (!getExternalRef(tx.raw, entity, made.id, connector)) setExternalRef(tx.raw, { aggregateType: entity, aggregateId: made.id, connector, externalId: rec.externalId, externalNumber: code }, now);
    saveSnapshot(tx.raw, connector, entity, rec.externalId, { recordId: made.id, externalCode: code, hash, erp, cadence: cadenceValues(tx, entity, made.id)!.values, erpUpdatedAt: rec.updatedAt, createdByPull: true }, now);
    return { outcome: 'created', conflicts: 0, dropped: made.dropped };
  }

  const cur = cadenceValues(tx, entity, recordId)!;
  const base = snap && snap.recordId === recordId ? { erp: snap.erp, cadence: snap.cadence } : null;
  const merged = mergeRecord({ ownership, erp, cadence: cur.values, base, openConflicts: openConflictFields(tx.raw, entity, recordId) });
  const dropped = Object.keys(merged.patch).length ? await writeValues(tx, connector, entity, recordId, cur.version, merged.patch, erp, true, stock) : 0;
  let fresh = 0;
  for (const c of merged.conflicts) {
    if (upsertConflict(tx.raw, { connector, entity, recordId, externalId: rec.externalId, field: c.field, cadence: c.cadence, erp: c.erp, base: c.base }, now)) fresh++;
  }
  for (const f of merged.agreed) closeAgreed(tx.raw, entity, recordId, f, erp[f], now);
  if (!getExternalRef(tx.raw, entity, recordId, connector)) setExternalRef(tx.raw, { aggregateType: entity, aggregateId: recordId, connector, externalId: rec.externalId, externalNumber: code }, now);
  saveSnapshot(tx.raw, connector, entity, rec.externalId, { recordId, externalCode: code, hash, erp, cadence: cadenceValues(tx, entity, recordId)!.values, erpUpdatedAt: rec.updatedAt, createdByPull: false }, now);
  // updated: Cadence changed; kept: the ERP differs but Cadence keeps its values (ownership, conflicts); else the values
  // already agree (e.g. a record Cadence pushed, linked on its first pull)
  const outcome: Outcome = Object.keys(merged.patch).length ? 'updated' : merged.kept.length || merged.conflicts.length ? 'kept' : 'unchanged';
  return { outcome, conflicts: fresh, dropped };
}

/** Pulls the entities from the connector and applies them. One pull at a time per database. */
export async function runPull(env: PullEnv, connector: Connector, opts: PullOptions = {}): Promise<PullSummary> {
  if (!connector.pull) throw new AppError('CONFLICT', `the ${connector.name} connector cannot pull master data`);
  if (running.has(env.raw)) throw new AppError('CONFLICT', 'a pull is already running');
  running.add(env.raw);
  const t0 = performance.now();
  const entities = opts.entities?.length ? [...new Set(opts.entities)] : (['product', 'customer'] as PullEntity[]);
  const batchSize = Math.max(1, opts.batchSize ?? 200);
  const summary: PullSummary = { ...zero(), entities: [], errors: [], echoSuppressed: 0, stockUpdated: 0, durationMs: 0 };
  const emit = (e: Record<string, unknown>) => env.events.emit('sync.status', { event: 'pull', connector: connector.name, ...e });
  try {
    for (const entity of entities) {
      const since = getPullState(env.raw, connector.name, entity)?.watermark ?? null;
      emit({ phase: 'fetching', entity, since });
      let fetched: PulledRecord[];
      try {
        fetched = await connector.pull(entity, since ?? undefined);
      } catch (e) {
        emit({ phase: 'failed', entity, error: errText(e) });
        throw new AppError('UNAVAILABLE', `pulling ${entity}s from ${connector.name} failed: ${errText(e)}`);
      }
      const byId = new Map<string, PulledRecord>();
      for (const r of fetched) byId.set(String(r.externalId), r); // the last one wins
      const records = [...byId.values()];
      const counts = zero();
      counts.fetched = records.length;
      const failedAt: string[] = [];
      let failedWithoutTime = false;
      const ownership = readOwnership(env.raw)[entity] as Record<string, FieldOwner>;
      for (let i = 0; i < records.length; i += batchSize) {
        const batch = records.slice(i, i + batchSize);
        await env.runtime.writeLock(() => env.ds.transaction(async (em) => {
          const tx = txContext(env, em);
          const stock: StockItem[] = [];
          for (const rec of batch) {
            tx.raw.exec('SAVEPOINT cadence_pull_record');
            const mark = stock.length;
            try {
              const r = await applyRecord(tx, connector.name, entity, rec, ownership, stock);
              tx.raw.exec('RELEASE cadence_pull_record');
              counts[r.outcome]++;
              counts.conflicts += r.conflicts;
              summary.echoSuppressed += r.dropped;
            } catch (e) {
              tx.raw.exec('ROLLBACK TO cadence_pull_record');
              tx.raw.exec('RELEASE cadence_pull_record');
              stock.length = mark;
              counts.skipped++;
              if (rec.updatedAt) failedAt.push(rec.updatedAt);
              else failedWithoutTime = true;
              summary.errors.push({ entity, externalId: rec.externalId, ...(e instanceof AppError ? { code: e.code } : {}), message: `${rec.externalCode ?? rec.externalId}: ${errText(e)}` });
            }
          }
          // the figures are in products_erp already; a refusal of the orders area must not lose the batch
          tx.raw.exec('SAVEPOINT cadence_pull_stock');
          try {
            if (await pushStock(tx, stock)) summary.stockUpdated += stock.length;
            tx.raw.exec('RELEASE cadence_pull_stock');
          } catch (e) {
            tx.raw.exec('ROLLBACK TO cadence_pull_stock');
            tx.raw.exec('RELEASE cadence_pull_stock');
            summary.errors.push({ entity, externalId: '*', ...(e instanceof AppError ? { code: e.code } : {}), message: `stock.update refused the ERP stock: ${errText(e)}` });
          }
        }));
        emit({ phase: 'applying', entity, processed: Math.min(i + batch.length, records.length), total: records.length });
      }
      // Next time ask from the newest change seen, or from the oldest record that failed (so it is fetched again).
      const seen = records.map((r) => r.updatedAt).filter(Boolean).sort();
      const watermark = failedWithoutTime ? since : failedAt.length ? failedAt.sort()[0]! : ([since, seen.at(-1)].filter((x): x is string => !!x).sort().at(-1) ?? null);
      await env.runtime.writeLock(() => env.raw.transaction(() => savePullState(env.raw, connector.name, entity, watermark, counts, env.clock.now().toISOString()))());
      summary.entities.push({ entity, since, watermark, ...counts });
      for (const k of Object.keys(counts) as (keyof Counts)[]) summary[k] += counts[k];
      emit({ phase: 'done', entity, ...counts });
    }
  } finally {
    running.delete(env.raw);
  }
  summary.durationMs = performance.now() - t0;
  if (summary.created + summary.updated > 0) env.events.emit('data.changed', { operation: 'sync.pull' });
  return summary;
}

/**
 * Resolves an open conflict inside the caller's transaction (a mutating operation's ctx): applies the chosen value
 * through the service and records who decided and when. 'erp' is not pushed back (echo suppressed); 'cadence' and
 * 'custom' are: the service's outbox row carries the value to the ERP.
 */
export async function resolveConflict(ctx: ServiceContext, input: { id: string; take: 'cadence' | 'erp' | 'custom'; value?: unknown; by: string }): Promise<SyncConflict> {
  const c = getConflict(ctx.raw, input.id);
  if (!c) throw AppError.notFound('conflict', input.id);
  if (c.status !== 'open') throw AppError.conflict(`conflict ${c.id} was already resolved (${c.resolution}) by ${c.resolvedBy ?? 'someone'} at ${c.resolvedAt}`);
  const cur = cadenceValues(ctx, c.entity, c.recordId);
  if (!cur) throw AppError.notFound(c.entity, c.recordId);
  let value: unknown;
  try {
    value = input.take === 'erp' ? c.erpValue : input.take === 'cadence' ? cur.values[c.field] : normalizeFieldValue(c.entity, c.field, input.value);
  } catch (e) {
    throw AppError.validation('value', errText(e));
  }
  const snapErp = ctx.raw.prepare('SELECT erp_data FROM sync_pull_records WHERE connector = ? AND entity = ? AND external_id = ?').get(c.connector, c.entity, c.externalId) as { erp_data: string } | undefined;
  const erp = snapErp ? (JSON.parse(snapErp.erp_data) as Record<string, unknown>) : {};
  try {
    const stock: StockItem[] = [];
    await writeValues(ctx, c.connector, c.entity, c.recordId, cur.version, { [c.field]: value }, erp, input.take === 'erp', stock);
    await pushStock(ctx, stock);
  } catch (e) {
    if (e instanceof AppError && e.code === 'VALIDATION') throw new AppError('VALIDATION', `value: ${e.message}`, { fields: [{ path: 'value', message: e.message }] });
    throw e;
  }
  closeConflict(ctx.raw, c.id, { resolution: input.take, value, by: input.by }, ctx.clock.now().toISOString());
  return conflictView(ctx.raw, c.id);
}
