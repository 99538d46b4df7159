import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Foundation schema: settings, number series, customers, catalog, outbox. */
export class Initial1764000000001 implements MigrationInterface {
  name = 'Initial1764000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)`);
    await q.query(`CREATE TABLE number_series (key TEXT PRIMARY KEY NOT NULL, pattern TEXT NOT NULL, reset TEXT NOT NULL DEFAULT 'never' CHECK (reset IN ('never','yearly','monthly')))`);
    await q.query(`CREATE TABLE number_counters (series_key TEXT NOT NULL REFERENCES number_series(key), scope TEXT NOT NULL, next_value INTEGER NOT NULL, PRIMARY KEY (series_key, scope))`);
    await q.query(`CREATE TABLE customers (
      id TEXT PRIMARY KEY NOT NULL,
      number TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      vat_id TEXT,
      country TEXT NOT NULL,
      currency TEXT NOT NULL,
      email TEXT NOT NULL,
      contacts TEXT NOT NULL DEFAULT '[]',
      billing_address TEXT,
      payment_terms_days INTEGER NOT NULL DEFAULT 30,
      tax_status TEXT NOT NULL DEFAULT 'taxable' CHECK (tax_status IN ('taxable','exempt','reverse_charge_eligible')),
      parent_id TEXT REFERENCES customers(id),
      tags TEXT NOT NULL DEFAULT '[]',
      notes TEXT NOT NULL DEFAULT '',
      status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','archived')),
      version INTEGER NOT NULL DEFAULT 1,
      external_ref TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL)`);
    await q.query(`CREATE INDEX idx_customers_name ON customers(name COLLATE NOCASE)`);
    await q.query(`CREATE INDEX idx_customers_parent ON customers(parent_id)`);
    await q.query(`CREATE INDEX idx_customers_status ON customers(status)`);
    await q.query(`CREATE TABLE products (
      id TEXT PRIMARY KEY NOT NULL,
      sku TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      description TEXT NOT NULL DEFAULT '',
      unit TEXT NOT NULL DEFAULT 'each',
      tax_category TEXT NOT NULL DEFAULT 'standard',
      kind TEXT NOT NULL DEFAULT 'service' CHECK (kind IN ('service','physical')),
      active BOOLEAN NOT NULL DEFAULT 1,
      version INTEGER NOT NULL DEFAULT 1,
      external_ref TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL)`);
    await q.query(`CREATE TABLE plans (
      id TEXT PRIMARY KEY NOT NULL,
      product_id TEXT NOT NULL REFERENCES products(id),
      code TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      interval TEXT NOT NULL CHECK (interval IN ('month','quarter','year','every_n_months')),
      interval_count INTEGER NOT NULL DEFAULT 1,
      prices TEXT NOT NULL,
      trial_days INTEGER NOT NULL DEFAULT 0,
      active BOOLEAN NOT NULL DEFAULT 1,
      version INTEGER NOT NULL DEFAULT 1,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL)`);
    await q.query(`CREATE INDEX idx_plans_product ON plans(product_id)`);
    await q.query(`CREATE TABLE outbox (
      id TEXT PRIMARY KEY NOT NULL,
      idempotency_key TEXT NOT NULL UNIQUE,
      aggregate_type TEXT NOT NULL,
      aggregate_id TEXT NOT NULL,
      aggregate_seq INTEGER NOT NULL,
      event_type TEXT NOT NULL,
      payload TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','done','parked','skipped')),
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at TEXT,
      last_error TEXT,
      created_at TEXT NOT NULL,
      sent_at TEXT,
      UNIQUE (aggregate_type, aggregate_id, aggregate_seq))`);
    await q.query(`CREATE INDEX idx_outbox_status ON outbox(status, id)`);
  }
  async down(q: QueryRunner): Promise<void> {
    for (const t of ['outbox', 'plans', 'products', 'customers', 'number_counters', 'number_series', 'settings']) await q.query(`DROP TABLE ${t}`);
  }
}
