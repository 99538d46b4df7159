/** Fixtures for the recurring-orders scenarios: a backend on a manual clock, a customer with a ship-to location, physical products with plans. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Backend, createBackend } from '../../../main/services/backend';
import { ManualClock } from '../../../main/platform/clock';

export interface World {
  backend: Backend;
  clock: ManualClock;
  dir: string;
  customerId: string;
  locationId: string;
  products: Record<string, { id: string; planId: string }>;
  close(): Promise<void>;
}

export async function makeWorld(start = '2026-03-01T08:00:00Z', opts: { dir?: string; vatId?: string; country?: string; prefix?: string; skuSuffix?: string } = {}): Promise<World> {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-orders-'));
  const clock = new ManualClock(start);
  const backend = await createBackend({ dataDir: dir, clock });
  await backend.call('settings.update', { companyCountry: 'DE', installationPrefix: opts.prefix ?? 'TST' });
  const c = await backend.call('customers.create', {
    name: 'Labor Müller GmbH', country: opts.country ?? 'DE', currency: 'EUR', email: 'einkauf@labor-mueller.example', ...(opts.vatId ? { vatId: opts.vatId } : {}),
  });
  const loc = await backend.call('locations.create', {
    customerId: c.id, name: 'Lab Berlin-Adlershof', line1: 'Rudower Chaussee 17', city: 'Berlin', postalCode: '12489', country: 'DE',
    contacts: [{ name: 'Dr. Anna Weber', email: 'a.weber@labor-mueller.example', phone: '+49 30 1234567', role: 'Lab manager' }],
  });
  const products: World['products'] = {};
  const mk = async (sku: string, name: string, unitPrice: string, unit: 'each' | 'box' | 'kg' = 'box', taxCategory: 'standard' | 'reduced' = 'standard') => {
    const p = await backend.call('products.create', { sku: sku + (opts.skuSuffix ?? ''), name, unit, kind: 'physical', taxCategory });
    const plan = await backend.call('plans.create', { productId: p.id, code: `${sku}${opts.skuSuffix ?? ''}-M`, name: `${name} subscription`, prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice } }] });
    products[sku] = { id: p.id, planId: plan.id };
  };
  await mk('GLOVES-M', 'Nitrile gloves M (box of 100)', '8.50');
  await mk('GLOVES-M-ECO', 'Nitrile gloves M eco (box of 100)', '7.90');
  await mk('TIPS-200', 'Pipette tips 200 µl (rack)', '12.00');
  await mk('COFFEE', 'Coffee beans 1 kg', '18.00', 'kg', 'reduced');
  await backend.call('productAttributes.set', { productId: products['GLOVES-M']!.id, priceGroup: 'gloves-m', packSize: '10', moq: '10' });
  await backend.call('productAttributes.set', { productId: products['GLOVES-M-ECO']!.id, priceGroup: 'gloves-m', packSize: '10' });
  return {
    backend, clock, dir, customerId: c.id, locationId: loc.id, products,
    async close() {
      await backend.close();
      if (!opts.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
