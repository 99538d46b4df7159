/**
 * The generator's window ("since" optimisation).
 *
 * proposeLines walks every billing period of an item from its first day: about 3 ms per subscription over five
 * years, far too slow for a nightly run over 100,000 subscriptions. Periods that the billing run has already
 * settled never change again (every line due by the run date was written; a later change that reaches back —
 * a backdated change, pause or cancellation, a voided invoice — lowers the subscription's `bill_from`). So the
 * run hands the generator only the window from the period containing `bill_from`:
 *
 * - each item starts (for the generator) at the window's first period START — a period boundary of the
 *   subscription's own schedule, so the schedule, the anchor, the trial, the term and its uplift are unchanged
 *   and the first period in the window is still billed whole;
 * - only the existing lines of that window are passed (lines never cross a period boundary).
 *
 * The result equals a full recomputation for every period in the window (checked by test/unit/billing-services).
 * Pure; no I/O.
 */
import { maxDate, resolveSchedule, type IsoDate, type SubscriptionSnapshot } from '../../../shared/domain/billing';

export interface Windowed {
  snapshot: SubscriptionSnapshot;
  /** First day of the window (a period start), or null when the whole history is in the window. */
  windowStart: IsoDate | null;
}

/** The start of the billing period containing `billFrom` (null when that is the subscription's first period). */
export function windowStartOf(sub: Pick<SubscriptionSnapshot, 'startDate' | 'anchorDay' | 'intervalMonths' | 'alignment' | 'intervalChanges'>, billFrom: IsoDate | null): IsoDate | null {
  if (!billFrom || billFrom <= sub.startDate) return null;
  const sched = resolveSchedule({ startDate: sub.startDate, anchorDay: sub.anchorDay, intervalMonths: sub.intervalMonths, alignment: sub.alignment, intervalChanges: sub.intervalChanges ?? [] });
  const p = sched.periodContaining(billFrom);
  if (!p || p.index === 0) return null;
  return p.start;
}

/** The snapshot restricted to the periods from the one containing `billFrom`. */
export function applyWindow(snapshot: SubscriptionSnapshot, billFrom: IsoDate | null): Windowed {
  const windowStart = windowStartOf(snapshot, billFrom);
  if (windowStart === null) return { snapshot, windowStart: null };
  return {
    windowStart,
    snapshot: {
      ...snapshot,
      items: snapshot.items.map((it) => ({ ...it, startDate: it.startDate ? maxDate(it.startDate, windowStart) : windowStart })),
    },
  };
}
