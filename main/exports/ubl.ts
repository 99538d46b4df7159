/**
 * UBL 2.1 Invoice / CreditNote conforming to EN 16931, shaped for Peppol BIS Billing 3.0.
 * Built with xmlbuilder2. The document is mapped as given: run validateDocument() from
 * shared/domain/documents first if the numbers come from outside the billing engine.
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import { formatMinor, decStr } from '../../shared/domain/money';
import {
  documentTaxCategories,
  electronicAddressOf,
  exemptionOf,
  type DocumentParty,
  type InvoiceDocument,
  type TaxCategoryCode,
} from '../../shared/domain/documents';
import { child, opt, clean, compactId } from './xml';
import { assertEInvoiceable } from './einvoice-limits';

export const UBL_NS = {
  invoice: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
  creditNote: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
} as const;

export const PEPPOL_CUSTOMIZATION_ID = 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0';
export const PEPPOL_PROFILE_ID = 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0';

const CAC = UBL_NS.cac;
const CBC = UBL_NS.cbc;

export interface UblOptions {
  /** Pretty-print with indentation (default true). */
  prettyPrint?: boolean;
}

/** Serializes an invoice document as a UBL 2.1 Invoice (kind 'invoice') or CreditNote (kind 'credit_note'). */
export function toUbl(doc: InvoiceDocument, opts: UblOptions = {}): string {
  assertEInvoiceable(doc);
  const isCredit = doc.kind === 'credit_note';
  const cur = doc.currency;
  const amt = (minor: number) => formatMinor(minor, cur);
  const money = (parent: XMLBuilder, name: string, minor: number) => child(parent, CBC, name, amt(minor), { currencyID: cur });
  const categories = documentTaxCategories(doc);
  // BR-O-02/03/04: with category O, no VAT identifiers may be given.
  const omitVatIds = categories.has('O');

  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(isCredit ? UBL_NS.creditNote : UBL_NS.invoice, isCredit ? 'CreditNote' : 'Invoice', {
    'xmlns:cac': CAC,
    'xmlns:cbc': CBC,
  });

  child(root, CBC, 'cbc:CustomizationID', PEPPOL_CUSTOMIZATION_ID);
  child(root, CBC, 'cbc:ProfileID', PEPPOL_PROFILE_ID);
  child(root, CBC, 'cbc:ID', doc.number);
  child(root, CBC, 'cbc:IssueDate', doc.issueDate);
  if (!isCredit) opt(root, CBC, 'cbc:DueDate', doc.dueDate);
  child(root, CBC, isCredit ? 'cbc:CreditNoteTypeCode' : 'cbc:InvoiceTypeCode', isCredit ? '381' : '380');
  // Peppol allows a single document note (PEPPOL-EN16931-R002): join them.
  const note = doc.notes.map((n) => n.trim()).filter(Boolean).join('\n');
  opt(root, CBC, 'cbc:Note', note);
  child(root, CBC, 'cbc:DocumentCurrencyCode', cur);
  // No TaxCurrencyCode: VAT is stated in the document currency only (BT-6 absent → BT-111 not needed).
  opt(root, CBC, 'cbc:BuyerReference', clean(doc.buyerReference));
  if (doc.servicePeriod) period(root, doc.servicePeriod.start, doc.servicePeriod.end);
  if (clean(doc.orderReference)) child(child(root, CAC, 'cac:OrderReference'), CBC, 'cbc:ID', doc.orderReference!.trim());
  if (doc.precedingInvoice) {
    const ref = child(child(root, CAC, 'cac:BillingReference'), CAC, 'cac:InvoiceDocumentReference');
    child(ref, CBC, 'cbc:ID', doc.precedingInvoice.number);
    opt(ref, CBC, 'cbc:IssueDate', doc.precedingInvoice.issueDate);
  }

  party(child(root, CAC, 'cac:AccountingSupplierParty'), doc.seller, { omitVatIds, isSeller: true });
  party(child(root, CAC, 'cac:AccountingCustomerParty'), doc.buyer, {
    omitVatIds,
    isSeller: false,
    identifier: clean(doc.buyer.customerNumber),
  });

  if (doc.deliveryDate || categories.has('K')) {
    const delivery = child(root, CAC, 'cac:Delivery');
    opt(delivery, CBC, 'cbc:ActualDeliveryDate', doc.deliveryDate);
    if (categories.has('K')) {
      // BR-IC-12: deliver-to country is required for intra-community supplies; goods go to the buyer.
      const addr = child(child(delivery, CAC, 'cac:DeliveryLocation'), CAC, 'cac:Address');
      child(child(addr, CAC, 'cac:Country'), CBC, 'cbc:IdentificationCode', doc.buyer.address.country);
    }
  }

  paymentMeans(root, doc);
  if (clean(doc.paymentTerms)) child(child(root, CAC, 'cac:PaymentTerms'), CBC, 'cbc:Note', doc.paymentTerms!.trim());

  for (const ac of doc.allowanceCharges) {
    const el = child(root, CAC, 'cac:AllowanceCharge');
    child(el, CBC, 'cbc:ChargeIndicator', ac.isCharge ? 'true' : 'false');
    opt(el, CBC, 'cbc:AllowanceChargeReasonCode', clean(ac.reasonCode));
    opt(el, CBC, 'cbc:AllowanceChargeReason', clean(ac.reason));
    money(el, 'cbc:Amount', ac.amountMinor);
    taxCategory(el, 'cac:TaxCategory', ac.taxCategory, ac.taxRate);
  }

  const taxTotal = child(root, CAC, 'cac:TaxTotal');
  money(taxTotal, 'cbc:TaxAmount', doc.totals.taxMinor);
  for (const tb of doc.taxBreakdown) {
    const sub = child(taxTotal, CAC, 'cac:TaxSubtotal');
    money(sub, 'cbc:TaxableAmount', tb.taxableMinor);
    money(sub, 'cbc:TaxAmount', tb.taxMinor);
    const ex = exemptionOf(tb);
    taxCategory(sub, 'cac:TaxCategory', tb.category, tb.rate, ex ?? undefined);
  }

  const t = doc.totals;
  const lmt = child(root, CAC, 'cac:LegalMonetaryTotal');
  money(lmt, 'cbc:LineExtensionAmount', t.lineTotalMinor);
  money(lmt, 'cbc:TaxExclusiveAmount', t.netMinor);
  money(lmt, 'cbc:TaxInclusiveAmount', t.grossMinor);
  if (t.allowanceTotalMinor !== 0 || doc.allowanceCharges.some((a) => !a.isCharge)) money(lmt, 'cbc:AllowanceTotalAmount', t.allowanceTotalMinor);
  if (t.chargeTotalMinor !== 0 || doc.allowanceCharges.some((a) => a.isCharge)) money(lmt, 'cbc:ChargeTotalAmount', t.chargeTotalMinor);
  if (t.paidMinor !== 0) money(lmt, 'cbc:PrepaidAmount', t.paidMinor);
  if (t.roundingMinor) money(lmt, 'cbc:PayableRoundingAmount', t.roundingMinor);
  money(lmt, 'cbc:PayableAmount', t.payableMinor);

  for (const line of doc.lines) {
    const el = child(root, CAC, isCredit ? 'cac:CreditNoteLine' : 'cac:InvoiceLine');
    child(el, CBC, 'cbc:ID', line.id);
    child(el, CBC, isCredit ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity', decStr(line.quantity), { unitCode: line.unitCode });
    money(el, 'cbc:LineExtensionAmount', line.netAmountMinor);
    if (line.periodStart || line.periodEnd) period(el, line.periodStart, line.periodEnd);
    if (line.discountMinor) {
      const ac = child(el, CAC, 'cac:AllowanceCharge');
      child(ac, CBC, 'cbc:ChargeIndicator', 'false');
      child(ac, CBC, 'cbc:AllowanceChargeReason', clean(line.discountReason) ?? 'Discount');
      money(ac, 'cbc:Amount', line.discountMinor);
    }
    const item = child(el, CAC, 'cac:Item');
    child(item, CBC, 'cbc:Name', line.description);
    if (clean(line.productSku)) child(child(item, CAC, 'cac:SellersItemIdentification'), CBC, 'cbc:ID', line.productSku!.trim());
    taxCategory(item, 'cac:ClassifiedTaxCategory', line.taxCategory, line.taxRate);
    const price = child(el, CAC, 'cac:Price');
    child(price, CBC, 'cbc:PriceAmount', decStr(line.unitPrice), { currencyID: cur });
  }

  return root.end({ prettyPrint: opts.prettyPrint ?? true });
}

function period(parent: XMLBuilder, start?: string, end?: string): void {
  const p = child(parent, CAC, 'cac:InvoicePeriod');
  opt(p, CBC, 'cbc:StartDate', start);
  opt(p, CBC, 'cbc:EndDate', end);
}

function taxCategory(
  parent: XMLBuilder,
  name: 'cac:TaxCategory' | 'cac:ClassifiedTaxCategory',
  category: TaxCategoryCode,
  rate: string,
  exemption?: { code?: string; text?: string },
): void {
  const el = child(parent, CAC, name);
  child(el, CBC, 'cbc:ID', category);
  // Category O carries no rate (BR-O-05, BR-O-06, BR-O-09).
  if (category !== 'O') child(el, CBC, 'cbc:Percent', decStr(rate));
  if (exemption) {
    opt(el, CBC, 'cbc:TaxExemptionReasonCode', exemption.code);
    opt(el, CBC, 'cbc:TaxExemptionReason', exemption.text);
  }
  child(child(el, CAC, 'cac:TaxScheme'), CBC, 'cbc:ID', 'VAT');
}

function party(
  wrapper: XMLBuilder,
  p: DocumentParty,
  o: { omitVatIds: boolean; isSeller: boolean; identifier?: string },
): void {
  const el = child(wrapper, CAC, 'cac:Party');
  const endpoint = electronicAddressOf(p);
  if (endpoint) child(el, CBC, 'cbc:EndpointID', endpoint.id, { schemeID: endpoint.scheme });
  if (o.identifier) child(child(el, CAC, 'cac:PartyIdentification'), CBC, 'cbc:ID', o.identifier);
  if (clean(p.tradingName)) child(child(el, CAC, 'cac:PartyName'), CBC, 'cbc:Name', p.tradingName!.trim());
  const addr = child(el, CAC, 'cac:PostalAddress');
  opt(addr, CBC, 'cbc:StreetName', clean(p.address.line1));
  opt(addr, CBC, 'cbc:AdditionalStreetName', clean(p.address.line2));
  opt(addr, CBC, 'cbc:CityName', clean(p.address.city));
  opt(addr, CBC, 'cbc:PostalZone', clean(p.address.postalCode));
  child(child(addr, CAC, 'cac:Country'), CBC, 'cbc:IdentificationCode', p.address.country);
  if (!o.omitVatIds && clean(p.vatId)) {
    const ts = child(el, CAC, 'cac:PartyTaxScheme');
    child(ts, CBC, 'cbc:CompanyID', compactId(p.vatId!));
    child(child(ts, CAC, 'cac:TaxScheme'), CBC, 'cbc:ID', 'VAT');
  }
  const legal = child(el, CAC, 'cac:PartyLegalEntity');
  child(legal, CBC, 'cbc:RegistrationName', p.legalName);
  opt(legal, CBC, 'cbc:CompanyID', clean(p.registrationNumber));
  if (clean(p.contactName) || clean(p.phone) || clean(p.email)) {
    const c = child(el, CAC, 'cac:Contact');
    opt(c, CBC, 'cbc:Name', clean(p.contactName));
    opt(c, CBC, 'cbc:Telephone', clean(p.phone));
    opt(c, CBC, 'cbc:ElectronicMail', clean(p.email));
  }
}

/**
 * Invoice: SEPA credit transfer (58) to the seller's IBAN for EUR, plain credit transfer (30)
 * otherwise. Credit note: the refund goes to the buyer's account when known; the due date
 * [BT-9] of a UBL CreditNote lives in PaymentMeans/PaymentDueDate.
 */
function paymentMeans(root: XMLBuilder, doc: InvoiceDocument): void {
  const isCredit = doc.kind === 'credit_note';
  const payee = isCredit ? doc.buyer : doc.seller;
  const iban = clean(payee.iban);
  if (!iban && !(isCredit && doc.dueDate)) return;
  const pm = child(root, CAC, 'cac:PaymentMeans');
  child(pm, CBC, 'cbc:PaymentMeansCode', iban ? (doc.currency === 'EUR' ? '58' : '30') : '1');
  if (isCredit) opt(pm, CBC, 'cbc:PaymentDueDate', doc.dueDate);
  child(pm, CBC, 'cbc:PaymentID', doc.number);
  if (iban) {
    const acc = child(pm, CAC, 'cac:PayeeFinancialAccount');
    child(acc, CBC, 'cbc:ID', compactId(iban));
    child(acc, CBC, 'cbc:Name', payee.legalName);
    if (clean(payee.bic)) child(child(acc, CAC, 'cac:FinancialInstitutionBranch'), CBC, 'cbc:ID', compactId(payee.bic!));
  }
}
