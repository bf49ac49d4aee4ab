// Which fiscal years hold data, by index lookups (issue 9, item 6): the default
// trend window is asked for on every trend request, and a scan with DISTINCT
// over every monthly report took 640 ms at 2.4 million rows.
//
// Months are 'YYYY-MM' text, so the latest month before a fiscal year is one
// step down `monthly_reports_month_idx` (the city) or down the (district, month)
// unique index per district (a ward, a district). Statements are prepared once
// per database connection. It sits with the figures (below every feature): the trend pages, the
// completeness grid and the fiscal-year list all ask which years hold data.
import { and, desc, eq, gte, lt, max, min, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { districts, monthlyReports, publishedFigures, type ScopeType } from '../db/schema.js';

/** The fiscal year of a 'YYYY-MM' month (April starts a year). */
function fiscalYearOf(month: string): number {
  const year = Number(month.slice(0, 4));
  return Number(month.slice(5, 7)) >= 4 ? year : year - 1;
}

/** The queries, unprepared (EXPLAIN QUERY PLAN in the tests shows each one is an index lookup). */
export function dataYearQueries(db: Db) {
  const before = sql.placeholder('before');
  const from = sql.placeholder('from');
  const district = sql.placeholder('district');
  const ward = sql.placeholder('ward');
  const r = monthlyReports;
  return {
    // The latest month before `before` …
    cityLatest: db.select({ month: r.month }).from(r).where(lt(r.month, before)).orderBy(desc(r.month)).limit(1),
    districtLatest: db
      .select({ month: r.month })
      .from(r)
      .where(and(eq(r.districtId, district), lt(r.month, before)))
      .orderBy(desc(r.month))
      .limit(1),
    wardLatest: db
      .select({
        month: max(
          sql<string>`(SELECT ${r.month} FROM ${r} WHERE ${r.districtId} = ${districts.id} AND ${r.month} < ${before} ORDER BY ${r.month} DESC LIMIT 1)`,
        ),
      })
      .from(districts)
      .where(eq(districts.wardId, ward)),
    // … and the earliest month from `from` on.
    cityFirst: db.select({ month: r.month }).from(r).where(gte(r.month, from)).orderBy(r.month).limit(1),
    districtFirst: db
      .select({ month: r.month })
      .from(r)
      .where(and(eq(r.districtId, district), gte(r.month, from)))
      .orderBy(r.month)
      .limit(1),
    wardFirst: db
      .select({
        month: min(sql<string>`(SELECT ${r.month} FROM ${r} WHERE ${r.districtId} = ${districts.id} AND ${r.month} >= ${from} ORDER BY ${r.month} LIMIT 1)`),
      })
      .from(districts)
      .where(eq(districts.wardId, ward)),
    publishedLatest: db
      .select({ fy: max(publishedFigures.fiscalYear) })
      .from(publishedFigures)
      .where(
        and(
          eq(publishedFigures.scopeType, sql.placeholder('scopeType')),
          eq(publishedFigures.scopeId, sql.placeholder('scopeId')),
          lt(publishedFigures.fiscalYear, sql.placeholder('beforeFy')),
        ),
      ),
    publishedYears: db
      .selectDistinct({ fy: publishedFigures.fiscalYear })
      .from(publishedFigures)
      .where(and(eq(publishedFigures.scopeType, sql.placeholder('scopeType')), eq(publishedFigures.scopeId, sql.placeholder('scopeId')))),
  };
}

function prepare(db: Db) {
  const q = dataYearQueries(db);
  return {
    cityLatest: q.cityLatest.prepare(),
    districtLatest: q.districtLatest.prepare(),
    wardLatest: q.wardLatest.prepare(),
    cityFirst: q.cityFirst.prepare(),
    districtFirst: q.districtFirst.prepare(),
    wardFirst: q.wardFirst.prepare(),
    publishedLatest: q.publishedLatest.prepare(),
    publishedYears: q.publishedYears.prepare(),
  };
}

const statements = new WeakMap<Db, ReturnType<typeof prepare>>();
function statementsOf(db: Db): ReturnType<typeof prepare> {
  let s = statements.get(db);
  if (!s) {
    s = prepare(db);
    statements.set(db, s);
  }
  return s;
}

export interface YearScope {
  type: ScopeType;
  /** 0 for the city, else the ward's or district's id. */
  id: number;
}

/** The month the city's, the ward's or the district's statement finds: the latest before `before`, or the first from `from` on. */
function monthOfScope(s: ReturnType<typeof prepare>, scope: YearScope, which: 'Latest' | 'First', bound: { before: string } | { from: string }) {
  if (scope.type === 'city') return s[`city${which}`].get(bound)?.month;
  if (scope.type === 'ward') return s[`ward${which}`].get({ ...bound, ward: scope.id })?.month;
  return s[`district${which}`].get({ ...bound, district: scope.id })?.month;
}

/** The latest fiscal year before `beforeFy` with a monthly report or a published figure of the scope; null if none. */
export function latestFiscalYearWithData(db: Db, scope: YearScope, beforeFy: number): number | null {
  const s = statementsOf(db);
  const before = `${beforeFy}-04`;
  const month = monthOfScope(s, scope, 'Latest', { before });
  const published = s.publishedLatest.get({ scopeType: scope.type, scopeId: scope.id, beforeFy })?.fy ?? null;
  const reported = month ? fiscalYearOf(month) : null;
  if (reported === null) return published;
  return published === null ? reported : Math.max(reported, published);
}

/** Every fiscal year with a monthly report (or, unless `published: false`, a published figure) of the scope, ascending: one index step per year. */
export function fiscalYearsOfScope(db: Db, scope: YearScope, options: { published?: boolean } = {}): number[] {
  const s = statementsOf(db);
  const years = new Set(options.published === false ? [] : s.publishedYears.all({ scopeType: scope.type, scopeId: scope.id }).map((r) => r.fy));
  let from = '';
  // Jump from the first month of each year with data to April of the next year.
  for (let step = 0; step < 1000; step++) {
    const month = monthOfScope(s, scope, 'First', { from });
    if (!month) break;
    const fy = fiscalYearOf(month);
    years.add(fy);
    from = `${fy + 1}-04`;
  }
  return [...years].sort((a, b) => a - b);
}
