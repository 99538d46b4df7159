/**
 * Create or change one contract price: plan, currency, kind (discount, fixed price, custom tiers, other model), the
 * validity, and — when changing one — whether it corrects the version or starts a new price from a date. The live
 * preview beside the form prices the draft against the catalog price as the user types.
 */
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import InputAdornment from '@mui/material/InputAdornment';
import MenuItem from '@mui/material/MenuItem';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { type KeyboardEvent, useMemo, useState } from 'react';
import { dec } from '../../../../shared/domain/money';
import { discountModel } from '../../../../shared/domain/pricing/contract';
import { ApiError, invoke } from '../../api/client';
import { toast } from '../../components/toasts';
import {
  type ChargeModel, checkModel, draftOf, emptyDraft, type Errors, errorsUnder, isTiered, KINDS, kindLabel, type ModelDraft, modelSummary, type Plan,
  type PriceBookEntry, type PriceBookKind, toModel, validity,
} from './model';
import { PriceModelEditor } from './PriceModelEditor';
import { PricePreview } from './PricePreview';

export const VOLUME_SCOPES = [
  { value: 'subscription', label: 'Each subscription on its own' },
  { value: 'account', label: 'All subscriptions of this account' },
  { value: 'account_hierarchy', label: 'The account and its parent / child accounts' },
] as const;
type Scope = (typeof VOLUME_SCOPES)[number]['value'];

const DECIMAL = /^\d+(\.\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const todayIso = (): string => new Date().toISOString().slice(0, 10);
const firstOfNextMonth = (): string => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
};

/** A quantity worth previewing for a model: inside its second tier when it has tiers, else 10. */
export function suggestQuantity(m: ChargeModel | null): string {
  const first = m && (m.type === 'graduated' || m.type === 'volume' || m.type === 'graduated_percentage' ? m.tiers[0]?.upTo : m.type === 'stairstep' ? m.steps[0]?.upTo : null);
  if (!first || !DECIMAL.test(first) || dec(first).isZero()) return '10';
  return dec(first).times(1.5).toDecimalPlaces(0).toFixed();
}

/** A draft for a kind, starting from the catalog model where it fits. */
function draftForKind(kind: PriceBookKind, catalog: ChargeModel | null): ModelDraft {
  if (kind === 'fixed_price') {
    if (catalog?.type === 'flat' || catalog?.type === 'per_unit') return draftOf(catalog);
    return emptyDraft('per_unit');
  }
  if (kind === 'custom_tiers') return catalog && isTiered(catalog.type) ? draftOf(catalog) : emptyDraft('graduated');
  return catalog ? draftOf(catalog) : emptyDraft('per_unit');
}

export interface ContractPriceDialogProps {
  customerId: string;
  customerCurrency?: string;
  plans: Plan[];
  /** A new contract price starts on this plan (e.g. the first without one). */
  defaultPlanId?: string;
  /** The version being changed; absent for a new contract price. */
  entry?: PriceBookEntry;
  onClose: () => void;
  onSaved: (e: PriceBookEntry) => void;
}

export function ContractPriceDialog({ customerId, customerCurrency, plans, defaultPlanId, entry, onClose, onSaved }: ContractPriceDialogProps) {
  const editing = !!entry;
  const firstPlan = plans[0];
  const [planId, setPlanId] = useState(entry?.planId ?? defaultPlanId ?? firstPlan?.id ?? '');
  const plan = plans.find((p) => p.id === planId);
  const planCurrencies: string[] = plan?.prices.map((p) => p.currency) ?? [];
  const [currency, setCurrency] = useState(entry?.currency ?? (customerCurrency && planCurrencies.includes(customerCurrency) ? customerCurrency : (planCurrencies[0] ?? customerCurrency ?? 'EUR')));
  const catalog = (plan?.prices.find((p) => p.currency === currency)?.model ?? null) as ChargeModel | null;
  const [kind, setKind] = useState<PriceBookKind>(entry?.kind ?? (catalog ? 'discount' : 'fixed_price'));
  const [discount, setDiscount] = useState(entry?.discountPercent ?? '10');
  const [draft, setDraft] = useState<ModelDraft>(() => (entry?.model ? draftOf(entry.model) : draftForKind(entry?.kind ?? 'fixed_price', catalog)));
  const [validFrom, setValidFrom] = useState(entry?.validFrom ?? todayIso());
  const [validTo, setValidTo] = useState(entry?.validTo ?? '');
  const [scope, setScope] = useState<Scope>(entry?.volumeScope ?? 'subscription');
  const [note, setNote] = useState(entry?.note ?? '');
  const running = !!entry && entry.timing === 'current' && entry.validFrom < todayIso();
  const [apply, setApply] = useState<'correct' | 'from_date'>(running ? 'from_date' : 'correct');
  const [effectiveFrom, setEffectiveFrom] = useState(firstOfNextMonth());
  const [serverErrors, setServerErrors] = useState<Errors>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [showAll, setShowAll] = useState(false);
  const [busy, setBusy] = useState(false);

  const currencies = useMemo(() => [...new Set([...planCurrencies, ...(customerCurrency ? [customerCurrency] : []), ...(entry ? [entry.currency] : [])])], [planCurrencies.join(), customerCurrency, entry]);
  const kindInfo = KINDS.find((k) => k.kind === kind)!;

  // client checks, as typed
  const errors: Errors = {};
  if (!planId) errors.planId = 'Choose a plan';
  if (kind === 'discount') {
    const d = discount.trim();
    if (!d) errors.discountPercent = 'Enter a percentage';
    else if (d.startsWith('-')) errors.discountPercent = 'Must not be negative';
    else if (!DECIMAL.test(d)) errors.discountPercent = 'Enter a number such as 10 or 12.5';
    else if (dec(d).gt(100)) errors.discountPercent = 'Must be between 0 and 100';
    if (!catalog) errors.currency = `${plan?.name ?? 'The plan'} has no catalog price in ${currency} to discount: choose a fixed price or a model`;
  }
  const modelErrors = kind === 'discount' ? {} : checkModel(draft);
  if (!editing || apply === 'correct') {
    if (!DATE.test(validFrom)) errors.validFrom = 'Enter a date';
  } else if (!DATE.test(effectiveFrom)) errors.effectiveFrom = 'Enter a date';
  else if (entry && !(effectiveFrom > entry.validFrom && (entry.validTo === null || effectiveFrom < entry.validTo))) {
    errors.effectiveFrom = `Must fall within ${validity(entry.validFrom, entry.validTo)}, after its first day`;
  }
  const start = editing && apply === 'from_date' ? effectiveFrom : validFrom;
  if (validTo && !DATE.test(validTo)) errors.validTo = 'Enter a date or leave empty';
  else if (validTo && DATE.test(start) && validTo <= start) errors.validTo = `Must be after ${start} (the end date is exclusive)`;

  const resolved: ChargeModel | null = useMemo(() => {
    if (kind === 'discount') {
      if (!catalog || !DECIMAL.test(discount.trim()) || dec(discount.trim()).gt(100)) return null;
      return discountModel(catalog, discount.trim()) as ChargeModel;
    }
    return toModel(draft);
  }, [kind, catalog, discount, draft]);

  const shown = (path: string): string | undefined => errors[path] ?? serverErrors[path];
  const clearServer = (...paths: string[]) => setServerErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !paths.some((p) => k === p || k.startsWith(p + '.')))));

  const changeKind = (k: PriceBookKind | null) => {
    if (!k || k === kind) return;
    setKind(k);
    if (k !== 'discount') setDraft(draftForKind(k, catalog));
    clearServer('model', 'discountPercent', 'kind');
  };
  const changePlan = (id: string) => {
    setPlanId(id);
    const p = plans.find((x) => x.id === id);
    const cs: string[] = p?.prices.map((x) => x.currency) ?? [];
    if (!cs.includes(currency) && cs.length > 0) setCurrency(customerCurrency && cs.includes(customerCurrency) ? customerCurrency : cs[0]!);
    clearServer('planId', 'currency', 'validFrom', 'validTo');
  };

  const save = async () => {
    if (busy) return;
    if (Object.keys(errors).length > 0 || Object.keys(modelErrors).length > 0) {
      setShowAll(true);
      setBanner('The contract price was not saved: please correct the highlighted fields.');
      return;
    }
    setBusy(true);
    setBanner(null);
    const terms = {
      kind,
      model: kind === 'discount' ? null : toModel(draft),
      discountPercent: kind === 'discount' ? discount.trim() : null,
      volumeScope: scope,
      validTo: validTo || null,
      note,
    };
    try {
      let saved: PriceBookEntry;
      if (!entry) saved = await invoke('pricebooks.create', { customerId, planId, currency, ...terms, validFrom });
      else if (apply === 'from_date') saved = await invoke('pricebooks.update', { id: entry.id, effectiveFrom, patch: terms });
      else saved = await invoke('pricebooks.update', { id: entry.id, patch: { ...terms, validFrom } });
      toast.success(editing ? `Contract price saved as version ${saved.version}` : `Contract price for ${saved.planCode} in ${saved.currency} added`);
      onSaved(saved);
    } catch (e) {
      if (e instanceof ApiError) {
        const fields = Object.fromEntries(Object.entries(e.fieldErrors).map(([k, v]) => [k.replace(/^patch\./, ''), v[0]!.toUpperCase() + v.slice(1)]));
        setServerErrors(fields);
        setBanner(e.message.replace(/^patch\./, ''));
      } else setBanner(String((e as Error).message ?? e));
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    // this dialog may sit inside another editor's <form>: keep its shortcuts to itself
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      e.stopPropagation();
      void save();
    }
  };

  const title = editing ? `Change contract price · ${entry.planName} · ${entry.currency}` : 'New contract price';
  const subtitle = editing ? `Version ${entry.version} · ${kindLabel(entry.kind)} · valid ${validity(entry.validFrom, entry.validTo)}` : 'Overrides the catalog price for this customer on the days it is valid';
  const previewSubtitle = resolved
    ? `${kind === 'discount' ? `${discount.trim()} % off catalog → ` : ''}${modelSummary(resolved, currency)}`
    : undefined;

  return (
    <Dialog
      open
      onClose={() => !busy && onClose()}
      maxWidth="lg"
      fullWidth
      aria-labelledby="contract-price-title"
      data-testid="contract-price-dialog"
      onKeyDown={onKeyDown}
      slotProps={{ paper: { sx: { height: 'min(860px, calc(100vh - 48px))' } } }}
    >
      <DialogTitle id="contract-price-title" sx={{ pb: 0.5 }}>
        {title}
        <Typography variant="body2" color="text.secondary" sx={{ mt: 0.25 }}>
          {subtitle}
        </Typography>
      </DialogTitle>
      <DialogContent dividers sx={{ p: 0, display: 'grid', gridTemplateColumns: { xs: '1fr', md: 'minmax(0, 5fr) minmax(0, 6fr)' }, overflow: 'hidden' }}>
        <Box
          component="form"
          noValidate
          autoComplete="off"
          onSubmit={(e) => {
            e.preventDefault();
            e.stopPropagation();
            void save();
          }}
          sx={{ overflowY: 'auto', px: 3, py: 2.5, display: 'flex', flexDirection: 'column', gap: 2.25, borderRight: { md: '1px solid' }, borderColor: { md: 'divider' } }}
        >
          {banner && (
            <Alert severity="error" data-testid="cp-banner">
              {banner}
            </Alert>
          )}
          <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 2fr) minmax(0, 1fr)', gap: 1.5 }}>
            <TextField select label="Plan" value={planId} onChange={(e) => changePlan(e.target.value)} disabled={editing} error={!!shown('planId')} helperText={shown('planId')} data-testid="cp-plan" required>
              {plans.map((p) => (
                <MenuItem key={p.id} value={p.id} data-testid={`cp-plan-option-${p.code}`}>
                  {p.name}
                  <Box component="span" sx={{ ml: 1, color: 'text.secondary', fontSize: '0.85em' }}>
                    {p.code}
                  </Box>
                </MenuItem>
              ))}
            </TextField>
            <TextField
              select label="Currency" value={currency} disabled={editing} required data-testid="cp-currency"
              onChange={(e) => { setCurrency(e.target.value); clearServer('currency', 'validFrom', 'validTo'); }}
              error={!!shown('currency')}
            >
              {currencies.map((c) => (
                <MenuItem key={c} value={c} data-testid={`cp-currency-option-${c}`}>
                  {c}
                  {!planCurrencies.includes(c) && (
                    <Box component="span" sx={{ ml: 1, color: 'text.secondary', fontSize: '0.85em' }}>
                      no catalog price
                    </Box>
                  )}
                </MenuItem>
              ))}
            </TextField>
          </Box>
          <Box>
            <Typography variant="caption" color="text.secondary" component="div" sx={{ mb: 0.75 }}>
              Catalog price in {currency}: <strong data-testid="cp-catalog">{catalog ? modelSummary(catalog, currency) : 'none'}</strong>
            </Typography>
            <ToggleButtonGroup value={kind} exclusive size="small" onChange={(_e, k: PriceBookKind | null) => changeKind(k)} aria-label="Kind of contract price" fullWidth data-testid="cp-kind"
              sx={{ '& .MuiToggleButton-root': { textTransform: 'none', fontWeight: 500, py: 0.6 } }}>
              {KINDS.map((k) => (
                <ToggleButton key={k.kind} value={k.kind} data-testid={`cp-kind-${k.kind}`}>
                  {k.label}
                </ToggleButton>
              ))}
            </ToggleButtonGroup>
            <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 0.5 }}>
              {kindInfo.hint}
            </Typography>
            {shown('currency') && kind === 'discount' && (
              <Typography variant="caption" color="error" component="div" sx={{ mt: 0.5 }} data-testid="cp-currency-error">
                {shown('currency')}
              </Typography>
            )}
          </Box>

          {kind === 'discount' ? (
            <TextField
              label="Discount on every catalog price"
              value={discount}
              onChange={(e) => { setDiscount(e.target.value); clearServer('discountPercent'); }}
              error={!!shown('discountPercent')}
              helperText={shown('discountPercent') ?? (resolved ? `Becomes ${modelSummary(resolved, currency)}` : ' ')}
              data-testid="cp-discount"
              slotProps={{
                htmlInput: { inputMode: 'decimal', name: 'discountPercent' },
                input: { endAdornment: <InputAdornment position="end">%</InputAdornment> },
                formHelperText: shown('discountPercent') ? ({ 'data-testid': 'cp-discount-error' } as object) : undefined,
              }}
            />
          ) : (
            <PriceModelEditor
              value={draft}
              onChange={(d) => { setDraft(d); clearServer('model'); }}
              currency={currency}
              types={kindInfo.types}
              serverErrors={errorsUnder(serverErrors, 'model.')}
              showAllErrors={showAll}
              testId="cp-model"
            />
          )}

          {editing && (
            <Box sx={{ p: 1.5, borderRadius: 1.5, bgcolor: 'grey.50', border: '1px solid', borderColor: 'divider' }}>
              <Typography variant="subtitle2" sx={{ mb: 0.5 }}>
                Apply this change
              </Typography>
              <RadioGroup value={apply} onChange={(e) => setApply(e.target.value as 'correct' | 'from_date')}>
                <FormControlLabel value="from_date" control={<Radio size="small" />} data-testid="cp-apply-from_date"
                  label={<Typography variant="body2">As a new price from a date — version {entry.version} stays in force until then</Typography>} />
                <FormControlLabel value="correct" control={<Radio size="small" />} data-testid="cp-apply-correct"
                  label={<Typography variant="body2">As a correction — replaces version {entry.version} for its whole validity</Typography>} />
              </RadioGroup>
              {apply === 'from_date' && (
                <TextField
                  type="date" label="New price from" value={effectiveFrom} onChange={(e) => { setEffectiveFrom(e.target.value); clearServer('effectiveFrom'); }}
                  error={!!shown('effectiveFrom')} helperText={shown('effectiveFrom') ?? ' '} sx={{ mt: 1, maxWidth: 220 }} data-testid="cp-effectiveFrom"
                  slotProps={{ inputLabel: { shrink: true } }}
                />
              )}
            </Box>
          )}

          <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', gap: 1.5 }}>
            {(!editing || apply === 'correct') && (
              <TextField type="date" label="Valid from" value={validFrom} onChange={(e) => { setValidFrom(e.target.value); clearServer('validFrom', 'validTo'); }}
                error={!!shown('validFrom')} helperText={shown('validFrom') ?? 'First day at this price'} data-testid="cp-validFrom" required
                slotProps={{ inputLabel: { shrink: true }, formHelperText: shown('validFrom') ? ({ 'data-testid': 'cp-validFrom-error' } as object) : undefined }} />
            )}
            <TextField type="date" label="Valid until (exclusive)" value={validTo} onChange={(e) => { setValidTo(e.target.value); clearServer('validFrom', 'validTo'); }}
              error={!!shown('validTo')} helperText={shown('validTo') ?? 'Empty: open-ended'} data-testid="cp-validTo"
              slotProps={{ inputLabel: { shrink: true }, formHelperText: shown('validTo') ? ({ 'data-testid': 'cp-validTo-error' } as object) : undefined }} />
          </Box>
          <TextField select label="Volume tiers are chosen by" value={scope} onChange={(e) => setScope(e.target.value as Scope)} data-testid="cp-volumeScope"
            helperText="For tiered prices: which subscriptions' quantities add up to select the tier">
            {VOLUME_SCOPES.map((s) => (
              <MenuItem key={s.value} value={s.value}>
                {s.label}
              </MenuItem>
            ))}
          </TextField>
          <TextField label="Note" value={note} onChange={(e) => setNote(e.target.value)} multiline minRows={2} placeholder="e.g. Framework agreement 2026, §4" data-testid="cp-note" slotProps={{ inputLabel: { shrink: true } }} />
        </Box>
        <Box sx={{ overflowY: 'auto', px: 3, py: 2.5, bgcolor: '#f8f9fb' }}>
          <PricePreview
            key={`${planId}|${currency}`}
            defaultQuantity={suggestQuantity(catalog ?? resolved)}
            model={resolved}
            currency={currency}
            compareModel={catalog}
            compareLabel="Catalog price"
            title="Live preview"
            subtitle={previewSubtitle}
            testId="cp-preview"
          />
        </Box>
      </DialogContent>
      <DialogActions sx={{ px: 3, py: 1.5 }}>
        <Typography variant="caption" color="text.secondary" sx={{ mr: 'auto', display: { xs: 'none', md: 'block' } }}>
          Every change is kept as a version · <kbd>Ctrl</kbd>+<kbd>S</kbd> to save · <kbd>Esc</kbd> to close
        </Typography>
        <Button onClick={onClose} disabled={busy} data-testid="cp-cancel">
          Cancel
        </Button>
        <Button variant="contained" onClick={() => void save()} disabled={busy} data-testid="cp-save" startIcon={busy ? <CircularProgress size={14} color="inherit" /> : undefined}>
          {editing ? (apply === 'from_date' ? 'Save new price' : 'Save correction') : 'Add contract price'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
