/** One billing run's summary and log (what was billed, skipped, finalized and why), in a right-hand drawer. */
import CloseIcon from '@mui/icons-material/Close';
import Box from '@mui/material/Box';
import Divider from '@mui/material/Divider';
import Drawer from '@mui/material/Drawer';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { ColDef } from 'ag-grid-community';
import { useEffect, useMemo, useState } from 'react';
import type { OpOutput } from '../../../../shared/api/index';
import { invoke } from '../../api/client';
import { navigate } from '../../app/router';
import { colors } from '../../app/theme';
import { DataGrid } from '../../components/DataGrid';
import { formatDateTime, formatMinorMoney } from '../../components/format';
import { SegmentedFilter } from '../../components/PageToolbar';
import { Stat } from '../../components/SectionCard';
import { StatusChip, type Tone } from '../../components/StatusChip';
import { useRows } from '../../components/useRows';
import { type BillingRun, RunStatusChip, triggerLabel } from './BillingPage';

type LogEntry = OpOutput<'billing.runLog'>['items'][number] & { customer: string };
type Outcome = LogEntry['outcome'];
const OUTCOMES: Record<Outcome, { label: string; tone: Tone }> = {
  billed: { label: 'Billed', tone: 'green' }, skipped: { label: 'Skipped', tone: 'grey' }, failed: { label: 'Failed', tone: 'red' },
  finalized: { label: 'Finalized', tone: 'blue' }, status: { label: 'Status', tone: 'violet' }, past_due: { label: 'Past due', tone: 'amber' },
  reminder: { label: 'Reminder', tone: 'amber' },
};

const columns: ColDef<LogEntry>[] = [
  { field: 'outcome', headerName: 'Outcome', width: 112, cellRenderer: (p: { value?: Outcome }) => (p.value ? <StatusChip label={OUTCOMES[p.value].label} tone={OUTCOMES[p.value].tone} /> : null), filterValueGetter: (p) => (p.data ? OUTCOMES[p.data.outcome].label : '') },
  { field: 'customer', headerName: 'Customer', flex: 1.2, minWidth: 230 },
  // lines are counted on the billing entry; finalization, status and reminder entries have none
  { field: 'lines', headerName: 'Lines', width: 80, type: 'rightAligned', valueFormatter: (p) => (p.data?.outcome === 'billed' ? String(p.value ?? 0) : '—') },
  { colId: 'amount', headerName: 'Amount', width: 120, type: 'rightAligned', valueGetter: (p) => (p.data?.amountMinor != null && p.data.currency ? formatMinorMoney(p.data.amountMinor, p.data.currency) : '') },
  { field: 'message', headerName: 'Message', flex: 2, minWidth: 220 },
];

export function RunLogDrawer({ runId, onClose }: { runId: string; onClose: () => void }) {
  const [run, setRun] = useState<BillingRun | null>(null);
  const [outcome, setOutcome] = useState<Outcome | 'all'>('all');
  const [names, setNames] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    invoke('billing.runs', { limit: 1000 })
      .then((p) => setRun(p.items.find((r) => r.id === runId) ?? null))
      .catch(() => setRun(null));
    invoke('customers.list', { status: 'all', limit: 10000 })
      .then((p) => setNames(new Map(p.items.map((c) => [c.id, `${c.name} (${c.number})`]))))
      .catch(() => undefined);
  }, [runId]);
  const { rows: raw } = useRows(async () => (await invoke('billing.runLog', { runId, ...(outcome !== 'all' ? { outcome } : {}), limit: 10000 })).items, [runId, outcome]);
  const rows = useMemo(() => raw?.map((r): LogEntry => ({ ...r, customer: r.customerId ? names.get(r.customerId) ?? '—' : '—' })) ?? null, [raw, names]);

  return (
    <Drawer anchor="right" open onClose={onClose} slotProps={{ paper: { sx: { width: { xs: '100%', md: 980 }, maxWidth: '100vw' } } }}>
      <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%' }} data-testid="run-log">
        <Stack direction="row" spacing={1} sx={{ px: 3, pt: 2.5, pb: 2, alignItems: 'flex-start' }}>
          <Box sx={{ flex: 1 }}>
            <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
              <Typography variant="h6" component="h2">
                Billing run {run ? formatDateTime(run.startedAt) : ''}
              </Typography>
              {run && <RunStatusChip status={run.status} />}
            </Stack>
            {run && (
              <Typography variant="body2" color="text.secondary">
                Billed as of {run.targetDate} · {triggerLabel(run.trigger)}
                {run.resumes ? ` · resumed ${run.resumes}×` : ''}
                {run.error ? ` · ${run.error}` : ''}
              </Typography>
            )}
          </Box>
          <IconButton onClick={onClose} aria-label="Close" size="small" data-testid="run-log-close">
            <CloseIcon fontSize="small" />
          </IconButton>
        </Stack>
        {run && (
          <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(5, minmax(0, 1fr))', borderTop: `1px solid ${colors.border}`, '& > *': { px: 3, py: 1.5 }, '& > * + *': { borderLeft: `1px solid ${colors.border}` } }}>
            <Stat label="Due">{run.totalDue}</Stat>
            <Stat label="Billed">{run.billed}</Stat>
            <Stat label="Invoices">{run.invoicesCreated}</Stat>
            <Stat label="Finalized">{run.finalized}</Stat>
            <Stat label="Failed">{run.failed}</Stat>
          </Box>
        )}
        <Divider />
        <Box sx={{ px: 3, py: 2, flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
          <Box sx={{ mb: 1.5 }}>
            <SegmentedFilter
              label="Outcome"
              value={outcome}
              onChange={setOutcome}
              testId="run-log-outcome"
              options={[{ value: 'all' as const, label: 'All' }, ...(Object.keys(OUTCOMES) as Outcome[]).map((o) => ({ value: o, label: OUTCOMES[o].label }))]}
            />
          </Box>
          <DataGrid<LogEntry> testId="run-log-grid" rows={rows} columns={columns} getRowId={(r) => r.id} onOpen={(r) => r.invoiceId && navigate(['invoices', r.invoiceId])} noRowsText="Nothing logged" />
        </Box>
      </Box>
    </Drawer>
  );
}
