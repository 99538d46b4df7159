/**
 * The change wizard: 1) what changes (another plan, the quantity, an add-on added or removed, an item's discount) and when (now with
 * proration, at the period end, or on a date); 2) the exact credit and charge lines and the next invoice
 * (subscriptions.previewChange), applied only when confirmed (subscriptions.applyChange).
 */
import ArrowForwardIcon from '@mui/icons-material/ArrowForward';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Step from '@mui/material/Step';
import StepLabel from '@mui/material/StepLabel';
import Stepper from '@mui/material/Stepper';
import Typography from '@mui/material/Typography';
import { useEffect, useMemo, useState } from 'react';
import type { OpInput } from '../../../../shared/api/index';
import { invoke } from '../../api/client';
import { CodePicker, DateInput, SelectInput, SwitchInput, TextInput } from '../../components/fields';
import { type FieldErrors, FormProvider, type FormApi, useForm } from '../../components/form';
import { FormBanner } from '../../components/FormBanner';
import { formatMinorMoney } from '../../components/format';
import { StatusChip } from '../../components/StatusChip';
import { toast } from '../../components/toasts';
import { useSave } from '../../components/useSave';
import { LinesTable, TotalsBox } from '../invoices/LinesTable';
import { fromPreviewLine, type InvoicePreview } from '../invoices/model';
import {
  type ChangePreview, defaultDiscountReason, discountError, discountInput, type DiscountKind, discountText, intervalText, type Plan, planMonths, type Subscription,
} from './model';

type ChangeType = 'change_plan' | 'change_quantity' | 'add_addon' | 'remove_addon' | 'set_discount';

interface ChangeValues {
  type: ChangeType;
  itemId: string;
  planId: string;
  quantity: string;
  /** set_discount / add_addon: a percent or an amount off each period ('' = none: ends the discount), printed reason. */
  discount: string;
  discountKind: DiscountKind;
  discountReason: string;
  when: 'now' | 'period_end' | 'date';
  effectiveDate: string;
  invoiceNow: boolean;
}

const grid2 = { display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', columnGap: 2, rowGap: 2 } as const;
const DEC = /^\d+(\.\d+)?$/;

function check(v: ChangeValues, switchesInterval = false, hasDiscount = false): FieldErrors {
  const e: FieldErrors = {};
  if (v.type !== 'add_addon' && !v.itemId) e.itemId = 'is required';
  if ((v.type === 'change_plan' || v.type === 'add_addon') && !v.planId) e.planId = 'is required';
  if ((v.type === 'change_quantity' || v.type === 'add_addon') && !DEC.test(v.quantity.trim())) e.quantity = 'must be a number such as 1 or 2.5';
  if (v.type === 'change_plan' && v.quantity.trim() && !DEC.test(v.quantity.trim())) e.quantity = 'must be a number such as 1 or 2.5';
  const d = v.discount.trim();
  const bad = (v.type === 'set_discount' || v.type === 'add_addon') && d ? discountError(v.discountKind, d) : null;
  if (bad) e.discount = bad;
  if (v.type === 'set_discount' && !d && v.discountReason.trim()) e.discountReason = 'a discount that ends has no reason';
  if (v.type === 'set_discount' && !d && !hasDiscount) e.discount = 'is required: the item has no discount to end';
  if (v.when === 'date' && !v.effectiveDate) e.effectiveDate = 'is required';
  if (v.when === 'now' && switchesInterval) e.when = 'a switch to another billing interval takes effect at a period end';
  return e;
}

function toInput(s: Subscription, v: ChangeValues): OpInput<'subscriptions.previewChange'> {
  const q = v.quantity.trim();
  const d = v.discount.trim();
  const reason = v.discountReason.trim();
  const discount = d ? { ...discountInput(v.discountKind, d), ...(reason ? { discountReason: reason } : {}) } : {};
  const action: OpInput<'subscriptions.previewChange'>['actions'][number] =
    v.type === 'change_plan' ? { type: 'change_plan', itemId: v.itemId, planId: v.planId, ...(q ? { quantity: q } : {}) }
      : v.type === 'change_quantity' ? { type: 'change_quantity', itemId: v.itemId, quantity: q }
        : v.type === 'add_addon' ? { type: 'add_addon', planId: v.planId, quantity: q || '1', ...discount }
          : v.type === 'set_discount'
            ? { type: 'set_discount', itemId: v.itemId, ...(d && v.discountKind === 'amount' ? { amount: d } : { percent: d || null }), ...(d && reason ? { reason } : {}) }
            : { type: 'remove_addon', itemId: v.itemId };
  return {
    subscriptionId: s.id,
    actions: [action],
    when: v.when,
    ...(v.when === 'date' ? { effectiveDate: v.effectiveDate } : {}),
    ...(v.when !== 'period_end' && v.invoiceNow !== (s.prorationInvoicing === 'immediately') ? { invoiceNow: v.invoiceNow } : {}),
  };
}

function PreviewInvoice({ title, preview, testId }: { title: string; preview: InvoicePreview; testId: string }) {
  return (
    <Paper variant="outlined" sx={{ borderRadius: 1.5, overflow: 'hidden' }} data-testid={testId}>
      <Stack direction="row" sx={{ px: 2, py: 1.25, alignItems: 'center', bgcolor: '#f9fafb', borderBottom: '1px solid', borderColor: 'divider' }}>
        <Typography variant="subtitle2" sx={{ flex: 1 }}>
          {title}
        </Typography>
        {preview.kind === 'credit_note' && <StatusChip label="Credit note" tone="violet" />}
      </Stack>
      <LinesTable lines={preview.lines.map(fromPreviewLine)} currency={preview.currency} />
      <Box sx={{ px: 2, py: 1.5, borderTop: '1px solid', borderColor: 'divider' }}>
        <TotalsBox currency={preview.currency} netMinor={preview.netMinor} taxMinor={preview.taxMinor} grossMinor={preview.grossMinor} taxBreakdown={preview.taxBreakdown} />
      </Box>
    </Paper>
  );
}

function Review({ preview, currency }: { preview: ChangePreview; currency: string }) {
  const tone = preview.classification === 'upgrade' ? 'green' : preview.classification === 'downgrade' ? 'amber' : 'grey';
  return (
    <Stack spacing={2} data-testid="change-preview">
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
        <StatusChip label={preview.classification === 'upgrade' ? 'Upgrade' : preview.classification === 'downgrade' ? 'Downgrade' : 'Lateral change'} tone={tone} testId="change-classification" />
        <Typography variant="body2">
          Effective <strong>{preview.effectiveDate}</strong>
        </Typography>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
          <Typography variant="body2" color="text.secondary">
            Per period
          </Typography>
          <Typography variant="body2" sx={{ fontVariantNumeric: 'tabular-nums' }}>
            {formatMinorMoney(preview.periodAmountBeforeMinor, currency)}
          </Typography>
          <ArrowForwardIcon sx={{ fontSize: 16, color: 'text.secondary' }} />
          <Typography variant="body2" sx={{ fontWeight: 700, fontVariantNumeric: 'tabular-nums' }} data-testid="change-period-after">
            {formatMinorMoney(preview.periodAmountAfterMinor, currency)}
          </Typography>
        </Stack>
      </Stack>
      <Box>
        <Typography variant="overline" color="text.secondary" component="h3">
          Lines from this change
        </Typography>
        <Paper variant="outlined" sx={{ borderRadius: 1.5, overflow: 'hidden' }}>
          <LinesTable lines={preview.changeLines.map(fromPreviewLine)} currency={currency} testId="change-preview-lines" empty="No proration: the change applies from the next period" />
        </Paper>
      </Box>
      {preview.invoiceNow && <PreviewInvoice title="Issued at once when applied" preview={preview.invoiceNow} testId="change-invoice-now" />}
      {preview.nextInvoice && <PreviewInvoice title={`Next invoice · ${preview.nextInvoice.date}`} preview={preview.nextInvoice} testId="change-next-invoice" />}
    </Stack>
  );
}

export function ChangeWizard({ subscription, onClose, onApplied }: { subscription: Subscription; onClose: () => void; onApplied: (s: Subscription) => void }) {
  const s = subscription;
  const recurring = s.items.filter((i) => i.active && i.kind === 'recurring');
  const addons = s.items.filter((i) => i.active && i.role === 'addon');
  const base = recurring.find((i) => i.role === 'base') ?? recurring[0];
  const form = useForm<ChangeValues>({
    type: 'change_plan', itemId: base?.id ?? '', planId: '', quantity: '', discount: '', discountKind: 'percent', discountReason: '', when: 'now', effectiveDate: '', invoiceNow: s.prorationInvoicing === 'immediately',
  });
  const save = useSave(form as FormApi<unknown>, 'change');
  const [plans, setPlans] = useState<Plan[]>([]);
  const [preview, setPreview] = useState<ChangePreview | null>(null);
  const v = form.values;

  useEffect(() => {
    invoke('plans.list', { active: 'active', limit: 10000, sortBy: 'name' })
      .then((p) => setPlans(p.items))
      .catch((e) => toast.error(e));
  }, []);
  // Editing the change after a preview goes back to step 1.
  const key = JSON.stringify(v);
  useEffect(() => setPreview(null), [key]);

  const item = s.items.find((i) => i.id === v.itemId);
  const planOptions = useMemo(
    () =>
      plans
        // another plan may bill at another interval (the subscription switches at a period end); add-ons keep it
        .filter((p) => (v.type === 'change_plan' && item?.kind === 'recurring' ? true : planMonths(p) === s.intervalMonths) && p.prices.some((x) => x.currency === s.currency))
        .filter((p) => v.type !== 'change_plan' || p.id !== item?.planId)
        .map((p) => ({ code: p.id, name: `${p.name} (${p.code})${planMonths(p) !== s.intervalMonths ? ` · ${intervalText(planMonths(p)).toLowerCase()} from the period end` : ''}` })),
    [plans, s, v.type, item],
  );
  const discountable = s.items.filter((i) => i.active);
  const itemOptions = (v.type === 'remove_addon' ? addons : v.type === 'set_discount' ? discountable : recurring).map((i) => ({
    value: i.id,
    label: `${i.planName}${i.kind === 'usage' ? ' (metered)' : ` × ${i.quantity}`}${i.role === 'addon' ? ' (add-on)' : ''}${v.type === 'set_discount' && i.discount ? ` · ${discountText(i.discount)}` : ''}`,
  }));

  const setType = (t: string) => {
    const type = t as ChangeType;
    const itemId = type === 'remove_addon' ? (addons[0]?.id ?? '') : type === 'add_addon' ? '' : (base?.id ?? '');
    form.reset({ ...v, type, itemId, planId: '', quantity: type === 'add_addon' ? '1' : type === 'change_quantity' ? (base?.quantity ?? '') : '', ...discountFields(type, itemId) });
  };
  // set_discount starts from the item's discount in force (its reason only when it is not the default wording)
  const discountFields = (type: ChangeType, itemId: string) => {
    const d = type === 'set_discount' ? s.items.find((i) => i.id === itemId)?.discount : null;
    const kind: DiscountKind = d?.amount ? 'amount' : 'percent';
    const value = d?.amount ?? d?.percent ?? '';
    return { discount: value, discountKind: kind, discountReason: d && d.reason !== defaultDiscountReason(kind, value) ? d.reason : '' };
  };
  const setItem = (itemId: string) => form.reset({ ...v, itemId, ...(v.type === 'set_discount' ? discountFields(v.type, itemId) : {}) });

  const chosenPlan = plans.find((p) => p.id === v.planId);
  const runPreview = () =>
    save.run(check(v, v.type === 'change_plan' && !!chosenPlan && planMonths(chosenPlan) !== s.intervalMonths, !!item?.discount), async () => {
      setPreview(await invoke('subscriptions.previewChange', toInput(s, v)));
    });
  const apply = () =>
    save.run({}, async () => {
      const r = await invoke('subscriptions.applyChange', toInput(s, v));
      const docs = r.documents.map((d) => `${d.kind === 'credit_note' ? 'credit note' : 'invoice'} ${d.number ?? '(draft)'}`);
      toast.success(`Change ${v.when === 'now' ? 'applied' : `scheduled for ${r.preview.effectiveDate}`}${docs.length ? `: ${docs.join(', ')} issued` : ''}`);
      onApplied(r.subscription);
      onClose();
    });

  const step = preview ? 1 : 0;
  return (
    <Dialog open onClose={() => !save.busy && onClose()} maxWidth="md" fullWidth data-testid="change-wizard" aria-labelledby="change-title">
      <form
        noValidate
        autoComplete="off"
        onSubmit={(e) => {
          e.preventDefault();
          void (preview ? apply() : runPreview());
        }}
      >
        <DialogTitle id="change-title" sx={{ pb: 1 }}>
          Change the subscription
          <Typography variant="body2" color="text.secondary">
            {s.customerName} · {s.currency} · proration {s.prorationPolicy === 'none' ? 'off' : `by ${s.prorationPolicy}`}
          </Typography>
        </DialogTitle>
        <DialogContent dividers sx={{ minHeight: 360 }}>
          <Stepper activeStep={step} sx={{ mb: 3, maxWidth: 420 }}>
            <Step>
              <StepLabel>Change</StepLabel>
            </Step>
            <Step>
              <StepLabel>Review proration</StepLabel>
            </Step>
          </Stepper>
          <FormProvider value={form as FormApi<unknown>}>
            <FormBanner banner={save.banner} form={form as FormApi<unknown>} testId="change-banner" />
            {!preview ? (
              <Stack spacing={2.5}>
                <Box sx={grid2}>
                  <SelectInput
                    path="type"
                    label="What changes"
                    onValueChange={setType}
                    options={[
                      { value: 'change_plan', label: 'Upgrade or downgrade the plan' },
                      { value: 'change_quantity', label: 'Change the quantity' },
                      { value: 'add_addon', label: 'Add an add-on' },
                      ...(addons.length ? [{ value: 'remove_addon', label: 'Remove an add-on' }] : []),
                      { value: 'set_discount', label: "Give, change or end an item's discount" },
                    ]}
                  />
                  {v.type !== 'add_addon' ? <SelectInput path="itemId" label={v.type === 'remove_addon' ? 'Add-on' : 'Item'} options={itemOptions} onValueChange={setItem} /> : <Box />}
                  {(v.type === 'change_plan' || v.type === 'add_addon') && (
                    <CodePicker path="planId" label={v.type === 'add_addon' ? 'Add-on plan' : 'New plan'} options={planOptions} renderCode={false} required helperText={v.type === 'add_addon' ? `Plans billed ${s.intervalMonths === 1 ? 'monthly' : `every ${s.intervalMonths} months`} with a ${s.currency} price` : `Plans with a ${s.currency} price; one billed at another interval switches the subscription at the period end (every recurring item must move with it)`} />
                  )}
                  {(v.type === 'set_discount' || v.type === 'add_addon') && (
                    <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) 150px', gap: 1.25, alignItems: 'start' }}>
                      <TextInput
                        path="discount"
                        label="Discount"
                        inputMode="decimal"
                        placeholder="None"
                        helperText={v.type === 'set_discount' ? (item?.discount ? `Now ${discountText(item.discount)}; empty ends it` : 'Off every line of the item') : 'Optional: off the add-on'}
                      />
                      <SelectInput
                        path="discountKind"
                        label="Off"
                        options={[
                          { value: 'percent', label: '%' },
                          { value: 'amount', label: `${s.currency} per period` },
                        ]}
                      />
                    </Box>
                  )}
                  {(v.type === 'set_discount' || v.type === 'add_addon') && (
                    <TextInput path="discountReason" label="Discount reason" placeholder={v.discount.trim() ? defaultDiscountReason(v.discountKind, v.discount.trim()) : ''} helperText="Printed with the discount" />
                  )}
                  {v.type !== 'remove_addon' && v.type !== 'set_discount' && (
                    <TextInput
                      path="quantity"
                      label={v.type === 'change_plan' ? 'Quantity (optional)' : 'Quantity'}
                      inputMode="decimal"
                      placeholder={v.type === 'change_plan' ? `Keep ${item?.quantity ?? ''}` : undefined}
                      required={v.type !== 'change_plan'}
                    />
                  )}
                </Box>
                <Box sx={grid2}>
                  <SelectInput
                    path="when"
                    label="When"
                    options={[
                      { value: 'now', label: 'Now', hint: 'prorated' },
                      { value: 'period_end', label: `At the period end${s.currentPeriod ? ` (${s.currentPeriod.end})` : ''}` },
                      { value: 'date', label: 'On a date' },
                    ]}
                  />
                  {v.when === 'date' ? <DateInput path="effectiveDate" label="Effective date" required /> : <Box />}
                  {v.when !== 'period_end' && <SwitchInput path="invoiceNow" label="Invoice the proration at once" helperText="Otherwise the lines go on the next regular invoice." />}
                </Box>
              </Stack>
            ) : (
              <Review preview={preview} currency={s.currency} />
            )}
          </FormProvider>
          {!preview && recurring.length === 0 && (
            <Alert severity="info" sx={{ mt: 2 }}>
              This subscription has no current recurring item to change.
            </Alert>
          )}
        </DialogContent>
        <DialogActions sx={{ px: 3, py: 1.5 }}>
          <Button onClick={onClose} disabled={save.busy} data-testid="change-cancel">
            Cancel
          </Button>
          <Box sx={{ flex: 1 }} />
          {preview && (
            <Button onClick={() => setPreview(null)} disabled={save.busy} data-testid="change-back">
              Back
            </Button>
          )}
          <Button type="submit" variant="contained" disabled={save.busy} startIcon={save.busy ? <CircularProgress size={14} color="inherit" /> : undefined} data-testid={preview ? 'change-apply' : 'change-preview-button'}>
            {preview ? 'Apply change' : 'Preview proration'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
