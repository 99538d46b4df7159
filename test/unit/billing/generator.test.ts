/**
 * Scenario tables: a target date moves month by month (as the scheduler would) and every run's lines are fed
 * back as `existing` (runDates also checks idempotence at every step). Amounts are worked by hand in comments.
 */
import { describe, expect, test } from 'vitest';
import {
  BillingInvariantError,
  lineKey,
  parseLineKey,
  proposeLines,
  usageWindowsDue,
  type SubscriptionSnapshot,
  type UsageAggregate,
} from '../../../shared/domain/billing';
import { brief, flat, item, monthly, perUnit, runDates, sub } from './helpers';

describe('monthly and annual plans', () => {
  test('monthly 30.00 from 2025-01-01, run monthly for 15 months: one charge per month, nextDate = next period start', () => {
    const dates = monthly('2025-01-01', 15);
    const { runs, all } = runDates([sub()], dates);
    expect(runs.map((r) => brief(r.lines))).toEqual(dates.map((d, i) => [`charge ${d}→${dates[i + 1] ?? '2026-04-01'} 3000`]));
    expect(runs.map((r) => r.nextDate)).toEqual([...dates.slice(1), '2026-04-01']);
    const l = all[0]!;
    expect(l).toMatchObject({
      key: 'item-1|2025-01-01|2025-02-01|charge', subscriptionId: 'sub-1', customerId: 'cust-1', itemId: 'item-1', kind: 'charge',
      description: 'Basic plan', quantity: '1', unitPrice: '30', fraction: '1', amountPrecise: '30', amountMinor: 3000,
      currency: 'EUR', taxCategory: 'standard', productId: 'prod-1', planId: 'plan-basic', dueDate: '2025-01-01',
    });
  });

  test('a late first run bills every period due so far at once, in order', () => {
    const r = proposeLines({ subscriptions: [sub()], usage: [], existing: [], targetDate: '2025-03-15' });
    expect(brief(r.lines)).toEqual(['charge 2025-01-01→2025-02-01 3000', 'charge 2025-02-01→2025-03-01 3000', 'charge 2025-03-01→2025-04-01 3000']);
    expect(r.nextDate).toBe('2025-04-01');
  });

  test('annual 1200.00 started 2025-03-15 (full alignment): billed on 2025-03-15 and 2026-03-15 only', () => {
    const s = sub({ startDate: '2025-03-15', anchorDay: 15, intervalMonths: 12, items: [item({ priceSchedule: flat('1200') })] });
    const dates = monthly('2025-03-15', 14);
    const { runs } = runDates([s], dates);
    const billed = runs.filter((r) => r.lines.length).map((r) => [r.date, ...brief(r.lines)]);
    expect(billed).toEqual([
      ['2025-03-15', 'charge 2025-03-15→2026-03-15 120000'],
      ['2026-03-15', 'charge 2026-03-15→2027-03-15 120000'],
    ]);
    expect(runs[1]!.nextDate).toBe('2026-03-15');
  });

  test('prorated leading period: start Mar 15, anchor 1, 31.00/month → 17/31 of 31.00 = 17.00', () => {
    const s = sub({ startDate: '2025-03-15', items: [item({ priceSchedule: flat('31') })] });
    const r = proposeLines({ subscriptions: [s], usage: [], existing: [], targetDate: '2025-04-01' });
    expect(brief(r.lines)).toEqual(['charge 2025-03-15→2025-04-01 1700', 'charge 2025-04-01→2025-05-01 3100']);
    expect(r.lines[0]!.description).toBe('Basic plan (17/31 days)');
    expect(r.lines[0]!.fraction.startsWith('0.548387096')).toBe(true);
  });

  test('recurring fee in arrears is due at the period end', () => {
    const s = sub({ items: [item({ timing: 'arrears' })] });
    const { runs } = runDates([s], ['2025-01-01', '2025-01-31', '2025-02-01']);
    expect(runs.map((r) => brief(r.lines))).toEqual([[], [], ['charge 2025-01-01→2025-02-01 3000']]);
    expect(runs[0]!.nextDate).toBe('2025-02-01');
  });
});

describe('anchor 31 through February', () => {
  const s31 = (start: string, changes: SubscriptionSnapshot['changes'] = []) =>
    sub({ startDate: start, anchorDay: 31, items: [item({ priceSchedule: perUnit('30') })], changes });

  test('leap year 2028: periods Jan 31 → Feb 29 → Mar 31 → Apr 30, each billed in full on its start day', () => {
    const { runs } = runDates([s31('2028-01-31')], ['2028-01-31', '2028-02-28', '2028-02-29', '2028-03-30', '2028-03-31', '2028-04-30']);
    expect(runs.map((r) => brief(r.lines))).toEqual([
      ['charge 2028-01-31→2028-02-29 3000'],
      [],
      ['charge 2028-02-29→2028-03-31 3000'],
      [],
      ['charge 2028-03-31→2028-04-30 3000'],
      ['charge 2028-04-30→2028-05-31 3000'],
    ]);
    expect(runs[1]!.nextDate).toBe('2028-02-29');
  });

  test('leap year: quantity 1 → 2 on Feb 15 2028 in the 29-day period: 14/29 credited and charged', () => {
    // period [2028-01-31, 2028-02-29) = 29 days; Feb 15..Feb 28 = 14 days on the new terms
    // credit 30 × 14/29 = 14.4827… → -14.48; charge 60 × 14/29 = 28.9655… → 28.97
    const { runs } = runDates([s31('2028-01-31', [{ itemId: 'item-1', effectiveDate: '2028-02-15', quantity: '2' }])], ['2028-01-31', '2028-02-15', '2028-02-29']);
    expect(runs.map((r) => brief(r.lines))).toEqual([
      ['charge 2028-01-31→2028-02-29 3000'],
      ['proration_credit 2028-02-15→2028-02-29 -1448', 'proration_charge 2028-02-15→2028-02-29 2897'],
      ['charge 2028-02-29→2028-03-31 6000'],
    ]);
    expect(runs[1]!.lines[1]!.description).toBe('Basic plan: upgrade from 2028-02-15 (14/29 days)');
  });

  test('non-leap year 2027: the 28-day period, change on Feb 14 = exactly half', () => {
    // [2027-01-31, 2027-02-28) = 28 days; Feb 14..27 = 14 days → 14/28 = 1/2: credit -15.00, charge 30.00
    const { runs } = runDates([s31('2027-01-31', [{ itemId: 'item-1', effectiveDate: '2027-02-14', quantity: '2' }])], ['2027-01-31', '2027-02-14', '2027-02-28', '2027-03-31']);
    expect(runs.map((r) => brief(r.lines))).toEqual([
      ['charge 2027-01-31→2027-02-28 3000'],
      ['proration_credit 2027-02-14→2027-02-28 -1500', 'proration_charge 2027-02-14→2027-02-28 3000'],
      ['charge 2027-02-28→2027-03-31 6000'],
      ['charge 2027-03-31→2027-04-30 6000'],
    ]);
  });
});

describe('trial', () => {
  test('14-day trial then paid: the first charge covers [trial end, period end) and is due on the trial end', () => {
    // period [Jan 10, Feb 10) = 31 days; trial Jan 10..Jan 23; billed Jan 24..Feb 9 = 17 days
    // 30 × 17/31 = 16.4516… → 16.45
    const s = sub({ startDate: '2025-01-10', anchorDay: 10, trialEnd: '2025-01-24', status: 'trialing' });
    const { runs } = runDates([s], ['2025-01-10', '2025-01-23', '2025-01-24', '2025-02-10', '2025-03-10']);
    expect(runs.map((r) => brief(r.lines))).toEqual([
      [],
      [],
      ['charge 2025-01-24→2025-02-10 1645'],
      ['charge 2025-02-10→2025-03-10 3000'],
      ['charge 2025-03-10→2025-04-10 3000'],
    ]);
    expect(runs[0]!.nextDate).toBe('2025-01-24');
    expect(runs[2]!.lines[0]!.description).toBe('Basic plan (17/31 days)');
  });

  test('trial covering whole periods bills nothing for them', () => {
    const s = sub({ trialEnd: '2025-03-01' });
    const r = proposeLines({ subscriptions: [s], usage: [], existing: [], targetDate: '2025-02-28' });
    expect(r.lines).toEqual([]);
    expect(r.nextDate).toBe('2025-03-01');
  });
});

describe('mid-cycle upgrade and downgrade (day-based proration)', () => {
  const basic = flat('30');
  const pro = flat('60');
  const s = sub({
    startDate: '2025-06-01',
    items: [item({ priceSchedule: basic })],
    changes: [
      { itemId: 'item-1', effectiveDate: '2025-06-11', planId: 'plan-pro', description: 'Pro plan', priceSchedule: pro },
      { itemId: 'item-1', effectiveDate: '2025-07-21', planId: 'plan-basic', description: 'Basic plan', priceSchedule: basic },
    ],
  });
  test('upgrade Jun 11 (30-day June), downgrade Jul 21 (31-day July)', () => {
    const { runs } = runDates([s], ['2025-06-01', '2025-06-10', '2025-06-11', '2025-07-01', '2025-07-21', '2025-08-01']);
    expect(runs.map((r) => brief(r.lines))).toEqual([
      ['charge 2025-06-01→2025-07-01 3000'],
      [],
      // June: 20 of 30 days left: credit 30 × 20/30 = 20.00, charge 60 × 20/30 = 40.00
      ['proration_credit 2025-06-11→2025-07-01 -2000', 'proration_charge 2025-06-11→2025-07-01 4000'],
      ['charge 2025-07-01→2025-08-01 6000'],
      // July: Jul 21..31 = 11 of 31 days: credit 60 × 11/31 = 21.2903… → -21.29, charge 30 × 11/31 = 10.6451… → 10.65
      ['proration_credit 2025-07-21→2025-08-01 -2129', 'proration_charge 2025-07-21→2025-08-01 1065'],
      ['charge 2025-08-01→2025-09-01 3000'],
    ]);
    expect(runs[1]!.nextDate).toBe('2025-06-11');
    const [credit, charge] = runs[2]!.lines;
    expect(credit).toMatchObject({ planId: 'plan-basic', description: 'Basic plan: credit for unused time from 2025-06-11 (20/30 days)', unitPrice: '30' });
    expect(charge).toMatchObject({ planId: 'plan-pro', description: 'Pro plan: upgrade from 2025-06-11 (20/30 days)', unitPrice: '60' });
    expect(runs[4]!.lines[1]!.description).toBe('Basic plan: downgrade from 2025-07-21 (11/31 days)');
    expect(runs[4]!.lines[0]!.amountPrecise.startsWith('-21.29032258')).toBe(true);
  });
  test('a change recorded late (after its day) still yields the same proration lines', () => {
    const r = proposeLines({ subscriptions: [s], usage: [], existing: [], targetDate: '2025-06-20' });
    expect(brief(r.lines)).toEqual([
      'charge 2025-06-01→2025-07-01 3000',
      'proration_credit 2025-06-11→2025-07-01 -2000',
      'proration_charge 2025-06-11→2025-07-01 4000',
    ]);
  });
  test("policy 'none': no proration, the new plan applies from the next period", () => {
    const { runs } = runDates([{ ...s, prorationPolicy: 'none' }], ['2025-06-01', '2025-06-11', '2025-07-01', '2025-08-01']);
    expect(runs.map((r) => brief(r.lines))).toEqual([
      ['charge 2025-06-01→2025-07-01 3000'],
      [],
      ['charge 2025-07-01→2025-08-01 6000'],
      ['charge 2025-08-01→2025-09-01 3000'],
    ]);
  });
  test("policy 'second': upgrade at 12:00Z on Jun 16 → 14.5 of 30 days", () => {
    const s2: SubscriptionSnapshot = {
      ...s,
      prorationPolicy: 'second',
      changes: [{ itemId: 'item-1', effectiveDate: '2025-06-16', effectiveAt: '2025-06-16T12:00:00Z', priceSchedule: pro }],
    };
    // credit 30 × 14.5/30 = 14.50; charge 60 × 14.5/30 = 29.00
    const r = proposeLines({ subscriptions: [s2], usage: [], existing: [], targetDate: '2025-06-16' });
    expect(brief(r.lines)).toEqual([
      'charge 2025-06-01→2025-07-01 3000',
      'proration_credit 2025-06-16→2025-07-01 -1450',
      'proration_charge 2025-06-16→2025-07-01 2900',
    ]);
  });
});

describe('quantity change', () => {
  test('5 → 8 seats at 10.00 on Apr 16 (30-day April): credit 50 × 15/30, charge 80 × 15/30', () => {
    const s = sub({
      startDate: '2025-04-01',
      items: [item({ description: 'Seats', quantity: '5', priceSchedule: perUnit('10') })],
      changes: [{ itemId: 'item-1', effectiveDate: '2025-04-16', quantity: '8' }],
    });
    const { runs } = runDates([s], ['2025-04-01', '2025-04-16', '2025-05-01']);
    expect(runs.map((r) => brief(r.lines))).toEqual([
      ['charge 2025-04-01→2025-05-01 5000'],
      ['proration_credit 2025-04-16→2025-05-01 -2500', 'proration_charge 2025-04-16→2025-05-01 4000'],
      ['charge 2025-05-01→2025-06-01 8000'],
    ]);
    expect(runs[2]!.lines[0]).toMatchObject({ quantity: '8', unitPrice: '10' });
    expect(runs[1]!.lines[0]).toMatchObject({ quantity: '5', unitPrice: '10' });
  });
});

describe('pause and resume across a period end', () => {
  // Snapshot as the service would show it on each run date: the pause is entered on Mar 20 and resumed on Apr 10.
  const at = (date: string): SubscriptionSnapshot[] => [
    sub({
      startDate: '2025-03-01',
      status: date >= '2025-03-20' && date < '2025-04-10' ? 'paused' : 'active',
      pauses: date < '2025-03-20' ? [] : [{ from: '2025-03-20', until: date < '2025-04-10' ? null : '2025-04-10' }],
    }),
  ];
  test('credit for paused March days, April not billed while paused, then billed from the resume day', () => {
    const { runs } = runDates(at, ['2025-03-01', '2025-03-20', '2025-04-01', '2025-04-09', '2025-04-10', '2025-05-01']);
    expect(runs.map((r) => brief(r.lines))).toEqual([
      ['charge 2025-03-01→2025-04-01 3000'],
      // March should cost 19/31 × 30 = 18.387… → 18.39; 30.00 was billed → credit 11.61 for Mar 20..31
      ['credit 2025-03-20→2025-04-01 -1161'],
      [], // April fully paused (open pause): not billed
      [],
      // resumed Apr 10: Apr 10..30 = 21 of 30 days → 30 × 21/30 = 21.00
      ['charge 2025-04-10→2025-05-01 2100'],
      ['charge 2025-05-01→2025-06-01 3000'],
    ]);
    expect(runs[2]!.nextDate).toBeNull(); // nothing becomes due while the pause is open
    expect(runs[4]!.nextDate).toBe('2025-05-01');
  });
  test('a pause known in advance: periods overlapping it are charged (days − paused days)/days', () => {
    // pause [Mar 20, Apr 10): March 19/31 → 18.39 (line Mar 1 → Mar 20), April 21/30 → 21.00 (line Apr 10 → May 1)
    const s = sub({ startDate: '2025-03-01', pauses: [{ from: '2025-03-20', until: '2025-04-10' }] });
    const { runs } = runDates([s], ['2025-03-01', '2025-04-01', '2025-04-10', '2025-05-01']);
    expect(runs.map((r) => brief(r.lines))).toEqual([
      ['charge 2025-03-01→2025-03-20 1839'],
      [],
      ['charge 2025-04-10→2025-05-01 2100'],
      ['charge 2025-05-01→2025-06-01 3000'],
    ]);
    expect(runs[1]!.nextDate).toBe('2025-04-10');
  });
  test('a pause inside one period bills the days around it in one line', () => {
    // pause [Mar 10, Mar 15): 26 of 31 days → 30 × 26/31 = 25.1612… → 25.16
    const s = sub({ startDate: '2025-03-01', pauses: [{ from: '2025-03-10', until: '2025-03-15' }] });
    const r = proposeLines({ subscriptions: [s], usage: [], existing: [], targetDate: '2025-03-01' });
    expect(brief(r.lines)).toEqual(['charge 2025-03-01→2025-04-01 2516']);
    expect(r.lines[0]!.description).toBe('Basic plan (26/31 days)');
  });
  test('usage is still billed in arrears for what was recorded during a pause', () => {
    const s = sub({
      pauses: [{ from: '2025-03-01', until: null }],
      items: [item({ id: 'api', kind: 'usage', timing: 'arrears', description: 'API calls', priceSchedule: perUnit('0.01') })],
    });
    const usage: UsageAggregate[] = [{ subscriptionId: 'sub-1', itemId: 'api', periodStart: '2025-03-01', periodEnd: '2025-04-01', quantity: '250' }];
    const r = proposeLines({ subscriptions: [s], usage, existing: [], targetDate: '2025-04-01' });
    expect(brief(r.lines.filter((l) => l.periodStart >= '2025-03-01'))).toEqual(['usage 2025-03-01→2025-04-01 250']);
    expect(r.nextDate).toBe('2025-05-01');
  });
});

describe('cancellation', () => {
  const cancelled = (date: string, cancelCredit: 'none' | 'prorated') =>
    sub({ startDate: '2025-03-01', status: date >= '2025-03-11' ? 'canceled' : 'active', cancelAt: date >= '2025-03-11' ? '2025-03-11' : null, cancelCredit });
  test('cancel immediately (Mar 11) with prorated credit for the unused part of the billed March', () => {
    // March = 31 days, used Mar 1..10 = 10 days: should cost 30 × 10/31 = 9.677… → 9.68; billed 30.00 → credit -20.32
    const { runs } = runDates((d) => [cancelled(d, 'prorated')], ['2025-03-01', '2025-03-11', '2025-04-01', '2025-05-01']);
    expect(runs.map((r) => brief(r.lines))).toEqual([['charge 2025-03-01→2025-04-01 3000'], ['credit 2025-03-11→2025-04-01 -2032'], [], []]);
    expect(runs[1]!.lines[0]!.description).toBe('Basic plan: credit for 2025-03-11 – 2025-03-31');
    expect(runs[1]!.nextDate).toBeNull();
  });
  test("cancel without credit ('none') keeps the billed period; nothing billed afterwards", () => {
    const { runs } = runDates((d) => [cancelled(d, 'none')], ['2025-03-01', '2025-03-11', '2025-04-01']);
    expect(runs.map((r) => brief(r.lines))).toEqual([['charge 2025-03-01→2025-04-01 3000'], [], []]);
  });
  test('a cancellation known before the period is billed charges only up to it', () => {
    const r = proposeLines({ subscriptions: [cancelled('2025-03-11', 'none')], usage: [], existing: [], targetDate: '2025-03-01' });
    // Mar 1..10 = 10/31 × 30 = 9.68
    expect(brief(r.lines.filter((l) => l.periodStart >= '2025-03-01'))).toEqual(['charge 2025-03-01→2025-03-11 968']);
  });
  test('a period repaired again gets a numbered repair line; keys parse back with their number', () => {
    // March billed at 30.00, already trued up twice (+5.00, +2.00); the price is now 40.00 for March: +3.00 more
    const existing = [
      { key: lineKey('item-1', '2025-03-01', '2025-04-01', 'charge'), amountMinor: 3000 },
      { key: lineKey('item-1', '2025-03-01', '2025-04-01', 'trueup'), amountMinor: 500 },
      { key: lineKey('item-1', '2025-03-01', '2025-04-01', 'trueup', 2), amountMinor: 200 },
    ];
    expect(existing.map((e) => e.key.split('|')[3])).toEqual(['charge', 'trueup', 'trueup~2']);
    const s = sub({ startDate: '2025-03-01', items: [item({ priceSchedule: flat('40') })] });
    const r = proposeLines({ subscriptions: [s], usage: [], existing, targetDate: '2025-03-20' });
    expect(r.unresolved).toEqual([]);
    expect(r.lines.map((l) => [l.key, l.kind, l.amountMinor])).toEqual([['item-1|2025-03-01|2025-04-01|trueup~3', 'trueup', 300]]);
    expect(parseLineKey(r.lines[0]!.key)).toEqual({ itemId: 'item-1', periodStart: '2025-03-01', periodEnd: '2025-04-01', kind: 'trueup', seq: 3 });
    expect(parseLineKey('item-1|2025-03-01|2025-04-01|trueup')!.seq).toBe(1);
    for (const bad of ['item-1|2025-03-01|2025-04-01|trueup~1', 'item-1|2025-03-01|2025-04-01|trueup~x', 'item-1|2025-03-01|2025-04-01|bogus~2']) expect(parseLineKey(bad)).toBeNull();
    // fed back, nothing more is due
    const again = proposeLines({ subscriptions: [s], usage: [], existing: [...existing, ...r.lines.map((l) => ({ key: l.key, amountMinor: l.amountMinor }))], targetDate: '2025-03-20' });
    expect(again.lines).toEqual([]);
  });
  test('periods billed after the cancellation date are credited in full', () => {
    const existing = [
      { key: lineKey('item-1', '2025-03-01', '2025-04-01', 'charge'), amountMinor: 3000 },
      { key: lineKey('item-1', '2025-04-01', '2025-05-01', 'charge'), amountMinor: 3000 },
    ];
    const s = sub({ startDate: '2025-03-01', cancelAt: '2025-04-01' });
    const r = proposeLines({ subscriptions: [s], usage: [], existing, targetDate: '2025-04-05' });
    expect(brief(r.lines)).toEqual(['credit 2025-04-01→2025-05-01 -3000']);
  });
  test('cancel at term end (no auto-renewal): 12 monthly charges, nothing from the term end', () => {
    const s = sub({ term: { months: 12, endDate: null, autoRenew: false, renewalUpliftPct: '0' } });
    const dates = monthly('2025-01-01', 15);
    const { runs, all } = runDates([s], dates);
    expect(all.length).toBe(12);
    expect(all.at(-1)!.key).toBe('item-1|2025-12-01|2026-01-01|charge');
    expect(runs[11]!.nextDate).toBeNull();
    expect(runs.slice(12).every((r) => r.lines.length === 0)).toBe(true);
  });
});

describe('renewal with uplift', () => {
  test('monthly 100.00, 12-month auto-renewing term, +5 % per renewal (compounding)', () => {
    const s = sub({ items: [item({ priceSchedule: flat('100') })], term: { months: 12, endDate: '2026-01-01', autoRenew: true, renewalUpliftPct: '5' } });
    const dates = monthly('2025-01-01', 25);
    const { all } = runDates([s], dates);
    const byMonth = Object.fromEntries(all.map((l) => [l.periodStart, l.amountMinor]));
    expect(byMonth['2025-01-01']).toBe(10000);
    expect(byMonth['2025-12-01']).toBe(10000);
    expect(byMonth['2026-01-01']).toBe(10500); // 100 × 1.05
    expect(byMonth['2026-12-01']).toBe(10500);
    expect(byMonth['2027-01-01']).toBe(11025); // 100 × 1.05²
    expect(all.find((l) => l.periodStart === '2027-01-01')!.unitPrice).toBe('110.25');
  });
  test('annual 1200.00 renewing yearly with 5 %: 1200.00, 1260.00, 1323.00', () => {
    const s = sub({
      intervalMonths: 12,
      items: [item({ priceSchedule: flat('1200') })],
      term: { months: 12, endDate: null, autoRenew: true, renewalUpliftPct: '5' },
    });
    const { all } = runDates([s], ['2025-01-01', '2026-01-01', '2027-01-01']);
    expect(brief(all)).toEqual([
      'charge 2025-01-01→2026-01-01 120000',
      'charge 2026-01-01→2027-01-01 126000',
      'charge 2027-01-01→2028-01-01 132300',
    ]);
  });
});

describe('contract price change over time', () => {
  test('a new price valid from May 15 applies from the next period (June), no proration', () => {
    const s = sub({
      items: [
        item({
          priceSchedule: [
            { validFrom: '2025-01-01', validTo: '2025-05-15', model: { type: 'flat', price: '30' } },
            { validFrom: '2025-05-15', validTo: null, model: { type: 'flat', price: '36' } },
          ],
        }),
      ],
    });
    const { runs } = runDates([s], ['2025-04-01', '2025-05-01', '2025-05-15', '2025-06-01', '2025-07-01']);
    expect(runs.map((r) => brief(r.lines))).toEqual([
      ['charge 2025-01-01→2025-02-01 3000', 'charge 2025-02-01→2025-03-01 3000', 'charge 2025-03-01→2025-04-01 3000', 'charge 2025-04-01→2025-05-01 3000'],
      ['charge 2025-05-01→2025-06-01 3000'],
      [],
      ['charge 2025-06-01→2025-07-01 3600'],
      ['charge 2025-07-01→2025-08-01 3600'],
    ]);
  });
  test('no price in force is a configuration error', () => {
    const s = sub({ items: [item({ priceSchedule: [{ validFrom: '2026-01-01', validTo: null, model: { type: 'flat', price: '1' } }] })] });
    expect(() => proposeLines({ subscriptions: [s], usage: [], existing: [], targetDate: '2025-01-01' })).toThrow(/no price in force on 2025-01-01/);
  });
});

describe('usage in arrears', () => {
  const usageSub = sub({
    items: [
      item({ id: 'base', priceSchedule: flat('30') }),
      item({ id: 'api', kind: 'usage', timing: 'arrears', description: 'API calls', metric: 'api_calls', aggregation: 'count', priceSchedule: perUnit('0.10') }),
    ],
  });
  const usage: UsageAggregate[] = [
    { subscriptionId: 'sub-1', itemId: 'api', periodStart: '2025-01-01', periodEnd: '2025-02-01', quantity: '1234' },
    { subscriptionId: 'sub-1', itemId: 'api', periodStart: '2025-02-01', periodEnd: '2025-03-01', quantity: '0' },
    { subscriptionId: 'sub-1', itemId: 'api', periodStart: '2025-03-01', periodEnd: '2025-04-01', quantity: '500' },
  ];
  test('each period is billed when it ends; zero usage gives no line', () => {
    const { runs } = runDates([usageSub], monthly('2025-01-01', 4), usage);
    expect(runs.map((r) => brief(r.lines))).toEqual([
      ['charge 2025-01-01→2025-02-01 3000'],
      ['charge 2025-02-01→2025-03-01 3000', 'usage 2025-01-01→2025-02-01 12340'], // 1234 × 0.10
      ['charge 2025-03-01→2025-04-01 3000'],
      ['charge 2025-04-01→2025-05-01 3000', 'usage 2025-03-01→2025-04-01 5000'],
    ]);
    expect(runs[1]!.lines[1]).toMatchObject({ quantity: '1234', unitPrice: '0.1', kind: 'usage', description: 'API calls' });
  });
  test('usageWindowsDue tells the caller which windows to aggregate', () => {
    const w = usageWindowsDue([usageSub], '2025-03-01', [{ key: 'api|2025-01-01|2025-02-01|usage', amountMinor: 12340 }]);
    expect(w).toEqual([
      { subscriptionId: 'sub-1', itemId: 'api', metric: 'api_calls', aggregation: 'count', periodStart: '2025-02-01', periodEnd: '2025-03-01', key: 'api|2025-02-01|2025-03-01|usage' },
    ]);
  });
  test('late usage for a billed period gives a true-up line, not an edit', () => {
    const existing = [{ key: 'api|2025-01-01|2025-02-01|usage', amountMinor: 12340 }, { key: 'base|2025-01-01|2025-02-01|charge', amountMinor: 3000 }, { key: 'base|2025-02-01|2025-03-01|charge', amountMinor: 3000 }];
    const late = [{ ...usage[0]!, quantity: '1300' }];
    const r = proposeLines({ subscriptions: [usageSub], usage: late, existing, targetDate: '2025-02-10' });
    // should be 1300 × 0.10 = 130.00; billed 123.40 → true-up 6.60
    expect(brief(r.lines)).toEqual(['trueup 2025-01-01→2025-02-01 660']);
  });
  test('final usage is billed up to the cancellation', () => {
    const s = { ...usageSub, cancelAt: '2025-03-11' };
    const u = [{ subscriptionId: 'sub-1', itemId: 'api', periodStart: '2025-03-01', periodEnd: '2025-03-11', quantity: '10' }];
    const r = proposeLines({ subscriptions: [s], usage: u, existing: [], targetDate: '2025-03-11' });
    expect(brief(r.lines.filter((l) => l.itemId === 'api' && l.periodStart === '2025-03-01'))).toEqual(['usage 2025-03-01→2025-03-11 100']);
    expect(r.nextDate).toBeNull();
  });
});

describe('idempotence and invariants', () => {
  const s = sub({
    trialEnd: '2025-01-15',
    items: [item({ quantity: '3', priceSchedule: perUnit('9.99') })],
    changes: [{ itemId: 'item-1', effectiveDate: '2025-02-07', quantity: '4' }],
    pauses: [{ from: '2025-04-20', until: '2025-05-03' }],
    term: { months: 6, endDate: null, autoRenew: true, renewalUpliftPct: '3' },
  });
  test('calling proposeLines again with the previous result as existing yields nothing', () => {
    const first = proposeLines({ subscriptions: [s], usage: [], existing: [], targetDate: '2025-12-31' });
    expect(first.lines.length).toBeGreaterThan(10);
    const again = proposeLines({ subscriptions: [s], usage: [], existing: first.lines, targetDate: '2025-12-31' });
    expect(again.lines).toEqual([]);
    expect(again.nextDate).toBe(first.nextDate);
    // deterministic
    expect(proposeLines({ subscriptions: [s], usage: [], existing: [], targetDate: '2025-12-31' })).toEqual(first);
  });
  test('one big run equals many small runs', () => {
    const big = proposeLines({ subscriptions: [s], usage: [], existing: [], targetDate: '2025-12-31' });
    const { all } = runDates([s], [...monthly('2025-01-01', 12).flatMap((d) => [d, d.slice(0, 8) + '15']), '2025-12-31']);
    expect(all.map((l) => l.key).sort()).toEqual(big.lines.map((l) => l.key).sort());
    expect(all.reduce((a, l) => a + l.amountMinor, 0)).toBe(big.lines.reduce((a, l) => a + l.amountMinor, 0));
  });
  test('an existing line overlapping a proposed period is refused (no period billed twice)', () => {
    const existing = [{ key: lineKey('item-1', '2025-01-15', '2025-02-15', 'charge'), amountMinor: 3000 }];
    expect(() => proposeLines({ subscriptions: [sub()], usage: [], existing, targetDate: '2025-03-01' })).toThrow(BillingInvariantError);
  });
  test('draft subscriptions bill nothing', () => {
    expect(proposeLines({ subscriptions: [sub({ status: 'draft' })], usage: [], existing: [], targetDate: '2025-03-01' })).toEqual({
      lines: [], nextDate: null, unresolved: [],
    });
  });
});

describe('items added and removed mid-period', () => {
  test('an add-on from Mar 16 is charged 16/31 of its price; removed from May 10 after billing → credit for the rest', () => {
    const addon = (removed: boolean) =>
      item({ id: 'addon', description: 'Extra storage', priceSchedule: flat('10'), startDate: '2025-03-16', endDate: removed ? '2025-05-10' : null });
    const at = (date: string) => [sub({ items: [item(), addon(date >= '2025-05-10')] })];
    const { runs } = runDates(at, ['2025-03-01', '2025-03-16', '2025-04-01', '2025-05-01', '2025-05-10', '2025-06-01']);
    expect(runs.map((r) => brief(r.lines.filter((l) => l.itemId === 'addon')))).toEqual([
      [],
      ['charge 2025-03-16→2025-04-01 516'], // 10 × 16/31 = 5.1612… → 5.16
      ['charge 2025-04-01→2025-05-01 1000'],
      ['charge 2025-05-01→2025-06-01 1000'],
      // May 1..9 = 9/31 × 10 = 2.90 instead of 10.00 → credit 7.10
      ['credit 2025-05-10→2025-06-01 -710'],
      [],
    ]);
    expect(runs[0]!.nextDate).toBe('2025-03-16');
  });
  test('a subscription starting in the future: nothing yet, nextDate = its start', () => {
    const r = proposeLines({ subscriptions: [sub({ startDate: '2025-09-15', anchorDay: 1 })], usage: [], existing: [], targetDate: '2025-09-01' });
    expect(r).toEqual({ lines: [], nextDate: '2025-09-15', unresolved: [] });
  });
  test('a free plan still records the periods it covered (0.00 charges)', () => {
    const r = proposeLines({ subscriptions: [sub({ items: [item({ priceSchedule: flat('0') })] })], usage: [], existing: [], targetDate: '2025-02-01' });
    expect(brief(r.lines)).toEqual(['charge 2025-01-01→2025-02-01 0', 'charge 2025-02-01→2025-03-01 0']);
  });
});

describe('item discounts', () => {
  const d15 = { percent: '15', reason: 'Partner discount' };
  test('a charge carries the discount: net amount, discount = gross − net, the undiscounted unit price', () => {
    const s = sub({ items: [item({ quantity: '7', priceSchedule: perUnit('9.99'), discount: d15 })] });
    const r = proposeLines({ subscriptions: [s], usage: [], existing: [], targetDate: '2025-01-01' });
    // 7 × 9.99 = 69.93; less 15% = 59.4405 → 59.44; discount 10.49
    expect(r.lines[0]).toMatchObject({ unitPrice: '9.99', amountPrecise: '59.4405', amountMinor: 5944, discountMinor: 1049, discountReason: 'Partner discount' });
  });

  test('usage lines are discounted too; repair lines of a billed period are not', () => {
    const s = sub({ items: [item({ id: 'api', kind: 'usage', timing: 'arrears', description: 'API calls', priceSchedule: perUnit('0.01'), discount: { percent: '10', reason: null } })] });
    const usage: UsageAggregate[] = [{ subscriptionId: 'sub-1', itemId: 'api', periodStart: '2025-01-01', periodEnd: '2025-02-01', quantity: '1000' }];
    const r = proposeLines({ subscriptions: [s], usage, existing: [], targetDate: '2025-02-01' });
    expect(r.lines.map((l) => [l.kind, l.amountMinor, l.discountMinor, l.discountReason])).toEqual([['usage', 900, 100, 'Discount 10%']]);
    // late usage: the period should now cost 1,200 × 0.01 less 10% = 10.80; a true-up of 1.80 without a discount of its own
    const late: UsageAggregate[] = [{ ...usage[0]!, quantity: '1200' }];
    const r2 = proposeLines({ subscriptions: [s], usage: late, existing: r.lines, targetDate: '2025-02-01' });
    expect(r2.lines.map((l) => [l.kind, l.amountMinor, l.discountMinor])).toEqual([['trueup', 180, undefined]]);
  });

  test('a discount given mid-period is a change of terms: prorated credit and charge; a 100% discount bills 0.00 with the whole discount', () => {
    const s = sub({ items: [item({ priceSchedule: flat('31') })], changes: [{ itemId: 'item-1', effectiveDate: '2025-01-11', discount: { percent: '100', reason: 'Service credit' } }] });
    const { runs } = runDates([s], ['2025-01-01', '2025-01-11', '2025-02-01']);
    expect(runs.map((r) => r.lines.map((l) => `${l.kind} ${l.periodStart} ${l.amountMinor} −${l.discountMinor ?? 0}`))).toEqual([
      ['charge 2025-01-01 3100 −0'],
      ['proration_credit 2025-01-11 -2100 −0', 'proration_charge 2025-01-11 0 −2100'],
      ['charge 2025-02-01 0 −3100'],
    ]);
  });

  test('a fixed amount off each period: whole periods, prorated with the line, never more than the line', () => {
    const d = { amount: '5', reason: null };
    // 31.00 a month, 5.00 off: a leading period of 17/31 days gets 17/31 of 5.00 off
    const s = sub({ startDate: '2025-03-15', items: [item({ priceSchedule: flat('31'), discount: d })] });
    const r = proposeLines({ subscriptions: [s], usage: [], existing: [], targetDate: '2025-04-01' });
    expect(r.lines.map((l) => [l.amountMinor, l.discountMinor, l.discountReason])).toEqual([[1426, 274, 'Discount 5.00 per period'], [2600, 500, 'Discount 5.00 per period']]);
    // an amount larger than the line takes the whole line, not more
    const big = sub({ items: [item({ priceSchedule: flat('3'), discount: { amount: '10', reason: 'Free month' } })] });
    expect(proposeLines({ subscriptions: [big], usage: [], existing: [], targetDate: '2025-01-01' }).lines.map((l) => [l.amountMinor, l.discountMinor])).toEqual([[0, 300]]);
    // switching from 20% to 5.00 off on day 11 of 31: credit 21/31 of the 20%-discounted price, charge 21/31 of (31 − 5)
    const sw = sub({ items: [item({ priceSchedule: flat('31'), discount: { percent: '20', reason: null } })], changes: [{ itemId: 'item-1', effectiveDate: '2025-01-11', discount: d }] });
    const { runs } = runDates([sw], ['2025-01-01', '2025-01-11']);
    expect(runs[1]!.lines.map((l) => [l.kind, l.amountMinor, l.discountMinor])).toEqual([['proration_credit', -1680, -420], ['proration_charge', 1761, 339]]);
  });

  test('ending the discount (null) from a period start bills the full price from then; the same percent again changes nothing', () => {
    const s = sub({
      items: [item({ priceSchedule: flat('30'), discount: { percent: '50', reason: null } })],
      changes: [{ itemId: 'item-1', effectiveDate: '2025-01-15', discount: { percent: '50', reason: 'Renamed' } }, { itemId: 'item-1', effectiveDate: '2025-02-01', discount: null }],
    });
    const r = proposeLines({ subscriptions: [s], usage: [], existing: [], targetDate: '2025-02-01' });
    expect(brief(r.lines)).toEqual(['charge 2025-01-01→2025-02-01 1500', 'charge 2025-02-01→2025-03-01 3000']);
    expect(r.lines[1]!.discountMinor).toBeUndefined();
  });
});
