/**
 * An uploaded file as the import reads it (DESIGN §8): a CSV goes through as
 * it is; an .xlsx's one sheet becomes the same CSV text (row 1 the column
 * names, one CSV line per sheet row, so that line numbers are row numbers),
 * and a workbook the import cannot read faithfully is refused with the reason.
 */
import { stringify } from 'csv-stringify/sync';
import type { Cell, CellValue, ValueType, Worksheet } from 'exceljs';
import { IMPORT_COLUMNS, type ImportKind } from '../domain/importFormats.js';

/** ValueType.Formula, without loading exceljs (large) at start-up for the enum. */
const FORMULA = 6 as ValueType;

export type UploadFormat = 'csv' | 'xlsx';

export type PreparedFile =
  | {
      ok: true;
      format: UploadFormat;
      /** What importCsv takes: the CSV as uploaded, or the sheet written as UTF-8 CSV. */
      csv: Uint8Array;
      /** For an .xlsx: the sheet row of each CSV line (they differ only when a cell holds a line break). */
      rowOfLine?: ReadonlyMap<number, number>;
      /** The sheet read, for the page to name. */
      sheetName?: string;
    }
  | { ok: false; message: string };

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const startsWith = (bytes: Uint8Array, magic: readonly number[]) => magic.every((b, i) => bytes[i] === b);

const NOT_CSV_OR_XLSX = 'CSV ファイルか Excel（.xlsx）ファイルを選んでください。このファイルはどちらでもないため読めません。';

/** True when the bytes hold control characters no CSV has (a picture, a PDF, a Word file …). */
function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 64 * 1024);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1a)) return true;
  }
  return false;
}

/** Decides what the uploaded bytes are and turns them into the CSV the import reads. */
export async function prepareUpload(kind: ImportKind, fileName: string, bytes: Uint8Array): Promise<PreparedFile> {
  if (bytes.length === 0) return { ok: false, message: 'ファイルが空です（0 バイト）。中身のあるファイルを選んでください。' };
  const extension = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  if (startsWith(bytes, OLE)) {
    return { ok: false, message: '古い形式の Excel ファイル（.xls）は読めません。Excel で「Excel ブック（.xlsx）」か「CSV」で保存し直してください。' };
  }
  if (startsWith(bytes, ZIP)) return readWorkbook(kind, bytes);
  if (extension === 'xlsx' || extension === 'xls' || looksBinary(bytes)) {
    return {
      ok: false,
      message: extension === 'xlsx' ? 'Excel（.xlsx）ファイルとして読めませんでした。ファイルが壊れていないか確かめてください。' : NOT_CSV_OR_XLSX,
    };
  }
  return { ok: true, format: 'csv', csv: bytes };
}

/** Columns that hold a month or a date: a number or a date-formatted cell there is a serial date, not text. */
function isDateColumn(name: string): boolean {
  return name === 'month' || name.endsWith('_on') || name.endsWith('_month');
}

function list(addresses: readonly string[]): string {
  const shown = addresses.slice(0, 5).join('、');
  return addresses.length > 5 ? `${shown} ほか${addresses.length - 5}か所` : shown;
}

/** What a workbook may unpack to: a few hundred thousand rows fit well within it. */
export const XLSX_MAX_UNPACKED_BYTES = 200 * 1024 * 1024;

/**
 * The total unpacked size the ZIP's central directory declares, or null when it
 * cannot be read; read before unpacking, so that a small file that unpacks to
 * gigabytes (a "zip bomb") is refused before it takes the memory.
 */
export function declaredUnpackedSize(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record: 22 bytes, then a comment of up to 65535 bytes.
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) return null;
  const entries = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50) return null;
    const size = view.getUint32(offset + 24, true);
    // 0xFFFFFFFF: a ZIP64 size, larger than any workbook this page takes.
    if (size === 0xffffffff) return Number.MAX_SAFE_INTEGER;
    total += size;
    offset += 46 + view.getUint16(offset + 28, true) + view.getUint16(offset + 30, true) + view.getUint16(offset + 32, true);
  }
  return total;
}

async function readWorkbook(kind: ImportKind, bytes: Uint8Array): Promise<PreparedFile> {
  const unpacked = declaredUnpackedSize(bytes);
  if (unpacked === null)
    return { ok: false, message: 'Excel（.xlsx）ファイルとして読めませんでした。ファイルが壊れていないか、Excel で開けるか確かめてください。' };
  if (unpacked > XLSX_MAX_UNPACKED_BYTES) {
    return { ok: false, message: 'この Excel ファイルは中身が大きすぎるため読めません。いくつかのファイルに分けるか、CSV で保存して取り込んでください。' };
  }
  // exceljs is large: loaded on the first workbook, as for the downloads.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch {
    return { ok: false, message: 'Excel（.xlsx）ファイルとして読めませんでした。ファイルが壊れていないか、Excel で開けるか確かめてください。' };
  }
  const sheets = workbook.worksheets;
  if (sheets.length === 0) return { ok: false, message: 'このファイルにはシートがありません。' };
  if (sheets.length > 1) {
    const names = sheets.map((s) => `「${s.name}」`).join('、');
    return {
      ok: false,
      message: `シートが${sheets.length}枚あります（${names}）。取り込むのは1枚目のシートだけです。取り込むシートだけを残したファイルにしてください。`,
    };
  }
  return readSheet(kind, sheets[0]!);
}

function readSheet(kind: ImportKind, sheet: Worksheet): PreparedFile {
  const rowCount = sheet.actualRowCount === 0 ? 0 : sheet.rowCount;
  if (rowCount === 0) return { ok: false, message: `シート「${sheet.name}」が空です。1行目に見出し（${IMPORT_COLUMNS[kind].join(',')}）を入れてください。` };
  const formulas: string[] = [];
  const merged: string[] = [];
  const dates: string[] = [];
  const errors: string[] = [];
  // The last column with anything in it (formatting alone does not widen the sheet).
  let width = 0;
  sheet.eachRow({ includeEmpty: false }, (row) => {
    row.eachCell({ includeEmpty: false }, (cell, column) => {
      if (cell.value !== null && cell.value !== undefined && cell.value !== '') width = Math.max(width, column);
    });
  });
  const header = Array.from({ length: width }, (_, i) => cellText(sheet.getRow(1).getCell(i + 1)).trim());
  const rows: string[][] = [];
  for (let r = 1; r <= rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) {
      const cell = row.getCell(c);
      if (cell.isMerged) {
        if (cell.master === cell) merged.push(cell.address);
        cells.push('');
        continue;
      }
      if (cell.formula || cell.type === FORMULA) {
        formulas.push(cell.address);
        cells.push('');
        continue;
      }
      const value = cell.value;
      if (value instanceof Date || (r > 1 && typeof value === 'number' && isDateColumn(header[c - 1] ?? ''))) {
        dates.push(cell.address);
        cells.push('');
        continue;
      }
      if (isErrorValue(value)) {
        errors.push(cell.address);
        cells.push('');
        continue;
      }
      cells.push(cellText(cell));
    }
    rows.push(cells);
  }
  if (merged.length > 0)
    return { ok: false, message: `結合されたセルがあります（${list(merged)}）。セルの結合を解除して、1つのセルに1つの値を入れてください。` };
  if (formulas.length > 0)
    return {
      ok: false,
      message: `数式の入ったセルがあります（${list(formulas)}）。数式ではなく値を入力してください（コピーして「値の貼り付け」をすると値になります）。`,
    };
  if (dates.length > 0) {
    return {
      ok: false,
      message: `日付の形式になっているセルがあります（${list(dates)}）。月は 2024-04、日付は 2024-04-01 のように文字として入力してください（セルの表示形式を「文字列」にしてから入力します）。`,
    };
  }
  if (errors.length > 0) return { ok: false, message: `エラー値（#N/A など）の入ったセルがあります（${list(errors)}）。値を入力し直してください。` };

  // A template's month that nobody filled in (only district_code and month) is not reported: left out, as a blank line.
  const monthlyBlank = (cells: readonly string[]) =>
    kind === 'monthly' && cells.every((v, i) => v.trim() === '' || header[i] === 'district_code' || header[i] === 'month');
  // Trailing blank rows are dropped; the others stay as blank lines so that line numbers stay row numbers.
  while (rows.length > 1 && rows[rows.length - 1]!.every((v) => v.trim() === '')) rows.pop();
  const rowOfLine = new Map<number, number>();
  let line = 1;
  const records: string[][] = [];
  rows.forEach((cells, i) => {
    const blank = i > 0 && monthlyBlank(cells);
    const record = blank ? cells.map(() => '') : cells;
    records.push(record);
    rowOfLine.set(line, i + 1);
    line += 1 + record.reduce((n, v) => n + (v.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
  });
  const text = stringify(records, { record_delimiter: 'unix', quoted_match: /[\r\n]/ });
  return { ok: true, format: 'xlsx', csv: new TextEncoder().encode(text), rowOfLine, sheetName: sheet.name };
}

function isErrorValue(value: CellValue): boolean {
  return typeof value === 'object' && value !== null && 'error' in value;
}

/** A cell as the text a CSV would hold: rich text joined, numbers as typed, booleans as 1/0. */
function cellText(cell: Cell): string {
  const value = cell.value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'object' && 'richText' in value) return value.richText.map((t) => t.text).join('');
  if (typeof value === 'object' && 'text' in value && typeof value.text === 'string') return value.text;
  return String(cell.text ?? '');
}
