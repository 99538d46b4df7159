/**
 * Cadence subscriptions → Tryton 6.0 `sale.subscription` (module sale_subscription).
 *
 *   party            = party.party with code = Cadence customer number (synced before as customer.*)
 *   reference        = "Cadence <subscription id>" — the lookup key of every push (Tryton has no idempotency keys)
 *   start_date       = Cadence start date; end_date = Cadence cancelAt (exclusive end) or null
 *   currency         = currency.currency by ISO code
 *   invoice_recurrence = sale.subscription.recurrence.rule.set "Cadence every N month(s)" (found or created:
 *                      one monthly rule with interval N)
 *   lines            = one per recurring item: service = sale.subscription.service of the item's product
 *                      (product.product by code = SKU; the service is created when missing), quantity,
 *                      unit price (the item's own flat/per-unit price less its discount, else the Tryton product's list price),
 *                      start/end dates of the item. Usage (metered) items are not pushed: Cadence bills them.
 *
 * Tryton only lets a subscription be edited in state 'draft'. A change to a quoted/running subscription therefore
 * goes draft → write → quote → run again; Tryton refuses the way back to draft once lines were consumed/invoiced,
 * which comes back as a rejection with Tryton's message.
 */
import { Decimal, dec } from '../../../shared/domain/money';
import type { Subscription, SubscriptionItem } from '../../../shared/api/ops/subscriptions';
import { tDate, tDecimal, TrytonClient, TrytonError } from './tryton-rpc';

const ACTIVE_ANY = ['active', 'in', [true, false]];

/** The state pushed subscriptions are left in: 'running' (quote + run), 'quotation' or 'draft'. */
export type TrytonSubscriptionTarget = 'draft' | 'quotation' | 'running';

export interface TrytonSubscriptionOptions {
  /** Default 'running'. */
  target?: TrytonSubscriptionTarget;
  /** Decimal places Tryton accepts for unit prices. Default 4. */
  priceDigits?: number;
}

/** A refusal meant for the user (the row is parked with this message). */
export class SubscriptionRefusal extends Error {}

export interface TrytonSubscriptionLine {
  productCode: string;
  description: string;
  quantity: number;
  /** Decimal string, or null: the Tryton product's list price is used. */
  unitPrice: string | null;
  startDate: string;
  endDate: string | null;
}

export interface TrytonSubscriptionValues {
  reference: string;
  description: string;
  customerNumber: string;
  currency: string;
  startDate: string;
  endDate: string | null;
  intervalMonths: number;
  lines: TrytonSubscriptionLine[];
}

export const subscriptionReference = (id: string): string => `Cadence ${id}`;

/** The item's own unit price, less its discount in force; null = Tryton's list price. */
function itemPrice(i: SubscriptionItem): string | null {
  const m = i.model;
  if (!m) return null;
  let price: string;
  if (m.type === 'per_unit') price = m.unitPrice;
  else if (m.type === 'flat') price = dec(m.price).div(dec(i.quantity).isZero() ? 1 : dec(i.quantity)).toString();
  else return null;
  const d = i.discount;
  if (!d) return price;
  if (d.amount) {
    // a fixed amount off each period, spread over the quantity (never below 0)
    const q = dec(i.quantity).isZero() ? dec(1) : dec(i.quantity);
    return Decimal.max(0, dec(price).minus(dec(d.amount).div(q))).toString();
  }
  return dec(price).times(dec(100).minus(dec(d.percent ?? '0'))).div(100).toString();
}

/** The Tryton view of a Cadence subscription (pure). */
export function toTrytonSubscription(s: Subscription): TrytonSubscriptionValues {
  if (!s?.id || !s.customerNumber || !s.startDate) throw new SubscriptionRefusal('subscription payload without id, customer number or start date');
  const end = s.cancelAt;
  const lines = s.items
    .filter((i) => i.kind === 'recurring')
    .filter((i) => !(i.endDate && i.endDate <= (i.startDate ?? s.startDate)))
    .map((i): TrytonSubscriptionLine => {
      const start = i.startDate && i.startDate > s.startDate ? i.startDate : s.startDate;
      let stop = i.endDate;
      if (end && (!stop || end < stop)) stop = end;
      return {
        productCode: i.productSku,
        description: i.description || i.planName,
        quantity: Number(i.quantity),
        unitPrice: itemPrice(i),
        startDate: start,
        endDate: stop && stop > start ? stop : stop ? start : null,
      };
    });
  return {
    reference: subscriptionReference(s.id),
    description: `Cadence subscription ${s.id} (${s.customerName})`.slice(0, 250),
    customerNumber: s.customerNumber,
    currency: s.currency,
    startDate: s.startDate,
    endDate: end,
    intervalMonths: s.intervalMonths,
    lines,
  };
}

interface ReadSub { id: number; state: string; reference: string | null; lines: number[] }
interface ReadLine { id: number; service: number; quantity: number; unit_price: string | null; start_date: string; end_date: string | null; description: string | null }

export interface TrytonSubscriptionResult { id: number; number: string | null; state: string; created: boolean; changed: boolean }

async function findSubscription(c: TrytonClient, reference: string, company: number): Promise<ReadSub | null> {
  const r = await c.searchRead<ReadSub>('sale.subscription', [['reference', '=', reference], ['company', '=', company]], ['id', 'state', 'reference', 'lines'], 0, null, [['id', 'ASC']]);
  return r.find((x) => x.state !== 'cancelled') ?? r[0] ?? null;
}

async function recurrenceSet(c: TrytonClient, months: number): Promise<number> {
  const n = Math.max(1, Math.trunc(months));
  const name = n === 1 ? 'Cadence every month' : `Cadence every ${n} months`;
  const ids = await c.search('sale.subscription.recurrence.rule.set', [['name', '=', name]], 0, 1);
  if (ids.length) return ids[0]!;
  const [id] = await c.create('sale.subscription.recurrence.rule.set', [{ name, rules: [['create', [{ freq: 'monthly', interval: n }]]] }]);
  return id!;
}

async function serviceFor(c: TrytonClient, sku: string, cache: Map<string, { service: number; uom: number; listPrice: string }>): Promise<{ service: number; uom: number; listPrice: string }> {
  const hit = cache.get(sku);
  if (hit) return hit;
  const p = await c.searchRead<{ id: number; default_uom: number; list_price: string | null }>('product.product', [['code', '=', sku], ACTIVE_ANY], ['id', 'default_uom', 'list_price'], 0, 1);
  if (!p[0]) throw new SubscriptionRefusal(`product ${sku} is not in Tryton yet (its product.created event must be synced first)`);
  const found = await c.search('sale.subscription.service', [['product', '=', p[0].id], ACTIVE_ANY], 0, 1);
  const service = found[0] ?? (await c.create('sale.subscription.service', [{ product: p[0].id }]))[0]!;
  const v = { service, uom: p[0].default_uom, listPrice: p[0].list_price ?? '0' };
  cache.set(sku, v);
  return v;
}

function sameLines(have: ReadLine[], want: Record<string, unknown>[]): boolean {
  if (have.length !== want.length) return false;
  const key = (service: unknown, qty: unknown, price: unknown, start: unknown, end: unknown) => JSON.stringify([service, Number(qty), dec(String(price ?? '0')).toString(), start, end ?? null]);
  const dstr = (d: unknown) => (d && typeof d === 'object' ? `${(d as { year: number }).year}-${String((d as { month: number }).month).padStart(2, '0')}-${String((d as { day: number }).day).padStart(2, '0')}` : d ?? null);
  const a = have.map((l) => key(l.service, l.quantity, l.unit_price, l.start_date, l.end_date)).sort();
  const b = want.map((l) => key(l.service, l.quantity, (l.unit_price as { decimal: string }).decimal, dstr(l.start_date), dstr(l.end_date))).sort();
  return a.every((x, i) => x === b[i]);
}

/** Moves a subscription to `target` along Tryton's transitions (draft → quotation → running). */
async function advance(c: TrytonClient, id: number, from: string, target: TrytonSubscriptionTarget): Promise<void> {
  const order = ['draft', 'quotation', 'running'];
  let at = order.indexOf(from);
  const to = order.indexOf(target);
  if (at < 0) return;
  while (at < to) {
    await c.model('sale.subscription', at === 0 ? 'quote' : 'run', [id]);
    at++;
  }
}

/**
 * Creates or updates the sale.subscription of a Cadence subscription (found by reference). Returns its id, number and state.
 * `event` 'subscription.canceled' sets the end date (and cancels a not yet running subscription canceled from its start).
 */
export async function pushTrytonSubscription(c: TrytonClient, s: Subscription, event: string, opts: TrytonSubscriptionOptions = {}): Promise<TrytonSubscriptionResult> {
  const v = toTrytonSubscription(s);
  const target = opts.target ?? 'running';
  const digits = opts.priceDigits ?? 4;
  await c.login();
  const company = c.context.company as number | undefined;
  if (!company) throw new SubscriptionRefusal('the Tryton user has no company');
  const party = await c.searchRead<{ id: number; addresses: number[] }>('party.party', [['code', '=', v.customerNumber], ACTIVE_ANY], ['id', 'addresses'], 0, 1);
  if (!party[0]) throw new SubscriptionRefusal(`customer ${v.customerNumber} is not in Tryton yet (its customer.created event must be synced first)`);
  const cur = await c.search('currency.currency', [['code', '=', v.currency]], 0, 1);
  if (!cur.length) throw new SubscriptionRefusal(`Tryton has no currency ${v.currency}`);
  const cache = new Map<string, { service: number; uom: number; listPrice: string }>();
  const lines: Record<string, unknown>[] = [];
  for (const l of v.lines) {
    const svc = await serviceFor(c, l.productCode, cache);
    const price = dec(l.unitPrice ?? svc.listPrice);
    lines.push({
      service: svc.service,
      description: l.description,
      quantity: l.quantity,
      unit: svc.uom,
      unit_price: tDecimal(price.toFixed(Math.min(Math.max(price.decimalPlaces(), 2), digits))),
      start_date: tDate(l.startDate),
      end_date: l.endDate ? tDate(l.endDate) : null,
    });
  }
  const header = {
    party: party[0].id,
    invoice_address: party[0].addresses[0] ?? null,
    currency: cur[0]!,
    start_date: tDate(v.startDate),
    end_date: v.endDate ? tDate(v.endDate) : null,
    invoice_recurrence: await recurrenceSet(c, v.intervalMonths),
    description: v.description,
  };
  const canceledFromStart = event === 'subscription.canceled' && v.endDate !== null && v.endDate <= v.startDate;

  const existing = await findSubscription(c, v.reference, company);
  if (!existing) {
    if (canceledFromStart) throw new SubscriptionRefusal(`subscription ${s.id} was canceled from its start and is not in Tryton: nothing to cancel`);
    const [id] = await c.create('sale.subscription', [{ company, reference: v.reference, ...header, lines: [['create', lines]] }]);
    await advance(c, id!, 'draft', target);
    return { ...(await readBack(c, id!)), created: true, changed: true };
  }
  const id = existing.id;
  if (existing.state === 'cancelled' || existing.state === 'closed') {
    if (event === 'subscription.canceled') return { ...(await readBack(c, id)), created: false, changed: false };
    throw new SubscriptionRefusal(`Tryton subscription ${id} is ${existing.state}: Tryton does not allow changing it (Cadence event ${event})`);
  }
  if (canceledFromStart && existing.state !== 'running') {
    await c.model('sale.subscription', 'cancel', [id]);
    return { ...(await readBack(c, id)), created: false, changed: true };
  }
  const [head] = await c.read<{ start_date: string; end_date: string | null; quantity?: number }>('sale.subscription', [id], ['start_date', 'end_date']);
  const have = await c.read<ReadLine>('sale.subscription.line', existing.lines, ['id', 'service', 'quantity', 'unit_price', 'start_date', 'end_date', 'description']);
  if (head && head.start_date === v.startDate && (head.end_date ?? null) === v.endDate && sameLines(have, lines)) {
    return { ...(await readBack(c, id)), created: false, changed: false };
  }
  const was = existing.state;
  try {
    if (was !== 'draft') await c.model('sale.subscription', 'draft', [id]);
    await c.write('sale.subscription', [id], { ...header, lines: [...(existing.lines.length ? [['delete', existing.lines]] : []), ['create', lines]] });
  } catch (e) {
    if (e instanceof TrytonError && (e.kind === 'user' || e.kind === 'server')) {
      throw new SubscriptionRefusal(`Tryton refused to change subscription ${id} (state ${was}) for Cadence event ${event}: ${e.message}`);
    }
    throw e;
  }
  const back = await readBack(c, id);
  const want: TrytonSubscriptionTarget = was === 'quotation' || was === 'running' ? (was as TrytonSubscriptionTarget) : target;
  await advance(c, id, back.state, want);
  return { ...(await readBack(c, id)), created: false, changed: true };
}

async function readBack(c: TrytonClient, id: number): Promise<{ id: number; number: string | null; state: string }> {
  const [r] = await c.read<{ id: number; number: string | null; state: string }>('sale.subscription', [id], ['id', 'number', 'state']);
  if (!r) throw new TrytonError(`sale.subscription ${id} vanished`, 'server', 'model.sale.subscription.read');
  return { id: r.id, number: r.number, state: r.state };
}
