/**
 * Realistic demo data through the service layer (so numbers, outbox rows and validation are real).
 * Deterministic for a given seed.
 */
import type { Backend } from './backend';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

const PREFIXES = ['Nordwind', 'Alpen', 'Bluefield', 'Cobalt', 'Delta', 'Evergreen', 'Falcon', 'Granite', 'Harbor', 'Iris', 'Juniper', 'Kestrel', 'Lumen', 'Meridian', 'Northstar', 'Orion', 'Pioneer', 'Quarry', 'Riverside', 'Summit', 'Tidewater', 'Unity', 'Vantage', 'Westbrook', 'Zenith', 'Atlas', 'Beacon', 'Crescent', 'Driftwood', 'Ember'];
const CORES = ['Logistics', 'Dental Labs', 'Print Services', 'Engineering', 'Analytics', 'Packaging', 'Office Supplies', 'Robotics', 'Facilities', 'Pharma', 'Software', 'Clinics', 'Hospitality', 'Manufacturing', 'Foods', 'Consulting', 'Media', 'Retail Group', 'Components', 'Energy'];
interface CountryDef { code: string; currency: string; forms: string[]; cities: [string, string][]; vat: (r: () => number) => string; streets: string[] }
const digits = (r: () => number, n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
const COUNTRIES: CountryDef[] = [
  { code: 'DE', currency: 'EUR', forms: ['GmbH', 'AG', 'GmbH & Co. KG'], cities: [['Berlin', '10115'], ['München', '80331'], ['Hamburg', '20095'], ['Köln', '50667'], ['Stuttgart', '70173']], vat: (r) => 'DE' + digits(r, 9), streets: ['Hauptstraße', 'Industriestraße', 'Bahnhofstraße', 'Gewerbepark'] },
  { code: 'FR', currency: 'EUR', forms: ['SAS', 'SARL', 'SA'], cities: [['Paris', '75002'], ['Lyon', '69002'], ['Toulouse', '31000'], ['Lille', '59000']], vat: (r) => 'FR' + digits(r, 11), streets: ['Rue de la République', 'Avenue Jean Jaurès', 'Boulevard Voltaire'] },
  { code: 'NL', currency: 'EUR', forms: ['B.V.', 'N.V.'], cities: [['Amsterdam', '1012 AB'], ['Rotterdam', '3011 AA'], ['Utrecht', '3511 AB'], ['Eindhoven', '5611 AA']], vat: (r) => 'NL' + digits(r, 9) + 'B01', streets: ['Keizersgracht', 'Stationsweg', 'Industrieweg'] },
  { code: 'AT', currency: 'EUR', forms: ['GmbH', 'AG'], cities: [['Wien', '1010'], ['Graz', '8010'], ['Linz', '4020']], vat: (r) => 'ATU' + digits(r, 8), streets: ['Mariahilfer Straße', 'Landstraße'] },
  { code: 'IT', currency: 'EUR', forms: ['S.r.l.', 'S.p.A.'], cities: [['Milano', '20121'], ['Torino', '10121'], ['Bologna', '40121']], vat: (r) => 'IT' + digits(r, 11), streets: ['Via Roma', 'Corso Italia', 'Via Garibaldi'] },
  { code: 'ES', currency: 'EUR', forms: ['S.L.', 'S.A.'], cities: [['Madrid', '28013'], ['Barcelona', '08002'], ['Valencia', '46002']], vat: (r) => 'ESB' + digits(r, 8), streets: ['Calle Mayor', 'Gran Vía', 'Avenida Diagonal'] },
  { code: 'GB', currency: 'GBP', forms: ['Ltd', 'PLC'], cities: [['London', 'EC1A 1BB'], ['Manchester', 'M1 1AE'], ['Leeds', 'LS1 1UR']], vat: (r) => 'GB' + digits(r, 9), streets: ['High Street', 'Station Road', 'King Street'] },
  { code: 'US', currency: 'USD', forms: ['Inc.', 'LLC', 'Corp.'], cities: [['New York, NY', '10001'], ['Austin, TX', '73301'], ['Chicago, IL', '60601'], ['Denver, CO', '80202']], vat: () => '', streets: ['Main Street', 'Market Street', 'Commerce Drive'] },
  { code: 'CH', currency: 'CHF', forms: ['AG', 'GmbH', 'SA'], cities: [['Zürich', '8001'], ['Basel', '4001'], ['Genève', '1201']], vat: (r) => 'CHE' + digits(r, 9) + 'MWST', streets: ['Bahnhofstrasse', 'Seestrasse'] },
  { code: 'SE', currency: 'SEK', forms: ['AB'], cities: [['Stockholm', '111 20'], ['Göteborg', '411 01']], vat: (r) => 'SE' + digits(r, 10) + '01', streets: ['Drottninggatan', 'Storgatan'] },
  { code: 'PL', currency: 'PLN', forms: ['sp. z o.o.', 'S.A.'], cities: [['Warszawa', '00-001'], ['Kraków', '30-001']], vat: (r) => 'PL' + digits(r, 10), streets: ['ul. Marszałkowska', 'ul. Długa'] },
  { code: 'JP', currency: 'JPY', forms: ['K.K.'], cities: [['Tokyo', '100-0001'], ['Osaka', '530-0001']], vat: () => '', streets: ['Marunouchi', 'Umeda'] },
];

export const SEED_PRODUCTS = [
  { sku: 'SW-CORE', name: 'Cadence Core Platform', unit: 'seat', kind: 'service', taxCategory: 'standard', description: 'Per-seat access to the core platform' },
  { sku: 'SW-API', name: 'API Calls', unit: 'api_call', kind: 'service', taxCategory: 'standard', description: 'Metered API usage' },
  { sku: 'SUP-PREM', name: 'Premium Support', unit: 'month', kind: 'service', taxCategory: 'standard', description: '24/7 support with 1h response' },
  { sku: 'MNT-ONSITE', name: 'On-site Maintenance', unit: 'hour', kind: 'service', taxCategory: 'standard', description: 'Technician hours on site' },
  { sku: 'TNR-BK-90', name: 'Toner Cartridge Black 90', unit: 'each', kind: 'physical', taxCategory: 'standard', description: 'High-yield black toner' },
  { sku: 'COF-BEANS-1KG', name: 'Office Coffee Beans 1 kg', unit: 'kg', kind: 'physical', taxCategory: 'reduced', description: 'Fair-trade espresso beans' },
  { sku: 'LAB-GLOVES-M', name: 'Nitrile Lab Gloves M (box of 100)', unit: 'box', kind: 'physical', taxCategory: 'standard', description: 'Powder-free nitrile gloves' },
  { sku: 'STO-GB', name: 'Cloud Storage', unit: 'gb', kind: 'service', taxCategory: 'standard', description: 'Storage per GB-month' },
] as const;

export async function seedCatalog(backend: Backend): Promise<{ products: number; plans: number }> {
  const existing = await backend.call('products.list', { limit: 1000 });
  const bySku = new Map(existing.items.map((p) => [p.sku, p]));
  let plans = 0;
  for (const p of SEED_PRODUCTS) {
    const product = bySku.get(p.sku) ?? (await backend.call('products.create', { ...p }));
    bySku.set(p.sku, product);
  }
  const planDefs = [
    { sku: 'SW-CORE', code: 'CORE-M', name: 'Core — monthly', interval: 'month' as const, prices: { EUR: '49', USD: '55', GBP: '42', CHF: '52', SEK: '560', PLN: '210', JPY: '7900' }, trialDays: 14 },
    { sku: 'SW-CORE', code: 'CORE-Y', name: 'Core — annual', interval: 'year' as const, prices: { EUR: '490', USD: '550', GBP: '420', CHF: '520', SEK: '5600', PLN: '2100', JPY: '79000' }, trialDays: 0 },
    { sku: 'SUP-PREM', code: 'SUP-M', name: 'Premium Support — monthly', interval: 'month' as const, prices: { EUR: '299', USD: '329', GBP: '259', CHF: '319', SEK: '3400', PLN: '1290', JPY: '48000' }, trialDays: 0, flat: true },
    { sku: 'MNT-ONSITE', code: 'MNT-Q', name: 'Maintenance — quarterly', interval: 'quarter' as const, prices: { EUR: '1200', USD: '1350' }, trialDays: 0, flat: true },
    { sku: 'TNR-BK-90', code: 'TONER-M', name: 'Toner delivery — monthly', interval: 'month' as const, prices: { EUR: '89.90', USD: '99.00' }, trialDays: 0 },
    { sku: 'COF-BEANS-1KG', code: 'COFFEE-M', name: 'Office coffee — monthly', interval: 'month' as const, prices: { EUR: '18.50', CHF: '21.00' }, trialDays: 0 },
  ];
  const existingPlans = await backend.call('plans.list', { limit: 1000 });
  const codes = new Set(existingPlans.items.map((p) => p.code));
  for (const d of planDefs) {
    if (codes.has(d.code)) continue;
    const product = bySku.get(d.sku)!;
    await backend.call('plans.create', {
      productId: product.id, code: d.code, name: d.name, interval: d.interval, trialDays: d.trialDays,
      prices: Object.entries(d.prices).map(([currency, v]) => ({ currency, model: d.flat ? { type: 'flat' as const, price: v } : { type: 'per_unit' as const, unitPrice: v } })),
    });
    plans++;
  }
  return { products: bySku.size, plans };
}

export function makeCustomerInput(i: number, r: () => number) {
  const c = COUNTRIES[Math.floor(r() * COUNTRIES.length)]!;
  const name = `${PREFIXES[Math.floor(r() * PREFIXES.length)]} ${CORES[Math.floor(r() * CORES.length)]} ${c.forms[Math.floor(r() * c.forms.length)]}`;
  const [city, postalCode] = c.cities[Math.floor(r() * c.cities.length)]!;
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 30);
  const vat = c.vat(r);
  const tags = [['key-account', 'smb', 'enterprise', 'partner'][Math.floor(r() * 4)]!, ['saas', 'consumables', 'services'][Math.floor(r() * 3)]!];
  return {
    name,
    vatId: vat || null,
    country: c.code,
    currency: c.currency,
    email: `billing+${i}@${slug}.example`,
    contacts: [{ name: ['Anna Schmidt', 'Luc Martin', 'Sofia Rossi', 'James Miller', 'Eva Novak', 'Kenji Sato'][Math.floor(r() * 6)]!, email: `ap+${i}@${slug}.example`, role: 'Accounts payable' }],
    billingAddress: { line1: `${c.streets[Math.floor(r() * c.streets.length)]} ${1 + Math.floor(r() * 200)}`, city, postalCode, country: c.code },
    paymentTermsDays: [14, 30, 30, 45, 60][Math.floor(r() * 5)]!,
    taxStatus: (vat && c.code !== 'DE' && ['FR', 'NL', 'AT', 'IT', 'ES', 'SE', 'PL'].includes(c.code) ? 'reverse_charge_eligible' : 'taxable') as 'taxable' | 'reverse_charge_eligible',
    tags,
    notes: '',
  };
}

export async function seedCustomers(backend: Backend, count: number, seed = 42, onProgress?: (done: number) => void): Promise<number> {
  const r = rng(seed);
  for (let i = 0; i < count; i++) {
    await backend.call('customers.create', makeCustomerInput(i, r));
    if (onProgress && (i + 1) % 1000 === 0) onProgress(i + 1);
  }
  return count;
}

/**
 * Subscriptions for seeded customers: the core plan in the customer's currency (when the plan has a price in it),
 * some with premium support as an add-on, start dates spread over the months before `today`.
 */
export async function seedSubscriptions(backend: Backend, today: string, seed = 7, share = 0.8): Promise<number> {
  const plans = (await backend.call('plans.list', { limit: 1000 })).items;
  const core = plans.find((p) => p.code === 'CORE-M');
  const support = plans.find((p) => p.code === 'SUP-M');
  if (!core) return 0;
  const customers = (await backend.call('customers.list', { limit: 10000, sortBy: 'number' })).items;
  let n = 0;
  for (const [i, c] of customers.entries()) {
    const r = rng(Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)); // per customer: the same choices on every call
    for (let k = 0; k < 4; k++) r(); // warm up the generator
    if (r() > share) continue;
    if (!core.prices.some((p) => p.currency === c.currency)) continue;
    const existing = await backend.call('subscriptions.list', { customerId: c.id, limit: 1 } as never) as unknown as { total: number };
    if (existing.total > 0) continue;
    const d = new Date(today + 'T00:00:00Z');
    d.setUTCDate(d.getUTCDate() - Math.floor(r() * 180));
    const items: { planId: string; quantity: string }[] = [{ planId: core.id, quantity: String(1 + Math.floor(r() * 40)) }];
    if (support && support.prices.some((p) => p.currency === c.currency) && r() < 0.4) items.push({ planId: support.id, quantity: '1' });
    await backend.call('subscriptions.create', { customerId: c.id, startDate: d.toISOString().slice(0, 10), items } as never);
    n++;
  }
  return n;
}
