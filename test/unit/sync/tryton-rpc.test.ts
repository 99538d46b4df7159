import { describe, expect, it } from 'vitest';
import { tDate, tDecimal, TrytonClient, trytonErrorOf, TrytonError } from '../../../main/sync/connectors/tryton-rpc';
import { TrytonConnector } from '../../../main/sync/connectors/tryton';

type Call = { method: string; params: unknown[]; auth: string | undefined; at: number };

/** A fake Tryton: records calls, answers via `answer`, and checks that requests never overlap. */
function fakeTryton(answer: (c: Call, n: number) => { status?: number; body: unknown } | Promise<{ status?: number; body: unknown }>) {
  const calls: Call[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetchFn = (async (_url: string, init: RequestInit) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const req = JSON.parse(String(init.body)) as { id: number; method: string; params: unknown[] };
      const c: Call = { method: req.method, params: req.params, auth: (init.headers as Record<string, string>).Authorization, at: calls.length };
      calls.push(c);
      await new Promise((r) => setTimeout(r, 2));
      const a = await answer(c, calls.length);
      const body = a.body === undefined ? '' : JSON.stringify({ id: req.id, ...(a.body as object) });
      return new Response(body, { status: a.status ?? 200 });
    } finally {
      inFlight--;
    }
  }) as unknown as typeof fetch;
  return { calls, fetchFn, maxInFlight: () => maxInFlight };
}

const login = (c: Call) =>
  c.method === 'common.db.login' ? { body: { result: [1, 'sess1'] } } : c.method === 'model.res.user.get_preferences' ? { body: { result: { company: 1, language: 'en' } } } : null;

describe('Tryton JSON encoding', () => {
  it('encodes Decimal and date as Tryton expects and decodes them back to strings', async () => {
    expect(tDecimal('29.00')).toEqual({ __class__: 'Decimal', decimal: '29.00' });
    expect(tDate('2026-11-25')).toEqual({ __class__: 'date', year: 2026, month: 11, day: 25 });
    expect(() => tDate('25.11.2026')).toThrow(/not a date/);
    const f = fakeTryton((c) => login(c) ?? {
      body: { result: [{ total: { __class__: 'Decimal', decimal: '54.14' }, d: { __class__: 'date', year: 2026, month: 1, day: 5 }, ts: { __class__: 'datetime', year: 2026, month: 1, day: 5, hour: 9, minute: 3, second: 7, microsecond: 120000 } }] },
    });
    const t = new TrytonClient({ url: 'http://x', database: 'erp', username: 'admin', password: 'pw', fetch: f.fetchFn });
    const r = await t.read('account.invoice', [1], ['total']);
    expect(r).toEqual([{ total: '54.14', d: '2026-01-05', ts: '2026-01-05T09:03:07.120Z' }]);
    expect(f.calls[0]).toMatchObject({ method: 'common.db.login', params: ['admin', { password: 'pw' }, 'en'], auth: undefined });
    expect(f.calls[2]!.auth).toBe(`Session ${Buffer.from('admin:1:sess1').toString('base64')}`);
    expect(f.calls[2]!.params).toEqual([[1], ['total'], { company: 1, language: 'en' }]);
  });
});

describe('TrytonClient', () => {
  it('sends one request at a time even when called concurrently', async () => {
    const f = fakeTryton((c) => login(c) ?? { body: { result: [c.at] } });
    const t = new TrytonClient({ url: 'http://x', database: 'erp', username: 'admin', password: 'pw', fetch: f.fetchFn });
    const rs = await Promise.all(Array.from({ length: 8 }, (_, i) => t.search('party.party', [['code', '=', `C${i}`]])));
    expect(f.maxInFlight()).toBe(1);
    expect(f.calls.filter((c) => c.method === 'common.db.login')).toHaveLength(1);
    expect(rs.map((r) => r[0])).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('logs in again once when the session expired (HTTP 401)', async () => {
    let expired = true;
    const f = fakeTryton((c) => {
      const l = login(c);
      if (l) return l;
      if (expired && c.method === 'model.party.party.search') {
        expired = false;
        return { status: 401, body: undefined };
      }
      return { body: { result: [7] } };
    });
    const t = new TrytonClient({ url: 'http://x', database: 'erp', username: 'admin', password: 'pw', fetch: f.fetchFn });
    await t.login();
    expect(await t.search('party.party', [])).toEqual([7]);
    expect(f.calls.map((c) => c.method)).toEqual([
      'common.db.login', 'model.res.user.get_preferences', 'model.party.party.search', 'common.db.login', 'model.res.user.get_preferences', 'model.party.party.search',
    ]);
  });

  it('maps Tryton errors to kinds', async () => {
    const user = trytonErrorOf('model.party.party.create', ['UserError', ['The code "C1" must be unique.', 'Party', null]]);
    expect([user.kind, user.message, user.transient]).toEqual(['user', 'The code "C1" must be unique. Party', false]);
    const warn = trytonErrorOf('m', ['UserWarning', ['invoice_payment_term_4', 'payment date in the past', '']]);
    expect([warn.kind, warn.message]).toEqual(['warning', 'payment date in the past (Tryton warning "invoice_payment_term_4" needs confirmation)']);
    expect(trytonErrorOf('m', ['ConcurrencyException', 'Records were modified in the meanwhile']).transient).toBe(true);
    expect(trytonErrorOf('m', ['database is locked', 'Traceback…']).kind).toBe('concurrency');
    const server = trytonErrorOf('model.x.create', ["'NoneType' object has no attribute 'id'", 'Traceback…']);
    expect([server.kind, server.message, server.transient]).toEqual(['server', "model.x.create: 'NoneType' object has no attribute 'id'", false]);
    expect(new TrytonError('x', 'http', 'm', 503).transient).toBe(true);
    expect(new TrytonError('x', 'http', 'm', 400).transient).toBe(false);
  });

  it('reports a refused login clearly and a dead server as a network error', async () => {
    const f = fakeTryton(() => ({ status: 401, body: undefined }));
    const t = new TrytonClient({ url: 'http://x', database: 'erp', username: 'bob', password: 'bad', fetch: f.fetchFn });
    await expect(t.search('party.party', [])).rejects.toMatchObject({ kind: 'auth', message: 'Tryton refused the login of user "bob" on database "erp"' });
    const dead = new TrytonClient({ url: 'http://127.0.0.1:9', database: 'erp', username: 'a', password: 'b', timeoutMs: 2000 });
    await expect(dead.version()).rejects.toMatchObject({ kind: 'network' });
    expect(await new TrytonConnector({ url: 'http://127.0.0.1:9', database: 'erp', username: 'a', password: 'b', timeoutMs: 2000 }).ping()).toBe(false);
  });
});

describe('TrytonConnector classification', () => {
  it('turns Tryton answers into ack / reject / retry per row and stops a batch when Tryton is gone', async () => {
    let n = 0;
    const f = fakeTryton((c) => {
      const l = login(c);
      if (l) return l;
      n++;
      if (c.method === 'model.party.party.search_read') return { body: { result: [] } };
      if (c.method === 'model.country.country.search') return { body: { result: [] } };
      if (c.method === 'model.party.party.create') {
        const name = ((c.params[0] as Record<string, unknown>[])[0]!).name;
        if (name === 'Dup') return { body: { error: ['UserError', ['The code of party must be unique.', '']] } };
        if (name === 'Busy') return { body: { error: ['ConcurrencyException', 'locked'] } };
        if (name === 'Down') throw new TypeError('fetch failed');
        return { body: { result: [40 + n] } };
      }
      // reference data
      if (c.method.endsWith('.read')) return { body: { result: [{ id: 1, currency: 1, account_revenue: 6 }] } };
      if (c.method.endsWith('.search_read')) return { body: { result: [] } };
      return { body: { result: [1] } };
    });
    const con = new TrytonConnector({ url: 'http://x', database: 'erp', username: 'a', password: 'b', fetch: f.fetchFn });
    const row = (name: string, type = 'customer') => ({
      id: name, idempotencyKey: `k-${name}`, aggregateType: type, aggregateId: name, aggregateSeq: 1, eventType: `${type}.created`,
      payload: { number: `N-${name}`, name, email: 'x@y.z', country: 'DE', vatId: null, billingAddress: null, status: 'active' },
      status: 'pending' as const, attempts: 0, nextAttemptAt: null, lastError: null, createdAt: '2026-11-25T10:00:00Z', sentAt: null,
    });
    const single = await con.push([row('Dup')]);
    expect(single).toEqual([{ kind: 'reject', message: 'Tryton: The code of party must be unique.' }]);
    expect(await con.push([row('Busy')])).toEqual([{ kind: 'retry', message: 'locked' }]);
    expect(await con.push([row('Ok'), row('p1', 'plan'), row('q', 'quote')])).toEqual([
      { kind: 'ack', externalId: expect.stringMatching(/^\d+$/), externalNumber: 'N-Ok' },
      { kind: 'ack' },
      { kind: 'reject', message: 'the Tryton connector has no mapping for "quote" events' },
    ]);
    const down = await con.push([row('Down'), row('Later', 'quote')]);
    expect(down.map((d) => d.kind)).toEqual(['retry', 'retry']);
    expect(down[1]).toMatchObject({ network: true });
  });
});
