/**
 * Billing periods: an interval of N months with an anchor day ("billing cycle day") and month-end clamping.
 *
 * - Periods are half-open [start, end) on UTC calendar dates.
 * - Boundaries are computed from the remembered anchor, never from the previous boundary: anchor 31 bills
 *   Jan 31, Feb 28 (Feb 29 in a leap year), Mar 31, Apr 30, May 31 … (the clamping is per period).
 * - Alignment when the start day is not the anchor day:
 *   - 'prorate' (default): a leading partial period [start, first anchor date on or after start); its
 *     proration denominator is the length of the whole period it belongs to, [previous anchor, first anchor).
 *   - 'full': the anchor becomes the start day, so the first period is a whole one.
 * - Periods for usage in arrears are the same periods; they are due when they end (see `periodsDue`).
 * Pure; no clock.
 */
import { addDays, clampedDate, dateParts, daysBetween, type IsoDate } from './dates';

export type Alignment = 'prorate' | 'full';
export type Timing = 'advance' | 'arrears';

export interface BillingSchedule {
  /** First billable day of the subscription (inclusive). */
  startDate: IsoDate;
  /** Day of month 1..31 on which periods start (clamped to the month's last day). */
  anchorDay: number;
  /** Period length in months (1 = monthly, 3 = quarterly, 12 = annual). */
  intervalMonths: number;
  alignment?: Alignment;
  /**
   * Switches of the billing interval (monthly → annual …), ascending: from `from` on, periods are `intervalMonths`
   * long, keeping the anchor day. `from` must be the start of a period of the schedule before it.
   */
  intervalChanges?: readonly IntervalChange[];
}

export interface IntervalChange {
  from: IsoDate;
  intervalMonths: number;
}

export interface BillingPeriod {
  /** 0-based position; 0 is the first period (the leading partial one when there is one). */
  index: number;
  start: IsoDate;
  /** Exclusive. */
  end: IsoDate;
  /** Days in [start, end). */
  days: number;
  /** Start of the whole period this one is part of (differs from `start` only for a leading partial period). */
  nominalStart: IsoDate;
  /** Days of the whole period: the proration denominator. */
  nominalDays: number;
  partial: boolean;
}

export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

/** A schedule with its boundaries precomputed; all lookups are O(1). */
export interface ResolvedSchedule {
  readonly schedule: Required<BillingSchedule>;
  /** The anchor day actually used (the start day under 'full' alignment). */
  readonly anchorDay: number;
  readonly hasLeadingPartial: boolean;
  /** Anchor boundary k (k = 0 is the first anchor date on or after the start; k may be negative). */
  boundary(k: number): IsoDate;
  periodAt(index: number): BillingPeriod;
  /** The period containing `date`, or null before the start date. */
  periodContaining(date: IsoDate): BillingPeriod | null;
}

export function resolveSchedule(schedule: BillingSchedule): ResolvedSchedule {
  const changes = schedule.intervalChanges ?? [];
  if (changes.length === 0) return resolveSimple(schedule);
  return resolveSegmented(schedule, changes);
}

/**
 * A schedule whose interval changes: segment 0 is the plain schedule up to the first change; segment j starts at
 * change j's date (a period boundary of segment j−1, period index `first`) and runs in steps of its interval from
 * there, on the same anchor day (clamped per month).
 */
function resolveSegmented(schedule: BillingSchedule, changes: readonly IntervalChange[]): ResolvedSchedule {
  const base = resolveSimple({ ...schedule, intervalChanges: [] });
  const anchorDay = base.anchorDay;
  const segs: Segment[] = [];
  let prev: ResolvedSchedule = base;
  for (const ch of [...changes].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))) {
    if (!Number.isInteger(ch.intervalMonths) || ch.intervalMonths < 1 || ch.intervalMonths > 120) {
      throw new ScheduleError(`intervalMonths must be an integer 1..120, got ${ch.intervalMonths}`);
    }
    const p = prev.periodContaining(ch.from);
    if (!p || p.start !== ch.from) throw new ScheduleError(`an interval change must start a billing period; ${ch.from} does not`);
    const [y, m] = dateParts(ch.from);
    segs.push({ from: ch.from, first: p.index, y, m, interval: ch.intervalMonths });
    prev = composite(base, segs, anchorDay);
  }
  return { ...prev, schedule: { ...base.schedule, intervalChanges: changes } };
}

/** A run of periods at one interval: from `from` (year y, month m; period index `first`) in steps of `interval` months. */
interface Segment {
  from: IsoDate;
  first: number;
  y: number;
  m: number;
  interval: number;
}

function composite(base: ResolvedSchedule, segs: readonly Segment[], anchorDay: number): ResolvedSchedule {
  const boundaryIn = (g: Segment, k: number): IsoDate => clampedDate(g.y, g.m, k * g.interval, anchorDay);
  const segmentOfIndex = (index: number) => {
    for (let j = segs.length - 1; j >= 0; j--) if (index >= segs[j]!.first) return segs[j]!;
    return null;
  };
  const periodAt = (index: number): BillingPeriod => {
    if (!Number.isInteger(index) || index < 0) throw new ScheduleError(`period index must be >= 0, got ${index}`);
    const g = segmentOfIndex(index);
    if (!g) return base.periodAt(index);
    const k = index - g.first;
    const start = boundaryIn(g, k);
    const end = boundaryIn(g, k + 1);
    const days = daysBetween(start, end);
    return { index, start, end, days, nominalStart: start, nominalDays: days, partial: false };
  };
  const periodContaining = (date: IsoDate): BillingPeriod | null => {
    let g: Segment | null = null;
    for (const s of segs) if (s.from <= date) g = s;
    if (!g) return base.periodContaining(date);
    const [y, m] = dateParts(date);
    let k = Math.floor(((y - g.y) * 12 + (m - g.m)) / g.interval);
    while (k > 0 && boundaryIn(g, k) > date) k--;
    while (boundaryIn(g, k + 1) <= date) k++;
    return periodAt(g.first + k);
  };
  return {
    schedule: base.schedule,
    anchorDay: base.anchorDay,
    hasLeadingPartial: base.hasLeadingPartial,
    // anchor boundaries of the initial interval (what `boundary` means for every schedule); the periods follow the switches
    boundary: base.boundary,
    periodAt,
    periodContaining,
  };
}

function resolveSimple(schedule: BillingSchedule): ResolvedSchedule {
  const alignment = schedule.alignment ?? 'prorate';
  const { startDate, intervalMonths } = schedule;
  const [sy, sm, sd] = dateParts(startDate);
  if (!Number.isInteger(intervalMonths) || intervalMonths < 1 || intervalMonths > 120) {
    throw new ScheduleError(`intervalMonths must be an integer 1..120, got ${intervalMonths}`);
  }
  if (alignment !== 'full' && (!Number.isInteger(schedule.anchorDay) || schedule.anchorDay < 1 || schedule.anchorDay > 31)) {
    throw new ScheduleError(`anchorDay must be an integer 1..31, got ${schedule.anchorDay}`);
  }
  const anchorDay = alignment === 'full' ? sd : schedule.anchorDay;
  // Month offset (from the start month) of boundary 0: the first anchor date on or after the start.
  const offset0 = clampedDate(sy, sm, 0, anchorDay) >= startDate ? 0 : 1;
  const boundary = (k: number): IsoDate => clampedDate(sy, sm, offset0 + k * intervalMonths, anchorDay);
  const b0 = boundary(0);
  const hasLeadingPartial = b0 > startDate;
  const shift = hasLeadingPartial ? 1 : 0;

  const periodAt = (index: number): BillingPeriod => {
    if (!Number.isInteger(index) || index < 0) throw new ScheduleError(`period index must be >= 0, got ${index}`);
    if (hasLeadingPartial && index === 0) {
      const nominalStart = boundary(-1);
      return { index, start: startDate, end: b0, days: daysBetween(startDate, b0), nominalStart, nominalDays: daysBetween(nominalStart, b0), partial: true };
    }
    const k = index - shift;
    const start = boundary(k);
    const end = boundary(k + 1);
    const days = daysBetween(start, end);
    return { index, start, end, days, nominalStart: start, nominalDays: days, partial: false };
  };

  const periodContaining = (date: IsoDate): BillingPeriod | null => {
    const [y, m] = dateParts(date);
    if (date < startDate) return null;
    if (hasLeadingPartial && date < b0) return periodAt(0);
    const months = (y - sy) * 12 + (m - sm) - offset0;
    let k = Math.floor(months / intervalMonths);
    while (boundary(k) > date) k--;
    while (boundary(k + 1) <= date) k++;
    return periodAt(k + shift);
  };

  return {
    schedule: { startDate, anchorDay: schedule.anchorDay, intervalMonths, alignment, intervalChanges: [] },
    anchorDay,
    hasLeadingPartial,
    boundary,
    periodAt,
    periodContaining,
  };
}

/** The billing period containing `date` (null before `startDate`). */
export function periodContaining(
  date: IsoDate,
  anchorDay: number,
  intervalMonths: number,
  startDate: IsoDate,
  alignment: Alignment = 'prorate',
): BillingPeriod | null {
  return resolveSchedule({ startDate, anchorDay, intervalMonths, alignment }).periodContaining(date);
}

/** `count` consecutive periods, beginning with the one containing `fromDate` (the first period if `fromDate` is before the start). */
export function nextPeriods(schedule: BillingSchedule, fromDate: IsoDate, count: number): BillingPeriod[] {
  const r = resolveSchedule(schedule);
  const first = r.periodContaining(fromDate)?.index ?? 0;
  const out: BillingPeriod[] = [];
  for (let i = 0; i < count; i++) out.push(r.periodAt(first + i));
  return out;
}

/** Every period intersecting [from, to) in order. */
export function periodsBetween(schedule: BillingSchedule, from: IsoDate, to: IsoDate): BillingPeriod[] {
  const r = resolveSchedule(schedule);
  const out: BillingPeriod[] = [];
  if (to <= from) return out;
  let i = r.periodContaining(from)?.index ?? 0;
  for (let p = r.periodAt(i); p.start < to; p = r.periodAt(++i)) out.push(p);
  return out;
}

/**
 * The periods due by `targetDate`: in advance a period is due on its start day (start ≤ target),
 * in arrears (usage, or recurring fees billed afterwards) on its end day (end ≤ target).
 * `endDate` (exclusive, e.g. a cancellation) stops the series; a period cut by it ends at `endDate`
 * (days = the cut length, nominalDays = the whole period, the proration denominator).
 */
export function periodsDue(schedule: BillingSchedule, targetDate: IsoDate, timing: Timing, endDate: IsoDate | null = null): BillingPeriod[] {
  const r = resolveSchedule(schedule);
  const out: BillingPeriod[] = [];
  for (let i = 0; ; i++) {
    const p = r.periodAt(i);
    if (endDate !== null && p.start >= endDate) break;
    const cut = endDate !== null && p.end > endDate ? { ...p, end: endDate, days: daysBetween(p.start, endDate), partial: true } : p;
    const due = timing === 'advance' ? cut.start : cut.end;
    if (due > targetDate) break;
    out.push(cut);
  }
  return out;
}

/** Days in the period [start, end). */
export const daysInPeriod = (p: { start: IsoDate; end: IsoDate }): number => daysBetween(p.start, p.end);

/** The last day inside a half-open period (end − 1 day), for display "01.03.–31.03.". */
export const lastDayOf = (p: { end: IsoDate }): IsoDate => addDays(p.end, -1);
