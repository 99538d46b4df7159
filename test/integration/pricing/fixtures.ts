/** Shared setup for the pricing integration tests: an in-memory backend with a product, plans and customers. */
import { ManualClock } from '../../../main/platform/clock';
import { type Backend, createBackend } from '../../../main/services/backend';
import type { AppError } from '../../../shared/api/errors';
import type { ChargeModel } from '../../../shared/api/ops/pricing';

export interface World {
  backend: Backend;
  clock: ManualClock;
  /** per_unit 10 EUR / 12 USD per seat. */
  seatsPlan: string;
  /** graduated EUR: 0-10 at 10, 10-50 at 8, above 50 at 5 (+ 20 flat fee on tier 1). */
  tieredPlan: string;
  /** flat 49 EUR only. */
  flatPlan: string;
  acme: string;
  globex: string;
}

export const TIERED: ChargeModel = {
  type: 'graduated',
  tiers: [
    { upTo: '10', unitPrice: '10', flatFee: '20' },
    { upTo: '50', unitPrice: '8' },
    { upTo: null, unitPrice: '5' },
  ],
};

export async function makeWorld(now = '2026-03-01T09:00:00Z'): Promise<World> {
  const clock = new ManualClock(now);
  const backend = await createBackend({ dataDir: '/nonexistent', inMemory: true, clock });
  const product = await backend.call('products.create', { sku: 'CAD-SEAT', name: 'Cadence seat', unit: 'seat' });
  const seats = await backend.call('plans.create', {
    productId: product.id, code: 'SEATS-M', name: 'Seats monthly',
    prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice: '10' } }, { currency: 'USD', model: { type: 'per_unit', unitPrice: '12' } }],
  });
  const tiered = await backend.call('plans.create', { productId: product.id, code: 'API-M', name: 'API calls', prices: [{ currency: 'EUR', model: TIERED }] });
  const flat = await backend.call('plans.create', { productId: product.id, code: 'SUPPORT', name: 'Premium support', prices: [{ currency: 'EUR', model: { type: 'flat', price: '49' } }] });
  const acme = await backend.call('customers.create', { name: 'Acme Industrial GmbH', country: 'DE', currency: 'EUR', email: 'billing@acme.example' });
  const globex = await backend.call('customers.create', { name: 'Globex Ltd', country: 'GB', currency: 'EUR', email: 'ap@globex.example' });
  return { backend, clock, seatsPlan: seats.id, tieredPlan: tiered.id, flatPlan: flat.id, acme: acme.id, globex: globex.id };
}

/** The AppError a call rejects with. */
export async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected the call to fail');
}

export const fieldPaths = (e: AppError): string[] => (e.details?.fields ?? []).map((f) => f.path);
