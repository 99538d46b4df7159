/**
 * One subscription (#/subscriptions/<id>): state, periods and term; items, scheduled changes and pauses; the current
 * usage and the upcoming invoice; the timeline and its invoices. Change (wizard), pause/resume, cancel/reactivate.
 */
import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import EditIcon from '@mui/icons-material/EditOutlined';
import PauseIcon from '@mui/icons-material/PauseCircleOutlined';
import PlayIcon from '@mui/icons-material/PlayCircleOutlined';
import SwapIcon from '@mui/icons-material/SwapVertOutlined';
import UploadIcon from '@mui/icons-material/UploadFileOutlined';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import { useEffect, useState } from 'react';
import type { OpOutput } from '../../../../shared/api/index';
import { invoke } from '../../api/client';
import { hrefOf, navigate } from '../../app/router';
import { serverToday } from '../../app/store';
import { colors } from '../../app/theme';
import { confirm } from '../../components/confirm';
import { useLiveRefresh } from '../../components/events';
import { SelectInput, SwitchInput, TextInput } from '../../components/fields';
import { type FormApi, useForm } from '../../components/form';
import { FormDialog } from '../../components/FormDialog';
import { formatDateTime, formatMinorMoney, formatPeriod, formatQuantity } from '../../components/format';
import { DetailList, SectionCard, Stat } from '../../components/SectionCard';
import { StatusChip } from '../../components/StatusChip';
import { toast } from '../../components/toasts';
import { useSave } from '../../components/useSave';
import { InvoiceStatusChip } from '../invoices/InvoiceStatusChip';
import { LinesTable, tableSx, TotalsBox } from '../invoices/LinesTable';
import { documentTitle, fromPreviewLine, type InvoicePreview, type InvoiceSummary } from '../invoices/model';
import { ChangeWizard } from './ChangeWizard';
import { CancelDialog, PauseDialog } from './LifecycleDialogs';
import { defaultDiscountReason, discountText, eventText, intervalText, itemName, itemsSummary, PRORATION_INVOICING_OPTIONS, PRORATION_OPTIONS, STATUS_META, type Subscription, type TimelineEntry } from './model';
import { NextDeliveriesCard } from './NextDeliveriesCard';
import { SubscriptionStatusChip } from './StatusChip';
import { UsageImportDialog } from './UsageImportDialog';

type Usage = OpOutput<'subscriptions.currentUsage'>;

function DetailsDialog({ s, onClose, onDone }: { s: Subscription; onClose: () => void; onDone: (s: Subscription) => void }) {
  const form = useForm({
    poNumber: s.poNumber ?? '', buyerReference: s.buyerReference ?? '', notes: s.notes, prorationPolicy: s.prorationPolicy, prorationInvoicing: s.prorationInvoicing,
    autoRenew: s.term?.autoRenew ?? true, renewalUpliftPct: s.term?.renewalUpliftPct ?? '0', noticeDays: String(s.term?.noticeDays ?? 0),
  });
  const save = useSave(form as FormApi<unknown>, 'subscription');
  const v = form.values;
  const submit = () =>
    save.run(/^\d+$/.test(v.noticeDays.trim()) ? {} : { noticeDays: 'must be a whole number of days' }, async () => {
      const n = await invoke('subscriptions.update', {
        id: s.id,
        expectedVersion: s.version,
        patch: {
          poNumber: v.poNumber.trim() || null, buyerReference: v.buyerReference.trim() || null, notes: v.notes, prorationPolicy: v.prorationPolicy, prorationInvoicing: v.prorationInvoicing,
          ...(s.term ? { autoRenew: v.autoRenew, renewalUpliftPct: v.renewalUpliftPct.trim(), noticeDays: Number(v.noticeDays.trim()) } : {}),
        },
      });
      toast.success('Subscription saved');
      onDone(n);
      onClose();
    });
  const grid2 = { display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', columnGap: 2, rowGap: 2 } as const;
  return (
    <FormDialog title="Edit subscription details" form={form as FormApi<unknown>} banner={save.banner} busy={save.busy} onClose={onClose} onSubmit={submit} submitLabel="Save" testId="subscription-details-dialog" maxWidth="md">
      <Box sx={grid2}>
        <TextInput path="poNumber" label="PO number" autoFocus />
        <TextInput path="buyerReference" label="Buyer reference" />
        <SelectInput path="prorationPolicy" label="Proration of changes" options={PRORATION_OPTIONS} />
        <SelectInput path="prorationInvoicing" label="Prorated lines go" options={PRORATION_INVOICING_OPTIONS} />
        {s.term && (
          <>
            <TextInput path="renewalUpliftPct" label="Uplift at renewal (%)" inputMode="decimal" />
            <TextInput path="noticeDays" label="Notice period (days)" inputMode="numeric" />
            <SwitchInput path="autoRenew" label="Renew automatically" />
            <Box />
          </>
        )}
        <Box sx={{ gridColumn: '1 / -1' }}>
          <TextInput path="notes" label="Internal notes" multiline minRows={3} />
        </Box>
      </Box>
    </FormDialog>
  );
}

function ItemsCard({ s, bundleNames, onChanged }: { s: Subscription; bundleNames: Record<string, string>; onChanged: (s: Subscription) => void }) {
  const withdraw = async (changeId: string) => {
    if (!(await confirm({ title: 'Withdraw this scheduled change?', message: 'The subscription stays as it is; nothing is billed for the change.', confirmLabel: 'Withdraw', danger: true }))) return;
    try {
      onChanged(await invoke('subscriptions.cancelScheduledChange', { subscriptionId: s.id, changeId }));
      toast.success('Scheduled change withdrawn');
    } catch (e) {
      toast.error(e);
    }
  };
  const changedName = (id: string) => {
    const i = s.items.find((x) => x.id === id);
    return i ? itemName(i, bundleNames) : 'Item';
  };
  return (
    <SectionCard title="Items" flush testId="subscription-items">
      <Table size="small" sx={tableSx}>
        <TableHead>
          <TableRow>
            <TableCell>Plan</TableCell>
            <TableCell>Kind</TableCell>
            <TableCell align="right">Quantity</TableCell>
            <TableCell>Discount</TableCell>
            <TableCell>Billed</TableCell>
            <TableCell>From – to</TableCell>
            <TableCell>State</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {s.items.map((i) => (
            <TableRow key={i.id} sx={{ opacity: i.active ? 1 : 0.6 }}>
              <TableCell>
                <Typography variant="body2" sx={{ fontWeight: 600 }}>
                  {itemName(i, bundleNames)}
                </Typography>
                <Typography variant="caption" color="text.secondary">
                  {i.bundleId ? 'Bundle' : `${i.productSku} · ${i.planCode}`}
                </Typography>
                {i.parts && i.parts.length > 0 && (
                  <Typography variant="caption" component="div" sx={{ color: '#4b5563' }} data-testid="subscription-item-parts">
                    Parts: {i.parts.map((p) => `${p.planName}${p.quantity !== '1' ? ` × ${formatQuantity(p.quantity)}` : ''}${p.addOn ? ' (add-on)' : ''}`).join(', ')}
                  </Typography>
                )}
              </TableCell>
              <TableCell>{i.kind === 'usage' ? `Metered (${i.metric})` : `${i.role === 'base' ? 'Base' : 'Add-on'}${i.bundleId ? ' · bundle' : ''}`}</TableCell>
              <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                {i.kind === 'usage' ? '—' : formatQuantity(i.quantity)}
              </TableCell>
              <TableCell data-testid="subscription-item-discount">
                {i.discount ? (
                  <>
                    <Typography variant="body2" sx={{ fontVariantNumeric: 'tabular-nums' }}>{discountText(i.discount)}</Typography>
                    {i.discount.reason !== defaultDiscountReason(i.discount.amount ? 'amount' : 'percent', i.discount.amount ?? i.discount.percent ?? '') && (
                      <Typography variant="caption" color="text.secondary">
                        {i.discount.reason}
                      </Typography>
                    )}
                  </>
                ) : (
                  '—'
                )}
              </TableCell>
              <TableCell>{i.kind === 'usage' || i.timing === 'arrears' ? 'In arrears' : 'In advance'}</TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>{i.endDate ? formatPeriod(i.startDate ?? s.startDate, i.endDate) : `from ${i.startDate ?? s.startDate}`}</TableCell>
              <TableCell>{i.active ? <StatusChip label="Current" tone="green" /> : i.endDate && i.endDate <= serverToday() ? <StatusChip label="Ended" tone="grey" /> : <StatusChip label="Scheduled" tone="blue" />}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {(s.scheduledChanges.length > 0 || s.pauses.length > 0) && (
        <Stack spacing={1} sx={{ px: 3, py: 2, borderTop: `1px solid ${colors.border}` }}>
          {s.scheduledChanges.map((c) => (
            <Alert
              key={c.id}
              severity="info"
              icon={<SwapIcon fontSize="small" />}
              data-testid="scheduled-change"
              action={
                <Button color="inherit" size="small" onClick={() => void withdraw(c.id)}>
                  Withdraw
                </Button>
              }
            >
              From <strong>{c.effectiveDate}</strong>: {changedName(c.itemId)}
              {c.planCode ? ` → plan ${c.planCode}` : ''}
              {c.quantity ? ` · quantity ${formatQuantity(c.quantity)}` : ''}
              {c.discountAmount !== null || c.discountPercent !== null
                ? c.discountPercent === '0'
                  ? ' · discount ends'
                  : ` · discount ${discountText({ percent: c.discountPercent, amount: c.discountAmount })}${c.discountReason ? ` (${c.discountReason})` : ''}`
                : ''}
            </Alert>
          ))}
          {s.pauses.map((p) => (
            <Alert key={p.id} severity="warning" icon={<PauseIcon fontSize="small" />}>
              Paused {p.until ? formatPeriod(p.from, p.until) : `from ${p.from} until resumed`}
            </Alert>
          ))}
        </Stack>
      )}
    </SectionCard>
  );
}

function UpcomingCard({ preview }: { preview: InvoicePreview | null | undefined }) {
  return (
    <SectionCard
      title="Upcoming invoice"
      description={preview ? `Generated by the billing run on ${preview.date}${preview.kind === 'credit_note' ? ' (a credit note: the total is negative)' : ''}` : undefined}
      flush
      testId="subscription-upcoming"
    >
      {preview === undefined ? (
        <Box sx={{ p: 3 }}>
          <Skeleton variant="rounded" height={80} />
        </Box>
      ) : preview === null ? (
        <Typography variant="body2" color="text.secondary" sx={{ px: 3, py: 2.5 }}>
          Nothing more to bill.
        </Typography>
      ) : (
        <>
          <LinesTable lines={preview.lines.map(fromPreviewLine)} currency={preview.currency} />
          <Box sx={{ px: 3, py: 2, borderTop: `1px solid ${colors.border}` }}>
            <TotalsBox testId="upcoming-totals" currency={preview.currency} netMinor={preview.netMinor} taxMinor={preview.taxMinor} grossMinor={preview.grossMinor} taxBreakdown={preview.taxBreakdown} />
          </Box>
        </>
      )}
    </SectionCard>
  );
}

function UsageCard({ usage, onImport }: { usage: Usage; onImport?: () => void }) {
  return (
    <SectionCard
      title="Usage this period"
      description={`As of ${formatDateTime(usage.asOf)}`}
      flush
      testId="subscription-usage"
      action={
        onImport && (
          <Button size="small" startIcon={<UploadIcon />} onClick={onImport} data-testid="usage-import">
            Import usage (CSV)…
          </Button>
        )
      }
    >
      <Table size="small" sx={tableSx}>
        <TableHead>
          <TableRow>
            <TableCell>Metric</TableCell>
            <TableCell>Period</TableCell>
            <TableCell align="right">Records</TableCell>
            <TableCell align="right">Quantity</TableCell>
            <TableCell align="right">Amount so far</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {usage.items.map((u) => (
            <TableRow key={u.itemId}>
              <TableCell>
                <code>{u.metric}</code> <Typography component="span" variant="caption" color="text.secondary">({u.aggregation.replace('_', ' ')})</Typography>
              </TableCell>
              <TableCell>{formatPeriod(u.periodStart, u.periodEnd)}</TableCell>
              <TableCell align="right">{u.records}</TableCell>
              <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{formatQuantity(u.quantity)}</TableCell>
              <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums', fontWeight: 600 }}>{formatMinorMoney(u.amountMinor, u.currency)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </SectionCard>
  );
}

function Timeline({ entries }: { entries: TimelineEntry[] | null }) {
  const summary = (d: Record<string, unknown>): string =>
    Object.entries(d)
      .filter(([k, v]) => !/id$|Id$|items$/.test(k) && v !== null && v !== undefined && v !== '' && (typeof v !== 'object' || Array.isArray(v)))
      .slice(0, 4)
      .map(([k, v]) => `${k.replace(/([A-Z])/g, ' $1').toLowerCase()}: ${Array.isArray(v) ? v.length : String(v)}`)
      .join(' · ');
  return (
    <SectionCard title="Timeline" testId="subscription-timeline">
      {!entries ? (
        <Skeleton variant="rounded" height={60} />
      ) : (
        <Box component="ol" sx={{ listStyle: 'none', m: 0, p: 0 }}>
          {[...entries].reverse().map((e, idx, all) => (
            <Box component="li" key={e.id} sx={{ display: 'grid', gridTemplateColumns: '14px minmax(0, 1fr)', columnGap: 1.5, pb: idx === all.length - 1 ? 0 : 1.75, position: 'relative' }}>
              <Box sx={{ position: 'relative' }}>
                <Box sx={{ width: 10, height: 10, borderRadius: '50%', bgcolor: idx === 0 ? 'primary.main' : '#cbd5e1', mt: 0.6, ml: '2px' }} />
                {idx < all.length - 1 && <Box sx={{ position: 'absolute', left: 6, top: 18, bottom: -6, width: 2, bgcolor: '#e5e7eb' }} />}
              </Box>
              <Box sx={{ minWidth: 0 }}>
                <Stack direction="row" spacing={1} sx={{ alignItems: 'baseline', flexWrap: 'wrap' }}>
                  <Typography variant="body2" sx={{ fontWeight: 600 }}>
                    {eventText(e.event)}
                  </Typography>
                  {e.toStatus && e.fromStatus !== e.toStatus && (
                    <Typography variant="caption" color="text.secondary">
                      {e.fromStatus ? `${STATUS_META[e.fromStatus].label} → ` : ''}
                      {STATUS_META[e.toStatus].label}
                    </Typography>
                  )}
                </Stack>
                <Typography variant="caption" color="text.secondary" component="div">
                  effective {e.effectiveDate} · recorded {formatDateTime(e.at)}
                </Typography>
                {summary(e.details) && (
                  <Typography variant="caption" component="div" sx={{ color: '#4b5563', overflowWrap: 'anywhere' }}>
                    {summary(e.details)}
                  </Typography>
                )}
              </Box>
            </Box>
          ))}
        </Box>
      )}
    </SectionCard>
  );
}

export function SubscriptionInvoices({ rows, testId }: { rows: InvoiceSummary[] | null; testId?: string }) {
  if (!rows) return <Skeleton variant="rounded" height={60} sx={{ m: 2 }} />;
  if (rows.length === 0)
    return (
      <Typography variant="body2" color="text.secondary" sx={{ px: 3, py: 2 }}>
        No invoices yet.
      </Typography>
    );
  return (
    <Table size="small" sx={{ ...tableSx, '& td': { py: 1 }, '& td:first-of-type': { pl: 3 }, '& td:last-of-type': { pr: 3 } }} data-testid={testId}>
      <TableBody>
        {rows.map((r) => (
          <TableRow key={r.id} hover sx={{ cursor: 'pointer' }} onClick={() => navigate(['invoices', r.id])}>
            <TableCell>
              <Typography variant="body2" sx={{ fontWeight: 600 }}>
                {documentTitle(r)}
              </Typography>
              <Typography variant="caption" color="text.secondary">
                {r.issueDate ?? r.billingDate}
                {r.serviceStart ? ` · ${formatPeriod(r.serviceStart, r.serviceEnd)}` : ''}
              </Typography>
            </TableCell>
            <TableCell align="right">
              <Typography variant="body2" sx={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap', mb: 0.25 }}>
                {r.kind === 'credit_note' ? '−' : ''}
                {formatMinorMoney(r.grossMinor, r.currency)}
              </Typography>
              <InvoiceStatusChip status={r.status} overdue={r.overdue} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function SubscriptionPage({ id }: { id: string }) {
  const [s, setS] = useState<Subscription | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [timeline, setTimeline] = useState<TimelineEntry[] | null>(null);
  const [upcoming, setUpcoming] = useState<InvoicePreview | null | undefined>(undefined);
  const [usage, setUsage] = useState<Usage | null>(null);
  const [invoices, setInvoices] = useState<InvoiceSummary[] | null>(null);
  const [dialog, setDialog] = useState<'change' | 'pause' | 'cancel' | 'details' | 'usage' | null>(null);
  const [busy, setBusy] = useState(false);
  const [bundleNames, setBundleNames] = useState<Record<string, string>>({});

  const bundleKey = [...new Set((s?.items ?? []).map((i) => i.bundleId).filter((x): x is string => !!x))].sort().join(',');
  useEffect(() => {
    if (!bundleKey) return;
    Promise.all(bundleKey.split(',').map((bid) => invoke('bundles.get', { id: bid })))
      .then((bs) => setBundleNames(Object.fromEntries(bs.map((b) => [b.id, b.name]))))
      .catch(() => undefined);
  }, [bundleKey]);

  const loadAll = () => {
    invoke('subscriptions.get', { id })
      .then((x) => {
        setS(x);
        setError(null);
      })
      .catch((e) => setError((e as Error).message));
    invoke('subscriptions.timeline', { id }).then(setTimeline).catch(() => setTimeline([]));
    invoke('subscriptions.upcomingInvoice', { id }).then(setUpcoming).catch(() => setUpcoming(null));
    invoke('subscriptions.currentUsage', { id }).then(setUsage).catch(() => setUsage(null));
    invoke('invoices.list', { subscriptionId: id, limit: 200, sortBy: 'createdAt', sortDir: 'desc' })
      .then((p) => setInvoices(p.items))
      .catch(() => setInvoices([]));
  };
  useEffect(loadAll, [id]);
  useLiveRefresh(loadAll, ['billing.finished'], { delayMs: 300 });
  const changed = (n: Subscription) => {
    setS(n);
    loadAll();
  };

  const resume = async () => {
    if (!s) return;
    if (!(await confirm({ title: 'Resume billing?', message: `Billing resumes today (${serverToday()}); the paused days stay unbilled.`, confirmLabel: 'Resume' }))) return;
    setBusy(true);
    try {
      changed(await invoke('subscriptions.resume', { id: s.id }));
      toast.success('Billing resumed');
    } catch (e) {
      toast.error(e);
    } finally {
      setBusy(false);
    }
  };
  const reactivate = async () => {
    if (!s) return;
    const scheduled = s.status !== 'canceled' && s.status !== 'expired';
    const ok = await confirm({
      title: scheduled ? 'Keep the subscription?' : 'Reactivate the subscription?',
      message: scheduled ? `The cancellation on ${s.cancelAt} is withdrawn; billing goes on as before.` : 'It restarts from today with its current items and is billed by the next run.',
      confirmLabel: scheduled ? 'Withdraw cancellation' : 'Reactivate',
    });
    if (!ok) return;
    setBusy(true);
    try {
      changed(await invoke('subscriptions.reactivate', { id: s.id }));
      toast.success(scheduled ? 'Cancellation withdrawn' : 'Subscription reactivated');
    } catch (e) {
      toast.error(e);
    } finally {
      setBusy(false);
    }
  };

  if (error && !s) {
    return (
      <Alert severity="error" action={<Button color="inherit" size="small" onClick={() => navigate(['subscriptions'])}>Back to subscriptions</Button>}>
        {error}
      </Alert>
    );
  }
  if (!s) {
    return (
      <Stack spacing={2}>
        <Skeleton variant="rounded" height={150} />
        <Skeleton variant="rounded" height={320} />
      </Stack>
    );
  }

  const ended = s.status === 'canceled' || s.status === 'expired';
  const metered = s.items.some((i) => i.kind === 'usage');
  const pausedNow = s.status === 'paused' || s.pauses.some((p) => p.from <= serverToday() && (!p.until || p.until > serverToday()));
  const actions: ReactNode = (
    <Stack direction="row" spacing={1} sx={{ flex: 'none' }}>
      {!ended && (
        <Button variant="contained" startIcon={<SwapIcon />} onClick={() => setDialog('change')} disabled={busy} data-testid="subscription-change">
          Change…
        </Button>
      )}
      {!ended &&
        (pausedNow ? (
          <Button variant="outlined" startIcon={<PlayIcon />} onClick={() => void resume()} disabled={busy} data-testid="subscription-resume">
            Resume
          </Button>
        ) : (
          <Button variant="outlined" startIcon={<PauseIcon />} onClick={() => setDialog('pause')} disabled={busy} data-testid="subscription-pause">
            Pause…
          </Button>
        ))}
      {ended || s.cancelAt ? (
        <Button variant="outlined" onClick={() => void reactivate()} disabled={busy} data-testid="subscription-reactivate">
          {ended ? 'Reactivate' : 'Withdraw cancellation'}
        </Button>
      ) : (
        <Button variant="outlined" color="error" onClick={() => setDialog('cancel')} disabled={busy} data-testid="subscription-cancel">
          Cancel…
        </Button>
      )}
      <Button startIcon={<EditIcon />} onClick={() => setDialog('details')} data-testid="subscription-edit">
        Edit
      </Button>
    </Stack>
  );

  return (
    <Box sx={{ maxWidth: 1320, width: '100%' }} data-testid="subscription-page">
      <Link href={hrefOf('subscriptions')} underline="hover" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5, mb: 1.5, fontSize: '0.85rem' }}>
        <ArrowBackIcon sx={{ fontSize: 16 }} /> Subscriptions
      </Link>
      <Paper variant="outlined" sx={{ borderRadius: 2, mb: 2.5 }}>
        <Stack direction="row" spacing={2} sx={{ px: 3, pt: 2.25, pb: 2, alignItems: 'flex-start', borderBottom: `1px solid ${colors.border}` }}>
          <Box sx={{ flex: 1, minWidth: 0 }}>
            <Stack direction="row" spacing={1.25} sx={{ alignItems: 'center' }}>
              <Typography variant="h5" component="h2" noWrap data-testid="subscription-title">
                {itemsSummary(s, bundleNames)}
              </Typography>
              <SubscriptionStatusChip status={s.status} testId="subscription-status" />
              {s.cancelAt && !ended && <StatusChip label={`Ends ${s.cancelAt}`} tone="amber" />}
            </Stack>
            <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
              <Link href={hrefOf('customers', s.customerId)} underline="hover" data-testid="subscription-customer">
                {s.customerName}
              </Link>{' '}
              · {s.customerNumber} · {s.currency} · {intervalText(s.intervalMonths)}
              {(() => {
                // a switch still to come: the last one, when it differs from the interval in force
                const next = s.intervalChanges[s.intervalChanges.length - 1];
                return next && next.intervalMonths !== s.intervalMonths ? ` (${intervalText(next.intervalMonths).toLowerCase()} from ${next.from})` : '';
              })()}
              , billing day {s.billingAnchorDay}
            </Typography>
          </Box>
          {actions}
        </Stack>
        <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 0.9fr) minmax(0, 1.5fr) minmax(0, 0.9fr) minmax(0, 1.1fr) minmax(0, 1fr)', '& > *': { px: 3, py: 1.75 }, '& > * + *': { borderLeft: `1px solid ${colors.border}` } }}>
          <Stat label="Started" testId="subscription-start">{s.startDate}</Stat>
          <Stat label="Current period" testId="subscription-period">{s.currentPeriod ? formatPeriod(s.currentPeriod.start, s.currentPeriod.end) : '—'}</Stat>
          <Stat label="Next billing" testId="subscription-next-billing">{s.nextBillingDate ?? '—'}</Stat>
          <Stat label={s.trialEnd && s.status === 'trial' ? 'Trial ends' : 'Renewal'} sub={s.term ? `${s.term.months}-month term${s.term.autoRenew ? ', renews automatically' : ', no renewal'}` : 'Month to month'}>
            {s.trialEnd && s.status === 'trial' ? s.trialEnd : s.term ? s.term.currentEnd : '—'}
          </Stat>
          <Stat label="Next invoice" testId="subscription-next-amount" sub={upcoming ? `on ${upcoming.date}` : undefined}>
            {upcoming ? formatMinorMoney(upcoming.grossMinor, upcoming.currency) : upcoming === null ? '—' : '…'}
          </Stat>
        </Box>
      </Paper>

      {s.billingError && (
        <Alert severity="error" sx={{ mb: 2 }}>
          The last billing of this subscription failed: {s.billingError}
        </Alert>
      )}

      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', lg: 'minmax(0, 2fr) minmax(320px, 1fr)' }, gap: 2.5, alignItems: 'start' }}>
        <Stack spacing={2.5} sx={{ minWidth: 0 }}>
          <ItemsCard s={s} bundleNames={bundleNames} onChanged={changed} />
          {usage && usage.items.length > 0 && <UsageCard usage={usage} onImport={metered ? () => setDialog('usage') : undefined} />}
          {metered && usage && usage.items.length === 0 && (
            <Box>
              <Button size="small" startIcon={<UploadIcon />} onClick={() => setDialog('usage')} data-testid="usage-import">
                Import usage (CSV)…
              </Button>
            </Box>
          )}
          <NextDeliveriesCard subscriptionId={s.id} customerId={s.customerId} />
          <UpcomingCard preview={upcoming} />
        </Stack>
        <Stack spacing={2.5} sx={{ minWidth: 0 }}>
          <SectionCard title="Details">
            <DetailList
              labelWidth={130}
              items={[
                ['PO number', s.poNumber ?? '—'],
                ['Buyer reference', s.buyerReference ?? '—'],
                ['Proration', `${PRORATION_OPTIONS.find((o) => o.value === s.prorationPolicy)?.label ?? s.prorationPolicy}; ${s.prorationInvoicing === 'immediately' ? 'invoiced at once' : 'on the next invoice'}`],
                ['Term', s.term ? `${s.term.months} months, until ${s.term.currentEnd}` : 'Open-ended'],
                ...(s.term ? ([['Uplift at renewal', `${s.term.renewalUpliftPct}%`], ['Notice period', `${s.term.noticeDays} days`]] as [string, ReactNode][]) : []),
                ...(s.trialEnd ? ([['Trial', `until ${s.trialEnd}, then ${s.trialEndAction === 'convert' ? 'charged' : 'ended'}`]] as [string, ReactNode][]) : []),
                ...(s.cancelAt ? ([['Ends', `${s.cancelAt}${s.cancelReason ? ` — ${s.cancelReason}` : ''}`]] as [string, ReactNode][]) : []),
                ['Created', formatDateTime(s.createdAt)],
                ...(s.notes ? ([['Notes', s.notes]] as [string, ReactNode][]) : []),
              ]}
            />
          </SectionCard>
          <SectionCard title="Invoices" flush testId="subscription-invoices">
            <SubscriptionInvoices rows={invoices} />
          </SectionCard>
          <Timeline entries={timeline} />
        </Stack>
      </Box>

      {dialog === 'change' && <ChangeWizard subscription={s} onClose={() => setDialog(null)} onApplied={changed} />}
      {dialog === 'pause' && <PauseDialog subscription={s} onClose={() => setDialog(null)} onDone={changed} />}
      {dialog === 'cancel' && <CancelDialog subscription={s} onClose={() => setDialog(null)} onDone={changed} />}
      {dialog === 'details' && <DetailsDialog s={s} onClose={() => setDialog(null)} onDone={changed} />}
      {dialog === 'usage' && <UsageImportDialog subscription={s} onClose={() => setDialog(null)} onImported={loadAll} />}
    </Box>
  );
}
