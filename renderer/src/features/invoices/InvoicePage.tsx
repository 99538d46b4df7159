/**
 * One invoice or credit note (#/invoices/<id>): number, status, parties, lines with service periods, tax breakdown
 * and totals, payments and credit notes; finalize, record a payment, credit, write off or void it; PDF and UBL.
 */
import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import CodeIcon from '@mui/icons-material/CodeOutlined';
import MoreIcon from '@mui/icons-material/MoreHoriz';
import PaymentsIcon from '@mui/icons-material/PaymentsOutlined';
import PdfIcon from '@mui/icons-material/PictureAsPdfOutlined';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import IconButton from '@mui/material/IconButton';
import Link from '@mui/material/Link';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import { useEffect, useState } from 'react';
import { minorUnits } from '../../../../shared/domain/money';
import { invoke } from '../../api/client';
import { hrefOf, navigate } from '../../app/router';
import { serverNow } from '../../app/store';
import { colors } from '../../app/theme';
import { confirm, confirmWithReason } from '../../components/confirm';
import { saveFile } from '../../components/download';
import { useLiveRefresh } from '../../components/events';
import { formatDate, formatDateTime, formatMinorMoney, formatPeriod } from '../../components/format';
import { countryName } from '../../components/reference';
import { DetailList, SectionCard, Stat } from '../../components/SectionCard';
import { StatusChip } from '../../components/StatusChip';
import { toast } from '../../components/toasts';
import { InvoiceStatusChip } from './InvoiceStatusChip';
import { CreditNoteDialog, PAYMENT_METHODS, PaymentDialog, VoidDialog } from './InvoiceActions';
import { LinesTable, tableSx, TotalsBox } from './LinesTable';
import { documentTitle, fromInvoiceLine, type Invoice, kindLabel } from './model';

type Party = NonNullable<Invoice['customerSnapshot']>;

function PartyBlock({ title, party, fallback }: { title: string; party: Party | null; fallback?: ReactNode }) {
  const a = party?.address ?? null;
  return (
    <Box sx={{ minWidth: 0 }}>
      <Typography variant="overline" color="text.secondary" component="div">
        {title}
      </Typography>
      {party ? (
        <Typography variant="body2" component="div" sx={{ lineHeight: 1.6 }}>
          <strong>{party.name}</strong>
          {party.number && <Box component="span" sx={{ color: 'text.secondary' }}> · {party.number}</Box>}
          {a && (
            <>
              {[a.line1, a.line2].filter(Boolean).map((l) => (
                <div key={l}>{l}</div>
              ))}
              <div>{[a.postalCode, a.city].filter(Boolean).join(' ')}</div>
            </>
          )}
          <div>{countryName(party.country)}</div>
          {party.vatId && <div>VAT ID {party.vatId}</div>}
          {party.email && <Box sx={{ color: 'text.secondary' }}>{party.email}</Box>}
        </Typography>
      ) : (
        <Typography variant="body2" color="text.secondary">
          {fallback}
        </Typography>
      )}
    </Box>
  );
}

function PdfUblButtons({ invoice }: { invoice: Invoice }) {
  const [busy, setBusy] = useState<string | null>(null);
  const get = async (kind: 'pdf' | 'ubl') => {
    setBusy(kind);
    try {
      const f = kind === 'pdf' ? await invoke('invoices.pdf', { id: invoice.id, locale: 'en' }) : await invoke('invoices.ubl', { id: invoice.id });
      saveFile(f);
      toast.success(`${f.name} downloaded`);
    } catch (e) {
      toast.error(e);
    } finally {
      setBusy(null);
    }
  };
  const disabled = invoice.status === 'draft';
  // EN 16931 amounts have at most two decimals (KWD, BHD … have three)
  const noEInvoice = minorUnits(invoice.currency) > 2;
  const tip = disabled ? 'Available once the invoice is finalized' : '';
  return (
    <>
      <Tooltip title={tip || 'Download the PDF'}>
        <span>
          <Button variant="outlined" startIcon={busy === 'pdf' ? <CircularProgress size={14} /> : <PdfIcon />} disabled={disabled || !!busy} onClick={() => void get('pdf')} data-testid="invoice-pdf">
            PDF
          </Button>
        </span>
      </Tooltip>
      <Tooltip title={tip || (noEInvoice ? `EN 16931 e-invoices allow two decimals; ${invoice.currency} amounts have ${minorUnits(invoice.currency)}: use the PDF` : 'Download the EN 16931 UBL e-invoice (XML)')}>
        <span>
          <Button variant="outlined" startIcon={busy === 'ubl' ? <CircularProgress size={14} /> : <CodeIcon />} disabled={disabled || noEInvoice || !!busy} onClick={() => void get('ubl')} data-testid="invoice-ubl">
            UBL
          </Button>
        </span>
      </Tooltip>
    </>
  );
}

async function downloadReminder(reminderId: string): Promise<void> {
  try {
    const f = await invoke('invoices.reminderPdf', { reminderId });
    saveFile(f);
    toast.success(`${f.name} downloaded`);
  } catch (e) {
    toast.error(e);
  }
}

export function InvoicePage({ id }: { id: string }) {
  const [invoice, setInvoice] = useState<Invoice | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'payment' | 'credit' | 'void' | null>(null);
  const [menu, setMenu] = useState<HTMLElement | null>(null);
  const [busy, setBusy] = useState(false);

  const load = () =>
    invoke('invoices.get', { id })
      .then((i) => {
        setInvoice(i);
        setError(null);
      })
      .catch((e) => setError((e as Error).message));
  useEffect(() => {
    void load();
  }, [id]);
  useLiveRefresh(() => void load(), ['billing.finished'], { delayMs: 300 });

  const act = async (fn: () => Promise<Invoice>, done: (i: Invoice) => string) => {
    setBusy(true);
    try {
      const i = await fn();
      setInvoice(i);
      toast.success(done(i));
    } catch (e) {
      toast.error(e);
    } finally {
      setBusy(false);
    }
  };

  const finalize = async () => {
    if (!invoice) return;
    const ok = await confirm({
      title: 'Finalize this draft?',
      message: 'It gets the next number of its series, the customer and seller details are frozen on it, and it can no longer be edited — only credited or voided.',
      confirmLabel: 'Finalize',
    });
    if (ok) await act(() => invoke('invoices.finalize', { id: invoice.id }), (i) => `${kindLabel(i.kind)} ${i.number} finalized`);
  };
  const uncollectible = async () => {
    setMenu(null);
    if (!invoice) return;
    const reason = await confirmWithReason({
      title: `Write off ${documentTitle(invoice)}?`,
      message: `The amount due (${formatMinorMoney(invoice.amountDueMinor, invoice.currency)}) is written off as uncollectible.`,
      confirmLabel: 'Write off',
      danger: true,
      reasonLabel: 'Reason (optional)',
    });
    if (reason !== null) await act(() => invoke('invoices.markUncollectible', { id: invoice.id, reason: reason || undefined }), (i) => `${documentTitle(i)} written off`);
  };

  if (error && !invoice) {
    return (
      <Alert severity="error" action={<Button color="inherit" size="small" onClick={() => navigate(['invoices'])}>Back to invoices</Button>}>
        {error}
      </Alert>
    );
  }
  if (!invoice) {
    return (
      <Stack spacing={2}>
        <Skeleton variant="rounded" height={150} />
        <Skeleton variant="rounded" height={320} />
      </Stack>
    );
  }

  const i = invoice;
  const open = i.status === 'finalized' || i.status === 'partially_paid';
  const canCredit = i.kind === 'invoice' && (open || i.status === 'paid');
  const isDraft = i.status === 'draft';
  return (
    <Box sx={{ maxWidth: 1280, width: '100%' }} data-testid="invoice-page">
      <Link href={hrefOf('invoices')} underline="hover" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5, mb: 1.5, fontSize: '0.85rem' }}>
        <ArrowBackIcon sx={{ fontSize: 16 }} /> Invoices
      </Link>
      <Paper variant="outlined" sx={{ borderRadius: 2, mb: 2.5 }}>
        <Stack direction="row" spacing={2} sx={{ px: 3, pt: 2.25, pb: 2, alignItems: 'flex-start', borderBottom: `1px solid ${colors.border}` }}>
          <Box sx={{ flex: 1, minWidth: 0 }}>
            <Stack direction="row" spacing={1.25} sx={{ alignItems: 'center' }}>
              <Typography variant="h5" component="h2" data-testid="invoice-number">
                {documentTitle(i)}
              </Typography>
              {i.kind === 'credit_note' && <StatusChip label="Credit note" tone="violet" />}
              <InvoiceStatusChip status={i.status} overdue={i.overdue} testId="invoice-status" />
            </Stack>
            <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
              <Link href={hrefOf('customers', i.customerId)} underline="hover">
                {i.customerName}
              </Link>{' '}
              · {i.customerNumber} · {i.currency}
              {isDraft && i.finalizeAfter && (
                <>
                  {' · '}
                  {Date.parse(i.finalizeAfter) <= serverNow().getTime()
                    ? 'grace period over: finalized by the next billing run'
                    : `finalized automatically after ${formatDateTime(i.finalizeAfter)}`}
                </>
              )}
            </Typography>
          </Box>
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flex: 'none' }}>
            <PdfUblButtons invoice={i} />
            {isDraft && (
              <Button variant="contained" onClick={() => void finalize()} disabled={busy} data-testid="invoice-finalize">
                Finalize
              </Button>
            )}
            {open && i.kind === 'invoice' && (
              <Button variant="contained" startIcon={<PaymentsIcon />} onClick={() => setDialog('payment')} disabled={busy} data-testid="invoice-record-payment">
                Record payment
              </Button>
            )}
            {(canCredit || open || i.status === 'draft') && (
              <>
                <IconButton aria-label="More actions" onClick={(e) => setMenu(e.currentTarget)} data-testid="invoice-more" sx={{ border: `1px solid ${colors.border}`, borderRadius: 1.5 }}>
                  <MoreIcon fontSize="small" />
                </IconButton>
                <Menu anchorEl={menu} open={!!menu} onClose={() => setMenu(null)} anchorOrigin={{ vertical: 'bottom', horizontal: 'right' }} transformOrigin={{ vertical: 'top', horizontal: 'right' }}>
                  {canCredit && (
                    <MenuItem onClick={() => { setMenu(null); setDialog('credit'); }} data-testid="invoice-credit-note">
                      Create credit note…
                    </MenuItem>
                  )}
                  {open && i.kind === 'invoice' && (
                    <MenuItem onClick={() => void uncollectible()} data-testid="invoice-uncollectible">
                      Write off as uncollectible…
                    </MenuItem>
                  )}
                  {(open || isDraft) && (
                    <MenuItem onClick={() => { setMenu(null); setDialog('void'); }} sx={{ color: 'error.main' }} data-testid="invoice-void">
                      Void…
                    </MenuItem>
                  )}
                </Menu>
              </>
            )}
          </Stack>
        </Stack>
        <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 0.9fr) minmax(0, 0.9fr) minmax(0, 1.5fr) minmax(0, 1fr) minmax(0, 1fr)', '& > *': { px: 3, py: 1.75 }, '& > * + *': { borderLeft: `1px solid ${colors.border}` } }}>
          <Stat label={isDraft ? 'Billing date' : 'Issue date'} testId="invoice-issue-date">{i.issueDate ?? i.billingDate}</Stat>
          <Stat label="Due date" testId="invoice-due-date">{i.dueDate ?? '—'}</Stat>
          <Stat label="Service period">{formatPeriod(i.serviceStart, i.serviceEnd)}</Stat>
          <Stat label="Total" testId="invoice-total">{formatMinorMoney(i.grossMinor, i.currency)}</Stat>
          <Stat label="Amount due" testId="invoice-amount-due">
            <Box component="span" sx={{ color: i.overdue ? '#991b1b' : undefined }}>{formatMinorMoney(i.amountDueMinor, i.currency)}</Box>
          </Stat>
        </Box>
      </Paper>

      {i.status === 'void' && (
        <Alert severity="warning" sx={{ mb: 2 }}>
          Voided {i.voidedAt ? formatDateTime(i.voidedAt) : ''}: {i.voidReason}
        </Alert>
      )}

      <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', lg: 'minmax(0, 2.2fr) minmax(300px, 1fr)' }, gap: 2.5, alignItems: 'start' }}>
        <Stack spacing={2.5} sx={{ minWidth: 0 }}>
          <SectionCard title="Lines" flush testId="invoice-lines">
            <LinesTable lines={i.lines.map(fromInvoiceLine)} currency={i.currency} showTax={!isDraft} />
            <Box sx={{ px: 3, py: 2, borderTop: `1px solid ${colors.border}` }}>
              <TotalsBox
                testId="invoice-totals"
                currency={i.currency}
                netMinor={i.netMinor}
                taxMinor={i.taxMinor}
                grossMinor={i.grossMinor}
                taxBreakdown={i.taxBreakdown}
                extra={
                  i.kind === 'invoice' && !isDraft
                    ? [
                        ...(i.paidMinor ? [{ label: 'Paid', minor: -i.paidMinor }] : []),
                        ...(i.creditedMinor ? [{ label: 'Credited', minor: -i.creditedMinor }] : []),
                        { label: 'Amount due', minor: i.amountDueMinor, strong: true, testId: 'invoice-totals-due' },
                      ]
                    : undefined
                }
              />
            </Box>
            {i.notes.length > 0 && (
              <Box sx={{ px: 3, pb: 2 }}>
                {i.notes.map((n) => (
                  <Typography key={n} variant="body2" color="text.secondary" sx={{ fontStyle: 'italic' }}>
                    {n}
                  </Typography>
                ))}
              </Box>
            )}
          </SectionCard>

          {i.payments.length > 0 && (
            <SectionCard title="Payments" flush testId="invoice-payments">
              <Table size="small" sx={tableSx}>
                <TableHead>
                  <TableRow>
                    <TableCell>Received</TableCell>
                    <TableCell>Method</TableCell>
                    <TableCell>Reference</TableCell>
                    <TableCell align="right">Amount</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {i.payments.map((p) => (
                    <TableRow key={p.id}>
                      <TableCell>{p.paidOn}</TableCell>
                      <TableCell>{PAYMENT_METHODS.find((m) => m.value === p.method)?.label ?? p.method}</TableCell>
                      <TableCell>{p.reference ?? '—'}</TableCell>
                      <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                        {formatMinorMoney(p.amountMinor, p.currency)}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </SectionCard>
          )}

          {i.reminders.length > 0 && (
            <SectionCard title="Payment reminders" description="Issued by the billing run's dunning and sent to the ERP/CRM." flush testId="invoice-reminders">
              <Table size="small" sx={tableSx}>
                <TableHead>
                  <TableRow>
                    <TableCell>Level</TableCell>
                    <TableCell>Issued</TableCell>
                    <TableCell align="right">Days overdue</TableCell>
                    <TableCell align="right">Amount due</TableCell>
                    <TableCell align="right">Letter</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {i.reminders.map((m) => (
                    <TableRow key={m.id}>
                      <TableCell>Reminder {m.level}</TableCell>
                      <TableCell>{m.issuedOn}</TableCell>
                      <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>{m.daysOverdue}</TableCell>
                      <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                        {formatMinorMoney(m.amountDueMinor, m.currency)}
                      </TableCell>
                      <TableCell align="right" sx={{ py: 0 }}>
                        <Tooltip title="Download the reminder letter (PDF)">
                          <IconButton size="small" aria-label={`Reminder ${m.level} letter`} onClick={() => void downloadReminder(m.id)} data-testid="invoice-reminder-pdf">
                            <PdfIcon fontSize="small" />
                          </IconButton>
                        </Tooltip>
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </SectionCard>
          )}
        </Stack>

        <Stack spacing={2.5} sx={{ minWidth: 0 }}>
          <SectionCard title="Parties">
            <Stack spacing={2}>
              <PartyBlock title="Bill to" party={i.customerSnapshot} fallback={<>{i.customerName} · {i.customerNumber}<br />The customer's details are frozen on the invoice when it is finalized.</>} />
              <PartyBlock title="From" party={i.sellerSnapshot} fallback="Your company's details are added at finalization." />
            </Stack>
          </SectionCard>
          <SectionCard title="References">
            <DetailList
              labelWidth={120}
              items={[
                ['Kind', kindLabel(i.kind)],
                ['Subscription', i.subscriptionId ? <Link href={hrefOf('subscriptions', i.subscriptionId)} underline="hover">Open subscription</Link> : '—'],
                ...(i.precedingInvoiceId ? [['Corrects', <Link key="p" href={hrefOf('invoices', i.precedingInvoiceId)} underline="hover">{i.precedingInvoiceNumber ?? 'Invoice'}</Link>] as [string, ReactNode]] : []),
                ['PO number', i.poNumber ?? '—'],
                ['Buyer reference', i.buyerReference ?? '—'],
                ['Created', formatDateTime(i.createdAt)],
                ['Finalized', i.finalizedAt ? formatDateTime(i.finalizedAt) : '—'],
                ...(i.billingRunId ? [['Billing run', <Link key="r" href={hrefOf('billing', i.billingRunId)} underline="hover">{formatDate(i.createdAt)} run</Link>] as [string, ReactNode]] : []),
              ]}
            />
          </SectionCard>
          {i.creditNotes.length > 0 && (
            <SectionCard title="Credit notes" flush>
              <Table size="small" sx={tableSx}>
                <TableBody>
                  {i.creditNotes.map((c) => (
                    <TableRow key={c.id} hover sx={{ cursor: 'pointer' }} onClick={() => navigate(['invoices', c.id])}>
                      <TableCell sx={{ fontWeight: 600 }}>{c.number ?? 'Draft'}</TableCell>
                      <TableCell>{c.issueDate ?? '—'}</TableCell>
                      <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                        {formatMinorMoney(c.grossMinor, i.currency)}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </SectionCard>
          )}
        </Stack>
      </Box>

      {dialog === 'payment' && <PaymentDialog invoice={i} onClose={() => setDialog(null)} onDone={setInvoice} />}
      {dialog === 'void' && <VoidDialog invoice={i} onClose={() => setDialog(null)} onDone={setInvoice} />}
      {dialog === 'credit' && (
        <CreditNoteDialog
          invoice={i}
          onClose={() => setDialog(null)}
          onDone={(cn) => {
            void load();
            navigate(['invoices', cn.id]);
          }}
        />
      )}
    </Box>
  );
}
