/**
 * Sync (#/sync/<tab>): the ERP connection (online / offline / working offline), what waits in the outbox, the last
 * success and error, "Work offline", "Push now" and "Pull now"; tabs for parked rows, the outbox, pull conflicts, the
 * connector settings and field ownership.
 */
import PullIcon from '@mui/icons-material/CloudDownloadOutlined';
import SendIcon from '@mui/icons-material/CloudUploadOutlined';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import FormControlLabel from '@mui/material/FormControlLabel';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useEffect, useMemo, useState } from 'react';
import { invoke } from '../../api/client';
import { navigate } from '../../app/router';
import { colors } from '../../app/theme';
import { useLiveRefresh } from '../../components/events';
import { sentence } from '../../components/form';
import { formatDateTime } from '../../components/format';
import { Stat } from '../../components/SectionCard';
import { toast } from '../../components/toasts';
import { ConflictsPanel } from './ConflictsPanel';
import { ConnectorPanel } from './ConnectorPanel';
import { connectionOf, type OutboxEntry, type SyncConfig, type SyncStatus, useSyncStore } from './model';
import { OutboxPanel } from './OutboxPanel';
import { OwnershipPanel } from './OwnershipPanel';
import { ParkedPanel } from './ParkedPanel';
import { StatusDot } from './SyncIndicator';

type TabId = 'attention' | 'outbox' | 'conflicts' | 'connector' | 'ownership';
const TAB_IDS: TabId[] = ['attention', 'outbox', 'conflicts', 'connector', 'ownership'];

/** A tab's label with a small count pill (hidden at 0). */
export function TabLabel({ label, count, tone = 'blue' }: { label: string; count?: number; tone?: 'red' | 'blue' }) {
  return (
    <Stack direction="row" spacing={0.75} component="span" sx={{ alignItems: 'center' }}>
      <span>{label}</span>
      {!!count && (
        <Box component="span" data-testid="tab-count" sx={{ minWidth: 20, height: 18, px: 0.6, borderRadius: 9, fontSize: '0.7rem', fontWeight: 700, lineHeight: '18px', textAlign: 'center', bgcolor: tone === 'red' ? '#dc2626' : '#e8efff', color: tone === 'red' ? '#fff' : '#1e40af' }}>
          {count}
        </Box>
      )}
    </Stack>
  );
}

function describeConnector(c: SyncConfig | null): string {
  if (!c) return '…';
  if (c.connector === 'rest' && c.rest) return `REST connector · ${c.rest.baseUrl}`;
  if (c.connector === 'tryton' && c.tryton) return `Tryton · ${c.tryton.url} · database ${c.tryton.database}`;
  return 'No connector configured';
}

function StatusPanel({ status, config, onChanged }: { status: SyncStatus | null; config: SyncConfig | null; onChanged: () => void }) {
  const setStatus = useSyncStore((s) => s.set);
  const [pushing, setPushing] = useState(false);
  const [pulling, setPulling] = useState(false);
  const [switching, setSwitching] = useState(false);
  const conn = connectionOf(status);

  const pushNow = async () => {
    setPushing(true);
    try {
      const r = await invoke('sync.pushNow', {});
      if (!r.online) toast.info(`The ERP cannot be reached: ${r.pending} change${r.pending === 1 ? '' : 's'} wait in the outbox`);
      else if (r.parked > 0) toast.error(`${r.sent} sent, ${r.parked} refused by the ERP (see Needs attention)`);
      else toast.success(r.sent === 0 && r.pending === 0 ? 'Everything is already in the ERP' : `${r.sent} change${r.sent === 1 ? '' : 's'} sent${r.pending ? `, ${r.pending} still waiting` : ''}`);
    } catch (e) {
      toast.error(e);
    } finally {
      setPushing(false);
      onChanged();
    }
  };

  const pullNow = async () => {
    setPulling(true);
    try {
      const r = await invoke('sync.pull', {});
      const parts = [`${r.created} new`, `${r.updated} updated`, `${r.unchanged + r.kept} unchanged`];
      if (r.conflicts) parts.push(`${r.conflicts} conflict${r.conflicts === 1 ? '' : 's'}`);
      const msg = `Pulled ${r.fetched} record${r.fetched === 1 ? '' : 's'} from the ERP: ${parts.join(', ')}`;
      if (r.errors.length > 0) toast.error(`${msg}; ${r.errors.length} could not be applied: ${r.errors[0].message}`);
      else if (r.conflicts > 0) toast.info(`${msg}. Decide the conflicts under Conflicts.`);
      else toast.success(msg);
    } catch (e) {
      toast.error(e);
    } finally {
      setPulling(false);
      onChanged();
    }
  };

  const setWorkOffline = async (workOffline: boolean) => {
    setSwitching(true);
    try {
      setStatus(await invoke('sync.setWorkOffline', { workOffline }));
      toast.success(workOffline ? 'Working offline: changes are kept until you go back online' : 'Back online: sending queued changes');
    } catch (e) {
      toast.error(e);
    } finally {
      setSwitching(false);
      onChanged();
    }
  };

  const pending = status?.pending ?? 0;
  const blocked = status?.blocked ?? 0;
  return (
    <Paper variant="outlined" sx={{ borderRadius: 2, mb: 2, flex: 'none' }} data-testid="sync-status">
      <Stack direction="row" spacing={2} sx={{ px: 3, py: 1.75, alignItems: 'center', borderBottom: `1px solid ${colors.border}` }}>
        <Box sx={{ flex: 1, minWidth: 0 }}>
          <Typography variant="subtitle1" component="h2">
            ERP connection
          </Typography>
          <Typography variant="body2" color="text.secondary" noWrap data-testid="sync-connector-summary">
            {describeConnector(config)}
          </Typography>
        </Box>
        <Tooltip title="Hold every change in the outbox (e.g. on a train, or while the ERP is being maintained)">
          <FormControlLabel
            control={<Switch checked={!!status?.workOffline} disabled={!status?.configured || switching} onChange={(e) => void setWorkOffline(e.target.checked)} slotProps={{ input: { 'aria-label': 'Work offline' } }} />}
            label="Work offline"
            data-testid="sync-work-offline"
            sx={{ mr: 0.5, '& .MuiFormControlLabel-label': { fontSize: '0.875rem', fontWeight: 500 } }}
          />
        </Tooltip>
        <Tooltip title="Fetch products and customers changed in the ERP">
          <span>
            <Button
              variant="outlined"
              startIcon={pulling ? <CircularProgress size={14} color="inherit" /> : <PullIcon />}
              disabled={pulling || !status?.configured || status.workOffline}
              onClick={() => void pullNow()}
              data-testid="sync-pull-now"
            >
              Pull now
            </Button>
          </span>
        </Tooltip>
        <Button
          variant="contained"
          startIcon={pushing ? <CircularProgress size={14} color="inherit" /> : <SendIcon />}
          disabled={pushing || !status?.configured || status.workOffline}
          onClick={() => void pushNow()}
          data-testid="sync-push-now"
        >
          Push now
        </Button>
      </Stack>
      <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(4, minmax(0, 1fr))', '& > *': { px: 3, py: 2 }, '& > * + *': { borderLeft: `1px solid ${colors.border}` } }}>
        <Stat
          label="Connection"
          testId="sync-connection"
          sub={conn.hint}
        >
          <Stack direction="row" spacing={1.25} sx={{ alignItems: 'center' }} component="span" data-state={conn.state}>
            <StatusDot color={conn.color} size={10} pulse={conn.state === 'checking'} />
            <span>{conn.label}</span>
          </Stack>
        </Stat>
        <Stat
          label="Waiting to be sent"
          testId="sync-pending"
          sub={
            blocked > 0
              ? `${blocked} wait behind a parked change of the same record`
              : pending === 0
                ? 'The outbox is empty'
                : status?.nextAttemptAt
                  ? `Next attempt ${formatDateTime(status.nextAttemptAt)}`
                  : 'Sent as soon as the ERP answers'
          }
        >
          <span data-count={pending}>{status ? pending : '…'}</span>
        </Stat>
        <Stat label="Last success" testId="sync-last-success" sub={status ? `${status.done} sent in total${status.skipped ? `, ${status.skipped} skipped` : ''}` : undefined}>
          {status?.lastSuccessAt ? formatDateTime(status.lastSuccessAt) : <Box component="span" sx={{ color: 'text.secondary', fontWeight: 500 }}>Not yet</Box>}
        </Stat>
        <Stat label="Last error" testId="sync-last-error" sub={status?.lastErrorAt ? formatDateTime(status.lastErrorAt) : undefined}>
          {status?.lastError && status.configured ? (
            <Tooltip title={status.lastError}>
              <Box component="span" sx={{ display: '-webkit-box', WebkitLineClamp: 2, WebkitBoxOrient: 'vertical', overflow: 'hidden', fontSize: '0.875rem', fontWeight: 500, color: '#991b1b', lineHeight: 1.45 }}>
                {sentence(status.lastError)}
              </Box>
            </Tooltip>
          ) : (
            <Box component="span" sx={{ color: 'text.secondary', fontWeight: 500 }}>None</Box>
          )}
        </Stat>
      </Box>
    </Paper>
  );
}

export function SyncPage({ tab }: { tab?: string }) {
  const current: TabId = TAB_IDS.includes(tab as TabId) ? (tab as TabId) : 'attention';
  const status = useSyncStore((s) => s.status);
  const refresh = useSyncStore((s) => s.refresh);
  const [config, setConfig] = useState<SyncConfig | null>(null);
  const [parked, setParked] = useState<OutboxEntry[] | null>(null);
  const [conflicts, setConflicts] = useState(0);

  const loadConfig = () =>
    invoke('sync.getConfig', {})
      .then(setConfig)
      .catch((e) => toast.error(e));
  const loadParked = () =>
    invoke('sync.outbox', { status: 'parked', limit: 500 })
      .then(setParked)
      .catch(() => setParked((p) => p ?? []));

  const loadConflicts = () =>
    invoke('sync.conflicts', { status: 'open', limit: 5000 })
      .then((c) => setConflicts(c.length))
      .catch(() => setConflicts(0));

  useEffect(() => {
    void refresh();
    void loadConfig();
    void loadConflicts();
  }, [refresh]);
  // Parked rows come and go with the status: reload them when their ids change.
  const parkedKey = status ? status.parked.map((p) => p.id).join(',') : null;
  useEffect(() => {
    if (parkedKey !== null) void loadParked();
  }, [parkedKey]);
  useLiveRefresh(() => void refresh(), ['sync.status', 'data.changed'], { delayMs: 200, intervalMs: 5000 });
  useLiveRefresh(() => void loadConflicts(), ['data.changed'], { delayMs: 500, intervalMs: 30000 });

  const parkedAt = useMemo(() => Object.fromEntries((status?.parked ?? []).map((p) => [p.id, p.parkedAt])), [status]);
  const parkedCount = status?.parked.length ?? 0;
  const changed = () => {
    void refresh();
    void loadParked();
    void loadConflicts();
  };

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', flex: 1, minHeight: 0 }} data-testid="sync-page">
      <StatusPanel status={status} config={config} onChanged={changed} />
      <Tabs
        value={current}
        onChange={(_e, v: TabId) => navigate(['sync', v], true)}
        sx={{ mb: 2, flex: 'none', minHeight: 40, borderBottom: `1px solid ${colors.border}`, '& .MuiTab-root': { minHeight: 40, textTransform: 'none', fontWeight: 600, px: 2 } }}
      >
        <Tab
          value="attention"
          data-testid="sync-tab-attention"
          label={<TabLabel label="Needs attention" count={parkedCount} tone="red" />}
        />
        <Tab value="outbox" label="Outbox" data-testid="sync-tab-outbox" />
        <Tab value="conflicts" label={<TabLabel label="Conflicts" count={conflicts} tone="red" />} data-testid="sync-tab-conflicts" />
        <Tab value="connector" label="Connector" data-testid="sync-tab-connector" />
        <Tab value="ownership" label="Field ownership" data-testid="sync-tab-ownership" />
      </Tabs>
      {current === 'attention' && (
        <Box sx={{ flex: 'none' }}>
          <ParkedPanel rows={parked} parkedAt={parkedAt} onChanged={changed} />
        </Box>
      )}
      {current === 'outbox' && <OutboxPanel />}
      {current === 'conflicts' && <ConflictsPanel onChanged={changed} />}
      {current === 'ownership' && <OwnershipPanel />}
      {current === 'connector' && (
        <Box sx={{ flex: 'none' }}>
          <ConnectorPanel
            config={config}
            onSaved={(c) => {
              setConfig(c);
              void refresh();
              setTimeout(() => void refresh(), 400);
            }}
          />
        </Box>
      )}
    </Box>
  );
}
