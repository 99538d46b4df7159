/**
 * Dunning reminders: levels by days overdue, each level once per invoice, only the highest level after days offline,
 * payments take an invoice out of dunning, the ERP/CRM learns each reminder through the outbox.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reminderWording } from '../../../main/exports/reminder';
import { world, type World } from './helpers';

const hasPdfToText = spawnSync('pdftotext', ['-v']).status === 0;

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const outboxReminders = (wld: World) =>
  (wld.b.base.raw.prepare(`SELECT payload FROM outbox WHERE event_type = 'dunning_reminder.issued' ORDER BY id`).all() as { payload: string }[]).map((r) => JSON.parse(r.payload) as Record<string, unknown>);

describe('dunning reminders', () => {
  it('issues each level once when reached, only the highest after days offline, and stops when the invoice is paid', async () => {
    w = await world('2026-01-01');
    await w.b.call('billing.updateSettings', { dunningLevels: [7, 14, 30] });
    const c1 = await w.customer();
    const c2 = await w.customer();
    const s1 = await w.b.call('subscriptions.create', { customerId: c1, items: [{ planId: w.plans.ANNUAL! }] });
    const s2 = await w.b.call('subscriptions.create', { customerId: c2, items: [{ planId: w.plans.ANNUAL! }] });
    await w.runOn('2026-01-01');
    const [inv1] = await w.docs(s1.id);
    const [inv2] = await w.docs(s2.id);
    expect([inv1!.dueDate, inv2!.dueDate]).toEqual(['2026-01-15', '2026-01-15']);

    await w.runOn('2026-01-21'); // 6 days overdue
    expect(outboxReminders(w)).toEqual([]);

    await w.runOn('2026-01-22'); // 7 days: level 1 for both
    let status = await w.b.call('billing.status', {});
    expect(status.lastRun).toMatchObject({ status: 'completed', reminders: 2 });
    const log = await w.b.call('billing.runLog', { runId: status.lastRun!.id, outcome: 'reminder' });
    expect(log.items.map((e) => [e.invoiceId, e.amountMinor, e.message]).sort()).toEqual([
      [inv1!.id, 142800, `reminder 1 for ${inv1!.number}: 7 days overdue (due 2026-01-15)`],
      [inv2!.id, 142800, `reminder 1 for ${inv2!.number}: 7 days overdue (due 2026-01-15)`],
    ].sort());

    // inv1 is paid in full, inv2 in part
    await w.b.call('payments.record', { invoiceId: inv1!.id, amountMinor: 142800, paidOn: '2026-01-22' });
    await w.b.call('payments.record', { invoiceId: inv2!.id, amountMinor: 50000, paidOn: '2026-01-22' });
    await w.runOn('2026-01-23');
    expect(outboxReminders(w)).toHaveLength(2);

    // the laptop was closed until 36 days overdue: level 3 only (no level 2 letter any more), for what is still due
    await w.runOn('2026-02-20');
    status = await w.b.call('billing.status', {});
    expect(status.lastRun).toMatchObject({ reminders: 1 });
    const after = await w.b.call('invoices.get', { id: inv2!.id });
    expect(after.reminders.map((r) => [r.level, r.issuedOn, r.daysOverdue, r.amountDueMinor])).toEqual([
      [1, '2026-01-22', 7, 142800],
      [3, '2026-02-20', 36, 92800],
    ]);
    expect(after.dunningLevel).toBe(3);
    expect((await w.b.call('invoices.get', { id: inv1!.id })).reminders.map((r) => r.level)).toEqual([1]);
    const list = await w.b.call('invoices.list', { limit: 10 });
    expect(Object.fromEntries(list.items.map((i) => [i.id, i.dunningLevel]))).toEqual({ [inv1!.id]: 1, [inv2!.id]: 3 });

    // what the ERP/CRM gets to send the letter
    const sent = outboxReminders(w);
    expect(sent).toHaveLength(3);
    expect(sent[2]).toMatchObject({
      level: 3, issuedOn: '2026-02-20', invoiceId: inv2!.id, invoiceNumber: inv2!.number, dueDate: '2026-01-15', daysOverdue: 36,
      amountDueMinor: 92800, currency: 'EUR', customerId: c2, customerName: 'Customer 2 GmbH', customerEmail: 'c2@example.com',
    });

    // the last level is the last letter
    await w.runOn('2026-03-20');
    expect(outboxReminders(w)).toHaveLength(3);

    // the letter of the final reminder (PDF)
    const file = await w.b.call('invoices.reminderPdf', { reminderId: after.reminders[1]!.id });
    expect(file).toMatchObject({ name: `reminder-3-${inv2!.number}.pdf`, mediaType: 'application/pdf' });
    const pdf = Buffer.from(file.base64, 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    if (hasPdfToText) {
      const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-reminder-')), 'r.pdf');
      fs.writeFileSync(f, pdf);
      const txt = spawnSync('pdftotext', ['-layout', f, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
      expect(txt).toContain('FINAL REMINDER');
      expect(txt).toContain(inv2!.number!);
      expect(txt).toContain('Customer 2 GmbH');
      expect(txt).toContain('36 days');
      expect(txt).toMatch(/Total due €928\.00/);
      expect(txt).toContain('hand the matter over for collection');
    }
    await expect(w.b.call('invoices.reminderPdf', { reminderId: '01a00000-0000-7000-8000-000000000000' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('words the letter by level: first, further, final', () => {
    expect(reminderWording(1, 3).title).toBe('PAYMENT REMINDER');
    expect(reminderWording(2, 3).title).toBe('REMINDER 2');
    expect(reminderWording(3, 3).title).toBe('FINAL REMINDER');
    expect(reminderWording(1, 1).title).toBe('PAYMENT REMINDER');
  });

  it('is off until levels are configured, and refuses levels that do not increase', async () => {
    w = await world('2026-01-01');
    expect((await w.b.call('billing.settings', {})).dunningLevels).toEqual([]);
    const c = await w.customer();
    await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans.ANNUAL! }] });
    await w.runOn('2026-01-01');
    await w.runOn('2026-06-01');
    expect(outboxReminders(w)).toEqual([]);
    await expect(w.b.call('billing.updateSettings', { dunningLevels: [14, 7] }))
      .rejects.toMatchObject({ code: 'VALIDATION', details: { fields: [{ path: 'dunningLevels.1' }] } });
    expect((await w.b.call('billing.updateSettings', { dunningLevels: [10] })).dunningLevels).toEqual([10]);
  });

  it('dates past_due on the day it took effect when the run notices it days later (or the day a void reopened the invoice)', async () => {
    const v = await world('2026-01-01', { dunningGraceDays: 3 });
    w = v;
    const c = await v.customer();
    const s = await v.b.call('subscriptions.create', { customerId: c, items: [{ planId: v.plans.ANNUAL! }] });
    await v.runOn('2026-01-01'); // due 2026-01-15; overdue by the 3 days' grace from 19 January
    await v.runOn('2026-01-25'); // offline until then
    const tl = async () => (await v.b.call('subscriptions.timeline', { id: s.id })).filter((e) => e.event !== 'created').map((e) => [e.event, e.effectiveDate]);
    expect(await tl()).toEqual([['past_due', '2026-01-19']]);
    // paid with a credit note, which is then voided on 2 February: past due again from that day
    const [inv] = await v.docs(s.id);
    v.clock.set('2026-01-26T10:00:00.000Z');
    const cn = await v.b.call('invoices.createCreditNote', { invoiceId: inv!.id });
    v.clock.set('2026-02-02T10:00:00.000Z');
    await v.b.call('invoices.void', { id: cn.id, reason: 'issued by mistake' });
    await v.runOn('2026-02-10');
    expect(await tl()).toEqual([['past_due', '2026-01-19'], ['payment_recovered', '2026-01-26'], ['past_due', '2026-02-02']]);
  });
});
