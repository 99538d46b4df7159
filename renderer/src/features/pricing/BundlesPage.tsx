/** Bundles: a grid of bundles with their parts and pricing; a row opens the bundle builder (#/catalog/bundles/<id>). */
import AddIcon from '@mui/icons-material/Add';
import BundleIcon from '@mui/icons-material/WorkspacesOutlined';
import RefreshIcon from '@mui/icons-material/Refresh';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import type { ColDef } from 'ag-grid-community';
import { useMemo, useState } from 'react';
import { invoke } from '../../api/client';
import { navigate } from '../../app/router';
import { DataGrid } from '../../components/DataGrid';
import { EmptyState } from '../../components/EmptyState';
import { formatMoney } from '../../components/format';
import { CountLabel, PageToolbar, SearchBox, SegmentedFilter } from '../../components/PageToolbar';
import { activeChip } from '../../components/StatusChip';
import { useRows } from '../../components/useRows';
import { BundleEditor } from './BundleEditor';
import type { Bundle } from './model';

type ActiveFilter = 'active' | 'inactive' | 'all';

export const bundlePricingSummary = (b: Pick<Bundle, 'pricing' | 'prices' | 'discountPercent'>): string =>
  b.pricing === 'discount' ? `${b.discountPercent} % off the parts` : b.prices.map((p) => formatMoney(p.price, p.currency)).join(' · ');

const columns: ColDef<Bundle>[] = [
  { field: 'code', headerName: 'Code', width: 150, cellStyle: { color: '#4b5563' } },
  { field: 'name', headerName: 'Name', flex: 1.2, minWidth: 170, cellStyle: { fontWeight: 600 } },
  {
    colId: 'parts', headerName: 'Parts', flex: 2, minWidth: 220, sortable: false,
    valueGetter: (p) => (p.data?.items ?? []).map((i) => `${i.planName}${i.quantity !== '1' ? ` × ${i.quantity}` : ''}${i.addOn ? ' (add-on)' : ''}`).join(', '),
  },
  { colId: 'pricing', headerName: 'Pricing', flex: 1.2, minWidth: 180, valueGetter: (p) => (p.data ? bundlePricingSummary(p.data) : '') },
  { colId: 'currencies', headerName: 'Sold in', width: 130, valueGetter: (p) => (p.data?.currencies ?? []).join(', ') || '—' },
  { field: 'active', headerName: 'Status', width: 115, cellRenderer: (p: { value?: boolean }) => activeChip(!!p.value) },
];

export function BundlesPage({ selected }: { selected?: string }) {
  const [active, setActive] = useState<ActiveFilter>('active');
  const [search, setSearch] = useState('');
  const { rows, reload, error } = useRows(async () => (await invoke('bundles.list', { active, limit: 10000 })).items, [active]);
  const shown = useMemo(() => {
    if (!rows || !search.trim()) return rows?.length ?? 0;
    const q = search.trim().toLowerCase();
    return rows.filter((b) => [b.code, b.name, ...b.items.map((i) => i.planName)].some((s) => s.toLowerCase().includes(q))).length;
  }, [rows, search]);
  const open = (id: string) => navigate(['catalog', 'bundles', id]);
  const close = () => navigate(['catalog', 'bundles']);
  const newButton = (
    <Button variant="contained" startIcon={<AddIcon />} onClick={() => open('new')} data-testid="bundle-new">
      New bundle
    </Button>
  );
  return (
    <>
      {rows && rows.length === 0 && active === 'active' && !search ? (
        <EmptyState icon={<BundleIcon />} title="No bundles yet" testId="bundles-empty" actions={newButton}>
          A bundle sells several plans and add-ons as one item — at one price per currency, or at a discount on its parts — and
          always shows its parts on offers and invoices.
        </EmptyState>
      ) : (
        <>
          <PageToolbar actions={newButton}>
            <SearchBox value={search} onChange={setSearch} placeholder="Filter by code, name or part…" testId="bundles-search" />
            <SegmentedFilter
              label="Status" value={active} onChange={setActive} testId="bundles-status"
              options={[{ value: 'active', label: 'Active' }, { value: 'inactive', label: 'Inactive' }, { value: 'all', label: 'All' }]}
            />
            <Tooltip title="Reload">
              <IconButton onClick={() => void reload()} aria-label="Reload bundles" size="small">
                <RefreshIcon fontSize="small" />
              </IconButton>
            </Tooltip>
            {rows && <CountLabel shown={shown} total={rows.length} noun={rows.length === 1 ? 'bundle' : 'bundles'} />}
          </PageToolbar>
          <DataGrid<Bundle> error={error} testId="bundles-grid" rows={rows} columns={columns} getRowId={(b) => b.id} quickFilter={search} onOpen={(b) => open(b.id)} noRowsText="No bundles match" />
        </>
      )}
      {selected && <BundleEditor key={selected} id={selected} onClose={close} onChanged={() => void reload()} />}
    </>
  );
}
