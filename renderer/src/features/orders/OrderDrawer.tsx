/**
 * One order in a right-hand drawer. Upcoming (or skipped) deliveries are edited here before their cut-off: the
 * quantity of a line for this delivery, swap a product, add a one-off item, move the date, skip, reset. Released
 * orders show their number, fixed prices, fulfilment and history; they can be canceled until shipped.
 */
import AddIcon from '@mui/icons-material/Add';
import CheckIcon from '@mui/icons-material/Check';
import CloseIcon from '@mui/icons-material/Close';
import SwapIcon from '@mui/icons-material/SwapHoriz';
import UndoIcon from '@mui/icons-material/Undo';
import WarningIcon from '@mui/icons-material/WarningAmberOutlined';
import Alert from '@mui/material/Alert';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Divider from '@mui/material/Divider';
import Drawer from '@mui/material/Drawer';
import FormControlLabel from '@mui/material/FormControlLabel';
import IconButton from '@mui/material/IconButton';
import Link from '@mui/material/Link';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import type { OpInput } from '../../../../shared/api/index';
import { invoke } from '../../api/client';
import { hrefOf } from '../../app/router';
import { colors } from '../../app/theme';
import { confirmWithReason } from '../../components/confirm';
import { formatDateTime, formatDecimal, formatMinorAmount, formatMinorMoney, formatQuantity } from '../../components/format';
import { DetailList } from '../../components/SectionCard';
import { StatusChip } from '../../components/StatusChip';
import { toast } from '../../components/toasts';
import { tableSx } from '../invoices/LinesTable';
import { INVOICING_LABELS, type Order, type OrderLine, weekdayShort } from './model';
import { OrderStatusChip } from './OrderStatusChip';
import { ShipmentDialog } from './ShipmentDialog';

interface ProductOption {
  id: string;
  label: string;
}
type Change = OpInput<'orders.updateOccurrence'>['change'];

/** "occurrence_changed" {change:{type:'quantity',quantity:'12'}} → "Quantity changed to 12". */
function eventText(e: Order['events'][number]): string {
  const c = (e.details.change ?? null) as Record<string, unknown> | null;
  if (e.event === 'occurrence_changed' && c) {
    const later = e.details.applyToSchedule ? ' (and later deliveries)' : '';
    switch (c.type) {
      case 'quantity': return `Quantity set to ${String(c.quantity)}${later}`;
      case 'skip': return `Skipped${c.reason ? `: ${String(c.reason)}` : ''}`;
      case 'unskip': return 'Restored';
      case 'swap': return `Product swapped${later}`;
      case 'add': return `One-off item added (${String(c.quantity)})`;
      case 'remove_added': return 'One-off item removed';
      case 'move': return `Moved to ${String(c.deliveryDate)}`;
      case 'reset': return 'Changes undone';
    }
  }
  const text = e.event.replace(/[._]/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const num = { fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' } as const;

function QtyCell({ line, editable, onSet }: { line: OrderLine; editable: boolean; onSet: (q: string) => void }) {
  const [q, setQ] = useState(line.quantity);
  useEffect(() => setQ(line.quantity), [line.quantity]);
  if (!editable || line.kind !== 'product') return <>{formatQuantity(line.quantity)}</>;
  const changed = q.trim() !== line.quantity;
  const valid = /^\d+(\.\d+)?$/.test(q.trim());
  return (
    <Stack direction="row" spacing={0.5} sx={{ alignItems: 'center', justifyContent: 'flex-end' }}>
      <TextField
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && changed && valid) onSet(q.trim());
          if (e.key === 'Escape' && changed) {
            e.stopPropagation();
            setQ(line.quantity);
          }
        }}
        error={!valid}
        fullWidth={false}
        sx={{ width: 84, '& input': { textAlign: 'right', py: 0.6, fontVariantNumeric: 'tabular-nums' } }}
        slotProps={{ htmlInput: { 'aria-label': `Quantity of ${line.description}`, inputMode: 'decimal', 'data-testid': 'line-qty' } }}
      />
      <Tooltip title="Set the quantity for this delivery">
        <span>
          <IconButton size="small" color="primary" disabled={!changed || !valid} onClick={() => onSet(q.trim())} data-testid="line-qty-save" sx={{ visibility: changed ? 'visible' : 'hidden' }}>
            <CheckIcon fontSize="small" />
          </IconButton>
        </span>
      </Tooltip>
    </Stack>
  );
}

export function OrderDrawer({ orderId, onClose, onChanged }: { orderId: string; onClose: () => void; onChanged?: () => void }) {
  const [order, setOrder] = useState<Order | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [messages, setMessages] = useState<string[]>([]);
  const [toSchedule, setToSchedule] = useState(false);
  const [products, setProducts] = useState<ProductOption[]>([]);
  const [addProduct, setAddProduct] = useState<ProductOption | null>(null);
  const [addQty, setAddQty] = useState('1');
  const [swapFor, setSwapFor] = useState<string | null>(null);
  const [swapProduct, setSwapProduct] = useState<ProductOption | null>(null);
  const [moveTo, setMoveTo] = useState('');
  const [shipping, setShipping] = useState(false);

  const load = () =>
    invoke('orders.get', { id: orderId })
      .then((o) => {
        setOrder(o);
        setMoveTo(o.deliveryDate);
      })
      .catch((e) => setError((e as Error).message));
  useEffect(() => {
    void load();
    invoke('products.list', { active: 'active', limit: 10000, sortBy: 'name' })
      .then((p) => setProducts(p.items.map((x) => ({ id: x.id, label: `${x.name} (${x.sku})` }))))
      .catch(() => undefined);
  }, [orderId]);

  const change = async (c: Change, done: string) => {
    if (!order) return false;
    setBusy(true);
    try {
      const o = await invoke('orders.updateOccurrence', { orderId: order.id, expectedVersion: order.version, change: c });
      setOrder(o);
      setMoveTo(o.deliveryDate);
      setMessages(o.messages);
      toast.success(done);
      onChanged?.();
      return true;
    } catch (e) {
      toast.error(e);
      void load();
      return false;
    } finally {
      setBusy(false);
    }
  };

  const skip = async () => {
    const reason = await confirmWithReason({ title: 'Skip this delivery?', message: 'Nothing is shipped or invoiced for it; the schedule goes on with the next one.', confirmLabel: 'Skip delivery', reasonLabel: 'Reason (optional)' });
    if (reason !== null) await change({ type: 'skip', reason }, 'Delivery skipped');
  };
  const cancelOrder = async () => {
    if (!order) return;
    const reason = await confirmWithReason({ title: `Cancel ${order.number ?? 'this order'}?`, message: 'The order is canceled in Cadence and the ERP; invoiced amounts are credited.', confirmLabel: 'Cancel order', danger: true, reasonLabel: 'Reason (optional)' });
    if (reason === null) return;
    setBusy(true);
    try {
      setOrder(await invoke('orders.cancel', { id: order.id, reason }));
      toast.success('Order canceled');
      onChanged?.();
    } catch (e) {
      toast.error(e);
    } finally {
      setBusy(false);
    }
  };

  const o = order;
  const editable = !!o?.editable && o.status === 'upcoming';
  const released = !!o && !['upcoming', 'skipped'].includes(o.status);
  return (
    <Drawer anchor="right" open onClose={onClose} slotProps={{ paper: { sx: { width: { xs: '100%', md: 900 }, maxWidth: '100vw' } } }}>
      <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%' }} data-testid="order-drawer">
        <Stack direction="row" spacing={1} sx={{ px: 3, pt: 2.5, pb: 2, alignItems: 'flex-start' }}>
          <Box sx={{ flex: 1, minWidth: 0 }}>
            <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
              <Typography variant="h6" component="h2" data-testid="order-title">
                {o ? (o.number ?? `Delivery ${weekdayShort(o.deliveryDate)} ${o.deliveryDate}`) : 'Order'}
              </Typography>
              {o && <OrderStatusChip status={o.status} testId="order-status" />}
              {o?.estimated && o.status === 'upcoming' && <StatusChip label="Estimate" tone="grey" />}
              {o?.moved && <StatusChip label="Moved" tone="amber" />}
            </Stack>
            {o && (
              <Typography variant="body2" color="text.secondary" noWrap>
                <Link href={hrefOf('deliveries', o.customerId)} underline="hover">
                  {o.customerName}
                </Link>{' '}
                · {o.locationName} · {o.number ? `delivery ${o.deliveryDate}` : `order cut-off ${o.releaseDate}`}
                {o.scheduleName ? ` · ${o.scheduleName}` : ''}
              </Typography>
            )}
          </Box>
          <IconButton onClick={onClose} aria-label="Close" size="small" data-testid="order-close">
            <CloseIcon fontSize="small" />
          </IconButton>
        </Stack>
        <Divider />
        <Box sx={{ flex: 1, overflowY: 'auto', px: 3, py: 2.5 }}>
          {error && !o && <Alert severity="error">{error}</Alert>}
          {!o ? (
            !error && <Skeleton variant="rounded" height={220} />
          ) : (
            <Stack spacing={2.5}>
              {messages.length > 0 && (
                <Alert severity="info" onClose={() => setMessages([])} data-testid="order-messages">
                  {messages.map((m) => (
                    <div key={m}>{m}</div>
                  ))}
                </Alert>
              )}
              {o.status === 'skipped' && (
                <Alert
                  severity="warning"
                  action={
                    <Button color="inherit" size="small" disabled={busy} onClick={() => void change({ type: 'unskip' }, 'Delivery restored')} data-testid="order-unskip">
                      Restore
                    </Button>
                  }
                >
                  This delivery is skipped{o.skipReason ? `: ${o.skipReason}` : ''}.
                </Alert>
              )}
              {o.releaseError && <Alert severity="error">Release failed: {o.releaseError}</Alert>}

              {editable && (
                <Stack direction="row" spacing={1.5} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1.5 }} useFlexGap>
                  <TextField
                    type="date"
                    label="Delivery date"
                    value={moveTo}
                    onChange={(e) => setMoveTo(e.target.value)}
                    fullWidth={false}
                    sx={{ width: 170 }}
                    slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'data-testid': 'order-move-date' } }}
                  />
                  <Button variant="outlined" disabled={busy || !moveTo || moveTo === o.deliveryDate} onClick={() => void change({ type: 'move', deliveryDate: moveTo }, `Delivery moved to ${moveTo}`)} data-testid="order-move">
                    Move
                  </Button>
                  <Box sx={{ flex: 1 }} />
                  <FormControlLabel
                    control={<Checkbox checked={toSchedule} onChange={(e) => setToSchedule(e.target.checked)} size="small" />}
                    label={<Typography variant="body2">Quantity and swap changes also for later deliveries</Typography>}
                    data-testid="order-apply-to-schedule"
                  />
                  {o.hasOverrides && (
                    <Button startIcon={<UndoIcon />} disabled={busy} onClick={() => void change({ type: 'reset' }, 'Changes to this delivery undone')} data-testid="order-reset">
                      Reset
                    </Button>
                  )}
                  <Button color="error" variant="outlined" disabled={busy} onClick={() => void skip()} data-testid="order-skip">
                    Skip…
                  </Button>
                </Stack>
              )}

              <Box sx={{ border: `1px solid ${colors.border}`, borderRadius: 1.5, overflow: 'hidden' }}>
                <Table size="small" sx={tableSx} data-testid="order-lines">
                  <TableHead>
                    <TableRow>
                      <TableCell>Product</TableCell>
                      <TableCell align="right">Quantity</TableCell>
                      {released && <TableCell align="right">Shipped</TableCell>}
                      <TableCell align="right">Unit price</TableCell>
                      <TableCell align="right">Amount</TableCell>
                      {editable && <TableCell align="right" sx={{ width: 110 }} />}
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {o.lines.map((l) => (
                      <TableRow key={l.id} data-testid={`order-line-${l.sku ?? l.kind}`}>
                        <TableCell>
                          <Typography variant="body2" sx={{ fontWeight: l.kind === 'product' ? 600 : 400 }}>
                            {l.description}
                          </Typography>
                          <Stack direction="row" spacing={0.75} sx={{ alignItems: 'center', flexWrap: 'wrap', mt: 0.25 }} useFlexGap>
                            {l.sku && (
                              <Typography variant="caption" color="text.secondary">
                                {l.sku}
                              </Typography>
                            )}
                            {l.oneOff && <StatusChip label="One-off" tone="violet" />}
                            {l.originalQuantity && <StatusChip label={`was ${formatQuantity(l.originalQuantity)}`} tone="amber" />}
                            {l.originalProductId && <StatusChip label="Swapped" tone="amber" />}
                            {l.stockShort && (
                              <Tooltip title={`Only ${l.availableQty ?? '0'} in stock${l.suggestedSubstituteSku ? `; ${l.suggestedSubstituteSku} could replace it` : ''}`}>
                                <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.25, color: '#b45309', fontSize: '0.75rem', fontWeight: 600 }}>
                                  <WarningIcon sx={{ fontSize: 14 }} /> Short
                                </Box>
                              </Tooltip>
                            )}
                            {released && l.kind === 'product' && l.fulfilment !== 'pending' && <StatusChip label={l.fulfilment.replace('_', ' ')} tone={l.fulfilment === 'full' ? 'green' : 'amber'} />}
                          </Stack>
                          {swapFor === l.key && (
                            <Stack direction="row" spacing={1} sx={{ mt: 1, alignItems: 'center' }}>
                              <Autocomplete<ProductOption>
                                options={products.filter((p) => p.id !== l.productId)}
                                value={swapProduct}
                                onChange={(_e, v) => setSwapProduct(v)}
                                isOptionEqualToValue={(a, b) => a.id === b.id}
                                sx={{ width: 320 }}
                                autoHighlight
                                renderInput={(params) => <TextField {...params} label="Swap for" autoFocus />}
                                data-testid="line-swap-product"
                              />
                              <Button
                                variant="contained"
                                size="small"
                                disabled={!swapProduct || busy}
                                onClick={() =>
                                  swapProduct &&
                                  void change({ type: 'swap', itemKey: l.key, productId: swapProduct.id, applyToSchedule: toSchedule }, `${l.description} swapped for ${swapProduct.label}`).then((ok) => ok && setSwapFor(null))
                                }
                                data-testid="line-swap-save"
                              >
                                Swap
                              </Button>
                              <Button size="small" onClick={() => setSwapFor(null)}>
                                Cancel
                              </Button>
                            </Stack>
                          )}
                        </TableCell>
                        <TableCell align="right" sx={num}>
                          <QtyCell line={l} editable={editable} onSet={(q) => void change({ type: 'quantity', itemKey: l.key, quantity: q, applyToSchedule: toSchedule }, `${l.description}: ${q} ${toSchedule ? 'from this delivery on' : 'for this delivery'}`)} />
                        </TableCell>
                        {released && (
                          <TableCell align="right" sx={num}>
                            {l.kind === 'product' ? `${formatQuantity(l.shippedQty)}${Number(l.backorderedQty) ? ` (+${formatQuantity(l.backorderedQty)} back-ordered)` : ''}` : ''}
                          </TableCell>
                        )}
                        <TableCell align="right" sx={num}>
                          {l.unitPrice === null ? '—' : formatDecimal(l.unitPrice, o.currency)}
                        </TableCell>
                        <TableCell align="right" sx={{ ...num, fontWeight: 600 }}>
                          {l.amountMinor === null ? '—' : formatMinorAmount(l.amountMinor, o.currency)}
                        </TableCell>
                        {editable && (
                          <TableCell align="right">
                            {l.kind === 'product' &&
                              (l.oneOff ? (
                                <Button size="small" color="error" disabled={busy} onClick={() => void change({ type: 'remove_added', itemKey: l.key }, `${l.description} removed`)} data-testid="line-remove">
                                  Remove
                                </Button>
                              ) : (
                                <Button
                                  size="small"
                                  startIcon={<SwapIcon />}
                                  disabled={busy}
                                  onClick={() => {
                                    setSwapProduct(null);
                                    setSwapFor(l.key);
                                  }}
                                  data-testid="line-swap"
                                >
                                  Swap
                                </Button>
                              ))}
                          </TableCell>
                        )}
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
                {editable && (
                  <Stack direction="row" spacing={1} sx={{ px: 2, py: 1.5, alignItems: 'center', borderTop: `1px solid ${colors.border}`, bgcolor: '#fafbfc' }}>
                    <Autocomplete<ProductOption>
                      options={products}
                      value={addProduct}
                      onChange={(_e, v) => setAddProduct(v)}
                      isOptionEqualToValue={(a, b) => a.id === b.id}
                      sx={{ flex: 1, bgcolor: '#fff' }}
                      autoHighlight
                      renderInput={(params) => <TextField {...params} label="Add a one-off item to this delivery" />}
                      data-testid="order-add-product"
                    />
                    <TextField label="Qty" value={addQty} onChange={(e) => setAddQty(e.target.value)} fullWidth={false} sx={{ width: 90, bgcolor: '#fff' }} slotProps={{ htmlInput: { inputMode: 'decimal', 'data-testid': 'order-add-qty' } }} />
                    <Button
                      variant="outlined"
                      startIcon={<AddIcon />}
                      disabled={!addProduct || !/^\d+(\.\d+)?$/.test(addQty.trim()) || busy}
                      onClick={() =>
                        addProduct &&
                        void change({ type: 'add', productId: addProduct.id, quantity: addQty.trim() }, `${addProduct.label} added to this delivery`).then((ok) => {
                          if (ok) {
                            setAddProduct(null);
                            setAddQty('1');
                          }
                        })
                      }
                      data-testid="order-add"
                    >
                      Add
                    </Button>
                  </Stack>
                )}
              </Box>

              <Stack direction="row" spacing={3} sx={{ alignItems: 'flex-start' }}>
                <Box sx={{ flex: 1, minWidth: 0 }}>
                  <DetailList
                    labelWidth={130}
                    items={[
                      ['Delivery', `${weekdayShort(o.deliveryDate)} ${o.deliveryDate}${o.moved && o.occurrenceDate ? ` (scheduled ${o.occurrenceDate})` : ''}`],
                      ['Cut-off', o.releaseDate],
                      ['Invoicing', INVOICING_LABELS[o.invoicingMode] ?? o.invoicingMode],
                      ...(o.erpOrderNumber ? ([['ERP order', `${o.erpOrderNumber}${o.erpStatus ? ` · ${o.erpStatus}` : ''}`]] as [string, string][]) : []),
                      ...(o.releasedAt ? ([['Released', formatDateTime(o.releasedAt)]] as [string, string][]) : []),
                    ]}
                  />
                </Box>
                <Box sx={{ width: 300 }} data-testid="order-totals">
                  {[
                    ['Goods', o.goodsMinor],
                    ...(o.discountMinor ? [[`Volume discount ${o.discountPercent}%`, -o.discountMinor]] : []),
                    ...(o.shippingMinor ? [['Shipping', o.shippingMinor]] : []),
                    ['Net', o.netMinor],
                    ['VAT', o.taxMinor],
                  ].map(([label, minor]) => (
                    <Stack key={label as string} direction="row" sx={{ justifyContent: 'space-between', py: 0.3 }}>
                      <Typography variant="body2" color="text.secondary">
                        {label}
                      </Typography>
                      <Typography variant="body2" sx={num}>
                        {formatMinorMoney(minor as number, o.currency)}
                      </Typography>
                    </Stack>
                  ))}
                  <Stack direction="row" sx={{ justifyContent: 'space-between', pt: 1, mt: 0.5, borderTop: `1px solid ${colors.border}` }}>
                    <Typography variant="body2" sx={{ fontWeight: 700 }}>
                      Total{o.estimated ? ' (estimate)' : ''}
                    </Typography>
                    <Typography variant="body2" sx={{ ...num, fontWeight: 700 }} data-testid="order-gross">
                      {formatMinorMoney(o.grossMinor, o.currency)}
                    </Typography>
                  </Stack>
                </Box>
              </Stack>

              {o.events.length > 0 && (
                <Box>
                  <Typography variant="overline" color="text.secondary" component="h3">
                    History
                  </Typography>
                  {o.events.map((e) => (
                    <Typography key={e.id} variant="body2" sx={{ py: 0.25 }}>
                      <Box component="span" sx={{ color: 'text.secondary', mr: 1 }}>
                        {formatDateTime(e.at)}
                      </Box>
                      {eventText(e)}
                      {e.reference ? ` · ${e.reference}` : ''}
                      <Box component="span" sx={{ color: 'text.secondary' }}> ({e.source})</Box>
                    </Typography>
                  ))}
                </Box>
              )}
            </Stack>
          )}
        </Box>
        {o && released && ['released', 'confirmed', 'partially_shipped'].includes(o.status) && (
          <>
            <Divider />
            <Stack direction="row" spacing={1} sx={{ px: 3, py: 1.5, bgcolor: 'grey.50' }}>
              <Button variant="contained" disabled={busy} onClick={() => setShipping(true)} data-testid="order-record-shipment">
                {o.status === 'partially_shipped' ? 'Record further shipment…' : 'Record shipment…'}
              </Button>
              <Box sx={{ flex: 1 }} />
              {o.status !== 'partially_shipped' && (
                <Button color="error" variant="outlined" disabled={busy} onClick={() => void cancelOrder()} data-testid="order-cancel">
                  Cancel order…
                </Button>
              )}
            </Stack>
          </>
        )}
      </Box>
      {o && shipping && (
        <ShipmentDialog
          order={o}
          products={products}
          onClose={() => setShipping(false)}
          onDone={(n) => {
            setOrder(n);
            setShipping(false);
            onChanged?.();
          }}
        />
      )}
    </Drawer>
  );
}
