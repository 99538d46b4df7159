import { describe, expect, it } from 'vitest';
import { mrrMovements } from '../../../shared/domain/finance/mrr';

describe('MRR movements', () => {
  it('classifies each subscription\'s change, per currency; a return after an earlier paid time is a reactivation', () => {
    const months = ['2026-01', '2026-02'];
    const r = mrrMovements([
      { subscriptionId: 's1', customerId: 'c1', currency: 'EUR', values: [5000, 3000, 3000], paidBefore: false }, // contraction
      { subscriptionId: 's2', customerId: 'c1', currency: 'EUR', values: [0, 2000, 0], paidBefore: false }, // new, then churn
      { subscriptionId: 's3', customerId: 'c2', currency: 'EUR', values: [0, 1000, 1000], paidBefore: true }, // paused before the window
      { subscriptionId: 's4', customerId: 'c3', currency: 'USD', values: [700, 700, 900], paidBefore: false },
      { subscriptionId: 's5', customerId: 'c4', currency: 'EUR', values: [0, 0, 0], paidBefore: false }, // nothing
    ], months);
    expect(r.map((m) => [m.month, m.currency, m.startMinor, m.newMinor, m.expansionMinor, m.reactivationMinor, m.contractionMinor, m.churnMinor, m.endMinor])).toEqual([
      ['2026-01', 'EUR', 5000, 2000, 0, 1000, 2000, 0, 6000],
      ['2026-01', 'USD', 700, 0, 0, 0, 0, 0, 700],
      ['2026-02', 'EUR', 6000, 0, 0, 0, 0, 2000, 4000],
      ['2026-02', 'USD', 700, 0, 200, 0, 0, 0, 900],
    ]);
    // customers: c1 keeps s1, so the churn of s2 is no lost customer
    expect(r.filter((m) => m.currency === 'EUR').map((m) => [m.customersStart, m.customersEnd, m.newCustomers, m.churnedCustomers, m.revenueChurnPct, m.netRetentionPct])).toEqual([
      [1, 2, 1, 0, '40.00', '100.00'],
      [2, 2, 0, 0, '33.33', '66.67'],
    ]);
    expect(() => mrrMovements([{ subscriptionId: 'x', customerId: 'c', currency: 'EUR', values: [1], paidBefore: false }], months)).toThrow(/1 values for 2 months/);
  });
});
