import { and, eq, gte, lte } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { districts, publishedFigures, wards, type ScopeType } from '../db/schema.js';
import type { Target } from '../auth/access.js';
import type { CellValue, RollupInput } from '../domain/rollup.js';
import { loadScopeFigures } from '../figures/repository.js';
import { loadRollupRecords } from '../figures/rollupInput.js';
import { DEFAULT_THRESHOLDS, type TrendBasis, type TrendThresholds } from '../domain/trend.js';
import { getSettings } from '../db/settings.js';
import { buildTrendRows, yearRange, type PublishedValue, type TableKind, type TrendRow } from './table.js';
import { fiscalYearsOfScope, latestFiscalYearWithData } from '../figures/dataYears.js';
import { loadIndicatorFigures } from '../indicators/figures.js';
import { indicatorTrendRows } from './indicatorRows.js';

/** A scope of figures: the city, one ward, or one district. */
export interface Scope {
  /** As in URLs and the API: `city`, `ward:<name>`, `district:<code>`. */
  key: string;
  type: ScopeType;
  /** 0 for the city, else the ward's or district's id. */
  id: number;
  label: string;
  target: Target;
}

/** Resolves `city`, `ward:<name>` or `district:<code>`; null if there is no such ward or district. */
export function resolveScope(db: Db, key: string): Scope | null {
  if (key === 'city') return { key, type: 'city', id: 0, label: '全市', target: { kind: 'city' } };
  const [type, ...rest] = key.split(':');
  const name = rest.join(':');
  if (type === 'ward' && name) {
    const ward = db.select().from(wards).where(eq(wards.name, name)).get();
    return ward ? { key, type: 'ward', id: ward.id, label: ward.name, target: { kind: 'ward', wardId: ward.id } } : null;
  }
  if (type === 'district' && name) {
    const row = db.select().from(districts).where(eq(districts.code, name)).get();
    return row ? { key, type: 'district', id: row.id, label: row.name, target: { kind: 'district', districtId: row.id, wardId: row.wardId } } : null;
  }
  return null;
}

/** The scope a user sees by default: the city for city staff, their ward or district otherwise. */
export function defaultScopeKey(user: { role: string; wardName: string | null; districtCode: string | null }): string {
  if (user.role === 'ward' && user.wardName) return `ward:${user.wardName}`;
  if (user.role === 'district' && user.districtCode) return `district:${user.districtCode}`;
  return 'city';
}

function districtsOf(db: Db, scope: Scope) {
  const cols = { id: districts.id, activeFrom: districts.activeFrom, activeTo: districts.activeTo };
  if (scope.type === 'city') return db.select(cols).from(districts).all();
  if (scope.type === 'ward') return db.select(cols).from(districts).where(eq(districts.wardId, scope.id)).all();
  return db.select(cols).from(districts).where(eq(districts.id, scope.id)).all();
}

/**
 * Everything the rollup needs for a scope and a window of fiscal years, in three
 * queries (the loader the stored figures use, src/figures/rollupInput.ts): for
 * checks and one district's pages, not for ward or city tables.
 */
export function loadRollupInput(db: Db, scope: Scope, fromFy: number, toFy: number): RollupInput {
  const scopeDistricts = districtsOf(db, scope);
  const ids = scope.type === 'city' ? null : scopeDistricts.map((d) => d.id);
  return { districts: scopeDistricts, ...loadRollupRecords(db, fromFy, toFy, ids), regularMeetingMonths: getSettings(db).regularMeetingMonths };
}

/** Published figures of one scope in a window, keyed `${item}:${fiscalYear}`. */
export function loadPublished(db: Db, scope: Scope, fromFy: number, toFy: number): Map<string, PublishedValue> {
  const rows = db
    .select()
    .from(publishedFigures)
    .where(
      and(
        eq(publishedFigures.scopeType, scope.type),
        eq(publishedFigures.scopeId, scope.id),
        gte(publishedFigures.fiscalYear, fromFy),
        lte(publishedFigures.fiscalYear, toFy),
      ),
    )
    .all();
  return new Map(rows.map((r) => [`${r.item}:${r.fiscalYear}`, { value: r.value, note: r.note }]));
}

/** Fiscal years in which the scope has any published figure or monthly report, ascending (index lookups, one per year). */
export function fiscalYearsWithData(db: Db, scope: Scope): number[] {
  return fiscalYearsOfScope(db, scope);
}

export interface TrendTableRequest {
  kind: TableKind;
  fromFy: number;
  toFy: number;
  basis: TrendBasis;
  thresholds?: TrendThresholds;
}

export interface TrendTable {
  scope: Scope;
  kind: TableKind;
  fiscalYears: number[];
  basis: TrendBasis;
  thresholds: TrendThresholds;
  rows: TrendRow[];
  /** Districts in scope that exist in each year, for "n of N reported". */
  districtCounts: Map<number, number>;
  /** Districts in scope with at least one monthly report in each year. */
  districtsReporting: Map<number, number>;
}

/**
 * Loads one trend table: the single path behind pages, the API, agenda sheets
 * and exports. Ward and city values are one SQL aggregate over the stored
 * figures of record (DESIGN §7), never the monthly rows.
 */
export function loadTrendTable(db: Db, scope: Scope, request: TrendTableRequest): TrendTable {
  const fiscalYears = yearRange(request.fromFy, request.toFy);
  const figures = loadScopeFigures(db, scope.type, scope.id, request.fromFy, request.toFy);
  const rollups = new Map<number, Record<string, CellValue>>();
  const districtCounts = new Map<number, number>();
  const districtsReporting = new Map<number, number>();
  for (const fy of fiscalYears) {
    const f = figures.get(fy)!;
    rollups.set(fy, request.kind === 'items' ? f.items : f.households);
    districtCounts.set(fy, f.districts);
    districtsReporting.set(fy, f.districtsReporting);
  }
  const thresholds = request.thresholds ?? DEFAULT_THRESHOLDS;
  const rows = buildTrendRows(request.kind, fiscalYears, rollups, loadPublished(db, scope, request.fromFy, request.toFy), {
    basis: request.basis,
    thresholds,
  });
  // Council-defined indicators (DESIGN §11) follow the seven items; the household table stays as it is.
  if (request.kind === 'items') {
    rows.push(...indicatorTrendRows(loadIndicatorFigures(db, scope, request.fromFy, request.toFy), fiscalYears, { basis: request.basis, thresholds }));
  }
  return { scope, kind: request.kind, fiscalYears, basis: request.basis, thresholds, rows, districtCounts, districtsReporting };
}

/**
 * The default window: the last five fiscal years with data, ending before the
 * current (unfinished) fiscal year, whose sums would mislead a trend.
 */
export function defaultWindow(db: Db, scope: Scope, currentFy: number): { fromFy: number; toFy: number } {
  // An index lookup: the latest month before this fiscal year, and the latest published year.
  const toFy = latestFiscalYearWithData(db, scope, currentFy) ?? currentFy - 1;
  return { fromFy: toFy - 4, toFy };
}
