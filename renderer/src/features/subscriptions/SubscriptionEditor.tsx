/**
 * Create a subscription in a drawer: customer, base plan and add-ons with quantities and discounts, start date, billing anchor day,
 * trial, contract term with auto-renewal and uplift, proration, and the customer's PO number.
 */
import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useEffect, useMemo, useState } from 'react';
import { invoke } from '../../api/client';
import { CodePicker, CurrencyPicker, DateInput, IntegerInput, SelectInput, SwitchInput, TextInput } from '../../components/fields';
import { FormProvider, type FormApi, useField, useForm } from '../../components/form';
import { FormBanner } from '../../components/FormBanner';
import { FormDrawer, FormSection } from '../../components/FormDrawer';
import type { CodeOption } from '../../components/reference';
import { toast } from '../../components/toasts';
import { useSave } from '../../components/useSave';
import { pricesSummary } from '../catalog/pricing/PriceEditor';
import {
  BUNDLE_PREFIX, type Bundle, bundleIdOf, checkSubscription, defaultDiscountReason, type ItemValues, itemsSummary, newItemValues, newSubscriptionValues, type Plan, planMonths, PRORATION_INVOICING_OPTIONS, PRORATION_OPTIONS, type Subscription,
  type SubscriptionValues, TERM_OPTIONS, toCreateInput, intervalText,
} from './model';

const grid2 = { display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', columnGap: 2, rowGap: 2 } as const;
const grid3 = { display: 'grid', gridTemplateColumns: 'repeat(3, minmax(0, 1fr))', columnGap: 2, rowGap: 2 } as const;

interface CustomerOption extends CodeOption {
  currency: string;
}

function ItemsEditor({ plans, bundles, currency }: { plans: Plan[]; bundles: Bundle[]; currency: string }) {
  const { value, set } = useField<ItemValues[]>('items');
  const items = value ?? [];
  const options = useMemo(
    () => [
      ...plans
        .filter((p) => p.active)
        .map((p) => ({ code: p.id, name: `${p.name} (${p.code}) · ${intervalText(planMonths(p))}${currency && !p.prices.some((x) => x.currency === currency) ? ` · no ${currency} price` : ''}` })),
      ...bundles
        .filter((b) => b.active)
        .map((b) => ({ code: `${BUNDLE_PREFIX}${b.id}`, name: `Bundle: ${b.name} (${b.code})${currency && !b.currencies.includes(currency) ? ` · no ${currency} price` : ''}` })),
    ],
    [plans, bundles, currency],
  );
  const planOf = (id: string) => plans.find((p) => p.id === id);
  const bundleOf = (pick: string) => {
    const id = bundleIdOf(pick);
    return id ? bundles.find((b) => b.id === id) : undefined;
  };
  return (
    <FormSection
      title="Plans"
      description="The first plan (or bundle) is the base; more items are add-ons that can be removed later. A bundle is billed as one item at the bundle price."
      action={
        <Button size="small" startIcon={<AddIcon />} onClick={() => set([...items, newItemValues()])} data-testid="item-add">
          Add add-on
        </Button>
      }
    >
      <Stack spacing={1.5}>
        {items.map((it, i) => {
          const plan = planOf(it.planId);
          const bundle = bundleOf(it.planId);
          return (
            <Box key={i} data-testid={`item-row-${i}`}>
              <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) 90px 90px 140px 36px', gap: 1.25, alignItems: 'start' }}>
                <CodePicker path={`items.${i}.planId`} label={i === 0 ? 'Base plan or bundle' : `Add-on ${i}`} options={options} renderCode={false} required />
                <TextInput path={`items.${i}.quantity`} label="Quantity" inputMode="decimal" required />
                <TextInput path={`items.${i}.discount`} label="Discount" inputMode="decimal" placeholder="None" />
                <SelectInput
                  path={`items.${i}.discountKind`}
                  label="Off"
                  options={[
                    { value: 'percent', label: '%' },
                    { value: 'amount', label: `${currency || 'Amount'} per period` },
                  ]}
                />
                {i > 0 ? (
                  <Tooltip title="Remove add-on">
                    <IconButton aria-label={`Remove add-on ${i}`} onClick={() => set(items.filter((_x, j) => j !== i))} sx={{ mt: 0.25 }} data-testid={`item-remove-${i}`}>
                      <DeleteIcon fontSize="small" />
                    </IconButton>
                  </Tooltip>
                ) : (
                  <Box />
                )}
              </Box>
              {!!(it.discount ?? '').trim() && (
                <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) 180px 36px', gap: 1.25, alignItems: 'start', mt: 1.25 }} data-testid={`item-discount-${i}`}>
                  <TextInput path={`items.${i}.discountReason`} label="Discount reason" placeholder={defaultDiscountReason(it.discountKind ?? 'percent', (it.discount ?? '').trim())} helperText="Printed with the discount on every invoice line" />
                  <DateInput path={`items.${i}.discountUntil`} label="Discount ends" helperText="Empty: no end" />
                  <Box />
                </Box>
              )}
              {bundle && (
                <Typography variant="caption" color="text.secondary" sx={{ display: 'block', mt: 0.5, ml: 0.25 }} data-testid={`item-bundle-${i}`}>
                  {bundle.label}
                  {bundle.pricing === 'fixed'
                    ? ` · ${bundle.prices.filter((p) => !currency || p.currency === currency).map((p) => `${p.price} ${p.currency}`).join(', ') || bundle.prices.map((p) => `${p.price} ${p.currency}`).join(', ')}`
                    : ` · ${bundle.discountPercent}% off the parts`}
                </Typography>
              )}
              {plan && (
                <Typography variant="caption" color="text.secondary" sx={{ display: 'block', mt: 0.5, ml: 0.25 }}>
                  {pricesSummary(plan.prices.filter((p) => !currency || p.currency === currency)) || pricesSummary(plan.prices)} · {intervalText(planMonths(plan))}
                  {plan.trialDays ? ` · ${plan.trialDays}-day trial` : ''}
                </Typography>
              )}
            </Box>
          );
        })}
      </Stack>
    </FormSection>
  );
}

export function SubscriptionEditor({ customerId, onClose, onCreated }: { customerId?: string; onClose: () => void; onCreated: (s: Subscription) => void }) {
  const form = useForm<SubscriptionValues>(newSubscriptionValues(customerId));
  const save = useSave(form as FormApi<unknown>, 'subscription');
  const [customers, setCustomers] = useState<CustomerOption[] | null>(null);
  const [plans, setPlans] = useState<Plan[]>([]);
  const [bundles, setBundles] = useState<Bundle[]>([]);

  useEffect(() => {
    Promise.all([invoke('customers.list', { status: 'active', limit: 10000, sortBy: 'name' }), invoke('plans.list', { active: 'active', limit: 10000, sortBy: 'name' })])
      .then(([c, p]) => {
        setCustomers(c.items.map((x) => ({ code: x.id, name: `${x.name} (${x.number})`, currency: x.currency })));
        setPlans(p.items);
      })
      .catch((e) => {
        toast.error(e);
        setCustomers([]);
      });
    invoke('bundles.list', { active: 'active', limit: 10000 })
      .then((b) => setBundles(b.items))
      .catch(() => setBundles([]));
  }, []);

  const v = form.values;
  const customer = customers?.find((c) => c.code === v.customerId);
  const currency = v.currency || customer?.currency || '';
  const basePlan = plans.find((p) => p.id === v.items[0]?.planId);

  const submit = () =>
    save.run(checkSubscription(v), async () => {
      const s = await invoke('subscriptions.create', toCreateInput(v));
      toast.success(`Subscription for ${s.customerName} created: ${itemsSummary(s, Object.fromEntries(bundles.map((b) => [b.id, b.name])))}`);
      onCreated(s);
    });

  return (
    <FormDrawer
      open
      width={760}
      title="New subscription"
      subtitle="Recurring billing for a customer: billed by the billing run from its start date"
      onClose={onClose}
      onSubmit={submit}
      ready={customers !== null}
      dirty={form.dirty}
      busy={save.busy}
      testId="subscription-form"
      saveTestId="subscription-save"
      submitLabel="Create subscription"
    >
      <FormProvider value={form as FormApi<unknown>}>
        <FormBanner banner={save.banner} form={form as FormApi<unknown>} testId="subscription-form-banner" />
        <FormSection title="Customer">
          <Box sx={grid2}>
            <CodePicker path="customerId" label="Customer" options={customers ?? []} renderCode={false} required autoFocus={!customerId} />
            <CurrencyPicker path="currency" label="Currency" helperText={customer ? `Empty: the customer's currency (${customer.currency})` : "Empty: the customer's currency"} />
          </Box>
        </FormSection>
        <ItemsEditor plans={plans} bundles={bundles} currency={currency} />
        <FormSection title="Billing">
          <Box sx={grid3}>
            <DateInput path="startDate" label="Start date" helperText="Empty: today" />
            <IntegerInput path="billingAnchorDay" label="Billing day of month" placeholder="Start day" helperText="1–31; short months use their last day" />
            <IntegerInput path="trialDays" label="Trial" placeholder={basePlan ? String(basePlan.trialDays) : 'From the plan'} endAdornment={<InputAdornment position="end">days</InputAdornment>} />
            <SelectInput
              path="trialEndAction"
              label="At the trial end"
              options={[
                { value: 'convert', label: 'Start charging' },
                { value: 'cancel', label: 'End the subscription' },
              ]}
            />
            <SelectInput path="prorationPolicy" label="Proration of changes" options={PRORATION_OPTIONS} />
            <SelectInput path="prorationInvoicing" label="Prorated lines go" options={PRORATION_INVOICING_OPTIONS} />
          </Box>
        </FormSection>
        <FormSection title="Contract term" description="A term renews automatically unless canceled before its end (minus the notice period).">
          <Box sx={grid3}>
            <SelectInput path="termMonths" label="Term" options={TERM_OPTIONS} />
            <TextInput path="renewalUpliftPct" label="Uplift at renewal" inputMode="decimal" disabled={v.termMonths === 'open'} endAdornment={<InputAdornment position="end">%</InputAdornment>} />
            <IntegerInput path="noticeDays" label="Notice period" endAdornment={<InputAdornment position="end">days</InputAdornment>} />
            <SwitchInput path="autoRenew" label="Renew automatically" disabled={v.termMonths === 'open'} />
          </Box>
        </FormSection>
        <FormSection title="References">
          <Box sx={grid2}>
            <TextInput path="poNumber" label="PO number" helperText="Printed on every invoice" />
            <TextInput path="buyerReference" label="Buyer reference" helperText="e.g. the Leitweg-ID for German public buyers" />
            <Box sx={{ gridColumn: '1 / -1' }}>
              <TextInput path="notes" label="Internal notes" multiline minRows={2} />
            </Box>
          </Box>
        </FormSection>
      </FormProvider>
    </FormDrawer>
  );
}
