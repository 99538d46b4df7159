/**
 * Number series: human-readable numbers (customers, invoices, credit notes) from configurable patterns with a
 * per-installation prefix. Gapless: the counter is read and advanced inside the caller's transaction.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../../shared/api/errors';

export const DEFAULT_SERIES: { key: string; pattern: string; reset: 'never' | 'yearly' | 'monthly' }[] = [
  { key: 'customer', pattern: 'C{INST}-{SEQ:5}', reset: 'never' },
  { key: 'invoice', pattern: 'INV-{INST}-{YYYY}-{SEQ:6}', reset: 'never' },
  { key: 'credit_note', pattern: 'CN-{INST}-{YYYY}-{SEQ:6}', reset: 'never' },
  { key: 'sales_order', pattern: 'SO-{INST}-{SEQ:6}', reset: 'never' },
];

export function formatSeriesNumber(pattern: string, seq: number, date: Date, inst: string): string {
  const yyyy = String(date.getUTCFullYear());
  const mm = String(date.getUTCMonth() + 1).padStart(2, '0');
  return pattern
    .replace(/\{INST\}/g, inst)
    .replace(/\{YYYY\}/g, yyyy)
    .replace(/\{YY\}/g, yyyy.slice(2))
    .replace(/\{MM\}/g, mm)
    .replace(/\{SEQ(?::(\d+))?\}/g, (_m, n?: string) => String(seq).padStart(n ? Number(n) : 1, '0'));
}

export function counterScope(reset: string, date: Date): string {
  if (reset === 'yearly') return String(date.getUTCFullYear());
  if (reset === 'monthly') return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
  return '*';
}

/** Takes the next number of a series. Must run inside the write transaction that uses the number. */
export function takeNumber(raw: BetterSqlite3.Database, seriesKey: string, date: Date): string {
  const series = raw.prepare('SELECT pattern, reset FROM number_series WHERE key = ?').get(seriesKey) as { pattern: string; reset: string } | undefined;
  if (!series) throw new AppError('INTERNAL', `number series ${seriesKey} is missing`);
  const inst = (JSON.parse((raw.prepare("SELECT value FROM settings WHERE key = 'installationPrefix'").get() as { value: string }).value) as string);
  const scope = counterScope(series.reset, date);
  const row = raw.prepare('SELECT next_value FROM number_counters WHERE series_key = ? AND scope = ?').get(seriesKey, scope) as { next_value: number } | undefined;
  const seq = row?.next_value ?? 1;
  if (row) raw.prepare('UPDATE number_counters SET next_value = ? WHERE series_key = ? AND scope = ?').run(seq + 1, seriesKey, scope);
  else raw.prepare('INSERT INTO number_counters (series_key, scope, next_value) VALUES (?, ?, ?)').run(seriesKey, scope, seq + 1);
  return formatSeriesNumber(series.pattern, seq, date, inst);
}
