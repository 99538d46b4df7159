import { describe, expect, it } from 'vitest';
import { applyShipment, flagShortages, invoiceDeltas, lineFulfilment, orderShipmentStatus, type InvoiceableLine, type StockProduct } from '../../../shared/domain/orders';

const line = (over: Partial<InvoiceableLine>): InvoiceableLine => ({
  lineId: 'L1', kind: 'product', productId: 'p-toner', description: 'Toner 85A', orderedQty: '10', unitPrice: '12.5', amountMinor: 12500,
  taxCategory: 'standard', shippedQty: '0', backorderedQty: '0', substituteProductId: null, invoicedQty: '0', invoicedMinor: 0, ...over,
});

describe('shipment reports', () => {
  it('partial with backorder, then the backorder ships', () => {
    const lines = [line({}), line({ lineId: 'L2', orderedQty: '5', amountMinor: 2000, unitPrice: '4' })];
    const a = applyShipment(lines, { lines: [{ lineId: 'L1', shippedQty: '7' }, { lineId: 'L2', shippedQty: '5' }] });
    expect(a.map((l) => [l.shippedQty, l.backorderedQty])).toEqual([['7', '3'], ['5', '0']]);
    expect(a.map((l) => lineFulfilment(l, true))).toEqual(['backordered', 'full']);
    expect(orderShipmentStatus(a)).toBe('partially_shipped');
    const b = applyShipment(a, { lines: [{ lineId: 'L1', shippedQty: '3' }], mode: 'increment' });
    expect(b.map((l) => [l.shippedQty, l.backorderedQty])).toEqual([['10', '0'], ['5', '0']]);
    expect(orderShipmentStatus(b)).toBe('shipped');
  });

  it('closing the order makes the rest short; substitutes are recorded', () => {
    const lines = [line({}), line({ lineId: 'L2', orderedQty: '5' })];
    const a = applyShipment(lines, { lines: [{ lineId: 'L1', shippedQty: '6', substituteProductId: 'p-toner-xl' }], closed: true });
    expect(a.map((l) => [l.shippedQty, l.backorderedQty, l.substituteProductId])).toEqual([['6', '0', 'p-toner-xl'], ['0', '0', null]]);
    expect(a.map((l) => lineFulfilment(l, true))).toEqual(['substituted', 'not_shipped']);
    expect(lineFulfilment(lines[0]!, false)).toBe('pending');
    expect(lineFulfilment({ ...lines[0]!, shippedQty: '4' }, true)).toBe('partial');
    expect(orderShipmentStatus(a)).toBe('shipped');
  });

  it('refuses over-shipment and unknown lines', () => {
    expect(() => applyShipment([line({})], { lines: [{ lineId: 'L1', shippedQty: '11' }] })).toThrow('lines.0.shippedQty: 11 shipped exceeds the 10 ordered');
    expect(() => applyShipment([line({})], { lines: [{ lineId: 'L1', shippedQty: '8', backorderedQty: '3' }] })).toThrow('lines.0.backorderedQty: 8 shipped + 3 backordered exceeds the 10 ordered');
    expect(() => applyShipment([line({})], { lines: [{ lineId: 'X', shippedQty: '1' }] })).toThrow('lines.0.lineId: order has no line X');
  });
});

describe('invoicing follows the mode', () => {
  const eur = { currency: 'EUR' };

  it('per delivery: invoiced as ordered at release; a short shipment is credited', () => {
    const released = [line({})];
    const d0 = invoiceDeltas(released, { ...eur, mode: 'per_delivery', shipmentReported: false });
    expect(d0.map((d) => [d.type, d.reason, d.quantity, d.amountMinor])).toEqual([['charge', 'ordered', '10', 12500]]);
    const invoiced = [line({ invoicedQty: '10', invoicedMinor: 12500 })];
    // 7 shipped, 3 backordered: nothing to correct yet
    const partial = applyShipment(invoiced, { lines: [{ lineId: 'L1', shippedQty: '7' }] });
    expect(invoiceDeltas(partial, { ...eur, mode: 'per_delivery', shipmentReported: true })).toEqual([]);
    // the backorder is dropped: 3 short → credit 3 × 12.50
    const short = applyShipment(partial, { lines: [{ lineId: 'L1', shippedQty: '7', backorderedQty: '0' }] });
    const d = invoiceDeltas(short, { ...eur, mode: 'per_delivery', shipmentReported: true });
    expect(d.map((x) => [x.type, x.reason, x.quantity, x.unitPrice, x.amountMinor, x.invoicedQtyAfter, x.invoicedMinorAfter])).toEqual([
      ['credit', 'short_shipment', '3', '12.5', -3750, '7', 8750],
    ]);
  });

  it('on shipment: invoice what shipped, then the rest; the full quantity costs exactly the line amount', () => {
    const tiered = line({ orderedQty: '20', unitPrice: '3.5', amountMinor: 7000 });
    const s1 = applyShipment([tiered], { lines: [{ lineId: 'L1', shippedQty: '15' }] });
    const d1 = invoiceDeltas(s1, { ...eur, mode: 'on_shipment', shipmentReported: true });
    expect(d1.map((x) => [x.type, x.reason, x.quantity, x.amountMinor])).toEqual([['charge', 'shipped', '15', 5250]]);
    const s2 = applyShipment([{ ...s1[0]!, invoicedQty: '15', invoicedMinor: 5250 }], { lines: [{ lineId: 'L1', shippedQty: '20' }] });
    expect(invoiceDeltas(s2, { ...eur, mode: 'on_shipment', shipmentReported: true }).map((x) => [x.quantity, x.amountMinor])).toEqual([['5', 1750]]);
  });

  it('on shipment: a corrected (lower) shipment report is credited; a substitute is billed at the ordered price', () => {
    const l = line({ shippedQty: '10', invoicedQty: '10', invoicedMinor: 12500 });
    const c = applyShipment([l], { lines: [{ lineId: 'L1', shippedQty: '8', backorderedQty: '0', substituteProductId: 'p-toner-xl' }] });
    const d = invoiceDeltas(c, { ...eur, mode: 'on_shipment', shipmentReported: true });
    expect(d.map((x) => [x.type, x.reason, x.quantity, x.amountMinor, x.shippedProductId])).toEqual([['credit', 'correction', '2', -2500, 'p-toner-xl']]);
  });

  it('discount follows the goods of its category; shipping is due once anything is invoiced', () => {
    const lines: InvoiceableLine[] = [
      line({ lineId: 'A', orderedQty: '24', amountMinor: 30000, unitPrice: '12.5' }),
      line({ lineId: 'B', productId: 'p-paper', description: 'Paper', orderedQty: '20', amountMinor: 7000, unitPrice: '3.5' }),
      line({ lineId: 'D', kind: 'discount', productId: null, description: 'Volume discount 5 %', orderedQty: '1', amountMinor: -1850, unitPrice: '-18.5' }),
      line({ lineId: 'S', kind: 'shipping', productId: null, description: 'Shipping', orderedQty: '1', amountMinor: 990, unitPrice: '9.9' }),
    ];
    const shipped = applyShipment(lines, { lines: [{ lineId: 'A', shippedQty: '12' }] });
    const d = invoiceDeltas(shipped, { ...eur, mode: 'on_shipment', shipmentReported: true });
    // goods 150.00 of 370.00 → discount −18.50 × 150/370 = −7.50
    expect(d.map((x) => [x.lineId, x.type, x.amountMinor])).toEqual([['A', 'charge', 15000], ['D', 'charge', -750], ['S', 'charge', 990]]);
  });

  it('a canceled order credits everything invoiced', () => {
    const lines: InvoiceableLine[] = [
      line({ lineId: 'A', invoicedQty: '10', invoicedMinor: 12500 }),
      line({ lineId: 'D', kind: 'discount', productId: null, description: 'Discount', orderedQty: '1', amountMinor: -625, unitPrice: '-6.25', invoicedQty: '1', invoicedMinor: -625 }),
      line({ lineId: 'S', kind: 'shipping', productId: null, description: 'Shipping', orderedQty: '1', amountMinor: 990, unitPrice: '9.9', invoicedQty: '1', invoicedMinor: 990 }),
    ];
    const d = invoiceDeltas(lines, { ...eur, mode: 'per_delivery', shipmentReported: false, canceled: true });
    expect(d.map((x) => [x.lineId, x.type, x.reason, x.amountMinor])).toEqual([['A', 'credit', 'canceled', -12500], ['D', 'credit', 'canceled', 625], ['S', 'credit', 'canceled', -990]]);
  });
});

describe('stock shortage flags', () => {
  const p = (productId: string, sku: string, available: string | null, priceGroup: string | null = 'toner-85'): StockProduct => ({ productId, sku, available, priceGroup, active: true, kind: 'physical' });
  const products = new Map([
    ['P1', p('P1', 'TONER-85A', '30')],
    ['P2', p('P2', 'TONER-85A-XL', '100')],
    ['P3', p('P3', 'TONER-85A-ECO', '5')],
    ['P4', p('P4', 'PAPER', null, null)],
  ]);

  it('consumes stock in delivery order and suggests a substitute of the same price group with enough free stock', () => {
    const flags = flagShortages([
      { orderId: 'o2', lineKey: 'a', productId: 'P1', quantity: '20', deliveryDate: '2026-03-17' },
      { orderId: 'o1', lineKey: 'a', productId: 'P1', quantity: '20', deliveryDate: '2026-03-03' },
      { orderId: 'o3', lineKey: 'a', productId: 'P3', quantity: '8', deliveryDate: '2026-03-10' },
      { orderId: 'o3', lineKey: 'b', productId: 'P4', quantity: '999', deliveryDate: '2026-03-10' },
    ], products);
    expect(flags.map((f) => [f.orderId, f.lineKey, f.short, f.availableForLine, f.substituteProductId])).toEqual([
      ['o1', 'a', false, '30', null],
      ['o3', 'a', true, '5', 'P2'],
      ['o3', 'b', false, null, null],
      ['o2', 'a', true, '10', 'P2'],
    ]);
  });

  it('no substitute when none has enough free stock', () => {
    const flags = flagShortages([
      { orderId: 'o1', lineKey: 'a', productId: 'P3', quantity: '120', deliveryDate: '2026-03-03' },
    ], products);
    expect(flags[0]).toMatchObject({ short: true, substituteProductId: null });
  });
});
