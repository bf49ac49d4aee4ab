import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { preparedOnce } from '../db/prepared.js';
import { closedFiscalYears, monthlyReports } from '../db/schema.js';
import { ConflictError } from '../errors.js';
import { fiscalYearOfMonth, warekiLong } from '../domain/fiscalYear.js';
import { recordAudit } from '../audit/repository.js';
import { recomputeFiscalYears } from '../figures/recompute.js';

type Reader = Pick<Db, 'select'>;

/** True when a city user has closed (年度確定) fiscal year `fy`. */
export function isFiscalYearClosed(db: Reader, fy: number): boolean {
  const closed = preparedOnce(db, 'fiscalYears.closed', (c) =>
    c
      .select({ fy: closedFiscalYears.fiscalYear })
      .from(closedFiscalYears)
      .where(eq(closedFiscalYears.fiscalYear, sql.placeholder('fy')))
      .prepare(),
  );
  return !!closed.get({ fy });
}

/** The message that refuses a change dated in closed fiscal year `fy`. */
export function closedYearMessage(fy: number): string {
  return `${warekiLong(fy)}は年度確定済みのため、変更できません。変更が必要な場合は市社協に年度の再開を依頼してください。`;
}

/** A change dated inside a closed fiscal year (409); `field` names the form field or CSV column when known. */
export class ClosedFiscalYearError extends ConflictError {
  constructor(
    readonly fiscalYear: number,
    readonly field: string | null = null,
  ) {
    super(closedYearMessage(fiscalYear));
  }
}

/** Throws 409 when the month's fiscal year is closed; every monthly write calls it. */
export function assertMonthOpen(db: Reader, month: string): void {
  const fy = fiscalYearOfMonth(month);
  if (isFiscalYearClosed(db, fy)) throw new ClosedFiscalYearError(fy, 'month');
}

/**
 * Throws 409 naming the first closed fiscal year among `years` (DESIGN §7:
 * edits whose dates fall in a closed year are refused until it is reopened).
 */
export function assertFiscalYearsOpen(db: Reader, years: Iterable<{ fiscalYear: number; field: string | null }>): void {
  const list = [...years];
  if (list.length === 0) return;
  const closed = new Set(
    db
      .select({ fy: closedFiscalYears.fiscalYear })
      .from(closedFiscalYears)
      .all()
      .map((r) => r.fy),
  );
  const hit = list.filter((y) => closed.has(y.fiscalYear)).sort((a, b) => a.fiscalYear - b.fiscalYear)[0];
  if (hit) throw new ClosedFiscalYearError(hit.fiscalYear, hit.field);
}

/** All closed fiscal years, oldest first. */
export function listClosedFiscalYears(db: Reader) {
  return db.select().from(closedFiscalYears).orderBy(asc(closedFiscalYears.fiscalYear)).all();
}

/**
 * Closes fiscal year `fy` (audited): its figures are recomputed one last time
 * and stored as the figures of record, frozen until the year is reopened.
 */
export function closeFiscalYear(db: Db, fy: number, userId: number): void {
  db.transaction((tx) => {
    if (isFiscalYearClosed(tx, fy)) throw new ConflictError(`${warekiLong(fy)}はすでに年度確定済みです。`);
    recomputeFiscalYears(tx, [fy]);
    const row = { fiscalYear: fy, closedBy: userId, closedAt: new Date().toISOString() };
    tx.insert(closedFiscalYears).values(row).run();
    recordAudit(tx, { userId, action: 'close', entity: 'fiscal_year', entityId: fy, before: null, after: row });
  });
}

/** Reopens fiscal year `fy` (audited); its stored figures are recomputed from the records. */
export function reopenFiscalYear(db: Db, fy: number, userId: number): void {
  db.transaction((tx) => {
    const row = tx.select().from(closedFiscalYears).where(eq(closedFiscalYears.fiscalYear, fy)).get();
    if (!row) throw new ConflictError(`${warekiLong(fy)}は年度確定されていません。`);
    tx.delete(closedFiscalYears).where(eq(closedFiscalYears.fiscalYear, fy)).run();
    recomputeFiscalYears(tx, [fy]);
    recordAudit(tx, { userId, action: 'reopen', entity: 'fiscal_year', entityId: fy, before: row, after: null });
  });
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
