/**
 * The rows the rollup reads (monthly reports, salons, plans), loaded by one
 * set of statements: behind the stored figures'
 * recompute of whole years (recompute.ts), of single district-years
 * (fastRecompute.ts), and the rollup input of a scope (trends/repository.ts).
 * The SQL is written once and prepared once per connection.
 * The monthly columns come from the catalogue (src/domain/catalogue.ts).
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/index.js';
import { rollupReportColumns } from '../domain/catalogue.js';
import { preparedOnce } from './fastStatements.js';
import type { MonthlyFigures, PlanSpan, RollupInput, SalonSpan } from '../domain/rollup.js';

/** A connection or a transaction as Drizzle hands them out. */
type AnyConn = Pick<Db, 'select' | 'insert'>;

/** The select list of the monthly rows: every column the rollup reads, under its key (watched_elderly AS "watchedElderly"). */
export function reportSelectList(columns: readonly { column: string; key: string }[] = rollupReportColumns()): string {
  return columns.map((c) => (c.column === c.key ? `"${c.column}"` : `"${c.column}" AS "${c.key}"`)).join(', ');
}

/** One table read three ways: every district, one district, or a list of them (as a JSON array, so one statement serves any length). */
interface ByDistrict {
  all: string;
  one: string;
  some: string;
}

function byDistrict(select: string, range: string | null): ByDistrict {
  const query = (district: string | null) => {
    const where = [district, range].filter((x) => x !== null).join(' AND ');
    return where === '' ? select : `${select} WHERE ${where}`;
  };
  return { all: query(null), one: query('district_id = ?'), some: query('district_id IN (SELECT value FROM json_each(?))') };
}

/** The statements' SQL, written once. */
export const ROLLUP_QUERIES = {
  reports: byDistrict(`SELECT ${reportSelectList()} FROM monthly_reports`, 'month BETWEEN ? AND ?'),
  salons: byDistrict('SELECT district_id AS "districtId", opened_on AS "openedOn", closed_on AS "closedOn" FROM salons', null),
  plans: byDistrict('SELECT district_id AS "districtId", formulated_fy AS "formulatedFy", first_fy AS "firstFy", last_fy AS "lastFy" FROM plans', null),
} as const;

type Prepared = { all(...params: unknown[]): unknown[] };

/**
 * Every statement of the loader on this connection, prepared together on first
 * use and kept (a save compiles no SQL after its first). They run on
 * better-sqlite3 itself: rows come back as plain objects, without ORM mapping
 * (the largest read of a recompute).
 */
function statement(conn: AnyConn, source: string): Prepared {
  const cache = preparedOnce(conn, 'figures.rollupInput', (c) => {
    const client = (c as unknown as { session: { client: { prepare(source: string): Statement } } }).session.client;
    const sources = Object.values(ROLLUP_QUERIES).flatMap((q) => [q.all, q.one, q.some]);
    return new Map<string, Prepared>(sources.map((s) => [s, client.prepare(s)]));
  });
  return cache.get(source)!;
}

function read<T>(conn: AnyConn, q: ByDistrict, ids: readonly number[] | null, ...rest: unknown[]): T[] {
  if (ids === null) return statement(conn, q.all).all(...rest) as T[];
  if (ids.length === 0) return [];
  if (ids.length === 1) return statement(conn, q.one).all(ids[0], ...rest) as T[];
  return statement(conn, q.some).all(JSON.stringify(ids), ...rest) as T[];
}

/** Monthly rows of months `from`…`to` ('YYYY-MM', inclusive) of some districts (every one when null). */
export function loadReportRows(conn: AnyConn, from: string, to: string, districtIds: readonly number[] | null): MonthlyFigures[] {
  return read<MonthlyFigures>(conn, ROLLUP_QUERIES.reports, districtIds, from, to);
}

/** Salons of some districts (every one when null). */
export function loadSalonSpans(conn: AnyConn, districtIds: readonly number[] | null): SalonSpan[] {
  return read<SalonSpan>(conn, ROLLUP_QUERIES.salons, districtIds);
}

/** Plans of some districts (every one when null). */
export function loadPlanSpans(conn: AnyConn, districtIds: readonly number[] | null): PlanSpan[] {
  return read<PlanSpan>(conn, ROLLUP_QUERIES.plans, districtIds);
}

/**
 * The records the rollup reads for fiscal years `fromFy`…`toFy`: the monthly
 * rows of `reportDistrictIds` (a successor's ③ also reads its predecessors'),
 * and the salons and plans of `districtIds` (every district when null).
 */
export function loadRollupRecords(
  conn: AnyConn,
  fromFy: number,
  toFy: number,
  districtIds: readonly number[] | null,
  reportDistrictIds: readonly number[] | null = districtIds,
): Pick<RollupInput, 'reports' | 'salons' | 'plans'> {
  return {
    reports: loadReportRows(conn, `${fromFy}-04`, `${toFy + 1}-03`, reportDistrictIds),
    salons: loadSalonSpans(conn, districtIds),
    plans: loadPlanSpans(conn, districtIds),
  };
}
