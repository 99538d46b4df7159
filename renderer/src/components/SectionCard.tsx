/** A titled card on a page (the look of the Settings cards): title, optional description and actions, then content. */
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';

export function SectionCard({ title, description, action, children, testId, flush = false, badge }: {
  title: ReactNode;
  description?: ReactNode;
  /** Buttons or switches at the right of the header. */
  action?: ReactNode;
  children: ReactNode;
  testId?: string;
  /** No padding around the content (tables and grids that run to the card's edges). */
  flush?: boolean;
  badge?: ReactNode;
}) {
  return (
    <Paper variant="outlined" sx={{ borderRadius: 2, overflow: 'hidden' }} data-testid={testId}>
      <Stack direction="row" spacing={2} sx={{ px: 3, pt: 2, pb: 1.75, borderBottom: '1px solid', borderColor: 'divider', alignItems: 'center', minHeight: 60 }}>
        <Box sx={{ flex: 1, minWidth: 0 }}>
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
            <Typography variant="subtitle1" component="h2">
              {title}
            </Typography>
            {badge}
          </Stack>
          {description && (
            <Typography variant="body2" color="text.secondary" sx={{ mt: 0.25 }}>
              {description}
            </Typography>
          )}
        </Box>
        {action && (
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flex: 'none' }}>
            {action}
          </Stack>
        )}
      </Stack>
      <Box sx={flush ? undefined : { px: 3, py: 2.5 }}>{children}</Box>
    </Paper>
  );
}

/** A label over a value, for summary strips and detail headers. */
export function Stat({ label, children, sub, testId }: { label: string; children: ReactNode; sub?: ReactNode; testId?: string }) {
  return (
    <Box sx={{ minWidth: 0 }} data-testid={testId}>
      <Typography variant="overline" color="text.secondary" component="div" sx={{ lineHeight: 1.5 }}>
        {label}
      </Typography>
      <Typography component="div" sx={{ fontSize: '1.2rem', fontWeight: 600, lineHeight: 1.35, mt: 0.25, minWidth: 0 }} data-testid={testId ? `${testId}-value` : undefined}>
        {children}
      </Typography>
      {sub && (
        <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 0.25, lineHeight: 1.45 }}>
          {sub}
        </Typography>
      )}
    </Box>
  );
}

/** A definition list: label / value pairs in two columns. */
export function DetailList({ items, labelWidth = 140 }: { items: [string, ReactNode][]; labelWidth?: number }) {
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: `${labelWidth}px minmax(0, 1fr)`, rowGap: 1, columnGap: 2, alignItems: 'baseline' }}>
      {items.map(([label, value]) => (
        <Box key={label} sx={{ display: 'contents' }}>
          <Typography variant="body2" color="text.secondary">
            {label}
          </Typography>
          <Typography variant="body2" component="div" sx={{ minWidth: 0, overflowWrap: 'anywhere' }}>
            {value ?? '—'}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}
