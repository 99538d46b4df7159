/**
 * The live price preview: enter a quantity (or paste transaction amounts for percentage models) and see the total,
 * the effective unit price, the per-tier breakdown (pricing.quote) and a chart of total and effective unit price
 * against quantity (pricing.curve). With `compareModel` (the catalog price) it also shows the list price and the saving.
 */
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import InputAdornment from '@mui/material/InputAdornment';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { OpOutput } from '../../../../shared/api/index';
import { dec, formatMinor } from '../../../../shared/domain/money';
import { ApiError, invoke } from '../../api/client';
import { colors } from '../../app/theme';
import { formatDecimal, formatMoney } from '../../components/format';
import { type ChargeModel, formatQuantity, isTransactionType } from './model';
import { PriceChart, type CurvePoint } from './PriceChart';

type Quote = OpOutput<'pricing.quote'>;

export interface PricePreviewProps {
  /** The model to preview; null while the editor's draft is invalid. */
  model: ChargeModel | null;
  currency: string;
  /** A reference price (e.g. the catalog's) to show the list amount and the saving against. */
  compareModel?: ChargeModel | null;
  compareLabel?: string;
  defaultQuantity?: string;
  title?: string;
  /** Shown under the title (e.g. "Contract price in force on 2026-03-01"). */
  subtitle?: string;
  testId?: string;
  chartHeight?: number;
}

const DECIMAL = /^\d+(\.\d+)?$/;
const MAX_CURVE_POINTS = 400;

/** Parses pasted transaction amounts: one per line, or separated by commas/semicolons/spaces. */
export function parseTransactions(text: string): { values: string[]; bad: string | null } {
  const parts = text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
  const bad = parts.find((p) => !DECIMAL.test(p)) ?? null;
  return { values: bad ? [] : parts, bad };
}

/** The model's finite bounds (tier upTo, package size…), to place curve points on its kinks. */
function boundsOf(m: ChargeModel): number[] {
  switch (m.type) {
    case 'graduated': case 'volume': case 'graduated_percentage': return m.tiers.flatMap((t) => (t.upTo === null ? [] : [Number(t.upTo)]));
    case 'stairstep': return m.steps.flatMap((t) => (t.upTo === null ? [] : [Number(t.upTo)]));
    case 'package': return [Number(m.packageSize), Number(m.freeUnits ?? 0)];
    case 'percentage': return m.freeAmount ? [Number(m.freeAmount)] : [];
    default: return [];
  }
}

/** Quantities for the chart: 0..max evenly, plus each bound and just after it (so jumps show). */
export function curveQuantities(m: ChargeModel, q: number): string[] {
  const bounds = boundsOf(m).filter((b) => Number.isFinite(b) && b > 0);
  const top = Math.max(q * 1.6, (bounds.length ? Math.max(...bounds) : 0) * 1.4, 10);
  const magnitude = 10 ** Math.floor(Math.log10(top));
  const max = Math.ceil(top / magnitude) * magnitude;
  const set = new Set<number>();
  const steps = 120;
  for (let i = 0; i <= steps; i++) set.add((max * i) / steps);
  for (const b of bounds) {
    if (b <= max) {
      set.add(b);
      set.add(b + max / 2000);
    }
  }
  if (q <= max) set.add(q);
  return [...set]
    .sort((a, b) => a - b)
    .slice(0, MAX_CURVE_POINTS)
    .map((v) => (Number.isInteger(v) ? String(v) : dec(v.toFixed(6)).toFixed()));
}

const fmtUnit = (v: string | undefined, currency: string): string => (v === undefined ? '—' : formatMoney(dec(v).toDecimalPlaces(4).toFixed(), currency));

interface Result {
  quote: Quote;
  compare: Quote | null;
  curve: CurvePoint[];
  compareCurve: CurvePoint[] | null;
}

export function PricePreview({ model, currency, compareModel, compareLabel = 'Catalog', defaultQuantity = '10', title = 'Price preview', subtitle, testId = 'price-preview', chartHeight = 230 }: PricePreviewProps) {
  const [quantity, setQuantity] = useState(defaultQuantity);
  const [txText, setTxText] = useState('120, 80.50, 1000, 45');
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);

  const transactionsMode = !!model && isTransactionType(model.type);
  const txs = useMemo(() => parseTransactions(txText), [txText]);
  const qOk = DECIMAL.test(quantity.trim());
  const inputError = transactionsMode ? (txs.bad ? `"${txs.bad}" is not an amount` : txs.values.length === 0 ? 'Paste at least one amount' : null) : qOk ? null : quantity.trim() ? 'Enter a quantity such as 12' : 'Enter a quantity';
  const modelKey = JSON.stringify(model);
  const compareKey = JSON.stringify(compareModel ?? null);

  useEffect(() => {
    if (!model || !currency || inputError) return;
    const mine = ++seq.current;
    setLoading(true);
    const timer = setTimeout(async () => {
      const input = transactionsMode ? { transactions: txs.values } : { quantity: quantity.trim() };
      const basis = transactionsMode ? txs.values.reduce((a, v) => a + Number(v), 0) / Math.max(txs.values.length, 1) : Number(quantity);
      try {
        const qs = curveQuantities(model, basis);
        const [quote, compare, curve, compareCurve] = await Promise.all([
          invoke('pricing.quote', { currency, model, ...input }),
          compareModel ? invoke('pricing.quote', { currency, model: compareModel, ...input }) : Promise.resolve(null),
          invoke('pricing.curve', { currency, model, quantities: qs }),
          compareModel ? invoke('pricing.curve', { currency, model: compareModel, quantities: qs }) : Promise.resolve(null),
        ]);
        if (mine !== seq.current) return;
        setResult({ quote, compare, curve: curve.points, compareCurve: compareCurve?.points ?? null });
        setError(null);
      } catch (e) {
        if (mine !== seq.current) return;
        setError(e instanceof ApiError ? e.message : String((e as Error).message ?? e));
      } finally {
        if (mine === seq.current) setLoading(false);
      }
    }, 180);
    return () => clearTimeout(timer);
    // modelKey/compareKey stand for model/compareModel (new objects on every render of the editor)
  }, [modelKey, compareKey, currency, quantity, txText, transactionsMode, inputError]);

  const quote = model && !inputError ? result?.quote : undefined;
  const saving = quote && result?.compare ? result.compare.amountMinor - quote.amountMinor : null;
  const savingPct = saving !== null && result?.compare && result.compare.amountMinor > 0 ? ((saving / result.compare.amountMinor) * 100).toFixed(1) : null;
  const marker = quote && !transactionsMode ? { quantity: Number(quantity), amount: Number(quote.preciseAmount) } : null;

  return (
    <Paper variant="outlined" data-testid={testId} sx={{ p: 2.5, borderRadius: 2, display: 'flex', flexDirection: 'column', gap: 2, bgcolor: '#fbfcfe' }}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'flex-start' }}>
        <Box sx={{ flex: 1, minWidth: 0 }}>
          <Typography variant="overline" color="text.secondary" component="h3" sx={{ lineHeight: 1.6 }}>
            {title}
          </Typography>
          {subtitle && (
            <Typography variant="caption" color="text.secondary" component="p" data-testid={`${testId}-subtitle`}>
              {subtitle}
            </Typography>
          )}
        </Box>
        {transactionsMode ? null : (
          <TextField
            label="Quantity"
            value={quantity}
            onChange={(e) => setQuantity(e.target.value)}
            error={!!inputError}
            helperText={inputError ?? undefined}
            fullWidth={false}
            sx={{ width: 150, bgcolor: 'background.paper' }}
            data-testid={`${testId}-quantity`}
            slotProps={{ htmlInput: { inputMode: 'decimal', name: 'previewQuantity' }, input: { endAdornment: <InputAdornment position="end">units</InputAdornment> } }}
          />
        )}
      </Stack>
      {transactionsMode && (
        <TextField
          label="Transaction amounts"
          value={txText}
          onChange={(e) => setTxText(e.target.value)}
          multiline
          minRows={2}
          maxRows={6}
          error={!!inputError}
          helperText={inputError ?? 'One per line, or separated by commas — paste them from a spreadsheet'}
          data-testid={`${testId}-transactions`}
          sx={{ bgcolor: 'background.paper' }}
        />
      )}

      {!model ? (
        <Alert severity="info" variant="outlined" data-testid={`${testId}-incomplete`}>
          Complete the price model (see the highlighted fields) to see the preview.
        </Alert>
      ) : error ? (
        <Alert severity="warning" data-testid={`${testId}-error`}>
          {error}
        </Alert>
      ) : !quote ? (
        <Stack spacing={1}>
          <Skeleton variant="rounded" height={56} />
          <Skeleton variant="rounded" height={120} />
        </Stack>
      ) : (
        <>
          <Stack direction="row" spacing={3} sx={{ alignItems: 'flex-start', flexWrap: 'wrap', rowGap: 1, opacity: loading ? 0.65 : 1, transition: 'opacity 120ms' }}>
            <Box>
              <Typography variant="caption" color="text.secondary">
                Total per period
              </Typography>
              <Typography data-testid={`${testId}-total`} sx={{ fontSize: '1.75rem', fontWeight: 700, lineHeight: 1.15, letterSpacing: '-0.02em', fontVariantNumeric: 'tabular-nums' }}>
                {formatMoney(quote.amount, currency)}
              </Typography>
            </Box>
            <Box>
              <Typography variant="caption" color="text.secondary">
                {transactionsMode ? 'Effective rate' : 'Effective unit price'}
              </Typography>
              <Typography data-testid={`${testId}-unit`} sx={{ fontSize: '1.05rem', fontWeight: 600, fontVariantNumeric: 'tabular-nums' }}>
                {transactionsMode
                  ? quote.effectiveUnitPrice === undefined ? '—' : `${dec(quote.effectiveUnitPrice).times(100).toDecimalPlaces(3).toFixed()} %`
                  : fmtUnit(quote.effectiveUnitPrice, currency)}
              </Typography>
            </Box>
            {result?.compare && (
              <Box data-testid={`${testId}-compare`}>
                <Typography variant="caption" color="text.secondary">
                  {compareLabel}
                </Typography>
                <Typography sx={{ fontSize: '1.05rem', fontWeight: 500, color: 'text.secondary', fontVariantNumeric: 'tabular-nums' }}>
                  {formatMoney(result.compare.amount, currency)}
                  {saving !== null && saving !== 0 && (
                    <Box component="span" sx={{ ml: 1, fontSize: '0.8rem', fontWeight: 600, px: 0.75, py: 0.25, borderRadius: 1, bgcolor: saving > 0 ? '#e7f6ec' : '#fef3c7', color: saving > 0 ? '#166534' : '#92400e' }}>
                      {saving > 0 ? `saves ${formatDecimal(formatMinor(saving, currency), currency)}` : `+${formatDecimal(formatMinor(-saving, currency), currency)}`}
                      {savingPct && ` (${saving > 0 ? '−' : '+'}${Math.abs(Number(savingPct))} %)`}
                    </Box>
                  )}
                </Typography>
              </Box>
            )}
          </Stack>

          <Table size="small" data-testid={`${testId}-lines`} sx={{ '& td, & th': { px: 1, py: 0.6, borderColor: colors.border }, '& th': { fontSize: '0.72rem', fontWeight: 600, color: 'text.secondary', textTransform: 'uppercase', letterSpacing: '0.04em' } }}>
            <TableHead>
              <TableRow>
                <TableCell>Line</TableCell>
                <TableCell align="right">Quantity</TableCell>
                <TableCell align="right">{quote.lines.some((l) => l.rate !== undefined) ? 'Rate / price' : 'Unit price'}</TableCell>
                <TableCell align="right">Flat fee</TableCell>
                <TableCell align="right">Amount</TableCell>
              </TableRow>
            </TableHead>
            <TableBody sx={{ '& td': { fontVariantNumeric: 'tabular-nums' } }}>
              {quote.lines.map((l, i) => (
                <TableRow key={i} data-testid={`${testId}-line-${i}`}>
                  <TableCell>{l.description}</TableCell>
                  <TableCell align="right">{l.quantity === undefined ? '' : formatQuantity(l.quantity)}</TableCell>
                  <TableCell align="right">{l.rate !== undefined ? `${l.rate} %` : l.unitPrice !== undefined ? formatDecimal(l.unitPrice, currency) : ''}</TableCell>
                  <TableCell align="right">{l.flatFee !== undefined ? formatDecimal(l.flatFee, currency) : ''}</TableCell>
                  <TableCell align="right">{formatDecimal(l.amount, currency)}</TableCell>
                </TableRow>
              ))}
              <TableRow sx={{ '& td': { fontWeight: 700, borderBottom: 'none' } }}>
                <TableCell colSpan={4}>Total{quote.preciseAmount !== dec(quote.amount).toFixed() && dec(quote.preciseAmount).toFixed() !== dec(quote.amount).toFixed() ? ` (rounded from ${quote.preciseAmount})` : ''}</TableCell>
                <TableCell align="right">{formatMoney(quote.amount, currency)}</TableCell>
              </TableRow>
            </TableBody>
          </Table>

          {result && (
            <PriceChart
              points={result.curve}
              comparePoints={result.compareCurve}
              compareLabel={compareLabel}
              currency={currency}
              marker={marker}
              rates={transactionsMode}
              xLabel={transactionsMode ? 'Transaction amount' : 'Quantity'}
              height={chartHeight}
              testId={`${testId}-chart`}
            />
          )}
        </>
      )}
    </Paper>
  );
}
