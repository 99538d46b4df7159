/** Scenario helpers: build subscriptions and move a target date, feeding each run's lines back as existing. */
import {
  addMonthsClamped,
  proposeLines,
  type ExistingLine,
  type ProposedLine,
  type SubscriptionItem,
  type SubscriptionSnapshot,
  type UsageAggregate,
} from '../../../shared/domain/billing';

export const flat = (price: string) => [{ validFrom: '2000-01-01', validTo: null, model: { type: 'flat' as const, price } }];
export const perUnit = (unitPrice: string) => [{ validFrom: '2000-01-01', validTo: null, model: { type: 'per_unit' as const, unitPrice } }];

export function item(over: Partial<SubscriptionItem> = {}): SubscriptionItem {
  return {
    id: 'item-1',
    kind: 'recurring',
    timing: 'advance',
    planId: 'plan-basic',
    productId: 'prod-1',
    description: 'Basic plan',
    quantity: '1',
    priceSchedule: flat('30.00'),
    ...over,
  };
}

export function sub(over: Partial<SubscriptionSnapshot> = {}): SubscriptionSnapshot {
  return {
    id: 'sub-1',
    customerId: 'cust-1',
    currency: 'EUR',
    startDate: '2025-01-01',
    anchorDay: 1,
    intervalMonths: 1,
    status: 'active',
    trialEnd: null,
    pauses: [],
    cancelAt: null,
    term: null,
    items: [item()],
    changes: [],
    ...over,
  };
}

export interface Run {
  date: string;
  lines: ProposedLine[];
  nextDate: string | null;
}

/** Calls proposeLines at each date in order, feeding back the lines; returns one Run per date. */
export function runDates(
  subs: SubscriptionSnapshot[] | ((date: string) => SubscriptionSnapshot[]),
  dates: string[],
  usage: UsageAggregate[] = [],
  existing: ExistingLine[] = [],
): { runs: Run[]; existing: ExistingLine[]; all: ProposedLine[] } {
  const runs: Run[] = [];
  const all: ProposedLine[] = [];
  let ex = [...existing];
  for (const date of dates) {
    const s = typeof subs === 'function' ? subs(date) : subs;
    const r = proposeLines({ subscriptions: s, usage, existing: ex, targetDate: date });
    runs.push({ date, lines: r.lines, nextDate: r.nextDate });
    all.push(...r.lines);
    ex = [...ex, ...r.lines];
    // idempotence at every step
    const again = proposeLines({ subscriptions: s, usage, existing: ex, targetDate: date });
    if (again.lines.length) throw new Error(`not idempotent on ${date}: ${again.lines.map((l) => l.key).join(', ')}`);
  }
  return { runs, existing: ex, all };
}

/** Month-by-month dates starting at `first`, keeping its day (clamped). */
export const monthly = (first: string, count: number): string[] => Array.from({ length: count }, (_, i) => addMonthsClamped(first, i));

/** Compact view: "kind start→end amountMinor". */
export const brief = (lines: readonly ProposedLine[]): string[] => lines.map((l) => `${l.kind} ${l.periodStart}→${l.periodEnd} ${l.amountMinor}`);
