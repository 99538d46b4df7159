/** Product and plan editor values (as typed) and their conversion to the API inputs. */
import type { OpInput, OpOutput } from '../../../../shared/api/index';
import type { FieldErrors } from '../../components/form';
import { checkPrices, type PriceValues, priceValuesOf, toPlanPrices } from './pricing/PriceEditor';

export type Product = OpOutput<'products.get'>;
export type Plan = OpOutput<'plans.get'>;

export const UNIT_OPTIONS = [
  ['each', 'Each'], ['hour', 'Hour'], ['day', 'Day'], ['month', 'Month'], ['year', 'Year'], ['seat', 'Seat'], ['user', 'User'],
  ['license', 'License'], ['gb', 'GB'], ['tb', 'TB'], ['api_call', 'API call'], ['kg', 'Kilogram'], ['litre', 'Litre'],
  ['metre', 'Metre'], ['box', 'Box'], ['pack', 'Pack'], ['pallet', 'Pallet'],
].map(([value, label]) => ({ value, label }));
export const TAX_CATEGORY_OPTIONS = [
  { value: 'standard', label: 'Standard rate' },
  { value: 'reduced', label: 'Reduced rate' },
  { value: 'super_reduced', label: 'Super-reduced rate' },
  { value: 'zero', label: 'Zero rate' },
  { value: 'exempt', label: 'Exempt' },
];
export const KIND_OPTIONS = [
  { value: 'service', label: 'Service' },
  { value: 'physical', label: 'Physical goods' },
];
export const INTERVAL_OPTIONS = [
  { value: 'month', label: 'Monthly' },
  { value: 'quarter', label: 'Quarterly' },
  { value: 'year', label: 'Yearly' },
  { value: 'every_n_months', label: 'Every N months' },
];
export const labelOf = (options: { value: string; label: string }[], v: string) => options.find((o) => o.value === v)?.label ?? v;

export function intervalLabel(p: Pick<Plan, 'interval' | 'intervalCount'>): string {
  if (p.interval === 'every_n_months') return p.intervalCount === 1 ? 'Monthly' : `Every ${p.intervalCount} months`;
  return labelOf(INTERVAL_OPTIONS, p.interval);
}

/* ---------- products ---------- */

export interface ProductValues {
  sku: string;
  name: string;
  description: string;
  unit: string;
  taxCategory: string;
  kind: string;
  active: boolean;
}

export const newProductValues = (): ProductValues => ({ sku: '', name: '', description: '', unit: 'each', taxCategory: 'standard', kind: 'service', active: true });
export const productValuesOf = (p: Product): ProductValues => ({ sku: p.sku, name: p.name, description: p.description, unit: p.unit, taxCategory: p.taxCategory, kind: p.kind, active: p.active });

export function checkProduct(v: ProductValues): FieldErrors {
  const e: FieldErrors = {};
  if (!v.sku.trim()) e.sku = 'is required';
  if (!v.name.trim()) e.name = 'is required';
  return e;
}

export const toProductInput = (v: ProductValues): OpInput<'products.create'> => ({
  sku: v.sku, name: v.name, description: v.description,
  unit: v.unit as OpInput<'products.create'>['unit'],
  taxCategory: v.taxCategory as OpInput<'products.create'>['taxCategory'],
  kind: v.kind as OpInput<'products.create'>['kind'],
  active: v.active,
});

/* ---------- plans ---------- */

export interface PlanValues {
  productId: string;
  code: string;
  name: string;
  interval: string;
  intervalCount: string;
  trialDays: string;
  active: boolean;
  prices: PriceValues[];
}

export const newPlanValues = (currency: string): PlanValues => ({
  productId: '', code: '', name: '', interval: 'month', intervalCount: '1', trialDays: '0', active: true,
  prices: [{ currency, model: { type: 'flat', price: '' } }],
});

export const planValuesOf = (p: Plan): PlanValues => ({
  productId: p.productId, code: p.code, name: p.name, interval: p.interval, intervalCount: String(p.intervalCount),
  trialDays: String(p.trialDays), active: p.active, prices: p.prices.map(priceValuesOf),
});

export function checkPlan(v: PlanValues): FieldErrors {
  const e: FieldErrors = {};
  if (!v.productId) e.productId = 'is required';
  if (!v.code.trim()) e.code = 'is required';
  if (!v.name.trim()) e.name = 'is required';
  if (v.interval === 'every_n_months') {
    if (!/^\d+$/.test(v.intervalCount.trim()) || Number(v.intervalCount) < 1 || Number(v.intervalCount) > 120) e.intervalCount = 'must be a whole number from 1 to 120';
  }
  if (!/^\d+$/.test(v.trialDays.trim())) e.trialDays = 'must be a whole number of days';
  Object.assign(e, checkPrices(v.prices, 'prices'));
  return e;
}

function planFields(v: PlanValues) {
  return {
    code: v.code,
    name: v.name,
    interval: v.interval as OpInput<'plans.create'>['interval'],
    intervalCount: v.interval === 'every_n_months' ? Number(v.intervalCount.trim()) : 1,
    trialDays: Number(v.trialDays.trim()),
    active: v.active,
    prices: toPlanPrices(v.prices),
  };
}

export const toPlanCreate = (v: PlanValues): OpInput<'plans.create'> => ({ productId: v.productId, ...planFields(v) });
export const toPlanPatch = (v: PlanValues): OpInput<'plans.update'>['patch'] => planFields(v);
