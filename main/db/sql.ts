/** Helpers over a better-sqlite3 connection shared by the services that use raw SQL on hot paths. */
import type BetterSqlite3 from 'better-sqlite3';

export type Db = BetterSqlite3.Database;

const cache = new WeakMap<Db, Map<string, BetterSqlite3.Statement>>();

/** The prepared statement for `sql` on this connection (prepared once per connection). */
export function st(db: Db, sql: string): BetterSqlite3.Statement {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s;
}

export const json = (v: unknown): string => JSON.stringify(v);
