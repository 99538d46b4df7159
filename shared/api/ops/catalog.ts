import { z } from 'zod';
import { CurrencyCode, Id, IsoDateTime, pageOf, SortDir } from '../common';
import { op } from '../op';
import { ChargeModel } from './pricing';

export const TaxCategory = z.enum(['standard', 'reduced', 'super_reduced', 'zero', 'exempt']);
export const ProductKind = z.enum(['service', 'physical']);
/** Units of measure with their UN/ECE Recommendation 20 codes (used in e-invoices). */
export const UNITS = {
  each: 'C62', hour: 'HUR', day: 'DAY', month: 'MON', year: 'ANN', seat: 'C62', user: 'C62', license: 'C62',
  gb: 'E34', tb: 'E35', api_call: 'C62', kg: 'KGM', litre: 'LTR', metre: 'MTR', box: 'XBX', pack: 'XPK', pallet: 'XPX',
} as const;
export const Unit = z.enum(Object.keys(UNITS) as [keyof typeof UNITS, ...(keyof typeof UNITS)[]]);

const sku = z.string().trim().min(1, 'is required').max(64).regex(/^[A-Za-z0-9][A-Za-z0-9\-_./]*$/, 'may contain letters, digits and - _ . /');

export const ProductCreateInput = z.object({
  sku,
  name: z.string().trim().min(1, 'is required').max(200),
  description: z.string().max(5000).default(''),
  unit: Unit.default('each'),
  taxCategory: TaxCategory.default('standard'),
  kind: ProductKind.default('service'),
  active: z.boolean().default(true),
});
/** Patch: every field optional and WITHOUT defaults, so fields left out are never reset. */
export const ProductPatch = z
  .object({
    sku,
    name: z.string().trim().min(1, 'is required').max(200),
    description: z.string().max(5000),
    unit: Unit,
    taxCategory: TaxCategory,
    kind: ProductKind,
    active: z.boolean(),
  })
  .partial();

export const Product = z.object({
  id: Id,
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  unit: Unit,
  taxCategory: TaxCategory,
  kind: ProductKind,
  active: z.boolean(),
  version: z.number().int(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Product = z.output<typeof Product>;

export const BillingInterval = z.enum(['month', 'quarter', 'year', 'every_n_months']);

export const PlanPrice = z.object({ currency: CurrencyCode, model: ChargeModel });
export type PlanPrice = z.output<typeof PlanPrice>;

const planCode = z.string().trim().min(1, 'is required').max(64).regex(/^[A-Za-z0-9][A-Za-z0-9\-_./]*$/, 'may contain letters, digits and - _ . /');

const pricesSchema = z
  .array(PlanPrice)
  .min(1, 'at least one price is required')
  .superRefine((prices, ctx) => {
    const seen = new Set<string>();
    prices.forEach((p, i) => {
      if (seen.has(p.currency)) ctx.addIssue({ code: 'custom', path: [i, 'currency'], message: `has a second price in ${p.currency}` });
      seen.add(p.currency);
    });
  });

const planFields = {
  productId: Id,
  code: planCode,
  name: z.string().trim().min(1, 'is required').max(200),
  interval: BillingInterval.default('month'),
  intervalCount: z.number().int().min(1).max(120).default(1),
  prices: pricesSchema,
  trialDays: z.number().int().min(0).max(365).default(0),
  active: z.boolean().default(true),
};
function refineInterval(v: { interval?: string; intervalCount?: number }, ctx: z.RefinementCtx) {
  if (v.interval && v.interval !== 'every_n_months' && v.intervalCount !== undefined && v.intervalCount !== 1) {
    ctx.addIssue({ code: 'custom', path: ['intervalCount'], message: 'must be 1 unless interval is every_n_months' });
  }
}
export const PlanCreateInput = z.object(planFields).superRefine(refineInterval);

/** Patch: every field optional and WITHOUT defaults, so fields left out are never reset. */
export const PlanPatch = z
  .object({
    code: planCode,
    name: z.string().trim().min(1, 'is required').max(200),
    interval: BillingInterval,
    intervalCount: z.number().int().min(1).max(120),
    prices: pricesSchema,
    trialDays: z.number().int().min(0).max(365),
    active: z.boolean(),
  })
  .partial()
  .superRefine(refineInterval);

export const Plan = z.object({
  id: Id,
  productId: Id,
  code: z.string(),
  name: z.string(),
  interval: BillingInterval,
  intervalCount: z.number().int(),
  /** The interval in months (month 1, quarter 3, year 12, every_n_months N). */
  intervalMonths: z.number().int(),
  prices: z.array(PlanPrice),
  trialDays: z.number().int(),
  active: z.boolean(),
  version: z.number().int(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Plan = z.output<typeof Plan>;

const listBase = {
  search: z.string().trim().max(200).optional(),
  active: z.enum(['active', 'inactive', 'all']).default('all'),
  sortDir: SortDir,
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(10000).default(500),
};

export const catalogOps = {
  'products.create': op({ name: 'products.create', summary: 'Create a product', mutating: true, input: ProductCreateInput, output: Product }),
  'products.update': op({
    name: 'products.update', summary: 'Update a product', mutating: true,
    input: z.object({ id: Id, expectedVersion: z.number().int().optional(), patch: ProductPatch }), output: Product,
  }),
  'products.get': op({ name: 'products.get', summary: 'Get a product', mutating: false, input: z.object({ id: Id }), output: Product }),
  'products.list': op({
    name: 'products.list', summary: 'List products', mutating: false,
    input: z.object({ ...listBase, kind: ProductKind.optional(), sortBy: z.enum(['sku', 'name', 'createdAt']).default('name') }), output: pageOf(Product),
  }),
  'products.archive': op({ name: 'products.archive', summary: 'Deactivate a product', mutating: true, input: z.object({ id: Id }), output: Product }),
  'plans.create': op({ name: 'plans.create', summary: 'Create a plan (billing interval and prices per currency)', mutating: true, input: PlanCreateInput, output: Plan }),
  'plans.update': op({
    name: 'plans.update', summary: 'Update a plan', mutating: true,
    input: z.object({ id: Id, expectedVersion: z.number().int().optional(), patch: PlanPatch }),
    output: Plan,
  }),
  'plans.get': op({ name: 'plans.get', summary: 'Get a plan', mutating: false, input: z.object({ id: Id }), output: Plan }),
  'plans.list': op({
    name: 'plans.list', summary: 'List plans', mutating: false,
    input: z.object({ ...listBase, productId: Id.optional(), currency: CurrencyCode.optional(), sortBy: z.enum(['code', 'name', 'createdAt']).default('name') }),
    output: pageOf(Plan),
  }),
  'plans.archive': op({ name: 'plans.archive', summary: 'Deactivate a plan', mutating: true, input: z.object({ id: Id }), output: Plan }),
} as const;

