/**
 * Tryton 6.0 connector over JSON-RPC.
 *
 *   customer.*                      → party.party (code = Cadence customer number; address, email, VAT identifier)
 *   product.*                       → product.template + product.product (code = SKU; list price, unit, account category)
 *   invoice.finalized / credit_note.finalized
 *                                   → account.invoice type 'out' (reference = Cadence number), taxes from the line rate,
 *                                     totals compared with Cadence's before posting; credit notes as negative invoices
 *   payment.recorded                → the account.invoice.pay wizard (move description = "Cadence payment <id>")
 *   subscription.*                  → sale.subscription (reference = "Cadence <id>"), see tryton-subscription.ts
 *
 * Tryton has no idempotency keys: every push first looks the record up by its Cadence reference, so a restart
 * (or a lost answer) never creates a duplicate. Requests are serialised (Tryton on SQLite must see one at a time).
 */
import type { OutboxRow } from '../../db/entities';
import { Decimal, dec, formatMinor, minorUnits } from '../../../shared/domain/money';
import { isEuCountry } from '../../../shared/domain/vat';
import { ack, reject, retry, type Connector, type PulledRecord, type PullEntity, type PushResult } from '../connector';
import type { ErpCustomerPayload, ErpInvoicePayload, ErpPaymentPayload, ErpProductPayload } from '../payloads';
import { tDate, tDecimal, TrytonClient, TrytonError, type TrytonClientOptions } from './tryton-rpc';
import { cancelTrytonSale, pushTrytonSale, toTrytonSale, type ErpSalesOrderPayload } from '../../services/orders/erp';
import { pushTrytonSubscription } from './tryton-subscription';
import type { Subscription } from '../../../shared/api/ops/subscriptions';

/** Aggregates Tryton has no counterpart for here: acknowledged without a call (plans live in Cadence). */
// dunning_reminder: Cadence's reminders are for the CRM / mailing (REST connector); Tryton runs its own dunning.
const DEFAULT_IGNORED = ['plan', 'price_book', 'bundle', 'location', 'dunning_reminder'];

export interface TrytonConnectorOptions extends Omit<TrytonClientOptions, 'fetch'> {
  name?: string;
  /** Rows per push (processed one after the other). Default 20. */
  maxBatch?: number;
  /** Product category carrying the revenue account and customer taxes. Default 'Subscriptions'. */
  productCategory?: string;
  /** Payment term used with payment_term_date = Cadence due date. Default 'Direct' (null: none). */
  paymentTerm?: string | null;
  /** Payment method used for recorded payments; created on first use with the cash journal when missing. */
  paymentMethod?: string;
  /** Account for the payment method when it has to be created. Default 'Main Cash'. */
  cashAccount?: string;
  /** Cadence unit → Tryton unit of measure name. */
  units?: Record<string, string>;
  /** Aggregate types acknowledged without a Tryton call (explicit configuration, not silent loss). */
  ignoredAggregateTypes?: string[];
  /** Tryton warnings (by name) confirmed automatically. Default: the "payment date in the past" warning of historic invoices. */
  confirmWarnings?: RegExp[];
  /** Decimal places Tryton accepts for unit prices (price_digits). Default 4. */
  priceDigits?: number;
  /** Extra Tryton domain clauses for pulls, per entity (e.g. only parties of a category). */
  pullDomain?: Partial<Record<PullEntity, unknown[]>>;
  /** Read stock quantities of goods when the stock module is active (default true). */
  pullStock?: boolean;
  fetch?: typeof fetch;
}

const DEFAULT_UNITS: Record<string, string> = {
  each: 'Unit', seat: 'Unit', user: 'Unit', license: 'Unit', api_call: 'Unit', box: 'Unit', pack: 'Unit', pallet: 'Unit', month: 'Unit', year: 'Unit',
  hour: 'Hour', day: 'Day', kg: 'Kilogram', litre: 'Liter', metre: 'Meter', gb: 'Unit', tb: 'Unit',
};

interface RefData {
  company: number;
  companyCurrency: number;
  revenueJournal: number;
  receivable: number;
  revenue: number;
  category: number;
  paymentTerm: number | null;
  uoms: Map<string, number>;
  /** rate (fraction, canonical string) → tax id */
  taxes: Map<string, number>;
}

/** A refusal with a message meant for the user (the row is parked). */
class Refusal extends Error {}

const ACTIVE_ANY = ['active', 'in', [true, false]];

interface TrytonInvoiceRead {
  id: number; number: string | null; state: string; untaxed_amount: string; tax_amount: string; total_amount: string; currency: number;
}

export class TrytonConnector implements Connector {
  readonly name: string;
  readonly maxBatch: number;
  readonly client: TrytonClient;
  private readonly opts: TrytonConnectorOptions;
  private ref: RefData | null = null;
  private readonly currencies = new Map<string, number>();
  private readonly products = new Map<string, { id: number; uom: number }>();
  private readonly countries = new Map<string, number | null>();
  /** undefined: not checked yet; null: no stock module; else the warehouse ids. */
  private warehouses: number[] | null | undefined;

  constructor(opts: TrytonConnectorOptions) {
    this.opts = opts;
    this.name = opts.name ?? 'tryton';
    this.maxBatch = opts.maxBatch ?? 20;
    this.client = new TrytonClient(opts);
  }

  async ping(): Promise<boolean> {
    try {
      await this.client.version();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.client.logout();
  }

  /**
   * Pushes a batch (at most one row per aggregate). Kinds go in dependency order (customers, products, invoices,
   * payments); new customers and new invoices are created, checked and posted with one call per step for the
   * whole batch. Any error in a bulk step falls back to row-by-row for the rows of that step, so one bad row
   * never blocks the others. Results keep the order of `rows`.
   */
  async push(rows: OutboxRow[]): Promise<PushResult[]> {
    const results: (PushResult | undefined)[] = new Array(rows.length);
    const rank = (t: string) => ({ customer: 0, product: 1, invoice: 2, credit_note: 2, payment: 3 } as Record<string, number>)[t] ?? 4;
    const idx = rows.map((_, i) => i).sort((a, b) => rank(rows[a]!.aggregateType) - rank(rows[b]!.aggregateType) || a - b);
    for (const kind of [0, 1, 2, 3, 4]) {
      const mine = idx.filter((i) => rank(rows[i]!.aggregateType) === kind);
      if (mine.length === 0) continue;
      try {
        if (kind === 0) await this.bulkCustomers(rows, mine, results);
        if (kind === 2) await this.bulkInvoices(rows, mine.filter((i) => /\.(finalized|issued)$/.test(rows[i]!.eventType)), results);
      } catch (e) {
        const r = this.classify(e);
        if (r.kind === 'retry' && r.network) return rows.map((_, i) => results[i] ?? r);
        // anything else: row by row below sorts it out
      }
      for (const i of mine) {
        if (results[i]) continue;
        const res = await this.pushRow(rows[i]!);
        results[i] = res;
        if (res.kind === 'retry' && res.network) {
          // Tryton is gone: do not try the rest of the batch now.
          return rows.map((_, j) => results[j] ?? retry(res.message, { network: true }));
        }
      }
    }
    return results as PushResult[];
  }

  /** New parties in one create call; existing ones are left to the row-by-row update. */
  private async bulkCustomers(rows: OutboxRow[], idx: number[], results: (PushResult | undefined)[]): Promise<void> {
    const todo = idx.filter((i) => { const p = rows[i]!.payload as ErpCustomerPayload; return !!p?.number && !!p.name; });
    if (todo.length < 2) return;
    await this.refData();
    const codes = todo.map((i) => (rows[i]!.payload as ErpCustomerPayload).number);
    const existing = await this.client.searchRead<{ code: string }>('party.party', [['code', 'in', codes], ACTIVE_ANY], ['code']);
    const known = new Set(existing.map((e) => e.code));
    const fresh = todo.filter((i) => !known.has((rows[i]!.payload as ErpCustomerPayload).number));
    if (fresh.length === 0) return;
    const vals = [];
    for (const i of fresh) vals.push(await this.partyValues(rows[i]!.payload as ErpCustomerPayload));
    let ids: number[];
    try {
      ids = await this.client.create('party.party', vals);
    } catch (e) {
      if (e instanceof TrytonError && e.kind === 'network') throw e;
      return; // row by row tells which one Tryton refuses
    }
    fresh.forEach((i, k) => (results[i] = ack(String(ids[k]), (rows[i]!.payload as ErpCustomerPayload).number)));
  }

  /** New invoices: one create, one tax computation, one read, one delete of mismatches, one post, one read. */
  private async bulkInvoices(rows: OutboxRow[], idx: number[], results: (PushResult | undefined)[]): Promise<void> {
    const valid = idx.filter((i) => { const p = rows[i]!.payload as ErpInvoicePayload; return !!p?.number && Array.isArray(p.lines) && p.lines.length > 0; });
    if (valid.length < 2) return;
    const ref = await this.refData();
    const c = this.client;
    const inv = (i: number) => rows[i]!.payload as ErpInvoicePayload;
    const already = await c.searchRead<{ reference: string }>('account.invoice', [['reference', 'in', valid.map((i) => inv(i).number)], ['type', '=', 'out'], ['company', '=', ref.company]], ['reference']);
    const seen = new Set(already.map((a) => a.reference));
    const fresh = valid.filter((i) => !seen.has(inv(i).number));
    if (fresh.length === 0) return;
    const parties = await c.searchRead<{ id: number; code: string; addresses: number[] }>('party.party', [['code', 'in', [...new Set(fresh.map((i) => inv(i).customerNumber))]], ACTIVE_ANY], ['id', 'code', 'addresses']);
    const partyOf = new Map(parties.map((p) => [p.code, p]));
    const todo: { i: number; vals: Record<string, unknown> }[] = [];
    for (const i of fresh) {
      const party = partyOf.get(inv(i).customerNumber);
      if (!party) continue; // row by row explains it
      try {
        todo.push({ i, vals: await this.invoiceValues(inv(i), party) });
      } catch (e) {
        if (e instanceof Refusal) results[i] = reject(e.message);
        else throw e;
      }
    }
    if (todo.length === 0) return;
    let ids: number[];
    try {
      ids = await c.create('account.invoice', todo.map((t) => t.vals));
    } catch (e) {
      if (e instanceof TrytonError && e.kind === 'network') throw e;
      return;
    }
    // compute the draft taxes (write), read the totals, drop the drafts that disagree with Cadence
    await c.model('account.invoice', 'write', ...todo.flatMap((t, k) => [[ids[k]], { description: t.vals.description }]));
    const read = await c.read<TrytonInvoiceRead>('account.invoice', ids, ['id', 'number', 'state', 'untaxed_amount', 'tax_amount', 'total_amount', 'currency']);
    const byId = new Map(read.map((r) => [r.id, r]));
    const bad: number[] = [];
    const good: { i: number; id: number }[] = [];
    todo.forEach((t, k) => {
      const diff = this.mismatch(inv(t.i), byId.get(ids[k]!)!);
      if (diff) {
        bad.push(ids[k]!);
        results[t.i] = reject(`${diff}; the draft was removed, nothing posted`);
      } else good.push({ i: t.i, id: ids[k]! });
    });
    if (bad.length) await c.delete('account.invoice', bad);
    if (good.length === 0) return;
    try {
      await this.post(good.map((g) => g.id));
    } catch (e) {
      if (e instanceof TrytonError && e.kind === 'network') throw e;
      return; // the drafts exist: row by row finds each one and posts or refuses it alone
    }
    const numbers = await c.read<{ id: number; number: string | null; state: string }>('account.invoice', good.map((g) => g.id), ['id', 'number', 'state']);
    const num = new Map(numbers.map((n) => [n.id, n]));
    for (const g of good) {
      const n = num.get(g.id);
      if (n && (n.state === 'posted' || n.state === 'paid')) results[g.i] = ack(String(g.id), n.number ?? undefined);
    }
  }

  /** Pushes one row and classifies the outcome. */
  async pushRow(row: OutboxRow): Promise<PushResult> {
    try {
      switch (row.aggregateType) {
        case 'customer': {
          const r = await this.upsertParty(row.payload as ErpCustomerPayload, row.knownExternalId);
          return ack(String(r.id), r.code);
        }
        case 'product': {
          const r = await this.upsertProduct(row.payload as ErpProductPayload, row.knownExternalId);
          return ack(String(r.productId), r.code);
        }
        case 'invoice':
        case 'credit_note': {
          if (!/\.(finalized|issued)$/.test(row.eventType)) {
            return reject(`the Tryton connector pushes finalized invoices only; "${row.eventType}" is not supported (skip it or configure it)`);
          }
          const r = await this.pushInvoice(row.payload as ErpInvoicePayload);
          return ack(String(r.id), r.number ?? undefined);
        }
        case 'payment': {
          const r = await this.pushPayment(row.payload as ErpPaymentPayload);
          return ack(String(r.moveId));
        }
        case 'sales_order': {
          if ((this.opts.ignoredAggregateTypes ?? DEFAULT_IGNORED).includes('sales_order')) return ack();
          const p = row.payload as ErpSalesOrderPayload;
          if (row.eventType === 'sales_order.canceled') {
            await cancelTrytonSale(this.client, p.number);
            return ack();
          }
          if (row.eventType !== 'sales_order.released') return ack(); // status echoes (shipped, invoiced) are Cadence-side only
          const r = await pushTrytonSale(this.client, toTrytonSale(p), { units: this.opts.units });
          return ack(String(r.id), r.number ?? undefined);
        }
        case 'subscription': {
          if ((this.opts.ignoredAggregateTypes ?? DEFAULT_IGNORED).includes('subscription')) return ack();
          const r = await pushTrytonSubscription(this.client, row.payload as Subscription, row.eventType, { priceDigits: this.opts.priceDigits });
          return ack(String(r.id), r.number ?? undefined);
        }
        default:
          if ((this.opts.ignoredAggregateTypes ?? DEFAULT_IGNORED).includes(row.aggregateType)) return ack();
          return reject(`the Tryton connector has no mapping for "${row.aggregateType}" events`);
      }
    } catch (e) {
      return this.classify(e);
    }
  }

  private classify(e: unknown): PushResult {
    if (e instanceof Refusal) return reject(e.message);
    if (e instanceof TrytonError) {
      if (e.kind === 'network') {
        this.ref = null; // a restarted Tryton may have new reference data
        return retry(e.message, { network: true });
      }
      if (e.transient) return retry(e.message, e.status === 429 ? { retryAfterMs: 5_000 } : {});
      return reject(`Tryton: ${e.message}`);
    }
    return reject(`Tryton connector: ${e instanceof Error ? e.message : String(e)}`);
  }

  // ---------------------------------------------------------------- reference data
  private async one(model: string, domain: unknown[], what: string): Promise<number> {
    const ids = await this.client.search(model, domain, 0, 1);
    if (!ids.length) throw new Refusal(`Tryton has no ${what}: configure it first`);
    return ids[0]!;
  }

  private async refData(): Promise<RefData> {
    if (this.ref) return this.ref;
    const c = this.client;
    await c.login();
    const company = c.context.company as number | undefined;
    if (!company) throw new Refusal(`the Tryton user "${this.opts.username}" has no company`);
    const [{ currency }] = (await c.read<{ currency: number }>('company.company', [company], ['currency'])) as [{ currency: number }];
    const revenueJournal = await this.one('account.journal', [['type', '=', 'revenue']], 'revenue journal');
    const receivable = await this.one('account.account', [['company', '=', company], ['type.receivable', '=', true], ['closed', '!=', true]], 'receivable account');
    const category = await this.one('product.category', [['name', '=', this.opts.productCategory ?? 'Subscriptions'], ['accounting', '=', true]], `accounting product category "${this.opts.productCategory ?? 'Subscriptions'}"`);
    const [cat] = await c.read<{ account_revenue: number | null }>('product.category', [category], ['account_revenue']);
    const revenue = cat?.account_revenue ?? (await this.one('account.account', [['company', '=', company], ['type.revenue', '=', true], ['closed', '!=', true]], 'revenue account'));
    const termName = this.opts.paymentTerm === undefined ? 'Direct' : this.opts.paymentTerm;
    const paymentTerm = termName ? ((await c.search('account.invoice.payment_term', [['name', '=', termName]], 0, 1))[0] ?? null) : null;
    const uoms = new Map<string, number>();
    for (const u of await c.searchRead<{ id: number; name: string }>('product.uom', [], ['id', 'name'])) uoms.set(u.name, u.id);
    const taxes = new Map<string, number>();
    const taxRows = await c.searchRead<{ id: number; rate: string | null }>('account.tax',
      [['company', '=', company], ['type', '=', 'percentage'], ['parent', '=', null]], ['id', 'rate'], 0, null, [['id', 'ASC']]);
    for (const t of taxRows) if (t.rate !== null && !taxes.has(dec(t.rate).toString())) taxes.set(dec(t.rate).toString(), t.id);
    this.ref = { company, companyCurrency: currency, revenueJournal, receivable, revenue, category, paymentTerm, uoms, taxes };
    return this.ref;
  }

  private async currencyId(code: string): Promise<number> {
    const hit = this.currencies.get(code);
    if (hit) return hit;
    const ids = await this.client.search('currency.currency', [['code', '=', code]], 0, 1);
    if (!ids.length) throw new Refusal(`currency ${code} does not exist in Tryton`);
    this.currencies.set(code, ids[0]!);
    return ids[0]!;
  }

  private async countryId(code: string | undefined): Promise<number | null> {
    if (!code) return null;
    if (this.countries.has(code)) return this.countries.get(code)!;
    const ids = await this.client.search('country.country', [['code', '=', code]], 0, 1);
    const id = ids[0] ?? null; // Tryton ships without countries until they are imported: then the address has none
    this.countries.set(code, id);
    return id;
  }

  /** Tryton tax for a percent rate ("19" → the percentage tax with rate 0.19). */
  private taxFor(ref: RefData, ratePercent: string): number[] {
    const r = dec(ratePercent);
    if (r.isZero()) return [];
    const id = ref.taxes.get(r.div(100).toString());
    if (id === undefined) throw new Refusal(`Tryton has no percentage tax with rate ${r.toString()}% (found: ${[...ref.taxes.keys()].map((k) => `${dec(k).times(100).toString()}%`).join(', ') || 'none'})`);
    return [id];
  }

  private uomFor(ref: RefData, unit: string | undefined): number {
    const name = { ...DEFAULT_UNITS, ...this.opts.units }[unit ?? 'each'] ?? 'Unit';
    const id = ref.uoms.get(name) ?? ref.uoms.get('Unit');
    if (id === undefined) throw new Refusal(`Tryton has no unit of measure "${name}"`);
    return id;
  }

  // ---------------------------------------------------------------- customers
  async findParty(code: string): Promise<{ id: number; addresses: number[] } | null> {
    const r = await this.client.searchRead<{ id: number; addresses: number[] }>('party.party', [['code', '=', code], ACTIVE_ANY], ['id', 'addresses'], 0, 1);
    return r[0] ?? null;
  }

  private async addressValues(p: ErpCustomerPayload): Promise<Record<string, unknown>> {
    const a = p.billingAddress;
    return {
      street: a ? [a.line1, a.line2].filter(Boolean).join('\n') : null,
      postal_code: a?.postalCode || null,
      city: a?.city ?? null,
      country: await this.countryId(a?.country ?? p.country),
    };
  }

  private vatType(p: ErpCustomerPayload): string | null {
    return p.vatId && isEuCountry(p.vatId.slice(0, 2) === 'EL' ? 'GR' : p.vatId.slice(0, 2)) ? 'eu_vat' : null;
  }

  /** party.party values for a new party. */
  private async partyValues(p: ErpCustomerPayload): Promise<Record<string, unknown>> {
    return {
      name: p.name,
      code: p.number,
      active: p.status !== 'archived',
      addresses: [['create', [await this.addressValues(p)]]],
      contact_mechanisms: [['create', [{ type: 'email', value: p.email }]]],
      ...(p.vatId ? { identifiers: [['create', [{ type: this.vatType(p), code: p.vatId }]]] } : {}),
    };
  }

  /** The party the ERP already has for this customer: by the id it gave before (renumbered customers), else by number. */
  private async partyOf(p: ErpCustomerPayload, knownId?: string | null): Promise<{ id: number; code: string | null; addresses: number[] } | null> {
    const id = knownId && /^\d+$/.test(knownId) ? Number(knownId) : null;
    if (id !== null) {
      const r = await this.client.searchRead<{ id: number; code: string | null; addresses: number[] }>('party.party', [['id', '=', id], ACTIVE_ANY], ['id', 'code', 'addresses'], 0, 1);
      if (r[0]) return r[0];
    }
    const byCode = await this.findParty(p.number);
    return byCode ? { ...byCode, code: p.number } : null;
  }

  async upsertParty(p: ErpCustomerPayload, knownId?: string | null): Promise<{ id: number; code: string }> {
    if (!p?.number || !p.name) throw new Refusal('customer payload without number or name');
    await this.refData();
    const c = this.client;
    const address = await this.addressValues(p);
    const vatType = this.vatType(p);
    const existing = await this.partyOf(p, knownId);
    if (!existing) {
      const [id] = await c.create('party.party', [await this.partyValues(p)]);
      return { id: id!, code: p.number };
    }
    const id = existing.id;
    await c.write('party.party', [id], { name: p.name, active: p.status !== 'archived', ...(existing.code !== p.number ? { code: p.number } : {}) });
    if (existing.addresses.length) await c.write('party.address', [existing.addresses[0]!], address);
    else await c.create('party.address', [{ party: id, ...address }]);
    const emails = await c.searchRead<{ id: number; value: string }>('party.contact_mechanism', [['party', '=', id], ['type', '=', 'email'], ACTIVE_ANY], ['id', 'value'], 0, null, [['id', 'ASC']]);
    if (!emails.some((e) => e.value === p.email)) {
      if (emails.length) await c.write('party.contact_mechanism', [emails[0]!.id], { value: p.email });
      else await c.create('party.contact_mechanism', [{ party: id, type: 'email', value: p.email }]);
    }
    const idents = await c.searchRead<{ id: number; code: string; type: string | null }>('party.identifier', [['party', '=', id]], ['id', 'code', 'type'], 0, null, [['id', 'ASC']]);
    const vatIdent = idents.find((i) => i.type === 'eu_vat' || i.type === null);
    if (p.vatId) {
      if (!vatIdent) await c.create('party.identifier', [{ party: id, type: vatType, code: p.vatId }]);
      else if (vatIdent.code !== p.vatId || vatIdent.type !== vatType) await c.write('party.identifier', [vatIdent.id], { type: vatType, code: p.vatId });
    } else if (vatIdent) await c.delete('party.identifier', [vatIdent.id]);
    return { id, code: p.number };
  }

  // ---------------------------------------------------------------- products
  async findProduct(sku: string): Promise<{ templateId: number; productId: number; uom: number } | null> {
    const t = await this.client.searchRead<{ id: number; products: number[]; default_uom: number }>('product.template', [['code', '=', sku], ACTIVE_ANY], ['id', 'products', 'default_uom'], 0, 1);
    if (!t[0]) return null;
    let productId = t[0].products[0];
    if (productId === undefined) {
      const ids = await this.client.search('product.product', [['template', '=', t[0].id], ACTIVE_ANY], 0, 1);
      productId = ids[0];
    }
    if (productId === undefined) return null;
    return { templateId: t[0].id, productId, uom: t[0].default_uom };
  }

  /** The product the ERP already has: by the variant id it gave before (a changed SKU), else by SKU. */
  private async productOf(sku: string, knownId?: string | null): Promise<{ templateId: number; productId: number; uom: number; code: string | null } | null> {
    const id = knownId && /^\d+$/.test(knownId) ? Number(knownId) : null;
    if (id !== null) {
      const v = await this.client.searchRead<{ id: number; template: number }>('product.product', [['id', '=', id], ACTIVE_ANY], ['id', 'template'], 0, 1);
      if (v[0]) {
        const [t] = await this.client.read<{ id: number; code: string | null; default_uom: number }>('product.template', [v[0].template], ['id', 'code', 'default_uom']);
        if (t) return { templateId: t.id, productId: v[0].id, uom: t.default_uom, code: t.code };
      }
    }
    const bySku = await this.findProduct(sku);
    return bySku ? { ...bySku, code: sku } : null;
  }

  async upsertProduct(p: ErpProductPayload, knownId?: string | null): Promise<{ templateId: number; productId: number; code: string }> {
    if (!p?.sku || !p.name) throw new Refusal('product payload without sku or name');
    const ref = await this.refData();
    const c = this.client;
    const listPrice = p.listPrice !== undefined && p.listPrice !== null ? (dec(p.listPrice), String(p.listPrice).trim()) : undefined;
    const existing = await this.productOf(p.sku, knownId);
    if (!existing) {
      const uom = this.uomFor(ref, p.unit);
      const [templateId] = await c.create('product.template', [{
        name: p.name,
        code: p.sku,
        type: p.kind === 'physical' ? 'goods' : 'service',
        default_uom: uom,
        salable: true,
        sale_uom: uom,
        list_price: tDecimal(listPrice ?? '0'),
        account_category: ref.category,
        active: p.active !== false,
        products: [['create', [{ description: p.description || null }]]],
      }]);
      const found = await this.findProduct(p.sku);
      if (!found) throw new Refusal(`Tryton created template ${templateId} for ${p.sku} but has no variant`);
      this.products.set(p.sku, { id: found.productId, uom: found.uom });
      return { templateId: templateId!, productId: found.productId, code: p.sku };
    }
    await c.write('product.template', [existing.templateId], {
      name: p.name, active: p.active !== false, ...(listPrice !== undefined ? { list_price: tDecimal(listPrice) } : {}), ...(existing.code !== p.sku ? { code: p.sku } : {}),
    });
    if (existing.code !== null && existing.code !== p.sku) this.products.delete(existing.code);
    await c.write('product.product', [existing.productId], { description: p.description || null, active: p.active !== false });
    this.products.set(p.sku, { id: existing.productId, uom: existing.uom });
    return { templateId: existing.templateId, productId: existing.productId, code: p.sku };
  }

  private async productFor(sku: string): Promise<{ id: number; uom: number }> {
    const hit = this.products.get(sku);
    if (hit) return hit;
    const p = await this.findProduct(sku);
    if (!p) throw new Refusal(`product ${sku} is not in Tryton yet (its product.created event must be synced first)`);
    const v = { id: p.productId, uom: p.uom };
    this.products.set(sku, v);
    return v;
  }

  // ---------------------------------------------------------------- invoices and credit notes
  async findInvoice(number: string): Promise<TrytonInvoiceRead | null> {
    const ref = await this.refData();
    const rows = await this.client.searchRead<TrytonInvoiceRead>('account.invoice', [['reference', '=', number], ['type', '=', 'out'], ['company', '=', ref.company]],
      ['id', 'number', 'state', 'untaxed_amount', 'tax_amount', 'total_amount', 'currency'], 0, null, [['id', 'ASC']]);
    return rows.find((r) => r.state !== 'cancelled') ?? rows[0] ?? null;
  }

  /** Compares Tryton's totals with Cadence's; returns a message on mismatch. */
  private mismatch(inv: ErpInvoicePayload, t: TrytonInvoiceRead): string | null {
    const sign = inv.kind === 'credit_note' ? -1 : 1;
    const e = minorUnits(inv.currency);
    const ours = [inv.netMinor, inv.taxMinor, inv.grossMinor].map((m) => new Decimal(sign * Math.abs(m)).div(new Decimal(10).pow(e)));
    const theirs = [t.untaxed_amount, t.tax_amount, t.total_amount].map((s) => dec(s));
    if (ours.every((o, i) => o.eq(theirs[i]!))) return null;
    const f = (d: Decimal[]) => `net ${d[0]!.toFixed(e)} / tax ${d[1]!.toFixed(e)} / total ${d[2]!.toFixed(e)}`;
    return `amounts differ for ${inv.number}: Tryton computes ${f(theirs)} ${inv.currency}, Cadence has ${f(ours)} ${inv.currency} ` +
      `(Tryton rounds tax per document, half-even)`;
  }

  /** Posts invoices, confirming the allowed warnings (one per invoice at most) like a user clicking "yes". */
  private async post(ids: number | number[]): Promise<void> {
    const list = Array.isArray(ids) ? ids : [ids];
    const allowed = this.opts.confirmWarnings ?? [/^invoice_payment_term_\d+$/];
    for (let i = 0; ; i++) {
      try {
        await this.client.model('account.invoice', 'post', list);
        return;
      } catch (e) {
        const name = e instanceof TrytonError && e.kind === 'warning' ? (e.rpcError as [string, [string]])[1][0] : null;
        if (name && i <= list.length + 1 && allowed.some((re) => re.test(name))) {
          await this.client.create('res.user.warning', [{ user: this.client.userId, name, always: false }]);
          continue;
        }
        throw e;
      }
    }
  }

  async pushInvoice(inv: ErpInvoicePayload): Promise<{ id: number; number: string | null }> {
    if (!inv?.number || !Array.isArray(inv.lines) || inv.lines.length === 0) throw new Refusal('invoice payload without number or lines');
    const c = this.client;

    const found = await this.findInvoice(inv.number);
    if (found) {
      if (found.state === 'cancelled') throw new Refusal(`${inv.number} exists in Tryton (id ${found.id}) but is cancelled there`);
      if (found.state === 'posted' || found.state === 'paid') {
        const diff = this.mismatch(inv, found);
        if (diff) throw new Refusal(`${inv.number} is already posted in Tryton as ${found.number} and ${diff}`);
        return { id: found.id, number: found.number };
      }
      // A draft from an interrupted push (created, not posted): post it if it is right, else replace it.
      await c.write('account.invoice', [found.id], { reference: inv.number }); // recomputes its taxes
      const fresh = (await this.findInvoice(inv.number))!;
      if (!this.mismatch(inv, fresh)) {
        await this.post(found.id);
        return this.readNumber(found.id);
      }
      await c.delete('account.invoice', [found.id]);
    }

    const party = await this.findParty(inv.customerNumber);
    if (!party) throw new Refusal(`customer ${inv.customerNumber} is not in Tryton yet (its customer event must be synced first)`);
    const vals = await this.invoiceValues(inv, party);
    const description = vals.description as string;
    const [id] = await c.create('account.invoice', [vals]);
    // Tryton computes the tax lines of a draft on write (over RPC no on_change runs): touch it once.
    await c.write('account.invoice', [id!], { description });
    const [created] = await c.read<TrytonInvoiceRead>('account.invoice', [id!], ['id', 'number', 'state', 'untaxed_amount', 'tax_amount', 'total_amount', 'currency']);
    const diff = this.mismatch(inv, created!);
    if (diff) {
      await c.delete('account.invoice', [id!]);
      throw new Refusal(`${diff}; the draft was removed, nothing posted`);
    }
    await this.post(id!);
    return this.readNumber(id!);
  }

  private invoiceDescription(inv: ErpInvoicePayload): string {
    return inv.kind === 'credit_note'
      ? `Credit note ${inv.number}${inv.precedingInvoiceNumber ? ` for ${inv.precedingInvoiceNumber}` : ''}`
      : `Invoice ${inv.number}`;
  }

  /** account.invoice values for a Cadence invoice (every required field set: no on_change runs over RPC). */
  private async invoiceValues(inv: ErpInvoicePayload, party: { id: number; addresses: number[] }): Promise<Record<string, unknown>> {
    const ref = await this.refData();
    let address = party.addresses[0];
    if (address === undefined) {
      [address] = await this.client.create('party.address', [{ party: party.id }]);
      party.addresses.push(address!);
    }
    const currency = await this.currencyId(inv.currency);
    const sign = inv.kind === 'credit_note' ? -1 : 1;
    const priceDigits = this.opts.priceDigits ?? 4;
    const lines: Record<string, unknown>[] = [];
    for (const l of inv.lines) {
      const product = l.productSku ? await this.productFor(l.productSku) : null;
      const qty = dec(l.quantity).abs();
      let quantity = qty;
      let unitPrice = dec(l.unitPrice).abs();
      let description = l.description;
      if (unitPrice.decimalPlaces() > priceDigits || qty.decimalPlaces() > 6) {
        // Tryton keeps 4 decimals on unit prices: push the line amount as 1 × net so the totals stay exact.
        description = `${l.description} (${qty.toString()} × ${unitPrice.toString()})`;
        quantity = new Decimal(1);
        unitPrice = new Decimal(formatMinor(Math.abs(l.netMinor), inv.currency));
      }
      // A credit line on an invoice (proration credit, repair) has a negative amount: it stays a credit in Tryton.
      const lineNegative = l.netMinor < 0 || (l.netMinor === 0 && dec(l.quantity).isNegative());
      lines.push({
        type: 'line',
        ...(product ? { product: product.id } : {}),
        description,
        quantity: (lineNegative ? -sign : sign) * quantity.toNumber(),
        unit: product ? product.uom : this.uomFor(ref, 'each'),
        unit_price: tDecimal(unitPrice.toFixed(Math.max(unitPrice.decimalPlaces(), minorUnits(inv.currency)))),
        account: ref.revenue,
        company: ref.company,
        currency,
        taxes: [['add', this.taxFor(ref, l.taxRate)]],
      });
    }
    return {
      type: 'out',
      company: ref.company,
      currency,
      journal: ref.revenueJournal,
      party: party.id,
      invoice_address: address,
      account: ref.receivable,
      ...(ref.paymentTerm !== null ? { payment_term: ref.paymentTerm } : {}),
      invoice_date: tDate(inv.issueDate),
      payment_term_date: tDate(inv.dueDate || inv.issueDate),
      reference: inv.number,
      description: this.invoiceDescription(inv),
      lines: [['create', lines]],
    };
  }

  private async readNumber(id: number): Promise<{ id: number; number: string | null }> {
    const [r] = await this.client.read<{ number: string | null; state: string }>('account.invoice', [id], ['number', 'state']);
    if (!r || (r.state !== 'posted' && r.state !== 'paid')) throw new TrytonError(`invoice ${id} is ${r?.state ?? 'missing'} after posting`, 'server', 'account.invoice.post');
    return { id, number: r.number };
  }

  // ---------------------------------------------------------------- payments
  private async paymentMethodId(ref: RefData): Promise<number> {
    const c = this.client;
    const name = this.opts.paymentMethod ?? 'Cadence';
    const ids = await c.search('account.invoice.payment.method', [['name', '=', name], ['company', '=', ref.company]], 0, 1);
    if (ids.length) return ids[0]!;
    const journal = await this.one('account.journal', [['type', '=', 'cash']], 'cash journal');
    const account = await this.one('account.account', [['company', '=', ref.company], ['name', '=', this.opts.cashAccount ?? 'Main Cash']], `account "${this.opts.cashAccount ?? 'Main Cash'}"`);
    const [id] = await c.create('account.invoice.payment.method', [{ name, company: ref.company, journal, credit_account: account, debit_account: account }]);
    return id!;
  }

  async pushPayment(p: ErpPaymentPayload): Promise<{ moveId: number }> {
    if (!p?.id || !p.invoiceNumber || !(p.amountMinor > 0)) throw new Refusal('payment payload without id, invoice number or a positive amount');
    const ref = await this.refData();
    const c = this.client;
    const description = `Cadence payment ${p.id}`;
    const done = await c.search('account.move', [['description', '=', description], ['company', '=', ref.company]], 0, 1);
    if (done.length) return { moveId: done[0]! };

    const inv = await this.findInvoice(p.invoiceNumber);
    if (!inv || inv.state === 'cancelled') throw new Refusal(`invoice ${p.invoiceNumber} is not in Tryton (sync it first)`);
    if (inv.state === 'draft' || inv.state === 'validated') throw new Refusal(`invoice ${p.invoiceNumber} is not posted in Tryton`);
    const [full] = await c.read<{ amount_to_pay: string; account: number }>('account.invoice', [inv.id], ['amount_to_pay', 'account']);
    const amount = formatMinor(p.amountMinor, p.currency);
    if (dec(amount).gt(dec(full!.amount_to_pay))) {
      throw new Refusal(`payment of ${amount} ${p.currency} exceeds what Tryton still expects for ${p.invoiceNumber} (${full!.amount_to_pay})`);
    }
    const currency = await this.currencyId(p.currency);
    const start = {
      amount: tDecimal(amount), currency, currency_digits: minorUnits(p.currency), description, company: ref.company,
      invoice_account: full!.account, payment_method: await this.paymentMethodId(ref), date: tDate(p.paidOn),
    };
    const wiz = await c.wizard('account.invoice.pay', { model: 'account.invoice', id: inv.id });
    try {
      await wiz.execute('start', {});
      const r = await wiz.execute<{ view?: unknown }>('choice', { start });
      // partial payment: the wizard asks how to treat the remainder
      if (r?.view) await wiz.execute('pay', { start, ask: { type: 'partial' } });
    } finally {
      await wiz.close();
    }
    const moves = await c.search('account.move', [['description', '=', description], ['company', '=', ref.company]], 0, 1);
    if (!moves.length) throw new TrytonError(`the pay wizard did not record ${description}`, 'server', 'wizard.account.invoice.pay');
    return { moveId: moves[0]! };
  }

  // ---------------------------------------------------------------- pull (master data into Cadence)
  /**
   * Products (product.product + its template) or parties changed since `since`, in Cadence's field names.
   * The external id is the product.product / party.party id (what a push acknowledges). Related records
   * (addresses, e-mail contact mechanisms, identifiers, templates) count as changes of their product/party.
   */
  async pull(entity: PullEntity, since?: string): Promise<PulledRecord[]> {
    await this.client.login();
    return entity === 'product' ? this.pullProducts(since) : this.pullParties(since);
  }

  private async readMany<T>(model: string, ids: number[], fields: string[], context?: Record<string, unknown>): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      if (context) out.push(...(await this.client.call<T[]>(`model.${model}.read`, () => [chunk, fields, { ...this.client.context, ...context }])));
      else out.push(...(await this.client.read<T>(model, chunk, fields)));
    }
    return out;
  }

  /** Warehouses to count stock in, or null when Tryton has no stock module. */
  private async stockWarehouses(): Promise<number[] | null> {
    if (this.warehouses !== undefined) return this.warehouses;
    try {
      const f = await this.client.model<Record<string, unknown>>('product.product', 'fields_get', ['quantity']);
      this.warehouses = 'quantity' in f ? await this.client.search('stock.location', [['type', '=', 'warehouse']]) : null;
    } catch (e) {
      if (e instanceof TrytonError && e.kind === 'network') throw e;
      this.warehouses = null;
    }
    return this.warehouses;
  }

  private async pullProducts(since?: string): Promise<PulledRecord[]> {
    const c = this.client;
    const changed = since ? [['OR', ...['write_date', 'create_date', 'template.write_date', 'template.create_date'].map((f) => [f, '>=', tDateTime(since)])]] : [];
    const ids = await c.search('product.product', [ACTIVE_ANY, ...changed, ...(this.opts.pullDomain?.product ?? [])], 0, null, [['id', 'ASC']]);
    if (ids.length === 0) return [];
    type P = { id: number; code: string | null; template: number; description: string | null; active: boolean | number; write_date: string | null; create_date: string | null };
    type T = { id: number; name: string; list_price: string | null; type: string; active: boolean | number; default_uom: number; write_date: string | null; create_date: string | null };
    const products = await this.readMany<P>('product.product', ids, ['id', 'code', 'template', 'description', 'active', 'write_date', 'create_date']);
    const templates = new Map((await this.readMany<T>('product.template', [...new Set(products.map((p) => p.template))],
      ['id', 'name', 'list_price', 'type', 'active', 'default_uom', 'write_date', 'create_date'])).map((t) => [t.id, t]));
    const currency = await this.companyCurrencyCode();
    const uomNames = new Map<number, string>();
    for (const u of await c.searchRead<{ id: number; name: string }>('product.uom', [], ['id', 'name'])) uomNames.set(u.id, u.name);
    const units = { ...DEFAULT_UNITS, ...this.opts.units };
    const unitOf = (uom: number): string | undefined => {
      const name = uomNames.get(uom);
      return name === 'Unit' ? 'each' : Object.keys(units).find((k) => units[k] === name);
    };
    const stock = new Map<number, number>();
    const goods = products.filter((p) => templates.get(p.template)?.type === 'goods').map((p) => p.id);
    const warehouses = this.opts.pullStock === false || goods.length === 0 ? null : await this.stockWarehouses();
    if (warehouses && warehouses.length) {
      for (const q of await this.readMany<{ id: number; quantity: number }>('product.product', goods, ['id', 'quantity'], { locations: warehouses, with_childs: true })) {
        stock.set(q.id, Number(q.quantity));
      }
    }
    return products.map((p): PulledRecord => {
      const t = templates.get(p.template)!;
      const data: Record<string, unknown> = {
        sku: p.code ?? '',
        name: t.name,
        description: p.description ?? '',
        active: !!p.active && !!t.active,
        price: t.list_price ?? '0',
        currency,
        kind: t.type === 'goods' ? 'physical' : 'service',
      };
      const unit = unitOf(t.default_uom);
      if (unit) data.unit = unit;
      return {
        externalId: String(p.id),
        ...(p.code ? { externalCode: p.code } : {}),
        updatedAt: latest(p.write_date, p.create_date, t.write_date, t.create_date),
        data,
        ...(stock.has(p.id) ? { stock: stock.get(p.id)! } : {}),
      };
    });
  }

  private async companyCurrencyCode(): Promise<string> {
    const company = this.client.context.company as number | undefined;
    if (!company) throw new Refusal(`the Tryton user "${this.opts.username}" has no company`);
    const [co] = await this.client.read<{ currency: number }>('company.company', [company], ['currency']);
    const [cur] = await this.client.read<{ code: string }>('currency.currency', [co!.currency], ['code']);
    return cur!.code;
  }

  private async pullParties(since?: string): Promise<PulledRecord[]> {
    const c = this.client;
    const dated = ['', 'addresses.', 'contact_mechanisms.', 'identifiers.'].flatMap((p) => [`${p}write_date`, `${p}create_date`]);
    const changed = since ? [['OR', ...dated.map((f) => [f, '>=', tDateTime(since)])]] : [];
    const ids = await c.search('party.party', [ACTIVE_ANY, ...changed, ...(this.opts.pullDomain?.customer ?? [])], 0, null, [['id', 'ASC']]);
    if (ids.length === 0) return [];
    type Party = { id: number; code: string | null; name: string; active: boolean | number; addresses: number[]; contact_mechanisms: number[]; identifiers: number[]; write_date: string | null; create_date: string | null };
    type Addr = { id: number; street: string | null; city: string | null; postal_code: string | null; country: number | null; active: boolean | number; write_date: string | null; create_date: string | null };
    type Mech = { id: number; type: string; value: string | null; active: boolean | number; write_date: string | null; create_date: string | null };
    type Ident = { id: number; type: string | null; code: string; write_date: string | null; create_date: string | null };
    const parties = await this.readMany<Party>('party.party', ids, ['id', 'code', 'name', 'active', 'addresses', 'contact_mechanisms', 'identifiers', 'write_date', 'create_date']);
    const dates = ['write_date', 'create_date'];
    const addrs = new Map((await this.readMany<Addr>('party.address', parties.flatMap((p) => p.addresses), ['id', 'street', 'city', 'postal_code', 'country', 'active', ...dates])).map((a) => [a.id, a]));
    const mechs = new Map((await this.readMany<Mech>('party.contact_mechanism', parties.flatMap((p) => p.contact_mechanisms), ['id', 'type', 'value', 'active', ...dates])).map((m) => [m.id, m]));
    const idents = new Map((await this.readMany<Ident>('party.identifier', parties.flatMap((p) => p.identifiers), ['id', 'type', 'code', ...dates])).map((i) => [i.id, i]));
    const countryIds = [...new Set([...addrs.values()].map((a) => a.country).filter((x): x is number => x !== null))];
    const countryCode = new Map((countryIds.length ? await this.readMany<{ id: number; code: string }>('country.country', countryIds, ['id', 'code']) : []).map((x) => [x.id, x.code]));
    return parties.map((p): PulledRecord => {
      const pa = p.addresses.map((id) => addrs.get(id)).filter((a): a is Addr => !!a);
      const a = pa.find((x) => !!x.active) ?? pa[0];
      const pm = p.contact_mechanisms.map((id) => mechs.get(id)).filter((m): m is Mech => !!m);
      const email = pm.find((m) => m.type === 'email' && !!m.active && m.value) ?? pm.find((m) => m.type === 'email' && m.value);
      const pi = p.identifiers.map((id) => idents.get(id)).filter((i): i is Ident => !!i);
      const vat = pi.find((i) => i.type === 'eu_vat') ?? pi.find((i) => i.type === null);
      const vatId = vat ? vat.code.replace(/[\s.-]/g, '').toUpperCase() : null;
      const vatCountry = vatId && /^[A-Z]{2}/.test(vatId) ? (vatId.slice(0, 2) === 'EL' ? 'GR' : vatId.slice(0, 2)) : undefined;
      const country = (a?.country ? countryCode.get(a.country) : undefined) ?? vatCountry;
      const data: Record<string, unknown> = { name: p.name, vatId };
      if (p.code) data.number = p.code;
      if (email) data.email = email.value;
      if (country) data.country = country;
      if (a) {
        const [line1, ...rest] = (a.street ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
        // a Cadence address needs a street, a city and a country: an incomplete Tryton address is left alone
        if (line1 && a.city && country) {
          data.billingAddress = { line1, line2: rest.join(', '), city: a.city, postalCode: a.postal_code ?? '', region: '', country };
        }
      }
      return {
        externalId: String(p.id),
        ...(p.code ? { externalCode: p.code } : {}),
        updatedAt: latest(p.write_date, p.create_date, ...pa.flatMap((x) => [x.write_date, x.create_date]), ...pm.flatMap((x) => [x.write_date, x.create_date]), ...pi.flatMap((x) => [x.write_date, x.create_date])),
        data,
      };
    });
  }
}

/** The latest of some ISO timestamps (Tryton leaves write_date empty until the first write). */
function latest(...isos: (string | null | undefined)[]): string {
  return isos.filter((x): x is string => !!x).sort().at(-1) ?? '';
}

/** Tryton datetime (UTC, as Tryton stores it) from an ISO timestamp. */
function tDateTime(iso: string): Record<string, unknown> {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`not a timestamp: ${iso}`);
  return {
    __class__: 'datetime', year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), microsecond: d.getUTCMilliseconds() * 1000,
  };
}
