/**
 * General ledger journal: one entry per invoice and credit note, built from a configurable account
 * mapping, and a check that every entry and the period balance (debits = credits per currency).
 *
 * Invoice entry (a credit note is the same with the sides swapped):
 *   Dr receivable            gross (+ cash rounding)
 *   Cr revenue account       net of the lines, per account and VAT group
 *   Dr allowances account    document-level discounts      Cr charges account  document-level charges
 *   Cr tax account           VAT per rate (from the VAT breakdown)
 *   Cr rounding account      cash rounding, if any
 * The receivable side comes from the document totals and the other side from its lines and VAT
 * breakdown, so a document whose sums do not agree gives an unbalanced entry and the export refuses.
 * Negative amounts (credit lines on an invoice) go to the other side. Zero postings are left out.
 */
import { taxGroupKey, type DocumentLine, type TaxCategoryCode } from '../documents';
import { decStr } from '../money';
import { addTo, byIssueDate, docSign, type FinanceDocument } from './ledger';

export interface GlMapping {
  /** Trade receivables (debtors). */
  receivable: string;
  /** Revenue account when neither the product nor its category is mapped. */
  revenueDefault: string;
  /** Revenue account per product SKU (wins over the category). */
  revenueByProduct: Record<string, string>;
  /** Revenue account per product category (the product's kind, e.g. "service", "physical"). */
  revenueByCategory: Record<string, string>;
  /**
   * VAT account per rate. Keys: "CATEGORY:rate" (e.g. "S:19", "AE:0") or just the rate ("19", "7");
   * the more specific key wins. Rates are canonical decimals ("19", "7.7").
   */
  taxByRate: Record<string, string>;
  /** VAT account when the rate is not mapped. */
  taxDefault: string;
  /** Document-level allowances (discounts); default: the revenue default account. */
  allowances?: string;
  /** Document-level charges; default: the revenue default account. */
  charges?: string;
  /** Cash rounding [BT-114]; default: the revenue default account. */
  rounding?: string;
  /** Display names for accounts, printed in the journal. */
  accountNames: Record<string, string>;
}

export const DEFAULT_GL_MAPPING: GlMapping = {
  receivable: '1200',
  revenueDefault: '4000',
  revenueByProduct: {},
  revenueByCategory: {},
  taxByRate: {},
  taxDefault: '2200',
  allowances: '4900',
  charges: '4000',
  rounding: '4990',
  accountNames: {
    '1200': 'Accounts receivable',
    '4000': 'Revenue',
    '2200': 'VAT payable',
    '4900': 'Sales discounts',
    '4990': 'Rounding differences',
  },
};

export type PostingRole = 'receivable' | 'revenue' | 'allowance' | 'charge' | 'tax' | 'rounding';

export interface JournalPosting {
  account: string;
  accountName: string;
  role: PostingRole;
  /** Non-negative; exactly one of debit/credit is non-zero. */
  debitMinor: number;
  creditMinor: number;
  /** VAT category and rate for revenue, allowance, charge and tax postings. */
  taxCategory?: TaxCategoryCode;
  taxRate?: string;
  description: string;
}

export interface JournalEntry {
  /** The document's id. */
  entryId: string;
  date: string;
  documentKind: 'invoice' | 'credit_note';
  documentNumber: string;
  customerId: string;
  customerNumber: string;
  customerName: string;
  currency: string;
  postings: JournalPosting[];
}

export interface JournalOptions {
  /** Product category per SKU, for `revenueByCategory`. */
  categoryOfSku?: Readonly<Record<string, string>>;
}

/** The revenue account of a line: by SKU, then by its product's category, then the default. */
export function revenueAccountOf(line: Pick<DocumentLine, 'productSku'>, mapping: GlMapping, opts: JournalOptions = {}): string {
  const sku = line.productSku;
  if (sku && mapping.revenueByProduct[sku]) return mapping.revenueByProduct[sku]!;
  const cat = sku ? opts.categoryOfSku?.[sku] : undefined;
  if (cat && mapping.revenueByCategory[cat]) return mapping.revenueByCategory[cat]!;
  return mapping.revenueDefault;
}

const canonicalRate = (rate: string): string => {
  try {
    return decStr(rate);
  } catch {
    return rate;
  }
};

/** The VAT account of a (category, rate): "S:19", then "19", then the default. */
export function taxAccountOf(category: TaxCategoryCode, rate: string, mapping: GlMapping): string {
  const r = canonicalRate(rate);
  return mapping.taxByRate[`${category}:${r}`] ?? mapping.taxByRate[r] ?? mapping.taxDefault;
}

interface Acc {
  account: string;
  role: PostingRole;
  taxCategory?: TaxCategoryCode;
  taxRate?: string;
  description: string;
  /** Debit positive, credit negative. */
  signed: number;
}

/** The journal entry of one invoice or credit note. */
export function journalEntryOf(fd: FinanceDocument, mapping: GlMapping, opts: JournalOptions = {}): JournalEntry {
  const d = fd.doc;
  const s = docSign(fd);
  const accs = new Map<string, Acc>();
  const post = (a: Omit<Acc, 'signed'>, signed: number) => {
    const key = `${a.role}|${a.account}|${a.taxCategory ? taxGroupKey(a.taxCategory, a.taxRate ?? '0') : ''}`;
    const cur = accs.get(key);
    if (cur) cur.signed += signed;
    else accs.set(key, { ...a, signed });
  };
  const t = d.totals;
  const rounding = t.roundingMinor ?? 0;
  post({ account: mapping.receivable, role: 'receivable', description: `${kindLabel(d.kind)} ${d.number}` }, s * (t.grossMinor + rounding));
  for (const line of d.lines) {
    const rate = canonicalRate(line.taxRate);
    post(
      { account: revenueAccountOf(line, mapping, opts), role: 'revenue', taxCategory: line.taxCategory, taxRate: rate, description: 'Revenue' },
      -s * line.netAmountMinor,
    );
  }
  for (const ac of d.allowanceCharges) {
    const rate = canonicalRate(ac.taxRate);
    if (ac.isCharge) {
      post({ account: mapping.charges ?? mapping.revenueDefault, role: 'charge', taxCategory: ac.taxCategory, taxRate: rate, description: 'Charges' }, -s * ac.amountMinor);
    } else {
      post({ account: mapping.allowances ?? mapping.revenueDefault, role: 'allowance', taxCategory: ac.taxCategory, taxRate: rate, description: 'Discounts' }, s * ac.amountMinor);
    }
  }
  for (const tb of d.taxBreakdown) {
    const rate = canonicalRate(tb.rate);
    post({ account: taxAccountOf(tb.category, rate, mapping), role: 'tax', taxCategory: tb.category, taxRate: rate, description: `VAT ${tb.category} ${rate}%` }, -s * tb.taxMinor);
  }
  if (rounding) post({ account: mapping.rounding ?? mapping.revenueDefault, role: 'rounding', description: 'Cash rounding' }, -s * rounding);

  const order: PostingRole[] = ['receivable', 'revenue', 'charge', 'allowance', 'tax', 'rounding'];
  const postings: JournalPosting[] = [...accs.values()]
    .filter((a) => a.signed !== 0)
    .sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role) || (a.account < b.account ? -1 : a.account > b.account ? 1 : 0))
    .map((a) => ({
      account: a.account,
      accountName: mapping.accountNames[a.account] ?? '',
      role: a.role,
      debitMinor: a.signed > 0 ? a.signed : 0,
      creditMinor: a.signed < 0 ? -a.signed : 0,
      ...(a.taxCategory ? { taxCategory: a.taxCategory, taxRate: a.taxRate } : {}),
      description: a.description,
    }));
  return {
    entryId: fd.id,
    date: d.issueDate,
    documentKind: d.kind,
    documentNumber: d.number,
    customerId: fd.customerId,
    customerNumber: d.buyer.customerNumber ?? '',
    customerName: d.buyer.legalName,
    currency: d.currency,
    postings,
  };
}

const kindLabel = (k: 'invoice' | 'credit_note') => (k === 'credit_note' ? 'Credit note' : 'Invoice');

/** Journal entries of the documents, in issue-date order. */
export function buildJournal(docs: readonly FinanceDocument[], mapping: GlMapping, opts: JournalOptions = {}): JournalEntry[] {
  return [...docs].sort(byIssueDate).map((d) => journalEntryOf(d, mapping, opts));
}

export interface EntryBalance {
  entryId: string;
  documentNumber: string;
  currency: string;
  debitMinor: number;
  creditMinor: number;
}

export interface JournalCheck {
  balanced: boolean;
  /** One line per problem, e.g. "INV-1: debits 119.00 ≠ credits 118.99 EUR". */
  problems: string[];
  /** Entries whose debits differ from their credits. */
  unbalanced: EntryBalance[];
  /** Period totals per currency. */
  totals: { currency: string; debitMinor: number; creditMinor: number }[];
}

/** Checks that every entry balances and that the period's debits equal its credits in each currency. */
export function checkJournal(entries: readonly JournalEntry[], format: (minor: number, currency: string) => string = (m) => String(m)): JournalCheck {
  const problems: string[] = [];
  const unbalanced: EntryBalance[] = [];
  const debit = new Map<string, number>();
  const credit = new Map<string, number>();
  for (const e of entries) {
    let dr = 0;
    let cr = 0;
    e.postings.forEach((p, i) => {
      if (!Number.isSafeInteger(p.debitMinor) || !Number.isSafeInteger(p.creditMinor) || p.debitMinor < 0 || p.creditMinor < 0) {
        problems.push(`${e.documentNumber}: posting ${i + 1} has an invalid amount`);
      }
      if (!p.account.trim()) problems.push(`${e.documentNumber}: posting ${i + 1} (${p.role}) has no account; complete the GL mapping`);
      dr += p.debitMinor;
      cr += p.creditMinor;
    });
    addTo(debit, e.currency, dr);
    addTo(credit, e.currency, cr);
    if (dr !== cr) {
      unbalanced.push({ entryId: e.entryId, documentNumber: e.documentNumber, currency: e.currency, debitMinor: dr, creditMinor: cr });
      problems.push(`${e.documentNumber}: debits ${format(dr, e.currency)} ≠ credits ${format(cr, e.currency)} ${e.currency}`);
    }
  }
  const totals = [...debit.keys()].sort().map((currency) => ({ currency, debitMinor: debit.get(currency)!, creditMinor: credit.get(currency)! }));
  for (const t of totals) {
    if (t.debitMinor !== t.creditMinor) problems.push(`period ${t.currency}: debits ${format(t.debitMinor, t.currency)} ≠ credits ${format(t.creditMinor, t.currency)}`);
  }
  return { balanced: problems.length === 0, problems, unbalanced, totals };
}

export class JournalImbalanceError extends Error {
  override name = 'JournalImbalanceError';
  constructor(public readonly check: JournalCheck) {
    super(`The journal does not balance, nothing was exported: ${check.problems.slice(0, 5).join('; ')}${check.problems.length > 5 ? ` (and ${check.problems.length - 5} more)` : ''}`);
  }
}

/** Throws JournalImbalanceError unless every entry and the period balance. */
export function assertBalanced(entries: readonly JournalEntry[], format?: (minor: number, currency: string) => string): JournalCheck {
  const check = checkJournal(entries, format);
  if (!check.balanced) throw new JournalImbalanceError(check);
  return check;
}

/** Problems in a mapping (empty accounts), as field issues. */
export function validateGlMapping(m: GlMapping): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const req = (path: string, v: string | undefined) => {
    if (v !== undefined && !v.trim()) out.push({ path, message: 'must not be empty' });
  };
  req('receivable', m.receivable);
  req('revenueDefault', m.revenueDefault);
  req('taxDefault', m.taxDefault);
  req('allowances', m.allowances);
  req('charges', m.charges);
  req('rounding', m.rounding);
  for (const [k, v] of Object.entries(m.revenueByProduct)) req(`revenueByProduct.${k}`, v);
  for (const [k, v] of Object.entries(m.revenueByCategory)) req(`revenueByCategory.${k}`, v);
  for (const [k, v] of Object.entries(m.taxByRate)) {
    req(`taxByRate.${k}`, v);
    if (!/^([A-Z]{1,2}:)?\d+(\.\d+)?$/.test(k)) out.push({ path: `taxByRate.${k}`, message: 'key must be a rate ("19") or CATEGORY:rate ("S:19", "AE:0")' });
  }
  return out;
}
