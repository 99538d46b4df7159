/** The outbox: every change queued for the ERP, newest first, filtered by status; a row opens its payload. */
import RefreshIcon from '@mui/icons-material/Refresh';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import type { ColDef } from 'ag-grid-community';
import { useState } from 'react';
import { invoke } from '../../api/client';
import { DataGrid } from '../../components/DataGrid';
import { useLiveRefresh } from '../../components/events';
import { formatDateTime } from '../../components/format';
import { CountLabel, PageToolbar, SearchBox, SegmentedFilter } from '../../components/PageToolbar';
import { useRows } from '../../components/useRows';
import { aggregateLabel, eventLabel, type OutboxEntry, recordLabel } from './model';
import { OutboxStatusChip } from './ParkedPanel';
import { PayloadDialog } from './PayloadDialog';

type StatusFilter = 'all' | 'pending' | 'parked' | 'done' | 'skipped';
type Row = OutboxEntry & { record: string; message: string };

const STATUS_TEXT: Record<OutboxEntry['status'], string> = { pending: 'Waiting', done: 'Sent', parked: 'Parked', skipped: 'Skipped' };

const columns: ColDef<Row>[] = [
  { field: 'createdAt', headerName: 'Queued', width: 140, sort: 'desc', valueFormatter: (p) => (p.value ? formatDateTime(p.value) : '') },
  { field: 'aggregateType', headerName: 'Type', width: 110, valueFormatter: (p) => aggregateLabel(p.value ?? '') },
  { field: 'record', headerName: 'Record', flex: 2, minWidth: 200, cellStyle: { fontWeight: 600 } },
  { field: 'eventType', headerName: 'Change', width: 120, valueFormatter: (p) => (p.data ? `${eventLabel(p.data.eventType)} · #${p.data.aggregateSeq}` : '') },
  {
    field: 'status',
    headerName: 'Status',
    width: 100,
    cellRenderer: (p: { value?: OutboxEntry['status'] }) => (p.value ? <OutboxStatusChip status={p.value} /> : null),
    filterValueGetter: (p) => (p.data ? STATUS_TEXT[p.data.status] : ''),
    getQuickFilterText: (p) => (p.data ? STATUS_TEXT[p.data.status] : ''),
  },
  { field: 'attempts', headerName: 'Attempts', width: 96, filter: 'agNumberColumnFilter' },
  { field: 'sentAt', headerName: 'Sent', width: 140, valueFormatter: (p) => (p.value ? formatDateTime(p.value) : '—') },
  { field: 'message', headerName: 'ERP message / last error', flex: 1.5, minWidth: 180, cellStyle: { color: '#991b1b' } },
];

export function OutboxPanel() {
  const [status, setStatus] = useState<StatusFilter>('all');
  const [search, setSearch] = useState('');
  const [open, setOpen] = useState<OutboxEntry | null>(null);
  const { rows, reload, error } = useRows(async () => {
    const list = await invoke('sync.outbox', { status, limit: 1000 });
    return list.map((r): Row => ({ ...r, record: recordLabel(r), message: r.erpMessage ?? r.lastError ?? '' }));
  }, [status]);
  useLiveRefresh(() => void reload(), ['sync.status', 'data.changed'], { delayMs: 400, intervalMs: 20000 });

  return (
    <>
      <PageToolbar>
        <SearchBox value={search} onChange={setSearch} placeholder="Filter the outbox…" testId="outbox-search" />
        <SegmentedFilter
          label="Status"
          value={status}
          onChange={setStatus}
          testId="outbox-status"
          options={[
            { value: 'all', label: 'All' },
            { value: 'pending', label: 'Waiting' },
            { value: 'parked', label: 'Parked' },
            { value: 'done', label: 'Sent' },
            { value: 'skipped', label: 'Skipped' },
          ]}
        />
        <Tooltip title="Reload">
          <IconButton onClick={() => void reload()} aria-label="Reload the outbox" size="small" data-testid="outbox-reload">
            <RefreshIcon fontSize="small" />
          </IconButton>
        </Tooltip>
        {rows && <CountLabel shown={rows.length} total={rows.length} noun={rows.length === 1 ? 'row' : 'rows'} />}
      </PageToolbar>
      <DataGrid<Row>
        error={error}
        testId="outbox-grid"
        rows={rows}
        columns={columns}
        getRowId={(r) => r.id}
        quickFilter={search}
        onOpen={(r) => setOpen(r)}
        noRowsText={status === 'all' ? 'Nothing was queued for the ERP yet' : 'No rows with this status'}
      />
      {open && <PayloadDialog row={open} editable onClose={() => setOpen(null)} onChanged={() => void reload()} />}
    </>
  );
}
