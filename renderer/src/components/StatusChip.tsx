/** Small coloured status labels used in grids and editor headers. */
import Chip from '@mui/material/Chip';

const TONES = {
  green: { bg: '#e7f6ec', fg: '#166534' },
  grey: { bg: '#f1f2f4', fg: '#4b5563' },
  amber: { bg: '#fef3c7', fg: '#92400e' },
  blue: { bg: '#e8efff', fg: '#1e40af' },
  red: { bg: '#fde8e8', fg: '#991b1b' },
  violet: { bg: '#f1ebff', fg: '#5b21b6' },
} as const;
export type Tone = keyof typeof TONES;

export function StatusChip({ label, tone, testId }: { label: string; tone: Tone; testId?: string }) {
  const t = TONES[tone];
  return (
    <Chip
      label={label}
      size="small"
      data-testid={testId}
      sx={{ bgcolor: t.bg, color: t.fg, fontWeight: 600, height: 22, borderRadius: 1, '& .MuiChip-label': { px: 1 } }}
    />
  );
}

export const activeChip = (active: boolean, inactiveLabel = 'Inactive') =>
  active ? <StatusChip label="Active" tone="green" /> : <StatusChip label={inactiveLabel} tone="grey" />;
