/**
 * Sync throughput: 10,000 outbox events to a loopback REST endpoint with batching (goal ≥ 2,000 events/s),
 * and 200 events (100 customers + 100 posted invoices) to the shared Tryton when it is available.
 *   npx tsx test/bench/sync.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { systemClock } from '../../main/platform/clock';
import { RestConnector } from '../../main/sync/connectors/rest';
import { TrytonConnector } from '../../main/sync/connectors/tryton';
import { enqueueOutbox } from '../../main/sync/outbox';
import type { ErpCustomerPayload, ErpInvoicePayload } from '../../main/sync/payloads';
import { OutboxSender } from '../../main/sync/sender';
import { startFaultServer } from '../integration/sync/fault-server';
import { startTryton, TRYTON } from '../integration/sync/tryton-env';
import { openSyncTestDb } from '../unit/sync/db';

const REST_EVENTS = 10_000;
const REST_AGGREGATES = 2_000;
const TRYTON_CUSTOMERS = 100;

async function drain(sender: OutboxSender): Promise<{ ms: number; sent: number; pending: number; parked: number }> {
  const t0 = performance.now();
  let sent = 0;
  for (let i = 0; i < 10_000; i++) {
    const s = await sender.pushOnce();
    sent += s.sent;
    if (s.pending === 0 || (s.sent === 0 && s.failed === 0)) return { ms: performance.now() - t0, sent, pending: s.pending, parked: s.parkedTotal };
  }
  throw new Error('did not drain');
}

function customerPayload(stamp: string, i: number): ErpCustomerPayload {
  const now = new Date().toISOString();
  return {
    id: `0193b000-0000-7000-8000-${String(i).padStart(12, '0')}`, number: `B-${stamp}-${i}`, name: `Bench customer ${i}`, vatId: null, country: 'DE',
    currency: 'EUR', email: `bench${i}@example.com`, contacts: [], billingAddress: { line1: `Weg ${i}`, line2: '', city: 'Köln', postalCode: '50667', region: '', country: 'DE' },
    paymentTermsDays: 14, taxStatus: 'taxable', parentId: null, tags: [], notes: '', status: 'active', version: 1, createdAt: now, updatedAt: now,
  };
}

async function benchRest(dir: string): Promise<void> {
  const db = await openSyncTestDb(path.join(dir, 'rest.sqlite'));
  const raw: BetterSqlite3.Database = db.raw;
  const now = new Date().toISOString();
  raw.transaction(() => {
    for (let i = 0; i < REST_EVENTS; i++) {
      const a = i % REST_AGGREGATES;
      enqueueOutbox(raw, now, {
        aggregateType: 'customer', aggregateId: `cust-${a}`, eventType: i < REST_AGGREGATES ? 'customer.created' : 'customer.updated',
        payload: { id: `cust-${a}`, number: `K-${a}`, name: `Customer ${a} v${Math.floor(i / REST_AGGREGATES)}`, vatId: 'DE136695976', email: `c${a}@example.com`, country: 'DE' },
      });
    }
  })();
  const server = await startFaultServer({ bearer: 'bench' });
  try {
    const connector = new RestConnector({
      baseUrl: server.url, auth: { type: 'bearer', token: 'bench' }, batch: { path: '/events:batch', maxItems: 500 }, timeoutMs: 10_000,
      entities: { customer: { path: '/customers', fields: { number: 'customerNumber', name: 'companyName', vatId: 'taxId', email: 'email', country: 'country' } } },
    });
    const sender = new OutboxSender({ raw, connector, clock: systemClock });
    const r = await drain(sender);
    if (r.sent !== REST_EVENTS || server.applied.size !== REST_EVENTS || server.violations.length) {
      throw new Error(`REST bench lost or reordered events: ${JSON.stringify({ ...r, applied: server.applied.size, violations: server.violations.slice(0, 3) })}`);
    }
    console.log(`rest: ${REST_EVENTS} events over ${REST_AGGREGATES} aggregates in ${r.ms.toFixed(0)} ms (batches of 500, per-aggregate order kept)`);
    console.log(`BENCH sync rest_events_per_s=${Math.round(REST_EVENTS / (r.ms / 1000))} events/s`);
  } finally {
    await server.close();
    await db.close();
  }
}

async function benchTryton(dir: string): Promise<void> {
  const why = await startTryton();
  if (why) {
    console.log(`note: Tryton bench skipped: ${why.split('\n')[0]}`);
    return;
  }
  const db = await openSyncTestDb(path.join(dir, 'tryton.sqlite'));
  const raw = db.raw;
  const stamp = Date.now().toString(36).toUpperCase();
  const today = new Date().toISOString().slice(0, 10);
  const now = new Date().toISOString();
  raw.transaction(() => {
    for (let i = 0; i < TRYTON_CUSTOMERS; i++) {
      const c = customerPayload(stamp, i);
      enqueueOutbox(raw, now, { aggregateType: 'customer', aggregateId: c.id, eventType: 'customer.created', payload: c });
    }
    for (let i = 0; i < TRYTON_CUSTOMERS; i++) {
      const c = customerPayload(stamp, i);
      const inv: ErpInvoicePayload = {
        id: `0193b000-0000-7000-a000-${String(i).padStart(12, '0')}`, number: `BINV-${stamp}-${i}`, kind: 'invoice', customerId: c.id, customerNumber: c.number,
        currency: 'EUR', issueDate: today, dueDate: today,
        lines: [
          { description: 'Plan', productSku: null, quantity: '1', unitPrice: '29.00', netMinor: 2900, taxRate: '19', taxCategory: 'standard' },
          { description: 'Seats', productSku: null, quantity: '3', unitPrice: '5.50', netMinor: 1650, taxRate: '19', taxCategory: 'standard' },
        ],
        netMinor: 4550, taxMinor: 864, grossMinor: 5414,
      };
      enqueueOutbox(raw, now, { aggregateType: 'invoice', aggregateId: inv.id, eventType: 'invoice.finalized', payload: inv });
    }
  })();
  const connector = new TrytonConnector({ ...TRYTON });
  try {
    const sender = new OutboxSender({ raw, connector, clock: systemClock });
    await connector.client.login(); // not part of the rate
    const r = await drain(sender);
    const events = TRYTON_CUSTOMERS * 2;
    if (r.sent !== events) throw new Error(`Tryton bench: ${r.sent}/${events} sent, ${r.parked} parked: ${JSON.stringify(sender.status().parked.slice(0, 2))}`);
    console.log(`tryton: ${TRYTON_CUSTOMERS} parties + ${TRYTON_CUSTOMERS} posted invoices in ${r.ms.toFixed(0)} ms (one request at a time)`);
    console.log(`BENCH sync tryton_events_per_s=${(events / (r.ms / 1000)).toFixed(1)} events/s`);
  } finally {
    await connector.close();
    await db.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cadence-bench-sync-'));
  try {
    await benchRest(dir);
    await benchTryton(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
