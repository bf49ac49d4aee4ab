/**
 * `import successions <file>` (DESIGN §8): columns
 * `event,predecessor_code,successor_code,first_month`; the rows with the same
 * `event` form one event (the union of their predecessor and successor codes).
 * Every event goes through recordSuccession, so a file is checked exactly as
 * the page is; all or nothing, a dry run rolls back, errors by line and column.
 */
import { allOrNothing } from '../db/rollback.js';
import type { Db } from '../db/index.js';
import { DomainError } from '../errors.js';
import { readDistrictCode, readMonth, readText } from '../domain/cells.js';
import { RowReader, type ImportCounts, type ImportError, type ImportOptions, type ImportResult, type RowChange } from '../domain/importFile.js';
import { monthLabelLong } from '../domain/fiscalYear.js';
import { recordSuccession, SuccessionError, type SuccessionProblem } from './repository.js';

/** The data rows of a checked file, as importCsv read them. */
export interface SuccessionFile {
  rows: { line: number; cells: string[] }[];
  index: ReadonlyMap<string, number>;
  /** Columns the header lacks (already reported on line 1). */
  missing: ReadonlySet<string>;
  /** Problems found so far (header, malformed lines). */
  errors: ImportError[];
}

interface EventRows {
  label: string;
  firstLine: number;
  firstMonth: string;
  predecessors: { code: string; line: number }[];
  successors: { code: string; line: number }[];
}

/** The column a problem of recordSuccession belongs to. */
const COLUMN_OF: Record<string, string> = {
  label: 'event',
  predecessor_codes: 'predecessor_code',
  successor_codes: 'successor_code',
  first_month: 'first_month',
};

function lineOf(event: EventRows, problem: SuccessionProblem): number {
  // A problem naming a code is reported on the first line that carries it.
  const list = problem.field === 'predecessor_codes' ? event.predecessors : problem.field === 'successor_codes' ? event.successors : [];
  return list.find((c) => problem.message.includes(c.code))?.line ?? event.firstLine;
}

/** Reads the rows into events and records each (see the module comment). */
export function importSuccessions(db: Db, file: SuccessionFile, options: ImportOptions = {}): ImportResult {
  const errors = file.errors;
  const events = new Map<string, EventRows>();
  let dataRows = 0;
  for (const record of file.rows) {
    if (record.cells.every((c) => c.trim() === '')) continue;
    dataRows++;
    const row = new RowReader(record.line, record.cells, file.index, errors);
    const label = row.take('event', (c) => readText(c, { required: true, max: 100 }));
    const pre = row.cell('predecessor_code') === '' ? null : row.take('predecessor_code', readDistrictCode);
    const suc = row.cell('successor_code') === '' ? null : row.take('successor_code', readDistrictCode);
    const month = row.take('first_month', readMonth);
    if (!row.failed && pre === null && suc === null) row.error('predecessor_code', 'predecessor_code と successor_code の少なくとも一方を入力してください。');
    if (row.failed || !label || !month) continue;
    let event = events.get(label);
    if (!event) events.set(label, (event = { label, firstLine: record.line, firstMonth: month, predecessors: [], successors: [] }));
    else if (event.firstMonth !== month) {
      row.error(
        'first_month',
        `同じ統合・分割「${label}」の${event.firstLine}行目は${monthLabelLong(event.firstMonth)}です。1つの統合・分割の first_month はそろえてください。`,
      );
      continue;
    }
    if (pre && !event.predecessors.some((c) => c.code === pre)) event.predecessors.push({ code: pre, line: record.line });
    if (suc && !event.successors.some((c) => c.code === suc)) event.successors.push({ code: suc, line: record.line });
  }
  if (dataRows === 0 && errors.length === 0) errors.push({ line: 2, column: '', message: '取り込む行がありません。' });
  const reported = errors.filter((e) => e.line === 1 || !file.missing.has(e.column));
  if (reported.length > 0) return { ok: false, errors: sortByLine(reported) };

  const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0 };
  const changes: RowChange[] = [];
  const writeErrors: ImportError[] = [];
  allOrNothing(
    db,
    (tx) => {
      for (const event of events.values()) {
        try {
          // A savepoint per event: a refused event leaves nothing behind while the others are still checked.
          const result = recordSuccession(
            tx,
            {
              label: event.label,
              predecessorCodes: event.predecessors.map((c) => c.code),
              successorCodes: event.successors.map((c) => c.code),
              firstMonth: event.firstMonth,
            },
            { userId: options.userId ?? null },
            options.now,
          );
          counts.created++;
          const moved = result.moved.length > 0 ? `、移すサロン・計画 ${result.moved.length}件` : '';
          changes.push({
            line: event.firstLine,
            outcome: 'created',
            label: `${event.label}: ${result.predecessorCodes.join('・')} → ${result.successorCodes.join('・')}（${monthLabelLong(result.firstMonth)}から${moved}）`,
          });
        } catch (err) {
          if (err instanceof SuccessionError) {
            for (const p of err.problems) writeErrors.push({ line: lineOf(event, p), column: COLUMN_OF[p.field] ?? 'event', message: p.message });
          } else if (err instanceof DomainError) writeErrors.push({ line: event.firstLine, column: 'event', message: err.message });
          else throw err;
        }
      }
    },
    () => writeErrors.length === 0 && !options.dryRun,
  );
  if (writeErrors.length > 0) return { ok: false, errors: sortByLine(writeErrors) };
  return { ok: true, counts, changes, wardsCreated: [] };
}

function sortByLine(list: ImportError[]): ImportError[] {
  return [...list].sort((a, b) => a.line - b.line);
}
