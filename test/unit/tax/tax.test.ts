import { describe, expect, test } from 'vitest';
import {
  computeInvoiceTotals,
  DEFAULT_TAX_RATES,
  determineTax,
  EXPORT_NOTE,
  REVERSE_CHARGE_NOTE,
  TaxConfigError,
  taxOf,
  taxRateFor,
  type TaxOptions,
} from '../../../shared/domain/tax';
import { EU_COUNTRIES } from '../../../shared/domain/vat';
import { Decimal } from '../../../shared/domain/money';
import { proposeLines } from '../../../shared/domain/billing';
import { item, perUnit, sub } from '../billing/helpers';

const de = (buyer: TaxOptions['buyer'], over: Partial<TaxOptions> = {}): TaxOptions => ({ sellerCountry: 'DE', buyer, ...over });
const line = (amountMinor: number, taxCategory = 'standard') => ({ amountMinor, taxCategory, currency: 'EUR' });

describe('rate table', () => {
  test('covers the EU-27 standard rate plus GB, CH, NO', () => {
    for (const c of [...EU_COUNTRIES, 'GB', 'CH', 'NO']) expect(taxRateFor(c, 'standard'), c).not.toBeNull();
    expect(['DE', 'FR', 'HU', 'LU', 'FI', 'CH'].map((c) => taxRateFor(c, 'standard'))).toEqual(['19', '20', '27', '17', '25.5', '8.1']);
    expect(['DE', 'FR', 'IT', 'AT'].map((c) => taxRateFor(c, 'reduced'))).toEqual(['7', '5.5', '5', '10']);
    expect(taxRateFor('FR', 'reduced_alt')).toBe('10');
    expect(taxRateFor('ES', 'super_reduced')).toBe('4');
    expect(taxRateFor('DK', 'reduced')).toBeNull();
    expect(DEFAULT_TAX_RATES.every((e) => /^\d+(\.\d+)?$/.test(e.rate))).toBe(true);
  });
  test('dated changes: Estonia 22 % until 2025-06-30, 24 % from 2025-07-01; Finland 24 → 25.5 on 2024-09-01', () => {
    expect(taxRateFor('EE', 'standard', '2025-06-30')).toBe('22');
    expect(taxRateFor('EE', 'standard', '2025-07-01')).toBe('24');
    expect(taxRateFor('FI', 'standard', '2024-08-31')).toBe('24');
    expect(taxRateFor('FI', 'standard', '2024-09-01')).toBe('25.5');
    expect(taxRateFor('DE', 'standard', '2020-01-01')).toBe('19');
  });
  test('the override table wins', () => {
    expect(taxRateFor('DE', 'standard', undefined, [{ country: 'DE', category: 'standard', rate: '16' }])).toBe('16');
    expect(taxRateFor('DE', 'reduced', undefined, [{ country: 'DE', category: 'standard', rate: '16' }])).toBe('7');
  });
});

describe('tax determination (EN 16931 categories)', () => {
  test('domestic standard S and zero-rated Z', () => {
    expect(determineTax({}, de({ country: 'DE', vatId: 'DE123456789' }))).toEqual({ category: 'S', rate: '19' });
    expect(determineTax({ taxCategory: 'reduced' }, de({ country: 'DE' }))).toEqual({ category: 'S', rate: '7' });
    expect(determineTax({ taxCategory: 'zero' }, de({ country: 'DE' }))).toEqual({ category: 'Z', rate: '0' });
  });
  test('EU B2B reverse charge: buyer with a VAT id of another member state → AE 0 % with the legal note', () => {
    const t = determineTax({}, de({ country: 'FR', vatId: 'FR12345678901' }));
    expect(t).toEqual({ category: 'AE', rate: '0', exemptionReason: 'Reverse charge', exemptionReasonCode: 'VATEX-EU-AE', note: REVERSE_CHARGE_NOTE });
    expect(REVERSE_CHARGE_NOTE).toBe('Reverse charge: VAT to be accounted for by the recipient, Article 196 Council Directive 2006/112/EC');
    // Greek VAT ids use the EL prefix
    expect(determineTax({}, de({ country: 'GR', vatId: 'EL123456789' })).category).toBe('AE');
    // goods to an EU business abroad: intra-community supply K
    expect(determineTax({ supplyType: 'goods' }, de({ country: 'AT', vatId: 'ATU12345678' })).category).toBe('K');
  });
  test('an EU buyer without a (valid) VAT id pays the seller country VAT (or the buyer country rate with OSS)', () => {
    expect(determineTax({}, de({ country: 'FR' }))).toEqual({ category: 'S', rate: '19' });
    expect(determineTax({}, de({ country: 'FR' }, { ossB2C: true }))).toEqual({ category: 'S', rate: '20' });
    const warnings: string[] = [];
    expect(determineTax({}, de({ country: 'FR', vatId: 'FR123' }), warnings)).toEqual({ category: 'S', rate: '19' });
    expect(warnings).toEqual(['buyer VAT id "FR123" is not a valid EU VAT id: VAT charged']);
  });
  test('exempt customer → E with a note (own reason text and VATEX code when given)', () => {
    expect(determineTax({}, de({ country: 'DE', taxStatus: 'exempt' }))).toEqual({
      category: 'E', rate: '0', exemptionReason: 'Exempt from VAT', note: 'Exempt from VAT',
    });
    const t = determineTax({}, de({ country: 'DE', taxStatus: 'exempt', exemptionReason: 'Steuerfrei nach § 4 Nr. 21 UStG', exemptionReasonCode: 'VATEX-EU-132-1I' }));
    expect(t).toMatchObject({ category: 'E', exemptionReason: 'Steuerfrei nach § 4 Nr. 21 UStG', exemptionReasonCode: 'VATEX-EU-132-1I' });
    expect(determineTax({ taxCategory: 'exempt' }, de({ country: 'DE' })).category).toBe('E');
  });
  test('export outside the EU → G (not O), 0 %', () => {
    for (const country of ['US', 'CH', 'GB', 'NO', 'JP']) {
      expect(determineTax({}, de({ country, vatId: null }))).toEqual({
        category: 'G', rate: '0', exemptionReason: 'Export outside the EU', exemptionReasonCode: 'VATEX-EU-G', note: EXPORT_NOTE,
      });
    }
  });
  test('non-EU sellers: GB domestic S 20 %, GB to the EU G; a US seller is O (no VAT)', () => {
    expect(determineTax({}, { sellerCountry: 'GB', buyer: { country: 'GB' } })).toEqual({ category: 'S', rate: '20' });
    expect(determineTax({}, { sellerCountry: 'GB', buyer: { country: 'DE', vatId: 'DE123456789' } }).category).toBe('G');
    expect(determineTax({}, { sellerCountry: 'CH', buyer: { country: 'CH' } })).toEqual({ category: 'S', rate: '8.1' });
    expect(determineTax({}, { sellerCountry: 'US', buyer: { country: 'US' } })).toMatchObject({ category: 'O', rate: '0' });
  });
  test('a category the country does not have is an error', () => {
    expect(() => determineTax({ taxCategory: 'reduced' }, { sellerCountry: 'DK', buyer: { country: 'DK' } })).toThrow(TaxConfigError);
    expect(() => determineTax({}, { sellerCountry: 'BR', buyer: { country: 'BR' } })).toThrow(/no VAT rate for BR/);
  });
});

describe('rounding', () => {
  test('Tryton: 45.50 × 19 % = 8.645 → 8.64 with half_even per document, 8.65 with half_up', () => {
    const even = computeInvoiceTotals([line(4550)], de({ country: 'DE' }, { rounding: 'half_even' }));
    expect(even.breakdown).toEqual([{ category: 'S', rate: '19', taxableMinor: 4550, taxMinor: 864 }]);
    expect(even.totals).toEqual({ netMinor: 4550, taxMinor: 864, grossMinor: 5414 });
    const up = computeInvoiceTotals([line(4550)], de({ country: 'DE' }));
    expect(up.totals).toEqual({ netMinor: 4550, taxMinor: 865, grossMinor: 5415 });
    // half-even per document over several lines: 20.00 + 25.50 = 45.50 → 8.64 (per line: 3.80 + 4.845→4.84 = 8.64 too)
    const two = computeInvoiceTotals([line(2000), line(2550)], de({ country: 'DE' }, { rounding: 'half_even' }));
    expect(two.totals.taxMinor).toBe(864);
    expect(two.lines.map((l) => l.taxMinor)).toEqual([380, 484]);
    // credits round symmetrically
    expect(taxOf(-4550, '19', 'half_even')).toBe(-864);
    expect(taxOf(-4550, '19', 'half_up')).toBe(-865);
  });
  test('taxOf in integers is exactly the decimal computation (rates up to 4 places; others and huge bases by decimals)', () => {
    const byDecimal = (base: number, rate: string, mode: 'half_up' | 'half_even') => {
      const t = new Decimal(base).times(rate).div(100).toDecimalPlaces(0, mode === 'half_even' ? Decimal.ROUND_HALF_EVEN : Decimal.ROUND_HALF_UP).toNumber();
      return t === 0 ? 0 : t;
    };
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const rates = ['0', '19', '7', '7.7', '5.5', '2.1', '8.125', '13.5', '100', '0.0001', '12.34567', '3.33333333'];
    for (let i = 0; i < 20_000; i++) {
      const rate = rates[i % rates.length]!;
      // exact halves are the interesting cases: bases that are multiples of 50 / 10, and random ones
      const base = Math.round((rnd() - 0.5) * (i % 3 === 0 ? 1e6 : i % 3 === 1 ? 2e4 : 1e12)) * (i % 5 === 0 ? 50 : 1);
      for (const mode of ['half_up', 'half_even'] as const) expect(taxOf(base, rate, mode), `${base} × ${rate} % ${mode}`).toBe(byDecimal(base, rate, mode));
    }
    expect(taxOf(Number.MAX_SAFE_INTEGER, '19')).toBe(byDecimal(Number.MAX_SAFE_INTEGER, '19', 'half_up'));
    expect(Object.is(taxOf(-1, '19'), 0)).toBe(true);
  });
  test('per invoice vs per line: three lines of 0.10 at 7 %', () => {
    // per line: 0.007 → 0.01 each = 0.03; per invoice: 0.30 × 7 % = 0.021 → 0.02
    const lines = [line(10, 'reduced'), line(10, 'reduced'), line(10, 'reduced')];
    expect(computeInvoiceTotals(lines, de({ country: 'DE' }, { mode: 'per_line' })).totals.taxMinor).toBe(3);
    const inv = computeInvoiceTotals(lines, de({ country: 'DE' }));
    expect(inv.totals.taxMinor).toBe(2);
    // line taxes are allocated so they add up to the breakdown
    expect(inv.lines.map((l) => l.taxMinor)).toEqual([0, 1, 1]); // the largest (here: first) line absorbs the difference
  });
  test('breakdown per (category, rate) with totals', () => {
    const r = computeInvoiceTotals([line(10000), line(5000, 'reduced'), line(-2000), line(1000, 'zero')], de({ country: 'DE' }));
    expect(r.breakdown).toEqual([
      { category: 'S', rate: '19', taxableMinor: 8000, taxMinor: 1520 },
      { category: 'S', rate: '7', taxableMinor: 5000, taxMinor: 350 },
      { category: 'Z', rate: '0', taxableMinor: 1000, taxMinor: 0 },
    ]);
    expect(r.totals).toEqual({ netMinor: 14000, taxMinor: 1870, grossMinor: 15870 });
    expect(r.lines[0]).toMatchObject({ amountMinor: 10000, taxCategoryCode: 'S', taxRate: '19', taxMinor: 1900 });
    expect(r.lines[2]).toMatchObject({ amountMinor: -2000, taxMinor: -380 });
    expect(r.notes).toEqual([]);
  });
  test('reverse charge invoice: 0 tax, AE breakdown with VATEX code, the legal note once', () => {
    const r = computeInvoiceTotals([line(10000), line(2500)], de({ country: 'NL', vatId: 'NL123456789B01' }));
    expect(r.breakdown).toEqual([{ category: 'AE', rate: '0', taxableMinor: 12500, taxMinor: 0, exemptionReason: 'Reverse charge', exemptionReasonCode: 'VATEX-EU-AE' }]);
    expect(r.totals).toEqual({ netMinor: 12500, taxMinor: 0, grossMinor: 12500 });
    expect(r.notes).toEqual([REVERSE_CHARGE_NOTE]);
  });
  test('exempt customer invoice', () => {
    const r = computeInvoiceTotals([line(10000)], de({ country: 'DE', taxStatus: 'exempt' }));
    expect(r.breakdown).toEqual([{ category: 'E', rate: '0', taxableMinor: 10000, taxMinor: 0, exemptionReason: 'Exempt from VAT' }]);
    expect(r.notes).toEqual(['Exempt from VAT']);
  });
  test('lines in two currencies are refused', () => {
    expect(() => computeInvoiceTotals([line(1), { amountMinor: 1, currency: 'USD' }], de({ country: 'DE' }))).toThrow(/several currencies/);
  });
});

describe('generator lines into tax totals', () => {
  test('a proposed upgrade invoice, taxed in Germany half-even per document', () => {
    const s = sub({
      startDate: '2025-06-01',
      items: [item({ priceSchedule: perUnit('45.50') })],
      changes: [{ itemId: 'item-1', effectiveDate: '2025-06-11', quantity: '2' }],
    });
    const { lines } = proposeLines({ subscriptions: [s], usage: [], existing: [], targetDate: '2025-06-11' });
    // 45.50 + (−45.50 × 20/30 = −30.33) + (91.00 × 20/30 = 60.67) = 75.84; 75.84 × 19 % = 14.4096 → 14.41
    expect(lines.map((l) => l.amountMinor)).toEqual([4550, -3033, 6067]);
    const r = computeInvoiceTotals(lines, de({ country: 'DE' }, { rounding: 'half_even' }));
    expect(r.totals).toEqual({ netMinor: 7584, taxMinor: 1441, grossMinor: 9025 });
    expect(r.lines.reduce((a, l) => a + l.taxMinor, 0)).toBe(1441);
  });
});
