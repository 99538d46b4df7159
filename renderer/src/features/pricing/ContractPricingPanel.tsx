/**
 * A customer's contract pricing, for the customer page: the contract prices in force or scheduled (plan, currency,
 * kind, terms, validity, version), with actions to add, change (new version), end, and see the version history.
 * The editor opens in a dialog with the live preview beside it. Safe inside another editor's <form>: every button is
 * type="button" and the dialogs keep their submit and shortcuts to themselves.
 */
import AddIcon from '@mui/icons-material/Add';
import EditIcon from '@mui/icons-material/EditOutlined';
import EndIcon from '@mui/icons-material/EventBusyOutlined';
import HistoryIcon from '@mui/icons-material/HistoryOutlined';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import IconButton from '@mui/material/IconButton';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import { ApiError, invoke } from '../../api/client';
import { colors } from '../../app/theme';
import { formatDateTime } from '../../components/format';
import { StatusChip, type Tone } from '../../components/StatusChip';
import { toast } from '../../components/toasts';
import { useRows } from '../../components/useRows';
import { ContractPriceDialog, todayIso } from './ContractPriceDialog';
import { kindLabel, type Plan, type PriceBookEntry, termsSummary, validity } from './model';

const TIMING: Record<PriceBookEntry['timing'], { label: string; tone: Tone }> = {
  current: { label: 'In force', tone: 'green' },
  future: { label: 'Scheduled', tone: 'blue' },
  past: { label: 'Ended', tone: 'grey' },
  superseded: { label: 'Superseded', tone: 'amber' },
};
const CHANGE: Record<PriceBookEntry['change'], string> = {
  created: 'Created',
  corrected: 'Correction',
  price_change: 'New price from date',
  ended: 'Ended',
};

const tableSx = {
  '& td, & th': { px: 1.25, py: 0.9, borderColor: colors.border },
  '& th': { fontSize: '0.72rem', fontWeight: 600, color: 'text.secondary', textTransform: 'uppercase', letterSpacing: '0.04em', bgcolor: '#f9fafb' },
  '& tbody tr:last-of-type td': { borderBottom: 'none' },
} as const;

export function ContractPricingPanel({ customerId }: { customerId: string }) {
  const [plans, setPlans] = useState<Plan[] | null>(null);
  const [currency, setCurrency] = useState<string | undefined>();
  const [showEnded, setShowEnded] = useState(false);
  const [editing, setEditing] = useState<{ entry?: PriceBookEntry } | null>(null);
  const [historyOf, setHistoryOf] = useState<PriceBookEntry | null>(null);
  const [ending, setEnding] = useState<PriceBookEntry | null>(null);
  const { rows, error, reload } = useRows(async () => (await invoke('pricebooks.list', { customerId })).items, [customerId]);

  useEffect(() => {
    invoke('plans.list', { active: 'all', limit: 10000, sortBy: 'name' }).then((p) => setPlans(p.items)).catch(() => setPlans([]));
    invoke('customers.get', { id: customerId }).then((c) => setCurrency(c.currency)).catch(() => undefined);
  }, [customerId]);

  const visible = (rows ?? []).filter((e) => showEnded || e.timing !== 'past');
  const endedCount = (rows ?? []).filter((e) => e.timing === 'past').length;

  return (
    <Box component="section" data-testid="contract-pricing" sx={{ '* + &': { mt: 3 } }}>
      <Stack direction="row" sx={{ alignItems: 'center', mb: 1.5, minHeight: 30 }} spacing={1}>
        <Box sx={{ flex: 1 }}>
          <Typography variant="overline" color="text.secondary" component="h3" sx={{ lineHeight: 1.6 }}>
            Contract pricing
          </Typography>
          <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: -0.25 }}>
            Negotiated prices that override the catalog for this customer on the days they are valid. Every change is kept as a version.
          </Typography>
        </Box>
        <Button size="small" type="button" startIcon={<AddIcon />} onClick={() => setEditing({})} disabled={!plans || !plans.some((p) => p.active)} data-testid="contract-price-add">
          Add contract price
        </Button>
      </Stack>

      {error && <Alert severity="error" sx={{ mb: 1.5 }}>{error}</Alert>}
      {plans && !plans.some((p) => p.active) && <Alert severity="info" sx={{ mb: 1.5 }}>Create a plan first: contract prices override a plan's catalog price.</Alert>}

      {rows === null ? (
        <Skeleton variant="rounded" height={96} />
      ) : visible.length === 0 ? (
        <Paper variant="outlined" sx={{ px: 2, py: 2.5, borderRadius: 2, textAlign: 'center', color: 'text.secondary', fontSize: '0.85rem' }} data-testid="contract-pricing-empty">
          No contract prices{endedCount > 0 ? ' in force' : ''}: this customer pays the catalog prices.
        </Paper>
      ) : (
        <Paper variant="outlined" sx={{ borderRadius: 2, overflow: 'hidden' }}>
          <Table size="small" sx={tableSx} data-testid="contract-pricing-table">
            <TableHead>
              <TableRow>
                <TableCell>Plan</TableCell>
                <TableCell>Terms</TableCell>
                <TableCell>Valid from</TableCell>
                <TableCell>Status</TableCell>
                <TableCell align="right" sx={{ width: 104 }} />
              </TableRow>
            </TableHead>
            <TableBody>
              {visible.map((e) => (
                <TableRow key={e.id} hover data-testid={`contract-price-row-${e.planCode}-${e.currency}`}>
                  <TableCell>
                    <Typography variant="body2" sx={{ fontWeight: 600 }} noWrap>
                      {e.planName}
                    </Typography>
                    <Typography variant="caption" color="text.secondary">
                      {e.planCode} · {e.currency}
                    </Typography>
                  </TableCell>
                  <TableCell>
                    <Chip label={kindLabel(e.kind)} size="small" variant="outlined" sx={{ height: 20, fontSize: '0.7rem', mb: 0.25 }} />
                    <Typography variant="body2" data-testid="contract-price-terms" sx={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                      {termsSummary(e)}
                    </Typography>
                  </TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }} data-testid="contract-price-validity">
                    <Typography variant="body2">{e.validFrom}</Typography>
                    <Typography variant="caption" color="text.secondary">
                      {e.validTo ? `until ${e.validTo} (excl.)` : 'open-ended'}
                    </Typography>
                  </TableCell>
                  <TableCell>
                    <Stack direction="row" spacing={0.75} sx={{ alignItems: 'center' }}>
                      <StatusChip label={TIMING[e.timing].label} tone={TIMING[e.timing].tone} />
                      <Typography variant="caption" color="text.secondary">
                        v{e.version}
                      </Typography>
                    </Stack>
                  </TableCell>
                  <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                    <Tooltip title="Change (writes a new version)">
                      <IconButton size="small" type="button" onClick={() => setEditing({ entry: e })} aria-label={`Change the contract price for ${e.planCode} in ${e.currency}`} data-testid="contract-price-edit">
                        <EditIcon fontSize="small" />
                      </IconButton>
                    </Tooltip>
                    <Tooltip title="Version history">
                      <IconButton size="small" type="button" onClick={() => setHistoryOf(e)} aria-label={`Version history of ${e.planCode} in ${e.currency}`} data-testid="contract-price-history">
                        <HistoryIcon fontSize="small" />
                      </IconButton>
                    </Tooltip>
                    <Tooltip title="End this contract price">
                      <span>
                        <IconButton size="small" type="button" onClick={() => setEnding(e)} disabled={e.timing === 'past'} aria-label={`End the contract price for ${e.planCode} in ${e.currency}`} data-testid="contract-price-end">
                          <EndIcon fontSize="small" />
                        </IconButton>
                      </span>
                    </Tooltip>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Paper>
      )}
      {endedCount > 0 && (
        <FormControlLabel
          sx={{ mt: 0.5 }}
          control={<Switch size="small" checked={showEnded} onChange={(e) => setShowEnded(e.target.checked)} />}
          label={<Typography variant="caption">Show ended ({endedCount})</Typography>}
        />
      )}

      {editing && plans && (
        <ContractPriceDialog
          customerId={customerId}
          customerCurrency={currency}
          plans={plans.filter((p) => p.active || p.id === editing.entry?.planId)}
          defaultPlanId={plans.find((p) => p.active && !(rows ?? []).some((e) => e.planId === p.id && e.timing !== 'past'))?.id}
          entry={editing.entry}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void reload();
          }}
        />
      )}
      {historyOf && <HistoryDialog entry={historyOf} onClose={() => setHistoryOf(null)} />}
      {ending && (
        <EndDialog
          entry={ending}
          onClose={() => setEnding(null)}
          onEnded={() => {
            setEnding(null);
            void reload();
          }}
        />
      )}
    </Box>
  );
}

function HistoryDialog({ entry, onClose }: { entry: PriceBookEntry; onClose: () => void }) {
  const [items, setItems] = useState<PriceBookEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    invoke('pricebooks.history', { customerId: entry.customerId, planId: entry.planId, currency: entry.currency })
      .then((h) => setItems([...h.items].reverse()))
      .catch((e) => setError((e as Error).message));
  }, [entry]);
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth data-testid="contract-price-history-dialog" aria-labelledby="history-title">
      <DialogTitle id="history-title" sx={{ pb: 0.5 }}>
        Version history · {entry.planName} · {entry.currency}
        <Typography variant="body2" color="text.secondary">
          Every change of this customer's contract prices for the plan, newest first. Superseded versions no longer apply.
        </Typography>
      </DialogTitle>
      <DialogContent dividers sx={{ p: 0 }}>
        {error ? (
          <Alert severity="error" sx={{ m: 2 }}>{error}</Alert>
        ) : !items ? (
          <Skeleton variant="rounded" height={120} sx={{ m: 2 }} />
        ) : (
          <Table size="small" sx={tableSx}>
            <TableHead>
              <TableRow>
                <TableCell>Version</TableCell>
                <TableCell>Change</TableCell>
                <TableCell>Terms</TableCell>
                <TableCell>Valid</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Recorded</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {items.map((e) => (
                <TableRow key={e.id} data-testid={`history-row-${e.version}`} sx={e.status === 'superseded' ? { '& td': { color: 'text.secondary' } } : undefined}>
                  <TableCell sx={{ fontWeight: 600 }}>v{e.version}</TableCell>
                  <TableCell>{CHANGE[e.change]}</TableCell>
                  <TableCell>
                    {termsSummary(e)}
                    {e.note && (
                      <Typography variant="caption" color="text.secondary" component="div">
                        {e.note}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap', textDecoration: e.status === 'superseded' ? 'line-through' : undefined }}>{validity(e.validFrom, e.validTo)}</TableCell>
                  <TableCell>
                    <StatusChip label={TIMING[e.timing].label} tone={TIMING[e.timing].tone} />
                  </TableCell>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.createdAt)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </DialogContent>
      <DialogActions sx={{ px: 3 }}>
        <Button onClick={onClose} data-testid="contract-price-history-close">
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function EndDialog({ entry, onClose, onEnded }: { entry: PriceBookEntry; onClose: () => void; onEnded: () => void }) {
  const today = todayIso();
  const [validTo, setValidTo] = useState(entry.validFrom >= today ? entry.validFrom : today);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const end = async () => {
    setBusy(true);
    try {
      const e = await invoke('pricebooks.end', { id: entry.id, validTo });
      toast.success(`Contract price for ${e.planCode} in ${e.currency} ends on ${e.validTo}`);
      onEnded();
    } catch (e) {
      setError(e instanceof ApiError ? (Object.values(e.fieldErrors)[0] ?? e.message) : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={onClose} maxWidth="xs" fullWidth data-testid="contract-price-end-dialog" onKeyDown={(e) => e.stopPropagation()}>
      <DialogTitle>End the contract price?</DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          {entry.planName} in {entry.currency}: {termsSummary(entry)}, valid {validity(entry.validFrom, entry.validTo)}. From the end date on the catalog price applies.
        </Typography>
        <TextField
          type="date" label="Ends on (first day at the catalog price)" value={validTo} onChange={(e) => { setValidTo(e.target.value); setError(null); }}
          error={!!error} helperText={error ?? ' '} data-testid="contract-price-end-date" slotProps={{ inputLabel: { shrink: true } }}
        />
      </DialogContent>
      <DialogActions sx={{ px: 3, pb: 2 }}>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button variant="contained" color="error" onClick={() => void end()} disabled={busy} data-testid="contract-price-end-confirm">
          End contract price
        </Button>
      </DialogActions>
    </Dialog>
  );
}
