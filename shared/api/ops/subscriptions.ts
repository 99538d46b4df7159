/**
 * Subscription operations: create, read, list, timeline, previewable changes, pause/resume, cancel/reactivate,
 * running usage and the upcoming invoice. The billing rules (periods, trial, pause, proration, renewal uplift,
 * cancellation) are those of shared/domain/billing/generator.ts; services in main/services/billing.
 *
 * Dates are YYYY-MM-DD; every period end is EXCLUSIVE (`periodLastDay` gives the last day for display).
 * Money is integer minor units of `currency`; quantities and unit prices are decimal strings.
 */
import { z } from 'zod';
import { CurrencyCode, Id, IsoDate, IsoDateTime, NonNegDecimalString, pageOf, SortDir } from '../common';
import { op } from '../op';
import { ChargeModel } from './pricing';
import { Percent } from './pricebooks';

export const SubscriptionStatus = z.enum(['trial', 'active', 'past_due', 'paused', 'canceled', 'expired']);
export type SubscriptionStatus = z.output<typeof SubscriptionStatus>;
export const ProrationPolicy = z.enum(['none', 'day', 'second']);
/** Where the lines of an immediate change go: on an invoice issued at once, or on the next regular invoice. */
export const ProrationInvoicing = z.enum(['next_invoice', 'immediately']);
export const UsageAggregation = z.enum(['sum', 'count', 'max', 'unique_count', 'last']);
export const ItemTiming = z.enum(['advance', 'arrears']);
export const LineKind = z.enum(['charge', 'credit', 'usage', 'trueup', 'proration_charge', 'proration_credit', 'manual']);

const qty = NonNegDecimalString;
/** A discount's percent: more than 0, at most 100. */
const DiscountPercent = Percent.refine((s) => !/^\d+(\.\d+)?$/.test(s) || Number(s) > 0, 'must be more than 0 (omit the discount for none)');
const DiscountReason = z.string().trim().min(1).max(100);
/** A fixed discount: an amount off each whole period in the subscription's currency (prorated with a line's share). */
const DiscountAmount = NonNegDecimalString.refine((s) => !/^\d+(\.\d+)?$/.test(s) || Number(s) > 0, 'must be more than 0 (omit the discount for none)');

export const SubscriptionItemInput = z
  .object({
    /** The plan billed (give either planId or bundleId). */
    planId: Id.optional(),
    /** A bundle sold as one item: one line "Bundle X (parts: A, B)" per period at the bundle price × quantity. */
    bundleId: Id.optional(),
    /** Seats / units (recurring items); ignored for metered items. */
    quantity: qty.default('1'),
    /** An add-on (may be removed with a change); the first item is the base item. */
    addon: z.boolean().default(false),
    /** Recurring items: billed at the period start (advance, default) or at its end (arrears). Metered items are always in arrears. */
    timing: ItemTiming.optional(),
    /** A metered item: the usage metric it bills (e.g. "api_calls"). */
    metric: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'may contain letters, digits and _ . : -').optional(),
    /** How the period's usage records are aggregated (default sum). */
    aggregation: UsageAggregation.optional(),
    /** unique_count: the record property whose distinct values are counted (e.g. "userId"). */
    aggregationProperty: z.string().trim().min(1).max(64).optional(),
    /** A charge model for this item instead of the plan's price (e.g. tiers for a metered item). */
    model: ChargeModel.optional(),
    description: z.string().trim().min(1).max(200).optional(),
    /** A percent off every line of this item (e.g. "15"); printed as the line discount. Change it later with a set_discount change. */
    discountPercent: DiscountPercent.optional(),
    /** Or a fixed amount off each whole period (e.g. "50"), prorated with a line's share of the period, never more than the line. */
    discountAmount: DiscountAmount.optional(),
    /** Printed with the discount (default "Discount 15%" / "Discount 50.00 per period"). */
    discountReason: DiscountReason.optional(),
    /** The discount ends on this day (exclusive; e.g. an introductory discount): recorded as a scheduled set_discount change. */
    discountUntil: IsoDate.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.discountPercent && v.discountAmount) ctx.addIssue({ code: 'custom', path: ['discountAmount'], message: 'give either discountPercent or discountAmount, not both' });
    if ((v.discountReason || v.discountUntil) && !v.discountPercent && !v.discountAmount) ctx.addIssue({ code: 'custom', path: ['discountPercent'], message: `is required with ${v.discountReason ? 'discountReason' : 'discountUntil'} (or discountAmount)` });
    if (!v.planId === !v.bundleId) ctx.addIssue({ code: 'custom', path: [v.planId ? 'bundleId' : 'planId'], message: v.planId ? 'give either planId or bundleId, not both' : 'is required (or bundleId)' });
    if (v.bundleId && (v.metric || v.model)) ctx.addIssue({ code: 'custom', path: ['bundleId'], message: 'a bundle item is recurring at the bundle price (no metric or model)' });
    if (v.aggregation === 'unique_count' && !v.aggregationProperty) ctx.addIssue({ code: 'custom', path: ['aggregationProperty'], message: 'is required for unique_count' });
    if (!v.metric && (v.aggregation || v.aggregationProperty)) ctx.addIssue({ code: 'custom', path: ['metric'], message: 'is required for a metered item (aggregation given)' });
  });

export const SubscriptionCreateInput = z
  .object({
    customerId: Id,
    /** Default: the customer's currency. One currency per subscription (and invoice). */
    currency: CurrencyCode.optional(),
    /** First billable day; default today. */
    startDate: IsoDate.optional(),
    /** Day of month periods start on (1..31, clamped to short months). Default: the start day (no leading partial period). */
    billingAnchorDay: z.number().int().min(1).max(31).optional(),
    items: z.array(SubscriptionItemInput).min(1, 'at least one item is required').max(50),
    /** Trial length in days; default the base plan's trialDays. Nothing is charged during the trial. */
    trialDays: z.number().int().min(0).max(730).optional(),
    /** At the trial end: start charging (convert) or end the subscription (cancel). */
    trialEndAction: z.enum(['convert', 'cancel']).default('convert'),
    /** Contract term in months (e.g. 12); null = open-ended, month to month. */
    termMonths: z.number().int().min(1).max(120).nullable().default(null),
    autoRenew: z.boolean().default(true),
    /** Percent added to prices at each renewal, e.g. "5". */
    renewalUpliftPct: NonNegDecimalString.default('0'),
    /** A cancellation at term end must be requested this many days before the term end (else: the following term end). */
    noticeDays: z.number().int().min(0).max(365).default(0),
    prorationPolicy: ProrationPolicy.default('day'),
    prorationInvoicing: ProrationInvoicing.default('next_invoice'),
    poNumber: z.string().trim().max(100).nullish(),
    buyerReference: z.string().trim().max(100).nullish(),
    notes: z.string().max(5000).default(''),
  })
  .superRefine((v, ctx) => {
    if (v.termMonths === null && v.renewalUpliftPct !== '0' && Number(v.renewalUpliftPct) !== 0) {
      ctx.addIssue({ code: 'custom', path: ['renewalUpliftPct'], message: 'needs a term (termMonths)' });
    }
  });
export type SubscriptionCreateInput = z.output<typeof SubscriptionCreateInput>;

export const SubscriptionItem = z.object({
  id: Id,
  position: z.number().int(),
  kind: z.enum(['recurring', 'usage']),
  role: z.enum(['base', 'addon']),
  timing: ItemTiming,
  planId: Id,
  planCode: z.string(),
  planName: z.string(),
  productId: Id,
  productSku: z.string(),
  description: z.string(),
  quantity: z.string(),
  metric: z.string().nullable(),
  aggregation: UsageAggregation.nullable(),
  aggregationProperty: z.string().nullable(),
  /** The item's own charge model, when it does not use the plan's price. */
  model: ChargeModel.nullable(),
  taxCategory: z.string(),
  /** First day billed (null = the subscription start). */
  startDate: IsoDate.nullable(),
  /** Exclusive end (removed add-on); null = open. */
  endDate: IsoDate.nullable(),
  /** The discount in force today: a percent or an amount off each period (null = none); later changes are in scheduledChanges. */
  discount: z.object({ percent: z.string().nullable(), amount: z.string().nullable(), reason: z.string() }).nullable(),
  /** Current terms as of today (scheduled changes not yet in force are listed in scheduledChanges). */
  active: z.boolean(),
  /** A bundle item: the bundle (planId is then its first part's plan). */
  bundleId: Id.nullable().optional(),
  /** A bundle item: its parts (units per bundle). */
  parts: z.array(z.object({ planId: Id, planCode: z.string(), planName: z.string(), quantity: z.string(), addOn: z.boolean() })).optional(),
});
export type SubscriptionItem = z.output<typeof SubscriptionItem>;

export const ScheduledChange = z.object({
  id: Id,
  itemId: Id,
  effectiveDate: IsoDate,
  quantity: z.string().nullable(),
  planId: Id.nullable(),
  planCode: z.string().nullable(),
  /** The item's new discount: a percent ("0": the discount ends) or an amount per period; both null = unchanged. */
  discountPercent: z.string().nullable(),
  discountAmount: z.string().nullable(),
  discountReason: z.string().nullable(),
  createdAt: IsoDateTime,
});

export const Pause = z.object({ id: Id, from: IsoDate, until: IsoDate.nullable() });

export const Term = z.object({
  months: z.number().int(),
  /** Exclusive end of the initial term. */
  initialEnd: IsoDate,
  /** Exclusive end of the term in force today (the renewal date). */
  currentEnd: IsoDate,
  autoRenew: z.boolean(),
  renewalUpliftPct: z.string(),
  noticeDays: z.number().int(),
});

export const Subscription = z.object({
  id: Id,
  customerId: Id,
  customerName: z.string(),
  customerNumber: z.string(),
  currency: z.string(),
  status: SubscriptionStatus,
  startDate: IsoDate,
  billingAnchorDay: z.number().int(),
  /** The billing interval in force today (months). */
  intervalMonths: z.number().int(),
  /** Switches of the billing interval (e.g. monthly → annual from a period start), ascending; past ones included. */
  intervalChanges: z.array(z.object({ from: IsoDate, intervalMonths: z.number().int() })),
  trialEnd: IsoDate.nullable(),
  trialEndAction: z.enum(['convert', 'cancel']),
  term: Term.nullable(),
  /** Exclusive end: nothing is billed from this day; null = not canceled. */
  cancelAt: IsoDate.nullable(),
  cancelCredit: z.enum(['none', 'prorated']),
  cancelReason: z.string().nullable(),
  prorationPolicy: ProrationPolicy,
  prorationInvoicing: ProrationInvoicing,
  poNumber: z.string().nullable(),
  buyerReference: z.string().nullable(),
  notes: z.string(),
  /** When the billing run will next look at this subscription (null = nothing more to bill). */
  nextBillingDate: IsoDate.nullable(),
  /** The billing period containing today (null before the start). */
  currentPeriod: z.object({ start: IsoDate, end: IsoDate }).nullable(),
  items: z.array(SubscriptionItem),
  scheduledChanges: z.array(ScheduledChange),
  pauses: z.array(Pause),
  /** The last billing error for this subscription, if its last billing failed. */
  billingError: z.string().nullable(),
  version: z.number().int(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Subscription = z.output<typeof Subscription>;

export const SubscriptionListInput = z.object({
  customerId: Id.optional(),
  planId: Id.optional(),
  status: z.union([SubscriptionStatus, z.array(SubscriptionStatus)]).optional(),
  /** Current term end (renewal date) in [renewalFrom, renewalTo]. */
  renewalFrom: IsoDate.optional(),
  renewalTo: IsoDate.optional(),
  nextBillingTo: IsoDate.optional(),
  currency: CurrencyCode.optional(),
  /** Customer name or number, PO number, buyer reference. */
  search: z.string().trim().max(200).optional(),
  sortBy: z.enum(['createdAt', 'startDate', 'nextBillingDate', 'renewalDate', 'customerName', 'status']).default('createdAt'),
  sortDir: SortDir,
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(10000).default(100),
});

export const TimelineEntry = z.object({
  id: Id,
  subscriptionId: Id,
  /** When it was recorded. */
  at: IsoDateTime,
  /** The day it takes / took effect. */
  effectiveDate: IsoDate,
  event: z.string(),
  fromStatus: SubscriptionStatus.nullable(),
  toStatus: SubscriptionStatus.nullable(),
  details: z.record(z.string(), z.unknown()),
});

/** One line a change or an upcoming invoice would produce. */
export const PreviewLine = z.object({
  itemId: Id,
  kind: LineKind,
  description: z.string(),
  periodStart: IsoDate,
  periodEnd: IsoDate,
  quantity: z.string(),
  /** Price of one unit for the whole period (uplift included). */
  unitPrice: z.string(),
  /** Share of the period billed ("1" = whole). */
  fraction: z.string(),
  /** Net of the item's discount. */
  amountMinor: z.number().int(),
  /** The item's discount on this line (the amount before it − amountMinor) and its printed reason. */
  discountMinor: z.number().int().optional(),
  discountReason: z.string().optional(),
  taxCategory: z.string(),
});
export type PreviewLine = z.output<typeof PreviewLine>;

export const TaxBreakdownEntry = z.object({
  category: z.enum(['S', 'Z', 'E', 'AE', 'K', 'G', 'O']),
  rate: z.string(),
  taxableMinor: z.number().int(),
  taxMinor: z.number().int(),
  exemptionReason: z.string().optional(),
  exemptionReasonCode: z.string().optional(),
});

export const InvoicePreview = z.object({
  /** The day the invoice is (or will be) generated. */
  date: IsoDate,
  /** A negative total is issued as a credit note. */
  kind: z.enum(['invoice', 'credit_note']),
  currency: z.string(),
  lines: z.array(PreviewLine),
  taxBreakdown: z.array(TaxBreakdownEntry),
  netMinor: z.number().int(),
  taxMinor: z.number().int(),
  grossMinor: z.number().int(),
});
export type InvoicePreview = z.output<typeof InvoicePreview>;

export const ChangeAction = z.discriminatedUnion('type', [
  /** Upgrade / downgrade: the item moves to another plan (same billing interval). */
  z.object({ type: z.literal('change_plan'), itemId: Id, planId: Id, quantity: qty.optional() }),
  z.object({ type: z.literal('change_quantity'), itemId: Id, quantity: qty }),
  z.object({
    type: z.literal('add_addon'), planId: Id, quantity: qty.default('1'), description: z.string().trim().min(1).max(200).optional(),
    discountPercent: DiscountPercent.optional(), discountAmount: DiscountAmount.optional(), discountReason: DiscountReason.optional(),
  }),
  z.object({ type: z.literal('remove_addon'), itemId: Id }),
  /**
   * Gives an item a discount (a percent off its lines, or an amount off each period), changes it, or ends it
   * (percent null without an amount). Prorated like any change of terms.
   */
  z.object({ type: z.literal('set_discount'), itemId: Id, percent: DiscountPercent.nullable().optional(), amount: DiscountAmount.optional(), reason: DiscountReason.optional() }),
]);
export type ChangeAction = z.output<typeof ChangeAction>;

export const ChangeInput = z
  .object({
    subscriptionId: Id,
    actions: z.array(ChangeAction).min(1, 'at least one action is required').max(20),
    /** now: today, prorated (per the subscription's policy); period_end: at the end of the current period; date: from effectiveDate. */
    when: z.enum(['now', 'period_end', 'date']).default('now'),
    effectiveDate: IsoDate.optional(),
    /** Override the subscription's proration invoicing for this change. */
    invoiceNow: z.boolean().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.when === 'date' && !v.effectiveDate) ctx.addIssue({ code: 'custom', path: ['effectiveDate'], message: "is required when 'when' is 'date'" });
  });
export type ChangeInput = z.output<typeof ChangeInput>;

export const ChangePreview = z.object({
  subscriptionId: Id,
  effectiveDate: IsoDate,
  /** By daily price of the recurring items before and after. */
  classification: z.enum(['upgrade', 'downgrade', 'lateral']),
  /** Recurring amount per period before and after (at the effective date's prices). */
  periodAmountBeforeMinor: z.number().int(),
  periodAmountAfterMinor: z.number().int(),
  /** The credit and charge lines the change itself produces (proration, add-on start, removal credit). */
  changeLines: z.array(PreviewLine),
  /** With immediate invoicing: the invoice (or credit note) issued when the change is applied. */
  invoiceNow: InvoicePreview.nullable(),
  /** The next regular invoice after the change. */
  nextInvoice: InvoicePreview.nullable(),
});
export type ChangePreview = z.output<typeof ChangePreview>;

export const InvoiceRef = z.object({ id: Id, number: z.string().nullable(), kind: z.enum(['invoice', 'credit_note']), status: z.string(), grossMinor: z.number().int() });

export const ChangeResult = z.object({
  subscription: Subscription,
  preview: ChangePreview,
  /** The invoice / credit note issued by the change, if any. */
  documents: z.array(InvoiceRef),
});

export const CurrentUsageItem = z.object({
  itemId: Id,
  metric: z.string(),
  aggregation: UsageAggregation,
  periodStart: IsoDate,
  periodEnd: IsoDate,
  /** Aggregated quantity so far. */
  quantity: z.string(),
  records: z.number().int(),
  /** The priced amount of the usage so far (item's charge model; minimum not prorated). */
  amountMinor: z.number().int(),
  currency: z.string(),
});

export const subscriptionOps = {
  'subscriptions.create': op({
    name: 'subscriptions.create', summary: 'Create a subscription (items, trial, term, anchor day, proration policy)', mutating: true,
    input: SubscriptionCreateInput, output: Subscription,
  }),
  'subscriptions.get': op({ name: 'subscriptions.get', summary: 'Get a subscription with items, scheduled changes and pauses', mutating: false, input: z.object({ id: Id }), output: Subscription }),
  'subscriptions.list': op({
    name: 'subscriptions.list', summary: 'List subscriptions by state, plan, customer, renewal date', mutating: false,
    input: SubscriptionListInput, output: pageOf(Subscription),
  }),
  'subscriptions.update': op({
    name: 'subscriptions.update', summary: 'Update references and policies of a subscription (PO number, proration, renewal, notice)', mutating: true,
    input: z.object({
      id: Id,
      expectedVersion: z.number().int().optional(),
      patch: z.object({
        poNumber: z.string().trim().max(100).nullable(),
        buyerReference: z.string().trim().max(100).nullable(),
        notes: z.string().max(5000),
        prorationPolicy: ProrationPolicy,
        prorationInvoicing: ProrationInvoicing,
        autoRenew: z.boolean(),
        renewalUpliftPct: NonNegDecimalString,
        noticeDays: z.number().int().min(0).max(365),
      }).partial(),
    }),
    output: Subscription,
  }),
  'subscriptions.timeline': op({
    name: 'subscriptions.timeline', summary: 'Every state transition and change of a subscription, oldest first', mutating: false,
    input: z.object({ id: Id }), output: z.array(TimelineEntry),
  }),
  'subscriptions.previewChange': op({
    name: 'subscriptions.previewChange', summary: 'The exact credit and charge lines and the next invoice a change would produce (nothing is saved)', mutating: false,
    input: ChangeInput, output: ChangePreview,
  }),
  'subscriptions.applyChange': op({
    name: 'subscriptions.applyChange', summary: 'Upgrade/downgrade, quantity change, add/remove add-on: now with proration or scheduled', mutating: true,
    input: ChangeInput, output: ChangeResult,
  }),
  'subscriptions.cancelScheduledChange': op({
    name: 'subscriptions.cancelScheduledChange', summary: 'Withdraw a change that has not taken effect yet', mutating: true,
    input: z.object({ subscriptionId: Id, changeId: Id }), output: Subscription,
  }),
  'subscriptions.pause': op({
    name: 'subscriptions.pause', summary: 'Pause billing from a date (default today), optionally until a resume date', mutating: true,
    input: z.object({ id: Id, from: IsoDate.optional(), until: IsoDate.nullish() }), output: Subscription,
  }),
  'subscriptions.resume': op({
    name: 'subscriptions.resume', summary: 'End the open pause on a date (default today)', mutating: true,
    input: z.object({ id: Id, on: IsoDate.optional() }), output: Subscription,
  }),
  'subscriptions.cancel': op({
    name: 'subscriptions.cancel', summary: 'Cancel now (optionally with a prorated credit note) or at the term end (notice period applies)', mutating: true,
    input: z.object({
      id: Id,
      when: z.enum(['now', 'term_end', 'period_end', 'date']).default('now'),
      /** when 'date': the first day not billed. */
      date: IsoDate.optional(),
      /** Credit the unused days of a period already billed. */
      credit: z.enum(['none', 'prorated']).default('none'),
      /** Issue the credit / final usage at once (credit note or invoice) instead of with the next run. */
      invoiceNow: z.boolean().default(true),
      reason: z.string().trim().max(500).optional(),
    }).superRefine((v, ctx) => {
      if (v.when === 'date' && !v.date) ctx.addIssue({ code: 'custom', path: ['date'], message: "is required when 'when' is 'date'" });
    }),
    output: z.object({ subscription: Subscription, documents: z.array(InvoiceRef) }),
  }),
  'subscriptions.reactivate': op({
    name: 'subscriptions.reactivate', summary: 'Undo a scheduled cancellation, or restart a canceled / expired subscription from today', mutating: true,
    input: z.object({ id: Id }), output: Subscription,
  }),
  'subscriptions.currentUsage': op({
    name: 'subscriptions.currentUsage', summary: 'Running usage of the current period with its priced amount so far', mutating: false,
    input: z.object({ id: Id }), output: z.object({ subscriptionId: Id, asOf: IsoDateTime, items: z.array(CurrentUsageItem), totalMinor: z.number().int() }),
  }),
  'subscriptions.upcomingInvoice': op({
    name: 'subscriptions.upcomingInvoice', summary: 'The next invoice the billing run will generate for a subscription', mutating: false,
    input: z.object({ id: Id }), output: InvoicePreview.nullable(),
  }),
} as const;
