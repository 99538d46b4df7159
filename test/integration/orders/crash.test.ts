/**
 * A crash during a release run (kill -9 of the process in the middle of a batch, or an error thrown mid-run) never
 * releases an order twice, and the order numbers stay gapless: status, number series and outbox row commit together.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorld } from './helpers';

const here = path.dirname(fileURLToPath(import.meta.url));
const NOW = '2026-04-10T06:00:00Z';
let dir: string;

function child(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'crash-child.ts')], {
    env: { ...process.env, DATA_DIR: dir, NOW, BATCH: '25', ...env }, encoding: 'utf8', timeout: 120_000,
  });
}

function state() {
  const db = new Database(path.join(dir, 'cadence.sqlite'), { readonly: true });
  try {
    const released = db.prepare(`SELECT id, number FROM sales_orders WHERE number IS NOT NULL ORDER BY number`).all() as { id: string; number: string }[];
    const due = (db.prepare(`SELECT COUNT(*) AS n FROM sales_orders WHERE release_date <= '2026-04-10' AND status NOT IN ('skipped','canceled')`).get() as { n: number }).n;
    const outbox = db.prepare(`SELECT aggregate_id, COUNT(*) AS n FROM outbox WHERE aggregate_type = 'sales_order' GROUP BY aggregate_id`).all() as { aggregate_id: string; n: number }[];
    const events = db.prepare(`SELECT order_id, COUNT(*) AS n FROM sales_order_events WHERE event = 'released' GROUP BY order_id`).all() as { order_id: string; n: number }[];
    const counter = (db.prepare(`SELECT next_value FROM number_counters WHERE series_key = 'sales_order'`).get() as { next_value: number } | undefined)?.next_value ?? 1;
    const invoiceKeys = (db.prepare(`SELECT COUNT(*) AS n, COUNT(DISTINCT order_line_id) AS d FROM sales_order_invoicing`).get() as { n: number; d: number });
    return { released, due, outbox, events, counter, invoiceKeys };
  } finally {
    db.close();
  }
}

function expectConsistent(s: ReturnType<typeof state>) {
  // numbers 1..n, no gap, no duplicate; the series counter right after the last one
  expect(s.released.map((r) => Number(r.number.slice(-6)))).toEqual(s.released.map((_, i) => i + 1));
  expect(s.counter).toBe(s.released.length + 1);
  // exactly one outbox row and one 'released' event per released order, nothing for the others
  expect(s.outbox.length).toBe(s.released.length);
  expect(s.outbox.every((o) => o.n === 1)).toBe(true);
  expect(new Set(s.outbox.map((o) => o.aggregate_id))).toEqual(new Set(s.released.map((r) => r.id)));
  expect(s.events.every((e) => e.n === 1) && s.events.length === s.released.length).toBe(true);
  // per-delivery invoicing: each order line charged once
  expect(s.invoiceKeys.n).toBe(s.invoiceKeys.d);
}

beforeAll(async () => {
  const w = await makeWorld('2026-03-01T08:00:00Z');
  dir = w.dir;
  for (let i = 0; i < 10; i++) {
    await w.backend.call('orderSchedules.create', {
      customerId: w.customerId, name: `Lab ${i}`, invoicingMode: 'per_delivery',
      pattern: { unit: 'week', every: 1, anchorDate: '2026-03-02', weekday: 1 + (i % 5), leadDays: 5 },
      items: [{ productId: w.products['GLOVES-M']!.id, quantity: '10' }, { productId: w.products['TIPS-200']!.id, quantity: String(1 + i) }],
    });
  }
  await w.backend.close();
}, 120_000);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('crash during a release run', () => {
  it('kill -9 in the middle of the second batch: the first batch stays, the second is gone, nothing twice', () => {
    const r = child({ CRASH_AFTER: '37', CRASH_MODE: 'kill' });
    expect(r.signal).toBe('SIGKILL');
    const s = state();
    expect(s.released.length).toBe(25); // batch 1 committed; batch 2 died after 12 of its orders, uncommitted
    expectConsistent(s);
  });

  it('an error thrown mid-run rolls its batch back', () => {
    const r = child({ CRASH_AFTER: '10', CRASH_MODE: 'throw' });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { released: number; failures: string[] };
    expect(out.failures[0]).toMatch(/simulated crash/);
    expect(out.released).toBe(0);
    const s = state();
    expect(s.released.length).toBe(25);
    expectConsistent(s);
  });

  it('the restarted run releases the rest exactly once, numbers gapless', () => {
    const r = child({});
    expect(r.status, r.stderr).toBe(0);
    const s = state();
    expect(s.released.length).toBe(s.due);
    expect(s.due).toBeGreaterThan(50);
    expectConsistent(s);
    // and once more: nothing left
    const again = child({});
    expect(JSON.parse(again.stdout)).toEqual({ released: 0, failures: [] });
    expect(state().released.length).toBe(s.due);
  });
});
