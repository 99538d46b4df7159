import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Master-data pull from the ERP (owned by main/sync/pull):
 * - sync_pull_records: the last pulled snapshot per (connector, entity, external id): the Cadence record it is linked
 *   to, a hash of the ERP values (unchanged records are skipped), the ERP values and Cadence's values right after that
 *   pull (the two bases of the three-way merge), and whether the pull created the Cadence record;
 * - sync_pull_state: per (connector, entity) the change watermark (largest ERP updatedAt seen) and the last summary;
 * - sync_conflicts: shared fields changed on both sides since the last pull, listed for the user until resolved;
 * - products_erp: what the ERP says about a product that Cadence does not own: list price and available stock.
 */
export const PULL_MIGRATION_SQL: readonly string[] = [
  `CREATE TABLE sync_pull_records (
      connector TEXT NOT NULL,
      entity TEXT NOT NULL CHECK (entity IN ('product','customer')),
      external_id TEXT NOT NULL,
      record_id TEXT NOT NULL,
      external_code TEXT,
      hash TEXT NOT NULL,
      erp_data TEXT NOT NULL,
      cadence_data TEXT NOT NULL,
      erp_updated_at TEXT,
      created_by_pull INTEGER NOT NULL DEFAULT 0,
      pulled_at TEXT NOT NULL,
      PRIMARY KEY (connector, entity, external_id))`,
  `CREATE INDEX idx_sync_pull_records_record ON sync_pull_records(entity, record_id)`,
  `CREATE TABLE sync_pull_state (
      connector TEXT NOT NULL,
      entity TEXT NOT NULL,
      watermark TEXT,
      last_pull_at TEXT,
      last_summary TEXT,
      PRIMARY KEY (connector, entity))`,
  `CREATE TABLE sync_conflicts (
      id TEXT PRIMARY KEY NOT NULL,
      connector TEXT NOT NULL,
      entity TEXT NOT NULL CHECK (entity IN ('product','customer')),
      record_id TEXT NOT NULL,
      external_id TEXT NOT NULL,
      field TEXT NOT NULL,
      cadence_value TEXT,
      erp_value TEXT,
      base_value TEXT,
      detected_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','resolved')),
      resolution TEXT CHECK (resolution IS NULL OR resolution IN ('cadence','erp','custom','agreed')),
      resolved_value TEXT,
      resolved_by TEXT,
      resolved_at TEXT)`,
  `CREATE UNIQUE INDEX idx_sync_conflicts_open ON sync_conflicts(entity, record_id, field) WHERE status = 'open'`,
  `CREATE INDEX idx_sync_conflicts_status ON sync_conflicts(status, detected_at)`,
  `CREATE TABLE products_erp (
      product_id TEXT PRIMARY KEY NOT NULL REFERENCES products(id),
      connector TEXT NOT NULL,
      list_price TEXT,
      currency TEXT,
      stock_available TEXT,
      stock_as_of TEXT,
      updated_at TEXT NOT NULL)`,
];

export class Pull1764000000007 implements MigrationInterface {
  name = 'Pull1764000000007';
  async up(q: QueryRunner): Promise<void> {
    for (const sql of PULL_MIGRATION_SQL) await q.query(sql);
  }
  async down(q: QueryRunner): Promise<void> {
    for (const t of ['products_erp', 'sync_conflicts', 'sync_pull_state', 'sync_pull_records']) await q.query(`DROP TABLE ${t}`);
  }
}
