import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for reads that scanned whole tables on a large store (found by the billing bench's API calls at 100,000
 * customers): an invoice's credit notes (invoices.get — partial, so invoices without a preceding one cost nothing on
 * insert) and the customer list's default page (active customers by name, case-insensitive, then id).
 */
export const LIST_INDEXES_MIGRATION_SQL: readonly string[] = [
  `CREATE INDEX idx_invoices_preceding ON invoices(preceding_invoice_id) WHERE preceding_invoice_id IS NOT NULL`,
  `CREATE INDEX idx_customers_status_name ON customers(status, name COLLATE NOCASE, id)`,
];

export class ListIndexes1764000000009 implements MigrationInterface {
  name = 'ListIndexes1764000000009';
  async up(q: QueryRunner): Promise<void> {
    for (const sql of LIST_INDEXES_MIGRATION_SQL) await q.query(sql);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX idx_customers_status_name');
    await q.query('DROP INDEX idx_invoices_preceding');
  }
}
