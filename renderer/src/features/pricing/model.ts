/**
 * Charge models as edited: every number is kept as typed (a string), tier bounds '' mean "open" (the last tier).
 * `checkModel` mirrors the API's rules so the editor can validate as the user types; `toModel` gives the API value
 * once the draft is valid. Paths are relative to the model ("tiers.1.upTo"), like the API's after "model.".
 */
import type { OpOutput } from '../../../../shared/api/index';
import type { ChargeModel } from '../../../../shared/api/ops/pricing';
import { dec } from '../../../../shared/domain/money';
import { formatMoney } from '../../components/format';

export type { ChargeModel };
export type ModelType = ChargeModel['type'];
export type PriceBookEntry = OpOutput<'pricebooks.list'>['items'][number];
export type PriceBookKind = PriceBookEntry['kind'];
export type Bundle = OpOutput<'bundles.get'>;
export type Plan = OpOutput<'plans.get'>;

export interface TierDraft {
  upTo: string;
  /** unitPrice (graduated/volume), price (stairstep) or rate (graduated_percentage). */
  price: string;
  flatFee: string;
}

export interface ModelDraft {
  type: ModelType;
  price: string;
  unitPrice: string;
  tiers: TierDraft[];
  packageSize: string;
  packagePrice: string;
  freeUnits: string;
  rate: string;
  fixedFee: string;
  freeTransactions: string;
  freeAmount: string;
  minPerTransaction: string;
  maxPerTransaction: string;
  minimum: string;
}

export type Errors = Record<string, string>;

export const MODEL_TYPES: { type: ModelType; label: string; hint: string }[] = [
  { type: 'flat', label: 'Flat fee', hint: 'One price per period, whatever the quantity' },
  { type: 'per_unit', label: 'Per unit', hint: 'The same price for every unit' },
  { type: 'graduated', label: 'Graduated', hint: 'Each tier prices the units that fall in it' },
  { type: 'volume', label: 'Volume', hint: 'The tier the total falls in prices every unit' },
  { type: 'package', label: 'Package', hint: 'Units sold in blocks; a started block counts' },
  { type: 'stairstep', label: 'Stairstep', hint: 'A fixed price per quantity range' },
  { type: 'percentage', label: 'Percentage', hint: 'A share of each transaction, plus fees' },
  { type: 'graduated_percentage', label: 'Graduated %', hint: 'Rates by tier of the total transaction amount' },
];
export const modelTypeLabel = (t: string): string => MODEL_TYPES.find((m) => m.type === t)?.label ?? t;

export const TIERED_TYPES: ModelType[] = ['graduated', 'volume', 'stairstep', 'graduated_percentage'];
export const isTiered = (t: ModelType): boolean => TIERED_TYPES.includes(t);
export const isTransactionType = (t: ModelType): boolean => t === 'percentage' || t === 'graduated_percentage';

export const KINDS: { kind: PriceBookKind; label: string; hint: string; types: ModelType[] }[] = [
  { kind: 'discount', label: 'Discount', hint: 'A percentage off every catalog price', types: [] },
  { kind: 'fixed_price', label: 'Fixed price', hint: 'A negotiated flat or per-unit price', types: ['flat', 'per_unit'] },
  { kind: 'custom_tiers', label: 'Custom tiers', hint: 'Tiers of its own', types: TIERED_TYPES },
  { kind: 'model', label: 'Other model', hint: 'Any charge model', types: MODEL_TYPES.map((m) => m.type) },
];
export const kindLabel = (k: string): string => KINDS.find((x) => x.kind === k)?.label ?? k;

const DECIMAL = /^\d+(\.\d+)?$/;
const s = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

const emptyTiers = (type: ModelType): TierDraft[] =>
  type === 'stairstep'
    ? [{ upTo: '10', price: '', flatFee: '' }, { upTo: '', price: '', flatFee: '' }]
    : [{ upTo: '10', price: '', flatFee: '' }, { upTo: '100', price: '', flatFee: '' }, { upTo: '', price: '', flatFee: '' }];

export function emptyDraft(type: ModelType = 'per_unit'): ModelDraft {
  return {
    type, price: '', unitPrice: '', tiers: emptyTiers(type), packageSize: '', packagePrice: '', freeUnits: '', rate: '', fixedFee: '',
    freeTransactions: '', freeAmount: '', minPerTransaction: '', maxPerTransaction: '', minimum: '',
  };
}

/** A draft of another type, carrying over what still makes sense (tiers between tiered types, the first price). */
export function switchType(d: ModelDraft, type: ModelType): ModelDraft {
  const next: ModelDraft = { ...d, type };
  const firstPrice = d.unitPrice || d.price || d.tiers[0]?.price || '';
  if (type === 'flat' && !next.price) next.price = firstPrice;
  if (type === 'per_unit' && !next.unitPrice) next.unitPrice = firstPrice;
  if (isTiered(type) && !(isTiered(d.type) && (d.type === 'graduated_percentage') === (type === 'graduated_percentage'))) {
    next.tiers = emptyTiers(type).map((t, i) => (i === 0 ? { ...t, price: type === 'graduated_percentage' ? '' : firstPrice } : t));
  }
  return next;
}

export function draftOf(m: ChargeModel): ModelDraft {
  const d = emptyDraft(m.type);
  d.minimum = s(m.minimum);
  switch (m.type) {
    case 'flat': d.price = s(m.price); break;
    case 'per_unit': d.unitPrice = s(m.unitPrice); break;
    case 'graduated': case 'volume': d.tiers = m.tiers.map((t) => ({ upTo: s(t.upTo), price: s(t.unitPrice), flatFee: s(t.flatFee) })); break;
    case 'stairstep': d.tiers = m.steps.map((t) => ({ upTo: s(t.upTo), price: s(t.price), flatFee: '' })); break;
    case 'graduated_percentage': d.tiers = m.tiers.map((t) => ({ upTo: s(t.upTo), price: s(t.rate), flatFee: s(t.flatFee) })); break;
    case 'package': d.packageSize = s(m.packageSize); d.packagePrice = s(m.packagePrice); d.freeUnits = s(m.freeUnits); break;
    case 'percentage':
      d.rate = s(m.rate); d.fixedFee = s(m.fixedFee); d.freeTransactions = s(m.freeTransactions); d.freeAmount = s(m.freeAmount);
      d.minPerTransaction = s(m.minPerTransaction); d.maxPerTransaction = s(m.maxPerTransaction);
      break;
  }
  return d;
}

function amount(v: string, path: string, e: Errors, required = true): void {
  const t = v.trim();
  if (!t) {
    if (required) e[path] = 'Required';
    return;
  }
  if (t.startsWith('-')) e[path] = 'Must not be negative';
  else if (!DECIMAL.test(t)) e[path] = 'Enter a number such as 12.50';
}

/** Tier rules: bounds strictly ascending, only (and always) the last tier open, prices non-negative. */
function checkTiers(d: ModelDraft, e: Errors): void {
  const key = d.type === 'stairstep' ? 'steps' : 'tiers';
  const noun = d.type === 'stairstep' ? 'step' : 'tier';
  const last = d.tiers.length - 1;
  if (d.tiers.length === 0) e[key] = `Add at least one ${noun}`;
  let prev: { i: number; v: string } | null = null;
  d.tiers.forEach((t, i) => {
    const up = t.upTo.trim();
    if (!up) {
      if (i !== last) e[`${key}.${i}.upTo`] = `Only the last ${noun} may be open: enter its upper bound`;
    } else if (i === last) {
      e[`${key}.${i}.upTo`] = `The last ${noun} must be open: leave "up to" empty`;
    } else if (up.startsWith('-')) {
      e[`${key}.${i}.upTo`] = 'Must not be negative';
    } else if (!DECIMAL.test(up)) {
      e[`${key}.${i}.upTo`] = 'Enter a number';
    } else {
      if (prev && !dec(up).gt(prev.v)) e[`${key}.${i}.upTo`] = `Must be above ${prev.v} (${noun} ${prev.i + 1}): bounds ascend`;
      if (!prev || dec(up).gt(prev.v)) prev = { i, v: up };
    }
    const priceKey = d.type === 'stairstep' ? 'price' : d.type === 'graduated_percentage' ? 'rate' : 'unitPrice';
    amount(t.price, `${key}.${i}.${priceKey}`, e);
    if (d.type !== 'stairstep') amount(t.flatFee, `${key}.${i}.flatFee`, e, false);
  });
}

/** Problems of a draft (relative path → message); empty when it is a valid model. */
export function checkModel(d: ModelDraft): Errors {
  const e: Errors = {};
  switch (d.type) {
    case 'flat': amount(d.price, 'price', e); break;
    case 'per_unit': amount(d.unitPrice, 'unitPrice', e); break;
    case 'graduated': case 'volume': case 'stairstep': case 'graduated_percentage': checkTiers(d, e); break;
    case 'package':
      amount(d.packageSize, 'packageSize', e);
      if (!e.packageSize && dec(d.packageSize.trim()).isZero()) e.packageSize = 'Must be greater than 0';
      amount(d.packagePrice, 'packagePrice', e);
      amount(d.freeUnits, 'freeUnits', e, false);
      break;
    case 'percentage':
      amount(d.rate, 'rate', e);
      amount(d.fixedFee, 'fixedFee', e, false);
      amount(d.freeAmount, 'freeAmount', e, false);
      amount(d.minPerTransaction, 'minPerTransaction', e, false);
      amount(d.maxPerTransaction, 'maxPerTransaction', e, false);
      if (d.freeTransactions.trim() && !/^\d+$/.test(d.freeTransactions.trim())) e.freeTransactions = 'Enter a whole number';
      if (!e.minPerTransaction && !e.maxPerTransaction && d.minPerTransaction.trim() && d.maxPerTransaction.trim() && dec(d.maxPerTransaction.trim()).lt(d.minPerTransaction.trim())) {
        e.maxPerTransaction = 'Must not be below the minimum';
      }
      break;
  }
  amount(d.minimum, 'minimum', e, false);
  return e;
}

const opt = (v: string): string | undefined => (v.trim() ? v.trim() : undefined);
const clean = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The API model of a draft, or null while the draft has problems. */
export function toModel(d: ModelDraft): ChargeModel | null {
  if (Object.keys(checkModel(d)).length > 0) return null;
  const base = { minimum: opt(d.minimum) };
  const up = (t: TierDraft) => (t.upTo.trim() ? t.upTo.trim() : null);
  switch (d.type) {
    case 'flat': return clean({ type: 'flat' as const, price: d.price.trim(), ...base });
    case 'per_unit': return clean({ type: 'per_unit' as const, unitPrice: d.unitPrice.trim(), ...base });
    case 'graduated': case 'volume':
      return clean({ type: d.type, tiers: d.tiers.map((t) => clean({ upTo: up(t), unitPrice: t.price.trim(), flatFee: opt(t.flatFee) })), ...base });
    case 'stairstep': return clean({ type: 'stairstep' as const, steps: d.tiers.map((t) => ({ upTo: up(t), price: t.price.trim() })), ...base });
    case 'graduated_percentage':
      return clean({ type: 'graduated_percentage' as const, tiers: d.tiers.map((t) => clean({ upTo: up(t), rate: t.price.trim(), flatFee: opt(t.flatFee) })), ...base });
    case 'package': return clean({ type: 'package' as const, packageSize: d.packageSize.trim(), packagePrice: d.packagePrice.trim(), freeUnits: opt(d.freeUnits), ...base });
    case 'percentage':
      return clean({
        type: 'percentage' as const, rate: d.rate.trim(), fixedFee: opt(d.fixedFee), freeTransactions: d.freeTransactions.trim() ? Number(d.freeTransactions.trim()) : undefined,
        freeAmount: opt(d.freeAmount), minPerTransaction: opt(d.minPerTransaction), maxPerTransaction: opt(d.maxPerTransaction), ...base,
      });
  }
}

/** "EUR 9.00 / unit", "Graduated · 3 tiers from EUR 10.00", "2.9 % + EUR 0.30". */
export function modelSummary(m: ChargeModel | null | undefined, currency: string): string {
  if (!m) return '—';
  const money = (v: string | number) => formatMoney(String(v), currency);
  switch (m.type) {
    case 'flat': return `${money(m.price)} flat`;
    case 'per_unit': return `${money(m.unitPrice)} / unit`;
    case 'graduated': case 'volume': return `${modelTypeLabel(m.type)} · ${m.tiers.length} tier${m.tiers.length === 1 ? '' : 's'} from ${money(m.tiers[0]!.unitPrice)}`;
    case 'stairstep': return `Stairstep · ${m.steps.length} steps from ${money(m.steps[0]!.price)}`;
    case 'package': return `${money(m.packagePrice)} per ${m.packageSize} units`;
    case 'percentage': return `${m.rate} %${m.fixedFee ? ` + ${money(m.fixedFee)}` : ''} per transaction`;
    case 'graduated_percentage': return `Graduated % · ${m.tiers.length} tiers from ${m.tiers[0]!.rate} %`;
  }
}

/** A contract price's terms in words. */
export function termsSummary(e: Pick<PriceBookEntry, 'kind' | 'model' | 'discountPercent' | 'currency'>): string {
  return e.kind === 'discount' ? `${e.discountPercent} % off catalog` : modelSummary(e.model, e.currency);
}

/** Validity in words: "2026-01-01 → open-ended". */
export const validity = (from: string, to: string | null): string => `${from} → ${to ?? 'open-ended'}`;

/** Field errors of a failed call under `prefix` (e.g. "model."), with the prefix removed. */
export function errorsUnder(errors: Errors, prefix: string): Errors {
  const out: Errors = {};
  for (const [k, v] of Object.entries(errors)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

/** "12500.5" → "12,500.5" (quantities keep their decimals). */
export function formatQuantity(q: string): string {
  if (!DECIMAL.test(q)) return q;
  const [int, frac] = q.split('.');
  return int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac ? '.' + frac : '');
}
