/**
 * A customer's delivery calendar (#/deliveries/<customerId>[/<orderId>]): past and upcoming orders and the deliveries
 * the schedules will generate, month by month; the customer's delivery schedules; a day opens its order's editor.
 */
import AddIcon from '@mui/icons-material/Add';
import ChevronLeftIcon from '@mui/icons-material/ChevronLeft';
import ChevronRightIcon from '@mui/icons-material/ChevronRight';
import CalendarIcon from '@mui/icons-material/CalendarMonthOutlined';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import ButtonBase from '@mui/material/ButtonBase';
import IconButton from '@mui/material/IconButton';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useEffect, useMemo, useState } from 'react';
import { invoke } from '../../api/client';
import { navigate } from '../../app/router';
import { serverToday, useAppStore } from '../../app/store';
import { colors } from '../../app/theme';
import { EmptyState } from '../../components/EmptyState';
import { useLiveRefresh } from '../../components/events';
import { formatMinorMoney, formatQuantity } from '../../components/format';
import { SectionCard } from '../../components/SectionCard';
import { StatusChip } from '../../components/StatusChip';
import { toast } from '../../components/toasts';
import { LocationDialog } from './LocationsPanel';
import { addDays, type Calendar, type CalendarEntry, INVOICING_LABELS, type Location, monthEnd, monthStart, monthTitle, ORDER_STATUS, parseDay, type Schedule } from './model';
import { OrderDrawer } from './OrderDrawer';
import { OrderStatusChip } from './OrderStatusChip';
import { ScheduleDialog } from './ScheduleDialog';

interface CustomerOption {
  id: string;
  label: string;
  country: string;
}

const WEEK = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function MonthGrid({ first, today, entries, onOpen }: { first: string; today: string; entries: Map<string, CalendarEntry[]>; onOpen: (e: CalendarEntry) => void }) {
  const last = monthEnd(first);
  const lead = (new Date(parseDay(first)).getUTCDay() + 6) % 7; // Monday first
  const days: (string | null)[] = [...Array(lead).fill(null)];
  for (let d = first; d <= last; d = addDays(d, 1)) days.push(d);
  while (days.length % 7) days.push(null);
  return (
    <Paper variant="outlined" sx={{ borderRadius: 2, overflow: 'hidden' }} data-testid={`month-${first.slice(0, 7)}`}>
      <Typography variant="subtitle2" sx={{ px: 2, py: 1.25, borderBottom: `1px solid ${colors.border}`, bgcolor: '#f9fafb' }}>
        {monthTitle(first)}
      </Typography>
      <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(7, minmax(0, 1fr))' }}>
        {WEEK.map((w) => (
          <Typography key={w} variant="caption" color="text.secondary" sx={{ textAlign: 'center', py: 0.5, fontWeight: 600 }}>
            {w}
          </Typography>
        ))}
        {days.map((d, i) => {
          const list = d ? (entries.get(d) ?? []) : [];
          const past = !!d && d < today;
          return (
            <Box
              key={d ?? `x${i}`}
              sx={{ minHeight: 58, borderTop: `1px solid ${colors.border}`, borderLeft: i % 7 ? `1px solid ${colors.border}` : 'none', p: 0.5, bgcolor: !d ? '#fafafa' : d === today ? '#f3f6fd' : undefined }}
              data-testid={d ? `day-${d}` : undefined}
            >
              {d && (
                <Typography variant="caption" sx={{ display: 'block', textAlign: 'right', pr: 0.5, color: d === today ? 'primary.main' : past ? '#9ca3af' : 'text.secondary', fontWeight: d === today ? 700 : 500 }}>
                  {Number(d.slice(8))}
                </Typography>
              )}
              {list.map((e, k) => {
                const m = ORDER_STATUS[e.status];
                const label = e.status === 'projected' ? `${formatQuantity(e.units)} u` : e.number ?? formatMinorMoney(e.grossMinor, e.currency);
                return (
                  <Tooltip key={k} title={`${m.label} · ${e.locationName} · ${e.lineCount} line${e.lineCount === 1 ? '' : 's'}, ${formatQuantity(e.units)} units${e.grossMinor ? ` · ${formatMinorMoney(e.grossMinor, e.currency)}${e.estimated ? ' (estimate)' : ''}` : ''}${e.hasOverrides ? ' · changed' : ''}${e.stockShort ? ' · stock short' : ''}`}>
                    <ButtonBase
                      onClick={() => e.orderId && onOpen(e)}
                      disabled={!e.orderId}
                      data-testid={`entry-${e.deliveryDate}`}
                      data-status={e.status}
                      sx={{
                        display: 'block', width: '100%', textAlign: 'left', mt: 0.25, px: 0.6, py: 0.2, borderRadius: 0.75, fontSize: '0.68rem', fontWeight: 600, lineHeight: 1.5,
                        overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap',
                        color: e.status === 'projected' ? '#475569' : '#fff', bgcolor: e.status === 'projected' ? 'transparent' : m.color,
                        border: e.status === 'projected' ? '1px dashed #94a3b8' : '1px solid transparent',
                        textDecoration: e.status === 'skipped' ? 'line-through' : undefined, opacity: past && e.status === 'projected' ? 0.5 : 1,
                        outline: e.hasOverrides || e.stockShort ? `2px solid ${e.stockShort ? '#f59e0b' : '#fbbf24'}` : undefined, outlineOffset: -2,
                      }}
                    >
                      {label}
                    </ButtonBase>
                  </Tooltip>
                );
              })}
            </Box>
          );
        })}
      </Box>
    </Paper>
  );
}

function SchedulesCard({ customerId, locations, onChanged, onNeedLocation }: { customerId: string; locations: Location[]; onChanged: () => void; onNeedLocation: () => void }) {
  const [rows, setRows] = useState<Schedule[] | null>(null);
  const [editing, setEditing] = useState<Schedule | 'new' | null>(null);
  const load = () =>
    invoke('orderSchedules.list', { customerId, status: 'all' })
      .then((p) => setRows(p.items))
      .catch(() => setRows([]));
  useEffect(() => {
    void load();
  }, [customerId]);
  const setStatus = async (s: Schedule, status: 'active' | 'paused') => {
    try {
      await invoke('orderSchedules.update', { id: s.id, expectedVersion: s.version, patch: { status } });
      toast.success(status === 'paused' ? 'Schedule paused: its upcoming deliveries are removed' : 'Schedule resumed');
      void load();
      onChanged();
    } catch (e) {
      toast.error(e);
    }
  };
  return (
    <SectionCard
      title="Delivery schedules"
      testId="schedules"
      action={
        <Button size="small" variant="contained" startIcon={<AddIcon />} onClick={() => (locations.length ? setEditing('new') : onNeedLocation())} data-testid="schedule-new">
          New
        </Button>
      }
      flush
    >
      {rows && rows.length === 0 ? (
        <Typography variant="body2" color="text.secondary" sx={{ px: 3, py: 2 }}>
          No schedules yet: create one to generate upcoming deliveries.
        </Typography>
      ) : (
        (rows ?? []).map((s) => (
          <Box key={s.id} sx={{ px: 3, py: 1.5, borderBottom: `1px solid ${colors.border}`, '&:last-of-type': { borderBottom: 'none' } }} data-testid="schedule-row">
            <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
              <Typography variant="body2" sx={{ fontWeight: 600, flex: 1, minWidth: 0 }} noWrap>
                {s.name || s.description}
              </Typography>
              <StatusChip label={s.status === 'active' ? 'Active' : s.status === 'paused' ? 'Paused' : 'Ended'} tone={s.status === 'active' ? 'green' : s.status === 'paused' ? 'amber' : 'grey'} />
            </Stack>
            <Typography variant="caption" color="text.secondary" component="div">
              {s.name ? `${s.description} · ` : ''}
              {s.locationName} · {INVOICING_LABELS[s.invoicingMode]}
            </Typography>
            <Typography variant="caption" component="div" sx={{ mt: 0.25 }}>
              {s.items.map((i) => `${formatQuantity(i.quantity)} × ${i.productName}`).join(', ')}
            </Typography>
            <Stack direction="row" spacing={0.5} sx={{ mt: 0.5, ml: -1 }}>
              <Button size="small" onClick={() => setEditing(s)}>
                Edit
              </Button>
              {s.status === 'active' && (
                <Button size="small" onClick={() => void setStatus(s, 'paused')}>
                  Pause
                </Button>
              )}
              {s.status === 'paused' && (
                <Button size="small" onClick={() => void setStatus(s, 'active')}>
                  Resume
                </Button>
              )}
              {s.nextDelivery && (
                <Typography variant="caption" color="text.secondary" sx={{ alignSelf: 'center', pl: 1 }}>
                  next {s.nextDelivery}
                </Typography>
              )}
            </Stack>
          </Box>
        ))
      )}
      {editing && (
        <ScheduleDialog
          customerId={customerId}
          schedule={editing === 'new' ? null : editing}
          locations={locations}
          onClose={() => setEditing(null)}
          onSaved={() => {
            void load();
            onChanged();
          }}
        />
      )}
    </SectionCard>
  );
}

export function DeliveriesPage({ customerId, orderId }: { customerId?: string; orderId?: string }) {
  const today = serverToday();
  const companyCountry = useAppStore((s) => s.settings?.companyCountry) ?? 'DE';
  const [customers, setCustomers] = useState<CustomerOption[] | null>(null);
  const [start, setStart] = useState(() => monthStart(today));
  const [calendar, setCalendar] = useState<Calendar | null>(null);
  const [locations, setLocations] = useState<Location[]>([]);
  const [addLocation, setAddLocation] = useState(false);

  useEffect(() => {
    invoke('customers.list', { status: 'active', limit: 10000, sortBy: 'name' })
      .then((p) => setCustomers(p.items.map((c) => ({ id: c.id, label: `${c.name} (${c.number})`, country: c.country }))))
      .catch(() => setCustomers([]));
  }, []);
  const customer = customers?.find((c) => c.id === customerId) ?? null;

  const months = [0, 1, 2].map((i) => monthStart(start, i));
  const loadCalendar = () => {
    if (!customerId) return;
    invoke('orders.calendar', { customerId, from: months[0]!, to: monthEnd(months[2]!) })
      .then(setCalendar)
      .catch((e) => toast.error(e));
  };
  const loadLocations = () => {
    if (!customerId) return;
    invoke('locations.list', { customerId, status: 'active' })
      .then((p) => setLocations(p.items))
      .catch(() => setLocations([]));
  };
  useEffect(() => {
    if (!customerId) return;
    setCalendar(null);
    loadLocations();
    // Bring the customer's upcoming orders up to date (estimates, horizon) before showing them.
    invoke('orders.upcoming', { customerId })
      .catch(() => undefined)
      .finally(loadCalendar);
  }, [customerId]);
  useEffect(loadCalendar, [start]);
  useLiveRefresh(loadCalendar, ['orders.progress'], { delayMs: 500 });

  const entries = useMemo(() => new Map((calendar?.days ?? []).map((d) => [d.date, d.entries])), [calendar]);
  const upcoming = useMemo(() => (calendar?.days ?? []).flatMap((d) => d.entries).filter((e) => e.orderId && e.deliveryDate >= today && e.status !== 'projected').slice(0, 6), [calendar, today]);

  const picker = (
    <Autocomplete<CustomerOption>
      options={customers ?? []}
      value={customer}
      onChange={(_e, v) => v && navigate(['deliveries', v.id])}
      isOptionEqualToValue={(a, b) => a.id === b.id}
      sx={{ width: 340, bgcolor: 'background.paper' }}
      autoHighlight
      renderInput={(params) => <TextField {...params} label="Customer" placeholder="Choose a customer" slotProps={{ ...params.slotProps, inputLabel: { shrink: true } }} />}
      data-testid="deliveries-customer"
    />
  );

  if (!customerId) {
    return (
      <Stack spacing={2} sx={{ flex: 1 }}>
        <Box>{picker}</Box>
        <EmptyState icon={<CalendarIcon />} title="Choose a customer" testId="deliveries-empty">
          The delivery calendar shows a customer's past and upcoming orders and the deliveries its schedules will bring; open a day to change that
          delivery before its cut-off.
        </EmptyState>
      </Stack>
    );
  }

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }} data-testid="deliveries-page">
      <Stack direction="row" spacing={1.5} sx={{ alignItems: 'center', flexWrap: 'wrap' }} useFlexGap>
        {picker}
        <Box sx={{ flex: 1 }} />
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
          {(['upcoming', 'released', 'shipped', 'skipped', 'projected'] as const).map((s) => (
            <Stack key={s} direction="row" spacing={0.5} sx={{ alignItems: 'center' }}>
              <Box sx={{ width: 10, height: 10, borderRadius: 0.5, bgcolor: s === 'projected' ? 'transparent' : ORDER_STATUS[s].color, border: s === 'projected' ? '1px dashed #94a3b8' : undefined }} />
              <Typography variant="caption" color="text.secondary">
                {ORDER_STATUS[s].label}
              </Typography>
            </Stack>
          ))}
        </Stack>
        <Button variant="outlined" size="small" onClick={() => setStart(monthStart(today))}>
          Today
        </Button>
        <IconButton size="small" aria-label="Earlier" onClick={() => setStart(monthStart(start, -1))} data-testid="deliveries-prev">
          <ChevronLeftIcon />
        </IconButton>
        <IconButton size="small" aria-label="Later" onClick={() => setStart(monthStart(start, 1))} data-testid="deliveries-next">
          <ChevronRightIcon />
        </IconButton>
      </Stack>
      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', lg: 'minmax(0, 1fr) 340px' }, gap: 2.5, alignItems: 'start' }}>
        <Box sx={{ display: 'grid', gridTemplateColumns: '1fr', gap: 2 }} data-testid="delivery-calendar">
          {months.map((m) => (
            <MonthGrid key={m} first={m} today={today} entries={entries} onOpen={(e) => navigate(['deliveries', customerId, e.orderId!])} />
          ))}
        </Box>
        <Stack spacing={2.5}>
          <SchedulesCard customerId={customerId} locations={locations} onChanged={() => { loadCalendar(); loadLocations(); }} onNeedLocation={() => setAddLocation(true)} />
          <SectionCard title="Next deliveries" flush testId="next-deliveries">
            {upcoming.length === 0 ? (
              <Typography variant="body2" color="text.secondary" sx={{ px: 3, py: 2 }}>
                Nothing upcoming in these months.
              </Typography>
            ) : (
              upcoming.map((e) => (
                <ButtonBase
                  key={e.orderId}
                  onClick={() => navigate(['deliveries', customerId, e.orderId!])}
                  sx={{ display: 'flex', width: '100%', textAlign: 'left', px: 3, py: 1.25, gap: 1.5, borderBottom: `1px solid ${colors.border}`, '&:hover': { bgcolor: '#f8fafc' } }}
                  data-testid="next-delivery"
                >
                  <Box sx={{ width: 44, textAlign: 'center', flex: 'none' }}>
                    <Typography variant="caption" color="text.secondary" sx={{ display: 'block', lineHeight: 1.2 }}>
                      {new Date(parseDay(e.deliveryDate)).toLocaleString('en', { month: 'short', timeZone: 'UTC' })}
                    </Typography>
                    <Typography sx={{ fontWeight: 700, fontSize: '1.1rem', lineHeight: 1.2 }}>{Number(e.deliveryDate.slice(8))}</Typography>
                  </Box>
                  <Box sx={{ flex: 1, minWidth: 0 }}>
                    <Typography variant="body2" sx={{ fontWeight: 600 }} noWrap>
                      {formatQuantity(e.units)} units · {formatMinorMoney(e.grossMinor, e.currency)}
                    </Typography>
                    <Typography variant="caption" color="text.secondary" noWrap component="div">
                      cut-off {e.releaseDate}
                      {e.hasOverrides ? ' · changed' : ''} · {e.locationName}
                    </Typography>
                  </Box>
                  <OrderStatusChip status={e.status} />
                </ButtonBase>
              ))
            )}
          </SectionCard>
        </Stack>
      </Box>
      {orderId && <OrderDrawer key={orderId} orderId={orderId} onClose={() => navigate(['deliveries', customerId])} onChanged={loadCalendar} />}
      {addLocation && (
        <LocationDialog
          customerId={customerId}
          location={null}
          defaultCountry={customer?.country ?? companyCountry}
          first
          onClose={() => setAddLocation(false)}
          onSaved={() => {
            loadLocations();
            toast.info('Now create the delivery schedule');
          }}
        />
      )}
    </Box>
  );
}
