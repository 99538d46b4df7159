/**
 * Clock-driven recurring-order scenarios through backend.call (ManualClock): the release run every morning, the
 * calendar, occurrence edits, price changes, shipments and invoicing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeWorld, type World } from './helpers';

let w: World;
afterEach(async () => {
  await w?.close();
});

const fortnightly = (w: World, invoicingMode: 'per_delivery' | 'billing_cycle' | 'on_shipment' = 'billing_cycle') =>
  w.backend.call('orderSchedules.create', {
    customerId: w.customerId, name: 'Lab consumables', invoicingMode,
    pattern: { unit: 'week', every: 2, anchorDate: '2026-03-02', weekday: 2, leadDays: 5 },
    items: [{ productId: w.products['GLOVES-M']!.id, quantity: '20' }, { productId: w.products['TIPS-200']!.id, quantity: '5' }],
  });

/** Runs the release every morning at 06:00 from the clock's day up to and including `until`. */
async function releaseDaily(w: World, until: string) {
  const out = [];
  for (let d = w.clock.now().toISOString().slice(0, 10); d <= until; d = new Date(Date.parse(d) + 86_400_000).toISOString().slice(0, 10)) {
    w.clock.set(`${d}T06:00:00Z`);
    const r = await w.backend.call('orders.release', {});
    if (r.released) out.push({ date: d, numbers: [r.firstNumber, r.lastNumber], released: r.released });
  }
  return out;
}

const orders = async (w: World) => (await w.backend.call('orders.list', { sortBy: 'deliveryDate' })).items;
const invoices = async (w: World) => (await w.backend.call('invoices.list', {} as never)).items as { id: string; number: string; kind: string; netMinor: number; taxMinor: number; grossMinor: number; serviceStart: string; serviceEnd: string }[];
const invoiceLines = async (w: World, id: string) => ((await w.backend.call('invoices.get', { id } as never)) as { lines: { description: string; quantity: string; unitPrice: string; amountMinor: number }[] }).lines;

describe('recurring orders', () => {
  it('a fortnightly delivery invoiced monthly: three March deliveries on one invoice after the month', async () => {
    w = await makeWorld('2026-02-20T08:00:00Z');
    const s = await fortnightly(w);
    expect(s.description).toBe('every 2 weeks on Tuesday');
    // generated ahead (42 days): 03-03 and 03-17 and 03-31 exist as editable upcoming orders with estimates
    const upcoming = await orders(w);
    expect(upcoming.map((o) => [o.deliveryDate, o.releaseDate, o.status, o.estimated, o.netMinor])).toEqual([
      ['2026-03-03', '2026-02-26', 'upcoming', true, 23000],
      ['2026-03-17', '2026-03-12', 'upcoming', true, 23000],
      ['2026-03-31', '2026-03-26', 'upcoming', true, 23000],
    ]);
    const released = await releaseDaily(w, '2026-04-01');
    expect(released).toEqual([
      { date: '2026-02-26', numbers: ['SO-TST-000001', 'SO-TST-000001'], released: 1 },
      { date: '2026-03-12', numbers: ['SO-TST-000002', 'SO-TST-000002'], released: 1 },
      { date: '2026-03-26', numbers: ['SO-TST-000003', 'SO-TST-000003'], released: 1 },
    ]);
    const all = await orders(w);
    expect(all.filter((o) => o.number).map((o) => [o.number, o.deliveryDate, o.status, o.invoiceStatus, o.estimated])).toEqual([
      ['SO-TST-000001', '2026-03-03', 'released', 'invoiced', false],
      ['SO-TST-000002', '2026-03-17', 'released', 'invoiced', false],
      ['SO-TST-000003', '2026-03-31', 'released', 'invoiced', false],
    ]);
    // the April 14 delivery is upcoming (release 04-09), not invoiced
    expect(all.find((o) => o.deliveryDate === '2026-04-14')?.status).toBe('upcoming');
    const inv = await invoices(w);
    expect(inv).toHaveLength(1);
    // 3 × (20 × 8.50 + 5 × 12.00) = 690.00 net, 19 % = 131.10
    expect([inv[0]!.number, inv[0]!.netMinor, inv[0]!.taxMinor, inv[0]!.grossMinor, inv[0]!.serviceStart, inv[0]!.serviceEnd]).toEqual(['INV-TST-2026-000001', 69000, 13110, 82110, '2026-03-03', '2026-04-01']);
    const lines = await invoiceLines(w, inv[0]!.id);
    expect(lines.map((l) => [l.description, l.quantity, l.unitPrice, l.amountMinor])).toEqual([
      ['Nitrile gloves M (box of 100) — SO-TST-000001 delivery 2026-03-03', '20', '8.5', 17000],
      ['Pipette tips 200 µl (rack) — SO-TST-000001 delivery 2026-03-03', '5', '12', 6000],
      ['Nitrile gloves M (box of 100) — SO-TST-000002 delivery 2026-03-17', '20', '8.5', 17000],
      ['Pipette tips 200 µl (rack) — SO-TST-000002 delivery 2026-03-17', '5', '12', 6000],
      ['Nitrile gloves M (box of 100) — SO-TST-000003 delivery 2026-03-31', '20', '8.5', 17000],
      ['Pipette tips 200 µl (rack) — SO-TST-000003 delivery 2026-03-31', '5', '12', 6000],
    ]);
    // each released order went to the outbox for the ERP, once
    const outbox = w.backend.base.raw.prepare(`SELECT aggregate_id, event_type, json_extract(payload, '$.number') AS number, json_extract(payload, '$.requestedDate') AS requested FROM outbox WHERE aggregate_type = 'sales_order' ORDER BY number`).all();
    expect(outbox).toEqual([
      { aggregate_id: all[0]!.id, event_type: 'sales_order.released', number: 'SO-TST-000001', requested: '2026-03-03' },
      { aggregate_id: all[1]!.id, event_type: 'sales_order.released', number: 'SO-TST-000002', requested: '2026-03-17' },
      { aggregate_id: all[2]!.id, event_type: 'sales_order.released', number: 'SO-TST-000003', requested: '2026-03-31' },
    ]);
    // a second run the same day releases nothing (idempotent)
    const again = await w.backend.call('orders.release', {});
    expect([again.due, again.released]).toEqual([0, 0]);
  });

  it('a skipped delivery is not released, numbers stay gapless, the calendar shows it', async () => {
    w = await makeWorld('2026-02-20T08:00:00Z');
    await fortnightly(w);
    const o17 = (await orders(w)).find((o) => o.deliveryDate === '2026-03-17')!;
    const skipped = await w.backend.call('orders.updateOccurrence', { orderId: o17.id, change: { type: 'skip', reason: 'lab closed for inventory' } });
    expect([skipped.status, skipped.skipReason, skipped.editable]).toEqual(['skipped', 'lab closed for inventory', true]);
    await releaseDaily(w, '2026-04-01');
    const all = await orders(w);
    expect(all.slice(0, 3).map((o) => [o.deliveryDate, o.status, o.number])).toEqual([
      ['2026-03-03', 'released', 'SO-TST-000001'],
      ['2026-03-17', 'skipped', null],
      ['2026-03-31', 'released', 'SO-TST-000002'],
    ]);
    const inv = await invoices(w);
    expect(inv.map((i) => i.netMinor)).toEqual([46000]);
    const cal = await w.backend.call('orders.calendar', { customerId: w.customerId, from: '2026-03-01', to: '2026-05-31' });
    expect(cal.days.map((d) => [d.date, d.entries.map((e) => e.status).join(',')])).toEqual([
      ['2026-03-03', 'released'], ['2026-03-17', 'skipped'], ['2026-03-31', 'released'], ['2026-04-14', 'upcoming'], ['2026-04-28', 'upcoming'],
      ['2026-05-12', 'upcoming'], ['2026-05-26', 'projected'],
    ]);
    expect(cal.schedules.map((s) => s.description)).toEqual(['every 2 weeks on Tuesday']);
  });

  it('a one-time quantity change (rounded to packs, MOQ enforced) leaves the schedule alone', async () => {
    w = await makeWorld('2026-02-20T08:00:00Z');
    const s = await fortnightly(w, 'per_delivery');
    await w.backend.call('productAttributes.set', { productId: w.products['TIPS-200']!.id, moq: '3' });
    const o17 = (await orders(w)).find((o) => o.deliveryDate === '2026-03-17')!;
    const glovesKey = s.items[0]!.id;
    const changed = await w.backend.call('orders.updateOccurrence', { orderId: o17.id, change: { type: 'quantity', itemKey: glovesKey, quantity: '25' } });
    expect(changed.messages).toEqual(['GLOVES-M: 25 box rounded up to 30 box (3 packs of 10)']);
    expect(changed.lines.map((l) => [l.sku, l.quantity, l.originalQuantity])).toEqual([['GLOVES-M', '30', '20'], ['TIPS-200', '5', null]]);
    expect(changed.netMinor).toBe(31500);
    await expect(w.backend.call('orders.updateOccurrence', { orderId: o17.id, change: { type: 'quantity', itemKey: s.items[1]!.id, quantity: '2' } }))
      .rejects.toMatchObject({ code: 'VALIDATION', message: 'change.quantity: TIPS-200: the minimum order quantity is 3 box; 2 box requested' });
    await releaseDaily(w, '2026-03-27');
    const all = await orders(w);
    expect(all.slice(0, 3).map((o) => [o.deliveryDate, o.number, o.netMinor, o.units])).toEqual([
      ['2026-03-03', 'SO-TST-000001', 23000, '25'],
      ['2026-03-17', 'SO-TST-000002', 31500, '35'],
      ['2026-03-31', 'SO-TST-000003', 23000, '25'],
    ]);
    expect((await w.backend.call('orderSchedules.get', { id: s.id })).items.map((i) => i.quantity)).toEqual(['20', '5']);
    // asked explicitly: the change applies to the schedule (every later delivery)
    const o14 = all.find((o) => o.deliveryDate === '2026-04-14')!;
    const perm = await w.backend.call('orders.updateOccurrence', { orderId: o14.id, change: { type: 'quantity', itemKey: glovesKey, quantity: '40', applyToSchedule: true } });
    expect(perm.messages).toEqual(['the schedule now delivers 40 of this item every time']);
    expect((await w.backend.call('orderSchedules.get', { id: s.id })).items.map((i) => i.quantity)).toEqual(['40', '5']);
    expect((await orders(w)).filter((o) => o.status === 'upcoming').map((o) => o.units)).toEqual(['45', '45']);
  });

  it("a swap to a product sold in packs rounds the delivery's quantity up to whole packs (and the schedule's, when applied to it)", async () => {
    w = await makeWorld('2026-02-20T08:00:00Z');
    await w.backend.call('productAttributes.set', { productId: w.products['GLOVES-M-ECO']!.id, priceGroup: 'gloves-m', packSize: '12' } as never);
    const s = await fortnightly(w, 'per_delivery');
    const [o3, o17] = await orders(w);
    const r = await w.backend.call('orders.updateOccurrence', { orderId: o3!.id, change: { type: 'swap', itemKey: s.items[0]!.id, productId: w.products['GLOVES-M-ECO']!.id } });
    expect(r.messages).toEqual(['GLOVES-M-ECO: 20 box rounded up to 24 box (2 packs of 12)']);
    expect(r.lines.map((l) => [l.sku, l.quantity, l.amountMinor, l.originalQuantity])).toEqual([['GLOVES-M-ECO', '24', 18960, '20'], ['TIPS-200', '5', 6000, null]]);
    const perm = await w.backend.call('orders.updateOccurrence', { orderId: o17!.id, change: { type: 'swap', itemKey: s.items[0]!.id, productId: w.products['GLOVES-M-ECO']!.id, applyToSchedule: true } });
    expect(perm.lines.map((l) => [l.sku, l.quantity])).toEqual([['GLOVES-M-ECO', '24'], ['TIPS-200', '5']]);
    expect((await w.backend.call('orderSchedules.get', { id: s.id })).items.map((i) => i.quantity)).toEqual(['24', '5']);
  });

  it('a swap within the price group for one delivery, a one-off item on the next delivery, a moved date', async () => {
    w = await makeWorld('2026-02-20T08:00:00Z');
    const s = await fortnightly(w, 'per_delivery');
    const o3 = (await orders(w))[0]!;
    const swapped = await w.backend.call('orders.updateOccurrence', { orderId: o3.id, change: { type: 'swap', itemKey: s.items[0]!.id, productId: w.products['GLOVES-M-ECO']!.id } });
    expect(swapped.lines.map((l) => [l.sku, l.quantity, l.unitPrice, l.amountMinor, l.originalProductId])).toEqual([
      ['GLOVES-M-ECO', '20', '7.9', 15800, w.products['GLOVES-M']!.id], ['TIPS-200', '5', '12', 6000, null],
    ]);
    await expect(w.backend.call('orders.updateOccurrence', { orderId: o3.id, change: { type: 'swap', itemKey: s.items[1]!.id, productId: w.products['GLOVES-M']!.id } }))
      .rejects.toMatchObject({ code: 'VALIDATION', message: 'change.productId: TIPS-200 has no price group, so it cannot be swapped' });
    // "add to my next delivery": by schedule
    const added = await w.backend.call('orders.updateOccurrence', { scheduleId: s.id, change: { type: 'add', productId: w.products['COFFEE']!.id, quantity: '2' } });
    expect(added.id).toBe(o3.id);
    expect(added.lines.map((l) => [l.sku, l.quantity, l.oneOff, l.taxRate])).toEqual([['GLOVES-M-ECO', '20', false, '19'], ['TIPS-200', '5', false, '19'], ['COFFEE', '2', true, '7']]);
    // 158.00 + 60.00 at 19 % = 41.42; 36.00 coffee at 7 % = 2.52
    expect([added.netMinor, added.taxMinor]).toEqual([25400, 4394]);
    // move the 03-17 delivery to 03-19: its cut-off moves too; not past the next delivery
    const o17 = (await orders(w))[1]!;
    const moved = await w.backend.call('orders.updateOccurrence', { orderId: o17.id, change: { type: 'move', deliveryDate: '2026-03-19' } });
    expect([moved.deliveryDate, moved.releaseDate, moved.occurrenceDate, moved.moved]).toEqual(['2026-03-19', '2026-03-14', '2026-03-17', true]);
    await expect(w.backend.call('orders.updateOccurrence', { orderId: o17.id, change: { type: 'move', deliveryDate: '2026-03-31' } }))
      .rejects.toMatchObject({ message: 'change.deliveryDate: must be before the next delivery (2026-03-31); skip this one instead or move the next one first' });
    await releaseDaily(w, '2026-03-14');
    const all = await orders(w);
    expect(all.slice(0, 2).map((o) => [o.number, o.deliveryDate, o.releaseDate, o.netMinor])).toEqual([
      ['SO-TST-000001', '2026-03-03', '2026-02-26', 25400], ['SO-TST-000002', '2026-03-19', '2026-03-14', 23000],
    ]);
    // the schedule still delivers GLOVES-M and no coffee
    expect((await w.backend.call('orders.get', { id: all[2]!.id })).lines.map((l) => l.sku)).toEqual(['GLOVES-M', 'TIPS-200']);
    // a released order cannot be edited any more
    await expect(w.backend.call('orders.updateOccurrence', { orderId: o3.id, change: { type: 'skip', reason: '' } }))
      .rejects.toMatchObject({ code: 'CONFLICT', message: 'order SO-TST-000001 is released: only upcoming deliveries can be edited (it was released)' });
  });

  it('prices are fixed at release: a plan price change and a contract price between two deliveries', async () => {
    w = await makeWorld('2026-02-20T08:00:00Z');
    await fortnightly(w, 'per_delivery');
    await releaseDaily(w, '2026-03-01'); // 03-03 released at 8.50
    // the catalog price of gloves goes up to 9.00 (affects releases from now on)
    const gloves = await w.backend.call('plans.get', { id: w.products['GLOVES-M']!.planId });
    await w.backend.call('plans.update', { id: gloves.id, patch: { prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice: '9.00' } }] } });
    // a contract price for this customer: 8.00 from 03-20 (tiered: from 50 boxes 7.50)
    await w.backend.call('pricebooks.create', {
      customerId: w.customerId, planId: gloves.id, currency: 'EUR', kind: 'custom_tiers', validFrom: '2026-03-20',
      model: { type: 'volume', tiers: [{ upTo: '49', unitPrice: '8.00' }, { upTo: null, unitPrice: '7.50' }] },
    } as never);
    await releaseDaily(w, '2026-03-27');
    const all = await orders(w);
    const lines = await Promise.all(all.slice(0, 3).map(async (o) => (await w.backend.call('orders.get', { id: o.id })).lines.map((l) => `${l.sku} ${l.quantity}×${l.unitPrice} ${l.priceSource === 'catalog' ? 'catalog' : 'contract'}`)));
    expect(lines).toEqual([
      ['GLOVES-M 20×8.5 catalog', 'TIPS-200 5×12 catalog'], // released 02-26
      ['GLOVES-M 20×9 catalog', 'TIPS-200 5×12 catalog'], // released 03-12: the new catalog price
      ['GLOVES-M 20×8 contract', 'TIPS-200 5×12 contract'.replace('contract', 'catalog')], // released 03-26: the contract price of that date
    ]);
    // the first order kept its price
    expect(all.slice(0, 3).map((o) => o.netMinor)).toEqual([23000, 24000, 22000]);
    // an estimate of an upcoming order with 60 boxes uses the tier of its release date
    const o14 = all.find((o) => o.deliveryDate === '2026-04-14')!;
    const est = await w.backend.call('orders.updateOccurrence', { orderId: o14.id, change: { type: 'quantity', itemKey: (await w.backend.call('orders.get', { id: o14.id })).lines[0]!.key, quantity: '60' } });
    expect([est.estimated, est.lines[0]!.unitPrice, est.lines[0]!.amountMinor]).toEqual([true, '7.5', 45000]);
  });

  it('partial shipment with invoice on shipment; a corrected report is credited for the short quantity', async () => {
    w = await makeWorld('2026-02-26T08:00:00Z');
    await fortnightly(w, 'on_shipment');
    const r = await w.backend.call('orders.release', {});
    expect(r.released).toBe(1);
    const so = (await orders(w))[0]!;
    expect([so.number, so.invoiceStatus]).toEqual(['SO-TST-000001', 'none']); // nothing invoiced before shipping
    await w.backend.call('orders.recordErp', { orderId: so.id, erpOrderNumber: 'S-00042', erpStatus: 'confirmed' });
    w.clock.set('2026-03-03T10:00:00Z');
    // the warehouse ships 15 of 20 gloves (5 backordered) and all tips
    const p1 = await w.backend.call('orders.recordShipment', { erpOrderNumber: 'S-00042', source: 'erp', reference: 'WH/OUT/0001', lines: [{ sku: 'GLOVES-M', shippedQty: '15' }, { sku: 'TIPS-200', shippedQty: '5' }] });
    expect([p1.status, p1.invoiceStatus, p1.erpOrderNumber]).toEqual(['partially_shipped', 'partial', 'S-00042']);
    expect(p1.lines.map((l) => [l.sku, l.shippedQty, l.backorderedQty, l.fulfilment, l.invoicedQty])).toEqual([['GLOVES-M', '15', '5', 'backordered', '15'], ['TIPS-200', '5', '0', 'full', '5']]);
    // the same webhook again changes nothing
    await w.backend.call('orders.recordShipment', { erpOrderNumber: 'S-00042', source: 'erp', reference: 'WH/OUT/0001', lines: [{ sku: 'GLOVES-M', shippedQty: '15' }, { sku: 'TIPS-200', shippedQty: '5' }] });
    let inv = await invoices(w);
    expect(inv.map((i) => [i.number, i.kind, i.netMinor])).toEqual([['INV-TST-2026-000001', 'invoice', 18750]]); // 15 × 8.50 + 5 × 12.00
    // the backorder ships
    w.clock.set('2026-03-06T10:00:00Z');
    const p2 = await w.backend.call('orders.recordShipment', { orderId: so.id, source: 'erp', reference: 'WH/OUT/0002', lines: [{ sku: 'GLOVES-M', shippedQty: '20' }] });
    expect([p2.status, p2.invoiceStatus]).toEqual(['invoiced', 'invoiced']);
    // the WMS corrects: only 18 gloves actually left, the rest will not ship
    const p3 = await w.backend.call('orders.recordShipment', { orderId: so.id, source: 'wms', reference: 'ADJ-7', closed: true, lines: [{ sku: 'GLOVES-M', shippedQty: '18' }] });
    expect(p3.lines[0]!.fulfilment).toBe('partial');
    expect(p3.invoicing.map((v) => [v.type, v.reason, v.quantity, v.amountMinor])).toEqual([
      ['charge', 'shipped', '15', 12750], ['charge', 'shipped', '5', 6000], ['charge', 'shipped', '5', 4250], ['credit', 'correction', '2', -1700],
    ]);
    inv = await invoices(w);
    expect(inv.map((i) => [i.number, i.kind, i.netMinor, i.grossMinor])).toEqual([
      ['INV-TST-2026-000001', 'invoice', 18750, 22313], ['INV-TST-2026-000002', 'invoice', 4250, 5058], ['CN-TST-2026-000001', 'credit_note', 1700, 2023],
    ]);
    const cn = await invoiceLines(w, inv[2]!.id);
    expect(cn.map((l) => [l.description, l.quantity, l.amountMinor])).toEqual([['Correction: Nitrile gloves M (box of 100) — SO-TST-000001 delivery 2026-03-03', '2', 1700]]);
  });

  it('a short shipment after a per-delivery invoice is credited; a substitute is billed at the ordered price', async () => {
    w = await makeWorld('2026-02-26T08:00:00Z');
    await fortnightly(w, 'per_delivery');
    await w.backend.call('orders.release', {});
    const so = (await orders(w))[0]!;
    const shipped = await w.backend.call('orders.recordShipment', {
      number: 'SO-TST-000001', closed: true, source: 'rest', reference: 'hook-1',
      lines: [{ sku: 'GLOVES-M', shippedQty: '20', substituteSku: 'GLOVES-M-ECO' }, { sku: 'TIPS-200', shippedQty: '3' }],
    });
    expect(shipped.lines.map((l) => [l.sku, l.fulfilment, l.invoicedQty])).toEqual([['GLOVES-M', 'substituted', '20'], ['TIPS-200', 'partial', '3']]);
    expect(shipped.status).toBe('invoiced');
    const inv = await invoices(w);
    expect(inv.map((i) => [i.kind, i.netMinor])).toEqual([['invoice', 23000], ['credit_note', 2400]]);
    expect((await invoiceLines(w, inv[1]!.id)).map((l) => l.description)).toEqual([`Credit for short shipment: Pipette tips 200 µl (rack) — ${so.number} delivery 2026-03-03`]);
  });

  it('stock shortage flags with a substitute; stock.update re-flags', async () => {
    w = await makeWorld('2026-02-20T08:00:00Z');
    await fortnightly(w, 'per_delivery');
    const r = await w.backend.call('stock.update', { source: 'catalog_pull', items: [{ sku: 'GLOVES-M', available: '30' }, { sku: 'GLOVES-M-ECO', available: '100' }, { sku: 'TIPS-200', available: '500' }] });
    expect(r).toEqual({ updated: 3, shortLines: 2 });
    const all = await orders(w);
    expect(all.map((o) => o.stockShort)).toEqual([false, true, true]);
    const o2 = await w.backend.call('orders.get', { id: all[1]!.id });
    expect(o2.lines.map((l) => [l.sku, l.stockShort, l.availableQty, l.suggestedSubstituteSku])).toEqual([['GLOVES-M', true, '10', 'GLOVES-M-ECO'], ['TIPS-200', false, '495', null]]);
    // take the suggestion
    await w.backend.call('orders.updateOccurrence', { orderId: o2.id, change: { type: 'swap', itemKey: o2.lines[0]!.key, productId: o2.lines[0]!.suggestedSubstituteId! } });
    expect((await orders(w)).map((o) => o.stockShort)).toEqual([false, false, true]);
    expect((await w.backend.call('orders.list', { stockShort: true })).items.map((o) => o.deliveryDate)).toEqual(['2026-03-31']);
  });

  it('volume discount across the month and shipping fee with a free-shipping threshold', async () => {
    w = await makeWorld('2026-02-20T08:00:00Z');
    await w.backend.call('orderPolicies.set', {
      policy: {
        horizonDays: 42, defaultLeadDays: 5, shipping: [{ currency: 'EUR', fee: '9.90', freeFrom: '250' }],
        volumeDiscount: { basis: 'quantity', tiers: [{ from: '50', percent: '5' }] },
      },
    });
    await fortnightly(w, 'per_delivery');
    await releaseDaily(w, '2026-03-27');
    const all = (await orders(w)).slice(0, 3);
    // 03-03: 25 units (month total 25) → no discount; 230.00 < 250 → shipping 9.90
    // 03-17: month total 50 → 5 % (−11.50) + shipping; 03-31: 75 → 5 %
    expect(all.map((o) => [o.deliveryDate, o.goodsMinor, o.discountMinor, o.shippingMinor, o.netMinor])).toEqual([
      ['2026-03-03', 23000, 0, 990, 23990], ['2026-03-17', 23000, -1150, 990, 22840], ['2026-03-31', 23000, -1150, 990, 22840],
    ]);
  });

  it('a subscription item of a physical product gets an order schedule whose quantity follows the subscription', async () => {
    w = await makeWorld('2026-03-01T08:00:00Z');
    const sub = await w.backend.call('subscriptions.create', { customerId: w.customerId, startDate: '2026-03-01', items: [{ planId: w.products['COFFEE']!.planId, quantity: '4' }] } as never) as { id: string; items: { id: string }[] };
    const r = await w.backend.call('orders.upcoming', {});
    expect(r.problems).toEqual([]);
    const scheds = await w.backend.call('orderSchedules.list', { subscriptionId: sub.id });
    expect(scheds.items.map((s) => [s.description, s.invoicingMode, s.anchorDate, s.items.map((i) => [i.sku, i.quantity, i.subscriptionItemId])])).toEqual([
      ['every month on day 1', 'billing_cycle', '2026-04-01', [['COFFEE', '4', sub.items[0]!.id]]],
    ]);
    const up = await orders(w);
    expect(up.map((o) => [o.deliveryDate, o.units, o.subscriptionId])).toEqual([['2026-04-01', '4', sub.id]]);
    // billing does not charge the delivered item as a recurring fee as well: its orders invoice it
    await w.backend.call('billing.run', { wait: true } as never);
    const lines = w.backend.base.raw.prepare(`SELECT COUNT(*) n FROM invoice_lines WHERE item_id = ?`).get(sub.items[0]!.id) as { n: number };
    expect(lines.n).toBe(0);
  });
});
