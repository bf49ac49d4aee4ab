/**
 * Figures of record (DESIGN §4, §7): each district's yearly figures, stored in
 * `district_year_figures` as the output of the pure rollup module, recomputed
 * for exactly the district-years a write touches, in that write's transaction.
 * A closed fiscal year is never recomputed here: its figures are frozen.
 *
 * A fiscal year is "stored" once it has rows; a stored year holds a row for
 * every district active in it (and for an inactive one that has reports in it).
 * A year that is not stored yet is stored whole the first time anything needs
 * it (a write into it, a table that shows it), so a year never holds only
 * some districts' rows.
 */
import { and, eq, getTableColumns, inArray, max, min, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { closedFiscalYears, districts, districtYearFigures, monthlyReports, plans, salons, successionEvents, successionLinks } from '../db/schema.js';
import { districtYearFigures as computeFigures, type DistrictYearFigures, type RollupInput, type SuccessionSpan } from '../domain/rollup.js';
import { loadRollupRecords } from './rollupInput.js';
import { currentFiscalYear, fiscalYearOfDate, fiscalYearOfMonth } from '../domain/fiscalYear.js';
import { getSettings } from '../db/settings.js';
import { CATALOGUE, figureKeys, type CountFigureKey, type ItemFigureKey } from '../domain/catalogue.js';

/** A connection or a write transaction (both as Drizzle hands them out). */
export type Conn = Pick<Db, 'select' | 'selectDistinct' | 'insert' | 'update' | 'delete' | 'all'>;

/** A district in a fiscal year. */
export interface DistrictYear {
  districtId: number;
  fiscalYear: number;
}

export type StoredFigures = typeof districtYearFigures.$inferSelect;

/** The stored columns beside the catalogue's figures: the district's ward, whether it was active, its months reported, and the ③ setting used. */
const BOOKKEEPING_FIELDS = ['wardId', 'active', 'monthsReported', 'regularMeetingMonths'] as const;

/** A stored column that holds a figure: the bookkeeping, or a figure of the catalogue (its fields', group totals' and items'). */
export type FigureField = (typeof BOOKKEEPING_FIELDS)[number] | CountFigureKey | ItemFigureKey;

/**
 * The stored columns that hold figures (what a change is reported by), in the table's order: the
 * bookkeeping and every figure of the catalogue (test/figures/storedColumns.test.ts proves that the
 * table has a column for each and no other).
 */
export const FIGURE_FIELDS: readonly FigureField[] = Object.freeze(
  (() => {
    const wanted = new Set<string>([...BOOKKEEPING_FIELDS, ...figureKeys(CATALOGUE)]);
    return Object.keys(getTableColumns(districtYearFigures)).filter((k): k is FigureField => wanted.has(k));
  })(),
);

/** One stored district-year that a recompute created, changed or removed. */
export interface FigureChange {
  districtId: number;
  fiscalYear: number;
  kind: 'created' | 'updated' | 'deleted';
  fields: FigureField[];
  before: StoredFigures | null;
  after: StoredFigures | null;
}

export interface RecomputeOptions {
  /** Also recompute closed years (only for years that hold no stored figures yet). */
  includeClosed?: boolean;
}

const CHUNK = 500;

function chunks<T>(list: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Closed fiscal years (frozen figures). */
export function closedYearSet(conn: Conn): Set<number> {
  return new Set(
    conn
      .select({ fy: closedFiscalYears.fiscalYear })
      .from(closedFiscalYears)
      .all()
      .map((r) => r.fy),
  );
}

/** True if fiscal year `fy` has stored figures (an index probe). */
export function isYearStored(conn: Conn, fy: number): boolean {
  return !!conn
    .select({ one: sql`1` })
    .from(districtYearFigures)
    .where(eq(districtYearFigures.fiscalYear, fy))
    .limit(1)
    .get();
}

/** The latest fiscal year with stored figures, or null. */
export function latestStoredYear(conn: Conn): number | null {
  return (
    conn
      .select({ fy: max(districtYearFigures.fiscalYear) })
      .from(districtYearFigures)
      .get()?.fy ?? null
  );
}

/** Stored rows of the given districts (all when null) in one fiscal year, by district id. */
function storedRows(conn: Conn, fy: number, ids: readonly number[] | null): Map<number, StoredFigures> {
  const rows =
    ids === null
      ? conn.select().from(districtYearFigures).where(eq(districtYearFigures.fiscalYear, fy)).all()
      : chunks(ids).flatMap((part) =>
          conn
            .select()
            .from(districtYearFigures)
            .where(and(eq(districtYearFigures.fiscalYear, fy), inArray(districtYearFigures.districtId, part)))
            .all(),
        );
  return new Map(rows.map((r) => [r.districtId, r]));
}

interface DistrictInfo {
  id: number;
  wardId: number;
  activeFrom: number | null;
  activeTo: number | null;
}

function loadDistricts(conn: Conn, ids: readonly number[] | null): DistrictInfo[] {
  const cols = { id: districts.id, wardId: districts.wardId, activeFrom: districts.activeFrom, activeTo: districts.activeTo };
  if (ids === null) return conn.select(cols).from(districts).all();
  return chunks(ids).flatMap((part) => conn.select(cols).from(districts).where(inArray(districts.id, part)).all());
}

/** The succession events whose first month lies in fiscal year `fy` (DESIGN §2). */
export function successionsOfYear(conn: Conn, fy: number): SuccessionSpan[] {
  const rows = conn
    .select({ eventId: successionEvents.id, firstMonth: successionEvents.firstMonth, side: successionLinks.side, districtId: successionLinks.districtId })
    .from(successionEvents)
    .innerJoin(successionLinks, eq(successionLinks.eventId, successionEvents.id))
    .where(sql`${successionEvents.firstMonth} BETWEEN ${`${fy}-04`} AND ${`${fy + 1}-03`}`)
    .all();
  const byEvent = new Map<number, SuccessionSpan>();
  for (const r of rows) {
    let e = byEvent.get(r.eventId);
    if (!e) byEvent.set(r.eventId, (e = { firstMonth: r.firstMonth, predecessorIds: [], successorIds: [] }));
    (r.side === 'predecessor' ? e.predecessorIds : e.successorIds).push(r.districtId);
  }
  return [...byEvent.values()];
}

/** The districts whose figures in the events' year follow from `ids` (their successors, transitively: ③ inherits meeting months). */
function successorsOf(events: readonly SuccessionSpan[], ids: Iterable<number>): Set<number> {
  const out = new Set(ids);
  let grew = true;
  while (grew) {
    grew = false;
    for (const e of events) {
      if (!e.predecessorIds.some((p) => out.has(p))) continue;
      for (const s of e.successorIds) {
        if (out.has(s)) continue;
        out.add(s);
        grew = true;
      }
    }
  }
  return out;
}

/** The rollup input of some districts (all when null) for one fiscal year: only their rows of that year. */
function loadInput(conn: Conn, fy: number, list: DistrictInfo[], all: boolean, regularMeetingMonths: number): RollupInput {
  const successions = successionsOfYear(conn, fy);
  if (all) return { districts: list, ...loadRollupRecords(conn, fy, fy, null), regularMeetingMonths, successions };
  const ids = list.map((d) => d.id);
  // A successor's ③ reads its predecessors' months: load their reports too.
  const reportIds = [...new Set([...ids, ...successions.flatMap((e) => e.predecessorIds)])];
  return { districts: list, ...loadRollupRecords(conn, fy, fy, ids, reportIds), regularMeetingMonths, successions };
}

/** The stored row of a district's yearly figures (what both recompute paths write): its columns in the table's order. */
export function storedRowOf(d: { id: number; wardId: number }, fy: number, f: DistrictYearFigures, regularMeetingMonths: number, now: string): StoredFigures {
  const row: Record<string, number | string | null> = { fiscalYear: fy, districtId: d.id };
  for (const k of FIGURE_FIELDS) {
    if (k === 'wardId') row[k] = d.wardId;
    else if (k === 'active') row[k] = f.active ? 1 : 0;
    else if (k === 'monthsReported') row[k] = f.monthsReported;
    else if (k === 'regularMeetingMonths') row[k] = regularMeetingMonths;
    else row[k] = f[k];
  }
  row.computedAt = now;
  return row as StoredFigures;
}

/** The stored figures that differ between two versions of a row. */
export function changedFigureFields(a: StoredFigures | null, b: StoredFigures | null): FigureField[] {
  return FIGURE_FIELDS.filter((k) => (a?.[k] ?? null) !== (b?.[k] ?? null));
}

const COLUMN_NAMES = Object.fromEntries(Object.entries(getTableColumns(districtYearFigures)).map(([key, col]) => [key, col.name])) as Record<
  keyof StoredFigures,
  string
>;

/** One upsert statement, prepared once per recompute and run for every changed district-year. */
function prepareUpsert(conn: Conn) {
  const keys = Object.keys(COLUMN_NAMES) as (keyof StoredFigures)[];
  const values = Object.fromEntries(keys.map((k) => [k, sql.placeholder(k)])) as unknown as StoredFigures;
  const set = Object.fromEntries(keys.filter((k) => k !== 'fiscalYear' && k !== 'districtId').map((k) => [k, sql.raw(`excluded."${COLUMN_NAMES[k]}"`)]));
  return conn
    .insert(districtYearFigures)
    .values(values)
    .onConflictDoUpdate({ target: [districtYearFigures.fiscalYear, districtYearFigures.districtId], set })
    .prepare();
}
type Upsert = ReturnType<typeof prepareUpsert>;

/**
 * The rows one fiscal year would store for some districts, computed from the
 * records without writing: for a year that holds no stored figures yet (e.g. a
 * fiscal year that began since the last write), so that a GET never writes.
 * `scope` narrows the districts: every district, a ward's, or one.
 */
export function yearRowsFromRecords(conn: Conn, fy: number, scope: { wardId?: number; districtId?: number } = {}): StoredFigures[] {
  const cols = { id: districts.id, wardId: districts.wardId, activeFrom: districts.activeFrom, activeTo: districts.activeTo };
  const all = scope.wardId === undefined && scope.districtId === undefined;
  const list = all
    ? conn.select(cols).from(districts).all()
    : conn
        .select(cols)
        .from(districts)
        .where(scope.districtId !== undefined ? eq(districts.id, scope.districtId) : eq(districts.wardId, scope.wardId!))
        .all();
  const regularMeetingMonths = getSettings(conn as Db).regularMeetingMonths;
  const input = loadInput(conn, fy, list, all, regularMeetingMonths);
  const now = new Date().toISOString();
  const rows: StoredFigures[] = [];
  for (const d of list) {
    const f = computeFigures(d, fy, input);
    if (f.active || f.monthsReported > 0) rows.push(storedRowOf(d, fy, f, regularMeetingMonths, now));
  }
  return rows;
}

/** Recomputes one fiscal year for some districts (all when null); returns what changed. */
function recomputeYear(conn: Conn, fy: number, ids: readonly number[] | null, regularMeetingMonths: number, now: string, upsert: () => Upsert): FigureChange[] {
  const list = loadDistricts(conn, ids);
  const input = loadInput(conn, fy, list, ids === null, regularMeetingMonths);
  const stored = storedRows(conn, fy, ids);
  const changes: FigureChange[] = [];
  const seen = new Set<number>();
  for (const d of list) {
    seen.add(d.id);
    const f = computeFigures(d, fy, input);
    const before = stored.get(d.id) ?? null;
    const keep = f.active || f.monthsReported > 0;
    const after = keep ? storedRowOf(d, fy, f, regularMeetingMonths, now) : null;
    const fields = changedFigureFields(before, after);
    if (fields.length === 0) continue;
    if (after) {
      upsert().run(after);
    } else {
      conn
        .delete(districtYearFigures)
        .where(and(eq(districtYearFigures.fiscalYear, fy), eq(districtYearFigures.districtId, d.id)))
        .run();
    }
    changes.push({ districtId: d.id, fiscalYear: fy, kind: !before ? 'created' : !after ? 'deleted' : 'updated', fields, before, after });
  }
  // Rows of districts that no longer exist.
  for (const [districtId, before] of stored) {
    if (seen.has(districtId)) continue;
    conn
      .delete(districtYearFigures)
      .where(and(eq(districtYearFigures.fiscalYear, fy), eq(districtYearFigures.districtId, districtId)))
      .run();
    changes.push({ districtId, fiscalYear: fy, kind: 'deleted', fields: changedFigureFields(before, null), before, after: null });
  }
  return changes;
}

function lazyUpsert(conn: Conn): () => Upsert {
  let prepared: Upsert | undefined;
  return () => (prepared ??= prepareUpsert(conn));
}

/**
 * Recomputes the stored figures of the given district-years from the records,
 * skipping closed years. Call it inside the write's transaction, after the write.
 * A year with no stored figures yet is stored whole (every district), so a year
 * never holds only some districts' rows.
 */
export function recomputeDistrictYears(conn: Conn, pairs: Iterable<DistrictYear>, options: RecomputeOptions = {}): FigureChange[] {
  const byYear = new Map<number, Set<number>>();
  for (const p of pairs) {
    let set = byYear.get(p.fiscalYear);
    if (!set) byYear.set(p.fiscalYear, (set = new Set()));
    set.add(p.districtId);
  }
  if (byYear.size === 0) return [];
  const closed = closedYearSet(conn);
  const regularMeetingMonths = getSettings(conn as Db).regularMeetingMonths;
  const now = new Date().toISOString();
  const upsert = lazyUpsert(conn);
  const changes: FigureChange[] = [];
  for (const fy of [...byYear.keys()].sort((a, b) => a - b)) {
    const stored = isYearStored(conn, fy);
    if (closed.has(fy) && (stored || !options.includeClosed)) continue;
    const ids = stored ? [...successorsOf(successionsOfYear(conn, fy), byYear.get(fy)!)] : null;
    changes.push(...recomputeYear(conn, fy, ids, regularMeetingMonths, now, upsert));
  }
  return changes;
}

/** Recomputes whole fiscal years (every district), skipping closed ones unless they hold nothing yet and `includeClosed`. */
export function recomputeFiscalYears(conn: Conn, years: Iterable<number>, options: RecomputeOptions = {}): FigureChange[] {
  const closed = closedYearSet(conn);
  const regularMeetingMonths = getSettings(conn as Db).regularMeetingMonths;
  const now = new Date().toISOString();
  const upsert = lazyUpsert(conn);
  const changes: FigureChange[] = [];
  for (const fy of [...new Set(years)].sort((a, b) => a - b)) {
    if (closed.has(fy) && (isYearStored(conn, fy) || !options.includeClosed)) continue;
    changes.push(...recomputeYear(conn, fy, null, regularMeetingMonths, now, upsert));
  }
  return changes;
}

/** Every fiscal year that has stored figures, ascending. */
export function storedYears(conn: Conn): number[] {
  return conn
    .selectDistinct({ fy: districtYearFigures.fiscalYear })
    .from(districtYearFigures)
    .orderBy(districtYearFigures.fiscalYear)
    .all()
    .map((r) => r.fy);
}

/**
 * The fiscal years the records can give figures for: from the earliest
 * report, salon opening or plan year to the latest of those and the current FY.
 */
export function fiscalYearsOfRecords(conn: Conn, now: Date = new Date()): number[] {
  const r = conn
    .select({ lo: min(monthlyReports.month), hi: max(monthlyReports.month) })
    .from(monthlyReports)
    .get();
  const s = conn
    .select({ lo: min(salons.openedOn), hi: max(salons.closedOn) })
    .from(salons)
    .get();
  const p = conn
    .select({
      lo: sql<number | null>`min(min(${plans.formulatedFy}, ${plans.firstFy}))`,
      hi: sql<number | null>`max(max(${plans.formulatedFy}, ${plans.lastFy}))`,
    })
    .from(plans)
    .get();
  const current = currentFiscalYear(now);
  const lows = [r?.lo ? fiscalYearOfMonth(r.lo) : null, s?.lo ? fiscalYearOfDate(s.lo) : null, p?.lo ?? null].filter((x): x is number => x !== null);
  if (lows.length === 0) return [];
  const highs = [current, r?.hi ? fiscalYearOfMonth(r.hi) : null, s?.hi ? fiscalYearOfDate(s.hi) : null, p?.hi ?? null].filter((x): x is number => x !== null);
  const lo = Math.min(...lows);
  const hi = Math.max(...highs);
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

/** Fiscal years from `from` to `to`, inclusive. */
export function yearsBetween(from: number, to: number): number[] {
  return from > to ? [] : Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** True if fiscal year `fy` would store any row: a district exists in it, or some district reported in it. */
function yearHasFigures(conn: Conn, fy: number): boolean {
  const active = conn
    .select({ one: sql`1` })
    .from(districts)
    .where(sql`(${districts.activeFrom} IS NULL OR ${districts.activeFrom} <= ${fy}) AND (${districts.activeTo} IS NULL OR ${districts.activeTo} >= ${fy})`)
    .limit(1)
    .get();
  return !!active || yearHasReports(conn, fy);
}

/** True if any district reported in fiscal year `fy` (an index probe). */
function yearHasReports(conn: Conn, fy: number): boolean {
  return !!conn
    .select({ one: sql`1` })
    .from(monthlyReports)
    .where(sql`${monthlyReports.month} BETWEEN ${`${fy}-04`} AND ${`${fy + 1}-03`}`)
    .limit(1)
    .get();
}

/**
 * Stores every fiscal year of the records that holds no stored figures yet,
 * closed ones included (once: e.g. after upgrading a database that predates
 * the figures of record). For start-up and `cli recompute`, never for a GET.
 */
export function storeMissingYears(db: Db, now: Date = new Date()): number[] {
  return db.transaction(
    (tx) => {
      const missing = fiscalYearsOfRecords(tx, now).filter((fy) => !isYearStored(tx, fy) && yearHasFigures(tx, fy));
      recomputeFiscalYears(tx, missing, { includeClosed: true });
      return missing;
    },
    { behavior: 'immediate' },
  );
}

/** The district-year a monthly report of `month` belongs to. */
export function monthPairs(districtId: number, ...months: string[]): DistrictYear[] {
  return [...new Set(months.map(fiscalYearOfMonth))].map((fiscalYear) => ({ districtId, fiscalYear }));
}

interface SalonDates {
  openedOn: string;
  closedOn: string | null;
}

/**
 * The district-years a salon change can touch (⑥ counts salons open on March 31):
 * from the earlier opening date to the later closing date, or to the latest
 * stored year (and the current one) while a version of the salon is open.
 */
export function salonPairs(conn: Conn, districtId: number, ...versions: (SalonDates | null | undefined)[]): DistrictYear[] {
  const list = versions.filter((v): v is SalonDates => !!v);
  if (list.length === 0) return [];
  const from = Math.min(...list.map((v) => fiscalYearOfDate(v.openedOn)));
  const ends = list.map((v) => (v.closedOn ? fiscalYearOfDate(v.closedOn) : null));
  let to = Math.max(...ends.map((e) => e ?? from));
  if (ends.some((e) => e === null)) to = Math.max(to, latestStoredYear(conn) ?? 0, currentFiscalYear());
  return yearsBetween(from, to).map((fiscalYear) => ({ districtId, fiscalYear }));
}

interface PlanYears {
  formulatedFy: number;
  firstFy: number;
  lastFy: number;
}

/** The district-years a plan change can touch: the FY formulated (④) and the plan period (⑦), old and new. */
export function planPairs(districtId: number, ...versions: (PlanYears | null | undefined)[]): DistrictYear[] {
  const years = new Set<number>();
  for (const v of versions) {
    if (!v) continue;
    years.add(v.formulatedFy);
    for (const fy of yearsBetween(v.firstFy, v.lastFy)) years.add(fy);
  }
  return [...years].map((fiscalYear) => ({ districtId, fiscalYear }));
}

/** Every stored year of a district (a change of its ward or active years touches them all). */
export function districtPairs(conn: Conn, districtId: number): DistrictYear[] {
  return storedYears(conn).map((fiscalYear) => ({ districtId, fiscalYear }));
}
