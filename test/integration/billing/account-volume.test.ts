/**
 * Account volume in billing: a contract price with volumeScope 'account' / 'account_hierarchy' selects its tier by
 * the total quantity of the plan over the account's (hierarchy's) active subscriptions at the period start; each
 * subscription pays its share. With 'subscription' each subscription's own quantity selects the tier.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { world, type World } from './helpers';

let w: World;
afterEach(async () => w?.close());

const TIERS = { type: 'volume', tiers: [{ upTo: '20', unitPrice: '10' }, { upTo: null, unitPrice: '8' }] };

async function scenario(scope: 'subscription' | 'account' | 'account_hierarchy', hierarchy = false) {
  w = await world('2026-01-01');
  const parent = await w.customer();
  const child = hierarchy ? await w.customer({ parentId: parent }) : parent;
  for (const c of new Set([parent, child])) {
    await w.b.call('pricebooks.create', { customerId: c, planId: w.plans['SEAT-M']!, currency: 'EUR', kind: 'custom_tiers', model: TIERS as never, volumeScope: scope, validFrom: '2026-01-01' });
  }
  const a = await w.b.call('subscriptions.create', { customerId: parent, items: [{ planId: w.plans['SEAT-M']!, quantity: '10' }] });
  const b = await w.b.call('subscriptions.create', { customerId: child, items: [{ planId: w.plans['SEAT-M']!, quantity: '15' }] });
  await w.runOn('2026-01-01');
  const line = async (id: string) => {
    const docs = await w.docs(id);
    expect(docs).toHaveLength(1);
    const l = docs[0]!.lines[0]!;
    return { quantity: l.quantity, unitPrice: l.unitPrice, amountMinor: l.amountMinor, taxMinor: docs[0]!.taxMinor };
  };
  return { a: await line(a.id), b: await line(b.id), ids: [a.id, b.id] };
}

describe('account volume', () => {
  it("scope 'account': 10 + 15 = 25 seats select the 8.00 tier for both subscriptions", async () => {
    const r = await scenario('account');
    expect(r.a).toMatchObject({ quantity: '10', amountMinor: 8000, taxMinor: 1520 });
    expect(r.b).toMatchObject({ quantity: '15', amountMinor: 12000, taxMinor: 2280 });
    expect(Number(r.a.unitPrice)).toBe(8);
    // deterministic: the next period is priced the same, and billing again the same day adds nothing
    await w.runOn('2026-01-01');
    expect(await w.docs(r.ids[0])).toHaveLength(1);
    await w.runOn('2026-02-01');
    const feb = (await w.docs(r.ids[1]))[1]!;
    expect(feb.lines.map((l) => [l.periodStart, l.amountMinor])).toEqual([['2026-02-01', 12000]]);
  });

  it("scope 'subscription': each subscription's own quantity (10, 15 ≤ 20) selects the 10.00 tier", async () => {
    const r = await scenario('subscription');
    expect(r.a).toMatchObject({ quantity: '10', amountMinor: 10000 });
    expect(r.b).toMatchObject({ quantity: '15', amountMinor: 15000 });
  });

  it("scope 'account_hierarchy': a parent's 10 and a child's 15 seats count together (8.00); 'account' keeps them apart", async () => {
    const h = await scenario('account_hierarchy', true);
    expect(h.a).toMatchObject({ amountMinor: 8000 });
    expect(h.b).toMatchObject({ amountMinor: 12000 });
    await w.close();
    const acc = await scenario('account', true);
    expect(acc.a).toMatchObject({ amountMinor: 10000 });
    expect(acc.b).toMatchObject({ amountMinor: 15000 });
  });
});
