/**
 * Number series: human-readable numbers (customers, invoices, credit notes) from configurable patterns with a
 * per-installation prefix. Gapless: the counter is read and advanced inside the caller's transaction.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../../shared/api/errors';
import { counterScope, formatNumber, type ResetPolicy } from '../../shared/domain/billing/numbering';

export const DEFAULT_SERIES: { key: string; pattern: string; reset: 'never' | 'yearly' | 'monthly' }[] = [
  { key: 'customer', pattern: 'C{INST}-{SEQ:5}', reset: 'never' },
  { key: 'invoice', pattern: 'INV-{INST}-{YYYY}-{SEQ:6}', reset: 'never' },
  { key: 'credit_note', pattern: 'CN-{INST}-{YYYY}-{SEQ:6}', reset: 'never' },
  { key: 'sales_order', pattern: 'SO-{INST}-{SEQ:6}', reset: 'never' },
];

export function formatSeriesNumber(pattern: string, seq: number, date: Date, inst: string): string {
  return formatNumber(pattern, { seq, date: date.toISOString().slice(0, 10), installationPrefix: inst });
}

/**
 * The series definitions and installation prefix, cached for ONE write transaction (the billing run's batch numbers
 * hundreds of invoices; nothing inside the transaction changes them). The counters themselves are never cached.
 */
export interface NumberingCache {
  series: Map<string, { pattern: string; reset: string }>;
  inst?: string;
  /**
   * The counters' next values, when the caller guarantees that a failure anywhere rolls back the WHOLE transaction
   * (the billing run's fast path, which has no savepoints): a counter update undone by a savepoint rollback would
   * leave a cached value ahead of the stored one, i.e. a gap. Every number taken still writes the counter.
   */
  counters?: Map<string, number>;
}
export const numberingCache = (o: { cacheCounters?: boolean } = {}): NumberingCache => ({ series: new Map(), ...(o.cacheCounters ? { counters: new Map() } : {}) });

/** Takes the next number of a series. Must run inside the write transaction that uses the number. */
export function takeNumber(raw: BetterSqlite3.Database, seriesKey: string, date: Date, cache?: NumberingCache): string {
  let series = cache?.series.get(seriesKey);
  if (!series) {
    series = raw.prepare('SELECT pattern, reset FROM number_series WHERE key = ?').get(seriesKey) as { pattern: string; reset: string } | undefined;
    if (!series) throw new AppError('INTERNAL', `number series ${seriesKey} is missing`);
    cache?.series.set(seriesKey, series);
  }
  const inst = cache?.inst ?? (JSON.parse((raw.prepare("SELECT value FROM settings WHERE key = 'installationPrefix'").get() as { value: string }).value) as string);
  if (cache) cache.inst = inst;
  const scope = counterScope(series.reset as ResetPolicy, date.toISOString().slice(0, 10));
  const counterKey = `${seriesKey}\u0001${scope}`;
  const known = cache?.counters?.get(counterKey);
  let seq: number;
  if (known !== undefined) {
    seq = known;
    raw.prepare('UPDATE number_counters SET next_value = ? WHERE series_key = ? AND scope = ?').run(seq + 1, seriesKey, scope);
  } else {
    const row = raw.prepare('SELECT next_value FROM number_counters WHERE series_key = ? AND scope = ?').get(seriesKey, scope) as { next_value: number } | undefined;
    seq = row?.next_value ?? 1;
    if (row) raw.prepare('UPDATE number_counters SET next_value = ? WHERE series_key = ? AND scope = ?').run(seq + 1, seriesKey, scope);
    else raw.prepare('INSERT INTO number_counters (series_key, scope, next_value) VALUES (?, ?, ?)').run(seriesKey, scope, seq + 1);
  }
  cache?.counters?.set(counterKey, seq + 1);
  return formatSeriesNumber(series.pattern, seq, date, inst);
}
