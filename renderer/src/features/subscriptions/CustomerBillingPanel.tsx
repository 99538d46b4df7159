/** On the customer page: the customer's subscriptions and invoices, with "New subscription" for this customer. */
import AddIcon from '@mui/icons-material/Add';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import { invoke } from '../../api/client';
import { navigate } from '../../app/router';
import { formatMinorMoney } from '../../components/format';
import { FormSection } from '../../components/FormDrawer';
import { tableSx } from '../invoices/LinesTable';
import type { InvoiceSummary } from '../invoices/model';
import { itemsSummary, type Subscription } from './model';
import { SubscriptionInvoices } from './SubscriptionPage';
import { SubscriptionStatusChip } from './StatusChip';

export function CustomerBillingPanel({ customerId }: { customerId: string }) {
  const [subs, setSubs] = useState<Subscription[] | null>(null);
  const [invoices, setInvoices] = useState<InvoiceSummary[] | null>(null);
  useEffect(() => {
    invoke('subscriptions.list', { customerId, limit: 500, sortBy: 'createdAt', sortDir: 'desc' })
      .then((p) => setSubs(p.items))
      .catch(() => setSubs([]));
    invoke('invoices.list', { customerId, limit: 50, sortBy: 'createdAt', sortDir: 'desc' })
      .then((p) => setInvoices(p.items))
      .catch(() => setInvoices([]));
  }, [customerId]);
  const due = (invoices ?? []).filter((i) => i.kind === 'invoice' && i.amountDueMinor > 0 && i.status !== 'draft');
  const dueByCurrency = due.reduce<Record<string, number>>((acc, i) => ({ ...acc, [i.currency]: (acc[i.currency] ?? 0) + i.amountDueMinor }), {});

  return (
    <Box data-testid="customer-billing" sx={{ mt: 3 }}>
      <FormSection
        title="Subscriptions"
        action={
          <Button size="small" startIcon={<AddIcon />} onClick={() => navigate(['subscriptions', 'new', customerId])} data-testid="customer-new-subscription">
            New subscription
          </Button>
        }
      >
        <Paper variant="outlined" sx={{ borderRadius: 1.5, overflow: 'hidden' }} data-testid="customer-subscriptions">
          {subs && subs.length === 0 ? (
            <Typography variant="body2" color="text.secondary" sx={{ px: 2, py: 1.5 }}>
              No subscriptions.
            </Typography>
          ) : (
            <Table size="small" sx={tableSx}>
              <TableBody>
                {(subs ?? []).map((s) => (
                  <TableRow key={s.id} hover sx={{ cursor: 'pointer' }} onClick={() => navigate(['subscriptions', s.id])}>
                    <TableCell sx={{ fontWeight: 600 }}>{itemsSummary(s)}</TableCell>
                    <TableCell sx={{ whiteSpace: 'nowrap', color: 'text.secondary' }}>{s.nextBillingDate ? `next bill ${s.nextBillingDate}` : s.cancelAt ? `ended ${s.cancelAt}` : ''}</TableCell>
                    <TableCell align="right">
                      <SubscriptionStatusChip status={s.status} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </Paper>
      </FormSection>
      <FormSection
        title="Invoices"
        action={
          Object.keys(dueByCurrency).length > 0 && (
            <Stack direction="row" spacing={1}>
              {Object.entries(dueByCurrency).map(([cur, minor]) => (
                <Typography key={cur} variant="body2" sx={{ fontWeight: 600, color: '#92400e' }}>
                  {formatMinorMoney(minor, cur)} due
                </Typography>
              ))}
            </Stack>
          )
        }
      >
        <Paper variant="outlined" sx={{ borderRadius: 1.5, overflow: 'hidden' }} data-testid="customer-invoices">
          <SubscriptionInvoices rows={invoices} />
        </Paper>
      </FormSection>
    </Box>
  );
}
