import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { salons } from '../db/schema.js';
import { changeRegisterEntry, createRegisterEntry, type RegisterEntryRef, type RegisterWriteResult, type Tx } from '../registers/repository.js';

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

/** Registers a salon (audited). */
export function createSalon(db: Db, districtId: number, input: SalonInput, userId: number | null): SalonRow {
  return createRegisterEntry(db, { entity: 'salon', districtId, userId, insert: (tx) => tx.insert(salons).values({ districtId, ...input }).returning().get() });
}

function writeSalon(tx: Tx, existing: SalonRow, values: Partial<SalonInput>): SalonRow {
  return tx
    .update(salons)
    .set({ ...values, version: existing.version + 1 })
    .where(eq(salons.id, existing.id))
    .returning()
    .get();
}

const sameSalon = (row: SalonRow, input: SalonInput): boolean =>
  row.name === input.name && row.venue === input.venue && row.openedOn === input.openedOn && row.closedOn === input.closedOn && row.subsidyApplied === input.subsidyApplied;

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
      tx.delete(salons).where(eq(salons.id, row.id)).run();
      return null;
    },
  });
}
