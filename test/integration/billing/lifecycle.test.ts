/**
 * Subscription life cycles through the operations, moving a manual clock month by month (or day by day) over a
 * year and more: month-end anchors across a leap year, annual plans with renewal uplift, trial to paid, pause and
 * resume across a period end, cancellation now and at term end, catch-up after days offline, grace period,
 * gapless numbering and idempotent repeated runs. Amounts are worked out by hand in the comments.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { batchLookups, existingLines, loadStates } from '../../../main/services/billing/state';
import { at, lineView, months, world, type World } from './helpers';

let w: World;
afterEach(async () => w?.close());

const seqOf = (n: string | null) => Number(n!.split('-').pop());
const daysFrom = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let d = from; d <= to; d = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) out.push(d);
  return out;
};

describe('monthly plan anchored on the 31st across the 2028 leap year', () => {
  it('bills Jan 31, Feb 29, Mar 31, Apr 30 … with gapless numbers; repeated runs bill nothing twice', async () => {
    w = await world('2028-01-31');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']! }] });
    expect(s.billingAnchorDay).toBe(31);
    const dates = months('2028-01-31', 13);
    for (const d of dates) {
      await w.runOn(d);
      await w.runOn(d); // idempotent: the same day again
    }
    const docs = await w.docs(s.id);
    expect(docs).toHaveLength(13);
    expect(docs.map((d) => d.lines[0]!.periodStart)).toEqual(dates);
    expect(docs.map((d) => d.lines[0]!.periodEnd)).toEqual([...dates.slice(1), '2029-02-28']);
    expect(docs.slice(0, 3).map((d) => d.lines[0]!.periodLastDay)).toEqual(['2028-02-28', '2028-03-30', '2028-04-29']);
    for (const d of docs) {
      expect(d.lines).toHaveLength(1);
      expect(d.netMinor).toBe(3000);
      expect(d.taxMinor).toBe(570); // 19 % DE
      expect(d.grossMinor).toBe(3570);
    }
    expect(docs.map((d) => seqOf(d.number))).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(docs[12]!.number).toMatch(/^INV-[A-Z0-9]{3}-2029-000013$/);
    const runs = await w.b.call('billing.runs', { limit: 100 });
    expect(runs.total).toBe(26);
    expect(runs.items[0]!.processed).toBe(0); // the repeated run found nothing due
    const sub = await w.b.call('subscriptions.get', { id: s.id });
    expect(sub.nextBillingDate).toBe('2029-02-28');
  });
});

describe('annual plan with a 12-month term and 5 % renewal uplift', () => {
  it('bills 1200.00, then 1260.00 and 1323.00 at the renewals, and records each renewal', async () => {
    w = await world('2026-03-15');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans.ANNUAL! }], termMonths: 12, autoRenew: true, renewalUpliftPct: '5' });
    for (const d of months('2026-03-15', 26)) await w.runOn(d);
    const docs = await w.docs(s.id);
    expect(docs.map((d) => [d.issueDate, d.netMinor])).toEqual([['2026-03-15', 120000], ['2027-03-15', 126000], ['2028-03-15', 132300]]);
    expect(docs.map((d) => `${d.lines[0]!.periodStart}→${d.lines[0]!.periodEnd}`)).toEqual(['2026-03-15→2027-03-15', '2027-03-15→2028-03-15', '2028-03-15→2029-03-15']);
    const tl = await w.b.call('subscriptions.timeline', { id: s.id });
    expect(tl.filter((e) => e.event === 'renewed').map((e) => [e.effectiveDate, e.details.termEnd])).toEqual([['2027-03-15', '2028-03-15'], ['2028-03-15', '2029-03-15']]);
    const sub = await w.b.call('subscriptions.get', { id: s.id });
    expect(sub.term).toMatchObject({ months: 12, initialEnd: '2027-03-15', currentEnd: '2029-03-15', autoRenew: true, renewalUpliftPct: '5' });
    // the renewal date is filterable
    const renewing = await w.b.call('subscriptions.list', { renewalFrom: '2029-01-01', renewalTo: '2029-12-31' });
    expect(renewing.items.map((x) => x.id)).toEqual([s.id]);
  });

  it('without auto-renew the subscription expires at the term end and is not billed after it', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']! }], termMonths: 6, autoRenew: false });
    for (const d of months('2026-01-01', 9)) await w.runOn(d);
    const docs = await w.docs(s.id);
    expect(docs).toHaveLength(6);
    const sub = await w.b.call('subscriptions.get', { id: s.id });
    expect(sub.status).toBe('expired');
    const tl = await w.b.call('subscriptions.timeline', { id: s.id });
    expect(tl.find((e) => e.event === 'expired')?.effectiveDate).toBe('2026-07-01');
  });
});

describe('trial', () => {
  it('charges nothing during the trial, then the rest of the period (17/31 of 31.00 = 17.00), converting to active', async () => {
    w = await world('2026-01-10');
    const trialPlan = await w.b.call('plans.create', { productId: w.productId, code: 'TRIAL-M', name: 'Trial monthly', interval: 'month', trialDays: 14, prices: [{ currency: 'EUR', model: { type: 'flat', price: '31' } }] });
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: trialPlan.id }] });
    expect(s.status).toBe('trial');
    expect(s.trialEnd).toBe('2026-01-24');
    const canceling = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: trialPlan.id }], trialEndAction: 'cancel' });
    expect(canceling.cancelAt).toBe('2026-01-24');
    for (const d of daysFrom('2026-01-10', '2026-02-10')) await w.runOn(d);
    const docs = await w.docs(s.id);
    expect(docs.map((d) => [d.issueDate, lineView(d)])).toEqual([
      ['2026-01-24', ['charge 2026-01-24→2026-02-10 1700']],
      ['2026-02-10', ['charge 2026-02-10→2026-03-10 3100']],
    ]);
    expect(docs[0]!.lines[0]!.description).toBe('Trial monthly (17/31 days)');
    expect((await w.b.call('subscriptions.get', { id: s.id })).status).toBe('active');
    const tl = await w.b.call('subscriptions.timeline', { id: s.id });
    expect(tl.map((e) => [e.event, e.effectiveDate, e.fromStatus, e.toStatus])).toEqual([
      ['created', '2026-01-10', null, 'trial'],
      ['trial_converted', '2026-01-24', 'trial', 'active'],
    ]);
    expect(await w.docs(canceling.id)).toHaveLength(0);
    expect((await w.b.call('subscriptions.get', { id: canceling.id })).status).toBe('canceled');
    const tl2 = await w.b.call('subscriptions.timeline', { id: canceling.id });
    expect(tl2.map((e) => e.event)).toEqual(['created', 'trial_canceled']);
  });
});

describe('pause and resume across a period end', () => {
  it('credits the paused days of a paid period, skips the paused month and bills the rest of the resume month', async () => {
    w = await world('2026-03-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']! }] });
    await w.runOn('2026-03-01'); // March in advance: 30.00
    w.clock.set(at('2026-03-20'));
    const paused = await w.b.call('subscriptions.pause', { id: s.id });
    expect(paused.status).toBe('paused');
    for (const d of daysFrom('2026-03-20', '2026-04-09')) await w.runOn(d);
    w.clock.set(at('2026-04-10'));
    const resumed = await w.b.call('subscriptions.resume', { id: s.id });
    expect(resumed.status).toBe('active');
    expect(resumed.pauses).toEqual([{ id: expect.any(String), from: '2026-03-20', until: '2026-04-10' }]);
    for (const d of daysFrom('2026-04-10', '2026-05-01')) await w.runOn(d);
    const docs = await w.docs(s.id);
    // Mar 20–31 paused: 12/31 × 30.00 = 11.6129 → 11.61 credited on a credit note for the March invoice;
    // April from the 10th: 21/30 × 30.00 = 21.00; May in full.
    expect(docs.map((d) => [d.kind, d.issueDate, d.netMinor, lineView(d)])).toEqual([
      ['invoice', '2026-03-01', 3000, ['charge 2026-03-01→2026-04-01 3000']],
      ['credit_note', '2026-03-20', 1161, ['credit 2026-03-20→2026-04-01 1161']],
      ['invoice', '2026-04-10', 2100, ['charge 2026-04-10→2026-05-01 2100']],
      ['invoice', '2026-05-01', 3000, ['charge 2026-05-01→2026-06-01 3000']],
    ]);
    expect(docs[1]!.precedingInvoiceNumber).toBe(docs[0]!.number);
    expect(docs[1]!.number).toMatch(/^CN-/);
    const tl = await w.b.call('subscriptions.timeline', { id: s.id });
    expect(tl.map((e) => [e.event, e.effectiveDate])).toEqual([['created', '2026-03-01'], ['paused', '2026-03-20'], ['resumed', '2026-04-10']]);
  });

  it('a scheduled pause (from / until known) skips the period without any credit', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']! }] });
    await w.runOn('2026-01-01');
    w.clock.set(at('2026-01-15'));
    await w.b.call('subscriptions.pause', { id: s.id, from: '2026-02-01', until: '2026-03-16' });
    for (const d of ['2026-02-01', '2026-03-01', '2026-03-16', '2026-04-01']) await w.runOn(d);
    const docs = await w.docs(s.id);
    // Feb paused entirely; March from the 16th: 16/31 × 30.00 = 15.48; April in full.
    expect(docs.map((d) => lineView(d)[0])).toEqual(['charge 2026-01-01→2026-02-01 3000', 'charge 2026-03-16→2026-04-01 1548', 'charge 2026-04-01→2026-05-01 3000']);
    const tl = await w.b.call('subscriptions.timeline', { id: s.id });
    expect(tl.map((e) => [e.event, e.effectiveDate])).toEqual([['created', '2026-01-01'], ['pause_scheduled', '2026-01-15'], ['paused', '2026-02-01'], ['resumed', '2026-03-16']]);
  });
});

describe('cancellation', () => {
  it('cancel now with a prorated credit note: 184/365 of 1200.00 = 604.93 net, 719.87 gross, referencing the invoice', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans.ANNUAL! }] });
    await w.runOn('2026-01-01');
    w.clock.set(at('2026-07-01'));
    const r = await w.b.call('subscriptions.cancel', { id: s.id, when: 'now', credit: 'prorated', reason: 'customer moved to a competitor' });
    expect(r.subscription.status).toBe('canceled');
    expect(r.subscription.cancelAt).toBe('2026-07-01');
    expect(r.documents).toHaveLength(1);
    const cn = await w.b.call('invoices.get', { id: r.documents[0]!.id });
    expect(cn.kind).toBe('credit_note');
    expect(cn.number).toMatch(/^CN-[A-Z0-9]{3}-2026-000001$/);
    expect(cn.netMinor).toBe(60493);
    expect(cn.taxMinor).toBe(11494);
    expect(cn.grossMinor).toBe(71987);
    expect(lineView(cn)).toEqual(['credit 2026-07-01→2027-01-01 60493']);
    const inv = (await w.docs(s.id)).find((d) => d.kind === 'invoice')!;
    expect(cn.precedingInvoiceNumber).toBe(inv.number);
    expect(inv.creditedMinor).toBe(71987);
    expect(inv.amountDueMinor).toBe(142800 - 71987);
    for (const d of months('2026-08-01', 8)) await w.runOn(d);
    expect(await w.docs(s.id)).toHaveLength(2);
    const tl = await w.b.call('subscriptions.timeline', { id: s.id });
    expect(tl.at(-1)).toMatchObject({ event: 'canceled', effectiveDate: '2026-07-01', fromStatus: 'active', toStatus: 'canceled' });
  });

  it('cancel at term end honours the notice period (30 days): too late → the following term end', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const mk = () => w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, quantity: '2' }], termMonths: 12, noticeDays: 30 });
    const early = await mk();
    const late = await mk();
    w.clock.set(at('2026-11-15'));
    const a = await w.b.call('subscriptions.cancel', { id: early.id, when: 'term_end' });
    expect(a.subscription.cancelAt).toBe('2027-01-01');
    expect(a.subscription.status).toBe('active');
    w.clock.set(at('2026-12-15'));
    const b = await w.b.call('subscriptions.cancel', { id: late.id, when: 'term_end' });
    expect(b.subscription.cancelAt).toBe('2028-01-01');
    for (const d of months('2026-01-01', 14)) await w.runOn(d);
    const docsEarly = await w.docs(early.id);
    expect(docsEarly).toHaveLength(12);
    expect(docsEarly.at(-1)!.lines[0]!.periodEnd).toBe('2027-01-01');
    expect((await w.b.call('subscriptions.get', { id: early.id })).status).toBe('canceled');
    expect(await w.docs(late.id)).toHaveLength(14);
    const tl = await w.b.call('subscriptions.timeline', { id: early.id });
    expect(tl.map((e) => [e.event, e.effectiveDate])).toEqual([['created', '2026-01-01'], ['cancel_scheduled', '2026-11-15'], ['canceled', '2027-01-01']]);
  });

  it('reactivating a canceled subscription bills again from the reactivation day', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']! }] });
    await w.runOn('2026-01-01');
    w.clock.set(at('2026-01-20'));
    await w.b.call('subscriptions.cancel', { id: s.id, when: 'period_end' });
    for (const d of months('2026-02-01', 2)) await w.runOn(d);
    w.clock.set(at('2026-03-11'));
    const r = await w.b.call('subscriptions.reactivate', { id: s.id });
    expect(r.status).toBe('active');
    expect(r.cancelAt).toBeNull();
    await w.runOn('2026-03-11');
    await w.runOn('2026-04-01');
    // canceled Feb 1 – Mar 10; from Mar 11: 21/31 × 30.00 = 20.32
    expect((await w.docs(s.id)).map((d) => lineView(d)[0])).toEqual(['charge 2026-01-01→2026-02-01 3000', 'charge 2026-03-11→2026-04-01 2032', 'charge 2026-04-01→2026-05-01 3000']);
  });
});

describe('the billing run', () => {
  it('catches up after months offline: one invoice with every period due', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, quantity: '3' }] });
    await w.runOn('2026-04-15');
    const docs = await w.docs(s.id);
    expect(docs).toHaveLength(1);
    expect(lineView(docs[0]!)).toEqual([
      'charge 2026-01-01→2026-02-01 3000', 'charge 2026-02-01→2026-03-01 3000', 'charge 2026-03-01→2026-04-01 3000', 'charge 2026-04-01→2026-05-01 3000',
    ]);
    expect(docs[0]!.netMinor).toBe(12000);
    const log = await w.b.call('billing.runLog', { runId: docs[0]!.billingRunId! });
    // one entry: billed and, with no grace period, finalized at once (the invoice is named)
    expect(log.items.map((e) => e.outcome)).toEqual(['billed']);
    expect(log.items[0]!.message).toBe(`4 line(s) billed through 2026-04-15; invoice ${docs[0]!.number} finalized; next billing 2026-05-01`);
    expect(log.items[0]!.invoiceId).toBe(docs[0]!.id);
  });

  it('reads the billed lines of a whole batch in one query, the same lines as the per-subscription lookup', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const subs = [];
    for (const q of ['1', '2']) subs.push(await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, quantity: q }, { planId: w.plans['API-M']!, metric: 'api_calls' }] }));
    await w.runOn('2026-01-01');
    await w.runOn('2026-02-01');
    const db = w.b.base.raw;
    // as the run hands them over: a Map's values() iterator (walked once)
    const batch = batchLookups(db, loadStates(db, subs.map((s) => s.id)).values());
    expect(batch.billedFrom <= '2026-01-01').toBe(true);
    const keys = (ls: { key: string; amountMinor: number }[]) => ls.map((l) => `${l.key} ${l.amountMinor}`).sort();
    for (const s of subs) {
      expect(batch.billedLines.get(s.id)!.map((l) => l.k.split('|').slice(1, 3).join('→')).sort()).toEqual(['2026-01-01→2026-02-01', '2026-02-01→2026-03-01']); // the seats of January and February (no usage yet)
      for (const win of ['2026-01-01', '2026-02-01']) expect(keys(existingLines(db, s.id, win, batch))).toEqual(keys(existingLines(db, s.id, win)));
    }
  });

  it('keeps drafts for the grace period, then finalizes them (numbers taken at finalization)', async () => {
    w = await world('2026-01-01', { graceHours: 1 });
    const c = await w.customer();
    const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']! }] });
    await w.runOn('2026-01-01');
    let list = await w.b.call('invoices.list', { subscriptionId: s.id });
    expect(list.items.map((i) => [i.status, i.number, i.finalizeAfter])).toEqual([['draft', null, '2026-01-01T07:00:00.000Z']]);
    // a manual finalize of another draft takes the number at that moment
    w.clock.set('2026-01-01T06:30:00Z');
    await w.b.call('billing.run', { wait: true });
    list = await w.b.call('invoices.list', { subscriptionId: s.id });
    expect(list.items[0]!.status).toBe('draft');
    w.clock.set('2026-01-01T07:30:00Z');
    await w.b.call('billing.run', { wait: true });
    list = await w.b.call('invoices.list', { subscriptionId: s.id });
    expect(list.items.map((i) => [i.status, i.issueDate, i.dueDate])).toEqual([['finalized', '2026-01-01', '2026-01-15']]);
    expect(list.items[0]!.number).toMatch(/000001$/);
  });

  it('reports status and writes a log entry per subscription; a failing subscription does not stop the run', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const ok = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']! }] });
    const bad = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['PRO-M']! }] });
    // break the PRO plan's price in EUR: the subscription cannot be priced any more
    w.b.base.raw.prepare(`UPDATE plans SET prices = '[{"currency":"USD","model":{"type":"flat","price":"1"}}]' WHERE id = ?`).run(w.plans['PRO-M']);
    await w.runOn('2026-01-01');
    const status = await w.b.call('billing.status', {});
    expect(status.running).toBe(false);
    expect(status.lastRun).toMatchObject({ status: 'completed', totalDue: 2, processed: 2, billed: 1, failed: 1, invoicesCreated: 1, finalized: 1 });
    const failed = await w.b.call('billing.runLog', { runId: status.lastRun!.id, outcome: 'failed' });
    expect(failed.items.map((e) => [e.subscriptionId, e.message])).toEqual([[bad.id, expect.stringMatching(/no price in EUR/)]]);
    expect((await w.b.call('subscriptions.get', { id: bad.id })).billingError).toMatch(/no price in EUR/);
    expect(await w.docs(ok.id)).toHaveLength(1);
    // fixed: the next run bills it
    w.b.base.raw.prepare(`UPDATE plans SET prices = '[{"currency":"EUR","model":{"type":"flat","price":"60"}}]' WHERE id = ?`).run(w.plans['PRO-M']);
    await w.runOn('2026-01-02');
    expect((await w.docs(bad.id)).map((d) => d.netMinor)).toEqual([6000]);
    expect((await w.b.call('subscriptions.get', { id: bad.id })).billingError).toBeNull();
  });

  it('a subscription failing after its first writes leaves none of them; the rest of its batch is billed with gapless numbers', async () => {
    w = await world('2026-01-01');
    const c = await w.customer();
    const subs = [];
    for (let i = 0; i < 3; i++) subs.push(await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['BASIC-M']! }] }));
    const bad = subs[1]!;
    // The store refuses the middle subscription's lines: its invoice row is already written when that happens.
    w.b.base.raw.exec(`CREATE TRIGGER refuse_lines BEFORE INSERT ON invoice_lines WHEN NEW.subscription_id = '${bad.id}' BEGIN SELECT RAISE(ABORT, 'the disk says no'); END`);
    await w.runOn('2026-01-01');
    const status = await w.b.call('billing.status', {});
    expect(status.lastRun).toMatchObject({ status: 'completed', totalDue: 3, processed: 3, billed: 2, failed: 1, invoicesCreated: 2, linesCreated: 2, finalized: 2 });
    const log = await w.b.call('billing.runLog', { runId: status.lastRun!.id });
    expect(log.items.filter((e) => e.outcome === 'failed').map((e) => [e.subscriptionId, e.message])).toEqual([[bad.id, expect.stringMatching(/the disk says no/)]]);
    expect(log.items.filter((e) => e.outcome === 'billed').map((e) => e.subscriptionId).sort()).toEqual([subs[0]!.id, subs[2]!.id].sort());
    // nothing of the failed attempt is left: no invoice (draft or not), no outbox row, no gap in the numbers
    expect(w.b.base.raw.prepare('SELECT COUNT(*) AS n FROM invoices WHERE subscription_id = ?').get(bad.id)).toEqual({ n: 0 });
    expect((await w.docs()).map((d) => d.number!.slice(-6)).sort()).toEqual(['000001', '000002']);
    const outbox = w.b.base.raw.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE event_type = 'invoice.finalized'`).get() as { n: number };
    expect(outbox.n).toBe(2);
    w.b.base.raw.exec('DROP TRIGGER refuse_lines');
    await w.runOn('2026-01-02');
    expect((await w.docs(bad.id)).map((d) => d.number!.slice(-6))).toEqual(['000003']);
  });
});
