import { makeWorld } from '../integration/orders/helpers';
const w = await makeWorld();
const b = w.backend;
const s = await b.call('orderSchedules.create', { customerId: w.customerId, name: 'Lab consumables', pattern: { unit: 'week', every: 2, anchorDate: '2026-03-03', weekday: 2, leadDays: 5 }, invoicingMode: 'per_delivery',
  items: [{ productId: w.products['GLOVES-M']!.id, quantity: '20' }, { productId: w.products['TIPS-200']!.id, quantity: '5' }] });
const r = await b.call('orders.release', {});
console.log(r);
const list = await b.call('orders.list', {});
console.log(list.items.map(o => [o.number, o.status, o.invoiceStatus, o.deliveryDate, o.grossMinor, o.invoicedMinor]));
const inv = await b.call('invoices.list', {} as never);
console.log(JSON.stringify(inv, null, 1).slice(0, 2500));
const sh = await b.call('orders.recordShipment', { orderId: list.items[0]!.id, lines: [{ sku: 'GLOVES-M', shippedQty: '15', backorderedQty: '0' }, { sku: 'TIPS-200', shippedQty: '5' }], source: 'erp', reference: 'WH-1' });
console.log(sh.status, sh.invoiceStatus, sh.invoicing);
const inv2 = await b.call('invoices.list', {} as never);
console.log(inv2.items.map((i: any) => [i.number, i.kind, i.status, i.grossMinor, i.netMinor]));
await w.close();
