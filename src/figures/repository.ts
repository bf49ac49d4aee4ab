/**
 * Ward and city values from the figures of record: one SQL aggregate
 * (SUM … GROUP BY fiscal_year) over `district_year_figures`, served by its
 * primary key (city), ward index or district index.
 */
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { districtYearFigures as t } from '../db/schema.js';
import type { ScopeType } from '../db/schema.js';
import type { CellValue } from '../domain/rollup.js';
import { HOUSEHOLD_ROWS, ITEMS, type HouseholdRowKey, type ItemNumber } from '../domain/items.js';
import { isYearStored, yearRowsFromRecords, yearsBetween, type StoredFigures } from './recompute.js';

/** One fiscal year of a scope: the seven items, the household rows, and the district counts. */
export interface ScopeYearFigures {
  items: Record<ItemNumber, CellValue>;
  households: Record<HouseholdRowKey, CellValue>;
  /** Districts of the scope that exist in the year. */
  districts: number;
  /** Districts of the scope with at least one monthly report in the year. */
  districtsReporting: number;
}

interface AggregateRow {
  fy: number;
  districts: number;
  reporting: number;
  [key: string]: number | null;
}

/** Stored column of each item and household row (from the catalogue; a household row's key is its column). */
const ITEM_COLUMNS = Object.fromEntries(ITEMS.map((d) => [d.item, d.column])) as Record<ItemNumber, string>;
const REGISTER_ITEMS = new Set(ITEMS.filter((d) => d.registerCount).map((d) => d.item));
const HOUSEHOLD_COLUMNS = Object.fromEntries(HOUSEHOLD_ROWS.map((r) => [r.key, r.key])) as Record<HouseholdRowKey, string>;
const COLUMNS = [...new Set([...Object.values(ITEM_COLUMNS), ...Object.values(HOUSEHOLD_COLUMNS)])];
/** Property name of each stored column (watched_total → watchedTotal). */
const KEY_OF_COLUMN: Record<string, string> = Object.fromEntries(Object.entries(getTableColumns(t)).map(([key, col]) => [col.name, key]));

/** The one aggregate: every column's SUM and COUNT (districts that contributed) per fiscal year. */
function aggregateQuery(where: SQL): SQL {
  const cols = COLUMNS.map((c) => `sum(${c}) AS "s_${c}", count(${c}) AS "n_${c}"`).join(', ');
  return sql`SELECT fiscal_year AS fy, ${sql.raw(cols)}, sum(active) AS districts, sum(months_reported > 0) AS reporting
    FROM ${t} WHERE ${where} GROUP BY fiscal_year ORDER BY fiscal_year`;
}

function scopeCondition(scopeType: ScopeType, scopeId: number, fromFy: number, toFy: number): SQL {
  const years = sql`${t.fiscalYear} BETWEEN ${fromFy} AND ${toFy}`;
  if (scopeType === 'ward') return sql`${t.wardId} = ${scopeId} AND ${years}`;
  if (scopeType === 'district') return sql`${t.districtId} = ${scopeId} AND ${years}`;
  return years;
}

function cell(row: AggregateRow | undefined, column: string, registerCount = false): CellValue {
  const value = row?.[`s_${column}`] ?? null;
  // Register-based counts (④⑥⑦) are facts about every district: 0 rather than blank.
  return { value: value === null && registerCount ? 0 : value, districtsReported: Number(row?.[`n_${column}`] ?? 0) };
}

/** The aggregate of rows computed in memory, in the shape the SQL aggregate returns (a year not stored yet). */
function aggregateInMemory(fy: number, rows: readonly StoredFigures[]): AggregateRow {
  const out: AggregateRow = { fy, districts: 0, reporting: 0 };
  const byColumn = rows.map((r) => r as unknown as Record<string, number | null>);
  for (const column of COLUMNS) {
    const key = KEY_OF_COLUMN[column]!;
    const values = byColumn.map((r) => r[key]).filter((v): v is number => v !== null && v !== undefined);
    out[`s_${column}`] = values.length > 0 ? values.reduce((a, b) => a + b, 0) : null;
    out[`n_${column}`] = values.length;
  }
  for (const r of rows) {
    out.districts += r.active;
    out.reporting += r.monthsReported > 0 ? 1 : 0;
  }
  return out;
}

/**
 * The figures of a scope (city, ward or district) for each fiscal year of
 * `fromFy`…`toFy`, summed from the stored district figures in one query.
 * A year that holds no stored figures yet (nothing was written into it) is
 * computed from its records in memory: a GET never writes.
 */
export function loadScopeFigures(db: Db, scopeType: ScopeType, scopeId: number, fromFy: number, toFy: number): Map<number, ScopeYearFigures> {
  const years = yearsBetween(fromFy, toFy);
  const rows = db.all<AggregateRow>(aggregateQuery(scopeCondition(scopeType, scopeId, fromFy, toFy)));
  const byYear = new Map(rows.map((r) => [Number(r.fy), r]));
  const filter = scopeType === 'ward' ? { wardId: scopeId } : scopeType === 'district' ? { districtId: scopeId } : {};
  for (const fy of years) {
    if (!byYear.has(fy) && !isYearStored(db, fy)) byYear.set(fy, aggregateInMemory(fy, yearRowsFromRecords(db, fy, filter)));
  }
  const out = new Map<number, ScopeYearFigures>();
  for (const fy of years) {
    const row = byYear.get(fy);
    const items = {} as Record<ItemNumber, CellValue>;
    for (const d of ITEMS) items[d.item] = cell(row, ITEM_COLUMNS[d.item], REGISTER_ITEMS.has(d.item));
    const households = {} as Record<HouseholdRowKey, CellValue>;
    for (const key of Object.keys(HOUSEHOLD_COLUMNS) as HouseholdRowKey[]) households[key] = cell(row, HOUSEHOLD_COLUMNS[key]);
    out.set(fy, { items, households, districts: Number(row?.districts ?? 0), districtsReporting: Number(row?.reporting ?? 0) });
  }
  return out;
}

/** The query plan of the aggregate for a scope, as `EXPLAIN QUERY PLAN` details (for tests and notes). */
export function explainScopeFigures(db: Db, scopeType: ScopeType, scopeId: number, fromFy: number, toFy: number): string[] {
  const q = aggregateQuery(scopeCondition(scopeType, scopeId, fromFy, toFy));
  return db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${q}`).map((r) => r.detail);
}

/** One district's stored figures of one year, or undefined. */
export function getDistrictYearFigures(db: Db, districtId: number, fy: number) {
  return db
    .select()
    .from(t)
    .where(sql`${t.fiscalYear} = ${fy} AND ${t.districtId} = ${districtId}`)
    .get();
}
