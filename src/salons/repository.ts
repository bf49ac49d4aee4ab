import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { salons } from '../db/schema.js';
import { changeRegisterEntry, createRegisterEntry, type RegisterEntryRef, type RegisterWriteResult, type Tx } from '../registers/repository.js';
import { assertFiscalYearsOpen } from '../fiscalYears/repository.js';
import { fiscalYearOfDate } from '../domain/fiscalYear.js';
import { recomputeDistrictYears, salonPairs } from '../figures/recompute.js';

export type SalonRow = typeof salons.$inferSelect;
export interface SalonInput {
  name: string;
  venue: string;
  openedOn: string;
  closedOn: string | null;
  subsidyApplied: boolean;
}

export const SALON_NOT_FOUND = 'そのサロンは見つかりません。削除されたか、別の校(地)区のサロンです。';

/** A district's salons, open ones first by opening date, then closed ones. */
export function listSalons(db: Db, districtId: number): SalonRow[] {
  return db
    .select()
    .from(salons)
    .where(eq(salons.districtId, districtId))
    .orderBy(sql`${salons.closedOn} IS NOT NULL`, asc(salons.openedOn), asc(salons.id))
    .all();
}

/** One salon by id (of any district: callers compare districtId). */
export function getSalon(db: Pick<Db, 'select'>, id: number): SalonRow | undefined {
  return db.select().from(salons).where(eq(salons.id, id)).get();
}

type SalonDates = Pick<SalonRow, 'openedOn' | 'closedOn'>;

/**
 * Refuses a salon change whose opening or closing date, before or after the
 * change, lies in a closed fiscal year (DESIGN §7); dates left as they were do not count.
 */
function assertSalonDatesOpen(tx: Tx, before: SalonDates | null, after: SalonDates | null): void {
  const dates: { date: string | null | undefined; field: string }[] = [];
  if (!before || !after || before.openedOn !== after.openedOn)
    dates.push({ date: before?.openedOn, field: 'opened_on' }, { date: after?.openedOn, field: 'opened_on' });
  if (!before || !after || before.closedOn !== after.closedOn)
    dates.push({ date: before?.closedOn, field: 'closed_on' }, { date: after?.closedOn, field: 'closed_on' });
  assertFiscalYearsOpen(
    tx,
    dates.filter((d): d is { date: string; field: string } => !!d.date).map((d) => ({ fiscalYear: fiscalYearOfDate(d.date), field: d.field })),
  );
}

/** Recomputes every district-year the salon's dates (before and after) touch; closed years stay frozen. */
function afterSalonWrite(tx: Tx, districtId: number, before: SalonDates | null, after: SalonDates | null): void {
  recomputeDistrictYears(tx, salonPairs(tx, districtId, before, after));
}

/** Registers a salon (audited); refused when a date lies in a closed fiscal year. */
export function createSalon(db: Db, districtId: number, input: SalonInput, userId: number | null): SalonRow {
  return createRegisterEntry(db, {
    entity: 'salon',
    districtId,
    userId,
    insert: (tx) => {
      assertSalonDatesOpen(tx, null, input);
      const row = tx
        .insert(salons)
        .values({ districtId, ...input })
        .returning()
        .get();
      afterSalonWrite(tx, districtId, null, row);
      return row;
    },
  });
}

function writeSalon(tx: Tx, existing: SalonRow, values: Partial<SalonInput>): SalonRow {
  const next = { openedOn: values.openedOn ?? existing.openedOn, closedOn: values.closedOn === undefined ? existing.closedOn : values.closedOn };
  assertSalonDatesOpen(tx, existing, next);
  const row = tx
    .update(salons)
    .set({ ...values, version: existing.version + 1 })
    .where(eq(salons.id, existing.id))
    .returning()
    .get();
  afterSalonWrite(tx, existing.districtId, existing, row);
  return row;
}

const sameSalon = (row: SalonRow, input: SalonInput): boolean =>
  row.name === input.name &&
  row.venue === input.venue &&
  row.openedOn === input.openedOn &&
  row.closedOn === input.closedOn &&
  row.subsidyApplied === input.subsidyApplied;

/** Changes a salon's entry (audited); a stale version is a conflict. */
export function updateSalon(db: Db, change: RegisterEntryRef & { input: SalonInput }): RegisterWriteResult<SalonRow> {
  return changeRegisterEntry(db, {
    ...change,
    entity: 'salon',
    action: 'update',
    notFoundMessage: SALON_NOT_FOUND,
    find: getSalon,
    isUnchanged: (row) => sameSalon(row, change.input),
    apply: (tx, row) => writeSalon(tx, row, change.input),
  });
}

/** Records that a salon closed (閉鎖) on `closedOn` (audited as 'close'). */
export function closeSalon(db: Db, change: RegisterEntryRef & { closedOn: string }): RegisterWriteResult<SalonRow> {
  return changeRegisterEntry(db, {
    ...change,
    entity: 'salon',
    action: 'close',
    notFoundMessage: SALON_NOT_FOUND,
    find: getSalon,
    isUnchanged: (row) => row.closedOn === change.closedOn,
    apply: (tx, row) => writeSalon(tx, row, { closedOn: change.closedOn }),
  });
}

/** Deletes a salon entered by mistake (audited); a closed salon should be closed, not deleted. */
export function deleteSalon(db: Db, change: RegisterEntryRef): RegisterWriteResult<SalonRow> {
  return changeRegisterEntry(db, {
    ...change,
    entity: 'salon',
    action: 'delete',
    notFoundMessage: SALON_NOT_FOUND,
    find: getSalon,
    apply: (tx, row) => {
      assertSalonDatesOpen(tx, row, null);
      tx.delete(salons).where(eq(salons.id, row.id)).run();
      afterSalonWrite(tx, row.districtId, row, null);
      return null;
    },
  });
}
