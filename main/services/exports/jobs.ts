/**
 * Export jobs: plan (synchronous checks; errors reach the caller), then render in the background with
 * `export.progress` {jobId, done, total} and `export.finished` {jobId, status, files, error} events.
 */
import path from 'node:path';
import { AppError } from '../../../shared/api/errors';
import type { ExportFile, ExportJob, ExportRunInput } from '../../../shared/api/ops/exports';
import { log } from '../../platform/logger';
import { newId } from '../../platform/ids';
import { nowIso, type ServiceContext } from '../context';
import { planExport } from './build';
import { jobParams, liveJobs, pruneExports, saveJob, writeFile } from './store';

/** At most this many progress events per job (plus the last one). */
const MAX_PROGRESS_EVENTS = 100;

export async function runExport(input: ExportRunInput, ctx: ServiceContext): Promise<ExportJob> {
  if (input.outDir && ctx.mode !== 'cli' && ctx.mode !== 'test') {
    throw AppError.validation('outDir', 'is only available from the CLI; the app downloads the files instead');
  }
  const outDir = input.outDir ? path.resolve(input.outDir) : undefined;
  await pruneExports(ctx, ctx.clock.now()).catch((e) => log.warn('pruning old exports failed', { error: String(e) }));

  const plan = await planExport(input, ctx);
  const job: ExportJob = {
    jobId: newId(),
    type: input.type,
    format: input.format,
    status: 'running',
    done: 0,
    total: plan.total,
    files: [],
    summary: plan.summary,
    error: null,
    params: jobParams(input),
    startedAt: nowIso(ctx),
    finishedAt: null,
  };
  await saveJob(ctx, job);
  const jobs = liveJobs(ctx);
  const step = Math.max(1, Math.ceil(plan.total / MAX_PROGRESS_EVENTS));
  const emitProgress = () => ctx.events.emit('export.progress', { jobId: job.jobId, done: job.done, total: job.total });

  const work = (async () => {
    // let the caller get its answer before the rendering starts
    await new Promise((resolve) => setImmediate(resolve));
    try {
      await plan.render(
        (f) => {
          const file: ExportFile = writeFile(ctx, newId(), f, outDir);
          job.files.push(file);
        },
        (done) => {
          job.done = done;
          if (done % step === 0 || done === job.total) emitProgress();
        },
      );
      job.status = 'done';
      job.done = job.total;
    } catch (e) {
      job.status = 'failed';
      const body = e instanceof AppError ? e.toBody() : { code: 'INTERNAL', message: `Internal error: ${(e as Error)?.message ?? String(e)}` };
      job.error = { code: body.code, message: body.message };
      log.error('export failed', { jobId: job.jobId, type: job.type, format: job.format, error: body.message });
    }
    job.finishedAt = nowIso(ctx);
    try {
      await saveJob(ctx, job);
    } catch (e) {
      log.warn('could not record the export job (store closed?)', { jobId: job.jobId, error: String(e) });
    }
    jobs.delete(job.jobId);
    ctx.events.emit('export.finished', { jobId: job.jobId, status: job.status, files: job.files, error: job.error });
  })();
  jobs.set(job.jobId, { job, promise: work });

  if (input.wait) await work;
  return structuredClone(job);
}

/** Waits for every running export of this backend (tests, shutdown). */
export async function settleExports(ctx: Pick<ServiceContext, 'runtime'>): Promise<void> {
  await Promise.all([...liveJobs(ctx).values()].map((j) => j.promise));
}
