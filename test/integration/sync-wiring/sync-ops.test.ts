/**
 * The sync operations end to end: a REST "ERP" on loopback, the connector configured through sync.configure (secret
 * encrypted with CADENCE_SECRET_KEY), work offline, the ERP down and back, retry and skip of a parked row.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../main/services/backend';

interface Received { path: string; key: string; body: { aggregateType: string; data: { name?: string } }; auth: string }

function erpServer(rejectNames: Set<string>) {
  const received: Received[] = [];
  const seen = new Set<string>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method === 'GET') return void res.writeHead(200).end('ok');
      const key = String(req.headers['idempotency-key']);
      const parsed = JSON.parse(body);
      if (rejectNames.has(parsed.data?.name)) {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        return void res.end(JSON.stringify({ error: 'VAT id unknown to the ERP' }));
      }
      if (!seen.has(key)) {
        seen.add(key);
        received.push({ path: req.url!, key, body: parsed, auth: String(req.headers.authorization) });
      }
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: `erp-${received.length}` }));
    });
  });
  return { server, received };
}

let dir: string;
let backend: Backend;
const reject = new Set<string>(['Rejected Corp Ltd']);
const erp = erpServer(reject);
let port: number;

beforeAll(async () => {
  process.env.CADENCE_SECRET_KEY = 'test-secret-key-for-sync';
  await new Promise<void>((r) => erp.server.listen(0, '127.0.0.1', r));
  port = (erp.server.address() as AddressInfo).port;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-sync-ops-'));
  backend = await createBackend({ dataDir: dir });
});
afterAll(async () => {
  await backend.close();
  erp.server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const customer = (name: string) => ({ name, country: 'GB', currency: 'GBP', email: 'ap@example.com' });

describe('sync operations', () => {
  it('without a connector, changes wait in the outbox and the status says why', async () => {
    await backend.call('customers.create', customer('Harbor Foods Ltd'));
    const s = await backend.call('sync.status', {});
    expect(s.configured).toBe(false);
    expect(s.pending).toBe(1);
    await expect(backend.call('sync.pushNow', {})).rejects.toThrow(/No ERP connector/);
  });

  it('stores the secret encrypted and never returns it', async () => {
    const cfg = await backend.call('sync.configure', { connector: 'rest', rest: { baseUrl: `http://127.0.0.1:${port}`, auth: 'bearer', entities: {} }, secret: 'erp-token-123', offlineRecheckMs: 200 });
    expect(cfg.hasSecret).toBe(true);
    expect(JSON.stringify(cfg)).not.toContain('erp-token-123');
    const file = fs.readFileSync(path.join(dir, 'secrets.enc.json'), 'utf8');
    expect(file).not.toContain('erp-token-123');
    await new Promise((r) => setTimeout(r, 50)); // reload after commit
  });

  it('pushes pending rows with the bearer token and an idempotency key, exactly once', async () => {
    const s = await backend.call('sync.pushNow', {});
    expect(s.sent).toBe(1);
    expect(erp.received).toHaveLength(1);
    expect(erp.received[0]!.auth).toBe('Bearer erp-token-123');
    expect(erp.received[0]!.path).toBe('/customers');
    expect(erp.received[0]!.key).toMatch(/^customer:.+:1$/);
    const again = await backend.call('sync.pushNow', {});
    expect(again.sent).toBe(0);
    expect((await backend.call('sync.status', {})).lastSuccessAt).not.toBeNull();
  });

  it('working offline holds every push; going online sends them', async () => {
    await backend.call('sync.setWorkOffline', { workOffline: true });
    await new Promise((r) => setTimeout(r, 50));
    await backend.call('customers.create', customer('Offline Created Ltd'));
    const held = await backend.call('sync.pushNow', {});
    expect(held.sent).toBe(0);
    expect(held.pending).toBe(1);
    expect((await backend.call('sync.status', {})).online).toBe(false);
    await backend.call('sync.setWorkOffline', { workOffline: false });
    await new Promise((r) => setTimeout(r, 50));
    const sent = await backend.call('sync.pushNow', {});
    expect(sent.sent).toBe(1);
    expect(erp.received.map((r) => r.body.data.name)).toContain('Offline Created Ltd');
  });

  it('parks a rejected row with the ERP message; skip lets later rows flow; retry sends a corrected payload', async () => {
    const bad = await backend.call('customers.create', customer('Rejected Corp Ltd'));
    const r = await backend.call('sync.pushNow', {});
    expect(r.parked).toBe(1);
    const status = await backend.call('sync.status', {});
    expect(status.parked).toHaveLength(1);
    expect(status.parked[0]!.erpMessage).toMatch(/VAT id unknown/);
    // a later change of the same customer waits behind the parked row
    await backend.call('customers.update', { id: bad.id, patch: { name: 'Rejected Corp Limited', notes: 'name fixed after the ERP refused it' } });
    const blocked = await backend.call('sync.pushNow', {});
    expect(blocked.blocked).toBe(1);
    // fix: retry with a corrected payload
    const parkedId = status.parked[0]!.id;
    const row = (await backend.call('sync.outbox', { status: 'parked' }))[0]!;
    const retried = await backend.call('sync.retry', { id: parkedId, payload: { ...(row.payload as object), name: 'Rejected Corp Limited' } });
    expect(retried.status).toBe('pending');
    const after = await backend.call('sync.pushNow', {});
    expect(after.sent).toBe(2);
    expect(erp.received.map((x) => x.body.data.name)).toContain('Rejected Corp Limited');
    // skip path
    const bad2 = await backend.call('customers.create', customer('Rejected Corp Ltd'));
    await backend.call('sync.pushNow', {});
    const parked2 = (await backend.call('sync.status', {})).parked.find((p) => p.aggregateId === bad2.id)!;
    const skipped = await backend.call('sync.skip', { id: parked2.id, reason: 'duplicate in ERP' });
    expect(skipped.status).toBe('skipped');
    expect((await backend.call('sync.status', {})).parked).toHaveLength(0);
  });

  it('an ERP that is down keeps rows pending (nothing lost) and they go when it is back', async () => {
    erp.server.close();
    await new Promise((r) => setTimeout(r, 50));
    await backend.call('customers.create', customer('While Down Ltd'));
    const down = await backend.call('sync.pushNow', {});
    expect(down.online).toBe(false);
    expect(down.pending).toBeGreaterThanOrEqual(1);
    await new Promise<void>((r) => erp.server.listen(port, '127.0.0.1', r));
    const up = await backend.call('sync.pushNow', {});
    expect(up.online).toBe(true);
    expect(erp.received.map((x) => x.body.data.name)).toContain('While Down Ltd');
  });
});
