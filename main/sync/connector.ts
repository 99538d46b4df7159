/**
 * The contract between the outbox sender and an ERP / external system.
 * A connector turns outbox rows into remote calls and says, per row, what happened.
 */
import type { OutboxRow } from '../db/entities';

/** The remote system applied the row (or had already applied it: replays are acknowledged too). */
export interface PushAck {
  kind: 'ack';
  /** The remote system's id of the aggregate (stored in external_refs). */
  externalId?: string;
  /** The remote system's human number, e.g. Tryton's invoice number "INV/2026/0003". */
  externalNumber?: string;
}

/** A transient failure: network, timeout, 429, 5xx, lock. The row stays pending and is retried with backoff. */
export interface PushRetry {
  kind: 'retry';
  message: string;
  /** The server asked to wait at least this long (Retry-After). */
  retryAfterMs?: number;
  /** True when the remote could not be reached at all (the sender then re-checks ping()). */
  network?: boolean;
}

/** The remote system refused the row (validation etc.). The row is parked with this message until a user acts. */
export interface PushReject {
  kind: 'reject';
  message: string;
}

export type PushResult = PushAck | PushRetry | PushReject;

/** Master data Cadence can pull from the remote system (main/sync/pull). */
export type PullEntity = 'product' | 'customer';

/**
 * One remote record as the pull engine sees it: fields already in Cadence's names and shapes
 * (product: sku, name, description, active, price (decimal string), currency, kind, unit;
 * customer: number, name, vatId, email, country, billingAddress, currency, paymentTermsDays, tags, notes).
 * A field that is absent (undefined) is not managed by the pull; null means "empty in the remote system".
 */
export interface PulledRecord {
  /** The remote id (the same id a push acknowledges, stored in external_refs). */
  externalId: string;
  /** The remote human code (product code / party code). */
  externalCode?: string;
  /** When the remote record last changed (ISO); the next pull asks for changes since the largest one seen. */
  updatedAt: string;
  data: Record<string, unknown>;
  /** Quantity available (goods only), when the remote system keeps stock. */
  stock?: number;
}

export interface Connector {
  /** Stable name, used as the `connector` key in external_refs and sync_state. */
  readonly name: string;
  /** Largest number of rows `push` accepts at once (1 = no batching). */
  readonly maxBatch: number;
  /** True when the remote answers. Must not throw. */
  ping(): Promise<boolean>;
  /**
   * Pushes rows (oldest first; at most one row per aggregate) and returns exactly one result per row, in order.
   * Throwing means "nothing known about any row" (treated as a network failure for all of them).
   */
  push(rows: OutboxRow[]): Promise<PushResult[]>;
  /**
   * Master data changed since `since` (ISO, from an earlier record's updatedAt; absent: everything).
   * Optional: connectors without it cannot pull. Throws when the remote cannot be read.
   */
  pull?(entity: PullEntity, since?: string): Promise<PulledRecord[]>;
  /** Releases sessions / sockets. */
  close?(): Promise<void>;
}

export const ack = (externalId?: string, externalNumber?: string): PushAck => ({
  kind: 'ack',
  ...(externalId !== undefined ? { externalId } : {}),
  ...(externalNumber !== undefined ? { externalNumber } : {}),
});
export const retry = (message: string, extra: { retryAfterMs?: number; network?: boolean } = {}): PushRetry => ({ kind: 'retry', message, ...extra });
export const reject = (message: string): PushReject => ({ kind: 'reject', message });

/** Parses an HTTP Retry-After header (delta-seconds or HTTP-date) and the non-standard Retry-After-Ms. */
export function parseRetryAfter(retryAfter: string | null | undefined, retryAfterMs?: string | null, nowMs?: number): number | undefined {
  if (retryAfterMs != null && retryAfterMs.trim() !== '') {
    const ms = Number(retryAfterMs);
    if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  }
  if (retryAfter == null || retryAfter.trim() === '') return undefined;
  const s = retryAfter.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  if (Number.isNaN(at) || nowMs === undefined) return undefined;
  return Math.max(0, at - nowMs);
}
