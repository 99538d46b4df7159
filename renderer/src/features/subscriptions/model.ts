/** Subscription types, labels, and the create form's values with their conversion to the API input. */
import type { OpInput, OpOutput } from '../../../../shared/api/index';
import { discountReasonOf } from '../../../../shared/domain/billing/generator';
import type { FieldErrors } from '../../components/form';
import type { Tone } from '../../components/StatusChip';

export type Subscription = OpOutput<'subscriptions.get'>;
export type SubscriptionItem = Subscription['items'][number];
export type SubscriptionStatus = Subscription['status'];
export type TimelineEntry = OpOutput<'subscriptions.timeline'>[number];
export type ChangePreview = OpOutput<'subscriptions.previewChange'>;
export type Plan = OpOutput<'plans.list'>['items'][number];
export type Bundle = OpOutput<'bundles.list'>['items'][number];

export const STATUS_META: Record<SubscriptionStatus, { label: string; tone: Tone }> = {
  trial: { label: 'Trial', tone: 'violet' },
  active: { label: 'Active', tone: 'green' },
  past_due: { label: 'Past due', tone: 'red' },
  paused: { label: 'Paused', tone: 'amber' },
  canceled: { label: 'Canceled', tone: 'grey' },
  expired: { label: 'Expired', tone: 'grey' },
};

export const PRORATION_OPTIONS = [
  { value: 'day', label: 'By day' },
  { value: 'second', label: 'By second' },
  { value: 'none', label: 'None (from the next period)' },
];
export const PRORATION_INVOICING_OPTIONS = [
  { value: 'next_invoice', label: 'On the next regular invoice' },
  { value: 'immediately', label: 'On an invoice issued at once' },
];
export const TERM_OPTIONS = [
  { value: 'open', label: 'Open-ended', hint: 'month to month' },
  { value: '1', label: '1 month' },
  { value: '3', label: '3 months' },
  { value: '6', label: '6 months' },
  { value: '12', label: '12 months' },
  { value: '24', label: '24 months' },
  { value: '36', label: '36 months' },
];

/** Months between bills of a plan. */
export const planMonths = (p: Pick<Plan, 'interval' | 'intervalCount'>): number =>
  p.interval === 'month' ? 1 : p.interval === 'quarter' ? 3 : p.interval === 'year' ? 12 : p.intervalCount;

export const intervalText = (months: number): string => (months === 1 ? 'Monthly' : months === 3 ? 'Quarterly' : months === 12 ? 'Yearly' : `Every ${months} months`);

/** An item's display name: a bundle item's bundle name (when known), else its plan's name. */
export const itemName = (i: Pick<SubscriptionItem, 'planName' | 'bundleId'>, bundleNames: Record<string, string> = {}): string => (i.bundleId && bundleNames[i.bundleId]) || i.planName;

/** "Pro monthly × 3 + 1 add-on" (a bundle item by its bundle's name when `bundleNames` has it). */
export function itemsSummary(s: Pick<Subscription, 'items'>, bundleNames: Record<string, string> = {}): string {
  const current = s.items.filter((i) => i.active);
  const items = current.length ? current : s.items;
  const base = items.find((i) => i.role === 'base') ?? items[0];
  if (!base) return '—';
  // the other items: add-ons are called so; further base items (a metered item, a second plan) are "items"
  const addons = items.filter((i) => i !== base && i.role === 'addon').length;
  const others = items.filter((i) => i !== base && i.role !== 'addon').length;
  const qty = base.kind === 'usage' ? '' : base.quantity !== '1' ? ` × ${base.quantity}` : '';
  const more = [addons ? `${addons} add-on${addons === 1 ? '' : 's'}` : '', others ? `${others} more item${others === 1 ? '' : 's'}` : ''].filter(Boolean).join(' + ');
  return `${itemName(base, bundleNames)}${qty}${more ? ` + ${more}` : ''}`;
}

/** "created" → "Created", "plan_changed" → "Plan changed". */
export const eventText = (e: string): string => e.replace(/[._]/g, ' ').replace(/^./, (c) => c.toUpperCase());

/* ---------- create form ---------- */

/** The item picker's value for a bundle: `bundle:<id>` (plans are their plain id). */
export const BUNDLE_PREFIX = 'bundle:';
export const bundleIdOf = (pick: string): string | null => (pick.startsWith(BUNDLE_PREFIX) ? pick.slice(BUNDLE_PREFIX.length) : null);

export interface ItemValues {
  /** A plan id, or `bundle:<bundle id>` for a bundle sold as one item. */
  planId: string;
  quantity: string;
  /** A discount ('' = none): a percent or an amount off each period, its printed reason and an optional end day. */
  discount?: string;
  discountKind?: DiscountKind;
  discountReason?: string;
  discountUntil?: string;
}

export type DiscountKind = 'percent' | 'amount';

/** A new item row of the form. */
export const newItemValues = (): ItemValues => ({ planId: '', quantity: '1', discount: '', discountKind: 'percent', discountReason: '', discountUntil: '' });

/** A discount as the API gives it (percent or amount per period, reason). */
export type ItemDiscount = NonNullable<Subscription['items'][number]['discount']>;
/** "15% off" / "50.00 off per period". */
export const discountText = (d: Pick<ItemDiscount, 'percent' | 'amount'>): string => (d.amount ? `${Number(d.amount).toFixed(2)} off per period` : `${d.percent}% off`);
/** The reason the server prints when none is given (the generator's own wording). */
export const defaultDiscountReason = (kind: DiscountKind, value: string): string =>
  DEC_RE.test(value) ? discountReasonOf(kind === 'amount' ? { amount: value, reason: null } : { percent: value, reason: null }) : '';
/** Checks a discount value of a form; null when valid. */
export function discountError(kind: DiscountKind, value: string): string | null {
  if (!DEC_RE.test(value) || Number(value) <= 0) return kind === 'amount' ? 'must be an amount above 0 such as 50' : 'must be a percentage above 0, at most 100';
  if (kind === 'percent' && Number(value) > 100) return 'must be a percentage above 0, at most 100';
  return null;
}
const DEC_RE = /^\d+(\.\d+)?$/;
/** The API fields of a form discount ({} without one). */
export const discountInput = (kind: DiscountKind, value: string) => (!value ? {} : kind === 'amount' ? { discountAmount: value } : { discountPercent: value });

export interface SubscriptionValues {
  customerId: string;
  currency: string;
  items: ItemValues[];
  startDate: string;
  billingAnchorDay: string;
  trialDays: string;
  trialEndAction: 'convert' | 'cancel';
  termMonths: string;
  autoRenew: boolean;
  renewalUpliftPct: string;
  noticeDays: string;
  prorationPolicy: 'day' | 'second' | 'none';
  prorationInvoicing: 'next_invoice' | 'immediately';
  poNumber: string;
  buyerReference: string;
  notes: string;
}

export const newSubscriptionValues = (customerId = ''): SubscriptionValues => ({
  customerId, currency: '', items: [newItemValues()], startDate: '', billingAnchorDay: '', trialDays: '', trialEndAction: 'convert',
  termMonths: 'open', autoRenew: true, renewalUpliftPct: '0', noticeDays: '0', prorationPolicy: 'day', prorationInvoicing: 'next_invoice',
  poNumber: '', buyerReference: '', notes: '',
});

const INT = /^\d+$/;
const DEC = /^\d+(\.\d+)?$/;

export function checkSubscription(v: SubscriptionValues): FieldErrors {
  const e: FieldErrors = {};
  if (!v.customerId) e.customerId = 'is required';
  v.items.forEach((it, i) => {
    if (!it.planId) e[`items.${i}.planId`] = 'is required';
    if (!DEC.test(it.quantity.trim())) e[`items.${i}.quantity`] = 'must be a number such as 1 or 2.5';
    const d = (it.discount ?? '').trim();
    const bad = d ? discountError(it.discountKind ?? 'percent', d) : null;
    if (bad) e[`items.${i}.discount`] = bad;
    if (!d && (it.discountReason ?? '').trim()) e[`items.${i}.discount`] = 'is required with a reason';
    if (!d && it.discountUntil) e[`items.${i}.discount`] = 'is required with an end date';
    if (d && it.discountUntil && v.startDate && it.discountUntil <= v.startDate) e[`items.${i}.discountUntil`] = 'must be after the start date';
  });
  const day = v.billingAnchorDay.trim();
  if (day && (!INT.test(day) || Number(day) < 1 || Number(day) > 31)) e.billingAnchorDay = 'must be a day from 1 to 31';
  if (v.trialDays.trim() && !INT.test(v.trialDays.trim())) e.trialDays = 'must be a whole number of days';
  if (!DEC.test(v.renewalUpliftPct.trim())) e.renewalUpliftPct = 'must be a percentage such as 5';
  else if (v.termMonths === 'open' && Number(v.renewalUpliftPct) !== 0) e.renewalUpliftPct = 'needs a contract term';
  if (!INT.test(v.noticeDays.trim())) e.noticeDays = 'must be a whole number of days';
  return e;
}

export function toCreateInput(v: SubscriptionValues): OpInput<'subscriptions.create'> {
  return {
    customerId: v.customerId,
    ...(v.currency ? { currency: v.currency } : {}),
    ...(v.startDate ? { startDate: v.startDate } : {}),
    ...(v.billingAnchorDay.trim() ? { billingAnchorDay: Number(v.billingAnchorDay.trim()) } : {}),
    items: v.items.map((it, i) => {
      const bundleId = bundleIdOf(it.planId);
      const d = (it.discount ?? '').trim();
      const discount = d
        ? { ...discountInput(it.discountKind ?? 'percent', d), ...((it.discountReason ?? '').trim() ? { discountReason: it.discountReason!.trim() } : {}), ...(it.discountUntil ? { discountUntil: it.discountUntil } : {}) }
        : {};
      return { ...(bundleId ? { bundleId } : { planId: it.planId }), quantity: it.quantity.trim(), addon: i > 0, ...discount };
    }),
    ...(v.trialDays.trim() ? { trialDays: Number(v.trialDays.trim()) } : {}),
    trialEndAction: v.trialEndAction,
    termMonths: v.termMonths === 'open' ? null : Number(v.termMonths),
    autoRenew: v.autoRenew,
    renewalUpliftPct: v.renewalUpliftPct.trim(),
    noticeDays: Number(v.noticeDays.trim()),
    prorationPolicy: v.prorationPolicy,
    prorationInvoicing: v.prorationInvoicing,
    poNumber: v.poNumber.trim() || null,
    buyerReference: v.buyerReference.trim() || null,
    notes: v.notes,
  };
}
