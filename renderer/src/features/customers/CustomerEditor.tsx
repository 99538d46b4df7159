/** Create or edit a customer in a drawer; archive and restore from its footer. */
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import InputAdornment from '@mui/material/InputAdornment';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import { useEffect, useState } from 'react';
import { invoke } from '../../api/client';
import { useAppStore } from '../../app/store';
import { ArchiveToggle } from '../../components/ArchiveToggle';
import { ChipsInput, CodePicker, CountryPicker, CurrencyPicker, IntegerInput, SelectInput, TextInput } from '../../components/fields';
import { FormProvider, type FormApi, useForm } from '../../components/form';
import { FormBanner } from '../../components/FormBanner';
import { FormDrawer, FormSection } from '../../components/FormDrawer';
import { formatDateTime } from '../../components/format';
import type { CodeOption } from '../../components/reference';
import { StatusChip } from '../../components/StatusChip';
import { toast } from '../../components/toasts';
import { useSave } from '../../components/useSave';
import { ContractPricingPanel } from '../pricing/ContractPricingPanel';
import { LocationsPanel } from '../orders/LocationsPanel';
import { CustomerBillingPanel } from '../subscriptions/CustomerBillingPanel';
import { ContactsEditor } from './ContactsEditor';
import { checkCustomer, type CustomerValues, newCustomerValues, TAX_STATUS_OPTIONS, toCreateInput, toUpdatePatch, valuesOf } from './model';
import { useEditedRecord } from '../../components/useEditedRecord';

const grid2 = { display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', columnGap: 2, rowGap: 2 } as const;
const full = { gridColumn: '1 / -1' } as const;

export function CustomerEditor({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const editing = id !== 'new';
  const settings = useAppStore((s) => s.settings);
  const [parents, setParents] = useState<CodeOption[]>([]);
  const form = useForm<CustomerValues>(newCustomerValues({ country: settings?.companyCountry, currency: settings?.defaultCurrency }));
  const save = useSave(form as FormApi<unknown>, 'customer');
  const { reset } = form;
  const { setBanner } = save;

  const { record: customer, setRecord: setCustomer, reloadAndFocus } = useEditedRecord({
    id, editing, fetch: (rid) => invoke('customers.get', { id: rid }), toValues: valuesOf, reset, setBanner,
  });

  // Settings may arrive after a deep link opened the editor: apply the defaults if nothing was typed yet.
  const settingsLoaded = !!settings;
  useEffect(() => {
    if (!editing && settings && !form.dirty) reset(newCustomerValues({ country: settings.companyCountry, currency: settings.defaultCurrency }));
  }, [settingsLoaded]);

  useEffect(() => {
    invoke('customers.list', { status: 'active', limit: 10000, sortBy: 'name' })
      .then((page) => setParents(page.items.filter((c) => c.id !== id).map((c) => ({ code: c.id, name: `${c.name} (${c.number})` }))))
      .catch(() => setParents([]));
  }, [id]);

  const submit = () =>
    save.run(
      checkCustomer(form.values, editing),
      async () => {
        if (editing && customer) {
          const c = await invoke('customers.update', { id: customer.id, expectedVersion: customer.version, patch: toUpdatePatch(form.values) });
          toast.success(`Customer ${c.number} saved`);
        } else {
          const c = await invoke('customers.create', toCreateInput(form.values));
          toast.success(`Customer ${c.number} created`);
        }
        onChanged();
        onClose();
      },
      <Button color="inherit" size="small" onClick={(e) => reloadAndFocus(e.currentTarget)} data-testid="customer-reload">
        Reload latest
      </Button>,
    );

  const archive = async () => {
    const c = await invoke('customers.archive', { id: customer!.id });
    toast.success(`Customer ${c.number} archived`);
    onChanged();
    onClose();
  };
  const restore = async () => {
    const c = await invoke('customers.restore', { id: customer!.id });
    setCustomer(c);
    toast.success(`Customer ${c.number} restored`);
    onChanged();
  };

  const loading = editing && !customer;
  return (
    <FormDrawer
      open
      width={760}
      title={editing ? (customer?.name ?? 'Customer') : 'New customer'}
      subtitle={customer ? `${customer.number} · version ${customer.version} · updated ${formatDateTime(customer.updatedAt)}` : editing ? '' : 'A B2B account that can be invoiced'}
      badge={customer && (customer.status === 'active' ? <StatusChip label="Active" tone="green" /> : <StatusChip label="Archived" tone="grey" testId="customer-archived-badge" />)}
      onClose={onClose}
      onSubmit={submit}
      ready={!loading}
      dirty={form.dirty}
      busy={save.busy}
      testId="customer-form"
      saveTestId="customer-save"
      submitLabel={editing ? 'Save changes' : 'Create customer'}
      secondaryActions={
        customer && (
          <ArchiveToggle
            active={customer.status === 'active'} save={save} archive={archive} reactivate={restore} testId="customer" reactivateLabel="Restore"
            confirmTitle={`Archive ${customer.name}?`}
            confirmMessage="Archived customers are hidden from lists and pickers but keep all their history. You can restore them at any time."
          />
        )
      }
    >
      <FormProvider value={form as FormApi<unknown>}>
        <FormBanner banner={save.banner} form={form as FormApi<unknown>} testId="customer-form-banner" />
        {loading ? (
          <Stack spacing={2}>
            {[0, 1, 2, 3, 4].map((i) => (
              <Skeleton key={i} variant="rounded" height={40} />
            ))}
          </Stack>
        ) : (
          <>
            <FormSection title="Account">
              <Box sx={grid2}>
                <Box sx={full}>
                  <TextInput path="name" label="Name" required autoFocus />
                </Box>
                <TextInput path="number" label="Customer number" required={editing} placeholder={editing ? undefined : 'Next from the series'} uppercase helperText={editing ? undefined : 'Leave empty to number automatically'} />
                <TextInput path="email" label="Billing email" required inputMode="email" />
                <CountryPicker path="country" label="Country" required />
                <CurrencyPicker path="currency" label="Currency" required />
                <TextInput path="vatId" label="VAT ID" uppercase placeholder="e.g. DE123456789" />
                <SelectInput path="taxStatus" label="Tax status" options={TAX_STATUS_OPTIONS} />
                <IntegerInput path="paymentTermsDays" label="Payment terms" endAdornment={<InputAdornment position="end">days</InputAdornment>} />
                <CodePicker path="parentId" label="Parent account" options={parents} renderCode={false} nullable placeholder="None" />
              </Box>
            </FormSection>
            <ContactsEditor />
            <FormSection title="Billing address" description="Optional. Leave empty to invoice without a postal address.">
              <Box sx={grid2}>
                <Box sx={full}>
                  <TextInput path="billingAddress.line1" label="Address line 1" />
                </Box>
                <Box sx={full}>
                  <TextInput path="billingAddress.line2" label="Address line 2" />
                </Box>
                <TextInput path="billingAddress.postalCode" label="Postal code" />
                <TextInput path="billingAddress.city" label="City" />
                <TextInput path="billingAddress.region" label="Region / state" />
                <CountryPicker path="billingAddress.country" label="Country" helperText="Empty: the customer's country" />
              </Box>
            </FormSection>
            <FormSection title="Tags and notes">
              <Stack spacing={2}>
                <ChipsInput path="tags" label="Tags" placeholder="Type a tag and press Enter" />
                <TextInput path="notes" label="Internal notes" multiline minRows={3} />
              </Stack>
            </FormSection>
            {customer && <ContractPricingPanel customerId={customer.id} />}
            {customer && <CustomerBillingPanel customerId={customer.id} />}
            {customer && <LocationsPanel customerId={customer.id} />}
          </>
        )}
      </FormProvider>
    </FormDrawer>
  );
}
