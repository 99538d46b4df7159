import { z } from 'zod';
import { IsoDateTime } from '../common';
import { op } from '../op';

const url = z.string().trim().url('must be a URL such as http://127.0.0.1:8765');

export const RestEntityMapping = z.object({
  path: z.string().min(1, 'is required').startsWith('/', 'must start with /'),
  method: z.enum(['POST', 'PUT', 'PATCH']).optional(),
  fields: z.record(z.string(), z.string()).optional(),
  includeUnmapped: z.boolean().optional(),
});

export const RestConfig = z.object({
  baseUrl: url,
  auth: z.enum(['none', 'bearer', 'basic', 'hmac']).default('none'),
  username: z.string().optional(),
  hmacHeader: z.string().optional(),
  entities: z.record(z.string(), RestEntityMapping).default({}),
  batchPath: z.string().startsWith('/').optional(),
  batchMaxItems: z.number().int().min(1).max(1000).optional(),
  timeoutMs: z.number().int().min(100).max(300000).optional(),
  pingPath: z.string().startsWith('/').optional(),
});

export const TrytonConfig = z.object({
  url,
  database: z.string().min(1, 'is required'),
  username: z.string().min(1, 'is required'),
});

export const SyncConfig = z.object({
  connector: z.enum(['none', 'tryton', 'rest']),
  tryton: TrytonConfig.optional(),
  rest: RestConfig.optional(),
  /** How often to re-check an offline ERP (ms). */
  offlineRecheckMs: z.number().int().min(200).max(3600000).default(30000),
  /** The user chose to work offline: nothing is sent until switched back. */
  workOffline: z.boolean().default(false),
});
export type SyncConfig = z.output<typeof SyncConfig>;

export const SyncConfigureInput = SyncConfig.extend({
  /** Secrets are stored encrypted (safeStorage in the desktop app; CADENCE_SECRET_KEY-encrypted file in web mode). */
  secret: z.string().min(1).optional(),
}).superRefine((v, ctx) => {
  if (v.connector === 'tryton' && !v.tryton) ctx.addIssue({ code: 'custom', path: ['tryton'], message: 'is required for the Tryton connector' });
  if (v.connector === 'rest' && !v.rest) ctx.addIssue({ code: 'custom', path: ['rest'], message: 'is required for the REST connector' });
});

const Parked = z.object({
  id: z.string(), aggregateType: z.string(), aggregateId: z.string(), aggregateSeq: z.number().int(), eventType: z.string(),
  attempts: z.number().int(), erpMessage: z.string().nullable(), parkedAt: z.string().nullable(), createdAt: z.string(),
});

export const SyncStatus = z.object({
  configured: z.boolean(),
  connector: z.string(),
  workOffline: z.boolean(),
  online: z.boolean().nullable(),
  running: z.boolean(),
  pending: z.number().int(),
  blocked: z.number().int(),
  done: z.number().int(),
  skipped: z.number().int(),
  parked: z.array(Parked),
  lastSuccessAt: z.string().nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
});

export const PushSummary = z.object({
  sent: z.number().int(), failed: z.number().int(), parked: z.number().int(), pending: z.number().int(),
  blocked: z.number().int(), parkedTotal: z.number().int(), skipped: z.number().int(), online: z.boolean(), durationMs: z.number(),
});

export const OutboxEntry = z.object({
  id: z.string(), aggregateType: z.string(), aggregateId: z.string(), aggregateSeq: z.number().int(), eventType: z.string(),
  status: z.enum(['pending', 'done', 'parked', 'skipped']), attempts: z.number().int(), lastError: z.string().nullable(),
  erpMessage: z.string().nullable(), createdAt: IsoDateTime, sentAt: z.string().nullable(), payload: z.unknown(),
});

export const syncOps = {
  'sync.status': op({ name: 'sync.status', summary: 'Online/offline, pending count, last success, parked rows with their errors', mutating: false, input: z.object({}), output: SyncStatus }),
  'sync.getConfig': op({
    name: 'sync.getConfig', summary: 'The ERP connector configuration (secrets are never returned)', mutating: false, input: z.object({}),
    output: SyncConfig.extend({ hasSecret: z.boolean() }),
  }),
  'sync.configure': op({ name: 'sync.configure', summary: 'Choose and configure the ERP connector; the secret is stored encrypted', mutating: true, input: SyncConfigureInput, output: SyncConfig.extend({ hasSecret: z.boolean() }) }),
  'sync.setWorkOffline': op({ name: 'sync.setWorkOffline', summary: 'Work offline (hold every push) or go back online', mutating: true, input: z.object({ workOffline: z.boolean() }), output: SyncStatus }),
  'sync.pushNow': op({ name: 'sync.pushNow', selfManaged: true, summary: 'Push pending outbox rows now (one pass)', mutating: true, input: z.object({}), output: PushSummary }),
  'sync.retry': op({
    name: 'sync.retry', selfManaged: true, summary: 'Send a parked row again, optionally with a corrected payload', mutating: true,
    input: z.object({ id: z.string().min(1), payload: z.unknown().optional(), reason: z.string().max(500).optional() }), output: OutboxEntry,
  }),
  'sync.skip': op({ name: 'sync.skip', selfManaged: true, summary: 'Skip a parked row (recorded; later rows of its aggregate flow again)', mutating: true, input: z.object({ id: z.string().min(1), reason: z.string().max(500).optional() }), output: OutboxEntry }),
  'sync.outbox': op({
    name: 'sync.outbox', summary: 'Outbox rows, newest first', mutating: false,
    input: z.object({ status: z.enum(['pending', 'done', 'parked', 'skipped', 'all']).default('all'), aggregateType: z.string().optional(), limit: z.number().int().min(1).max(5000).default(200) }),
    output: z.array(OutboxEntry),
  }),
} as const;
