/**
 * The generator window (main/services/billing/window.ts): billing run after run with only the window from the last
 * run date gives exactly the lines a full recomputation from the subscription start gives — for random schedules,
 * trials, pauses, plan/quantity changes, add-ons, cancellations, terms with uplift and usage.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  addDays, proposeLines, usageWindowsDue, type ExistingLine, type ItemChange, type ProposedLine, type SubscriptionSnapshot, type UsageAggregate,
} from '../../../shared/domain/billing';
import { applyWindow, windowStartOf } from '../../../main/services/billing/window';

const day = (from: string, max: number) => fc.integer({ min: 0, max }).map((n) => addDays(from, n));
const money = fc.integer({ min: 100, max: 50_000 }).map((c) => (c / 100).toFixed(2));

const snapshotArb = fc
  .record({
    startDate: day('2024-01-01', 400),
    anchorDay: fc.integer({ min: 1, max: 31 }),
    intervalMonths: fc.constantFrom(1, 1, 3, 12),
    trialDays: fc.constantFrom(0, 0, 14, 45),
    price: money,
    addonPrice: money,
    qty: fc.integer({ min: 1, max: 20 }),
    changes: fc.array(fc.record({ offset: fc.integer({ min: 1, max: 700 }), qty: fc.integer({ min: 1, max: 30 }), price: fc.option(money, { nil: undefined }) }), { maxLength: 3 }),
    pause: fc.option(fc.record({ offset: fc.integer({ min: 1, max: 600 }), length: fc.option(fc.integer({ min: 1, max: 120 }), { nil: null }) }), { nil: null }),
    addon: fc.option(fc.record({ from: fc.integer({ min: 1, max: 500 }), to: fc.option(fc.integer({ min: 1, max: 300 }), { nil: null }) }), { nil: null }),
    cancel: fc.option(fc.record({ offset: fc.integer({ min: 1, max: 800 }), credit: fc.constantFrom('none' as const, 'prorated' as const) }), { nil: null }),
    term: fc.option(fc.record({ autoRenew: fc.boolean(), uplift: fc.constantFrom('0', '5', '2.5') }), { nil: null }),
    policy: fc.constantFrom('day' as const, 'none' as const),
    usage: fc.array(fc.record({ offset: fc.integer({ min: 0, max: 800 }), q: fc.integer({ min: 1, max: 1000 }) }), { maxLength: 12 }),
  })
  .map((g): { snap: SubscriptionSnapshot; usage: { date: string; q: number }[] } => {
    const s = g.startDate;
    const sched = (price: string) => [{ validFrom: '1900-01-01', validTo: null, model: { type: 'per_unit' as const, unitPrice: price } }];
    const changes: ItemChange[] = g.changes.map((c, i) => ({
      id: `ch${i}`, itemId: 'base', effectiveDate: addDays(s, c.offset), quantity: String(c.qty), ...(c.price ? { priceSchedule: sched(c.price), planId: `p${i}` } : {}),
    }));
    return {
      snap: {
        id: 'sub', customerId: 'cust', currency: 'EUR', startDate: s, anchorDay: g.anchorDay, intervalMonths: g.intervalMonths, status: 'active',
        trialEnd: g.trialDays ? addDays(s, g.trialDays) : null,
        pauses: g.pause ? [{ from: addDays(s, g.pause.offset), until: g.pause.length === null ? null : addDays(s, g.pause.offset + g.pause.length) }] : [],
        cancelAt: g.cancel ? addDays(s, g.cancel.offset) : null, cancelCredit: g.cancel?.credit ?? 'none',
        term: g.term ? { months: 12, endDate: null, autoRenew: g.term.autoRenew, renewalUpliftPct: g.term.uplift } : null,
        items: [
          { id: 'base', kind: 'recurring', timing: 'advance', planId: 'p', productId: 'x', description: 'Base', quantity: String(g.qty), priceSchedule: sched(g.price) },
          ...(g.addon ? [{
            id: 'addon', kind: 'recurring' as const, timing: 'advance' as const, planId: 'a', productId: 'y', description: 'Add-on', quantity: '1', priceSchedule: sched(g.addonPrice),
            startDate: addDays(s, g.addon.from), endDate: g.addon.to === null ? null : addDays(s, g.addon.from + g.addon.to),
          }] : []),
          { id: 'meter', kind: 'usage', timing: 'arrears', planId: 'u', productId: 'z', description: 'Usage', quantity: '0', metric: 'calls', aggregation: 'sum', priceSchedule: sched('0.05') },
        ],
        changes,
        prorationPolicy: g.policy,
      },
      usage: g.usage.map((u) => ({ date: addDays(s, u.offset), q: u.q })),
    };
  });

/** Aggregates the recorded usage of every window ended by the target (billed ones too: late usage is trued up). */
function usageFor(snap: SubscriptionSnapshot, target: string, recs: { date: string; q: number }[]): UsageAggregate[] {
  return usageWindowsDue([snap], target, []).map((w) => ({
    subscriptionId: w.subscriptionId, itemId: w.itemId, periodStart: w.periodStart, periodEnd: w.periodEnd,
    quantity: String(recs.filter((r) => r.date >= w.periodStart && r.date < w.periodEnd).reduce((a, r) => a + r.q, 0)),
  }));
}

const view = (ls: readonly ProposedLine[]) => ls.map((l) => `${l.key}=${l.amountMinor}`).sort();

describe('generator window', () => {
  test('run after run, the window gives the same lines as a full recomputation', () => {
    fc.assert(
      fc.property(snapshotArb, fc.array(fc.integer({ min: 1, max: 70 }), { minLength: 3, maxLength: 20 }), ({ snap, usage }, steps) => {
        let full: ExistingLine[] = [];
        let billFrom: string | null = null;
        let t = snap.startDate;
        for (const step of steps) {
          t = addDays(t, step);
          const a = proposeLines({ subscriptions: [snap], usage: usageFor(snap, t, usage), existing: full, targetDate: t });
          const { snapshot: w, windowStart } = applyWindow(snap, billFrom);
          const exW = windowStart ? full.filter((e) => e.key.split('|')[2]! > windowStart) : full;
          const b = proposeLines({ subscriptions: [w], usage: usageFor(w, t, usage), existing: exW, targetDate: t });
          expect(view(b.lines)).toEqual(view(a.lines));
          expect(b.nextDate).toBe(a.nextDate);
          full = [...full, ...a.lines];
          billFrom = t;
        }
      }),
      { numRuns: 300 },
    );
  });

  test('the window starts at the period containing bill_from (never cutting a period)', () => {
    const s = { startDate: '2024-01-31', anchorDay: 31, intervalMonths: 1 };
    expect(windowStartOf(s, null)).toBeNull();
    expect(windowStartOf(s, '2024-02-10')).toBeNull(); // still the first period
    expect(windowStartOf(s, '2024-03-05')).toBe('2024-02-29'); // leap-year clamped boundary
    expect(windowStartOf(s, '2024-03-31')).toBe('2024-03-31');
    expect(windowStartOf({ startDate: '2024-01-15', anchorDay: 1, intervalMonths: 3 }, '2024-04-20')).toBe('2024-02-01');
    expect(windowStartOf({ startDate: '2024-01-15', anchorDay: 1, intervalMonths: 3 }, '2024-05-20')).toBe('2024-05-01');
  });
});
