import { and, asc, gte, inArray, isNotNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { monthlyReports } from '../db/schema.js';
import { COUNT_FIELDS, FIELD_COLUMNS } from '../monthlyReports/repository.js';
import { reportKey } from './status.js';

// A saved row whose counts are all blank (a note only) is not a report of figures.
const hasAnyCount = or(...COUNT_FIELDS.map((f) => isNotNull(monthlyReports[FIELD_COLUMNS[f]])));

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
    .where(
      and(
        gte(monthlyReports.month, fromMonth),
        lte(monthlyReports.month, toMonth),
        hasAnyCount,
        districtIds ? inArray(monthlyReports.districtId, [...districtIds]) : undefined,
      ),
    )
    .all();
  return new Set(rows.map((r) => reportKey(r.districtId, r.month)));
}

export interface FiscalYearReportCount {
  fiscalYear: number;
  /** Monthly reports saved in the year. */
  reports: number;
  /** Districts with at least one report in the year. */
  districts: number;
}

/** How many monthly reports (and reporting districts) each fiscal year has, oldest first. */
export function reportCountsByFiscalYear(db: Db): FiscalYearReportCount[] {
  // A report month YYYY-MM belongs to FY YYYY from April, YYYY-1 before.
  const fyExpr = sql<number>`CAST(substr(${monthlyReports.month}, 1, 4) AS INTEGER) - (CAST(substr(${monthlyReports.month}, 6, 2) AS INTEGER) < 4)`;
  return db
    .select({
      fiscalYear: fyExpr,
      reports: sql<number>`count(*)`,
      districts: sql<number>`count(DISTINCT ${monthlyReports.districtId})`,
    })
    .from(monthlyReports)
    .groupBy(fyExpr)
    .orderBy(asc(fyExpr))
    .all()
    .map((r) => ({ fiscalYear: Number(r.fiscalYear), reports: Number(r.reports), districts: Number(r.districts) }));
}
