/**
 * Subscriptions: filter by state, plan, customer and renewal date; a row opens the subscription
 * (#/subscriptions/<id>), "New subscription" the create drawer (#/subscriptions/new).
 */
import AddIcon from '@mui/icons-material/Add';
import SubscriptionsIcon from '@mui/icons-material/AutorenewOutlined';
import RefreshIcon from '@mui/icons-material/Refresh';
import Autocomplete from '@mui/material/Autocomplete';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import type { ColDef } from 'ag-grid-community';
import { useEffect, useMemo, useState } from 'react';
import type { OpInput } from '../../../../shared/api/index';
import { invoke } from '../../api/client';
import { navigate } from '../../app/router';
import { DataGrid } from '../../components/DataGrid';
import { EmptyState } from '../../components/EmptyState';
import { useLiveRefresh } from '../../components/events';
import { formatPeriod } from '../../components/format';
import { CountLabel, PageToolbar, SearchBox, SegmentedFilter } from '../../components/PageToolbar';
import { useRows } from '../../components/useRows';
import { itemsSummary, type Plan, STATUS_META, type Subscription } from './model';
import { SubscriptionEditor } from './SubscriptionEditor';
import { SubscriptionStatusChip } from './StatusChip';

type StatusFilter = 'current' | 'trial' | 'past_due' | 'paused' | 'ended' | 'all';
type Row = Subscription & { plan: string; renewal: string };

const STATUS_IN: Record<StatusFilter, OpInput<'subscriptions.list'>['status']> = {
  current: ['trial', 'active', 'past_due', 'paused'], trial: 'trial', past_due: 'past_due', paused: 'paused', ended: ['canceled', 'expired'], all: undefined,
};

const columns: ColDef<Row>[] = [
  { field: 'customerName', headerName: 'Customer', flex: 1.4, minWidth: 160, cellStyle: { fontWeight: 600 } },
  { field: 'plan', headerName: 'Plan', flex: 1.4, minWidth: 170 },
  {
    field: 'status',
    headerName: 'Status',
    width: 104,
    cellRenderer: (p: { value?: Subscription['status'] }) => (p.value ? <SubscriptionStatusChip status={p.value} /> : null),
    filterValueGetter: (p) => (p.data ? STATUS_META[p.data.status].label : ''),
    getQuickFilterText: (p) => (p.data ? STATUS_META[p.data.status].label : ''),
  },
  { field: 'startDate', headerName: 'Started', width: 106 },
  { colId: 'period', headerName: 'Current period', width: 190, valueGetter: (p) => (p.data?.currentPeriod ? formatPeriod(p.data.currentPeriod.start, p.data.currentPeriod.end) : '—') },
  { field: 'nextBillingDate', headerName: 'Next billing', width: 112, valueFormatter: (p) => p.value ?? '—' },
  { field: 'renewal', headerName: 'Renewal', width: 106, valueGetter: (p) => (p.data?.cancelAt ? `ends ${p.data.cancelAt}` : (p.data?.renewal ?? '')) },
  { field: 'poNumber', headerName: 'PO number', width: 120, valueFormatter: (p) => p.value ?? '' },
];

interface Option {
  id: string;
  label: string;
}

export function SubscriptionsPage({ selected, newFor }: { selected?: string; newFor?: string }) {
  const [status, setStatus] = useState<StatusFilter>('current');
  const [planId, setPlanId] = useState('');
  const [customer, setCustomer] = useState<Option | null>(null);
  const [renewalFrom, setRenewalFrom] = useState('');
  const [renewalTo, setRenewalTo] = useState('');
  const [search, setSearch] = useState('');
  const [plans, setPlans] = useState<Plan[]>([]);
  const [customers, setCustomers] = useState<Option[]>([]);
  const [anySubscription, setAnySubscription] = useState<boolean | null>(null);

  useEffect(() => {
    Promise.all([invoke('plans.list', { active: 'all', limit: 10000, sortBy: 'name' }), invoke('customers.list', { status: 'all', limit: 10000, sortBy: 'name' })])
      .then(([p, c]) => {
        setPlans(p.items);
        setCustomers(c.items.map((x) => ({ id: x.id, label: `${x.name} (${x.number})` })));
      })
      .catch(() => undefined);
  }, []);

  const { rows, reload, error } = useRows(async () => {
    const page = await invoke('subscriptions.list', {
      status: STATUS_IN[status],
      ...(planId ? { planId } : {}),
      ...(customer ? { customerId: customer.id } : {}),
      ...(renewalFrom ? { renewalFrom } : {}),
      ...(renewalTo ? { renewalTo } : {}),
      sortBy: 'createdAt',
      sortDir: 'desc',
      limit: 10000,
    });
    if (page.items.length > 0) setAnySubscription(true);
    else setAnySubscription((await invoke('subscriptions.list', { limit: 1 })).total > 0);
    return page.items.map((s): Row => ({ ...s, plan: itemsSummary(s), renewal: s.term ? s.term.currentEnd : '—' }));
  }, [status, planId, customer, renewalFrom, renewalTo]);
  useLiveRefresh(() => void reload(), ['billing.finished'], { delayMs: 300, intervalMs: 60000 });

  const shown = useMemo(() => {
    if (!rows || !search.trim()) return rows?.length ?? 0;
    const q = search.trim().toLowerCase();
    return rows.filter((r) => [r.customerName, r.customerNumber, r.plan, r.poNumber ?? ''].some((s) => s.toLowerCase().includes(q))).length;
  }, [rows, search]);

  const open = (id: string) => navigate(['subscriptions', id]);
  const newButton = (
    <Button variant="contained" startIcon={<AddIcon />} onClick={() => open('new')} data-testid="subscription-new">
      New subscription
    </Button>
  );
  const dateField = (label: string, value: string, set: (v: string) => void, testId: string) => (
    <TextField type="date" label={label} value={value} onChange={(e) => set(e.target.value)} fullWidth={false} sx={{ width: 150, bgcolor: 'background.paper' }} slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'data-testid': testId } }} />
  );

  return (
    <>
      {anySubscription === false ? (
        <EmptyState icon={<SubscriptionsIcon />} title="No subscriptions yet" testId="subscriptions-empty" actions={newButton}>
          A subscription bills a customer for one or more plans, period after period: with trials, contract terms, renewals, add-ons and prorated
          changes. The billing run turns what is due into invoices.
        </EmptyState>
      ) : (
        <>
          <PageToolbar actions={newButton}>
            <SearchBox value={search} onChange={setSearch} placeholder="Filter subscriptions…" testId="subscriptions-search" width={220} />
            <SegmentedFilter
              label="Status"
              value={status}
              onChange={setStatus}
              testId="subscriptions-status"
              options={[
                { value: 'current', label: 'Current' },
                { value: 'trial', label: 'Trial' },
                { value: 'past_due', label: 'Past due' },
                { value: 'paused', label: 'Paused' },
                { value: 'ended', label: 'Ended' },
                { value: 'all', label: 'All' },
              ]}
            />
            <TextField select label="Plan" value={planId} onChange={(e) => setPlanId(e.target.value)} fullWidth={false} sx={{ width: 190, bgcolor: 'background.paper' }} slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true }, htmlInput: { 'data-testid': 'subscriptions-plan' } }}>
              <MenuItem value="">All plans</MenuItem>
              {plans.map((p) => (
                <MenuItem key={p.id} value={p.id}>
                  {p.name}
                </MenuItem>
              ))}
            </TextField>
            <Autocomplete<Option>
              options={customers}
              value={customer}
              onChange={(_e, v) => setCustomer(v)}
              isOptionEqualToValue={(a, b) => a.id === b.id}
              sx={{ width: 230, bgcolor: 'background.paper' }}
              renderInput={(params) => <TextField {...params} label="Customer" placeholder="All customers" slotProps={{ ...params.slotProps, inputLabel: { shrink: true } }} />}
              data-testid="subscriptions-customer"
            />
            {dateField('Renews from', renewalFrom, setRenewalFrom, 'subscriptions-renewal-from')}
            {dateField('Renews until', renewalTo, setRenewalTo, 'subscriptions-renewal-to')}
            <Tooltip title="Reload">
              <IconButton onClick={() => void reload()} aria-label="Reload subscriptions" size="small" data-testid="subscriptions-reload">
                <RefreshIcon fontSize="small" />
              </IconButton>
            </Tooltip>
            {rows && <CountLabel shown={shown} total={rows.length} noun={rows.length === 1 ? 'subscription' : 'subscriptions'} />}
          </PageToolbar>
          <DataGrid<Row>
            error={error}
            testId="subscriptions-grid"
            rows={rows}
            columns={columns}
            getRowId={(s) => s.id}
            quickFilter={search}
            onOpen={(s) => open(s.id)}
            noRowsText="No subscriptions match these filters"
          />
        </>
      )}
      {selected === 'new' && (
        <SubscriptionEditor
          customerId={newFor}
          onClose={() => navigate(['subscriptions'])}
          onCreated={(s) => {
            void reload();
            navigate(['subscriptions', s.id]);
          }}
        />
      )}
    </>
  );
}
