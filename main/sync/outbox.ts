/**
 * The transactional outbox: services append an event in the same SQLite transaction as the change;
 * the sender (sender.ts) pushes it later. Raw better-sqlite3 on purpose: this runs inside every
 * mutating service call and in the sender's hot loop.
 *
 * Tables: outbox (0001), outbox_actions, external_refs, sync_state (0002-sync).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { OutboxRow } from '../db/entities';
import { newId } from '../platform/ids';

export type OutboxStatus = OutboxRow['status'];

export interface EnqueueInput {
  aggregateType: string;
  aggregateId: string;
  eventType: string;
  /** The full entity snapshot (JSON-serialisable). */
  payload: unknown;
  /**
   * The aggregate was created in the caller's transaction (a new id): this is its first event, sequence 1, with no
   * lookup. Were it not, the UNIQUE (aggregate_type, aggregate_id, aggregate_seq) constraint rejects the row.
   */
  firstEvent?: boolean;
}

/** An outbox row with the sync columns of migration 0002. */
export interface OutboxRecord extends OutboxRow {
  erpMessage: string | null;
  parkedAt: string | null;
}

interface RawOutboxRow {
  id: string;
  idempotency_key: string;
  aggregate_type: string;
  aggregate_id: string;
  aggregate_seq: number;
  event_type: string;
  payload: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  erp_message?: string | null;
  parked_at?: string | null;
}

/**
 * Payloads rendered when read: an event about an immutable record (a finalized invoice or credit note: number, lines,
 * totals and snapshots never change) stores only `{ "$render": name, ...event-time fields }` and its payload is
 * built from the record whenever the row is read (sent, listed, retried) — the same snapshot, without writing the
 * document a second time into the outbox. The row is still written in the transaction of the change. A renderer is
 * registered by the module owning the record.
 */
export type PayloadRenderer = (raw: BetterSqlite3.Database, aggregateId: string, stored: Record<string, unknown>) => unknown;
const renderers = new Map<string, PayloadRenderer>();
export function registerPayloadRenderer(name: string, render: PayloadRenderer): void {
  renderers.set(name, render);
}
/** The stored form of a rendered payload. */
export const renderedPayload = (name: string, fields: Record<string, unknown> = {}) => ({ $render: name, ...fields });

function payloadOf(raw: BetterSqlite3.Database, r: RawOutboxRow): unknown {
  const p = JSON.parse(r.payload) as unknown;
  if (p === null || typeof p !== 'object' || !('$render' in p)) return p;
  const stored = p as Record<string, unknown>;
  const render = renderers.get(String(stored.$render));
  if (!render) throw new Error(`outbox row ${r.id}: no payload renderer "${String(stored.$render)}" is registered`);
  return render(raw, r.aggregate_id, stored);
}

export function mapOutboxRow(r: RawOutboxRow, raw: BetterSqlite3.Database): OutboxRecord {
  return {
    id: r.id,
    idempotencyKey: r.idempotency_key,
    aggregateType: r.aggregate_type,
    aggregateId: r.aggregate_id,
    aggregateSeq: r.aggregate_seq,
    eventType: r.event_type,
    payload: payloadOf(raw, r),
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    erpMessage: r.erp_message ?? null,
    parkedAt: r.parked_at ?? null,
  };
}

// ---------------------------------------------------------------- prepared statements (per connection)
const SQL = {
  maxSeq: `SELECT MAX(aggregate_seq) AS m FROM outbox WHERE aggregate_type = ? AND aggregate_id = ?`,
  insert: `INSERT INTO outbox (id, idempotency_key, aggregate_type, aggregate_id, aggregate_seq, event_type, payload, status, attempts, next_attempt_at, last_error, created_at, sent_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, NULL, NULL, ?, NULL)`,
  byId: `SELECT * FROM outbox WHERE id = ?`,
  /**
   * Pending rows that are due, oldest first, whose aggregate has no earlier row still pending or parked.
   * (So a batch holds at most one row per aggregate, and a parked row blocks only its own aggregate.)
   */
  sendable: `SELECT o.* FROM outbox o
             WHERE o.status = 'pending' AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?)
               AND NOT EXISTS (SELECT 1 FROM outbox p
                               WHERE p.aggregate_type = o.aggregate_type AND p.aggregate_id = o.aggregate_id
                                 AND p.aggregate_seq < o.aggregate_seq AND p.status IN ('pending','parked'))
             ORDER BY o.id LIMIT ?`,
  /** Earliest next attempt among pending rows that are not blocked by an earlier row of their aggregate. */
  nextDue: `SELECT MIN(COALESCE(o.next_attempt_at, '')) AS t FROM outbox o
            WHERE o.status = 'pending'
              AND NOT EXISTS (SELECT 1 FROM outbox p
                              WHERE p.aggregate_type = o.aggregate_type AND p.aggregate_id = o.aggregate_id
                                AND p.aggregate_seq < o.aggregate_seq AND p.status IN ('pending','parked'))`,
  counts: `SELECT status, COUNT(*) AS n FROM outbox GROUP BY status`,
  blocked: `SELECT COUNT(*) AS n FROM outbox o WHERE o.status = 'pending' AND EXISTS (
              SELECT 1 FROM outbox p WHERE p.aggregate_type = o.aggregate_type AND p.aggregate_id = o.aggregate_id
                AND p.aggregate_seq < o.aggregate_seq AND p.status = 'parked')`,
  parked: `SELECT * FROM outbox WHERE status = 'parked' ORDER BY id LIMIT ?`,
  markDone: `UPDATE outbox SET status = 'done', sent_at = ?, attempts = attempts + 1, next_attempt_at = NULL, last_error = NULL
             WHERE id = ? AND status = 'pending'`,
  markRetry: `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'pending'`,
  markParked: `UPDATE outbox SET status = 'parked', attempts = attempts + 1, next_attempt_at = NULL, last_error = ?, erp_message = ?, parked_at = ?
               WHERE id = ? AND status = 'pending'`,
  unpark: `UPDATE outbox SET status = 'pending', next_attempt_at = NULL, payload = ?, idempotency_key = ? WHERE id = ? AND status = 'parked'`,
  skip: `UPDATE outbox SET status = 'skipped', next_attempt_at = NULL WHERE id = ? AND status = 'parked'`,
  action: `INSERT INTO outbox_actions (id, outbox_id, action, actor, reason, erp_message, previous_payload, previous_idempotency_key, at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  keyRevisions: `SELECT COUNT(*) AS n FROM outbox_actions WHERE outbox_id = ? AND action = 'retry_edited'`,
  upsertRef: `INSERT INTO external_refs (aggregate_type, aggregate_id, connector, external_id, external_number, outbox_id, updated_at)
              VALUES (?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT (aggregate_type, aggregate_id, connector) DO UPDATE SET
                external_id = COALESCE(excluded.external_id, external_refs.external_id),
                external_number = COALESCE(excluded.external_number, external_refs.external_number),
                outbox_id = excluded.outbox_id, updated_at = excluded.updated_at`,
  getRef: `SELECT external_id, external_number, updated_at FROM external_refs WHERE aggregate_type = ? AND aggregate_id = ? AND connector = ?`,
  getState: `SELECT * FROM sync_state WHERE connector = ?`,
  upsertState: `INSERT INTO sync_state (connector, online, last_success_at, last_error, last_error_at, last_check_at, updated_at)
                VALUES (@connector, @online, @lastSuccessAt, @lastError, @lastErrorAt, @lastCheckAt, @updatedAt)
                ON CONFLICT (connector) DO UPDATE SET online = excluded.online, last_success_at = excluded.last_success_at,
                  last_error = excluded.last_error, last_error_at = excluded.last_error_at, last_check_at = excluded.last_check_at,
                  updated_at = excluded.updated_at`,
} as const;
type SqlKey = keyof typeof SQL;

const cache = new WeakMap<BetterSqlite3.Database, Map<SqlKey, BetterSqlite3.Statement>>();
function stmt(raw: BetterSqlite3.Database, key: SqlKey): BetterSqlite3.Statement {
  let m = cache.get(raw);
  if (!m) cache.set(raw, (m = new Map()));
  let s = m.get(key);
  if (!s) m.set(key, (s = raw.prepare(SQL[key])));
  return s;
}

// ---------------------------------------------------------------- writing (services)
/**
 * Appends an event for an aggregate. Call it inside the service's transaction (outside a transaction it opens
 * its own), so the change and its event commit or roll back together.
 * aggregate_seq = previous max + 1 for this aggregate; idempotency key = `${type}:${id}:${seq}`.
 */
export function enqueueOutbox(raw: BetterSqlite3.Database, clockNowIso: string, input: EnqueueInput): OutboxRow {
  const { aggregateType, aggregateId, eventType, payload } = input;
  if (!aggregateType || !aggregateId || !eventType) throw new Error('enqueueOutbox: aggregateType, aggregateId and eventType are required');
  const json = JSON.stringify(payload ?? null);
  const write = (): OutboxRow => {
    const seq = input.firstEvent ? 1 : ((stmt(raw, 'maxSeq').get(aggregateType, aggregateId) as { m: number | null }).m ?? 0) + 1;
    const id = newId();
    const idempotencyKey = `${aggregateType}:${aggregateId}:${seq}`;
    stmt(raw, 'insert').run(id, idempotencyKey, aggregateType, aggregateId, seq, eventType, json, clockNowIso);
    return {
      id, idempotencyKey, aggregateType, aggregateId, aggregateSeq: seq, eventType, payload: payload ?? null,
      status: 'pending', attempts: 0, nextAttemptAt: null, lastError: null, createdAt: clockNowIso, sentAt: null,
    };
  };
  // Inside the caller's transaction no savepoint is needed: the one write is a single INSERT, atomic by itself.
  return raw.inTransaction ? write() : raw.transaction(write)();
}

// ---------------------------------------------------------------- reading
export function getOutboxRow(raw: BetterSqlite3.Database, id: string): OutboxRecord | null {
  const r = stmt(raw, 'byId').get(id) as RawOutboxRow | undefined;
  return r ? mapOutboxRow(r, raw) : null;
}

/** Rows the sender may push now (see SQL.sendable). */
export function selectSendable(raw: BetterSqlite3.Database, nowIso: string, limit: number): OutboxRecord[] {
  return (stmt(raw, 'sendable').all(nowIso, limit) as RawOutboxRow[]).map((r) => mapOutboxRow(r, raw));
}

/** When the next unblocked pending row becomes due: null = nothing to send; '' = due now (never attempted). */
export function nextDueAt(raw: BetterSqlite3.Database): string | null {
  const { t } = stmt(raw, 'nextDue').get() as { t: string | null };
  return t;
}

export interface OutboxCounts { pending: number; done: number; parked: number; skipped: number; blocked: number }
export function outboxCounts(raw: BetterSqlite3.Database): OutboxCounts {
  const c: OutboxCounts = { pending: 0, done: 0, parked: 0, skipped: 0, blocked: 0 };
  for (const r of stmt(raw, 'counts').all() as { status: OutboxStatus; n: number }[]) c[r.status] = r.n;
  c.blocked = c.parked ? (stmt(raw, 'blocked').get() as { n: number }).n : 0;
  return c;
}

export function listParked(raw: BetterSqlite3.Database, limit = 500): OutboxRecord[] {
  return (stmt(raw, 'parked').all(limit) as RawOutboxRow[]).map((r) => mapOutboxRow(r, raw));
}

// ---------------------------------------------------------------- sender bookkeeping
export function markDone(raw: BetterSqlite3.Database, id: string, nowIso: string): boolean {
  return stmt(raw, 'markDone').run(nowIso, id).changes === 1;
}
export function markRetry(raw: BetterSqlite3.Database, id: string, nextAttemptIso: string, error: string): boolean {
  return stmt(raw, 'markRetry').run(nextAttemptIso, error, id).changes === 1;
}
export function markParked(raw: BetterSqlite3.Database, id: string, nowIso: string, erpMessage: string): boolean {
  return stmt(raw, 'markParked').run(erpMessage, erpMessage, nowIso, id).changes === 1;
}

// ---------------------------------------------------------------- user decisions on parked rows
export class OutboxStateError extends Error {}

export interface RetryParkedOptions {
  /** A corrected payload (full snapshot). The old one is kept in outbox_actions. */
  payload?: unknown;
  /**
   * Send under a new idempotency key (`…:seq#rN`). Default: only when the payload was edited, since a remote
   * system may have cached its rejection of the old key/body pair.
   */
  newIdempotencyKey?: boolean;
  actor?: string;
  reason?: string;
}

/** parked → pending (optionally with an edited payload). Recorded in outbox_actions. */
export function retryParked(raw: BetterSqlite3.Database, id: string, nowIso: string, opts: RetryParkedOptions = {}): OutboxRecord {
  return raw.transaction((): OutboxRecord => {
    const row = getOutboxRow(raw, id);
    if (!row) throw new OutboxStateError(`outbox row ${id} does not exist`);
    if (row.status !== 'parked') throw new OutboxStateError(`outbox row ${id} is ${row.status}, not parked`);
    const edited = opts.payload !== undefined;
    const oldJson = JSON.stringify(row.payload);
    const newJson = edited ? JSON.stringify(opts.payload) : oldJson;
    let key = row.idempotencyKey;
    if (opts.newIdempotencyKey ?? edited) {
      const { n } = stmt(raw, 'keyRevisions').get(id) as { n: number };
      key = `${row.aggregateType}:${row.aggregateId}:${row.aggregateSeq}#r${n + 2}`;
    }
    stmt(raw, 'action').run(newId(), id, edited ? 'retry_edited' : 'retry', opts.actor ?? null, opts.reason ?? null, row.erpMessage,
      edited ? oldJson : null, key !== row.idempotencyKey ? row.idempotencyKey : null, nowIso);
    stmt(raw, 'unpark').run(newJson, key, id);
    return getOutboxRow(raw, id)!;
  })();
}

/** parked → skipped: the user decided this event will never reach the ERP. Recorded in outbox_actions. */
export function skipParked(raw: BetterSqlite3.Database, id: string, nowIso: string, opts: { actor?: string; reason?: string } = {}): OutboxRecord {
  return raw.transaction((): OutboxRecord => {
    const row = getOutboxRow(raw, id);
    if (!row) throw new OutboxStateError(`outbox row ${id} does not exist`);
    if (row.status !== 'parked') throw new OutboxStateError(`outbox row ${id} is ${row.status}, not parked`);
    stmt(raw, 'action').run(newId(), id, 'skip', opts.actor ?? null, opts.reason ?? null, row.erpMessage, null, null, nowIso);
    stmt(raw, 'skip').run(id);
    return getOutboxRow(raw, id)!;
  })();
}

export interface OutboxAction {
  id: string; outboxId: string; action: 'retry' | 'retry_edited' | 'skip'; actor: string | null; reason: string | null;
  erpMessage: string | null; previousPayload: unknown; previousIdempotencyKey: string | null; at: string;
}
export function listOutboxActions(raw: BetterSqlite3.Database, outboxId: string): OutboxAction[] {
  const rows = raw.prepare(`SELECT * FROM outbox_actions WHERE outbox_id = ? ORDER BY at, id`).all(outboxId) as Record<string, string | null>[];
  return rows.map((r) => ({
    id: r.id!, outboxId: r.outbox_id!, action: r.action as OutboxAction['action'], actor: r.actor ?? null, reason: r.reason ?? null,
    erpMessage: r.erp_message ?? null, previousPayload: r.previous_payload ? (JSON.parse(r.previous_payload) as unknown) : null,
    previousIdempotencyKey: r.previous_idempotency_key ?? null, at: r.at!,
  }));
}

// ---------------------------------------------------------------- external references
export interface ExternalRef { externalId: string | null; externalNumber: string | null; updatedAt: string }

export function setExternalRef(
  raw: BetterSqlite3.Database, ref: { aggregateType: string; aggregateId: string; connector: string; externalId?: string | null; externalNumber?: string | null; outboxId?: string | null },
  nowIso: string,
): void {
  stmt(raw, 'upsertRef').run(ref.aggregateType, ref.aggregateId, ref.connector, ref.externalId ?? null, ref.externalNumber ?? null, ref.outboxId ?? null, nowIso);
}

export function getExternalRef(raw: BetterSqlite3.Database, aggregateType: string, aggregateId: string, connector: string): ExternalRef | null {
  const r = stmt(raw, 'getRef').get(aggregateType, aggregateId, connector) as { external_id: string | null; external_number: string | null; updated_at: string } | undefined;
  return r ? { externalId: r.external_id, externalNumber: r.external_number, updatedAt: r.updated_at } : null;
}

// ---------------------------------------------------------------- connector state
export interface SyncStateRow {
  connector: string; online: boolean | null; lastSuccessAt: string | null; lastError: string | null; lastErrorAt: string | null; lastCheckAt: string | null;
}
export function getSyncState(raw: BetterSqlite3.Database, connector: string): SyncStateRow | null {
  const r = stmt(raw, 'getState').get(connector) as Record<string, string | number | null> | undefined;
  if (!r) return null;
  return {
    connector, online: r.online === null ? null : r.online === 1, lastSuccessAt: (r.last_success_at as string) ?? null,
    lastError: (r.last_error as string) ?? null, lastErrorAt: (r.last_error_at as string) ?? null, lastCheckAt: (r.last_check_at as string) ?? null,
  };
}
export function saveSyncState(raw: BetterSqlite3.Database, s: SyncStateRow, nowIso: string): void {
  stmt(raw, 'upsertState').run({
    connector: s.connector, online: s.online === null ? null : s.online ? 1 : 0, lastSuccessAt: s.lastSuccessAt, lastError: s.lastError,
    lastErrorAt: s.lastErrorAt, lastCheckAt: s.lastCheckAt, updatedAt: nowIso,
  });
}
