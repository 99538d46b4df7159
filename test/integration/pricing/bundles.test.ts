/** Bundles: a bundle price per currency or a discount on the parts, quoted with its parts; no currency conversion. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, fieldPaths, makeWorld, type World } from './fixtures';

let w: World;
beforeAll(async () => {
  w = await makeWorld();
});
afterAll(async () => {
  await w.backend.close();
});

describe('fixed-price bundle', () => {
  let id: string;
  it('is created with its parts and the currencies it can be sold in', async () => {
    const b = await w.backend.call('bundles.create', {
      code: 'STARTER', name: 'Starter suite', pricing: 'fixed', prices: [{ currency: 'EUR', price: '89' }, { currency: 'USD', price: '109' }],
      items: [{ planId: w.seatsPlan, quantity: '5' }, { planId: w.flatPlan, addOn: true }],
    });
    id = b.id;
    expect(b).toMatchObject({
      code: 'STARTER', pricing: 'fixed', discountPercent: null, active: true, version: 1,
      label: 'Starter suite (parts: Seats monthly, Premium support)',
      items: [
        { planId: w.seatsPlan, planCode: 'SEATS-M', quantity: '5', addOn: false, currencies: ['EUR', 'USD'] },
        { planId: w.flatPlan, planCode: 'SUPPORT', quantity: '1', addOn: true, currencies: ['EUR'] },
      ],
      currencies: ['EUR'], // support has no USD price
    });
  });

  it('quotes its parts at list price, the bundle price, and the discount allocated to the parts to the cent', async () => {
    const q = await w.backend.call('bundles.quote', { bundleId: id, currency: 'EUR' });
    expect(q).toMatchObject({
      label: 'Starter suite (parts: Seats monthly, Premium support)', currency: 'EUR',
      listTotal: '99.00', listTotalMinor: 9900, total: '89.00', totalMinor: 8900, discountTotal: '10.00', discountTotalMinor: 1000, discountPercent: '10.10',
    });
    expect(q.parts.map((p) => [p.planCode, p.quantity, p.listAmount, p.amount, p.discountAmount])).toEqual([
      ['SEATS-M', '5', '50.00', '44.95', '5.05'],
      ['SUPPORT', '1', '49.00', '44.05', '4.95'],
    ]);
    const more = await w.backend.call('bundles.quote', { bundleId: id, currency: 'EUR', quantities: { [w.seatsPlan]: '10' } });
    expect(more).toMatchObject({ listTotal: '149.00', total: '89.00', discountTotal: '60.00' });
  });

  it('a currency without a price is a 422 saying so — the bundle\'s or a part\'s; nothing is converted', async () => {
    const gbp = await failure(w.backend.call('bundles.quote', { bundleId: id, currency: 'GBP' }));
    expect(gbp.code).toBe('VALIDATION');
    expect(fieldPaths(gbp)).toEqual(['currency']);
    expect(gbp.message).toMatch(/Starter suite has no price in GBP \(it has: EUR, USD\); Cadence never converts currencies/);
    const usd = await failure(w.backend.call('bundles.quote', { bundleId: id, currency: 'USD' }));
    expect(usd.message).toMatch(/Premium support \(SUPPORT\), part 2 of Starter suite, has no price in USD/);
    const stranger = await failure(w.backend.call('bundles.quote', { bundleId: id, currency: 'EUR', quantities: { [w.tieredPlan]: '3' } }));
    expect(fieldPaths(stranger)).toEqual([`quantities.${w.tieredPlan}`]);
  });

  it('updates with optimistic concurrency; its parts are replaced as given; outbox rows follow', async () => {
    const u = await w.backend.call('bundles.update', { id, expectedVersion: 1, patch: { name: 'Starter+', items: [{ planId: w.seatsPlan, quantity: '3' }] } });
    expect(u).toMatchObject({ version: 2, name: 'Starter+', label: 'Starter+ (parts: Seats monthly)', currencies: ['EUR', 'USD'], prices: [{ currency: 'EUR', price: '89' }, { currency: 'USD', price: '109' }] });
    const stale = await failure(w.backend.call('bundles.update', { id, expectedVersion: 1, patch: { name: 'x' } }));
    expect(stale.code).toBe('CONFLICT');
    const toDiscount = await failure(w.backend.call('bundles.update', { id, patch: { pricing: 'discount' } }));
    expect(fieldPaths(toDiscount)).toEqual(['patch.discountPercent']);
    const usd = await w.backend.call('bundles.quote', { bundleId: id, currency: 'USD' });
    expect(usd).toMatchObject({ listTotal: '36.00', total: '109.00', discountTotal: '-73.00', discountPercent: '-202.78' });
    const archived = await w.backend.call('bundles.archive', { id });
    expect(archived.active).toBe(false);
    const events = w.backend.base.raw.prepare(`SELECT event_type AS t FROM outbox WHERE aggregate_type = 'bundle' AND aggregate_id = ? ORDER BY aggregate_seq`).all(id) as { t: string }[];
    expect(events.map((e) => e.t)).toEqual(['bundle.created', 'bundle.updated', 'bundle.archived']);
  });
});

describe('discount bundle', () => {
  it('takes a percentage off the list total of its parts', async () => {
    const b = await w.backend.call('bundles.create', {
      code: 'GROWTH', name: 'Growth pack', pricing: 'discount', discountPercent: '20',
      items: [{ planId: w.seatsPlan, quantity: '10' }, { planId: w.tieredPlan, quantity: '12' }],
    });
    expect(b.currencies).toEqual(['EUR']);
    const q = await w.backend.call('bundles.quote', { bundleId: b.id, currency: 'EUR' });
    // seats 10 × 10 = 100; API 20 + 10 × 10 + 2 × 8 = 136
    expect(q).toMatchObject({ listTotal: '236.00', total: '188.80', discountTotal: '47.20', discountPercent: '20.00' });
    expect(q.parts.map((p) => p.amount)).toEqual(['80.00', '108.80']);
    expect(q.parts.reduce((a, p) => a + p.amountMinor, 0)).toBe(q.totalMinor);
    const list = await w.backend.call('bundles.list', { active: 'active' });
    expect(list.items.map((x) => x.code)).toEqual(['GROWTH']);
  });

  it('discounts the parts\' list prices as quoted (rounded to the cent): 0 % costs the list total', async () => {
    const prod = await w.backend.call('products.create', { sku: 'HALF-CENT', name: 'Half cent', unit: 'each' } as never) as { id: string };
    const plan = async (code: string) => (await w.backend.call('plans.create', { productId: prod.id, code, name: code, prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice: '3.335' } }] } as never) as { id: string }).id;
    const items = [{ planId: await plan('HC-1'), quantity: '1' }, { planId: await plan('HC-2'), quantity: '1' }];
    const quote = (discountPercent: string) => w.backend.call('bundles.quote', { currency: 'EUR', bundle: { pricing: 'discount', discountPercent, items } });
    // each part lists at 3.335 → 3.34: list total 6.68
    expect(await quote('0')).toMatchObject({ listTotal: '6.68', total: '6.68', discountTotal: '0.00', discountPercent: '0.00' });
    expect(await quote('10')).toMatchObject({ listTotal: '6.68', total: '6.01', discountTotal: '0.67' }); // 6.68 × 0.9 = 6.012
  });

  it('an unsaved definition can be quoted (the bundle builder\'s preview)', async () => {
    const q = await w.backend.call('bundles.quote', {
      currency: 'EUR', bundle: { pricing: 'discount', discountPercent: '50', items: [{ planId: w.flatPlan }] },
    });
    expect(q).toMatchObject({ bundleId: null, label: 'Bundle (parts: Premium support)', listTotal: '49.00', total: '24.50' });
  });

  it('rejects bad definitions with field errors', async () => {
    const dup = await failure(w.backend.call('bundles.create', { code: 'DUP', name: 'Dup', pricing: 'discount', discountPercent: '5', items: [{ planId: w.seatsPlan }, { planId: w.seatsPlan }] }));
    expect(fieldPaths(dup)).toEqual(['items.1.planId']);
    const noPrice = await failure(w.backend.call('bundles.create', { code: 'NOP', name: 'No price', pricing: 'fixed', items: [{ planId: w.seatsPlan }] }));
    expect(fieldPaths(noPrice)).toEqual(['prices']);
    const twice = await failure(w.backend.call('bundles.create', { code: 'TWICE', name: 'Twice', pricing: 'fixed', prices: [{ currency: 'EUR', price: '1' }, { currency: 'eur', price: '2' }], items: [{ planId: w.seatsPlan }] }));
    expect(fieldPaths(twice)).toEqual(['prices.1.currency']);
    const code = await failure(w.backend.call('bundles.create', { code: 'GROWTH', name: 'Again', pricing: 'discount', discountPercent: '5', items: [{ planId: w.seatsPlan }] }));
    expect(code.code).toBe('CONFLICT');
    expect(fieldPaths(code)).toEqual(['code']);
    const ghost = await failure(w.backend.call('bundles.create', { code: 'GHOST', name: 'Ghost', pricing: 'discount', discountPercent: '5', items: [{ planId: '0190a000-0000-7000-8000-000000000000' }] }));
    expect(fieldPaths(ghost)).toEqual(['items.0.planId']);
  });
});
