/**
 * TypeORM entities as EntitySchema (no decorators: esbuild/tsx cannot emit decorator metadata).
 * Column names are snake_case in SQLite; properties camelCase. Ids are UUIDv7 text.
 */
import { EntitySchema } from 'typeorm';

export interface CustomerRow {
  id: string;
  number: string;
  name: string;
  vatId: string | null;
  country: string;
  currency: string;
  email: string;
  contacts: object[];
  billingAddress: Record<string, string> | null;
  paymentTermsDays: number;
  taxStatus: string;
  parentId: string | null;
  tags: string[];
  notes: string;
  status: string;
  version: number;
  externalRef: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  unit: string;
  taxCategory: string;
  kind: string;
  active: boolean;
  version: number;
  externalRef: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PlanRow {
  id: string;
  productId: string;
  code: string;
  name: string;
  interval: string;
  intervalCount: number;
  prices: object[];
  trialDays: number;
  active: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface SettingRow { key: string; value: unknown }
export interface NumberSeriesRow { key: string; pattern: string; reset: string }
export interface NumberCounterRow { seriesKey: string; scope: string; nextValue: number }

export interface OutboxRow {
  id: string;
  idempotencyKey: string;
  aggregateType: string;
  aggregateId: string;
  aggregateSeq: number;
  eventType: string;
  payload: unknown;
  status: 'pending' | 'done' | 'parked' | 'skipped';
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  /** Set by the sender for the connector: the id the ERP gave this aggregate before (external_refs), if any. */
  knownExternalId?: string | null;
}

const ts = { type: 'text' } as const;
const created = { createdAt: { ...ts, name: 'created_at' }, updatedAt: { ...ts, name: 'updated_at' } } as const;

export const CustomerEntity = new EntitySchema<CustomerRow>({
  name: 'Customer',
  tableName: 'customers',
  columns: {
    id: { type: 'text', primary: true },
    number: { type: 'text', unique: true },
    name: { type: 'text' },
    vatId: { type: 'text', name: 'vat_id', nullable: true },
    country: { type: 'text' },
    currency: { type: 'text' },
    email: { type: 'text' },
    contacts: { type: 'simple-json' },
    billingAddress: { type: 'simple-json', name: 'billing_address', nullable: true },
    paymentTermsDays: { type: 'integer', name: 'payment_terms_days' },
    taxStatus: { type: 'text', name: 'tax_status' },
    parentId: { type: 'text', name: 'parent_id', nullable: true },
    tags: { type: 'simple-json' },
    notes: { type: 'text' },
    status: { type: 'text' },
    version: { type: 'integer' },
    externalRef: { type: 'text', name: 'external_ref', nullable: true },
    ...created,
  },
});

export const ProductEntity = new EntitySchema<ProductRow>({
  name: 'Product',
  tableName: 'products',
  columns: {
    id: { type: 'text', primary: true },
    sku: { type: 'text', unique: true },
    name: { type: 'text' },
    description: { type: 'text' },
    unit: { type: 'text' },
    taxCategory: { type: 'text', name: 'tax_category' },
    kind: { type: 'text' },
    active: { type: 'boolean' },
    version: { type: 'integer' },
    externalRef: { type: 'text', name: 'external_ref', nullable: true },
    ...created,
  },
});

export const PlanEntity = new EntitySchema<PlanRow>({
  name: 'Plan',
  tableName: 'plans',
  columns: {
    id: { type: 'text', primary: true },
    productId: { type: 'text', name: 'product_id' },
    code: { type: 'text', unique: true },
    name: { type: 'text' },
    interval: { type: 'text' },
    intervalCount: { type: 'integer', name: 'interval_count' },
    prices: { type: 'simple-json' },
    trialDays: { type: 'integer', name: 'trial_days' },
    active: { type: 'boolean' },
    version: { type: 'integer' },
    ...created,
  },
});

export const SettingEntity = new EntitySchema<SettingRow>({
  name: 'Setting',
  tableName: 'settings',
  columns: { key: { type: 'text', primary: true }, value: { type: 'simple-json' } },
});

export const NumberSeriesEntity = new EntitySchema<NumberSeriesRow>({
  name: 'NumberSeries',
  tableName: 'number_series',
  columns: { key: { type: 'text', primary: true }, pattern: { type: 'text' }, reset: { type: 'text' } },
});

export const NumberCounterEntity = new EntitySchema<NumberCounterRow>({
  name: 'NumberCounter',
  tableName: 'number_counters',
  columns: {
    seriesKey: { type: 'text', primary: true, name: 'series_key' },
    scope: { type: 'text', primary: true },
    nextValue: { type: 'integer', name: 'next_value' },
  },
});

export const OutboxEntity = new EntitySchema<OutboxRow>({
  name: 'Outbox',
  tableName: 'outbox',
  columns: {
    id: { type: 'text', primary: true },
    idempotencyKey: { type: 'text', name: 'idempotency_key', unique: true },
    aggregateType: { type: 'text', name: 'aggregate_type' },
    aggregateId: { type: 'text', name: 'aggregate_id' },
    aggregateSeq: { type: 'integer', name: 'aggregate_seq' },
    eventType: { type: 'text', name: 'event_type' },
    payload: { type: 'simple-json' },
    status: { type: 'text' },
    attempts: { type: 'integer' },
    nextAttemptAt: { type: 'text', name: 'next_attempt_at', nullable: true },
    lastError: { type: 'text', name: 'last_error', nullable: true },
    createdAt: { type: 'text', name: 'created_at' },
    sentAt: { type: 'text', name: 'sent_at', nullable: true },
  },
});

export const ENTITIES = [CustomerEntity, ProductEntity, PlanEntity, SettingEntity, NumberSeriesEntity, NumberCounterEntity, OutboxEntity];
