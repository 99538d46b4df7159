/**
 * The Tryton connector against a real Tryton 6.0 (../shared/erp-tryton). Skips with a printed reason when the
 * shared folder is missing or Tryton cannot start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type BetterSqlite3 from 'better-sqlite3';
import { ManualClock } from '../../../main/platform/clock';
import type { OutboxRow } from '../../../main/db/entities';
import type { Connector, PushResult } from '../../../main/sync/connector';
import { TrytonConnector } from '../../../main/sync/connectors/tryton';
import { TrytonClient, TrytonError, tDate, tDecimal } from '../../../main/sync/connectors/tryton-rpc';
import { enqueueOutbox, getExternalRef } from '../../../main/sync/outbox';
import type { ErpCustomerPayload, ErpInvoicePayload, ErpPaymentPayload, ErpProductPayload } from '../../../main/sync/payloads';
import { OutboxSender } from '../../../main/sync/sender';
import { openSyncTestDb, type SyncTestDb } from '../../unit/sync/db';
import { releaseTryton, startTryton, TRYTON } from './tryton-env';

let skipReason: string | null = null;
let erp: TrytonClient;
const STAMP = Date.now().toString(36).toUpperCase();
const T0 = new Date();
const TODAY = T0.toISOString().slice(0, 10);

beforeAll(async () => {
  skipReason = await startTryton();
  if (skipReason) {
    console.warn(skipReason);
    return;
  }
  erp = new TrytonClient(TRYTON);
  await erp.login();
}, 900_000);
afterAll(async () => {
  await erp?.logout();
  releaseTryton();
});

function needTryton(ctx: { skip: (note?: string) => void }): void {
  if (skipReason) {
    console.warn(`skipped: ${skipReason.split('\n')[0]}`);
    ctx.skip();
  }
}

const customer = (n: number, over: Partial<ErpCustomerPayload> = {}): ErpCustomerPayload => ({
  id: `0193a000-0000-7000-8000-${String(n).padStart(12, '0')}`,
  number: `C-${STAMP}-${n}`,
  name: `Kunde ${n} GmbH`,
  vatId: n % 2 === 1 ? 'DE136695976' : null,
  country: 'DE',
  currency: 'EUR',
  email: `billing${n}@kunde${n}.example`,
  contacts: [],
  billingAddress: { line1: `Hauptstr. ${n}`, line2: '', city: 'Berlin', postalCode: '10115', region: '', country: 'DE' },
  paymentTermsDays: 14,
  taxStatus: 'taxable',
  parentId: null,
  tags: [],
  notes: '',
  status: 'active',
  version: 1,
  createdAt: T0.toISOString(),
  updatedAt: T0.toISOString(),
  ...over,
});

const product = (code: string, over: Partial<ErpProductPayload> = {}): ErpProductPayload => ({
  id: `0193a000-0000-7000-9000-${code.padStart(12, '0').slice(-12)}`,
  sku: `SKU-${STAMP}-${code}`,
  name: `Plan ${code}`,
  description: `The ${code} plan`,
  unit: 'each',
  taxCategory: 'standard',
  kind: 'service',
  active: true,
  version: 1,
  createdAt: T0.toISOString(),
  updatedAt: T0.toISOString(),
  listPrice: '29.00',
  ...over,
});

/** 1 × 29.00 + 3 × 5.50 = 45.50 net; 19 % = 8.645 → 8.64 (half-even per document) → 54.14. */
const invoice = (n: string, customerNo: number, over: Partial<ErpInvoicePayload> = {}): ErpInvoicePayload => ({
  id: `0193a000-0000-7000-a000-${n.padStart(12, '0').slice(-12)}`,
  number: `INV-${STAMP}-${n}`,
  kind: 'invoice',
  customerId: customer(customerNo).id,
  customerNumber: customer(customerNo).number,
  currency: 'EUR',
  issueDate: TODAY,
  dueDate: TODAY,
  lines: [
    { description: 'Pro plan (monthly)', productSku: product('PRO').sku, quantity: '1', unitPrice: '29.00', netMinor: 2900, taxRate: '19', taxCategory: 'standard' },
    { description: 'Extra seats', productSku: product('SEAT').sku, quantity: '3', unitPrice: '5.50', netMinor: 1650, taxRate: '19', taxCategory: 'standard' },
  ],
  netMinor: 4550,
  taxMinor: 864,
  grossMinor: 5414,
  ...over,
});

function enqueue(raw: BetterSqlite3.Database, clock: ManualClock, aggregateType: string, aggregateId: string, eventType: string, payload: unknown): OutboxRow {
  clock.advanceMs(1);
  return enqueueOutbox(raw, clock.now().toISOString(), { aggregateType, aggregateId, eventType, payload });
}

async function pushAll(sender: OutboxSender, clock: ManualClock) {
  const total = { sent: 0, parked: 0, failed: 0 };
  for (let i = 0; i < 20; i++) {
    const s = await sender.pushOnce();
    total.sent += s.sent;
    total.parked += s.parked;
    total.failed += s.failed;
    if (s.pending === s.blocked) return { ...total, last: s };
    clock.advanceMs(60_000);
  }
  throw new Error('outbox did not drain');
}

interface InvRead { id: number; number: string; state: string; untaxed_amount: string; tax_amount: string; total_amount: string; reference: string; party: number; invoice_date: string; amount_to_pay: string }
const INV_FIELDS = ['id', 'number', 'state', 'untaxed_amount', 'tax_amount', 'total_amount', 'reference', 'party', 'invoice_date', 'amount_to_pay'];

describe('Tryton connector (real Tryton 6.0)', () => {
  let db: SyncTestDb;
  beforeAll(async () => {
    db = await openSyncTestDb();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('pushes customers, products, an invoice, a credit note and a payment; amounts and taxes match', async (ctx) => {
    needTryton(ctx);
    const { raw } = db;
    const clock = new ManualClock(T0);
    const c1 = customer(1);
    const c2 = customer(2);
    enqueue(raw, clock, 'customer', c1.id, 'customer.created', c1);
    enqueue(raw, clock, 'customer', c2.id, 'customer.created', c2);
    const pPro = product('PRO');
    const pSeat = product('SEAT', { name: 'Seat', unit: 'seat', listPrice: '5.50' });
    enqueue(raw, clock, 'product', pPro.id, 'product.created', pPro);
    enqueue(raw, clock, 'product', pSeat.id, 'product.created', pSeat);
    const c1b = customer(1, { name: 'Kunde 1 AG', email: 'ap@kunde1.example', version: 2, billingAddress: { line1: 'Neue Str. 5', line2: 'Aufgang B', city: 'Hamburg', postalCode: '20095', region: '', country: 'DE' } });
    enqueue(raw, clock, 'customer', c1.id, 'customer.updated', c1b);
    const inv = invoice('0001', 1);
    enqueue(raw, clock, 'invoice', inv.id, 'invoice.finalized', inv);
    const cn: ErpInvoicePayload = {
      ...invoice('0002', 1), kind: 'credit_note', number: `CN-${STAMP}-0002`, precedingInvoiceNumber: inv.number,
      lines: [{ description: 'Pro plan refund', productSku: pPro.sku, quantity: '1', unitPrice: '29.00', netMinor: 2900, taxRate: '19', taxCategory: 'standard' }],
      netMinor: 2900, taxMinor: 551, grossMinor: 3451,
    };
    enqueue(raw, clock, 'credit_note', cn.id, 'credit_note.finalized', cn);
    const pay: ErpPaymentPayload = {
      id: `0193a000-0000-7000-b000-${STAMP.slice(-8).padStart(12, '0')}`, invoiceId: inv.id, invoiceNumber: inv.number, customerId: c1.id,
      customerNumber: c1.number, currency: 'EUR', amountMinor: 2000, paidOn: TODAY, method: 'bank_transfer', reference: 'SEPA-1',
    };
    enqueue(raw, clock, 'payment', pay.id, 'payment.recorded', pay);
    const pay2: ErpPaymentPayload = { ...pay, id: pay.id.replace('-b000-', '-b001-'), amountMinor: 3414, reference: 'SEPA-2' };
    enqueue(raw, clock, 'payment', pay2.id, 'payment.recorded', pay2);
    enqueue(raw, clock, 'plan', 'plan-1', 'plan.created', { code: 'x' }); // ignored by configuration

    const erpNumbers: Record<string, string> = {};
    const sender = new OutboxSender({
      raw, clock, connector: new TrytonConnector({ ...TRYTON }),
      onAck: ({ row, ack }) => { if (ack.externalNumber && (row.aggregateType === 'invoice' || row.aggregateType === 'credit_note')) erpNumbers[row.aggregateId] = ack.externalNumber; },
    });
    const r = await pushAll(sender, clock);
    expect(sender.status().parked).toEqual([]);
    expect(r).toMatchObject({ sent: 10, parked: 0 });

    // customers
    const parties = await erp.searchRead<{ id: number; name: string; code: string; email: string; addresses: number[]; identifiers: number[] }>('party.party',
      [['code', 'in', [c1.number, c2.number]]], ['id', 'name', 'code', 'email', 'addresses', 'identifiers'], 0, null, [['code', 'ASC']]);
    expect(parties.map((p) => [p.code, p.name, p.email])).toEqual([[c1.number, 'Kunde 1 AG', 'ap@kunde1.example'], [c2.number, 'Kunde 2 GmbH', 'billing2@kunde2.example']]);
    const [addr] = await erp.read<{ street: string; city: string; postal_code: string }>('party.address', [parties[0]!.addresses[0]!], ['street', 'city', 'postal_code']);
    expect(addr).toMatchObject({ street: 'Neue Str. 5\nAufgang B', city: 'Hamburg', postal_code: '20095' });
    expect(parties[0]!.addresses).toHaveLength(1);
    const idents = await erp.read<{ type: string; code: string }>('party.identifier', parties[0]!.identifiers, ['type', 'code']);
    expect(idents).toEqual([expect.objectContaining({ type: 'eu_vat', code: 'DE136695976' })]);
    expect(parties[1]!.identifiers).toEqual([]);
    expect(getExternalRef(raw, 'customer', c1.id, 'tryton')).toMatchObject({ externalId: String(parties[0]!.id), externalNumber: c1.number });

    // products
    const prods = await erp.searchRead<{ id: number; code: string; list_price: string; template: number }>('product.product', [['code', 'in', [pPro.sku, pSeat.sku]]], ['id', 'code', 'list_price', 'template'], 0, null, [['code', 'ASC']]);
    expect(prods.map((p) => [p.code, p.list_price])).toEqual([[pPro.sku, '29.00'], [pSeat.sku, '5.50']]);
    expect(getExternalRef(raw, 'product', pPro.id, 'tryton')?.externalId).toBe(String(prods[0]!.id));

    // invoice: amounts and tax as Cadence computed them, paid by two payments
    const [ti] = await erp.searchRead<InvRead>('account.invoice', [['reference', '=', inv.number]], INV_FIELDS);
    expect(ti).toMatchObject({ untaxed_amount: '45.50', tax_amount: '8.64', total_amount: '54.14', state: 'paid', amount_to_pay: '0', party: parties[0]!.id, invoice_date: TODAY });
    expect(ti!.number).toMatch(/^INV\/\d{4}\/\d{4}$/);
    expect(erpNumbers[inv.id]).toBe(ti!.number);
    expect(getExternalRef(raw, 'invoice', inv.id, 'tryton')).toMatchObject({ externalId: String(ti!.id), externalNumber: ti!.number });
    const taxes = await erp.searchRead<{ tax: number; base: string; amount: string }>('account.invoice.tax', [['invoice', '=', ti!.id]], ['tax', 'base', 'amount']);
    const [vat19] = await erp.searchRead<{ id: number; rate: string }>('account.tax', [['name', '=', 'VAT 19%']], ['id', 'rate']);
    expect(taxes).toEqual([expect.objectContaining({ tax: vat19!.id, base: '45.50', amount: '8.64' })]);
    const lines = await erp.searchRead<{ quantity: number; unit_price: string; amount: string; product: number }>('account.invoice.line', [['invoice', '=', ti!.id]], ['quantity', 'unit_price', 'amount', 'product'], 0, null, [['id', 'ASC']]);
    expect(lines.map((l) => [l.quantity, l.unit_price, l.amount, l.product])).toEqual([[1, '29.00', '29.00', prods[0]!.id], [3, '5.50', '16.50', prods[1]!.id]]);

    // credit note: a negative out invoice
    const [tc] = await erp.searchRead<InvRead>('account.invoice', [['reference', '=', cn.number]], INV_FIELDS);
    expect(tc).toMatchObject({ untaxed_amount: '-29.00', tax_amount: '-5.51', total_amount: '-34.51', state: 'posted' });
    expect(erpNumbers[cn.id]).toBe(tc!.number);

    // payments: one move each, found again by description
    const moves = await erp.searchRead<{ id: number; origin: string }>('account.move', [['description', 'in', [`Cadence payment ${pay.id}`, `Cadence payment ${pay2.id}`]]], ['id', 'origin']);
    expect(moves.map((m) => m.origin)).toEqual([`account.invoice,${ti!.id}`, `account.invoice,${ti!.id}`]);

    // pushing everything again (as after a lost acknowledgement) changes nothing in Tryton
    const again = new TrytonConnector({ ...TRYTON });
    const rows = (raw.prepare(`SELECT * FROM outbox ORDER BY id`).all() as { id: string }[]).map((x) => x.id);
    expect(rows.length).toBe(10);
    const replay = await again.push((raw.prepare(`SELECT * FROM outbox WHERE aggregate_type IN ('invoice','credit_note','payment','customer') ORDER BY id`).all() as Record<string, unknown>[]).map((x) => ({
      id: String(x.id), idempotencyKey: String(x.idempotency_key), aggregateType: String(x.aggregate_type), aggregateId: String(x.aggregate_id), aggregateSeq: Number(x.aggregate_seq),
      eventType: String(x.event_type), payload: JSON.parse(String(x.payload)), status: 'pending', attempts: 0, nextAttemptAt: null, lastError: null, createdAt: String(x.created_at), sentAt: null,
    })));
    expect(replay.map((x) => x.kind)).toEqual(Array(replay.length).fill('ack'));
    expect(await erp.search('account.invoice', [['reference', 'in', [inv.number, cn.number]]])).toHaveLength(2);
    expect(await erp.search('account.move', [['description', 'in', [`Cadence payment ${pay.id}`, `Cadence payment ${pay2.id}`]]])).toHaveLength(2);
    expect(await erp.search('party.party', [['code', 'in', [c1.number, c2.number]]])).toHaveLength(2);
    await again.close();
  }, 120_000);

  it('parks an invoice whose totals differ from Tryton\'s (half-up tax) and one with an unknown tax rate; retry with a fixed payload posts it', async (ctx) => {
    needTryton(ctx);
    const { raw } = db;
    const clock = new ManualClock(T0);
    const wrong = invoice('0101', 2, { taxMinor: 865, grossMinor: 5415 }); // 8.645 rounded half-up
    const r1 = enqueue(raw, clock, 'invoice', wrong.id, 'invoice.finalized', wrong);
    const seven = invoice('0102', 2, { lines: [{ description: 'Book', productSku: null, quantity: '1', unitPrice: '10.00', netMinor: 1000, taxRate: '7', taxCategory: 'reduced' }], netMinor: 1000, taxMinor: 70, grossMinor: 1070 });
    const r2 = enqueue(raw, clock, 'invoice', seven.id, 'invoice.finalized', seven);
    const sender = new OutboxSender({ raw, clock, connector: new TrytonConnector({ ...TRYTON }) });
    const s = await pushAll(sender, clock);
    expect(s.parked).toBe(2);
    const parked = Object.fromEntries(sender.status().parked.map((p) => [p.id, p.erpMessage]));
    expect(parked[r1.id]).toBe(`amounts differ for ${wrong.number}: Tryton computes net 45.50 / tax 8.64 / total 54.14 EUR, Cadence has net 45.50 / tax 8.65 / total 54.15 EUR (Tryton rounds tax per document, half-even); the draft was removed, nothing posted`);
    expect(parked[r2.id]).toMatch(/^Tryton has no percentage tax with rate 7% \(found: .*19%.*\)$/);
    expect(await erp.search('account.invoice', [['reference', 'in', [wrong.number, seven.number]]])).toEqual([]);

    await sender.retry(r1.id, { payload: { ...wrong, taxMinor: 864, grossMinor: 5414 }, actor: 'test', reason: 'half-even' });
    await sender.skip(r2.id, { actor: 'test', reason: 'no 7% tax in this ERP' });
    const s2 = await pushAll(sender, clock);
    expect(s2).toMatchObject({ sent: 1, parked: 0 });
    const [ti] = await erp.searchRead<InvRead>('account.invoice', [['reference', '=', wrong.number]], INV_FIELDS);
    expect(ti).toMatchObject({ state: 'posted', total_amount: '54.14', tax_amount: '8.64' });
  }, 120_000);

  it('a customer renumbered in Cadence and a product whose SKU changed update the same party and template', async (ctx) => {
    needTryton(ctx);
    const { raw } = db;
    const clock = new ManualClock(T0);
    const sender = new OutboxSender({ raw, connector: new TrytonConnector({ ...TRYTON }), clock, random: () => 0 });
    const c = customer(31);
    enqueue(raw, clock, 'customer', c.id, 'customer.created', c);
    const p = product('RENAME');
    enqueue(raw, clock, 'product', p.id, 'product.created', p);
    expect((await sender.pushOnce({ force: true })).sent).toBe(2);
    const partyId = getExternalRef(raw, 'customer', c.id, 'tryton')!.externalId;
    const variantId = getExternalRef(raw, 'product', p.id, 'tryton')!.externalId;
    const c2 = customer(31, { number: `C-${STAMP}-31-NEW`, version: 2 });
    enqueue(raw, clock, 'customer', c.id, 'customer.updated', c2);
    const p2 = product('RENAME', { sku: `SKU-${STAMP}-RENAMED`, version: 2 });
    enqueue(raw, clock, 'product', p.id, 'product.updated', p2);
    expect((await sender.pushOnce({ force: true })).sent).toBe(2);
    const parties = await erp.searchRead<{ id: number; code: string }>('party.party', [['code', 'in', [c.number, c2.number]], ['active', 'in', [true, false]]], ['id', 'code']);
    expect(parties).toEqual([{ id: Number(partyId), code: c2.number }]);
    expect(getExternalRef(raw, 'customer', c.id, 'tryton')!.externalId).toBe(partyId);
    const templates = await erp.searchRead<{ id: number; code: string; products: number[] }>('product.template', [['code', 'in', [p.sku, p2.sku]], ['active', 'in', [true, false]]], ['id', 'code', 'products']);
    expect(templates.map((t) => [t.code, t.products])).toEqual([[p2.sku, [Number(variantId)]]]);
    expect(getExternalRef(raw, 'product', p.id, 'tryton')!.externalId).toBe(variantId);
  });

  it('a sender killed mid-batch (and a draft left by a crash) never duplicates anything after a restart', async (ctx) => {
    needTryton(ctx);
    const { raw } = db;
    const clock = new ManualClock(T0);
    const before = (raw.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE status='done'`).get() as { n: number }).n;
    const custs = [11, 12, 13].map((n) => customer(n));
    for (const c of custs) enqueue(raw, clock, 'customer', c.id, 'customer.created', c);
    const invs = ['0201', '0202', '0203', '0204', '0205'].map((n, i) => invoice(n, 11 + (i % 3)));
    for (const i of invs) enqueue(raw, clock, 'invoice', i.id, 'invoice.finalized', i);

    // A crash between create and post left a draft for 0204 in Tryton.
    const [party] = await erp.searchRead<{ id: number; addresses: number[] }>('party.party', [['code', '=', customer(12).number]], ['id', 'addresses']);
    expect(party).toBeUndefined(); // not yet pushed: create the party the way the connector would, then the draft
    const helper = new TrytonConnector({ ...TRYTON });
    await helper.upsertParty(customer(12));
    const p12 = (await helper.findParty(customer(12).number))!;
    const [prod] = await erp.searchRead<{ id: number }>('product.product', [['code', '=', product('PRO').sku]], ['id']);
    const [draftId] = await erp.create('account.invoice', [{
      type: 'out', company: erp.context.company, currency: 1, journal: 1, party: p12.id, invoice_address: p12.addresses[0], account: 5, invoice_date: tDate(TODAY),
      reference: invs[3]!.number, lines: [['create', [
        { type: 'line', product: prod!.id, description: 'Pro plan (monthly)', quantity: 1, unit: 1, unit_price: tDecimal('29.00'), account: 6, company: erp.context.company, currency: 1, taxes: [['add', [1]]] },
        { type: 'line', description: 'Extra seats', quantity: 3, unit: 1, unit_price: tDecimal('5.50'), account: 6, company: erp.context.company, currency: 1, taxes: [['add', [1]]] },
      ]]],
    }]);

    // First sender: the process dies after 4 rows of the first batch reached Tryton.
    class Killed implements Connector {
      name = 'tryton';
      maxBatch = 10;
      constructor(private real: TrytonConnector, private after: number) {}
      ping() { return this.real.ping(); }
      async push(rows: OutboxRow[]): Promise<PushResult[]> {
        for (const [i, row] of rows.entries()) {
          if (i === this.after) throw new Error('process killed');
          await this.real.pushRow(row);
        }
        return [];
      }
    }
    const first = new OutboxSender({ raw, clock, connector: new Killed(new TrytonConnector({ ...TRYTON }), 4), backoff: { baseMs: 1000, maxMs: 1000 } });
    const s1 = await first.pushOnce();
    expect(s1).toMatchObject({ sent: 0, failed: 8 });

    // Restart: a new connector and sender on the same store, one minute later.
    clock.advanceMs(60_000);
    const second = new OutboxSender({ raw, clock, connector: new TrytonConnector({ ...TRYTON }) });
    const s2 = await pushAll(second, clock);
    expect(s2).toMatchObject({ sent: 8, parked: 0 });
    expect((raw.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE status='done'`).get() as { n: number }).n).toBe(before + 8);

    for (const c of custs) expect(await erp.search('party.party', [['code', '=', c.number]])).toHaveLength(1);
    const found = await erp.searchRead<InvRead>('account.invoice', [['reference', 'in', invs.map((i) => i.number)]], INV_FIELDS, 0, null, [['reference', 'ASC']]);
    expect(found.map((f) => f.reference)).toEqual(invs.map((i) => i.number));
    expect(found.every((f) => f.state === 'posted' && f.total_amount === '54.14' && f.tax_amount === '8.64')).toBe(true);
    expect(found.find((f) => f.reference === invs[3]!.number)!.id).toBe(draftId); // the crashed draft was posted, not duplicated
    expect(new Set(found.map((f) => f.number)).size).toBe(5);
    for (const i of invs) expect(getExternalRef(raw, 'invoice', i.id, 'tryton')?.externalNumber).toBe(found.find((f) => f.reference === i.number)!.number);

    // Second crash, inside the bulk path: three invoices created as drafts in one call, the process dies at "post".
    const more = ['0301', '0302', '0303'].map((n, i) => invoice(n, 11 + i));
    for (const i of more) enqueue(raw, clock, 'invoice', i.id, 'invoice.finalized', i);
    const dying = new TrytonConnector({ ...TRYTON });
    const model = dying.client.model.bind(dying.client);
    dying.client.model = (<T>(m: string, method: string, ...args: unknown[]) =>
      method === 'post' ? Promise.reject(new TrytonError('account.invoice.post: socket hang up (process killed)', 'network', 'model.account.invoice.post')) : model<T>(m, method, ...args)) as typeof dying.client.model;
    const third = new OutboxSender({ raw, clock, connector: dying });
    expect(await third.pushOnce()).toMatchObject({ sent: 0, failed: 3 });
    const drafts = await erp.searchRead<InvRead>('account.invoice', [['reference', 'in', more.map((i) => i.number)]], INV_FIELDS);
    expect(drafts.map((d) => d.state)).toEqual(['draft', 'draft', 'draft']);
    clock.advanceMs(3_600_000);
    const fourth = new OutboxSender({ raw, clock, connector: new TrytonConnector({ ...TRYTON }) });
    expect(await pushAll(fourth, clock)).toMatchObject({ sent: 3, parked: 0 });
    const posted = await erp.searchRead<InvRead>('account.invoice', [['reference', 'in', more.map((i) => i.number)]], INV_FIELDS);
    expect(posted.map((d) => d.id).sort()).toEqual(drafts.map((d) => d.id).sort());
    expect(posted.every((d) => d.state === 'posted' && d.total_amount === '54.14')).toBe(true);
    await helper.close();
  }, 180_000);
});
