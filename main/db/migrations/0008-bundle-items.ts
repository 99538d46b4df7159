import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bundles sold as one subscription item: subscription_items.bundle_id (nullable) names the bundle; such an item keeps
 * plan_id/product_id of the bundle's first part (the columns are NOT NULL) and is priced at the bundle's quote.
 */
export const BUNDLE_ITEMS_MIGRATION_SQL: readonly string[] = [
  `ALTER TABLE subscription_items ADD COLUMN bundle_id TEXT REFERENCES bundles(id)`,
  `CREATE INDEX idx_subscription_items_bundle ON subscription_items(bundle_id) WHERE bundle_id IS NOT NULL`,
];

export class BundleItems1764000000008 implements MigrationInterface {
  name = 'BundleItems1764000000008';
  async up(q: QueryRunner): Promise<void> {
    for (const sql of BUNDLE_ITEMS_MIGRATION_SQL) await q.query(sql);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX idx_subscription_items_bundle');
    await q.query('ALTER TABLE subscription_items DROP COLUMN bundle_id');
  }
}
