/** Reference lists for pickers: ISO 3166-1 countries and the currencies Cadence supports, with English names. */
import { CURRENCIES } from '../../../shared/domain/money';

const COUNTRY_CODES = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO ' +
  'JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR ' +
  'MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO ' +
  'RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV ' +
  'TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW'
).split(' ');

export interface CodeOption {
  code: string;
  name: string;
}

const displayName = (type: 'region' | 'currency', code: string): string => {
  try {
    return new Intl.DisplayNames(['en'], { type }).of(code) ?? code;
  } catch {
    return code;
  }
};

let countries: CodeOption[] | null = null;
export function countryOptions(): CodeOption[] {
  countries ??= COUNTRY_CODES.map((code) => ({ code, name: displayName('region', code) })).sort((a, b) => a.name.localeCompare(b.name));
  return countries;
}

let currencies: CodeOption[] | null = null;
export function currencyOptions(): CodeOption[] {
  currencies ??= CURRENCIES.map((code) => ({ code, name: displayName('currency', code) }));
  return currencies;
}

export const countryName = (code: string): string => countryOptions().find((c) => c.code === code)?.name ?? code;

/**
 * Filter for code pickers: an exact code first, then codes and names starting with the text, then names containing it.
 * Typing "DE" gives Germany first; "ger" gives Germany too.
 */
export function filterCodeOptions(options: CodeOption[], input: string): CodeOption[] {
  const q = input.trim().toLowerCase();
  if (!q) return options;
  const rank = (o: CodeOption): number => {
    const code = o.code.toLowerCase();
    const name = o.name.toLowerCase();
    if (code === q) return 0;
    if (code.startsWith(q)) return 1;
    if (name.startsWith(q)) return 2;
    if (name.includes(q)) return 3;
    return 9;
  };
  return options
    .map((o) => [rank(o), o] as const)
    .filter(([r]) => r < 9)
    .sort((a, b) => a[0] - b[0])
    .map(([, o]) => o);
}
