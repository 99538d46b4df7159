import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fixed-amount item discounts (an amount off each whole period, prorated): subscription_items.discount_amount and
 * subscription_changes.discount_amount (decimal in the subscription's currency; NULL = a percent discount or none).
 */
export class DiscountAmounts1764000000013 implements MigrationInterface {
  name = 'DiscountAmounts1764000000013';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE subscription_items ADD COLUMN discount_amount TEXT');
    await q.query('ALTER TABLE subscription_changes ADD COLUMN discount_amount TEXT');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE subscription_changes DROP COLUMN discount_amount');
    await q.query('ALTER TABLE subscription_items DROP COLUMN discount_amount');
  }
}
