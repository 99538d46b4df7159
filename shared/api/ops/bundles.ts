/**
 * Bundles: plans and add-ons sold as one item, priced either at a bundle price per currency (pricing 'fixed') or at
 * a percentage off the sum of its parts' list prices (pricing 'discount'), and always shown with their parts:
 * "Bundle X (parts: A, B, C)". Cadence never converts currencies: quoting a currency the bundle (or a part) has no
 * price in is a 422 saying so.
 */
import { z } from 'zod';
import { CurrencyCode, Id, IsoDateTime, NonNegDecimalString, pageOf, SortDir } from '../common';
import { op } from '../op';
import { Percent } from './pricebooks';

export const BundlePricing = z.enum(['fixed', 'discount']);

export const BundleItemInput = z.object({
  planId: Id,
  /** Units of the plan in one bundle (seats, …); flat plans ignore it. */
  quantity: NonNegDecimalString.default('1'),
  /** An add-on rather than a core plan (shown apart). */
  addOn: z.boolean().default(false),
});
export const BundlePrice = z.object({ currency: CurrencyCode, price: NonNegDecimalString });

const code = z.string().trim().min(1, 'is required').max(64).regex(/^[A-Za-z0-9][A-Za-z0-9\-_./]*$/, 'may contain letters, digits and - _ . /');

const definitionFields = {
  pricing: BundlePricing,
  /** pricing 'fixed': the bundle price per currency (one per currency). */
  prices: z.array(BundlePrice).max(50).default([]),
  /** pricing 'discount': percent off the parts' list prices. */
  discountPercent: Percent.nullish(),
  items: z.array(BundleItemInput).min(1, 'a bundle needs at least one part').max(50),
};

interface DefinitionLike {
  pricing?: string;
  prices?: { currency: string }[];
  discountPercent?: string | null;
  items?: { planId: string }[];
}
function refineDefinition(v: DefinitionLike, ctx: z.RefinementCtx) {
  if (v.pricing === 'fixed' && v.prices && v.prices.length === 0) ctx.addIssue({ code: 'custom', path: ['prices'], message: 'a fixed-price bundle needs a price in at least one currency' });
  if (v.pricing === 'discount' && (v.discountPercent === undefined || v.discountPercent === null)) ctx.addIssue({ code: 'custom', path: ['discountPercent'], message: 'is required for a discount bundle' });
  const currencies = new Set<string>();
  v.prices?.forEach((p, i) => {
    if (currencies.has(p.currency)) ctx.addIssue({ code: 'custom', path: ['prices', i, 'currency'], message: `has a second price in ${p.currency}` });
    currencies.add(p.currency);
  });
  const plans = new Set<string>();
  v.items?.forEach((it, i) => {
    if (plans.has(it.planId)) ctx.addIssue({ code: 'custom', path: ['items', i, 'planId'], message: 'this plan is already a part of the bundle (raise its quantity instead)' });
    plans.add(it.planId);
  });
}

/** A bundle's pricing and parts, without identity (also quotable unsaved, for the bundle builder). */
export const BundleDefinition = z.object(definitionFields).superRefine(refineDefinition);
export type BundleDefinition = z.output<typeof BundleDefinition>;

const bundleFields = {
  code,
  name: z.string().trim().min(1, 'is required').max(200),
  description: z.string().max(5000).default(''),
  ...definitionFields,
  active: z.boolean().default(true),
};

export const BundleCreateInput = z.object(bundleFields).superRefine(refineDefinition);

/** A patch: given fields replace the bundle's (no defaults here, so an absent field keeps its value). */
export const BundlePatch = z
  .object({
    code,
    name: bundleFields.name,
    description: z.string().max(5000),
    pricing: BundlePricing,
    prices: z.array(BundlePrice).max(50),
    discountPercent: Percent.nullable(),
    items: definitionFields.items,
    active: z.boolean(),
  })
  .partial()
  .superRefine(refineDefinition);

export const BundleItem = z.object({
  planId: Id,
  planCode: z.string(),
  planName: z.string(),
  quantity: z.string(),
  addOn: z.boolean(),
  /** Currencies the plan has a catalog price in. */
  currencies: z.array(z.string()),
});

export const Bundle = z.object({
  id: Id,
  code: z.string(),
  name: z.string(),
  description: z.string(),
  pricing: BundlePricing,
  prices: z.array(z.object({ currency: z.string(), price: z.string() })),
  discountPercent: z.string().nullable(),
  items: z.array(BundleItem),
  /** Currencies the bundle can be quoted in: fixed → its prices' currencies that every part has too; discount → every part's. */
  currencies: z.array(z.string()),
  /** "Bundle X (parts: A, B, C)". */
  label: z.string(),
  active: z.boolean(),
  version: z.number().int(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Bundle = z.output<typeof Bundle>;

export const BundleQuoteInput = z
  .object({
    /** A saved bundle… */
    bundleId: Id.optional(),
    /** …or an unsaved definition (the bundle builder's live preview). */
    bundle: BundleDefinition.optional(),
    currency: CurrencyCode,
    /** Per-part quantity overrides, by plan id. */
    quantities: z.record(z.string(), NonNegDecimalString).optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.bundleId === undefined) === (v.bundle === undefined)) ctx.addIssue({ code: 'custom', path: ['bundleId'], message: 'give either bundleId or an unsaved bundle definition' });
  });

export const BundleQuotePart = z.object({
  planId: Id,
  planCode: z.string(),
  planName: z.string(),
  addOn: z.boolean(),
  quantity: z.string(),
  /** The part's catalog (list) price for its quantity, rounded to the currency. */
  listAmount: z.string(),
  listAmountMinor: z.number().int(),
  /** Its share of the bundle total (shares sum to the total exactly). */
  amount: z.string(),
  amountMinor: z.number().int(),
  discountAmount: z.string(),
  discountMinor: z.number().int(),
});

export const BundleQuote = z.object({
  bundleId: Id.nullable(),
  code: z.string().nullable(),
  name: z.string().nullable(),
  label: z.string(),
  currency: z.string(),
  pricing: BundlePricing,
  parts: z.array(BundleQuotePart),
  listTotal: z.string(),
  listTotalMinor: z.number().int(),
  discountTotal: z.string(),
  discountTotalMinor: z.number().int(),
  /** Saving against the list total in percent (2 decimals; negative when the bundle costs more). */
  discountPercent: z.string(),
  total: z.string(),
  totalMinor: z.number().int(),
});
export type BundleQuote = z.output<typeof BundleQuote>;

export const bundleOps = {
  'bundles.create': op({ name: 'bundles.create', summary: 'Create a bundle of plans and add-ons', mutating: true, input: BundleCreateInput, output: Bundle }),
  'bundles.update': op({
    name: 'bundles.update', summary: 'Update a bundle (its parts are replaced as given)', mutating: true,
    input: z.object({
      id: Id,
      expectedVersion: z.number().int().optional(),
      patch: BundlePatch,
    }),
    output: Bundle,
  }),
  'bundles.get': op({ name: 'bundles.get', summary: 'Get a bundle with its parts', mutating: false, input: z.object({ id: Id }), output: Bundle }),
  'bundles.list': op({
    name: 'bundles.list', summary: 'List bundles', mutating: false,
    input: z.object({
      search: z.string().trim().max(200).optional(),
      active: z.enum(['active', 'inactive', 'all']).default('all'),
      currency: CurrencyCode.optional(),
      sortDir: SortDir,
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(10000).default(500),
    }),
    output: pageOf(Bundle),
  }),
  'bundles.archive': op({ name: 'bundles.archive', summary: 'Deactivate a bundle', mutating: true, input: z.object({ id: Id }), output: Bundle }),
  'bundles.quote': op({
    name: 'bundles.quote', summary: 'A bundle in a currency: its parts with list prices, the discount and the bundle total', mutating: false,
    input: BundleQuoteInput, output: BundleQuote,
  }),
} as const;
