/**
 * Generated invoice documents for the export tests and the export bench.
 * `makeDocument` is a tiny stand-in for the billing engine: it computes line nets, the VAT
 * breakdown (per rate, rounded once per document) and the totals from simple specs.
 */
import { Decimal, dec, minorUnits } from '../../../shared/domain/money';
import {
  lineNetMinor,
  taxGroupKey,
  type DocumentAllowanceCharge,
  type DocumentBuyer,
  type DocumentKind,
  type DocumentLine,
  type DocumentParty,
  type InvoiceDocument,
  type TaxBreakdownEntry,
  type TaxCategoryCode,
} from '../../../shared/domain/documents';

export const SELLER: DocumentParty = {
  legalName: 'Cadence Demo GmbH',
  address: { line1: 'Friedrichstraße 123', line2: '3. OG', city: 'Berlin', postalCode: '10117', country: 'DE' },
  vatId: 'DE123456789',
  registrationNumber: 'HRB 123456 B',
  contactName: 'Accounts Receivable',
  email: 'billing@cadence-demo.example',
  phone: '+49 30 1234567',
  iban: 'DE89 3704 0044 0532 0130 00',
  bic: 'COBADEFFXXX',
  bankName: 'Commerzbank',
  endpointId: { scheme: '9930', id: 'DE123456789' },
};

export const BUYER_DE: DocumentBuyer = {
  legalName: 'Müller & Söhne Maschinenbau AG',
  address: { line1: 'Industriestraße 7', city: 'München', postalCode: '80331', country: 'DE' },
  vatId: 'DE987654321',
  registrationNumber: 'HRB 98765',
  email: 'invoices@mueller-soehne.example',
  customerNumber: 'C-10042',
  endpointId: { scheme: '9930', id: 'DE987654321' },
};

export const BUYER_FR: DocumentBuyer = {
  legalName: 'Société Exemple SARL',
  address: { line1: '12 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' },
  vatId: 'FR12345678901',
  email: 'compta@exemple.example',
  customerNumber: 'C-20007',
  endpointId: { scheme: '0009', id: '12345678200011' },
};

export const BUYER_AT: DocumentBuyer = {
  legalName: 'Alpen Handels GmbH',
  address: { line1: 'Mariahilfer Straße 1', city: 'Wien', postalCode: '1060', country: 'AT' },
  vatId: 'ATU12345678',
  customerNumber: 'C-30001',
  endpointId: { scheme: '9914', id: 'ATU12345678' },
};

export const BUYER_US: DocumentBuyer = {
  legalName: 'Acme Analytics Inc.',
  address: { line1: '500 Market Street', line2: 'Suite 200', city: 'San Francisco', postalCode: '94105', country: 'US' },
  email: 'ap@acme-analytics.example',
  customerNumber: 'C-40011',
  iban: 'DE02 1203 0000 0000 2020 51',
};

export const BUYER_JP: DocumentBuyer = {
  legalName: 'Sakura Systems K.K.',
  address: { line1: '1-1 Marunouchi', city: 'Chiyoda-ku, Tokyo', postalCode: '100-0005', country: 'JP' },
  email: 'keiri@sakura-systems.example',
  customerNumber: 'C-50003',
};

export interface LineSpec {
  description: string;
  quantity: string;
  unitPrice: string;
  unitCode?: string;
  sku?: string;
  discountMinor?: number;
  discountReason?: string;
  periodStart?: string;
  periodEnd?: string;
  taxCategory?: TaxCategoryCode;
  taxRate?: string;
}

export interface DocSpec {
  kind?: DocumentKind;
  number: string;
  issueDate?: string;
  dueDate?: string | null;
  currency?: string;
  seller?: DocumentParty;
  buyer?: DocumentBuyer;
  buyerReference?: string;
  orderReference?: string;
  precedingInvoice?: { number: string; issueDate: string };
  servicePeriod?: { start: string; end: string };
  deliveryDate?: string;
  lines: LineSpec[];
  allowanceCharges?: DocumentAllowanceCharge[];
  exemptions?: Partial<Record<TaxCategoryCode, { reason?: string; code?: string }>>;
  paidMinor?: number;
  paymentTerms?: string;
  notes?: string[];
}

/** Builds a consistent document: nets, VAT per (category, rate) rounded half-up once, totals. */
export function makeDocument(spec: DocSpec): InvoiceDocument {
  const currency = spec.currency ?? 'EUR';
  const lines: DocumentLine[] = spec.lines.map((l, i) => {
    const line: DocumentLine = {
      id: String(i + 1),
      description: l.description,
      productSku: l.sku,
      quantity: l.quantity,
      unitCode: l.unitCode ?? 'C62',
      unitPrice: l.unitPrice,
      discountMinor: l.discountMinor,
      discountReason: l.discountReason,
      netAmountMinor: 0,
      periodStart: l.periodStart,
      periodEnd: l.periodEnd,
      taxCategory: l.taxCategory ?? 'S',
      taxRate: l.taxRate ?? (l.taxCategory && l.taxCategory !== 'S' ? '0' : '19'),
    };
    line.netAmountMinor = lineNetMinor(line, currency);
    return line;
  });
  const acs = spec.allowanceCharges ?? [];
  const groups = new Map<string, { category: TaxCategoryCode; rate: string; basis: number }>();
  const add = (category: TaxCategoryCode, rate: string, amount: number) => {
    const k = taxGroupKey(category, rate);
    const g = groups.get(k) ?? { category, rate, basis: 0 };
    g.basis += amount;
    groups.set(k, g);
  };
  for (const l of lines) add(l.taxCategory, l.taxRate, l.netAmountMinor);
  for (const a of acs) add(a.taxCategory, a.taxRate, a.isCharge ? a.amountMinor : -a.amountMinor);
  const taxBreakdown: TaxBreakdownEntry[] = [...groups.values()].map((g) => {
    const ex = spec.exemptions?.[g.category];
    return {
      category: g.category,
      rate: g.rate,
      taxableMinor: g.basis,
      taxMinor: new Decimal(g.basis).times(dec(g.rate)).div(100).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber(),
      ...(ex?.reason ? { exemptionReason: ex.reason } : {}),
      ...(ex?.code ? { exemptionReasonCode: ex.code } : {}),
    };
  });
  const lineTotal = lines.reduce((s, l) => s + l.netAmountMinor, 0);
  const allowanceTotal = acs.filter((a) => !a.isCharge).reduce((s, a) => s + a.amountMinor, 0);
  const chargeTotal = acs.filter((a) => a.isCharge).reduce((s, a) => s + a.amountMinor, 0);
  const net = lineTotal - allowanceTotal + chargeTotal;
  const tax = taxBreakdown.reduce((s, t) => s + t.taxMinor, 0);
  const gross = net + tax;
  const paid = spec.paidMinor ?? 0;
  const issueDate = spec.issueDate ?? '2025-07-01';
  return {
    kind: spec.kind ?? 'invoice',
    number: spec.number,
    issueDate,
    dueDate: spec.dueDate === null ? undefined : (spec.dueDate ?? '2025-07-31'),
    currency,
    seller: spec.seller ?? SELLER,
    buyer: spec.buyer ?? BUYER_DE,
    buyerReference: spec.buyerReference ?? 'PO-4711',
    orderReference: spec.orderReference,
    precedingInvoice: spec.precedingInvoice,
    servicePeriod: spec.servicePeriod,
    deliveryDate: spec.deliveryDate,
    lines,
    allowanceCharges: acs,
    taxBreakdown,
    totals: {
      lineTotalMinor: lineTotal,
      allowanceTotalMinor: allowanceTotal,
      chargeTotalMinor: chargeTotal,
      netMinor: net,
      taxMinor: tax,
      grossMinor: gross,
      paidMinor: paid,
      payableMinor: gross - paid,
    },
    paymentTerms: spec.paymentTerms ?? 'Payable within 30 days of the invoice date without deduction.',
    notes: spec.notes ?? [],
  };
}

const JUNE = { periodStart: '2025-06-01', periodEnd: '2025-06-30' };

/** The hand-picked scenarios (each one exercises a rule of EN 16931). */
export function scenarioDocuments(): Record<string, InvoiceDocument> {
  return {
    /** Domestic, 19% and 7%, line discount, document-level allowance and charge, service periods. */
    domestic: makeDocument({
      number: 'INV-2025-0001',
      orderReference: 'PO-2025-881',
      servicePeriod: { start: '2025-06-01', end: '2025-06-30' },
      lines: [
        { description: 'Cadence Business plan (monthly)', sku: 'PLAN-BIZ', quantity: '1', unitCode: 'MON', unitPrice: '499.00', ...JUNE },
        { description: 'Additional seats', sku: 'SEAT', quantity: '12', unitPrice: '19.90', discountMinor: 2388, discountReason: 'Volume discount 10%', ...JUNE },
        { description: 'Onboarding workshop', sku: 'SVC-ONB', quantity: '7.5', unitCode: 'HUR', unitPrice: '120.00', periodStart: '2025-06-12', periodEnd: '2025-06-12' },
        { description: 'Printed handbook (reduced rate)', sku: 'BOOK-1', quantity: '3', unitPrice: '24.95', taxRate: '7' },
      ],
      allowanceCharges: [
        { reason: 'Loyalty discount', reasonCode: '95', amountMinor: 5000, taxCategory: 'S', taxRate: '19', isCharge: false },
        { reason: 'Shipping', reasonCode: 'FC', amountMinor: 495, taxCategory: 'S', taxRate: '7', isCharge: true },
      ],
      notes: ['Thank you for your business.'],
    }),
    /** EU B2B service: reverse charge (AE). */
    reverseCharge: makeDocument({
      number: 'INV-2025-0002',
      buyer: BUYER_FR,
      buyerReference: 'BC-2025-17',
      servicePeriod: { start: '2025-06-01', end: '2025-06-30' },
      lines: [
        { description: 'Cadence Enterprise plan (monthly)', sku: 'PLAN-ENT', quantity: '1', unitCode: 'MON', unitPrice: '1490.00', taxCategory: 'AE', ...JUNE },
        { description: 'API calls above quota', sku: 'API-OVR', quantity: '25000', unitPrice: '0.0015', taxCategory: 'AE', ...JUNE },
      ],
      exemptions: { AE: { reason: 'Reverse charge: VAT to be paid by the recipient (Art. 196 Directive 2006/112/EC)', code: 'VATEX-EU-AE' } },
    }),
    /** Exempt supply (E) with a VATEX code, mixed with a 19% line. */
    exempt: makeDocument({
      number: 'INV-2025-0003',
      lines: [
        { description: 'Accredited training course', sku: 'EDU-1', quantity: '2', unitPrice: '650.00', taxCategory: 'E' },
        { description: 'Course materials (download)', sku: 'EDU-MAT', quantity: '2', unitPrice: '35.00' },
      ],
      exemptions: { E: { reason: 'Exempt under § 4 Nr. 21 UStG (educational services)', code: 'VATEX-EU-132' } },
    }),
    /** Credit note correcting INV-2025-0001. */
    creditNote: makeDocument({
      kind: 'credit_note',
      number: 'CN-2025-0001',
      issueDate: '2025-07-10',
      dueDate: '2025-07-24',
      precedingInvoice: { number: 'INV-2025-0001', issueDate: '2025-07-01' },
      lines: [
        { description: 'Additional seats — 2 seats cancelled', sku: 'SEAT', quantity: '2', unitPrice: '19.90', ...JUNE },
        { description: 'Printed handbook returned', sku: 'BOOK-1', quantity: '1', unitPrice: '24.95', taxRate: '7' },
      ],
      paymentTerms: 'The credit will be offset against the next invoice.',
      notes: ['Credit for cancelled seats, see invoice INV-2025-0001.'],
    }),
    /** Usage-based billing with fractional quantities and tiny unit prices. */
    usage: makeDocument({
      number: 'INV-2025-0004',
      servicePeriod: { start: '2025-06-01', end: '2025-06-30' },
      lines: [
        { description: 'Compute units', sku: 'USG-CU', quantity: '1234.567', unitPrice: '0.0006', ...JUNE },
        { description: 'Storage GB-hours', sku: 'USG-ST', quantity: '987654.321', unitPrice: '0.00012345', ...JUNE },
        { description: 'Egress traffic (GB)', sku: 'USG-EG', quantity: '0.125', unitPrice: '0.09', ...JUNE },
        { description: 'Support hours', sku: 'SUP-H', quantity: '2.25', unitCode: 'HUR', unitPrice: '95.00', ...JUNE },
      ],
      paidMinor: 5000,
      notes: ['EUR 50.00 already received as prepayment.'],
    }),
    /** Non-EUR (USD): export of goods to the US (G), refund account not relevant. */
    usd: makeDocument({
      number: 'INV-2025-0005',
      currency: 'USD',
      buyer: BUYER_US,
      buyerReference: 'ACME-PO-991',
      deliveryDate: '2025-06-20',
      lines: [
        { description: 'Hardware gateway appliance', sku: 'HW-GW', quantity: '3', unitPrice: '899.00', taxCategory: 'G' },
        { description: 'Installation kit', sku: 'HW-KIT', quantity: '3', unitPrice: '49.50', taxCategory: 'G' },
      ],
    }),
    /** Non-EUR with 0 decimals (JPY): services outside the scope of EU VAT (O). */
    jpy: makeDocument({
      number: 'INV-2025-0006',
      currency: 'JPY',
      buyer: BUYER_JP,
      buyerReference: 'SK-2025-06',
      servicePeriod: { start: '2025-06-01', end: '2025-06-30' },
      lines: [
        { description: 'Cadence Business plan (monthly)', sku: 'PLAN-BIZ', quantity: '1', unitCode: 'MON', unitPrice: '79800', taxCategory: 'O', ...JUNE },
        { description: 'API calls', sku: 'API', quantity: '1234.567', unitPrice: '0.35', taxCategory: 'O', ...JUNE },
      ],
      allowanceCharges: [{ reason: 'Partner discount', amountMinor: 5000, taxCategory: 'O', taxRate: '0', isCharge: false }],
    }),
    /** Intra-community supply of goods (K) to Austria. */
    intraCommunity: makeDocument({
      number: 'INV-2025-0007',
      buyer: BUYER_AT,
      buyerReference: 'AT-88',
      deliveryDate: '2025-06-25',
      lines: [{ description: 'Edge sensor kit', sku: 'HW-SENS', quantity: '10', unitPrice: '129.00', taxCategory: 'K' }],
    }),
  };
}

/** A long invoice (many lines) to exercise page breaks in the PDF. */
export function longDocument(lines = 70): InvoiceDocument {
  const specs: LineSpec[] = [];
  for (let i = 0; i < lines; i++) {
    specs.push({
      description: `Usage: project ${String(i + 1).padStart(3, '0')} compute units${i % 7 === 0 ? ' (incl. burst capacity in region eu-central-1, billed per started minute)' : ''}`,
      sku: `USG-${i + 1}`,
      quantity: (dec(i * 37 + 11).div(8)).toFixed(),
      unitPrice: i % 5 === 0 ? '0.0006' : '1.25',
      taxRate: i % 9 === 0 ? '7' : '19',
      ...JUNE,
    });
  }
  return makeDocument({ number: 'INV-2025-0100', servicePeriod: { start: '2025-06-01', end: '2025-06-30' }, lines: specs });
}

/** Deterministic pseudo-random (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PRODUCTS = [
  { description: 'Starter plan', sku: 'PLAN-S', unitCode: 'MON', price: '49.00' },
  { description: 'Business plan', sku: 'PLAN-B', unitCode: 'MON', price: '499.00' },
  { description: 'Seat add-on', sku: 'SEAT', unitCode: 'C62', price: '19.90' },
  { description: 'Compute units', sku: 'USG-CU', unitCode: 'C62', price: '0.0006' },
  { description: 'Storage GB-months', sku: 'USG-ST', unitCode: 'C62', price: '0.023' },
  { description: 'Consulting', sku: 'SVC-C', unitCode: 'HUR', price: '135.00' },
  { description: 'Printed manual', sku: 'BOOK', unitCode: 'C62', price: '24.95' },
  { description: 'Premium support', sku: 'SUP-P', unitCode: 'MON', price: '199.99' },
];

/** `n` varied documents (seeded): domestic 19/7 %, reverse charge, exempt lines, allowances, credit notes, USD/JPY. */
export function generateDocuments(n: number, seed = 42): InvoiceDocument[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const docs: InvoiceDocument[] = [];
  for (let i = 0; i < n; i++) {
    const scenario = pick(['domestic', 'domestic', 'domestic', 'reverse', 'exempt', 'credit', 'usd', 'jpy'] as const);
    const currency = scenario === 'usd' ? 'USD' : scenario === 'jpy' ? 'JPY' : 'EUR';
    const nLines = 1 + Math.floor(r() * 8);
    const lines: LineSpec[] = [];
    for (let j = 0; j < nLines; j++) {
      const prod = pick(PRODUCTS);
      const usage = prod.price.startsWith('0.');
      const qty = usage ? (r() * 100000).toFixed(3) : prod.unitCode === 'HUR' ? (Math.ceil(r() * 40) / 4).toString() : String(1 + Math.floor(r() * 20));
      let price = prod.price;
      if (currency === 'JPY') price = usage ? '0.09' : dec(prod.price).times(160).toDecimalPlaces(0).toFixed();
      const category: TaxCategoryCode =
        scenario === 'reverse' ? 'AE' : scenario === 'jpy' ? 'O' : scenario === 'usd' ? 'G' : scenario === 'exempt' && j === 0 ? 'E' : 'S';
      const rate = category === 'S' ? (prod.sku === 'BOOK' ? '7' : '19') : '0';
      const spec: LineSpec = { description: prod.description, sku: prod.sku, unitCode: prod.unitCode, quantity: qty, unitPrice: price, taxCategory: category, taxRate: rate, ...JUNE };
      if (r() < 0.15 && !usage) spec.discountMinor = minorUnitsFactor(currency);
      lines.push(spec);
    }
    const allowanceCharges: DocumentAllowanceCharge[] = [];
    if (r() < 0.25 && scenario !== 'credit') {
      const l0 = lines[0]!;
      allowanceCharges.push({ reason: 'Promotional discount', amountMinor: minorUnitsFactor(currency) * 5, taxCategory: l0.taxCategory!, taxRate: l0.taxRate!, isCharge: false });
    }
    const buyer = scenario === 'reverse' ? BUYER_FR : scenario === 'usd' ? BUYER_US : scenario === 'jpy' ? BUYER_JP : BUYER_DE;
    const doc = makeDocument({
      kind: scenario === 'credit' ? 'credit_note' : 'invoice',
      number: `${scenario === 'credit' ? 'CN' : 'INV'}-G${String(i + 1).padStart(6, '0')}`,
      currency,
      buyer,
      precedingInvoice: scenario === 'credit' ? { number: `INV-G${String(i).padStart(6, '0')}`, issueDate: '2025-06-01' } : undefined,
      servicePeriod: { start: '2025-06-01', end: '2025-06-30' },
      deliveryDate: scenario === 'usd' ? '2025-06-15' : undefined,
      lines,
      allowanceCharges,
      exemptions: { E: { reason: 'Exempt under § 4 Nr. 21 UStG', code: 'VATEX-EU-132' } },
    });
    // Keep every generated document positive (a discount may exceed a tiny usage line).
    if (doc.totals.netMinor < 0 || doc.lines.some((l) => l.netAmountMinor < 0) || doc.taxBreakdown.some((t) => t.taxableMinor < 0)) {
      i--;
      continue;
    }
    docs.push(doc);
  }
  return docs;
}

function minorUnitsFactor(currency: string): number {
  return 10 ** minorUnits(currency);
}
