/**
 * Which district-months have a report of figures: read by the district list, the home page and the
 * completeness grid (and the ward's review of a month, the indicator import's breakdown check). It sits with the figures (below every feature) so that districts and completeness
 * can both read it without importing each other.
 */
import { and, eq, gte, inArray, isNotNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { monthlyReports } from '../db/schema.js';
import { COUNT_FIELD_DEFINITIONS, type CountField } from '../domain/catalogue.js';
import { reportKey } from '../domain/due.js';
import { preparedOnce, type AnyConn } from '../db/prepared.js';

/** A saved row whose counts are all blank (a note only) is not a report of figures. */
export const hasAnyCount = or(...COUNT_FIELD_DEFINITIONS.map((f) => isNotNull(monthlyReports[f.key])));

/** The monthly reports holding figures from `fromMonth` to `toMonth` (inclusive), of some districts or all. */
export function reportedInRange(fromMonth: string, toMonth: string, districtIds?: readonly number[]) {
  return and(
    gte(monthlyReports.month, fromMonth),
    lte(monthlyReports.month, toMonth),
    hasAnyCount,
    districtIds ? inArray(monthlyReports.districtId, [...districtIds]) : undefined,
  );
}

/**
 * District-months from `fromMonth` to `toMonth` (inclusive, 'YYYY-MM') with a
 * report holding at least one count, as keys from `reportKey`. `districtIds`
 * narrows it to some districts; undefined means every district.
 */
export function reportedDistrictMonths(db: Db, fromMonth: string, toMonth: string, districtIds?: readonly number[]): Set<string> {
  if (districtIds && districtIds.length === 0) return new Set();
  const rows = db
    .select({ districtId: monthlyReports.districtId, month: monthlyReports.month })
    .from(monthlyReports)
    .where(reportedInRange(fromMonth, toMonth, districtIds))
    .all();
  return new Set(rows.map((r) => reportKey(r.districtId, r.month)));
}

/**
 * The version of the district-month's report if it holds at least one count (what a ward's
 * review accepts or returns); null when there is none or it holds a note only.
 */
export function reportedVersion(db: AnyConn, districtId: number, month: string): number | null {
  const statement = preparedOnce(db, 'figures.reportedVersion', (c) =>
    c
      .select({ version: monthlyReports.version })
      .from(monthlyReports)
      .where(and(eq(monthlyReports.districtId, sql.placeholder('districtId')), eq(monthlyReports.month, sql.placeholder('month')), hasAnyCount))
      .prepare(),
  );
  return statement.get({ districtId, month })?.version ?? null;
}

/**
 * The counts of a district-month's report by field name (null where not reported); undefined when
 * nothing was saved. What an indicator's breakdown is checked against (src/indicators/values.ts).
 */
export function reportedCounts(db: AnyConn, districtId: number, month: string): Record<CountField, number | null> | undefined {
  const statement = preparedOnce(db, 'figures.reportedCounts', (c) =>
    c
      .select(Object.fromEntries(COUNT_FIELD_DEFINITIONS.map((f) => [f.name, monthlyReports[f.key]])))
      .from(monthlyReports)
      .where(and(eq(monthlyReports.districtId, sql.placeholder('districtId')), eq(monthlyReports.month, sql.placeholder('month'))))
      .prepare(),
  );
  return statement.get({ districtId, month }) as Record<CountField, number | null> | undefined;
}
