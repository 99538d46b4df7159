/**
 * VAT identification number checks: country prefix and national format.
 * Pure; a syntactic check only (no VIES lookup, which needs the network).
 */
const VAT_FORMATS: Record<string, RegExp> = {
  AT: /^ATU\d{8}$/,
  BE: /^BE[01]\d{9}$/,
  BG: /^BG\d{9,10}$/,
  CY: /^CY\d{8}[A-Z]$/,
  CZ: /^CZ\d{8,10}$/,
  DE: /^DE\d{9}$/,
  DK: /^DK\d{8}$/,
  EE: /^EE\d{9}$/,
  EL: /^EL\d{9}$/,
  ES: /^ES[A-Z0-9]\d{7}[A-Z0-9]$/,
  FI: /^FI\d{8}$/,
  FR: /^FR[A-HJ-NP-Z0-9]{2}\d{9}$/,
  HR: /^HR\d{11}$/,
  HU: /^HU\d{8}$/,
  IE: /^IE(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^IT\d{11}$/,
  LT: /^LT(\d{9}|\d{12})$/,
  LU: /^LU\d{8}$/,
  LV: /^LV\d{11}$/,
  MT: /^MT\d{8}$/,
  NL: /^NL\d{9}B\d{2}$/,
  PL: /^PL\d{10}$/,
  PT: /^PT\d{9}$/,
  RO: /^RO\d{2,10}$/,
  SE: /^SE\d{10}01$/,
  SI: /^SI\d{8}$/,
  SK: /^SK\d{10}$/,
  XI: /^XI(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
  GB: /^GB(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
  CH: /^CHE\d{9}(MWST|TVA|IVA)?$/,
  NO: /^NO\d{9}(MVA)?$/,
};

export const EU_COUNTRIES = [
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'GR', 'ES', 'FI', 'FR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU',
  'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
] as const;

export const isEuCountry = (country: string): boolean => (EU_COUNTRIES as readonly string[]).includes(country);

/** The VAT prefix used for a country (Greece uses EL). */
export const vatPrefixOf = (country: string): string => (country === 'GR' ? 'EL' : country);

export function normalizeVatId(vatId: string): string {
  return vatId.replace(/[\s.-]/g, '').toUpperCase();
}

/**
 * Returns null when the VAT id is acceptable for the country, otherwise a message saying what is wrong.
 * Countries without a known format accept any 4–20 letters/digits.
 */
export function checkVatId(vatId: string, country: string): string | null {
  const v = normalizeVatId(vatId);
  const prefix = vatPrefixOf(country.toUpperCase());
  const fmt = VAT_FORMATS[prefix];
  if (fmt) {
    const p = prefix === 'CH' ? 'CHE' : prefix;
    if (!v.startsWith(p)) return `must start with the country prefix ${p} for country ${country}`;
    if (!fmt.test(v)) return `is not a valid ${country} VAT number format (expected e.g. ${example(prefix)})`;
    return null;
  }
  if (!/^[A-Z0-9]{4,20}$/.test(v)) return 'must be 4–20 letters and digits';
  return null;
}

function example(prefix: string): string {
  const ex: Record<string, string> = {
    DE: 'DE123456789', FR: 'FR12345678901', NL: 'NL123456789B01', AT: 'ATU12345678', IT: 'IT12345678901',
    ES: 'ESX1234567X', BE: 'BE0123456789', GB: 'GB123456789', SE: 'SE123456789001', PL: 'PL1234567890',
  };
  return ex[prefix] ?? `${prefix} followed by the national number`;
}
