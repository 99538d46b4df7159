/**
 * Exports (#/exports): documents (PDF / UBL / CII / ZIP), tables (CSV / XLSX), the GL journal, deferred revenue, AR
 * aging and statements for a period; progress from 'export.progress' events; the files to download; recent exports.
 */
import DownloadIcon from '@mui/icons-material/FileDownloadOutlined';
import FileIcon from '@mui/icons-material/InsertDriveFileOutlined';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import FormControlLabel from '@mui/material/FormControlLabel';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useEffect, useMemo, useState } from 'react';
import type { OpInput, OpOutput } from '../../../../shared/api/index';
import { invoke } from '../../api/client';
import { serverToday } from '../../app/store';
import { colors } from '../../app/theme';
import { formatBytes } from '../../components/download';
import { useEvent } from '../../components/events';
import { CodePicker, CurrencyPicker, DateInput, SelectInput } from '../../components/fields';
import { FormProvider, type FormApi, useField, useForm } from '../../components/form';
import { FormBanner } from '../../components/FormBanner';
import { FormSection } from '../../components/FormDrawer';
import { formatDateTime } from '../../components/format';
import type { CodeOption } from '../../components/reference';
import { SectionCard } from '../../components/SectionCard';
import { StatusChip } from '../../components/StatusChip';
import { toast } from '../../components/toasts';
import { useSave } from '../../components/useSave';
import { tableSx } from '../invoices/LinesTable';
import { downloadExport } from './download';

type ExportJob = OpOutput<'exports.status'>;
type ExportType = ExportJob['type'];
type ExportFormat = ExportJob['format'];

const TYPES: { value: ExportType; label: string; hint: string }[] = [
  { value: 'documents', label: 'Invoices and credit notes', hint: 'PDF, e-invoices' },
  { value: 'tables', label: 'Invoice tables', hint: 'invoices, lines, credit notes, payments' },
  { value: 'journal', label: 'GL journal', hint: 'balanced postings' },
  { value: 'deferred', label: 'Deferred revenue', hint: 'recognition schedule' },
  { value: 'aging', label: 'AR aging', hint: 'open items by age' },
  { value: 'statement', label: 'Customer statement', hint: 'PDF' },
];
/** Mirrors EXPORT_FORMATS of the API (a wrong pair is refused there too). */
const FORMATS: Record<ExportType, ExportFormat[]> = {
  documents: ['pdf', 'ubl', 'cii', 'zip'], tables: ['csv', 'xlsx'], journal: ['csv', 'xlsx'], deferred: ['csv', 'xlsx'], aging: ['csv', 'xlsx'], statement: ['pdf'],
};
const FORMAT_LABELS: Record<ExportFormat, string> = {
  pdf: 'PDF', ubl: 'UBL 2.1 XML (EN 16931)', cii: 'CII XML (EN 16931)', zip: 'ZIP archive', csv: 'CSV', xlsx: 'Excel (XLSX)',
};
const typeLabel = (t: string) => TYPES.find((x) => x.value === t)?.label ?? t;

interface ExportValues {
  type: ExportType;
  format: ExportFormat;
  from: string;
  to: string;
  asOf: string;
  customerId: string | null;
  currency: string;
  documentFormats: ('pdf' | 'ubl' | 'cii')[];
  locale: 'en' | 'de';
}

/** Period presets relative to the server's today. */
function presets(): { label: string; from: string; to: string }[] {
  const today = serverToday();
  const [y, m] = today.split('-').map(Number) as [number, number];
  const iso = (yy: number, mm: number, dd: number) => new Date(Date.UTC(yy, mm - 1, dd)).toISOString().slice(0, 10);
  const q = Math.floor((m - 1) / 3);
  return [
    { label: 'This month', from: iso(y, m, 1), to: iso(y, m + 1, 0) },
    { label: 'Last month', from: iso(y, m - 1, 1), to: iso(y, m, 0) },
    { label: 'This quarter', from: iso(y, q * 3 + 1, 1), to: iso(y, q * 3 + 4, 0) },
    { label: 'Last quarter', from: iso(y, q * 3 - 2, 1), to: iso(y, q * 3 + 1, 0) },
    { label: 'This year', from: iso(y, 1, 1), to: iso(y, 12, 31) },
    { label: 'Last year', from: iso(y - 1, 1, 1), to: iso(y - 1, 12, 31) },
  ];
}

function DocumentFormats() {
  const { value, set, error } = useField<ExportValues['documentFormats']>('documentFormats');
  const v = value ?? [];
  return (
    <Box data-testid="field-documentFormats">
      <Typography variant="body2" color="text.secondary" sx={{ mb: 0.5 }}>
        In the archive
      </Typography>
      {(['pdf', 'ubl', 'cii'] as const).map((f) => (
        <FormControlLabel key={f} control={<Checkbox checked={v.includes(f)} onChange={(e) => set(e.target.checked ? [...v, f] : v.filter((x) => x !== f))} />} label={FORMAT_LABELS[f]} />
      ))}
      {error && (
        <Typography variant="caption" color="error">
          {error}
        </Typography>
      )}
    </Box>
  );
}

function JobProgress({ job }: { job: ExportJob }) {
  const pct = job.total > 0 ? Math.round((job.done / job.total) * 100) : null;
  return (
    <Paper variant="outlined" sx={{ borderRadius: 1.5, p: 2, mt: 2.5, bgcolor: job.status === 'failed' ? '#fef2f2' : '#f8faff' }} data-testid="export-job">
      <Stack direction="row" spacing={1.5} sx={{ alignItems: 'center', mb: job.status === 'running' ? 1 : 0 }}>
        <Typography variant="body2" sx={{ fontWeight: 600, flex: 1 }}>
          {job.summary || typeLabel(job.type)}
        </Typography>
        {job.status === 'running' ? (
          <Typography variant="body2" color="text.secondary" data-testid="export-progress-text">
            {job.total ? `${job.done} of ${job.total}` : 'Preparing…'}
          </Typography>
        ) : job.status === 'done' ? (
          <StatusChip label="Ready" tone="green" testId="export-status" />
        ) : (
          <StatusChip label="Failed" tone="red" testId="export-status" />
        )}
      </Stack>
      {job.status === 'running' && <LinearProgress variant={pct === null ? 'indeterminate' : 'determinate'} value={pct ?? 0} sx={{ height: 8, borderRadius: 4 }} data-testid="export-progress" />}
      {job.error && (
        <Alert severity="error" sx={{ mt: 1.5 }}>
          {job.error.message}
        </Alert>
      )}
      {job.files.length > 0 && (
        <Stack spacing={1} sx={{ mt: 1.5 }} data-testid="export-files">
          {job.files.map((f) => (
            <Stack key={f.fileId} direction="row" spacing={1.5} sx={{ alignItems: 'center', bgcolor: '#fff', border: `1px solid ${colors.border}`, borderRadius: 1, px: 1.5, py: 1 }}>
              <FileIcon fontSize="small" sx={{ color: 'text.secondary' }} />
              <Typography variant="body2" sx={{ flex: 1, fontWeight: 500, overflowWrap: 'anywhere' }}>
                {f.name}
              </Typography>
              <Typography variant="caption" color="text.secondary">
                {formatBytes(f.size)}
              </Typography>
              <Button size="small" variant="contained" startIcon={<DownloadIcon />} onClick={() => void downloadExport(f).catch((e) => toast.error(e))} data-testid="export-download">
                Download
              </Button>
            </Stack>
          ))}
        </Stack>
      )}
    </Paper>
  );
}

function RecentExports({ jobs }: { jobs: ExportJob[] | null }) {
  return (
    <SectionCard title="Recent exports" description="Files are kept in the data folder for a while and can be downloaded again." flush testId="exports-recent">
      {jobs && jobs.length === 0 ? (
        <Typography variant="body2" color="text.secondary" sx={{ px: 3, py: 2.5 }}>
          No exports yet.
        </Typography>
      ) : (
        <Table size="small" sx={tableSx}>
          <TableHead>
            <TableRow>
              <TableCell>Started</TableCell>
              <TableCell>Export</TableCell>
              <TableCell>Contents</TableCell>
              <TableCell>Status</TableCell>
              <TableCell align="right">Files</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {(jobs ?? []).map((j) => (
              <TableRow key={j.jobId}>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(j.startedAt)}</TableCell>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>
                  {typeLabel(j.type)} · {j.format.toUpperCase()}
                </TableCell>
                <TableCell>{j.summary}</TableCell>
                <TableCell>{j.status === 'done' ? <StatusChip label="Ready" tone="green" /> : j.status === 'running' ? <StatusChip label="Running" tone="blue" /> : <StatusChip label="Failed" tone="red" />}</TableCell>
                <TableCell align="right">
                  <Stack direction="row" spacing={0.5} sx={{ justifyContent: 'flex-end', flexWrap: 'wrap' }}>
                    {j.files.slice(0, 4).map((f) => (
                      <Chip key={f.fileId} size="small" icon={<DownloadIcon />} label={f.name} onClick={() => void downloadExport(f).catch((e) => toast.error(e))} variant="outlined" sx={{ maxWidth: 260 }} />
                    ))}
                    {j.files.length > 4 && <Chip size="small" label={`+${j.files.length - 4}`} />}
                  </Stack>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </SectionCard>
  );
}

export function ExportsPage() {
  const [range] = useState(() => presets()[1]!);
  const form = useForm<ExportValues>({ type: 'documents', format: 'zip', from: range.from, to: range.to, asOf: serverToday(), customerId: null, currency: '', documentFormats: ['pdf', 'ubl', 'cii'], locale: 'en' });
  const save = useSave(form as FormApi<unknown>, 'export');
  const [job, setJob] = useState<ExportJob | null>(null);
  const [jobs, setJobs] = useState<ExportJob[] | null>(null);
  const [customers, setCustomers] = useState<CodeOption[]>([]);
  const v = form.values;

  const loadJobs = () =>
    invoke('exports.list', { limit: 20 })
      .then(setJobs)
      .catch(() => setJobs([]));
  useEffect(() => {
    void loadJobs();
    invoke('customers.list', { status: 'all', limit: 10000, sortBy: 'name' })
      .then((p) => setCustomers(p.items.map((c) => ({ code: c.id, name: `${c.name} (${c.number})` }))))
      .catch(() => undefined);
  }, []);

  const refreshJob = (jobId: string) =>
    invoke('exports.status', { jobId })
      .then((j) => {
        setJob(j);
        if (j.status !== 'running') void loadJobs();
      })
      .catch(() => undefined);
  useEvent('export.progress', (p) => {
    const e = p as { jobId: string; done: number; total: number };
    setJob((j) => (j && j.jobId === e.jobId && j.status === 'running' ? { ...j, done: e.done, total: e.total } : j));
  });
  useEvent('export.finished', (p) => {
    const e = p as { jobId: string };
    if (job && e.jobId === job.jobId) void refreshJob(e.jobId);
  });
  // Fallback when the finish event does not arrive (e.g. a transport that does not forward it).
  const running = job?.status === 'running' ? job.jobId : null;
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => void refreshJob(running), 1500);
    return () => clearInterval(t);
  }, [running]);

  const setType = (t: string) => {
    const type = t as ExportType;
    form.reset({ ...v, type, format: FORMATS[type].includes(v.format) ? v.format : FORMATS[type][0]! });
  };
  const formats = useMemo(() => FORMATS[v.type].map((f) => ({ value: f, label: FORMAT_LABELS[f] })), [v.type]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (v.type !== 'aging') {
      if (!v.from) errs.from = 'is required';
      if (!v.to) errs.to = 'is required';
      if (v.from && v.to && v.from > v.to) errs.to = 'is before the start';
    }
    if (v.type === 'statement' && !v.customerId) errs.customerId = 'is required for a statement';
    if (v.type === 'documents' && v.format === 'zip' && v.documentFormats.length === 0) errs.documentFormats = 'choose at least one format';
    await save.run(errs, async () => {
      const input: OpInput<'exports.run'> = {
        type: v.type,
        format: v.format,
        ...(v.type === 'aging' ? { asOf: v.asOf || undefined } : { from: v.from, to: v.to }),
        ...(v.customerId ? { customerId: v.customerId } : {}),
        ...(v.type === 'statement' && v.currency ? { currency: v.currency } : {}),
        ...(v.type === 'documents' && v.format === 'zip' ? { documentFormats: v.documentFormats } : {}),
        locale: v.locale,
      };
      const j = await invoke('exports.run', input);
      setJob(j);
      void loadJobs();
    });
  };

  const grid3 = { display: 'grid', gridTemplateColumns: 'repeat(3, minmax(0, 1fr))', columnGap: 2, rowGap: 2 } as const;
  return (
    <Stack spacing={2.5} sx={{ maxWidth: 1100, width: '100%' }} data-testid="exports-page">
      <SectionCard title="New export" description="Everything for a period, for your accountant or your ERP: documents by issue date, payments by value date.">
        <FormProvider value={form as FormApi<unknown>}>
          <Box component="form" noValidate onSubmit={submit} data-testid="export-form">
            <FormBanner banner={save.banner} form={form as FormApi<unknown>} testId="export-banner" />
            <FormSection title="What">
              <Box sx={grid3}>
                <SelectInput path="type" label="Export" options={TYPES} onValueChange={setType} />
                <SelectInput path="format" label="Format" options={formats} />
                {(v.format === 'pdf' || v.format === 'zip' || v.type === 'statement') && (
                  <SelectInput
                    path="locale"
                    label="PDF language"
                    options={[
                      { value: 'en', label: 'English' },
                      { value: 'de', label: 'Deutsch' },
                    ]}
                  />
                )}
                {v.type === 'documents' && v.format === 'zip' && (
                  <Box sx={{ gridColumn: '1 / -1' }}>
                    <DocumentFormats />
                  </Box>
                )}
              </Box>
            </FormSection>
            <FormSection title={v.type === 'aging' ? 'As of' : 'Period'}>
              {v.type === 'aging' ? (
                <Box sx={grid3}>
                  <DateInput path="asOf" label="Open items as of" />
                </Box>
              ) : (
                <>
                  <Box sx={grid3}>
                    <DateInput path="from" label="From" required />
                    <DateInput path="to" label="To" required />
                  </Box>
                  <Stack direction="row" spacing={0.75} useFlexGap sx={{ mt: 1.25, flexWrap: 'wrap' }}>
                    {presets().map((p) => (
                      <Chip
                        key={p.label}
                        label={p.label}
                        size="small"
                        variant={v.from === p.from && v.to === p.to ? 'filled' : 'outlined'}
                        color={v.from === p.from && v.to === p.to ? 'primary' : 'default'}
                        onClick={() => form.reset({ ...v, from: p.from, to: p.to })}
                        data-testid={`export-preset-${p.label.toLowerCase().replace(/ /g, '-')}`}
                      />
                    ))}
                  </Stack>
                </>
              )}
            </FormSection>
            <FormSection title="Customer">
              <Box sx={grid3}>
                <Box sx={{ gridColumn: 'span 2' }}>
                  <CodePicker path="customerId" label={v.type === 'statement' ? 'Customer' : 'Only this customer'} options={customers} renderCode={false} nullable required={v.type === 'statement'} placeholder={v.type === 'statement' ? undefined : 'All customers'} />
                </Box>
                {v.type === 'statement' && <CurrencyPicker path="currency" label="Currency" helperText="Empty: the customer's" />}
              </Box>
            </FormSection>
            <Stack direction="row" spacing={1} sx={{ mt: 3 }}>
              <Button type="submit" variant="contained" disabled={save.busy || job?.status === 'running'} startIcon={save.busy ? <CircularProgress size={14} color="inherit" /> : <DownloadIcon />} data-testid="export-run">
                Export
              </Button>
            </Stack>
            {job && <JobProgress job={job} />}
          </Box>
        </FormProvider>
      </SectionCard>
      <RecentExports jobs={jobs} />
    </Stack>
  );
}
