/** The demo dataset: valid customers across countries, plans in several currencies, subscriptions that bill. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../main/platform/clock';
import { createBackend } from '../../main/services/backend';
import { seedCatalog, seedCustomers, seedSubscriptions } from '../../main/services/seed';

describe('seed', () => {
  it('creates a realistic dataset that passes validation and bills', async () => {
    const clock = new ManualClock('2026-11-25T08:00:00Z');
    const b = await createBackend({ dataDir: ':memory:', inMemory: true, clock });
    const cat = await seedCatalog(b);
    expect(cat.products).toBe(8);
    expect(cat.plans).toBe(6);
    await seedCustomers(b, 60);
    const customers = (await b.call('customers.list', { limit: 1000 })).items;
    expect(customers).toHaveLength(60);
    expect(new Set(customers.map((c) => c.country)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(customers.map((c) => c.currency)).size).toBeGreaterThanOrEqual(4);
    expect(customers.every((c) => /^C[A-Z0-9]{3}-\d{5}$/.test(c.number))).toBe(true);
    const subs = await seedSubscriptions(b, '2026-11-25');
    expect(subs).toBeGreaterThan(20);
    // idempotent: customers that have a subscription get no second one
    expect(await seedSubscriptions(b, '2026-11-25')).toBe(0);
    const run = await b.call('billing.run', { wait: true });
    expect(run.run?.status).toBe('completed');
    const invoices = (await b.call('invoices.list', { limit: 1000 } as never)) as unknown as { total: number };
    expect(invoices.total).toBeGreaterThan(15);
    await b.close();
  });
});
