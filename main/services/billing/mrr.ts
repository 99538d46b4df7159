/**
 * reports.mrr: each subscription's MRR on the last day of every month of the window (see shared/domain/finance/mrr.ts
 * for the definition and the movements), from the same terms the billing run bills: the items, changes and discounts
 * in force that day, the prices (contract, catalog or locked) through the PriceResolver, the renewal uplift, the
 * billing interval of that day. Order-delivered items are charged by their orders and are not recurring fees here.
 */
import { addDays, type IsoDate, type SubscriptionSnapshot } from '../../../shared/domain/billing';
import { monthEnd, monthsBetween, prevMonth } from '../../../shared/domain/finance/deferred';
import { mrrMovements, type MrrMonth, type MrrSeries } from '../../../shared/domain/finance/mrr';
import { dec, toMinor } from '../../../shared/domain/money';
import { st, type Db } from './db';
import { periodAmount } from './generate';
import { baseStatusAt, intervalAt, loadStates, PriceResolver, termBoundary, toSnapshot, type SubState } from './state';
import { orderDeliveredItemIds } from '../orders/billing-link';
import { priceScheduleCache, type PriceScheduleCache } from '../pricebooks';

/** The snapshot MRR is computed from: the subscription's terms and prices, without items that orders deliver and charge. */
export function recurringSnapshot(db: Db, s: SubState, horizon: IsoDate, delivered: ReadonlySet<string>, cache?: PriceScheduleCache): SubscriptionSnapshot {
  const snap = toSnapshot(s, new PriceResolver(db, s, horizon, cache));
  return { ...snap, items: snap.items.filter((i) => !delivered.has(i.id)), changes: snap.changes.filter((c) => !delivered.has(c.itemId)) };
}

/** The subscription's MRR in minor units on `day` (0 when it bills nothing recurring that day). */
export function mrrOn(s: SubState, snap: SubscriptionSnapshot, day: IsoDate): number {
  const sub = s.sub;
  if (day < sub.start_date) return 0;
  if (baseStatusAt(s, day) !== 'active') return 0;
  let amount = periodAmount(snap, day);
  if (amount.isZero()) return 0;
  if (sub.term_end && sub.term_months && sub.auto_renew && dec(sub.renewal_uplift_pct || '0').gt(0)) {
    let renewals = 0;
    for (let j = 0; j < 10_000; j++) {
      const b = termBoundary(sub, j)!;
      if (b > day) break;
      if (b > sub.start_date) renewals++;
    }
    if (renewals) amount = amount.times(dec(sub.renewal_uplift_pct).div(100).plus(1).pow(renewals));
  }
  return toMinor(amount.div(intervalAt(sub, day)), sub.currency);
}

export interface MrrReport {
  fromMonth: string;
  toMonth: string;
  months: MrrMonth[];
}

/** Movements of the months fromMonth … toMonth (inclusive), per currency. */
export function mrrReport(db: Db, fromMonth: string, toMonth: string, o: { currency?: string } = {}): MrrReport {
  const months = monthsBetween(fromMonth, toMonth);
  const days = [monthEnd(prevMonth(fromMonth)), ...months.map(monthEnd)];
  const last = days.at(-1)!;
  const ids = (st(db, `SELECT id FROM subscriptions WHERE start_date <= ?${o.currency ? ' AND currency = ?' : ''} ORDER BY id`)
    .all(...(o.currency ? [last, o.currency] : [last])) as { id: string }[]).map((r) => r.id);
  const series: MrrSeries[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const batch = ids.slice(i, i + 500);
    const delivered = orderDeliveredItemIds(db, batch);
    const states = [...loadStates(db, batch).values()];
    const cache = priceScheduleCache(db, [...new Set(states.map((s) => s.sub.customer_id))]);
    for (const s of states) {
      const snap = recurringSnapshot(db, s, last, delivered, cache);
      const values = days.map((d) => mrrOn(s, snap, d));
      // had MRR before the window: its first paying day (after any trial) lies before the window's first day
      const firstPaid = s.sub.trial_end && s.sub.trial_end > s.sub.start_date ? s.sub.trial_end : s.sub.start_date;
      const paidBefore = firstPaid <= addDays(days[0]!, -1) && values[0] === 0 && everPaidBefore(s, snap, days[0]!);
      series.push({ subscriptionId: s.sub.id, customerId: s.sub.customer_id, currency: s.sub.currency, values, paidBefore });
    }
  }
  return { fromMonth, toMonth, months: mrrMovements(series, months) };
}

/** Whether the subscription had MRR on any month end before `day` (checked only for one at 0 on the window's first day). */
function everPaidBefore(s: SubState, snap: SubscriptionSnapshot, day: IsoDate): boolean {
  for (let m = prevMonth(day.slice(0, 7)); monthEnd(m) >= s.sub.start_date; m = prevMonth(m)) {
    if (mrrOn(s, snap, monthEnd(m)) > 0) return true;
  }
  return false;
}
