// Writing grids as files people open in Excel: CSV (UTF-8 with BOM, CRLF) and .xlsx. Part of the web kit:
// every feature that sends a file (exports, imports' templates, the overdue list, indicators) uses it.
import { stringify } from 'csv-stringify/sync';

/** A number shown with exactly `decimals` places (an indicator's 97.0): CSV writes '97.0', .xlsx a number formatted so. */
export interface DecimalCell {
  number: number;
  decimals: number;
}

/** A cell of a download: numbers stay numbers; a blank is null. */
export type Cell = string | number | DecimalCell | null;

/** A figure with its places: a DecimalCell when it has any, else the plain number (whole numbers stay as before). */
export function decimalCell(n: number, decimals: number): Cell {
  return decimals > 0 ? { number: n, decimals } : n;
}

const isDecimalCell = (c: Cell): c is DecimalCell => typeof c === 'object' && c !== null;

/** One grid: an optional title above it, a header row, data rows, notes below. */
export interface Grid {
  /** Worksheet name in .xlsx (≤ 31 characters, no []:*?/\). */
  name: string;
  title?: string;
  header: string[];
  rows: Cell[][];
  /** Lines printed under the grid (footnotes). */
  notes?: string[];
  /** Column widths in characters, for .xlsx. */
  widths: number[];
}

export const CSV_TYPE = 'text/csv; charset=utf-8';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR at the
 * start) gets a leading apostrophe: names and notes are typed by people.
 */
export function guardText(cell: Cell): Cell {
  return typeof cell === 'string' && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

function gridRows(grid: Grid): Cell[][] {
  const rows: Cell[][] = [];
  if (grid.title) rows.push([grid.title]);
  rows.push(grid.header);
  rows.push(...grid.rows);
  for (const note of grid.notes ?? []) rows.push([note]);
  return rows;
}

/** Grids one after another, a blank line between them: UTF-8 with BOM and CRLF, as Excel in Japan opens it. */
export function toCsv(grids: readonly Grid[]): Buffer {
  const rows: Cell[][] = [];
  grids.forEach((grid, i) => {
    if (i > 0) rows.push([]);
    rows.push(...gridRows(grid));
  });
  const text = stringify(
    rows.map((r) => r.map((c) => (c === null ? '' : isDecimalCell(c) ? c.number.toFixed(c.decimals) : guardText(c)))),
    // Excel ends a row at a bare LF too, so fields with any line break are quoted.
    { bom: true, record_delimiter: 'windows', quoted_match: /[\r\n]/ },
  );
  return Buffer.from(text, 'utf8');
}

/** Sheet names: ≤ 31 characters, none of []:*?/\ and unique. */
function sheetName(name: string, used: Set<string>): string {
  const base =
    name
      .replace(/[[\]:*?/\\]/g, ' ')
      .trim()
      .slice(0, 28) || 'Sheet';
  let candidate = base;
  for (let n = 2; used.has(candidate); n++) candidate = `${base}(${n})`;
  used.add(candidate);
  return candidate;
}

/** One worksheet per grid: bold wareki header row, numbers as numbers (#,##0), widths set, header frozen. */
export async function toXlsx(grids: readonly Grid[]): Promise<Buffer> {
  // exceljs is large (~27 MB resident): loaded on the first download, not at start-up.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'みまもり';
  workbook.created = new Date();
  const used = new Set<string>();
  for (const grid of grids) {
    const sheet = workbook.addWorksheet(sheetName(grid.name, used));
    if (grid.title) {
      const titleRow = sheet.addRow([grid.title]);
      titleRow.font = { bold: true, size: 12 };
    }
    const headerRow = sheet.addRow(grid.header);
    headerRow.font = { bold: true };
    headerRow.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    headerRow.eachCell((cell) => {
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEAEEF2' } };
      cell.border = { bottom: { style: 'thin' } };
    });
    sheet.views = [{ state: 'frozen', ySplit: headerRow.number }];
    for (const cells of grid.rows) {
      const row = sheet.addRow(cells.map((c) => (isDecimalCell(c) ? c.number : c)));
      row.eachCell((cell, column) => {
        const source = cells[column - 1] ?? null;
        if (typeof cell.value === 'number') {
          cell.numFmt = isDecimalCell(source) ? `#,##0.${'0'.repeat(source.decimals)}` : '#,##0';
          cell.alignment = { horizontal: 'right' };
        } else {
          // Not-available reasons and labels: wrapped, centred like the paper's small text.
          cell.alignment = { vertical: 'middle', wrapText: true };
        }
      });
    }
    for (const note of grid.notes ?? []) sheet.addRow([note]).font = { size: 10 };
    grid.widths.forEach((w, i) => {
      sheet.getColumn(i + 1).width = w;
    });
  }
  const buffer = await workbook.xlsx.writeBuffer();
  return Buffer.from(buffer);
}

function asciiFallback(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/_+/g, '_') || 'download';
}

/** A file name without characters Windows refuses, trimmed to a sane length. */
export function safeFileName(name: string): string {
  return (
    name
      // eslint-disable-next-line no-control-regex -- control characters are among those Windows refuses in a file name
      .replace(/[\\/:*?"<>|\u0000-\u001f]/g, '')
      .replace(/\s+/g, '_')
      .slice(0, 100) || 'download'
  );
}

/** RFC 5987 percent-encoding for filename*=UTF-8''… */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Content-Disposition with a Japanese file name and an ASCII one for old clients. */
export function contentDisposition(japaneseName: string, asciiName: string): string {
  return `attachment; filename="${asciiFallback(asciiName)}"; filename*=UTF-8''${encodeRfc5987(safeFileName(japaneseName))}`;
}
