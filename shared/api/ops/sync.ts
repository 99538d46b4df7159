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
  /** Master-data pull (sync.pull): GET `${baseUrl}${path}?since=ISO`; fields map Cadence → remote names like a push mapping. */
  pull: z.object({
    paths: z.object({ product: z.string().startsWith('/').optional(), customer: z.string().startsWith('/').optional() }).optional(),
    fields: z.object({ product: z.record(z.string(), z.string()).optional(), customer: z.record(z.string(), z.string()).optional() }).optional(),
    idField: z.string().optional(),
    updatedAtField: z.string().optional(),
    stockField: z.string().optional(),
  }).optional(),
});

export const TrytonConfig = z.object({
  url,
  database: z.string().trim().min(1, 'is required'),
  username: z.string().trim().min(1, 'is required'),
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

// ---------------------------------------------------------------- master-data pull (issue #5)
export const PullEntity = z.enum(['product', 'customer']);
export type PullEntity = z.output<typeof PullEntity>;
/** Who owns a field: the ERP (its value overwrites Cadence's), Cadence (never overwritten), or both (three-way merge). */
export const FieldOwner = z.enum(['erp', 'cadence', 'shared']);
export type FieldOwner = z.output<typeof FieldOwner>;
/** Product fields a pull manages. price and stock are kept beside the product (sync.erpProducts), not on it. */
export const PRODUCT_PULL_FIELDS = ['sku', 'name', 'description', 'active', 'price', 'stock'] as const;
export const CUSTOMER_PULL_FIELDS = ['number', 'name', 'vatId', 'email', 'country', 'billingAddress', 'currency', 'paymentTermsDays', 'tags', 'notes'] as const;
const ownershipOf = <F extends readonly string[]>(fields: F) =>
  z.object(Object.fromEntries(fields.map((f) => [f, FieldOwner])) as { [K in F[number]]: typeof FieldOwner });
export const FieldOwnership = z.object({ product: ownershipOf(PRODUCT_PULL_FIELDS), customer: ownershipOf(CUSTOMER_PULL_FIELDS) });
export type FieldOwnership = z.output<typeof FieldOwnership>;
export const SetOwnershipInput = z.object({
  product: ownershipOf(PRODUCT_PULL_FIELDS).partial().strict().optional(),
  customer: ownershipOf(CUSTOMER_PULL_FIELDS).partial().strict().optional(),
});

const counts = {
  fetched: z.number().int(), unchanged: z.number().int(), created: z.number().int(), updated: z.number().int(),
  /** ERP records that changed only in fields Cadence keeps (Cadence-owned, or Cadence changed them alone). */
  kept: z.number().int(),
  /** New conflicts (open ones found again are refreshed, not counted). */
  conflicts: z.number().int(),
  /** Records that could not be applied (see errors); they are tried again on the next pull. */
  skipped: z.number().int(),
};
export const PullSummary = z.object({
  ...counts,
  entities: z.array(z.object({ entity: PullEntity, since: z.string().nullable(), watermark: z.string().nullable(), ...counts })),
  errors: z.array(z.object({ entity: PullEntity, externalId: z.string(), code: z.string().optional(), message: z.string() })),
  /** Outbox rows the services appended for pulled changes and that were dropped (the ERP already has the values). */
  echoSuppressed: z.number().int(),
  /** Products whose ERP stock went to the recurring orders' stock (stock.update), when that operation exists. */
  stockUpdated: z.number().int(),
  durationMs: z.number(),
});
export type PullSummary = z.output<typeof PullSummary>;

export const ConflictStatus = z.enum(['open', 'resolved']);
export const SyncConflict = z.object({
  id: z.string(), connector: z.string(), entity: PullEntity, recordId: z.string(),
  /** Product SKU / customer number and name, for the list. */
  recordLabel: z.string(),
  externalId: z.string(), field: z.string(),
  cadenceValue: z.unknown(), erpValue: z.unknown(),
  /** The value both sides had at the previous pull (null when there was none). */
  baseValue: z.unknown(),
  detectedAt: z.string(), updatedAt: z.string(), status: ConflictStatus,
  resolution: z.enum(['cadence', 'erp', 'custom', 'agreed']).nullable(),
  resolvedValue: z.unknown(), resolvedBy: z.string().nullable(), resolvedAt: z.string().nullable(),
});
export type SyncConflict = z.output<typeof SyncConflict>;

export const ResolveConflictInput = z.object({
  id: z.string().min(1),
  take: z.enum(['cadence', 'erp', 'custom']),
  /** The value to apply with take = 'custom'. */
  value: z.unknown().optional(),
  /** Who decided (recorded with the resolution). */
  by: z.string().trim().min(1).max(200).default('user'),
}).superRefine((v, ctx) => {
  if (v.take === 'custom' && v.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: "is required when take is 'custom'" });
});

export const ErpProductInfo = z.object({
  productId: z.string(), sku: z.string(), name: z.string(), connector: z.string(),
  listPrice: z.string().nullable(), currency: z.string().nullable(), stockAvailable: z.string().nullable(), stockAsOf: z.string().nullable(), updatedAt: z.string(),
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
  'sync.pull': op({
    name: 'sync.pull', selfManaged: true, mutating: true,
    summary: 'Pull master data (products, customers) changed in the ERP; applies it by field ownership and lists conflicts',
    input: z.object({ entities: z.array(PullEntity).min(1).optional() }), output: PullSummary,
  }),
  'sync.conflicts': op({
    name: 'sync.conflicts', summary: 'Shared fields changed both in Cadence and in the ERP since the last pull', mutating: false,
    input: z.object({ status: z.enum(['open', 'resolved', 'all']).default('open'), entity: PullEntity.optional(), limit: z.number().int().min(1).max(5000).default(500) }),
    output: z.array(SyncConflict),
  }),
  'sync.resolveConflict': op({
    name: 'sync.resolveConflict', summary: "Resolve a conflict: keep Cadence's value (pushed to the ERP), take the ERP's, or a custom value", mutating: true,
    input: ResolveConflictInput, output: SyncConflict,
  }),
  'sync.getOwnership': op({ name: 'sync.getOwnership', summary: 'Which side owns each pulled field (ERP, Cadence or shared)', mutating: false, input: z.object({}), output: FieldOwnership }),
  'sync.setOwnership': op({ name: 'sync.setOwnership', summary: 'Change the owner of pulled fields (the others keep theirs)', mutating: true, input: SetOwnershipInput, output: FieldOwnership }),
  'sync.erpProducts': op({
    name: 'sync.erpProducts', summary: 'ERP list price and available stock of products (from the last pull)', mutating: false,
    input: z.object({ productIds: z.array(z.string()).max(5000).optional() }), output: z.array(ErpProductInfo),
  }),
} as const;
