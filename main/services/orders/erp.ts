/**
 * The ERP side of a released sales order.
 *
 * - `salesOrderPayload(db, id)`: the outbox payload of 'sales_order.released' / 'sales_order.canceled' (aggregateType
 *   'sales_order'): the full snapshot of the order with its ship-to address and lines.
 * - `toTrytonSale(payload)`: the Tryton 6.0 `sale.sale` it becomes, with symbolic references (party code = customer
 *   number, product code = SKU, unit, tax rate, currency code, shipment address values) that a connector resolves.
 * - `pushTrytonSale(client, sale)`: resolves the references, creates the sale (idempotent: looked up by reference =
 *   the Cadence order number first), quotes and confirms it so Tryton processes it (creates the customer shipment
 *   and allocates stock). Returns the Tryton id, number and state (the ERP order number and status that come back).
 *   `cancelTrytonSale` cancels a sale that is still draft/quotation.
 */
import { AppError } from '../../../shared/api/errors';
import { dec, Decimal, formatMinor } from '../../../shared/domain/money';
import { tDate, tDecimal, type TrytonClient } from '../../sync/connectors/tryton-rpc';
import { type Db, type LineRow, loadLines, loadOrderRow, type OrderRow, parseJson, st } from './db';

export interface ErpShipTo {
  locationId: string;
  name: string;
  line1: string;
  line2: string;
  city: string;
  postalCode: string;
  region: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  contacts: { name: string; email: string; phone?: string; role?: string }[];
  deliveryNotes: string;
}

export interface ErpSalesOrderLine {
  lineId: string;
  kind: 'product' | 'discount' | 'shipping';
  /** Catalog SKU (product lines), null for discount/shipping lines. */
  sku: string | null;
  description: string;
  /** Decimal string. */
  quantity: string;
  /** Cadence unit of measure (each, kg, box …). */
  unit: string | null;
  /** Net unit price, decimal string (negative for a discount line). */
  unitPrice: string;
  /** Net amount, integer minor units. */
  netMinor: number;
  /** Percent, decimal string ("19", "7", "0"). */
  taxRate: string;
  taxCategory: string;
}

/** Payload of sales_order.released / sales_order.canceled. Money in integer minor units + currency. */
export interface ErpSalesOrderPayload {
  id: string;
  /** Cadence's order number (SO-…): the ERP's reference. */
  number: string;
  status: string;
  customerId: string;
  customerNumber: string;
  customerName: string;
  currency: string;
  /** Release (cut-off) date, YYYY-MM-DD: the sale date. */
  orderDate: string;
  /** Requested delivery date, YYYY-MM-DD. */
  requestedDate: string;
  poNumber: string | null;
  invoicingMode: string;
  shipTo: ErpShipTo;
  lines: ErpSalesOrderLine[];
  netMinor: number;
  taxMinor: number;
  grossMinor: number;
  cancelReason?: string | null;
}

export function salesOrderPayload(db: Db, orderId: string, pre: { order?: OrderRow; lines?: LineRow[] } = {}): ErpSalesOrderPayload {
  const o = pre.order ?? loadOrderRow(db, orderId);
  if (!o) throw AppError.notFound('order', orderId);
  if (!o.number) throw AppError.conflict(`order ${orderId} has no number: it was never released`);
  const c = st(db, 'SELECT number, name FROM customers WHERE id = ?').get(o.customer_id) as { number: string; name: string };
  const po = o.schedule_id ? (st(db, 'SELECT po_number FROM order_schedules WHERE id = ?').get(o.schedule_id) as { po_number: string | null } | undefined) : undefined;
  const shipTo = parseJson<ErpShipTo | null>(o.ship_to, null);
  if (!shipTo) throw AppError.conflict(`order ${o.number} has no ship-to snapshot`);
  return {
    id: o.id, number: o.number, status: o.status, customerId: o.customer_id, customerNumber: c.number, customerName: c.name, currency: o.currency,
    orderDate: o.release_date, requestedDate: o.delivery_date, poNumber: po?.po_number ?? null, invoicingMode: o.invoicing_mode, shipTo,
    lines: (pre.lines ?? loadLines(db, orderId)).map((l) => ({
      lineId: l.id, kind: l.kind, sku: l.sku, description: l.description, quantity: l.quantity, unit: l.unit, unitPrice: l.unit_price ?? '0',
      netMinor: l.amount_minor ?? 0, taxRate: l.tax_rate ?? '0', taxCategory: l.tax_category,
    })),
    netMinor: o.net_minor, taxMinor: o.tax_minor, grossMinor: o.gross_minor,
    ...(o.status === 'canceled' ? { cancelReason: o.cancel_reason } : {}),
  };
}

// ------------------------------------------------------------------------------------------ Tryton sale.sale

export interface TrytonSaleLineDraft {
  /** sale.line.sequence */
  sequence: number;
  /** Resolved to product.product by product.template code; null = a text line with a price (shipping, discount). */
  productCode: string | null;
  description: string;
  /** sale.line.quantity (a Float in Tryton 6.0). */
  quantity: number;
  /** Cadence unit, resolved to product.uom (the product's sale unit when there is a product). */
  unit: string | null;
  /** Decimal string rounded to Tryton's price digits (4). */
  unitPrice: string;
  /** Percent rate resolved to the company's percentage tax ("0" = no tax). */
  taxRate: string;
  /** Cadence's net amount, to check Tryton's untaxed amount against. */
  netMinor: number;
}

/** A Tryton 6.0 sale.sale with symbolic references (see the module comment). */
export interface TrytonSaleDraft {
  model: 'sale.sale';
  /** sale.sale.reference: the Cadence order number (the idempotency key of the push). */
  reference: string;
  /** party.party code = Cadence customer number. */
  partyCode: string;
  currencyCode: string;
  /** sale.sale.sale_date */
  saleDate: string;
  /** sale.sale.shipping_date: when the shipping should start = the requested delivery date. */
  shippingDate: string;
  description: string;
  comment: string;
  /** Cadence invoices the customer: Tryton must not ('manual'). Shipments are created on confirmation ('order'). */
  invoiceMethod: 'manual';
  shipmentMethod: 'order';
  /** party.address of the party: found by these values or created. */
  shipmentAddress: { name: string; street: string; postalCode: string; city: string; countryCode: string };
  lines: TrytonSaleLineDraft[];
  /** Buttons to run after create: quotation, then confirmation (Tryton processes the sale and plans the shipment). */
  workflow: ['quote', 'confirm'];
  /** Cadence's net amount, to compare with Tryton's untaxed_amount (decimal string, e.g. "361.40"). */
  untaxedAmount: string;
}

const PRICE_DIGITS = 4;

export function toTrytonSale(order: ErpSalesOrderPayload): TrytonSaleDraft {
  const a = order.shipTo;
  const contacts = a.contacts.map((c) => [c.name, c.phone, c.email].filter(Boolean).join(', ')).join('; ');
  const comment = [
    order.poNumber ? `PO ${order.poNumber}` : null,
    a.deliveryNotes ? `Delivery notes: ${a.deliveryNotes}` : null,
    contacts ? `Contacts: ${contacts}` : null,
  ].filter(Boolean).join('\n');
  return {
    model: 'sale.sale',
    reference: order.number,
    partyCode: order.customerNumber,
    currencyCode: order.currency,
    saleDate: order.orderDate,
    shippingDate: order.requestedDate,
    description: `Recurring delivery ${order.number} for ${order.requestedDate}`,
    comment,
    invoiceMethod: 'manual',
    shipmentMethod: 'order',
    shipmentAddress: { name: a.name, street: [a.line1, a.line2].filter(Boolean).join('\n'), postalCode: a.postalCode, city: a.city, countryCode: a.country },
    lines: order.lines.map((l, i) => ({
      sequence: i + 1,
      productCode: l.kind === 'product' ? l.sku : null,
      description: l.description,
      quantity: Number(l.quantity),
      unit: l.unit,
      unitPrice: dec(l.unitPrice).toDecimalPlaces(PRICE_DIGITS, Decimal.ROUND_HALF_UP).toFixed(),
      taxRate: l.taxRate,
      netMinor: l.netMinor,
    })),
    workflow: ['quote', 'confirm'],
    untaxedAmount: formatMinor(order.netMinor, order.currency),
  };
}

export interface TrytonSaleResult {
  id: number;
  /** Tryton's sale number (set on quotation). */
  number: string | null;
  state: string;
  /** Tryton's untaxed amount (decimal string) for comparison with Cadence's net. */
  untaxedAmount: string;
}

export interface PushSaleOptions {
  /** Cadence unit → Tryton product.uom name (default: Unit, kg → Kilogram …). */
  units?: Record<string, string>;
  /** Stop after quotation (no confirmation). */
  confirm?: boolean;
}

const UNITS: Record<string, string> = { kg: 'Kilogram', litre: 'Liter', metre: 'Meter', hour: 'Hour', day: 'Day' };
const ANY_ACTIVE = ['active', 'in', [true, false]];

/** Creates (or finds), quotes and confirms the sale in Tryton. Throws the TrytonError or an Error with a user message. */
export async function pushTrytonSale(c: TrytonClient, sale: TrytonSaleDraft, opts: PushSaleOptions = {}): Promise<TrytonSaleResult> {
  await c.login();
  const company = c.context.company as number | undefined;
  if (!company) throw new Error('the Tryton user has no company');
  const read = async (id: number) => (await c.read<{ id: number; number: string | null; state: string; untaxed_amount: string }>('sale.sale', [id], ['id', 'number', 'state', 'untaxed_amount']))[0]!;
  const existing = await c.search('sale.sale', [['reference', '=', sale.reference], ['company', '=', company]], 0, 1);
  let id = existing[0];
  if (id === undefined) {
    const party = (await c.searchRead<{ id: number; addresses: number[] }>('party.party', [['code', '=', sale.partyCode], ANY_ACTIVE], ['id', 'addresses'], 0, 1))[0];
    if (!party) throw new Error(`customer ${sale.partyCode} is not in Tryton yet (its customer event must be synced first)`);
    const currency = (await c.search('currency.currency', [['code', '=', sale.currencyCode]], 0, 1))[0];
    if (currency === undefined) throw new Error(`currency ${sale.currencyCode} does not exist in Tryton`);
    const shipmentAddress = await findOrCreateAddress(c, party.id, sale.shipmentAddress);
    const invoiceAddress = party.addresses[0] ?? shipmentAddress;
    const uoms = new Map((await c.searchRead<{ id: number; name: string }>('product.uom', [], ['id', 'name'])).map((u) => [u.name, u.id]));
    const taxes = new Map<string, number>();
    for (const t of await c.searchRead<{ id: number; rate: string | null }>('account.tax', [['company', '=', company], ['type', '=', 'percentage'], ['parent', '=', null]], ['id', 'rate'], 0, null, [['id', 'ASC']])) {
      if (t.rate !== null && !taxes.has(dec(t.rate).toString())) taxes.set(dec(t.rate).toString(), t.id);
    }
    const lines: Record<string, unknown>[] = [];
    for (const l of sale.lines) {
      let product: { id: number; uom: number } | null = null;
      if (l.productCode) {
        const t = (await c.searchRead<{ id: number; products: number[]; sale_uom: number | null; default_uom: number }>('product.template', [['code', '=', l.productCode], ANY_ACTIVE], ['id', 'products', 'sale_uom', 'default_uom'], 0, 1))[0];
        if (!t || t.products[0] === undefined) throw new Error(`product ${l.productCode} is not in Tryton yet (its product event must be synced first)`);
        product = { id: t.products[0], uom: t.sale_uom ?? t.default_uom };
      }
      const unitName = { ...UNITS, ...opts.units }[l.unit ?? 'each'] ?? 'Unit';
      const unit = product?.uom ?? uoms.get(unitName) ?? uoms.get('Unit');
      const rate = dec(l.taxRate);
      let tax: number[] = [];
      if (!rate.isZero()) {
        const tid = taxes.get(rate.div(100).toString());
        if (tid === undefined) throw new Error(`Tryton has no percentage tax with rate ${rate.toString()}%`);
        tax = [tid];
      }
      lines.push({
        type: 'line', sequence: l.sequence, ...(product ? { product: product.id } : {}), description: l.description, quantity: l.quantity,
        unit, unit_price: tDecimal(l.unitPrice), ...(tax.length ? { taxes: [['add', tax]] } : {}),
      });
    }
    [id] = await c.create('sale.sale', [{
      company, party: party.id, currency, reference: sale.reference, description: sale.description, comment: sale.comment,
      sale_date: tDate(sale.saleDate), shipping_date: tDate(sale.shippingDate), invoice_address: invoiceAddress, shipment_address: shipmentAddress,
      invoice_method: sale.invoiceMethod, shipment_method: sale.shipmentMethod, lines: [['create', lines]],
    }]);
  }
  let s = await read(id!);
  if (s.state === 'draft') {
    await c.model('sale.sale', 'quote', [id]);
    s = await read(id!);
  }
  if (opts.confirm !== false && s.state === 'quotation') {
    await c.model('sale.sale', 'confirm', [id]);
    s = await read(id!);
  }
  return { id: s.id, number: s.number, state: s.state, untaxedAmount: String(s.untaxed_amount) };
}

async function findOrCreateAddress(c: TrytonClient, party: number, a: TrytonSaleDraft['shipmentAddress']): Promise<number> {
  const found = await c.searchRead<{ id: number; street: string | null; postal_code: string | null; city: string | null; name: string | null }>(
    'party.address', [['party', '=', party]], ['id', 'street', 'postal_code', 'city', 'name'],
  );
  const hit = found.find((x) => (x.street ?? '') === a.street && (x.postal_code ?? '') === a.postalCode && (x.city ?? '') === a.city);
  if (hit) return hit.id;
  const country = (await c.search('country.country', [['code', '=', a.countryCode]], 0, 1))[0] ?? null;
  const [id] = await c.create('party.address', [{ party, name: a.name, street: a.street, postal_code: a.postalCode, city: a.city, country, delivery: true }]);
  return id!;
}

/** Cancels the sale of a canceled Cadence order when Tryton still allows it (draft or quotation); returns its state. */
export async function cancelTrytonSale(c: TrytonClient, reference: string): Promise<string | null> {
  await c.login();
  const id = (await c.search('sale.sale', [['reference', '=', reference]], 0, 1))[0];
  if (id === undefined) return null;
  const [s] = await c.read<{ state: string }>('sale.sale', [id], ['state']);
  if (s!.state === 'quotation' || s!.state === 'draft') {
    await c.model('sale.sale', 'cancel', [id]);
    return 'cancelled';
  }
  return s!.state;
}
