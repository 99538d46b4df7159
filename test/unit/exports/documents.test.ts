import { describe, expect, it } from 'vitest';
import {
  exemptionOf,
  lineNetMinor,
  validateDocument,
  validateDocumentArithmetic,
  validateDocumentRules,
  type InvoiceDocument,
} from '../../../shared/domain/documents';
import { BUYER_US, generateDocuments, scenarioDocuments } from './fixtures';

const S = scenarioDocuments();
const clone = (d: InvoiceDocument): InvoiceDocument => structuredClone(d);
const paths = (ps: { path: string }[]) => ps.map((p) => p.path);

describe('lineNetMinor', () => {
  it('rounds quantity × price to the currency and subtracts the discount', () => {
    expect(lineNetMinor({ quantity: '1234.567', unitPrice: '0.0006' }, 'EUR')).toBe(74); // 0.7407402
    expect(lineNetMinor({ quantity: '987654.321', unitPrice: '0.00012345' }, 'EUR')).toBe(12193); // 121.9259…
    expect(lineNetMinor({ quantity: '12', unitPrice: '19.90', discountMinor: 2388 }, 'EUR')).toBe(21492);
    expect(lineNetMinor({ quantity: '1234.567', unitPrice: '0.35' }, 'JPY')).toBe(432); // 432.09845 yen
    expect(lineNetMinor({ quantity: '0.125', unitPrice: '0.1' }, 'EUR', 'half_up')).toBe(1); // 1.25 cents
    expect(lineNetMinor({ quantity: '0.125', unitPrice: '0.2' }, 'EUR', 'half_even')).toBe(2); // 2.5 cents → 2
    expect(lineNetMinor({ quantity: '-2', unitPrice: '19.90' }, 'EUR')).toBe(-3980);
  });
});

describe('validateDocumentArithmetic', () => {
  it('accepts every scenario and 200 generated documents', () => {
    for (const [name, d] of Object.entries(S)) expect(validateDocument(d), name).toEqual([]);
    for (const d of generateDocuments(200, 9)) expect(validateDocumentArithmetic(d), d.number).toEqual([]);
  });

  it('finds a line whose net does not match quantity × price − discount', () => {
    const d = clone(S.domestic);
    d.lines[1]!.netAmountMinor += 2;
    d.totals.lineTotalMinor += 2; // keep the totals consistent so only the line and VAT base are reported
    const ps = validateDocumentArithmetic(d);
    expect(ps[0]).toEqual({ path: 'lines[1].netAmountMinor', message: 'is 21494 but quantity × unit price − discount = 21492 minor units' });
    expect(paths(ps)).toContain('taxBreakdown[0].taxableMinor');
  });

  it('tolerates half a minor unit either way (any rounding mode) but not more', () => {
    const d = clone(S.usage);
    // exact 74.07402 cents: 74 is right, 75 is 0.93 away → reported
    d.lines[0]!.netAmountMinor = 75;
    expect(paths(validateDocumentArithmetic(d))).toContain('lines[0].netAmountMinor');
    const e = clone(S.domestic);
    e.lines[0] = { ...e.lines[0]!, quantity: '0.125', unitPrice: '0.2', netAmountMinor: 3 }; // 2.5 cents: 2 or 3 both fine
    const ps = validateDocumentArithmetic(e);
    expect(paths(ps)).not.toContain('lines[0].netAmountMinor');
  });

  it('checks the VAT breakdown against lines and document allowances/charges', () => {
    const d = clone(S.domestic);
    d.taxBreakdown[0]!.taxableMinor = 156892; // forgot the 50.00 allowance
    const ps = validateDocumentArithmetic(d);
    expect(ps).toContainEqual({
      path: 'taxBreakdown[0].taxableMinor',
      message: 'is 156892 but the lines, allowances and charges at S 19% sum to 156392',
    });
    expect(ps).toContainEqual({ path: 'taxBreakdown[0].taxMinor', message: 'is 29714 but 156892 × 19% = 29809.48 minor units' });
  });

  it('reports a missing and a superfluous VAT group', () => {
    const d = clone(S.domestic);
    d.taxBreakdown = [d.taxBreakdown[0]!, { category: 'S', rate: '16', taxableMinor: 0, taxMinor: 0 }];
    const ps = validateDocumentArithmetic(d);
    expect(ps).toContainEqual({ path: 'taxBreakdown[1]', message: 'no line, allowance or charge has category S at 16%' });
    expect(ps).toContainEqual({ path: 'taxBreakdown', message: 'missing an entry for category S at 7% (used by lines[3])' });
  });

  it('checks each total: lines, allowances, charges, net, tax, gross, payable', () => {
    const d = clone(S.domestic);
    d.totals = { ...d.totals, grossMinor: d.totals.grossMinor + 1, payableMinor: d.totals.payableMinor + 1 };
    expect(validateDocumentArithmetic(d)).toEqual([{ path: 'totals.grossMinor', message: 'is 194646 but net + tax = 194645' }]);
    const e = clone(S.usage);
    e.totals.payableMinor = e.totals.grossMinor; // forgot the prepayment
    expect(validateDocumentArithmetic(e)).toEqual([{ path: 'totals.payableMinor', message: 'is 40035 but gross − paid + rounding = 35035' }]);
    const f = clone(S.domestic);
    f.totals.allowanceTotalMinor = 0;
    expect(paths(validateDocumentArithmetic(f))).toEqual(['totals.allowanceTotalMinor', 'totals.netMinor']);
  });

  it('accepts cash rounding when payable = gross − paid + rounding', () => {
    const d = clone(S.usd);
    d.totals = { ...d.totals, roundingMinor: 50, payableMinor: d.totals.grossMinor + 50 };
    expect(validateDocumentArithmetic(d)).toEqual([]);
  });

  it('rejects fractional minor units and bad decimals', () => {
    const d = clone(S.domestic);
    d.lines[0]!.netAmountMinor = 49900.5;
    d.lines[2]!.quantity = '7,5';
    const ps = paths(validateDocumentArithmetic(d));
    expect(ps).toContain('lines[0].netAmountMinor');
    expect(ps).toContain('lines[2].quantity');
  });
});

describe('validateDocumentRules', () => {
  it('requires the buyer VAT id for reverse charge and an exemption reason for E', () => {
    const d = clone(S.reverseCharge);
    d.buyer = { ...d.buyer, vatId: undefined };
    expect(paths(validateDocumentRules(d))).toEqual(['buyer.vatId']);
    const e = clone(S.exempt);
    delete e.taxBreakdown[0]!.exemptionReason;
    delete e.taxBreakdown[0]!.exemptionReasonCode;
    expect(paths(validateDocumentRules(e))).toEqual(['taxBreakdown[0].exemptionReason']);
  });

  it('rejects O mixed with other categories, S at 0 %, and rates on non-S categories', () => {
    const d = clone(S.jpy);
    d.lines[1] = { ...d.lines[1]!, taxCategory: 'S', taxRate: '0' };
    const ps = paths(validateDocumentRules(d));
    expect(ps).toContain('lines[1].taxRate');
    expect(ps).toContain('lines');
    const e = clone(S.reverseCharge);
    e.lines[0]!.taxRate = '19';
    expect(paths(validateDocumentRules(e))).toEqual(['lines[0].taxRate']);
  });

  it('asks for a reference, a K delivery date, and 2-decimal currencies', () => {
    const d = clone(S.intraCommunity);
    d.deliveryDate = undefined;
    d.buyerReference = undefined;
    d.currency = 'KWD';
    expect(paths(validateDocumentRules(d)).sort()).toEqual(['buyerReference', 'currency', 'deliveryDate']);
  });

  it('line periods must lie within the service period (Peppol R110/R111)', () => {
    const d = clone(S.domestic);
    d.lines[0] = { ...d.lines[0]!, periodStart: '2025-05-15', periodEnd: '2025-07-14' };
    expect(validateDocumentRules(d)).toEqual([
      { path: 'lines[0].periodStart', message: 'is before the service period start 2025-06-01' },
      { path: 'lines[0].periodEnd', message: 'is after the service period end 2025-06-30' },
    ]);
  });

  it('default exemption codes per category', () => {
    expect(exemptionOf({ category: 'AE' })).toEqual({ code: 'VATEX-EU-AE', text: 'Reverse charge' });
    expect(exemptionOf({ category: 'K' })).toEqual({ code: 'VATEX-EU-IC', text: 'Intra-community supply' });
    expect(exemptionOf({ category: 'S' })).toBeNull();
    expect(exemptionOf({ category: 'E', exemptionReason: 'Art. 132', exemptionReasonCode: 'VATEX-EU-132' })).toEqual({ code: 'VATEX-EU-132', text: 'Art. 132' });
    expect(BUYER_US.vatId).toBeUndefined();
  });
});
