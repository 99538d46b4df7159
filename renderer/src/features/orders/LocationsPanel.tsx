/** On the customer page: ship-to locations (delivery addresses) — add, edit, make default, archive. */
import AddIcon from '@mui/icons-material/Add';
import PlaceIcon from '@mui/icons-material/PlaceOutlined';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import { invoke } from '../../api/client';
import { useAppStore } from '../../app/store';
import { confirm } from '../../components/confirm';
import { CountryPicker, SwitchInput, TextInput } from '../../components/fields';
import { type FieldErrors, type FormApi, useForm } from '../../components/form';
import { FormDialog } from '../../components/FormDialog';
import { FormSection } from '../../components/FormDrawer';
import { StatusChip } from '../../components/StatusChip';
import { toast } from '../../components/toasts';
import { useSave } from '../../components/useSave';
import { addressLine, type Location } from './model';

interface LocationValues {
  name: string;
  line1: string;
  line2: string;
  postalCode: string;
  city: string;
  region: string;
  country: string;
  deliveryNotes: string;
  isDefault: boolean;
}

const grid2 = { display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', columnGap: 2, rowGap: 2 } as const;
const full = { gridColumn: '1 / -1' } as const;

export function LocationDialog({ customerId, location, defaultCountry, first, onClose, onSaved }: {
  customerId: string;
  location: Location | null;
  defaultCountry: string;
  first: boolean;
  onClose: () => void;
  onSaved: (l: Location) => void;
}) {
  const l = location;
  const form = useForm<LocationValues>({
    name: l?.name ?? '', line1: l?.line1 ?? '', line2: l?.line2 ?? '', postalCode: l?.postalCode ?? '', city: l?.city ?? '', region: l?.region ?? '',
    country: l?.country ?? defaultCountry, deliveryNotes: l?.deliveryNotes ?? '', isDefault: l?.isDefault ?? first,
  });
  const save = useSave(form as FormApi<unknown>, 'location');
  const submit = () => {
    const v = form.values;
    const e: FieldErrors = {};
    if (!v.name.trim()) e.name = 'is required';
    if (!v.line1.trim()) e.line1 = 'is required';
    if (!v.city.trim()) e.city = 'is required';
    if (!v.country) e.country = 'is required';
    return save.run(e, async () => {
      const saved = l
        ? await invoke('locations.update', { id: l.id, expectedVersion: l.version, patch: v })
        : await invoke('locations.create', { customerId, ...v });
      toast.success(`Location ${saved.name} ${l ? 'saved' : 'added'}`);
      onSaved(saved);
      onClose();
    });
  };
  return (
    <FormDialog
      title={l ? `Edit ${l.name}` : 'New ship-to location'}
      subtitle="Where deliveries go; the carrier sees the delivery notes."
      form={form as FormApi<unknown>}
      banner={save.banner}
      busy={save.busy}
      onClose={onClose}
      onSubmit={submit}
      submitLabel={l ? 'Save location' : 'Add location'}
      testId="location-dialog"
      maxWidth="md"
    >
      <Box sx={grid2}>
        <Box sx={full}>
          <TextInput path="name" label="Name" required autoFocus placeholder="e.g. Hamburg warehouse" />
        </Box>
        <Box sx={full}>
          <TextInput path="line1" label="Address line 1" required />
        </Box>
        <Box sx={full}>
          <TextInput path="line2" label="Address line 2" />
        </Box>
        <TextInput path="postalCode" label="Postal code" />
        <TextInput path="city" label="City" required />
        <TextInput path="region" label="Region / state" />
        <CountryPicker path="country" label="Country" required />
        <Box sx={full}>
          <TextInput path="deliveryNotes" label="Delivery notes" multiline minRows={2} placeholder="Gate code, opening hours, ramp…" />
        </Box>
        <SwitchInput path="isDefault" label="Default delivery address" />
      </Box>
    </FormDialog>
  );
}

export function LocationsPanel({ customerId }: { customerId: string }) {
  const [rows, setRows] = useState<Location[] | null>(null);
  const [editing, setEditing] = useState<Location | 'new' | null>(null);
  const country = useAppStore((s) => s.settings?.companyCountry) ?? 'DE';
  const load = () =>
    invoke('locations.list', { customerId, status: 'active' })
      .then((p) => setRows(p.items))
      .catch(() => setRows([]));
  useEffect(() => {
    void load();
  }, [customerId]);

  const archive = async (l: Location) => {
    const ok = await confirm({ title: `Archive ${l.name}?`, message: 'It is no longer offered for deliveries. Delivery schedules still shipping here must be moved first.', confirmLabel: 'Archive', danger: true });
    if (!ok) return;
    try {
      await invoke('locations.archive', { id: l.id });
      toast.success(`Location ${l.name} archived`);
      void load();
    } catch (e) {
      toast.error(e);
    }
  };

  return (
    <Box sx={{ mt: 3 }} data-testid="customer-locations">
      <FormSection
        title="Ship-to locations"
        action={
          <Button size="small" startIcon={<AddIcon />} onClick={() => setEditing('new')} data-testid="location-add">
            Add location
          </Button>
        }
      >
        {rows && rows.length === 0 ? (
          <Typography variant="body2" color="text.secondary" sx={{ py: 1.25, px: 1.5, border: '1px dashed', borderColor: 'divider', borderRadius: 1 }}>
            No delivery addresses. Physical goods on a delivery schedule need one.
          </Typography>
        ) : (
          <Stack spacing={1}>
            {(rows ?? []).map((l) => (
              <Paper key={l.id} variant="outlined" sx={{ borderRadius: 1.5, px: 1.75, py: 1.25, display: 'flex', gap: 1.5, alignItems: 'flex-start' }} data-testid={`location-${l.name}`}>
                <PlaceIcon fontSize="small" sx={{ color: 'text.secondary', mt: 0.25 }} />
                <Box sx={{ flex: 1, minWidth: 0 }}>
                  <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                    <Typography variant="body2" sx={{ fontWeight: 600 }}>
                      {l.name}
                    </Typography>
                    {l.isDefault && <StatusChip label="Default" tone="blue" />}
                    {l.activeSchedules > 0 && (
                      <Typography variant="caption" color="text.secondary">
                        {l.activeSchedules} schedule{l.activeSchedules === 1 ? '' : 's'}
                      </Typography>
                    )}
                  </Stack>
                  <Typography variant="body2" color="text.secondary">
                    {addressLine(l)}
                  </Typography>
                  {l.deliveryNotes && (
                    <Typography variant="caption" color="text.secondary" sx={{ fontStyle: 'italic' }}>
                      {l.deliveryNotes}
                    </Typography>
                  )}
                </Box>
                <Button size="small" onClick={() => setEditing(l)} data-testid="location-edit">
                  Edit
                </Button>
                <Button size="small" color="error" onClick={() => void archive(l)} disabled={l.activeSchedules > 0} data-testid="location-archive">
                  Archive
                </Button>
              </Paper>
            ))}
          </Stack>
        )}
      </FormSection>
      {editing && (
        <LocationDialog
          customerId={customerId}
          location={editing === 'new' ? null : editing}
          defaultCountry={country}
          first={(rows ?? []).length === 0}
          onClose={() => setEditing(null)}
          onSaved={() => void load()}
        />
      )}
    </Box>
  );
}
