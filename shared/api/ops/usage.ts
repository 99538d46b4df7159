/**
 * Usage records for metered subscription items. Each record carries an idempotency key: a repeated key is
 * ignored (reported as a duplicate), never counted twice. Records are aggregated per billing period
 * (sum, max, count, unique count of a property, latest value) and rated in arrears by the item's charge model.
 */
import { z } from 'zod';
import { Id, IsoDate, IsoDateTime, NonNegDecimalString, pageOf } from '../common';
import { op } from '../op';

const key = z.string().trim().min(1, 'is required').max(200);

export const UsageRecordInput = z
  .object({
    /** The metered item; or give customerId (or subscriptionId) + metric. */
    subscriptionItemId: Id.optional(),
    subscriptionId: Id.optional(),
    customerId: Id.optional(),
    metric: z.string().trim().min(1).max(64).optional(),
    quantity: NonNegDecimalString.default('1'),
    /** When the usage happened (ISO date-time with offset); decides the billing period. */
    timestamp: IsoDateTime,
    /** A repeated key is ignored (not double-counted). */
    idempotencyKey: key,
    /** Free properties (e.g. {"userId":"u1"} for unique counts). */
    properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.subscriptionItemId && !v.metric) ctx.addIssue({ code: 'custom', path: ['metric'], message: 'is required without subscriptionItemId' });
    if (!v.subscriptionItemId && !v.customerId && !v.subscriptionId) ctx.addIssue({ code: 'custom', path: ['subscriptionItemId'], message: 'give subscriptionItemId, subscriptionId + metric, or customerId + metric' });
  });
export type UsageRecordInput = z.output<typeof UsageRecordInput>;

export const UsageRecordResult = z.object({
  index: z.number().int(),
  idempotencyKey: z.string(),
  /** The stored record's id (the earlier one for a duplicate); null when rejected. */
  id: Id.nullable(),
  status: z.enum(['recorded', 'duplicate', 'rejected']),
  error: z.string().optional(),
});

export const UsageRecordOutput = z.object({
  recorded: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  /** True when the single record (or every record) was a repeated idempotency key. */
  duplicate: z.boolean(),
  results: z.array(UsageRecordResult),
});

export const UsageRecord = z.object({
  id: Id,
  subscriptionId: Id,
  subscriptionItemId: Id,
  customerId: Id,
  metric: z.string(),
  quantity: z.string(),
  timestamp: IsoDateTime,
  idempotencyKey: z.string(),
  properties: z.record(z.string(), z.unknown()).nullable(),
  source: z.string(),
  createdAt: IsoDateTime,
});

export const usageOps = {
  'usage.record': op({
    name: 'usage.record', summary: 'Record usage (one record, or {records:[…]}); repeated idempotency keys are ignored', mutating: true,
    input: z.union([
      z.object({ records: z.array(UsageRecordInput).min(1).max(50_000) }),
      UsageRecordInput,
    ]),
    output: UsageRecordOutput,
  }),
  'usage.importCsv': op({
    name: 'usage.importCsv', summary: 'Import usage from CSV text; bad rows are reported, good rows kept', mutating: true,
    input: z.object({
      /**
       * Header row required. Columns: timestamp, quantity, idempotency_key (or idempotencyKey), and either
       * subscription_item_id, or metric with customer_id / customer_number / subscription_id; other columns become properties.
       */
      csv: z.string().min(1, 'is required').max(50 * 1024 * 1024),
      delimiter: z.enum([',', ';', '\t']).default(','),
    }),
    output: z.object({
      rows: z.number().int(),
      recorded: z.number().int(),
      duplicates: z.number().int(),
      errors: z.array(z.object({ row: z.number().int(), message: z.string() })),
    }),
  }),
  'usage.list': op({
    name: 'usage.list', summary: 'Usage records of a subscription (optionally one item / period)', mutating: false,
    input: z.object({
      subscriptionId: Id,
      subscriptionItemId: Id.optional(),
      from: IsoDate.optional(),
      /** Exclusive. */
      to: IsoDate.optional(),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(10000).default(200),
    }),
    output: pageOf(UsageRecord),
  }),
} as const;
