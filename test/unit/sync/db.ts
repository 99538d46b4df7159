/** Test helper: an in-memory store with migrations 0001 + 0002-sync (as the app will run them once 0002 is registered). */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import type BetterSqlite3 from 'better-sqlite3';
import { ENTITIES } from '../../../main/db/entities';
import { Initial1764000000001 } from '../../../main/db/migrations/0001-initial';
import { Sync1764000000002 } from '../../../main/db/migrations/0002-sync';

export interface SyncTestDb { ds: DataSource; raw: BetterSqlite3.Database; close(): Promise<void> }

export async function openSyncTestDb(file = ':memory:'): Promise<SyncTestDb> {
  const ds = new DataSource({
    type: 'better-sqlite3',
    database: file,
    entities: ENTITIES,
    migrations: [Initial1764000000001, Sync1764000000002],
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
    prepareDatabase: (db: BetterSqlite3.Database) => {
      if (file !== ':memory:') db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = NORMAL');
    },
  });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  const raw = (ds.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
  return { ds, raw, close: () => ds.destroy() };
}
