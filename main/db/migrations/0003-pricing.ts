import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Contract pricing (owned by main/services/pricebooks.ts and bundles.ts):
 * - price_book_entries: one row per version of a customer's contract price for (customer, plan, currency).
 *   entry_id groups the versions of one contract price; status 'superseded' rows are history only. Active rows of a
 *   (customer, plan, currency) never overlap in [valid_from, valid_to) — checked by the service (SQLite has no
 *   exclusion constraints). model is the charge model JSON (null for a discount), discount_percent a decimal string.
 * - bundles + bundle_items: plans and add-ons sold as one item, priced per currency (prices JSON) or by a discount.
 */
export const PRICING_MIGRATION_SQL: readonly string[] = [
  `CREATE TABLE price_book_entries (
      id TEXT PRIMARY KEY NOT NULL,
      entry_id TEXT NOT NULL,
      version INTEGER NOT NULL,
      customer_id TEXT NOT NULL REFERENCES customers(id),
      plan_id TEXT NOT NULL REFERENCES plans(id),
      currency TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('fixed_price','discount','custom_tiers','model')),
      model TEXT,
      discount_percent TEXT,
      volume_scope TEXT NOT NULL DEFAULT 'subscription' CHECK (volume_scope IN ('subscription','account','account_hierarchy')),
      valid_from TEXT NOT NULL,
      valid_to TEXT,
      note TEXT NOT NULL DEFAULT '',
      status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','superseded')),
      change TEXT NOT NULL CHECK (change IN ('created','corrected','price_change','ended')),
      previous_id TEXT REFERENCES price_book_entries(id),
      replaced_by TEXT REFERENCES price_book_entries(id),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      UNIQUE (entry_id, version),
      CHECK (valid_to IS NULL OR valid_to > valid_from),
      CHECK ((kind = 'discount' AND discount_percent IS NOT NULL) OR (kind <> 'discount' AND model IS NOT NULL)))`,
  `CREATE INDEX idx_price_book_lookup ON price_book_entries(customer_id, plan_id, currency, status, valid_from)`,
  `CREATE INDEX idx_price_book_entry ON price_book_entries(entry_id, version)`,
  `CREATE INDEX idx_price_book_plan ON price_book_entries(plan_id)`,
  `CREATE TABLE bundles (
      id TEXT PRIMARY KEY NOT NULL,
      code TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      description TEXT NOT NULL DEFAULT '',
      pricing TEXT NOT NULL CHECK (pricing IN ('fixed','discount')),
      prices TEXT NOT NULL DEFAULT '[]',
      discount_percent TEXT,
      active BOOLEAN NOT NULL DEFAULT 1,
      version INTEGER NOT NULL DEFAULT 1,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL)`,
  `CREATE TABLE bundle_items (
      bundle_id TEXT NOT NULL REFERENCES bundles(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      plan_id TEXT NOT NULL REFERENCES plans(id),
      quantity TEXT NOT NULL DEFAULT '1',
      add_on INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (bundle_id, position))`,
  `CREATE INDEX idx_bundle_items_plan ON bundle_items(plan_id)`,
];

export class Pricing1764000000003 implements MigrationInterface {
  name = 'Pricing1764000000003';
  async up(q: QueryRunner): Promise<void> {
    for (const sql of PRICING_MIGRATION_SQL) await q.query(sql);
  }
  async down(q: QueryRunner): Promise<void> {
    for (const t of ['bundle_items', 'bundles', 'price_book_entries']) await q.query(`DROP TABLE ${t}`);
  }
}
