/**
 * The invoice document model: a finalized invoice or credit note as it is printed and exchanged
 * (UBL / CII / PDF). Pure and self-contained: the billing engine maps its finalized invoices and
 * credit notes into this shape; the exporters in main/exports only read it.
 *
 * Amounts are integer minor units of `currency` (see money.ts); quantities, unit prices and tax
 * rates are decimal strings. Dates are ISO calendar dates "YYYY-MM-DD".
 *
 * Semantics follow EN 16931 (business terms in brackets, e.g. [BT-1]).
 */
import { Decimal, dec, minorUnits, type RoundingMode } from './money';

/** EN 16931 VAT category codes (UNCL5305 subset). */
export type TaxCategoryCode = 'S' | 'Z' | 'E' | 'AE' | 'K' | 'G' | 'O';
export const TAX_CATEGORY_CODES: readonly TaxCategoryCode[] = ['S', 'Z', 'E', 'AE', 'K', 'G', 'O'];

export type DocumentKind = 'invoice' | 'credit_note';

export interface PostalAddress {
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

/** Electronic address [BT-34 / BT-49], scheme from the EAS code list (e.g. "0088" GLN, "9930" DE VAT, "EM" e-mail). */
export interface ElectronicAddress {
  scheme: string;
  id: string;
}

export interface DocumentParty {
  /** Registered legal name [BT-27 / BT-44]. */
  legalName: string;
  /** Trading name if different [BT-28 / BT-45]. */
  tradingName?: string;
  address: PostalAddress;
  /** VAT identifier with country prefix [BT-31 / BT-48]. */
  vatId?: string;
  /** Legal registration identifier, e.g. "HRB 12345 B" [BT-30 / BT-47]. */
  registrationNumber?: string;
  contactName?: string;
  email?: string;
  phone?: string;
  iban?: string;
  bic?: string;
  bankName?: string;
  endpointId?: ElectronicAddress;
}

export interface DocumentBuyer extends DocumentParty {
  /** The seller's customer number for this buyer [BT-46]. */
  customerNumber?: string;
}

export interface DocumentLine {
  /** Line identifier [BT-126], unique in the document. */
  id: string;
  /** Item name / description [BT-153]. */
  description: string;
  /** Seller's item identifier [BT-155]. */
  productSku?: string;
  /** Invoiced quantity [BT-129], decimal string, may be fractional or negative. */
  quantity: string;
  /** UN/ECE Recommendation 20 unit code [BT-130], e.g. C62 (one), HUR (hour), MON (month). */
  unitCode: string;
  /** Net unit price [BT-146], decimal string, up to 8 decimal places, not negative. */
  unitPrice: string;
  /** Line discount in minor units [BT-136], positive = reduces the line. */
  discountMinor?: number;
  discountReason?: string;
  /** Line net amount [BT-131] = quantity × unitPrice − discount, rounded to minor units. */
  netAmountMinor: number;
  periodStart?: string;
  periodEnd?: string;
  taxCategory: TaxCategoryCode;
  /** VAT rate in percent, decimal string ("19", "7", "0"). */
  taxRate: string;
}

/** Document-level allowance (discount) or charge [BG-20 / BG-21]. Amount is positive. */
export interface DocumentAllowanceCharge {
  reason: string;
  /** UNCL5189 (allowances) / UNCL7161 (charges) reason code, optional. */
  reasonCode?: string;
  amountMinor: number;
  taxCategory: TaxCategoryCode;
  taxRate: string;
  isCharge: boolean;
}

/** VAT breakdown [BG-23], one entry per category and rate. */
export interface TaxBreakdownEntry {
  category: TaxCategoryCode;
  rate: string;
  taxableMinor: number;
  taxMinor: number;
  /** Exemption reason text [BT-120]; required for E (a default is used for AE, K, G, O). */
  exemptionReason?: string;
  /** VATEX code [BT-121], e.g. VATEX-EU-AE. */
  exemptionReasonCode?: string;
}

export interface DocumentTotals {
  /** Sum of line net amounts [BT-106]. */
  lineTotalMinor: number;
  /** Sum of document-level allowances [BT-107]. */
  allowanceTotalMinor: number;
  /** Sum of document-level charges [BT-108]. */
  chargeTotalMinor: number;
  /** Total without VAT [BT-109] = lineTotal − allowances + charges. */
  netMinor: number;
  /** Total VAT [BT-110]. */
  taxMinor: number;
  /** Total with VAT [BT-112] = net + tax. */
  grossMinor: number;
  /** Paid amount [BT-113]. */
  paidMinor: number;
  /** Cash rounding amount [BT-114], usually absent. */
  roundingMinor?: number;
  /** Amount due [BT-115] = gross − paid + rounding. */
  payableMinor: number;
}

export interface InvoiceDocument {
  kind: DocumentKind;
  /** Document number [BT-1]. */
  number: string;
  issueDate: string;
  /** Payment due date [BT-9]. */
  dueDate?: string;
  /** ISO 4217 document currency [BT-5]. */
  currency: string;
  seller: DocumentParty;
  buyer: DocumentBuyer;
  /** Buyer reference / PO number as given by the buyer [BT-10]. */
  buyerReference?: string;
  /** Purchase order reference [BT-13]. */
  orderReference?: string;
  /** The invoice a credit note corrects [BG-3]. */
  precedingInvoice?: { number: string; issueDate: string };
  /** Invoicing period [BG-14]. */
  servicePeriod?: { start: string; end: string };
  /** Actual delivery date [BT-72]; needed for intra-community supplies (K) without a service period. */
  deliveryDate?: string;
  lines: DocumentLine[];
  allowanceCharges: DocumentAllowanceCharge[];
  taxBreakdown: TaxBreakdownEntry[];
  totals: DocumentTotals;
  /** Payment terms text [BT-20]. */
  paymentTerms?: string;
  /** Free-text notes [BT-22]. */
  notes: string[];
}

export interface DocumentProblem {
  /** Where, e.g. "lines[2].netAmountMinor" or "totals.grossMinor". */
  path: string;
  message: string;
}

/** Default exemption code and text per category (EN 16931 VATEX code list). E has no default code. */
export function defaultExemption(category: TaxCategoryCode): { code?: string; text: string } | null {
  switch (category) {
    case 'AE':
      return { code: 'VATEX-EU-AE', text: 'Reverse charge' };
    case 'K':
      return { code: 'VATEX-EU-IC', text: 'Intra-community supply' };
    case 'G':
      return { code: 'VATEX-EU-G', text: 'Export outside the EU' };
    case 'O':
      return { code: 'VATEX-EU-O', text: 'Not subject to VAT' };
    case 'E':
      return { text: 'Exempt from VAT' };
    default:
      return null;
  }
}

/** The exemption code and text to print for a breakdown entry (own values first, then defaults). */
export function exemptionOf(entry: Pick<TaxBreakdownEntry, 'category' | 'exemptionReason' | 'exemptionReasonCode'>): {
  code?: string;
  text?: string;
} | null {
  if (entry.category === 'S' || entry.category === 'Z') return null;
  const d = defaultExemption(entry.category);
  return { code: entry.exemptionReasonCode ?? d?.code, text: entry.exemptionReason ?? d?.text };
}

/** The VAT categories used by the lines and document-level allowances/charges. */
export function documentTaxCategories(doc: Pick<InvoiceDocument, 'lines' | 'allowanceCharges'>): Set<TaxCategoryCode> {
  return new Set<TaxCategoryCode>([...doc.lines.map((l) => l.taxCategory), ...doc.allowanceCharges.map((a) => a.taxCategory)]);
}

/** The party's electronic address: its endpoint id, else its e-mail (EAS scheme "EM"). */
export function electronicAddressOf(party: Pick<DocumentParty, 'endpointId' | 'email'>): ElectronicAddress | undefined {
  if (party.endpointId) return party.endpointId;
  const email = party.email?.trim();
  return email ? { scheme: 'EM', id: email } : undefined;
}

/** Key of a VAT group (category + canonical rate). */
export function taxGroupKey(category: TaxCategoryCode, rate: string): string {
  return `${category}|${safeDec(rate)?.toFixed() ?? rate}`;
}

/**
 * Line net amount as EN 16931 defines it: quantity × unit price − discount, rounded to the
 * currency's minor unit. Returns integer minor units.
 */
export function lineNetMinor(
  line: Pick<DocumentLine, 'quantity' | 'unitPrice' | 'discountMinor'>,
  currency: string,
  mode: RoundingMode = 'half_up',
): number {
  const scale = new Decimal(10).pow(minorUnits(currency));
  const gross = dec(line.quantity)
    .times(dec(line.unitPrice))
    .times(scale)
    .toDecimalPlaces(0, mode === 'half_even' ? Decimal.ROUND_HALF_EVEN : Decimal.ROUND_HALF_UP)
    .toNumber();
  return gross - (line.discountMinor ?? 0);
}

function safeDec(s: string | undefined): Decimal | null {
  if (s === undefined || !/^-?\d+(\.\d+)?$/.test(s.trim())) return null;
  return dec(s.trim());
}

const HALF = new Decimal('0.5');

/**
 * Checks the sums of a document: line nets against quantity × price − discount, the VAT breakdown
 * against the lines and document-level allowances/charges, and the totals against each other.
 * Rounded values may differ from the exact value by at most half a minor unit (any rounding mode).
 * Returns the problems found; an empty array means the arithmetic is consistent.
 */
export function validateDocumentArithmetic(doc: InvoiceDocument): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  const p = (path: string, message: string) => problems.push({ path, message });
  const scale = new Decimal(10).pow(minorUnits(doc.currency));
  const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
  const checkInt = (path: string, v: unknown) => {
    if (!isInt(v)) p(path, `must be an integer number of minor units, got ${String(v)}`);
    return isInt(v);
  };

  const groups = new Map<string, { category: TaxCategoryCode; rate: Decimal; basis: number; path: string }>();
  const addToGroup = (category: TaxCategoryCode, rateStr: string, amount: number, path: string) => {
    const rate = safeDec(rateStr);
    if (!rate) {
      p(`${path}.taxRate`, `"${rateStr}" is not a decimal number`);
      return;
    }
    const key = taxGroupKey(category, rateStr);
    const g = groups.get(key) ?? { category, rate, basis: 0, path };
    g.basis += amount;
    groups.set(key, g);
  };

  let lineSum = 0;
  doc.lines.forEach((line, i) => {
    const path = `lines[${i}]`;
    const q = safeDec(line.quantity);
    const price = safeDec(line.unitPrice);
    if (!q) p(`${path}.quantity`, `"${line.quantity}" is not a decimal number`);
    if (!price) p(`${path}.unitPrice`, `"${line.unitPrice}" is not a decimal number`);
    else if (price.isNegative()) p(`${path}.unitPrice`, 'must not be negative (put the sign on the quantity)');
    if (line.discountMinor !== undefined) checkInt(`${path}.discountMinor`, line.discountMinor);
    if (!checkInt(`${path}.netAmountMinor`, line.netAmountMinor)) return;
    if (q && price) {
      const exact = q.times(price).times(scale).minus(line.discountMinor ?? 0);
      if (exact.minus(line.netAmountMinor).abs().greaterThan(HALF)) {
        p(
          `${path}.netAmountMinor`,
          `is ${line.netAmountMinor} but quantity × unit price − discount = ${exact.toFixed()} minor units`,
        );
      }
    }
    lineSum += line.netAmountMinor;
    addToGroup(line.taxCategory, line.taxRate, line.netAmountMinor, path);
  });

  let allowances = 0;
  let charges = 0;
  doc.allowanceCharges.forEach((ac, i) => {
    const path = `allowanceCharges[${i}]`;
    if (!checkInt(`${path}.amountMinor`, ac.amountMinor)) return;
    if (ac.amountMinor < 0) p(`${path}.amountMinor`, 'must not be negative');
    if (ac.isCharge) charges += ac.amountMinor;
    else allowances += ac.amountMinor;
    addToGroup(ac.taxCategory, ac.taxRate, ac.isCharge ? ac.amountMinor : -ac.amountMinor, path);
  });

  // VAT breakdown against the groups
  const seen = new Set<string>();
  let taxSum = 0;
  doc.taxBreakdown.forEach((tb, i) => {
    const path = `taxBreakdown[${i}]`;
    const okTaxable = checkInt(`${path}.taxableMinor`, tb.taxableMinor);
    const okTax = checkInt(`${path}.taxMinor`, tb.taxMinor);
    const rate = safeDec(tb.rate);
    if (!rate) {
      p(`${path}.rate`, `"${tb.rate}" is not a decimal number`);
      return;
    }
    const key = taxGroupKey(tb.category, tb.rate);
    if (seen.has(key)) p(path, `duplicate VAT breakdown for category ${tb.category} at ${rate.toFixed()}%`);
    seen.add(key);
    const g = groups.get(key);
    if (!g) p(path, `no line, allowance or charge has category ${tb.category} at ${rate.toFixed()}%`);
    else if (okTaxable && g.basis !== tb.taxableMinor) {
      p(`${path}.taxableMinor`, `is ${tb.taxableMinor} but the lines, allowances and charges at ${tb.category} ${rate.toFixed()}% sum to ${g.basis}`);
    }
    if (okTaxable && okTax) {
      const exact = new Decimal(tb.taxableMinor).times(rate).div(100);
      if (exact.minus(tb.taxMinor).abs().greaterThan(HALF)) {
        p(`${path}.taxMinor`, `is ${tb.taxMinor} but ${tb.taxableMinor} × ${rate.toFixed()}% = ${exact.toFixed()} minor units`);
      }
      taxSum += tb.taxMinor;
    }
  });
  for (const [key, g] of groups) {
    if (!seen.has(key)) p('taxBreakdown', `missing an entry for category ${g.category} at ${g.rate.toFixed()}% (used by ${g.path})`);
  }

  const t = doc.totals;
  const fields: (keyof DocumentTotals)[] = [
    'lineTotalMinor', 'allowanceTotalMinor', 'chargeTotalMinor', 'netMinor', 'taxMinor', 'grossMinor', 'paidMinor', 'payableMinor',
  ];
  let totalsOk = true;
  for (const f of fields) totalsOk = checkInt(`totals.${f}`, t[f]) && totalsOk;
  if (t.roundingMinor !== undefined) totalsOk = checkInt('totals.roundingMinor', t.roundingMinor) && totalsOk;
  if (!totalsOk) return problems;
  const eq = (path: string, actual: number, expected: number, how: string) => {
    if (actual !== expected) p(path, `is ${actual} but ${how} = ${expected}`);
  };
  eq('totals.lineTotalMinor', t.lineTotalMinor, lineSum, 'the sum of line net amounts');
  eq('totals.allowanceTotalMinor', t.allowanceTotalMinor, allowances, 'the sum of document allowances');
  eq('totals.chargeTotalMinor', t.chargeTotalMinor, charges, 'the sum of document charges');
  eq('totals.netMinor', t.netMinor, t.lineTotalMinor - t.allowanceTotalMinor + t.chargeTotalMinor, 'lines − allowances + charges');
  eq('totals.taxMinor', t.taxMinor, taxSum, 'the sum of the VAT breakdown');
  eq('totals.grossMinor', t.grossMinor, t.netMinor + t.taxMinor, 'net + tax');
  eq('totals.payableMinor', t.payableMinor, t.grossMinor - t.paidMinor + (t.roundingMinor ?? 0), 'gross − paid + rounding');
  return problems;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks the EN 16931 business rules the exporters cannot repair: VAT category rules (rates,
 * VAT identifiers, exemption reasons, category O alone), required references and dates.
 * Complements validateDocumentArithmetic; both together = validateDocument.
 */
export function validateDocumentRules(doc: InvoiceDocument): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  const p = (path: string, message: string) => problems.push({ path, message });

  if (!doc.number.trim()) p('number', 'must not be empty');
  for (const [path, v] of [
    ['issueDate', doc.issueDate], ['dueDate', doc.dueDate], ['deliveryDate', doc.deliveryDate],
    ['servicePeriod.start', doc.servicePeriod?.start], ['servicePeriod.end', doc.servicePeriod?.end],
    ['precedingInvoice.issueDate', doc.precedingInvoice?.issueDate],
  ] as const) {
    if (v !== undefined && !ISO_DATE.test(v)) p(path, `"${v}" is not a date YYYY-MM-DD`);
  }
  if (doc.servicePeriod && doc.servicePeriod.end < doc.servicePeriod.start) p('servicePeriod.end', 'is before the start');
  if (!/^[A-Z]{3}$/.test(doc.currency)) p('currency', 'must be an ISO 4217 code');
  else if (minorUnits(doc.currency) > 2) p('currency', `${doc.currency} has ${minorUnits(doc.currency)} decimals; EN 16931 allows at most 2`);
  if (doc.lines.length === 0) p('lines', 'a document needs at least one line');
  if (!doc.buyerReference && !doc.orderReference) p('buyerReference', 'give a buyer reference or an order reference (Peppol PEPPOL-EN16931-R003)');
  if (!doc.seller.vatId && !doc.seller.registrationNumber) p('seller', 'needs a VAT id or a registration number (BR-CO-26)');
  for (const [who, party] of [['seller', doc.seller], ['buyer', doc.buyer]] as const) {
    if (!/^[A-Z]{2}$/.test(party.address.country)) p(`${who}.address.country`, 'must be an ISO 3166-1 alpha-2 code');
    if (!party.legalName.trim()) p(`${who}.legalName`, 'must not be empty');
  }

  const categories = documentTaxCategories(doc);
  const items: { path: string; category: TaxCategoryCode; rate: string }[] = [
    ...doc.lines.map((l, i) => ({ path: `lines[${i}]`, category: l.taxCategory, rate: l.taxRate })),
    ...doc.allowanceCharges.map((a, i) => ({ path: `allowanceCharges[${i}]`, category: a.taxCategory, rate: a.taxRate })),
  ];
  for (const it of items) {
    if (!TAX_CATEGORY_CODES.includes(it.category)) p(`${it.path}.taxCategory`, `unknown VAT category ${it.category}`);
    const r = safeDec(it.rate);
    if (!r) continue;
    if (it.category === 'S' && !r.greaterThan(0)) p(`${it.path}.taxRate`, 'standard rated (S) needs a rate above 0');
    if (it.category !== 'S' && !r.isZero()) p(`${it.path}.taxRate`, `category ${it.category} must have rate 0`);
  }
  doc.lines.forEach((l, i) => {
    if (l.periodStart && l.periodEnd && l.periodEnd < l.periodStart) p(`lines[${i}].periodEnd`, 'is before the start');
    // Peppol PEPPOL-EN16931-R110/R111: a line period lies within the document's service period
    const sp = doc.servicePeriod;
    if (sp && l.periodStart && l.periodStart < sp.start) p(`lines[${i}].periodStart`, `is before the service period start ${sp.start}`);
    if (sp && l.periodEnd && l.periodEnd > sp.end) p(`lines[${i}].periodEnd`, `is after the service period end ${sp.end}`);
    if (!l.description.trim()) p(`lines[${i}].description`, 'must not be empty');
    if (!/^[A-Z0-9]{2,3}$/.test(l.unitCode)) p(`lines[${i}].unitCode`, `"${l.unitCode}" is not a UN/ECE Rec. 20 code`);
  });
  const lineIds = new Set<string>();
  doc.lines.forEach((l, i) => {
    if (lineIds.has(l.id)) p(`lines[${i}].id`, `duplicate line id ${l.id}`);
    lineIds.add(l.id);
  });

  const needsSellerVat: TaxCategoryCode[] = ['S', 'Z', 'E', 'AE', 'K', 'G'];
  if (needsSellerVat.some((c) => categories.has(c)) && !doc.seller.vatId) p('seller.vatId', 'required for VAT categories S, Z, E, AE, K, G');
  if ((categories.has('AE') || categories.has('K')) && !doc.buyer.vatId) p('buyer.vatId', 'required for reverse charge (AE) and intra-community supply (K)');
  if (categories.has('O') && categories.size > 1) p('lines', 'category O (not subject to VAT) cannot be combined with other categories (BR-O-11)');
  if (categories.has('K') && !doc.deliveryDate && !doc.servicePeriod) p('deliveryDate', 'intra-community supply (K) needs a delivery date or service period (BR-IC-11)');
  doc.taxBreakdown.forEach((tb, i) => {
    if (tb.category === 'E' && !tb.exemptionReason && !tb.exemptionReasonCode) p(`taxBreakdown[${i}].exemptionReason`, 'exempt (E) needs an exemption reason or code (BR-E-10)');
    if ((tb.category === 'S' || tb.category === 'Z') && (tb.exemptionReason || tb.exemptionReasonCode)) p(`taxBreakdown[${i}].exemptionReason`, `category ${tb.category} must not have an exemption reason`);
  });
  if (doc.kind === 'credit_note' && !doc.precedingInvoice) p('precedingInvoice', 'a credit note should reference the invoice it corrects');
  return problems;
}

/** Arithmetic and business-rule checks together. */
export function validateDocument(doc: InvoiceDocument): DocumentProblem[] {
  return [...validateDocumentArithmetic(doc), ...validateDocumentRules(doc)];
}
