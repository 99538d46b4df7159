import { describe, expect, it, test } from 'vitest';
import {
  addMonthsClamped,
  daysBetween,
  isLeapYear,
  nextPeriods,
  periodContaining,
  periodsBetween,
  periodsDue,
  resolveSchedule,
} from '../../../shared/domain/billing';

const span = (p: { start: string; end: string; days: number }) => `${p.start}→${p.end} ${p.days}`;

describe('calendar helpers', () => {
  test('leap years and clamped month arithmetic', () => {
    expect([2024, 2027, 2028, 2100, 2000].map(isLeapYear)).toEqual([true, false, true, false, true]);
    expect(addMonthsClamped('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonthsClamped('2027-01-31', 1)).toBe('2027-02-28');
    // the anchor is remembered: Feb 28 + 1 month with anchor 31 is Mar 31, not Mar 28
    expect(addMonthsClamped('2027-02-28', 1, 31)).toBe('2027-03-31');
    expect(addMonthsClamped('2025-11-30', 3, 31)).toBe('2026-02-28');
    expect(daysBetween('2028-02-01', '2028-03-01')).toBe(29);
    expect(daysBetween('2027-02-01', '2027-03-01')).toBe(28);
  });
});

describe('monthly periods with anchor 31 (month-end clamping per period)', () => {
  test('leap year 2028: Jan 31 → Feb 29 → Mar 31 → Apr 30', () => {
    const ps = nextPeriods({ startDate: '2028-01-31', anchorDay: 31, intervalMonths: 1 }, '2028-01-31', 5);
    expect(ps.map(span)).toEqual([
      '2028-01-31→2028-02-29 29',
      '2028-02-29→2028-03-31 31',
      '2028-03-31→2028-04-30 30',
      '2028-04-30→2028-05-31 31',
      '2028-05-31→2028-06-30 30',
    ]);
  });
  test('non-leap year 2027: Feb 28, and the anchor comes back to 31 in March', () => {
    const ps = nextPeriods({ startDate: '2027-01-31', anchorDay: 31, intervalMonths: 1 }, '2027-02-15', 3);
    expect(ps.map(span)).toEqual(['2027-01-31→2027-02-28 28', '2027-02-28→2027-03-31 31', '2027-03-31→2027-04-30 30']);
    expect(ps[0]!.index).toBe(0);
  });
  test('periodContaining on and around the clamped boundary', () => {
    expect(span(periodContaining('2028-02-28', 31, 1, '2028-01-31')!)).toBe('2028-01-31→2028-02-29 29');
    expect(span(periodContaining('2028-02-29', 31, 1, '2028-01-31')!)).toBe('2028-02-29→2028-03-31 31');
    expect(span(periodContaining('2029-03-30', 31, 1, '2028-01-31')!)).toBe('2029-02-28→2029-03-31 31');
    expect(periodContaining('2028-01-30', 31, 1, '2028-01-31')).toBeNull();
  });
  test('30 periods in a row tile without gaps', () => {
    const ps = nextPeriods({ startDate: '2027-01-31', anchorDay: 31, intervalMonths: 1 }, '2027-01-31', 30);
    for (let i = 1; i < ps.length; i++) expect(ps[i]!.start).toBe(ps[i - 1]!.end);
    expect(ps.reduce((a, p) => a + p.days, 0)).toBe(daysBetween('2027-01-31', ps[29]!.end));
    expect(ps[29]!.end).toBe('2029-07-31');
  });
});

describe('leading partial period', () => {
  test("'prorate': start Mar 15, anchor 1 → [Mar 15, Apr 1) of a 31-day whole period", () => {
    const r = resolveSchedule({ startDate: '2025-03-15', anchorDay: 1, intervalMonths: 1 });
    expect(r.hasLeadingPartial).toBe(true);
    expect(r.periodAt(0)).toEqual({
      index: 0, start: '2025-03-15', end: '2025-04-01', days: 17, nominalStart: '2025-03-01', nominalDays: 31, partial: true,
    });
    expect(span(r.periodAt(1))).toBe('2025-04-01→2025-05-01 30');
  });
  test("'prorate' with anchor 31 started Feb 10 2025: partial up to Feb 28 (whole period Jan 31 → Feb 28)", () => {
    const p = resolveSchedule({ startDate: '2025-02-10', anchorDay: 31, intervalMonths: 1 }).periodAt(0);
    expect([p.start, p.end, p.days, p.nominalStart, p.nominalDays]).toEqual(['2025-02-10', '2025-02-28', 18, '2025-01-31', 28]);
  });
  test("'full': the anchor becomes the start day", () => {
    const ps = nextPeriods({ startDate: '2025-03-15', anchorDay: 1, intervalMonths: 1, alignment: 'full' }, '2025-03-15', 2);
    expect(ps.map(span)).toEqual(['2025-03-15→2025-04-15 31', '2025-04-15→2025-05-15 30']);
    expect(ps[0]!.partial).toBe(false);
  });
  test('annual with prorate: partial to the next anchor date, whole year denominator', () => {
    const r = resolveSchedule({ startDate: '2025-03-15', anchorDay: 1, intervalMonths: 12 });
    expect([r.periodAt(0).days, r.periodAt(0).nominalDays, r.periodAt(0).nominalStart]).toEqual([17, 365, '2024-04-01']);
    expect(span(r.periodAt(1))).toBe('2025-04-01→2026-04-01 365');
  });
});

describe('longer intervals', () => {
  test('annual from Feb 29 2028: Feb 28 in non-leap years, Feb 29 again in 2032', () => {
    const ps = nextPeriods({ startDate: '2028-02-29', anchorDay: 29, intervalMonths: 12, alignment: 'full' }, '2028-03-01', 4);
    expect(ps.map(span)).toEqual([
      '2028-02-29→2029-02-28 365',
      '2029-02-28→2030-02-28 365',
      '2030-02-28→2031-02-28 365',
      '2031-02-28→2032-02-29 366',
    ]);
  });
  test('quarterly with anchor 31', () => {
    const ps = nextPeriods({ startDate: '2025-01-31', anchorDay: 31, intervalMonths: 3 }, '2025-01-31', 4);
    expect(ps.map((p) => p.end)).toEqual(['2025-04-30', '2025-07-31', '2025-10-31', '2026-01-31']);
  });
  test('periodsBetween returns every period intersecting the range', () => {
    const ps = periodsBetween({ startDate: '2025-01-01', anchorDay: 1, intervalMonths: 1 }, '2025-02-15', '2025-04-01');
    expect(ps.map((p) => p.start)).toEqual(['2025-02-01', '2025-03-01']);
  });
});

describe('periods due (advance vs arrears)', () => {
  const s = { startDate: '2025-01-01', anchorDay: 1, intervalMonths: 1 };
  test('advance: due on the start day; arrears: due on the end day', () => {
    expect(periodsDue(s, '2025-03-01', 'advance').map((p) => p.start)).toEqual(['2025-01-01', '2025-02-01', '2025-03-01']);
    expect(periodsDue(s, '2025-03-01', 'arrears').map((p) => p.end)).toEqual(['2025-02-01', '2025-03-01']);
    expect(periodsDue(s, '2025-02-28', 'arrears').map((p) => p.end)).toEqual(['2025-02-01']);
  });
  test('an end date cuts the last period (denominator stays the whole period)', () => {
    const ps = periodsDue(s, '2025-12-31', 'arrears', '2025-03-11');
    expect(ps.map(span)).toEqual(['2025-01-01→2025-02-01 31', '2025-02-01→2025-03-01 28', '2025-03-01→2025-03-11 10']);
    expect(ps[2]!.nominalDays).toBe(31);
  });
});

describe('interval switches (monthly → yearly …)', () => {
  const sched = resolveSchedule({ startDate: '2026-01-15', anchorDay: 31, intervalMonths: 1, intervalChanges: [{ from: '2026-04-30', intervalMonths: 12 }] });
  const view = (p: { start: string; end: string; days: number; partial: boolean }) => `${p.start}→${p.end} ${p.days}${p.partial ? ' partial' : ''}`;

  it('runs monthly (anchor 31, clamped) up to the switch, then in whole years from it on the same anchor', () => {
    expect([0, 1, 2, 3, 4, 5].map((i) => view(sched.periodAt(i)))).toEqual([
      '2026-01-15→2026-01-31 16 partial', '2026-01-31→2026-02-28 28', '2026-02-28→2026-03-31 31', '2026-03-31→2026-04-30 30',
      '2026-04-30→2027-04-30 365', '2027-04-30→2028-04-30 366',
    ]);
  });

  it('finds the period containing a date on either side of the switch', () => {
    expect(['2026-04-29', '2026-04-30', '2027-04-29', '2027-04-30', '2028-05-01'].map((d) => sched.periodContaining(d)!.index)).toEqual([3, 4, 4, 5, 6]);
  });

  it('switches back, and refuses a switch that does not start a period', () => {
    const back = resolveSchedule({ startDate: '2026-01-01', anchorDay: 1, intervalMonths: 1, intervalChanges: [{ from: '2026-03-01', intervalMonths: 12 }, { from: '2028-03-01', intervalMonths: 3 }] });
    expect([1, 2, 3, 4, 5].map((i) => view(back.periodAt(i)))).toEqual([
      '2026-02-01→2026-03-01 28', '2026-03-01→2027-03-01 365', '2027-03-01→2028-03-01 366', '2028-03-01→2028-06-01 92', '2028-06-01→2028-09-01 92',
    ]);
    expect(() => resolveSchedule({ startDate: '2026-01-01', anchorDay: 1, intervalMonths: 1, intervalChanges: [{ from: '2026-03-15', intervalMonths: 12 }] }))
      .toThrow(/must start a billing period; 2026-03-15/);
  });
});
