/** Invoices and credit notes: filter by status, kind and date; a row opens the invoice (#/invoices/<id>). */
import ReceiptIcon from '@mui/icons-material/ReceiptLongOutlined';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import type { ColDef } from 'ag-grid-community';
import { useMemo, useState } from 'react';
import type { OpInput } from '../../../../shared/api/index';
import { minorUnits } from '../../../../shared/domain/money';
import { invoke } from '../../api/client';
import { navigate } from '../../app/router';
import { DataGrid } from '../../components/DataGrid';
import { EmptyState } from '../../components/EmptyState';
import { useLiveRefresh } from '../../components/events';
import { formatMinorMoney, formatPeriod } from '../../components/format';
import { CountLabel, PageToolbar, SearchBox, SegmentedFilter } from '../../components/PageToolbar';
import { useRows } from '../../components/useRows';
import { InvoiceStatusChip, invoiceStatusText } from './InvoiceStatusChip';
import { documentTitle, type InvoiceSummary, kindLabel } from './model';

type StatusFilter = 'all' | 'draft' | 'open' | 'overdue' | 'paid' | 'void';
type KindFilter = 'all' | 'invoice' | 'credit_note';

const money = (field: 'netMinor' | 'taxMinor' | 'grossMinor' | 'amountDueMinor', headerName: string, width = 120): ColDef<InvoiceSummary> => ({
  field,
  headerName,
  width,
  type: 'rightAligned',
  filter: 'agNumberColumnFilter',
  cellStyle: { fontVariantNumeric: 'tabular-nums' },
  valueFormatter: (p) => (p.data ? formatMinorMoney(p.data[field], p.data.currency) : ''),
  filterValueGetter: (p) => (p.data ? p.data[field] / 10 ** minorUnits(p.data.currency) : null),
});

const columns: ColDef<InvoiceSummary>[] = [
  { colId: 'number', headerName: 'Number', width: 160, valueGetter: (p) => (p.data ? documentTitle(p.data) : ''), cellStyle: { fontWeight: 600 } },
  { field: 'kind', headerName: 'Kind', width: 96, valueFormatter: (p) => kindLabel(p.value ?? '') },
  { field: 'customerName', headerName: 'Customer', flex: 1, minWidth: 150 },
  { colId: 'date', headerName: 'Date', width: 104, valueGetter: (p) => p.data?.issueDate ?? p.data?.billingDate ?? '', sort: 'desc' },
  { field: 'dueDate', headerName: 'Due date', width: 104, valueFormatter: (p) => p.value ?? '—' },
  { colId: 'period', headerName: 'Service period', width: 180, valueGetter: (p) => (p.data ? formatPeriod(p.data.serviceStart, p.data.serviceEnd) : '') },
  money('grossMinor', 'Total', 124),
  money('amountDueMinor', 'Amount due', 124),
  {
    field: 'status',
    headerName: 'Status',
    width: 112,
    cellRenderer: (p: { data?: InvoiceSummary }) => (p.data ? <InvoiceStatusChip status={p.data.status} overdue={p.data.overdue} /> : null),
    filterValueGetter: (p) => (p.data ? invoiceStatusText(p.data.status, p.data.overdue) : ''),
    getQuickFilterText: (p) => (p.data ? invoiceStatusText(p.data.status, p.data.overdue) : ''),
  },
  { field: 'dunningLevel', headerName: 'Reminder', width: 96, filter: 'agNumberColumnFilter', valueFormatter: (p) => (p.value ? `Level ${p.value}` : '—') },
];

function listInput(status: StatusFilter, kind: KindFilter, from: string, to: string, customerId?: string): OpInput<'invoices.list'> {
  const statusIn: Record<StatusFilter, OpInput<'invoices.list'>['status']> = {
    all: undefined, draft: 'draft', open: ['finalized', 'partially_paid'], overdue: ['finalized', 'partially_paid'], paid: 'paid', void: ['void', 'uncollectible'],
  };
  return {
    status: statusIn[status],
    ...(status === 'overdue' ? { overdue: true } : {}),
    ...(kind !== 'all' ? { kind } : {}),
    ...(from ? { dateFrom: from } : {}),
    ...(to ? { dateTo: to } : {}),
    ...(customerId ? { customerId } : {}),
    sortBy: 'createdAt',
    sortDir: 'desc',
    limit: 10000,
  };
}

export function InvoicesPage() {
  const [status, setStatus] = useState<StatusFilter>('all');
  const [kind, setKind] = useState<KindFilter>('all');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [search, setSearch] = useState('');
  const [anyInvoice, setAnyInvoice] = useState<boolean | null>(null);
  const { rows, reload, error } = useRows(async () => {
    const page = await invoke('invoices.list', listInput(status, kind, from, to));
    if (page.items.length > 0) setAnyInvoice(true);
    else setAnyInvoice((await invoke('invoices.list', { limit: 1 })).total > 0);
    return page.items;
  }, [status, kind, from, to]);
  useLiveRefresh(() => void reload(), ['billing.finished'], { delayMs: 300, intervalMs: 60000 });

  const shown = useMemo(() => {
    if (!rows || !search.trim()) return rows?.length ?? 0;
    const q = search.trim().toLowerCase();
    return rows.filter((r) => [r.number ?? 'draft', r.customerName, r.customerNumber].some((s) => s.toLowerCase().includes(q))).length;
  }, [rows, search]);

  if (anyInvoice === false) {
    return (
      <EmptyState icon={<ReceiptIcon />} title="No invoices yet" testId="invoices-empty" actions={<Button variant="contained" onClick={() => navigate(['billing'])}>Go to billing runs</Button>}>
        Invoices are generated by the billing run from the subscriptions that are due: a draft first, finalized with its number after the grace period (or when you
        finalize it by hand).
      </EmptyState>
    );
  }

  const dateField = (label: string, value: string, set: (v: string) => void, testId: string) => (
    <TextField type="date" label={label} value={value} onChange={(e) => set(e.target.value)} fullWidth={false} sx={{ width: 150, bgcolor: 'background.paper' }} slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'data-testid': testId } }} />
  );

  return (
    <>
      <PageToolbar>
        <SearchBox value={search} onChange={setSearch} placeholder="Number or customer…" testId="invoices-search" width={220} />
        <SegmentedFilter
          label="Status"
          value={status}
          onChange={setStatus}
          testId="invoices-status"
          options={[
            { value: 'all', label: 'All' },
            { value: 'draft', label: 'Drafts' },
            { value: 'open', label: 'Open' },
            { value: 'overdue', label: 'Overdue' },
            { value: 'paid', label: 'Paid' },
            { value: 'void', label: 'Void' },
          ]}
        />
        <TextField select label="Kind" value={kind} onChange={(e) => setKind(e.target.value as KindFilter)} fullWidth={false} sx={{ width: 140, bgcolor: 'background.paper' }} slotProps={{ htmlInput: { 'data-testid': 'invoices-kind' } }}>
          <MenuItem value="all">All documents</MenuItem>
          <MenuItem value="invoice">Invoices</MenuItem>
          <MenuItem value="credit_note">Credit notes</MenuItem>
        </TextField>
        {dateField('From', from, setFrom, 'invoices-from')}
        {dateField('To', to, setTo, 'invoices-to')}
        {rows && <CountLabel shown={shown} total={rows.length} noun={rows.length === 1 ? 'document' : 'documents'} />}
      </PageToolbar>
      <DataGrid<InvoiceSummary>
        error={error}
        testId="invoices-grid"
        rows={rows}
        columns={columns}
        getRowId={(r) => r.id}
        quickFilter={search}
        onOpen={(r) => navigate(['invoices', r.id])}
        noRowsText="No documents match these filters"
      />
    </>
  );
}
