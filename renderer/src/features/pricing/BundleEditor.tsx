/**
 * The bundle builder: code and name, pricing (a bundle price per currency, or a discount on the parts), the parts
 * (plans and add-ons with quantities), and a live quote beside it — parts at list price, their share of the bundle
 * price, the saving — for any currency the bundle can be sold in.
 */
import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { OpInput, OpOutput } from '../../../../shared/api/index';
import { dec } from '../../../../shared/domain/money';
import { invoke } from '../../api/client';
import { colors } from '../../app/theme';
import { ArchiveToggle } from '../../components/ArchiveToggle';
import { CodePicker, CurrencyPicker, SwitchInput, TextInput } from '../../components/fields';
import { type FieldErrors, FormProvider, type FormApi, useField, useForm } from '../../components/form';
import { FormBanner } from '../../components/FormBanner';
import { FormDrawer, FormSection } from '../../components/FormDrawer';
import { formatDateTime, formatMoney } from '../../components/format';
import type { CodeOption } from '../../components/reference';
import { activeChip } from '../../components/StatusChip';
import { toast } from '../../components/toasts';
import { useSave } from '../../components/useSave';
import { type Bundle, formatQuantity, type Plan } from './model';

type BundleQuote = OpOutput<'bundles.quote'>;
type Definition = NonNullable<OpInput<'bundles.quote'>['bundle']>;

export interface BundleValues {
  code: string;
  name: string;
  description: string;
  pricing: 'fixed' | 'discount';
  prices: { currency: string; price: string }[];
  discountPercent: string;
  items: { planId: string; quantity: string; addOn: boolean }[];
  active: boolean;
}

const DECIMAL = /^\d+(\.\d+)?$/;

export const newBundleValues = (currency = 'EUR'): BundleValues => ({
  code: '', name: '', description: '', pricing: 'discount', prices: [{ currency, price: '' }], discountPercent: '15', items: [{ planId: '', quantity: '1', addOn: false }], active: true,
});

const valuesOf = (b: Bundle): BundleValues => ({
  code: b.code, name: b.name, description: b.description, pricing: b.pricing,
  prices: b.prices.length ? b.prices.map((p) => ({ ...p })) : [{ currency: 'EUR', price: '' }],
  discountPercent: b.discountPercent ?? '', items: b.items.map((i) => ({ planId: i.planId, quantity: i.quantity, addOn: i.addOn })), active: b.active,
});

function decimalError(v: string, required: boolean): string | undefined {
  const t = v.trim();
  if (!t) return required ? 'is required' : undefined;
  if (t.startsWith('-')) return 'must not be negative';
  return DECIMAL.test(t) ? undefined : 'must be a number such as 12.50';
}

export function checkBundle(v: BundleValues): FieldErrors {
  const e: FieldErrors = {};
  if (!v.code.trim()) e.code = 'is required';
  else if (!/^[A-Za-z0-9][A-Za-z0-9\-_./]*$/.test(v.code.trim())) e.code = 'may contain letters, digits and - _ . /';
  if (!v.name.trim()) e.name = 'is required';
  if (v.pricing === 'fixed') {
    const seen = new Set<string>();
    v.prices.forEach((p, i) => {
      if (!p.currency) e[`prices.${i}.currency`] = 'is required';
      else if (seen.has(p.currency)) e[`prices.${i}.currency`] = `has a second price in ${p.currency}`;
      seen.add(p.currency);
      const pe = decimalError(p.price, true);
      if (pe) e[`prices.${i}.price`] = pe;
    });
    if (v.prices.length === 0) e.prices = 'a fixed-price bundle needs a price in at least one currency';
  } else {
    const de = decimalError(v.discountPercent, true);
    if (de) e.discountPercent = de;
    else if (dec(v.discountPercent.trim()).gt(100)) e.discountPercent = 'must be between 0 and 100';
  }
  const plans = new Set<string>();
  v.items.forEach((it, i) => {
    if (!it.planId) e[`items.${i}.planId`] = 'choose a plan';
    else if (plans.has(it.planId)) e[`items.${i}.planId`] = 'this plan is already a part (raise its quantity instead)';
    plans.add(it.planId);
    const qe = decimalError(it.quantity, true);
    if (qe) e[`items.${i}.quantity`] = qe;
  });
  if (v.items.length === 0) e.items = 'a bundle needs at least one part';
  return e;
}

const definitionOf = (v: BundleValues): Definition => ({
  pricing: v.pricing,
  prices: v.pricing === 'fixed' ? v.prices.map((p) => ({ currency: p.currency, price: p.price.trim() })) : [],
  discountPercent: v.pricing === 'discount' ? v.discountPercent.trim() : null,
  items: v.items.map((i) => ({ planId: i.planId, quantity: i.quantity.trim(), addOn: i.addOn })),
});

function PricingToggle() {
  const { value, set } = useField<'fixed' | 'discount'>('pricing');
  return (
    <ToggleButtonGroup value={value} exclusive size="small" onChange={(_e, v: 'fixed' | 'discount' | null) => v && set(v)} data-testid="field-pricing" aria-label="Bundle pricing"
      sx={{ '& .MuiToggleButton-root': { textTransform: 'none', fontWeight: 500, px: 2 } }}>
      <ToggleButton value="discount" data-testid="bundle-pricing-discount">Discount on the parts</ToggleButton>
      <ToggleButton value="fixed" data-testid="bundle-pricing-fixed">Bundle price per currency</ToggleButton>
    </ToggleButtonGroup>
  );
}

function PricesEditor() {
  const { value, set } = useField<BundleValues['prices']>('prices');
  const prices = value ?? [];
  return (
    <Stack spacing={1.25}>
      {prices.map((p, i) => (
        <Box key={i} sx={{ display: 'grid', gridTemplateColumns: '200px minmax(0, 1fr) 36px', gap: 1.25, alignItems: 'start' }} data-testid={`bundle-price-row-${i}`}>
          <CurrencyPicker path={`prices.${i}.currency`} label="Currency" required />
          <TextInput path={`prices.${i}.price`} label="Bundle price per period" required inputMode="decimal" endAdornment={<InputAdornment position="end">{p.currency || '—'}</InputAdornment>} />
          <Tooltip title="Remove this price">
            <span>
              <IconButton onClick={() => set(prices.filter((_x, j) => j !== i))} disabled={prices.length <= 1} aria-label={`Remove price ${i + 1}`} sx={{ mt: 0.25 }}>
                <DeleteIcon fontSize="small" />
              </IconButton>
            </span>
          </Tooltip>
        </Box>
      ))}
      <Box>
        <Button size="small" startIcon={<AddIcon />} onClick={() => set([...prices, { currency: '', price: '' }])} data-testid="bundle-price-add">
          Add currency
        </Button>
      </Box>
    </Stack>
  );
}

function PartsEditor({ planOptions }: { planOptions: CodeOption[] }) {
  const { value, error, set } = useField<BundleValues['items']>('items');
  const items = value ?? [];
  return (
    <Stack spacing={1.25} data-testid="bundle-parts">
      {items.map((_it, i) => (
        <Box key={i} sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) 110px 120px 36px', gap: 1.25, alignItems: 'start' }} data-testid={`bundle-part-${i}`}>
          <CodePicker path={`items.${i}.planId`} label={`Part ${i + 1}`} options={planOptions} renderCode={false} required placeholder="Choose a plan" />
          <TextInput path={`items.${i}.quantity`} label="Quantity" inputMode="decimal" />
          <Box sx={{ pt: 0.25 }}>
            <SwitchInput path={`items.${i}.addOn`} label="Add-on" />
          </Box>
          <Tooltip title="Remove this part">
            <span>
              <IconButton onClick={() => set(items.filter((_x, j) => j !== i))} disabled={items.length <= 1} aria-label={`Remove part ${i + 1}`} sx={{ mt: 0.25 }} data-testid={`bundle-part-remove-${i}`}>
                <DeleteIcon fontSize="small" />
              </IconButton>
            </span>
          </Tooltip>
        </Box>
      ))}
      {error && <Typography variant="caption" color="error">{error}</Typography>}
      <Box>
        <Button size="small" startIcon={<AddIcon />} onClick={() => set([...items, { planId: '', quantity: '1', addOn: false }])} data-testid="bundle-part-add">
          Add part
        </Button>
      </Box>
    </Stack>
  );
}

/** The currencies a (possibly unsaved) bundle can be quoted in. */
function sellableCurrencies(v: BundleValues, plans: Plan[]): string[] {
  const parts = v.items.map((i) => plans.find((p) => p.id === i.planId)).filter((p): p is Plan => !!p);
  if (parts.length === 0) return [];
  const has = (p: Plan, c: string) => p.prices.some((x) => x.currency === c);
  const candidates = v.pricing === 'fixed' ? v.prices.map((p) => p.currency).filter(Boolean) : [...new Set(parts.flatMap((p) => p.prices.map((x) => x.currency as string)))];
  return [...new Set(candidates)].filter((c) => parts.every((p) => has(p, c))).sort();
}

function BundleQuotePanel({ values, plans, name }: { values: BundleValues; plans: Plan[]; name: string }) {
  const currencies = sellableCurrencies(values, plans);
  const [currency, setCurrency] = useState<string>('');
  const cur = currencies.includes(currency) ? currency : (currencies[0] ?? '');
  const [quote, setQuote] = useState<BundleQuote | null>(null);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);
  const ready = Object.keys(checkBundle({ ...values, code: values.code || 'X', name: values.name || 'X' })).length === 0 && !!cur;
  const key = JSON.stringify(definitionOf(values));

  useEffect(() => {
    if (!ready) return;
    const mine = ++seq.current;
    const t = setTimeout(() => {
      invoke('bundles.quote', { bundle: definitionOf(values), currency: cur })
        .then((q) => mine === seq.current && (setQuote(q), setError(null)))
        .catch((e) => mine === seq.current && setError((e as Error).message));
    }, 200);
    return () => clearTimeout(t);
  }, [key, cur, ready]);

  const label = quote ? quote.label.replace(/^Bundle/, name.trim() || 'Bundle') : null;
  return (
    <Paper variant="outlined" sx={{ p: 2.5, borderRadius: 2, bgcolor: '#fbfcfe', position: 'sticky', top: 0 }} data-testid="bundle-quote">
      <Stack direction="row" sx={{ alignItems: 'flex-start', mb: 1.5 }} spacing={2}>
        <Box sx={{ flex: 1 }}>
          <Typography variant="overline" color="text.secondary" component="h3" sx={{ lineHeight: 1.6 }}>
            Quote preview
          </Typography>
          <Typography variant="caption" color="text.secondary" component="p">
            As it will show on an offer or invoice
          </Typography>
        </Box>
        <TextField select label="Currency" value={cur} onChange={(e) => setCurrency(e.target.value)} fullWidth={false} sx={{ width: 110, bgcolor: 'background.paper' }} disabled={currencies.length === 0} data-testid="bundle-quote-currency">
          {currencies.map((c) => (
            <MenuItem key={c} value={c}>
              {c}
            </MenuItem>
          ))}
        </TextField>
      </Stack>
      {!ready ? (
        <Alert severity="info" variant="outlined">
          {currencies.length === 0 && values.items.some((i) => i.planId)
            ? 'No currency has a price for every part (and the bundle): Cadence never converts currencies.'
            : 'Choose the parts and the pricing to see the quote.'}
        </Alert>
      ) : error ? (
        <Alert severity="warning">{error}</Alert>
      ) : !quote ? (
        <Skeleton variant="rounded" height={160} />
      ) : (
        <>
          <Typography sx={{ fontWeight: 600, mb: 1 }} data-testid="bundle-quote-label">
            {label}
          </Typography>
          <Table size="small" sx={{ '& td, & th': { px: 1, py: 0.6, borderColor: colors.border }, '& th': { fontSize: '0.72rem', fontWeight: 600, color: 'text.secondary', textTransform: 'uppercase', letterSpacing: '0.04em' }, '& td': { fontVariantNumeric: 'tabular-nums' } }}>
            <TableHead>
              <TableRow>
                <TableCell>Part</TableCell>
                <TableCell align="right">Qty</TableCell>
                <TableCell align="right">List price</TableCell>
                <TableCell align="right">In bundle</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {quote.parts.map((p) => (
                <TableRow key={p.planId}>
                  <TableCell>
                    {p.planName}
                    {p.addOn && <Typography component="span" variant="caption" color="text.secondary"> · add-on</Typography>}
                  </TableCell>
                  <TableCell align="right">{formatQuantity(p.quantity)}</TableCell>
                  <TableCell align="right">{formatMoney(p.listAmount, cur)}</TableCell>
                  <TableCell align="right">{formatMoney(p.amount, cur)}</TableCell>
                </TableRow>
              ))}
              <TableRow sx={{ '& td': { color: 'text.secondary' } }}>
                <TableCell colSpan={2}>List total</TableCell>
                <TableCell align="right">{formatMoney(quote.listTotal, cur)}</TableCell>
                <TableCell />
              </TableRow>
              <TableRow sx={{ '& td': { color: quote.discountTotalMinor >= 0 ? '#166534' : '#92400e' } }}>
                <TableCell colSpan={3}>{quote.discountTotalMinor >= 0 ? `Bundle saving (${quote.discountPercent} %)` : `Above list price (${quote.discountPercent.replace('-', '')} %)`}</TableCell>
                <TableCell align="right">{quote.discountTotalMinor >= 0 ? '−' : '+'}{formatMoney(quote.discountTotal.replace('-', ''), cur)}</TableCell>
              </TableRow>
              <TableRow sx={{ '& td': { fontWeight: 700, borderBottom: 'none', fontSize: '0.95rem' } }}>
                <TableCell colSpan={3}>Bundle total per period</TableCell>
                <TableCell align="right" data-testid="bundle-quote-total">{formatMoney(quote.total, cur)}</TableCell>
              </TableRow>
            </TableBody>
          </Table>
        </>
      )}
    </Paper>
  );
}

export function BundleEditor({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const editing = id !== 'new';
  const [bundle, setBundle] = useState<Bundle | null>(null);
  const [plans, setPlans] = useState<Plan[] | null>(null);
  const form = useForm<BundleValues>(newBundleValues());
  const save = useSave(form as FormApi<unknown>, 'bundle');
  const { reset } = form;
  const { setBanner } = save;

  const load = async () => {
    try {
      const b = await invoke('bundles.get', { id });
      setBundle(b);
      reset(valuesOf(b));
      setBanner(null);
    } catch (e) {
      setBanner({ severity: 'error', message: (e as Error).message });
    }
  };
  useEffect(() => {
    if (editing) void load();
  }, [id]);
  useEffect(() => {
    invoke('plans.list', { active: 'all', limit: 10000, sortBy: 'name' }).then((p) => setPlans(p.items)).catch(() => setPlans([]));
  }, []);

  const planOptions = useMemo<CodeOption[]>(
    () => (plans ?? []).map((p) => ({ code: p.id, name: `${p.name} (${p.code})${p.active ? '' : ' — inactive'}` })),
    [plans],
  );

  const submit = () =>
    save.run(checkBundle(form.values), async () => {
      const v = form.values;
      const body = { code: v.code.trim(), name: v.name.trim(), description: v.description, ...definitionOf(v), active: v.active };
      const b = editing && bundle ? await invoke('bundles.update', { id: bundle.id, expectedVersion: bundle.version, patch: body }) : await invoke('bundles.create', body);
      toast.success(`Bundle ${b.code} ${editing ? 'saved' : 'created'}`);
      onChanged();
      onClose();
    });

  const archive = async () => {
    const b = await invoke('bundles.archive', { id: bundle!.id });
    toast.success(`Bundle ${b.code} archived`);
    onChanged();
    onClose();
  };
  const reactivate = async () => {
    const b = await invoke('bundles.update', { id: bundle!.id, expectedVersion: bundle!.version, patch: { active: true } });
    toast.success(`Bundle ${b.code} reactivated`);
    onChanged();
    onClose();
  };

  const loading = (editing && !bundle) || plans === null;
  return (
    <FormDrawer
      open
      width={1180}
      title={editing ? (bundle?.name ?? 'Bundle') : 'New bundle'}
      subtitle={bundle ? `${bundle.code} · version ${bundle.version} · updated ${formatDateTime(bundle.updatedAt)}` : editing ? '' : 'Plans and add-ons sold as one item'}
      badge={bundle && activeChip(bundle.active)}
      onClose={onClose}
      onSubmit={submit}
      ready={!loading}
      dirty={form.dirty}
      busy={save.busy}
      testId="bundle-form"
      saveTestId="bundle-save"
      submitLabel={editing ? 'Save changes' : 'Create bundle'}
      secondaryActions={
        bundle && (
          <ArchiveToggle
            active={bundle.active} save={save} archive={archive} reactivate={reactivate} testId="bundle"
            confirmTitle={`Archive bundle ${bundle.name}?`} confirmMessage="It is no longer offered; existing sales keep it. You can reactivate it later."
          />
        )
      }
    >
      <FormProvider value={form as FormApi<unknown>}>
        <FormBanner banner={save.banner} form={form as FormApi<unknown>} testId="bundle-form-banner" />
        {loading ? (
          <Stack spacing={2}>
            {[0, 1, 2, 3].map((i) => (
              <Skeleton key={i} variant="rounded" height={40} />
            ))}
          </Stack>
        ) : (
          <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: 'minmax(0, 6fr) minmax(0, 5fr)' }, gap: 3, alignItems: 'start' }}>
            <Box>
              <FormSection title="Bundle">
                <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', gap: 2 }}>
                  <TextInput path="code" label="Bundle code" required placeholder="e.g. STARTER-SUITE" />
                  <TextInput path="name" label="Name" required />
                  <Box sx={{ gridColumn: '1 / -1' }}>
                    <TextInput path="description" label="Description" multiline minRows={2} />
                  </Box>
                </Box>
              </FormSection>
              <FormSection title="Parts" description="Plans and add-ons in one bundle, with the quantity of each.">
                <PartsEditor planOptions={planOptions} />
              </FormSection>
              <FormSection title="Pricing" description="Sold at one price per currency, or at a discount on the sum of its parts' list prices.">
                <Stack spacing={2}>
                  <PricingToggle />
                  {form.values.pricing === 'fixed' ? (
                    <PricesEditor />
                  ) : (
                    <Box sx={{ maxWidth: 260 }}>
                      <TextInput path="discountPercent" label="Discount on the parts" required inputMode="decimal" endAdornment={<InputAdornment position="end">%</InputAdornment>} />
                    </Box>
                  )}
                </Stack>
              </FormSection>
            </Box>
            <BundleQuotePanel values={form.values} plans={plans ?? []} name={form.values.name} />
          </Box>
        )}
      </FormProvider>
    </FormDrawer>
  );
}
