/**
 * What the invoice PDF (pdf.ts) and the statement of account (statement.ts) share: the A4 page geometry, the
 * colours, the default Unicode fonts (read once per process) and the drawing primitives.
 */
import { existsSync, readFileSync } from 'node:fs';

export type Doc = PDFKit.PDFDocument;

export const DEFAULT_FONT_DIR = '/usr/share/fonts/truetype/dejavu';

export const PAGE_W = 595.28;
export const PAGE_H = 841.89;
export const M_LEFT = 50;
export const M_RIGHT = 50;
export const CONTENT_W = PAGE_W - M_LEFT - M_RIGHT;
export const FOOTER_TOP = PAGE_H - 78; // footer rule
export const BODY_BOTTOM = FOOTER_TOP - 14; // content must end above this
export const CELL_PAD = 4;

export const INK = '#1f2937';
export const MUTED = '#6b7280';
export const RULE = '#d1d5db';
export const ZEBRA = '#f5f7fa';

/** The part of a renderer's context the primitives need. */
export interface PdfCanvas {
  doc: Doc;
  regular: string;
  bold: string;
  accent: string;
  logo?: Buffer;
}

let fontCache: { regular: Buffer; bold: Buffer } | null | undefined;

/** DejaVu Sans regular and bold when installed (fonts-dejavu-core), else null (Helvetica fallback). */
export function defaultFonts(): { regular: Buffer; bold: Buffer } | null {
  if (fontCache !== undefined) return fontCache;
  const regular = `${DEFAULT_FONT_DIR}/DejaVuSans.ttf`;
  const bold = `${DEFAULT_FONT_DIR}/DejaVuSans-Bold.ttf`;
  fontCache = existsSync(regular) && existsSync(bold) ? { regular: readFileSync(regular), bold: readFileSync(bold) } : null;
  return fontCache;
}

/**
 * Parsing a TTF (fontkit) costs ~20 ms per font and document. pdfkit accepts an already parsed fontkit font (anything
 * with a `layout` function) and makes its own subset per document, so the parsed font of the first document is reused
 * for later ones (keyed by the source).
 */
const parsedFonts = new Map<string | Buffer, unknown>();

function registerCached(doc: Doc, name: string, src: string | Buffer): void {
  const parsed = parsedFonts.get(src);
  doc.registerFont(name, (parsed ?? src) as never);
  if (parsed) return;
  doc.font(name);
  const font = (doc as unknown as { _font?: { font?: { layout?: unknown } } })._font?.font;
  if (font && typeof font.layout === 'function') parsedFonts.set(src, font);
}

/**
 * Prepares a new document: its bytes are collected (`done` resolves once doc.end() has run) and the body fonts
 * registered (DejaVu Sans by default; Helvetica when `fonts` is null). Returns the font names to draw with.
 */
export function openDocument(doc: Doc, fonts: { regular: string | Buffer; bold: string | Buffer } | null): { done: Promise<Buffer>; regular: string; bold: string } {
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  if (!fonts) return { done, regular: 'Helvetica', bold: 'Helvetica-Bold' };
  registerCached(doc, 'body', fonts.regular);
  registerCached(doc, 'body-bold', fonts.bold);
  return { done, regular: 'body', bold: 'body-bold' };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SYMBOLS: Record<string, string> = { EUR: '€', USD: '$', GBP: '£', JPY: '¥', INR: '₹' };

/** "2026-03-01" → "01 Mar 2026" (the statement's and the letters' date format); '' for none. */
export function printedDate(iso: string | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]} ${MONTHS[Number(m[2]) - 1]} ${m[1]}` : iso;
}

/** Thousands separators on a decimal string: "-1234.50" → "-1,234.50". */
export function groupThousands(s: string): string {
  const neg = s.startsWith('-');
  const [i, f] = (neg ? s.slice(1) : s).split('.');
  return (neg ? '-' : '') + i!.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (f !== undefined ? `.${f}` : '');
}

/** An amount as printed: "€1,234.50" with a Unicode font and a known symbol, else "SEK 1,234.50". */
export function printedMoney(amount: string, currency: string, unicode: boolean): string {
  const a = groupThousands(amount);
  const sym = unicode ? SYMBOLS[currency] : undefined;
  if (sym) return a.startsWith('-') ? `-${sym}${a.slice(1)}` : `${sym}${a}`;
  return `${currency} ${a}`;
}

export interface TextOptions {
  width?: number;
  align?: 'left' | 'right' | 'center';
  size?: number;
  bold?: boolean;
  color?: string;
  lineGap?: number;
}

/** Draws text and returns the y below it. */
export function text(c: PdfCanvas, s: string, x: number, y: number, o: TextOptions = {}): number {
  c.doc.font(o.bold ? c.bold : c.regular).fontSize(o.size ?? 9).fillColor(o.color ?? INK);
  c.doc.text(s, x, y, { width: o.width ?? CONTENT_W, align: o.align ?? 'left', lineGap: o.lineGap ?? 1 });
  return c.doc.y;
}

export function heightOf(c: PdfCanvas, s: string, width: number, size: number, bold = false, lineGap = 1): number {
  c.doc.font(bold ? c.bold : c.regular).fontSize(size);
  return c.doc.heightOfString(s, { width, lineGap });
}

export function hline(c: PdfCanvas, y: number, x1 = M_LEFT, x2 = PAGE_W - M_RIGHT, color = RULE, width = 0.6): void {
  c.doc.save().moveTo(x1, y).lineTo(x2, y).lineWidth(width).strokeColor(color).stroke().restore();
}

/** The seller's logo when given, else a vector mark: a rounded square with three rising bars ("cadence"). */
export function drawMark(c: PdfCanvas, x: number, y: number, size: number): void {
  const { doc } = c;
  if (c.logo) {
    doc.image(c.logo, x, y, { fit: [size * 4, size], valign: 'center' });
    return;
  }
  doc.save();
  doc.roundedRect(x, y, size, size, size * 0.22).fill(c.accent);
  const barW = size * 0.14;
  const gap = size * 0.1;
  const base = y + size * 0.76;
  const startX = x + (size - (3 * barW + 2 * gap)) / 2;
  [0.3, 0.46, 0.62].forEach((h, i) => doc.roundedRect(startX + i * (barW + gap), base - size * h, barW, size * h, barW / 2).fill('#ffffff'));
  doc.restore();
}
