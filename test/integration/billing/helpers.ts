/** Scenario helpers: an in-memory backend on a manual clock, a small catalog, and billing runs day by day. */
import { createBackend, type Backend } from '../../../main/services/backend';
import { ManualClock } from '../../../main/platform/clock';
import type { Invoice } from '../../../shared/api/ops/invoices';

export interface World {
  b: Backend;
  clock: ManualClock;
  productId: string;
  addonProductId: string;
  apiProductId: string;
  /** Plans by code. */
  plans: Record<string, string>;
  customer: (over?: Record<string, unknown>) => Promise<string>;
  /** Sets the clock to 06:00 UTC of `date` and runs billing (inline, waiting). */
  runOn: (date: string) => Promise<void>;
  /** Every finalized document of a subscription (or all), oldest first, with lines. */
  docs: (subscriptionId?: string) => Promise<Invoice[]>;
  close: () => Promise<void>;
}

export const at = (date: string) => `${date}T06:00:00.000Z`;

/** `dunningGraceDays` defaults to 10 years so unpaid test invoices do not turn subscriptions past_due (dunning tests set it). */
export async function world(start: string, settings: { graceHours?: number; companyCountry?: string; dunningGraceDays?: number } = {}): Promise<World> {
  const clock = new ManualClock(at(start));
  const b = await createBackend({ dataDir: '', inMemory: true, clock, mode: 'test' });
  await b.call('settings.update', { companyCountry: settings.companyCountry ?? 'DE', companyName: 'Cadence Test GmbH' });
  await b.call('billing.updateSettings', { graceHours: settings.graceHours ?? 0, dunningGraceDays: settings.dunningGraceDays ?? 3650 });
  const product = await b.call('products.create', { sku: 'CORE', name: 'Core platform', unit: 'seat' });
  const addon = await b.call('products.create', { sku: 'SUPPORT', name: 'Premium support', unit: 'month' });
  const api = await b.call('products.create', { sku: 'API', name: 'API calls', unit: 'api_call' });
  const plans: Record<string, string> = {};
  const plan = async (code: string, productId: string, interval: 'month' | 'year' | 'quarter', model: Record<string, unknown>, trialDays = 0) => {
    const p = await b.call('plans.create', { productId, code, name: code, interval, trialDays, prices: [{ currency: 'EUR', model: model as never }] });
    plans[code] = p.id;
  };
  await plan('BASIC-M', product.id, 'month', { type: 'flat', price: '30' });
  await plan('PRO-M', product.id, 'month', { type: 'flat', price: '60' });
  await plan('SEAT-M', product.id, 'month', { type: 'per_unit', unitPrice: '10' });
  await plan('SEAT-Y', product.id, 'year', { type: 'per_unit', unitPrice: '100' });
  await plan('ANNUAL', product.id, 'year', { type: 'flat', price: '1200' });
  await plan('SUPPORT-M', addon.id, 'month', { type: 'flat', price: '20' });
  await plan('API-M', api.id, 'month', { type: 'per_unit', unitPrice: '0.01' });
  let n = 0;
  const customer = async (over: Record<string, unknown> = {}) => {
    n++;
    const c = await b.call('customers.create', {
      name: `Customer ${n} GmbH`, country: 'DE', currency: 'EUR', email: `c${n}@example.com`, paymentTermsDays: 14,
      billingAddress: { line1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' }, ...over,
    } as never);
    return c.id;
  };
  const runOn = async (date: string) => {
    clock.set(at(date));
    const r = await b.call('billing.run', { wait: true });
    if (r.run?.status !== 'completed') throw new Error(`run ${r.runId} ${r.run?.status}: ${r.run?.error}`);
  };
  const docs = async (subscriptionId?: string) => {
    const page = await b.call('invoices.list', { ...(subscriptionId ? { subscriptionId } : {}), limit: 10000, sortBy: 'createdAt', status: ['finalized', 'paid', 'partially_paid', 'void', 'uncollectible'] });
    const out: Invoice[] = [];
    for (const i of page.items) out.push(await b.call('invoices.get', { id: i.id }));
    return out;
  };
  return { b, clock, productId: product.id, addonProductId: addon.id, apiProductId: api.id, plans, customer, runOn, docs, close: () => b.close() };
}

/** Compact line view: "kind start→end amount". */
export const lineView = (inv: Invoice) => inv.lines.map((l) => `${l.kind} ${l.periodStart}→${l.periodEnd} ${l.amountMinor}`);

/** Every date from `from` to `to` (inclusive) stepping one month on the day of `from` (clamped). */
export function months(from: string, count: number): string[] {
  const [y, m, d] = from.split('-').map(Number) as [number, number, number];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const idx = y * 12 + (m - 1) + i;
    const yy = Math.floor(idx / 12);
    const mm = idx - yy * 12 + 1;
    const dim = new Date(Date.UTC(yy, mm, 0)).getUTCDate();
    out.push(`${yy}-${String(mm).padStart(2, '0')}-${String(Math.min(d, dim)).padStart(2, '0')}`);
  }
  return out;
}
