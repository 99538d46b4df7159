/** Create or edit a product; archive (deactivate) it from the footer. */
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import { invoke } from '../../api/client';
import { ArchiveToggle } from '../../components/ArchiveToggle';
import { SelectInput, SwitchInput, TextInput } from '../../components/fields';
import { FormProvider, type FormApi, useForm } from '../../components/form';
import { FormBanner } from '../../components/FormBanner';
import { FormDrawer, FormSection } from '../../components/FormDrawer';
import { formatDateTime } from '../../components/format';
import { activeChip } from '../../components/StatusChip';
import { toast } from '../../components/toasts';
import { useSave } from '../../components/useSave';
import { checkProduct, KIND_OPTIONS, newProductValues, productValuesOf, type ProductValues, TAX_CATEGORY_OPTIONS, toProductInput, UNIT_OPTIONS } from './model';
import { useEditedRecord } from '../../components/useEditedRecord';

const grid2 = { display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', columnGap: 2, rowGap: 2 } as const;

export function ProductEditor({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const editing = id !== 'new';
  const form = useForm<ProductValues>(newProductValues());
  const save = useSave(form as FormApi<unknown>, 'product');
  const { reset } = form;
  const { setBanner } = save;

  const { record: product, reloadAndFocus } = useEditedRecord({
    id, editing, fetch: (rid) => invoke('products.get', { id: rid }), toValues: productValuesOf, reset, setBanner,
  });

  const submit = () =>
    save.run(
      checkProduct(form.values),
      async () => {
        if (editing && product) {
          const p = await invoke('products.update', { id: product.id, expectedVersion: product.version, patch: toProductInput(form.values) });
          toast.success(`Product ${p.sku} saved`);
        } else {
          const p = await invoke('products.create', toProductInput(form.values));
          toast.success(`Product ${p.sku} created`);
        }
        onChanged();
        onClose();
      },
      <Button color="inherit" size="small" onClick={(e) => reloadAndFocus(e.currentTarget)}>
        Reload latest
      </Button>,
    );

  const archive = async () => {
    const p = await invoke('products.archive', { id: product!.id });
    toast.success(`Product ${p.sku} archived`);
    onChanged();
    onClose();
  };
  const reactivate = async () => {
    // The whole product goes in the patch: products.update's patch schema fills omitted fields with their defaults.
    const p = await invoke('products.update', { id: product!.id, expectedVersion: product!.version, patch: { ...toProductInput(productValuesOf(product!)), active: true } });
    toast.success(`Product ${p.sku} reactivated`);
    onChanged();
    onClose();
  };

  return (
    <FormDrawer
      open
      width={600}
      title={editing ? (product?.name ?? 'Product') : 'New product'}
      subtitle={product ? `${product.sku} · version ${product.version} · updated ${formatDateTime(product.updatedAt)}` : editing ? '' : 'Something you sell: a service, a license, goods'}
      badge={product && activeChip(product.active)}
      onClose={onClose}
      onSubmit={submit}
      ready={!editing || !!product}
      dirty={form.dirty}
      busy={save.busy}
      testId="product-form"
      saveTestId="product-save"
      submitLabel={editing ? 'Save changes' : 'Create product'}
      secondaryActions={
        product && (
          <ArchiveToggle
            active={product.active} save={save} archive={archive} reactivate={reactivate} testId="product"
            confirmTitle={`Archive ${product.name}?`}
            confirmMessage="The product becomes inactive: it stays on existing plans and invoices but is no longer offered. You can reactivate it later."
          />
        )
      }
    >
      <FormProvider value={form as FormApi<unknown>}>
        <FormBanner banner={save.banner} form={form as FormApi<unknown>} testId="product-form-banner" />
        {editing && !product ? (
          <Stack spacing={2}>
            {[0, 1, 2, 3].map((i) => (
              <Skeleton key={i} variant="rounded" height={40} />
            ))}
          </Stack>
        ) : (
          <>
            <FormSection title="Product">
              <Box sx={grid2}>
                <TextInput path="sku" label="SKU" required autoFocus placeholder="e.g. ANALYTICS-PRO" />
                <SelectInput path="kind" label="Kind" options={KIND_OPTIONS} />
                <Box sx={{ gridColumn: '1 / -1' }}>
                  <TextInput path="name" label="Name" required />
                </Box>
                <Box sx={{ gridColumn: '1 / -1' }}>
                  <TextInput path="description" label="Description" multiline minRows={3} helperText="Shown on invoices under the product name." />
                </Box>
              </Box>
            </FormSection>
            <FormSection title="Invoicing">
              <Box sx={grid2}>
                <SelectInput path="unit" label="Unit of measure" options={UNIT_OPTIONS} />
                <SelectInput path="taxCategory" label="Tax category" options={TAX_CATEGORY_OPTIONS} />
                <SwitchInput path="active" label="Active (can be sold)" />
              </Box>
            </FormSection>
          </>
        )}
      </FormProvider>
    </FormDrawer>
  );
}
