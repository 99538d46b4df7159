/** Display formatting. Amounts stay decimal strings: never converted to floating point. */
import { formatMinor, minorUnits } from '../../../shared/domain/money';

/** "1234.5" in EUR → "1,234.50"; extra precision is kept ("0.0006" → "0.0006"). */
export function formatDecimal(amount: string, currency: string): string {
  const s = amount.trim();
  if (!/^-?\d+(\.\d+)?$/.test(s)) return s;
  const neg = s.startsWith('-');
  const [int, frac = ''] = (neg ? s.slice(1) : s).split('.');
  const digits = minorUnits(currency);
  const fraction = frac.length >= digits ? frac.replace(/0+$/, '').padEnd(digits, '0') : frac.padEnd(digits, '0');
  const grouped = int.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${grouped}${fraction ? '.' + fraction : ''}`;
}

export const formatMoney = (amount: string, currency: string): string => `${currency} ${formatDecimal(amount, currency)}`;

/** ISO date-time → "2026-03-01 09:00" in local time. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export const formatDate = (iso: string): string => formatDateTime(iso).slice(0, 10);

/** Integer minor units → "EUR 1,234.50" (negative amounts keep their sign). */
export const formatMinorMoney = (minor: number, currency: string): string => formatMoney(formatMinor(minor, currency), currency);
/** Integer minor units → "1,234.50" without the currency code (for columns that show it once). */
export const formatMinorAmount = (minor: number, currency: string): string => formatDecimal(formatMinor(minor, currency), currency);

/** The day before an ISO date (YYYY-MM-DD): the last day of a period whose end is exclusive. */
export function dayBefore(iso: string): string {
  const t = Date.parse(iso + 'T00:00:00Z');
  if (Number.isNaN(t)) return iso;
  return new Date(t - 86_400_000).toISOString().slice(0, 10);
}

/** A service period with an exclusive end → "2027-01-15 – 2027-02-14". */
export const formatPeriod = (start: string | null | undefined, endExclusive: string | null | undefined): string =>
  start && endExclusive ? `${start} – ${dayBefore(endExclusive)}` : start ? `from ${start}` : '—';

/** "0.5" → "50%", "1" → "100%", "0.3333…" → "33.33%". */
export function formatFraction(f: string): string {
  const n = Number(f);
  if (!Number.isFinite(n)) return f;
  return `${Math.round(n * 10000) / 100}%`;
}

/** A quantity as typed, grouped: "1500" → "1,500", "2.50" → "2.5". */
export function formatQuantity(q: string): string {
  const s = q.trim();
  if (!/^-?\d+(\.\d+)?$/.test(s)) return s;
  const [int, frac = ''] = s.split('.');
  const f = frac.replace(/0+$/, '');
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (f ? '.' + f : '');
}
