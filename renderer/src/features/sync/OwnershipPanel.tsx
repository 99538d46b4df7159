/** Field ownership of the master-data pull: per product and customer field, the ERP, Cadence, or both (shared). */
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import type { OpOutput } from '../../../../shared/api/index';
import { invoke } from '../../api/client';
import { SectionCard } from '../../components/SectionCard';
import { toast } from '../../components/toasts';
import { fieldLabel } from './ConflictsPanel';

type Ownership = OpOutput<'sync.getOwnership'>;
type Owner = 'erp' | 'shared' | 'cadence';
type Entity = 'product' | 'customer';

const OWNER_HELP: Record<Owner, string> = {
  erp: "The ERP's value always wins",
  shared: 'Merged: a change on one side is taken; changes on both sides become a conflict',
  cadence: 'Edited in Cadence only; the ERP never overwrites it',
};

function OwnershipTable({ entity, value, onChange }: { entity: Entity; value: Record<string, Owner>; onChange: (field: string, owner: Owner) => void }) {
  return (
    <Table size="small" sx={{ '& td': { borderColor: 'divider', py: 0.9 }, '& td:first-of-type': { pl: 0 }, '& td:last-of-type': { pr: 0 } }}>
      <TableBody>
        {Object.entries(value).map(([field, owner]) => (
          <TableRow key={field} data-testid={`ownership-${entity}-${field}`}>
            <TableCell sx={{ fontWeight: 500, width: '40%' }}>{fieldLabel(field)}</TableCell>
            <TableCell align="right">
              <ToggleButtonGroup
                exclusive
                size="small"
                color="primary"
                value={owner}
                onChange={(_e, v: Owner | null) => v && onChange(field, v)}
                aria-label={`Owner of ${fieldLabel(field)}`}
                sx={{ '& .MuiToggleButton-root': { px: 1.25, py: 0.25, textTransform: 'none', fontWeight: 500, fontSize: '0.78rem' } }}
              >
                {(['erp', 'shared', 'cadence'] as Owner[]).map((o) => (
                  <ToggleButton key={o} value={o} title={OWNER_HELP[o]} data-testid={`ownership-${entity}-${field}-${o}`}>
                    {o === 'erp' ? 'ERP' : o === 'shared' ? 'Shared' : 'Cadence'}
                  </ToggleButton>
                ))}
              </ToggleButtonGroup>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function OwnershipPanel() {
  const [saved, setSaved] = useState<Ownership | null>(null);
  const [draft, setDraft] = useState<Ownership | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    invoke('sync.getOwnership', {})
      .then((o) => {
        setSaved(o);
        setDraft(o);
      })
      .catch((e) => toast.error(e));
  }, []);
  const dirty = JSON.stringify(saved) !== JSON.stringify(draft);

  const save = async () => {
    if (!draft) return;
    setBusy(true);
    try {
      const o = await invoke('sync.setOwnership', { product: draft.product, customer: draft.customer });
      setSaved(o);
      setDraft(o);
      toast.success('Field ownership saved: the next pull uses it');
    } catch (e) {
      toast.error(e);
    } finally {
      setBusy(false);
    }
  };
  const set = (entity: Entity) => (field: string, owner: Owner) => setDraft((d) => (d ? { ...d, [entity]: { ...d[entity], [field]: owner } } : d));

  return (
    <Box sx={{ flex: 'none' }} data-testid="sync-ownership">
      <SectionCard
        title="Field ownership"
        description="Which side owns each field a pull brings in from the ERP. ERP: its value wins. Cadence: never overwritten. Shared: merged, with conflicts when both changed."
        action={
          <>
            {dirty && <Button onClick={() => setDraft(saved)}>Discard</Button>}
            <Button variant="contained" disabled={!dirty || busy} onClick={() => void save()} data-testid="ownership-save">
              Save ownership
            </Button>
          </>
        }
      >
        {!draft ? (
          <Typography color="text.secondary">Loading…</Typography>
        ) : (
          <Stack direction={{ xs: 'column', lg: 'row' }} spacing={4}>
            <Box sx={{ flex: 1, minWidth: 0 }}>
              <Typography variant="overline" color="text.secondary" component="h3">
                Products
              </Typography>
              <OwnershipTable entity="product" value={draft.product as Record<string, Owner>} onChange={set('product')} />
            </Box>
            <Box sx={{ flex: 1, minWidth: 0 }}>
              <Typography variant="overline" color="text.secondary" component="h3">
                Customers
              </Typography>
              <OwnershipTable entity="customer" value={draft.customer as Record<string, Owner>} onChange={set('customer')} />
            </Box>
          </Stack>
        )}
      </SectionCard>
    </Box>
  );
}
