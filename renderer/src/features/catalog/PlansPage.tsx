/** Plans: grid + editor (#/catalog/plans/<id>). */
import AddIcon from '@mui/icons-material/Add';
import PlansIcon from '@mui/icons-material/EventRepeatOutlined';
import Button from '@mui/material/Button';
import type { ColDef } from 'ag-grid-community';
import { useMemo, useState } from 'react';
import { invoke } from '../../api/client';
import { navigate } from '../../app/router';
import { DataGrid } from '../../components/DataGrid';
import { EmptyState } from '../../components/EmptyState';
import { CountLabel, PageToolbar, SearchBox, SegmentedFilter } from '../../components/PageToolbar';
import { activeChip } from '../../components/StatusChip';
import { useRows } from '../../components/useRows';
import { intervalLabel, type Plan } from './model';
import { PlanEditor } from './PlanEditor';
import { pricesSummary } from './pricing/PriceEditor';

type ActiveFilter = 'active' | 'inactive' | 'all';
type PlanRow = Plan & { productName: string };

const columns: ColDef<PlanRow>[] = [
  { field: 'code', headerName: 'Code', width: 170, cellStyle: { color: '#4b5563' } },
  { field: 'name', headerName: 'Name', flex: 1.5, minWidth: 180, cellStyle: { fontWeight: 600 } },
  { field: 'productName', headerName: 'Product', flex: 1.2, minWidth: 160 },
  { colId: 'interval', headerName: 'Billing', width: 150, valueGetter: (p) => (p.data ? intervalLabel(p.data) : '') },
  { colId: 'prices', headerName: 'Prices', flex: 2, minWidth: 220, valueGetter: (p) => (p.data ? pricesSummary(p.data.prices) : ''), sortable: false },
  { field: 'trialDays', headerName: 'Trial', width: 100, filter: 'agNumberColumnFilter', valueFormatter: (p) => (p.value ? `${p.value} days` : '—') },
  { field: 'active', headerName: 'Status', width: 110, cellRenderer: (p: { value?: boolean }) => activeChip(!!p.value), filterValueGetter: (p) => (p.data?.active ? 'Active' : 'Inactive') },
];

export function PlansPage({ selected }: { selected?: string }) {
  const [active, setActive] = useState<ActiveFilter>('all');
  const [search, setSearch] = useState('');
  const { rows, reload, error } = useRows(async () => {
    const [plans, products] = await Promise.all([invoke('plans.list', { active, limit: 10000, sortBy: 'name' }), invoke('products.list', { active: 'all', limit: 10000 })]);
    const names = new Map(products.items.map((p) => [p.id, p.name]));
    return plans.items.map((p): PlanRow => ({ ...p, productName: names.get(p.productId) ?? '—' }));
  }, [active]);
  const open = (id: string) => navigate(['catalog', 'plans', id]);
  const newButton = (
    <Button variant="contained" startIcon={<AddIcon />} onClick={() => open('new')} data-testid="plan-new">
      New plan
    </Button>
  );
  const empty = rows !== null && rows.length === 0 && active === 'all';
  const count = useMemo(() => rows?.length ?? 0, [rows]);
  return (
    <>
      {empty ? (
        <EmptyState icon={<PlansIcon />} title="No plans yet" testId="plans-empty" actions={newButton}>
          A plan says how a product is billed: monthly, quarterly, yearly or every N months, an optional free trial, and a price in each currency you sell in.
        </EmptyState>
      ) : (
        <>
          <PageToolbar actions={newButton}>
            <SearchBox value={search} onChange={setSearch} placeholder="Filter plans…" testId="plans-search" />
            <SegmentedFilter
              label="Status"
              value={active}
              onChange={setActive}
              testId="plans-status"
              options={[
                { value: 'active', label: 'Active' },
                { value: 'inactive', label: 'Archived' },
                { value: 'all', label: 'All' },
              ]}
            />
            {rows && <CountLabel shown={count} total={count} noun={count === 1 ? 'plan' : 'plans'} />}
          </PageToolbar>
          <DataGrid<PlanRow> error={error} testId="plans-grid" rows={rows} columns={columns} getRowId={(p) => p.id} quickFilter={search} onOpen={(p) => open(p.id)} noRowsText="No plans match" />
        </>
      )}
      {selected && <PlanEditor key={selected} id={selected} onClose={() => navigate(['catalog', 'plans'])} onChanged={() => void reload()} />}
    </>
  );
}
