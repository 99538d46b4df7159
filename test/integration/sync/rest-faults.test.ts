/**
 * REST connector + sender against a fault-injecting loopback server: 1,000 events over 100 aggregates.
 * Nothing lost, nothing applied twice, per-aggregate order kept, parked rows are exactly the 400s.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type BetterSqlite3 from 'better-sqlite3';
import { systemClock } from '../../../main/platform/clock';
import { RestConnector } from '../../../main/sync/connectors/rest';
import { enqueueOutbox, getExternalRef } from '../../../main/sync/outbox';
import { OutboxSender } from '../../../main/sync/sender';
import { openSyncTestDb, type SyncTestDb } from '../../unit/sync/db';
import { prng, startFaultServer, type FaultServer } from './fault-server';

const AGGREGATES = 100;
const EVENTS = 1000;
const SECRET = 'test-hmac-secret';

let db: SyncTestDb | null = null;
let server: FaultServer | null = null;
afterEach(async () => {
  await server?.close();
  await db?.close();
  server = null;
  db = null;
});

/** Enqueues 1,000 events round-robin-ish over 100 aggregates; ~2 % are poison (the server answers 400). */
function seed(raw: BetterSqlite3.Database): { expectedApplied: Set<string>; expectedParked: Set<string>; expectedBlocked: Set<string> } {
  const rnd = prng(42);
  const poisoned = new Set<string>();
  const perAgg = new Map<string, number>();
  const keys: { key: string; agg: string; poison: boolean }[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const a = Math.floor(rnd() * AGGREGATES);
    const aggId = `cust-${String(a).padStart(3, '0')}`;
    const seq = (perAgg.get(aggId) ?? 0) + 1;
    perAgg.set(aggId, seq);
    const poison = rnd() < 0.02;
    const row = enqueueOutbox(raw, new Date(Date.UTC(2026, 10, 25, 10, 0, 0, i)).toISOString(), {
      aggregateType: 'customer', aggregateId: aggId, eventType: seq === 1 ? 'customer.created' : 'customer.updated',
      payload: { id: aggId, name: `Customer ${a} v${seq}`, vatId: `DE${a}`, email: `c${a}@example.com`, ...(poison ? { poison: true } : {}) },
    });
    keys.push({ key: row.idempotencyKey, agg: aggId, poison });
    if (poison) poisoned.add(row.idempotencyKey);
  }
  const expectedApplied = new Set<string>();
  const expectedParked = new Set<string>();
  const expectedBlocked = new Set<string>();
  const stopped = new Set<string>();
  for (const k of keys) {
    if (stopped.has(k.agg)) expectedBlocked.add(k.key);
    else if (k.poison) {
      expectedParked.add(k.key);
      stopped.add(k.agg);
    } else expectedApplied.add(k.key);
  }
  return { expectedApplied, expectedParked, expectedBlocked };
}

async function drain(sender: OutboxSender, raw: BetterSqlite3.Database, timeoutMs = 25_000): Promise<void> {
  sender.start();
  const t0 = Date.now();
  for (;;) {
    const open = (raw.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE status='pending'`).get() as { n: number }).n;
    const st = sender.status();
    if (open === st.blocked) break;
    if (Date.now() - t0 > timeoutMs) throw new Error(`not drained: ${JSON.stringify({ open, blocked: st.blocked, lastError: st.lastError })}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  await sender.stop();
}

function checkOutcome(raw: BetterSqlite3.Database, s: FaultServer, exp: ReturnType<typeof seed>): void {
  const rows = raw.prepare(`SELECT idempotency_key AS k, status, erp_message AS m FROM outbox`).all() as { k: string; status: string; m: string | null }[];
  expect(rows).toHaveLength(EVENTS);
  const by = (st: string) => new Set(rows.filter((r) => r.status === st).map((r) => r.k));
  // nothing lost
  expect(by('done')).toEqual(exp.expectedApplied);
  expect(by('parked')).toEqual(exp.expectedParked);
  expect(by('pending')).toEqual(exp.expectedBlocked);
  expect(by('skipped').size).toBe(0);
  // nothing applied twice, exactly the acknowledged rows applied
  expect(new Set(s.applied.keys())).toEqual(exp.expectedApplied);
  expect([...s.applied.values()].every((n) => n === 1)).toBe(true);
  // parked rows are exactly the 400s, with the server's message
  expect(s.rejected).toEqual(exp.expectedParked);
  for (const r of rows.filter((x) => x.status === 'parked')) expect(r.m).toMatch(/^HTTP 400: taxId is not valid for cust-\d{3}$/);
  // per-aggregate order held
  expect(s.violations).toEqual([]);
  for (const seqs of s.order.values()) expect(seqs).toEqual(seqs.map((_, i) => i + 1));
}

describe('REST connector under faults', () => {
  it('single requests (HMAC-signed, 16 in parallel): exactly-once, ordered, 400s parked', async () => {
    db = await openSyncTestDb();
    const exp = seed(db.raw);
    expect([exp.expectedApplied.size, exp.expectedParked.size, exp.expectedBlocked.size]).toEqual([924, 10, 66]); // deterministic seed
    server = await startFaultServer({
      seed: 7, hmacSecret: SECRET, delayMs: 120,
      faults: { dropBefore: 0.05, error500: 0.06, tooMany: 0.06, slow: 0.03, dropAfter: 0.05 },
    });
    const connector = new RestConnector({
      baseUrl: server.url, auth: { type: 'hmac', secret: SECRET, header: 'X-Signature' }, concurrency: 16, timeoutMs: 60,
      entities: { customer: { path: '/customers', fields: { id: 'id', name: 'companyName', vatId: 'taxId', email: 'contact.email', poison: 'poison' } } },
    });
    const sender = new OutboxSender({ raw: db.raw, connector, clock: systemClock, backoff: { baseMs: 2, maxMs: 20, maxRetryAfterMs: 50 }, idlePollMs: 20, offlineRecheckMs: 20 });
    await drain(sender, db.raw);
    checkOutcome(db.raw, server, exp);
    for (const k of ['dropBefore', 'error500', 'tooMany', 'slow', 'dropAfter', 'replays']) expect(server.stats[k] ?? 0).toBeGreaterThan(0);
    const st = sender.status();
    expect(st.parked).toHaveLength(exp.expectedParked.size);
    expect(st.lastSuccessAt).not.toBeNull();
    expect(getExternalRef(db.raw, 'customer', 'cust-000', 'rest')?.externalId ?? 'ext-cust-000').toBe('ext-cust-000');
  }, 40_000);

  it('batch endpoint (bearer): duplicated and shuffled acknowledgements, per-item errors, whole-request faults', async () => {
    db = await openSyncTestDb();
    const exp = seed(db.raw);
    server = await startFaultServer({
      seed: 11, bearer: 'tok-123', delayMs: 120,
      faults: { dropBefore: 0.08, error500: 0.08, tooMany: 0.08, slow: 0.05, dropAfter: 0.08, itemError: 0.05 },
    });
    const connector = new RestConnector({
      baseUrl: server.url, auth: { type: 'bearer', token: 'tok-123' }, timeoutMs: 80, batch: { path: '/events:batch', maxItems: 40 },
      entities: { customer: { path: '/customers', fields: { name: 'companyName', poison: 'poison' }, includeUnmapped: true } },
    });
    const sender = new OutboxSender({ raw: db.raw, connector, clock: systemClock, backoff: { baseMs: 2, maxMs: 20, maxRetryAfterMs: 50 }, idlePollMs: 20, offlineRecheckMs: 20 });
    await drain(sender, db.raw);
    checkOutcome(db.raw, server, exp);
    for (const k of ['dropBefore', 'error500', 'tooMany', 'dropAfter', 'dupAcks', 'itemError']) expect(server.stats[k] ?? 0).toBeGreaterThan(0);
    expect(getExternalRef(db.raw, 'customer', [...server.order.keys()][0]!.split(':')[1]!, 'rest')?.externalId).toMatch(/^ext-cust-\d{3}$/);
  }, 40_000);

  it('field mapping, auth headers and error classification of a single request', async () => {
    const seen: { headers: Record<string, string>; body: unknown }[] = [];
    const fakeFetch = (async (_url: string, init: RequestInit) => {
      seen.push({ headers: init.headers as Record<string, string>, body: JSON.parse(String(init.body)) });
      const n = seen.length;
      if (n === 1) return new Response(JSON.stringify({ data: { id: 77 }, invoiceNo: 'R-1' }), { status: 201 });
      if (n === 2) return new Response(JSON.stringify({ errors: [{ message: 'vat id invalid' }] }), { status: 422 });
      if (n === 3) return new Response(JSON.stringify({ error: 'customer number C-1 already exists' }), { status: 409 });
      return new Response('busy', { status: 503, headers: { 'Retry-After': '2' } });
    }) as unknown as typeof fetch;
    const c = new RestConnector({
      baseUrl: 'http://erp.invalid/api/', auth: { type: 'basic', username: 'u', password: 'p' }, fetch: fakeFetch, idField: 'data.id', numberField: 'invoiceNo',
      envelope: false, concurrency: 1,
      entities: { customer: { path: '/customers/{aggregateId}', method: 'PUT', fields: { name: 'companyName', vatId: 'taxId', 'billingAddress.city': 'address.town' } } },
    });
    const row = (seq: number) => ({
      id: `r${seq}`, idempotencyKey: `customer:C1:${seq}`, aggregateType: 'customer', aggregateId: 'C1', aggregateSeq: seq, eventType: 'customer.updated',
      payload: { name: 'Acme', vatId: 'DE1', notes: 'x', billingAddress: { city: 'Berlin' } }, status: 'pending' as const, attempts: 0, nextAttemptAt: null, lastError: null,
      createdAt: '2026-11-25T10:00:00.000Z', sentAt: null,
    });
    const res = await c.push([row(1), row(2), row(5), row(3), { ...row(4), aggregateType: 'plan' }]);
    expect(res).toEqual([
      { kind: 'ack', externalId: '77', externalNumber: 'R-1' },
      { kind: 'reject', message: 'HTTP 422: vat id invalid' },
      // a 409 (duplicate number, version clash) would fail the same way again: parked with the ERP's words
      { kind: 'reject', message: 'HTTP 409: customer number C-1 already exists' },
      { kind: 'retry', message: 'HTTP 503: busy', retryAfterMs: 2000 },
      { kind: 'reject', message: 'no REST mapping for "plan" events (configure entities.plan for connector rest)' },
    ]);
    expect(seen[0]!.body).toEqual({ companyName: 'Acme', taxId: 'DE1', address: { town: 'Berlin' } });
    expect(seen[0]!.headers['Idempotency-Key']).toBe('customer:C1:1');
    expect(seen[0]!.headers.Authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('a request that outlives the timeout is aborted and retried', async () => {
    server = await startFaultServer({ faults: { slow: 1 }, delayMs: 300 });
    const c = new RestConnector({ baseUrl: server.url, timeoutMs: 50, entities: { customer: { path: '/c' } } });
    const t0 = Date.now();
    const [r] = await c.push([{
      id: 'x', idempotencyKey: 'customer:A:1', aggregateType: 'customer', aggregateId: 'A', aggregateSeq: 1, eventType: 'customer.created', payload: {},
      status: 'pending', attempts: 0, nextAttemptAt: null, lastError: null, createdAt: '2026-11-25T10:00:00.000Z', sentAt: null,
    }]);
    expect(Date.now() - t0).toBeLessThan(250);
    expect(r).toMatchObject({ kind: 'retry', network: true });
    expect((r as { message: string }).message).toMatch(/timeout after 50 ms/);
    expect(await c.ping()).toBe(true);
    await server.close();
    server = null;
    expect(await c.ping()).toBe(false);
  });
});
