import { it, expect } from 'vitest';
import { world, lineView, months } from '/work/main/test/integration/billing/helpers';
it('smoke', async () => {
  const w = await world('2026-01-01');
  const c = await w.customer();
  const s = await w.b.call('subscriptions.create', { customerId: c, items: [{ planId: w.plans['SEAT-M']!, quantity: '3' }] });
  for (const d of months('2026-01-01', 4)) await w.runOn(d);
  const docs = await w.docs(s.id);
  console.log(docs.map((d) => [d.number, d.issueDate, d.grossMinor, lineView(d)]));
  const runs = await w.b.call('billing.runs', {});
  console.log(runs.items.map(r => [r.targetDate, r.processed, r.billed, r.finalized]));
  expect(docs.length).toBe(4);
  await w.close();
});
