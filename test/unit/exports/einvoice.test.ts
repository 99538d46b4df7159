/**
 * UBL 2.1 and CII D16B exports: key values (golden-ish) and the official EN 16931 validation
 * (../shared/einvoice/validate.sh, CEN rules v1.3.16 + XSD) with 0 fatal findings per document.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { toUbl } from '../../../main/exports/ubl';
import { toCii } from '../../../main/exports/cii';
import { validateDocument, type InvoiceDocument } from '../../../shared/domain/documents';
import { generateDocuments, scenarioDocuments } from './fixtures';
import { readXml, resultsDir, runValidator, validatorMissing, type FileVerdict } from './helpers';

const S = scenarioDocuments();

describe('UBL export: key values', () => {
  it('domestic invoice: 19 % and 7 % breakdown, allowance, charge, totals', () => {
    const x = readXml(toUbl(S.domestic));
    expect(x.rootName).toBe('Invoice');
    expect(x.text('cbc:CustomizationID')).toBe('urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0');
    expect(x.text('cbc:ProfileID')).toBe('urn:fdc:peppol.eu:2017:poacc:billing:01:1.0');
    expect(x.text('cbc:InvoiceTypeCode')).toBe('380');
    expect(x.text('cbc:BuyerReference')).toBe('PO-4711');
    expect(x.text('cac:OrderReference/cbc:ID')).toBe('PO-2025-881');
    expect(x.texts('cac:InvoicePeriod/cbc:StartDate')).toEqual(['2025-06-01']);
    expect(x.text('cac:AccountingSupplierParty/cac:Party/cbc:EndpointID')).toBe('DE123456789');
    expect(x.attr('cac:AccountingSupplierParty/cac:Party/cbc:EndpointID', 'schemeID')).toBe('9930');
    expect(x.text('cac:TaxTotal/cbc:TaxAmount')).toBe('302.73');
    expect(x.texts('cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount')).toEqual(['1563.92', '79.80']);
    expect(x.texts('cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount')).toEqual(['297.14', '5.59']);
    expect(x.texts('cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent')).toEqual(['19', '7']);
    expect(x.text('cac:LegalMonetaryTotal/cbc:LineExtensionAmount')).toBe('1688.77');
    expect(x.text('cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount')).toBe('1643.72');
    expect(x.text('cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount')).toBe('1946.45');
    expect(x.text('cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount')).toBe('50.00');
    expect(x.text('cac:LegalMonetaryTotal/cbc:ChargeTotalAmount')).toBe('4.95');
    expect(x.text('cac:LegalMonetaryTotal/cbc:PayableAmount')).toBe('1946.45');
    expect(x.attr('cac:LegalMonetaryTotal/cbc:PayableAmount', 'currencyID')).toBe('EUR');
    expect(x.text('cac:PaymentMeans/cbc:PaymentMeansCode')).toBe('58');
    expect(x.text('cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID')).toBe('DE89370400440532013000');
    expect(x.text('cac:PaymentMeans/cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID')).toBe('COBADEFFXXX');
    // line 2: 12 × 19.90 − 23.88 discount
    const line2 = x.all('cac:InvoiceLine')[1]!;
    expect(line2.getElementsByTagName('cbc:LineExtensionAmount')[0]!.textContent).toBe('214.92');
    expect(x.texts('cac:InvoiceLine/cac:AllowanceCharge/cbc:Amount')).toEqual(['23.88']);
    expect(x.texts('cac:InvoiceLine/cac:InvoicePeriod/cbc:EndDate')).toEqual(['2025-06-30', '2025-06-30', '2025-06-12']);
    expect(x.texts('cac:AllowanceCharge/cbc:ChargeIndicator')).toEqual(['false', 'true']);
  });

  it('usage lines keep fractional quantities and 8-place prices; prepaid amount', () => {
    const x = readXml(toUbl(S.usage));
    expect(x.texts('cac:InvoiceLine/cbc:InvoicedQuantity')).toEqual(['1234.567', '987654.321', '0.125', '2.25']);
    expect(x.texts('cac:InvoiceLine/cac:Price/cbc:PriceAmount')).toEqual(['0.0006', '0.00012345', '0.09', '95']);
    // 1234.567 × 0.0006 = 0.7407402 → 0.74; 987654.321 × 0.00012345 = 121.925925… → 121.93
    expect(x.texts('cac:InvoiceLine/cbc:LineExtensionAmount')).toEqual(['0.74', '121.93', '0.01', '213.75']);
    expect(x.text('cac:TaxTotal/cbc:TaxAmount')).toBe('63.92');
    expect(x.text('cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount')).toBe('400.35');
    expect(x.text('cac:LegalMonetaryTotal/cbc:PrepaidAmount')).toBe('50.00');
    expect(x.text('cac:LegalMonetaryTotal/cbc:PayableAmount')).toBe('350.35');
  });

  it('reverse charge carries VATEX-EU-AE and both VAT ids', () => {
    const x = readXml(toUbl(S.reverseCharge));
    expect(x.text('cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID')).toBe('AE');
    expect(x.text('cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent')).toBe('0');
    expect(x.text('cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode')).toBe('VATEX-EU-AE');
    expect(x.text('cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReason')).toMatch(/^Reverse charge/);
    expect(x.text('cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID')).toBe('FR12345678901');
    expect(x.text('cac:TaxTotal/cbc:TaxAmount')).toBe('0.00');
    expect(x.text('cac:LegalMonetaryTotal/cbc:PayableAmount')).toBe('1527.50');
  });

  it('exempt lines (E) carry their reason next to a 19 % group', () => {
    const x = readXml(toUbl(S.exempt));
    expect(x.texts('cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID')).toEqual(['E', 'S']);
    expect(x.text('cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode')).toBe('VATEX-EU-132');
    expect(x.texts('cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount')).toEqual(['0.00', '13.30']);
    expect(x.text('cac:LegalMonetaryTotal/cbc:PayableAmount')).toBe('1383.30');
  });

  it('credit note: CreditNote root, 381, reference to the invoice, due date in PaymentMeans', () => {
    const x = readXml(toUbl(S.creditNote));
    expect(x.rootName).toBe('CreditNote');
    expect(x.text('cbc:CreditNoteTypeCode')).toBe('381');
    expect(x.count('cbc:DueDate')).toBe(0);
    expect(x.text('cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID')).toBe('INV-2025-0001');
    expect(x.text('cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate')).toBe('2025-07-01');
    expect(x.text('cac:PaymentMeans/cbc:PaymentDueDate')).toBe('2025-07-24');
    expect(x.texts('cac:CreditNoteLine/cbc:CreditedQuantity')).toEqual(['2', '1']);
    expect(x.text('cac:TaxTotal/cbc:TaxAmount')).toBe('9.31');
    expect(x.text('cac:LegalMonetaryTotal/cbc:PayableAmount')).toBe('74.06');
  });

  it('USD: credit transfer (30), amounts in USD, export category G', () => {
    const x = readXml(toUbl(S.usd));
    expect(x.text('cbc:DocumentCurrencyCode')).toBe('USD');
    expect(x.count('cbc:TaxCurrencyCode')).toBe(0);
    expect(x.text('cac:PaymentMeans/cbc:PaymentMeansCode')).toBe('30');
    expect(x.attr('cac:TaxTotal/cbc:TaxAmount', 'currencyID')).toBe('USD');
    expect(x.text('cac:LegalMonetaryTotal/cbc:PayableAmount')).toBe('2845.50');
    expect(x.text('cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode')).toBe('VATEX-EU-G');
    expect(x.text('cac:Delivery/cbc:ActualDeliveryDate')).toBe('2025-06-20');
  });

  it('JPY: no decimals; category O without rate and without VAT ids', () => {
    const x = readXml(toUbl(S.jpy));
    expect(x.texts('cac:InvoiceLine/cbc:LineExtensionAmount')).toEqual(['79800', '432']);
    expect(x.text('cac:LegalMonetaryTotal/cbc:LineExtensionAmount')).toBe('80232');
    expect(x.text('cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount')).toBe('5000');
    expect(x.text('cac:LegalMonetaryTotal/cbc:PayableAmount')).toBe('75232');
    expect(x.text('cac:TaxTotal/cbc:TaxAmount')).toBe('0');
    expect(x.count('cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent')).toBe(0);
    expect(x.count('cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme')).toBe(0);
    expect(x.text('cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID')).toBe('HRB 123456 B');
  });

  it('intra-community supply (K) names the deliver-to country', () => {
    const x = readXml(toUbl(S.intraCommunity));
    expect(x.text('cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode')).toBe('AT');
    expect(x.text('cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode')).toBe('VATEX-EU-IC');
  });

  it('escapes markup in free text', () => {
    const doc = { ...S.domestic, notes: ['<b>a & b</b>'] };
    const xml = toUbl(doc);
    expect(xml).toContain('<cbc:Note>&lt;b&gt;a &amp; b&lt;/b&gt;</cbc:Note>');
    expect(readXml(xml).text('cbc:Note')).toBe('<b>a & b</b>');
  });
});

describe('CII export: key values', () => {
  it('domestic invoice', () => {
    const x = readXml(toCii(S.domestic));
    expect(x.rootName).toBe('rsm:CrossIndustryInvoice');
    expect(x.text('rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID')).toBe('urn:cen.eu:en16931:2017');
    expect(x.text('rsm:ExchangedDocument/ram:TypeCode')).toBe('380');
    expect(x.text('rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString')).toBe('20250701');
    const hs = 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement';
    expect(x.texts(`${hs}/ram:ApplicableTradeTax/ram:BasisAmount`)).toEqual(['1563.92', '79.80']);
    expect(x.texts(`${hs}/ram:ApplicableTradeTax/ram:CalculatedAmount`)).toEqual(['297.14', '5.59']);
    const sum = `${hs}/ram:SpecifiedTradeSettlementHeaderMonetarySummation`;
    expect(x.text(`${sum}/ram:LineTotalAmount`)).toBe('1688.77');
    expect(x.text(`${sum}/ram:AllowanceTotalAmount`)).toBe('50.00');
    expect(x.text(`${sum}/ram:ChargeTotalAmount`)).toBe('4.95');
    expect(x.text(`${sum}/ram:TaxBasisTotalAmount`)).toBe('1643.72');
    expect(x.text(`${sum}/ram:TaxTotalAmount`)).toBe('302.73');
    expect(x.attr(`${sum}/ram:TaxTotalAmount`, 'currencyID')).toBe('EUR');
    expect(x.text(`${sum}/ram:GrandTotalAmount`)).toBe('1946.45');
    expect(x.text(`${sum}/ram:DuePayableAmount`)).toBe('1946.45');
    expect(x.text(`${hs}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString`)).toBe('20250731');
    expect(x.text(`${hs}/ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount/ram:IBANID`)).toBe('DE89370400440532013000');
  });

  it('usage quantities, credit note 381 and reverse charge', () => {
    const u = readXml(toCii(S.usage));
    const li = 'rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem';
    expect(u.texts(`${li}/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity`)).toEqual(['1234.567', '987654.321', '0.125', '2.25']);
    expect(u.texts(`${li}/ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount`)[1]).toBe('0.00012345');
    expect(u.texts(`${li}/ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount`)).toEqual(['0.74', '121.93', '0.01', '213.75']);

    const c = readXml(toCii(S.creditNote));
    expect(c.text('rsm:ExchangedDocument/ram:TypeCode')).toBe('381');
    expect(c.text('rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:InvoiceReferencedDocument/ram:IssuerAssignedID')).toBe('INV-2025-0001');

    const r = readXml(toCii(S.reverseCharge));
    const tax = 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax';
    expect(r.text(`${tax}/ram:CategoryCode`)).toBe('AE');
    expect(r.text(`${tax}/ram:ExemptionReasonCode`)).toBe('VATEX-EU-AE');
    const buyerVat = 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID';
    expect(r.text(buyerVat)).toBe('FR12345678901');
    expect(r.attr(buyerVat, 'schemeID')).toBe('VA');
  });
});

// ------------------------------------------------------------------------------------------------
// Official validation: every scenario and a generated set, UBL and CII, in one validator run.

const missing = validatorMissing();
if (missing) console.warn(`[exports] EN 16931 validation skipped: ${missing}`);

describe.skipIf(!!missing)('EN 16931 validation (validate.sh, CEN 1.3.16 + XSD)', () => {
  const outDir = path.join(resultsDir, 'einvoice');
  const docs: [string, InvoiceDocument][] = [
    ...Object.entries(S),
    ...generateDocuments(24, 2025).map((d) => [`gen-${d.number}`, d] as [string, InvoiceDocument]),
  ];
  const files: string[] = [];
  let result: ReturnType<typeof runValidator>;

  beforeAll(() => {
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    for (const [name, doc] of docs) {
      for (const [fmt, xml] of [['ubl', toUbl(doc)], ['cii', toCii(doc)]] as const) {
        const f = path.join(outDir, `${name}.${fmt}.xml`);
        writeFileSync(f, xml);
        files.push(f);
      }
    }
    result = runValidator(files);
  }, 170_000);

  it('the generated set is varied and arithmetically consistent', () => {
    const all = docs.map(([, d]) => d);
    expect(all.some((d) => d.kind === 'credit_note')).toBe(true);
    expect(new Set(all.map((d) => d.currency))).toEqual(new Set(['EUR', 'USD', 'JPY']));
    const cats = new Set(all.flatMap((d) => d.taxBreakdown.map((t) => `${t.category}${t.rate}`)));
    for (const c of ['S19', 'S7', 'AE0', 'E0', 'G0', 'O0', 'K0']) expect(cats).toContain(c);
    for (const [name, d] of docs) expect(validateDocument(d), name).toEqual([]);
  });

  it('every document passes with 0 fatal findings', () => {
    const failures: string[] = [];
    for (const f of files) {
      const v: FileVerdict | undefined = result.byFile.get(f);
      if (!v) failures.push(`${path.basename(f)}: no verdict`);
      else if (v.fatal !== 0) failures.push(`${path.basename(f)}: ${v.fatal} fatal\n  ${v.findings.join('\n  ')}`);
    }
    expect(failures, result.output.slice(0, 4000)).toEqual([]);
    expect(result.status).toBe(0);
    expect(result.byFile.size).toBe(files.length);
  });

  it('and without warnings', () => {
    const warned = [...result.byFile].filter(([, v]) => v.warnings > 0).map(([f, v]) => `${path.basename(f)}: ${v.findings.join(' | ')}`);
    expect(warned).toEqual([]);
  });

  it('the validator does catch a broken total (sanity check of the harness)', () => {
    const broken = { ...S.domestic, totals: { ...S.domestic.totals, payableMinor: S.domestic.totals.payableMinor + 1 } };
    const f = path.join(outDir, 'broken-payable.ubl.xml');
    writeFileSync(f, toUbl(broken));
    const r = runValidator([f]);
    expect(r.status).toBe(1);
    expect(r.byFile.get(f)!.findings.join('\n')).toContain('BR-CO-16');
  }, 60_000);
});
