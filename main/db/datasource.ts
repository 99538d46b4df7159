import 'reflect-metadata';
import { DataSource } from 'typeorm';
import type BetterSqlite3 from 'better-sqlite3';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations/index';
import { cachePreparedStatements } from './statement-cache';

export interface OpenedStore {
  ds: DataSource;
  /** The underlying better-sqlite3 handle: for hot paths (bulk inserts) inside TypeORM transactions. */
  raw: BetterSqlite3.Database;
  schemaVersion: number;
}

/** Opens (creating if needed) the SQLite store, applies pragmas and runs pending migrations. Never synchronize. */
export async function openStore(file: string): Promise<OpenedStore> {
  const ds = new DataSource({
    type: 'better-sqlite3',
    database: file,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    statementCacheSize: 500,
    prepareDatabase: (db: BetterSqlite3.Database) => {
      if (file !== ':memory:') db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 10000');
      db.pragma('synchronous = NORMAL');
      // Savepoints (nested transactions) journal every page they touch: in memory, not in a temp file.
      db.pragma('temp_store = MEMORY');
    },
  });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  const raw = cachePreparedStatements((ds.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection);
  const schemaVersion = MIGRATIONS.length;
  raw.pragma(`user_version = ${schemaVersion}`);
  return { ds, raw, schemaVersion };
}
