/**
 * The stored figures of many district-years at once, recomputed at the end of
 * an import (issue 9 item 5, P4): what recomputeDistrictYears does, with the
 * reads and writes on better-sqlite3 statements prepared once (rows read as
 * arrays, the upsert bound by position) instead of Drizzle's mapping and
 * placeholder filling per row. The figures themselves come from the one rollup
 * module (domain/rollup.ts), as everywhere. A city with succession events (whose
 * figures depend on other districts) takes recomputeDistrictYears itself.
 * Closed years are skipped: their figures are frozen.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { getTableColumns } from 'drizzle-orm';
import { districtYearFigures } from '../db/schema.js';
import { getSettings } from '../db/settings.js';
import type { Db } from '../db/index.js';
import { rollupReportColumns } from '../domain/catalogue.js';
import { districtYearFigures as computeFigures, type MonthlyFigures } from '../domain/rollup.js';
import { preparedOnce } from './fastStatements.js';
import {
  changedFigureFields,
  closedYearSet,
  isYearStored,
  recomputeDistrictYears,
  storedRowOf,
  type Conn,
  type DistrictYear,
  type StoredFigures,
} from './recompute.js';
import { loadPlanSpans, loadSalonSpans } from './rollupInput.js';

/** Stored column of each key of StoredFigures, in schema order. */
const COLUMNS = Object.entries(getTableColumns(districtYearFigures)).map(([key, column]) => ({ key: key as keyof StoredFigures, name: column.name }));

interface DistrictInfo {
  id: number;
  wardId: number;
  activeFrom: number | null;
  activeTo: number | null;
}

/** A list of ids bound as one JSON array, so that one statement serves any number of districts. */
const IN_IDS = 'IN (SELECT value FROM json_each(?))';

function statements(conn: Conn, sqlite: BetterSqlite3.Database) {
  return preparedOnce(conn, 'figures.bulk', () => {
    const reportColumns = rollupReportColumns();
    const reportSelect = `SELECT ${reportColumns.map((c) => `"${c.column}"`).join(', ')} FROM monthly_reports WHERE month BETWEEN ? AND ?`;
    const districtSelect = 'SELECT id, ward_id, active_from, active_to FROM districts';
    const storedSelect = `SELECT ${COLUMNS.map((c) => `"${c.name}"`).join(', ')} FROM district_year_figures WHERE fiscal_year = ?`;
    const names = COLUMNS.map((c) => `"${c.name}"`);
    return {
      reportKeys: reportColumns.map((c) => c.key),
      anySuccession: sqlite.prepare('SELECT 1 FROM succession_links').pluck(),
      reportsAll: sqlite.prepare(reportSelect).raw(true),
      reportsSome: sqlite.prepare(`${reportSelect} AND district_id ${IN_IDS}`).raw(true),
      districtsAll: sqlite.prepare(districtSelect).raw(true),
      districtsSome: sqlite.prepare(`${districtSelect} WHERE id ${IN_IDS}`).raw(true),
      storedAll: sqlite.prepare(storedSelect).raw(true),
      storedSome: sqlite.prepare(`${storedSelect} AND district_id ${IN_IDS}`).raw(true),
      upsert: sqlite.prepare(
        `INSERT INTO district_year_figures (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})
         ON CONFLICT (fiscal_year, district_id) DO UPDATE SET ${names
           .filter((n) => n !== '"fiscal_year"' && n !== '"district_id"')
           .map((n) => `${n} = excluded.${n}`)
           .join(', ')}`,
      ),
      remove: sqlite.prepare('DELETE FROM district_year_figures WHERE fiscal_year = ? AND district_id = ?'),
    };
  });
}

type Statements = ReturnType<typeof statements>;

/** Rows read as arrays, made into objects with `keys` (faster than better-sqlite3's own objects for many rows). */
function objects<T>(rows: unknown[][], keys: readonly string[]): T[] {
  const out = new Array<T>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const o: Record<string, unknown> = {};
    for (let k = 0; k < keys.length; k++) o[keys[k]!] = row[k];
    out[i] = o as T;
  }
  return out;
}

function loadReports(s: Statements, fy: number, ids: readonly number[] | null): MonthlyFigures[] {
  const range = [`${fy}-04`, `${fy + 1}-03`];
  const rows = (ids === null ? s.reportsAll.all(...range) : s.reportsSome.all(...range, JSON.stringify(ids))) as unknown[][];
  return objects<MonthlyFigures>(rows, s.reportKeys);
}

function loadDistricts(s: Statements, ids: readonly number[] | null): DistrictInfo[] {
  const rows = (ids === null ? s.districtsAll.all() : s.districtsSome.all(JSON.stringify(ids))) as [number, number, number | null, number | null][];
  return rows.map(([id, wardId, activeFrom, activeTo]) => ({ id, wardId, activeFrom, activeTo }));
}

function loadStored(s: Statements, fy: number, ids: readonly number[] | null): Map<number, StoredFigures> {
  const rows = (ids === null ? s.storedAll.all(fy) : s.storedSome.all(fy, JSON.stringify(ids))) as unknown[][];
  const keys = COLUMNS.map((c) => c.key);
  return new Map(objects<StoredFigures>(rows, keys).map((r) => [r.districtId, r]));
}

/**
 * Recomputes the stored figures of the given district-years, as
 * recomputeDistrictYears does (call it inside the write's transaction, after the
 * writes); a year with no stored figures yet is stored whole.
 */
export function recomputeDistrictYearsBulk(conn: Conn, sqlite: BetterSqlite3.Database, pairs: Iterable<DistrictYear>): void {
  const s = statements(conn, sqlite);
  if (s.anySuccession.get() !== undefined) {
    recomputeDistrictYears(conn, pairs);
    return;
  }
  const byYear = new Map<number, Set<number>>();
  for (const p of pairs) {
    let set = byYear.get(p.fiscalYear);
    if (!set) byYear.set(p.fiscalYear, (set = new Set()));
    set.add(p.districtId);
  }
  if (byYear.size === 0) return;
  const closed = closedYearSet(conn);
  const regularMeetingMonths = getSettings(conn as Db).regularMeetingMonths;
  const now = new Date().toISOString();
  for (const fy of [...byYear.keys()].sort((a, b) => a - b)) {
    if (closed.has(fy)) continue;
    // A stored year: only the touched districts. A year not stored yet: every district, so that it is stored whole.
    const ids = isYearStored(conn, fy) ? [...byYear.get(fy)!] : null;
    const list = loadDistricts(s, ids);
    const input = {
      districts: list,
      reports: loadReports(s, fy, ids),
      salons: loadSalonSpans(conn, ids),
      plans: loadPlanSpans(conn, ids),
      regularMeetingMonths,
      successions: [],
    };
    const stored = loadStored(s, fy, ids);
    for (const d of list) {
      const f = computeFigures(d, fy, input);
      const before = stored.get(d.id) ?? null;
      stored.delete(d.id);
      const after = f.active || f.monthsReported > 0 ? storedRowOf(d, fy, f, regularMeetingMonths, now) : null;
      if (changedFigureFields(before, after).length === 0) continue;
      if (after) s.upsert.run(COLUMNS.map((c) => after[c.key]));
      else s.remove.run(fy, d.id);
    }
    // Rows of districts that no longer exist.
    for (const districtId of stored.keys()) s.remove.run(fy, districtId);
  }
}
