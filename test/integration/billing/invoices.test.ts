/**
 * Invoices and money: tax (19 % DE, reverse charge for an EU business abroad, exempt buyer, per-line rounding),
 * snapshots frozen at finalization, payments (partial, full, overpayment refused) and dunning (past_due and back),
 * void with re-billing (the void invoice keeps its number; numbers stay gapless), manual credit notes, write-offs,
 * the outbox rows of each event with the ERP payload shape, and the EN 16931 document mapping.
 */
import JSZip from 'jszip';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateDocument, validateDocumentArithmetic } from '../../../shared/domain/documents';
import { REVERSE_CHARGE_NOTE } from '../../../shared/domain/tax';
import { invoiceDocumentOf } from '../../../main/services/billing/documents';
import { getOutboxRow } from '../../../main/sync/outbox';
import { at, lineView, months, world, type World } from './helpers';

let w: World;
afterEach(async () => w?.close());

/** Outbox rows as the sender reads them (a finalized document's payload is rendered from the document). */
const outbox = (w: World, type?: string) =>
  (w.b.base.raw.prepare(`SELECT id FROM outbox ${type ? 'WHERE aggregate_type = ?' : ''} ORDER BY rowid`).all(...(type ? [type] : [])) as { id: string }[])
    .map((r) => getOutboxRow(w.b.base.raw, r.id)!)
    .map((r) => ({ type: r.aggregateType, id: r.aggregateId, event: r.eventType, payload: r.payload as Record<string, any> }));

describe('tax', () => {
  it('reverse charge for a French business with a VAT id: AE 0 % with the legal note; exempt buyer: E', async () => {
    w = await world('2026-01-01');
    const fr = await w.customer({ country: 'FR', vatId: 'FR40303265045', billingAddress: { line1: '1 rue X', city: 'Lyon', postalCode: '69002', country: 'FR' } });
    const exempt = await w.customer({ taxStatus: 'exempt' });
    const s1 = await w.b.call('subscriptions.create', { customerId: fr, items: [{ planId: w.plans['SEAT-M']!, quantity: '3' }] });
    const s2 = await w.b.call('subscriptions.create', { customerId: exempt, items: [{ planId: w.plans['SEAT-M']!, quantity: '3' }] });
    await w.runOn('2026-01-01');
    const [a] = await w.docs(s1.id);
    expect(a!.taxBreakdown).toEqual([{ category: 'AE', rate: '0', taxableMinor: 3000, taxMinor: 0, exemptionReason: 'Reverse charge', exemptionReasonCode: 'VATEX-EU-AE' }]);
    expect(a!.notes).toEqual([REVERSE_CHARGE_NOTE]);
    expect(a!.grossMinor).toBe(3000);
    expect(a!.customerSnapshot).toMatchObject({ country: 'FR', vatId: 'FR40303265045' });
    const [b] = await w.docs(s2.id);
    expect(b!.lines[0]).toMatchObject({ taxCode: 'E', taxRate: '0', taxMinor: 0 });
  });

  it('rounds per invoice by default (3 × 0.05 at 19 % → 0.03) and per line when configured (3 × 0.01 → 0.03 … )', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const cheap = await w.b.call('plans.create', { productId: w.productId, code: 'CHEAP', name: 'Cheap', interval: 'month', prices: [{ currency: 'EUR', model: { type: 'flat', price: '0.05' } }] });
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: cheap.id }, { planId: cheap.id }, { planId: cheap.id }] });
    await w.runOn('2026-01-01');
    // per invoice: 0.15 × 19 % = 0.0285 → 0.03; per line: 3 × round(0.0095) = 3 × 0.01 = 0.03 … with 0.05: 0.0095 → 0.01
    expect((await w.docs(s.id))[0]!.taxMinor).toBe(3);
    await w.b.call('billing.updateSettings', { taxRounding: 'per_line' });
    const cheaper = await w.b.call('plans.create', { productId: w.productId, code: 'CHEAPER', name: 'Cheaper', interval: 'month', prices: [{ currency: 'EUR', model: { type: 'flat', price: '0.02' } }] });
    const s2 = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: cheaper.id }, { planId: cheaper.id }, { planId: cheaper.id }] });
    await w.runOn('2026-01-02');
    // per line: round(0.0038) = 0.00 each → 0.00; per invoice it would be round(0.0114) = 0.01
    expect((await w.docs(s2.id))[0]!.taxMinor).toBe(0);
  });

  it('freezes the customer and seller at finalization: later edits do not change the issued invoice', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']! }], poNumber: 'PO-77', buyerReference: 'Dept. 4' });
    await w.runOn('2026-01-01');
    await w.b.call('customers.update', { id: c, patch: { name: 'Renamed AG', billingAddress: { line1: 'Neuer Weg 2', city: 'Hamburg', postalCode: '20095', country: 'DE' } } });
    await w.b.call('settings.update', { companyName: 'Other Seller GmbH' });
    const [inv] = await w.docs(s.id);
    expect(inv!.customerSnapshot).toMatchObject({ name: 'Customer 1 GmbH', address: { line1: 'Hauptstraße 1', city: 'Berlin' } });
    expect(inv!.sellerSnapshot).toMatchObject({ name: 'Cadence Test GmbH', country: 'DE' });
    expect([inv!.poNumber, inv!.buyerReference]).toEqual(['PO-77', 'Dept. 4']);
    const doc = invoiceDocumentOf(w.b.base.raw, inv!.id);
    expect(doc.buyer.legalName).toBe('Customer 1 GmbH');
    expect(doc.orderReference).toBe('PO-77');
    expect(doc.buyerReference).toBe('Dept. 4');
  });
});

describe('payments and dunning', () => {
  it('partial → partially_paid, full → paid; overpaying is refused; overdue → past_due, paid → active again', async () => {
    w = await world('2026-01-01', { dunningGraceDays: 0 });
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']! }] });
    await w.runOn('2026-01-01');
    const [inv] = await w.docs(s.id);
    expect(inv!.dueDate).toBe('2026-01-15');
    w.clock.set(at('2026-01-10'));
    const p1 = await w.b.call('payments.record', { invoiceId: inv!.id, amountMinor: 1000, reference: 'SEPA 1' });
    expect(p1.invoice).toMatchObject({ status: 'partially_paid', paidMinor: 1000, amountDueMinor: 2570 });
    await expect(w.b.call('payments.record', { invoiceId: inv!.id, amountMinor: 9999 })).rejects.toMatchObject({ code: 'VALIDATION', details: { fields: [{ path: 'amountMinor' }] } });
    await w.runOn('2026-01-15');
    expect((await w.b.call('subscriptions.get', { id: s.id })).status).toBe('active');
    await w.runOn('2026-01-16');
    expect((await w.b.call('subscriptions.get', { id: s.id })).status).toBe('past_due');
    const overdue = await w.b.call('invoices.list', { overdue: true });
    expect(overdue.items.map((i) => i.id)).toEqual([inv!.id]);
    w.clock.set(at('2026-01-20'));
    const p2 = await w.b.call('payments.record', { invoiceId: inv!.id, amountMinor: 2570 });
    expect(p2.invoice).toMatchObject({ status: 'paid', amountDueMinor: 0, overdue: false });
    expect((await w.b.call('subscriptions.get', { id: s.id })).status).toBe('active');
    const tl = await w.b.call('subscriptions.timeline', { id: s.id });
    expect(tl.map((e) => [e.event, e.effectiveDate])).toEqual([['created', '2026-01-01'], ['past_due', '2026-01-16'], ['payment_recovered', '2026-01-20']]);
    const pays = outbox(w, 'payment');
    expect(pays.map((p) => [p.event, p.payload.amountMinor, p.payload.invoiceNumber])).toEqual([['payment.recorded', 1000, inv!.number], ['payment.recorded', 2570, inv!.number]]);
  });

  it('writes off an invoice as uncollectible (it no longer counts as overdue)', async () => {
    w = await world('2026-01-01', { dunningGraceDays: 0 });
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']! }] });
    await w.runOn('2026-01-01');
    await w.runOn('2026-01-20');
    expect((await w.b.call('subscriptions.get', { id: s.id })).status).toBe('past_due');
    const [inv] = await w.docs(s.id);
    const u = await w.b.call('invoices.markUncollectible', { id: inv!.id, reason: 'insolvent' });
    expect(u.status).toBe('uncollectible');
    expect((await w.b.call('subscriptions.get', { id: s.id })).status).toBe('active');
  });
});

describe('void, credit notes and numbering', () => {
  it('a voided invoice keeps its number; its period is billed again under the next number; numbers stay gapless', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, quantity: '3' }] });
    for (const d of months('2026-01-01', 2)) await w.runOn(d);
    const [jan, feb] = await w.docs(s.id);
    w.clock.set(at('2026-02-05'));
    await w.b.call('customers.update', { id: c, patch: { billingAddress: { line1: 'Korrekt 1', city: 'Köln', postalCode: '50667', country: 'DE' } } });
    const v = await w.b.call('invoices.void', { id: feb!.id, reason: 'wrong address' });
    expect(v).toMatchObject({ status: 'void', number: feb!.number, voidReason: 'wrong address' });
    await expect(w.b.call('invoices.void', { id: feb!.id, reason: 'again' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await w.runOn('2026-02-05');
    const docs = await w.docs(s.id);
    expect(docs.map((d) => [d.status, Number(d.number!.split('-').pop()), lineView(d)])).toEqual([
      ['finalized', 1, ['charge 2026-01-01→2026-02-01 3000']],
      ['void', 2, ['charge 2026-02-01→2026-03-01 3000']],
      ['finalized', 3, ['charge 2026-02-01→2026-03-01 3000']],
    ]);
    expect(docs[2]!.customerSnapshot?.address).toMatchObject({ city: 'Köln' });
    expect(outbox(w, 'invoice').map((o) => [o.event, o.payload.number])).toEqual([
      ['invoice.finalized', jan!.number], ['invoice.finalized', feb!.number], ['invoice.voided', feb!.number], ['invoice.finalized', docs[2]!.number],
    ]);
    // the database refuses a second billed line with the same key
    const line = w.b.base.raw.prepare(`SELECT * FROM invoice_lines WHERE invoice_id = ?`).get(docs[2]!.id) as Record<string, unknown>;
    expect(() => w.b.base.raw.prepare(`INSERT INTO invoice_lines (id, invoice_id, position, line_key, billed, kind, description, quantity, unit_price, period_unit_price, amount_minor)
      VALUES ('x', ?, 9, ?, 1, 'charge', 'dup', '1', '1', '1', 1)`).run(docs[2]!.id, line.line_key)).toThrow(/UNIQUE constraint failed: invoice_lines.line_key/);
  });

  it('credit notes: chosen lines, then the rest; their own series; totals and outbox payload reference the invoice', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, quantity: '3' }, { planId: w.plans['SUPPORT-M']! }] });
    await w.runOn('2026-01-01');
    const [inv] = await w.docs(s.id);
    expect(inv!.netMinor).toBe(5000);
    const cn1 = await w.b.call('invoices.createCreditNote', { invoiceId: inv!.id, lineIds: [inv!.lines[1]!.id], reason: 'support not delivered' });
    expect(cn1).toMatchObject({ kind: 'credit_note', status: 'finalized', netMinor: 2000, taxMinor: 380, grossMinor: 2380, precedingInvoiceNumber: inv!.number });
    expect(cn1.number).toMatch(/^CN-[A-Z0-9]{3}-2026-000001$/);
    expect(cn1.lines[0]).toMatchObject({ creditedLineId: inv!.lines[1]!.id, amountMinor: 2000, taxCode: 'S', taxRate: '19' });
    await expect(w.b.call('invoices.createCreditNote', { invoiceId: inv!.id, lineIds: [inv!.lines[1]!.id] })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(w.b.call('invoices.createCreditNote', { invoiceId: inv!.id, lineIds: [inv!.lines[0]!.id, inv!.lines[0]!.id] }))
      .rejects.toMatchObject({ code: 'VALIDATION', details: { fields: [{ path: 'lineIds.1' }] } });
    const cn2 = await w.b.call('invoices.createCreditNote', { invoiceId: inv!.id });
    expect(cn2.lines.map((l) => l.amountMinor)).toEqual([3000]);
    expect(cn2.number).toMatch(/000002$/);
    const after = await w.b.call('invoices.get', { id: inv!.id });
    expect(after).toMatchObject({ creditedMinor: 5950, amountDueMinor: 0, status: 'paid' });
    expect(after.creditNotes.map((x) => x.number)).toEqual([cn1.number, cn2.number]);
    const ob = outbox(w, 'credit_note');
    expect(ob.map((o) => o.event)).toEqual(['credit_note.finalized', 'credit_note.finalized']);
    expect(ob[0]!.payload).toMatchObject({
      id: cn1.id, number: cn1.number, kind: 'credit_note', customerId: c, currency: 'EUR', issueDate: '2026-01-01', netMinor: 2000, taxMinor: 380, grossMinor: 2380,
      precedingInvoiceNumber: inv!.number,
      lines: [{ description: 'SUPPORT-M', productSku: 'SUPPORT', quantity: '1', unitPrice: '20', netMinor: 2000, taxRate: '19', taxCategory: 'standard', periodStart: '2026-01-01', periodEnd: '2026-01-31' }],
    });
    expect(ob[0]!.payload.customerNumber).toMatch(/^C/);
  });

  it('credit notes credit the tax left on the lines: a line, then the rest, add up to the invoice whatever the rounding settings', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const p = await w.b.call('plans.create', { productId: w.productId, code: 'TINY', name: 'Tiny', interval: 'month', prices: [{ currency: 'EUR', model: { type: 'flat', price: '0.03' } }] });
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: p.id }, { planId: p.id }] });
    await w.runOn('2026-01-01');
    const [inv] = await w.docs(s.id);
    // per invoice: 0.06 × 19 % = 0.0114 → 0.01, allocated to one line (per line each would round to 0.01: 0.02)
    expect([inv!.netMinor, inv!.taxMinor, inv!.grossMinor]).toEqual([6, 1, 7]);
    expect(inv!.lines.map((l) => l.taxMinor).sort()).toEqual([0, 1]);
    await w.b.call('billing.updateSettings', { taxRounding: 'per_line' }); // changed after the invoice: its credits keep its tax
    const cn1 = await w.b.call('invoices.createCreditNote', { invoiceId: inv!.id, lineIds: [inv!.lines[0]!.id] });
    const cn2 = await w.b.call('invoices.createCreditNote', { invoiceId: inv!.id });
    expect(cn1.taxMinor + cn2.taxMinor).toBe(1);
    expect(cn1.grossMinor + cn2.grossMinor).toBe(7);
    expect([cn1.lines[0]!.taxMinor, cn2.lines[0]!.taxMinor]).toEqual([inv!.lines[0]!.taxMinor, inv!.lines[1]!.taxMinor]);
    expect(await w.b.call('invoices.get', { id: inv!.id })).toMatchObject({ creditedMinor: 7, amountDueMinor: 0, status: 'paid' });
  });

  it('a credit note never credits more than is left of the invoice (after a downgrade credited at once)', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, quantity: '10' }] });
    await w.runOn('2026-01-01');
    const [inv] = await w.docs(s.id);
    expect(inv!.grossMinor).toBe(11900);
    w.clock.set(at('2026-01-11'));
    await w.b.call('subscriptions.applyChange', { subscriptionId: s.id, actions: [{ type: 'change_quantity', itemId: s.items[0]!.id, quantity: '3' }], invoiceNow: true });
    const auto = (await w.docs(s.id)).find((d) => d.kind === 'credit_note')!;
    expect(auto.precedingInvoiceNumber).toBe(inv!.number);
    const credited = (await w.b.call('invoices.get', { id: inv!.id })).creditedMinor;
    expect(credited).toBe(auto.grossMinor);
    const refused = w.b.call('invoices.createCreditNote', { invoiceId: inv!.id });
    await expect(refused).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(refused).rejects.toThrow(`${inv!.number} has EUR ${(credited / 100).toFixed(2)} credited already (${auto.number}): a credit note of EUR 119.00 would exceed the EUR ${((11900 - credited) / 100).toFixed(2)} left`);
    expect((await w.b.call('invoices.get', { id: inv!.id })).creditedMinor).toBe(credited);
  });

  it('a reverse-charge credit note keeps the exemption reason of the invoice in its VAT breakdown', async () => {
    w = await world('2026-01-01');
    const fr = await w.customer({ country: 'FR', vatId: 'FR40303265045', billingAddress: { line1: '1 rue X', city: 'Lyon', postalCode: '69002', country: 'FR' } });
    const s = await w.b.call('subscriptions.create', { customerId: fr, items: [{ planId: w.plans['SEAT-M']!, quantity: '3' }] });
    await w.runOn('2026-01-01');
    const [inv] = await w.docs(s.id);
    expect(inv!.taxBreakdown).toEqual([{ category: 'AE', rate: '0', taxableMinor: 3000, taxMinor: 0, exemptionReason: 'Reverse charge', exemptionReasonCode: 'VATEX-EU-AE' }]);
    const cn = await w.b.call('invoices.createCreditNote', { invoiceId: inv!.id });
    expect(cn.taxBreakdown).toEqual(inv!.taxBreakdown);
    expect(cn.notes).toEqual(inv!.notes);
  });
});

describe('three-decimal currencies', () => {
  it('bills KWD exactly; the PDF is issued, UBL / CII are refused with the reason (EN 16931 has two decimals)', async () => {
    w = await world('2026-01-01');
    const p = await w.b.call('plans.create', { productId: w.productId, code: 'KW', name: 'KW', interval: 'month', prices: [{ currency: 'KWD', model: { type: 'per_unit', unitPrice: '12.345' } }] });
    const c = await w.customer({ currency: 'KWD' });
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: p.id, quantity: '3' }] });
    await w.runOn('2026-01-01');
    const [inv] = await w.docs(s.id);
    expect([inv!.netMinor, inv!.taxMinor, inv!.grossMinor]).toEqual([37035, 7037, 44072]); // 37.035 + 19 % = 44.072
    expect((await w.b.call('invoices.pdf', { id: inv!.id })).size).toBeGreaterThan(1000);
    for (const op of ['invoices.ubl', 'invoices.cii'] as const) {
      await expect(w.b.call(op, { id: inv!.id })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('at most two decimals in amounts (BR-DEC), and KWD amounts have 3') });
    }
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-kwd-'));
    const job = await w.b.call('exports.run', { type: 'documents', format: 'zip', from: '2026-01-01', to: '2026-01-31', documentFormats: ['pdf', 'ubl'], outDir, wait: true });
    expect(job).toMatchObject({ status: 'done' });
    expect(job.summary).toContain('1 document in KWD without UBL / CII (EN 16931 allows two decimals)');
    const zip = await JSZip.loadAsync(fs.readFileSync(job.files[0]!.path!));
    fs.rmSync(outDir, { recursive: true, force: true });
    expect(Object.keys(zip.files)).toEqual([`${inv!.number}.pdf`]);
  });
});

describe('number series', () => {
  it('refuses patterns that could repeat numbers, naming the field', async () => {
    w = await world('2026-01-01');
    await expect(w.b.call('numberSeries.update', { key: 'invoice', pattern: 'INV-{SEQ:6}', reset: 'yearly' })).rejects.toMatchObject({ code: 'VALIDATION', details: { fields: [{ path: 'pattern' }] } });
    await expect(w.b.call('numberSeries.update', { key: 'invoice', reset: 'monthly' })).rejects.toMatchObject({ code: 'VALIDATION', details: { fields: [{ path: 'reset' }] } });
    await expect(w.b.call('numberSeries.update', { key: 'invoice', pattern: 'INV-{FOO}-{SEQ}' })).rejects.toThrow(/unknown token \{FOO\}/);
    expect((await w.b.call('numberSeries.list', {})).find((x) => x.key === 'invoice')).toMatchObject({ pattern: 'INV-{INST}-{YYYY}-{SEQ:6}', reset: 'never' });
  });

  it('a new reset policy continues this year\'s numbering; the next year starts at 1', async () => {
    w = await world('2026-03-01');
    await w.b.call('numberSeries.update', { key: 'invoice', pattern: 'INV-{YYYY}-{SEQ:4}' });
    const c = await w.customer();
    const s1 = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']! }] });
    await w.runOn('2026-03-01');
    w.clock.set(at('2026-03-02'));
    expect(await w.b.call('numberSeries.update', { key: 'invoice', reset: 'yearly' })).toMatchObject({ reset: 'yearly', nextValue: 2 });
    const s2 = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['ANNUAL']! }] });
    await w.runOn('2026-03-02');
    await w.runOn('2026-04-01');
    await w.runOn('2027-01-01'); // May to January in one catch-up invoice: numbered in 2027, from 1
    expect((await w.docs(s1.id)).map((d) => d.number)).toEqual(['INV-2026-0001', 'INV-2026-0003', 'INV-2027-0001']);
    expect((await w.docs(s2.id)).map((d) => d.number)).toEqual(['INV-2026-0002']);
  });
});

describe('outbox and documents', () => {
  it('writes subscription created / changed / canceled and invoice finalized rows in the same transaction', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, quantity: '3' }] });
    await w.runOn('2026-01-01');
    w.clock.set(at('2026-01-10'));
    await w.b.call('subscriptions.applyChange', { subscriptionId: s.id, actions: [{ type: 'change_quantity', itemId: s.items[0]!.id, quantity: '4' }] });
    await w.b.call('subscriptions.cancel', { id: s.id, when: 'period_end' });
    const subs = outbox(w, 'subscription');
    expect(subs.map((o) => o.event)).toEqual(['subscription.created', 'subscription.changed', 'subscription.canceled']);
    expect(subs[2]!.payload).toMatchObject({ id: s.id, cancelAt: '2026-02-01', items: [{ quantity: '4' }] });
    const inv = outbox(w, 'invoice')[0]!.payload;
    expect(Object.keys(inv)).toEqual(expect.arrayContaining(['id', 'number', 'kind', 'customerId', 'customerNumber', 'currency', 'issueDate', 'dueDate', 'lines', 'netMinor', 'taxMinor', 'grossMinor']));
    // the row stores a reference to the finalized document (it never changes) with the event's status; a later payment
    // or void does not change what the row says
    const stored = w.b.base.raw.prepare(`SELECT payload FROM outbox WHERE aggregate_type = 'invoice'`).get() as { payload: string };
    expect(JSON.parse(stored.payload)).toEqual({ $render: 'document', status: 'finalized' });
    await w.b.call('payments.record', { invoiceId: inv.id, amountMinor: inv.grossMinor });
    expect((await w.b.call('invoices.get', { id: inv.id })).status).toBe('paid');
    expect(outbox(w, 'invoice')[0]!.payload).toEqual(inv);
    // a failing operation leaves no outbox row behind
    const before = outbox(w).length;
    await expect(w.b.call('subscriptions.cancel', { id: s.id, when: 'date', date: '2025-01-01' })).rejects.toBeTruthy();
    expect(outbox(w).length).toBe(before);
    // customers with subscriptions / invoices cannot be deleted
    await expect(w.b.call('customers.delete', { id: c })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/subscriptions/) });
  });

  it('maps every issued document (prorations, credits, credit notes) to a consistent EN 16931 document', async () => {
    w = await world('2026-01-01');
    w.b.base.raw.prepare(`INSERT INTO settings (key, value) VALUES ('companyVatId', '"DE811907980"') ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run();
    const c = await w.customer({ vatId: 'DE123456789' });
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, quantity: '7' }], buyerReference: 'REF-1' });
    await w.runOn('2026-01-01');
    w.clock.set(at('2026-01-13'));
    await w.b.call('subscriptions.applyChange', { subscriptionId: s.id, actions: [{ type: 'change_quantity', itemId: s.items[0]!.id, quantity: '11' }], invoiceNow: true });
    w.clock.set(at('2026-01-20'));
    await w.b.call('subscriptions.cancel', { id: s.id, when: 'now', credit: 'prorated' });
    const docs = await w.docs(s.id);
    expect(docs.map((d) => d.kind)).toEqual(['invoice', 'invoice', 'credit_note']);
    for (const d of docs) {
      const doc = invoiceDocumentOf(w.b.base.raw, d.id);
      expect(validateDocumentArithmetic(doc)).toEqual([]);
      expect(validateDocument(doc)).toEqual([]);
      expect(doc.totals.grossMinor).toBe(d.grossMinor);
    }
    const cnDoc = invoiceDocumentOf(w.b.base.raw, docs[2]!.id);
    expect(cnDoc.precedingInvoice?.number).toBe(docs[1]!.number);
    expect(cnDoc.lines.every((l) => l.netAmountMinor > 0)).toBe(true);
    await expect(async () => invoiceDocumentOf(w.b.base.raw, '0190c6c2-0000-7000-8000-000000000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
