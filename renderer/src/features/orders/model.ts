/** Orders: types, status labels and colours, and small date helpers for the delivery calendar. */
import type { OpOutput } from '../../../../shared/api/index';
import type { Tone } from '../../components/StatusChip';

export type Location = OpOutput<'locations.get'>;
export type Schedule = OpOutput<'orderSchedules.get'>;
export type OrderSummary = OpOutput<'orders.list'>['items'][number];
export type Order = OpOutput<'orders.get'>;
export type OrderLine = Order['lines'][number];
export type Calendar = OpOutput<'orders.calendar'>;
export type CalendarEntry = Calendar['days'][number]['entries'][number];
export type OrderStatus = OrderSummary['status'];

export const ORDER_STATUS: Record<OrderStatus | 'projected', { label: string; tone: Tone; color: string }> = {
  projected: { label: 'Planned', tone: 'grey', color: '#cbd5e1' },
  upcoming: { label: 'Upcoming', tone: 'blue', color: '#4f7df3' },
  skipped: { label: 'Skipped', tone: 'grey', color: '#9ca3af' },
  released: { label: 'Released', tone: 'violet', color: '#7c3aed' },
  confirmed: { label: 'Confirmed', tone: 'violet', color: '#6d28d9' },
  partially_shipped: { label: 'Part shipped', tone: 'amber', color: '#d97706' },
  shipped: { label: 'Shipped', tone: 'green', color: '#16a34a' },
  invoiced: { label: 'Invoiced', tone: 'green', color: '#15803d' },
  canceled: { label: 'Canceled', tone: 'red', color: '#dc2626' },
};

export const INVOICING_LABELS: Record<string, string> = { per_delivery: 'Invoice each delivery', billing_cycle: 'With the billing cycle', on_shipment: 'When shipped' };

const DAY = 86_400_000;
export const parseDay = (iso: string): number => Date.parse(iso + 'T00:00:00Z');
export const isoDay = (t: number): string => new Date(t).toISOString().slice(0, 10);
export const addDays = (iso: string, n: number): string => isoDay(parseDay(iso) + n * DAY);
/** First day of the month of `iso`, shifted by `months`. */
export const monthStart = (iso: string, months = 0): string => {
  const [y, m] = iso.split('-').map(Number) as [number, number];
  return isoDay(Date.UTC(y, m - 1 + months, 1));
};
export const monthEnd = (iso: string): string => addDays(monthStart(iso, 1), -1);
export const weekdayShort = (iso: string): string => ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][new Date(parseDay(iso)).getUTCDay()]!;
export const monthTitle = (iso: string): string => new Date(parseDay(iso)).toLocaleString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });
export const WEEKDAYS = [
  { value: '1', label: 'Monday' }, { value: '2', label: 'Tuesday' }, { value: '3', label: 'Wednesday' }, { value: '4', label: 'Thursday' },
  { value: '5', label: 'Friday' }, { value: '6', label: 'Saturday' }, { value: '7', label: 'Sunday' },
];

export const addressLine = (l: Pick<Location, 'line1' | 'line2' | 'postalCode' | 'city' | 'country'>): string =>
  [l.line1, l.line2, [l.postalCode, l.city].filter(Boolean).join(' '), l.country].filter(Boolean).join(', ');
