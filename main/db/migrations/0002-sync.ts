import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ERP sync bookkeeping (owned by main/sync):
 * - outbox.erp_message / parked_at: the ERP's own words when it rejected a row (status 'parked');
 * - outbox_actions: every user decision on a parked row (retry, retry with an edited payload, skip) with the old payload;
 * - external_refs: the ERP's id and number of each synced aggregate, per connector;
 * - sync_state: online flag, last success and last error per connector (survives restarts).
 */
export const SYNC_MIGRATION_SQL: readonly string[] = [
  `ALTER TABLE outbox ADD COLUMN erp_message TEXT`,
  `ALTER TABLE outbox ADD COLUMN parked_at TEXT`,
  `CREATE TABLE outbox_actions (
      id TEXT PRIMARY KEY NOT NULL,
      outbox_id TEXT NOT NULL REFERENCES outbox(id),
      action TEXT NOT NULL CHECK (action IN ('retry','retry_edited','skip')),
      actor TEXT,
      reason TEXT,
      erp_message TEXT,
      previous_payload TEXT,
      previous_idempotency_key TEXT,
      at TEXT NOT NULL)`,
  `CREATE INDEX idx_outbox_actions_outbox ON outbox_actions(outbox_id)`,
  `CREATE TABLE external_refs (
      aggregate_type TEXT NOT NULL,
      aggregate_id TEXT NOT NULL,
      connector TEXT NOT NULL,
      external_id TEXT,
      external_number TEXT,
      outbox_id TEXT,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (aggregate_type, aggregate_id, connector))`,
  `CREATE TABLE sync_state (
      connector TEXT PRIMARY KEY NOT NULL,
      online INTEGER,
      last_success_at TEXT,
      last_error TEXT,
      last_error_at TEXT,
      last_check_at TEXT,
      updated_at TEXT NOT NULL)`,
];

export class Sync1764000000002 implements MigrationInterface {
  name = 'Sync1764000000002';
  async up(q: QueryRunner): Promise<void> {
    for (const sql of SYNC_MIGRATION_SQL) await q.query(sql);
  }
  async down(q: QueryRunner): Promise<void> {
    for (const t of ['sync_state', 'external_refs', 'outbox_actions']) await q.query(`DROP TABLE ${t}`);
    await q.query(`ALTER TABLE outbox DROP COLUMN parked_at`);
    await q.query(`ALTER TABLE outbox DROP COLUMN erp_message`);
  }
}
