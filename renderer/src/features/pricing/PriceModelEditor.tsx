/**
 * Edits one charge model of any type — a tier table for the tiered models — and validates as the user types:
 * ordered bounds, the last tier open, no negative numbers; each message sits under the offending cell.
 * Controlled: `value` is a ModelDraft (see model.ts), `onChange` receives the next draft. Reused by the contract price
 * editor, the price calculator and (through planModels.tsx) the plan form.
 */
import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormHelperText from '@mui/material/FormHelperText';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useMemo, useState } from 'react';
import { dec } from '../../../../shared/domain/money';
import { checkModel, type Errors, isTransactionType, MODEL_TYPES, type ModelDraft, type ModelType, switchType, type TierDraft } from './model';

export interface PriceModelEditorProps {
  value: ModelDraft;
  onChange: (next: ModelDraft) => void;
  currency: string;
  /** Errors the API returned for this model, by path relative to the model ("tiers.1.upTo"). */
  serverErrors?: Errors;
  /** Also show "Required" on fields not touched yet (after a save attempt). */
  showAllErrors?: boolean;
  /** The model types offered (default: all). */
  types?: ModelType[];
  /** Hide the model type selector (the caller chooses the type). */
  hideType?: boolean;
  testId?: string;
}

interface CellProps {
  path: string;
  label?: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  end?: string;
  placeholder?: string;
  testId: string;
  helper?: string;
  ariaLabel?: string;
}

function Cell(p: CellProps) {
  return (
    <TextField
      label={p.label}
      value={p.value}
      onChange={(e) => p.onChange(e.target.value)}
      error={!!p.error}
      helperText={p.error ?? p.helper}
      placeholder={p.placeholder}
      data-testid={`${p.testId}-${p.path}`}
      slotProps={{
        htmlInput: { inputMode: 'decimal', 'aria-label': p.ariaLabel ?? p.label, name: p.path },
        input: p.end ? { endAdornment: <InputAdornment position="end">{p.end}</InputAdornment> } : undefined,
        inputLabel: p.placeholder ? { shrink: true } : undefined,
        formHelperText: p.error ? ({ 'data-testid': `${p.testId}-${p.path}-error` } as object) : undefined,
      }}
    />
  );
}

/** A bound to show as the start of a tier: the previous tier's upTo (0 for the first). */
function lowerOf(tiers: TierDraft[], i: number): string {
  if (i === 0) return '0';
  const prev = tiers[i - 1]!.upTo.trim();
  return prev || '…';
}

/** A sensible bound for a new tier inserted before the open one. */
function nextBound(tiers: TierDraft[]): string {
  const bounded = tiers.map((t) => t.upTo.trim()).filter((u) => /^\d+(\.\d+)?$/.test(u));
  if (bounded.length === 0) return '10';
  const last = dec(bounded[bounded.length - 1]!);
  return last.isZero() ? '10' : last.times(2).toFixed();
}

export function PriceModelEditor({ value, onChange, currency, serverErrors = {}, showAllErrors = false, types, hideType, testId = 'pme' }: PriceModelEditorProps) {
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const clientErrors = useMemo(() => checkModel(value), [value]);
  const cur = currency || '—';

  const errorOf = (path: string): string | undefined => {
    const c = clientErrors[path];
    if (c && (c !== 'Required' || showAllErrors || touched.has(path))) return c;
    return c ? undefined : serverErrors[path];
  };
  const touch = (path: string) => setTouched((t) => (t.has(path) ? t : new Set(t).add(path)));
  const setField = (key: keyof ModelDraft, path = key as string) => (v: string) => {
    touch(path);
    onChange({ ...value, [key]: v });
  };
  const setTier = (i: number, key: keyof TierDraft, path: string) => (v: string) => {
    touch(path);
    onChange({ ...value, tiers: value.tiers.map((t, j) => (j === i ? { ...t, [key]: v } : t)) });
  };

  const offered = MODEL_TYPES.filter((m) => !types || types.includes(m.type));
  const hint = MODEL_TYPES.find((m) => m.type === value.type)?.hint;

  const field = (key: keyof ModelDraft, label: string, end?: string, helper?: string, path = key as string) => (
    <Cell path={path} label={label} value={value[key] as string} onChange={setField(key, path)} error={errorOf(path)} end={end} testId={testId} helper={helper} />
  );

  return (
    <Box data-testid={testId} sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      {!hideType && (
        <TextField
          select
          label="Pricing model"
          value={value.type}
          onChange={(e) => onChange(switchType(value, e.target.value as ModelType))}
          helperText={hint}
          data-testid={`${testId}-type`}
          slotProps={{ htmlInput: { name: 'type' } }}
        >
          {offered.map((m) => (
            <MenuItem key={m.type} value={m.type} data-testid={`${testId}-type-option-${m.type}`}>
              {m.label}
            </MenuItem>
          ))}
        </TextField>
      )}

      {value.type === 'flat' && field('price', 'Price per period', cur)}
      {value.type === 'per_unit' && field('unitPrice', 'Price per unit', cur)}
      {value.type === 'package' && (
        <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(3, minmax(0, 1fr))', gap: 1.5 }}>
          {field('packageSize', 'Package size', 'units')}
          {field('packagePrice', 'Price per package', cur)}
          {field('freeUnits', 'Free units', 'units', 'Optional')}
        </Box>
      )}
      {value.type === 'percentage' && (
        <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', gap: 1.5 }}>
          {field('rate', 'Rate', '%')}
          {field('fixedFee', 'Fixed fee per transaction', cur, 'Optional')}
          {field('freeTransactions', 'Free transactions', undefined, 'Optional: the first N are free')}
          {field('freeAmount', 'Free amount', cur, 'Optional: free up to this total')}
          {field('minPerTransaction', 'Minimum per transaction', cur, 'Optional')}
          {field('maxPerTransaction', 'Maximum per transaction', cur, 'Optional')}
        </Box>
      )}
      {(value.type === 'graduated' || value.type === 'volume' || value.type === 'stairstep' || value.type === 'graduated_percentage') && (
        <TierTable value={value} onChange={onChange} currency={cur} errorOf={errorOf} setTier={setTier} testId={testId} />
      )}

      {field('minimum', 'Minimum per period', cur, 'Optional: a lower amount is trued up to it')}
      {isTransactionType(value.type) && (
        <Typography variant="caption" color="text.secondary" sx={{ mt: -1 }}>
          Percentage models price transaction amounts: paste them into the preview.
        </Typography>
      )}
    </Box>
  );
}

function TierTable({
  value, onChange, currency, errorOf, setTier, testId,
}: {
  value: ModelDraft;
  onChange: (d: ModelDraft) => void;
  currency: string;
  errorOf: (p: string) => string | undefined;
  setTier: (i: number, key: keyof TierDraft, path: string) => (v: string) => void;
  testId: string;
}) {
  const steps = value.type === 'stairstep';
  const rates = value.type === 'graduated_percentage';
  const key = steps ? 'steps' : 'tiers';
  const noun = steps ? 'Step' : 'Tier';
  const priceKey = steps ? 'price' : rates ? 'rate' : 'unitPrice';
  const priceLabel = steps ? 'Price for the step' : rates ? 'Rate' : 'Unit price';
  const cols = steps ? '44px 70px minmax(0,1fr) minmax(0,1.2fr) 36px' : '44px 70px minmax(0,1fr) minmax(0,1fr) minmax(0,1fr) 36px';
  const last = value.tiers.length - 1;
  const add = () => {
    const tiers = [...value.tiers];
    tiers.splice(Math.max(last, 0), 0, { upTo: nextBound(tiers), price: '', flatFee: '' });
    onChange({ ...value, tiers });
  };
  const remove = (i: number) => {
    const tiers = value.tiers.filter((_t, j) => j !== i);
    if (i === last && tiers.length > 0) tiers[tiers.length - 1] = { ...tiers[tiers.length - 1]!, upTo: '' }; // keep the last tier open
    onChange({ ...value, tiers });
  };
  const headerSx = { fontSize: '0.72rem', fontWeight: 600, color: 'text.secondary', textTransform: 'uppercase', letterSpacing: '0.04em' } as const;
  return (
    <Box data-testid={`${testId}-${key}`}>
      <Box sx={{ display: 'grid', gridTemplateColumns: cols, gap: 1, alignItems: 'center', px: 0.5, pb: 0.75 }}>
        <Box sx={headerSx}>{noun}</Box>
        <Box sx={headerSx}>From</Box>
        <Box sx={headerSx}>Up to</Box>
        <Box sx={headerSx}>{priceLabel}</Box>
        {!steps && <Box sx={headerSx}>Flat fee</Box>}
        <Box />
      </Box>
      <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
        {value.tiers.map((t, i) => (
          <Box key={i} data-testid={`${testId}-${key}-row-${i}`} sx={{ display: 'grid', gridTemplateColumns: cols, gap: 1, alignItems: 'start' }}>
            <Box sx={{ pt: 1, pl: 0.5, fontWeight: 600, fontSize: '0.85rem', color: 'text.secondary' }}>{i + 1}</Box>
            <Box sx={{ pt: 1, fontSize: '0.85rem', fontVariantNumeric: 'tabular-nums' }}>{i === 0 ? '0' : `> ${lowerOf(value.tiers, i)}`}</Box>
            <Cell
              path={`${key}.${i}.upTo`} value={t.upTo} onChange={setTier(i, 'upTo', `${key}.${i}.upTo`)} error={errorOf(`${key}.${i}.upTo`)}
              placeholder={i === last ? '∞  and above' : undefined} testId={testId} ariaLabel={`${noun} ${i + 1} up to`}
            />
            <Cell
              path={`${key}.${i}.${priceKey}`} value={t.price} onChange={setTier(i, 'price', `${key}.${i}.${priceKey}`)} error={errorOf(`${key}.${i}.${priceKey}`)}
              end={rates ? '%' : currency} testId={testId} ariaLabel={`${noun} ${i + 1} ${priceLabel.toLowerCase()}`}
            />
            {!steps && (
              <Cell
                path={`${key}.${i}.flatFee`} value={t.flatFee} onChange={setTier(i, 'flatFee', `${key}.${i}.flatFee`)} error={errorOf(`${key}.${i}.flatFee`)}
                end={currency} placeholder="—" testId={testId} ariaLabel={`${noun} ${i + 1} flat fee`}
              />
            )}
            <Tooltip title={`Remove ${noun.toLowerCase()} ${i + 1}`}>
              <span>
                <IconButton size="small" onClick={() => remove(i)} disabled={value.tiers.length <= 1} aria-label={`Remove ${noun.toLowerCase()} ${i + 1}`} sx={{ mt: 0.5 }} data-testid={`${testId}-${key}-remove-${i}`}>
                  <DeleteIcon fontSize="small" />
                </IconButton>
              </span>
            </Tooltip>
          </Box>
        ))}
      </Box>
      {errorOf(key) && <FormHelperText error>{errorOf(key)}</FormHelperText>}
      <Button size="small" startIcon={<AddIcon />} onClick={add} sx={{ mt: 1 }} data-testid={`${testId}-${key}-add`}>
        Add {noun.toLowerCase()}
      </Button>
    </Box>
  );
}
