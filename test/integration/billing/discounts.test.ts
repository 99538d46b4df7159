/**
 * Item discounts: a percent off an item's lines, printed as the line discount (quantity × unit price − discount =
 * net), set at creation (optionally until a date), added with an add-on, changed or ended by a dated change with
 * proration — previewed exactly as applied — and carried into credit notes, UBL / CII (validated against the
 * official EN 16931 rules), the PDF and the ERP payload.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { at, world, type World } from './helpers';
import { runValidator, validatorMissing } from '../../unit/exports/helpers';
import { lineNetMinor } from '../../../shared/domain/documents';
import type { Invoice } from '../../../shared/api/ops/invoices';

let w: World;
afterEach(async () => w?.close());

const view = (inv: Invoice) => inv.lines.map((l) => `${l.kind} ${l.periodStart}→${l.periodEnd} ${l.quantity}×${l.unitPrice} −${l.discountMinor} = ${l.amountMinor}${l.discountReason ? ` (${l.discountReason})` : ''}`);
/** Every line: quantity × unit price − discount = net (EN 16931 BT-131). */
const consistent = (inv: Invoice) => {
  for (const l of inv.lines) expect(lineNetMinor({ quantity: l.quantity, unitPrice: l.unitPrice, discountMinor: l.discountMinor }, 'EUR'), `${inv.number} ${l.description}`).toBe(l.amountMinor);
};

describe('item discounts', () => {
  it('a 15% partner discount on seats, printed as the line discount; an add-on without one', async () => {
    w = await world('2026-03-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', {
      customerId: c, items: [{ planId: w.plans['SEAT-M']!, quantity: '7', discountPercent: '15', discountReason: 'Partner discount' }, { planId: w.plans['SUPPORT-M']!, addon: true }],
    });
    expect(s.items.map((i) => i.discount)).toEqual([{ percent: '15', amount: null, reason: 'Partner discount' }, null]);
    const up = await w.b.call('subscriptions.upcomingInvoice', { id: s.id });
    expect(up!.lines.map((l) => [l.amountMinor, l.discountMinor ?? 0])).toEqual([[5950, 1050], [2000, 0]]);
    await w.runOn('2026-03-01');
    const [inv] = await w.docs(s.id);
    // 7 seats × 10.00 = 70.00, less 15% = 59.50; support 20.00; VAT 19% on the net
    expect(view(inv!)).toEqual([
      'charge 2026-03-01→2026-04-01 7×10 −1050 = 5950 (Partner discount)',
      'charge 2026-03-01→2026-04-01 1×20 −0 = 2000',
    ]);
    expect([inv!.netMinor, inv!.taxMinor, inv!.grossMinor]).toEqual([7950, 1511, 9461]);
    expect([up!.netMinor, up!.grossMinor]).toEqual([7950, 9461]);
    consistent(inv!);
  });

  it('an introductory discount until a date: the scheduled end is shown, then the full price is billed', async () => {
    w = await world('2026-03-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']!, discountPercent: '50', discountUntil: '2026-05-01' }] });
    expect(s.scheduledChanges).toEqual([expect.objectContaining({ itemId: s.items[0]!.id, effectiveDate: '2026-05-01', discountPercent: '0' })]);
    for (const d of ['2026-03-01', '2026-04-01', '2026-05-01']) await w.runOn(d);
    const docs = await w.docs(s.id);
    expect(docs.map((d) => d.netMinor)).toEqual([1500, 1500, 3000]);
    expect(docs[0]!.lines[0]).toMatchObject({ discountMinor: 1500, discountReason: 'Discount 50%' });
    expect(docs[2]!.lines[0]).toMatchObject({ discountMinor: 0, discountReason: null });
    expect((await w.b.call('subscriptions.get', { id: s.id })).items[0]!.discount).toBeNull();
    const bad = await w.b.invoke('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']!, discountUntil: '2026-09-01' }] });
    expect(bad.ok ? null : bad.error.details?.fields?.[0]?.path).toBe('items.0.discountPercent');
    const zero = await w.b.invoke('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']!, discountPercent: '0' }] });
    expect(zero.ok ? null : zero.error.details?.fields?.[0]?.path).toBe('items.0.discountPercent');
    const over = await w.b.invoke('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']!, discountPercent: '120' }] });
    expect(over.ok ? null : over.error.details?.fields?.[0]?.path).toBe('items.0.discountPercent');
  });

  it('a discount given mid-period is prorated like any change of terms, exactly as previewed; ending it too', async () => {
    w = await world('2026-06-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']! }] });
    await w.runOn('2026-06-01');
    w.clock.set(at('2026-06-11'));
    const input = { subscriptionId: s.id, actions: [{ type: 'set_discount' as const, itemId: s.items[0]!.id, percent: '20', reason: 'Retention offer' }] };
    const p = await w.b.call('subscriptions.previewChange', input);
    expect(p.classification).toBe('downgrade');
    expect([p.periodAmountBeforeMinor, p.periodAmountAfterMinor]).toEqual([3000, 2400]);
    // 20 of 30 days: credit 20.00 at the old terms, charge 20.00 less 20% = 16.00
    expect(p.changeLines.map((l) => [l.kind, l.periodStart, l.amountMinor, l.discountMinor ?? 0])).toEqual([
      ['proration_credit', '2026-06-11', -2000, 0],
      ['proration_charge', '2026-06-11', 1600, 400],
    ]);
    await w.b.call('subscriptions.applyChange', input);
    await w.runOn('2026-07-01');
    const july = (await w.docs(s.id)).at(-1)!;
    expect(view(july)).toEqual([
      'proration_credit 2026-06-11→2026-07-01 -1×20 −0 = -2000',
      'proration_charge 2026-06-11→2026-07-01 1×20 −400 = 1600 (Retention offer)',
      'charge 2026-07-01→2026-08-01 1×30 −600 = 2400 (Retention offer)',
    ]);
    expect(july.netMinor).toBe(p.nextInvoice!.netMinor);
    consistent(july);

    // ending it on Jul 16 (16 of 31 days left): 30.00 × 16/31 = 15.48; credit less 20% (−12.39), charge at the full price
    w.clock.set(at('2026-07-16'));
    const end = { subscriptionId: s.id, actions: [{ type: 'set_discount' as const, itemId: s.items[0]!.id, percent: null }], invoiceNow: true };
    const pe = await w.b.call('subscriptions.previewChange', end);
    expect(pe.classification).toBe('upgrade');
    const r = await w.b.call('subscriptions.applyChange', end);
    const now = await w.b.call('invoices.get', { id: r.documents[0]!.id });
    expect(view(now)).toEqual([
      'proration_credit 2026-07-16→2026-08-01 -1×15.48 −-309 = -1239 (Retention offer)',
      'proration_charge 2026-07-16→2026-08-01 1×15.48 −0 = 1548',
    ]);
    expect(now.netMinor).toBe(pe.invoiceNow!.netMinor);
    consistent(now);
    const noneLeft = await w.b.invoke('subscriptions.previewChange', { subscriptionId: s.id, actions: [{ type: 'set_discount', itemId: s.items[0]!.id, percent: null }] });
    expect(noneLeft.ok ? null : noneLeft.error.details?.fields?.[0]?.path).toBe('actions.0.percent');
  });

  it('a fixed amount off each period: prorated on a partial period, changed to a percent by set_discount, validated', async () => {
    w = await world('2026-03-16');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', {
      customerId: c, billingAnchorDay: 1, items: [{ planId: w.plans['SEAT-M']!, quantity: '5', discountAmount: '15', discountReason: 'Onboarding credit' }],
    });
    expect(s.items[0]!.discount).toEqual({ percent: null, amount: '15', reason: 'Onboarding credit' });
    await w.runOn('2026-03-16');
    await w.runOn('2026-04-01');
    // Mar 16–31: 16/31 of 50.00 = 25.806… (25.81), less 16/31 of 15.00 = 7.741… → 18.064… (18.06), discount 7.75; April: 50.00 − 15.00
    const docs = await w.docs(s.id);
    expect(docs.flatMap(view)).toEqual([
      'charge 2026-03-16→2026-04-01 5×5.162 −775 = 1806 (Onboarding credit)',
      'charge 2026-04-01→2026-05-01 5×10 −1500 = 3500 (Onboarding credit)',
    ]);
    docs.forEach(consistent);
    await w.b.call('subscriptions.applyChange', { subscriptionId: s.id, when: 'period_end', actions: [{ type: 'set_discount', itemId: s.items[0]!.id, percent: '10' }] });
    expect((await w.b.call('subscriptions.get', { id: s.id })).scheduledChanges[0]).toMatchObject({ effectiveDate: '2026-05-01', discountPercent: '10', discountAmount: null });
    await w.runOn('2026-05-01');
    expect(view((await w.docs(s.id)).at(-1)!)).toEqual(['charge 2026-05-01→2026-06-01 5×10 −500 = 4500 (Discount 10%)']);
    const both = await w.b.invoke('subscriptions.previewChange', { subscriptionId: s.id, actions: [{ type: 'set_discount', itemId: s.items[0]!.id, percent: '10', amount: '5' }] });
    expect(both.ok ? null : both.error.details?.fields?.[0]?.path).toBe('actions.0.amount');
    const bad = await w.b.invoke('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, discountAmount: '5', discountPercent: '5' }] });
    expect(bad.ok ? null : bad.error.details?.fields?.[0]?.path).toBe('items.0.discountAmount');
    const neg = await w.b.invoke('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, discountAmount: '-5' }] });
    expect(neg.ok ? null : neg.error.details?.fields?.[0]?.path).toBe('items.0.discountAmount');
  });

  it('a metered item with a discount: the running usage is priced net of it, and so is the usage line in arrears', async () => {
    w = await world('2026-03-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', {
      customerId: c, items: [{ planId: w.plans['BASIC-M']! }, { planId: w.plans['API-M']!, metric: 'api_calls', discountPercent: '25', discountReason: 'Volume commitment' }],
    });
    await w.runOn('2026-03-01');
    w.clock.set(at('2026-03-10'));
    await w.b.call('usage.record', { subscriptionItemId: s.items[1]!.id, quantity: '1000', timestamp: '2026-03-05T10:00:00Z', idempotencyKey: 'u-1' });
    // 1,000 × 0.01 = 10.00, less 25% = 7.50
    const cur = await w.b.call('subscriptions.currentUsage', { id: s.id });
    expect(cur.items.map((u) => [u.quantity, u.amountMinor])).toEqual([['1000', 750]]);
    await w.runOn('2026-04-01');
    const apr = (await w.docs(s.id)).at(-1)!;
    expect(view(apr)).toContain('usage 2026-03-01→2026-04-01 1000×0.01 −250 = 750 (Volume commitment)');
    consistent(apr);
  });

  it('an add-on with a discount; a credit note carries the line discount; ERP payload prices the net', async () => {
    w = await world('2026-03-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']! }] });
    await w.runOn('2026-03-01');
    await w.b.call('subscriptions.applyChange', { subscriptionId: s.id, when: 'period_end', actions: [{ type: 'add_addon', planId: w.plans['SUPPORT-M']!, discountPercent: '25' }] });
    await w.runOn('2026-04-01');
    const apr = (await w.docs(s.id)).at(-1)!;
    expect(view(apr)).toEqual([
      'charge 2026-04-01→2026-05-01 1×30 −0 = 3000',
      'charge 2026-04-01→2026-05-01 1×20 −500 = 1500 (Discount 25%)',
    ]);
    const cn = await w.b.call('invoices.createCreditNote', { invoiceId: apr.id, reason: 'goodwill' });
    const credit = await w.b.call('invoices.get', { id: cn.id });
    expect(credit.lines.map((l) => [l.quantity, l.unitPrice, l.discountMinor, l.amountMinor])).toEqual([['1', '30', 0, 3000], ['1', '20', 500, 1500]]);
    const events = await w.b.call('sync.outbox', { aggregateType: 'invoice', limit: 100 });
    const payload = events.find((e) => e.aggregateId === apr.id)!.payload as { lines: { quantity: string; unitPrice: string; netMinor: number; discountMinor?: number; listUnitPrice?: string }[] };
    expect(payload.lines[1]).toMatchObject({ quantity: '1', unitPrice: '15', netMinor: 1500, discountMinor: 500, listUnitPrice: '20' });
  });

  const missing = validatorMissing();
  it.skipIf(!!missing)('UBL and CII with line discounts (positive and negative lines) pass the EN 16931 rules; the PDF prints the discount', async () => {
    w = await world('2026-06-01');
    const setting = (key: string, value: unknown) =>
      w.b.base.raw.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
    setting('companyVatId', 'DE123456789');
    setting('companyAddress', { line1: 'Friedrichstraße 123', city: 'Berlin', postalCode: '10117', country: 'DE' });
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, quantity: '3', discountPercent: '10', discountReason: 'Framework agreement' }] });
    await w.runOn('2026-06-01');
    w.clock.set(at('2026-06-16'));
    await w.b.call('subscriptions.applyChange', { subscriptionId: s.id, actions: [{ type: 'change_quantity', itemId: s.items[0]!.id, quantity: '5' }] });
    await w.runOn('2026-07-01');
    const docs = await w.docs(s.id);
    const july = docs.at(-1)!;
    expect(july.lines.map((l) => [l.kind, Math.sign(l.amountMinor), Math.sign(l.discountMinor)])).toEqual([['proration_credit', -1, -1], ['proration_charge', 1, 1], ['charge', 1, 1]]);
    const cn = await w.b.call('invoices.createCreditNote', { invoiceId: july.id });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-discounts-'));
    const files: string[] = [];
    for (const id of [...docs.map((d) => d.id), cn.id]) {
      for (const op of ['invoices.ubl', 'invoices.cii'] as const) {
        const f = await w.b.call(op, { id });
        const file = path.join(dir, op === 'invoices.cii' ? f.name.replace(/\.xml$/, '.cii.xml') : f.name);
        fs.writeFileSync(file, Buffer.from(f.base64, 'base64'));
        files.push(file);
      }
    }
    const ubl = fs.readFileSync(files[2]!, 'utf8');
    expect(ubl).toContain('<cbc:AllowanceChargeReason>Framework agreement</cbc:AllowanceChargeReason>');
    const r = runValidator(files);
    for (const f of files) {
      const v = r.byFile.get(f);
      expect(v, `no verdict for ${f}:\n${r.output.slice(0, 2000)}`).toBeDefined();
      expect(v!.fatal, `${path.basename(f)}:\n${v!.findings.join('\n')}`).toBe(0);
    }
    const pdf = await w.b.call('invoices.pdf', { id: docs[0]!.id });
    const pdfFile = path.join(dir, 'june.pdf');
    fs.writeFileSync(pdfFile, Buffer.from(pdf.base64, 'base64'));
    const txt = spawnSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
    if (txt.status === 0) {
      expect(txt.stdout).toContain('Framework agreement');
      expect(txt.stdout).toMatch(/-3\.00/);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }, 180_000);
});
