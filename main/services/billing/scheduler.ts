/**
 * The billing scheduler of a running backend: starts runs (inline, or in a worker thread off the UI's path), keeps
 * the current run's progress, emits `billing.progress` / `billing.finished` on the backend's event bus, and — when
 * the backend runs background loops (web mode, desktop) — resumes an unfinished run at start and starts a run every
 * settings.schedulerIntervalMinutes.
 *
 * Worker mode: a worker_threads Worker opens its own better-sqlite3 connection to the same WAL file (busy_timeout
 * set). Inline mode (CLI, tests, in-memory stores) runs the same function on the backend's connection, each batch
 * under the backend's write lock so it never interleaves with an operation's transaction.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BillingProgress, BillingRun } from '../../../shared/api/ops/billing';
import { AppError } from '../../../shared/api/errors';
import { log } from '../../platform/logger';
import { storeFile } from '../../platform/paths';
import type { Backend, BackendOptions } from '../backend';
import type { ServiceContext } from '../context';
import { registerRuntimePart } from '../runtime-parts';
import { readBillingSettings } from './db';
import { getRun, processOwner, RunBusyError, runBilling, toRun, unfinishedRun } from './run';
import type { ParentMessage, WorkerInput, WorkerMessage } from './worker';

export interface StartOptions {
  trigger: string;
  mode: 'auto' | 'inline' | 'worker';
  finalize: boolean;
}

interface Current {
  runId: string | null;
  id: Promise<string>;
  progress: BillingProgress | null;
  done: Promise<BillingRun>;
}

type SchedulerHost = Pick<ServiceContext, 'raw' | 'clock' | 'events' | 'dataDir' | 'mode' | 'runtime'> & { inMemory: boolean };

/**
 * Where the worker entry lives: next to this module when running from TypeScript sources (tsx, vitest: a data: URL
 * bootstrap registers tsx's loader in the worker, then imports worker.ts), or beside the bundled main
 * (billing-worker.cjs).
 */
function workerEntry(): { file: string | URL } | null {
  let here: string | null = null;
  try {
    here = import.meta.url ?? null;
  } catch {
    here = null;
  }
  if (here && here.startsWith('file:') && /\.ts$/.test(here)) {
    let api: string;
    try {
      const req = createRequire(here);
      api = pathToFileURL(path.join(path.dirname(req.resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href;
    } catch {
      return null;
    }
    const target = new URL('./worker.ts', here).href;
    const code = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(target)});`;
    return { file: new URL(`data:text/javascript,${encodeURIComponent(code)}`) };
  }
  const dir = typeof __dirname !== 'undefined' ? __dirname : here ? path.dirname(new URL(here).pathname) : null;
  if (!dir) return null;
  for (const f of ['billing-worker.cjs', 'billing-worker.js', 'worker.js']) {
    const p = path.join(dir, f);
    if (fs.existsSync(p)) return { file: p };
  }
  return null;
}

export class BillingScheduler {
  private current: Current | null = null;
  private timer: NodeJS.Timeout | null = null;
  private nextRunAt: Date | null = null;
  private stopped = false;
  private lastProgress: BillingProgress | null = null;

  constructor(private readonly host: SchedulerHost) {}

  get running(): boolean {
    return this.current !== null;
  }
  get progress(): BillingProgress | null {
    return this.current?.progress ?? null;
  }
  get currentRunId(): string | null {
    return this.current?.runId ?? null;
  }
  get nextScheduledAt(): Date | null {
    return this.timer ? this.nextRunAt : null;
  }

  /** Starts a run (or joins the one in progress). Resolves once the run id is known. */
  async start(o: StartOptions): Promise<{ runId: string; alreadyRunning: boolean; done: Promise<BillingRun> }> {
    if (this.current) {
      const cur = this.current;
      return { runId: await cur.id, alreadyRunning: true, done: cur.done };
    }
    const useWorker = o.mode === 'worker' || (o.mode === 'auto' && (this.host.mode === 'web' || this.host.mode === 'electron'));
    const entry = useWorker && !this.host.inMemory ? workerEntry() : null;
    if (useWorker && !entry && o.mode === 'worker') throw new AppError('UNAVAILABLE', this.host.inMemory ? 'an in-memory store cannot be billed in a worker' : 'the billing worker script is missing');
    if (useWorker && !entry) log.warn('billing worker unavailable; running inline');
    let resolveId!: (id: string) => void;
    let rejectId!: (e: unknown) => void;
    const idKnown = new Promise<string>((res, rej) => { resolveId = res; rejectId = rej; });
    idKnown.catch(() => undefined);
    const cur: Current = { runId: null, id: idKnown, progress: null, done: Promise.resolve(null as unknown as BillingRun) };
    this.current = cur;
    const onStart = (runId: string) => {
      cur.runId = runId;
      resolveId(runId);
    };
    const onProgress = (p: BillingProgress) => {
      cur.progress = p;
      this.lastProgress = p;
      this.host.events.emit('billing.progress', p);
    };
    cur.done = (entry ? this.runInWorker(entry, o, onStart, onProgress) : this.runInline(o, onStart, onProgress)).then(
      (run) => {
        this.current = null;
        this.host.events.emit('billing.finished', run);
        this.host.events.emit('data.changed', { operation: 'billing.run' });
        return run;
      },
      (e) => {
        this.current = null;
        rejectId(e);
        const runId = cur.runId;
        this.host.events.emit('billing.finished', { runId, status: 'failed', error: (e as Error).message ?? String(e) });
        throw e;
      },
    );
    cur.done.catch(() => undefined);
    const runId = await idKnown;
    return { runId, alreadyRunning: false, done: cur.done };
  }

  private async runInline(o: StartOptions, onStart: (id: string) => void, onProgress: (p: BillingProgress) => void): Promise<BillingRun> {
    const run = await runBilling(this.host.raw, this.host.clock, {
      trigger: o.trigger, finalize: o.finalize, owner: processOwner(),
      lock: (fn) => this.host.runtime.writeLock(fn),
      onStart, onProgress,
    });
    return toRun(run);
  }

  private runInWorker(entry: { file: string | URL }, o: StartOptions, onStart: (id: string) => void, onProgress: (p: BillingProgress) => void): Promise<BillingRun> {
    const input: WorkerInput = {
      file: storeFile(this.host.dataDir), offsetMs: this.host.clock.now().getTime() - Date.now(), trigger: o.trigger, finalize: o.finalize, owner: processOwner(),
    };
    return new Promise<BillingRun>((resolve, reject) => {
      const w = new Worker(entry.file, { workerData: input });
      let settled = false;
      // The worker asks for the backend's write lock around each batch transaction (see worker.ts).
      const held = new Map<number, () => void>();
      const releaseAll = () => {
        for (const r of held.values()) r();
        held.clear();
      };
      w.on('message', (m: WorkerMessage) => {
        if (m.type === 'lock') {
          void this.host.runtime.writeLock(() => new Promise<void>((release) => {
            held.set(m.id, release);
            w.postMessage({ type: 'granted', id: m.id } satisfies ParentMessage);
          }));
        } else if (m.type === 'unlock') {
          held.get(m.id)?.();
          held.delete(m.id);
        } else if (m.type === 'start') onStart(m.runId);
        else if (m.type === 'progress') onProgress(m.progress as BillingProgress);
        else if (m.type === 'finished') { settled = true; resolve(m.run as BillingRun); }
        else if (m.type === 'error') {
          settled = true;
          if (m.busyRunId) onStart(m.busyRunId);
          reject(new AppError(m.busyRunId ? 'CONFLICT' : 'INTERNAL', m.message));
        }
      });
      w.on('error', (e) => { releaseAll(); if (!settled) { settled = true; reject(e); } });
      w.on('exit', (code) => { releaseAll(); if (!settled) { settled = true; reject(new Error(`billing worker exited with code ${code}`)); } });
    });
  }

  /** Background: resume an unfinished run now, then start a run every settings.schedulerIntervalMinutes. */
  startTimer(): void {
    const tick = async () => {
      this.timer = null;
      if (this.stopped) return;
      try {
        if (!this.current) {
          const r = await this.start({ trigger: 'scheduler', mode: 'auto', finalize: true });
          await r.done.catch((e) => log.warn('scheduled billing run failed', { error: String((e as Error).message ?? e) }));
        }
      } catch (e) {
        if (!(e instanceof RunBusyError)) log.warn('scheduled billing run failed', { error: String((e as Error).message ?? e) });
      }
      this.schedule();
    };
    this.schedule(unfinishedRun(this.host.raw) ? 1_000 : 5_000, tick);
  }

  private tickFn: (() => Promise<void>) | null = null;
  private schedule(delayMs?: number, tick?: () => Promise<void>): void {
    if (tick) this.tickFn = tick;
    if (this.stopped || !this.tickFn) return;
    let ms = delayMs;
    if (ms === undefined) {
      const minutes = readBillingSettings(this.host.raw).schedulerIntervalMinutes;
      if (minutes <= 0) {
        // disabled: look at the setting again in a minute
        this.timer = setTimeout(() => this.schedule(), 60_000);
        this.timer.unref();
        this.nextRunAt = null;
        return;
      }
      ms = minutes * 60_000;
    }
    this.nextRunAt = new Date(this.host.clock.now().getTime() + ms);
    this.timer = setTimeout(() => void this.tickFn!(), ms);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.current) await this.current.done.catch(() => undefined);
  }

  lastRun(): BillingRun | null {
    const r = this.host.raw.prepare(`SELECT * FROM billing_runs WHERE status != 'running' ORDER BY started_at DESC, id DESC LIMIT 1`).get() as Parameters<typeof toRun>[0] | undefined;
    return r ? toRun(r) : null;
  }

  currentRun(): BillingRun | null {
    const id = this.current?.runId;
    const r = id ? getRun(this.host.raw, id) : unfinishedRun(this.host.raw);
    return r ? toRun(r) : null;
  }

  get lastKnownProgress(): BillingProgress | null {
    return this.lastProgress;
  }
}

const byRaw = new WeakMap<object, BillingScheduler>();

/** The backend's scheduler (created on first use for hosts started without the runtime part). */
export function schedulerOf(ctx: Pick<ServiceContext, 'raw' | 'clock' | 'events' | 'dataDir' | 'mode' | 'runtime'>): BillingScheduler {
  const fromParts = ctx.runtime.parts.get('billing') as BillingScheduler | undefined;
  if (fromParts) return fromParts;
  let s = byRaw.get(ctx.raw);
  if (!s) byRaw.set(ctx.raw, (s = new BillingScheduler({ ...ctx, inMemory: ctx.raw.memory })));
  return s;
}

registerRuntimePart('billing', async (backend: Backend, opts: BackendOptions) => {
  const s = new BillingScheduler({ ...backend.base, inMemory: !!opts.inMemory });
  backend.runtime.parts.set('billing', s);
  if (backend.runtime.background) s.startTimer();
  return () => s.stop();
});
