/**
 * Bad input is refused at the boundary with the field named, before anything is stored (found by an API review):
 * amounts beyond what can be billed, an unknown default currency, a company country that contradicts its VAT id,
 * removing the base plan as if it were an add-on, usage outside an item's life or with ids that contradict each other,
 * impossible --now dates.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseNow } from '../../../main/platform/args';
import { world, type World } from './helpers';

let w: World;
afterEach(async () => w?.close());

const fieldOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    const err = e as { code: string; details?: { fields?: { path: string }[] } };
    return `${err.code} ${err.details?.fields?.map((f) => f.path).join(',') ?? ''}`;
  }
  return 'accepted';
};

describe('input validation', () => {
  it('refuses what cannot be billed or stored right, naming the field', async () => {
    w = await world('2026-03-01');
    const c = await w.customer();
    expect(await fieldOf(w.b.call('plans.create', { productId: w.productId, code: 'HUGE', name: 'Huge', interval: 'month', prices: [{ currency: 'EUR', model: { type: 'flat', price: '100000000000000000000000000' } }] })))
      .toBe('VALIDATION prices.0.model.price');
    expect(await fieldOf(w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, quantity: '1000000000000000000000000' }] }))).toBe('VALIDATION items.0.quantity');
    expect(await fieldOf(w.b.call('settings.update', { defaultCurrency: 'banana' } as never))).toBe('VALIDATION defaultCurrency');
    await w.b.call('settings.update', { companyVatId: 'DE811907980' });
    expect(await fieldOf(w.b.call('settings.update', { companyCountry: 'FR' }))).toBe('VALIDATION companyCountry');
    expect((await w.b.call('settings.get', {})).companyCountry).toBe('DE');

    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, quantity: '3' }, { planId: w.plans['SUPPORT-M']!, addon: true }] });
    expect(await fieldOf(w.b.call('subscriptions.applyChange', { subscriptionId: s.id, actions: [{ type: 'remove_addon', itemId: s.items[0]!.id }] }))).toBe('VALIDATION actions.0.itemId');
    expect(await fieldOf(w.b.call('subscriptions.applyChange', { subscriptionId: s.id, actions: [{ type: 'remove_addon', itemId: s.items[1]!.id }] }))).toBe('accepted');
    expect(await fieldOf(w.b.call('subscriptions.update', { id: s.id, patch: { renewalUpliftPct: '5' } }))).toBe('VALIDATION patch.renewalUpliftPct');
    expect(await fieldOf(w.b.call('plans.update', { id: w.plans['BASIC-M']!, patch: { intervalCount: 3 } }))).toBe('VALIDATION patch.intervalCount');
    // a taken code / SKU / number on update names the patch field
    expect(await fieldOf(w.b.call('plans.update', { id: w.plans['PRO-M']!, patch: { code: 'BASIC-M' } }))).toBe('CONFLICT patch.code');
    expect(await fieldOf(w.b.call('products.update', { id: w.productId, patch: { sku: 'SUPPORT' } }))).toBe('CONFLICT patch.sku');
    expect(await fieldOf(w.b.call('plans.create', { productId: w.productId, code: 'BASIC-M', name: 'Again', interval: 'month', prices: [{ currency: 'EUR', model: { type: 'flat', price: '1' } }] }))).toBe('CONFLICT code');
  });

  it('usage: a day outside the metered item\'s life, or ids that contradict each other, are rejected (the rest recorded)', async () => {
    w = await world('2026-03-01');
    const [a, b] = [await w.customer(), await w.customer()];
    const s1 = await w.b.call('subscriptions.create', { customerId: a, items: [{ planId: w.plans['API-M']!, metric: 'api_calls' }] });
    const s2 = await w.b.call('subscriptions.create', { customerId: b, items: [{ planId: w.plans['API-M']!, metric: 'api_calls' }] });
    const item = s1.items[0]!.id;
    const r = await w.b.call('usage.record', { records: [
      { subscriptionItemId: item, quantity: '7', timestamp: '2020-01-15T00:00:00Z', idempotencyKey: 'old' },
      { subscriptionItemId: item, quantity: '7', timestamp: '2026-03-02T00:00:00Z', subscriptionId: s2.id, idempotencyKey: 'other-sub' },
      { subscriptionId: s2.id, customerId: a, metric: 'api_calls', quantity: '7', timestamp: '2026-03-02T00:00:00Z', idempotencyKey: 'other-customer' },
      { subscriptionItemId: item, quantity: '7', timestamp: '2026-03-02T00:00:00Z', idempotencyKey: 'good' },
    ] });
    expect(r.results.map((x) => [x.idempotencyKey, x.status])).toEqual([['old', 'rejected'], ['other-sub', 'rejected'], ['other-customer', 'rejected'], ['good', 'recorded']]);
    expect(r.results[0]!.error).toMatch(/bills usage from 2026-03-01, not on 2020-01-15/);
    expect(r.results[1]!.error).toMatch(/belongs to subscription/);
    expect((await w.b.call('usage.list', { subscriptionId: s1.id })).items).toHaveLength(1);
  });

  it('blank-looking text is blank: a Tryton database of spaces is refused; a number pattern is trimmed', async () => {
    w = await world('2026-03-01');
    expect(await fieldOf(w.b.call('sync.configure', { connector: 'tryton', tryton: { url: 'http://127.0.0.1:8000', database: '   ', username: 'admin' } } as never))).toBe('VALIDATION tryton.database');
    expect((await w.b.call('numberSeries.update', { key: 'invoice', pattern: '  INV-{YYYY}-{SEQ:5} ' })).pattern).toBe('INV-{YYYY}-{SEQ:5}');
  });

  it('--now must be a real calendar date (an offset may move the UTC day)', () => {
    expect(() => parseNow('2026-02-30')).toThrow(/not a calendar date/);
    expect(() => parseNow('2026-02-30T10:00:00Z')).toThrow(/not a calendar date/);
    expect(parseNow('2026-03-01T00:30:00+02:00')!.toISOString()).toBe('2026-02-28T22:30:00.000Z');
    expect(parseNow('2028-02-29')!.toISOString()).toBe('2028-02-29T00:00:00.000Z');
  });
});
