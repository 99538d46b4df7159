/** Settings: company and installation, number series patterns, and where this installation keeps its data. */
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import { useEffect, useState } from 'react';
import type { OpOutput } from '../../../../shared/api/index';
import { invoke } from '../../api/client';
import { serverToday, useAppStore } from '../../app/store';
import { CountryPicker, CurrencyPicker, TextInput } from '../../components/fields';
import { fieldErrorsOf, FormProvider, type FormApi, sentence, useForm } from '../../components/form';
import { FormBanner } from '../../components/FormBanner';
import { formatDateTime } from '../../components/format';
import { toast } from '../../components/toasts';
import { useSave } from '../../components/useSave';

type Series = OpOutput<'numberSeries.list'>[number];
type Reset = Series['reset'];

const SERIES_LABELS: Record<string, string> = { customer: 'Customers', invoice: 'Invoices', credit_note: 'Credit notes', sales_order: 'Sales orders' };
const SERIES_ORDER = Object.keys(SERIES_LABELS);
const seriesRank = (key: string) => (SERIES_ORDER.includes(key) ? SERIES_ORDER.indexOf(key) : SERIES_ORDER.length);

/**
 * Same tokens as the backend's number series: {INST} {YYYY} {YY} {MM} {SEQ} {SEQ:n}. The number the series gives next,
 * dated today on the server's clock (the app may run with --now).
 */
export function previewNumber(pattern: string, seq: number, inst: string, today = serverToday()): string {
  const yyyy = today.slice(0, 4);
  const mm = today.slice(5, 7);
  return pattern
    .replace(/\{INST\}/g, inst)
    .replace(/\{YYYY\}/g, yyyy)
    .replace(/\{YY\}/g, yyyy.slice(2))
    .replace(/\{MM\}/g, mm)
    .replace(/\{SEQ(?::(\d+))?\}/g, (_m, n?: string) => String(seq).padStart(n ? Number(n) : 1, '0'));
}

function Card({ title, description, children, testId }: { title: string; description?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <Paper variant="outlined" sx={{ borderRadius: 2, overflow: 'hidden' }} data-testid={testId}>
      <Box sx={{ px: 3, pt: 2.25, pb: 1.75, borderBottom: '1px solid', borderColor: 'divider' }}>
        <Typography variant="subtitle1" component="h2">
          {title}
        </Typography>
        {description && (
          <Typography variant="body2" color="text.secondary" sx={{ mt: 0.25 }}>
            {description}
          </Typography>
        )}
      </Box>
      <Box sx={{ px: 3, py: 2.5 }}>{children}</Box>
    </Paper>
  );
}

interface CompanyValues {
  companyName: string;
  companyCountry: string;
  defaultCurrency: string;
  installationPrefix: string;
  companyVatId: string;
  companyRegistrationNumber: string;
  companyEmail: string;
  companyPhone: string;
  address: { line1: string; line2: string; postalCode: string; city: string; region: string };
  bankName: string;
  bankIban: string;
  bankBic: string;
}

type SettingsShape = NonNullable<ReturnType<typeof useAppStore.getState>['settings']>;

/** The form's values from the stored settings (seller details are printed on every invoice). */
function valuesOf(s: SettingsShape): CompanyValues {
  const a = (s.companyAddress ?? {}) as Partial<CompanyValues['address']>;
  return {
    companyName: s.companyName, companyCountry: s.companyCountry, defaultCurrency: s.defaultCurrency, installationPrefix: s.installationPrefix,
    companyVatId: s.companyVatId ?? '', companyRegistrationNumber: s.companyRegistrationNumber ?? '', companyEmail: s.companyEmail ?? '',
    companyPhone: s.companyPhone ?? '',
    address: { line1: a.line1 ?? '', line2: a.line2 ?? '', postalCode: a.postalCode ?? '', city: a.city ?? '', region: a.region ?? '' },
    bankName: s.bankName ?? '', bankIban: s.bankIban ?? '', bankBic: s.bankBic ?? '',
  };
}
const EMPTY_COMPANY: CompanyValues = {
  companyName: '', companyCountry: '', defaultCurrency: '', installationPrefix: '', companyVatId: '', companyRegistrationNumber: '',
  companyEmail: '', companyPhone: '', address: { line1: '', line2: '', postalCode: '', city: '', region: '' }, bankName: '', bankIban: '', bankBic: '',
};

function CompanyCard() {
  const settings = useAppStore((s) => s.settings);
  const setSettings = useAppStore((s) => s.setSettings);
  const form = useForm<CompanyValues>(EMPTY_COMPANY);
  const save = useSave(form as FormApi<unknown>, 'settings');
  const { reset } = form;
  useEffect(() => {
    if (settings) reset(valuesOf(settings));
  }, [settings, reset]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const v = form.values;
    const errors: Record<string, string> = {};
    if (!v.companyName.trim()) errors.companyName = 'is required';
    if (!v.companyCountry) errors.companyCountry = 'is required';
    if (!v.defaultCurrency) errors.defaultCurrency = 'is required';
    if (!/^[A-Z0-9]{1,6}$/.test(v.installationPrefix)) errors.installationPrefix = 'must be 1–6 capital letters or digits';
    await save.run(errors, async () => {
      const opt = (x: string) => (x.trim() === '' ? null : x.trim());
      const s = await invoke('settings.update', {
        companyName: v.companyName.trim(), companyCountry: v.companyCountry, defaultCurrency: v.defaultCurrency, installationPrefix: v.installationPrefix,
        companyVatId: opt(v.companyVatId), companyRegistrationNumber: opt(v.companyRegistrationNumber), companyEmail: opt(v.companyEmail),
        companyPhone: opt(v.companyPhone), companyAddress: v.address.line1.trim() || v.address.city.trim() ? v.address : null,
        bankName: opt(v.bankName), bankIban: opt(v.bankIban), bankBic: opt(v.bankBic),
      });
      setSettings(s);
      toast.success('Settings saved');
    });
  };

  return (
    <Card title="Company and installation" description="Defaults for new customers and plans, and the prefix that keeps this installation's numbers unique." testId="settings-company">
      <FormProvider value={form as FormApi<unknown>}>
        <Box
          component="form"
          noValidate
          onSubmit={submit}
          onKeyDown={(e) => {
            if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
              e.preventDefault();
              (e.currentTarget as HTMLFormElement).requestSubmit();
            }
          }}
        >
          <FormBanner banner={save.banner} form={form as FormApi<unknown>} testId="settings-banner" />
          <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', gap: 2, maxWidth: 760 }}>
            <Box sx={{ gridColumn: '1 / -1' }}>
              <TextInput path="companyName" label="Company name" required />
            </Box>
            <CountryPicker path="companyCountry" label="Company country" required />
            <CurrencyPicker path="defaultCurrency" label="Default currency" required />
            <TextInput path="installationPrefix" label="Installation prefix" required uppercase helperText="1–6 letters or digits, used as {INST} in numbers." />
            <Box />
            <Typography variant="overline" sx={{ gridColumn: '1 / -1', mt: 1, color: 'text.secondary' }}>Seller details printed on invoices</Typography>
            <TextInput path="companyVatId" label="VAT ID" uppercase />
            <TextInput path="companyRegistrationNumber" label="Registration number" />
            <Box sx={{ gridColumn: '1 / -1' }}>
              <TextInput path="address.line1" label="Address line 1" />
            </Box>
            <Box sx={{ gridColumn: '1 / -1' }}>
              <TextInput path="address.line2" label="Address line 2" />
            </Box>
            <TextInput path="address.postalCode" label="Postal code" />
            <TextInput path="address.city" label="City" />
            <TextInput path="companyEmail" label="Billing email" />
            <TextInput path="companyPhone" label="Phone" />
            <TextInput path="bankName" label="Bank" />
            <TextInput path="bankBic" label="BIC" uppercase />
            <Box sx={{ gridColumn: '1 / -1' }}>
              <TextInput path="bankIban" label="IBAN" uppercase helperText="Printed on invoices and sent as payment means in e-invoices." />
            </Box>
          </Box>
          <Stack direction="row" spacing={1} sx={{ mt: 2.5 }}>
            <Button type="submit" variant="contained" disabled={save.busy || !form.dirty} data-testid="settings-save">
              Save settings
            </Button>
            {form.dirty && (
              <Button onClick={() => settings && reset(valuesOf(settings))}>
                Discard changes
              </Button>
            )}
          </Stack>
        </Box>
      </FormProvider>
    </Card>
  );
}

function SeriesRow({ series, inst, onSaved }: { series: Series; inst: string; onSaved: (s: Series) => void }) {
  const [pattern, setPattern] = useState(series.pattern);
  const [reset, setReset] = useState<Reset>(series.reset);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const dirty = pattern !== series.pattern || reset !== series.reset;
  const save = async () => {
    if (!pattern.includes('{SEQ')) {
      setError('Must contain {SEQ} or {SEQ:n}');
      return;
    }
    setBusy(true);
    try {
      const s = await invoke('numberSeries.update', { key: series.key, pattern, reset });
      onSaved(s);
      setError(null);
      toast.success(`${SERIES_LABELS[series.key] ?? series.key}: number pattern saved`);
    } catch (e) {
      const f = fieldErrorsOf(e);
      setError(f ? sentence(Object.values(f)[0]) : (e as Error).message);
      toast.error(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <TableRow data-testid={`series-${series.key}`}>
      <TableCell sx={{ fontWeight: 600, whiteSpace: 'nowrap' }}>{SERIES_LABELS[series.key] ?? series.key}</TableCell>
      <TableCell sx={{ minWidth: 260 }}>
        <TextField
          value={pattern}
          onChange={(e) => {
            setPattern(e.target.value);
            setError(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && dirty) void save();
          }}
          error={!!error}
          helperText={error ?? undefined}
          slotProps={{ htmlInput: { 'aria-label': `${SERIES_LABELS[series.key] ?? series.key} number pattern`, 'data-testid': `series-${series.key}-pattern`, style: { fontFamily: 'monospace' } } }}
        />
      </TableCell>
      <TableCell sx={{ width: 150 }}>
        <TextField select value={reset} onChange={(e) => setReset(e.target.value as Reset)} slotProps={{ htmlInput: { 'aria-label': 'Counter reset' } }}>
          <MenuItem value="never">Never</MenuItem>
          <MenuItem value="yearly">Yearly</MenuItem>
          <MenuItem value="monthly">Monthly</MenuItem>
        </TextField>
      </TableCell>
      <TableCell sx={{ fontFamily: 'monospace', whiteSpace: 'nowrap', color: 'text.secondary' }} data-testid={`series-${series.key}-preview`}>
        {previewNumber(pattern, series.nextValue, inst)}
      </TableCell>
      <TableCell align="right" sx={{ width: 90 }}>
        <Button size="small" variant={dirty ? 'contained' : 'text'} disabled={!dirty || busy} onClick={() => void save()} data-testid={`series-${series.key}-save`}>
          Save
        </Button>
      </TableCell>
    </TableRow>
  );
}

function SeriesCard() {
  const inst = useAppStore((s) => s.settings?.installationPrefix) ?? '';
  const [series, setSeries] = useState<Series[] | null>(null);
  useEffect(() => {
    invoke('numberSeries.list', {})
      .then((all) => setSeries([...all].sort((a, b) => seriesRank(a.key) - seriesRank(b.key) || a.key.localeCompare(b.key))))
      .catch((e) => {
        toast.error(e);
        setSeries([]);
      });
  }, []);
  return (
    <Card
      title="Number series"
      description={
        <>
          Patterns for human-readable numbers. Tokens: <code>{'{INST}'}</code> installation prefix, <code>{'{YYYY}'}</code> <code>{'{YY}'}</code> <code>{'{MM}'}</code> date,{' '}
          <code>{'{SEQ:n}'}</code> counter padded to n digits.
        </>
      }
      testId="settings-series"
    >
      {series === null ? (
        <CircularProgress size={20} />
      ) : (
        <Table size="small" sx={{ '& td, & th': { borderColor: 'divider' }, '& td': { verticalAlign: 'middle', py: 1.25 } }}>
          <TableHead>
            <TableRow>
              <TableCell>Series</TableCell>
              <TableCell>Pattern</TableCell>
              <TableCell>Counter reset</TableCell>
              <TableCell>Next number</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {series.map((s) => (
              <SeriesRow key={s.key} series={s} inst={inst} onSaved={(n) => setSeries((all) => all?.map((x) => (x.key === n.key ? n : x)) ?? null)} />
            ))}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}

function InfoRow({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <>
      <Typography variant="body2" color="text.secondary">
        {label}
      </Typography>
      <Typography variant="body2" component="div" sx={{ wordBreak: 'break-all' }} data-testid={testId}>
        {children}
      </Typography>
    </>
  );
}

function SystemCard() {
  const info = useAppStore((s) => s.info);
  const settings = useAppStore((s) => s.settings);
  const modeLabel = info ? { electron: 'Desktop (Electron)', web: 'Web mode (local server)', cli: 'Command line', test: 'Test' }[info.mode] : '…';
  return (
    <Card title="System" description="This installation and where it keeps its data." testId="settings-system">
      <Box sx={{ display: 'grid', gridTemplateColumns: '160px 1fr', rowGap: 1.25, columnGap: 2 }}>
        <InfoRow label="Mode" testId="system-mode">{modeLabel}</InfoRow>
        <InfoRow label="Data folder" testId="system-dataDir">
          <code>{info?.dataDir ?? '…'}</code>
        </InfoRow>
        <InfoRow label="Version">{info ? `${info.version} (schema ${info.schemaVersion})` : '…'}</InfoRow>
        <InfoRow label="Installation ID">
          <code>{settings?.installationId ?? '…'}</code>
        </InfoRow>
        <InfoRow label="Server time">{info ? formatDateTime(info.now) : '…'}</InfoRow>
      </Box>
    </Card>
  );
}

export function SettingsPage() {
  const load = useAppStore((s) => s.load);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <Stack spacing={2.5} sx={{ maxWidth: 1040, width: '100%' }} data-testid="settings-page">
      <CompanyCard />
      <SeriesCard />
      <SystemCard />
    </Stack>
  );
}
