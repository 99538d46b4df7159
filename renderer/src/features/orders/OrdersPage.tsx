/**
 * Orders (#/orders[/<orderId>]): upcoming, released, shipped and invoiced orders with filters; "Release due orders"
 * turns the orders past their cut-off into numbered sales orders (progress from 'orders.progress' events).
 */
import PlayIcon from '@mui/icons-material/PlayArrowRounded';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import FormControlLabel from '@mui/material/FormControlLabel';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { ColDef } from 'ag-grid-community';
import { useMemo, useState } from 'react';
import type { OpInput } from '../../../../shared/api/index';
import { invoke } from '../../api/client';
import { navigate } from '../../app/router';
import { serverToday } from '../../app/store';
import { DataGrid } from '../../components/DataGrid';
import { useEvent, useLiveRefresh } from '../../components/events';
import { formatMinorMoney, formatQuantity } from '../../components/format';
import { CountLabel, PageToolbar, SearchBox, SegmentedFilter } from '../../components/PageToolbar';
import { toast } from '../../components/toasts';
import { useRows } from '../../components/useRows';
import { ORDER_STATUS, type OrderSummary, weekdayShort } from './model';
import { OrderDrawer } from './OrderDrawer';
import { OrderStatusChip } from './OrderStatusChip';

type StatusFilter = 'open' | 'upcoming' | 'released' | 'shipped' | 'closed' | 'all';
type Progress = { runId: string; phase: 'generate' | 'release' | 'done'; done: number; total: number; released: number; failed: number; lastNumber: string | null };

const STATUS_IN: Record<StatusFilter, OpInput<'orders.list'>['status']> = {
  open: ['upcoming', 'released', 'confirmed', 'partially_shipped'],
  upcoming: 'upcoming',
  released: ['released', 'confirmed'],
  shipped: ['partially_shipped', 'shipped'],
  closed: ['invoiced', 'skipped', 'canceled'],
  all: undefined,
};

const columns: ColDef<OrderSummary>[] = [
  { field: 'deliveryDate', headerName: 'Delivery', width: 126, sort: 'asc', valueFormatter: (p) => (p.value ? `${weekdayShort(p.value)} ${p.value}` : '') },
  { field: 'number', headerName: 'Order', width: 140, valueFormatter: (p) => p.value ?? '—', cellStyle: { fontWeight: 600 } },
  { field: 'customerName', headerName: 'Customer', flex: 1.2, minWidth: 160 },
  { field: 'locationName', headerName: 'Ship to', flex: 1, minWidth: 130 },
  { field: 'releaseDate', headerName: 'Cut-off', width: 108 },
  { field: 'units', headerName: 'Units', width: 84, type: 'rightAligned', valueFormatter: (p) => (p.value ? formatQuantity(p.value) : '') },
  { colId: 'gross', headerName: 'Total', width: 124, type: 'rightAligned', valueGetter: (p) => p.data?.grossMinor ?? 0, valueFormatter: (p) => (p.data ? `${formatMinorMoney(p.data.grossMinor, p.data.currency)}${p.data.estimated ? '*' : ''}` : '') },
  {
    field: 'status',
    headerName: 'Status',
    width: 122,
    cellRenderer: (p: { value?: OrderSummary['status'] }) => (p.value ? <OrderStatusChip status={p.value} /> : null),
    filterValueGetter: (p) => (p.data ? ORDER_STATUS[p.data.status].label : ''),
    getQuickFilterText: (p) => (p.data ? ORDER_STATUS[p.data.status].label : ''),
  },
  {
    colId: 'flags',
    headerName: 'Notes',
    width: 150,
    sortable: false,
    valueGetter: (p) => (p.data ? [p.data.hasOverrides ? 'changed' : '', p.data.moved ? 'moved' : '', p.data.stockShort ? 'stock short' : '', p.data.releaseError ? 'release failed' : '', p.data.erpOrderNumber ? `ERP ${p.data.erpOrderNumber}` : ''].filter(Boolean).join(', ') : ''),
    cellStyle: { color: '#92400e' },
  },
];

export function OrdersPage({ selected }: { selected?: string }) {
  const [status, setStatus] = useState<StatusFilter>('open');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [shortOnly, setShortOnly] = useState(false);
  const [search, setSearch] = useState('');
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const today = serverToday();

  const { rows, reload, error } = useRows(async () => {
    const page = await invoke('orders.list', { status: STATUS_IN[status], ...(from ? { from } : {}), ...(to ? { to } : {}), ...(shortOnly ? { stockShort: true } : {}), sortBy: 'deliveryDate', sortDir: 'asc', limit: 10000 });
    return page.items;
  }, [status, from, to, shortOnly]);
  useLiveRefresh(() => void reload(), ['orders.progress'], { delayMs: 500, intervalMs: 60000 });
  useEvent('orders.progress', (p) => running && setProgress(p as Progress));

  const due = useMemo(() => (rows ?? []).filter((o) => o.status === 'upcoming' && o.releaseDate <= today).length, [rows, today]);

  const release = async () => {
    setRunning(true);
    setProgress(null);
    try {
      const r = await invoke('orders.release', {});
      if (r.released === 0 && r.failed.length === 0) toast.info('No order is due for release');
      else if (r.failed.length > 0) toast.error(`${r.released} released, ${r.failed.length} failed: ${r.failed[0]!.message}`);
      else
        toast.success(
          `${r.released} order${r.released === 1 ? '' : 's'} released${r.firstNumber ? `: ${r.firstNumber}${r.lastNumber && r.lastNumber !== r.firstNumber ? ` – ${r.lastNumber}` : ''}` : ''} · ${Object.entries(r.grossByCurrency)
            .map(([c, m]) => formatMinorMoney(m, c))
            .join(', ')}`,
        );
      void reload();
    } catch (e) {
      toast.error(e);
    } finally {
      setRunning(false);
      setProgress(null);
    }
  };

  const pct = progress && progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : null;
  const dateField = (label: string, value: string, set: (v: string) => void, testId: string) => (
    <TextField type="date" label={label} value={value} onChange={(e) => set(e.target.value)} fullWidth={false} sx={{ width: 150, bgcolor: 'background.paper' }} slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'data-testid': testId } }} />
  );
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', flex: 1, minHeight: 0 }} data-testid="orders-page">
      <Paper variant="outlined" sx={{ borderRadius: 2, mb: 2, px: 3, py: 1.75, flex: 'none' }} data-testid="orders-release">
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
          <Box sx={{ flex: 1 }}>
            <Typography variant="subtitle1" component="h2">
              Release run
            </Typography>
            <Typography variant="body2" color="text.secondary">
              Upcoming orders past their cut-off become numbered sales orders with fixed prices and go to the ERP.{' '}
              <strong data-testid="orders-due">{due}</strong> due now.
            </Typography>
          </Box>
          <Button variant="contained" size="large" startIcon={running ? <CircularProgress size={16} color="inherit" /> : <PlayIcon />} disabled={running} onClick={() => void release()} data-testid="orders-release-now">
            {running ? 'Releasing…' : 'Release due orders'}
          </Button>
        </Stack>
        {running && (
          <Box sx={{ mt: 1.5 }} data-testid="orders-progress">
            <Typography variant="caption" color="text.secondary">
              {progress ? `${progress.phase === 'generate' ? 'Generating upcoming orders' : 'Releasing'} · ${progress.done} of ${progress.total}${progress.lastNumber ? ` · ${progress.lastNumber}` : ''}` : 'Starting…'}
            </Typography>
            <LinearProgress variant={pct === null ? 'indeterminate' : 'determinate'} value={pct ?? 0} sx={{ height: 6, borderRadius: 3, mt: 0.5 }} />
          </Box>
        )}
      </Paper>
      <PageToolbar>
        <SearchBox value={search} onChange={setSearch} placeholder="Order or customer…" testId="orders-search" width={220} />
        <SegmentedFilter
          label="Status"
          value={status}
          onChange={setStatus}
          testId="orders-status"
          options={[
            { value: 'open', label: 'Open' },
            { value: 'upcoming', label: 'Upcoming' },
            { value: 'released', label: 'Released' },
            { value: 'shipped', label: 'Shipped' },
            { value: 'closed', label: 'Closed' },
            { value: 'all', label: 'All' },
          ]}
        />
        {dateField('Delivery from', from, setFrom, 'orders-from')}
        {dateField('Delivery until', to, setTo, 'orders-to')}
        <FormControlLabel control={<Switch checked={shortOnly} onChange={(e) => setShortOnly(e.target.checked)} />} label="Stock short" />
        {rows && <CountLabel shown={rows.length} total={rows.length} noun={rows.length === 1 ? 'order' : 'orders'} />}
      </PageToolbar>
      <DataGrid<OrderSummary> error={error} testId="orders-grid" rows={rows} columns={columns} getRowId={(o) => o.id} quickFilter={search} onOpen={(o) => navigate(['orders', o.id])} noRowsText="No orders match these filters" />
      <Typography variant="caption" color="text.secondary" sx={{ mt: 0.75 }}>
        * estimate: prices are fixed when the order is released.
      </Typography>
      {selected && <OrderDrawer key={selected} orderId={selected} onClose={() => navigate(['orders'])} onChanged={() => void reload()} />}
    </Box>
  );
}
