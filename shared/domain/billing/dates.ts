/**
 * Calendar arithmetic on ISO dates "YYYY-MM-DD" (UTC calendar days) and ISO date-times.
 * Pure: works on strings and Date.UTC day numbers only, never on local time or the current clock.
 */

export type IsoDate = string;

const MS_PER_DAY = 86_400_000;
export const SECONDS_PER_DAY = 86_400;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export class DateError extends Error {
  override name = 'DateError';
}

/**
 * Memos of the pure conversions below: a billing run converts the same few hundred dates millions of times. Bounded
 * (cleared when full), so a long-running process keeps them small.
 */
const MEMO_MAX = 20_000;
const partsMemo = new Map<string, readonly [number, number, number]>();
const dayMemo = new Map<string, number>();
const fromDayMemo = new Map<number, IsoDate>();
function remember<K, V>(m: Map<K, V>, k: K, v: V): V {
  if (m.size >= MEMO_MAX) m.clear();
  m.set(k, v);
  return v;
}

/** Splits a date into [year, month 1..12, day]; throws on a malformed or impossible date. */
export function dateParts(date: IsoDate): [number, number, number] {
  const hit = partsMemo.get(date);
  if (hit) return [hit[0], hit[1], hit[2]];
  const parts = parseParts(date);
  remember(partsMemo, date, parts);
  return [parts[0], parts[1], parts[2]];
}

function parseParts(date: IsoDate): [number, number, number] {
  const m = DATE_RE.exec(date);
  if (!m) throw new DateError(`"${date}" is not a date YYYY-MM-DD`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) throw new DateError(`"${date}" is not a valid calendar date`);
  return [y, mo, d];
}

export const isIsoDate = (s: string): boolean => {
  try {
    dateParts(s);
    return true;
  } catch {
    return false;
  }
};

export const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Days in month `month` (1..12) of `year`. */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1]!;
}

/** Days since 1970-01-01 (UTC). */
export function dayNumber(date: IsoDate): number {
  const hit = dayMemo.get(date);
  if (hit !== undefined) return hit;
  const [y, m, d] = dateParts(date);
  return remember(dayMemo, date, Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

export function fromDayNumber(n: number): IsoDate {
  const hit = fromDayMemo.get(n);
  if (hit !== undefined) return hit;
  const dt = new Date(n * MS_PER_DAY);
  return remember(fromDayMemo, n, ymd(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate()));
}

export function ymd(y: number, m: number, d: number): IsoDate {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export const addDays = (date: IsoDate, n: number): IsoDate => fromDayNumber(dayNumber(date) + n);

/** Number of days from `a` to `b` (b − a); the length of the half-open period [a, b). */
export const daysBetween = (a: IsoDate, b: IsoDate): number => dayNumber(b) - dayNumber(a);

/**
 * The date in month (year, month + monthOffset) with day `anchorDay` clamped to the month's length:
 * anchor 31 gives Feb 28 (29 in a leap year), Mar 31, Apr 30. `month` is 1..12; the offset may be any integer.
 */
export function clampedDate(year: number, month: number, monthOffset: number, anchorDay: number): IsoDate {
  const idx = year * 12 + (month - 1) + monthOffset;
  const y = Math.floor(idx / 12);
  const m = idx - y * 12 + 1;
  return ymd(y, m, Math.min(anchorDay, daysInMonth(y, m)));
}

/** `date` plus `months` months, keeping `anchorDay` (default: the day of `date`) and clamping to month end. */
export function addMonthsClamped(date: IsoDate, months: number, anchorDay?: number): IsoDate {
  const [y, m, d] = dateParts(date);
  return clampedDate(y, m, months, anchorDay ?? d);
}

export const minDate = (a: IsoDate, b: IsoDate): IsoDate => (a <= b ? a : b);
export const maxDate = (a: IsoDate, b: IsoDate): IsoDate => (a >= b ? a : b);

/**
 * Seconds since the epoch for a date ("YYYY-MM-DD" = its midnight UTC) or an ISO date-time with offset
 * ("2025-03-10T12:00:00Z", "2025-03-10T14:00:00+02:00").
 */
export function epochSeconds(dateOrDateTime: string): number {
  const day = dayMemo.get(dateOrDateTime);
  if (day !== undefined) return day * SECONDS_PER_DAY;
  if (DATE_RE.test(dateOrDateTime)) return dayNumber(dateOrDateTime) * SECONDS_PER_DAY;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(dateOrDateTime)) {
    throw new DateError(`"${dateOrDateTime}" is not an ISO date-time with offset`);
  }
  const ms = Date.parse(dateOrDateTime);
  if (Number.isNaN(ms)) throw new DateError(`"${dateOrDateTime}" is not a valid date-time`);
  return Math.floor(ms / 1000);
}

/** The UTC calendar date of an ISO date-time (or the date itself). */
export function utcDateOf(dateOrDateTime: string): IsoDate {
  if (DATE_RE.test(dateOrDateTime)) return dateOrDateTime;
  return fromDayNumber(Math.floor(epochSeconds(dateOrDateTime) / SECONDS_PER_DAY));
}
