/**
 * Invoicing of sales orders: the ledger (sales_order_invoicing) of charge and credit lines an order owes to invoices,
 * computed by shared/domain/orders `invoiceDeltas` from what was ordered, shipped and already invoiced.
 *
 * - per_delivery: at release (ordered quantities); a short shipment reported later adds a credit line.
 * - on_shipment: at each shipment report (shipped quantities; a corrected report adds a credit).
 * - billing_cycle: at release (ordered quantities); the lines wait (pending) for the end of the billing period of the
 *   delivery and are then invoiced together (one invoice per subscription or customer and currency).
 * Cancelling a released order credits what was invoiced.
 * Pending ledger rows become invoice lines through `flushInvoices` (see billing-link.ts).
 */
import { invoiceDeltas, type InvoiceableLine } from '../../../shared/domain/orders';
import { newId } from '../../platform/ids';
import { type Db, type LineRow, loadLines, loadOrderRow, type OrderRow, st } from './db';
import { flushInvoices } from './billing-link';
import { updateInvoiceStatus } from './status';

const REASON_TEXT: Record<string, string> = {
  ordered: '', shipped: '', short_shipment: 'Credit for short shipment: ', correction: 'Correction: ', canceled: 'Credit for canceled order: ',
};

/**
 * Brings the order's invoicing to its target: writes ledger rows for the deltas, updates the lines' invoiced
 * quantities and the order's invoiced amount/status, then invoices what is due now. Returns the number of ledger rows.
 */
export function applyInvoicing(db: Db, orderId: string, nowIso: string, now: Date, opts: { canceled?: boolean; order?: OrderRow; lines?: LineRow[] } = {}): number {
  const o = opts.order ?? loadOrderRow(db, orderId)!;
  const lines = opts.lines ?? loadLines(db, orderId);
  const productName = (id: string | null) => (id ? ((st(db, 'SELECT sku, name FROM products WHERE id = ?').get(id) as { sku: string; name: string } | undefined) ?? null) : null);
  const inv: InvoiceableLine[] = lines.map((l) => ({
    lineId: l.id, kind: l.kind, productId: l.product_id, description: l.description, orderedQty: l.quantity, unitPrice: l.unit_price ?? '0',
    amountMinor: l.amount_minor ?? 0, taxCategory: l.tax_category, shippedQty: l.shipped_qty, backorderedQty: l.backordered_qty,
    substituteProductId: l.substitute_product_id, invoicedQty: l.invoiced_qty, invoicedMinor: l.invoiced_minor,
  }));
  const deltas = invoiceDeltas(inv, { mode: o.invoicing_mode, shipmentReported: o.shipment_reported_at !== null, canceled: opts.canceled ?? false, currency: o.currency });
  const ins = st(db, `INSERT INTO sales_order_invoicing (id, order_id, order_line_id, type, reason, description, product_id, quantity, unit_price, amount_minor, tax_category, status, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)`);
  if (deltas.length === 0) return 0;
  const upd = st(db, 'UPDATE sales_order_lines SET invoiced_qty = ?, invoiced_minor = ? WHERE id = ?');
  for (const d of deltas) {
    const sub = d.shippedProductId ? productName(d.shippedProductId) : null;
    const line = lines.find((l) => l.id === d.lineId)!;
    let description = `${REASON_TEXT[d.reason] ?? ''}${d.description}`;
    if (sub && sub.sku !== line.sku) description += ` (shipped as ${sub.sku} ${sub.name})`;
    description += ` — ${o.number ?? ''} delivery ${o.delivery_date}`;
    ins.run(newId(), orderId, d.lineId, d.type, d.reason, description, d.shippedProductId ?? d.productId, d.quantity, d.unitPrice, d.amountMinor, d.taxCategory, nowIso);
    upd.run(d.invoicedQtyAfter, d.invoicedMinorAfter, d.lineId);
    line.invoiced_qty = d.invoicedQtyAfter;
    line.invoiced_minor = d.invoicedMinorAfter;
  }
  updateInvoiceStatus(db, orderId, { order: o, lines });
  if (deltas.length && o.invoicing_mode !== 'billing_cycle') flushInvoices(db, { orderId }, nowIso, now);
  return deltas.length;
}

