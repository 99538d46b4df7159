/**
 * After release: the ERP's order number and status, shipment reports (full, partial, backordered, substituted) and
 * cancellation. Shipment reports are idempotent by (order, source, reference).
 */
import type { z } from 'zod';
import { AppError } from '../../../shared/api/errors';
import type { ErpStatusInput, ShipmentInput } from '../../../shared/api/ops/orders';
import { applyShipment, orderShipmentStatus, ShipmentError, type FulfilmentLine } from '../../../shared/domain/orders';
import { newId } from '../../platform/ids';
import { enqueueOutbox } from '../../sync/outbox';
import { nowIso, type ServiceContext } from '../context';
import { type Db, loadLines, loadOrderRow, type OrderRow, productBySku, productInfo, st, writeEvent } from './db';
import { salesOrderPayload } from './erp';
import { applyInvoicing } from './invoicing';
import { reflagStock } from './generate';
import { updateInvoiceStatus } from './status';

const RELEASED = new Set(['released', 'confirmed', 'partially_shipped', 'shipped', 'invoiced']);

export function findOrder(db: Db, by: { orderId?: string; number?: string; erpOrderNumber?: string }): OrderRow {
  let o: OrderRow | undefined;
  if (by.orderId) o = loadOrderRow(db, by.orderId);
  else if (by.number) o = st(db, 'SELECT * FROM sales_orders WHERE number = ?').get(by.number) as OrderRow | undefined;
  else if (by.erpOrderNumber) o = st(db, 'SELECT * FROM sales_orders WHERE erp_order_number = ?').get(by.erpOrderNumber) as OrderRow | undefined;
  if (!o) throw AppError.notFound('order', by.orderId ?? by.number ?? by.erpOrderNumber ?? '?');
  return o;
}

/** Statuses of the ERP that mean it accepted (confirmed) the order. */
const ERP_CONFIRMED = new Set(['confirmed', 'processing', 'done', 'quotation', 'open', 'accepted']);

export function recordErp(ctx: ServiceContext, input: z.output<typeof ErpStatusInput>): OrderRow {
  const o = findOrder(ctx.raw, input);
  return applyErpStatus(ctx.raw, o.id, { erpOrderNumber: input.erpOrderNumber ?? null, erpStatus: input.erpStatus, source: input.source }, nowIso(ctx));
}

/**
 * Records the ERP's order number and status of a released order (raw, inside the caller's transaction). For the sync
 * sender's onAck hook: `if (row.aggregateType === 'sales_order' && row.eventType === 'sales_order.released')
 * applyErpStatus(raw, row.aggregateId, { erpOrderNumber: ack.externalNumber ?? null, erpStatus: 'confirmed', source: connector }, nowIso)`.
 */
export function applyErpStatus(db: Db, orderId: string, erp: { erpOrderNumber: string | null; erpStatus: string; source?: string }, at: string): OrderRow {
  const o = findOrder(db, { orderId });
  if (!RELEASED.has(o.status) && o.status !== 'canceled') throw AppError.conflict(`order ${o.number ?? o.id} is ${o.status}: only released orders are in the ERP`);
  const confirm = o.status === 'released' && ERP_CONFIRMED.has(erp.erpStatus.toLowerCase());
  st(db, `UPDATE sales_orders SET erp_order_number = COALESCE(?, erp_order_number), erp_status = ?, erp_updated_at = ?, status = ?,
    confirmed_at = CASE WHEN ? THEN ? ELSE confirmed_at END, version = version + 1, updated_at = ? WHERE id = ?`).run(
    erp.erpOrderNumber, erp.erpStatus, at, confirm ? 'confirmed' : o.status, confirm ? 1 : 0, at, at, o.id,
  );
  writeEvent(db, newId(), o.id, at, 'erp_status', { erpOrderNumber: erp.erpOrderNumber ?? o.erp_order_number, erpStatus: erp.erpStatus }, erp.source ?? 'erp');
  return loadOrderRow(db, o.id)!;
}

export function recordShipment(ctx: ServiceContext, input: z.output<typeof ShipmentInput>): OrderRow {
  const db = ctx.raw;
  const o = findOrder(db, input);
  if (!RELEASED.has(o.status)) throw AppError.conflict(`order ${o.number ?? o.id} is ${o.status}: only released orders ship`);
  if (input.reference && st(db, `SELECT 1 FROM sales_order_events WHERE order_id = ? AND event = 'shipment' AND source = ? AND reference = ?`).get(o.id, input.source, input.reference)) {
    return o; // already recorded (webhook retried)
  }
  const at = nowIso(ctx);
  const all = loadLines(db, o.id);
  const products = all.filter((l) => l.kind === 'product');
  const reportLines = input.lines.map((r, i) => {
    let line = r.lineId ? products.find((l) => l.id === r.lineId) : undefined;
    if (!line && r.sku) {
      const hits = products.filter((l) => l.sku === r.sku);
      if (hits.length > 1) throw AppError.validation(`lines.${i}.sku`, `${r.sku} is on several lines of ${o.number}; give lineId`);
      line = hits[0];
    }
    if (!line) throw AppError.validation(`lines.${i}.${r.lineId ? 'lineId' : 'sku'}`, `order ${o.number} has no product line ${r.lineId ?? r.sku ?? ''}`);
    let substituteProductId: string | null | undefined = r.substituteProductId ?? undefined;
    if (r.substituteSku) {
      const p = productBySku(db, r.substituteSku);
      if (!p) throw AppError.validation(`lines.${i}.substituteSku`, `no product with SKU ${r.substituteSku}`);
      substituteProductId = p.id;
    } else if (substituteProductId && !productInfo(db, substituteProductId)) {
      throw AppError.validation(`lines.${i}.substituteProductId`, `product ${substituteProductId} does not exist`);
    }
    if (substituteProductId === line.product_id) substituteProductId = null;
    return { lineId: line.id, shippedQty: r.shippedQty, ...(r.backorderedQty !== undefined ? { backorderedQty: r.backorderedQty } : {}), ...(substituteProductId !== undefined ? { substituteProductId } : {}) };
  });
  let next: FulfilmentLine[];
  try {
    next = applyShipment(products.map((l) => ({ lineId: l.id, orderedQty: l.quantity, shippedQty: l.shipped_qty, backorderedQty: l.backordered_qty, substituteProductId: l.substitute_product_id })),
      { lines: reportLines, closed: input.closed, mode: input.mode });
  } catch (e) {
    if (e instanceof ShipmentError) throw AppError.validation(e.path, e.message.slice(e.path.length + 2));
    throw e;
  }
  const upd = st(db, 'UPDATE sales_order_lines SET shipped_qty = ?, backordered_qty = ?, substitute_product_id = ? WHERE id = ?');
  for (const l of next) upd.run(l.shippedQty, l.backorderedQty, l.substituteProductId, l.lineId);
  const status = orderShipmentStatus(next);
  st(db, `UPDATE sales_orders SET status = ?, shipment_reported_at = ?, shipped_at = CASE WHEN ? = 'shipped' THEN ? ELSE shipped_at END, version = version + 1, updated_at = ? WHERE id = ?`)
    .run(status, at, status, input.shippedAt ?? at, at, o.id);
  writeEvent(db, newId(), o.id, at, 'shipment', { lines: reportLines, closed: input.closed, mode: input.mode, status, shippedAt: input.shippedAt ?? null }, input.source, input.reference ?? null);
  applyInvoicing(db, o.id, at, ctx.clock.now());
  updateInvoiceStatus(db, o.id);
  return loadOrderRow(db, o.id)!;
}

export function cancelOrder(ctx: ServiceContext, id: string, reason: string): OrderRow {
  const db = ctx.raw;
  const o = findOrder(db, { orderId: id });
  const at = nowIso(ctx);
  if (o.status === 'canceled') return o;
  if (o.status === 'upcoming' || o.status === 'skipped') {
    st(db, `UPDATE sales_orders SET status = 'canceled', canceled_at = ?, cancel_reason = ?, version = version + 1, updated_at = ? WHERE id = ?`).run(at, reason, at, o.id);
    writeEvent(db, newId(), o.id, at, 'canceled', { reason });
    reflagStock(db);
    return loadOrderRow(db, o.id)!;
  }
  if (o.shipment_reported_at !== null && loadLines(db, o.id).some((l) => l.shipped_qty !== '0')) {
    throw AppError.conflict(`order ${o.number} has shipped goods: report the shipment as closed instead (what did not ship is credited)`);
  }
  st(db, `UPDATE sales_orders SET status = 'canceled', canceled_at = ?, cancel_reason = ?, version = version + 1, updated_at = ? WHERE id = ?`).run(at, reason, at, o.id);
  writeEvent(db, newId(), o.id, at, 'canceled', { reason });
  enqueueOutbox(db, at, { aggregateType: 'sales_order', aggregateId: o.id, eventType: 'sales_order.canceled', payload: salesOrderPayload(db, o.id) });
  applyInvoicing(db, o.id, at, ctx.clock.now(), { canceled: true });
  return loadOrderRow(db, o.id)!;
}
