/**
 * CSV import (DESIGN §8): every row is validated first and every problem is
 * reported by line and column; only a clean file is written, in one
 * transaction with prepared statements (ImportWriter), every row audited, and
 * the stored figures recomputed once per touched district-year at the end.
 */
import { Rollback } from '../db/rollback.js';
import { parse } from 'csv-parse/sync';
import type { CsvError } from 'csv-parse';
import type { Db } from '../db/index.js';
import { DomainError } from '../errors.js';
import { decodeCsv } from './decode.js';
import { IMPORT_COLUMNS, IMPORT_KIND_LABELS, IMPORT_KINDS, importColumns, OPTIONAL_IMPORT_COLUMNS, type ImportKind } from '../domain/importFormats.js';
import { KINDS, RowWriteError, type KindContext, type PlannedWrite, type RowKind } from './kinds.js';
import { RowReader, type ImportCounts, type ImportError, type ImportOptions, type ImportResult, type RowChange } from '../domain/importFile.js';
import { ImportWriter, loadLookups, rawConnection, type ImportLookups } from './repository.js';
import { withDataVersionHeld } from './dataVersionHold.js';
import { hasPlainEnds, readDistrictCode } from '../domain/cells.js';
import { ClosedFiscalYearError } from '../fiscalYears/repository.js';
import { todayInJapan } from '../domain/due.js';
import { CATALOGUE, countFieldNames } from '../domain/catalogue.js';
import { importSuccessions } from '../successions/importer.js';
import { importIndicatorDefinitions, importIndicatorValues } from '../indicators/importer.js';
import { touchMonthlyReports } from '../monthlyReports/repository.js';

export type { ImportCounts, ImportError, ImportOptions, ImportResult, RowChange } from '../domain/importFile.js';

interface CsvRecord {
  /** File line where the record starts (the header is line 1). */
  readonly line: number;
  readonly cells: string[];
}

interface ParsedInfoRecord {
  record: string[];
  info: { lines: number };
  raw: string;
}

/** Splits the text into records with their line numbers; malformed records become errors. */
function readRecords(text: string): { records: CsvRecord[]; errors: ImportError[] } {
  // One line ending everywhere, and whitespace-only lines emptied so they are skipped like blank ones.
  const normalized = text.replace(/\r\n?/g, '\n').replace(/^[ \t\u3000]+$/gm, '');
  if (!normalized.includes('"')) return splitUnquoted(normalized);
  const skipped: { line: number; code: string; got: number }[] = [];
  const parsed = parse(normalized, {
    info: true,
    raw: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: false,
    // Keep going after a bad record, so that every bad line is reported at once.
    skip_records_with_error: true,
    on_skip: (err: CsvError | undefined) => {
      if (err) skipped.push({ line: Number(err.lines), code: err.code, got: Array.isArray(err.record) ? err.record.length : 0 });
    },
  }) as unknown as ParsedInfoRecord[];
  const records = parsed.map((r) => {
    // info.lines is where the record ends; a quoted cell may span several lines.
    const body = r.raw.replace(/^\n+/, '').replace(/\n$/, '');
    const spanned = (body.match(/\n/g) ?? []).length;
    return { line: r.info.lines - spanned, cells: r.record };
  });
  const expected = records[0]?.cells.length ?? 0;
  const errors: ImportError[] = [];
  for (const { line, code, got } of skipped) {
    // One broken quote can trip the parser twice on the same line; say it once.
    if (errors.some((e) => e.line === line)) continue;
    const message =
      code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH'
        ? columnCountMessage(expected, got)
        : code === 'CSV_QUOTE_NOT_CLOSED'
          ? '引用符（"）が閉じられていないため、ここから先を読めませんでした。'
          : '引用符（"）の使い方が正しくありません。文字の中に " を書くときは "" と2つ重ねてください。';
    errors.push({ line, column: '', message });
  }
  return { records, errors };
}

const columnCountMessage = (expected: number, got: number) =>
  `列の数が見出し行と合いません（見出し行は${expected}列、この行は${got}列）。カンマ（,）の数を確かめてください。`;

/** The cells of one line of a file without quotes, trimmed as the CSV parser trims them (leading spaces, tabs and form feeds, and trailing whitespace). */
function cellsOfLine(text: string): string[] {
  const cells = text.split(',');
  for (let c = 0; c < cells.length; c++) {
    const cell = cells[c]!;
    if (!hasPlainEnds(cell)) cells[c] = cell.replace(/^[ \t\f]+/, '').trimEnd();
  }
  return cells;
}

/**
 * A record of a file without quotes, kept as its line: the cells are split when
 * read, so that a large file's cells live only while their row is checked
 * instead of all at once (most of an import's garbage otherwise).
 */
class LineRecord implements CsvRecord {
  constructor(
    readonly line: number,
    private readonly text: string,
  ) {}

  get cells(): string[] {
    return cellsOfLine(this.text);
  }
}

/** Cells in a line: its commas and one. */
function cellCount(text: string): number {
  let n = 1;
  for (let at = text.indexOf(','); at !== -1; at = text.indexOf(',', at + 1)) n++;
  return n;
}

/**
 * The records of a file without a single quote character, where CSV is exactly
 * one record per line and one field per comma (RFC 4180), read in one pass:
 * the same records, line numbers and column-count errors as the CSV parser
 * (which stays the reader of any file with quotes), several times faster.
 */
function splitUnquoted(normalized: string): { records: CsvRecord[]; errors: ImportError[] } {
  const records: CsvRecord[] = [];
  const errors: ImportError[] = [];
  const lines = normalized.split('\n');
  let expected = -1;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (text === '') continue;
    const count = cellCount(text);
    if (expected === -1) expected = count;
    else if (count !== expected) {
      errors.push({ line: i + 1, column: '', message: columnCountMessage(expected, count) });
      continue;
    }
    records.push(new LineRecord(i + 1, text));
  }
  return { records, errors };
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c) => b.includes(c));
}

/** Checks the header row against the `expected` columns; returns the column positions and the required columns it lacks. */
function checkHeader(
  kind: ImportKind,
  expected: readonly string[],
  header: readonly string[],
  errors: ImportError[],
): { index: Map<string, number>; missing: Set<string> } {
  const index = new Map<string, number>();
  const names = header.map((h) => h.trim());
  const optional = OPTIONAL_IMPORT_COLUMNS[kind] ?? [];
  const other = IMPORT_KINDS.find((k) => k !== kind && sameColumns(IMPORT_COLUMNS[k], names));
  if (other) {
    errors.push({
      line: 1,
      column: '',
      message: `これは「${IMPORT_KIND_LABELS[other]}」（${other}）の形式のファイルのようです。取り込む種類を確かめてください。`,
    });
  }
  names.forEach((name, i) => {
    if (name === '') errors.push({ line: 1, column: '', message: `${i + 1}列目の見出しが空です。` });
    else if (index.has(name)) errors.push({ line: 1, column: name, message: `列「${name}」が2回あります。` });
    else if (!expected.includes(name) && !optional.includes(name)) {
      errors.push({ line: 1, column: name, message: `列「${name}」はこのファイルには使えません。使える列: ${[...expected, ...optional].join(',')}` });
    } else index.set(name, i);
  });
  const missing = new Set(expected.filter((c) => !index.has(c)));
  for (const c of missing) errors.push({ line: 1, column: c, message: `列「${c}」がありません。見出し行は ${expected.join(',')} としてください。` });
  return { index, missing };
}

/** A file read into records, with its header checked (problems so far in `errors`). */
interface ReadFile {
  ok: true;
  rows: CsvRecord[];
  index: Map<string, number>;
  missing: Set<string>;
  errors: ImportError[];
}

/** Decodes the bytes, splits the records and checks the header row against `columns`. */
function readFile(kind: ImportKind, bytes: Uint8Array, columns: readonly string[]): ReadFile | { ok: false; errors: ImportError[] } {
  const decoded = decodeCsv(bytes);
  if (!decoded.ok) return { ok: false, errors: [{ line: 1, column: '', message: decoded.message }] };
  const { records, errors } = readRecords(decoded.text);
  const header = records[0];
  if (!header || header.line !== 1) {
    const message = `1行目に見出し行（${columns.join(',')}）が必要です。`;
    return { ok: false, errors: [{ line: 1, column: '', message }, ...errors] };
  }
  const { index, missing } = checkHeader(kind, columns, header.cells, errors);
  return { ok: true, rows: records.slice(1), index, missing, errors };
}

/** What the rows of a file are checked against (no database: the lookups are loaded by the caller). */
export interface ValidateOptions extends Pick<ImportOptions, 'force' | 'createWards' | 'districtIds' | 'catalogue'> {
  lookups: ImportLookups;
  /** Today's date in Japan ('YYYY-MM-DD'). */
  today: string;
}

/** A row that passed every check: its line and its planned write. */
export interface PlannedRow {
  line: number;
  write: PlannedWrite;
}

export type ValidatedFile = { ok: true; rows: PlannedRow[]; wardsToCreate: string[] } | { ok: false; errors: ImportError[] };

/**
 * Reads and checks every row of a file of a row-by-row kind, writing nothing
 * (the pure half of importCsv): the rows to write, or every problem by line
 * and column. The monthly columns and counts come from `options.catalogue`.
 */
export function validateImport(kind: RowKind, bytes: Uint8Array, options: ValidateOptions): ValidatedFile {
  const file = readFile(kind, bytes, importColumns(kind, options.catalogue));
  return file.ok ? planRows(kind, file, options) : file;
}

function planRows(kind: RowKind, file: ReadFile, options: ValidateOptions): ValidatedFile {
  const { index, missing, errors } = file;
  const ctx: KindContext = {
    lookups: options.lookups,
    force: options.force ?? false,
    today: options.today,
    createWards: options.createWards ?? false,
    wardsToCreate: [],
    countFields: countFieldNames(options.catalogue ?? CATALOGUE),
  };
  const definition = KINDS[kind];
  const planned: PlannedRow[] = [];
  const firstLineOfKey = new Map<string, number>();
  let dataRows = 0;
  for (const record of file.rows) {
    const cells = record.cells;
    // Excel leaves rows of empty cells (,,,,) below the data.
    if (cells.every((c) => c.trim() === '')) continue;
    dataRows++;
    const row = new RowReader(record.line, cells, index, errors);
    if (options.districtIds && !inDistricts(row, ctx.lookups, options.districtIds)) continue;
    const write = definition.parse(row, ctx);
    if (!write) continue;
    const first = firstLineOfKey.get(write.key);
    if (first !== undefined) {
      errors.push({ line: record.line, column: write.keyColumn, message: `同じ${definition.keyLabel}の行が${first}行目にもあります。1行にまとめてください。` });
      continue;
    }
    firstLineOfKey.set(write.key, record.line);
    planned.push({ line: record.line, write });
  }
  if (dataRows === 0 && errors.length === 0) errors.push({ line: 2, column: '', message: '取り込む行がありません。' });
  // A missing column is reported once on line 1, not again on every row.
  const reported = errors.filter((e) => e.line === 1 || !missing.has(e.column));
  if (reported.length > 0) return { ok: false, errors: sortErrors(reported, index) };
  return { ok: true, rows: planned, wardsToCreate: ctx.wardsToCreate };
}

/**
 * Imports one CSV file of `kind`. All or nothing: with any error nothing is
 * written and every error is returned; a dry run counts without writing.
 */
export function importCsv(db: Db, kind: ImportKind, bytes: Uint8Array, options: ImportOptions = {}): ImportResult {
  const file = readFile(kind, bytes, importColumns(kind, options.catalogue));
  if (!file.ok) return file;
  if (kind === 'successions') return importSuccessions(db, file, options);
  if (kind === 'indicators') return importIndicatorDefinitions(db, file, options);
  if (kind === 'values') return importIndicatorValues(db, file, options, touchMonthlyReports);
  const lookups = loadLookups(db);
  const validated = planRows(kind, file, { ...options, lookups, today: todayInJapan(options.now) });
  if (!validated.ok) return validated;
  const planned = validated.rows;
  const force = options.force ?? false;

  const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0 };
  const changes: RowChange[] = [];
  const writeErrors: ImportError[] = [];
  const userId = options.userId ?? null;
  // A large file's transaction does not fit SQLite's default page cache (2 MB): pages would be
  // spilled to the WAL and read back mid-transaction. A larger cache for this import only.
  const sqlite = rawConnection(db);
  const cacheSize = sqlite.pragma('cache_size', { simple: true }) as number;
  if (planned.length > 1_000) sqlite.pragma(`cache_size = ${-Math.min(256 * 1024, 16 * 1024 + planned.length)}`);
  try {
    // IMMEDIATE takes the write lock up front, so a running app cannot slip a change in between.
    // One transaction, statements prepared once, no savepoint per row; the stored
    // figures are recomputed once per touched district-year at the end.
    db.transaction(
      // The monthly rows' per-row data-version bumps are held; the import bumps it once.
      (tx) =>
        withDataVersionHeld(sqlite, () => {
          const writer = new ImportWriter(tx, rawConnection(db), userId, lookups.closedYears, force, options.catalogue, options.withValues === true);
          const audited = options.withValues ? auditReader(rawConnection(db)) : null;
          const monthlyKeys: NonNullable<PlannedWrite['monthly']>[] = [];
          for (const { write } of planned) if (write.monthly) monthlyKeys.push(write.monthly);
          writer.preloadMonthly(monthlyKeys);
          for (const { line, write } of planned) {
            try {
              const mark = audited?.last();
              const outcome = write.apply(writer, tx, userId);
              counts[outcome]++;
              if (outcome !== 'unchanged') {
                changes.push(audited ? { line, outcome, label: write.label, ...audited.since(mark ?? 0) } : { line, outcome, label: write.label });
              }
            } catch (err) {
              if (err instanceof RowWriteError) writeErrors.push({ line, column: err.column, message: err.message });
              else if (err instanceof ClosedFiscalYearError) writeErrors.push({ line, column: err.field ?? write.keyColumn, message: err.message });
              else if (err instanceof DomainError) writeErrors.push({ line, column: write.keyColumn, message: err.message });
              else throw err;
            }
          }
          if (writeErrors.length > 0 || options.dryRun) throw new Rollback();
          // With --force, rows of a closed year are written but its figures of record stay frozen.
          writer.finish();
        }),
      { behavior: 'immediate' },
    );
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  } finally {
    sqlite.pragma(`cache_size = ${cacheSize}`);
  }
  if (writeErrors.length > 0) return { ok: false, errors: sortErrors(writeErrors, file.index) };
  return { ok: true, counts, changes, wardsCreated: validated.wardsToCreate };
}

/**
 * A ward user's file: a row naming a district outside `districtIds` is refused on
 * its line (a code that is not registered at all is left to the kind's own check).
 */
function inDistricts(row: RowReader, lookups: ImportLookups, districtIds: ReadonlySet<number>): boolean {
  const code = readDistrictCode(row.cell('district_code'));
  const district = code.ok ? lookups.districtsByCode.get(code.value) : undefined;
  if (!district || districtIds.has(district.id)) return true;
  row.error('district_code', `校(地)区コード「${district.code}」（${district.name}）は、あなたが担当する区の校(地)区ではないため取り込めません。`);
  return false;
}

/** Reads the audit record a row's write just made, for the before → after of the dry run. */
function auditReader(sqlite: ReturnType<typeof rawConnection>) {
  const last = sqlite.prepare<[], { id: number }>('SELECT coalesce(max(id), 0) AS id FROM audit_events');
  const since = sqlite.prepare<[number], { before: string | null; after: string | null }>(
    'SELECT before, after FROM audit_events WHERE id > ? ORDER BY id DESC LIMIT 1',
  );
  const parse = (json: string | null) => (json === null ? null : (JSON.parse(json) as Record<string, unknown>));
  return {
    last: () => last.get()?.id ?? 0,
    since(mark: number): { before: Record<string, unknown> | null; after: Record<string, unknown> | null } {
      const event = since.get(mark);
      return { before: parse(event?.before ?? null), after: parse(event?.after ?? null) };
    },
  };
}

function sortErrors(errors: ImportError[], index: ReadonlyMap<string, number>): ImportError[] {
  const position = (c: string) => (c === '' ? -1 : (index.get(c) ?? Number.MAX_SAFE_INTEGER));
  return [...errors].sort((a, b) => a.line - b.line || position(a.column) - position(b.column));
}
