/**
 * Tabular exports from the column definitions of shared/domain/finance/columns.ts:
 * CSV (csv-stringify: RFC 4180, comma, CRLF, header = column keys, UTF-8 with a BOM by default so Excel
 * reads umlauts) and XLSX (exceljs: one sheet per table, typed cells — money as numbers with the
 * currency's decimals, dates as dates, frozen header, auto filter).
 */
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { formatCell, type ColumnDef } from '../../shared/domain/finance/columns';
import { dec, fromMinor, minorUnits } from '../../shared/domain/money';

export interface CsvOptions {
  /** Prefix a UTF-8 byte order mark (default true). */
  bom?: boolean;
}

/** The rows as CSV text (header row of column keys, then one record per row). */
export function toCsv<R>(columns: readonly ColumnDef<R>[], rows: readonly R[], opts: CsvOptions = {}): string {
  const records: string[][] = [columns.map((c) => c.key)];
  for (const r of rows) records.push(columns.map((c) => formatCell(c, r)));
  return stringify(records, { bom: opts.bom ?? true, record_delimiter: 'windows', eof: true });
}

export interface Sheet<R = never> {
  /** Sheet name (at most 31 characters; []:*?/\ are replaced). */
  name: string;
  columns: readonly ColumnDef<R>[];
  rows: readonly R[];
}

const moneyFormat = (currency: string): string => {
  const d = minorUnits(currency);
  return d === 0 ? '#,##0;-#,##0' : `#,##0.${'0'.repeat(d)};-#,##0.${'0'.repeat(d)}`;
};

/** A decimal string as a number when the number shows the same value, else as text (no silent precision loss). */
function decimalCell(s: string): number | string {
  const n = Number(s);
  if (!Number.isFinite(n)) return s;
  try {
    return dec(n).equals(dec(s)) ? n : s;
  } catch {
    return s;
  }
}

function sheetName(name: string, used: Set<string>): string {
  let base = name.replace(/[[\]:*?/\\]/g, '_').slice(0, 31) || 'Sheet';
  let n = 2;
  while (used.has(base.toLowerCase())) base = `${name.slice(0, 27)} (${n++})`;
  used.add(base.toLowerCase());
  return base;
}

/** A workbook with one sheet per table. Creation date fixed (from `created`) so the content is reproducible. */
export async function toXlsx(sheets: readonly Sheet<never>[], opts: { created?: Date; creator?: string } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = opts.creator ?? 'Cadence';
  const created = opts.created ?? new Date(Date.UTC(2000, 0, 1));
  wb.created = created;
  wb.modified = created;
  const used = new Set<string>();
  for (const sheet of sheets) {
    const ws = wb.addWorksheet(sheetName(sheet.name, used), { views: [{ state: 'frozen', ySplit: 1 }] });
    const cols = sheet.columns as readonly ColumnDef<unknown>[];
    ws.columns = cols.map((c) => ({ header: c.header, key: c.key, width: Math.max(c.width ?? 12, c.header.length + 2) }));
    const header = ws.getRow(1);
    header.font = { bold: true };
    header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF5' } };
    for (const r of sheet.rows as readonly unknown[]) {
      const values = cols.map((c) => {
        const v = c.get(r);
        if (v === null || v === undefined || v === '') return null;
        switch (c.type) {
          case 'money':
            return fromMinor(v as number, c.currency!(r)).toNumber();
          case 'date':
            return /^\d{4}-\d{2}-\d{2}$/.test(String(v)) ? new Date(`${v}T00:00:00Z`) : String(v);
          case 'decimal':
            return decimalCell(String(v));
          case 'integer':
            return Number(v);
          default:
            return String(v);
        }
      });
      const row = ws.addRow(values);
      cols.forEach((c, i) => {
        const cell = row.getCell(i + 1);
        if (cell.value === null) return;
        if (c.type === 'money') cell.numFmt = moneyFormat(c.currency!(r));
        else if (c.type === 'date' && cell.value instanceof Date) cell.numFmt = 'yyyy-mm-dd';
      });
    }
    if (cols.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.length } };
  }
  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}
