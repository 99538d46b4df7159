/**
 * Conflicts of the master-data pull: a shared field changed both in Cadence and in the ERP since the last pull.
 * Each shows the previous (common) value and both new ones; keep Cadence's (sent to the ERP), take the ERP's, or type one.
 */
import CheckIcon from '@mui/icons-material/CheckCircleOutlined';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { OpOutput } from '../../../../shared/api/index';
import { invoke } from '../../api/client';
import { formatDateTime } from '../../components/format';
import { PageToolbar, SegmentedFilter } from '../../components/PageToolbar';
import { StatusChip } from '../../components/StatusChip';
import { toast } from '../../components/toasts';
import { useRows } from '../../components/useRows';

export type Conflict = OpOutput<'sync.conflicts'>[number];
type StatusFilter = 'open' | 'resolved' | 'all';

const FIELD_LABELS: Record<string, string> = {
  sku: 'SKU', name: 'Name', description: 'Description', active: 'Active', price: 'List price', stock: 'Stock', number: 'Number', vatId: 'VAT ID',
  email: 'Email', country: 'Country', billingAddress: 'Billing address', currency: 'Currency', paymentTermsDays: 'Payment terms', tags: 'Tags', notes: 'Notes',
};
export const fieldLabel = (f: string): string => FIELD_LABELS[f] ?? f;

/** A pulled value for display: addresses on one line, lists joined, empty as a dash. */
export function showValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (Array.isArray(v)) return v.length ? v.map(showValue).join(', ') : '—';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const parts = ['line1', 'line2', 'postalCode', 'city', 'region', 'country'].map((k) => o[k]).filter((x) => typeof x === 'string' && x);
    return parts.length ? parts.join(', ') : JSON.stringify(v);
  }
  return String(v);
}

const isText = (v: unknown) => v === null || v === undefined || typeof v === 'string';

function CustomValueDialog({ conflict, onClose, onResolved }: { conflict: Conflict; onClose: () => void; onResolved: () => void }) {
  const asText = isText(conflict.erpValue) && isText(conflict.cadenceValue);
  const initial = asText ? String(conflict.erpValue ?? conflict.cadenceValue ?? '') : JSON.stringify(conflict.erpValue ?? conflict.cadenceValue, null, 2);
  const [text, setText] = useState(initial);
  const [busy, setBusy] = useState(false);
  let parsed: { ok: true; value: unknown } | { ok: false; error: string };
  try {
    parsed = { ok: true, value: asText ? text : (JSON.parse(text) as unknown) };
  } catch (e) {
    parsed = { ok: false, error: (e as Error).message };
  }
  const save = async () => {
    if (!parsed.ok) return;
    setBusy(true);
    try {
      await invoke('sync.resolveConflict', { id: conflict.id, take: 'custom', value: parsed.value });
      toast.success(`${conflict.recordLabel}: ${fieldLabel(conflict.field).toLowerCase()} set`);
      onResolved();
      onClose();
    } catch (e) {
      toast.error(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={() => !busy && onClose()} maxWidth="sm" fullWidth data-testid="conflict-custom-dialog">
      <DialogTitle>
        {fieldLabel(conflict.field)} of {conflict.recordLabel}
      </DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 2 }}>The value you type is saved in Cadence and sent to the ERP.</DialogContentText>
        <TextField
          label={asText ? 'Value' : 'Value (JSON)'}
          value={text}
          onChange={(e) => setText(e.target.value)}
          multiline={!asText}
          minRows={asText ? undefined : 6}
          autoFocus
          error={!parsed.ok}
          helperText={!parsed.ok ? `Not valid JSON: ${parsed.error}` : undefined}
          slotProps={{ htmlInput: { 'data-testid': 'conflict-custom-value', style: asText ? undefined : { fontFamily: 'monospace', fontSize: 12 } } }}
        />
      </DialogContent>
      <DialogActions sx={{ px: 3, pb: 2 }}>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button variant="contained" onClick={() => void save()} disabled={busy || !parsed.ok} data-testid="conflict-custom-save">
          Use this value
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function ValueCell({ value, highlight }: { value: unknown; highlight?: 'cadence' | 'erp' }) {
  const color = highlight === 'cadence' ? '#1e40af' : highlight === 'erp' ? '#0f766e' : 'text.secondary';
  return (
    <Typography variant="body2" sx={{ color, fontWeight: highlight ? 600 : 400, overflowWrap: 'anywhere' }}>
      {showValue(value)}
    </Typography>
  );
}

export function ConflictsPanel({ onChanged }: { onChanged: () => void }) {
  const [status, setStatus] = useState<StatusFilter>('open');
  const [custom, setCustom] = useState<Conflict | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const { rows, reload } = useRows(() => invoke('sync.conflicts', { status, limit: 1000 }), [status]);
  const changed = () => {
    void reload();
    onChanged();
  };

  const take = async (c: Conflict, side: 'cadence' | 'erp') => {
    setBusy(c.id);
    try {
      await invoke('sync.resolveConflict', { id: c.id, take: side });
      toast.success(`${c.recordLabel}: ${side === 'cadence' ? "Cadence's" : "the ERP's"} ${fieldLabel(c.field).toLowerCase()} kept`);
      changed();
    } catch (e) {
      toast.error(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Box sx={{ flex: 'none' }}>
      <PageToolbar>
        <SegmentedFilter
          label="Conflict status"
          value={status}
          onChange={setStatus}
          testId="conflicts-status"
          options={[
            { value: 'open', label: 'Open' },
            { value: 'resolved', label: 'Resolved' },
            { value: 'all', label: 'All' },
          ]}
        />
        <Typography variant="body2" color="text.secondary">
          Fields owned by both sides that changed in Cadence and in the ERP since the last pull.
        </Typography>
      </PageToolbar>
      {rows && rows.length === 0 ? (
        <Paper variant="outlined" sx={{ borderRadius: 2, px: 3, py: 4 }} data-testid="conflicts-empty">
          <Stack direction="row" spacing={1.5} sx={{ alignItems: 'center' }}>
            <CheckIcon sx={{ color: '#16a34a' }} />
            <Box>
              <Typography variant="subtitle1">{status === 'resolved' ? 'No resolved conflicts yet' : 'No conflicts'}</Typography>
              <Typography variant="body2" color="text.secondary">
                A pull applies the ERP's changes by field ownership; when both sides changed a shared field, it waits here for your decision.
              </Typography>
            </Box>
          </Stack>
        </Paper>
      ) : (
        <Paper variant="outlined" sx={{ borderRadius: 2, overflow: 'hidden' }} data-testid="conflicts-list">
          <Table size="small" sx={{ '& td, & th': { borderColor: 'divider' }, '& td': { verticalAlign: 'top', py: 1.25 }, '& th': { bgcolor: '#f9fafb', fontWeight: 600, color: '#4b5563', fontSize: 12 } }}>
            <TableHead>
              <TableRow>
                <TableCell sx={{ width: '20%' }}>Record</TableCell>
                <TableCell sx={{ width: 120 }}>Field</TableCell>
                <TableCell>Before</TableCell>
                <TableCell>In Cadence</TableCell>
                <TableCell>In the ERP</TableCell>
                <TableCell align="right" sx={{ width: 300 }}>
                  {status === 'open' ? 'Keep' : 'Decision'}
                </TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {(rows ?? []).map((c) => (
                <TableRow key={c.id} data-testid={`conflict-row-${c.id}`} hover>
                  <TableCell>
                    <Typography variant="body2" sx={{ fontWeight: 600 }}>
                      {c.recordLabel}
                    </Typography>
                    <Typography variant="caption" color="text.secondary">
                      {c.entity === 'product' ? 'Product' : 'Customer'} · {formatDateTime(c.updatedAt)}
                    </Typography>
                  </TableCell>
                  <TableCell>{fieldLabel(c.field)}</TableCell>
                  <TableCell>
                    <ValueCell value={c.baseValue} />
                  </TableCell>
                  <TableCell>
                    <ValueCell value={c.cadenceValue} highlight="cadence" />
                  </TableCell>
                  <TableCell>
                    <ValueCell value={c.erpValue} highlight="erp" />
                  </TableCell>
                  <TableCell align="right">
                    {c.status === 'open' ? (
                      <Stack direction="row" spacing={0.75} sx={{ justifyContent: 'flex-end' }}>
                        <Button size="small" variant="outlined" disabled={busy === c.id} onClick={() => void take(c, 'cadence')} data-testid="conflict-keep-cadence">
                          Cadence's
                        </Button>
                        <Button size="small" variant="outlined" disabled={busy === c.id} onClick={() => void take(c, 'erp')} data-testid="conflict-take-erp">
                          ERP's
                        </Button>
                        <Button size="small" disabled={busy === c.id} onClick={() => setCustom(c)} data-testid="conflict-custom">
                          Other…
                        </Button>
                      </Stack>
                    ) : (
                      <Stack spacing={0.25} sx={{ alignItems: 'flex-end' }}>
                        <StatusChip
                          label={{ cadence: "Kept Cadence's", erp: "Took the ERP's", custom: 'Custom value', agreed: 'Both agree now' }[c.resolution ?? 'agreed']}
                          tone={c.resolution === 'erp' ? 'green' : c.resolution === 'cadence' ? 'blue' : 'grey'}
                        />
                        <Typography variant="caption" color="text.secondary">
                          {c.resolution === 'custom' ? `${showValue(c.resolvedValue)} · ` : ''}
                          {c.resolvedBy ?? ''} {c.resolvedAt ? formatDateTime(c.resolvedAt) : ''}
                        </Typography>
                      </Stack>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Paper>
      )}
      {custom && <CustomValueDialog conflict={custom} onClose={() => setCustom(null)} onResolved={changed} />}
    </Box>
  );
}
