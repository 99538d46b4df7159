import { describe, expect, it } from 'vitest';
import {
  describeSchedule, isoWeekday, nextOccurrence, occurrencesBetween, occurrencesToGenerate, resolveDeliverySchedule, scheduleProblems,
  type DeliverySchedule,
} from '../../../shared/domain/orders';

const dates = (s: DeliverySchedule, from: string, to: string) => occurrencesBetween(s, from, to).map((o) => o.deliveryDate);

describe('delivery schedules', () => {
  it('knows ISO weekdays', () => {
    expect(isoWeekday('2026-03-02')).toBe(1); // Monday
    expect(isoWeekday('2026-03-08')).toBe(7); // Sunday
    expect(isoWeekday('1970-01-01')).toBe(4); // Thursday
    expect(isoWeekday('1969-12-29')).toBe(1);
  });

  it('every 2 weeks on Tuesday, release 5 days before', () => {
    const s: DeliverySchedule = { unit: 'week', every: 2, anchorDate: '2026-03-02', weekday: 2, leadDays: 5 };
    expect(occurrencesBetween(s, '2026-01-01', '2026-04-20')).toEqual([
      { index: 0, deliveryDate: '2026-03-03', releaseDate: '2026-02-26' },
      { index: 1, deliveryDate: '2026-03-17', releaseDate: '2026-03-12' },
      { index: 2, deliveryDate: '2026-03-31', releaseDate: '2026-03-26' },
      { index: 3, deliveryDate: '2026-04-14', releaseDate: '2026-04-09' },
    ]);
    expect(dates(s, '2026-03-18', '2026-04-15')).toEqual(['2026-03-31', '2026-04-14']);
    expect(describeSchedule(s)).toBe('every 2 weeks on Tuesday');
  });

  it('weekly without a weekday keeps the anchor weekday; the anchor itself is the first delivery', () => {
    const s: DeliverySchedule = { unit: 'week', every: 1, anchorDate: '2026-03-04', leadDays: 2 };
    expect(dates(s, '2026-03-04', '2026-03-26')).toEqual(['2026-03-04', '2026-03-11', '2026-03-18', '2026-03-25']);
  });

  it('every 10 days', () => {
    const s: DeliverySchedule = { unit: 'day', every: 10, anchorDate: '2026-03-01', leadDays: 3 };
    expect(dates(s, '2026-03-01', '2026-04-05')).toEqual(['2026-03-01', '2026-03-11', '2026-03-21', '2026-03-31']);
    expect(nextOccurrence(s, '2026-03-12')).toEqual({ index: 2, deliveryDate: '2026-03-21', releaseDate: '2026-03-18' });
  });

  it('monthly on day 31 clamps to the month end without drifting (leap year 2028)', () => {
    const s: DeliverySchedule = { unit: 'month', every: 1, anchorDate: '2026-01-15', dayOfMonth: 31, leadDays: 5 };
    expect(dates(s, '2026-01-01', '2026-06-01')).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31']);
    expect(dates(s, '2028-02-01', '2028-04-01')).toEqual(['2028-02-29', '2028-03-31']);
    expect(occurrencesBetween(s, '2026-03-01', '2026-03-02')).toEqual([]);
    expect(occurrencesBetween(s, '2026-03-01', '2026-04-01')[0]!.releaseDate).toBe('2026-03-26');
    expect(describeSchedule(s)).toBe('every month on day 31 (or the month end)');
  });

  it('every 2 months on day 30 starting after the anchor day', () => {
    const s: DeliverySchedule = { unit: 'month', every: 2, anchorDate: '2026-01-31', dayOfMonth: 30, leadDays: 0 };
    expect(dates(s, '2026-01-01', '2026-09-01')).toEqual(['2026-02-28', '2026-04-30', '2026-06-30', '2026-08-30']);
    expect(dates(s, '2026-05-01', '2026-09-01')).toEqual(['2026-06-30', '2026-08-30']);
    expect(resolveDeliverySchedule(s).indexOnOrAfter('2026-04-30')).toBe(1);
    expect(resolveDeliverySchedule(s).indexOnOrAfter('2026-05-01')).toBe(2);
  });

  it('stops before the end date', () => {
    const s: DeliverySchedule = { unit: 'week', every: 1, anchorDate: '2026-03-02', leadDays: 1, endDate: '2026-03-16' };
    expect(dates(s, '2026-01-01', '2027-01-01')).toEqual(['2026-03-02', '2026-03-09']);
    expect(nextOccurrence(s, '2026-03-10')).toBeNull();
  });

  it('generates ahead within the horizon and continues after the last generated delivery (no delivery lost when the clock jumps)', () => {
    const s: DeliverySchedule = { unit: 'week', every: 2, anchorDate: '2026-03-02', weekday: 2, leadDays: 5 };
    expect(occurrencesToGenerate(s, { today: '2026-03-01', horizonDays: 30, after: null }).map((o) => o.deliveryDate)).toEqual(['2026-03-03', '2026-03-17', '2026-03-31']);
    expect(occurrencesToGenerate(s, { today: '2026-05-01', horizonDays: 14, after: '2026-03-31' }).map((o) => o.deliveryDate)).toEqual(['2026-04-14', '2026-04-28', '2026-05-12']);
    expect(occurrencesToGenerate(s, { today: '2026-03-01', horizonDays: 30, after: '2026-03-31' })).toEqual([]);
  });

  it('names every problem of a bad schedule', () => {
    expect(scheduleProblems({ unit: 'week', every: 0, anchorDate: '2026-02-30', weekday: 8, leadDays: -1 })).toEqual([
      { path: 'every', message: 'must be a whole number 1..52 for weeks' },
      { path: 'anchorDate', message: '"2026-02-30" is not a valid calendar date' },
      { path: 'weekday', message: 'must be 1 (Monday) … 7 (Sunday)' },
      { path: 'leadDays', message: 'must be a whole number of days 0..90' },
    ]);
    expect(scheduleProblems({ unit: 'day', every: 3, anchorDate: '2026-03-01', dayOfMonth: 3, leadDays: 2 })).toEqual([{ path: 'dayOfMonth', message: 'is only used by monthly schedules' }]);
    expect(() => occurrencesBetween({ unit: 'month', every: 30, anchorDate: '2026-03-01', leadDays: 2 }, '2026-03-01', '2027-01-01')).toThrow('every: must be a whole number 1..24 for months');
  });
});
