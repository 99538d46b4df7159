/**
 * The sync manager: builds the configured ERP connector (secrets from the SecretStore), runs the outbox sender in
 * the background (web mode, Electron) and answers the sync.* operations.
 */
import type { z } from 'zod';
import { AppError } from '../../shared/api/errors';
import type { SyncConfig, SyncConfigureInput } from '../../shared/api/ops/sync';
import type { Connector } from '../sync/connector';
import { RestConnector, type RestAuth } from '../sync/connectors/rest';
import { TrytonConnector } from '../sync/connectors/tryton';
import { MissingSecretKeyError, type SecretStore, webSecretStore } from '../sync/credentials';
import { getOutboxRow, listParked, outboxCounts, type OutboxRecord } from '../sync/outbox';
import { OutboxSender, type AckContext, type PushSummary, type SyncEvent } from '../sync/sender';
import { listConflicts, listProductErp, readOwnership, resolveConflict, runPull, writeOwnership } from '../sync/pull/index';
import { log } from '../platform/logger';
import type { Backend } from './backend';
import type { HandlerMap, ServiceContext } from './context';
import { registerRuntimePart } from './runtime-parts';
import { applyErpStatus } from './orders/fulfilment';

type Cfg = z.output<typeof SyncConfig>;
const DEFAULT_CONFIG: Cfg = { connector: 'none', offlineRecheckMs: 30000, workOffline: false };
/** Default REST paths per aggregate type (each overridable, with a field mapping, in the connector settings). */
export const DEFAULT_REST_ENTITIES: Record<string, { path: string }> = {
  customer: { path: '/customers' }, product: { path: '/products' }, plan: { path: '/plans' }, price_book: { path: '/price-books' },
  bundle: { path: '/bundles' }, subscription: { path: '/subscriptions' }, invoice: { path: '/invoices' }, credit_note: { path: '/credit-notes' },
  payment: { path: '/payments' }, sales_order: { path: '/sales-orders' }, location: { path: '/locations' },
};
const SECRET_KEY = (connector: string) => `sync.${connector}.secret`;

export class SyncManager {
  /** The latest (re)configuration; operations wait for it so a change of settings is in force when they run. */
  private reloading: Promise<void> = Promise.resolve();
  private sender: OutboxSender | null = null;
  private connector: Connector | null = null;
  private store: SecretStore | null = null;
  private offDataChanged: (() => void) | null = null;

  constructor(private readonly backend: Backend) {}

  get raw() {
    return this.backend.base.raw;
  }

  config(): Cfg {
    const row = this.raw.prepare("SELECT value FROM settings WHERE key = 'syncConfig'").get() as { value: string } | undefined;
    return row ? { ...DEFAULT_CONFIG, ...(JSON.parse(row.value) as Partial<Cfg>) } : DEFAULT_CONFIG;
  }

  secretStore(): SecretStore {
    if (this.store) return this.store;
    try {
      this.store = this.backend.options.secretStore?.() ?? webSecretStore(this.backend.base.dataDir);
      return this.store;
    } catch (e) {
      if (e instanceof MissingSecretKeyError) {
        throw new AppError('VALIDATION', `secret: connector credentials are stored encrypted; set the environment variable CADENCE_SECRET_KEY before starting Cadence in web mode (${e.message})`, {
          fields: [{ path: 'secret', message: 'needs CADENCE_SECRET_KEY in the environment to be stored encrypted' }],
        });
      }
      throw e;
    }
  }

  async hasSecret(connector: string): Promise<boolean> {
    if (connector === 'none') return false;
    try {
      return (await this.secretStore().get(SECRET_KEY(connector))) !== null;
    } catch {
      return false;
    }
  }

  private async buildConnector(cfg: Cfg): Promise<Connector | null> {
    if (cfg.connector === 'none') return null;
    const secret = (await this.secretStore().get(SECRET_KEY(cfg.connector))) ?? '';
    if (cfg.connector === 'tryton') {
      const t = cfg.tryton!;
      return new TrytonConnector({ url: t.url, database: t.database, username: t.username, password: secret });
    }
    const r = cfg.rest!;
    const auth: RestAuth =
      r.auth === 'bearer' ? { type: 'bearer', token: secret }
        : r.auth === 'basic' ? { type: 'basic', username: r.username ?? '', password: secret }
          : r.auth === 'hmac' ? { type: 'hmac', secret, header: r.hmacHeader }
            : { type: 'none' };
    return new RestConnector({
      baseUrl: r.baseUrl, auth, entities: { ...DEFAULT_REST_ENTITIES, ...r.entities }, timeoutMs: r.timeoutMs, pingPath: r.pingPath,
      batch: r.batchPath ? { path: r.batchPath, maxItems: r.batchMaxItems ?? 100 } : undefined,
      ...(r.pull ? { pull: r.pull } : {}),
    });
  }

  /** Writes the ERP's number back on Cadence's record (invoices, credit notes, sales orders) when the table has it. */
  private onAck = (ctx: AckContext): void => {
    if (ctx.row.aggregateType === 'sales_order' && ctx.row.eventType === 'sales_order.released') {
      // The ERP confirmed the order (allocation of stock starts there): its number and status come back.
      applyErpStatus(ctx.raw, ctx.row.aggregateId, { erpOrderNumber: ctx.ack.externalNumber ?? null, erpStatus: 'confirmed', source: ctx.connector }, ctx.nowIso);
      return;
    }
    const num = ctx.ack.externalNumber;
    if (!num && !ctx.ack.externalId) return;
    const tables: Record<string, string> = { invoice: 'invoices', credit_note: 'invoices', sales_order: 'sales_orders' };
    const table = tables[ctx.row.aggregateType];
    if (!table) return;
    const cols = (ctx.raw.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
    if (num && cols.includes('erp_number')) ctx.raw.prepare(`UPDATE ${table} SET erp_number = ? WHERE id = ?`).run(num, ctx.row.aggregateId);
    if (ctx.ack.externalId && cols.includes('erp_id')) ctx.raw.prepare(`UPDATE ${table} SET erp_id = ? WHERE id = ?`).run(ctx.ack.externalId, ctx.row.aggregateId);
  };

  private onEvent = (e: SyncEvent): void => {
    if (e.type === 'parked') log.warn('outbox row parked', { id: e.id, message: e.message });
    this.backend.events.emit('sync.status', { event: e.type, ...this.counts() });
  };

  counts() {
    const c = outboxCounts(this.raw);
    return { pending: c.pending, parked: c.parked, done: c.done, skipped: c.skipped, online: this.sender ? this.sender.status().online : null };
  }

  /** Reloads once the current write transaction has committed (the configuration is read from the store). */
  scheduleReload(): Promise<void> {
    this.reloading = this.reloading
      .catch(() => undefined)
      .then(() => new Promise<void>((r) => setImmediate(r)))
      .then(() => this.backend.runtime.writeLock(() => undefined)) // after the configuring transaction
      .then(() => this.reload())
      .catch((e) => log.warn('sync reload failed', { error: String(e) }));
    return this.reloading;
  }

  /** Resolves when the latest configuration change is in force. */
  settled(): Promise<void> {
    return this.reloading.catch(() => undefined);
  }

  /** (Re)creates the sender from the saved configuration; starts its loop when the backend runs background work. */
  async reload(): Promise<void> {
    await this.stop();
    const cfg = this.config();
    try {
      this.connector = await this.buildConnector(cfg);
    } catch (e) {
      log.warn('sync connector not available', { error: (e as Error).message });
      this.connector = null;
    }
    if (!this.connector) return;
    this.sender = new OutboxSender({
      raw: this.raw,
      connector: this.connector,
      clock: this.backend.clock,
      withWriteLock: this.backend.runtime.writeLock,
      offlineRecheckMs: cfg.offlineRecheckMs,
      idlePollMs: 5000,
      onAck: this.onAck,
      onEvent: this.onEvent,
    });
    if (this.backend.runtime.background && !cfg.workOffline) this.sender.start();
    this.offDataChanged = this.backend.events.on('data.changed', () => this.sender?.kick());
  }

  async stop(): Promise<void> {
    this.offDataChanged?.();
    this.offDataChanged = null;
    if (this.sender) await this.sender.stop();
    this.sender = null;
    await this.connector?.close?.().catch(() => undefined);
    this.connector = null;
  }

  status() {
    const cfg = this.config();
    if (this.sender) {
      const s = this.sender.status();
      return {
        configured: true, connector: s.connector, workOffline: cfg.workOffline, online: cfg.workOffline ? false : s.online, running: this.sender.isRunning,
        pending: s.pending, blocked: s.blocked, done: s.done, skipped: s.skipped, parked: s.parked,
        lastSuccessAt: s.lastSuccessAt, lastError: s.lastError, lastErrorAt: s.lastErrorAt, nextAttemptAt: s.nextAttemptAt,
      };
    }
    const c = outboxCounts(this.raw);
    const parked = listParked(this.raw).map((r) => ({
      id: r.id, aggregateType: r.aggregateType, aggregateId: r.aggregateId, aggregateSeq: r.aggregateSeq, eventType: r.eventType,
      attempts: r.attempts, erpMessage: r.erpMessage ?? r.lastError, parkedAt: r.parkedAt, createdAt: r.createdAt,
    }));
    return {
      configured: cfg.connector !== 'none', connector: cfg.connector, workOffline: cfg.workOffline, online: cfg.connector === 'none' ? false : null, running: false,
      pending: c.pending, blocked: c.blocked, done: c.done, skipped: c.skipped, parked,
      lastSuccessAt: null, lastError: cfg.connector === 'none' ? 'No ERP connector is configured' : null, lastErrorAt: null, nextAttemptAt: null,
    };
  }

  async pushNow(): Promise<PushSummary> {
    const cfg = this.config();
    if (!this.sender) throw new AppError('CONFLICT', cfg.connector === 'none' ? 'No ERP connector is configured: choose one under Sync settings (sync.configure)' : 'The ERP connector could not be started; check its settings and credentials');
    if (cfg.workOffline) {
      const c = outboxCounts(this.raw);
      return { sent: 0, failed: 0, parked: 0, pending: c.pending, blocked: c.blocked, parkedTotal: c.parked, skipped: c.skipped, online: false, durationMs: 0 };
    }
    await this.sender.checkOnline();
    return this.sender.pushOnce({ force: true });
  }

  /** The configured connector for a master-data pull (the sender's own; Tryton serialises its requests). */
  connectorForPull(): Connector {
    const cfg = this.config();
    if (cfg.workOffline) throw new AppError('CONFLICT', 'Working offline: go back online (sync.setWorkOffline) to pull from the ERP');
    if (!this.connector) throw new AppError('CONFLICT', cfg.connector === 'none' ? 'No ERP connector is configured: choose one under Sync settings (sync.configure)' : 'The ERP connector could not be started; check its settings and credentials');
    return this.connector;
  }

  async retry(id: string, payload: unknown, reason?: string): Promise<OutboxRecord> {
    if (this.sender) return this.sender.retry(id, { payload, reason, actor: 'user' });
    const { retryParked } = await import('../sync/outbox');
    return this.backend.runtime.writeLock(() => retryParked(this.raw, id, this.backend.clock.now().toISOString(), { payload, reason, actor: 'user' }));
  }

  async skip(id: string, reason?: string): Promise<OutboxRecord> {
    if (this.sender) return this.sender.skip(id, { reason, actor: 'user' });
    const { skipParked } = await import('../sync/outbox');
    return this.backend.runtime.writeLock(() => skipParked(this.raw, id, this.backend.clock.now().toISOString(), { reason, actor: 'user' }));
  }
}

export function syncManagerOf(ctx: Pick<ServiceContext, 'runtime'>): SyncManager {
  const m = ctx.runtime.parts.get('sync') as SyncManager | undefined;
  if (!m) throw new AppError('INTERNAL', 'the sync manager is not running');
  return m;
}

registerRuntimePart('sync', async (backend) => {
  const manager = new SyncManager(backend);
  backend.runtime.parts.set('sync', manager);
  await manager.reload();
  return () => manager.stop();
});

function entryOf(r: OutboxRecord) {
  return {
    id: r.id, aggregateType: r.aggregateType, aggregateId: r.aggregateId, aggregateSeq: r.aggregateSeq, eventType: r.eventType,
    status: r.status, attempts: r.attempts, lastError: r.lastError, erpMessage: r.erpMessage ?? null, createdAt: r.createdAt, sentAt: r.sentAt,
    payload: r.payload,
  };
}

function wrapOutboxError(e: unknown): never {
  const msg = (e as Error).message ?? String(e);
  if (/not found|no outbox row/i.test(msg)) throw new AppError('NOT_FOUND', msg);
  if (/not parked|state/i.test(msg)) throw new AppError('CONFLICT', msg);
  throw e;
}

type SyncOps = 'sync.status' | 'sync.getConfig' | 'sync.configure' | 'sync.setWorkOffline' | 'sync.pushNow' | 'sync.retry' | 'sync.skip' | 'sync.outbox'
  | 'sync.pull' | 'sync.conflicts' | 'sync.resolveConflict' | 'sync.getOwnership' | 'sync.setOwnership' | 'sync.erpProducts';

export const syncHandlers: HandlerMap<SyncOps> = {
  async 'sync.status'(_i, ctx) {
    const m = syncManagerOf(ctx);
    await m.settled();
    return m.status();
  },
  async 'sync.getConfig'(_i, ctx) {
    const m = syncManagerOf(ctx);
    const cfg = m.config();
    return { ...cfg, hasSecret: await m.hasSecret(cfg.connector) };
  },
  async 'sync.configure'(input: z.output<typeof SyncConfigureInput>, ctx) {
    const m = syncManagerOf(ctx);
    const { secret, ...cfg } = input;
    if (secret !== undefined && cfg.connector !== 'none') await m.secretStore().set(SECRET_KEY(cfg.connector), secret);
    ctx.raw.prepare("INSERT INTO settings (key, value) VALUES ('syncConfig', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify(cfg));
    // The new connector starts after this transaction commits.
    void m.scheduleReload();
    return { ...cfg, hasSecret: await m.hasSecret(cfg.connector) };
  },
  async 'sync.setWorkOffline'(input, ctx) {
    const m = syncManagerOf(ctx);
    const cfg = { ...m.config(), workOffline: input.workOffline };
    ctx.raw.prepare("INSERT INTO settings (key, value) VALUES ('syncConfig', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify(cfg));
    void m.scheduleReload().then(() => ctx.events.emit('sync.status', { event: input.workOffline ? 'offline' : 'online', ...m.counts() }));
    return { ...m.status(), workOffline: input.workOffline, online: input.workOffline ? false : m.status().online };
  },
  async 'sync.pushNow'(_i, ctx) {
    const m = syncManagerOf(ctx);
    await m.settled();
    return m.pushNow();
  },
  async 'sync.retry'(input, ctx) {
    try {
      await syncManagerOf(ctx).settled();
      return entryOf(await syncManagerOf(ctx).retry(input.id, input.payload, input.reason));
    } catch (e) {
      return wrapOutboxError(e);
    }
  },
  async 'sync.skip'(input, ctx) {
    try {
      await syncManagerOf(ctx).settled();
      return entryOf(await syncManagerOf(ctx).skip(input.id, input.reason));
    } catch (e) {
      return wrapOutboxError(e);
    }
  },
  async 'sync.outbox'(input, ctx) {
    const where: string[] = [];
    const args: unknown[] = [];
    if (input.status !== 'all') { where.push('status = ?'); args.push(input.status); }
    if (input.aggregateType) { where.push('aggregate_type = ?'); args.push(input.aggregateType); }
    const ids = ctx.raw.prepare(`SELECT id FROM outbox ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`).all(...args, input.limit) as { id: string }[];
    return ids.map((r) => entryOf(getOutboxRow(ctx.raw, r.id)!));
  },
  // ---------------------------------------------------------------- master-data pull (main/sync/pull)
  async 'sync.pull'(input, ctx) {
    await syncManagerOf(ctx).settled();
    return runPull(ctx, syncManagerOf(ctx).connectorForPull(), { entities: input.entities });
  },
  async 'sync.conflicts'(input, ctx) {
    return listConflicts(ctx.raw, input);
  },
  async 'sync.resolveConflict'(input, ctx) {
    return resolveConflict(ctx, input);
  },
  async 'sync.getOwnership'(_i, ctx) {
    return readOwnership(ctx.raw);
  },
  async 'sync.setOwnership'(input, ctx) {
    return writeOwnership(ctx.raw, input);
  },
  async 'sync.erpProducts'(input, ctx) {
    return listProductErp(ctx.raw, input.productIds);
  },
};
