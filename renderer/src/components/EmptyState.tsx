/** A friendly empty state: icon, what this page is for, and the next action. */
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';

export function EmptyState({ icon, title, children, actions, testId }: { icon: ReactNode; title: string; children?: ReactNode; actions?: ReactNode; testId?: string }) {
  return (
    <Paper variant="outlined" data-testid={testId} sx={{ flex: 1, display: 'flex', alignItems: 'center', justifyContent: 'center', p: 6, borderRadius: 2 }}>
      <Stack spacing={1.5} sx={{ alignItems: 'center', maxWidth: 520, textAlign: 'center' }}>
        <Box sx={{ width: 56, height: 56, borderRadius: '50%', display: 'grid', placeItems: 'center', color: 'primary.main', background: 'rgba(47,91,211,0.08)', '& svg': { fontSize: 28 } }}>
          {icon}
        </Box>
        <Typography variant="h6" component="h2">
          {title}
        </Typography>
        {children && (
          <Typography variant="body2" color="text.secondary" component="div" sx={{ lineHeight: 1.7 }}>
            {children}
          </Typography>
        )}
        {actions && (
          <Stack direction="row" spacing={1} sx={{ pt: 1 }}>
            {actions}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
