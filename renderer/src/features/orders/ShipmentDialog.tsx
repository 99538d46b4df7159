/**
 * Record a shipment of a released or confirmed order by hand (orders.recordShipment, source "manual", cumulative):
 * the shipped quantity per product line, optionally a backordered quantity and a substitute product. "Nothing more
 * will ship" closes the order (what has not shipped is short). The drawer shows the resulting status.
 */
import Alert from '@mui/material/Alert';
import Autocomplete from '@mui/material/Autocomplete';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { invoke } from '../../api/client';
import { formatQuantity } from '../../components/format';
import { toast } from '../../components/toasts';
import { tableSx } from '../invoices/LinesTable';
import { type Order, ORDER_STATUS } from './model';

export interface ShipmentProductOption {
  id: string;
  label: string;
}

interface LineValues {
  shipped: string;
  backordered: string;
  substitute: ShipmentProductOption | null;
}

const DEC = /^\d+(\.\d+)?$/;

export function ShipmentDialog({ order, products, onClose, onDone }: { order: Order; products: ShipmentProductOption[]; onClose: () => void; onDone: (o: Order) => void }) {
  const lines = order.lines.filter((l) => l.kind === 'product');
  const [values, setValues] = useState<Record<string, LineValues>>(() =>
    Object.fromEntries(
      lines.map((l) => [
        l.id,
        {
          shipped: l.shippedQty !== '0' ? l.shippedQty : l.quantity,
          backordered: l.backorderedQty !== '0' ? l.backorderedQty : '',
          substitute: l.substituteProductId ? (products.find((p) => p.id === l.substituteProductId) ?? null) : null,
        },
      ]),
    ),
  );
  const [closed, setClosed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const setLine = (id: string, patch: Partial<LineValues>) => setValues((v) => ({ ...v, [id]: { ...v[id]!, ...patch } }));
  const invalid = lines.some((l) => {
    const v = values[l.id]!;
    return !DEC.test(v.shipped.trim()) || (v.backordered.trim() !== '' && !DEC.test(v.backordered.trim()));
  });

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const o = await invoke('orders.recordShipment', {
        orderId: order.id,
        source: 'manual',
        mode: 'cumulative',
        closed,
        lines: lines.map((l) => {
          const v = values[l.id]!;
          return {
            lineId: l.id,
            shippedQty: v.shipped.trim(),
            ...(v.backordered.trim() ? { backorderedQty: v.backordered.trim() } : {}),
            ...(v.substitute ? { substituteProductId: v.substitute.id } : {}),
          };
        }),
      });
      toast.success(`Shipment recorded: ${ORDER_STATUS[o.status].label.toLowerCase()}`);
      onDone(o);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={busy ? undefined : onClose} fullWidth maxWidth="md" aria-labelledby="shipment-dialog-title" data-testid="shipment-dialog">
      <DialogTitle id="shipment-dialog-title">Record shipment{order.number ? ` of ${order.number}` : ''}</DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          The total shipped so far per line (not just this parcel). A backordered quantity ships later; a substitute is the product shipped instead.
        </Typography>
        <Table size="small" sx={tableSx}>
          <TableHead>
            <TableRow>
              <TableCell>Product</TableCell>
              <TableCell align="right">Ordered</TableCell>
              <TableCell sx={{ width: 120 }}>Shipped</TableCell>
              <TableCell sx={{ width: 120 }}>Backordered</TableCell>
              <TableCell sx={{ width: 240 }}>Substitute</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {lines.map((l) => {
              const v = values[l.id]!;
              return (
                <TableRow key={l.id} data-testid={`shipment-line-${l.sku ?? l.id}`}>
                  <TableCell>
                    <Typography variant="body2" sx={{ fontWeight: 600 }}>
                      {l.description}
                    </Typography>
                    <Typography variant="caption" color="text.secondary">
                      {l.sku}
                    </Typography>
                  </TableCell>
                  <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                    {formatQuantity(l.quantity)}
                  </TableCell>
                  <TableCell>
                    <TextField
                      size="small"
                      value={v.shipped}
                      error={!DEC.test(v.shipped.trim())}
                      onChange={(e) => setLine(l.id, { shipped: e.target.value })}
                      slotProps={{ htmlInput: { inputMode: 'decimal', 'aria-label': `Shipped of ${l.description}`, 'data-testid': 'shipment-shipped' } }}
                    />
                  </TableCell>
                  <TableCell>
                    <TextField
                      size="small"
                      value={v.backordered}
                      placeholder="0"
                      error={v.backordered.trim() !== '' && !DEC.test(v.backordered.trim())}
                      onChange={(e) => setLine(l.id, { backordered: e.target.value })}
                      slotProps={{ htmlInput: { inputMode: 'decimal', 'aria-label': `Backordered of ${l.description}`, 'data-testid': 'shipment-backordered' } }}
                    />
                  </TableCell>
                  <TableCell>
                    <Autocomplete
                      size="small"
                      options={products.filter((p) => p.id !== l.productId)}
                      value={v.substitute}
                      onChange={(_e, p) => setLine(l.id, { substitute: p })}
                      isOptionEqualToValue={(a, b) => a.id === b.id}
                      renderInput={(params) => <TextField {...params} placeholder="None" slotProps={{ ...params.slotProps, htmlInput: { ...params.slotProps.htmlInput, 'data-testid': 'shipment-substitute' } }} />}
                    />
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
        <FormControlLabel sx={{ mt: 1.5 }} control={<Checkbox checked={closed} onChange={(e) => setClosed(e.target.checked)} slotProps={{ input: { 'data-testid': 'shipment-closed' } as object }} />} label="Nothing more will ship (the rest is short)" />
        {error && (
          <Alert severity="error" sx={{ mt: 1.5 }} data-testid="shipment-error">
            {error}
          </Alert>
        )}
      </DialogContent>
      <DialogActions sx={{ px: 3, pb: 2.25 }}>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button variant="contained" onClick={() => void submit()} disabled={busy || invalid || lines.length === 0} startIcon={busy ? <CircularProgress size={14} color="inherit" /> : undefined} data-testid="shipment-submit">
          Record shipment
        </Button>
      </DialogActions>
    </Dialog>
  );
}
