/**
 * The list grid (ag-grid 36, Theming API): sortable, filterable and resizable columns, a quick filter, and a row
 * opened by click or Enter. Modules are registered once in main.tsx.
 */
import Box from '@mui/material/Box';
import type { CellKeyDownEvent, ColDef, GetRowIdParams, RowClickedEvent } from 'ag-grid-community';
import { themeQuartz } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useMemo } from 'react';
import { colors, FONT_STACK } from '../app/theme';

export const gridTheme = themeQuartz.withParams({
  fontFamily: FONT_STACK,
  fontSize: 13,
  headerFontSize: 12,
  headerFontWeight: 600,
  headerTextColor: '#4b5563',
  headerBackgroundColor: '#f9fafb',
  foregroundColor: colors.text,
  accentColor: colors.primary,
  borderColor: colors.border,
  wrapperBorder: true,
  wrapperBorderRadius: 8,
  rowBorder: { color: '#eef0f3' },
  columnBorder: false,
  headerColumnBorder: false,
  rowHeight: 40,
  headerHeight: 40,
  spacing: 6,
  cellHorizontalPadding: 12,
  rowHoverColor: '#f3f6fd',
  oddRowBackgroundColor: '#ffffff',
  browserColorScheme: 'light',
});

export interface DataGridProps<T> {
  rows: T[] | null;
  columns: ColDef<T>[];
  getRowId: (row: T) => string;
  quickFilter?: string;
  onOpen?: (row: T) => void;
  testId: string;
  noRowsText?: string;
  /** Totals rows pinned under the grid (bold; not opened by click). */
  pinnedBottomRows?: T[];
  /** The load failed: said in the grid instead of the empty-list text (an empty grid would read as "nothing there"). */
  error?: string | null;
}

export function DataGrid<T>(p: DataGridProps<T>) {
  const defaultColDef = useMemo<ColDef<T>>(
    () => ({ sortable: true, filter: true, resizable: true, minWidth: 72, tooltipValueGetter: (p) => (p.valueFormatted ?? (p.value == null ? '' : String(p.value))) || undefined }),
    [],
  );
  const { getRowId: rowIdOf, onOpen } = p;
  const getRowId = useMemo(() => (params: GetRowIdParams<T>) => rowIdOf(params.data), [rowIdOf]);
  return (
    <Box data-testid={p.testId} sx={{
        flex: 1,
        minHeight: 240,
        '& .ag-row': { cursor: onOpen ? 'pointer' : 'default' },
        // Column filter buttons appear on hover or keyboard focus, and stay visible while a filter is active.
        '& .ag-header-cell .ag-header-cell-filter-button': { display: 'none' },
        '& .ag-row-pinned': { fontWeight: 700, bgcolor: '#f9fafb', cursor: 'default' },
        // MUI's baseline makes boxes inherit box-sizing; ag-grid's pinned rows would then be content-box (misaligned).
        '& .ag-row-pinned .ag-cell': { boxSizing: 'border-box' },
        '& .ag-header-cell:hover .ag-header-cell-filter-button, & .ag-header-cell:focus-within .ag-header-cell-filter-button, & .ag-header-cell-filter-button.ag-filter-active': { display: 'flex' },
      }}>
      <AgGridReact<T>
        theme={gridTheme}
        rowData={p.rows ?? undefined}
        loading={p.rows === null}
        columnDefs={p.columns}
        defaultColDef={defaultColDef}
        getRowId={getRowId}
        quickFilterText={p.quickFilter}
        pinnedBottomRowData={p.pinnedBottomRows}
        // ag-grid measures the browser's scrollbar as 0 px wide in some Chromium builds and then lets the vertical
        // scrollbar cover the last column; reserving the classic 15 px keeps every column readable
        scrollbarWidth={15}
        tooltipShowMode="whenTruncated"
        tooltipShowDelay={400}
        animateRows={false}
        overlayNoRowsTemplate={`<span class="cadence-grid-empty">${escapeHtml(p.error ? `Could not load: ${p.error}` : (p.noRowsText ?? 'Nothing to show'))}</span>`}
        onRowClicked={(e: RowClickedEvent<T>) => e.data && !e.rowPinned && onOpen?.(e.data)}
        onCellKeyDown={(e) => {
          const ev = (e as CellKeyDownEvent<T>).event as KeyboardEvent | undefined;
          if (ev?.key === 'Enter' && e.data && !e.rowPinned) onOpen?.(e.data);
        }}
      />
    </Box>
  );
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
