/** Dialogs acting on an invoice: record a payment, create a credit note, void. */
import Box from '@mui/material/Box';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import InputAdornment from '@mui/material/InputAdornment';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { formatMinor, toMinor } from '../../../../shared/domain/money';
import { invoke } from '../../api/client';
import { serverToday } from '../../app/store';
import { DateInput, SelectInput, SwitchInput, TextInput } from '../../components/fields';
import { type FormApi, useForm } from '../../components/form';
import { FormDialog } from '../../components/FormDialog';
import { formatMinorMoney, formatPeriod } from '../../components/format';
import { toast } from '../../components/toasts';
import { useSave } from '../../components/useSave';
import { documentTitle, type Invoice } from './model';

const grid2 = { display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', columnGap: 2, rowGap: 2 } as const;

export const PAYMENT_METHODS = [
  { value: 'bank_transfer', label: 'Bank transfer' },
  { value: 'sepa_debit', label: 'SEPA direct debit' },
  { value: 'card', label: 'Card' },
  { value: 'cash', label: 'Cash' },
  { value: 'cheque', label: 'Cheque' },
  { value: 'other', label: 'Other' },
];

interface PaymentValues {
  amount: string;
  paidOn: string;
  method: string;
  reference: string;
}

export function PaymentDialog({ invoice, onClose, onDone }: { invoice: Invoice; onClose: () => void; onDone: (i: Invoice) => void }) {
  const form = useForm<PaymentValues>({ amount: formatMinor(invoice.amountDueMinor, invoice.currency), paidOn: serverToday(), method: 'bank_transfer', reference: '' });
  const save = useSave(form as FormApi<unknown>, 'payment');
  const submit = () => {
    const v = form.values;
    const errors: Record<string, string> = {};
    const amount = v.amount.trim().replace(/,/g, '');
    if (!/^\d+(\.\d+)?$/.test(amount) || Number(amount) <= 0) errors.amount = 'must be an amount greater than 0, such as 120.50';
    if (!v.paidOn) errors.paidOn = 'is required';
    return save.run(errors, async () => {
      try {
        const r = await invoke('payments.record', { invoiceId: invoice.id, amountMinor: toMinor(amount, invoice.currency), paidOn: v.paidOn, method: v.method, reference: v.reference.trim() || undefined });
        toast.success(`Payment of ${formatMinorMoney(r.payment.amountMinor, r.payment.currency)} recorded on ${documentTitle(invoice)}`);
        onDone(r.invoice);
        onClose();
      } catch (e) {
        // the API names the field amountMinor; show it on the amount typed
        const f = (e as { body?: { details?: { fields?: { path: string }[] } } }).body?.details?.fields;
        f?.forEach((x) => x.path === 'amountMinor' && (x.path = 'amount'));
        throw e;
      }
    });
  };
  return (
    <FormDialog
      title="Record a payment"
      subtitle={`${documentTitle(invoice)} · ${invoice.customerName} · amount due ${formatMinorMoney(invoice.amountDueMinor, invoice.currency)}`}
      form={form as FormApi<unknown>}
      banner={save.banner}
      busy={save.busy}
      onClose={onClose}
      onSubmit={submit}
      submitLabel="Record payment"
      testId="payment-dialog"
    >
      <Box sx={grid2}>
        <TextInput path="amount" label="Amount" required inputMode="decimal" autoFocus endAdornment={<InputAdornment position="end">{invoice.currency}</InputAdornment>} />
        <DateInput path="paidOn" label="Received on" required />
        <SelectInput path="method" label="Method" options={PAYMENT_METHODS} />
        <TextInput path="reference" label="Reference" placeholder="Bank reference" />
      </Box>
    </FormDialog>
  );
}

export function CreditNoteDialog({ invoice, onClose, onDone }: { invoice: Invoice; onClose: () => void; onDone: (creditNote: Invoice) => void }) {
  const form = useForm<{ reason: string }>({ reason: '' });
  const save = useSave(form as FormApi<unknown>, 'credit note');
  const [all, setAll] = useState(true);
  const [picked, setPicked] = useState<string[]>([]);
  const submit = () =>
    save.run(!all && picked.length === 0 ? { lineIds: 'choose at least one line' } : {}, async () => {
      const cn = await invoke('invoices.createCreditNote', { invoiceId: invoice.id, ...(all ? {} : { lineIds: picked }), reason: form.values.reason.trim() || undefined });
      toast.success(`Credit note ${cn.number ?? ''} for ${formatMinorMoney(cn.grossMinor, cn.currency)} created`);
      onDone(cn);
      onClose();
    });
  return (
    <FormDialog
      title="Create a credit note"
      subtitle={`Corrects ${documentTitle(invoice)} (${formatMinorMoney(invoice.grossMinor, invoice.currency)}). The credit note gets its own number and references the invoice.`}
      form={form as FormApi<unknown>}
      banner={save.banner}
      busy={save.busy}
      onClose={onClose}
      onSubmit={submit}
      submitLabel="Create credit note"
      testId="credit-note-dialog"
      maxWidth="md"
    >
      <Stack spacing={1.5}>
        <FormControlLabel control={<Checkbox checked={all} onChange={(e) => setAll(e.target.checked)} />} label="Credit the whole invoice (what is left of every line)" data-testid="credit-all" />
        {!all && (
          <Box sx={{ border: '1px solid', borderColor: 'divider', borderRadius: 1, px: 1.5, py: 0.5, maxHeight: 280, overflowY: 'auto' }}>
            {invoice.lines.map((l) => (
              <FormControlLabel
                key={l.id}
                sx={{ display: 'flex', mr: 0, '& .MuiFormControlLabel-label': { flex: 1 } }}
                control={<Checkbox checked={picked.includes(l.id)} onChange={(e) => setPicked((p) => (e.target.checked ? [...p, l.id] : p.filter((x) => x !== l.id)))} />}
                label={
                  <Stack direction="row" spacing={2} sx={{ justifyContent: 'space-between', width: '100%' }}>
                    <span>
                      {l.description}
                      <Typography component="span" variant="caption" color="text.secondary" sx={{ ml: 1 }}>
                        {formatPeriod(l.periodStart, l.periodEnd)}
                      </Typography>
                    </span>
                    <span style={{ fontVariantNumeric: 'tabular-nums' }}>{formatMinorMoney(l.amountMinor, invoice.currency)}</span>
                  </Stack>
                }
              />
            ))}
          </Box>
        )}
        <TextInput path="reason" label="Reason" placeholder="e.g. service outage in March, goodwill" multiline minRows={2} />
      </Stack>
    </FormDialog>
  );
}

export function VoidDialog({ invoice, onClose, onDone }: { invoice: Invoice; onClose: () => void; onDone: (i: Invoice) => void }) {
  const form = useForm<{ reason: string; rebill: boolean }>({ reason: '', rebill: true });
  const save = useSave(form as FormApi<unknown>, 'invoice');
  const submit = () =>
    save.run(form.values.reason.trim() ? {} : { reason: 'is required' }, async () => {
      const i = await invoke('invoices.void', { id: invoice.id, reason: form.values.reason.trim(), rebill: form.values.rebill });
      toast.success(`${documentTitle(i)} voided`);
      onDone(i);
      onClose();
    });
  return (
    <FormDialog
      title={`Void ${documentTitle(invoice)}?`}
      subtitle="A void invoice keeps its number (numbers are never reused) and no longer counts as receivable."
      form={form as FormApi<unknown>}
      banner={save.banner}
      busy={save.busy}
      onClose={onClose}
      onSubmit={submit}
      submitLabel="Void invoice"
      danger
      testId="void-dialog"
    >
      <Stack spacing={2}>
        <TextInput path="reason" label="Reason" required autoFocus placeholder="e.g. issued to the wrong customer" />
        <SwitchInput path="rebill" label="Bill these service periods again in the next billing run" />
      </Stack>
    </FormDialog>
  );
}
