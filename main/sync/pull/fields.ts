/**
 * Field ownership (settings key `syncFieldOwnership`) and the normalisation of pulled values into the shapes Cadence
 * stores, so that equal values compare equal ("29.00" = "29", null description = "").
 */
import type BetterSqlite3 from 'better-sqlite3';
import {
  CUSTOMER_PULL_FIELDS, type FieldOwner, type FieldOwnership, PRODUCT_PULL_FIELDS, type PullEntity,
} from '../../../shared/api/ops/sync';
import { dec, decStr } from '../../../shared/domain/money';
import { normalizeVatId } from '../../../shared/domain/vat';
import type { PulledRecord } from '../connector';

export const OWNERSHIP_SETTING = 'syncFieldOwnership';

/** Defaults: the ERP owns product name, price and stock; Cadence owns the keys, payment terms, tags and notes; the rest is shared. */
export const DEFAULT_OWNERSHIP: FieldOwnership = {
  product: { sku: 'cadence', name: 'erp', description: 'shared', active: 'shared', price: 'erp', stock: 'erp' },
  customer: {
    number: 'cadence', name: 'shared', vatId: 'shared', email: 'shared', country: 'shared', billingAddress: 'shared',
    currency: 'cadence', paymentTermsDays: 'cadence', tags: 'cadence', notes: 'cadence',
  },
};

export const PULL_FIELDS: Record<PullEntity, readonly string[]> = { product: PRODUCT_PULL_FIELDS, customer: CUSTOMER_PULL_FIELDS };
const OWNERS = new Set<string>(['erp', 'cadence', 'shared']);

/** The saved ownership over the defaults (unknown fields and owners in the setting are ignored). */
export function readOwnership(raw: BetterSqlite3.Database): FieldOwnership {
  const row = raw.prepare('SELECT value FROM settings WHERE key = ?').get(OWNERSHIP_SETTING) as { value: string } | undefined;
  const saved = row ? (JSON.parse(row.value) as Partial<Record<PullEntity, Record<string, string>>>) : {};
  const out = { product: { ...DEFAULT_OWNERSHIP.product }, customer: { ...DEFAULT_OWNERSHIP.customer } } as FieldOwnership;
  for (const entity of ['product', 'customer'] as const) {
    const target = out[entity] as Record<string, FieldOwner>;
    for (const [field, owner] of Object.entries(saved[entity] ?? {})) {
      if (PULL_FIELDS[entity].includes(field) && OWNERS.has(owner)) target[field] = owner as FieldOwner;
    }
  }
  return out;
}

/** Saves a partial change (only the fields given) and returns the whole ownership. Call inside a transaction. */
export function writeOwnership(raw: BetterSqlite3.Database, change: { product?: Partial<Record<string, FieldOwner>>; customer?: Partial<Record<string, FieldOwner>> }): FieldOwnership {
  const cur = readOwnership(raw);
  for (const entity of ['product', 'customer'] as const) {
    for (const [field, owner] of Object.entries(change[entity] ?? {})) if (owner) (cur[entity] as Record<string, FieldOwner>)[field] = owner;
  }
  raw.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(OWNERSHIP_SETTING, JSON.stringify(cur));
  return cur;
}

/** A pulled value Cadence cannot store; the record is skipped (and retried on the next pull). */
export class PullDataError extends Error {}

const text = (v: unknown, field: string): string => {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new PullDataError(`${field}: expected text, got ${JSON.stringify(v)}`);
};
const textOrEmpty = (v: unknown, field: string): string => (v === null || v === undefined ? '' : text(v, field));
const bool = (v: unknown, field: string): boolean => {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === 0) return v === 1;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new PullDataError(`${field}: expected true/false, got ${JSON.stringify(v)}`);
};
const decimal = (v: unknown, field: string): string => {
  try {
    return decStr(dec(typeof v === 'number' ? String(v) : text(v, field)));
  } catch (e) {
    if (e instanceof PullDataError) throw e;
    throw new PullDataError(`${field}: "${String(v)}" is not a number`);
  }
};

/** A Cadence address (the Address schema's output shape: empty strings for the optional parts). */
export function normalizeAddress(v: unknown): Record<string, string> | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object') throw new PullDataError(`billingAddress: expected an object, got ${JSON.stringify(v)}`);
  const a = v as Record<string, unknown>;
  return {
    line1: textOrEmpty(a.line1, 'billingAddress.line1'), line2: textOrEmpty(a.line2, 'billingAddress.line2'),
    city: textOrEmpty(a.city, 'billingAddress.city'), postalCode: textOrEmpty(a.postalCode, 'billingAddress.postalCode'),
    region: textOrEmpty(a.region, 'billingAddress.region'), country: textOrEmpty(a.country, 'billingAddress.country').toUpperCase(),
  };
}

/**
 * The ERP's values in Cadence's shapes. Only fields the ERP sent are present (undefined = not managed).
 * Products also carry `currency` (of the price), `kind` and `unit` (used when the pull creates the product).
 */
export function normalizeErp(entity: PullEntity, rec: PulledRecord): Record<string, unknown> {
  const d = rec.data ?? {};
  const out: Record<string, unknown> = {};
  const has = (k: string) => d[k] !== undefined;
  if (entity === 'product') {
    if (has('sku')) out.sku = textOrEmpty(d.sku, 'sku');
    else if (rec.externalCode) out.sku = rec.externalCode.trim();
    if (has('name')) out.name = text(d.name, 'name');
    if (has('description')) out.description = textOrEmpty(d.description, 'description');
    if (has('active')) out.active = bool(d.active, 'active');
    const price = has('price') ? d.price : d.listPrice;
    if (price !== undefined) out.price = price === null ? null : decimal(price, 'price');
    const currency = has('currency') ? d.currency : d.listPriceCurrency;
    if (currency !== undefined && currency !== null) out.currency = text(currency, 'currency').toUpperCase();
    if (typeof d.kind === 'string') out.kind = d.kind;
    if (typeof d.unit === 'string') out.unit = d.unit;
    if (rec.stock !== undefined && rec.stock !== null) out.stock = decimal(rec.stock, 'stock');
    return out;
  }
  if (has('number')) out.number = textOrEmpty(d.number, 'number');
  else if (rec.externalCode) out.number = rec.externalCode.trim();
  if (has('name')) out.name = text(d.name, 'name');
  if (has('vatId')) out.vatId = d.vatId === null || d.vatId === '' ? null : normalizeVatId(text(d.vatId, 'vatId'));
  if (has('email')) out.email = d.email === null ? null : text(d.email, 'email');
  if (has('country')) out.country = d.country === null ? null : text(d.country, 'country').toUpperCase();
  if (has('billingAddress')) out.billingAddress = normalizeAddress(d.billingAddress);
  if (has('currency')) out.currency = d.currency === null ? null : text(d.currency, 'currency').toUpperCase();
  if (has('paymentTermsDays')) {
    const n = Number(d.paymentTermsDays);
    if (!Number.isInteger(n)) throw new PullDataError(`paymentTermsDays: expected a whole number, got ${JSON.stringify(d.paymentTermsDays)}`);
    out.paymentTermsDays = n;
  }
  if (has('tags')) {
    if (!Array.isArray(d.tags)) throw new PullDataError('tags: expected a list');
    out.tags = d.tags.map((t, i) => text(t, `tags.${i}`));
  }
  if (has('notes')) out.notes = textOrEmpty(d.notes, 'notes');
  return out;
}

/** A value given by a user for a field (resolveConflict 'custom'), in the shape Cadence stores. */
export function normalizeFieldValue(entity: PullEntity, field: string, value: unknown): unknown {
  if (entity === 'product') {
    if (field === 'price' || field === 'stock') return value === null ? null : decimal(value, field);
    if (field === 'active') return bool(value, field);
    return field === 'description' ? textOrEmpty(value, field) : text(value, field);
  }
  if (field === 'billingAddress') return normalizeAddress(value);
  if (field === 'vatId') return value === null || value === '' ? null : normalizeVatId(text(value, field));
  if (field === 'paymentTermsDays') return Number(value);
  if (field === 'tags') return Array.isArray(value) ? value.map((t) => text(t, field)) : value;
  if (field === 'notes') return textOrEmpty(value, field);
  return value === null ? null : text(value, field);
}

/** Customer ERP code usable as a Cadence customer number (else Cadence numbers the new customer itself). */
export const isCustomerNumber = (s: unknown): s is string => typeof s === 'string' && s.length <= 40 && /^[A-Z0-9][A-Z0-9\-_/.]*$/i.test(s);
export const isSku = (s: unknown): s is string => typeof s === 'string' && s.length >= 1 && s.length <= 64 && /^[A-Za-z0-9][A-Za-z0-9\-_./]*$/.test(s);
