import { and, eq, max } from 'drizzle-orm';
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../db/index.js';
import { districts, plans, salons, wards } from '../db/schema.js';
import { auditActorFor, recordAudit } from '../audit/repository.js';
import { CATALOGUE, countFieldNames, type Catalogue } from '../domain/catalogue.js';
import { ClosedFiscalYearError } from '../fiscalYears/repository.js';
import { fiscalYearOfDate, fiscalYearOfMonth } from '../domain/fiscalYear.js';
import { planPairs, salonPairs, storedYears, type DistrictYear } from '../figures/recompute.js';
import { recomputeDistrictYearsFast } from '../figures/fastRecompute.js';
import { recomputeDistrictYearsBulk } from '../figures/bulk.js';
import type { DistrictFields } from '../districts/rules.js';

type Reader = Pick<Db, 'select'>;

export { loadLookups, type DistrictRef, type ImportLookups } from '../districts/lookups.js';

/** A district row of an import: the fields the district pages read (src/districts/rules.ts). */
export type DistrictImport = DistrictFields;

export type WriteOutcome = 'created' | 'updated' | 'unchanged';

/** The ward's id, creating the ward (audited) when no ward has that name yet. */
function wardIdFor(tx: Db, name: string, userId: number | null): number {
  const existing = tx.select({ id: wards.id }).from(wards).where(eq(wards.name, name)).get();
  if (existing) return existing.id;
  // New wards go last; the kana is not in the file, so the name stands in until someone edits it.
  const last =
    tx
      .select({ n: max(wards.sortOrder) })
      .from(wards)
      .get()?.n ?? 0;
  const row = tx
    .insert(wards)
    .values({ name, kana: name, sortOrder: last + 1 })
    .returning()
    .get();
  recordAudit(tx, { userId, action: 'create', entity: 'ward', entityId: row.id, before: null, after: row, detail: 'csv_import' });
  return row.id;
}

/**
 * Creates or updates a district by its code (audited); the ward is created by name if needed.
 * The caller recomputes the stored figures of a created or updated district.
 */
export function upsertDistrict(tx: Db, input: DistrictImport, userId: number | null): WriteOutcome {
  const wardId = wardIdFor(tx, input.wardName, userId);
  const values = { code: input.code, name: input.name, kana: input.kana, wardId, activeFrom: input.activeFrom, activeTo: input.activeTo };
  const existing = tx.select().from(districts).where(eq(districts.code, input.code)).get();
  if (!existing) {
    const row = tx.insert(districts).values(values).returning().get();
    recordAudit(tx, { userId, action: 'create', entity: 'district', entityId: row.id, districtId: row.id, before: null, after: row, detail: 'csv_import' });
    return 'created';
  }
  const same = (Object.keys(values) as (keyof typeof values)[]).every((k) => existing[k] === values[k]);
  if (same) return 'unchanged';
  const row = tx.update(districts).set(values).where(eq(districts.id, existing.id)).returning().get();
  recordAudit(tx, { userId, action: 'update', entity: 'district', entityId: row.id, districtId: row.id, before: existing, after: row, detail: 'csv_import' });
  return 'updated';
}

/** The salon a file row refers to: same district, name and opening date. */
export function findSalon(db: Reader, districtId: number, name: string, openedOn: string) {
  return db
    .select()
    .from(salons)
    .where(and(eq(salons.districtId, districtId), eq(salons.name, name), eq(salons.openedOn, openedOn)))
    .get();
}

/** A district's plan of one generation. */
export function findPlan(db: Reader, districtId: number, generation: number) {
  return db
    .select()
    .from(plans)
    .where(and(eq(plans.districtId, districtId), eq(plans.generation, generation)))
    .get();
}

/** The better-sqlite3 connection under a Drizzle database (for statements prepared once). */
export function rawConnection(db: Db): BetterSqlite3.Database {
  const client = (db as Db & { $client?: BetterSqlite3.Database }).$client;
  if (!client) throw new Error('better-sqlite3 の接続が見つかりません');
  return client;
}

/** A register row that matches the file's key but differs in its other columns. */
export type RegisterOutcome = WriteOutcome | 'differs';

interface StoredMonthly {
  id: number;
  note: string | null;
  flagged_fields: string | null;
  [field: string]: number | string | null;
}

/**
 * A monthly row of a file: each count field of the catalogue by its name (null: not reported),
 * and the note. For the city's catalogue it is exactly MonthlyValues.
 */
export type ImportedMonthlyValues = Readonly<Record<string, number | string | null>> & { readonly note: string | null };

/**
 * Writes the values of a row as the audit log records them (note first, then the counts, as
 * `valuesOf`): the JSON.stringify of that object, with each key written once per import
 * rather than once per row.
 */
function auditJsonWriter(fields: readonly string[]): (row: Readonly<Record<string, unknown>>) => string {
  const keys = fields.map((f) => `,${JSON.stringify(f)}:`);
  return (row) => {
    let json = `{"note":${JSON.stringify(row.note ?? null)}`;
    for (let i = 0; i < fields.length; i++) {
      const v = row[fields[i]!];
      json += keys[i]! + (v === null || v === undefined ? 'null' : typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : JSON.stringify(v));
    }
    return json + '}';
  };
}

function storedFlags(raw: string | null, fields: readonly string[]): string[] {
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? parsed.filter((f): f is string => typeof f === 'string' && fields.includes(f)) : [];
  } catch {
    return [];
  }
}

/** Up to this many touched district-years are recomputed one by one (recomputeDistrictYearsFast), more year by year. */
const FAST_RECOMPUTE_MAX_PAIRS = 50;

/**
 * Writes the rows of one import inside its one transaction, at the speed of
 * SQLite (DESIGN §8, issue 9): statements prepared once, no savepoint per row,
 * every row audited as the form's write path audits it, and the stored figures
 * recomputed once per touched district-year at the end (`finish`).
 */
export class ImportWriter {
  private readonly touched: DistrictYear[] = [];
  /** District-years the monthly rows touch: the districts of each fiscal year. */
  private readonly touchedMonthlyYears = new Map<number, Set<number>>();
  /** Fiscal year of each month seen (a file has few distinct months and many rows). */
  private readonly fiscalYearByMonth = new Map<string, number>();
  /** The monthly count fields, in the catalogue's order (the columns of monthly_reports). */
  private readonly countFields: readonly string[];
  private readonly auditJson: (row: Readonly<Record<string, unknown>>) => string;
  /** One moment for the whole import: its rows are written and audited in one transaction. */
  private readonly now = new Date().toISOString();
  private readonly actor: string | null;
  private readonly touchedDistricts = new Set<number>();
  /** The file's district-months read in bulk (`preloadMonthly`): the months of each district. */
  private preloadedMonths?: Map<number, Set<string>>;
  /** The stored rows the bulk read found ('districtId|month'); a covered district-month not here is not stored. */
  private readonly storedMonthly = new Map<string, StoredMonthly>();
  /**
   * The file's district-months that hold a breakdown of a monthly field (the kinds of help of ②),
   * read in bulk with the stored rows; undefined until `preloadMonthly` ran (then every row is checked).
   */
  private breakdownMonths?: Set<string>;
  private monthlyStatements?: {
    find: BetterSqlite3.Statement<[number, string], StoredMonthly>;
    insert: BetterSqlite3.Statement<unknown[]>;
    update: BetterSqlite3.Statement<unknown[]>;
    audit: BetterSqlite3.Statement<unknown[]>;
    auditCreated: BetterSqlite3.Statement<unknown[]>;
  };
  /**
   * The id of the first monthly row this import created, when their audit events are
   * written together at the end (`auditCreatedMonthly`); how many it created.
   */
  private firstCreatedId: number | null = null;
  private createdMonthly = 0;
  /** The INSERT's parameters, filled anew for each created row. */
  private insertParams?: unknown[];

  constructor(
    private readonly tx: Db,
    private readonly sqlite: BetterSqlite3.Database,
    private readonly userId: number | null,
    /** Closed fiscal years (loaded once) and whether --force lets rows into them. */
    private readonly closedYears: ReadonlySet<number>,
    private readonly force: boolean,
    /** What is counted; the city's catalogue when left out. */
    catalogue: Catalogue = CATALOGUE,
    /**
     * Write the audit event of a created monthly row with the row (a dry run that shows each
     * row's audit record needs it there); otherwise they are written in one statement at the end.
     */
    private readonly auditEachRow = false,
  ) {
    this.countFields = countFieldNames(catalogue);
    this.auditJson = auditJsonWriter(this.countFields);
    this.actor = auditActorFor(userId);
  }

  private statements() {
    if (!this.monthlyStatements) {
      const fields = this.countFields;
      const cols = fields.join(', ');
      this.monthlyStatements = {
        find: this.sqlite.prepare(`SELECT id, ${cols}, note, flagged_fields FROM monthly_reports WHERE district_id = ? AND month = ?`),
        insert: this.sqlite.prepare(
          `INSERT INTO monthly_reports (district_id, month, ${cols}, note, flagged_fields, corrected_by_ward, version, updated_by, updated_at)
           VALUES (?, ?, ${fields.map(() => '?').join(', ')}, ?, NULL, 0, 1, ?, ?)`,
        ),
        update: this.sqlite.prepare(
          `UPDATE monthly_reports SET ${fields.map((f) => `${f} = ?`).join(', ')}, note = ?, flagged_fields = ?, version = version + 1, updated_by = ?, updated_at = ? WHERE id = ?`,
        ),
        audit: this.sqlite.prepare(
          'INSERT INTO audit_events (at, user_id, action, entity, entity_id, district_id, month, before, after, detail, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)',
        ),
        // The audit events of the rows this import created (ids from the first one on: the import
        // holds the write lock, and ids only grow), in file order. The after value is the JSON the
        // per-row path writes (auditJsonWriter): note first, then the counts; SQLite's json_object
        // escapes text exactly as JSON.stringify does (test/imports/bulkAudit.test.ts).
        auditCreated: this.sqlite.prepare(
          `INSERT INTO audit_events (at, user_id, action, entity, entity_id, district_id, month, before, after, detail, actor)
           SELECT ?, ?, 'create', 'monthly_report', CAST(id AS TEXT), district_id, month, NULL,
                  json_object('note', note, ${fields.map((f) => `'${f}', ${f}`).join(', ')}), NULL, ?
           FROM monthly_reports WHERE id >= ? ORDER BY id`,
        ),
      };
    }
    return this.monthlyStatements;
  }

  /**
   * Reads the stored rows of the district-months a file writes in a few queries
   * (500 districts at a time, over the file's months), instead of one lookup per row.
   */
  preloadMonthly(keys: readonly { districtId: number; month: string }[]): void {
    if (keys.length === 0) return;
    const byDistrict = new Map<number, Set<string>>();
    let from = keys[0]!.month;
    let to = from;
    for (const k of keys) {
      let months = byDistrict.get(k.districtId);
      if (!months) byDistrict.set(k.districtId, (months = new Set()));
      months.add(k.month);
      if (k.month < from) from = k.month;
      if (k.month > to) to = k.month;
    }
    this.preloadedMonths = byDistrict;
    const ids = [...byDistrict.keys()];
    const cols = this.countFields.join(', ');
    for (let i = 0; i < ids.length; i += 500) {
      const part = ids.slice(i, i + 500);
      const rows = this.sqlite
        .prepare(
          `SELECT id, district_id, month, ${cols}, note, flagged_fields FROM monthly_reports
           WHERE district_id IN (${part.map(() => '?').join(', ')}) AND month BETWEEN ? AND ?`,
        )
        .all(...part, from, to) as (StoredMonthly & { district_id: number; month: string })[];
      for (const row of rows) if (byDistrict.get(row.district_id)?.has(row.month)) this.storedMonthly.set(`${row.district_id}|${row.month}`, row);
    }
    // Breakdowns are few (the indicators that break a field down, over the file's months): one
    // range read over the indicator's month index instead of a join per row.
    this.breakdownMonths = new Set();
    const breakdownIds = this.sqlite.prepare('SELECT id FROM indicator_definitions WHERE breaks_down_field IS NOT NULL').pluck().all() as number[];
    if (breakdownIds.length === 0) return;
    const withBreakdown = this.sqlite
      .prepare(
        `SELECT DISTINCT district_id, month FROM district_indicator_values
         WHERE indicator_id IN (${breakdownIds.map(() => '?').join(', ')}) AND month BETWEEN ? AND ?`,
      )
      .all(...breakdownIds, from, to) as { district_id: number; month: string }[];
    for (const row of withBreakdown) {
      if (byDistrict.get(row.district_id)?.has(row.month)) this.breakdownMonths.add(`${row.district_id}|${row.month}`);
    }
  }

  /** Whether a district-month may hold a breakdown to check against the row (false only when the bulk read saw none). */
  mayHaveBreakdown(districtId: number, month: string): boolean {
    if (!this.breakdownMonths) return true;
    return this.breakdownMonths.size > 0 && this.breakdownMonths.has(`${districtId}|${month}`);
  }

  /** The stored row of a district-month: from the bulk read when it covered it, else one lookup. */
  private storedRow(districtId: number, month: string): StoredMonthly | undefined {
    const covered = this.preloadedMonths?.get(districtId);
    if (covered?.delete(month)) {
      // Each district-month is written once per file; a later read (none) would look the write up.
      if (this.storedMonthly.size === 0) return undefined;
      const key = `${districtId}|${month}`;
      const row = this.storedMonthly.get(key);
      this.storedMonthly.delete(key);
      return row;
    }
    return this.statements().find.get(districtId, month);
  }

  /** Refuses a register row dated in a closed fiscal year, unless --force. */
  private assertOpen(fy: number, column: string): void {
    if (!this.force && this.closedYears.has(fy)) throw new ClosedFiscalYearError(fy, column);
  }

  /** Notes the district-year of a written month, for the recompute at the end. */
  private touchMonth(districtId: number, month: string): void {
    let fy = this.fiscalYearByMonth.get(month);
    if (fy === undefined) this.fiscalYearByMonth.set(month, (fy = fiscalYearOfMonth(month)));
    let touched = this.touchedMonthlyYears.get(fy);
    if (!touched) this.touchedMonthlyYears.set(fy, (touched = new Set()));
    touched.add(districtId);
  }

  /**
   * Creates or updates a district-month like `saveMonthlyReport` (same audit
   * content, plausibility flags kept only on unchanged values), without a savepoint.
   */
  monthly(districtId: number, month: string, values: ImportedMonthlyValues): WriteOutcome {
    const st = this.statements();
    const fields = this.countFields;
    const existing = this.storedRow(districtId, month);
    if (!existing) {
      // One parameter array for every created row (a large file creates most of its rows).
      const params = (this.insertParams ??= new Array<unknown>(fields.length + 5));
      params[0] = districtId;
      params[1] = month;
      for (let i = 0; i < fields.length; i++) params[i + 2] = values[fields[i]!] ?? null;
      params[fields.length + 2] = values.note;
      params[fields.length + 3] = this.userId;
      params[fields.length + 4] = this.now;
      const id = Number(st.insert.run(params).lastInsertRowid);
      if (this.auditEachRow)
        st.audit.run(this.now, this.userId, 'create', 'monthly_report', String(id), districtId, month, null, this.auditJson(values), this.actor);
      else {
        this.firstCreatedId ??= id;
        this.createdMonthly++;
      }
      this.touchMonth(districtId, month);
      return 'created';
    }
    const kept = storedFlags(existing.flagged_fields, fields).filter((f) => existing[f] === values[f]);
    const flagged = kept.length > 0 ? JSON.stringify(kept) : null;
    const same = fields.every((f) => existing[f] === values[f]) && (existing.note ?? null) === (values.note ?? null);
    if (same && existing.flagged_fields === flagged) return 'unchanged';
    st.update.run(...fields.map((f) => values[f] ?? null), values.note, flagged, this.userId, this.now, existing.id);
    st.audit.run(
      this.now,
      this.userId,
      'update',
      'monthly_report',
      String(existing.id),
      districtId,
      month,
      this.auditJson(existing),
      this.auditJson(values),
      this.actor,
    );
    this.touchMonth(districtId, month);
    return 'updated';
  }

  /** Creates a salon (audited) unless the same district, name and opening date exists; dated in a closed year is refused. */
  salon(districtId: number, input: { name: string; venue: string; openedOn: string; closedOn: string | null; subsidyApplied: boolean }): RegisterOutcome {
    const existing = findSalon(this.tx, districtId, input.name, input.openedOn);
    const same = existing ? existing.venue === input.venue && existing.closedOn === input.closedOn && existing.subsidyApplied === input.subsidyApplied : null;
    return this.createUnlessFound(districtId, 'salon', same, () => {
      this.assertOpen(fiscalYearOfDate(input.openedOn), 'opened_on');
      if (input.closedOn) this.assertOpen(fiscalYearOfDate(input.closedOn), 'closed_on');
      const row = this.tx
        .insert(salons)
        .values({ districtId, ...input })
        .returning()
        .get();
      return { row, pairs: salonPairs(this.tx, districtId, row) };
    });
  }

  /** Creates a district's plan of one generation (audited) unless it exists; a year in a closed FY is refused. */
  plan(districtId: number, input: { generation: number; formulatedFy: number; firstFy: number; lastFy: number }): RegisterOutcome {
    const existing = findPlan(this.tx, districtId, input.generation);
    const same = existing ? existing.formulatedFy === input.formulatedFy && existing.firstFy === input.firstFy && existing.lastFy === input.lastFy : null;
    return this.createUnlessFound(districtId, 'plan', same, () => {
      this.assertOpen(input.formulatedFy, 'formulated_fy');
      for (let fy = input.firstFy; fy <= input.lastFy; fy++) this.assertOpen(fy, fy === input.firstFy ? 'first_fy' : 'last_fy');
      const row = this.tx
        .insert(plans)
        .values({ districtId, ...input })
        .returning()
        .get();
      return { row, pairs: planPairs(districtId, row) };
    });
  }

  /**
   * The import's rule for register rows: one that exists is left as it is (`sameAsFound` says whether the file agrees
   * with it; null when none was found); a new one is created (checked, inserted), audited, and its years marked for recompute.
   */
  private createUnlessFound<R extends { id: number }>(
    districtId: number,
    entity: 'salon' | 'plan',
    sameAsFound: boolean | null,
    create: () => { row: R; pairs: DistrictYear[] },
  ): RegisterOutcome {
    if (sameAsFound !== null) return sameAsFound ? 'unchanged' : 'differs';
    const { row, pairs } = create();
    recordAudit(this.tx, { userId: this.userId, action: 'create', entity, entityId: row.id, districtId, before: null, after: row });
    this.touched.push(...pairs);
    return 'created';
  }

  /** Creates or updates a district (audited); a change touches every stored year of it. */
  district(input: DistrictImport): WriteOutcome {
    const outcome = upsertDistrict(this.tx, input, this.userId);
    if (outcome !== 'unchanged') {
      const id = this.tx.select({ id: districts.id }).from(districts).where(eq(districts.code, input.code)).get()!.id;
      this.touchedDistricts.add(id);
    }
    return outcome;
  }

  /**
   * Writes the audit events of the monthly rows created without one (one INSERT … SELECT
   * for the whole file instead of a statement per row), before the import commits.
   */
  private auditCreatedMonthly(): void {
    if (this.firstCreatedId === null) return;
    const written = this.statements().auditCreated.run(this.now, this.userId, this.actor, this.firstCreatedId).changes;
    // Every created row, and only those: anything else would be an audit log that lies.
    if (written !== this.createdMonthly) throw new Error(`監査記録の件数が合いません（作成 ${this.createdMonthly} 件、記録 ${written} 件）`);
    this.firstCreatedId = null;
    this.createdMonthly = 0;
  }

  /** Audits the created monthly rows, and recomputes the stored figures once per touched district-year (closed years stay frozen). */
  finish(): void {
    this.auditCreatedMonthly();
    const pairs = [...this.touched];
    for (const [fiscalYear, districtIds] of this.touchedMonthlyYears) for (const districtId of districtIds) pairs.push({ districtId, fiscalYear });
    if (this.touchedDistricts.size > 0) {
      const years = storedYears(this.tx);
      for (const districtId of this.touchedDistricts) for (const fiscalYear of years) pairs.push({ districtId, fiscalYear });
    }
    // A few district-years: one at a time with statements prepared once (as a save). Many: year by
    // year, each year's records read once for all its districts, which is faster past a few dozen.
    if (pairs.length <= FAST_RECOMPUTE_MAX_PAIRS) recomputeDistrictYearsFast(this.tx, pairs);
    else recomputeDistrictYearsBulk(this.tx, this.sqlite, pairs);
  }
}
