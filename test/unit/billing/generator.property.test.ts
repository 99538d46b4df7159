/**
 * Property tests: for random schedules and random run dates, the billed service periods of an active
 * subscription tile the time line — no overlaps and no gaps — and many small runs equal one big run.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { addDays, daysBetween, proposeLines, type ProposedLine, type SubscriptionSnapshot } from '../../../shared/domain/billing';
import { flat, item, perUnit, runDates, sub } from './helpers';

const dateArb = (from: string, days: number) => fc.integer({ min: 0, max: days }).map((n) => addDays(from, n));

const scheduleArb = fc.record({
  startDate: dateArb('2024-01-01', 6 * 365),
  anchorDay: fc.integer({ min: 1, max: 31 }),
  intervalMonths: fc.constantFrom(1, 1, 2, 3, 6, 12),
  alignment: fc.constantFrom('prorate' as const, 'full' as const),
  timing: fc.constantFrom('advance' as const, 'arrears' as const),
  price: fc.integer({ min: 1, max: 100_000 }).map((c) => (c / 100).toFixed(2)),
  steps: fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 1, maxLength: 25 }),
});

function charges(lines: readonly ProposedLine[]) {
  return lines.filter((l) => l.kind === 'charge').sort((a, b) => a.periodStart.localeCompare(b.periodStart));
}

describe('billed periods tile the time line', () => {
  test('no overlaps, no gaps, every day up to the target billed exactly once', () => {
    fc.assert(
      fc.property(scheduleArb, (g) => {
        const s = sub({
          startDate: g.startDate,
          anchorDay: g.anchorDay,
          intervalMonths: g.intervalMonths,
          alignment: g.alignment,
          items: [item({ timing: g.timing, priceSchedule: flat(g.price) })],
        });
        const dates: string[] = [];
        let d = g.startDate;
        for (const step of g.steps) dates.push((d = addDays(d, step)));
        const { all, runs } = runDates([s], dates);
        const target = dates.at(-1)!;
        const cs = charges(all);
        expect(cs.length).toBe(all.length); // only charges for a plain active subscription
        if (cs.length) expect(cs[0]!.periodStart).toBe(g.startDate);
        for (let i = 1; i < cs.length; i++) expect(cs[i]!.periodStart).toBe(cs[i - 1]!.periodEnd);
        const covered = cs.reduce((a, l) => a + daysBetween(l.periodStart, l.periodEnd), 0);
        if (cs.length) expect(covered).toBe(daysBetween(g.startDate, cs.at(-1)!.periodEnd));
        const next = runs.at(-1)!.nextDate!;
        if (g.timing === 'advance') {
          // billed through the period containing the target; the next one starts at nextDate
          expect(cs.at(-1)!.periodEnd > target).toBe(true);
          expect(next).toBe(cs.at(-1)!.periodEnd);
        } else {
          // billed through the last period ended by the target; the next one ends at nextDate
          if (cs.length) expect(cs.at(-1)!.periodEnd <= target).toBe(true);
          expect(next > target).toBe(true);
          expect(cs.length === 0 ? g.startDate : cs.at(-1)!.periodEnd <= target).toBeTruthy();
        }
        // whole periods cost exactly the price; only the first may be partial
        for (const l of cs.slice(1)) expect(l.amountPrecise).toBe(String(Number(g.price)));
      }),
      { numRuns: 150 },
    );
  });

  test('with random seat changes and pauses: many small runs = one big run, and charges never overlap', () => {
    const arb = fc.record({
      base: scheduleArb,
      changes: fc.array(fc.record({ offset: fc.integer({ min: 1, max: 500 }), qty: fc.integer({ min: 0, max: 20 }) }), { maxLength: 4 }),
      pauses: fc.array(fc.record({ offset: fc.integer({ min: 0, max: 500 }), len: fc.integer({ min: 1, max: 90 }) }), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(arb, ({ base: g, changes, pauses }) => {
        // non-overlapping pauses in order
        const ps: SubscriptionSnapshot['pauses'][number][] = [];
        let cursor = g.startDate;
        for (const p of [...pauses].sort((a, b) => a.offset - b.offset)) {
          const from = addDays(g.startDate, p.offset);
          if (from < cursor) continue;
          ps.push({ from, until: addDays(from, p.len) });
          cursor = addDays(from, p.len);
        }
        const s = sub({
          startDate: g.startDate,
          anchorDay: g.anchorDay,
          intervalMonths: g.intervalMonths,
          alignment: g.alignment,
          pauses: ps,
          items: [item({ timing: g.timing, quantity: '3', priceSchedule: perUnit(g.price) })],
          changes: changes.map((c) => ({ itemId: 'item-1', effectiveDate: addDays(g.startDate, c.offset), quantity: String(c.qty) })),
        });
        const dates: string[] = [];
        let d = g.startDate;
        for (const step of g.steps) dates.push((d = addDays(d, step)));
        const { all } = runDates([s], dates);
        const big = proposeLines({ subscriptions: [s], usage: [], existing: [], targetDate: dates.at(-1)! });
        expect(all.map((l) => l.key).sort()).toEqual(big.lines.map((l) => l.key).sort());
        expect(all.reduce((a, l) => a + l.amountMinor, 0)).toBe(big.lines.reduce((a, l) => a + l.amountMinor, 0));
        const cs = charges(all);
        for (let i = 1; i < cs.length; i++) expect(cs[i]!.periodStart >= cs[i - 1]!.periodEnd).toBe(true);
        // no charge covers a paused day at its edges
        for (const l of cs) for (const p of ps) expect(l.periodStart >= p.from && l.periodStart < p.until!).toBe(false);
      }),
      { numRuns: 150 },
    );
  });
});

describe('late knowledge is repaired, never edited', () => {
  test('pauses and a prorated cancellation entered on their day bill the same net total as one run knowing it all', () => {
    const arb = fc.record({
      base: scheduleArb,
      pause: fc.option(fc.record({ offset: fc.integer({ min: 0, max: 400 }), len: fc.integer({ min: 1, max: 120 }) })),
      cancelOffset: fc.option(fc.integer({ min: 1, max: 600 })),
    });
    fc.assert(
      fc.property(arb, ({ base: g, pause, cancelOffset }) => {
        const pFrom = pause ? addDays(g.startDate, pause.offset) : null;
        const pUntil = pause ? addDays(pFrom!, pause.len) : null;
        const cancelAt = cancelOffset === null ? null : addDays(g.startDate, cancelOffset);
        const snapshot = (date: string): SubscriptionSnapshot =>
          sub({
            startDate: g.startDate,
            anchorDay: g.anchorDay,
            intervalMonths: g.intervalMonths,
            alignment: g.alignment,
            items: [item({ timing: g.timing, priceSchedule: flat(g.price) })],
            // what the service knows on `date`: the pause from its first day, the resume from the resume day
            pauses: pFrom && date >= pFrom ? [{ from: pFrom, until: date >= pUntil! ? pUntil : null }] : [],
            cancelAt: cancelAt && date >= cancelAt ? cancelAt : null,
            cancelCredit: 'prorated',
          });
        const dates: string[] = [];
        let d = g.startDate;
        for (const step of g.steps) dates.push((d = addDays(d, step)));
        for (const extra of [pFrom, pUntil, cancelAt]) if (extra && extra < dates.at(-1)!) dates.push(extra);
        dates.sort();
        const { all } = runDates((date) => [snapshot(date)], [...new Set(dates)]);
        const target = dates.at(-1)!;
        const clairvoyant = proposeLines({ subscriptions: [snapshot(target)], usage: [], existing: [], targetDate: target });
        const sum = (ls: readonly ProposedLine[]) => ls.reduce((a, l) => a + l.amountMinor, 0);
        expect(sum(all)).toBe(sum(clairvoyant.lines));
        for (const l of all) if (l.kind === 'credit') expect(l.amountMinor).toBeLessThan(0);
      }),
      { numRuns: 200 },
    );
  });
});
