/**
 * BENCH orders: one release run over 50,000 due upcoming orders (2,000 customers × one daily delivery schedule of two
 * products × 25 deliveries), seeded with raw inserts. Each order: lines from the schedule, contract price of its
 * release date, tax, number from the series, ship-to snapshot, outbox row, invoicing ledger — one transaction.
 * Also reports the per-delivery variant (an invoice finalized per order) on 5,000 orders.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../main/platform/clock';
import { newId } from '../../main/platform/ids';
import { createBackend } from '../../main/services/backend';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 50_000);
const PER_SCHEDULE = 25;
const NOW = '2026-03-31T05:00:00Z';

async function seedAndRelease(orders: number, mode: 'billing_cycle' | 'per_delivery'): Promise<{ ms: number; released: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-bench-orders-'));
  const backend = await createBackend({ dataDir: dir, clock: new ManualClock(NOW), mode: 'cli' });
  const db = backend.base.raw;
  const now = new Date(NOW).toISOString();
  const schedules = Math.ceil(orders / PER_SCHEDULE);
  db.transaction(() => {
    const products: { id: string; plan: string }[] = [];
    for (let i = 0; i < 10; i++) {
      const id = newId();
      const plan = newId();
      db.prepare(`INSERT INTO products (id, sku, name, unit, tax_category, kind, active, version, created_at, updated_at) VALUES (?, ?, ?, 'box', ?, 'physical', 1, 1, ?, ?)`)
        .run(id, `SKU-${i}`, `Consumable ${i}`, i % 3 === 0 ? 'reduced' : 'standard', now, now);
      db.prepare(`INSERT INTO plans (id, product_id, code, name, interval, interval_count, prices, trial_days, active, version, created_at, updated_at) VALUES (?, ?, ?, ?, 'month', 1, ?, 0, 1, 1, ?, ?)`)
        .run(plan, id, `PLAN-${i}`, `Consumable ${i}`, JSON.stringify([{ currency: 'EUR', model: i % 2 ? { type: 'per_unit', unitPrice: `${5 + i}.25` } : { type: 'volume', tiers: [{ upTo: '10', unitPrice: '9.5' }, { upTo: null, unitPrice: '8.75' }] } }]), now, now);
      products.push({ id, plan });
    }
    const cust = db.prepare(`INSERT INTO customers (id, number, name, country, currency, email, contacts, tags, notes, status, version, created_at, updated_at) VALUES (?, ?, ?, 'DE', 'EUR', ?, '[]', '[]', '', 'active', 1, ?, ?)`);
    const loc = db.prepare(`INSERT INTO ship_to_locations (id, customer_id, name, line1, city, postal_code, country, contacts, is_default, created_at, updated_at) VALUES (?, ?, 'Warehouse', 'Hauptstr. 1', 'Berlin', '10115', 'DE', '[]', 1, ?, ?)`);
    const sch = db.prepare(`INSERT INTO order_schedules (id, customer_id, location_id, name, currency, unit, every, anchor_date, lead_days, invoicing_mode, status, generated_through, created_at, updated_at)
      VALUES (?, ?, ?, 'Daily', 'EUR', 'day', 1, '2026-03-01', 5, ?, 'active', '2027-12-31', ?, ?)`);
    const item = db.prepare(`INSERT INTO order_schedule_items (id, schedule_id, position, product_id, plan_id, quantity, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    const ord = db.prepare(`INSERT INTO sales_orders (id, customer_id, schedule_id, location_id, occurrence_date, delivery_date, release_date, status, invoicing_mode, currency, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, 'upcoming', ?, 'EUR', ?, ?)`);
    const line = db.prepare(`INSERT INTO sales_order_lines (id, order_id, position, line_key, kind, schedule_item_id, product_id, plan_id, sku, description, unit, quantity)
      VALUES (?, ?, ?, ?, 'product', ?, ?, ?, ?, ?, 'box', ?)`);
    let made = 0;
    for (let s = 0; s < schedules; s++) {
      const c = newId();
      const l = newId();
      const sid = newId();
      cust.run(c, `CB-${s}`, `Customer ${s}`, `c${s}@example.com`, now, now);
      loc.run(l, c, now, now);
      sch.run(sid, c, l, mode, now, now);
      const items = [0, 1].map((k) => {
        const p = products[(s + k * 3) % products.length]!;
        const it = { id: newId(), p, qty: String(5 + ((s + k) % 20)) };
        item.run(it.id, sid, k + 1, p.id, p.plan, it.qty, now, now);
        return it;
      });
      for (let d = 0; d < PER_SCHEDULE && made < orders; d++, made++) {
        const date = `2026-03-${String(d + 1).padStart(2, '0')}`;
        const rel = new Date(Date.parse(date) - 5 * 86_400_000).toISOString().slice(0, 10);
        const oid = newId();
        ord.run(oid, c, sid, l, date, date, rel, mode, now, now);
        items.forEach((it, k) => line.run(newId(), oid, k + 1, it.id, it.id, it.p.id, it.p.plan, `SKU-${products.indexOf(it.p)}`, 'Consumable', it.qty));
      }
    }
  })();
  const t0 = performance.now();
  const r = await backend.call('orders.release', { generate: false, progressEvery: 5000 });
  const ms = performance.now() - t0;
  if (r.released !== orders || r.failed.length) throw new Error(`released ${r.released} of ${orders}; failed ${r.failed.length}: ${r.failed[0]?.message}`);
  await backend.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { ms, released: r.released };
}

async function main() {
  const a = await seedAndRelease(ORDERS, 'billing_cycle');
  console.log(`BENCH orders release_orders_per_s=${Math.round(a.released / (a.ms / 1000))} orders/s`);
  console.log(`BENCH orders release_50k_ms=${Math.round(a.ms)} ms`);
  const b = await seedAndRelease(Math.min(5_000, ORDERS), 'per_delivery');
  console.log(`BENCH orders release_with_invoice_orders_per_s=${Math.round(b.released / (b.ms / 1000))} orders/s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
