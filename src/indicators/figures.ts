/**
 * Council-defined indicators' figures for a scope and a window of fiscal years
 * (DESIGN §11): the definitions that count in the window, and SQL aggregates
 * of their values that feed the pure rollup (rollup.ts).
 *
 * District-monthly values are grouped in SQL by indicator, category, district
 * and fiscal year (one row per district-year, never the months), reading the
 * covering index `district_indicator_values_month_idx` (indicator, month,
 * category, district, value); ward-yearly values use
 * `ward_indicator_values_fy_idx`. test/indicators/figures.test.ts checks both
 * plans with EXPLAIN QUERY PLAN.
 */
import { and, asc, gte, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { indicatorCategories, indicatorDefinitions } from '../db/schema.js';
import type { ScopeType } from '../db/schema.js';
import type { DefinitionValue } from './definitions.js';
import {
  rollupDistrictIndicator,
  rollupRatioIndicator,
  rollupWardIndicator,
  type DistrictYearAggregate,
  type IndicatorCells,
  type WardYearValue,
} from './rollup.js';

/** The scope of a table: the city (id 0), a ward or a district. */
export interface IndicatorScope {
  type: ScopeType;
  id: number;
}

export interface IndicatorCategoryDefinition {
  id: number;
  key: string;
  name: string;
  firstFy: number;
  lastFy: number | null;
  position: number;
}

/** A stored definition (the fields a council defines, src/indicators/definitions.ts) with its id and place. */
export interface IndicatorDefinition extends Omit<DefinitionValue, 'breaksDownField' | 'categories' | 'numeratorKey' | 'denominatorKey'> {
  id: number;
  breaksDownField: string | null;
  /** For `ratio`: the ids of the numerator and denominator indicators. */
  numeratorId: number | null;
  denominatorId: number | null;
  position: number;
  /** In printed order. */
  categories: IndicatorCategoryDefinition[];
}

/** Indicators that count in at least one year of the window, in printed order, with their categories. */
export function indicatorsCountingIn(db: Db, fromFy: number, toFy: number): IndicatorDefinition[] {
  const defs = db
    .select()
    .from(indicatorDefinitions)
    .where(and(lte(indicatorDefinitions.firstFy, toFy), or(isNull(indicatorDefinitions.lastFy), gte(indicatorDefinitions.lastFy, fromFy))))
    .orderBy(asc(indicatorDefinitions.position), asc(indicatorDefinitions.id))
    .all();
  if (defs.length === 0) return [];
  const cats = db
    .select()
    .from(indicatorCategories)
    .where(
      and(
        inArray(
          indicatorCategories.indicatorId,
          defs.map((d) => d.id),
        ),
        lte(indicatorCategories.firstFy, toFy),
        or(isNull(indicatorCategories.lastFy), gte(indicatorCategories.lastFy, fromFy)),
      ),
    )
    .orderBy(asc(indicatorCategories.position), asc(indicatorCategories.id))
    .all();
  return defs.map((d) => ({
    id: d.id,
    key: d.key,
    name: d.name,
    unit: d.unit,
    enteredBy: d.enteredBy,
    rollup: d.rollup,
    threshold: d.threshold,
    breaksDownField: d.breaksDownField,
    firstFy: d.firstFy,
    lastFy: d.lastFy,
    position: d.position,
    decimals: d.decimals,
    numeratorId: d.numeratorId,
    denominatorId: d.denominatorId,
    categories: cats
      .filter((c) => c.indicatorId === d.id)
      .map((c) => ({ id: c.id, key: c.key, name: c.name, firstFy: c.firstFy, lastFy: c.lastFy, position: c.position })),
  }));
}

/** The fiscal year of a 'YYYY-MM' month column, in SQL (April starts the year). */
const FY_OF_MONTH = sql.raw(`(CAST(substr(v.month, 1, 4) AS INTEGER) - (substr(v.month, 6, 2) < '04'))`);

/** The district-year aggregates of district-monthly indicators in a scope and window (exported for the query-plan test). */
export function districtAggregateQuery(scope: IndicatorScope, indicatorIds: readonly number[], fromFy: number, toFy: number): SQL {
  const join = scope.type === 'ward' ? sql`JOIN districts d ON d.id = v.district_id AND d.ward_id = ${scope.id}` : sql``;
  const where = scope.type === 'district' ? sql`AND v.district_id = ${scope.id}` : sql``;
  const ids = sql.join(
    indicatorIds.map((id) => sql`${id}`),
    sql`, `,
  );
  // One MAX() and no other min/max: SQLite takes the bare column v.value from the row of the latest month.
  return sql`SELECT v.indicator_id AS indicatorId, v.category_id AS categoryId, v.district_id AS districtId, ${FY_OF_MONTH} AS fiscalYear,
    SUM(v.value) AS sum, COUNT(*) AS months, MAX(v.month) AS latestMonth, v.value AS latestValue
  FROM district_indicator_values v ${join}
  WHERE v.indicator_id IN (${ids}) AND v.month BETWEEN ${`${fromFy}-04`} AND ${`${toFy + 1}-03`} ${where}
  GROUP BY v.indicator_id, v.category_id, v.district_id, fiscalYear`;
}

/** The ward-yearly values in a scope (city or ward) and window (exported for the query-plan test). */
export function wardValuesQuery(scope: IndicatorScope, indicatorIds: readonly number[], fromFy: number, toFy: number): SQL {
  const where = scope.type === 'ward' ? sql`AND v.ward_id = ${scope.id}` : sql``;
  const ids = sql.join(
    indicatorIds.map((id) => sql`${id}`),
    sql`, `,
  );
  return sql`SELECT v.indicator_id AS indicatorId, v.category_id AS categoryId, v.ward_id AS wardId, v.fiscal_year AS fiscalYear, v.value AS value
  FROM ward_indicator_values v
  WHERE v.indicator_id IN (${ids}) AND v.fiscal_year BETWEEN ${fromFy} AND ${toFy} ${where}`;
}

/** District-year aggregates of district-monthly indicators in a scope and window. */
export function loadDistrictAggregates(
  db: Db,
  scope: IndicatorScope,
  indicatorIds: readonly number[],
  fromFy: number,
  toFy: number,
): (DistrictYearAggregate & { indicatorId: number })[] {
  if (indicatorIds.length === 0) return [];
  return db.all<DistrictYearAggregate & { indicatorId: number }>(districtAggregateQuery(scope, indicatorIds, fromFy, toFy));
}

/** Ward-yearly values in a scope (city or ward) and window; none for a district. */
export function loadWardValues(
  db: Db,
  scope: IndicatorScope,
  indicatorIds: readonly number[],
  fromFy: number,
  toFy: number,
): (WardYearValue & { indicatorId: number })[] {
  if (indicatorIds.length === 0 || scope.type === 'district') return [];
  return db.all<WardYearValue & { indicatorId: number }>(wardValuesQuery(scope, indicatorIds, fromFy, toFy));
}

/** One indicator's rolled-up cells for a scope and window. */
export interface IndicatorFigures {
  definition: IndicatorDefinition;
  /** By category id (0 = total), then fiscal year. */
  cells: IndicatorCells;
}

/**
 * Every indicator that counts in the window, rolled up for the scope. Ward-yearly
 * indicators have no district figures: they are left out of a district's table.
 */
export function loadIndicatorFigures(db: Db, scope: IndicatorScope, fromFy: number, toFy: number): IndicatorFigures[] {
  const fiscalYears: number[] = [];
  for (let fy = fromFy; fy <= toFy; fy++) fiscalYears.push(fy);
  const defs = indicatorsCountingIn(db, fromFy, toFy).filter((d) => scope.type !== 'district' || d.enteredBy === 'district_monthly');
  if (defs.length === 0) return [];
  const monthly = defs.filter((d) => d.enteredBy === 'district_monthly');
  const yearly = defs.filter((d) => d.enteredBy === 'ward_yearly');
  const aggs = groupBy(
    loadDistrictAggregates(
      db,
      scope,
      monthly.map((d) => d.id),
      fromFy,
      toFy,
    ),
  );
  const wardValues = groupBy(
    loadWardValues(
      db,
      scope,
      yearly.map((d) => d.id),
      fromFy,
      toFy,
    ),
  );
  const cellsById = new Map<number, IndicatorCells>();
  for (const definition of defs) {
    if (definition.rollup === 'ratio') continue;
    const categoryIds = definition.categories.map((c) => c.id);
    cellsById.set(
      definition.id,
      definition.enteredBy === 'district_monthly'
        ? rollupDistrictIndicator(definition, aggs.get(definition.id) ?? [], categoryIds, fiscalYears)
        : rollupWardIndicator(wardValues.get(definition.id) ?? [], categoryIds, fiscalYears, definition.decimals),
    );
  }
  // A rate is computed from its numerator's and denominator's values in the same scope (never summed).
  return defs.map((definition) => ({
    definition,
    cells:
      definition.rollup === 'ratio'
        ? rollupRatioIndicator(
            definition.numeratorId === null ? undefined : cellsById.get(definition.numeratorId),
            definition.denominatorId === null ? undefined : cellsById.get(definition.denominatorId),
            definition.decimals,
            fiscalYears,
          )
        : cellsById.get(definition.id)!,
  }));
}

function groupBy<T extends { indicatorId: number }>(rows: readonly T[]): Map<number, T[]> {
  const map = new Map<number, T[]>();
  for (const r of rows) {
    const list = map.get(r.indicatorId);
    if (list) list.push(r);
    else map.set(r.indicatorId, [r]);
  }
  return map;
}
