/**
 * The outbox sender: one per connector. Pushes pending outbox rows oldest first, one row per aggregate
 * at a time (seq n+1 never leaves while seq n is pending or parked), in batches of connector.maxBatch.
 *
 * - ack      → row done (only after the connector acknowledged), external id/number stored (onAck hook)
 * - retry    → row stays pending; next_attempt_at = now + capped exponential backoff with jitter,
 *              at least the server's Retry-After
 * - reject   → row parked with the ERP's message; only later rows of the same aggregate wait
 * - throw    → every row of the batch is a network failure; ping() decides whether we are offline
 * Offline: pushOnce() returns at once; the run loop re-checks ping() every offlineRecheckMs and resumes by itself.
 * Time comes from the injected Clock; sleeping is injectable.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Clock } from '../platform/clock';
import type { Connector, PushAck, PushResult } from './connector';
import {
  getSyncState, listParked, markDone, markParked, markRetry, nextDueAt, outboxCounts, retryParked, saveSyncState, selectSendable,
  getExternalRef, setExternalRef, skipParked, type OutboxRecord, type RetryParkedOptions, type SyncStateRow,
} from './outbox';

export interface BackoffPolicy {
  /** First retry waits between baseMs/2 and baseMs. */
  baseMs: number;
  /** Cap of the exponential part. */
  maxMs: number;
  /** Retry-After is honoured up to this long (a server asking for a day is capped). */
  maxRetryAfterMs: number;
}
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 5 * 60_000, maxRetryAfterMs: 60 * 60_000 };

/**
 * Delay before retry number `attempts` (1 = first retry): exp = min(maxMs, baseMs·2^(attempts-1)),
 * "equal jitter" in [exp/2, exp], then at least min(retryAfterMs, maxRetryAfterMs). Never below 1 ms.
 */
export function backoffDelayMs(attempts: number, policy: BackoffPolicy, random: () => number, retryAfterMs?: number): number {
  const n = Math.max(1, attempts);
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(n - 1, 40));
  let d = exp / 2 + random() * (exp / 2);
  if (retryAfterMs !== undefined && retryAfterMs > 0) d = Math.max(d, Math.min(retryAfterMs, policy.maxRetryAfterMs));
  return Math.max(1, Math.round(d));
}

export interface PushSummary {
  /** Rows acknowledged in this pass. */
  sent: number;
  /** Retryable failures in this pass (rows stay pending). */
  failed: number;
  /** Rows parked in this pass. */
  parked: number;
  /** Pending rows left (includes rows waiting for a retry and rows blocked behind a parked row). */
  pending: number;
  /** Pending rows that wait behind a parked row of their aggregate. */
  blocked: number;
  /** All parked rows now. */
  parkedTotal: number;
  /** All skipped rows now. */
  skipped: number;
  online: boolean;
  durationMs: number;
}

export interface ParkedInfo {
  id: string;
  aggregateType: string;
  aggregateId: string;
  aggregateSeq: number;
  eventType: string;
  attempts: number;
  erpMessage: string | null;
  parkedAt: string | null;
  createdAt: string;
}

export interface SenderStatus {
  connector: string;
  /** null until the first check. */
  online: boolean | null;
  pending: number;
  blocked: number;
  done: number;
  skipped: number;
  parked: ParkedInfo[];
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  /** The sender holds back until then after a batch failed entirely (server busy / Retry-After). */
  holdUntil: string | null;
  /** When the next unblocked pending row is due ('' = now, null = nothing pending). */
  nextAttemptAt: string | null;
}

export type SyncEvent =
  | { type: 'online'; connector: string }
  | { type: 'offline'; connector: string; error: string | null }
  | { type: 'sent'; connector: string; ids: string[] }
  | { type: 'retry'; connector: string; id: string; attempts: number; delayMs: number; error: string }
  | { type: 'parked'; connector: string; id: string; aggregateType: string; aggregateId: string; aggregateSeq: number; message: string }
  | { type: 'unparked'; connector: string; id: string; edited: boolean }
  | { type: 'skipped'; connector: string; id: string }
  | { type: 'ack_hook_failed'; connector: string; id: string; error: string }
  | { type: 'pass'; connector: string; summary: PushSummary }
  | { type: 'error'; connector: string; error: string };

export interface AckContext {
  raw: BetterSqlite3.Database;
  row: OutboxRecord;
  ack: PushAck;
  connector: string;
  nowIso: string;
}

export interface SenderOptions {
  raw: BetterSqlite3.Database;
  connector: Connector;
  clock: Clock;
  /** Injectable sleep (tests: advance a ManualClock instead of waiting). */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable randomness for jitter, in [0, 1). */
  random?: () => number;
  backoff?: Partial<BackoffPolicy>;
  /** Rows per push (default connector.maxBatch; never above it). */
  batchSize?: number;
  /** Re-check period while offline (default 30 s). */
  offlineRecheckMs?: number;
  /** Longest idle wait of the run loop (default 10 s); kick() wakes it earlier. */
  idlePollMs?: number;
  /** Park a row after this many retryable failures (default: never; offline/5xx rows wait forever, visibly). */
  maxAttempts?: number;
  /** Runs inside the transaction that marks the row done (after external_refs is written). Must be synchronous. */
  onAck?: (ctx: AckContext) => void;
  onEvent?: (e: SyncEvent) => void;
  /** Serialises the sender's SQLite writes with the app's own writes (same connection). Default: run directly. */
  withWriteLock?: <T>(fn: () => T) => Promise<T> | T;
  /** Monotonic milliseconds for durationMs (default performance.now). */
  monotonicNow?: () => number;
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class OutboxSender {
  readonly connectorName: string;
  private readonly raw: BetterSqlite3.Database;
  private readonly connector: Connector;
  private readonly clock: Clock;
  private readonly sleepFn: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;
  private readonly batchSize: number;
  private readonly offlineRecheckMs: number;
  private readonly idlePollMs: number;
  private readonly maxAttempts: number;
  private readonly onAck?: (ctx: AckContext) => void;
  private readonly onEvent?: (e: SyncEvent) => void;
  private readonly withWriteLock: <T>(fn: () => T) => Promise<T>;
  private readonly mono: () => number;

  private state: SyncStateRow;
  private holdUntilMs: number | null = null;
  private inflight: Promise<PushSummary> | null = null;
  private running = false;
  private loopPromise: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(opts: SenderOptions) {
    this.raw = opts.raw;
    this.connector = opts.connector;
    this.connectorName = opts.connector.name;
    this.clock = opts.clock;
    this.sleepFn = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    const max = Math.max(1, Math.floor(opts.connector.maxBatch || 1));
    this.batchSize = Math.max(1, Math.min(max, opts.batchSize ?? max));
    this.offlineRecheckMs = opts.offlineRecheckMs ?? 30_000;
    this.idlePollMs = opts.idlePollMs ?? 10_000;
    this.maxAttempts = opts.maxAttempts ?? Number.POSITIVE_INFINITY;
    this.onAck = opts.onAck;
    this.onEvent = opts.onEvent;
    const lock = opts.withWriteLock;
    this.withWriteLock = lock ? async (fn) => lock(fn) : async (fn) => fn();
    this.mono = opts.monotonicNow ?? (() => performance.now());
    this.state = getSyncState(this.raw, this.connectorName) ?? {
      connector: this.connectorName, online: null, lastSuccessAt: null, lastError: null, lastErrorAt: null, lastCheckAt: null,
    };
    // A restart does not trust the previous online flag.
    this.state.online = null;
  }

  private nowIso(): string {
    return this.clock.now().toISOString();
  }

  private emit(e: SyncEvent): void {
    if (!this.onEvent) return;
    try {
      this.onEvent(e);
    } catch {
      /* a UI listener must not break syncing */
    }
  }

  private async persistState(): Promise<void> {
    const now = this.nowIso();
    await this.withWriteLock(() => saveSyncState(this.raw, this.state, now));
  }

  /** Asks the connector whether the remote answers; updates online/offline and emits transitions. */
  async checkOnline(): Promise<boolean> {
    let ok = false;
    let error: string | null = null;
    try {
      ok = await this.connector.ping();
      if (!ok) error = `${this.connectorName} did not answer`;
    } catch (e) {
      ok = false;
      error = errText(e);
    }
    const was = this.state.online;
    this.state.online = ok;
    this.state.lastCheckAt = this.nowIso();
    if (!ok) {
      this.state.lastError = error;
      this.state.lastErrorAt = this.state.lastCheckAt;
    }
    if (was !== ok) this.emit(ok ? { type: 'online', connector: this.connectorName } : { type: 'offline', connector: this.connectorName, error });
    await this.persistState();
    return ok;
  }

  /** One pass: sends everything that is due now, batch after batch. Concurrent calls share the running pass. */
  pushOnce(opts: { force?: boolean } = {}): Promise<PushSummary> {
    if (this.inflight) return this.inflight;
    this.inflight = this.pass(opts.force ?? false).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async pass(force: boolean): Promise<PushSummary> {
    const t0 = this.mono();
    let sent = 0;
    let failed = 0;
    let parked = 0;
    const finish = (): PushSummary => {
      const c = outboxCounts(this.raw);
      const summary: PushSummary = {
        sent, failed, parked, pending: c.pending, blocked: c.blocked, parkedTotal: c.parked, skipped: c.skipped,
        online: this.state.online === true, durationMs: Math.round((this.mono() - t0) * 1000) / 1000,
      };
      this.emit({ type: 'pass', connector: this.connectorName, summary });
      return summary;
    };

    if (this.state.online !== true && !(await this.checkOnline())) return finish();
    if (!force && this.holdUntilMs !== null && this.clock.now().getTime() < this.holdUntilMs) return finish();
    this.holdUntilMs = null;

    // Rows retried during this pass get next_attempt_at > passStart, so they are not picked again in this pass.
    const passStart = this.nowIso();
    for (;;) {
      const rows = selectSendable(this.raw, passStart, this.batchSize);
      if (rows.length === 0) break;
      let results: PushResult[];
      // what the ERP already calls each aggregate: a renumbered customer or a new SKU updates the same record
      for (const row of rows) row.knownExternalId = getExternalRef(this.raw, row.aggregateType, row.aggregateId, this.connectorName)?.externalId ?? null;
      try {
        results = await this.connector.push(rows);
        if (!Array.isArray(results)) throw new Error(`${this.connectorName}.push returned ${typeof results}, not an array`);
      } catch (e) {
        const msg = errText(e);
        results = rows.map(() => ({ kind: 'retry', message: msg, network: true }) as PushResult);
      }
      const applied = await this.applyResults(rows, results);
      sent += applied.sent;
      failed += applied.failed;
      parked += applied.parked;
      if (applied.sent === 0 && applied.parked === 0 && applied.failed > 0) {
        // Nothing got through: hold back until the earliest retry instead of hammering with the next batch.
        this.holdUntilMs = applied.earliestRetryMs;
        if (applied.network) await this.checkOnline();
        break;
      }
    }
    return finish();
  }

  private async applyResults(rows: OutboxRecord[], results: PushResult[]) {
    const now = this.clock.now();
    const nowIso = now.toISOString();
    let sent = 0;
    let failed = 0;
    let parked = 0;
    let network = false;
    let earliestRetryMs = Number.POSITIVE_INFINITY;
    const sentIds: string[] = [];
    const events: SyncEvent[] = [];
    let lastError: string | null = null;

    await this.withWriteLock(() =>
      this.raw.transaction(() => {
        rows.forEach((row, i) => {
          const res: PushResult = results[i] ?? { kind: 'retry', message: `${this.connectorName} returned no result for this row` };
          if (res.kind === 'ack') {
            if (!markDone(this.raw, row.id, nowIso)) return;
            sent++;
            sentIds.push(row.id);
            this.storeAck(row, res, nowIso, events);
          } else if (res.kind === 'reject') {
            const message = res.message?.trim() || `${this.connectorName} rejected the row without a message`;
            if (!markParked(this.raw, row.id, nowIso, message)) return;
            parked++;
            lastError = message;
            events.push({ type: 'parked', connector: this.connectorName, id: row.id, aggregateType: row.aggregateType, aggregateId: row.aggregateId, aggregateSeq: row.aggregateSeq, message });
          } else {
            const attempts = row.attempts + 1;
            const message = res.message || 'temporary failure';
            lastError = message;
            if (res.network) network = true;
            if (attempts >= this.maxAttempts) {
              const m = `gave up after ${attempts} attempts: ${message}`;
              if (!markParked(this.raw, row.id, nowIso, m)) return;
              parked++;
              events.push({ type: 'parked', connector: this.connectorName, id: row.id, aggregateType: row.aggregateType, aggregateId: row.aggregateId, aggregateSeq: row.aggregateSeq, message: m });
              return;
            }
            const delayMs = backoffDelayMs(attempts, this.backoff, this.random, res.retryAfterMs);
            const at = now.getTime() + delayMs;
            earliestRetryMs = Math.min(earliestRetryMs, at);
            if (!markRetry(this.raw, row.id, new Date(at).toISOString(), message)) return;
            failed++;
            events.push({ type: 'retry', connector: this.connectorName, id: row.id, attempts, delayMs, error: message });
          }
        });
        if (sent > 0) this.state.lastSuccessAt = nowIso;
        if (lastError !== null) {
          this.state.lastError = lastError;
          this.state.lastErrorAt = nowIso;
        }
        saveSyncState(this.raw, this.state, nowIso);
      })(),
    );
    if (sentIds.length) this.emit({ type: 'sent', connector: this.connectorName, ids: sentIds });
    for (const e of events) this.emit(e);
    return { sent, failed, parked, network, earliestRetryMs: Number.isFinite(earliestRetryMs) ? earliestRetryMs : null };
  }

  private storeAck(row: OutboxRecord, ack: PushAck, nowIso: string, events: SyncEvent[]): void {
    if (ack.externalId !== undefined || ack.externalNumber !== undefined) {
      setExternalRef(this.raw, {
        aggregateType: row.aggregateType, aggregateId: row.aggregateId, connector: this.connectorName,
        externalId: ack.externalId ?? null, externalNumber: ack.externalNumber ?? null, outboxId: row.id,
      }, nowIso);
    }
    if (!this.onAck) return;
    const sp = 'cadence_sync_ack';
    this.raw.exec(`SAVEPOINT ${sp}`);
    try {
      this.onAck({ raw: this.raw, row, ack, connector: this.connectorName, nowIso });
      this.raw.exec(`RELEASE ${sp}`);
    } catch (e) {
      // The ERP has the row: it stays done. The hook's partial writes are undone and the failure is visible.
      this.raw.exec(`ROLLBACK TO ${sp}`);
      this.raw.exec(`RELEASE ${sp}`);
      events.push({ type: 'ack_hook_failed', connector: this.connectorName, id: row.id, error: errText(e) });
    }
  }

  /** Online flag, counts, parked rows with the ERP's messages, last success and last error. */
  status(): SenderStatus {
    const c = outboxCounts(this.raw);
    const parked = listParked(this.raw).map((r) => ({
      id: r.id, aggregateType: r.aggregateType, aggregateId: r.aggregateId, aggregateSeq: r.aggregateSeq, eventType: r.eventType,
      attempts: r.attempts, erpMessage: r.erpMessage ?? r.lastError, parkedAt: r.parkedAt, createdAt: r.createdAt,
    }));
    return {
      connector: this.connectorName, online: this.state.online, pending: c.pending, blocked: c.blocked, done: c.done, skipped: c.skipped, parked,
      lastSuccessAt: this.state.lastSuccessAt, lastError: this.state.lastError, lastErrorAt: this.state.lastErrorAt,
      holdUntil: this.holdUntilMs === null ? null : new Date(this.holdUntilMs).toISOString(), nextAttemptAt: nextDueAt(this.raw),
    };
  }

  /** User action: parked → pending (optionally with an edited payload); the loop picks it up at once. */
  async retry(id: string, opts: RetryParkedOptions = {}): Promise<OutboxRecord> {
    const nowIso = this.nowIso();
    const row = await this.withWriteLock(() => retryParked(this.raw, id, nowIso, opts));
    this.emit({ type: 'unparked', connector: this.connectorName, id, edited: opts.payload !== undefined });
    this.kick();
    return row;
  }

  /** User action: parked → skipped (recorded with actor and reason); later rows of the aggregate flow again. */
  async skip(id: string, opts: { actor?: string; reason?: string } = {}): Promise<OutboxRecord> {
    const nowIso = this.nowIso();
    const row = await this.withWriteLock(() => skipParked(this.raw, id, nowIso, opts));
    this.emit({ type: 'skipped', connector: this.connectorName, id });
    this.kick();
    return row;
  }

  // ---------------------------------------------------------------- background loop
  /** Starts the background loop (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopPromise = this.loop();
  }

  /** Stops the loop after the current pass. */
  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loopPromise;
    this.loopPromise = null;
  }

  /** Wakes the loop now (call after enqueueing rows, or when the network comes back). */
  kick(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** How long the loop should wait before the next pass. */
  nextWaitMs(): number {
    if (this.state.online !== true) return this.offlineRecheckMs;
    const now = this.clock.now().getTime();
    let wait = this.idlePollMs;
    const due = nextDueAt(this.raw);
    if (due !== null) wait = Math.min(wait, due === '' ? 0 : Math.max(0, Date.parse(due) - now));
    if (this.holdUntilMs !== null) wait = Math.max(wait, this.holdUntilMs - now);
    return Math.max(1, Math.ceil(wait));
  }

  private nap(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        if (this.wake === finish) this.wake = null;
        resolve();
      };
      this.wake = finish;
      this.sleepFn(ms).then(finish, finish);
    });
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let wait: number;
      try {
        if (this.state.online !== true && !(await this.checkOnline())) {
          wait = this.offlineRecheckMs;
        } else {
          await this.pushOnce();
          wait = this.nextWaitMs();
        }
      } catch (e) {
        this.emit({ type: 'error', connector: this.connectorName, error: errText(e) });
        wait = this.idlePollMs;
      }
      if (!this.running) break;
      await this.nap(wait);
    }
  }
}
