/**
 * Changes through the operations: every change previewed first, then applied; the preview must be exactly what
 * applying produces (the invoice issued now and the next invoice). Upgrade and downgrade with day proration,
 * quantity changes, add-ons added and removed, changes at period end, contract price changes mid-term.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { at, lineView, months, world, type World } from './helpers';
import type { InvoicePreview } from '../../../shared/api/ops/subscriptions';
import type { Invoice } from '../../../shared/api/ops/invoices';

let w: World;
afterEach(async () => w?.close());

const previewView = (p: InvoicePreview | null) => p && p.lines.map((l) => `${l.kind} ${l.periodStart}→${l.periodEnd} ${l.amountMinor}`);
const sameDoc = (p: InvoicePreview, inv: Invoice) => {
  expect(lineView(inv)).toEqual(previewView(p));
  expect([inv.netMinor, inv.taxMinor, inv.grossMinor]).toEqual([p.netMinor, p.taxMinor, p.grossMinor]);
};

describe('upgrade and downgrade mid-cycle with day proration', () => {
  it('upgrade 30.00 → 60.00 on day 11 of a 30-day month, invoiced now: −20.00 / +40.00, exactly as previewed', async () => {
    w = await world('2026-06-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']! }] });
    await w.runOn('2026-06-01');
    w.clock.set(at('2026-06-11'));
    const input = { subscriptionId: s.id, actions: [{ type: 'change_plan' as const, itemId: s.items[0]!.id, planId: w.plans['PRO-M']! }], invoiceNow: true };
    const p = await w.b.call('subscriptions.previewChange', input);
    expect(p.classification).toBe('upgrade');
    expect([p.periodAmountBeforeMinor, p.periodAmountAfterMinor]).toEqual([3000, 6000]);
    // 20 unused days of 30 (Jun 11 – Jun 30): credit 20/30 × 30.00, charge 20/30 × 60.00
    expect(p.changeLines.map((l) => [l.kind, l.periodStart, l.periodEnd, l.fraction, l.amountMinor])).toEqual([
      ['proration_credit', '2026-06-11', '2026-07-01', '0.66666666666666666666666666666666666666666666666667', -2000],
      ['proration_charge', '2026-06-11', '2026-07-01', '0.66666666666666666666666666666666666666666666666667', 4000],
    ]);
    expect(p.invoiceNow).toMatchObject({ date: '2026-06-11', kind: 'invoice', netMinor: 2000, taxMinor: 380, grossMinor: 2380 });
    expect(p.nextInvoice).toMatchObject({ date: '2026-07-01', netMinor: 6000 });
    expect(previewView(p.nextInvoice)).toEqual(['charge 2026-07-01→2026-08-01 6000']);
    // nothing was saved by the preview
    expect((await w.b.call('subscriptions.get', { id: s.id })).items[0]!.planCode).toBe('BASIC-M');

    const r = await w.b.call('subscriptions.applyChange', input);
    expect(r.preview).toEqual(p);
    expect(r.documents).toHaveLength(1);
    const now = await w.b.call('invoices.get', { id: r.documents[0]!.id });
    sameDoc(p.invoiceNow!, now);
    expect(now.issueDate).toBe('2026-06-11');
    expect(now.lines.map((l) => [l.quantity, l.unitPrice])).toEqual([['-1', '20'], ['1', '40']]);
    expect(r.subscription.items[0]!.planCode).toBe('PRO-M');
    await w.runOn('2026-07-01');
    const docs = await w.docs(s.id);
    sameDoc(p.nextInvoice!, docs.at(-1)!);
    expect(docs).toHaveLength(3);
    const tl = await w.b.call('subscriptions.timeline', { id: s.id });
    expect(tl.at(-1)).toMatchObject({ event: 'changed', effectiveDate: '2026-06-11', details: { classification: 'upgrade' } });
  });

  it('downgrade 60.00 → 30.00 on day 11 added to the next invoice: −40.00 + 20.00 + 30.00 = 10.00', async () => {
    w = await world('2026-06-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['PRO-M']! }] });
    await w.runOn('2026-06-01');
    w.clock.set(at('2026-06-11'));
    const input = { subscriptionId: s.id, actions: [{ type: 'change_plan' as const, itemId: s.items[0]!.id, planId: w.plans['BASIC-M']! }] };
    const p = await w.b.call('subscriptions.previewChange', input);
    expect(p.classification).toBe('downgrade');
    expect(p.changeLines.map((l) => [l.kind, l.amountMinor])).toEqual([['proration_credit', -4000], ['proration_charge', 2000]]);
    expect(p.invoiceNow).toBeNull();
    expect(previewView(p.nextInvoice)).toEqual(['proration_credit 2026-06-11→2026-07-01 -4000', 'proration_charge 2026-06-11→2026-07-01 2000', 'charge 2026-07-01→2026-08-01 3000']);
    const r = await w.b.call('subscriptions.applyChange', input);
    expect(r.documents).toEqual([]);
    for (const d of ['2026-06-12', '2026-06-30']) await w.runOn(d); // nothing before the next regular date
    expect(await w.docs(s.id)).toHaveLength(1);
    await w.runOn('2026-07-01');
    const docs = await w.docs(s.id);
    sameDoc(p.nextInvoice!, docs.at(-1)!);
    expect(docs.at(-1)!.netMinor).toBe(1000);
  });

  it('a change at the period end made on a billing day before the run: the next invoice shown is the first one on the new terms', async () => {
    w = await world('2026-06-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']! }] });
    // June is due today but not billed yet; the upgrade takes effect on July 1
    const input = { subscriptionId: s.id, when: 'period_end' as const, actions: [{ type: 'change_plan' as const, itemId: s.items[0]!.id, planId: w.plans['PRO-M']! }] };
    const p = await w.b.call('subscriptions.previewChange', input);
    expect(p.effectiveDate).toBe('2026-07-01');
    expect(p.nextInvoice!.date).toBe('2026-07-01');
    expect(previewView(p.nextInvoice)).toEqual(['charge 2026-07-01→2026-08-01 6000']);
    await w.b.call('subscriptions.applyChange', input);
    await w.runOn('2026-06-01');
    await w.runOn('2026-07-01');
    const docs = await w.docs(s.id);
    expect(docs.map((d) => d.netMinor)).toEqual([3000, 6000]);
    sameDoc(p.nextInvoice!, docs[1]!);
  });

  it('when a scheduled change takes effect, the billing run tells the ERP the terms now in force (outbox, same transaction)', async () => {
    w = await world('2026-06-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, quantity: '3' }] });
    await w.runOn('2026-06-01');
    await w.b.call('subscriptions.applyChange', { subscriptionId: s.id, when: 'period_end', actions: [{ type: 'change_quantity', itemId: s.items[0]!.id, quantity: '8' }] });
    const events = async () => (await w.b.call('sync.outbox', { aggregateType: 'subscription', limit: 100 })).filter((e) => e.aggregateId === s.id);
    // scheduled: the ERP was told the quantity in force today (3), with the change listed
    const scheduled = (await events())[0]!.payload as { items: { quantity: string }[]; scheduledChanges: unknown[] };
    expect(scheduled.items[0]!.quantity).toBe('3');
    expect(scheduled.scheduledChanges).toHaveLength(1);
    await w.runOn('2026-06-15'); // nothing took effect
    expect(await events()).toHaveLength(2);
    await w.runOn('2026-07-01');
    const all = await events();
    expect(all.map((e) => e.eventType)).toEqual(['subscription.changed', 'subscription.changed', 'subscription.created']);
    const now = all[0]!.payload as { items: { quantity: string }[]; scheduledChanges: unknown[] };
    expect(now.items[0]!.quantity).toBe('8');
    expect(now.scheduledChanges).toEqual([]);
  });

  it('with proration policy none a change takes effect at the next period start', async () => {
    w = await world('2026-06-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']! }], prorationPolicy: 'none' });
    await w.runOn('2026-06-01');
    w.clock.set(at('2026-06-11'));
    const r = await w.b.call('subscriptions.applyChange', { subscriptionId: s.id, actions: [{ type: 'change_plan', itemId: s.items[0]!.id, planId: w.plans['PRO-M']! }] });
    expect(r.preview.changeLines).toEqual([]);
    await w.runOn('2026-07-01');
    expect((await w.docs(s.id)).map((d) => d.netMinor)).toEqual([3000, 6000]);
  });
});

describe('quantity changes and add-ons', () => {
  it('3 → 5 seats on Mar 16 (16 of 31 days), an add-on from the next period, removed mid-May', async () => {
    w = await world('2026-03-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, quantity: '3' }] });
    await w.runOn('2026-03-01');
    w.clock.set(at('2026-03-16'));
    const q = await w.b.call('subscriptions.applyChange', { subscriptionId: s.id, actions: [{ type: 'change_quantity', itemId: s.items[0]!.id, quantity: '5' }] });
    // credit 16/31 × 30.00 = 15.4839 → −15.48; charge 16/31 × 50.00 = 25.8065 → 25.81
    expect(q.preview.changeLines.map((l) => [l.kind, l.quantity, l.amountMinor])).toEqual([['proration_credit', '3', -1548], ['proration_charge', '5', 2581]]);
    expect(q.preview.classification).toBe('upgrade');
    await w.runOn('2026-04-01');
    w.clock.set(at('2026-04-10'));
    const add = await w.b.call('subscriptions.applyChange', { subscriptionId: s.id, when: 'period_end', actions: [{ type: 'add_addon', planId: w.plans['SUPPORT-M']! }] });
    expect(add.preview.effectiveDate).toBe('2026-05-01');
    expect(add.subscription.items).toHaveLength(2);
    expect(add.subscription.items[1]).toMatchObject({ role: 'addon', startDate: '2026-05-01', active: false, planCode: 'SUPPORT-M' });
    await w.runOn('2026-05-01');
    w.clock.set(at('2026-05-16'));
    const rm = await w.b.call('subscriptions.applyChange', { subscriptionId: s.id, actions: [{ type: 'remove_addon', itemId: add.subscription.items[1]!.id }] });
    expect(rm.preview.classification).toBe('downgrade');
    // the add-on's unused days May 16–31: 16/31 × 20.00 = 10.3226 → −10.32
    expect(rm.preview.changeLines.map((l) => [l.kind, l.periodStart, l.periodEnd, l.amountMinor])).toEqual([['credit', '2026-05-16', '2026-06-01', -1032]]);
    await w.runOn('2026-06-01');
    const docs = await w.docs(s.id);
    expect(docs.map((d) => [d.issueDate, d.netMinor, lineView(d)])).toEqual([
      ['2026-03-01', 3000, ['charge 2026-03-01→2026-04-01 3000']],
      ['2026-04-01', 6033, ['proration_credit 2026-03-16→2026-04-01 -1548', 'proration_charge 2026-03-16→2026-04-01 2581', 'charge 2026-04-01→2026-05-01 5000']],
      ['2026-05-01', 7000, ['charge 2026-05-01→2026-06-01 5000', 'charge 2026-05-01→2026-06-01 2000']],
      ['2026-06-01', 3968, ['charge 2026-06-01→2026-07-01 5000', 'credit 2026-05-16→2026-06-01 -1032']],
    ]);
    const proration = docs[1]!.lines[0]!;
    expect([proration.quantity, proration.unitPrice, proration.periodUnitPrice, proration.fraction.slice(0, 8)]).toEqual(['-3', '5.16', '10', '0.516129']);
  });

  it('a scheduled change can be withdrawn before it takes effect; switching the billing interval mid-period is refused', async () => {
    w = await world('2026-03-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, quantity: '3' }] });
    await w.runOn('2026-03-01');
    w.clock.set(at('2026-03-05'));
    const r = await w.b.call('subscriptions.applyChange', { subscriptionId: s.id, when: 'period_end', actions: [{ type: 'change_quantity', itemId: s.items[0]!.id, quantity: '10' }] });
    expect(r.subscription.scheduledChanges).toEqual([expect.objectContaining({ effectiveDate: '2026-04-01', quantity: '10' })]);
    expect(r.preview.nextInvoice).toMatchObject({ date: '2026-04-01', netMinor: 10000 });
    const after = await w.b.call('subscriptions.cancelScheduledChange', { subscriptionId: s.id, changeId: r.subscription.scheduledChanges[0]!.id });
    expect(after.scheduledChanges).toEqual([]);
    await expect(w.b.call('subscriptions.applyChange', { subscriptionId: s.id, actions: [{ type: 'change_plan', itemId: s.items[0]!.id, planId: w.plans['SEAT-Y']! }] }))
      .rejects.toMatchObject({ code: 'VALIDATION', details: { fields: [{ path: 'when' }] } });
    await expect(w.b.call('subscriptions.applyChange', { subscriptionId: s.id, when: 'date', effectiveDate: '2026-03-15', actions: [{ type: 'change_plan', itemId: s.items[0]!.id, planId: w.plans['SEAT-Y']! }] }))
      .rejects.toMatchObject({ code: 'VALIDATION', details: { fields: [{ path: 'effectiveDate' }] } });
    await w.runOn('2026-04-01');
    expect((await w.docs(s.id)).map((d) => d.netMinor)).toEqual([3000, 3000]);
  });
});

describe('repeated repairs of one period', () => {
  it('two changes backdated to the same period start are both billed (the second repair line is numbered)', async () => {
    w = await world('2026-07-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, quantity: '3' }] });
    await w.runOn('2026-07-01');
    w.clock.set(at('2026-07-10'));
    const first = await w.b.call('subscriptions.applyChange', { subscriptionId: s.id, when: 'date', effectiveDate: '2026-07-01', invoiceNow: true, actions: [{ type: 'change_quantity', itemId: s.items[0]!.id, quantity: '5' }] });
    expect(first.preview.changeLines.reduce((a, l) => a + l.amountMinor, 0)).toBe(2000);
    w.clock.set(at('2026-07-12'));
    const second = await w.b.call('subscriptions.applyChange', { subscriptionId: s.id, when: 'date', effectiveDate: '2026-07-01', invoiceNow: true, actions: [{ type: 'change_quantity', itemId: s.items[0]!.id, quantity: '7' }] });
    expect(second.preview.changeLines.reduce((a, l) => a + l.amountMinor, 0)).toBe(2000);
    for (const d of ['2026-07-12', '2026-08-01', '2026-09-01']) await w.runOn(d);
    const docs = await w.docs(s.id);
    expect(docs.map((d) => [d.issueDate, d.netMinor])).toEqual([['2026-07-01', 3000], ['2026-07-10', 2000], ['2026-07-12', 2000], ['2026-08-01', 7000], ['2026-09-01', 7000]]);
    expect(docs.slice(1, 3).map((d) => lineView(d))).toEqual([['trueup 2026-07-01→2026-08-01 2000'], ['trueup 2026-07-01→2026-08-01 2000']]);
    // and a quantity back down for the same period: a credit, then a numbered credit
    w.clock.set(at('2026-09-05'));
    for (const q of ['4', '3']) {
      await w.b.call('subscriptions.applyChange', { subscriptionId: s.id, when: 'date', effectiveDate: '2026-09-01', invoiceNow: true, actions: [{ type: 'change_quantity', itemId: s.items[0]!.id, quantity: q }] });
    }
    const credits = (await w.docs(s.id)).slice(5);
    expect(credits.map((d) => [d.kind, d.grossMinor / 119 * 100])).toEqual([['credit_note', 3000], ['credit_note', 1000]]);
  });
});

describe('switching the billing interval', () => {
  const setup = async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, quantity: '3' }, { planId: w.plans['SUPPORT-M']!, addon: true }] });
    await w.runOn('2026-01-01');
    await w.runOn('2026-02-01');
    w.clock.set(at('2026-02-10'));
    return s;
  };

  it('monthly → annual at the period end: every recurring item moves, the next invoice bills a year, then nothing until it ends', async () => {
    const s = await setup();
    const seats = s.items.find((i) => i.planId === w!.plans['SEAT-M'])!;
    const support = s.items.find((i) => i.planId === w!.plans['SUPPORT-M'])!;
    // the monthly add-on cannot stay behind
    await expect(w!.b.call('subscriptions.applyChange', { subscriptionId: s.id, when: 'period_end', actions: [{ type: 'change_plan', itemId: seats.id, planId: w!.plans['SEAT-Y']! }] }))
      .rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/still bills every 1 month/) });
    const r = await w!.b.call('subscriptions.applyChange', {
      subscriptionId: s.id, when: 'period_end',
      actions: [{ type: 'change_plan', itemId: seats.id, planId: w!.plans['SEAT-Y']! }, { type: 'remove_addon', itemId: support.id }],
    });
    expect(r.subscription).toMatchObject({ intervalMonths: 1, intervalChanges: [{ from: '2026-03-01', intervalMonths: 12 }] });
    expect(r.preview.nextInvoice).toMatchObject({ date: '2026-03-01', netMinor: 30000 });
    // by daily price: 30.00 a month (31 days) is more than 300.00 a year (365 days)
    expect(r.preview.classification).toBe('downgrade');
    await w!.runOn('2026-03-01');
    const docs = await w!.docs(s.id);
    expect(docs.map((d) => d.netMinor)).toEqual([5000, 5000, 30000]);
    expect(lineView(docs[2]!)).toEqual(['charge 2026-03-01→2027-03-01 30000']);
    expect((await w!.b.call('subscriptions.get', { id: s.id })).intervalMonths).toBe(12);
    for (const d of ['2026-04-01', '2026-09-01', '2027-02-01']) await w!.runOn(d);
    expect(await w!.docs(s.id)).toHaveLength(3);
    await w!.runOn('2027-03-01');
    const next = (await w!.docs(s.id))[3]!;
    expect(lineView(next)).toEqual(['charge 2027-03-01→2028-03-01 30000']);
  });

  it('withdrawing any part of a scheduled switch withdraws the whole switch', async () => {
    const s = await setup();
    const seats = s.items.find((i) => i.planId === w!.plans['SEAT-M'])!;
    const support = s.items.find((i) => i.planId === w!.plans['SUPPORT-M'])!;
    const r = await w!.b.call('subscriptions.applyChange', {
      subscriptionId: s.id, when: 'period_end',
      actions: [{ type: 'change_plan', itemId: seats.id, planId: w!.plans['SEAT-Y']! }, { type: 'remove_addon', itemId: support.id }],
    });
    const after = await w!.b.call('subscriptions.cancelScheduledChange', { subscriptionId: s.id, changeId: r.subscription.scheduledChanges[0]!.id });
    expect(after).toMatchObject({ intervalChanges: [], scheduledChanges: [] });
    expect(after.items.find((i) => i.id === support.id)!.endDate).toBeNull();
    await w!.runOn('2026-03-01');
    expect((await w!.docs(s.id)).map((d) => d.netMinor)).toEqual([5000, 5000, 5000]);
  });
});

describe('contract price changes mid-term', () => {
  it('a catalog price change (plans.update) applies from the next period; billed periods keep their price', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, quantity: '3' }], termMonths: 12 });
    for (const d of months('2026-01-01', 3)) await w.runOn(d);
    w.clock.set(at('2026-03-15'));
    await w.b.call('plans.update', { id: w.plans['SEAT-M']!, patch: { prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice: '12' } }] } });
    await w.runOn('2026-03-20'); // no true-up of the March period already billed at 10.00
    for (const d of months('2026-04-01', 2)) await w.runOn(d);
    expect((await w.docs(s.id)).map((d) => d.netMinor)).toEqual([3000, 3000, 3000, 3600, 3600]);
  });

  it('a contract price (price book) valid from mid-May applies to the periods starting from then', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const other = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, quantity: '3' }] });
    const s2 = await w.b.call('subscriptions.create', { customerId: other, items: [{ planId: w.plans['SEAT-M']!, quantity: '3' }] });
    for (const d of months('2026-01-01', 3)) await w.runOn(d);
    w.clock.set(at('2026-03-10'));
    await w.b.call('pricebooks.create', { customerId: c, planId: w.plans['SEAT-M']!, currency: 'EUR', kind: 'fixed_price', model: { type: 'per_unit', unitPrice: '8' }, validFrom: '2026-05-15' });
    for (const d of months('2026-04-01', 4)) await w.runOn(d);
    // periods start on the 1st: May still 10.00 (its period started before May 15), June on 8.00
    expect((await w.docs(s.id)).map((d) => d.netMinor)).toEqual([3000, 3000, 3000, 3000, 3000, 2400, 2400]);
    expect((await w.docs(s2.id)).map((d) => d.netMinor)).toEqual([3000, 3000, 3000, 3000, 3000, 3000, 3000]);
  });
});

describe('second-based proration and subscription queries', () => {
  it('prorates by the second: an upgrade at 12:00 on Jun 11 leaves 19.5 of 30 days (−19.50 / +39.00)', async () => {
    w = await world('2026-06-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']! }], prorationPolicy: 'second' });
    await w.runOn('2026-06-01');
    w.clock.set('2026-06-11T12:00:00Z');
    const r = await w.b.call('subscriptions.applyChange', { subscriptionId: s.id, actions: [{ type: 'change_plan', itemId: s.items[0]!.id, planId: w.plans['PRO-M']! }], invoiceNow: true });
    expect(r.preview.changeLines.map((l) => [l.kind, l.fraction, l.amountMinor])).toEqual([['proration_credit', '0.65', -1950], ['proration_charge', '0.65', 3900]]);
    expect(r.documents[0]!.grossMinor).toBe(2321); // 19.50 + 19 % = 23.205 → 23.21
  });

  it('lists by status, plan, customer and search; updates references; refuses what the generator cannot express', async () => {
    w = await world('2026-01-01');
    const c1 = await w.customer();
    const c2 = await w.customer({ name: 'Zeta Systems AG' });
    const a = await w.b.call('subscriptions.create', { customerId: c1, items: [{ planId: w.plans['BASIC-M']! }], poNumber: 'PO-1' });
    const b2 = await w.b.call('subscriptions.create', { customerId: c2, items: [{ planId: w.plans['SEAT-M']!, quantity: '2' }], termMonths: 12, renewalUpliftPct: '4' });
    await w.b.call('subscriptions.pause', { id: a.id });
    const ids = async (input: Record<string, unknown>) => (await w.b.call('subscriptions.list', input as never)).items.map((x) => x.id);
    expect(await ids({ status: 'paused' })).toEqual([a.id]);
    expect(await ids({ status: ['active', 'paused'], sortBy: 'customerName', sortDir: 'desc' })).toEqual([b2.id, a.id]);
    expect(await ids({ planId: w.plans['SEAT-M'] })).toEqual([b2.id]);
    expect(await ids({ customerId: c1 })).toEqual([a.id]);
    expect(await ids({ search: 'zeta' })).toEqual([b2.id]);
    expect(await ids({ search: 'PO-1' })).toEqual([a.id]);
    const u = await w.b.call('subscriptions.update', { id: b2.id, expectedVersion: 1, patch: { poNumber: 'PO-9', buyerReference: 'Dept 7', noticeDays: 60 } });
    expect(u).toMatchObject({ poNumber: 'PO-9', buyerReference: 'Dept 7', version: 2, term: { noticeDays: 60 } });
    await expect(w.b.call('subscriptions.update', { id: b2.id, expectedVersion: 1, patch: { notes: 'x' } })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(w.b.call('subscriptions.create', { customerId: c1, items: [{ planId: w.plans['BASIC-M']! }, { planId: w.plans.ANNUAL! }] }))
      .rejects.toMatchObject({ code: 'VALIDATION', details: { fields: [{ path: 'items.1.planId' }] } });
    await expect(w.b.call('subscriptions.create', { customerId: c1, currency: 'USD', items: [{ planId: w.plans['BASIC-M']! }] }))
      .rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/no price in USD/) });
  });
});
