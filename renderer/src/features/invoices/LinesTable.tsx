/**
 * Invoice lines: description (with SKU, line kind and discount reason), service period, quantity, unit price, share of
 * the period, discount (when a line has one), tax rate and amount; and the totals block with the tax breakdown. Used by invoices, previews and change previews.
 */
import Box from '@mui/material/Box';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import { formatDecimal, formatFraction, formatMinorAmount, formatMinorMoney, formatPeriod, formatQuantity } from '../../components/format';
import { type DisplayLine, LINE_KIND_LABELS, TAX_CATEGORY_LABELS, type TaxEntry } from './model';

const num = { fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' } as const;

export const tableSx = {
  '& td, & th': { borderColor: 'divider' },
  '& th': { bgcolor: '#f9fafb', fontWeight: 600, color: '#4b5563', fontSize: 12, whiteSpace: 'nowrap' },
  '& td': { verticalAlign: 'top', py: 1.1 },
} as const;

export function LinesTable({ lines, currency, showTax = false, testId, empty = 'No lines' }: { lines: DisplayLine[]; currency: string; showTax?: boolean; testId?: string; empty?: string }) {
  const partial = lines.some((l) => l.fraction !== '1');
  const discounted = lines.some((l) => !!l.discountMinor);
  // A narrow card scrolls the table sideways instead of cutting off the amounts.
  return (
    <Box sx={{ overflowX: 'auto' }}>
      <Table size="small" sx={tableSx} data-testid={testId}>
        <TableHead>
          <TableRow>
            <TableCell>Description</TableCell>
            <TableCell>Service period</TableCell>
            <TableCell align="right">Qty</TableCell>
            <TableCell align="right">Unit price</TableCell>
            {partial && <TableCell align="right">Share</TableCell>}
            {discounted && <TableCell align="right">Discount</TableCell>}
            {showTax && <TableCell align="right">VAT</TableCell>}
            <TableCell align="right">Amount ({currency})</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {lines.length === 0 && (
            <TableRow>
              <TableCell colSpan={8} sx={{ color: 'text.secondary', textAlign: 'center', py: 2.5 }}>
                {empty}
              </TableCell>
            </TableRow>
          )}
          {lines.map((l) => (
            <TableRow key={l.key} data-testid="line-row">
              <TableCell sx={{ minWidth: 220 }}>
                <Typography variant="body2" sx={{ fontWeight: 500 }}>
                  {l.description}
                </Typography>
                <Typography variant="caption" color="text.secondary">
                  {[l.sku, l.kind !== 'charge' ? LINE_KIND_LABELS[l.kind] ?? l.kind : null, l.discountMinor ? l.discountReason || 'Discount' : null].filter(Boolean).join(' · ')}
                </Typography>
              </TableCell>
              <TableCell sx={num}>{formatPeriod(l.periodStart, l.periodEnd)}</TableCell>
              <TableCell align="right" sx={num}>
                {formatQuantity(l.quantity)}
              </TableCell>
              <TableCell align="right" sx={num}>
                {formatDecimal(l.unitPrice, currency)}
              </TableCell>
              {partial && (
                <TableCell align="right" sx={num}>
                  {formatFraction(l.fraction)}
                </TableCell>
              )}
              {discounted && (
                <TableCell align="right" sx={num} data-testid="line-discount">
                  {l.discountMinor ? formatMinorAmount(-l.discountMinor, currency) : ''}
                </TableCell>
              )}
              {showTax && (
                <TableCell align="right" sx={num}>
                  {l.taxRate != null ? `${l.taxRate}%${l.taxCode && l.taxCode !== 'S' ? ` (${TAX_CATEGORY_LABELS[l.taxCode] ?? l.taxCode})` : ''}` : '—'}
                </TableCell>
              )}
              <TableCell align="right" sx={{ ...num, fontWeight: 600, color: l.amountMinor < 0 ? '#991b1b' : undefined }}>
                {formatMinorAmount(l.amountMinor, currency)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

function TotalRow({ label, value, strong, testId, muted }: { label: ReactNode; value: string; strong?: boolean; testId?: string; muted?: boolean }) {
  return (
    <Box sx={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline', gap: 3, py: 0.4, ...(strong ? { borderTop: '1px solid', borderColor: 'divider', mt: 0.5, pt: 1 } : {}) }}>
      <Typography variant="body2" color={muted ? 'text.secondary' : 'text.primary'} sx={{ fontWeight: strong ? 700 : 400 }}>
        {label}
      </Typography>
      <Typography variant="body2" sx={{ ...num, fontWeight: strong ? 700 : 500, fontSize: strong ? '0.95rem' : undefined }} data-testid={testId}>
        {value}
      </Typography>
    </Box>
  );
}

export function TotalsBox({ currency, netMinor, taxMinor, grossMinor, taxBreakdown, extra, testId, grossLabel = 'Total' }: {
  currency: string;
  netMinor: number;
  taxMinor: number;
  grossMinor: number;
  taxBreakdown: TaxEntry[];
  /** Rows after the total (paid, credited, amount due). */
  extra?: { label: string; minor: number; strong?: boolean; testId?: string }[];
  testId?: string;
  grossLabel?: string;
}) {
  return (
    <Box sx={{ width: 340, maxWidth: '100%', ml: 'auto' }} data-testid={testId}>
      <TotalRow label="Net" value={formatMinorMoney(netMinor, currency)} testId={testId ? `${testId}-net` : undefined} />
      {taxBreakdown.map((t) => (
        <TotalRow
          key={`${t.category}-${t.rate}`}
          muted
          label={`VAT ${t.rate}%${t.category !== 'S' ? ` (${TAX_CATEGORY_LABELS[t.category] ?? t.category})` : ''} on ${formatMinorAmount(t.taxableMinor, currency)}`}
          value={formatMinorMoney(t.taxMinor, currency)}
        />
      ))}
      {taxBreakdown.length === 0 && <TotalRow muted label="VAT" value={formatMinorMoney(taxMinor, currency)} />}
      <TotalRow strong label={grossLabel} value={formatMinorMoney(grossMinor, currency)} testId={testId ? `${testId}-gross` : undefined} />
      {extra?.map((e) => <TotalRow key={e.label} label={e.label} value={formatMinorMoney(e.minor, currency)} strong={e.strong} testId={e.testId} />)}
    </Box>
  );
}
