/** Price books: contract prices with effective dates, versions (corrections and price changes), history, overlaps. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceScheduleFor } from '../../../main/services/pricebooks';
import { failure, fieldPaths, makeWorld, type World } from './fixtures';

let w: World;
beforeAll(async () => {
  w = await makeWorld();
});
afterAll(async () => {
  await w.backend.close();
});

const eff = (date: string, planId = w.seatsPlan, currency = 'EUR', customerId = w.acme) =>
  w.backend.call('pricebooks.effectivePrice', { customerId, planId, currency, date });

describe('catalog price without a contract', () => {
  it('is the effective price from the catalog on any date', async () => {
    const e = await eff('2026-03-01');
    expect(e).toMatchObject({ source: 'catalog', entryId: null, versionId: null, model: { type: 'per_unit', unitPrice: '10' }, validFrom: '1900-01-01', validTo: null });
    const usd = await eff('2030-01-01', w.seatsPlan, 'USD');
    expect(usd.model).toEqual({ type: 'per_unit', unitPrice: '12' });
  });
  it('a currency the plan has no price in is a 422 saying so', async () => {
    const e = await failure(eff('2026-03-01', w.seatsPlan, 'GBP'));
    expect(e.code).toBe('VALIDATION');
    expect(e.message).toMatch(/SEATS-M has no price in GBP/);
  });
});

describe('contract prices: versions, effective dates, history', () => {
  let v1: string;
  let v2: string;
  let v3: string;
  let v4: string;
  let entryId: string;

  it('a 10% discount from 2026-01-01 applies to every unit price from that day; before it the catalog', async () => {
    const created = await w.backend.call('pricebooks.create', {
      customerId: w.acme, planId: w.seatsPlan, currency: 'EUR', kind: 'discount', discountPercent: '10', validFrom: '2026-01-01', note: 'Framework agreement 2026',
    });
    v1 = created.id;
    entryId = created.entryId;
    expect(created).toMatchObject({ version: 1, entryId: created.id, kind: 'discount', discountPercent: '10', model: null, validTo: null, status: 'active', change: 'created', timing: 'current', planCode: 'SEATS-M' });
    expect(await eff('2026-01-01')).toMatchObject({ source: 'price_book', versionId: v1, entryId, kind: 'discount', model: { type: 'per_unit', unitPrice: '9' }, catalogModel: { unitPrice: '10' } });
    expect(await eff('2025-12-31')).toMatchObject({ source: 'catalog', model: { unitPrice: '10' }, validTo: '2026-01-01' });
    const preview = await w.backend.call('pricebooks.preview', { customerId: w.acme, planId: w.seatsPlan, currency: 'EUR', quantity: '12', date: '2026-03-01' });
    expect(preview).toMatchObject({ amount: '108.00', amountMinor: 10800, preciseAmount: '108', source: 'price_book', versionId: v1, lines: [{ description: 'Per unit', quantity: '12', unitPrice: '9', amount: '108' }] });
  });

  it('an overlapping contract price for the same plan and currency is a 409 naming the field', async () => {
    const inside = await failure(w.backend.call('pricebooks.create', { customerId: w.acme, planId: w.seatsPlan, currency: 'EUR', kind: 'discount', discountPercent: '5', validFrom: '2026-06-01' }));
    expect(inside.code).toBe('CONFLICT');
    expect(fieldPaths(inside)).toEqual(['validFrom']);
    expect(inside.details!.fields![0]!.message).toMatch(/overlaps the contract price for SEATS-M in EUR valid 2026-01-01 → open-ended \(version 1\)/);
    const reaching = await failure(w.backend.call('pricebooks.create', { customerId: w.acme, planId: w.seatsPlan, currency: 'EUR', kind: 'discount', discountPercent: '5', validFrom: '2025-06-01', validTo: '2026-02-01' }));
    expect(reaching.code).toBe('CONFLICT');
    expect(fieldPaths(reaching)).toEqual(['validTo']);
    // touching is not overlapping (validTo is exclusive); other currencies and customers are independent
    const before = await w.backend.call('pricebooks.create', { customerId: w.acme, planId: w.seatsPlan, currency: 'EUR', kind: 'fixed_price', model: { type: 'per_unit', unitPrice: '9.5' }, validFrom: '2025-07-01', validTo: '2026-01-01' });
    expect(before.timing).toBe('past');
    await w.backend.call('pricebooks.create', { customerId: w.acme, planId: w.seatsPlan, currency: 'USD', kind: 'discount', discountPercent: '5', validFrom: '2026-06-01' });
    await w.backend.call('pricebooks.create', { customerId: w.globex, planId: w.seatsPlan, currency: 'EUR', kind: 'discount', discountPercent: '20', validFrom: '2026-06-01' });
    expect((await eff('2025-08-15')).model).toEqual({ type: 'per_unit', unitPrice: '9.5' });
  });

  it('a price change from a date writes version 2 and closes version 1 the day before; both stay in force for their days', async () => {
    const next = await w.backend.call('pricebooks.update', { id: v1, effectiveFrom: '2026-07-01', patch: { discountPercent: '15' } });
    v2 = next.id;
    expect(next).toMatchObject({ entryId, version: 2, change: 'price_change', previousId: v1, validFrom: '2026-07-01', validTo: null, discountPercent: '15', timing: 'future' });
    const old = await w.backend.call('pricebooks.get', { id: v1 });
    expect(old).toMatchObject({ status: 'active', validTo: '2026-07-01', replacedBy: v2 });
    expect((await eff('2026-06-30')).model).toEqual({ type: 'per_unit', unitPrice: '9' });
    expect(await eff('2026-07-01')).toMatchObject({ versionId: v2, model: { type: 'per_unit', unitPrice: '8.5' } });
    const bad = await failure(w.backend.call('pricebooks.update', { id: v1, effectiveFrom: '2025-12-01', patch: { discountPercent: '1' } }));
    expect(bad.code).toBe('VALIDATION');
    expect(fieldPaths(bad)).toEqual(['effectiveFrom']);
  });

  it('a correction supersedes the edited version: history keeps it, it is no longer in force; editing it again is a 409', async () => {
    const fixed = await w.backend.call('pricebooks.update', { id: v2, patch: { kind: 'fixed_price', model: { type: 'per_unit', unitPrice: '8' } } });
    v3 = fixed.id;
    expect(fixed).toMatchObject({ version: 3, change: 'corrected', previousId: v2, kind: 'fixed_price', discountPercent: null, validFrom: '2026-07-01', validTo: null });
    expect((await w.backend.call('pricebooks.get', { id: v2 })).status).toBe('superseded');
    expect(await eff('2026-08-01')).toMatchObject({ versionId: v3, kind: 'fixed_price', model: { unitPrice: '8' } });
    const stale = await failure(w.backend.call('pricebooks.update', { id: v2, patch: { discountPercent: '20' } }));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.message).toMatch(/version 2 .* was already replaced/);
  });

  it('ending a contract price writes a version closing its validity; the catalog applies again from that day', async () => {
    const ended = await w.backend.call('pricebooks.end', { id: v3, validTo: '2026-12-01' });
    v4 = ended.id;
    expect(ended).toMatchObject({ version: 4, change: 'ended', validFrom: '2026-07-01', validTo: '2026-12-01', model: { unitPrice: '8' } });
    expect(await eff('2026-11-30')).toMatchObject({ versionId: v4 });
    expect(await eff('2026-12-01')).toMatchObject({ source: 'catalog', validFrom: '2026-12-01', validTo: null });
    const early = await failure(w.backend.call('pricebooks.end', { id: v4, validTo: '2026-07-01' }));
    expect(fieldPaths(early)).toEqual(['validTo']);
  });

  it('history lists every version in order; the list shows the versions in force, with history on request', async () => {
    const h = await w.backend.call('pricebooks.history', { id: v4 });
    expect(h.items.map((e) => [e.version, e.change, e.status, e.validFrom, e.validTo])).toEqual([
      [1, 'created', 'active', '2026-01-01', '2026-07-01'],
      [2, 'price_change', 'superseded', '2026-07-01', null],
      [3, 'corrected', 'superseded', '2026-07-01', null],
      [4, 'ended', 'active', '2026-07-01', '2026-12-01'],
    ]);
    const byTriple = await w.backend.call('pricebooks.history', { customerId: w.acme, planId: w.seatsPlan, currency: 'EUR' });
    expect(byTriple.items).toHaveLength(5); // + the 2025 fixed price
    const list = await w.backend.call('pricebooks.list', { customerId: w.acme, currency: 'EUR' });
    expect(list.items.map((e) => [e.validFrom, e.version])).toEqual([['2025-07-01', 1], ['2026-01-01', 1], ['2026-07-01', 4]]);
    const all = await w.backend.call('pricebooks.list', { customerId: w.acme, includeHistory: true });
    expect(all.items).toHaveLength(6); // 5 EUR versions + USD
  });

  it('the schedule over time has the contract windows and the catalog price in the gaps (what billing reads)', async () => {
    const s = priceScheduleFor(w.backend.base.raw, { customerId: w.acme, planId: w.seatsPlan, currency: 'EUR' });
    expect(s.map((p) => [p.validFrom, p.validTo, p.source === 'catalog' ? 'catalog' : p.source, (p.model as { unitPrice: string }).unitPrice])).toEqual([
      ['1900-01-01', '2025-07-01', 'catalog', '10'],
      ['2025-07-01', '2026-01-01', expect.any(String), '9.5'],
      ['2026-01-01', '2026-07-01', v1, '9'],
      ['2026-07-01', '2026-12-01', v4, '8'],
      ['2026-12-01', null, 'catalog', '10'],
    ]);
    expect(s[2]).toMatchObject({ entryId, kind: 'discount', volumeScope: 'subscription' });
    const op = await w.backend.call('pricebooks.schedule', { customerId: w.acme, planId: w.seatsPlan, currency: 'EUR' });
    expect(op.items.map((p) => p.source)).toEqual(s.map((p) => p.source));
  });

  it('writes one outbox row per change of the contract price, in order, in the same transaction', async () => {
    const rows = w.backend.base.raw.prepare(`SELECT aggregate_seq AS seq, event_type AS type, payload FROM outbox WHERE aggregate_type = 'price_book' AND aggregate_id = ? ORDER BY aggregate_seq`).all(entryId) as { seq: number; type: string; payload: string }[];
    expect(rows.map((r) => [r.seq, r.type])).toEqual([[1, 'price_book.created'], [2, 'price_book.updated'], [3, 'price_book.updated'], [4, 'price_book.ended']]);
    expect(JSON.parse(rows[3]!.payload)).toMatchObject({ id: v4, version: 4, previous: { id: v3, status: 'superseded' } });
    // a rejected change writes nothing
    await failure(w.backend.call('pricebooks.create', { customerId: w.acme, planId: w.seatsPlan, currency: 'EUR', kind: 'discount', discountPercent: '5', validFrom: '2026-08-01' }));
    const n = (w.backend.base.raw.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE aggregate_type = 'price_book'`).get() as { n: number }).n;
    expect(n).toBe(7);
  });
});

describe('kinds and validation', () => {
  it('a discount applies to every tier price and flat fee of a tiered catalog model', async () => {
    await w.backend.call('pricebooks.create', { customerId: w.acme, planId: w.tieredPlan, currency: 'EUR', kind: 'discount', discountPercent: '10', validFrom: '2026-01-01' });
    const e = await eff('2026-03-01', w.tieredPlan);
    expect(e.model).toEqual({ type: 'graduated', tiers: [{ upTo: '10', unitPrice: '9', flatFee: '18' }, { upTo: '50', unitPrice: '7.2' }, { upTo: null, unitPrice: '4.5' }] });
    const q = await w.backend.call('pricebooks.preview', { customerId: w.acme, planId: w.tieredPlan, currency: 'EUR', quantity: '12' });
    expect(q).toMatchObject({ amount: '122.40', preciseAmount: '122.4' }); // 18 + 10 × 9 + 2 × 7.2
  });

  it('custom tiers and a different model stand alone, even in a currency the catalog lacks', async () => {
    const custom = await w.backend.call('pricebooks.create', {
      customerId: w.globex, planId: w.tieredPlan, currency: 'USD', kind: 'custom_tiers', validFrom: '2026-01-01', validTo: '2027-01-01', volumeScope: 'account',
      model: { type: 'volume', tiers: [{ upTo: '100', unitPrice: '6' }, { upTo: null, unitPrice: '4' }] },
    });
    const q = await w.backend.call('pricebooks.preview', { customerId: w.globex, planId: w.tieredPlan, currency: 'USD', quantity: '150', date: '2026-05-01' });
    expect(q).toMatchObject({ amount: '600.00', source: 'price_book', versionId: custom.id });
    expect((await eff('2026-05-01', w.tieredPlan, 'USD', w.globex)).volumeScope).toBe('account');
    const gap = await failure(eff('2027-01-01', w.tieredPlan, 'USD', w.globex));
    expect(gap.code).toBe('VALIDATION');
    expect(gap.message).toMatch(/no price for plan API-M in USD is in force on 2027-01-01/);
  });

  it('rejects bad terms with 422s naming the field', async () => {
    const base = { customerId: w.globex, planId: w.flatPlan, currency: 'EUR', validFrom: '2026-01-01' };
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'discount', discountPercent: '120' }, 'discountPercent'],
      [{ kind: 'discount' }, 'discountPercent'],
      [{ kind: 'discount', discountPercent: '-5' }, 'discountPercent'],
      [{ kind: 'fixed_price', model: { type: 'graduated', tiers: [{ upTo: null, unitPrice: '1' }] } }, 'model.type'],
      [{ kind: 'model' }, 'model'],
      [{ kind: 'fixed_price', model: { type: 'flat', price: '-1' } }, 'model.price'],
      [{ kind: 'fixed_price', model: { type: 'flat', price: '40' }, validTo: '2026-01-01' }, 'validTo'],
      [{ kind: 'fixed_price', model: { type: 'flat', price: '40' }, validFrom: '2026-13-01' }, 'validFrom'],
    ];
    for (const [terms, path] of cases) {
      const e = await failure(w.backend.call('pricebooks.create', { ...base, ...terms } as never));
      expect(e.code, JSON.stringify(terms)).toBe('VALIDATION');
      expect(fieldPaths(e), JSON.stringify(terms)).toContain(path);
    }
    const noCatalog = await failure(w.backend.call('pricebooks.create', { ...base, currency: 'USD', kind: 'discount', discountPercent: '10' }));
    expect(fieldPaths(noCatalog)).toEqual(['currency']);
    expect(noCatalog.message).toMatch(/SUPPORT has no catalog price in USD to discount/);
    const unknownPlan = await failure(w.backend.call('pricebooks.create', { ...base, planId: '0190a000-0000-7000-8000-000000000000', kind: 'discount', discountPercent: '1' }));
    expect(fieldPaths(unknownPlan)).toEqual(['planId']);
    const created = await w.backend.call('pricebooks.create', { ...base, kind: 'fixed_price', model: { type: 'flat', price: '40' } });
    const badPatch = await failure(w.backend.call('pricebooks.update', { id: created.id, patch: { kind: 'custom_tiers' } }));
    expect(fieldPaths(badPatch)).toEqual(['patch.model.type']);
  });

  it('a customer with contract prices cannot be deleted (archive it instead)', async () => {
    const e = await failure(w.backend.call('customers.delete', { id: w.globex }));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toMatch(/contract prices/);
  });
});
