import Database from 'better-sqlite3';
import { execSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cachePreparedStatements } from '../../../main/db/statement-cache';

describe('prepared statement cache', () => {
  it('returns the same statement for the same SQL and keeps working', () => {
    const db = cachePreparedStatements(new Database(':memory:'), 3);
    db.exec('CREATE TABLE t (x INTEGER)');
    const a = db.prepare('INSERT INTO t VALUES (?)');
    expect(db.prepare('INSERT INTO t VALUES (?)')).toBe(a);
    for (let i = 0; i < 5; i++) db.prepare('INSERT INTO t VALUES (?)').run(i);
    expect(db.prepare('SELECT COUNT(*) n FROM t').get()).toEqual({ n: 5 });
    // bounded: older entries are evicted, new statements still work
    for (let i = 0; i < 10; i++) expect(db.prepare(`SELECT ${i} AS v`).get()).toEqual({ v: i });
    expect(db.prepare('INSERT INTO t VALUES (?)')).not.toBe(a);
    db.close();
  });
  it('no code iterates a statement (a cached statement cannot run while an iteration of it is open)', () => {
    const hits = execSync("grep -rn '\\.iterate(' main shared || true", { encoding: 'utf8' }).trim();
    expect(hits).toBe('');
  });
});
