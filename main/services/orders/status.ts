/** The invoice status of a sales order, derived from its invoicing ledger and its fulfilment. */
import { dec } from '../../../shared/domain/money';
import { type Db, type LineRow, loadLines, loadOrderRow, type OrderRow, st } from './db';

/** invoice_status and invoiced_minor of an order from its ledger (and 'invoiced' status when it is also fully shipped). */
export function updateInvoiceStatus(db: Db, orderId: string, pre: { order?: OrderRow; lines?: LineRow[] } = {}): void {
  const o = pre.order ?? loadOrderRow(db, orderId)!;
  const rows = st(db, 'SELECT status, amount_minor FROM sales_order_invoicing WHERE order_id = ?').all(orderId) as { status: string; amount_minor: number }[];
  const invoicedMinor = rows.filter((r) => r.status === 'invoiced').reduce((a, r) => a + r.amount_minor, 0);
  const pending = rows.some((r) => r.status === 'pending');
  const anyInvoiced = rows.some((r) => r.status === 'invoiced');
  const lines = (pre.lines ?? loadLines(db, orderId)).filter((l) => l.kind === 'product');
  const shipped = o.shipment_reported_at !== null && lines.every((l) => dec(l.backordered_qty).isZero());
  const complete = !pending && anyInvoiced && (o.invoicing_mode !== 'on_shipment' || shipped);
  const invoiceStatus = complete ? 'invoiced' : anyInvoiced ? 'partial' : 'none';
  let status = o.status;
  if (complete && shipped && (o.status === 'shipped' || o.status === 'partially_shipped')) status = 'invoiced';
  st(db, 'UPDATE sales_orders SET invoice_status = ?, invoiced_minor = ?, status = ? WHERE id = ?').run(invoiceStatus, invoicedMinor, status, orderId);
}

