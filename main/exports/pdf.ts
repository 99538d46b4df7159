/**
 * Invoice / credit note PDF (pdfkit). A4, all layout explicit (page margins are 0 and every
 * block checks the space left itself), so page breaks are predictable: the lines table
 * continues on the next page with its header repeated; footer and "Page x of y" are drawn on
 * every page at the end (buffered pages).
 */
import PDFDocument from 'pdfkit';
import {
  BODY_BOTTOM, CELL_PAD, CONTENT_W, defaultFonts, openDocument, type Doc, drawMark, FOOTER_TOP, heightOf, hline, INK, M_LEFT, M_RIGHT, MUTED,
  PAGE_W, RULE, text, ZEBRA,
} from './pdf-kit';

export { DEFAULT_FONT_DIR } from './pdf-kit';
import { decStr, formatMinor, minorUnits } from '../../shared/domain/money';
import {
  defaultExemption,
  type DocumentLine,
  type DocumentParty,
  type InvoiceDocument,
  type TaxBreakdownEntry,
  type TaxCategoryCode,
} from '../../shared/domain/documents';


export type PdfLocale = 'en' | 'de';

export interface PdfOptions {
  locale?: PdfLocale;
  /** Accent colour of the mark, headings and the amount-due band (default dark blue). */
  accentColor?: string;
  /** A logo image (PNG or JPEG) instead of the drawn mark. */
  logo?: Buffer;
  /**
   * Regular and bold TTF fonts that cover €. Default: DejaVu Sans from DEFAULT_FONT_DIR when present;
   * `null` forces the built-in Helvetica (currency symbols are then written as ISO codes).
   */
  fonts?: { regular: string | Buffer; bold: string | Buffer } | null;
  /** Compress page streams (default true). */
  compress?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Labels and formatting

interface Labels {
  invoice: string;
  creditNote: string;
  number: string;
  creditNumber: string;
  issueDate: string;
  dueDate: string;
  refundDate: string;
  servicePeriod: string;
  deliveryDate: string;
  customerNo: string;
  buyerReference: string;
  orderReference: string;
  correctsInvoice: string;
  invoiceDate: string;
  buyerVatId: string;
  sellerVatId: string;
  rate: string;
  billTo: string;
  vatId: string;
  regNo: string;
  pos: string;
  description: string;
  quantity: string;
  unit: string;
  unitPrice: string;
  discount: string;
  vat: string;
  amount: string;
  sku: string;
  vatBreakdown: string;
  taxable: string;
  subtotal: string;
  netTotal: string;
  vatTotal: string;
  total: string;
  paid: string;
  rounding: string;
  amountDue: string;
  amountCredited: string;
  paymentHeading: string;
  payBy: (amount: string, due: string | undefined) => string;
  refundTo: (amount: string) => string;
  iban: string;
  bic: string;
  bank: string;
  reference: string;
  notes: string;
  taxNotes: string;
  continued: string;
  page: (n: number, of: number) => string;
  categoryName: Record<TaxCategoryCode, string>;
  categoryNote: Record<TaxCategoryCode, string>;
  months: string[];
  units: Record<string, string>;
  decimal: string;
  group: string;
}

const EN: Labels = {
  invoice: 'Invoice',
  creditNote: 'Credit note',
  number: 'Invoice no.',
  creditNumber: 'Credit note no.',
  issueDate: 'Issue date',
  dueDate: 'Due date',
  refundDate: 'Refund date',
  servicePeriod: 'Service period',
  deliveryDate: 'Delivery date',
  customerNo: 'Customer no.',
  buyerReference: 'Your reference',
  orderReference: 'Purchase order',
  correctsInvoice: 'Corrects invoice',
  invoiceDate: 'Invoice date',
  buyerVatId: 'Customer VAT ID',
  sellerVatId: 'Our VAT ID',
  rate: 'Rate',
  billTo: 'Bill to',
  vatId: 'VAT ID',
  regNo: 'Reg. no.',
  pos: '#',
  description: 'Description',
  quantity: 'Qty',
  unit: 'Unit',
  unitPrice: 'Unit price',
  discount: 'Discount',
  vat: 'VAT',
  amount: 'Amount',
  sku: 'Item',
  vatBreakdown: 'VAT breakdown',
  taxable: 'Net',
  subtotal: 'Subtotal',
  netTotal: 'Total net',
  vatTotal: 'Total VAT',
  total: 'Total',
  paid: 'Paid',
  rounding: 'Rounding',
  amountDue: 'Amount due',
  amountCredited: 'Amount credited',
  paymentHeading: 'Payment',
  payBy: (a, d) => `Please transfer ${a}${d ? ` by ${d}` : ''} to the account below, quoting the invoice number.`,
  refundTo: (a) => `We will refund ${a} to your account or offset it against your next invoice.`,
  iban: 'IBAN',
  bic: 'BIC',
  bank: 'Bank',
  reference: 'Reference',
  notes: 'Notes',
  taxNotes: 'VAT notes',
  continued: 'continued',
  page: (n, of) => `Page ${n} of ${of}`,
  categoryName: {
    S: 'VAT', Z: 'Zero rated', E: 'Exempt', AE: 'Reverse charge', K: 'Intra-EU supply', G: 'Export', O: 'Not subject to VAT',
  },
  categoryNote: {
    S: '',
    Z: 'Zero-rated supply.',
    E: 'Exempt from VAT.',
    AE: 'Reverse charge: the recipient is liable for the VAT (Art. 196 Council Directive 2006/112/EC).',
    K: 'VAT-exempt intra-community supply (Art. 138 Council Directive 2006/112/EC).',
    G: 'VAT-exempt export outside the EU (Art. 146 Council Directive 2006/112/EC).',
    O: 'Not subject to VAT in the EU (place of supply outside the EU).',
  },
  months: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  units: { C62: 'pcs', H87: 'pcs', EA: 'ea', HUR: 'h', MIN: 'min', DAY: 'days', WEE: 'wk', MON: 'mo', ANN: 'yr', KGM: 'kg', MTR: 'm', GB: 'GB', E34: 'GB', LTR: 'l' },
  decimal: '.',
  group: ',',
};

const DE: Labels = {
  ...EN,
  invoice: 'Rechnung',
  creditNote: 'Gutschrift',
  number: 'Rechnungsnr.',
  creditNumber: 'Gutschriftnr.',
  issueDate: 'Rechnungsdatum',
  dueDate: 'Fällig am',
  refundDate: 'Erstattung bis',
  servicePeriod: 'Leistungszeitraum',
  deliveryDate: 'Lieferdatum',
  customerNo: 'Kundennr.',
  buyerReference: 'Ihre Referenz',
  orderReference: 'Bestellnummer',
  correctsInvoice: 'Korrektur zu Rechnung',
  invoiceDate: 'vom',
  buyerVatId: 'USt-IdNr. des Leistungsempfängers',
  sellerVatId: 'Unsere USt-IdNr.',
  rate: 'Steuersatz',
  billTo: 'Rechnungsempfänger',
  vatId: 'USt-IdNr.',
  regNo: 'Handelsregister',
  pos: '#',
  description: 'Beschreibung',
  quantity: 'Menge',
  unit: 'Einh.',
  unitPrice: 'Einzelpreis',
  discount: 'Rabatt',
  vat: 'USt.',
  amount: 'Betrag',
  sku: 'Artikel',
  vatBreakdown: 'Umsatzsteuer',
  taxable: 'Netto',
  subtotal: 'Zwischensumme',
  netTotal: 'Gesamt netto',
  vatTotal: 'Umsatzsteuer',
  total: 'Gesamtbetrag',
  paid: 'Bereits bezahlt',
  rounding: 'Rundung',
  amountDue: 'Zahlbetrag',
  amountCredited: 'Gutschriftbetrag',
  paymentHeading: 'Zahlung',
  payBy: (a, d) => `Bitte überweisen Sie ${a}${d ? ` bis zum ${d}` : ''} unter Angabe der Rechnungsnummer auf das unten genannte Konto.`,
  refundTo: (a) => `Den Betrag von ${a} erstatten wir auf Ihr Konto oder verrechnen ihn mit Ihrer nächsten Rechnung.`,
  bank: 'Bank',
  reference: 'Verwendungszweck',
  notes: 'Hinweise',
  taxNotes: 'Steuerhinweise',
  continued: 'Fortsetzung',
  page: (n, of) => `Seite ${n} von ${of}`,
  categoryName: {
    S: 'USt.', Z: 'Nullsatz', E: 'Steuerfrei', AE: 'Reverse Charge', K: 'Innergem. Lieferung', G: 'Ausfuhr', O: 'Nicht steuerbar',
  },
  categoryNote: {
    S: '',
    Z: 'Umsatz zum Nullsatz.',
    E: 'Steuerfreie Leistung.',
    AE: 'Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge, Art. 196 MwStSystRL).',
    K: 'Steuerfreie innergemeinschaftliche Lieferung (§ 4 Nr. 1b UStG, Art. 138 MwStSystRL).',
    G: 'Steuerfreie Ausfuhrlieferung (§ 4 Nr. 1a UStG).',
    O: 'Nicht im Inland steuerbare Leistung.',
  },
  months: ['Jan', 'Feb', 'Mär', 'Apr', 'Mai', 'Jun', 'Jul', 'Aug', 'Sep', 'Okt', 'Nov', 'Dez'],
  units: { ...EN.units, C62: 'Stk.', H87: 'Stk.', HUR: 'Std.', DAY: 'Tage', WEE: 'Wo.', MON: 'Mon.', ANN: 'Jahr' },
  decimal: ',',
  group: '.',
};

const LABELS: Record<PdfLocale, Labels> = { en: EN, de: DE };

const SYMBOLS: Record<string, string> = { EUR: '€', USD: '$', GBP: '£', JPY: '¥', CHF: 'CHF', INR: '₹' };

function groupDigits(s: string, L: Labels): string {
  const neg = s.startsWith('-');
  const [int, frac] = (neg ? s.slice(1) : s).split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, L.group);
  return (neg ? '-' : '') + grouped + (frac !== undefined ? L.decimal + frac : '');
}

interface Fmt {
  L: Labels;
  /** Amount without currency, e.g. "1,946.45". */
  amount(minor: number): string;
  /** Amount with currency, e.g. "€1,946.45" / "1.946,45 €" / "EUR 1,946.45". */
  money(minor: number): string;
  qty(q: string): string;
  price(p: string): string;
  rate(r: string): string;
  date(iso: string | undefined): string;
  unit(code: string): string;
}

function makeFmt(currency: string, L: Labels, unicode: boolean, locale: PdfLocale): Fmt {
  const sym = unicode ? SYMBOLS[currency] : undefined;
  const amount = (minor: number) => groupDigits(formatMinor(minor, currency), L);
  return {
    L,
    amount,
    money(minor) {
      const a = amount(minor);
      if (locale === 'de') return `${a} ${sym ?? currency}`;
      if (sym && sym.length === 1) return minor < 0 ? `-${sym}${a.slice(1)}` : `${sym}${a}`;
      return `${currency} ${a}`;
    },
    qty: (q) => groupDigits(decStr(q), L),
    price(p) {
      // at least the currency's decimals, more when the price has them (0.0006, 0.00012345)
      const s = decStr(p);
      const min = minorUnits(currency);
      const frac = s.split('.')[1] ?? '';
      const fixed = frac.length >= min ? s : Number.isNaN(Number(s)) ? s : padFrac(s, min);
      return groupDigits(fixed, L);
    },
    rate: (r) => `${groupDigits(decStr(r), L)}%`,
    date(iso) {
      if (!iso) return '';
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
      if (!m) return iso;
      if (locale === 'de') return `${m[3]}.${m[2]}.${m[1]}`;
      return `${m[3]} ${L.months[Number(m[2]) - 1]} ${m[1]}`;
    },
    unit: (code) => L.units[code] ?? code,
  };
}

function padFrac(s: string, digits: number): string {
  if (digits === 0) return s;
  const [i, f = ''] = s.split('.');
  return `${i}.${f.padEnd(digits, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Fonts (read once per process)


/** True when toPdf will use a Unicode TTF (DejaVu Sans) by default; false = Helvetica fallback. */
export function hasUnicodeFont(): boolean {
  return defaultFonts() !== null;
}

// ---------------------------------------------------------------------------------------------
// Layout constants




interface Ctx {
  doc: Doc;
  d: InvoiceDocument;
  f: Fmt;
  L: Labels;
  accent: string;
  regular: string;
  bold: string;
  logo?: Buffer;
  locale: PdfLocale;
  y: number;
}

/** Renders an invoice or credit note as a PDF and returns its bytes. */
export async function toPdf(d: InvoiceDocument, opts: PdfOptions = {}): Promise<Buffer> {
  const locale = opts.locale ?? 'en';
  const L = LABELS[locale];
  const fonts = opts.fonts === null ? null : (opts.fonts ?? defaultFonts());
  const title = d.kind === 'credit_note' ? L.creditNote : L.invoice;
  const doc = new PDFDocument({
    // with our own TTFs, skip loading pdfkit's default Helvetica metrics (~0.5 ms per document)
    ...(fonts ? { font: null as unknown as string } : {}),
    size: 'A4',
    margins: { top: 0, bottom: 0, left: 0, right: 0 },
    bufferPages: true,
    compress: opts.compress ?? true,
    autoFirstPage: true,
    info: {
      Title: `${title} ${d.number}`,
      Author: d.seller.legalName,
      Subject: `${title} ${d.number} – ${d.buyer.legalName}`,
      Creator: 'Cadence',
      CreationDate: new Date(`${d.issueDate}T00:00:00Z`),
    },
  });
  const { done, regular, bold } = openDocument(doc, fonts);
  const ctx: Ctx = {
    doc,
    d,
    L,
    f: makeFmt(d.currency, L, fonts !== null, locale),
    accent: opts.accentColor ?? '#1e3a5f',
    regular,
    bold,
    logo: opts.logo,
    locale,
    y: 0,
  };

  drawFirstPageHeader(ctx);
  drawLines(ctx);
  drawSummary(ctx);
  drawNotes(ctx);
  drawFooters(ctx);
  doc.end();
  return done;
}

// ---------------------------------------------------------------------------------------------
// Drawing helpers





function addressLines(p: DocumentParty, locale: PdfLocale, homeCountry?: string): string[] {
  const a = p.address;
  const country = a.country === homeCountry ? undefined : countryName(a.country, locale);
  return [a.line1, a.line2, `${a.postalCode} ${a.city}`.trim(), country].filter((s): s is string => !!s && s.trim() !== '');
}

const COUNTRY_NAMES: Record<string, string> = {
  DE: 'Germany', AT: 'Austria', CH: 'Switzerland', FR: 'France', NL: 'Netherlands', BE: 'Belgium', LU: 'Luxembourg', IT: 'Italy',
  ES: 'Spain', PT: 'Portugal', PL: 'Poland', CZ: 'Czech Republic', DK: 'Denmark', SE: 'Sweden', FI: 'Finland', NO: 'Norway',
  IE: 'Ireland', GB: 'United Kingdom', US: 'United States', CA: 'Canada', JP: 'Japan', AU: 'Australia',
};
const COUNTRY_NAMES_DE: Record<string, string> = {
  DE: 'Deutschland', AT: 'Österreich', CH: 'Schweiz', FR: 'Frankreich', NL: 'Niederlande', BE: 'Belgien', LU: 'Luxemburg', IT: 'Italien',
  ES: 'Spanien', PT: 'Portugal', PL: 'Polen', CZ: 'Tschechien', DK: 'Dänemark', SE: 'Schweden', FI: 'Finnland', NO: 'Norwegen',
  IE: 'Irland', GB: 'Vereinigtes Königreich', US: 'Vereinigte Staaten', CA: 'Kanada', JP: 'Japan', AU: 'Australien',
};
const countryName = (code: string, locale: PdfLocale) => (locale === 'de' ? COUNTRY_NAMES_DE : COUNTRY_NAMES)[code] ?? code;

// ---------------------------------------------------------------------------------------------
// Page 1 header: mark + seller, title, buyer address, document facts

function drawFirstPageHeader(c: Ctx): void {
  const { d, L, f } = c;
  const top = 46;
  drawMark(c, M_LEFT, top, 30);
  const nameX = c.logo ? M_LEFT : M_LEFT + 40;
  if (!c.logo) {
    text(c, d.seller.tradingName ?? d.seller.legalName, nameX, top + 2, { size: 13, bold: true, width: 260 });
    const contact = [d.seller.email, d.seller.phone].filter(Boolean);
    const sub = contact.length ? contact : [d.seller.address.line1, `${d.seller.address.postalCode} ${d.seller.address.city}`];
    text(c, sub.join(' · '), nameX, top + 19, { size: 7.5, color: MUTED, width: 260 });
  }
  const title = d.kind === 'credit_note' ? L.creditNote : L.invoice;
  text(c, title.toUpperCase(), M_LEFT + CONTENT_W - 240, top, { width: 240, align: 'right', size: 20, bold: true, color: c.accent });
  text(c, d.number, M_LEFT + CONTENT_W - 240, top + 25, { width: 240, align: 'right', size: 10, color: MUTED });

  // sender line (window envelope style) and recipient block
  let y = 128;
  const senderLine = [d.seller.legalName, d.seller.address.line1, `${d.seller.address.postalCode} ${d.seller.address.city}`].join(' · ');
  text(c, senderLine, M_LEFT, y, { size: 6.5, color: MUTED, width: 260 });
  hline(c, y + 10, M_LEFT, M_LEFT + 240, RULE, 0.4);
  y += 17;
  text(c, L.billTo.toUpperCase(), M_LEFT, y, { size: 7, bold: true, color: c.accent, width: 260 });
  y += 11;
  y = text(c, d.buyer.legalName, M_LEFT, y, { size: 10.5, bold: true, width: 260 });
  // the country line is left out for domestic addresses (DIN 5008 style)
  for (const line of addressLines(d.buyer, c.locale, d.seller.address.country)) y = text(c, line, M_LEFT, y, { size: 9.5, width: 260 });
  y += 4;
  if (d.buyer.vatId) y = text(c, `${L.vatId}: ${d.buyer.vatId}`, M_LEFT, y, { size: 8.5, color: MUTED, width: 260 });
  const leftBottom = y;

  // facts table on the right
  const facts: [string, string][] = [];
  facts.push([d.kind === 'credit_note' ? L.creditNumber : L.number, d.number]);
  facts.push([L.issueDate, f.date(d.issueDate)]);
  if (d.dueDate) facts.push([d.kind === 'credit_note' ? L.refundDate : L.dueDate, f.date(d.dueDate)]);
  if (d.servicePeriod) facts.push([L.servicePeriod, `${f.date(d.servicePeriod.start)} – ${f.date(d.servicePeriod.end)}`]);
  if (d.deliveryDate) facts.push([L.deliveryDate, f.date(d.deliveryDate)]);
  if (d.buyer.customerNumber) facts.push([L.customerNo, d.buyer.customerNumber]);
  if (d.buyerReference) facts.push([L.buyerReference, d.buyerReference]);
  if (d.orderReference) facts.push([L.orderReference, d.orderReference]);
  if (d.precedingInvoice) {
    facts.push([L.correctsInvoice, d.precedingInvoice.number]);
    facts.push([L.invoiceDate, f.date(d.precedingInvoice.issueDate)]);
  }
  const boxW = 236;
  const boxX = M_LEFT + CONTENT_W - boxW;
  let fy = 132;
  const valW = 128;
  const rowsH = facts.reduce((h, [, v]) => h + Math.max(13, heightOf(c, v, valW, 8.5) + 4), 0);
  c.doc.save().roundedRect(boxX, fy - 6, boxW, rowsH + 12, 4).fill(ZEBRA).restore();
  for (const [k, v] of facts) {
    const h = Math.max(13, heightOf(c, v, valW, 8.5) + 4);
    text(c, k, boxX + 10, fy, { size: 8, color: MUTED, width: boxW - valW - 20 });
    text(c, v, boxX + boxW - 10 - valW, fy, { size: 8.5, bold: k === facts[0]![0] || k === L.dueDate, width: valW, align: 'right' });
    fy += h;
  }
  c.y = Math.max(leftBottom, fy + 6) + 26;
}

// ---------------------------------------------------------------------------------------------
// Lines table

interface Col {
  key: 'pos' | 'desc' | 'qty' | 'unit' | 'price' | 'disc' | 'vat' | 'amount';
  title: string;
  width: number;
  align: 'left' | 'right';
}

function columns(c: Ctx): Col[] {
  const { L, d, f } = c;
  const hasDiscount = d.lines.some((l) => !!l.discountMinor);
  // numeric columns are as wide as their widest value (never wrapped), within sane bounds
  const fit = (title: string, values: string[], min: number, max: number) => {
    c.doc.font(c.bold).fontSize(7.5);
    let w = c.doc.widthOfString(title);
    c.doc.font(c.bold).fontSize(8.5);
    for (const v of values) w = Math.max(w, c.doc.widthOfString(v));
    return Math.min(max, Math.max(min, Math.ceil(w) + 2 * CELL_PAD + 2));
  };
  const cols: Col[] = [
    { key: 'pos', title: L.pos, width: fit(L.pos, [String(d.lines.length)], 20, 30), align: 'left' },
    { key: 'desc', title: L.description, width: 0, align: 'left' },
    { key: 'qty', title: L.quantity, width: fit(L.quantity, d.lines.map((l) => f.qty(l.quantity)), 40, 90), align: 'right' },
    { key: 'unit', title: L.unit, width: fit(L.unit, d.lines.map((l) => f.unit(l.unitCode)), 30, 50), align: 'left' },
    { key: 'price', title: L.unitPrice, width: fit(L.unitPrice, d.lines.map((l) => f.price(l.unitPrice)), 56, 90), align: 'right' },
  ];
  if (hasDiscount) {
    const discounts = d.lines.filter((l) => l.discountMinor).map((l) => discountCell(f, l.discountMinor!));
    cols.push({ key: 'disc', title: L.discount, width: fit(L.discount, discounts, 46, 80), align: 'right' });
  }
  cols.push({ key: 'vat', title: L.vat, width: fit(L.vat, d.lines.map((l) => vatCell(c, l.taxCategory, l.taxRate)), 36, 60), align: 'right' });
  const amountTitle = `${L.amount} ${d.currency}`;
  cols.push({ key: 'amount', title: amountTitle, width: fit(amountTitle, d.lines.map((l) => f.amount(l.netAmountMinor)), 64, 100), align: 'right' });
  const fixed = cols.reduce((sum, col) => sum + col.width, 0);
  cols[1]!.width = CONTENT_W - fixed;
  return cols;
}


function drawTableHeader(c: Ctx, cols: Col[]): void {
  const y = c.y;
  c.doc.save().rect(M_LEFT, y, CONTENT_W, 18).fill(c.accent).restore();
  let x = M_LEFT;
  for (const col of cols) {
    text(c, col.title, x + CELL_PAD, y + 5, { size: 7.5, bold: true, color: '#ffffff', width: col.width - 2 * CELL_PAD, align: col.align });
    x += col.width;
  }
  c.y = y + 18;
}

/** The discount column shows what the discount does to the line: −2.50 on a charge, 1.50 on a negative (credit) line. */
const discountCell = (f: Fmt, discountMinor: number): string => f.amount(-discountMinor);

function vatCell(c: Ctx, category: TaxCategoryCode, rate: string): string {
  return category === 'S' ? c.f.rate(rate) : category === 'O' ? '–' : `${c.f.rate(rate)} ${category}`;
}

function lineSubText(c: Ctx, line: DocumentLine): string {
  const parts: string[] = [];
  if (line.productSku) parts.push(`${c.L.sku} ${line.productSku}`);
  if (line.periodStart || line.periodEnd) {
    const s = c.f.date(line.periodStart);
    const e = c.f.date(line.periodEnd);
    parts.push(s === e || !e ? s : !s ? e : `${s} – ${e}`);
  }
  const first = parts.join('  ·  ');
  // the discount reason gets its own line so it does not break mid-phrase
  return line.discountMinor && line.discountReason ? [first, line.discountReason].filter(Boolean).join('\n') : first;
}

function continuationHeader(c: Ctx): void {
  const { d, L } = c;
  drawMark(c, M_LEFT, 40, 18);
  if (!c.logo) text(c, d.seller.tradingName ?? d.seller.legalName, M_LEFT + 26, 44, { size: 10, bold: true, width: 250 });
  const title = d.kind === 'credit_note' ? L.creditNote : L.invoice;
  text(c, `${title} ${d.number} · ${L.continued}`, M_LEFT + CONTENT_W - 280, 44, { size: 9, color: MUTED, width: 280, align: 'right' });
  hline(c, 66);
  c.y = 80;
}

function newPage(c: Ctx): void {
  c.doc.addPage({ size: 'A4', margins: { top: 0, bottom: 0, left: 0, right: 0 } });
  continuationHeader(c);
}

function drawLines(c: Ctx): void {
  const { d, f } = c;
  const cols = columns(c);
  drawTableHeader(c, cols);
  const descW = cols[1]!.width - 2 * CELL_PAD;
  const summaryHeight = summaryRows(c).height;
  let rowsOnPage = 0;
  d.lines.forEach((line, i) => {
    const sub = lineSubText(c, line);
    const hDesc = heightOf(c, line.description, descW, 8.5);
    const hSub = sub ? heightOf(c, sub, descW, 7) + 1.5 : 0;
    const rowH = hDesc + hSub + 9;
    // the last row moves with the totals, so the summary never starts a page alone
    const isLast = i === d.lines.length - 1;
    const need = rowH + (isLast ? summaryHeight + 14 : 0);
    if (c.y + need > BODY_BOTTOM && !(isLast && rowsOnPage === 0 && c.y + rowH <= BODY_BOTTOM)) {
      newPage(c);
      drawTableHeader(c, cols);
      rowsOnPage = 0;
    }
    rowsOnPage++;
    const y = c.y;
    if (i % 2 === 1) c.doc.save().rect(M_LEFT, y, CONTENT_W, rowH).fill(ZEBRA).restore();
    let x = M_LEFT;
    for (const col of cols) {
      const w = col.width - 2 * CELL_PAD;
      const cx = x + CELL_PAD;
      const ty = y + 5;
      switch (col.key) {
        case 'pos':
          text(c, String(i + 1), cx, ty, { size: 8.5, color: MUTED, width: w });
          break;
        case 'desc':
          text(c, line.description, cx, ty, { size: 8.5, width: w });
          if (sub) text(c, sub, cx, ty + hDesc + 1.5, { size: 7, color: MUTED, width: w });
          break;
        case 'qty':
          text(c, f.qty(line.quantity), cx, ty, { size: 8.5, width: w, align: 'right' });
          break;
        case 'unit':
          text(c, f.unit(line.unitCode), cx, ty, { size: 8.5, width: w });
          break;
        case 'price':
          text(c, f.price(line.unitPrice), cx, ty, { size: 8.5, width: w, align: 'right' });
          break;
        case 'disc':
          if (line.discountMinor) text(c, discountCell(f, line.discountMinor), cx, ty, { size: 8.5, width: w, align: 'right' });
          break;
        case 'vat':
          text(c, vatCell(c, line.taxCategory, line.taxRate), cx, ty, { size: 8.5, width: w, align: 'right' });
          break;
        case 'amount':
          text(c, f.amount(line.netAmountMinor), cx, ty, { size: 8.5, width: w, align: 'right', bold: true });
          break;
      }
      x += col.width;
    }
    c.y = y + rowH;
  });
  hline(c, c.y, M_LEFT, PAGE_W - M_RIGHT, c.accent, 0.8);
  c.y += 14;
}

// ---------------------------------------------------------------------------------------------
// VAT breakdown (left) and totals (right)

function breakdownLabel(c: Ctx, tb: TaxBreakdownEntry): string {
  if (tb.category === 'O') return c.L.categoryName.O;
  return `${c.L.categoryName[tb.category]} ${c.f.rate(tb.rate)}`;
}

interface SummaryRow {
  label: string;
  value: string;
  strong?: boolean;
  muted?: boolean;
  ruleAfter?: boolean;
}

const TOT_W = 226;
const TOT_VALUE_W = 96;
const TOT_LABEL_W = TOT_W - TOT_VALUE_W;
const DUE_H = 26;
const VAT_W = 250;
const VAT_ROW_H = 14;

function summaryRows(c: Ctx): { rows: SummaryRow[]; heights: number[]; height: number } {
  const { d, f, L } = c;
  const t = d.totals;
  const rows: SummaryRow[] = [{ label: L.subtotal, value: f.amount(t.lineTotalMinor), ruleAfter: true }];
  for (const ac of d.allowanceCharges) {
    const tag = ac.taxCategory === 'S' ? ` (${f.rate(ac.taxRate)})` : '';
    rows.push({ label: `${ac.reason}${tag}`, value: `${ac.isCharge ? '' : '-'}${f.amount(ac.amountMinor)}`, muted: true });
  }
  if (d.allowanceCharges.length) rows.push({ label: L.netTotal, value: f.amount(t.netMinor) });
  rows.push({ label: L.vatTotal, value: f.amount(t.taxMinor), ruleAfter: true });
  rows.push({ label: L.total, value: f.money(t.grossMinor), strong: true });
  if (t.paidMinor) rows.push({ label: L.paid, value: `-${f.amount(t.paidMinor)}`, muted: true });
  if (t.roundingMinor) rows.push({ label: L.rounding, value: f.amount(t.roundingMinor), muted: true });
  const heights = rows.map((r) => Math.max(15, heightOf(c, r.label, TOT_LABEL_W, 8.5) + 6));
  const vatH = 30 + d.taxBreakdown.length * VAT_ROW_H;
  const height = Math.max(vatH, heights.reduce((a, b) => a + b, 0) + DUE_H + 2);
  return { rows, heights, height };
}

function drawSummary(c: Ctx): void {
  const { d, f, L } = c;
  const { rows, heights, height } = summaryRows(c);
  if (c.y + height > BODY_BOTTOM) newPage(c);
  const top = c.y;
  const totX = M_LEFT + CONTENT_W - TOT_W;

  // VAT breakdown per category and rate
  text(c, L.vatBreakdown.toUpperCase(), M_LEFT, top, { size: 7, bold: true, color: c.accent, width: VAT_W });
  let y = top + 12;
  const cw = [VAT_W - 140, 70, 70];
  const heads = [L.rate, `${L.taxable} ${d.currency}`, `${L.vat} ${d.currency}`];
  let x = M_LEFT;
  heads.forEach((h, i) => {
    text(c, h, x, y, { size: 7, color: MUTED, width: cw[i]!, align: i === 0 ? 'left' : 'right' });
    x += cw[i]!;
  });
  y += 12;
  hline(c, y, M_LEFT, M_LEFT + VAT_W);
  y += 4;
  for (const tb of d.taxBreakdown) {
    x = M_LEFT;
    [breakdownLabel(c, tb), f.amount(tb.taxableMinor), f.amount(tb.taxMinor)].forEach((v, i) => {
      text(c, v, x, y, { size: 8.5, width: cw[i]!, align: i === 0 ? 'left' : 'right' });
      x += cw[i]!;
    });
    y += VAT_ROW_H;
  }
  const leftBottom = y;

  // totals
  y = top;
  rows.forEach((r, i) => {
    const o = { size: r.strong ? 9.5 : 8.5, bold: r.strong, color: r.muted ? MUTED : INK };
    text(c, r.label, totX, y, { ...o, width: TOT_LABEL_W });
    text(c, r.value, totX + TOT_LABEL_W, y, { ...o, width: TOT_VALUE_W, align: 'right' });
    y += heights[i]!;
    if (r.ruleAfter) hline(c, y - 3.5, totX, totX + TOT_W);
  });
  y += 2;
  c.doc.save().roundedRect(totX, y, TOT_W, DUE_H - 4, 3).fill(c.accent).restore();
  const dueLabel = d.kind === 'credit_note' ? L.amountCredited : L.amountDue;
  text(c, dueLabel, totX + 8, y + 6.5, { size: 10, bold: true, color: '#ffffff', width: TOT_LABEL_W - 8 });
  text(c, f.money(d.totals.payableMinor), totX + TOT_LABEL_W - 8, y + 6.5, { size: 10, bold: true, color: '#ffffff', width: TOT_VALUE_W, align: 'right' });
  y += DUE_H;
  c.y = Math.max(leftBottom, y) + 18;
}

// ---------------------------------------------------------------------------------------------
// Notes: VAT notes (reverse charge / exemptions), payment instructions, terms, free notes

interface Paragraph {
  lead?: string;
  text: string;
}

interface Block {
  heading: string;
  paragraphs: Paragraph[];
  /** Label/value pairs drawn as one row of small columns (bank details). */
  grid?: [string, string][];
}

/** The VAT notes the document needs (one per non-standard category), e.g. the reverse-charge note. */
export function taxNotes(d: InvoiceDocument, locale: PdfLocale = 'en'): Paragraph[] {
  const L = LABELS[locale];
  const out: Paragraph[] = [];
  for (const tb of d.taxBreakdown) {
    if (tb.category === 'S') continue;
    const standard = L.categoryNote[tb.category];
    // the document's own reason wins unless it is missing or just the short default ("Reverse charge")
    const own = tb.exemptionReason?.trim();
    let note = own && own !== defaultExemption(tb.category)?.text ? own : standard;
    if (!/[.!?)]$/.test(note)) note += '.';
    else if (note.endsWith(')')) note += '.';
    if (tb.category === 'AE' || tb.category === 'K') {
      const ids = [d.buyer.vatId ? `${L.buyerVatId}: ${d.buyer.vatId}` : '', d.seller.vatId ? `${L.sellerVatId}: ${d.seller.vatId}` : '']
        .filter(Boolean)
        .join(' · ');
      if (ids) note += ` ${ids}.`;
    }
    const lead = L.categoryName[tb.category];
    const p = note.toLowerCase().startsWith(lead.toLowerCase()) ? { text: note } : { lead, text: note };
    if (!out.some((o) => o.lead === p.lead && o.text === p.text)) out.push(p);
  }
  return out;
}

function noteBlocks(c: Ctx): Block[] {
  const { d, f, L } = c;
  const blocks: Block[] = [];
  const tn = taxNotes(d, c.locale);
  if (tn.length) blocks.push({ heading: L.taxNotes, paragraphs: tn });

  const pay: Paragraph[] = [];
  let grid: [string, string][] | undefined;
  const terms = d.paymentTerms?.trim();
  if (d.kind === 'invoice' && d.totals.payableMinor > 0) {
    pay.push({ text: L.payBy(f.money(d.totals.payableMinor), d.dueDate ? f.date(d.dueDate) : undefined) });
    const s = d.seller;
    grid = [
      [L.iban, s.iban ?? ''],
      [L.bic, s.bic ?? ''],
      [L.bank, s.bankName ?? ''],
      [L.reference, d.number],
    ].filter(([, v]) => v) as [string, string][];
    if (terms) pay.push({ text: terms });
  } else if (d.kind === 'credit_note' && d.totals.payableMinor > 0) {
    pay.push({ text: terms ?? L.refundTo(f.money(d.totals.payableMinor)) });
  } else if (terms) {
    pay.push({ text: terms });
  }
  if (pay.length) blocks.push({ heading: L.paymentHeading, paragraphs: pay, grid });

  const notes = d.notes.map((n) => n.trim()).filter(Boolean);
  if (notes.length) blocks.push({ heading: L.notes, paragraphs: notes.map((text) => ({ text })) });
  return blocks;
}

const GRID_H = 26;

function paragraphHeight(c: Ctx, p: Paragraph): number {
  return heightOf(c, p.lead ? `${p.lead}. ${p.text}` : p.text, CONTENT_W, 8.5) + 3;
}

function drawNotes(c: Ctx): void {
  const { doc } = c;
  for (const b of noteBlocks(c)) {
    const h = 12 + b.paragraphs.reduce((s, p) => s + paragraphHeight(c, p), 0) + (b.grid ? GRID_H + 4 : 0);
    if (c.y + h > BODY_BOTTOM) newPage(c);
    text(c, b.heading.toUpperCase(), M_LEFT, c.y, { size: 7, bold: true, color: c.accent });
    let y = c.y + 11;
    b.paragraphs.forEach((p, i) => {
      doc.fillColor(INK).fontSize(8.5);
      if (p.lead) {
        doc.font(c.bold).text(`${p.lead}. `, M_LEFT, y, { width: CONTENT_W, lineGap: 1, continued: true });
        doc.font(c.regular).text(p.text, { width: CONTENT_W, lineGap: 1 });
      } else {
        doc.font(c.regular).text(p.text, M_LEFT, y, { width: CONTENT_W, lineGap: 1 });
      }
      y = doc.y + 3;
      if (i === 0 && b.grid) {
        // bank details as small label/value columns
        const widths = [170, 95, 110, CONTENT_W - 375];
        let x = M_LEFT;
        c.doc.save().roundedRect(M_LEFT, y + 1, CONTENT_W, GRID_H, 3).fill(ZEBRA).restore();
        b.grid.forEach(([k, v], j) => {
          const w = widths[j] ?? 100;
          text(c, k, x + 8, y + 5, { size: 6.5, color: MUTED, width: w - 10 });
          text(c, v, x + 8, y + 14, { size: 8.5, bold: true, width: w - 10 });
          x += w;
        });
        y += GRID_H + 6;
      }
    });
    c.y = y + 8;
  }
}

// ---------------------------------------------------------------------------------------------
// Footer on every page: seller details in three columns and the page number

function drawFooters(c: Ctx): void {
  const { doc, d, L } = c;
  const s = d.seller;
  const col1 = [s.legalName, ...addressLines(s, c.locale)];
  const col2 = [
    s.vatId ? `${L.vatId}: ${s.vatId}` : '',
    s.registrationNumber ? `${L.regNo}: ${s.registrationNumber}` : '',
    s.email ?? '',
    s.phone ?? '',
  ].filter(Boolean);
  const col3 = [s.bankName ?? '', s.iban ? `${L.iban}: ${s.iban}` : '', s.bic ? `${L.bic}: ${s.bic}` : ''].filter(Boolean);
  const range = doc.bufferedPageRange();
  const colW = (CONTENT_W - 70) / 3;
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    hline(c, FOOTER_TOP);
    const y = FOOTER_TOP + 8;
    [col1, col2, col3].forEach((lines, k) => {
      text(c, lines.join('\n'), M_LEFT + k * colW, y, { size: 6.8, color: MUTED, width: colW - 8, lineGap: 1.2 });
    });
    text(c, L.page(i - range.start + 1, range.count), M_LEFT + CONTENT_W - 70, y, { size: 6.8, color: MUTED, width: 70, align: 'right' });
  }
}
