/** Create or change a delivery schedule: where, how often (weekly on a weekday, monthly on a day…), what, invoiced how. */
import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/DeleteOutlined';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import { useEffect, useState } from 'react';
import type { OpInput } from '../../../../shared/api/index';
import { invoke } from '../../api/client';
import { serverToday } from '../../app/store';
import { CodePicker, DateInput, IntegerInput, SelectInput, TextInput } from '../../components/fields';
import { type FieldErrors, type FormApi, useField, useForm } from '../../components/form';
import { FormDialog } from '../../components/FormDialog';
import { FormSection } from '../../components/FormDrawer';
import type { CodeOption } from '../../components/reference';
import { toast } from '../../components/toasts';
import { useSave } from '../../components/useSave';
import { INVOICING_LABELS, type Location, type Schedule, WEEKDAYS } from './model';

interface ItemValues {
  id?: string;
  productId: string;
  quantity: string;
}
interface ScheduleValues {
  name: string;
  locationId: string;
  unit: 'day' | 'week' | 'month';
  every: string;
  weekday: string;
  dayOfMonth: string;
  anchorDate: string;
  leadDays: string;
  endDate: string;
  invoicingMode: 'per_delivery' | 'billing_cycle' | 'on_shipment';
  poNumber: string;
  items: ItemValues[];
}

const grid3 = { display: 'grid', gridTemplateColumns: 'repeat(3, minmax(0, 1fr))', columnGap: 2, rowGap: 2 } as const;
const INT = /^\d+$/;

function Items({ products }: { products: CodeOption[] }) {
  const { value, set } = useField<ItemValues[]>('items');
  const items = value ?? [];
  return (
    <FormSection
      title="Delivered each time"
      action={
        <Button size="small" startIcon={<AddIcon />} onClick={() => set([...items, { productId: '', quantity: '1' }])} data-testid="schedule-item-add">
          Add product
        </Button>
      }
    >
      <Stack spacing={1.5}>
        {items.map((_it, i) => (
          <Box key={i} sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) 130px 36px', gap: 1.25, alignItems: 'start' }}>
            <CodePicker path={`items.${i}.productId`} label="Product" options={products} renderCode={false} required />
            <TextInput path={`items.${i}.quantity`} label="Quantity" inputMode="decimal" required />
            {items.length > 1 ? (
              <Tooltip title="Remove">
                <IconButton aria-label={`Remove product ${i + 1}`} onClick={() => set(items.filter((_x, j) => j !== i))} sx={{ mt: 0.25 }}>
                  <DeleteIcon fontSize="small" />
                </IconButton>
              </Tooltip>
            ) : (
              <Box />
            )}
          </Box>
        ))}
      </Stack>
    </FormSection>
  );
}

export function ScheduleDialog({ customerId, schedule, locations, onClose, onSaved }: {
  customerId: string;
  schedule: Schedule | null;
  locations: Location[];
  onClose: () => void;
  onSaved: (s: Schedule) => void;
}) {
  const s = schedule;
  const form = useForm<ScheduleValues>({
    name: s?.name ?? '',
    locationId: s?.locationId ?? locations.find((l) => l.isDefault)?.id ?? locations[0]?.id ?? '',
    unit: s?.unit ?? 'week',
    every: String(s?.every ?? 1),
    weekday: String(s?.weekday ?? 2),
    dayOfMonth: String(s?.dayOfMonth ?? 1),
    anchorDate: s?.anchorDate ?? serverToday(),
    leadDays: String(s?.leadDays ?? 5),
    endDate: s?.endDate ?? '',
    invoicingMode: s?.invoicingMode ?? 'per_delivery',
    poNumber: s?.poNumber ?? '',
    items: s?.items.map((i) => ({ id: i.id, productId: i.productId, quantity: i.quantity })) ?? [{ productId: '', quantity: '1' }],
  });
  const save = useSave(form as FormApi<unknown>, 'schedule');
  const [products, setProducts] = useState<CodeOption[]>([]);
  useEffect(() => {
    invoke('products.list', { active: 'active', limit: 10000, sortBy: 'name' })
      .then((p) => setProducts(p.items.map((x) => ({ code: x.id, name: `${x.name} (${x.sku})${x.kind === 'physical' ? '' : ' · service'}` }))))
      .catch(() => undefined);
  }, []);
  const v = form.values;

  const submit = () => {
    const e: FieldErrors = {};
    if (!v.locationId) e.locationId = 'is required: add a ship-to location to the customer first';
    if (!INT.test(v.every.trim()) || Number(v.every) < 1) e.every = 'must be a whole number from 1';
    if (v.unit === 'month' && (!INT.test(v.dayOfMonth.trim()) || Number(v.dayOfMonth) < 1 || Number(v.dayOfMonth) > 31)) e.dayOfMonth = 'must be a day from 1 to 31';
    if (!v.anchorDate) e.anchorDate = 'is required';
    if (!INT.test(v.leadDays.trim())) e.leadDays = 'must be a whole number of days';
    v.items.forEach((it, i) => {
      if (!it.productId) e[`items.${i}.productId`] = 'is required';
      if (!/^\d+(\.\d+)?$/.test(it.quantity.trim())) e[`items.${i}.quantity`] = 'must be a number';
    });
    return save.run(e, async () => {
      const pattern: OpInput<'orderSchedules.create'>['pattern'] = {
        unit: v.unit, every: Number(v.every), anchorDate: v.anchorDate, leadDays: Number(v.leadDays), endDate: v.endDate || null,
        weekday: v.unit === 'week' ? Number(v.weekday) : null, dayOfMonth: v.unit === 'month' ? Number(v.dayOfMonth) : null,
      };
      const items = v.items.map((it) => ({ ...(it.id ? { id: it.id } : {}), productId: it.productId, quantity: it.quantity.trim() }));
      const saved = s
        ? await invoke('orderSchedules.update', { id: s.id, expectedVersion: s.version, patch: { name: v.name, locationId: v.locationId, pattern, invoicingMode: v.invoicingMode, poNumber: v.poNumber.trim() || null, items } })
        : await invoke('orderSchedules.create', { customerId, name: v.name, locationId: v.locationId, pattern, invoicingMode: v.invoicingMode, poNumber: v.poNumber.trim() || null, items });
      toast.success(`Schedule ${s ? 'saved' : 'created'}: ${saved.description}${saved.nextDelivery ? `, next delivery ${saved.nextDelivery}` : ''}`);
      onSaved(saved);
      onClose();
    });
  };

  return (
    <FormDialog
      title={s ? 'Edit delivery schedule' : 'New delivery schedule'}
      subtitle="Upcoming orders are generated from it; each can still be changed before its cut-off."
      form={form as FormApi<unknown>}
      banner={save.banner}
      busy={save.busy}
      onClose={onClose}
      onSubmit={submit}
      submitLabel={s ? 'Save schedule' : 'Create schedule'}
      testId="schedule-dialog"
      maxWidth="md"
    >
      <FormSection title="Where and how often">
        <Box sx={grid3}>
          <TextInput path="name" label="Name" placeholder="e.g. Weekly coffee" />
          <SelectInput path="locationId" label="Ship to" options={locations.map((l) => ({ value: l.id, label: l.name, hint: l.city }))} />
          <SelectInput
            path="invoicingMode"
            label="Invoicing"
            options={Object.entries(INVOICING_LABELS).map(([value, label]) => ({ value, label }))}
          />
          <SelectInput
            path="unit"
            label="Repeats"
            options={[
              { value: 'week', label: 'Weekly' },
              { value: 'month', label: 'Monthly' },
              { value: 'day', label: 'Daily' },
            ]}
          />
          <IntegerInput path="every" label="Every" endAdornment={<InputAdornment position="end">{v.unit === 'week' ? 'weeks' : v.unit === 'month' ? 'months' : 'days'}</InputAdornment>} />
          {v.unit === 'week' ? <SelectInput path="weekday" label="On" options={WEEKDAYS} /> : v.unit === 'month' ? <IntegerInput path="dayOfMonth" label="Day of month" /> : <Box />}
          <DateInput path="anchorDate" label="First delivery on or after" required />
          <IntegerInput path="leadDays" label="Cut-off" endAdornment={<InputAdornment position="end">days before</InputAdornment>} />
          <DateInput path="endDate" label="Ends" helperText="Optional" />
          <TextInput path="poNumber" label="PO number" />
        </Box>
      </FormSection>
      <Items products={products} />
    </FormDialog>
  );
}
