/** Customers: a filterable, sortable grid; a row opens the editor (route #/customers/<id>, #/customers/new). */
import AddIcon from '@mui/icons-material/Add';
import PeopleIcon from '@mui/icons-material/PeopleAltOutlined';
import RefreshIcon from '@mui/icons-material/Refresh';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import type { ColDef } from 'ag-grid-community';
import { useMemo, useState } from 'react';
import { invoke } from '../../api/client';
import { navigate } from '../../app/router';
import { useAppStore } from '../../app/store';
import { DataGrid } from '../../components/DataGrid';
import { EmptyState } from '../../components/EmptyState';
import { CountLabel, PageToolbar, SearchBox, SegmentedFilter } from '../../components/PageToolbar';
import { StatusChip } from '../../components/StatusChip';
import { useRows } from '../../components/useRows';
import { CustomerEditor } from './CustomerEditor';
import { type Customer, taxStatusLabel } from './model';

type StatusFilter = 'active' | 'archived' | 'all';

/** The first tag as a chip, then "+N" for the rest (the tooltip lists them all). */
function TagsCell({ value }: { value?: string[] }) {
  const tags = value ?? [];
  if (tags.length === 0) return null;
  return (
    <Box sx={{ display: 'flex', gap: 0.5, alignItems: 'center', height: '100%', overflow: 'hidden' }}>
      <Chip label={tags[0]} size="small" variant="outlined" sx={{ height: 20, fontSize: '0.72rem', maxWidth: 96 }} />
      {tags.length > 1 && (
        <Box component="span" sx={{ fontSize: '0.72rem', color: 'text.secondary' }}>
          +{tags.length - 1}
        </Box>
      )}
    </Box>
  );
}

const columns: ColDef<Customer>[] = [
  { field: 'number', headerName: 'Number', width: 112, cellStyle: { color: '#4b5563' } },
  { field: 'name', headerName: 'Name', flex: 2, minWidth: 170, cellStyle: { fontWeight: 600 } },
  { field: 'country', headerName: 'Country', width: 90 },
  { field: 'currency', headerName: 'Currency', width: 94 },
  { field: 'vatId', headerName: 'VAT ID', width: 128, valueFormatter: (p) => p.value ?? '' },
  { field: 'email', headerName: 'Email', flex: 1.5, minWidth: 170 },
  { field: 'paymentTermsDays', headerName: 'Terms', width: 84, filter: 'agNumberColumnFilter', valueFormatter: (p) => (p.value === undefined ? '' : `${p.value} days`) },
  { field: 'taxStatus', headerName: 'Tax status', width: 128, valueFormatter: (p) => taxStatusLabel(p.value ?? '', true) },
  {
    field: 'tags',
    headerName: 'Tags',
    flex: 1,
    minWidth: 116,
    sortable: false,
    valueFormatter: (p) => (p.value ?? []).join(', '),
    getQuickFilterText: (p) => (p.value ?? []).join(' '),
    filterValueGetter: (p) => (p.data?.tags ?? []).join(', '),
    tooltipValueGetter: (p) => (p.value ?? []).join(', ') || undefined,
    cellRenderer: TagsCell,
  },
  {
    field: 'status',
    headerName: 'Status',
    width: 92,
    cellRenderer: (p: { value?: string }) => (p.value === 'archived' ? <StatusChip label="Archived" tone="grey" /> : <StatusChip label="Active" tone="green" />),
  },
];

export function CustomersPage({ selected }: { selected?: string }) {
  const [status, setStatus] = useState<StatusFilter>('active');
  const [search, setSearch] = useState('');
  const [anyCustomer, setAnyCustomer] = useState<boolean | null>(null);
  const dataDir = useAppStore((s) => s.info?.dataDir);

  const { rows, reload, error } = useRows(async () => {
    const page = await invoke('customers.list', { status, limit: 10000, sortBy: 'name' });
    if (page.items.length > 0) setAnyCustomer(true);
    else setAnyCustomer((await invoke('customers.list', { status: 'all', limit: 1 })).total > 0);
    return page.items;
  }, [status]);

  const shown = useMemo(() => {
    if (!rows || !search.trim()) return rows?.length ?? 0;
    const q = search.trim().toLowerCase();
    return rows.filter((c) => [c.number, c.name, c.email, c.vatId ?? '', c.country, c.currency, ...c.tags].some((s) => s.toLowerCase().includes(q))).length;
  }, [rows, search]);

  const open = (id: string) => navigate(['customers', id]);
  const close = () => navigate(['customers']);
  const newButton = (
    <Button variant="contained" startIcon={<AddIcon />} onClick={() => open('new')} data-testid="customer-new">
      New customer
    </Button>
  );

  return (
    <>
      {anyCustomer === false ? (
        <EmptyState
          icon={<PeopleIcon />}
          title="No customers yet"
          testId="customers-empty"
          actions={newButton}
        >
          Customers are the B2B accounts you invoice: billing email, currency, VAT ID, payment terms and contacts. Create the
          first one, or load demo data from a terminal and reload this page:
          <Box component="pre" sx={{ mt: 1.5, mb: 0, px: 1.5, py: 1, bgcolor: '#f3f4f6', borderRadius: 1, textAlign: 'left', whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: '0.8rem', color: 'text.primary' }}>
            <code>npm run cadence -- seed --data {dataDir ? `"${dataDir}"` : '<data folder>'}</code>
          </Box>
        </EmptyState>
      ) : (
        <>
          <PageToolbar actions={newButton}>
            <SearchBox value={search} onChange={setSearch} placeholder="Filter customers…" testId="customers-search" />
            <SegmentedFilter
              label="Status"
              value={status}
              onChange={setStatus}
              testId="customers-status"
              options={[
                { value: 'active', label: 'Active' },
                { value: 'archived', label: 'Archived' },
                { value: 'all', label: 'All' },
              ]}
            />
            <Tooltip title="Reload">
              <IconButton onClick={() => void reload()} aria-label="Reload customers" size="small" data-testid="customers-reload">
                <RefreshIcon fontSize="small" />
              </IconButton>
            </Tooltip>
            {rows && <CountLabel shown={shown} total={rows.length} noun={rows.length === 1 ? 'customer' : 'customers'} />}
          </PageToolbar>
          <DataGrid<Customer>
            error={error}
            testId="customers-grid"
            rows={rows}
            columns={columns}
            getRowId={(c) => c.id}
            quickFilter={search}
            onOpen={(c) => open(c.id)}
            noRowsText={status === 'archived' ? 'No archived customers' : 'No customers match'}
          />
        </>
      )}
      {selected && <CustomerEditor key={selected} id={selected} onClose={close} onChanged={() => void reload()} />}
    </>
  );
}
