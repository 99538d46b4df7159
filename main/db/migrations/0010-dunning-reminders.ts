import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dunning reminders: the billing run's dunning phase issues reminder level n for an unpaid invoice once it is
 * billing_settings.dunningLevels[n-1] days overdue (one row per invoice and level; after days offline only the
 * highest level due is issued). billing_runs.reminders counts them per run.
 */
export const DUNNING_REMINDERS_MIGRATION_SQL: readonly string[] = [
  `CREATE TABLE invoice_reminders (
      id TEXT PRIMARY KEY NOT NULL,
      invoice_id TEXT NOT NULL REFERENCES invoices(id),
      customer_id TEXT NOT NULL REFERENCES customers(id),
      subscription_id TEXT,
      level INTEGER NOT NULL CHECK (level >= 1),
      issued_on TEXT NOT NULL,
      days_overdue INTEGER NOT NULL,
      amount_due_minor INTEGER NOT NULL,
      currency TEXT NOT NULL,
      run_id TEXT,
      created_at TEXT NOT NULL,
      UNIQUE (invoice_id, level))`,
  `CREATE INDEX idx_invoice_reminders_customer ON invoice_reminders(customer_id, issued_on)`,
  `ALTER TABLE billing_runs ADD COLUMN reminders INTEGER NOT NULL DEFAULT 0`,
];

export class DunningReminders1764000000010 implements MigrationInterface {
  name = 'DunningReminders1764000000010';
  async up(q: QueryRunner): Promise<void> {
    for (const sql of DUNNING_REMINDERS_MIGRATION_SQL) await q.query(sql);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE billing_runs DROP COLUMN reminders');
    await q.query('DROP TABLE invoice_reminders');
  }
}
