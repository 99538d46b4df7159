/**
 * Total and effective unit price against quantity (pricing.curve points), with an optional comparison curve (the
 * catalog price) and a marker at the quantity being previewed. chart.js: only what is used is registered.
 */
import Box from '@mui/material/Box';
import { CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartData, type ChartOptions } from 'chart.js';
import { useMemo } from 'react';
import { Line } from 'react-chartjs-2';
import { colors, FONT_STACK } from '../../app/theme';
import { formatDecimal } from '../../components/format';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip, Legend, Filler);

export interface CurvePoint {
  quantity: string;
  preciseAmount: string;
  effectiveUnitPrice: string | null;
}

export interface PriceChartProps {
  points: CurvePoint[];
  comparePoints?: CurvePoint[] | null;
  compareLabel?: string;
  currency: string;
  /** The previewed quantity, marked on the total curve. */
  marker?: { quantity: number; amount: number } | null;
  /** Percentage models: the effective price is a rate (shown in %). */
  rates?: boolean;
  xLabel?: string;
  height?: number;
  testId?: string;
}

const TOTAL = colors.primary;
const UNIT = '#0f766e';
const COMPARE = '#9ca3af';

export function PriceChart({ points, comparePoints, compareLabel = 'Catalog', currency, marker, rates, xLabel = 'Quantity', height = 240, testId = 'price-chart' }: PriceChartProps) {
  const data = useMemo<ChartData<'line', { x: number; y: number | null }[]>>(() => {
    const xy = (ps: CurvePoint[], pick: (p: CurvePoint) => number | null) => ps.map((p) => ({ x: Number(p.quantity), y: pick(p) }));
    const unit = (p: CurvePoint) => (p.effectiveUnitPrice === null ? null : Number(p.effectiveUnitPrice) * (rates ? 100 : 1));
    const datasets: ChartData<'line', { x: number; y: number | null }[]>['datasets'] = [
      {
        label: 'Total', data: xy(points, (p) => Number(p.preciseAmount)), borderColor: TOTAL, backgroundColor: 'rgba(47,91,211,0.08)',
        fill: 'origin', borderWidth: 2, pointRadius: 0, tension: 0, yAxisID: 'y', order: 2,
      },
      {
        label: rates ? 'Effective rate (%)' : 'Effective unit price', data: xy(points, unit), borderColor: UNIT, backgroundColor: UNIT,
        borderWidth: 2, borderDash: [6, 4], pointRadius: 0, tension: 0, yAxisID: 'y1', spanGaps: true, order: 3,
      },
    ];
    if (comparePoints?.length) {
      datasets.push({
        label: `${compareLabel} total`, data: xy(comparePoints, (p) => Number(p.preciseAmount)), borderColor: COMPARE, backgroundColor: COMPARE,
        borderWidth: 1.5, borderDash: [3, 3], pointRadius: 0, tension: 0, yAxisID: 'y', order: 4,
      });
    }
    if (marker) {
      datasets.push({
        label: 'This quantity', data: [{ x: marker.quantity, y: marker.amount }], borderColor: TOTAL, backgroundColor: '#fff',
        pointRadius: 5, pointBorderWidth: 2, pointHoverRadius: 6, showLine: false, yAxisID: 'y', order: 1,
      });
    }
    return { datasets };
  }, [points, comparePoints, compareLabel, marker, rates]);

  const options = useMemo<ChartOptions<'line'>>(() => {
    const tick = { color: '#6b7280', font: { family: FONT_STACK, size: 11 } };
    const grid = { color: '#eef0f3' };
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 14, boxHeight: 2, font: { family: FONT_STACK, size: 11 }, color: '#4b5563', filter: (i) => i.text !== 'This quantity' } },
        tooltip: {
          callbacks: {
            title: (items) => `${xLabel} ${items[0]?.parsed.x ?? ''}`,
            label: (item) => {
              const y = item.parsed.y;
              if (y === null || y === undefined) return '';
              if (item.dataset.yAxisID === 'y1') return rates ? ` ${item.dataset.label}: ${y.toFixed(3)} %` : ` ${item.dataset.label}: ${currency} ${y.toFixed(4)}`;
              return ` ${item.dataset.label}: ${currency} ${formatDecimal(y.toFixed(2), currency)}`;
            },
          },
        },
      },
      scales: {
        x: { type: 'linear', min: 0, title: { display: true, text: xLabel, color: '#6b7280', font: { family: FONT_STACK, size: 11 } }, ticks: tick, grid },
        y: { type: 'linear', beginAtZero: true, position: 'left', title: { display: true, text: `Total (${currency})`, color: TOTAL, font: { family: FONT_STACK, size: 11 } }, ticks: tick, grid },
        y1: {
          type: 'linear', beginAtZero: true, position: 'right', grid: { drawOnChartArea: false },
          title: { display: true, text: rates ? 'Effective rate (%)' : `Per unit (${currency})`, color: UNIT, font: { family: FONT_STACK, size: 11 } }, ticks: tick,
        },
      },
    };
  }, [currency, rates, xLabel]);

  return (
    <Box data-testid={testId} sx={{ position: 'relative', height }}>
      <Line data={data} options={options} aria-label={`Chart of the total and the effective price against ${xLabel.toLowerCase()}`} role="img" />
    </Box>
  );
}
