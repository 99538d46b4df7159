/**
 * The backend: opens the store, owns the handler table and runs operations.
 * Every entry point (Electron IPC, HTTP in web mode, CLI, tests) goes through `invoke`, which parses the input with
 * the operation's zod schema, runs mutating operations one at a time each in one transaction, and turns every error
 * into data ({code,message,details}).
 */
import fs from 'node:fs';
import type { z } from 'zod';
import { AppError, type ApiErrorBody } from '../../shared/api/errors';
import { getOp, isOpName, type Operations, type OpName, operations } from '../../shared/api/index';
import { parseInput } from '../../shared/api/op';
import { openStore } from '../db/datasource';
import { type Clock, systemClock } from '../platform/clock';
import { log } from '../platform/logger';
import { storeFile } from '../platform/paths';
import { createEventBus, type EventBus, type RunMode, type Runtime, type ServiceContext } from './context';
import type { SecretStore } from '../sync/credentials';
import { handlers } from './registry';
import { RUNTIME_FACTORIES } from './runtime-parts';
import { ensureBootstrap } from './system';

export const APP_VERSION = '0.1.0';

export type { InvokeResult } from '../../shared/api/bridge';
import type { InvokeResult } from '../../shared/api/bridge';

export interface BackendOptions {
  dataDir: string;
  clock?: Clock;
  mode?: RunMode;
  /** Use an in-memory store (tests). */
  inMemory?: boolean;
  /** Start background loops (sync sender, billing scheduler). Web mode and Electron do; tests and the CLI don't. */
  background?: boolean;
  /** Where connector secrets live (Electron: safeStorage). Default: web mode's encrypted file (CADENCE_SECRET_KEY). */
  secretStore?: () => SecretStore;
}


export interface Backend {
  invoke(name: string, input: unknown): Promise<InvokeResult>;
  /** Typed call for tests and the CLI: returns the output or throws the AppError. */
  call<K extends OpName>(name: K, input: z.input<Operations[K]['input']>): Promise<z.output<Operations[K]['output']>>;
  events: EventBus;
  clock: Clock;
  base: Omit<ServiceContext, 'em' | 'call'>;
  runtime: Runtime;
  options: BackendOptions;
  close(): Promise<void>;
}

export function toErrorBody(err: unknown): ApiErrorBody {
  if (err instanceof AppError) return err.toBody();
  const e = err as { code?: string; message?: string };
  const msg = String(e?.message ?? err);
  if (/UNIQUE constraint failed: ([\w.]+)/.test(msg)) {
    const field = /UNIQUE constraint failed: \w+\.(\w+)/.exec(msg)?.[1] ?? 'value';
    return { code: 'CONFLICT', message: `${field} is already used`, details: { fields: [{ path: field, message: 'is already used' }] } };
  }
  if (/FOREIGN KEY constraint failed/.test(msg)) return { code: 'CONFLICT', message: 'a referenced record does not exist or is still referenced' };
  log.error('internal error', { message: msg, stack: (err as Error)?.stack });
  return { code: 'INTERNAL', message: `Internal error: ${msg}` };
}

export async function createBackend(opts: BackendOptions): Promise<Backend> {
  if (!opts.inMemory) fs.mkdirSync(opts.dataDir, { recursive: true });
  const { ds, raw, schemaVersion } = await openStore(opts.inMemory ? ':memory:' : storeFile(opts.dataDir));
  ensureBootstrap(raw);
  const clock = opts.clock ?? systemClock;
  const events = createEventBus();
  // Mutating operations run one at a time (a single SQLite connection; one transaction each).
  let writeChain: Promise<unknown> = Promise.resolve();
  const serialize = <T>(fn: () => T | Promise<T>): Promise<T> => {
    const next = writeChain.then(fn, fn);
    writeChain = next.catch(() => undefined);
    return next;
  };
  const runtime: Runtime = { writeLock: serialize, parts: new Map(), background: !!opts.background };
  const base: Omit<ServiceContext, 'em' | 'call'> = {
    ds, raw, clock, events, dataDir: opts.dataDir, mode: opts.mode ?? 'test', version: APP_VERSION, schemaVersion, runtime,
  };

  const makeCtx = (em: ServiceContext['em'], inTx: boolean): ServiceContext => {
    const ctx: ServiceContext = {
      ...base,
      em,
      call: async (name, input) => {
        const def = getOp(name);
        const parsed = parseInput(def, input);
        if (def.mutating && !inTx) throw new AppError('INTERNAL', `${name} is mutating and cannot be called from a read`);
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        return (handlers[name] as any)(parsed, ctx);
      },
    };
    return ctx;
  };

  const run = async (name: OpName, input: unknown): Promise<unknown> => {
    const def = getOp(name);
    const parsed = parseInput(def, input);
    const handler = handlers[name] as (i: unknown, c: ServiceContext) => Promise<unknown>;
    if (!def.mutating) return handler(parsed, makeCtx(ds.manager, false));
    if (def.selfManaged) return handler(parsed, makeCtx(ds.manager, false));
    const out = await serialize(() => ds.transaction((em) => handler(parsed, makeCtx(em, true))));
    events.emit('data.changed', { operation: name });
    return out;
  };
  const stops: (() => Promise<void>)[] = [];

  const backend: Backend = {
    events,
    clock,
    base,
    runtime,
    options: opts,
    async invoke(name, input) {
      if (!isOpName(name)) return { ok: false, error: { code: 'UNKNOWN_OPERATION', message: `Unknown operation ${name}`, details: { known: Object.keys(operations).length } } };
      try {
        return { ok: true, data: await run(name, input) };
      } catch (err) {
        return { ok: false, error: toErrorBody(err) };
      }
    },
    async call(name, input) {
      const r = await backend.invoke(name, input);
      if (!r.ok) throw new AppError(r.error.code, r.error.message, r.error.details);
      return r.data as never;
    },
    async close() {
      for (const stop of stops.reverse()) await stop().catch((e) => log.warn('stop failed', { error: String(e) }));
      await writeChain.catch(() => undefined);
      if (ds.isInitialized) await ds.destroy();
    },
  };
  for (const part of RUNTIME_FACTORIES) {
    const stop = await part.create(backend, opts);
    if (stop) stops.push(stop);
  }
  return backend;
}
