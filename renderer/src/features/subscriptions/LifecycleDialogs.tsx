/** Pause (from a date, optionally until one) and cancel (now, at the period or term end, or on a date) dialogs. */
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import { invoke } from '../../api/client';
import { serverToday } from '../../app/store';
import { DateInput, SelectInput, SwitchInput, TextInput } from '../../components/fields';
import { type FieldErrors, type FormApi, useForm } from '../../components/form';
import { FormDialog } from '../../components/FormDialog';
import { formatMinorMoney } from '../../components/format';
import { toast } from '../../components/toasts';
import { useSave } from '../../components/useSave';
import type { Subscription } from './model';

const grid2 = { display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', columnGap: 2, rowGap: 2 } as const;

export function PauseDialog({ subscription, onClose, onDone }: { subscription: Subscription; onClose: () => void; onDone: (s: Subscription) => void }) {
  const form = useForm<{ from: string; until: string }>({ from: serverToday(), until: '' });
  const save = useSave(form as FormApi<unknown>, 'pause');
  const submit = () => {
    const v = form.values;
    const e: FieldErrors = {};
    if (!v.from) e.from = 'is required';
    if (v.until && v.from && v.until <= v.from) e.until = 'must be after the pause starts';
    return save.run(e, async () => {
      const s = await invoke('subscriptions.pause', { id: subscription.id, from: v.from, until: v.until || null });
      toast.success(`Billing paused from ${v.from}${v.until ? ` until ${v.until}` : ''}`);
      onDone(s);
      onClose();
    });
  };
  return (
    <FormDialog
      title="Pause billing"
      subtitle="Nothing is billed for the paused days; without a resume date the pause lasts until you resume it."
      form={form as FormApi<unknown>}
      banner={save.banner}
      busy={save.busy}
      onClose={onClose}
      onSubmit={submit}
      submitLabel="Pause"
      testId="pause-dialog"
    >
      <Box sx={grid2}>
        <DateInput path="from" label="Pause from" required />
        <DateInput path="until" label="Resume on" helperText="Optional" />
      </Box>
    </FormDialog>
  );
}

interface CancelValues {
  when: 'now' | 'period_end' | 'term_end' | 'date';
  date: string;
  credit: 'none' | 'prorated';
  invoiceNow: boolean;
  reason: string;
}

export function CancelDialog({ subscription, onClose, onDone }: { subscription: Subscription; onClose: () => void; onDone: (s: Subscription) => void }) {
  const s = subscription;
  const form = useForm<CancelValues>({ when: s.term ? 'term_end' : 'period_end', date: '', credit: 'none', invoiceNow: true, reason: '' });
  const save = useSave(form as FormApi<unknown>, 'cancellation');
  const v = form.values;
  const immediate = v.when === 'now' || v.when === 'date';
  const submit = () =>
    save.run(v.when === 'date' && !v.date ? { date: 'is required' } : {}, async () => {
      const r = await invoke('subscriptions.cancel', {
        id: s.id, when: v.when, ...(v.when === 'date' ? { date: v.date } : {}), credit: immediate ? v.credit : 'none', invoiceNow: v.invoiceNow, reason: v.reason.trim() || undefined,
      });
      const docs = r.documents.map((d) => `${d.kind === 'credit_note' ? 'credit note' : 'invoice'} ${d.number ?? '(draft)'} ${formatMinorMoney(d.grossMinor, s.currency)}`);
      toast.success(`${r.subscription.cancelAt ? `Subscription ends on ${r.subscription.cancelAt}` : 'Subscription canceled'}${docs.length ? ` · ${docs.join(', ')}` : ''}`);
      onDone(r.subscription);
      onClose();
    });
  return (
    <FormDialog
      title="Cancel the subscription"
      subtitle={s.term ? `Contract term until ${s.term.currentEnd}${s.term.noticeDays ? `, ${s.term.noticeDays} days' notice` : ''}.` : 'Month to month: it can end at any period end.'}
      form={form as FormApi<unknown>}
      banner={save.banner}
      busy={save.busy}
      onClose={onClose}
      onSubmit={submit}
      submitLabel="Cancel subscription"
      danger
      testId="cancel-dialog"
    >
      <Stack spacing={2}>
        <Box sx={grid2}>
          <SelectInput
            path="when"
            label="Ends"
            options={[
              ...(s.term ? [{ value: 'term_end', label: 'At the end of the term', hint: s.term.currentEnd }] : []),
              { value: 'period_end', label: 'At the end of the current period', hint: s.currentPeriod?.end },
              { value: 'now', label: 'Now' },
              { value: 'date', label: 'On a date' },
            ]}
          />
          {v.when === 'date' ? <DateInput path="date" label="First day not billed" required /> : <Box />}
          {immediate && (
            <SelectInput
              path="credit"
              label="Days already billed"
              options={[
                { value: 'none', label: 'No credit' },
                { value: 'prorated', label: 'Credit the unused days' },
              ]}
            />
          )}
          {immediate && <SwitchInput path="invoiceNow" label="Issue the credit / final usage at once" />}
        </Box>
        <TextInput path="reason" label="Reason" placeholder="e.g. switched to a competitor" multiline minRows={2} />
      </Stack>
    </FormDialog>
  );
}
