/** Products: grid + editor (#/catalog/products/<id>). */
import AddIcon from '@mui/icons-material/Add';
import CategoryIcon from '@mui/icons-material/Inventory2Outlined';
import Button from '@mui/material/Button';
import type { ColDef } from 'ag-grid-community';
import { useState } from 'react';
import { invoke } from '../../api/client';
import { navigate } from '../../app/router';
import { DataGrid } from '../../components/DataGrid';
import { EmptyState } from '../../components/EmptyState';
import { formatDate } from '../../components/format';
import { CountLabel, PageToolbar, SearchBox, SegmentedFilter } from '../../components/PageToolbar';
import { activeChip } from '../../components/StatusChip';
import { useRows } from '../../components/useRows';
import { KIND_OPTIONS, labelOf, type Product, TAX_CATEGORY_OPTIONS, UNIT_OPTIONS } from './model';
import { ProductEditor } from './ProductEditor';

type ActiveFilter = 'active' | 'inactive' | 'all';

const columns: ColDef<Product>[] = [
  { field: 'sku', headerName: 'SKU', width: 170, cellStyle: { color: '#4b5563' } },
  { field: 'name', headerName: 'Name', flex: 2, minWidth: 200, cellStyle: { fontWeight: 600 } },
  { field: 'kind', headerName: 'Kind', width: 140, valueFormatter: (p) => labelOf(KIND_OPTIONS, p.value ?? '') },
  { field: 'unit', headerName: 'Unit', width: 110, valueFormatter: (p) => labelOf(UNIT_OPTIONS, p.value ?? '') },
  { field: 'taxCategory', headerName: 'Tax category', width: 160, valueFormatter: (p) => labelOf(TAX_CATEGORY_OPTIONS, p.value ?? '') },
  { field: 'description', headerName: 'Description', flex: 2, minWidth: 180, cellStyle: { color: '#6b7280' } },
  { field: 'updatedAt', headerName: 'Updated', width: 125, valueFormatter: (p) => (p.value ? formatDate(p.value) : '') },
  { field: 'active', headerName: 'Status', width: 110, cellRenderer: (p: { value?: boolean }) => activeChip(!!p.value), filterValueGetter: (p) => (p.data?.active ? 'Active' : 'Inactive') },
];

export function ProductsPage({ selected }: { selected?: string }) {
  const [active, setActive] = useState<ActiveFilter>('all');
  const [search, setSearch] = useState('');
  const { rows, reload, error } = useRows(async () => (await invoke('products.list', { active, limit: 10000, sortBy: 'name' })).items, [active]);
  const open = (id: string) => navigate(['catalog', 'products', id]);
  const newButton = (
    <Button variant="contained" startIcon={<AddIcon />} onClick={() => open('new')} data-testid="product-new">
      New product
    </Button>
  );
  const empty = rows !== null && rows.length === 0 && active === 'all';
  return (
    <>
      {empty ? (
        <EmptyState icon={<CategoryIcon />} title="No products yet" testId="products-empty" actions={newButton}>
          Products are what you sell — services, licenses or goods — with their unit and tax category. Plans then price a product per billing interval and currency.
        </EmptyState>
      ) : (
        <>
          <PageToolbar actions={newButton}>
            <SearchBox value={search} onChange={setSearch} placeholder="Filter products…" testId="products-search" />
            <SegmentedFilter
              label="Status"
              value={active}
              onChange={setActive}
              testId="products-status"
              options={[
                { value: 'active', label: 'Active' },
                { value: 'inactive', label: 'Archived' },
                { value: 'all', label: 'All' },
              ]}
            />
            {rows && <CountLabel shown={rows.length} total={rows.length} noun={rows.length === 1 ? 'product' : 'products'} />}
          </PageToolbar>
          <DataGrid<Product> error={error} testId="products-grid" rows={rows} columns={columns} getRowId={(p) => p.id} quickFilter={search} onOpen={(p) => open(p.id)} noRowsText="No products match" />
        </>
      )}
      {selected && <ProductEditor key={selected} id={selected} onClose={() => navigate(['catalog', 'products'])} onChanged={() => void reload()} />}
    </>
  );
}
