/**
 * Usage: idempotent recording (single, batch, CSV with per-row errors), aggregation per billing period (sum, max,
 * count, unique count, latest value), rating in arrears by the item's charge model, running usage of the current
 * period, and late usage trued up after the period was billed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { at, lineView, world, type World } from './helpers';

let w: World;
afterEach(async () => w?.close());

describe('usage billed in arrears', () => {
  it('records idempotently, prices the period at its end (2234 calls × 0.01 = 22.34) and shows the running usage', async () => {
    w = await world('2026-03-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', {
      customerId: c, items: [{ planId: w.plans['BASIC-M']! }, { planId: w.plans['API-M']!, metric: 'api_calls' }],
    });
    const meter = s.items[1]!;
    expect(meter).toMatchObject({ kind: 'usage', timing: 'arrears', metric: 'api_calls', aggregation: 'sum' });
    await w.runOn('2026-03-01');
    w.clock.set(at('2026-03-10'));
    const one = await w.b.call('usage.record', { subscriptionItemId: meter.id, quantity: '1000', timestamp: '2026-03-05T10:00:00Z', idempotencyKey: 'evt-1' });
    expect(one).toMatchObject({ recorded: 1, duplicates: 0, duplicate: false });
    const again = await w.b.call('usage.record', { subscriptionItemId: meter.id, quantity: '1000', timestamp: '2026-03-05T10:00:00Z', idempotencyKey: 'evt-1' });
    expect(again).toMatchObject({ recorded: 0, duplicates: 1, duplicate: true });
    expect(again.results[0]!.id).toBe(one.results[0]!.id);
    const batch = await w.b.call('usage.record', {
      records: [
        { customerId: c, metric: 'api_calls', quantity: '234', timestamp: '2026-03-20T08:00:00+02:00', idempotencyKey: 'evt-2' },
        { subscriptionId: s.id, metric: 'api_calls', quantity: '1000', timestamp: '2026-03-31T23:59:59Z', idempotencyKey: 'evt-3' },
        { customerId: c, metric: 'storage_gb', quantity: '5', timestamp: '2026-03-20T08:00:00Z', idempotencyKey: 'evt-4' },
        { subscriptionItemId: meter.id, quantity: '7', timestamp: '2026-04-01T00:00:00Z', idempotencyKey: 'evt-1' },
      ],
    });
    expect(batch.results.map((r) => r.status)).toEqual(['recorded', 'recorded', 'rejected', 'duplicate']);
    expect(batch.results[2]!.error).toMatch(/bills metric "storage_gb"/);
    const cur = await w.b.call('subscriptions.currentUsage', { id: s.id });
    expect(cur.items).toEqual([{ itemId: meter.id, metric: 'api_calls', aggregation: 'sum', periodStart: '2026-03-01', periodEnd: '2026-04-01', quantity: '2234', records: 3, amountMinor: 2234, currency: 'EUR' }]);
    await w.runOn('2026-04-01');
    const docs = await w.docs(s.id);
    expect(lineView(docs.at(-1)!)).toEqual(['charge 2026-04-01→2026-05-01 3000', 'usage 2026-03-01→2026-04-01 2234']);
    expect(docs.at(-1)!.lines[1]).toMatchObject({ quantity: '2234', unitPrice: '0.01', productSku: 'API' });
    // late usage for March, recorded after March was billed: trued up by the next run
    w.clock.set(at('2026-04-03'));
    await w.b.call('usage.record', { subscriptionItemId: meter.id, quantity: '100', timestamp: '2026-03-30T12:00:00Z', idempotencyKey: 'late-1' });
    await w.runOn('2026-04-03');
    expect(lineView((await w.docs(s.id)).at(-1)!)).toEqual(['trueup 2026-03-01→2026-04-01 100']);
    const list = await w.b.call('usage.list', { subscriptionId: s.id, from: '2026-03-01', to: '2026-04-01' });
    expect(list.total).toBe(4);
  });

  it('aggregates max, count, unique count of a property and the latest value', async () => {
    w = await world('2026-03-01');
    const c = await w.customer();
    const unit = { type: 'per_unit' as const, unitPrice: '1' };
    const s = await w.b.call('subscriptions.create', {
      customerId: c,
      items: [
        { planId: w.plans['API-M']!, metric: 'peak', aggregation: 'max', model: unit },
        { planId: w.plans['API-M']!, metric: 'logins', aggregation: 'count', model: unit },
        { planId: w.plans['API-M']!, metric: 'users', aggregation: 'unique_count', aggregationProperty: 'userId', model: unit },
        { planId: w.plans['API-M']!, metric: 'seats', aggregation: 'last', model: unit },
      ],
    });
    const recs = [['2026-03-02', '5', 'a'], ['2026-03-09', '7', 'b'], ['2026-03-20', '3', 'a']] as const;
    let k = 0;
    for (const metric of ['peak', 'logins', 'users', 'seats']) {
      await w.b.call('usage.record', { records: recs.map(([d, q, u]) => ({ subscriptionId: s.id, metric, quantity: q, timestamp: `${d}T12:00:00Z`, idempotencyKey: `k${++k}`, properties: { userId: u } })) });
    }
    await w.runOn('2026-04-01');
    const [inv] = await w.docs(s.id);
    expect(inv!.lines.map((l) => [l.description, l.quantity, l.amountMinor])).toEqual([
      ['API-M', '7', 700], ['API-M', '3', 300], ['API-M', '2', 200], ['API-M', '3', 300],
    ]);
  });

  it('imports CSV: good rows kept, bad rows reported with their line number, repeated keys not counted', async () => {
    w = await world('2026-03-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['API-M']!, metric: 'api_calls' }] });
    const cust = await w.b.call('customers.get', { id: c });
    const csv = [
      'timestamp,quantity,idempotency_key,customer_number,metric,region',
      `2026-03-02T10:00:00Z,100,c-1,${cust.number},api_calls,eu`,
      `2026-03-03T10:00:00Z,-5,c-2,${cust.number},api_calls,eu`,
      `not-a-date,5,c-3,${cust.number},api_calls,eu`,
      `2026-03-04T10:00:00Z,50,c-4,NOPE-1,api_calls,eu`,
      `2026-03-05T10:00:00Z,25,c-1,${cust.number},api_calls,eu`,
      `2026-03-06T10:00:00Z,25,c-6,${cust.number},api_calls,us`,
    ].join('\n');
    const r = await w.b.call('usage.importCsv', { csv });
    expect(r.rows).toBe(6);
    expect(r.recorded).toBe(2);
    expect(r.duplicates).toBe(1);
    expect(r.errors.map((e) => e.row)).toEqual([3, 4, 5]);
    expect(r.errors[0]!.message).toMatch(/quantity/);
    expect(r.errors[2]!.message).toMatch(/customer number NOPE-1/);
    const list = await w.b.call('usage.list', { subscriptionId: s.id });
    expect(list.items.map((u) => [u.quantity, u.properties])).toEqual([['25', { region: 'us' }], ['100', { region: 'eu' }]]);
    await w.runOn('2026-04-01');
    expect((await w.docs(s.id))[0]!.netMinor).toBe(125);
  });

  // usage billed for an item, in all documents (credit notes negative)
  const usageBilled = async (subId: string, itemId: string) =>
    (await w.docs(subId)).flatMap((d) => d.lines.filter((l) => l.itemId === itemId).map((l) => (d.kind === 'credit_note' ? -1 : 1) * l.amountMinor)).reduce((a, b) => a + b, 0);

  it('trues up late usage of a billed period each time more arrives (a second adjustment is numbered)', async () => {
    w = await world('2026-03-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']! }, { planId: w.plans['API-M']!, metric: 'api_calls' }] });
    const m = s.items[1]!.id;
    await w.runOn('2026-03-01');
    w.clock.set(at('2026-03-20'));
    await w.b.call('usage.record', { subscriptionItemId: m, quantity: '1000', timestamp: '2026-03-10T10:00:00Z', idempotencyKey: 'u1' });
    await w.runOn('2026-04-01');
    w.clock.set(at('2026-04-03'));
    await w.b.call('usage.record', { subscriptionItemId: m, quantity: '100', timestamp: '2026-03-30T12:00:00Z', idempotencyKey: 'late-1' });
    await w.runOn('2026-04-03');
    w.clock.set(at('2026-04-05'));
    await w.b.call('usage.record', { subscriptionItemId: m, quantity: '50', timestamp: '2026-03-31T12:00:00Z', idempotencyKey: 'late-2' });
    await w.runOn('2026-04-05');
    await w.runOn('2026-05-01');
    expect(await usageBilled(s.id, m)).toBe(1150); // 1150 calls in March × 0.01
    expect((await w.docs(s.id)).filter((d) => d.issueDate === '2026-04-03' || d.issueDate === '2026-04-05').map((d) => lineView(d)))
      .toEqual([['trueup 2026-03-01→2026-04-01 100'], ['trueup 2026-03-01→2026-04-01 50']]);
    const again = await w.b.call('billing.run', { wait: true });
    expect(again.run?.invoicesCreated).toBe(0);
  });

  for (const how of ['now', 'date'] as const) {
    it(`trues up late usage of a window cut short by a cancellation (${how === 'now' ? 'canceled now, invoiced at once' : 'canceled for a date, billed by that day\'s run'})`, async () => {
      w = await world('2026-03-01');
      const c = await w.customer();
      const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']! }, { planId: w.plans['API-M']!, metric: 'api_calls' }] });
      const m = s.items[1]!.id;
      await w.runOn('2026-03-01');
      w.clock.set(at('2026-03-10'));
      await w.b.call('usage.record', { subscriptionItemId: m, quantity: '1000', timestamp: '2026-03-05T10:00:00Z', idempotencyKey: 'u1' });
      if (how === 'now') {
        w.clock.set(at('2026-03-20'));
        await w.b.call('subscriptions.cancel', { id: s.id, when: 'now' });
      } else {
        await w.b.call('subscriptions.cancel', { id: s.id, when: 'date', date: '2026-03-20', credit: 'prorated' });
        await w.runOn('2026-03-20');
      }
      expect(await usageBilled(s.id, m)).toBe(1000); // 1000 × 0.01, window 1–20 March
      w.clock.set(at('2026-03-22'));
      await w.b.call('usage.record', { subscriptionItemId: m, quantity: '500', timestamp: '2026-03-18T10:00:00Z', idempotencyKey: 'late' });
      for (const d of ['2026-03-22', '2026-04-01', '2026-05-01']) await w.runOn(d);
      expect(await usageBilled(s.id, m)).toBe(1500);
      const last = (await w.docs(s.id)).at(-1)!;
      expect(lineView(last)).toEqual(['trueup 2026-03-01→2026-03-20 500']);
      expect(last.issueDate).toBe('2026-03-22');
    });
  }
});
