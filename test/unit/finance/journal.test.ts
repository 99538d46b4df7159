/** GL journal: worked entries, the balance check, and a property test over random documents. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TaxCategoryCode } from '../../../shared/domain/documents';
import {
  assertBalanced,
  buildJournal,
  checkJournal,
  DEFAULT_GL_MAPPING,
  journalEntryOf,
  JournalImbalanceError,
  taxAccountOf,
  validateGlMapping,
  type GlMapping,
} from '../../../shared/domain/finance/journal';
import type { FinanceDocument } from '../../../shared/domain/finance/ledger';
import { formatMinor } from '../../../shared/domain/money';
import { makeDocument, scenarioDocuments, type LineSpec } from '../exports/fixtures';

const S = scenarioDocuments();
const MAPPING: GlMapping = {
  ...DEFAULT_GL_MAPPING,
  taxByRate: { '19': '1776', '7': '1771', 'AE:0': '1787' },
  revenueByProduct: { 'BOOK-1': '4300' },
  revenueByCategory: { service: '4400' },
  accountNames: { ...DEFAULT_GL_MAPPING.accountNames, '1776': 'VAT 19%', '1771': 'VAT 7%', '4300': 'Revenue 7%', '4400': 'Services' },
};
const fd = (doc: FinanceDocument['doc'], id = 'doc-1'): FinanceDocument => ({ id, customerId: 'cust-1', status: 'finalized', doc });
const brief = (e: ReturnType<typeof journalEntryOf>) => e.postings.map((p) => [p.role, p.account, p.debitMinor, p.creditMinor]);

describe('journal entries', () => {
  it('domestic invoice: receivable = revenue per account and rate + charge − allowance + VAT per rate', () => {
    const e = journalEntryOf(fd(S.domestic!), MAPPING, { categoryOfSku: { 'SVC-ONB': 'service' } });
    expect(e.documentNumber).toBe('INV-2025-0001');
    expect(e.date).toBe('2025-07-01');
    expect(e.currency).toBe('EUR');
    expect(brief(e)).toEqual([
      ['receivable', '1200', 194645, 0],
      ['revenue', '4000', 0, 71392], // plan 499.00 + seats 238.80 − 23.88
      ['revenue', '4300', 0, 7485], // BOOK-1 by SKU: 3 × 24.95
      ['revenue', '4400', 0, 90000], // SVC-ONB by category "service": 7.5 h × 120
      ['charge', '4000', 0, 495],
      ['allowance', '4900', 5000, 0],
      ['tax', '1771', 0, 559],
      ['tax', '1776', 0, 29714],
    ]);
    expect(e.postings.find((p) => p.account === '1776')!.accountName).toBe('VAT 19%');
    expect(e.postings.find((p) => p.account === '4300')).toMatchObject({ taxCategory: 'S', taxRate: '7' });
    const check = checkJournal([e]);
    expect(check.balanced).toBe(true);
    expect(check.totals).toEqual([{ currency: 'EUR', debitMinor: 199645, creditMinor: 199645 }]);
  });

  it('credit note: the same accounts with the sides swapped', () => {
    const e = journalEntryOf(fd(S.creditNote!), MAPPING);
    expect(brief(e)).toEqual([
      ['receivable', '1200', 0, 7406],
      ['revenue', '4000', 3980, 0],
      ['revenue', '4300', 2495, 0],
      ['tax', '1771', 175, 0],
      ['tax', '1776', 756, 0],
    ]);
  });

  it('reverse charge has no VAT posting (zero amounts are left out); JPY has no decimals', () => {
    expect(brief(journalEntryOf(fd(S.reverseCharge!), MAPPING))).toEqual([
      ['receivable', '1200', 152750, 0],
      ['revenue', '4000', 0, 152750],
    ]);
    expect(brief(journalEntryOf(fd(S.jpy!), MAPPING))).toEqual([
      ['receivable', '1200', 75232, 0],
      ['revenue', '4000', 0, 80232],
      ['allowance', '4900', 5000, 0],
    ]);
  });

  it('a credit line on an invoice goes to the debit side', () => {
    const doc = makeDocument({
      number: 'INV-NEG',
      lines: [
        { description: 'Plan', quantity: '1', unitPrice: '100.00' },
        { description: 'Unused time', quantity: '-1', unitPrice: '30.00' },
      ],
    });
    // one revenue account: 100 − 30 = 70 net credit
    expect(brief(journalEntryOf(fd(doc), MAPPING))).toEqual([
      ['receivable', '1200', 8330, 0],
      ['revenue', '4000', 0, 7000],
      ['tax', '1776', 0, 1330],
    ]);
    const split = journalEntryOf(fd(makeDocument({ number: 'INV-NEG2', lines: [{ description: 'Book', sku: 'BOOK-1', quantity: '-1', unitPrice: '10.00', taxRate: '7' }, { description: 'Plan', quantity: '1', unitPrice: '100.00' }] })), MAPPING);
    expect(split.postings.find((p) => p.account === '4300')).toMatchObject({ debitMinor: 1000, creditMinor: 0 });
    expect(split.postings.find((p) => p.account === '1771')).toMatchObject({ debitMinor: 70, creditMinor: 0 });
    expect(checkJournal([split]).balanced).toBe(true);
  });

  it('tax account lookup: CATEGORY:rate, then rate, then default; rates canonical', () => {
    expect(taxAccountOf('S', '19.00', MAPPING)).toBe('1776');
    expect(taxAccountOf('AE', '0', MAPPING)).toBe('1787');
    expect(taxAccountOf('S', '5.5', MAPPING)).toBe('2200');
  });

  it('orders entries by issue date and number', () => {
    const entries = buildJournal([fd(S.creditNote!, 'b'), fd(S.domestic!, 'a'), fd(S.usage!, 'c')], MAPPING);
    expect(entries.map((e) => e.documentNumber)).toEqual(['INV-2025-0001', 'INV-2025-0004', 'CN-2025-0001']);
  });
});

describe('balance check', () => {
  it('a document whose totals disagree with its lines gives an unbalanced entry and the export refuses', () => {
    const bad = structuredClone(S.domestic!);
    bad.totals.grossMinor += 1;
    const entries = buildJournal([fd(S.usage!, 'ok'), fd(bad, 'bad')], MAPPING);
    const check = checkJournal(entries, formatMinor);
    expect(check.balanced).toBe(false);
    expect(check.unbalanced).toEqual([{ entryId: 'bad', documentNumber: 'INV-2025-0001', currency: 'EUR', debitMinor: 199646, creditMinor: 199645 }]);
    expect(check.problems).toEqual([
      'INV-2025-0001: debits 1996.46 ≠ credits 1996.45 EUR',
      'period EUR: debits 2396.81 ≠ credits 2396.80', // + usage invoice 400.35 on both sides
    ]);
    expect(() => assertBalanced(entries, formatMinor)).toThrow(JournalImbalanceError);
    expect(() => assertBalanced(entries, formatMinor)).toThrow(/does not balance, nothing was exported: INV-2025-0001: debits 1996.46/);
  });

  it('period totals per currency; an empty account is a problem', () => {
    const entries = buildJournal([fd(S.domestic!, 'a'), fd(S.usd!, 'b'), fd(S.jpy!, 'c')], MAPPING);
    const check = checkJournal(entries);
    expect(check.balanced).toBe(true);
    expect(check.totals.map((t) => t.currency)).toEqual(['EUR', 'JPY', 'USD']);
    expect(check.totals.find((t) => t.currency === 'USD')).toEqual({ currency: 'USD', debitMinor: 284550, creditMinor: 284550 });
    const noAccount = buildJournal([fd(S.domestic!)], { ...MAPPING, receivable: '' });
    expect(checkJournal(noAccount).problems).toEqual(['INV-2025-0001: posting 1 (receivable) has no account; complete the GL mapping']);
  });

  it('validates mappings', () => {
    expect(validateGlMapping(MAPPING)).toEqual([]);
    expect(validateGlMapping({ ...MAPPING, receivable: ' ', taxByRate: { nineteen: '1776' } })).toEqual([
      { path: 'receivable', message: 'must not be empty' },
      { path: 'taxByRate.nineteen', message: 'key must be a rate ("19") or CATEGORY:rate ("S:19", "AE:0")' },
    ]);
  });
});

// ------------------------------------------------------------------------------------------------
// Property: journals balance for random invoices and credit notes.

const CATS: [TaxCategoryCode, string][] = [['S', '19'], ['S', '7'], ['AE', '0'], ['E', '0'], ['Z', '0']];
const lineArb = fc.record({
  sku: fc.constantFrom('PLAN', 'SEAT', 'BOOK-1', 'SVC-ONB', 'USG'),
  quantity: fc.oneof(fc.integer({ min: -5, max: 50 }).map(String), fc.integer({ min: 1, max: 9_999_999 }).map((n) => (n / 1000).toString())),
  unitPrice: fc.oneof(fc.integer({ min: 0, max: 500_000 }).map((n) => (n / 100).toFixed(2)), fc.integer({ min: 1, max: 99_999 }).map((n) => (n / 1e8).toFixed(8))),
  cat: fc.constantFrom(...CATS),
  discount: fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }),
});
const docArb = fc.record({
  kind: fc.constantFrom('invoice' as const, 'credit_note' as const),
  currency: fc.constantFrom('EUR', 'USD', 'JPY', 'GBP'),
  lines: fc.array(lineArb, { minLength: 1, maxLength: 12 }),
  allowance: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
  charge: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
  rounding: fc.option(fc.integer({ min: -2, max: 2 }), { nil: undefined }),
});

describe('property: journals balance', () => {
  it('every entry and the period balance for random documents', () => {
    fc.assert(
      fc.property(fc.array(docArb, { minLength: 1, maxLength: 8 }), (specs) => {
        const docs = specs.map((s, i) => {
          const lines: LineSpec[] = s.lines.map((l) => ({ description: l.sku, sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, taxCategory: l.cat[0], taxRate: l.cat[1], discountMinor: l.discount }));
          const [cat, rate] = s.lines[0]!.cat;
          const doc = makeDocument({
            kind: s.kind,
            number: `D-${i}`,
            currency: s.currency,
            lines,
            allowanceCharges: [
              ...(s.allowance ? [{ reason: 'Discount', amountMinor: s.allowance, taxCategory: cat, taxRate: rate, isCharge: false }] : []),
              ...(s.charge ? [{ reason: 'Freight', amountMinor: s.charge, taxCategory: cat, taxRate: rate, isCharge: true }] : []),
            ],
          });
          if (s.rounding) {
            doc.totals.roundingMinor = s.rounding;
            doc.totals.payableMinor += s.rounding;
          }
          return fd(doc, `id-${i}`);
        });
        const entries = buildJournal(docs, MAPPING, { categoryOfSku: { 'SVC-ONB': 'service' } });
        const check = checkJournal(entries);
        expect(check.problems).toEqual([]);
        for (const e of entries) {
          for (const p of e.postings) {
            expect(p.debitMinor === 0 || p.creditMinor === 0).toBe(true);
            expect(p.debitMinor + p.creditMinor).toBeGreaterThan(0);
          }
          // the receivable is the document's gross (+ rounding), on the side of its kind
          const d = docs.find((x) => x.id === e.entryId)!.doc;
          const r = e.postings.filter((p) => p.role === 'receivable').reduce((s, p) => s + p.debitMinor - p.creditMinor, 0);
          // (+ 0: a zero credit note's expected −1 × 0 is −0, which toBe tells from the 0 the postings sum to)
          expect(r).toBe((d.kind === 'credit_note' ? -1 : 1) * (d.totals.grossMinor + (d.totals.roundingMinor ?? 0)) + 0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
