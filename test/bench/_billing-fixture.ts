/**
 * The billing bench's store: 100,000 (BENCH_SUBSCRIPTIONS) customers with a subscription of 3 items each (seats, a
 * flat add-on, metered API calls with February usage), billed through February by raw inserts. Shared by the bench
 * and by profiling scripts.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { createBackend } from '../../main/services/backend';
import { newId } from '../../main/platform/ids';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296);
}

export async function migratedStore(dir: string): Promise<string> {
  const b = await createBackend({ dataDir: dir, mode: 'cli' });
  await b.call('settings.update', { companyCountry: 'DE', companyName: 'Bench GmbH' });
  await b.call('billing.updateSettings', { graceHours: 0, batchSize: 200, dunningGraceDays: 3650 });
  await b.close();
  return path.join(dir, 'cadence.sqlite');
}

export function seed(file: string, N: number): void {
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

