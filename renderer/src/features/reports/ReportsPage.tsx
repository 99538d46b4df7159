/**
 * Reports (#/reports/<tab>): AR aging per customer as of a date (current, 1–30, 31–60, 61–90, 90+ days past due),
 * deferred revenue at month end (billed, recognised in month / to date, deferred), as grids with totals rows (both
 * can be exported to XLSX / CSV), and MRR with its monthly movements and churn over the last 12 months.
 */
import DownloadIcon from '@mui/icons-material/FileDownloadOutlined';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { ColDef } from 'ag-grid-community';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartData, type ChartOptions } from 'chart.js';
import { useMemo, useState } from 'react';
import { Bar } from 'react-chartjs-2';
import type { OpInput, OpOutput } from '../../../../shared/api/index';
import { prevMonth } from '../../../../shared/domain/finance/deferred';
import { fromMinor, minorUnits } from '../../../../shared/domain/money';
import { invoke } from '../../api/client';
import { navigate } from '../../app/router';
import { serverToday, useAppStore } from '../../app/store';
import { colors, FONT_STACK } from '../../app/theme';
import { DataGrid } from '../../components/DataGrid';
import { formatMinorAmount, formatMinorMoney } from '../../components/format';
import { PageToolbar } from '../../components/PageToolbar';
import { toast } from '../../components/toasts';
import { useRows } from '../../components/useRows';
import { downloadExport } from '../exports/download';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

type Aging = OpOutput<'reports.arAging'>;
type AgingRow = Aging['rows'][number] & { id: string };
type Deferred = OpOutput<'reports.deferredRevenue'>;
type MonthRow = Partial<Deferred['months'][number]> & { id: string; currency: string; label: string };
type CustomerRow = Partial<Deferred['byCustomer'][number]> & { id: string; currency: string; label: string };

const CURRENCY_FILTER = ['', 'EUR', 'USD', 'GBP', 'CHF', 'JPY', 'SEK', 'DKK', 'NOK', 'PLN', 'CZK'];

function moneyCol<T extends { currency: string }>(get: (r: T) => number | undefined | null, headerName: string, width = 124, extra: Partial<ColDef<T>> = {}): ColDef<T> {
  return {
    colId: headerName,
    headerName,
    width,
    type: 'rightAligned',
    filter: 'agNumberColumnFilter',
    cellStyle: { fontVariantNumeric: 'tabular-nums' },
    valueGetter: (p) => (p.data ? get(p.data) ?? null : null),
    valueFormatter: (p) => (p.data && p.value !== null && p.value !== undefined ? formatMinorAmount(p.value as number, p.data.currency) : ''),
    filterValueGetter: (p) => (p.data && get(p.data) != null ? (get(p.data) as number) / 10 ** minorUnits(p.data.currency) : null),
    ...extra,
  };
}

async function exportAndDownload(input: OpInput<'exports.run'>): Promise<void> {
  const job = await invoke('exports.run', { ...input, wait: true });
  if (job.status !== 'done' || job.files.length === 0) throw new Error(job.error?.message ?? 'The export produced no file');
  for (const f of job.files) await downloadExport(f);
  toast.success(`${job.files.map((f) => f.name).join(', ')} downloaded`);
}

function ExportButtons({ input, testId }: { input: (format: 'csv' | 'xlsx') => OpInput<'exports.run'>; testId: string }) {
  const [busy, setBusy] = useState<string | null>(null);
  const run = async (format: 'csv' | 'xlsx') => {
    setBusy(format);
    try {
      await exportAndDownload(input(format));
    } catch (e) {
      toast.error(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Stack direction="row" spacing={1}>
      {(['xlsx', 'csv'] as const).map((f) => (
        <Button key={f} variant="outlined" startIcon={busy === f ? <CircularProgress size={14} /> : <DownloadIcon />} disabled={!!busy} onClick={() => void run(f)} data-testid={`${testId}-${f}`}>
          {f === 'xlsx' ? 'Excel' : 'CSV'}
        </Button>
      ))}
    </Stack>
  );
}

const dateField = (label: string, value: string, set: (v: string) => void, testId: string, type = 'date') => (
  <TextField type={type} label={label} value={value} onChange={(e) => e.target.value && set(e.target.value)} fullWidth={false} sx={{ width: 170, bgcolor: 'background.paper' }} slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'data-testid': testId } }} />
);
const currencyField = (value: string, set: (v: string) => void, testId: string) => (
  <TextField select label="Currency" value={value} onChange={(e) => set(e.target.value)} fullWidth={false} sx={{ width: 150, bgcolor: 'background.paper' }} slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true }, htmlInput: { 'data-testid': testId } }}>
    {CURRENCY_FILTER.map((c) => (
      <MenuItem key={c} value={c}>
        {c || 'All currencies'}
      </MenuItem>
    ))}
  </TextField>
);

/** Totals rows pinned under a grid: at most two currencies (more would cover the grid); more go to a strip below it. */
const MAX_PINNED = 2;
function TotalsStrip({ items, testId }: { items: { currency: string; text: string }[]; testId: string }) {
  if (items.length <= MAX_PINNED) return null;
  return (
    <Typography variant="body2" sx={{ mt: 1, color: 'text.secondary', flex: 'none' }} data-testid={testId}>
      Totals: {items.map((t, i) => (
        <span key={t.currency}>
          {i > 0 ? ' · ' : ''}
          <strong>{t.currency}</strong> {t.text}
        </span>
      ))}
    </Typography>
  );
}

/** The first month of the twelve ending with `month` (YYYY-MM): the reports' default window. */
function firstOfTwelve(month: string): string {
  let m = month;
  for (let i = 0; i < 11; i++) m = prevMonth(m);
  return m;
}

/** The currency a chart shows: the one filtered, else the one with the most recent figures (the chart says which). */
function chartCurrencyOf(filter: string, rows: readonly { currency: string }[], preferred?: string): string {
  if (filter) return filter;
  if (preferred && rows.some((r) => r.currency === preferred)) return preferred;
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.currency, (counts.get(r.currency) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? '';
}

function ChartTitle({ text, currency, all }: { text: string; currency: string; all: boolean }) {
  return (
    <Typography variant="subtitle2" sx={{ mb: 1 }}>
      {text} — {currency}
      {all && (
        <Typography component="span" variant="body2" color="text.secondary">
          {' '}
          (one currency at a time: choose another with the filter)
        </Typography>
      )}
    </Typography>
  );
}

const overdueStyle: Partial<ColDef<AgingRow>> = {
  cellStyle: (p) => ({ fontVariantNumeric: 'tabular-nums', color: p.value ? '#991b1b' : 'inherit' }),
};

function AgingReport() {
  const [asOf, setAsOf] = useState(serverToday());
  const [currency, setCurrency] = useState('');
  const [report, setReport] = useState<Aging | null>(null);
  const { rows, error } = useRows(async () => {
    const r = await invoke('reports.arAging', { asOf, ...(currency ? { currency } : {}) });
    setReport(r);
    return r.rows.map((x): AgingRow => ({ ...x, id: `${x.customerId}-${x.currency}` }));
  }, [asOf, currency]);
  const totals = useMemo(
    () => (report?.totals ?? []).map((t): AgingRow => ({ id: `total-${t.currency}`, customerId: '', customerNumber: '', customerName: `Total ${t.currency}`, currency: t.currency, buckets: t.buckets, totalMinor: t.totalMinor })),
    [report],
  );
  const columns = useMemo<ColDef<AgingRow>[]>(
    () => [
      { field: 'customerName', headerName: 'Customer', flex: 1, minWidth: 200, cellStyle: { fontWeight: 600 } },
      { field: 'customerNumber', headerName: 'Number', width: 120 },
      { field: 'currency', headerName: 'Cur.', width: 76 },
      ...(report?.buckets ?? []).map((b) => moneyCol<AgingRow>((r) => r.buckets[b.key as keyof AgingRow['buckets']], b.label, 118, b.key !== 'current' ? overdueStyle : {})),
      moneyCol<AgingRow>((r) => r.totalMinor, 'Total', 130, { cellStyle: { fontVariantNumeric: 'tabular-nums', fontWeight: 700 } }),
    ],
    [report],
  );
  return (
    <>
      <PageToolbar actions={<ExportButtons testId="aging-export" input={(format) => ({ type: 'aging', format, asOf, ...(currency ? { currency } : {}) })} />}>
        {dateField('As of', asOf, setAsOf, 'aging-asof')}
        {currencyField(currency, setCurrency, 'aging-currency')}
        <Typography variant="body2" color="text.secondary">
          Open invoices less unapplied credits, by days past their due date.
        </Typography>
      </PageToolbar>
      <DataGrid<AgingRow> testId="aging-grid" rows={rows} error={error} columns={columns} getRowId={(r) => r.id} pinnedBottomRows={totals.length <= MAX_PINNED ? totals : []} onOpen={(r) => r.customerId && navigate(['customers', r.customerId])} noRowsText="Nothing is owed as of this date" />
      <TotalsStrip testId="aging-totals" items={totals.map((t) => ({ currency: t.currency, text: formatMinorAmount(t.totalMinor, t.currency) }))} />
    </>
  );
}

/** The report charts' bar options: money in `currency` on the value axis and in tooltips; `stacked` for movements. */
function barOptions(currency: string, stacked = false): ChartOptions<'bar'> {
  const tick = { font: { family: FONT_STACK, size: 11 } };
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: {
      legend: { position: 'bottom', labels: { font: { family: FONT_STACK, size: 12 }, boxWidth: 12 } },
      tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${currency} ${(c.parsed.y ?? 0).toLocaleString('en', { minimumFractionDigits: 2 })}` } },
    },
    scales: {
      x: { stacked, grid: { display: false }, ticks: tick },
      y: { stacked, ticks: { ...tick, callback: (v) => Number(v).toLocaleString('en') }, grid: { color: '#eef0f3' } },
    },
  };
}

/** A report chart in its card, titled with the currency it shows. */
function ChartCard({ title, currency, all, height, testId, data, stacked }: { title: string; currency: string; all: boolean; height: number; testId: string; data: ChartData<'bar'>; stacked?: boolean }) {
  const options = useMemo(() => barOptions(currency, stacked), [currency, stacked]);
  return (
    <Paper variant="outlined" sx={{ borderRadius: 2, p: 2, mb: 2, height, flex: 'none', display: 'flex', flexDirection: 'column' }} data-testid={testId}>
      <ChartTitle text={title} currency={currency} all={all} />
      <Box sx={{ flex: 1, minHeight: 0 }}>
        <Bar data={data} options={options} />
      </Box>
    </Paper>
  );
}

function DeferredChart({ months, currency, all }: { months: Deferred['months']; currency: string; all: boolean }) {
  const rows = months.filter((m) => m.currency === currency);
  const data = useMemo<ChartData<'bar'>>(
    () => ({
      labels: rows.map((m) => m.month),
      datasets: [
        { label: 'Recognised in month', data: rows.map((m) => fromMinor(m.recognisedInMonthMinor, currency).toNumber()), backgroundColor: colors.primary, borderRadius: 3, maxBarThickness: 26 },
        { label: 'Deferred at month end', data: rows.map((m) => fromMinor(m.deferredMinor, currency).toNumber()), backgroundColor: '#99b3f0', borderRadius: 3, maxBarThickness: 26 },
      ],
    }),
    [rows, currency],
  );
  if (rows.length === 0) return null;
  return <ChartCard title="Recognised and deferred revenue" currency={currency} all={all} height={270} testId="deferred-chart" data={data} />;
}

function DeferredReport() {
  const today = serverToday();
  const defaultCurrency = useAppStore((st) => st.settings?.defaultCurrency);
  const [month, setMonth] = useState(today.slice(0, 7));
  const [currency, setCurrency] = useState('');
  const [report, setReport] = useState<Deferred | null>(null);
  const fromMonth = useMemo(() => firstOfTwelve(month), [month]);
  const { rows, error } = useRows(async () => {
    const r = await invoke('reports.deferredRevenue', { month, fromMonth, ...(currency ? { currency } : {}) });
    setReport(r);
    return r.months.map((m): MonthRow => ({ ...m, id: `${m.month}-${m.currency}`, label: m.month }));
  }, [month, fromMonth, currency]);

  const customers = useMemo(() => (report?.byCustomer ?? []).map((c): CustomerRow => ({ ...c, id: `${c.customerId}-${c.currency}`, label: c.customerName })), [report]);
  const customerTotals = useMemo(() => {
    const by = new Map<string, CustomerRow>();
    for (const c of report?.byCustomer ?? []) {
      const t = by.get(c.currency) ?? { id: `total-${c.currency}`, currency: c.currency, label: `Total ${c.currency}`, billedToDateMinor: 0, recognisedToDateMinor: 0, deferredMinor: 0 };
      t.billedToDateMinor! += c.billedToDateMinor;
      t.recognisedToDateMinor! += c.recognisedToDateMinor;
      t.deferredMinor! += c.deferredMinor;
      by.set(c.currency, t);
    }
    return [...by.values()];
  }, [report]);
  const monthTotals = useMemo(() => {
    const by = new Map<string, MonthRow>();
    for (const m of report?.months ?? []) {
      const t = by.get(m.currency) ?? { id: `total-${m.currency}`, currency: m.currency, label: `Total ${m.currency}`, recognisedInMonthMinor: 0 };
      t.recognisedInMonthMinor! += m.recognisedInMonthMinor;
      if (m.month === report?.month) t.deferredMinor = m.deferredMinor;
      by.set(m.currency, t);
    }
    return [...by.values()];
  }, [report]);

  const monthCols: ColDef<MonthRow>[] = [
    { field: 'label', headerName: 'Month', flex: 1, minWidth: 110, cellStyle: { fontWeight: 600 } },
    { field: 'currency', headerName: 'Cur.', width: 76 },
    moneyCol<MonthRow>((r) => r.billedToDateMinor, 'Billed to date', 150),
    moneyCol<MonthRow>((r) => r.recognisedInMonthMinor, 'Recognised in month', 170),
    moneyCol<MonthRow>((r) => r.recognisedToDateMinor, 'Recognised to date', 170),
    moneyCol<MonthRow>((r) => r.deferredMinor, 'Deferred at month end', 180, { cellStyle: { fontVariantNumeric: 'tabular-nums', fontWeight: 700 } }),
  ];
  const customerCols: ColDef<CustomerRow>[] = [
    { field: 'label', headerName: 'Customer', flex: 1, minWidth: 200, cellStyle: { fontWeight: 600 } },
    { field: 'customerNumber', headerName: 'Number', width: 120, valueFormatter: (p) => p.value ?? '' },
    { field: 'currency', headerName: 'Cur.', width: 76 },
    moneyCol<CustomerRow>((r) => r.billedToDateMinor, 'Billed to date', 150),
    moneyCol<CustomerRow>((r) => r.recognisedToDateMinor, 'Recognised to date', 170),
    moneyCol<CustomerRow>((r) => r.deferredMinor, 'Deferred', 150, { cellStyle: { fontVariantNumeric: 'tabular-nums', fontWeight: 700 } }),
  ];
  const last = report?.months.filter((m) => m.month === report.month) ?? [];

  return (
    <>
      <PageToolbar
        actions={<ExportButtons testId="deferred-export" input={(format) => ({ type: 'deferred', format, fromMonth, toMonth: month, from: `${fromMonth}-01`, to: report?.monthEnd ?? `${month}-28` })} />}
      >
        {dateField('Month end', month, setMonth, 'deferred-month', 'month')}
        {currencyField(currency, setCurrency, 'deferred-currency')}
        {last.map((m) => (
          <Typography key={m.currency} variant="body2" data-testid="deferred-balance">
            Deferred at {report?.monthEnd}: <strong>{formatMinorMoney(m.deferredMinor, m.currency)}</strong>
          </Typography>
        ))}
      </PageToolbar>
      {report && report.months.length > 0 && <DeferredChart months={report.months} currency={chartCurrencyOf(currency, report.months, defaultCurrency)} all={!currency && new Set(report.months.map((m) => m.currency)).size > 1} />}
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', xl: 'minmax(0, 1fr) minmax(0, 1fr)' }, gap: 2, flex: 1, minHeight: 420 }}>
        <Box sx={{ display: 'flex', flexDirection: 'column', minHeight: 400 }}>
          <Typography variant="subtitle2" sx={{ mb: 1 }}>
            By month
          </Typography>
          <DataGrid<MonthRow> testId="deferred-months-grid" rows={rows} error={error} columns={monthCols} getRowId={(r) => r.id} pinnedBottomRows={monthTotals.length <= MAX_PINNED ? monthTotals : []} noRowsText="Nothing billed in these months" />
          <TotalsStrip testId="deferred-month-totals" items={monthTotals.map((t) => ({ currency: t.currency, text: `recognised ${formatMinorAmount(t.recognisedInMonthMinor ?? 0, t.currency)}, deferred ${formatMinorAmount(t.deferredMinor ?? 0, t.currency)}` }))} />
        </Box>
        <Box sx={{ display: 'flex', flexDirection: 'column', minHeight: 400 }}>
          <Typography variant="subtitle2" sx={{ mb: 1 }}>
            By customer at {report?.monthEnd ?? '…'}
          </Typography>
          <DataGrid<CustomerRow> testId="deferred-customers-grid" rows={report ? customers : null} columns={customerCols} getRowId={(r) => r.id} pinnedBottomRows={customerTotals.length <= MAX_PINNED ? customerTotals : []} noRowsText="No deferred revenue" />
          <TotalsStrip testId="deferred-customer-totals" items={customerTotals.map((t) => ({ currency: t.currency, text: `deferred ${formatMinorAmount(t.deferredMinor ?? 0, t.currency)}` }))} />
        </Box>
      </Box>
    </>
  );
}

type Mrr = OpOutput<'reports.mrr'>;
type MrrRow = Mrr['months'][number] & { id: string };

const MRR_SERIES: { key: keyof Mrr['months'][number]; label: string; color: string; sign: 1 | -1 }[] = [
  { key: 'newMinor', label: 'New', color: '#1d4ed8', sign: 1 },
  { key: 'expansionMinor', label: 'Expansion', color: '#16a34a', sign: 1 },
  { key: 'reactivationMinor', label: 'Reactivation', color: '#0891b2', sign: 1 },
  { key: 'contractionMinor', label: 'Contraction', color: '#f59e0b', sign: -1 },
  { key: 'churnMinor', label: 'Churn', color: '#dc2626', sign: -1 },
];

/** MRR movements of the months of one currency: gains above the axis, losses below. */
function MrrChart({ months, currency, all }: { months: Mrr['months']; currency: string; all: boolean }) {
  const rows = months.filter((m) => m.currency === currency);
  const data = useMemo<ChartData<'bar'>>(
    () => ({
      labels: rows.map((m) => m.month),
      datasets: MRR_SERIES.map((s) => ({
        label: s.label, data: rows.map((m) => s.sign * fromMinor(m[s.key] as number, currency).toNumber()), backgroundColor: s.color, borderRadius: 2, maxBarThickness: 30, stack: 'movements',
      })),
    }),
    [rows, currency],
  );
  if (rows.length === 0) return null;
  return <ChartCard title="MRR movements" currency={currency} all={all} height={280} testId="mrr-chart" data={data} stacked />;
}

function MrrReport() {
  const today = serverToday();
  const defaultCurrency = useAppStore((st) => st.settings?.defaultCurrency);
  const [toMonth, setToMonth] = useState(today.slice(0, 7));
  const [currency, setCurrency] = useState('');
  const [report, setReport] = useState<Mrr | null>(null);
  const fromMonth = useMemo(() => firstOfTwelve(toMonth), [toMonth]);
  const { rows, error } = useRows(async () => {
    const r = await invoke('reports.mrr', { fromMonth, toMonth, ...(currency ? { currency } : {}) });
    setReport(r);
    return r.months.map((m): MrrRow => ({ ...m, id: `${m.month}-${m.currency}` }));
  }, [fromMonth, toMonth, currency]);
  const chartCurrency = chartCurrencyOf(currency, report?.months ?? [], defaultCurrency);
  const latest = useMemo(() => {
    const by = new Map<string, Mrr['months'][number]>();
    for (const m of report?.months ?? []) by.set(m.currency, m);
    return [...by.values()];
  }, [report]);
  const pctCol = (field: 'logoChurnPct' | 'revenueChurnPct' | 'netRetentionPct', headerName: string, width: number): ColDef<MrrRow> => ({
    field, headerName, width, type: 'rightAligned', cellStyle: { fontVariantNumeric: 'tabular-nums' }, valueFormatter: (p) => (p.value == null ? '—' : `${p.value} %`),
  });
  const columns: ColDef<MrrRow>[] = [
    { field: 'month', headerName: 'Month', width: 100, cellStyle: { fontWeight: 600 } },
    { field: 'currency', headerName: 'Cur.', width: 72 },
    moneyCol<MrrRow>((r) => r.startMinor, 'MRR at start', 130),
    ...MRR_SERIES.map((s) => moneyCol<MrrRow>((r) => s.sign * (r[s.key] as number), s.label, 120, {
      cellStyle: (p) => ({ fontVariantNumeric: 'tabular-nums', color: !p.value ? '#9ca3af' : s.sign < 0 ? '#991b1b' : '#166534' }),
    })),
    moneyCol<MrrRow>((r) => r.endMinor, 'MRR at end', 130, { cellStyle: { fontVariantNumeric: 'tabular-nums', fontWeight: 700 } }),
    { field: 'customersEnd', headerName: 'Customers', width: 110, type: 'rightAligned' },
    { field: 'churnedCustomers', headerName: 'Lost', width: 80, type: 'rightAligned' },
    pctCol('logoChurnPct', 'Logo churn', 110),
    pctCol('revenueChurnPct', 'Revenue churn', 130),
    pctCol('netRetentionPct', 'Net retention', 125),
    moneyCol<MrrRow>((r) => r.arpaMinor, 'ARPA', 110),
  ];
  return (
    <>
      <PageToolbar>
        {dateField('Last month', toMonth, setToMonth, 'mrr-month', 'month')}
        {currencyField(currency, setCurrency, 'mrr-currency')}
        {latest.length === 1 && (
          <Typography variant="body2" data-testid="mrr-current">
            MRR at the end of {latest[0]!.month}: <strong>{formatMinorMoney(latest[0]!.endMinor, latest[0]!.currency)}</strong> (ARR {formatMinorMoney(latest[0]!.endMinor * 12, latest[0]!.currency)})
          </Typography>
        )}
        {latest.length > 1 && (
          <Typography variant="body2" data-testid="mrr-current">
            MRR at the end of {latest.at(-1)!.month}:{' '}
            {latest.map((m, i) => (
              <span key={m.currency}>
                {i > 0 ? ' · ' : ''}
                <strong>{formatMinorMoney(m.endMinor, m.currency)}</strong>
              </span>
            ))}
          </Typography>
        )}
      </PageToolbar>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
        Recurring fees in force on each month&apos;s last day, a period&apos;s price over its months, net of discounts; nothing in trial, pause or after cancellation; usage is not
        recurring revenue. Each currency on its own.
      </Typography>
      {report && chartCurrency && <MrrChart months={report.months} currency={chartCurrency} all={!currency && new Set(report.months.map((m) => m.currency)).size > 1} />}
      <DataGrid<MrrRow> testId="mrr-grid" rows={rows} error={error} columns={columns} getRowId={(r) => r.id} noRowsText="No recurring revenue in these months" />
    </>
  );
}

type TabId = 'aging' | 'deferred' | 'mrr';

export function ReportsPage({ tab }: { tab?: string }) {
  const current: TabId = tab === 'deferred' ? 'deferred' : tab === 'mrr' ? 'mrr' : 'aging';
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', flex: 1, minHeight: 0 }} data-testid="reports-page">
      <Tabs
        value={current}
        onChange={(_e, v: TabId) => navigate(['reports', v], true)}
        sx={{ mb: 2, flex: 'none', minHeight: 40, borderBottom: `1px solid ${colors.border}`, '& .MuiTab-root': { minHeight: 40, textTransform: 'none', fontWeight: 600, px: 2 } }}
      >
        <Tab value="aging" label="AR aging" data-testid="reports-tab-aging" />
        <Tab value="deferred" label="Deferred revenue" data-testid="reports-tab-deferred" />
        <Tab value="mrr" label="MRR and churn" data-testid="reports-tab-mrr" />
      </Tabs>
      {current === 'aging' ? <AgingReport /> : current === 'deferred' ? <DeferredReport /> : <MrrReport />}
    </Box>
  );
}
