/**
 * Fulfilment feedback and what it means for invoicing.
 *
 * ## Shipment reports
 * The ERP/WMS reports per order line what has shipped (cumulative totals by default, or increments) and what is
 * still to come (backordered). A line with no explicit backorder keeps the rest of its ordered quantity backordered,
 * unless the report closes the order (`closed`: nothing more will ship; the rest is short). The ERP may ship another
 * product instead (substitute). Shipped + backordered never exceeds the ordered quantity.
 * Line fulfilment: full (shipped everything), partial (some shipped, the rest short), backordered (some still to
 * come), substituted (another product shipped), not_shipped (nothing shipped, nothing to come), pending (no report).
 *
 * ## Invoicing modes
 * - per_delivery: each released order is invoiced on its own, for the ordered quantities, at release;
 * - billing_cycle: released orders are invoiced with the subscription's billing cycle (ordered quantities);
 * - on_shipment: invoices follow what shipped.
 * The invoiced quantity of a product line should be (the target):
 *   on_shipment → shipped; otherwise → ordered until a shipment report, then shipped + backordered
 *   (a short shipment is credited); a canceled order → 0.
 * `invoiceDeltas` compares the target with what was invoiced and proposes charge lines (target above) and credit
 * lines (target below, e.g. a short shipment after a per-delivery invoice, or a corrected shipment report).
 * Amounts: the full ordered quantity costs exactly the line's amount (tiered models are not linear); any other
 * quantity costs quantity × unit price rounded. A volume discount follows the goods of its tax category
 * proportionally; shipping is due in full once anything is invoiced. A substitute is billed at the ordered line's
 * unit price. Pure.
 */
import { dec, decStr, Decimal, fromMinor, toMinor, type RoundingMode } from '../money';

export type InvoicingMode = 'per_delivery' | 'billing_cycle' | 'on_shipment';
export const INVOICING_MODES: readonly InvoicingMode[] = ['per_delivery', 'billing_cycle', 'on_shipment'];

export type LineFulfilment = 'pending' | 'full' | 'partial' | 'backordered' | 'substituted' | 'not_shipped';

export interface FulfilmentLine {
  lineId: string;
  orderedQty: string;
  shippedQty: string;
  backorderedQty: string;
  substituteProductId: string | null;
}

export interface ShipmentReportLine {
  lineId: string;
  /** Cumulative shipped quantity of the line (or this shipment's quantity in 'increment' mode). */
  shippedQty: string;
  /** Still to ship. Absent: the rest of the line (or 0 when the report closes the order). */
  backorderedQty?: string;
  /** The product actually shipped instead of the ordered one. */
  substituteProductId?: string | null;
}

export interface ShipmentReport {
  lines: readonly ShipmentReportLine[];
  /** Nothing more will ship: every remaining quantity is short. */
  closed?: boolean;
  mode?: 'cumulative' | 'increment';
}

export class ShipmentError extends Error {
  override name = 'ShipmentError';
  constructor(public readonly path: string, message: string) {
    super(`${path}: ${message}`);
  }
}

/** The lines after a shipment report (rules in the module comment). Throws ShipmentError naming the bad line. */
export function applyShipment<L extends FulfilmentLine>(lines: readonly L[], report: ShipmentReport): L[] {
  const byId = new Map(lines.map((l, i) => [l.lineId, i]));
  const out = lines.map((l) => ({ ...l }));
  const touched = new Set<number>();
  report.lines.forEach((r, k) => {
    const i = byId.get(r.lineId);
    if (i === undefined) throw new ShipmentError(`lines.${k}.lineId`, `order has no line ${r.lineId}`);
    if (touched.has(i)) throw new ShipmentError(`lines.${k}.lineId`, `line ${r.lineId} is reported twice`);
    touched.add(i);
    const l = out[i]!;
    const ordered = dec(l.orderedQty);
    const s = dec(r.shippedQty);
    if (s.isNeg()) throw new ShipmentError(`lines.${k}.shippedQty`, 'must not be negative');
    const shipped = report.mode === 'increment' ? dec(l.shippedQty).plus(s) : s;
    if (shipped.gt(ordered)) throw new ShipmentError(`lines.${k}.shippedQty`, `${decStr(shipped)} shipped exceeds the ${decStr(ordered)} ordered`);
    const back = r.backorderedQty !== undefined ? dec(r.backorderedQty) : report.closed ? new Decimal(0) : ordered.minus(shipped);
    if (back.isNeg()) throw new ShipmentError(`lines.${k}.backorderedQty`, 'must not be negative');
    if (shipped.plus(back).gt(ordered)) throw new ShipmentError(`lines.${k}.backorderedQty`, `${decStr(shipped)} shipped + ${decStr(back)} backordered exceeds the ${decStr(ordered)} ordered`);
    l.shippedQty = decStr(shipped);
    l.backorderedQty = decStr(back);
    if (r.substituteProductId !== undefined) l.substituteProductId = r.substituteProductId;
  });
  if (report.closed) out.forEach((l, i) => { if (!touched.has(i)) l.backorderedQty = '0'; });
  return out;
}

export function lineFulfilment(l: FulfilmentLine, reported: boolean): LineFulfilment {
  if (!reported) return 'pending';
  const shipped = dec(l.shippedQty);
  if (l.substituteProductId && shipped.gt(0)) return 'substituted';
  if (shipped.gte(dec(l.orderedQty))) return 'full';
  if (dec(l.backorderedQty).gt(0)) return 'backordered';
  return shipped.gt(0) ? 'partial' : 'not_shipped';
}

/** 'partially_shipped' while anything is backordered, else 'shipped'. */
export function orderShipmentStatus(lines: readonly FulfilmentLine[]): 'shipped' | 'partially_shipped' {
  return lines.some((l) => dec(l.backorderedQty).gt(0)) ? 'partially_shipped' : 'shipped';
}

export interface InvoiceableLine extends FulfilmentLine {
  kind: 'product' | 'discount' | 'shipping';
  productId: string | null;
  description: string;
  unitPrice: string;
  /** The line's amount at the ordered quantity (minor units). */
  amountMinor: number;
  taxCategory: string;
  invoicedQty: string;
  invoicedMinor: number;
}

export type DeltaReason = 'ordered' | 'shipped' | 'short_shipment' | 'correction' | 'canceled';

export interface InvoiceDelta {
  lineId: string;
  lineKind: InvoiceableLine['kind'];
  type: 'charge' | 'credit';
  reason: DeltaReason;
  productId: string | null;
  /** The substitute actually shipped (product lines), else null. */
  shippedProductId: string | null;
  description: string;
  /** Positive. */
  quantity: string;
  unitPrice: string;
  /** Signed: positive for a charge, negative for a credit. */
  amountMinor: number;
  taxCategory: string;
  /** The line's invoiced quantity/amount once this delta is invoiced. */
  invoicedQtyAfter: string;
  invoicedMinorAfter: number;
}

export interface InvoiceDeltaOptions {
  mode: InvoicingMode;
  /** A shipment report has come in for this order. */
  shipmentReported: boolean;
  /** The order was canceled: everything invoiced is credited. */
  canceled?: boolean;
  currency: string;
  rounding?: RoundingMode;
}

/** The invoiced quantity a product line should have now (see the module comment). */
export function targetQuantity(l: FulfilmentLine, mode: InvoicingMode, shipmentReported: boolean): Decimal {
  if (mode === 'on_shipment') return dec(l.shippedQty);
  if (!shipmentReported) return dec(l.orderedQty);
  return dec(l.shippedQty).plus(dec(l.backorderedQty));
}

/** Amount of `q` units of a line: exactly the line amount at the ordered quantity, else q × unit price rounded. */
export function amountForQuantity(l: Pick<InvoiceableLine, 'orderedQty' | 'unitPrice' | 'amountMinor'>, q: Decimal, currency: string, rounding: RoundingMode = 'half_up'): number {
  if (q.isZero()) return 0;
  if (q.eq(dec(l.orderedQty))) return l.amountMinor;
  return toMinor(q.times(dec(l.unitPrice)), currency, rounding);
}

/** Charge and credit lines that bring an order's invoicing to its target (rules in the module comment). */
export function invoiceDeltas(lines: readonly InvoiceableLine[], opts: InvoiceDeltaOptions): InvoiceDelta[] {
  const { currency } = opts;
  const rounding = opts.rounding ?? 'half_up';
  const out: InvoiceDelta[] = [];
  const goodsTarget = new Map<string, { target: number; ordered: number }>();
  let anyGoods = false;
  for (const l of lines) {
    if (l.kind !== 'product') continue;
    const target = opts.canceled ? new Decimal(0) : targetQuantity(l, opts.mode, opts.shipmentReported);
    const targetMinor = amountForQuantity(l, target, currency, rounding);
    const g = goodsTarget.get(l.taxCategory) ?? { target: 0, ordered: 0 };
    g.target += targetMinor;
    g.ordered += l.amountMinor;
    goodsTarget.set(l.taxCategory, g);
    if (target.gt(0)) anyGoods = true;
    const dq = target.minus(dec(l.invoicedQty));
    const dAmount = targetMinor - l.invoicedMinor;
    if (dq.isZero() && dAmount === 0) continue;
    const credit = dq.isNeg() || (dq.isZero() && dAmount < 0);
    const reason: DeltaReason = !credit ? (opts.mode === 'on_shipment' ? 'shipped' : 'ordered')
      : opts.canceled ? 'canceled' : opts.shipmentReported && opts.mode !== 'on_shipment' ? 'short_shipment' : 'correction';
    out.push({
      lineId: l.lineId, lineKind: 'product', type: credit ? 'credit' : 'charge', reason, productId: l.productId,
      shippedProductId: l.substituteProductId && dec(l.shippedQty).gt(0) ? l.substituteProductId : null,
      description: l.description, quantity: decStr(dq.abs()), unitPrice: l.unitPrice, amountMinor: dAmount, taxCategory: l.taxCategory,
      invoicedQtyAfter: decStr(target), invoicedMinorAfter: targetMinor,
    });
  }
  for (const l of lines) {
    if (l.kind === 'product') continue;
    let target: number;
    if (l.kind === 'shipping') target = anyGoods ? l.amountMinor : 0;
    else {
      const g = goodsTarget.get(l.taxCategory);
      if (!g || g.ordered === 0 || g.target === 0) target = 0;
      else if (g.target === g.ordered) target = l.amountMinor;
      else target = new Decimal(l.amountMinor).times(g.target).div(g.ordered).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
    }
    const d = target - l.invoicedMinor;
    if (d === 0) continue;
    // a discount line is negative: growing it (more negative) is a "charge" of the order's invoicing
    const credit = l.kind === 'discount' ? d > 0 : d < 0;
    out.push({
      lineId: l.lineId, lineKind: l.kind, type: credit ? 'credit' : 'charge',
      reason: credit ? (opts.canceled ? 'canceled' : opts.shipmentReported && opts.mode !== 'on_shipment' ? 'short_shipment' : 'correction') : opts.mode === 'on_shipment' ? 'shipped' : 'ordered',
      productId: null, shippedProductId: null, description: l.description, quantity: '1', unitPrice: decStr(fromMinor(d, currency)),
      amountMinor: d, taxCategory: l.taxCategory, invoicedQtyAfter: target === 0 ? '0' : '1', invoicedMinorAfter: target,
    });
  }
  return out;
}

