import type BetterSqlite3 from 'better-sqlite3';
import type { DataSource, EntityManager } from 'typeorm';
import type { z } from 'zod';
import type { Operations, OpName } from '../../shared/api/index';
import type { Clock } from '../platform/clock';

export type RunMode = 'electron' | 'web' | 'cli' | 'test';

export interface EventBus {
  emit(event: string, payload: unknown): void;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

export function createEventBus(): EventBus {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  return {
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
      for (const l of listeners.get('*') ?? []) l({ event, payload });
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set!.delete(listener);
    },
  };
}

/**
 * Long-lived parts of a running backend that handlers reach (the sync manager, the billing scheduler…).
 * `writeLock` serialises a write with every operation's transaction (one SQLite connection).
 */
export interface Runtime {
  writeLock<T>(fn: () => T | Promise<T>): Promise<T>;
  /** Registered by areas at backend start (see backend.ts `RUNTIME_FACTORIES`). */
  parts: Map<string, unknown>;
  /** Background loops (sync sender, scheduler) run only when started (web mode, Electron), never in plain tests. */
  background: boolean;
}

/** What every handler receives. For mutating operations `em` is the operation's one transaction. */
export interface ServiceContext {
  ds: DataSource;
  /** better-sqlite3 handle on the same connection: statements run inside the current transaction. */
  raw: BetterSqlite3.Database;
  em: EntityManager;
  clock: Clock;
  events: EventBus;
  dataDir: string;
  mode: RunMode;
  version: string;
  schemaVersion: number;
  runtime: Runtime;
  /** Invoke another operation (already inside this context's transaction when mutating). */
  call<K extends OpName>(name: K, input: z.input<Operations[K]['input']>): Promise<z.output<Operations[K]['output']>>;
}

export type Handler<K extends OpName> = (
  input: z.output<Operations[K]['input']>,
  ctx: ServiceContext,
) => Promise<z.output<Operations[K]['output']>>;

export type HandlerMap<K extends OpName> = { [P in K]: Handler<P> };
export type Handlers = HandlerMap<OpName>;

export const nowIso = (ctx: { clock: Clock }): string => ctx.clock.now().toISOString();
