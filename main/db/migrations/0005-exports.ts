import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finance exports (owned by main/services/exports):
 * - export_settings: key/value JSON (the GL account mapping under "glMapping");
 * - export_jobs: every export run with its parameters, progress and files (the files themselves live in
 *   <data>/exports/<fileId>/<name>), so the Exports page lists them and downloads work after a restart.
 */
export const EXPORTS_MIGRATION_SQL: readonly string[] = [
  `CREATE TABLE export_settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)`,
  `CREATE TABLE export_jobs (
      id TEXT PRIMARY KEY NOT NULL,
      type TEXT NOT NULL,
      format TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('running','done','failed')),
      params TEXT NOT NULL DEFAULT '{}',
      done INTEGER NOT NULL DEFAULT 0,
      total INTEGER NOT NULL DEFAULT 0,
      files TEXT NOT NULL DEFAULT '[]',
      summary TEXT NOT NULL DEFAULT '',
      error TEXT,
      started_at TEXT NOT NULL,
      finished_at TEXT)`,
  `CREATE INDEX idx_export_jobs_started ON export_jobs(started_at)`,
];

export class Exports1764000000005 implements MigrationInterface {
  name = 'Exports1764000000005';
  async up(q: QueryRunner): Promise<void> {
    for (const sql of EXPORTS_MIGRATION_SQL) await q.query(sql);
  }
  async down(q: QueryRunner): Promise<void> {
    for (const t of ['export_jobs', 'export_settings']) await q.query(`DROP TABLE ${t}`);
  }
}
