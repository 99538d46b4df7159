/**
 * The invoice line proposal: a deterministic pure function of (subscriptions, recorded usage, lines already
 * invoiced, target date) → the lines still missing, and the next date at which something becomes due.
 * Modelled on Kill Bill's invoice generator: old lines are never edited; a change to a period that was
 * already billed produces a repair line (credit or true-up) instead; no service period is billed twice.
 *
 * ## Service periods and keys
 * Every item is billed per period of its subscription's schedule (see periods.ts). A line's key is
 * `${itemId}|${periodStart}|${periodEnd}|${kind}` where the period is the part of the schedule period the line
 * covers (e.g. from the trial end, up to a cancellation). A line is due
 * - in advance: on its start day (period start ≤ targetDate; a proration line on the change day);
 * - in arrears: on its end day (period end ≤ targetDate).
 * Lines already in `existing` (by key, or by role: one charge / usage line per schedule period, one proration
 * pair per change day) are never proposed again. When what a period should cost (with today's knowledge)
 * differs from what its existing lines add up to, one repair line makes up the difference: kind 'credit'
 * (negative) or 'trueup' (positive).
 *
 * ## Trial
 * Nothing is charged during the trial [startDate, trialEnd): neither recurring fees nor usage. The first charge
 * covers [trialEnd, period end) at (days after the trial)/(days of the period) of the price.
 *
 * ## Pause rule
 * Paused days are not billed. A pause {from, until} covers the days [from, until) (until = the resume day,
 * null = not resumed yet). A period that overlaps a pause is charged for (period days − paused days) /
 * period days of its price; a period fully paused is not billed at all. Usage is still billed in arrears
 * for what was recorded, paused or not. A pause entered after its period was billed in advance gives a
 * credit for the paused days; an open pause is treated as lasting until it is resumed.
 *
 * ## Item changes and proration
 * `items` carry the terms at their start; `changes` set new quantity / plan / price schedule from their
 * effective date. A period is charged on the terms in force on its first day. With `prorationPolicy`
 * 'day' (default), a change inside a period adds a proration credit of the unused days at the old terms and a
 * proration charge at the new terms, from the change day (counted on the new terms) to the period end,
 * denominator = the days of the actual period (see proration.ts). With 'second', `effectiveAt` date-times are
 * used; with 'none', changes take effect at the next period start. Usage items are never prorated: their
 * price model is the one in force at the period start.
 *
 * ## Prices over time and renewal uplift
 * A price schedule entry applies to periods starting in [validFrom, validTo): a contract price change
 * mid-term applies from the next period. Terms renew every `term.months` months counted from `term.endDate`
 * (the end of the initial or current term; null = startDate + months). With `autoRenew`, the prices of every
 * renewed term are multiplied by (1 + renewalUpliftPct/100), compounding per renewal (term k after the first
 * pays × (1+u)^k); without it the subscription expires at `term.endDate` and nothing after it is billed.
 *
 * ## Cancellation
 * `cancelAt` (exclusive end): nothing is billed from that day; a period cut by it is charged up to it.
 * If the period containing it was already billed in advance: `cancelCredit` 'prorated' credits the unused
 * days [cancelAt, period end); 'none' (default) keeps the paid period as billed. Periods starting on or
 * after `cancelAt` that were billed anyway are always credited in full.
 *
 * ## Discounts
 * An item may carry a discount — a percent off, or a fixed amount off each whole period (prorated with the line's
 * share of the period, never more than the line) — with a reason printed on the invoice. It is one of the item's
 * terms, like its quantity and price: set when the item is created, changed or removed by a dated change, and
 * prorated like any other change of terms. Every line priced from the terms (charge, proration credit and charge,
 * usage) carries it: `amountPrecise` / `amountMinor` are net of the discount, `discountMinor` = the line's amount
 * before the discount (rounded) − `amountMinor` (same sign as the amount), and `unitPrice` stays the undiscounted
 * price. Repair lines (credit, trueup) are differences of net amounts and carry no discount.
 */
import { priceCharge, roundingOf, type ChargeModel } from '../pricing';
import { Decimal, dec, decStr, fromMinor, toMinor, type RoundingMode } from '../money';
import { addMonthsClamped, dateParts, daysInMonth, epochSeconds, fromDayNumber, maxDate, minDate, SECONDS_PER_DAY, utcDateOf, type IsoDate } from './dates';
import { resolveSchedule, type Alignment, type BillingPeriod, type IntervalChange, type ResolvedSchedule } from './periods';
import { classifyChange, type ProrationPolicy } from './proration';

export type LineKind = 'charge' | 'credit' | 'usage' | 'trueup' | 'proration_charge' | 'proration_credit';
export const LINE_KINDS: readonly LineKind[] = ['charge', 'credit', 'usage', 'trueup', 'proration_charge', 'proration_credit'];

export type SubscriptionStatus = 'draft' | 'pending' | 'trialing' | 'active' | 'paused' | 'canceled' | 'expired';
export type UsageAggregation = 'sum' | 'count' | 'max' | 'unique_count' | 'last';

/** One entry of a contract price schedule: the model in force for periods starting in [validFrom, validTo). */
export interface PricePoint {
  validFrom: IsoDate;
  validTo: IsoDate | null;
  model: ChargeModel;
}

export interface SubscriptionItem {
  id: string;
  kind: 'recurring' | 'usage';
  timing: 'advance' | 'arrears';
  planId: string;
  productId: string;
  description: string;
  /** Recurring quantity (seats) as a decimal string; ignored for usage items. */
  quantity: string;
  priceSchedule: readonly PricePoint[];
  /** Usage items: the billable metric and how it is aggregated (done by the caller, see usageWindowsDue). */
  metric?: string;
  aggregation?: UsageAggregation;
  /** Product tax category for the tax module ('standard' when absent). */
  taxCategory?: string;
  /** The item was added later than the subscription start (first day billed). */
  startDate?: IsoDate | null;
  /** The item was removed (exclusive: nothing billed from this day). */
  endDate?: IsoDate | null;
  /** A percent off every line of the item (see "Discounts"); null / absent = none. */
  discount?: ItemDiscount | null;
}

/**
 * A discount on an item's lines: a percent off (e.g. { percent: "15" }, 0 < percent ≤ 100) or a fixed amount off
 * each whole period in the subscription's currency (e.g. { amount: "50" }); exactly one of the two.
 */
export interface ItemDiscount {
  percent?: string | null;
  amount?: string | null;
  /** Printed with the line (EN 16931 BT-139); null = "Discount 15%" / "Discount 50.00 per period". */
  reason: string | null;
}

/** The reason printed for a discount. */
export const discountReasonOf = (d: ItemDiscount): string =>
  d.reason?.trim() || (d.amount ? `Discount ${dec(d.amount).toFixed(2)} per period` : `Discount ${d.percent}%`);

/**
 * A precise line amount after the discount. `share`: the line's share of a whole period (a fixed amount is prorated
 * by it). A fixed amount never takes more than the line; a negative line (a credit) is reduced towards zero alike.
 */
export function discounted(gross: Decimal, d: ItemDiscount | null | undefined, share: Decimal = new Decimal(1)): Decimal {
  if (!d) return gross;
  if (d.amount) {
    const cut = Decimal.min(gross.abs(), dec(d.amount).times(share));
    return gross.isNegative() ? gross.plus(cut) : gross.minus(cut);
  }
  return d.percent ? gross.times(new Decimal(1).minus(dec(d.percent).div(100))) : gross;
}

/** A dated change of an item's terms; unspecified fields keep their value. */
export interface ItemChange {
  id?: string;
  itemId: string;
  /** First day on the new terms. */
  effectiveDate: IsoDate;
  /** Exact instant for the 'second' proration policy (its UTC date should equal effectiveDate). */
  effectiveAt?: string;
  quantity?: string;
  planId?: string;
  productId?: string;
  description?: string;
  priceSchedule?: readonly PricePoint[];
  taxCategory?: string;
  /** The new discount (null: the discount ends); absent = unchanged. */
  discount?: ItemDiscount | null;
}

export interface Pause {
  from: IsoDate;
  /** Resume day (exclusive end of the pause); null while still paused. */
  until: IsoDate | null;
}

export interface ContractTerm {
  months: number;
  /** End of the initial (or current) term, exclusive; null = startDate + months. */
  endDate: IsoDate | null;
  autoRenew: boolean;
  /** Percent added to prices at each renewal, e.g. "5". */
  renewalUpliftPct: string;
}

export interface SubscriptionSnapshot {
  id: string;
  customerId: string;
  currency: string;
  startDate: IsoDate;
  anchorDay: number;
  intervalMonths: number;
  alignment?: Alignment;
  /** Switches of the billing interval from a period start on (periods.ts). */
  intervalChanges?: readonly IntervalChange[];
  /** Informational except 'draft' and 'pending', which bill nothing; the dates below decide what is billed. */
  status: SubscriptionStatus;
  trialEnd: IsoDate | null;
  pauses: readonly Pause[];
  cancelAt: IsoDate | null;
  cancelCredit?: 'none' | 'prorated';
  term: ContractTerm | null;
  items: readonly SubscriptionItem[];
  changes: readonly ItemChange[];
  prorationPolicy?: ProrationPolicy;
}

/** Aggregated usage of an item over a window returned by usageWindowsDue. */
export interface UsageAggregate {
  subscriptionId: string;
  itemId: string;
  periodStart: IsoDate;
  periodEnd: IsoDate;
  /** The aggregated value (sum, count, max …) as a decimal string. */
  quantity: string;
  /** Transaction amounts, for percentage models. */
  transactions?: readonly string[];
}

/** A line already on an invoice (only its key and amount matter; a ProposedLine fits). */
export interface ExistingLine {
  key: string;
  amountMinor: number;
}

export interface ProposedLine {
  key: string;
  subscriptionId: string;
  customerId: string;
  itemId: string;
  kind: LineKind;
  description: string;
  periodStart: IsoDate;
  /** Exclusive. */
  periodEnd: IsoDate;
  /** Item quantity (usage: aggregated quantity), decimal string, never negative. */
  quantity: string;
  /** Price per unit for a whole period (uplift included), decimal string, never negative. */
  unitPrice: string;
  /** Share of the whole period billed, e.g. "0.6666…" for 20/30 days (repair and usage lines: "1"). */
  fraction: string;
  /** Unrounded amount (negative for credits). */
  amountPrecise: string;
  /** Rounded to the currency's minor unit; negative for credits. Net of the discount. */
  amountMinor: number;
  /** The item's discount on this line: the amount before it (rounded) − amountMinor; same sign as the amount. */
  discountMinor?: number;
  /** With discountMinor: the printed reason. */
  discountReason?: string;
  currency: string;
  taxCategory: string;
  productId: string;
  planId: string;
  /** The date the line became due (≤ targetDate). */
  dueDate: IsoDate;
}

export interface UnresolvedDifference {
  subscriptionId: string;
  itemId: string;
  periodStart: IsoDate;
  periodEnd: IsoDate;
  /** What the period should add up to minus what its lines add up to, in minor units. */
  differenceMinor: number;
  reason: string;
}

export interface ProposeInput {
  subscriptions: readonly SubscriptionSnapshot[];
  usage: readonly UsageAggregate[];
  existing: readonly ExistingLine[];
  targetDate: IsoDate;
  /** Rounding of each line to minor units (default: the model's, else half_up). */
  rounding?: RoundingMode;
}

export interface ProposeResult {
  lines: ProposedLine[];
  /** The next date after targetDate at which a new line becomes due (for the scheduler); null when none. */
  nextDate: IsoDate | null;
  /** Differences that could not be expressed with a fresh key (should not happen in practice; surface them). */
  unresolved: UnresolvedDifference[];
}

export class BillingInvariantError extends Error {
  override name = 'BillingInvariantError';
  constructor(message: string, readonly keys: readonly string[]) {
    super(message);
  }
}

export class BillingConfigError extends Error {
  override name = 'BillingConfigError';
}

/**
 * `${itemId}|${periodStart}|${periodEnd}|${kind}`; a repeated repair of the same span (a second true-up or credit of
 * one period: usage arriving late twice, two backdated changes) is numbered: `…|trueup~2`, `…|trueup~3`.
 */
export const lineKey = (itemId: string, periodStart: IsoDate, periodEnd: IsoDate, kind: LineKind, seq = 1): string =>
  `${itemId}|${periodStart}|${periodEnd}|${kind}${seq > 1 ? `~${seq}` : ''}`;

export interface ParsedKey {
  itemId: string;
  periodStart: IsoDate;
  periodEnd: IsoDate;
  kind: LineKind;
  /** 1, or the number of a repeated repair line (`~n`). */
  seq: number;
}

export function parseLineKey(key: string): ParsedKey | null {
  const parts = key.split('|');
  if (parts.length !== 4) return null;
  const [itemId, periodStart, periodEnd, last] = parts as [string, string, string, string];
  const tilde = last.indexOf('~');
  const kind = tilde < 0 ? last : last.slice(0, tilde);
  const seq = tilde < 0 ? 1 : Number(last.slice(tilde + 1));
  if (!(LINE_KINDS as readonly string[]).includes(kind) || !Number.isSafeInteger(seq) || (tilde >= 0 && seq < 2)) return null;
  return { itemId, periodStart, periodEnd, kind: kind as LineKind, seq };
}

// ---------------------------------------------------------------------------------------------------------
// internals

const DAY = SECONDS_PER_DAY;
const INF = Number.POSITIVE_INFINITY;
const secOf = (d: IsoDate): number => epochSeconds(d);
const dateOfSec = (s: number): IsoDate => fromDayNumber(Math.floor(s / DAY));

interface Seg {
  a: number;
  b: number;
}

interface ItemTerms {
  quantity: string;
  planId: string;
  productId: string;
  description: string;
  priceSchedule: readonly PricePoint[];
  taxCategory: string;
  discount: ItemDiscount | null;
}

interface TermPoint {
  at: number;
  date: IsoDate;
  terms: ItemTerms;
}

interface ExistingParsed extends ParsedKey {
  key: string;
  amountMinor: number;
}

const subtract = (segs: Seg[], cut: Seg): Seg[] => {
  const out: Seg[] = [];
  for (const s of segs) {
    if (cut.b <= s.a || cut.a >= s.b) out.push(s);
    else {
      if (cut.a > s.a) out.push({ a: s.a, b: cut.a });
      if (cut.b < s.b) out.push({ a: cut.b, b: s.b });
    }
  }
  return out;
};

const measure = (segs: readonly Seg[], a: number, b: number): number => {
  let m = 0;
  for (const s of segs) m += Math.max(0, Math.min(b, s.b) - Math.max(a, s.a));
  return m;
};

function priceAt(schedule: readonly PricePoint[], date: IsoDate): PricePoint | null {
  let best: PricePoint | null = null;
  for (const p of schedule) {
    if (p.validFrom <= date && (p.validTo === null || date < p.validTo) && (best === null || p.validFrom > best.validFrom)) best = p;
  }
  return best;
}

/** Renewal term boundaries: endDate + j × months, keeping the start day when endDate is a clamped month end. */
function termBoundaries(sub: SubscriptionSnapshot): { end: IsoDate; boundary: (j: number) => IsoDate } | null {
  const t = sub.term;
  if (!t) return null;
  if (!Number.isInteger(t.months) || t.months < 1) throw new BillingConfigError(`subscription ${sub.id}: term.months must be a positive integer`);
  const end = t.endDate ?? addMonthsClamped(sub.startDate, t.months);
  const [ey, em, ed] = dateParts(end);
  const startDay = dateParts(sub.startDate)[2];
  const anchor = ed === daysInMonth(ey, em) && startDay > ed ? startDay : ed;
  return { end, boundary: (j: number) => addMonthsClamped(`${end.slice(0, 8)}01`, j * t.months, anchor) };
}

interface SubContext {
  sub: SubscriptionSnapshot;
  sched: ResolvedSchedule;
  policy: ProrationPolicy;
  /** Exclusive end of everything (cancel, expiry), or null. */
  subEnd: IsoDate | null;
  /** Expiry at the term end when the term does not renew, or null. */
  expiry: IsoDate | null;
  upliftAt: (periodStart: IsoDate) => Decimal;
  /** Latest date at which the billing pattern can still change. */
  lastEventDate: IsoDate;
}

/**
 * subContext per snapshot object: usageWindowsDue and proposeLines are called on the same snapshot by the billing
 * run. Snapshots are treated as immutable values (nothing here writes to them).
 */
const contexts = new WeakMap<SubscriptionSnapshot, SubContext>();
function contextOf(sub: SubscriptionSnapshot): SubContext {
  let c = contexts.get(sub);
  if (!c) contexts.set(sub, (c = subContext(sub)));
  return c;
}

function subContext(sub: SubscriptionSnapshot): SubContext {
  const sched = resolveSchedule({ startDate: sub.startDate, anchorDay: sub.anchorDay, intervalMonths: sub.intervalMonths, alignment: sub.alignment, intervalChanges: sub.intervalChanges ?? [] });
  const tb = termBoundaries(sub);
  let subEnd = sub.cancelAt;
  if (tb && !sub.term!.autoRenew) subEnd = subEnd === null ? tb.end : minDate(subEnd, tb.end);
  const uplift = sub.term && sub.term.autoRenew ? dec(sub.term.renewalUpliftPct || '0') : new Decimal(0);
  const upliftAt = (periodStart: IsoDate): Decimal => {
    if (!tb || uplift.isZero()) return ONE;
    // renewals = boundaries b_j with startDate < b_j ≤ periodStart
    let renewals = 0;
    let j = 0;
    while (tb.boundary(j - 1) > sub.startDate) j--;
    for (; ; j++) {
      const b = tb.boundary(j);
      if (b > periodStart) break;
      if (b > sub.startDate) renewals++;
    }
    return uplift.div(100).plus(1).pow(renewals);
  };
  const events: IsoDate[] = [sub.startDate];
  if (sub.trialEnd) events.push(sub.trialEnd);
  for (const p of sub.pauses) {
    events.push(p.from);
    if (p.until) events.push(p.until);
  }
  for (const c of sub.changes) events.push(c.effectiveDate);
  for (const it of sub.items) {
    if (it.startDate) events.push(it.startDate);
    if (it.endDate) events.push(it.endDate);
    for (const p of it.priceSchedule) {
      events.push(p.validFrom);
      if (p.validTo) events.push(p.validTo);
    }
  }
  for (const c of sub.changes) for (const p of c.priceSchedule ?? []) events.push(p.validFrom);
  if (subEnd) events.push(subEnd);
  if (tb) events.push(tb.end);
  const expiry = tb && !sub.term!.autoRenew ? tb.end : null;
  return { sub, sched, policy: sub.prorationPolicy ?? 'day', subEnd, expiry, upliftAt, lastEventDate: events.reduce(maxDate) };
}

function termTimeline(item: SubscriptionItem, changes: readonly ItemChange[], policy: ProrationPolicy): TermPoint[] {
  let terms: ItemTerms = {
    quantity: item.quantity,
    planId: item.planId,
    productId: item.productId,
    description: item.description,
    priceSchedule: item.priceSchedule,
    taxCategory: item.taxCategory ?? 'standard',
    discount: item.discount ?? null,
  };
  const points: TermPoint[] = [{ at: -INF, date: '0000-01-01', terms }];
  const mine = changes
    .map((c, i) => ({ c, i, at: policy === 'second' && c.effectiveAt ? epochSeconds(c.effectiveAt) : secOf(c.effectiveDate) }))
    .filter((x) => x.c.itemId === item.id)
    .sort((x, y) => x.at - y.at || x.i - y.i);
  for (const { c, at } of mine) {
    terms = {
      quantity: c.quantity ?? terms.quantity,
      planId: c.planId ?? terms.planId,
      productId: c.productId ?? terms.productId,
      description: c.description ?? terms.description,
      priceSchedule: c.priceSchedule ?? terms.priceSchedule,
      taxCategory: c.taxCategory ?? terms.taxCategory,
      discount: c.discount !== undefined ? c.discount : terms.discount,
    };
    const last = points[points.length - 1]!;
    if (last.at === at) last.terms = terms;
    else points.push({ at, date: utcDateOf(c.effectiveAt && policy === 'second' ? c.effectiveAt : c.effectiveDate), terms });
  }
  return points;
}

const termsAt = (tl: readonly TermPoint[], at: number): ItemTerms => {
  let t = tl[0]!.terms;
  for (const p of tl) if (p.at <= at) t = p.terms;
  return t;
};

const ONE = new Decimal(1);

/** Same percent or amount (a new reason alone changes nothing already running: it is printed from the next period). */
const sameDiscount = (a: ItemDiscount | null, b: ItemDiscount | null): boolean => {
  const key = (d: ItemDiscount | null) => (!d ? '' : d.amount ? `a${dec(d.amount).toFixed()}` : `p${dec(d.percent ?? '0').toFixed()}`);
  return key(a) === key(b);
};

interface FullPrice {
  amount: Decimal;
  unitPrice: string;
  quantity: string;
  model: ChargeModel;
}

/**
 * A model's identity for the price memo: its JSON (computed once per model object). Models from price locks are
 * parsed per subscription, so equal models are distinct objects; their JSON is the same.
 */
const modelKeys = new WeakMap<ChargeModel, string>();
function modelKey(m: ChargeModel): string {
  let k = modelKeys.get(m);
  if (k === undefined) modelKeys.set(m, (k = JSON.stringify(m)));
  return k;
}

/**
 * Full-period prices by (model, quantity, currency, rounding, uplift): pure, and the same few combinations recur
 * across a billing run's subscriptions. Values are immutable (Decimal, strings). Bounded; cleared when full.
 */
const fullPriceMemo = new Map<string, Omit<FullPrice, 'model'>>();

const fractionText = (num: number, den: number): string => (num === den ? '1' : decStr(new Decimal(num).div(den)));

class ItemBiller {
  private readonly tl: TermPoint[];
  private readonly itemStart: IsoDate;
  private readonly itemEnd: IsoDate | null;
  /** End of the item other than by cancellation (removal, expiry without renewal). */
  private readonly otherEnd: IsoDate | null;
  private readonly unit: number;

  constructor(
    private readonly ctx: SubContext,
    private readonly item: SubscriptionItem,
    private readonly existing: readonly ExistingParsed[],
    /** This item's usage aggregates. */
    private readonly usage: readonly UsageAggregate[],
    private readonly rounding: RoundingMode | undefined,
  ) {
    const { sub } = ctx;
    if (item.kind !== 'recurring' && item.kind !== 'usage') throw new BillingConfigError(`item ${item.id}: unknown kind ${String(item.kind)}`);
    this.tl = termTimeline(item, sub.changes, ctx.policy);
    this.itemStart = item.startDate ? maxDate(item.startDate, sub.startDate) : sub.startDate;
    const ends = (dates: (IsoDate | null | undefined)[]): IsoDate | null => {
      const ds = dates.filter((d): d is IsoDate => !!d);
      return ds.length ? ds.reduce(minDate) : null;
    };
    this.otherEnd = ends([item.endDate, ctx.expiry]);
    this.itemEnd = ends([this.otherEnd, sub.cancelAt]);
    this.unit = ctx.policy === 'second' ? 1 : DAY;
  }

  get timing(): 'advance' | 'arrears' {
    return this.item.kind === 'usage' ? 'arrears' : this.item.timing;
  }

  firstSlotIndex(): number {
    return this.ctx.sched.periodContaining(this.itemStart)!.index;
  }

  maxExistingEnd(): IsoDate | null {
    let m: IsoDate | null = null;
    for (const e of this.existing) if (m === null || e.periodEnd > m) m = e.periodEnd;
    return m;
  }

  get end(): IsoDate | null {
    return this.itemEnd;
  }

  private model(terms: ItemTerms, slot: BillingPeriod, lineStart: IsoDate): ChargeModel {
    const p = priceAt(terms.priceSchedule, slot.start) ?? priceAt(terms.priceSchedule, lineStart);
    if (!p) {
      throw new BillingConfigError(
        `subscription ${this.ctx.sub.id} item ${this.item.id}: no price in force on ${slot.start} (plan ${terms.planId})`,
      );
    }
    return p.model;
  }

  private roundingFor(model: ChargeModel): RoundingMode {
    return roundingOf(model, this.rounding);
  }

  /** Full-period price of the terms (uplift included) and the unit price shown. */
  private fullPrice(terms: ItemTerms, slot: BillingPeriod, lineStart: IsoDate): FullPrice {
    const model = this.model(terms, slot, lineStart);
    const uplift = this.ctx.upliftAt(slot.start);
    const key = `${modelKey(model)}\u0001${terms.quantity}\u0001${this.ctx.sub.currency}\u0001${this.rounding ?? ''}\u0001${uplift === ONE ? '1' : uplift.toString()}`;
    const hit = fullPriceMemo.get(key);
    if (hit) return { ...hit, model };
    const r = priceCharge(model, { quantity: terms.quantity, currency: this.ctx.sub.currency, rounding: this.rounding });
    const amount = dec(r.preciseAmount).times(uplift);
    const flat = model.type === 'flat';
    const q = flat ? new Decimal(1) : dec(terms.quantity);
    const unitPrice = q.isZero() ? amount : amount.div(q);
    const out = { amount, unitPrice: decStr(unitPrice.toDecimalPlaces(10, Decimal.ROUND_HALF_UP)), quantity: decStr(q) };
    if (fullPriceMemo.size >= 20_000) fullPriceMemo.clear();
    fullPriceMemo.set(key, out);
    return { ...out, model };
  }

  /** Billable (not trial, not paused) parts of [lo, hi) in seconds. */
  private billable(lo: number, hi: number, includePauses: boolean): Seg[] {
    const { sub } = this.ctx;
    let segs: Seg[] = hi > lo ? [{ a: lo, b: hi }] : [];
    if (sub.trialEnd) segs = subtract(segs, { a: -INF, b: secOf(sub.trialEnd) });
    if (includePauses) for (const p of sub.pauses) segs = subtract(segs, { a: secOf(p.from), b: p.until ? secOf(p.until) : INF });
    return segs;
  }

  private line(
    kind: LineKind,
    start: IsoDate,
    end: IsoDate,
    terms: ItemTerms,
    fields: {
      quantity: string; unitPrice: string; fraction: string; precise: Decimal; description: string; rounding: RoundingMode; dueDate: IsoDate;
      /** The line's share of a whole period (a fixed discount amount is prorated by it); default 1. */
      share?: Decimal | undefined;
      noDiscount?: boolean;
    },
    /** A numbered repeated repair (see lineKey). */
    seq = 1,
  ): ProposedLine {
    const { sub } = this.ctx;
    const d = fields.noDiscount ? null : terms.discount;
    let precise = fields.precise;
    let discountMinor = 0;
    if (d) {
      const before = toMinor(precise, sub.currency, fields.rounding);
      precise = discounted(precise, d, fields.share);
      discountMinor = before - toMinor(precise, sub.currency, fields.rounding);
    }
    const minor = toMinor(precise, sub.currency, fields.rounding);
    const line: ProposedLine = {
      key: lineKey(this.item.id, start, end, kind, seq),
      subscriptionId: sub.id,
      customerId: sub.customerId,
      itemId: this.item.id,
      kind,
      description: fields.description,
      periodStart: start,
      periodEnd: end,
      quantity: fields.quantity,
      unitPrice: fields.unitPrice,
      fraction: fields.fraction,
      amountPrecise: decStr(precise),
      amountMinor: minor === 0 ? 0 : minor,
      currency: sub.currency,
      taxCategory: terms.taxCategory,
      productId: terms.productId,
      planId: terms.planId,
      dueDate: fields.dueDate,
    };
    if (discountMinor !== 0) {
      line.discountMinor = discountMinor;
      line.discountReason = discountReasonOf(d!);
    }
    return line;
  }

  /** What the slot should contain with today's knowledge. */
  desiredFor(slot: BillingPeriod, slotExisting: readonly ExistingParsed[]): ProposedLine[] {
    return this.item.kind === 'usage' ? this.desiredUsage(slot) : this.desiredRecurring(slot, slotExisting);
  }

  private desiredRecurring(slot: BillingPeriod, slotExisting: readonly ExistingParsed[]): ProposedLine[] {
    const { sub, policy } = this.ctx;
    const lo = secOf(maxDate(slot.start, this.itemStart));
    let endDate = this.itemEnd;
    // cancelCredit 'none': a period billed in full before the cancellation keeps its charge.
    if (sub.cancelAt && sub.cancelAt > slot.start && sub.cancelAt < slot.end && (sub.cancelCredit ?? 'none') === 'none') {
      const billedCharge = slotExisting.find((e) => e.kind === 'charge');
      if (billedCharge && billedCharge.periodEnd > sub.cancelAt) endDate = this.otherEnd;
    }
    const hi = secOf(endDate === null ? slot.end : minDate(slot.end, endDate));
    const segs = this.billable(lo, hi, true);
    if (segs.length === 0) return [];
    const N = slot.nominalDays * DAY;
    const unit = this.unit;
    const first = segs[0]!.a;
    const last = segs[segs.length - 1]!.b;
    const lineStart = dateOfSec(first);
    const lineEnd = dateOfSec(last);
    const due = (start: IsoDate, end: IsoDate): IsoDate => (this.timing === 'advance' ? start : end);
    const days = (m: number): string => (unit === DAY ? ` (${m / DAY}/${N / DAY} days)` : ` (${fractionText(m, N)} of the period)`);
    const out: ProposedLine[] = [];

    const t0 = termsAt(this.tl, first);
    const p0 = this.fullPrice(t0, slot, lineStart);
    const m0 = measure(segs, first, last);
    if (m0 > 0) {
      out.push(
        this.line('charge', lineStart, lineEnd, t0, {
          quantity: p0.quantity,
          unitPrice: p0.unitPrice,
          fraction: fractionText(m0 / unit, N / unit),
          precise: p0.amount.times(m0 / unit).div(N / unit),
          description: t0.description + (m0 === N ? '' : days(m0)),
          rounding: this.roundingFor(p0.model),
          dueDate: due(lineStart, lineEnd),
          share: t0.discount?.amount ? new Decimal(m0).div(N) : undefined,
        }),
      );
    }
    if (policy === 'none') return out;

    // Proration pairs for each change strictly inside the billed part of the slot.
    let prev = t0;
    let prevPrice = p0;
    const byKey = new Map<string, number>();
    for (const point of this.tl) {
      if (!(point.at > first && point.at < last)) continue;
      const m = measure(segs, point.at, last);
      const old = prev;
      const next = point.terms;
      const nextPrice = this.fullPrice(next, slot, point.date);
      const oldPrice = prevPrice;
      prev = next;
      prevPrice = nextPrice;
      if (m === 0 || (nextPrice.amount.eq(oldPrice.amount) && sameDiscount(old.discount, next.discount))) continue;
      const start = point.date < lineStart ? lineStart : point.date;
      const cls = classifyChange(
        { amount: discounted(oldPrice.amount, old.discount), periodDays: N / DAY },
        { amount: discounted(nextPrice.amount, next.discount), periodDays: N / DAY },
      );
      const f = fractionText(m / unit, N / unit);
      const credit = oldPrice.amount.times(m / unit).div(N / unit).neg();
      const charge = nextPrice.amount.times(m / unit).div(N / unit);
      const pair: [LineKind, Decimal, typeof oldPrice, string][] = [
        ['proration_credit', credit, oldPrice, `${old.description}: credit for unused time from ${start}${days(m)}`],
        ['proration_charge', charge, nextPrice, `${next.description}: ${cls === 'lateral' ? 'change' : cls} from ${start}${days(m)}`],
      ];
      for (const [kind, precise, price, description] of pair) {
        const l = this.line(kind, start, lineEnd, kind === 'proration_credit' ? old : next, {
          quantity: price.quantity,
          unitPrice: price.unitPrice,
          fraction: f,
          precise,
          description,
          rounding: this.roundingFor(price.model),
          dueDate: this.timing === 'advance' ? start : lineEnd,
          share: new Decimal(m).div(N),
        });
        const same = byKey.get(l.key);
        if (same !== undefined) {
          // Two changes on the same day (second policy): one line per key, amounts summed.
          const p = dec(out[same]!.amountPrecise).plus(l.amountPrecise);
          const discountMinor = (out[same]!.discountMinor ?? 0) + (l.discountMinor ?? 0);
          out[same] = { ...out[same]!, amountPrecise: decStr(p), amountMinor: toMinor(p, sub.currency, this.roundingFor(price.model)) || 0, ...(discountMinor ? { discountMinor } : {}) };
        } else {
          byKey.set(l.key, out.length);
          out.push(l);
        }
      }
    }
    return out;
  }

  /**
   * The earliest due date among the lines desiredFor(slot, []) would emit, without pricing them: the recurring charge
   * (emitted whenever the slot has billable time) is due first — proration lines are due on or after it — and a slot
   * with usage has its one usage line, due at the window's end. Null when the slot has no line.
   */
  firstDueDate(slot: BillingPeriod): IsoDate | null {
    if (this.item.kind === 'usage') return this.usageWindow(slot)?.end ?? null;
    const lo = secOf(maxDate(slot.start, this.itemStart));
    const hi = secOf(this.itemEnd === null ? slot.end : minDate(slot.end, this.itemEnd));
    const segs = this.billable(lo, hi, true);
    if (segs.length === 0) return null;
    return this.timing === 'advance' ? dateOfSec(segs[0]!.a) : dateOfSec(segs[segs.length - 1]!.b);
  }

  /** The usage window of a slot: from the trial end / item start to the slot end / cancellation. */
  usageWindow(slot: BillingPeriod): { start: IsoDate; end: IsoDate } | null {
    const lo = secOf(maxDate(slot.start, this.itemStart));
    const hi = secOf(this.itemEnd === null ? slot.end : minDate(slot.end, this.itemEnd));
    const segs = this.billable(lo, hi, false);
    if (segs.length === 0) return null;
    return { start: dateOfSec(segs[0]!.a), end: dateOfSec(segs[segs.length - 1]!.b) };
  }

  private desiredUsage(slot: BillingPeriod): ProposedLine[] {
    const w = this.usageWindow(slot);
    if (!w) return [];
    const { sub } = this.ctx;
    const terms = termsAt(this.tl, secOf(slot.start));
    const model = this.model(terms, slot, w.start);
    const agg = this.usage.find((u) => u.periodStart === w.start && u.periodEnd === w.end);
    const quantity = agg?.quantity ?? '0';
    const N = slot.nominalDays;
    const billed = (secOf(w.end) - secOf(w.start)) / DAY;
    const r = priceCharge(model, {
      quantity,
      ...(agg?.transactions ? { transactions: agg.transactions } : {}),
      currency: sub.currency,
      rounding: this.rounding,
      ...(billed === N ? {} : { periodFraction: new Decimal(billed).div(N) }),
    });
    const precise = dec(r.preciseAmount).times(this.ctx.upliftAt(slot.start));
    const q = dec(quantity);
    const unitPrice = q.isZero() ? precise : precise.div(q).toDecimalPlaces(10, Decimal.ROUND_HALF_UP);
    return [
      this.line('usage', w.start, w.end, terms, {
        quantity: decStr(q),
        unitPrice: decStr(unitPrice),
        fraction: '1',
        precise,
        description: terms.description,
        rounding: this.roundingFor(model),
        dueDate: w.end,
        share: billed === N || !terms.discount?.amount ? undefined : new Decimal(billed).div(N),
      }),
    ];
  }

  /** Candidate start days for a repair line of the slot, most specific first. */
  repairStarts(slot: BillingPeriod): IsoDate[] {
    const { sub } = this.ctx;
    if (this.item.kind === 'usage') {
      const w = this.usageWindow(slot);
      return [w?.start ?? slot.start];
    }
    const inside = (d: IsoDate | null | undefined): d is IsoDate => !!d && d > slot.start && d < slot.end;
    const c: IsoDate[] = [];
    if (inside(this.itemEnd)) c.push(this.itemEnd);
    const pauseDates = sub.pauses.flatMap((p) => [p.from, p.until]).filter(inside).sort().reverse();
    c.push(...pauseDates);
    if (inside(sub.trialEnd)) c.push(sub.trialEnd);
    c.push(slot.start);
    return [...new Set(c)];
  }

  repair(slot: BillingPeriod, diffMinor: number, targetDate: IsoDate, taken: (key: string) => boolean): ProposedLine | UnresolvedDifference {
    const kind: LineKind = diffMinor < 0 ? 'credit' : 'trueup';
    const { sub } = this.ctx;
    const terms = termsAt(this.tl, secOf(slot.start));
    const w = this.item.kind === 'usage' ? this.usageWindow(slot) : null;
    const end = w?.end ?? slot.end;
    const starts = this.repairStarts(slot);
    // the most specific free key; when every one is used, a numbered repair of the last (the period's own) span
    const free = (): { start: IsoDate; seq: number } | null => {
      for (const start of starts) if (!taken(lineKey(this.item.id, start, end, kind))) return { start, seq: 1 };
      const start = starts.at(-1)!;
      for (let seq = 2; seq < 1000; seq++) if (!taken(lineKey(this.item.id, start, end, kind, seq))) return { start, seq };
      return null;
    };
    const k = free();
    if (k) {
      const { start, seq } = k;
      const amount = fromMinor(Math.abs(diffMinor), sub.currency);
      const last = fromDayNumber(Math.floor(secOf(end) / DAY) - 1);
      return this.line(kind, start, end, terms, {
        quantity: '1',
        unitPrice: decStr(amount),
        fraction: '1',
        precise: diffMinor < 0 ? amount.neg() : amount,
        description: `${terms.description}: ${kind === 'credit' ? 'credit' : 'adjustment'} for ${start} – ${last}`,
        rounding: 'half_up',
        dueDate: start <= targetDate ? start : targetDate,
        noDiscount: true,
      }, seq);
    }
    return {
      subscriptionId: sub.id,
      itemId: this.item.id,
      periodStart: slot.start,
      periodEnd: slot.end,
      differenceMinor: diffMinor,
      reason: `no free ${kind} key left for the period; resolve manually`,
    };
  }

  /** Existing lines of this item inside the slot. */
  existingIn(slot: BillingPeriod): ExistingParsed[] {
    return this.existing.filter((e) => e.periodStart >= slot.start && e.periodEnd <= slot.end);
  }
}

/** Already invoiced: by key, or by role (one charge / usage line per slot, one proration pair per change day). */
function coveredBy(l: ProposedLine, existingKeys: ReadonlySet<string>, slotExisting: readonly ExistingParsed[]): boolean {
  if (existingKeys.has(l.key)) return true;
  const { kind, periodStart } = l;
  if (kind === 'charge' || kind === 'usage') return slotExisting.some((e) => e.kind === kind);
  return slotExisting.some((e) => e.kind === kind && e.periodStart === periodStart);
}

/**
 * Which lines are worth a line: a recurring charge whenever its period has billable days (even at 0.00, so the
 * billed periods stay contiguous and a free plan still shows what it covered); usage when something was used
 * or it costs something; other kinds when they are not zero or carry a discount (a 100% discount shows what it waived).
 */
const emitted = (l: ProposedLine): boolean =>
  l.kind === 'charge' || l.amountMinor !== 0 || !!l.discountMinor || (l.kind === 'usage' && l.quantity !== '0');

/** Checks that no two charge (or usage) lines of one item cover the same day. */
export function assertNoDoubleBilling(lines: readonly { key: string }[]): void {
  const groups = new Map<string, ParsedKey[]>();
  const seen = new Set<string>();
  for (const l of lines) {
    if (seen.has(l.key)) throw new BillingInvariantError(`line ${l.key} appears twice`, [l.key]);
    seen.add(l.key);
    const p = parseLineKey(l.key);
    if (!p || (p.kind !== 'charge' && p.kind !== 'usage')) continue;
    const g = `${p.itemId}|${p.kind}`;
    const arr = groups.get(g) ?? [];
    arr.push(p);
    groups.set(g, arr);
  }
  for (const arr of groups.values()) {
    arr.sort((a, b) => (a.periodStart < b.periodStart ? -1 : a.periodStart > b.periodStart ? 1 : 0));
    for (let i = 1; i < arr.length; i++) {
      const a = arr[i - 1]!;
      const b = arr[i]!;
      if (b.periodStart < a.periodEnd) {
        const ka = lineKey(a.itemId, a.periodStart, a.periodEnd, a.kind);
        const kb = lineKey(b.itemId, b.periodStart, b.periodEnd, b.kind);
        throw new BillingInvariantError(`period billed twice: ${ka} overlaps ${kb}`, [ka, kb]);
      }
    }
  }
}

function parseExisting(existing: readonly ExistingLine[]): Map<string, ExistingParsed[]> {
  const byItem = new Map<string, ExistingParsed[]>();
  for (const e of existing) {
    const p = parseLineKey(e.key);
    if (!p) continue;
    const arr = byItem.get(p.itemId) ?? [];
    arr.push({ ...p, key: e.key, amountMinor: e.amountMinor });
    byItem.set(p.itemId, arr);
  }
  return byItem;
}

/** Visits the slots of an item that matter at targetDate, then the future ones until the next due date is known. */
function billItem(
  ctx: SubContext,
  biller: ItemBiller,
  targetDate: IsoDate,
  existingKeys: ReadonlySet<string>,
  out: ProposedLine[],
  unresolved: UnresolvedDifference[],
): IsoDate | null {
  const { sched } = ctx;
  const maxExisting = biller.maxExistingEnd();
  const horizon = [targetDate, ctx.lastEventDate, ...(maxExisting ? [maxExisting] : [])].reduce(maxDate);
  let next: IsoDate | null = null;
  let quietAfterHorizon = 0;
  const proposedKeys = new Set<string>();
  for (let i = biller.firstSlotIndex(); ; i++) {
    const slot = sched.periodAt(i);
    const end = biller.end;
    const past = slot.start > targetDate;
    if (end !== null && slot.start >= end && (maxExisting === null || slot.start >= maxExisting)) break;
    if (past && next !== null) break;
    if (slot.start > horizon && ++quietAfterHorizon > 2) break;
    if (past) {
      // A slot after the target date only tells when something is next due: its earliest line's due date.
      const due = biller.firstDueDate(slot);
      if (due !== null && due > targetDate) next = due;
      continue;
    }
    const slotExisting = biller.existingIn(slot);
    const desired = biller.desiredFor(slot, slotExisting);
    let desiredNet = 0;
    let actualNet = slotExisting.reduce((a, e) => a + e.amountMinor, 0);
    for (const l of desired) {
      if (l.dueDate > targetDate) {
        if ((emitted(l) || l.kind === 'usage') && (next === null || l.dueDate < next)) next = l.dueDate;
        continue;
      }
      desiredNet += l.amountMinor;
      if (!emitted(l) || coveredBy(l, existingKeys, slotExisting) || proposedKeys.has(l.key)) continue;
      out.push(l);
      proposedKeys.add(l.key);
      actualNet += l.amountMinor;
    }
    if (slotExisting.length > 0 && desiredNet !== actualNet) {
      const r = biller.repair(slot, desiredNet - actualNet, targetDate, (k) => existingKeys.has(k) || proposedKeys.has(k));
      if ('key' in r) {
        out.push(r);
        proposedKeys.add(r.key);
      } else unresolved.push(r);
    }
  }
  return next;
}

/**
 * Proposes the invoice lines due by `targetDate` that are not in `existing` yet (see the module comment for
 * every rule). Deterministic: the same input gives the same lines in the same order; calling it again with
 * the returned lines added to `existing` returns no lines.
 * Throws BillingInvariantError if a period would be billed twice, BillingConfigError on an unusable subscription
 * (no price in force, bad schedule).
 */
export function proposeLines(input: ProposeInput): ProposeResult {
  const existingByItem = parseExisting(input.existing);
  const existingKeys = new Set(input.existing.map((e) => e.key));
  const usageByItem = new Map<string, UsageAggregate[]>();
  for (const u of input.usage) {
    const k = `${u.subscriptionId}|${u.itemId}`;
    usageByItem.set(k, [...(usageByItem.get(k) ?? []), u]);
  }
  const lines: ProposedLine[] = [];
  const unresolved: UnresolvedDifference[] = [];
  let nextDate: IsoDate | null = null;
  for (const sub of input.subscriptions) {
    if (sub.status === 'draft' || sub.status === 'pending') continue;
    const ctx = contextOf(sub);
    for (const item of sub.items) {
      const biller = new ItemBiller(ctx, item, existingByItem.get(item.id) ?? [], usageByItem.get(`${sub.id}|${item.id}`) ?? [], input.rounding);
      const n = billItem(ctx, biller, input.targetDate, existingKeys, lines, unresolved);
      if (n !== null && (nextDate === null || n < nextDate)) nextDate = n;
    }
  }
  assertNoDoubleBilling([...input.existing, ...lines]);
  return { lines, nextDate, unresolved };
}

export interface UsageWindow {
  subscriptionId: string;
  itemId: string;
  metric?: string;
  aggregation?: UsageAggregation;
  periodStart: IsoDate;
  /** Exclusive. */
  periodEnd: IsoDate;
  /** Key the usage line will have. */
  key: string;
}

/**
 * The usage windows that end by `targetDate` and have no usage line in `existing` yet: the caller aggregates
 * the recorded events of each window ([periodStart, periodEnd)) and passes them to proposeLines as `usage`.
 */
export function usageWindowsDue(subscriptions: readonly SubscriptionSnapshot[], targetDate: IsoDate, existing: readonly ExistingLine[] = []): UsageWindow[] {
  const keys = new Set(existing.map((e) => e.key));
  const out: UsageWindow[] = [];
  for (const sub of subscriptions) {
    if (sub.status === 'draft' || sub.status === 'pending') continue;
    const ctx = contextOf(sub);
    for (const item of sub.items) {
      if (item.kind !== 'usage') continue;
      const biller = new ItemBiller(ctx, item, [], [], undefined);
      for (let i = biller.firstSlotIndex(); ; i++) {
        const slot = ctx.sched.periodAt(i);
        if (slot.start >= targetDate || (biller.end !== null && slot.start >= biller.end)) break;
        const w = biller.usageWindow(slot);
        if (!w || w.end > targetDate) continue;
        const key = lineKey(item.id, w.start, w.end, 'usage');
        if (keys.has(key)) continue;
        out.push({ subscriptionId: sub.id, itemId: item.id, metric: item.metric, aggregation: item.aggregation, periodStart: w.start, periodEnd: w.end, key });
      }
    }
  }
  return out;
}
