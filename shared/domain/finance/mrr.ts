/**
 * MRR movements (pure). A subscription's MRR on a day is the monthly value of its recurring fees in force that day —
 * net of item discounts, with the renewal uplift, a period's price divided by its months (an annual 1,200.00 is
 * 100.00) — and 0 while it is in trial, paused, canceled, expired or not started; usage is not recurring revenue.
 * The service computes it on the last day of each month; this module turns those values into the month's movements,
 * per currency (amounts in different currencies are never added):
 *
 *   start + new + expansion + reactivation − contraction − churn = end
 *
 * - new: 0 → > 0 for a subscription that never had MRR before (a trial converting counts here);
 * - reactivation: 0 → > 0 for one that had MRR before (a pause ending, a reactivated cancellation);
 * - expansion / contraction: > 0 → more / less (quantity, plan, discount, price, uplift);
 * - churn: > 0 → 0 (canceled, expired, paused).
 * Customers: with MRR > 0 at the start / end of the month, new (0 → > 0) and churned (> 0 → 0) per currency;
 * logo churn = churned / customers at the start; revenue churn = (churn + contraction) / start MRR; net revenue
 * retention = (start + expansion + reactivation − contraction − churn of the customers at the start) / start.
 */
import { Decimal } from '../money';

export interface MrrSeries {
  subscriptionId: string;
  customerId: string;
  currency: string;
  /** MRR in minor units on the last day of the month before the first month, then on the last day of each month. */
  values: readonly number[];
  /** The subscription had MRR before the last day of the month before the first month (a 0 → > 0 is then a reactivation). */
  paidBefore: boolean;
}

export interface MrrMonth {
  month: string;
  currency: string;
  startMinor: number;
  newMinor: number;
  expansionMinor: number;
  reactivationMinor: number;
  contractionMinor: number;
  churnMinor: number;
  endMinor: number;
  customersStart: number;
  customersEnd: number;
  newCustomers: number;
  churnedCustomers: number;
  /** Percent with 2 decimals; null without customers / MRR at the start. */
  logoChurnPct: string | null;
  revenueChurnPct: string | null;
  netRetentionPct: string | null;
  /** Average MRR per customer at the end of the month; null without customers. */
  arpaMinor: number | null;
}

const pct = (num: number, den: number): string | null => (den > 0 ? new Decimal(num).times(100).div(den).toFixed(2) : null);

/** The movements of each month (`months[i]` between values[i] and values[i + 1]), per currency, currencies sorted. */
export function mrrMovements(series: readonly MrrSeries[], months: readonly string[]): MrrMonth[] {
  for (const s of series) {
    if (s.values.length !== months.length + 1) throw new Error(`MRR series of ${s.subscriptionId}: ${s.values.length} values for ${months.length} months`);
  }
  const currencies = [...new Set(series.map((s) => s.currency))].sort();
  const out: MrrMonth[] = [];
  months.forEach((month, i) => {
    for (const currency of currencies) {
      const m: MrrMonth = {
        month, currency, startMinor: 0, newMinor: 0, expansionMinor: 0, reactivationMinor: 0, contractionMinor: 0, churnMinor: 0, endMinor: 0,
        customersStart: 0, customersEnd: 0, newCustomers: 0, churnedCustomers: 0, logoChurnPct: null, revenueChurnPct: null, netRetentionPct: null, arpaMinor: null,
      };
      const byCustomer = new Map<string, { a: number; b: number }>();
      for (const s of series) {
        if (s.currency !== currency) continue;
        const a = s.values[i]!;
        const b = s.values[i + 1]!;
        m.startMinor += a;
        m.endMinor += b;
        if (a === 0 && b > 0) {
          const before = s.paidBefore || s.values.slice(0, i).some((v) => v > 0);
          if (before) m.reactivationMinor += b;
          else m.newMinor += b;
        } else if (a > 0 && b === 0) m.churnMinor += a;
        else if (b > a) m.expansionMinor += b - a;
        else if (b < a) m.contractionMinor += a - b;
        const c = byCustomer.get(s.customerId) ?? { a: 0, b: 0 };
        c.a += a;
        c.b += b;
        byCustomer.set(s.customerId, c);
      }
      let retained = 0;
      for (const c of byCustomer.values()) {
        if (c.a > 0) {
          m.customersStart++;
          retained += c.b;
        }
        if (c.b > 0) m.customersEnd++;
        if (c.a === 0 && c.b > 0) m.newCustomers++;
        if (c.a > 0 && c.b === 0) m.churnedCustomers++;
      }
      if (m.startMinor === 0 && m.endMinor === 0 && m.customersStart === 0) continue;
      m.logoChurnPct = pct(m.churnedCustomers, m.customersStart);
      m.revenueChurnPct = pct(m.churnMinor + m.contractionMinor, m.startMinor);
      m.netRetentionPct = pct(retained, m.startMinor);
      m.arpaMinor = m.customersEnd > 0 ? Math.round(m.endMinor / m.customersEnd) : null;
      out.push(m);
    }
  });
  return out;
}
