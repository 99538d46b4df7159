/**
 * The next deliveries of a subscription whose physical items are delivered by recurring orders: the order schedules
 * linked to the subscription (orderSchedules.list) and their coming deliveries from the customer's delivery calendar
 * (orders.calendar). Renders nothing when the subscription has no order schedule.
 */
import Box from '@mui/material/Box';
import Link from '@mui/material/Link';
import Skeleton from '@mui/material/Skeleton';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import { invoke } from '../../api/client';
import { hrefOf } from '../../app/router';
import { serverToday } from '../../app/store';
import { formatQuantity } from '../../components/format';
import { SectionCard } from '../../components/SectionCard';
import { StatusChip } from '../../components/StatusChip';
import { tableSx } from '../invoices/LinesTable';
import { addDays, type CalendarEntry, ORDER_STATUS, weekdayShort } from '../orders/model';

/** Deliveries shown; the calendar looks this many days ahead. */
const SHOWN = 5;
const HORIZON_DAYS = 120;

export function NextDeliveriesCard({ subscriptionId, customerId }: { subscriptionId: string; customerId: string }) {
  /** undefined: loading; null: no order schedule (card hidden). */
  const [entries, setEntries] = useState<CalendarEntry[] | null | undefined>(undefined);
  const [schedules, setSchedules] = useState<string[]>([]);

  useEffect(() => {
    let live = true;
    (async () => {
      const sch = await invoke('orderSchedules.list', { subscriptionId, status: 'all', limit: 500 });
      const ids = new Set(sch.items.filter((x) => x.status !== 'ended').map((x) => x.id));
      if (!live) return;
      if (ids.size === 0) {
        setEntries(null);
        return;
      }
      setSchedules(sch.items.filter((x) => ids.has(x.id)).map((x) => `${x.name || 'Deliveries'}: ${x.description}`));
      const today = serverToday();
      const cal = await invoke('orders.calendar', { customerId, from: today, to: addDays(today, HORIZON_DAYS) });
      if (!live) return;
      setEntries(cal.days.flatMap((d) => d.entries).filter((e) => e.scheduleId !== null && ids.has(e.scheduleId) && e.status !== 'canceled').slice(0, SHOWN));
    })().catch(() => live && setEntries(null));
    return () => {
      live = false;
    };
  }, [subscriptionId, customerId]);

  if (entries === null) return null;
  const calendarHref = hrefOf('deliveries', customerId);
  return (
    <SectionCard
      title="Next deliveries"
      description={schedules.length > 0 ? schedules.join(' · ') : undefined}
      flush
      testId="subscription-deliveries"
      action={
        <Link href={calendarHref} underline="hover" sx={{ fontSize: '0.85rem', whiteSpace: 'nowrap' }} data-testid="subscription-deliveries-calendar">
          Delivery calendar
        </Link>
      }
    >
        {entries === undefined ? (
          <Box sx={{ p: 3 }}>
            <Skeleton variant="rounded" height={60} />
          </Box>
        ) : entries.length === 0 ? (
          <Typography variant="body2" color="text.secondary" sx={{ px: 3, py: 2.5 }}>
            No deliveries in the next {HORIZON_DAYS} days.
          </Typography>
        ) : (
          <Table size="small" sx={tableSx}>
            <TableHead>
              <TableRow>
                <TableCell>Delivery</TableCell>
                <TableCell>Order</TableCell>
                <TableCell>Status</TableCell>
                <TableCell align="right">Units</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {entries.map((e) => (
                <TableRow key={`${e.scheduleId}-${e.deliveryDate}-${e.orderId ?? ''}`} data-testid="subscription-delivery">
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>
                    {weekdayShort(e.deliveryDate)} {e.deliveryDate}
                    {e.moved ? ' (moved)' : ''}
                  </TableCell>
                  <TableCell>
                    {e.orderId ? (
                      <Link href={hrefOf('deliveries', customerId, e.orderId)} underline="hover">
                        {e.number ?? 'Upcoming order'}
                      </Link>
                    ) : (
                      <Typography variant="body2" color="text.secondary">
                        Planned
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell>
                    <StatusChip label={ORDER_STATUS[e.status].label} tone={ORDER_STATUS[e.status].tone} />
                  </TableCell>
                  <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                    {formatQuantity(e.units)}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
    </SectionCard>
  );
}
