/**
 * Tax determination and invoice tax totals (VAT). Prices are tax-exclusive: a line's amount is its net amount.
 *
 * Determination of the EN 16931 VAT category of a line (first rule that applies):
 * 1. buyer taxStatus 'exempt' → E, 0 %, exemption reason (the buyer's own text, else "Exempt from VAT");
 * 2. product category 'exempt' → E, 0 %;
 * 3. seller in a country without VAT (NO_VAT_COUNTRIES, default US) → O, 0 %, "Not subject to VAT";
 * 4. seller in the EU, buyer with a syntactically valid VAT id of another EU member state than the seller's
 *    → services: AE (reverse charge), 0 %, legal note "Reverse charge: VAT to be accounted for by the recipient,
 *      Article 196 Council Directive 2006/112/EC"; goods (supplyType 'goods'): K (intra-community supply), 0 %;
 * 5. buyer in another country than the seller and outside the seller's VAT area (EU for an EU seller) → G
 *    ("export outside the EU"), 0 %. Cadence uses G, not O, for exports: G keeps the seller's VAT id on the
 *    invoice (BR-G-02 requires it), whereas an invoice with O lines must carry no VAT ids at all (BR-O-02),
 *    which a VAT-registered seller cannot issue alongside taxed lines;
 * 6. otherwise the rate of the seller country × product category (the buyer country's rate instead for EU B2C
 *    cross-border supplies when `ossB2C` is set, the One-Stop-Shop rule for electronic services):
 *    rate > 0 → S, rate 0 → Z.
 * A VAT id that is present but malformed is ignored (VAT is charged) and reported in `warnings`.
 *
 * Rounding: 'per_invoice' (default) sums the net amounts per (category, rate) and rounds the tax once per
 * group; 'per_line' rounds each line's tax and sums. ROUND_HALF_UP by default, 'half_even' available
 * (Tryton rounds per document half-even: 45.50 × 19 % = 8.645 → 8.64). Pure.
 */
import { Decimal, decStr, type RoundingMode, roundingModeOf } from '../money';
import { checkVatId, isEuCountry, normalizeVatId } from '../vat';
import type { TaxBreakdownEntry, TaxCategoryCode } from '../documents';
import type { IsoDate } from '../billing/dates';
import { NO_VAT_COUNTRIES, taxRateFor, type TaxRateEntry } from './rates';

export * from './rates';
export type { TaxBreakdownEntry, TaxCategoryCode };

export const REVERSE_CHARGE_NOTE = 'Reverse charge: VAT to be accounted for by the recipient, Article 196 Council Directive 2006/112/EC';
export const INTRA_COMMUNITY_NOTE = 'Intra-community supply exempt from VAT, Article 138 Council Directive 2006/112/EC';
export const EXPORT_NOTE = 'Export outside the EU: VAT not charged (place of supply outside the EU)';
export const EXEMPT_NOTE = 'Exempt from VAT';
export const NOT_SUBJECT_NOTE = 'Not subject to VAT';

export type TaxRoundingMode = 'per_invoice' | 'per_line';

export interface TaxBuyer {
  /** ISO 3166-1 alpha-2. */
  country: string;
  vatId?: string | null;
  taxStatus?: 'taxable' | 'exempt';
  /** Exemption reason text for an exempt buyer (e.g. "Exempt under § 4 Nr. 21 UStG"). */
  exemptionReason?: string;
  /** VATEX code for an exempt buyer, e.g. "VATEX-EU-132-1I". */
  exemptionReasonCode?: string;
}

export interface TaxOptions {
  sellerCountry: string;
  buyer: TaxBuyer;
  /** Rounding mode of tax amounts (default half_up). */
  rounding?: RoundingMode;
  /** Where tax is rounded (default per_invoice). */
  mode?: TaxRoundingMode;
  /** Tax point (invoice or supply date) choosing dated rates; absent = current table rates. */
  taxDate?: IsoDate;
  /** Installation's rate table, overriding the defaults per country and category. */
  rates?: readonly TaxRateEntry[];
  /** EU B2C cross-border: charge the buyer country's rate (OSS) instead of the seller's. Default false. */
  ossB2C?: boolean;
}

export interface TaxLineInput {
  /** Net amount in minor units (negative for credits). */
  amountMinor: number;
  /** Product tax category (see rates.ts); default 'standard'. */
  taxCategory?: string;
  /** Goods to an EU business abroad are K (intra-community supply); services AE. Default services. */
  supplyType?: 'services' | 'goods';
  currency?: string;
}

export interface TaxDetermination {
  category: TaxCategoryCode;
  /** Percent, canonical decimal string ("19", "5.5", "0"). */
  rate: string;
  exemptionReason?: string;
  exemptionReasonCode?: string;
  /** Legal note to print on the invoice, if any. */
  note?: string;
}

export type TaxedLine<L extends TaxLineInput> = L & {
  taxCategoryCode: TaxCategoryCode;
  taxRate: string;
  /** This line's share of the tax in minor units (per_invoice: the group's tax allocated over its lines). */
  taxMinor: number;
  exemptionReason?: string;
  exemptionReasonCode?: string;
};

export interface InvoiceTotals<L extends TaxLineInput> {
  lines: TaxedLine<L>[];
  /** One entry per (category, rate), ordered by category code then rate. */
  breakdown: TaxBreakdownEntry[];
  totals: { netMinor: number; taxMinor: number; grossMinor: number };
  /** Legal notes for the invoice (reverse charge, exemption, export), each once. */
  notes: string[];
  /** E.g. a malformed buyer VAT id that was ignored. */
  warnings: string[];
}

export class TaxConfigError extends Error {
  override name = 'TaxConfigError';
}

/** The EU member state a VAT id belongs to (EL → GR), or null when it is not a valid EU VAT id. */
export function euVatCountry(vatId: string | null | undefined): string | null {
  if (!vatId) return null;
  const v = normalizeVatId(vatId);
  const prefix = v.slice(0, 2);
  const country = prefix === 'EL' ? 'GR' : prefix;
  if (!isEuCountry(country)) return null;
  return checkVatId(v, country) === null ? country : null;
}

const canonicalRate = (rate: string): string => decStr(new Decimal(rate));

/** The VAT category, rate and legal note of one line (rules in the module comment). */
export function determineTax(line: Pick<TaxLineInput, 'taxCategory' | 'supplyType'>, opts: TaxOptions, warnings: string[] = []): TaxDetermination {
  const seller = opts.sellerCountry.toUpperCase();
  const buyer = opts.buyer;
  const buyerCountry = buyer.country.toUpperCase();
  const category = line.taxCategory ?? 'standard';

  if (buyer.taxStatus === 'exempt') {
    return {
      category: 'E',
      rate: '0',
      exemptionReason: buyer.exemptionReason ?? EXEMPT_NOTE,
      ...(buyer.exemptionReasonCode ? { exemptionReasonCode: buyer.exemptionReasonCode } : {}),
      note: buyer.exemptionReason ?? EXEMPT_NOTE,
    };
  }
  if (category === 'exempt') return { category: 'E', rate: '0', exemptionReason: EXEMPT_NOTE, note: EXEMPT_NOTE };
  if (NO_VAT_COUNTRIES.includes(seller)) {
    return { category: 'O', rate: '0', exemptionReason: NOT_SUBJECT_NOTE, exemptionReasonCode: 'VATEX-EU-O', note: NOT_SUBJECT_NOTE };
  }
  const sellerEu = isEuCountry(seller);
  if (sellerEu) {
    const vatCountry = euVatCountry(buyer.vatId);
    if (buyer.vatId && !vatCountry) warnings.push(`buyer VAT id "${buyer.vatId}" is not a valid EU VAT id: VAT charged`);
    if (vatCountry && vatCountry !== seller) {
      if (line.supplyType === 'goods') {
        return { category: 'K', rate: '0', exemptionReason: 'Intra-community supply', exemptionReasonCode: 'VATEX-EU-IC', note: INTRA_COMMUNITY_NOTE };
      }
      return { category: 'AE', rate: '0', exemptionReason: 'Reverse charge', exemptionReasonCode: 'VATEX-EU-AE', note: REVERSE_CHARGE_NOTE };
    }
  }
  const sameArea = sellerEu ? isEuCountry(buyerCountry) : buyerCountry === seller;
  if (!sameArea) {
    return { category: 'G', rate: '0', exemptionReason: 'Export outside the EU', exemptionReasonCode: 'VATEX-EU-G', note: EXPORT_NOTE };
  }
  const rateCountry = sellerEu && opts.ossB2C && buyerCountry !== seller ? buyerCountry : seller;
  const rate = taxRateFor(rateCountry, category, opts.taxDate, opts.rates);
  if (rate === null) {
    throw new TaxConfigError(`no VAT rate for ${rateCountry} category "${category}"${opts.taxDate ? ` on ${opts.taxDate}` : ''}; add it to the rate table`);
  }
  const r = canonicalRate(rate);
  return { category: r === '0' ? 'Z' : 'S', rate: r };
}

const CATEGORY_ORDER: readonly TaxCategoryCode[] = ['S', 'Z', 'E', 'AE', 'K', 'G', 'O'];

/** A rate such as "19" or "7.7" as an integer number of ten-thousandths of a percent; null past 4 places. */
const RATE_SCALE = 10_000;
const scaledRates = new Map<string, number | null>();
function scaledRate(rate: string): number | null {
  let r = scaledRates.get(rate);
  if (r === undefined) {
    const m = /^(\d{1,3})(?:\.(\d{1,4}))?$/.exec(rate);
    r = m ? Number(m[1]) * RATE_SCALE + Number((m[2] ?? '').padEnd(4, '0')) : null;
    if (scaledRates.size < 1000) scaledRates.set(rate, r);
  }
  return r;
}

/**
 * tax = base × rate / 100, rounded to an integer number of minor units. Exact in integers when the rate has at most
 * 4 decimal places and the product stays a safe integer (every real VAT rate on any real amount); decimals otherwise.
 */
export function taxOf(baseMinor: number, rate: string, rounding: RoundingMode = 'half_up'): number {
  const r = scaledRate(rate);
  const num = r === null ? NaN : Math.abs(baseMinor) * r;
  if (Number.isSafeInteger(num)) {
    const den = 100 * RATE_SCALE;
    let q = Math.floor(num / den);
    const twice = 2 * (num - q * den);
    if (twice > den || (twice === den && (rounding === 'half_up' || q % 2 === 1))) q += 1;
    return baseMinor < 0 && q !== 0 ? -q : q;
  }
  const t = new Decimal(baseMinor).times(rate).div(100).toDecimalPlaces(0, roundingModeOf(rounding)).toNumber();
  return t === 0 ? 0 : t;
}

/**
 * Determines each line's VAT and the invoice's VAT breakdown and totals.
 * per_invoice: a group's tax is rounded once and then allocated over its lines (largest lines take the
 * rounding difference) so line taxes add up to the breakdown exactly.
 */
export function computeInvoiceTotals<L extends TaxLineInput>(lines: readonly L[], opts: TaxOptions): InvoiceTotals<L> {
  const rounding = opts.rounding ?? 'half_up';
  const mode = opts.mode ?? 'per_invoice';
  const warnings: string[] = [];
  const currencies = new Set(lines.map((l) => l.currency).filter((c): c is string => !!c));
  if (currencies.size > 1) throw new TaxConfigError(`lines in several currencies: ${[...currencies].join(', ')}`);
  for (const l of lines) {
    if (!Number.isSafeInteger(l.amountMinor)) throw new TaxConfigError(`amountMinor must be an integer, got ${l.amountMinor}`);
  }

  // one determination per (category, supply type): the lines of an invoice share a handful
  const byKind = new Map<string, TaxDetermination>();
  const dets = lines.map((l) => {
    const k = `${l.taxCategory ?? 'standard'}|${l.supplyType ?? ''}`;
    let d = byKind.get(k);
    if (!d) byKind.set(k, (d = determineTax(l, opts, warnings)));
    return d;
  });
  const groups = new Map<string, { det: TaxDetermination; idx: number[] }>();
  dets.forEach((d, i) => {
    const k = `${d.category}|${d.rate}`;
    const g = groups.get(k) ?? { det: d, idx: [] };
    g.idx.push(i);
    groups.set(k, g);
  });

  const lineTax = lines.map((l, i) => taxOf(l.amountMinor, dets[i]!.rate, rounding));
  const breakdown: TaxBreakdownEntry[] = [];
  for (const { det, idx } of groups.values()) {
    const base = idx.reduce((a, i) => a + lines[i]!.amountMinor, 0);
    let tax: number;
    if (mode === 'per_line') tax = idx.reduce((a, i) => a + lineTax[i]!, 0);
    else {
      tax = taxOf(base, det.rate, rounding);
      // allocate the group's tax: per-line rounding, the difference one minor unit at a time to the largest lines
      let diff = tax - idx.reduce((a, i) => a + lineTax[i]!, 0);
      const order = [...idx].sort((a, b) => Math.abs(lines[b]!.amountMinor) - Math.abs(lines[a]!.amountMinor) || a - b);
      for (let k = 0; diff !== 0; k = (k + 1) % order.length) {
        const step = diff > 0 ? 1 : -1;
        lineTax[order[k]!]! += step;
        diff -= step;
      }
    }
    breakdown.push({
      category: det.category,
      rate: det.rate,
      taxableMinor: base,
      taxMinor: tax,
      ...(det.exemptionReason ? { exemptionReason: det.exemptionReason } : {}),
      ...(det.exemptionReasonCode ? { exemptionReasonCode: det.exemptionReasonCode } : {}),
    });
  }
  breakdown.sort(
    (a, b) => CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category) || new Decimal(b.rate).comparedTo(a.rate),
  );

  const taxed = lines.map((l, i) => {
    const d = dets[i]!;
    return {
      ...l,
      taxCategoryCode: d.category,
      taxRate: d.rate,
      taxMinor: lineTax[i]! === 0 ? 0 : lineTax[i]!,
      ...(d.exemptionReason ? { exemptionReason: d.exemptionReason } : {}),
      ...(d.exemptionReasonCode ? { exemptionReasonCode: d.exemptionReasonCode } : {}),
    } as TaxedLine<L>;
  });
  const netMinor = breakdown.reduce((a, b) => a + b.taxableMinor, 0);
  const taxMinor = breakdown.reduce((a, b) => a + b.taxMinor, 0);
  const notes = [...new Set(dets.map((d) => d.note).filter((n): n is string => !!n))];
  return { lines: taxed, breakdown, totals: { netMinor, taxMinor, grossMinor: netMinor + taxMinor }, notes, warnings: [...new Set(warnings)] };
}
