/**
 * Pull from the real Tryton 6.0 (../shared/erp-tryton): a product and a party created in Tryton over RPC are pulled
 * into Cadence; a name changed in Tryton is pulled again as an update. Skips with a printed reason when Tryton is
 * not available. The pull is limited to this run's codes (pullDomain) so it stays fast on a shared test ERP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../main/services/backend';
import { TrytonConnector } from '../../../main/sync/connectors/tryton';
import { TrytonClient, tDecimal } from '../../../main/sync/connectors/tryton-rpc';
import { runPull } from '../../../main/sync/pull/index';
import { releaseTryton, startTryton, TRYTON } from '../sync/tryton-env';

let skipReason: string | null = null;
let erp: TrytonClient;
let connector: TrytonConnector;
let backend: Backend;
let dir: string;
const STAMP = Date.now().toString(36).toUpperCase();
const SKU = `PULL-${STAMP}-P`;
const CODE = `PULL-${STAMP}-C`;
let templateId: number;
let productId: number;
let partyId: number;

beforeAll(async () => {
  skipReason = await startTryton();
  if (skipReason) {
    console.warn(skipReason);
    return;
  }
  erp = new TrytonClient(TRYTON);
  await erp.login();
  const [unit] = await erp.search('product.uom', [['name', '=', 'Unit']], 0, 1);
  [templateId] = (await erp.create('product.template', [{
    name: `Pulled widget ${STAMP}`, code: SKU, type: 'goods', default_uom: unit, list_price: tDecimal('42.00'), salable: true, sale_uom: unit,
    products: [['create', [{ description: 'Made in Tryton' }]]],
  }])) as [number];
  [productId] = (await erp.search('product.product', [['template', '=', templateId]], 0, 1)) as [number];
  [partyId] = (await erp.create('party.party', [{
    name: `Tryton Kunde ${STAMP} GmbH`, code: CODE,
    addresses: [['create', [{ street: 'Am Markt 5', postal_code: '50667', city: 'Köln' }]]],
    contact_mechanisms: [['create', [{ type: 'email', value: `ap-${STAMP.toLowerCase()}@kunde.example` }]]],
    identifiers: [['create', [{ type: 'eu_vat', code: 'DE136695976' }]]],
  }])) as [number];
  connector = new TrytonConnector({ ...TRYTON, pullDomain: { product: [['code', '=', SKU]], customer: [['code', '=', CODE]] } });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-tryton-pull-'));
  backend = await createBackend({ dataDir: dir, inMemory: true });
}, 900_000);

afterAll(async () => {
  await connector?.close();
  await erp?.logout();
  releaseTryton();
  await backend?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function needTryton(ctx: { skip: (note?: string) => void }): void {
  if (skipReason) {
    console.warn(`skipped: ${skipReason.split('\n')[0]}`);
    ctx.skip();
  }
}

describe('pull from Tryton', () => {
  it('creates the Tryton product and party in Cadence', async (ctx) => {
    needTryton(ctx);
    const s = await runPull(backend.base, connector);
    expect(s).toMatchObject({ fetched: 2, created: 2, updated: 0, conflicts: 0, skipped: 0 });
    const p = (await backend.call('products.list', { search: SKU })).items[0]!;
    expect(p).toMatchObject({ sku: SKU, name: `Pulled widget ${STAMP}`, description: 'Made in Tryton', kind: 'physical', unit: 'each', active: true });
    const e = (await backend.call('sync.erpProducts', { productIds: [p.id] }))[0]!;
    expect([e.listPrice, e.currency, e.stockAvailable]).toEqual(['42', 'EUR', '0']); // goods: stock from the stock module
    const c = (await backend.call('customers.list', { search: CODE })).items[0]!;
    expect(c).toMatchObject({
      number: CODE, name: `Tryton Kunde ${STAMP} GmbH`, email: `ap-${STAMP.toLowerCase()}@kunde.example`, vatId: 'DE136695976', country: 'DE',
      billingAddress: { line1: 'Am Markt 5', line2: '', city: 'Köln', postalCode: '50667', region: '', country: 'DE' }, tags: ['pulled-from-erp'],
    });
    // linked for later pushes, and nothing echoed back
    const ref = backend.base.raw.prepare("SELECT external_id, external_number FROM external_refs WHERE aggregate_type = 'product' AND aggregate_id = ?").get(p.id);
    expect(ref).toEqual({ external_id: String(productId), external_number: SKU });
    expect(await backend.call('sync.outbox', { status: 'pending' })).toHaveLength(0);
  });

  it('a name changed in Tryton is pulled as an update; the unchanged party stays unchanged', async (ctx) => {
    needTryton(ctx);
    await new Promise((r) => setTimeout(r, 20)); // a later write_date than the watermark
    await erp.write('product.template', [templateId], { name: `Pulled widget ${STAMP} v2`, list_price: tDecimal('45.50') });
    const s = await runPull(backend.base, connector);
    expect(s.entities.find((e) => e.entity === 'product')).toMatchObject({ fetched: 1, updated: 1, created: 0 });
    expect(s.entities.find((e) => e.entity === 'customer')).toMatchObject({ created: 0, updated: 0, conflicts: 0 });
    expect(s.entities.every((e) => e.since !== null)).toBe(true);
    const p = (await backend.call('products.list', { search: SKU })).items[0]!;
    expect([p.name, p.version]).toEqual([`Pulled widget ${STAMP} v2`, 2]);
    expect((await backend.call('sync.erpProducts', { productIds: [p.id] }))[0]!.listPrice).toBe('45.5');
    expect(await backend.call('sync.outbox', { status: 'pending' })).toHaveLength(0);
    expect(partyId).toBeGreaterThan(0);
  });
});
