/**
 * Default VAT rates by country × product tax category (percent, decimal strings), EU-27 plus GB, CH and NO.
 * Status: rates in force on 2025-08-01, with the dated changes of 2024–2025 so that an earlier tax date still
 * finds the rate then in force. Countries change their rates: installations pass an override table
 * (`TaxOptions.rates`), whose entries replace the defaults for the same country and category.
 *
 * Categories: 'standard'; 'reduced' (the lower reduced rate ≥ 5 %, e.g. DE 7, FR 5.5); 'reduced_alt' (the
 * higher reduced rate, e.g. FR 10, AT 13); 'super_reduced' (below 5 %, e.g. ES 4, FR 2.1); 'zero' (zero-rated,
 * 0 %, category Z); 'exempt' (category E). A category a country does not have is an error, not a silent 0.
 * Countries without VAT (the US by default) are in NO_VAT_COUNTRIES: their supplies are 'O' (not subject to VAT).
 */
import type { IsoDate } from '../billing/dates';

export type TaxCategory = 'standard' | 'reduced' | 'reduced_alt' | 'super_reduced' | 'zero' | 'exempt';
export const TAX_CATEGORIES: readonly TaxCategory[] = ['standard', 'reduced', 'reduced_alt', 'super_reduced', 'zero', 'exempt'];

export interface TaxRateEntry {
  /** ISO 3166-1 alpha-2 (GR for Greece, not EL). */
  country: string;
  category: string;
  /** Percent, e.g. "19", "5.5". */
  rate: string;
  /** First day in force (inclusive); absent = always. */
  validFrom?: IsoDate;
  /** First day no longer in force (exclusive); absent = still in force. */
  validTo?: IsoDate;
}

/** Countries with no VAT / GST charged by Cadence by default. */
export const NO_VAT_COUNTRIES: readonly string[] = ['US'];

type Row = [country: string, standard: string, reduced?: string, reducedAlt?: string, superReduced?: string];

const CURRENT: Row[] = [
  ['AT', '20', '10', '13'],
  ['BE', '21', '6', '12'],
  ['BG', '20', '9'],
  ['CY', '19', '5', '9'],
  ['CZ', '21', '12'],
  ['DE', '19', '7'],
  ['DK', '25'],
  ['EE', '24', '9', '13'],
  ['ES', '21', '10', undefined, '4'],
  ['FI', '25.5', '10', '14'],
  ['FR', '20', '5.5', '10', '2.1'],
  ['GR', '24', '6', '13'],
  ['HR', '25', '5', '13'],
  ['HU', '27', '5', '18'],
  ['IE', '23', '9', '13.5', '4.8'],
  ['IT', '22', '5', '10', '4'],
  ['LT', '21', '5', '9'],
  ['LU', '17', '8', '14', '3'],
  ['LV', '21', '5', '12'],
  ['MT', '18', '5', '7'],
  ['NL', '21', '9'],
  ['PL', '23', '5', '8'],
  ['PT', '23', '6', '13'],
  ['RO', '21', '11'],
  ['SE', '25', '6', '12'],
  ['SI', '22', '5', '9.5'],
  ['SK', '23', '5', '19'],
  ['GB', '20', '5'],
  ['CH', '8.1', '2.6', '3.8'],
  ['NO', '25', '12', '15'],
];

/** Rates in force from a date; the previous value is in force until then. [country, category, old, new, from]. */
const CHANGES: [string, TaxCategory, string, string, IsoDate][] = [
  ['CH', 'standard', '7.7', '8.1', '2024-01-01'],
  ['CH', 'reduced', '2.5', '2.6', '2024-01-01'],
  ['CH', 'reduced_alt', '3.7', '3.8', '2024-01-01'],
  ['EE', 'standard', '22', '24', '2025-07-01'],
  ['FI', 'standard', '24', '25.5', '2024-09-01'],
  ['SK', 'standard', '20', '23', '2025-01-01'],
  ['SK', 'reduced_alt', '10', '19', '2025-01-01'],
  ['RO', 'standard', '19', '21', '2025-08-01'],
  ['RO', 'reduced', '5', '11', '2025-08-01'],
  ['RO', 'reduced_alt', '9', '11', '2025-08-01'],
];

function buildDefaults(): TaxRateEntry[] {
  const out: TaxRateEntry[] = [];
  for (const [country, standard, reduced, reducedAlt, superReduced] of CURRENT) {
    const cats: [TaxCategory, string | undefined][] = [
      ['standard', standard],
      ['reduced', reduced],
      ['reduced_alt', reducedAlt],
      ['super_reduced', superReduced],
      ['zero', '0'],
    ];
    for (const [category, rate] of cats) {
      if (rate === undefined) continue;
      const change = CHANGES.find((c) => c[0] === country && c[1] === category);
      if (change) {
        out.push({ country, category, rate: change[2], validTo: change[4] });
        out.push({ country, category, rate, validFrom: change[4] });
      } else out.push({ country, category, rate });
    }
  }
  return out;
}

export const DEFAULT_TAX_RATES: readonly TaxRateEntry[] = Object.freeze(buildDefaults());

const inForce = (e: TaxRateEntry, date: IsoDate | undefined): boolean =>
  date === undefined ? e.validTo === undefined : (e.validFrom === undefined || e.validFrom <= date) && (e.validTo === undefined || date < e.validTo);

/**
 * The rate (percent string) for country × category on `date` (absent: the rate currently in the table),
 * the override table first. Null when neither table has one.
 */
/** DEFAULT_TAX_RATES (frozen) by `COUNTRY|category`, in table order: taxRateFor runs for every invoice line. */
let defaultIndex: Map<string, TaxRateEntry[]> | null = null;
function defaultsFor(c: string, category: string): readonly TaxRateEntry[] {
  if (!defaultIndex) {
    defaultIndex = new Map();
    for (const e of DEFAULT_TAX_RATES) {
      const k = `${e.country.toUpperCase()}|${e.category}`;
      const xs = defaultIndex.get(k);
      if (xs) xs.push(e);
      else defaultIndex.set(k, [e]);
    }
  }
  return defaultIndex.get(`${c}|${category}`) ?? [];
}

export function taxRateFor(country: string, category: string, date?: IsoDate, overrides: readonly TaxRateEntry[] = []): string | null {
  const c = country.toUpperCase();
  for (const table of [overrides, null]) {
    const hits = table === null ? defaultsFor(c, category) : table.filter((e) => e.country.toUpperCase() === c && e.category === category);
    if (hits.length === 0) continue;
    const hit = hits.filter((e) => inForce(e, date)).sort((a, b) => (b.validFrom ?? '').localeCompare(a.validFrom ?? ''))[0];
    if (hit) return hit.rate;
  }
  return null;
}
