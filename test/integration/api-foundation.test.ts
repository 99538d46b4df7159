import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opNames } from '../../shared/api/index';
import { startWebServer, type WebServer } from '../../main/server/http';
import { type Backend, createBackend } from '../../main/services/backend';
import { ManualClock } from '../../main/platform/clock';

let dir: string;
let backend: Backend;
let web: WebServer;
const base = () => `http://127.0.0.1:${web.port}`;
const post = (op: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base()}/api/${op}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${web.token}`, ...headers }, body: JSON.stringify(body) });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-api-'));
  backend = await createBackend({ dataDir: dir, clock: new ManualClock('2026-03-01T09:00:00Z') });
  web = await startWebServer({ backend, staticDir: path.join(dir, 'no-renderer') });
});
afterAll(async () => {
  await web.close();
  await backend.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const acme = { name: 'Acme Industrial GmbH', country: 'DE', currency: 'EUR', email: 'billing@acme.example', vatId: 'DE 123 456 789' };

describe('web mode API', () => {
  it('refuses requests without the token (401)', async () => {
    const r = await fetch(`${base()}/api/customers.list`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(401);
    expect((await r.json()).error.code).toBe('UNAUTHORIZED');
    const wrong = await post('customers.list', {}, { Authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
  });

  it('refuses foreign Origin and Host (403) even with the token', async () => {
    const r = await post('customers.list', {}, { Origin: 'https://evil.example' });
    expect(r.status).toBe(403);
    // fetch cannot set Host: use node:http (DNS-rebinding style request)
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: web.port, path: '/api/customers.list', method: 'POST', headers: { Host: 'evil.example', 'Content-Type': 'application/json', Authorization: `Bearer ${web.token}` } }, (res) => { res.resume(); resolve(res.statusCode!); });
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
    const own = await post('customers.list', {}, { Origin: base() });
    expect(own.status).toBe(200);
  });

  it('the ?token= URL sets an HttpOnly cookie that authenticates', async () => {
    const r = await fetch(`${base()}/?token=${web.token}`, { redirect: 'manual' });
    expect(r.status).toBe(302);
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const ok = await fetch(`${base()}/api/customers.list`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie.split(';')[0]! }, body: '{}' });
    expect(ok.status).toBe(200);
  });

  it('lists every operation in the OpenAPI document', async () => {
    const r = await fetch(`${base()}/api/openapi.json`);
    expect(r.status).toBe(200);
    const doc = await r.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const name of opNames) {
      expect(doc.paths[`/api/${name}`], name).toBeDefined();
      expect(doc.paths[`/api/${name}`].post.requestBody.content['application/json'].schema).toBeTypeOf('object');
    }
    expect(doc.paths['/api/customers.create'].post.requestBody.content['application/json'].schema.properties.vatId).toBeDefined();
  });

  it('creates, updates, gets and lists customers; numbers come from the series', async () => {
    const r = await post('customers.create', acme);
    expect(r.status).toBe(200);
    const c = await r.json();
    expect(c.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/); // UUIDv7
    expect(c.vatId).toBe('DE123456789');
    expect(c.number).toMatch(/^C[A-Z0-9]{3}-00001$/);
    expect(c.paymentTermsDays).toBe(30);
    const u = await post('customers.update', { id: c.id, expectedVersion: 1, patch: { paymentTermsDays: 45, tags: ['key-account'] } });
    expect(u.status).toBe(200);
    expect((await u.json()).version).toBe(2);
    const stale = await post('customers.update', { id: c.id, expectedVersion: 1, patch: { notes: 'x' } });
    expect(stale.status).toBe(409);
    const list = await (await post('customers.list', { search: 'acme' })).json();
    expect(list.total).toBe(1);
    expect(list.items[0].tags).toEqual(['key-account']);
  });

  it('rejects a malformed VAT id with a 422 naming the field', async () => {
    const r = await post('customers.create', { ...acme, vatId: 'FR123' });
    expect(r.status).toBe(422);
    const body = await r.json();
    expect(body.error.code).toBe('VALIDATION');
    expect(body.error.details.fields[0].path).toBe('vatId');
    expect(body.error.details.fields[0].message).toMatch(/country prefix DE/);
  });

  it('answers malformed JSON with 400 and unknown operations with 404', async () => {
    const bad = await fetch(`${base()}/api/customers.create`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${web.token}` }, body: '{nope' });
    expect(bad.status).toBe(400);
    const unknown = await post('customers.explode', {});
    expect(unknown.status).toBe(404);
  });

  it('writes an outbox row in the same transaction as each change', async () => {
    const rows = backend.base.raw.prepare("SELECT aggregate_seq, event_type FROM outbox WHERE aggregate_type='customer' ORDER BY aggregate_seq").all() as { aggregate_seq: number; event_type: string }[];
    expect(rows.map((r) => r.event_type)).toEqual(['customer.created', 'customer.updated']);
  });
});
