/**
 * `cadence simulate FILE.json`: runs a billing scenario on a throw-away in-memory store with a manual clock and
 * returns every invoice and credit note it produced. The file format is documented in README.md ("Simulate");
 * test/fixtures/simulate-example.json is an example.
 *
 * Each day from `start` to `end`: the day's events are applied in time order (default 09:00 UTC), then the billing
 * run of the day runs at `billingTime` (default 23:00 UTC) — so a change dated on a period start is in force before
 * that period is billed. Strings "@ref" anywhere in an input are replaced by the id of the entity with that ref.
 */
import { z } from 'zod';
import { addDays, type IsoDate } from '../../../shared/domain/billing';
import { formatMinor } from '../../../shared/domain/money';
import { AppError } from '../../../shared/api/errors';
import { IsoDate as IsoDateSchema } from '../../../shared/api/common';
import type { OpName } from '../../../shared/api/index';
import { ManualClock } from '../../platform/clock';
import { createBackend, type Backend } from '../backend';

const Ref = z.string().min(1);
const Obj = z.record(z.string(), z.unknown());

export const ScenarioSchema = z.object({
  name: z.string().optional(),
  start: IsoDateSchema,
  /** Last simulated day (inclusive). */
  end: IsoDateSchema,
  /** Time of the daily billing run (UTC), default "23:00:00". */
  billingTime: z.string().regex(/^\d{2}:\d{2}(:\d{2})?$/).default('23:00:00'),
  settings: z.object({
    companyName: z.string().optional(),
    companyCountry: z.string().optional(),
    companyVatId: z.string().optional(),
    graceHours: z.number().optional(),
    taxRounding: z.enum(['per_invoice', 'per_line']).optional(),
    taxRoundingMode: z.enum(['half_up', 'half_even']).optional(),
    dunningGraceDays: z.number().int().optional(),
  }).default({}),
  customers: z.array(Obj.and(z.object({ ref: Ref }))).default([]),
  products: z.array(Obj.and(z.object({ ref: Ref }))).default([]),
  plans: z.array(Obj.and(z.object({ ref: Ref, product: Ref }))).default([]),
  /** Contract prices (pricebooks.create): { customer, plan, currency?, kind?, model?, discountPercent?, validFrom, validTo? }. */
  contractPrices: z.array(Obj.and(z.object({ customer: Ref, plan: Ref }))).default([]),
  subscriptions: z.array(Obj.and(z.object({ ref: Ref, customer: Ref, items: z.array(Obj) }))).default([]),
  events: z.array(Obj.and(z.object({ date: IsoDateSchema, type: z.string(), time: z.string().optional() }))).default([]),
});
export type Scenario = z.input<typeof ScenarioSchema>;

export interface SimulatedLine {
  position: number;
  kind: string;
  description: string;
  periodStart: string | null;
  /** Inclusive (the last day of the service period). */
  periodEnd: string | null;
  quantity: string;
  unitPrice: string;
  /** A discounted line: the discount (quantity × unit price − discount = amount) and its reason. */
  discount?: string;
  discountMinor?: number;
  discountReason?: string | null;
  amount: string;
  amountMinor: number;
  taxCode: string | null;
  taxRate: string | null;
}

export interface SimulatedDocument {
  number: string | null;
  kind: 'invoice' | 'credit_note';
  status: string;
  customer: string;
  subscription: string | null;
  issueDate: string | null;
  dueDate: string | null;
  servicePeriod: { start: string; end: string } | null;
  precedingInvoice: string | null;
  currency: string;
  lines: SimulatedLine[];
  taxBreakdown: { category: string; rate: string; taxableMinor: number; taxMinor: number }[];
  notes: string[];
  net: string;
  tax: string;
  gross: string;
  netMinor: number;
  taxMinor: number;
  grossMinor: number;
  paidMinor: number;
}

export interface SimulationResult {
  name?: string;
  start: string;
  end: string;
  documents: SimulatedDocument[];
  subscriptions: { ref: string; id: string; status: string; nextBillingDate: string | null; cancelAt: string | null }[];
  runs: number;
}

/** Replaces "@ref" strings (deeply) by ids. */
function resolveRefs(v: unknown, refs: Map<string, string>): unknown {
  if (typeof v === 'string' && v.startsWith('@')) {
    const id = refs.get(v.slice(1));
    if (!id) throw AppError.validation('ref', `unknown ref ${v}`);
    return id;
  }
  if (Array.isArray(v)) return v.map((x) => resolveRefs(x, refs));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveRefs(x, refs)]));
  return v;
}

const idOf = (refs: Map<string, string>, kind: string, ref: unknown): string => {
  const r = typeof ref === 'string' && ref.startsWith('@') ? ref.slice(1) : String(ref);
  const id = refs.get(r);
  if (!id) throw AppError.validation(kind, `unknown ${kind} ref "${String(ref)}"`);
  return id;
};

function omit<T extends Record<string, unknown>>(o: T, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}

/** Runs a scenario to its end date on an in-memory store and returns the documents. */
export async function simulate(raw: unknown): Promise<SimulationResult> {
  const parsed = ScenarioSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError('VALIDATION', `scenario: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const sc = parsed.data;
  const clock = new ManualClock(`${sc.start}T00:00:00Z`);
  const b = await createBackend({ dataDir: '', inMemory: true, clock, mode: 'cli' });
  const refs = new Map<string, string>();
  const subRefs = new Map<string, string>();
  const call = async (op: string, input: unknown): Promise<unknown> => {
    const r = await b.invoke(op, resolveRefs(input, refs));
    if (!r.ok) throw new AppError(r.error.code, `${op}: ${r.error.message}`, r.error.details);
    return r.data;
  };
  try {
    const s = sc.settings;
    await call('settings.update', { companyName: s.companyName ?? 'Cadence Simulation GmbH', companyCountry: s.companyCountry ?? 'DE' });
    if (s.companyVatId) b.base.raw.prepare(`INSERT INTO settings (key, value) VALUES ('companyVatId', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(JSON.stringify(s.companyVatId));
    await call('billing.updateSettings', {
      graceHours: s.graceHours ?? 0, schedulerIntervalMinutes: 0,
      ...(s.taxRounding ? { taxRounding: s.taxRounding } : {}), ...(s.taxRoundingMode ? { taxRoundingMode: s.taxRoundingMode } : {}),
      ...(s.dunningGraceDays !== undefined ? { dunningGraceDays: s.dunningGraceDays } : {}),
    });
    clock.set(`${sc.start}T00:00:00Z`);
    for (const c of sc.customers) {
      const out = (await call('customers.create', { email: `${c.ref}@example.com`, ...omit(c, ['ref']) })) as { id: string };
      refs.set(c.ref, out.id);
    }
    for (const p of sc.products) refs.set(p.ref, ((await call('products.create', { name: p.ref, sku: p.ref.toUpperCase(), ...omit(p, ['ref']) })) as { id: string }).id);
    for (const p of sc.plans) {
      const out = (await call('plans.create', { code: p.ref.toUpperCase(), name: p.ref, ...omit(p, ['ref', 'product']), productId: idOf(refs, 'product', p.product) })) as { id: string };
      refs.set(p.ref, out.id);
    }
    const currencyOf = async (customerId: string) => ((await call('customers.get', { id: customerId })) as { currency: string }).currency;
    for (const cp of sc.contractPrices) {
      const customerId = idOf(refs, 'customer', cp.customer);
      await call('pricebooks.create', {
        kind: 'model', currency: await currencyOf(customerId), ...omit(cp, ['customer', 'plan', 'ref']), customerId, planId: idOf(refs, 'plan', cp.plan),
      });
    }
    const createSub = async (def: Record<string, unknown> & { ref: string; customer: string; items: Record<string, unknown>[] }) => {
      const items = def.items.map((it) => ({ ...omit(it, ['plan', 'ref']), planId: idOf(refs, 'plan', it.plan) }));
      const out = (await call('subscriptions.create', { ...omit(def, ['ref', 'customer', 'items']), customerId: idOf(refs, 'customer', def.customer), items })) as {
        id: string; items: { id: string }[];
      };
      refs.set(def.ref, out.id);
      subRefs.set(out.id, def.ref);
      def.items.forEach((it, i) => {
        refs.set(`${def.ref}.${i}`, out.items[i]!.id);
        if (typeof it.ref === 'string') refs.set(it.ref, out.items[i]!.id);
      });
    };
    // Subscriptions start on their own date: create each on its start day (or the scenario start).
    const pending = sc.subscriptions.map((d) => ({ ...d, on: typeof d.startDate === 'string' && d.startDate > sc.start ? (d.startDate as string) : sc.start }));
    const events = sc.events.map((e, i) => ({ ...e, i, at: `${e.date}T${(e.time ?? '09:00:00').padEnd(8, ':00').slice(0, 8)}Z` }));
    events.sort((a, b2) => (a.at < b2.at ? -1 : a.at > b2.at ? 1 : a.i - b2.i));
    let runs = 0;
    let ei = 0;
    for (let day: IsoDate = sc.start; day <= sc.end; day = addDays(day, 1)) {
      for (const d of pending.filter((p) => p.on === day)) {
        clock.set(`${day}T00:00:00Z`);
        await createSub(d as never);
      }
      while (ei < events.length && events[ei]!.date === day) {
        const e = events[ei++]!;
        clock.set(e.at);
        await applyEvent(e, { call, refs, b, subRefs });
      }
      clock.set(`${day}T${sc.billingTime.padEnd(8, ':00').slice(0, 8)}Z`);
      const r = (await call('billing.run', { wait: true, mode: 'inline' })) as { run: { status: string; error: string | null } | null };
      if (r.run?.status !== 'completed') throw new AppError('INTERNAL', `billing run on ${day} ${r.run?.status}: ${r.run?.error ?? ''}`);
      runs++;
    }
    return { ...(sc.name ? { name: sc.name } : {}), start: sc.start, end: sc.end, documents: await collect(b, subRefs), subscriptions: await subsOf(b, subRefs), runs };
  } finally {
    await b.close();
  }
}

interface EventCtx {
  call: (op: string, input: unknown) => Promise<unknown>;
  refs: Map<string, string>;
  b: Backend;
  subRefs: Map<string, string>;
}

let usageSeq = 0;

async function applyEvent(e: Record<string, unknown> & { type: string; date: string; at: string }, x: EventCtx): Promise<void> {
  const sub = () => idOf(x.refs, 'subscription', e.subscription);
  const body = omit(e, ['type', 'date', 'time', 'at', 'i', 'subscription']);
  switch (e.type) {
    case 'change': {
      const actions = ((e.actions as Record<string, unknown>[]) ?? []).map((a) => {
        const out: Record<string, unknown> = { ...a };
        if (a.item !== undefined) { out.itemId = idOf(x.refs, 'item', typeof a.item === 'number' ? `${String(e.subscription)}.${a.item}` : a.item); delete out.item; }
        if (a.plan !== undefined) { out.planId = idOf(x.refs, 'plan', a.plan); delete out.plan; }
        return out;
      });
      await x.call('subscriptions.applyChange', { ...omit(body, ['actions']), subscriptionId: sub(), actions });
      return;
    }
    case 'usage': {
      const itemRef = e.item !== undefined ? (typeof e.item === 'number' ? `${String(e.subscription)}.${e.item}` : e.item) : undefined;
      await x.call('usage.record', {
        ...(itemRef !== undefined ? { subscriptionItemId: idOf(x.refs, 'item', itemRef) } : { subscriptionId: sub(), metric: e.metric }),
        quantity: e.quantity ?? '1', timestamp: e.timestamp ?? e.at, idempotencyKey: e.idempotencyKey ?? `sim-${++usageSeq}`,
        ...(e.properties ? { properties: e.properties } : {}),
      });
      return;
    }
    case 'pause':
      await x.call('subscriptions.pause', { ...body, id: sub() });
      return;
    case 'resume':
      await x.call('subscriptions.resume', { ...body, id: sub() });
      return;
    case 'cancel':
      await x.call('subscriptions.cancel', { ...body, id: sub() });
      return;
    case 'reactivate':
      await x.call('subscriptions.reactivate', { id: sub() });
      return;
    case 'update':
      await x.call('subscriptions.update', { id: sub(), patch: e.patch ?? {} });
      return;
    case 'planPrice': {
      await x.call('plans.update', { id: idOf(x.refs, 'plan', e.plan), patch: { prices: e.prices } });
      return;
    }
    case 'contractPrice': {
      const customerId = idOf(x.refs, 'customer', e.customer);
      const c = (await x.call('customers.get', { id: customerId })) as { currency: string };
      await x.call('pricebooks.create', { kind: 'model', currency: c.currency, ...omit(body, ['customer', 'plan']), customerId, planId: idOf(x.refs, 'plan', e.plan) });
      return;
    }
    case 'payment':
    case 'void':
    case 'creditNote': {
      const inv = await findInvoice(x, e);
      if (e.type === 'payment') {
        const due = (inv as { amountDueMinor: number }).amountDueMinor;
        await x.call('payments.record', { invoiceId: inv.id, amountMinor: typeof e.amountMinor === 'number' ? e.amountMinor : due, ...(e.method ? { method: e.method } : {}) });
      } else if (e.type === 'void') await x.call('invoices.void', { id: inv.id, reason: e.reason ?? 'simulated void', ...(e.rebill !== undefined ? { rebill: e.rebill } : {}) });
      else await x.call('invoices.createCreditNote', { invoiceId: inv.id, ...(e.reason ? { reason: e.reason } : {}) });
      return;
    }
    case 'call':
      await x.call(String(e.op) as OpName, e.input ?? {});
      return;
    default:
      throw new AppError('VALIDATION', `unknown event type "${e.type}" on ${e.date}`);
  }
}

/** The invoice an event names: { invoice: "INV-…" } or the latest invoice of { subscription }. */
async function findInvoice(x: EventCtx, e: Record<string, unknown>): Promise<{ id: string; amountDueMinor: number }> {
  const page = (await x.call('invoices.list', {
    kind: 'invoice', limit: 10000, sortBy: 'createdAt', sortDir: 'desc',
    ...(e.subscription ? { subscriptionId: idOf(x.refs, 'subscription', e.subscription) } : {}),
    ...(typeof e.invoice === 'string' ? { search: e.invoice } : {}),
  })) as { items: { id: string; number: string | null; amountDueMinor: number; status: string }[] };
  const inv = page.items.find((i) => i.number !== null && (typeof e.invoice !== 'string' || i.number === e.invoice));
  if (!inv) throw new AppError('VALIDATION', `no invoice found for the ${String(e.type)} event on ${String(e.date)}`);
  return inv;
}

async function collect(b: Backend, subRefs: Map<string, string>): Promise<SimulatedDocument[]> {
  const page = await b.call('invoices.list', { limit: 10000, sortBy: 'createdAt' });
  const out: SimulatedDocument[] = [];
  for (const s of page.items) {
    const inv = await b.call('invoices.get', { id: s.id });
    out.push({
      number: inv.number, kind: inv.kind, status: inv.status, customer: inv.customerName, subscription: inv.subscriptionId ? subRefs.get(inv.subscriptionId) ?? inv.subscriptionId : null,
      issueDate: inv.issueDate, dueDate: inv.dueDate,
      servicePeriod: inv.serviceStart && inv.serviceEnd ? { start: inv.serviceStart, end: addDays(inv.serviceEnd, -1) } : null,
      precedingInvoice: inv.precedingInvoiceNumber, currency: inv.currency,
      lines: inv.lines.map((l) => ({
        position: l.position, kind: l.kind, description: l.description, periodStart: l.periodStart, periodEnd: l.periodLastDay, quantity: l.quantity,
        unitPrice: l.unitPrice,
        ...(l.discountMinor ? { discount: formatMinor(l.discountMinor, inv.currency), discountMinor: l.discountMinor, discountReason: l.discountReason } : {}),
        amount: formatMinor(l.amountMinor, inv.currency), amountMinor: l.amountMinor, taxCode: l.taxCode, taxRate: l.taxRate,
      })),
      taxBreakdown: inv.taxBreakdown.map((t) => ({ category: t.category, rate: t.rate, taxableMinor: t.taxableMinor, taxMinor: t.taxMinor })),
      notes: inv.notes,
      net: formatMinor(inv.netMinor, inv.currency), tax: formatMinor(inv.taxMinor, inv.currency), gross: formatMinor(inv.grossMinor, inv.currency),
      netMinor: inv.netMinor, taxMinor: inv.taxMinor, grossMinor: inv.grossMinor, paidMinor: inv.paidMinor,
    });
  }
  return out;
}

async function subsOf(b: Backend, subRefs: Map<string, string>) {
  const page = await b.call('subscriptions.list', { limit: 10000 });
  return page.items.map((s) => ({ ref: subRefs.get(s.id) ?? s.id, id: s.id, status: s.status, nextBillingDate: s.nextBillingDate, cancelAt: s.cancelAt }));
}
