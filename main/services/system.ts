import { AppError } from '../../shared/api/errors';
import type { z } from 'zod';
import { Settings } from '../../shared/api/ops/system';
import { checkVatId, normalizeVatId } from '../../shared/domain/vat';
import { newId } from '../platform/ids';
import { type HandlerMap, nowIso, type ServiceContext } from './context';
import { DEFAULT_SERIES } from './numbering';
import { counterScope, validatePattern } from '../../shared/domain/billing/numbering';
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

type Reset = 'never' | 'yearly' | 'monthly';
const counterOf = (raw: BetterSqlite3.Database, key: string, scope: string): number | null =>
  (raw.prepare('SELECT next_value AS v FROM number_counters WHERE series_key = ? AND scope = ?').get(key, scope) as { v: number } | undefined)?.v ?? null;

/** Each series with the counter value its next number takes today (the counter of today's scope: its year, month or all). */
function seriesList(ctx: ServiceContext) {
  const rows = ctx.raw.prepare('SELECT key, pattern, reset FROM number_series ORDER BY key').all() as { key: string; pattern: string; reset: Reset }[];
  const today = nowIso(ctx).slice(0, 10);
  return rows.map((r) => ({ ...r, nextValue: counterOf(ctx.raw, r.key, counterScope(r.reset, today)) ?? 1 }));
}

export const systemHandlers: HandlerMap<SystemOps> = {
  async 'system.info'(_input, ctx) {
    return { version: ctx.version, schemaVersion: ctx.schemaVersion, dataDir: ctx.dataDir, now: nowIso(ctx), mode: ctx.mode };
  },
  async 'settings.get'(_input, ctx) {
    return readSettings(ctx.raw);
  },
  async 'settings.update'(input, ctx) {
    const stored = readSettings(ctx.raw);
    const country = input.companyCountry ?? stored.companyCountry;
    if (input.companyVatId) {
      input = { ...input, companyVatId: normalizeVatId(input.companyVatId) };
      const problem = checkVatId(input.companyVatId!, country);
      if (problem) throw AppError.validation('companyVatId', problem);
    } else if (input.companyCountry && input.companyVatId === undefined && stored.companyVatId) {
      // a new country must still match the VAT id on file (as a customer's does)
      const problem = checkVatId(stored.companyVatId, country);
      if (problem) throw AppError.validation('companyCountry', `does not match the company VAT id ${stored.companyVatId} (${problem}); change both together`);
    }
    const put = ctx.raw.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    for (const [k, v] of Object.entries(input)) if (v !== undefined) put.run(k, JSON.stringify(v));
    return readSettings(ctx.raw);
  },
  async 'numberSeries.list'(_input, ctx) {
    return seriesList(ctx);
  },
  /**
   * A new pattern or reset policy. Refused when numbers could repeat (a series reset yearly must show the year, one
   * reset monthly the year and the month). A new reset policy carries today's counter over (never → yearly in March
   * continues this year's numbering where it stands instead of starting at 1 again); later years or months start at 1.
   */
  async 'numberSeries.update'(input, ctx) {
    const cur = ctx.raw.prepare('SELECT pattern, reset FROM number_series WHERE key = ?').get(input.key) as { pattern: string; reset: Reset } | undefined;
    if (!cur) throw AppError.notFound('number series', input.key);
    const pattern = input.pattern ?? cur.pattern;
    const reset = input.reset ?? cur.reset;
    const problems = validatePattern(pattern, reset);
    if (problems.length) throw AppError.validation(input.pattern !== undefined || input.reset === undefined ? 'pattern' : 'reset', problems.join('; '));
    ctx.raw.transaction(() => {
      ctx.raw.prepare('UPDATE number_series SET pattern = ?, reset = ? WHERE key = ?').run(pattern, reset, input.key);
      if (reset !== cur.reset) {
        const today = nowIso(ctx).slice(0, 10);
        const carried = counterOf(ctx.raw, input.key, counterScope(cur.reset, today));
        if (carried !== null) {
          ctx.raw.prepare(`INSERT INTO number_counters (series_key, scope, next_value) VALUES (?, ?, ?)
            ON CONFLICT(series_key, scope) DO UPDATE SET next_value = MAX(next_value, excluded.next_value)`).run(input.key, counterScope(reset, today), carried);
        }
      }
    })();
    return seriesList(ctx).find((s) => s.key === input.key)!;
  },
};
