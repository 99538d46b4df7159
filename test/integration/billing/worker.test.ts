/**
 * Web mode: the billing run executes in a worker_threads Worker with its own connection to the WAL file, off the
 * API's event loop; the backend re-emits its progress as billing.progress / billing.finished events.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../main/services/backend';
import { ManualClock } from '../../../main/platform/clock';

let dir: string;
let b: Backend;
const N = 400;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-billing-worker-'));
  b = await createBackend({ dataDir: dir, clock: new ManualClock('2026-02-01T06:00:00Z'), mode: 'web' });
  await b.call('billing.updateSettings', { graceHours: 0, batchSize: 50 });
  const p = await b.call('products.create', { sku: 'CORE', name: 'Core' });
  const plan = await b.call('plans.create', { productId: p.id, code: 'SEAT-M', name: 'Seats', interval: 'month', prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice: '10' } }] });
  for (let i = 0; i < N; i++) {
    const c = await b.call('customers.create', { name: `Customer ${i}`, country: 'DE', currency: 'EUR', email: `c${i}@example.com` });
    await b.call('subscriptions.create', { customerId: c.id, startDate: '2026-01-01', items: [{ planId: plan.id, quantity: String(1 + (i % 5)) }] });
  }
});
afterAll(async () => {
  await b.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('billing run in a worker thread', () => {
  it('bills every subscription, emits progress and finished events, and the API answers meanwhile', async () => {
    const progress: { phase: string; processed: number; total: number }[] = [];
    const finished: unknown[] = [];
    const off1 = b.events.on('billing.progress', (p) => progress.push(p as never));
    const off2 = b.events.on('billing.finished', (p) => finished.push(p));
    const started = await b.call('billing.run', {});
    expect(started.alreadyRunning).toBe(false);
    const again = await b.call('billing.run', {});
    expect(again).toMatchObject({ runId: started.runId, alreadyRunning: true });
    // the API keeps answering — reads and writes — while the worker bills
    const t0 = performance.now();
    const list = await b.call('customers.list', { limit: 10 });
    expect(list.total).toBe(N);
    expect(performance.now() - t0).toBeLessThan(2000);
    for (let i = 0; i < 5; i++) {
      await b.call('customers.update', { id: list.items[i]!.id, patch: { notes: `edited during the run ${i}` } });
      await new Promise((r) => setTimeout(r, 20));
    }
    let status = await b.call('billing.status', {});
    for (let i = 0; i < 600 && status.running; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = await b.call('billing.status', {});
    }
    off1();
    off2();
    expect(status.running).toBe(false);
    expect(status.lastRun).toMatchObject({ id: started.runId, status: 'completed', totalDue: N, processed: N, billed: N, invoicesCreated: N, finalized: N, failed: 0 });
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ id: started.runId, status: 'completed' });
    expect(progress.length).toBeGreaterThan(N / 50);
    expect(progress.filter((p) => p.phase === 'generate').at(-1)).toMatchObject({ processed: N, total: N });
    expect(progress.at(-1)!.phase).toBe('done');
    // Jan and Feb in one catch-up invoice each, numbered gaplessly
    const inv = await b.call('invoices.list', { limit: 10000, sortBy: 'number' });
    expect(inv.total).toBe(N);
    const seqs = inv.items.map((i) => Number(i.number!.split('-').pop())).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    const one = await b.call('invoices.get', { id: inv.items[0]!.id });
    expect(one.lines.map((l) => l.periodStart)).toEqual(['2026-01-01', '2026-02-01']);
  });
});
