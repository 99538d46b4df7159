import { describe, expect, it } from 'vitest';
import { canonical, mergeField, mergeRecord, sameValue } from '../../../main/sync/pull/merge';
import { normalizeErp, readOwnership, writeOwnership, DEFAULT_OWNERSHIP } from '../../../main/sync/pull/fields';
import { unmapFields } from '../../../main/sync/connectors/rest';
import Database from 'better-sqlite3';

const base = (erp: unknown, cadence: unknown) => ({ erp, cadence });

describe('mergeField: the three-way rules', () => {
  it('ignores fields the ERP did not send', () => {
    expect(mergeField({ owner: 'erp', erp: undefined, cadence: 'x', base: null })).toEqual({ kind: 'none' });
  });

  it('ERP-owned: the ERP value overwrites, even when Cadence edited it', () => {
    expect(mergeField({ owner: 'erp', erp: 'Pro Plan v2', cadence: 'Pro Plan (local edit)', base: base('Pro Plan', 'Pro Plan') }))
      .toEqual({ kind: 'take_erp', value: 'Pro Plan v2' });
    expect(mergeField({ owner: 'erp', erp: '31.5', cadence: null, base: null })).toEqual({ kind: 'take_erp', value: '31.5' });
  });

  it('Cadence-owned: Cadence keeps its value whatever the ERP says', () => {
    expect(mergeField({ owner: 'cadence', erp: 60, cadence: 30, base: base(14, 30) })).toEqual({ kind: 'keep_cadence', reason: 'cadence_owned' });
  });

  it('equal values: nothing to do', () => {
    expect(mergeField({ owner: 'shared', erp: 'a@x.io', cadence: 'a@x.io', base: base('old@x.io', 'other@x.io') })).toEqual({ kind: 'none' });
    expect(mergeField({ owner: 'erp', erp: { b: 1, a: 2 }, cadence: { a: 2, b: 1 }, base: null })).toEqual({ kind: 'none' });
  });

  it('shared, only the ERP changed: the ERP value is taken', () => {
    expect(mergeField({ owner: 'shared', erp: 'New Desc', cadence: 'Desc', base: base('Desc', 'Desc') })).toEqual({ kind: 'take_erp', value: 'New Desc' });
  });

  it('shared, only Cadence changed: Cadence wins (its outbox row pushes it)', () => {
    expect(mergeField({ owner: 'shared', erp: 'Desc', cadence: 'Local Desc', base: base('Desc', 'Desc') })).toEqual({ kind: 'keep_cadence', reason: 'cadence_changed' });
  });

  it('shared, both changed to different values: conflict with cadence, erp and base values', () => {
    expect(mergeField({ owner: 'shared', erp: 'billing@erp.example', cadence: 'ap@cadence.example', base: base('old@x.example', 'old@x.example') }))
      .toEqual({ kind: 'conflict', cadence: 'ap@cadence.example', erp: 'billing@erp.example', base: 'old@x.example' });
  });

  it('shared, both changed to the same value: nothing (no conflict)', () => {
    expect(mergeField({ owner: 'shared', erp: 'Same', cadence: 'Same', base: base('Old', 'Old') })).toEqual({ kind: 'none' });
  });

  it('shared without a previous pull and different values: conflict with a null base', () => {
    expect(mergeField({ owner: 'shared', erp: 'DE136695976', cadence: null, base: null })).toEqual({ kind: 'conflict', cadence: null, erp: 'DE136695976', base: null });
  });

  it('shared, neither changed but they differ (an earlier divergence): Cadence keeps', () => {
    expect(mergeField({ owner: 'shared', erp: 'E', cadence: 'C', base: base('E', 'C') })).toEqual({ kind: 'keep_cadence', reason: 'unchanged' });
  });

  it('an open conflict is never auto-applied, and is closed when both sides agree', () => {
    expect(mergeField({ owner: 'shared', erp: 'E2', cadence: 'C', base: base('E', 'C'), openConflict: true }))
      .toEqual({ kind: 'conflict', cadence: 'C', erp: 'E2', base: 'C' });
    expect(mergeField({ owner: 'shared', erp: 'C', cadence: 'C', base: base('E', 'C'), openConflict: true })).toEqual({ kind: 'agreed' });
    // also once the field has become ERP-owned: the user decides the open conflict first
    expect(mergeField({ owner: 'erp', erp: 'E2', cadence: 'C', base: base('E', 'C'), openConflict: true }))
      .toEqual({ kind: 'conflict', cadence: 'C', erp: 'E2', base: 'C' });
    expect(mergeField({ owner: 'erp', erp: 'C', cadence: 'C', base: base('E', 'C'), openConflict: true })).toEqual({ kind: 'agreed' });
  });
});

describe('mergeRecord', () => {
  it('splits a record into a patch, conflicts and kept fields by the default ownership', () => {
    const r = mergeRecord({
      ownership: DEFAULT_OWNERSHIP.customer,
      erp: { number: 'C-9', name: 'Acme GmbH', email: 'erp@acme.example', vatId: 'DE136695976', paymentTermsDays: 60, notes: 'from ERP' },
      cadence: { number: 'C-9', name: 'ACME', email: 'cad@acme.example', vatId: 'DE136695976', paymentTermsDays: 30, notes: 'VIP', tags: ['a'] },
      base: {
        erp: { number: 'C-9', name: 'ACME', email: 'old@acme.example', vatId: 'DE136695976', paymentTermsDays: 30, notes: '' },
        cadence: { number: 'C-9', name: 'ACME', email: 'old@acme.example', vatId: 'DE136695976', paymentTermsDays: 30, notes: 'VIP', tags: ['a'] },
      },
    });
    expect(r.patch).toEqual({ name: 'Acme GmbH' });
    expect(r.conflicts).toEqual([{ field: 'email', cadence: 'cad@acme.example', erp: 'erp@acme.example', base: 'old@acme.example' }]);
    expect(r.kept.sort()).toEqual(['notes', 'paymentTermsDays']);
    expect(r.decisions.tags).toEqual({ kind: 'none' });
  });

  it('product: name/price/stock from the ERP, description shared', () => {
    const r = mergeRecord({
      ownership: DEFAULT_OWNERSHIP.product,
      erp: { sku: 'PRO', name: 'Pro v2', description: 'ERP text', active: true, price: '39', stock: '12' },
      cadence: { sku: 'PRO', name: 'Pro', description: 'Cadence text', active: true, price: '29', stock: '15' },
      base: { erp: { sku: 'PRO', name: 'Pro', description: 'Old', active: true, price: '29', stock: '15' }, cadence: { sku: 'PRO', name: 'Pro', description: 'Old', active: true, price: '29', stock: '15' } },
    });
    expect(r.patch).toEqual({ name: 'Pro v2', price: '39', stock: '12' });
    expect(r.conflicts.map((c) => c.field)).toEqual(['description']);
  });
});

describe('values', () => {
  it('canonical JSON ignores key order and treats undefined as null', () => {
    expect(canonical({ b: [1, { d: 2, c: 3 }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":3,"d":2}]}');
    expect(sameValue(undefined, null)).toBe(true);
    expect(sameValue('1', 1)).toBe(false);
  });

  it('normalises ERP values into Cadence shapes', () => {
    expect(normalizeErp('product', { externalId: '7', externalCode: 'PRO', updatedAt: '', data: { name: ' Pro ', price: '29.00', currency: 'eur', description: null, active: 1 }, stock: 4.5 }))
      .toEqual({ sku: 'PRO', name: 'Pro', price: '29', currency: 'EUR', description: '', active: true, stock: '4.5' });
    expect(normalizeErp('product', { externalId: '7', updatedAt: '', data: { sku: 'X', listPrice: 12.5, listPriceCurrency: 'USD' } }))
      .toEqual({ sku: 'X', price: '12.5', currency: 'USD' });
    expect(normalizeErp('customer', { externalId: '3', updatedAt: '', data: { number: 'C-1', vatId: 'de 136 695 976', billingAddress: { line1: 'Hauptstr. 1', city: 'Berlin', country: 'de' } } }))
      .toEqual({ number: 'C-1', vatId: 'DE136695976', billingAddress: { line1: 'Hauptstr. 1', line2: '', city: 'Berlin', postalCode: '', region: '', country: 'DE' } });
    expect(() => normalizeErp('product', { externalId: '1', updatedAt: '', data: { price: 'cheap' } })).toThrow(/price: "cheap" is not a number/);
  });

  it('reads a REST item back through the push mapping (reversed)', () => {
    expect(unmapFields({ id: 'a1', companyName: 'Acme', taxId: 'DE136695976', extra: 1 }, { name: 'companyName', vatId: 'taxId' }))
      .toEqual({ name: 'Acme', vatId: 'DE136695976', id: 'a1', extra: 1 });
    expect(unmapFields({ pricing: { list: '9.90' } }, { price: 'pricing.list' })).toEqual({ price: '9.90' });
  });

  it('ownership: defaults, partial change, unknown values ignored', () => {
    const raw = new Database(':memory:');
    raw.exec('CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    expect(readOwnership(raw).customer.paymentTermsDays).toBe('cadence');
    const after = writeOwnership(raw, { customer: { email: 'erp' } });
    expect(after.customer.email).toBe('erp');
    expect(after.customer.name).toBe('shared');
    raw.prepare("UPDATE settings SET value = ? WHERE key = 'syncFieldOwnership'").run(JSON.stringify({ product: { name: 'bogus', nope: 'erp', description: 'cadence' } }));
    const r = readOwnership(raw);
    expect(r.product.name).toBe('erp');
    expect(r.product.description).toBe('cadence');
    expect('nope' in r.product).toBe(false);
    raw.close();
  });
});
