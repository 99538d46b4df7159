/**
 * A dunning reminder letter as PDF (pdfkit), in the look of the invoice PDF and the statement of account: A4, the
 * mark and seller name, the recipient block and a facts box, a short letter whose tone follows the level (a friendly
 * first reminder, a firmer second one, a final reminder announcing consequences), the overdue invoice with what is
 * still due, the payment details with the invoice number as reference, and the seller's details in the footer.
 * Cadence users without a CRM print or e-mail it themselves (offline too); a CRM can use the outbox event instead.
 */
import PDFDocument from 'pdfkit';
import type { DocumentBuyer, DocumentParty } from '../../shared/domain/documents';
import { formatMinor } from '../../shared/domain/money';
import { CELL_PAD, CONTENT_W, defaultFonts, openDocument, printedDate, printedMoney, drawMark, FOOTER_TOP, heightOf, hline, INK, M_LEFT, MUTED, RULE, text, ZEBRA } from './pdf-kit';

export interface ReminderPdfInput {
  seller: DocumentParty;
  buyer: DocumentBuyer;
  reminder: {
    level: number;
    /** How many levels are configured (the last one is the final reminder). */
    levels: number;
    issuedOn: string;
    daysOverdue: number;
  };
  invoice: {
    number: string;
    issueDate: string;
    dueDate: string;
    currency: string;
    grossMinor: number;
    /** Paid and credited so far. */
    settledMinor: number;
    amountDueMinor: number;
  };
}

export interface ReminderPdfOptions {
  accentColor?: string;
  fonts?: { regular: string | Buffer; bold: string | Buffer } | null;
  compress?: boolean;
}

const date = printedDate;

/** The letter's title and wording by level. */
export function reminderWording(level: number, levels: number): { title: string; body: string[] } {
  const final = level >= levels && levels > 1;
  if (level <= 1 && !final) {
    return {
      title: 'PAYMENT REMINDER',
      body: [
        'According to our records, the invoice below has not been paid yet. Perhaps it has been overlooked.',
        'Please transfer the amount due within 7 days. If you have already paid, please disregard this letter.',
      ],
    };
  }
  if (!final) {
    return {
      title: `REMINDER ${level}`,
      body: [
        'Despite our earlier reminder, we have not yet received payment for the invoice below.',
        'Please transfer the amount due within 7 days of this letter. If you have already paid, please disregard this letter, and if there is a problem with the invoice, please contact us.',
      ],
    };
  }
  return {
    title: 'FINAL REMINDER',
    body: [
      'Despite our previous reminders, the invoice below is still unpaid.',
      'Please pay the amount due within 7 days of this letter. Otherwise we will have to suspend the service and may hand the matter over for collection. If you have already paid, please disregard this letter.',
    ],
  };
}

/** Renders the letter and returns the PDF bytes. */
export async function reminderPdf(input: ReminderPdfInput, opts: ReminderPdfOptions = {}): Promise<Buffer> {
  const { seller, buyer, reminder: r, invoice: inv } = input;
  const fonts = opts.fonts === null ? null : (opts.fonts ?? defaultFonts());
  const wording = reminderWording(r.level, r.levels);
  const doc = new PDFDocument({
    ...(fonts ? { font: null as unknown as string } : {}),
    size: 'A4',
    margins: { top: 0, bottom: 0, left: 0, right: 0 },
    compress: opts.compress ?? true,
    info: { Title: `${wording.title.toLowerCase()} ${inv.number}`, Author: seller.legalName, Creator: 'Cadence', CreationDate: new Date(`${r.issuedOn}T00:00:00Z`) },
  });
  const { done, regular, bold } = openDocument(doc, fonts);
  const accent = opts.accentColor ?? '#1e3a5f';
  const c = { doc, regular, bold, accent };
  const money = (minor: number) => printedMoney(formatMinor(minor, inv.currency), inv.currency, fonts !== null);

  // header
  const top = 46;
  drawMark(c, M_LEFT, top, 30);
  text(c, seller.tradingName ?? seller.legalName, M_LEFT + 40, top + 2, { size: 13, bold: true, width: 260 });
  const cityLine = `${seller.address.postalCode ?? ''} ${seller.address.city ?? ''}`.trim();
  const parts = (xs: (string | undefined)[]) => xs.filter((v): v is string => !!v && v.trim() !== '').join(' · ');
  const contact = parts([seller.email, seller.phone]);
  text(c, contact || parts([seller.address.line1, cityLine]), M_LEFT + 40, top + 19, { size: 7.5, color: MUTED, width: 260 });
  text(c, wording.title, M_LEFT + CONTENT_W - 260, top, { width: 260, align: 'right', size: 18, bold: true, color: accent });
  text(c, `Invoice ${inv.number}`, M_LEFT + CONTENT_W - 260, top + 24, { width: 260, align: 'right', size: 10, color: MUTED });

  // recipient
  let y = 128;
  text(c, parts([seller.legalName, seller.address.line1, cityLine]), M_LEFT, y, { size: 6.5, color: MUTED, width: 260 });
  hline(c, y + 10, M_LEFT, M_LEFT + 240, RULE, 0.4);
  y += 17;
  y = text(c, buyer.legalName, M_LEFT, y, { size: 10.5, bold: true, width: 260 });
  const a = buyer.address;
  for (const line of [a.line1, a.line2, `${a.postalCode} ${a.city}`.trim(), a.country !== seller.address.country ? a.country : undefined]) {
    if (line && line.trim()) y = text(c, line, M_LEFT, y, { size: 9.5, width: 260 });
  }
  const leftBottom = y;

  // facts
  const facts: [string, string][] = [
    ['Date', date(r.issuedOn)],
    ['Customer no.', buyer.customerNumber ?? ''],
    ['Invoice', inv.number],
    ['Due date', date(inv.dueDate)],
    ['Days overdue', String(r.daysOverdue)],
    ['Amount due', money(inv.amountDueMinor)],
  ];
  const boxW = 236;
  const boxX = M_LEFT + CONTENT_W - boxW;
  let fy = 132;
  doc.save().roundedRect(boxX, fy - 6, boxW, facts.length * 13 + 12, 4).fill(ZEBRA).restore();
  for (const [k, v] of facts) {
    text(c, k, boxX + 10, fy, { size: 8, color: MUTED, width: 100 });
    text(c, v, boxX + boxW - 138, fy, { size: 8.5, bold: k === 'Amount due' || k === 'Invoice', width: 128, align: 'right' });
    fy += 13;
  }
  y = Math.max(leftBottom, fy + 6) + 28;

  // letter
  y = text(c, buyer.contactName ? `Dear ${buyer.contactName},` : 'Dear Sir or Madam,', M_LEFT, y, { size: 10, width: CONTENT_W }) + 8;
  for (const p of wording.body) y = text(c, p, M_LEFT, y, { size: 10, width: CONTENT_W, lineGap: 2 }) + 8;
  y += 8;

  // the invoice
  const cols: [string, number, 'left' | 'right'][] = [['Invoice', 0, 'left'], ['Issued', 64, 'left'], ['Due', 64, 'left'], ['Overdue', 48, 'right'], ['Invoiced', 70, 'right'], ['Paid / credited', 72, 'right'], ['Amount due', 72, 'right']];
  cols[0]![1] = CONTENT_W - cols.reduce((sum, col) => sum + col[1], 0);
  doc.save().rect(M_LEFT, y, CONTENT_W, 18).fill(accent).restore();
  let x = M_LEFT;
  for (const [title, w, align] of cols) {
    text(c, title, x + CELL_PAD, y + 5, { size: 7.5, bold: true, color: '#ffffff', width: w - 2 * CELL_PAD, align });
    x += w;
  }
  y += 18;
  const values = [inv.number, date(inv.issueDate), date(inv.dueDate), `${r.daysOverdue} days`, money(inv.grossMinor), inv.settledMinor ? `-${money(inv.settledMinor)}` : money(0), money(inv.amountDueMinor)];
  const rowH = Math.max(...values.map((v, i) => heightOf(c, v, cols[i]![1] - 2 * CELL_PAD, 8.5))) + 10;
  x = M_LEFT;
  values.forEach((v, i) => {
    text(c, v, x + CELL_PAD, y + 5, { size: 8.5, width: cols[i]![1] - 2 * CELL_PAD, align: cols[i]![2], bold: i === values.length - 1, color: INK });
    x += cols[i]![1];
  });
  y += rowH;
  hline(c, y, M_LEFT, M_LEFT + CONTENT_W, accent, 0.8);
  text(c, 'Total due', M_LEFT + CONTENT_W - 300, y + 6, { size: 10, bold: true, width: 180, align: 'right' });
  text(c, money(inv.amountDueMinor), M_LEFT + CONTENT_W - 120, y + 6, { size: 10, bold: true, width: 120 - CELL_PAD, align: 'right', color: accent });
  y += 34;

  // payment
  const pay: string[] = [];
  if (seller.iban) pay.push(`IBAN ${seller.iban}${seller.bic ? ` · BIC ${seller.bic}` : ''}${seller.bankName ? ` · ${seller.bankName}` : ''}`);
  pay.push(`Reference: ${inv.number}${buyer.customerNumber ? ` / ${buyer.customerNumber}` : ''}`);
  text(c, 'PAYMENT', M_LEFT, y, { size: 7, bold: true, color: accent, width: CONTENT_W });
  y += 12;
  for (const p of pay) y = text(c, p, M_LEFT, y, { size: 9.5, width: CONTENT_W }) + 2;
  y += 18;
  y = text(c, 'Kind regards,', M_LEFT, y, { size: 10, width: CONTENT_W }) + 4;
  text(c, seller.legalName, M_LEFT, y, { size: 10, bold: true, width: CONTENT_W });

  // footer
  hline(c, FOOTER_TOP);
  const footer = [
    parts([seller.legalName, seller.address.line1, cityLine]),
    parts([seller.vatId ? `VAT ID ${seller.vatId}` : undefined, seller.registrationNumber, seller.email, seller.phone]),
  ];
  let fyy = FOOTER_TOP + 8;
  for (const f of footer) if (f) fyy = text(c, f, M_LEFT, fyy, { size: 7, color: MUTED, width: CONTENT_W, align: 'center' }) + 1;
  doc.end();
  return done;
}
