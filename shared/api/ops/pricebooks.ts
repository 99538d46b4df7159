/**
 * Price books: a customer's contract prices, per (customer, plan, currency), each valid over [validFrom, validTo)
 * (validTo exclusive, null = open). A contract price is one of
 * - fixed_price: a negotiated flat or per-unit model;
 * - discount: a percentage off the plan's catalog model in that currency (every price, fee and tier);
 * - custom_tiers: a graduated / volume / stairstep / graduated-percentage model of its own;
 * - model: any charge model.
 * Versions: every change writes a new version row; the old one is kept — superseded (a correction) or with its
 * validity closed at the date the new price starts (a price change). Windows of one (customer, plan, currency) never
 * overlap (409 naming the field). Where no contract price is in force the catalog price applies.
 */
import { z } from 'zod';
import { dec } from '../../domain/money';
import { contractTermsIssues, type ContractKind } from '../../domain/pricing/contract';
import { VOLUME_SCOPES, type VolumeScope as DomainVolumeScope } from '../../domain/pricing/volume';
import { CurrencyCode, Id, IsoDate, IsoDateTime, NonNegDecimalString } from '../common';
import { op } from '../op';
import { ChargeModel, Quote, QuoteInput, RoundingMode } from './pricing';

export const PriceBookKind = z.enum(['fixed_price', 'discount', 'custom_tiers', 'model']);
export const VolumeScope = z.enum(VOLUME_SCOPES as [DomainVolumeScope, ...DomainVolumeScope[]]);
export const PriceBookStatus = z.enum(['active', 'superseded']);
/** How a version came to be: created, corrected (replaces the previous version), price_change (from a date on), ended. */
export const PriceBookChange = z.enum(['created', 'corrected', 'price_change', 'ended']);
/** Relative to today: past (validTo ≤ today), current, future (validFrom > today); superseded versions are 'superseded'. */
export const PriceBookTiming = z.enum(['past', 'current', 'future', 'superseded']);

export const Percent = NonNegDecimalString.refine((s) => !/^\d+(\.\d+)?$/.test(s) || dec(s).lte(100), 'must be between 0 and 100');

const termFields = {
  kind: PriceBookKind,
  /** fixed_price: flat | per_unit; custom_tiers: graduated | volume | stairstep | graduated_percentage; model: any. */
  model: ChargeModel.nullish(),
  /** discount: percent off the catalog model, e.g. "10" for 10 %. */
  discountPercent: Percent.nullish(),
  /** Which quantity selects the tier: this subscription's, the account's, or the account hierarchy's. */
  volumeScope: VolumeScope.default('subscription'),
  validFrom: IsoDate,
  /** Exclusive; null = open-ended. */
  validTo: IsoDate.nullable().default(null),
  note: z.string().trim().max(2000).default(''),
};

/** Adds the kind/model/dates issues of a contract term to a zod context. */
function refineTerms(v: { kind?: ContractKind; model?: unknown; discountPercent?: string | null; validFrom?: string; validTo?: string | null }, ctx: z.RefinementCtx) {
  if (!v.kind) return;
  for (const i of contractTermsIssues({ ...v, kind: v.kind, model: v.model as ChargeModel | null | undefined })) {
    ctx.addIssue({ code: 'custom', path: i.path.split('.'), message: i.message });
  }
}

export const PriceBookCreateInput = z
  .object({ customerId: Id, planId: Id, currency: CurrencyCode, ...termFields })
  .superRefine(refineTerms);
export type PriceBookCreateInput = z.output<typeof PriceBookCreateInput>;

export const PriceBookPatch = z.object({
  kind: PriceBookKind,
  model: ChargeModel.nullable(),
  discountPercent: Percent.nullable(),
  volumeScope: VolumeScope,
  validFrom: IsoDate,
  validTo: IsoDate.nullable(),
  note: z.string().trim().max(2000),
}).partial();
export type PriceBookPatch = z.output<typeof PriceBookPatch>;

export const PriceBookUpdateInput = z.object({
  /** The version being edited; a superseded version is a 409 (someone changed it meanwhile). */
  id: Id,
  /**
   * A price change from this date on: the edited version's validity is closed the day before (validTo = effectiveFrom)
   * and the new version starts on it. Without it the new version corrects (supersedes) the edited one.
   */
  effectiveFrom: IsoDate.optional(),
  patch: PriceBookPatch,
});

export const PriceBookEntry = z.object({
  /** This version's id. */
  id: Id,
  /** The contract price's id, shared by all its versions. */
  entryId: Id,
  version: z.number().int(),
  customerId: Id,
  planId: Id,
  planCode: z.string(),
  planName: z.string(),
  currency: z.string(),
  kind: PriceBookKind,
  model: ChargeModel.nullable(),
  discountPercent: z.string().nullable(),
  volumeScope: VolumeScope,
  validFrom: IsoDate,
  validTo: IsoDate.nullable(),
  note: z.string(),
  status: PriceBookStatus,
  change: PriceBookChange,
  timing: PriceBookTiming,
  /** The version this one replaced or continued, and the one that replaced or continued it. */
  previousId: Id.nullable(),
  replacedBy: Id.nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type PriceBookEntry = z.output<typeof PriceBookEntry>;

export const Triple = { customerId: Id, planId: Id, currency: CurrencyCode };

export const EffectivePriceInput = z.object({ ...Triple, /** Default: today. */ date: IsoDate.optional() });
export const EffectivePrice = z.object({
  customerId: Id,
  planId: Id,
  currency: z.string(),
  date: IsoDate,
  /** 'catalog' or 'price_book'. */
  source: z.enum(['catalog', 'price_book']),
  /** The contract price (entry) and version in force; null for the catalog. */
  entryId: Id.nullable(),
  versionId: Id.nullable(),
  kind: PriceBookKind.nullable(),
  discountPercent: z.string().nullable(),
  volumeScope: VolumeScope,
  /** The resolved model in force (a discount already applied). */
  model: ChargeModel,
  /** The plan's catalog model in this currency, null when it has none. */
  catalogModel: ChargeModel.nullable(),
  validFrom: IsoDate,
  validTo: IsoDate.nullable(),
});
export type EffectivePrice = z.output<typeof EffectivePrice>;

export const SchedulePoint = z.object({
  validFrom: IsoDate,
  validTo: IsoDate.nullable(),
  model: ChargeModel,
  /** 'catalog' or the price book version id. */
  source: z.string(),
  entryId: Id.nullable(),
  kind: PriceBookKind.nullable(),
  volumeScope: VolumeScope,
});

export const PreviewInput = z.object({
  ...Triple,
  date: IsoDate.optional(),
  quantity: QuoteInput.shape.quantity,
  transactions: QuoteInput.shape.transactions,
  rounding: RoundingMode.optional(),
});
/** The pricing.quote answer, plus where the model came from. */
export const Preview = Quote.extend({
  source: z.enum(['catalog', 'price_book']),
  versionId: Id.nullable(),
  model: ChargeModel,
  date: IsoDate,
});

export const pricebookOps = {
  'pricebooks.list': op({
    name: 'pricebooks.list', summary: "A customer's contract prices (current versions; with history on request)", mutating: false,
    input: z.object({
      customerId: Id,
      planId: Id.optional(),
      currency: CurrencyCode.optional(),
      /** Include superseded versions. */
      includeHistory: z.boolean().default(false),
    }),
    output: z.object({ items: z.array(PriceBookEntry) }),
  }),
  'pricebooks.get': op({ name: 'pricebooks.get', summary: 'One contract price version', mutating: false, input: z.object({ id: Id }), output: PriceBookEntry }),
  'pricebooks.create': op({
    name: 'pricebooks.create', summary: "Add a contract price for a customer's plan in a currency", mutating: true,
    input: PriceBookCreateInput, output: PriceBookEntry,
  }),
  'pricebooks.update': op({
    name: 'pricebooks.update', summary: 'Change a contract price: writes a new version (a correction, or a price change from a date)', mutating: true,
    input: PriceBookUpdateInput, output: PriceBookEntry,
  }),
  'pricebooks.end': op({
    name: 'pricebooks.end', summary: 'End a contract price: its validity closes at validTo (exclusive); writes a new version', mutating: true,
    input: z.object({ id: Id, validTo: IsoDate }), output: PriceBookEntry,
  }),
  'pricebooks.history': op({
    name: 'pricebooks.history', summary: 'Every version of the contract prices of a (customer, plan, currency), or of one contract price', mutating: false,
    input: z.union([z.object({ id: Id }), z.object(Triple)]),
    output: z.object({ items: z.array(PriceBookEntry) }),
  }),
  'pricebooks.effectivePrice': op({
    name: 'pricebooks.effectivePrice', summary: "The model in force for a customer's plan in a currency on a date, and where it comes from", mutating: false,
    input: EffectivePriceInput, output: EffectivePrice,
  }),
  'pricebooks.schedule': op({
    name: 'pricebooks.schedule', summary: 'The price in force over time: contract windows, catalog price in the gaps', mutating: false,
    input: z.object(Triple), output: z.object({ items: z.array(SchedulePoint) }),
  }),
  'pricebooks.preview': op({
    name: 'pricebooks.preview', summary: 'Quote a quantity (or transactions) under the price in force on a date (pricing.quote answer)', mutating: false,
    input: PreviewInput.superRefine((v, ctx) => {
      if (v.quantity === undefined && v.transactions === undefined) ctx.addIssue({ code: 'custom', path: ['quantity'], message: 'give a quantity (or transactions for a percentage model)' });
    }),
    output: Preview,
  }),
} as const;
