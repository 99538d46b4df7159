/**
 * Billing runs (#/billing, #/billing/<runId>): "Run billing now" with live progress ('billing.progress' events), what
 * is due, the scheduler, the run history and each run's log; and the billing settings.
 */
import PlayIcon from '@mui/icons-material/PlayArrowRounded';
import RefreshIcon from '@mui/icons-material/Refresh';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type { ColDef } from 'ag-grid-community';
import { useEffect, useState } from 'react';
import type { OpOutput } from '../../../../shared/api/index';
import { invoke } from '../../api/client';
import { navigate } from '../../app/router';
import { colors } from '../../app/theme';
import { DataGrid } from '../../components/DataGrid';
import { useEvent, useLiveRefresh } from '../../components/events';
import { IntegerInput, SelectInput, TextInput } from '../../components/fields';
import { FormProvider, type FormApi, useForm } from '../../components/form';
import { FormBanner } from '../../components/FormBanner';
import { formatDateTime } from '../../components/format';
import { SectionCard, Stat } from '../../components/SectionCard';
import { StatusChip } from '../../components/StatusChip';
import { toast } from '../../components/toasts';
import { useRows } from '../../components/useRows';
import { useSave } from '../../components/useSave';
import { RunLogDrawer } from './RunLogDrawer';

export type BillingRun = OpOutput<'billing.runs'>['items'][number];
type BillingStatus = OpOutput<'billing.status'>;
type Progress = NonNullable<BillingStatus['progress']>;

const PHASES: Record<Progress['phase'], string> = { generate: 'Generating invoices', finalize: 'Finalizing drafts', dunning: 'Checking overdue invoices', done: 'Done' };

export function RunStatusChip({ status }: { status: BillingRun['status'] }) {
  return status === 'completed' ? <StatusChip label="Completed" tone="green" /> : status === 'running' ? <StatusChip label="Running" tone="blue" /> : <StatusChip label="Failed" tone="red" />;
}

const duration = (r: BillingRun): string => {
  if (!r.finishedAt) return '…';
  const ms = Date.parse(r.finishedAt) - Date.parse(r.startedAt);
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
};
const num = (field: keyof BillingRun, headerName: string, width = 96): ColDef<BillingRun> => ({ field, headerName, width, type: 'rightAligned', filter: 'agNumberColumnFilter' });

/** How a run was started, in words (the run drawer says the same). */
export const triggerLabel = (t: string | null | undefined): string => ({ manual: 'Manual', scheduler: 'Scheduled', cli: 'Command line' } as Record<string, string>)[t ?? ''] ?? t ?? '';

const columns: ColDef<BillingRun>[] = [
  { field: 'startedAt', headerName: 'Started', width: 146, sort: 'desc', valueFormatter: (p) => (p.value ? formatDateTime(p.value) : ''), tooltipValueGetter: (p) => (p.data ? `took ${duration(p.data)}` : undefined) },
  { field: 'trigger', headerName: 'Trigger', width: 130, valueFormatter: (p) => triggerLabel(p.value) },
  { field: 'targetDate', headerName: 'Billed as of', width: 106 },
  { field: 'status', headerName: 'Status', width: 110, cellRenderer: (p: { value?: BillingRun['status'] }) => (p.value ? <RunStatusChip status={p.value} /> : null) },
  num('totalDue', 'Due', 70),
  num('billed', 'Billed', 78),
  num('failed', 'Failed', 76),
  num('invoicesCreated', 'Invoices', 88),
  num('finalized', 'Finalized', 92),
  num('pastDue', 'Past due', 88),
  num('reminders', 'Reminders', 96),
  { field: 'error', headerName: 'Error', flex: 1, minWidth: 150, valueFormatter: (p) => p.value ?? '', cellStyle: { color: '#991b1b' } },
];

function RunCard({ status, progress, starting, onRun }: { status: BillingStatus | null; progress: Progress | null; starting: boolean; onRun: () => void }) {
  const running = !!status?.running || starting;
  const pct = progress && progress.total > 0 ? Math.round((progress.processed / progress.total) * 100) : null;
  const last = status?.lastRun;
  return (
    <Paper variant="outlined" sx={{ borderRadius: 2, mb: 2.5, flex: 'none' }} data-testid="billing-run-card">
      <Stack direction="row" spacing={2} sx={{ px: 3, py: 1.75, alignItems: 'center', borderBottom: `1px solid ${colors.border}` }}>
        <Box sx={{ flex: 1, minWidth: 0 }}>
          <Typography variant="subtitle1" component="h2">
            Billing run
          </Typography>
          <Typography variant="body2" color="text.secondary">
            Bills every subscription that is due as of now, finalizes drafts past their grace period and flags overdue accounts.
          </Typography>
        </Box>
        <Button variant="contained" size="large" startIcon={running ? <CircularProgress size={16} color="inherit" /> : <PlayIcon />} disabled={running || !status} onClick={onRun} data-testid="billing-run-now">
          {running ? 'Running…' : 'Run billing now'}
        </Button>
      </Stack>
      {running && (
        <Box sx={{ px: 3, py: 2, borderBottom: `1px solid ${colors.border}`, bgcolor: '#f8faff' }} data-testid="billing-progress">
          <Stack direction="row" sx={{ justifyContent: 'space-between', mb: 1 }}>
            <Typography variant="body2" sx={{ fontWeight: 600 }}>
              {progress ? PHASES[progress.phase] : 'Starting…'}
            </Typography>
            <Typography variant="body2" color="text.secondary" sx={{ fontVariantNumeric: 'tabular-nums' }} data-testid="billing-progress-text">
              {progress ? `${progress.processed} of ${progress.total} subscriptions · ${progress.invoicesCreated} invoices · ${progress.finalized} finalized${progress.failed ? ` · ${progress.failed} failed` : ''}` : ''}
            </Typography>
          </Stack>
          <LinearProgress variant={pct === null ? 'indeterminate' : 'determinate'} value={pct ?? 0} sx={{ height: 8, borderRadius: 4 }} />
        </Box>
      )}
      <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(4, minmax(0, 1fr))', '& > *': { px: 3, py: 1.75 }, '& > * + *': { borderLeft: `1px solid ${colors.border}` } }}>
        <Stat label="Due now" testId="billing-due" sub="subscriptions with a billing date up to today">
          {status ? status.dueSubscriptions : '…'}
        </Stat>
        <Stat label="Drafts waiting" testId="billing-drafts" sub="finalized after the grace period">
          {status ? status.drafts : '…'}
        </Stat>
        <Stat label="Last run" testId="billing-last-run" sub={last ? `${last.billed} billed, ${last.invoicesCreated} invoices, ${last.finalized} finalized${last.failed ? `, ${last.failed} failed` : ''}` : undefined}>
          {last ? formatDateTime(last.startedAt) : 'Never'}
        </Stat>
        <Stat label="Scheduler" sub={status?.scheduler.enabled && status.scheduler.nextRunAt ? `next run ${formatDateTime(status.scheduler.nextRunAt)}` : 'runs only when started'}>
          {status ? (status.scheduler.enabled ? `Every ${status.scheduler.intervalMinutes} min` : 'Off') : '…'}
        </Stat>
      </Box>
    </Paper>
  );
}

interface SettingsValues {
  graceHours: string;
  taxRounding: string;
  taxRoundingMode: string;
  schedulerIntervalMinutes: string;
  batchSize: string;
  dunningGraceDays: string;
  /** Days after the due date, comma-separated ("7, 14, 30"). */
  dunningLevels: string;
}

/** "7, 14, 30" → [7, 14, 30]; null when malformed. */
const parseLevels = (text: string): number[] | null => {
  const t = text.trim();
  if (t === '') return [];
  const parts = t.split(/[,;\s]+/).filter(Boolean);
  return parts.every((p) => /^\d+$/.test(p)) ? parts.map(Number) : null;
};

function SettingsCard() {
  const form = useForm<SettingsValues>({ graceHours: '', taxRounding: 'per_invoice', taxRoundingMode: 'half_up', schedulerIntervalMinutes: '', batchSize: '', dunningGraceDays: '', dunningLevels: '' });
  const save = useSave(form as FormApi<unknown>, 'billing settings');
  const { reset } = form;
  const apply = (s: OpOutput<'billing.settings'>) =>
    reset({ graceHours: String(s.graceHours), taxRounding: s.taxRounding, taxRoundingMode: s.taxRoundingMode, schedulerIntervalMinutes: String(s.schedulerIntervalMinutes), batchSize: String(s.batchSize), dunningGraceDays: String(s.dunningGraceDays), dunningLevels: s.dunningLevels.join(', ') });
  useEffect(() => {
    invoke('billing.settings', {}).then(apply).catch((e) => toast.error(e));
  }, []);
  const v = form.values;
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!/^\d+(\.\d+)?$/.test(v.graceHours.trim())) errs.graceHours = 'must be a number of hours';
    for (const k of ['schedulerIntervalMinutes', 'batchSize', 'dunningGraceDays'] as const) if (!/^\d+$/.test(v[k].trim())) errs[k] = 'must be a whole number';
    const levels = parseLevels(v.dunningLevels);
    if (levels === null) errs.dunningLevels = 'days after the due date, separated by commas (e.g. 7, 14, 30)';
    else if (levels.some((d, i) => d < 1 || (i > 0 && d <= levels[i - 1]!))) errs.dunningLevels = 'each level must be more days than the one before (at least 1)';
    else if (levels.length > 6) errs.dunningLevels = 'at most 6 levels';
    await save.run(errs, async () => {
      const s = await invoke('billing.updateSettings', {
        graceHours: Number(v.graceHours), taxRounding: v.taxRounding as 'per_invoice', taxRoundingMode: v.taxRoundingMode as 'half_up',
        schedulerIntervalMinutes: Number(v.schedulerIntervalMinutes), batchSize: Number(v.batchSize), dunningGraceDays: Number(v.dunningGraceDays),
        dunningLevels: levels ?? [],
      });
      apply(s);
      toast.success('Billing settings saved');
    });
  };
  return (
    <SectionCard title="Billing settings" description="Grace period before drafts are finalized, tax rounding, the scheduler and dunning." testId="billing-settings">
      <FormProvider value={form as FormApi<unknown>}>
        <Box component="form" noValidate onSubmit={submit}>
          <FormBanner banner={save.banner} form={form as FormApi<unknown>} testId="billing-settings-banner" />
          <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(3, minmax(0, 1fr))', gap: 2, maxWidth: 980 }}>
            <TextInput path="graceHours" label="Draft grace period" inputMode="decimal" endAdornment={<InputAdornment position="end">hours</InputAdornment>} helperText="0: finalize in the same run" />
            <SelectInput
              path="taxRounding"
              label="Tax rounding"
              options={[
                { value: 'per_invoice', label: 'Per invoice and rate' },
                { value: 'per_line', label: 'Per line' },
              ]}
            />
            <SelectInput
              path="taxRoundingMode"
              label="Rounding mode"
              options={[
                { value: 'half_up', label: 'Half up' },
                { value: 'half_even', label: "Half even (banker's)" },
              ]}
            />
            <IntegerInput path="schedulerIntervalMinutes" label="Run automatically every" endAdornment={<InputAdornment position="end">min</InputAdornment>} helperText="0: only when started" />
            <IntegerInput path="dunningGraceDays" label="Past due after" endAdornment={<InputAdornment position="end">days</InputAdornment>} helperText="after the due date" />
            <TextInput path="dunningLevels" label="Payment reminders after" endAdornment={<InputAdornment position="end">days</InputAdornment>} helperText="e.g. 7, 14, 30 — empty: no reminders" />
            <IntegerInput path="batchSize" label="Subscriptions per transaction" />
          </Box>
          <Stack direction="row" spacing={1} sx={{ mt: 2.5 }}>
            <Button type="submit" variant="contained" disabled={save.busy || !form.dirty} data-testid="billing-settings-save">
              Save settings
            </Button>
          </Stack>
        </Box>
      </FormProvider>
    </SectionCard>
  );
}

export function BillingPage({ runId }: { runId?: string }) {
  const [status, setStatus] = useState<BillingStatus | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [starting, setStarting] = useState(false);
  const [lastError, setLastError] = useState<string | null>(null);
  const loadStatus = () =>
    invoke('billing.status', {})
      .then((s) => {
        setStatus(s);
        if (s.running) setProgress((p) => p ?? s.progress);
        else setProgress(null);
      })
      .catch((e) => toast.error(e));
  const { rows, reload, error } = useRows(async () => (await invoke('billing.runs', { limit: 200 })).items, []);

  useEffect(() => {
    void loadStatus();
  }, []);
  useEvent('billing.progress', (p) => {
    setProgress(p as Progress);
    setStatus((s) => (s && !s.running ? { ...s, running: true } : s));
  });
  useEvent('billing.finished', (payload) => {
    const r = payload as Partial<BillingRun> & { error?: string | null };
    setStarting(false);
    setProgress(null);
    void loadStatus();
    void reload();
    if (r.status === 'failed') {
      setLastError(r.error ?? 'The billing run failed');
      toast.error(`Billing run failed: ${r.error ?? 'unknown error'}`);
    } else if (r.status === 'completed') {
      setLastError(null);
      toast.success(`Billing run completed: ${r.billed ?? 0} billed, ${r.invoicesCreated ?? 0} invoice${r.invoicesCreated === 1 ? '' : 's'} created, ${r.finalized ?? 0} finalized`);
    }
  });
  useLiveRefresh(() => void loadStatus(), ['data.changed'], { delayMs: 1000, intervalMs: 30000 });

  const run = async () => {
    setStarting(true);
    setLastError(null);
    try {
      const r = await invoke('billing.run', {});
      if (r.alreadyRunning) toast.info('A billing run is already in progress: showing its progress');
      setStatus((s) => (s ? { ...s, running: true } : s));
      void reload();
    } catch (e) {
      setStarting(false);
      toast.error(e);
    }
  };
  // A run that finished before its 'billing.finished' event could arrive: settle from the status.
  useEffect(() => {
    if (starting && status && !status.running && rows?.some((r) => r.status !== 'running')) setStarting(false);
  }, [status, rows, starting]);

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', flex: 1, minHeight: 0 }} data-testid="billing-page">
      <RunCard status={status} progress={progress} starting={starting} onRun={() => void run()} />
      {lastError && (
        <Alert severity="error" sx={{ mb: 2 }} onClose={() => setLastError(null)}>
          {lastError}
        </Alert>
      )}
      <Stack direction="row" sx={{ alignItems: 'center', mb: 1.25 }}>
        <Typography variant="subtitle1" component="h2" sx={{ flex: 1 }}>
          Run history
        </Typography>
        <Tooltip title="Reload">
          <IconButton size="small" onClick={() => void reload()} aria-label="Reload runs">
            <RefreshIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      </Stack>
      <Box sx={{ display: 'flex', flexDirection: 'column', flex: 1, minHeight: 280, mb: 2.5 }}>
        <DataGrid<BillingRun> error={error} testId="billing-runs-grid" rows={rows} columns={columns} getRowId={(r) => r.id} onOpen={(r) => navigate(['billing', r.id])} noRowsText="No billing run yet" />
      </Box>
      <Box sx={{ flex: 'none' }}>
        <SettingsCard />
      </Box>
      {runId && <RunLogDrawer runId={runId} onClose={() => navigate(['billing'])} />}
    </Box>
  );
}
