/** Display formatting. Amounts stay decimal strings: never converted to floating point. */
import { minorUnits } from '../../../shared/domain/money';

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
