/**
 * Which district-months have a report of figures: read by the district list, the home page and the
 * completeness grid. It sits with the figures (below every feature) so that districts and completeness
 * can both read it without importing each other.
 */
import { and, gte, inArray, isNotNull, lte, or } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { monthlyReports } from '../db/schema.js';
import { COUNT_FIELD_DEFINITIONS } from '../domain/catalogue.js';
import { reportKey } from '../domain/due.js';

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
