import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/index.js';
import { atomically } from '../db/atomic.js';
import { monthlyReports, users } from '../db/schema.js';
import { ClosedFiscalYearError, isFiscalYearClosed } from '../fiscalYears/repository.js';
import { addMonths, fiscalYearOfMonth } from '../domain/fiscalYear.js';
import { COUNT_FIELD_DEFINITIONS, COUNT_FIELDS, type CountField, type CountFieldKey } from '../domain/catalogue.js';
import { monthPairs } from '../figures/recompute.js';
import { recomputeDistrictYearsFast } from '../figures/fastRecompute.js';
import { auditWriter, preparedOnce } from '../figures/fastStatements.js';

// The monthly counts in form order and their labels are the catalogue's (src/domain/catalogue.ts).
export { COUNT_FIELDS, FIELD_LABELS, type CountField } from '../domain/catalogue.js';

/** Which column each field is stored in (its key in the catalogue). */
export const FIELD_COLUMNS = Object.freeze(Object.fromEntries(COUNT_FIELD_DEFINITIONS.map((f) => [f.name, f.key]))) as Readonly<
  Record<CountField, CountFieldKey>
>;

export type MonthlyReportRow = typeof monthlyReports.$inferSelect;

/** What people record for a district-month: counts (null = not reported) and a note. */
export type MonthlyValues = Record<CountField, number | null> & { note: string | null };

/** The recorded values of a stored row, keyed by field name (also the audit's before/after). */
export function valuesOf(row: MonthlyReportRow): MonthlyValues {
  const values = { note: row.note } as MonthlyValues;
  for (const f of COUNT_FIELDS) values[f] = row[FIELD_COLUMNS[f]];
  return values;
}

function sameValues(a: MonthlyValues, b: MonthlyValues): boolean {
  return COUNT_FIELDS.every((f) => a[f] === b[f]) && (a.note ?? null) === (b.note ?? null);
}

/** One district-month, or undefined if nothing was ever saved. */
export function getMonthlyReport(db: Pick<Db, 'select' | 'insert'>, districtId: number, month: string): MonthlyReportRow | undefined {
  return saveStatements(db).get.get({ districtId, month });
}

/** A district's reports for the given months, in month order. */
export function listMonthlyReports(db: Db, districtId: number, months: readonly string[]): MonthlyReportRow[] {
  if (months.length === 0) return [];
  return db
    .select()
    .from(monthlyReports)
    .where(and(eq(monthlyReports.districtId, districtId), inArray(monthlyReports.month, [...months])))
    .orderBy(asc(monthlyReports.month))
    .all();
}

export interface SaveMonthlyReport {
  districtId: number;
  month: string;
  values: MonthlyValues;
  /**
   * The version the user edited (0 when the month had no report yet). A stale
   * version is a conflict. Undefined skips the check (CSV import upserts).
   */
  expectedVersion?: number;
  userId: number | null;
  /** Set when ward staff correct a district's figures. */
  correctedByWard?: boolean;
  /** Fields the user confirmed despite the plausibility check; they stay flagged. */
  flaggedFields?: readonly CountField[];
  /** Lets CSV imports with --force write into a closed fiscal year (whose stored figures stay frozen). */
  allowClosedYear?: boolean;
  /** The caller recomputes the stored figures itself (an import does it once at the end). */
  deferFigures?: boolean;
}

export type SaveMonthlyResult =
  | { status: 'saved'; report: MonthlyReportRow; created: boolean }
  | { status: 'unchanged'; report: MonthlyReportRow }
  | { status: 'conflict'; stored: MonthlyReportRow | undefined };

/** The statements of the save path, prepared once per connection. */
function saveStatements(conn: Pick<Db, 'select' | 'insert'>) {
  return preparedOnce(conn, 'monthlyReports.save', (c) => {
    const db = c as unknown as Db;
    const p = (name: string) => sql.placeholder(name);
    const counts = Object.fromEntries(COUNT_FIELDS.map((f) => [FIELD_COLUMNS[f], sql`${p(FIELD_COLUMNS[f])}`]));
    return {
      get: db
        .select()
        .from(monthlyReports)
        .where(and(eq(monthlyReports.districtId, p('districtId')), eq(monthlyReports.month, p('month'))))
        .prepare(),
      update: db
        .update(monthlyReports)
        .set({
          ...counts,
          note: sql`${p('note')}`,
          flaggedFields: sql`${p('flaggedFields')}`,
          correctedByWard: sql`${p('correctedByWard')}`,
          version: sql`${p('version')}`,
          updatedBy: sql`${p('updatedBy')}`,
          updatedAt: sql`${p('updatedAt')}`,
        })
        .where(eq(monthlyReports.id, p('id')))
        .returning()
        .prepare(),
      insert: db
        .insert(monthlyReports)
        .values({
          districtId: p('districtId'),
          month: p('month'),
          ...Object.fromEntries(COUNT_FIELDS.map((f) => [FIELD_COLUMNS[f], p(FIELD_COLUMNS[f])])),
          note: p('note'),
          flaggedFields: p('flaggedFields'),
          correctedByWard: p('correctedByWard'),
          version: 1,
          updatedBy: p('updatedBy'),
          updatedAt: p('updatedAt'),
        })
        .returning()
        .prepare(),
    };
  });
}

/** The stored columns of the values, as placeholder values of the prepared statements. */
function columnParams(values: MonthlyValues): Record<string, number | string | null> {
  const params: Record<string, number | string | null> = { note: values.note ?? null };
  for (const f of COUNT_FIELDS) params[FIELD_COLUMNS[f]] = values[f];
  return params;
}

/**
 * The one write path for monthly reports: refuses closed years, detects stale
 * versions, writes the row, its audit event and the district-year's stored
 * figures in one transaction (one synced commit), with statements prepared once.
 */
export function saveMonthlyReport(db: Db, input: SaveMonthlyReport): SaveMonthlyResult {
  const s = saveStatements(db);
  const audit = auditWriter(db);
  // A savepoint inside the group commit's transaction, a transaction of its own elsewhere (imports, CLI).
  return atomically(db, (tx) => {
    if (!input.allowClosedYear) {
      const fy = fiscalYearOfMonth(input.month);
      if (isFiscalYearClosed(tx, fy)) throw new ClosedFiscalYearError(fy, 'month');
    }
    const existing = s.get.get({ districtId: input.districtId, month: input.month });
    if (input.expectedVersion !== undefined && (existing?.version ?? 0) !== input.expectedVersion) {
      return { status: 'conflict', stored: existing } as const;
    }
    const flagged = input.flaggedFields && input.flaggedFields.length > 0 ? JSON.stringify([...input.flaggedFields]) : null;
    const now = new Date().toISOString();
    const detail = input.correctedByWard ? 'corrected_by_ward' : null;
    if (existing) {
      const before = valuesOf(existing);
      if (sameValues(before, input.values) && existing.flaggedFields === flagged) return { status: 'unchanged', report: existing } as const;
      const report = s.update.get({
        ...columnParams(input.values),
        flaggedFields: flagged,
        correctedByWard: (input.correctedByWard ?? existing.correctedByWard) ? 1 : 0,
        version: existing.version + 1,
        updatedBy: input.userId,
        updatedAt: now,
        id: existing.id,
      });
      audit(
        {
          userId: input.userId,
          action: 'update',
          entity: 'monthly_report',
          entityId: report.id,
          districtId: input.districtId,
          month: input.month,
          before,
          after: valuesOf(report),
          detail,
        },
        now,
      );
      if (!input.deferFigures) recomputeDistrictYearsFast(tx, monthPairs(input.districtId, input.month));
      return { status: 'saved', report, created: false } as const;
    }
    const report = s.insert.get({
      districtId: input.districtId,
      month: input.month,
      ...columnParams(input.values),
      flaggedFields: flagged,
      correctedByWard: input.correctedByWard ? 1 : 0,
      updatedBy: input.userId,
      updatedAt: now,
    });
    audit(
      {
        userId: input.userId,
        action: 'create',
        entity: 'monthly_report',
        entityId: report.id,
        districtId: input.districtId,
        month: input.month,
        before: null,
        after: valuesOf(report),
        detail,
      },
      now,
    );
    if (!input.deferFigures) recomputeDistrictYearsFast(tx, monthPairs(input.districtId, input.month));
    return { status: 'saved', report, created: true } as const;
  });
}

/**
 * Marks a report changed when only what is saved with it changed (its council
 * indicators, DESIGN §11): a new version, so that a form opened before is stale
 * and its save a conflict, and who saved it when. Runs in the caller's
 * transaction; the values are audited by their own write path, the counts did not change.
 */
export function touchMonthlyReport(tx: Db, report: MonthlyReportRow, userId: number | null): MonthlyReportRow {
  return tx
    .update(monthlyReports)
    .set({ version: report.version + 1, updatedBy: userId, updatedAt: new Date().toISOString() })
    .where(eq(monthlyReports.id, report.id))
    .returning()
    .get();
}

/** The touch of touchMonthlyReports, prepared once per connection. */
function touchStatement(conn: Pick<Db, 'select' | 'insert'>) {
  return preparedOnce(conn, 'monthlyReports.touch', (c) => {
    const p = (name: string) => sql.placeholder(name);
    return (c as unknown as Db)
      .update(monthlyReports)
      .set({ version: sql`${monthlyReports.version} + 1`, updatedBy: sql`${p('updatedBy')}`, updatedAt: sql`${p('updatedAt')}` })
      .where(and(eq(monthlyReports.districtId, p('districtId')), eq(monthlyReports.month, p('month'))))
      .prepare();
  });
}

/**
 * touchMonthlyReport for many district-months whose indicator values were written without the
 * form (the `values` import, DESIGN §11), so that a form opened before is stale: each report gets
 * a new version; a month without a report gets one, blank, as the form's first indicator-only
 * save creates it (audited, counts not reported). Runs in the caller's transaction, one prepared
 * statement per month.
 */
export function touchMonthlyReports(
  tx: Db,
  months: Iterable<{ districtId: number; month: string }>,
  userId: number | null,
  options: { allowClosedYear?: boolean } = {},
): void {
  const touch = touchStatement(tx);
  const updatedAt = new Date().toISOString();
  for (const { districtId, month } of months) {
    if (touch.run({ districtId, month, updatedBy: userId, updatedAt }).changes > 0) continue;
    const blank = { note: null } as MonthlyValues;
    for (const f of COUNT_FIELDS) blank[f] = null;
    // Blank counts leave the stored figures as they are: nothing to recompute.
    saveMonthlyReport(tx, { districtId, month, values: blank, userId, allowClosedYear: options.allowClosedYear, deferFigures: true });
  }
}

/** True if the row has at least one count: a saved form with every count blank is still not a report. */
export function hasReportedCounts(row: MonthlyReportRow | undefined): boolean {
  return !!row && COUNT_FIELDS.some((f) => row[FIELD_COLUMNS[f]] !== null);
}

/** The fields a stored report keeps flagged after a plausibility confirmation. */
export function flaggedFieldsOf(row: MonthlyReportRow | undefined): CountField[] {
  if (!row?.flaggedFields) return [];
  try {
    const parsed = JSON.parse(row.flaggedFields) as unknown;
    return Array.isArray(parsed) ? parsed.filter((f): f is CountField => (COUNT_FIELDS as readonly unknown[]).includes(f)) : [];
  } catch {
    return [];
  }
}

/** The display name of whoever last saved a report, if known. */
export function editorName(db: Db, row: MonthlyReportRow | undefined): string | null {
  if (!row?.updatedBy) return null;
  return db.select({ name: users.displayName }).from(users).where(eq(users.id, row.updatedBy)).get()?.name ?? null;
}

/** Reads the recorded values of a month range straight into MonthlyValues (field names are the column names). */
const RECENT_VALUES_SQL = `SELECT ${[...COUNT_FIELDS, 'note'].map((f) => `"${f}"`).join(', ')} FROM monthly_reports WHERE district_id = ? AND month BETWEEN ? AND ? ORDER BY month`;

/**
 * The recorded values of a district's `count` months before `month`, in month
 * order (the plausibility check's recent values): one statement prepared once,
 * rows read as plain objects without ORM mapping (it runs on every save).
 */
export function recentValuesBefore(db: Pick<Db, 'select' | 'insert'>, districtId: number, month: string, count: number): MonthlyValues[] {
  if (count <= 0) return [];
  const statement = preparedOnce(db, 'monthlyReports.recentValues', (c) =>
    (c as unknown as { session: { client: { prepare(source: string): Statement } } }).session.client.prepare(RECENT_VALUES_SQL),
  );
  return statement.all(districtId, addMonths(month, -count), addMonths(month, -1)) as MonthlyValues[];
}
