/**
 * UN/CEFACT Cross Industry Invoice D16B (the XML inside Factur-X / ZUGFeRD), EN 16931 profile
 * (guideline urn:cen.eu:en16931:2017). TypeCode 380 for invoices, 381 for credit notes.
 * Built with xmlbuilder2.
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
} from '../../shared/domain/documents';
import { child, opt, clean, compactId, date102 } from './xml';
import { assertEInvoiceable } from './einvoice-limits';

export const CII_NS = {
  rsm: 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
  ram: 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100',
  udt: 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
  qdt: 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100',
} as const;

export const CII_GUIDELINE_EN16931 = 'urn:cen.eu:en16931:2017';

const RSM = CII_NS.rsm;
const RAM = CII_NS.ram;
const UDT = CII_NS.udt;
const QDT = CII_NS.qdt;

export interface CiiOptions {
  prettyPrint?: boolean;
  /** BT-24 specification identifier (default: the EN 16931 guideline, as Factur-X EN16931 uses it). */
  guidelineId?: string;
}

/** Serializes an invoice document as a CII D16B CrossIndustryInvoice. */
export function toCii(doc: InvoiceDocument, opts: CiiOptions = {}): string {
  assertEInvoiceable(doc);
  const cur = doc.currency;
  const amt = (minor: number) => formatMinor(minor, cur);
  const categories = documentTaxCategories(doc);
  const omitVatIds = categories.has('O');

  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(RSM, 'rsm:CrossIndustryInvoice', {
    'xmlns:rsm': RSM,
    'xmlns:ram': RAM,
    'xmlns:udt': UDT,
    'xmlns:qdt': QDT,
  });

  const ctx = child(root, RSM, 'rsm:ExchangedDocumentContext');
  child(child(ctx, RAM, 'ram:GuidelineSpecifiedDocumentContextParameter'), RAM, 'ram:ID', opts.guidelineId ?? CII_GUIDELINE_EN16931);

  const ed = child(root, RSM, 'rsm:ExchangedDocument');
  child(ed, RAM, 'ram:ID', doc.number);
  child(ed, RAM, 'ram:TypeCode', doc.kind === 'credit_note' ? '381' : '380');
  dateTime(ed, 'ram:IssueDateTime', doc.issueDate);
  for (const n of doc.notes) {
    if (clean(n)) child(child(ed, RAM, 'ram:IncludedNote'), RAM, 'ram:Content', n.trim());
  }

  const tx = child(root, RSM, 'rsm:SupplyChainTradeTransaction');

  for (const line of doc.lines) {
    const li = child(tx, RAM, 'ram:IncludedSupplyChainTradeLineItem');
    child(child(li, RAM, 'ram:AssociatedDocumentLineDocument'), RAM, 'ram:LineID', line.id);
    const product = child(li, RAM, 'ram:SpecifiedTradeProduct');
    opt(product, RAM, 'ram:SellerAssignedID', clean(line.productSku));
    child(product, RAM, 'ram:Name', line.description);
    const agreement = child(li, RAM, 'ram:SpecifiedLineTradeAgreement');
    child(child(agreement, RAM, 'ram:NetPriceProductTradePrice'), RAM, 'ram:ChargeAmount', decStr(line.unitPrice));
    child(child(li, RAM, 'ram:SpecifiedLineTradeDelivery'), RAM, 'ram:BilledQuantity', decStr(line.quantity), { unitCode: line.unitCode });
    const settlement = child(li, RAM, 'ram:SpecifiedLineTradeSettlement');
    const tax = child(settlement, RAM, 'ram:ApplicableTradeTax');
    child(tax, RAM, 'ram:TypeCode', 'VAT');
    child(tax, RAM, 'ram:CategoryCode', line.taxCategory);
    if (line.taxCategory !== 'O') child(tax, RAM, 'ram:RateApplicablePercent', decStr(line.taxRate));
    if (line.periodStart || line.periodEnd) period(settlement, line.periodStart, line.periodEnd);
    if (line.discountMinor) {
      const ac = child(settlement, RAM, 'ram:SpecifiedTradeAllowanceCharge');
      indicator(ac, false);
      child(ac, RAM, 'ram:ActualAmount', amt(line.discountMinor));
      child(ac, RAM, 'ram:Reason', clean(line.discountReason) ?? 'Discount');
    }
    child(child(settlement, RAM, 'ram:SpecifiedTradeSettlementLineMonetarySummation'), RAM, 'ram:LineTotalAmount', amt(line.netAmountMinor));
  }

  const agreement = child(tx, RAM, 'ram:ApplicableHeaderTradeAgreement');
  opt(agreement, RAM, 'ram:BuyerReference', clean(doc.buyerReference));
  tradeParty(agreement, 'ram:SellerTradeParty', doc.seller, omitVatIds);
  tradeParty(agreement, 'ram:BuyerTradeParty', doc.buyer, omitVatIds, clean(doc.buyer.customerNumber));
  if (clean(doc.orderReference)) {
    child(child(agreement, RAM, 'ram:BuyerOrderReferencedDocument'), RAM, 'ram:IssuerAssignedID', doc.orderReference!.trim());
  }

  const delivery = child(tx, RAM, 'ram:ApplicableHeaderTradeDelivery');
  if (categories.has('K')) {
    // BR-IC-12: deliver-to country for intra-community supplies (the buyer's country).
    const shipTo = child(delivery, RAM, 'ram:ShipToTradeParty');
    child(child(shipTo, RAM, 'ram:PostalTradeAddress'), RAM, 'ram:CountryID', doc.buyer.address.country);
  }
  if (doc.deliveryDate) dateTime(child(delivery, RAM, 'ram:ActualDeliverySupplyChainEvent'), 'ram:OccurrenceDateTime', doc.deliveryDate);

  const hs = child(tx, RAM, 'ram:ApplicableHeaderTradeSettlement');
  child(hs, RAM, 'ram:PaymentReference', doc.number);
  child(hs, RAM, 'ram:InvoiceCurrencyCode', cur);

  const isCredit = doc.kind === 'credit_note';
  const payee = isCredit ? doc.buyer : doc.seller;
  const iban = clean(payee.iban);
  if (iban) {
    const pm = child(hs, RAM, 'ram:SpecifiedTradeSettlementPaymentMeans');
    child(pm, RAM, 'ram:TypeCode', cur === 'EUR' ? '58' : '30');
    const acc = child(pm, RAM, 'ram:PayeePartyCreditorFinancialAccount');
    child(acc, RAM, 'ram:IBANID', compactId(iban));
    child(acc, RAM, 'ram:AccountName', payee.legalName);
    if (clean(payee.bic)) child(child(pm, RAM, 'ram:PayeeSpecifiedCreditorFinancialInstitution'), RAM, 'ram:BICID', compactId(payee.bic!));
  }

  for (const tb of doc.taxBreakdown) {
    const tax = child(hs, RAM, 'ram:ApplicableTradeTax');
    child(tax, RAM, 'ram:CalculatedAmount', amt(tb.taxMinor));
    child(tax, RAM, 'ram:TypeCode', 'VAT');
    const ex = exemptionOf(tb);
    opt(tax, RAM, 'ram:ExemptionReason', ex?.text);
    child(tax, RAM, 'ram:BasisAmount', amt(tb.taxableMinor));
    child(tax, RAM, 'ram:CategoryCode', tb.category);
    opt(tax, RAM, 'ram:ExemptionReasonCode', ex?.code);
    if (tb.category !== 'O') child(tax, RAM, 'ram:RateApplicablePercent', decStr(tb.rate));
  }

  if (doc.servicePeriod) period(hs, doc.servicePeriod.start, doc.servicePeriod.end);

  for (const ac of doc.allowanceCharges) {
    const el = child(hs, RAM, 'ram:SpecifiedTradeAllowanceCharge');
    indicator(el, ac.isCharge);
    child(el, RAM, 'ram:ActualAmount', amt(ac.amountMinor));
    opt(el, RAM, 'ram:ReasonCode', clean(ac.reasonCode));
    opt(el, RAM, 'ram:Reason', clean(ac.reason));
    const tax = child(el, RAM, 'ram:CategoryTradeTax');
    child(tax, RAM, 'ram:TypeCode', 'VAT');
    child(tax, RAM, 'ram:CategoryCode', ac.taxCategory);
    if (ac.taxCategory !== 'O') child(tax, RAM, 'ram:RateApplicablePercent', decStr(ac.taxRate));
  }

  if (clean(doc.paymentTerms) || doc.dueDate) {
    const terms = child(hs, RAM, 'ram:SpecifiedTradePaymentTerms');
    opt(terms, RAM, 'ram:Description', clean(doc.paymentTerms));
    if (doc.dueDate) dateTime(terms, 'ram:DueDateDateTime', doc.dueDate);
  }

  const t = doc.totals;
  const sum = child(hs, RAM, 'ram:SpecifiedTradeSettlementHeaderMonetarySummation');
  child(sum, RAM, 'ram:LineTotalAmount', amt(t.lineTotalMinor));
  if (t.chargeTotalMinor !== 0 || doc.allowanceCharges.some((a) => a.isCharge)) child(sum, RAM, 'ram:ChargeTotalAmount', amt(t.chargeTotalMinor));
  if (t.allowanceTotalMinor !== 0 || doc.allowanceCharges.some((a) => !a.isCharge)) child(sum, RAM, 'ram:AllowanceTotalAmount', amt(t.allowanceTotalMinor));
  child(sum, RAM, 'ram:TaxBasisTotalAmount', amt(t.netMinor));
  child(sum, RAM, 'ram:TaxTotalAmount', amt(t.taxMinor), { currencyID: cur });
  if (t.roundingMinor) child(sum, RAM, 'ram:RoundingAmount', amt(t.roundingMinor));
  child(sum, RAM, 'ram:GrandTotalAmount', amt(t.grossMinor));
  if (t.paidMinor !== 0) child(sum, RAM, 'ram:TotalPrepaidAmount', amt(t.paidMinor));
  child(sum, RAM, 'ram:DuePayableAmount', amt(t.payableMinor));

  if (doc.precedingInvoice) {
    const ref = child(hs, RAM, 'ram:InvoiceReferencedDocument');
    child(ref, RAM, 'ram:IssuerAssignedID', doc.precedingInvoice.number);
    if (doc.precedingInvoice.issueDate) {
      child(child(ref, RAM, 'ram:FormattedIssueDateTime'), QDT, 'qdt:DateTimeString', date102(doc.precedingInvoice.issueDate), { format: '102' });
    }
  }

  return root.end({ prettyPrint: opts.prettyPrint ?? true });
}

function dateTime(parent: XMLBuilder, name: string, iso: string): void {
  child(child(parent, RAM, name), UDT, 'udt:DateTimeString', date102(iso), { format: '102' });
}

function indicator(parent: XMLBuilder, isCharge: boolean): void {
  child(child(parent, RAM, 'ram:ChargeIndicator'), UDT, 'udt:Indicator', isCharge ? 'true' : 'false');
}

function period(parent: XMLBuilder, start?: string, end?: string): void {
  const p = child(parent, RAM, 'ram:BillingSpecifiedPeriod');
  if (start) dateTime(p, 'ram:StartDateTime', start);
  if (end) dateTime(p, 'ram:EndDateTime', end);
}

function tradeParty(parent: XMLBuilder, name: string, p: DocumentParty, omitVatIds: boolean, identifier?: string): void {
  const el = child(parent, RAM, name);
  opt(el, RAM, 'ram:ID', identifier);
  child(el, RAM, 'ram:Name', p.legalName);
  if (clean(p.registrationNumber) || clean(p.tradingName)) {
    const lo = child(el, RAM, 'ram:SpecifiedLegalOrganization');
    opt(lo, RAM, 'ram:ID', clean(p.registrationNumber));
    opt(lo, RAM, 'ram:TradingBusinessName', clean(p.tradingName));
  }
  if (clean(p.contactName) || clean(p.phone) || clean(p.email)) {
    const c = child(el, RAM, 'ram:DefinedTradeContact');
    opt(c, RAM, 'ram:PersonName', clean(p.contactName));
    if (clean(p.phone)) child(child(c, RAM, 'ram:TelephoneUniversalCommunication'), RAM, 'ram:CompleteNumber', p.phone!.trim());
    if (clean(p.email)) child(child(c, RAM, 'ram:EmailURIUniversalCommunication'), RAM, 'ram:URIID', p.email!.trim());
  }
  const a = child(el, RAM, 'ram:PostalTradeAddress');
  opt(a, RAM, 'ram:PostcodeCode', clean(p.address.postalCode));
  opt(a, RAM, 'ram:LineOne', clean(p.address.line1));
  opt(a, RAM, 'ram:LineTwo', clean(p.address.line2));
  opt(a, RAM, 'ram:CityName', clean(p.address.city));
  child(a, RAM, 'ram:CountryID', p.address.country);
  const endpoint = electronicAddressOf(p);
  if (endpoint) child(child(el, RAM, 'ram:URIUniversalCommunication'), RAM, 'ram:URIID', endpoint.id, { schemeID: endpoint.scheme });
  if (!omitVatIds && clean(p.vatId)) child(child(el, RAM, 'ram:SpecifiedTaxRegistration'), RAM, 'ram:ID', compactId(p.vatId!), { schemeID: 'VA' });
}
