import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Item discounts (a percent off an item's lines, with the reason printed on the invoice):
 * - subscription_items.discount_percent / discount_reason: the discount the item starts with (NULL = none);
 * - subscription_changes.discount_percent / discount_reason: a dated change of it (NULL = unchanged, '0' = ends);
 * - invoice_lines.discount_reason: printed with the line's discount_minor (EN 16931 BT-139).
 */
export class ItemDiscounts1764000000012 implements MigrationInterface {
  name = 'ItemDiscounts1764000000012';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE subscription_items ADD COLUMN discount_percent TEXT');
    await q.query('ALTER TABLE subscription_items ADD COLUMN discount_reason TEXT');
    await q.query('ALTER TABLE subscription_changes ADD COLUMN discount_percent TEXT');
    await q.query('ALTER TABLE subscription_changes ADD COLUMN discount_reason TEXT');
    await q.query('ALTER TABLE invoice_lines ADD COLUMN discount_reason TEXT');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE invoice_lines DROP COLUMN discount_reason');
    await q.query('ALTER TABLE subscription_changes DROP COLUMN discount_reason');
    await q.query('ALTER TABLE subscription_changes DROP COLUMN discount_percent');
    await q.query('ALTER TABLE subscription_items DROP COLUMN discount_reason');
    await q.query('ALTER TABLE subscription_items DROP COLUMN discount_percent');
  }
}
