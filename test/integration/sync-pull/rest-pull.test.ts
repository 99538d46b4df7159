/**
 * Master-data pull end to end against a loopback REST "CRM/PIM": first pull creates, a pull without changes leaves
 * everything unchanged, ERP-owned changes overwrite, Cadence-owned fields stay, a shared field edited on both sides
 * becomes a conflict that is listed and resolved, and nothing pulled is echoed back through the outbox.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../main/services/backend';
import { runCli } from '../../../main/cli/index';

type Item = Record<string, unknown> & { id: string; updatedAt: string };

/** A tiny CRM/PIM: GET /products and /accounts (?since=ISO → updatedAt >= since), POST pushes from Cadence. */
function crmServer() {
  let tick = 0;
  const stamp = () => new Date(Date.UTC(2026, 0, 1, 8, 0, tick++)).toISOString();
  const products: Item[] = [];
  const accounts: Item[] = [];
  const requests: string[] = [];
  const pushes: { path: string; data: Record<string, unknown> }[] = [];
  const put = (list: Item[], item: Omit<Item, 'updatedAt'>) => {
    const i = list.findIndex((x) => x.id === item.id);
    const v = { ...item, updatedAt: stamp() } as Item;
    if (i >= 0) list[i] = v;
    else list.push(v);
    return v;
  };
  const edit = (list: Item[], id: string, change: Record<string, unknown>) => put(list, { ...list.find((x) => x.id === id)!, ...change });
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      const url = new URL(req.url!, 'http://x');
      const json = (status: number, v: unknown) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(v)); };
      if (req.method === 'GET') {
        const since = url.searchParams.get('since');
        const pick = (list: Item[]) => list.filter((x) => !since || x.updatedAt >= since);
        if (url.pathname === '/products') return json(200, pick(products));
        if (url.pathname === '/accounts') return json(200, { items: pick(accounts) });
        return json(200, { ok: true });
      }
      const env = JSON.parse(body) as { aggregateId: string; data: Record<string, unknown> };
      pushes.push({ path: url.pathname, data: env.data });
      if (url.pathname === '/customers') {
        const d = env.data;
        const known = accounts.find((a) => a.cadenceId === env.aggregateId || a.number === d.number);
        const v = put(accounts, {
          ...(known ?? {}), id: known?.id ?? `acc-${accounts.length + 1}`, cadenceId: env.aggregateId, number: d.number, name: d.name, email: d.email,
          vatId: d.vatId, country: d.country, billingAddress: d.billingAddress, paymentTermsDays: d.paymentTermsDays,
        });
        return json(201, { id: v.id });
      }
      return json(201, { id: `x-${pushes.length}` });
    });
  });
  return { server, products, accounts, requests, pushes, put, edit };
}

let dir: string;
let backend: Backend;
const crm = crmServer();
let port: number;
const events: Record<string, unknown>[] = [];

beforeAll(async () => {
  process.env.CADENCE_SECRET_KEY = 'test-secret-key-for-pull';
  await new Promise<void>((r) => crm.server.listen(0, '127.0.0.1', r));
  port = (crm.server.address() as AddressInfo).port;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-pull-'));
  backend = await createBackend({ dataDir: dir });
  backend.events.on('sync.status', (e) => events.push(e as Record<string, unknown>));
  await backend.call('sync.configure', { connector: 'rest', rest: { baseUrl: `http://127.0.0.1:${port}`, auth: 'none', entities: {} }, offlineRecheckMs: 200 });
  await new Promise((r) => setTimeout(r, 50)); // the connector starts after the configure transaction
});
afterAll(async () => {
  await backend?.close();
  crm.server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const pending = async () => (await backend.call('sync.outbox', { status: 'pending' })).length;
const customerByNumber = async (n: string) => (await backend.call('customers.list', { search: n, status: 'all' })).items.find((c) => c.number === n)!;
const productBySku = async (s: string) => (await backend.call('products.list', { search: s })).items.find((p) => p.sku === s)!;

describe('sync.pull from a REST CRM/PIM', () => {
  let harborId: string;

  it('first pull creates products and customers and links the one Cadence pushed (external_refs)', async () => {
    // a customer Cadence created and pushed: the CRM knows it as acc-1
    const harbor = await backend.call('customers.create', { name: 'Harbor Foods Ltd', number: 'C-HARBOR', country: 'GB', currency: 'GBP', email: 'ap@harbor.example' });
    harborId = harbor.id;
    expect((await backend.call('sync.pushNow', {})).sent).toBe(1);
    expect(crm.accounts.map((a) => a.id)).toEqual(['acc-1']);

    crm.put(crm.products, { id: 'p-1', sku: 'PRO', name: 'Pro plan', description: 'All features', price: '29.00', currency: 'EUR', active: true, stock: 12 });
    crm.put(crm.products, { id: 'p-2', sku: 'SEAT', name: 'Extra seat', description: '', price: 5.5, currency: 'EUR', active: true });
    crm.put(crm.accounts, {
      id: 'acc-2', number: 'ERP-100', name: 'Kunde GmbH', email: 'billing@kunde.example', vatId: 'DE136695976', country: 'DE',
      billingAddress: { line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', country: 'DE' }, paymentTermsDays: 14, notes: 'ERP note',
    });

    const s = await backend.call('sync.pull', {});
    expect(s).toMatchObject({ fetched: 4, created: 3, updated: 0, unchanged: 1, kept: 0, conflicts: 0, skipped: 0 });
    expect(s.entities.map((e) => [e.entity, e.fetched, e.created, e.since])).toEqual([['product', 2, 2, null], ['customer', 2, 1, null]]);
    // Harbor is linked, not duplicated: its values equal the CRM's, so it counts as unchanged
    expect((await backend.call('customers.list', { status: 'all' })).total).toBe(2);

    const pro = await productBySku('PRO');
    expect(pro).toMatchObject({ name: 'Pro plan', description: 'All features', active: true, version: 1 });
    const erp = await backend.call('sync.erpProducts', {});
    expect(erp.map((e) => [e.sku, e.listPrice, e.currency, e.stockAvailable])).toEqual([['PRO', '29', 'EUR', '12'], ['SEAT', '5.5', 'EUR', null]]);

    const kunde = await customerByNumber('ERP-100');
    expect(kunde).toMatchObject({ name: 'Kunde GmbH', email: 'billing@kunde.example', vatId: 'DE136695976', country: 'DE', currency: 'EUR', paymentTermsDays: 14, notes: 'ERP note' });
    expect(kunde.tags).toEqual(['pulled-from-erp']);
    expect(kunde.billingAddress).toEqual({ line1: 'Hauptstr. 1', line2: '', city: 'Berlin', postalCode: '10115', region: '', country: 'DE' });

    // no echo: nothing pulled waits in the outbox
    expect(await pending()).toBe(0);
    expect(s.echoSuppressed).toBe(3);
    expect(events.filter((e) => e.event === 'pull').map((e) => `${e.phase}:${e.entity}`)).toEqual(['fetching:product', 'applying:product', 'done:product', 'fetching:customer', 'applying:customer', 'done:customer']);
  });

  it('a second pull without changes leaves everything unchanged (asks only for changes since the last one)', async () => {
    const before = crm.requests.length;
    const s = await backend.call('sync.pull', {});
    expect(s.created + s.updated + s.kept + s.conflicts + s.skipped).toBe(0);
    expect(s.unchanged).toBe(s.fetched);
    const gets = crm.requests.slice(before);
    expect(gets[0]).toMatch(/^GET \/products\?since=2026-01-01T08%3A00%3A0\d\.000Z$/);
    expect(gets[1]).toMatch(/^GET \/accounts\?since=2026-01-01T08%3A00%3A0\d\.000Z$/);
    expect((await productBySku('PRO')).version).toBe(1);
  });

  it('an ERP-owned change overwrites Cadence (name, price, stock) through products.update, without echo', async () => {
    crm.edit(crm.products, 'p-1', { name: 'Pro plan 2026', price: '31.50', stock: 7 });
    const s = await backend.call('sync.pull', { entities: ['product'] });
    // the record at the watermark comes again (since is inclusive) and is recognised as unchanged by its hash
    expect(s).toMatchObject({ fetched: 2, unchanged: 1, updated: 1, created: 0, conflicts: 0 });
    const pro = await productBySku('PRO');
    expect(pro).toMatchObject({ name: 'Pro plan 2026', version: 2 });
    const erp = (await backend.call('sync.erpProducts', { productIds: [pro.id] }))[0]!;
    expect([erp.listPrice, erp.stockAvailable]).toEqual(['31.5', '7']);
    expect(await pending()).toBe(0);
  });

  it('an ERP change of a Cadence-owned field is not applied', async () => {
    const kunde = await customerByNumber('ERP-100');
    crm.edit(crm.accounts, 'acc-2', { paymentTermsDays: 60, notes: 'changed in the CRM' });
    const s = await backend.call('sync.pull', { entities: ['customer'] });
    expect(s).toMatchObject({ fetched: 1, unchanged: 0, kept: 1, updated: 0, conflicts: 0 });
    const after = await customerByNumber('ERP-100');
    expect([after.paymentTermsDays, after.notes, after.version]).toEqual([14, 'ERP note', kunde.version]);
  });

  it('a shared field edited on both sides becomes a listed conflict; the ERP-only change is applied', async () => {
    const kunde = await customerByNumber('ERP-100');
    await backend.call('customers.update', { id: kunde.id, patch: { email: 'ap@kunde.example' } }); // user edit, not pushed yet
    crm.edit(crm.accounts, 'acc-2', { email: 'invoices@kunde.example', name: 'Kunde Holding GmbH' });
    expect(await pending()).toBe(1);

    const s = await backend.call('sync.pull', { entities: ['customer'] });
    expect(s).toMatchObject({ fetched: 1, updated: 1, conflicts: 1 });
    const after = await customerByNumber('ERP-100');
    expect(after.name).toBe('Kunde Holding GmbH'); // shared, only the ERP changed it
    expect(after.email).toBe('ap@kunde.example'); // never silently lost

    const open = await backend.call('sync.conflicts', {});
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      entity: 'customer', recordId: kunde.id, externalId: 'acc-2', field: 'email', status: 'open', resolution: null,
      cadenceValue: 'ap@kunde.example', erpValue: 'invoices@kunde.example', baseValue: 'billing@kunde.example', recordLabel: 'ERP-100 Kunde Holding GmbH',
    });
    // The customer had an unsent Cadence edit: the pull keeps its own row too, so the ERP ends with the merged state
    // (Cadence's email + the ERP's name) instead of the older snapshot.
    const rows = (await backend.call('sync.outbox', { status: 'pending', aggregateType: 'customer' })).filter((r) => r.aggregateId === kunde.id);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.payload).toMatchObject({ name: 'Kunde Holding GmbH', email: 'ap@kunde.example' });

    // pulling again (no news) keeps the one conflict, does not add another
    const again = await backend.call('sync.pull', { entities: ['customer'] });
    expect(again.conflicts).toBe(0);
    expect(await backend.call('sync.conflicts', {})).toHaveLength(1);
  });

  it('resolving with the ERP value applies it through the service and records who and when', async () => {
    const [c] = await backend.call('sync.conflicts', {});
    const kunde = await customerByNumber('ERP-100');
    const pendingBefore = await pending();
    const r = await backend.call('sync.resolveConflict', { id: c!.id, take: 'erp', by: 'anna' });
    expect(r).toMatchObject({ status: 'resolved', resolution: 'erp', resolvedValue: 'invoices@kunde.example', resolvedBy: 'anna' });
    expect(r.resolvedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const after = await customerByNumber('ERP-100');
    expect([after.email, after.version]).toEqual(['invoices@kunde.example', kunde.version + 1]);
    // unsent rows of this customer exist, so the merged snapshot is kept for the ERP (see the rule above)
    expect(await pending()).toBe(pendingBefore + 1);
    expect(await backend.call('sync.conflicts', {})).toHaveLength(0);
    expect(await backend.call('sync.conflicts', { status: 'resolved' })).toHaveLength(1);
    await expect(backend.call('sync.resolveConflict', { id: c!.id, take: 'cadence' })).rejects.toThrow(/already resolved/);
  });

  it("resolving with Cadence's value pushes it to the ERP; a pure pull change is never pushed", async () => {
    await backend.call('sync.pushNow', {});
    expect(await pending()).toBe(0);
    const pushesBefore = crm.pushes.length;
    // description is shared: edit both sides
    const seat = await productBySku('SEAT');
    await backend.call('products.update', { id: seat.id, patch: { description: 'Cadence words' } });
    await backend.call('sync.pushNow', {}); // the PIM ignores product pushes here (it keeps its own description)
    crm.edit(crm.products, 'p-2', { description: 'PIM words' });
    const s = await backend.call('sync.pull', { entities: ['product'] });
    expect(s.conflicts).toBe(1);
    const [c] = await backend.call('sync.conflicts', { entity: 'product' });
    expect(c).toMatchObject({ field: 'description', cadenceValue: 'Cadence words', erpValue: 'PIM words', baseValue: '' });
    await backend.call('sync.resolveConflict', { id: c!.id, take: 'cadence' });
    const out = await backend.call('sync.outbox', { status: 'pending' });
    expect(out.map((r) => [r.aggregateType, r.eventType, (r.payload as { description: string }).description])).toEqual([['product', 'product.updated', 'Cadence words']]);
    await backend.call('sync.pushNow', {});
    expect(crm.pushes.length).toBe(pushesBefore + 2);
    expect(crm.pushes.at(-1)!.data.description).toBe('Cadence words');

    // custom value
    crm.edit(crm.products, 'p-2', { description: 'PIM again' });
    await backend.call('products.update', { id: seat.id, patch: { description: 'Cadence again' } });
    await backend.call('sync.pull', { entities: ['product'] });
    const [c2] = await backend.call('sync.conflicts', { entity: 'product' });
    await expect(backend.call('sync.resolveConflict', { id: c2!.id, take: 'custom' })).rejects.toThrow(/value/);
    const r2 = await backend.call('sync.resolveConflict', { id: c2!.id, take: 'custom', value: 'Agreed words' });
    expect(r2.resolvedValue).toBe('Agreed words');
    expect((await productBySku('SEAT')).description).toBe('Agreed words');
  });

  it('an open conflict closes itself (agreed) once Cadence is edited to the ERP value, though the ERP record did not change', async () => {
    const kunde = await customerByNumber('ERP-100');
    crm.edit(crm.accounts, 'acc-2', { name: 'Kunde ERP Name GmbH' });
    await backend.call('customers.update', { id: kunde.id, patch: { name: 'Kunde Cadence Name GmbH' } });
    expect((await backend.call('sync.pull', { entities: ['customer'] })).conflicts).toBe(1);
    const [c] = await backend.call('sync.conflicts', { entity: 'customer' });
    expect(c).toMatchObject({ field: 'name', status: 'open' });
    await backend.call('customers.update', { id: kunde.id, patch: { name: 'Kunde ERP Name GmbH' } }); // the user settles it by hand
    await backend.call('sync.pull', { entities: ['customer'] }); // the CRM has nothing new for this account
    expect(await backend.call('sync.conflicts', { entity: 'customer' })).toHaveLength(0);
    expect((await backend.call('sync.conflicts', { status: 'resolved', entity: 'customer' })).find((x) => x.id === c!.id)).toMatchObject({ resolution: 'agreed' });
  });

  it('ownership is configurable: an ERP-owned email overwrites', async () => {
    const own = await backend.call('sync.setOwnership', { customer: { email: 'erp' } });
    expect(own.customer).toMatchObject({ email: 'erp', name: 'shared', paymentTermsDays: 'cadence' });
    expect((await backend.call('sync.getOwnership', {})).product).toEqual({ sku: 'cadence', name: 'erp', description: 'shared', active: 'shared', price: 'erp', stock: 'erp' });
    await expect(backend.call('sync.setOwnership', { customer: { color: 'erp' } } as never)).rejects.toThrow();
    await backend.call('sync.pushNow', {});
    const kunde = await customerByNumber('ERP-100');
    await backend.call('customers.update', { id: kunde.id, patch: { email: 'local@kunde.example' } });
    await backend.call('sync.pushNow', {}); // the CRM takes it …
    crm.edit(crm.accounts, 'acc-2', { email: 'owner@kunde.example' }); // … and changes it again
    const s = await backend.call('sync.pull', { entities: ['customer'] });
    expect(s).toMatchObject({ updated: 1, conflicts: 0 });
    expect((await customerByNumber('ERP-100')).email).toBe('owner@kunde.example');
    expect(await pending()).toBe(0);
  });

  it('a record Cadence cannot store is skipped with the reason and fetched again next time', async () => {
    crm.put(crm.accounts, { id: 'acc-9', number: 'ERP-900', name: 'No Mail AG', country: 'DE' });
    const s = await backend.call('sync.pull', { entities: ['customer'] });
    expect(s.skipped).toBe(1);
    expect(s.errors[0]).toMatchObject({ entity: 'customer', externalId: 'acc-9' });
    expect(s.errors[0]!.message).toMatch(/ERP-900: .*e-mail/);
    crm.edit(crm.accounts, 'acc-9', { email: 'ap@nomail.example' });
    const s2 = await backend.call('sync.pull', { entities: ['customer'] });
    expect(s2).toMatchObject({ created: 1, skipped: 0 });
    expect(harborId).toBeTruthy();
  });

  it('the CLI prints the summary', async () => {
    crm.edit(crm.products, 'p-1', { name: 'Pro plan 2027' });
    await backend.close();
    let out = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => { out += chunk; return true; }) as typeof process.stdout.write;
    let code: number;
    try {
      code = await runCli(['sync', 'pull', '--data', dir, '--entities', 'product']);
    } finally {
      process.stdout.write = write;
    }
    expect(code).toBe(0);
    expect(out).toMatch(/products: fetched 2, unchanged 1, created 0, updated 1, kept 0, conflicts 0, skipped 0 \(changes since 2026-01-01T08:00:\d\d\.000Z\)/);
    expect(out).toMatch(/sync pull: fetched 2, unchanged 1, created 0, updated 1, conflicts 0, skipped 0; \d+ ms/);
    backend = await createBackend({ dataDir: dir });
    expect((await productBySku('PRO')).name).toBe('Pro plan 2027');
  });
});
