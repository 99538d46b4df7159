/**
 * BENCH billing: a store seeded (raw inserts) with 100,000 customers and subscriptions of 3 items each (seats,
 * a flat add-on, metered API calls with February usage), billed through February; then ONE billing run on
 * 2026-03-01 in a worker thread (web mode), generating and finalizing (grace 0 h) one invoice per subscription.
 * While it runs, API calls are made through backend.invoke and their latency recorded: point reads
 * (customers.get, subscriptions.get, invoices.get, billing.status → api_p95_ms) and customers.list (api_list_p95_ms;
 * at 100,000 customers it is slow by itself: its idle p95 is printed too).
 * Baseline in the same run: raw better-sqlite3 inserting the same invoice and line rows into an empty store of
 * the same schema in one transaction.
 *
 * BENCH_SUBSCRIPTIONS=N overrides the size.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBackend } from '../../main/services/backend';
import { ManualClock } from '../../main/platform/clock';
import { newId } from '../../main/platform/ids';

const N = Number(process.env.BENCH_SUBSCRIPTIONS ?? 100_000);

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296);
}

async function migratedStore(dir: string): Promise<string> {
  const b = await createBackend({ dataDir: dir, mode: 'cli' });
  await b.call('settings.update', { companyCountry: 'DE', companyName: 'Bench GmbH' });
  await b.call('billing.updateSettings', { graceHours: 0, batchSize: 200, dunningGraceDays: 3650 });
  await b.close();
  return path.join(dir, 'cadence.sqlite');
}

function seed(file: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const r = rng(11);
  const now = '2026-02-15T00:00:00.000Z';
  const ins = {
    customer: db.prepare(`INSERT INTO customers (id, number, name, vat_id, country, currency, email, contacts, billing_address, payment_terms_days, tax_status, parent_id, tags, notes, status, version, created_at, updated_at)
      VALUES (?, ?, ?, NULL, 'DE', 'EUR', ?, '[]', ?, 30, 'taxable', NULL, '[]', '', 'active', 1, ?, ?)`),
    product: db.prepare(`INSERT INTO products (id, sku, name, description, unit, tax_category, kind, active, version, created_at, updated_at) VALUES (?, ?, ?, '', ?, 'standard', 'service', 1, 1, ?, ?)`),
    plan: db.prepare(`INSERT INTO plans (id, product_id, code, name, interval, interval_count, prices, trial_days, active, version, created_at, updated_at) VALUES (?, ?, ?, ?, 'month', 1, ?, 0, 1, 1, ?, ?)`),
    sub: db.prepare(`INSERT INTO subscriptions (id, customer_id, currency, status, start_date, anchor_day, interval_months, trial_end, trial_end_action, term_months, term_end, current_term_end,
      auto_renew, renewal_uplift_pct, notice_days, cancel_at, cancel_credit, cancel_reason, proration_policy, proration_invoicing, po_number, buyer_reference, notes,
      next_billing_date, bill_from, status_checked_through, price_locks, last_run_id, billing_error, version, created_at, updated_at)
      VALUES (?, ?, 'EUR', 'active', ?, 1, 1, NULL, 'convert', ?, ?, ?, 1, '0', 0, NULL, 'none', NULL, 'day', 'next_invoice', ?, NULL, '', '2026-03-01', '2026-02-01', '2026-02-01', '{}', NULL, NULL, 1, ?, ?)`),
    item: db.prepare(`INSERT INTO subscription_items (id, subscription_id, position, kind, role, timing, plan_id, product_id, description, quantity, metric, aggregation, aggregation_property, model, tax_category, start_date, end_date, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, 'standard', NULL, NULL, ?)`),
    invoice: db.prepare(`INSERT INTO invoices (id, kind, number, status, customer_id, subscription_id, currency, billing_date, issue_date, due_date, service_start, service_end, net_minor, tax_minor, gross_minor,
      tax_breakdown, notes, customer_snapshot, seller_snapshot, origin, created_at, updated_at, finalized_at)
      VALUES (?, 'invoice', ?, 'paid', ?, ?, 'EUR', '2026-02-01', '2026-02-01', '2026-03-03', '2026-02-01', '2026-03-01', ?, ?, ?, '[]', '[]', '{}', '{}', 'run', ?, ?, ?)`),
    line: db.prepare(`INSERT INTO invoice_lines (id, invoice_id, position, subscription_id, item_id, line_key, billed, kind, description, product_id, product_sku, plan_id, period_start, period_end,
      quantity, unit_price, period_unit_price, fraction, amount_minor, tax_category, tax_code, tax_rate, tax_minor)
      VALUES (?, ?, ?, ?, ?, ?, 1, 'charge', ?, ?, ?, ?, '2026-02-01', '2026-03-01', ?, ?, ?, '1', ?, 'standard', 'S', '19', ?)`),
    usage: db.prepare(`INSERT INTO usage_records (id, idempotency_key, subscription_id, item_id, customer_id, metric, quantity, occurred_at, properties, source, created_at) VALUES (?, ?, ?, ?, ?, 'api_calls', ?, ?, NULL, 'bench', ?)`),
  };
  db.transaction(() => {
    const prod = ['CORE', 'SUP', 'API'].map((sku) => {
      const id = newId();
      ins.product.run(id, sku, sku, sku === 'API' ? 'api_call' : 'seat', now, now);
      return id;
    });
    const mk = (i: number, code: string, model: unknown) => {
      const id = newId();
      ins.plan.run(id, prod[i], code, code, JSON.stringify([{ currency: 'EUR', model }]), now, now);
      return id;
    };
    const seat = mk(0, 'SEAT-M', { type: 'per_unit', unitPrice: '9.99' });
    const sup = mk(1, 'SUP-M', { type: 'flat', price: '19' });
    const api = mk(2, 'API-M', { type: 'graduated', tiers: [{ upTo: '1000', unitPrice: '0' }, { upTo: null, unitPrice: '0.002' }] });
    for (let i = 0; i < N; i++) {
      const c = newId();
      ins.customer.run(c, `CB-${String(i).padStart(6, '0')}`, `Bench Customer ${i} GmbH`, `c${i}@bench.example`, JSON.stringify({ line1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' }), now, now);
      const s = newId();
      const y = 2021 + Math.floor(r() * 5);
      const start = `${y}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
      const term = r() < 0.5;
      const termEnd = term ? `${y + 1}${start.slice(4)}` : null;
      ins.sub.run(s, c, start, term ? 12 : null, termEnd, termEnd, r() < 0.3 ? `PO-${i}` : null, now, now);
      const qty = 1 + Math.floor(r() * 20);
      const items = [newId(), newId(), newId()];
      ins.item.run(items[0], s, 1, 'recurring', 'base', 'advance', seat, prod[0], 'Seats', String(qty), null, null, now);
      ins.item.run(items[1], s, 2, 'recurring', 'addon', 'advance', sup, prod[1], 'Support', '1', null, null, now);
      ins.item.run(items[2], s, 3, 'usage', 'base', 'arrears', api, prod[2], 'API calls', '0', 'api_calls', 'sum', now);
      // February, billed by the previous run
      const inv = newId();
      const a1 = Math.round(qty * 999);
      const net = a1 + 1900;
      const tax = Math.round(net * 0.19);
      ins.invoice.run(inv, `INV-BEN-2026-${String(i + 1).padStart(6, '0')}`, c, s, net, tax, net + tax, now, now, now);
      ins.line.run(newId(), inv, 1, s, items[0], `${items[0]}|2026-02-01|2026-03-01|charge`, 'Seats', prod[0], 'CORE', seat, String(qty), '9.99', '9.99', a1, Math.round(a1 * 0.19));
      ins.line.run(newId(), inv, 2, s, items[1], `${items[1]}|2026-02-01|2026-03-01|charge`, 'Support', prod[1], 'SUP', sup, '1', '19', '19', 1900, 361);
      for (let k = 0; k < 2; k++) ins.usage.run(newId(), `u-${i}-${k}`, s, items[2], c, String(Math.floor(r() * 2000)), `2026-02-${String(3 + k * 10).padStart(2, '0')}T10:00:00.000Z`, now);
    }
    db.prepare(`INSERT INTO number_counters (series_key, scope, next_value) VALUES ('invoice', '*', ?) ON CONFLICT(series_key, scope) DO UPDATE SET next_value = excluded.next_value`).run(N + 1);
  })();
  db.close();
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-bench-billing-'));
  const file = await migratedStore(path.join(dir, 'svc'));
  let t0 = performance.now();
  seed(file);
  console.error(`seeded ${N} subscriptions (${N * 3} items) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const clock = new ManualClock('2026-03-01T02:00:00Z');
  const backend = await createBackend({ dataDir: path.join(dir, 'svc'), clock, mode: 'web' });
  // API calls a user makes meanwhile: point reads (a customer, a subscription, an invoice, the run status) and a list.
  const sample = backend.base.raw.prepare(`SELECT s.id AS sub, s.customer_id AS cust, (SELECT id FROM invoices WHERE subscription_id = s.id LIMIT 1) AS inv FROM subscriptions s WHERE s.rowid IN (SELECT rowid FROM subscriptions ORDER BY random() LIMIT 100)`).all() as { sub: string; cust: string; inv: string }[];
  const timed = async (op: string, input: unknown) => {
    const t = performance.now();
    const r = await backend.invoke(op, input);
    if (!r.ok) throw new Error(`${op}: ${r.error.message}`);
    return performance.now() - t;
  };
  let k = 0;
  const pointRead = async () => {
    const x = sample[k++ % sample.length]!;
    const ops: [string, unknown][] = [['customers.get', { id: x.cust }], ['subscriptions.get', { id: x.sub }], ['invoices.get', { id: x.inv }], ['billing.status', {}]];
    const [op, input] = ops[k % ops.length]!;
    return timed(op, input);
  };
  const listCall = () => timed('customers.list', { limit: 50 });
  const idlePoint: number[] = [];
  const idleList: number[] = [];
  for (let i = 0; i < 40; i++) idlePoint.push(await pointRead());
  for (let i = 0; i < 10; i++) idleList.push(await listCall());
  t0 = performance.now();
  const started = await backend.call('billing.run', { mode: 'worker' });
  const point: number[] = [];
  const list: number[] = [];
  let status = await backend.call('billing.status', {});
  for (let i = 0; status.running; i++) {
    point.push(await pointRead());
    if (i % 10 === 0) list.push(await listCall());
    await new Promise((r) => setTimeout(r, 20));
    status = await backend.call('billing.status', {});
  }
  const wallS = (performance.now() - t0) / 1000;
  const run = status.lastRun!;
  if (run.id !== started.runId || run.status !== 'completed') throw new Error(`run ${started.runId} did not complete: ${JSON.stringify(run)}`);

  // Baseline: the same invoice and line rows, raw, one transaction, into an empty store of the same schema.
  const db = new Database(file, { readonly: true });
  const invoices = db.prepare('SELECT * FROM invoices WHERE billing_run_id = ?').all(run.id) as Record<string, unknown>[];
  const lines = db.prepare('SELECT l.* FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.billing_run_id = ?').all(run.id) as Record<string, unknown>[];
  db.close();
  await backend.close();
  const rawFile = await migratedStore(path.join(dir, 'raw'));
  const raw = new Database(rawFile);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = OFF');
  const cols = (r: Record<string, unknown>) => Object.keys(r);
  const insInv = raw.prepare(`INSERT INTO invoices (${cols(invoices[0]!).join(', ')}) VALUES (${cols(invoices[0]!).map((c) => '@' + c).join(', ')})`);
  const insLine = raw.prepare(`INSERT INTO invoice_lines (${cols(lines[0]!).join(', ')}) VALUES (${cols(lines[0]!).map((c) => '@' + c).join(', ')})`);
  t0 = performance.now();
  raw.transaction(() => {
    for (const r of invoices) insInv.run(r);
    for (const r of lines) insLine.run(r);
  })();
  const rawS = (performance.now() - t0) / 1000;
  raw.close();
  fs.rmSync(dir, { recursive: true, force: true });

  console.error(`run: ${run.invoicesCreated} invoices (${run.linesCreated} lines) generated and finalized, ${run.failed} failed, in ${wallS.toFixed(1)} s; ` +
    `raw insert of the same ${invoices.length} invoices + ${lines.length} lines: ${rawS.toFixed(2)} s; ` +
    `API during the run: ${point.length} point reads (idle p95 ${percentile(idlePoint, 95).toFixed(1)} ms), ${list.length} customers.list (idle p95 ${percentile(idleList, 95).toFixed(1)} ms)`);
  console.log(`BENCH billing wall_s=${wallS.toFixed(2)} s`);
  console.log(`BENCH billing invoices_per_s=${Math.round(run.invoicesCreated / wallS)} invoices/s`);
  console.log(`BENCH billing ratio_vs_raw=${(wallS / rawS).toFixed(1)} x`);
  console.log(`BENCH billing api_p95_ms=${percentile(point, 95).toFixed(1)} ms`);
  console.log(`BENCH billing api_list_p95_ms=${percentile(list, 95).toFixed(1)} ms`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
