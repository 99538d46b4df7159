/**
 * reports.mrr: MRR on each month end from the subscriptions' terms, and the month's movements per currency — worked
 * by hand over January to April 2026 (monthly, annual /12, a quantity change, a trial converting, a cancellation at
 * the period end, a pause and its end), with the identity start + new + expansion + reactivation − contraction −
 * churn = end checked on every month.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { at, world, type World } from './helpers';

let w: World;
afterEach(async () => w?.close());

describe('MRR report', () => {
  it('movements, customers, churn and retention month by month', async () => {
    w = await world('2026-01-01');
    const [c1, c2, c3, c5] = [await w.customer(), await w.customer(), await w.customer(), await w.customer()];
    const sub = (customerId: string, planId: string, quantity?: string) => w.b.call('subscriptions.create', { customerId, items: [{ planId, ...(quantity ? { quantity } : {}) }] });
    await sub(c1, w.plans['BASIC-M']!); // A: 30.00
    const e = await sub(c1, w.plans['SUPPORT-M']!); // E: 20.00, canceled at the period end in February
    const cSeats = await sub(c3, w.plans['SEAT-M']!, '3'); // C: 30.00, 5 seats from 10 Feb
    const f = await sub(c5, w.plans['BASIC-M']!); // F: 30.00, paused in March
    w.clock.set(at('2026-01-15'));
    await w.b.call('subscriptions.create', { customerId: c2, items: [{ planId: w.plans['ANNUAL']! }] }); // B: 1,200.00 a year = 100.00
    w.clock.set(at('2026-01-20'));
    const c4 = await w.customer();
    const d = await w.b.call('subscriptions.create', { customerId: c4, trialDays: 14, items: [{ planId: w.plans['PRO-M']! }] }); // D: trial to 3 Feb, then 60.00
    expect(d.trialEnd).toBe('2026-02-03');
    w.clock.set(at('2026-02-10'));
    await w.b.call('subscriptions.applyChange', { subscriptionId: cSeats.id, actions: [{ type: 'change_quantity', itemId: cSeats.items[0]!.id, quantity: '5' }] });
    w.clock.set(at('2026-02-15'));
    await w.b.call('subscriptions.cancel', { id: e.id, when: 'period_end' });
    await w.b.call('subscriptions.pause', { id: f.id, from: '2026-03-01', until: '2026-04-01' });

    const r = await w.b.call('reports.mrr', { fromMonth: '2026-01', toMonth: '2026-04' });
    const view = r.months.map((m) => [m.month, m.currency, m.startMinor, m.newMinor, m.expansionMinor, m.reactivationMinor, m.contractionMinor, m.churnMinor, m.endMinor]);
    expect(view).toEqual([
      ['2026-01', 'EUR', 0, 21000, 0, 0, 0, 0, 21000], // A 30 + E 20 + C 30 + F 30 + B 100
      ['2026-02', 'EUR', 21000, 6000, 2000, 0, 0, 0, 29000], // D converts (60), C 3 → 5 seats (+20)
      ['2026-03', 'EUR', 29000, 0, 0, 0, 0, 5000, 24000], // E canceled from 1 March (20), F paused (30)
      ['2026-04', 'EUR', 24000, 0, 0, 3000, 0, 0, 27000], // F resumed
    ]);
    for (const m of r.months) expect(m.startMinor + m.newMinor + m.expansionMinor + m.reactivationMinor - m.contractionMinor - m.churnMinor).toBe(m.endMinor);
    expect(r.months.map((m) => [m.customersStart, m.customersEnd, m.newCustomers, m.churnedCustomers, m.logoChurnPct, m.revenueChurnPct, m.netRetentionPct, m.arpaMinor])).toEqual([
      [0, 4, 4, 0, null, null, null, 5250],
      [4, 5, 1, 0, '0.00', '0.00', '109.52', 5800], // retained: c1 50 + c2 100 + c3 50 + c5 30 = 230 of 210
      [5, 4, 0, 1, '20.00', '17.24', '82.76', 6000], // c5 churned; 50 of 290 lost
      [4, 5, 1, 0, '0.00', '0.00', '100.00', 5400],
    ]);
    // one currency only; bad windows are refused naming the field
    expect((await w.b.call('reports.mrr', { fromMonth: '2026-01', toMonth: '2026-01', currency: 'USD' })).months).toEqual([]);
    await expect(w.b.call('reports.mrr', { fromMonth: '2026-05', toMonth: '2026-01' })).rejects.toMatchObject({ code: 'VALIDATION', details: { fields: [{ path: 'fromMonth' }] } });
  });
});
