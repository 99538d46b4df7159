/** The pure mapping of a Cadence subscription to Tryton's sale.subscription values (no Tryton needed). */
import { describe, expect, it } from 'vitest';
import { toTrytonSubscription } from '../../../main/sync/connectors/tryton-subscription';
import type { Subscription, SubscriptionItem } from '../../../shared/api/ops/subscriptions';

const item = (over: Partial<SubscriptionItem>): SubscriptionItem => ({
  id: '01900000-0000-7000-8000-000000000011', position: 1, kind: 'recurring', role: 'base', timing: 'advance', planId: '01900000-0000-7000-8000-000000000021',
  planCode: 'SEAT-M', planName: 'Seats', productId: '01900000-0000-7000-8000-000000000031', productSku: 'SEAT', description: 'Seats', quantity: '4', metric: null,
  aggregation: null, aggregationProperty: null, model: null, taxCategory: 'standard', startDate: null, endDate: null, discount: null, active: true, ...over,
});

const sub = (items: SubscriptionItem[]): Subscription => ({
  id: '01900000-0000-7000-8000-000000000001', customerId: '01900000-0000-7000-8000-000000000002', customerName: 'Kunde GmbH', customerNumber: 'C-0001', currency: 'EUR',
  status: 'active', startDate: '2026-03-01', billingAnchorDay: 1, intervalMonths: 1, intervalChanges: [], trialEnd: null, trialEndAction: 'convert', term: null, cancelAt: null,
  cancelCredit: 'none', cancelReason: null, prorationPolicy: 'day', prorationInvoicing: 'next_invoice', poNumber: null, buyerReference: null, notes: '', nextBillingDate: '2026-04-01',
  currentPeriod: { start: '2026-03-01', end: '2026-04-01' }, items, scheduledChanges: [], pauses: [], billingError: null, version: 1,
  createdAt: '2026-03-01T00:00:00.000Z', updatedAt: '2026-03-01T00:00:00.000Z',
});

describe('toTrytonSubscription', () => {
  it("prices a line at the item's own price less its discount in force; without an own price Tryton's list price is used", () => {
    const v = toTrytonSubscription(sub([
      item({ model: { type: 'per_unit', unitPrice: '12.50' }, discount: { percent: '20', amount: null, reason: 'Partner discount' } }),
      item({ id: '01900000-0000-7000-8000-000000000012', productSku: 'SUP', quantity: '2', model: { type: 'flat', price: '30' } }),
      item({ id: '01900000-0000-7000-8000-000000000013', productSku: 'LIST', discount: { percent: '10', amount: null, reason: 'Discount 10%' } }),
      item({ id: '01900000-0000-7000-8000-000000000015', productSku: 'FIX', quantity: '4', model: { type: 'per_unit', unitPrice: '10' }, discount: { percent: null, amount: '8', reason: 'Discount 8.00 per period' } }),
      item({ id: '01900000-0000-7000-8000-000000000014', kind: 'usage', productSku: 'API', metric: 'api_calls' }),
    ]));
    expect(v.lines.map((l) => [l.productCode, l.quantity, l.unitPrice])).toEqual([['SEAT', 4, '10'], ['SUP', 2, '15'], ['LIST', 4, null], ['FIX', 4, '8']]);
    expect(v).toMatchObject({ reference: 'Cadence 01900000-0000-7000-8000-000000000001', intervalMonths: 1, startDate: '2026-03-01', endDate: null });
  });
});
