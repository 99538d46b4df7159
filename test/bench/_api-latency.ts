/** Profiling aid: idle latency of the API calls the billing bench makes, on the bench's 100,000-subscription store. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBackend } from '../../main/services/backend';
import { ManualClock } from '../../main/platform/clock';
import { migratedStore, seed } from './_billing-fixture';

const N = Number(process.env.BENCH_SUBSCRIPTIONS ?? 100_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-api-'));
const file = await migratedStore(path.join(dir, 'svc'));
seed(file, N);
const backend = await createBackend({ dataDir: path.join(dir, 'svc'), clock: new ManualClock('2026-03-01T02:00:00Z'), mode: 'web' });
const x = backend.base.raw.prepare(`SELECT s.id AS sub, s.customer_id AS cust, (SELECT id FROM invoices WHERE subscription_id = s.id LIMIT 1) AS inv FROM subscriptions s LIMIT 1 OFFSET 777`).get() as { sub: string; cust: string; inv: string };
for (const [op, input] of [['customers.get', { id: x.cust }], ['subscriptions.get', { id: x.sub }], ['invoices.get', { id: x.inv }], ['billing.status', {}], ['customers.list', { limit: 50 }]] as [string, unknown][]) {
  const ts: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    const r = await backend.invoke(op, input);
    if (!r.ok) throw new Error(r.error.message);
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  console.log(`${op}: median ${ts[10]!.toFixed(2)} ms, max ${ts[19]!.toFixed(2)} ms`);
}
await backend.close();
fs.rmSync(dir, { recursive: true, force: true });
