/**
 * Where exports live: job rows (export_jobs), files under <data>/exports/<fileId>/<name> (or the CLI's
 * --out folder), the GL mapping (export_settings "glMapping"), and the in-memory progress of running jobs.
 * Writes go through the backend's write lock (one SQLite connection shared with every transaction).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ExportFile, ExportJob, ExportRunInput } from '../../../shared/api/ops/exports';
import { AppError } from '../../../shared/api/errors';
import { DEFAULT_GL_MAPPING, type GlMapping } from '../../../shared/domain/finance/journal';
import type { ServiceContext } from '../context';

export const EXPORTS_DIR = 'exports';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Ctx = Pick<ServiceContext, 'raw' | 'dataDir' | 'runtime'>;

export interface FileOut {
  name: string;
  mediaType: string;
  data: Buffer | string;
}

export const MEDIA_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.xml': 'application/xml',
  '.zip': 'application/zip',
  '.csv': 'text/csv; charset=utf-8',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
export const mediaTypeOf = (name: string): string => MEDIA_TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream';

/** Running jobs' progress (per backend). */
export interface LiveJob {
  job: ExportJob;
  promise: Promise<void>;
}
export function liveJobs(ctx: Pick<ServiceContext, 'runtime'>): Map<string, LiveJob> {
  let m = ctx.runtime.parts.get('exports.jobs') as Map<string, LiveJob> | undefined;
  if (!m) ctx.runtime.parts.set('exports.jobs', (m = new Map()));
  return m;
}

interface JobRow {
  id: string;
  type: string;
  format: string;
  status: string;
  params: string;
  done: number;
  total: number;
  files: string;
  summary: string;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}

const toJob = (r: JobRow): ExportJob => ({
  jobId: r.id,
  type: r.type as ExportJob['type'],
  format: r.format as ExportJob['format'],
  status: r.status as ExportJob['status'],
  done: r.done,
  total: r.total,
  files: JSON.parse(r.files) as ExportFile[],
  summary: r.summary,
  error: r.error ? (JSON.parse(r.error) as ExportJob['error']) : null,
  params: JSON.parse(r.params) as ExportJob['params'],
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

export function jobParams(input: Pick<ExportRunInput, 'from' | 'to' | 'asOf' | 'customerId'>): ExportJob['params'] {
  return { from: input.from ?? null, to: input.to ?? null, asOf: input.asOf ?? null, customerId: input.customerId ?? null };
}

export async function saveJob(ctx: Ctx, job: ExportJob): Promise<void> {
  await ctx.runtime.writeLock(() => {
    ctx.raw
      .prepare(
        `INSERT INTO export_jobs (id, type, format, status, params, done, total, files, summary, error, started_at, finished_at)
         VALUES (@id, @type, @format, @status, @params, @done, @total, @files, @summary, @error, @started_at, @finished_at)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, done = excluded.done, total = excluded.total, files = excluded.files,
           summary = excluded.summary, error = excluded.error, finished_at = excluded.finished_at`,
      )
      .run({
        id: job.jobId,
        type: job.type,
        format: job.format,
        status: job.status,
        params: JSON.stringify(job.params),
        done: job.done,
        total: job.total,
        files: JSON.stringify(job.files),
        summary: job.summary,
        error: job.error ? JSON.stringify(job.error) : null,
        started_at: job.startedAt,
        finished_at: job.finishedAt,
      });
  });
}

/** A job: live progress while it runs, else its row (a "running" row of an earlier process was interrupted). */
export function getJob(ctx: Ctx, jobId: string): ExportJob {
  const live = liveJobs(ctx).get(jobId);
  if (live) return structuredClone(live.job);
  const row = ctx.raw.prepare('SELECT * FROM export_jobs WHERE id = ?').get(jobId) as JobRow | undefined;
  if (!row) throw AppError.notFound('export job', jobId);
  return interrupted(toJob(row));
}

function interrupted(job: ExportJob): ExportJob {
  if (job.status !== 'running') return job;
  return { ...job, status: 'failed', error: { code: 'UNAVAILABLE', message: 'the export was interrupted (the app was closed while it ran); run it again' } };
}

export function listJobs(ctx: Ctx, limit: number): ExportJob[] {
  const live = liveJobs(ctx);
  const rows = ctx.raw.prepare('SELECT * FROM export_jobs ORDER BY started_at DESC, id DESC LIMIT ?').all(limit) as JobRow[];
  return rows.map((r) => (live.has(r.id) ? structuredClone(live.get(r.id)!.job) : interrupted(toJob(r))));
}

export const filesRoot = (dataDir: string): string => path.join(dataDir, EXPORTS_DIR);

/** Writes one file: into `outDir` when given, else <data>/exports/<fileId>/<name>. */
export function writeFile(ctx: Pick<ServiceContext, 'dataDir'>, fileId: string, f: FileOut, outDir?: string): ExportFile {
  // absolute: a relative --out or data folder is taken from the working directory
  const dir = path.resolve(outDir ?? path.join(filesRoot(ctx.dataDir), fileId));
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    // a folder that cannot be made (a file in the way, no permission): the caller's outDir is wrong, not Cadence
    if (outDir) throw AppError.validation('outDir', `cannot write to ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    throw e;
  }
  const target = path.join(dir, f.name);
  if (path.dirname(target) !== dir) throw AppError.validation('name', `"${f.name}" is not a plain file name`);
  fs.writeFileSync(target, f.data);
  const size = typeof f.data === 'string' ? Buffer.byteLength(f.data) : f.data.length;
  return { fileId, name: f.name, mediaType: f.mediaType, size, path: outDir ? target : null };
}

/** The file of an export by its id: name, type and absolute path. */
export function resolveFile(ctx: Ctx, fileId: string): { name: string; mediaType: string; size: number; path: string } {
  if (!UUID.test(fileId)) throw AppError.validation('fileId', 'must be a UUID');
  for (const live of liveJobs(ctx).values()) {
    const f = live.job.files.find((x) => x.fileId === fileId);
    if (f) return located(ctx, f);
  }
  const row = ctx.raw.prepare(`SELECT files FROM export_jobs WHERE files LIKE ? LIMIT 1`).get(`%${fileId}%`) as { files: string } | undefined;
  const f = row ? (JSON.parse(row.files) as ExportFile[]).find((x) => x.fileId === fileId) : undefined;
  if (!f) throw AppError.notFound('export file', fileId);
  return located(ctx, f);
}

function located(ctx: Pick<ServiceContext, 'dataDir'>, f: ExportFile) {
  const p = f.path ?? path.join(filesRoot(ctx.dataDir), f.fileId, f.name);
  if (!fs.existsSync(p)) throw new AppError('NOT_FOUND', `the file ${f.name} is no longer on disk; run the export again`, { entity: 'export file', id: f.fileId });
  return { name: f.name, mediaType: f.mediaType, size: fs.statSync(p).size, path: p };
}

/** Removes export files and jobs older than `days` (default 30). */
export async function pruneExports(ctx: Ctx, now: Date, days = 30): Promise<number> {
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
  const old = ctx.raw.prepare('SELECT * FROM export_jobs WHERE started_at < ? AND status != ?').all(cutoff, 'running') as JobRow[];
  if (!old.length) return 0;
  for (const r of old) {
    for (const f of JSON.parse(r.files) as ExportFile[]) {
      if (!f.path) fs.rmSync(path.join(filesRoot(ctx.dataDir), f.fileId), { recursive: true, force: true });
    }
  }
  await ctx.runtime.writeLock(() => {
    const del = ctx.raw.prepare('DELETE FROM export_jobs WHERE id = ?');
    for (const r of old) del.run(r.id);
  });
  return old.length;
}

// ---------------------------------------------------------------------------------------------
// GL mapping

export function readGlMapping(ctx: Pick<ServiceContext, 'raw'>): GlMapping {
  const row = ctx.raw.prepare(`SELECT value FROM export_settings WHERE key = 'glMapping'`).get() as { value: string } | undefined;
  if (!row) return structuredClone(DEFAULT_GL_MAPPING);
  // exactly what was saved (an omitted allowances/charges/rounding account means "the revenue default")
  const saved = JSON.parse(row.value) as Partial<GlMapping>;
  return { ...saved, revenueByProduct: saved.revenueByProduct ?? {}, revenueByCategory: saved.revenueByCategory ?? {}, taxByRate: saved.taxByRate ?? {}, accountNames: saved.accountNames ?? {} } as GlMapping;
}

/** Saves the mapping (call inside the operation's transaction). */
export function writeGlMapping(ctx: Pick<ServiceContext, 'raw'>, m: GlMapping): GlMapping {
  ctx.raw
    .prepare(`INSERT INTO export_settings (key, value) VALUES ('glMapping', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`)
    .run(JSON.stringify(m));
  return readGlMapping(ctx);
}
