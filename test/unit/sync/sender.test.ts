import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type BetterSqlite3 from 'better-sqlite3';
import { ManualClock } from '../../../main/platform/clock';
import type { OutboxRow } from '../../../main/db/entities';
import { ack, parseRetryAfter, reject, retry, type Connector, type PushResult } from '../../../main/sync/connector';
import { enqueueOutbox, getExternalRef, getOutboxRow, listOutboxActions } from '../../../main/sync/outbox';
import { backoffDelayMs, OutboxSender, type SyncEvent } from '../../../main/sync/sender';
import { openSyncTestDb, type SyncTestDb } from './db';

/** A connector whose answers are scripted per row; records every batch it received. */
class FakeConnector implements Connector {
  name = 'fake';
  batches: string[][] = [];
  payloads: Record<string, unknown> = {};
  keys: string[] = [];
  online = true;
  pings = 0;
  throwNext = 0;
  decide: (row: OutboxRow) => PushResult = (row) => ack(`ext-${row.aggregateId}`);
  constructor(public maxBatch = 10) {}
  async ping(): Promise<boolean> {
    this.pings++;
    return this.online;
  }
  async push(rows: OutboxRow[]): Promise<PushResult[]> {
    if (this.throwNext > 0) {
      this.throwNext--;
      throw new Error('ECONNRESET');
    }
    this.batches.push(rows.map(label));
    for (const r of rows) {
      this.payloads[label(r)] = r.payload;
      this.keys.push(r.idempotencyKey);
    }
    return rows.map((r) => this.decide(r));
  }
}
const label = (r: { aggregateId: string; aggregateSeq: number }) => `${r.aggregateId}#${r.aggregateSeq}`;

let db: SyncTestDb;
let raw: BetterSqlite3.Database;
let clock: ManualClock;
const T0 = '2026-11-25T10:00:00.000Z';

beforeEach(async () => {
  db = await openSyncTestDb();
  raw = db.raw;
  clock = new ManualClock(T0);
});
afterEach(async () => {
  await db.close();
});

function put(aggId: string, n = 1, type = 'customer'): void {
  for (let i = 0; i < n; i++) {
    enqueueOutbox(raw, clock.now().toISOString(), { aggregateType: type, aggregateId: aggId, eventType: `${type}.updated`, payload: { id: aggId, v: i + 1 } });
    clock.advanceMs(1);
  }
}

describe('enqueueOutbox', () => {
  it('numbers events per aggregate and derives the idempotency key', () => {
    const a1 = enqueueOutbox(raw, T0, { aggregateType: 'customer', aggregateId: 'A', eventType: 'customer.created', payload: { name: 'Acme' } });
    const b1 = enqueueOutbox(raw, T0, { aggregateType: 'customer', aggregateId: 'B', eventType: 'customer.created', payload: {} });
    const a2 = enqueueOutbox(raw, T0, { aggregateType: 'customer', aggregateId: 'A', eventType: 'customer.updated', payload: { name: 'Acme AG' } });
    const p1 = enqueueOutbox(raw, T0, { aggregateType: 'product', aggregateId: 'A', eventType: 'product.created', payload: {} });
    expect([a1.aggregateSeq, b1.aggregateSeq, a2.aggregateSeq, p1.aggregateSeq]).toEqual([1, 1, 2, 1]);
    expect(a2.idempotencyKey).toBe('customer:A:2');
    expect(p1.idempotencyKey).toBe('product:A:1');
    expect(a1.id < a2.id).toBe(true);
    const stored = getOutboxRow(raw, a2.id)!;
    expect(stored.payload).toEqual({ name: 'Acme AG' });
    expect(stored.status).toBe('pending');
    expect(stored.attempts).toBe(0);
    expect(stored.createdAt).toBe(T0);
  });

  it('rolls back with the surrounding transaction (same transaction as the change)', () => {
    const tx = raw.transaction(() => {
      enqueueOutbox(raw, T0, { aggregateType: 'customer', aggregateId: 'A', eventType: 'customer.created', payload: {} });
      throw new Error('service failed');
    });
    expect(() => tx()).toThrow('service failed');
    expect((raw.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n).toBe(0);
    // seq restarts at 1 because nothing was committed
    expect(enqueueOutbox(raw, T0, { aggregateType: 'customer', aggregateId: 'A', eventType: 'customer.created', payload: {} }).aggregateSeq).toBe(1);
  });
});

describe('OutboxSender ordering', () => {
  it('sends oldest first, one row per aggregate per batch, seq n before n+1', async () => {
    put('A', 3);
    put('B', 2);
    put('C', 1);
    const c = new FakeConnector(10);
    const sender = new OutboxSender({ raw, connector: c, clock });
    const s = await sender.pushOnce();
    expect(c.batches).toEqual([['A#1', 'B#1', 'C#1'], ['A#2', 'B#2'], ['A#3']]);
    expect(s).toMatchObject({ sent: 6, failed: 0, parked: 0, pending: 0, parkedTotal: 0, skipped: 0, online: true });
    expect(getOutboxRow(raw, (raw.prepare(`SELECT id FROM outbox WHERE aggregate_id='A' AND aggregate_seq=3`).get() as { id: string }).id)).toMatchObject({ status: 'done', attempts: 1, sentAt: clock.now().toISOString() });
    expect(getExternalRef(raw, 'customer', 'B', 'fake')).toMatchObject({ externalId: 'ext-B', externalNumber: null });
  });

  it('respects maxBatch', async () => {
    for (const id of ['A', 'B', 'C', 'D', 'E']) put(id);
    const c = new FakeConnector(2);
    await new OutboxSender({ raw, connector: c, clock }).pushOnce();
    expect(c.batches).toEqual([['A#1', 'B#1'], ['C#1', 'D#1'], ['E#1']]);
  });
});

describe('OutboxSender parking, retry and skip', () => {
  it('parks a rejected row with the ERP message; only its aggregate waits', async () => {
    put('A', 3);
    put('B', 2);
    const c = new FakeConnector(10);
    c.decide = (r) => (label(r) === 'A#1' ? reject('Party code must be unique') : ack());
    const events: SyncEvent[] = [];
    const sender = new OutboxSender({ raw, connector: c, clock, onEvent: (e) => events.push(e) });
    const s = await sender.pushOnce();
    expect(c.batches).toEqual([['A#1', 'B#1'], ['B#2']]);
    expect(s).toMatchObject({ sent: 2, failed: 0, parked: 1, pending: 2, blocked: 2, parkedTotal: 1 });
    const st = sender.status();
    expect(st.parked).toHaveLength(1);
    expect(st.parked[0]).toMatchObject({ aggregateId: 'A', aggregateSeq: 1, erpMessage: 'Party code must be unique', attempts: 1 });
    expect(st.lastError).toBe('Party code must be unique');
    expect(st.lastSuccessAt).toBe(T0.replace('00.000Z', '00.005Z'));
    expect(events.filter((e) => e.type === 'parked')).toHaveLength(1);

    // a second pass sends nothing: A#2, A#3 wait behind the parked row
    const s2 = await sender.pushOnce();
    expect(s2.sent).toBe(0);
    expect(c.batches).toHaveLength(2);

    // user fixes the payload and retries: A#1 goes with the edited payload under a new key, then A#2, A#3
    c.decide = () => ack();
    await sender.retry(st.parked[0]!.id, { payload: { id: 'A', v: 1, fixed: true }, actor: 'anna', reason: 'fixed code' });
    const s3 = await sender.pushOnce();
    expect(c.batches.slice(2)).toEqual([['A#1'], ['A#2'], ['A#3']]);
    expect(c.payloads['A#1']).toEqual({ id: 'A', v: 1, fixed: true });
    expect(c.keys.filter((k) => k.startsWith('customer:A:1'))).toEqual(['customer:A:1', 'customer:A:1#r2']);
    expect(s3).toMatchObject({ sent: 3, pending: 0, parkedTotal: 0 });
    const actions = listOutboxActions(raw, st.parked[0]!.id);
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ action: 'retry_edited', actor: 'anna', reason: 'fixed code', erpMessage: 'Party code must be unique', previousPayload: { id: 'A', v: 1 }, previousIdempotencyKey: 'customer:A:1' });
  });

  it('retry without edit keeps the idempotency key; skip releases the aggregate and is recorded', async () => {
    put('A', 2);
    put('B', 2);
    const c = new FakeConnector(10);
    c.decide = (r) => (r.aggregateSeq === 1 ? reject(`bad ${r.aggregateId}`) : ack());
    const sender = new OutboxSender({ raw, connector: c, clock });
    await sender.pushOnce();
    const [pa, pb] = sender.status().parked;
    expect([pa!.aggregateId, pb!.aggregateId]).toEqual(['A', 'B']);
    c.decide = () => ack();
    await sender.retry(pa!.id);
    await sender.skip(pb!.id, { actor: 'bob', reason: 'already booked by hand' });
    await sender.pushOnce();
    expect(c.batches.slice(1)).toEqual([['A#1', 'B#2'], ['A#2']]);
    expect(c.keys.filter((k) => k === 'customer:A:1')).toHaveLength(2);
    expect(getOutboxRow(raw, pb!.id)!.status).toBe('skipped');
    expect(listOutboxActions(raw, pb!.id)[0]).toMatchObject({ action: 'skip', actor: 'bob', reason: 'already booked by hand', erpMessage: 'bad B' });
    expect(listOutboxActions(raw, pa!.id)[0]).toMatchObject({ action: 'retry', previousPayload: null, previousIdempotencyKey: null });
    const st = sender.status();
    expect(st).toMatchObject({ pending: 0, done: 3, skipped: 1, parked: [] });
    await expect(sender.skip(pa!.id)).rejects.toThrow(/is done, not parked/);
  });
});

describe('backoff', () => {
  const policy = { baseMs: 100, maxMs: 1000, maxRetryAfterMs: 10_000 };
  it('doubles from base up to the cap, with jitter within [exp/2, exp]', () => {
    expect([1, 2, 3, 4, 5, 6, 30].map((a) => backoffDelayMs(a, policy, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelayMs(a, policy, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(300);
  });
  it('waits at least Retry-After, capped', () => {
    expect(backoffDelayMs(1, policy, () => 1, 5000)).toBe(5000);
    expect(backoffDelayMs(1, policy, () => 1, 36_000_000)).toBe(10_000);
    expect(backoffDelayMs(5, policy, () => 1, 10)).toBe(1000);
  });
  it('parses Retry-After seconds, HTTP dates and Retry-After-Ms', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(null, '250')).toBe(250);
    expect(parseRetryAfter('Wed, 25 Nov 2026 10:00:30 GMT', null, Date.parse(T0))).toBe(30_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('schedules retries with growing delays and honours Retry-After before sending again', async () => {
    put('A', 2);
    const c = new FakeConnector(10);
    let n = 0;
    c.decide = () => (++n <= 3 ? retry('HTTP 503', n === 3 ? { retryAfterMs: 30_000 } : {}) : ack());
    const sender = new OutboxSender({ raw, connector: c, clock, random: () => 1, backoff: { baseMs: 1000, maxMs: 8000 } });
    const id = (raw.prepare(`SELECT id FROM outbox WHERE aggregate_seq=1`).get() as { id: string }).id;
    const t = Date.parse(T0) + 2; // after the two put() ticks
    let s = await sender.pushOnce();
    expect(s).toMatchObject({ sent: 0, failed: 1, pending: 2 });
    expect(getOutboxRow(raw, id)).toMatchObject({ attempts: 1, nextAttemptAt: new Date(t + 1000).toISOString(), lastError: 'HTTP 503' });
    clock.advanceMs(999);
    s = await sender.pushOnce();
    expect(s.failed).toBe(0); // not due yet: held back
    expect(c.batches).toHaveLength(1);
    clock.advanceMs(1);
    await sender.pushOnce();
    expect(getOutboxRow(raw, id)).toMatchObject({ attempts: 2, nextAttemptAt: new Date(t + 1000 + 2000).toISOString() });
    clock.advanceMs(2000);
    await sender.pushOnce();
    expect(getOutboxRow(raw, id)).toMatchObject({ attempts: 3, nextAttemptAt: new Date(t + 3000 + 30_000).toISOString() });
    clock.advanceMs(29_999);
    expect((await sender.pushOnce()).sent).toBe(0);
    expect(sender.status().holdUntil).toBe(new Date(t + 33_000).toISOString());
    clock.advanceMs(1);
    s = await sender.pushOnce();
    expect(s).toMatchObject({ sent: 2, failed: 0, pending: 0 });
    expect(c.batches.map((b) => b.join())).toEqual(['A#1', 'A#1', 'A#1', 'A#1', 'A#2']);
    expect(getOutboxRow(raw, id)).toMatchObject({ status: 'done', attempts: 4, nextAttemptAt: null, lastError: null });
  });

  it('parks after maxAttempts when configured', async () => {
    put('A');
    const c = new FakeConnector(10);
    c.decide = () => retry('HTTP 500');
    const sender = new OutboxSender({ raw, connector: c, clock, maxAttempts: 2, backoff: { baseMs: 10, maxMs: 10 } });
    await sender.pushOnce();
    clock.advanceMs(10);
    const s = await sender.pushOnce();
    expect(s).toMatchObject({ parked: 1, parkedTotal: 1, pending: 0 });
    expect(sender.status().parked[0]!.erpMessage).toBe('gave up after 2 attempts: HTTP 500');
  });
});

describe('online / offline', () => {
  it('does nothing while the connector is offline, then resumes', async () => {
    put('A');
    const c = new FakeConnector();
    c.online = false;
    const events: SyncEvent[] = [];
    const sender = new OutboxSender({ raw, connector: c, clock, onEvent: (e) => events.push(e) });
    const s = await sender.pushOnce();
    expect(s).toMatchObject({ online: false, sent: 0, failed: 0, pending: 1 });
    expect(c.batches).toHaveLength(0);
    expect(getOutboxRow(raw, (raw.prepare('SELECT id FROM outbox').get() as { id: string }).id)!.attempts).toBe(0);
    expect(sender.status()).toMatchObject({ online: false, lastError: 'fake did not answer' });
    c.online = true;
    expect(await sender.pushOnce()).toMatchObject({ online: true, sent: 1 });
    expect(events.filter((e) => e.type === 'online' || e.type === 'offline').map((e) => e.type)).toEqual(['offline', 'online']);
  });

  it('a thrown push counts as a network failure and triggers an online check', async () => {
    put('A');
    put('B');
    const c = new FakeConnector();
    const sender = new OutboxSender({ raw, connector: c, clock, random: () => 0, backoff: { baseMs: 100, maxMs: 100 } });
    await sender.pushOnce(); // first ping
    put('C');
    c.throwNext = 1;
    c.online = false;
    const s = await sender.pushOnce();
    expect(s).toMatchObject({ failed: 1, online: false, pending: 1 });
    expect(sender.status().lastError).toBe('fake did not answer');
    const rowC = getOutboxRow(raw, (raw.prepare(`SELECT id FROM outbox WHERE aggregate_id='C'`).get() as { id: string }).id)!;
    expect(rowC).toMatchObject({ attempts: 1, lastError: 'ECONNRESET', status: 'pending' });
  });

  it('run loop idles with periodic re-checks while offline and resumes on its own', async () => {
    put('A', 2);
    put('B');
    const c = new FakeConnector();
    let checks = 0;
    c.ping = async () => ++checks > 3; // offline for the first 3 checks
    const sleeps: number[] = [];
    const sender = new OutboxSender({
      raw, connector: c, clock, offlineRecheckMs: 15_000, idlePollMs: 60_000,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.advanceMs(ms);
        await new Promise((r) => setImmediate(r));
      },
    });
    sender.start();
    for (let i = 0; i < 200 && sender.status().pending > 0; i++) await new Promise((r) => setImmediate(r));
    await sender.stop();
    expect(sender.status()).toMatchObject({ pending: 0, done: 3, online: true });
    expect(sleeps.slice(0, 3)).toEqual([15_000, 15_000, 15_000]);
    expect(c.batches).toEqual([['A#1', 'B#1'], ['A#2']]);
    expect(clock.now().getTime() - Date.parse(T0)).toBeGreaterThanOrEqual(45_000);
  });

  it('the loop sleeps until the next retry is due and kick() wakes it for new rows', async () => {
    put('A');
    const c = new FakeConnector();
    let n = 0;
    c.decide = () => (++n === 1 ? retry('HTTP 429', { retryAfterMs: 7000 }) : ack());
    const sleeps: number[] = [];
    let release: (() => void) | null = null;
    const sender = new OutboxSender({
      raw, connector: c, clock, idlePollMs: 60_000, random: () => 0,
      sleep: (ms) => {
        sleeps.push(ms);
        if (ms >= 60_000) return new Promise<void>((r) => { release = r; }); // idle: wait for kick()
        clock.advanceMs(ms);
        return new Promise((r) => setImmediate(r));
      },
    });
    sender.start();
    for (let i = 0; i < 100 && sender.status().done < 1; i++) await new Promise((r) => setImmediate(r));
    expect(sleeps[0]).toBe(7000);
    expect(sender.status().done).toBe(1);
    put('B');
    sender.kick();
    for (let i = 0; i < 100 && sender.status().done < 2; i++) await new Promise((r) => setImmediate(r));
    expect(sender.status().done).toBe(2);
    const stopping = sender.stop();
    (release as (() => void) | null)?.();
    await stopping;
  });
});

describe('onAck hook', () => {
  it('stores external refs and runs the hook in the same transaction; a failing hook does not undo the ack', async () => {
    put('INV1', 1, 'invoice');
    put('INV2', 1, 'invoice');
    raw.exec('CREATE TABLE erp_numbers (invoice_id TEXT PRIMARY KEY, erp_number TEXT)');
    const c = new FakeConnector();
    c.decide = (r) => ack(`${r.aggregateId}-tryton`, `INV/2026/${r.aggregateId.slice(3)}`);
    const events: SyncEvent[] = [];
    const sender = new OutboxSender({
      raw, connector: c, clock, onEvent: (e) => events.push(e),
      onAck: ({ raw: db, row, ack: a }) => {
        db.prepare('INSERT INTO erp_numbers VALUES (?, ?)').run(row.aggregateId, a.externalNumber);
        if (row.aggregateId === 'INV2') throw new Error('hook broke');
      },
    });
    const s = await sender.pushOnce();
    expect(s.sent).toBe(2);
    expect(raw.prepare('SELECT * FROM erp_numbers').all()).toEqual([{ invoice_id: 'INV1', erp_number: 'INV/2026/1' }]);
    expect(getExternalRef(raw, 'invoice', 'INV2', 'fake')).toMatchObject({ externalId: 'INV2-tryton', externalNumber: 'INV/2026/2' });
    expect(events.find((e) => e.type === 'ack_hook_failed')).toMatchObject({ error: 'hook broke' });
  });
});
