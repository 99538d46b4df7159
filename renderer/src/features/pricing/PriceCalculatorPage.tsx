/** Price calculator: build any charge model with the tier editor and see its live preview and curve. */
import Box from '@mui/material/Box';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { CURRENCIES } from '../../../../shared/domain/money';
import { useAppStore } from '../../app/store';
import { draftOf, type ModelDraft, toModel } from './model';
import { PriceModelEditor } from './PriceModelEditor';
import { PricePreview } from './PricePreview';

const START: ModelDraft = draftOf({ type: 'graduated', tiers: [{ upTo: '5', unitPrice: '5', flatFee: '10' }, { upTo: '50', unitPrice: '3' }, { upTo: null, unitPrice: '2' }] });

export function PriceCalculatorPage() {
  const defaultCurrency = useAppStore((s) => s.settings?.defaultCurrency);
  const [currency, setCurrency] = useState<string>(defaultCurrency ?? 'EUR');
  const [draft, setDraft] = useState<ModelDraft>(START);
  const model = toModel(draft);
  return (
    <Box data-testid="price-calculator" sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', lg: 'minmax(0, 5fr) minmax(0, 6fr)' }, gap: 2.5, alignItems: 'start' }}>
      <Paper variant="outlined" sx={{ p: 2.5, borderRadius: 2 }}>
        <Stack direction="row" spacing={2} sx={{ alignItems: 'flex-start', mb: 2 }}>
          <Box sx={{ flex: 1 }}>
            <Typography variant="overline" color="text.secondary" component="h2" sx={{ lineHeight: 1.6 }}>
              Price model
            </Typography>
            <Typography variant="caption" color="text.secondary" component="p">
              Try a charge model before you put it on a plan or a contract. Nothing is saved.
            </Typography>
          </Box>
          <TextField select label="Currency" value={currency} onChange={(e) => setCurrency(e.target.value)} fullWidth={false} sx={{ width: 120 }} data-testid="calc-currency">
            {CURRENCIES.map((c) => (
              <MenuItem key={c} value={c}>
                {c}
              </MenuItem>
            ))}
          </TextField>
        </Stack>
        <PriceModelEditor value={draft} onChange={setDraft} currency={currency} testId="calc-model" />
      </Paper>
      <PricePreview model={model} currency={currency} defaultQuantity="12" testId="calc-preview" chartHeight={280} />
    </Box>
  );
}
