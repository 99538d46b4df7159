/**
 * The top bar's sync indicator: the ERP connection (a coloured dot) and how many changes wait in the outbox. Live from
 * 'sync.status' and 'data.changed' events, refreshed every 15 s as a fallback; a click opens the Sync page.
 */
import WarningIcon from '@mui/icons-material/ErrorOutlineOutlined';
import Box from '@mui/material/Box';
import ButtonBase from '@mui/material/ButtonBase';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useEffect } from 'react';
import { hrefOf } from '../../app/router';
import { colors } from '../../app/theme';
import { useLiveRefresh } from '../../components/events';
import { connectionOf, useSyncStore } from './model';

export function StatusDot({ color, size = 8, pulse = false }: { color: string; size?: number; pulse?: boolean }) {
  return (
    <Box
      component="span"
      aria-hidden
      sx={{
        width: size, height: size, borderRadius: '50%', bgcolor: color, flex: 'none', display: 'inline-block',
        boxShadow: `0 0 0 3px ${color}26`,
        ...(pulse ? { animation: 'cadence-pulse 1.6s ease-in-out infinite', '@keyframes cadence-pulse': { '50%': { opacity: 0.45 } } } : {}),
      }}
    />
  );
}

export function SyncIndicator() {
  const status = useSyncStore((s) => s.status);
  const refresh = useSyncStore((s) => s.refresh);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  useLiveRefresh(() => void refresh(), ['sync.status', 'data.changed'], { delayMs: 250, intervalMs: 15000 });

  const conn = connectionOf(status);
  const pending = status?.pending ?? 0;
  const parked = status?.parked.length ?? 0;
  const tip = [
    `ERP sync: ${conn.label}`,
    conn.hint,
    status ? `${pending} change${pending === 1 ? '' : 's'} waiting to be sent` : null,
    parked ? `${parked} refused by the ERP — needs attention` : null,
  ].filter(Boolean).join('. ');

  return (
    <Tooltip title={tip}>
      <ButtonBase
        component="a"
        href={hrefOf('sync')}
        data-testid="sync-indicator"
        data-state={conn.state}
        aria-label={tip}
        sx={{
          height: 34, px: 1.25, gap: 1, borderRadius: 1.5, border: `1px solid ${colors.border}`, bgcolor: '#fff', flex: 'none',
          '&:hover': { bgcolor: '#f8fafc', borderColor: '#d1d5db' },
          '&.Mui-focusVisible': { outline: `2px solid ${colors.primary}`, outlineOffset: 2 },
        }}
      >
        <StatusDot color={conn.color} pulse={conn.state === 'checking'} />
        <Typography component="span" sx={{ fontSize: '0.8rem', fontWeight: 500, color: 'text.primary', whiteSpace: 'nowrap' }} data-testid="sync-indicator-state">
          {conn.state === 'online' ? 'ERP online' : conn.state === 'offline' ? 'ERP offline' : conn.label}
        </Typography>
        <Box
          component="span"
          data-testid="sync-indicator-pending"
          data-count={pending}
          sx={{
            minWidth: 22, height: 20, px: 0.75, borderRadius: 10, fontSize: '0.72rem', fontWeight: 700, display: 'inline-flex', alignItems: 'center', justifyContent: 'center',
            bgcolor: pending === 0 ? '#f1f2f4' : conn.state === 'online' ? '#e8efff' : '#fef3c7',
            color: pending === 0 ? '#6b7280' : conn.state === 'online' ? '#1e40af' : '#92400e',
          }}
        >
          {pending}
        </Box>
        {parked > 0 && (
          <Box component="span" data-testid="sync-indicator-parked" sx={{ height: 20, pl: 0.4, pr: 0.75, gap: 0.25, borderRadius: 10, fontSize: '0.72rem', fontWeight: 700, display: 'inline-flex', alignItems: 'center', bgcolor: '#fde8e8', color: '#991b1b' }}>
            <WarningIcon sx={{ fontSize: 14 }} />
            {parked}
          </Box>
        )}
      </ButtonBase>
    </Tooltip>
  );
}
