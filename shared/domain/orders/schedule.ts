/**
 * Delivery schedules: when a product subscription is delivered, independent of its billing cycle.
 *
 * - Every N days, every N weeks (on a fixed ISO weekday) or every N months (on a fixed day of month, clamped to the
 *   month's last day: day 31 delivers Jan 31, Feb 28 (29 in a leap year), Mar 31, Apr 30 …). Like billing periods,
 *   every date is computed from the anchor, never from the previous date, so a clamped February does not drift.
 * - The first delivery is the first matching date on or after `anchorDate`; deliveries stop before `endDate`.
 * - Each delivery has a release (cut-off) date `leadDays` before it: on that day the upcoming order becomes a
 *   released sales order with fixed prices. Up to then the occurrence is editable.
 * Pure; dates are ISO "YYYY-MM-DD" UTC calendar days (see ../billing/dates).
 */
import { addDays, clampedDate, dateParts, dayNumber, fromDayNumber, type IsoDate } from '../billing/dates';

export type DeliveryUnit = 'day' | 'week' | 'month';
export const DELIVERY_UNITS: readonly DeliveryUnit[] = ['day', 'week', 'month'];

export interface DeliverySchedule {
  unit: DeliveryUnit;
  /** Every N units: 1..366 days, 1..52 weeks, 1..24 months. */
  every: number;
  /** The first delivery is the first matching date on or after this day. */
  anchorDate: IsoDate;
  /** Weekly schedules: ISO weekday 1 (Monday) … 7 (Sunday); default the anchor's weekday. */
  weekday?: number | null;
  /** Monthly schedules: day of month 1..31 (clamped to the month's length); default the anchor's day. */
  dayOfMonth?: number | null;
  /** Release (cut-off) date = delivery date − leadDays. 0..90. */
  leadDays: number;
  /** Exclusive: no delivery on or after this day. */
  endDate?: IsoDate | null;
}

export interface Occurrence {
  /** 0-based position in the schedule (0 = the first delivery on or after the anchor). */
  index: number;
  deliveryDate: IsoDate;
  /** Cut-off: deliveryDate − leadDays. */
  releaseDate: IsoDate;
}

export interface ScheduleProblem {
  path: string;
  message: string;
}

const MAX_EVERY: Record<DeliveryUnit, number> = { day: 366, week: 52, month: 24 };

/** Problems with a schedule (empty when it is valid), each naming the offending field. */
export function scheduleProblems(s: DeliverySchedule): ScheduleProblem[] {
  const out: ScheduleProblem[] = [];
  if (!DELIVERY_UNITS.includes(s.unit)) out.push({ path: 'unit', message: `must be one of ${DELIVERY_UNITS.join(', ')}` });
  const max = MAX_EVERY[s.unit] ?? 1;
  if (!Number.isInteger(s.every) || s.every < 1 || s.every > max) out.push({ path: 'every', message: `must be a whole number 1..${max} for ${s.unit}s` });
  try {
    dateParts(s.anchorDate);
  } catch (e) {
    out.push({ path: 'anchorDate', message: (e as Error).message });
  }
  if (s.weekday != null) {
    if (s.unit !== 'week') out.push({ path: 'weekday', message: 'is only used by weekly schedules' });
    else if (!Number.isInteger(s.weekday) || s.weekday < 1 || s.weekday > 7) out.push({ path: 'weekday', message: 'must be 1 (Monday) … 7 (Sunday)' });
  }
  if (s.dayOfMonth != null) {
    if (s.unit !== 'month') out.push({ path: 'dayOfMonth', message: 'is only used by monthly schedules' });
    else if (!Number.isInteger(s.dayOfMonth) || s.dayOfMonth < 1 || s.dayOfMonth > 31) out.push({ path: 'dayOfMonth', message: 'must be 1..31 (clamped to the month end)' });
  }
  if (!Number.isInteger(s.leadDays) || s.leadDays < 0 || s.leadDays > 90) out.push({ path: 'leadDays', message: 'must be a whole number of days 0..90' });
  if (s.endDate != null) {
    try {
      dateParts(s.endDate);
      if (s.endDate <= s.anchorDate) out.push({ path: 'endDate', message: 'must be after the anchor date' });
    } catch (e) {
      out.push({ path: 'endDate', message: (e as Error).message });
    }
  }
  return out;
}

export class DeliveryScheduleError extends Error {
  override name = 'DeliveryScheduleError';
  constructor(public readonly problems: ScheduleProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  }
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: IsoDate): number {
  // 1970-01-01 (day 0) was a Thursday (4).
  return ((((dayNumber(date) + 3) % 7) + 7) % 7) + 1;
}

/** A schedule with its first delivery resolved; `dateAt(k)` is O(1). */
export interface ResolvedDeliverySchedule {
  readonly schedule: DeliverySchedule;
  /** Delivery k (k ≥ 0). Ignores endDate. */
  dateAt(k: number): IsoDate;
  /** Smallest k whose delivery is on or after `date` (0 before the first delivery). */
  indexOnOrAfter(date: IsoDate): number;
}

export function resolveDeliverySchedule(s: DeliverySchedule): ResolvedDeliverySchedule {
  const problems = scheduleProblems(s);
  if (problems.length) throw new DeliveryScheduleError(problems);
  if (s.unit === 'month') {
    const [y, m, d] = dateParts(s.anchorDate);
    const dom = s.dayOfMonth ?? d;
    const offset0 = clampedDate(y, m, 0, dom) >= s.anchorDate ? 0 : 1;
    const dateAt = (k: number): IsoDate => clampedDate(y, m, offset0 + k * s.every, dom);
    return {
      schedule: s,
      dateAt,
      indexOnOrAfter(date) {
        if (date <= dateAt(0)) return 0;
        const [dy, dm] = dateParts(date);
        let k = Math.max(0, Math.floor(((dy - y) * 12 + (dm - m) - offset0) / s.every));
        while (k > 0 && dateAt(k - 1) >= date) k--;
        while (dateAt(k) < date) k++;
        return k;
      },
    };
  }
  const step = s.unit === 'week' ? 7 * s.every : s.every;
  let first = dayNumber(s.anchorDate);
  if (s.unit === 'week' && s.weekday != null) first += (s.weekday - isoWeekday(s.anchorDate) + 7) % 7;
  return {
    schedule: s,
    dateAt: (k) => fromDayNumber(first + k * step),
    indexOnOrAfter(date) {
      const n = dayNumber(date) - first;
      return n <= 0 ? 0 : Math.ceil(n / step);
    },
  };
}

const occurrenceOf = (r: ResolvedDeliverySchedule, k: number): Occurrence => {
  const deliveryDate = r.dateAt(k);
  return { index: k, deliveryDate, releaseDate: addDays(deliveryDate, -r.schedule.leadDays) };
};

/** Deliveries with from ≤ deliveryDate < to (and before the schedule's endDate), in order. */
export function occurrencesBetween(s: DeliverySchedule, from: IsoDate, to: IsoDate): Occurrence[] {
  const r = resolveDeliverySchedule(s);
  const end = s.endDate != null && s.endDate < to ? s.endDate : to;
  const out: Occurrence[] = [];
  for (let k = r.indexOnOrAfter(from); ; k++) {
    const o = occurrenceOf(r, k);
    if (o.deliveryDate >= end) break;
    out.push(o);
  }
  return out;
}

/** The first delivery on or after `date`, or null when the schedule has ended by then. */
export function nextOccurrence(s: DeliverySchedule, date: IsoDate): Occurrence | null {
  const r = resolveDeliverySchedule(s);
  const o = occurrenceOf(r, r.indexOnOrAfter(date));
  return s.endDate != null && o.deliveryDate >= s.endDate ? null : o;
}

/**
 * The occurrences an order generator keeps as upcoming orders on `today`: every delivery after `after`
 * (the last delivery already generated; null = none yet, start at the anchor) up to and including
 * `today + horizonDays`. Deliveries whose release date already passed are included (they are released by the next
 * run, late): a clock that jumps never loses a delivery.
 */
export function occurrencesToGenerate(s: DeliverySchedule, args: { today: IsoDate; horizonDays: number; after: IsoDate | null }): Occurrence[] {
  const from = args.after === null ? s.anchorDate : addDays(args.after, 1);
  return occurrencesBetween(s, from, addDays(args.today, args.horizonDays + 1));
}

/** Delivery k's release date. */
export const releaseDateOf = (deliveryDate: IsoDate, leadDays: number): IsoDate => addDays(deliveryDate, -leadDays);

/** Human description, e.g. "every 2 weeks on Tuesday", "every month on day 31 (month end)". */
export function describeSchedule(s: DeliverySchedule): string {
  const names = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
  const unit = s.every === 1 ? s.unit : `${s.every} ${s.unit}s`;
  if (s.unit === 'week') return `every ${unit} on ${names[(s.weekday ?? isoWeekday(s.anchorDate)) - 1]}`;
  if (s.unit === 'month') {
    const dom = s.dayOfMonth ?? dateParts(s.anchorDate)[2];
    return `every ${unit} on day ${dom}${dom > 28 ? ' (or the month end)' : ''}`;
  }
  return `every ${unit}`;
}
