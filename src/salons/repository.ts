import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { salons } from '../db/schema.js';
import { recordAudit } from '../audit/repository.js';

export type SalonRow = typeof salons.$inferSelect;
export interface SalonInput {
  name: string;
  venue: string;
  openedOn: string;
  closedOn: string | null;
  subsidyApplied: boolean;
}

/** A district's salons, open ones first by opening date. */
export function listSalons(db: Db, districtId: number): SalonRow[] {
  return db.select().from(salons).where(eq(salons.districtId, districtId)).orderBy(asc(salons.openedOn), asc(salons.id)).all();
}

/** Registers a salon (audited). */
export function createSalon(db: Db, districtId: number, input: SalonInput, userId: number | null): SalonRow {
  return db.transaction((tx) => {
    const row = tx.insert(salons).values({ districtId, ...input }).returning().get();
    recordAudit(tx, { userId, action: 'create', entity: 'salon', entityId: row.id, districtId, before: null, after: row });
    return row;
  });
}
