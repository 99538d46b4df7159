import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Billing interval switches (monthly → annual …) at a period start: subscriptions.interval_changes is a JSON list
 * [{from, intervalMonths}] (periods.ts intervalChanges); interval_months stays the interval the subscription began with.
 */
export class IntervalChanges1764000000011 implements MigrationInterface {
  name = 'IntervalChanges1764000000011';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE subscriptions ADD COLUMN interval_changes TEXT NOT NULL DEFAULT '[]'`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE subscriptions DROP COLUMN interval_changes');
  }
}
