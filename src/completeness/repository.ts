import { and, asc, eq, gte, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { districts, monthlyReports } from '../db/schema.js';
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

export interface WardMonthCounts {
  /** Districts of each ward that exist in the fiscal year. */
  districts: Map<number, number>;
  /** Reported district-months of active districts, keyed `${wardId}:${month}`. */
  reported: Map<string, number>;
}

/**
 * Per ward and month of one fiscal year, how many of its active districts
 * reported: two GROUP BY queries, for the city's ward summary (a national city
 * has 20,000 districts; its grid would be 50 MB of HTML).
 */
export function wardMonthCounts(db: Db, fiscalYear: number, fromMonth: string, toMonth: string): WardMonthCounts {
  const active = and(
    or(isNull(districts.activeFrom), lte(districts.activeFrom, fiscalYear)),
    or(isNull(districts.activeTo), gte(districts.activeTo, fiscalYear)),
  );
  const districtRows = db
    .select({ wardId: districts.wardId, n: sql<number>`count(*)` })
    .from(districts)
    .where(active)
    .groupBy(districts.wardId)
    .all();
  const reportedRows = db
    .select({ wardId: districts.wardId, month: monthlyReports.month, n: sql<number>`count(*)` })
    .from(monthlyReports)
    .innerJoin(districts, eq(districts.id, monthlyReports.districtId))
    .where(and(gte(monthlyReports.month, fromMonth), lte(monthlyReports.month, toMonth), hasAnyCount, active))
    .groupBy(districts.wardId, monthlyReports.month)
    .all();
  return {
    districts: new Map(districtRows.map((r) => [r.wardId, Number(r.n)])),
    reported: new Map(reportedRows.map((r) => [`${r.wardId}:${r.month}`, Number(r.n)])),
  };
}

/** Districts that exist in the fiscal year, in the whole city. */
export function activeDistrictCount(db: Db, fiscalYear: number): number {
  const row = db
    .select({ n: sql<number>`count(*)` })
    .from(districts)
    .where(and(or(isNull(districts.activeFrom), lte(districts.activeFrom, fiscalYear)), or(isNull(districts.activeTo), gte(districts.activeTo, fiscalYear))))
    .get();
  return Number(row?.n ?? 0);
}
