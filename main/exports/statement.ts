/**
 * Customer statement of account as PDF (pdfkit), in the look of the invoice PDF (pdf.ts): A4, the mark
 * and seller name, a recipient block and a facts box, an accent-coloured table with a repeated header on
 * every page, seller details and "Page x of y" in the footer.
 *
 * Content: balance summary (opening, invoiced, credited, paid, closing), the transactions of the period
 * with a running balance (opening balance first, closing balance last), the aging of what is open at the
 * period end and the open items.
 */
import PDFDocument from 'pdfkit';
import type { DocumentBuyer, DocumentParty } from '../../shared/domain/documents';
import { AGING_BUCKETS } from '../../shared/domain/finance/aging';
import type { Statement, StatementLine, StatementLineKind } from '../../shared/domain/finance/statement';
import { formatMinor } from '../../shared/domain/money';
import {
  BODY_BOTTOM, CELL_PAD, CONTENT_W, defaultFonts, groupThousands, openDocument, printedDate, printedMoney, type Doc, drawMark, FOOTER_TOP, heightOf, hline, INK, M_LEFT, MUTED, RULE,
  text, ZEBRA,
} from './pdf-kit';

export interface StatementPdfOptions {
  accentColor?: string;
  logo?: Buffer;
  /** Regular/bold TTFs; default DejaVu Sans when present; null = Helvetica (currency as ISO code). */
  fonts?: { regular: string | Buffer; bold: string | Buffer } | null;
  compress?: boolean;
  /** The date printed as the statement date (default: the period end). */
  statementDate?: string;
}

export interface StatementPdfInput {
  statement: Statement;
  seller: DocumentParty;
  /** Customer as addressed (name, address, VAT id, customer number). */
  buyer: DocumentBuyer;
}


const KIND_LABEL: Record<StatementLineKind, string> = { invoice: 'Invoice', credit_note: 'Credit note', payment: 'Payment', refund: 'Refund' };
const COUNTRY_NAMES: Record<string, string> = {
  DE: 'Germany', AT: 'Austria', CH: 'Switzerland', FR: 'France', NL: 'Netherlands', BE: 'Belgium', LU: 'Luxembourg', IT: 'Italy',
  ES: 'Spain', PT: 'Portugal', PL: 'Poland', CZ: 'Czech Republic', DK: 'Denmark', SE: 'Sweden', FI: 'Finland', NO: 'Norway',
  IE: 'Ireland', GB: 'United Kingdom', US: 'United States', CA: 'Canada', JP: 'Japan', AU: 'Australia',
};


interface Ctx {
  doc: Doc;
  s: Statement;
  seller: DocumentParty;
  buyer: DocumentBuyer;
  accent: string;
  regular: string;
  bold: string;
  unicode: boolean;
  logo?: Buffer;
  statementDate: string;
  y: number;
}


function amount(c: Ctx, minor: number): string {
  return groupThousands(formatMinor(minor, c.s.currency));
}

function money(c: Ctx, minor: number): string {
  return printedMoney(formatMinor(minor, c.s.currency), c.s.currency, c.unicode);
}

const date = printedDate;

/** Renders the statement and returns the PDF bytes. */
export async function statementPdf(input: StatementPdfInput, opts: StatementPdfOptions = {}): Promise<Buffer> {
  const { statement: s, seller, buyer } = input;
  const fonts = opts.fonts === null ? null : (opts.fonts ?? defaultFonts());
  const statementDate = opts.statementDate ?? s.to;
  const doc = new PDFDocument({
    ...(fonts ? { font: null as unknown as string } : {}),
    size: 'A4',
    margins: { top: 0, bottom: 0, left: 0, right: 0 },
    bufferPages: true,
    compress: opts.compress ?? true,
    info: {
      Title: `Statement of account ${buyer.legalName} ${s.from} – ${s.to}`,
      Author: seller.legalName,
      Creator: 'Cadence',
      CreationDate: new Date(`${statementDate}T00:00:00Z`),
    },
  });
  const { done, regular, bold } = openDocument(doc, fonts);
  const c: Ctx = { doc, s, seller, buyer, accent: opts.accentColor ?? '#1e3a5f', regular, bold, unicode: fonts !== null, logo: opts.logo, statementDate, y: 0 };
  drawHeader(c);
  drawSummary(c);
  drawTransactions(c);
  drawAging(c);
  drawOpenItems(c);
  drawFooters(c);
  doc.end();
  return done;
}

// ---------------------------------------------------------------------------------------------

function drawHeader(c: Ctx): void {
  const { s, seller, buyer } = c;
  const top = 46;
  drawMark(c, M_LEFT, top, 30);
  if (!c.logo) {
    text(c, seller.tradingName ?? seller.legalName, M_LEFT + 40, top + 2, { size: 13, bold: true, width: 260 });
    const contact = [seller.email, seller.phone].filter(Boolean);
    const sub = contact.length ? contact : [seller.address.line1, `${seller.address.postalCode} ${seller.address.city}`];
    text(c, sub.join(' · '), M_LEFT + 40, top + 19, { size: 7.5, color: MUTED, width: 260 });
  }
  text(c, 'STATEMENT OF ACCOUNT', M_LEFT + CONTENT_W - 260, top, { width: 260, align: 'right', size: 18, bold: true, color: c.accent });
  text(c, `${date(s.from)} – ${date(s.to)}`, M_LEFT + CONTENT_W - 260, top + 24, { width: 260, align: 'right', size: 10, color: MUTED });

  let y = 128;
  const senderLine = [seller.legalName, seller.address.line1, `${seller.address.postalCode} ${seller.address.city}`].join(' · ');
  text(c, senderLine, M_LEFT, y, { size: 6.5, color: MUTED, width: 260 });
  hline(c, y + 10, M_LEFT, M_LEFT + 240, RULE, 0.4);
  y += 17;
  text(c, 'CUSTOMER', M_LEFT, y, { size: 7, bold: true, color: c.accent, width: 260 });
  y += 11;
  y = text(c, buyer.legalName, M_LEFT, y, { size: 10.5, bold: true, width: 260 });
  const a = buyer.address;
  const country = a.country && a.country !== seller.address.country ? (COUNTRY_NAMES[a.country] ?? a.country) : undefined;
  for (const line of [a.line1, a.line2, `${a.postalCode} ${a.city}`.trim(), country]) {
    if (line && line.trim()) y = text(c, line, M_LEFT, y, { size: 9.5, width: 260 });
  }
  y += 4;
  if (buyer.vatId) y = text(c, `VAT ID: ${buyer.vatId}`, M_LEFT, y, { size: 8.5, color: MUTED, width: 260 });
  const leftBottom = y;

  const facts: [string, string][] = [
    ['Customer no.', buyer.customerNumber ?? s.customer.number],
    ['Statement date', date(c.statementDate)],
    ['Period', `${date(s.from)} – ${date(s.to)}`],
    ['Currency', s.currency],
    ['Balance due', money(c, s.closingBalanceMinor)],
  ];
  const boxW = 236;
  const boxX = M_LEFT + CONTENT_W - boxW;
  const valW = 128;
  let fy = 132;
  const rowH = (v: string) => Math.max(13, heightOf(c, v, valW, 8.5) + 4);
  const total = facts.reduce((h, [, v]) => h + rowH(v), 0);
  c.doc.save().roundedRect(boxX, fy - 6, boxW, total + 12, 4).fill(ZEBRA).restore();
  for (const [k, v] of facts) {
    text(c, k, boxX + 10, fy, { size: 8, color: MUTED, width: boxW - valW - 20 });
    text(c, v, boxX + boxW - 10 - valW, fy, { size: 8.5, bold: k === 'Balance due' || k === 'Customer no.', width: valW, align: 'right' });
    fy += rowH(v);
  }
  c.y = Math.max(leftBottom, fy + 6) + 22;
}

function drawSummary(c: Ctx): void {
  const { s } = c;
  const cells: [string, string, boolean][] = [
    ['Opening balance', amount(c, s.openingBalanceMinor), false],
    ['Invoiced', amount(c, s.invoicedMinor), false],
    ['Credited', s.creditedMinor ? `-${amount(c, s.creditedMinor)}` : amount(c, 0), false],
    ['Paid', s.paidMinor ? `-${amount(c, s.paidMinor)}` : amount(c, 0), false],
    ['Closing balance', money(c, s.closingBalanceMinor), true],
  ];
  if (s.refundedMinor) cells.splice(4, 0, ['Refunded', amount(c, s.refundedMinor), false]);
  const h = 36;
  const w = CONTENT_W / cells.length;
  const y = c.y;
  c.doc.save().roundedRect(M_LEFT, y, CONTENT_W, h, 4).fill(ZEBRA).restore();
  const last = cells.length - 1;
  c.doc.save().roundedRect(M_LEFT + last * w, y, w, h, 4).fill(c.accent).restore();
  cells.forEach(([label, value, strong], i) => {
    const x = M_LEFT + i * w;
    const color = strong ? '#ffffff' : INK;
    text(c, label, x + 8, y + 6, { size: 7, color: strong ? '#ffffff' : MUTED, width: w - 16, align: 'right' });
    text(c, value, x + 8, y + 18, { size: strong ? 10 : 9.5, bold: true, color, width: w - 16, align: 'right' });
  });
  c.y = y + h + 20;
}

interface Col {
  key: 'date' | 'ref' | 'desc' | 'debit' | 'credit' | 'balance';
  title: string;
  width: number;
  align: 'left' | 'right';
}

function txColumns(c: Ctx): Col[] {
  const widest = (title: string, values: string[], min: number) => {
    c.doc.font(c.bold).fontSize(8.5);
    let w = c.doc.widthOfString(title);
    for (const v of values) w = Math.max(w, c.doc.widthOfString(v));
    return Math.max(min, Math.ceil(w) + 2 * CELL_PAD + 2);
  };
  const { s } = c;
  const amounts = [s.openingBalanceMinor, s.closingBalanceMinor, ...s.lines.flatMap((l) => [l.debitMinor, l.creditMinor, l.balanceMinor])].map((m) => amount(c, m));
  const amountW = widest('Balance', amounts, 56);
  const dates = [s.from, s.to, ...s.lines.map((l) => l.date)].map(date);
  const dateW = widest('Date', dates, 50);
  const cols: Col[] = [
    { key: 'date', title: 'Date', width: dateW, align: 'left' },
    { key: 'ref', title: 'Reference', width: Math.min(110, widest('Reference', s.lines.map((l) => l.reference), 60)), align: 'left' },
    { key: 'desc', title: 'Description', width: 0, align: 'left' },
    { key: 'debit', title: 'Debit', width: amountW, align: 'right' },
    { key: 'credit', title: 'Credit', width: amountW, align: 'right' },
    { key: 'balance', title: 'Balance', width: amountW, align: 'right' },
  ];
  cols[2]!.width = CONTENT_W - cols.reduce((a, b) => a + b.width, 0);
  return cols;
}

/** The line's text as printed: its kind, then what it is about (dates in the statement's format). */
function describe(l: StatementLine): string {
  const parts = [KIND_LABEL[l.kind]];
  if (l.servicePeriod) parts.push(`service ${date(l.servicePeriod.start)} – ${date(l.servicePeriod.end)}`);
  if (l.dueDate) parts.push(`due ${date(l.dueDate)}`);
  if (l.corrects) parts.push(`corrects ${l.corrects}`);
  if (l.method) parts.push(l.method.replace(/_/g, ' '));
  if (l.appliedTo?.length) parts.push(`for ${l.appliedTo.join(', ')}`);
  return parts.join(' · ');
}

function tableHeader(c: Ctx, cols: Col[]): void {
  const y = c.y;
  c.doc.save().rect(M_LEFT, y, CONTENT_W, 18).fill(c.accent).restore();
  let x = M_LEFT;
  for (const col of cols) {
    text(c, col.title, x + CELL_PAD, y + 5, { size: 7.5, bold: true, color: '#ffffff', width: col.width - 2 * CELL_PAD, align: col.align });
    x += col.width;
  }
  c.y = y + 18;
}

function newPage(c: Ctx): void {
  c.doc.addPage({ size: 'A4', margins: { top: 0, bottom: 0, left: 0, right: 0 } });
  drawMark(c, M_LEFT, 40, 18);
  if (!c.logo) text(c, c.seller.tradingName ?? c.seller.legalName, M_LEFT + 26, 44, { size: 10, bold: true, width: 250 });
  text(c, `Statement of account · ${c.buyer.legalName} · continued`, M_LEFT + CONTENT_W - 320, 44, { size: 9, color: MUTED, width: 320, align: 'right' });
  hline(c, 66);
  c.y = 80;
}

function section(c: Ctx, title: string, need: number): void {
  if (c.y + 14 + need > BODY_BOTTOM) newPage(c);
  text(c, title.toUpperCase(), M_LEFT, c.y, { size: 7, bold: true, color: c.accent });
  c.y += 12;
}

function drawTransactions(c: Ctx): void {
  const { s } = c;
  const cols = txColumns(c);
  section(c, `Transactions (${s.currency})`, 60);
  tableHeader(c, cols);
  type Row = { cells: Partial<Record<Col['key'], string>>; strong?: boolean; muted?: boolean };
  const rows: Row[] = [
    { cells: { date: date(s.from), desc: 'Opening balance', balance: amount(c, s.openingBalanceMinor) }, strong: true },
    ...s.lines.map((l) => ({
      cells: {
        date: date(l.date),
        ref: l.reference,
        desc: describe(l),
        debit: l.debitMinor ? amount(c, l.debitMinor) : '',
        credit: l.creditMinor ? amount(c, l.creditMinor) : '',
        balance: amount(c, l.balanceMinor),
      },
    })),
  ];
  if (s.lines.length === 0) rows.push({ cells: { desc: 'No transactions in this period.' }, muted: true });
  const descW = cols[2]!.width - 2 * CELL_PAD;
  rows.forEach((row, i) => {
    const h = Math.max(heightOf(c, row.cells.desc ?? '', descW, 8.5, row.strong), heightOf(c, row.cells.ref ?? '', cols[1]!.width - 2 * CELL_PAD, 8.5)) + 9;
    if (c.y + h > BODY_BOTTOM) {
      newPage(c);
      tableHeader(c, cols);
    }
    const y = c.y;
    if (i % 2 === 1) c.doc.save().rect(M_LEFT, y, CONTENT_W, h).fill(ZEBRA).restore();
    let x = M_LEFT;
    for (const col of cols) {
      const v = row.cells[col.key];
      if (v) {
        text(c, v, x + CELL_PAD, y + 5, {
          size: 8.5,
          width: col.width - 2 * CELL_PAD,
          align: col.align,
          bold: row.strong || col.key === 'balance',
          color: row.muted ? MUTED : INK,
        });
      }
      x += col.width;
    }
    c.y = y + h;
  });
  // closing balance band
  const bandH = 22;
  if (c.y + bandH > BODY_BOTTOM) newPage(c);
  hline(c, c.y, M_LEFT, M_LEFT + CONTENT_W, c.accent, 0.8);
  const y = c.y + 3;
  const w = 300;
  c.doc.save().roundedRect(M_LEFT + CONTENT_W - w, y, w, bandH - 4, 3).fill(c.accent).restore();
  text(c, `Closing balance ${date(s.to)}`, M_LEFT + CONTENT_W - w + 8, y + 4.5, { size: 9.5, bold: true, color: '#ffffff', width: w - 116 });
  text(c, money(c, s.closingBalanceMinor), M_LEFT + CONTENT_W - 108, y + 4.5, { size: 9.5, bold: true, color: '#ffffff', width: 100, align: 'right' });
  c.y = y + bandH + 16;
}

function drawAging(c: Ctx): void {
  const { s } = c;
  const headers = [...AGING_BUCKETS.map((b) => (b.key === 'current' ? 'Not yet due' : b.label)), 'Total open'];
  const values = [...AGING_BUCKETS.map((b) => s.aging[b.key]), AGING_BUCKETS.reduce((t, b) => t + s.aging[b.key], 0)];
  section(c, `Aging as of ${date(s.to)}`, 44);
  const w = CONTENT_W / headers.length;
  const y = c.y;
  c.doc.save().rect(M_LEFT, y, CONTENT_W, 16).fill(ZEBRA).restore();
  headers.forEach((h, i) => text(c, h, M_LEFT + i * w + CELL_PAD, y + 4, { size: 7.5, bold: true, color: MUTED, width: w - 2 * CELL_PAD, align: 'right' }));
  values.forEach((v, i) => {
    const overdue = i > 0 && i < headers.length - 1 && v > 0;
    text(c, amount(c, v), M_LEFT + i * w + CELL_PAD, y + 21, {
      size: 9,
      bold: i === headers.length - 1 || overdue,
      color: overdue ? '#b91c1c' : INK,
      width: w - 2 * CELL_PAD,
      align: 'right',
    });
  });
  hline(c, y + 36);
  c.y = y + 50;
}

function drawOpenItems(c: Ctx): void {
  const { s } = c;
  const items = s.openItems;
  if (!items.length) {
    section(c, 'Open items', 16);
    text(c, 'Nothing is open. Thank you for your payments.', M_LEFT, c.y, { size: 8.5, color: MUTED });
    c.y += 18;
    return;
  }
  const cols = [
    { title: 'Reference', width: 110, align: 'left' as const },
    { title: 'Date', width: 70, align: 'left' as const },
    { title: 'Due', width: 70, align: 'left' as const },
    { title: 'Days overdue', width: 70, align: 'right' as const },
    { title: 'Amount', width: 0, align: 'right' as const },
    { title: 'Open', width: 90, align: 'right' as const },
  ];
  cols[4]!.width = CONTENT_W - cols.reduce((a, b) => a + b.width, 0);
  section(c, `Open items as of ${date(s.to)}`, 40);
  const head = () => {
    const y = c.y;
    let x = M_LEFT;
    for (const col of cols) {
      text(c, col.title, x + CELL_PAD, y, { size: 7.5, color: MUTED, width: col.width - 2 * CELL_PAD, align: col.align });
      x += col.width;
    }
    hline(c, y + 12);
    c.y = y + 16;
  };
  head();
  for (const it of items) {
    const overdue = it.daysPastDue > 0 && it.openMinor > 0;
    const cells = [
      `${it.kind === 'payment' ? 'Payment' : it.kind === 'credit_note' ? 'Credit' : 'Invoice'} ${it.number}`,
      date(it.date),
      it.kind === 'invoice' ? date(it.dueDate) : '',
      overdue ? String(it.daysPastDue) : '',
      amount(c, it.amountMinor),
      amount(c, it.openMinor),
    ];
    // a reference that wraps makes the row taller (a fixed row height let it run into the next one)
    const h = Math.max(...cells.map((v, i) => heightOf(c, v, cols[i]!.width - 2 * CELL_PAD, 8.5, i === 5))) + 5;
    if (c.y + h > BODY_BOTTOM) {
      newPage(c);
      head();
    }
    let x = M_LEFT;
    cols.forEach((col, i) => {
      text(c, cells[i]!, x + CELL_PAD, c.y, { size: 8.5, width: col.width - 2 * CELL_PAD, align: col.align, bold: i === 5, color: i === 3 && overdue ? '#b91c1c' : INK });
      x += col.width;
    });
    c.y += h;
  }
  c.y += 8;
  if (c.y + 30 > BODY_BOTTOM) newPage(c);
  const s2 = c.seller;
  const bank = [s2.iban ? `IBAN ${s2.iban}` : '', s2.bic ? `BIC ${s2.bic}` : '', s2.bankName ?? ''].filter(Boolean).join(' · ');
  const note = s.closingBalanceMinor > 0
    ? `Please pay the overdue items now and the others by their due dates${bank ? ` to ${bank}` : ''}, quoting the invoice numbers. If you have already paid, please ignore this notice.`
    : s.closingBalanceMinor < 0
      ? 'Your account is in credit. We will refund the balance or offset it against your next invoice.'
      : 'Your account is settled.';
  text(c, note, M_LEFT, c.y, { size: 8.5, color: INK });
  c.y = c.doc.y + 8;
}

function drawFooters(c: Ctx): void {
  const { doc, seller: s } = c;
  const col1 = [s.legalName, s.address.line1, s.address.line2, `${s.address.postalCode} ${s.address.city}`].filter((l): l is string => !!l && !!l.trim());
  const col2 = [s.vatId ? `VAT ID: ${s.vatId}` : '', s.registrationNumber ? `Reg. no.: ${s.registrationNumber}` : '', s.email ?? '', s.phone ?? ''].filter(Boolean);
  const col3 = [s.bankName ?? '', s.iban ? `IBAN: ${s.iban}` : '', s.bic ? `BIC: ${s.bic}` : ''].filter(Boolean);
  const range = doc.bufferedPageRange();
  const colW = (CONTENT_W - 70) / 3;
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    hline(c, FOOTER_TOP);
    const y = FOOTER_TOP + 8;
    [col1, col2, col3].forEach((lines, k) => text(c, lines.join('\n'), M_LEFT + k * colW, y, { size: 6.8, color: MUTED, width: colW - 8, lineGap: 1.2 }));
    text(c, `Page ${i - range.start + 1} of ${range.count}`, M_LEFT + CONTENT_W - 70, y, { size: 6.8, color: MUTED, width: 70, align: 'right' });
  }
}
