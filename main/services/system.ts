import { AppError } from '../../shared/api/errors';
import type { z } from 'zod';
import { Settings } from '../../shared/api/ops/system';
import { checkVatId, normalizeVatId } from '../../shared/domain/vat';
import { newId } from '../platform/ids';
import { type HandlerMap, nowIso, type ServiceContext } from './context';
import { DEFAULT_SERIES } from './numbering';
import type BetterSqlite3 from 'better-sqlite3';

type SystemOps = 'system.info' | 'settings.get' | 'settings.update' | 'numberSeries.list' | 'numberSeries.update';
type SettingsT = z.output<typeof Settings>;

const DEFAULT_SETTINGS = (): Omit<SettingsT, 'installationId' | 'installationPrefix'> => ({
  companyName: 'My Company',
  companyCountry: 'DE',
  defaultCurrency: 'EUR',
});

/** Makes sure a fresh store has its installation id/prefix, settings and number series (idempotent). */
export function ensureBootstrap(raw: BetterSqlite3.Database): void {
  const has = (key: string) => !!raw.prepare('SELECT 1 FROM settings WHERE key = ?').get(key);
  const put = raw.prepare('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)');
  raw.transaction(() => {
    if (!has('installationId')) {
      const id = newId();
      put.run('installationId', JSON.stringify(id));
      // A short prefix derived from the installation id's random part: different laptops get different prefixes.
      const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
      const hex = id.replace(/-/g, '').slice(-8);
      let n = parseInt(hex, 16);
      let prefix = '';
      for (let i = 0; i < 3; i++) { prefix += alphabet[n % alphabet.length]; n = Math.floor(n / alphabet.length); }
      put.run('installationPrefix', JSON.stringify(prefix));
    }
    for (const [k, v] of Object.entries(DEFAULT_SETTINGS())) put.run(k, JSON.stringify(v));
    const series = raw.prepare('INSERT OR IGNORE INTO number_series (key, pattern, reset) VALUES (?, ?, ?)');
    for (const s of DEFAULT_SERIES) series.run(s.key, s.pattern, s.reset);
  })();
}

/** The installation settings (only the keys of the Settings schema; other areas keep their own keys in the table). */
export function readSettings(raw: BetterSqlite3.Database): SettingsT {
  const keys = Object.keys(Settings.shape);
  const rows = raw.prepare(`SELECT key, value FROM settings WHERE key IN (${keys.map(() => '?').join(',')})`).all(...keys) as { key: string; value: string }[];
  const map = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value)]));
  return { ...DEFAULT_SETTINGS(), ...map } as SettingsT;
}

function seriesList(ctx: ServiceContext) {
  const rows = ctx.raw.prepare('SELECT key, pattern, reset FROM number_series ORDER BY key').all() as { key: string; pattern: string; reset: 'never' | 'yearly' | 'monthly' }[];
  return rows.map((r) => {
    const c = ctx.raw.prepare('SELECT MAX(next_value) v FROM number_counters WHERE series_key = ?').get(r.key) as { v: number | null };
    return { ...r, nextValue: c.v ?? 1 };
  });
}

export const systemHandlers: HandlerMap<SystemOps> = {
  async 'system.info'(_input, ctx) {
    return { version: ctx.version, schemaVersion: ctx.schemaVersion, dataDir: ctx.dataDir, now: nowIso(ctx), mode: ctx.mode };
  },
  async 'settings.get'(_input, ctx) {
    return readSettings(ctx.raw);
  },
  async 'settings.update'(input, ctx) {
    const country = input.companyCountry ?? readSettings(ctx.raw).companyCountry;
    if (input.companyVatId) {
      input = { ...input, companyVatId: normalizeVatId(input.companyVatId) };
      const problem = checkVatId(input.companyVatId!, country);
      if (problem) throw AppError.validation('companyVatId', problem);
    }
    const put = ctx.raw.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    for (const [k, v] of Object.entries(input)) if (v !== undefined) put.run(k, JSON.stringify(v));
    return readSettings(ctx.raw);
  },
  async 'numberSeries.list'(_input, ctx) {
    return seriesList(ctx);
  },
  async 'numberSeries.update'(input, ctx) {
    const exists = ctx.raw.prepare('SELECT 1 FROM number_series WHERE key = ?').get(input.key);
    if (!exists) throw AppError.notFound('number series', input.key);
    if (input.pattern) ctx.raw.prepare('UPDATE number_series SET pattern = ? WHERE key = ?').run(input.pattern, input.key);
    if (input.reset) ctx.raw.prepare('UPDATE number_series SET reset = ? WHERE key = ?').run(input.reset, input.key);
    return seriesList(ctx).find((s) => s.key === input.key)!;
  },
};
