/**
 * BENCH store: 100,000 customers through the service layer (validation, numbering, outbox row, one transaction each)
 * against the same rows through raw better-sqlite3 prepared statements in one transaction, in the same run.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBackend } from '../../main/services/backend';
import { makeCustomerInput } from '../../main/services/seed';
import { newId } from '../../main/platform/ids';

const N = Number(process.env.BENCH_CUSTOMERS ?? 100_000);

function rng(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) >>> 0) / 4294967296);
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-bench-store-'));
  const r = rng(7);
  const inputs = Array.from({ length: N }, (_, i) => makeCustomerInput(i, r));

  const backend = await createBackend({ dataDir: path.join(dir, 'svc'), mode: 'cli' });
  let t0 = performance.now();
  for (const input of inputs) await backend.call('customers.create', input);
  const svcMs = performance.now() - t0;
  await backend.close();

  // Raw: same schema (migrated store), the same rows (customer + outbox), one transaction.
  const backend2 = await createBackend({ dataDir: path.join(dir, 'raw'), mode: 'cli' });
  await backend2.close();
  const db = new Database(path.join(dir, 'raw', 'cadence.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const ins = db.prepare(`INSERT INTO customers (id, number, name, vat_id, country, currency, email, contacts, billing_address, payment_terms_days, tax_status, parent_id, tags, notes, status, version, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, 'active', 1, ?, ?)`);
  const out = db.prepare(`INSERT INTO outbox (id, idempotency_key, aggregate_type, aggregate_id, aggregate_seq, event_type, payload, status, attempts, created_at) VALUES (?, ?, 'customer', ?, 1, 'customer.created', ?, 'pending', 0, ?)`);
  t0 = performance.now();
  db.transaction(() => {
    inputs.forEach((c, i) => {
      const id = newId();
      const now = new Date().toISOString();
      ins.run(id, `CB-${i}`, c.name, c.vatId, c.country, c.currency, c.email, JSON.stringify(c.contacts), JSON.stringify(c.billingAddress), c.paymentTermsDays, c.taxStatus, JSON.stringify(c.tags), c.notes, now, now);
      out.run(newId(), `customer:${id}:1`, id, JSON.stringify(c), now);
    });
  })();
  const rawMs = performance.now() - t0;
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const svcRate = Math.round(N / (svcMs / 1000));
  const rawRate = Math.round(N / (rawMs / 1000));
  console.log(`BENCH store customers_insert_per_s=${svcRate} rows/s`);
  console.log(`BENCH store raw_customers_insert_per_s=${rawRate} rows/s`);
  console.log(`BENCH store service_vs_raw_ratio=${(rawRate / svcRate).toFixed(1)} x`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
