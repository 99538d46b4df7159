/** Rows the ERP refused ("parked"): its message, and Retry / Edit and retry / Skip for each. */
import CheckIcon from '@mui/icons-material/CheckCircleOutlined';
import EditIcon from '@mui/icons-material/EditOutlined';
import ReplayIcon from '@mui/icons-material/Replay';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { invoke } from '../../api/client';
import { confirmWithReason } from '../../components/confirm';
import { formatDateTime } from '../../components/format';
import { StatusChip } from '../../components/StatusChip';
import { toast } from '../../components/toasts';
import { aggregateLabel, eventLabel, type OutboxEntry, recordLabel } from './model';
import { PayloadDialog, retryToast } from './PayloadDialog';

export function OutboxStatusChip({ status }: { status: OutboxEntry['status'] }) {
  if (status === 'done') return <StatusChip label="Sent" tone="green" />;
  if (status === 'parked') return <StatusChip label="Parked" tone="red" />;
  if (status === 'skipped') return <StatusChip label="Skipped" tone="grey" />;
  return <StatusChip label="Waiting" tone="amber" />;
}

/** Asks for a reason and skips the row; resolves true when skipped. */
export async function skipRow(row: OutboxEntry): Promise<boolean> {
  const reason = await confirmWithReason({
    title: `Skip this ${aggregateLabel(row.aggregateType).toLowerCase()} change?`,
    message: (
      <>
        <strong>{recordLabel(row)}</strong> ({eventLabel(row.eventType).toLowerCase()}) will not be sent to the ERP. The skip is recorded with your reason, and
        later changes of the same record flow again. Fix the record in the ERP by hand if it needs this change.
      </>
    ),
    confirmLabel: 'Skip change',
    danger: true,
    reasonLabel: 'Reason',
    reasonRequired: true,
    reasonPlaceholder: 'e.g. created by hand in the ERP',
  });
  if (reason === null) return false;
  try {
    await invoke('sync.skip', { id: row.id, reason });
    toast.success(`Skipped: ${recordLabel(row)} will not be sent`);
    return true;
  } catch (e) {
    toast.error(e);
    return false;
  }
}

export function ParkedPanel({ rows, parkedAt, onChanged }: { rows: OutboxEntry[] | null; parkedAt: Record<string, string | null>; onChanged: () => void }) {
  const [editing, setEditing] = useState<OutboxEntry | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const retry = async (row: OutboxEntry) => {
    setBusy(row.id);
    try {
      retryToast(await invoke('sync.retry', { id: row.id }));
      onChanged();
    } catch (e) {
      toast.error(e);
    } finally {
      setBusy(null);
    }
  };

  if (rows && rows.length === 0) {
    return (
      <Paper variant="outlined" sx={{ borderRadius: 2, px: 3, py: 4 }} data-testid="parked-empty">
        <Stack direction="row" spacing={1.5} sx={{ alignItems: 'center' }}>
          <CheckIcon sx={{ color: '#16a34a' }} />
          <Box>
            <Typography variant="subtitle1">Nothing needs attention</Typography>
            <Typography variant="body2" color="text.secondary">
              When the ERP refuses a change (a missing field, a duplicate…), it is parked here with the ERP's message, and the other records keep flowing.
            </Typography>
          </Box>
        </Stack>
      </Paper>
    );
  }

  return (
    <Paper variant="outlined" sx={{ borderRadius: 2, overflow: 'hidden' }} data-testid="parked-list">
      <Table size="small" sx={{ '& td, & th': { borderColor: 'divider' }, '& td': { verticalAlign: 'top', py: 1.25 }, '& th': { bgcolor: '#f9fafb', fontWeight: 600, color: '#4b5563', fontSize: 12 } }}>
        <TableHead>
          <TableRow>
            <TableCell sx={{ width: '24%' }}>Record</TableCell>
            <TableCell sx={{ width: 110 }}>Change</TableCell>
            <TableCell sx={{ width: 140 }}>Parked</TableCell>
            <TableCell>ERP message</TableCell>
            <TableCell align="right" sx={{ width: 290 }}>Actions</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {(rows ?? []).map((r) => (
            <TableRow key={r.id} data-testid={`parked-row-${r.id}`} hover>
              <TableCell>
                <Typography variant="body2" sx={{ fontWeight: 600 }}>
                  {recordLabel(r)}
                </Typography>
                <Typography variant="caption" color="text.secondary">
                  {aggregateLabel(r.aggregateType)} · change #{r.aggregateSeq}
                </Typography>
              </TableCell>
              <TableCell>
                <Typography variant="body2">{eventLabel(r.eventType)}</Typography>
                <Typography variant="caption" color="text.secondary">
                  {r.attempts} attempt{r.attempts === 1 ? '' : 's'}
                </Typography>
              </TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(parkedAt[r.id] ?? r.createdAt)}</TableCell>
              <TableCell>
                <Typography variant="body2" sx={{ color: '#991b1b', overflowWrap: 'anywhere' }} data-testid="parked-message">
                  {r.erpMessage ?? r.lastError ?? 'No message'}
                </Typography>
              </TableCell>
              <TableCell align="right">
                <Stack direction="row" spacing={0.75} sx={{ justifyContent: 'flex-end' }}>
                  <Button size="small" variant="outlined" startIcon={<ReplayIcon />} disabled={busy === r.id} onClick={() => void retry(r)} data-testid="parked-retry">
                    Retry
                  </Button>
                  <Button size="small" variant="outlined" startIcon={<EditIcon />} disabled={busy === r.id} onClick={() => setEditing(r)} data-testid="parked-edit">
                    Edit…
                  </Button>
                  <Button size="small" color="error" disabled={busy === r.id} onClick={() => void skipRow(r).then((ok) => ok && onChanged())} data-testid="parked-skip">
                    Skip…
                  </Button>
                </Stack>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {editing && <PayloadDialog row={editing} editable onClose={() => setEditing(null)} onChanged={onChanged} />}
    </Paper>
  );
}
