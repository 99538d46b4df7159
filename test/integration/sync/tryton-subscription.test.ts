/**
 * Cadence subscriptions pushed to the shared Tryton 6.0 as sale.subscription (module sale_subscription) through the
 * TrytonConnector: created (quoted and running), pushed twice (same record), quantity changed (draft → write → run
 * again), canceled (end date). Skips with the reason when ../shared/erp-tryton is missing or Tryton cannot start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../main/services/backend';
import { ManualClock } from '../../../main/platform/clock';
import { TrytonConnector } from '../../../main/sync/connectors/tryton';
import { TrytonClient } from '../../../main/sync/connectors/tryton-rpc';
import { pushTrytonSubscription, subscriptionReference, toTrytonSubscription } from '../../../main/sync/connectors/tryton-subscription';
import type { OutboxRow } from '../../../main/db/entities';
import type { Subscription } from '../../../shared/api/ops/subscriptions';
import { releaseTryton, startTryton, TRYTON } from './tryton-env';

let skipReason: string | null = null;
let client: TrytonClient;
let backend: Backend | undefined;
const STAMP = Date.now().toString(36).toUpperCase();

beforeAll(async () => {
  skipReason = await startTryton();
  if (skipReason) {
    console.warn(skipReason);
    return;
  }
  client = new TrytonClient(TRYTON);
  await client.login();
}, 900_000);
afterAll(async () => {
  await client?.logout();
  releaseTryton();
  await backend?.close();
});

interface Row { id: number; aggregate_type: string; event_type: string; payload: string }
interface TSub { id: number; party: number; state: string; reference: string; start_date: string; end_date: string | null; currency: number; invoice_recurrence: number; lines: number[] }
interface TLine { service: number; quantity: number; unit_price: string; start_date: string; end_date: string | null }

describe('Tryton sale.subscription', () => {
  it('creates, finds again, changes and cancels a subscription', async (ctx) => {
    if (skipReason) return ctx.skip();
    const clock = new ManualClock('2026-03-01T08:00:00Z');
    backend = await createBackend({ dataDir: ':memory:', inMemory: true, clock });
    const b = backend;
    await b.call('settings.update', { companyCountry: 'DE', installationPrefix: `S${STAMP.slice(-5)}` });
    const cust = await b.call('customers.create', { name: `Subscriber ${STAMP}`, country: 'DE', currency: 'EUR', email: `s-${STAMP.toLowerCase()}@example.com` });
    const prod = await b.call('products.create', { sku: `SEAT-${STAMP}`, name: `Seat licence ${STAMP}`, unit: 'seat', kind: 'service' });
    const plan = await b.call('plans.create', { productId: prod.id, code: `SEAT-${STAMP}-M`, name: 'Seats monthly', interval: 'month', intervalCount: 1, prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice: '12.50' } }] } as never);
    const sub = await b.call('subscriptions.create', { customerId: cust.id, startDate: '2026-03-01', items: [{ planId: plan.id, quantity: '3', model: { type: 'per_unit', unitPrice: '12.50' } }] } as never) as unknown as Subscription;

    const raw = b.base.raw;
    const rows = () => raw.prepare(`SELECT id, aggregate_type, event_type, payload FROM outbox ORDER BY id`).all() as Row[];
    const asRow = (r: Row) => ({ aggregateType: r.aggregate_type, eventType: r.event_type, payload: JSON.parse(r.payload) }) as OutboxRow;
    const connector = new TrytonConnector({ ...TRYTON, productCategory: 'Subscriptions' });
    try {
      const first = rows();
      const created = first.find((r) => r.aggregate_type === 'subscription' && r.event_type === 'subscription.created')!;
      expect(created).toBeTruthy();
      // the mapping (pure)
      const v = toTrytonSubscription(JSON.parse(created.payload) as Subscription);
      expect(v).toMatchObject({ reference: subscriptionReference(sub.id), customerNumber: cust.number, currency: 'EUR', startDate: '2026-03-01', endDate: null, intervalMonths: 1 });
      expect(v.lines.map((l) => [l.productCode, l.quantity, l.unitPrice, l.startDate, l.endDate])).toEqual([[`SEAT-${STAMP}`, 3, '12.50', '2026-03-01', null]]);

      // master data, plans (acknowledged without a call) and the subscription, in outbox order, through the connector
      const res = await connector.push(first.map(asRow));
      for (const r of res) expect(r.kind, JSON.stringify(res)).toBe('ack');
      const found = await client.searchRead<TSub>('sale.subscription', [['reference', '=', subscriptionReference(sub.id)]],
        ['id', 'party', 'state', 'reference', 'start_date', 'end_date', 'currency', 'invoice_recurrence', 'lines']);
      expect(found).toHaveLength(1);
      const ts = found[0]!;
      const [party] = await client.searchRead<{ id: number }>('party.party', [['code', '=', cust.number]], ['id']);
      const [eur] = await client.searchRead<{ id: number }>('currency.currency', [['code', '=', 'EUR']], ['id']);
      expect([ts.party, ts.currency, ts.start_date, ts.end_date, ts.state]).toEqual([party!.id, eur!.id, '2026-03-01', null, 'running']);
      const [rec] = await client.read<{ name: string }>('sale.subscription.recurrence.rule.set', [ts.invoice_recurrence], ['name']);
      expect(rec!.name).toBe('Cadence every month');
      const readLines = async (ids: number[]) => client.read<TLine>('sale.subscription.line', ids, ['service', 'quantity', 'unit_price', 'start_date', 'end_date']);
      const [prodT] = await client.searchRead<{ id: number }>('product.product', [['code', '=', `SEAT-${STAMP}`]], ['id']);
      const [svc] = await client.searchRead<{ id: number }>('sale.subscription.service', [['product', '=', prodT!.id]], ['id']);
      expect((await readLines(ts.lines)).map((l) => [l.service, l.quantity, Number(l.unit_price), l.start_date, l.end_date])).toEqual([[svc!.id, 3, 12.5, '2026-03-01', null]]);
      const ack1 = res[first.indexOf(created)]!;
      expect(ack1).toMatchObject({ kind: 'ack', externalId: String(ts.id) });

      // a second push (lost answer, restart) finds the same record: no duplicate, nothing changed
      const again = await connector.pushRow(asRow(created));
      expect(again).toMatchObject({ kind: 'ack', externalId: String(ts.id) });
      expect(await client.search('sale.subscription', [['reference', '=', subscriptionReference(sub.id)]])).toEqual([ts.id]);
      // … and sees nothing to change (no draft/run round trip)
      expect(await pushTrytonSubscription(client, JSON.parse(created.payload) as Subscription, created.event_type)).toMatchObject({ id: ts.id, state: 'running', created: false, changed: false });

      // quantity 3 → 5: the running subscription goes back to draft, gets its new line, runs again
      await b.call('subscriptions.applyChange', { subscriptionId: sub.id, actions: [{ type: 'change_quantity', itemId: sub.items[0]!.id, quantity: '5' }], when: 'now', invoiceNow: false } as never);
      const changed = rows().filter((r) => r.aggregate_type === 'subscription' && r.event_type === 'subscription.changed');
      expect(changed.length).toBeGreaterThanOrEqual(1);
      expect(await connector.pushRow(asRow(changed.at(-1)!))).toMatchObject({ kind: 'ack', externalId: String(ts.id) });
      const [afterChange] = await client.read<TSub>('sale.subscription', [ts.id], ['state', 'lines']);
      expect(afterChange!.state).toBe('running');
      expect((await readLines(afterChange!.lines)).map((l) => [l.quantity, Number(l.unit_price)])).toEqual([[5, 12.5]]);

      // canceled at the end of March: the end date reaches Tryton (subscription and line)
      await b.call('subscriptions.cancel', { id: sub.id, when: 'date', date: '2026-04-01', invoiceNow: false } as never);
      const canceled = rows().find((r) => r.event_type === 'subscription.canceled')!;
      expect(canceled).toBeTruthy();
      expect(await connector.pushRow(asRow(canceled))).toMatchObject({ kind: 'ack', externalId: String(ts.id) });
      const [afterCancel] = await client.read<TSub>('sale.subscription', [ts.id], ['state', 'end_date', 'lines']);
      expect([afterCancel!.state, afterCancel!.end_date]).toEqual(['running', '2026-04-01']);
      expect((await readLines(afterCancel!.lines)).map((l) => [l.quantity, l.end_date])).toEqual([[5, '2026-04-01']]);
      expect(await client.search('sale.subscription', [['reference', '=', subscriptionReference(sub.id)]])).toEqual([ts.id]);
    } finally {
      await connector.close();
    }
  }, 180_000);
});
