/**
 * One outbox row: what was (or will be) sent and what the ERP answered. For a parked row the payload can be corrected
 * and sent again ("Edit and retry"), or the row skipped.
 */
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import { useMemo, useState } from 'react';
import { invoke } from '../../api/client';
import { formatDateTime } from '../../components/format';
import { DetailList } from '../../components/SectionCard';
import { toast } from '../../components/toasts';
import { aggregateLabel, eventLabel, type OutboxEntry, recordLabel } from './model';
import { OutboxStatusChip, skipRow } from './ParkedPanel';

export function retryToast(r: OutboxEntry): void {
  if (r.status === 'done') toast.success(`${aggregateLabel(r.aggregateType)} ${recordLabel(r)}: accepted by the ERP`);
  else if (r.status === 'parked') toast.error(`The ERP refused it again: ${r.erpMessage ?? r.lastError ?? 'no message'}`);
  else toast.info(`${aggregateLabel(r.aggregateType)} ${recordLabel(r)}: queued, sent as soon as the ERP answers`);
}

export function PayloadDialog({ row, editable, onClose, onChanged }: { row: OutboxEntry; editable: boolean; onClose: () => void; onChanged: () => void }) {
  const original = useMemo(() => JSON.stringify(row.payload ?? null, null, 2), [row]);
  const [text, setText] = useState(original);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const parsed = useMemo(() => {
    try {
      return { ok: true as const, value: JSON.parse(text) as unknown };
    } catch (e) {
      return { ok: false as const, error: (e as Error).message };
    }
  }, [text]);
  const edited = text !== original;
  const parked = row.status === 'parked';

  const retry = async () => {
    if (!parsed.ok) return;
    setBusy(true);
    try {
      const r = await invoke('sync.retry', { id: row.id, ...(edited ? { payload: parsed.value } : {}), ...(reason.trim() ? { reason: reason.trim() } : {}) });
      retryToast(r);
      onChanged();
      onClose();
    } catch (e) {
      toast.error(e);
    } finally {
      setBusy(false);
    }
  };
  const skip = async () => {
    if (await skipRow(row)) {
      onChanged();
      onClose();
    }
  };

  return (
    <Dialog open onClose={() => !busy && onClose()} maxWidth="md" fullWidth data-testid="payload-dialog" aria-labelledby="payload-title">
      <DialogTitle id="payload-title" sx={{ display: 'flex', alignItems: 'center', gap: 1.25 }}>
        <Box component="span" sx={{ flex: 1, minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
          {aggregateLabel(row.aggregateType)} {recordLabel(row)} · {eventLabel(row.eventType)}
        </Box>
        <OutboxStatusChip status={row.status} />
      </DialogTitle>
      <DialogContent dividers>
        {(row.erpMessage || row.lastError) && (
          <Alert severity={parked ? 'error' : 'warning'} sx={{ mb: 2 }} data-testid="payload-erp-message">
            <strong>{parked ? 'The ERP refused this change: ' : 'Last error: '}</strong>
            {row.erpMessage ?? row.lastError}
          </Alert>
        )}
        <Box sx={{ mb: 2 }}>
          <DetailList
            labelWidth={120}
            items={[
              ['Record', <><code>{row.aggregateId}</code> · change #{row.aggregateSeq}</>],
              ['Event', <code>{row.eventType}</code>],
              ['Queued', formatDateTime(row.createdAt)],
              ['Sent', row.sentAt ? formatDateTime(row.sentAt) : '—'],
              ['Attempts', String(row.attempts)],
            ]}
          />
        </Box>
        <TextField
          label={editable && parked ? 'Payload (JSON) — correct it, then retry' : 'Payload (JSON)'}
          value={text}
          onChange={(e) => setText(e.target.value)}
          multiline
          minRows={10}
          maxRows={22}
          error={!parsed.ok}
          helperText={!parsed.ok ? `Not valid JSON: ${parsed.error}` : edited ? 'Edited: the corrected payload is sent and recorded with the row.' : undefined}
          slotProps={{
            input: { readOnly: !(editable && parked) },
            htmlInput: { 'data-testid': 'payload-json', spellCheck: false, style: { fontFamily: "'DejaVu Sans Mono', Menlo, Consolas, monospace", fontSize: 12, lineHeight: 1.5 } },
          }}
        />
        {editable && parked && (
          <TextField label="Reason (optional)" value={reason} onChange={(e) => setReason(e.target.value)} sx={{ mt: 2 }} placeholder="e.g. VAT id corrected as agreed with accounting" slotProps={{ inputLabel: { shrink: true }, htmlInput: { maxLength: 500, 'data-testid': 'payload-reason' } }} />
        )}
      </DialogContent>
      <DialogActions sx={{ px: 3, py: 1.5 }}>
        {parked && (
          <Button color="error" onClick={() => void skip()} disabled={busy} data-testid="payload-skip">
            Skip…
          </Button>
        )}
        <Box sx={{ flex: 1 }} />
        <Button onClick={onClose} disabled={busy} data-testid="payload-close">
          {parked && editable ? 'Cancel' : 'Close'}
        </Button>
        {parked && editable && (
          <Button variant="contained" onClick={() => void retry()} disabled={busy || !parsed.ok} startIcon={busy ? <CircularProgress size={14} color="inherit" /> : undefined} data-testid="payload-retry">
            {edited ? 'Retry with this payload' : 'Retry'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
