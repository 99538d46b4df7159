/**
 * Turning a subscription's proposal into documents: the billing run's step for one subscription (lines onto the
 * open draft, next billing date, settled window, price locks, lifecycle), documents issued at once ("invoice
 * now" for changes and cancellations), and the previews (change preview, upcoming invoice, running usage).
 */
import {
  classifyChange, daysBetween, discounted, minDate, maxDate, type IsoDate, type ItemDiscount, type ProposedLine, type SubscriptionSnapshot, type PricePoint,
} from '../../../shared/domain/billing';
import { Decimal, dec, decStr, toMinor } from '../../../shared/domain/money';
import { priceCharge, type ChargeModel } from '../../../shared/domain/pricing';
import { computeInvoiceTotals } from '../../../shared/domain/tax';
import type { BillingSettings } from '../../../shared/api/ops/billing';
import type { ChangePreview, InvoicePreview, PreviewLine } from '../../../shared/api/ops/subscriptions';
import { type Db } from './db';
import {
  addLinesToDraft, customerRow, finalizeInvoice, insertDraft, lineFromProposal, openRunDraft, Products, taxOptionsFor, writeLines, type Finalized, type InvoiceRow, type LineRow, type PartySnapshot,
} from './invoicing';
import { catchUpLifecycle, saveSubAfterRun } from './lifecycle';
import {
  aggregateUsage, isTransactionPriced, nextEventDate, propose, scheduleOfSub, termBoundary, type BatchLookups, type Proposal, type SubState,
} from './state';

const minNullable = (a: IsoDate | null, b: IsoDate | null): IsoDate | null => (a === null ? b : b === null ? a : minDate(a, b));

export interface BillContext {
  db: Db;
  /** The run's fixed timestamp (ISO). */
  nowIso: string;
  /** The date billed up to (the run timestamp's UTC date). */
  targetDate: IsoDate;
  settings: BillingSettings;
  runId: string | null;
  products: Products;
  seller?: PartySnapshot;
  /** json(seller), computed once per run. */
  sellerJson?: string;
  /** No grace period: finalize the invoice in the same transaction it is generated in. */
  finalizeNow?: boolean;
  /** Lookups shared by the subscriptions of one batch (one transaction). */
  batch?: BatchLookups;
}

export interface BillOutcome {
  lines: number;
  invoiceId: string | null;
  amountMinor: number;
  currency: string;
  nextBillingDate: IsoDate | null;
  /** Differences the generator could not express (surface them). */
  unresolved: string[];
  /** Set when the invoice was finalized at once (finalizeNow). */
  finalized: Finalized | null;
  /** Scheduled terms took effect since the subscription was last looked at (the ERP must learn them). */
  termsChanged: boolean;
}

/** The billing run's work for one subscription (inside the batch transaction). */
export function billSubscription(ctx: BillContext, s: SubState): BillOutcome {
  const { db, nowIso, targetDate: T, settings } = ctx;
  const loaded = { ...s.sub };
  const termsChanged = catchUpLifecycle(db, s, T, nowIso);
  const p = propose(db, s, T, { rounding: undefined, ...(ctx.batch ? { batch: ctx.batch } : {}) });
  const lines = p.result.lines;
  let invoiceId: string | null = null;
  let pendingLines: LineRow[] | undefined;
  let pendingDraft: InvoiceRow | undefined;
  if (lines.length) {
    const finalizeAfter = new Date(Date.parse(nowIso) + settings.graceHours * 3_600_000).toISOString();
    const d = openRunDraft(db, s.sub, T, nowIso, finalizeAfter, ctx.runId, !!ctx.finalizeNow);
    pendingDraft = d.pending;
    // finalized at once: its tax is determined by the finalization (no display tax on the draft); on a new draft the
    // lines are inserted by the finalization itself, with their final tax
    if (ctx.finalizeNow && d.created) pendingLines = lines.map((l, i) => lineFromProposal(l, d.id, d.position + i, ctx.products));
    else if (ctx.finalizeNow) writeLines(db, d.id, d.position, lines, ctx.products);
    else addLinesToDraft(db, d, { customer_id: s.sub.customer_id, currency: s.sub.currency, billing_date: T }, lines, ctx.products, settings, ctx.seller?.country);
    invoiceId = d.id;
  }
  settle(s, p, T, nowIso);
  s.sub.last_run_id = ctx.runId;
  s.sub.billing_error = null;
  saveSubAfterRun(db, loaded, s.sub);
  const finalized = invoiceId && ctx.finalizeNow
    ? finalizeInvoice(db, invoiceId, nowIso, settings, {
      ...(ctx.seller ? { seller: ctx.seller, ...(ctx.sellerJson ? { sellerJson: ctx.sellerJson } : {}) } : {}), ...(pendingLines ? { pendingLines } : {}), ...(pendingDraft ? { pendingDraft } : {}),
      ...(ctx.batch ? { numbering: ctx.batch.numbering, customers: ctx.batch.customers } : {}),
    })
    : null;
  return {
    finalized,
    termsChanged,
    lines: lines.length,
    invoiceId,
    amountMinor: lines.reduce((a, l) => a + l.amountMinor, 0),
    currency: s.sub.currency,
    nextBillingDate: s.sub.next_billing_date,
    unresolved: p.result.unresolved.map((u) => `${u.itemId} ${u.periodStart}–${u.periodEnd}: ${u.differenceMinor} (${u.reason})`),
  };
}

/** After every line due by T is written: move the window, the next billing date and the price locks. */
function settle(s: SubState, p: Proposal, T: IsoDate, nowIso: string): void {
  s.sub.next_billing_date = minNullable(p.result.nextDate, nextEventDate(s, T));
  s.sub.bill_from = T;
  s.sub.price_locks = p.prices.lockedThrough(T);
  s.sub.updated_at = nowIso;
}

/**
 * Issues what is due today for a subscription at once (a change or cancellation with immediate invoicing):
 * one document, an invoice or (negative total) a credit note, finalized. Null when nothing is due.
 */
export function issueNow(db: Db, s: SubState, today: IsoDate, nowIso: string, settings: BillingSettings, origin: 'change' | 'cancel', reason?: string): Finalized | null {
  const p = propose(db, s, today);
  if (p.result.lines.length === 0) return null;
  const id = insertDraft(db, s.sub, { billingDate: today, nowIso, origin, reason: reason ?? null });
  writeLines(db, id, 1, p.result.lines, new Products(db));
  const fin = finalizeInvoice(db, id, nowIso, settings);
  settle(s, p, today, nowIso);
  return fin;
}

// ------------------------------------------------------------------------------------------------ previews

export function toPreviewLine(l: ProposedLine): PreviewLine {
  return {
    itemId: l.itemId, kind: l.kind, description: l.description, periodStart: l.periodStart, periodEnd: l.periodEnd, quantity: l.quantity,
    unitPrice: l.unitPrice, fraction: l.fraction, amountMinor: l.amountMinor, taxCategory: l.taxCategory,
    ...(l.discountMinor ? { discountMinor: l.discountMinor, discountReason: l.discountReason ?? '' } : {}),
  };
}

/** The document the lines would make on `date`, with tax (a negative total is a credit note, printed positive). */
export function invoicePreviewOf(db: Db, s: SubState, lines: readonly ProposedLine[], date: IsoDate, settings: BillingSettings): InvoicePreview {
  const c = customerRow(db, s.sub.customer_id);
  const net = lines.reduce((a, l) => a + l.amountMinor, 0);
  const sign = net < 0 ? -1 : 1;
  const products = new Products(db);
  const t = computeInvoiceTotals(
    lines.map((l) => ({ amountMinor: sign * l.amountMinor, taxCategory: l.taxCategory, supplyType: products.get(l.productId).kind === 'physical' ? 'goods' as const : 'services' as const, currency: l.currency })),
    taxOptionsFor(db, c, settings, date),
  );
  return {
    date, kind: sign < 0 ? 'credit_note' : 'invoice', currency: s.sub.currency,
    lines: lines.map((l) => {
      const p = toPreviewLine(l);
      return { ...p, amountMinor: sign * l.amountMinor, ...(p.discountMinor ? { discountMinor: sign * p.discountMinor } : {}) };
    }),
    taxBreakdown: t.breakdown, netMinor: t.totals.netMinor, taxMinor: t.totals.taxMinor, grossMinor: t.totals.grossMinor,
  };
}

const modelAt = (sched: readonly PricePoint[], date: IsoDate): ChargeModel | null => {
  let best: PricePoint | null = null;
  for (const p of sched) if (p.validFrom <= date && (p.validTo === null || date < p.validTo) && (!best || p.validFrom > best.validFrom)) best = p;
  return best?.model ?? null;
};

/** An item's quantity, price schedule and discount in force on `date`: its own, then its changes up to that date. */
function itemTermsAt(snap: SubscriptionSnapshot, it: SubscriptionSnapshot['items'][number], date: IsoDate) {
  let quantity = it.quantity;
  let sched = it.priceSchedule;
  let discount: ItemDiscount | null = it.discount ?? null;
  for (const c of [...snap.changes].filter((c) => c.itemId === it.id && c.effectiveDate <= date).sort((a, b) => (a.effectiveDate < b.effectiveDate ? -1 : 1))) {
    if (c.quantity !== undefined) quantity = c.quantity;
    if (c.priceSchedule) sched = c.priceSchedule;
    if (c.discount !== undefined) discount = c.discount;
  }
  return { quantity, sched, discount };
}

/** Price of one whole period of the recurring items in force on `date`, net of their discounts (uplift not included). */
export function periodAmount(snap: SubscriptionSnapshot, date: IsoDate): Decimal {
  let total = new Decimal(0);
  for (const it of snap.items) {
    if (it.kind !== 'recurring') continue;
    const start = it.startDate ?? snap.startDate;
    if (start > date || (it.endDate && it.endDate <= date)) continue;
    const { quantity, sched, discount } = itemTermsAt(snap, it, date);
    const model = modelAt(sched, date) ?? modelAt(sched, snap.startDate);
    if (!model) continue;
    total = total.plus(discounted(dec(priceCharge(model, { quantity, currency: snap.currency }).preciseAmount), discount));
  }
  return total;
}

const sameLine = (a: ProposedLine, b: ProposedLine) => a.key === b.key && a.amountMinor === b.amountMinor;

/**
 * What a change would produce, computed exactly as applying it will: the change's own lines (by comparing the
 * proposal with and without the change), the invoice issued at once (immediate invoicing) and the next invoice.
 */
export function previewChange(
  db: Db, before: SubState, after: SubState, o: { today: IsoDate; effectiveDate: IsoDate; invoiceNow: boolean; settings: BillingSettings },
): ChangePreview {
  const billFrom = minDate(before.sub.bill_from, o.effectiveDate);
  const T = maxDate(o.today, o.effectiveDate);
  const pb = propose(db, before, T, { billFrom });
  const pa = propose(db, after, T, { billFrom, existing: pb.existing });
  const changeLines = pa.result.lines.filter((l) => !pb.result.lines.some((b) => sameLine(l, b)));
  const immediate = o.invoiceNow && o.effectiveDate <= o.today;
  const invoiceNow = immediate && pa.result.lines.length ? invoicePreviewOf(db, after, pa.result.lines, o.today, o.settings) : null;
  let nextDate: IsoDate | null;
  if (immediate) nextDate = pa.result.nextDate;
  else {
    const stored = before.sub.next_billing_date;
    nextDate = stored && stored > o.today ? stored : o.today;
    nextDate = maxDate(nextDate, o.effectiveDate);
  }
  let nextInvoice: InvoicePreview | null = null;
  if (nextDate) {
    let existing = immediate ? [...pa.existing, ...pa.result.lines] : pa.existing;
    const stored = before.sub.next_billing_date;
    if (!immediate && stored !== null && stored <= o.today && nextDate > o.today) {
      // today's run has not billed yet: it bills what is due today (before the change takes effect), so the next
      // invoice the change affects starts after those lines
      existing = [...existing, ...propose(db, after, o.today, { billFrom, existing }).result.lines];
    }
    const pn = propose(db, after, nextDate, { billFrom, existing });
    if (pn.result.lines.length) nextInvoice = invoicePreviewOf(db, after, pn.result.lines, nextDate, o.settings);
    else if (pn.result.nextDate) {
      const pn2 = propose(db, after, pn.result.nextDate, { billFrom, existing });
      if (pn2.result.lines.length) nextInvoice = invoicePreviewOf(db, after, pn2.result.lines, pn.result.nextDate, o.settings);
    }
  }
  const amountBefore = periodAmount(pb.snapshot, o.effectiveDate);
  const amountAfter = periodAmount(pa.snapshot, o.effectiveDate);
  return {
    subscriptionId: before.sub.id,
    effectiveDate: o.effectiveDate,
    // by daily price: an interval switch compares a month's price with a year's over their own lengths
    classification: classifyChange(
      { amount: amountBefore, periodDays: scheduleOfSub(before.sub).periodContaining(o.effectiveDate)?.nominalDays ?? 1 },
      { amount: amountAfter, periodDays: scheduleOfSub(after.sub).periodContaining(o.effectiveDate)?.nominalDays ?? 1 },
    ),
    periodAmountBeforeMinor: toMinor(amountBefore, before.sub.currency),
    periodAmountAfterMinor: toMinor(amountAfter, before.sub.currency),
    changeLines: changeLines.map(toPreviewLine),
    invoiceNow,
    nextInvoice,
  };
}

/** The next invoice the run will generate for the subscription (null when nothing more is due). */
export function upcomingInvoice(db: Db, s: SubState, today: IsoDate, settings: BillingSettings): InvoicePreview | null {
  const first = propose(db, s, today);
  if (first.result.lines.length) return invoicePreviewOf(db, s, first.result.lines, today, settings);
  const next = first.result.nextDate;
  if (!next) return null;
  const p = propose(db, s, next, { existing: first.existing });
  return p.result.lines.length ? invoicePreviewOf(db, s, p.result.lines, next, settings) : null;
}

/** The running usage of the current period per metered item, priced so far. */
export function currentUsage(db: Db, s: SubState, today: IsoDate) {
  const sub = s.sub;
  const slot = scheduleOfSub(sub).periodContaining(today);
  const out: { itemId: string; metric: string; aggregation: 'sum' | 'count' | 'max' | 'unique_count' | 'last'; periodStart: string; periodEnd: string; quantity: string; records: number; amountMinor: number; currency: string }[] = [];
  if (!slot) return out;
  const p = propose(db, s, today);
  let renewals = 0;
  if (sub.term_end && sub.term_months && sub.auto_renew && dec(sub.renewal_uplift_pct).gt(0)) {
    for (let j = 0; j < 10_000; j++) {
      const b = termBoundary(sub, j)!;
      if (b > slot.start) break;
      if (b > sub.start_date) renewals++;
    }
  }
  const uplift = dec(sub.renewal_uplift_pct || '0').div(100).plus(1).pow(renewals);
  for (const item of s.items) {
    if (item.kind !== 'usage' || !item.metric) continue;
    let from = maxDate(slot.start, item.start_date ?? sub.start_date);
    if (sub.trial_end && sub.trial_end > from) from = sub.trial_end;
    let to = slot.end;
    if (item.end_date) to = minDate(to, item.end_date);
    if (sub.cancel_at) to = minDate(to, sub.cancel_at);
    if (from >= to) continue;
    const snapItem = p.snapshot.items.find((i) => i.id === item.id)!;
    const a = aggregateUsage(db, item, from, to, isTransactionPriced(snapItem.priceSchedule, slot.start));
    const model = modelAt(snapItem.priceSchedule, slot.start);
    let amountMinor = 0;
    if (model) {
      const r = priceCharge(model, { quantity: a.quantity, ...(a.transactions ? { transactions: a.transactions } : {}), currency: sub.currency });
      const share = new Decimal(daysBetween(from, to)).div(slot.nominalDays);
      amountMinor = toMinor(discounted(dec(r.preciseAmount).times(uplift), itemTermsAt(p.snapshot, snapItem, slot.start).discount, share), sub.currency);
    }
    out.push({
      itemId: item.id, metric: item.metric, aggregation: item.aggregation ?? 'sum', periodStart: from, periodEnd: to, quantity: decStr(dec(a.quantity)),
      records: a.records, amountMinor, currency: sub.currency,
    });
  }
  return out;
}
