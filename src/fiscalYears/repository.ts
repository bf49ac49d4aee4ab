import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { closedFiscalYears } from '../db/schema.js';
import { ConflictError } from '../errors.js';
import { fiscalYearOfMonth, warekiLong } from '../domain/fiscalYear.js';
import { recordAudit } from '../audit/repository.js';

type Reader = Pick<Db, 'select'>;

/** True when a city user has closed (年度確定) fiscal year `fy`. */
export function isFiscalYearClosed(db: Reader, fy: number): boolean {
  return !!db.select().from(closedFiscalYears).where(eq(closedFiscalYears.fiscalYear, fy)).get();
}

/** Throws 409 when the month's fiscal year is closed; every monthly write calls it. */
export function assertMonthOpen(db: Reader, month: string): void {
  const fy = fiscalYearOfMonth(month);
  if (isFiscalYearClosed(db, fy)) {
    throw new ConflictError(`${warekiLong(fy)}は年度確定済みのため、変更できません。変更が必要な場合は市社協に年度の再開を依頼してください。`);
  }
}

/** All closed fiscal years, oldest first. */
export function listClosedFiscalYears(db: Reader) {
  return db.select().from(closedFiscalYears).orderBy(asc(closedFiscalYears.fiscalYear)).all();
}

/** Closes fiscal year `fy` (audited). Closing a closed year is refused. */
export function closeFiscalYear(db: Db, fy: number, userId: number): void {
  db.transaction((tx) => {
    if (isFiscalYearClosed(tx, fy)) throw new ConflictError(`${warekiLong(fy)}はすでに年度確定済みです。`);
    const row = { fiscalYear: fy, closedBy: userId, closedAt: new Date().toISOString() };
    tx.insert(closedFiscalYears).values(row).run();
    recordAudit(tx, { userId, action: 'close', entity: 'fiscal_year', entityId: fy, before: null, after: row });
  });
}

/** Reopens fiscal year `fy` (audited). */
export function reopenFiscalYear(db: Db, fy: number, userId: number): void {
  db.transaction((tx) => {
    const row = tx.select().from(closedFiscalYears).where(eq(closedFiscalYears.fiscalYear, fy)).get();
    if (!row) throw new ConflictError(`${warekiLong(fy)}は年度確定されていません。`);
    tx.delete(closedFiscalYears).where(eq(closedFiscalYears.fiscalYear, fy)).run();
    recordAudit(tx, { userId, action: 'reopen', entity: 'fiscal_year', entityId: fy, before: row, after: null });
  });
}
