/**
 * Small helpers over a better-sqlite3 connection: a per-connection prepared statement cache (the billing run and
 * the services prepare each SQL text once per connection), JSON columns, and the billing settings.
 */
import type { BillingSettings } from '../../../shared/api/ops/billing';

export { st, json, type Db } from '../../db/sql';
import { st, type Db } from '../../db/sql';
export function parseJson<T>(s: string | null | undefined, fallback: T): T {
  if (s === null || s === undefined || s === '') return fallback;
  return JSON.parse(s) as T;
}

/** "?, ?, ?" for an IN list. */
export const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

export const DEFAULT_BILLING_SETTINGS: BillingSettings = {
  graceHours: 1,
  taxRounding: 'per_invoice',
  taxRoundingMode: 'half_up',
  schedulerIntervalMinutes: 60,
  batchSize: 200,
  dunningGraceDays: 0,
  // off until configured: an upgrade must not start sending reminders by itself
  dunningLevels: [],
};

export function readBillingSettings(db: Db): BillingSettings {
  const rows = st(db, 'SELECT key, value FROM billing_settings').all() as { key: string; value: string }[];
  const out: Record<string, unknown> = { ...DEFAULT_BILLING_SETTINGS };
  for (const r of rows) if (r.key in DEFAULT_BILLING_SETTINGS) out[r.key] = JSON.parse(r.value);
  return out as BillingSettings;
}

export function writeBillingSettings(db: Db, patch: Partial<BillingSettings>): BillingSettings {
  const put = st(db, 'INSERT INTO billing_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) put.run(k, JSON.stringify(v));
  return readBillingSettings(db);
}

/** Every key of the installation settings table (companyName, companyCountry, and any seller detail added later). */
export function readAllSettings(db: Db): Record<string, unknown> {
  const rows = st(db, 'SELECT key, value FROM settings').all() as { key: string; value: string }[];
  const out: Record<string, unknown> = {};
  for (const r of rows) {
    try {
      out[r.key] = JSON.parse(r.value);
    } catch {
      out[r.key] = r.value;
    }
  }
  return out;
}

/** Calendar date (UTC) of an instant. */
export const dateOf = (d: Date | string): string => (typeof d === 'string' ? new Date(d) : d).toISOString().slice(0, 10);
