import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { monthlyReports, users } from '../db/schema.js';
import { recordAudit } from '../audit/repository.js';
import { assertMonthOpen } from '../fiscalYears/repository.js';
import { addMonths } from '../domain/fiscalYear.js';
import { monthPairs, recomputeDistrictYears } from '../figures/recompute.js';

/** The monthly counts as named in forms and CSV (DESIGN §8), in form order. */
export const COUNT_FIELDS = [
  'watched_elderly',
  'watched_disability',
  'watched_single_parent',
  'watched_other',
  'welfare_cooperators',
  'mutual_aid_cases',
  'coordination_meetings',
  'well_club_participants',
] as const;
export type CountField = (typeof COUNT_FIELDS)[number];

/** Japanese labels of the monthly fields. */
export const FIELD_LABELS: Record<CountField | 'note', string> = {
  watched_elderly: '見守り世帯数（高齢者世帯）',
  watched_disability: '見守り世帯数（障害のある人のある世帯）',
  watched_single_parent: '見守り世帯数（ひとり親で子育て中の世帯）',
  watched_other: '見守り世帯数（その他の世帯）',
  welfare_cooperators: '福祉協力員数',
  mutual_aid_cases: '助け合い件数',
  coordination_meetings: '連絡調整会議の開催回数',
  well_club_participants: 'ウェルクラブ活動等の参加者数',
  note: '備考',
};

/** Which column each field is stored in. */
export const FIELD_COLUMNS = {
  watched_elderly: 'watchedElderly',
  watched_disability: 'watchedDisability',
  watched_single_parent: 'watchedSingleParent',
  watched_other: 'watchedOther',
  welfare_cooperators: 'welfareCooperators',
  mutual_aid_cases: 'mutualAidCases',
  coordination_meetings: 'coordinationMeetings',
  well_club_participants: 'wellClubParticipants',
} as const satisfies Record<CountField, string>;

export type MonthlyReportRow = typeof monthlyReports.$inferSelect;

/** What people record for a district-month: counts (null = not reported) and a note. */
export type MonthlyValues = Record<CountField, number | null> & { note: string | null };

/** The recorded values of a stored row, keyed by field name (also the audit's before/after). */
export function valuesOf(row: MonthlyReportRow): MonthlyValues {
  const values = { note: row.note } as MonthlyValues;
  for (const f of COUNT_FIELDS) values[f] = row[FIELD_COLUMNS[f]];
  return values;
}

function columnsOf(values: MonthlyValues) {
  const cols: Partial<Record<(typeof FIELD_COLUMNS)[CountField], number | null>> = {};
  for (const f of COUNT_FIELDS) cols[FIELD_COLUMNS[f]] = values[f];
  return { ...cols, note: values.note };
}

function sameValues(a: MonthlyValues, b: MonthlyValues): boolean {
  return COUNT_FIELDS.every((f) => a[f] === b[f]) && (a.note ?? null) === (b.note ?? null);
}

/** One district-month, or undefined if nothing was ever saved. */
export function getMonthlyReport(db: Pick<Db, 'select'>, districtId: number, month: string): MonthlyReportRow | undefined {
  return db
    .select()
    .from(monthlyReports)
    .where(and(eq(monthlyReports.districtId, districtId), eq(monthlyReports.month, month)))
    .get();
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

/**
 * The one write path for monthly reports: refuses closed years, detects stale
 * versions, writes the row, its audit event and the district-year's stored
 * figures in one transaction.
 */
export function saveMonthlyReport(db: Db, input: SaveMonthlyReport): SaveMonthlyResult {
  return db.transaction((tx) => {
    if (!input.allowClosedYear) assertMonthOpen(tx, input.month);
    const existing = getMonthlyReport(tx, input.districtId, input.month);
    if (input.expectedVersion !== undefined && (existing?.version ?? 0) !== input.expectedVersion) {
      return { status: 'conflict', stored: existing } as const;
    }
    const flagged = input.flaggedFields && input.flaggedFields.length > 0 ? JSON.stringify([...input.flaggedFields]) : null;
    const now = new Date().toISOString();
    if (existing) {
      const before = valuesOf(existing);
      if (sameValues(before, input.values) && existing.flaggedFields === flagged) return { status: 'unchanged', report: existing } as const;
      const report = tx
        .update(monthlyReports)
        .set({
          ...columnsOf(input.values),
          flaggedFields: flagged,
          correctedByWard: input.correctedByWard ?? existing.correctedByWard,
          version: existing.version + 1,
          updatedBy: input.userId,
          updatedAt: now,
        })
        .where(eq(monthlyReports.id, existing.id))
        .returning()
        .get();
      recordAudit(tx, {
        userId: input.userId,
        action: 'update',
        entity: 'monthly_report',
        entityId: report.id,
        districtId: input.districtId,
        month: input.month,
        before,
        after: valuesOf(report),
        detail: input.correctedByWard ? 'corrected_by_ward' : null,
      });
      if (!input.deferFigures) recomputeDistrictYears(tx, monthPairs(input.districtId, input.month));
      return { status: 'saved', report, created: false } as const;
    }
    const report = tx
      .insert(monthlyReports)
      .values({
        districtId: input.districtId,
        month: input.month,
        ...columnsOf(input.values),
        flaggedFields: flagged,
        correctedByWard: input.correctedByWard ?? false,
        version: 1,
        updatedBy: input.userId,
        updatedAt: now,
      })
      .returning()
      .get();
    recordAudit(tx, {
      userId: input.userId,
      action: 'create',
      entity: 'monthly_report',
      entityId: report.id,
      districtId: input.districtId,
      month: input.month,
      before: null,
      after: valuesOf(report),
      detail: input.correctedByWard ? 'corrected_by_ward' : null,
    });
    if (!input.deferFigures) recomputeDistrictYears(tx, monthPairs(input.districtId, input.month));
    return { status: 'saved', report, created: true } as const;
  });
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

/** A district's reports for the `count` months before `month`, in month order. */
export function listReportsBefore(db: Db, districtId: number, month: string, count: number): MonthlyReportRow[] {
  const months = Array.from({ length: count }, (_, i) => addMonths(month, -(count - i)));
  return listMonthlyReports(db, districtId, months);
}
