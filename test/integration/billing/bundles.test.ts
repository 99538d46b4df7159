/**
 * Bundles sold as one subscription item: one line "Bundle X (parts: A, B)" per period at the bundle price
 * (quantity = number of bundles), or at the parts' list prices less the bundle discount; the parts are shown on
 * the subscription item.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { world, type World } from './helpers';

let w: World;
afterEach(async () => w?.close());

describe('bundle items', () => {
  it('bills 2 fixed-price bundles as one line with the bundle name, quantity 2, 2 × 75.00 and 19 % tax', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const bundle = await w.b.call('bundles.create', {
      code: 'STARTER', name: 'Starter bundle', pricing: 'fixed', prices: [{ currency: 'EUR', price: '75' }],
      items: [{ planId: w.plans['PRO-M']!, quantity: '1' }, { planId: w.plans['SUPPORT-M']!, quantity: '1', addOn: true }],
    } as never);
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ bundleId: bundle.id, quantity: '2' }] });
    const got = await w.b.call('subscriptions.get', { id: s.id });
    expect(got.items[0]).toMatchObject({ bundleId: bundle.id, quantity: '2', description: 'Starter bundle (parts: PRO-M, SUPPORT-M)' });
    expect(got.items[0]!.parts!.map((p) => p.planCode)).toEqual(['PRO-M', 'SUPPORT-M']);
    await w.runOn('2026-01-01');
    const [inv] = await w.docs(s.id);
    expect(inv!.lines).toHaveLength(1);
    expect(inv!.lines[0]).toMatchObject({ description: 'Starter bundle (parts: PRO-M, SUPPORT-M)', quantity: '2', amountMinor: 15000, taxMinor: 2850 });
    expect(Number(inv!.lines[0]!.unitPrice)).toBe(75);
    expect(inv!.grossMinor).toBe(17850);
    // per period like a recurring item, and billing again the same day adds nothing
    await w.runOn('2026-01-01');
    await w.runOn('2026-02-01');
    const docs = await w.docs(s.id);
    expect(docs.map((d) => d.lines.map((l) => [l.periodStart, l.amountMinor]))).toEqual([[['2026-01-01', 15000]], [['2026-02-01', 15000]]]);
  });

  it('a discount bundle costs its parts less the discount: (60 + 20) × 90 % = 72.00 per bundle', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const bundle = await w.b.call('bundles.create', {
      code: 'DISC', name: 'Discount bundle', pricing: 'discount', discountPercent: '10',
      items: [{ planId: w.plans['PRO-M']! }, { planId: w.plans['SUPPORT-M']! }],
    } as never);
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ bundleId: bundle.id }] });
    await w.runOn('2026-01-01');
    const [inv] = await w.docs(s.id);
    expect(inv!.lines[0]).toMatchObject({ quantity: '1', amountMinor: 7200, taxMinor: 1368 });
  });

  it('refuses a bundle without a price in the currency, and an item with both planId and bundleId', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const bundle = await w.b.call('bundles.create', {
      code: 'USD', name: 'USD only', pricing: 'fixed', prices: [{ currency: 'USD', price: '75' }], items: [{ planId: w.plans['PRO-M']! }],
    } as never);
    await expect(w.b.call('subscriptions.create', { customerId: c, items: [{ bundleId: bundle.id }] })).rejects.toThrow(/items\.0\.bundleId: .*no price in EUR/);
    await expect(w.b.call('subscriptions.create', { customerId: c, items: [{ bundleId: bundle.id, planId: w.plans['PRO-M']! }] })).rejects.toThrow(/bundleId/);
  });
});
