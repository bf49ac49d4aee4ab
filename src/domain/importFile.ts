/**
 * What reading an import file is made of, whatever its kind (DESIGN §8): a data row read cell by
 * cell, each problem by line and column, and what an import is asked and answers. Shared by the
 * import dispatcher (src/imports/) and the importers that live with their features (successions,
 * indicators), so that no feature imports the dispatcher.
 */
import { hasPlainEnds, type CellResult } from './cells.js';
import type { Catalogue } from './catalogue.js';
import { trimSpaces } from './text.js';

/** One problem of the file, as shown to people: line (header = 1), column, reason. */
export interface ImportError {
  line: number;
  /** Column name; '' for a problem of the whole line. */
  column: string;
  message: string;
}

/** A data row of the file, read cell by cell; every failed cell is recorded once. */
export class RowReader {
  failed = false;
  constructor(
    readonly line: number,
    private readonly cells: readonly string[],
    private readonly columnIndex: ReadonlyMap<string, number>,
    private readonly errors: ImportError[],
  ) {}

  /** The trimmed cell (a U+FEFF is kept, for the text check to report); '' when blank or when the file lacks the column (reported on line 1). */
  cell(column: string): string {
    const i = this.columnIndex.get(column);
    const cell = i === undefined ? '' : (this.cells[i] ?? '');
    return hasPlainEnds(cell) ? cell : trimSpaces(cell);
  }

  /** Reads a cell; on failure records the reason and returns undefined. */
  take<T>(column: string, read: (cell: string) => CellResult<T>): T | undefined {
    const r = read(this.cell(column));
    if (r.ok) return r.value;
    this.error(column, r.message);
    return undefined;
  }

  error(column: string, message: string): void {
    this.failed = true;
    this.errors.push({ line: this.line, column, message });
  }
}

export interface ImportOptions {
  /** Validate and count what would change, writing nothing. */
  dryRun?: boolean;
  /**
   * Allow rows dated in closed fiscal years (monthly reports, salons, plans).
   * The rows are written, but a closed year's stored figures stay frozen until it is reopened.
   */
  force?: boolean;
  /** Who the audit events name; null for the command line. */
  userId?: number | null;
  /**
   * Let a districts file create the wards it names that do not exist yet
   * (`--create-wards`). Without it such rows are refused, naming the ward,
   * unless the city has no ward at all yet (its first districts file).
   */
  createWards?: boolean;
  /** The clock: months after the current month in Japan have not started and are refused. */
  now?: Date;
  /**
   * Only rows of these districts are accepted (a ward user's import page); a
   * row of any other district is refused on its line. Undefined: any district.
   */
  districtIds?: ReadonlySet<number>;
  /** Fill each change's `before`/`after` from the audit record its write makes (the import page's dry run). */
  withValues?: boolean;
  /** What is counted: the monthly file's columns, how its rows are read and written. The city's catalogue when left out. */
  catalogue?: Catalogue;
}

/** A row that adds or changes something (what the dry run lists). */
export interface RowChange {
  line: number;
  outcome: 'created' | 'updated';
  /** The row in words, e.g. 「E01 2024-04」. */
  label: string;
  /** With `withValues`: the stored record before the row (null when created) and after it, as the audit log records them. */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export type ImportResult =
  | {
      ok: true;
      counts: ImportCounts;
      /** The rows that add or change something, in file order. */
      changes: RowChange[];
      /** Wards a districts file creates (would create, in a dry run), in file order. */
      wardsCreated: string[];
    }
  | { ok: false; errors: ImportError[] };
