/**
 * A bounded cache of prepared statements per better-sqlite3 connection: services call `raw.prepare(sql)` freely and
 * get the same compiled statement back (preparing is ~15% of a billing run's CPU otherwise). better-sqlite3 statements
 * are reusable; the one thing they do not allow is running a statement while an iteration of it is open, which
 * Cadence does not use (a test greps for it).
 */
import type BetterSqlite3 from 'better-sqlite3';

const PATCHED = Symbol('cadence.statementCache');

export function cachePreparedStatements(db: BetterSqlite3.Database, max = 1000): BetterSqlite3.Database {
  const d = db as BetterSqlite3.Database & { [PATCHED]?: true };
  if (d[PATCHED]) return db;
  const original = db.prepare.bind(db);
  const cache = new Map<string, BetterSqlite3.Statement>();
  const cached = ((sql: string) => {
    let st = cache.get(sql);
    if (st) {
      // refresh LRU position
      cache.delete(sql);
      cache.set(sql, st);
      return st;
    }
    st = original(sql);
    cache.set(sql, st);
    if (cache.size > max) cache.delete(cache.keys().next().value as string);
    return st;
  }) as BetterSqlite3.Database['prepare'];
  Object.defineProperty(db, 'prepare', { value: cached, configurable: true, writable: true });
  d[PATCHED] = true;
  return db;
}
