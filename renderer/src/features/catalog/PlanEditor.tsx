/** Create or edit a plan: product, billing interval, trial and prices per currency; archive from the footer. */
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import InputAdornment from '@mui/material/InputAdornment';
import Link from '@mui/material/Link';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import { useEffect, useState } from 'react';
import { invoke } from '../../api/client';
import { hrefOf } from '../../app/router';
import { useAppStore } from '../../app/store';
import { ArchiveToggle } from '../../components/ArchiveToggle';
import { CodePicker, IntegerInput, SelectInput, SwitchInput, TextInput } from '../../components/fields';
import { FormProvider, type FormApi, useForm } from '../../components/form';
import { FormBanner } from '../../components/FormBanner';
import { FormDrawer, FormSection } from '../../components/FormDrawer';
import { formatDateTime } from '../../components/format';
import type { CodeOption } from '../../components/reference';
import { activeChip } from '../../components/StatusChip';
import { toast } from '../../components/toasts';
import { useSave } from '../../components/useSave';
import { checkPlan, INTERVAL_OPTIONS, newPlanValues, planValuesOf, type PlanValues, toPlanCreate, toPlanPatch } from './model';
import { PriceEditor } from './pricing/PriceEditor';
import { useEditedRecord } from '../../components/useEditedRecord';

const grid2 = { display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', columnGap: 2, rowGap: 2 } as const;

export function PlanEditor({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const editing = id !== 'new';
  const defaultCurrency = useAppStore((s) => s.settings?.defaultCurrency) ?? 'EUR';
  const [products, setProducts] = useState<CodeOption[] | null>(null);
  const form = useForm<PlanValues>(newPlanValues(defaultCurrency));
  const save = useSave(form as FormApi<unknown>, 'plan');
  const { reset } = form;
  const { setBanner } = save;

  const { record: plan, reloadAndFocus } = useEditedRecord({
    id, editing, fetch: (rid) => invoke('plans.get', { id: rid }), toValues: planValuesOf, reset, setBanner,
  });
  useEffect(() => {
    invoke('products.list', { active: 'all', limit: 10000, sortBy: 'name' })
      .then((page) => setProducts(page.items.map((p) => ({ code: p.id, name: `${p.name} (${p.sku})${p.active ? '' : ' — archived'}` }))))
      .catch(() => setProducts([]));
  }, []);

  const submit = () =>
    save.run(
      checkPlan(form.values),
      async () => {
        if (editing && plan) {
          const p = await invoke('plans.update', { id: plan.id, expectedVersion: plan.version, patch: toPlanPatch(form.values) });
          toast.success(`Plan ${p.code} saved`);
        } else {
          const p = await invoke('plans.create', toPlanCreate(form.values));
          toast.success(`Plan ${p.code} created`);
        }
        onChanged();
        onClose();
      },
      <Button color="inherit" size="small" onClick={(e) => reloadAndFocus(e.currentTarget)}>
        Reload latest
      </Button>,
    );

  const archive = async () => {
    const p = await invoke('plans.archive', { id: plan!.id });
    toast.success(`Plan ${p.code} archived`);
    onChanged();
    onClose();
  };
  const reactivate = async () => {
    // The whole plan goes in the patch: plans.update's patch schema fills omitted fields with their defaults.
    const p = await invoke('plans.update', { id: plan!.id, expectedVersion: plan!.version, patch: { ...toPlanPatch(planValuesOf(plan!)), active: true } });
    toast.success(`Plan ${p.code} reactivated`);
    onChanged();
    onClose();
  };

  const everyN = form.values.interval === 'every_n_months';
  return (
    <FormDrawer
      open
      width={780}
      title={editing ? (plan?.name ?? 'Plan') : 'New plan'}
      subtitle={plan ? `${plan.code} · version ${plan.version} · updated ${formatDateTime(plan.updatedAt)}` : editing ? '' : 'How a product is billed: interval, trial and prices'}
      badge={plan && activeChip(plan.active)}
      onClose={onClose}
      onSubmit={submit}
      ready={(!editing || !!plan) && products !== null}
      dirty={form.dirty}
      busy={save.busy}
      testId="plan-form"
      saveTestId="plan-save"
      submitLabel={editing ? 'Save changes' : 'Create plan'}
      secondaryActions={
        plan && (
          <ArchiveToggle
            active={plan.active} save={save} archive={archive} reactivate={reactivate} testId="plan"
            confirmTitle={`Archive plan ${plan.name}?`}
            confirmMessage="The plan becomes inactive: existing subscriptions keep it, but it is no longer offered for new ones. You can reactivate it later."
          />
        )
      }
    >
      <FormProvider value={form as FormApi<unknown>}>
        <FormBanner banner={save.banner} form={form as FormApi<unknown>} testId="plan-form-banner" />
        {!editing && products?.length === 0 && (
          <Alert severity="info" sx={{ mb: 2.5 }}>
            A plan prices a product. <Link href={hrefOf('catalog', 'products', 'new')}>Create a product first</Link>.
          </Alert>
        )}
        {(editing && !plan) || products === null ? (
          <Stack spacing={2}>
            {[0, 1, 2, 3].map((i) => (
              <Skeleton key={i} variant="rounded" height={40} />
            ))}
          </Stack>
        ) : (
          <>
            <FormSection title="Plan">
              <Box sx={grid2}>
                <Box sx={{ gridColumn: '1 / -1' }}>
                  <CodePicker
                    path="productId"
                    label="Product"
                    options={products}
                    renderCode={false}
                    required
                    autoFocus={!editing}
                    disabled={editing}
                    helperText={editing ? 'The product of an existing plan cannot change.' : undefined}
                  />
                </Box>
                <TextInput path="code" label="Plan code" required autoFocus={editing} placeholder="e.g. PRO-MONTHLY" />
                <TextInput path="name" label="Name" required />
              </Box>
            </FormSection>
            <FormSection title="Billing">
              <Box sx={grid2}>
                <SelectInput path="interval" label="Billing interval" options={INTERVAL_OPTIONS} />
                {everyN ? (
                  <IntegerInput path="intervalCount" label="Every" required endAdornment={<InputAdornment position="end">months</InputAdornment>} />
                ) : (
                  <Box />
                )}
                <IntegerInput path="trialDays" label="Free trial" endAdornment={<InputAdornment position="end">days</InputAdornment>} />
                <Box sx={{ display: 'flex', alignItems: 'center' }}>
                  <SwitchInput path="active" label="Active (offered for new subscriptions)" />
                </Box>
              </Box>
            </FormSection>
            <PriceEditor path="prices" defaultCurrency={defaultCurrency} />
          </>
        )}
      </FormProvider>
    </FormDrawer>
  );
}
