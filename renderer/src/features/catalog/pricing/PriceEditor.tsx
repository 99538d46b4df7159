/**
 * A plan's prices: one row per currency, each with a charge model. Models are registered in CHARGE_MODELS (flat and
 * per_unit today); the pricing work adds tiered/volume/package models by appending entries here, without touching
 * the plan form.
 */
import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormHelperText from '@mui/material/FormHelperText';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import Tooltip from '@mui/material/Tooltip';
import type { ComponentType } from 'react';
import type { OpInput } from '../../../../../shared/api/index';
import { CURRENCIES } from '../../../../../shared/domain/money';
import { CurrencyPicker, SelectInput, TextInput } from '../../../components/fields';
import { type FieldErrors, useField } from '../../../components/form';
import { FormSection } from '../../../components/FormDrawer';
import { formatMoney } from '../../../components/format';
import { PLAN_MODEL_KINDS } from '../../pricing/planModels';

type ApiPrice = OpInput<'plans.create'>['prices'][number];
type ApiModel = ApiPrice['model'];

/** A model as edited: its type plus string fields as typed. */
export type ModelValues = { type: string } & Record<string, unknown>;
export interface PriceValues {
  currency: string;
  model: ModelValues;
}

export interface ChargeModelKind {
  type: string;
  label: string;
  /** A blank model of this kind; `prev` lets an amount carry over when the user switches kinds. */
  empty: (prev?: ModelValues) => ModelValues;
  /** The model's fields; `path` is the model's form path, e.g. "prices.0.model". */
  Fields: ComponentType<{ path: string; currency: string }>;
  check: (m: ModelValues, path: string) => FieldErrors;
  toApi: (m: ModelValues) => ApiModel;
  summary: (m: ModelValues, currency: string) => string;
}

const DECIMAL = /^\d+(\.\d+)?$/;
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
/** The first amount-like field of a model, carried over on a kind switch. */
const amountOf = (m?: ModelValues): string => str(m?.price ?? m?.unitPrice ?? '');

function checkAmount(v: unknown, path: string, e: FieldErrors): void {
  const s = str(v).trim();
  if (!s) e[path] = 'is required';
  else if (!DECIMAL.test(s)) e[path] = 'must be a decimal number such as 12.50';
}

function AmountField({ path, label, currency }: { path: string; label: string; currency: string }) {
  return (
    <TextInput path={path} label={label} required inputMode="decimal" placeholder="0.00" endAdornment={<InputAdornment position="end">{currency || '—'}</InputAdornment>} />
  );
}

export const CHARGE_MODELS: ChargeModelKind[] = [
  {
    type: 'flat',
    label: 'Flat fee',
    empty: (prev) => ({ type: 'flat', price: amountOf(prev) }),
    Fields: ({ path, currency }) => <AmountField path={`${path}.price`} label="Price per period" currency={currency} />,
    check: (m, path) => {
      const e: FieldErrors = {};
      checkAmount(m.price, `${path}.price`, e);
      return e;
    },
    toApi: (m) => ({ type: 'flat', price: str(m.price).trim() }),
    summary: (m, currency) => formatMoney(str(m.price), currency),
  },
  {
    type: 'per_unit',
    label: 'Per unit',
    empty: (prev) => ({ type: 'per_unit', unitPrice: amountOf(prev) }),
    Fields: ({ path, currency }) => <AmountField path={`${path}.unitPrice`} label="Price per unit" currency={currency} />,
    check: (m, path) => {
      const e: FieldErrors = {};
      checkAmount(m.unitPrice, `${path}.unitPrice`, e);
      return e;
    },
    toApi: (m) => ({ type: 'per_unit', unitPrice: str(m.unitPrice).trim() }),
    summary: (m, currency) => `${formatMoney(str(m.unitPrice), currency)} / unit`,
  },
  // Tiered, package, stairstep and percentage models (the pricing feature's editor).
  ...PLAN_MODEL_KINDS,
];

export const chargeModel = (type: string): ChargeModelKind | undefined => CHARGE_MODELS.find((k) => k.type === type);

export const priceValuesOf = (p: ApiPrice): PriceValues => ({ currency: p.currency, model: { ...(p.model as unknown as ModelValues) } });

export function toPlanPrices(prices: PriceValues[]): ApiPrice[] {
  return prices.map((p) => ({ currency: p.currency, model: chargeModel(p.model.type)?.toApi(p.model) ?? (p.model as unknown as ApiModel) }));
}

export function checkPrices(prices: PriceValues[], path: string): FieldErrors {
  const e: FieldErrors = {};
  if (prices.length === 0) e[path] = 'at least one price is required';
  const seen = new Set<string>();
  prices.forEach((p, i) => {
    if (!p.currency) e[`${path}.${i}.currency`] = 'is required';
    else if (seen.has(p.currency)) e[`${path}.${i}.currency`] = `has a second price in ${p.currency}`;
    seen.add(p.currency);
    Object.assign(e, chargeModel(p.model.type)?.check(p.model, `${path}.${i}.model`) ?? {});
  });
  return e;
}

/** "EUR 49.00 · USD 59.00 / unit" for grids. */
export function pricesSummary(prices: { currency: string; model: unknown }[]): string {
  return prices
    .map((p) => {
      const m = p.model as ModelValues;
      return chargeModel(m.type)?.summary(m, p.currency) ?? `${p.currency} (${m.type})`;
    })
    .join(' · ');
}

const MODEL_OPTIONS = CHARGE_MODELS.map((k) => ({ value: k.type, label: k.label }));

function PriceRow({ path, index, onRemove, canRemove }: { path: string; index: number; onRemove: () => void; canRemove: boolean }) {
  const { value, set } = useField<PriceValues>(`${path}.${index}`);
  const kind = chargeModel(value.model.type);
  const modelPath = `${path}.${index}.model`;
  return (
    <Box data-testid={`price-row-${index}`} sx={{ display: 'grid', gridTemplateColumns: '220px 150px minmax(0, 1fr) 36px', gap: 1.25, alignItems: 'start' }}>
      <CurrencyPicker path={`${path}.${index}.currency`} label="Currency" required />
      <SelectInput
        path={`${modelPath}.type`}
        label="Model"
        options={MODEL_OPTIONS}
        onValueChange={(t) => set({ ...value, model: chargeModel(t)?.empty(value.model) ?? { type: t } })}
      />
      {kind && (value.model.type === 'flat' || value.model.type === 'per_unit') ? <kind.Fields path={modelPath} currency={value.currency} /> : <Box />}
      <Tooltip title="Remove this price">
        <span>
          <IconButton aria-label={`Remove price ${index + 1}`} onClick={onRemove} disabled={!canRemove} sx={{ mt: 0.25 }} data-testid={`price-remove-${index}`}>
            <DeleteIcon fontSize="small" />
          </IconButton>
        </span>
      </Tooltip>
      {kind && value.model.type !== 'flat' && value.model.type !== 'per_unit' ? (
        <Box sx={{ gridColumn: '1 / -1' }}>
          <kind.Fields path={modelPath} currency={value.currency} />
        </Box>
      ) : null}
    </Box>
  );
}

export function PriceEditor({ path = 'prices', defaultCurrency }: { path?: string; defaultCurrency?: string }) {
  const { value, error, set } = useField<PriceValues[]>(path);
  const prices = value ?? [];
  const add = () => {
    const used = new Set(prices.map((p) => p.currency));
    const currency = [defaultCurrency, 'EUR', 'USD', 'GBP', ...CURRENCIES].find((c) => c && !used.has(c)) ?? '';
    set([...prices, { currency, model: CHARGE_MODELS[0].empty() }]);
  };
  return (
    <FormSection
      title="Prices"
      description="One price per currency. Customers are billed in their own currency."
      action={
        <Button size="small" startIcon={<AddIcon />} onClick={add} data-testid="price-add">
          Add currency
        </Button>
      }
    >
      <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5 }} data-testid="price-editor">
        {prices.map((_p, i) => (
          <PriceRow key={i} path={path} index={i} canRemove={prices.length > 1} onRemove={() => set(prices.filter((_x, j) => j !== i))} />
        ))}
      </Box>
      {error && (
        <FormHelperText error data-testid={`field-${path}-error`}>
          {error}
        </FormHelperText>
      )}
    </FormSection>
  );
}
