import { and, eq, gte, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { districts, monthlyReports } from '../db/schema.js';
import { hasAnyCount } from '../figures/reportedMonths.js';

// Which district-months have a report lives with the figures, read by districts and completeness alike.
export { reportedDistrictMonths } from '../figures/reportedMonths.js';

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
